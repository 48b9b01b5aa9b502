//! What the workers are doing, in shared memory: one slot per worker (its state, the request
//! it serves, its schema cache and JWKS), request counts and latency histograms by method,
//! route kind and status, and the schema cache and JWT cache counters PostgREST exports. Every
//! field is an atomic, so the I/O threads (`/metrics`, `/ready`) and any backend
//! (`budgetbee.status()`, `budgetbee.request_stats`) read them without a lock, and a worker
//! records a request with a few relaxed additions.

// FFI edge: a struct placed in shared memory by the postmaster.
#![allow(unsafe_code)]

use pgrx::{PGRXSharedMemory, PgAtomic};
use std::sync::atomic::{AtomicI32, AtomicI64, AtomicU8, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

mod claims;

/// Workers with a slot (db_pool may be larger; the others are served but not shown).
pub const MAX_WORKERS: usize = 256;
const PATH_BYTES: usize = 192;
const METHOD_BYTES: usize = 8;

/// Methods counted apart; anything else is "other".
pub const METHODS: [&str; 8] = [
    "GET", "HEAD", "POST", "PATCH", "PUT", "DELETE", "OPTIONS", "other",
];

/// What a request addressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Relation,
    Rpc,
    Root,
    /// A path that is none of those (404 PGRST125).
    Other,
}

impl Route {
    pub const ALL: [Route; 4] = [Route::Relation, Route::Rpc, Route::Root, Route::Other];

    pub fn name(self) -> &'static str {
        match self {
            Route::Relation => "relation",
            Route::Rpc => "rpc",
            Route::Root => "root",
            Route::Other => "other",
        }
    }

    /// The kind of a request path, as PostgREST routes it.
    pub fn of_path(path: &str) -> Route {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match segments.as_slice() {
            [""] | ["openapi.json"] => Route::Root,
            [_] => Route::Relation,
            ["rpc", _] => Route::Rpc,
            _ => Route::Other,
        }
    }
}

/// Statuses counted apart (PostgREST's usual answers); any other is counted as 0, "other".
pub const STATUSES: [u16; 18] = [
    200, 201, 204, 206, 300, 400, 401, 403, 404, 405, 406, 408, 409, 413, 416, 500, 503, 0,
];

/// Upper bounds (seconds) of the latency histogram's buckets; the last bucket is +Inf.
pub const LATENCY_BOUNDS: [f64; 13] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];
const BUCKETS: usize = LATENCY_BOUNDS.len() + 1;

#[repr(C)]
pub struct Cell {
    pub count: AtomicU64,
    pub total_us: AtomicU64,
    pub max_us: AtomicU64,
    /// Requests per latency bucket (not cumulative).
    pub buckets: [AtomicU64; BUCKETS],
}

/// A worker's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Unused = 0,
    Starting = 1,
    Idle = 2,
    Busy = 3,
    Stopping = 4,
}

impl State {
    fn from(n: u32) -> State {
        match n {
            1 => State::Starting,
            2 => State::Idle,
            3 => State::Busy,
            4 => State::Stopping,
            _ => State::Unused,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            State::Unused => "unused",
            State::Starting => "starting",
            State::Idle => "idle",
            State::Busy => "busy",
            State::Stopping => "stopping",
        }
    }
}

#[repr(C)]
pub struct WorkerSlot {
    pid: AtomicI32,
    state: AtomicU32,
    requests: AtomicU64,
    /// Requests handed to the main thread and not started yet.
    waiting: AtomicU32,
    /// Client connections the worker's I/O thread holds open.
    connections: AtomicU32,
    /// Microseconds since the epoch: the main loop's last turn.
    heartbeat_us: AtomicI64,
    request_started_us: AtomicI64,
    schema_generation: AtomicU64,
    schema_loaded_us: AtomicI64,
    jwks_keys: AtomicI32,
    jwks_fetched_us: AtomicI64,
    jwks_failing: AtomicU32,
    /// When the longest-waiting request this worker's main thread has not started was queued
    /// (µs since the epoch, comparable across workers), or 0: as the main thread last saw its
    /// line, or earlier when the I/O thread queued an older one since.
    oldest_waiting_us: AtomicI64,
    /// A sibling's claim on one of those requests: `(its index << 55) | µs`, for a request
    /// queued before then; 0 while none (see `worker::line`).
    claim: AtomicU64,
    /// Seqlock over the current request's method and path: odd while they are written.
    seq: AtomicU64,
    method: [AtomicU8; METHOD_BYTES],
    path_len: AtomicU32,
    path: [AtomicU8; PATH_BYTES],
}

#[repr(C)]
pub struct Stats {
    /// db_pool as registered (PostgREST's pool size).
    pub pool_max: AtomicU32,
    workers: [WorkerSlot; MAX_WORKERS],
    cells: [[[Cell; STATUSES.len()]; Route::ALL.len()]; METHODS.len()],
    pub schema_loads_ok: AtomicU64,
    pub schema_loads_failed: AtomicU64,
    /// The last load's duration, microseconds.
    pub schema_load_us: AtomicU64,
    pub jwt_cache_requests: AtomicU64,
    pub jwt_cache_hits: AtomicU64,
    pub jwt_cache_evictions: AtomicU64,
    /// When `budgetbee.reset_stats()` last ran (or the server started), microseconds.
    pub reset_us: AtomicI64,
    /// Fingerprint of the exposure warnings last logged, so that workers log them once.
    pub exposure_warned: AtomicU64,
    /// Requests answered 504 PGRST003: no worker took them in time.
    pub pool_timeouts: AtomicU64,
}

// SAFETY: only atomics, valid in any process mapping the segment; no pointers.
unsafe impl PGRXSharedMemory for Stats {}

// SAFETY: initialised once by pg_shmem_init! in `_PG_init`, before any worker starts.
pub static STATS: PgAtomic<Stats> = unsafe { PgAtomic::new(c"budgetbee_stats") };

impl Stats {
    /// All zero: every counter empty, every slot unused.
    pub fn zeroed() -> Stats {
        // SAFETY: Stats is atomics only, for which all-zero bytes are a valid value.
        unsafe { std::mem::zeroed() }
    }
}

/// Set by the postmaster once the segment exists; inherited by every process it forks.
static INITIALIZED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The shared-memory value `_PG_init` installs (marking the segment as there).
pub fn initial() -> Stats {
    INITIALIZED.store(true, Ordering::SeqCst);
    let s = Stats::zeroed();
    s.reset_us.store(now_us(), Ordering::Relaxed);
    s
}

/// The shared statistics; outside a server that preloaded budgetbee (unit tests), a private
/// set that nobody else sees.
pub fn stats() -> &'static Stats {
    if INITIALIZED.load(Ordering::Relaxed) {
        STATS.get()
    } else {
        static PRIVATE: std::sync::OnceLock<Box<Stats>> = std::sync::OnceLock::new();
        PRIVATE.get_or_init(|| Box::new(Stats::zeroed()))
    }
}

pub fn now_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64)
}

fn method_index(method: &str) -> usize {
    METHODS
        .iter()
        .position(|m| *m == method)
        .unwrap_or(METHODS.len() - 1)
}

fn status_index(status: u16) -> usize {
    STATUSES
        .iter()
        .position(|s| *s == status)
        .unwrap_or(STATUSES.len() - 1)
}

fn bucket_index(elapsed: Duration) -> usize {
    let s = elapsed.as_secs_f64();
    LATENCY_BOUNDS
        .iter()
        .position(|b| s <= *b)
        .unwrap_or(LATENCY_BOUNDS.len())
}

/// One row of the request statistics.
#[derive(Debug, Clone)]
pub struct CellSnapshot {
    pub method: &'static str,
    pub route: Route,
    /// 0 for the statuses not counted apart.
    pub status: u16,
    pub count: u64,
    pub total_us: u64,
    pub max_us: u64,
    pub buckets: [u64; BUCKETS],
}

impl CellSnapshot {
    /// The latency under which `q` of the requests finished, as the upper bound of the
    /// histogram bucket it falls in (the largest seen for the last bucket).
    pub fn quantile_us(&self, q: f64) -> u64 {
        if self.count == 0 {
            return 0;
        }
        let rank = ((self.count as f64) * q).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= rank {
                return match LATENCY_BOUNDS.get(i) {
                    Some(b) => ((b * 1e6) as u64).min(self.max_us),
                    None => self.max_us,
                };
            }
        }
        self.max_us
    }
}

impl Stats {
    /// Counts one answered request.
    pub fn record(&self, method: &str, route: Route, status: u16, elapsed: Duration) {
        let cell = &self.cells[method_index(method)][route as usize][status_index(status)];
        let us = elapsed.as_micros() as u64;
        cell.count.fetch_add(1, Ordering::Relaxed);
        cell.total_us.fetch_add(us, Ordering::Relaxed);
        cell.max_us.fetch_max(us, Ordering::Relaxed);
        cell.buckets[bucket_index(elapsed)].fetch_add(1, Ordering::Relaxed);
    }

    /// Every (method, route, status) that has counted something.
    pub fn cells(&self) -> Vec<CellSnapshot> {
        let mut out = Vec::new();
        for (m, by_route) in self.cells.iter().enumerate() {
            for (r, by_status) in by_route.iter().enumerate() {
                for (s, cell) in by_status.iter().enumerate() {
                    let count = cell.count.load(Ordering::Relaxed);
                    if count == 0 {
                        continue;
                    }
                    out.push(CellSnapshot {
                        method: METHODS[m],
                        route: Route::ALL[r],
                        status: STATUSES[s],
                        count,
                        total_us: cell.total_us.load(Ordering::Relaxed),
                        max_us: cell.max_us.load(Ordering::Relaxed),
                        buckets: std::array::from_fn(|i| cell.buckets[i].load(Ordering::Relaxed)),
                    });
                }
            }
        }
        out
    }

    /// Empties the request statistics (not the cumulative schema and JWT cache counters).
    pub fn reset(&self) {
        for cell in self.cells.iter().flatten().flatten() {
            cell.count.store(0, Ordering::Relaxed);
            cell.total_us.store(0, Ordering::Relaxed);
            cell.max_us.store(0, Ordering::Relaxed);
            for b in &cell.buckets {
                b.store(0, Ordering::Relaxed);
            }
        }
        self.reset_us.store(now_us(), Ordering::Relaxed);
    }

    /// Worker `index` (1-based, as registered), if it has a slot.
    pub fn worker(&self, index: i32) -> Option<&WorkerSlot> {
        usize::try_from(index - 1)
            .ok()
            .and_then(|i| self.workers.get(i))
    }

    /// Whether every running worker is serving a request (none could take a new one now) and
    /// no running worker holds fewer connections than `mine`: then a worker holding `mine`
    /// may take one more, which keeps connections spread evenly while all are busy.
    pub fn all_busy_and_fewest(&self, mine: u32) -> bool {
        let mut running = 0;
        for w in &self.workers {
            if w.pid.load(Ordering::Relaxed) == 0 {
                continue;
            }
            running += 1;
            if State::from(w.state.load(Ordering::Relaxed)) != State::Busy
                || w.connections.load(Ordering::Relaxed) < mine
            {
                return false;
            }
        }
        running > 0
    }

    /// Whether none of the first `front` workers could put one more connection to good use:
    /// each is gone, or is serving with `least` connections or more, or has been serving one
    /// request for `held_up` already.
    pub fn front_taken(&self, front: usize, least: u32, held_up: Duration) -> bool {
        let started_before = now_us() - held_up.as_micros() as i64;
        self.workers.iter().take(front).all(|w| {
            w.pid.load(Ordering::Relaxed) == 0
                || w.occupied() && (w.connections() >= least || w.serving_since(started_before))
        })
    }

    /// Where front worker `mine` (1-based, one of the first `front`) stands beside the other
    /// front workers that could take a connection now: running, and not serving one request
    /// for `held_up` already.
    pub fn front_standing(&self, mine: i32, front: usize, held_up: Duration) -> Standing {
        let started_before = now_us() - held_up.as_micros() as i64;
        let Some(me) = self.worker(mine) else {
            return Standing::HeldUp;
        };
        if me.serving_since(started_before) {
            return Standing::HeldUp;
        }
        let fewer_elsewhere = self.workers.iter().take(front).enumerate().any(|(i, w)| {
            i as i32 + 1 != mine
                && w.pid.load(Ordering::Relaxed) != 0
                && !w.serving_since(started_before)
                && w.connections() < me.connections()
        });
        if fewer_elsewhere {
            Standing::MoreThanAnother
        } else {
            Standing::AmongFewest
        }
    }

    /// A running worker other than `mine` that could serve a request at once (idle, nothing
    /// queued), looked for from a rotating start so relayed requests spread over the idle ones.
    pub fn idle_sibling(&self, mine: i32) -> Option<i32> {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let start = NEXT.fetch_add(1, Ordering::Relaxed);
        // Only the registered pool's slots: a waiting request looks every few milliseconds.
        let slots = (self.pool_max.load(Ordering::Relaxed) as usize).clamp(1, MAX_WORKERS);
        (0..slots)
            .map(|k| (start + k) % slots)
            .find(|&i| {
                let w = &self.workers[i];
                i as i32 + 1 != mine
                    && w.pid.load(Ordering::Relaxed) != 0
                    && State::from(w.state.load(Ordering::Relaxed)) == State::Idle
                    && w.waiting.load(Ordering::Relaxed) == 0
            })
            .map(|i| i as i32 + 1)
    }

    /// Every slot a worker has used, with its 1-based index.
    pub fn workers(&self) -> Vec<(i32, WorkerStatus)> {
        self.workers
            .iter()
            .enumerate()
            .filter(|(_, w)| w.pid.load(Ordering::Relaxed) != 0)
            .map(|(i, w)| (i as i32 + 1, w.snapshot()))
            .collect()
    }
}

/// A front worker beside the others (`server_front_workers`), for placing a new connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Serving one request for a while already: a new connection would wait behind it.
    HeldUp,
    /// Another front worker that could take it holds fewer connections.
    MoreThanAnother,
    /// No front worker that could take it holds fewer.
    AmongFewest,
}

/// A worker as `budgetbee.status()` shows it.
#[derive(Debug, Clone)]
pub struct WorkerStatus {
    pub pid: i32,
    pub state: State,
    pub requests: u64,
    pub waiting: u32,
    pub connections: u32,
    pub heartbeat_us: i64,
    /// The request in progress (busy only).
    pub current: Option<(String, String, i64)>,
    pub schema_generation: u64,
    pub schema_loaded_us: i64,
    /// Keys from `jwks_url`, when it fetched; `None` when none is configured.
    pub jwks_keys: Option<i32>,
    pub jwks_fetched_us: i64,
    pub jwks_failing: bool,
}

impl WorkerStatus {
    /// The worker's main loop turned within `limit` (a worker stuck or gone is not live).
    pub fn responsive(&self, limit: Duration) -> bool {
        now_us() - self.heartbeat_us <= limit.as_micros() as i64
    }
}

impl WorkerSlot {
    pub fn start(&self, pid: i32) {
        self.requests.store(0, Ordering::Relaxed);
        self.waiting.store(0, Ordering::Relaxed);
        self.connections.store(0, Ordering::Relaxed);
        self.oldest_waiting_us.store(0, Ordering::Relaxed);
        self.claim.store(0, Ordering::Relaxed);
        self.schema_generation.store(0, Ordering::Relaxed);
        self.schema_loaded_us.store(0, Ordering::Relaxed);
        self.jwks_keys.store(-1, Ordering::Relaxed);
        self.heartbeat_us.store(now_us(), Ordering::Relaxed);
        self.state.store(State::Starting as u32, Ordering::Relaxed);
        self.pid.store(pid, Ordering::Release);
    }

    /// The worker exited: its slot is free again.
    pub fn stop(&self) {
        self.state.store(State::Unused as u32, Ordering::Relaxed);
        self.pid.store(0, Ordering::Release);
    }

    pub fn set_state(&self, state: State) {
        self.state.store(state as u32, Ordering::Relaxed);
    }

    pub fn heartbeat(&self) {
        self.heartbeat_us.store(now_us(), Ordering::Relaxed);
    }

    /// The I/O thread handed over a request first queued at `queued_us`.
    pub fn enqueue(&self, queued_us: i64) {
        self.waiting.fetch_add(1, Ordering::Relaxed);
        self.still_waiting(queued_us);
    }

    /// The I/O thread opened (`true`) or closed a client connection.
    pub fn connection(&self, opened: bool) {
        if opened {
            self.connections.fetch_add(1, Ordering::Relaxed);
        } else {
            self.connections
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                    Some(n.saturating_sub(1))
                })
                .ok();
        }
    }

    /// The main thread has been serving one request since before `started_before_us`.
    fn serving_since(&self, started_before_us: i64) -> bool {
        State::from(self.state.load(Ordering::Relaxed)) == State::Busy
            && self.request_started_us.load(Ordering::Relaxed) <= started_before_us
    }

    /// The main thread is serving a request or has some queued: a new one would wait.
    pub fn occupied(&self) -> bool {
        State::from(self.state.load(Ordering::Relaxed)) == State::Busy
            || self.waiting.load(Ordering::Relaxed) > 0
    }

    pub fn connections(&self) -> u32 {
        self.connections.load(Ordering::Relaxed)
    }

    /// A handed-over request the main thread will not serve (its client left, or it timed
    /// out waiting).
    pub fn skip(&self) {
        self.waiting
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                Some(n.saturating_sub(1))
            })
            .ok();
    }

    /// The main thread starts serving a request.
    pub fn begin(&self, method: &str, path: &str) {
        self.waiting
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                Some(n.saturating_sub(1))
            })
            .ok();
        self.seq.fetch_add(1, Ordering::AcqRel);
        let put = |dst: &[AtomicU8], src: &[u8]| {
            for (d, s) in dst.iter().zip(src) {
                d.store(*s, Ordering::Relaxed);
            }
        };
        let method = &method.as_bytes()[..method.len().min(METHOD_BYTES)];
        put(&self.method, method);
        for d in &self.method[method.len()..] {
            d.store(0, Ordering::Relaxed);
        }
        // Cut at a character boundary.
        let mut end = path.len().min(PATH_BYTES);
        while !path.is_char_boundary(end) {
            end -= 1;
        }
        put(&self.path, &path.as_bytes()[..end]);
        self.path_len.store(end as u32, Ordering::Relaxed);
        self.request_started_us.store(now_us(), Ordering::Relaxed);
        self.seq.fetch_add(1, Ordering::AcqRel);
        self.state.store(State::Busy as u32, Ordering::Relaxed);
    }

    pub fn end(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.state.store(State::Idle as u32, Ordering::Relaxed);
    }

    pub fn set_schema(&self, generation: u64) {
        self.schema_generation.store(generation, Ordering::Relaxed);
        self.schema_loaded_us.store(now_us(), Ordering::Relaxed);
    }

    /// `keys`: how many keys the last fetch of `jwks_url` gave, or `None` without one.
    pub fn set_jwks(&self, keys: Option<usize>, fetched_us: i64, failing: bool) {
        self.jwks_keys
            .store(keys.map_or(-1, |k| k as i32), Ordering::Relaxed);
        self.jwks_fetched_us.store(fetched_us, Ordering::Relaxed);
        self.jwks_failing
            .store(u32::from(failing), Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> WorkerStatus {
        let state = State::from(self.state.load(Ordering::Relaxed));
        let current = (state == State::Busy).then(|| self.current()).flatten();
        let keys = self.jwks_keys.load(Ordering::Relaxed);
        WorkerStatus {
            pid: self.pid.load(Ordering::Acquire),
            state,
            requests: self.requests.load(Ordering::Relaxed),
            waiting: self.waiting.load(Ordering::Relaxed),
            connections: self.connections.load(Ordering::Relaxed),
            heartbeat_us: self.heartbeat_us.load(Ordering::Relaxed),
            current,
            schema_generation: self.schema_generation.load(Ordering::Relaxed),
            schema_loaded_us: self.schema_loaded_us.load(Ordering::Relaxed),
            jwks_keys: (keys >= 0).then_some(keys),
            jwks_fetched_us: self.jwks_fetched_us.load(Ordering::Relaxed),
            jwks_failing: self.jwks_failing.load(Ordering::Relaxed) != 0,
        }
    }

    /// The request in progress, read consistently (retried while being rewritten).
    fn current(&self) -> Option<(String, String, i64)> {
        for _ in 0..16 {
            let before = self.seq.load(Ordering::Acquire);
            if before % 2 == 1 {
                std::hint::spin_loop();
                continue;
            }
            let method: Vec<u8> = self
                .method
                .iter()
                .map(|b| b.load(Ordering::Relaxed))
                .take_while(|b| *b != 0)
                .collect();
            let len = (self.path_len.load(Ordering::Relaxed) as usize).min(PATH_BYTES);
            let path: Vec<u8> = self.path[..len]
                .iter()
                .map(|b| b.load(Ordering::Relaxed))
                .collect();
            let started = self.request_started_us.load(Ordering::Relaxed);
            if self.seq.load(Ordering::Acquire) == before {
                return Some((
                    String::from_utf8_lossy(&method).into_owned(),
                    String::from_utf8_lossy(&path).into_owned(),
                    started,
                ));
            }
        }
        None
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn routes_as_postgrest_routes() {
        assert_eq!(Route::of_path("/"), Route::Root);
        assert_eq!(Route::of_path("/openapi.json"), Route::Root);
        assert_eq!(Route::of_path("/transactions"), Route::Relation);
        assert_eq!(Route::of_path("/rpc/f"), Route::Rpc);
        assert_eq!(Route::of_path("/a/b"), Route::Other);
    }

    #[test]
    fn counts_histograms_and_quantiles() {
        let s = Box::new(Stats::zeroed());
        for ms in [1, 2, 3, 4, 200] {
            s.record("GET", Route::Relation, 200, Duration::from_millis(ms));
        }
        s.record("BREW", Route::Other, 418, Duration::from_micros(100));
        let cells = s.cells();
        assert_eq!(cells.len(), 2);
        let get = cells.iter().find(|c| c.method == "GET").unwrap();
        assert_eq!(get.count, 5);
        assert_eq!(get.max_us, 200_000);
        assert_eq!(get.quantile_us(0.5), 5_000);
        assert_eq!(get.quantile_us(0.99), 200_000);
        let other = cells.iter().find(|c| c.method == "other").unwrap();
        assert_eq!(other.status, 0);
        s.reset();
        assert!(s.cells().is_empty());
    }

    #[test]
    fn a_slot_shows_the_request_in_progress() {
        let s = Box::new(Stats::zeroed());
        let w = s.worker(1).unwrap();
        w.start(42);
        w.enqueue(1);
        w.begin("GET", "/transactions?limit=1");
        let st = w.snapshot();
        assert_eq!(st.state, State::Busy);
        assert_eq!(st.waiting, 0);
        let (m, p, _) = st.current.unwrap();
        assert_eq!((m.as_str(), p.as_str()), ("GET", "/transactions?limit=1"));
        w.end();
        assert_eq!(w.snapshot().requests, 1);
        assert!(s.worker(0).is_none());
        assert_eq!(s.workers().len(), 1);
    }
}
