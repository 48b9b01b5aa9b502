//! SQL-level administration functions, installed into the `budgetbee` schema.

use pgrx::prelude::*;

/// The extension's version, e.g. `SELECT budgetbee.version()`. Creating this C function is also
/// what makes `CREATE EXTENSION` load the library, so a missing `shared_preload_libraries` entry
/// is reported at `CREATE EXTENSION` time.
#[pg_extern(immutable, parallel_safe)]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
