//! Cancelling the request whose client hung up (PostgREST cannot: its issue #3517). The I/O
//! thread notices the connection close while the request runs (or while its body streams),
//! records the request's id in `threads::ABANDONED` and signals the main thread, whose handler
//! does what Postgres's own cancel handler does (`StatementCancelHandler`) if, and only if,
//! that request is the one being served: the running statement stops with 57014, the
//! transaction rolls back, and nothing it started is committed.

// FFI edge: a signal handler setting Postgres's interrupt flags.
#![allow(unsafe_code)]

use crate::threads::{ABANDON_SIGNAL, ABANDONED};
use pgrx::pg_sys;
use std::sync::atomic::{AtomicU64, Ordering};

/// The request the main thread is serving (0: none).
static SERVING: AtomicU64 = AtomicU64::new(0);

/// Installs the handler; on the main thread, before the I/O thread accepts anything.
pub fn install() {
    // SAFETY: a plain sigaction with a handler that only touches atomics and what Postgres's
    // own signal handlers touch; the struct is fully initialised.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_abandon as *const () as usize;
        action.sa_flags = libc::SA_RESTART;
        libc::sigfillset(&mut action.sa_mask);
        libc::sigaction(ABANDON_SIGNAL, &action, std::ptr::null_mut());
    }
}

extern "C" fn on_abandon(_signal: libc::c_int) {
    // SAFETY: async-signal-safe: atomics, a read of this thread's transaction state (a plain
    // field; the handler runs on the main thread, the only one that changes it), Postgres's
    // interrupt flags (sig_atomic_t, set exactly as StatementCancelHandler sets them) and
    // SetLatch (made for signal handlers); errno is restored as Postgres's handlers restore it.
    unsafe {
        let errno = *libc::__errno_location();
        let abandoned = ABANDONED.load(Ordering::SeqCst);
        // Only inside the request's transaction: before it the request has not started, and
        // after it a cancel would stop nothing, and would be raised as an ERROR outside any
        // transaction at the next log line, which ends the worker.
        if abandoned != 0
            && abandoned == SERVING.load(Ordering::SeqCst)
            && pg_sys::IsTransactionState()
        {
            pg_sys::InterruptPending = 1;
            pg_sys::QueryCancelPending = 1;
            pg_sys::SetLatch(pg_sys::MyLatch);
        }
        *libc::__errno_location() = errno;
    }
}

/// Whether request `id`'s client has already gone.
pub fn abandoned(id: u64) -> bool {
    ABANDONED.load(Ordering::SeqCst) == id
}

/// Inside the request's transaction: a client that left before it began (when the signal
/// stops nothing) has its request cancelled at the first statement.
pub fn if_abandoned() {
    let serving = SERVING.load(Ordering::SeqCst);
    if serving != 0 && ABANDONED.load(Ordering::SeqCst) == serving {
        // SAFETY: main thread, inside the request's transaction; set as the handler sets it.
        unsafe {
            pg_sys::InterruptPending = 1;
            pg_sys::QueryCancelPending = 1;
        }
    }
}

/// Marks request `id` as the one being served until the guard drops.
pub fn serving(id: u64) -> Serving {
    // A cancel meant for an earlier request must not stop this one.
    crate::exec::transaction::drop_stale_cancel();
    SERVING.store(id, Ordering::SeqCst);
    Serving
}

pub struct Serving;

impl Drop for Serving {
    fn drop(&mut self) {
        SERVING.store(0, Ordering::SeqCst);
    }
}
