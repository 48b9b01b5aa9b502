//! GET and HEAD on tables and views, as PostgREST's documentation shows them: exact status,
//! the headers clients read, and exact body bytes.

use budgetbee_e2e::{Case, Cluster, ClusterBuilder, run_cases};
use std::sync::OnceLock;

const FIXTURE: &str = r#"
CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price numeric(6,2), tags text[], note text);
INSERT INTO items VALUES (1, 'apple', 0.50, '{fruit,red}', NULL),
                         (2, 'bread', 2.25, '{}', 'day-old'),
                         (3, 'cheese "brie"', 7.00, NULL, 'ünïcødé');
GRANT SELECT ON items TO anon;
CREATE TABLE secrets (id int);
CREATE VIEW nothing AS SELECT * FROM items WHERE false;
GRANT SELECT ON nothing TO anon;
CREATE VIEW boom AS SELECT 1/0 AS x;
GRANT SELECT ON boom TO anon;
CREATE TABLE "odd ""name""" (id int);
INSERT INTO "odd ""name""" VALUES (7);
GRANT SELECT ON "odd ""name""" TO anon;
"#;

fn cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| ClusterBuilder::new("read").pool(2).fixture(FIXTURE).start())
}

const JSON: (&str, &str) = ("Content-Type", "application/json; charset=utf-8");
const ERR: (&str, &str) = ("Content-Type", "application/json; charset=utf-8");

#[test]
fn get_and_errors_read_like_postgrest() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "all rows, all columns, in Postgres' own JSON",
                method: "GET",
                path: "/items",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"id":1,"name":"apple","price":0.50,"tags":["fruit","red"],"note":null}, "#,
                    "\n",
                    r#" {"id":2,"name":"bread","price":2.25,"tags":[],"note":"day-old"}, "#,
                    "\n",
                    r#" {"id":3,"name":"cheese \"brie\"","price":7.00,"tags":null,"note":"ünïcødé"}]"#
                ),
            },
            Case {
                name: "vertical filtering",
                method: "GET",
                path: "/items?select=name,id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"name":"apple","id":1}, "#,
                    "\n",
                    r#" {"name":"bread","id":2}, "#,
                    "\n",
                    r#" {"name":"cheese \"brie\"","id":3}]"#
                ),
            },
            Case {
                name: "limit and offset",
                method: "GET",
                path: "/items?select=id&limit=1&offset=1",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "1-1/*")],
                body: r#"[{"id":2}]"#,
            },
            Case {
                name: "limit=0 gives an empty page",
                method: "GET",
                path: "/items?limit=0",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "*/*")],
                body: "[]",
            },
            Case {
                name: "offset past the end",
                method: "GET",
                path: "/items?offset=10",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "*/*")],
                body: "[]",
            },
            Case {
                name: "empty view is []",
                method: "GET",
                path: "/nothing",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "*/*")],
                body: "[]",
            },
            // QuerySpec "empty root select" "gives all columns" (QueryBuilder's defSelect).
            Case {
                name: "empty select gives all columns",
                method: "GET",
                path: "/items?select=&limit=2",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: concat!(
                    r#"[{"id":1,"name":"apple","price":0.50,"tags":["fruit","red"],"note":null}, "#,
                    "\n",
                    r#" {"id":2,"name":"bread","price":2.25,"tags":[],"note":"day-old"}]"#
                ),
            },
            Case {
                name: "quoted identifiers in the path",
                method: "GET",
                path: "/odd%20%22name%22",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":7}]"#,
            },
            Case {
                name: "unknown table",
                method: "GET",
                path: "/nope",
                headers: &[],
                status: 404,
                expect_headers: &[ERR, ("Proxy-Status", "PostgREST; error=PGRST205")],
                body: r#"{"code":"PGRST205","details":null,"hint":null,"message":"Could not find the table 'public.nope' in the schema cache"}"#,
            },
            Case {
                name: "anonymous role without the grant",
                method: "GET",
                path: "/secrets",
                headers: &[],
                status: 401,
                expect_headers: &[ERR, ("WWW-Authenticate", "Bearer")],
                body: r#"{"code":"42501","details":null,"hint":null,"message":"permission denied for table secrets"}"#,
            },
            Case {
                name: "unknown column is Postgres' own error",
                method: "GET",
                path: "/items?select=nope",
                headers: &[],
                status: 400,
                expect_headers: &[ERR],
                body: r#"{"code":"42703","details":null,"hint":"Perhaps you meant to reference the column \"items.note\".","message":"column items.nope does not exist"}"#,
            },
            Case {
                name: "a failing view",
                method: "GET",
                path: "/boom",
                headers: &[],
                status: 400,
                expect_headers: &[ERR],
                body: r#"{"code":"22012","details":null,"hint":null,"message":"division by zero"}"#,
            },
            Case {
                name: "bad select",
                method: "GET",
                path: "/items?select=id,,name",
                headers: &[],
                status: 400,
                expect_headers: &[ERR, ("Proxy-Status", "PostgREST; error=PGRST100")],
                body: r#"{"code":"PGRST100","details":"unexpected \",\" expecting field name (* or [a..z0..9_$])","hint":null,"message":"\"failed to parse select parameter (id,,name)\" (line 1, column 4)"}"#,
            },
            // PostgREST v13 reads limit/offset with readMaybe: a non-number is ignored.
            Case {
                name: "non-numeric limit is ignored",
                method: "GET",
                path: "/items?select=id&limit=ten",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: "[{\"id\":1}, \n {\"id\":2}, \n {\"id\":3}]",
            },
            Case {
                name: "negative limit",
                method: "GET",
                path: "/items?limit=-1",
                headers: &[],
                status: 416,
                expect_headers: &[ERR],
                body: r#"{"code":"PGRST103","details":"Limit should be greater than or equal to zero.","hint":null,"message":"Requested range not satisfiable"}"#,
            },
            Case {
                name: "unknown method",
                method: "BREW",
                path: "/items",
                headers: &[],
                status: 405,
                expect_headers: &[ERR, ("Proxy-Status", "PostgREST; error=PGRST117")],
                body: r#"{"code":"PGRST117","details":null,"hint":null,"message":"Unsupported HTTP method: BREW"}"#,
            },
            Case {
                name: "nested path",
                method: "GET",
                path: "/items/1",
                headers: &[],
                status: 404,
                expect_headers: &[ERR],
                body: r#"{"code":"PGRST125","details":null,"hint":null,"message":"Invalid path specified in request URL"}"#,
            },
        ],
    );
}

#[test]
fn head_has_the_same_status_and_headers_and_no_body() {
    for path in ["/items?select=id&limit=2", "/nope", "/secrets"] {
        let get = cluster().request("GET", path, &[]);
        let head = cluster().request("HEAD", path, &[]);
        assert_eq!(head.status_line, get.status_line, "{path}");
        let strip = |h: &[(String, String)]| -> Vec<(String, String)> {
            h.iter()
                .filter(|(k, _)| {
                    !k.eq_ignore_ascii_case("date") && !k.eq_ignore_ascii_case("content-length")
                })
                .cloned()
                .collect()
        };
        assert_eq!(strip(&head.headers), strip(&get.headers), "{path}");
        assert!(head.body.is_empty());
    }
}

#[test]
fn status_lines_carry_standard_reason_phrases_and_title_case_headers() {
    let ok = cluster().get("/items?limit=1");
    assert_eq!(ok.status_line, "HTTP/1.1 200 OK");
    let names: Vec<&str> = ok.headers.iter().map(|(k, _)| k.as_str()).collect();
    assert!(
        names.contains(&"Content-Type") && names.contains(&"Content-Range"),
        "{names:?}"
    );
    assert_eq!(
        ok.header("Content-Length"),
        Some(ok.body.len().to_string().as_str())
    );
    assert_eq!(cluster().get("/nope").status_line, "HTTP/1.1 404 Not Found");
    assert_eq!(
        cluster().get("/secrets").status_line,
        "HTTP/1.1 401 Unauthorized"
    );
    assert_eq!(
        cluster().request("BREW", "/items", &[]).status_line,
        "HTTP/1.1 405 Method Not Allowed"
    );
}
