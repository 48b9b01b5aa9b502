//! Fields as SQL expressions: a column, `*`, the row or a JSON path; a select item with its
//! transform, cast, aggregate and alias; an order term; the GROUP BY of an aggregating node.

use super::embed::spread_column;
use crate::plan::{
    Aggregate, Arrow, Direction, JsonKey, Nulls, OrderTerm, ReadNode, RelSelect, SelectField,
    TypedField,
};
use crate::sql::{Statement, qualified, quote_ident};

/// ` GROUP BY` the non-aggregated fields, embeds and spread columns, when anything in the
/// node aggregates (PostgREST's `groupF`).
pub(super) fn group_by(q: &str, node: &ReadNode) -> String {
    let spread_aggregates = node.rel_selects.iter().any(|r| match r {
        RelSelect::Spread { fields, .. } => fields.iter().any(|f| f.aggregate.is_some()),
        RelSelect::Json { .. } => false,
    });
    if !node.has_aggregates() && !spread_aggregates {
        return String::new();
    }
    let mut terms: Vec<String> = node
        .select
        .iter()
        .filter(|f| f.aggregate.is_none())
        .map(|f| match &f.alias {
            Some(alias) => quote_ident(alias),
            None => field(&mut Statement::default(), q, &f.field),
        })
        .collect();
    for r in &node.rel_selects {
        match r {
            RelSelect::Json { name, .. } => terms.push(quote_ident(name)),
            RelSelect::Spread { agg_alias, fields } => {
                let columns: Vec<String> = fields
                    .iter()
                    .filter(|f| f.aggregate.is_none())
                    .map(|f| spread_column(agg_alias, f.alias.as_deref().unwrap_or(&f.name)))
                    .collect();
                if !columns.is_empty() {
                    terms.push(columns.join(", "));
                }
            }
        }
    }
    if terms.is_empty() {
        String::new()
    } else {
        format!(" GROUP BY {}", terms.join(", "))
    }
}

pub(super) fn select_field(s: &mut Statement, q: &str, f: &SelectField) -> String {
    let mut expr = field(s, q, &f.field);
    if let Some(t) = &f.field.transform {
        expr = format!("{}({expr})", qualified(&t.schema, &t.name));
    }
    if let Some(cast) = &f.cast {
        // Type names are restricted by the grammar to letters, digits, `_`, `$` and spaces,
        // and cannot be quoted (`int` is not a type name, `integer` is).
        expr = format!("CAST({expr} AS {cast})");
    }
    with_alias(
        aggregate(f.aggregate, f.aggregate_cast.as_deref(), expr),
        f.alias.as_deref(),
    )
}

pub(super) fn aggregate(agg: Option<Aggregate>, cast: Option<&str>, expr: String) -> String {
    let Some(agg) = agg else { return expr };
    let name = crate::plan::aggregate_name(agg).to_ascii_uppercase();
    let expr = format!("{name}({expr})");
    match cast {
        Some(cast) => format!("CAST({expr} AS {cast})"),
        None => expr,
    }
}

pub(super) fn with_alias(expr: String, alias: Option<&str>) -> String {
    match alias {
        Some(a) => format!("{expr} AS {}", quote_ident(a)),
        None => expr,
    }
}

/// A column of `q`, `*`, the row itself, or a JSON path into a column. Arrows apply to json
/// and jsonb directly; anything else goes through `to_jsonb`, as PostgREST does for composites
/// and arrays.
pub(super) fn field(s: &mut Statement, q: &str, f: &TypedField) -> String {
    if f.full_row {
        return q.to_string();
    }
    let column = if f.name == "*" {
        format!("{q}.*")
    } else {
        format!("{q}.{}", quote_ident(&f.name))
    };
    if f.path.is_empty() {
        return column;
    }
    let mut expr = if f.to_json {
        format!("to_jsonb({column})")
    } else {
        column
    };
    for (arrow, key) in &f.path {
        let op = match arrow {
            Arrow::Json => "->",
            Arrow::Text => "->>",
        };
        let operand = match key {
            // Untyped, like PostgREST's literal: Postgres picks the text-key operator.
            JsonKey::Key(k) => s.bind(k.clone()),
            JsonKey::Index(i) => format!("{}::integer", s.bind(i.to_string())),
        };
        expr = format!("{expr}{op}{operand}");
    }
    expr
}

pub(super) fn order_term(s: &mut Statement, q: &str, t: &OrderTerm) -> String {
    let (mut term, direction, nulls) = match t {
        OrderTerm::Field {
            field: f,
            direction,
            nulls,
        } => (field(s, q, f), direction, nulls),
        OrderTerm::Related {
            agg_alias,
            field: f,
            direction,
            nulls,
        } => (field(s, &quote_ident(agg_alias), f), direction, nulls),
    };
    match direction {
        Some(Direction::Desc) => term.push_str(" DESC"),
        Some(Direction::Asc) => term.push_str(" ASC"),
        None => {}
    }
    match nulls {
        Some(Nulls::First) => term.push_str(" NULLS FIRST"),
        Some(Nulls::Last) => term.push_str(" NULLS LAST"),
        None => {}
    }
    term
}
