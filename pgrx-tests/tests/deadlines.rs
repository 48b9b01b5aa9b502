//! Deadlines inside the worker (a background worker's SPI statements get no statement timer by
//! default): `statement_timeout` set on the request's role (`ALTER ROLE … SET`, PostgREST's
//! impersonated role settings), on a called function (hoisted into the transaction, PostgREST's
//! default `db_hoisted_tx_settings`) and for the whole transaction, each answered 500 57014 as
//! PostgREST answers it, the worker serving the next request normally. The role's other
//! settings apply too (lower-cased, as PostgREST reads them), `default_transaction_isolation`
//! as the transaction's level; settings the authenticator may not set are left out.

use budgetbee_e2e::{Case, Cluster, ClusterBuilder, run_cases};
use std::sync::{Mutex, OnceLock};

/// `other_anon` (the role of `Accept-Profile`-free requests here is `anon`) has no settings.
const FIXTURE: &str = r#"
ALTER ROLE anon SET statement_timeout = '300ms';
ALTER ROLE anon SET default_transaction_isolation = 'REPEATABLE READ';
ALTER ROLE anon SET application_name = 'Set By The Role';
ALTER ROLE anon SET log_min_duration_statement = 0;
CREATE VIEW slow AS SELECT 1 AS one FROM pg_sleep(1);
CREATE VIEW fast AS SELECT 1 AS one;
CREATE FUNCTION settings() RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'statement_timeout', current_setting('statement_timeout'),
    'transaction_isolation', current_setting('transaction_isolation'),
    'application_name', current_setting('application_name'),
    'log_min_duration_statement', current_setting('log_min_duration_statement')) $$;
CREATE FUNCTION quick_deadline() RETURNS int LANGUAGE sql VOLATILE
  SET statement_timeout = '100ms' AS $$ SELECT 1 FROM pg_sleep(0.2) $$;
CREATE FUNCTION roomy_deadline() RETURNS int LANGUAGE sql VOLATILE
  SET statement_timeout = '5s' AS $$ SELECT 1 FROM pg_sleep(0.5) $$;
GRANT SELECT ON slow, fast TO anon;
GRANT EXECUTE ON FUNCTION settings(), quick_deadline(), roomy_deadline() TO anon;
"#;

fn cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("deadlines")
            .pool(2)
            .fixture(FIXTURE)
            .start()
    })
}

/// One test changes the role's settings for a moment; they take turns.
static SERIAL: Mutex<()> = Mutex::new(());

const JSON: (&str, &str) = ("Content-Type", "application/json; charset=utf-8");
const TIMED_OUT: &str = r#"{"code":"57014","details":null,"hint":null,"message":"canceling statement due to statement timeout"}"#;

#[test]
fn statement_timeouts_of_the_role_and_the_function_are_enforced() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    run_cases(
        cluster(),
        &[
            Case {
                name: "the role's 300 ms stop a one-second read",
                method: "GET",
                path: "/slow",
                headers: &[],
                status: 500,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=57014")],
                body: TIMED_OUT,
            },
            Case {
                name: "the next request is served",
                method: "GET",
                path: "/fast",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"one":1}]"#,
            },
            Case {
                name: "a function's own 100 ms, hoisted, stop its 200 ms sleep",
                method: "POST",
                path: "/rpc/quick_deadline",
                headers: &[],
                status: 500,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=57014")],
                body: TIMED_OUT,
            },
            Case {
                name: "a function's hoisted 5 s override the role's 300 ms",
                method: "POST",
                path: "/rpc/roomy_deadline",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: "1",
            },
            Case {
                name: "and the worker serves on",
                method: "GET",
                path: "/fast?one=eq.1",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"one":1}]"#,
            },
        ],
    );
}

#[test]
fn the_roles_settings_apply_to_its_requests() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let c = cluster();
    // Lower-cased as PostgREST reads them; the isolation level is the transaction's; a setting
    // only a superuser may change is left out (setting it would fail every request).
    let r = c.get("/rpc/settings");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.json(),
        serde_json::json!({
            "statement_timeout": "300ms",
            "transaction_isolation": "repeatable read",
            "application_name": "set by the role",
            "log_min_duration_statement": "-1"
        })
    );
    // A change is seen once the schema cache reloads (PostgREST: NOTIFY pgrst, 'reload config').
    c.psql("ALTER ROLE anon SET statement_timeout = '2s'");
    c.psql("SELECT budgetbee.reload_schema()");
    let seen = (0..50).any(|_| {
        let r = c.get("/rpc/settings");
        std::thread::sleep(std::time::Duration::from_millis(100));
        r.json()["statement_timeout"] == "2s"
    });
    c.psql("ALTER ROLE anon SET statement_timeout = '300ms'");
    c.psql("SELECT budgetbee.reload_schema()");
    assert!(seen, "ALTER ROLE … SET not applied after reload_schema()");
}
