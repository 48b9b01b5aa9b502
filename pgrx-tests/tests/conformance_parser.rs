//! PostgREST v13's query-string parser where it is lenient or strict in its own way
//! (`src/PostgREST/ApiRequest/QueryParams.hs`), and full-text search on tsvectors
//! (`Query/SqlFragment.hs`: only a column whose base type is not tsvector is wrapped in
//! `to_tsvector`; a name the schema cache does not know, a computed field, is searched as is).
//! Each case names the spec it comes from (AndOrParamsSpec, QuerySpec, JsonOperatorSpec,
//! InsertSpec) or the parser function whose behaviour it shows.

use budgetbee_e2e::{Case, Cluster, ClusterBuilder, run_cases};
use std::sync::OnceLock;

const FIXTURE: &str = r#"
CREATE TABLE entities (id int PRIMARY KEY, name text, arr int[]);
INSERT INTO entities VALUES (1, 'entity 1', '{1}'), (2, 'entity 2', '{1,2}'),
                            (3, 'entity 3', '{1,2,3}'), (4, NULL, NULL);
CREATE TABLE projects (id int PRIMARY KEY, name text, client_id int);
INSERT INTO projects VALUES (1, 'Windows 7', 1), (2, 'Windows 10', 1), (3, 'IOS', 2),
                            (4, 'OSX', 2), (5, 'Orphan', NULL);
CREATE FUNCTION getallprojects() RETURNS SETOF projects LANGUAGE sql STABLE
  AS $$ SELECT * FROM projects ORDER BY id $$;
CREATE TABLE json_arr (id int PRIMARY KEY, data json);
INSERT INTO json_arr VALUES
  (9, '[{"0xy1": [1,{"23-xy-45": [2, {"xy-6": [3]}]}]}]'),
  (10, '{"!@#$%^&*_a": [{"!@#$%^&*_b": 1}, {"!@#$%^&*_c": [2]}], "!@#$%^&*_d": {"!@#$%^&*_e": 3}}');
CREATE DOMAIN tsvector_d AS tsvector;
CREATE TABLE docs (
  id int PRIMARY KEY,
  body text NOT NULL,
  tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED,
  dtsv tsvector_d GENERATED ALWAYS AS (to_tsvector('simple', body)::tsvector_d) STORED
);
INSERT INTO docs (id, body) VALUES (1, 'Fat cats ate rats'), (2, 'The cat sat'),
                                   (3, 'A lazy dog');
CREATE FUNCTION vec(docs) RETURNS tsvector LANGUAGE sql IMMUTABLE
  AS $$ SELECT to_tsvector('simple', $1.body) $$;
GRANT SELECT ON entities, projects, json_arr, docs TO anon;
GRANT INSERT ON projects TO anon;
"#;

fn cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("conformance-parser")
            .pool(2)
            .fixture(FIXTURE)
            .start()
    })
}

const JSON: (&str, &str) = ("Content-Type", "application/json; charset=utf-8");

const ALL_PROJECTS: &str = concat!(
    r#"[{"id":1,"name":"Windows 7","client_id":1}, "#,
    "\n",
    r#" {"id":2,"name":"Windows 10","client_id":1}, "#,
    "\n",
    r#" {"id":3,"name":"IOS","client_id":2}, "#,
    "\n",
    r#" {"id":4,"name":"OSX","client_id":2}, "#,
    "\n",
    r#" {"id":5,"name":"Orphan","client_id":null}]"#
);

const COLUMNS_ERROR: &str = r#"{"code":"PGRST100","details":"unexpected end of input expecting field name (* or [a..z0..9_$])","hint":null,"message":"\"failed to parse columns parameter ()\" (line 1, column 1)"}"#;

#[test]
fn logic_trees_and_lists_read_as_postgrest_reads_them() {
    run_cases(
        cluster(),
        &[
            // AndOrParamsSpec "allows whitespace".
            Case {
                name: "spaces around items, commas and parentheses",
                method: "GET",
                path: "/entities?and=(%20and%20(%20id.in.(%201,%202,%203%20)%20,%20id.eq.3%20)%20,%20or%20(%20id.eq.2%20,%20id.eq.3%20)%20)&select=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":3}]"#,
            },
            // AndOrParamsSpec "can handle eq and neq": the parser stops after the tree.
            Case {
                name: "a trailing ) after the tree",
                method: "GET",
                path: "/entities?and=(id.eq.1,id.neq.2))&select=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":1}]"#,
            },
            // AndOrParamsSpec "can have three conditions" / "four conditions combining and/or".
            Case {
                name: "a space after each comma",
                method: "GET",
                path: "/entities?or=(id.eq.1,%20id.eq.2,%20id.eq.3)&select=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: "[{\"id\":1}, \n {\"id\":2}, \n {\"id\":3}]",
            },
            Case {
                name: "nested trees with spaces",
                method: "GET",
                path: "/entities?or=(%20id.eq.1,%20id.eq.2,%20and(id.in.(1,3),%20id.in.(2,3)),%20id.eq.4%20)&select=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: "[{\"id\":1}, \n {\"id\":2}, \n {\"id\":3}, \n {\"id\":4}]",
            },
            // AndOrParamsSpec "cannot have zero conditions".
            Case {
                name: "or=() is an error",
                method: "GET",
                path: "/entities?or=()",
                headers: &[],
                status: 400,
                expect_headers: &[JSON],
                body: r#"{"code":"PGRST100","details":"unexpected \")\" expecting field name (* or [a..z0..9_$]), negation operator (not) or logic operator (and, or)","hint":null,"message":"\"failed to parse logic tree (())\" (line 1, column 4)"}"#,
            },
            // QuerySpec "returns an empty result ignoring spaces".
            Case {
                name: "in.( spaces ) is the empty list",
                method: "GET",
                path: "/entities?id=in.(%20%20%20%20)",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: "[]",
            },
            // QuerySpec "only returns an empty result set if the in value is empty".
            Case {
                name: "an empty element among others is a value",
                method: "GET",
                path: "/entities?id=in.(%20,3,4)",
                headers: &[],
                status: 400,
                expect_headers: &[JSON],
                body: r#"{"code":"22P02","details":null,"hint":null,"message":"invalid input syntax for type integer: \"\""}"#,
            },
            // QueryParams.pListElement: an element keeps its spaces (they are part of a text).
            Case {
                name: "spaces inside an element are the element's",
                method: "GET",
                path: "/entities?name=in.(entity%201,%20entity%202)&select=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":1}]"#,
            },
            // QueryParams.pOpExpr: the filter ends where the operation does.
            Case {
                name: "is.null followed by anything",
                method: "GET",
                path: "/entities?name=is.nullx&select=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":4}]"#,
            },
        ],
    );
}

#[test]
fn select_columns_and_json_keys() {
    run_cases(
        cluster(),
        &[
            // QuerySpec "empty root select" "gives all columns".
            Case {
                name: "select= is every column",
                method: "GET",
                path: "/projects?select=",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: ALL_PROJECTS,
            },
            Case {
                name: "select= on a function's rows",
                method: "GET",
                path: "/rpc/getallprojects?select=",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: ALL_PROJECTS,
            },
            // QueryParams.pRequestColumns: a `columns` with a value is parsed, for any method.
            Case {
                name: "columns= is an error",
                method: "GET",
                path: "/projects?columns=",
                headers: &[],
                status: 400,
                expect_headers: &[JSON],
                body: COLUMNS_ERROR,
            },
            Case {
                name: "a bare columns is no list",
                method: "GET",
                path: "/projects?columns&select=id&id=eq.3",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":3}]"#,
            },
            Case {
                name: "on_conflict= is an error",
                method: "GET",
                path: "/projects?on_conflict=",
                headers: &[],
                status: 400,
                expect_headers: &[JSON],
                body: r#"{"code":"PGRST100","details":"unexpected end of input expecting field name (* or [a..z0..9_$])","hint":null,"message":"\"failed to parse on_conflict parameter ()\" (line 1, column 1)"}"#,
            },
            // JsonOperatorSpec "accepts special characters in the key's name" (`#`, `%`, `^`
            // and `&` percent-encoded, as a client sends them).
            Case {
                name: "keys of any non-reserved characters",
                method: "GET",
                path: "/json_arr?id=eq.10&select=data-%3E!@%23$%25%5E%26*_d-%3E%3E!@%23$%25%5E%26*_e::integer",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"!@#$%^&*_e":3}]"#,
            },
            // JsonOperatorSpec "fails when there is a reserved special character in the key's
            // name".
            Case {
                name: "a key cannot start with a delimiter",
                method: "GET",
                path: "/json_arr?id=eq.10&select=data-%3E(!@%23$%25%5E%26*_d-%3E%3E!@%23$%25%5E%26*_e::integer",
                headers: &[],
                status: 400,
                expect_headers: &[JSON],
                body: r#"{"code":"PGRST100","details":"unexpected \"(\" expecting \"-\", digit or any non reserved character different from: .,>()","hint":null,"message":"\"failed to parse select parameter (data->(!@#$%^&*_d->>!@#$%^&*_e::integer)\" (line 1, column 7)"}"#,
            },
            // JsonOperatorSpec "can get array of ints and alias/cast it" (the keys with digits
            // and dashes of json_arr row 9).
            Case {
                name: "keys with digits and inner dashes",
                method: "GET",
                path: "/json_arr?id=eq.9&select=data-%3E0-%3E0xy1-%3E1-%3E23-xy-45-%3E1-%3Exy-6-%3E%3E0",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"xy-6":"3"}]"#,
            },
        ],
    );
}

#[test]
fn full_text_search_on_vectors_uses_them_as_they_are() {
    run_cases(
        cluster(),
        &[
            // QuerySpec "finds matches with different dictionaries": the vector is queried.
            Case {
                name: "a tsvector column with a language",
                method: "GET",
                path: "/docs?select=id&tsv=fts(simple).cats",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":1}]"#,
            },
            // The 'simple' vector has no 'cat' lexeme: english's stem of `cats` finds nothing.
            Case {
                name: "the query's language is the query's only",
                method: "GET",
                path: "/docs?select=id&tsv=fts(english).cats",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":2}]"#,
            },
            // Resolved by base type (cfBaseType), as v13 fixed for domains (#4135).
            Case {
                name: "a domain over tsvector",
                method: "GET",
                path: "/docs?select=id&dtsv=fts(simple).cats",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":1}]"#,
            },
            Case {
                name: "a domain over tsvector, plfts and negated",
                method: "GET",
                path: "/docs?select=id&dtsv=not.plfts(simple).lazy%20dog",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: "[{\"id\":1}, \n {\"id\":2}]",
            },
            // A computed field is not a column of the schema cache: no to_tsvector.
            Case {
                name: "a computed field returning a tsvector",
                method: "GET",
                path: "/docs?select=id&vec=phfts(simple).lazy%20dog",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":3}]"#,
            },
            Case {
                name: "in a logic tree",
                method: "GET",
                path: "/docs?select=id&or=(dtsv.fts(simple).cats,vec.wfts(simple).lazy)",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: "[{\"id\":1}, \n {\"id\":3}]",
            },
            // A text column is made a vector in the same language (#2255).
            Case {
                name: "a text column with a language",
                method: "GET",
                path: "/docs?select=id&body=fts(simple).cats",
                headers: &[],
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":1}]"#,
            },
        ],
    );
}
