//! `makePathItem` of the relations and `makeProcPathItem` of the functions (`paths`), with the
//! relations' row filters.

use super::*;

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

