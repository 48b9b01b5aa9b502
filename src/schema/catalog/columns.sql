-- One row per column of every table, view, materialized view, foreign and partitioned table in
-- the exposed schemas ($1); a relation without columns appears once with NULL column fields.
SELECT n.nspname::text, c.relname::text, c.relkind::text, a.attname::text,
       pg_catalog.format_type(a.atttypid, a.atttypmod), a.atttypid::int8,
       NOT a.attnotnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid)
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_attribute a
       ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE c.relkind IN ('r','v','m','f','p') AND n.nspname = ANY($1)
ORDER BY n.nspname, c.relname, a.attnum
