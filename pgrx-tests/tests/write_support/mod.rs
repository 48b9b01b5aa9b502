//! Shared by the write test files (`write.rs`, `write_tx.rs`, `write_rls.rs`, `write_limits.rs`):
//! the headers writes are checked against and the `Prefer: tx=` fixture.
//!
//! PostgREST v13 facts these constants encode (PostgREST/postgrest, `src/PostgREST/Response.hs`,
//! `src/PostgREST/MediaType.hs`):
//! - a write answered without a body (201/204, `return=minimal|headers-only` or no `return=`)
//!   sends no `Content-Type` (`InsertSpec`: "should not have content type set when body is
//!   empty");
//! - a body carries the negotiated type with `; charset=utf-8`;
//! - `PUT` (single-row upsert) sends no `Content-Range` at all (`actionResponse` for
//!   `MutationSingleUpsert` builds only Content-Type and Preference-Applied).

#![allow(dead_code)]

use budgetbee_e2e::ABSENT;

pub const JSON: (&str, &str) = ("Content-Type", "application/json; charset=utf-8");
pub const CSV: (&str, &str) = ("Content-Type", "text/csv; charset=utf-8");
pub const OBJECT: (&str, &str) = (
    "Content-Type",
    "application/vnd.pgrst.object+json; charset=utf-8",
);
pub const ARRAY_STRIPPED: (&str, &str) = (
    "Content-Type",
    "application/vnd.pgrst.array+json;nulls=stripped; charset=utf-8",
);
pub const NO_CONTENT_TYPE: (&str, &str) = ("Content-Type", ABSENT);
pub const NO_LOCATION: (&str, &str) = ("Location", ABSENT);
pub const NO_CONTENT_RANGE: (&str, &str) = ("Content-Range", ABSENT);
pub const NO_PREFERENCE_APPLIED: (&str, &str) = ("Preference-Applied", ABSENT);

/// Loaded in every `db_tx_end` cluster (and in the main write cluster, whose `db_tx_end` is the
/// default `commit`). `tx_codes.code` is unique but checked only at COMMIT, so a duplicate shows
/// whether the server runs `SET CONSTRAINTS ALL IMMEDIATE` before a rollback (PostgREST
/// `Query.hs` `optionalRollback`) and reports errors raised by COMMIT itself.
pub const TX_FIXTURE: &str = r#"
CREATE TABLE tx_items (id int PRIMARY KEY, v text NOT NULL);
INSERT INTO tx_items VALUES (1, 'seed');
CREATE TABLE tx_codes (code text UNIQUE DEFERRABLE INITIALLY DEFERRED);
INSERT INTO tx_codes VALUES ('taken');
GRANT SELECT, INSERT, UPDATE, DELETE ON tx_items, tx_codes TO anon;
"#;
