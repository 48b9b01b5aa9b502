//! budgetbee: a PostgREST v13 compatible REST API served from inside PostgreSQL.
//!
//! The request path, top to bottom: `http` (I/O thread: HTTP in, response bytes out) → `api`
//! (parse) → `auth` → `plan` (with `schema`, the schema cache) → `sql` → `exec` (one
//! transaction) → `response`. `worker` is the top floor that runs each request through them on
//! the main thread; `error`, `config` and `threads` are leaves every stage may use.
//! `_PG_init` only registers configuration and workers; see `../shared/design.md`.

#![deny(unsafe_code)]

use auth::JWKS_RELOADS;
use pgrx::prelude::*;
use schema::SCHEMA_RELOADS;
use stats::STATS;

mod admin;
mod api;
mod auth;
mod claim_functions;
mod config;
mod error;
mod exec;
mod exposure;
#[cfg(test)]
mod fuzz;
mod http;
mod plan;
mod response;
mod schema;
mod sql;
mod stats;
mod threads;
mod worker;

::pgrx::pg_module_magic!();

#[allow(non_snake_case, unsafe_code)]
// FFI edge: the library's entry point.
// pg_shmem_init! tests features of pgrx's own (pg13, pg14, ...) that this crate does not have.
#[allow(unexpected_cfgs)]
#[pg_guard]
pub extern "C-unwind" fn _PG_init() {
    // Background workers and the shared listening socket only exist when the postmaster loads us.
    // Anywhere else (CREATE EXTENSION, LOAD) we refuse with the exact fix.
    // SAFETY: reads a backend global while the library loads.
    if !unsafe { pg_sys::process_shared_preload_libraries_in_progress } {
        pgrx::pg_sys::panic::ErrorReport::new(
            PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
            "budgetbee must be loaded via shared_preload_libraries",
            "_PG_init",
        )
        .set_hint(
            "Add shared_preload_libraries = 'budgetbee' to postgresql.conf (append it to any \
             libraries already listed there) and restart PostgreSQL.",
        )
        .report(PgLogLevel::ERROR);
        unreachable!();
    }
    config::define_gucs();
    pgrx::pg_shmem_init!(JWKS_RELOADS);
    pgrx::pg_shmem_init!(SCHEMA_RELOADS);
    pgrx::pg_shmem_init!(STATS = stats::initial());
    schema::install_notify_hook();
    worker::register();
}

#[cfg(any(test, feature = "pg_test"))]
#[pg_schema]
mod tests {
    use pgrx::prelude::*;

    #[pg_test]
    fn version_matches_the_crate() {
        let v = Spi::get_one::<String>("SELECT budgetbee.version()").unwrap();
        assert_eq!(v.as_deref(), Some(env!("CARGO_PKG_VERSION")));
    }

    #[pg_test]
    fn workers_are_registered_from_shared_preload_libraries() {
        // pg_test's postgresql_conf_options() asks for one worker; it is registered at postmaster
        // start, so its row exists in pg_stat_activity once it has connected.
        let n = Spi::get_one::<i64>(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'budgetbee'",
        )
        .unwrap();
        // The worker may still be starting; it must at least not have been refused.
        assert!(matches!(n, Some(0..=1)), "unexpected worker count {n:?}");
    }

    #[pg_test]
    fn configuration_is_exposed_as_gucs() {
        let pool = Spi::get_one::<String>("SHOW budgetbee.db_pool").unwrap();
        assert_eq!(pool.as_deref(), Some("1"));
        let schemas = Spi::get_one::<String>("SHOW budgetbee.db_schemas").unwrap();
        assert_eq!(schemas.as_deref(), Some("public"));
        let level = Spi::get_one::<String>("SHOW budgetbee.log_level").unwrap();
        assert_eq!(level.as_deref(), Some("error"));
    }
}

/// Used by `cargo pgrx test`: the extension must be preloaded for its workers to exist.
#[cfg(test)]
pub mod pg_test {
    pub fn setup(_options: Vec<&str>) {}

    pub fn postgresql_conf_options() -> Vec<&'static str> {
        vec![
            "shared_preload_libraries = 'budgetbee'",
            "budgetbee.db_pool = 1",
            // Port 0: the kernel picks a free port, so parallel test clusters never collide.
            "budgetbee.server_port = 0",
            "budgetbee.database = 'pgrx_tests'",
            "budgetbee.authenticator = 'postgres'",
        ]
    }
}
