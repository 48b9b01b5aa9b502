//! The key set tokens are verified with: PostgREST's `jwt-secret` forms (an HMAC secret of at
//! least 32 characters, one JWK, a JWKS, any of them from `@file`, optionally base64) plus the
//! keys fetched from `jwks_url`.

use base64::Engine;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey};

/// Which algorithms a key can verify; a token is only tried with keys of its family, so an
/// HS256 token "signed" with an RSA public key finds no key at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Hmac,
    Rsa,
    EcP256,
    EcP384,
    Ed25519,
}

impl Family {
    pub fn of(alg: Algorithm) -> Option<Family> {
        use Algorithm::*;
        match alg {
            HS256 | HS384 | HS512 => Some(Family::Hmac),
            RS256 | RS384 | RS512 | PS256 | PS384 | PS512 => Some(Family::Rsa),
            ES256 => Some(Family::EcP256),
            ES384 => Some(Family::EcP384),
            EdDSA => Some(Family::Ed25519),
            _ => None,
        }
    }
}

#[derive(Clone)]
pub struct Key {
    pub kid: Option<String>,
    pub family: Family,
    pub key: DecodingKey,
}

#[derive(Clone, Default)]
pub struct KeySet {
    pub keys: Vec<Key>,
}

impl KeySet {
    /// `jwt_secret` → keys. `Err` is a configuration problem, said in words for the log.
    pub fn from_secret(secret: &str, is_base64: bool) -> Result<KeySet, String> {
        let secret = match secret.strip_prefix('@') {
            Some(path) => std::fs::read_to_string(path.trim())
                .map_err(|e| format!("cannot read the JWT secret file {path}: {e}"))?,
            None => secret.to_string(),
        };
        let trimmed = secret.trim();
        if trimmed.starts_with('{')
            && let Ok(set) = KeySet::from_json(trimmed)
        {
            return Ok(set);
        }
        let bytes = if is_base64 {
            // URL-safe characters are accepted too, as PostgREST does.
            let normalized: String = trimmed
                .chars()
                .map(|c| match c {
                    '-' => '+',
                    '_' => '/',
                    c => c,
                })
                .filter(|c| *c != '=')
                .collect();
            base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(normalized)
                .map_err(|e| {
                    format!("jwt_secret_is_base64 is on but the secret is not base64: {e}")
                })?
        } else {
            secret.as_bytes().to_vec()
        };
        if bytes.len() < 32 {
            return Err("the JWT secret must be at least 32 characters long".into());
        }
        Ok(KeySet {
            keys: vec![Key {
                kid: None,
                family: Family::Hmac,
                key: DecodingKey::from_secret(&bytes),
            }],
        })
    }

    /// A JWK or a JWKS document. Keys of unsupported types are skipped.
    pub fn from_json(json: &str) -> Result<KeySet, String> {
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| format!("invalid JSON: {e}"))?;
        let jwks: Vec<Jwk> = if value.get("keys").is_some() {
            serde_json::from_value::<JwkSet>(value)
                .map_err(|e| format!("invalid JWKS: {e}"))?
                .keys
        } else {
            vec![serde_json::from_value::<Jwk>(value).map_err(|e| format!("invalid JWK: {e}"))?]
        };
        let keys = jwks.iter().filter_map(key_of).collect::<Vec<_>>();
        if keys.is_empty() {
            return Err("no usable key in the JWK set".into());
        }
        Ok(KeySet { keys })
    }

    pub fn extend(&mut self, other: &KeySet) {
        self.keys.extend(other.keys.iter().cloned());
    }

    pub fn has_kid(&self, kid: &str) -> bool {
        self.keys.iter().any(|k| k.kid.as_deref() == Some(kid))
    }
}

fn key_of(jwk: &Jwk) -> Option<Key> {
    let family = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => Family::Rsa,
        AlgorithmParameters::EllipticCurve(p) => match p.curve {
            EllipticCurve::P256 => Family::EcP256,
            EllipticCurve::P384 => Family::EcP384,
            _ => return None,
        },
        AlgorithmParameters::OctetKeyPair(p) => match p.curve {
            EllipticCurve::Ed25519 => Family::Ed25519,
            _ => return None,
        },
        AlgorithmParameters::OctetKey(_) => Family::Hmac,
        _ => return None,
    };
    Some(Key {
        kid: jwk.common.key_id.clone(),
        family,
        key: DecodingKey::from_jwk(jwk).ok()?,
    })
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn secrets() {
        assert!(KeySet::from_secret("short", false).is_err());
        let k = KeySet::from_secret("a-string-secret-at-least-32-characters-long", false).unwrap();
        assert_eq!(k.keys[0].family, Family::Hmac);
        let b64 = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        assert!(KeySet::from_secret(&b64, true).is_ok());
        let jwks = r#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"e1"},{"kty":"RSA","e":"AQAB","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw","kid":"r1"}]}"#;
        let k = KeySet::from_json(jwks).unwrap();
        assert_eq!(k.keys.len(), 2);
        assert!(k.has_kid("r1") && k.has_kid("e1"));
        assert_eq!(k.keys[0].family, Family::Ed25519);
    }
}
