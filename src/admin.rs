//! SQL-level administration functions, installed into the `budgetbee` schema.

use pgrx::prelude::*;

/// The extension's version, e.g. `SELECT budgetbee.version()`. Creating this C function is also
/// what makes `CREATE EXTENSION` load the library, so a missing `shared_preload_libraries` entry
/// is reported at `CREATE EXTENSION` time.
#[pg_extern(immutable, parallel_safe)]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// Makes every budgetbee worker reload its schema cache before its next request, like
/// PostgREST's `NOTIFY pgrst, 'reload schema'`. Rarely needed: DDL is followed automatically.
/// Takes effect when the calling transaction commits; on a hot standby (which follows the
/// primary's DDL by itself), at once.
#[pg_extern(volatile)]
fn reload_schema() {
    if crate::exec::transaction::in_recovery() {
        crate::schema::SCHEMA_RELOADS
            .get()
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        wake_workers();
    } else {
        crate::schema::broadcast_reload();
    }
}

/// Makes every worker fetch `budgetbee.jwks_url` again, at once, and before verifying its next
/// token (key rotation at the issuer, without waiting for the refresh interval).
#[pg_extern(volatile)]
fn reload_jwks() {
    crate::auth::JWKS_RELOADS
        .get()
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    // An idle worker would otherwise notice only at its next idle tick (up to a second), and an
    // issuer outage beginning in that second would leave it on the withdrawn keys.
    wake_workers();
}

/// Sets every worker's latch, so each acts on what was just asked of it now.
#[allow(unsafe_code)] // FFI edge: waking the workers' latches.
fn wake_workers() {
    for (_, w) in crate::stats::stats().workers() {
        // SAFETY: ProcArray lookup under its own lock; SetLatch on a live PGPROC's latch is
        // safe from any backend (a pid that just exited yields NULL).
        unsafe {
            let proc_ = pg_sys::BackendPidGetProc(w.pid);
            if !proc_.is_null() {
                pg_sys::SetLatch(&raw mut (*proc_).procLatch);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What the workers are doing, from shared memory: for the database owner and members of
// budgetbee_monitor (see the grants below), never for the API's roles.

/// Microseconds since the Unix epoch as a timestamptz (`None` for 0, never).
fn timestamp(us: i64) -> Option<pgrx::datetime::TimestampWithTimeZone> {
    (us > 0).then(|| pgrx::datetime::to_timestamp(us as f64 / 1e6))
}

/// One row per worker: its state, requests served and waiting, client connections open, the
/// request in progress, its schema cache and its `jwks_url` keys.
#[pg_extern(volatile, parallel_safe)]
#[allow(clippy::type_complexity)]
fn status() -> TableIterator<
    'static,
    (
        name!(worker, i32),
        name!(pid, i32),
        name!(state, String),
        name!(requests, i64),
        name!(waiting, i32),
        name!(connections, i32),
        name!(method, Option<String>),
        name!(path, Option<String>),
        name!(
            request_started,
            Option<pgrx::datetime::TimestampWithTimeZone>
        ),
        name!(schema_cache_generation, i64),
        name!(
            schema_cache_loaded_at,
            Option<pgrx::datetime::TimestampWithTimeZone>
        ),
        name!(jwks, String),
        name!(last_seen, Option<pgrx::datetime::TimestampWithTimeZone>),
    ),
> {
    let rows: Vec<_> = crate::stats::stats()
        .workers()
        .into_iter()
        .map(|(index, w)| {
            let (method, path, started) = match w.current {
                Some((m, p, s)) => (Some(m), Some(p), timestamp(s)),
                None => (None, None, None),
            };
            let jwks = match w.jwks_keys {
                None => "none".to_string(),
                Some(_) if w.jwks_fetched_us == 0 && w.jwks_failing => "failing".to_string(),
                Some(_) if w.jwks_fetched_us == 0 => "fetching".to_string(),
                Some(n) if w.jwks_failing => format!("{n} keys (last fetch failed)"),
                Some(n) => format!("{n} keys"),
            };
            (
                index,
                w.pid,
                w.state.name().to_string(),
                w.requests as i64,
                w.waiting as i32,
                w.connections as i32,
                method,
                path,
                started,
                w.schema_generation as i64,
                timestamp(w.schema_loaded_us),
                jwks,
                timestamp(w.heartbeat_us),
            )
        })
        .collect();
    TableIterator::new(rows)
}

/// Requests by method, route kind and status since the server started or `reset_stats()`,
/// summed over all workers; times in milliseconds, p50/p99 to the latency histogram's buckets.
#[pg_extern(volatile, parallel_safe)]
#[allow(clippy::type_complexity)]
fn request_stats_rows() -> TableIterator<
    'static,
    (
        name!(method, String),
        name!(route, String),
        name!(status, Option<i32>),
        name!(requests, i64),
        name!(total_ms, f64),
        name!(max_ms, f64),
        name!(p50_ms, f64),
        name!(p99_ms, f64),
        name!(since, Option<pgrx::datetime::TimestampWithTimeZone>),
    ),
> {
    let s = crate::stats::stats();
    let since = timestamp(s.reset_us.load(std::sync::atomic::Ordering::Relaxed));
    let ms = |us: u64| us as f64 / 1000.0;
    let rows: Vec<_> = s
        .cells()
        .into_iter()
        .map(|c| {
            (
                c.method.to_string(),
                c.route.name().to_string(),
                (c.status != 0).then_some(i32::from(c.status)),
                c.count as i64,
                ms(c.total_us),
                ms(c.max_us),
                ms(c.quantile_us(0.5)),
                ms(c.quantile_us(0.99)),
                since,
            )
        })
        .collect();
    TableIterator::new(rows)
}

/// Empties `budgetbee.request_stats`.
#[pg_extern(volatile)]
fn reset_stats() {
    crate::stats::stats().reset();
}

/// Per API role, each table, view and function it can reach through the API, what it may do
/// there and whether row-level security guards it (see `exposure`).
#[pg_extern(volatile)]
#[allow(clippy::type_complexity)]
fn exposure() -> TableIterator<
    'static,
    (
        name!(role, String),
        name!(kind, String),
        name!(schema, String),
        name!(name, String),
        name!(privileges, Vec<String>),
        name!(rls, Option<bool>),
        name!(guarded, bool),
        name!(note, String),
    ),
> {
    let cfg = crate::config::Config::load();
    let listed = Spi::connect(|client| crate::exposure::list(client, &cfg));
    let rows = match listed {
        Ok(rows) => rows,
        Err(e) => pgrx::error!("budgetbee.exposure(): {e:?}"),
    };
    TableIterator::new(rows.into_iter().map(|r| {
        (
            r.role,
            r.kind,
            r.schema,
            r.name,
            r.privileges,
            r.rls,
            r.guarded,
            r.note,
        )
    }))
}

pgrx::extension_sql!(
    r#"
CREATE VIEW request_stats AS SELECT * FROM request_stats_rows();
COMMENT ON VIEW request_stats IS 'budgetbee: requests by method, route kind and status, summed over all workers.';
DO $$ BEGIN CREATE ROLE budgetbee_monitor NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
REVOKE ALL ON FUNCTION status(), request_stats_rows(), reset_stats(), exposure() FROM PUBLIC;
REVOKE ALL ON request_stats FROM PUBLIC;
GRANT EXECUTE ON FUNCTION status(), request_stats_rows(), reset_stats(), exposure() TO budgetbee_monitor, pg_database_owner;
GRANT SELECT ON request_stats TO budgetbee_monitor, pg_database_owner;
GRANT USAGE ON SCHEMA @extschema@ TO budgetbee_monitor, pg_database_owner;
"#,
    name = "monitoring",
    requires = [status, request_stats_rows, reset_stats, exposure]
);
