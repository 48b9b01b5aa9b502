//! Start-up and shutdown: configuration from the environment, the preload requirement, and a
//! fast shutdown that idle keep-alive clients cannot hold up.

use budgetbee_e2e::{ClusterBuilder, Conn, DB, free_port};
use std::time::Duration;

#[test]
fn create_extension_without_preload_says_what_to_add() {
    let c = ClusterBuilder::new("nopreload").init_without_preload();
    let err = c.psql_err(DB, "CREATE EXTENSION budgetbee");
    assert!(
        err.contains("budgetbee must be loaded via shared_preload_libraries"),
        "{err}"
    );
    assert!(
        err.contains("HINT:  Add shared_preload_libraries = 'budgetbee' to postgresql.conf"),
        "{err}"
    );
    c.stop_fast();
}

#[test]
fn pgrst_environment_reaches_the_server_and_explicit_gucs_win() {
    let port = free_port();
    let c = ClusterBuilder::new("env")
        .pool(1)
        .env("PGRST_SERVER_PORT", &port.to_string())
        .env("PGRST_DB_SCHEMA", "api")
        .env("PGRST_DB_POOL", "3")
        .env("PGRST_LOG_LEVEL", "info")
        // budgetbee.db_pool = 1 is written explicitly by the builder: it must win over the env.
        .fixture("CREATE SCHEMA api; CREATE VIEW api.hello AS SELECT 'hi' AS greeting; GRANT USAGE ON SCHEMA api TO anon; GRANT SELECT ON api.hello TO anon;")
        .start();
    assert_eq!(c.psql("SHOW budgetbee.server_port"), port.to_string());
    assert_eq!(c.psql("SHOW budgetbee.db_schemas"), "api");
    assert_eq!(c.psql("SHOW budgetbee.db_pool"), "1");
    assert_eq!(c.psql("SHOW budgetbee.log_level"), "info");
    let r = Conn::open(port).send("GET", "/hello", &[]);
    assert_eq!(
        (r.status, r.text()),
        (200, r#"[{"greeting":"hi"}]"#.to_string())
    );
    // PostgREST's access line (wai's Apache format, the user being the request's role).
    let log = c.log();
    assert!(
        log.contains("budgetbee: 127.0.0.1 - anon [")
            && log.contains(r#"] "GET /hello HTTP/1.1" 200 - "" """#),
        "info level logs requests:\n{log}"
    );
    c.stop_fast();
}

#[test]
fn fast_shutdown_with_idle_keep_alive_clients_is_quick() {
    let c = ClusterBuilder::new("shutdown")
        .pool(3)
        .fixture("CREATE VIEW v AS SELECT 1 AS x; GRANT SELECT ON v TO anon;")
        .start();
    let mut idle: Vec<Conn> = (0..6).map(|_| Conn::open(c.http_port)).collect();
    for conn in &mut idle {
        assert_eq!(conn.send("GET", "/v", &[]).status, 200);
    }
    let took = c.stop_fast();
    assert!(
        took < Duration::from_secs(5),
        "pg_ctl stop -m fast took {took:?}"
    );
    assert!(
        c.log().contains("budgetbee worker 1: shut down"),
        "{}",
        c.log()
    );
}
