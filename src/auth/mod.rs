//! Authentication: `Authorization: Bearer <jwt>` → the role a request runs as and the claims
//! SQL sees in `request.jwt.claims`, as PostgREST v13 decides them, plus what PostgREST cannot
//! do: keys from `jwks_url`, refreshed periodically, on an unknown `kid` and on
//! `budgetbee.reload_jwks()`, without a restart. Verified tokens are cached per worker.
//!
//! Runs on the worker's main thread (it reads the configuration snapshot there).

mod cache;
mod claims;
mod jwks;
mod jwt;
mod keys;

use crate::config::Config;
use crate::error::Error;
use keys::KeySet;
use pgrx::PgAtomic;
use serde_json::Value;
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Bumped by `budgetbee.reload_jwks()` in any backend; workers refetch when it moves.
#[allow(unsafe_code)] // FFI edge: a shared-memory counter.
// SAFETY: initialised once by pg_shmem_init! in `_PG_init`, before any worker starts.
pub static JWKS_RELOADS: PgAtomic<AtomicU64> = unsafe { PgAtomic::new(c"budgetbee_jwks_reloads") };

/// Who a request runs as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auth {
    pub role: String,
    /// `request.jwt.claims`: the token's claims with the effective role in `role`.
    pub claims_json: String,
    /// The role differs from the anonymous role (a 42501 is then 403, not 401).
    pub authenticated: bool,
}

#[derive(Default)]
struct State {
    /// The `(jwt_secret, is_base64)` the keys below were built from.
    secret_source: Option<(Option<String>, bool)>,
    secret_keys: Option<KeySet>,
    url: Option<String>,
    url_keys: Option<KeySet>,
    fetched_at: Option<Instant>,
    /// When the last fetch failed (it keeps the last good keys).
    failed_at: Option<Instant>,
    last_attempt: Option<Instant>,
    fetcher: Option<jwks::Fetcher>,
    reloads_seen: u64,
    cache: cache::TokenCache,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
    /// The worker's wake fd, so a finished JWKS fetch wakes the main thread.
    static WAKER: RefCell<Option<std::sync::Arc<crate::threads::Wake>>> = const { RefCell::new(None) };
}

/// Registers the worker's wake fd (once, at worker start).
pub fn set_waker(wake: std::sync::Arc<crate::threads::Wake>) {
    WAKER.with(|w| *w.borrow_mut() = Some(wake));
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The bearer token of an `Authorization` header (scheme case-insensitive); other schemes are
/// no token at all.
fn bearer(header: Option<&str>) -> Option<&str> {
    let h = header?.trim_start();
    let (scheme, rest) = h.split_at(h.find(' ').unwrap_or(h.len()));
    scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
}

pub fn authenticate(authorization: Option<&str>, cfg: &Config) -> Result<Auth, Error> {
    let anon = cfg.db_anon_role.as_deref();
    let Some(token) = bearer(authorization) else {
        let role = anon.ok_or_else(Error::anonymous_disabled)?;
        return Ok(Auth {
            role: role.to_string(),
            claims_json: serde_json::json!({ "role": role }).to_string(),
            authenticated: false,
        });
    };
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.refresh_keys(cfg, false);
        s.cache.set_capacity(cfg.jwt_cache_max_entries);
        let now = now();
        let counters = crate::stats::stats();
        if s.cache.enabled() {
            counters.jwt_cache_requests.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(hit) = s.cache.get(token, now) {
            counters.jwt_cache_hits.fetch_add(1, Ordering::Relaxed);
            return Ok(hit);
        }
        let mut keys = s.keys();
        // A token naming a key we do not have (the issuer may have rotated), or no key at all
        // yet (the issuer was down when this worker started): refetch, within the cooldown,
        // before refusing it.
        let unknown =
            keys.keys.is_empty() || jwt::kid_of(token).is_some_and(|kid| !keys.has_kid(&kid));
        if unknown && s.url.is_some() {
            s.refresh_keys(cfg, true);
            keys = s.keys();
        }
        if keys.keys.is_empty() {
            return Err(Error::jwt_secret_missing());
        }
        let policy = Policy {
            audience: cfg.jwt_aud.as_deref(),
            role_claim_key: &cfg.jwt_role_claim_key,
            anon,
            authenticated_role: cfg.db_authenticated_role.as_deref(),
        };
        let (auth, exp) = check(token, &keys, &policy, now)?;
        s.cache.insert(token, auth.clone(), exp);
        Ok(auth)
    })
}

/// What decides a verified token's role: PostgREST's `jwt-aud`, `jwt-role-claim-key`, the
/// anonymous role, and budgetbee's role for tokens without a role claim.
struct Policy<'a> {
    audience: Option<&'a str>,
    role_claim_key: &'a str,
    anon: Option<&'a str>,
    authenticated_role: Option<&'a str>,
}

/// A token against `keys`: its signature, its claims (exp, nbf, iat, aud), its role. Returns
/// who the request runs as and the token's expiry (for the cache).
fn check(
    token: &str,
    keys: &KeySet,
    policy: &Policy,
    now: i64,
) -> Result<(Auth, Option<i64>), Error> {
    let mut claims = jwt::verify(token, keys)?;
    claims::validate(&claims, now, policy.audience)?;
    let path = claims::parse_path(policy.role_claim_key).unwrap_or_default();
    let role = claims::role_at(&claims, &path)
        .or_else(|| policy.authenticated_role.map(str::to_string))
        .or_else(|| policy.anon.map(str::to_string))
        .ok_or_else(Error::anonymous_disabled)?;
    claims.insert("role".into(), Value::String(role.clone()));
    let auth = Auth {
        authenticated: Some(role.as_str()) != policy.anon,
        role,
        claims_json: Value::Object(claims.clone()).to_string(),
    };
    let exp = claims.get("exp").and_then(Value::as_f64).map(|e| e as i64);
    Ok((auth, exp))
}

/// `check` with an HMAC secret and a role claim path, for the fuzz target.
#[cfg(test)]
pub fn check_with_secret(token: &str, secret: &str, role_claim_key: &str) -> Result<Auth, Error> {
    let keys = KeySet::from_secret(secret, false).map_err(Error::internal)?;
    let policy = Policy {
        audience: Some("budgetbee"),
        role_claim_key,
        anon: Some("anon"),
        authenticated_role: Some("authenticated"),
    };
    check(token, &keys, &policy, now()).map(|(auth, _)| auth)
}

impl State {
    fn keys(&self) -> KeySet {
        let mut all = self.secret_keys.clone().unwrap_or_default();
        if let Some(url_keys) = &self.url_keys {
            all.extend(url_keys);
        }
        all
    }

    /// Rebuilds the secret's keys when the configuration changed, and refreshes `jwks_url`
    /// when it is due: never fetched yet, the refresh interval passed, `reload_jwks()` was
    /// called, or (`unknown_kid`) a token named a key we do not have, at most once per cooldown.
    /// Fetches run on the worker's JWKS thread; only an unknown `kid` waits (bounded) for the
    /// answer, since that request depends on it. A failed fetch keeps the last good keys.
    fn refresh_keys(&mut self, cfg: &Config, unknown_kid: bool) {
        // Compared by reference: this runs for every token and every idle tick, and the secret
        // can be a whole JWKS.
        let unchanged = self.secret_source.as_ref().is_some_and(|(secret, b64)| {
            secret.as_deref() == cfg.jwt_secret.as_deref() && *b64 == cfg.jwt_secret_is_base64
        });
        if !unchanged {
            let source = (cfg.jwt_secret.clone(), cfg.jwt_secret_is_base64);
            self.secret_keys = match &source.0 {
                Some(secret) => match KeySet::from_secret(secret, source.1) {
                    Ok(k) => Some(k),
                    Err(e) => {
                        pgrx::warning!("budgetbee: ignoring budgetbee.jwt_secret: {e}");
                        None
                    }
                },
                None => None,
            };
            self.secret_source = Some(source);
            self.cache.clear();
        }
        if self.url != cfg.jwks_url {
            self.url = cfg.jwks_url.clone();
            self.url_keys = None;
            self.fetched_at = None;
            self.last_attempt = None;
            self.cache.clear();
        }
        let Some(url) = self.url.clone() else { return };
        self.take_fetched(Duration::ZERO);
        let reloads = JWKS_RELOADS.get().load(Ordering::Relaxed);
        let interval = Duration::from_secs(cfg.jwks_refresh_interval.max(1) as u64);
        let cooldown = Duration::from_secs(cfg.jwks_min_refresh_interval.max(0) as u64);
        let reload_asked = reloads != self.reloads_seen;
        // Periodically; after a failure, retry no faster than the cooldown (at least 1 s).
        let retry_gap = cooldown.max(Duration::from_secs(1)).min(interval);
        let periodic = match self.last_attempt {
            None => true,
            Some(t) => {
                t.elapsed() >= retry_gap && self.fetched_at.is_none_or(|f| f.elapsed() >= interval)
            }
        };
        // Without any key every token fails, so a token may ask again after a second rather
        // than the whole cooldown.
        let kid_gap = if self.url_keys.as_ref().is_none_or(|k| k.keys.is_empty()) {
            cooldown.min(Duration::from_secs(1))
        } else {
            cooldown
        };
        let kid_due = unknown_kid && self.last_attempt.is_none_or(|t| t.elapsed() >= kid_gap);
        if !(reload_asked || periodic || kid_due) {
            return;
        }
        if self.fetcher.is_none() {
            match jwks::Fetcher::spawn(WAKER.with(|w| w.borrow().clone())) {
                Ok(f) => self.fetcher = Some(f),
                Err(e) => {
                    pgrx::warning!("budgetbee: cannot start the JWKS thread: {e}");
                    return;
                }
            }
        }
        self.reloads_seen = reloads;
        self.last_attempt = Some(Instant::now());
        if let Some(f) = self.fetcher.as_mut() {
            f.start(&url);
        }
        if unknown_kid || reload_asked {
            self.take_fetched(Duration::from_secs(3));
        }
    }

    /// Applies a finished fetch, waiting at most `wait` for one in flight.
    fn take_fetched(&mut self, wait: Duration) {
        let Some(result) = self.fetcher.as_mut().and_then(|f| f.poll(wait)) else {
            return;
        };
        match result {
            Ok(keys) => {
                self.url_keys = Some(keys);
                self.fetched_at = Some(Instant::now());
                self.cache.clear();
            }
            Err(e) => {
                self.failed_at = Some(Instant::now());
                pgrx::warning!(
                    "budgetbee: could not fetch the JWKS, keeping the last good keys: {e}"
                )
            }
        }
    }
}

/// `jwks_url`'s keys as `budgetbee.status()` shows them: how many the last fetch gave (`None`
/// without a URL), when (microseconds since the epoch, 0 never), and whether the last attempt
/// failed.
pub fn jwks_status() -> (Option<usize>, i64, bool) {
    STATE.with(|s| {
        let s = s.borrow();
        if s.url.is_none() {
            return (None, 0, false);
        }
        let ago = |t: Instant| crate::stats::now_us() - t.elapsed().as_micros() as i64;
        let failing = match (s.failed_at, s.fetched_at) {
            (Some(f), Some(ok)) => f > ok,
            (Some(_), None) => true,
            _ => false,
        };
        (
            Some(s.url_keys.as_ref().map_or(0, |k| k.keys.len())),
            s.fetched_at.map_or(0, ago),
            failing,
        )
    })
}

/// Called by the worker at start and whenever it wakes: keeps `jwks_url` fresh without waiting
/// for a request to need it.
pub fn tick(cfg: &Config) {
    STATE.with(|s| s.borrow_mut().refresh_keys(cfg, false));
}

#[cfg(test)]
mod unit {
    use super::bearer;

    #[test]
    fn bearer_scheme_is_case_insensitive() {
        assert_eq!(bearer(Some("Bearer abc")), Some("abc"));
        assert_eq!(bearer(Some("bearer  abc ")), Some("abc"));
        assert_eq!(bearer(Some("BEARER")), Some(""));
        assert_eq!(bearer(Some("Bearer ")), Some(""));
        assert_eq!(bearer(Some("Basic xyz")), None);
        assert_eq!(bearer(None), None);
    }
}
