//! The OpenAPI documents of `GET /`. Swagger 2.0 exactly as PostgREST v13 writes it
//! (`Response/OpenAPI.hs` through the `swagger2` library, whose encoder leaves out a field
//! that is absent or holds its empty default); OpenAPI 3.1 is the same content in 3.1's shape
//! (components, requestBody, JSON Schema types), which PostgREST does not have.
//!
//! Keys come out sorted, as aeson sorts them.

mod openapi31;
mod paths;
mod swagger2;
mod values;

use crate::plan::{InspectPlan, OpenApiVersion, TableDoc};
use crate::schema::Routine;
use openapi31::openapi31;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use swagger2::swagger;

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
