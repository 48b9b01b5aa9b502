//! `NOTIFY pgrst, 'reload schema'` (and a bare `NOTIFY pgrst`), PostgREST's reload signal,
//! keeps working: a ProcessUtility hook in every backend turns it into a relcache-reset
//! broadcast, which each worker's invalidation callback receives. Being an invalidation, it is
//! sent at commit, like the notification itself.

use pgrx::pg_sys;
use pgrx::prelude::*;
use std::ffi::CStr;

static mut PREVIOUS: pg_sys::ProcessUtility_hook_type = None;

/// Installs the hook. Called from `_PG_init` in the postmaster; backends inherit it.
pub fn install() {
    unsafe {
        PREVIOUS = pg_sys::ProcessUtility_hook;
        pg_sys::ProcessUtility_hook = Some(process_utility);
    }
}

/// Schedules a schema reload in every backend (delivered at commit).
pub fn broadcast_reload() {
    unsafe { pg_sys::CacheInvalidateRelcacheAll() };
}

#[pg_guard]
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
                broadcast_reload();
            }
        }
        // Same arguments either way; pgrx exposes standard_ProcessUtility as a Rust fn, so
        // the two calls cannot share one function pointer.
        match PREVIOUS {
            Some(previous) => previous(
                pstmt,
                query_string,
                read_only_tree,
                context,
                params,
                query_env,
                dest,
                qc,
            ),
            None => pg_sys::standard_ProcessUtility(
                pstmt,
                query_string,
                read_only_tree,
                context,
                params,
                query_env,
                dest,
                qc,
            ),
        }
    }
}
