//! Fuzz targets for everything a client controls before any SQL: the request as
//! `ApiRequest::parse` reads it (method, path, the query-string grammar, `Prefer`, `Accept`,
//! `Range`, `Content-Type`, JSON, CSV and form bodies) and the JWT (the verifier, the claims
//! checks, the role path). The property: no panic, and every refusal is a PostgREST-shaped
//! client error (4xx), never an internal one.
//!
//! proptest with structure-aware generators (cargo-fuzz needs a nightly toolchain): inputs are
//! built from the grammar's own tokens, mutated seeds from `fuzz/corpus/` (the SQL-injection
//! and JWT attack shapes the tests use among them) and raw noise. `make test` replays the
//! corpus and runs a few hundred cases from a fixed seed; `make fuzz` runs each target for
//! `FUZZ_SECONDS` from a random seed and prints how many inputs it tried.

use crate::api::ApiRequest;
use crate::error::Error;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use std::time::{Duration, Instant};

const QUERY: &str = include_str!("../fuzz/corpus/query.txt");
const PREFER: &str = include_str!("../fuzz/corpus/prefer.txt");
const ACCEPT: &str = include_str!("../fuzz/corpus/accept.txt");
const RANGE: &str = include_str!("../fuzz/corpus/range.txt");
const BODY: &str = include_str!("../fuzz/corpus/body.txt");
const JWT: &str = include_str!("../fuzz/corpus/jwt.txt");

fn seeds(corpus: &'static str) -> Vec<String> {
    corpus.lines().map(str::to_string).collect()
}

/// The query grammar's tokens, so that generated strings reach deep into the parser.
const TOKENS: &[&str] = &[
    "select=",
    "order=",
    "limit=",
    "offset=",
    "columns=",
    "on_conflict=",
    "or=",
    "and=",
    "not.or=",
    "not.and=",
    "id=",
    "name=",
    "a.b=",
    "a.b.c.limit=",
    "&",
    "=",
    ",",
    ".",
    "(",
    ")",
    "\"",
    "\\",
    "*",
    ":",
    "::",
    "->",
    "->>",
    "!inner",
    "!left",
    "!fk",
    "...",
    "eq.",
    "neq.",
    "gt.",
    "gte.",
    "lt.",
    "lte.",
    "like.",
    "ilike.",
    "match.",
    "imatch.",
    "in.",
    "is.",
    "isdistinct.",
    "fts.",
    "plfts(english).",
    "phfts.",
    "wfts.",
    "cs.",
    "cd.",
    "ov.",
    "sl.",
    "sr.",
    "nxr.",
    "nxl.",
    "adj.",
    "not.",
    "any.",
    "all.",
    "null",
    "true",
    "false",
    "unknown",
    ".asc",
    ".desc",
    ".nullsfirst",
    ".nullslast",
    "count()",
    ".sum()",
    ".avg()",
    "text",
    "{",
    "}",
    "[",
    "]",
    "%20",
    "%22",
    "%2C",
    "%",
    "%E2%82%AC",
    "'",
    ";",
    "--",
    "\u{0}",
    "é",
    "0",
    "1",
    "-1",
    "99999999999999999999",
    "1.5",
    " ",
];

fn token_string(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(TOKENS).prop_map(str::to_string),
            2 => "[a-z_]{1,8}",
            1 => "\\PC{0,6}",
        ],
        0..max,
    )
    .prop_map(|parts| parts.concat())
}

/// A seed from `corpus`, as is or with a generated piece spliced in or a range cut out.
fn mutated(corpus: &'static str) -> impl Strategy<Value = String> {
    (
        prop::sample::select(seeds(corpus)),
        token_string(4),
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        0..3u8,
    )
        .prop_map(|(seed, piece, at, to, how)| {
            let chars: Vec<char> = seed.chars().collect();
            let (a, b) = {
                let (x, y) = (at.index(chars.len() + 1), to.index(chars.len() + 1));
                (x.min(y), x.max(y))
            };
            match how {
                0 => seed,
                1 => chars[..a]
                    .iter()
                    .chain(piece.chars().collect::<Vec<_>>().iter())
                    .chain(chars[a..].iter())
                    .collect(),
                _ => chars[..a].iter().chain(chars[b..].iter()).collect(),
            }
        })
}

/// A header value: a mutated seed, generated tokens, or noise.
fn header_value(corpus: &'static str) -> impl Strategy<Value = Option<String>> {
    prop::option::weighted(
        0.7,
        prop_oneof![3 => mutated(corpus), 1 => token_string(6), 1 => "\\PC{0,40}"],
    )
}

/// JSON values of any shape, a few levels deep.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        "\\PC{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map("[a-z_]{0,6}", inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => mutated(BODY).prop_map(String::into_bytes),
        3 => json_value().prop_map(|v| v.to_string().into_bytes()),
        1 => token_string(10).prop_map(String::into_bytes),
        1 => prop::collection::vec(any::<u8>(), 0..64),
        1 => "([a-z]{1,4}(,[a-z]{1,4}){0,3}\n){1,4}".prop_map(String::into_bytes),
    ]
}

#[derive(Debug, Clone)]
struct Request {
    method: String,
    path: String,
    query: Option<String>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn request() -> impl Strategy<Value = Request> {
    let method = prop::sample::select(vec![
        "GET", "HEAD", "POST", "PATCH", "PUT", "DELETE", "OPTIONS", "TRACE", "get",
    ]);
    let path = prop_oneof![
        prop::sample::select(vec![
            "/",
            "/items",
            "/rpc/f",
            "/rpc/",
            "/a/b",
            "/%E2%82%AC",
            "//",
            "/openapi.json",
            "/rpc/f/g",
        ])
        .prop_map(str::to_string),
        "/\\PC{0,12}",
    ];
    let query =
        prop::option::weighted(0.9, prop_oneof![3 => mutated(QUERY), 2 => token_string(16)]);
    let content_type = prop::option::of(prop::sample::select(vec![
        "application/json",
        "text/csv",
        "application/x-www-form-urlencoded",
        "text/plain",
        "application/octet-stream",
        "application/json; charset=latin1",
        "nonsense",
    ]));
    (
        method,
        path,
        query,
        header_value(PREFER),
        header_value(ACCEPT),
        header_value(RANGE),
        content_type,
        prop::option::of(prop::sample::select(vec!["public", "other", "\u{0}"])),
        body(),
    )
        .prop_map(
            |(method, path, query, prefer, accept, range, content_type, profile, body)| {
                let mut headers = Vec::new();
                let mut add = |name: &str, value: Option<String>| {
                    if let Some(v) = value {
                        headers.push((name.to_string(), v));
                    }
                };
                add("prefer", prefer);
                add("accept", accept);
                add("range", range);
                add("content-type", content_type.map(str::to_string));
                add("accept-profile", profile.map(str::to_string));
                Request {
                    method: method.to_string(),
                    path,
                    query,
                    headers,
                    body,
                }
            },
        )
}

/// A refusal must be a client error in PostgREST's shape, never an internal one.
fn client_error(e: &Error) -> Result<(), TestCaseError> {
    let status = e.status(false);
    if !(400..500).contains(&status) || e.code() == "PGRSTX00" {
        return Err(TestCaseError::fail(format!("refused with {status}: {e:?}")));
    }
    Ok(())
}

fn parses(r: Request) -> Result<(), TestCaseError> {
    match ApiRequest::parse(
        &r.method,
        &r.path,
        r.query.as_deref(),
        &r.headers,
        bytes::Bytes::from(r.body),
    ) {
        Ok(req) => match &req.payload {
            Some(Err(e)) => client_error(e),
            _ => Ok(()),
        },
        Err(e) => client_error(&e),
    }
}

/// 32 bytes of seed from the clock and the process, for a run that should differ each time.
fn rand_seed() -> [u8; 32] {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    let mut seed = [0u8; 32];
    seed[..16].copy_from_slice(&now.to_le_bytes());
    seed[16..20].copy_from_slice(&std::process::id().to_le_bytes());
    seed
}

/// Runs `check` over `strategy`: briefly from a fixed seed, or (`FUZZ_SECONDS`) for that long
/// from a random one. A failure is reported shrunk to its smallest input.
fn fuzz<S: Strategy>(name: &str, strategy: S, check: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let seconds: u64 = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let config = Config {
        cases: if seconds > 0 { 1024 } else { 300 },
        failure_persistence: None,
        ..Config::default()
    };
    let mut rng = if seconds > 0 {
        TestRng::from_seed(RngAlgorithm::ChaCha, &rand_seed())
    } else {
        TestRng::deterministic_rng(RngAlgorithm::ChaCha)
    };
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let executions = std::cell::Cell::new(0u64);
    let counted = |v: S::Value| {
        executions.set(executions.get() + 1);
        check(v)
    };
    loop {
        // A runner stops after `cases` successes: a fresh one per round, on the same stream.
        let mut runner = TestRunner::new_with_rng(config.clone(), rng);
        if let Err(e) = runner.run(&strategy, counted) {
            panic!("fuzz target {name} found: {e}");
        }
        rng = runner.new_rng();
        if Instant::now() >= deadline {
            break;
        }
    }
    let executions = executions.get();
    eprintln!("fuzz target {name}: {executions} inputs, nothing found");
}

#[test]
fn fuzz_request_parsing() {
    // The corpus as it is first.
    for query in seeds(QUERY) {
        for method in ["GET", "POST", "PATCH", "DELETE"] {
            let r = Request {
                method: method.into(),
                path: "/items".into(),
                query: Some(query.clone()),
                headers: vec![("content-type".into(), "application/json".into())],
                body: BODY.lines().next().unwrap_or_default().as_bytes().to_vec(),
            };
            parses(r.clone()).unwrap_or_else(|e| panic!("{r:?}: {e}"));
        }
    }
    for (name, corpus) in [("prefer", PREFER), ("accept", ACCEPT), ("range", RANGE)] {
        for value in seeds(corpus) {
            let r = Request {
                method: "GET".into(),
                path: "/items".into(),
                query: None,
                headers: vec![(name.into(), value)],
                body: Vec::new(),
            };
            parses(r.clone()).unwrap_or_else(|e| panic!("{r:?}: {e}"));
        }
    }
    fuzz("request", request(), parses);
}

fn b64(v: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v)
}

/// Claims of any shape under the names the checks look at.
fn claims() -> impl Strategy<Value = serde_json::Value> {
    prop::collection::btree_map(
        prop::sample::select(vec![
            "role", "exp", "nbf", "iat", "aud", "sub", "claims", "x",
        ]),
        json_value(),
        0..6,
    )
    .prop_map(|m| {
        serde_json::Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    })
}

/// A token: a mutated seed, three segments of generated JSON (signed with the test secret, so
/// that the claims checks run, or not), or noise.
fn token() -> impl Strategy<Value = String> {
    let header = (
        prop::sample::select(vec![
            "\"none\"",
            "\"HS256\"",
            "\"HS512\"",
            "\"RS256\"",
            "\"ES256\"",
            "\"EdDSA\"",
            "\"\"",
            "1",
            "null",
        ]),
        prop::option::of("\\PC{0,10}"),
    )
        .prop_map(|(alg, kid)| match kid {
            Some(k) => format!(r#"{{"alg":{alg},"kid":{}}}"#, serde_json::Value::from(k)),
            None => format!(r#"{{"alg":{alg}}}"#),
        });
    prop_oneof![
        2 => mutated(JWT),
        3 => (header, claims(), prop::collection::vec(any::<u8>(), 0..40)).prop_map(
            |(h, c, sig)| format!(
                "{}.{}.{}",
                b64(h.as_bytes()),
                b64(c.to_string().as_bytes()),
                b64(&sig)
            )
        ),
        3 => claims().prop_map(|c| {
            jsonwebtoken::encode(
                &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
                &c,
                &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
            )
            .unwrap_or_default()
        }),
        1 => "\\PC{0,60}",
    ]
}

const SECRET: &str = "a secret of more than thirty-two characters";

#[test]
fn fuzz_jwt_verification() {
    for token in seeds(JWT) {
        if let Err(e) = crate::auth::check_with_secret(&token, SECRET, ".role") {
            client_error(&e).unwrap_or_else(|f| panic!("{token}: {f}"));
        }
    }
    fuzz(
        "jwt",
        (token(), "\\PC{0,12}"),
        |(token, role_path)| match crate::auth::check_with_secret(&token, SECRET, &role_path) {
            Ok(_) => Ok(()),
            Err(e) => client_error(&e),
        },
    );
}
