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

mod jwt_support;

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

#[test]
fn better_auth_tokens_drive_budgetbee_through_jwks_url_alone() {
    let ba_port = free_port();
    let base = format!("http://127.0.0.1:{ba_port}");
    let jwks_url = format!("{base}/api/auth/jwks");
    let c = ClusterBuilder::new("better-auth")
        .pool(2)
        .setting("budgetbee.jwks_url", &jwks_url)
        .setting("budgetbee.jwt_aud", &base)
        .setting("budgetbee.db_anon_role", "anon")
        .setting("budgetbee.db_authenticated_role", "authenticated")
        .fixture(&app_sql())
        .fixture(WHOAMI)
        .start();
    assert_eq!(
        c.psql("SHOW budgetbee.jwt_secret"),
        "",
        "no jwt_secret: jwks_url is the only source of keys"
    );
    assert_eq!(
        c.psql(
            "SELECT rolname, rolcanlogin, rolbypassrls, rolsuper FROM pg_roles \
             WHERE rolname = 'auth_admin'"
        ),
        "auth_admin|t|t|f"
    );
    // Nothing listened when the workers started: their first fetch failed (logged when the
    // worker next looks, within a second).
    let deadline = Instant::now() + Duration::from_secs(5);
    while !c.log().contains(&format!(
        "budgetbee: could not fetch the JWKS, keeping the last good keys: connect {jwks_url}: \
         Connection refused"
    )) {
        assert!(
            Instant::now() < deadline,
            "no refused JWKS fetch logged within 5 s of start:\n{}",
            c.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    let ba = BetterAuth::start(ba_port, &c);
    let mut browser = Browser {
        port: ba.port,
        origin: base.clone(),
        cookies: Vec::new(),
    };

    // As Budget Bee's `make backfill-jwks` does once the app is up: GET its JWKS. Better Auth
    // creates its signing key on that first call. (Two calls at once each create one: it then
    // has two keys, both published; the newest signs.)
    let r = browser.call("GET", "/api/auth/jwks", None);
    assert_eq!(r.status, 200, "GET /api/auth/jwks: {}", r.text());
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    let published = r.json();
    // What the table holds, as Better Auth publishes it: {alg, crv, …public JWK, kid}.
    let stored: Vec<Value> = c
        .psql("SELECT id || '|' || public_key FROM jwks ORDER BY created_at DESC, id")
        .lines()
        .map(|row| {
            let (id, public_key) = row.split_once('|').unwrap();
            let public_key: Value = serde_json::from_str(public_key).unwrap();
            let x = public_key["x"].as_str().expect("x").to_string();
            assert_eq!(
                public_key,
                json!({"crv": "Ed25519", "x": x, "kty": "OKP"}),
                "jwks.public_key of {id}: an Ed25519 public JWK"
            );
            json!({"alg": "EdDSA", "crv": "Ed25519", "x": x, "kty": "OKP", "kid": id})
        })
        .collect();
    assert!(
        !stored.is_empty(),
        "no row in jwks after GET /api/auth/jwks"
    );
    let mut listed = published["keys"].as_array().expect("keys").clone();
    listed.sort_by_key(|k| k["kid"].as_str().unwrap_or("").to_string());
    let mut want = stored.clone();
    want.sort_by_key(|k| k["kid"].as_str().unwrap_or("").to_string());
    assert_eq!(
        published.as_object().map(|o| o.len()),
        Some(1),
        "{published}"
    );
    assert_eq!(listed, want, "the JWKS lists exactly the jwks rows");
    let kid = stored[0]["kid"].as_str().unwrap().to_string();

    // No waiting for the workers' own retry (jwks_min_refresh_interval, 10 s by default): the
    // first token that finds no key fetches the JWKS there and then.
    assert_eq!(
        c.psql("SELECT count(*) FROM jwks"),
        stored.len().to_string(),
        "the workers' fetches created no key: Better Auth had one already"
    );

    // --- Sign up: Better Auth writes users, accounts, sessions (as auth_admin). ---------------
    let r = browser.call(
        "POST",
        "/api/auth/sign-up/email",
        Some(&json!({"email": "ada@example.com", "password": PASSWORD, "name": "Ada Lovelace"})),
    );
    assert_eq!(r.status, 200, "sign-up: {}", r.text());
    let signed_up = r.json();
    let uid = signed_up["user"]["id"]
        .as_str()
        .expect("user.id")
        .to_string();
    let session_token = signed_up["token"].as_str().expect("token").to_string();
    assert_eq!(signed_up["user"]["email"], "ada@example.com");
    assert_eq!(signed_up["user"]["name"], "Ada Lovelace");
    assert_eq!(signed_up["user"]["emailVerified"], false);
    let cookie = browser
        .cookie("better-auth.session_token")
        .unwrap_or_else(|| panic!("no session cookie: {:?}", r.headers))
        .to_string();
    assert_eq!(
        cookie.split_once('.').map(|(t, _)| t),
        Some(session_token.as_str()),
        "the cookie is <session token>.<signature>"
    );

    // --- The token: signed with the newest key. ----------------------------------------------
    let token = browser.token();
    assert_eq!(
        part(&token, 0),
        json!({"alg": "EdDSA", "kid": kid}),
        "header"
    );
    let payload = part(&token, 1);
    let iat = payload["iat"].as_i64().expect("iat");
    assert!((iat - now()).abs() <= 60, "iat {iat} is not now");
    assert_eq!(
        payload,
        json!({
            "iat": iat,
            "exp": iat + 3600,
            "iss": base,
            "aud": base,
            "sub": uid,
            "user_id": uid,
            "role": "authenticated",
            "email": "ada@example.com",
            "claims": {"organization_id": null, "organization_role": null},
        }),
        "payload"
    );
    // --- The rows Better Auth wrote, in the app's tables. ------------------------------------
    let u = q(&uid);
    assert_eq!(
        c.psql(&format!(
            "SELECT name, email, email_verified, image IS NULL FROM users WHERE id = '{u}'"
        )),
        "Ada Lovelace|ada@example.com|f|t",
        "users"
    );
    assert_eq!(
        c.psql(&format!(
            "SELECT account_id = user_id, provider_id, password LIKE '%:%', access_token IS NULL \
             FROM accounts WHERE user_id = '{u}'"
        )),
        "t|credential|t|t",
        "accounts: one credential account with a salted password hash"
    );
    assert_eq!(
        c.psql(&format!(
            "SELECT token = '{}', expires_at > now() + interval '6 days', \
             active_organization_id IS NULL FROM sessions WHERE user_id = '{u}'",
            q(&session_token)
        )),
        "t|t|t",
        "sessions: the cookie's session, 7 days, no active organization"
    );
    assert_eq!(
        c.psql(&format!(
            "SELECT jsonb_typeof(private_key::jsonb), created_at <= now(), expires_at IS NULL \
             FROM jwks WHERE id = '{}'",
            q(&kid)
        )),
        "string|t|t",
        "jwks: the private key stored encrypted (a string, not a JWK object)"
    );

    // --- budgetbee accepts the token: a personal transaction. --------------------------------
    let r = api(
        &c,
        "POST",
        "/transactions",
        Some(&token),
        Some(r#"{"amount":-4.5,"name":"Coffee","transaction_date":"2026-02-01T09:30:00.000Z"}"#),
    );
    expect("POST /transactions (personal)", &r, 201, &[], "");
    assert_eq!(
        c.psql(&format!(
            "SELECT count(*), min(organization_id) IS NULL FROM transactions WHERE user_id = '{u}'"
        )),
        "1|t",
        "user_id defaulted to uid(), the Better Auth user id"
    );
    let select = "/transactions?select=amount,currency,name,status,source,user_id,\
                  organization_id,transaction_date&order=name.asc";
    let personal_row = format!(
        r#"{{"amount":-4.50,"currency":"usd","name":"Coffee","status":"paid","source":"manual","user_id":"{uid}","organization_id":null,"transaction_date":"2026-02-01T09:30:00"}}"#
    );
    let r = api(&c, "GET", select, Some(&token), None);
    expect(
        "GET /transactions (personal token)",
        &r,
        200,
        &[JSON_CT, ("WWW-Authenticate", ABSENT)],
        &format!("[{personal_row}]"),
    );
    // The new-user trigger fired for Better Auth's INSERT: the three default categories, the
    // user's only (the demo users' stay hidden).
    let r = api(
        &c,
        "GET",
        "/categories?select=name&order=name.asc",
        Some(&token),
        None,
    );
    expect(
        "GET /categories",
        &r,
        200,
        &[JSON_CT],
        "[{\"name\":\"Food\"}, \n {\"name\":\"Sales\"}, \n {\"name\":\"Travel\"}]",
    );
    let r = api(&c, "GET", "/rpc/whoami", Some(&token), None);
    expect(
        "GET /rpc/whoami (personal token)",
        &r,
        200,
        &[JSON_CT],
        &format!(r#"[{{"uid":"{uid}","org_id":null,"org_role":null,"role":"authenticated"}}]"#),
    );

    // --- Better Auth's tables are out of the API's reach. ------------------------------------
    for table in [
        "users",
        "sessions",
        "accounts",
        "jwks",
        "organizations",
        "members",
    ] {
        let r = api(&c, "GET", &format!("/{table}"), Some(&token), None);
        expect(
            &format!("GET /{table} with the token"),
            &r,
            403,
            &[JSON_CT, ("WWW-Authenticate", ABSENT)],
            &error_body(
                "42501",
                None,
                &format!("permission denied for table {table}"),
            ),
        );
    }
    let r = api(&c, "GET", "/users", None, None);
    expect(
        "GET /users without a token",
        &r,
        401,
        &[JSON_CT, ("WWW-Authenticate", "Bearer")],
        &error_body("42501", None, "permission denied for table users"),
    );

    // --- An organization through Better Auth; the user is its owner. -------------------------
    let r = browser.call(
        "POST",
        "/api/auth/organization/create",
        Some(
            &json!({"name": "Bee Labs", "slug": "bee-labs", "keepCurrentActiveOrganization": true}),
        ),
    );
    assert_eq!(r.status, 200, "organization/create: {}", r.text());
    let org = r.json();
    let org_id = org["id"].as_str().expect("organization id").to_string();
    assert_eq!(org["slug"], "bee-labs");
    let o = q(&org_id);
    assert_eq!(
        c.psql(&format!(
            "SELECT name, slug FROM organizations WHERE id = '{o}'"
        )),
        "Bee Labs|bee-labs",
        "organizations"
    );
    assert_eq!(
        c.psql(&format!(
            "SELECT organization_id = '{o}', role FROM members WHERE user_id = '{u}'"
        )),
        "t|owner",
        "members: the creator is the owner"
    );
    assert_eq!(
        c.psql(&format!(
            "SELECT active_organization_id IS NULL FROM sessions WHERE user_id = '{u}'"
        )),
        "t",
        "keepCurrentActiveOrganization: still personal"
    );
    // Without the organization in its token the user may not write the organization's rows.
    let org_insert = format!(
        r#"{{"amount":1200,"name":"Invoice 1","organization_id":"{org_id}","transaction_date":"2026-02-02T10:00:00Z"}}"#
    );
    let r = api(&c, "POST", "/transactions", Some(&token), Some(&org_insert));
    expect(
        "POST an organization transaction with the personal token",
        &r,
        403,
        &[JSON_CT],
        &error_body(
            "42501",
            None,
            "new row violates row-level security policy for table \"transactions\"",
        ),
    );

    let r = browser.call(
        "POST",
        "/api/auth/organization/set-active",
        Some(&json!({"organizationId": org_id})),
    );
    assert_eq!(r.status, 200, "organization/set-active: {}", r.text());
    assert_eq!(
        c.psql(&format!(
            "SELECT active_organization_id = '{o}' FROM sessions WHERE user_id = '{u}'"
        )),
        "t",
        "sessions.active_organization_id"
    );
    let org_token = browser.token();
    assert_eq!(part(&org_token, 0), json!({"alg": "EdDSA", "kid": kid}));
    let org_payload = part(&org_token, 1);
    assert_eq!(
        org_payload["claims"],
        json!({"organization_id": org_id, "organization_role": "owner"}),
        "claims of the organization token: {org_payload}"
    );
    assert_eq!(org_payload["sub"], json!(uid));

    let r = api(&c, "GET", "/rpc/whoami", Some(&org_token), None);
    expect(
        "GET /rpc/whoami (organization token)",
        &r,
        200,
        &[JSON_CT],
        &format!(
            r#"[{{"uid":"{uid}","org_id":"{org_id}","org_role":"owner","role":"authenticated"}}]"#
        ),
    );
    // org_id() matches and check_ac_current('transaction', 'create') allows the owner.
    let r = api(
        &c,
        "POST",
        "/transactions",
        Some(&org_token),
        Some(&org_insert),
    );
    expect(
        "POST an organization transaction with the organization token",
        &r,
        201,
        &[],
        "",
    );
    let org_row = format!(
        r#"{{"amount":1200.00,"currency":"usd","name":"Invoice 1","status":"paid","source":"manual","user_id":"{uid}","organization_id":"{org_id}","transaction_date":"2026-02-02T10:00:00"}}"#
    );
    let r = api(&c, "GET", select, Some(&org_token), None);
    expect(
        "GET /transactions (organization token)",
        &r,
        200,
        &[JSON_CT],
        &format!("[{personal_row}, \n {org_row}]"),
    );
    let r = api(&c, "GET", select, Some(&token), None);
    expect(
        "GET /transactions (personal token) after the organization's insert",
        &r,
        200,
        &[JSON_CT],
        &format!("[{personal_row}]"),
    );

    // --- Refused: tokens Better Auth did not sign as they are. -------------------------------
    let before = c.psql("SELECT count(*) FROM transactions");
    // The committed test Ed25519 key (not Better Auth's) under Better Auth's kid, with the
    // organization token's claims.
    let other_key = sign(
        Algorithm::EdDSA,
        Some(&kid),
        &Key::Ed25519.encoding_key(),
        &org_payload,
    );
    let r = api(
        &c,
        "POST",
        "/transactions",
        Some(&other_key),
        Some(&org_insert),
    );
    expect_jwt_error("another key under Better Auth's kid", &r, NONE_OF_THE_KEYS);
    // Better Auth's signature over a payload it did not sign: the personal token made an owner.
    let mut promoted = payload.clone();
    promoted["claims"] = json!({"organization_id": org_id, "organization_role": "owner"});
    let r = api(
        &c,
        "POST",
        "/transactions",
        Some(&with_payload(&token, &promoted)),
        Some(&org_insert),
    );
    expect_jwt_error("tampered payload", &r, NONE_OF_THE_KEYS);
    let r = api(
        &c,
        "GET",
        "/transactions",
        Some(&with_flipped_signature(&org_token)),
        None,
    );
    expect_jwt_error("changed signature", &r, NONE_OF_THE_KEYS);
    // A kid Better Auth never published (a refetch, if the cooldown allows one, finds nothing).
    let unknown_kid = sign(
        Algorithm::EdDSA,
        Some(Key::Ed25519.kid()),
        &Key::Ed25519.encoding_key(),
        &org_payload,
    );
    let r = api(&c, "GET", "/transactions", Some(&unknown_kid), None);
    expect_jwt_error("a kid not in Better Auth's JWKS", &r, NO_SUITABLE_KEY);
    assert_eq!(
        c.psql("SELECT count(*) FROM transactions"),
        before,
        "the refused requests wrote nothing"
    );
    // Still accepted after all that.
    let r = api(&c, "GET", "/rpc/whoami", Some(&org_token), None);
    assert_eq!(r.status, 200, "{}", r.text());

    drop(ba);
}
