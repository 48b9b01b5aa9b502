//! The OpenAPI documents of `GET /`. Swagger 2.0 exactly as PostgREST v13 writes it
//! (`Response/OpenAPI.hs` through the `swagger2` library, whose encoder leaves out a field
//! that is absent or holds its empty default); OpenAPI 3.1 is the same content in 3.1's shape
//! (components, requestBody, JSON Schema types), which PostgREST does not have.
//!
//! Keys come out sorted, as aeson sorts them.

use crate::plan::{InspectPlan, OpenApiVersion, TableDoc};
use crate::schema::{Column, Routine, RoutineParam, Volatility};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};

/// What the requesting role may see (`follow-privileges`), from the plan's statement.
#[derive(Debug, Default)]
pub struct Visible {
    /// Relation names; `None`: all of them.
    pub tables: Option<HashSet<String>>,
    /// Function oids, each with its input parameter types as the request's search_path shows
    /// them; `None`: all of them, with the cached types.
    pub functions: Option<HashMap<u32, Vec<String>>>,
    pub description: Option<String>,
}

impl Visible {
    /// Reads the statement's JSON object (`tables`, `functions`, `description`).
    pub fn parse(inspected: Option<&str>) -> Visible {
        let v: Value = inspected
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or(Value::Null);
        let tables = v["tables"].as_array().map(|a| {
            a.iter()
                .filter_map(|t| t.as_str().map(str::to_string))
                .collect()
        });
        let functions = v["functions"].as_object().map(|o| {
            o.iter()
                .filter_map(|(oid, types)| {
                    let types = types
                        .as_array()?
                        .iter()
                        .filter_map(|t| t.as_str().map(str::to_string))
                        .collect();
                    Some((oid.parse().ok()?, types))
                })
                .collect()
        });
        Visible {
            tables,
            functions,
            description: v["description"].as_str().map(str::to_string),
        }
    }
}

/// The document, serialised.
pub fn document(plan: &InspectPlan, visible: &Visible) -> String {
    let tables: Vec<&TableDoc> = plan
        .tables
        .iter()
        .filter(|t| {
            visible
                .tables
                .as_ref()
                .is_none_or(|names| names.contains(&t.relation.name))
        })
        .collect();
    let routines: Vec<Routine> = plan
        .routines
        .iter()
        .filter_map(|r| match &visible.functions {
            None => Some(r.clone()),
            Some(f) => f.get(&r.oid).map(|types| with_types(r, types)),
        })
        .collect();
    let v31 = plan.version == OpenApiVersion::OpenApi31;
    let swagger = swagger(
        plan,
        &tables,
        &routines,
        visible.description.as_deref(),
        v31,
    );
    match plan.version {
        OpenApiVersion::Swagger2 => swagger.to_string(),
        OpenApiVersion::OpenApi31 => openapi31(swagger).to_string(),
    }
}

/// The routine with its parameter types as PostgREST reads them for the role at request time.
fn with_types(r: &Routine, types: &[String]) -> Routine {
    let mut r = r.clone();
    if types.len() == r.params.len() {
        for (p, t) in r.params.iter_mut().zip(types) {
            p.type_name = t.clone();
        }
    }
    r
}

// ---------------------------------------------------------------------------------------------
// Swagger 2.0

/// An object from (key, value) pairs, leaving out the absent ones (`None`), as the `swagger2`
/// encoder leaves out fields holding their default.
fn object(fields: Vec<(&str, Option<Value>)>) -> Value {
    Value::Object(
        fields
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
            .collect(),
    )
}

/// A list field: absent when empty.
fn list(items: Vec<Value>) -> Option<Value> {
    (!items.is_empty()).then_some(Value::Array(items))
}

fn map(entries: Map<String, Value>) -> Option<Value> {
    (!entries.is_empty()).then_some(Value::Object(entries))
}

fn reference(to: &str) -> Value {
    json!({ "$ref": to })
}

/// PostgREST's `toSwaggerType`: `None` for json and jsonb (any value).
fn swagger_type(pg: &str) -> Option<&'static str> {
    match pg {
        "character varying" | "character" | "text" => Some("string"),
        "boolean" => Some("boolean"),
        "smallint" | "integer" | "bigint" => Some("integer"),
        "numeric" | "real" | "double precision" => Some("number"),
        "json" | "jsonb" => None,
        t if t.ends_with("[]") => Some("array"),
        _ => Some("string"),
    }
}

fn element_type(array: &str) -> &str {
    array.strip_suffix("[]").unwrap_or(array)
}

/// `items` of an array type: the element's type (none for json).
fn items(pg: &str) -> Option<Value> {
    (swagger_type(pg) == Some("array")).then(|| {
        object(vec![(
            "type",
            swagger_type(element_type(pg)).map(Value::from),
        )])
    })
}

/// First line of a comment, and the rest without its leading newlines (absent when empty).
fn summary_and_description(comment: Option<&str>) -> (Option<Value>, Option<Value>) {
    match comment {
        None => (None, None),
        Some(c) => {
            let (first, rest) = c.split_once('\n').map_or((c, ""), |(a, b)| (a, b));
            let rest = rest.trim_start_matches('\n');
            (Some(first.into()), (!rest.is_empty()).then(|| rest.into()))
        }
    }
}

/// PostgREST's `parseDefault`: a string-typed column's default becomes a JSON string (its
/// `::type` cast and quotes removed); any other default is read as JSON, and left out when it
/// is not JSON. With `literals_only` (the 3.1 document, whose defaults must be valid values),
/// a string column's default that is an expression (`now()`, `gen_random_uuid()`) is left out
/// too: only a `'…'::type` literal is a value.
fn default(column: &Column, literals_only: bool) -> Option<Value> {
    let d = column.default.as_deref()?;
    let text = if swagger_type(&column.data_type) == Some("string") {
        let literal = d.strip_suffix(&format!("::{}", column.data_type));
        if literals_only && literal.is_none() {
            return None;
        }
        let stripped = literal.map_or(d, |s| s.trim_matches('\''));
        format!("\"{stripped}\"")
    } else {
        d.to_string()
    };
    serde_json::from_str(&text).ok()
}

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

fn response(description: &str) -> Value {
    json!({ "description": description })
}

fn table_path(t: &TableDoc) -> Value {
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

fn proc_path(r: &Routine) -> Value {
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

fn swagger(
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

// ---------------------------------------------------------------------------------------------
// OpenAPI 3.1, converted from the Swagger 2.0 document: `servers` instead of host/basePath/
// schemes, `components` (schemas, parameters, requestBodies, securitySchemes) instead of the
// top-level definitions/parameters/securityDefinitions, `requestBody` instead of body
// parameters, parameter types under `schema`, response schemas under `content`, and JSON
// Schema's `type: [.., "null"]` for nullable columns.

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

fn openapi31(swagger: Value) -> Value {
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

#[cfg(test)]
mod unit {
    use super::*;

    fn column(name: &str, data_type: &str, default: Option<&str>) -> Column {
        Column {
            name: name.into(),
            data_type: data_type.into(),
            default: default.map(str::to_string),
            nullable: true,
            ..Default::default()
        }
    }

    #[test]
    fn defaults_as_postgrest_parses_them() {
        let d = |t: &str, v: &str| default(&column("c", t, Some(v)), false);
        assert_eq!(d("text", "'default'::text"), Some(json!("default")));
        assert_eq!(d("boolean", "false"), Some(json!(false)));
        assert_eq!(d("integer", "42"), Some(json!(42)));
        assert_eq!(d("numeric", "42.2"), Some(json!(42.2)));
        assert_eq!(d("date", "'1900-01-01'::date"), Some(json!("1900-01-01")));
        assert_eq!(d("integer", "nextval('public.s'::regclass)"), None);
        assert_eq!(d("timestamp with time zone", "now()"), Some(json!("now()")));
        let literal = |t: &str, v: &str| default(&column("c", t, Some(v)), true);
        assert_eq!(literal("uuid", "gen_random_uuid()"), None);
        assert_eq!(literal("text", "'paid'::text"), Some(json!("paid")));
        assert_eq!(literal("integer", "42"), Some(json!(42)));
    }

    #[test]
    fn types_as_postgrest_maps_them() {
        assert_eq!(swagger_type("character varying"), Some("string"));
        assert_eq!(swagger_type("jsonb"), None);
        assert_eq!(swagger_type("integer[]"), Some("array"));
        assert_eq!(items("json[]"), Some(json!({})));
        assert_eq!(items("bigint[]"), Some(json!({"type": "integer"})));
        assert_eq!(swagger_type("money"), Some("string"));
    }

    #[test]
    fn comments_split_into_summary_and_description() {
        assert_eq!(
            summary_and_description(Some("title\n\nmore\nlines")),
            (Some(json!("title")), Some(json!("more\nlines")))
        );
        assert_eq!(
            summary_and_description(Some("only")),
            (Some(json!("only")), None)
        );
    }
}
