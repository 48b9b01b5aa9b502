//! One request = one top-level transaction. Any ERROR raised inside (or a Rust panic) is caught
//! here, the transaction is aborted, and the worker carries on serving.

// FFI edge: transaction control through Postgres's C API.
#![allow(unsafe_code)]

use crate::error::{Error, unpack_sqlstate};
use crate::schema::Isolation;
use pgrx::pg_sys;
use pgrx::pg_sys::panic::CaughtError;
use pgrx::prelude::*;
use std::ffi::c_void;
use std::panic::AssertUnwindSafe;

thread_local! {
    static ROLLBACK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The current transaction may commit without waiting for its WAL flush (`defer_flush`).
    static DEFER_FLUSH: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The end of the latest commit record that went without its flush; 0 when none waits.
    static UNFLUSHED: std::cell::Cell<pg_sys::XLogRecPtr> = const { std::cell::Cell::new(0) };
}

/// Lets the current transaction commit without waiting for its WAL flush, which the caller
/// then owes (`flush_commits`) before anyone learns that it committed. Only where the flush is
/// local: with synchronous standbys named, or `synchronous_commit` already off (a role's or a
/// function's choice), the commit stays as Postgres would make it.
pub fn defer_flush() {
    DEFER_FLUSH.with(|d| d.set(true));
}

/// Whether a commit waits for `flush_commits`.
pub fn unflushed() -> bool {
    UNFLUSHED.with(|u| u.get()) != 0
}

/// Flushes the WAL up to the latest commit that went without it: one flush for every commit
/// since the last, as Postgres's own group commit would share one. Outside any transaction.
pub fn flush_commits() {
    let lsn = UNFLUSHED.with(|u| u.replace(0));
    if lsn != 0 {
        // SAFETY: main thread, outside any transaction; flushing WAL already inserted.
        unsafe { pg_sys::XLogFlush(lsn) };
    }
}

/// Commits the current transaction, without its WAL flush when `defer_flush` asked and the
/// flush would be only local (`SET LOCAL synchronous_commit = off`, which the commit undoes).
///
/// # Safety
/// Main thread, inside the transaction `run` started, with its snapshot popped.
unsafe fn commit() {
    // SAFETY: GUC globals read on the main thread; SyncRepStandbyNames is never null once
    // the GUCs are set up.
    let local = unsafe {
        pg_sys::synchronous_commit > pg_sys::SyncCommitLevel::SYNCHRONOUS_COMMIT_OFF as i32
            && *pg_sys::SyncRepStandbyNames == 0
    };
    let deferred = DEFER_FLUSH.with(|d| d.replace(false))
        && local
        && super::statement::set_local("synchronous_commit", "off").is_ok();
    // SAFETY: read on the main thread; Postgres sets it when a commit writes its record.
    let before = unsafe { pg_sys::XactLastCommitEnd };
    // SAFETY: ends the transaction `run` started, as the caller promises.
    unsafe { pg_sys::CommitTransactionCommand() };
    // SAFETY: as above.
    let end = unsafe { pg_sys::XactLastCommitEnd };
    if deferred && end != before {
        UNFLUSHED.with(|u| u.set(u.get().max(end)));
    }
}

/// Makes the current transaction read-only (`SET TRANSACTION READ ONLY`).
pub fn read_only() {
    // SAFETY: a backend global, set on the main thread inside the transaction; the
    // transaction's end resets it.
    unsafe { pg_sys::XactReadOnly = true };
}

/// Whether this server is a hot standby still replaying WAL (it turns writable on promotion,
/// which the next request sees).
pub fn in_recovery() -> bool {
    // SAFETY: reads shared memory on the main thread; also completes the switch to writable
    // after a promotion.
    unsafe { pg_sys::RecoveryInProgress() }
}

/// Asks `run` to roll back the current transaction although the request succeeded
/// (`Prefer: tx=rollback`, `db_tx_end = rollback`).
pub fn rollback_at_end() {
    ROLLBACK.with(|r| r.set(true));
}

thread_local! {
    /// The SQLSTATE of the last error raised while a statement ran, as Postgres had it. pgrx
    /// folds codes it does not know (PT402, PGRST, any custom one) into XX000, and PostgREST's
    /// response control depends on them.
    static RAW_ERRCODE: std::cell::Cell<Option<i32>> = const { std::cell::Cell::new(None) };
}

/// Takes the SQLSTATE captured for the error being handled, if any.
fn take_raw_errcode() -> Option<i32> {
    RAW_ERRCODE.with(|c| c.take())
}

unsafe extern "C-unwind" fn capture_errcode(_arg: *mut c_void) {
    // Error context callbacks run while Postgres reports a message, before it unwinds; the
    // last one reported before the ERROR escapes is the ERROR itself.
    // SAFETY: called by Postgres while it reports a message, when geterrcode is valid.
    let code = unsafe { pg_sys::geterrcode() };
    RAW_ERRCODE.with(|c| c.set(Some(code)));
}

/// Pops the context callback again however the transaction ends (return or unwinding error).
struct ContextGuard(*mut pg_sys::ErrorContextCallback);

impl Drop for ContextGuard {
    fn drop(&mut self) {
        // SAFETY: the callback this guard points at is alive (it outlives the guard) and is the
        // top of the stack, which `run` pushed.
        unsafe { pg_sys::error_context_stack = (*self.0).previous };
    }
}

/// Runs `body` in a fresh transaction; commits on `Ok`, aborts on `Err` or on any error raised
/// inside (including one raised by COMMIT itself, e.g. a deferred constraint).
pub fn run<R>(body: impl FnOnce() -> Result<R, Error>) -> Result<R, Error> {
    run_isolated(None, body)
}

/// `run` at an isolation level other than the session's default (a function's
/// `SET default_transaction_isolation`), as `BEGIN ISOLATION LEVEL …` would start it.
pub fn run_isolated<R>(
    isolation: Option<Isolation>,
    body: impl FnOnce() -> Result<R, Error>,
) -> Result<R, Error> {
    // One error-context callback for the whole transaction, COMMIT included, so every error
    // keeps its own SQLSTATE (see RAW_ERRCODE).
    let mut callback = pg_sys::ErrorContextCallback {
        // SAFETY: reads a backend global on the main thread.
        previous: unsafe { pg_sys::error_context_stack },
        callback: Some(capture_errcode),
        arg: std::ptr::null_mut(),
    };
    RAW_ERRCODE.with(|c| c.set(None));
    // SAFETY: `callback` lives on this frame until `_guard` pops it, on return or unwind.
    unsafe { pg_sys::error_context_stack = &mut callback };
    let _guard = ContextGuard(&mut callback);
    // SAFETY: the worker's main thread, outside any transaction: start one, as PostgresMain
    // does for each query.
    unsafe {
        pg_sys::SetCurrentStatementStartTimestamp();
        pg_sys::StartTransactionCommand();
        // The level can only change before the transaction's first snapshot, which is what
        // SET TRANSACTION ISOLATION LEVEL checks.
        if let Some(level) = isolation {
            pg_sys::XactIsoLevel = match level {
                Isolation::ReadCommitted => pg_sys::XACT_READ_COMMITTED,
                Isolation::RepeatableRead => pg_sys::XACT_REPEATABLE_READ,
                Isolation::Serializable => pg_sys::XACT_SERIALIZABLE,
            } as i32;
        }
        pg_sys::PushActiveSnapshot(pg_sys::GetTransactionSnapshot());
    }
    let body = AssertUnwindSafe(body);
    let outcome = PgTryBuilder::new(move || {
        let body = body;
        let result = (body.0)();
        if result.is_ok() {
            // SAFETY: pops the snapshot pushed at the start of this transaction.
            unsafe { pg_sys::PopActiveSnapshot() };
            if ROLLBACK.with(|r| r.replace(false)) {
                // SAFETY: ends the transaction this function started.
                unsafe { pg_sys::AbortCurrentTransaction() };
            } else {
                // SAFETY: ends the transaction this function started, its snapshot popped.
                unsafe { commit() };
            }
        }
        result
    })
    .catch_others(|caught| Err(from_caught(caught)))
    .execute();
    ROLLBACK.with(|r| r.set(false));
    DEFER_FLUSH.with(|d| d.set(false));
    if outcome.is_err() {
        // Same recovery as PostgresMain after an ERROR; also right when COMMIT itself failed.
        // SAFETY: after a caught ERROR Postgres expects exactly this cleanup.
        unsafe { pg_sys::AbortCurrentTransaction() };
    }
    drop_stale_cancel();
    outcome
}

/// Outside any transaction, a pending cancel has nothing left to stop: a client that hung up
/// after its request's last statement, or `pg_cancel_backend` on an idle worker. Postgres
/// ignores one between queries too. Left pending, the next log line (`errfinish` checks for
/// interrupts) would raise it as an ERROR outside any transaction, which ends the worker.
pub fn drop_stale_cancel() {
    // SAFETY: main thread, outside any transaction; Postgres's own flag, cleared as it clears it.
    unsafe { pg_sys::QueryCancelPending = 0 };
}

/// Runs `body` in a subtransaction of the current transaction: an error inside rolls back
/// only what `body` did, and the caller's transaction goes on.
pub fn subtransaction<R>(body: impl FnOnce() -> Result<R, Error>) -> Result<R, Error> {
    // SAFETY: reads backend globals on the main thread, inside a transaction.
    let (context, owner) = unsafe { (pg_sys::CurrentMemoryContext, pg_sys::CurrentResourceOwner) };
    // SAFETY: a subtransaction of the running transaction, as PL/pgSQL's exception blocks
    // open one; the memory context is restored to the caller's.
    unsafe {
        pg_sys::BeginInternalSubTransaction(std::ptr::null());
        pg_sys::MemoryContextSwitchTo(context);
    }
    let body = AssertUnwindSafe(body);
    let outcome = PgTryBuilder::new(move || {
        let body = body;
        (body.0)()
    })
    .catch_others(|caught| Err(from_caught(caught)))
    .execute();
    // SAFETY: ends the subtransaction opened above and restores what it changed.
    unsafe {
        if outcome.is_ok() {
            pg_sys::ReleaseCurrentSubTransaction();
        } else {
            pg_sys::RollbackAndReleaseCurrentSubTransaction();
        }
        pg_sys::MemoryContextSwitchTo(context);
        pg_sys::CurrentResourceOwner = owner;
    }
    outcome
}

fn from_caught(caught: CaughtError) -> Error {
    match caught {
        CaughtError::PostgresError(r) | CaughtError::ErrorReport(r) => Error::Pg {
            sqlstate: {
                let known = r.sql_error_code() as i32;
                let raw = take_raw_errcode();
                // pgrx reports codes it has no name for as XX000; keep Postgres's own.
                match raw {
                    Some(raw) if known == PgSqlErrorCode::ERRCODE_INTERNAL_ERROR as i32 => {
                        unpack_sqlstate(raw)
                    }
                    _ => unpack_sqlstate(known),
                }
            },
            message: r.message().to_string(),
            details: r.detail().map(str::to_string),
            hint: r.hint().map(str::to_string),
        },
        CaughtError::RustPanic { ereport, .. } => Error::internal(ereport.message().to_string()),
    }
}

#[cfg(any(test, feature = "pg_test"))]
#[pgrx::pg_schema]
mod tests {
    use super::*;

    /// A Rust panic inside a request's work never crosses into Postgres: it is caught like an
    /// ERROR, what it did is rolled back, it answers 500, and the transaction around it goes on.
    /// (A `#[pg_test]` already runs in a transaction, so the nested one is a subtransaction:
    /// the same catch as a request's top-level one.)
    #[pgrx::pg_test]
    fn a_panic_is_a_500_and_the_work_after_it_runs() {
        Spi::run("CREATE TEMP TABLE panic_probe (n int)").unwrap();
        let outcome: Result<(), Error> = subtransaction(|| {
            Spi::run("INSERT INTO panic_probe VALUES (1)")
                .map_err(|e| Error::internal(e.to_string()))?;
            panic!("a bug in a handler");
        });
        let e = outcome.expect_err("the panic was not caught");
        assert_eq!(e.code(), "PGRSTX00");
        let response = crate::response::error(&e, false);
        assert_eq!(response.status, 500);
        assert!(
            String::from_utf8_lossy(&response.body).contains("a bug in a handler"),
            "{}",
            String::from_utf8_lossy(&response.body)
        );
        // What the panicking work did is gone; the next work runs.
        assert_eq!(
            Spi::get_one::<i64>("SELECT count(*) FROM panic_probe").unwrap(),
            Some(0)
        );
        subtransaction(|| {
            Spi::run("INSERT INTO panic_probe VALUES (2)")
                .map_err(|e| Error::internal(e.to_string()))
        })
        .unwrap();
        assert_eq!(
            Spi::get_one::<i64>("SELECT count(*) FROM panic_probe").unwrap(),
            Some(1)
        );
    }
}
