//! Background workers, the top floor: registration at postmaster start, and each worker's main
//! loop, which runs every request through the stages (`request`).
//!
//! A worker is two threads. The I/O thread (see `http`) speaks HTTP; the main thread is the only
//! one that touches Postgres. Jobs go over a channel, and an eventfd wakes the main thread, which
//! sleeps in `WaitLatchOrSocket` so SIGTERM, SIGHUP and postmaster death still wake it.

// FFI edge: the background worker's entry point and wait loop.
#![allow(unsafe_code)]

mod listener;
mod request;

use crate::api::ApiRequest;
use crate::config::{Config, LogLevel};
use crate::exec;
use crate::http::{self, Job};
use crate::response::Response;
use crate::threads::Wake;
use pgrx::bgworkers::{BackgroundWorker, BackgroundWorkerBuilder, SignalWakeFlags};
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
    let addr = match listener::bind(&cfg.server_host, cfg.server_port) {
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
            .set_restart_time(Some(Duration::from_secs(2)))
            .load();
    }
}

#[pg_guard]
#[unsafe(no_mangle)]
pub extern "C-unwind" fn budgetbee_worker_main(arg: pg_sys::Datum) {
    // SAFETY: the datum is the Int32 this worker was registered with.
    let index = unsafe { i32::from_datum(arg, false) }.unwrap_or(0);
    let Some(socket) = listener::take_inherited() else {
        // Registered only after a successful bind, so this is a restart after the postmaster
        // lost the socket; nothing to serve.
        warning!("budgetbee worker {index}: no listening socket inherited; exiting");
        return;
    };
    let wake = Arc::new(Wake::new().unwrap_or_else(|e| panic!("budgetbee: eventfd: {e}")));
    let (jobs_tx, jobs_rx) = mpsc::channel::<Job>();

    // The I/O thread must exist before signals are unblocked, so it inherits the fully blocked
    // mask and SIGTERM/SIGHUP/SIGINT are always delivered to this (main) thread.
    let io = http::IoThread::spawn(socket, jobs_tx, wake.clone())
        .unwrap_or_else(|e| panic!("budgetbee: could not start the I/O thread: {e}"));
    BackgroundWorker::attach_signal_handlers(SignalWakeFlags::SIGHUP | SignalWakeFlags::SIGTERM);

    let mut cfg = Config::load();
    BackgroundWorker::connect_worker_to_spi(Some(&cfg.database), Some(&cfg.authenticator));
    crate::schema::watch_catalog();
    crate::auth::set_waker(wake.clone());
    crate::auth::tick(&cfg);
    if exec::session_is_superuser() {
        warning!(
            "budgetbee worker {index}: connected as \"{}\", a superuser: any SQL a request reaches \
             can RESET ROLE to it. Use a NOINHERIT login role without superuser (budgetbee.authenticator).",
            cfg.authenticator
        );
    }

    let mut draining_since: Option<Instant> = None;
    loop {
        // The timeout also paces background chores (JWKS refresh) while idle.
        let events = pg_sys::WL_LATCH_SET
            | pg_sys::WL_SOCKET_READABLE
            | pg_sys::WL_EXIT_ON_PM_DEATH
            | pg_sys::WL_TIMEOUT;
        let timeout_ms = if draining_since.is_some() { 100 } else { 1000 };
        // SAFETY: the worker's own latch and a live eventfd, on the main thread.
        unsafe {
            pg_sys::WaitLatchOrSocket(
                pg_sys::MyLatch,
                events as i32,
                wake.fd(),
                timeout_ms,
                pg_sys::PG_WAIT_EXTENSION,
            );
            pg_sys::ResetLatch(pg_sys::MyLatch);
        }
        pg_sys::check_for_interrupts!();

        if BackgroundWorker::sighup_received() {
            // SAFETY: what a backend does on SIGHUP, outside any transaction.
            unsafe { pg_sys::ProcessConfigFile(pg_sys::GucContext::PGC_SIGHUP) };
            cfg = Config::load();
            crate::schema::mark_stale();
        }
        if BackgroundWorker::sigterm_received() && draining_since.is_none() {
            io.begin_shutdown();
            draining_since = Some(Instant::now());
        }

        crate::auth::tick(&cfg);
        wake.drain();
        while let Ok(job) = jobs_rx.try_recv() {
            let response = request::handle(&job.request, &cfg);
            log_request(&cfg, &job.request, &response);
            // The client may have gone away; nothing to do then.
            let _ = job.reply.send(response);
        }

        if let Some(since) = draining_since
            && (io.finished() || since.elapsed() > DRAIN_LIMIT)
        {
            break;
        }
    }
    io.join_if_finished();
    log!("budgetbee worker {index}: shut down");
    // Exit code 1 so that a worker stopped on its own (pg_terminate_backend) is restarted; during
    // a server shutdown nothing is restarted anyway.
    // SAFETY: the worker's normal exit; nothing of ours is left to drop.
    unsafe { pg_sys::proc_exit(1) };
}

fn log_request(cfg: &Config, req: &ApiRequest, resp: &Response) {
    let shown = match cfg.log_level {
        LogLevel::Crit => false,
        LogLevel::Error => resp.status >= 500,
        LogLevel::Warn => resp.status >= 400,
        LogLevel::Info | LogLevel::Debug => true,
    };
    if shown {
        log!("budgetbee: \"{} {}\" {}", req.method, req.path, resp.status);
    }
}
