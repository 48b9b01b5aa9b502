//! Data representations (PostgREST docs `references/api/domain_representations.rst`): a domain
//! with `CREATE CAST (domain AS json)` is written through that cast in every response, and
//! casts from `text` and `json` to the domain read filter values and request bodies. Fixture
//! and expectations are PostgREST v13's own: `test/spec/fixtures/schema.sql` (color, isodate,
//! bytea_b64, unixtz, monetary, datarep_*), `data.sql`, and the "Data representations" blocks of
//! QuerySpec and InsertSpec, whose JSON is written here in Postgres' `json_agg` layout (what
//! both servers send; a to-one embed is `row_to_json(…)::jsonb`, hence jsonb's layout).
//! PostgREST's tests run in UTC, so this cluster does too.

use budgetbee_e2e::{ABSENT, Case, Cluster, ClusterBuilder, WriteCase, run_cases, run_write_cases};
use std::sync::OnceLock;

const FIXTURE: &str = r#"
CREATE DOMAIN public.color AS INTEGER CHECK (VALUE >= 0 AND VALUE <= 16777215);
CREATE FUNCTION public.color(json) RETURNS public.color AS $$
  SELECT public.color($1 #>> '{}');
$$ LANGUAGE SQL IMMUTABLE;
CREATE FUNCTION public.color(text) RETURNS public.color AS $$
  SELECT (('x' || lpad((CASE WHEN SUBSTRING($1::text, 1, 1) = '#' THEN SUBSTRING($1::text, 2) ELSE $1::text END), 8, '0'))::bit(32)::int)::public.color;
$$ LANGUAGE SQL IMMUTABLE;
CREATE FUNCTION public."json"(public.color) RETURNS json AS $$
  SELECT CASE WHEN $1 IS NULL THEN to_json(''::text)
              ELSE to_json('#' || lpad(upper(to_hex($1)), 6, '0')) END;
$$ LANGUAGE SQL IMMUTABLE;
CREATE CAST (public.color AS json) WITH FUNCTION public."json"(public.color) AS IMPLICIT;
CREATE CAST (json AS public.color) WITH FUNCTION public.color(json) AS IMPLICIT;
CREATE CAST (text AS public.color) WITH FUNCTION public.color(text) AS IMPLICIT;

-- No cast from text: query-string values are not parsed, and never through the json parser.
CREATE DOMAIN public.isodate AS timestamp with time zone;
CREATE FUNCTION public.isodate(json) RETURNS public.isodate AS $$
  SELECT public.isodate($1 #>> '{}');
$$ LANGUAGE SQL IMMUTABLE;
CREATE FUNCTION public.isodate(text) RETURNS public.isodate AS $$
  SELECT (replace($1, 'Z', '+00:00')::timestamp with time zone)::public.isodate;
$$ LANGUAGE SQL IMMUTABLE;
CREATE FUNCTION public."json"(public.isodate) RETURNS json AS $$
  SELECT to_json(replace(to_json($1)#>>'{}', '+00:00', 'Z'));
$$ LANGUAGE SQL IMMUTABLE;
CREATE CAST (public.isodate AS json) WITH FUNCTION public."json"(public.isodate) AS IMPLICIT;
CREATE CAST (json AS public.isodate) WITH FUNCTION public.isodate(json) AS IMPLICIT;

CREATE DOMAIN public.bytea_b64 AS bytea;
CREATE FUNCTION public.bytea_b64(json) RETURNS public.bytea_b64 AS $$
  SELECT public.bytea_b64($1 #>> '{}');
$$ LANGUAGE SQL IMMUTABLE;
CREATE FUNCTION public.bytea_b64(text) RETURNS public.bytea_b64 AS $$
  SELECT decode($1 || repeat('=', 4 - (length($1) % 4)), 'base64')::public.bytea_b64;
$$ LANGUAGE SQL IMMUTABLE;
CREATE FUNCTION public."json"(public.bytea_b64) RETURNS json AS $$
  SELECT to_json(translate(encode($1, 'base64'), E'\n', ''));
$$ LANGUAGE SQL IMMUTABLE;
CREATE CAST (public.bytea_b64 AS json) WITH FUNCTION public."json"(public.bytea_b64) AS IMPLICIT;
CREATE CAST (json AS public.bytea_b64) WITH FUNCTION public.bytea_b64(json) AS IMPLICIT;
CREATE CAST (text AS public.bytea_b64) WITH FUNCTION public.bytea_b64(text) AS IMPLICIT;

CREATE DOMAIN public.unixtz AS timestamp with time zone;
CREATE FUNCTION public.unixtz(json) RETURNS public.unixtz AS $$
  SELECT public.unixtz($1 #>> '{}');
$$ LANGUAGE SQL IMMUTABLE;
CREATE FUNCTION public.unixtz(text) RETURNS public.unixtz AS $$
  SELECT (to_timestamp($1::numeric)::public.unixtz);
$$ LANGUAGE SQL IMMUTABLE;
CREATE FUNCTION public."json"(public.unixtz) RETURNS json AS $$
  SELECT to_json(extract(epoch from $1)::bigint);
$$ LANGUAGE SQL IMMUTABLE;
CREATE CAST (public.unixtz AS json) WITH FUNCTION public."json"(public.unixtz) AS IMPLICIT;
CREATE CAST (json AS public.unixtz) WITH FUNCTION public.unixtz(json) AS IMPLICIT;
CREATE CAST (text AS public.unixtz) WITH FUNCTION public.unixtz(text) AS IMPLICIT;

CREATE DOMAIN public.monetary AS numeric(17,2);
CREATE FUNCTION public.monetary(json) RETURNS public.monetary AS $$
  SELECT public.monetary($1 #>> '{}');
$$ LANGUAGE SQL IMMUTABLE;
CREATE FUNCTION public.monetary(text) RETURNS public.monetary AS $$
  SELECT ($1::numeric)::public.monetary;
$$ LANGUAGE SQL IMMUTABLE;
CREATE FUNCTION public."json"(public.monetary) RETURNS json AS $$
  SELECT to_json($1::text);
$$ LANGUAGE SQL IMMUTABLE;
CREATE CAST (public.monetary AS json) WITH FUNCTION public."json"(public.monetary) AS IMPLICIT;
CREATE CAST (json AS public.monetary) WITH FUNCTION public.monetary(json) AS IMPLICIT;
CREATE CAST (text AS public.monetary) WITH FUNCTION public.monetary(text) AS IMPLICIT;

CREATE TABLE datarep_todos (
  id bigint primary key,
  name text,
  label_color public.color default 0,
  due_at public.isodate default '2018-01-01'::date,
  icon_image public.bytea_b64,
  created_at public.unixtz default '2017-12-14 01:02:30'::timestamptz,
  budget public.monetary default 0
);
CREATE TABLE datarep_next_two_todos (
  id bigint primary key,
  first_item_id bigint references datarep_todos(id),
  second_item_id bigint references datarep_todos(id),
  name text
);
CREATE VIEW datarep_todos_computed as (
  SELECT id, name, label_color, due_at, (label_color / 2)::public.color as dark_color
  FROM datarep_todos
);
INSERT INTO datarep_todos VALUES (1, 'Report', 0, '2018-01-02', '\x89504e470d0a1a0a0000000d4948445200000001000000010100000000376ef924000000001049444154789c62600100000000ffff03000000060005057bfabd400000000049454e44ae426082', '2017-12-14 01:02:30', 12.50);
INSERT INTO datarep_todos VALUES (2, 'Essay', 256, '2018-01-03', NULL, '2017-12-14 01:02:30', 100000000000000.13);
INSERT INTO datarep_todos VALUES (3, 'Algebra', 123456, '2018-01-01 14:12:34.123456');
INSERT INTO datarep_todos VALUES (4, 'Opus Magnum', NULL, NULL);
INSERT INTO datarep_next_two_todos VALUES (1, 2, 3, 'school related');
INSERT INTO datarep_next_two_todos VALUES (2, 1, 3, 'do these first');

-- A function's rows are read as its table's: they are written through the same casts.
CREATE FUNCTION datarep_todos_upto(n int) RETURNS SETOF datarep_todos
  LANGUAGE sql STABLE AS $$ SELECT * FROM datarep_todos WHERE id <= n ORDER BY id $$;

GRANT SELECT, INSERT, UPDATE, DELETE ON datarep_todos, datarep_next_two_todos, datarep_todos_computed TO anon;
"#;

fn cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("conformance-repr")
            .pool(2)
            .setting("timezone", "UTC")
            .fixture(FIXTURE)
            .start()
    })
}

/// Writes get their own cluster: the reads above expect `data.sql`'s four rows only.
fn write_cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("conformance-repr-write")
            .pool(2)
            .setting("timezone", "UTC")
            .fixture(FIXTURE)
            .start()
    })
}

const JSON: (&str, &str) = ("Content-Type", "application/json; charset=utf-8");

const ROW1: &str = r##"{"id":1,"name":"Report","label_color":"#000000","due_at":"2018-01-02T00:00:00Z","icon_image":"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABAQAAAAA3bvkkAAAAABBJREFUeJxiYAEAAAAA//8DAAAABgAFBXv6vUAAAAAASUVORK5CYII=","created_at":1513213350,"budget":"12.50"}"##;
const ROW2: &str = r##"{"id":2,"name":"Essay","label_color":"#000100","due_at":"2018-01-03T00:00:00Z","icon_image":null,"created_at":1513213350,"budget":"100000000000000.13"}"##;
/// ROW3 as a to-one embed: PostgREST reads it as `row_to_json(...)::jsonb`, so jsonb's layout
/// (shorter keys first, `": "` and `", "`).
const ROW3_EMBEDDED: &str = r##"{"id": 3, "name": "Algebra", "budget": "0.00", "due_at": "2018-01-01T14:12:34.123456Z", "created_at": 1513213350, "icon_image": null, "label_color": "#01E240"}"##;
const ROW3: &str = r##"{"id":3,"name":"Algebra","label_color":"#01E240","due_at":"2018-01-01T14:12:34.123456Z","icon_image":null,"created_at":1513213350,"budget":"0.00"}"##;

fn rows(items: &[&str]) -> String {
    format!("[{}]", items.join(", \n "))
}

#[test]
fn responses_write_domains_through_their_json_casts() {
    let star = rows(&[ROW1, ROW2, ROW3]);
    let mixed = rows(&[
        &format!(r#"{{"due_at":"2018-01-02T00:00:00Z",{}"#, &ROW1[1..]),
        &format!(r#"{{"due_at":"2018-01-03T00:00:00Z",{}"#, &ROW2[1..]),
        &format!(r#"{{"due_at":"2018-01-01T14:12:34.123456Z",{}"#, &ROW3[1..]),
    ]);
    let second_item = |id: u32, name: &str| {
        format!(r#"{{"id":{id},"name":"{name}","second_item":{ROW3_EMBEDDED}}}"#)
    };
    let join_star = rows(&[
        &second_item(1, "school related"),
        &second_item(2, "do these first"),
    ]);
    run_cases(
        cluster(),
        &[
            // QuerySpec "formats a single column".
            Case {
                name: "one formatted column",
                method: "GET",
                path: "/datarep_todos?select=id,label_color&id=lt.4",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: concat!(
                    r##"[{"id":1,"label_color":"#000000"}, "##,
                    "\n",
                    r##" {"id":2,"label_color":"#000100"}, "##,
                    "\n",
                    r##" {"id":3,"label_color":"#01E240"}]"##
                ),
            },
            // QuerySpec "formats two columns with different formatters".
            Case {
                name: "two formatters",
                method: "GET",
                path: "/datarep_todos?select=id,label_color,due_at&id=lt.4",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: concat!(
                    r##"[{"id":1,"label_color":"#000000","due_at":"2018-01-02T00:00:00Z"}, "##,
                    "\n",
                    r##" {"id":2,"label_color":"#000100","due_at":"2018-01-03T00:00:00Z"}, "##,
                    "\n",
                    r##" {"id":3,"label_color":"#01E240","due_at":"2018-01-01T14:12:34.123456Z"}]"##
                ),
            },
            // QuerySpec "fails in some reasonable way when selecting fields that don't exist".
            Case {
                name: "an unknown column is Postgres' error",
                method: "GET",
                path: "/datarep_todos?select=id,label_color,banana",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Content-Length", "98")],
                body: r#"{"code":"42703","details":null,"hint":null,"message":"column datarep_todos.banana does not exist"}"#,
            },
            // QuerySpec "formats columns in views including computed columns".
            Case {
                name: "a view's columns, computed ones too",
                method: "GET",
                path: "/datarep_todos_computed?select=id,label_color,dark_color",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: concat!(
                    r##"[{"id":1,"label_color":"#000000","dark_color":"#000000"}, "##,
                    "\n",
                    r##" {"id":2,"label_color":"#000100","dark_color":"#000080"}, "##,
                    "\n",
                    r##" {"id":3,"label_color":"#01E240","dark_color":"#00F120"}, "##,
                    "\n",
                    r##" {"id":4,"label_color":"","dark_color":""}]"##
                ),
            },
            // QuerySpec "formats and allows rename".
            Case {
                name: "renamed",
                method: "GET",
                path: "/datarep_todos?select=id,clr:label_color&id=lt.4",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: concat!(
                    r##"[{"id":1,"clr":"#000000"}, "##,
                    "\n",
                    r##" {"id":2,"clr":"#000100"}, "##,
                    "\n",
                    r##" {"id":3,"clr":"#01E240"}]"##
                ),
            },
            // QuerySpec "formats, renames and allows manual casting on top".
            Case {
                name: "a cast applies to the formatted value",
                method: "GET",
                path: "/datarep_todos?select=id,clr:label_color::text&id=lt.4",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: concat!(
                    r##"[{"id":1,"clr":"\"#000000\""}, "##,
                    "\n",
                    r##" {"id":2,"clr":"\"#000100\""}, "##,
                    "\n",
                    r##" {"id":3,"clr":"\"#01E240\""}]"##
                ),
            },
            // QuerySpec "formats nulls": the function decides what NULL becomes.
            Case {
                name: "nulls go through the function",
                method: "GET",
                path: "/datarep_todos?select=id,label_color,due_at&id=gt.2&id=lt.5",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: concat!(
                    r##"[{"id":3,"label_color":"#01E240","due_at":"2018-01-01T14:12:34.123456Z"}, "##,
                    "\n",
                    r##" {"id":4,"label_color":"","due_at":null}]"##
                ),
            },
            // QuerySpec "formats star select".
            Case {
                name: "select=* is expanded to formatted columns",
                method: "GET",
                path: "/datarep_todos?select=*&id=lt.4",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: &star,
            },
            // QuerySpec "formats implicit star select".
            Case {
                name: "no select is select=*",
                method: "GET",
                path: "/datarep_todos?id=lt.4",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: &star,
            },
            // QuerySpec "formats star and explicit mix".
            Case {
                name: "a column and *",
                method: "GET",
                path: "/datarep_todos?select=due_at,*&id=lt.4",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: &mixed,
            },
            // QuerySpec "formats through join".
            Case {
                name: "embedded columns are formatted",
                method: "GET",
                path: "/datarep_next_two_todos?select=id,name,first_item:datarep_todos!datarep_next_two_todos_first_item_id_fkey(label_color,due_at)&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: concat!(
                    r##"[{"id":1,"name":"school related","first_item":{"due_at": "2018-01-03T00:00:00Z", "label_color": "#000100"}}, "##,
                    "\n",
                    r##" {"id":2,"name":"do these first","first_item":{"due_at": "2018-01-02T00:00:00Z", "label_color": "#000000"}}]"##
                ),
            },
            // QuerySpec "formats through join with star select".
            Case {
                name: "an embedded * is expanded too",
                method: "GET",
                path: "/datarep_next_two_todos?select=id,name,second_item:datarep_todos!datarep_next_two_todos_second_item_id_fkey(*)&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: &join_star,
            },
            // A function returning the table's rows is read as the table (Plan.callReadPlan
            // reads the function's table name).
            Case {
                name: "a function's rows are formatted",
                method: "GET",
                path: "/rpc/datarep_todos_upto?n=2&select=id,label_color,budget",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: concat!(
                    r##"[{"id":1,"label_color":"#000000","budget":"12.50"}, "##,
                    "\n",
                    r##" {"id":2,"label_color":"#000100","budget":"100000000000000.13"}]"##
                ),
            },
            Case {
                name: "a function's * rows are formatted, and filters on them parsed",
                method: "GET",
                path: "/rpc/datarep_todos_upto?n=3&label_color=eq.01E240",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: &rows(&[ROW3]),
            },
            // QueryBuilder defSelect: an empty select reads `*` as stored, with no formatting
            // (the expansion of `*` only happens for a `*` that was asked for).
            Case {
                name: "select= reads the stored values",
                method: "GET",
                path: "/datarep_todos?select=&id=eq.2",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":2,"name":"Essay","label_color":256,"due_at":"2018-01-03T00:00:00+00:00","icon_image":null,"created_at":"2017-12-14T01:02:30+00:00","budget":100000000000000.13}]"#,
            },
        ],
    );
}

#[test]
fn filter_values_are_parsed_by_text_casts() {
    run_cases(
        cluster(),
        &[
            // QuerySpec "uses text parser on value for filter given through query parameters".
            Case {
                name: "eq through color(text)",
                method: "GET",
                path: "/datarep_todos?select=id,due_at&label_color=eq.000100",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":2,"due_at":"2018-01-03T00:00:00Z"}]"#,
            },
            // The docs' form: `label_color=eq.#000100` (`#` percent-encoded, as a client must).
            Case {
                name: "eq with the written form",
                method: "GET",
                path: "/datarep_todos?select=id&label_color=eq.%23000100",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":2}]"#,
            },
            Case {
                name: "neq and gt parse too",
                method: "GET",
                path: "/datarep_todos?select=id&label_color=neq.%23000000&label_color=gt.000100",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":3}]"#,
            },
            // QuerySpec "in the absense of text parser, does not try to use the JSON parser for
            // query parameters".
            Case {
                name: "no text cast: the value is the column type's",
                method: "GET",
                path: "/datarep_todos?select=id,due_at&due_at=eq.Z",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Content-Length", "117")],
                body: r#"{"code":"22007","details":null,"hint":null,"message":"invalid input syntax for type timestamp with time zone: \"Z\""}"#,
            },
            // QuerySpec "uses text parser for filter with 'IN' predicates".
            Case {
                name: "in",
                method: "GET",
                path: "/datarep_todos?select=id,due_at&label_color=in.(000100,01E240)",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: concat!(
                    r#"[{"id":2,"due_at":"2018-01-03T00:00:00Z"}, "#,
                    "\n",
                    r#" {"id":3,"due_at":"2018-01-01T14:12:34.123456Z"}]"#
                ),
            },
            // QuerySpec "uses text parser for filter with 'NOT IN' predicates".
            Case {
                name: "not in",
                method: "GET",
                path: "/datarep_todos?select=id,due_at&label_color=not.in.(000000,01E240)",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":2,"due_at":"2018-01-03T00:00:00Z"}]"#,
            },
            Case {
                name: "in a logic tree",
                method: "GET",
                path: "/datarep_todos?select=id&or=(label_color.eq.000100,label_color.eq.%2301E240)",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: "[{\"id\":2}, \n {\"id\":3}]",
            },
            // QuerySpec "uses text parser on value for filter across relations".
            Case {
                name: "on an embedded resource",
                method: "GET",
                path: "/datarep_next_two_todos?select=id,name,datarep_todos!datarep_next_two_todos_first_item_id_fkey(label_color,due_at)&datarep_todos.label_color=neq.000100&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: concat!(
                    r##"[{"id":1,"name":"school related","datarep_todos":null}, "##,
                    "\n",
                    r##" {"id":2,"name":"do these first","datarep_todos":{"due_at": "2018-01-02T00:00:00Z", "label_color": "#000000"}}]"##
                ),
            },
            // SqlFragment.pgFmtFilter: patterns are not values of the domain; IS DISTINCT FROM
            // takes the literal as is.
            Case {
                name: "isdistinct is not parsed",
                method: "GET",
                path: "/datarep_todos?select=id&label_color=isdistinct.256&id=lt.4",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: "[{\"id\":1}, \n {\"id\":3}]",
            },
            Case {
                name: "order is on the stored value",
                method: "GET",
                path: "/datarep_todos?select=id&order=label_color.desc.nullslast",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: "[{\"id\":3}, \n {\"id\":2}, \n {\"id\":1}, \n {\"id\":4}]",
            },
        ],
    );
}

#[test]
fn bodies_are_parsed_by_json_casts() {
    let full = r##"[{"id":6,"name":"party","label_color":"#001100","due_at":"2018-01-03T11:00:00Z","icon_image":"3q2+7w==","created_at":-15,"budget":"-100000000000000.13"}]"##;
    run_write_cases(
        write_cluster(),
        &[
            // InsertSpec "parses values in POST body".
            WriteCase {
                name: "headers-only",
                method: "POST",
                path: "/datarep_todos",
                headers: &[("Prefer", "return=headers-only")],
                request_body: r##"{"id":5, "name": "party", "label_color": "#001100", "due_at": "2018-01-03T11:00:00+00"}"##,
                status: 201,
                expect_headers: &[
                    ("Content-Type", ABSENT),
                    ("Location", "/datarep_todos?id=eq.5"),
                    ("Content-Range", "*/*"),
                    ("Content-Length", "0"),
                    ("Preference-Applied", "return=headers-only"),
                ],
                body: "",
                check: (
                    "SELECT label_color::int, due_at FROM datarep_todos WHERE id = 5",
                    "4352|2018-01-03 11:00:00+00",
                ),
            },
            // InsertSpec "parses values in POST body and formats individually selected values
            // in return=representation" (a fresh id: the previous case inserted 5).
            WriteCase {
                name: "representation of selected columns",
                method: "POST",
                path: "/datarep_todos?select=id,label_color",
                headers: &[("Prefer", "return=representation")],
                request_body: r##"{"id":7, "name": "party", "label_color": "#001100", "due_at": "2018-01-03T11:00:00+00"}"##,
                status: 201,
                expect_headers: &[JSON, ("Content-Range", "*/*")],
                body: r##"[{"id":7,"label_color":"#001100"}]"##,
                check: ("", ""),
            },
            // InsertSpec "parses values in POST body and formats values in
            // return=representation".
            WriteCase {
                name: "every domain parsed and formatted",
                method: "POST",
                path: "/datarep_todos",
                headers: &[("Prefer", "return=representation")],
                request_body: r##"{"id":6, "name": "party", "label_color": "#001100", "due_at": "2018-01-03T11:00:00+00", "icon_image": "3q2+7w", "created_at":-15, "budget": "-100000000000000.13"}"##,
                status: 201,
                expect_headers: &[JSON, ("Content-Range", "*/*")],
                body: full,
                check: (
                    "SELECT encode(icon_image, 'hex'), budget FROM datarep_todos WHERE id = 6",
                    "deadbeef|-100000000000000.13",
                ),
            },
            // InsertSpec "ignores json keys not included in ?columns; parses only the ones
            // specified".
            WriteCase {
                name: "columns= parses only its columns",
                method: "POST",
                path: "/datarep_todos?columns=id,label_color&select=id,name,label_color,due_at",
                headers: &[("Prefer", "return=representation")],
                request_body: r##"{"id":8, "name": "party", "label_color": "#001100", "due_at": "invalid but should be ignored"}"##,
                status: 201,
                expect_headers: &[JSON, ("Content-Range", "*/*")],
                body: r##"[{"id":8,"name":null,"label_color":"#001100","due_at":"2018-01-01T00:00:00Z"}]"##,
                check: ("", ""),
            },
            // InsertSpec "fails without parsing anything if at least one specified column
            // doesn't exist".
            WriteCase {
                name: "an unknown column in columns=",
                method: "POST",
                path: "/datarep_todos?columns=id,label_color,helicopters&select=id,name,label_color,due_at",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"due_at": "2019-01-03T11:00:00+00", "smth": "here", "label_color": "invalid", "fake_id": 13}"#,
                status: 400,
                expect_headers: &[JSON],
                body: r#"{"code":"PGRST204","details":null,"hint":null,"message":"Could not find the 'helicopters' column of 'datarep_todos' in the schema cache"}"#,
                check: ("SELECT count(*) FROM datarep_todos", "8"),
            },
            // InsertSpec "on updatable view": "parses values in POST body and formats values in
            // return=representation".
            WriteCase {
                name: "through an updatable view",
                method: "POST",
                path: "/datarep_todos_computed",
                headers: &[("Prefer", "return=representation")],
                request_body: r##"{"id":9, "name": "party", "label_color": "#001100", "due_at": "2018-01-03T11:00:00+00"}"##,
                status: 201,
                expect_headers: &[JSON, ("Content-Range", "*/*")],
                body: r##"[{"id":9,"name":"party","label_color":"#001100","due_at":"2018-01-03T11:00:00Z","dark_color":"#000880"}]"##,
                check: ("", ""),
            },
            // Plan.mutatePlan: PATCH reads its body through the same casts, and its filters
            // through the text casts.
            WriteCase {
                name: "PATCH parses body and filter",
                method: "PATCH",
                path: "/datarep_todos?label_color=eq.%23001100&id=gt.8&select=id,label_color,created_at",
                headers: &[("Prefer", "return=representation")],
                request_body: r##"{"label_color": "#ABCDEF", "created_at": 60}"##,
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r##"[{"id":9,"label_color":"#ABCDEF","created_at":60}]"##,
                check: (
                    "SELECT label_color::int, created_at FROM datarep_todos WHERE id = 9",
                    "11259375|1970-01-01 00:01:00+00",
                ),
            },
            WriteCase {
                name: "DELETE filters parse",
                method: "DELETE",
                path: "/datarep_todos?label_color=eq.ABCDEF",
                headers: &[],
                request_body: "",
                status: 204,
                expect_headers: &[("Content-Range", "*/*")],
                body: "",
                check: ("SELECT count(*) FROM datarep_todos WHERE id = 9", "0"),
            },
        ],
    );
}
