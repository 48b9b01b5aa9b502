//! CORS as PostgREST v13 answers it: its policy (`Cors.hs`) run through wai-cors' rules. A
//! request without `Origin` is not CORS. An origin outside `server-cors-allowed-origins` (when
//! set), or an OPTIONS that is not a valid preflight, is served as if CORS did not exist, since
//! PostgREST ignores CORS failures. A preflight is answered here, on the I/O thread: it never
//! reaches a transaction. Any other request gets the CORS headers after its own.

use crate::response::Response;

/// What CORS does to one request.
#[derive(Debug, PartialEq, Eq)]
pub enum Cors {
    /// Not a CORS request, or one PostgREST serves without CORS headers.
    Off,
    /// A preflight: this is the whole answer.
    Preflight(Response),
    /// An actual request: these headers go after the response's own.
    Actual(Vec<(String, String)>),
}

/// wai-cors' methods: PostgREST's list with the simple methods it lacks (HEAD) appended.
const METHODS: [&str; 7] = ["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS", "HEAD"];

/// wai-cors adds the simple request headers other than Content-Type to the allowed ones.
const SIMPLE_HEADERS: [&str; 3] = ["Accept", "Accept-Language", "Content-Language"];

const EXPOSED: &str = "Content-Encoding, Content-Location, Content-Range, Content-Type, Date, \
                       Location, Server, Transfer-Encoding, Range-Unit";

const MAX_AGE: &str = "86400";

/// `allowed`: `server-cors-allowed-origins`; empty lets every origin in.
pub fn decide(method: &str, headers: &[(String, String)], allowed: &[String]) -> Cors {
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let Some(origin) = header("origin") else {
        return Cors::Off;
    };
    // Listed origins are echoed with credentials allowed; otherwise any origin, as `*`.
    let mut common = Vec::with_capacity(2);
    if allowed.is_empty() {
        common.push(("Access-Control-Allow-Origin".to_string(), "*".to_string()));
    } else if allowed.iter().any(|a| a == origin) {
        common.push((
            "Access-Control-Allow-Origin".to_string(),
            origin.to_string(),
        ));
        common.push((
            "Access-Control-Allow-Credentials".to_string(),
            "true".to_string(),
        ));
    } else {
        return Cors::Off;
    }
    if method != "OPTIONS" {
        common.push((
            "Access-Control-Expose-Headers".to_string(),
            EXPOSED.to_string(),
        ));
        return Cors::Actual(common);
    }
    match header("access-control-request-method") {
        Some(m) if METHODS.contains(&m) => {}
        // Not a preflight wai-cors accepts: the OPTIONS is served as such, without CORS.
        _ => return Cors::Off,
    }
    let mut out = common;
    out.push((
        "Access-Control-Allow-Methods".to_string(),
        METHODS.join(", "),
    ));
    if let Some(requested) = header("access-control-request-headers") {
        match allowed_headers(requested) {
            Some(list) => out.push(("Access-Control-Allow-Headers".to_string(), list)),
            None => return Cors::Off,
        }
    }
    out.push(("Access-Control-Max-Age".to_string(), MAX_AGE.to_string()));
    Cors::Preflight(Response {
        status: 200,
        headers: out,
        body: Vec::new(),
    })
}

/// PostgREST allows `Authorization` and whatever the preflight asks for (split on commas,
/// trimmed, spelled as sent); wai-cors appends the simple headers not already there. A list
/// that is not header names (`foo bar`) fails wai-cors' parser: no CORS.
fn allowed_headers(requested: &str) -> Option<String> {
    let requested: Vec<&str> = requested.split(',').map(str::trim).collect();
    // wai-cors parses names up to the first empty one, and each must be a token.
    let parsed = requested.iter().take_while(|h| !h.is_empty());
    if !parsed.clone().all(|h| h.bytes().all(is_token_char)) {
        return None;
    }
    let mut names: Vec<&str> = Vec::with_capacity(requested.len() + 4);
    names.push("Authorization");
    names.extend(requested.iter().copied());
    for simple in SIMPLE_HEADERS {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(simple)) {
            names.push(simple);
        }
    }
    Some(names.join(", "))
}

/// RFC 2616 token characters, as wai-cors checks header names.
fn is_token_char(b: u8) -> bool {
    (33..=126).contains(&b) && !b"()<>@,;:\\\"/[]?={}".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn preflight(headers: &[(&str, &str)], allowed: &[&str]) -> Vec<(String, String)> {
        let allowed: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
        match decide("OPTIONS", &h(headers), &allowed) {
            Cors::Preflight(r) => {
                assert_eq!((r.status, r.body.len()), (200, 0));
                r.headers
            }
            other => panic!("not a preflight: {other:?}"),
        }
    }

    // PostgREST's CorsSpec: "replies naively and permissively to preflight request".
    #[test]
    fn permissive_preflight() {
        assert_eq!(
            preflight(
                &[
                    ("Accept", "*/*"),
                    ("Origin", "http://example.com"),
                    ("Access-Control-Request-Method", "POST"),
                    ("Access-Control-Request-Headers", "Foo,Bar"),
                ],
                &[]
            ),
            h(&[
                ("Access-Control-Allow-Origin", "*"),
                (
                    "Access-Control-Allow-Methods",
                    "GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD"
                ),
                (
                    "Access-Control-Allow-Headers",
                    "Authorization, Foo, Bar, Accept, Accept-Language, Content-Language"
                ),
                ("Access-Control-Max-Age", "86400"),
            ])
        );
    }

    #[test]
    fn browser_preflight_with_allowed_origin() {
        assert_eq!(
            preflight(
                &[
                    ("origin", "http://127.0.0.1:3000"),
                    ("access-control-request-method", "PATCH"),
                    (
                        "access-control-request-headers",
                        "accept-profile,authorization,content-type,prefer"
                    ),
                ],
                &["http://localhost:3000", "http://127.0.0.1:3000"]
            ),
            h(&[
                ("Access-Control-Allow-Origin", "http://127.0.0.1:3000"),
                ("Access-Control-Allow-Credentials", "true"),
                (
                    "Access-Control-Allow-Methods",
                    "GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD"
                ),
                (
                    "Access-Control-Allow-Headers",
                    "Authorization, accept-profile, authorization, content-type, prefer, Accept, Accept-Language, Content-Language"
                ),
                ("Access-Control-Max-Age", "86400"),
            ])
        );
    }

    // "exposes necesssary response headers to regular request".
    #[test]
    fn actual_request_exposes_headers() {
        assert_eq!(
            decide("GET", &h(&[("Origin", "http://example.com")]), &[]),
            Cors::Actual(h(&[
                ("Access-Control-Allow-Origin", "*"),
                (
                    "Access-Control-Expose-Headers",
                    "Content-Encoding, Content-Location, Content-Range, Content-Type, Date, Location, Server, Transfer-Encoding, Range-Unit"
                ),
            ]))
        );
    }

    #[test]
    fn served_without_cors() {
        let listed = vec!["http://localhost:3000".to_string()];
        #[allow(clippy::type_complexity)]
        let cases: &[(&str, &[(&str, &str)], &[String])] = &[
            // No Origin: not CORS at all.
            ("GET", &[], &[]),
            ("OPTIONS", &[("Access-Control-Request-Method", "GET")], &[]),
            // An origin not listed: PostgREST ignores the failure and serves the request.
            ("GET", &[("Origin", "http://evil.test")], &listed),
            (
                "OPTIONS",
                &[
                    ("Origin", "http://evil.test"),
                    ("Access-Control-Request-Method", "GET"),
                ],
                &listed,
            ),
            // "allows INFO body through ... to postflight request": OPTIONS without a
            // requested method is the app's OPTIONS.
            ("OPTIONS", &[("Origin", "http://localhost:8000")], &[]),
            // A method wai-cors does not know, or a header list it cannot parse.
            (
                "OPTIONS",
                &[
                    ("Origin", "http://a.test"),
                    ("Access-Control-Request-Method", "TRACE"),
                ],
                &[],
            ),
            (
                "OPTIONS",
                &[
                    ("Origin", "http://a.test"),
                    ("Access-Control-Request-Method", "get"),
                ],
                &[],
            ),
            (
                "OPTIONS",
                &[
                    ("Origin", "http://a.test"),
                    ("Access-Control-Request-Method", "GET"),
                    ("Access-Control-Request-Headers", "foo bar"),
                ],
                &[],
            ),
        ];
        for (method, headers, allowed) in cases {
            assert_eq!(
                decide(method, &h(headers), allowed),
                Cors::Off,
                "{method} {headers:?}"
            );
        }
    }
}
