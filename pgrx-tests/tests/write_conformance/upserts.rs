//! Upserts and what they count as inserted: a partitioned table (its key, merges, rows moving
//! between partitions; its partitions are not resources), and PUT with a JSON array.

use super::*;

const NOT_FOUND_HINT: &str = r#"{"code":"PGRST205","details":null,"hint":"Perhaps you meant the table 'public.car_models'","message":"Could not find the table 'public.car_models_2021' in the schema cache"}"#;

/// A partitioned table is written like any table (its key, its upserts, rows moving between
/// partitions); its partitions are not resources.
#[test]
fn partitioned_tables() {
    run_write_cases(
        cluster(),
        &[
            // InsertSpec: "should not throw and return location header for partitioned tables
            // when selecting without PK".
            WriteCase {
                name: "POST return=headers-only: Location from the partitioned table's key",
                method: "POST",
                path: "/car_models",
                headers: &[("Prefer", "return=headers-only")],
                request_body: r#"{"name":"Enzo","year":2021}"#,
                status: 201,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Location", "/car_models?name=eq.Enzo&year=eq.2021"),
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=headers-only"),
                ],
                body: "",
                check: (
                    "SELECT tableoid::regclass FROM car_models WHERE name = 'Enzo'",
                    "car_models_2021",
                ),
            },
            // UpsertSpec "with PUT", "Inserting row": "succeeds on a partitioned table with
            // composite pk".
            WriteCase {
                name: "PUT a new row: 201",
                method: "PUT",
                path: "/car_models?name=eq.Supra&year=eq.2021",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"[ { "name": "Supra", "year": 2021 } ]"#,
                status: 201,
                expect_headers: &[JSON, ("Preference-Applied", "return=representation")],
                body: r#"[{"name":"Supra","year":2021,"car_brand_name":null}]"#,
                check: ("SELECT count(*) FROM car_models_2021", "2"),
            },
            // UpsertSpec "Updating row": "succeeds on a partitioned table with composite pk".
            WriteCase {
                name: "PUT an existing row: 200",
                method: "PUT",
                path: "/car_models?name=eq.DeLorean&year=eq.1981",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"[ { "name": "DeLorean", "year": 1981, "car_brand_name": null } ]"#,
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"name":"DeLorean","year":1981,"car_brand_name":null}]"#,
                check: (
                    "SELECT coalesce(car_brand_name, 'none') FROM car_models WHERE name = 'DeLorean'",
                    "none",
                ),
            },
            WriteCase {
                name: "merge-duplicates updating only: 200",
                method: "POST",
                path: "/car_models",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "resolution=merge-duplicates"),
                ],
                request_body: r#"[{"name":"Enzo","year":2021,"car_brand_name":"Ferrari"}]"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "*/*"),
                    (
                        "Preference-Applied",
                        "resolution=merge-duplicates, return=representation",
                    ),
                ],
                body: r#"[{"name":"Enzo","year":2021,"car_brand_name":"Ferrari"}]"#,
                check: (
                    "SELECT car_brand_name FROM car_models WHERE name = 'Enzo'",
                    "Ferrari",
                ),
            },
            WriteCase {
                name: "merge-duplicates inserting one row into another partition: 201",
                method: "POST",
                path: "/car_models",
                headers: &[("Prefer", "resolution=merge-duplicates")],
                request_body: r#"[{"name":"Enzo","year":2021,"car_brand_name":"Ferrari"},{"name":"Testarossa","year":1984,"car_brand_name":"Ferrari"}]"#,
                status: 201,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "resolution=merge-duplicates"),
                ],
                body: "",
                check: (
                    "SELECT tableoid::regclass FROM car_models WHERE name = 'Testarossa'",
                    "car_models_default",
                ),
            },
            WriteCase {
                name: "ignore-duplicates: only the new row is returned, 201",
                method: "POST",
                path: "/car_models",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "resolution=ignore-duplicates"),
                ],
                request_body: r#"[{"name":"Supra","year":2021},{"name":"Celica","year":1970}]"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    (
                        "Preference-Applied",
                        "resolution=ignore-duplicates, return=representation",
                    ),
                ],
                body: r#"[{"name":"Celica","year":1970,"car_brand_name":null}]"#,
                check: ("SELECT count(*) FROM car_models", "5"),
            },
            WriteCase {
                name: "PATCH moving a row to another partition",
                method: "PATCH",
                path: "/car_models?name=eq.Testarossa",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"year":2021}"#,
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"name":"Testarossa","year":2021,"car_brand_name":"Ferrari"}]"#,
                check: (
                    "SELECT tableoid::regclass FROM car_models WHERE name = 'Testarossa'",
                    "car_models_2021",
                ),
            },
            WriteCase {
                name: "DELETE one partition's rows, in the order asked",
                method: "DELETE",
                path: "/car_models?year=eq.2021&select=name&order=name.desc",
                headers: &[("Prefer", "return=representation")],
                request_body: "",
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "*/*")],
                body: concat!(
                    r#"[{"name":"Testarossa"}, "#,
                    "\n",
                    r#" {"name":"Supra"}, "#,
                    "\n",
                    r#" {"name":"Enzo"}]"#
                ),
                check: (
                    "SELECT string_agg(name, ',' ORDER BY name) FROM car_models",
                    "Celica,DeLorean",
                ),
            },
            WriteCase {
                name: "POST embedding the partitioned table's parent",
                method: "POST",
                path: "/car_models?select=name,year,car_brands(name)",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"name":"Corolla","year":2021,"car_brand_name":"Toyota"}"#,
                status: 201,
                expect_headers: &[JSON],
                body: r#"[{"name":"Corolla","year":2021,"car_brands":{"name": "Toyota"}}]"#,
                check: (
                    "SELECT tableoid::regclass FROM car_models WHERE name = 'Corolla'",
                    "car_models_2021",
                ),
            },
            WriteCase {
                name: "a partition is not a resource: GET is 404 PGRST205",
                method: "GET",
                path: "/car_models_2021",
                headers: &[],
                request_body: "",
                status: 404,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST205")],
                body: NOT_FOUND_HINT,
                check: ("", ""),
            },
            WriteCase {
                name: "a partition is not a resource: POST is 404 PGRST205, nothing inserted",
                method: "POST",
                path: "/car_models_2021",
                headers: &[],
                request_body: r#"{"name":"GR86","year":2021}"#,
                status: 404,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST205")],
                body: NOT_FOUND_HINT,
                check: ("SELECT count(*) FROM car_models", "3"),
            },
        ],
    );
}

/// PUT with a JSON array: only the elements carrying the URL's key are written, and exactly one
/// must be.
#[test]
fn put_with_arrays() {
    let mismatch = r#"{"code":"PGRST115","details":null,"hint":null,"message":"Payload values do not match URL in primary key column(s)"}"#;
    run_write_cases(
        cluster(),
        &[
            // UpsertSpec "Updating row": "succeeds if the payload has more than one row, but it
            // only puts the first element".
            WriteCase {
                name: "an array whose first element has the URL's key: that one is put",
                method: "PUT",
                path: "/tiobe_pls?name=eq.Java",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Accept", "application/vnd.pgrst.object+json"),
                ],
                request_body: r#"[ { "name": "Java", "rank": 19 }, { "name": "Swift", "rank": 12 } ]"#,
                status: 200,
                expect_headers: &[OBJECT, NO_CONTENT_RANGE],
                body: r#"{"name":"Java","rank":19}"#,
                check: (
                    "SELECT string_agg(name || '=' || rank, ',' ORDER BY name) FROM tiobe_pls",
                    "C=2,Java=19",
                ),
            },
            WriteCase {
                name: "an array whose second element has the URL's key: that one is put",
                method: "PUT",
                path: "/tiobe_pls?name=eq.C",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"[ { "name": "Go", "rank": 7 }, { "name": "C", "rank": 3 } ]"#,
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"name":"C","rank":3}]"#,
                check: (
                    "SELECT string_agg(name || '=' || rank, ',' ORDER BY name) FROM tiobe_pls",
                    "C=3,Java=19",
                ),
            },
            WriteCase {
                name: "an array of one new row: 201",
                method: "PUT",
                path: "/tiobe_pls?name=eq.Zig",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"[ { "name": "Zig", "rank": 40 } ]"#,
                status: 201,
                expect_headers: &[JSON],
                body: r#"[{"name":"Zig","rank":40}]"#,
                check: ("SELECT rank FROM tiobe_pls WHERE name = 'Zig'", "40"),
            },
            // An empty array has no keys, so pgrst_body has no column for the URL's filter.
            WriteCase {
                name: "an empty array: the key filter finds no column, 42703",
                method: "PUT",
                path: "/tiobe_pls?name=eq.Java",
                headers: &[],
                request_body: "[]",
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=42703")],
                body: r#"{"code":"42703","details":null,"hint":null,"message":"column pgrst_body.name does not exist"}"#,
                check: ("SELECT rank FROM tiobe_pls WHERE name = 'Java'", "19"),
            },
            WriteCase {
                name: "a body without the key column: 42703",
                method: "PUT",
                path: "/tiobe_pls?name=eq.Java",
                headers: &[],
                request_body: r#"{ "rank": 5 }"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=42703")],
                body: r#"{"code":"42703","details":null,"hint":null,"message":"column pgrst_body.name does not exist"}"#,
                check: ("SELECT rank FROM tiobe_pls WHERE name = 'Java'", "19"),
            },
            WriteCase {
                name: "an array without the URL's key: PGRST115, nothing written",
                method: "PUT",
                path: "/tiobe_pls?name=eq.Java",
                headers: &[],
                request_body: r#"[ { "name": "Rust", "rank": 14 }, { "name": "Ruby", "rank": 11 } ]"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST115")],
                body: mismatch,
                check: ("SELECT count(*) FROM tiobe_pls", "3"),
            },
            WriteCase {
                name: "two elements with the URL's key: the upsert hits its row twice, 21000",
                method: "PUT",
                path: "/tiobe_pls?name=eq.Java",
                headers: &[],
                request_body: r#"[ { "name": "Java", "rank": 5 }, { "name": "Java", "rank": 6 } ]"#,
                status: 500,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=21000")],
                body: r#"{"code":"21000","details":null,"hint":"Ensure that no rows proposed for insertion within the same command have duplicate constrained values.","message":"ON CONFLICT DO UPDATE command cannot affect row a second time"}"#,
                check: ("SELECT rank FROM tiobe_pls WHERE name = 'Java'", "19"),
            },
            // The URL's value is a parameter PostgreSQL reads as the column's type.
            WriteCase {
                name: "the key is compared as the column's type: eq.010 is 10",
                method: "PUT",
                path: "/only_pk?id=eq.010",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{ "id": 10 }"#,
                status: 201,
                expect_headers: &[JSON],
                body: r#"[{"id":10}]"#,
                check: ("SELECT id FROM only_pk", "10"),
            },
            WriteCase {
                name: "the same row put again: 200",
                method: "PUT",
                path: "/only_pk?id=eq.10",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"[ { "id": 10 } ]"#,
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":10}]"#,
                check: ("SELECT count(*) FROM only_pk", "1"),
            },
        ],
    );
}
