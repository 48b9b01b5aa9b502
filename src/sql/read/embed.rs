//! Embedded resources: what a parent selects of each child (`row_to_json`, a `json_agg`
//! array, or a spread's columns) and the `JOIN LATERAL` that reads the child.

use super::fields::{aggregate, order_term, with_alias};
use super::node::node_query;
use crate::plan::{JoinType, OrderTerm, ReadNode, RelSelect, Spread, SpreadField};
use crate::sql::{Statement, quote_ident};

/// What a parent selects of one child.
pub(super) fn rel_select(r: &RelSelect) -> Vec<String> {
    match r {
        RelSelect::Json { empty: true, .. } => Vec::new(),
        RelSelect::Json {
            name,
            agg_alias,
            to_one: true,
            ..
        } => vec![format!(
            "row_to_json({}.*)::jsonb AS {}",
            quote_ident(agg_alias),
            quote_ident(name)
        )],
        RelSelect::Json {
            name, agg_alias, ..
        } => {
            let a = quote_ident(agg_alias);
            vec![format!("COALESCE( {a}.{a}, '[]') AS {}", quote_ident(name))]
        }
        RelSelect::Spread { agg_alias, fields } => fields
            .iter()
            .map(|f| {
                let column = spread_column(agg_alias, &f.name);
                let expr = aggregate(f.aggregate, f.aggregate_cast.as_deref(), column);
                with_alias(expr, f.alias.as_deref())
            })
            .collect(),
    }
}

pub(super) fn spread_column(agg_alias: &str, column: &str) -> String {
    if column == "*" {
        format!("{}.*", quote_ident(agg_alias))
    } else {
        format!("{}.{}", quote_ident(agg_alias), quote_ident(column))
    }
}

/// ` LEFT|INNER JOIN LATERAL ( <child> ) AS "<agg alias>" ON <condition>`.
pub(super) fn join(s: &mut Statement, r: &RelSelect, child: &ReadNode) -> String {
    let e = child.embedding.as_ref().expect("children are embeddings");
    let a = quote_ident(&e.agg_alias);
    let inner = e.join == Some(JoinType::Inner);
    let kind = if inner { "INNER" } else { "LEFT" };
    let on_rows = if inner {
        format!("{a} IS NOT NULL")
    } else {
        "TRUE".to_string()
    };
    let sub = node_query(s, child);
    let (sub, on) = match (r, &e.spread) {
        (RelSelect::Json { to_one: true, .. }, _)
        | (RelSelect::Spread { .. }, Some(Spread::ToOne)) => (sub, "TRUE".to_string()),
        (RelSelect::Spread { fields, .. }, Some(Spread::ToMany { order, .. })) => {
            let mut selects = vec![format!("json_agg({a})::jsonb AS {a}")];
            selects.extend(
                fields
                    .iter()
                    .map(|f| spread_array(s, &e.agg_alias, order, f)),
            );
            (
                format!("SELECT {} FROM ({sub} ) AS {a}", selects.join(", ")),
                on_rows,
            )
        }
        _ => (
            format!("SELECT json_agg({a})::jsonb AS {a} FROM ({sub} ) AS {a}"),
            on_rows,
        ),
    };
    format!(" {kind} JOIN LATERAL ( {sub} ) AS {a} ON {on}")
}

/// A to-many spread column: `COALESCE(json_agg("a"."col" ORDER BY …),'[]')::jsonb AS "col"`.
fn spread_array(
    s: &mut Statement,
    agg_alias: &str,
    order: &[OrderTerm],
    f: &SpreadField,
) -> String {
    let q = quote_ident(agg_alias);
    let order = if order.is_empty() {
        String::new()
    } else {
        let terms: Vec<String> = order.iter().map(|t| order_term(s, &q, t)).collect();
        format!(" ORDER BY {}", terms.join(", "))
    };
    format!(
        "COALESCE(json_agg({}{order}),'[]')::jsonb AS {}",
        spread_column(agg_alias, &f.name),
        quote_ident(f.alias.as_deref().unwrap_or(&f.name))
    )
}
