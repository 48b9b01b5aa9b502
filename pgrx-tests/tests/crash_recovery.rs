//! A worker killed with SIGKILL under load: Postgres treats any backend's sudden death as a
//! crash, ends every backend and restarts them after recovery (that is how it protects shared
//! memory), and budgetbee serves again within 10 s with no committed write lost or doubled.

use budgetbee_e2e::{Cluster, ClusterBuilder, Conn, eventually};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const FIXTURE: &str = r#"
CREATE TABLE acks (id int PRIMARY KEY, note text);
GRANT SELECT, INSERT ON acks TO anon;
"#;

/// One writer inserting ids 1, 2, 3, … one at a time, each sent once: (acknowledged with 201,
/// answered with anything else or not at all).
fn writer(
    port: u16,
    stop: Arc<AtomicBool>,
    acked: Arc<Mutex<Vec<i64>>>,
    unknown: Arc<Mutex<Vec<i64>>>,
) {
    let mut id = 0i64;
    while !stop.load(Ordering::Relaxed) {
        id += 1;
        let body = format!(r#"{{"id":{id},"note":"write {id}"}}"#);
        let sent = std::panic::catch_unwind(|| {
            Conn::open(port).send_body(
                "POST",
                "/acks",
                &[("Content-Type", "application/json")],
                Some(body.as_bytes()),
            )
        });
        match sent {
            Ok(r) if r.status == 201 => acked.lock().unwrap().push(id),
            _ => {
                unknown.lock().unwrap().push(id);
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

#[test]
fn a_killed_worker_loses_no_committed_write() {
    let c: Cluster = ClusterBuilder::new("crash-recovery")
        .pool(2)
        .setting("restart_after_crash", "on")
        .fixture(FIXTURE)
        .start();
    let (stop, acked, unknown) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(Mutex::new(Vec::new())),
        Arc::new(Mutex::new(Vec::new())),
    );
    let w = {
        let (port, stop, acked, unknown) =
            (c.http_port, stop.clone(), acked.clone(), unknown.clone());
        std::thread::spawn(move || writer(port, stop, acked, unknown))
    };
    assert!(
        eventually(Duration::from_secs(10), || acked.lock().unwrap().len()
            >= 200),
        "the writer did not get going"
    );
    let victim = c.psql("SELECT pid FROM budgetbee.status() ORDER BY requests DESC LIMIT 1");
    let killed_at = Instant::now();
    assert!(
        std::process::Command::new("kill")
            .args(["-KILL", &victim])
            .status()
            .unwrap()
            .success()
    );
    // The postmaster ends every backend and starts again (the surviving worker may serve for
    // a moment before that), then a read answers 200 through the restarted workers.
    assert!(
        eventually(Duration::from_secs(10), || c
            .log()
            .contains("all server processes terminated; reinitializing")),
        "no crash restart:\n{}",
        c.log()
    );
    let back = eventually(Duration::from_secs(10), || {
        std::panic::catch_unwind(|| Conn::open(c.http_port).send("GET", "/acks?limit=0", &[]))
            .is_ok_and(|r| r.status == 200)
    });
    let downtime = killed_at.elapsed();
    assert!(back, "not serving 10 s after the kill:\n{}", c.log());
    eprintln!("serving again {downtime:?} after SIGKILL of worker {victim}");
    // Writes go on after the restart.
    let before = acked.lock().unwrap().len();
    assert!(
        eventually(Duration::from_secs(10), || acked.lock().unwrap().len()
            >= before + 100),
        "writes did not resume"
    );
    stop.store(true, Ordering::Relaxed);
    w.join().unwrap();

    let acked = acked.lock().unwrap().clone();
    let unknown = unknown.lock().unwrap().clone();
    let committed: Vec<i64> = c
        .psql("SELECT coalesce(string_agg(id::text, ' ' ORDER BY id), '') FROM acks")
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect();
    // Every acknowledged write is there, once (the primary key would refuse a second).
    let missing: Vec<&i64> = acked.iter().filter(|id| !committed.contains(id)).collect();
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    // Anything else committed was in flight at the crash: sent, never answered.
    let extra: Vec<&i64> = committed
        .iter()
        .filter(|id| !acked.contains(id) && !unknown.contains(id))
        .collect();
    assert!(extra.is_empty(), "committed but never sent: {extra:?}");
    assert!(
        committed.iter().filter(|id| unknown.contains(id)).count() <= 1,
        "more unanswered writes committed than were in flight: {unknown:?} vs {committed:?}"
    );
    assert!(
        c.log().contains("terminated by signal 9"),
        "the postmaster did not see the kill:\n{}",
        c.log()
    );
}
