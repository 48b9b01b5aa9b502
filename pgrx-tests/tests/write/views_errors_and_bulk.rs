use super::*;

/// Writes through auto-updatable views (and what PostgreSQL says when a view is not one).
#[test]
fn writes_through_views() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "POST through an auto-updatable view",
                method: "POST",
                path: "/active_people",
                headers: &[],
                request_body: r#"{"id":3,"name":"Cy"}"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE],
                body: "",
                check: (
                    "SELECT id, name, active, secret FROM people ORDER BY id",
                    concat!("1|Ann|t|s1", "\n", "2|Bob|f|s2", "\n", "3|Cy|t|hidden"),
                ),
            },
            // InsertSpec "returns a location header with a composite PK col"
            // (compound_pk_view): views inherit their base table's key.
            WriteCase {
                name: "return=headers-only through a view: Location from the base table key",
                method: "POST",
                path: "/active_people",
                headers: &[("Prefer", "return=headers-only")],
                request_body: r#"{"id":4,"name":"Di"}"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE, ("Location", "/active_people?id=eq.4")],
                body: "",
                check: ("", ""),
            },
            WriteCase {
                name: "PATCH through a view",
                method: "PATCH",
                path: "/active_people?id=eq.3",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"name":"Cyd"}"#,
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"id":3,"name":"Cyd","active":true}]"#,
                check: ("SELECT name FROM people WHERE id = 3", "Cyd"),
            },
            WriteCase {
                name: "PATCH through a view does not reach rows the view hides",
                method: "PATCH",
                path: "/active_people?id=eq.2",
                headers: &[],
                request_body: r#"{"name":"Robert"}"#,
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Range", "*/*")],
                body: "",
                check: ("SELECT name FROM people WHERE id = 2", "Bob"),
            },
            WriteCase {
                name: "DELETE through a view",
                method: "DELETE",
                path: "/active_people?id=eq.4",
                headers: &[("Prefer", "return=representation")],
                request_body: "",
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":4,"name":"Di","active":true}]"#,
                check: (
                    "SELECT string_agg(id::text, ',' ORDER BY id) FROM people",
                    "1,2,3",
                ),
            },
            WriteCase {
                name: "WITH CHECK OPTION: 44000 (400)",
                method: "POST",
                path: "/checked_people",
                headers: &[],
                request_body: r#"{"id":5,"name":"Ed","active":false}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=44000")],
                body: r#"{"code":"44000","details":"Failing row contains (5, Ed, f, hidden).","hint":null,"message":"new row violates check option for view \"checked_people\""}"#,
                check: ("SELECT count(*) FROM people WHERE id = 5", "0"),
            },
            WriteCase {
                name: "WITH CHECK OPTION passes: base table defaults apply",
                method: "POST",
                path: "/checked_people",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"id":5,"name":"Ed"}"#,
                status: 201,
                expect_headers: &[JSON],
                body: r#"[{"id":5,"name":"Ed","active":true}]"#,
                check: (
                    "SELECT id, name, active, secret FROM people WHERE id = 5",
                    "5|Ed|t|hidden",
                ),
            },
            // Error.hs: 55* is 500.
            WriteCase {
                name: "POST to a view that is not updatable: 55000 is 500",
                method: "POST",
                path: "/people_count",
                headers: &[],
                request_body: r#"{"n":1}"#,
                status: 500,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=55000")],
                body: r#"{"code":"55000","details":"Views that return aggregate functions are not automatically updatable.","hint":"To enable inserting into the view, provide an INSTEAD OF INSERT trigger or an unconditional ON INSERT DO INSTEAD rule.","message":"cannot insert into view \"people_count\""}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "DELETE from a view that is not updatable: 55000 is 500",
                method: "DELETE",
                path: "/people_count",
                headers: &[],
                request_body: "",
                status: 500,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=55000")],
                body: r#"{"code":"55000","details":"Views that return aggregate functions are not automatically updatable.","hint":"To enable deleting from the view, provide an INSTEAD OF DELETE trigger or an unconditional ON DELETE DO INSTEAD rule.","message":"cannot delete from view \"people_count\""}"#,
                check: ("SELECT count(*) FROM people", "4"),
            },
        ],
    );
}

/// SQLSTATEs not covered above: 42501 as anon (401 + `WWW-Authenticate: Bearer`) and 25006 (405).
#[test]
fn postgres_errors_map_to_statuses() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "POST without the INSERT privilege as anon: 42501 is 401",
                method: "POST",
                path: "/readonly_things",
                headers: &[],
                request_body: r#"{"id":2,"name":"new"}"#,
                status: 401,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=42501"),
                    ("WWW-Authenticate", "Bearer"),
                ],
                body: r#"{"code":"42501","details":null,"hint":null,"message":"permission denied for table readonly_things"}"#,
                check: ("SELECT count(*) FROM readonly_things", "1"),
            },
            WriteCase {
                name: "PATCH without the UPDATE privilege: 401",
                method: "PATCH",
                path: "/readonly_things?id=eq.1",
                headers: &[],
                request_body: r#"{"name":"changed"}"#,
                status: 401,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=42501"),
                    ("WWW-Authenticate", "Bearer"),
                ],
                body: r#"{"code":"42501","details":null,"hint":null,"message":"permission denied for table readonly_things"}"#,
                check: ("SELECT name FROM readonly_things", "fixed"),
            },
            WriteCase {
                name: "DELETE without the DELETE privilege: 401",
                method: "DELETE",
                path: "/readonly_things?id=eq.1",
                headers: &[],
                request_body: "",
                status: 401,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=42501"),
                    ("WWW-Authenticate", "Bearer"),
                ],
                body: r#"{"code":"42501","details":null,"hint":null,"message":"permission denied for table readonly_things"}"#,
                check: ("SELECT count(*) FROM readonly_things", "1"),
            },
            WriteCase {
                name: "PUT without the INSERT privilege: 401",
                method: "PUT",
                path: "/readonly_things?id=eq.1",
                headers: &[],
                request_body: r#"{"id":1,"name":"changed"}"#,
                status: 401,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=42501"),
                    ("WWW-Authenticate", "Bearer"),
                ],
                body: r#"{"code":"42501","details":null,"hint":null,"message":"permission denied for table readonly_things"}"#,
                check: ("SELECT name FROM readonly_things", "fixed"),
            },
            // GET runs READ ONLY (Query.hs planTxMode); Error.hs: 25006 is 405.
            WriteCase {
                name: "GET of a view whose function writes: 25006 is 405",
                method: "GET",
                path: "/hit_counter",
                headers: &[],
                request_body: "",
                status: 405,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=25006")],
                body: r#"{"code":"25006","details":null,"hint":null,"message":"cannot execute INSERT in a read-only transaction"}"#,
                check: ("SELECT count(*) FROM hits", "0"),
            },
        ],
    );
}

/// `db_tx_end = commit` (the default): `Prefer: tx=` is neither honoured nor echoed, but is a known
/// preference for `handling=strict` (`Preferences.hs` `fromHeaders`: tx only parsed when overrides
/// are allowed; `acceptedPrefs` always lists it). A deferred constraint fails at COMMIT: 409.
#[test]
fn tx_end_commit_ignores_prefer_tx() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "tx=rollback is ignored: the row is kept, tx not echoed",
                method: "POST",
                path: "/tx_items",
                headers: &[("Prefer", "return=representation, tx=rollback")],
                request_body: r#"{"id":2,"v":"two"}"#,
                status: 201,
                expect_headers: &[JSON, ("Preference-Applied", "return=representation")],
                body: r#"[{"id":2,"v":"two"}]"#,
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=seed,2=two",
                ),
            },
            WriteCase {
                name: "tx=commit is not echoed either",
                method: "POST",
                path: "/tx_items",
                headers: &[("Prefer", "tx=commit")],
                request_body: r#"{"id":3,"v":"three"}"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE, NO_PREFERENCE_APPLIED],
                body: "",
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=seed,2=two,3=three",
                ),
            },
            WriteCase {
                name: "tx= is a known preference under handling=strict",
                method: "POST",
                path: "/tx_items",
                headers: &[("Prefer", "handling=strict, tx=rollback")],
                request_body: r#"{"id":4,"v":"four"}"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE, ("Preference-Applied", "handling=strict")],
                body: "",
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=seed,2=two,3=three,4=four",
                ),
            },
            WriteCase {
                name: "PATCH with tx=rollback is kept",
                method: "PATCH",
                path: "/tx_items?id=eq.1",
                headers: &[("Prefer", "tx=rollback")],
                request_body: r#"{"v":"changed"}"#,
                status: 204,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "0-0/*"),
                    NO_PREFERENCE_APPLIED,
                ],
                body: "",
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=changed,2=two,3=three,4=four",
                ),
            },
            WriteCase {
                name: "DELETE with tx=rollback is kept",
                method: "DELETE",
                path: "/tx_items?id=eq.4",
                headers: &[("Prefer", "tx=rollback")],
                request_body: "",
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, NO_PREFERENCE_APPLIED],
                body: "",
                check: (
                    "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM tx_items",
                    "1=changed,2=two,3=three",
                ),
            },
            WriteCase {
                name: "a deferred unique violation surfaces at COMMIT: 409",
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
                name: "a deferred constraint that holds commits",
                method: "POST",
                path: "/tx_codes",
                headers: &[],
                request_body: r#"{"code":"fresh"}"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE],
                body: "",
                check: (
                    "SELECT string_agg(code, ',' ORDER BY code) FROM tx_codes",
                    "fresh,taken",
                ),
            },
        ],
    );
}

/// `[{"id":1,"name":"row 1","qty":1}, ...]` for ids 1..=n; `qty` is `id % 7`, or -1 (which breaks
/// `CHECK (qty >= 0)`) for `bad`.
fn bulk_atomic_rows(n: u32, bad: Option<u32>) -> String {
    let rows: Vec<String> = (1..=n)
        .map(|i| {
            let qty = if Some(i) == bad { -1 } else { (i % 7) as i64 };
            format!(r#"{{"id":{i},"name":"row {i}","qty":{qty}}}"#)
        })
        .collect();
    format!("[{}]", rows.join(","))
}

/// One request is one transaction: a 600-object array whose 500th object violates a CHECK
/// inserts nothing; the fixed array inserts all 600; a PATCH of all of them over `max-affected`
/// changes none.
#[test]
fn bulk_insert_is_all_or_nothing() {
    let failing = bulk_atomic_rows(600, Some(500));
    let good = bulk_atomic_rows(600, None);
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "600 objects, the 500th breaks a CHECK: 400 and not one row kept",
                method: "POST",
                path: "/bulk_atomic",
                headers: &[],
                request_body: &failing,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=23514")],
                body: r#"{"code":"23514","details":"Failing row contains (500, row 500, -1).","hint":null,"message":"new row for relation \"bulk_atomic\" violates check constraint \"bulk_atomic_qty_check\""}"#,
                check: ("SELECT count(*) FROM bulk_atomic", "0"),
            },
            WriteCase {
                name: "the same 600 objects with the 500th fixed: 201, all kept",
                method: "POST",
                path: "/bulk_atomic",
                headers: &[("Prefer", "count=exact")],
                request_body: &good,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Range", "*/600")],
                body: "",
                check: (
                    "SELECT count(*), sum(qty), count(*) FILTER (WHERE qty = 0) FROM bulk_atomic",
                    "600|1800|85",
                ),
            },
            WriteCase {
                name: "a PATCH of all 600 over max-affected=599: PGRST124, none changed",
                method: "PATCH",
                path: "/bulk_atomic",
                headers: &[("Prefer", "handling=strict, max-affected=599")],
                request_body: r#"{"qty":0}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST124")],
                body: r#"{"code":"PGRST124","details":"The query affects 600 rows","hint":null,"message":"Query result exceeds max-affected preference constraint"}"#,
                check: (
                    "SELECT count(*), sum(qty), count(*) FILTER (WHERE qty = 0) FROM bulk_atomic",
                    "600|1800|85",
                ),
            },
            WriteCase {
                name: "a duplicate key among 600 upserted rows: 500 (21000), none changed",
                method: "POST",
                path: "/bulk_atomic",
                headers: &[("Prefer", "resolution=merge-duplicates")],
                request_body: r#"[{"id":1,"name":"one","qty":9},{"id":601,"name":"new","qty":9},{"id":1,"name":"again","qty":9}]"#,
                status: 500,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=21000")],
                body: r#"{"code":"21000","details":null,"hint":"Ensure that no rows proposed for insertion within the same command have duplicate constrained values.","message":"ON CONFLICT DO UPDATE command cannot affect row a second time"}"#,
                check: (
                    "SELECT count(*), sum(qty), count(*) FILTER (WHERE qty = 0) FROM bulk_atomic",
                    "600|1800|85",
                ),
            },
        ],
    );
}

/// 10,000 objects in one JSON array (as postgrest-js sends a bulk `insert`) against `COPY` of the
/// same rows from a server-side CSV file. Both durations are printed; nothing is asserted about
/// them. (The body is ~0.6 MB: ASSUMPTION that budgetbee's default `server_max_body_bytes`
/// allows it; PostgREST has no such limit.)
#[test]
fn ten_thousand_rows_in_one_request() {
    let c = cluster();
    let n = 10_000;
    let row = |i: u32| {
        (
            format!("row {i}"),
            format!("{}.{:02}", i * 3, i % 100),
            format!("2024-{:02}-{:02}", i % 12 + 1, i % 28 + 1),
        )
    };
    let json: Vec<String> = (1..=n)
        .map(|i| {
            let (name, amount, created) = row(i);
            format!(r#"{{"id":{i},"name":"{name}","amount":{amount},"created":"{created}"}}"#)
        })
        .collect();
    let json = format!("[{}]", json.join(","));
    let csv: String = (1..=n)
        .map(|i| {
            let (name, amount, created) = row(i);
            format!("{i},{name},{amount},{created}\n")
        })
        .collect();

    let t = Instant::now();
    let r = Conn::open(c.http_port).send_body("POST", "/bulk_rows", &[], Some(json.as_bytes()));
    let http = t.elapsed();
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.header("Content-Range"), Some("*/*"));
    assert_eq!(c.psql("SELECT count(*) FROM bulk_rows"), "10000");

    // The cluster directory belongs to the postgres OS user; the file must be readable by it.
    let file = c.dir.join("bulk_copy.csv");
    std::fs::write(&file, &csv).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let t = Instant::now();
    c.psql(&format!(
        "COPY bulk_copy FROM '{}' WITH (FORMAT csv)",
        file.display()
    ));
    let copy = t.elapsed();
    let t = Instant::now();
    c.psql("SELECT 1");
    let psql_alone = t.elapsed();
    assert_eq!(c.psql("SELECT count(*) FROM bulk_copy"), "10000");
    assert_eq!(
        c.psql("SELECT count(*) FROM (SELECT * FROM bulk_rows EXCEPT SELECT * FROM bulk_copy) d"),
        "0",
        "the HTTP insert and COPY stored different rows"
    );
    eprintln!(
        "10,000 rows: POST /bulk_rows ({} bytes of JSON) took {http:?}; \
         COPY bulk_copy FROM a CSV file through psql took {copy:?} (psql alone: {psql_alone:?})",
        json.len()
    );
}
