//! The JSON PostgREST v13 makes of `FIXTURE`, object by object, with the rule behind each value.
//!
//! PostgREST facts:
//! - OpenAPI.hs `makeTableDef`: `{description: table comment (whole), type: object, properties,
//!   required: NOT NULL columns in column order}`; an empty `required` is omitted (swagger2 drops
//!   fields at their default).
//! - OpenAPI.hs `makeProperty`: `format` = the column's `data_type` from `tablesSqlQuery`
//!   (`format_type(atttypid, NULL)` for pg_catalog types, so `numeric(10,2)` is `numeric`;
//!   `format_type(atttypid, atttypmod)` under an empty search_path otherwise, so
//!   `api.txn_status`); `type` from `toSwaggerType` (none for json/jsonb, `array` + `items` for
//!   `…[]`, `string` for anything unknown); `maxLength` = `character_maximum_length`; `enum` =
//!   the labels in sort order; `default` = `parseDefault` of `pg_get_expr`, kept only if it then
//!   parses as JSON; description = column comment, then, after a blank line, `Note:` with
//!   `This is a Primary Key.<pk/>` and/or `This is a Foreign Key to `t.c`.<fk table='t'
//!   column='c'/>` (single-column M2O or child-side O2O relationships only, tables before views).
//! - OpenAPI.hs `parseDefault`: for a string-typed column, strip a trailing `::<data_type>`,
//!   then the surrounding `'`, then wrap in `"`; other types are parsed as they are.
//! - OpenAPI.hs `makePathItem`: first line of the comment → `summary`, the rest without leading
//!   newlines → `description` (omitted when empty); GET always, POST/PATCH/DELETE when
//!   `insertable || updatable || deletable` (`pg_relation_is_updatable` for views; privileges play
//!   no part).
//! - OpenAPI.hs `makeProcPathItem`, `makeProcGetParam`, `makeProcSchema`, `makeParamDefs`,
//!   `makeObjectBody`, `makeRowFilter`, `makeRootPathItem`.
//! - SchemaCache.hs `funcsSqlQuery`: arguments are the input ones (`type IS NOT NULL`), named
//!   `''` when unnamed, required when `idx <= pronargs - pronargdefaults`, typed
//!   `type::regtype::text` (typmods dropped: `char(2)[]` is `character[]`); only `prokind = 'f'`,
//!   not returning `trigger`, and callable (at most one unnamed argument, of type bytea, json,
//!   jsonb, text or xml).

use crate::{Field, escape, field, keys, path_ptr};
use serde_json::{Value, json};

/// The top-level `produces` and `consumes` (`postgrestSpec`: JSON, singular JSON with and
/// without `nulls=stripped`, CSV).
pub fn media_types() -> Value {
    json!([
        "application/json",
        "application/vnd.pgrst.object+json;nulls=stripped",
        "application/vnd.pgrst.object+json",
        "text/csv"
    ])
}

/// What an RPC operation produces (`makeProcPathItem`).
fn rpc_produces() -> Value {
    json!([
        "application/json",
        "application/vnd.pgrst.object+json;nulls=stripped",
        "application/vnd.pgrst.object+json"
    ])
}

/// `externalDocs` (budgetbee serves PostgREST v13's API, so v13's docs).
pub fn external_docs() -> Value {
    json!({
        "description": "PostgREST Documentation",
        "url": "https://postgrest.org/en/v13/references/api.html"
    })
}

/// `makeRootPathItem`.
pub fn root_path_item() -> Value {
    json!({
        "get": {
            "tags": ["Introspection"],
            "summary": "OpenAPI description (this document)",
            "produces": ["application/openapi+json", "application/json"],
            "responses": {"200": {"description": "OK"}}
        }
    })
}

/// The top-level keys of every document without `openapi-security-active`.
pub const TOP_LEVEL: &[&str] = &[
    "swagger",
    "info",
    "externalDocs",
    "host",
    "basePath",
    "schemes",
    "consumes",
    "produces",
    "paths",
    "definitions",
    "parameters",
];

/// `makeParamDefs`: the parameters every document defines, whatever its tables.
pub fn global_parameters() -> Vec<(&'static str, Value)> {
    let prefer = |values: Value| {
        let mut p = json!({
            "name": "Prefer",
            "description": "Preference",
            "required": false,
            "in": "header",
            "type": "string"
        });
        if values.as_array().is_some_and(|v| !v.is_empty()) {
            p["enum"] = values;
        }
        p
    };
    let query = |name: &str, description: &str| {
        json!({
            "name": name,
            "description": description,
            "required": false,
            "in": "query",
            "type": "string"
        })
    };
    vec![
        // "params" maps to no value any more (params=single-object is gone): the enum is empty,
        // and a real v13 document shows no `enum` key at all for it (a `GET /` captured from
        // postgrest v13: `"preferParams":{"name":"Prefer","description":"Preference",
        // "required":false,"in":"header","type":"string"}`).
        ("preferParams", prefer(json!([]))),
        (
            "preferReturn",
            prefer(json!([
                "return=representation",
                "return=minimal",
                "return=none"
            ])),
        ),
        ("preferCount", prefer(json!(["count=none"]))),
        (
            "preferPost",
            prefer(json!([
                "return=representation",
                "return=minimal",
                "return=none",
                "resolution=ignore-duplicates",
                "resolution=merge-duplicates"
            ])),
        ),
        ("select", query("select", "Filtering Columns")),
        ("on_conflict", query("on_conflict", "On Conflict")),
        ("order", query("order", "Ordering")),
        (
            "range",
            json!({
                "name": "Range",
                "description": "Limiting and Pagination",
                "required": false,
                "in": "header",
                "type": "string"
            }),
        ),
        (
            "rangeUnit",
            json!({
                "name": "Range-Unit",
                "description": "Limiting and Pagination",
                "required": false,
                "in": "header",
                "type": "string",
                "default": "items"
            }),
        ),
        ("offset", query("offset", "Limiting and Pagination")),
        ("limit", query("limit", "Limiting and Pagination")),
    ]
}

/// What a global parameter's case says besides its name.
pub fn global_parameter_rule(name: &str) -> &'static str {
    match name {
        "preferParams" => {
            "ASSUMPTION: no enum key — makeParamDefs gives it an empty enum, which a GET / captured from PostgREST v13 does not show"
        }
        _ => "as makeParamDefs defines it",
    }
}

/// A relation of the fixture as PostgREST's path item and parameters see it.
pub struct Relation {
    pub name: &'static str,
    /// First line of the table comment.
    pub summary: Option<&'static str>,
    /// The rest of the comment, leading newlines dropped; `None` when empty.
    pub description: Option<&'static str>,
    /// `insertable || updatable || deletable`.
    pub writable: bool,
    /// Columns in order, with their comments (the `rowFilter` descriptions).
    pub columns: &'static [(&'static str, Option<&'static str>)],
}

pub const RELATIONS: &[Relation] = &[
    Relation {
        name: "audit_log",
        summary: None,
        description: None,
        writable: true,
        columns: &[("id", None), ("happened_at", None), ("actor_id", None)],
    },
    Relation {
        name: "budget_lines",
        summary: None,
        description: None,
        writable: true,
        columns: &[("category_id", None), ("month", None), ("amount", None)],
    },
    Relation {
        name: "categories",
        summary: Some("Spending categories"),
        description: None,
        writable: true,
        columns: &[
            ("id", None),
            ("name", Some("Shown in the sidebar")),
            ("color", None),
            ("icon", None),
            ("position", None),
        ],
    },
    // A grouped view: not updatable.
    Relation {
        name: "category_totals",
        summary: None,
        description: None,
        writable: false,
        columns: &[("category_id", None), ("total", None)],
    },
    // A partitioned table (relkind p): writable; its partition ledger_2024 is never listed.
    Relation {
        name: "ledger",
        summary: Some("Partitioned ledger"),
        description: None,
        writable: true,
        columns: &[
            ("id", None),
            ("booked_on", None),
            ("amount", None),
            ("memo", None),
            ("state", None),
        ],
    },
    Relation {
        name: "line_adjustments",
        summary: None,
        description: None,
        writable: true,
        columns: &[
            ("id", None),
            ("category_id", None),
            ("month", None),
            ("delta", None),
            ("delta_cents", None),
        ],
    },
    // No columns: its path item has no row filters.
    Relation {
        name: "markers",
        summary: None,
        description: None,
        writable: true,
        columns: &[],
    },
    // A materialized view (relkind m): read only.
    Relation {
        name: "monthly_totals",
        summary: None,
        description: None,
        writable: false,
        columns: &[("month", None), ("total", None)],
    },
    Relation {
        name: "notes",
        summary: None,
        description: None,
        writable: true,
        columns: &[
            ("id", None),
            ("transaction_id", None),
            ("body", None),
            ("internal_flag", None),
        ],
    },
    // Comment E'\nScanned receipts': the first line is empty, so the summary is "".
    Relation {
        name: "receipts",
        summary: Some(""),
        description: Some("Scanned receipts"),
        writable: true,
        columns: &[("transaction_id", None), ("scanned", None)],
    },
    // An auto-updatable view: insertable, updatable and deletable.
    Relation {
        name: "spending",
        summary: Some("Money spent"),
        description: None,
        writable: true,
        columns: &[
            ("id", None),
            ("amount", Some("Always negative")),
            ("name", None),
            ("category_id", None),
        ],
    },
    // Comment E'Transactions\n\n\nEvery money movement of a user.\nAmounts are signed.'.
    Relation {
        name: "transactions",
        summary: Some("Transactions"),
        description: Some("Every money movement of a user.\nAmounts are signed."),
        writable: true,
        columns: &[
            ("id", Some("Transaction id")),
            ("amount", Some("Signed amount\nnegative means spent")),
            ("name", None),
            ("status", None),
            ("category_id", Some("Where it is filed")),
            ("tags", None),
            ("metadata", None),
            ("raw", None),
            ("note", None),
            ("created_at", None),
            ("booked_on", None),
            ("is_recurring", None),
            ("fx_rate", None),
            ("installments", None),
            ("amounts", None),
        ],
    },
];

/// `v2`'s relations (MORE_SCHEMAS).
pub const V2_RELATIONS: &[Relation] = &[
    Relation {
        name: "children",
        summary: None,
        description: None,
        writable: true,
        columns: &[("id", None), ("name", None)],
    },
    Relation {
        name: "hidden",
        summary: None,
        description: None,
        writable: true,
        columns: &[("id", None)],
    },
];

/// What `anon` may see (SELECT on the table, or on some of its columns).
pub const ANON_TABLES: &[&str] = &[
    "categories",
    "category_totals",
    "ledger",
    "monthly_totals",
    "notes",
];
/// What `authenticated` may see: every relation but `audit_log` and `markers`.
pub const AUTHENTICATED_TABLES: &[&str] = &[
    "budget_lines",
    "categories",
    "category_totals",
    "ledger",
    "line_adjustments",
    "monthly_totals",
    "notes",
    "receipts",
    "spending",
    "transactions",
];
/// Every relation of `api` (ignore-privileges).
pub const ALL_TABLES: &[&str] = &[
    "audit_log",
    "budget_lines",
    "categories",
    "category_totals",
    "ledger",
    "line_adjustments",
    "markers",
    "monthly_totals",
    "notes",
    "receipts",
    "spending",
    "transactions",
];
/// Functions EXECUTE-able by PUBLIC (so by `anon`); never `add_pair`, `touch`, `rebuild`.
pub const ANON_FUNCTIONS: &[&str] = &[
    "add_transaction",
    "echo",
    "flags",
    "search_transactions",
    "split_amount",
    "sum_amounts",
    "total_spent",
];
/// Plus `admin_report`, granted to `authenticated`.
pub const ALL_FUNCTIONS: &[&str] = &[
    "add_transaction",
    "admin_report",
    "echo",
    "flags",
    "search_transactions",
    "split_amount",
    "sum_amounts",
    "total_spent",
];

pub fn relation(name: &str) -> &'static Relation {
    RELATIONS
        .iter()
        .chain(V2_RELATIONS)
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no relation {name}"))
}

const PK: &str = "Note:\nThis is a Primary Key.<pk/>";

fn fk(table: &str, column: &str) -> String {
    format!(
        "Note:\nThis is a Foreign Key to `{table}.{column}`.<fk table='{table}' column='{column}'/>"
    )
}

/// `makeTableDef` of each relation.
pub fn definition(name: &str) -> Value {
    match name {
        // Catalog: id int PK | name varchar(255) NOT NULL, comment | color char(7) DEFAULT
        // '#ffcc00' (pg_get_expr: '#ffcc00'::bpchar) | icon text DEFAULT 'a "star"' | position int
        // DEFAULT -1 (pg_get_expr: '-1'::integer).
        "categories" => json!({
            "description": "Spending categories",
            "type": "object",
            "properties": {
                "id": {"description": PK, "format": "integer", "type": "integer"},
                "name": {
                    "description": "Shown in the sidebar",
                    "format": "character varying",
                    "maxLength": 255,
                    "type": "string"
                },
                // data_type is `character` but the default ends in `::bpchar`: nothing is
                // stripped, the whole expression is quoted.
                "color": {
                    "default": "'#ffcc00'::bpchar",
                    "format": "character",
                    "maxLength": 7,
                    "type": "string"
                },
                // "a "star"" once quoted is not JSON: no default.
                "icon": {"format": "text", "type": "string"},
                // '-1'::integer is not JSON: no default.
                "position": {"format": "integer", "type": "integer"}
            },
            "required": ["id", "name"]
        }),
        "transactions" => json!({
            "description": "Transactions\n\n\nEvery money movement of a user.\nAmounts are signed.",
            "type": "object",
            "properties": {
                // Identity: default nextval('api.transactions_id_seq'), not JSON.
                "id": {
                    "description": format!("Transaction id\n\n{PK}"),
                    "format": "bigint",
                    "type": "integer"
                },
                "amount": {
                    "default": 0,
                    "description": "Signed amount\nnegative means spent",
                    "format": "numeric",
                    "type": "number"
                },
                "name": {"format": "text", "type": "string"},
                "status": {
                    "default": "pending",
                    "enum": ["paid", "pending", "overdue"],
                    "format": "api.txn_status",
                    "type": "string"
                },
                "category_id": {
                    "description": format!("Where it is filed\n\n{}", fk("categories", "id")),
                    "format": "integer",
                    "type": "integer"
                },
                // '{}'::text[] is not JSON: no default.
                "tags": {"format": "text[]", "items": {"type": "string"}, "type": "array"},
                "metadata": {"format": "jsonb"},
                "raw": {"format": "json"},
                "note": {
                    "default": "n/a",
                    "format": "character varying",
                    "maxLength": 40,
                    "type": "string"
                },
                "created_at": {
                    "default": "now()",
                    "format": "timestamp with time zone",
                    "type": "string"
                },
                "booked_on": {"default": "2024-01-31", "format": "date", "type": "string"},
                "is_recurring": {"default": false, "format": "boolean", "type": "boolean"},
                "fx_rate": {"default": 1.5, "format": "double precision", "type": "number"},
                "installments": {"default": 1, "format": "smallint", "type": "integer"},
                "amounts": {"format": "numeric[]", "items": {"type": "number"}, "type": "array"}
            },
            "required": ["id", "amount", "status", "tags", "created_at", "is_recurring"]
        }),
        // transaction_id references transactions(id); the view `spending` exposes that key too,
        // but tables come before views.
        "notes" => json!({
            "type": "object",
            "properties": {
                "id": {"description": PK, "format": "integer", "type": "integer"},
                "transaction_id": {
                    "description": fk("transactions", "id"),
                    "format": "bigint",
                    "type": "integer"
                },
                "body": {"format": "text", "type": "string"},
                "internal_flag": {"format": "boolean", "type": "boolean"}
            },
            "required": ["id", "transaction_id", "body"]
        }),
        // The PK is also the FK (a one-to-one, child side): both notes, one line each.
        "receipts" => json!({
            "description": "\nScanned receipts",
            "type": "object",
            "properties": {
                "transaction_id": {
                    "description": "Note:\nThis is a Primary Key.<pk/>\nThis is a Foreign Key to `transactions.id`.<fk table='transactions' column='id'/>",
                    "format": "bigint",
                    "type": "integer"
                },
                "scanned": {"format": "bytea", "type": "string"}
            },
            "required": ["transaction_id"]
        }),
        // A composite PK: both columns are "a Primary Key"; category_id is also a FK.
        "budget_lines" => json!({
            "type": "object",
            "properties": {
                "category_id": {
                    "description": "Note:\nThis is a Primary Key.<pk/>\nThis is a Foreign Key to `categories.id`.<fk table='categories' column='id'/>",
                    "format": "integer",
                    "type": "integer"
                },
                "month": {"description": PK, "format": "date", "type": "string"},
                "amount": {"format": "numeric", "type": "number"}
            },
            "required": ["category_id", "month", "amount"]
        }),
        // A two-column FK: no FK note on either column. A generated column has no default.
        "line_adjustments" => json!({
            "type": "object",
            "properties": {
                "id": {"description": PK, "format": "integer", "type": "integer"},
                "category_id": {"format": "integer", "type": "integer"},
                "month": {"format": "date", "type": "string"},
                "delta": {"format": "numeric", "type": "number"},
                "delta_cents": {"format": "bigint", "type": "integer"}
            },
            "required": ["id", "category_id", "month"]
        }),
        // '2024-01-01 00:00:00'::timestamp without time zone: the suffix is the data type.
        // actor_id references a table of an unexposed schema: no FK note.
        "audit_log" => json!({
            "type": "object",
            "properties": {
                "id": {"description": PK, "format": "integer", "type": "integer"},
                "happened_at": {
                    "default": "2024-01-01 00:00:00",
                    "format": "timestamp without time zone",
                    "type": "string"
                },
                "actor_id": {"format": "integer", "type": "integer"}
            },
            "required": ["id"]
        }),
        // No columns: no properties, no required.
        "markers" => json!({"type": "object"}),
        // Domains: over a pg_catalog type the format is the base type's, maxLength comes through
        // (short_text over varchar(20)), a NOT NULL domain makes the column required and its
        // default is the domain's (pg_get_expr of typdefaultbin: 0); over the enum, the format
        // is the domain's name, the labels the enum's, and the domain's default
        // 'paid'::api.txn_status does not end in ::api.txn_state: quoted whole.
        "ledger" => json!({
            "description": "Partitioned ledger",
            "type": "object",
            "properties": {
                "id": {"description": PK, "format": "integer", "type": "integer"},
                "booked_on": {"description": PK, "format": "date", "type": "string"},
                "amount": {"default": 0, "format": "numeric", "type": "number"},
                // The column's own DEFAULT 'x' is not shown: tablesSqlQuery's columnDefault
                // takes a domain-typed column's default from the domain (typdefaultbin, here
                // none), never from pg_attrdef (checked with that CASE on PostgreSQL 17).
                "memo": {
                    "format": "character varying",
                    "maxLength": 20,
                    "type": "string"
                },
                "state": {
                    "default": "'paid'::api.txn_status",
                    "enum": ["paid", "pending", "overdue"],
                    "format": "api.txn_state",
                    "type": "string"
                }
            },
            "required": ["id", "booked_on", "amount"]
        }),
        // A view: its columns are nullable (no `required`); the PK and the FK of
        // `transactions` carry over through the view's key dependencies.
        "spending" => json!({
            "description": "Money spent",
            "type": "object",
            "properties": {
                "id": {"description": PK, "format": "bigint", "type": "integer"},
                "amount": {"description": "Always negative", "format": "numeric", "type": "number"},
                "name": {"format": "text", "type": "string"},
                "category_id": {
                    "description": fk("categories", "id"),
                    "format": "integer",
                    "type": "integer"
                }
            }
        }),
        // A grouped view keeps the FK of its grouped column; sum(...) has no origin.
        "category_totals" => json!({
            "type": "object",
            "properties": {
                "category_id": {
                    "description": fk("categories", "id"),
                    "format": "integer",
                    "type": "integer"
                },
                "total": {"format": "numeric", "type": "number"}
            }
        }),
        "monthly_totals" => json!({
            "type": "object",
            "properties": {
                "month": {"format": "timestamp with time zone", "type": "string"},
                "total": {"format": "numeric", "type": "number"}
            }
        }),
        "children" => json!({
            "type": "object",
            "properties": {
                "id": {"description": PK, "format": "integer", "type": "integer"},
                "name": {"format": "text", "type": "string"}
            },
            "required": ["id"]
        }),
        "hidden" => json!({
            "type": "object",
            "properties": {"id": {"format": "integer", "type": "integer"}}
        }),
        other => panic!("no definition for {other}"),
    }
}

fn reference(kind: &str, name: &str) -> Value {
    json!({ "$ref": format!("#/{kind}/{name}") })
}

/// `makePathItem` of a relation.
pub fn table_path_item(r: &Relation) -> Value {
    let tn = r.name;
    let mut op = json!({ "tags": [tn] });
    if let Some(s) = r.summary {
        op["summary"] = json!(s);
    }
    if let Some(d) = r.description {
        op["description"] = json!(d);
    }
    let row_filters: Vec<Value> = r
        .columns
        .iter()
        .map(|(c, _)| reference("parameters", &format!("rowFilter.{tn}.{c}")))
        .collect();
    let with = |mut base: Value, params: Vec<Value>, responses: Value| {
        base["parameters"] = Value::Array(params);
        base["responses"] = responses;
        base
    };
    let refs = |names: &[&str]| -> Vec<Value> {
        names.iter().map(|n| reference("parameters", n)).collect()
    };
    let body = format!("body.{tn}");
    let get = with(
        op.clone(),
        [
            row_filters.clone(),
            refs(&[
                "select",
                "order",
                "range",
                "rangeUnit",
                "offset",
                "limit",
                "preferCount",
            ]),
        ]
        .concat(),
        json!({
            "200": {
                "description": "OK",
                "schema": {"items": reference("definitions", tn), "type": "array"}
            },
            "206": {"description": "Partial Content"}
        }),
    );
    let mut item = json!({ "get": get });
    if r.writable {
        item["post"] = with(
            op.clone(),
            refs(&[&body, "select", "preferPost"]),
            json!({"201": {"description": "Created"}}),
        );
        item["patch"] = with(
            op.clone(),
            [row_filters.clone(), refs(&[&body, "preferReturn"])].concat(),
            json!({"204": {"description": "No Content"}}),
        );
        item["delete"] = with(
            op,
            [row_filters, refs(&["preferReturn"])].concat(),
            json!({"204": {"description": "No Content"}}),
        );
    }
    item
}

/// `makeObjectBody` and `makeRowFilters` of a relation.
pub fn table_parameters(r: &Relation) -> Vec<(String, Value)> {
    let tn = r.name;
    let mut out = vec![(
        format!("body.{tn}"),
        json!({
            "name": tn,
            "description": tn,
            "required": false,
            "in": "body",
            "schema": reference("definitions", tn)
        }),
    )];
    for (c, comment) in r.columns {
        let mut p = json!({"name": c, "required": false, "in": "query", "type": "string"});
        if let Some(d) = comment {
            p["description"] = json!(d);
        }
        out.push((format!("rowFilter.{tn}.{c}"), p));
    }
    out
}

/// The operation fields every RPC operation shares.
fn rpc_op(name: &str, summary: Option<&str>, description: Option<&str>) -> Value {
    let mut op = json!({
        "tags": [format!("(rpc) {name}")],
        "produces": rpc_produces(),
        "responses": {"200": {"description": "OK"}}
    });
    if let Some(s) = summary {
        op["summary"] = json!(s);
    }
    if let Some(d) = description {
        op["description"] = json!(d);
    }
    op
}

/// POST parameters: the `args` body (`makeProcSchema`) and `preferParams`.
fn rpc_post(op: &Value, args_schema: Value) -> Value {
    let mut post = op.clone();
    post["parameters"] = json!([
        {"in": "body", "name": "args", "required": true, "schema": args_schema},
        {"$ref": "#/parameters/preferParams"}
    ]);
    post
}

fn rpc_get(op: &Value, params: Value) -> Value {
    let mut get = op.clone();
    if params.as_array().is_some_and(|a| !a.is_empty()) {
        get["parameters"] = params;
    }
    get
}

/// `makeProcPathItem` of each function. `status_format` is how `txn_status` reads: unqualified
/// from `accessibleFuncs` (follow-privileges: the request's search_path holds `api`),
/// `api.txn_status` from the schema cache (ignore-privileges: empty search_path).
pub fn rpc_path_item(name: &str, status_format: &str) -> Value {
    match name {
        // STABLE: GET and POST. A two-part comment: summary and description; the body schema's
        // description is the whole comment.
        "search_transactions" => {
            let op = rpc_op(
                name,
                Some("Search transactions"),
                Some("Matches names case-insensitively.\nNewest first."),
            );
            json!({
                "get": rpc_get(&op, json!([
                    {"format": "text", "in": "query", "name": "query", "required": true, "type": "string"},
                    {"format": status_format, "in": "query", "name": "status", "required": false, "type": "string"},
                    {"format": "numeric", "in": "query", "name": "min_amount", "required": false, "type": "number"},
                    // An array is a string in a query parameter.
                    {"format": "character varying[]", "in": "query", "name": "labels", "required": false, "type": "string"}
                ])),
                "post": rpc_post(&op, json!({
                    "description": "Search transactions\n\nMatches names case-insensitively.\nNewest first.",
                    "properties": {
                        "query": {"format": "text", "type": "string"},
                        "status": {"format": status_format, "type": "string"},
                        "min_amount": {"format": "numeric", "type": "number"},
                        "labels": {"format": "character varying[]", "items": {"type": "string"}, "type": "array"}
                    },
                    "required": ["query"],
                    "type": "object"
                }))
            })
        }
        // VOLATILE: POST only.
        "add_transaction" => {
            let op = rpc_op(name, Some("Record a transaction"), None);
            json!({
                "post": rpc_post(&op, json!({
                    "description": "Record a transaction",
                    "properties": {
                        "amount": {"format": "numeric", "type": "number"},
                        "name": {"format": "text", "type": "string"},
                        "category_id": {"format": "integer", "type": "integer"}
                    },
                    "required": ["amount", "name"],
                    "type": "object"
                }))
            })
        }
        // VARIADIC: GET repeats the parameter (`collectionFormat: multi`).
        "sum_amounts" => {
            let op = rpc_op(name, None, None);
            json!({
                "get": rpc_get(&op, json!([{
                    "collectionFormat": "multi",
                    "in": "query",
                    "items": {"format": "numeric", "type": "number"},
                    "name": "amounts",
                    "required": true,
                    "type": "array"
                }])),
                "post": rpc_post(&op, json!({
                    "properties": {
                        "amounts": {"format": "numeric[]", "items": {"type": "number"}, "type": "array"}
                    },
                    "required": ["amounts"],
                    "type": "object"
                }))
            })
        }
        // No arguments: GET has no `parameters`, the body schema is a bare object.
        "total_spent" | "admin_report" => {
            let op = rpc_op(name, None, None);
            json!({
                "get": rpc_get(&op, json!([])),
                "post": rpc_post(&op, json!({"type": "object"}))
            })
        }
        // One unnamed jsonb argument: its name is "".
        "echo" => {
            let op = rpc_op(name, None, None);
            json!({
                "get": rpc_get(&op, json!([
                    {"format": "jsonb", "in": "query", "name": "", "required": true, "type": "string"}
                ])),
                "post": rpc_post(&op, json!({
                    "properties": {"": {"format": "jsonb"}},
                    "required": [""],
                    "type": "object"
                }))
            })
        }
        // OUT parameters are not arguments.
        "split_amount" => {
            let op = rpc_op(name, None, None);
            json!({
                "get": rpc_get(&op, json!([
                    {"format": "numeric", "in": "query", "name": "amount", "required": true, "type": "number"}
                ])),
                "post": rpc_post(&op, json!({
                    "properties": {"amount": {"format": "numeric", "type": "number"}},
                    "required": ["amount"],
                    "type": "object"
                }))
            })
        }
        // int[] and char(2)[] (regtype drops the typmod: character[]) are strings in a query,
        // arrays in the body.
        "flags" => {
            let op = rpc_op(name, None, None);
            json!({
                "get": rpc_get(&op, json!([
                    {"format": "integer[]", "in": "query", "name": "ids", "required": true, "type": "string"},
                    {"format": "character[]", "in": "query", "name": "codes", "required": true, "type": "string"},
                    {"format": "date", "in": "query", "name": "at", "required": true, "type": "string"}
                ])),
                "post": rpc_post(&op, json!({
                    "properties": {
                        "ids": {"format": "integer[]", "items": {"type": "integer"}, "type": "array"},
                        "codes": {"format": "character[]", "items": {"type": "string"}, "type": "array"},
                        "at": {"format": "date", "type": "string"}
                    },
                    "required": ["ids", "codes", "at"],
                    "type": "object"
                }))
            })
        }
        "get_children" => {
            let op = rpc_op(name, None, None);
            json!({
                "get": rpc_get(&op, json!([])),
                "post": rpc_post(&op, json!({"type": "object"}))
            })
        }
        other => panic!("no function {other}"),
    }
}

/// Every path, definition and parameter of a document listing exactly these relations and
/// functions: the key sets, then each value. `schema` names what is described, for the case
/// names.
pub fn whole_document(
    who: &str,
    tables: &[&str],
    functions: &[&str],
    status_format: &str,
) -> Vec<Field> {
    let mut fields = Vec::new();

    let mut paths: Vec<String> = vec!["/".into()];
    paths.extend(tables.iter().map(|t| format!("/{t}")));
    paths.extend(functions.iter().map(|f| format!("/rpc/{f}")));
    fields.push(keys(
        format!("{who}: a path per visible relation and function, and the root"),
        "/paths",
        &paths,
    ));
    fields.push(field(
        format!("{who}: the root path item"),
        path_ptr("/"),
        root_path_item(),
    ));
    for t in tables {
        fields.push(field(
            format!("{who}: path item of /{t}"),
            path_ptr(&format!("/{t}")),
            table_path_item(relation(t)),
        ));
    }
    for f in functions {
        fields.push(field(
            format!("{who}: path item of /rpc/{f}"),
            path_ptr(&format!("/rpc/{f}")),
            rpc_path_item(f, status_format),
        ));
    }

    if tables.is_empty() {
        fields.push(crate::absent(
            format!("{who}: no relation, so no definitions (an empty map is omitted)"),
            "/definitions",
        ));
    } else {
        fields.push(keys(
            format!("{who}: a definition per visible relation"),
            "/definitions",
            tables,
        ));
    }
    for t in tables {
        fields.push(field(
            format!("{who}: definition of {t}"),
            format!("/definitions/{}", escape(t)),
            definition(t),
        ));
    }

    let mut params: Vec<(String, Value)> = global_parameters()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    for t in tables {
        params.extend(table_parameters(relation(t)));
    }
    let names: Vec<&str> = params.iter().map(|(k, _)| k.as_str()).collect();
    fields.push(keys(
        format!(
            "{who}: the global parameters, and body.<t> and rowFilter.<t>.<c> per visible relation"
        ),
        "/parameters",
        &names,
    ));
    for (k, v) in &params {
        fields.push(field(
            format!("{who}: parameter {k} ({})", global_parameter_rule(k)),
            format!("/parameters/{}", escape(k)),
            v.clone(),
        ));
    }
    fields
}
