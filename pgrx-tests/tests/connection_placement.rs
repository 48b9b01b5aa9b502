//! Where new connections go: `budgetbee.server_front_workers`. Keep-alive connections stay with
//! the worker that accepted them, so the first few workers take them, evenly, until each holds
//! several or is held up by a slow request; then the workers behind take them too. 0 spreads
//! them over every idle worker, as before the setting.

use budgetbee_e2e::{Cluster, ClusterBuilder, Conn, eventually};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

const FIXTURE: &str = "
CREATE VIEW who AS SELECT pg_backend_pid() AS pid;
CREATE VIEW slow AS SELECT pg_sleep(1)::text AS slept, pg_backend_pid() AS pid;
GRANT SELECT ON who, slow TO anon;
";

/// The worker (budgetbee.status()'s number) whose backend answered `path` on `conn`.
fn worker_of(c: &Cluster, conn: &mut Conn, path: &str) -> i32 {
    let r = conn.send("GET", path, &[]);
    assert_eq!(r.status, 200, "{}", r.text());
    let pid = r.json()[0]["pid"].as_i64().unwrap();
    c.psql(&format!(
        "SELECT worker FROM budgetbee.status() WHERE pid = {pid}"
    ))
    .trim()
    .parse()
    .unwrap_or_else(|e| panic!("no worker has pid {pid}: {e}"))
}

#[test]
fn new_connections_go_to_the_front_workers_until_they_are_held_up() {
    let c: Cluster = ClusterBuilder::new("connection_placement")
        .pool(4)
        .setting("budgetbee.server_front_workers", "2")
        .fixture(FIXTURE)
        .start();
    // Until then a front worker not yet running counts as held up.
    c.wait_for_workers(4);
    let port = c.http_port;

    // Six connections one after another, each kept open: only workers 1 and 2 take them.
    let mut kept: Vec<Conn> = Vec::new();
    let mut served = BTreeSet::new();
    for _ in 0..6 {
        let mut conn = Conn::open(port);
        served.insert(worker_of(&c, &mut conn, "/who"));
        kept.push(conn);
    }
    assert!(
        served.is_subset(&BTreeSet::from([1, 2])),
        "served by {served:?}"
    );
    // ...and evenly: a front worker holding more leaves the next one to the other.
    assert_eq!(
        c.psql(
            "SELECT string_agg(worker || ':' || connections, ' ' ORDER BY worker) \
             FROM budgetbee.status() WHERE connections > 0"
        )
        .trim(),
        "1:3 2:3"
    );

    // Both front workers held up by a 1 s request each, on new connections of their own: a
    // new connection is taken by a worker behind them, and answered before either is done.
    let started = Instant::now();
    let slow: Vec<_> = (0..2)
        .map(|_| {
            std::thread::spawn(move || {
                let r = Conn::open(port).send("GET", "/slow", &[]);
                assert_eq!(r.status, 200, "{}", r.text());
                r.json()[0]["pid"].as_i64().unwrap()
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut conn = Conn::open(port);
    let behind = worker_of(&c, &mut conn, "/who");
    let quick = started.elapsed();
    let slow_pids: BTreeSet<i64> = slow.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(behind > 2, "answered by worker {behind}");
    assert!(
        quick < Duration::from_millis(900),
        "the new connection waited {quick:?} behind the two slow requests"
    );
    assert_eq!(
        slow_pids.len(),
        2,
        "the slow requests' workers: {slow_pids:?}"
    );
    kept.push(conn);

    // 0, on reload: idle workers behind the front take new connections again.
    c.psql("ALTER SYSTEM SET budgetbee.server_front_workers = 0");
    c.psql("SELECT pg_reload_conf()");
    let mut attempts = 0;
    assert!(
        eventually(Duration::from_secs(20), || {
            attempts += 1;
            let mut conn = Conn::open(port);
            let w = worker_of(&c, &mut conn, "/who");
            kept.push(conn);
            w > 2
        }),
        "after {attempts} new connections none went past worker 2"
    );
}
