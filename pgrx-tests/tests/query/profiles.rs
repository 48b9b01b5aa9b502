use super::*;

/// `db_schemas = 'public,v2'`: `Accept-Profile`, `Content-Profile`, PGRST106, `db_extra_search_path`.
#[test]
fn schemas_and_profiles() {
    run_cases(
        schemas_cluster(),
        &[
            Case {
                name: "without Accept-Profile the first schema is used and named in Content-Profile",
                method: "GET",
                path: "/items?select=id,name&order=id&limit=2",
                headers: &[],
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/*"),
                    ("Content-Profile", "public"),
                ],
                body: concat!(
                    r#"[{"id":1,"name":"apple"}, "#,
                    "\n",
                    r#" {"id":2,"name":"banana"}]"#
                ),
            },
            Case {
                name: "Accept-Profile: public",
                method: "GET",
                path: "/items?select=id,name&order=id&limit=2",
                headers: &[("Accept-Profile", "public")],
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/*"),
                    ("Content-Profile", "public"),
                ],
                body: concat!(
                    r#"[{"id":1,"name":"apple"}, "#,
                    "\n",
                    r#" {"id":2,"name":"banana"}]"#
                ),
            },
            Case {
                name: "Accept-Profile: v2 reads v2.items",
                method: "GET",
                path: "/items?order=id",
                headers: &[("Accept-Profile", "v2")],
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/*"),
                    ("Content-Location", "/items?order=id"),
                    ("Content-Profile", "v2"),
                ],
                body: concat!(
                    r#"[{"id":10,"name":"v2 ten"}, "#,
                    "\n",
                    r#" {"id":20,"name":"v2 twenty"}]"#
                ),
            },
            Case {
                name: "HEAD with Accept-Profile: v2",
                method: "HEAD",
                path: "/items?order=id",
                headers: &[("Accept-Profile", "v2")],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*"), ("Content-Profile", "v2")],
                body: "",
            },
            Case {
                name: "a table only in v2",
                method: "GET",
                path: "/only_v2",
                headers: &[("Accept-Profile", "v2")],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*"), ("Content-Profile", "v2")],
                body: r#"[{"id":1}]"#,
            },
            Case {
                name: "a v2-only table is not found in the default schema",
                method: "GET",
                path: "/only_v2",
                headers: &[],
                status: 404,
                expect_headers: &[JSON],
                body: r#"{"code":"PGRST205","details":null,"hint":null,"message":"Could not find the table 'public.only_v2' in the schema cache"}"#,
            },
            Case {
                name: "filters, counts and csv work the same in v2",
                method: "GET",
                path: "/items?select=name&id=gt.10",
                headers: &[
                    ("Accept-Profile", "v2"),
                    ("Accept", "text/csv"),
                    ("Prefer", "count=exact"),
                ],
                status: 200,
                expect_headers: &[CSV, ("Content-Range", "0-0/1"), ("Content-Profile", "v2")],
                body: concat!("name", "\n", r#""v2 twenty""#),
            },
            Case {
                name: "PostgreSQL errors name the v2 table",
                method: "GET",
                path: "/items?select=nope",
                headers: &[("Accept-Profile", "v2")],
                status: 400,
                expect_headers: &[JSON],
                body: r#"{"code":"42703","details":null,"hint":"Perhaps you meant to reference the column \"items.name\".","message":"column items.nope does not exist"}"#,
            },
            // Since #4089 (13.0.x): message "Invalid schema: <name>", exposed schemas in the hint (before: "The schema must be one of the following: ...").
            Case {
                name: "an unknown profile is 406 PGRST106",
                method: "GET",
                path: "/items",
                headers: &[("Accept-Profile", "nope")],
                status: 406,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST106")],
                body: r#"{"code":"PGRST106","details":null,"hint":"Only the following schemas are exposed: public, v2","message":"Invalid schema: nope"}"#,
            },
            Case {
                name: "profiles are case sensitive",
                method: "GET",
                path: "/items",
                headers: &[("Accept-Profile", "V2")],
                status: 406,
                expect_headers: &[JSON],
                body: r#"{"code":"PGRST106","details":null,"hint":"Only the following schemas are exposed: public, v2","message":"Invalid schema: V2"}"#,
            },
            // ApiRequest: GET/HEAD take the profile from Accept-Profile; Content-Profile is for POST/PATCH/PUT/DELETE.
            Case {
                name: "Content-Profile does not select the schema of a GET",
                method: "GET",
                path: "/items?select=id&order=id&limit=1",
                headers: &[("Content-Profile", "v2")],
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Profile", "public"),
                ],
                body: r#"[{"id":1}]"#,
            },
            Case {
                name: "a type from db-extra-search-path resolves in a cast",
                method: "GET",
                path: "/items?select=name::shorty&order=id&limit=2",
                headers: &[],
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/*"),
                    ("Content-Profile", "public"),
                ],
                body: concat!(r#"[{"name":"apple"}, "#, "\n", r#" {"name":"banana"}]"#),
            },
            Case {
                name: "the extra search path also applies under another profile",
                method: "GET",
                path: "/items?select=name::shorty&order=id",
                headers: &[("Accept-Profile", "v2")],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*"), ("Content-Profile", "v2")],
                body: concat!(r#"[{"name":"v2 ten"}, "#, "\n", r#" {"name":"v2 twenty"}]"#),
            },
        ],
    );
}
