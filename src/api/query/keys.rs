//! Parameter keys: a filter's column path through embedded resources, dotted names, and the
//! column lists of `columns=` and `on_conflict=`.

use super::failure::parse_error;
use super::names::{field_of, name_of};
use super::{Field, QueryParser, Rule};
use crate::error::Error;
use pest::Parser;

/// A filter's key (`col`, `data->>k`, `rel.col`, `a.b.col`) → the embedded resources it goes
/// through, and the field.
pub fn parse_tree_path(key: &str) -> Result<(Vec<String>, Field), Error> {
    // Nearly every key is a plain column name; the grammar would cost more than the request's
    // SQL text (2.4% of a by-id read's CPU). Such a key is one bare_name, nothing to trim.
    if is_plain_name(key) {
        return Ok((Vec::new(), Field::named(key)));
    }
    parse_tree_path_by_grammar(key)
}

/// ASCII letters, digits and `_` only: what `tree_path` reads as a single field, unchanged.
fn is_plain_name(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

pub(super) fn parse_tree_path_by_grammar(key: &str) -> Result<(Vec<String>, Field), Error> {
    let pair = QueryParser::parse(Rule::tree_path, key)
        .map_err(|e| key_error(key, e))?
        .next()
        .expect("a tree path");
    let mut path = Vec::new();
    let mut field = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::embed_step => path.push(p.into_inner().next().map(name_of).unwrap_or_default()),
            Rule::field => field = Some(field_of(p)),
            _ => {}
        }
    }
    Ok((path, field.expect("the grammar guarantees a field")))
}

/// A key made of dotted names (`a.b.order`, `rel.not.or`): the names, unquoted.
pub fn parse_dotted(key: &str) -> Result<Vec<String>, Error> {
    let pair = QueryParser::parse(Rule::dotted_names, key)
        .map_err(|e| key_error(key, e))?
        .next()
        .expect("dotted names");
    Ok(pair
        .into_inner()
        .filter(|p| matches!(p.as_rule(), Rule::bare_name | Rule::quoted_value))
        .map(name_of)
        .collect())
}

/// `columns=` / `on_conflict=` value → the names, unquoted. Unlike a select list it cannot be
/// empty: `columns=` is PostgREST's PGRST100.
pub fn parse_columns(param: &str, value: &str) -> Result<Vec<String>, Error> {
    let pair = QueryParser::parse(Rule::column_list, value)
        .map_err(|e| {
            parse_error(
                &format!("failed to parse {param} parameter ({value})"),
                0,
                e,
            )
        })?
        .next()
        .expect("a column list");
    Ok(pair
        .into_inner()
        .filter(|p| matches!(p.as_rule(), Rule::bare_name | Rule::quoted_value))
        .map(name_of)
        .collect())
}

/// A key that stops being a column path: worded as PostgREST words a filter key that does.
fn key_error(key: &str, e: pest::error::Error<Rule>) -> Error {
    let col = match e.line_col {
        pest::error::LineColLocation::Pos((_, c))
        | pest::error::LineColLocation::Span((_, c), _) => c,
    };
    match key.chars().nth(col.saturating_sub(1)) {
        Some(c) if col > 1 => Error::query_param(
            format!("\"failed to parse filter ({key})\" (line 1, column {col})"),
            format!("unexpected \"{c}\" expecting \"->>\", \"->\" or end of input"),
        ),
        _ => parse_error(&format!("failed to parse filter ({key})"), 0, e),
    }
}
