//! The Swagger 2.0 paths: a table's operations, and a function's under `/rpc/`.

use super::values::{
    element_type, items, list, map, object, reference, summary_and_description, swagger_type,
};
use crate::plan::TableDoc;
use crate::schema::{Routine, RoutineParam, Volatility};
use serde_json::{Map, Value, json};

pub(super) fn response(description: &str) -> Value {
    json!({ "description": description })
}

pub(super) fn table_path(t: &TableDoc) -> Value {
    let rel = &t.relation;
    let name = rel.name.as_str();
    let (summary, description) = summary_and_description(rel.description.as_deref());
    let op = |parameters: Vec<String>, responses: Value| {
        object(vec![
            ("tags", Some(json!([name]))),
            ("summary", summary.clone()),
            ("description", description.clone()),
            (
                "parameters",
                list(
                    parameters
                        .iter()
                        .map(|p| reference(&format!("#/parameters/{p}")))
                        .collect(),
                ),
            ),
            ("responses", Some(responses)),
        ])
    };
    let filters: Vec<String> = rel
        .columns
        .iter()
        .map(|c| format!("rowFilter.{name}.{}", c.name))
        .collect();
    let with = |extra: &[&str]| -> Vec<String> {
        filters
            .iter()
            .cloned()
            .chain(extra.iter().map(|s| s.to_string()))
            .collect()
    };
    let mut item = Map::new();
    item.insert(
        "get".into(),
        op(
            with(&[
                "select",
                "order",
                "range",
                "rangeUnit",
                "offset",
                "limit",
                "preferCount",
            ]),
            json!({
                "200": {
                    "description": "OK",
                    "schema": { "items": reference(&format!("#/definitions/{name}")), "type": "array" }
                },
                "206": response("Partial Content"),
            }),
        ),
    );
    if rel.insertable || rel.updatable || rel.deletable {
        let body = format!("body.{name}");
        item.insert(
            "post".into(),
            op(
                vec![body.clone(), "select".into(), "preferPost".into()],
                json!({ "201": response("Created") }),
            ),
        );
        item.insert(
            "patch".into(),
            op(
                with(&[body.as_str(), "preferReturn"]),
                json!({ "204": response("No Content") }),
            ),
        );
        item.insert(
            "delete".into(),
            op(
                with(&["preferReturn"]),
                json!({ "204": response("No Content") }),
            ),
        );
    }
    Value::Object(item)
}

fn proc_property(p: &RoutineParam) -> Value {
    object(vec![
        ("format", Some(p.type_name.as_str().into())),
        ("type", swagger_type(&p.type_name).map(Value::from)),
        ("items", items(&p.type_name)),
    ])
}

fn proc_get_param(p: &RoutineParam) -> Value {
    let t = p.type_name.as_str();
    if p.variadic {
        object(vec![
            ("name", Some(p.name.as_str().into())),
            ("required", Some(p.required.into())),
            ("in", Some("query".into())),
            ("type", Some(swagger_type(t).unwrap_or("string").into())),
            (
                "items",
                Some(object(vec![
                    ("format", Some(element_type(t).into())),
                    ("type", swagger_type(element_type(t)).map(Value::from)),
                ])),
            ),
            ("collectionFormat", Some("multi".into())),
        ])
    } else {
        // Arrays and json are written as strings in a query string.
        let ty = match swagger_type(t) {
            Some("array") | None => "string",
            Some(ty) => ty,
        };
        object(vec![
            ("name", Some(p.name.as_str().into())),
            ("required", Some(p.required.into())),
            ("in", Some("query".into())),
            ("format", Some(t.into())),
            ("type", Some(ty.into())),
        ])
    }
}

pub(super) fn proc_path(r: &Routine) -> Value {
    let (summary, description) = summary_and_description(r.description.as_deref());
    let op = |parameters: Vec<Value>| {
        object(vec![
            ("tags", Some(json!([format!("(rpc) {}", r.name)]))),
            ("summary", summary.clone()),
            ("description", description.clone()),
            (
                "produces",
                Some(json!([
                    "application/json",
                    "application/vnd.pgrst.object+json;nulls=stripped",
                    "application/vnd.pgrst.object+json"
                ])),
            ),
            ("parameters", list(parameters)),
            ("responses", Some(json!({ "200": response("OK") }))),
        ])
    };
    let properties: Map<String, Value> = r
        .params
        .iter()
        .map(|p| (p.name.clone(), proc_property(p)))
        .collect();
    let args = object(vec![
        ("description", r.description.clone().map(Value::from)),
        ("type", Some("object".into())),
        ("properties", map(properties)),
        (
            "required",
            list(
                r.params
                    .iter()
                    .filter(|p| p.required)
                    .map(|p| Value::from(p.name.as_str()))
                    .collect(),
            ),
        ),
    ]);
    let post = op(vec![
        json!({ "in": "body", "name": "args", "required": true, "schema": args }),
        reference("#/parameters/preferParams"),
    ]);
    let mut item = Map::new();
    if r.volatility != Volatility::Volatile {
        item.insert(
            "get".into(),
            op(r.params.iter().map(proc_get_param).collect()),
        );
    }
    item.insert("post".into(), post);
    Value::Object(item)
}
