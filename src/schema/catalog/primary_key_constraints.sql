-- Every primary key, by table oid, with its columns (attnum and name) in key order: views
-- showing all of a table's key columns have that key.
SELECT k.conrelid::int8, k.conname::text,
       pg_catalog.array_agg(u.attnum::int2 ORDER BY u.ord),
       pg_catalog.array_agg(a.attname::text ORDER BY u.ord),
       n.nspname::text, c.relname::text
FROM pg_catalog.pg_constraint k
JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL pg_catalog.unnest(k.conkey) WITH ORDINALITY AS u(attnum, ord)
JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum
WHERE k.contype = 'p'
GROUP BY k.conrelid, k.conname, n.nspname, c.relname
