//! Embeds nested to depth 4 and under aliases; casts, JSON paths, empty embeds; HEAD, text/csv
//! and vnd.pgrst.object with embeds (PostgREST facts: `read_basic`).

use super::*;

const CSV: (&str, &str) = ("Content-Type", "text/csv; charset=utf-8");
const OBJECT: (&str, &str) = (
    "Content-Type",
    "application/vnd.pgrst.object+json; charset=utf-8",
);

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
