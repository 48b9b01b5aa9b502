//! What a write's RETURNING hands on: column privileges (`return=minimal`, and what the role may
//! read back), computed fields, and `order=` over the written rows.

use super::*;

/// A role with INSERT/UPDATE/DELETE on some columns and SELECT on fewer: it writes with
/// `return=minimal` (`RETURNING 1`) and reads back the columns it may select; asking for one it
/// may not (or for `*`) is PostgreSQL's 42501, 401 for the anonymous role.
#[test]
fn column_privileges() {
    run_write_cases(
        cluster(),
        &[
            // InsertSpec "table with limited privileges": "succeeds inserting if correct
            // select is applied".
            WriteCase {
                name: "POST selecting only the columns the role may select: 201 with them",
                method: "POST",
                path: "/limited_article_stars?select=article_id,user_id",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"article_id": 2, "user_id": 1}"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: r#"[{"article_id":2,"user_id":1}]"#,
                check: (
                    "SELECT article_id || '/' || user_id FROM private.article_stars",
                    "2/1",
                ),
            },
            // InsertSpec: "fails inserting if more columns are selected".
            WriteCase {
                name: "POST selecting a column the role may not select: 42501, nothing kept",
                method: "POST",
                path: "/limited_article_stars?select=article_id,user_id,created_at",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"article_id": 2, "user_id": 2}"#,
                status: 401,
                expect_headers: DENIED,
                body: r#"{"code":"42501","details":null,"hint":null,"message":"permission denied for view limited_article_stars"}"#,
                check: ("SELECT count(*) FROM private.article_stars", "1"),
            },
            // InsertSpec: "fails inserting if select is not specified".
            WriteCase {
                name: "POST with return=representation and no select= returns *: 42501",
                method: "POST",
                path: "/limited_article_stars",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"article_id": 3, "user_id": 1}"#,
                status: 401,
                expect_headers: DENIED,
                body: r#"{"code":"42501","details":null,"hint":null,"message":"permission denied for view limited_article_stars"}"#,
                check: ("SELECT count(*) FROM private.article_stars", "1"),
            },
            WriteCase {
                name: "POST without Prefer: RETURNING 1 reads no column, 201",
                method: "POST",
                path: "/limited_article_stars",
                headers: &[],
                request_body: r#"{"article_id": 3, "user_id": 1}"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE, NO_LOCATION, ("Content-Range", "*/*")],
                body: "",
                check: ("SELECT count(*) FROM private.article_stars", "2"),
            },
            // Plan.hs: headers-only returns the selected fields plus the key, from which the
            // Location is built.
            WriteCase {
                name: "return=headers-only with select= of the key: Location",
                method: "POST",
                path: "/limited_article_stars?select=article_id,user_id",
                headers: &[("Prefer", "return=headers-only")],
                request_body: r#"{"article_id": 4, "user_id": 1}"#,
                status: 201,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    (
                        "Location",
                        "/limited_article_stars?article_id=eq.4&user_id=eq.1",
                    ),
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=headers-only"),
                ],
                body: "",
                check: ("SELECT count(*) FROM private.article_stars", "3"),
            },
            WriteCase {
                name: "return=headers-only without select= returns *: 42501",
                method: "POST",
                path: "/limited_article_stars",
                headers: &[("Prefer", "return=headers-only")],
                request_body: r#"{"article_id": 5, "user_id": 1}"#,
                status: 401,
                expect_headers: DENIED,
                body: r#"{"code":"42501","details":null,"hint":null,"message":"permission denied for view limited_article_stars"}"#,
                check: ("SELECT count(*) FROM private.article_stars", "3"),
            },
            // InsertSpec: "can insert in a table with no select and return=minimal".
            WriteCase {
                name: "POST to a table the role may only insert into, return=minimal: 201",
                method: "POST",
                path: "/insertonly",
                headers: &[("Prefer", "return=minimal")],
                request_body: r#"{ "v":"some value" }"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE, ("Preference-Applied", "return=minimal")],
                body: "",
                check: ("SELECT v FROM insertonly", "some value"),
            },
            WriteCase {
                name: "POST an array to an insert-only table without Prefer: 201",
                method: "POST",
                path: "/insertonly",
                headers: &[],
                request_body: r#"[{"v":"two"},{"v":"three"}]"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Range", "*/*")],
                body: "",
                check: ("SELECT count(*) FROM insertonly", "3"),
            },
            WriteCase {
                name: "PATCH the view's updatable columns, return=minimal: 204",
                method: "PATCH",
                path: "/limited_article_stars?article_id=eq.4&user_id=eq.1",
                headers: &[("Prefer", "return=minimal")],
                request_body: r#"{"user_id": 2}"#,
                status: 204,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "0-0/*"),
                    ("Preference-Applied", "return=minimal"),
                ],
                body: "",
                check: (
                    "SELECT count(*) FROM private.article_stars WHERE article_id = 4 AND user_id = 2",
                    "1",
                ),
            },
            // UpdateSpec "table with limited privileges": "succeeds updating row and gives a
            // 204 when using return=minimal".
            WriteCase {
                name: "PATCH a column the role may not select, return=minimal: 204",
                method: "PATCH",
                path: "/app_users?id=eq.1",
                headers: &[("Prefer", "return=minimal")],
                request_body: r#"{ "password": "passxyz" }"#,
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Range", "0-0/*")],
                body: "",
                check: ("SELECT password FROM app_users WHERE id = 1", "passxyz"),
            },
            // UpdateSpec: "can update without return=minimal and no explicit select".
            WriteCase {
                name: "PATCH without Prefer and no select=: 204",
                method: "PATCH",
                path: "/app_users?id=eq.1",
                headers: &[],
                request_body: r#"{ "password": "passabc" }"#,
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Range", "0-0/*")],
                body: "",
                check: ("SELECT password FROM app_users WHERE id = 1", "passabc"),
            },
            WriteCase {
                name: "PATCH with representation of the selectable columns only: 200",
                method: "PATCH",
                path: "/app_users?id=eq.1&select=id,email",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{ "password": "passdef" }"#,
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"id":1,"email":"test@123.com"}]"#,
                check: ("SELECT password FROM app_users WHERE id = 1", "passdef"),
            },
            WriteCase {
                name: "PATCH with representation of every column: 42501, not changed",
                method: "PATCH",
                path: "/app_users?id=eq.1",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{ "password": "passghi" }"#,
                status: 401,
                expect_headers: DENIED,
                body: r#"{"code":"42501","details":null,"hint":null,"message":"permission denied for table app_users"}"#,
                check: ("SELECT password FROM app_users WHERE id = 1", "passdef"),
            },
            // QueryBuilder.hs: an empty body selects `NULL FROM <table> WHERE false`.
            WriteCase {
                name: "PATCH with an empty body: 204, nothing read",
                method: "PATCH",
                path: "/app_users?id=eq.1",
                headers: &[],
                request_body: "{}",
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Range", "*/*")],
                body: "",
                check: ("SELECT password FROM app_users WHERE id = 1", "passdef"),
            },
            // The merge is counted in pgrst.inserted, not from a system column the role
            // could not read.
            WriteCase {
                name: "merge-duplicates onto an existing row, return=minimal: 200",
                method: "POST",
                path: "/profiles",
                headers: &[("Prefer", "resolution=merge-duplicates")],
                request_body: r#"{"id": 1, "nick": "annie"}"#,
                status: 200,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "resolution=merge-duplicates"),
                ],
                body: "",
                check: (
                    "SELECT nick || ' ' || secret FROM profiles WHERE id = 1",
                    "annie s1",
                ),
            },
            WriteCase {
                name: "merge-duplicates inserting a row, return=minimal: 201",
                method: "POST",
                path: "/profiles",
                headers: &[("Prefer", "resolution=merge-duplicates")],
                request_body: r#"[{"id": 1, "nick": "ann"}, {"id": 2, "nick": "bob"}]"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Range", "*/*")],
                body: "",
                check: (
                    "SELECT string_agg(nick || ' ' || secret, ',' ORDER BY id) FROM profiles",
                    "ann s1,bob hidden",
                ),
            },
            WriteCase {
                name: "merge-duplicates with representation of the selectable columns: 200",
                method: "POST",
                path: "/profiles?select=id,nick",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "resolution=merge-duplicates"),
                ],
                request_body: r#"{"id": 2, "nick": "bobby"}"#,
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "*/*")],
                body: r#"[{"id":2,"nick":"bobby"}]"#,
                check: ("SELECT nick FROM profiles WHERE id = 2", "bobby"),
            },
            WriteCase {
                name: "PUT onto an existing row, no Prefer: 204",
                method: "PUT",
                path: "/profiles?id=eq.2",
                headers: &[],
                request_body: r#"{"id": 2, "nick": "b"}"#,
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, NO_CONTENT_RANGE],
                body: "",
                check: ("SELECT nick FROM profiles WHERE id = 2", "b"),
            },
            WriteCase {
                name: "PUT with representation of the selectable columns: 201 for a new row",
                method: "PUT",
                path: "/profiles?id=eq.3&select=id,nick",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"id": 3, "nick": "cy"}"#,
                status: 201,
                expect_headers: &[JSON, NO_CONTENT_RANGE],
                body: r#"[{"id":3,"nick":"cy"}]"#,
                check: ("SELECT secret FROM profiles WHERE id = 3", "hidden"),
            },
            // ON CONFLICT DO UPDATE SET c = EXCLUDED.c reads every column the body sets, which
            // PostgreSQL counts as selecting it.
            WriteCase {
                name: "merge-duplicates setting a column the role may not select: 42501",
                method: "POST",
                path: "/app_users",
                headers: &[("Prefer", "resolution=merge-duplicates")],
                request_body: r#"{"id": 2, "email": "two@456.com", "password": "p2"}"#,
                status: 401,
                expect_headers: DENIED,
                body: r#"{"code":"42501","details":null,"hint":null,"message":"permission denied for table app_users"}"#,
                check: ("SELECT password FROM app_users WHERE id = 2", "pass2"),
            },
            // DeleteSpec "table with limited privileges".
            WriteCase {
                name: "DELETE with return=representation of every column: 401, kept",
                method: "DELETE",
                path: "/app_users?id=eq.1",
                headers: &[("Prefer", "return=representation")],
                request_body: "",
                status: 401,
                expect_headers: DENIED,
                body: r#"{"code":"42501","details":null,"hint":null,"message":"permission denied for table app_users"}"#,
                check: ("SELECT count(*) FROM app_users WHERE id = 1", "1"),
            },
            WriteCase {
                name: "DELETE with representation of the privileged columns: 200",
                method: "DELETE",
                path: "/app_users?id=eq.1&select=id,email",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{ "password": "passxyz" }"#,
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "*/*")],
                body: r#"[{"id":1,"email":"test@123.com"}]"#,
                check: ("SELECT count(*) FROM app_users WHERE id = 1", "0"),
            },
            WriteCase {
                name: "DELETE with return=minimal and no select=: 204",
                method: "DELETE",
                path: "/app_users?id=eq.2",
                headers: &[("Prefer", "return=minimal")],
                request_body: "",
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Range", "*/*")],
                body: "",
                check: ("SELECT count(*) FROM app_users WHERE id = 2", "0"),
            },
            WriteCase {
                name: "DELETE without Prefer: 204",
                method: "DELETE",
                path: "/app_users?id=eq.3",
                headers: &[],
                request_body: "",
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE],
                body: "",
                check: ("SELECT count(*) FROM app_users", "0"),
            },
        ],
    );
}

/// Computed fields (functions of the row) in the `select` of a write's representation, and
/// `order=` over the rows a write returns.
#[test]
fn computed_fields_and_order() {
    run_write_cases(
        cluster(),
        &[
            // UpdateSpec "with representation requested": "can return computed columns".
            WriteCase {
                name: "PATCH returns a computed field",
                method: "PATCH",
                path: "/items?id=eq.1&select=id,always_true",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{ "id": 1 }"#,
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"id":1,"always_true":true}]"#,
                check: ("", ""),
            },
            // UpdateSpec: "can select overloaded computed columns".
            WriteCase {
                name: "PATCH returns an overloaded computed field (items)",
                method: "PATCH",
                path: "/items?id=eq.1&select=id,computed_overload",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{ "id": 1 }"#,
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":1,"computed_overload":true}]"#,
                check: ("", ""),
            },
            WriteCase {
                name: "PATCH returns an overloaded computed field (items2)",
                method: "PATCH",
                path: "/items2?id=eq.1&select=id,computed_overload",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{ "id": 1 }"#,
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":1,"computed_overload":true}]"#,
                check: ("", ""),
            },
            // UpdateSpec "when patching with an empty body": "makes no updates and returns 200
            // with return=rep and with ?select= for overloaded computed columns".
            WriteCase {
                name: "PATCH with an empty body selecting an overloaded computed field: []",
                method: "PATCH",
                path: "/items?select=id,computed_overload",
                headers: &[("Prefer", "return=representation")],
                request_body: "{}",
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "*/*")],
                body: "[]",
                check: (
                    "SELECT string_agg(id::text, ',' ORDER BY id) FROM items",
                    "1,2,3",
                ),
            },
            // UpdateSpec "filtering by a computed column": "is successful".
            WriteCase {
                name: "PATCH filtered by a computed field",
                method: "PATCH",
                path: "/items?is_first=eq.true",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{ "id": 100 }"#,
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"id":100}]"#,
                check: (
                    "SELECT string_agg(id::text, ',' ORDER BY id) FROM items",
                    "2,3,100",
                ),
            },
            WriteCase {
                name: "POST returns computed fields of the new rows",
                method: "POST",
                path: "/items?select=id,always_true,is_first",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"[{"id": 1}, {"id": 5}]"#,
                status: 201,
                expect_headers: &[JSON],
                body: concat!(
                    r#"[{"id":1,"always_true":true,"is_first":true}, "#,
                    "\n",
                    r#" {"id":5,"always_true":true,"is_first":false}]"#
                ),
                check: ("SELECT count(*) FROM items", "5"),
            },
            WriteCase {
                name: "DELETE returns a computed field of the deleted row",
                method: "DELETE",
                path: "/items?id=eq.5&select=id,always_true",
                headers: &[("Prefer", "return=representation")],
                request_body: "",
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "*/*")],
                body: r#"[{"id":5,"always_true":true}]"#,
                check: ("SELECT count(*) FROM items", "4"),
            },
            WriteCase {
                name: "POST ordered by a computed field",
                method: "POST",
                path: "/labelled?select=id,label&order=label.desc",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"[{"id": 1, "name": "b"}, {"id": 2, "name": "a"}, {"id": 3, "name": "c"}]"#,
                status: 201,
                expect_headers: &[JSON],
                body: concat!(
                    r#"[{"id":3,"label":"c#3"}, "#,
                    "\n",
                    r#" {"id":1,"label":"b#1"}, "#,
                    "\n",
                    r#" {"id":2,"label":"a#2"}]"#
                ),
                check: ("SELECT count(*) FROM labelled", "3"),
            },
            WriteCase {
                name: "PATCH ordered",
                method: "PATCH",
                path: "/labelled?id=in.(1,3)&select=id,label&order=id.desc",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"name": "x"}"#,
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: concat!(
                    r#"[{"id":3,"label":"x#3"}, "#,
                    "\n",
                    r#" {"id":1,"label":"x#1"}]"#
                ),
                check: ("", ""),
            },
            WriteCase {
                name: "PUT returns a computed field",
                method: "PUT",
                path: "/labelled?id=eq.4&select=id,label",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"id": 4, "name": "d"}"#,
                status: 201,
                expect_headers: &[JSON],
                body: r#"[{"id":4,"label":"d#4"}]"#,
                check: ("", ""),
            },
            WriteCase {
                name: "DELETE ordered by a computed field",
                method: "DELETE",
                path: "/labelled?id=in.(1,2,3)&select=id,label&order=label.asc",
                headers: &[("Prefer", "return=representation")],
                request_body: "",
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "*/*")],
                body: concat!(
                    r#"[{"id":2,"label":"a#2"}, "#,
                    "\n",
                    r#" {"id":1,"label":"x#1"}, "#,
                    "\n",
                    r#" {"id":3,"label":"x#3"}]"#
                ),
                check: ("SELECT string_agg(id::text, ',') FROM labelled", "4"),
            },
            // UpsertSpec "with ordering": "works with batch upserts and embedded resource".
            WriteCase {
                name: "merge-duplicates with an embed, ordered: 200",
                method: "POST",
                path: "/artists?select=id,name,albums(title)&order=id.desc",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "resolution=merge-duplicates"),
                ],
                request_body: r#"[{ "id": 1, "name": "duster-updated" }, { "id": 2, "name": "bcnr-updated" }]"#,
                status: 200,
                expect_headers: &[JSON],
                body: concat!(
                    r#"[{"id":2,"name":"bcnr-updated","albums":[{"title": "ants from up above"}]}, "#,
                    "\n",
                    r#" {"id":1,"name":"duster-updated","albums":[{"title": "stratosphere"}, {"title": "contemporary movement"}]}]"#
                ),
                check: (
                    "SELECT string_agg(name, ',' ORDER BY id) FROM artists",
                    "duster-updated,bcnr-updated",
                ),
            },
        ],
    );
}
