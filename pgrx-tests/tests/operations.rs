//! Operations: the admin server (`/live`, `/ready`, `/metrics` parsed by prometheus_client's own
//! parser), `budgetbee.status()` and `budgetbee.request_stats` in SQL and who may read them,
//! `Server-Timing`, and the access log at each `log_level` (with `log_query`).
//!
//! PostgREST facts these rest on: the admin server answers `/live` and `/ready` with an empty
//! body and 200/503, and `/metrics` in Prometheus text (`Admin.hs`, `Metrics.hs`; the metric
//! names `pgrst_schema_cache_*`, `pgrst_db_pool_*`, `pgrst_jwt_cache_*`); `Server-Timing` lists
//! `jwt`, `parse`, `plan`, `transaction` and `response` with `dur` in milliseconds
//! (`server-timing-enabled`); the access log is wai's Apache format with the request's role as
//! user, at `crit` nothing, `error` 5xx, `warn` 4xx and 5xx, `info` every request
//! (`Logger.hs` `shouldLogResponse`), and `log-query = main-query` logs the request's SQL with
//! the same filter.

use budgetbee_e2e::{Cluster, ClusterBuilder, Conn, free_port, python};
use serde_json::Value;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

const FIXTURE: &str = r#"
CREATE TABLE items (id int PRIMARY KEY, name text);
INSERT INTO items VALUES (1, 'one'), (2, 'two'), (3, 'three');
GRANT SELECT ON items TO anon;
-- A 500: PostgREST answers a PTxxx SQLSTATE with that status.
CREATE FUNCTION boom(level text DEFAULT '') RETURNS int LANGUAGE plpgsql AS
  $$ BEGIN RAISE SQLSTATE 'PT500' USING MESSAGE = 'boom ' || level; END $$;
CREATE ROLE watcher LOGIN IN ROLE budgetbee_monitor;
"#;

/// Two workers, the admin server on its own port, `Server-Timing` on.
fn cluster() -> &'static (Cluster, u16) {
    static C: OnceLock<(Cluster, u16)> = OnceLock::new();
    C.get_or_init(|| {
        let admin = free_port();
        let c = ClusterBuilder::new("operations")
            .pool(2)
            .setting("budgetbee.admin_server_port", &admin.to_string())
            .setting("budgetbee.server_timing_enabled", "on")
            .fixture(FIXTURE)
            .start();
        (c, admin)
    })
}

/// The tests that count requests take turns: they reset and read the same statistics.
static COUNTING: Mutex<()> = Mutex::new(());

fn admin_get(port: u16, path: &str) -> (u16, Option<String>, String) {
    let r = Conn::open(port).send("GET", path, &[]);
    (
        r.status,
        r.header("Content-Type").map(str::to_string),
        r.text(),
    )
}

/// Waits (bounded) until every worker has loaded its schema cache: `/ready`.
fn wait_ready(admin: u16) {
    let start = Instant::now();
    while admin_get(admin, "/ready").0 != 200 {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "/ready never answered 200"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The requests the counting tests make, with the (method, route, status) each is counted as.
fn traffic(c: &Cluster) -> Vec<(&'static str, &'static str, u16)> {
    let mut made = Vec::new();
    for _ in 0..3 {
        assert_eq!(c.request("GET", "/items?order=id", &[]).status, 200);
        made.push(("GET", "relation", 200));
    }
    for _ in 0..2 {
        assert_eq!(c.request("GET", "/nothing_here", &[]).status, 404);
        made.push(("GET", "relation", 404));
    }
    assert_eq!(c.request("GET", "/rpc/boom", &[]).status, 500);
    made.push(("GET", "rpc", 500));
    assert_eq!(c.request("GET", "/", &[]).status, 200);
    made.push(("GET", "root", 200));
    assert_eq!(c.request("GET", "/a/b/c", &[]).status, 404);
    made.push(("GET", "other", 404));
    made
}

fn count(made: &[(&str, &str, u16)], key: (&str, &str, u16)) -> usize {
    made.iter().filter(|m| **m == key).count()
}

#[test]
fn live_ready_and_unknown_admin_paths() {
    let (_, admin) = cluster();
    wait_ready(*admin);
    assert_eq!(admin_get(*admin, "/live"), (200, None, String::new()));
    assert_eq!(admin_get(*admin, "/ready"), (200, None, String::new()));
    let head = Conn::open(*admin).send("HEAD", "/ready", &[]);
    assert_eq!((head.status, head.body.len()), (200, 0));
    assert_eq!(admin_get(*admin, "/nope").0, 404);
    // The admin server never reaches the API, and the API has no /live.
    assert_eq!(admin_get(*admin, "/items").0, 404);
}

#[test]
fn metrics_parse_and_count_the_requests_made() {
    let _turn = COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let (c, admin) = cluster();
    wait_ready(*admin);
    c.psql("SELECT budgetbee.reset_stats()");
    let made = traffic(c);
    let (status, content_type, text) = admin_get(*admin, "/metrics");
    assert_eq!(status, 200);
    assert_eq!(
        content_type.as_deref(),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    let (ok, parsed) = python("parse_metrics.py", &[], &text);
    assert!(
        ok,
        "prometheus_client does not parse /metrics:\n{parsed}\n{text}"
    );
    let families: Vec<Value> = serde_json::from_str(&parsed).expect("the parser prints JSON");
    let family = |name: &str| -> &Value {
        families
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("no metric family {name} in:\n{text}"))
    };
    let sample = |name: &str, sample: &str, labels: &[(&str, &str)]| -> f64 {
        family(name)["samples"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == sample && labels.iter().all(|(k, v)| s["labels"][*k] == *v))
            .and_then(|s| s["value"].as_f64())
            .unwrap_or(0.0)
    };
    // PostgREST's families, with their types.
    for (name, kind) in [
        ("pgrst_schema_cache_query_time_seconds", "gauge"),
        ("pgrst_schema_cache_loads", "counter"),
        ("pgrst_db_pool_max", "gauge"),
        ("pgrst_db_pool_available", "gauge"),
        ("pgrst_db_pool_waiting", "gauge"),
        ("pgrst_db_pool_timeouts", "counter"),
        ("pgrst_jwt_cache_requests", "counter"),
        ("pgrst_jwt_cache_hits", "counter"),
        ("pgrst_jwt_cache_evictions", "counter"),
        ("budgetbee_requests", "counter"),
        ("budgetbee_request_duration_seconds", "histogram"),
    ] {
        assert_eq!(family(name)["type"], kind, "{name}");
    }
    assert_eq!(sample("pgrst_db_pool_max", "pgrst_db_pool_max", &[]), 2.0);
    assert!(
        sample(
            "pgrst_schema_cache_loads",
            "pgrst_schema_cache_loads_total",
            &[("status", "SUCCESS")]
        ) >= 2.0,
        "each worker loaded its cache at start"
    );
    for key in [
        ("GET", "relation", 200),
        ("GET", "relation", 404),
        ("GET", "rpc", 500),
        ("GET", "root", 200),
        ("GET", "other", 404),
    ] {
        let status = key.2.to_string();
        let got = sample(
            "budgetbee_requests",
            "budgetbee_requests_total",
            &[("method", key.0), ("route", key.1), ("status", &status)],
        );
        assert_eq!(got as usize, count(&made, key), "{key:?} in:\n{text}");
    }
    let relation = [("method", "GET"), ("route", "relation")];
    let histogram = "budgetbee_request_duration_seconds";
    assert_eq!(
        sample(histogram, &format!("{histogram}_count"), &relation) as usize,
        5
    );
    assert_eq!(
        sample(
            histogram,
            &format!("{histogram}_bucket"),
            &[("method", "GET"), ("route", "relation"), ("le", "+Inf")]
        ) as usize,
        5
    );
    assert!(sample(histogram, &format!("{histogram}_sum"), &relation) > 0.0);
}

#[test]
fn status_and_request_stats_in_sql() {
    let _turn = COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let (c, admin) = cluster();
    wait_ready(*admin);
    c.psql("SELECT budgetbee.reset_stats()");
    let made = traffic(c);
    // One row per worker, both serving, with their pids and schema caches.
    assert_eq!(
        c.psql(
            "SELECT count(*), count(DISTINCT pid), bool_and(state IN ('idle', 'busy')), \
             bool_and(schema_cache_generation > 0), bool_and(jwks = 'none'), \
             bool_and(last_seen > now() - interval '1 minute') FROM budgetbee.status()"
        ),
        "2|2|t|t|t|t"
    );
    let served: i64 = c
        .psql("SELECT sum(requests) FROM budgetbee.status()")
        .parse()
        .unwrap();
    assert!(served >= made.len() as i64, "{served} served");
    for key in [
        ("GET", "relation", 200),
        ("GET", "rpc", 500),
        ("GET", "root", 200),
    ] {
        let row = c.psql(&format!(
            "SELECT requests, total_ms > 0, max_ms >= p99_ms AND p99_ms >= p50_ms AND p50_ms > 0, \
             since IS NOT NULL FROM budgetbee.request_stats \
             WHERE method = '{}' AND route = '{}' AND status = {}",
            key.0, key.1, key.2
        ));
        assert_eq!(row, format!("{}|t|t|t", count(&made, key)), "{key:?}");
    }
    c.psql("SELECT budgetbee.reset_stats()");
    assert_eq!(c.psql("SELECT count(*) FROM budgetbee.request_stats"), "0");
    // Not for the API's roles; for the database owner and budgetbee_monitor's members.
    let denied = c.psql_err(
        budgetbee_e2e::DB,
        "SET ROLE anon; SELECT * FROM budgetbee.request_stats",
    );
    assert!(denied.contains("permission denied"), "{denied}");
    let denied = c.psql_err(
        budgetbee_e2e::DB,
        "SET ROLE anon; SELECT budgetbee.reset_stats()",
    );
    assert!(denied.contains("permission denied"), "{denied}");
    assert_eq!(
        c.psql("SET ROLE watcher; SELECT count(*) >= 0 FROM budgetbee.status()"),
        "t"
    );
    assert_eq!(
        c.psql("SET ROLE watcher; SELECT count(*) >= 0 FROM budgetbee.request_stats"),
        "t"
    );
}

#[test]
fn server_timing_names_postgrest_s_stages() {
    let (c, _) = cluster();
    let started = Instant::now();
    let r = c.request("GET", "/items?id=eq.1", &[]);
    let wall = started.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(r.status, 200);
    let header = r.header("Server-Timing").expect("Server-Timing is on");
    let timings: Vec<(String, f64)> = header
        .split(", ")
        .map(|t| {
            let (name, dur) = t.split_once(";dur=").unwrap_or_else(|| panic!("{header}"));
            (
                name.to_string(),
                dur.parse().unwrap_or_else(|_| panic!("{header}")),
            )
        })
        .collect();
    let names: Vec<&str> = timings.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["jwt", "parse", "plan", "transaction", "response"]);
    let total: f64 = timings.iter().map(|(_, d)| d).sum();
    assert!(
        timings.iter().all(|(_, d)| *d >= 0.0) && total <= wall + 1.0,
        "{header} within {wall:.1} ms"
    );
    assert!(timings[3].1 > 0.0, "the transaction took time: {header}");
    // Also on errors, with the stages reached.
    let e = c.request("GET", "/a/b", &[]);
    assert_eq!(e.status, 404);
    let h = e.header("Server-Timing").expect("on errors too");
    assert!(h.starts_with("parse;dur="), "{h}");
}

/// Access lines, per level: what each level logs of a 200, a 404 and a 500 (and with
/// `log_query`, the SQL of the requests it logs).
#[test]
fn access_log_at_each_level() {
    for level in ["crit", "error", "warn", "info"] {
        let c = ClusterBuilder::new(&format!("operations-log-{level}"))
            .pool(1)
            .setting("budgetbee.log_level", level)
            .setting("budgetbee.log_query", "main-query")
            .fixture(FIXTURE)
            .start();
        let ok = format!("/items?name=eq.{level}");
        let missing = format!("/missing_{level}");
        let failing = format!("/rpc/boom?level={level}");
        assert_eq!(
            c.request("GET", &ok, &[("User-Agent", "ops-test")]).status,
            200
        );
        assert_eq!(c.request("GET", &missing, &[]).status, 404);
        assert_eq!(c.request("GET", &failing, &[]).status, 500);
        // A last request every level logs, so the others are surely written when it is.
        let marker = format!("/rpc/boom?level=done-{level}");
        let start = Instant::now();
        loop {
            c.request("GET", &marker, &[]);
            if level == "crit" || c.log().contains(&marker) {
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "{}", c.log());
            std::thread::sleep(Duration::from_millis(100));
        }
        let log = c.log();
        let line = |target: &str, status: u16| {
            log.lines()
                .find(|l| l.contains(&format!("\"GET {target} HTTP/1.1\" {status} - ")))
                .map(str::to_string)
        };
        let (l200, l404, l500) = (line(&ok, 200), line(&missing, 404), line(&failing, 500));
        let shown = |l: &Option<String>| l.is_some();
        let want = match level {
            "crit" => (false, false, false),
            "error" => (false, false, true),
            "warn" => (false, true, true),
            _ => (true, true, true),
        };
        assert_eq!(
            (shown(&l200), shown(&l404), shown(&l500)),
            want,
            "log_level {level}:\n{log}"
        );
        if let Some(l) = &l200 {
            assert!(
                l.contains("budgetbee: 127.0.0.1 - anon [") && l.ends_with("\"\" \"ops-test\""),
                "{l}"
            );
            // log_query: the request's SQL follows its access line.
            assert!(log.contains("WITH pgrst_source AS (SELECT"), "{log}");
        }
        if level == "crit" || level == "error" {
            assert!(
                !log.contains("WITH pgrst_source AS (SELECT \"public\".\"items\""),
                "a query is logged only with its request:\n{log}"
            );
        }
        c.stop_fast();
    }
}
