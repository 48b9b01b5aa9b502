-- PostgREST's data representations (SchemaCache.dataRepresentations): casts to json or text
-- from a domain (how its values are written in responses), and from json or text to a domain
-- (how request bodies and query-string values are read into it). Only implicit casts made by a
-- function the loading role may execute count. One row per cast: source and target type, and
-- the function's schema and name.
SELECT c.castsource::int8,
       c.casttarget::int8,
       pn.nspname::text,
       p.proname::text
FROM pg_catalog.pg_cast c
JOIN pg_catalog.pg_type src_t ON src_t.oid = c.castsource
JOIN pg_catalog.pg_type dst_t ON dst_t.oid = c.casttarget
JOIN pg_catalog.pg_proc p ON p.oid = c.castfunc
JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
WHERE c.castcontext = 'i'
  AND c.castmethod = 'f'
  AND pg_catalog.has_function_privilege(c.castfunc, 'execute')
  AND ((src_t.typtype = 'd' AND c.casttarget IN ('pg_catalog.json'::pg_catalog.regtype, 'pg_catalog.text'::pg_catalog.regtype))
    OR (dst_t.typtype = 'd' AND c.castsource IN ('pg_catalog.json'::pg_catalog.regtype, 'pg_catalog.text'::pg_catalog.regtype)))
