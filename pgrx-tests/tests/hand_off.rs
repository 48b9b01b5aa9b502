//! Head-of-line blocking: a keep-alive connection stays with the worker that accepted it, so a
//! request on it would wait behind that worker's slow request while siblings sit idle. With
//! `budgetbee.server_hand_off` (on by default) the busy worker relays it to an idle sibling at
//! once; the client's connection does not move, and a client that hangs up on a relayed
//! request still gets it cancelled. Off, the request waits, which is what this prevents.
//! When no sibling is ever idle, one about to serve its own line first takes a request that
//! has waited a quarter of `db_pool_acquisition_timeout` (at risk of a 504) behind a slow one.

use budgetbee_e2e::{Cluster, ClusterBuilder, Conn, eventually};
use std::collections::HashMap;
use std::time::{Duration, Instant};

const FIXTURE: &str = r#"
CREATE VIEW me AS SELECT pg_backend_pid() AS pid;
CREATE VIEW slow AS SELECT pg_backend_pid() AS pid FROM pg_sleep(3);
CREATE VIEW slower AS SELECT 1 AS one FROM pg_sleep(30);
CREATE VIEW pause AS SELECT pg_backend_pid() AS pid FROM pg_sleep(0.2);
CREATE TABLE notes (id serial PRIMARY KEY, note text);
GRANT SELECT ON me, slow, slower, pause TO anon;
GRANT SELECT, INSERT ON notes TO anon;
GRANT USAGE ON SEQUENCE notes_id_seq TO anon;
"#;

fn pid_of(conn: &mut Conn, path: &str) -> i64 {
    let r = conn.send("GET", path, &[]);
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()[0]["pid"].as_i64().unwrap()
}

/// Two keep-alive connections held by the same worker (of two, eight connections make a pair
/// certain), and that worker's pid.
fn two_on_one_worker(c: &Cluster) -> (Conn, Conn, i64) {
    let mut by_pid: HashMap<i64, Vec<Conn>> = HashMap::new();
    for _ in 0..8 {
        let mut conn = Conn::open(c.http_port);
        let pid = pid_of(&mut conn, "/me");
        by_pid.entry(pid).or_default().push(conn);
    }
    let (pid, mut conns) = by_pid
        .into_iter()
        .find(|(_, v)| v.len() >= 2)
        .expect("eight connections over two workers");
    let b = conns.pop().unwrap();
    let a = conns.pop().unwrap();
    (a, b, pid)
}

fn sleeping(c: &Cluster) -> usize {
    c.psql(
        "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'budgetbee' \
         AND wait_event = 'PgSleep'",
    )
    .parse()
    .unwrap()
}

/// Occupies the worker behind `a` with a 3 s read, then asks on `b`: how long that took, and
/// which worker answered.
fn ask_while_busy(
    c: &Cluster,
    mut a: Conn,
    b: &mut Conn,
) -> (Duration, i64, std::thread::JoinHandle<i64>) {
    let slow = std::thread::spawn(move || pid_of(&mut a, "/slow"));
    assert!(
        eventually(Duration::from_secs(10), || sleeping(c) == 1),
        "the slow read never ran"
    );
    let asked = Instant::now();
    let pid = pid_of(b, "/me");
    (asked.elapsed(), pid, slow)
}

#[test]
fn a_busy_workers_keep_alive_connection_is_served_by_an_idle_one() {
    let c = ClusterBuilder::new("hand-off")
        .pool(2)
        .fixture(FIXTURE)
        .start();
    c.wait_for_workers(2);
    assert_eq!(c.psql("SHOW budgetbee.server_hand_off"), "on");

    let (a, mut b, busy) = two_on_one_worker(&c);
    let (waited, pid, slow) = ask_while_busy(&c, a, &mut b);
    assert_ne!(pid, busy, "served by the busy worker");
    assert!(waited < Duration::from_secs(1), "waited {waited:?}");
    assert_eq!(slow.join().unwrap(), busy);

    // The same connection goes on working, relayed or not; a write is relayed exactly once,
    // with its answer's headers as the sibling gave them.
    let (a, mut b, _) = two_on_one_worker(&c);
    let mut a = Some(a);
    let slow = {
        let mut a = a.take().unwrap();
        std::thread::spawn(move || pid_of(&mut a, "/slow"))
    };
    assert!(eventually(Duration::from_secs(10), || sleeping(&c) == 1));
    let r = b.send_body(
        "POST",
        "/notes",
        &[
            ("Content-Type", "application/json"),
            ("Prefer", "return=representation"),
        ],
        Some(br#"{"note":"relayed"}"#),
    );
    assert_eq!(
        (r.status, r.text()),
        (201, r#"[{"id":1,"note":"relayed"}]"#.to_string())
    );
    assert_eq!(
        r.header("Content-Type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(r.header("Location"), None);
    assert_eq!(r.header("Content-Range"), Some("*/*"));
    let r = b.send("HEAD", "/notes", &[]);
    assert_eq!((r.status, r.body.len()), (200, 0));
    slow.join().unwrap();
    assert_eq!(c.psql("SELECT string_agg(note, ',') FROM notes"), "relayed");
    assert!(pid_of(&mut b, "/me") > 0);

    // A client that hangs up on a relayed request: the sibling cancels it.
    let (a, mut b, _) = two_on_one_worker(&c);
    let slow = {
        let mut a = a;
        std::thread::spawn(move || pid_of(&mut a, "/slow"))
    };
    assert!(eventually(Duration::from_secs(10), || sleeping(&c) == 1));
    b.write_request("GET", "/slower", &[], None);
    assert!(
        eventually(Duration::from_secs(10), || sleeping(&c) == 2),
        "the relayed read never ran"
    );
    drop(b);
    let hung_up = Instant::now();
    assert!(
        eventually(Duration::from_secs(5), || c.psql(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'budgetbee' \
             AND query = 'GET /slower' AND state = 'active'"
        ) == "0"),
        "the relayed request kept running after its client left"
    );
    let stopped = hung_up.elapsed();
    assert!(
        stopped < Duration::from_secs(1),
        "stopped after {stopped:?}"
    );
    slow.join().unwrap();

    // Off: the request waits behind the slow one on its own worker (what hand-off prevents).
    c.psql("ALTER SYSTEM SET budgetbee.server_hand_off = off");
    c.psql("SELECT pg_reload_conf()");
    assert!(eventually(Duration::from_secs(5), || {
        c.get("/me").status == 200 && c.psql("SHOW budgetbee.server_hand_off") == "off"
    }));
    std::thread::sleep(Duration::from_millis(1200));
    let (a, mut b, busy) = two_on_one_worker(&c);
    let (waited, pid, slow) = ask_while_busy(&c, a, &mut b);
    assert_eq!(pid, busy);
    assert!(waited > Duration::from_secs(2), "waited only {waited:?}");
    slow.join().unwrap();
}

#[test]
fn a_request_stuck_behind_a_slow_one_is_taken_by_a_sibling_that_is_never_idle() {
    // A request is at risk of a 504 after a quarter of this (1 s): then a sibling takes it,
    // well before the 3 s read ahead of it ends.
    let c = ClusterBuilder::new("hand-off-claim")
        .pool(2)
        .setting("budgetbee.db_pool_acquisition_timeout", "4")
        .fixture(FIXTURE)
        .start();
    c.wait_for_workers(2);
    let (a, mut stuck, busy) = two_on_one_worker(&c);
    // The other six connections are closed; until their workers have seen that, a sibling
    // holding more than the busy worker's two would let the busy one accept below.
    assert!(eventually(Duration::from_secs(5), || c.psql(
        "SELECT string_agg(connections::text, ',' ORDER BY connections) FROM budgetbee.status()"
    ) == "0,2"));
    let slow = {
        let mut a = a;
        std::thread::spawn(move || pid_of(&mut a, "/slow"))
    };
    assert!(eventually(Duration::from_secs(10), || sleeping(&c) == 1));
    // While that worker is busy only its sibling accepts: two connections there, each asking
    // for a 0.2 s read again as soon as it is answered, so that the sibling always has one
    // request running and the other waiting, and is never idle.
    // Both are opened before either loop starts: once the sibling is busy too, the worker with
    // the fewest connections accepts, which could be the busy one.
    let conns: Vec<_> = (0..2)
        .map(|_| {
            let mut conn = Conn::open(c.http_port);
            let other = pid_of(&mut conn, "/me");
            assert_ne!(other, busy);
            (conn, other)
        })
        .collect();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let loops: Vec<_> = conns
        .into_iter()
        .map(|(mut conn, other)| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let started = Instant::now();
                let mut answered = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed)
                    && started.elapsed() < Duration::from_secs(20)
                {
                    assert_eq!(pid_of(&mut conn, "/pause"), other);
                    answered += 1;
                }
                answered
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let asked = Instant::now();
    let pid = pid_of(&mut stuck, "/me");
    let waited = asked.elapsed();
    assert_ne!(pid, busy, "served by the busy worker, after its slow read");
    assert!(waited < Duration::from_secs(2), "waited {waited:?}");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for l in loops {
        assert!(l.join().unwrap() > 1);
    }
    assert_eq!(slow.join().unwrap(), busy);
    // The connection goes on working (served by either worker: an idle sibling may take a
    // request its worker has not started within 5 ms).
    assert!(pid_of(&mut stuck, "/me") > 0);
}
