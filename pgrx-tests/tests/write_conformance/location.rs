//! The `Location` header of a row inserted through a view with `return=headers-only`.

use super::*;

/// `Location` after a POST through views: composite keys, keys of two tables, a null key
/// column, the row's column order, and values as PostgreSQL prints them.
#[test]
fn location_through_views() {
    let headers_only = &[("Prefer", "return=headers-only")][..];
    run_write_cases(
        cluster(),
        &[
            // InsertSpec "Inserting into VIEWs": "returns a location header with a composite
            // PK col".
            WriteCase {
                name: "a view of a table with a composite key",
                method: "POST",
                path: "/compound_pk_view",
                headers: headers_only,
                request_body: r#"{"k1":1,"k2":"test","extra":2}"#,
                status: 201,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Location", "/compound_pk_view?k1=eq.1&k2=eq.test"),
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=headers-only"),
                ],
                body: "",
                check: ("SELECT count(*) FROM compound_pk", "1"),
            },
            // InsertSpec: "returns a location header with pks from both tables".
            WriteCase {
                name: "a view joining two tables has both keys",
                method: "POST",
                path: "/with_multiple_pks",
                headers: headers_only,
                request_body: r#"{"pk1":1,"pk2":2}"#,
                status: 201,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Location", "/with_multiple_pks?pk1=eq.1&pk2=eq.2"),
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=headers-only"),
                ],
                body: "",
                check: (
                    "SELECT (SELECT pk1 FROM with_pk1) || ',' || (SELECT pk2 FROM with_pk2)",
                    "1,2",
                ),
            },
            // InsertSpec: "should not throw and return location header when a PK is null".
            WriteCase {
                name: "a key column that is null: is.null",
                method: "POST",
                path: "/test_null_pk_competitors_sponsors",
                headers: headers_only,
                request_body: r#"{"id":1}"#,
                status: 201,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    (
                        "Location",
                        "/test_null_pk_competitors_sponsors?id=eq.1&sponsor_id=is.null",
                    ),
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=headers-only"),
                ],
                body: "",
                check: (
                    "SELECT full_name FROM competitors",
                    "Competitor without sponsor",
                ),
            },
            // locationF: the key columns in the order the returned row has them (the view's).
            WriteCase {
                name: "the key in the view's column order",
                method: "POST",
                path: "/compound_pk_rev",
                headers: headers_only,
                request_body: r#"{"k1":2,"k2":"b","extra":3}"#,
                status: 201,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Location", "/compound_pk_rev?k2=eq.b&k1=eq.2"),
                ],
                body: "",
                check: ("SELECT count(*) FROM compound_pk", "2"),
            },
            // inferColsEmbedNeeds: with select= the RETURNING is a sorted set of names.
            WriteCase {
                name: "with select= the returned columns are sorted by name",
                method: "POST",
                path: "/compound_pk_rev?select=extra",
                headers: headers_only,
                request_body: r#"{"k1":3,"k2":"c d","extra":4}"#,
                status: 201,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Location", "/compound_pk_rev?k1=eq.3&k2=eq.c%20d"),
                ],
                body: "",
                check: ("SELECT count(*) FROM compound_pk", "3"),
            },
            WriteCase {
                name: "with two rows there is no Location",
                method: "POST",
                path: "/compound_pk_view",
                headers: headers_only,
                request_body: r#"[{"k1":4,"k2":"e","extra":5},{"k1":5,"k2":"f","extra":6}]"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE, NO_LOCATION],
                body: "",
                check: ("SELECT count(*) FROM compound_pk", "5"),
            },
            // json_each_text gives a numeric as PostgreSQL prints it.
            WriteCase {
                name: "a numeric key as PostgreSQL prints it",
                method: "POST",
                path: "/prices",
                headers: headers_only,
                request_body: r#"{"amount":12.5,"label":"x"}"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE, ("Location", "/prices?amount=eq.12.50")],
                body: "",
                check: ("SELECT amount FROM prices", "12.50"),
            },
            // addConfigPgrstInserted counts through a view as through a table.
            WriteCase {
                name: "merge-duplicates through a view onto an existing row: 200",
                method: "POST",
                path: "/compound_pk_view",
                headers: &[("Prefer", "resolution=merge-duplicates")],
                request_body: r#"{"k1":1,"k2":"test","extra":9}"#,
                status: 200,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    NO_LOCATION,
                    ("Preference-Applied", "resolution=merge-duplicates"),
                ],
                body: "",
                check: ("SELECT extra FROM compound_pk WHERE k1 = 1", "9"),
            },
            WriteCase {
                name: "merge-duplicates through a view inserting a row: 201",
                method: "POST",
                path: "/compound_pk_view",
                headers: &[("Prefer", "resolution=merge-duplicates")],
                request_body: r#"[{"k1":1,"k2":"test","extra":10},{"k1":6,"k2":"g","extra":7}]"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE],
                body: "",
                check: ("SELECT count(*) FROM compound_pk", "6"),
            },
            WriteCase {
                name: "return=representation sends no Location",
                method: "POST",
                path: "/prices",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"amount":1,"label":"y"}"#,
                status: 201,
                expect_headers: &[JSON, NO_LOCATION],
                body: r#"[{"amount":1.00,"label":"y"}]"#,
                check: ("SELECT count(*) FROM prices", "2"),
            },
        ],
    );
}
