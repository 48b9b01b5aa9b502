//! Resource embedding and aggregates (issue 8) end to end, case by case: many-to-one,
//! one-to-many, one-to-one, many-to-many through a junction, a self-reference, two foreign keys
//! to one table (ambiguity), relationships of a view, computed relationships and a computed
//! field; hints, `!inner`/`!left`, empty embeds, spreads, embedded filters/order/limit at any
//! depth, null-embed filters, ordering by a to-one embed, embedding after writes, aggregates and
//! the errors clients see (PGRST200/201/108/118/120/123/127).
//!
//! Every expected body was produced by PostgreSQL 17 running, over this file's fixture, the
//! statement PostgREST v13 builds for the request (`QueryBuilder.readPlanToQuery`: one `LEFT|INNER
//! JOIN LATERAL ( … ) AS "<parent>_<embed>_<depth>" ON …` per embed, the child table aliased
//! `<table>_<depth>`, `row_to_json(<agg alias>.*)::jsonb` for to-one, `COALESCE(<agg alias>.<agg
//! alias>, '[]')` over `json_agg(...)::jsonb` for to-many, the body `coalesce(json_agg(_postgrest_t),
//! '[]')` over `pgrst_source`); statuses, headers and error texts follow PostgREST's source and spec
//! files (Plan.hs, QueryBuilder.hs, SqlFragment.hs, Error.hs; EmbedDisambiguationSpec,
//! EmbedInnerJoinSpec, RelatedQueriesSpec, SpreadQueriesSpec, ComputedRelsSpec,
//! AggregateFunctionsSpec, QuerySpec, InsertSpec, UpdateSpec, DeleteSpec).

use budgetbee_e2e::{ABSENT, Case, Cluster, ClusterBuilder, run_cases};
use std::sync::OnceLock;

/// Budget Bee's `transactions → categories` and `categories → transactions`, plus one table per
/// kind of relationship:
/// - one-to-one: `transaction_notes.transaction_id` is both its primary key and a foreign key;
/// - many-to-many: `transactions ↔ tags` through `transaction_tags` (both FKs form its PK);
/// - two foreign keys to one table: `transfers.from_account`/`to_account → accounts`;
/// - self-reference: `members.sponsor_id → members`;
/// - a view with foreign keys through its base table: `expenses` over `transactions`;
/// - computed relationships: `owner(transactions)` (to-one, `ROWS 1`) and
///   `big_transactions(categories)` (to-many); computed field `label(transactions)`.
const FIXTURE: &str = r#"
CREATE TABLE users (
  id text PRIMARY KEY,
  name text NOT NULL
);
INSERT INTO users VALUES ('u1', 'Ann'), ('u2', 'Bob'), ('u3', 'Cyd');

CREATE TABLE categories (
  id int PRIMARY KEY,
  name varchar(255) NOT NULL,
  color text,
  user_id text REFERENCES users(id)
);
INSERT INTO categories VALUES
  (1, 'Food',   'red',   'u1'),
  (2, 'Travel', 'blue',  'u1'),
  (3, 'Sales',  'green', 'u2'),
  (4, 'Empty',  'gray',  'u2');

CREATE TABLE transactions (
  id int PRIMARY KEY,
  amount numeric(10,2) NOT NULL DEFAULT 0,
  name varchar(255),
  category_id int REFERENCES categories(id) ON DELETE SET NULL,
  user_id text REFERENCES users(id),
  status varchar(8) DEFAULT 'paid',
  transaction_date timestamp NOT NULL DEFAULT '2024-01-01 00:00',
  metadata jsonb
);
INSERT INTO transactions VALUES
  (1,   -12.50, 'Lunch',     1,    'u1', 'paid',    '2024-01-05 12:00', '{"tip": 2}'),
  (2,   -40.00, 'Dinner',    1,    'u1', 'paid',    '2024-01-06 20:00', NULL),
  (3,  -300.00, 'Flight',    2,    'u1', 'pending', '2024-02-01 08:00', '{"airline": "XY", "seats": [1, 2]}'),
  (4,  1200.00, 'Invoice 7', 3,    'u2', 'paid',    '2024-02-10 09:00', NULL),
  (5,    15.00, 'Refund',    NULL, 'u2', 'overdue', '2024-03-01 10:00', NULL),
  (6,    -8.25, 'Coffee',    1,    'u3', 'paid',    '2024-03-02 07:30', NULL);

CREATE TABLE transaction_notes (
  transaction_id int PRIMARY KEY REFERENCES transactions(id) ON DELETE CASCADE,
  note text NOT NULL
);
INSERT INTO transaction_notes VALUES (1, 'with the team'), (4, 'client A');

CREATE TABLE tags (
  id int PRIMARY KEY,
  name text NOT NULL
);
INSERT INTO tags VALUES (1, 'work'), (2, 'family'), (3, 'unused');

CREATE TABLE transaction_tags (
  transaction_id int REFERENCES transactions(id) ON DELETE CASCADE,
  tag_id int REFERENCES tags(id) ON DELETE CASCADE,
  PRIMARY KEY (transaction_id, tag_id)
);
INSERT INTO transaction_tags VALUES (1, 1), (2, 2), (3, 1), (3, 2), (4, 1);

CREATE TABLE accounts (
  id int PRIMARY KEY,
  name text NOT NULL
);
INSERT INTO accounts VALUES (1, 'Checking'), (2, 'Savings'), (3, 'Cash');

CREATE TABLE transfers (
  id int PRIMARY KEY,
  from_account int NOT NULL REFERENCES accounts(id),
  to_account int NOT NULL REFERENCES accounts(id),
  amount numeric(10,2) NOT NULL
);
INSERT INTO transfers VALUES (1, 1, 2, 100.00), (2, 2, 3, 20.00), (3, 1, 3, 5.00);

CREATE TABLE members (
  id int PRIMARY KEY,
  name text NOT NULL,
  sponsor_id int REFERENCES members(id)
);
INSERT INTO members VALUES (1, 'Root', NULL), (2, 'Ann', 1), (3, 'Bob', 1), (4, 'Cyd', 2);

CREATE VIEW expenses AS
  SELECT id, amount, name, category_id FROM transactions WHERE amount < 0;

CREATE FUNCTION owner(transactions) RETURNS SETOF users ROWS 1
  LANGUAGE sql STABLE AS $$ SELECT * FROM users WHERE id = $1.user_id $$;
CREATE FUNCTION big_transactions(categories) RETURNS SETOF transactions
  LANGUAGE sql STABLE AS $$ SELECT * FROM transactions WHERE category_id = $1.id AND abs(amount) >= 40 $$;
CREATE FUNCTION label(transactions) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$ SELECT $1.name || ' (' || $1.amount || ')' $$;

GRANT SELECT ON users, categories, transactions, transaction_notes, tags, transaction_tags,
  accounts, transfers, members, expenses TO anon;
GRANT INSERT, UPDATE, DELETE ON categories, transactions, transaction_notes, transaction_tags TO anon;
ANALYZE;
"#;

/// Reads with aggregates off (the default).
fn cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("embed")
            .pool(2)
            .fixture(FIXTURE)
            .start()
    })
}

/// `budgetbee.db_aggregates_enabled = on`.
fn agg_cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("embed-agg")
            .pool(2)
            .setting("budgetbee.db_aggregates_enabled", "on")
            .fixture(FIXTURE)
            .start()
    })
}

/// `budgetbee.db_max_rows = 2`: every node's range is capped, embeds included.
fn max_rows_cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("embed-max-rows")
            .pool(2)
            .setting("budgetbee.db_max_rows", "2")
            .fixture(FIXTURE)
            .start()
    })
}

/// Writes change the data: they run on a cluster of their own, in order.
fn write_cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("embed-write")
            .pool(2)
            .fixture(FIXTURE)
            .start()
    })
}

const JSON: (&str, &str) = ("Content-Type", "application/json; charset=utf-8");

mod after_writes;
mod aggregates;
mod aggregates_in_embeds;
mod aggregates_in_spreads;
mod read_basic;
mod read_hints;
mod read_order_and_ranges;
mod read_param_errors;
mod read_params;
mod read_shapes_and_media_types;
mod read_spread;
mod read_views_and_computed;
