//! The real Better Auth Budget Bee runs (npm `better-auth` 1.4.17 and `pg`, pinned in
//! `pgrx-tests/better-auth/package-lock.json`, installed by `.ci/setup`) against budgetbee, both on
//! one cluster: Better Auth writes its users, sessions, accounts, keys, organizations and members
//! into sql/app's tables as `auth_admin`, and budgetbee, configured with nothing but
//! `jwks_url` = Better Auth's `/api/auth/jwks` (no `jwt_secret`), serves the API with the tokens
//! Better Auth's `/api/auth/token` hands out.
//!
//! The cluster: sql/app's numbered files in name order (Budget Bee's roles, Better Auth tables,
//! app tables, row-level security, triggers, functions, grants, demo rows), then one test-only
//! function (`whoami`). budgetbee: `jwks_url`, `jwt_aud` = Better Auth's base URL (Budget Bee's
//! `PGRST_JWT_AUD` is the app URL, which is also the tokens' `aud`), `db_anon_role anon`,
//! `db_authenticated_role authenticated` (Budget Bee's compose), everything else default.
//!
//! Order as deployed: the database (and with it budgetbee's workers) first, the app after. The
//! workers' fetch at start fails (nothing listens yet); the first token after Better Auth is up
//! finds no key and fetches the JWKS there and then, without `reload_jwks()` and without
//! waiting for the workers' own retry.
//!
//! Better Auth's configuration (`pgrx-tests/better-auth/server.mjs`) reproduces Budget Bee's:
//! - `packages/core/auth.ts` of Budget Bee (github.com/venk404/budgetbee @ 61136fe, and its fork
//!   github.com/souradip2k4/paytrack @ f3938c0, which adds the organization role to the token):
//!   email and password; `jwt({ jwt: { definePayload, issuer, audience, expirationTime: "1h" },
//!   schema: { jwks: … } })` where definePayload returns `sub`, `user_id` (the user id), `role:
//!   "authenticated"`, `email`, `claims: { organization_id: session.activeOrganizationId,
//!   organization_role: <members.role of that organization, read with the auth_admin pool>,
//!   subscription: session.subscription }`, issuer = audience = the app URL; the organization
//!   plugin with `organizationLimit: 5`, `membershipLimit: 50`, `creatorRole: "owner"`, `ac` and
//!   roles owner/admin/editor/viewer, 7-day invitations; `bearer()`; every model mapped to the
//!   plural snake_case tables with `modelName` / `fields`.
//! - `packages/core/permissions.ts` (venk404/budgetbee @ 9f90b3b): `transaction`,
//!   `subscription`, `accounts` with list/get/create/update/delete for owner, admin, editor
//!   (plus Better Auth's ownerAc / adminAc / memberAc statements), list/get for viewer.
//! - Left out (outside world): Google, Resend e-mails (hence no required e-mail verification),
//!   Polar, customSession's subscription lookup, the paid-plan gate on creating organizations.
//!
//! What Better Auth 1.4.17 does, from its source (`dist/plugins/jwt/sign.mjs`, `index.mjs`):
//! header `{"alg":"EdDSA","kid":<jwks.id>}` (no `typ`), payload `{iat, …definePayload, sub}` with
//! `exp` = iat + 1 h, `iss`, `aud` set by jose; `undefined` members (`subscription`) vanish in
//! JSON. The JWKS lists `{alg, crv, …public JWK, kid}`; the first call to `/jwks` or `/token`
//! creates the key.
//!
//! Error texts: `jwt_support/mod.rs` (PostgREST v13 `Error.hs`; jose-jwt for `details`).

#[path = "../jwt_support/mod.rs"]
mod jwt_support;

mod tokens_through_jwks_url;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use budgetbee_e2e::{ABSENT, Cluster, ClusterBuilder, Conn, DB, HttpResponse, free_port};
use jsonwebtoken::Algorithm;
use jwt_support::{
    JSON_CT, Key, MSG_KEY, NO_SUITABLE_KEY, NONE_OF_THE_KEYS, error_body, invalid_token, now, sign,
    with_flipped_signature, with_payload,
};
use serde_json::{Value, json};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Test-only: the claims as the helpers the policies use see them, over `/rpc/whoami`.
const WHOAMI: &str = r#"
CREATE FUNCTION public.whoami()
RETURNS TABLE(uid text, org_id text, org_role text, role text)
LANGUAGE sql STABLE
AS $$ SELECT uid(), org_id(), org_role(), current_user::text $$;
REVOKE ALL ON FUNCTION public.whoami() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.whoami() TO authenticated;
"#;

/// Test-only signing secret of Better Auth (encrypts the private keys in `jwks`).
const SECRET: &str = "budgetbee-e2e-better-auth-secret-0123456789abcdef";

const PASSWORD: &str = "correct horse battery staple";

/// sql/app's numbered files in name order, as `make run` applies them.
fn app_sql() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sql/app");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.ends_with(".sql") && name.starts_with(|c: char| c.is_ascii_digit())
        })
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "sql/app has only {} numbered files",
        files.len()
    );
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The Node process serving Better Auth; killed (its whole process group) when dropped, also
/// when the test panics, in which case its output and the cluster log's tail are printed.
struct BetterAuth {
    child: Child,
    port: u16,
    log: PathBuf,
    cluster_log: PathBuf,
}

impl BetterAuth {
    fn start(port: u16, cluster: &Cluster) -> BetterAuth {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("better-auth");
        assert!(
            dir.join("node_modules/better-auth/package.json").exists()
                && dir.join("node_modules/pg/package.json").exists(),
            "better-auth and pg are not installed in {}: run .ci/setup (make test does)",
            dir.display()
        );
        let log = cluster.dir.join("better-auth.log");
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new("node")
            .arg("server.mjs")
            .current_dir(&dir)
            .env("BA_PORT", port.to_string())
            .env("BA_PGHOST", &cluster.dir)
            .env("BA_PGPORT", cluster.pg_port.to_string())
            .env("BA_PGDATABASE", DB)
            .env("BETTER_AUTH_SECRET", SECRET)
            .env_remove("NODE_ENV")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .process_group(0)
            .spawn()
            .expect("node runs");
        let mut server = BetterAuth {
            child,
            port,
            log,
            cluster_log: cluster.dir.join("server.log"),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!("Better Auth exited ({status}):\n{}", server.output());
            }
            if server.output().contains("listening http://127.0.0.1:")
                && TcpStream::connect(("127.0.0.1", port)).is_ok()
            {
                return server;
            }
            assert!(
                Instant::now() < deadline,
                "Better Auth did not listen on 127.0.0.1:{port} within 30 s:\n{}",
                server.output()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for BetterAuth {
    fn drop(&mut self) {
        let pgid = self.child.id() as i32;
        // SAFETY: signals the process group this test created (process_group(0) above).
        unsafe { libc::kill(-pgid, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        // SAFETY: as above; whatever is left of the group.
        unsafe { libc::kill(-pgid, libc::SIGKILL) };
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = std::fs::read_to_string(&self.cluster_log).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            eprintln!(
                "--- Better Auth output ---\n{}\n--- server.log (last 40 lines) ---\n{}",
                self.output(),
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            );
        }
    }
}

/// A browser on the app's origin: keeps Better Auth's cookies, sends `Origin` on writes (Better
/// Auth's CSRF check wants it whenever cookies are sent).
struct Browser {
    port: u16,
    origin: String,
    cookies: Vec<(String, String)>,
}

impl Browser {
    fn call(&mut self, method: &str, path: &str, body: Option<&Value>) -> HttpResponse {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut headers = vec![("Accept", "application/json")];
        if !cookie.is_empty() {
            headers.push(("Cookie", &cookie));
        }
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
            headers.push(("Origin", &self.origin));
        }
        let bytes = body.map(|b| b.to_string().into_bytes());
        let r = Conn::open(self.port).send_body(method, path, &headers, bytes.as_deref());
        for (k, v) in &r.headers {
            if !k.eq_ignore_ascii_case("set-cookie") {
                continue;
            }
            let pair = v.split(';').next().unwrap_or("");
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            self.cookies.retain(|(n, _)| n != name);
            if !value.is_empty() && !v.to_ascii_lowercase().contains("max-age=0") {
                self.cookies.push((name.to_string(), value.to_string()));
            }
        }
        r
    }

    fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// `GET /api/auth/token` → the token.
    fn token(&mut self) -> String {
        let r = self.call("GET", "/api/auth/token", None);
        assert_eq!(r.status, 200, "GET /api/auth/token: {}", r.text());
        let body = r.json();
        let obj = body.as_object().expect("an object");
        assert_eq!(
            obj.keys().collect::<Vec<_>>(),
            ["token"],
            "GET /api/auth/token: {body}"
        );
        obj["token"]
            .as_str()
            .expect("token is a string")
            .to_string()
    }
}

fn part(token: &str, i: usize) -> Value {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "not a JWS: {token}");
    let bytes = URL_SAFE_NO_PAD
        .decode(parts[i])
        .unwrap_or_else(|e| panic!("part {i} of {token}: {e}"));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("part {i} of {token}: {e}"))
}

/// A request to budgetbee on a new connection.
fn api(
    c: &Cluster,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> HttpResponse {
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("Accept", "application/json")];
    if let Some(a) = &auth {
        headers.push(("Authorization", a));
    }
    if body.is_some() {
        headers.push(("Content-Type", "application/json"));
    }
    Conn::open(c.http_port).send_body(method, path, &headers, body.map(str::as_bytes))
}

/// Status, headers ([`ABSENT`]: must not be sent) and exact body, all mismatches at once.
fn expect(what: &str, r: &HttpResponse, status: u16, headers: &[(&str, &str)], body: &str) {
    let mut problems = Vec::new();
    if r.status != status {
        problems.push(format!("status {} (want {status})", r.status));
    }
    for (name, value) in headers {
        let want = (*value != ABSENT).then_some(*value);
        if r.header(name) != want {
            problems.push(format!("{name}: {:?} (want {want:?})", r.header(name)));
        }
    }
    if r.text() != body {
        problems.push(format!("body {:?}\n      want {body:?}", r.text()));
    }
    assert!(
        problems.is_empty(),
        "{what}:\n    {}",
        problems.join("\n    ")
    );
}

/// PostgREST's 401 for a token no key verifies.
fn expect_jwt_error(what: &str, r: &HttpResponse, details: &str) {
    expect(
        what,
        r,
        401,
        &[
            JSON_CT,
            ("Proxy-Status", "PostgREST; error=PGRST301"),
            ("WWW-Authenticate", &invalid_token(MSG_KEY)),
        ],
        &error_body("PGRST301", Some(details), MSG_KEY),
    );
}

fn q(s: &str) -> String {
    s.replace('\'', "''")
}
