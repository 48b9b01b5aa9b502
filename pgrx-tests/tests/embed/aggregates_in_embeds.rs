//! Aggregate functions inside JSON embeds, and an embed as a GROUP BY term, on `agg_cluster()`
//! (PostgREST facts: `aggregates`).

use super::*;

/// An aggregate inside an embed runs in the embed's lateral subquery, per parent row
/// (AggregateFunctionsSpec "performing aggregations that involve JSON-embedded relationships").
#[test]
fn aggregates_inside_embeds() {
    run_cases(
        agg_cluster(),
        &[
            Case {
                name: r#"categories?select=name,transactions(amount.sum()): one {"sum": …} per category, null for none"#,
                method: "GET",
                path: "/categories?select=name,transactions(amount.sum())&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"name":"Food","transactions":[{"sum": -60.75}]}, "#,
                    "\n",
                    r#" {"name":"Travel","transactions":[{"sum": -300.00}]}, "#,
                    "\n",
                    r#" {"name":"Sales","transactions":[{"sum": 1200.00}]}, "#,
                    "\n",
                    r#" {"name":"Empty","transactions":[{"sum": null}]}]"#,
                ),
            },
            Case {
                name: "count() inside an embed is 0 for a category without transactions",
                method: "GET",
                path: "/categories?select=name,transactions(count())&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"name":"Food","transactions":[{"count": 3}]}, "#,
                    "\n",
                    r#" {"name":"Travel","transactions":[{"count": 1}]}, "#,
                    "\n",
                    r#" {"name":"Sales","transactions":[{"count": 1}]}, "#,
                    "\n",
                    r#" {"name":"Empty","transactions":[{"count": 0}]}]"#,
                ),
            },
            Case {
                name: "every function at once inside an embed",
                method: "GET",
                path: "/categories?select=id,transactions(amount.max(),amount.min(),amount.avg(),amount.sum(),amount.count())&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"id":1,"transactions":[{"avg": -20.2500000000000000, "max": -8.25, "min": -40.00, "sum": -60.75, "count": 3}]}, "#,
                    "\n",
                    r#" {"id":2,"transactions":[{"avg": -300.0000000000000000, "max": -300.00, "min": -300.00, "sum": -300.00, "count": 1}]}, "#,
                    "\n",
                    r#" {"id":3,"transactions":[{"avg": 1200.0000000000000000, "max": 1200.00, "min": 1200.00, "sum": 1200.00, "count": 1}]}, "#,
                    "\n",
                    r#" {"id":4,"transactions":[{"avg": null, "max": null, "min": null, "sum": null, "count": 0}]}]"#,
                ),
            },
            Case {
                name: "aliased embed and aliased aggregates: txs:transactions(total:amount.sum(),n:count())",
                method: "GET",
                path: "/categories?select=name,txs:transactions(total:amount.sum(),n:count())&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"name":"Food","txs":[{"n": 3, "total": -60.75}]}, "#,
                    "\n",
                    r#" {"name":"Travel","txs":[{"n": 1, "total": -300.00}]}, "#,
                    "\n",
                    r#" {"name":"Sales","txs":[{"n": 1, "total": 1200.00}]}, "#,
                    "\n",
                    r#" {"name":"Empty","txs":[{"n": 0, "total": null}]}]"#,
                ),
            },
            Case {
                name: "grouping inside an embed, ordered by the embedded group column",
                method: "GET",
                path: "/categories?select=name,transactions(status,count())&transactions.order=status&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"name":"Food","transactions":[{"count": 3, "status": "paid"}]}, "#,
                    "\n",
                    r#" {"name":"Travel","transactions":[{"count": 1, "status": "pending"}]}, "#,
                    "\n",
                    r#" {"name":"Sales","transactions":[{"count": 1, "status": "paid"}]}, "#,
                    "\n",
                    r#" {"name":"Empty","transactions":[]}]"#,
                ),
            },
            Case {
                name: "embedded filter before the embedded aggregate",
                method: "GET",
                path: "/categories?select=name,transactions(amount.sum())&transactions.amount=lt.-20&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"name":"Food","transactions":[{"sum": -40.00}]}, "#,
                    "\n",
                    r#" {"name":"Travel","transactions":[{"sum": -300.00}]}, "#,
                    "\n",
                    r#" {"name":"Sales","transactions":[{"sum": null}]}, "#,
                    "\n",
                    r#" {"name":"Empty","transactions":[{"sum": null}]}]"#,
                ),
            },
            Case {
                name: "root columns stay ungrouped when only the embed aggregates: select=*,transactions(count())",
                method: "GET",
                path: "/categories?select=*,transactions(count())&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"id":1,"name":"Food","color":"red","user_id":"u1","transactions":[{"count": 3}]}, "#,
                    "\n",
                    r#" {"id":2,"name":"Travel","color":"blue","user_id":"u1","transactions":[{"count": 1}]}, "#,
                    "\n",
                    r#" {"id":3,"name":"Sales","color":"green","user_id":"u2","transactions":[{"count": 1}]}, "#,
                    "\n",
                    r#" {"id":4,"name":"Empty","color":"gray","user_id":"u2","transactions":[{"count": 0}]}]"#,
                ),
            },
            Case {
                name: "aggregate two levels down: users → categories → transactions(amount.sum())",
                method: "GET",
                path: "/users?select=id,categories(name,transactions(amount.sum()))&categories.order=id&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"id":"u1","categories":[{"name": "Food", "transactions": [{"sum": -60.75}]}, {"name": "Travel", "transactions": [{"sum": -300.00}]}]}, "#,
                    "\n",
                    r#" {"id":"u2","categories":[{"name": "Sales", "transactions": [{"sum": 1200.00}]}, {"name": "Empty", "transactions": [{"sum": null}]}]}, "#,
                    "\n",
                    r#" {"id":"u3","categories":[]}]"#,
                ),
            },
            Case {
                name: "ASSUMPTION: aggregate inside a computed relationship embed (big_transactions(categories))",
                method: "GET",
                path: "/categories?select=name,big_transactions(amount.sum())&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"name":"Food","big_transactions":[{"sum": -40.00}]}, "#,
                    "\n",
                    r#" {"name":"Travel","big_transactions":[{"sum": -300.00}]}, "#,
                    "\n",
                    r#" {"name":"Sales","big_transactions":[{"sum": 1200.00}]}, "#,
                    "\n",
                    r#" {"name":"Empty","big_transactions":[{"sum": null}]}]"#,
                ),
            },
        ],
    );
}

/// A to-one or to-many embed next to a root aggregate is a group term by its output name
/// (`groupTermFromRelSelectField` JsonEmbed: `GROUP BY "categories"`); AggregateFunctionsSpec
/// "allows the use of an JSON-embedded relationship column as part of the group by".
#[test]
fn aggregates_grouped_by_an_embed() {
    run_cases(
        agg_cluster(),
        &[
            Case {
                name: "category_id,total:amount.sum(),categories(name): groups by the column and the embed",
                method: "GET",
                path: "/transactions?select=category_id,total:amount.sum(),categories(name)&order=category_id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"category_id":1,"total":-60.75,"categories":{"name": "Food"}}, "#,
                    "\n",
                    r#" {"category_id":2,"total":-300.00,"categories":{"name": "Travel"}}, "#,
                    "\n",
                    r#" {"category_id":3,"total":1200.00,"categories":{"name": "Sales"}}, "#,
                    "\n",
                    r#" {"category_id":null,"total":15.00,"categories":null}]"#,
                ),
            },
            Case {
                name: "amount.sum(),categories(name) with a filter that leaves one group",
                method: "GET",
                path: "/transactions?select=amount.sum(),categories(name)&category_id=eq.1",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"sum":-60.75,"categories":{"name": "Food"}}]"#,
            },
            Case {
                name: "aliased embed as the group term: cat:categories(name,color)",
                method: "GET",
                path: "/transactions?select=category_id,count(),cat:categories(name,color)&order=category_id.desc",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"category_id":null,"count":1,"cat":null}, "#,
                    "\n",
                    r#" {"category_id":3,"count":1,"cat":{"name": "Sales", "color": "green"}}, "#,
                    "\n",
                    r#" {"category_id":2,"count":1,"cat":{"name": "Travel", "color": "blue"}}, "#,
                    "\n",
                    r#" {"category_id":1,"count":3,"cat":{"name": "Food", "color": "red"}}]"#,
                ),
            },
            Case {
                name: "!inner embed drops the rows without a category before grouping",
                method: "GET",
                path: "/transactions?select=category_id,n:count(),categories!inner(name)&order=category_id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"category_id":1,"n":3,"categories":{"name": "Food"}}, "#,
                    "\n",
                    r#" {"category_id":2,"n":1,"categories":{"name": "Travel"}}, "#,
                    "\n",
                    r#" {"category_id":3,"n":1,"categories":{"name": "Sales"}}]"#,
                ),
            },
            Case {
                name: "a star inside the embed is expanded when the parent aggregates: categories(*)",
                method: "GET",
                path: "/transactions?select=amount.sum(),categories(*)&category_id=eq.2",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"sum":-300.00,"categories":{"id": 2, "name": "Travel", "color": "blue", "user_id": "u1"}}]"#,
            },
            Case {
                name: "aggregate on a view grouped by its embed (expenses → categories through the view's base table)",
                method: "GET",
                path: "/expenses?select=category_id,amount.sum(),categories(name)&order=category_id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: concat!(
                    r#"[{"category_id":1,"sum":-60.75,"categories":{"name": "Food"}}, "#,
                    "\n",
                    r#" {"category_id":2,"sum":-300.00,"categories":{"name": "Travel"}}]"#,
                ),
            },
        ],
    );
}
