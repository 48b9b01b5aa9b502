//! Real concurrency: db_pool workers serve slow requests side by side, and a new connection is
//! answered by an idle worker while others are busy.

use budgetbee_e2e::{Cluster, ClusterBuilder, Conn, eventually};
use std::time::{Duration, Instant};

const FIXTURE: &str = "
CREATE VIEW slow AS SELECT pg_sleep(1)::text AS slept, pg_backend_pid() AS pid;
CREATE VIEW fast AS SELECT 1 AS one;
GRANT SELECT ON slow, fast TO anon;
";

fn slow(port: u16) -> (Duration, i64) {
    let t = Instant::now();
    let r = Conn::open(port).send("GET", "/slow", &[]);
    assert_eq!(r.status, 200, "{}", r.text());
    (t.elapsed(), r.json()[0]["pid"].as_i64().unwrap())
}

// One test function: the two checks must not overlap, or each would steal the other's workers.
#[test]
fn pool_of_four_serves_four_slow_requests_at_once_and_stays_responsive() {
    let c: Cluster = ClusterBuilder::new("concurrency")
        .pool(4)
        .fixture(FIXTURE)
        .start();
    let port = c.http_port;

    let t = Instant::now();
    let results: Vec<(Duration, i64)> = (0..4)
        .map(|_| std::thread::spawn(move || slow(port)))
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap())
        .collect();
    let wall = t.elapsed();
    let mut pids: Vec<i64> = results.iter().map(|r| r.1).collect();
    pids.sort();
    pids.dedup();
    assert_eq!(pids.len(), 4, "four different workers served: {results:?}");
    assert!(
        wall < Duration::from_millis(1800),
        "four 1 s requests took {wall:?}"
    );

    // Three workers busy; a request on a new connection goes to the idle fourth.
    let busy: Vec<_> = (0..3)
        .map(|_| std::thread::spawn(move || slow(port)))
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let t = Instant::now();
    let r = Conn::open(port).send("GET", "/fast", &[]);
    let quick = t.elapsed();
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), r#"[{"one":1}]"#);
    for h in busy {
        h.join().unwrap();
    }
    assert!(
        quick < Duration::from_millis(100),
        "new connection waited {quick:?} while three workers were busy"
    );

    // The I/O thread runs under SCHED_BATCH (woken by an answer, it leaves the main thread to
    // finish), the main thread, Postgres's backend, under the default policy.
    for pid in &pids {
        assert_eq!(
            threads(*pid),
            [
                ("budgetbee-io".to_string(), SCHED_BATCH),
                ("postgres".to_string(), SCHED_OTHER)
            ],
            "worker {pid}'s threads and their policies"
        );
    }

    // budgetbee.server_batch_scheduling = off gives the I/O thread the default policy again
    // on reload, without a restart; reset, it is back under SCHED_BATCH.
    for (sql, io_policy) in [
        (
            "ALTER SYSTEM SET budgetbee.server_batch_scheduling = off",
            SCHED_OTHER,
        ),
        (
            "ALTER SYSTEM RESET budgetbee.server_batch_scheduling",
            SCHED_BATCH,
        ),
    ] {
        c.psql(sql);
        c.psql("SELECT pg_reload_conf()");
        let want = [
            ("budgetbee-io".to_string(), io_policy),
            ("postgres".to_string(), SCHED_OTHER),
        ];
        assert!(
            eventually(Duration::from_secs(10), || pids
                .iter()
                .all(|pid| threads(*pid) == want)),
            "after {sql}: {:?}",
            pids.iter().map(|pid| threads(*pid)).collect::<Vec<_>>()
        );
    }
    assert_eq!(
        r#"[{"one":1}]"#,
        Conn::open(port).send("GET", "/fast", &[]).text()
    );
}

const SCHED_OTHER: u32 = 0;
const SCHED_BATCH: u32 = 3;

/// Each thread of process `pid`: its name and scheduling policy (`/proc`'s stat, field 41),
/// sorted by name.
fn threads(pid: i64) -> Vec<(String, u32)> {
    let mut threads: Vec<(String, u32)> = std::fs::read_dir(format!("/proc/{pid}/task"))
        .unwrap()
        .map(|task| {
            let dir = task.unwrap().path();
            let name = std::fs::read_to_string(dir.join("comm")).unwrap();
            let stat = std::fs::read_to_string(dir.join("stat")).unwrap();
            // Fields after the name, which is in parentheses and may hold spaces: the third on.
            let rest = &stat[stat.rfind(')').unwrap() + 2..];
            let policy = rest.split(' ').nth(41 - 3).unwrap().parse().unwrap();
            (name.trim().to_string(), policy)
        })
        .collect();
    threads.sort();
    threads
}
