//! The `budgetbee.*` GUCs: their storage, their definitions (names, descriptions, bounds,
//! contexts), and their boot values taken from PostgREST's `PGRST_*` environment variables.
//! `Config::load` (in `config`) reads them into one snapshot.

// FFI edge: GUC boot values and an enum GUC defined through Postgres's C API.
#![allow(unsafe_code)]

use super::{LOG_LEVEL_NAMES, LogLevel};
use pgrx::guc::{GucContext, GucFlags, GucRegistry, GucSetting};
use pgrx::pg_sys;
use std::ffi::CString;

pub(super) static SERVER_HOST: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(Some(c"127.0.0.1"));
pub(super) static SERVER_PORT: GucSetting<i32> = GucSetting::<i32>::new(3000);
pub(super) static DB_POOL: GucSetting<i32> = GucSetting::<i32>::new(10);
pub(super) static DB_SCHEMAS: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(Some(c"public"));
pub(super) static DB_EXTRA_SEARCH_PATH: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(Some(c"public"));
pub(super) static DB_ANON_ROLE: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(None);
pub(super) static DB_URI: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
pub(super) static DATABASE: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
pub(super) static AUTHENTICATOR: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(None);
pub(super) static DB_MAX_ROWS: GucSetting<i32> = GucSetting::<i32>::new(0);
pub(super) static DB_PREPARED_STATEMENTS: GucSetting<bool> = GucSetting::<bool>::new(true);
pub(super) static DB_AUTHENTICATED_ROLE: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(None);
pub(super) static JWT_SECRET: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(None);
pub(super) static JWT_SECRET_IS_BASE64: GucSetting<bool> = GucSetting::<bool>::new(false);
pub(super) static JWT_AUD: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
pub(super) static JWT_ROLE_CLAIM_KEY: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(Some(c".role"));
pub(super) static JWT_CACHE_MAX_ENTRIES: GucSetting<i32> = GucSetting::<i32>::new(1000);
pub(super) static JWKS_URL: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
pub(super) static JWKS_REFRESH_INTERVAL: GucSetting<i32> = GucSetting::<i32>::new(300);
pub(super) static JWKS_MIN_REFRESH_INTERVAL: GucSetting<i32> = GucSetting::<i32>::new(10);
pub(super) static DB_PRE_REQUEST: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(None);
pub(super) static PRIMARY_URL: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(None);
pub(super) static SERVER_CORS_ALLOWED_ORIGINS: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(None);
pub(super) static SERVER_MAX_BODY_BYTES: GucSetting<i32> = GucSetting::<i32>::new(10 * 1024 * 1024);
pub(super) static SERVER_STREAM_ROWS: GucSetting<i32> = GucSetting::<i32>::new(1000);
pub(super) static SERVER_MAX_HEADER_BYTES: GucSetting<i32> = GucSetting::<i32>::new(100 * 1024);
pub(super) static SERVER_HEADER_TIMEOUT: GucSetting<i32> = GucSetting::<i32>::new(30);
pub(super) static SERVER_HAND_OFF: GucSetting<bool> = GucSetting::<bool>::new(true);
pub(super) static SERVER_BATCH_SCHEDULING: GucSetting<bool> = GucSetting::<bool>::new(true);
pub(super) static SERVER_GROUP_COMMIT: GucSetting<bool> = GucSetting::<bool>::new(true);
pub(super) static SERVER_MAX_CONNECTIONS: GucSetting<i32> = GucSetting::<i32>::new(1000);
pub(super) static SERVER_FRONT_WORKERS: GucSetting<i32> = GucSetting::<i32>::new(-1);
pub(super) static DB_POOL_ACQUISITION_TIMEOUT: GucSetting<i32> = GucSetting::<i32>::new(10);
pub(super) static DB_TX_END: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(Some(c"commit"));
pub(super) static DB_AGGREGATES_ENABLED: GucSetting<bool> = GucSetting::<bool>::new(false);
pub(super) static DB_PLAN_ENABLED: GucSetting<bool> = GucSetting::<bool>::new(false);
pub(super) static ALLOW_PRIVILEGED_AUTHENTICATOR: GucSetting<bool> = GucSetting::<bool>::new(false);
pub(super) static ADMIN_SERVER_PORT: GucSetting<i32> = GucSetting::<i32>::new(0);
pub(super) static SERVER_TIMING_ENABLED: GucSetting<bool> = GucSetting::<bool>::new(false);
pub(super) static REQUEST_STATS: GucSetting<bool> = GucSetting::<bool>::new(true);
pub(super) static LOG_QUERY: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(Some(c"disabled"));
pub(super) static OPENAPI_MODE: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(Some(c"follow-privileges"));
pub(super) static OPENAPI_SERVER_PROXY_URI: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(None);
pub(super) static OPENAPI_SECURITY_ACTIVE: GucSetting<bool> = GucSetting::<bool>::new(false);
pub(super) static DB_HOISTED_TX_SETTINGS: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(Some(
        c"statement_timeout,plan_filter.statement_cost_limit,default_transaction_isolation",
    ));

pub(super) static LOG_LEVEL: GucSetting<i32> = GucSetting::<i32>::new(LogLevel::Error as i32);

fn env_first(names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()))
}

/// Sets a string GUC's boot value from the environment before it is defined.
fn env_boot_string(setting: &'static GucSetting<Option<CString>>, env: &[&str]) {
    if let Some(v) = env_first(env).and_then(|v| CString::new(v).ok()) {
        // Postgres keeps the boot value pointer for the life of the process; leak it on purpose.
        // SAFETY: in `_PG_init`, before the GUC is defined: nothing else reads the boot value yet.
        unsafe { *setting.as_ptr() = v.into_raw() };
    }
}

fn env_boot_bool(setting: &'static GucSetting<bool>, env: &[&str]) {
    if let Some(v) = env_first(env) {
        // SAFETY (both arms): in `_PG_init`, before the GUC is defined.
        match v.trim().to_ascii_lowercase().as_str() {
            "true" | "on" | "yes" | "1" => unsafe { *setting.as_ptr() = true },
            "false" | "off" | "no" | "0" => unsafe { *setting.as_ptr() = false },
            _ => pgrx::warning!("budgetbee: ignoring {}={v:?}: not a boolean", env[0]),
        }
    }
}

fn env_boot_int(setting: &'static GucSetting<i32>, env: &[&str]) {
    if let Some(v) = env_first(env) {
        match v.trim().parse::<i32>() {
            // SAFETY: in `_PG_init`, before the GUC is defined.
            Ok(n) => unsafe { *setting.as_ptr() = n },
            Err(_) => pgrx::warning!("budgetbee: ignoring {}={v:?}: not an integer", env[0]),
        }
    }
}

/// Registers every `budgetbee.*` GUC. Called once from `_PG_init` in the postmaster.
pub fn define_gucs() {
    env_boot_string(&SERVER_HOST, &["PGRST_SERVER_HOST"]);
    env_boot_int(&SERVER_PORT, &["PGRST_SERVER_PORT"]);
    env_boot_int(&DB_POOL, &["PGRST_DB_POOL"]);
    env_boot_int(
        &DB_POOL_ACQUISITION_TIMEOUT,
        &["PGRST_DB_POOL_ACQUISITION_TIMEOUT", "PGRST_DB_POOL_TIMEOUT"],
    );
    env_boot_string(&DB_SCHEMAS, &["PGRST_DB_SCHEMAS", "PGRST_DB_SCHEMA"]);
    env_boot_string(&DB_EXTRA_SEARCH_PATH, &["PGRST_DB_EXTRA_SEARCH_PATH"]);
    env_boot_string(&DB_ANON_ROLE, &["PGRST_DB_ANON_ROLE"]);
    env_boot_string(&DB_AUTHENTICATED_ROLE, &["PGRST_DB_AUTHENTICATED_ROLE"]);
    env_boot_string(&JWT_SECRET, &["PGRST_JWT_SECRET"]);
    env_boot_string(&DB_TX_END, &["PGRST_DB_TX_END"]);
    env_boot_string(
        &SERVER_CORS_ALLOWED_ORIGINS,
        &["PGRST_SERVER_CORS_ALLOWED_ORIGINS"],
    );
    env_boot_string(
        &DB_PRE_REQUEST,
        &["PGRST_DB_PRE_REQUEST", "PGRST_PRE_REQUEST"],
    );
    env_boot_bool(&JWT_SECRET_IS_BASE64, &["PGRST_JWT_SECRET_IS_BASE64"]);
    env_boot_string(&JWT_AUD, &["PGRST_JWT_AUD"]);
    env_boot_string(&JWT_ROLE_CLAIM_KEY, &["PGRST_JWT_ROLE_CLAIM_KEY"]);
    env_boot_string(&JWKS_URL, &["BUDGETBEE_JWKS_URL"]);
    env_boot_int(&DB_MAX_ROWS, &["PGRST_DB_MAX_ROWS", "PGRST_MAX_ROWS"]);
    env_boot_bool(&DB_PREPARED_STATEMENTS, &["PGRST_DB_PREPARED_STATEMENTS"]);
    env_boot_bool(&DB_AGGREGATES_ENABLED, &["PGRST_DB_AGGREGATES_ENABLED"]);
    env_boot_bool(&DB_PLAN_ENABLED, &["PGRST_DB_PLAN_ENABLED"]);
    env_boot_string(&DB_HOISTED_TX_SETTINGS, &["PGRST_DB_HOISTED_TX_SETTINGS"]);
    env_boot_string(&OPENAPI_MODE, &["PGRST_OPENAPI_MODE"]);
    env_boot_int(&ADMIN_SERVER_PORT, &["PGRST_ADMIN_SERVER_PORT"]);
    env_boot_bool(&SERVER_TIMING_ENABLED, &["PGRST_SERVER_TIMING_ENABLED"]);
    env_boot_string(&LOG_QUERY, &["PGRST_LOG_QUERY"]);
    env_boot_string(
        &OPENAPI_SERVER_PROXY_URI,
        &["PGRST_OPENAPI_SERVER_PROXY_URI"],
    );
    env_boot_bool(&OPENAPI_SECURITY_ACTIVE, &["PGRST_OPENAPI_SECURITY_ACTIVE"]);
    env_boot_string(&DB_URI, &["PGRST_DB_URI"]);
    if let Some(level) = env_first(&["PGRST_LOG_LEVEL"]) {
        match LogLevel::parse(&level) {
            // SAFETY: in `_PG_init`, before the GUC is defined.
            Some(l) => unsafe { *LOG_LEVEL.as_ptr() = l as i32 },
            None => pgrx::warning!("budgetbee: ignoring PGRST_LOG_LEVEL={level:?}"),
        }
    }

    GucRegistry::define_string_guc(
        c"budgetbee.server_host",
        c"Address the HTTP API listens on (PGRST_SERVER_HOST).",
        c"An IP address or host name; * or !4 for all IPv4 addresses, *6 or !6 for all IPv6.",
        &SERVER_HOST,
        GucContext::Postmaster,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"budgetbee.server_port",
        c"TCP port the HTTP API listens on (PGRST_SERVER_PORT).",
        c"0 lets the kernel choose a free port.",
        &SERVER_PORT,
        0,
        65535,
        GucContext::Postmaster,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"budgetbee.db_pool",
        c"Number of HTTP worker processes, each serving one request at a time (PGRST_DB_POOL).",
        c"Each worker takes a max_worker_processes slot.",
        &DB_POOL,
        0,
        1024,
        GucContext::Postmaster,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"budgetbee.db_schemas",
        c"Comma-separated schemas exposed by the API; the first is the default (PGRST_DB_SCHEMAS).",
        c"PostgREST's singular PGRST_DB_SCHEMA is honoured too.",
        &DB_SCHEMAS,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"budgetbee.db_extra_search_path",
        c"Schemas appended to search_path in every request (PGRST_DB_EXTRA_SEARCH_PATH).",
        c"",
        &DB_EXTRA_SEARCH_PATH,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"budgetbee.db_anon_role",
        c"Role used for requests without a JWT (PGRST_DB_ANON_ROLE).",
        c"When unset, anonymous requests are refused with 401 PGRST302.",
        &DB_ANON_ROLE,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"budgetbee.db_authenticated_role",
        c"Role for a valid JWT without a role claim (PGRST_DB_AUTHENTICATED_ROLE).",
        c"Unset: such a token runs as budgetbee.db_anon_role, as in PostgREST.",
        &DB_AUTHENTICATED_ROLE,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"budgetbee.db_pre_request",
        c"Function called in every request after its settings, before the query (PGRST_DB_PRE_REQUEST).",
        c"schema.function; it may raise to refuse the request or set response.headers.",
        &DB_PRE_REQUEST,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"budgetbee.primary_url",
        c"On a hot standby: the primary's API URL, named in the 405 PGRST901 a write gets and given as its Location.",
        c"e.g. http://db-primary:3000. Unset: the error names no URL.",
        &PRIMARY_URL,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"budgetbee.server_cors_allowed_origins",
        c"Comma-separated origins browsers may call the API from (PGRST_SERVER_CORS_ALLOWED_ORIGINS).",
        c"Unset: any origin, as PostgREST. Listed origins are echoed with Access-Control-Allow-Credentials.",
        &SERVER_CORS_ALLOWED_ORIGINS,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"budgetbee.server_max_body_bytes",
        c"Largest request body accepted; larger ones get 413 without being read.",
        c"Default 10 MiB.",
        &SERVER_MAX_BODY_BYTES,
        0,
        i32::MAX,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"budgetbee.db_pool_acquisition_timeout",
        c"Seconds a request may wait for a worker before 504 PGRST003 (PGRST_DB_POOL_ACQUISITION_TIMEOUT, PGRST_DB_POOL_TIMEOUT).",
        c"Default 10, as PostgREST's db-pool-acquisition-timeout.",
        &DB_POOL_ACQUISITION_TIMEOUT,
        1,
        86400,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_bool_guc(
        c"budgetbee.allow_privileged_authenticator",
        c"Serve although the authenticator is a superuser or has BYPASSRLS (off: the workers refuse, 503).",
        c"Either lets any SQL a request reaches escape row-level security.",
        &ALLOW_PRIVILEGED_AUTHENTICATOR,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"budgetbee.server_max_header_bytes",
        c"Largest request line plus headers; larger gets 431 (a target over 65,534 bytes gets 414).",
        c"At least 8192. Default 100 KiB. New connections take a changed value.",
        &SERVER_MAX_HEADER_BYTES,
        8192,
        i32::MAX,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"budgetbee.server_header_timeout",
        c"Seconds a client may take to send a request's line and headers; a slower one is disconnected.",
        c"Default 30. New connections take a changed value.",
        &SERVER_HEADER_TIMEOUT,
        1,
        3600,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"budgetbee.server_max_connections",
        c"Most client connections one worker holds open; at the limit it accepts no more until one closes.",
        c"Default 1000. Further connections wait in the listening socket's backlog for any worker.",
        &SERVER_MAX_CONNECTIONS,
        1,
        1_000_000,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"budgetbee.server_front_workers",
        c"New connections go to the first this many workers until each holds several or is held up; 0 spreads them over all workers.",
        c"Default -1: one per CPU core. Fewer workers holding connections each find their next request already queued.",
        &SERVER_FRONT_WORKERS,
        -1,
        1024,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_bool_guc(
        c"budgetbee.server_hand_off",
        c"A request arriving on a connection whose worker is busy is relayed to an idle worker instead of waiting.",
        c"Keep-alive connections stay with the worker that accepted them; this keeps them from waiting behind its slow requests. A request is relayed once a core is free to run it, or after 100 ms.",
        &SERVER_HAND_OFF,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_bool_guc(
        c"budgetbee.server_batch_scheduling",
        c"Each worker's I/O thread runs under SCHED_BATCH, so an answer waking it does not preempt the worker's backend.",
        c"Fewer context switches per request on Linux; off gives the I/O thread the default policy again.",
        &SERVER_BATCH_SCHEDULING,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_bool_guc(
        c"budgetbee.server_group_commit",
        c"A worker answers the writes it served back to back after one WAL flush for all of them, instead of one flush each.",
        c"Each write still waits for its commit to be on disk before it is answered; others may see it before that, as with synchronous_commit = off. Only where the flush is local (no synchronous standbys).",
        &SERVER_GROUP_COMMIT,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"budgetbee.server_stream_rows",
        c"A JSON read, or call of a non-VOLATILE function returning rows, answering more rows than this is streamed (chunked) as Postgres produces them; 0 never streams.",
        c"Smaller answers are sent whole with Content-Length. Default 1000.",
        &SERVER_STREAM_ROWS,
        0,
        i32::MAX,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"budgetbee.db_tx_end",
        c"How request transactions end: commit, commit-allow-override, rollback, rollback-allow-override (PGRST_DB_TX_END).",
        c"With -allow-override, Prefer: tx=commit|rollback decides.",
        &DB_TX_END,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"budgetbee.jwt_secret",
        c"JWT verification key: an HMAC secret (32+ characters), a JWK or a JWKS, or @file (PGRST_JWT_SECRET).",
        c"Reloadable: ALTER SYSTEM + pg_reload_conf() takes effect without a restart.",
        &JWT_SECRET,
        GucContext::Sighup,
        GucFlags::SUPERUSER_ONLY,
    );
    GucRegistry::define_bool_guc(
        c"budgetbee.jwt_secret_is_base64",
        c"The HMAC secret is base64 encoded (PGRST_JWT_SECRET_IS_BASE64).",
        c"",
        &JWT_SECRET_IS_BASE64,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"budgetbee.jwt_aud",
        c"Audience a token's aud claim must contain (PGRST_JWT_AUD).",
        c"Unset: any audience.",
        &JWT_AUD,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"budgetbee.jwt_role_claim_key",
        c"Path of the role claim, PostgREST's JSPath such as .role or .app.roles[0] (PGRST_JWT_ROLE_CLAIM_KEY).",
        c"",
        &JWT_ROLE_CLAIM_KEY,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"budgetbee.jwt_cache_max_entries",
        c"Verified tokens cached per worker; 0 disables the cache.",
        c"Entries never outlive the token's exp.",
        &JWT_CACHE_MAX_ENTRIES,
        0,
        1_000_000,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"budgetbee.jwks_url",
        c"http:// URL of a JWKS (e.g. Better Auth's /api/auth/jwks) fetched and refreshed by the workers.",
        c"Its keys are used beside budgetbee.jwt_secret; a failed fetch keeps the last good keys.",
        &JWKS_URL,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"budgetbee.jwks_refresh_interval",
        c"Seconds between JWKS refreshes.",
        c"",
        &JWKS_REFRESH_INTERVAL,
        1,
        86_400,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"budgetbee.jwks_min_refresh_interval",
        c"Least seconds between JWKS fetches triggered by tokens naming an unknown kid.",
        c"Keeps tokens with made-up kids from flooding the issuer.",
        &JWKS_MIN_REFRESH_INTERVAL,
        0,
        86_400,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"budgetbee.db_max_rows",
        c"Most rows a read returns; 0 means no limit (PGRST_DB_MAX_ROWS).",
        c"Also the threshold of Prefer: count=estimated.",
        &DB_MAX_ROWS,
        0,
        i32::MAX,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_bool_guc(
        c"budgetbee.db_prepared_statements",
        c"Keep each statement shape prepared in every worker (PGRST_DB_PREPARED_STATEMENTS).",
        c"Off re-plans every request; useful to measure what plan reuse buys.",
        &DB_PREPARED_STATEMENTS,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_bool_guc(
        c"budgetbee.db_aggregates_enabled",
        c"Allow aggregate functions (count(), sum(), avg(), max(), min()) in select (PGRST_DB_AGGREGATES_ENABLED).",
        c"Off: they are refused with 400 PGRST123, as in PostgREST; one aggregate over a large table can be costly.",
        &DB_AGGREGATES_ENABLED,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_bool_guc(
        c"budgetbee.db_plan_enabled",
        c"Answer Accept: application/vnd.pgrst.plan with the request's EXPLAIN (PGRST_DB_PLAN_ENABLED).",
        c"Off: such a request gets 406 PGRST107, as in PostgREST. A plan shows the schema's internals; keep it to testing.",
        &DB_PLAN_ENABLED,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"budgetbee.admin_server_port",
        c"Port of the admin server: GET /live, /ready, /metrics (PGRST_ADMIN_SERVER_PORT).",
        c"0 (the default) turns it off. It listens on budgetbee.server_host.",
        &ADMIN_SERVER_PORT,
        0,
        65535,
        GucContext::Postmaster,
        GucFlags::default(),
    );
    GucRegistry::define_bool_guc(
        c"budgetbee.server_timing_enabled",
        c"Send a Server-Timing header (jwt, parse, plan, transaction, response) with every answer (PGRST_SERVER_TIMING_ENABLED).",
        c"",
        &SERVER_TIMING_ENABLED,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_bool_guc(
        c"budgetbee.request_stats",
        c"Count every request by method, route kind and status, with its latency (budgetbee.request_stats, /metrics).",
        c"On by default: a few atomic additions per request in shared memory.",
        &REQUEST_STATS,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"budgetbee.log_query",
        c"main-query logs the SQL of every request at log_level info; disabled (the default) does not (PGRST_LOG_QUERY).",
        c"",
        &LOG_QUERY,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"budgetbee.openapi_mode",
        c"What GET / describes: follow-privileges, ignore-privileges or disabled (PGRST_OPENAPI_MODE).",
        c"follow-privileges lists only what the requesting role may use; disabled answers 404 PGRST126.",
        &OPENAPI_MODE,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"budgetbee.openapi_server_proxy_uri",
        c"URL clients reach the API at, for the OpenAPI host, basePath and schemes (PGRST_OPENAPI_SERVER_PROXY_URI).",
        c"Unset: server_host:server_port over http.",
        &OPENAPI_SERVER_PROXY_URI,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_bool_guc(
        c"budgetbee.openapi_security_active",
        c"Describe JWT bearer authentication in the OpenAPI document (PGRST_OPENAPI_SECURITY_ACTIVE).",
        c"",
        &OPENAPI_SECURITY_ACTIVE,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"budgetbee.db_hoisted_tx_settings",
        c"Settings a function's SET clauses apply to its whole request transaction (PGRST_DB_HOISTED_TX_SETTINGS).",
        c"Comma-separated names; default statement_timeout, plan_filter.statement_cost_limit, default_transaction_isolation.",
        &DB_HOISTED_TX_SETTINGS,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"budgetbee.db_uri",
        c"PostgREST connection string (PGRST_DB_URI); workers serve its database as its user.",
        c"Only the database name and user are used; budgetbee.database and budgetbee.authenticator override them.",
        &DB_URI,
        GucContext::Postmaster,
        GucFlags::SUPERUSER_ONLY,
    );
    GucRegistry::define_string_guc(
        c"budgetbee.database",
        c"Database the workers serve (default: from budgetbee.db_uri, else postgres).",
        c"",
        &DATABASE,
        GucContext::Postmaster,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"budgetbee.authenticator",
        c"Role the workers log in as (default: from budgetbee.db_uri, else authenticator).",
        c"It should be a NOINHERIT, non-superuser role granted every role requests switch to.",
        &AUTHENTICATOR,
        GucContext::Postmaster,
        GucFlags::default(),
    );
    define_log_level(GucContext::Sighup);
}

/// pgrx's enum GUCs take a compile-time boot value; ours comes from the environment, so the enum
/// is defined through the C API directly.
fn define_log_level(context: GucContext) {
    let mut entries: Vec<pg_sys::config_enum_entry> = LOG_LEVEL_NAMES
        .iter()
        .map(|(name, level)| pg_sys::config_enum_entry {
            name: name.as_ptr(),
            val: *level as i32,
            hidden: false,
        })
        .collect();
    entries.push(pg_sys::config_enum_entry {
        name: std::ptr::null(),
        val: 0,
        hidden: false,
    });
    let entries = Box::leak(entries.into_boxed_slice());
    // SAFETY: every pointer handed over is 'static (C string literals, the leaked entries, the
    // GUC's own storage), as Postgres keeps them for the life of the process.
    unsafe {
        pg_sys::DefineCustomEnumVariable(
            c"budgetbee.log_level".as_ptr(),
            c"Which requests are logged: crit, error (5xx), warn (4xx), info (all), debug (PGRST_LOG_LEVEL).".as_ptr(),
            c"".as_ptr(),
            LOG_LEVEL.as_ptr(),
            *LOG_LEVEL.as_ptr(),
            entries.as_ptr(),
            context as isize as _,
            0,
            None,
            None,
            None,
        );
    }
}
