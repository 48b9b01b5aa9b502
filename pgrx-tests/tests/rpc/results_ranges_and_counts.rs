//! RPC results paged and counted: the Range header, Prefer: count and HEAD; POST ignores
//! Range but applies limit/offset and counts (PostgREST facts: `results`).

use super::results::PUBLIC;
use super::*;

/// The Range header, Prefer: count, HEAD.
#[test]
fn ranges_and_counts() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "the Range header on a GET",
                method: "GET",
                path: "/rpc/all_transactions?select=id",
                headers: &[("Range-Unit", "items"), ("Range", "0-1")],
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/*"),
                    ("Content-Length", "22"),
                    PUBLIC,
                ],
                body: concat!(r#"[{"id":1}, "#, "\n", r#" {"id":2}]"#),
            },
            Case {
                name: "Range with count=exact: 206 (RpcSpec)",
                method: "GET",
                path: "/rpc/all_transactions?select=id",
                headers: &[
                    ("Range-Unit", "items"),
                    ("Range", "1-2"),
                    ("Prefer", "count=exact"),
                ],
                status: 206,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "1-2/5"),
                    ("Content-Length", "22"),
                    PUBLIC,
                    ("Preference-Applied", "count=exact"),
                ],
                body: concat!(r#"[{"id":2}, "#, "\n", r#" {"id":3}]"#),
            },
            Case {
                name: "Range past the end with count=exact: 416 built by Response.hs (no Proxy-Status)",
                method: "GET",
                path: "/rpc/all_transactions?select=id",
                headers: &[
                    ("Range-Unit", "items"),
                    ("Range", "10-20"),
                    ("Prefer", "count=exact"),
                ],
                status: 416,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "*/5"),
                    ("Content-Length", "145"),
                    PUBLIC,
                    ("Proxy-Status", ABSENT),
                    ("Preference-Applied", "count=exact"),
                ],
                body: r#"{"code":"PGRST103","details":"An offset of 10 was requested, but there are only 5 rows.","hint":null,"message":"Requested range not satisfiable"}"#,
            },
            Case {
                name: "Range with the lower bound above the upper: 416 PGRST103",
                method: "GET",
                path: "/rpc/all_transactions?select=id",
                headers: &[("Range-Unit", "items"), ("Range", "2-1")],
                status: 416,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "177"),
                    ("Proxy-Status", "PostgREST; error=PGRST103"),
                ],
                body: r#"{"code":"PGRST103","details":"The lower boundary must be lower than or equal to the upper boundary in the Range header.","hint":null,"message":"Requested range not satisfiable"}"#,
            },
            Case {
                name: "a negative limit: 416 PGRST103",
                method: "GET",
                path: "/rpc/all_transactions?select=id&limit=-1",
                headers: &[],
                status: 416,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "134"),
                    ("Proxy-Status", "PostgREST; error=PGRST103"),
                ],
                body: r#"{"code":"PGRST103","details":"Limit should be greater than or equal to zero.","hint":null,"message":"Requested range not satisfiable"}"#,
            },
            Case {
                name: "count=exact: Content-Range with the total",
                method: "GET",
                path: "/rpc/all_transactions?select=id",
                headers: &[("Prefer", "count=exact")],
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-4/5"),
                    ("Content-Length", "58"),
                    PUBLIC,
                    ("Preference-Applied", "count=exact"),
                ],
                body: concat!(
                    r#"[{"id":1}, "#,
                    "\n",
                    r#" {"id":2}, "#,
                    "\n",
                    r#" {"id":3}, "#,
                    "\n",
                    r#" {"id":4}, "#,
                    "\n",
                    r#" {"id":5}]"#
                ),
            },
            Case {
                name: "count=exact with limit: 206",
                method: "GET",
                path: "/rpc/all_transactions?select=id&limit=1",
                headers: &[("Prefer", "count=exact")],
                status: 206,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/5"),
                    ("Content-Length", "10"),
                    PUBLIC,
                    ("Preference-Applied", "count=exact"),
                ],
                body: r#"[{"id":1}]"#,
            },
            Case {
                name: "count=exact counts after the filters",
                method: "GET",
                path: "/rpc/transactions_above?min_amount=0&select=id",
                headers: &[("Prefer", "count=exact")],
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/2"),
                    ("Content-Length", "22"),
                    PUBLIC,
                    ("Preference-Applied", "count=exact"),
                ],
                body: concat!(r#"[{"id":4}, "#, "\n", r#" {"id":5}]"#),
            },
            Case {
                name: "count=exact with an offset past the total: 416 PGRST103",
                method: "GET",
                path: "/rpc/all_transactions?select=id&offset=6",
                headers: &[("Prefer", "count=exact")],
                status: 416,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "*/5"),
                    ("Content-Length", "144"),
                    PUBLIC,
                    ("Preference-Applied", "count=exact"),
                ],
                body: r#"{"code":"PGRST103","details":"An offset of 6 was requested, but there are only 5 rows.","hint":null,"message":"Requested range not satisfiable"}"#,
            },
            Case {
                name: "ASSUMPTION: count=planned on a call: no EXPLAIN for calls, so the total stays *",
                method: "GET",
                path: "/rpc/all_transactions?select=id",
                headers: &[("Prefer", "count=planned")],
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-4/*"),
                    ("Content-Length", "58"),
                    PUBLIC,
                    ("Preference-Applied", "count=planned"),
                ],
                body: concat!(
                    r#"[{"id":1}, "#,
                    "\n",
                    r#" {"id":2}, "#,
                    "\n",
                    r#" {"id":3}, "#,
                    "\n",
                    r#" {"id":4}, "#,
                    "\n",
                    r#" {"id":5}]"#
                ),
            },
            Case {
                name: "ASSUMPTION: count=estimated on a call counts exactly (shouldCount)",
                method: "GET",
                path: "/rpc/all_transactions?select=id",
                headers: &[("Prefer", "count=estimated")],
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-4/5"),
                    ("Content-Length", "58"),
                    PUBLIC,
                    ("Preference-Applied", "count=estimated"),
                ],
                body: concat!(
                    r#"[{"id":1}, "#,
                    "\n",
                    r#" {"id":2}, "#,
                    "\n",
                    r#" {"id":3}, "#,
                    "\n",
                    r#" {"id":4}, "#,
                    "\n",
                    r#" {"id":5}]"#
                ),
            },
            Case {
                name: "HEAD: headers only, Content-Range, no Content-Length (RpcSpec)",
                method: "HEAD",
                path: "/rpc/all_transactions",
                headers: &[],
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-4/*"),
                    ("Content-Length", ABSENT),
                    PUBLIC,
                ],
                body: "",
            },
            Case {
                name: "HEAD with count=exact (RpcSpec)",
                method: "HEAD",
                path: "/rpc/all_transactions",
                headers: &[("Prefer", "count=exact")],
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-4/5"),
                    ("Content-Length", ABSENT),
                    PUBLIC,
                    ("Preference-Applied", "count=exact"),
                ],
                body: "",
            },
            Case {
                name: "HEAD with limit and offset (RpcSpec)",
                method: "HEAD",
                path: "/rpc/numbers?n=4&limit=1&offset=1",
                headers: &[],
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "1-1/*"),
                    ("Content-Length", ABSENT),
                    PUBLIC,
                ],
                body: "",
            },
        ],
    );
}

/// POST ignores the Range header; limit/offset and counts still apply.
#[test]
fn ranges_and_counts_on_post() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "the Range header is ignored on POST (RpcSpec)",
                method: "POST",
                path: "/rpc/all_transactions?select=id",
                headers: &[
                    ("Range-Unit", "items"),
                    ("Range", "0-0"),
                    ("Prefer", "count=exact"),
                ],
                request_body: "{}",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-4/5"),
                    ("Content-Length", "58"),
                    PUBLIC,
                    ("Preference-Applied", "count=exact"),
                ],
                body: concat!(
                    r#"[{"id":1}, "#,
                    "\n",
                    r#" {"id":2}, "#,
                    "\n",
                    r#" {"id":3}, "#,
                    "\n",
                    r#" {"id":4}, "#,
                    "\n",
                    r#" {"id":5}]"#
                ),
                check: ("", ""),
            },
            WriteCase {
                name: "limit/offset and count=exact on POST: 206 (RpcSpec)",
                method: "POST",
                path: "/rpc/transactions_above?limit=1&offset=1&select=id",
                headers: &[("Prefer", "count=exact")],
                request_body: r#"{"min_amount":-50}"#,
                status: 206,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "1-1/4"),
                    ("Content-Length", "10"),
                    PUBLIC,
                    ("Preference-Applied", "count=exact"),
                ],
                body: r#"[{"id":2}]"#,
                check: ("", ""),
            },
        ],
    );
}
