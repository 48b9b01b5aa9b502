//! Aggregate functions (`db-aggregates-enabled`), on `agg_cluster()` unless a function says
//! otherwise. Every expected body is what PostgreSQL 17 answered, over `FIXTURE`, to the
//! statement PostgREST v13 builds for the request; statuses, headers and error texts follow
//! PostgREST's source. The PostgREST facts these cases rest on (PostgREST/postgrest, v13):
//!
//! - Parsing (`ApiRequest/QueryParams.hs` `pFieldSelect`): `count()` is the field `*` with
//!   `Count`, so it is written `COUNT("public"."transactions".*)`; `[alias:]col[->path][::cast]
//!   .fn()[::cast]` takes `sum|avg|max|min|count`; `select=count` (no parentheses) is a plain
//!   column reference, not an aggregate.
//! - SQL (`Query/SqlFragment.hs` `pgFmtSelectItem`, `pgFmtApplyAggregate`, `pgFmtApplyCast`):
//!   `CAST( FN(CAST( col AS in_cast )) AS out_cast ) AS "alias"`; without an alias PostgreSQL
//!   names the column after the function (`sum`, `count`, ...), casts keep that name.
//! - GROUP BY (`SqlFragment.groupF`, `pgFmtGroup`, `groupTermFromRelSelectField`): only when the
//!   node has an aggregate (its own or hoisted from a spread); terms are every selected column
//!   without an aggregate (the column, not its cast; its alias when it has one), every JSON embed
//!   by its output name (`"categories"`) and every plain spread column (`"<agg alias>"."col"`).
//! - `Plan.hs`: `expandStars` expands `*` into the table's columns when the node or an ancestor
//!   aggregates; `addAliases` names spread aggregates after their function; for a to-one spread
//!   `count()` counts the joined row itself (`cfFullRow`); `hoistSpreadAggFunctions` moves
//!   aggregates out of to-one spreads to the nearest non-spread parent, so the subquery selects
//!   the plain column and the parent applies the function; `validateAggFunctions` answers 400
//!   PGRST123 "Use of aggregate functions is not allowed" when aggregates are off;
//!   `addToManyOrderSelects` answers 400 PGRST127 "Feature not implemented" with details
//!   "Aggregates are not implemented for one-to-many or many-to-many spreads." for an aggregate in
//!   a to-many spread.
//! - `Query/QueryBuilder.hs` `readPlanToQuery`: spread columns follow the node's own columns in
//!   the SELECT whatever their place in `select=`; embeds are `LEFT|INNER JOIN LATERAL`
//!   subqueries (`json_agg(...)::jsonb` for to-many, `row_to_json(...)::jsonb` for to-one, so
//!   embedded objects print as jsonb: `{"name": "Food"}`, keys sorted by length then bytes);
//!   `readPlanToCountQuery` counts the filtered rows without GROUP BY.
//! - Spec `test/spec/Feature/Query/AggregateFunctionsSpec.hs` (v13): count() with alias/cast and
//!   grouped; `select=count` as a column and inside an embed; sum/avg/min/max/count with group
//!   columns, aliases, casts before and after; an embed as a group term; aggregates inside
//!   embeds (null/0 for no rows); to-one spread aggregates alone, grouped by root or spread
//!   columns, nested, with `count()`; to-many spread aggregates → PGRST127; `disallowed` →
//!   PGRST123 on the root, in embeds, in to-one and to-many spreads.
//! - Errors (`Error.hs`): PGRST123 and PGRST127 are 400 with `details`/`hint` as above; a
//!   PostgreSQL error keeps its SQLSTATE, message, detail and hint, 42803 is 400
//!   (`mapSQLtoHTTP` default); every error carries `Proxy-Status: PostgREST; error=<code>`.
//! - `Content-Range` `0-<n-1>/*` (`*/*` for no row), with `count=exact` `0-<n-1>/<total>` and
//!   206 when the page holds fewer rows than the total (`RangeQuery.rangeStatus`).
//!
//! Cases named "ASSUMPTION:" follow PostgREST's code where no spec test pins the behaviour.
//!
//! This file holds aggregates on the root, the legacy `select=count` column and PGRST123;
//! aggregates in embeds are in `aggregates_in_embeds`, in spreads in `aggregates_in_spreads`.

use super::*;

/// `Accept: application/vnd.pgrst.object+json` answers this Content-Type.
const OBJECT: (&str, &str) = (
    "Content-Type",
    "application/vnd.pgrst.object+json; charset=utf-8",
);

/// `count()`, `col.sum()/avg()/max()/min()/count()` over the whole table: no GROUP BY, one row.
#[test]
fn aggregate_functions_on_the_root() {
    run_cases(
        agg_cluster(),
        &[
            Case {
                name: r#"count() counts every row: COUNT("public"."transactions".*)"#,
                method: "GET",
                path: "/transactions?select=count()",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"count":6}]"#,
            },
            Case {
                name: "amount.sum() keeps numeric(10,2) scale",
                method: "GET",
                path: "/transactions?select=amount.sum()",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"sum":854.25}]"#,
            },
            Case {
                name: "amount.avg() is numeric with PostgreSQL's scale",
                method: "GET",
                path: "/transactions?select=amount.avg()",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"avg":142.3750000000000000}]"#,
            },
            Case {
                name: "amount.max()",
                method: "GET",
                path: "/transactions?select=amount.max()",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"max":1200.00}]"#,
            },
            Case {
                name: "amount.min()",
                method: "GET",
                path: "/transactions?select=amount.min()",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"min":-300.00}]"#,
            },
            Case {
                name: "col.count() skips NULLs (transaction 5 has no category)",
                method: "GET",
                path: "/transactions?select=category_id.count()",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"count":5}]"#,
            },
            Case {
                name: "count() on a jsonb column counts the non-null values",
                method: "GET",
                path: "/transactions?select=metadata.count()",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"count":2}]"#,
            },
            Case {
                name: r#"id.max(),transaction_date.max(),name.min(): two unaliased max() give the key "max" twice, as json_agg writes it"#,
                method: "GET",
                path: "/transactions?select=id.max(),transaction_date.max(),name.min()",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"max":6,"max":"2024-03-02T07:30:00","min":"Coffee"}]"#,
            },
            Case {
                name: "several aggregates keep their select order; keys are the function names",
                method: "GET",
                path: "/transactions?select=amount.sum(),amount.max(),amount.min(),count()",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"sum":854.25,"max":1200.00,"min":-300.00,"count":6}]"#,
            },
            Case {
                name: "alias on an aggregate: total:amount.sum()",
                method: "GET",
                path: "/transactions?select=total:amount.sum()",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"total":854.25}]"#,
            },
            Case {
                name: "alias on count(): cnt:count()",
                method: "GET",
                path: "/transactions?select=cnt:count()",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"cnt":6}]"#,
            },
            Case {
                name: r#"cast of the result: count()::text keeps the key "count""#,
                method: "GET",
                path: "/transactions?select=count()::text",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"count":"6"}]"#,
            },
            Case {
                name: "cast of the result: amount.sum()::text",
                method: "GET",
                path: "/transactions?select=amount.sum()::text",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"sum":"854.25"}]"#,
            },
            Case {
                name: "cast of the input: amount::int.sum() rounds each amount before summing",
                method: "GET",
                path: "/transactions?select=amount::int.sum()",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"sum":854}]"#,
            },
            Case {
                name: "alias, input cast and output cast together: total:amount::int.sum()::text",
                method: "GET",
                path: "/transactions?select=total:amount::int.sum()::text",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"total":"854"}]"#,
            },
            Case {
                name: "aggregate over a JSON path with an input cast: metadata->>tip::int.sum()",
                method: "GET",
                path: "/transactions?select=metadata-%3E%3Etip::int.sum()",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"sum":2}]"#,
            },
            Case {
                name: "aggregates apply after the filters: amount=lt.0",
                method: "GET",
                path: "/transactions?select=amount.sum(),count()&amount=lt.0",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"sum":-360.75,"count":4}]"#,
            },
            Case {
                name: "no row matches: an ungrouped aggregate still answers one row",
                method: "GET",
                path: "/transactions?select=count(),amount.sum()&id=gt.100",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"count":0,"sum":null}]"#,
            },
            Case {
                name: "aggregates on a view",
                method: "GET",
                path: "/expenses?select=amount.sum(),count()",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"sum":-360.75,"count":4}]"#,
            },
            Case {
                name: "Accept: application/vnd.pgrst.object+json with count() gives the bare object",
                method: "GET",
                path: "/transactions?select=count()",
                headers: &[("Accept", "application/vnd.pgrst.object+json")],
                status: 200,
                expect_headers: &[OBJECT, ("Content-Range", "0-0/*")],
                body: r#"{"count":6}"#,
            },
        ],
    );
}

/// Every selected column without an aggregate becomes a GROUP BY term
/// (SqlFragment.groupF/pgFmtGroup): the column itself, or its alias when it has one.
#[test]
fn aggregates_group_by_the_other_columns() {
    run_cases(
        agg_cluster(),
        &[
            Case {
                name: "status,amount.sum() groups by status",
                method: "GET",
                path: "/transactions?select=status,amount.sum()&order=status",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"status":"overdue","sum":15.00}, "#,
                    "\n",
                    r#" {"status":"paid","sum":1139.25}, "#,
                    "\n",
                    r#" {"status":"pending","sum":-300.00}]"#,
                ),
            },
            Case {
                name: "category_id,count() groups NULL as its own group, last in ascending order",
                method: "GET",
                path: "/transactions?select=category_id,count()&order=category_id",
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
                    r#" {"category_id":null,"count":1}]"#,
                ),
            },
            Case {
                name: "aggregate first, group column second: keys keep the select order; desc puts NULL first",
                method: "GET",
                path: "/transactions?select=c:count(),category_id&order=category_id.desc",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-3/*")],
                body: concat!(
                    r#"[{"c":1,"category_id":null}, "#,
                    "\n",
                    r#" {"c":1,"category_id":3}, "#,
                    "\n",
                    r#" {"c":1,"category_id":2}, "#,
                    "\n",
                    r#" {"c":3,"category_id":1}]"#,
                ),
            },
            Case {
                name: r#"aliased group column: GROUP BY "st"; order= still names the column"#,
                method: "GET",
                path: "/transactions?select=st:status,total:amount.sum()&order=status.desc",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"st":"pending","total":-300.00}, "#,
                    "\n",
                    r#" {"st":"paid","total":1139.25}, "#,
                    "\n",
                    r#" {"st":"overdue","total":15.00}]"#,
                ),
            },
            Case {
                name: "two group columns",
                method: "GET",
                path: "/transactions?select=user_id,status,count(),amount.sum()&order=user_id,status",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-4/*")],
                body: concat!(
                    r#"[{"user_id":"u1","status":"paid","count":2,"sum":-52.50}, "#,
                    "\n",
                    r#" {"user_id":"u1","status":"pending","count":1,"sum":-300.00}, "#,
                    "\n",
                    r#" {"user_id":"u2","status":"overdue","count":1,"sum":15.00}, "#,
                    "\n",
                    r#" {"user_id":"u2","status":"paid","count":1,"sum":1200.00}, "#,
                    "\n",
                    r#" {"user_id":"u3","status":"paid","count":1,"sum":-8.25}]"#,
                ),
            },
            Case {
                name: "filters apply before grouping",
                method: "GET",
                path: "/transactions?select=status,amount.sum(),count()&amount=lt.0&order=status",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: concat!(
                    r#"[{"status":"paid","sum":-60.75,"count":3}, "#,
                    "\n",
                    r#" {"status":"pending","sum":-300.00,"count":1}]"#,
                ),
            },
            Case {
                name: "grouped and nothing matches: no group, empty array",
                method: "GET",
                path: "/transactions?select=status,count()&id=gt.100",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "*/*")],
                body: r#"[]"#,
            },
            Case {
                name: "limit and offset apply to the groups",
                method: "GET",
                path: "/transactions?select=status,count()&order=status&limit=2&offset=1",
                headers: &[],
                status: 200,
                // The range starts at the offset, as for any read (RangeSpec).
                expect_headers: &[JSON, ("Content-Range", "1-2/*")],
                body: concat!(
                    r#"[{"status":"paid","count":4}, "#,
                    "\n",
                    r#" {"status":"pending","count":1}]"#,
                ),
            },
            Case {
                name: r#"ASSUMPTION: a cast group column groups by the column, not the cast (pgFmtGroup has no cast): status::char splits "p" in two"#,
                method: "GET",
                path: "/transactions?select=status::char,count()&order=status",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"status":"o","count":1}, "#,
                    "\n",
                    r#" {"status":"p","count":4}, "#,
                    "\n",
                    r#" {"status":"p","count":1}]"#,
                ),
            },
            Case {
                name: r#"ASSUMPTION: order=count.desc is "public"."transactions"."count", i.e. count(transactions) in attribute notation, an aggregate PostgreSQL accepts in ORDER BY"#,
                method: "GET",
                path: "/transactions?select=status,count()&order=count.desc,status",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"status":"paid","count":4}, "#,
                    "\n",
                    r#" {"status":"overdue","count":1}, "#,
                    "\n",
                    r#" {"status":"pending","count":1}]"#,
                ),
            },
            Case {
                name: "select=*,amount.sum(): the star is expanded to every column (Plan.expandStars) and they all become group terms",
                method: "GET",
                path: "/transactions?select=*,amount.sum()&id=lte.2&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: concat!(
                    r#"[{"id":1,"amount":-12.50,"name":"Lunch","category_id":1,"user_id":"u1","status":"paid","transaction_date":"2024-01-05T12:00:00","metadata":{"tip": 2},"sum":-12.50}, "#,
                    "\n",
                    r#" {"id":2,"amount":-40.00,"name":"Dinner","category_id":1,"user_id":"u1","status":"paid","transaction_date":"2024-01-06T20:00:00","metadata":null,"sum":-40.00}]"#,
                ),
            },
            Case {
                name: "ASSUMPTION: Prefer: count=exact counts the rows before grouping (readPlanToCountQuery has no GROUP BY): 3 groups of 6 rows is 206 with 0-2/6",
                method: "GET",
                path: "/transactions?select=status,count()&order=status",
                headers: &[("Prefer", "count=exact")],
                status: 206,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-2/6"),
                    ("Preference-Applied", "count=exact"),
                ],
                body: concat!(
                    r#"[{"status":"overdue","count":1}, "#,
                    "\n",
                    r#" {"status":"paid","count":4}, "#,
                    "\n",
                    r#" {"status":"pending","count":1}]"#,
                ),
            },
        ],
    );
}

/// `select=count` is not an aggregate for PostgREST (no `()`): it is the column reference
/// `"public"."transactions"."count"`, which PostgreSQL resolves in attribute notation to the
/// aggregate `count(transactions)` (AggregateFunctionsSpec "performing a count by using it as a
/// column (backwards compat)"). So it works whatever `db-aggregates-enabled` says, and it gets no
/// GROUP BY.
#[test]
fn legacy_count_column() {
    run_cases(
        agg_cluster(),
        &[
            Case {
                name: "select=count answers the row count",
                method: "GET",
                path: "/transactions?select=count",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"count":6}]"#,
            },
            Case {
                name: "select=count inside an embed counts the embedded rows",
                method: "GET",
                path: "/categories?select=name,transactions(count)&order=id",
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
        ],
    );
}

/// The same legacy `select=count` with `db-aggregates-enabled` off.
#[test]
fn legacy_count_column_with_aggregates_disabled() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "ASSUMPTION: select=count works with aggregates disabled (validateAggFunctions only looks at csAggFunction)",
                method: "GET",
                path: "/transactions?select=count",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"count":6}]"#,
            },
            Case {
                name: "ASSUMPTION: select=count with a filter, aggregates disabled",
                method: "GET",
                path: "/transactions?select=count&status=eq.paid",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"count":4}]"#,
            },
            Case {
                name: "ASSUMPTION: select=status,count gets no GROUP BY, so PostgreSQL refuses it: 42803 is 400",
                method: "GET",
                path: "/transactions?select=status,count",
                headers: &[],
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=42803"),
                    ("Content-Range", ABSENT),
                ],
                body: r#"{"code":"42803","details":null,"hint":null,"message":"column \"transactions.status\" must appear in the GROUP BY clause or be used in an aggregate function"}"#,
            },
        ],
    );
}

/// With `db-aggregates-enabled` off (the default) any `.fn()` or `count()` anywhere in the select
/// is 400 PGRST123 (Plan.validateAggFunctions; AggregateFunctionsSpec "disallowed"), before the
/// to-many spread check.
#[test]
fn aggregates_disabled() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "amount.sum() on the root",
                method: "GET",
                path: "/transactions?select=amount.sum()",
                headers: &[],
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=PGRST123"),
                    ("Content-Range", ABSENT),
                ],
                body: r#"{"code":"PGRST123","details":null,"hint":null,"message":"Use of aggregate functions is not allowed"}"#,
            },
            Case {
                name: "count() on the root",
                method: "GET",
                path: "/transactions?select=count()",
                headers: &[],
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=PGRST123"),
                    ("Content-Range", ABSENT),
                ],
                body: r#"{"code":"PGRST123","details":null,"hint":null,"message":"Use of aggregate functions is not allowed"}"#,
            },
            Case {
                name: "count() next to a plain column",
                method: "GET",
                path: "/transactions?select=status,count()",
                headers: &[],
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=PGRST123"),
                    ("Content-Range", ABSENT),
                ],
                body: r#"{"code":"PGRST123","details":null,"hint":null,"message":"Use of aggregate functions is not allowed"}"#,
            },
            Case {
                name: "an aggregate inside an embed",
                method: "GET",
                path: "/categories?select=name,transactions(amount.sum())",
                headers: &[],
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=PGRST123"),
                    ("Content-Range", ABSENT),
                ],
                body: r#"{"code":"PGRST123","details":null,"hint":null,"message":"Use of aggregate functions is not allowed"}"#,
            },
            Case {
                name: "an aggregate in a to-one spread",
                method: "GET",
                path: "/transactions?select=...categories(id.count())",
                headers: &[],
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=PGRST123"),
                    ("Content-Range", ABSENT),
                ],
                body: r#"{"code":"PGRST123","details":null,"hint":null,"message":"Use of aggregate functions is not allowed"}"#,
            },
            Case {
                name: "an aggregate in a to-many spread is PGRST123, not PGRST127",
                method: "GET",
                path: "/users?select=...categories(id.count())",
                headers: &[],
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Proxy-Status", "PostgREST; error=PGRST123"),
                    ("Content-Range", ABSENT),
                ],
                body: r#"{"code":"PGRST123","details":null,"hint":null,"message":"Use of aggregate functions is not allowed"}"#,
            },
        ],
    );
}
