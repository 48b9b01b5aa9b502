-- Functions of the exposed schemas ($1), callable through /rpc.
SELECT n.nspname::text, p.proname::text, pg_catalog.pg_get_function_arguments(p.oid),
       pg_catalog.format_type(p.prorettype, NULL), p.proretset, p.provolatile::text
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE p.prokind IN ('f','p') AND n.nspname = ANY($1)
ORDER BY n.nspname, p.proname, p.oid
