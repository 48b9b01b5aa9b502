-- 80-grants.sql: who may touch what. Run after every other schema file; idempotent (each
-- object's privileges are first revoked from the API roles, then granted again, so a second run
-- ends in the same state).
--
--   anon           SELECT on transactions only (RLS: no policy for anon, so GET /transactions
--                  without a token is 200 []); nothing else.
--   authenticated  SELECT/INSERT/UPDATE/DELETE on the app's tables (never TRIGGER, TRUNCATE,
--                  REFERENCES), SELECT only on app_subscriptions and feature_flags, EXECUTE on
--                  the API functions; no right at all on the Better Auth tables.
--   auth_admin     the Better Auth tables (Better Auth's own pool; BYPASSRLS).
--   subscription_admin  app_subscriptions and feature_flags, reading users/organizations/members.
-- There are no sequences (ids are uuid or text).
SET client_min_messages = warning;  -- no NOTICE for what already exists / does not exist yet

-- The schema: usable by the API roles, creatable by nobody but its owner.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO anon, authenticated, auth_admin, subscription_admin;
REVOKE ALL ON SCHEMA app_private FROM PUBLIC;
GRANT USAGE ON SCHEMA app_private TO authenticated;

-- Better Auth's tables: sessions' tokens, accounts' password hashes, jwks' private keys.
REVOKE ALL ON public.users, public.sessions, public.accounts, public.verifications,
              public.organizations, public.members, public.invitations, public.jwks
  FROM PUBLIC, anon, authenticated, subscription_admin;
GRANT SELECT, INSERT, UPDATE, DELETE
  ON public.users, public.sessions, public.accounts, public.verifications,
     public.organizations, public.members, public.invitations, public.jwks
  TO auth_admin;
GRANT SELECT ON public.users, public.organizations, public.members TO subscription_admin;

-- The app's tables.
REVOKE ALL ON public.categories, public.tags, public.transactions, public.transaction_tags,
              public.line_items, public.transaction_line_items, public.subscriptions,
              public.app_subscriptions, public.feature_flags
  FROM PUBLIC, anon, authenticated, auth_admin, subscription_admin;
GRANT SELECT, INSERT, UPDATE, DELETE
  ON public.categories, public.tags, public.transactions, public.transaction_tags,
     public.line_items, public.transaction_line_items, public.subscriptions
  TO authenticated;
GRANT SELECT ON public.app_subscriptions, public.feature_flags TO authenticated;
GRANT SELECT ON public.transactions TO anon;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.app_subscriptions, public.feature_flags
  TO subscription_admin;

-- Functions: EXECUTE is PUBLIC by default; take it back and give it to authenticated only.
-- (check_ac, check_ac_current: called by the policies; get_random_builtin_color: the default of
-- categories.color, evaluated with the inserting role's rights.)
REVOKE ALL ON FUNCTION
  public.check_ac(text, text, text),
  public.check_ac_current(text, text),
  public.get_random_builtin_color(),
  public.get_transaction_by_category(jsonb),
  public.get_transaction_distribution_by_category(jsonb),
  public.get_transaction_distribution_by_status(jsonb),
  public.get_filtered_transactions(jsonb),
  public.get_transaction_stat(text, text, jsonb, text, text),
  public.get_transaction_aggregate(text, text, jsonb, text, text, text),
  public.delete_category(uuid, boolean)
  FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION
  public.check_ac(text, text, text),
  public.check_ac_current(text, text),
  public.get_random_builtin_color(),
  public.get_transaction_by_category(jsonb),
  public.get_transaction_distribution_by_category(jsonb),
  public.get_transaction_distribution_by_status(jsonb),
  public.get_filtered_transactions(jsonb),
  public.get_transaction_stat(text, text, jsonb, text, text),
  public.get_transaction_aggregate(text, text, jsonb, text, text, text),
  public.delete_category(uuid, boolean)
  TO authenticated;

-- Internals: the API functions run them as the caller (SECURITY INVOKER).
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA app_private FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
  app_private.invalid_argument(text, text, text),
  app_private.transaction_filter_sql(jsonb, text, text),
  app_private.transaction_scope_sql(text, text, text),
  app_private.chart_where_sql(jsonb, text),
  app_private.transaction_measure(text, text, text)
  TO authenticated;
