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
//!
//! This file holds the relationship kinds between tables; views and computed relationships are in
//! `read_views_and_computed`, nesting, select shapes, media types in `read_shapes_and_media_types`.
use super::*;

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
