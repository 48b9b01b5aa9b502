//! What a call answers when it fails, or when the function takes over the response: errors
//! raised inside functions, PostgreSQL's own errors on arguments and results, `response.status`
//! and `response.headers` set from inside a function, the request as the function sees it,
//! EXECUTE permissions, and functions that do not exist.
//!
//! PostgREST v13 facts the expectations rest on:
//! - Error bodies (`Error.hs` `toJsonPgrstError`): exactly `code`, `details`, `hint`, `message`,
//!   encoded by aeson with sorted keys, compact; a PostgreSQL error forwards SQLSTATE, primary
//!   message, DETAIL and HINT verbatim. Headers (`errorResponseFor`, `instance PgrstError Error`):
//!   `Content-Type: application/json; charset=utf-8`, `Proxy-Status: PostgREST; error=<code>`
//!   (for `RAISE SQLSTATE 'PGRST'` the code is the one in the raised JSON), plus
//!   `WWW-Authenticate: Bearer` on a 401 from PostgreSQL (`instance PgrstError PgError`); never
//!   `Content-Profile`.
//! - Status from SQLSTATE (`Error.hs` `pgErrorStatus`): P0001 → 400, `PTnnn` → nnn, 23505 → 409,
//!   42501 → 401 for the anonymous role (403 otherwise), anything unlisted (BB001, 22012, 22P02,
//!   22007, 22003) → 400. `RAISE SQLSTATE 'PGRST'` with a JSON MESSAGE and DETAIL decides status,
//!   headers and body (`RpcSpec` "gets message and details from raise sqlstate PGRST";
//!   `RpcSpec` "can map a RAISE error code and message to a http status" for PT402).
//! - `response.status` / `response.headers` set by the function (`Response.hs`
//!   `overrideStatusHeaders`; `RpcSpec` "GUC headers on function calls", "can override the
//!   status on RPC"): the GUC status replaces the status, the GUC headers are added before
//!   PostgREST's own.
//! - `request.method` / `request.path` are set for every request (`Query.hs` `setPgLocals`;
//!   `RpcSpec` "gets the http method", "gets the http path" → `/rpc/get_guc_value`); the role is
//!   `db-anon-role` without a token.
//! - A function the role may not EXECUTE is still found in the schema cache (functions are loaded
//!   without a privilege filter, `SchemaCache.hs` `allFunctions`); the call fails in PostgreSQL
//!   with 42501 "permission denied for function <name>".
//! - Unknown function (`Error.hs` `NoRpc`; `RpcSpec` "unknown function"): 404 PGRST202,
//!   message "Could not find the function <schema>.<name>(<args>) in the schema cache" (" without
//!   parameters" when none), details "Searched for the function <schema>.<name> with parameter(s)
//!   <args>, but no matches were found in the schema cache." (POST with JSON adds " or with a
//!   single unnamed json/jsonb parameter"), hint from `noRpcHint`: a fuzzy match on the function
//!   names of the schema, or on the sorted parameter lists of the overloads when the name exists.
//!
//! Bodies were produced by PostgreSQL 17 running PostgREST's call statement over `FIXTURE` as
//! `anon`.

use super::*;

const PROFILE: (&str, &str) = ("Content-Profile", "public");
const NO_PROFILE: (&str, &str) = ("Content-Profile", ABSENT);
const NO_WWW: (&str, &str) = ("WWW-Authenticate", ABSENT);
const SEND_JSON: (&str, &str) = ("Content-Type", "application/json");

const P0001: &str =
    r#"{"code":"P0001","details":"in detail","hint":"try again","message":"something went wrong"}"#;
const PGRST_RAISED: &str =
    r#"{"code":"BB123","details":"d","hint":"h","message":"raised in full"}"#;
const DIVISION_BY_ZERO: &str =
    r#"{"code":"22012","details":null,"hint":null,"message":"division by zero"}"#;
const BAD_INTEGER: &str = r#"{"code":"22P02","details":null,"hint":null,"message":"invalid input syntax for type integer: \"x\""}"#;
const SECRET_DENIED: &str = r#"{"code":"42501","details":null,"hint":null,"message":"permission denied for function secret"}"#;

/// Errors raised inside functions and PostgreSQL's own errors, over GET.
#[test]
fn raised_and_postgres_errors_over_get() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "RAISE EXCEPTION (P0001) is 400 with message, detail and hint",
                method: "GET",
                path: "/rpc/raise_p0001",
                headers: &[],
                status: 400,
                expect_headers: &[
                    JSON,
                    NO_PROFILE,
                    NO_WWW,
                    ("Proxy-Status", "PostgREST; error=P0001"),
                    ("Content-Range", ABSENT),
                ],
                body: P0001,
            },
            Case {
                name: "RAISE SQLSTATE 'PT402' is 402",
                method: "GET",
                path: "/rpc/raise_pt402",
                headers: &[],
                status: 402,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PT402")],
                body: r#"{"code":"PT402","details":null,"hint":null,"message":"payment required"}"#,
            },
            Case {
                name: "RAISE unique_violation (23505) is 409",
                method: "GET",
                path: "/rpc/raise_unique",
                headers: &[],
                status: 409,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=23505")],
                body: r#"{"code":"23505","details":null,"hint":null,"message":"already there"}"#,
            },
            Case {
                name: "a custom SQLSTATE (BB001) is 400",
                method: "GET",
                path: "/rpc/raise_custom",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=BB001")],
                body: r#"{"code":"BB001","details":null,"hint":null,"message":"custom code"}"#,
            },
            Case {
                name: "RAISE SQLSTATE 'PGRST': status, headers and body from the raised JSON",
                method: "GET",
                path: "/rpc/raise_pgrst",
                headers: &[],
                status: 418,
                expect_headers: &[
                    JSON,
                    NO_PROFILE,
                    ("X-Teapot", "yes"),
                    ("Proxy-Status", "PostgREST; error=BB123"),
                ],
                body: PGRST_RAISED,
            },
            Case {
                name: "division by zero inside the function (22012) is 400",
                method: "GET",
                path: "/rpc/divide?a=1&b=0",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=22012")],
                body: DIVISION_BY_ZERO,
            },
            Case {
                name: "an argument that is not an integer (22P02) is 400 with PostgreSQL's message",
                method: "GET",
                path: "/rpc/add?a=x&b=1",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=22P02")],
                body: BAD_INTEGER,
            },
            Case {
                name: "an argument that is not a date (22007) is 400",
                method: "GET",
                path: "/rpc/days?d=notadate",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=22007")],
                body: r#"{"code":"22007","details":null,"hint":null,"message":"invalid input syntax for type date: \"notadate\""}"#,
            },
            Case {
                name: "an argument out of range for integer (22003) is 400",
                method: "GET",
                path: "/rpc/add?a=99999999999&b=1",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=22003")],
                body: r#"{"code":"22003","details":null,"hint":null,"message":"value \"99999999999\" is out of range for type integer"}"#,
            },
        ],
    );
}

/// The same errors over POST with a JSON body.
#[test]
fn raised_and_postgres_errors_over_post() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "RAISE EXCEPTION (P0001) over POST",
                method: "POST",
                path: "/rpc/raise_p0001",
                headers: &[SEND_JSON],
                request_body: "{}",
                status: 400,
                expect_headers: &[JSON, NO_PROFILE, ("Proxy-Status", "PostgREST; error=P0001")],
                body: P0001,
                check: ("", ""),
            },
            WriteCase {
                name: "RAISE SQLSTATE 'PT402' over POST",
                method: "POST",
                path: "/rpc/raise_pt402",
                headers: &[SEND_JSON],
                request_body: "{}",
                status: 402,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PT402")],
                body: r#"{"code":"PT402","details":null,"hint":null,"message":"payment required"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "RAISE SQLSTATE 'PGRST' over POST",
                method: "POST",
                path: "/rpc/raise_pgrst",
                headers: &[SEND_JSON],
                request_body: "{}",
                status: 418,
                expect_headers: &[
                    JSON,
                    ("X-Teapot", "yes"),
                    ("Proxy-Status", "PostgREST; error=BB123"),
                ],
                body: PGRST_RAISED,
                check: ("", ""),
            },
            WriteCase {
                name: "division by zero over POST",
                method: "POST",
                path: "/rpc/divide",
                headers: &[SEND_JSON],
                request_body: r#"{"a":1,"b":0}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=22012")],
                body: DIVISION_BY_ZERO,
                check: ("", ""),
            },
            WriteCase {
                name: "a JSON string that is not an integer: json_to_record's 22P02",
                method: "POST",
                path: "/rpc/add",
                headers: &[SEND_JSON],
                request_body: r#"{"a":"x","b":1}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=22P02")],
                body: BAD_INTEGER,
                check: ("", ""),
            },
        ],
    );
}

/// `response.status` / `response.headers` from inside the function, and the request as the
/// function sees it.
#[test]
fn function_controls_the_response_and_sees_the_request() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "response.status and response.headers set by the function (GET)",
                method: "GET",
                path: "/rpc/set_headers",
                headers: &[],
                request_body: "",
                status: 202,
                expect_headers: &[
                    JSON,
                    PROFILE,
                    ("X-From-Function", "yes"),
                    ("Cache-Control", "no-store"),
                    ("Content-Range", "0-0/*"),
                ],
                body: r#""accepted""#,
                check: ("", ""),
            },
            WriteCase {
                name: "response.status and response.headers set by the function (POST)",
                method: "POST",
                path: "/rpc/set_headers",
                headers: &[SEND_JSON],
                request_body: "{}",
                status: 202,
                expect_headers: &[
                    JSON,
                    PROFILE,
                    ("X-From-Function", "yes"),
                    ("Cache-Control", "no-store"),
                ],
                body: r#""accepted""#,
                check: ("", ""),
            },
            WriteCase {
                name: "request.method, request.path and the role inside the function (GET)",
                method: "GET",
                path: "/rpc/request_info",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[JSON, PROFILE],
                body: r#"{"method" : "GET", "path" : "/rpc/request_info", "role" : "anon"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "request.method, request.path and the role inside the function (POST)",
                method: "POST",
                path: "/rpc/request_info",
                headers: &[SEND_JSON],
                request_body: "{}",
                status: 200,
                expect_headers: &[JSON, PROFILE],
                body: r#"{"method" : "POST", "path" : "/rpc/request_info", "role" : "anon"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "request.path leaves the query string out",
                method: "GET",
                path: "/rpc/request_info?select=*",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[JSON],
                body: r#"{"method" : "GET", "path" : "/rpc/request_info", "role" : "anon"}"#,
                check: ("", ""),
            },
        ],
    );
}

/// EXECUTE permission, and functions the schema cache does not have.
#[test]
fn permissions_and_unknown_functions() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "no EXECUTE for anon: 401 with WWW-Authenticate: Bearer and 42501 (GET)",
                method: "GET",
                path: "/rpc/secret",
                headers: &[],
                request_body: "",
                status: 401,
                expect_headers: &[
                    JSON,
                    NO_PROFILE,
                    ("WWW-Authenticate", "Bearer"),
                    ("Proxy-Status", "PostgREST; error=42501"),
                ],
                body: SECRET_DENIED,
                check: ("", ""),
            },
            WriteCase {
                name: "no EXECUTE for anon: 401 over POST",
                method: "POST",
                path: "/rpc/secret",
                headers: &[SEND_JSON],
                request_body: "{}",
                status: 401,
                expect_headers: &[
                    JSON,
                    ("WWW-Authenticate", "Bearer"),
                    ("Proxy-Status", "PostgREST; error=42501"),
                ],
                body: SECRET_DENIED,
                check: ("", ""),
            },
            WriteCase {
                name: "unknown function without arguments (GET): 404 PGRST202, no close name",
                method: "GET",
                path: "/rpc/zzqqx",
                headers: &[],
                request_body: "",
                status: 404,
                expect_headers: &[
                    JSON,
                    NO_PROFILE,
                    NO_WWW,
                    ("Proxy-Status", "PostgREST; error=PGRST202"),
                ],
                body: r#"{"code":"PGRST202","details":"Searched for the function public.zzqqx without parameters, but no matches were found in the schema cache.","hint":null,"message":"Could not find the function public.zzqqx without parameters in the schema cache"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "unknown function with arguments (GET)",
                method: "GET",
                path: "/rpc/zzqqx?b=2&a=1",
                headers: &[],
                request_body: "",
                status: 404,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST202")],
                body: r#"{"code":"PGRST202","details":"Searched for the function public.zzqqx with parameters a, b, but no matches were found in the schema cache.","hint":null,"message":"Could not find the function public.zzqqx(a, b) in the schema cache"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "unknown function over POST {}: the details mention the single json/jsonb parameter",
                method: "POST",
                path: "/rpc/zzqqx",
                headers: &[SEND_JSON],
                request_body: "{}",
                status: 404,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST202")],
                body: r#"{"code":"PGRST202","details":"Searched for the function public.zzqqx without parameters or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.","hint":null,"message":"Could not find the function public.zzqqx without parameters in the schema cache"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "unknown function over POST with one key",
                method: "POST",
                path: "/rpc/zzqqx",
                headers: &[SEND_JSON],
                request_body: r#"{"a":1}"#,
                status: 404,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST202")],
                body: r#"{"code":"PGRST202","details":"Searched for the function public.zzqqx with parameter a or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.","hint":null,"message":"Could not find the function public.zzqqx(a) in the schema cache"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "ASSUMPTION: a misspelt function name gets the closest name as hint",
                method: "GET",
                path: "/rpc/helo",
                headers: &[],
                request_body: "",
                status: 404,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST202")],
                body: r#"{"code":"PGRST202","details":"Searched for the function public.helo without parameters, but no matches were found in the schema cache.","hint":"Perhaps you meant to call the function public.hello","message":"Could not find the function public.helo without parameters in the schema cache"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "a known function with an extra argument: hint with its parameters",
                method: "GET",
                path: "/rpc/add?a=1&b=2&c=3",
                headers: &[],
                request_body: "",
                status: 404,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST202")],
                body: r#"{"code":"PGRST202","details":"Searched for the function public.add with parameters a, b, c, but no matches were found in the schema cache.","hint":"Perhaps you meant to call the function public.add(a, b)","message":"Could not find the function public.add(a, b, c) in the schema cache"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "unknown function under Accept-Profile: v2: the profile's schema in message and details",
                method: "GET",
                path: "/rpc/zzqqx?x=1",
                headers: &[("Accept-Profile", "v2")],
                request_body: "",
                status: 404,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST202")],
                body: r#"{"code":"PGRST202","details":"Searched for the function v2.zzqqx with parameter x, but no matches were found in the schema cache.","hint":null,"message":"Could not find the function v2.zzqqx(x) in the schema cache"}"#,
                check: ("", ""),
            },
        ],
    );
}
