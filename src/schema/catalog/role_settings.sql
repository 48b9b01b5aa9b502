-- Settings of the roles the authenticator can become (`ALTER ROLE … SET`), as PostgREST's
-- queryRoleSettings reads them: only the roles it is a direct member of, only settings a user
-- may set or the authenticator was granted SET on, values lower-cased. Rows: role, key, value.
WITH role_setting AS (
  SELECT r.rolname::text AS rolname, pg_catalog.unnest(r.rolconfig) AS setting
  FROM pg_catalog.pg_auth_members m
  JOIN pg_catalog.pg_roles r ON r.oid = m.roleid
  WHERE m.member = current_user::regrole::oid
),
kv AS (
  SELECT rolname,
         pg_catalog.substr(setting, 1, pg_catalog.strpos(setting, '=') - 1) AS key,
         pg_catalog.lower(pg_catalog.substr(setting, pg_catalog.strpos(setting, '=') + 1)) AS value
  FROM role_setting
)
SELECT kv.rolname, kv.key, kv.value
FROM kv
JOIN pg_catalog.pg_settings ps ON ps.name = kv.key
  AND (ps.context = 'user'
       OR pg_catalog.has_parameter_privilege(current_user::regrole::oid, ps.name, 'set'))
ORDER BY kv.rolname, kv.key
