//! `make bench` helper: prints a JWT signed with one of the test keys in fixtures/jwt, or the
//! JWKS of those keys. Test keys only; never for real tokens.
//!
//!   mint_token jwks                     the public JWKS (RSA, P-256, P-384, Ed25519)
//!   mint_token <RS256|EdDSA|ES256> SUB  a token for user SUB, valid for an hour

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/jwt")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("jwks") => {
            let keys: Vec<serde_json::Value> = ["rsa", "ec256", "ec384", "ed25519"]
                .iter()
                .map(|k| serde_json::from_slice(&fixture(&format!("{k}.jwk.json"))).unwrap())
                .collect();
            println!("{}", serde_json::json!({ "keys": keys }));
        }
        Some(alg) => {
            let sub = args.get(1).map_or("user_123", String::as_str);
            let (algorithm, stem, kid) = match alg {
                "RS256" => (Algorithm::RS256, "rsa", "bb-rsa-1"),
                "ES256" => (Algorithm::ES256, "ec256", "bb-es256"),
                "EdDSA" => (Algorithm::EdDSA, "ed25519", "bb-ed25519"),
                other => panic!("unsupported algorithm {other}"),
            };
            let pem = fixture(&format!("{stem}.pem"));
            let key = match algorithm {
                Algorithm::RS256 => EncodingKey::from_rsa_pem(&pem),
                Algorithm::ES256 => EncodingKey::from_ec_pem(&pem),
                _ => EncodingKey::from_ed_pem(&pem),
            }
            .expect("a valid test key");
            let mut header = Header::new(algorithm);
            header.kid = Some(kid.into());
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs();
            let claims = serde_json::json!({
                "sub": sub, "user_id": sub, "aud": "http://localhost:3000",
                "iat": now, "exp": now + 3600,
                "claims": {"organization_id": "org_456", "organization_role": "admin"}
            });
            println!("{}", encode(&header, &claims, &key).expect("signing"));
        }
        None => panic!("usage: mint_token jwks | mint_token <RS256|ES256|EdDSA> [sub]"),
    }
}
