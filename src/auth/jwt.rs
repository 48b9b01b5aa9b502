//! Token → verified claims, with PostgREST's error for each way a token can be wrong.
//! Signatures are checked with `jsonwebtoken::crypto::verify`; the header and claims are read
//! here so that each failure gets PostgREST's own message.

use super::keys::{Family, KeySet};
use crate::error::Error;
use base64::Engine;
use jsonwebtoken::Algorithm;
use serde_json::{Map, Value};
use std::str::FromStr;

pub type Claims = Map<String, Value>;

fn b64(part: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .ok()
}

/// jose-jwt (PostgREST's JWT library) reports any token it cannot parse as a failed
/// cryptographic operation.
fn undecodable() -> Error {
    Error::jwt_decode("JWT cryptographic operation failed", None)
}

pub fn verify(token: &str, keys: &KeySet) -> Result<Claims, Error> {
    if token.is_empty() {
        return Err(Error::jwt_decode(
            "Empty JWT is sent in Authorization header",
            None,
        ));
    }
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 {
        return Err(Error::jwt_decode(
            &format!("Expected 3 parts in JWT; got {}", parts.len()),
            None,
        ));
    }
    let header: Value = b64(parts[0])
        .and_then(|h| serde_json::from_slice(&h).ok())
        .ok_or_else(undecodable)?;
    if header.get("enc").is_some() {
        return Err(Error::jwt_decode("Unsupported token type", None));
    }
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    if alg.eq_ignore_ascii_case("none") {
        return Err(Error::jwt_decode(
            "Wrong or unsupported encoding algorithm",
            Some("JWT is unsecured but expected 'alg' was not 'none'"),
        ));
    }
    let Ok(algorithm) = Algorithm::from_str(alg) else {
        return Err(undecodable());
    };
    let family = Family::of(algorithm);
    let kid = header.get("kid").and_then(Value::as_str);
    let candidates: Vec<_> = keys
        .keys
        .iter()
        .filter(|k| Some(k.family) == family)
        .filter(|k| kid.is_none() || k.kid.as_deref() == kid)
        .collect();
    if candidates.is_empty() {
        return Err(no_suitable_key());
    }
    let message = format!("{}.{}", parts[0], parts[1]);
    let verified = candidates.iter().any(|k| {
        jsonwebtoken::crypto::verify(parts[2], message.as_bytes(), &k.key, algorithm)
            .unwrap_or(false)
    });
    if !verified {
        return Err(Error::jwt_decode(
            "No suitable key or wrong key type",
            Some("None of the keys was able to decode the JWT"),
        ));
    }
    match b64(parts[1]).and_then(|p| serde_json::from_slice::<Value>(&p).ok()) {
        Some(Value::Object(claims)) => Ok(claims),
        _ => Err(Error::jwt_claims("Parsing claims failed")),
    }
}

pub fn no_suitable_key() -> Error {
    Error::jwt_decode(
        "No suitable key or wrong key type",
        Some("No suitable key was found to decode the JWT"),
    )
}

/// The `kid` a token names, if any, without verifying anything (to decide on a JWKS refresh).
pub fn kid_of(token: &str) -> Option<String> {
    let header = token.split('.').next()?;
    let v: Value = serde_json::from_slice(&b64(header)?).ok()?;
    v.get("kid")?.as_str().map(str::to_string)
}
