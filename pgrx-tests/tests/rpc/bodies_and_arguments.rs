//! RPC request side: how `POST /rpc/f` bodies (JSON objects, arrays, empty, form-urlencoded,
//! text/plain, text/xml, application/octet-stream, text/csv) and `GET /rpc/f?args` query strings
//! become arguments, how the function is chosen (named arguments, defaults, overloads, variadic,
//! single unnamed parameters), and what v13 answers when it cannot (PGRST202/203, PGRST102, PGRST100,
//! PGRST101, PGRST106, PGRST122, PGRST125).
//!
//! PostgREST v13 facts these expectations rest on:
//! - ApiRequest.getPayload: a POST to a function parses JSON (an empty body is `{}`; a body that is not
//!   JSON is PGRST102 "Empty or invalid json"); `payloadAttributes` takes the keys of an object, or of
//!   the first object of an array whose objects all have the same keys ("All object keys must match"
//!   otherwise, also for an array of scalars); any other JSON value is truncated to `[]` with no keys.
//!   `?columns=` replaces the keys and skips the parse. Form bodies (`parseSimpleQuery`: percent and
//!   `+` decoded) give direct arguments; text/plain, text/xml, application/octet-stream give the raw
//!   body; text/csv is turned into JSON objects; any other Content-Type is PGRST102 "Content-Type not
//!   acceptable: <type>".
//! - QueryParams.parse (v13, #2858): on GET/HEAD of a function a query parameter without an operator
//!   is an argument (repeated: the last value wins, except for a VARIADIC parameter, which collects
//!   them in order); with an operator it is a filter. On POST every such parameter is a filter, so a
//!   bare value is PGRST100.
//! - Plan.findProc: a function matches when the keys are exactly its required parameters plus any of
//!   its defaulted ones; with no match, a function with one unnamed json/jsonb (application/json),
//!   text (text/plain), xml (text/xml) or bytea (application/octet-stream) parameter takes the whole
//!   body; a function without parameters does not match text/xml/octet-stream bodies; several matches
//!   are PGRST203 (300), listed in the schema cache's order (fewest parameters first, then by
//!   parameter name and `regtype::text` type). Plan.callPlan: only the given keys are passed.
//! - QueryBuilder.callPlanToQuery: JSON arguments go through `json_to_record($1)` (an array through
//!   `json_to_recordset($1) … LIMIT 1`: the first object only) typed by the parameter types;
//!   direct arguments are `"a" := $1::integer`, a VARIADIC one `VARIADIC "nums" := $1::integer[]` from a
//!   text array; a single unnamed parameter is `$1::json` (bytea: the raw bytes).
//! - Error.hs NoRpc (PGRST202, 404): message "Could not find the function s.f(keys sorted)" or
//!   " without parameters", nothing after the name for text/xml/octet-stream bodies; details "Searched
//!   for the function s.f with parameter(s) …", plus " or with a single unnamed json/jsonb parameter"
//!   for application/json POSTs, or "with a single unnamed text|xml|bytea parameter"; hint
//!   (noRpcHint, Data.FuzzySet): with overloads of that name, the closest sorted parameter list
//!   "s.f(a, b)", else the closest function name of the schema, else null; null for raw bodies.
//!   AmbiguousRpc (PGRST203, 300), InvalidRpcMethod (PGRST101, 405 "Cannot use the PATCH method on
//!   RPC"), InvalidResourcePath (PGRST125, 404), UnacceptableSchema (PGRST106, 406, v13.0.7 texts),
//!   InvalidPreferences (PGRST122). Errors carry Content-Type, Content-Length and Proxy-Status only.
//! - ApiRequest.getResource (`["rpc", name]`, anything longer is PGRST125), getAction (HEAD/GET/POST
//!   only), getSchema (GET/HEAD: Accept-Profile; POST/PATCH/PUT/DELETE: Content-Profile; without one,
//!   the first schema, marked negotiated when several are exposed).
//! - CHANGELOG 13.0.0 #3757: `Prefer: params=single-object` was removed, so it is an invalid preference
//!   (ignored by handling=lenient, PGRST122 with handling=strict).
//! - Specs: RpcSpec ("should fail with 404 …", "only takes the first object in case of array of
//!   objects payload", "ignores json keys not included in ?columns", "works with GET and repeated
//!   params", "works with POST and repeated params from html form", "returns last value for repeated
//!   params without VARIADIC", "single unnamed param" context, "unsupported method", "gives a parse
//!   filter error if GET style proc args are specified", "interprets empty string as empty json object
//!   on a post request"), MultipleSchemaSpec (Content-Profile on calls).
//!
//! Every success body is PostgreSQL 17's output for the call statement over the fixture in main.rs;
//! every PGRST202 hint was computed with a port of Data.FuzzySet over the schema cache's functions
//! (the fixture's plus budgetbee's public.jwt/uid/org_id/org_role).
//!
//! This file holds the JSON bodies and their errors; the other request-side cases are in
//! `form_and_raw_bodies`, `get_arguments_and_overloads` and `methods_paths_and_profiles`.
use super::*;

/// `Content-Profile: public`: with two exposed schemas ApiRequest.getSchema marks the default
/// schema as negotiated, and Response.contentTypeHeaders echoes it on every response with a body.
pub(super) const PUBLIC: (&str, &str) = ("Content-Profile", "public");

/// POST with a JSON object: named arguments in any order, defaults, arrays, variadic.
#[test]
fn post_json_arguments() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "POST a JSON object: named arguments",
                method: "POST",
                path: "/rpc/add",
                headers: &[],
                request_body: r#"{"a":1,"b":2}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "1"),
                    PUBLIC,
                ],
                body: "3",
                check: ("", ""),
            },
            WriteCase {
                name: "the order of the keys does not matter",
                method: "POST",
                path: "/rpc/add",
                headers: &[],
                request_body: r#"{"b":2,"a":1}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "1"),
                    PUBLIC,
                ],
                body: "3",
                check: ("", ""),
            },
            WriteCase {
                name: "explicit Content-Type: application/json",
                method: "POST",
                path: "/rpc/add",
                headers: &[("Content-Type", "application/json")],
                request_body: r#"{"a": 40, "b": 2}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "2"),
                    PUBLIC,
                ],
                body: "42",
                check: ("", ""),
            },
            WriteCase {
                name: "ASSUMPTION: whitespace around the object is fine (aeson skips it; isJsonObject looks past it)",
                method: "POST",
                path: "/rpc/add",
                headers: &[],
                request_body: " \n {\"a\":-1,\"b\":1} \n",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "1"),
                    PUBLIC,
                ],
                body: "0",
                check: ("", ""),
            },
            WriteCase {
                name: "a string value is converted to the parameter type by json_to_record",
                method: "POST",
                path: "/rpc/add",
                headers: &[],
                request_body: r#"{"a":"5","b":2}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "1"),
                    PUBLIC,
                ],
                body: "7",
                check: ("", ""),
            },
            WriteCase {
                name: "a null argument reaches the function as NULL",
                method: "POST",
                path: "/rpc/add",
                headers: &[],
                request_body: r#"{"a":null,"b":2}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "4"),
                    PUBLIC,
                ],
                body: "null",
                check: ("", ""),
            },
            WriteCase {
                name: "no argument: every default applies",
                method: "POST",
                path: "/rpc/greet",
                headers: &[],
                request_body: "{}",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "14"),
                    PUBLIC,
                ],
                body: r#""hello world!""#,
                check: ("", ""),
            },
            WriteCase {
                name: "one argument, the other defaults",
                method: "POST",
                path: "/rpc/greet",
                headers: &[],
                request_body: r#"{"name":"bee"}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "12"),
                    PUBLIC,
                ],
                body: r#""hello bee!""#,
                check: ("", ""),
            },
            WriteCase {
                name: "only the second defaulted argument",
                method: "POST",
                path: "/rpc/greet",
                headers: &[],
                request_body: r#"{"punctuation":"?"}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "14"),
                    PUBLIC,
                ],
                body: r#""hello world?""#,
                check: ("", ""),
            },
            WriteCase {
                name: "both arguments, in any order",
                method: "POST",
                path: "/rpc/greet",
                headers: &[],
                request_body: r#"{"punctuation":".","name":"hive"}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "13"),
                    PUBLIC,
                ],
                body: r#""hello hive.""#,
                check: ("", ""),
            },
            WriteCase {
                name: "unicode in an argument",
                method: "POST",
                path: "/rpc/greet",
                headers: &[],
                request_body: r#"{"name":"abeille ￥"}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "20"),
                    PUBLIC,
                ],
                body: r#""hello abeille ￥!""#,
                check: ("", ""),
            },
            WriteCase {
                name: "a JSON array becomes an int[] argument",
                method: "POST",
                path: "/rpc/array_length_of",
                headers: &[],
                request_body: r#"{"arr":[1,2,3,4]}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "1"),
                    PUBLIC,
                ],
                body: "4",
                check: ("", ""),
            },
            WriteCase {
                name: "a PostgreSQL array literal in a JSON string also works",
                method: "POST",
                path: "/rpc/array_length_of",
                headers: &[],
                request_body: r#"{"arr":"{1,2}"}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "1"),
                    PUBLIC,
                ],
                body: "2",
                check: ("", ""),
            },
            WriteCase {
                name: "variadic: the JSON array is the VARIADIC argument",
                method: "POST",
                path: "/rpc/sum_all",
                headers: &[],
                request_body: r#"{"nums":[1,2,3]}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "1"),
                    PUBLIC,
                ],
                body: "6",
                check: ("", ""),
            },
            WriteCase {
                name: "variadic after a plain parameter",
                method: "POST",
                path: "/rpc/join_words",
                headers: &[],
                request_body: r#"{"sep":"-","words":["a","b","c"]}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "7"),
                    PUBLIC,
                ],
                body: r#""a-b-c""#,
                check: ("", ""),
            },
            WriteCase {
                name: "variadic with an empty array",
                method: "POST",
                path: "/rpc/sum_all",
                headers: &[],
                request_body: r#"{"nums":[]}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "4"),
                    PUBLIC,
                ],
                body: "null",
                check: ("", ""),
            },
            WriteCase {
                name: "a date argument",
                method: "POST",
                path: "/rpc/days",
                headers: &[],
                request_body: r#"{"d":"2024-02-28"}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "12"),
                    PUBLIC,
                ],
                body: r#""2024-02-29""#,
                check: ("", ""),
            },
            WriteCase {
                name: "an array of objects calls with the first object only (RpcSpec; json_to_recordset … LIMIT 1)",
                method: "POST",
                path: "/rpc/add",
                headers: &[],
                request_body: r#"[{"a":1,"b":2},{"a":3,"b":4}]"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "1"),
                    PUBLIC,
                ],
                body: "3",
                check: ("", ""),
            },
            WriteCase {
                name: "an empty body is an empty object (RpcSpec noparamsproc)",
                method: "POST",
                path: "/rpc/hello",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "7"),
                    PUBLIC,
                ],
                body: r#""hello""#,
                check: ("", ""),
            },
            WriteCase {
                name: "an empty body with defaults",
                method: "POST",
                path: "/rpc/greet",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "14"),
                    PUBLIC,
                ],
                body: r#""hello world!""#,
                check: ("", ""),
            },
            WriteCase {
                name: "?columns= picks the keys that are arguments",
                method: "POST",
                path: "/rpc/add?columns=a,b",
                headers: &[],
                request_body: r#"{"a":1,"b":2,"c":3,"note":"x"}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "1"),
                    PUBLIC,
                ],
                body: "3",
                check: ("", ""),
            },
            WriteCase {
                name: "ASSUMPTION: ?columns= naming a missing key passes NULL for it",
                method: "POST",
                path: "/rpc/greet?columns=name",
                headers: &[],
                request_body: "{}",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "4"),
                    PUBLIC,
                ],
                body: "null",
                check: ("", ""),
            },
        ],
    );
}

/// Keys that match no function, misspelled names, invalid bodies, POST query parameters.
#[test]
fn post_argument_errors() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "an extra key: 404 PGRST202 naming every key, hint to the existing parameters",
                method: "POST",
                path: "/rpc/add",
                headers: &[],
                request_body: r#"{"a":1,"b":2,"c":3}"#,
                status: 404,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "331"),
                    ("Proxy-Status", "PostgREST; error=PGRST202"),
                    ("Content-Profile", ABSENT),
                ],
                body: r#"{"code":"PGRST202","details":"Searched for the function public.add with parameters a, b, c or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.","hint":"Perhaps you meant to call the function public.add(a, b)","message":"Could not find the function public.add(a, b, c) in the schema cache"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "a missing required key: 404 PGRST202",
                method: "POST",
                path: "/rpc/add",
                headers: &[],
                request_body: r#"{"a":1}"#,
                status: 404,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "318"),
                    ("Proxy-Status", "PostgREST; error=PGRST202"),
                ],
                body: r#"{"code":"PGRST202","details":"Searched for the function public.add with parameter a or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.","hint":"Perhaps you meant to call the function public.add(a, b)","message":"Could not find the function public.add(a) in the schema cache"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "the keys are listed sorted",
                method: "POST",
                path: "/rpc/add",
                headers: &[],
                request_body: r#"{"c":3,"b":2,"a":1}"#,
                status: 404,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "331"),
                    ("Proxy-Status", "PostgREST; error=PGRST202"),
                ],
                body: r#"{"code":"PGRST202","details":"Searched for the function public.add with parameters a, b, c or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.","hint":"Perhaps you meant to call the function public.add(a, b)","message":"Could not find the function public.add(a, b, c) in the schema cache"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: r#"an empty object for a function with required parameters: "without parameters""#,
                method: "POST",
                path: "/rpc/add",
                headers: &[],
                request_body: "{}",
                status: 404,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "283"),
                    ("Proxy-Status", "PostgREST; error=PGRST202"),
                ],
                body: r#"{"code":"PGRST202","details":"Searched for the function public.add without parameters or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.","hint":null,"message":"Could not find the function public.add without parameters in the schema cache"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "an empty body counts as an empty object",
                method: "POST",
                path: "/rpc/add",
                headers: &[],
                request_body: "",
                status: 404,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "283"),
                    ("Proxy-Status", "PostgREST; error=PGRST202"),
                ],
                body: r#"{"code":"PGRST202","details":"Searched for the function public.add without parameters or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.","hint":null,"message":"Could not find the function public.add without parameters in the schema cache"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "a misspelled function name: hint to the closest function",
                method: "POST",
                path: "/rpc/ad",
                headers: &[],
                request_body: r#"{"a":1,"b":2}"#,
                status: 404,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "317"),
                    ("Proxy-Status", "PostgREST; error=PGRST202"),
                ],
                body: r#"{"code":"PGRST202","details":"Searched for the function public.ad with parameters a, b or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.","hint":"Perhaps you meant to call the function public.add","message":"Could not find the function public.ad(a, b) in the schema cache"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "a misspelled function without arguments",
                method: "POST",
                path: "/rpc/helo",
                headers: &[],
                request_body: "{}",
                status: 404,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "334"),
                    ("Proxy-Status", "PostgREST; error=PGRST202"),
                ],
                body: r#"{"code":"PGRST202","details":"Searched for the function public.helo without parameters or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.","hint":"Perhaps you meant to call the function public.hello","message":"Could not find the function public.helo without parameters in the schema cache"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "no close function: hint is null",
                method: "POST",
                path: "/rpc/nope",
                headers: &[],
                request_body: "{}",
                status: 404,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "285"),
                    ("Proxy-Status", "PostgREST; error=PGRST202"),
                ],
                body: r#"{"code":"PGRST202","details":"Searched for the function public.nope without parameters or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.","hint":null,"message":"Could not find the function public.nope without parameters in the schema cache"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "a misspelled argument with no close parameter list: hint is null",
                method: "POST",
                path: "/rpc/greet",
                headers: &[],
                request_body: r#"{"nam":"x"}"#,
                status: 404,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "273"),
                    ("Proxy-Status", "PostgREST; error=PGRST202"),
                ],
                body: r#"{"code":"PGRST202","details":"Searched for the function public.greet with parameter nam or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.","hint":null,"message":"Could not find the function public.greet(nam) in the schema cache"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "?columns= restricts the keys used to find the function",
                method: "POST",
                path: "/rpc/add?columns=a",
                headers: &[],
                request_body: r#"{"a":1,"b":2}"#,
                status: 404,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "318"),
                    ("Proxy-Status", "PostgREST; error=PGRST202"),
                ],
                body: r#"{"code":"PGRST202","details":"Searched for the function public.add with parameter a or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.","hint":"Perhaps you meant to call the function public.add(a, b)","message":"Could not find the function public.add(a) in the schema cache"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "invalid JSON: 400 PGRST102",
                method: "POST",
                path: "/rpc/add",
                headers: &[],
                request_body: r#"{"a":1,"#,
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "80"),
                    ("Proxy-Status", "PostgREST; error=PGRST102"),
                ],
                body: r#"{"code":"PGRST102","details":null,"hint":null,"message":"Empty or invalid json"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "not JSON at all",
                method: "POST",
                path: "/rpc/hello",
                headers: &[("Content-Type", "application/json")],
                request_body: "sdfsdf",
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "80"),
                    ("Proxy-Status", "PostgREST; error=PGRST102"),
                ],
                body: r#"{"code":"PGRST102","details":null,"hint":null,"message":"Empty or invalid json"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "an array of scalars is not an argument object: PGRST102",
                method: "POST",
                path: "/rpc/add",
                headers: &[],
                request_body: "[1,2]",
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "85"),
                    ("Proxy-Status", "PostgREST; error=PGRST102"),
                ],
                body: r#"{"code":"PGRST102","details":null,"hint":null,"message":"All object keys must match"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "an array of objects with different keys: PGRST102",
                method: "POST",
                path: "/rpc/add",
                headers: &[],
                request_body: r#"[{"a":1,"b":2},{"a":1}]"#,
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "85"),
                    ("Proxy-Status", "PostgREST; error=PGRST102"),
                ],
                body: r#"{"code":"PGRST102","details":null,"hint":null,"message":"All object keys must match"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "ASSUMPTION: an unsupported Content-Type is 400 PGRST102",
                method: "POST",
                path: "/rpc/add",
                headers: &[("Content-Type", "application/xml")],
                request_body: "<a>1</a>",
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "103"),
                    ("Proxy-Status", "PostgREST; error=PGRST102"),
                ],
                body: r#"{"code":"PGRST102","details":null,"hint":null,"message":"Content-Type not acceptable: application/xml"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "query parameters of a POST are filters, so a bare value does not parse: 400 PGRST100",
                method: "POST",
                path: "/rpc/add?a=1",
                headers: &[],
                request_body: r#"{"b":2}"#,
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "166"),
                    ("Proxy-Status", "PostgREST; error=PGRST100"),
                ],
                body: r#"{"code":"PGRST100","details":"unexpected \"1\" expecting \"not\" or operator (eq, gt, ...)","hint":null,"message":"\"failed to parse filter (1)\" (line 1, column 1)"}"#,
                check: ("", ""),
            },
        ],
    );
}
