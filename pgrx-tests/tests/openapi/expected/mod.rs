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

mod definitions;
mod paths;
mod relations;

pub use definitions::*;
pub use paths::*;
pub use relations::*;

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
