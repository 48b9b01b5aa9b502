//! The values a Swagger 2.0 document is made of, as the `swagger2` encoder writes them:
//! objects without their absent fields, Postgres types as Swagger types, comments as summary
//! and description, column defaults as JSON.

use crate::schema::Column;
use serde_json::{Map, Value, json};

/// An object from (key, value) pairs, leaving out the absent ones (`None`), as the `swagger2`
/// encoder leaves out fields holding their default.
pub(super) fn object(fields: Vec<(&str, Option<Value>)>) -> Value {
    Value::Object(
        fields
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
            .collect(),
    )
}

/// A list field: absent when empty.
pub(super) fn list(items: Vec<Value>) -> Option<Value> {
    (!items.is_empty()).then_some(Value::Array(items))
}

pub(super) fn map(entries: Map<String, Value>) -> Option<Value> {
    (!entries.is_empty()).then_some(Value::Object(entries))
}

pub(super) fn reference(to: &str) -> Value {
    json!({ "$ref": to })
}

/// PostgREST's `toSwaggerType`: `None` for json and jsonb (any value).
pub(super) fn swagger_type(pg: &str) -> Option<&'static str> {
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

pub(super) fn element_type(array: &str) -> &str {
    array.strip_suffix("[]").unwrap_or(array)
}

/// `items` of an array type: the element's type (none for json).
pub(super) fn items(pg: &str) -> Option<Value> {
    (swagger_type(pg) == Some("array")).then(|| {
        object(vec![(
            "type",
            swagger_type(element_type(pg)).map(Value::from),
        )])
    })
}

/// First line of a comment, and the rest without its leading newlines (absent when empty).
pub(super) fn summary_and_description(comment: Option<&str>) -> (Option<Value>, Option<Value>) {
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
pub(super) fn default(column: &Column, literals_only: bool) -> Option<Value> {
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
