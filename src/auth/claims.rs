//! Claims checks (PostgREST's `checkForErrors`: exp, nbf, iat with 30 s of skew, then aud) and
//! the role, found with `jwt_role_claim_key` (PostgREST's JSPath: `.a.b`, `."quoted key"`,
//! `[0]`).

use super::jwt::Claims;
use crate::error::Error;
use serde_json::Value;

const SKEW: i64 = 30;

pub fn validate(claims: &Claims, now: i64, audience: Option<&str>) -> Result<(), Error> {
    let number = |key: &str, not_number: &str| -> Result<Option<i64>, Error> {
        match claims.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => Ok(Some(n.as_f64().map_or(0, |f| f.floor() as i64))),
            Some(_) => Err(Error::jwt_claims(not_number)),
        }
    };
    if let Some(exp) = number("exp", "The JWT 'exp' claim must be a number")?
        && now - SKEW > exp
    {
        return Err(Error::jwt_claims("JWT expired"));
    }
    if let Some(nbf) = number("nbf", "The JWT 'nbf' claim must be a number")?
        && now + SKEW < nbf
    {
        return Err(Error::jwt_claims("JWT not yet valid"));
    }
    if let Some(iat) = number("iat", "The JWT 'iat' claim must be a number")?
        && now + SKEW < iat
    {
        return Err(Error::jwt_claims("JWT issued at future"));
    }
    let matches = |aud: &str| audience.is_none_or(|a| a == aud);
    let ok = match claims.get("aud") {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => matches(s),
        Some(Value::Array(items)) => {
            let strings: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
            let Some(strings) = strings else {
                return Err(Error::jwt_claims(
                    "The JWT 'aud' claim must be a string or an array of strings",
                ));
            };
            strings.is_empty() || strings.iter().any(|a| matches(a))
        }
        Some(_) => {
            return Err(Error::jwt_claims(
                "The JWT 'aud' claim must be a string or an array of strings",
            ));
        }
    };
    if !ok {
        return Err(Error::jwt_claims("JWT not in audience"));
    }
    Ok(())
}

/// One step of a role claim path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// `.role`, `.app_metadata.roles[0]`, `."https://example.com/role"`. `None` if malformed.
pub fn parse_path(path: &str) -> Option<Vec<Step>> {
    let chars: Vec<char> = path.trim().chars().collect();
    let mut steps = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '.' if chars.get(i + 1) == Some(&'"') => {
                let end = chars[i + 2..].iter().position(|c| *c == '"')? + i + 2;
                steps.push(Step::Key(chars[i + 2..end].iter().collect()));
                i = end + 1;
            }
            '.' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|c| *c == '.' || *c == '[')
                    .map_or(chars.len(), |p| p + i + 1);
                let key: String = chars[i + 1..end].iter().collect();
                if key.is_empty() {
                    return None;
                }
                steps.push(Step::Key(key));
                i = end;
            }
            '[' => {
                let end = chars[i + 1..].iter().position(|c| *c == ']')? + i + 1;
                let n: String = chars[i + 1..end].iter().collect();
                steps.push(Step::Index(n.trim().parse().ok()?));
                i = end + 1;
            }
            _ => return None,
        }
    }
    Some(steps)
}

/// The role a claims object names at `path`: strings as they are, other JSON values encoded.
pub fn role_at(claims: &Claims, path: &[Step]) -> Option<String> {
    let mut v: Option<&Value> = None;
    for (n, step) in path.iter().enumerate() {
        v = match (n, step) {
            (0, Step::Key(k)) => claims.get(k),
            (_, Step::Key(k)) => v?.get(k),
            (0, Step::Index(_)) => None,
            (_, Step::Index(i)) => v?.get(*i),
        };
    }
    match v? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod unit {
    use super::*;
    use serde_json::json;

    fn claims(v: Value) -> Claims {
        v.as_object().unwrap().clone()
    }

    fn msg(r: Result<(), Error>) -> String {
        match r {
            Err(Error::Api { message, .. }) => message,
            Ok(()) => "ok".into(),
            Err(e) => format!("{e:?}"),
        }
    }

    #[test]
    fn times_have_thirty_seconds_of_skew() {
        let now = 1_000_000;
        assert_eq!(
            msg(validate(&claims(json!({"exp": now - 29})), now, None)),
            "ok"
        );
        assert_eq!(
            msg(validate(&claims(json!({"exp": now - 31})), now, None)),
            "JWT expired"
        );
        assert_eq!(
            msg(validate(&claims(json!({"nbf": now + 31})), now, None)),
            "JWT not yet valid"
        );
        assert_eq!(
            msg(validate(&claims(json!({"iat": now + 31})), now, None)),
            "JWT issued at future"
        );
        assert_eq!(
            msg(validate(&claims(json!({"exp": "soon"})), now, None)),
            "The JWT 'exp' claim must be a number"
        );
    }

    #[test]
    fn audiences() {
        let a = Some("http://localhost:3000");
        assert_eq!(
            msg(validate(
                &claims(json!({"aud": "http://localhost:3000"})),
                0,
                a
            )),
            "ok"
        );
        assert_eq!(
            msg(validate(
                &claims(json!({"aud": ["x", "http://localhost:3000"]})),
                0,
                a
            )),
            "ok"
        );
        assert_eq!(msg(validate(&claims(json!({"aud": []})), 0, a)), "ok");
        assert_eq!(
            msg(validate(&claims(json!({"aud": "x"})), 0, a)),
            "JWT not in audience"
        );
        assert_eq!(msg(validate(&claims(json!({"aud": "x"})), 0, None)), "ok");
        assert_eq!(
            msg(validate(&claims(json!({"aud": 5})), 0, a)),
            "The JWT 'aud' claim must be a string or an array of strings"
        );
    }

    #[test]
    fn role_paths() {
        let c = claims(
            json!({"role": "r", "app": {"roles": ["a", "b"]}, "https://x/role": "q", "n": 5}),
        );
        let at = |p: &str| role_at(&c, &parse_path(p).unwrap());
        assert_eq!(at(".role").as_deref(), Some("r"));
        assert_eq!(at(".app.roles[1]").as_deref(), Some("b"));
        assert_eq!(at(".\"https://x/role\"").as_deref(), Some("q"));
        assert_eq!(at(".n").as_deref(), Some("5"));
        assert_eq!(at(".missing"), None);
        assert!(parse_path("role").is_none());
    }
}
