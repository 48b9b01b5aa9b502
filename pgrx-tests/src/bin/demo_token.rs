//! `make run` helper: the demo's JWKS and Better-Auth-shaped tokens, from the test-only keys
//! `.ci/run-demo` generates into the state directory (`ed25519.pem`, `rsa.pem`). Never for real
//! tokens.
//!
//!   demo_token jwks KEYDIR
//!       the public JWKS, as Better Auth's /api/auth/jwks shapes it ({"keys":[{"alg","crv",
//!       "x","kty","kid"}, …]}); kids are RFC 7638 thumbprints
//!   demo_token sign KEYDIR <EdDSA|RS256> AUD SUB EMAIL [ORG_ID ORG_ROLE]
//!       a token with the payload Better Auth's jwt plugin signs for Budget Bee: user_id, role,
//!       email, claims {organization_id, organization_role}, then iat, iss, aud, exp (an hour),
//!       sub; header {"alg","kid"} without typ, as jose writes it

use jsonwebtoken::jwk::{Jwk, ThumbprintHash};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};
use std::path::Path;

fn key(dir: &Path, algorithm: Algorithm) -> (EncodingKey, String) {
    let file = match algorithm {
        Algorithm::EdDSA => "ed25519.pem",
        _ => "rsa.pem",
    };
    let pem = std::fs::read(dir.join(file))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.join(file).display()));
    let key = match algorithm {
        Algorithm::EdDSA => EncodingKey::from_ed_pem(&pem),
        _ => EncodingKey::from_rsa_pem(&pem),
    }
    .unwrap_or_else(|e| panic!("{file}: {e}"));
    let kid = public_jwk(&key, algorithm)
        .thumbprint(ThumbprintHash::SHA256)
        .expect("a thumbprint");
    (key, kid)
}

fn public_jwk(key: &EncodingKey, algorithm: Algorithm) -> Jwk {
    Jwk::from_encoding_key(key, algorithm).expect("a public JWK")
}

fn jwks(dir: &Path) -> Value {
    let keys: Vec<Value> = [Algorithm::EdDSA, Algorithm::RS256]
        .into_iter()
        .map(|alg| {
            let (key, kid) = key(dir, alg);
            let mut jwk = public_jwk(&key, alg);
            jwk.common.key_id = Some(kid);
            serde_json::to_value(jwk).expect("JSON")
        })
        .collect();
    json!({ "keys": keys })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str);
    match (arg(0), arg(1)) {
        (Some("jwks"), Some(dir)) => println!("{}", jwks(Path::new(dir))),
        (Some("sign"), Some(dir)) => {
            let algorithm = match arg(2) {
                Some("EdDSA") => Algorithm::EdDSA,
                Some("RS256") => Algorithm::RS256,
                other => panic!("unsupported algorithm {other:?}"),
            };
            let (Some(aud), Some(sub), Some(email)) = (arg(3), arg(4), arg(5)) else {
                panic!("usage: demo_token sign KEYDIR ALG AUD SUB EMAIL [ORG_ID ORG_ROLE]");
            };
            let nonempty = |v: Option<&str>| v.filter(|s| !s.is_empty()).map(str::to_string);
            let (key, kid) = key(Path::new(dir), algorithm);
            let mut header = Header::new(algorithm);
            header.typ = None;
            header.kid = Some(kid);
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("a clock after 1970")
                .as_secs();
            let payload = json!({
                "user_id": sub,
                "role": "authenticated",
                "email": email,
                "claims": {
                    "organization_id": nonempty(arg(6)),
                    "organization_role": nonempty(arg(7)),
                },
                "iat": now,
                "iss": aud,
                "aud": aud,
                "exp": now + 3600,
                "sub": sub,
            });
            println!("{}", encode(&header, &payload, &key).expect("signing"));
        }
        _ => panic!(
            "usage: demo_token jwks KEYDIR | demo_token sign KEYDIR <EdDSA|RS256> AUD SUB EMAIL [ORG_ID ORG_ROLE]"
        ),
    }
}
