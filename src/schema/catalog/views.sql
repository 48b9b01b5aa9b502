-- The views and materialized views of the exposed schemas ($1) and of the extra search path
-- ($2): their column names (by attnum) and the query tree of their SELECT rule, whose target
-- list says which table column each view column shows.
SELECT c.oid::int8, n.nspname::text, c.relname::text, n.nspname = ANY($1),
       (SELECT pg_catalog.array_agg(a.attname::text ORDER BY a.attnum)
          FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0),
       r.ev_action::text
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_rewrite r ON r.ev_class = c.oid AND r.ev_type = '1' AND r.is_instead
WHERE c.relkind IN ('v', 'm') AND n.nspname = ANY($1 || $2)
