//! `budgetbee.server_group_commit`: a worker serving writes back to back commits them without
//! waiting for each one's WAL flush, and answers them after one flush for all. An answer must
//! never go out before its commit is written: every write answered 201 survives a crash.

use budgetbee_e2e::{Cluster, ClusterBuilder};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const FIXTURE: &str = "
CREATE TABLE ledger (id bigserial PRIMARY KEY, note text NOT NULL);
CREATE TABLE slow_ledger (id bigserial PRIMARY KEY, note text NOT NULL);
CREATE FUNCTION linger() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN PERFORM pg_sleep(0.5); RETURN NEW; END $$;
CREATE TRIGGER linger BEFORE INSERT ON slow_ledger FOR EACH ROW EXECUTE FUNCTION linger();
GRANT SELECT, INSERT ON ledger, slow_ledger TO anon;
GRANT USAGE ON SEQUENCE ledger_id_seq, slow_ledger_id_seq TO anon;
";

/// One `POST /<table>` on a connection of its own; the new row's id if it was answered 201.
/// A connection refused or cut (the crash) is `None`, not a failure.
fn post(port: u16, table: &str, note: &str) -> Option<i64> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    let body = format!("{{\"note\":\"{note}\"}}");
    let req = format!(
        "POST /{table} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
         Content-Type: application/json\r\nPrefer: return=representation\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).ok()?;
    let answer = String::from_utf8_lossy(&answer);
    if !answer.starts_with("HTTP/1.1 201 ") {
        return None;
    }
    // Connection: close, so the body is all that follows the head.
    let (_, body) = answer.split_once("\r\n\r\n")?;
    let rows: serde_json::Value = serde_json::from_str(body).ok()?;
    rows[0]["id"].as_i64()
}

/// After a restart: which of the `answered` rows of `table` are gone.
fn lost(c: &Cluster, table: &str, answered: &BTreeSet<i64>) -> Vec<i64> {
    let kept: BTreeSet<i64> = c
        .psql(&format!("SELECT id FROM {table}"))
        .lines()
        .map(|l| l.trim().parse().unwrap())
        .collect();
    answered.difference(&kept).copied().collect()
}

#[test]
fn every_answered_write_survives_a_crash() {
    // One worker, so that requests queue in one line and are served back to back; the WAL
    // writer held back (10 s), so that only the worker's own flush writes a commit out.
    let c = ClusterBuilder::new("group_commit")
        .pool(1)
        .setting("wal_writer_delay", "10s")
        .setting("wal_writer_flush_after", "1GB")
        .fixture(FIXTURE)
        .start();
    assert_eq!(c.psql("SHOW budgetbee.server_group_commit").trim(), "on");
    let port = c.http_port;

    // Three writes in one line: a slow one (its trigger sleeps 0.5 s), a quick one queued
    // behind it, and a slow one behind that. The crash comes while the last one runs: the
    // first two committed by then, and an answer sent before their flush would be lost.
    let started = Instant::now();
    let send = |table: &'static str, after: u64| {
        std::thread::sleep(Duration::from_millis(after));
        std::thread::spawn(move || (table, post(port, table, "in line")))
    };
    let line = [
        send("slow_ledger", 0),
        send("ledger", 100),
        send("slow_ledger", 100),
    ];
    std::thread::sleep(Duration::from_millis(750).saturating_sub(started.elapsed()));
    c.crash();
    let mut answered = (BTreeSet::new(), BTreeSet::new());
    for w in line {
        match w.join().unwrap() {
            ("ledger", Some(id)) => answered.0.insert(id),
            (_, Some(id)) => answered.1.insert(id),
            (_, None) => false,
        };
    }
    c.start_again(1);
    assert_eq!(lost(&c, "ledger", &answered.0), [] as [i64; 0]);
    assert_eq!(lost(&c, "slow_ledger", &answered.1), [] as [i64; 0]);

    // Eight writers at once, until a crash at a moment nothing arranges.
    let answered = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let (answered, stop) = (answered.clone(), stop.clone());
            std::thread::spawn(move || {
                for n in 0..100_000 {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    if let Some(id) = post(port, "ledger", &format!("writer {w} write {n}")) {
                        answered.lock().unwrap().push(id);
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    c.crash();
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().unwrap();
    }
    let answered: BTreeSet<i64> = answered.lock().unwrap().iter().copied().collect();
    assert!(
        answered.len() > 100,
        "only {} writes answered",
        answered.len()
    );
    c.start_again(1);
    let gone = lost(&c, "ledger", &answered);
    assert!(
        gone.is_empty(),
        "{} of {} writes answered 201 were lost in the crash: {:?}",
        gone.len(),
        answered.len(),
        &gone[..gone.len().min(10)]
    );
}
