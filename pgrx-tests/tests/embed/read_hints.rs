//! Disambiguation and join types: `rel!hint`, `!inner`/`!left` in either order, the ambiguous
//! `transfers ↔ accounts` (two foreign keys to one table), and the errors when no relationship
//! is found.
//!
//! PostgREST v13 facts these expectations rest on:
//! - Plan.findRel: without a hint the target matches the table name, a single FK column or a
//!   constraint name; with a hint the target must be the table and the hint a constraint name, a
//!   FK column, a referenced column or the junction table. On a self-reference a hint only matches
//!   the referencing column and gives the one-to-many. More than one match is
//!   AmbiguousRelBetween, none is NoRelBetween.
//! - Parsers (pEmbedParams): up to two `!` params, a join type (`inner`/`left`) and a hint, in
//!   either order. QueryBuilder.getJoin: `INNER JOIN LATERAL … ON TRUE` for to-one, `ON "<agg>" IS
//!   NOT NULL` for to-many; readPlanToCountQuery adds `EXISTS (…)` for inner embeds.
//! - Error.hs: PGRST201 is 300 with `details` (compressedRel: cardinality, embedding,
//!   relationship; keys sorted) and a hint listing `'<child>!<constraint>'`; the relationships
//!   come sorted (SchemaCache getOverrideRelationshipsMap sorts them; `from` < `to`). PGRST200 is
//!   400; its hint is noRelBetweenHint: a fuzzy match (Data.FuzzySet, min score 0.33) of the child
//!   among the parent's related tables, none when the child itself is one of them.
//! - Specs: EmbedDisambiguationSpec, EmbedInnerJoinSpec.
use super::*;

/// Two foreign keys from transfers to accounts: 300 PGRST201 until a hint picks one.
#[test]
fn ambiguous_embeds() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "two foreign keys to one table: transfers → accounts is 300 PGRST201",
                method: "GET",
                path: "/transfers?select=*,accounts(*)",
                headers: &[],
                status: 300,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST201")],
                body: r#"{"code":"PGRST201","details":[{"cardinality":"many-to-one","embedding":"transfers with accounts","relationship":"transfers_from_account_fkey using transfers(from_account) and accounts(id)"},{"cardinality":"many-to-one","embedding":"transfers with accounts","relationship":"transfers_to_account_fkey using transfers(to_account) and accounts(id)"}],"hint":"Try changing 'accounts' to one of the following: 'accounts!transfers_from_account_fkey', 'accounts!transfers_to_account_fkey'. Find the desired relationship in the 'details' key.","message":"Could not embed because more than one relationship was found for 'transfers' and 'accounts'"}"#,
            },
            Case {
                name: "and the other way: accounts → transfers is 300 PGRST201 (one-to-many twice)",
                method: "GET",
                path: "/accounts?select=*,transfers(*)",
                headers: &[],
                status: 300,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST201")],
                body: r#"{"code":"PGRST201","details":[{"cardinality":"one-to-many","embedding":"accounts with transfers","relationship":"transfers_from_account_fkey using accounts(id) and transfers(from_account)"},{"cardinality":"one-to-many","embedding":"accounts with transfers","relationship":"transfers_to_account_fkey using accounts(id) and transfers(to_account)"}],"hint":"Try changing 'transfers' to one of the following: 'transfers!transfers_from_account_fkey', 'transfers!transfers_to_account_fkey'. Find the desired relationship in the 'details' key.","message":"Could not embed because more than one relationship was found for 'accounts' and 'transfers'"}"#,
            },
            Case {
                name: "ambiguous also with an alias",
                method: "GET",
                path: "/transfers?select=id,source:accounts(name)",
                headers: &[],
                status: 300,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST201")],
                body: r#"{"code":"PGRST201","details":[{"cardinality":"many-to-one","embedding":"transfers with accounts","relationship":"transfers_from_account_fkey using transfers(from_account) and accounts(id)"},{"cardinality":"many-to-one","embedding":"transfers with accounts","relationship":"transfers_to_account_fkey using transfers(to_account) and accounts(id)"}],"hint":"Try changing 'accounts' to one of the following: 'accounts!transfers_from_account_fkey', 'accounts!transfers_to_account_fkey'. Find the desired relationship in the 'details' key.","message":"Could not embed because more than one relationship was found for 'transfers' and 'accounts'"}"#,
            },
            Case {
                name: "a hint matching both relationships (the referenced column) is still ambiguous",
                method: "GET",
                path: "/transfers?select=id,accounts!id(name)",
                headers: &[],
                status: 300,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST201")],
                body: r#"{"code":"PGRST201","details":[{"cardinality":"many-to-one","embedding":"transfers with accounts","relationship":"transfers_from_account_fkey using transfers(from_account) and accounts(id)"},{"cardinality":"many-to-one","embedding":"transfers with accounts","relationship":"transfers_to_account_fkey using transfers(to_account) and accounts(id)"}],"hint":"Try changing 'accounts' to one of the following: 'accounts!transfers_from_account_fkey', 'accounts!transfers_to_account_fkey'. Find the desired relationship in the 'details' key.","message":"Could not embed because more than one relationship was found for 'transfers' and 'accounts'"}"#,
            },
            Case {
                name: "a nested ambiguous embed is reported with its own parent",
                method: "GET",
                path: "/accounts?select=name,transfers!from_account(id,accounts(name))",
                headers: &[],
                status: 300,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST201")],
                body: r#"{"code":"PGRST201","details":[{"cardinality":"many-to-one","embedding":"transfers with accounts","relationship":"transfers_from_account_fkey using transfers(from_account) and accounts(id)"},{"cardinality":"many-to-one","embedding":"transfers with accounts","relationship":"transfers_to_account_fkey using transfers(to_account) and accounts(id)"}],"hint":"Try changing 'accounts' to one of the following: 'accounts!transfers_from_account_fkey', 'accounts!transfers_to_account_fkey'. Find the desired relationship in the 'details' key.","message":"Could not embed because more than one relationship was found for 'transfers' and 'accounts'"}"#,
            },
            Case {
                name: "!inner alone does not disambiguate",
                method: "GET",
                path: "/transfers?select=id,accounts!inner(name)",
                headers: &[],
                status: 300,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST201")],
                body: r#"{"code":"PGRST201","details":[{"cardinality":"many-to-one","embedding":"transfers with accounts","relationship":"transfers_from_account_fkey using transfers(from_account) and accounts(id)"},{"cardinality":"many-to-one","embedding":"transfers with accounts","relationship":"transfers_to_account_fkey using transfers(to_account) and accounts(id)"}],"hint":"Try changing 'accounts' to one of the following: 'accounts!transfers_from_account_fkey', 'accounts!transfers_to_account_fkey'. Find the desired relationship in the 'details' key.","message":"Could not embed because more than one relationship was found for 'transfers' and 'accounts'"}"#,
            },
        ],
    );
}

/// The ambiguous embeds resolved by constraint name or column, with join types in either order.
#[test]
fn disambiguated_embeds() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "resolved by the constraint name",
                method: "GET",
                path: "/transfers?select=id,accounts!transfers_from_account_fkey(name)&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"id":1,"accounts":{"name": "Checking"}}, "#,
                    "\n",
                    r#" {"id":2,"accounts":{"name": "Savings"}}, "#,
                    "\n",
                    r#" {"id":3,"accounts":{"name": "Checking"}}]"#,
                ),
            },
            Case {
                name: "resolved by the foreign key columns, both under aliases",
                method: "GET",
                path: "/transfers?select=id,from:accounts!from_account(name),to:accounts!to_account(name)&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"id":1,"from":{"name": "Checking"},"to":{"name": "Savings"}}, "#,
                    "\n",
                    r#" {"id":2,"from":{"name": "Savings"},"to":{"name": "Cash"}}, "#,
                    "\n",
                    r#" {"id":3,"from":{"name": "Checking"},"to":{"name": "Cash"}}]"#,
                ),
            },
            Case {
                name: "hint then join type: rel!hint!inner",
                method: "GET",
                path: "/transfers?select=id,to:accounts!to_account!inner(name)&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"id":1,"to":{"name": "Savings"}}, "#,
                    "\n",
                    r#" {"id":2,"to":{"name": "Cash"}}, "#,
                    "\n",
                    r#" {"id":3,"to":{"name": "Cash"}}]"#,
                ),
            },
            Case {
                name: "join type then hint: rel!inner!hint",
                method: "GET",
                path: "/transfers?select=id,to:accounts!inner!to_account(name)&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"id":1,"to":{"name": "Savings"}}, "#,
                    "\n",
                    r#" {"id":2,"to":{"name": "Cash"}}, "#,
                    "\n",
                    r#" {"id":3,"to":{"name": "Cash"}}]"#,
                ),
            },
            Case {
                name: "one-to-many resolved by the referencing columns, twice",
                method: "GET",
                path: "/accounts?select=name,outgoing:transfers!from_account(id),incoming:transfers!to_account(id)&outgoing.order=id&incoming.order=id&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"name":"Checking","outgoing":[{"id": 1}, {"id": 3}],"incoming":[]}, "#,
                    "\n",
                    r#" {"name":"Savings","outgoing":[{"id": 2}],"incoming":[{"id": 1}]}, "#,
                    "\n",
                    r#" {"name":"Cash","outgoing":[],"incoming":[{"id": 2}, {"id": 3}]}]"#,
                ),
            },
            Case {
                name: "one-to-many resolved by the constraint name",
                method: "GET",
                path: "/accounts?select=name,transfers!transfers_to_account_fkey(amount)&transfers.order=id&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"name":"Checking","transfers":[]}, "#,
                    "\n",
                    r#" {"name":"Savings","transfers":[{"amount": 100.00}]}, "#,
                    "\n",
                    r#" {"name":"Cash","transfers":[{"amount": 20.00}, {"amount": 5.00}]}]"#,
                ),
            },
            Case {
                name: "one-to-many with hint and !inner: only accounts with outgoing transfers",
                method: "GET",
                path: "/accounts?select=name,transfers!from_account!inner(id)&transfers.order=id&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: concat!(
                    r#"[{"name":"Checking","transfers":[{"id": 1}, {"id": 3}]}, "#,
                    "\n",
                    r#" {"name":"Savings","transfers":[{"id": 2}]}]"#,
                ),
            },
        ],
    );
}

/// Every kind of hint also works where there is no ambiguity.
#[test]
fn hints_on_unambiguous_embeds() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "hint on an unambiguous embed: constraint name",
                method: "GET",
                path: "/transactions?select=id,categories!transactions_category_id_fkey(name)&id=eq.1",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"id":1,"categories":{"name": "Food"}}]"#,
            },
            Case {
                name: "hint: the foreign key column",
                method: "GET",
                path: "/transactions?select=id,categories!category_id(name)&id=eq.1",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"id":1,"categories":{"name": "Food"}}]"#,
            },
            Case {
                name: "hint: the referenced column",
                method: "GET",
                path: "/transactions?select=id,categories!id(name)&id=eq.1",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"id":1,"categories":{"name": "Food"}}]"#,
            },
            Case {
                name: "hint: the junction table of a many-to-many",
                method: "GET",
                path: "/transactions?select=id,tags!transaction_tags(name)&tags.order=id&id=eq.3",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"id":3,"tags":[{"name": "work"}, {"name": "family"}]}]"#,
            },
            Case {
                name: "hint on a one-to-many: the referencing column",
                method: "GET",
                path: "/categories?select=name,transactions!category_id(id)&transactions.order=id&id=eq.1",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"name":"Food","transactions":[{"id": 1}, {"id": 2}, {"id": 6}]}]"#,
            },
            Case {
                name: "hint on a one-to-one: the constraint name",
                method: "GET",
                path: "/transaction_notes?select=note,transactions!transaction_notes_transaction_id_fkey(name)&order=transaction_id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: concat!(
                    r#"[{"note":"with the team","transactions":{"name": "Lunch"}}, "#,
                    "\n",
                    r#" {"note":"client A","transactions":{"name": "Invoice 7"}}]"#,
                ),
            },
            Case {
                name: "the constraint name as the embed target (key is the constraint name)",
                method: "GET",
                path: "/transactions?select=id,transactions_category_id_fkey(name)&id=eq.1",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-0/*")],
                body: r#"[{"id":1,"transactions_category_id_fkey":{"name": "Food"}}]"#,
            },
            Case {
                name: "self-reference with the FK column as hint gives the children (one-to-many)",
                method: "GET",
                path: "/members?select=name,members!sponsor_id(name)&members.order=id&order=id",
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
                name: "ASSUMPTION: self-reference with the constraint name as hint finds nothing (findRel only takes the FK column there)",
                method: "GET",
                path: "/members?select=name,members!members_sponsor_id_fkey(name)",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST200")],
                body: r#"{"code":"PGRST200","details":"Searched for a foreign key relationship between 'members' and 'members' using the hint 'members_sponsor_id_fkey' in the schema 'public', but no matches were found.","hint":null,"message":"Could not find a relationship between 'members' and 'members' in the schema cache"}"#,
            },
        ],
    );
}

/// `!inner` drops the parents without a match, `!left` keeps them.
#[test]
fn join_types() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "!left is the default: rows without a match keep a null embed",
                method: "GET",
                path: "/transactions?select=id,categories!left(name)&id=in.(4,5)&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: concat!(
                    r#"[{"id":4,"categories":{"name": "Sales"}}, "#,
                    "\n",
                    r#" {"id":5,"categories":null}]"#,
                ),
            },
            Case {
                name: "!inner on a many-to-one drops parents without a match",
                method: "GET",
                path: "/transactions?select=id,categories!inner(name)&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-4/*")],
                body: concat!(
                    r#"[{"id":1,"categories":{"name": "Food"}}, "#,
                    "\n",
                    r#" {"id":2,"categories":{"name": "Food"}}, "#,
                    "\n",
                    r#" {"id":3,"categories":{"name": "Travel"}}, "#,
                    "\n",
                    r#" {"id":4,"categories":{"name": "Sales"}}, "#,
                    "\n",
                    r#" {"id":6,"categories":{"name": "Food"}}]"#,
                ),
            },
            Case {
                name: "!inner on a one-to-many drops parents with no children",
                method: "GET",
                path: "/categories?select=name,transactions!inner(id)&transactions.order=id&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"name":"Food","transactions":[{"id": 1}, {"id": 2}, {"id": 6}]}, "#,
                    "\n",
                    r#" {"name":"Travel","transactions":[{"id": 3}]}, "#,
                    "\n",
                    r#" {"name":"Sales","transactions":[{"id": 4}]}]"#,
                ),
            },
            Case {
                name: "!inner on a many-to-many",
                method: "GET",
                path: "/transactions?select=id,tags!inner(name)&tags.order=id&order=id",
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
                    r#" {"id":4,"tags":[{"name": "work"}]}]"#,
                ),
            },
            Case {
                name: "!inner on a one-to-one",
                method: "GET",
                path: "/transactions?select=id,transaction_notes!inner(note)&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: concat!(
                    r#"[{"id":1,"transaction_notes":{"note": "with the team"}}, "#,
                    "\n",
                    r#" {"id":4,"transaction_notes":{"note": "client A"}}]"#,
                ),
            },
            Case {
                name: "!inner on a to-many computed relationship",
                method: "GET",
                path: "/categories?select=name,big_transactions!inner(id)&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-2/*")],
                body: concat!(
                    r#"[{"name":"Food","big_transactions":[{"id": 2}]}, "#,
                    "\n",
                    r#" {"name":"Travel","big_transactions":[{"id": 3}]}, "#,
                    "\n",
                    r#" {"name":"Sales","big_transactions":[{"id": 4}]}]"#,
                ),
            },
            Case {
                name: "!inner on a view",
                method: "GET",
                path: "/categories?select=name,expenses!inner(id)&expenses.order=id&order=id",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/*")],
                body: concat!(
                    r#"[{"name":"Food","expenses":[{"id": 1}, {"id": 2}, {"id": 6}]}, "#,
                    "\n",
                    r#" {"name":"Travel","expenses":[{"id": 3}]}]"#,
                ),
            },
            Case {
                name: "!inner with count=exact counts only matching parents",
                method: "GET",
                path: "/transactions?select=id,transaction_notes!inner(note)&order=id",
                headers: &[("Prefer", "count=exact")],
                status: 200,
                expect_headers: &[JSON, ("Content-Range", "0-1/2")],
                body: concat!(
                    r#"[{"id":1,"transaction_notes":{"note": "with the team"}}, "#,
                    "\n",
                    r#" {"id":4,"transaction_notes":{"note": "client A"}}]"#,
                ),
            },
        ],
    );
}

/// 400 PGRST200: misspelled, unrelated, nonexistent tables and wrong hints.
#[test]
fn no_relationship() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "a misspelled embed is 400 PGRST200 with a suggestion",
                method: "GET",
                path: "/transactions?select=*,categorie(*)",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST200")],
                body: r#"{"code":"PGRST200","details":"Searched for a foreign key relationship between 'transactions' and 'categorie' in the schema 'public', but no matches were found.","hint":"Perhaps you meant 'categories' instead of 'categorie'.","message":"Could not find a relationship between 'transactions' and 'categorie' in the schema cache"}"#,
            },
            Case {
                name: "a singular name suggests the plural one",
                method: "GET",
                path: "/transactions?select=id,user(name)",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST200")],
                body: r#"{"code":"PGRST200","details":"Searched for a foreign key relationship between 'transactions' and 'user' in the schema 'public', but no matches were found.","hint":"Perhaps you meant 'users' instead of 'user'.","message":"Could not find a relationship between 'transactions' and 'user' in the schema cache"}"#,
            },
            Case {
                name: "an existing table with no relationship, and nothing close: no hint",
                method: "GET",
                path: "/users?select=*,accounts(*)",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST200")],
                body: r#"{"code":"PGRST200","details":"Searched for a foreign key relationship between 'users' and 'accounts' in the schema 'public', but no matches were found.","hint":null,"message":"Could not find a relationship between 'users' and 'accounts' in the schema cache"}"#,
            },
            Case {
                name: "a table that does not exist is PGRST200 too, not 404",
                method: "GET",
                path: "/transactions?select=*,nope(*)",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST200")],
                body: r#"{"code":"PGRST200","details":"Searched for a foreign key relationship between 'transactions' and 'nope' in the schema 'public', but no matches were found.","hint":null,"message":"Could not find a relationship between 'transactions' and 'nope' in the schema cache"}"#,
            },
            Case {
                name: "a hint that matches no foreign key: details name the hint, no suggestion for an existing table",
                method: "GET",
                path: "/transactions?select=*,categories!nope(*)",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST200")],
                body: r#"{"code":"PGRST200","details":"Searched for a foreign key relationship between 'transactions' and 'categories' using the hint 'nope' in the schema 'public', but no matches were found.","hint":null,"message":"Could not find a relationship between 'transactions' and 'categories' in the schema cache"}"#,
            },
            Case {
                name: "a junction name as hint on a many-to-one finds nothing",
                method: "GET",
                path: "/transactions?select=id,categories!transaction_tags(name)",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST200")],
                body: r#"{"code":"PGRST200","details":"Searched for a foreign key relationship between 'transactions' and 'categories' using the hint 'transaction_tags' in the schema 'public', but no matches were found.","hint":null,"message":"Could not find a relationship between 'transactions' and 'categories' in the schema cache"}"#,
            },
            Case {
                name: "a nested misspelling is reported with its parent",
                method: "GET",
                path: "/categories?select=name,transactions(id,tag(name))",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST200")],
                body: r#"{"code":"PGRST200","details":"Searched for a foreign key relationship between 'transactions' and 'tag' in the schema 'public', but no matches were found.","hint":"Perhaps you meant 'tags' instead of 'tag'.","message":"Could not find a relationship between 'transactions' and 'tag' in the schema cache"}"#,
            },
            Case {
                name: "a nested embed of a table with no relationship to its parent",
                method: "GET",
                path: "/users?select=name,categories(name,tags(name))",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST200")],
                body: r#"{"code":"PGRST200","details":"Searched for a foreign key relationship between 'categories' and 'tags' in the schema 'public', but no matches were found.","hint":null,"message":"Could not find a relationship between 'categories' and 'tags' in the schema cache"}"#,
            },
            Case {
                name: "a view has no relationship to a table its base table references through a column it hides",
                method: "GET",
                path: "/expenses?select=*,users(*)",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST200")],
                body: r#"{"code":"PGRST200","details":"Searched for a foreign key relationship between 'expenses' and 'users' in the schema 'public', but no matches were found.","hint":null,"message":"Could not find a relationship between 'expenses' and 'users' in the schema cache"}"#,
            },
            Case {
                name: "self-reference misspelled",
                method: "GET",
                path: "/members?select=*,member(*)",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST200")],
                body: r#"{"code":"PGRST200","details":"Searched for a foreign key relationship between 'members' and 'member' in the schema 'public', but no matches were found.","hint":"Perhaps you meant 'members' instead of 'member'.","message":"Could not find a relationship between 'members' and 'member' in the schema cache"}"#,
            },
            Case {
                name: "users and tags are not related",
                method: "GET",
                path: "/users?select=*,tags(*)",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST200")],
                body: r#"{"code":"PGRST200","details":"Searched for a foreign key relationship between 'users' and 'tags' in the schema 'public', but no matches were found.","hint":null,"message":"Could not find a relationship between 'users' and 'tags' in the schema cache"}"#,
            },
            Case {
                name: "ASSUMPTION: a misspelled computed relationship: the suggestion is a table name (noRelBetweenHint only knows relForeignTable)",
                method: "GET",
                path: "/categories?select=name,big_transaction(id)",
                headers: &[],
                status: 400,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST200")],
                body: r#"{"code":"PGRST200","details":"Searched for a foreign key relationship between 'categories' and 'big_transaction' in the schema 'public', but no matches were found.","hint":"Perhaps you meant 'transactions' instead of 'big_transaction'.","message":"Could not find a relationship between 'categories' and 'big_transaction' in the schema cache"}"#,
            },
        ],
    );
}
