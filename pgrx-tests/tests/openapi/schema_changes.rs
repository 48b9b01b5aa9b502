//! DDL, grants and comments made in psql show in the very next `GET /` (budgetbee follows the
//! catalog without NOTIFY; PostgREST needs `NOTIFY pgrst, 'reload schema'` for the cached part),
//! against the seed's configuration (`public`).
//!
//! PostgREST facts:
//! - Query.hs (follow-privileges): relations and their columns, comments and defaults come from
//!   the schema cache; which of them are listed (`accessibleTables`), the routines
//!   (`accessibleFuncs`) and the schema comment (`schemaDescription`) are read in each request's
//!   transaction, so a GRANT/REVOKE or COMMENT ON SCHEMA shows at once.
//! - OpenAPI.hs `makeTableDef`/`makePathItem`/`makeRowFilter`/`makeProcPathItem` as in
//!   `expected/`; an argument with a default is not required, and an empty `required` list is
//!   omitted.

use crate::expected::{Relation, table_path_item};
use crate::{
    DocCase, Field, PUBLIC_SERIAL, absent, field, path_ptr, public_cluster, run_doc_cases,
};
use serde_json::{Value, json};

const PK: &str = "Note:\nThis is a Primary Key.<pk/>";

const EXPENSES: Relation = Relation {
    name: "expenses",
    summary: None,
    description: None,
    writable: true,
    columns: &[("id", None), ("amount", None)],
};
const EXPENSES_COMMENTED: Relation = Relation {
    name: "expenses",
    summary: Some("Money out"),
    description: None,
    writable: true,
    columns: &[("id", None), ("amount", None), ("note", Some("Free text"))],
};
const OUTGOINGS: Relation = Relation {
    name: "outgoings",
    ..EXPENSES_COMMENTED
};

fn commented_definition() -> Value {
    json!({
        "description": "Money out",
        "type": "object",
        "properties": {
            "id": {"description": PK, "format": "integer", "type": "integer"},
            "amount": {"format": "numeric", "type": "number"},
            "note": {"default": "none", "description": "Free text", "format": "text", "type": "string"}
        },
        "required": ["id", "amount"]
    })
}

/// One change made in psql, and what the next document must show.
struct Step {
    name: &'static str,
    sql: &'static str,
    fields: Vec<Field>,
}

#[test]
fn schema_changes_show_in_the_next_document() {
    let _turn = PUBLIC_SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let c = public_cluster();
    let steps = vec![
        Step {
            name: "before any change",
            sql: "",
            fields: vec![
                absent("no /expenses", path_ptr("/expenses")),
                absent("no definition of expenses", "/definitions/expenses"),
            ],
        },
        Step {
            name: "CREATE TABLE, not granted: follow-privileges leaves it out",
            sql: "CREATE TABLE public.expenses (id int PRIMARY KEY, amount numeric NOT NULL)",
            fields: vec![
                absent("no /expenses", path_ptr("/expenses")),
                absent("no definition of expenses", "/definitions/expenses"),
            ],
        },
        Step {
            name: "GRANT SELECT to anon: listed, with its path item, definition and parameters",
            sql: "GRANT SELECT ON public.expenses TO anon",
            fields: vec![
                field(
                    "paths./expenses",
                    path_ptr("/expenses"),
                    table_path_item(&EXPENSES),
                ),
                field(
                    "definitions.expenses",
                    "/definitions/expenses",
                    json!({
                        "type": "object",
                        "properties": {
                            "id": {"description": PK, "format": "integer", "type": "integer"},
                            "amount": {"format": "numeric", "type": "number"}
                        },
                        "required": ["id", "amount"]
                    }),
                ),
                field(
                    "parameters.rowFilter.expenses.amount",
                    "/parameters/rowFilter.expenses.amount",
                    json!({"name": "amount", "required": false, "in": "query", "type": "string"}),
                ),
            ],
        },
        Step {
            name: "COMMENT ON TABLE, ADD COLUMN with a default, COMMENT ON COLUMN",
            sql: "COMMENT ON TABLE public.expenses IS 'Money out';
                  ALTER TABLE public.expenses ADD COLUMN note text DEFAULT 'none';
                  COMMENT ON COLUMN public.expenses.note IS 'Free text'",
            fields: vec![
                field(
                    "definitions.expenses: the comment, the new column with its default and comment",
                    "/definitions/expenses",
                    commented_definition(),
                ),
                field(
                    "paths./expenses: summary from the comment, a row filter for the new column",
                    path_ptr("/expenses"),
                    table_path_item(&EXPENSES_COMMENTED),
                ),
                field(
                    "parameters.rowFilter.expenses.note: described by the column comment",
                    "/parameters/rowFilter.expenses.note",
                    json!({
                        "name": "note",
                        "description": "Free text",
                        "required": false,
                        "in": "query",
                        "type": "string"
                    }),
                ),
            ],
        },
        Step {
            name: "CREATE FUNCTION (STABLE, one defaulted argument)",
            sql: "CREATE FUNCTION public.expense_total(since date DEFAULT NULL) RETURNS numeric
                  LANGUAGE sql STABLE AS $$ SELECT sum(amount) FROM public.expenses $$",
            fields: vec![field(
                "paths./rpc/expense_total: GET and POST; the defaulted argument is not required, so the body has no required list",
                path_ptr("/rpc/expense_total"),
                json!({
                    "get": {
                        "tags": ["(rpc) expense_total"],
                        "produces": [
                            "application/json",
                            "application/vnd.pgrst.object+json;nulls=stripped",
                            "application/vnd.pgrst.object+json"
                        ],
                        "parameters": [
                            {"format": "date", "in": "query", "name": "since", "required": false, "type": "string"}
                        ],
                        "responses": {"200": {"description": "OK"}}
                    },
                    "post": {
                        "tags": ["(rpc) expense_total"],
                        "produces": [
                            "application/json",
                            "application/vnd.pgrst.object+json;nulls=stripped",
                            "application/vnd.pgrst.object+json"
                        ],
                        "parameters": [
                            {
                                "in": "body",
                                "name": "args",
                                "required": true,
                                "schema": {
                                    "properties": {"since": {"format": "date", "type": "string"}},
                                    "type": "object"
                                }
                            },
                            {"$ref": "#/parameters/preferParams"}
                        ],
                        "responses": {"200": {"description": "OK"}}
                    }
                }),
            )],
        },
        Step {
            name: "ALTER TABLE RENAME: the old name goes, the new one comes",
            sql: "ALTER TABLE public.expenses RENAME TO outgoings",
            fields: vec![
                absent("no /expenses", path_ptr("/expenses")),
                absent("no definition of expenses", "/definitions/expenses"),
                absent(
                    "no rowFilter.expenses.id",
                    "/parameters/rowFilter.expenses.id",
                ),
                field(
                    "paths./outgoings",
                    path_ptr("/outgoings"),
                    table_path_item(&OUTGOINGS),
                ),
                field(
                    "definitions.outgoings",
                    "/definitions/outgoings",
                    commented_definition(),
                ),
            ],
        },
        Step {
            name: "REVOKE: privileges are read per request",
            sql: "REVOKE SELECT ON public.outgoings FROM anon;
                  REVOKE EXECUTE ON FUNCTION public.expense_total(date) FROM PUBLIC",
            fields: vec![
                absent("no /outgoings", path_ptr("/outgoings")),
                absent("no definition of outgoings", "/definitions/outgoings"),
                absent("no /rpc/expense_total", path_ptr("/rpc/expense_total")),
            ],
        },
        Step {
            name: "COMMENT ON SCHEMA public: the title and description follow",
            sql: "COMMENT ON SCHEMA public IS E'Budget Bee\\n\\nPersonal finance'",
            fields: vec![field(
                "info",
                "/info",
                json!({"title": "Budget Bee", "description": "Personal finance", "version": "0.2.0"}),
            )],
        },
        Step {
            name: "DROP, and public's comment restored",
            sql: "DROP FUNCTION public.expense_total(date);
                  DROP TABLE public.outgoings;
                  COMMENT ON SCHEMA public IS 'standard public schema'",
            fields: vec![
                absent("no /outgoings", path_ptr("/outgoings")),
                absent("no /rpc/expense_total", path_ptr("/rpc/expense_total")),
                field(
                    "info",
                    "/info",
                    json!({"title": "standard public schema", "description": "", "version": "0.2.0"}),
                ),
            ],
        },
    ];
    for step in steps {
        if !step.sql.is_empty() {
            c.psql(step.sql);
        }
        run_doc_cases(c, &[DocCase::get(step.name).fields(step.fields)]);
    }
}
