//! Embedding after writes, on `write_cluster()` (aggregates off). Every expected body is what
//! PostgreSQL 17 answered, over `FIXTURE` and after the earlier cases of the same function, to
//! the statement PostgREST v13 builds: `WITH pgrst_source AS (INSERT|UPDATE|DELETE ... RETURNING
//! <columns>) SELECT ... coalesce(json_agg(_postgrest_t), '[]') ... FROM (<read query over
//! "pgrst_source" AS "<table>">) _postgrest_t`, run as `anon` in one transaction. Each test
//! function owns rows no other function touches (see its doc), so the functions may run in
//! parallel while the cases of each run in order. The PostgREST facts these cases rest on
//! (PostgREST/postgrest, v13):
//!
//! - `Plan.hs` `addRels`: for a write the root is `FROM "pgrst_source" AS "<table>"`, so embeds
//!   join the written rows; `inferColsEmbedNeeds`: RETURNING is the selected columns plus the
//!   foreign-key and primary-key columns the embeds need, or `*` when `select` has `*` or a
//!   computed relationship; `addFilters`/`addLogicTrees`: root filters pick the rows to write,
//!   embedded filters (`categories.name=eq.x`) and `!inner` only shape the representation;
//!   `addRanges` ignores ranges for writes, embedded `limit` included; `mutateReadPlan` builds
//!   the read plan first, so PGRST200/108/123 are answered before anything is written.
//! - `Query/Statements.hs` `prepareWrite`: with `return=minimal` or no `return=` the outer query
//!   is `SELECT * FROM pgrst_source` (RETURNING 1), so no embed is read and no body is sent.
//! - PostgreSQL: every part of the statement sees the snapshot taken before it, so the embeds show
//!   the rows as they were before the write (links inserted by the same POST do not show yet;
//!   rows that ON DELETE CASCADE/SET NULL change still show as they were).
//! - Statuses and headers (`Response.hs`, as in the write tests): POST 201 with `Content-Range:
//!   */*`; PATCH 200 (204 without a body) with `0-<n-1>/*` over the rows of the representation;
//!   DELETE 200 (204 without a body) with `*/*`; `Preference-Applied: return=...` echoes the
//!   preference; no Content-Type without a body; `Accept: application/vnd.pgrst.object+json`
//!   answers the bare object, or 406 PGRST116 "Cannot coerce the result to a single JSON object"
//!   with details "The result contains N rows" and the write rolled back (`UpdateSpec`,
//!   `SingularSpec`).
//! - Specs: `InsertSpec` "includes related data after insert", "ignores &select when return not
//!   set or using return=minimal"; `UpdateSpec` "embeds children after update", "embeds an M2M
//!   relationship plus parent after update", "embeds an O2O relationship after update", "ignores
//!   ?select= when return not set or return=minimal"; `Error.hs` for PGRST200 ("Could not find a
//!   relationship between '<parent>' and '<child>' in the schema cache", details "Searched for a
//!   foreign key relationship between ... in the schema 'public', but no matches were found.", no
//!   hint without a close name) and PGRST108 ("'<name>' is not an embedded resource in this
//!   request"); `AggregateFunctionsSpec` "disallowed" for PGRST123.
//!
//! Cases named "ASSUMPTION:" follow PostgREST's code where no spec test pins the behaviour.

use super::*;
use budgetbee_e2e::{WriteCase, run_write_cases};

const OBJECT: (&str, &str) = (
    "Content-Type",
    "application/vnd.pgrst.object+json; charset=utf-8",
);
const NO_CONTENT_TYPE: (&str, &str) = ("Content-Type", ABSENT);
const NO_LOCATION: (&str, &str) = ("Location", ABSENT);
const NO_PREFERENCE_APPLIED: (&str, &str) = ("Preference-Applied", ABSENT);

/// `POST` with embeds in `select`: the embeds are joined to the inserted rows (`FROM "pgrst_source"
/// AS "transactions"`), RETURNING carries the columns they need (Plan.inferColsEmbedNeeds);
/// `return=minimal` or no `Prefer` answers no body (Statements: `SELECT * FROM pgrst_source`
/// instead of the read query).
///
/// Owns new transactions 10-17, new category 5, the junction rows of transaction 13; no other
/// function reads or writes them, so the functions may run in parallel while the cases of each run
/// in order.
#[test]
fn post_then_embed() {
    run_write_cases(
        write_cluster(),
        &[
            WriteCase {
                name: "POST one object; select=id,name,category:categories(name)",
                method: "POST",
                path: "/transactions?select=id,name,category:categories(name)",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"id":10,"amount":-5.5,"name":"Snack","category_id":1,"user_id":"u1"}"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    NO_LOCATION,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: r#"[{"id":10,"name":"Snack","category":{"name": "Food"}}]"#,
                check: (
                    "SELECT id, amount, name, category_id, user_id, status FROM transactions WHERE id = 10",
                    r#"10|-5.50|Snack|1|u1|paid"#,
                ),
            },
            WriteCase {
                name: "POST an array; a null foreign key embeds null; order=id orders the representation",
                method: "POST",
                path: "/transactions?select=id,categories(name,color)&order=id",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"[{"id":11,"amount":-20,"name":"Taxi","category_id":3},{"id":12,"amount":100,"name":"Bonus","category_id":null}]"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    NO_LOCATION,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: concat!(
                    r#"[{"id":11,"categories":{"name": "Sales", "color": "green"}}, "#,
                    "\n",
                    r#" {"id":12,"categories":null}]"#,
                ),
                check: (
                    "SELECT string_agg(id || ':' || coalesce(category_id::text, '-'), ',' ORDER BY id) FROM transactions WHERE id IN (10, 11, 12)",
                    r#"10:1,11:3,12:-"#,
                ),
            },
            WriteCase {
                name: "POST with select=*,tags(name): RETURNING *, the defaults show, the new row has no tags yet",
                method: "POST",
                path: "/transactions?select=*,tags(name)",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"id":13,"amount":7,"name":"Book"}"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    NO_LOCATION,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: r#"[{"id":13,"amount":7.00,"name":"Book","category_id":null,"user_id":null,"status":"paid","transaction_date":"2024-01-01T00:00:00","metadata":null,"tags":[]}]"#,
                check: (
                    "SELECT count(*) FROM transaction_tags WHERE transaction_id = 13",
                    r#"0"#,
                ),
            },
            WriteCase {
                name: "ASSUMPTION: POST to the junction; the nested many-to-many reads the snapshot from before the insert, so the new links are not in it",
                method: "POST",
                path: "/transaction_tags?select=tag_id,transactions(id,tags(name))&order=tag_id",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"[{"transaction_id":13,"tag_id":1},{"transaction_id":13,"tag_id":2}]"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    NO_LOCATION,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: concat!(
                    r#"[{"tag_id":1,"transactions":{"id": 13, "tags": []}}, "#,
                    "\n",
                    r#" {"tag_id":2,"transactions":{"id": 13, "tags": []}}]"#,
                ),
                check: (
                    "SELECT string_agg(tag_id::text, ',' ORDER BY tag_id) FROM transaction_tags WHERE transaction_id = 13",
                    r#"1,2"#,
                ),
            },
            WriteCase {
                name: "the next write sees them: PATCH transaction 13 with tags(name) ordered by name",
                method: "PATCH",
                path: "/transactions?id=eq.13&select=id,name,tags(name)&tags.order=name",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"name":"Novel"}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: r#"[{"id":13,"name":"Novel","tags":[{"name": "family"}, {"name": "work"}]}]"#,
                check: ("SELECT name FROM transactions WHERE id = 13", r#"Novel"#),
            },
            WriteCase {
                name: "POST to categories embeds its one-to-many transactions (none yet); Accept object gives the bare object",
                method: "POST",
                path: "/categories?select=id,name,transactions(id)",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Accept", "application/vnd.pgrst.object+json"),
                ],
                request_body: r#"{"id":5,"name":"Misc","color":"black","user_id":"u3"}"#,
                status: 201,
                expect_headers: &[
                    OBJECT,
                    NO_LOCATION,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: r#"{"id":5,"name":"Misc","transactions":[]}"#,
                check: (
                    "SELECT id, name, color, user_id FROM categories WHERE id = 5",
                    r#"5|Misc|black|u3"#,
                ),
            },
            WriteCase {
                name: "POST with a to-one spread: select=id,...categories(category:name,color)",
                method: "POST",
                path: "/transactions?select=id,...categories(category:name,color)",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"id":16,"amount":2,"name":"Tea","category_id":3}"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    NO_LOCATION,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: r#"[{"id":16,"category":"Sales","color":"green"}]"#,
                check: (
                    "SELECT name, category_id FROM transactions WHERE id = 16",
                    r#"Tea|3"#,
                ),
            },
            WriteCase {
                name: "ASSUMPTION: POST with a computed relationship: RETURNING * so owner(transactions) gets a whole row",
                method: "POST",
                path: "/transactions?select=id,owner(name)",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"id":17,"amount":3,"name":"Pen","user_id":"u2"}"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    NO_LOCATION,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: r#"[{"id":17,"owner":{"name": "Bob"}}]"#,
                check: ("SELECT user_id FROM transactions WHERE id = 17", r#"u2"#),
            },
            WriteCase {
                name: "return=minimal with embeds in select: 201, no body, no Content-Type",
                method: "POST",
                path: "/transactions?select=id,categories(name)",
                headers: &[("Prefer", "return=minimal")],
                request_body: r#"{"id":14,"amount":1,"name":"Gum","category_id":1}"#,
                status: 201,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    NO_LOCATION,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=minimal"),
                ],
                body: r#""#,
                check: (
                    "SELECT name, category_id FROM transactions WHERE id = 14",
                    r#"Gum|1"#,
                ),
            },
            WriteCase {
                name: "no Prefer at all with embeds in select: 201, no body, no Preference-Applied",
                method: "POST",
                path: "/transactions?select=id,categories(name)",
                headers: &[],
                request_body: r#"{"id":15,"amount":1,"name":"Mint","category_id":3}"#,
                status: 201,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    NO_LOCATION,
                    ("Content-Range", "*/*"),
                    NO_PREFERENCE_APPLIED,
                ],
                body: r#""#,
                check: (
                    "SELECT name, category_id FROM transactions WHERE id = 15",
                    r#"Mint|3"#,
                ),
            },
        ],
    );
}

/// `PATCH` with `return=representation` and embeds: 200, `Content-Range: 0-<n-1>/*` counted on the
/// representation; embedded filters, order and `!inner` shape the representation only, never what
/// is updated.
///
/// Owns transactions 2, 4 and 6, category 4; no other function reads or writes them, so the
/// functions may run in parallel while the cases of each run in order.
#[test]
fn patch_then_embed() {
    run_write_cases(
        write_cluster(),
        &[
            WriteCase {
                name: "PATCH then embed the existing many-to-many tags(name)",
                method: "PATCH",
                path: "/transactions?id=eq.2&select=id,name,tags(name)",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"name":"Supper"}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: r#"[{"id":2,"name":"Supper","tags":[{"name": "family"}]}]"#,
                check: ("SELECT name FROM transactions WHERE id = 2", r#"Supper"#),
            },
            WriteCase {
                name: "PATCH the foreign key of two rows: the embed follows the new value; select=id,categories(name,color)&order=id",
                method: "PATCH",
                path: "/transactions?id=in.(2,6)&select=id,categories(name,color)&order=id",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"category_id":4}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: concat!(
                    r#"[{"id":2,"categories":{"name": "Empty", "color": "gray"}}, "#,
                    "\n",
                    r#" {"id":6,"categories":{"name": "Empty", "color": "gray"}}]"#,
                ),
                check: (
                    "SELECT string_agg(id || ':' || category_id, ',' ORDER BY id) FROM transactions WHERE id IN (2, 6)",
                    r#"2:4,6:4"#,
                ),
            },
            WriteCase {
                name: "PATCH two rows, order=id.desc, many-to-one users(name)",
                method: "PATCH",
                path: "/transactions?id=in.(2,6)&select=id,status,users(name)&order=id.desc",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"status":"pending"}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: concat!(
                    r#"[{"id":6,"status":"pending","users":{"name": "Cyd"}}, "#,
                    "\n",
                    r#" {"id":2,"status":"pending","users":{"name": "Ann"}}]"#,
                ),
                check: (
                    "SELECT string_agg(id || ':' || status, ',' ORDER BY id) FROM transactions WHERE id IN (2, 6)",
                    r#"2:pending,6:pending"#,
                ),
            },
            WriteCase {
                name: "PATCH a category: its one-to-many transactions with an embedded filter and order",
                method: "PATCH",
                path: "/categories?id=eq.4&select=name,color,transactions(id,amount)&transactions.amount=lt.-10&transactions.order=id",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"color":"silver"}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: r#"[{"name":"Empty","color":"silver","transactions":[{"id": 2, "amount": -40.00}]}]"#,
                check: ("SELECT color FROM categories WHERE id = 4", r#"silver"#),
            },
            WriteCase {
                name: "ASSUMPTION: !inner with an embedded filter drops a row from the representation (Content-Range 0-0/*) but both rows are updated",
                method: "PATCH",
                path: "/transactions?id=in.(2,4)&select=id,categories!inner(name)&categories.name=eq.Empty",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"user_id":"u3"}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: r#"[{"id":2,"categories":{"name": "Empty"}}]"#,
                check: (
                    "SELECT string_agg(id || ':' || user_id, ',' ORDER BY id) FROM transactions WHERE id IN (2, 4)",
                    r#"2:u3,4:u3"#,
                ),
            },
            WriteCase {
                name: "an embedded filter without !inner only nulls the embed of the other row",
                method: "PATCH",
                path: "/transactions?id=in.(4,6)&select=id,categories(name)&categories.name=eq.Sales&order=id",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"metadata":{"seen":true}}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: concat!(
                    r#"[{"id":4,"categories":{"name": "Sales"}}, "#,
                    "\n",
                    r#" {"id":6,"categories":null}]"#,
                ),
                check: (
                    "SELECT string_agg(id || ':' || metadata::text, ',' ORDER BY id) FROM transactions WHERE id IN (4, 6)",
                    r#"4:{"seen": true},6:{"seen": true}"#,
                ),
            },
            WriteCase {
                name: "Accept: application/vnd.pgrst.object+json: the single updated row with its embed",
                method: "PATCH",
                path: "/transactions?id=eq.4&select=id,name,categories(name)",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Accept", "application/vnd.pgrst.object+json"),
                ],
                request_body: r#"{"name":"Invoice 8"}"#,
                status: 200,
                expect_headers: &[
                    OBJECT,
                    ("Content-Range", "0-0/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: r#"{"id":4,"name":"Invoice 8","categories":{"name": "Sales"}}"#,
                check: ("SELECT name FROM transactions WHERE id = 4", r#"Invoice 8"#),
            },
            WriteCase {
                name: "Accept object with two updated rows is 406 PGRST116 and the update is rolled back",
                method: "PATCH",
                path: "/transactions?id=in.(2,6)&select=id,categories(name)",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Accept", "application/vnd.pgrst.object+json"),
                ],
                request_body: r#"{"name":"Changed"}"#,
                status: 406,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=PGRST116"),
                    ("Content-Range", ABSENT),
                ],
                body: r#"{"code":"PGRST116","details":"The result contains 2 rows","hint":null,"message":"Cannot coerce the result to a single JSON object"}"#,
                check: (
                    "SELECT string_agg(name, ',' ORDER BY id) FROM transactions WHERE id IN (2, 6)",
                    r#"Supper,Coffee"#,
                ),
            },
            WriteCase {
                name: "return=minimal with embeds: 204, no body, Content-Range still counts the rows",
                method: "PATCH",
                path: "/transactions?id=in.(2,6)&select=id,categories(name)",
                headers: &[("Prefer", "return=minimal")],
                request_body: r#"{"name":"Moved"}"#,
                status: 204,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "0-1/*"),
                    ("Preference-Applied", "return=minimal"),
                ],
                body: r#""#,
                check: (
                    "SELECT string_agg(name, ',' ORDER BY id) FROM transactions WHERE id IN (2, 6)",
                    r#"Moved,Moved"#,
                ),
            },
            WriteCase {
                name: "PATCH the category the rows moved to: one-to-many ordered by id.desc",
                method: "PATCH",
                path: "/categories?id=eq.4&select=id,name,transactions(id,name)&transactions.order=id.desc",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"name":"Full"}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: r#"[{"id":4,"name":"Full","transactions":[{"id": 6, "name": "Moved"}, {"id": 2, "name": "Moved"}]}]"#,
                check: ("SELECT name FROM categories WHERE id = 4", r#"Full"#),
            },
            WriteCase {
                name: "ASSUMPTION: an embedded limit is not applied after a write (Plan.addRanges skips ActRelationMut): both transactions come back",
                method: "PATCH",
                path: "/categories?id=eq.4&select=id,transactions(id)&transactions.order=id&transactions.limit=1",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"color":"white"}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: r#"[{"id":4,"transactions":[{"id": 2}, {"id": 6}]}]"#,
                check: ("SELECT color FROM categories WHERE id = 4", r#"white"#),
            },
        ],
    );
}

/// `DELETE` with `return=representation` and embeds: 200, `Content-Range: */*`; the embeds read the
/// snapshot from before the statement, so rows that `ON DELETE CASCADE`/`SET NULL` change still
/// show as they were.
///
/// Owns transactions 1 and 3, category 2, the note of transaction 4; no other function reads or
/// writes them, so the functions may run in parallel while the cases of each run in order.
#[test]
fn delete_then_embed() {
    run_write_cases(
        write_cluster(),
        &[
            WriteCase {
                name: "DELETE a category: its one-to-many transactions as they were before ON DELETE SET NULL",
                method: "DELETE",
                path: "/categories?id=eq.2&select=id,name,transactions(id,name)&transactions.order=id",
                headers: &[("Prefer", "return=representation")],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: r#"[{"id":2,"name":"Travel","transactions":[{"id": 3, "name": "Flight"}]}]"#,
                check: (
                    "SELECT (SELECT count(*) FROM categories WHERE id = 2) || ',' || coalesce((SELECT category_id::text FROM transactions WHERE id = 3), 'null')",
                    r#"0,null"#,
                ),
            },
            WriteCase {
                name: "DELETE with the many-to-many tags(name) whose junction rows the cascade deletes",
                method: "DELETE",
                path: "/transactions?id=eq.3&select=id,name,tags(name)&tags.order=name",
                headers: &[("Prefer", "return=representation")],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: r#"[{"id":3,"name":"Flight","tags":[{"name": "family"}, {"name": "work"}]}]"#,
                check: (
                    "SELECT count(*) FROM transaction_tags WHERE transaction_id = 3",
                    r#"0"#,
                ),
            },
            WriteCase {
                name: "DELETE with the one-to-one transaction_notes(note) that the cascade deletes",
                method: "DELETE",
                path: "/transactions?id=eq.1&select=id,transaction_notes(note)",
                headers: &[("Prefer", "return=representation")],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: r#"[{"id":1,"transaction_notes":{"note": "with the team"}}]"#,
                check: (
                    "SELECT (SELECT count(*) FROM transactions WHERE id = 1) || ',' || (SELECT count(*) FROM transaction_notes WHERE transaction_id = 1)",
                    r#"0,0"#,
                ),
            },
            WriteCase {
                name: "DELETE a note with return=minimal and a many-to-one embed in select: 204",
                method: "DELETE",
                path: "/transaction_notes?transaction_id=eq.4&select=note,transactions(id)",
                headers: &[("Prefer", "return=minimal")],
                request_body: "",
                status: 204,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=minimal"),
                ],
                body: r#""#,
                check: (
                    "SELECT count(*) FROM transaction_notes WHERE transaction_id = 4",
                    r#"0"#,
                ),
            },
        ],
    );
}

/// The read plan is built before anything runs (Plan.mutateReadPlan: readPlan, then mutatePlan): a
/// bad embed, a filter on a resource that is not embedded, or an aggregate (off on this cluster)
/// fails the request and nothing is written.
///
/// Owns transaction 5 (never changed), ids 20 and 21 (never created); no other function reads or
/// writes them, so the functions may run in parallel while the cases of each run in order.
#[test]
fn bad_select_on_writes_changes_nothing() {
    run_write_cases(
        write_cluster(),
        &[
            WriteCase {
                name: "POST with an unknown embed is 400 PGRST200",
                method: "POST",
                path: "/transactions?select=id,zzz(id)",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"id":20,"amount":1,"name":"Ghost"}"#,
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=PGRST200"),
                    ("Content-Range", ABSENT),
                ],
                body: r#"{"code":"PGRST200","details":"Searched for a foreign key relationship between 'transactions' and 'zzz' in the schema 'public', but no matches were found.","hint":null,"message":"Could not find a relationship between 'transactions' and 'zzz' in the schema cache"}"#,
                check: ("SELECT count(*) FROM transactions WHERE id = 20", r#"0"#),
            },
            WriteCase {
                name: "POST return=minimal with an unknown embed is still 400 PGRST200",
                method: "POST",
                path: "/transactions?select=id,zzz(id)",
                headers: &[("Prefer", "return=minimal")],
                request_body: r#"{"id":20,"amount":1,"name":"Ghost"}"#,
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=PGRST200"),
                    ("Content-Range", ABSENT),
                ],
                body: r#"{"code":"PGRST200","details":"Searched for a foreign key relationship between 'transactions' and 'zzz' in the schema 'public', but no matches were found.","hint":null,"message":"Could not find a relationship between 'transactions' and 'zzz' in the schema cache"}"#,
                check: ("SELECT count(*) FROM transactions WHERE id = 20", r#"0"#),
            },
            WriteCase {
                name: "PATCH with an unknown embed is 400 PGRST200",
                method: "PATCH",
                path: "/transactions?id=eq.5&select=id,zzz(*)",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"name":"Ghost"}"#,
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=PGRST200"),
                    ("Content-Range", ABSENT),
                ],
                body: r#"{"code":"PGRST200","details":"Searched for a foreign key relationship between 'transactions' and 'zzz' in the schema 'public', but no matches were found.","hint":null,"message":"Could not find a relationship between 'transactions' and 'zzz' in the schema cache"}"#,
                check: ("SELECT name FROM transactions WHERE id = 5", r#"Refund"#),
            },
            WriteCase {
                name: "DELETE with an unknown embed is 400 PGRST200",
                method: "DELETE",
                path: "/transactions?id=eq.5&select=id,zzz(id)",
                headers: &[("Prefer", "return=representation")],
                request_body: "",
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=PGRST200"),
                    ("Content-Range", ABSENT),
                ],
                body: r#"{"code":"PGRST200","details":"Searched for a foreign key relationship between 'transactions' and 'zzz' in the schema 'public', but no matches were found.","hint":null,"message":"Could not find a relationship between 'transactions' and 'zzz' in the schema cache"}"#,
                check: ("SELECT count(*) FROM transactions WHERE id = 5", r#"1"#),
            },
            WriteCase {
                name: "ASSUMPTION: PATCH with an embedded filter on a resource not in select is 400 PGRST108",
                method: "PATCH",
                path: "/transactions?id=eq.5&select=id&categories.name=eq.Food",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"name":"Ghost"}"#,
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=PGRST108"),
                    ("Content-Range", ABSENT),
                ],
                body: r#"{"code":"PGRST108","details":null,"hint":"Verify that 'categories' is included in the 'select' query parameter.","message":"'categories' is not an embedded resource in this request"}"#,
                check: ("SELECT name FROM transactions WHERE id = 5", r#"Refund"#),
            },
            WriteCase {
                name: "POST with an aggregate in select while aggregates are off is 400 PGRST123",
                method: "POST",
                path: "/transactions?select=amount.sum()",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"id":21,"amount":1,"name":"Ghost"}"#,
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=PGRST123"),
                    ("Content-Range", ABSENT),
                ],
                body: r#"{"code":"PGRST123","details":null,"hint":null,"message":"Use of aggregate functions is not allowed"}"#,
                check: ("SELECT count(*) FROM transactions WHERE id = 21", r#"0"#),
            },
        ],
    );
}
