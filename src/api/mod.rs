//! `ApiRequest`: what a client asked for, parsed and validated before any database work, and the
//! `Response` that goes back. Pure Rust: this runs on the I/O thread.

pub mod query;

use crate::error::Error;
pub use query::SelectItem;
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// GET or HEAD on a table or view. HEAD skips building the body.
    Read { head: bool },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadQuery {
    pub select: Vec<SelectItem>,
    pub limit: Option<i64>,
    pub offset: i64,
}

#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub method: String,
    pub action: Action,
    /// The path as sent (`request.path`).
    pub path: String,
    /// The table or view named by the path, percent-decoded.
    pub resource: String,
    pub query: ReadQuery,
    /// `request.headers`: lower-cased names, no cookie (PostgREST keeps cookies apart).
    pub headers_json: String,
    /// `request.cookies`.
    pub cookies_json: String,
}

/// What goes back to the client; produced by `exec` (or by `error` when the request fails).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl ApiRequest {
    /// Builds the request from the HTTP pieces. Errors are PostgREST's, in PostgREST's order:
    /// the path first, then the method, then the query string.
    pub fn parse(
        method: &str,
        path: &str,
        query: Option<&str>,
        headers: &[(String, String)],
    ) -> Result<ApiRequest, Error> {
        let resource = resource_of(path)?;
        let action = match (method, &resource) {
            ("GET", Resource::Relation(_)) => Action::Read { head: false },
            ("HEAD", Resource::Relation(_)) => Action::Read { head: true },
            ("POST" | "PATCH" | "PUT" | "DELETE" | "OPTIONS", Resource::Relation(_)) => {
                return Err(Error::not_implemented(format!(
                    "{method} on tables and views is not served by this version of budgetbee"
                )));
            }
            ("GET" | "HEAD" | "POST" | "OPTIONS", Resource::Rpc) => {
                return Err(Error::not_implemented(
                    "/rpc is not served by this version of budgetbee",
                ));
            }
            ("GET" | "HEAD" | "OPTIONS", Resource::Root) => {
                return Err(Error::not_implemented(
                    "the root endpoint (OpenAPI) is not served by this version of budgetbee",
                ));
            }
            _ => return Err(Error::unsupported_method(method)),
        };
        let Resource::Relation(resource) = resource else {
            unreachable!()
        };
        Ok(ApiRequest {
            method: method.to_string(),
            action,
            path: path.to_string(),
            resource,
            query: read_query(query.unwrap_or(""))?,
            headers_json: headers_json(headers),
            cookies_json: cookies_json(headers),
        })
    }
}

enum Resource {
    Root,
    Relation(String),
    Rpc,
}

/// PostgREST routes one level only: `/`, `/<relation>`, `/rpc/<function>`.
fn resource_of(path: &str) -> Result<Resource, Error> {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let segments: Vec<String> = path
        .strip_prefix('/')
        .unwrap_or(path)
        .split('/')
        .map(decode)
        .collect();
    match segments.as_slice() {
        [s] if s.is_empty() => Ok(Resource::Root),
        [rel] => Ok(Resource::Relation(rel.clone())),
        [rpc, func] if rpc == "rpc" && !func.is_empty() => Ok(Resource::Rpc),
        _ => Err(Error::invalid_path()),
    }
}

fn read_query(qs: &str) -> Result<ReadQuery, Error> {
    let mut q = ReadQuery {
        select: vec![SelectItem::Star],
        limit: None,
        offset: 0,
    };
    for (key, value) in form_urlencoded::parse(qs.as_bytes()) {
        match &*key {
            "select" => q.select = query::parse_select(&value)?,
            "limit" if !value.is_empty() => {
                let n = query::parse_integer("limit", &value)?;
                if n < 0 {
                    return Err(Error::invalid_range(
                        "Limit should be greater than or equal to zero.",
                    ));
                }
                q.limit = Some(n);
            }
            "offset" if !value.is_empty() => {
                q.offset = query::parse_integer("offset", &value)?.max(0)
            }
            "limit" | "offset" => {}
            _ if value.is_empty() => {} // PostgREST ignores parameters without a value
            other => {
                return Err(Error::not_implemented(format!(
                    "the query parameter '{other}' (filters, ordering, logic trees) is not served by this version of budgetbee"
                )));
            }
        }
    }
    Ok(q)
}

fn headers_json(headers: &[(String, String)]) -> String {
    let map: Map<String, Value> = headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .filter(|(k, _)| k != "cookie")
        .map(|(k, v)| (k, Value::String(v.clone())))
        .collect();
    Value::Object(map).to_string()
}

fn cookies_json(headers: &[(String, String)]) -> String {
    let map: Map<String, Value> = headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("cookie"))
        .flat_map(|(_, v)| v.split(';'))
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), Value::String(v.trim().to_string())))
        .collect();
    Value::Object(map).to_string()
}

#[cfg(test)]
mod unit {
    use super::*;

    fn get(path: &str, query: Option<&str>) -> Result<ApiRequest, Error> {
        ApiRequest::parse("GET", path, query, &[])
    }

    #[test]
    fn routes() {
        assert_eq!(get("/transactions", None).unwrap().resource, "transactions");
        assert_eq!(get("/my%20table", None).unwrap().resource, "my table");
        assert_eq!(get("/a/b", None).unwrap_err().code(), "PGRST125");
        assert_eq!(get("/transactions/", None).unwrap_err().code(), "PGRST125");
        assert_eq!(get("/rpc/f", None).unwrap_err().code(), "PGRST127");
        assert_eq!(get("/", None).unwrap_err().code(), "PGRST127");
        let e = ApiRequest::parse("BREW", "/t", None, &[]).unwrap_err();
        assert_eq!(e.code(), "PGRST117");
        assert_eq!(e.status(false), 405);
        assert_eq!(
            ApiRequest::parse("HEAD", "/t", None, &[]).unwrap().action,
            Action::Read { head: true }
        );
    }

    #[test]
    fn limit_offset() {
        let q = get("/t", Some("limit=2&offset=4")).unwrap().query;
        assert_eq!((q.limit, q.offset), (Some(2), 4));
        assert_eq!(get("/t", Some("limit=-1")).unwrap_err().code(), "PGRST103");
        assert_eq!(get("/t", Some("limit=x")).unwrap_err().code(), "PGRST100");
        assert_eq!(get("/t", Some("limit=")).unwrap().query.limit, None);
    }

    #[test]
    fn select_is_percent_and_plus_decoded() {
        let q = get("/t", Some("select=id,%22first+name%22")).unwrap().query;
        assert_eq!(
            q.select,
            vec![
                SelectItem::Column("id".into()),
                SelectItem::Column("first name".into())
            ]
        );
    }

    #[test]
    fn headers_and_cookies() {
        let h = vec![
            ("Accept".to_string(), "application/json".to_string()),
            ("Cookie".to_string(), "a=1; b = two".to_string()),
            ("X-Thing".to_string(), "y".to_string()),
        ];
        let r = ApiRequest::parse("GET", "/t", None, &h).unwrap();
        assert_eq!(
            r.headers_json,
            r#"{"accept":"application/json","x-thing":"y"}"#
        );
        assert_eq!(r.cookies_json, r#"{"a":"1","b":"two"}"#);
    }
}
