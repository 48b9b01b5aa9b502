//! Large answers stream: a JSON read (or a call of a STABLE or IMMUTABLE function returning
//! rows) answering more than `budgetbee.server_stream_rows` rows is
//! sent with chunked transfer encoding as a cursor yields its rows, byte for byte the body the
//! same request gets built whole (`server_stream_rows = 0`), with the same status and headers
//! except the framing (`Transfer-Encoding: chunked` instead of `Content-Length`). Smaller
//! answers keep `Content-Length`. A client that hangs up mid-stream stops the query; an error
//! after the first byte cuts the response before the chunked terminator, so clients see it
//! fail; and a worker's memory does not grow with the size of the answer. Nor with the size of
//! a request: a 10,000-row `POST` leaves the worker as it found it.

use budgetbee_e2e::{Cluster, ClusterBuilder, HttpResponse, eventually};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// 5,000 rows of every kind of value (nulls, arrays, json, escapes, non-ASCII, timestamps),
/// a to-one and a to-many relationship; `boom` fails at row 3,000; `wide` is 300,000 rows of
/// 400 bytes, and its computed column `slow` takes 2 ms a row.
const FIXTURE: &str = r#"
CREATE TABLE kinds (id int PRIMARY KEY, label text);
INSERT INTO kinds SELECT i, 'kind "' || i || '"' FROM generate_series(1, 7) i;
CREATE TABLE big (
  id int PRIMARY KEY, name text, amount numeric(10,2), tags text[], meta jsonb, at timestamptz,
  note text, kind_id int REFERENCES kinds);
INSERT INTO big SELECT i, 'name ' || i, i * 1.5, ARRAY['a', 'b"' || i],
  jsonb_build_object('i', i, 'k', 'é\n'), '2026-01-01 00:00:00+00'::timestamptz + i * interval '1 minute',
  CASE WHEN i % 3 = 0 THEN NULL ELSE 'ü ' || i END, 1 + i % 7
  FROM generate_series(1, 5000) i;
CREATE TABLE lines (id int PRIMARY KEY, big_id int REFERENCES big, qty int);
INSERT INTO lines SELECT i, 1 + i % 5000, i FROM generate_series(1, 6000) i;
CREATE VIEW boom AS SELECT id, 1 / (id - 3000) AS x FROM big;
CREATE TABLE wide (id int PRIMARY KEY, payload text);
INSERT INTO wide SELECT i, repeat(md5(i::text), 12) FROM generate_series(1, 300000) i;
CREATE FUNCTION slow(wide) RETURNS int LANGUAGE sql STABLE AS $$ SELECT $1.id FROM pg_sleep(0.002) $$;
CREATE TABLE sink (id int PRIMARY KEY, name text, amount numeric(10,2), note text, at timestamptz);
GRANT SELECT ON kinds, big, lines, boom, wide TO anon;
GRANT INSERT ON sink TO anon;
GRANT EXECUTE ON FUNCTION slow(wide) TO anon;
CREATE FUNCTION big_rows(min_id int DEFAULT 0) RETURNS SETOF big LANGUAGE sql STABLE
  AS $$ SELECT * FROM big WHERE id > min_id ORDER BY id $$;
CREATE FUNCTION big_table(n int) RETURNS TABLE (id int, label text) LANGUAGE sql IMMUTABLE
  AS $$ SELECT i, 'row "' || i || '" é' FROM generate_series(1, n) i $$;
CREATE FUNCTION big_volatile() RETURNS SETOF big LANGUAGE sql VOLATILE AS $$ SELECT * FROM big $$;
"#;

fn cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("streaming")
            .pool(2)
            .fixture(FIXTURE)
            .start()
    })
}

/// The tests change `server_stream_rows` or watch the workers; they take turns.
static SERIAL: Mutex<()> = Mutex::new(());

fn chunked(r: &HttpResponse) -> bool {
    r.header("Transfer-Encoding") == Some("chunked") && r.header("Content-Length").is_none()
}

/// Sets `server_stream_rows` and waits until both workers answer a 1,500-row read the way
/// the setting says (one worker may take a moment longer to reload).
fn stream_rows(c: &Cluster, rows: i32) {
    c.psql(&format!(
        "ALTER SYSTEM SET budgetbee.server_stream_rows = {rows}"
    ));
    c.psql("SELECT pg_reload_conf()");
    let applied = eventually(Duration::from_secs(10), || {
        (0..4).all(|_| chunked(&c.get("/big?limit=1500")) == (rows > 0 && rows < 1500))
    });
    assert!(applied, "server_stream_rows = {rows} not in force");
}

/// The headers but the framing ones and `Date`.
fn headers_but_framing(r: &HttpResponse) -> Vec<(String, String)> {
    r.headers
        .iter()
        .filter(|(k, _)| {
            !["transfer-encoding", "content-length", "date"]
                .contains(&k.to_ascii_lowercase().as_str())
        })
        .cloned()
        .collect()
}

#[test]
fn streamed_bodies_are_byte_identical_to_whole_ones() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let c = cluster();
    // (request: method, path and for a POST its body; Prefer; whether the answer is past the
    // 1,000-row threshold)
    let cases: &[(&str, Option<&str>, bool)] = &[
        ("GET /big", None, true),
        (
            "GET /big?select=id,name,kind:kinds(label),lines(qty)&order=id.desc",
            None,
            true,
        ),
        (
            "GET /big?order=id&offset=10&limit=3000",
            Some("count=exact"),
            true,
        ),
        (
            "GET /big?select=id,meta->>k,tags,note&amount=gt.100&order=at.desc",
            None,
            true,
        ),
        (
            "GET /big?select=*,kinds!inner(*)&kinds.id=eq.3&order=id",
            Some("count=exact"),
            false,
        ),
        ("GET /big?limit=1001&order=id", None, true),
        ("GET /big?limit=1000&order=id", None, false),
        ("GET /big?id=gt.4000", None, false),
        ("GET /big?id=gt.3999", None, true),
        ("GET /big?offset=4990", Some("count=exact"), false),
        (
            "GET /lines?select=qty,big(name,kinds(label))&order=qty",
            None,
            true,
        ),
        // Sets of rows from STABLE and IMMUTABLE functions stream too, by GET and by POST,
        // with embeds, filters and counts; a VOLATILE one's never (it would run again).
        ("GET /rpc/big_rows", None, true),
        ("GET /rpc/big_rows?min_id=4500", None, false),
        (
            "GET /rpc/big_rows?select=id,name,kind:kinds(label)&order=id.desc&limit=2000",
            None,
            true,
        ),
        (
            r#"POST /rpc/big_rows {"min_id":10}"#,
            Some("count=exact"),
            true,
        ),
        (
            r#"POST /rpc/big_table?label=like.*7*&offset=5 {"n":30000}"#,
            Some("count=exact"),
            true,
        ),
        (r#"POST /rpc/big_table {"n":1000}"#, None, false),
        ("GET /rpc/big_volatile", None, false),
    ];
    let send = |request: &str, prefer: Option<&str>| {
        let mut headers: Vec<(&str, &str)> = prefer.iter().map(|p| ("Prefer", *p)).collect();
        let (method, rest) = request.split_once(' ').unwrap();
        match rest.split_once(' ') {
            Some((path, body)) => {
                headers.push(("Content-Type", "application/json"));
                budgetbee_e2e::Conn::open(c.http_port).send_body(
                    method,
                    path,
                    &headers,
                    Some(body.as_bytes()),
                )
            }
            None => c.request(method, rest, &headers),
        }
    };
    stream_rows(c, 1000);
    let streamed: Vec<HttpResponse> = cases.iter().map(|(p, pr, _)| send(p, *pr)).collect();
    stream_rows(c, 0);
    let mut failures = Vec::new();
    for ((path, prefer, large), s) in cases.iter().zip(&streamed) {
        let whole = send(path, *prefer);
        if whole.status != 200 && whole.status != 206 {
            failures.push(format!("{path}: status {} {}", whole.status, whole.text()));
        }
        if chunked(&whole) {
            failures.push(format!("{path}: chunked with server_stream_rows = 0"));
        }
        if chunked(s) != *large {
            failures.push(format!(
                "{path}: chunked {} (want {large}); headers {:?}",
                chunked(s),
                s.headers
            ));
        }
        if s.status != whole.status || headers_but_framing(s) != headers_but_framing(&whole) {
            failures.push(format!(
                "{path}: head differs\n  streamed {} {:?}\n  whole    {} {:?}",
                s.status,
                headers_but_framing(s),
                whole.status,
                headers_but_framing(&whole)
            ));
        }
        if s.body != whole.body {
            let at = s
                .body
                .iter()
                .zip(&whole.body)
                .take_while(|(a, b)| a == b)
                .count();
            failures.push(format!(
                "{path}: bodies differ at byte {at} ({} vs {} bytes): {:?} vs {:?}",
                s.body.len(),
                whole.body.len(),
                String::from_utf8_lossy(
                    &s.body[at.saturating_sub(20)..(at + 20).min(s.body.len())]
                ),
                String::from_utf8_lossy(
                    &whole.body[at.saturating_sub(20)..(at + 20).min(whole.body.len())]
                ),
            ));
        }
    }
    stream_rows(c, 1000);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Reads a response's raw bytes until the server closes the connection (or `limit` bytes).
fn raw_get(c: &Cluster, path: &str, limit: usize) -> (TcpStream, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", c.http_port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    let mut buf = [0u8; 65536];
    while raw.len() < limit {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
        }
    }
    (s, raw)
}

#[test]
fn an_error_after_the_first_byte_fails_the_response() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let c = cluster();
    let (_s, raw) = raw_get(c, "/boom", usize::MAX);
    let text = String::from_utf8_lossy(&raw);
    assert!(
        text.starts_with("HTTP/1.1 200 OK\r\n") && text.contains("Transfer-Encoding: chunked\r\n"),
        "{}",
        &text[..text.len().min(400)]
    );
    assert!(
        text.contains("[{\"id\":1,\"x\":0}, \n {\"id\":2,\"x\":0}"),
        "rows before the error were not sent: {}",
        &text[..text.len().min(600)]
    );
    assert!(
        !raw.ends_with(b"\r\n0\r\n\r\n"),
        "the failed stream ended with the chunked terminator: a client would take it as complete"
    );
    // A real client says so too: curl reports the transfer as incomplete (exit 18).
    let curl = std::process::Command::new("curl")
        .args(["-sS", "-o", "/dev/null"])
        .arg(format!("http://127.0.0.1:{}/boom", c.http_port))
        .output()
        .expect("curl");
    assert_eq!(
        curl.status.code(),
        Some(18),
        "curl: {}",
        String::from_utf8_lossy(&curl.stderr)
    );
    assert!(
        eventually(Duration::from_secs(5), || c
            .log()
            .contains("the streamed response failed after its first byte")),
        "the failure was not logged"
    );
}

/// Whether a worker is serving a request (`budgetbee.status()`).
fn busy(c: &Cluster) -> bool {
    c.psql("SELECT count(*) FROM budgetbee.status() WHERE state = 'busy'") != "0"
}

#[test]
fn a_client_hanging_up_mid_stream_stops_the_query() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let c = cluster();
    // 300,000 rows at 2 ms each: ten minutes if nobody stops it.
    let (s, raw) = raw_get(c, "/wide?select=id,slow&order=id", 4096);
    let head = String::from_utf8_lossy(&raw);
    assert!(
        head.starts_with("HTTP/1.1 200 OK\r\n") && head.contains("Transfer-Encoding: chunked\r\n"),
        "{head}"
    );
    assert!(busy(c), "the query is not running while the body streams");
    drop(s);
    let hung_up = Instant::now();
    assert!(
        eventually(Duration::from_secs(15), || !busy(c)),
        "the query still runs {:?} after the client hung up",
        hung_up.elapsed()
    );
    assert!(
        eventually(Duration::from_secs(5), || c.log().contains(
            "GET /wide?select=id,slow&order=id: the client hung up; its request was cancelled"
        )),
        "the cancelled stream was not logged"
    );
    // The worker serves the next request as usual.
    let r = c.get("/kinds?id=eq.1");
    assert_eq!(
        (r.status, r.text()),
        (200, r#"[{"id":1,"label":"kind \"1\""}]"#.to_string())
    );
}

fn worker_pids(c: &Cluster) -> Vec<String> {
    c.psql("SELECT string_agg(pid::text, ' ') FROM budgetbee.status()")
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// RssAnon (private resident memory: not the shared buffers a scan touches) of each worker,
/// in kB.
fn private_rss_kb(pids: &[String]) -> Vec<u64> {
    pids.iter()
        .map(|pid| {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
            status
                .lines()
                .find_map(|l| l.strip_prefix("RssAnon:"))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .unwrap()
        })
        .collect()
}

#[test]
fn a_large_answer_does_not_grow_the_worker() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let c = cluster();
    // Warm both workers (schema cache, plans) so that only the answer itself is measured.
    for _ in 0..4 {
        assert_eq!(c.get("/wide?limit=2000&order=id").status, 200);
    }
    let pids = worker_pids(c);
    let before = private_rss_kb(&pids);
    let (r, peak) = peak_private_rss(&pids, || c.get("/wide?order=id"));
    assert_eq!(r.status, 200);
    assert!(chunked(&r));
    assert!(r.body.len() > 100_000_000, "body of {} bytes", r.body.len());
    assert!(
        r.body.starts_with(b"[{\"id\":1,\"payload\":\"") && r.body.ends_with(b"\"}]"),
        "{} … {}",
        String::from_utf8_lossy(&r.body[..80]),
        String::from_utf8_lossy(&r.body[r.body.len() - 80..])
    );
    // Built whole, a body this size costs a worker several times its 120 MB.
    for ((pid, b), p) in pids.iter().zip(&before).zip(&peak) {
        assert!(
            p.saturating_sub(*b) < 64 * 1024,
            "worker {pid}: private RSS peaked {} kB over its {b} kB for a {} byte answer",
            p - b,
            r.body.len()
        );
    }
}

/// The private RSS of `pids` sampled every 5 ms while `during` runs: (its result, the peaks).
fn peak_private_rss<T>(pids: &[String], during: impl FnOnce() -> T) -> (T, Vec<u64>) {
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let (done, pids) = (done.clone(), pids.to_vec());
        std::thread::spawn(move || {
            let mut peak = vec![0u64; pids.len()];
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                for (p, now) in peak.iter_mut().zip(private_rss_kb(&pids)) {
                    *p = (*p).max(now);
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            peak
        })
    };
    let out = during();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    (out, sampler.join().unwrap())
}

/// Sends `request` (given how many times it ran before), one at a time, at least `min` times
/// and until every worker has served `each` of them (bounded); how many were sent. Which worker
/// accepts a new connection is the kernel's choice, so a fixed number may all land on one.
fn until_every_worker_served(
    c: &Cluster,
    min: usize,
    each: i64,
    mut request: impl FnMut(usize),
) -> usize {
    let served = || {
        c.psql("SELECT string_agg(requests::text, ' ' ORDER BY worker) FROM budgetbee.status()")
            .split_whitespace()
            .map(|n| n.parse::<i64>().unwrap())
            .collect::<Vec<_>>()
    };
    let start = served();
    let all_served = || {
        served()
            .iter()
            .zip(&start)
            .all(|(now, then)| now - then >= each)
    };
    let mut sent = 0;
    while sent < min || (!all_served() && sent < min + 40 * each as usize) {
        request(sent);
        sent += 1;
    }
    assert!(
        all_served(),
        "a worker never served the request: {start:?} → {:?}",
        served()
    );
    sent
}

#[test]
fn a_large_body_does_not_grow_the_worker() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let c = cluster();
    let rows = |from: usize| {
        let body: Vec<String> = (from..from + 10_000)
            .map(|i| {
                format!(
                    r#"{{"id":{i},"name":"row {i} of a large body","amount":{i}.25,"note":"{}","at":"2026-01-01T00:00:00Z"}}"#,
                    "n".repeat(60)
                )
            })
            .collect();
        format!("[{}]", body.join(","))
    };
    let post = |body: &str| {
        budgetbee_e2e::Conn::open(c.http_port).send_body(
            "POST",
            "/sink",
            &[("Content-Type", "application/json")],
            Some(body.as_bytes()),
        )
    };
    // Warm both workers with large bodies, each at least three, so that only what one more
    // body leaves behind is measured: a worker's memory at rest rises over its first few and
    // then stays (measured on the debug build: +0.8 to +2.7 MB after its second body, +0.1 to
    // +0.3 MB after its fourth, and 10.3 MB after its 14th as after its 13th).
    let warm = until_every_worker_served(c, 4, 3, |n| {
        assert_eq!(post(&rows(1 + n * 10_000)).status, 201);
    });
    // Before and after are both taken at rest, once the idle workers have trimmed what the
    // last requests freed: one reading before a trim and one after compared different things.
    std::thread::sleep(Duration::from_secs(4));
    let pids = worker_pids(c);
    let before = private_rss_kb(&pids);
    let body = rows(1 + warm * 10_000);
    let (r, peak) = peak_private_rss(&pids, || post(&body));
    assert_eq!((r.status, r.text()), (201, String::new()));
    assert_eq!(
        c.psql("SELECT count(*) FROM sink"),
        ((warm + 1) * 10_000).to_string()
    );
    eventually(Duration::from_secs(10), || {
        private_rss_kb(&pids)
            .iter()
            .zip(&before)
            .all(|(a, b)| a.saturating_sub(*b) < 2048)
    });
    let after = private_rss_kb(&pids);
    for (((pid, b), p), a) in pids.iter().zip(&before).zip(&peak).zip(&after) {
        // Generous: the body is held as sent (not as a tree of values) and copied a few times
        // on its way to json_to_recordset, whose rows Postgres keeps in work_mem.
        assert!(
            p.saturating_sub(*b) < 16 * body.len() as u64 / 1024,
            "worker {pid}: private RSS peaked {} kB over its {b} kB for a {} byte body",
            p - b,
            body.len()
        );
        // What the request took is given back (it was not before a body stopped being
        // parsed into values: 3.8 MB stayed, over a baseline 14 MB higher).
        assert!(
            a.saturating_sub(*b) < 2048,
            "worker {pid}: private RSS {a} kB after the request, {b} kB before"
        );
    }
}

#[test]
fn an_idle_worker_gives_the_memory_of_a_burst_back() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let c = cluster();
    let pids = worker_pids(c);
    // The same request, one at a time, until every worker has served it: the catalog entries
    // and the kept plan it needs are in place before the level at rest is read.
    until_every_worker_served(c, 1, 1, |_| {
        assert_eq!(c.get("/rpc/big_volatile").status, 200);
    });
    // Bodies built whole (a VOLATILE function's rows are not streamed), 1.6 MB each, four at
    // a time: Postgres's json_agg, the body and its copies, freed after each request.
    let burst = || {
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..6 {
                        let r = c.get("/rpc/big_volatile");
                        assert_eq!(r.status, 200);
                        assert!(r.header("Content-Length").is_some());
                    }
                });
            }
        })
    };
    // One burst first: the heap grows to what four answers in flight need, once.
    burst();
    std::thread::sleep(Duration::from_secs(4));
    let rest = private_rss_kb(&pids);
    burst();
    let busy = private_rss_kb(&pids);
    // Another burst leaves nothing behind once the workers are idle: not one of its 1.6 MB
    // bodies. (Not to the kilobyte: which heap pages stay partly used depends on how the
    // requests fell on the two workers, up to ~10% in runs of this test.)
    let back = eventually(Duration::from_secs(15), || {
        private_rss_kb(&pids)
            .iter()
            .zip(&rest)
            .all(|(now, rest)| *now <= rest + rest * 15 / 100)
    });
    let idle = private_rss_kb(&pids);
    assert!(
        back,
        "workers {pids:?}: private RSS {idle:?} kB after the burst ({busy:?} right after it), \
         {rest:?} kB at rest before it"
    );
    // ... and what the burst freed is given back to the system, not kept for the next one
    // (so the level at rest is not merely the high-water mark twice).
    let (busy_kb, idle_kb) = (busy.iter().sum::<u64>(), idle.iter().sum::<u64>());
    assert!(
        busy_kb > idle_kb + 1024,
        "workers {pids:?}: private RSS {busy:?} kB right after the burst, {idle:?} kB idle"
    );
}
