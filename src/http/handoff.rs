//! Handing a request to an idle sibling. A keep-alive connection stays with the worker that
//! accepted it, so a request arriving on it while that worker's main thread is busy (or has
//! others queued) would wait behind them although siblings sit idle. Instead its I/O thread
//! relays it, unchanged, over a Unix socket to an idle sibling's I/O thread and relays the
//! answer back (streamed bodies included); the client's connection does not move.
//!
//! A sibling seen idle may have taken work of its own by the time the relay arrives: then it
//! refuses at once (`RELAY_HEADER: busy`, before queueing anything), and the request, whose body
//! was read whole first, goes to another idle sibling or, failing that, waits here as before.
//! A relayed request is never relayed again. A busy sibling that claimed a request (see
//! `worker::line`) is offered that one request, and takes it.
//!
//! Each worker listens on `pg_stat_tmp/budgetbee.worker.<n>.sock` in the data directory (every
//! backend's working directory, mode 0700, so only the server's OS user can connect; in
//! pg_stat_tmp, whose contents pg_basebackup skips, so standbys made from it do not copy them).

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::time::{Duration, Instant};

/// Who sent a relayed request; set by the relaying worker, trusted only on the Unix socket and
/// removed before the request is parsed (it never reaches `request.headers`).
pub const PEER_HEADER: &str = "budgetbee-relayed-for";

/// On a relayed answer: `busy`, the sibling could not serve it at once and did not take it.
const RELAY_HEADER: &str = "budgetbee-relay";

/// On a relayed request: how long it has waited already (µs), so that it keeps its place and
/// its deadline; trusted only on the Unix socket, like PEER_HEADER.
pub const WAITED_HEADER: &str = "budgetbee-waited-us";

/// On a relayed request: the sibling claimed it (see `worker::line`), and takes it although
/// busy. Its value is the claimant's index.
pub const CLAIM_HEADER: &str = "budgetbee-claimed-by";

/// What a relayed request says of itself on the Unix socket: who sent it, how long it has
/// waited, and whether this worker (`index`) claimed it.
pub struct Relayed {
    pub peer: Option<std::net::IpAddr>,
    pub waited: Duration,
    pub claimed: bool,
}

impl Relayed {
    pub fn read(headers: &hyper::HeaderMap, index: i32) -> Relayed {
        let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        Relayed {
            peer: get(PEER_HEADER).and_then(|v| v.parse().ok()),
            waited: Duration::from_micros(
                get(WAITED_HEADER).and_then(|v| v.parse().ok()).unwrap_or(0),
            ),
            claimed: get(CLAIM_HEADER).and_then(|v| v.parse().ok()) == Some(index),
        }
    }

    /// Whether a request header is one of these (removed before the request is parsed).
    pub fn is_ours(name: &str) -> bool {
        [PEER_HEADER, WAITED_HEADER, CLAIM_HEADER].contains(&name)
    }
}

/// How long a request waits for its worker to take it before an idle sibling may, and how
/// often it looks again: most requests take a millisecond or two, and relaying costs CPU both
/// workers could spend serving (measured under saturation, relaying at once lowered
/// throughput). The request waits in its worker's queue meanwhile.
pub const AFTER: Duration = Duration::from_millis(5);

/// One timer for the I/O thread, ticking every AFTER while a request that may be relayed waits,
/// instead of one timer per request: most requests are answered long before AFTER, and each
/// timer that became the earliest cost the thread a wake-up of its own (an eventfd write and
/// an extra `epoll_wait`). A request looks for a sibling at the first tick AFTER its queueing,
/// so at AFTER to twice AFTER, then at every tick.
pub struct Ticks {
    tx: tokio::sync::watch::Sender<u64>,
    wanted: tokio::sync::Notify,
}

impl Ticks {
    pub fn new() -> std::sync::Arc<Ticks> {
        std::sync::Arc::new(Ticks {
            tx: tokio::sync::watch::Sender::new(0),
            wanted: tokio::sync::Notify::new(),
        })
    }

    /// The ticks, for as long as the receiver lives.
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        let rx = self.tx.subscribe();
        self.wanted.notify_one();
        rx
    }

    /// The I/O thread's ticking task: idle while nobody subscribes.
    pub async fn run(self: std::sync::Arc<Ticks>) {
        let mut every = tokio::time::interval(AFTER);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            if self.tx.receiver_count() == 0 {
                // A subscription since the count was read left its permit: no tick is missed.
                self.wanted.notified().await;
                every.reset();
            }
            every.tick().await;
            self.tx.send_modify(|n| *n = n.wrapping_add(1));
        }
    }
}

/// How many idle siblings a request is offered to before it waits for its own worker.
const ATTEMPTS: usize = 3;

/// How long a request waits for its worker before an idle sibling takes it even with every
/// core busy: its worker may be waiting for a lock or a slow disk while other processes
/// keep the cores busy.
const AFTER_ALL_BUSY: Duration = Duration::from_millis(100);

/// Whether a request that has `waited` for its worker should go to an idle sibling that has
/// not claimed it: once a core is free to run it, or after `AFTER_ALL_BUSY`. With every core
/// busy, a sibling would only share a core with the worker the request waits for, and the
/// relay costs both I/O threads work of their own: on 2 cores, rounds of the list and the
/// chart with relays gave 0.87–0.98× pgbench, without 1.05–1.21×.
pub fn worth_relaying(waited: Duration) -> bool {
    waited >= AFTER_ALL_BUSY || core_free()
}

/// Whether fewer threads besides the asking one are runnable on the machine (the kernel's
/// count in `/proc/loadavg`, which counts the asking one too) than it has cores. Read at most
/// once a millisecond per I/O thread, since every request waiting there looks at the same tick;
/// where the count cannot be read, a core counts as free (relays as before the rule). The file
/// stays open: a read at offset 0 makes the kernel write it afresh, one system call where
/// opening and reading it again took five (about 400 opens a second in a mixed load).
fn core_free() -> bool {
    use std::os::unix::fs::FileExt;
    thread_local! {
        static LAST: std::cell::Cell<Option<(Instant, bool)>> =
            const { std::cell::Cell::new(None) };
        static LOADAVG: Option<std::fs::File> = std::fs::File::open("/proc/loadavg").ok();
    }
    let now = Instant::now();
    if let Some((at, free)) = LAST.get()
        && now.duration_since(at) < Duration::from_millis(1)
    {
        return free;
    }
    let free = LOADAVG
        .with(|file| {
            let mut line = [0u8; 128];
            let n = file.as_ref()?.read_at(&mut line, 0).ok()?;
            runnable(std::str::from_utf8(&line[..n]).ok()?)
        })
        .is_none_or(|n| n <= cores());
    LAST.set(Some((now, free)));
    free
}

/// The runnable threads in `/proc/loadavg` ("0.52 0.58 0.59 3/467 12345": 3).
fn runnable(loadavg: &str) -> Option<usize> {
    loadavg
        .split_whitespace()
        .nth(3)?
        .split('/')
        .next()?
        .parse()
        .ok()
}

/// The machine's online cores. The runnable count is the whole machine's, so the cores
/// compared with it are too: in a container with a CPU quota, other containers' threads count
/// as runnable, and comparing them with the quota would leave every request waiting 100 ms.
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| {
        std::fs::read_to_string("/proc/stat")
            .ok()
            .map(|stat| online_cpus(&stat))
            .filter(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    })
}

/// The `cpu<n>` lines of `/proc/stat` (after the machine's total, `cpu `).
fn online_cpus(stat: &str) -> usize {
    stat.lines()
        .filter(|l| {
            l.strip_prefix("cpu")
                .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()))
        })
        .count()
}

pub fn socket_path(index: i32) -> String {
    format!("pg_stat_tmp/budgetbee.worker.{index}.sock")
}

/// This worker's Unix listener; a stale file from a worker that died is replaced.
pub fn bind(index: i32) -> std::io::Result<tokio::net::UnixListener> {
    let path = socket_path(index);
    let _ = std::fs::create_dir_all("pg_stat_tmp");
    let _ = std::fs::remove_file(&path);
    tokio::net::UnixListener::bind(path)
}

/// `budgetbee.server_hand_off`.
pub fn enabled() -> bool {
    crate::config::HAND_OFF.load(std::sync::atomic::Ordering::Relaxed)
}

/// The sibling's refusal of a relayed request it cannot serve at once.
pub fn busy() -> hyper::Response<Full<Bytes>> {
    let mut r = hyper::Response::new(Full::new(Bytes::new()));
    *r.status_mut() = hyper::StatusCode::SERVICE_UNAVAILABLE;
    r.headers_mut().insert(
        RELAY_HEADER,
        hyper::header::HeaderValue::from_static("busy"),
    );
    r
}

/// Aborts the relay's connection task when dropped: a client that hangs up drops its
/// request's future or body, which closes the Unix connection, which the sibling sees as its
/// client hanging up (and cancels the query).
pub struct Relay(tokio::task::JoinHandle<()>);

impl Drop for Relay {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The request as read: what is relayed, as often as it takes.
pub struct Relayable<'a> {
    pub parts: &'a hyper::http::request::Parts,
    pub body: &'a Bytes,
    pub peer: std::net::IpAddr,
    /// When it was first queued here.
    pub queued: Instant,
    /// The sibling that claimed it, if one did.
    pub claimed_by: Option<i32>,
}

impl Relayable<'_> {
    fn request(&self) -> hyper::Request<Full<Bytes>> {
        let mut req = hyper::Request::new(Full::new(self.body.clone()));
        *req.method_mut() = self.parts.method.clone();
        *req.uri_mut() = self.parts.uri.clone();
        *req.headers_mut() = self.parts.headers.clone();
        let headers = req.headers_mut();
        // A client's own headers of these names never pass for the relay's.
        headers.remove(CLAIM_HEADER);
        let mut put = |name: &'static str, value: String| {
            if let Ok(v) = hyper::header::HeaderValue::from_str(&value) {
                headers.insert(name, v);
            }
        };
        put(PEER_HEADER, self.peer.to_string());
        put(WAITED_HEADER, self.queued.elapsed().as_micros().to_string());
        if let Some(by) = self.claimed_by {
            put(CLAIM_HEADER, by.to_string());
        }
        req
    }
}

/// Offers the request to idle siblings (`next_idle` names one each time, or none) until one
/// takes it; its answer, with the body still streaming in, or `None` when none took it.
pub async fn offer(
    req: Relayable<'_>,
    mut next_idle: impl FnMut() -> Option<i32>,
) -> Option<(hyper::Response<Incoming>, Relay)> {
    for _ in 0..ATTEMPTS {
        let sibling = next_idle()?;
        let Some((mut sender, relay)) = connect(sibling).await else {
            continue;
        };
        match sender.send_request(req.request()).await {
            Ok(answer) if answer.headers().contains_key(RELAY_HEADER) => continue,
            Ok(answer) => return Some((answer, relay)),
            Err(_) => continue,
        }
    }
    None
}

async fn connect(
    index: i32,
) -> Option<(hyper::client::conn::http1::SendRequest<Full<Bytes>>, Relay)> {
    let stream = tokio::net::UnixStream::connect(socket_path(index))
        .await
        .ok()?;
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .ok()?;
    let task = tokio::spawn(async move {
        let _ = conn.await;
    });
    Some((sender, Relay(task)))
}

/// A relayed answer's body frames, errors made I/O errors as the server's body wants them.
pub fn poll_relayed(
    body: std::pin::Pin<&mut Incoming>,
    cx: &mut std::task::Context<'_>,
) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, std::io::Error>>> {
    hyper::body::Body::poll_frame(body, cx)
        .map(|frame| frame.map(|r| r.map_err(std::io::Error::other)))
}

#[cfg(test)]
mod unit {
    use super::{online_cpus, runnable};

    #[test]
    fn runnable_threads_from_loadavg() {
        assert_eq!(runnable("0.52 0.58 0.59 3/467 12345\n"), Some(3));
        assert_eq!(runnable("0.00 0.01 0.05 12/1024 99"), Some(12));
        assert_eq!(runnable("0.52 0.58 0.59"), None);
        assert_eq!(runnable("0.52 0.58 0.59 x/467 12345"), None);
    }

    #[test]
    fn online_cpus_from_stat() {
        let stat = "cpu  10 0 5 100 0 0 0 0 0 0\ncpu0 5 0 2 50 0 0 0 0 0 0\n\
                    cpu1 5 0 3 50 0 0 0 0 0 0\nintr 1234\nctxt 99\nprocs_running 3\n";
        assert_eq!(online_cpus(stat), 2);
        assert_eq!(online_cpus("intr 1\n"), 0);
    }
}
