//! `select=` → select items: columns (with alias, cast, aggregate), `*`, embedded resources.

use super::failure::fail;
use super::names::{field_of, name_of};
use super::{Aggregate, Embed, Field, JoinType, QueryParser, Rule, SelectItem};
use crate::api::parse_error;
use crate::error::Error;
use pest::Parser;
use pest::iterators::Pair;

/// `select=` value → items. An empty value is no item (the planner reads all columns then, as
/// PostgREST does); spaces alone are not a select list.
pub fn parse_select(value: &str) -> Result<Vec<SelectItem>, Error> {
    if value.is_empty() {
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
    let top = pairs.into_iter().next().expect("a select");
    Ok(select_items(top))
}

fn select_items(pair: Pair<Rule>) -> Vec<SelectItem> {
    pair.into_inner().filter_map(select_item).collect()
}

fn select_item(p: Pair<Rule>) -> Option<SelectItem> {
    match p.as_rule() {
        Rule::star => Some(SelectItem::Star),
        Rule::embed => Some(SelectItem::Embed(embed(p))),
        Rule::column => Some(column(p)),
        _ => None,
    }
}

fn embed(pair: Pair<Rule>) -> Embed {
    let mut e = Embed {
        name: String::new(),
        alias: None,
        hint: None,
        join: None,
        spread: false,
        select: Vec::new(),
    };
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::spread => e.spread = true,
            Rule::alias => e.alias = p.into_inner().next().map(name_of),
            Rule::embed_name => e.name = p.into_inner().next().map(name_of).unwrap_or_default(),
            // With two parameters of one kind, the first one counts (PostgREST's pEmbedParams).
            Rule::join_type => {
                let join = if p.as_str() == "inner" {
                    JoinType::Inner
                } else {
                    JoinType::Left
                };
                e.join.get_or_insert(join);
            }
            Rule::hint => {
                if e.hint.is_none() {
                    e.hint = p.into_inner().next().map(name_of);
                }
            }
            _ => e.select.extend(select_item(p)),
        }
    }
    e
}

fn column(pair: Pair<Rule>) -> SelectItem {
    let mut alias = None;
    let mut field = None;
    let mut cast = None;
    let mut aggregate = None;
    let mut aggregate_cast = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::alias => alias = p.into_inner().next().map(name_of),
            Rule::field => field = Some(field_of(p)),
            Rule::cast => cast = Some(p.as_str().trim().to_string()),
            Rule::aggregate => aggregate = Some(aggregate_of(p.as_str())),
            Rule::agg_cast => aggregate_cast = Some(p.as_str().trim().to_string()),
            Rule::count_star => {
                // `count()` is PostgREST's COUNT(*): the field `*` with an aggregate.
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::alias => alias = q.into_inner().next().map(name_of),
                        Rule::agg_cast => aggregate_cast = Some(q.as_str().trim().to_string()),
                        _ => {}
                    }
                }
                field = Some(Field::named("*"));
                aggregate = Some(Aggregate::Count);
            }
            _ => {}
        }
    }
    SelectItem::Field {
        field: field.expect("the grammar guarantees a field"),
        alias,
        cast,
        aggregate,
        aggregate_cast,
    }
}

fn aggregate_of(text: &str) -> Aggregate {
    match text.trim_end_matches("()") {
        "sum" => Aggregate::Sum,
        "avg" => Aggregate::Avg,
        "max" => Aggregate::Max,
        "min" => Aggregate::Min,
        _ => Aggregate::Count,
    }
}
