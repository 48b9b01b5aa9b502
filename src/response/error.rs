//! Errors rendered exactly as PostgREST v13 renders them: a JSON body with the keys `code`,
//! `details`, `hint`, `message` (sorted, as aeson emits them), `Content-Type: application/json;
//! charset=utf-8`, `Proxy-Status: PostgREST; error=<code>`, `WWW-Authenticate` on 401, and the
//! whole response from the function for `RAISE SQLSTATE 'PGRST'`.

use super::Response;
use crate::error::Error;
use serde_json::{Value, json};

/// `authenticated` is whether the request ran as a role other than the anonymous role (it
/// decides 401 or 403 for a permission error).
pub fn error(e: &Error, authenticated: bool) -> Response {
    let (message, details, hint) = match e {
        Error::Pg {
            sqlstate,
            message,
            details,
            ..
        } if sqlstate == "PGRST" => {
            return raise_pgrst(message, details.as_deref())
                .unwrap_or_else(|e| error(&e, authenticated));
        }
        Error::Api {
            message,
            details,
            hint,
            ..
        } => (message, details.clone(), hint),
        Error::Pg {
            message,
            details,
            hint,
            ..
        } => (message, details.clone().map(Value::String), hint),
    };
    let body = json!({ "code": e.code(), "message": message, "details": details, "hint": hint })
        .to_string();
    let status = e.status(authenticated);
    let mut headers = vec![
        (
            "Content-Type".to_string(),
            "application/json; charset=utf-8".to_string(),
        ),
        (
            "Proxy-Status".to_string(),
            format!("PostgREST; error={}", e.code()),
        ),
    ];
    if matches!(e.code(), "PGRST301" | "PGRST303") {
        // Haskell's `show` of the message: quoted, with `"` and `\` escaped.
        let shown = Value::String(message.clone()).to_string();
        headers.push((
            "WWW-Authenticate".to_string(),
            format!("Bearer error=\"invalid_token\", error_description={shown}"),
        ));
    } else if status == 401 {
        headers.push(("WWW-Authenticate".to_string(), "Bearer".to_string()));
    } else if e.is_recovery_conflict() {
        headers.push(("Retry-After".to_string(), "1".to_string()));
    }
    Response {
        status,
        headers,
        body: body.into_bytes(),
    }
}

/// `RAISE SQLSTATE 'PGRST' USING message = '{"code":..,"message":..}', detail =
/// '{"status":..,"headers":{..}}'`: the function decides the whole error response. Anything
/// unparsable is PGRST121 with PostgREST's explanation.
fn raise_pgrst(message: &str, detail: Option<&str>) -> Result<Response, Error> {
    const MESSAGE_HINT: &str = "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'.";
    const DETAIL_HINT: &str = "DETAIL must be a JSON object with obligatory keys: 'status', 'headers' and optional key: 'status_text'.";
    let m: Value = serde_json::from_str(message)
        .ok()
        .filter(|m: &Value| m["code"].is_string() && m["message"].is_string())
        .ok_or_else(|| {
            Error::raise_unparsable(
                format!("Invalid JSON value for MESSAGE: '{message}'"),
                MESSAGE_HINT,
            )
        })?;
    let detail = detail.ok_or_else(|| {
        Error::raise_unparsable(
            "DETAIL is missing in the RAISE statement".into(),
            DETAIL_HINT,
        )
    })?;
    let d: Value = serde_json::from_str(detail)
        .ok()
        .filter(|d: &Value| d["status"].is_u64() && d["headers"].is_object())
        .ok_or_else(|| {
            Error::raise_unparsable(
                format!("Invalid JSON value for DETAIL: '{detail}'"),
                DETAIL_HINT,
            )
        })?;
    let code = m["code"].as_str().unwrap_or_default();
    let body = json!({
        "code": code,
        "message": m["message"],
        "details": m.get("details").cloned().unwrap_or(Value::Null),
        "hint": m.get("hint").cloned().unwrap_or(Value::Null),
    });
    let mut headers = vec![
        (
            "Content-Type".to_string(),
            "application/json; charset=utf-8".to_string(),
        ),
        (
            "Proxy-Status".to_string(),
            format!("PostgREST; error={code}"),
        ),
    ];
    for (name, value) in d["headers"].as_object().into_iter().flatten() {
        let value = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_string);
        headers.push((name.clone(), value));
    }
    Ok(Response {
        status: d["status"].as_u64().unwrap_or(500) as u16,
        headers,
        body: body.to_string().into_bytes(),
    })
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn body_is_sorted_compact_json() {
        let r = error(&Error::table_not_found("public", "nope", None), false);
        assert_eq!(r.status, 404);
        assert_eq!(
            String::from_utf8(r.body).unwrap(),
            r#"{"code":"PGRST205","details":null,"hint":null,"message":"Could not find the table 'public.nope' in the schema cache"}"#
        );
    }

    #[test]
    fn unauthorized_carries_www_authenticate() {
        let r = error(
            &Error::Pg {
                sqlstate: "42501".into(),
                message: "permission denied for table t".into(),
                details: None,
                hint: None,
            },
            false,
        );
        assert_eq!(r.status, 401);
        assert!(
            r.headers
                .contains(&("WWW-Authenticate".to_string(), "Bearer".to_string()))
        );
    }
}
