//! Configuration: `budgetbee.*` GUCs with PostgREST's `PGRST_*` environment variables as
//! fallbacks, folded into one immutable [`Config`] snapshot per worker.
//!
//! Precedence is "explicitly set GUC, then environment, then built-in default". We get it by
//! making the environment value the GUC's boot value (see `gucs`): anything in postgresql.conf
//! or ALTER SYSTEM overrides it, and `SHOW` always tells the effective value.

mod gucs;

pub use gucs::define_gucs;
use gucs::*;
use std::ffi::{CStr, CString};

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
/// `server_front_workers`, for the I/O thread likewise.
pub static FRONT_WORKERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
/// `server_hand_off`, for the I/O thread likewise.
pub static HAND_OFF: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);
/// How long a request may wait for a worker's main thread, for the I/O thread likewise.
pub static ACQUISITION_TIMEOUT_SECS: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(10);

/// PostgREST's `log-level` values, in increasing verbosity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Crit = 0,
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
}

pub(super) const LOG_LEVEL_NAMES: [(&CStr, LogLevel); 5] = [
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
    /// The I/O thread under `SCHED_BATCH` (else the default policy).
    pub server_batch_scheduling: bool,
    /// Writes served back to back share one WAL flush before they are answered.
    pub server_group_commit: bool,
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
        let front = match SERVER_FRONT_WORKERS.get() {
            -1 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n.max(0) as usize,
        };
        FRONT_WORKERS.store(front, std::sync::atomic::Ordering::Relaxed);
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
            server_batch_scheduling: SERVER_BATCH_SCHEDULING.get(),
            server_group_commit: SERVER_GROUP_COMMIT.get(),
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
