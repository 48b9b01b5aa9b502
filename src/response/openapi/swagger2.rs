//! The Swagger 2.0 document (`Response/OpenAPI.hs`): its top level, the definitions of the
//! relations and the shared parameters.

use super::paths::{proc_path, response, table_path};
use super::values::{default, items, list, map, object, reference, swagger_type};
use crate::plan::{InspectPlan, TableDoc};
use crate::schema::{Column, Routine};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

fn property(t: &TableDoc, column: &Column, literals_only: bool) -> Value {
    let rel = &t.relation;
    let mut notes = vec!["Note:".to_string()];
    if rel.primary_key.contains(&column.name) {
        notes.push("This is a Primary Key.<pk/>".into());
    }
    if let Some((_, table, target)) = t.foreign_keys.iter().find(|(c, _, _)| *c == column.name) {
        notes.push(format!(
            "This is a Foreign Key to `{0}.{1}`.<fk table='{0}' column='{1}'/>",
            table.name, target
        ));
    }
    let description = if notes.len() > 1 {
        let prefix = column
            .description
            .as_ref()
            .map_or(String::new(), |d| format!("{d}\n\n"));
        Some(format!("{prefix}{}", notes.join("\n")))
    } else {
        column.description.clone()
    };
    object(vec![
        ("default", default(column, literals_only)),
        ("description", description.map(Value::from)),
        (
            "enum",
            list(
                column
                    .enum_values
                    .iter()
                    .map(|e| Value::from(e.as_str()))
                    .collect(),
            ),
        ),
        ("format", Some(column.data_type.as_str().into())),
        ("maxLength", column.max_length.map(Value::from)),
        ("type", swagger_type(&column.data_type).map(Value::from)),
        ("items", items(&column.data_type)),
    ])
}

fn definition(t: &TableDoc, literals_only: bool) -> Value {
    let rel = &t.relation;
    let properties: Map<String, Value> = rel
        .columns
        .iter()
        .map(|c| (c.name.clone(), property(t, c, literals_only)))
        .collect();
    object(vec![
        ("description", rel.description.clone().map(Value::from)),
        ("type", Some("object".into())),
        ("properties", map(properties)),
        (
            "required",
            list(
                rel.columns
                    .iter()
                    .filter(|c| !c.nullable)
                    .map(|c| Value::from(c.name.as_str()))
                    .collect(),
            ),
        ),
    ])
}

fn query_param(name: &str, description: Option<&str>) -> Value {
    object(vec![
        ("name", Some(name.into())),
        ("description", description.map(Value::from)),
        ("required", Some(false.into())),
        ("in", Some("query".into())),
        ("type", Some("string".into())),
    ])
}

fn header_param(name: &str, description: &str, default: Option<Value>) -> Value {
    object(vec![
        ("name", Some(name.into())),
        ("description", Some(description.into())),
        ("required", Some(false.into())),
        ("in", Some("header".into())),
        ("type", Some("string".into())),
        ("default", default),
    ])
}

/// PostgREST's `makePreferParam`: the values a `Prefer` header may take for an operation.
fn prefer_param(kinds: &[&str]) -> Value {
    let values: Vec<Value> = kinds
        .iter()
        .flat_map(|k| match *k {
            "count" => vec!["count=none"],
            "return" => vec!["return=representation", "return=minimal", "return=none"],
            "resolution" => vec![
                "resolution=ignore-duplicates",
                "resolution=merge-duplicates",
            ],
            _ => vec![],
        })
        .map(Value::from)
        .collect();
    object(vec![
        ("name", Some("Prefer".into())),
        ("description", Some("Preference".into())),
        ("required", Some(false.into())),
        ("in", Some("header".into())),
        ("type", Some("string".into())),
        // swagger2 leaves an empty list out (`preferParams` offers no value since v13).
        ("enum", list(values)),
    ])
}

fn parameters(tables: &[&TableDoc]) -> Map<String, Value> {
    let mut p = Map::new();
    p.insert("preferParams".into(), prefer_param(&["params"]));
    p.insert("preferReturn".into(), prefer_param(&["return"]));
    p.insert("preferCount".into(), prefer_param(&["count"]));
    p.insert("preferPost".into(), prefer_param(&["return", "resolution"]));
    p.insert(
        "select".into(),
        query_param("select", Some("Filtering Columns")),
    );
    p.insert(
        "on_conflict".into(),
        query_param("on_conflict", Some("On Conflict")),
    );
    p.insert("order".into(), query_param("order", Some("Ordering")));
    p.insert(
        "range".into(),
        header_param("Range", "Limiting and Pagination", None),
    );
    p.insert(
        "rangeUnit".into(),
        header_param(
            "Range-Unit",
            "Limiting and Pagination",
            Some("items".into()),
        ),
    );
    p.insert(
        "offset".into(),
        query_param("offset", Some("Limiting and Pagination")),
    );
    p.insert(
        "limit".into(),
        query_param("limit", Some("Limiting and Pagination")),
    );
    for t in tables {
        let name = &t.relation.name;
        p.insert(
            format!("body.{name}"),
            object(vec![
                ("name", Some(name.as_str().into())),
                ("description", Some(name.as_str().into())),
                ("required", Some(false.into())),
                ("in", Some("body".into())),
                ("schema", Some(reference(&format!("#/definitions/{name}")))),
            ]),
        );
        for c in &t.relation.columns {
            p.insert(
                format!("rowFilter.{name}.{}", c.name),
                query_param(&c.name, c.description.as_deref()),
            );
        }
    }
    p
}

pub(super) fn swagger(
    plan: &InspectPlan,
    tables: &[&TableDoc],
    routines: &[Routine],
    schema_comment: Option<&str>,
    literal_defaults: bool,
) -> Value {
    let mut paths = Map::new();
    paths.insert(
        "/".into(),
        json!({
            "get": {
                "tags": ["Introspection"],
                "summary": "OpenAPI description (this document)",
                "produces": ["application/openapi+json", "application/json"],
                "responses": { "200": response("OK") },
            }
        }),
    );
    for t in tables {
        paths.insert(format!("/{}", t.relation.name), table_path(t));
    }
    // Overloads share a path; as in PostgREST, the one listed last (the most parameters) wins.
    let mut by_name: BTreeMap<&str, &Routine> = BTreeMap::new();
    for r in routines {
        by_name.insert(r.name.as_str(), r);
    }
    for (name, r) in by_name {
        paths.insert(format!("/rpc/{name}"), proc_path(r));
    }
    let definitions: Map<String, Value> = tables
        .iter()
        .map(|t| (t.relation.name.clone(), definition(t, literal_defaults)))
        .collect();
    let (title, description) = match schema_comment {
        Some(c) => {
            let (first, rest) = c.split_once('\n').map_or((c, ""), |(a, b)| (a, b));
            (first.to_string(), rest.trim_start_matches('\n').to_string())
        }
        None => (
            "PostgREST API".to_string(),
            "This is a dynamic API generated by PostgREST".to_string(),
        ),
    };
    let server = &plan.server;
    let host = match server.host.as_str() {
        "*" | "*4" | "!4" | "*6" | "!6" => "0.0.0.0",
        h => h,
    };
    let media = json!([
        "application/json",
        "application/vnd.pgrst.object+json;nulls=stripped",
        "application/vnd.pgrst.object+json",
        "text/csv"
    ]);
    let security = plan.security;
    object(vec![
        ("swagger", Some("2.0".into())),
        (
            "info",
            Some(json!({
                "title": title,
                "description": description,
                "version": env!("CARGO_PKG_VERSION"),
            })),
        ),
        ("host", Some(format!("{host}:{}", server.port).into())),
        ("basePath", Some(server.base_path.as_str().into())),
        ("schemes", Some(json!([server.scheme]))),
        ("consumes", Some(media.clone())),
        ("produces", Some(media)),
        ("paths", Some(Value::Object(paths))),
        ("definitions", map(definitions)),
        ("parameters", Some(Value::Object(parameters(tables)))),
        (
            "externalDocs",
            Some(json!({
                "description": "PostgREST Documentation",
                "url": "https://postgrest.org/en/v13/references/api.html",
            })),
        ),
        (
            "securityDefinitions",
            security.then(|| {
                json!({
                    "JWT": {
                        "type": "apiKey",
                        "in": "header",
                        "name": "Authorization",
                        "description": "Add the token prepending \"Bearer \" (without quotes) to it",
                    }
                })
            }),
        ),
        ("security", security.then(|| json!([{ "JWT": [] }]))),
    ])
}
