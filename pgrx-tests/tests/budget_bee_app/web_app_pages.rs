//! The pages of Budget Bee's web app as `web_app` drives them: the transaction list with every
//! filter, the charts, categories, transaction writes, subscriptions and refused writes.

use super::web_app_session::{READ, Session, UPSERT, WRITE, from, rls_violation, rpc, scope};
use super::*;
use serde_json::{Value, json};

/// The list page's filters: postgrest-js builder calls, the SQL they mean, and the limit.
fn list_filters(categories: &[String]) -> Vec<(&'static str, Vec<Value>, String, Option<usize>)> {
    let (c1, c2) = (&categories[0], &categories[1]);
    let quoted = |cs: &[&String]| {
        cs.iter()
            .map(|c| format!("'{c}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    vec![
        ("no filter", vec![], "true".into(), None),
        (
            "amount=eq",
            vec![json!(["eq", "amount", -1200])],
            "amount = -1200".into(),
            None,
        ),
        (
            "amount=gt",
            vec![json!(["gt", "amount", 100])],
            "amount > 100".into(),
            None,
        ),
        (
            "amount=gte",
            vec![json!(["gte", "amount", 3400])],
            "amount >= 3400".into(),
            None,
        ),
        (
            "amount=lt, a negative decimal",
            vec![json!(["lt", "amount", -82.81])],
            "amount < -82.81".into(),
            None,
        ),
        (
            "amount=lte, a negative decimal",
            vec![json!(["lte", "amount", -50.5])],
            "amount <= -50.5".into(),
            None,
        ),
        (
            "amount=eq, a negative decimal",
            vec![json!(["eq", "amount", -23.4])],
            "amount = -23.4".into(),
            None,
        ),
        (
            "category_id=in.(…)",
            vec![json!(["in", "category_id", [c1, c2]])],
            format!("category_id IN ({})", quoted(&[c1, c2])),
            None,
        ),
        (
            "category_id=not.in.(…)",
            vec![json!(["not", "category_id", "in", format!("({c1},{c2})")])],
            format!("NOT (category_id IN ({}))", quoted(&[c1, c2])),
            None,
        ),
        (
            "category_id=is.null",
            vec![json!(["is", "category_id", null])],
            "category_id IS NULL".into(),
            None,
        ),
        (
            "status=in.(…)",
            vec![json!(["in", "status", ["pending", "overdue"]])],
            "status IN ('pending', 'overdue')".into(),
            None,
        ),
        (
            "status=not.in.(…)",
            vec![json!(["not", "status", "in", "(paid)"])],
            "NOT (status IN ('paid'))".into(),
            None,
        ),
        (
            "status=is.null",
            vec![json!(["is", "status", null])],
            "status IS NULL".into(),
            None,
        ),
        (
            "status, category and amount together",
            vec![
                json!(["in", "status", ["paid", "pending"]]),
                json!(["not", "category_id", "in", format!("({c1})")]),
                json!(["lt", "amount", 0]),
            ],
            format!(
                "status IN ('paid', 'pending') AND NOT (category_id IN ('{c1}')) AND amount < 0"
            ),
            None,
        ),
        (
            "limit=10",
            vec![json!(["limit", 10])],
            "true".into(),
            Some(10),
        ),
        (
            "limit=50 with a filter",
            vec![json!(["lt", "amount", 0]), json!(["limit", 50])],
            "amount < 0".into(),
            Some(50),
        ),
        (
            "limit=1000",
            vec![json!(["limit", 1000])],
            "true".into(),
            Some(1000),
        ),
    ]
}

/// The transaction list page: every filter, in the scope the app sends; returns the rows of
/// the unfiltered list.
pub(super) fn list_page(
    s: &mut Session,
    user: &str,
    org: Option<&str>,
    categories: &[String],
) -> usize {
    let (chain, cond) = scope(user, org);
    let mut unfiltered = 0;
    for (what, filters, filter_sql, limit) in list_filters(categories) {
        let mut c = chain.clone();
        c.extend(filters);
        let o = s.call(
            &format!("transactions {} list, {what}", org.unwrap_or("personal")),
            from("transactions", Value::Array(c)),
            READ,
        );
        let visible = transactions_visible_to(s.user);
        let n = s.read(
            &o,
            "transactions",
            &format!("{visible} AND {cond} AND {filter_sql}"),
            None,
            limit,
        );
        if what == "no filter" {
            unfiltered = n;
        }
    }
    unfiltered
}

pub(super) fn category_id(demo: &Demo, owner: &str, name: &str) -> String {
    demo.psql(&format!(
        "SELECT id FROM categories WHERE user_id = '{owner}' AND organization_id IS NULL AND name = '{name}'"
    ))
}

/// The charts, as the app calls them: `{user_id, organization_id, filters}`.
pub(super) fn charts(s: &mut Session, user: &str, org: Option<&str>, category: &str) {
    let filter_sets = [
        json!([]),
        json!([{"field": "amount", "operation": "lt", "value": 0}]),
        json!([
            {"field": "status", "operation": "is", "value": ["paid", "pending"]},
            {"field": "transaction_date", "operation": "between", "value": ["2026-02-01", "2026-04-30T23:59:59"]}
        ]),
        json!([{"field": "category", "operation": "is not", "value": [category]}]),
    ];
    for function in [
        "get_transaction_by_category",
        "get_transaction_distribution_by_category",
        "get_transaction_distribution_by_status",
    ] {
        for filters in &filter_sets {
            let params = json!({"user_id": user, "organization_id": org, "filters": filters});
            let o = s.call(
                &format!("{function} {}", filters),
                rpc(function, json!({"params": params})),
                WRITE,
            );
            s.chart(&o, function, &params);
        }
    }
}

/// Categories: list, insert, rename, delete, and `/rpc/delete_category` both ways. `org` makes
/// them the organization's (olivia).
pub(super) fn categories_page(s: &mut Session, org: Option<&str>) {
    let user = s.user;
    let list = |s: &mut Session, label: &str| {
        let o = s.call(
            label,
            from(
                "categories",
                json!([["select", "*"], ["eq", "user_id", user], ["order", "name", {"ascending": true}]]),
            ),
            READ,
        );
        let cond = format!("user_id = '{user}' AND {}", owned_rows_visible_to(user));
        s.read(&o, "categories", &cond, Some("name"), None)
    };
    let before = list(s, "categories list");
    let o = s.call(
        "categories insert",
        from(
            "categories",
            json!([["insert", {"name": "e2e Pets", "description": "made by the web app test",
                               "color": "orange", "user_id": user, "organization_id": org}]]),
        ),
        WRITE,
    );
    s.created(&o);
    let org_sql = org.map(|o| format!("'{o}'")).unwrap_or("NULL".into());
    s.db(
        &format!(
            "SELECT count(*) FROM categories WHERE name = 'e2e Pets' AND user_id = '{user}'
               AND organization_id IS NOT DISTINCT FROM {org_sql} AND color = 'orange'"
        ),
        "1",
        "the new category",
    );
    let after = list(s, "categories list after the insert");
    if after != before + 1 {
        s.fail(format!(
            "[{user}] categories: {before} before the insert, {after} after"
        ));
    }
    let id = s
        .demo
        .psql("SELECT id FROM categories WHERE name = 'e2e Pets'");
    let o = s.call(
        "categories update",
        from(
            "categories",
            json!([["update", {"name": "e2e Pets & vet", "color": "red"}], ["eq", "id", id]]),
        ),
        WRITE,
    );
    s.no_content(&o, "0-0/*");
    s.db(
        &format!("SELECT name || ' ' || color FROM categories WHERE id = '{id}'"),
        "e2e Pets & vet red",
        "the renamed category",
    );
    let o = s.call(
        "categories delete",
        from("categories", json!([["delete"], ["eq", "id", id]])),
        WRITE,
    );
    s.no_content(&o, "*/*");
    s.db(
        &format!("SELECT count(*) FROM categories WHERE id = '{id}'"),
        "0",
        "the deleted category",
    );

    // delete_category, keeping and then deleting the category's transactions.
    for cascade in [false, true] {
        let name = format!("e2e Old {cascade}");
        let o = s.call(
            "categories insert",
            from(
                "categories",
                json!([["insert", {"name": name, "user_id": user, "organization_id": org}]]),
            ),
            WRITE,
        );
        s.created(&o);
        let cat = s
            .demo
            .psql(&format!("SELECT id FROM categories WHERE name = '{name}'"));
        let o = s.call(
            "transactions insert in the category",
            from(
                "transactions",
                json!([["insert", {"name": format!("e2e in {name}"), "amount": -5,
                                   "category_id": cat, "user_id": user, "organization_id": org,
                                   "transaction_date": "2026-05-01T12:00:00.000Z"}]]),
            ),
            WRITE,
        );
        s.created(&o);
        let o = s.call(
            &format!("rpc delete_category, p_cascade_delete {cascade}"),
            rpc(
                "delete_category",
                json!({"p_category_id": cat, "p_cascade_delete": cascade}),
            ),
            WRITE,
        );
        s.no_content(&o, "0-0/*");
        s.db(
            &format!(
                "SELECT (SELECT count(*) FROM categories WHERE id = '{cat}') || ' ' ||
                        (SELECT count(*) FROM transactions WHERE name = 'e2e in {name}' AND category_id IS NULL)"
            ),
            if cascade { "0 0" } else { "0 1" },
            "delete_category: the category gone, its transaction kept uncategorized or deleted",
        );
    }
}

/// Transactions written as the app does: insert, bulk edit twice, delete. `org` makes them the
/// organization's (olivia).
pub(super) fn transactions_writes(s: &mut Session, org: Option<&str>, category: &str) {
    let user = s.user;
    for (name, amount, status, date) in [
        ("e2e tx coffee", -3.8, "paid", "2026-04-02T08:15:00.000Z"),
        ("e2e tx train", -42.5, "pending", "2026-04-03T17:45:30.250Z"),
    ] {
        let o = s.call(
            "transactions insert",
            from(
                "transactions",
                json!([["insert", {"name": name, "amount": amount, "currency": "usd",
                                   "status": status, "category_id": category,
                                   "transaction_date": date, "user_id": user,
                                   "organization_id": org}]]),
            ),
            WRITE,
        );
        s.created(&o);
    }
    let org_sql = org.map(|o| format!("'{o}'")).unwrap_or("NULL".into());
    s.db(
        &format!(
            "SELECT string_agg(name || '|' || amount || '|' || status || '|' || transaction_date || '|' ||
                               user_id || '|' || coalesce(organization_id, 'null'), ', ' ORDER BY name)
               FROM transactions WHERE name LIKE 'e2e tx %' AND organization_id IS NOT DISTINCT FROM {org_sql}"
        ),
        &format!(
            "e2e tx coffee|-3.80|paid|2026-04-02 08:15:00|{user}|{o}, e2e tx train|-42.50|pending|2026-04-03 17:45:30.25|{user}|{o}",
            o = org.unwrap_or("null")
        ),
        "the inserted transactions (transaction_date from the ISO string, zone dropped)",
    );

    // The bulk edit: the rows as the list gave them, edited, plus a new one → 201; then only
    // existing rows → 200.
    let rows: Value =
        serde_json::from_str(&s.demo.psql(
            "SELECT json_agg(t ORDER BY name) FROM transactions t WHERE name LIKE 'e2e tx %'",
        ))
        .unwrap();
    let mut edited: Vec<Value> = rows.as_array().unwrap().clone();
    for r in &mut edited {
        r["name"] = json!(format!("{} (edited)", r["name"].as_str().unwrap()));
        r["status"] = json!("overdue");
    }
    let new_id = s.demo.psql("SELECT gen_random_uuid()");
    let mut fresh = edited[0].clone();
    fresh["id"] = json!(new_id);
    fresh["name"] = json!("e2e tx bulk new");
    fresh["amount"] = json!(-7.25);
    let mut batch = edited.clone();
    batch.push(fresh);
    let o = s.call(
        "transactions bulk edit with a new row",
        from("transactions", json!([["upsert", batch]])),
        UPSERT,
    );
    // postgrest-js names every key of the rows, quoted, in the order the rows have them.
    let keys: Vec<String> = batch[0]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| format!("%22{k}%22"))
        .collect();
    let columns = o
        .url()
        .ends_with(&format!("/transactions?columns={}", keys.join("%2C")));
    s.expect(
        columns,
        &o,
        "the bulk edit names every column of its rows (?columns=\"amount\",\"category_id\",…)",
    );
    s.upserted(&o, 201);
    s.db(
        "SELECT string_agg(name || '|' || status || '|' || amount, ', ' ORDER BY name)
           FROM transactions WHERE name LIKE 'e2e tx %'",
        "e2e tx bulk new|overdue|-7.25, e2e tx coffee (edited)|overdue|-3.80, e2e tx train (edited)|overdue|-42.50",
        "after the bulk edit",
    );
    for r in &mut edited {
        r["status"] = json!("paid");
        r["amount"] = json!(-1.5);
    }
    let o = s.call(
        "transactions bulk edit of existing rows",
        from("transactions", json!([["upsert", edited]])),
        UPSERT,
    );
    s.upserted(&o, 200);
    s.db(
        "SELECT string_agg(name || '|' || status || '|' || amount || '|' || (updated_at > created_at), ', ' ORDER BY name)
           FROM transactions WHERE name LIKE 'e2e tx %'",
        "e2e tx bulk new|overdue|-7.25|false, e2e tx coffee (edited)|paid|-1.50|true, e2e tx train (edited)|paid|-1.50|true",
        "after the second bulk edit (the trigger set updated_at)",
    );

    // Delete the selection.
    let ids: Vec<String> = s
        .demo
        .psql("SELECT id FROM transactions WHERE name LIKE 'e2e tx %' ORDER BY name")
        .lines()
        .map(String::from)
        .collect();
    let o = s.call(
        "transactions delete selected",
        from("transactions", json!([["delete"], ["in", "id", ids]])),
        WRITE,
    );
    s.no_content(&o, "*/*");
    s.db(
        "SELECT count(*) FROM transactions WHERE name LIKE 'e2e tx %'",
        "0",
        "the deleted selection",
    );
}

/// Subscriptions: the list, and an insert (personal, or the organization's).
pub(super) fn subscriptions_page(s: &mut Session, org: Option<&str>) -> usize {
    let user = s.user;
    let o = s.call(
        "subscriptions list",
        from("subscriptions", json!([["select", "*"]])),
        READ,
    );
    let n = s.read(
        &o,
        "subscriptions",
        &owned_rows_visible_to(user),
        None,
        None,
    );
    let o = s.call(
        "subscriptions insert",
        from(
            "subscriptions",
            json!([["insert", {"title": "e2e Music", "amount": 10.99, "period": "monthly",
                               "interval_in_days": 30, "user_id": user, "organization_id": org}]]),
        ),
        WRITE,
    );
    s.created(&o);
    let org_sql = org.map(|o| format!("'{o}'")).unwrap_or("NULL".into());
    s.db(
        &format!(
            "SELECT count(*) FROM subscriptions WHERE title = 'e2e Music' AND amount = 10.99
               AND period = 'monthly' AND user_id = '{user}' AND organization_id IS NOT DISTINCT FROM {org_sql}"
        ),
        "1",
        "the new subscription",
    );
    let o = s.call(
        "subscriptions list after the insert",
        from("subscriptions", json!([["select", "*"]])),
        READ,
    );
    let after = s.read(
        &o,
        "subscriptions",
        &owned_rows_visible_to(user),
        None,
        None,
    );
    if after != n + 1 {
        s.fail(format!(
            "[{user}] subscriptions: {n} before the insert, {after} after"
        ));
    }
    n
}

/// Deletes two of org_acme's rows as a user whose token may not: row-level security leaves
/// nothing to delete, so 204 and `Content-Range: */*`.
pub(super) fn delete_acme_rows_in_vain(s: &mut Session) {
    let o = s.call(
        "delete org_acme's rows",
        from(
            "transactions",
            json!([
                ["delete"],
                [
                    "in",
                    "id",
                    [
                        "7a000003-0000-4000-8000-000000000001",
                        "7a000003-0000-4000-8000-000000000002"
                    ]
                ]
            ]),
        ),
        WRITE,
    );
    s.no_content(&o, "*/*");
}

/// Writes the policies refuse: 403 42501 in PostgREST's shape, nothing written.
pub(super) fn refused_insert(s: &mut Session, label: &str, row: Value) {
    let o = s.call(label, from("transactions", json!([["insert", row]])), WRITE);
    s.forbidden(&o, &rls_violation("transactions"));
}

/// The same user's unscoped list: every row the token reaches, the README's count.
pub(super) fn everything(s: &mut Session, want: usize) {
    let o = s.call(
        "transactions, all the token reaches",
        from("transactions", json!([["select", "*"]])),
        READ,
    );
    let n = s.read(
        &o,
        "transactions",
        &transactions_visible_to(s.user),
        None,
        None,
    );
    s.count(
        n,
        want,
        "all transactions the token reaches (sql/app/README.md)",
    );
}
