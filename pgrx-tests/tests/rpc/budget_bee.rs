//! Budget Bee's own calls, on `jwt_cluster()` (HS256 tokens, `db_pre_request =
//! public.pre_request`, row-level security on `bb_transactions` / `bb_categories`): the chart's
//! `get_transaction_by_category` exactly as the web app sends it, what row-level security leaves
//! each caller, SECURITY DEFINER versus invoker, who the function thinks is calling, and the
//! read features a TABLE result still has (select, order, filters, counts).
//!
//! Facts the expectations rest on:
//! - The request (`supabase/postgrest-js` 1.21.4, `PostgrestClient.rpc` + `PostgrestBuilder`):
//!   `rpc(fn, args)` is `POST /rpc/<fn>` with `JSON.stringify(args)` as body and
//!   `Content-Type: application/json`; `Accept-Profile` / `Content-Profile` are only sent when a
//!   schema was chosen (`if (this.schema === undefined) { /* skip */ }`), and Budget Bee chooses
//!   none. The app adds `Accept: application/json`, its bearer token and a non-standard
//!   `contenttype: application/json` header (shared/reference/budgetbee-app.md).
//! - Better Auth's tokens: `sub` = `user_id` = the user id, `role: "authenticated"`, `email`,
//!   `claims: {organization_id, organization_role}`, `iat`, `exp` = iat + 1 h, `aud` = `iss` =
//!   the app URL. Without `jwt-aud` configured any audience is accepted (`Auth/Jwt.hs`).
//! - PostgREST v13 runs the call as the token's role with `request.jwt.claims` set, then the
//!   pre-request function, then the call (`Query.hs` `setPgLocals`, `runPreReq`;
//!   `RpcPreRequestGucsSpec`); without a token it runs as `db-anon-role` with claims
//!   `{"role": "anon"}` (`RpcSpec` "current role is available as GUC claim").
//! - A TABLE(...) result is read like a relation named after the function: `select`, `order`
//!   and filters with an operator apply to it; a query parameter without an operator is an
//!   argument on GET (`RpcSpec` "can filter proc results", "select works on the first level",
//!   "should filter a proc that has arg name = filter name"). JSON arguments over GET are the
//!   URL-encoded JSON text cast to the parameter type (`QueryBuilder.hs` `callPlanToQuery`
//!   `fmtArgs`: `$n::jsonb`).
//! - Responses (`Response.hs` `actionResponse` for `CallReadPlan`): 200, `Content-Range:
//!   0-<n-1>/*` (`*/*` for no rows; `/<total>` with `Prefer: count=exact`), `Content-Type:
//!   application/json; charset=utf-8`, no `Content-Profile` with a single exposed schema.
//! - Errors: 42501 is 401 with `WWW-Authenticate: Bearer` for the anonymous role (`Error.hs`
//!   `pgErrorStatus`); an expired token is 401 PGRST303 "JWT expired" with
//!   `WWW-Authenticate: Bearer error="invalid_token", error_description="JWT expired"`.
//!
//! Bodies were produced by PostgreSQL 17 running PostgREST's call statement over `RLS_FIXTURE`
//! as `authenticated` (or `anon`) with `request.jwt.claims` set to each token's claims and
//! `public.pre_request()` run first. The SECURITY DEFINER function is owned by the superuser that
//! loads the fixture, which bypasses row-level security.

use super::*;
use serde_json::{Value, json};

const APP: &str = "http://localhost:3000";
const SEND_JSON: (&str, &str) = ("Content-Type", "application/json");
const ACCEPT_JSON: (&str, &str) = ("Accept", "application/json");
const CONTENTTYPE: (&str, &str) = ("contenttype", "application/json");
const NO_PROFILE: (&str, &str) = ("Content-Profile", ABSENT);
const NO_WWW: (&str, &str) = ("WWW-Authenticate", ABSENT);
const PATH: &str = "/rpc/get_transaction_by_category";

/// user_a's personal chart: Food (-10 + -20), Travel (-300), and the uncategorised refund.
pub(super) const A_CHART: &str = "[{\"amount\":-30.00,\"name\":\"Food\",\"category_id\":1}, \n {\"amount\":-300.00,\"name\":\"Travel\",\"category_id\":2}, \n {\"amount\":15.00,\"name\":null,\"category_id\":null}]";

/// Claims shaped like Better Auth's, valid for an hour.
fn better_auth_claims(sub: &str, org: Option<(&str, &str)>) -> Value {
    let t = jwt_support::now();
    json!({
        "iat": t,
        "exp": t + 3600,
        "iss": APP,
        "aud": APP,
        "sub": sub,
        "user_id": sub,
        "role": "authenticated",
        "email": format!("{sub}@example.com"),
        "claims": {
            "organization_id": org.map(|o| o.0),
            "organization_role": org.map(|o| o.1),
        },
    })
}

pub(super) fn bearer_for(sub: &str, org: Option<(&str, &str)>) -> String {
    jwt_support::bearer(&jwt_support::hs256(&better_auth_claims(sub, org)))
}

/// The chart's call, as postgrest-js sends it: POST with the app's headers.
#[test]
fn chart_call_as_the_app_sends_it() {
    let a = bearer_for("user_a", None);
    let b = bearer_for("user_b", None);
    let b_org = bearer_for("user_b", Some(("org_1", "owner")));
    let a_org = bearer_for("user_a", Some(("org_1", "viewer")));
    run_write_cases(
        jwt_cluster(),
        &[
            WriteCase {
                name: "user_a's chart: user_a's personal rows per category, uncategorised last",
                method: "POST",
                path: PATH,
                headers: &[
                    SEND_JSON,
                    ACCEPT_JSON,
                    CONTENTTYPE,
                    ("Authorization", a.as_str()),
                ],
                request_body: r#"{"params":{"user_id":"user_a","organization_id":null,"filters":[]}}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    NO_PROFILE,
                    NO_WWW,
                    ("Content-Range", "0-2/*"),
                    ("Preference-Applied", ABSENT),
                ],
                body: A_CHART,
                check: ("", ""),
            },
            WriteCase {
                name: "user_b's chart with user_b's token: only user_b's personal row",
                method: "POST",
                path: PATH,
                headers: &[
                    SEND_JSON,
                    ACCEPT_JSON,
                    CONTENTTYPE,
                    ("Authorization", b.as_str()),
                ],
                request_body: r#"{"params":{"user_id":"user_b","organization_id":null,"filters":[]}}"#,
                status: 200,
                expect_headers: &[JSON, NO_PROFILE, ("Content-Range", "0-0/*")],
                body: r#"[{"amount":999.00,"name":"Sales","category_id":3}]"#,
                check: ("", ""),
            },
            WriteCase {
                name: "the status filter: only paid transactions are summed",
                method: "POST",
                path: PATH,
                headers: &[
                    SEND_JSON,
                    ACCEPT_JSON,
                    CONTENTTYPE,
                    ("Authorization", a.as_str()),
                ],
                request_body: r#"{"params":{"user_id":"user_a","organization_id":null,"filters":[{"field":"status","operation":"is","value":["paid"]}]}}"#,
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: "[{\"amount\":-10.00,\"name\":\"Food\",\"category_id\":1}, \n {\"amount\":-300.00,\"name\":\"Travel\",\"category_id\":2}, \n {\"amount\":15.00,\"name\":null,\"category_id\":null}]",
                check: ("", ""),
            },
            WriteCase {
                name: "the status filter with pending: one group",
                method: "POST",
                path: PATH,
                headers: &[
                    SEND_JSON,
                    ACCEPT_JSON,
                    CONTENTTYPE,
                    ("Authorization", a.as_str()),
                ],
                request_body: r#"{"params":{"user_id":"user_a","organization_id":null,"filters":[{"field":"status","operation":"is","value":["pending"]}]}}"#,
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"amount":-20.00,"name":"Food","category_id":1}]"#,
                check: ("", ""),
            },
            WriteCase {
                name: "organization chart with an org_1 token: the org's row; its category is not user_b's, so no name",
                method: "POST",
                path: PATH,
                headers: &[
                    SEND_JSON,
                    ACCEPT_JSON,
                    CONTENTTYPE,
                    ("Authorization", b_org.as_str()),
                ],
                request_body: r#"{"params":{"user_id":"user_b","organization_id":"org_1","filters":[]}}"#,
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"amount":-50.00,"name":null,"category_id":1}]"#,
                check: ("", ""),
            },
            WriteCase {
                name: "the same organization chart as user_a (owner of the category): named",
                method: "POST",
                path: PATH,
                headers: &[
                    SEND_JSON,
                    ACCEPT_JSON,
                    CONTENTTYPE,
                    ("Authorization", a_org.as_str()),
                ],
                request_body: r#"{"params":{"user_id":"user_a","organization_id":"org_1","filters":[]}}"#,
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"amount":-50.00,"name":"Food","category_id":1}]"#,
                check: ("", ""),
            },
            WriteCase {
                name: "user_a asking for user_b's rows: row-level security leaves none",
                method: "POST",
                path: PATH,
                headers: &[
                    SEND_JSON,
                    ACCEPT_JSON,
                    CONTENTTYPE,
                    ("Authorization", a.as_str()),
                ],
                request_body: r#"{"params":{"user_id":"user_b","organization_id":null,"filters":[]}}"#,
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "*/*")],
                body: "[]",
                check: ("", ""),
            },
            WriteCase {
                name: "user_a asking for org_1 without an org_1 token: none",
                method: "POST",
                path: PATH,
                headers: &[
                    SEND_JSON,
                    ACCEPT_JSON,
                    CONTENTTYPE,
                    ("Authorization", a.as_str()),
                ],
                request_body: r#"{"params":{"user_id":"user_a","organization_id":"org_1","filters":[]}}"#,
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "*/*")],
                body: "[]",
                check: ("", ""),
            },
            WriteCase {
                name: "the chart without a token: anon may not read bb_transactions, 401",
                method: "POST",
                path: PATH,
                headers: &[SEND_JSON, ACCEPT_JSON, CONTENTTYPE],
                request_body: r#"{"params":{"user_id":"user_a","organization_id":null,"filters":[]}}"#,
                status: 401,
                expect_headers: &[
                    JSON,
                    ("WWW-Authenticate", "Bearer"),
                    ("Proxy-Status", "PostgREST; error=42501"),
                ],
                body: r#"{"code":"42501","details":null,"hint":null,"message":"permission denied for table bb_transactions"}"#,
                check: ("", ""),
            },
        ],
    );
}

/// Reads over the TABLE result, and the JSON argument passed over GET.
#[test]
fn chart_result_is_readable_like_a_relation() {
    let a = bearer_for("user_a", None);
    run_write_cases(
        jwt_cluster(),
        &[
            WriteCase {
                name: "GET with the params argument as URL-encoded JSON: the same chart",
                method: "GET",
                path: "/rpc/get_transaction_by_category?params=%7B%22user_id%22%3A%22user_a%22%2C%22organization_id%22%3Anull%2C%22filters%22%3A%5B%5D%7D",
                headers: &[ACCEPT_JSON, ("Authorization", a.as_str())],
                request_body: "",
                status: 200,
                expect_headers: &[JSON, NO_PROFILE, ("Content-Range", "0-2/*")],
                body: A_CHART,
                check: ("", ""),
            },
            WriteCase {
                name: "GET with the status filter inside the URL-encoded JSON",
                method: "GET",
                path: "/rpc/get_transaction_by_category?params=%7B%22user_id%22%3A%22user_a%22%2C%22organization_id%22%3Anull%2C%22filters%22%3A%5B%7B%22field%22%3A%22status%22%2C%22operation%22%3A%22is%22%2C%22value%22%3A%5B%22paid%22%5D%7D%5D%7D",
                headers: &[ACCEPT_JSON, ("Authorization", a.as_str())],
                request_body: "",
                status: 200,
                expect_headers: &[JSON],
                body: "[{\"amount\":-10.00,\"name\":\"Food\",\"category_id\":1}, \n {\"amount\":-300.00,\"name\":\"Travel\",\"category_id\":2}, \n {\"amount\":15.00,\"name\":null,\"category_id\":null}]",
                check: ("", ""),
            },
            WriteCase {
                name: "POST with select=name,amount&order=amount on the TABLE result",
                method: "POST",
                path: "/rpc/get_transaction_by_category?select=name,amount&order=amount",
                headers: &[SEND_JSON, ACCEPT_JSON, ("Authorization", a.as_str())],
                request_body: r#"{"params":{"user_id":"user_a","organization_id":null,"filters":[]}}"#,
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: "[{\"name\":\"Travel\",\"amount\":-300.00}, \n {\"name\":\"Food\",\"amount\":-30.00}, \n {\"name\":null,\"amount\":15.00}]",
                check: ("", ""),
            },
            WriteCase {
                name: "POST with amount=lt.0: a filter on the TABLE result",
                method: "POST",
                path: "/rpc/get_transaction_by_category?amount=lt.0",
                headers: &[SEND_JSON, ACCEPT_JSON, ("Authorization", a.as_str())],
                request_body: r#"{"params":{"user_id":"user_a","organization_id":null,"filters":[]}}"#,
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: "[{\"amount\":-30.00,\"name\":\"Food\",\"category_id\":1}, \n {\"amount\":-300.00,\"name\":\"Travel\",\"category_id\":2}]",
                check: ("", ""),
            },
            WriteCase {
                name: "POST with order=name.desc.nullsfirst",
                method: "POST",
                path: "/rpc/get_transaction_by_category?order=name.desc.nullsfirst",
                headers: &[SEND_JSON, ACCEPT_JSON, ("Authorization", a.as_str())],
                request_body: r#"{"params":{"user_id":"user_a","organization_id":null,"filters":[]}}"#,
                status: 200,
                expect_headers: &[JSON],
                body: "[{\"amount\":15.00,\"name\":null,\"category_id\":null}, \n {\"amount\":-300.00,\"name\":\"Travel\",\"category_id\":2}, \n {\"amount\":-30.00,\"name\":\"Food\",\"category_id\":1}]",
                check: ("", ""),
            },
            WriteCase {
                name: "GET with the argument, a filter, select and order together",
                method: "GET",
                path: "/rpc/get_transaction_by_category?params=%7B%22user_id%22%3A%22user_a%22%2C%22organization_id%22%3Anull%2C%22filters%22%3A%5B%5D%7D&amount=lt.0&select=name,amount&order=amount.desc",
                headers: &[ACCEPT_JSON, ("Authorization", a.as_str())],
                request_body: "",
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: "[{\"name\":\"Food\",\"amount\":-30.00}, \n {\"name\":\"Travel\",\"amount\":-300.00}]",
                check: ("", ""),
            },
            WriteCase {
                name: "Prefer: count=exact on the chart: total in Content-Range, echoed",
                method: "POST",
                path: PATH,
                headers: &[
                    SEND_JSON,
                    ACCEPT_JSON,
                    ("Authorization", a.as_str()),
                    ("Prefer", "count=exact"),
                ],
                request_body: r#"{"params":{"user_id":"user_a","organization_id":null,"filters":[]}}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-2/3"),
                    ("Preference-Applied", "count=exact"),
                ],
                body: A_CHART,
                check: ("", ""),
            },
        ],
    );
}

/// SECURITY INVOKER vs DEFINER under row-level security, who the function thinks is calling,
/// and what the pre-request function recorded.
#[test]
fn row_level_security_and_the_caller() {
    let a = bearer_for("user_a", None);
    let b_org = bearer_for("user_b", Some(("org_1", "admin")));
    let t = jwt_support::now();
    let mut expired_claims = better_auth_claims("user_a", None);
    expired_claims["iat"] = json!(t - 7200);
    expired_claims["exp"] = json!(t - 3600);
    let expired = jwt_support::bearer(&jwt_support::hs256(&expired_claims));
    let expired_www = jwt_support::invalid_token("JWT expired");
    run_write_cases(
        jwt_cluster(),
        &[
            WriteCase {
                name: "count_my_transactions (invoker) as user_a: row-level security leaves user_a's 4 rows",
                method: "POST",
                path: "/rpc/count_my_transactions",
                headers: &[SEND_JSON, ACCEPT_JSON, ("Authorization", a.as_str())],
                request_body: "{}",
                status: 200,
                expect_headers: &[JSON, NO_PROFILE, ("Content-Range", "0-0/*")],
                body: "4",
                check: ("", ""),
            },
            WriteCase {
                name: "count_my_transactions with an org_1 token: user_b's personal row and the org's",
                method: "POST",
                path: "/rpc/count_my_transactions",
                headers: &[SEND_JSON, ACCEPT_JSON, ("Authorization", b_org.as_str())],
                request_body: "{}",
                status: 200,
                expect_headers: &[JSON],
                body: "2",
                check: ("", ""),
            },
            WriteCase {
                name: "count_all_transactions (SECURITY DEFINER, owned by the superuser) as user_a: every row",
                method: "POST",
                path: "/rpc/count_all_transactions",
                headers: &[SEND_JSON, ACCEPT_JSON, ("Authorization", a.as_str())],
                request_body: "{}",
                status: 200,
                expect_headers: &[JSON, NO_WWW],
                body: "6",
                check: ("", ""),
            },
            WriteCase {
                name: "count_all_transactions over GET as user_a",
                method: "GET",
                path: "/rpc/count_all_transactions",
                headers: &[ACCEPT_JSON, ("Authorization", a.as_str())],
                request_body: "",
                status: 200,
                expect_headers: &[JSON],
                body: "6",
                check: ("", ""),
            },
            WriteCase {
                name: "count_all_transactions without a token: anon has no EXECUTE, 401",
                method: "POST",
                path: "/rpc/count_all_transactions",
                headers: &[SEND_JSON, ACCEPT_JSON],
                request_body: "{}",
                status: 401,
                expect_headers: &[
                    JSON,
                    NO_PROFILE,
                    ("WWW-Authenticate", "Bearer"),
                    ("Proxy-Status", "PostgREST; error=42501"),
                ],
                body: r#"{"code":"42501","details":null,"hint":null,"message":"permission denied for function count_all_transactions"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "a function authenticated may not execute, with a token: 403, no WWW-Authenticate",
                method: "POST",
                path: "/rpc/admin_only",
                headers: &[SEND_JSON, ACCEPT_JSON, ("Authorization", a.as_str())],
                request_body: "{}",
                status: 403,
                expect_headers: &[JSON, NO_WWW, ("Proxy-Status", "PostgREST; error=42501")],
                body: r#"{"code":"42501","details":null,"hint":null,"message":"permission denied for function admin_only"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "count_my_transactions without a token: anon may not read the table, 401",
                method: "GET",
                path: "/rpc/count_my_transactions",
                headers: &[ACCEPT_JSON],
                request_body: "",
                status: 401,
                expect_headers: &[JSON, ("WWW-Authenticate", "Bearer")],
                body: r#"{"code":"42501","details":null,"hint":null,"message":"permission denied for table bb_transactions"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "whoami as user_a: uid() from the token, role authenticated",
                method: "GET",
                path: "/rpc/whoami",
                headers: &[ACCEPT_JSON, ("Authorization", a.as_str())],
                request_body: "",
                status: 200,
                expect_headers: &[JSON, NO_PROFILE],
                body: r#"{"uid" : "user_a", "role" : "authenticated"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "whoami as user_b over POST",
                method: "POST",
                path: "/rpc/whoami",
                headers: &[SEND_JSON, ACCEPT_JSON, ("Authorization", b_org.as_str())],
                request_body: "{}",
                status: 200,
                expect_headers: &[JSON],
                body: r#"{"uid" : "user_b", "role" : "authenticated"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "whoami without a token: no uid, role anon",
                method: "GET",
                path: "/rpc/whoami",
                headers: &[ACCEPT_JSON],
                request_body: "",
                status: 200,
                expect_headers: &[JSON],
                body: r#"{"uid" : null, "role" : "anon"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "caller: set by the pre-request function from the token",
                method: "GET",
                path: "/rpc/caller",
                headers: &[ACCEPT_JSON, ("Authorization", a.as_str())],
                request_body: "",
                status: 200,
                expect_headers: &[JSON],
                body: r#""user_a""#,
                check: ("", ""),
            },
            WriteCase {
                name: "caller over POST with user_b's token",
                method: "POST",
                path: "/rpc/caller",
                headers: &[SEND_JSON, ACCEPT_JSON, ("Authorization", b_org.as_str())],
                request_body: "{}",
                status: 200,
                expect_headers: &[JSON],
                body: r#""user_b""#,
                check: ("", ""),
            },
            WriteCase {
                name: "caller without a token: the pre-request function ran as anon",
                method: "GET",
                path: "/rpc/caller",
                headers: &[ACCEPT_JSON],
                request_body: "",
                status: 200,
                expect_headers: &[JSON],
                body: r#""nobody""#,
                check: ("", ""),
            },
            WriteCase {
                name: "an expired token on a call: 401 PGRST303 before any SQL",
                method: "POST",
                path: PATH,
                headers: &[SEND_JSON, ACCEPT_JSON, ("Authorization", expired.as_str())],
                request_body: r#"{"params":{"user_id":"user_a","organization_id":null,"filters":[]}}"#,
                status: 401,
                expect_headers: &[
                    JSON,
                    ("WWW-Authenticate", expired_www.as_str()),
                    ("Proxy-Status", "PostgREST; error=PGRST303"),
                ],
                body: r#"{"code":"PGRST303","details":null,"hint":null,"message":"JWT expired"}"#,
                check: ("", ""),
            },
        ],
    );
}
