//! Every call Budget Bee's web app makes (shared/reference/budgetbee-app.md, "What the web app
//! sends"), made by the client it uses, `@supabase/postgrest-js` 1.21.4, with the headers it
//! sends (`Authorization: Bearer`, `Accept: application/json`, `contenttype: application/json`),
//! each preceded by the CORS preflight Chrome would send from the app's origin
//! (`pgrx-tests/js/web_app.mjs`, `cors_fetch.mjs`), as each demo user: alice (personal), olivia
//! (owner of org_acme, whose token carries it) and victor (viewer of org_acme).
//!
//! What is right comes from outside budgetbee:
//! - rows: the superuser reads the demo data applying sql/app/README.md's visibility rule and
//!   the filter's meaning (`amount=gt.100` is `amount > 100`, …), and checks the README's fixed
//!   counts (alice 124, olivia 80 + 180, victor 0 + 180); a call's function result is the
//!   superuser calling the same function (its arguments pick the rows; they are the caller's);
//! - statuses, headers and bodies: PostgREST v13 (PostgREST/postgrest src/PostgREST/
//!   Response.hs `actionResponse`: a read is 200 with `Content-Range: 0-<n-1>/*` (`*/*` for no
//!   row) and `Content-Location` = the table and the query string canonicalised by
//!   `QueryParams.qsCanonical` (parameters sorted by name, repeated ones joined with `,`, each
//!   part percent-encoded as Network.HTTP.Base.urlEncode); an insert without `Prefer` is 201
//!   with no body, `Content-Range: */*`, no Location; PATCH and DELETE without `Prefer` are 204
//!   with `Content-Range: 0-<n-1>/*` / `*/*`; an upsert is 200 when nothing was inserted with
//!   merge-duplicates, else 201, `Preference-Applied: resolution=merge-duplicates`; a void
//!   function is 204 with `Content-Range: 0-0/*`. Error.hs: SQLSTATE 42501 is 403 for an
//!   authenticated role, `{"code","details","hint","message"}`, `Proxy-Status: PostgREST;
//!   error=42501`. The body of a read is PostgreSQL's `json_agg` of the rows, rows as
//!   `row_to_json` prints them, joined by `", \n "`);
//! - CORS: PostgREST's Cors.hs through wai-cors 0.2.7 (no `server-cors-allowed-origins`):
//!   the preflight is 200 with `Access-Control-Allow-Origin: *`, `Access-Control-Allow-Methods:
//!   GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD`, `Access-Control-Allow-Headers:
//!   Authorization, <the requested names as sent>, <Accept, Accept-Language, Content-Language
//!   unless requested>`, `Access-Control-Max-Age: 86400`; every other answer carries
//!   `Access-Control-Allow-Origin: *` and PostgREST's `Access-Control-Expose-Headers`.
//!
//! Writes are made on rows the test creates (or refused); each user's run removes what it
//! created, so the other parts see sql/app's demo rows.
//!
//! This file holds each user's run; the harness (the postgrest-js driver and the checks of each
//! answer) is in `web_app_session`, the pages' calls in `web_app_pages`.

use super::web_app_pages::{
    categories_page, category_id, charts, delete_acme_rows_in_vain, everything, list_page,
    refused_insert, subscriptions_page, transactions_writes,
};
use super::web_app_session::{READ, Session, UPSERT, WRITE, from, rls_violation, rpc, scope};
use super::*;
use serde_json::{Value, json};

#[test]
fn alice_personal_budget() {
    let demo = demo();
    let _guard = exclusive();
    assert_demo_rows(demo);
    let mut s = Session::new(demo, ALICE);
    let groceries = ALICE_GROCERIES.to_string();
    let rent = "0b1c2d3e-0000-4000-8000-000000000002".to_string();

    everything(&mut s, 124);
    let n = list_page(&mut s, ALICE, None, &[groceries.clone(), rent]);
    s.count(n, 124, "alice's personal list");
    // Scopes that are not hers: nothing.
    let o = s.call(
        "olivia's personal rows",
        from("transactions", Value::Array(scope(OLIVIA, None).0)),
        READ,
    );
    s.read(&o, "transactions", "false", None, None);
    let o = s.call(
        "org_acme's rows",
        from("transactions", Value::Array(scope(ALICE, Some(ACME)).0)),
        READ,
    );
    s.read(&o, "transactions", "false", None, None);

    categories_page(&mut s, None);
    transactions_writes(&mut s, None, &groceries);
    let subs = subscriptions_page(&mut s, None);
    s.count(subs, 3, "alice's subscriptions (sql/app/90-demo.sql)");
    charts(&mut s, ALICE, None, &groceries);

    // Policies: another user's rows, an organization she is not in.
    refused_insert(
        &mut s,
        "insert for org_acme",
        json!({"name": "e2e planted", "amount": -1, "user_id": ALICE, "organization_id": ACME}),
    );
    refused_insert(
        &mut s,
        "insert for olivia",
        json!({"name": "e2e planted", "amount": -1, "user_id": OLIVIA, "organization_id": null}),
    );
    let o = s.call(
        "categories insert for org_acme",
        from(
            "categories",
            json!([["insert", {"name": "e2e planted", "user_id": ALICE, "organization_id": ACME}]]),
        ),
        WRITE,
    );
    s.forbidden(&o, &rls_violation("categories"));
    let before = s.rows(
        "transactions",
        "organization_id IS NOT NULL OR user_id <> 'user_alice'",
    );
    let o = s.call(
        "update olivia's row",
        from(
            "transactions",
            json!([["update", {"name": "e2e hijacked"}], ["eq", "id", "7a000002-0000-4000-8000-000000000001"]]),
        ),
        WRITE,
    );
    s.no_content(&o, "*/*");
    delete_acme_rows_in_vain(&mut s);
    let after = s.rows(
        "transactions",
        "organization_id IS NOT NULL OR user_id <> 'user_alice'",
    );
    if before != after {
        s.fail("[user_alice] another user's rows changed".into());
    }
    s.db(
        "SELECT count(*) FROM transactions WHERE name = 'e2e planted'",
        "0",
        "nothing planted",
    );

    remove_test_rows(demo);
    assert_demo_rows(demo);
    s.finish();
}

#[test]
fn olivia_owner_of_acme() {
    let demo = demo();
    let _guard = exclusive();
    assert_demo_rows(demo);
    let mut s = Session::new(demo, OLIVIA);
    let revenue = "0b1c2d3e-0000-4000-8000-000000000021".to_string();
    let payroll = "0b1c2d3e-0000-4000-8000-000000000022".to_string();
    let groceries = "0b1c2d3e-0000-4000-8000-000000000011".to_string();
    let hobbies = "0b1c2d3e-0000-4000-8000-000000000013".to_string();

    everything(&mut s, 260);
    let personal = list_page(&mut s, OLIVIA, None, &[groceries.clone(), hobbies]);
    s.count(personal, 80, "olivia's personal list");
    let acme = list_page(&mut s, OLIVIA, Some(ACME), &[revenue.clone(), payroll]);
    s.count(acme, 180, "org_acme's list");

    categories_page(&mut s, Some(ACME));
    transactions_writes(&mut s, Some(ACME), &revenue);
    transactions_writes(&mut s, None, &groceries);
    let subs = subscriptions_page(&mut s, Some(ACME));
    s.count(subs, 4, "olivia's subscription and org_acme's three");
    charts(&mut s, OLIVIA, None, &groceries);
    charts(&mut s, OLIVIA, Some(ACME), &revenue);

    refused_insert(
        &mut s,
        "insert for alice",
        json!({"name": "e2e planted", "amount": -1, "user_id": ALICE, "organization_id": null}),
    );
    refused_insert(
        &mut s,
        "insert for another organization",
        json!({"name": "e2e planted", "amount": -1, "user_id": OLIVIA, "organization_id": "org_other"}),
    );

    remove_test_rows(demo);
    assert_demo_rows(demo);
    s.finish();
}

#[test]
fn victor_viewer_of_acme() {
    let demo = demo();
    let _guard = exclusive();
    assert_demo_rows(demo);
    let mut s = Session::new(demo, VICTOR);
    let revenue = "0b1c2d3e-0000-4000-8000-000000000021".to_string();
    let payroll = "0b1c2d3e-0000-4000-8000-000000000022".to_string();
    let food = category_id(demo, VICTOR, "Food");

    everything(&mut s, 180);
    let personal = list_page(&mut s, VICTOR, None, &[food.clone(), revenue.clone()]);
    s.count(personal, 0, "victor has no personal transaction");
    let acme = list_page(&mut s, VICTOR, Some(ACME), &[revenue.clone(), payroll]);
    s.count(acme, 180, "org_acme's list, read-only");
    charts(&mut s, VICTOR, Some(ACME), &revenue);
    let o = s.call(
        "subscriptions list",
        from("subscriptions", json!([["select", "*"]])),
        READ,
    );
    let subs = s.read(
        &o,
        "subscriptions",
        &owned_rows_visible_to(VICTOR),
        None,
        None,
    );
    s.count(subs, 3, "org_acme's subscriptions");
    let o = s.call(
        "categories list",
        from(
            "categories",
            json!([["select", "*"], ["eq", "user_id", VICTOR], ["order", "name", {"ascending": true}]]),
        ),
        READ,
    );
    s.read(
        &o,
        "categories",
        &format!("user_id = '{VICTOR}' AND {}", owned_rows_visible_to(VICTOR)),
        Some("name"),
        None,
    );

    // The viewer writes nothing of the organization's.
    let org_rows = "organization_id = 'org_acme'";
    let before = (
        s.rows("transactions", org_rows),
        s.rows("categories", org_rows),
        s.rows("subscriptions", org_rows),
    );
    refused_insert(
        &mut s,
        "insert for org_acme",
        json!({"name": "e2e by the viewer", "amount": -9.99, "currency": "usd", "status": "paid",
               "category_id": revenue, "transaction_date": "2026-05-02T09:00:00.000Z",
               "user_id": VICTOR, "organization_id": ACME}),
    );
    let o = s.call(
        "update org_acme's row",
        from(
            "transactions",
            json!([["update", {"name": "e2e renamed by the viewer"}], ["eq", "id", "7a000003-0000-4000-8000-000000000001"]]),
        ),
        WRITE,
    );
    s.no_content(&o, "*/*");
    delete_acme_rows_in_vain(&mut s);
    let rows: Value = serde_json::from_str(&demo.psql(
        "SELECT json_agg(t ORDER BY id) FROM transactions t
          WHERE id IN ('7a000003-0000-4000-8000-000000000001', '7a000003-0000-4000-8000-000000000002')",
    ))
    .unwrap();
    let mut edited = rows.as_array().unwrap().clone();
    for r in &mut edited {
        r["name"] = json!("e2e bulk-edited by the viewer");
    }
    let o = s.call(
        "bulk edit of org_acme's rows",
        from("transactions", json!([["upsert", edited]])),
        UPSERT,
    );
    s.forbidden(&o, &rls_violation("transactions"));
    let o = s.call(
        "categories insert for org_acme",
        from(
            "categories",
            json!([["insert", {"name": "e2e by the viewer", "user_id": VICTOR, "organization_id": ACME}]]),
        ),
        WRITE,
    );
    s.forbidden(&o, &rls_violation("categories"));
    let o = s.call(
        "categories update of org_acme's",
        from(
            "categories",
            json!([["update", {"name": "e2e renamed by the viewer"}], ["eq", "id", revenue]]),
        ),
        WRITE,
    );
    s.no_content(&o, "*/*");
    // sql/app/70-functions.sql: a category the caller sees but may not delete is refused.
    for cascade in [false, true] {
        let o = s.call(
            &format!("rpc delete_category of org_acme's, p_cascade_delete {cascade}"),
            rpc(
                "delete_category",
                json!({"p_category_id": revenue, "p_cascade_delete": cascade}),
            ),
            WRITE,
        );
        let visible = demo.psql(&format!(
            "SELECT count(*) FROM transactions WHERE category_id = '{revenue}'"
        ));
        let body = if cascade {
            format!(
                r#"{{"code":"42501","details":"0 of its {visible} transactions may be deleted by you","hint":"call delete_category with p_cascade_delete = false to keep them, uncategorized","message":"permission denied to delete the transactions of category {revenue}"}}"#
            )
        } else {
            format!(
                r#"{{"code":"42501","details":null,"hint":"deleting an organization's category needs its 'transaction' delete right","message":"permission denied to delete category {revenue}"}}"#
            )
        };
        s.forbidden(&o, &body);
    }
    let o = s.call(
        "subscriptions insert for org_acme",
        from(
            "subscriptions",
            json!([["insert", {"title": "e2e by the viewer", "amount": 1, "period": "monthly",
                               "user_id": VICTOR, "organization_id": ACME}]]),
        ),
        WRITE,
    );
    s.forbidden(&o, &rls_violation("subscriptions"));
    let after = (
        s.rows("transactions", org_rows),
        s.rows("categories", org_rows),
        s.rows("subscriptions", org_rows),
    );
    if before != after {
        s.fail("[user_victor] the viewer changed org_acme's rows".into());
    }

    // His own personal budget he may write.
    let food_cat = food.clone();
    let o = s.call(
        "transactions insert, personal",
        from(
            "transactions",
            json!([["insert", {"name": "e2e victor lunch", "amount": -14.2, "category_id": food_cat,
                               "transaction_date": "2026-05-03T12:30:00.000Z", "user_id": VICTOR,
                               "organization_id": null}]]),
        ),
        WRITE,
    );
    s.created(&o);
    let id = demo.psql("SELECT id FROM transactions WHERE name = 'e2e victor lunch'");
    let o = s.call(
        "transactions delete, personal",
        from("transactions", json!([["delete"], ["eq", "id", id]])),
        WRITE,
    );
    s.no_content(&o, "*/*");
    s.db(
        "SELECT count(*) FROM transactions WHERE name = 'e2e victor lunch'",
        "0",
        "victor's own row deleted",
    );

    remove_test_rows(demo);
    assert_demo_rows(demo);
    s.finish();
}
