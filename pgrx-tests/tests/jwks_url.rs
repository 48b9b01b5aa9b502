//! Keys from `budgetbee.jwks_url` (Better Auth's `/api/auth/jwks`) and their rotation without a
//! restart: fetched at start; a token naming an unknown `kid` triggers a refetch
//! (`jwks_min_refresh_interval = 0` here); `SELECT budgetbee.reload_jwks()` forces one; the
//! periodic refresh (`jwks_refresh_interval`) drops a removed key on its own; a failing endpoint
//! keeps the last good key set.
//!
//! The JWKS endpoint is a tiny HTTP/1.1 server in this process on 127.0.0.1 answering every
//! `GET /api/auth/jwks` with the current document (`Content-Type: application/json`,
//! `Connection: close`) and counting the requests.
//!
//! ASSUMPTIONS (GUC and function names from issue 4): `budgetbee.jwks_url`,
//! `budgetbee.jwks_refresh_interval` (seconds, reloadable with SIGHUP),
//! `budgetbee.jwks_min_refresh_interval` (seconds), `budgetbee.reload_jwks()` (return value
//! ignored).

mod jwt_support;

use budgetbee_e2e::{Cluster, ClusterBuilder};
use jsonwebtoken::Algorithm;
use jwt_support::*;
use serde_json::json;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

const PATH: &str = "/api/auth/jwks";
const ME: &str = "/me?select=role,uid";
/// Bound on every wait for the server to notice a change.
const WAIT: Duration = Duration::from_secs(5);

struct State {
    body: String,
    /// 200, or an error status to simulate an outage.
    status: u16,
    /// `GET /api/auth/jwks` requests answered (any status).
    hits: usize,
}

struct JwksServer {
    port: u16,
    state: Arc<Mutex<State>>,
}

impl JwksServer {
    fn start(body: String) -> JwksServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State {
            body,
            status: 200,
            hits: 0,
        }));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                serve_one(stream, &shared);
            }
        });
        JwksServer { port, state }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}{PATH}", self.port)
    }

    fn serve(&self, body: String) {
        let mut s = self.state.lock().unwrap();
        s.body = body;
        s.status = 200;
    }

    fn fail(&self) {
        self.state.lock().unwrap().status = 503;
    }

    fn hits(&self) -> usize {
        self.state.lock().unwrap().hits
    }
}

fn serve_one(mut stream: TcpStream, state: &Mutex<State>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 16 * 1024 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&request);
    let mut words = text.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let (status, body) = if method == "GET" && target == PATH {
        let mut s = state.lock().unwrap();
        s.hits += 1;
        if s.status == 200 {
            (200, s.body.clone())
        } else {
            (s.status, r#"{"error":"unavailable"}"#.to_string())
        }
    } else {
        (404, r#"{"error":"not found"}"#.to_string())
    };
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Service Unavailable",
    };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.flush();
}

struct Setup {
    server: JwksServer,
    cluster: Cluster,
    /// Whether the endpoint was fetched within 5 s of the cluster starting, before any test ran.
    fetched_at_start: bool,
}

fn setup() -> &'static Setup {
    static S: OnceLock<Setup> = OnceLock::new();
    S.get_or_init(|| {
        let server = JwksServer::start(jwks(&[Key::Rsa]));
        let cluster = ClusterBuilder::new("jwt-jwks-url")
            .pool(2)
            .setting("budgetbee.jwks_url", &server.url())
            .setting("budgetbee.jwks_refresh_interval", "300")
            .setting("budgetbee.jwks_min_refresh_interval", "0")
            .setting("budgetbee.db_authenticated_role", "authenticated")
            .fixture(FIXTURE)
            .start();
        let fetched_at_start = eventually(WAIT, || server.hits() >= 1);
        Setup {
            server,
            cluster,
            fetched_at_start,
        }
    })
}

/// The tests change what the endpoint serves; they take turns.
static SERIAL: Mutex<()> = Mutex::new(());

fn reload_jwks(c: &Cluster) {
    c.psql("SELECT budgetbee.reload_jwks()");
}

/// Whether every worker has applied a fetch giving `n` keys (`budgetbee.status()`): a check on
/// one request reaches one worker only.
fn every_worker_has(c: &Cluster, n: usize) -> bool {
    c.psql(&format!(
        "SELECT count(*) > 0 AND bool_and(jwks = '{n} keys') FROM budgetbee.status()"
    )) == "t"
}

fn status(c: &Cluster, token: &str) -> u16 {
    get(c, ME, Some(token)).0
}

#[test]
fn the_jwks_is_fetched_at_start() {
    let s = setup();
    assert!(
        s.fetched_at_start,
        "no GET {PATH} within 5 s of start ({} hits)",
        s.server.hits()
    );
}

#[test]
fn rotated_keys_are_picked_up_without_a_restart() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let Setup {
        server, cluster: c, ..
    } = setup();
    let started = c.psql("SELECT pg_postmaster_start_time()");
    server.serve(jwks(&[Key::Rsa]));
    reload_jwks(c);

    let old = asym(
        Algorithm::RS256,
        Key::Rsa,
        &claims(json!({"sub": "old-key"})),
    );
    let new = asym(
        Algorithm::RS256,
        Key::RsaRotated,
        &claims(json!({"sub": "new-key"})),
    );
    assert!(
        eventually(WAIT, || status(c, &old) == 200),
        "old key never accepted: {:?}",
        get(c, ME, Some(&old))
    );
    // The new kid is unknown yet: refetching finds nothing new.
    run(
        c,
        &[
            Check::get("new kid before rotation", ME, Some(&bearer(&new))).jwt_error(
                "PGRST301",
                MSG_KEY,
                Some(NO_SUITABLE_KEY),
            ),
        ],
    );

    // Rotation starts: both keys published. No reload call: the unknown kid triggers a refetch.
    server.serve(jwks(&[Key::RsaRotated, Key::Rsa]));
    assert!(
        eventually(WAIT, || status(c, &new) == 200),
        "new kid never accepted after it was published: {:?}",
        get(c, ME, Some(&new))
    );
    let mut checks = Vec::new();
    for i in 0..4 {
        checks.push(
            Check::get(&format!("overlap: new key #{i}"), ME, Some(&bearer(&new)))
                .ok(r#"[{"role":"authenticated","uid":"new-key"}]"#),
        );
        checks.push(
            Check::get(&format!("overlap: old key #{i}"), ME, Some(&bearer(&old)))
                .ok(r#"[{"role":"authenticated","uid":"old-key"}]"#),
        );
    }
    run(c, &checks);

    // Rotation ends: the old key is withdrawn and a refresh forced. The old token, already
    // accepted (and possibly cached), must stop working on every worker.
    server.serve(jwks(&[Key::RsaRotated]));
    reload_jwks(c);
    assert!(
        eventually(WAIT, || status(c, &old) == 401),
        "old key still accepted after reload_jwks(): {:?}",
        get(c, ME, Some(&old))
    );
    // Idle workers too: reload_jwks() wakes them, so the outage below finds none on the old set.
    assert!(
        eventually(WAIT, || every_worker_has(c, 1)),
        "not every worker refetched after reload_jwks(): {}",
        c.psql("SELECT string_agg(worker || ': ' || jwks, ', ') FROM budgetbee.status()")
    );
    let fresh_old = asym(
        Algorithm::RS256,
        Key::Rsa,
        &claims(json!({"sub": "old-again"})),
    );
    let mut checks = Vec::new();
    for i in 0..4 {
        checks.push(
            Check::get(&format!("after: old token #{i}"), ME, Some(&bearer(&old))).jwt_error(
                "PGRST301",
                MSG_KEY,
                Some(NO_SUITABLE_KEY),
            ),
        );
        checks.push(
            Check::get(
                &format!("after: new old-key token #{i}"),
                ME,
                Some(&bearer(&fresh_old)),
            )
            .jwt_error("PGRST301", MSG_KEY, Some(NO_SUITABLE_KEY)),
        );
        checks.push(
            Check::get(&format!("after: new key #{i}"), ME, Some(&bearer(&new)))
                .ok(r#"[{"role":"authenticated","uid":"new-key"}]"#),
        );
    }
    run(c, &checks);

    // Outage: the endpoint fails; the last good set stays in force. (The forced refetch may
    // happen at once or on the next token; the hit count is checked after the requests.)
    server.fail();
    let before = server.hits();
    reload_jwks(c);
    let unknown = sign(
        Algorithm::RS256,
        Some("bb-not-published"),
        &Key::Rsa.encoding_key(),
        &claims(json!({})),
    );
    let mut checks = vec![
        Check::get("outage: unknown kid", ME, Some(&bearer(&unknown))).jwt_error(
            "PGRST301",
            MSG_KEY,
            Some(NO_SUITABLE_KEY),
        ),
    ];
    for i in 0..4 {
        checks.push(
            Check::get(&format!("outage: new key #{i}"), ME, Some(&bearer(&new)))
                .ok(r#"[{"role":"authenticated","uid":"new-key"}]"#),
        );
        checks.push(
            Check::get(&format!("outage: old key #{i}"), ME, Some(&bearer(&old))).jwt_error(
                "PGRST301",
                MSG_KEY,
                Some(NO_SUITABLE_KEY),
            ),
        );
    }
    let outage = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(c, &checks)));
    let attempted = eventually(WAIT, || server.hits() > before);
    server.serve(jwks(&[Key::RsaRotated]));
    assert!(
        attempted,
        "no fetch of {PATH} after reload_jwks() and requests"
    );
    if let Err(e) = outage {
        std::panic::resume_unwind(e);
    }
    assert_eq!(
        c.psql("SELECT pg_postmaster_start_time()"),
        started,
        "no restart"
    );
}

#[test]
fn periodic_refresh_drops_a_withdrawn_key() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let Setup {
        server, cluster: c, ..
    } = setup();
    server.serve(jwks(&[Key::RsaRotated, Key::Ec256]));
    reload_jwks(c);
    let es = asym(Algorithm::ES256, Key::Ec256, &claims(json!({"sub": "es"})));
    assert!(
        eventually(WAIT, || status(c, &es) == 200),
        "ES256 key never accepted: {:?}",
        get(c, ME, Some(&es))
    );

    c.psql("ALTER SYSTEM SET budgetbee.jwks_refresh_interval = 1");
    c.psql("SELECT pg_reload_conf()");
    // The issue: "refreshed every jwks_refresh_interval seconds". With no API traffic at all
    // the endpoint keeps being fetched. (A worker that only refreshes when a token arrives
    // fails this part and passes the next.)
    std::thread::sleep(Duration::from_millis(500));
    let before = server.hits();
    let background = eventually(Duration::from_secs(6), || server.hits() >= before + 2);
    let idle_hits = server.hits() - before;
    // Withdraw the key; no reload_jwks(), and its kid is still known (no kid-miss refetch), so
    // only the periodic refresh can drop it.
    server.serve(jwks(&[Key::RsaRotated]));
    // Each worker refreshes on its own clock: wait until four requests in a row (whichever
    // workers take them) refuse the key.
    let dropped = eventually(Duration::from_secs(6), || {
        (0..4).all(|_| status(c, &es) == 401)
    });
    // Two more refresh intervals: by then every worker has fetched the new set.
    std::thread::sleep(Duration::from_secs(2));
    let last = get(c, ME, Some(&es));

    c.psql("ALTER SYSTEM RESET budgetbee.jwks_refresh_interval");
    c.psql("SELECT pg_reload_conf()");
    let mut problems = Vec::new();
    if !dropped {
        problems.push(format!("withdrawn key still accepted after 6 s: {last:?}"));
    }
    if !background {
        problems.push(format!(
            "{idle_hits} fetch(es) in 6 s idle with jwks_refresh_interval = 1 (want ≥ 2)"
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(
        last,
        (401, error_body("PGRST301", Some(NO_SUITABLE_KEY), MSG_KEY))
    );
}

/// The issuer is down when the workers start (the database usually comes up before the web
/// app): the first token after it is back fetches the keys there and then, instead of waiting
/// for the retry or `jwks_min_refresh_interval` (10 s by default, kept here). While it is down,
/// tokens ask again at most once a second, so a burst does not hammer the issuer.
#[test]
fn an_issuer_down_at_start_is_asked_again_by_the_first_token() {
    let server = JwksServer::start(jwks(&[Key::Rsa]));
    server.fail();
    let c = ClusterBuilder::new("jwt-jwks-url-late")
        .pool(1)
        .setting("budgetbee.jwks_url", &server.url())
        .setting("budgetbee.db_authenticated_role", "authenticated")
        .fixture(FIXTURE)
        .start();
    assert!(
        eventually(WAIT, || server.hits() >= 1),
        "the JWKS was not asked for at start"
    );
    let token = asym(Algorithm::RS256, Key::Rsa, &claims(json!({"sub": "late"})));

    let before = server.hits();
    let refused: Vec<u16> = (0..5).map(|_| status(&c, &token)).collect();
    assert_eq!(refused, [500; 5], "no key to verify with yet");
    assert!(
        server.hits() - before <= 2,
        "5 tokens in a burst asked {} times",
        server.hits() - before
    );

    server.serve(jwks(&[Key::Rsa]));
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(
        get(&c, ME, Some(&token)),
        (
            200,
            r#"[{"role":"authenticated","uid":"late"}]"#.to_string()
        ),
        "the first token after the issuer is back is accepted"
    );
}
