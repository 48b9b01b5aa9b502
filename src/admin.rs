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
/// Takes effect when the calling transaction commits.
#[pg_extern(volatile)]
fn reload_schema() {
    crate::schema::broadcast_reload();
}
