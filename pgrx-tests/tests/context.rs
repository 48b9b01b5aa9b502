//! Per-request context: role and request.* settings are visible to SQL inside a request, never
//! leak into the next one, and the worker survives a failing request.

use budgetbee_e2e::{Cluster, ClusterBuilder, Conn};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

const FIXTURE: &str = r#"
CREATE VIEW whoami AS SELECT
  current_user::text AS "user",
  session_user::text AS session,
  (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) AS session_is_superuser,
  current_setting('request.method', true) AS method,
  current_setting('request.path', true) AS path,
  current_setting('request.headers', true)::json->>'x-probe' AS probe,
  current_setting('request.headers', true)::json->>'cookie' AS cookie_header,
  current_setting('request.cookies', true) AS cookies,
  current_setting('search_path') AS search_path,
  pg_backend_pid() AS pid;
GRANT SELECT ON whoami TO anon, other_anon;
CREATE VIEW boom AS SELECT 1/0 AS x;
GRANT SELECT ON boom TO anon;
"#;

/// The reload test changes the anonymous role for everyone; the tests here take turns.
static SERIAL: Mutex<()> = Mutex::new(());

fn cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("context")
            .pool(1)
            .fixture(FIXTURE)
            .start()
    })
}

fn whoami(conn: &mut Conn, headers: &[(&str, &str)]) -> serde_json::Value {
    let r = conn.send("GET", "/whoami", headers);
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()[0].clone()
}

#[test]
fn role_and_request_settings_are_visible_and_do_not_leak() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut conn = Conn::open(cluster().http_port);
    let first = whoami(
        &mut conn,
        &[("X-Probe", "one"), ("Cookie", "session=abc; theme=dark")],
    );
    assert_eq!(first["user"], "anon");
    assert_eq!(first["method"], "GET");
    assert_eq!(first["path"], "/whoami");
    assert_eq!(first["probe"], "one");
    assert_eq!(
        first["cookie_header"],
        serde_json::Value::Null,
        "cookies stay out of request.headers"
    );
    assert_eq!(first["cookies"], r#"{"session":"abc","theme":"dark"}"#);
    assert_eq!(first["search_path"], r#""public", "public""#);

    // Same connection, same worker (db_pool = 1): nothing from the first request remains.
    let second = whoami(&mut conn, &[]);
    assert_eq!(second["pid"], first["pid"]);
    assert_eq!(second["probe"], serde_json::Value::Null);
    assert_eq!(second["cookies"], "{}");
    let head = conn.send("HEAD", "/whoami", &[]);
    assert_eq!(head.status, 200);
}

#[test]
fn session_user_is_the_authenticator_not_a_superuser() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let me = whoami(&mut Conn::open(cluster().http_port), &[]);
    assert_eq!(me["session"], "authenticator");
    assert_eq!(me["session_is_superuser"], false);
}

#[test]
fn a_failing_request_does_not_take_the_worker_down() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut conn = Conn::open(cluster().http_port);
    let before = whoami(&mut conn, &[]);
    let boom = conn.send("GET", "/boom", &[]);
    assert_eq!(boom.status, 400);
    assert_eq!(
        boom.text(),
        r#"{"code":"22012","details":null,"hint":null,"message":"division by zero"}"#
    );
    let after = whoami(&mut conn, &[]);
    assert_eq!(
        after["pid"], before["pid"],
        "the same worker process serves on"
    );
    // A new connection too, since db_pool = 1 there is only that worker.
    assert_eq!(
        whoami(&mut Conn::open(cluster().http_port), &[])["pid"],
        before["pid"]
    );
}

#[test]
fn sighup_reloads_the_anonymous_role_without_a_restart() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let c = cluster();
    c.psql("ALTER SYSTEM SET budgetbee.db_anon_role = 'other_anon'");
    c.psql("SELECT pg_reload_conf()");
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen = String::new();
    while Instant::now() < deadline {
        seen = whoami(&mut Conn::open(c.http_port), &[])["user"]
            .as_str()
            .unwrap_or("")
            .to_string();
        if seen == "other_anon" {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    c.psql("ALTER SYSTEM RESET budgetbee.db_anon_role");
    c.psql("SELECT pg_reload_conf()");
    assert_eq!(seen, "other_anon");
    let deadline = Instant::now() + Duration::from_secs(10);
    while whoami(&mut Conn::open(c.http_port), &[])["user"] != "anon" {
        assert!(Instant::now() < deadline, "role did not revert after RESET");
        std::thread::sleep(Duration::from_millis(50));
    }
}
