-- check.sql: checks of sql/app against its demo rows (90-demo.sql), as the API would run them:
-- in a transaction, request.jwt.claims set like Better Auth's tokens, SET ROLE authenticated
-- (or anon). Every block ends in ROLLBACK: the database is left as it was.
--
--   psql -X -v ON_ERROR_STOP=1 -h <host> -p <port> -d <database> -f sql/app/check.sql
--
-- Run as a superuser (or the schema's owner) on a database built with 00-…90-*.sql. Each check
-- prints "ok  <what> …" and the expected result is written beside it; a wrong result raises
-- "FAIL …" and, with ON_ERROR_STOP, psql exits non-zero. The last line is "all checks passed".
\set ON_ERROR_STOP 1
\pset tuples_only on
\pset format unaligned
SET client_min_messages = warning;

-- Helpers (temporary, in pg_temp: gone at the end of the session) ----------------------------

-- Acts as the API does for a request with a token: claims, then the role (both transaction-local).
CREATE FUNCTION pg_temp.login(p_sub text, p_org text DEFAULT NULL, p_org_role text DEFAULT NULL)
RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('request.jwt.claims', jsonb_build_object(
    'sub', p_sub, 'user_id', p_sub, 'role', 'authenticated',
    'email', p_sub || '@example.com', 'aud', 'http://localhost:3000',
    'claims', jsonb_build_object('organization_id', p_org, 'organization_role', p_org_role))::text, true);
  PERFORM set_config('role', 'authenticated', true);
  RETURN format('-- as %s (organization %s, role %s)', p_sub, coalesce(p_org, 'none'), coalesce(p_org_role, 'none'));
END $$;

-- A request without a token: no claims, role anon.
CREATE FUNCTION pg_temp.anonymous() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('request.jwt.claims', '', true);
  PERFORM set_config('role', 'anon', true);
  RETURN '-- as anon (no token)';
END $$;

CREATE FUNCTION pg_temp.expect(p_label text, p_got text, p_want text)
RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  IF p_got IS DISTINCT FROM p_want THEN
    RAISE EXCEPTION 'FAIL %: got %, want %', p_label, coalesce(p_got, 'NULL'), coalesce(p_want, 'NULL');
  END IF;
  RETURN format('ok  %s = %s', p_label, coalesce(p_got, 'NULL'));
END $$;

-- Runs a statement that must fail with p_state; shows its message and hint.
CREATE FUNCTION pg_temp.expect_error(p_label text, p_sql text, p_state text)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v_state text; v_msg text; v_hint text;
BEGIN
  BEGIN
    EXECUTE p_sql;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_hint = PG_EXCEPTION_HINT;
  END;
  IF v_state IS NULL THEN
    RAISE EXCEPTION 'FAIL %: no error, want %', p_label, p_state;
  ELSIF v_state <> p_state THEN
    RAISE EXCEPTION 'FAIL %: got % "%", want %', p_label, v_state, v_msg, p_state;
  END IF;
  RETURN format('ok  %s: %s %s%s', p_label, v_state, v_msg,
                CASE WHEN coalesce(v_hint, '') <> '' THEN ' | hint: ' || v_hint ELSE '' END);
END $$;

-- Rows a statement touched (0 for an UPDATE/DELETE that row-level security filters out).
CREATE FUNCTION pg_temp.affected(p_sql text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE p_sql;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;

-- Catalog: what the API roles may reach --------------------------------------------------------
SELECT '-- catalog';
-- Every table anon or authenticated has any privilege on has row-level security: none without.
SELECT pg_temp.expect('API-reachable tables without row-level security', (
  SELECT coalesce(string_agg(c.relname, ',' ORDER BY c.relname), '')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
    AND NOT c.relrowsecurity
    AND (has_table_privilege('anon', c.oid, 'SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER')
      OR has_table_privilege('authenticated', c.oid, 'SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER'))), '');
-- anon: SELECT on transactions, nothing else.
SELECT pg_temp.expect('tables anon can read or write', (
  SELECT string_agg(c.relname, ',' ORDER BY c.relname)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm')
    AND has_table_privilege('anon', c.oid, 'SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER')), 'transactions');
SELECT pg_temp.expect('anon may write transactions',
  has_table_privilege('anon', 'public.transactions', 'INSERT,UPDATE,DELETE')::text, 'false');
-- authenticated: nothing on Better Auth's tables.
SELECT pg_temp.expect('Better Auth tables authenticated can reach', (
  SELECT coalesce(string_agg(t, ','), '') FROM unnest(ARRAY['users', 'sessions', 'accounts', 'verifications',
    'organizations', 'members', 'invitations', 'jwks']) AS t
  WHERE has_table_privilege('authenticated', 'public.' || t, 'SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER')
     OR has_table_privilege('anon', 'public.' || t, 'SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER')), '');
SELECT pg_temp.expect('authenticated may TRUNCATE or TRIGGER an app table', (
  SELECT bool_or(has_table_privilege('authenticated', c.oid, 'TRUNCATE,TRIGGER'))::text
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND c.relkind = 'r'), 'false');
SELECT pg_temp.expect('authenticated may write app_subscriptions or feature_flags',
  (has_table_privilege('authenticated', 'public.app_subscriptions', 'INSERT,UPDATE,DELETE')
   OR has_table_privilege('authenticated', 'public.feature_flags', 'INSERT,UPDATE,DELETE'))::text, 'false');
-- API functions: SECURITY INVOKER, executable by authenticated, not by anon.
SELECT pg_temp.expect('SECURITY DEFINER functions in public', (
  SELECT coalesce(string_agg(p.proname, ','), '') FROM pg_proc p
  WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef), '');
SELECT pg_temp.expect('API functions anon may execute', (
  SELECT coalesce(string_agg(p.proname, ',' ORDER BY p.proname), '') FROM pg_proc p
  WHERE p.pronamespace = 'public'::regnamespace
    AND p.proname IN ('get_transaction_by_category', 'get_transaction_distribution_by_category',
      'get_transaction_distribution_by_status', 'get_filtered_transactions', 'get_transaction_stat',
      'get_transaction_aggregate', 'delete_category')
    AND has_function_privilege('anon', p.oid, 'EXECUTE')), '');
SELECT pg_temp.expect('API functions authenticated may execute', (
  SELECT count(*)::text FROM pg_proc p
  WHERE p.pronamespace = 'public'::regnamespace
    AND p.proname IN ('get_transaction_by_category', 'get_transaction_distribution_by_category',
      'get_transaction_distribution_by_status', 'get_filtered_transactions', 'get_transaction_stat',
      'get_transaction_aggregate', 'delete_category')
    AND has_function_privilege('authenticated', p.oid, 'EXECUTE')), '7');

-- anon (no token) ------------------------------------------------------------------------------
BEGIN;
SELECT pg_temp.anonymous();
SELECT pg_temp.expect('anon: transactions', (SELECT count(*) FROM transactions)::text, '0');   -- GET /transactions → 200 []
SELECT pg_temp.expect_error('anon: categories', 'SELECT 1 FROM categories', '42501');
SELECT pg_temp.expect_error('anon: users', 'SELECT 1 FROM users', '42501');
SELECT pg_temp.expect_error('anon: jwks', 'SELECT 1 FROM jwks', '42501');
SELECT pg_temp.expect_error('anon: feature_flags', 'SELECT 1 FROM feature_flags', '42501');
SELECT pg_temp.expect_error('anon: insert a transaction', 'INSERT INTO transactions (amount) VALUES (1)', '42501');
SELECT pg_temp.expect_error('anon: get_filtered_transactions', 'SELECT get_filtered_transactions(''[]'')', '42501');
SELECT pg_temp.expect_error('anon: get_transaction_stat', 'SELECT get_transaction_stat()', '42501');
ROLLBACK;

-- alice: personal only ------------------------------------------------------------------------
BEGIN;
SELECT pg_temp.login('user_alice');
SELECT pg_temp.expect('alice: transactions', (SELECT count(*) FROM transactions)::text, '124');
SELECT pg_temp.expect('alice: transactions not hers', (SELECT count(*) FROM transactions WHERE user_id <> 'user_alice' OR organization_id IS NOT NULL)::text, '0');
SELECT pg_temp.expect('alice: categories', (SELECT string_agg(name, ',' ORDER BY name) FROM categories), 'Food,Groceries,Rent,Salary,Sales,Travel');
SELECT pg_temp.expect('alice: tags', (SELECT string_agg(name, ',' ORDER BY name) FROM tags), 'essential,recurring');
SELECT pg_temp.expect('alice: transaction_tags', (SELECT count(*) FROM transaction_tags)::text, '46');
SELECT pg_temp.expect('alice: line_items', (SELECT string_agg(name, ',' ORDER BY name) FROM line_items), 'Apples,Bread,Cheese');
SELECT pg_temp.expect('alice: transaction_line_items', (SELECT count(*) FROM transaction_line_items)::text, '3');
SELECT pg_temp.expect('alice: subscriptions', (SELECT string_agg(title, ',' ORDER BY title) FROM subscriptions), 'Cloud storage,Gym,Netflix');
SELECT pg_temp.expect('alice: app_subscriptions', (SELECT count(*) FROM app_subscriptions)::text, '0');
SELECT pg_temp.expect('alice: feature_flags', (SELECT string_agg(key, ',' ORDER BY key) FROM feature_flags), 'ai_categorization,new_dashboard');
SELECT pg_temp.expect_error('alice: users (Better Auth)', 'SELECT 1 FROM users', '42501');
SELECT pg_temp.expect_error('alice: sessions (Better Auth)', 'SELECT 1 FROM sessions', '42501');
SELECT pg_temp.expect_error('alice: accounts (Better Auth)', 'SELECT 1 FROM accounts', '42501');
SELECT pg_temp.expect_error('alice: jwks (Better Auth)', 'SELECT 1 FROM jwks', '42501');
SELECT pg_temp.expect_error('alice: write feature_flags', 'UPDATE feature_flags SET value = false', '42501');
SELECT pg_temp.expect_error('alice: write app_subscriptions', 'DELETE FROM app_subscriptions', '42501');
SELECT pg_temp.expect_error('alice: truncate transactions', 'TRUNCATE transactions', '42501');
-- The seed's "Create Transaction" body: no user_id (defaults to uid()), an ISO date with Z.
-- (json_populate_record: how the API turns the JSON body into a row)
SELECT pg_temp.expect('alice: seed Create Transaction', pg_temp.affected($q$
  INSERT INTO transactions (amount, name, category_id, transaction_date)
  SELECT amount, name, category_id, transaction_date FROM json_populate_record(NULL::transactions,
    '{"amount": -50.00, "name": "Grocery Shopping", "category_id": "0b1c2d3e-0000-4000-8000-000000000001",
      "transaction_date": "2026-03-05T10:30:00Z"}')$q$)::text, '1');
SELECT pg_temp.expect('alice: the created transaction', (
  SELECT format('%s %s %s %s %s %s %s', user_id, coalesce(organization_id, '-'), amount, transaction_date, status, currency, source)
  FROM transactions WHERE name = 'Grocery Shopping' AND id <> '7a000000-0000-4000-8000-000000000001'),
  'user_alice - -50.00 2026-03-05 10:30:00 paid usd manual');
SELECT pg_temp.expect_error('alice: insert a transaction as olivia',
  'INSERT INTO transactions (amount, user_id) VALUES (1, ''user_olivia'')', '42501');
SELECT pg_temp.expect_error('alice: insert a transaction into org_acme',
  'INSERT INTO transactions (amount, organization_id) VALUES (1, ''org_acme'')', '42501');
SELECT pg_temp.expect('alice: update olivia''s transaction',
  pg_temp.affected('UPDATE transactions SET amount = 0 WHERE id = ''7a000002-0000-4000-8000-000000000001''')::text, '0');
SELECT pg_temp.expect('alice: delete org_acme''s transactions',
  pg_temp.affected('DELETE FROM transactions WHERE organization_id = ''org_acme''')::text, '0');
SELECT pg_temp.expect_error('alice: tag her transaction with olivia''s tag',
  'INSERT INTO transaction_tags VALUES (''7a000000-0000-4000-8000-000000000003'', ''7a6c0000-0000-4000-8000-000000000011'')', '42501');
SELECT pg_temp.expect_error('alice: tag olivia''s transaction with her tag',
  'INSERT INTO transaction_tags VALUES (''7a000002-0000-4000-8000-000000000002'', ''7a6c0000-0000-4000-8000-000000000001'')', '42501');
SELECT pg_temp.expect('alice: tag her own transaction',
  pg_temp.affected('INSERT INTO transaction_tags VALUES (''7a000000-0000-4000-8000-000000000003'', ''7a6c0000-0000-4000-8000-000000000001'')')::text, '1');
SELECT pg_temp.expect_error('alice: add a line item to olivia''s transaction',
  'INSERT INTO line_items (transaction_id, name) VALUES (''7a000002-0000-4000-8000-000000000002'', ''x'')', '42501');
SELECT pg_temp.expect_error('alice: link olivia''s line item to her transaction',
  'INSERT INTO transaction_line_items VALUES (''7a000000-0000-4000-8000-000000000003'', ''1e000000-0000-4000-8000-000000000021'')', '42501');
SELECT pg_temp.expect('alice: delete acme''s line items',
  pg_temp.affected('DELETE FROM line_items WHERE id = ''1e000000-0000-4000-8000-000000000011''')::text, '0');
SELECT pg_temp.expect_error('alice: insert a subscription for olivia',
  'INSERT INTO subscriptions (title, user_id) VALUES (''x'', ''user_olivia'')', '42501');
SELECT pg_temp.expect('alice: insert her own subscription (user_id defaults to her)',
  pg_temp.affected('INSERT INTO subscriptions (title, amount, period) VALUES (''Radio'', 5, ''monthly'')')::text, '1');
-- UPDATE stamps updated_at (trigger)
SELECT pg_temp.expect('alice: update a transaction of hers',
  pg_temp.affected('UPDATE transactions SET name = ''Salary (March)'' WHERE id = ''7a000000-0000-4000-8000-000000000003''')::text, '1');
SELECT pg_temp.expect('alice: the update set updated_at', (
  SELECT (updated_at = now()::timestamp AND created_at = '2026-03-28 08:00:00')::text FROM transactions WHERE id = '7a000000-0000-4000-8000-000000000003'), 'true');
ROLLBACK;

-- olivia: personal (no active organization), then owner of org_acme ---------------------------
BEGIN;
SELECT pg_temp.login('user_olivia');
SELECT pg_temp.expect('olivia (no org): transactions', (SELECT count(*) FROM transactions)::text, '80');
SELECT pg_temp.expect('olivia (no org): categories', (SELECT count(*) FROM categories)::text, '6');
SELECT pg_temp.expect('olivia (no org): tags', (SELECT string_agg(name, ',') FROM tags), 'hobby');
SELECT pg_temp.expect('olivia (no org): subscriptions', (SELECT string_agg(title, ',') FROM subscriptions), 'Spotify');
SELECT pg_temp.expect('olivia (no org): app_subscriptions', (SELECT count(*) FROM app_subscriptions)::text, '0');
SELECT pg_temp.expect('olivia (no org): feature_flags', (SELECT string_agg(key, ',' ORDER BY key) FROM feature_flags), 'beta_export,new_dashboard');
ROLLBACK;

BEGIN;
SELECT pg_temp.login('user_olivia', 'org_acme', 'owner');
SELECT pg_temp.expect('olivia (owner): transactions', (SELECT count(*) FROM transactions)::text, '260');
SELECT pg_temp.expect('olivia (owner): org transactions', (SELECT count(*) FROM transactions WHERE organization_id = 'org_acme')::text, '180');
SELECT pg_temp.expect('olivia (owner): categories', (SELECT count(*) FROM categories)::text, '11');
SELECT pg_temp.expect('olivia (owner): tags', (SELECT count(*) FROM tags)::text, '4');
SELECT pg_temp.expect('olivia (owner): transaction_tags', (SELECT count(*) FROM transaction_tags)::text, '109');
SELECT pg_temp.expect('olivia (owner): line_items', (SELECT count(*) FROM line_items)::text, '3');
SELECT pg_temp.expect('olivia (owner): subscriptions', (SELECT count(*) FROM subscriptions)::text, '4');
SELECT pg_temp.expect('olivia (owner): app_subscriptions', (SELECT string_agg(id, ',') FROM app_subscriptions), 'sub_acme_pro');
SELECT pg_temp.expect('olivia (owner): feature_flags', (SELECT string_agg(key, ',' ORDER BY key) FROM feature_flags), 'beta_export,new_dashboard,team_reports');
SELECT pg_temp.expect('olivia (owner): update an org transaction',
  pg_temp.affected('UPDATE transactions SET status = ''paid'' WHERE id = ''7a000003-0000-4000-8000-000000000001''')::text, '1');
SELECT pg_temp.expect('olivia (owner): insert an org transaction',
  pg_temp.affected('INSERT INTO transactions (amount, name, organization_id) VALUES (-10, ''Pens'', ''org_acme'')')::text, '1');
SELECT pg_temp.expect('olivia (owner): tag an org transaction',
  pg_temp.affected('INSERT INTO transaction_tags VALUES (''7a000003-0000-4000-8000-000000000001'', ''7a6c0000-0000-4000-8000-000000000023'')')::text, '1');
SELECT pg_temp.expect('olivia (owner): delete an org transaction',
  pg_temp.affected('DELETE FROM transactions WHERE id = ''7a000003-0000-4000-8000-000000000002''')::text, '1');
ROLLBACK;

-- victor: viewer of org_acme --------------------------------------------------------------------
BEGIN;
SELECT pg_temp.login('user_victor');
SELECT pg_temp.expect('victor (no org): transactions', (SELECT count(*) FROM transactions)::text, '0');
SELECT pg_temp.expect('victor (no org): categories', (SELECT string_agg(name, ',' ORDER BY name) FROM categories), 'Food,Sales,Travel');
SELECT pg_temp.expect('victor (no org): feature_flags', (SELECT string_agg(key, ',') FROM feature_flags), 'new_dashboard');
ROLLBACK;

BEGIN;
SELECT pg_temp.login('user_victor', 'org_acme', 'viewer');
SELECT pg_temp.expect('victor (viewer): transactions', (SELECT count(*) FROM transactions)::text, '180');
SELECT pg_temp.expect('victor (viewer): categories', (SELECT count(*) FROM categories)::text, '8');
SELECT pg_temp.expect('victor (viewer): tags', (SELECT count(*) FROM tags)::text, '3');
SELECT pg_temp.expect('victor (viewer): transaction_tags', (SELECT count(*) FROM transaction_tags)::text, '99');
SELECT pg_temp.expect('victor (viewer): line_items', (SELECT count(*) FROM line_items)::text, '2');
SELECT pg_temp.expect('victor (viewer): subscriptions', (SELECT count(*) FROM subscriptions)::text, '3');
SELECT pg_temp.expect('victor (viewer): app_subscriptions', (SELECT string_agg(id, ',') FROM app_subscriptions), 'sub_acme_pro');
SELECT pg_temp.expect('victor (viewer): feature_flags', (SELECT string_agg(key, ',' ORDER BY key) FROM feature_flags), 'new_dashboard,team_reports');
-- reads but never writes the organization's transactions (INSERT: 42501, UPDATE/DELETE: 0 rows)
SELECT pg_temp.expect_error('victor (viewer): insert an org transaction',
  'INSERT INTO transactions (amount, organization_id) VALUES (1, ''org_acme'')', '42501');
SELECT pg_temp.expect('victor (viewer): update org transactions',
  pg_temp.affected('UPDATE transactions SET amount = 0 WHERE organization_id = ''org_acme''')::text, '0');
SELECT pg_temp.expect('victor (viewer): delete org transactions',
  pg_temp.affected('DELETE FROM transactions WHERE organization_id = ''org_acme''')::text, '0');
SELECT pg_temp.expect_error('victor (viewer): tag an org transaction',
  'INSERT INTO transaction_tags VALUES (''7a000003-0000-4000-8000-000000000001'', ''7a6c0000-0000-4000-8000-000000000023'')', '42501');
SELECT pg_temp.expect('victor (viewer): untag org transactions',
  pg_temp.affected('DELETE FROM transaction_tags')::text, '0');
SELECT pg_temp.expect('victor (viewer): change org line items',
  pg_temp.affected('UPDATE line_items SET unit_price = 0')::text, '0');
SELECT pg_temp.expect_error('victor (viewer): insert an org subscription',
  'INSERT INTO subscriptions (title, organization_id) VALUES (''x'', ''org_acme'')', '42501');
SELECT pg_temp.expect('victor (viewer): delete org subscriptions',
  pg_temp.affected('DELETE FROM subscriptions')::text, '0');
SELECT pg_temp.expect('victor (viewer): insert a personal transaction',
  pg_temp.affected('INSERT INTO transactions (amount, name) VALUES (-3.5, ''Coffee'')')::text, '1');
SELECT pg_temp.expect_error('victor (viewer): delete_category with its transactions',
  'SELECT delete_category(''0b1c2d3e-0000-4000-8000-000000000023'', true)', '42501');
SELECT pg_temp.expect_error('victor (viewer): delete_category keeping its transactions',
  'SELECT delete_category(''0b1c2d3e-0000-4000-8000-000000000023'', false)', '42501');
SELECT pg_temp.expect_error('victor (viewer): insert an org category',
  'INSERT INTO categories (name, organization_id) VALUES (''x'', ''org_acme'')', '42501');
SELECT pg_temp.expect('victor (viewer): rename org categories',
  pg_temp.affected('UPDATE categories SET name = ''x'' WHERE organization_id = ''org_acme''')::text, '0');
SELECT pg_temp.expect('victor (viewer): delete org tags',
  pg_temp.affected('DELETE FROM tags WHERE organization_id = ''org_acme''')::text, '0');
SELECT pg_temp.expect_error('victor (viewer): insert an org tag',
  'INSERT INTO tags (name, organization_id) VALUES (''x'', ''org_acme'')', '42501');
SELECT pg_temp.expect('victor (viewer): insert a personal category',
  pg_temp.affected('INSERT INTO categories (name) VALUES (''Mine'')')::text, '1');
ROLLBACK;

-- Functions ---------------------------------------------------------------------------------------
BEGIN;
SELECT pg_temp.login('user_alice');
-- the seed's body: {"filters":[{"field":"amount","operation":"gt","value":100},
--                              {"field":"transaction_date","operation":"from","value":"2026-01-01"}]}
SELECT pg_temp.expect('alice: seed get_filtered_transactions', (
  SELECT count(*) FROM get_filtered_transactions(filters => '[{"field":"amount","operation":"gt","value":100},
    {"field":"transaction_date","operation":"from","value":"2026-01-01"}]'))::text, '7');
SELECT pg_temp.expect('alice: get_filtered_transactions, no filter', (SELECT count(*) FROM get_filtered_transactions('[]'))::text, '124');
SELECT pg_temp.expect('alice: get_filtered_transactions, newest first', (
  SELECT (array_agg(transaction_date))[1] >= (array_agg(transaction_date))[2] FROM get_filtered_transactions('[]'))::text, 'true');
SELECT pg_temp.expect('alice: unknown fields and operations are ignored', (
  SELECT count(*) FROM get_filtered_transactions('[{"field":"colour","operation":"eq","value":"red"},
    {"field":"amount","operation":"approx","value":"x"}]'))::text, '124');
SELECT pg_temp.expect('alice: category is [Groceries, Rent]', (
  SELECT count(*) FROM get_filtered_transactions('[{"field":"category","operation":"is",
    "value":["0b1c2d3e-0000-4000-8000-000000000001","0b1c2d3e-0000-4000-8000-000000000002"]}]'))::text,
  (SELECT count(*) FROM transactions WHERE category_id IN ('0b1c2d3e-0000-4000-8000-000000000001', '0b1c2d3e-0000-4000-8000-000000000002'))::text);
SELECT pg_temp.expect('alice: category is not [Groceries] (nulls left out, as not.in)', (
  SELECT count(*) FROM get_filtered_transactions('[{"field":"category","operation":"is not","value":["0b1c2d3e-0000-4000-8000-000000000001"]}]'))::text,
  (SELECT count(*) FROM transactions WHERE category_id <> '0b1c2d3e-0000-4000-8000-000000000001')::text);
SELECT pg_temp.expect('alice: category is empty', (
  SELECT count(*) FROM get_filtered_transactions('[{"field":"category","operation":"is empty"}]'))::text, '30');
SELECT pg_temp.expect('alice: status is [pending, overdue] between two dates', (
  SELECT count(*) FROM get_filtered_transactions('[{"field":"status","operation":"is","value":["pending","overdue"]},
    {"field":"transaction_date","operation":"between","value":["2026-02-01","2026-03-31T23:59:59Z"]}]'))::text,
  (SELECT count(*) FROM transactions WHERE status IN ('pending', 'overdue') AND transaction_date BETWEEN '2026-02-01' AND '2026-03-31 23:59:59')::text);
SELECT pg_temp.expect('alice: amount as a numeric string', (
  SELECT count(*) FROM get_filtered_transactions('[{"field":"amount","operation":"lte","value":"-1000"}]'))::text, '7');

-- the seed's get_transaction_stat body: p_user_id user_123 is not the caller → no row → 0
SELECT pg_temp.expect('alice: seed get_transaction_stat (user_123)',
  get_transaction_stat(p_user_id => 'user_123', p_organization_id => NULL, p_filters => '[]',
                       p_aggregate_fn => 'sum', p_transaction_type => 'balance')::text, '0');
SELECT pg_temp.expect('alice: stat sum balance', get_transaction_stat('user_alice', NULL, '[]', 'sum', 'balance')::text, '9840.40');
SELECT pg_temp.expect('alice: stat sum credit (money out, positive)', get_transaction_stat('user_alice', NULL, '[]', 'sum', 'credit')::text, '13959.60');
SELECT pg_temp.expect('alice: stat sum debit (money in)', get_transaction_stat('user_alice', NULL, '[]', 'sum', 'debit')::text, '23800.00');
SELECT pg_temp.expect('alice: stat count balance', get_transaction_stat('user_alice', NULL, '[]', 'count', 'balance')::text, '124');
SELECT pg_temp.expect('alice: stat avg balance', get_transaction_stat('user_alice', NULL, '[]', 'avg', 'balance')::text, '79.36');
SELECT pg_temp.expect('alice: stat min / max balance',
  get_transaction_stat('user_alice', NULL, '[]', 'min', 'balance') || ' / ' || get_transaction_stat('user_alice', NULL, '[]', 'max', 'balance'),
  '-1200.00 / 3400.00');
SELECT pg_temp.expect('alice: stat defaults (the caller, sum, balance)', get_transaction_stat()::text, '9840.40');
SELECT pg_temp.expect('alice: stat of org_acme (not hers) is 0', get_transaction_stat(NULL, 'org_acme', '[]', 'sum', 'balance')::text, '0');
SELECT pg_temp.expect('alice: balance = debit - credit, as the charts', (
  SELECT (sum(balance) = sum(debit) - sum(credit) AND sum(credit) = get_transaction_stat(NULL, NULL, '[]', 'sum', 'credit')
          AND sum(debit) = get_transaction_stat(NULL, NULL, '[]', 'sum', 'debit'))::text
  FROM get_transaction_distribution_by_category('{"user_id":"user_alice","organization_id":null,"filters":[]}')), 'true');

-- the app's chart functions
SELECT pg_temp.expect('alice: get_transaction_by_category', (
  SELECT string_agg(coalesce(name, '(none)') || ' ' || amount, ', ' ORDER BY name NULLS LAST)
  FROM get_transaction_by_category('{"user_id":"user_alice","organization_id":null,"filters":[]}')),
  'Food -1546.30, Groceries -1271.00, Rent -8400.00, Salary 23800.00, Travel -1197.60, (none) -1544.70');
SELECT pg_temp.expect('alice: get_transaction_by_category, filtered', (
  SELECT string_agg(name || ' ' || amount, ', ')
  FROM get_transaction_by_category('{"user_id":"user_alice","filters":[{"field":"amount","operation":"gt","value":0}]}')),
  'Salary 23800.00');
SELECT pg_temp.expect('alice: get_transaction_distribution_by_status: days and total', (
  SELECT count(DISTINCT day) || ' days, balance ' || sum(balance) || ', ordered ' || (array_agg(day) = array_agg(day ORDER BY day))
  FROM get_transaction_distribution_by_status('{"user_id":"user_alice"}')), '122 days, balance 9840.40, ordered true');
SELECT pg_temp.expect('alice: charts of org_acme with her token are empty', (
  SELECT count(*) FROM get_transaction_by_category('{"organization_id":"org_acme"}'))::text, '0');

-- the grouped stat
SELECT pg_temp.expect('alice: aggregate credit by month', (
  SELECT string_agg(group_key || '=' || value || '/' || transaction_count, ' ' ORDER BY period)
  FROM get_transaction_aggregate(NULL, NULL, '[]', 'sum', 'credit', 'month')),
  (SELECT string_agg(m || '=' || s || '/' || n, ' ' ORDER BY m) FROM (
     SELECT to_char(transaction_date, 'YYYY-MM') m, -sum(amount) s, count(*) n FROM transactions WHERE amount < 0 GROUP BY 1) x));
SELECT pg_temp.expect('alice: aggregate count by status', (
  SELECT string_agg(group_key || '=' || value, ' ' ORDER BY group_key)
  FROM get_transaction_aggregate(p_aggregate_fn => 'count', p_group_by => 'status')),
  (SELECT string_agg(status || '=' || n, ' ' ORDER BY status) FROM (SELECT status, count(*) n FROM transactions GROUP BY 1) x));
SELECT pg_temp.expect('alice: aggregate by category (default) sums to the stat', (
  SELECT sum(value) FROM get_transaction_aggregate('user_alice', NULL, '[]', 'sum', 'balance'))::text, '9840.40');
SELECT pg_temp.expect('alice: aggregate as the seed calls it (5 arguments)', (
  SELECT count(*) FROM get_transaction_aggregate(p_user_id => 'user_alice', p_organization_id => NULL, p_filters => '[]',
                                                 p_aggregate_fn => 'sum', p_transaction_type => 'balance'))::text, '6');

-- bad arguments: 22023 with a message naming the argument and a hint
SELECT pg_temp.expect_error('stat: unknown aggregate', 'SELECT get_transaction_stat(NULL, NULL, ''[]'', ''median'', ''balance'')', '22023');
SELECT pg_temp.expect_error('stat: unknown transaction type', 'SELECT get_transaction_stat(NULL, NULL, ''[]'', ''sum'', ''income'')', '22023');
SELECT pg_temp.expect_error('stat: filters not an array', 'SELECT get_transaction_stat(NULL, NULL, ''{"field":"amount"}'', ''sum'', ''balance'')', '22023');
SELECT pg_temp.expect_error('stat: a filter that is not an object', 'SELECT get_transaction_stat(NULL, NULL, ''[42]'', ''sum'', ''balance'')', '22023');
SELECT pg_temp.expect_error('filtered: a filter without field', 'SELECT * FROM get_filtered_transactions(''[{"operation":"gt","value":1}]'')', '22023');
SELECT pg_temp.expect_error('filtered: a filter without operation', 'SELECT * FROM get_filtered_transactions(''[{"field":"amount","value":1}]'')', '22023');
SELECT pg_temp.expect_error('filtered: a non-numeric amount', 'SELECT * FROM get_filtered_transactions(''[{"field":"amount","operation":"gt","value":"abc"}]'')', '22023');
SELECT pg_temp.expect_error('filtered: an amount that is an object', 'SELECT * FROM get_filtered_transactions(''[{"field":"amount","operation":"gt","value":{"n":1}}]'')', '22023');
SELECT pg_temp.expect_error('filtered: an amount too large for numeric', 'SELECT * FROM get_filtered_transactions(''[{"field":"amount","operation":"gt","value":"1e999999"}]'')', '22023');
SELECT pg_temp.expect_error('filtered: a bad date', 'SELECT * FROM get_filtered_transactions(''[{"field":"transaction_date","operation":"from","value":"yesterday-ish"}]'')', '22023');
SELECT pg_temp.expect_error('filtered: a date that is a number', 'SELECT * FROM get_filtered_transactions(''[{"field":"created_at","operation":"to","value":20260101}]'')', '22023');
SELECT pg_temp.expect_error('filtered: between with one date', 'SELECT * FROM get_filtered_transactions(''[{"field":"transaction_date","operation":"between","value":["2026-01-01"]}]'')', '22023');
SELECT pg_temp.expect_error('filtered: category is a non-uuid', 'SELECT * FROM get_filtered_transactions(''[{"field":"category","operation":"is","value":["food"]}]'')', '22023');
SELECT pg_temp.expect_error('filtered: status is a number', 'SELECT * FROM get_filtered_transactions(''[{"field":"status","operation":"is","value":5}]'')', '22023');
SELECT pg_temp.expect_error('chart: params not an object', 'SELECT * FROM get_transaction_by_category(''[1,2]'')', '22023');
SELECT pg_temp.expect_error('chart: params.organization_id a number', 'SELECT * FROM get_transaction_distribution_by_status(''{"organization_id":7}'')', '22023');
SELECT pg_temp.expect_error('chart: params.filters malformed', 'SELECT * FROM get_transaction_distribution_by_category(''{"filters":"amount>5"}'')', '22023');
SELECT pg_temp.expect_error('aggregate: unknown grouping', 'SELECT * FROM get_transaction_aggregate(p_group_by => ''hour'')', '22023');
SELECT pg_temp.expect_error('delete_category: null id', 'SELECT delete_category(NULL)', '22023');
ROLLBACK;

-- delete_category ---------------------------------------------------------------------------------
BEGIN;
SELECT pg_temp.login('user_alice');
SELECT pg_temp.expect('delete_category(''0b1c2d3e-0000-4000-8000-000000000002'')', delete_category('0b1c2d3e-0000-4000-8000-000000000002')::text, '');   -- Rent, keep its transactions
SELECT pg_temp.expect('alice: Rent deleted, its 7 transactions kept uncategorized', (
  SELECT (SELECT count(*) FROM categories WHERE id = '0b1c2d3e-0000-4000-8000-000000000002') || ' ' ||
         (SELECT count(*) FROM transactions WHERE name IN ('Rent', 'March rent') AND category_id IS NULL)), '0 7');
SELECT pg_temp.expect('delete_category(''0b1c2d3e-0000-4000-8000-000000000001'', p_cascade_delete => true)', delete_category('0b1c2d3e-0000-4000-8000-000000000001', p_cascade_delete => true)::text, '');   -- Groceries and its rows
SELECT pg_temp.expect('alice: Groceries deleted with its transactions', (
  SELECT (SELECT count(*) FROM categories WHERE id = '0b1c2d3e-0000-4000-8000-000000000001') || ' ' || count(*)
  FROM transactions), '0 ' || (124 - 26)::text);
SELECT pg_temp.expect('delete_category(''0b1c2d3e-0000-4000-8000-000000000011'', true)', delete_category('0b1c2d3e-0000-4000-8000-000000000011', true)::text, '');   -- olivia's: not hers, a no-op
SELECT '-- back to the superuser' WHERE set_config('role', 'none', true) IS NOT NULL;
SELECT pg_temp.expect('olivia''s Groceries transactions untouched by alice', (
  SELECT count(*) FROM transactions WHERE category_id = '0b1c2d3e-0000-4000-8000-000000000011')::text, '20');
SELECT pg_temp.expect('olivia''s Groceries exists', (SELECT count(*) FROM categories WHERE id = '0b1c2d3e-0000-4000-8000-000000000011')::text, '1');
ROLLBACK;

BEGIN;
SELECT pg_temp.login('user_olivia', 'org_acme', 'owner');
SELECT pg_temp.expect('olivia (owner): org stat credit sum', get_transaction_stat(NULL, 'org_acme', '[]', 'sum', 'credit')::text, '60824.04');
SELECT pg_temp.expect('olivia (owner): org stat debit count', get_transaction_stat(NULL, 'org_acme', '[]', 'count', 'debit')::text, '36');
SELECT pg_temp.expect('olivia (owner): org aggregate by month', (
  SELECT string_agg(group_key || ':' || transaction_count, ' ' ORDER BY period)
  FROM get_transaction_aggregate(NULL, 'org_acme', '[]', 'count', 'balance', 'month')),
  '2026-01:30 2026-02:28 2026-03:31 2026-04:30 2026-05:31 2026-06:30');
SELECT pg_temp.expect('olivia (owner): get_filtered_transactions (seed body) sees personal and org rows', (
  SELECT count(*) FROM get_filtered_transactions('[{"field":"amount","operation":"gt","value":100},
    {"field":"transaction_date","operation":"from","value":"2026-01-01"}]'))::text, '41');
SELECT pg_temp.expect('delete_category(''0b1c2d3e-0000-4000-8000-000000000025'', true)', delete_category('0b1c2d3e-0000-4000-8000-000000000025', true)::text, '');   -- the org's Travel
SELECT pg_temp.expect('olivia (owner): org Travel deleted with its transactions', (
  SELECT count(*) FROM transactions WHERE organization_id = 'org_acme')::text, (180 - 48)::text);
ROLLBACK;

BEGIN;
SELECT pg_temp.login('user_victor', 'org_acme', 'viewer');
SELECT pg_temp.expect('victor (viewer): org stat (read allowed)', get_transaction_stat(NULL, 'org_acme', '[]', 'sum', 'balance')::text, '55905.96');
SELECT pg_temp.expect('victor (viewer): org stat claiming olivia''s personal rows', get_transaction_stat('user_olivia', NULL, '[]', 'count', 'balance')::text, '0');
ROLLBACK;

SELECT 'all checks passed';
