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
    last_attempt: Option<Instant>,
    reloads_seen: u64,
    cache: cache::TokenCache,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
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
        s.refresh_keys(cfg, None);
        let now = now();
        if let Some(hit) = s.cache.get(token, now) {
            return Ok(hit);
        }
        let mut keys = s.keys();
        if keys.keys.is_empty() {
            return Err(Error::jwt_secret_missing());
        }
        // A token naming a key we do not have: the issuer may have rotated. Refetch (within the
        // cooldown) before refusing it.
        if let Some(kid) = jwt::kid_of(token) {
            if !keys.has_kid(&kid) && s.url.is_some() {
                s.refresh_keys(cfg, Some(&kid));
                keys = s.keys();
            }
        }
        let mut claims = jwt::verify(token, &keys)?;
        claims::validate(&claims, now, cfg.jwt_aud.as_deref())?;
        let path = claims::parse_path(&cfg.jwt_role_claim_key).unwrap_or_default();
        let role = claims::role_at(&claims, &path)
            .or_else(|| cfg.db_authenticated_role.clone())
            .or_else(|| anon.map(str::to_string))
            .ok_or_else(Error::anonymous_disabled)?;
        claims.insert("role".into(), Value::String(role.clone()));
        let auth = Auth {
            authenticated: Some(role.as_str()) != anon,
            role,
            claims_json: Value::Object(claims.clone()).to_string(),
        };
        let exp = claims.get("exp").and_then(Value::as_f64).map(|e| e as i64);
        s.cache
            .insert(token, auth.clone(), exp, cfg.jwt_cache_max_entries);
        Ok(auth)
    })
}

impl State {
    fn keys(&self) -> KeySet {
        let mut all = self.secret_keys.clone().unwrap_or_default();
        if let Some(url_keys) = &self.url_keys {
            all.extend(url_keys);
        }
        all
    }

    /// Rebuilds the secret's keys when the configuration changed, and fetches `jwks_url` when
    /// it is due: first use, the refresh interval passed, `reload_jwks()` was called, or a
    /// token named an unknown `kid` (not more often than the cooldown allows). A failed fetch
    /// keeps the last good keys and is logged.
    fn refresh_keys(&mut self, cfg: &Config, unknown_kid: Option<&str>) {
        let source = (cfg.jwt_secret.clone(), cfg.jwt_secret_is_base64);
        if self.secret_source.as_ref() != Some(&source) {
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
        let reloads = JWKS_RELOADS.get().load(Ordering::Relaxed);
        let interval = Duration::from_secs(cfg.jwks_refresh_interval.max(1) as u64);
        let cooldown = Duration::from_secs(cfg.jwks_min_refresh_interval.max(0) as u64);
        let due = self.fetched_at.is_none_or(|t| t.elapsed() >= interval)
            || reloads != self.reloads_seen
            || unknown_kid.is_some();
        let cooled = self.last_attempt.is_none_or(|t| t.elapsed() >= cooldown)
            || reloads != self.reloads_seen;
        if !due || !cooled {
            return;
        }
        self.reloads_seen = reloads;
        self.last_attempt = Some(Instant::now());
        match jwks::fetch(&url) {
            Ok(keys) => {
                self.url_keys = Some(keys);
                self.fetched_at = Some(Instant::now());
                self.cache.clear();
            }
            Err(e) => pgrx::warning!(
                "budgetbee: could not fetch the JWKS, keeping the last good keys: {e}"
            ),
        }
    }
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
