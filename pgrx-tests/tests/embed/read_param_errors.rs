//! Errors of embed parameters: PGRST108 when a parameter names a resource that is not embedded,
//! PostgreSQL errors showing PostgREST's aliases (PostgREST facts: `read_params`).

use super::*;

/// 400 PGRST108 when a parameter names a resource that is not embedded.
#[test]
fn not_embedded() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "a filter on a resource not embedded is 400 PGRST108",
                method: "GET",
                path: "/transactions?select=id&categories.name=eq.Food",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST108")],
                body: r#"{"code":"PGRST108","details":null,"hint":"Verify that 'categories' is included in the 'select' query parameter.","message":"'categories' is not an embedded resource in this request"}"#,
            },
            Case {
                name: "rel.order on a resource not embedded",
                method: "GET",
                path: "/transactions?select=id&categories.order=name",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST108")],
                body: r#"{"code":"PGRST108","details":null,"hint":"Verify that 'categories' is included in the 'select' query parameter.","message":"'categories' is not an embedded resource in this request"}"#,
            },
            Case {
                name: "rel.limit on a resource not embedded",
                method: "GET",
                path: "/transactions?select=id&categories.limit=1",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST108")],
                body: r#"{"code":"PGRST108","details":null,"hint":"Verify that 'categories' is included in the 'select' query parameter.","message":"'categories' is not an embedded resource in this request"}"#,
            },
            Case {
                name: "rel.or on a resource not embedded",
                method: "GET",
                path: "/categories?select=name&transactions.or=(id.eq.1,id.eq.2)",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST108")],
                body: r#"{"code":"PGRST108","details":null,"hint":"Verify that 'transactions' is included in the 'select' query parameter.","message":"'transactions' is not an embedded resource in this request"}"#,
            },
            Case {
                name: "the missing link of a depth-2 path is named",
                method: "GET",
                path: "/users?select=name,categories(name)&categories.transactions.id=eq.1",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST108")],
                body: r#"{"code":"PGRST108","details":null,"hint":"Verify that 'transactions' is included in the 'select' query parameter.","message":"'transactions' is not an embedded resource in this request"}"#,
            },
            Case {
                name: "the first missing link is named",
                method: "GET",
                path: "/users?select=name&categories.transactions.id=eq.1",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST108")],
                body: r#"{"code":"PGRST108","details":null,"hint":"Verify that 'categories' is included in the 'select' query parameter.","message":"'categories' is not an embedded resource in this request"}"#,
            },
            Case {
                name: "PGRST108 comes before relationship errors (filters are placed before embeds are resolved)",
                method: "GET",
                path: "/transactions?select=id,nope(*)&categories.name=eq.Food",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST108")],
                body: r#"{"code":"PGRST108","details":null,"hint":"Verify that 'categories' is included in the 'select' query parameter.","message":"'categories' is not an embedded resource in this request"}"#,
            },
        ],
    );
}

/// PostgreSQL's errors show PostgREST's aliases.
#[test]
fn postgres_errors_inside_embeds() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "a column that does not exist inside an embed shows the child's alias (42703)",
                method: "GET",
                path: "/transactions?select=id,categories(nope)",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=42703")],
                body: r#"{"code":"42703","details":null,"hint":"Perhaps you meant to reference the column \"categories_1.name\".","message":"column categories_1.nope does not exist"}"#,
            },
            Case {
                name: "a misspelled column inside an embed gets PostgreSQL's hint with the alias",
                method: "GET",
                path: "/transactions?select=id,categories(nam)",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=42703")],
                body: r#"{"code":"42703","details":null,"hint":"Perhaps you meant to reference the column \"categories_1.name\".","message":"column categories_1.nam does not exist"}"#,
            },
            Case {
                name: "an unknown column in an embedded filter",
                method: "GET",
                path: "/categories?select=name,transactions(id)&transactions.nope=eq.1",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=42703")],
                body: r#"{"code":"42703","details":null,"hint":"Perhaps you meant to reference the column \"transactions_1.name\".","message":"column transactions_1.nope does not exist"}"#,
            },
            Case {
                name: "an unknown column in an embedded order",
                method: "GET",
                path: "/categories?select=name,transactions(id)&transactions.order=nope",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=42703")],
                body: r#"{"code":"42703","details":null,"hint":"Perhaps you meant to reference the column \"transactions_1.name\".","message":"column transactions_1.nope does not exist"}"#,
            },
            Case {
                name: "a bad value in an embedded filter (22P02)",
                method: "GET",
                path: "/categories?select=name,transactions(id)&transactions.amount=eq.abc",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=22P02")],
                body: r#"{"code":"22P02","details":null,"hint":null,"message":"invalid input syntax for type numeric: \"abc\""}"#,
            },
            Case {
                name: "an unknown column at depth 2 shows the depth in the alias",
                method: "GET",
                path: "/users?select=name,categories(transactions(nope))",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=42703")],
                body: r#"{"code":"42703","details":null,"hint":"Perhaps you meant to reference the column \"transactions_2.name\".","message":"column transactions_2.nope does not exist"}"#,
            },
            Case {
                name: "an unknown column in a many-to-many embed shows the unaliased table",
                method: "GET",
                path: "/transactions?select=id,tags(nope)",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=42703")],
                body: r#"{"code":"42703","details":null,"hint":"Perhaps you meant to reference the column \"tags.name\".","message":"column tags.nope does not exist"}"#,
            },
            Case {
                name: "an unknown column in a computed relationship",
                method: "GET",
                path: "/transactions?select=id,owner(nope)",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=42703")],
                body: r#"{"code":"42703","details":null,"hint":"Perhaps you meant to reference the column \"users_1.name\".","message":"column users_1.nope does not exist"}"#,
            },
            Case {
                name: "an unknown column in order=rel(col)",
                method: "GET",
                path: "/transactions?select=id,categories(name)&order=categories(nope)",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=42703")],
                body: r#"{"code":"42703","details":null,"hint":"Perhaps you meant to reference the column \"transactions_categories_1.name\".","message":"column transactions_categories_1.nope does not exist"}"#,
            },
            // RelatedQueriesSpec "doesn't interfere filtering on column names that are the same as the relation name":
            // since v11.2.1 addNullEmbedFilters only rewrites is.null/not.is.null; anything else stays a column filter.
            Case {
                name: "v13 treats rel=eq.x as a filter on a column named like the embed (PostgREST #2862 removed PGRST120 there)",
                method: "GET",
                path: "/transactions?select=id,categories(name)&categories=eq.1",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=42703")],
                body: r#"{"code":"42703","details":null,"hint":null,"message":"column transactions.categories does not exist"}"#,
            },
        ],
    );
}
