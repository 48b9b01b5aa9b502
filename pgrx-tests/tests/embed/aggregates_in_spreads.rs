//! Aggregate functions across to-one spreads (hoisted to the parent), and PGRST127 for them in
//! to-many spreads, on `agg_cluster()` (PostgREST facts: `aggregates`).

use super::*;

/// Aggregates in a to-one spread are hoisted to the parent (Plan.hoistSpreadAggFunctions); the
/// spread's plain columns become `"<agg alias>"."col"` group terms (groupTermFromRelSelectField
/// Spread); the spread columns come after the parent's own columns in the SELECT (readPlanToQuery:
/// selects ++ joinsSelects).
#[test]
fn aggregates_across_to_one_spreads() {
    run_cases(
        agg_cluster(),
        &[
            Case {
                name: "amount.sum(),...categories(name): sum per category name",
                method: "GET",
                path: "/transactions?select=amount.sum(),...categories(name)&order=categories(name)",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"sum":-60.75,"name":"Food"}, "#,
                    "\n",
                    r#" {"sum":1200.00,"name":"Sales"}, "#,
                    "\n",
                    r#" {"sum":-300.00,"name":"Travel"}, "#,
                    "\n",
                    r#" {"sum":15.00,"name":null}]"#,
                ),
            },
            Case {
                name: "...categories(name),amount.sum(): the spread columns still come after the root's",
                method: "GET",
                path: "/transactions?select=...categories(name),amount.sum()&order=categories(name).desc",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"sum":15.00,"name":null}, "#,
                    "\n",
                    r#" {"sum":-300.00,"name":"Travel"}, "#,
                    "\n",
                    r#" {"sum":1200.00,"name":"Sales"}, "#,
                    "\n",
                    r#" {"sum":-60.75,"name":"Food"}]"#,
                ),
            },
            Case {
                name: "category_id,...categories(color.count()): the spread aggregate is hoisted and grouped by the root column",
                method: "GET",
                path: "/transactions?select=category_id,...categories(color.count())&order=category_id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"category_id":1,"count":3}, "#,
                    "\n",
                    r#" {"category_id":2,"count":1}, "#,
                    "\n",
                    r#" {"category_id":3,"count":1}, "#,
                    "\n",
                    r#" {"category_id":null,"count":0}]"#,
                ),
            },
            Case {
                name: "...categories(count()) alone counts the rows that have a category (full-row count)",
                method: "GET",
                path: "/transactions?select=...categories(count())",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"count":5}]"#,
            },
            Case {
                name: "status,...categories(n:count()): aliased full-row count per status",
                method: "GET",
                path: "/transactions?select=status,...categories(n:count())&order=status",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"status":"overdue","n":0}, "#,
                    "\n",
                    r#" {"status":"paid","n":4}, "#,
                    "\n",
                    r#" {"status":"pending","n":1}]"#,
                ),
            },
            Case {
                name: "...categories(color,n:id.count()): group by a spread column, aggregate another",
                method: "GET",
                path: "/transactions?select=...categories(color,n:id.count())&order=categories(color)",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"color":"blue","n":1}, "#,
                    "\n",
                    r#" {"color":"green","n":1}, "#,
                    "\n",
                    r#" {"color":"red","n":3}, "#,
                    "\n",
                    r#" {"color":null,"n":0}]"#,
                ),
            },
            Case {
                name: "root aggregate and spread aggregate together: total:amount.sum(),...categories(user_id,cats:id.count())",
                method: "GET",
                path: "/transactions?select=total:amount.sum(),...categories(user_id,cats:id.count())&order=categories(user_id)",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"total":-360.75,"user_id":"u1","cats":4}, "#,
                    "\n",
                    r#" {"total":1200.00,"user_id":"u2","cats":1}, "#,
                    "\n",
                    r#" {"total":15.00,"user_id":null,"cats":0}]"#,
                ),
            },
            Case {
                name: "spread aggregate with an output cast and an alias: ...categories(ids:id.sum()::text)",
                method: "GET",
                path: "/transactions?select=status,...categories(ids:id.sum()::text)&order=status",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"status":"overdue","ids":null}, "#,
                    "\n",
                    r#" {"status":"paid","ids":"6"}, "#,
                    "\n",
                    r#" {"status":"pending","ids":"2"}]"#,
                ),
            },
            Case {
                name: "from the junction table: tag_id,...transactions(amount.sum())",
                method: "GET",
                path: "/transaction_tags?select=tag_id,...transactions(amount.sum())&order=tag_id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: concat!(
                    r#"[{"tag_id":1,"sum":887.50}, "#,
                    "\n",
                    r#" {"tag_id":2,"sum":-340.00}]"#,
                ),
            },
            Case {
                name: "hoisted through two spreads: tag_id,...transactions(...categories(n:count()))",
                method: "GET",
                path: "/transaction_tags?select=tag_id,...transactions(...categories(n:count()))&order=tag_id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: concat!(r#"[{"tag_id":1,"n":3}, "#, "\n", r#" {"tag_id":2,"n":2}]"#,),
            },
            Case {
                name: "grouped by a column of a nested spread: tag_id,...transactions(amount.sum(),...categories(name))",
                method: "GET",
                path: "/transaction_tags?select=tag_id,...transactions(amount.sum(),...categories(name))&order=tag_id,transactions(name)",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-4/*")],
                body: concat!(
                    r#"[{"tag_id":1,"sum":-12.50,"name":"Food"}, "#,
                    "\n",
                    r#" {"tag_id":1,"sum":1200.00,"name":"Sales"}, "#,
                    "\n",
                    r#" {"tag_id":1,"sum":-300.00,"name":"Travel"}, "#,
                    "\n",
                    r#" {"tag_id":2,"sum":-40.00,"name":"Food"}, "#,
                    "\n",
                    r#" {"tag_id":2,"sum":-300.00,"name":"Travel"}]"#,
                ),
            },
        ],
    );
}

/// Plan.addToManyOrderSelects: an aggregate in a one-to-many or many-to-many spread, its own or
/// hoisted from a to-one spread under it, is 400 PGRST127 (AggregateFunctionsSpec "to-many spread
/// relationships" "does not support the use of aggregates").
#[test]
fn aggregates_in_to_many_spreads_are_not_implemented() {
    run_cases(
        agg_cluster(),
        &[
            Case {
                name: "one-to-many spread: categories?select=name,...transactions(amount.sum())",
                method: "GET",
                path: "/categories?select=name,...transactions(amount.sum())",
                headers: &[],
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=PGRST127"),
                    ("Content-Range", ABSENT),
                ],
                body: r#"{"code":"PGRST127","details":"Aggregates are not implemented for one-to-many or many-to-many spreads.","hint":null,"message":"Feature not implemented"}"#,
            },
            Case {
                name: "one-to-many spread with a group column: users?select=id,...categories(name,id.count())",
                method: "GET",
                path: "/users?select=id,...categories(name,id.count())",
                headers: &[],
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=PGRST127"),
                    ("Content-Range", ABSENT),
                ],
                body: r#"{"code":"PGRST127","details":"Aggregates are not implemented for one-to-many or many-to-many spreads.","hint":null,"message":"Feature not implemented"}"#,
            },
            Case {
                name: "many-to-many spread: transactions?select=id,...tags(count())",
                method: "GET",
                path: "/transactions?select=id,...tags(count())",
                headers: &[],
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=PGRST127"),
                    ("Content-Range", ABSENT),
                ],
                body: r#"{"code":"PGRST127","details":"Aggregates are not implemented for one-to-many or many-to-many spreads.","hint":null,"message":"Feature not implemented"}"#,
            },
            Case {
                name: "an aggregate hoisted from a to-one spread into a many-to-many spread: tags?select=name,...transactions(...categories(count()))",
                method: "GET",
                path: "/tags?select=name,...transactions(...categories(count()))",
                headers: &[],
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=PGRST127"),
                    ("Content-Range", ABSENT),
                ],
                body: r#"{"code":"PGRST127","details":"Aggregates are not implemented for one-to-many or many-to-many spreads.","hint":null,"message":"Feature not implemented"}"#,
            },
            Case {
                name: "a to-many spread nested in an embed: users?select=id,categories(...transactions(amount.max()))",
                method: "GET",
                path: "/users?select=id,categories(...transactions(amount.max()))",
                headers: &[],
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=PGRST127"),
                    ("Content-Range", ABSENT),
                ],
                body: r#"{"code":"PGRST127","details":"Aggregates are not implemented for one-to-many or many-to-many spreads.","hint":null,"message":"Feature not implemented"}"#,
            },
        ],
    );
}
