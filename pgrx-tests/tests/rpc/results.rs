//! RPC response side: every return shape (scalar, NULL, numeric, json/jsonb, arrays, dates, SETOF
//! scalar, one table row, SETOF table rows, non-table composites, TABLE(...), OUT and INOUT
//! parameters, void) and what the read part of a call does with it: select, filters (also on columns
//! that are not selected), or=, order=, limit/offset, the Range header, Prefer: count, embedding from
//! the function's table, media types, HEAD, and the response headers.
//!
//! PostgREST v13 facts these expectations rest on:
//! - Statements.prepareCall: `WITH pgrst_source AS (<call>) SELECT <count> AS total_result_set,
//!   pg_catalog.count(_postgrest_t) AS page_total, <handler> AS body … FROM (<read over "pgrst_source"
//!   AS "<function's table or type name, else function name>">) _postgrest_t`; count=exact|estimated
//!   add `pgrst_source_count` (Preferences.shouldCount), count=planned counts nothing on a call.
//! - QueryBuilder.callPlanToQuery: scalar and SETOF scalar calls are wrapped as `pgrst_scalar`; other
//!   calls return `pgrst_call.*` for select=* and otherwise only the selected columns, the embeds'
//!   foreign key columns (Plan.inferColsEmbedNeeds) and the filtered columns (v13 #3965,
//!   Plan.getFilterFieldNames) — not the ordered ones.
//! - SchemaCache funcsSqlQuery: OUT, INOUT and TABLE parameters make the result composite (a single
//!   INOUT is an object); Routine.funcTableName names the read's alias, so a SETOF of a table embeds
//!   that table's relationships (Plan.callReadPlan) and a non-table type has none (PGRST200).
//! - SqlFragment.asJsonF/asJsonSingleF/asCsvF and handlers: single composite → `json_agg(…)->0`,
//!   scalar → `json_agg(pgrst_scalar)->0`, SETOF scalar → `json_agg(pgrst_scalar)`, otherwise
//!   `json_agg(_postgrest_t)`; nulls=stripped wraps in json_strip_nulls; CSV header from the first
//!   row of pgrst_source; vnd.pgrst.object on a non-scalar takes the row object. HEAD aggregates
//!   nothing (Plan.negotiateContent NoAgg).
//! - Response.actionResponse (CallReadPlan): a void function is 204 with Content-Range and
//!   Preference-Applied only (no Content-Type, Content-Length or Content-Profile); otherwise the status
//!   and Content-Range come from RangeQuery.rangeStatusHeader (416 with the PGRST103 body built here,
//!   so without Proxy-Status), Content-Length except on HEAD, Content-Type and Content-Profile; no
//!   Content-Location (only table reads send it). Query.failNotSingular: PGRST116 (406).
//! - ApiRequest.getRanges: the Range header counts on GET only; PGRST103 for lower > upper or a
//!   negative limit.
//! - Specs: RpcSpec ("a proc that returns a set" context, "includes exact count of 1 for functions that
//!   return a single scalar, domain or composite", "returns CSV", "ignores Range header when method is
//!   different than GET", "returns 204, no Content-Type header and no content for void", "procs with
//!   OUT/INOUT params", "procs with TABLE return", "test table valued function with filter", "can
//!   filter proc results", "can limit proc results", "foreign entities embedding").
//!
//! Every body and Content-Range is PostgreSQL 17's output for the v13 statement over the fixture in
//! main.rs.
//!
//! This file holds the return shapes (scalars, composites, TABLE, OUT and INOUT); the rest is
//! in `results_setof_reads`, `results_ranges_and_counts`, `results_media_types`, `results_void`.
use super::*;

/// `Content-Profile: public`: with two exposed schemas ApiRequest.getSchema marks the default
/// schema as negotiated, and Response.contentTypeHeaders echoes it on every response with a body.
pub(super) const PUBLIC: (&str, &str) = ("Content-Profile", "public");

/// Scalars, NULL, numeric, json/jsonb, arrays, dates; SETOF scalar.
#[test]
fn scalar_results() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "a scalar result is the bare JSON value",
                method: "GET",
                path: "/rpc/add?a=1&b=2",
                headers: &[],
                request_body: "",
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
                name: "text is a JSON string",
                method: "GET",
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
                name: "a NULL scalar is null",
                method: "GET",
                path: "/rpc/nothing_at_all",
                headers: &[],
                request_body: "",
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
                name: "numeric keeps its scale",
                method: "GET",
                path: "/rpc/total_spent",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "6"),
                    PUBLIC,
                ],
                body: "352.50",
                check: ("", ""),
            },
            WriteCase {
                name: "a json result is sent as the function returned it",
                method: "GET",
                path: "/rpc/as_json",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "24"),
                    PUBLIC,
                ],
                body: r#"{"a": [1, 2], "b": null}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "a jsonb result in jsonb's own formatting",
                method: "GET",
                path: "/rpc/as_jsonb",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "24"),
                    PUBLIC,
                ],
                body: r#"{"a": [1, 2], "b": null}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "a text[] result is a JSON array",
                method: "GET",
                path: "/rpc/tags_of?tid=1",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "15"),
                    PUBLIC,
                ],
                body: r#"["food","team"]"#,
                check: ("", ""),
            },
            WriteCase {
                name: "a NULL array is null",
                method: "GET",
                path: "/rpc/tags_of?tid=4",
                headers: &[],
                request_body: "",
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
                name: "an empty array is []",
                method: "GET",
                path: "/rpc/tags_of?tid=5",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "2"),
                    PUBLIC,
                ],
                body: "[]",
                check: ("", ""),
            },
            WriteCase {
                name: "a date result is a JSON string",
                method: "GET",
                path: "/rpc/days?d=2024-02-28",
                headers: &[],
                request_body: "",
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
                name: "count=exact on a scalar: total 1 (RpcSpec)",
                method: "GET",
                path: "/rpc/add?a=3&b=4",
                headers: &[("Prefer", "count=exact")],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/1"),
                    ("Content-Length", "1"),
                    PUBLIC,
                    ("Preference-Applied", "count=exact"),
                ],
                body: "7",
                check: ("", ""),
            },
            WriteCase {
                name: "SETOF int is a JSON array of the values",
                method: "GET",
                path: "/rpc/numbers?n=3",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-2/*"),
                    ("Content-Length", "9"),
                    PUBLIC,
                ],
                body: "[1, 2, 3]",
                check: ("", ""),
            },
            WriteCase {
                name: "an empty SETOF is [] with Content-Range */*",
                method: "GET",
                path: "/rpc/numbers?n=0",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "*/*"),
                    ("Content-Length", "2"),
                    PUBLIC,
                ],
                body: "[]",
                check: ("", ""),
            },
            WriteCase {
                name: "limit and offset on SETOF int",
                method: "GET",
                path: "/rpc/numbers?n=5&limit=2&offset=1",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "1-2/*"),
                    ("Content-Length", "6"),
                    PUBLIC,
                ],
                body: "[2, 3]",
                check: ("", ""),
            },
            WriteCase {
                name: "count=exact on SETOF int",
                method: "GET",
                path: "/rpc/numbers?n=4&limit=2",
                headers: &[("Prefer", "count=exact")],
                request_body: "",
                status: 206,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/4"),
                    ("Content-Length", "6"),
                    PUBLIC,
                    ("Preference-Applied", "count=exact"),
                ],
                body: "[1, 2]",
                check: ("", ""),
            },
            WriteCase {
                name: "ASSUMPTION: SETOF int can be ordered by pgrst_scalar",
                method: "GET",
                path: "/rpc/numbers?n=3&order=pgrst_scalar.desc",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-2/*"),
                    ("Content-Length", "9"),
                    PUBLIC,
                ],
                body: "[3, 2, 1]",
                check: ("", ""),
            },
            WriteCase {
                name: "ASSUMPTION: SETOF int can be filtered on pgrst_scalar",
                method: "GET",
                path: "/rpc/numbers?n=5&pgrst_scalar=gte.4",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/*"),
                    ("Content-Length", "6"),
                    PUBLIC,
                ],
                body: "[4, 5]",
                check: ("", ""),
            },
            WriteCase {
                name: "a POST call of a SETOF int function",
                method: "POST",
                path: "/rpc/numbers",
                headers: &[],
                request_body: r#"{"n":2}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/*"),
                    ("Content-Length", "6"),
                    PUBLIC,
                ],
                body: "[1, 2]",
                check: ("", ""),
            },
        ],
    );
}

/// One table row, non-table composites, TABLE(...), OUT and INOUT parameters.
#[test]
fn composite_and_out_parameters() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: r#"OUT parameters: one object (RpcSpec "many OUT params")"#,
                method: "GET",
                path: "/rpc/split_amount?amount=12.34",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "23"),
                    PUBLIC,
                ],
                body: r#"{"whole":12,"cents":34}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "OUT parameters by POST",
                method: "POST",
                path: "/rpc/split_amount",
                headers: &[],
                request_body: r#"{"amount":-3.5}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "23"),
                    PUBLIC,
                ],
                body: r#"{"whole":-3,"cents":50}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "select= on OUT parameters",
                method: "GET",
                path: "/rpc/split_amount?amount=1.5&select=cents",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "12"),
                    PUBLIC,
                ],
                body: r#"{"cents":50}"#,
                check: ("", ""),
            },
            WriteCase {
                name: r#"a single INOUT parameter is an object, not a scalar (RpcSpec "single INOUT param")"#,
                method: "GET",
                path: "/rpc/inout_double?n=21",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "8"),
                    PUBLIC,
                ],
                body: r#"{"n":42}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "INOUT by POST",
                method: "POST",
                path: "/rpc/inout_double",
                headers: &[],
                request_body: r#"{"n":-4}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "8"),
                    PUBLIC,
                ],
                body: r#"{"n":-8}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "a function returning one table row: an object",
                method: "GET",
                path: "/rpc/transaction_by_id?tid=3",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "94"),
                    PUBLIC,
                ],
                body: r#"{"id":3,"amount":-300.00,"name":"Flight","category_id":2,"status":"pending","tags":["travel"]}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "ASSUMPTION: no row for a single-row function: an object of nulls (a composite function yields one NULL row)",
                method: "GET",
                path: "/rpc/transaction_by_id?tid=99",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "82"),
                    PUBLIC,
                ],
                body: r#"{"id":null,"amount":null,"name":null,"category_id":null,"status":null,"tags":null}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "select= on a single-row result",
                method: "GET",
                path: "/rpc/transaction_by_id?tid=1&select=id,name",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "23"),
                    PUBLIC,
                ],
                body: r#"{"id":1,"name":"Lunch"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "count=exact on a single-row result: total 1 (RpcSpec)",
                method: "GET",
                path: "/rpc/transaction_by_id?tid=2&select=id",
                headers: &[("Prefer", "count=exact")],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/1"),
                    ("Content-Length", "8"),
                    PUBLIC,
                    ("Preference-Applied", "count=exact"),
                ],
                body: r#"{"id":2}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "a composite type that is not a table: an object",
                method: "GET",
                path: "/rpc/summary",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "33"),
                    PUBLIC,
                ],
                body: r#"{"credit":352.50,"debit":1215.00}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "select= on a non-table composite",
                method: "GET",
                path: "/rpc/summary?select=debit",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "17"),
                    PUBLIC,
                ],
                body: r#"{"debit":1215.00}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "SETOF a non-table composite: an array of objects",
                method: "GET",
                path: "/rpc/summaries",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-2/*"),
                    ("Content-Length", "98"),
                    PUBLIC,
                ],
                body: concat!(
                    r#"[{"credit":12.50,"debit":null}, "#,
                    "\n",
                    r#" {"credit":40.00,"debit":null}, "#,
                    "\n",
                    r#" {"credit":300.00,"debit":null}]"#
                ),
                check: ("", ""),
            },
            WriteCase {
                name: "filter and select on SETOF a non-table composite",
                method: "GET",
                path: "/rpc/summaries?select=credit&credit=gt.20",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/*"),
                    ("Content-Length", "39"),
                    PUBLIC,
                ],
                body: concat!(r#"[{"credit":40.00}, "#, "\n", r#" {"credit":300.00}]"#),
                check: ("", ""),
            },
            WriteCase {
                name: "RETURNS TABLE: an array of objects",
                method: "GET",
                path: "/rpc/totals_by_category",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-3/*"),
                    ("Content-Length", "146"),
                    PUBLIC,
                ],
                body: concat!(
                    r#"[{"category_id":1,"total":-52.50}, "#,
                    "\n",
                    r#" {"category_id":2,"total":-300.00}, "#,
                    "\n",
                    r#" {"category_id":3,"total":1200.00}, "#,
                    "\n",
                    r#" {"category_id":null,"total":15.00}]"#
                ),
                check: ("", ""),
            },
            WriteCase {
                name: "RETURNS TABLE with a filter",
                method: "GET",
                path: "/rpc/totals_by_category?category_id=is.null",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "36"),
                    PUBLIC,
                ],
                body: r#"[{"category_id":null,"total":15.00}]"#,
                check: ("", ""),
            },
            WriteCase {
                name: "RETURNS TABLE with select and order",
                method: "GET",
                path: "/rpc/totals_by_category?select=total&order=total.desc",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-3/*"),
                    ("Content-Length", "79"),
                    PUBLIC,
                ],
                body: concat!(
                    r#"[{"total":1200.00}, "#,
                    "\n",
                    r#" {"total":15.00}, "#,
                    "\n",
                    r#" {"total":-52.50}, "#,
                    "\n",
                    r#" {"total":-300.00}]"#
                ),
                check: ("", ""),
            },
        ],
    );
}
