//! Background workers, the top floor: registration at postmaster start, and each worker's main
//! loop, which runs every request through the stages (`request`).
//!
//! A worker is two threads. The I/O thread (see `http`) speaks HTTP; the main thread is the only
//! one that touches Postgres. Jobs go over a channel, and an eventfd wakes the main thread, which
//! sleeps in `WaitLatchOrSocket` so SIGTERM, SIGHUP and postmaster death still wake it.

// FFI edge: the background worker's entry point and wait loop.
#![allow(unsafe_code)]

mod cancel;
mod line;
mod listener;
mod outlet;
mod request;

use crate::config::{Config, LogLevel};
use crate::error::Error;
use crate::exec;
use crate::http::{self, Job, RequestMeta};
use crate::response::Response;
use crate::stats::{self, Route, State, WorkerSlot};
use crate::threads::Wake;
use pgrx::bgworkers::{
    BackgroundWorker, BackgroundWorkerBuilder, BgWorkerStartTime, SignalWakeFlags,
};
use pgrx::prelude::*;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a worker keeps serving in-flight requests after SIGTERM before it exits anyway.
/// `pg_ctl stop -m fast` waits for workers, so this bounds shutdown time.
const DRAIN_LIMIT: Duration = Duration::from_secs(3);

/// Called from `_PG_init` in the postmaster: bind the socket, register `db_pool` workers.
pub fn register() {
    let cfg = Config::load();
    let addr = match listener::bind(listener::Socket::Api, &cfg.server_host, cfg.server_port) {
        Ok(addr) => addr,
        Err(e) => {
            warning!(
                "budgetbee: could not listen on {}:{}: {e}; the HTTP API is disabled until the server restarts",
                cfg.server_host,
                cfg.server_port
            );
            return;
        }
    };
    log!(
        "budgetbee: listening on http://{addr} with {} workers",
        cfg.db_pool
    );
    if cfg.admin_server_port > 0 {
        match listener::bind(
            listener::Socket::Admin,
            &cfg.server_host,
            cfg.admin_server_port,
        ) {
            Ok(admin) => log!("budgetbee: admin server listening on http://{admin}"),
            Err(e) => warning!(
                "budgetbee: could not listen on {}:{} for the admin server: {e}",
                cfg.server_host,
                cfg.admin_server_port
            ),
        }
    }

    // SAFETY: reads a GUC global in the postmaster during `_PG_init`.
    let max_workers = unsafe { pg_sys::max_worker_processes };
    if cfg.db_pool > max_workers {
        warning!(
            "budgetbee: budgetbee.db_pool = {} but max_worker_processes = {max_workers}; only part of the pool can start",
            cfg.db_pool
        );
    }
    for i in 1..=cfg.db_pool {
        BackgroundWorkerBuilder::new(&format!("budgetbee worker {i}"))
            .set_type("budgetbee")
            .set_library("budgetbee")
            .set_function("budgetbee_worker_main")
            .set_argument(i.into_datum())
            .enable_spi_access()
            // A hot standby serves reads as soon as it is consistent, not only once promoted.
            .set_start_time(BgWorkerStartTime::ConsistentState)
            .set_restart_time(Some(Duration::from_secs(2)))
            .load();
    }
}

#[pg_guard]
#[unsafe(no_mangle)]
pub extern "C-unwind" fn budgetbee_worker_main(arg: pg_sys::Datum) {
    // SAFETY: the datum is the Int32 this worker was registered with.
    let index = unsafe { i32::from_datum(arg, false) }.unwrap_or(0);
    let Some(socket) = listener::take_inherited(listener::Socket::Api) else {
        // Registered only after a successful bind, so this is a restart after the postmaster
        // lost the socket; nothing to serve.
        warning!("budgetbee worker {index}: no listening socket inherited; exiting");
        return;
    };
    let admin = listener::take_inherited(listener::Socket::Admin);
    let wake = Arc::new(Wake::new().unwrap_or_else(|e| panic!("budgetbee: eventfd: {e}")));
    let (jobs_tx, jobs_rx) = mpsc::channel::<Job>();
    let slot = stats::stats().worker(index);
    stats::stats().pool_max.store(
        u32::try_from(Config::load().db_pool).unwrap_or(0),
        std::sync::atomic::Ordering::Relaxed,
    );
    if let Some(slot) = slot {
        // SAFETY: reads this process's pid, set before any extension code runs.
        slot.start(unsafe { pg_sys::MyProcPid });
    }

    // Before the I/O thread exists: it may report a hung-up client at once.
    cancel::install();
    // The I/O thread must exist before signals are unblocked, so it inherits the fully blocked
    // mask and SIGTERM/SIGHUP/SIGINT are always delivered to this (main) thread.
    let abandon = crate::threads::Abandon::for_this_thread();
    let io = http::IoThread::spawn(socket, admin, jobs_tx, wake.clone(), index, slot, abandon)
        .unwrap_or_else(|e| panic!("budgetbee: could not start the I/O thread: {e}"));
    BackgroundWorker::attach_signal_handlers(SignalWakeFlags::SIGHUP | SignalWakeFlags::SIGTERM);

    let mut cfg = Config::load();
    schedule(&io, index, &cfg, None);
    BackgroundWorker::connect_worker_to_spi(Some(&cfg.database), Some(&cfg.authenticator));
    // Log lines and pg_stat_activity name the workers (log_line_prefix's %a).
    // SAFETY: the main thread, connected, outside any transaction; both strings are static.
    unsafe {
        pg_sys::SetConfigOption(
            c"application_name".as_ptr(),
            c"budgetbee".as_ptr(),
            pg_sys::GucContext::PGC_USERSET,
            pg_sys::GucSource::PGC_S_SESSION,
        );
    }
    crate::schema::watch_catalog();
    crate::auth::set_waker(wake.clone());
    crate::auth::tick(&cfg);
    let mut refusal = privileged(index, &cfg, None);
    request::warm_up(&cfg);
    // What loading the schema cache freed goes back too, so a worker at rest is at rest.
    let mut trim = IdleTrim::default();
    trim.worked();
    if let Some(slot) = slot {
        slot.set_schema(crate::schema::loaded_generation());
        slot.set_state(State::Idle);
    }

    let mut line = line::Line::default();
    let mut held = Held::default();
    let mut draining_since: Option<Instant> = None;
    let mut recheck = Instant::now() + PRIVILEGE_RECHECK;
    loop {
        // The timeout also paces background chores (JWKS refresh) while idle.
        let timeout = Duration::from_millis(if draining_since.is_some() { 100 } else { 1000 });
        wait(&wake, timeout, || line.take_in(&jobs_rx));

        if BackgroundWorker::sighup_received() {
            // SAFETY: what a backend does on SIGHUP, outside any transaction.
            unsafe { pg_sys::ProcessConfigFile(pg_sys::GucContext::PGC_SIGHUP) };
            let before = cfg.server_batch_scheduling;
            cfg = Config::load();
            schedule(&io, index, &cfg, Some(before));
            crate::schema::mark_stale();
            // Reloaded now rather than by the next request, which would wait for it (tens of
            // milliseconds) and look held up to the I/O threads placing connections.
            request::warm_up(&cfg);
            refusal = privileged(index, &cfg, refusal.as_ref());
        }
        if BackgroundWorker::sigterm_received() && draining_since.is_none() {
            io.begin_shutdown();
            draining_since = Some(Instant::now());
            if let Some(slot) = slot {
                slot.set_state(State::Stopping);
            }
        }

        crate::auth::tick(&cfg);
        if let Some(slot) = slot {
            slot.heartbeat();
            let (keys, fetched, failing) = crate::auth::jwks_status();
            slot.set_jwks(keys, fetched, failing);
        }
        if refusal.is_some() && Instant::now() >= recheck {
            // Refusing: see every few seconds whether the role was fixed.
            refusal = privileged(index, &cfg, refusal.as_ref());
            recheck = Instant::now() + PRIVILEGE_RECHECK;
        }
        loop {
            line.take_in(&jobs_rx);
            if slot.is_some() && crate::http::hand_off_enabled() {
                line.claim_older(index, &jobs_rx, &wake, |w, t, r| wait(w, t, r));
            }
            let Some(job) = line.next(slot) else { break };
            // Held answers wait only for small writes to tables served right after them,
            // usually as short as theirs: not for a read, a function or a bulk load.
            if !line::plain_write(&job) || held.full() {
                held.release();
            }
            serve(job, &cfg, slot, refusal.as_ref(), &mut held);
            trim.worked();
        }
        held.release();
        trim.if_idle();

        if let Some(since) = draining_since
            && (io.finished() || since.elapsed() > DRAIN_LIMIT)
        {
            break;
        }
    }
    io.join_if_finished();
    if let Some(slot) = slot {
        slot.stop();
    }
    log!("budgetbee worker {index}: shut down");
    // Exit code 1 so that a worker stopped on its own (pg_terminate_backend) is restarted; during
    // a server shutdown nothing is restarted anyway.
    // SAFETY: the worker's normal exit; nothing of ours is left to drop.
    unsafe { pg_sys::proc_exit(1) };
}

/// Sleeps until the I/O thread wakes this thread, a signal or the postmaster's death sets the
/// latch, or `timeout` passes, unless `ready` (taking in the queue) finds work first; then
/// handles interrupts. Called only between requests.
fn wait(wake: &Wake, timeout: Duration, ready: impl FnOnce() -> bool) {
    let timeout = timeout.as_millis().clamp(1, i64::MAX as u128) as std::ffi::c_long;
    // SAFETY: main thread; the set lives as long as the process and holds the worker's own
    // latch and the eventfd, which outlives every wait.
    wake.sleep_unless(ready, || unsafe {
        let mut event = pg_sys::WaitEvent::default();
        pg_sys::WaitEventSetWait(
            wait_set(wake),
            timeout,
            &mut event,
            1,
            pg_sys::PG_WAIT_EXTENSION,
        );
        pg_sys::ResetLatch(pg_sys::MyLatch);
    });
    exec::transaction::drop_stale_cancel();
    pg_sys::check_for_interrupts!();
}

thread_local! {
    static WAIT_SET: std::cell::Cell<*mut pg_sys::WaitEventSet> =
        const { std::cell::Cell::new(std::ptr::null_mut()) };
}

/// The latch, the eventfd and postmaster death, in one set made once: `WaitLatchOrSocket`
/// builds and frees an epoll set on every call, three extra system calls per request.
///
/// # Safety
/// Main thread only; `wake` is the worker's one eventfd, alive until the process exits.
unsafe fn wait_set(wake: &Wake) -> *mut pg_sys::WaitEventSet {
    WAIT_SET.with(|cell| {
        if cell.get().is_null() {
            // SAFETY: as the caller promises; the set is never freed, so it needs no owner.
            unsafe {
                #[cfg(feature = "pg15")]
                let set = pg_sys::CreateWaitEventSet(pg_sys::TopMemoryContext, 3);
                #[cfg(not(feature = "pg15"))]
                let set = pg_sys::CreateWaitEventSet(std::ptr::null_mut(), 3);
                let none = pg_sys::PGINVALID_SOCKET;
                let nothing = std::ptr::null_mut();
                pg_sys::AddWaitEventToSet(set, pg_sys::WL_LATCH_SET, none, pg_sys::MyLatch, nothing);
                pg_sys::AddWaitEventToSet(set, pg_sys::WL_EXIT_ON_PM_DEATH, none, nothing.cast(), nothing);
                pg_sys::AddWaitEventToSet(set, pg_sys::WL_SOCKET_READABLE, wake.fd(), nothing.cast(), nothing);
                cell.set(set);
            }
        }
        cell.get()
    })
}

/// How long a worker goes without a request before it gives freed memory back.
const IDLE_TRIM: Duration = Duration::from_secs(2);

/// Gives the heap's free pages back to the system once a worker has gone idle after serving.
/// glibc keeps what requests freed (the I/O thread's arena, Postgres's freed contexts) mapped,
/// so without this a worker's memory after a burst of load stays at the burst's high-water
/// mark; the catalog caches and kept plans, which are in use, stay.
#[derive(Default)]
struct IdleTrim {
    last_work: Option<Instant>,
}

impl IdleTrim {
    fn worked(&mut self) {
        self.last_work = Some(Instant::now());
    }

    /// Once per idle spell: `malloc_trim` walks every arena's free list, a few hundred
    /// microseconds that a busy worker must not pay per request.
    fn if_idle(&mut self) {
        if self.last_work.is_some_and(|t| t.elapsed() >= IDLE_TRIM) {
            self.last_work = None;
            // SAFETY: glibc's malloc_trim takes no pointers and is thread-safe.
            unsafe { libc::malloc_trim(0) };
        }
    }
}

/// Applies `server_batch_scheduling` to the I/O thread, at start and when a reload changes it
/// (`before`: the value until the reload). A refusal is no reason to stop serving.
fn schedule(io: &http::IoThread, index: i32, cfg: &Config, before: Option<bool>) {
    let batch = cfg.server_batch_scheduling;
    if before == Some(batch) {
        return;
    }
    if let Err(e) = io.schedule(batch) {
        warning!(
            "budgetbee worker {index}: could not put the I/O thread under {}: {e}",
            if batch { "SCHED_BATCH" } else { "the default scheduling policy" }
        );
    }
}

/// How often a refusing worker looks at its role again.
const PRIVILEGE_RECHECK: Duration = Duration::from_secs(5);

/// Whether the worker must refuse to serve: its login role is a superuser or has BYPASSRLS and
/// `allow_privileged_authenticator` is off. Says so (or that it serves again) when that changes
/// from `before`; an allowed privileged role gets a warning.
fn privileged(index: i32, cfg: &Config, before: Option<&Error>) -> Option<Error> {
    let Some(what) = exec::session_privilege() else {
        if before.is_some() {
            log!(
                "budgetbee worker {index}: serving again: \"{}\" is no longer privileged",
                cfg.authenticator
            );
        }
        return None;
    };
    if cfg.allow_privileged_authenticator {
        if before.is_some() {
            log!("budgetbee worker {index}: serving again (allow_privileged_authenticator is on)");
        }
        warning!(
            "budgetbee worker {index}: connected as \"{}\", {what}: any SQL a request reaches \
             can escape row-level security. Use a NOINHERIT login role without superuser or \
             BYPASSRLS (budgetbee.authenticator).",
            cfg.authenticator
        );
        return None;
    }
    if before.is_none() {
        warning!(
            "budgetbee worker {index}: refusing to serve: the authenticator \"{}\" is {what}, so \
             any SQL a request reaches could escape row-level security. Every request gets 503 \
             until it is a NOINHERIT login role without superuser or BYPASSRLS, or \
             budgetbee.allow_privileged_authenticator = on.",
            cfg.authenticator
        );
    }
    Some(Error::privileged_authenticator(&cfg.authenticator, &what))
}

/// One job: the request through the stages (or the answer the I/O thread already decided),
/// then the statistics, the access log and `Server-Timing`.
fn serve(
    job: Job,
    cfg: &Config,
    slot: Option<&WorkerSlot>,
    refusal: Option<&Error>,
    held: &mut Held,
) {
    let Job {
        id,
        state,
        request,
        meta,
        reply,
    } = job;
    if !state.start() {
        if let Some(slot) = slot {
            slot.skip();
        }
        if state.taken_back() {
            // Relayed to an idle sibling, or queued here again.
            return;
        }
        log!(
            "budgetbee: {} {}: given up before it ran (its client left, or it waited longer than \
             db_pool_acquisition_timeout); not run",
            meta.method,
            meta.target
        );
        return;
    }
    let _serving = cancel::serving(id);
    if let Some(slot) = slot {
        slot.begin(&meta.method, &meta.target);
    }
    let _activity = Activity::report(&meta.method, &meta.target);
    let mut out = outlet::Outlet::new(reply, cfg.server_timing_enabled.then_some(meta.parse));
    let served = match &request {
        Ok(_) if refusal.is_some() => request::Served {
            response: crate::response::error(refusal.expect("checked"), false),
            role: None,
            timings: request::Timings::default(),
        },
        Ok(req) => request::handle(req, cfg, &mut out),
        Err(early) => request::Served {
            response: early.clone(),
            role: None,
            timings: request::Timings::default(),
        },
    };
    let response = served.response;
    if cfg.request_stats {
        stats::stats().record(
            &meta.method,
            Route::of_path(meta.target.split('?').next().unwrap_or("")),
            response.status,
            meta.received.elapsed(),
        );
    }
    if let Some(slot) = slot {
        slot.set_schema(crate::schema::loaded_generation());
        slot.end();
    }
    if cancel::abandoned(id) {
        log!(
            "budgetbee: {} {}: the client hung up; its request was cancelled and rolled back \
             unless it had finished",
            meta.method,
            meta.target
        );
    }
    log_request(cfg, &meta, served.role.as_deref(), &response);
    // A streamed response is out already; any other goes now, or once its commit is written.
    if exec::transaction::unflushed() {
        held.0.push((out, response, served.timings));
    } else {
        out.finish(response, &served.timings);
    }
}

/// How many answers a worker holds for one WAL flush at most.
const HELD_MAX: usize = 16;

/// Answers to requests whose commits went without their WAL flush (`server_group_commit`):
/// they go out together after one flush covers them all. A worker serving its line of writes
/// back to back would otherwise wait for one flush per request, and on few workers (one per
/// core, `server_front_workers`) few commits are in flight to share one.
#[derive(Default)]
struct Held(Vec<(outlet::Outlet, crate::response::Response, request::Timings)>);

impl Held {
    fn full(&self) -> bool {
        self.0.len() >= HELD_MAX
    }

    /// Flushes, then answers.
    fn release(&mut self) {
        exec::transaction::flush_commits();
        for (mut out, response, timings) in self.0.drain(..) {
            out.finish(response, &timings);
        }
    }
}

/// The request in `pg_stat_activity` (state `active`, query `GET /path?query`) while it runs,
/// as a backend shows the statement it serves; `idle` again after.
struct Activity;

impl Activity {
    fn report(method: &str, target: &str) -> Activity {
        let text = std::ffi::CString::new(format!("{method} {target}")).unwrap_or_default();
        // SAFETY: main thread; Postgres copies the text into shared memory.
        unsafe {
            pg_sys::pgstat_report_activity(pg_sys::BackendState::STATE_RUNNING, text.as_ptr())
        };
        Activity
    }
}

impl Drop for Activity {
    fn drop(&mut self) {
        // SAFETY: main thread; a NULL text keeps the last one, as an idle backend shows it.
        unsafe {
            pg_sys::pgstat_report_activity(pg_sys::BackendState::STATE_IDLE, std::ptr::null())
        };
    }
}

/// PostgREST's access log line (wai's Apache format, the user being the request's role), at
/// the log levels PostgREST logs a response at; with `log_query`, the request's SQL after it.
fn log_request(cfg: &Config, meta: &RequestMeta, role: Option<&str>, resp: &Response) {
    let shown = match cfg.log_level {
        LogLevel::Crit => false,
        LogLevel::Error => resp.status >= 500,
        LogLevel::Warn => resp.status >= 400,
        LogLevel::Info | LogLevel::Debug => true,
    };
    let queries = exec::take_logged();
    if !shown {
        return;
    }
    log!("budgetbee: {}", access_line(meta, role, resp.status));
    for q in queries {
        log!("budgetbee: {q}");
    }
}

/// `127.0.0.1 - anon [29/Nov/2026:12:00:00 +0000] "GET /t?x=1 HTTP/1.1" 200 - "" "curl/8"`.
fn access_line(meta: &RequestMeta, role: Option<&str>, status: u16) -> String {
    format!(
        "{} - {} [{}] \"{} {} {}\" {} - \"{}\" \"{}\"",
        meta.peer.map_or("-".to_string(), |p| p.to_string()),
        role.unwrap_or("-"),
        apache_time(std::time::SystemTime::now()),
        meta.method,
        meta.target,
        meta.version,
        status,
        meta.referer.as_deref().unwrap_or(""),
        meta.user_agent.as_deref().unwrap_or("")
    )
}

/// `%d/%b/%Y:%T %z` in UTC.
fn apache_time(t: std::time::SystemTime) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = t
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{day:02}/{}/{year}:{:02}:{:02}:{:02} +0000",
        MONTHS[(month - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn apache_time_is_wai_s_format() {
        let t = std::time::UNIX_EPOCH + Duration::from_secs(1_795_910_400 + 3661);
        assert_eq!(apache_time(t), "29/Nov/2026:01:01:01 +0000");
        assert_eq!(
            apache_time(std::time::UNIX_EPOCH),
            "01/Jan/1970:00:00:00 +0000"
        );
    }

    #[test]
    fn access_line_as_postgrest_logs_it() {
        let meta = RequestMeta {
            method: "GET".into(),
            target: "/t?id=eq.1".into(),
            version: "HTTP/1.1",
            peer: Some("127.0.0.1".parse().unwrap()),
            referer: None,
            user_agent: Some("curl/8".into()),
            received: Instant::now(),
            parse: Duration::ZERO,
            queued_us: 0,
        };
        let line = access_line(&meta, Some("anon"), 200);
        assert!(line.starts_with("127.0.0.1 - anon ["), "{line}");
        assert!(
            line.ends_with("] \"GET /t?id=eq.1 HTTP/1.1\" 200 - \"\" \"curl/8\""),
            "{line}"
        );
    }
}
