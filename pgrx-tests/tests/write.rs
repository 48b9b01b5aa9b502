//! Writes (issue 5) end to end, case by case, as postgrest-js sends them: `POST` with JSON
//! objects and arrays, `text/csv` and `application/x-www-form-urlencoded`; `columns=`,
//! `Prefer: return=`/`missing=`/`resolution=`/`count=`/`handling=`/`max-affected=`/`tx=`;
//! upserts (`on_conflict=`, `PUT`); `PATCH` and `DELETE` with filters; writes through views;
//! the SQLSTATEs writes raise; a 600-row all-or-nothing insert and a 10,000-row insert timed
//! against `COPY`. Every case checks status, the headers clients read and the exact body, then
//! a SQL query proving what the write did (or did not) change. Cases of one function run in
//! order on their own tables, so each function is a sequence over a state it alone touches.
//!
//! Other files: `write_tx.rs` (`budgetbee.db_tx_end` other than `commit`), `write_rls.rs`
//! (row-level security with JWTs), `write_limits.rs` (`budgetbee.server_max_body_bytes`, stalled
//! bodies).
//!
//! Every expected body was produced by PostgreSQL 17 running, over this file's fixture and in
//! this file's order, the statement PostgREST v13 builds for the request (`WITH pgrst_source AS
//! (INSERT|UPDATE|DELETE ... RETURNING ...) SELECT coalesce(json_agg(_postgrest_t), '[]') ...`,
//! payload expanded by `json_to_record(set)` with the columns' types, `jsonb_build_object(<column
//! defaults>) || element` for `missing=default`, `ON CONFLICT ... DO UPDATE SET c = EXCLUDED.c`
//! with the `pgrst.inserted` counter for upserts); error bodies are the server's own SQLSTATE,
//! message, detail and hint. PostgREST facts (PostgREST/postgrest, v13 sources and specs):
//!
//! - Statuses (`Response.hs` `actionResponse`): POST 201, or 200 when `resolution=merge-duplicates`
//!   inserted nothing (`pgrst.inserted` = 0, e.g. only updates or an empty array); `ignore-
//!   duplicates` is always 201. PATCH/DELETE 204, 200 with `return=representation`. PUT 204, with
//!   `return=representation` 201 when it inserted and 200 when it updated.
//! - `Content-Range` on writes (`RangeQuery.contentRangeH lower upper total`, range part `*` when
//!   lower > upper, total `*` unless `count=exact`): POST and DELETE use (1, 0) so always `*/*`,
//!   or `*/n` with `count=exact` (`InsertSpec` "*/1", `DeleteSpec` "*/1"); PATCH uses (0, n-1):
//!   `0-0/*` for one row, `0-1/*` for two, `*/*` for none, `0-1/2` / `*/0` with `count=exact`
//!   (`UpdateSpec`); PUT sends none.
//! - `Location` only for `return=headers-only` on POST when exactly one row was inserted
//!   (`Statements.hs` `CASE WHEN count(_postgrest_t) = 1`): `/<table>?<pk>=eq.<value>&...`, keys in
//!   the returned row's column order, rendered by http-types `renderSimpleQuery True` (every byte
//!   but `A-Z a-z 0-9 - _ . ~` percent-encoded, upper-case hex: `Rock & R+ll` →
//!   `Rock%20%26%20R%2Bll`).
//! - `Preference-Applied` (`Preferences.hs` `prefAppliedHeader`): `, `-joined in the order
//!   resolution, missing, return, count, tx, handling, timezone, max-affected; POST omits
//!   `resolution=` when the table has no primary key and no `on_conflict=`, and never echoes
//!   `max-affected=`; PATCH/DELETE echo `max-affected=` only with `handling=strict`; DELETE and PUT
//!   never echo `missing=`, PUT never `resolution=`; `tx=` only when `db_tx_end` allows overrides.
//!   The first occurrence of a preference wins, across headers too.
//! - Payload (`ApiRequest/Payload.hs`): JSON must be an object or an array of objects with the
//!   same keys (else PGRST102 "All object keys must match"); an empty or unparsable body is
//!   PGRST102 "Empty or invalid json"; a scalar is taken as an empty array; with `columns=` the body
//!   is not checked but sent to SQL as is. CSV: a header row, `NULL` is null, every other field a
//!   string (empty included); rows of another width: PGRST102 "All lines must have same number of
//!   fields". Form bodies: `parseSimpleQuery`, every value a string, a repeated key keeps the last
//!   value. Another Content-Type: PGRST102 "Content-Type not acceptable: <type>". DELETE bodies are
//!   never read.
//! - Errors (`Error.hs`): PGRST204 400 "Could not find the '<col>' column of '<table>' in the
//!   schema cache" (a payload key or `columns=` entry); PGRST105 405 "Filters must include all and
//!   only primary key columns with 'eq' operators"; PGRST114 400 "limit/offset querystring
//!   parameters are not allowed for PUT"; PGRST115 400 "Payload values do not match URL in primary
//!   key column(s)" (rolled back); PGRST124 400 "Query result exceeds max-affected preference
//!   constraint", details "The query affects N rows" (PATCH/DELETE with `handling=strict`, rolled
//!   back); PGRST116 406 for `Accept: application/vnd.pgrst.object+json` unless exactly one row
//!   (rolled back); SQLSTATE 23503/23505 409, 25006 405, 42501 401 for anon (with
//!   `WWW-Authenticate: Bearer`) else 403, 21000/55000 500, others (22P02, 22003, 22008, 23502,
//!   23514, 42P10, 44000) 400. Every error carries `Proxy-Status: PostgREST; error=<code>`.
//!
//! Cases marked ASSUMPTION follow PostgREST's code where no spec test pins the behaviour.

mod write_support;

use budgetbee_e2e::{ABSENT, Cluster, ClusterBuilder, Conn, WriteCase, run_write_cases};
use std::sync::OnceLock;
use std::time::Instant;
use write_support::*;

/// One table (or a few) per test function; `GRANT`s give `anon` every write except on
/// `readonly_things`. `hit_counter` is a view whose function inserts (a GET of it fails in the
/// read-only transaction GETs run in). The `tx_*` tables come from `TX_FIXTURE`.
const FIXTURE: &str = r#"
-- post_json
CREATE TABLE notes (
  id int PRIMARY KEY,
  body text NOT NULL,
  stars int DEFAULT 3 CHECK (stars BETWEEN 0 AND 5),
  done boolean NOT NULL DEFAULT false,
  tags text[],
  meta jsonb,
  price numeric(6,2),
  due date
);
-- post_csv
CREATE TABLE sheet (id int PRIMARY KEY, name text NOT NULL, qty int, ok boolean, note text);
-- post_form
CREATE TABLE signups (
  id int PRIMARY KEY,
  email text NOT NULL,
  name text,
  age int,
  newsletter boolean NOT NULL DEFAULT false
);
-- post_return_and_accept
CREATE TABLE clients (id int PRIMARY KEY, name text NOT NULL);
INSERT INTO clients VALUES (1, 'Acme'), (2, 'Globex');
CREATE TABLE projects (id int PRIMARY KEY, name text NOT NULL, client_id int REFERENCES clients (id), note text);
CREATE TABLE pairs (k1 int, k2 text, extra text, PRIMARY KEY (k1, k2));
CREATE TABLE tickets (id serial PRIMARY KEY, title text NOT NULL);
-- post_columns_and_missing
CREATE TABLE defaults_demo (id int PRIMARY KEY, name text DEFAULT 'unnamed', qty int DEFAULT 1, note text);
-- upsert_with_post
CREATE TABLE langs (name text PRIMARY KEY, rank int NOT NULL);
INSERT INTO langs VALUES ('C', 1), ('Java', 2), ('Python', 3);
CREATE TABLE handles (id int PRIMARY KEY, handle text NOT NULL UNIQUE, shown text);
INSERT INTO handles VALUES (1, 'ann', 'Ann'), (2, 'bob', 'Bob');
CREATE TABLE employees (first_name text, last_name text, salary int NOT NULL, PRIMARY KEY (first_name, last_name));
INSERT INTO employees VALUES ('Ada', 'Lovelace', 100);
CREATE TABLE logs (msg text, level int);
-- put
CREATE TABLE settings (key text PRIMARY KEY, value text NOT NULL);
INSERT INTO settings VALUES ('theme', 'dark'), ('lang', 'en');
CREATE TABLE grid (x int, y int, label text, PRIMARY KEY (x, y));
INSERT INTO grid VALUES (0, 0, 'origin');
CREATE TABLE events (name text, at int);
-- patch
CREATE TABLE tasks (
  id int PRIMARY KEY,
  title text NOT NULL,
  done boolean NOT NULL DEFAULT false,
  points int NOT NULL DEFAULT 1 CHECK (points >= 0)
);
INSERT INTO tasks VALUES (1, 'write', false, 3), (2, 'test', false, 2), (3, 'ship', false, 5),
  (4, 'rest', true, 0), (5, 'plan', false, 1), (6, 'review', false, 2), (7, 'deploy', false, 8);
-- delete
CREATE TABLE trash (id int PRIMARY KEY, label text NOT NULL);
INSERT INTO trash SELECT g, 'item ' || g FROM generate_series(1, 12) g;
CREATE TABLE folders (id int PRIMARY KEY, name text NOT NULL);
INSERT INTO folders VALUES (1, 'docs'), (2, 'empty');
CREATE TABLE files (id int PRIMARY KEY, folder_id int NOT NULL REFERENCES folders (id), name text);
INSERT INTO files VALUES (1, 1, 'readme');
-- max_affected
CREATE TABLE ledger (id int PRIMARY KEY, amount int NOT NULL);
INSERT INTO ledger SELECT g, g * 10 FROM generate_series(1, 10) g;
-- views
CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL, active boolean NOT NULL DEFAULT true, secret text DEFAULT 'hidden');
INSERT INTO people VALUES (1, 'Ann', true, 's1'), (2, 'Bob', false, 's2');
CREATE VIEW active_people AS SELECT id, name, active FROM people WHERE active;
CREATE VIEW checked_people AS SELECT id, name, active FROM people WHERE active WITH LOCAL CHECK OPTION;
CREATE VIEW people_count AS SELECT count(*) AS n FROM people;
-- postgres_errors
CREATE TABLE readonly_things (id int PRIMARY KEY, name text);
INSERT INTO readonly_things VALUES (1, 'fixed');
CREATE TABLE hits (n int);
CREATE FUNCTION record_hit() RETURNS int LANGUAGE sql VOLATILE AS $$ INSERT INTO hits VALUES (1) RETURNING n $$;
CREATE VIEW hit_counter AS SELECT record_hit() AS n;
-- bulk
CREATE TABLE bulk_atomic (id int PRIMARY KEY, name text NOT NULL, qty int NOT NULL CHECK (qty >= 0));
CREATE TABLE bulk_rows (id int PRIMARY KEY, name text NOT NULL, amount numeric(10,2), created date);
CREATE TABLE bulk_copy (id int PRIMARY KEY, name text NOT NULL, amount numeric(10,2), created date);

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO anon;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO anon;
REVOKE INSERT, UPDATE, DELETE ON readonly_things FROM anon;
"#;

fn cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("write")
            .pool(2)
            .fixture(FIXTURE)
            .fixture(TX_FIXTURE)
            .start()
    })
}

/// `POST` with `application/json`: objects, arrays, value conversion by column type, the payload
/// errors PostgREST reports itself (PGRST102/204) and the ones PostgreSQL raises.
#[test]
fn post_json() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "a JSON object inserts one row: 201, empty body, no Content-Type",
                method: "POST",
                path: "/notes",
                headers: &[],
                request_body: r#"{"id":1,"body":"first"}"#,
                status: 201,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    NO_LOCATION,
                    ("Content-Range", "*/*"),
                    NO_PREFERENCE_APPLIED,
                ],
                body: "",
                check: (
                    "SELECT id, body, stars, done FROM notes ORDER BY id",
                    "1|first|3|f",
                ),
            },
            WriteCase {
                name: "a JSON array of objects inserts every element",
                method: "POST",
                path: "/notes",
                headers: &[],
                request_body: r#"[{"id":2,"body":"second"},{"id":3,"body":"third"}]"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE, NO_LOCATION, ("Content-Range", "*/*")],
                body: "",
                check: (
                    "SELECT string_agg(id::text, ',' ORDER BY id) FROM notes",
                    "1,2,3",
                ),
            },
            WriteCase {
                name: "JSON values take the column types: text[], jsonb, numeric, date, boolean",
                method: "POST",
                path: "/notes",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"id":4,"body":"typed","stars":5,"done":true,"tags":["a","b c"],"meta":{"k":[1,2],"s":"x"},"price":12.5,"due":"2024-02-29"}"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    NO_LOCATION,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: r#"[{"id":4,"body":"typed","stars":5,"done":true,"tags":["a","b c"],"meta":{"k": [1, 2], "s": "x"},"price":12.50,"due":"2024-02-29"}]"#,
                check: (
                    "SELECT tags[2], meta->>'s', price, due FROM notes WHERE id = 4",
                    "b c|x|12.50|2024-02-29",
                ),
            },
            WriteCase {
                name: "a PostgreSQL array literal in a string fills an array column",
                method: "POST",
                path: "/notes?select=id,tags",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"id":5,"body":"literal","tags":"{x,y}"}"#,
                status: 201,
                expect_headers: &[JSON],
                body: r#"[{"id":5,"tags":["x","y"]}]"#,
                check: ("SELECT array_length(tags, 1) FROM notes WHERE id = 5", "2"),
            },
            WriteCase {
                name: "a JSON null stores SQL NULL, not the column default",
                method: "POST",
                path: "/notes?select=id,stars,meta",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"id":6,"body":"nulls","stars":null,"meta":null}"#,
                status: 201,
                expect_headers: &[JSON],
                body: r#"[{"id":6,"stars":null,"meta":null}]"#,
                check: (
                    "SELECT stars IS NULL, meta IS NULL FROM notes WHERE id = 6",
                    "t|t",
                ),
            },
            WriteCase {
                name: "object keys may come in any order",
                method: "POST",
                path: "/notes?select=id,body",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"body":"reordered","id":7}"#,
                status: 201,
                expect_headers: &[JSON],
                body: r#"[{"id":7,"body":"reordered"}]"#,
                check: (
                    "SELECT string_agg(id::text, ',' ORDER BY id) FROM notes",
                    "1,2,3,4,5,6,7",
                ),
            },
            WriteCase {
                name: "a JSON string for an integer and a number for a text column are converted",
                method: "POST",
                path: "/notes?select=id,body",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"id":"8","body":12345}"#,
                status: 201,
                expect_headers: &[JSON],
                body: r#"[{"id":8,"body":"12345"}]"#,
                check: ("SELECT body FROM notes WHERE id = 8", "12345"),
            },
            WriteCase {
                name: "a JSON object for a text column is stored as its JSON text",
                method: "POST",
                path: "/notes?select=body",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"id":9,"body":{"nested":[1,2]}}"#,
                status: 201,
                expect_headers: &[JSON],
                body: r#"[{"body":"{\"nested\":[1,2]}"}]"#,
                check: ("SELECT body FROM notes WHERE id = 9", r#"{"nested":[1,2]}"#),
            },
            WriteCase {
                name: "whitespace around the JSON is insignificant",
                method: "POST",
                path: "/notes?select=id",
                headers: &[("Prefer", "return=representation")],
                request_body: "\t \n \r {\"id\":10,\"body\":\"spaced\"}\t \n \r ",
                status: 201,
                expect_headers: &[JSON],
                body: r#"[{"id":10}]"#,
                check: (
                    "SELECT string_agg(id::text, ',' ORDER BY id) FROM notes",
                    "1,2,3,4,5,6,7,8,9,10",
                ),
            },
            WriteCase {
                name: "an empty JSON array inserts nothing: 201",
                method: "POST",
                path: "/notes",
                headers: &[("Prefer", "return=representation")],
                request_body: "[]",
                status: 201,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: "[]",
                check: ("SELECT count(*) FROM notes", "10"),
            },
            // ASSUMPTION (no spec test): ApiRequest/Payload.hs payloadAttributes takes anything
            // but an object or an array as an empty array ("truncate everything else to an
            // empty array").
            WriteCase {
                name: "a JSON scalar is taken as an empty array (inserts nothing)",
                method: "POST",
                path: "/notes",
                headers: &[("Prefer", "return=representation")],
                request_body: "42",
                status: 201,
                expect_headers: &[JSON, ("Content-Range", "*/*")],
                body: "[]",
                check: ("SELECT count(*) FROM notes", "10"),
            },
            WriteCase {
                name: "Content-Type: application/json; charset=utf-8 is JSON",
                method: "POST",
                path: "/notes?select=id",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Content-Type", "application/json; charset=utf-8"),
                ],
                request_body: r#"{"id":11,"body":"charset"}"#,
                status: 201,
                expect_headers: &[JSON],
                body: r#"[{"id":11}]"#,
                check: ("SELECT count(*) FROM notes", "11"),
            },
            // InsertSpec "rejects json array that has objects with different keys".
            WriteCase {
                name: "array elements with different keys: 400 PGRST102, nothing inserted",
                method: "POST",
                path: "/notes",
                headers: &[],
                request_body: r#"[{"id":20,"body":"a"},{"id":21,"body":"b","stars":1}]"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST102")],
                body: r#"{"code":"PGRST102","details":null,"hint":null,"message":"All object keys must match"}"#,
                check: ("SELECT count(*) FROM notes WHERE id BETWEEN 20 AND 39", "0"),
            },
            WriteCase {
                name: "an array element that is not an object: PGRST102",
                method: "POST",
                path: "/notes",
                headers: &[],
                request_body: r#"[{"id":20,"body":"a"},7]"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST102")],
                body: r#"{"code":"PGRST102","details":null,"hint":null,"message":"All object keys must match"}"#,
                check: ("SELECT count(*) FROM notes WHERE id BETWEEN 20 AND 39", "0"),
            },
            WriteCase {
                name: "an array of scalars: PGRST102",
                method: "POST",
                path: "/notes",
                headers: &[],
                request_body: "[1,2]",
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST102")],
                body: r#"{"code":"PGRST102","details":null,"hint":null,"message":"All object keys must match"}"#,
                check: ("SELECT count(*) FROM notes", "11"),
            },
            WriteCase {
                name: r#"invalid JSON: 400 PGRST102 "Empty or invalid json""#,
                method: "POST",
                path: "/notes",
                headers: &[],
                request_body: "}{ x = 2",
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST102")],
                body: r#"{"code":"PGRST102","details":null,"hint":null,"message":"Empty or invalid json"}"#,
                check: ("SELECT count(*) FROM notes", "11"),
            },
            WriteCase {
                name: "an empty body: PGRST102",
                method: "POST",
                path: "/notes",
                headers: &[],
                request_body: "",
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST102")],
                body: r#"{"code":"PGRST102","details":null,"hint":null,"message":"Empty or invalid json"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "a body of whitespace only: PGRST102",
                method: "POST",
                path: "/notes",
                headers: &[],
                request_body: " \n\t ",
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST102")],
                body: r#"{"code":"PGRST102","details":null,"hint":null,"message":"Empty or invalid json"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "truncated JSON: PGRST102",
                method: "POST",
                path: "/notes",
                headers: &[],
                request_body: r#"{"id":20,"body":"x""#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST102")],
                body: r#"{"code":"PGRST102","details":null,"hint":null,"message":"Empty or invalid json"}"#,
                check: ("SELECT count(*) FROM notes WHERE id BETWEEN 20 AND 39", "0"),
            },
            // Payload.hs replaces aeson's parse error with the generic "Empty or invalid json"
            // (#2344).
            WriteCase {
                name: "JSON followed by garbage: PGRST102",
                method: "POST",
                path: "/notes",
                headers: &[],
                request_body: r#"{"id":20,"body":"x"} trailing"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST102")],
                body: r#"{"code":"PGRST102","details":null,"hint":null,"message":"Empty or invalid json"}"#,
                check: ("SELECT count(*) FROM notes WHERE id BETWEEN 20 AND 39", "0"),
            },
            // Payload.hs: a Content-Type other than JSON, CSV or form is InvalidBody "Content-
            // Type not acceptable: <mime>" (PGRST102, 400) for tables.
            WriteCase {
                name: "Content-Type: text/plain is not a table payload: 400 PGRST102",
                method: "POST",
                path: "/notes",
                headers: &[("Content-Type", "text/plain")],
                request_body: r#"{"id":90,"body":"x"}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST102")],
                body: r#"{"code":"PGRST102","details":null,"hint":null,"message":"Content-Type not acceptable: text/plain"}"#,
                check: ("SELECT count(*) FROM notes WHERE id = 90", "0"),
            },
            WriteCase {
                name: "a key that is no column: 400 PGRST204",
                method: "POST",
                path: "/notes",
                headers: &[],
                request_body: r#"{"id":20,"body":"x","colour":"red"}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST204")],
                body: r#"{"code":"PGRST204","details":null,"hint":null,"message":"Could not find the 'colour' column of 'notes' in the schema cache"}"#,
                check: ("SELECT count(*) FROM notes WHERE id BETWEEN 20 AND 39", "0"),
            },
            WriteCase {
                name: "an unknown key in every element of an array: PGRST204",
                method: "POST",
                path: "/notes",
                headers: &[],
                request_body: r#"[{"id":20,"body":"x","colour":"red"},{"id":21,"body":"y","colour":"blue"}]"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST204")],
                body: r#"{"code":"PGRST204","details":null,"hint":null,"message":"Could not find the 'colour' column of 'notes' in the schema cache"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "an empty object takes every default: NOT NULL id fails with 23502 (400)",
                method: "POST",
                path: "/notes",
                headers: &[],
                request_body: "{}",
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=23502")],
                body: r#"{"code":"23502","details":"Failing row contains (null, null, 3, f, null, null, null, null).","hint":null,"message":"null value in column \"id\" of relation \"notes\" violates not-null constraint"}"#,
                check: ("SELECT count(*) FROM notes WHERE id < 20", "11"),
            },
            WriteCase {
                name: "null in a NOT NULL column: 23502 (400)",
                method: "POST",
                path: "/notes",
                headers: &[],
                request_body: r#"{"id":20,"body":null}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=23502")],
                body: r#"{"code":"23502","details":"Failing row contains (20, null, 3, f, null, null, null, null).","hint":null,"message":"null value in column \"body\" of relation \"notes\" violates not-null constraint"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "a CHECK violation: 23514 (400)",
                method: "POST",
                path: "/notes",
                headers: &[],
                request_body: r#"{"id":20,"body":"x","stars":9}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=23514")],
                body: r#"{"code":"23514","details":"Failing row contains (20, x, 9, f, null, null, null, null).","hint":null,"message":"new row for relation \"notes\" violates check constraint \"notes_stars_check\""}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "text that is no integer: 22P02 (400)",
                method: "POST",
                path: "/notes",
                headers: &[],
                request_body: r#"{"id":20,"body":"x","stars":"many"}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=22P02")],
                body: r#"{"code":"22P02","details":null,"hint":null,"message":"invalid input syntax for type integer: \"many\""}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "numeric overflow: 22003 (400)",
                method: "POST",
                path: "/notes",
                headers: &[],
                request_body: r#"{"id":20,"body":"x","price":123456}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=22003")],
                body: r#"{"code":"22003","details":"A field with precision 6, scale 2 must round to an absolute value less than 10^4.","hint":null,"message":"numeric field overflow"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "an impossible date: 22008 (400)",
                method: "POST",
                path: "/notes",
                headers: &[],
                request_body: r#"{"id":20,"body":"x","due":"2024-02-30"}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=22008")],
                body: r#"{"code":"22008","details":null,"hint":null,"message":"date/time field value out of range: \"2024-02-30\""}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "a duplicate primary key: 23505 (409)",
                method: "POST",
                path: "/notes",
                headers: &[],
                request_body: r#"{"id":1,"body":"again"}"#,
                status: 409,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=23505")],
                body: r#"{"code":"23505","details":"Key (id)=(1) already exists.","hint":null,"message":"duplicate key value violates unique constraint \"notes_pkey\""}"#,
                check: ("SELECT body FROM notes WHERE id = 1", "first"),
            },
            WriteCase {
                name: "a duplicate inside one array: 409 and none of its rows are kept",
                method: "POST",
                path: "/notes",
                headers: &[],
                request_body: r#"[{"id":30,"body":"a"},{"id":31,"body":"b"},{"id":30,"body":"c"}]"#,
                status: 409,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=23505")],
                body: r#"{"code":"23505","details":"Key (id)=(30) already exists.","hint":null,"message":"duplicate key value violates unique constraint \"notes_pkey\""}"#,
                check: ("SELECT count(*) FROM notes WHERE id BETWEEN 20 AND 39", "0"),
            },
            WriteCase {
                name: "the table is as the successful requests left it",
                method: "POST",
                path: "/notes?select=id",
                headers: &[("Prefer", "return=representation")],
                request_body: "[]",
                status: 201,
                expect_headers: &[JSON],
                body: "[]",
                check: (
                    "SELECT string_agg(id || ':' || body, ',' ORDER BY id) FROM notes",
                    r#"1:first,2:second,3:third,4:typed,5:literal,6:nulls,7:reordered,8:12345,9:{"nested":[1,2]},10:spaced,11:charset"#,
                ),
            },
        ],
    );
}

/// `POST` with `text/csv`: header row, `NULL`, RFC 4180 quoting, CRLF, CSV out, width errors.
#[test]
fn post_csv() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "text/csv: a header row, then one row per line",
                method: "POST",
                path: "/sheet",
                headers: &[("Content-Type", "text/csv")],
                request_body: concat!(
                    "id,name,qty,ok",
                    "\n",
                    "1,one,10,true",
                    "\n",
                    "2,two,20,false"
                ),
                status: 201,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "*/*"),
                    NO_PREFERENCE_APPLIED,
                ],
                body: "",
                check: (
                    "SELECT id, name, qty, ok, note FROM sheet ORDER BY id",
                    concat!("1|one|10|t|", "\n", "2|two|20|f|"),
                ),
            },
            WriteCase {
                name: "NULL is null, an empty field is an empty string",
                method: "POST",
                path: "/sheet?select=id,qty,ok,note",
                headers: &[
                    ("Content-Type", "text/csv"),
                    ("Prefer", "return=representation"),
                ],
                request_body: concat!("id,name,qty,ok,note", "\n", "3,three,NULL,NULL,", "\n"),
                status: 201,
                expect_headers: &[JSON, ("Preference-Applied", "return=representation")],
                body: r#"[{"id":3,"qty":null,"ok":null,"note":""}]"#,
                check: ("SELECT note = '' FROM sheet WHERE id = 3", "t"),
            },
            WriteCase {
                name: "RFC 4180 quoting: commas, doubled quotes and newlines inside a field",
                method: "POST",
                path: "/sheet?select=id,name,note",
                headers: &[
                    ("Content-Type", "text/csv"),
                    ("Prefer", "return=representation"),
                ],
                request_body: concat!(
                    "id,name,note",
                    "\n",
                    r#"4,"four, quoted","say ""hi"""#,
                    "\n",
                    r#"on two lines""#,
                    "\n"
                ),
                status: 201,
                expect_headers: &[JSON],
                body: r#"[{"id":4,"name":"four, quoted","note":"say \"hi\"\non two lines"}]"#,
                check: (
                    "SELECT note FROM sheet WHERE id = 4",
                    concat!(r#"say "hi""#, "\n", "on two lines"),
                ),
            },
            WriteCase {
                name: "CRLF line endings",
                method: "POST",
                path: "/sheet",
                headers: &[("Content-Type", "text/csv")],
                request_body: "id,name\r\n5,five\r\n6,six\r\n",
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE],
                body: "",
                check: (
                    "SELECT string_agg(id || ':' || name, ',' ORDER BY id) FROM sheet",
                    "1:one,2:two,3:three,4:four, quoted,5:five,6:six",
                ),
            },
            // CSV out: header line, then each row as PostgreSQL's record text without the
            // parentheses (SqlFragment.hs asCsvF).
            WriteCase {
                name: "Accept: text/csv answers the representation in CSV",
                method: "POST",
                path: "/sheet?select=id,name,qty",
                headers: &[
                    ("Content-Type", "text/csv"),
                    ("Accept", "text/csv"),
                    ("Prefer", "return=representation"),
                ],
                request_body: concat!(
                    "id,name,qty",
                    "\n",
                    "7,seven,7",
                    "\n",
                    r#"8,"eight, or so",8"#
                ),
                status: 201,
                expect_headers: &[
                    CSV,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: concat!(
                    "id,name,qty",
                    "\n",
                    "7,seven,7",
                    "\n",
                    r#"8,"eight, or so",8"#
                ),
                check: ("SELECT count(*) FROM sheet", "8"),
            },
            WriteCase {
                name: "Content-Type: text/csv; charset=utf-8 is CSV",
                method: "POST",
                path: "/sheet?select=id,name",
                headers: &[
                    ("Content-Type", "text/csv; charset=utf-8"),
                    ("Prefer", "return=representation"),
                ],
                request_body: concat!("id,name", "\n", "9,nine", "\n"),
                status: 201,
                expect_headers: &[JSON],
                body: r#"[{"id":9,"name":"nine"}]"#,
                check: ("", ""),
            },
            // ASSUMPTION: cassava decodes a header without records to an empty array, which
            // inserts nothing.
            WriteCase {
                name: "a header without rows inserts nothing",
                method: "POST",
                path: "/sheet",
                headers: &[
                    ("Content-Type", "text/csv"),
                    ("Prefer", "return=representation"),
                ],
                request_body: concat!("id,name", "\n"),
                status: 201,
                expect_headers: &[JSON, ("Content-Range", "*/*")],
                body: "[]",
                check: ("SELECT count(*) FROM sheet", "9"),
            },
            // InsertSpec "fails for too few" (CSV).
            WriteCase {
                name: "lines with a different number of fields: 400 PGRST102",
                method: "POST",
                path: "/sheet",
                headers: &[("Content-Type", "text/csv")],
                request_body: concat!("id,name", "\n", "10,ten", "\n", "11"),
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST102")],
                body: r#"{"code":"PGRST102","details":null,"hint":null,"message":"All lines must have same number of fields"}"#,
                check: ("SELECT count(*) FROM sheet WHERE id >= 10", "0"),
            },
            WriteCase {
                name: "an empty field for an integer column: 22P02",
                method: "POST",
                path: "/sheet",
                headers: &[("Content-Type", "text/csv")],
                request_body: concat!("id,name,qty", "\n", "10,ten,"),
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=22P02")],
                body: r#"{"code":"22P02","details":null,"hint":null,"message":"invalid input syntax for type integer: \"\""}"#,
                check: ("SELECT count(*) FROM sheet WHERE id >= 10", "0"),
            },
            WriteCase {
                name: "a header that names no column: PGRST204",
                method: "POST",
                path: "/sheet",
                headers: &[("Content-Type", "text/csv")],
                request_body: concat!("id,colour", "\n", "10,red"),
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST204")],
                body: r#"{"code":"PGRST204","details":null,"hint":null,"message":"Could not find the 'colour' column of 'sheet' in the schema cache"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "a duplicate key in the second line: 409, the first line is not kept",
                method: "POST",
                path: "/sheet",
                headers: &[("Content-Type", "text/csv")],
                request_body: concat!("id,name", "\n", "10,ten", "\n", "1,one again"),
                status: 409,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=23505")],
                body: r#"{"code":"23505","details":"Key (id)=(1) already exists.","hint":null,"message":"duplicate key value violates unique constraint \"sheet_pkey\""}"#,
                check: ("SELECT count(*) FROM sheet WHERE id >= 10", "0"),
            },
        ],
    );
}

/// `POST` with `application/x-www-form-urlencoded` (every value is a string).
#[test]
fn post_form() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "key=value pairs: + is a space, %XX is decoded",
                method: "POST",
                path: "/signups",
                headers: &[("Content-Type", "application/x-www-form-urlencoded")],
                request_body: "id=1&email=ann%40example.com&name=Ann+Lee&age=31&newsletter=true",
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Range", "*/*")],
                body: "",
                check: (
                    "SELECT id, email, name, age, newsletter FROM signups ORDER BY id",
                    "1|ann@example.com|Ann Lee|31|t",
                ),
            },
            WriteCase {
                name: "with return=representation",
                method: "POST",
                path: "/signups",
                headers: &[
                    ("Content-Type", "application/x-www-form-urlencoded"),
                    ("Prefer", "return=representation"),
                ],
                request_body: "id=2&email=bob%40example.com&name=Bob%20%26%20co",
                status: 201,
                expect_headers: &[JSON, ("Preference-Applied", "return=representation")],
                body: r#"[{"id":2,"email":"bob@example.com","name":"Bob & co","age":null,"newsletter":false}]"#,
                check: ("SELECT count(*) FROM signups", "2"),
            },
            WriteCase {
                name: "an empty value is an empty string",
                method: "POST",
                path: "/signups?select=id,name",
                headers: &[
                    ("Content-Type", "application/x-www-form-urlencoded"),
                    ("Prefer", "return=representation"),
                ],
                request_body: "id=3&email=cy%40example.com&name=",
                status: 201,
                expect_headers: &[JSON],
                body: r#"[{"id":3,"name":""}]"#,
                check: ("SELECT name = '' FROM signups WHERE id = 3", "t"),
            },
            // ASSUMPTION: Payload.hs builds the object with HashMap.fromList, which keeps the
            // last value of a repeated key.
            WriteCase {
                name: "a repeated key: the last value wins",
                method: "POST",
                path: "/signups?select=id,name",
                headers: &[
                    ("Content-Type", "application/x-www-form-urlencoded"),
                    ("Prefer", "return=representation"),
                ],
                request_body: "id=4&email=di%40example.com&name=first&name=second",
                status: 201,
                expect_headers: &[JSON],
                body: r#"[{"id":4,"name":"second"}]"#,
                check: ("SELECT name FROM signups WHERE id = 4", "second"),
            },
            WriteCase {
                name: "form values are text: a non-number for an integer is 22P02",
                method: "POST",
                path: "/signups",
                headers: &[("Content-Type", "application/x-www-form-urlencoded")],
                request_body: "id=5&email=ed%40example.com&age=old",
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=22P02")],
                body: r#"{"code":"22P02","details":null,"hint":null,"message":"invalid input syntax for type integer: \"old\""}"#,
                check: ("SELECT count(*) FROM signups", "4"),
            },
            WriteCase {
                name: "a key that is no column: PGRST204",
                method: "POST",
                path: "/signups",
                headers: &[("Content-Type", "application/x-www-form-urlencoded")],
                request_body: "id=5&email=x&colour=red",
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST204")],
                body: r#"{"code":"PGRST204","details":null,"hint":null,"message":"Could not find the 'colour' column of 'signups' in the schema cache"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "a missing NOT NULL column: 23502",
                method: "POST",
                path: "/signups",
                headers: &[("Content-Type", "application/x-www-form-urlencoded")],
                request_body: "id=5&name=nobody",
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=23502")],
                body: r#"{"code":"23502","details":"Failing row contains (5, null, nobody, null, f).","hint":null,"message":"null value in column \"email\" of relation \"signups\" violates not-null constraint"}"#,
                check: ("SELECT count(*) FROM signups", "4"),
            },
        ],
    );
}

/// `Prefer: return=` (minimal, headers-only with `Location`, representation with `select=`),
/// `count=exact`, `Accept` on writes, `handling=`, and how preferences are echoed.
#[test]
fn post_return_and_accept() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "return=representation: 201 with the inserted rows",
                method: "POST",
                path: "/projects",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"id":1,"name":"Alpha","client_id":1}"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    NO_LOCATION,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: r#"[{"id":1,"name":"Alpha","client_id":1,"note":null}]"#,
                check: (
                    "SELECT string_agg(id || ':' || name, ',' ORDER BY id) FROM projects",
                    "1:Alpha",
                ),
            },
            WriteCase {
                name: "select= shapes the representation",
                method: "POST",
                path: "/projects?select=id,name",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"id":2,"name":"Beta","client_id":1,"note":"b"}"#,
                status: 201,
                expect_headers: &[JSON, ("Preference-Applied", "return=representation")],
                body: r#"[{"id":2,"name":"Beta"}]"#,
                check: (
                    "SELECT string_agg(id || ':' || name, ',' ORDER BY id) FROM projects",
                    "1:Alpha,2:Beta",
                ),
            },
            WriteCase {
                name: "select= with aliases and casts",
                method: "POST",
                path: "/projects?select=pid:id::text,pname:name,cid:client_id::text",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"id":3,"name":"Gamma","client_id":2}"#,
                status: 201,
                expect_headers: &[JSON],
                body: r#"[{"pid":"3","pname":"Gamma","cid":"2"}]"#,
                check: (
                    "SELECT string_agg(id || ':' || name, ',' ORDER BY id) FROM projects",
                    "1:Alpha,2:Beta,3:Gamma",
                ),
            },
            WriteCase {
                name: "select= without return=: no body",
                method: "POST",
                path: "/projects?select=id,name",
                headers: &[],
                request_body: r#"{"id":4,"name":"Delta"}"#,
                status: 201,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    NO_PREFERENCE_APPLIED,
                    ("Content-Range", "*/*"),
                ],
                body: "",
                check: (
                    "SELECT string_agg(id || ':' || name, ',' ORDER BY id) FROM projects",
                    "1:Alpha,2:Beta,3:Gamma,4:Delta",
                ),
            },
            WriteCase {
                name: "return=minimal: no body, echoed in Preference-Applied",
                method: "POST",
                path: "/projects?select=id",
                headers: &[("Prefer", "return=minimal")],
                request_body: r#"{"id":5,"name":"Epsilon"}"#,
                status: 201,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    NO_LOCATION,
                    ("Preference-Applied", "return=minimal"),
                    ("Content-Range", "*/*"),
                ],
                body: "",
                check: ("SELECT count(*) FROM projects", "5"),
            },
            WriteCase {
                name: "return=headers-only: Location of the new row",
                method: "POST",
                path: "/projects",
                headers: &[("Prefer", "return=headers-only")],
                request_body: r#"{"id":6,"name":"Zeta","client_id":2}"#,
                status: 201,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Location", "/projects?id=eq.6"),
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=headers-only"),
                ],
                body: "",
                check: ("SELECT count(*) FROM projects", "6"),
            },
            WriteCase {
                name: "return=headers-only with a select= that leaves out the key still locates the row",
                method: "POST",
                path: "/projects?select=name",
                headers: &[("Prefer", "return=headers-only")],
                request_body: r#"{"id":7,"name":"Eta"}"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE, ("Location", "/projects?id=eq.7")],
                body: "",
                check: ("", ""),
            },
            // Statements.hs: the Location is computed only CASE WHEN count(_postgrest_t) = 1.
            WriteCase {
                name: "return=headers-only with two rows: no Location",
                method: "POST",
                path: "/projects",
                headers: &[("Prefer", "return=headers-only")],
                request_body: r#"[{"id":8,"name":"Theta"},{"id":9,"name":"Iota"}]"#,
                status: 201,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    NO_LOCATION,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=headers-only"),
                ],
                body: "",
                check: ("SELECT count(*) FROM projects", "9"),
            },
            // Response.hs renders the pairs with http-types renderSimpleQuery True.
            WriteCase {
                name: "Location with a composite key percent-encodes the values",
                method: "POST",
                path: "/pairs",
                headers: &[("Prefer", "return=headers-only")],
                request_body: r#"{"k1":1,"k2":"Rock & R+ll","extra":"x"}"#,
                status: 201,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Location", "/pairs?k1=eq.1&k2=eq.Rock%20%26%20R%2Bll"),
                ],
                body: "",
                check: ("", ""),
            },
            WriteCase {
                name: "Location with a key the database generated",
                method: "POST",
                path: "/tickets",
                headers: &[("Prefer", "return=headers-only")],
                request_body: r#"{"title":"first ticket"}"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE, ("Location", "/tickets?id=eq.1")],
                body: "",
                check: ("SELECT id FROM tickets", "1"),
            },
            WriteCase {
                name: "count=exact: Content-Range */1",
                method: "POST",
                path: "/projects?select=id",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "count=exact"),
                ],
                request_body: r#"{"id":10,"name":"Kappa","client_id":1}"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "*/1"),
                    ("Preference-Applied", "return=representation, count=exact"),
                ],
                body: r#"[{"id":10}]"#,
                check: ("", ""),
            },
            WriteCase {
                name: "count=exact without a body: Content-Range */2",
                method: "POST",
                path: "/projects",
                headers: &[("Prefer", "count=exact")],
                request_body: r#"[{"id":11,"name":"Lambda"},{"id":12,"name":"Mu"}]"#,
                status: 201,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "*/2"),
                    ("Preference-Applied", "count=exact"),
                ],
                body: "",
                check: ("SELECT count(*) FROM projects", "12"),
            },
            WriteCase {
                name: "Accept: application/vnd.pgrst.object+json answers one object",
                method: "POST",
                path: "/projects?select=id,name",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Accept", "application/vnd.pgrst.object+json"),
                ],
                request_body: r#"{"id":13,"name":"Nu","client_id":2}"#,
                status: 201,
                expect_headers: &[OBJECT, ("Content-Range", "*/*")],
                body: r#"{"id":13,"name":"Nu"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "Accept: object with two rows: 406 PGRST116 and nothing is kept",
                method: "POST",
                path: "/projects",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Accept", "application/vnd.pgrst.object+json"),
                ],
                request_body: r#"[{"id":14,"name":"Xi"},{"id":15,"name":"Omicron"}]"#,
                status: 406,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST116")],
                body: r#"{"code":"PGRST116","details":"The result contains 2 rows","hint":null,"message":"Cannot coerce the result to a single JSON object"}"#,
                check: ("SELECT count(*) FROM projects WHERE id IN (14, 15)", "0"),
            },
            // SingularSpec "raises an error regardless of return=minimal" (Query.hs
            // failNotSingular runs for every create).
            WriteCase {
                name: "Accept: object with two rows and return=minimal: still 406",
                method: "POST",
                path: "/projects",
                headers: &[
                    ("Prefer", "return=minimal"),
                    ("Accept", "application/vnd.pgrst.object+json"),
                ],
                request_body: r#"[{"id":14,"name":"Xi"},{"id":15,"name":"Omicron"}]"#,
                status: 406,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST116")],
                body: r#"{"code":"PGRST116","details":"The result contains 2 rows","hint":null,"message":"Cannot coerce the result to a single JSON object"}"#,
                check: ("SELECT count(*) FROM projects WHERE id IN (14, 15)", "0"),
            },
            // SingularSpec "raises an error when creating zero entities".
            WriteCase {
                name: "Accept: object with an empty array: 406, the result contains 0 rows",
                method: "POST",
                path: "/projects",
                headers: &[("Accept", "application/vnd.pgrst.object+json")],
                request_body: "[]",
                status: 406,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST116")],
                body: r#"{"code":"PGRST116","details":"The result contains 0 rows","hint":null,"message":"Cannot coerce the result to a single JSON object"}"#,
                check: ("", ""),
            },
            // PostgREST takes the CSV header from the first RETURNING row, whose columns are
            // the select= columns plus the key as a sorted set (Plan.hs inferColsEmbedNeeds);
            // this select= is already in that order, so header and rows line up.
            WriteCase {
                name: "Accept: text/csv answers in CSV",
                method: "POST",
                path: "/projects?select=client_id,id,name",
                headers: &[("Prefer", "return=representation"), ("Accept", "text/csv")],
                request_body: r#"{"id":16,"name":"Pi","client_id":1}"#,
                status: 201,
                expect_headers: &[CSV],
                body: concat!("client_id,id,name", "\n", "1,16,Pi"),
                check: ("", ""),
            },
            WriteCase {
                name: "Accept: nulls=stripped drops the null keys",
                method: "POST",
                path: "/projects",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Accept", "application/vnd.pgrst.array+json;nulls=stripped"),
                ],
                request_body: r#"{"id":17,"name":"Rho"}"#,
                status: 201,
                expect_headers: &[ARRAY_STRIPPED],
                body: r#"[{"id":17,"name":"Rho"}]"#,
                check: ("", ""),
            },
            WriteCase {
                name: "Accept: text/html: 406 PGRST107 and nothing is inserted",
                method: "POST",
                path: "/projects",
                headers: &[("Prefer", "return=representation"), ("Accept", "text/html")],
                request_body: r#"{"id":18,"name":"Sigma"}"#,
                status: 406,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST107")],
                body: r#"{"code":"PGRST107","details":null,"hint":null,"message":"None of these media types are available: text/html"}"#,
                check: ("SELECT count(*) FROM projects WHERE id = 18", "0"),
            },
            WriteCase {
                name: "a foreign key that points nowhere: 23503 (409)",
                method: "POST",
                path: "/projects",
                headers: &[],
                request_body: r#"{"id":18,"name":"Sigma","client_id":99}"#,
                status: 409,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=23503")],
                body: r#"{"code":"23503","details":"Key (client_id)=(99) is not present in table \"clients\".","hint":null,"message":"insert or update on table \"projects\" violates foreign key constraint \"projects_client_id_fkey\""}"#,
                check: ("SELECT count(*) FROM projects WHERE id = 18", "0"),
            },
            WriteCase {
                name: "handling=strict with an unknown preference: 400 PGRST122, nothing inserted",
                method: "POST",
                path: "/projects",
                headers: &[("Prefer", "return=representation, handling=strict, anything")],
                request_body: r#"{"id":18,"name":"Sigma"}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST122")],
                body: r#"{"code":"PGRST122","details":"Invalid preferences: anything","hint":null,"message":"Invalid preferences given with handling=strict"}"#,
                check: ("SELECT count(*) FROM projects WHERE id = 18", "0"),
            },
            WriteCase {
                name: "handling=strict with known preferences",
                method: "POST",
                path: "/projects?select=id",
                headers: &[("Prefer", "return=representation, handling=strict")],
                request_body: r#"{"id":18,"name":"Sigma"}"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    (
                        "Preference-Applied",
                        "return=representation, handling=strict",
                    ),
                ],
                body: r#"[{"id":18}]"#,
                check: ("", ""),
            },
            WriteCase {
                name: "handling=lenient ignores an unknown preference",
                method: "POST",
                path: "/projects?select=id",
                headers: &[(
                    "Prefer",
                    "return=representation, handling=lenient, anything",
                )],
                request_body: r#"{"id":19,"name":"Tau"}"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    (
                        "Preference-Applied",
                        "return=representation, handling=lenient",
                    ),
                ],
                body: r#"[{"id":19}]"#,
                check: ("", ""),
            },
            WriteCase {
                name: "preferences from two Prefer headers",
                method: "POST",
                path: "/projects?select=id",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "count=exact"),
                ],
                request_body: r#"{"id":20,"name":"Upsilon"}"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "*/1"),
                    ("Preference-Applied", "return=representation, count=exact"),
                ],
                body: r#"[{"id":20}]"#,
                check: ("", ""),
            },
            WriteCase {
                name: "the first of two return= preferences wins",
                method: "POST",
                path: "/projects",
                headers: &[("Prefer", "return=minimal, return=representation")],
                request_body: r#"{"id":21,"name":"Phi"}"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE, ("Preference-Applied", "return=minimal")],
                body: "",
                check: ("SELECT name FROM projects WHERE id = 21", "Phi"),
            },
            // RollbackSpec.hs (v13): an empty 201 carries Content-Length: 0.
            WriteCase {
                name: "an empty 201 says Content-Length: 0",
                method: "POST",
                path: "/projects",
                headers: &[],
                request_body: r#"{"id":22,"name":"Chi"}"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Length", "0")],
                body: "",
                check: ("", ""),
            },
        ],
    );
}

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

/// `PUT`: single-row upsert addressed by every primary key column with `eq`, PGRST105/114/115.
#[test]
fn put() {
    run_write_cases(
        cluster(),
        &[
            // Response.hs (MutationSingleUpsert): 201 if pgrst.inserted > 0 else 200, only with
            // return=representation; no Content-Range.
            WriteCase {
                name: "PUT a row that does not exist: 201 with return=representation",
                method: "PUT",
                path: "/settings?key=eq.font",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"key":"font","value":"mono"}"#,
                status: 201,
                expect_headers: &[
                    JSON,
                    NO_CONTENT_RANGE,
                    ("Preference-Applied", "return=representation"),
                ],
                body: r#"[{"key":"font","value":"mono"}]"#,
                check: (
                    "SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM settings",
                    "font=mono,lang=en,theme=dark",
                ),
            },
            WriteCase {
                name: "PUT a row that exists: 200",
                method: "PUT",
                path: "/settings?key=eq.theme",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"key":"theme","value":"light"}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    NO_CONTENT_RANGE,
                    ("Preference-Applied", "return=representation"),
                ],
                body: r#"[{"key":"theme","value":"light"}]"#,
                check: (
                    "SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM settings",
                    "font=mono,lang=en,theme=light",
                ),
            },
            WriteCase {
                name: "PUT without Prefer: 204, no body",
                method: "PUT",
                path: "/settings?key=eq.lang",
                headers: &[],
                request_body: r#"{"key":"lang","value":"de"}"#,
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, NO_CONTENT_RANGE, NO_PREFERENCE_APPLIED],
                body: "",
                check: (
                    "SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM settings",
                    "font=mono,lang=de,theme=light",
                ),
            },
            WriteCase {
                name: "PUT that inserts, return=minimal: 204",
                method: "PUT",
                path: "/settings?key=eq.size",
                headers: &[("Prefer", "return=minimal")],
                request_body: r#"{"key":"size","value":"12"}"#,
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Preference-Applied", "return=minimal")],
                body: "",
                check: (
                    "SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM settings",
                    "font=mono,lang=de,size=12,theme=light",
                ),
            },
            WriteCase {
                name: "PUT with Accept: object",
                method: "PUT",
                path: "/settings?key=eq.zoom",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Accept", "application/vnd.pgrst.object+json"),
                ],
                request_body: r#"{"key":"zoom","value":"2"}"#,
                status: 201,
                expect_headers: &[OBJECT],
                body: r#"{"key":"zoom","value":"2"}"#,
                check: ("", ""),
            },
            // Response.hs: the PUT response has only Content-Type and Preference-Applied (which
            // does echo count=).
            WriteCase {
                name: "PUT sends no Content-Range, even with count=exact",
                method: "PUT",
                path: "/settings?key=eq.zoom",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "count=exact"),
                ],
                request_body: r#"{"key":"zoom","value":"3"}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    NO_CONTENT_RANGE,
                    ("Preference-Applied", "return=representation, count=exact"),
                ],
                body: r#"[{"key":"zoom","value":"3"}]"#,
                check: ("", ""),
            },
            // Response.hs: PUT's Preference-Applied is built without resolution= and missing=.
            WriteCase {
                name: "PUT does not echo resolution=",
                method: "PUT",
                path: "/settings?key=eq.zoom",
                headers: &[(
                    "Prefer",
                    "resolution=merge-duplicates, return=representation",
                )],
                request_body: r#"{"key":"zoom","value":"4"}"#,
                status: 200,
                expect_headers: &[JSON, ("Preference-Applied", "return=representation")],
                body: r#"[{"key":"zoom","value":"4"}]"#,
                check: ("", ""),
            },
            WriteCase {
                name: "PUT on a composite key: every key column with eq",
                method: "PUT",
                path: "/grid?x=eq.1&y=eq.2",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"x":1,"y":2,"label":"one-two"}"#,
                status: 201,
                expect_headers: &[JSON],
                body: r#"[{"x":1,"y":2,"label":"one-two"}]"#,
                check: (
                    "SELECT string_agg(x || ',' || y || '=' || label, ' ' ORDER BY x, y) FROM grid",
                    "0,0=origin 1,2=one-two",
                ),
            },
            WriteCase {
                name: "PUT updating on a composite key",
                method: "PUT",
                path: "/grid?y=eq.0&x=eq.0",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"x":0,"y":0,"label":"centre"}"#,
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"x":0,"y":0,"label":"centre"}]"#,
                check: (
                    "SELECT string_agg(x || ',' || y || '=' || label, ' ' ORDER BY x, y) FROM grid",
                    "0,0=centre 1,2=one-two",
                ),
            },
            WriteCase {
                name: "PUT filtering on a column that is not the key: 405 PGRST105",
                method: "PUT",
                path: "/settings?value=eq.dark",
                headers: &[],
                request_body: r#"{"key":"theme","value":"blue"}"#,
                status: 405,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST105")],
                body: r#"{"code":"PGRST105","details":null,"hint":null,"message":"Filters must include all and only primary key columns with 'eq' operators"}"#,
                check: (
                    "SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM settings",
                    "font=mono,lang=de,size=12,theme=light,zoom=4",
                ),
            },
            WriteCase {
                name: "PUT with gt on the key: 405",
                method: "PUT",
                path: "/settings?key=gt.a",
                headers: &[],
                request_body: r#"{"key":"theme","value":"blue"}"#,
                status: 405,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST105")],
                body: r#"{"code":"PGRST105","details":null,"hint":null,"message":"Filters must include all and only primary key columns with 'eq' operators"}"#,
                check: (
                    "SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM settings",
                    "font=mono,lang=de,size=12,theme=light,zoom=4",
                ),
            },
            WriteCase {
                name: "PUT with not.eq on the key: 405",
                method: "PUT",
                path: "/settings?key=not.eq.theme",
                headers: &[],
                request_body: r#"{"key":"theme","value":"blue"}"#,
                status: 405,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST105")],
                body: r#"{"code":"PGRST105","details":null,"hint":null,"message":"Filters must include all and only primary key columns with 'eq' operators"}"#,
                check: (
                    "SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM settings",
                    "font=mono,lang=de,size=12,theme=light,zoom=4",
                ),
            },
            WriteCase {
                name: "PUT with in on the key: 405",
                method: "PUT",
                path: "/settings?key=in.(theme)",
                headers: &[],
                request_body: r#"{"key":"theme","value":"blue"}"#,
                status: 405,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST105")],
                body: r#"{"code":"PGRST105","details":null,"hint":null,"message":"Filters must include all and only primary key columns with 'eq' operators"}"#,
                check: (
                    "SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM settings",
                    "font=mono,lang=de,size=12,theme=light,zoom=4",
                ),
            },
            WriteCase {
                name: "PUT with the key and another column: 405",
                method: "PUT",
                path: "/settings?key=eq.theme&value=eq.light",
                headers: &[],
                request_body: r#"{"key":"theme","value":"blue"}"#,
                status: 405,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST105")],
                body: r#"{"code":"PGRST105","details":null,"hint":null,"message":"Filters must include all and only primary key columns with 'eq' operators"}"#,
                check: (
                    "SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM settings",
                    "font=mono,lang=de,size=12,theme=light,zoom=4",
                ),
            },
            WriteCase {
                name: "PUT without filters: 405",
                method: "PUT",
                path: "/settings",
                headers: &[],
                request_body: r#"{"key":"theme","value":"blue"}"#,
                status: 405,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST105")],
                body: r#"{"code":"PGRST105","details":null,"hint":null,"message":"Filters must include all and only primary key columns with 'eq' operators"}"#,
                check: (
                    "SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM settings",
                    "font=mono,lang=de,size=12,theme=light,zoom=4",
                ),
            },
            WriteCase {
                name: "PUT with a logic tree: 405",
                method: "PUT",
                path: "/settings?or=(key.eq.theme)",
                headers: &[],
                request_body: r#"{"key":"theme","value":"blue"}"#,
                status: 405,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST105")],
                body: r#"{"code":"PGRST105","details":null,"hint":null,"message":"Filters must include all and only primary key columns with 'eq' operators"}"#,
                check: (
                    "SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM settings",
                    "font=mono,lang=de,size=12,theme=light,zoom=4",
                ),
            },
            WriteCase {
                name: "PUT with half of a composite key: 405",
                method: "PUT",
                path: "/grid?x=eq.0",
                headers: &[],
                request_body: r#"{"x":0,"y":0,"label":"no"}"#,
                status: 405,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST105")],
                body: r#"{"code":"PGRST105","details":null,"hint":null,"message":"Filters must include all and only primary key columns with 'eq' operators"}"#,
                check: ("SELECT label FROM grid WHERE x = 0 AND y = 0", "centre"),
            },
            WriteCase {
                name: "PUT on a table without a primary key: 405",
                method: "PUT",
                path: "/events?name=eq.a",
                headers: &[],
                request_body: r#"{"name":"a","at":1}"#,
                status: 405,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST105")],
                body: r#"{"code":"PGRST105","details":null,"hint":null,"message":"Filters must include all and only primary key columns with 'eq' operators"}"#,
                check: ("SELECT count(*) FROM events", "0"),
            },
            WriteCase {
                name: "PUT with limit: 400 PGRST114",
                method: "PUT",
                path: "/settings?key=eq.theme&limit=1",
                headers: &[],
                request_body: r#"{"key":"theme","value":"blue"}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST114")],
                body: r#"{"code":"PGRST114","details":null,"hint":null,"message":"limit/offset querystring parameters are not allowed for PUT"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "PUT with offset: 400 PGRST114",
                method: "PUT",
                path: "/settings?key=eq.theme&offset=1",
                headers: &[],
                request_body: r#"{"key":"theme","value":"blue"}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST114")],
                body: r#"{"code":"PGRST114","details":null,"hint":null,"message":"limit/offset querystring parameters are not allowed for PUT"}"#,
                check: (
                    "SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM settings",
                    "font=mono,lang=de,size=12,theme=light,zoom=4",
                ),
            },
            WriteCase {
                name: "PUT whose payload key differs from the URL: 400 PGRST115, nothing written",
                method: "PUT",
                path: "/settings?key=eq.theme",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"key":"colour","value":"blue"}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST115")],
                body: r#"{"code":"PGRST115","details":null,"hint":null,"message":"Payload values do not match URL in primary key column(s)"}"#,
                check: (
                    "SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM settings",
                    "font=mono,lang=de,size=12,theme=light,zoom=4",
                ),
            },
            WriteCase {
                name: "PUT whose payload names an existing other row: PGRST115, that row is not touched",
                method: "PUT",
                path: "/settings?key=eq.theme",
                headers: &[],
                request_body: r#"{"key":"lang","value":"fr"}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST115")],
                body: r#"{"code":"PGRST115","details":null,"hint":null,"message":"Payload values do not match URL in primary key column(s)"}"#,
                check: (
                    "SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM settings",
                    "font=mono,lang=de,size=12,theme=light,zoom=4",
                ),
            },
            WriteCase {
                name: "PUT composite key mismatch: PGRST115",
                method: "PUT",
                path: "/grid?x=eq.5&y=eq.5",
                headers: &[],
                request_body: r#"{"x":5,"y":6,"label":"off"}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST115")],
                body: r#"{"code":"PGRST115","details":null,"hint":null,"message":"Payload values do not match URL in primary key column(s)"}"#,
                check: ("SELECT count(*) FROM grid", "2"),
            },
            WriteCase {
                name: "PUT with invalid JSON: PGRST102",
                method: "PUT",
                path: "/settings?key=eq.theme",
                headers: &[],
                request_body: r#"{"key":"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST102")],
                body: r#"{"code":"PGRST102","details":null,"hint":null,"message":"Empty or invalid json"}"#,
                check: ("", ""),
            },
        ],
    );
}

/// `PATCH` with filters: statuses, `Content-Range`, empty objects, errors (rolled back), `columns=`,
/// `missing=default`, array and form bodies, singular `Accept`.
#[test]
fn patch() {
    run_write_cases(
        cluster(),
        &[
            // UpdateSpec "can update a single item": 204 with Content-Range 0-0/*.
            WriteCase {
                name: "PATCH one row: 204, Content-Range 0-0/*",
                method: "PATCH",
                path: "/tasks?id=eq.1",
                headers: &[],
                request_body: r#"{"done":true}"#,
                status: 204,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "0-0/*"),
                    NO_PREFERENCE_APPLIED,
                ],
                body: "",
                check: (
                    "SELECT id, title, done, points FROM tasks WHERE id = 1",
                    "1|write|t|3",
                ),
            },
            WriteCase {
                name: "return=representation: 200 with the changed rows",
                method: "PATCH",
                path: "/tasks?id=eq.2",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"done":true}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: r#"[{"id":2,"title":"test","done":true,"points":2}]"#,
                check: (
                    "SELECT id, title, done, points FROM tasks WHERE id = 2",
                    "2|test|t|2",
                ),
            },
            WriteCase {
                name: "select= shapes the representation",
                method: "PATCH",
                path: "/tasks?id=eq.3&select=id,done",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"done":true}"#,
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":3,"done":true}]"#,
                check: (
                    "SELECT id, title, done, points FROM tasks WHERE id = 3",
                    "3|ship|t|5",
                ),
            },
            WriteCase {
                name: "PATCH two rows: Content-Range 0-1/*",
                method: "PATCH",
                path: "/tasks?id=in.(1,2)",
                headers: &[],
                request_body: r#"{"points":4}"#,
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Range", "0-1/*")],
                body: "",
                check: (
                    "SELECT string_agg(points::text, ',' ORDER BY id) FROM tasks WHERE id <= 2",
                    "4,4",
                ),
            },
            WriteCase {
                name: "count=exact: Content-Range 0-1/2",
                method: "PATCH",
                path: "/tasks?id=in.(1,2)",
                headers: &[("Prefer", "count=exact")],
                request_body: r#"{"points":5}"#,
                status: 204,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "0-1/2"),
                    ("Preference-Applied", "count=exact"),
                ],
                body: "",
                check: (
                    "SELECT string_agg(points::text, ',' ORDER BY id) FROM tasks WHERE id <= 2",
                    "5,5",
                ),
            },
            WriteCase {
                name: "no row matches: 204, Content-Range */*",
                method: "PATCH",
                path: "/tasks?id=eq.99",
                headers: &[],
                request_body: r#"{"points":6}"#,
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Range", "*/*")],
                body: "",
                check: ("SELECT count(*) FROM tasks WHERE points = 6", "0"),
            },
            WriteCase {
                name: "no row matches with return=representation: 200 and []",
                method: "PATCH",
                path: "/tasks?id=eq.99",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"points":6}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: "[]",
                check: ("", ""),
            },
            WriteCase {
                name: "no row matches with count=exact: Content-Range */0",
                method: "PATCH",
                path: "/tasks?id=eq.99",
                headers: &[("Prefer", "count=exact")],
                request_body: r#"{"points":6}"#,
                status: 204,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "*/0"),
                    ("Preference-Applied", "count=exact"),
                ],
                body: "",
                check: ("", ""),
            },
            // UpdateSpec "makes no updates and returns 204 without return= and without
            // ?select=".
            WriteCase {
                name: "an empty object changes nothing: 204, Content-Range */*",
                method: "PATCH",
                path: "/tasks?id=eq.1",
                headers: &[],
                request_body: "{}",
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Range", "*/*")],
                body: "",
                check: (
                    "SELECT id, title, done, points FROM tasks WHERE id = 1",
                    "1|write|t|5",
                ),
            },
            WriteCase {
                name: "an empty object with return=representation: 200 and []",
                method: "PATCH",
                path: "/tasks?id=eq.1",
                headers: &[("Prefer", "return=representation")],
                request_body: "{}",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: "[]",
                check: (
                    "SELECT id, title, done, points FROM tasks WHERE id = 1",
                    "1|write|t|5",
                ),
            },
            WriteCase {
                name: "an empty body: PGRST102",
                method: "PATCH",
                path: "/tasks?id=eq.1",
                headers: &[],
                request_body: "",
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST102")],
                body: r#"{"code":"PGRST102","details":null,"hint":null,"message":"Empty or invalid json"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "invalid JSON: PGRST102",
                method: "PATCH",
                path: "/tasks?id=eq.1",
                headers: &[],
                request_body: r#"{"done":"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST102")],
                body: r#"{"code":"PGRST102","details":null,"hint":null,"message":"Empty or invalid json"}"#,
                check: (
                    "SELECT id, title, done, points FROM tasks WHERE id = 1",
                    "1|write|t|5",
                ),
            },
            WriteCase {
                name: "a key that is no column: PGRST204",
                method: "PATCH",
                path: "/tasks?id=eq.1",
                headers: &[],
                request_body: r#"{"colour":"red"}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST204")],
                body: r#"{"code":"PGRST204","details":null,"hint":null,"message":"Could not find the 'colour' column of 'tasks' in the schema cache"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "a CHECK violation: 23514 (400) and no row changes",
                method: "PATCH",
                path: "/tasks?id=in.(4,5)",
                headers: &[],
                request_body: r#"{"points":-1}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=23514")],
                body: r#"{"code":"23514","details":"Failing row contains (4, rest, t, -1).","hint":null,"message":"new row for relation \"tasks\" violates check constraint \"tasks_points_check\""}"#,
                check: (
                    "SELECT string_agg(points::text, ',' ORDER BY id) FROM tasks WHERE id IN (4, 5)",
                    "0,1",
                ),
            },
            WriteCase {
                name: "null in a NOT NULL column: 23502 (400)",
                method: "PATCH",
                path: "/tasks?id=eq.5",
                headers: &[],
                request_body: r#"{"title":null}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=23502")],
                body: r#"{"code":"23502","details":"Failing row contains (5, null, f, 1).","hint":null,"message":"null value in column \"title\" of relation \"tasks\" violates not-null constraint"}"#,
                check: (
                    "SELECT id, title, done, points FROM tasks WHERE id = 5",
                    "5|plan|f|1",
                ),
            },
            WriteCase {
                name: "text that is no integer: 22P02 (400)",
                method: "PATCH",
                path: "/tasks?id=eq.5",
                headers: &[],
                request_body: r#"{"points":"lots"}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=22P02")],
                body: r#"{"code":"22P02","details":null,"hint":null,"message":"invalid input syntax for type integer: \"lots\""}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "a key that already exists: 23505 (409)",
                method: "PATCH",
                path: "/tasks?id=eq.1",
                headers: &[],
                request_body: r#"{"id":2}"#,
                status: 409,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=23505")],
                body: r#"{"code":"23505","details":"Key (id)=(2) already exists.","hint":null,"message":"duplicate key value violates unique constraint \"tasks_pkey\""}"#,
                check: (
                    "SELECT id, title, done, points FROM tasks WHERE id = 1",
                    "1|write|t|5",
                ),
            },
            WriteCase {
                name: "columns= takes only the listed keys",
                method: "PATCH",
                path: "/tasks?id=eq.5&columns=title",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"title":"plan ahead","done":true}"#,
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":5,"title":"plan ahead","done":false,"points":1}]"#,
                check: (
                    "SELECT id, title, done, points FROM tasks WHERE id = 5",
                    "5|plan ahead|f|1",
                ),
            },
            WriteCase {
                name: "missing=default with columns=: a missing key is set to its default",
                method: "PATCH",
                path: "/tasks?id=eq.4&columns=title,done",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "missing=default"),
                ],
                request_body: r#"{"title":"rest more"}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    (
                        "Preference-Applied",
                        "missing=default, return=representation",
                    ),
                ],
                body: r#"[{"id":4,"title":"rest more","done":false,"points":0}]"#,
                check: (
                    "SELECT id, title, done, points FROM tasks WHERE id = 4",
                    "4|rest more|f|0",
                ),
            },
            // An array body is accepted; each matched row takes one element (postgrest#1816),
            // so only one-element arrays are well defined.
            WriteCase {
                name: "a one-element array works like its object",
                method: "PATCH",
                path: "/tasks?id=eq.6",
                headers: &[],
                request_body: r#"[{"title":"review twice"}]"#,
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Range", "0-0/*")],
                body: "",
                check: (
                    "SELECT id, title, done, points FROM tasks WHERE id = 6",
                    "6|review twice|f|2",
                ),
            },
            WriteCase {
                name: "a form body",
                method: "PATCH",
                path: "/tasks?id=eq.7",
                headers: &[("Content-Type", "application/x-www-form-urlencoded")],
                request_body: "title=deploy+now&points=9",
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Range", "0-0/*")],
                body: "",
                check: (
                    "SELECT id, title, done, points FROM tasks WHERE id = 7",
                    "7|deploy now|f|9",
                ),
            },
            WriteCase {
                name: "or= logic tree",
                method: "PATCH",
                path: "/tasks?or=(id.eq.6,id.eq.7)&select=id,title,done",
                headers: &[("Prefer", "return=representation")],
                request_body: r#"{"done":true}"#,
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: concat!(
                    r#"[{"id":6,"title":"review twice","done":true}, "#,
                    "\n",
                    r#" {"id":7,"title":"deploy now","done":true}]"#
                ),
                check: ("", ""),
            },
            WriteCase {
                name: "Accept: object with one row",
                method: "PATCH",
                path: "/tasks?id=eq.3",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Accept", "application/vnd.pgrst.object+json"),
                ],
                request_body: r#"{"points":6}"#,
                status: 200,
                expect_headers: &[OBJECT, ("Content-Range", "0-0/*")],
                body: r#"{"id":3,"title":"ship","done":true,"points":6}"#,
                check: (
                    "SELECT id, title, done, points FROM tasks WHERE id = 3",
                    "3|ship|t|6",
                ),
            },
            WriteCase {
                name: "Accept: object with two rows: 406 PGRST116, nothing changes",
                method: "PATCH",
                path: "/tasks?id=in.(1,2)",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Accept", "application/vnd.pgrst.object+json"),
                ],
                request_body: r#"{"points":9}"#,
                status: 406,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST116")],
                body: r#"{"code":"PGRST116","details":"The result contains 2 rows","hint":null,"message":"Cannot coerce the result to a single JSON object"}"#,
                check: (
                    "SELECT string_agg(points::text, ',' ORDER BY id) FROM tasks WHERE id <= 2",
                    "5,5",
                ),
            },
            WriteCase {
                name: "Accept: object when no row matches: 406, the result contains 0 rows",
                method: "PATCH",
                path: "/tasks?id=eq.99",
                headers: &[("Accept", "application/vnd.pgrst.object+json")],
                request_body: r#"{"points":9}"#,
                status: 406,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST116")],
                body: r#"{"code":"PGRST116","details":"The result contains 0 rows","hint":null,"message":"Cannot coerce the result to a single JSON object"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "return=headers-only: 204, echoed",
                method: "PATCH",
                path: "/tasks?id=eq.3",
                headers: &[("Prefer", "return=headers-only")],
                request_body: r#"{"points":7}"#,
                status: 204,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    NO_LOCATION,
                    ("Content-Range", "0-0/*"),
                    ("Preference-Applied", "return=headers-only"),
                ],
                body: "",
                check: (
                    "SELECT id, title, done, points FROM tasks WHERE id = 3",
                    "3|ship|t|7",
                ),
            },
            // RollbackSpec.hs (v13): a 204 carries no Content-Length.
            WriteCase {
                name: "a 204 has no Content-Length",
                method: "PATCH",
                path: "/tasks?id=eq.3",
                headers: &[],
                request_body: r#"{"points":8}"#,
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Length", ABSENT)],
                body: "",
                check: ("", ""),
            },
            WriteCase {
                name: "an unknown table: 404 PGRST205",
                method: "PATCH",
                path: "/zzqqx?id=eq.1",
                headers: &[],
                request_body: r#"{"a":1}"#,
                status: 404,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST205")],
                body: r#"{"code":"PGRST205","details":null,"hint":null,"message":"Could not find the table 'public.zzqqx' in the schema cache"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "PATCH without filters changes every row",
                method: "PATCH",
                path: "/tasks",
                headers: &[],
                request_body: r#"{"done":false}"#,
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Range", "0-6/*")],
                body: "",
                check: ("SELECT count(*) FROM tasks WHERE done", "0"),
            },
        ],
    );
}

/// `DELETE` with filters.
#[test]
fn delete() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "DELETE one row: 204, Content-Range */*",
                method: "DELETE",
                path: "/trash?id=eq.1",
                headers: &[],
                request_body: "",
                status: 204,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "*/*"),
                    NO_PREFERENCE_APPLIED,
                ],
                body: "",
                check: (
                    "SELECT string_agg(id::text, ',' ORDER BY id) FROM trash",
                    "2,3,4,5,6,7,8,9,10,11,12",
                ),
            },
            WriteCase {
                name: "return=representation: 200 with the deleted rows",
                method: "DELETE",
                path: "/trash?id=eq.2",
                headers: &[("Prefer", "return=representation")],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "return=representation"),
                ],
                body: r#"[{"id":2,"label":"item 2"}]"#,
                check: (
                    "SELECT string_agg(id::text, ',' ORDER BY id) FROM trash",
                    "3,4,5,6,7,8,9,10,11,12",
                ),
            },
            WriteCase {
                name: "count=exact: Content-Range */1",
                method: "DELETE",
                path: "/trash?id=eq.3",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "count=exact"),
                ],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "*/1"),
                    ("Preference-Applied", "return=representation, count=exact"),
                ],
                body: r#"[{"id":3,"label":"item 3"}]"#,
                check: ("", ""),
            },
            WriteCase {
                name: "select= shapes the representation",
                method: "DELETE",
                path: "/trash?id=eq.4&select=label",
                headers: &[("Prefer", "return=representation")],
                request_body: "",
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"label":"item 4"}]"#,
                check: (
                    "SELECT string_agg(id::text, ',' ORDER BY id) FROM trash",
                    "5,6,7,8,9,10,11,12",
                ),
            },
            WriteCase {
                name: "no row matches: 204",
                method: "DELETE",
                path: "/trash?id=eq.99",
                headers: &[],
                request_body: "",
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Range", "*/*")],
                body: "",
                check: ("", ""),
            },
            WriteCase {
                name: "no row matches with return=representation: 200 and []",
                method: "DELETE",
                path: "/trash?id=eq.99",
                headers: &[("Prefer", "return=representation")],
                request_body: "",
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "*/*")],
                body: "[]",
                check: ("", ""),
            },
            WriteCase {
                name: "return=minimal is echoed",
                method: "DELETE",
                path: "/trash?id=eq.5",
                headers: &[("Prefer", "return=minimal")],
                request_body: "",
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Preference-Applied", "return=minimal")],
                body: "",
                check: (
                    "SELECT string_agg(id::text, ',' ORDER BY id) FROM trash",
                    "6,7,8,9,10,11,12",
                ),
            },
            WriteCase {
                name: "count=exact without a body: Content-Range */2",
                method: "DELETE",
                path: "/trash?id=in.(6,7)",
                headers: &[("Prefer", "count=exact")],
                request_body: "",
                status: 204,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "*/2"),
                    ("Preference-Applied", "count=exact"),
                ],
                body: "",
                check: (
                    "SELECT string_agg(id::text, ',' ORDER BY id) FROM trash",
                    "8,9,10,11,12",
                ),
            },
            WriteCase {
                name: "Accept: object with two rows: 406 PGRST116, nothing deleted",
                method: "DELETE",
                path: "/trash?id=in.(8,9)",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Accept", "application/vnd.pgrst.object+json"),
                ],
                request_body: "",
                status: 406,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST116")],
                body: r#"{"code":"PGRST116","details":"The result contains 2 rows","hint":null,"message":"Cannot coerce the result to a single JSON object"}"#,
                check: (
                    "SELECT string_agg(id::text, ',' ORDER BY id) FROM trash",
                    "8,9,10,11,12",
                ),
            },
            WriteCase {
                name: "Accept: object with one row",
                method: "DELETE",
                path: "/trash?id=eq.8",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Accept", "application/vnd.pgrst.object+json"),
                ],
                request_body: "",
                status: 200,
                expect_headers: &[OBJECT],
                body: r#"{"id":8,"label":"item 8"}"#,
                check: (
                    "SELECT string_agg(id::text, ',' ORDER BY id) FROM trash",
                    "9,10,11,12",
                ),
            },
            WriteCase {
                name: "Accept: object when no row matches: 406",
                method: "DELETE",
                path: "/trash?id=eq.99",
                headers: &[("Accept", "application/vnd.pgrst.object+json")],
                request_body: "",
                status: 406,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST116")],
                body: r#"{"code":"PGRST116","details":"The result contains 0 rows","hint":null,"message":"Cannot coerce the result to a single JSON object"}"#,
                check: ("", ""),
            },
            // Payload.hs shouldParsePayload: False for DELETE.
            WriteCase {
                name: "a request body is not read",
                method: "DELETE",
                path: "/trash?id=eq.9",
                headers: &[],
                request_body: "this is not JSON",
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE],
                body: "",
                check: (
                    "SELECT string_agg(id::text, ',' ORDER BY id) FROM trash",
                    "10,11,12",
                ),
            },
            WriteCase {
                name: "or= logic tree",
                method: "DELETE",
                path: "/trash?or=(id.eq.10,label.eq.item%2011)",
                headers: &[("Prefer", "return=representation")],
                request_body: "",
                status: 200,
                expect_headers: &[JSON],
                body: concat!(
                    r#"[{"id":10,"label":"item 10"}, "#,
                    "\n",
                    r#" {"id":11,"label":"item 11"}]"#
                ),
                check: (
                    "SELECT string_agg(id::text, ',' ORDER BY id) FROM trash",
                    "12",
                ),
            },
            WriteCase {
                name: "a row still referenced: 23503 (409)",
                method: "DELETE",
                path: "/folders?id=eq.1",
                headers: &[],
                request_body: "",
                status: 409,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=23503")],
                body: r#"{"code":"23503","details":"Key (id)=(1) is still referenced from table \"files\".","hint":null,"message":"update or delete on table \"folders\" violates foreign key constraint \"files_folder_id_fkey\" on table \"files\""}"#,
                check: ("SELECT count(*) FROM folders", "2"),
            },
            WriteCase {
                name: "a row nobody references",
                method: "DELETE",
                path: "/folders?id=eq.2",
                headers: &[],
                request_body: "",
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE],
                body: "",
                check: ("SELECT count(*) FROM folders", "1"),
            },
            WriteCase {
                name: "DELETE without filters removes every row",
                method: "DELETE",
                path: "/trash",
                headers: &[("Prefer", "count=exact")],
                request_body: "",
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Range", "*/1")],
                body: "",
                check: ("SELECT count(*) FROM trash", "0"),
            },
        ],
    );
}

/// `Prefer: handling=strict, max-affected=N` on PATCH and DELETE (rolled back when exceeded;
/// `MaxAffectedSpec`), ignored when lenient, not applied to POST.
#[test]
fn max_affected() {
    run_write_cases(
        cluster(),
        &[
            // MaxAffectedSpec "should fail if items updated more than 0"; Query.hs condemns the
            // transaction.
            WriteCase {
                name: "PATCH over max-affected: 400 PGRST124 and nothing changes",
                method: "PATCH",
                path: "/ledger?id=lte.3",
                headers: &[("Prefer", "handling=strict, max-affected=2")],
                request_body: r#"{"amount":0}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST124")],
                body: r#"{"code":"PGRST124","details":"The query affects 3 rows","hint":null,"message":"Query result exceeds max-affected preference constraint"}"#,
                check: (
                    "SELECT string_agg(amount::text, ',' ORDER BY id) FROM ledger",
                    "10,20,30,40,50,60,70,80,90,100",
                ),
            },
            WriteCase {
                name: "the same with return=representation",
                method: "PATCH",
                path: "/ledger?id=lte.3",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "handling=strict, max-affected=2"),
                ],
                request_body: r#"{"amount":0}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST124")],
                body: r#"{"code":"PGRST124","details":"The query affects 3 rows","hint":null,"message":"Query result exceeds max-affected preference constraint"}"#,
                check: (
                    "SELECT string_agg(amount::text, ',' ORDER BY id) FROM ledger",
                    "10,20,30,40,50,60,70,80,90,100",
                ),
            },
            // Preferences.hs fromHeaders splits every Prefer header on commas.
            WriteCase {
                name: "max-affected split over two Prefer headers",
                method: "PATCH",
                path: "/ledger?id=lte.3",
                headers: &[("Prefer", "handling=strict"), ("Prefer", "max-affected=1")],
                request_body: r#"{"amount":0}"#,
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST124")],
                body: r#"{"code":"PGRST124","details":"The query affects 3 rows","hint":null,"message":"Query result exceeds max-affected preference constraint"}"#,
                check: (
                    "SELECT string_agg(amount::text, ',' ORDER BY id) FROM ledger",
                    "10,20,30,40,50,60,70,80,90,100",
                ),
            },
            WriteCase {
                name: "PATCH within max-affected: applied and echoed",
                method: "PATCH",
                path: "/ledger?id=lte.3",
                headers: &[("Prefer", "handling=strict, max-affected=3")],
                request_body: r#"{"amount":1}"#,
                status: 204,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "0-2/*"),
                    ("Preference-Applied", "handling=strict, max-affected=3"),
                ],
                body: "",
                check: (
                    "SELECT string_agg(amount::text, ',' ORDER BY id) FROM ledger",
                    "1,1,1,40,50,60,70,80,90,100",
                ),
            },
            WriteCase {
                name: "handling=lenient ignores max-affected",
                method: "PATCH",
                path: "/ledger?id=in.(4,5)",
                headers: &[("Prefer", "handling=lenient, max-affected=1")],
                request_body: r#"{"amount":2}"#,
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Preference-Applied", "handling=lenient")],
                body: "",
                check: (
                    "SELECT string_agg(amount::text, ',' ORDER BY id) FROM ledger",
                    "1,1,1,2,2,60,70,80,90,100",
                ),
            },
            WriteCase {
                name: "max-affected without handling=strict is ignored",
                method: "PATCH",
                path: "/ledger?id=in.(6,7)",
                headers: &[("Prefer", "max-affected=1")],
                request_body: r#"{"amount":3}"#,
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, NO_PREFERENCE_APPLIED],
                body: "",
                check: (
                    "SELECT string_agg(amount::text, ',' ORDER BY id) FROM ledger",
                    "1,1,1,2,2,3,3,80,90,100",
                ),
            },
            WriteCase {
                name: "max-affected=0 when nothing matches",
                method: "PATCH",
                path: "/ledger?id=eq.99",
                headers: &[("Prefer", "handling=strict, max-affected=0")],
                request_body: r#"{"amount":4}"#,
                status: 204,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "*/*"),
                    ("Preference-Applied", "handling=strict, max-affected=0"),
                ],
                body: "",
                check: ("", ""),
            },
            WriteCase {
                name: "count=exact with max-affected: echo order",
                method: "PATCH",
                path: "/ledger?id=in.(1,2)",
                headers: &[("Prefer", "count=exact, handling=strict, max-affected=5")],
                request_body: r#"{"amount":5}"#,
                status: 204,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "0-1/2"),
                    (
                        "Preference-Applied",
                        "count=exact, handling=strict, max-affected=5",
                    ),
                ],
                body: "",
                check: (
                    "SELECT string_agg(amount::text, ',' ORDER BY id) FROM ledger",
                    "5,5,1,2,2,3,3,80,90,100",
                ),
            },
            WriteCase {
                name: "DELETE over max-affected: 400 PGRST124 and nothing deleted",
                method: "DELETE",
                path: "/ledger?id=gte.9",
                headers: &[("Prefer", "handling=strict, max-affected=1")],
                request_body: "",
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST124")],
                body: r#"{"code":"PGRST124","details":"The query affects 2 rows","hint":null,"message":"Query result exceeds max-affected preference constraint"}"#,
                check: ("SELECT count(*) FROM ledger", "10"),
            },
            WriteCase {
                name: "DELETE within max-affected",
                method: "DELETE",
                path: "/ledger?id=gte.9",
                headers: &[("Prefer", "handling=strict, max-affected=2")],
                request_body: "",
                status: 204,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Preference-Applied", "handling=strict, max-affected=2"),
                ],
                body: "",
                check: ("SELECT count(*) FROM ledger", "8"),
            },
            WriteCase {
                name: "DELETE within max-affected with return=representation",
                method: "DELETE",
                path: "/ledger?id=eq.8",
                headers: &[
                    ("Prefer", "return=representation"),
                    ("Prefer", "handling=strict, max-affected=1"),
                ],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    (
                        "Preference-Applied",
                        "return=representation, handling=strict, max-affected=1",
                    ),
                ],
                body: r#"[{"id":8,"amount":80}]"#,
                check: ("SELECT count(*) FROM ledger", "7"),
            },
            // ASSUMPTION (no spec test): Query.hs checks max-affected only for PATCH and
            // DELETE; Response.hs echoes it for neither POST nor PUT.
            WriteCase {
                name: "POST is not limited by max-affected",
                method: "POST",
                path: "/ledger",
                headers: &[("Prefer", "handling=strict, max-affected=1")],
                request_body: r#"[{"id":11,"amount":110},{"id":12,"amount":120}]"#,
                status: 201,
                expect_headers: &[NO_CONTENT_TYPE, ("Preference-Applied", "handling=strict")],
                body: "",
                check: ("SELECT count(*) FROM ledger", "9"),
            },
        ],
    );
}

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
