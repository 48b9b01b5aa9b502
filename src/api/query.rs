//! Query-string grammar (`query.pest`) → typed AST. No string splitting by hand: every value
//! that reaches the planner went through a pest rule.

use crate::api::parse_error::{self, Failure};
use crate::error::Error;
use pest::Parser;
use pest::iterators::Pair;

#[derive(pest_derive::Parser)]
#[grammar = "api/query.pest"]
struct QueryParser;

/// `->` returns json, `->>` text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrow {
    Json,
    Text,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonKey {
    Key(String),
    Index(i64),
}

/// A column, possibly followed by a JSON path: `data->a->>b`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub path: Vec<(Arrow, JsonKey)>,
}

impl Field {
    /// The output name PostgREST gives a selected field: the last JSON key, else the column.
    pub fn output_name(&self) -> String {
        match self.path.last() {
            Some((_, JsonKey::Key(k))) => k.clone(),
            Some((_, JsonKey::Index(_))) => self
                .path
                .iter()
                .rev()
                .find_map(|(_, k)| match k {
                    JsonKey::Key(k) => Some(k.clone()),
                    JsonKey::Index(_) => None,
                })
                .unwrap_or_else(|| self.name.clone()),
            None => self.name.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectItem {
    Star,
    Field {
        field: Field,
        alias: Option<String>,
        cast: Option<String>,
    },
}

impl SelectItem {
    #[cfg(test)]
    pub fn column(name: &str) -> SelectItem {
        SelectItem::Field {
            field: Field {
                name: name.to_string(),
                path: Vec::new(),
            },
            alias: None,
            cast: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    Any,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsValue {
    Null,
    NotNull,
    True,
    False,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    /// eq, gt, like, ... with an optional (any)/(all) modifier, and the operators without one.
    Compare {
        op: String,
        quantifier: Option<Quantifier>,
        value: String,
    },
    In(Vec<String>),
    Is(IsValue),
    Fts {
        op: String,
        language: Option<String>,
        value: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub field: Field,
    pub negated: bool,
    pub operation: Operation,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogicTree {
    Expr {
        negated: bool,
        or: bool,
        children: Vec<LogicTree>,
    },
    Filter(Filter),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderTerm {
    pub field: Field,
    pub descending: Option<bool>,
    pub nulls_first: Option<bool>,
}

/// Features the grammar recognises but this version refuses with a clear error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsupported {
    Embedding(String),
    Aggregate,
}

/// `select=` value → items. An empty value selects no column, as in PostgREST.
pub fn parse_select(value: &str) -> Result<Vec<SelectItem>, Error> {
    if value.trim().is_empty() {
        return Ok(Vec::new());
    }
    let pairs = QueryParser::parse(Rule::select, value).map_err(|e| {
        fail(
            format!("failed to parse select parameter ({value})"),
            value,
            0,
            e,
            parse_error::select,
        )
    })?;
    let mut items = Vec::new();
    for pair in pairs.flatten() {
        match pair.as_rule() {
            Rule::star => items.push(SelectItem::Star),
            Rule::embed => {
                let name = pair
                    .into_inner()
                    .find(|p| matches!(p.as_rule(), Rule::bare_name | Rule::quoted_value))
                    .map(name_of)
                    .unwrap_or_default();
                return Err(unsupported(Unsupported::Embedding(name)));
            }
            Rule::column => items.push(column(pair)?),
            _ => {}
        }
    }
    Ok(items)
}

fn column(pair: Pair<Rule>) -> Result<SelectItem, Error> {
    let mut alias = None;
    let mut field = None;
    let mut cast = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::alias => alias = p.into_inner().next().map(name_of),
            Rule::field => field = Some(field_of(p)),
            Rule::cast => cast = Some(p.as_str().trim().to_string()),
            Rule::aggregate | Rule::count_star => return Err(unsupported(Unsupported::Aggregate)),
            _ => {}
        }
    }
    Ok(SelectItem::Field {
        field: field.expect("the grammar guarantees a field"),
        alias,
        cast,
    })
}

/// A filter's key (`col` or `data->>k`) → field.
pub fn parse_field(key: &str) -> Result<Field, Error> {
    let mut pairs = QueryParser::parse(Rule::field, key)
        .map_err(|e| parse_error(&format!("failed to parse filter ({key})"), 0, e))?;
    let pair = pairs.next().expect("a field");
    if pair.as_str().len() != key.len() {
        // The rule has no EOI so that it can be reused inside other rules; check it here.
        return Err(Error::query_param(
            format!(
                "\"failed to parse filter ({key})\" (line 1, column {})",
                pair.as_str().chars().count() + 1
            ),
            format!(
                "unexpected \"{}\" expecting \"->>\", \"->\" or end of input",
                key[pair.as_str().len()..].chars().next().unwrap_or(' ')
            ),
        ));
    }
    Ok(field_of(pair))
}

/// A filter's value (`not.eq.5`, `in.(1,2)`, `fts(english).cat`) → operation.
pub fn parse_filter(field: Field, value: &str) -> Result<Filter, Error> {
    let pair = QueryParser::parse(Rule::filter, value)
        .map_err(|e| {
            fail(
                format!("failed to parse filter ({value})"),
                value,
                0,
                e,
                parse_error::filter,
            )
        })?
        .next()
        .expect("a filter");
    let mut negated = false;
    let mut operation = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::negation => negated = true,
            Rule::EOI => {}
            _ => operation = Some(operation_of(p)),
        }
    }
    Ok(Filter {
        field,
        negated,
        operation: operation.expect("the grammar guarantees an operation"),
    })
}

/// `or=(...)` / `not.and=(...)`: the key gives the operator, the value the operands.
pub fn parse_logic(negated: bool, or: bool, value: &str) -> Result<LogicTree, Error> {
    let pairs = QueryParser::parse(Rule::logic, value).map_err(|e| {
        // PostgREST parses the key and the value together (`or(a.eq.1)`), so its columns
        // count the key.
        let key_len = if negated { 4 } else { 0 } + if or { 2 } else { 3 };
        fail(
            format!("failed to parse logic tree ({value})"),
            value,
            key_len,
            e,
            parse_error::logic,
        )
    })?;
    let children = pairs
        .flatten()
        .next()
        .map(|top| logic_children(top))
        .unwrap_or_default();
    Ok(LogicTree::Expr {
        negated,
        or,
        children,
    })
}

fn logic_children(top: Pair<Rule>) -> Vec<LogicTree> {
    top.into_inner()
        .filter_map(|p| match p.as_rule() {
            Rule::logic_expr => Some(logic_expr(p)),
            Rule::logic_filter => Some(LogicTree::Filter(logic_filter(p))),
            _ => None,
        })
        .collect()
}

fn logic_expr(pair: Pair<Rule>) -> LogicTree {
    let mut negated = false;
    let mut or = false;
    let mut children = Vec::new();
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::negation => negated = true,
            Rule::logic_name => or = p.as_str() == "or",
            Rule::logic_expr => children.push(logic_expr(p)),
            Rule::logic_filter => children.push(LogicTree::Filter(logic_filter(p))),
            _ => {}
        }
    }
    LogicTree::Expr {
        negated,
        or,
        children,
    }
}

fn logic_filter(pair: Pair<Rule>) -> Filter {
    let mut field = None;
    let mut negated = false;
    let mut operation = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::field => field = Some(field_of(p)),
            Rule::negation => negated = true,
            _ => operation = Some(operation_of(p)),
        }
    }
    Filter {
        field: field.expect("a field"),
        negated,
        operation: operation.expect("an operation"),
    }
}

fn operation_of(pair: Pair<Rule>) -> Operation {
    let rule = pair.as_rule();
    let mut name = String::new();
    let mut quantifier = None;
    let mut language = None;
    let mut value = String::new();
    let mut items = Vec::new();
    let mut is = IsValue::Null;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::quant_name | Rule::simple_name | Rule::fts_name => name = p.as_str().into(),
            Rule::quantifier => {
                quantifier = Some(if p.as_str() == "any" {
                    Quantifier::Any
                } else {
                    Quantifier::All
                })
            }
            Rule::language => language = Some(p.as_str().to_string()),
            Rule::value | Rule::logic_bare | Rule::pg_array => value = p.as_str().to_string(),
            Rule::quoted_value => value = unquote(p),
            // `in.()` is the empty list, not a list of one empty string.
            Rule::list
                if p.as_str()
                    .trim_matches(|c| c == '(' || c == ')')
                    .trim()
                    .is_empty() => {}
            Rule::list => {
                for item in p.into_inner() {
                    match item.as_rule() {
                        Rule::quoted_value => items.push(unquote(item)),
                        _ => items.push(item.as_str().trim().to_string()),
                    }
                }
            }
            Rule::is_value => {
                is = match p.as_str().to_ascii_lowercase().as_str() {
                    "null" => IsValue::Null,
                    "not_null" => IsValue::NotNull,
                    "true" => IsValue::True,
                    "false" => IsValue::False,
                    _ => IsValue::Unknown,
                }
            }
            _ => {}
        }
    }
    match rule {
        Rule::in_op => Operation::In(items),
        Rule::is_op => Operation::Is(is),
        Rule::fts_op | Rule::logic_fts => Operation::Fts {
            op: name,
            language,
            value,
        },
        _ => Operation::Compare {
            op: name,
            quantifier,
            value,
        },
    }
}

/// `order=` value → terms.
pub fn parse_order(value: &str) -> Result<Vec<OrderTerm>, Error> {
    let pairs = QueryParser::parse(Rule::order, value).map_err(|e| {
        fail(
            format!("failed to parse order ({value})"),
            value,
            0,
            e,
            parse_error::order,
        )
    })?;
    let mut terms = Vec::new();
    for term in pairs.flatten().filter(|p| p.as_rule() == Rule::order_term) {
        let mut t = OrderTerm {
            field: Field {
                name: String::new(),
                path: Vec::new(),
            },
            descending: None,
            nulls_first: None,
        };
        for p in term.into_inner() {
            match p.as_rule() {
                Rule::field => t.field = field_of(p),
                Rule::direction => t.descending = Some(p.as_str() == "desc"),
                Rule::nulls => t.nulls_first = Some(p.as_str() == "nullsfirst"),
                _ => {}
            }
        }
        terms.push(t);
    }
    Ok(terms)
}

fn field_of(pair: Pair<Rule>) -> Field {
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
                Some(k) => JsonKey::Key(k.into_inner().next().map(name_of).unwrap_or_default()),
                None => JsonKey::Key(String::new()),
            };
            path.push((arrow, key));
        }
    }
    Field { name, path }
}

/// A bare or quoted name → its text (bare names lose surrounding spaces, as in PostgREST).
fn name_of(pair: Pair<Rule>) -> String {
    match pair.as_rule() {
        Rule::quoted_value => unquote(pair),
        _ => pair.as_str().trim().to_string(),
    }
}

/// `"a\"b"` → `a"b`: a backslash keeps the next character literally.
fn unquote(pair: Pair<Rule>) -> String {
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

fn unsupported(what: Unsupported) -> Error {
    match what {
        Unsupported::Embedding(name) => Error::not_implemented(format!(
            "embedding resources ('{name}') is not served by this version of budgetbee"
        )),
        Unsupported::Aggregate => Error::aggregates_disabled(),
    }
}

/// A parse failure worded as PostgREST words it: `refine` knows the common cases exactly, the
/// generic rendering of pest's error is the fallback.
fn fail(
    what: String,
    text: &str,
    offset: usize,
    e: pest::error::Error<Rule>,
    refine: fn(&Failure, Error) -> Error,
) -> Error {
    let pos = match e.line_col {
        pest::error::LineColLocation::Pos((_, c))
        | pest::error::LineColLocation::Span((_, c), _) => c - 1,
    };
    let fallback = parse_error(&what, offset, e);
    refine(
        &Failure {
            what,
            text,
            pos,
            offset,
        },
        fallback,
    )
}

/// Renders a pest error the way PostgREST renders Parsec's: the message says what failed and
/// where, the details say what was found and what was expected.
fn parse_error(what: &str, offset: usize, e: pest::error::Error<Rule>) -> Error {
    let (line, col) = match e.line_col {
        pest::error::LineColLocation::Pos(p) | pest::error::LineColLocation::Span(p, _) => p,
    };
    let found = e.line().chars().nth(col.saturating_sub(1));
    let unexpected = match found {
        Some(c) => format!("unexpected \"{c}\""),
        None => "unexpected end of input".to_string(),
    };
    let expected: Vec<&str> = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            let mut v: Vec<&str> = positives.iter().map(describe).collect();
            v.sort();
            v.dedup();
            v
        }
        pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let details = if expected.is_empty() {
        unexpected
    } else {
        format!("{unexpected} expecting {}", expected.join(", "))
    };
    Error::query_param(
        format!("\"{what}\" (line {line}, column {})", col + offset),
        details,
    )
}

fn describe(rule: &Rule) -> &'static str {
    match rule {
        Rule::star
        | Rule::bare_name
        | Rule::ident_part
        | Rule::quoted_value
        | Rule::field
        | Rule::column
        | Rule::embed
        | Rule::alias
        | Rule::count_star => "field name (* or [a..z0..9_$])",
        Rule::quoted_inner | Rule::escaped => "closing quote",
        Rule::cast => "cast type",
        Rule::aggregate => "aggregate function",
        Rule::arrow | Rule::json_op | Rule::json_path => "\"->>\" or \"->\"",
        Rule::json_index | Rule::json_key => "json path key or index",
        Rule::negation
        | Rule::in_op
        | Rule::is_op
        | Rule::fts_op
        | Rule::fts_name
        | Rule::quant_op
        | Rule::quant_name
        | Rule::simple_op
        | Rule::simple_name
        | Rule::logic_fts
        | Rule::logic_quant
        | Rule::logic_simple => {
            "operator (eq, gt, lt, gte, lte, neq, like, ilike, match, imatch, in, is, isdistinct, cs, cd, ov, sl, sr, nxr, nxl, adj, fts, plfts, phfts, wfts)"
        }
        Rule::is_value => "null or trilean value (unknown, true, false)",
        Rule::quantifier => "\"any\" or \"all\"",
        Rule::language => "language",
        Rule::list => "\"(\"",
        Rule::logic_expr | Rule::logic_name | Rule::logic_filter => "logic operator or filter",
        Rule::direction | Rule::nulls => "asc, desc, nullsfirst or nullslast",
        Rule::order_term => "order term",
        Rule::EOI => "\",\" or end of input",
        _ => "valid syntax",
    }
}

#[cfg(test)]
mod unit;
