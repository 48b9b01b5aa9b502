//! `makeTableDef` of each relation (`definitions`).

use super::*;

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

