//! Filter values (`not.eq.5`, `in.(1,2)`, `fts(english).cat`) and logic trees (`or=(...)`).

use super::failure::fail;
use super::names::{field_of, unquote};
use super::{
    Field, Filter, FtsOperator, IsValue, LogicTree, Operation, Operator, Quantifier, QueryParser,
    Rule,
};
use crate::api::parse_error;
use crate::error::Error;
use pest::Parser;
use pest::iterators::Pair;

/// A filter's value (`not.eq.5`, `in.(1,2)`, `fts(english).cat`) → operation.
pub fn parse_filter(field: Field, value: &str) -> Result<Filter, Error> {
    if let Some(operation) = plain_comparison(value) {
        return Ok(Filter {
            field,
            negated: false,
            operation,
        });
    }
    parse_filter_by_grammar(field, value)
}

/// `eq.5`, `gte.x`: a comparison without negation or quantifier, the commonest filter, read
/// without the grammar (1.4% of a by-id read's CPU). The grammar reads the same: after the
/// operator and its dot, `value` takes the rest, dots included.
fn plain_comparison(value: &str) -> Option<Operation> {
    const PLAIN: [&str; 6] = ["eq", "neq", "gt", "gte", "lt", "lte"];
    let (name, rest) = value.split_once('.')?;
    PLAIN.contains(&name).then(|| Operation::Compare {
        op: Operator::from_name(name),
        quantifier: None,
        value: rest.to_string(),
    })
}

pub(super) fn parse_filter_by_grammar(field: Field, value: &str) -> Result<Filter, Error> {
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

/// On a function, whether a query parameter's value is an argument rather than a filter.
/// PostgREST tries the filter grammar first and takes the value as an argument only when it
/// fails without consuming input: `5` and `eq` are arguments, `eq.5` a filter, and `not.`,
/// `in.` and `is.` commit to a filter (`is.x` is an error, not an argument).
pub fn is_argument(value: &str) -> bool {
    let commits = ["not.", "in.", "is.", "isdistinct."];
    !commits.iter().any(|p| value.starts_with(p)) && parse_filter(Field::named(""), value).is_err()
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
            Rule::language => language = Some(p.as_str().trim().to_string()),
            Rule::value | Rule::logic_bare | Rule::pg_array => value = p.as_str().to_string(),
            Rule::quoted_value => value = unquote(p),
            Rule::list => {
                for item in p.into_inner() {
                    match item.as_rule() {
                        Rule::quoted_value => items.push(unquote(item)),
                        // Spaces inside an element are its own: `in.(a, b)` has " b".
                        _ => items.push(item.as_str().to_string()),
                    }
                }
                // `in.()` (or `in.(  )`) is one empty element: PostgREST's empty list.
                if items.len() == 1 && items[0].is_empty() {
                    items.clear();
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
            op: FtsOperator::from_name(&name),
            language,
            value,
        },
        _ => Operation::Compare {
            op: Operator::from_name(&name),
            quantifier,
            value,
        },
    }
}
