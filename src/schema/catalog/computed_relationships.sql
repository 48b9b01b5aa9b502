-- Computed relationships: functions of one argument of a table's row type returning rows of a
-- table (`f(films) RETURNS SETOF actors`); to-one when they return a single row or say ROWS 1.
SELECT pn.nspname::text, p.proname::text,
       an.nspname::text, ac.relname::text,
       rn.nspname::text, rc.relname::text,
       NOT p.proretset OR p.prorows = 1
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
JOIN pg_catalog.pg_type at ON at.oid = p.proargtypes[0]
JOIN pg_catalog.pg_class ac ON ac.oid = at.typrelid AND ac.relkind IN ('r','v','m','f','p')
JOIN pg_catalog.pg_namespace an ON an.oid = ac.relnamespace
JOIN pg_catalog.pg_type rt ON rt.oid = p.prorettype
JOIN pg_catalog.pg_class rc ON rc.oid = rt.typrelid AND rc.relkind IN ('r','v','m','f','p')
JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
WHERE p.pronargs = 1 AND p.prokind = 'f'
