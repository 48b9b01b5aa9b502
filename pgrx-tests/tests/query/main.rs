//! The PostgREST v13 read grammar end to end, case by case: `select` (aliases, casts, JSON
//! paths), every filter operator with `not.` and `(any)`/`(all)`, logic trees, `order`,
//! `limit`/`offset`, the `Range` header, `Prefer: count=...`, `handling=`, media types, schema
//! profiles, `db-max-rows`, and the errors clients see.
//!
//! Every expected body was produced by PostgreSQL 17 itself, running the statement PostgREST v13
//! builds (`WITH pgrst_source AS (...) SELECT coalesce(json_agg(_postgrest_t), '[]') ...`, the
//! singular, nulls=stripped and CSV variants) over this file's fixture; statuses, headers and
//! error texts follow PostgREST's source and spec files (Error.hs, QueryParams.hs, RangeQuery.hs,
//! Response.hs, MediaType.hs, Preferences.hs; QuerySpec, AndOrParamsSpec, JsonOperatorSpec,
//! RangeSpec, SingularSpec, NullsStripSpec, MultipleSchemaSpec, QueryLimitedSpec, HandlingSpec).
//!
//! Request targets percent-encode what an HTTP client must (space, `"`, `<`, `>`, non-ASCII:
//! `data->a` is sent as `data-%3Ea`), except in `request_targets_with_raw_reserved_characters`.

use budgetbee_e2e::{ABSENT, Case, Cluster, ClusterBuilder, run_cases};
use std::sync::OnceLock;

/// Small on purpose: bodies stay short. `ANALYZE` makes `count=planned` exact for these
/// unfiltered tables. `extra.shorty` exists but `extra` is only on the search path of the
/// schemas cluster (`db_extra_search_path`).
const FIXTURE: &str = r#"
CREATE TABLE items (
  id int PRIMARY KEY,
  name text NOT NULL,
  price numeric(6,2),
  qty int,
  active boolean,
  tags text[],
  data jsonb,
  note text
);
INSERT INTO items VALUES
  (1, 'apple',    0.50, 10,   true,  '{fruit,red}',    '{"a": {"b": "x"}, "arr": [1, 2, 3], "n": 1}', 'crème'),
  (2, 'banana',   0.25, 0,    false, '{fruit,yellow}', '{"a": {"b": "y"}, "arr": [4, 5], "n": 2}', NULL),
  (3, 'carrot',   0.10, 25,   NULL,  '{vegetable}',    '{"a": {"b": "x"}, "arr": [], "n": 3, "key with space": true}', 'it''s orange'),
  (4, 'Dates',    3.00, 5,    true,  '{}',             '{"a": null, "n": 4, "k.dot": "d"}', 'sweet, sticky'),
  (5, 'eggplant', NULL, NULL, false, NULL,             NULL, E'say "hi" \\ bye');
CREATE TABLE ranges (id int PRIMARY KEY, r int4range, during tsrange);
INSERT INTO ranges VALUES
  (1, '[1,5)',   '[2024-01-01 00:00, 2024-01-02 00:00)'),
  (2, '[5,10)',  '[2024-01-02 00:00, 2024-01-03 00:00)'),
  (3, '[10,20)', '[2024-01-05 00:00, 2024-01-10 00:00)'),
  (4, NULL, NULL);
CREATE TABLE docs (
  id int PRIMARY KEY,
  body text NOT NULL,
  tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED
);
INSERT INTO docs (id, body) VALUES
  (1, 'The quick brown fox jumps over the lazy dog'),
  (2, 'Fat cats ate fat rats'),
  (3, 'The cat sat on the mat'),
  (4, 'Le chat est sur le tapis');
CREATE TABLE people (id int PRIMARY KEY, "first name" text, "quote""d" text, "a.b" int, "Mixed" text);
INSERT INTO people VALUES (1, 'Ann', 'q"1', 10, 'M1'), (2, 'Bob', NULL, 20, 'M2');
CREATE VIEW cheap_items AS SELECT id, name, price FROM items WHERE price < 1;
GRANT SELECT ON items, ranges, docs, people, cheap_items TO anon;
ANALYZE items, ranges, docs, people;
CREATE SCHEMA extra;
CREATE DOMAIN extra.shorty AS text;
GRANT USAGE ON SCHEMA extra TO anon;
"#;

/// A second exposed schema for the profiles cluster.
const SCHEMAS_FIXTURE: &str = r#"
CREATE SCHEMA v2;
CREATE TABLE v2.items (id int PRIMARY KEY, name text);
INSERT INTO v2.items VALUES (10, 'v2 ten'), (20, 'v2 twenty');
CREATE TABLE v2.only_v2 (id int);
INSERT INTO v2.only_v2 VALUES (1);
GRANT USAGE ON SCHEMA v2 TO anon;
GRANT SELECT ON v2.items, v2.only_v2 TO anon;
ANALYZE v2.items, v2.only_v2;
"#;

fn cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("query")
            .pool(2)
            .fixture(FIXTURE)
            .start()
    })
}

/// `db_schemas = 'public,v2'`, `db_extra_search_path = 'public,extra'`.
fn schemas_cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("query-schemas")
            .pool(2)
            .setting("budgetbee.db_schemas", "public,v2")
            .setting("budgetbee.db_extra_search_path", "public,extra")
            .fixture(FIXTURE)
            .fixture(SCHEMAS_FIXTURE)
            .start()
    })
}

/// `db_max_rows = 2`.
fn max_rows_cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("query-max-rows")
            .pool(2)
            .setting("budgetbee.db_max_rows", "2")
            .fixture(FIXTURE)
            .start()
    })
}

const JSON: (&str, &str) = ("Content-Type", "application/json; charset=utf-8");
const CSV: (&str, &str) = ("Content-Type", "text/csv; charset=utf-8");
const OBJECT: (&str, &str) = (
    "Content-Type",
    "application/vnd.pgrst.object+json; charset=utf-8",
);
const ARRAY_STRIPPED: (&str, &str) = (
    "Content-Type",
    "application/vnd.pgrst.array+json;nulls=stripped; charset=utf-8",
);
const OBJECT_STRIPPED: (&str, &str) = (
    "Content-Type",
    "application/vnd.pgrst.object+json;nulls=stripped; charset=utf-8",
);

mod comparisons;
mod errors;
mod logic_and_order;
mod negotiation;
mod operators;
mod profiles;
mod ranges;
mod select;
