//! JWT authentication end to end, as PostgREST v13 does it (issue 4): every supported algorithm
//! from an HS secret, a single JWK and a JWKS; the attack corpus with PostgREST's exact codes,
//! messages, details and `WWW-Authenticate`; claims validation with 30 s skew and audience; role
//! selection (role claim, `db_authenticated_role`, anon fallback, PGRST302); row-level security
//! with the seed's policy shape; `request.jwt.claims`, `uid()`, `org_id()`, `org_role()`, `jwt()`
//! inside a request and gone after it; `jwt_secret` changed by ALTER SYSTEM without a restart.
//!
//! Clusters (one per configuration; `jwt_support::FIXTURE` in each):
//! - `jwt-hs`: `jwt_secret` = HS secret, `db_authenticated_role = authenticated`, one worker.
//! - `jwt-jwks`: `jwt_secret` = JWKS of the RSA, P-256, P-384 and Ed25519 test keys.
//! - `jwt-jwk-aud`: `PGRST_JWT_SECRET` = one P-256 JWK, `PGRST_DB_AUTHENTICATED_ROLE`,
//!   `jwt_aud` = the seed's audience, `jwt_role_claim_key = .app_metadata.role`.
//! - `jwt-file`: `jwt_secret = @<file>` holding a base64 binary secret, `jwt_secret_is_base64`,
//!   no anonymous role, no authenticated role.
//! - `jwt-bare`: no secret at all (PGRST300); the ALTER SYSTEM test sets and resets one.
//!
//! Error texts: see `jwt_support/mod.rs` (PostgREST `src/PostgREST/Error.hs`,
//! `src/PostgREST/Auth/Jwt.hs`; jose-jwt `Jose/Jwt.hs` for `details`).

#[path = "../jwt_support/mod.rs"]
mod jwt_support;

use base64::Engine;
use budgetbee_e2e::{ABSENT, Cluster, ClusterBuilder, Conn};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Validation};
use jwt_support::*;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

const ME: &str = "/me?select=role,uid";

fn hs_cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    // One worker: the context test needs the next request on the same worker.
    C.get_or_init(|| {
        ClusterBuilder::new("jwt-hs")
            .pool(1)
            .setting("budgetbee.jwt_secret", HS_SECRET)
            .setting("budgetbee.db_authenticated_role", "authenticated")
            .fixture(FIXTURE)
            .start()
    })
}

/// The asymmetric keys a Better Auth JWKS could hold (not `Key::RsaRotated`: that one is the
/// attacker's key here).
const SERVED: [Key; 4] = [Key::Rsa, Key::Ec256, Key::Ec384, Key::Ed25519];

fn jwks_cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("jwt-jwks")
            .pool(2)
            .setting("budgetbee.jwt_secret", &jwks(&SERVED))
            .setting("budgetbee.db_authenticated_role", "authenticated")
            .fixture(FIXTURE)
            .start()
    })
}

/// The seed's environment block: secret and authenticated role from `PGRST_*`.
fn jwk_aud_cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("jwt-jwk-aud")
            .pool(1)
            .env("PGRST_JWT_SECRET", &Key::Ec256.jwk_text())
            .env("PGRST_DB_AUTHENTICATED_ROLE", "authenticated")
            .setting("budgetbee.jwt_aud", AUD)
            .setting("budgetbee.jwt_role_claim_key", ".app_metadata.role")
            .fixture(FIXTURE)
            .start()
    })
}

/// 48 bytes, most of them not UTF-8: only usable through `jwt_secret_is_base64`.
fn binary_secret() -> Vec<u8> {
    (0u32..48).map(|i| (i * 37 + 131) as u8).collect()
}

fn binary_secret_base64() -> String {
    base64::engine::general_purpose::STANDARD.encode(binary_secret())
}

fn file_cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        // Beside the clusters' own directories, which the postgres OS user can reach.
        let root = PathBuf::from(
            std::env::var("BUDGETBEE_E2E_DIR").unwrap_or_else(|_| "/var/tmp/budgetbee-e2e".into()),
        );
        std::fs::create_dir_all(&root).unwrap();
        let file = root.join("jwt-secret.b64");
        // No trailing newline: the file holds exactly the base64 text.
        std::fs::write(&file, binary_secret_base64()).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        ClusterBuilder::new("jwt-file")
            .pool(1)
            .setting("budgetbee.jwt_secret", &format!("@{}", file.display()))
            .setting("budgetbee.jwt_secret_is_base64", "on")
            // The harness writes db_anon_role = 'anon'; a later empty value unsets it (PostgREST
            // treats an empty db-anon-role as unset). ASSUMPTION: budgetbee does the same.
            .setting("budgetbee.db_anon_role", "")
            .fixture(FIXTURE)
            .start()
    })
}

fn bare_cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("jwt-bare")
            .pool(2)
            .setting("budgetbee.db_authenticated_role", "authenticated")
            .fixture(FIXTURE)
            .start()
    })
}

/// The bare cluster's two tests: one changes its secret.
static BARE: Mutex<()> = Mutex::new(());

fn me_body(role: &str, uid: &str) -> String {
    format!(r#"[{{"role":"{role}","uid":"{uid}"}}]"#)
}

// ---------------------------------------------------------------------------------------------
// Fixtures themselves (no Postgres)
// ---------------------------------------------------------------------------------------------

fn me_row(conn: &mut Conn, token: Option<&str>) -> Value {
    let auth = token.map(bearer);
    let headers: Vec<(&str, &str)> = auth
        .as_deref()
        .map(|a| vec![("Authorization", a)])
        .unwrap_or_default();
    let r = conn.send("GET", "/me", &headers);
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()[0].clone()
}

mod config;
mod context;
mod hs;
mod jwks;
