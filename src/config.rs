//! Configuration: `budgetbee.*` GUCs with PostgREST's `PGRST_*` environment variables as
//! fallbacks, folded into one immutable [`Config`] snapshot per worker.
//!
//! Precedence is "explicitly set GUC, then environment, then built-in default". We get it by
//! making the environment value the GUC's boot value: anything in postgresql.conf or ALTER SYSTEM
//! overrides it, and `SHOW` always tells the effective value.

// FFI edge: GUC boot values and an enum GUC defined through Postgres's C API.
#![allow(unsafe_code)]

use pgrx::guc::{GucContext, GucFlags, GucRegistry, GucSetting};
use pgrx::pg_sys;
use std::ffi::{CStr, CString};

static SERVER_HOST: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(Some(c"127.0.0.1"));
static SERVER_PORT: GucSetting<i32> = GucSetting::<i32>::new(3000);
static DB_POOL: GucSetting<i32> = GucSetting::<i32>::new(10);
static DB_SCHEMAS: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(Some(c"public"));
static DB_EXTRA_SEARCH_PATH: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(Some(c"public"));
static DB_ANON_ROLE: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
static DB_URI: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
static DATABASE: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
static AUTHENTICATOR: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
static DB_MAX_ROWS: GucSetting<i32> = GucSetting::<i32>::new(0);
static DB_PREPARED_STATEMENTS: GucSetting<bool> = GucSetting::<bool>::new(true);
static DB_AUTHENTICATED_ROLE: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(None);
static JWT_SECRET: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
static JWT_SECRET_IS_BASE64: GucSetting<bool> = GucSetting::<bool>::new(false);
static JWT_AUD: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
static JWT_ROLE_CLAIM_KEY: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(Some(c".role"));
static JWT_CACHE_MAX_ENTRIES: GucSetting<i32> = GucSetting::<i32>::new(1000);
static JWKS_URL: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
static JWKS_REFRESH_INTERVAL: GucSetting<i32> = GucSetting::<i32>::new(300);
static JWKS_MIN_REFRESH_INTERVAL: GucSetting<i32> = GucSetting::<i32>::new(10);
static DB_PRE_REQUEST: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
static PRIMARY_URL: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
static SERVER_CORS_ALLOWED_ORIGINS: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(None);
static SERVER_MAX_BODY_BYTES: GucSetting<i32> = GucSetting::<i32>::new(10 * 1024 * 1024);
static SERVER_STREAM_ROWS: GucSetting<i32> = GucSetting::<i32>::new(1000);
static SERVER_MAX_HEADER_BYTES: GucSetting<i32> = GucSetting::<i32>::new(100 * 1024);
static SERVER_HEADER_TIMEOUT: GucSetting<i32> = GucSetting::<i32>::new(30);
static SERVER_HAND_OFF: GucSetting<bool> = GucSetting::<bool>::new(true);
static SERVER_MAX_CONNECTIONS: GucSetting<i32> = GucSetting::<i32>::new(1000);
static DB_POOL_ACQUISITION_TIMEOUT: GucSetting<i32> = GucSetting::<i32>::new(10);
static DB_TX_END: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(Some(c"commit"));
static DB_AGGREGATES_ENABLED: GucSetting<bool> = GucSetting::<bool>::new(false);
static DB_PLAN_ENABLED: GucSetting<bool> = GucSetting::<bool>::new(false);
static ALLOW_PRIVILEGED_AUTHENTICATOR: GucSetting<bool> = GucSetting::<bool>::new(false);
static ADMIN_SERVER_PORT: GucSetting<i32> = GucSetting::<i32>::new(0);
static SERVER_TIMING_ENABLED: GucSetting<bool> = GucSetting::<bool>::new(false);
static REQUEST_STATS: GucSetting<bool> = GucSetting::<bool>::new(true);
static LOG_QUERY: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(Some(c"disabled"));
static OPENAPI_MODE: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(Some(c"follow-privileges"));
static OPENAPI_SERVER_PROXY_URI: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(None);
static OPENAPI_SECURITY_ACTIVE: GucSetting<bool> = GucSetting::<bool>::new(false);
static DB_HOISTED_TX_SETTINGS: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(
    Some(c"statement_timeout,plan_filter.statement_cost_limit,default_transaction_isolation"),
);

/// `server-cors-allowed-origins`, readable from the I/O thread (which answers CORS): empty
/// lets any origin in, as PostgREST's default.
pub static CORS_ALLOWED_ORIGINS: std::sync::RwLock<Vec<String>> =
    std::sync::RwLock::new(Vec::new());

/// The body limit, readable from the I/O thread (which has no Config): the main thread stores
/// it on every (re)load.
pub static MAX_BODY_BYTES: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(10 * 1024 * 1024);

/// The request head limit and the seconds a head may take, for the I/O thread likewise.
pub static MAX_HEADER_BYTES: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(100 * 1024);
pub static HEADER_TIMEOUT_SECS: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(30);
/// `server_max_connections`, for the I/O thread likewise.
pub static MAX_CONNECTIONS: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(1000);
/// `server_hand_off`, for the I/O thread likewise.
pub static HAND_OFF: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);
/// How long a request may wait for a worker's main thread, for the I/O thread likewise.
pub static ACQUISITION_TIMEOUT_SECS: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(10);

static LOG_LEVEL: GucSetting<i32> = GucSetting::<i32>::new(LogLevel::Error as i32);

/// PostgREST's `log-level` values, in increasing verbosity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Crit = 0,
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
}

const LOG_LEVEL_NAMES: [(&CStr, LogLevel); 5] = [
    (c"crit", LogLevel::Crit),
    (c"error", LogLevel::Error),
    (c"warn", LogLevel::Warn),
    (c"info", LogLevel::Info),
    (c"debug", LogLevel::Debug),
];

impl LogLevel {
    pub fn parse(s: &str) -> Option<LogLevel> {
        LOG_LEVEL_NAMES
            .iter()
            .find(|(name, _)| {
                name.to_str()
                    .is_ok_and(|n| n.eq_ignore_ascii_case(s.trim()))
            })
            .map(|(_, l)| *l)
    }
}

/// PostgREST's `db-tx-end`: how a request's transaction ends, and whether `Prefer: tx=` may
/// change it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxEnd {
    Commit,
    CommitAllowOverride,
    Rollback,
    RollbackAllowOverride,
}

impl TxEnd {
    /// Unknown values commit, as PostgREST's default does.
    pub fn parse(s: &str) -> TxEnd {
        match s.trim() {
            "commit-allow-override" => TxEnd::CommitAllowOverride,
            "rollback" => TxEnd::Rollback,
            "rollback-allow-override" => TxEnd::RollbackAllowOverride,
            _ => TxEnd::Commit,
        }
    }

    pub fn rolls_back(self) -> bool {
        matches!(self, TxEnd::Rollback | TxEnd::RollbackAllowOverride)
    }

    pub fn overridable(self) -> bool {
        matches!(
            self,
            TxEnd::CommitAllowOverride | TxEnd::RollbackAllowOverride
        )
    }
}

/// PostgREST's `openapi-mode`: what `GET /` describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenApiMode {
    /// Only what the requesting role may use (privileges checked per request).
    FollowPrivileges,
    /// Everything in the schema.
    IgnorePrivileges,
    /// `GET /` answers 404 PGRST126.
    Disabled,
}

impl OpenApiMode {
    /// Unknown values follow privileges, the default.
    pub fn parse(s: &str) -> OpenApiMode {
        match s.trim() {
            "ignore-privileges" => OpenApiMode::IgnorePrivileges,
            "disabled" => OpenApiMode::Disabled,
            _ => OpenApiMode::FollowPrivileges,
        }
    }
}

/// Everything a worker needs, read once from the GUCs on the main thread (and again on SIGHUP).
/// Owned Rust values only, so it may be shared with the I/O thread.
#[derive(Clone, Debug)]
pub struct Config {
    pub server_host: String,
    pub server_port: u16,
    pub db_pool: i32,
    pub db_schemas: Vec<String>,
    pub db_extra_search_path: Vec<String>,
    pub db_anon_role: Option<String>,
    /// Role for a valid token without a role claim (Budget Bee's `PGRST_DB_AUTHENTICATED_ROLE`).
    pub db_authenticated_role: Option<String>,
    pub jwt_secret: Option<String>,
    /// `db-pre-request`: a function called after the request settings, before the query.
    pub db_pre_request: Option<String>,
    /// `primary_url`: where a hot standby sends writes (PGRST901's hint and `Location`).
    pub primary_url: Option<String>,
    pub jwt_secret_is_base64: bool,
    pub jwt_aud: Option<String>,
    pub jwt_role_claim_key: String,
    pub jwt_cache_max_entries: i32,
    /// A read answering more rows than this streams its body (0: never).
    pub server_stream_rows: i32,
    pub jwks_url: Option<String>,
    pub jwks_refresh_interval: i32,
    pub jwks_min_refresh_interval: i32,
    pub db_tx_end: TxEnd,
    /// `db-aggregates-enabled`: `count()`, `sum()`, ... in `select`.
    pub db_aggregates_enabled: bool,
    /// `db-plan-enabled`: `Accept: application/vnd.pgrst.plan` answers the statement's EXPLAIN.
    pub db_plan_enabled: bool,
    /// Serve even when the authenticator is a superuser or has BYPASSRLS.
    pub allow_privileged_authenticator: bool,
    /// `admin-server-port`: `/live`, `/ready` and `/metrics` on this port; 0 turns it off.
    pub admin_server_port: u16,
    /// `server-timing-enabled`: a `Server-Timing` header on every answer.
    pub server_timing_enabled: bool,
    /// Count every request in `budgetbee.request_stats` and `/metrics` (budgetbee's own).
    pub request_stats: bool,
    /// `log-query = main-query`: log each request's SQL (at log_level info).
    pub log_query: bool,
    pub openapi_mode: OpenApiMode,
    /// `openapi-server-proxy-uri`: the URL clients reach the API at, for the document's
    /// host, basePath and schemes.
    pub openapi_server_proxy_uri: Option<String>,
    /// `openapi-security-active`: describe the JWT bearer scheme.
    pub openapi_security_active: bool,
    /// `db-hoisted-tx-settings`: a function's `SET` clauses that also apply to its whole
    /// request transaction.
    pub db_hoisted_tx_settings: Vec<String>,
    /// `db-max-rows`: the most rows any read returns; `None` when unlimited (0).
    pub db_max_rows: Option<i64>,
    /// `db-prepared-statements`: keep each statement shape prepared per worker.
    pub db_prepared_statements: bool,
    pub database: String,
    pub authenticator: String,
    pub log_level: LogLevel,
}

impl Config {
    /// Reads the current GUC values. Main thread only (pgrx enforces it).
    pub fn load() -> Config {
        // The I/O thread's limits: (its copy, the setting, the least value that makes sense).
        for (copy, setting, least) in [
            (&MAX_BODY_BYTES, &SERVER_MAX_BODY_BYTES, 0),
            (&MAX_HEADER_BYTES, &SERVER_MAX_HEADER_BYTES, 8192),
            (&HEADER_TIMEOUT_SECS, &SERVER_HEADER_TIMEOUT, 1),
            (&ACQUISITION_TIMEOUT_SECS, &DB_POOL_ACQUISITION_TIMEOUT, 1),
            (&MAX_CONNECTIONS, &SERVER_MAX_CONNECTIONS, 1),
        ] {
            copy.store(
                setting.get().max(least) as usize,
                std::sync::atomic::Ordering::Relaxed,
            );
        }
        HAND_OFF.store(SERVER_HAND_OFF.get(), std::sync::atomic::Ordering::Relaxed);
        let origins = split_list(
            &SERVER_CORS_ALLOWED_ORIGINS
                .get()
                .map(lossy)
                .unwrap_or_default(),
        );
        if let Ok(mut shared) = CORS_ALLOWED_ORIGINS.write() {
            *shared = origins;
        }
        let uri = DB_URI
            .get()
            .map(lossy)
            .map(|u| parse_db_uri(&u))
            .unwrap_or_default();
        Config {
            server_host: SERVER_HOST
                .get()
                .map(lossy)
                .unwrap_or_else(|| "127.0.0.1".into()),
            server_port: u16::try_from(SERVER_PORT.get()).unwrap_or(3000),
            db_pool: DB_POOL.get(),
            db_schemas: split_list(&DB_SCHEMAS.get().map(lossy).unwrap_or_default()),
            db_extra_search_path: split_list(
                &DB_EXTRA_SEARCH_PATH.get().map(lossy).unwrap_or_default(),
            ),
            db_anon_role: DB_ANON_ROLE.get().map(lossy).filter(|s| !s.is_empty()),
            db_authenticated_role: non_empty(DB_AUTHENTICATED_ROLE.get().map(lossy)),
            jwt_secret: non_empty(JWT_SECRET.get().map(lossy)),
            db_pre_request: non_empty(DB_PRE_REQUEST.get().map(lossy)),
            primary_url: non_empty(PRIMARY_URL.get().map(lossy)),
            jwt_secret_is_base64: JWT_SECRET_IS_BASE64.get(),
            jwt_aud: non_empty(JWT_AUD.get().map(lossy)),
            jwt_role_claim_key: non_empty(JWT_ROLE_CLAIM_KEY.get().map(lossy))
                .unwrap_or_else(|| ".role".into()),
            jwt_cache_max_entries: JWT_CACHE_MAX_ENTRIES.get(),
            server_stream_rows: SERVER_STREAM_ROWS.get(),
            jwks_url: non_empty(JWKS_URL.get().map(lossy)),
            jwks_refresh_interval: JWKS_REFRESH_INTERVAL.get(),
            jwks_min_refresh_interval: JWKS_MIN_REFRESH_INTERVAL.get(),
            db_tx_end: TxEnd::parse(&DB_TX_END.get().map(lossy).unwrap_or_default()),
            db_aggregates_enabled: DB_AGGREGATES_ENABLED.get(),
            db_plan_enabled: DB_PLAN_ENABLED.get(),
            allow_privileged_authenticator: ALLOW_PRIVILEGED_AUTHENTICATOR.get(),
            admin_server_port: u16::try_from(ADMIN_SERVER_PORT.get()).unwrap_or(0),
            server_timing_enabled: SERVER_TIMING_ENABLED.get(),
            request_stats: REQUEST_STATS.get(),
            log_query: LOG_QUERY
                .get()
                .map(lossy)
                .is_some_and(|v| v.trim() == "main-query"),
            openapi_mode: OpenApiMode::parse(&OPENAPI_MODE.get().map(lossy).unwrap_or_default()),
            openapi_server_proxy_uri: non_empty(OPENAPI_SERVER_PROXY_URI.get().map(lossy)),
            openapi_security_active: OPENAPI_SECURITY_ACTIVE.get(),
            db_hoisted_tx_settings: split_list(
                &DB_HOISTED_TX_SETTINGS.get().map(lossy).unwrap_or_default(),
            ),
            db_max_rows: Some(i64::from(DB_MAX_ROWS.get())).filter(|n| *n > 0),
            db_prepared_statements: DB_PREPARED_STATEMENTS.get(),
            database: non_empty(DATABASE.get().map(lossy))
                .or(uri.dbname)
                .unwrap_or_else(|| "postgres".into()),
            authenticator: non_empty(AUTHENTICATOR.get().map(lossy))
                .or(uri.user)
                .unwrap_or_else(|| "authenticator".into()),
            log_level: LOG_LEVEL_NAMES
                .get(LOG_LEVEL.get() as usize)
                .map(|(_, l)| *l)
                .unwrap_or(LogLevel::Error),
        }
    }

    /// The schema a request without a profile header uses.
    pub fn default_schema(&self) -> &str {
        self.db_schemas
            .first()
            .map(String::as_str)
            .unwrap_or("public")
    }
}

fn lossy(c: CString) -> String {
    c.to_string_lossy().into_owned()
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

/// `"a, b ,c"` → `["a","b","c"]` (PostgREST's list syntax for db-schemas and friends).
pub fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// The two parts of a libpq connection string the workers use.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DbUri {
    pub user: Option<String>,
    pub dbname: Option<String>,
}

/// Accepts both libpq forms: `postgres[ql]://user:pw@host:port/db?x=y` and `user=a dbname=b`.
pub fn parse_db_uri(uri: &str) -> DbUri {
    let uri = uri.trim();
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    if let Some(rest) = uri
        .strip_prefix("postgresql://")
        .or_else(|| uri.strip_prefix("postgres://"))
    {
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let user = authority
            .rsplit_once('@')
            .map(|(userinfo, _)| userinfo.split(':').next().unwrap_or(""))
            .filter(|u| !u.is_empty())
            .map(decode);
        let db = path.split('?').next().unwrap_or("");
        let mut out = DbUri {
            user,
            dbname: (!db.is_empty()).then(|| decode(db)),
        };
        // Query parameters may also carry user= / dbname=.
        if let Some((_, q)) = path.split_once('?') {
            for (k, v) in form_urlencoded::parse(q.as_bytes()) {
                match &*k {
                    "user" => out.user = Some(v.into_owned()),
                    "dbname" => out.dbname = Some(v.into_owned()),
                    _ => {}
                }
            }
        }
        return out;
    }
    let mut out = DbUri::default();
    for pair in uri.split_whitespace() {
        if let Some((k, v)) = pair.split_once('=') {
            let v = v.trim_matches('\'').to_string();
            match k {
                "user" => out.user = Some(v),
                "dbname" => out.dbname = Some(v),
                _ => {}
            }
        }
    }
    out
}

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
    GucRegistry::define_bool_guc(
        c"budgetbee.server_hand_off",
        c"A request arriving on a connection whose worker is busy is relayed to an idle worker instead of waiting.",
        c"Keep-alive connections stay with the worker that accepted them; this keeps them from waiting behind its slow requests.",
        &SERVER_HAND_OFF,
        GucContext::Sighup,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"budgetbee.server_stream_rows",
        c"A JSON read answering more rows than this is streamed (chunked) as Postgres produces them; 0 never streams.",
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

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn db_uri_url_form() {
        assert_eq!(
            parse_db_uri("postgres://root:secret@bu-postgres:5432/budgetbee"),
            DbUri {
                user: Some("root".into()),
                dbname: Some("budgetbee".into())
            }
        );
        assert_eq!(
            parse_db_uri("postgresql://auth%40x@h/my%20db?sslmode=disable"),
            DbUri {
                user: Some("auth@x".into()),
                dbname: Some("my db".into())
            }
        );
        assert_eq!(parse_db_uri("postgresql://"), DbUri::default());
        assert_eq!(
            parse_db_uri("postgresql:///?user=a&dbname=b"),
            DbUri {
                user: Some("a".into()),
                dbname: Some("b".into())
            }
        );
    }

    #[test]
    fn db_uri_keyword_form() {
        assert_eq!(
            parse_db_uri("host=x user=authenticator dbname='budgetbee'"),
            DbUri {
                user: Some("authenticator".into()),
                dbname: Some("budgetbee".into())
            }
        );
    }

    #[test]
    fn lists_and_levels() {
        assert_eq!(split_list(" public, api ,,x"), vec!["public", "api", "x"]);
        assert_eq!(LogLevel::parse("INFO"), Some(LogLevel::Info));
        assert_eq!(LogLevel::parse("verbose"), None);
        assert!(LogLevel::Debug > LogLevel::Warn);
    }
}
