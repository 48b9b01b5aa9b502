//! The terminals every parameter is made of: fields with JSON paths, names, quoted values.

use super::{Arrow, Field, JsonKey, Rule};
use pest::iterators::Pair;

pub(super) fn field_of(pair: Pair<Rule>) -> Field {
    let mut inner = pair.into_inner();
    let name = inner.next().map(name_of).unwrap_or_default();
    let mut path = Vec::new();
    if let Some(json_path) = inner.next() {
        for op in json_path.into_inner() {
            let mut parts = op.into_inner();
            let arrow = match parts.next().map(|a| a.as_str()) {
                Some("->>") => Arrow::Text,
                _ => Arrow::Json,
            };
            let key = match parts.next() {
                Some(k) if k.as_rule() == Rule::json_index => k
                    .as_str()
                    .parse::<i64>()
                    .map(JsonKey::Index)
                    .unwrap_or_else(|_| JsonKey::Key(k.as_str().to_string())),
                Some(k) => JsonKey::Key(k.into_inner().next().map(json_key).unwrap_or_default()),
                None => JsonKey::Key(String::new()),
            };
            path.push((arrow, key));
        }
    }
    Field { name, path }
}

/// A JSON key: quoted, or its dash-separated parts each without surrounding spaces.
fn json_key(pair: Pair<Rule>) -> String {
    match pair.as_rule() {
        Rule::quoted_value => unquote(pair),
        _ => pair
            .into_inner()
            .map(|part| part.as_str().trim().to_string())
            .collect::<Vec<_>>()
            .join("-"),
    }
}

/// A bare or quoted name → its text (bare names lose surrounding spaces, as in PostgREST).
pub(super) fn name_of(pair: Pair<Rule>) -> String {
    match pair.as_rule() {
        Rule::quoted_value => unquote(pair),
        _ => pair.as_str().trim().to_string(),
    }
}

/// `"a\"b"` → `a"b`: a backslash keeps the next character literally.
pub(super) fn unquote(pair: Pair<Rule>) -> String {
    let inner = pair.into_inner().next().map(|p| p.as_str()).unwrap_or("");
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}
