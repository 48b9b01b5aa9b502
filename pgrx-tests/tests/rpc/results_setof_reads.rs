//! The read part of a call over a SETOF table result: select, filters, or=, order=,
//! limit/offset, and embedding from the function's table (PostgREST facts: `results`).

use super::results::PUBLIC;
use super::*;

/// SETOF a table: select, filters (also on unselected columns), or=, order=, limit/offset.
#[test]
fn setof_table_rows() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "SETOF a table: every row, every column",
                method: "GET",
                path: "/rpc/all_transactions",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-4/*"),
                    ("Content-Length", "469"),
                    PUBLIC,
                ],
                body: concat!(
                    r#"[{"id":1,"amount":-12.50,"name":"Lunch","category_id":1,"status":"paid","tags":["food","team"]}, "#,
                    "\n",
                    r#" {"id":2,"amount":-40.00,"name":"Dinner","category_id":1,"status":"paid","tags":["food"]}, "#,
                    "\n",
                    r#" {"id":3,"amount":-300.00,"name":"Flight","category_id":2,"status":"pending","tags":["travel"]}, "#,
                    "\n",
                    r#" {"id":4,"amount":1200.00,"name":"Invoice 7","category_id":3,"status":"paid","tags":null}, "#,
                    "\n",
                    r#" {"id":5,"amount":15.00,"name":"Refund","category_id":null,"status":"overdue","tags":[]}]"#
                ),
                check: ("", ""),
            },
            WriteCase {
                name: "SETOF by POST",
                method: "POST",
                path: "/rpc/transactions_above",
                headers: &[],
                request_body: r#"{"min_amount":0}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/*"),
                    ("Content-Length", "181"),
                    PUBLIC,
                ],
                body: concat!(
                    r#"[{"id":4,"amount":1200.00,"name":"Invoice 7","category_id":3,"status":"paid","tags":null}, "#,
                    "\n",
                    r#" {"id":5,"amount":15.00,"name":"Refund","category_id":null,"status":"overdue","tags":[]}]"#
                ),
                check: ("", ""),
            },
            WriteCase {
                name: "select=",
                method: "GET",
                path: "/rpc/transactions_above?min_amount=0&select=id,name",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/*"),
                    ("Content-Length", "57"),
                    PUBLIC,
                ],
                body: concat!(
                    r#"[{"id":4,"name":"Invoice 7"}, "#,
                    "\n",
                    r#" {"id":5,"name":"Refund"}]"#
                ),
                check: ("", ""),
            },
            WriteCase {
                name: "select= with an alias and a cast",
                method: "GET",
                path: "/rpc/transactions_above?min_amount=0&select=label:name,amount::text",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/*"),
                    ("Content-Length", "81"),
                    PUBLIC,
                ],
                body: concat!(
                    r#"[{"label":"Invoice 7","amount":"1200.00"}, "#,
                    "\n",
                    r#" {"label":"Refund","amount":"15.00"}]"#
                ),
                check: ("", ""),
            },
            WriteCase {
                name: "a filter on a column that is not selected (v13 #3965)",
                method: "GET",
                path: "/rpc/all_transactions?select=id,name&amount=lt.0",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-2/*"),
                    ("Content-Length", "81"),
                    PUBLIC,
                ],
                body: concat!(
                    r#"[{"id":1,"name":"Lunch"}, "#,
                    "\n",
                    r#" {"id":2,"name":"Dinner"}, "#,
                    "\n",
                    r#" {"id":3,"name":"Flight"}]"#
                ),
                check: ("", ""),
            },
            WriteCase {
                name: "or= on columns that are not selected",
                method: "GET",
                path: "/rpc/all_transactions?select=id&or=(status.eq.pending,status.eq.overdue)",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/*"),
                    ("Content-Length", "22"),
                    PUBLIC,
                ],
                body: concat!(r#"[{"id":3}, "#, "\n", r#" {"id":5}]"#),
                check: ("", ""),
            },
            WriteCase {
                name: "an array filter (cs)",
                method: "GET",
                path: "/rpc/all_transactions?select=id,tags&tags=cs.%7Bfood%7D",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/*"),
                    ("Content-Length", "61"),
                    PUBLIC,
                ],
                body: concat!(
                    r#"[{"id":1,"tags":["food","team"]}, "#,
                    "\n",
                    r#" {"id":2,"tags":["food"]}]"#
                ),
                check: ("", ""),
            },
            WriteCase {
                name: "order= on a selected column",
                method: "GET",
                path: "/rpc/all_transactions?select=id,amount&order=amount.desc&limit=2",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/*"),
                    ("Content-Length", "54"),
                    PUBLIC,
                ],
                body: concat!(
                    r#"[{"id":4,"amount":1200.00}, "#,
                    "\n",
                    r#" {"id":5,"amount":15.00}]"#
                ),
                check: ("", ""),
            },
            WriteCase {
                name: "ASSUMPTION: order= on a column that is not selected fails: the call only returns selected and filtered columns",
                method: "GET",
                path: "/rpc/all_transactions?select=id&order=amount",
                headers: &[],
                request_body: "",
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "97"),
                    ("Proxy-Status", "PostgREST; error=42703"),
                ],
                body: r#"{"code":"42703","details":null,"hint":null,"message":"column transactions.amount does not exist"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "ASSUMPTION: selecting a column the function does not return: 42703 on pgrst_call",
                method: "GET",
                path: "/rpc/all_transactions?select=id,nope",
                headers: &[],
                request_body: "",
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "153"),
                    ("Proxy-Status", "PostgREST; error=42703"),
                ],
                body: r#"{"code":"42703","details":null,"hint":"Perhaps you meant to reference the column \"pgrst_call.name\".","message":"column pgrst_call.nope does not exist"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: r#"limit and offset (RpcSpec "can limit proc results")"#,
                method: "GET",
                path: "/rpc/all_transactions?select=id&limit=2&offset=1",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "1-2/*"),
                    ("Content-Length", "22"),
                    PUBLIC,
                ],
                body: concat!(r#"[{"id":2}, "#, "\n", r#" {"id":3}]"#),
                check: ("", ""),
            },
            WriteCase {
                name: "an offset past the end: [] and */*",
                method: "GET",
                path: "/rpc/all_transactions?select=id&offset=5",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "*/*"),
                    ("Content-Length", "2"),
                    PUBLIC,
                ],
                body: "[]",
                check: ("", ""),
            },
            WriteCase {
                name: r#"filters by POST (RpcSpec "can filter proc results")"#,
                method: "POST",
                path: "/rpc/all_transactions?id=gt.3&select=id",
                headers: &[],
                request_body: "{}",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/*"),
                    ("Content-Length", "22"),
                    PUBLIC,
                ],
                body: concat!(r#"[{"id":4}, "#, "\n", r#" {"id":5}]"#),
                check: ("", ""),
            },
        ],
    );
}

/// Embedding the relationships of the function's table.
#[test]
fn embedding() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "embedding from the result's table: categories by its name (many-to-one)",
                method: "GET",
                path: "/rpc/all_transactions?select=id,categories(name)&order=id",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-4/*"),
                    ("Content-Length", "199"),
                    PUBLIC,
                ],
                body: concat!(
                    r#"[{"id":1,"categories":{"name": "Food"}}, "#,
                    "\n",
                    r#" {"id":2,"categories":{"name": "Food"}}, "#,
                    "\n",
                    r#" {"id":3,"categories":{"name": "Travel"}}, "#,
                    "\n",
                    r#" {"id":4,"categories":{"name": "Sales"}}, "#,
                    "\n",
                    r#" {"id":5,"categories":null}]"#
                ),
                check: ("", ""),
            },
            WriteCase {
                name: "an embed with an alias and two columns",
                method: "GET",
                path: "/rpc/all_transactions?select=id,category:categories(name,color)&id=lte.2",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/*"),
                    ("Content-Length", "110"),
                    PUBLIC,
                ],
                body: concat!(
                    r#"[{"id":1,"category":{"name": "Food", "color": "red"}}, "#,
                    "\n",
                    r#" {"id":2,"category":{"name": "Food", "color": "red"}}]"#
                ),
                check: ("", ""),
            },
            WriteCase {
                name: "an inner embed with a filter on the embedded table",
                method: "GET",
                path: "/rpc/all_transactions?select=id,categories!inner(name)&categories.name=eq.Food",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/*"),
                    ("Content-Length", "82"),
                    PUBLIC,
                ],
                body: concat!(
                    r#"[{"id":1,"categories":{"name": "Food"}}, "#,
                    "\n",
                    r#" {"id":2,"categories":{"name": "Food"}}]"#
                ),
                check: ("", ""),
            },
            WriteCase {
                name: "select=* with an embed",
                method: "GET",
                path: "/rpc/all_transactions?select=*,categories(*)&id=eq.3",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "154"),
                    PUBLIC,
                ],
                body: r#"[{"id":3,"amount":-300.00,"name":"Flight","category_id":2,"status":"pending","tags":["travel"],"categories":{"id": 2, "name": "Travel", "color": "blue"}}]"#,
                check: ("", ""),
            },
            WriteCase {
                name: "embedding on a single-row result",
                method: "GET",
                path: "/rpc/transaction_by_id?tid=1&select=id,categories(name)",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "38"),
                    PUBLIC,
                ],
                body: r#"{"id":1,"categories":{"name": "Food"}}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "embedding by POST",
                method: "POST",
                path: "/rpc/transactions_above?select=name,categories(name)",
                headers: &[],
                request_body: r#"{"min_amount":0}"#,
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/*"),
                    ("Content-Length", "92"),
                    PUBLIC,
                ],
                body: concat!(
                    r#"[{"name":"Invoice 7","categories":{"name": "Sales"}}, "#,
                    "\n",
                    r#" {"name":"Refund","categories":null}]"#
                ),
                check: ("", ""),
            },
            WriteCase {
                name: "no relationship to embed: 400 PGRST200 from the result's table",
                method: "GET",
                path: "/rpc/all_transactions?select=id,audit(id)",
                headers: &[],
                request_body: "",
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "266"),
                    ("Proxy-Status", "PostgREST; error=PGRST200"),
                ],
                body: r#"{"code":"PGRST200","details":"Searched for a foreign key relationship between 'transactions' and 'audit' in the schema 'public', but no matches were found.","hint":null,"message":"Could not find a relationship between 'transactions' and 'audit' in the schema cache"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "ASSUMPTION: a non-table composite has no relationships: PGRST200 names the type",
                method: "GET",
                path: "/rpc/summaries?select=credit,categories(name)",
                headers: &[],
                request_body: "",
                status: 400,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "278"),
                    ("Proxy-Status", "PostgREST; error=PGRST200"),
                ],
                body: r#"{"code":"PGRST200","details":"Searched for a foreign key relationship between 'money_summary' and 'categories' in the schema 'public', but no matches were found.","hint":null,"message":"Could not find a relationship between 'money_summary' and 'categories' in the schema cache"}"#,
                check: ("", ""),
            },
        ],
    );
}
