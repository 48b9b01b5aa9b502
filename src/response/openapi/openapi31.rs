//! OpenAPI 3.1, converted from the Swagger 2.0 document: `servers` instead of host/basePath/
//! schemes, `components` (schemas, parameters, requestBodies, securitySchemes) instead of the
//! top-level definitions/parameters/securityDefinitions, `requestBody` instead of body
//! parameters, parameter types under `schema`, response schemas under `content`, and JSON
//! Schema's `type: [.., "null"]` for nullable columns.

use super::values::object;
use serde_json::{Map, Value, json};
use std::collections::HashSet;

/// The strings of a JSON array (none when absent).
fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The entries of an object member (none when absent).
fn entries(o: &Map<String, Value>, key: &str) -> Map<String, Value> {
    o.get(key)
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

pub(super) fn openapi31(swagger: Value) -> Value {
    let s = swagger.as_object().cloned().unwrap_or_default();
    let produces = strings(s.get("produces"));
    let scheme = s["schemes"][0].as_str().unwrap_or("http");
    let host = s["host"].as_str().unwrap_or("");
    // The scheme's own port goes without saying in a URL.
    let host = match (scheme, host.rsplit_once(':')) {
        ("http", Some((h, "80"))) | ("https", Some((h, "443"))) => h,
        _ => host,
    };
    let url = format!("{scheme}://{host}{}", s["basePath"].as_str().unwrap_or("/"));
    let mut components = Map::new();
    let mut schemas = Map::new();
    for (name, def) in entries(&s, "definitions") {
        schemas.insert(name, schema31(def, true));
    }
    components.insert("schemas".into(), Value::Object(schemas));
    let mut parameters = Map::new();
    let mut request_bodies = Map::new();
    for (key, p) in entries(&s, "parameters") {
        if p["in"] == "body" {
            request_bodies.insert(key, request_body(&p, &produces));
        } else {
            parameters.insert(key, parameter31(p));
        }
    }
    components.insert("parameters".into(), Value::Object(parameters));
    components.insert("requestBodies".into(), Value::Object(request_bodies));
    if let Some(sec) = s.get("securityDefinitions") {
        let schemes: Map<String, Value> = sec
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, d)| {
                (
                    name.clone(),
                    json!({
                        "type": "http",
                        "scheme": "bearer",
                        "bearerFormat": "JWT",
                        "description": d["description"],
                    }),
                )
            })
            .collect();
        components.insert("securitySchemes".into(), Value::Object(schemes));
    }
    let mut paths = Map::new();
    for (path, item) in entries(&s, "paths") {
        let ops: Map<String, Value> = item
            .as_object()
            .into_iter()
            .flatten()
            .map(|(method, op)| (method.clone(), operation31(op.clone(), &produces)))
            .collect();
        paths.insert(path, Value::Object(ops));
    }
    object(vec![
        ("openapi", Some("3.1.0".into())),
        ("info", s.get("info").cloned()),
        ("servers", Some(json!([{ "url": url }]))),
        ("paths", Some(Value::Object(paths))),
        ("components", Some(Value::Object(components))),
        ("security", s.get("security").cloned()),
        ("externalDocs", s.get("externalDocs").cloned()),
    ])
}

/// Rewrites `#/definitions/x` and `#/parameters/body.x` references for 3.1's components.
fn ref31(r: &str) -> String {
    if let Some(name) = r.strip_prefix("#/definitions/") {
        format!("#/components/schemas/{name}")
    } else if let Some(name) = r.strip_prefix("#/parameters/body.") {
        format!("#/components/requestBodies/body.{name}")
    } else if let Some(name) = r.strip_prefix("#/parameters/") {
        format!("#/components/parameters/{name}")
    } else {
        r.to_string()
    }
}

/// A Swagger schema as JSON Schema 2020-12: references rewritten, and in a relation's
/// definition a nullable column's type admits null.
fn schema31(schema: Value, definition: bool) -> Value {
    let Value::Object(mut o) = schema else {
        return schema;
    };
    if let Some(Value::String(r)) = o.get("$ref") {
        return json!({ "$ref": ref31(r) });
    }
    let required: HashSet<String> = strings(o.get("required")).into_iter().collect();
    if let Some(Value::Object(props)) = o.get_mut("properties") {
        for (name, prop) in props.iter_mut() {
            let mut p = schema31(prop.take(), false);
            if definition
                && !required.contains(name)
                && let Some(Value::String(t)) = p.get("type").cloned()
            {
                p["type"] = json!([t, "null"]);
            }
            *prop = p;
        }
    }
    if let Some(items) = o.remove("items") {
        o.insert("items".into(), schema31(items, false));
    }
    Value::Object(o)
}

/// A non-body parameter: `type`, `format`, `enum`, `default`, `items` move under `schema`;
/// `collectionFormat: multi` becomes `style: form, explode: true`.
fn parameter31(p: Value) -> Value {
    let Value::Object(o) = p else { return p };
    if let Some(Value::String(r)) = o.get("$ref") {
        return json!({ "$ref": ref31(r) });
    }
    let mut param = Map::new();
    let mut schema = Map::new();
    for (k, v) in o {
        match k.as_str() {
            "type" | "format" | "enum" | "default" => {
                schema.insert(k, v);
            }
            "items" => {
                schema.insert(k, schema31(v, false));
            }
            "collectionFormat" => {
                param.insert("style".into(), "form".into());
                param.insert("explode".into(), true.into());
            }
            _ => {
                param.insert(k, v);
            }
        }
    }
    param.insert("schema".into(), Value::Object(schema));
    Value::Object(param)
}

fn content(schema: Value, media: &[String]) -> Value {
    Value::Object(
        media
            .iter()
            .map(|m| (m.clone(), json!({ "schema": schema.clone() })))
            .collect(),
    )
}

fn request_body(p: &Value, media: &[String]) -> Value {
    object(vec![
        ("description", p.get("description").cloned()),
        ("required", p.get("required").cloned()),
        (
            "content",
            Some(content(schema31(p["schema"].clone(), false), media)),
        ),
    ])
}

fn operation31(op: Value, media: &[String]) -> Value {
    let Value::Object(mut o) = op else { return op };
    let produces = match o.remove("produces") {
        Some(p) => strings(Some(&p)),
        None => media.to_vec(),
    };
    if let Some(Value::Array(params)) = o.remove("parameters") {
        let mut rest = Vec::new();
        for p in params {
            match p.get("$ref").and_then(Value::as_str) {
                Some(r) if r.starts_with("#/parameters/body.") => {
                    o.insert("requestBody".into(), json!({ "$ref": ref31(r) }));
                }
                _ if p["in"] == "body" => {
                    o.insert("requestBody".into(), request_body(&p, &produces));
                }
                _ => rest.push(parameter31(p)),
            }
        }
        if !rest.is_empty() {
            o.insert("parameters".into(), Value::Array(rest));
        }
    }
    if let Some(Value::Object(responses)) = o.get_mut("responses") {
        for (_, r) in responses.iter_mut() {
            if let Some(schema) = r.as_object_mut().and_then(|r| r.remove("schema")) {
                r["content"] = content(schema31(schema, false), &produces);
            }
        }
    }
    Value::Object(o)
}
