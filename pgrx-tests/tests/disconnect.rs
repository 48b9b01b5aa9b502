//! A client that hangs up while its request runs gets the request cancelled (PostgREST cannot:
//! its issue #3517, where hung-up clients drain the pool): the worker's statement stops, as
//! `pg_stat_activity` shows, its transaction rolls back, and the worker serves the next request.
//! A client that waits gets its answer as ever.

use budgetbee_e2e::{Cluster, ClusterBuilder, eventually};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

const FIXTURE: &str = r#"
CREATE TABLE notes (id serial PRIMARY KEY, note text);
CREATE FUNCTION slow_write(note text) RETURNS int LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  INSERT INTO notes (note) VALUES (slow_write.note);
  PERFORM pg_sleep(30);
  RETURN 1;
END $$;
CREATE VIEW slow_read AS SELECT 1 AS one FROM pg_sleep(30);
GRANT SELECT, INSERT ON notes TO anon;
GRANT USAGE ON SEQUENCE notes_id_seq TO anon;
GRANT SELECT ON slow_read TO anon;
GRANT EXECUTE ON FUNCTION slow_write(text) TO anon;
"#;

fn cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("disconnect")
            .pool(2)
            .fixture(FIXTURE)
            .start()
    })
}

/// The tests watch the workers; they take turns.
static SERIAL: Mutex<()> = Mutex::new(());

/// What `pg_stat_activity` says the workers run: `state query wait_event` of the active ones.
fn active(c: &Cluster) -> String {
    c.psql(
        "SELECT coalesce(string_agg(concat_ws(' ', state, query, wait_event), '; '), '') \
         FROM pg_stat_activity WHERE backend_type = 'budgetbee' AND state = 'active'",
    )
}

/// Sends `request`, waits until a worker runs it (in `pg_sleep`), hangs up, and returns how
/// long the worker took to stop.
fn hang_up(c: &Cluster, request: &str, shown_as: &str) -> Duration {
    let mut s = TcpStream::connect(("127.0.0.1", c.http_port)).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    assert!(
        eventually(Duration::from_secs(10), || active(c)
            == format!("active {shown_as} PgSleep")),
        "the request never ran: {:?}",
        active(c)
    );
    drop(s);
    let hung_up = Instant::now();
    assert!(
        eventually(Duration::from_secs(10), || active(c).is_empty()),
        "still running 10 s after the client hung up: {}",
        active(c)
    );
    hung_up.elapsed()
}

#[test]
fn a_hung_up_write_is_cancelled_and_rolled_back() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let c = cluster();
    let body = r#"{"note":"hung up"}"#;
    let took = hang_up(
        c,
        &format!(
            "POST /rpc/slow_write HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        ),
        "POST /rpc/slow_write",
    );
    eprintln!("the write stopped {took:?} after the client hung up");
    assert!(took < Duration::from_secs(2), "stopped only after {took:?}");
    assert_eq!(
        c.psql("SELECT count(*) FROM notes WHERE note = 'hung up'"),
        "0"
    );
    assert!(
        eventually(Duration::from_secs(5), || c.log().contains(
            "POST /rpc/slow_write: the client hung up; its request was cancelled"
        )),
        "not logged:\n{}",
        c.log()
    );
    // Both workers serve on.
    for i in 0..4 {
        let r = c.request("POST", "/notes", &[("Content-Type", "application/json")]);
        assert_eq!(r.status, 400, "request {i}: {}", r.text());
        let mut conn = budgetbee_e2e::Conn::open(c.http_port);
        let r = conn.send_body(
            "POST",
            "/notes",
            &[("Content-Type", "application/json")],
            Some(format!(r#"{{"note":"after {i}"}}"#).as_bytes()),
        );
        assert_eq!((r.status, r.text()), (201, String::new()));
    }
    assert_eq!(
        c.psql("SELECT count(*) FROM notes WHERE note LIKE 'after %'"),
        "4"
    );
}

#[test]
fn a_hung_up_read_is_cancelled() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let c = cluster();
    let took = hang_up(
        c,
        "GET /slow_read HTTP/1.1\r\nHost: localhost\r\n\r\n",
        "GET /slow_read",
    );
    eprintln!("the read stopped {took:?} after the client hung up");
    assert!(took < Duration::from_secs(2), "stopped only after {took:?}");
    let r = c.get("/notes?select=id&limit=0");
    assert_eq!((r.status, r.text()), (200, "[]".to_string()));
}

#[test]
fn a_client_that_waits_gets_its_answer_and_idle_connections_cancel_nothing() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let c = cluster();
    // A keep-alive connection closed after its answer: nothing is running, nothing to cancel,
    // and the next request on another connection is untouched.
    let mut s = TcpStream::connect(("127.0.0.1", c.http_port)).unwrap();
    s.write_all(b"GET /notes?select=id&limit=0 HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 4096];
    let n = s.read(&mut buf).unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200 OK"));
    drop(s);
    let r = c.get("/rpc/slow_write?note=waited");
    assert_eq!(r.status, 405, "GET runs read-only: {}", r.text());
    let r = c.request("HEAD", "/notes", &[]);
    assert_eq!(r.status, 200);
}
