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

const PROFILE: (&str, &str) = ("Content-Profile", "public");
const NO_PROFILE: (&str, &str) = ("Content-Profile", ABSENT);
const NO_CONTENT_TYPE: (&str, &str) = ("Content-Type", ABSENT);
const NO_PREFERENCE_APPLIED: (&str, &str) = ("Preference-Applied", ABSENT);
const SEND_JSON: (&str, &str) = ("Content-Type", "application/json");

const ALL_TRANSACTIONS: &str = "[{\"id\":1,\"amount\":-12.50,\"name\":\"Lunch\",\"category_id\":1,\"status\":\"paid\",\"tags\":[\"food\",\"team\"]}, \n {\"id\":2,\"amount\":-40.00,\"name\":\"Dinner\",\"category_id\":1,\"status\":\"paid\",\"tags\":[\"food\"]}, \n {\"id\":3,\"amount\":-300.00,\"name\":\"Flight\",\"category_id\":2,\"status\":\"pending\",\"tags\":[\"travel\"]}, \n {\"id\":4,\"amount\":1200.00,\"name\":\"Invoice 7\",\"category_id\":3,\"status\":\"paid\",\"tags\":null}, \n {\"id\":5,\"amount\":15.00,\"name\":\"Refund\",\"category_id\":null,\"status\":\"overdue\",\"tags\":[]}]";
const FIRST_TWO_TRANSACTIONS: &str = "[{\"id\":1,\"amount\":-12.50,\"name\":\"Lunch\",\"category_id\":1,\"status\":\"paid\",\"tags\":[\"food\",\"team\"]}, \n {\"id\":2,\"amount\":-40.00,\"name\":\"Dinner\",\"category_id\":1,\"status\":\"paid\",\"tags\":[\"food\"]}]";

const READ_ONLY_INSERT: &str = r#"{"code":"25006","details":null,"hint":null,"message":"cannot execute INSERT in a read-only transaction"}"#;
const NON_VOLATILE_INSERT: &str = r#"{"code":"0A000","details":null,"hint":null,"message":"INSERT is not allowed in a non-volatile function"}"#;
const MAX_AFFECTED_SINGLE: &str = r#"{"code":"PGRST128","details":null,"hint":null,"message":"Function must return SETOF or TABLE when max-affected preference is used with handling=strict"}"#;

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

/// Function settings: the isolation level goes into BEGIN, hoisted settings into the
/// transaction; a setting that is not hoisted still applies inside the function body.
#[test]
fn function_settings_are_hoisted() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "SET statement_timeout on the function: 7s inside (GET)",
                method: "GET",
                path: "/rpc/my_statement_timeout",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[JSON, PROFILE],
                body: r#""7s""#,
                check: ("", ""),
            },
            WriteCase {
                name: "SET statement_timeout on the function: 7s inside (POST)",
                method: "POST",
                path: "/rpc/my_statement_timeout",
                headers: &[SEND_JSON],
                request_body: "{}",
                status: 200,
                expect_headers: &[JSON, PROFILE],
                body: r#""7s""#,
                check: ("", ""),
            },
            WriteCase {
                name: "SET default_transaction_isolation = serializable: the transaction is BEGUN serializable (GET)",
                method: "GET",
                path: "/rpc/my_isolation",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[JSON, PROFILE],
                body: r#""serializable""#,
                check: ("", ""),
            },
            WriteCase {
                name: "SET default_transaction_isolation = serializable: serializable too over POST",
                method: "POST",
                path: "/rpc/my_isolation",
                headers: &[SEND_JSON],
                request_body: "{}",
                status: 200,
                expect_headers: &[JSON, PROFILE],
                body: r#""serializable""#,
                check: ("", ""),
            },
            WriteCase {
                name: "ASSUMPTION: SET work_mem is not hoisted, but PostgreSQL applies it on entry: 7MB inside",
                method: "GET",
                path: "/rpc/my_work_mem",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[JSON, PROFILE],
                body: r#""7MB""#,
                check: ("", ""),
            },
        ],
    );
}

/// `db_tx_end = rollback-allow-override`: calls roll back unless `Prefer: tx=commit`.
#[test]
fn prefer_tx_with_rollback_allow_override() {
    run_write_cases(
        tx_cluster(),
        &[
            WriteCase {
                name: "no Prefer: the call answers as if committed but rolls back",
                method: "POST",
                path: "/rpc/add_audit",
                headers: &[SEND_JSON],
                request_body: r#"{"note":"tx-default-rollback"}"#,
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, NO_PREFERENCE_APPLIED],
                body: "",
                check: (
                    "SELECT count(*) FROM audit WHERE note = 'tx-default-rollback'",
                    "0",
                ),
            },
            WriteCase {
                name: "tx=commit: echoed, row kept",
                method: "POST",
                path: "/rpc/add_audit",
                headers: &[SEND_JSON, ("Prefer", "tx=commit")],
                request_body: r#"{"note":"tx-commit"}"#,
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Preference-Applied", "tx=commit")],
                body: "",
                check: ("SELECT count(*) FROM audit WHERE note = 'tx-commit'", "1"),
            },
            WriteCase {
                name: "tx=rollback: echoed, row not kept",
                method: "POST",
                path: "/rpc/add_audit",
                headers: &[SEND_JSON, ("Prefer", "tx=rollback")],
                request_body: r#"{"note":"tx-rollback"}"#,
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Preference-Applied", "tx=rollback")],
                body: "",
                check: ("SELECT count(*) FROM audit WHERE note = 'tx-rollback'", "0"),
            },
            WriteCase {
                name: "tx=rollback on a function returning a row: the body shows the row it does not keep",
                method: "POST",
                path: "/rpc/add_category",
                headers: &[SEND_JSON, ("Prefer", "tx=rollback")],
                request_body: r#"{"id":710,"name":"Rolled back"}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    NO_PROFILE,
                    ("Content-Range", "0-0/*"),
                    ("Preference-Applied", "tx=rollback"),
                ],
                body: r#"{"id":710,"name":"Rolled back","color":null}"#,
                check: ("SELECT count(*) FROM categories WHERE id = 710", "0"),
            },
            WriteCase {
                name: "tx=commit on a function returning a row: row kept",
                method: "POST",
                path: "/rpc/add_category",
                headers: &[SEND_JSON, ("Prefer", "tx=commit")],
                request_body: r#"{"id":711,"name":"Committed"}"#,
                status: 200,
                expect_headers: &[JSON, ("Preference-Applied", "tx=commit")],
                body: r#"{"id":711,"name":"Committed","color":null}"#,
                check: (
                    "SELECT id, name FROM categories WHERE id = 711",
                    "711|Committed",
                ),
            },
            WriteCase {
                name: "tx=commit on a failing call: the error, without Preference-Applied",
                method: "POST",
                path: "/rpc/add_category",
                headers: &[SEND_JSON, ("Prefer", "tx=commit")],
                request_body: r#"{"id":711,"name":"Duplicate"}"#,
                status: 409,
                expect_headers: &[
                    JSON,
                    NO_PREFERENCE_APPLIED,
                    ("Proxy-Status", "PostgREST; error=23505"),
                ],
                body: r#"{"code":"23505","details":"Key (id)=(711) already exists.","hint":null,"message":"duplicate key value violates unique constraint \"categories_pkey\""}"#,
                check: ("SELECT name FROM categories WHERE id = 711", "Committed"),
            },
            WriteCase {
                name: "count=exact with tx=rollback: both echoed, count first",
                method: "POST",
                path: "/rpc/add_audit",
                headers: &[SEND_JSON, ("Prefer", "tx=rollback, count=exact")],
                request_body: r#"{"note":"tx-count-rollback"}"#,
                status: 204,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Preference-Applied", "count=exact, tx=rollback"),
                ],
                body: "",
                check: (
                    "SELECT count(*) FROM audit WHERE note = 'tx-count-rollback'",
                    "0",
                ),
            },
            WriteCase {
                name: "tx=commit does not make a GET read-write",
                method: "GET",
                path: "/rpc/read_only_now",
                headers: &[("Prefer", "tx=commit")],
                request_body: "",
                status: 200,
                expect_headers: &[JSON, NO_PROFILE, ("Preference-Applied", "tx=commit")],
                body: r#""on""#,
                check: ("", ""),
            },
            WriteCase {
                name: "tx=commit on a GET that writes: still 405",
                method: "GET",
                path: "/rpc/add_audit?note=tx-get-commit",
                headers: &[("Prefer", "tx=commit")],
                request_body: "",
                status: 405,
                expect_headers: &[JSON, NO_PREFERENCE_APPLIED],
                body: READ_ONLY_INSERT,
                check: (
                    "SELECT count(*) FROM audit WHERE note = 'tx-get-commit'",
                    "0",
                ),
            },
        ],
    );
}

/// `Prefer: handling=strict` with invalid preferences, and `max-affected`.
#[test]
fn prefer_handling_and_max_affected() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "handling=strict with an unknown preference: 400 PGRST122, the call never runs",
                method: "POST",
                path: "/rpc/add_audit",
                headers: &[SEND_JSON, ("Prefer", "handling=strict, anything")],
                request_body: r#"{"note":"tx-strict-invalid"}"#,
                status: 400,
                expect_headers: &[
                    JSON,
                    NO_PROFILE,
                    ("Proxy-Status", "PostgREST; error=PGRST122"),
                ],
                body: r#"{"code":"PGRST122","details":"Invalid preferences: anything","hint":null,"message":"Invalid preferences given with handling=strict"}"#,
                check: (
                    "SELECT count(*) FROM audit WHERE note = 'tx-strict-invalid'",
                    "0",
                ),
            },
            WriteCase {
                name: "handling=strict with unknown preferences over two Prefer headers (GET)",
                method: "GET",
                path: "/rpc/hello",
                headers: &[("Prefer", "handling=strict"), ("Prefer", "something, else")],
                request_body: "",
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST122")],
                body: r#"{"code":"PGRST122","details":"Invalid preferences: something, else","hint":null,"message":"Invalid preferences given with handling=strict"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "handling=lenient with an unknown preference: the call runs, lenient echoed",
                method: "POST",
                path: "/rpc/hello",
                headers: &[SEND_JSON, ("Prefer", "handling=lenient, anything")],
                request_body: "{}",
                status: 200,
                expect_headers: &[JSON, PROFILE, ("Preference-Applied", "handling=lenient")],
                body: r#""hello""#,
                check: ("", ""),
            },
            WriteCase {
                name: "ASSUMPTION: handling=strict accepts tx=rollback even when db_tx_end = commit (ignored, not echoed)",
                method: "GET",
                path: "/rpc/hello",
                headers: &[("Prefer", "handling=strict, tx=rollback")],
                request_body: "",
                status: 200,
                expect_headers: &[JSON, ("Preference-Applied", "handling=strict")],
                body: r#""hello""#,
                check: ("", ""),
            },
            WriteCase {
                name: "strict max-affected exceeded by a SETOF result: 400 PGRST124",
                method: "GET",
                path: "/rpc/all_transactions",
                headers: &[("Prefer", "handling=strict, max-affected=4")],
                request_body: "",
                status: 400,
                expect_headers: &[
                    JSON,
                    NO_PROFILE,
                    NO_PREFERENCE_APPLIED,
                    ("Proxy-Status", "PostgREST; error=PGRST124"),
                ],
                body: r#"{"code":"PGRST124","details":"The query affects 5 rows","hint":null,"message":"Query result exceeds max-affected preference constraint"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "strict max-affected exceeded over POST: 400 PGRST124",
                method: "POST",
                path: "/rpc/transactions_above",
                headers: &[SEND_JSON, ("Prefer", "handling=strict, max-affected=1")],
                request_body: r#"{"min_amount":0}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST124")],
                body: r#"{"code":"PGRST124","details":"The query affects 2 rows","hint":null,"message":"Query result exceeds max-affected preference constraint"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "strict max-affected equal to the row count: 200, both echoed",
                method: "GET",
                path: "/rpc/all_transactions",
                headers: &[("Prefer", "handling=strict, max-affected=5")],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    PROFILE,
                    ("Content-Range", "0-4/*"),
                    ("Preference-Applied", "handling=strict, max-affected=5"),
                ],
                body: ALL_TRANSACTIONS,
                check: ("", ""),
            },
            WriteCase {
                name: "ASSUMPTION: strict max-affected counts the rows returned, after limit",
                method: "GET",
                path: "/rpc/all_transactions?limit=2",
                headers: &[("Prefer", "handling=strict, max-affected=2")],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/*"),
                    ("Preference-Applied", "handling=strict, max-affected=2"),
                ],
                body: FIRST_TWO_TRANSACTIONS,
                check: ("", ""),
            },
            WriteCase {
                name: "ASSUMPTION: max-affected without handling=strict is ignored and not echoed",
                method: "GET",
                path: "/rpc/all_transactions",
                headers: &[("Prefer", "max-affected=1")],
                request_body: "",
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-4/*"), NO_PREFERENCE_APPLIED],
                body: ALL_TRANSACTIONS,
                check: ("", ""),
            },
            WriteCase {
                name: "ASSUMPTION: max-affected with handling=lenient is ignored, lenient echoed",
                method: "GET",
                path: "/rpc/all_transactions",
                headers: &[("Prefer", "handling=lenient, max-affected=1")],
                request_body: "",
                status: 200,
                expect_headers: &[JSON, ("Preference-Applied", "handling=lenient")],
                body: ALL_TRANSACTIONS,
                check: ("", ""),
            },
            WriteCase {
                name: "strict max-affected on a void function: 400 PGRST128, nothing written",
                method: "POST",
                path: "/rpc/add_audit",
                headers: &[SEND_JSON, ("Prefer", "handling=strict, max-affected=20")],
                request_body: r#"{"note":"tx-max-affected-void"}"#,
                status: 400,
                expect_headers: &[
                    JSON,
                    NO_PROFILE,
                    ("Proxy-Status", "PostgREST; error=PGRST128"),
                ],
                body: MAX_AFFECTED_SINGLE,
                check: (
                    "SELECT count(*) FROM audit WHERE note = 'tx-max-affected-void'",
                    "0",
                ),
            },
            WriteCase {
                name: "strict max-affected on a function returning one row: 400 PGRST128, nothing written",
                method: "POST",
                path: "/rpc/add_category",
                headers: &[SEND_JSON, ("Prefer", "handling=strict, max-affected=1")],
                request_body: r#"{"id":703,"name":"Never"}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST128")],
                body: MAX_AFFECTED_SINGLE,
                check: ("SELECT count(*) FROM categories WHERE id = 703", "0"),
            },
            WriteCase {
                name: "strict max-affected on a single composite over GET: 400 PGRST128",
                method: "GET",
                path: "/rpc/transaction_by_id?tid=1",
                headers: &[("Prefer", "handling=strict, max-affected=1")],
                request_body: "",
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST128")],
                body: MAX_AFFECTED_SINGLE,
                check: ("", ""),
            },
            WriteCase {
                name: "strict max-affected on a scalar function: 400 PGRST128",
                method: "GET",
                path: "/rpc/hello",
                headers: &[("Prefer", "handling=strict, max-affected=100")],
                request_body: "",
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST128")],
                body: MAX_AFFECTED_SINGLE,
                check: ("", ""),
            },
            WriteCase {
                name: "ASSUMPTION: max-affected without strict on a single-row writer: ignored, row committed",
                method: "POST",
                path: "/rpc/add_category",
                headers: &[SEND_JSON, ("Prefer", "max-affected=0")],
                request_body: r#"{"id":704,"name":"Lenient"}"#,
                status: 200,
                expect_headers: &[JSON, NO_PREFERENCE_APPLIED],
                body: r#"{"id":704,"name":"Lenient","color":null}"#,
                check: ("SELECT name FROM categories WHERE id = 704", "Lenient"),
            },
            WriteCase {
                name: "handling=strict with an invalid preference and max-affected: PGRST122 is decided first",
                method: "GET",
                path: "/rpc/hello",
                headers: &[("Prefer", "handling=strict, max-affected=1, anything")],
                request_body: "",
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST122")],
                body: r#"{"code":"PGRST122","details":"Invalid preferences: anything","hint":null,"message":"Invalid preferences given with handling=strict"}"#,
                check: ("", ""),
            },
        ],
    );
}

/// `Prefer: count=exact` on calls: a total in Content-Range, echoed in Preference-Applied.
#[test]
fn prefer_count_on_calls() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "count=exact on a SETOF call: total in Content-Range, echoed",
                method: "GET",
                path: "/rpc/all_transactions",
                headers: &[("Prefer", "count=exact")],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    PROFILE,
                    ("Content-Range", "0-4/5"),
                    ("Preference-Applied", "count=exact"),
                ],
                body: ALL_TRANSACTIONS,
                check: ("", ""),
            },
            WriteCase {
                name: "count=exact with limit: 206 and the page of the total",
                method: "GET",
                path: "/rpc/all_transactions?limit=2",
                headers: &[("Prefer", "count=exact")],
                request_body: "",
                status: 206,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/5"),
                    ("Preference-Applied", "count=exact"),
                ],
                body: FIRST_TWO_TRANSACTIONS,
                check: ("", ""),
            },
            WriteCase {
                name: "count=exact on a scalar call over POST: 0-0/1",
                method: "POST",
                path: "/rpc/hello",
                headers: &[SEND_JSON, ("Prefer", "count=exact")],
                request_body: "{}",
                status: 200,
                expect_headers: &[
                    JSON,
                    PROFILE,
                    ("Content-Range", "0-0/1"),
                    ("Preference-Applied", "count=exact"),
                ],
                body: r#""hello""#,
                check: ("", ""),
            },
            WriteCase {
                name: "count=exact with handling=strict: count first",
                method: "GET",
                path: "/rpc/transaction_by_id?tid=1",
                headers: &[("Prefer", "handling=strict, count=exact")],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/1"),
                    ("Preference-Applied", "count=exact, handling=strict"),
                ],
                body: r#"{"id":1,"amount":-12.50,"name":"Lunch","category_id":1,"status":"paid","tags":["food","team"]}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "ASSUMPTION: count=exact on a void writer: 204, 0-0/1, echoed, committed",
                method: "POST",
                path: "/rpc/add_audit",
                headers: &[SEND_JSON, ("Prefer", "count=exact")],
                request_body: r#"{"note":"tx-count-void"}"#,
                status: 204,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "0-0/1"),
                    ("Preference-Applied", "count=exact"),
                ],
                body: "",
                check: (
                    "SELECT count(*) FROM audit WHERE note = 'tx-count-void'",
                    "1",
                ),
            },
        ],
    );
}

/// A hoisted `statement_timeout` times the call itself, as a client statement is timed: the
/// 100 ms of `sleepy`'s `SET` cancel its half-second sleep (57014, 500 by PostgREST's table, whose
/// class 57 is a server error). Not hoisted, PostgreSQL only applies the setting once the
/// function runs, which times nothing, and the call completes. Either way the worker serves on.
#[test]
fn hoisted_statement_timeout_cancels_the_call() {
    let canceled = WriteCase {
        name: "SET statement_timeout = '100ms' hoisted: the half-second call is canceled",
        method: "POST",
        path: "/rpc/sleepy",
        headers: &[JSON],
        request_body: "{}",
        status: 500,
        expect_headers: &[("Proxy-Status", "PostgREST; error=57014"), NO_PROFILE],
        body: r#"{"code":"57014","details":null,"hint":null,"message":"canceling statement due to statement timeout"}"#,
        check: ("", ""),
    };
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "SET statement_timeout = '100ms' hoisted: the same over GET",
                method: "GET",
                request_body: "",
                headers: &[],
                ..canceled
            },
            canceled,
            WriteCase {
                name: "the next call on the same cluster is served",
                method: "GET",
                path: "/rpc/hello",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[PROFILE],
                body: r#""hello""#,
                check: ("", ""),
            },
        ],
    );
    run_write_cases(
        unhoisted_cluster(),
        &[WriteCase {
            name: "statement_timeout not in db_hoisted_tx_settings: the call completes",
            method: "POST",
            path: "/rpc/sleepy",
            headers: &[JSON],
            request_body: "{}",
            status: 200,
            expect_headers: &[("Content-Range", "0-0/*")],
            body: "1",
            check: ("", ""),
        }],
    );
}
