-- 30-helpers.sql: the app's access-control helpers and the color default, plus the schema
-- app_private for internals the API must not expose (budgetbee serves only public).
--
-- uid(), org_id(), org_role() and jwt() come from the budgetbee extension (00-extension.sql).
-- Idempotent.
SET client_min_messages = warning;  -- no NOTICE for what already exists / does not exist yet

CREATE SCHEMA IF NOT EXISTS app_private;
COMMENT ON SCHEMA app_private IS
  'Budget Bee internals (filter parsing, trigger functions): not exposed by the API.';

-- check_ac(role, resource, action): the organization roles' rights, as the app defines them.
--   owner, admin, editor: list, get, create, update, delete  on transaction, subscription, accounts
--   viewer:               list, get                          on the same
--   anything else (no role, an unknown role, resource or action): false.
-- Plain SQL and IMMUTABLE (the app's is plpgsql SECURITY DEFINER): it reads nothing, so the
-- planner inlines it into the row-level security policies.
CREATE OR REPLACE FUNCTION public.check_ac(role text, resource text, action text)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT coalesce(
    $2 IN ('transaction', 'subscription', 'accounts')
    AND CASE
          WHEN $1 IN ('owner', 'admin', 'editor') THEN $3 IN ('list', 'get', 'create', 'update', 'delete')
          WHEN $1 = 'viewer' THEN $3 IN ('list', 'get')
          ELSE false
        END,
    false)
$$;
COMMENT ON FUNCTION public.check_ac(text, text, text) IS
  'Whether an organization role (owner|admin|editor|viewer) may do action (list|get|create|update|delete) on resource (transaction|subscription|accounts).';

-- check_ac_current(resource, action) = check_ac(org_role(), resource, action): the rights of
-- the caller's role in their active organization (the token's claims.organization_role).
CREATE OR REPLACE FUNCTION public.check_ac_current(resource text, action text)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT public.check_ac(public.org_role(), $1, $2)
$$;
COMMENT ON FUNCTION public.check_ac_current(text, text) IS
  'check_ac() for the caller''s organization role (claims.organization_role of the JWT).';

-- The default color of a new category: one of builtin_colors at random.
CREATE OR REPLACE FUNCTION public.get_random_builtin_color()
RETURNS public.builtin_colors
LANGUAGE sql VOLATILE
AS $$
  SELECT c[1 + floor(random() * cardinality(c))::int]
  FROM (SELECT enum_range(NULL::public.builtin_colors) AS c) AS colors
$$;
COMMENT ON FUNCTION public.get_random_builtin_color() IS
  'A random builtin_colors value (the default color of a category).';
