use super::*;

/// `columns=` and `Prefer: missing=default|null`.
#[test]
fn post_columns_and_missing() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "columns= takes only the listed keys; the rest are ignored",
                method: "POST",
                path: "/defaults_demo?columns=id,name",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"id":1,"name":"one","ignored":"x","other":2}"#,
                status: 201,
                expect_headers: &[JSON, ("Preference-Applied", "return=representation")],
                body: r#"[{"id":1,"name":"one","qty":1,"note":null}]"#,
                check: (
                    "SELECT id, name, qty, note FROM defaults_demo ORDER BY id",
                    "1|one|1|",
                ),
            },
            WriteCase {
                name: "columns= lets objects differ; a missing key is NULL",
                method: "POST",
                path: "/defaults_demo?columns=id,name,qty",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"[{"id":2,"name":"two"},{"id":3,"qty":5}]"#,
                status: 201,
                expect_headers: &[JSON],
                body: concat!(
                    r#"[{"id":2,"name":"two","qty":null,"note":null}, "#,
                    "\n",
                    r#" {"id":3,"name":null,"qty":5,"note":null}]"#
                ),
                check: ("SELECT count(*) FROM defaults_demo WHERE name IS NULL", "1"),
            },
            WriteCase {
                name: "missing=default: a missing key takes the column default",
                method: "POST",
                path: "/defaults_demo?columns=id,name,qty",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "missing=default"),
                ],
                request_body: r#"[{"id":4},{"id":5,"name":"five"}]"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    (
                        "Preference-Applied",
                        "missing=default, return=representation",
                    ),
                ],
                body: concat!(
                    r#"[{"id":4,"name":"unnamed","qty":1,"note":null}, "#,
                    "\n",
                    r#" {"id":5,"name":"five","qty":1,"note":null}]"#
                ),
                check: (
                    "SELECT name, qty FROM defaults_demo WHERE id = 4",
                    "unnamed|1",
                ),
            },
            WriteCase {
                name: "missing=null is echoed and keeps NULL",
                method: "POST",
                path: "/defaults_demo?columns=id,name,qty",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "missing=null"),
                ],
                request_body: r#"[{"id":6},{"id":7,"qty":7}]"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    ("Preference-Applied", "missing=null, return=representation"),
                ],
                body: concat!(
                    r#"[{"id":6,"name":null,"qty":null,"note":null}, "#,
                    "\n",
                    r#" {"id":7,"name":null,"qty":7,"note":null}]"#
                ),
                check: ("SELECT count(*) FROM defaults_demo WHERE name IS NULL", "3"),
            },
            WriteCase {
                name: "missing=default without columns=: keys not sent take defaults anyway",
                method: "POST",
                path: "/defaults_demo",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "missing=default"),
                ],
                request_body: r#"{"id":8}"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    (
                        "Preference-Applied",
                        "missing=default, return=representation",
                    ),
                ],
                body: r#"[{"id":8,"name":"unnamed","qty":1,"note":null}]"#,
                check: ("", ""),
            },
            WriteCase {
                name: "columns= naming no column: 400 PGRST204",
                method: "POST",
                path: "/defaults_demo?columns=id,nope",
                headers: &[],
                request_body: r#"{"id":9,"nope":1}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST204")],
                body: r#"{"code":"PGRST204","details":null,"hint":null,"message":"Could not find the 'nope' column of 'defaults_demo' in the schema cache"}"#,
                check: ("SELECT count(*) FROM defaults_demo", "8"),
            },
            WriteCase {
                name: "columns= with missing=default and a key that is sent",
                method: "POST",
                path: "/defaults_demo?columns=id,name,qty&select=id,name,qty",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "missing=default"),
                ],
                request_body: r#"{"id":9,"name":"nine"}"#,
                status: 201,
                expect_headers: &[JSON],
                body: r#"[{"id":9,"name":"nine","qty":1}]"#,
                check: (
                    "SELECT id, name, qty, note FROM defaults_demo ORDER BY id",
                    concat!(
                        "1|one|1|",
                        "\n",
                        "2|two||",
                        "\n",
                        "3||5|",
                        "\n",
                        "4|unnamed|1|",
                        "\n",
                        "5|five|1|",
                        "\n",
                        "6|||",
                        "\n",
                        "7||7|",
                        "\n",
                        "8|unnamed|1|",
                        "\n",
                        "9|nine|1|"
                    ),
                ),
            },
        ],
    );
}

/// `Prefer: resolution=merge-duplicates|ignore-duplicates`, on the primary key or `on_conflict=`:
/// 201 when a row was inserted, 200 when merge-duplicates only updated.
#[test]
fn upsert_with_post() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "merge-duplicates: one updated, one inserted: 201",
                method: "POST",
                path: "/langs",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "resolution=merge-duplicates"),
                ],
                request_body: r#"[{"name":"C","rank":10},{"name":"Go","rank":4}]"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    (
                        "Preference-Applied",
                        "resolution=merge-duplicates, return=representation",
                    ),
                ],
                body: concat!(
                    r#"[{"name":"C","rank":10}, "#,
                    "\n",
                    r#" {"name":"Go","rank":4}]"#
                ),
                check: (
                    "SELECT string_agg(name || '=' || rank, ',' ORDER BY name) FROM langs",
                    "C=10,Go=4,Java=2,Python=3",
                ),
            },
            WriteCase {
                name: "merge-duplicates that only updates: 200",
                method: "POST",
                path: "/langs",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "resolution=merge-duplicates"),
                ],
                request_body: r#"[{"name":"Java","rank":20},{"name":"Python","rank":30}]"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    (
                        "Preference-Applied",
                        "resolution=merge-duplicates, return=representation",
                    ),
                ],
                body: concat!(
                    r#"[{"name":"Java","rank":20}, "#,
                    "\n",
                    r#" {"name":"Python","rank":30}]"#
                ),
                check: (
                    "SELECT string_agg(name || '=' || rank, ',' ORDER BY name) FROM langs",
                    "C=10,Go=4,Java=20,Python=30",
                ),
            },
            WriteCase {
                name: "merge-duplicates that only updates, no body: still 200",
                method: "POST",
                path: "/langs",
                headers: &[("Prefer", "resolution=merge-duplicates")],
                request_body: r#"{"name":"C","rank":11}"#,
                status: 200,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "resolution=merge-duplicates"),
                ],
                body: "",
                check: (
                    "SELECT string_agg(name || '=' || rank, ',' ORDER BY name) FROM langs",
                    "C=11,Go=4,Java=20,Python=30",
                ),
            },
            // UpsertSpec "succeeds when the payload has no elements": nothing inserted, so 200.
            WriteCase {
                name: "merge-duplicates with an empty array: 200 and []",
                method: "POST",
                path: "/langs",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "resolution=merge-duplicates"),
                ],
                request_body: "[]",
                status: 200,
                expect_headers: &[JSON],
                body: "[]",
                check: ("SELECT count(*) FROM langs", "4"),
            },
            WriteCase {
                name: "merge-duplicates with count=exact: Content-Range */2",
                method: "POST",
                path: "/langs",
                headers: &[
                    ("Prefer", "resolution=merge-duplicates"),
                    ("Prefer", "count=exact"),
                ],
                request_body: r#"[{"name":"Go","rank":5},{"name":"Rust","rank":6}]"#,
                status: 201,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "*/2"),
                    (
                        "Preference-Applied",
                        "resolution=merge-duplicates, count=exact",
                    ),
                ],
                body: "",
                check: (
                    "SELECT string_agg(name || '=' || rank, ',' ORDER BY name) FROM langs",
                    "C=11,Go=5,Java=20,Python=30,Rust=6",
                ),
            },
            WriteCase {
                name: "ignore-duplicates: only the new rows come back",
                method: "POST",
                path: "/langs",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "resolution=ignore-duplicates"),
                ],
                request_body: r#"[{"name":"C","rank":99},{"name":"Zig","rank":7}]"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    (
                        "Preference-Applied",
                        "resolution=ignore-duplicates, return=representation",
                    ),
                ],
                body: r#"[{"name":"Zig","rank":7}]"#,
                check: (
                    "SELECT string_agg(name || '=' || rank, ',' ORDER BY name) FROM langs",
                    "C=11,Go=5,Java=20,Python=30,Rust=6,Zig=7",
                ),
            },
            // UpsertSpec "succeeds if not a single resource is created": ignore-duplicates is
            // always 201.
            WriteCase {
                name: "ignore-duplicates where every row exists: 201 and []",
                method: "POST",
                path: "/langs",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "resolution=ignore-duplicates"),
                ],
                request_body: r#"[{"name":"C","rank":98},{"name":"Java","rank":97}]"#,
                status: 201,
                expect_headers: &[JSON],
                body: "[]",
                check: (
                    "SELECT string_agg(name || '=' || rank, ',' ORDER BY name) FROM langs",
                    "C=11,Go=5,Java=20,Python=30,Rust=6,Zig=7",
                ),
            },
            WriteCase {
                name: "on_conflict= a unique column, merge-duplicates",
                method: "POST",
                path: "/handles?on_conflict=handle",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "resolution=merge-duplicates"),
                ],
                request_body: r#"[{"id":1,"handle":"ann","shown":"Ann B."},{"id":3,"handle":"cy","shown":"Cy"}]"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    (
                        "Preference-Applied",
                        "resolution=merge-duplicates, return=representation",
                    ),
                ],
                body: concat!(
                    r#"[{"id":1,"handle":"ann","shown":"Ann B."}, "#,
                    "\n",
                    r#" {"id":3,"handle":"cy","shown":"Cy"}]"#
                ),
                check: (
                    "SELECT string_agg(id || ':' || handle || ':' || shown, ',' ORDER BY id) FROM handles",
                    "1:ann:Ann B.,2:bob:Bob,3:cy:Cy",
                ),
            },
            WriteCase {
                name: "on_conflict= a unique column, ignore-duplicates",
                method: "POST",
                path: "/handles?on_conflict=handle",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "resolution=ignore-duplicates"),
                ],
                request_body: r#"[{"id":4,"handle":"bob","shown":"Robert"}]"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    (
                        "Preference-Applied",
                        "resolution=ignore-duplicates, return=representation",
                    ),
                ],
                body: "[]",
                check: (
                    "SELECT string_agg(id || ':' || handle || ':' || shown, ',' ORDER BY id) FROM handles",
                    "1:ann:Ann B.,2:bob:Bob,3:cy:Cy",
                ),
            },
            WriteCase {
                name: "on_conflict= a column without a unique index: 42P10 (400)",
                method: "POST",
                path: "/handles?on_conflict=shown",
                headers: &[("Prefer", "resolution=merge-duplicates")],
                request_body: r#"[{"id":5,"handle":"dee","shown":"Cy"}]"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=42P10")],
                body: r#"{"code":"42P10","details":null,"hint":null,"message":"there is no unique or exclusion constraint matching the ON CONFLICT specification"}"#,
                check: (
                    "SELECT string_agg(id || ':' || handle || ':' || shown, ',' ORDER BY id) FROM handles",
                    "1:ann:Ann B.,2:bob:Bob,3:cy:Cy",
                ),
            },
            WriteCase {
                name: "merge-duplicates on a composite primary key",
                method: "POST",
                path: "/employees",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "resolution=merge-duplicates"),
                ],
                request_body: r#"[{"first_name":"Ada","last_name":"Lovelace","salary":200},{"first_name":"Alan","last_name":"Turing","salary":150}]"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    (
                        "Preference-Applied",
                        "resolution=merge-duplicates, return=representation",
                    ),
                ],
                body: concat!(
                    r#"[{"first_name":"Ada","last_name":"Lovelace","salary":200}, "#,
                    "\n",
                    r#" {"first_name":"Alan","last_name":"Turing","salary":150}]"#
                ),
                check: (
                    "SELECT string_agg(last_name || '=' || salary, ',' ORDER BY last_name) FROM employees",
                    "Lovelace=200,Turing=150",
                ),
            },
            // UpsertSpec: "ignores the Prefer: resolution header (no Preference-Applied
            // present) if the table has no PK".
            WriteCase {
                name: "a table without a primary key: a plain insert, resolution not echoed",
                method: "POST",
                path: "/logs",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "resolution=merge-duplicates"),
                ],
                request_body: r#"{"msg":"hello","level":1}"#,
                status: 201,
                expect_headers: &[JSON, ("Preference-Applied", "return=representation")],
                body: r#"[{"msg":"hello","level":1}]"#,
                check: ("SELECT count(*) FROM logs", "1"),
            },
            // Error.hs: 21000 is 500 unless the message ends with "requires a WHERE clause"
            // (pg-safeupdate).
            WriteCase {
                name: "merge-duplicates with the same key twice in one payload: 21000 (500) and nothing kept",
                method: "POST",
                path: "/langs",
                headers: &[("Prefer", "resolution=merge-duplicates")],
                request_body: r#"[{"name":"Kotlin","rank":8},{"name":"Kotlin","rank":9}]"#,
                status: 500,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=21000")],
                body: r#"{"code":"21000","details":null,"hint":"Ensure that no rows proposed for insertion within the same command have duplicate constrained values.","message":"ON CONFLICT DO UPDATE command cannot affect row a second time"}"#,
                check: ("SELECT count(*) FROM langs WHERE name = 'Kotlin'", "0"),
            },
        ],
    );
}
