//! Transactions around `/rpc` calls: access mode, function settings hoisted into the
//! transaction, and the `Prefer` preferences a call honours (`tx`, `handling`, `max-affected`,
//! `count`).
//!
//! PostgREST v13 facts the expectations rest on:
//! - Access mode (`Plan.hs` `callReadPlan`, `txMode`): GET/HEAD always `SQL.Read`; POST is
//!   `SQL.Write` only for a VOLATILE function, `SQL.Read` for STABLE/IMMUTABLE. A GET of a volatile
//!   function is not refused up front: it runs READ ONLY and PostgreSQL's SQLSTATE 25006 ("cannot
//!   execute INSERT in a read-only transaction") maps to 405 (`Error.hs` `pgErrorStatus`;
//!   `RpcSpec` "only for GET rpc / should fail on mutating procs" → 405; docs
//!   `references/transactions.rst` "Access Mode").
//! - A STABLE/IMMUTABLE plpgsql function that writes never gets as far as the transaction's mode:
//!   PL/pgSQL runs a non-volatile function's statements read-only and PostgreSQL refuses the
//!   INSERT itself with SQLSTATE 0A000 "INSERT is not allowed in a non-volatile function" (checked
//!   on PostgreSQL 17 for GET, and for POST in READ ONLY and READ WRITE transactions); 0A000 is not
//!   in `pgErrorStatus`'s table, so 400.
//! - Response of a call (`Response.hs` `actionResponse` for `CallReadPlan`): a void function is
//!   204 with no body and no Content-Type (`RpcSpec` "returns 204, no Content-Type header and no
//!   content for void"); otherwise the status from `rangeStatusHeader`, `Content-Range`, the
//!   negotiated Content-Type and, with several exposed schemas, `Content-Profile: <schema>`
//!   (`profileHeader`; `cluster()` exposes `public, v2`). `Preference-Applied` lists, in this order,
//!   `count=`, `tx=`, `handling=`, `timezone=`, and `max-affected=` only with `handling=strict`
//!   (`Preferences.hs` `prefAppliedHeader`). Error responses carry only Content-Type and
//!   `Proxy-Status: PostgREST; error=<code>` (`Error.hs` `errorResponseFor`), never
//!   `Preference-Applied`.
//! - Hoisted settings (`SchemaCache.hs` `funcsSqlQuery`, `Query.hs` `planIsoLvl`/`setPgLocals`):
//!   a function's `SET default_transaction_isolation` becomes the BEGIN isolation level; its other
//!   `SET`s listed in `db-hoisted-tx-settings` (default `statement_timeout,
//!   plan_filter.statement_cost_limit, default_transaction_isolation`) are `set_config(..., true)`
//!   in the transaction. A `SET` not in that list (`work_mem`) is not hoisted, but PostgreSQL still
//!   applies the function's own `proconfig` on entry, so inside the body it reads `7MB`
//!   (`test/io/test_io.py` `test_function_setting_work_mem` / `test_first_hoisted_setting_is_applied`
//!   pin the hoisting itself, seen from outside the function).
//! - `Prefer: tx=` (`Preferences.hs` `fromHeaders`, `Query.hs` `optionalRollback`,
//!   `RollbackSpec`): honoured and echoed only when `db-tx-end` allows an override; with the
//!   default `commit` it is accepted (not an invalid preference) but ignored.
//! - `Prefer: handling=strict` with an unknown preference: 400 PGRST122 "Invalid preferences given
//!   with handling=strict", details "Invalid preferences: <list>" (`PreferencesSpec` "throws error
//!   with rpc"), decided while planning, before any SQL runs.
//! - `Prefer: max-affected=n` (`PreferencesSpec` "test Prefer: max-affected with rpc"): with
//!   `handling=strict`, a SETOF/TABLE result of more than n rows is 400 PGRST124 "Query result
//!   exceeds max-affected preference constraint", details "The query affects N rows", and the
//!   transaction is condemned (`Query.hs` `failExceedsMaxAffectedPref`, on the page's row count);
//!   a function returning a single value (scalar, composite or void) is 400 PGRST128 "Function must
//!   return SETOF or TABLE when max-affected preference is used with handling=strict"
//!   (`Plan.hs` `failMaxAffectedRpcReturnsSingle`, before the function runs; `PreferencesSpec`
//!   "should fail with rpc when returns void with handling=strict"). Without `handling=strict`
//!   the preference is ignored and not echoed.
//! - `Prefer: count=exact` (`RpcSpec` "includes exact count if requested", "includes exact count
//!   of 1 for functions that return a single scalar"): `Content-Range: 0-<n-1>/<n>`, and
//!   `count=exact` is echoed in `Preference-Applied`.
//!
//! Bodies were produced by PostgreSQL 17 running PostgREST's call statement over `FIXTURE`.

use super::*;

pub(super) const PROFILE: (&str, &str) = ("Content-Profile", "public");
pub(super) const NO_PROFILE: (&str, &str) = ("Content-Profile", ABSENT);
pub(super) const NO_CONTENT_TYPE: (&str, &str) = ("Content-Type", ABSENT);
pub(super) const NO_PREFERENCE_APPLIED: (&str, &str) = ("Preference-Applied", ABSENT);
pub(super) const SEND_JSON: (&str, &str) = ("Content-Type", "application/json");

pub(super) const READ_ONLY_INSERT: &str = r#"{"code":"25006","details":null,"hint":null,"message":"cannot execute INSERT in a read-only transaction"}"#;
const NON_VOLATILE_INSERT: &str = r#"{"code":"0A000","details":null,"hint":null,"message":"INSERT is not allowed in a non-volatile function"}"#;

/// GET runs every function READ ONLY; POST runs STABLE/IMMUTABLE functions READ ONLY too.
#[test]
fn reads_and_non_volatile_calls_run_read_only() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "GET of a VOLATILE function runs in a READ ONLY transaction",
                method: "GET",
                path: "/rpc/read_only_now",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[JSON, PROFILE, ("Content-Range", "0-0/*")],
                body: r#""on""#,
                check: ("", ""),
            },
            WriteCase {
                name: "GET of a VOLATILE function that inserts: 405 from 25006, nothing written",
                method: "GET",
                path: "/rpc/add_audit?note=tx-via-get",
                headers: &[],
                request_body: "",
                status: 405,
                expect_headers: &[
                    JSON,
                    NO_PROFILE,
                    ("Proxy-Status", "PostgREST; error=25006"),
                    ("Content-Range", ABSENT),
                ],
                body: READ_ONLY_INSERT,
                check: ("SELECT count(*) FROM audit WHERE note = 'tx-via-get'", "0"),
            },
            WriteCase {
                name: "GET of a VOLATILE function returning a row that inserts: 405, nothing written",
                method: "GET",
                path: "/rpc/add_category?id=701&name=Books",
                headers: &[],
                request_body: "",
                status: 405,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=25006")],
                body: READ_ONLY_INSERT,
                check: ("SELECT count(*) FROM categories WHERE id = 701", "0"),
            },
            WriteCase {
                name: "GET of a STABLE plpgsql function that inserts: PostgreSQL's 0A000 is 400",
                method: "GET",
                path: "/rpc/sneaky_write",
                headers: &[],
                request_body: "",
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=0A000")],
                body: NON_VOLATILE_INSERT,
                check: ("SELECT count(*) FROM audit WHERE note = 'sneaky'", "0"),
            },
            WriteCase {
                name: "POST of a STABLE function that inserts: refused, nothing written",
                method: "POST",
                path: "/rpc/sneaky_write",
                headers: &[SEND_JSON],
                request_body: "{}",
                status: 400,
                expect_headers: &[JSON, NO_PROFILE, ("Proxy-Status", "PostgREST; error=0A000")],
                body: NON_VOLATILE_INSERT,
                check: ("SELECT count(*) FROM audit WHERE note = 'sneaky'", "0"),
            },
            WriteCase {
                name: "ASSUMPTION: HEAD of a VOLATILE function that inserts is refused the same way",
                method: "HEAD",
                path: "/rpc/add_audit?note=tx-via-head",
                headers: &[],
                request_body: "",
                status: 405,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=25006")],
                body: "",
                check: ("SELECT count(*) FROM audit WHERE note = 'tx-via-head'", "0"),
            },
        ],
    );
}

/// POST of a VOLATILE function runs READ WRITE and commits (db_tx_end = commit).
#[test]
fn volatile_post_runs_read_write() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "POST of a VOLATILE function runs in a READ WRITE transaction",
                method: "POST",
                path: "/rpc/read_only_now",
                headers: &[SEND_JSON],
                request_body: "{}",
                status: 200,
                expect_headers: &[JSON, PROFILE, ("Content-Range", "0-0/*")],
                body: r#""off""#,
                check: ("", ""),
            },
            WriteCase {
                name: "ASSUMPTION: POST of a void VOLATILE writer: 204 with Content-Range, no Content-Type, row committed",
                method: "POST",
                path: "/rpc/add_audit",
                headers: &[SEND_JSON],
                request_body: r#"{"note":"tx-via-post"}"#,
                status: 204,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    NO_PROFILE,
                    ("Content-Range", "0-0/*"),
                    NO_PREFERENCE_APPLIED,
                ],
                body: "",
                check: ("SELECT count(*) FROM audit WHERE note = 'tx-via-post'", "1"),
            },
            WriteCase {
                name: "POST of a VOLATILE function returning the inserted row: 200, row committed",
                method: "POST",
                path: "/rpc/add_category",
                headers: &[SEND_JSON],
                request_body: r#"{"id":702,"name":"Gifts"}"#,
                status: 200,
                expect_headers: &[JSON, PROFILE, ("Content-Range", "0-0/*")],
                body: r#"{"id":702,"name":"Gifts","color":null}"#,
                check: (
                    "SELECT id, name, coalesce(color, '-') FROM categories WHERE id = 702",
                    "702|Gifts|-",
                ),
            },
            WriteCase {
                name: "the same insert again: 409 from 23505, PostgreSQL's message and detail",
                method: "POST",
                path: "/rpc/add_category",
                headers: &[SEND_JSON],
                request_body: r#"{"id":702,"name":"Gifts again"}"#,
                status: 409,
                expect_headers: &[JSON, NO_PROFILE, ("Proxy-Status", "PostgREST; error=23505")],
                body: r#"{"code":"23505","details":"Key (id)=(702) already exists.","hint":null,"message":"duplicate key value violates unique constraint \"categories_pkey\""}"#,
                check: ("SELECT name FROM categories WHERE id = 702", "Gifts"),
            },
            WriteCase {
                name: "ASSUMPTION: Prefer: tx=rollback is ignored (and not echoed) when db_tx_end = commit",
                method: "POST",
                path: "/rpc/add_audit",
                headers: &[SEND_JSON, ("Prefer", "tx=rollback")],
                request_body: r#"{"note":"tx-rollback-ignored"}"#,
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, NO_PREFERENCE_APPLIED],
                body: "",
                check: (
                    "SELECT count(*) FROM audit WHERE note = 'tx-rollback-ignored'",
                    "1",
                ),
            },
        ],
    );
}
