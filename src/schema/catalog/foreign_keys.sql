-- Every foreign key of every schema (a view in an exposed schema may show a table of another
-- one), with its columns in key order and whether those columns are exactly a primary or
-- unique key of their table (then the relationship is one-to-one). Keys inherited by
-- partitions are left out: the partitioned table has them.
SELECT n.nspname::text, c.relname::text, k.conname::text,
       cols.names, fn.nspname::text, fc.relname::text, refs.names,
       EXISTS (
         SELECT 1 FROM pg_catalog.pg_constraint u
         WHERE u.conrelid = k.conrelid AND u.contype IN ('p', 'u')
           AND (SELECT pg_catalog.array_agg(a.attname::text ORDER BY a.attnum)
                  FROM pg_catalog.unnest(u.conkey) x(attnum)
                  JOIN pg_catalog.pg_attribute a ON a.attrelid = u.conrelid AND a.attnum = x.attnum)
               = cols.names),
       c.relkind::text, fc.relkind::text,
       k.conrelid::int8, k.conkey::int2[], k.confrelid::int8, k.confkey::int2[]
FROM pg_catalog.pg_constraint k
JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_class fc ON fc.oid = k.confrelid
JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
CROSS JOIN LATERAL (
  SELECT pg_catalog.array_agg(a.attname::text ORDER BY u.ord)
  FROM pg_catalog.unnest(k.conkey) WITH ORDINALITY u(attnum, ord)
  JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum
) cols(names)
CROSS JOIN LATERAL (
  SELECT pg_catalog.array_agg(a.attname::text ORDER BY u.ord)
  FROM pg_catalog.unnest(k.confkey) WITH ORDINALITY u(attnum, ord)
  JOIN pg_catalog.pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum
) refs(names)
WHERE k.contype = 'f' AND k.conparentid = 0
ORDER BY k.conrelid, k.conname
