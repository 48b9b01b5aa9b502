//! Reads with resource embedding: many-to-one, one-to-many, one-to-one, many-to-many (and the
//! junction itself), self-reference, views, computed relationships and fields, nesting, aliases,
//! casts and JSON paths inside embeds, empty embeds, media types.
//!
//! PostgREST v13 facts these expectations rest on:
//! - QueryBuilder.readPlanToQuery/getJoins/getJoinSelects: root `FROM "public"."<table>"`, one
//!   `LEFT JOIN LATERAL ( … ) AS "<parent>_<embed or alias>_<depth>" ON TRUE` per embed, the child
//!   aliased `<table>_<depth>` (a many-to-many child is not aliased: `FROM "public"."tags",
//!   "public"."transaction_tags"`), to-one as `row_to_json(…)::jsonb`, to-many as
//!   `COALESCE(json_agg(…)::jsonb, '[]')`; the select list is the plain columns first, then the embeds
//!   in select order, so embeds always come after the columns. An empty embed `rel()` is joined but
//!   not rendered (Plan.generateRelSelectField rsEmptyEmbed).
//! - Plan.findRel: target = table name, foreign key column or constraint name; on a
//!   self-reference the table name gives the one-to-many (children) and the FK column the
//!   many-to-one (parent). Views get their base table's foreign keys (SchemaCache
//!   addViewM2OAndO2ORels); computed relationships are functions `f(table) RETURNS SETOF t`, to-one
//!   with `ROWS 1` (fromF: `FROM "public"."owner"("transactions"::"public"."transactions")`).
//! - Plan.addAliases: a JSON path without alias is keyed by its last key; casts `CAST( … AS t )`.
//! - SqlFragment.asCsvF (text/csv: header from the first row's keys, record text of each row) and
//!   asJsonSingleF (`application/vnd.pgrst.object+json`), 406 PGRST116 otherwise (Error.hs
//!   SingularityError). HEAD runs the read for the headers only.
//! - Specs: QuerySpec/EmbedDisambiguationSpec ("can embed by column"), ComputedRelsSpec, SingularSpec.
//!
//! Every body is PostgreSQL 17's output for that statement over the fixture in main.rs.
use super::*;

const CSV: (&str, &str) = ("Content-Type", "text/csv; charset=utf-8");
const OBJECT: (&str, &str) = (
    "Content-Type",
    "application/vnd.pgrst.object+json; charset=utf-8",
);

/// Many-to-one: Budget Bee's transactions → categories, null foreign keys, targets.
#[test]
fn many_to_one() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "Budget Bee's request: many-to-one with an alias, every transaction once, null category for #5",
                method: "GET",
                path: "/transactions?select=id,name,category:categories(name,color)&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-5/*")],
                body: concat!(
                    r#"[{"id":1,"name":"Lunch","category":{"name": "Food", "color": "red"}}, "#,
                    "\n",
                    r#" {"id":2,"name":"Dinner","category":{"name": "Food", "color": "red"}}, "#,
                    "\n",
                    r#" {"id":3,"name":"Flight","category":{"name": "Travel", "color": "blue"}}, "#,
                    "\n",
                    r#" {"id":4,"name":"Invoice 7","category":{"name": "Sales", "color": "green"}}, "#,
                    "\n",
                    r#" {"id":5,"name":"Refund","category":null}, "#,
                    "\n",
                    r#" {"id":6,"name":"Coffee","category":{"name": "Food", "color": "red"}}]"#,
                ),
            },
            Case {
                name: "many-to-one without an alias: the key is the table name",
                method: "GET",
                path: "/transactions?select=id,categories(name)&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-5/*")],
                body: concat!(
                    r#"[{"id":1,"categories":{"name": "Food"}}, "#,
                    "\n",
                    r#" {"id":2,"categories":{"name": "Food"}}, "#,
                    "\n",
                    r#" {"id":3,"categories":{"name": "Travel"}}, "#,
                    "\n",
                    r#" {"id":4,"categories":{"name": "Sales"}}, "#,
                    "\n",
                    r#" {"id":5,"categories":null}, "#,
                    "\n",
                    r#" {"id":6,"categories":{"name": "Food"}}]"#,
                ),
            },
            Case {
                name: "many-to-one with * inside the embed",
                method: "GET",
                path: "/transactions?select=id,categories(*)&id=lte.2&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: concat!(
                    r#"[{"id":1,"categories":{"id": 1, "name": "Food", "color": "red", "user_id": "u1"}}, "#,
                    "\n",
                    r#" {"id":2,"categories":{"id": 1, "name": "Food", "color": "red", "user_id": "u1"}}]"#,
                ),
            },
            Case {
                name: "select=*,rel(...): every column of the table, then the embed",
                method: "GET",
                path: "/transactions?select=*,categories(name)&id=eq.3",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"id":3,"amount":-300.00,"name":"Flight","category_id":2,"user_id":"u1","status":"pending","transaction_date":"2024-02-01T08:00:00","metadata":{"seats": [1, 2], "airline": "XY"},"categories":{"name": "Travel"}}]"#,
            },
            Case {
                name: "an embed listed first still comes after the plain columns",
                method: "GET",
                path: "/transactions?select=categories(name),id&order=id&limit=2",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: concat!(
                    r#"[{"id":1,"categories":{"name": "Food"}}, "#,
                    "\n",
                    r#" {"id":2,"categories":{"name": "Food"}}]"#,
                ),
            },
            Case {
                name: "a null foreign key gives a null to-one embed",
                method: "GET",
                path: "/transactions?select=id,categories(name)&id=eq.5",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"id":5,"categories":null}]"#,
            },
            Case {
                name: "many-to-one to a table with a text primary key",
                method: "GET",
                path: "/transactions?select=id,users(name)&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-5/*")],
                body: concat!(
                    r#"[{"id":1,"users":{"name": "Ann"}}, "#,
                    "\n",
                    r#" {"id":2,"users":{"name": "Ann"}}, "#,
                    "\n",
                    r#" {"id":3,"users":{"name": "Ann"}}, "#,
                    "\n",
                    r#" {"id":4,"users":{"name": "Bob"}}, "#,
                    "\n",
                    r#" {"id":5,"users":{"name": "Bob"}}, "#,
                    "\n",
                    r#" {"id":6,"users":{"name": "Cyd"}}]"#,
                ),
            },
            Case {
                name: "two different to-one embeds keep the select order",
                method: "GET",
                path: "/transactions?select=id,category:categories(name),user:users(name)&id=lte.3&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"id":1,"category":{"name": "Food"},"user":{"name": "Ann"}}, "#,
                    "\n",
                    r#" {"id":2,"category":{"name": "Food"},"user":{"name": "Ann"}}, "#,
                    "\n",
                    r#" {"id":3,"category":{"name": "Travel"},"user":{"name": "Ann"}}]"#,
                ),
            },
            Case {
                name: "categories → users",
                method: "GET",
                path: "/categories?select=name,users(name)&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"name":"Food","users":{"name": "Ann"}}, "#,
                    "\n",
                    r#" {"name":"Travel","users":{"name": "Ann"}}, "#,
                    "\n",
                    r#" {"name":"Sales","users":{"name": "Bob"}}, "#,
                    "\n",
                    r#" {"name":"Empty","users":{"name": "Bob"}}]"#,
                ),
            },
            Case {
                name: "the foreign key column as the embed target (key is the column name)",
                method: "GET",
                path: "/transactions?select=id,category_id(name)&id=eq.1",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"id":1,"category_id":{"name": "Food"}}]"#,
            },
            Case {
                name: "the foreign key column as target, aliased, next to the column itself",
                method: "GET",
                path: "/transactions?select=id,category_id,category:category_id(name)&id=eq.1",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"id":1,"category_id":1,"category":{"name": "Food"}}]"#,
            },
        ],
    );
}

/// One-to-many: arrays, `[]` when empty, `rel.order`.
#[test]
fn one_to_many() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "one-to-many ordered inside with rel.order",
                method: "GET",
                path: "/categories?select=name,transactions(id,amount)&transactions.order=id&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"name":"Food","transactions":[{"id": 1, "amount": -12.50}, {"id": 2, "amount": -40.00}, {"id": 6, "amount": -8.25}]}, "#,
                    "\n",
                    r#" {"name":"Travel","transactions":[{"id": 3, "amount": -300.00}]}, "#,
                    "\n",
                    r#" {"name":"Sales","transactions":[{"id": 4, "amount": 1200.00}]}, "#,
                    "\n",
                    r#" {"name":"Empty","transactions":[]}]"#,
                ),
            },
            Case {
                name: "a one-to-many without rows is []",
                method: "GET",
                path: "/categories?select=name,transactions(id)&id=eq.4",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"name":"Empty","transactions":[]}]"#,
            },
            Case {
                name: "users → transactions",
                method: "GET",
                path: "/users?select=name,transactions(id,name)&transactions.order=id&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"name":"Ann","transactions":[{"id": 1, "name": "Lunch"}, {"id": 2, "name": "Dinner"}, {"id": 3, "name": "Flight"}]}, "#,
                    "\n",
                    r#" {"name":"Bob","transactions":[{"id": 4, "name": "Invoice 7"}, {"id": 5, "name": "Refund"}]}, "#,
                    "\n",
                    r#" {"name":"Cyd","transactions":[{"id": 6, "name": "Coffee"}]}]"#,
                ),
            },
            Case {
                name: "users → categories, ordered by name; a user without categories gets []",
                method: "GET",
                path: "/users?select=id,categories(name)&categories.order=name&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"id":"u1","categories":[{"name": "Food"}, {"name": "Travel"}]}, "#,
                    "\n",
                    r#" {"id":"u2","categories":[{"name": "Empty"}, {"name": "Sales"}]}, "#,
                    "\n",
                    r#" {"id":"u3","categories":[]}]"#,
                ),
            },
            Case {
                name: "select=*,rel(...) on a one-to-many",
                method: "GET",
                path: "/categories?select=*,transactions(id)&transactions.order=id&id=eq.1",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"id":1,"name":"Food","color":"red","user_id":"u1","transactions":[{"id": 1}, {"id": 2}, {"id": 6}]}]"#,
            },
            Case {
                name: "* inside a one-to-many embed (numeric, timestamp, jsonb values)",
                method: "GET",
                path: "/categories?select=id,transactions(*)&id=eq.2",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"id":2,"transactions":[{"id": 3, "name": "Flight", "amount": -300.00, "status": "pending", "user_id": "u1", "metadata": {"seats": [1, 2], "airline": "XY"}, "category_id": 2, "transaction_date": "2024-02-01T08:00:00"}]}]"#,
            },
        ],
    );
}

/// One-to-one both ways: transactions ↔ transaction_notes.
#[test]
fn one_to_one() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "one-to-one from the referenced side: an object, or null",
                method: "GET",
                path: "/transactions?select=id,transaction_notes(note)&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-5/*")],
                body: concat!(
                    r#"[{"id":1,"transaction_notes":{"note": "with the team"}}, "#,
                    "\n",
                    r#" {"id":2,"transaction_notes":null}, "#,
                    "\n",
                    r#" {"id":3,"transaction_notes":null}, "#,
                    "\n",
                    r#" {"id":4,"transaction_notes":{"note": "client A"}}, "#,
                    "\n",
                    r#" {"id":5,"transaction_notes":null}, "#,
                    "\n",
                    r#" {"id":6,"transaction_notes":null}]"#,
                ),
            },
            Case {
                name: "one-to-one from the referencing side",
                method: "GET",
                path: "/transaction_notes?select=note,transactions(name,amount)&order=transaction_id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: concat!(
                    r#"[{"note":"with the team","transactions":{"name": "Lunch", "amount": -12.50}}, "#,
                    "\n",
                    r#" {"note":"client A","transactions":{"name": "Invoice 7", "amount": 1200.00}}]"#,
                ),
            },
            Case {
                name: "one-to-one aliased",
                method: "GET",
                path: "/transactions?select=id,note:transaction_notes(note)&id=in.(1,2)&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: concat!(
                    r#"[{"id":1,"note":{"note": "with the team"}}, "#,
                    "\n",
                    r#" {"id":2,"note":null}]"#,
                ),
            },
            Case {
                name: "one-to-one with * on both sides",
                method: "GET",
                path: "/transaction_notes?select=*,transactions(*)&transaction_id=eq.4",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"transaction_id":4,"note":"client A","transactions":{"id": 4, "name": "Invoice 7", "amount": 1200.00, "status": "paid", "user_id": "u2", "metadata": null, "category_id": 3, "transaction_date": "2024-02-10T09:00:00"}}]"#,
            },
        ],
    );
}

/// Many-to-many through transaction_tags, and the junction itself.
#[test]
fn many_to_many() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "many-to-many through the junction; no tags gives []",
                method: "GET",
                path: "/transactions?select=id,tags(name)&tags.order=id&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-5/*")],
                body: concat!(
                    r#"[{"id":1,"tags":[{"name": "work"}]}, "#,
                    "\n",
                    r#" {"id":2,"tags":[{"name": "family"}]}, "#,
                    "\n",
                    r#" {"id":3,"tags":[{"name": "work"}, {"name": "family"}]}, "#,
                    "\n",
                    r#" {"id":4,"tags":[{"name": "work"}]}, "#,
                    "\n",
                    r#" {"id":5,"tags":[]}, "#,
                    "\n",
                    r#" {"id":6,"tags":[]}]"#,
                ),
            },
            Case {
                name: "many-to-many the other way; an unused tag gets []",
                method: "GET",
                path: "/tags?select=name,transactions(id,name)&transactions.order=id&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"name":"work","transactions":[{"id": 1, "name": "Lunch"}, {"id": 3, "name": "Flight"}, {"id": 4, "name": "Invoice 7"}]}, "#,
                    "\n",
                    r#" {"name":"family","transactions":[{"id": 2, "name": "Dinner"}, {"id": 3, "name": "Flight"}]}, "#,
                    "\n",
                    r#" {"name":"unused","transactions":[]}]"#,
                ),
            },
            Case {
                name: "the junction itself embedded (one-to-many)",
                method: "GET",
                path: "/transactions?select=id,transaction_tags(tag_id)&transaction_tags.order=tag_id&id=lte.4&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"id":1,"transaction_tags":[{"tag_id": 1}]}, "#,
                    "\n",
                    r#" {"id":2,"transaction_tags":[{"tag_id": 2}]}, "#,
                    "\n",
                    r#" {"id":3,"transaction_tags":[{"tag_id": 1}, {"tag_id": 2}]}, "#,
                    "\n",
                    r#" {"id":4,"transaction_tags":[{"tag_id": 1}]}]"#,
                ),
            },
            Case {
                name: "junction then the far table, nested",
                method: "GET",
                path: "/transactions?select=id,transaction_tags(tags(name))&transaction_tags.order=tag_id&id=eq.3",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"id":3,"transaction_tags":[{"tags": {"name": "work"}}, {"tags": {"name": "family"}}]}]"#,
            },
            Case {
                name: "the junction as the root embeds both sides (many-to-one twice)",
                method: "GET",
                path: "/transaction_tags?select=transactions(name),tags(name)&order=transaction_id,tag_id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-4/*")],
                body: concat!(
                    r#"[{"transactions":{"name": "Lunch"},"tags":{"name": "work"}}, "#,
                    "\n",
                    r#" {"transactions":{"name": "Dinner"},"tags":{"name": "family"}}, "#,
                    "\n",
                    r#" {"transactions":{"name": "Flight"},"tags":{"name": "work"}}, "#,
                    "\n",
                    r#" {"transactions":{"name": "Flight"},"tags":{"name": "family"}}, "#,
                    "\n",
                    r#" {"transactions":{"name": "Invoice 7"},"tags":{"name": "work"}}]"#,
                ),
            },
            Case {
                name: "tags → junction",
                method: "GET",
                path: "/tags?select=name,transaction_tags(transaction_id)&transaction_tags.order=transaction_id&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"name":"work","transaction_tags":[{"transaction_id": 1}, {"transaction_id": 3}, {"transaction_id": 4}]}, "#,
                    "\n",
                    r#" {"name":"family","transaction_tags":[{"transaction_id": 2}, {"transaction_id": 3}]}, "#,
                    "\n",
                    r#" {"name":"unused","transaction_tags":[]}]"#,
                ),
            },
        ],
    );
}

/// members.sponsor_id → members: parent by the FK column, children by the table name.
#[test]
fn self_reference() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "self-reference: the table name gives the children (one-to-many)",
                method: "GET",
                path: "/members?select=name,members(name)&members.order=id&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"name":"Root","members":[{"name": "Ann"}, {"name": "Bob"}]}, "#,
                    "\n",
                    r#" {"name":"Ann","members":[{"name": "Cyd"}]}, "#,
                    "\n",
                    r#" {"name":"Bob","members":[]}, "#,
                    "\n",
                    r#" {"name":"Cyd","members":[]}]"#,
                ),
            },
            Case {
                name: "self-reference children aliased",
                method: "GET",
                path: "/members?select=name,children:members(name)&children.order=id&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"name":"Root","children":[{"name": "Ann"}, {"name": "Bob"}]}, "#,
                    "\n",
                    r#" {"name":"Ann","children":[{"name": "Cyd"}]}, "#,
                    "\n",
                    r#" {"name":"Bob","children":[]}, "#,
                    "\n",
                    r#" {"name":"Cyd","children":[]}]"#,
                ),
            },
            Case {
                name: "self-reference: the foreign key column gives the parent (many-to-one)",
                method: "GET",
                path: "/members?select=name,sponsor_id(name)&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"name":"Root","sponsor_id":null}, "#,
                    "\n",
                    r#" {"name":"Ann","sponsor_id":{"name": "Root"}}, "#,
                    "\n",
                    r#" {"name":"Bob","sponsor_id":{"name": "Root"}}, "#,
                    "\n",
                    r#" {"name":"Cyd","sponsor_id":{"name": "Ann"}}]"#,
                ),
            },
            Case {
                name: "self-reference parent aliased",
                method: "GET",
                path: "/members?select=name,sponsor:sponsor_id(name)&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"name":"Root","sponsor":null}, "#,
                    "\n",
                    r#" {"name":"Ann","sponsor":{"name": "Root"}}, "#,
                    "\n",
                    r#" {"name":"Bob","sponsor":{"name": "Root"}}, "#,
                    "\n",
                    r#" {"name":"Cyd","sponsor":{"name": "Ann"}}]"#,
                ),
            },
            Case {
                name: "self-reference children and parent together",
                method: "GET",
                path: "/members?select=name,children:members(name),sponsor:sponsor_id(name)&children.order=id&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"name":"Root","children":[{"name": "Ann"}, {"name": "Bob"}],"sponsor":null}, "#,
                    "\n",
                    r#" {"name":"Ann","children":[{"name": "Cyd"}],"sponsor":{"name": "Root"}}, "#,
                    "\n",
                    r#" {"name":"Bob","children":[],"sponsor":{"name": "Root"}}, "#,
                    "\n",
                    r#" {"name":"Cyd","children":[],"sponsor":{"name": "Ann"}}]"#,
                ),
            },
            Case {
                name: "self-reference two levels up",
                method: "GET",
                path: "/members?select=name,sponsor:sponsor_id(name,sponsor:sponsor_id(name))&id=eq.4",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"name":"Cyd","sponsor":{"name": "Ann", "sponsor": {"name": "Root"}}}]"#,
            },
        ],
    );
}

/// The view `expenses` (over transactions) in both directions.
#[test]
fn views() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "a view embeds what its base table references",
                method: "GET",
                path: "/expenses?select=name,categories(name)&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"name":"Lunch","categories":{"name": "Food"}}, "#,
                    "\n",
                    r#" {"name":"Dinner","categories":{"name": "Food"}}, "#,
                    "\n",
                    r#" {"name":"Flight","categories":{"name": "Travel"}}, "#,
                    "\n",
                    r#" {"name":"Coffee","categories":{"name": "Food"}}]"#,
                ),
            },
            Case {
                name: "a table embeds a view that references it",
                method: "GET",
                path: "/categories?select=name,expenses(name,amount)&expenses.order=id&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"name":"Food","expenses":[{"name": "Lunch", "amount": -12.50}, {"name": "Dinner", "amount": -40.00}, {"name": "Coffee", "amount": -8.25}]}, "#,
                    "\n",
                    r#" {"name":"Travel","expenses":[{"name": "Flight", "amount": -300.00}]}, "#,
                    "\n",
                    r#" {"name":"Sales","expenses":[]}, "#,
                    "\n",
                    r#" {"name":"Empty","expenses":[]}]"#,
                ),
            },
            Case {
                name: "a view embeds a one-to-one that references its base table",
                method: "GET",
                path: "/expenses?select=id,transaction_notes(note)&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"id":1,"transaction_notes":{"note": "with the team"}}, "#,
                    "\n",
                    r#" {"id":2,"transaction_notes":null}, "#,
                    "\n",
                    r#" {"id":3,"transaction_notes":null}, "#,
                    "\n",
                    r#" {"id":6,"transaction_notes":null}]"#,
                ),
            },
            Case {
                name: "a view embeds through the junction of its base table",
                method: "GET",
                path: "/expenses?select=id,tags(name)&tags.order=id&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"id":1,"tags":[{"name": "work"}]}, "#,
                    "\n",
                    r#" {"id":2,"tags":[{"name": "family"}]}, "#,
                    "\n",
                    r#" {"id":3,"tags":[{"name": "work"}, {"name": "family"}]}, "#,
                    "\n",
                    r#" {"id":6,"tags":[]}]"#,
                ),
            },
            Case {
                name: "one-to-one into a view: rows the view filters out are null",
                method: "GET",
                path: "/transaction_notes?select=note,expenses(name)&order=transaction_id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: concat!(
                    r#"[{"note":"with the team","expenses":{"name": "Lunch"}}, "#,
                    "\n",
                    r#" {"note":"client A","expenses":null}]"#,
                ),
            },
        ],
    );
}

/// Computed relationships `owner` (to-one) and `big_transactions` (to-many); computed field `label`.
#[test]
fn computed() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "computed relationship to-one (ROWS 1): an object",
                method: "GET",
                path: "/transactions?select=id,owner(name)&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-5/*")],
                body: concat!(
                    r#"[{"id":1,"owner":{"name": "Ann"}}, "#,
                    "\n",
                    r#" {"id":2,"owner":{"name": "Ann"}}, "#,
                    "\n",
                    r#" {"id":3,"owner":{"name": "Ann"}}, "#,
                    "\n",
                    r#" {"id":4,"owner":{"name": "Bob"}}, "#,
                    "\n",
                    r#" {"id":5,"owner":{"name": "Bob"}}, "#,
                    "\n",
                    r#" {"id":6,"owner":{"name": "Cyd"}}]"#,
                ),
            },
            Case {
                name: "computed relationship with *",
                method: "GET",
                path: "/transactions?select=id,owner(*)&id=eq.4",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"id":4,"owner":{"id": "u2", "name": "Bob"}}]"#,
            },
            Case {
                name: "computed relationship aliased",
                method: "GET",
                path: "/transactions?select=id,who:owner(name)&id=lte.2&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: concat!(
                    r#"[{"id":1,"who":{"name": "Ann"}}, "#,
                    "\n",
                    r#" {"id":2,"who":{"name": "Ann"}}]"#,
                ),
            },
            Case {
                name: "computed relationship to-many: an array, [] when empty",
                method: "GET",
                path: "/categories?select=name,big_transactions(id,amount)&big_transactions.order=id&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"name":"Food","big_transactions":[{"id": 2, "amount": -40.00}]}, "#,
                    "\n",
                    r#" {"name":"Travel","big_transactions":[{"id": 3, "amount": -300.00}]}, "#,
                    "\n",
                    r#" {"name":"Sales","big_transactions":[{"id": 4, "amount": 1200.00}]}, "#,
                    "\n",
                    r#" {"name":"Empty","big_transactions":[]}]"#,
                ),
            },
            Case {
                name: "computed relationship nested in a computed relationship",
                method: "GET",
                path: "/categories?select=name,big_transactions(id,owner(name))&id=eq.1",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"name":"Food","big_transactions":[{"id": 2, "owner": {"name": "Ann"}}]}]"#,
            },
            Case {
                name: "computed field in select",
                method: "GET",
                path: "/transactions?select=id,label&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-5/*")],
                body: concat!(
                    r#"[{"id":1,"label":"Lunch (-12.50)"}, "#,
                    "\n",
                    r#" {"id":2,"label":"Dinner (-40.00)"}, "#,
                    "\n",
                    r#" {"id":3,"label":"Flight (-300.00)"}, "#,
                    "\n",
                    r#" {"id":4,"label":"Invoice 7 (1200.00)"}, "#,
                    "\n",
                    r#" {"id":5,"label":"Refund (15.00)"}, "#,
                    "\n",
                    r#" {"id":6,"label":"Coffee (-8.25)"}]"#,
                ),
            },
            Case {
                name: "computed field in a filter",
                method: "GET",
                path: "/transactions?select=id,label&label=like.*Lunch*",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"id":1,"label":"Lunch (-12.50)"}]"#,
            },
            Case {
                name: "computed field in order",
                method: "GET",
                path: "/transactions?select=label&order=label.desc&limit=3",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"label":"Refund (15.00)"}, "#,
                    "\n",
                    r#" {"label":"Lunch (-12.50)"}, "#,
                    "\n",
                    r#" {"label":"Invoice 7 (1200.00)"}]"#,
                ),
            },
            Case {
                name: "computed field inside an embed",
                method: "GET",
                path: "/categories?select=name,transactions(label)&transactions.order=id&id=eq.1",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"name":"Food","transactions":[{"label": "Lunch (-12.50)"}, {"label": "Dinner (-40.00)"}, {"label": "Coffee (-8.25)"}]}]"#,
            },
        ],
    );
}

/// Nesting to depth 3 and 4; the same table twice under aliases.
#[test]
fn nesting() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "depth 3: transactions → categories → users",
                method: "GET",
                path: "/transactions?select=id,categories(name,users(name))&id=lte.2&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: concat!(
                    r#"[{"id":1,"categories":{"name": "Food", "users": {"name": "Ann"}}}, "#,
                    "\n",
                    r#" {"id":2,"categories":{"name": "Food", "users": {"name": "Ann"}}}]"#,
                ),
            },
            Case {
                name: "depth 3: users → categories → transactions, each level ordered",
                method: "GET",
                path: "/users?select=name,categories(name,transactions(id))&categories.order=id&categories.transactions.order=id&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"name":"Ann","categories":[{"name": "Food", "transactions": [{"id": 1}, {"id": 2}, {"id": 6}]}, {"name": "Travel", "transactions": [{"id": 3}]}]}, "#,
                    "\n",
                    r#" {"name":"Bob","categories":[{"name": "Sales", "transactions": [{"id": 4}]}, {"name": "Empty", "transactions": []}]}, "#,
                    "\n",
                    r#" {"name":"Cyd","categories":[]}]"#,
                ),
            },
            Case {
                name: "depth 4: notes → transactions → categories → users",
                method: "GET",
                path: "/transaction_notes?select=note,transactions(name,categories(name,users(name)))&order=transaction_id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: concat!(
                    r#"[{"note":"with the team","transactions":{"name": "Lunch", "categories": {"name": "Food", "users": {"name": "Ann"}}}}, "#,
                    "\n",
                    r#" {"note":"client A","transactions":{"name": "Invoice 7", "categories": {"name": "Sales", "users": {"name": "Bob"}}}}]"#,
                ),
            },
            Case {
                name: "the same table embedded twice under different aliases",
                method: "GET",
                path: "/transactions?select=id,a:categories(name),b:categories(color)&id=eq.1",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"id":1,"a":{"name": "Food"},"b":{"color": "red"}}]"#,
            },
            Case {
                name: "the same to-many embedded twice, each alias filtered on its own",
                method: "GET",
                path: "/categories?select=name,lunch:transactions(name),dinner:transactions(name)&lunch.name=eq.Lunch&dinner.name=eq.Dinner&id=eq.1",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"name":"Food","lunch":[{"name": "Lunch"}],"dinner":[{"name": "Dinner"}]}]"#,
            },
        ],
    );
}

/// Casts, JSON paths and aliases inside embeds; empty embeds.
#[test]
fn select_shapes() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "casts inside an embed",
                method: "GET",
                path: "/categories?select=name,transactions(id,amount::text)&transactions.order=id&id=eq.1",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"name":"Food","transactions":[{"id": 1, "amount": "-12.50"}, {"id": 2, "amount": "-40.00"}, {"id": 6, "amount": "-8.25"}]}]"#,
            },
            Case {
                name: "a ->> JSON path inside an embed is keyed by its last key",
                method: "GET",
                path: "/categories?select=name,transactions(name,metadata-%3E%3Eairline)&id=eq.2",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"name":"Travel","transactions":[{"name": "Flight", "airline": "XY"}]}]"#,
            },
            Case {
                name: "an aliased -> JSON path inside an embed stays JSON",
                method: "GET",
                path: "/categories?select=transactions(name,seats:metadata-%3Eseats)&id=eq.2",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"transactions":[{"name": "Flight", "seats": [1, 2]}]}]"#,
            },
            Case {
                name: "JSON paths on a to-one embed: missing keys are null",
                method: "GET",
                path: "/transaction_notes?select=transaction_id,transactions(tip:metadata-%3E%3Etip)&order=transaction_id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: concat!(
                    r#"[{"transaction_id":1,"transactions":{"tip": "2"}}, "#,
                    "\n",
                    r#" {"transaction_id":4,"transactions":{"tip": null}}]"#,
                ),
            },
            Case {
                name: "aliased columns inside an embed",
                method: "GET",
                path: "/transactions?select=id,category:categories(label:name)&id=eq.1",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"id":1,"category":{"label": "Food"}}]"#,
            },
            Case {
                name: "an aliased cast inside an embed",
                method: "GET",
                path: "/transactions?select=id,categories(cid:id::text)&id=eq.1",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"id":1,"categories":{"cid": "1"}}]"#,
            },
            Case {
                name: "an empty embed rel() is not rendered",
                method: "GET",
                path: "/transactions?select=id,categories()&id=lte.2&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: concat!(r#"[{"id":1}, "#, "\n", r#" {"id":2}]"#,),
            },
            Case {
                name: "a nested empty embed is not rendered either",
                method: "GET",
                path: "/categories?select=name,transactions(users())&id=eq.3",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"name":"Sales"}]"#,
            },
        ],
    );
}

/// HEAD, text/csv and application/vnd.pgrst.object+json with embeds.
#[test]
fn media_types() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "HEAD with an embed: headers only",
                method: "HEAD",
                path: "/transactions?select=id,categories(name)&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-5/*")],
                body: r#""#,
            },
            Case {
                name: "HEAD with an embed and count=exact",
                method: "HEAD",
                path: "/categories?select=name,transactions(id)&order=id",
                headers: &[("Prefer", "count=exact")],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/4")],
                body: r#""#,
            },
            Case {
                name: "ASSUMPTION: text/csv: a to-one embed is written as its JSON text",
                method: "GET",
                path: "/transactions?select=id,categories(name)&id=lte.3&order=id",
                headers: &[("Accept", "text/csv")],
                status: 200,
                expect_headers: &[CSV, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"id,categories"#,
                    "\n",
                    r#"1,"{""name"": ""Food""}""#,
                    "\n",
                    r#"2,"{""name"": ""Food""}""#,
                    "\n",
                    r#"3,"{""name"": ""Travel""}""#,
                ),
            },
            Case {
                name: "ASSUMPTION: text/csv: a to-many embed is written as its JSON array",
                method: "GET",
                path: "/categories?select=name,transactions(id)&transactions.order=id&id=lte.2&order=id",
                headers: &[("Accept", "text/csv")],
                status: 200,
                expect_headers: &[CSV, ("Content-Range", "0-1/*")],
                body: concat!(
                    r#"name,transactions"#,
                    "\n",
                    r#"Food,"[{""id"": 1}, {""id"": 2}, {""id"": 6}]""#,
                    "\n",
                    r#"Travel,"[{""id"": 3}]""#,
                ),
            },
            Case {
                name: "ASSUMPTION: text/csv: a null to-one embed is an empty field",
                method: "GET",
                path: "/transactions?select=id,categories(name),transaction_notes(note)&id=in.(4,5)&order=id",
                headers: &[("Accept", "text/csv")],
                status: 200,
                expect_headers: &[CSV, ("Content-Range", "0-1/*")],
                body: concat!(
                    r#"id,categories,transaction_notes"#,
                    "\n",
                    r#"4,"{""name"": ""Sales""}","{""note"": ""client A""}""#,
                    "\n",
                    r#"5,,"#,
                ),
            },
            Case {
                name: "application/vnd.pgrst.object+json with a to-one embed",
                method: "GET",
                path: "/transactions?select=id,category:categories(name,color)&id=eq.1",
                headers: &[("Accept", "application/vnd.pgrst.object+json")],
                status: 200,
                expect_headers: &[OBJECT, ("Content-Range", "0-0/*")],
                body: r#"{"id":1,"category":{"name": "Food", "color": "red"}}"#,
            },
            Case {
                name: "application/vnd.pgrst.object+json with a to-many embed",
                method: "GET",
                path: "/categories?select=name,transactions(id)&transactions.order=id&id=eq.1",
                headers: &[("Accept", "application/vnd.pgrst.object+json")],
                status: 200,
                expect_headers: &[OBJECT, ("Content-Range", "0-0/*")],
                body: r#"{"name":"Food","transactions":[{"id": 1}, {"id": 2}, {"id": 6}]}"#,
            },
            Case {
                name: "application/vnd.pgrst.object+json with many parent rows is 406 PGRST116",
                method: "GET",
                path: "/transactions?select=id,categories(name)",
                headers: &[("Accept", "application/vnd.pgrst.object+json")],
                status: 406,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST116")],
                body: r#"{"code":"PGRST116","details":"The result contains 6 rows","hint":null,"message":"Cannot coerce the result to a single JSON object"}"#,
            },
        ],
    );
}
