-- What each API role can reach through the API, and whether row-level security guards it.
-- $1: the configured roles (anon, authenticated); $2: the authenticator, whose member roles a
-- token's role claim may name too; $3: the exposed schemas. Fully qualified: it runs with an
-- empty search_path in the workers.
WITH api_roles AS (
  SELECT r.oid, r.rolname, r.rolbypassrls
  FROM pg_catalog.pg_roles r
  WHERE r.rolname = ANY ($1::text[])
     OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles a
                WHERE a.rolname = $2 AND a.oid <> r.oid
                  AND pg_catalog.pg_has_role(a.oid, r.oid, 'MEMBER'))
),
relations AS (
  SELECT c.oid, n.oid AS nsp, n.nspname, c.relname, c.relkind, c.relowner,
         c.relrowsecurity, c.relforcerowsecurity,
         EXISTS (SELECT 1 FROM pg_catalog.unnest(c.reloptions) o
                 WHERE pg_catalog.lower(o) IN ('security_invoker=true', 'security_invoker=on',
                                               'security_invoker=yes', 'security_invoker=1'))
           AS invoker
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = ANY ($3::text[])
    AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
    AND NOT c.relispartition
),
reached AS (
  SELECT r.rolname, r.rolbypassrls, r.oid AS role, c.*,
         pg_catalog.array_remove(ARRAY[
           CASE WHEN pg_catalog.has_any_column_privilege(r.oid, c.oid, 'SELECT') THEN 'SELECT' END,
           CASE WHEN pg_catalog.has_any_column_privilege(r.oid, c.oid, 'INSERT') THEN 'INSERT' END,
           CASE WHEN pg_catalog.has_any_column_privilege(r.oid, c.oid, 'UPDATE') THEN 'UPDATE' END,
           CASE WHEN pg_catalog.has_table_privilege(r.oid, c.oid, 'DELETE') THEN 'DELETE' END
         ], NULL) AS privileges
  FROM api_roles r
  CROSS JOIN relations c
  WHERE pg_catalog.has_schema_privilege(r.oid, c.nsp, 'USAGE')
)
SELECT rolname::text AS role,
       CASE relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                    WHEN 'f' THEN 'foreign table' ELSE 'table' END AS kind,
       nspname::text AS schema, relname::text AS name, privileges,
       relrowsecurity AS rls,
       CASE
         WHEN rolbypassrls THEN false
         WHEN relkind IN ('r', 'p') THEN relrowsecurity
           AND (relforcerowsecurity OR NOT pg_catalog.pg_has_role(role, relowner, 'USAGE'))
         WHEN relkind = 'v' THEN invoker
         ELSE false
       END AS guarded,
       CASE
         WHEN rolbypassrls THEN 'the role bypasses row-level security'
         WHEN relkind IN ('r', 'p') AND NOT relrowsecurity THEN 'no row-level security'
         WHEN relkind IN ('r', 'p') AND NOT relforcerowsecurity
              AND pg_catalog.pg_has_role(role, relowner, 'USAGE')
           THEN 'the role owns it and row-level security is not forced'
         WHEN relkind IN ('r', 'p') AND NOT EXISTS (
                SELECT 1 FROM pg_catalog.pg_policy p WHERE p.polrelid = x.oid)
           THEN 'row-level security without a policy: no rows'
         WHEN relkind IN ('r', 'p') THEN 'row-level security'
         WHEN relkind = 'v' AND invoker
           THEN 'security_invoker view: the row-level security of its tables applies'
         WHEN relkind = 'v'
           THEN 'view runs as its owner ' || pg_catalog.pg_get_userbyid(relowner)
                || ': its tables'' row-level security sees the owner, not the caller'
         WHEN relkind = 'm' THEN 'materialized views have no row-level security'
         ELSE 'foreign tables have no row-level security'
       END AS note
FROM reached x
WHERE pg_catalog.cardinality(privileges) > 0
UNION ALL
SELECT r.rolname::text, 'function', n.nspname::text,
       p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',
       ARRAY['EXECUTE'], NULL,
       NOT p.prosecdef AND NOT r.rolbypassrls,
       CASE
         WHEN r.rolbypassrls THEN 'the role bypasses row-level security'
         WHEN p.prosecdef THEN 'SECURITY DEFINER: runs as '
                               || pg_catalog.pg_get_userbyid(p.proowner)
         ELSE 'runs as the caller: row-level security applies to what it touches'
       END
FROM api_roles r
CROSS JOIN pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = ANY ($3::text[])
  AND p.prokind = 'f'
  AND p.prorettype NOT IN ('pg_catalog.trigger'::pg_catalog.regtype,
                           'pg_catalog.event_trigger'::pg_catalog.regtype)
  AND pg_catalog.has_schema_privilege(r.oid, n.oid, 'USAGE')
  AND pg_catalog.has_function_privilege(r.oid, p.oid, 'EXECUTE')
ORDER BY 1, 2, 3, 4
