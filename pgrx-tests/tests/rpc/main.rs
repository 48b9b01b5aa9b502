//! RPC (issue 9) end to end, case by case: `POST /rpc/f` with JSON, form and raw bodies, `GET`
//! and `HEAD /rpc/f?args`, overload resolution by argument names, single unnamed parameters,
//! variadic and array arguments, every return shape (scalar, composite, SETOF, TABLE, OUT
//! parameters, void), what reads do with a SETOF result (select, embedding, filters, order,
//! ranges, counts, media types), transactions (read-only for GET and non-volatile POST,
//! function settings hoisted into the transaction, Prefer: tx / handling / max-affected),
//! raised errors, permissions, profiles, and Budget Bee's own call shape under row-level
//! security with a JWT.
//!
//! Every expected body was produced by PostgreSQL 17 running, over this file's fixture, the
//! statement PostgREST v13 builds for the call (`QueryBuilder.callPlanToQuery` inside
//! `Statements.prepareCall`: `WITH pgrst_source AS (SELECT … FROM "schema"."f"(…) pgrst_call)
//! SELECT … FROM (<read over pgrst_source>) _postgrest_t`); statuses, headers and error texts
//! follow PostgREST's source and spec files (Plan.hs findProc/callReadPlan, Response.hs,
//! Error.hs; RpcSpec, RpcPreRequestGucsSpec, ErrorSpec).

#[path = "../jwt_support/mod.rs"]
mod jwt_support;

use budgetbee_e2e::{ABSENT, Case, Cluster, ClusterBuilder, WriteCase, run_cases, run_write_cases};
use std::sync::OnceLock;

/// Tables a SETOF result can embed from, and functions of every shape. All in `public`; `v2`
/// holds a same-named function for the profile cases.
const FIXTURE: &str = r#"
CREATE TABLE categories (
  id int PRIMARY KEY,
  name text NOT NULL,
  color text
);
INSERT INTO categories VALUES (1, 'Food', 'red'), (2, 'Travel', 'blue'), (3, 'Sales', 'green');

CREATE TABLE transactions (
  id int PRIMARY KEY,
  amount numeric(10,2) NOT NULL,
  name text,
  category_id int REFERENCES categories(id),
  status text NOT NULL DEFAULT 'paid',
  tags text[]
);
INSERT INTO transactions VALUES
  (1,   -12.50, 'Lunch',     1,    'paid',    '{food,team}'),
  (2,   -40.00, 'Dinner',    1,    'paid',    '{food}'),
  (3,  -300.00, 'Flight',    2,    'pending', '{travel}'),
  (4,  1200.00, 'Invoice 7', 3,    'paid',    NULL),
  (5,    15.00, 'Refund',    NULL, 'overdue', '{}');

CREATE TABLE audit (id serial PRIMARY KEY, note text NOT NULL);

-- Scalars.
CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT a + b $$;
CREATE FUNCTION hello() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'hello' $$;
CREATE FUNCTION greet(name text DEFAULT 'world', punctuation text DEFAULT '!') RETURNS text
  LANGUAGE sql IMMUTABLE AS $$ SELECT 'hello ' || name || punctuation $$;
CREATE FUNCTION nothing_at_all() RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT NULL::int $$;
CREATE FUNCTION total_spent() RETURNS numeric LANGUAGE sql STABLE AS
  $$ SELECT sum(-amount) FROM transactions WHERE amount < 0 $$;
CREATE FUNCTION as_json() RETURNS json LANGUAGE sql IMMUTABLE AS $$ SELECT '{"a": [1, 2], "b": null}'::json $$;
CREATE FUNCTION as_jsonb() RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$ SELECT '{"b": null, "a": [1, 2]}'::jsonb $$;
CREATE FUNCTION tags_of(tid int) RETURNS text[] LANGUAGE sql STABLE AS
  $$ SELECT tags FROM transactions WHERE id = tid $$;
CREATE FUNCTION days(d date) RETURNS date LANGUAGE sql IMMUTABLE AS $$ SELECT d + 1 $$;

-- SETOF scalar.
CREATE FUNCTION numbers(n int) RETURNS SETOF int LANGUAGE sql IMMUTABLE AS
  $$ SELECT generate_series(1, n) $$;

-- Composite: one row of a table, rows of a table (embeddable), a type that is not a table.
CREATE FUNCTION transaction_by_id(tid int) RETURNS transactions LANGUAGE sql STABLE AS
  $$ SELECT * FROM transactions WHERE id = tid $$;
CREATE FUNCTION transactions_above(min_amount numeric) RETURNS SETOF transactions LANGUAGE sql STABLE AS
  $$ SELECT * FROM transactions WHERE amount > min_amount ORDER BY id $$;
CREATE FUNCTION all_transactions() RETURNS SETOF transactions LANGUAGE sql STABLE AS
  $$ SELECT * FROM transactions ORDER BY id $$;
CREATE TYPE money_summary AS (credit numeric, debit numeric);
CREATE FUNCTION summary() RETURNS money_summary LANGUAGE sql STABLE AS
  $$ SELECT sum(-amount) FILTER (WHERE amount < 0), sum(amount) FILTER (WHERE amount > 0) FROM transactions $$;
CREATE FUNCTION summaries() RETURNS SETOF money_summary LANGUAGE sql STABLE AS
  $$ SELECT -amount, NULL::numeric FROM transactions WHERE amount < 0 ORDER BY id $$;

-- TABLE(...) and OUT parameters.
CREATE FUNCTION totals_by_category() RETURNS TABLE(category_id int, total numeric) LANGUAGE sql STABLE AS
  $$ SELECT category_id, sum(amount) FROM transactions GROUP BY category_id ORDER BY category_id NULLS LAST $$;
CREATE FUNCTION split_amount(amount numeric, OUT whole int, OUT cents int) LANGUAGE sql IMMUTABLE AS
  $$ SELECT trunc(amount)::int, (abs(amount) * 100 % 100)::int $$;
CREATE FUNCTION inout_double(INOUT n int) LANGUAGE sql IMMUTABLE AS $$ SELECT n * 2 $$;

-- void.
CREATE FUNCTION do_nothing() RETURNS void LANGUAGE sql IMMUTABLE AS $$ SELECT $$;
CREATE FUNCTION add_audit(note text) RETURNS void LANGUAGE sql VOLATILE AS
  $$ INSERT INTO audit (note) VALUES (note) $$;

-- Variadic and arrays.
CREATE FUNCTION sum_all(VARIADIC nums int[]) RETURNS int LANGUAGE sql IMMUTABLE AS
  $$ SELECT sum(x)::int FROM unnest(nums) x $$;
CREATE FUNCTION join_words(sep text, VARIADIC words text[]) RETURNS text LANGUAGE sql IMMUTABLE AS
  $$ SELECT array_to_string(words, sep) $$;
CREATE FUNCTION array_length_of(arr int[]) RETURNS int LANGUAGE sql IMMUTABLE AS
  $$ SELECT cardinality(arr) $$;

-- Overloads by argument names, and an ambiguous pair.
CREATE FUNCTION overloaded() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'none' $$;
CREATE FUNCTION overloaded(a int) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'a=' || a $$;
CREATE FUNCTION overloaded(a int, b int) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'a+b=' || (a + b) $$;
CREATE FUNCTION overloaded(x text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'x=' || x $$;
CREATE FUNCTION ambiguous(a int) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'int' $$;
CREATE FUNCTION ambiguous(a text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'text' $$;

-- Single unnamed parameters: the whole body.
CREATE FUNCTION echo_json(json) RETURNS json LANGUAGE sql IMMUTABLE AS $$ SELECT $1 $$;
CREATE FUNCTION echo_jsonb(jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$ SELECT $1 $$;
CREATE FUNCTION echo_text(text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT $1 $$;
CREATE FUNCTION echo_xml(xml) RETURNS xml LANGUAGE sql IMMUTABLE AS $$ SELECT $1 $$;
CREATE FUNCTION bytea_length(bytea) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT length($1) $$;

-- Volatility: a volatile writer, a stable function that tries to write.
CREATE FUNCTION add_category(id int, name text) RETURNS categories LANGUAGE sql VOLATILE AS
  $$ INSERT INTO categories (id, name) VALUES (id, name) RETURNING * $$;
CREATE FUNCTION sneaky_write() RETURNS int LANGUAGE plpgsql STABLE AS
  $$ BEGIN INSERT INTO audit (note) VALUES ('sneaky'); RETURN 1; END $$;
CREATE FUNCTION read_only_now() RETURNS text LANGUAGE sql VOLATILE AS
  $$ SELECT current_setting('transaction_read_only') $$;

-- Settings of the function hoisted into the transaction.
CREATE FUNCTION my_statement_timeout() RETURNS text LANGUAGE sql STABLE
  SET statement_timeout = '7s' AS $$ SELECT current_setting('statement_timeout') $$;
CREATE FUNCTION my_isolation() RETURNS text LANGUAGE sql STABLE
  SET default_transaction_isolation = 'serializable' AS $$ SELECT current_setting('transaction_isolation') $$;
CREATE FUNCTION my_work_mem() RETURNS text LANGUAGE sql STABLE
  SET work_mem = '7MB' AS $$ SELECT current_setting('work_mem') $$;
-- Hoisted, its 100 ms timeout covers the whole statement and cancels the half-second sleep.
CREATE FUNCTION sleepy() RETURNS int LANGUAGE sql STABLE
  SET statement_timeout = '100ms' AS $$ SELECT 1 FROM pg_sleep(0.5) $$;

-- Errors raised inside functions.
CREATE FUNCTION raise_p0001() RETURNS int LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'something went wrong' USING DETAIL = 'in detail', HINT = 'try again'; END $$;
CREATE FUNCTION raise_pt402() RETURNS int LANGUAGE plpgsql AS
  $$ BEGIN RAISE SQLSTATE 'PT402' USING MESSAGE = 'payment required'; END $$;
CREATE FUNCTION raise_unique() RETURNS int LANGUAGE plpgsql AS
  $$ BEGIN RAISE unique_violation USING MESSAGE = 'already there'; END $$;
CREATE FUNCTION raise_custom() RETURNS int LANGUAGE plpgsql AS
  $$ BEGIN RAISE SQLSTATE 'BB001' USING MESSAGE = 'custom code'; END $$;
CREATE FUNCTION raise_pgrst() RETURNS int LANGUAGE plpgsql AS
  $$ BEGIN RAISE SQLSTATE 'PGRST' USING MESSAGE = '{"code":"BB123","message":"raised in full","details":"d","hint":"h"}', DETAIL = '{"status":418,"headers":{"X-Teapot":"yes"}}'; END $$;
CREATE FUNCTION divide(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT a / b $$;

-- Response control from inside a function.
CREATE FUNCTION set_headers() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('response.headers', '[{"X-From-Function": "yes"}, {"Cache-Control": "no-store"}]', true);
  PERFORM set_config('response.status', '202', true);
  RETURN 'accepted';
END $$;
CREATE FUNCTION request_info() RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object('method', current_setting('request.method', true),
                           'path', current_setting('request.path', true),
                           'role', current_user)
$$;

-- Permissions: anon may not execute this one.
CREATE FUNCTION secret() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'classified' $$;
REVOKE EXECUTE ON FUNCTION secret() FROM PUBLIC;

-- Another exposed schema with a function of the same name.
CREATE SCHEMA v2;
CREATE FUNCTION v2.hello() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'hello from v2' $$;
GRANT USAGE ON SCHEMA v2 TO anon;

GRANT SELECT ON categories, transactions TO anon;
GRANT SELECT, INSERT ON audit TO anon;
GRANT USAGE ON SEQUENCE audit_id_seq TO anon;
GRANT INSERT ON categories TO anon;
ANALYZE;
"#;

/// Budget Bee's call shape: `params jsonb` → `TABLE(...)`, under row-level security with a JWT
/// (Better Auth's tokens carry no role claim: `db_authenticated_role` applies). A `SECURITY
/// DEFINER` function sees every row; an invoker one only the caller's.
const RLS_FIXTURE: &str = r#"
DO $$ BEGIN CREATE ROLE authenticated NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT authenticated TO authenticator;
CREATE TABLE bb_categories (id int PRIMARY KEY, name varchar(255) NOT NULL, user_id text);
INSERT INTO bb_categories VALUES (1, 'Food', 'user_a'), (2, 'Travel', 'user_a'), (3, 'Sales', 'user_b');
CREATE TABLE bb_transactions (
  id int PRIMARY KEY,
  amount numeric(10,2) NOT NULL,
  name varchar(255),
  category_id int REFERENCES bb_categories(id),
  user_id text NOT NULL,
  organization_id text,
  status varchar(8) NOT NULL DEFAULT 'paid'
);
INSERT INTO bb_transactions VALUES
  (1,  -10.00, 'Lunch',   1,    'user_a', NULL,    'paid'),
  (2,  -20.00, 'Dinner',  1,    'user_a', NULL,    'pending'),
  (3, -300.00, 'Flight',  2,    'user_a', NULL,    'paid'),
  (4,   15.00, 'Refund',  NULL, 'user_a', NULL,    'paid'),
  (5,  999.00, 'Invoice', 3,    'user_b', NULL,    'paid'),
  (6,  -50.00, 'Team',    1,    'user_b', 'org_1', 'paid');
ALTER TABLE bb_transactions ENABLE ROW LEVEL SECURITY;
ALTER TABLE bb_categories ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_transactions ON bb_transactions FOR ALL TO authenticated
  USING ((organization_id IS NULL AND user_id = uid()) OR organization_id = org_id());
CREATE POLICY own_categories ON bb_categories FOR ALL TO authenticated USING (user_id = uid());
GRANT SELECT ON bb_categories, bb_transactions TO authenticated;

-- The chart's function: `params` = {"user_id", "organization_id", "filters": [...]}; amounts
-- per category, uncategorised rows in one group (null name and id).
CREATE FUNCTION get_transaction_by_category(params jsonb)
RETURNS TABLE(amount numeric(10,2), name varchar(255), category_id int)
LANGUAGE sql STABLE AS $$
  SELECT sum(t.amount)::numeric(10,2), c.name, t.category_id
  FROM bb_transactions t LEFT JOIN bb_categories c ON c.id = t.category_id
  WHERE (CASE WHEN params->>'organization_id' IS NOT NULL
              THEN t.organization_id = params->>'organization_id'
              ELSE t.organization_id IS NULL AND t.user_id = params->>'user_id' END)
    AND NOT EXISTS (
      SELECT 1 FROM jsonb_array_elements(coalesce(params->'filters', '[]')) f
      WHERE f->>'field' = 'status' AND f->>'operation' = 'is'
        AND NOT t.status = ANY (SELECT jsonb_array_elements_text(f->'value')))
  GROUP BY c.name, t.category_id
  ORDER BY t.category_id NULLS LAST
$$;
CREATE FUNCTION count_all_transactions() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER AS
  $$ SELECT count(*) FROM bb_transactions $$;
CREATE FUNCTION count_my_transactions() RETURNS bigint LANGUAGE sql STABLE AS
  $$ SELECT count(*) FROM bb_transactions $$;
CREATE FUNCTION whoami() RETURNS json LANGUAGE sql STABLE AS
  $$ SELECT json_build_object('uid', uid(), 'role', current_user) $$;
REVOKE EXECUTE ON FUNCTION count_all_transactions() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION count_all_transactions() TO authenticated;
-- No one but its owner may call this one: a caller with a token gets 403, not 401.
CREATE FUNCTION admin_only() RETURNS text LANGUAGE sql STABLE AS $$ SELECT 'root' $$;
REVOKE EXECUTE ON FUNCTION admin_only() FROM PUBLIC;

-- db_pre_request: records the caller where the functions can read it.
CREATE FUNCTION pre_request() RETURNS void LANGUAGE sql AS
  $$ SELECT set_config('app.caller', coalesce(uid(), 'nobody'), true) $$;
CREATE FUNCTION caller() RETURNS text LANGUAGE sql STABLE AS
  $$ SELECT current_setting('app.caller', true) $$;
"#;

/// The plain cluster: anonymous calls, `db_schemas = 'public, v2'` for the profile cases.
fn cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("rpc")
            .pool(2)
            .setting("budgetbee.db_schemas", "public, v2")
            .fixture(FIXTURE)
            .start()
    })
}

/// `db_tx_end = rollback-allow-override`: calls roll back unless `Prefer: tx=commit`.
fn tx_cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("rpc-tx")
            .pool(2)
            .setting("budgetbee.db_tx_end", "rollback-allow-override")
            .fixture(FIXTURE)
            .start()
    })
}

/// `db_hoisted_tx_settings` without `statement_timeout`: a function's own timeout is then only
/// PostgreSQL's, set on entry, too late to time the statement already running.
fn unhoisted_cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("rpc-unhoisted")
            .pool(1)
            .setting(
                "budgetbee.db_hoisted_tx_settings",
                "default_transaction_isolation",
            )
            .fixture(FIXTURE)
            .start()
    })
}

/// HS256 JWTs (`jwt_support::HS_SECRET`), `db_authenticated_role = authenticated`, and a
/// pre-request function that records the caller in a setting the calls can read.
fn jwt_cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("rpc-jwt")
            .pool(2)
            .setting("budgetbee.jwt_secret", jwt_support::HS_SECRET)
            .setting("budgetbee.db_authenticated_role", "authenticated")
            .setting("budgetbee.db_pre_request", "public.pre_request")
            .fixture(RLS_FIXTURE)
            .start()
    })
}

const JSON: (&str, &str) = ("Content-Type", "application/json; charset=utf-8");

mod bodies_and_arguments;
mod budget_bee;
mod errors;
mod form_and_raw_bodies;
mod get_arguments_and_overloads;
mod methods_paths_and_profiles;
mod postgrest_js;
mod results;
mod results_media_types;
mod results_ranges_and_counts;
mod results_setof_reads;
mod results_void;
mod transactions;
mod transactions_hoisted_settings;
mod transactions_prefer;
