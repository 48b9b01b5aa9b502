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

#[path = "../write_support/mod.rs"]
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

mod delete;
mod patch;
mod post;
mod post_representation;
mod put;
mod upsert;
mod views_errors_and_bulk;
