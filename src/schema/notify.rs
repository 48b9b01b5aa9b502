//! `NOTIFY pgrst, 'reload schema'` (and a bare `NOTIFY pgrst`), PostgREST's reload signal,
//! keeps working: a ProcessUtility hook in every backend turns it into a relcache-reset
//! broadcast, which each worker's invalidation callback receives. Being an invalidation, it is
//! sent at commit, like the notification itself.

// FFI edge: a ProcessUtility hook.
#![allow(unsafe_code)]

use pgrx::pg_sys;
use std::ffi::CStr;

static mut PREVIOUS: pg_sys::ProcessUtility_hook_type = None;

/// Installs the hook. Called from `_PG_init` in the postmaster; backends inherit it.
pub fn install() {
    // SAFETY: `_PG_init` runs once, single-threaded, in the postmaster; hooks are chained.
    unsafe {
        PREVIOUS = pg_sys::ProcessUtility_hook;
        pg_sys::ProcessUtility_hook = Some(process_utility);
    }
}

/// Schedules a schema reload in every backend (delivered at commit).
pub fn broadcast_reload() {
    // SAFETY: queues an invalidation message inside the caller's transaction.
    unsafe { pg_sys::CacheInvalidateRelcacheAll() };
}

unsafe extern "C-unwind" {
    // The C symbol itself: pgrx's wrapper of it turns ERRORs into Rust panics, and a guarded
    // hook would then re-raise every utility command's error with a Rust backtrace in DETAIL
    // and its SQLSTATE folded to XX000, in every backend.
    #[link_name = "standard_ProcessUtility"]
    fn standard_process_utility(
        pstmt: *mut pg_sys::PlannedStmt,
        query_string: *const std::ffi::c_char,
        read_only_tree: bool,
        context: pg_sys::ProcessUtilityContext::Type,
        params: pg_sys::ParamListInfo,
        query_env: *mut pg_sys::QueryEnvironment,
        dest: *mut pg_sys::DestReceiver,
        qc: *mut pg_sys::QueryCompletion,
    );
    // Also unguarded, for the same reason: nothing in the hook may turn into a Rust panic.
    #[link_name = "CacheInvalidateRelcacheAll"]
    fn cache_invalidate_relcache_all();
}

/// Deliberately not `#[pg_guard]`: errors raised further down must travel as Postgres raised
/// them. This frame holds nothing to drop when it calls on, so a longjmp through it is safe.
#[allow(clippy::too_many_arguments)]
unsafe extern "C-unwind" fn process_utility(
    pstmt: *mut pg_sys::PlannedStmt,
    query_string: *const std::ffi::c_char,
    read_only_tree: bool,
    context: pg_sys::ProcessUtilityContext::Type,
    params: pg_sys::ParamListInfo,
    query_env: *mut pg_sys::QueryEnvironment,
    dest: *mut pg_sys::DestReceiver,
    qc: *mut pg_sys::QueryCompletion,
) {
    // SAFETY: Postgres calls the hook with valid arguments, passed on unchanged.
    unsafe {
        let stmt = (*pstmt).utilityStmt;
        if !stmt.is_null() && (*stmt).type_ == pg_sys::NodeTag::T_NotifyStmt {
            let notify = stmt as *mut pg_sys::NotifyStmt;
            let channel = CStr::from_ptr((*notify).conditionname);
            let payload = if (*notify).payload.is_null() {
                c""
            } else {
                CStr::from_ptr((*notify).payload)
            };
            if channel == c"pgrst" && (payload == c"" || payload == c"reload schema") {
                cache_invalidate_relcache_all();
            }
        }
        let next = PREVIOUS.unwrap_or(standard_process_utility);
        next(
            pstmt,
            query_string,
            read_only_tree,
            context,
            params,
            query_env,
            dest,
            qc,
        );
    }
}
