//! Row-level security applies to writes: Budget Bee's `transactions` policies (the seed's
//! `limit_transactions_select`, plus INSERT/UPDATE/DELETE policies in the same shape whose `WITH
//! CHECK` stops a user from writing rows for someone else), exercised with HS256 JWTs shaped like
//! Better Auth's (no role claim, so `budgetbee.db_authenticated_role = authenticated` applies).
//!
//! PostgREST v13 facts (PostgREST/postgrest `src/PostgREST/Error.hs` `pgErrorStatus`): SQLSTATE
//! 42501 — "permission denied for table t" or "new row violates row-level security policy for
//! table \"t\"" — is 403 for an authenticated role and 401 (plus `WWW-Authenticate: Bearer`) for
//! the anonymous role. A PATCH or DELETE whose filter only matches rows the policies hide affects
//! nothing: 204 with `Content-Range: */*` (or 200 and `[]`), not an error. Upserting onto a row the
//! user may not update fails with PostgreSQL's "(USING expression)" variant of the message.
//!
//! Bodies and error texts were produced by PostgreSQL 17 running PostgREST's statements as role
//! `authenticated` with `request.jwt.claims` set to each token's claims.

mod jwt_support;
mod write_support;

use budgetbee_e2e::{ABSENT, Cluster, ClusterBuilder, WriteCase, run_write_cases};
use jwt_support::{HS_SECRET, bearer, claims, hs256};
use serde_json::json;
use std::sync::OnceLock;
use write_support::*;

/// Loaded after `CREATE EXTENSION budgetbee`, which ships `uid()`, `org_id()` and `org_role()`.
const FIXTURE: &str = r#"
DO $$ BEGIN CREATE ROLE authenticated NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT authenticated TO authenticator;
-- Budget Bee's transactions, cut down to what the policies read.
CREATE TABLE transactions (
  id int PRIMARY KEY,
  user_id text NOT NULL DEFAULT uid(),
  organization_id text,
  name text NOT NULL,
  amount numeric(12,2) NOT NULL DEFAULT 0
);
INSERT INTO transactions VALUES
  (1, 'user_a', NULL,    'a personal', 10),
  (2, 'user_b', NULL,    'b personal', 20),
  (3, 'user_a', 'org_1', 'org_1 by a', 30),
  (4, 'user_b', 'org_1', 'org_1 by b', 40),
  (5, 'user_b', 'org_2', 'org_2 by b', 50);
ALTER TABLE transactions ENABLE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON transactions TO authenticated;
-- The seed's limit_transactions_select, with check_ac_current('transaction', <action>) reduced to
-- the organization roles allowed to list / create / update / delete.
CREATE POLICY limit_transactions_select ON transactions FOR SELECT TO authenticated USING (
  (organization_id IS NULL AND user_id = uid())
  OR (organization_id = org_id() AND org_role() IN ('owner', 'admin', 'editor', 'viewer'))
);
CREATE POLICY limit_transactions_insert ON transactions FOR INSERT TO authenticated WITH CHECK (
  (organization_id IS NULL AND user_id = uid())
  OR (organization_id = org_id() AND org_role() IN ('owner', 'admin', 'editor'))
);
CREATE POLICY limit_transactions_update ON transactions FOR UPDATE TO authenticated USING (
  (organization_id IS NULL AND user_id = uid())
  OR (organization_id = org_id() AND org_role() IN ('owner', 'admin', 'editor'))
) WITH CHECK (
  (organization_id IS NULL AND user_id = uid())
  OR (organization_id = org_id() AND org_role() IN ('owner', 'admin', 'editor'))
);
CREATE POLICY limit_transactions_delete ON transactions FOR DELETE TO authenticated USING (
  (organization_id IS NULL AND user_id = uid())
  OR (organization_id = org_id() AND org_role() IN ('owner', 'admin'))
);
-- Readable and insertable, nothing more.
CREATE TABLE categories (id int PRIMARY KEY, name text NOT NULL);
INSERT INTO categories VALUES (1, 'food');
GRANT SELECT, INSERT ON categories TO authenticated;
"#;

fn cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("write-rls")
            .pool(2)
            .setting("budgetbee.jwt_secret", HS_SECRET)
            .setting("budgetbee.db_authenticated_role", "authenticated")
            .fixture(FIXTURE)
            .start()
    })
}

/// Users A and B, alone or in `org_1` with a role, inserting, updating, deleting and upserting
/// their own and each other's rows; anon; a table `authenticated` may not update or delete.
#[test]
fn row_level_security_applies_to_writes() {
    let org = |role: &str| json!({"organization_id": "org_1", "organization_role": role});
    let token = |extra: serde_json::Value| bearer(&hs256(&claims(extra)));
    let a = token(json!({"sub": "user_a", "user_id": "user_a"}));
    let b = token(json!({"sub": "user_b", "user_id": "user_b"}));
    let a_viewer_org1 =
        token(json!({"sub": "user_a", "user_id": "user_a", "claims": org("viewer")}));
    let a_editor_org1 =
        token(json!({"sub": "user_a", "user_id": "user_a", "claims": org("editor")}));
    let b_admin_org1 = token(json!({"sub": "user_b", "user_id": "user_b", "claims": org("admin")}));
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "a user's insert: user_id defaults to uid()",
                method: "POST",
                path: "/transactions",
                headers: &[
                    ("Authorization", a.as_str()),
                    ("Prefer", "return=representation"),
                ],
                request_body: r#"{"id":10,"name":"a lunch","amount":12.5}"#,
                status: 201,
                expect_headers: &[JSON, ("Preference-Applied", "return=representation")],
                body: r#"[{"id":10,"user_id":"user_a","organization_id":null,"name":"a lunch","amount":12.50}]"#,
                check: (
                    "SELECT id, user_id, coalesce(organization_id, '-'), name, amount FROM transactions WHERE id = 10",
                    "10|user_a|-|a lunch|12.50",
                ),
            },
            WriteCase {
                name: "inserting a row for another user: 42501 is 403 (WITH CHECK)",
                method: "POST",
                path: "/transactions",
                headers: &[("Authorization", a.as_str())],
                request_body: r#"{"id":11,"user_id":"user_b","name":"planted"}"#,
                status: 403,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=42501"),
                    ("WWW-Authenticate", ABSENT),
                ],
                body: r#"{"code":"42501","details":null,"hint":null,"message":"new row violates row-level security policy for table \"transactions\""}"#,
                check: ("SELECT count(*) FROM transactions WHERE id = 11", "0"),
            },
            WriteCase {
                name: "a bulk insert with one foreign row keeps none",
                method: "POST",
                path: "/transactions",
                headers: &[("Authorization", a.as_str())],
                request_body: r#"[{"id":11,"user_id":"user_a","name":"mine"},{"id":12,"user_id":"user_b","name":"not mine"}]"#,
                status: 403,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=42501"),
                    ("WWW-Authenticate", ABSENT),
                ],
                body: r#"{"code":"42501","details":null,"hint":null,"message":"new row violates row-level security policy for table \"transactions\""}"#,
                check: (
                    "SELECT count(*) FROM transactions WHERE id IN (11, 12)",
                    "0",
                ),
            },
            WriteCase {
                name: "updating another user's row matches nothing: 204, row unchanged",
                method: "PATCH",
                path: "/transactions?id=eq.2",
                headers: &[("Authorization", a.as_str())],
                request_body: r#"{"name":"hacked"}"#,
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Range", "*/*")],
                body: "",
                check: (
                    "SELECT id, user_id, coalesce(organization_id, '-'), name, amount FROM transactions WHERE id = 2",
                    "2|user_b|-|b personal|20.00",
                ),
            },
            WriteCase {
                name: "the same with return=representation: 200 and []",
                method: "PATCH",
                path: "/transactions?id=eq.2",
                headers: &[
                    ("Authorization", a.as_str()),
                    ("Prefer", "return=representation"),
                ],
                request_body: r#"{"name":"hacked"}"#,
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "*/*")],
                body: "[]",
                check: (
                    "SELECT id, user_id, coalesce(organization_id, '-'), name, amount FROM transactions WHERE id = 2",
                    "2|user_b|-|b personal|20.00",
                ),
            },
            WriteCase {
                name: "updating one's own row",
                method: "PATCH",
                path: "/transactions?id=eq.1",
                headers: &[("Authorization", a.as_str())],
                request_body: r#"{"name":"a personal, renamed"}"#,
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Range", "0-0/*")],
                body: "",
                check: (
                    "SELECT id, user_id, coalesce(organization_id, '-'), name, amount FROM transactions WHERE id = 1",
                    "1|user_a|-|a personal, renamed|10.00",
                ),
            },
            WriteCase {
                name: "handing one's row to another user: 403 (WITH CHECK), unchanged",
                method: "PATCH",
                path: "/transactions?id=eq.1",
                headers: &[("Authorization", a.as_str())],
                request_body: r#"{"user_id":"user_b"}"#,
                status: 403,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=42501"),
                    ("WWW-Authenticate", ABSENT),
                ],
                body: r#"{"code":"42501","details":null,"hint":null,"message":"new row violates row-level security policy for table \"transactions\""}"#,
                check: (
                    "SELECT id, user_id, coalesce(organization_id, '-'), name, amount FROM transactions WHERE id = 1",
                    "1|user_a|-|a personal, renamed|10.00",
                ),
            },
            WriteCase {
                name: "deleting another user's row matches nothing",
                method: "DELETE",
                path: "/transactions?id=eq.2",
                headers: &[
                    ("Authorization", a.as_str()),
                    ("Prefer", "return=representation"),
                ],
                request_body: "",
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "*/*")],
                body: "[]",
                check: (
                    "SELECT string_agg(id::text, ',' ORDER BY id) FROM transactions",
                    "1,2,3,4,5,10",
                ),
            },
            WriteCase {
                name: "deleting one's own row",
                method: "DELETE",
                path: "/transactions?id=eq.10",
                headers: &[("Authorization", a.as_str())],
                request_body: "",
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE],
                body: "",
                check: (
                    "SELECT string_agg(id::text, ',' ORDER BY id) FROM transactions",
                    "1,2,3,4,5",
                ),
            },
            WriteCase {
                name: "an organization viewer cannot update organization rows",
                method: "PATCH",
                path: "/transactions?id=eq.4",
                headers: &[("Authorization", a_viewer_org1.as_str())],
                request_body: r#"{"name":"viewer edit"}"#,
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Range", "*/*")],
                body: "",
                check: (
                    "SELECT id, user_id, coalesce(organization_id, '-'), name, amount FROM transactions WHERE id = 4",
                    "4|user_b|org_1|org_1 by b|40.00",
                ),
            },
            WriteCase {
                name: "an organization admin updates a member's row",
                method: "PATCH",
                path: "/transactions?id=eq.3",
                headers: &[
                    ("Authorization", b_admin_org1.as_str()),
                    ("Prefer", "return=representation"),
                ],
                request_body: r#"{"name":"org_1 reviewed"}"#,
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"id":3,"user_id":"user_a","organization_id":"org_1","name":"org_1 reviewed","amount":30.00}]"#,
                check: (
                    "SELECT id, user_id, coalesce(organization_id, '-'), name, amount FROM transactions WHERE id = 3",
                    "3|user_a|org_1|org_1 reviewed|30.00",
                ),
            },
            WriteCase {
                name: "an organization editor inserts an organization row",
                method: "POST",
                path: "/transactions?select=id,user_id,organization_id",
                headers: &[
                    ("Authorization", a_editor_org1.as_str()),
                    ("Prefer", "return=representation"),
                ],
                request_body: r#"{"id":11,"organization_id":"org_1","name":"team lunch","amount":99}"#,
                status: 201,
                expect_headers: &[JSON],
                body: r#"[{"id":11,"user_id":"user_a","organization_id":"org_1"}]"#,
                check: (
                    "SELECT id, user_id, coalesce(organization_id, '-'), name, amount FROM transactions WHERE id = 11",
                    "11|user_a|org_1|team lunch|99.00",
                ),
            },
            WriteCase {
                name: "an organization viewer cannot insert one",
                method: "POST",
                path: "/transactions",
                headers: &[("Authorization", a_viewer_org1.as_str())],
                request_body: r#"{"id":12,"organization_id":"org_1","name":"viewer lunch"}"#,
                status: 403,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=42501"),
                    ("WWW-Authenticate", ABSENT),
                ],
                body: r#"{"code":"42501","details":null,"hint":null,"message":"new row violates row-level security policy for table \"transactions\""}"#,
                check: ("SELECT count(*) FROM transactions WHERE id = 12", "0"),
            },
            WriteCase {
                name: "an editor cannot insert into another organization",
                method: "POST",
                path: "/transactions",
                headers: &[("Authorization", a_editor_org1.as_str())],
                request_body: r#"{"id":12,"organization_id":"org_2","name":"wrong org"}"#,
                status: 403,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=42501"),
                    ("WWW-Authenticate", ABSENT),
                ],
                body: r#"{"code":"42501","details":null,"hint":null,"message":"new row violates row-level security policy for table \"transactions\""}"#,
                check: ("SELECT count(*) FROM transactions WHERE id = 12", "0"),
            },
            WriteCase {
                name: "an editor cannot delete organization rows",
                method: "DELETE",
                path: "/transactions?id=eq.11",
                headers: &[("Authorization", a_editor_org1.as_str())],
                request_body: "",
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Range", "*/*")],
                body: "",
                check: (
                    "SELECT string_agg(id::text, ',' ORDER BY id) FROM transactions",
                    "1,2,3,4,5,11",
                ),
            },
            WriteCase {
                name: "an admin can",
                method: "DELETE",
                path: "/transactions?id=eq.11",
                headers: &[
                    ("Authorization", b_admin_org1.as_str()),
                    ("Prefer", "count=exact"),
                ],
                request_body: "",
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Range", "*/1")],
                body: "",
                check: (
                    "SELECT string_agg(id::text, ',' ORDER BY id) FROM transactions",
                    "1,2,3,4,5",
                ),
            },
            WriteCase {
                name: "PATCH without filters reaches only the caller's own rows",
                method: "PATCH",
                path: "/transactions",
                headers: &[("Authorization", a.as_str()), ("Prefer", "count=exact")],
                request_body: r#"{"amount":0}"#,
                status: 204,
                expect_headers: &[NO_CONTENT_TYPE, ("Content-Range", "0-0/1")],
                body: "",
                check: (
                    "SELECT string_agg(amount::text, ',' ORDER BY id) FROM transactions",
                    "0.00,20.00,30.00,40.00,50.00",
                ),
            },
            WriteCase {
                name: "DELETE without filters reaches only the caller's own rows",
                method: "DELETE",
                path: "/transactions?select=id",
                headers: &[
                    ("Authorization", b.as_str()),
                    ("Prefer", "return=representation"),
                ],
                request_body: "",
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":2}]"#,
                check: (
                    "SELECT string_agg(id::text, ',' ORDER BY id) FROM transactions",
                    "1,3,4,5",
                ),
            },
            WriteCase {
                name: "an upsert onto another user's row: 403",
                method: "POST",
                path: "/transactions",
                headers: &[
                    ("Authorization", a.as_str()),
                    ("Prefer", "resolution=merge-duplicates"),
                ],
                request_body: r#"{"id":4,"name":"taken over"}"#,
                status: 403,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=42501"),
                    ("WWW-Authenticate", ABSENT),
                ],
                body: r#"{"code":"42501","details":null,"hint":null,"message":"new row violates row-level security policy (USING expression) for table \"transactions\""}"#,
                check: (
                    "SELECT id, user_id, coalesce(organization_id, '-'), name, amount FROM transactions WHERE id = 4",
                    "4|user_b|org_1|org_1 by b|40.00",
                ),
            },
            WriteCase {
                name: "PUT onto another user's row: 403",
                method: "PUT",
                path: "/transactions?id=eq.4",
                headers: &[("Authorization", a.as_str())],
                request_body: r#"{"id":4,"name":"taken over"}"#,
                status: 403,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=42501"),
                    ("WWW-Authenticate", ABSENT),
                ],
                body: r#"{"code":"42501","details":null,"hint":null,"message":"new row violates row-level security policy (USING expression) for table \"transactions\""}"#,
                check: (
                    "SELECT id, user_id, coalesce(organization_id, '-'), name, amount FROM transactions WHERE id = 4",
                    "4|user_b|org_1|org_1 by b|40.00",
                ),
            },
            WriteCase {
                name: "without a token (anon has no grant): 401",
                method: "POST",
                path: "/transactions",
                headers: &[],
                request_body: r#"{"id":13,"user_id":"user_a","name":"anonymous"}"#,
                status: 401,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=42501"),
                    ("WWW-Authenticate", "Bearer"),
                ],
                body: r#"{"code":"42501","details":null,"hint":null,"message":"permission denied for table transactions"}"#,
                check: ("SELECT count(*) FROM transactions WHERE id = 13", "0"),
            },
            WriteCase {
                name: "anon PATCH: 401",
                method: "PATCH",
                path: "/transactions?id=eq.1",
                headers: &[],
                request_body: r#"{"name":"x"}"#,
                status: 401,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=42501"),
                    ("WWW-Authenticate", "Bearer"),
                ],
                body: r#"{"code":"42501","details":null,"hint":null,"message":"permission denied for table transactions"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "an authenticated insert where the role may insert",
                method: "POST",
                path: "/categories",
                headers: &[
                    ("Authorization", a.as_str()),
                    ("Prefer", "return=representation"),
                ],
                request_body: r#"{"id":2,"name":"drinks"}"#,
                status: 201,
                expect_headers: &[JSON],
                body: r#"[{"id":2,"name":"drinks"}]"#,
                check: ("SELECT count(*) FROM categories", "2"),
            },
            WriteCase {
                name: "an authenticated UPDATE without the privilege: 42501 is 403, no WWW-Authenticate",
                method: "PATCH",
                path: "/categories?id=eq.1",
                headers: &[("Authorization", a.as_str())],
                request_body: r#"{"name":"x"}"#,
                status: 403,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=42501"),
                    ("WWW-Authenticate", ABSENT),
                ],
                body: r#"{"code":"42501","details":null,"hint":null,"message":"permission denied for table categories"}"#,
                check: ("SELECT name FROM categories WHERE id = 1", "food"),
            },
            WriteCase {
                name: "an authenticated DELETE without the privilege: 403",
                method: "DELETE",
                path: "/categories?id=eq.1",
                headers: &[("Authorization", a.as_str())],
                request_body: "",
                status: 403,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=42501"),
                    ("WWW-Authenticate", ABSENT),
                ],
                body: r#"{"code":"42501","details":null,"hint":null,"message":"permission denied for table categories"}"#,
                check: ("SELECT count(*) FROM categories", "2"),
            },
            WriteCase {
                name: "what is left, as user A reads it",
                method: "GET",
                path: "/transactions?select=id&order=id",
                headers: &[("Authorization", a.as_str())],
                request_body: "",
                status: 200,
                expect_headers: &[JSON],
                body: r#"[{"id":1}]"#,
                check: (
                    "SELECT string_agg(id || ':' || user_id || ':' || coalesce(organization_id, '-') || ':' || name || ':' || amount, ' | ' ORDER BY id) FROM transactions",
                    "1:user_a:-:a personal, renamed:0.00 | 3:user_a:org_1:org_1 reviewed:30.00 | 4:user_b:org_1:org_1 by b:40.00 | 5:user_b:org_2:org_2 by b:50.00",
                ),
            },
        ],
    );
}
