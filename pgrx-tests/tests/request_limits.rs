//! Slow and hostile clients are bounded on the I/O thread, without the main thread: a request
//! head (line and headers) over `budgetbee.server_max_header_bytes` gets 431, a target over
//! 65,534 bytes 414, a client sending its head slower than `budgetbee.server_header_timeout` is
//! disconnected, and none of them keeps other clients waiting. (Bodies: `write_limits.rs`.)

use budgetbee_e2e::{Cluster, ClusterBuilder};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const FIXTURE: &str = r#"
CREATE TABLE items (id int PRIMARY KEY);
INSERT INTO items VALUES (1);
GRANT SELECT ON items TO anon;
"#;

fn cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("request-limits")
            .pool(2)
            .setting("budgetbee.server_max_header_bytes", "32768")
            .setting("budgetbee.server_header_timeout", "1")
            .fixture(FIXTURE)
            .start()
    })
}

/// Sends `raw` and reads what comes back until the server closes the connection.
fn exchange(c: &Cluster, raw: &[u8]) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", c.http_port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    // The server may answer and close before it has read everything.
    let _ = s.write_all(raw);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn status_line(response: &str) -> &str {
    response.lines().next().unwrap_or("")
}

#[test]
fn oversized_heads_are_refused() {
    let c = cluster();
    // Within the limit: a 20 KB cookie is served.
    let cookie = "c".repeat(20_000);
    let r = exchange(
        c,
        format!(
            "GET /items HTTP/1.1\r\nHost: localhost\r\nCookie: a={cookie}\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    );
    assert_eq!(
        status_line(&r),
        "HTTP/1.1 200 OK",
        "{}",
        &r[..r.len().min(300)]
    );
    assert!(r.ends_with(r#"[{"id":1}]"#), "{r}");
    // Over it: 431.
    let big = "b".repeat(40_000);
    let r = exchange(
        c,
        format!("GET /items HTTP/1.1\r\nHost: localhost\r\nX-Big: {big}\r\n\r\n").as_bytes(),
    );
    assert_eq!(
        status_line(&r),
        "HTTP/1.1 431 Request Header Fields Too Large"
    );
    let many: String = (0..2000).map(|i| format!("X-H{i}: v\r\n")).collect();
    let r = exchange(
        c,
        format!("GET /items HTTP/1.1\r\nHost: localhost\r\n{many}\r\n").as_bytes(),
    );
    assert_eq!(
        status_line(&r),
        "HTTP/1.1 431 Request Header Fields Too Large"
    );
    // The workers serve on.
    let r = c.get("/items");
    assert_eq!((r.status, r.text()), (200, r#"[{"id":1}]"#.to_string()));
}

#[test]
fn an_overlong_target_is_414() {
    // 414 needs a head limit above hyper's 65,534-byte target limit: the default, 100 KiB.
    static C: OnceLock<Cluster> = OnceLock::new();
    let c = C.get_or_init(|| {
        ClusterBuilder::new("request-limits-uri")
            .pool(1)
            .fixture(FIXTURE)
            .start()
    });
    let list: Vec<String> = (0..14_000).map(|i| i.to_string()).collect();
    let path = format!("/items?id=in.({})", list.join(","));
    assert!(path.len() > 65_534, "{}", path.len());
    let r = exchange(
        c,
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes(),
    );
    assert_eq!(status_line(&r), "HTTP/1.1 414 URI Too Long");
    // Under it, the same filter is served.
    let path = format!("/items?id=in.({})", list[..8_000].join(","));
    let r = c.get(&path);
    assert_eq!((r.status, r.text()), (200, r#"[{"id":1}]"#.to_string()));
}

#[test]
fn a_slow_head_is_dropped_without_holding_anyone_up() {
    let c = cluster();
    let mut slow = TcpStream::connect(("127.0.0.1", c.http_port)).unwrap();
    slow.set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    slow.write_all(b"GET /items HTTP/1.1\r\nHost: localhost\r\n")
        .unwrap();
    let started = Instant::now();
    let mut closed = None;
    let mut buf = [0u8; 1024];
    while started.elapsed() < Duration::from_secs(10) {
        // One header byte every 200 ms: the head never completes.
        if slow.write_all(b"X").is_err() {
            closed = Some(started.elapsed());
            break;
        }
        match slow.read(&mut buf) {
            Ok(0) => {
                closed = Some(started.elapsed());
                break;
            }
            Ok(_) => {}
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => {
                closed = Some(started.elapsed());
                break;
            }
        }
        // Meanwhile every other client is served at once.
        let r = c.get("/items");
        assert_eq!(r.status, 200);
        std::thread::sleep(Duration::from_millis(150));
    }
    let closed = closed.expect("the slow client was still connected after 10 s");
    assert!(
        closed >= Duration::from_millis(900) && closed < Duration::from_secs(5),
        "dropped after {closed:?} (server_header_timeout = 1 s)"
    );
}

#[test]
fn a_worker_holds_at_most_server_max_connections() {
    // One worker, at most two connections: a third waits in the backlog, unanswered, until
    // one of the two closes; then it is served.
    static C: OnceLock<Cluster> = OnceLock::new();
    let c = C.get_or_init(|| {
        ClusterBuilder::new("request-limits-conns")
            .pool(1)
            .setting("budgetbee.server_max_connections", "2")
            .fixture(FIXTURE)
            .start()
    });
    c.wait_for_workers(1);
    let mut first = budgetbee_e2e::Conn::open(c.http_port);
    let mut second = budgetbee_e2e::Conn::open(c.http_port);
    assert_eq!(first.send("GET", "/items", &[]).status, 200);
    assert_eq!(second.send("GET", "/items", &[]).status, 200);
    assert!(budgetbee_e2e::eventually(Duration::from_secs(5), || c
        .psql("SELECT sum(connections) FROM budgetbee.status()")
        == "2"));

    let mut third = TcpStream::connect(("127.0.0.1", c.http_port)).unwrap();
    third
        .write_all(b"GET /items HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    third
        .set_read_timeout(Some(Duration::from_millis(700)))
        .unwrap();
    let mut buf = [0u8; 64];
    assert!(
        third.read(&mut buf).is_err(),
        "a third connection was served while two were open"
    );
    drop(first);
    third
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut out = Vec::new();
    let _ = third.read_to_end(&mut out);
    assert!(
        String::from_utf8_lossy(&out).starts_with("HTTP/1.1 200 OK"),
        "{}",
        String::from_utf8_lossy(&out)
    );
    assert_eq!(second.send("GET", "/items", &[]).status, 200);
}
