-- Media type handlers (PostgREST's): domains named like a media type ("text/csv", "image/png",
-- "*/*") returned by
--  * an aggregate of one argument, a relation's row type or anyelement, of the exposed schemas:
--    it turns that relation's rows (or any rows) into a body of that type;
--  * a function of the exposed schemas returning one value: its result is a body of that type
--    when it is called (the handler is the domain itself, a cast).
-- "*/*" answers any type and is sent as application/octet-stream.
WITH media_types AS (
  SELECT t.oid, tn.nspname AS type_schema, t.typname AS type_name,
         pg_catalog.lower(t.typname) AS media_type,
         CASE WHEN t.typname = '*/*' THEN 'application/octet-stream' ELSE t.typname END AS resolved
  FROM pg_catalog.pg_type t
  JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
  WHERE t.typtype = 'd'
    AND (t.typname ~ '^[A-Za-z0-9.-]+/[A-Za-z0-9.+-]+$' OR t.typname = '*/*')
)
SELECT true AS aggregate, pn.nspname::text, p.proname::text,
       an.nspname::text, at.typname::text, at.oid = 'pg_catalog.anyelement'::pg_catalog.regtype,
       m.media_type::text, m.resolved::text
FROM media_types m
JOIN pg_catalog.pg_proc p ON p.prorettype = m.oid AND p.prokind = 'a' AND p.pronargs = 1
JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
JOIN pg_catalog.pg_type at ON at.oid = p.proargtypes[0]
JOIN pg_catalog.pg_namespace an ON an.oid = at.typnamespace
WHERE pn.nspname = ANY($1)
  AND (at.oid = 'pg_catalog.anyelement'::pg_catalog.regtype
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_class c
                  WHERE c.reltype = at.oid AND c.relkind IN ('r','v','m','f','p')))
UNION ALL
SELECT false, m.type_schema::text, m.type_name::text,
       pn.nspname::text, p.proname::text, false,
       m.media_type::text, m.resolved::text
FROM media_types m
JOIN pg_catalog.pg_proc p ON p.prorettype = m.oid AND p.prokind = 'f' AND NOT p.proretset
JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
WHERE pn.nspname = ANY($1)
