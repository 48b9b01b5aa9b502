//! Media type handlers defined in SQL, as PostgREST v13 serves them
//! (`docs/references/api/media_type_handlers.rst`, `test/spec/Feature/Query/CustomMediaSpec.hs`,
//! negotiation in `Plan.hs` `negotiateContent`, bodies in `SqlFragment.hs` `customFuncF`): a
//! domain named like a media type, returned by an aggregate (of one relation's rows or of
//! `anyelement`) or by a function, answers requests accepting that type, for tables, views and
//! functions; it may override the built-in JSON and CSV handlers; the answer's `Content-Type`
//! is the handler's. PostgREST reads the body in binary, so a jsonb handler's body starts with
//! jsonb's version byte (the spec's "SOH" cases). The fixture is CustomMediaSpec's, without
//! PostGIS (not installed for PG17 here): the twkb and GeoJSON handlers become bytea and jsonb
//! ones over plain columns.

use budgetbee_e2e::{
    ABSENT, Case, Cluster, ClusterBuilder, Conn, WriteCase, run_cases, run_write_cases,
};
use std::sync::OnceLock;

const FIXTURE: &str = r#"
CREATE TABLE clients (id int PRIMARY KEY, name text);
INSERT INTO clients VALUES (1, 'Microsoft'), (2, 'Apple');
CREATE TABLE projects (id int PRIMARY KEY, name text, client_id int REFERENCES clients(id));
INSERT INTO projects VALUES (1, 'Windows 7', 1), (2, 'Windows 10', 1), (3, 'IOS', 2);
CREATE TABLE items (id int PRIMARY KEY);
INSERT INTO items SELECT generate_series(1, 3);
CREATE FUNCTION always_true(items) RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT true $$;

-- "lines" without PostGIS: a bytea column stands for the geometry's TWKB.
CREATE TABLE lines (id int PRIMARY KEY, name text, twkb bytea);
INSERT INTO lines VALUES (1, 'line-1', '\x0102'), (2, 'line-2', '\x0304');
CREATE DOMAIN "application/vnd.twkb" AS bytea;
CREATE FUNCTION twkb_handler_transition(state "application/vnd.twkb", next lines)
RETURNS "application/vnd.twkb" LANGUAGE sql AS $$ SELECT (state || next.twkb)::"application/vnd.twkb" $$;
CREATE AGGREGATE twkb_agg(lines) (initcond = '', stype = "application/vnd.twkb", sfunc = twkb_handler_transition);
CREATE FUNCTION get_lines() RETURNS SETOF lines LANGUAGE sql STABLE AS $$ SELECT * FROM lines $$;
CREATE FUNCTION get_line(id int) RETURNS "application/vnd.twkb" LANGUAGE sql STABLE AS
$$ SELECT twkb::"application/vnd.twkb" FROM lines WHERE id = get_line.id $$;

-- A CSV override with a byte order mark and a Content-Disposition (the docs' bom_csv_agg).
CREATE DOMAIN "text/csv" AS text;
CREATE FUNCTION bom_csv_trans(state text, next lines) RETURNS "text/csv" LANGUAGE sql AS
$$ SELECT (state || next.id::text || ',' || next.name || E'\n')::"text/csv" $$;
CREATE FUNCTION bom_csv_final(data "text/csv") RETURNS "text/csv" LANGUAGE sql AS $$
  SELECT set_config('response.headers', '[{"Content-Disposition": "attachment; filename=\"lines.csv\""}]', true);
  SELECT (convert_from(decode('EFBBBF', 'hex'), 'UTF8') || (E'id,name\n' || data))::"text/csv";
$$;
CREATE AGGREGATE bom_csv_agg(lines) (initcond = '', stype = "text/csv", sfunc = bom_csv_trans, finalfunc = bom_csv_final);

-- text/xml from an aggregate of a table's rows.
CREATE TABLE xmltest (id int PRIMARY KEY, xml xml);
INSERT INTO xmltest VALUES (1, '<myxml>foo</myxml>'), (2, 'bar'), (3, '<foobar><baz/></foobar>');
CREATE DOMAIN "text/xml" AS xml;
CREATE FUNCTION xml_trans(state "text/xml", next xmltest) RETURNS "text/xml" LANGUAGE sql AS
$$ SELECT xmlconcat(state, next.xml)::"text/xml" $$;
CREATE AGGREGATE xml_agg(xmltest) (stype = "text/xml", sfunc = xml_trans);

-- An anyelement handler over jsonb, and a more specific one for one table.
CREATE TABLE shop_bles (id int PRIMARY KEY, name text);
INSERT INTO shop_bles VALUES (1, 'a');
CREATE DOMAIN "application/vnd.geo2+json" AS jsonb;
CREATE FUNCTION geo2json_trans(state "application/vnd.geo2+json", next anyelement)
RETURNS "application/vnd.geo2+json" LANGUAGE sql AS $$ SELECT (state || to_jsonb(next))::"application/vnd.geo2+json" $$;
CREATE FUNCTION geo2json_final(data "application/vnd.geo2+json") RETURNS "application/vnd.geo2+json" LANGUAGE sql AS
$$ SELECT jsonb_build_object('type', 'FeatureCollection', 'hello', 'world')::"application/vnd.geo2+json" $$;
CREATE AGGREGATE geo2json_agg_any(anyelement) (initcond = '[]', stype = "application/vnd.geo2+json",
  sfunc = geo2json_trans, finalfunc = geo2json_final);
CREATE FUNCTION geo2json_trans(state "application/vnd.geo2+json", next shop_bles)
RETURNS "application/vnd.geo2+json" LANGUAGE sql AS $$ SELECT '"anyelement overridden"'::"application/vnd.geo2+json" $$;
CREATE AGGREGATE geo2json_agg(shop_bles) (initcond = '[]', stype = "application/vnd.geo2+json", sfunc = geo2json_trans);
CREATE FUNCTION get_shop_bles() RETURNS SETOF shop_bles LANGUAGE sql STABLE AS $$ SELECT * FROM shop_bles $$;

-- Overriding application/json for one table.
CREATE TABLE ov_json ();
CREATE DOMAIN "application/json" AS json;
CREATE FUNCTION ov_json_trans(state "application/json", next ov_json) RETURNS "application/json"
LANGUAGE sql AS $$ SELECT null::"application/json" $$;
CREATE AGGREGATE ov_json_agg(ov_json) (initcond = '{"overridden": "true"}', stype = "application/json", sfunc = ov_json_trans);

-- The vendor types are not overridden.
CREATE DOMAIN "application/vnd.pgrst.object" AS json;
CREATE FUNCTION pgrst_obj_json_trans(state "application/vnd.pgrst.object", next anyelement)
RETURNS "application/vnd.pgrst.object" LANGUAGE sql AS $$ SELECT null::"application/vnd.pgrst.object" $$;
CREATE AGGREGATE pgrst_obj_agg(anyelement) (initcond = '{"overridden": "true"}',
  stype = "application/vnd.pgrst.object", sfunc = pgrst_obj_json_trans);

-- text/tab-separated-values for projects.
CREATE DOMAIN "text/tab-separated-values" AS text;
CREATE FUNCTION tsv_trans(state text, next projects) RETURNS "text/tab-separated-values" LANGUAGE sql AS
$$ SELECT (state || next.id::text || E'\t' || next.name || E'\t' || coalesce(next.client_id::text, '') || E'\n')::"text/tab-separated-values" $$;
CREATE FUNCTION tsv_final(data "text/tab-separated-values") RETURNS "text/tab-separated-values" LANGUAGE sql AS
$$ SELECT (E'id\tname\tclient_id\n' || data)::"text/tab-separated-values" $$;
CREATE AGGREGATE tsv_agg(projects) (initcond = '', stype = "text/tab-separated-values", sfunc = tsv_trans, finalfunc = tsv_final);

-- pg/outfunc: any rows as their record text.
CREATE DOMAIN "pg/outfunc" AS text;
CREATE FUNCTION outfunc_trans(state text, next anyelement) RETURNS "pg/outfunc" LANGUAGE sql AS
$$ SELECT (state || next::text || E'\n')::"pg/outfunc" $$;
CREATE AGGREGATE outfunc_agg(anyelement) (initcond = '', stype = "pg/outfunc", sfunc = outfunc_trans);

-- Functions returning a media type.
CREATE DOMAIN "text/plain" AS text;
CREATE DOMAIN "text/html" AS text;
CREATE DOMAIN "image/png" AS bytea;
CREATE FUNCTION welcome() RETURNS "text/plain" LANGUAGE sql STABLE AS $$ SELECT 'Welcome to PostgREST' $$;
CREATE FUNCTION "welcome.html"() RETURNS "text/html" LANGUAGE sql STABLE AS
$$ SELECT '<html><body><h1>Welcome to PostgREST</h1></body></html>' $$;
CREATE FUNCTION return_scalar_xml() RETURNS "text/xml" LANGUAGE sql STABLE AS $$ SELECT '<my-xml-tag/>'::xml $$;
CREATE FUNCTION welcome_twice() RETURNS SETOF "text/plain" LANGUAGE sql STABLE AS
$$ SELECT 'Welcome to PostgREST' UNION ALL SELECT 'Welcome to PostgREST' $$;
CREATE FUNCTION ret_image() RETURNS "image/png" LANGUAGE sql STABLE AS $$ SELECT '\x89504e470d0a1a0a00ff'::bytea $$;

-- "*/*": any media type.
CREATE DOMAIN "*/*" AS bytea;
CREATE FUNCTION ret_any_mt() RETURNS "*/*" LANGUAGE sql STABLE AS $$ SELECT 'any'::"*/*" $$;
CREATE FUNCTION ret_some_mt() RETURNS "*/*" LANGUAGE plpgsql STABLE AS $$
DECLARE
  req_accept text := current_setting('request.headers', true)::json->>'accept';
  resp bytea;
BEGIN
  CASE req_accept
    WHEN 'app/chico' THEN
      PERFORM set_config('response.headers', json_build_array(json_build_object('Content-Type', req_accept))::text, true);
      resp := 'chico';
    WHEN '*/*' THEN
      PERFORM set_config('response.headers', json_build_array(json_build_object('Content-Type', 'app/groucho'))::text, true);
      resp := 'groucho';
    ELSE
      RAISE SQLSTATE 'PT406' USING message = 'Not Acceptable';
  END CASE;
  RETURN resp;
END $$;
CREATE TABLE some_numbers AS SELECT x::int AS val FROM generate_series(1, 10) x;
CREATE FUNCTION some_trans(state "*/*", next some_numbers) RETURNS "*/*" LANGUAGE sql AS
$$ SELECT (state || E'\n' || next.val::text::bytea)::"*/*" $$;
CREATE FUNCTION some_final(data "*/*") RETURNS "*/*" LANGUAGE plpgsql AS $$
DECLARE
  req_accept text := current_setting('request.headers', true)::json->>'accept';
  prefix bytea;
BEGIN
  CASE req_accept
    WHEN 'magic/number' THEN
      PERFORM set_config('response.headers', json_build_array(json_build_object('Content-Type', req_accept))::text, true);
      prefix := 'magic';
    ELSE
      prefix := 'anything';
  END CASE;
  RETURN (prefix || data)::"*/*";
END $$;
CREATE AGGREGATE some_agg(some_numbers) (initcond = '', stype = "*/*", sfunc = some_trans, finalfunc = some_final);

GRANT SELECT ON ALL TABLES IN SCHEMA public TO anon;
GRANT INSERT ON projects TO anon;
"#;

fn cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("media-handlers")
            .pool(2)
            .fixture(FIXTURE)
            .start()
    })
}

const JSON: (&str, &str) = ("Content-Type", "application/json; charset=utf-8");

fn accept(mt: &str) -> [(&str, &str); 1] {
    [("Accept", mt)]
}

#[test]
fn aggregates_for_tables_views_and_functions() {
    run_cases(
        cluster(),
        &[
            // CustomMediaSpec "can query by id if there's an aggregate defined for the table".
            Case {
                name: "a table's aggregate answers its media type",
                method: "GET",
                path: "/projects?id=in.(1,2)",
                headers: &accept("text/tab-separated-values"),
                status: 200,
                expect_headers: &[
                    ("Content-Type", "text/tab-separated-values"),
                    ("Content-Length", "47"),
                ],
                body: "id\tname\tclient_id\n1\tWindows 7\t1\n2\tWindows 10\t1\n",
            },
            // CustomMediaSpec "can get raw xml output with Accept: text/xml if there's an
            // aggregate defined".
            Case {
                name: "text/xml from a table's aggregate",
                method: "GET",
                path: "/xmltest",
                headers: &accept("text/xml"),
                status: 200,
                expect_headers: &[
                    ("Content-Type", "text/xml; charset=utf-8"),
                    ("Content-Length", "44"),
                ],
                body: "<myxml>foo</myxml>bar<foobar><baz/></foobar>",
            },
            // CustomMediaSpec "will fail if there's no aggregate defined for the table".
            Case {
                name: "nothing produces the type: 406 PGRST107",
                method: "GET",
                path: "/lines",
                headers: &accept("text/plain"),
                status: 406,
                expect_headers: &[JSON, ("Content-Length", "110")],
                body: r#"{"code":"PGRST107","details":null,"hint":null,"message":"None of these media types are available: text/plain"}"#,
            },
            // CustomMediaSpec "will use the application/vnd.geo2+json media type for any
            // table" (jsonb is read in binary: its version byte leads).
            Case {
                name: "an anyelement aggregate answers for any table",
                method: "GET",
                path: "/lines",
                headers: &accept("application/vnd.geo2+json"),
                status: 200,
                expect_headers: &[
                    ("Content-Type", "application/vnd.geo2+json"),
                    ("Content-Length", "48"),
                ],
                body: "\u{1}{\"type\": \"FeatureCollection\", \"hello\": \"world\"}",
            },
            // CustomMediaSpec "will use the more specific application/vnd.geo2 handler for
            // this table".
            Case {
                name: "a table's own handler beats the anyelement one",
                method: "GET",
                path: "/shop_bles",
                headers: &accept("application/vnd.geo2+json"),
                status: 200,
                expect_headers: &[("Content-Type", "application/vnd.geo2+json")],
                body: "\u{1}\"anyelement overridden\"",
            },
            Case {
                name: "and for a function returning that table's rows",
                method: "GET",
                path: "/rpc/get_shop_bles",
                headers: &accept("application/vnd.geo2+json"),
                status: 200,
                expect_headers: &[("Content-Type", "application/vnd.geo2+json")],
                body: "\u{1}\"anyelement overridden\"",
            },
            // CustomMediaSpec "works if there's an anyelement aggregate defined".
            Case {
                name: "an anyelement aggregate over a function's rows",
                method: "GET",
                path: "/rpc/get_lines",
                headers: &accept("application/vnd.geo2+json"),
                status: 200,
                expect_headers: &[("Content-Type", "application/vnd.geo2+json")],
                body: "\u{1}{\"type\": \"FeatureCollection\", \"hello\": \"world\"}",
            },
            // CustomMediaSpec "fails if doesn't have an aggregate defined".
            Case {
                name: "a function's rows with no handler for the type",
                method: "GET",
                path: "/rpc/get_lines",
                headers: &accept("application/octet-stream"),
                status: 406,
                expect_headers: &[JSON],
                body: r#"{"code":"PGRST107","details":null,"hint":null,"message":"None of these media types are available: application/octet-stream"}"#,
            },
        ],
    );
}

#[test]
fn binary_bodies_are_sent_as_they_are() {
    let c = cluster();
    // CustomMediaSpec "can query if there's an aggregate defined for the table".
    let r = c.request("GET", "/lines", &accept("application/vnd.twkb"));
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Type"), Some("application/vnd.twkb"));
    assert_eq!(r.body, vec![1, 2, 3, 4]);
    // CustomMediaSpec "works if it has an aggregate defined" (a function of the table's rows).
    let r = c.request(
        "GET",
        "/rpc/get_lines?id=eq.2",
        &accept("application/vnd.twkb"),
    );
    assert_eq!((r.status, r.body.clone()), (200, vec![3, 4]));
    assert_eq!(r.header("Content-Type"), Some("application/vnd.twkb"));
    // CustomMediaSpec "can get an image with Accept: image/png" and "will match image/png
    // according to q values".
    for header in [
        "image/png",
        "image/png, */*",
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/png,*/*;q=0.8",
    ] {
        let r = c.request("GET", "/rpc/ret_image", &accept(header));
        assert_eq!(r.status, 200, "{header}");
        assert_eq!(r.header("Content-Type"), Some("image/png"), "{header}");
        assert_eq!(r.header("Content-Length"), Some("10"), "{header}");
        assert_eq!(
            r.body,
            vec![0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff],
            "{header}"
        );
    }
    // CustomMediaSpec "should not fail when the function doesn't return a row".
    let r = c.request(
        "GET",
        "/rpc/get_line?id=777",
        &accept("application/vnd.twkb"),
    );
    assert_eq!((r.status, r.body.len()), (200, 0));
    assert_eq!(r.header("Content-Type"), Some("application/vnd.twkb"));
}

#[test]
fn functions_returning_a_media_type() {
    run_cases(
        cluster(),
        &[
            // CustomMediaSpec "can get raw output with Accept: text/plain".
            Case {
                name: "text/plain",
                method: "GET",
                path: "/rpc/welcome",
                headers: &accept("text/plain"),
                status: 200,
                expect_headers: &[
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Content-Length", "20"),
                ],
                body: "Welcome to PostgREST",
            },
            // CustomMediaSpec "can get raw output with Accept: text/html".
            Case {
                name: "a type PostgREST does not know gets no charset",
                method: "GET",
                path: "/rpc/welcome.html",
                headers: &accept("text/html"),
                status: 200,
                expect_headers: &[("Content-Type", "text/html")],
                body: "<html><body><h1>Welcome to PostgREST</h1></body></html>",
            },
            // CustomMediaSpec "can get raw xml output with Accept: text/xml".
            Case {
                name: "text/xml",
                method: "GET",
                path: "/rpc/return_scalar_xml",
                headers: &accept("text/xml"),
                status: 200,
                expect_headers: &[
                    ("Content-Type", "text/xml; charset=utf-8"),
                    ("Content-Length", "13"),
                ],
                body: "<my-xml-tag/>",
            },
            // CustomMediaSpec "should fail with function returning text and Accept: text/xml".
            Case {
                name: "another type than the function's",
                method: "GET",
                path: "/rpc/welcome",
                headers: &accept("text/xml"),
                status: 406,
                expect_headers: &[JSON],
                body: r#"{"code":"PGRST107","details":null,"hint":null,"message":"None of these media types are available: text/xml"}"#,
            },
            // CustomMediaSpec "will err because only scalars work with media type domains".
            Case {
                name: "a set of media type values is no handler",
                method: "GET",
                path: "/rpc/welcome_twice",
                headers: &accept("text/plain"),
                status: 406,
                expect_headers: &[JSON, ("Content-Length", "110")],
                body: r#"{"code":"PGRST107","details":null,"hint":null,"message":"None of these media types are available: text/plain"}"#,
            },
            // A function returning a media type still answers JSON by default.
            Case {
                name: "JSON when JSON is asked",
                method: "GET",
                path: "/rpc/welcome",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: r#""Welcome to PostgREST""#,
            },
        ],
    );
}

#[test]
fn overriding_builtin_handlers() {
    run_cases(
        cluster(),
        &[
            // CustomMediaSpec "will override the application/json handler for a single table".
            Case {
                name: "application/json for one table",
                method: "GET",
                path: "/ov_json",
                headers: &accept("application/json"),
                status: 200,
                expect_headers: &[JSON, ("Content-Length", "22")],
                body: r#"{"overridden": "true"}"#,
            },
            Case {
                name: "other tables keep the built-in JSON",
                method: "GET",
                path: "/items?id=eq.1",
                headers: &accept("application/json"),
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":1}]"#,
            },
            // CustomMediaSpec "will not override vendored media types like
            // application/vnd.pgrst.object".
            Case {
                name: "the vendor types stay PostgREST's",
                method: "GET",
                path: "/projects?id=eq.1",
                headers: &accept("application/vnd.pgrst.object"),
                status: 200,
                expect_headers: &[
                    (
                        "Content-Type",
                        "application/vnd.pgrst.object+json; charset=utf-8",
                    ),
                    ("Content-Length", "41"),
                ],
                body: r#"{"id":1,"name":"Windows 7","client_id":1}"#,
            },
            // CustomMediaSpec "will match json in presence of text/plain".
            Case {
                name: "the first type something produces",
                method: "GET",
                path: "/projects?id=eq.1",
                headers: &accept("text/plain, application/json"),
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":1,"name":"Windows 7","client_id":1}]"#,
            },
            // CustomMediaSpec "media type parser fails: sends media type as is".
            Case {
                name: "an unparsable type is named as sent",
                method: "GET",
                path: "/items",
                headers: &accept("undefined"),
                status: 406,
                expect_headers: &[JSON],
                body: r#"{"code":"PGRST107","details":null,"hint":null,"message":"None of these media types are available: undefined"}"#,
            },
        ],
    );
    // CustomMediaSpec "will match a custom text/csv with BOM": the table's handler, its
    // response.headers applied.
    let r = cluster().request("GET", "/lines", &accept("text/csv"));
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Type"), Some("text/csv; charset=utf-8"));
    assert_eq!(
        r.header("Content-Disposition"),
        Some("attachment; filename=\"lines.csv\"")
    );
    assert_eq!(r.text(), "\u{feff}id,name\n1,line-1\n2,line-2\n");
    // Other tables keep the built-in CSV.
    let r = cluster().request("GET", "/items?id=eq.1", &accept("text/csv"));
    assert_eq!((r.status, r.text()), (200, "id\n1".to_string()));
}

#[test]
fn handlers_and_select() {
    run_cases(
        cluster(),
        &[
            // CustomMediaSpec "using select query parameter": "without select".
            Case {
                name: "an anyelement handler over the default select",
                method: "GET",
                path: "/projects?id=in.(1,2)",
                headers: &accept("pg/outfunc"),
                status: 200,
                expect_headers: &[("Content-Type", "pg/outfunc"), ("Content-Length", "37")],
                body: "(1,\"Windows 7\",1)\n(2,\"Windows 10\",1)\n",
            },
            Case {
                name: "with fewer columns selected",
                method: "GET",
                path: "/projects?id=in.(1,2)&select=id,name",
                headers: &accept("pg/outfunc"),
                status: 200,
                expect_headers: &[("Content-Type", "pg/outfunc")],
                body: "(1,\"Windows 7\")\n(2,\"Windows 10\")\n",
            },
            Case {
                name: "with columns in different order",
                method: "GET",
                path: "/projects?id=in.(1,2)&select=name,id,client_id",
                headers: &accept("pg/outfunc"),
                status: 200,
                expect_headers: &[("Content-Type", "pg/outfunc")],
                body: "(\"Windows 7\",1,1)\n(\"Windows 10\",2,1)\n",
            },
            Case {
                name: "with computed columns",
                method: "GET",
                path: "/items?id=in.(1,2)&select=id,always_true",
                headers: &accept("pg/outfunc"),
                status: 200,
                expect_headers: &[("Content-Type", "pg/outfunc")],
                body: "(1,t)\n(2,t)\n",
            },
            Case {
                name: "with embedding",
                method: "GET",
                path: "/projects?id=in.(1,2)&select=*,clients(id)",
                headers: &accept("pg/outfunc"),
                status: 200,
                expect_headers: &[("Content-Type", "pg/outfunc")],
                body: "(1,\"Windows 7\",1,\"{\"\"id\"\": 1}\")\n(2,\"Windows 10\",1,\"{\"\"id\"\": 1}\")\n",
            },
            // "will fail for specific aggregate with fewer columns / more columns / columns in
            // different order / columns in same order": a table's own handler wants `*`.
            Case {
                name: "a table's handler and fewer columns",
                method: "GET",
                path: "/lines?select=id",
                headers: &accept("application/vnd.twkb"),
                status: 406,
                expect_headers: &[JSON],
                body: r#"{"code":"PGRST107","details":null,"hint":null,"message":"None of these media types are available: application/vnd.twkb"}"#,
            },
            Case {
                name: "a table's handler and the same columns named",
                method: "GET",
                path: "/lines?select=id,name,twkb",
                headers: &accept("application/vnd.twkb"),
                status: 406,
                expect_headers: &[JSON],
                body: r#"{"code":"PGRST107","details":null,"hint":null,"message":"None of these media types are available: application/vnd.twkb"}"#,
            },
        ],
    );
}

#[test]
fn any_media_type() {
    run_cases(
        cluster(),
        &[
            // CustomMediaSpec "any media type / on functions".
            Case {
                name: "*/* answers application/octet-stream",
                method: "GET",
                path: "/rpc/ret_any_mt",
                headers: &accept("*/*"),
                status: 200,
                expect_headers: &[("Content-Type", "application/octet-stream")],
                body: "any",
            },
            Case {
                name: "and any type asked",
                method: "GET",
                path: "/rpc/ret_any_mt",
                headers: &accept("app/bingo"),
                status: 200,
                expect_headers: &[("Content-Type", "application/octet-stream")],
                body: "any",
            },
            Case {
                name: "and no Accept at all",
                method: "GET",
                path: "/rpc/ret_any_mt",
                headers: &[],
                status: 200,
                expect_headers: &[("Content-Type", "application/octet-stream")],
                body: "any",
            },
            Case {
                name: "response.headers sets the type",
                method: "GET",
                path: "/rpc/ret_some_mt",
                headers: &accept("*/*"),
                status: 200,
                expect_headers: &[("Content-Type", "app/groucho")],
                body: "groucho",
            },
            Case {
                name: "response.headers echoes the type",
                method: "GET",
                path: "/rpc/ret_some_mt",
                headers: &accept("app/chico"),
                status: 200,
                expect_headers: &[("Content-Type", "app/chico")],
                body: "chico",
            },
            Case {
                name: "the function refuses a type",
                method: "GET",
                path: "/rpc/ret_some_mt",
                headers: &accept("text/csv"),
                status: 406,
                expect_headers: &[JSON],
                body: r#"{"code":"PT406","details":null,"hint":null,"message":"Not Acceptable"}"#,
            },
            // CustomMediaSpec "any media type / on tables".
            Case {
                name: "a table's */* aggregate",
                method: "GET",
                path: "/some_numbers?val=eq.1",
                headers: &accept("*/*"),
                status: 200,
                expect_headers: &[("Content-Type", "application/octet-stream")],
                body: "anything\n1",
            },
            Case {
                name: "a table's */* aggregate sets the type it was asked",
                method: "GET",
                path: "/some_numbers?val=eq.2",
                headers: &accept("magic/number"),
                status: 200,
                expect_headers: &[("Content-Type", "magic/number")],
                body: "magic\n2",
            },
            Case {
                name: "a table's */* aggregate beats JSON",
                method: "GET",
                path: "/some_numbers?val=eq.4",
                headers: &accept("application/json"),
                status: 200,
                expect_headers: &[("Content-Type", "application/octet-stream")],
                body: "anything\n4",
            },
        ],
    );
}

#[test]
fn writes_and_head_use_the_handlers() {
    // Plan.hs negotiateContent: a write with return=representation is answered by the handler;
    // without it, nothing is aggregated but the type still counts (PostgREST's NoAgg).
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "POST with return=representation",
                method: "POST",
                path: "/projects",
                headers: &[
                    ("Content-Type", "application/json"),
                    ("Accept", "text/tab-separated-values"),
                    ("Prefer", "return=representation"),
                ],
                request_body: r#"{"id":10,"name":"Linux","client_id":2}"#,
                status: 201,
                expect_headers: &[("Content-Type", "text/tab-separated-values")],
                body: "id\tname\tclient_id\n10\tLinux\t2\n",
                check: ("SELECT name FROM projects WHERE id = 10", "Linux"),
            },
            WriteCase {
                name: "POST without representation",
                method: "POST",
                path: "/projects",
                headers: &[
                    ("Content-Type", "application/json"),
                    ("Accept", "text/tab-separated-values"),
                ],
                request_body: r#"{"id":11,"name":"BSD","client_id":2}"#,
                status: 201,
                expect_headers: &[("Content-Type", ABSENT)],
                body: "",
                check: ("SELECT name FROM projects WHERE id = 11", "BSD"),
            },
        ],
    );
    let mut conn = Conn::open(cluster().http_port);
    let r = conn.send("HEAD", "/projects", &accept("text/tab-separated-values"));
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Type"), Some("text/tab-separated-values"));
    assert!(r.body.is_empty());
}

#[test]
fn plans_are_off_by_default() {
    // PlanSpec `disabledSpec` (v13: 406 PGRST107, the type named as PostgREST names it).
    for (method, path) in [
        ("GET", "/projects?id=in.(1,2,3)"),
        ("GET", "/rpc/get_lines"),
        ("DELETE", "/projects?id=in.(1,2,3)"),
    ] {
        let r = cluster().request(method, path, &accept("application/vnd.pgrst.plan"));
        assert_eq!(r.status, 406, "{method} {path}");
        assert_eq!(
            r.text(),
            r#"{"code":"PGRST107","details":null,"hint":null,"message":"None of these media types are available: application/vnd.pgrst.plan+text; for=\"application/json\""}"#,
            "{method} {path}"
        );
    }
    assert_eq!(
        cluster().psql("SELECT count(*) FROM projects WHERE id <= 3"),
        "3"
    );
}
