//! The I/O thread: a current-thread tokio runtime running hyper's HTTP/1.1 server with
//! keep-alive. It parses requests into `ApiRequest`s, hands them to the main thread, and writes
//! back whatever comes out. Nothing here may call into Postgres (pgrx would panic).

mod admin;
mod body;
mod cors;
mod handoff;
mod job;
mod lenient;

use crate::api::ApiRequest;
use crate::error::Error;
use crate::response;
use crate::stats::{Standing, WorkerSlot};
use crate::threads::{Abandon, Wake};
use body::{Body, into_hyper};
use bytes::Bytes;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
pub use job::{Chunk, Chunks, Job, JobState, Reply, RequestMeta};
use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::sync::{oneshot, watch};

/// A freshly accepted connection counts as load until it sends its first request (or this much
/// time passes): otherwise a worker could accept several new connections in a burst before any
/// of them makes it busy, and serve them one after another while siblings sit idle.
const FRESH_GRACE: Duration = Duration::from_millis(100);

/// While every worker is busy, a worker still accepts until it holds this many requests and
/// fresh connections, and looks again this often whether that is still so.
const OVERLOAD_QUEUE: usize = 8;
const OVERLOAD_POLL: Duration = Duration::from_millis(20);

/// How many connections each front worker (server_front_workers) holds before the workers
/// behind take new ones. By id at c=64 on 2 cores: 32 + 32 on the two front workers gave p99
/// 4.1-6.6 ms, while 8 each and the rest spread over eight more workers gave 28-147 ms.
const FRONT_HOLDS: usize = 32;

/// How long after a connection arrived a worker behind the front ones keeps looking whether
/// they are held up (see `serve`); a connection waiting longer is the front ones' to take.
const BACKLOG_WATCH: Duration = Duration::from_secs(1);

/// Bound on how long idle keep-alive connections and in-flight requests hold up shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

pub struct IoThread {
    /// The thread's id, whose scheduling policy the main thread sets (`schedule`).
    tid: libc::pid_t,
    shutdown: watch::Sender<bool>,
    finished: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl IoThread {
    /// `admin`: the admin server's socket, when it is on; `slot`: this worker's statistics.
    pub fn spawn(
        socket: std::net::TcpListener,
        admin: Option<std::net::TcpListener>,
        jobs: mpsc::Sender<Job>,
        wake: Arc<Wake>,
        index: i32,
        slot: Option<&'static WorkerSlot>,
        abandon: Abandon,
    ) -> std::io::Result<IoThread> {
        let abandon = Arc::new(abandon);
        let (shutdown, shutdown_rx) = watch::channel(false);
        let finished = Arc::new(AtomicBool::new(false));
        let done = finished.clone();
        let (tid_tx, tid_rx) = mpsc::sync_channel(1);
        let handle = std::thread::Builder::new()
            .name("budgetbee-io".into())
            .spawn(move || {
                let _ = tid_tx.send(crate::threads::thread_id());
                let result = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .and_then(|rt| {
                        rt.block_on(async {
                            if let Some(admin) = admin {
                                tokio::spawn(admin::serve(admin, shutdown_rx.clone()));
                            }
                            // A task, not the future `block_on` polls: waking that one from
                            // another task (each change of load) costs the runtime an extra
                            // turn of its driver (an `epoll_wait`) every time.
                            let accepting = tokio::spawn(serve(
                                socket,
                                jobs,
                                wake.clone(),
                                index,
                                slot,
                                abandon,
                                shutdown_rx,
                            ));
                            accepting
                                .await
                                .unwrap_or_else(|e| Err(std::io::Error::other(e)))
                        })
                    });
                if let Err(e) = result {
                    // Not elog: this thread may not call Postgres. stderr reaches the server log.
                    eprintln!("budgetbee: I/O thread stopped: {e}");
                }
                done.store(true, Ordering::SeqCst);
                wake.notify();
            })?;
        let tid = tid_rx.recv().map_err(std::io::Error::other)?;
        Ok(IoThread {
            tid,
            shutdown,
            finished,
            handle: Some(handle),
        })
    }

    /// `budgetbee.server_batch_scheduling`: the thread under `SCHED_BATCH` or the default policy.
    pub fn schedule(&self, batch: bool) -> std::io::Result<()> {
        crate::threads::set_batch_scheduling(self.tid, batch)
    }

    pub fn begin_shutdown(&self) {
        let _ = self.shutdown.send(true);
    }

    pub fn finished(&self) -> bool {
        self.finished.load(Ordering::SeqCst)
    }

    pub fn join_if_finished(mut self) {
        if self.finished()
            && let Some(h) = self.handle.take()
        {
            let _ = h.join();
        }
    }
}

/// In-flight requests plus fresh connections of this worker. Accepting only while it is zero
/// leaves new connections to idle siblings.
type Load = Arc<watch::Sender<usize>>;

fn add_load(load: &Load) {
    load.send_modify(|n| *n += 1);
}

fn sub_load(load: &Load) {
    load.send_modify(|n| *n = n.saturating_sub(1));
}

/// Releases a fresh connection's load exactly once, whichever comes first.
#[derive(Clone)]
struct Fresh {
    pending: Arc<AtomicBool>,
    load: Load,
}

impl Fresh {
    fn new(load: &Load) -> Fresh {
        add_load(load);
        Fresh {
            pending: Arc::new(AtomicBool::new(true)),
            load: load.clone(),
        }
    }

    fn release(&self) {
        if self.pending.swap(false, Ordering::SeqCst) {
            sub_load(&self.load);
        }
    }
}

struct InFlight(Load);

impl InFlight {
    fn new(load: &Load) -> InFlight {
        add_load(load);
        InFlight(load.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        sub_load(&self.0);
    }
}

async fn serve(
    socket: std::net::TcpListener,
    jobs: mpsc::Sender<Job>,
    wake: Arc<Wake>,
    index: i32,
    slot: Option<&'static WorkerSlot>,
    abandon: Arc<Abandon>,
    mut shutdown: watch::Receiver<bool>,
) -> std::io::Result<()> {
    // The same socket again, only to learn that a connection is waiting without taking it:
    // a worker behind the front ones (server_front_workers) sleeps on it instead of a timer.
    let backlog = backlog_watch(&socket)?;
    let mut arrived: Option<tokio::time::Instant> = None;
    let listener = tokio::net::TcpListener::from_std(socket)?;
    let load: Load = Arc::new(watch::channel(0usize).0);
    let mut load_rx = load.subscribe();
    let graceful = GracefulShutdown::new();
    let handover = Handover {
        jobs,
        wake,
        index,
        slot,
        peer: None,
        abandon,
        ticks: handoff::Ticks::new(),
    };
    tokio::spawn(handover.ticks.clone().run());
    match handoff::bind(index) {
        Ok(relays) => {
            tokio::spawn(serve_relayed(
                relays,
                handover.clone(),
                load.clone(),
                shutdown.clone(),
            ));
        }
        // Not elog: this thread may not call Postgres. stderr reaches the server log.
        Err(e) => eprintln!(
            "budgetbee worker {index}: no hand-off socket ({e}); serving only its own connections"
        ),
    }

    // One timer for the whole loop: a new sleep at each change of load would often be the
    // runtime's earliest timer, and registering that wakes the thread's driver once more.
    let mut poll = tokio::time::interval(OVERLOAD_POLL);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    'accepting: loop {
        // Accept while idle, so that new connections go to idle workers (the front workers
        // below go by the connections they hold instead); and while every worker is busy, up
        // to OVERLOAD_QUEUE requests, so that a waiting request is timed
        // (504 PGRST003 after db_pool_acquisition_timeout) instead of waiting in the kernel's
        // backlog without a bound, but only by a worker holding the fewest connections: a
        // keep-alive connection stays with its worker, and piling them on a few busy workers
        // starves their clients (measured: a c=64 soak gave up 570 requests at four workers).
        let load_now = *load_rx.borrow_and_update();
        let overloaded = load_now > 0
            && load_now <= OVERLOAD_QUEUE
            && slot.is_some_and(|s| crate::stats::stats().all_busy_and_fewest(s.connections()));
        // At server_max_connections, new connections are left to siblings (or the backlog).
        let full = slot.is_some_and(|s| {
            s.connections() as usize
                >= crate::config::MAX_CONNECTIONS.load(std::sync::atomic::Ordering::Relaxed)
        });
        // server_front_workers: a worker behind the first few leaves new connections to them
        // until each holds FRONT_HOLDS or has served one request for handoff::AFTER. A
        // worker holding several connections finds its next request already queued instead of
        // sleeping between requests; 16 connections spread over 9 workers on 2 cores served
        // the by-id read a third slower than over 2 (measured, README's Benchmarks).
        let front = crate::config::FRONT_WORKERS.load(std::sync::atomic::Ordering::Relaxed);
        let in_back = front > 0 && index as usize > front;
        let behind = in_back
            && !crate::stats::stats().front_taken(front, FRONT_HOLDS as u32, handoff::AFTER);
        // Among the front workers, one holding more connections than another leaves the next
        // one to it, and one holding the fewest takes it even while serving: accepting only
        // while idle gave the front worker that happened to be faster at first most of them
        // (2 + 13 after a start, measured), one core's worth of work on one worker.
        let standing = (front > 0 && !in_back)
            .then(|| crate::stats::stats().front_standing(index, front, handoff::AFTER));
        let defer = standing == Some(Standing::MoreThanAnother);
        let packing = standing == Some(Standing::AmongFewest)
            && slot.is_some_and(|s| (s.connections() as usize) < FRONT_HOLDS);
        if full || behind || defer || (load_now > 0 && !overloaded && !packing) {
            // Behind or deferring, it looks again every OVERLOAD_POLL only for BACKLOG_WATCH
            // after a connection arrived (the others may be held up by then), and otherwise
            // sleeps until one does: an idle server's workers stay asleep.
            let watching = (behind || defer)
                && !full
                && load_now == 0
                && arrived.is_none_or(|t| t.elapsed() > BACKLOG_WATCH);
            tokio::select! {
                _ = shutdown.changed() => break 'accepting,
                changed = load_rx.changed() => if changed.is_err() { break 'accepting },
                _ = poll.tick(), if !watching => {}
                ready = backlog.readable(), if watching => {
                    if let Ok(mut ready) = ready {
                        ready.clear_ready();
                    }
                    arrived = Some(tokio::time::Instant::now());
                }
            }
            continue;
        }
        tokio::select! {
            biased;
            _ = shutdown.changed() => break 'accepting,
            _ = load_rx.changed() => continue,
            // A worker behind accepts only while the front ones stay taken: it looks again.
            _ = poll.tick(), if overloaded || in_back => continue,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    let fresh = Fresh::new(&load);
                    let (load2, fresh2) = (load.clone(), fresh.clone());
                    let to = Handover { peer: Some(peer.ip()), ..handover.clone() };
                    let service = service_fn(move |req| {
                        handle(req, to.clone(), load2.clone(), Some(fresh2.clone()))
                    });
                    let conn = graceful.watch(
                        builder().serve_connection(TokioIo::new(lenient::LenientTarget::new(stream)), service),
                    );
                    let on_close = fresh.clone();
                    if let Some(slot) = slot {
                        slot.connection(true);
                    }
                    tokio::spawn(async move {
                        let _ = conn.await;
                        on_close.release();
                        if let Some(slot) = slot {
                            slot.connection(false);
                        }
                    });
                    tokio::spawn(async move {
                        tokio::time::sleep(FRESH_GRACE).await;
                        fresh.release();
                    });
                }
                // EMFILE and friends: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
        }
    }
    drop(listener);
    // Idle keep-alive connections close at once; in-flight requests get SHUTDOWN_GRACE.
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(SHUTDOWN_GRACE) => {}
    }
    Ok(())
}

/// A second registration of the listening socket, readable when a connection waits in its
/// backlog; nothing is ever accepted through it.
#[allow(unsafe_code)] // tokio's registration of a raw fd.
fn backlog_watch(
    socket: &std::net::TcpListener,
) -> std::io::Result<tokio::io::unix::AsyncFd<std::os::fd::OwnedFd>> {
    let fd = std::os::fd::AsFd::as_fd(socket).try_clone_to_owned()?;
    // SAFETY: the OwnedFd is a valid open descriptor (a dup of the listener's), owned by the
    // AsyncFd and closed only when it drops, so it names the same socket all that time.
    Ok(unsafe {
        tokio::io::unix::AsyncFd::register_with_interest(fd, tokio::io::Interest::READABLE)
    }?)
}

/// The HTTP/1.1 server for one connection. hyper answers a head over max_buf_size with 431 and
/// a target over 65,534 bytes with 414, and drops a client whose head takes longer than the
/// timeout (a slowloris), all on this thread without the main thread.
fn builder() -> http1::Builder {
    let relaxed = std::sync::atomic::Ordering::Relaxed;
    let max_head = crate::config::MAX_HEADER_BYTES.load(relaxed);
    let head_timeout = crate::config::HEADER_TIMEOUT_SECS.load(relaxed) as u64;
    let mut b = http1::Builder::new();
    b.timer(TokioTimer::new())
        .keep_alive(true)
        .title_case_headers(true)
        .max_buf_size(max_head)
        .header_read_timeout(Duration::from_secs(head_timeout));
    b
}

/// Requests siblings relay to this worker (see `handoff`), one connection each; they count
/// in this worker's load like its own clients' requests.
async fn serve_relayed(
    relays: tokio::net::UnixListener,
    to: Handover,
    load: Load,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = shutdown.changed() => return,
            accepted = relays.accept() => match accepted {
                Ok((stream, _)) => {
                    let (to, load) = (to.clone(), load.clone());
                    let service = service_fn(move |req| handle(req, to.clone(), load.clone(), None));
                    tokio::spawn(builder().serve_connection(TokioIo::new(stream), service));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
        }
    }
}

/// Where a request goes once read: the main thread's queue, its wake fd, this worker's number
/// and statistics slot, and who sent it (`None`: a sibling relayed it, and says who).
#[derive(Clone)]
struct Handover {
    jobs: mpsc::Sender<Job>,
    wake: Arc<Wake>,
    index: i32,
    slot: Option<&'static WorkerSlot>,
    peer: Option<std::net::IpAddr>,
    abandon: Arc<Abandon>,
    ticks: Arc<handoff::Ticks>,
}

/// Requests numbered per worker (one I/O thread a process).
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Reports request `id` abandoned if dropped before its answer is complete: hyper drops the
/// request's future (or its streamed body) when the client closes the connection.
struct Watch {
    id: u64,
    state: Arc<JobState>,
    abandon: Arc<Abandon>,
    done: bool,
}

impl Drop for Watch {
    fn drop(&mut self) {
        // Not taken yet: never run it. Running: cancel it.
        if !self.done && !self.state.give_up() {
            self.abandon.abandon(self.id);
        }
    }
}

async fn handle(
    req: hyper::Request<Incoming>,
    to: Handover,
    load: Load,
    fresh: Option<Fresh>,
) -> Result<hyper::Response<Body>, Infallible> {
    if let Some(fresh) = fresh {
        fresh.release();
    }
    let relayed = match to.peer {
        Some(_) => None,
        None => Some(handoff::Relayed::read(req.headers(), to.index)),
    };
    if relayed.as_ref().is_some_and(|r| !r.claimed) && to.slot.is_some_and(|s| s.occupied()) {
        // Relayed here as idle, but no longer: refused, so the sibling offers it elsewhere.
        return Ok(handoff::busy().map(Body::Whole));
    }
    let received = std::time::Instant::now();
    let (parts, body) = req.into_parts();
    let head = parts.method == hyper::Method::HEAD;
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .filter(|(k, _)| to.peer.is_some() || !handoff::Relayed::is_ours(k.as_str()))
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let method = parts.method.as_str().to_string();
    let cors = {
        let allowed = crate::config::CORS_ALLOWED_ORIGINS
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        cors::decide(&method, &headers, &allowed)
    };
    let cors_headers = match cors {
        cors::Cors::Preflight(answer) => return Ok(into_hyper(answer.into(), false, None, None)),
        cors::Cors::Actual(extra) => extra,
        cors::Cors::Off => Vec::new(),
    };
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().map(str::to_string);
    let mut meta = RequestMeta {
        target: parts
            .uri
            .path_and_query()
            .map_or_else(|| path.clone(), |pq| pq.as_str().to_string()),
        version: match parts.version {
            hyper::Version::HTTP_10 => "HTTP/1.0",
            _ => "HTTP/1.1",
        },
        peer: to.peer.or(relayed.as_ref().and_then(|r| r.peer)),
        referer: header("referer"),
        user_agent: header("user-agent"),
        received,
        parse: Duration::ZERO,
        queued_us: 0,
        method: method.clone(),
    };
    let body = read_body(&parts.headers, body).await;
    meta.parse = received.elapsed();
    // Queued from now, or as long ago as it waited at the sibling that relayed it.
    let waited = relayed.as_ref().map_or(Duration::ZERO, |r| r.waited);
    let queued = std::time::Instant::now()
        .checked_sub(waited)
        .unwrap_or_else(std::time::Instant::now);
    meta.queued_us = crate::stats::now_us() - waited.as_micros() as i64;
    let meta = Arc::new(meta);
    // A request of this worker's own clients over HTTP/1.1 (what the relay speaks) may be
    // relayed once, if this worker has not taken it after handoff::AFTER.
    let mut relay_from = to
        .peer
        .filter(|_| handoff::enabled() && parts.version == hyper::Version::HTTP_11 && body.is_ok());
    // Every request goes to the main thread, a refused one too, to be logged and counted.
    let in_flight = InFlight::new(&load);
    let unavailable = || Reply::from(response::error(&Error::worker_unavailable(), false));
    // PostgREST's pool acquisition timeout, from the first queueing.
    let deadline = tokio::time::Instant::from_std(queued)
        + Duration::from_secs(
            crate::config::ACQUISITION_TIMEOUT_SECS.load(Ordering::Relaxed) as u64,
        );
    let (mut reply, mut watch) = 'queued: loop {
        let request = match &body {
            Ok(body) => ApiRequest::parse(&method, &path, query.as_deref(), &headers, body.clone())
                .map_err(|e| response::error(&e, false)),
            Err(e) => Err(response::error(e, false)),
        };
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let state = Arc::new(JobState::default());
        let mut watch = Watch {
            id,
            state: state.clone(),
            abandon: to.abandon.clone(),
            done: false,
        };
        let (reply, answer) = oneshot::channel();
        let job = Job {
            id,
            state: state.clone(),
            request,
            meta: meta.clone(),
            reply,
        };
        if to.jobs.send(job).is_err() {
            break (unavailable(), watch);
        }
        if let Some(slot) = to.slot {
            slot.enqueue(meta.queued_us);
        }
        to.wake.nudge();
        tokio::pin!(answer);
        let waiting_since = tokio::time::Instant::now();
        // Only a request that may be relayed keeps the ticker going while it waits.
        let mut ticks = None;
        // While its worker has not taken it, look every handoff::AFTER for an idle sibling: a
        // sibling that frees up takes requests waiting behind others' slow ones.
        while let Some(peer) = relay_from
            && tokio::time::Instant::now() + handoff::AFTER < deadline
        {
            let ticks = ticks.get_or_insert_with(|| to.ticks.subscribe());
            tokio::select! {
                answered = &mut answer => break 'queued (answered.unwrap_or_else(|_| unavailable()), watch),
                changed = ticks.changed() => if changed.is_err() { break },
            }
            if waiting_since.elapsed() < handoff::AFTER {
                continue;
            }
            if let Some(slot) = to.slot {
                slot.still_waiting(meta.queued_us);
            }
            // A sibling that claimed a request queued this early (see `worker::line`), or
            // else any idle one, once a core is free to run it (or it has waited long). The
            // idle sibling is looked for first: it is in shared memory, the core rule may read
            // /proc, and with every worker busy there is nobody to relay to anyway.
            let claimed = to.slot.is_some_and(|s| s.claimed(meta.queued_us));
            let unclaimed_may_go = || {
                crate::stats::stats().idle_sibling(to.index).is_some()
                    && handoff::worth_relaying(waiting_since.elapsed())
            };
            if !claimed && !unclaimed_may_go() || !state.take_back() {
                continue;
            }
            watch.done = true;
            if let Some(slot) = to.slot {
                slot.forget_oldest(meta.queued_us);
            }
            let claimed_by = to
                .slot
                .filter(|_| claimed)
                .and_then(|s| s.take_claim(meta.queued_us));
            if claimed && claimed_by.is_none() {
                // Another request here got the claim first: queued again, in its place.
                continue 'queued;
            }
            relay_from = None;
            let offered = handoff::Relayable {
                parts: &parts,
                body: body.as_ref().expect("relayable bodies were read"),
                peer,
                queued,
                claimed_by,
            };
            let mut claimant = claimed_by;
            let next = move || match claimed_by {
                Some(_) => claimant.take(),
                None => crate::stats::stats().idle_sibling(to.index),
            };
            if let Some((answer, relay)) = handoff::offer(offered, next).await {
                // The sibling answered CORS, logged and counted it.
                return Ok(answer.map(|body| Body::Relayed {
                    body,
                    _relay: relay,
                }));
            }
            // No sibling took it after all: back into this worker's queue, for good.
            continue 'queued;
        }
        let reply = tokio::select! {
            answered = &mut answer => answered.unwrap_or_else(|_| unavailable()),
            _ = tokio::time::sleep_until(deadline) => {
                if state.give_up() {
                    // PostgREST's pool acquisition timeout; the main thread will skip it.
                    watch.done = true;
                    if let Some(slot) = to.slot {
                        slot.forget_oldest(meta.queued_us);
                    }
                    crate::stats::stats().pool_timeouts.fetch_add(1, Ordering::Relaxed);
                    Reply::from(response::error(&Error::pool_timeout(), false))
                } else {
                    // Taken in time: it runs as long as it runs (statement_timeout bounds it).
                    answer.await.unwrap_or_else(|_| unavailable())
                }
            }
        };
        break (reply, watch);
    };
    reply.response.headers.extend(cors_headers);
    // A streamed body is still being produced: the watch goes with it.
    let watch = if reply.stream.is_some() && !head {
        Some(watch)
    } else {
        watch.done = true;
        None
    };
    Ok(into_hyper(reply, head, Some(in_flight), watch))
}

/// `budgetbee.server_hand_off`: whether requests move between workers at all.
pub fn hand_off_enabled() -> bool {
    handoff::enabled()
}

/// How long a client may take to send its body once the headers arrived.
const BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// The request body, bounded by `budgetbee.server_max_body_bytes`: a declared length over the
/// limit is refused before reading anything, a body that grows past it as soon as it does, and
/// one that stops arriving after BODY_TIMEOUT.
async fn read_body(headers: &hyper::HeaderMap, body: Incoming) -> Result<Bytes, Error> {
    use http_body_util::{BodyExt, Limited};
    let limit = crate::config::MAX_BODY_BYTES.load(std::sync::atomic::Ordering::Relaxed);
    let declared = headers
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(Error::payload_too_large(limit));
    }
    match tokio::time::timeout(BODY_TIMEOUT, Limited::new(body, limit).collect()).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
            Err(Error::payload_too_large(limit))
        }
        Ok(Err(e)) => Err(Error::invalid_body(&format!(
            "Error reading the request body: {e}"
        ))),
        Err(_) => Err(Error::body_timeout(BODY_TIMEOUT.as_secs())),
    }
}
