//! `budgetbee.db_tx_end` (PostgREST `db-tx-end`) and `Prefer: tx=commit|rollback` on writes, one
//! cluster per setting (`commit`, the default, is in `write.rs`). PostgREST v13 facts
//! (PostgREST/postgrest `src/PostgREST/Query.hs` `optionalRollback`,
//! `src/PostgREST/ApiRequest/Preferences.hs`, `test/spec/Feature/RollbackSpec.hs`):
//!
//! - `commit-allow-override` / `rollback-allow-override` honour `Prefer: tx=` and echo it in
//!   `Preference-Applied` (after return= and count=, before handling=); without the preference the
//!   request commits / rolls back. `rollback` rolls every request back and neither honours nor
//!   echoes `tx=commit`.
//! - A rolled-back write still answers as if it had committed (same status, headers and body).
//! - Before rolling back, `SET CONSTRAINTS ALL IMMEDIATE` runs, so deferred constraint violations
//!   are still reported (409 for a unique violation); errors carry no `Preference-Applied`
//!   ("Exceptions are always without preference applied").
//!
//! Bodies were produced by PostgreSQL 17 running PostgREST's statements over `TX_FIXTURE`
//! (rolled back where the server rolls back).

mod write_support;

use budgetbee_e2e::{Cluster, ClusterBuilder, WriteCase, run_write_cases};
use std::sync::OnceLock;
use write_support::*;

fn tx_cluster(
    name: &'static str,
    tx_end: &str,
    cell: &'static OnceLock<Cluster>,
) -> &'static Cluster {
    cell.get_or_init(|| {
        ClusterBuilder::new(name)
            .pool(2)
            .setting("budgetbee.db_tx_end", tx_end)
            .fixture(TX_FIXTURE)
            .start()
    })
}

/// `db_tx_end = commit-allow-override`: commits unless `Prefer: tx=rollback`.
#[test]
fn tx_end_commit_allow_override() {
    static C: OnceLock<Cluster> = OnceLock::new();
    run_write_cases(
        tx_cluster("write-tx-commit-override", "commit-allow-override", &C),
        &[
            WriteCase {
                name: "without Prefer: tx= the request commits",
                method: "POST",
                path: "/tx_items",
                headers: &[],
                request_body: r#"{"id":2,"v":"two"}"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE, NO_PREFERENCE_APPLIED],
                body: "",
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=seed,2=two",
                ),
            },
            WriteCase {
                name: "tx=rollback: 201 with the body, echoed, and no trace",
                method: "POST",
                path: "/tx_items",
                headers: &[("Prefer", "return=representation, tx=rollback")],
                request_body: r#"{"id":3,"v":"three"}"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=representation, tx=rollback"),
                ],
                body: r#"[{"id":3,"v":"three"}]"#,
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=seed,2=two",
                ),
            },
            WriteCase {
                name: "PATCH with tx=rollback",
                method: "PATCH",
                path: "/tx_items?id=eq.1",
                headers: &[("Prefer", "tx=rollback")],
                request_body: r#"{"v":"changed"}"#,
                status: 204,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "0-0/*"),
                    ("Preference-Applied", "tx=rollback"),
                ],
                body: "",
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=seed,2=two",
                ),
            },
            WriteCase {
                name: "PATCH with return=representation and tx=rollback shows the change it does not keep",
                method: "PATCH",
                path: "/tx_items?id=eq.1",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "tx=rollback"),
                ],
                request_body: r#"{"v":"changed"}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Preference-Applied", "return=representation, tx=rollback"),
                ],
                body: r#"[{"id":1,"v":"changed"}]"#,
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=seed,2=two",
                ),
            },
            WriteCase {
                name: "PATCH with count=exact and tx=rollback",
                method: "PATCH",
                path: "/tx_items?id=eq.1",
                headers: &[("Prefer", "count=exact, tx=rollback")],
                request_body: r#"{"v":"changed"}"#,
                status: 204,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "0-0/1"),
                    ("Preference-Applied", "count=exact, tx=rollback"),
                ],
                body: "",
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=seed,2=two",
                ),
            },
            WriteCase {
                name: "DELETE with tx=rollback",
                method: "DELETE",
                path: "/tx_items?id=eq.2",
                headers: &[("Prefer", "tx=rollback")],
                request_body: "",
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Preference-Applied", "tx=rollback")],
                body: "",
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=seed,2=two",
                ),
            },
            WriteCase {
                name: "PUT with tx=rollback",
                method: "PUT",
                path: "/tx_items?id=eq.5",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "tx=rollback"),
                ],
                request_body: r#"{"id":5,"v":"five"}"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    ("Preference-Applied", "return=representation, tx=rollback"),
                ],
                body: r#"[{"id":5,"v":"five"}]"#,
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=seed,2=two",
                ),
            },
            WriteCase {
                name: "tx=commit: kept and echoed",
                method: "POST",
                path: "/tx_items",
                headers: &[("Prefer", "tx=commit")],
                request_body: r#"{"id":6,"v":"six"}"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE, ("Preference-Applied", "tx=commit")],
                body: "",
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=seed,2=two,6=six",
                ),
            },
            WriteCase {
                name: "tx=commit with handling=strict: echo order",
                method: "POST",
                path: "/tx_items",
                headers: &[("Prefer", "handling=strict, tx=commit")],
                request_body: r#"{"id":7,"v":"seven"}"#,
                status: 201,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Preference-Applied", "tx=commit, handling=strict"),
                ],
                body: "",
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=seed,2=two,6=six,7=seven",
                ),
            },
            WriteCase {
                name: "the first tx= preference wins",
                method: "POST",
                path: "/tx_items",
                headers: &[("Prefer", "tx=rollback, tx=commit")],
                request_body: r#"{"id":8,"v":"eight"}"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE, ("Preference-Applied", "tx=rollback")],
                body: "",
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=seed,2=two,6=six,7=seven",
                ),
            },
            WriteCase {
                name: "tx=rollback still reports a deferred violation (SET CONSTRAINTS ALL IMMEDIATE): 409, not echoed",
                method: "POST",
                path: "/tx_codes",
                headers: &[("Prefer", "tx=rollback")],
                request_body: r#"{"code":"taken"}"#,
                status: 409,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=23505"),
                    NO_PREFERENCE_APPLIED,
                ],
                body: r#"{"code":"23505","details":"Key (code)=(taken) already exists.","hint":null,"message":"duplicate key value violates unique constraint \"tx_codes_code_key\""}"#,
                check: (
                    "SELECT string_agg(code, ',' ORDER BY code) FROM tx_codes",
                    "taken",
                ),
            },
            WriteCase {
                name: "a deferred violation at COMMIT: 409",
                method: "POST",
                path: "/tx_codes",
                headers: &[],
                request_body: r#"{"code":"taken"}"#,
                status: 409,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=23505")],
                body: r#"{"code":"23505","details":"Key (code)=(taken) already exists.","hint":null,"message":"duplicate key value violates unique constraint \"tx_codes_code_key\""}"#,
                check: (
                    "SELECT string_agg(code, ',' ORDER BY code) FROM tx_codes",
                    "taken",
                ),
            },
            WriteCase {
                name: "an error with tx=rollback: no Preference-Applied",
                method: "POST",
                path: "/tx_items",
                headers: &[("Prefer", "tx=rollback")],
                request_body: r#"{"id":1,"v":"dup"}"#,
                status: 409,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=23505"),
                    NO_PREFERENCE_APPLIED,
                ],
                body: r#"{"code":"23505","details":"Key (id)=(1) already exists.","hint":null,"message":"duplicate key value violates unique constraint \"tx_items_pkey\""}"#,
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=seed,2=two,6=six,7=seven",
                ),
            },
        ],
    );
}

/// `db_tx_end = rollback`: every request rolls back, whatever it prefers.
#[test]
fn tx_end_rollback() {
    static C: OnceLock<Cluster> = OnceLock::new();
    run_write_cases(
        tx_cluster("write-tx-rollback", "rollback", &C),
        &[
            WriteCase {
                name: "every write is rolled back: 201 with the body, no trace",
                method: "POST",
                path: "/tx_items",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"id":2,"v":"two"}"#,
                status: 201,
                expect_headers: &[JSON, ("Preference-Applied", "return=representation")],
                body: r#"[{"id":2,"v":"two"}]"#,
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=seed",
                ),
            },
            WriteCase {
                name: "tx=commit cannot override it and is not echoed",
                method: "POST",
                path: "/tx_items",
                headers: &[("Prefer", "tx=commit")],
                request_body: r#"{"id":2,"v":"two"}"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE, NO_PREFERENCE_APPLIED],
                body: "",
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=seed",
                ),
            },
            WriteCase {
                name: "PATCH is rolled back",
                method: "PATCH",
                path: "/tx_items?id=eq.1",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"v":"changed"}"#,
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"id":1,"v":"changed"}]"#,
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=seed",
                ),
            },
            WriteCase {
                name: "DELETE is rolled back",
                method: "DELETE",
                path: "/tx_items?id=eq.1",
                headers: &[],
                request_body: "",
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Range", "*/*")],
                body: "",
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=seed",
                ),
            },
            WriteCase {
                name: "PUT is rolled back",
                method: "PUT",
                path: "/tx_items?id=eq.9",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"id":9,"v":"nine"}"#,
                status: 201,
                expect_headers: &[JSON],
                body: r#"[{"id":9,"v":"nine"}]"#,
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=seed",
                ),
            },
            WriteCase {
                name: "a deferred violation still surfaces: 409",
                method: "POST",
                path: "/tx_codes",
                headers: &[],
                request_body: r#"{"code":"taken"}"#,
                status: 409,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=23505")],
                body: r#"{"code":"23505","details":"Key (code)=(taken) already exists.","hint":null,"message":"duplicate key value violates unique constraint \"tx_codes_code_key\""}"#,
                check: (
                    "SELECT string_agg(code, ',' ORDER BY code) FROM tx_codes",
                    "taken",
                ),
            },
        ],
    );
}

/// `db_tx_end = rollback-allow-override`: rolls back unless `Prefer: tx=commit`.
#[test]
fn tx_end_rollback_allow_override() {
    static C: OnceLock<Cluster> = OnceLock::new();
    run_write_cases(
        tx_cluster("write-tx-rollback-override", "rollback-allow-override", &C),
        &[
            WriteCase {
                name: "without Prefer: tx= the write is rolled back",
                method: "POST",
                path: "/tx_items",
                headers: &[],
                request_body: r#"{"id":2,"v":"two"}"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE, NO_PREFERENCE_APPLIED],
                body: "",
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=seed",
                ),
            },
            WriteCase {
                name: "tx=commit keeps it and is echoed",
                method: "POST",
                path: "/tx_items",
                headers: &[("Prefer", "tx=commit")],
                request_body: r#"{"id":3,"v":"three"}"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE, ("Preference-Applied", "tx=commit")],
                body: "",
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=seed,3=three",
                ),
            },
            WriteCase {
                name: "PATCH with tx=commit",
                method: "PATCH",
                path: "/tx_items?id=eq.1",
                headers: &[("Prefer", "return=representation"), ("Prefer", "tx=commit")],
                request_body: r#"{"v":"changed"}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Preference-Applied", "return=representation, tx=commit"),
                ],
                body: r#"[{"id":1,"v":"changed"}]"#,
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=changed,3=three",
                ),
            },
            WriteCase {
                name: "PATCH without Prefer: tx= is rolled back",
                method: "PATCH",
                path: "/tx_items?id=eq.1",
                headers: &[],
                request_body: r#"{"v":"again"}"#,
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, NO_PREFERENCE_APPLIED],
                body: "",
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=changed,3=three",
                ),
            },
            WriteCase {
                name: "DELETE with tx=commit",
                method: "DELETE",
                path: "/tx_items?id=eq.3",
                headers: &[("Prefer", "tx=commit")],
                request_body: "",
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Preference-Applied", "tx=commit")],
                body: "",
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=changed",
                ),
            },
            WriteCase {
                name: "tx=rollback is echoed",
                method: "POST",
                path: "/tx_items",
                headers: &[("Prefer", "tx=rollback")],
                request_body: r#"{"id":4,"v":"four"}"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE, ("Preference-Applied", "tx=rollback")],
                body: "",
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=changed",
                ),
            },
            WriteCase {
                name: "a deferred violation surfaces before the rollback: 409",
                method: "POST",
                path: "/tx_codes",
                headers: &[],
                request_body: r#"{"code":"taken"}"#,
                status: 409,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=23505")],
                body: r#"{"code":"23505","details":"Key (code)=(taken) already exists.","hint":null,"message":"duplicate key value violates unique constraint \"tx_codes_code_key\""}"#,
                check: (
                    "SELECT string_agg(code, ',' ORDER BY code) FROM tx_codes",
                    "taken",
                ),
            },
            WriteCase {
                name: "and at COMMIT with tx=commit: 409",
                method: "POST",
                path: "/tx_codes",
                headers: &[("Prefer", "tx=commit")],
                request_body: r#"{"code":"taken"}"#,
                status: 409,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=23505"),
                    NO_PREFERENCE_APPLIED,
                ],
                body: r#"{"code":"23505","details":"Key (code)=(taken) already exists.","hint":null,"message":"duplicate key value violates unique constraint \"tx_codes_code_key\""}"#,
                check: (
                    "SELECT string_agg(code, ',' ORDER BY code) FROM tx_codes",
                    "taken",
                ),
            },
        ],
    );
}
