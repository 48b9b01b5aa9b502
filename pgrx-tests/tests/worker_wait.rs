//! Waiting for a worker is bounded: a request that finds every worker busy waits at most
//! `db_pool_acquisition_timeout` seconds (here from the seed's `PGRST_DB_POOL_TIMEOUT`), then
//! gets 504 `PGRST003` as PostgREST answers a pool acquisition timeout; the request is never
//! run later, and the worker serves the next one as usual.

use budgetbee_e2e::{Cluster, ClusterBuilder, eventually};
use std::time::{Duration, Instant};

const FIXTURE: &str = r#"
CREATE VIEW slow AS SELECT 1 AS one FROM pg_sleep(4);
CREATE TABLE hits (id serial PRIMARY KEY);
GRANT SELECT ON slow TO anon;
GRANT SELECT, INSERT ON hits TO anon;
GRANT USAGE ON SEQUENCE hits_id_seq TO anon;
"#;

fn busy(c: &Cluster) -> bool {
    c.psql(
        "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'budgetbee' \
         AND wait_event = 'PgSleep'",
    ) == "1"
}

#[test]
fn a_request_waiting_longer_than_the_pool_timeout_gets_504() {
    let c = ClusterBuilder::new("worker-wait")
        .pool(1)
        .env("PGRST_DB_POOL_TIMEOUT", "1")
        .fixture(FIXTURE)
        .start();
    assert_eq!(c.psql("SHOW budgetbee.db_pool_acquisition_timeout"), "1");
    let port = c.http_port;
    let slow =
        std::thread::spawn(move || budgetbee_e2e::Conn::open(port).send("GET", "/slow", &[]));
    assert!(
        eventually(Duration::from_secs(10), || busy(&c)),
        "the slow read never ran"
    );

    // The only worker is busy for 4 s: a write waits 1 s, then 504, and is never run.
    let asked = Instant::now();
    let r = budgetbee_e2e::Conn::open(port).send_body(
        "POST",
        "/hits",
        &[("Content-Type", "application/json")],
        Some(b"{}"),
    );
    let waited = asked.elapsed();
    assert_eq!(
        (r.status, r.text()),
        (
            504,
            r#"{"code":"PGRST003","details":null,"hint":null,"message":"Timed out acquiring connection from connection pool."}"#
                .to_string()
        )
    );
    assert_eq!(
        r.header("Content-Type"),
        Some("application/json; charset=utf-8")
    );
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(3),
        "answered after {waited:?}"
    );

    let r = slow.join().unwrap();
    assert_eq!((r.status, r.text()), (200, r#"[{"one":1}]"#.to_string()));
    // The timed-out write was skipped, not run late; the worker serves on.
    assert!(
        eventually(Duration::from_secs(5), || c
            .log()
            .contains("POST /hits: given up before it ran")),
        "{}",
        c.log()
    );
    assert_eq!(c.psql("SELECT count(*) FROM hits"), "0");
    let r = budgetbee_e2e::Conn::open(port).send_body(
        "POST",
        "/hits",
        &[("Content-Type", "application/json")],
        Some(b"{}"),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(c.psql("SELECT count(*) FROM hits"), "1");
    assert_eq!(
        c.psql("SELECT sum(waiting) FROM budgetbee.status()"),
        "0",
        "the skipped request still counts as waiting"
    );
}
