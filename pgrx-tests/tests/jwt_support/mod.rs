//! Shared by the JWT test files: test keys from `fixtures/jwt/`, token builders (signed with
//! `jsonwebtoken`, or assembled by hand for the attack corpus), the exact error bodies and
//! `WWW-Authenticate` values PostgREST v13 sends, the fixture schema, and a table-driven runner
//! for owned (runtime-built) cases.
//!
//! PostgREST texts relied on (PostgREST/postgrest, `src/PostgREST/Error.hs`, `instance ErrorBody
//! JwtError` / `invalidTokenHeader` / `requiredTokenHeader`; `src/PostgREST/Auth/Jwt.hs`; the
//! `details` of KeyError/BadAlgorithm are jose-jwt's, `Jose/Jwt.hs` `decode`):
//! - PGRST300 500 "Server lacks JWT secret", no WWW-Authenticate.
//! - PGRST301 401 "Empty JWT is sent in Authorization header" | "Expected 3 parts in JWT; got N" |
//!   "No suitable key or wrong key type" (details: jose-jwt's KeyError text) | "Wrong or
//!   unsupported encoding algorithm" (details: jose-jwt's BadAlgorithm text) | "JWT cryptographic
//!   operation failed"; header
//!   `WWW-Authenticate: Bearer error="invalid_token", error_description=<show msg>`.
//! - PGRST302 401 "Anonymous access is disabled", `WWW-Authenticate: Bearer`.
//! - PGRST303 401 "JWT expired" | "JWT not yet valid" | "JWT issued at future" | "JWT not in
//!   audience" | "The JWT '<exp|nbf|iat>' claim must be a number" | "The JWT 'aud' claim must be a
//!   string or an array of strings"; same WWW-Authenticate form as PGRST301.
//! - Every error carries `Proxy-Status: PostgREST; error=<code>` (v13).

#![allow(dead_code)]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use budgetbee_e2e::{ABSENT, Cluster};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

/// HS secret for the symmetric clusters (≥ 32 characters, as v13 requires).
pub const HS_SECRET: &str = "budgetbee-e2e-hs256-secret-0123456789abcdef";
/// Another valid secret: what an attacker (or a stale client) signs with.
pub const OTHER_SECRET: &str = "not-the-budgetbee-secret-but-long-enough-0123";

/// The seed's `PGRST_JWT_AUD` (`NEXT_PUBLIC_APP_URL`).
pub const AUD: &str = "http://localhost:3000";

pub const JSON_CT: (&str, &str) = ("Content-Type", "application/json; charset=utf-8");

// jose-jwt's KeyError/BadAlgorithm texts (tekul/jose-jwt `Jose/Jwt.hs` `decode`), which PostgREST
// v13 puts in `details`. Also seen verbatim in PostgREST responses in the wild:
// `"details":"None of the keys was able to decode the JWT",`
// `"message":"No suitable key or wrong key type"`.
/// No configured key may verify this token: `kid` names no key, or key type / `alg` mismatch.
pub const NO_SUITABLE_KEY: &str = "No suitable key was found to decode the JWT";
/// Keys were tried and every signature check failed.
pub const NONE_OF_THE_KEYS: &str = "None of the keys was able to decode the JWT";
/// `alg: none`.
pub const UNSECURED: &str = "JWT is unsecured but expected 'alg' was not 'none'";

pub const MSG_KEY: &str = "No suitable key or wrong key type";
pub const MSG_ALG: &str = "Wrong or unsupported encoding algorithm";
pub const MSG_CRYPTO: &str = "JWT cryptographic operation failed";
pub const MSG_EMPTY: &str = "Empty JWT is sent in Authorization header";

/// Roles, the `me` view, an ungranted table and the seed-shaped RLS table. Loaded in every JWT
/// cluster after `CREATE EXTENSION budgetbee` (which ships `uid()`, `org_id()`, `org_role()` and
/// `jwt()` in schema `public`).
pub const FIXTURE: &str = r#"
CREATE ROLE authenticated NOLOGIN;
GRANT authenticated TO authenticator;
CREATE VIEW me AS SELECT
  uid() AS uid,
  org_id() AS org_id,
  org_role() AS org_role,
  current_user::text AS role,
  current_setting('request.jwt.claims', true) AS claims,
  jwt() AS jwt;
GRANT SELECT ON me TO anon, other_anon, authenticated;
CREATE TABLE secrets (id int);
INSERT INTO secrets VALUES (1);
-- Budget Bee's transactions, cut down to what the policy reads.
CREATE TABLE transactions (
  id int PRIMARY KEY,
  user_id text NOT NULL,
  organization_id text,
  name text NOT NULL
);
INSERT INTO transactions VALUES
  (1, 'user_a', NULL,    'a personal'),
  (2, 'user_b', NULL,    'b personal'),
  (3, 'user_a', 'org_1', 'org_1 by a'),
  (4, 'user_b', 'org_1', 'org_1 by b'),
  (5, 'user_b', 'org_2', 'org_2 by b');
ALTER TABLE transactions ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON transactions TO authenticated;
-- The seed's limit_transactions_select, with check_ac_current('transaction', 'list') reduced to
-- the organization role check it makes for reads.
CREATE POLICY limit_transactions_select ON transactions FOR SELECT TO authenticated USING (
  (organization_id IS NULL AND user_id = uid())
  OR (organization_id = org_id() AND org_role() IN ('owner', 'admin', 'editor', 'viewer'))
);
"#;

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/jwt")
        .join(name)
}

pub fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(fixture_path(name)).unwrap_or_else(|e| panic!("fixtures/jwt/{name}: {e}"))
}

/// The committed test keys (see `fixtures/jwt/README.md`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Key {
    Rsa,
    RsaRotated,
    Ec256,
    Ec384,
    Ed25519,
}

impl Key {
    pub const ALL: [Key; 5] = [
        Key::Rsa,
        Key::RsaRotated,
        Key::Ec256,
        Key::Ec384,
        Key::Ed25519,
    ];

    pub fn stem(self) -> &'static str {
        match self {
            Key::Rsa => "rsa",
            Key::RsaRotated => "rsa-rotated",
            Key::Ec256 => "ec256",
            Key::Ec384 => "ec384",
            Key::Ed25519 => "ed25519",
        }
    }

    pub fn kid(self) -> &'static str {
        match self {
            Key::Rsa => "bb-rsa-1",
            Key::RsaRotated => "bb-rsa-2",
            Key::Ec256 => "bb-es256",
            Key::Ec384 => "bb-es384",
            Key::Ed25519 => "bb-ed25519",
        }
    }

    /// The public JWK, as committed.
    pub fn jwk(self) -> Value {
        serde_json::from_slice(&fixture_bytes(&format!("{}.jwk.json", self.stem()))).unwrap()
    }

    pub fn jwk_text(self) -> String {
        String::from_utf8(fixture_bytes(&format!("{}.jwk.json", self.stem())))
            .unwrap()
            .trim()
            .to_string()
    }

    pub fn public_pem(self) -> Vec<u8> {
        fixture_bytes(&format!("{}.pub.pem", self.stem()))
    }

    pub fn encoding_key(self) -> EncodingKey {
        let pem = fixture_bytes(&format!("{}.pem", self.stem()));
        match self {
            Key::Rsa | Key::RsaRotated => EncodingKey::from_rsa_pem(&pem),
            Key::Ec256 | Key::Ec384 => EncodingKey::from_ec_pem(&pem),
            Key::Ed25519 => EncodingKey::from_ed_pem(&pem),
        }
        .unwrap_or_else(|e| panic!("{}.pem: {e}", self.stem()))
    }
}

/// A JWKS document `{"keys":[...]}` (the seed's `PGRST_JWT_SECRET` shape).
pub fn jwks(keys: &[Key]) -> String {
    let list: Vec<String> = keys.iter().map(|k| k.jwk_text()).collect();
    format!(r#"{{"keys":[{}]}}"#, list.join(","))
}

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Signs `claims` with `jsonwebtoken` (header `{"typ":"JWT","alg":...,"kid":...}`).
pub fn sign(alg: Algorithm, kid: Option<&str>, key: &EncodingKey, claims: &Value) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_string);
    jsonwebtoken::encode(&header, claims, key).unwrap_or_else(|e| panic!("sign {alg:?}: {e}"))
}

/// HMAC token (no `kid`) over `secret`.
pub fn hs(alg: Algorithm, secret: &[u8], claims: &Value) -> String {
    sign(alg, None, &EncodingKey::from_secret(secret), claims)
}

/// HS256 with [`HS_SECRET`].
pub fn hs256(claims: &Value) -> String {
    hs(Algorithm::HS256, HS_SECRET.as_bytes(), claims)
}

/// Asymmetric token carrying the key's `kid`.
pub fn asym(alg: Algorithm, key: Key, claims: &Value) -> String {
    sign(alg, Some(key.kid()), &key.encoding_key(), claims)
}

/// `header.payload.signature` from parts, for tokens no library will make.
pub fn raw_token(header: &Value, claims: &Value, signature: &[u8]) -> String {
    format!(
        "{}.{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes()),
        b64(signature)
    )
}

/// An unsecured JWT: `{"alg":"none"}` header, empty signature (`xxx.yyy.`).
pub fn unsecured(alg_value: &str, claims: &Value) -> String {
    raw_token(&json!({"alg": alg_value, "typ": "JWT"}), claims, b"")
}

/// The same header and signature with another payload (a forged claim set).
pub fn with_payload(token: &str, claims: &Value) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "{token}");
    format!(
        "{}.{}.{}",
        parts[0],
        b64(claims.to_string().as_bytes()),
        parts[2]
    )
}

/// The same header and payload with the signature's first byte changed.
pub fn with_flipped_signature(token: &str) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let mut sig = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    sig[0] ^= 0x01;
    format!("{}.{}.{}", parts[0], parts[1], b64(&sig))
}

pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Haskell `show` of a Text, for the message texts used here (ASCII): quotes, with `"` and `\`
/// escaped.
fn haskell_show(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => out.push_str(&format!("\\{}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// `WWW-Authenticate` of PGRST301/PGRST303 (`invalidTokenHeader` in Error.hs).
pub fn invalid_token(message: &str) -> String {
    format!(
        "Bearer error=\"invalid_token\", error_description={}",
        haskell_show(message)
    )
}

fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// PostgREST's error body: four keys, sorted, compact.
pub fn error_body(code: &str, details: Option<&str>, message: &str) -> String {
    format!(
        r#"{{"code":{},"details":{},"hint":null,"message":{}}}"#,
        q(code),
        details.map(q).unwrap_or_else(|| "null".into()),
        q(message)
    )
}

/// In `Check::expect_headers`, a value starting with this means "starts with the rest".
pub const PREFIX: &str = "\u{1}prefix:";

pub enum Body {
    /// Exact bytes.
    Exact(String),
    /// A JSON error whose `code` and `message` are these (details/hint not asserted).
    CodeMessage(String, String),
    /// A JSON error with this `code` (message, details, hint not asserted).
    Code(String),
}

/// One request and what must come back. Built at run time (tokens carry the current time).
pub struct Check {
    pub name: String,
    pub method: &'static str,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub status: u16,
    /// `(name, value)`; value [`ABSENT`] means "must not be sent".
    pub expect_headers: Vec<(String, String)>,
    pub body: Body,
}

impl Check {
    /// GET `path` with `Authorization: <authorization>` when given.
    pub fn get(name: &str, path: &str, authorization: Option<&str>) -> Check {
        Check {
            name: name.to_string(),
            method: "GET",
            path: path.to_string(),
            headers: authorization
                .map(|a| vec![("Authorization".to_string(), a.to_string())])
                .unwrap_or_default(),
            status: 0,
            expect_headers: Vec::new(),
            body: Body::Exact(String::new()),
        }
    }

    pub fn expect_header(mut self, name: &str, value: &str) -> Check {
        self.expect_headers.push((name.into(), value.into()));
        self
    }

    /// 200 with exactly `body`, no WWW-Authenticate.
    pub fn ok(mut self, body: &str) -> Check {
        self.status = 200;
        self.body = Body::Exact(body.to_string());
        self.expect_header(JSON_CT.0, JSON_CT.1)
            .expect_header("WWW-Authenticate", ABSENT)
    }

    /// A PGRST3xx error, with the status and headers Error.hs gives that code.
    pub fn jwt_error(mut self, code: &str, message: &str, details: Option<&str>) -> Check {
        self.body = Body::Exact(error_body(code, details, message));
        self.jwt_error_headers(code, message)
    }

    /// Like [`Check::jwt_error`] but only `code` and `message` of the body are asserted.
    pub fn jwt_error_loose(mut self, code: &str, message: &str) -> Check {
        self.body = Body::CodeMessage(code.into(), message.into());
        self.jwt_error_headers(code, message)
    }

    /// A PGRST301/PGRST303 error where only the code is pinned (and that WWW-Authenticate says
    /// `invalid_token`).
    pub fn jwt_error_code(mut self, code: &str) -> Check {
        self.status = 401;
        self.body = Body::Code(code.into());
        self.expect_header(JSON_CT.0, JSON_CT.1)
            .expect_header("Proxy-Status", &format!("PostgREST; error={code}"))
            .expect_header(
                "WWW-Authenticate",
                &format!("{PREFIX}Bearer error=\"invalid_token\", error_description=\""),
            )
    }

    fn jwt_error_headers(mut self, code: &str, message: &str) -> Check {
        let www = match code {
            "PGRST300" => ABSENT.to_string(),
            "PGRST302" => "Bearer".to_string(),
            _ => invalid_token(message),
        };
        self.status = if code == "PGRST300" { 500 } else { 401 };
        self.expect_header(JSON_CT.0, JSON_CT.1)
            .expect_header("Proxy-Status", &format!("PostgREST; error={code}"))
            .expect_header("WWW-Authenticate", &www)
    }

    /// A PostgreSQL error forwarded as PostgREST does; `www` is the WWW-Authenticate value
    /// (`Bearer` on every 401 PgError) or [`ABSENT`].
    pub fn pg_error(mut self, status: u16, code: &str, message: &str, www: &str) -> Check {
        self.status = status;
        self.body = Body::Exact(error_body(code, None, message));
        self.expect_header(JSON_CT.0, JSON_CT.1)
            .expect_header("WWW-Authenticate", www)
    }
}

/// Runs every check (each on a new connection), collecting all mismatches before failing.
pub fn run(cluster: &Cluster, checks: &[Check]) {
    let mut failures = Vec::new();
    for c in checks {
        let headers: Vec<(&str, &str)> = c
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = cluster.request(c.method, &c.path, &headers);
        let mut problems = Vec::new();
        if r.status != c.status {
            problems.push(format!("status {} (want {})", r.status, c.status));
        }
        for (name, value) in &c.expect_headers {
            let got = r.header(name);
            let fine = if value == ABSENT {
                got.is_none()
            } else if let Some(prefix) = value.strip_prefix(PREFIX) {
                got.is_some_and(|g| g.starts_with(prefix))
            } else {
                got == Some(value.as_str())
            };
            if !fine {
                problems.push(format!("{name}: {got:?} (want {value:?})"));
            }
        }
        match &c.body {
            Body::Exact(want) => {
                if &r.text() != want {
                    problems.push(format!("body {:?}\n      want {:?}", r.text(), want));
                }
            }
            Body::Code(code) => {
                let got: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
                if got["code"] != json!(code) {
                    problems.push(format!("body {:?}\n      want code {code:?}", r.text()));
                }
            }
            Body::CodeMessage(code, message) => {
                let got: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
                if got["code"] != json!(code) || got["message"] != json!(message) {
                    problems.push(format!(
                        "body {:?}\n      want code {code:?} and message {message:?}",
                        r.text()
                    ));
                }
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{} — {} {}\n    {}",
                c.name,
                c.method,
                c.path,
                problems.join("\n    ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} checks failed:\n{}",
        failures.len(),
        checks.len(),
        failures.join("\n")
    );
}

/// GET `path` with an optional bearer token on a new connection: (status, body).
pub fn get(cluster: &Cluster, path: &str, token: Option<&str>) -> (u16, String) {
    let auth = token.map(bearer);
    let headers: Vec<(&str, &str)> = auth
        .as_deref()
        .map(|a| vec![("Authorization", a)])
        .unwrap_or_default();
    let r = cluster.request("GET", path, &headers);
    (r.status, r.text())
}

#[allow(unused_imports)] // Not every test binary that includes this module polls.
pub use budgetbee_e2e::eventually;

/// Sorted ids of a `select=id` response.
pub fn ids(body: &str) -> Vec<i64> {
    let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"));
    let mut ids: Vec<i64> = v
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {body}"))
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    ids.sort();
    ids
}

/// Claims valid for an hour from now, merged with `extra`.
pub fn claims(extra: Value) -> Value {
    let t = now();
    let mut c = json!({"iat": t, "exp": t + 3600});
    for (k, v) in extra.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}
