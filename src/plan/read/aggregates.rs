//! Aggregates and to-many spreads (which aggregate each column into an array): the check that
//! they are enabled, aggregates hoisted out of to-one spreads, a to-many spread's order.

use crate::api;
use crate::error::Error;
use crate::plan::tree::*;

/// With aggregates disabled, neither aggregate functions nor to-many spreads (which aggregate
/// each column into an array) are allowed (SpreadQueriesSpec).
pub(super) fn validate_aggregates(node: &ReadNode, enabled: bool) -> Result<(), Error> {
    if enabled {
        return Ok(());
    }
    let mut any = false;
    node.walk(&mut |n| {
        let to_many_spread = matches!(
            n.embedding.as_ref().and_then(|e| e.spread.as_ref()),
            Some(Spread::ToMany { .. })
        );
        any |= n.has_aggregates() || to_many_spread;
    });
    if any {
        return Err(Error::aggregates_disabled());
    }
    Ok(())
}

/// An aggregate inside a to-one spread is computed by the nearest ancestor that is not itself
/// a to-one spread (PostgREST's `hoistSpreadAggFunctions`): summing one joined row would be a
/// no-op. (agg alias, field name) → (aggregate, its cast, its alias).
type Hoisted = (
    (String, String),
    (api::Aggregate, Option<String>, Option<String>),
);

pub(super) fn hoist_spread_aggregates(tree: &mut ReadNode) {
    hoist(tree);
}

fn hoist(node: &mut ReadNode) -> Vec<Hoisted> {
    let from_children: Vec<Hoisted> = node.children.iter_mut().flat_map(hoist).collect();
    let to_one_spread = matches!(
        node.embedding.as_ref().and_then(|e| e.spread.as_ref()),
        Some(Spread::ToOne)
    );
    let agg_alias = node
        .embedding
        .as_ref()
        .map(|e| e.agg_alias.clone())
        .unwrap_or_default();
    let mut hoisted = Vec::new();
    if node.depth > 0 && to_one_spread {
        for s in &mut node.select {
            if let Some(agg) = s.aggregate.take() {
                let name = s.alias.clone().unwrap_or_else(|| s.field.name.clone());
                hoisted.push((
                    (agg_alias.clone(), name),
                    (agg, s.aggregate_cast.take(), s.alias.clone()),
                ));
            }
        }
    }
    if to_one_spread {
        hoisted.extend(
            from_children
                .into_iter()
                .map(|((_, name), agg)| ((agg_alias.clone(), name), agg)),
        );
        hoisted
    } else {
        for r in &mut node.rel_selects {
            if let RelSelect::Spread { agg_alias, fields } = r {
                for f in fields {
                    let key = (agg_alias.clone(), f.name.clone());
                    if let Some((_, (agg, cast, alias))) =
                        from_children.iter().find(|(k, _)| *k == key)
                    {
                        f.aggregate = Some(*agg);
                        f.aggregate_cast = cast.clone();
                        f.alias = alias.clone();
                    }
                }
            }
        }
        hoisted
    }
}

/// A to-many spread aggregates each column into an array ordered by `rel.order`: the order
/// moves into the spread, reading extra columns the child selects under unique aliases.
pub(super) fn add_to_many_order_selects(node: &mut ReadNode) -> Result<(), Error> {
    let agg_alias = node
        .embedding
        .as_ref()
        .map(|e| e.agg_alias.clone())
        .unwrap_or_default();
    let aggregates_in_spreads = node.rel_selects.iter().any(|r| match r {
        RelSelect::Spread { fields, .. } => fields.iter().any(|f| f.aggregate.is_some()),
        RelSelect::Json { .. } => false,
    });
    let has_aggregates = node.has_aggregates();
    let order = std::mem::take(&mut node.order);
    if let Some(Spread::ToMany {
        extra,
        order: spread_order,
    }) = node.embedding.as_mut().and_then(|e| e.spread.as_mut())
    {
        if has_aggregates || aggregates_in_spreads {
            return Err(Error::not_implemented(
                "Aggregates are not implemented for one-to-many or many-to-many spreads.",
            ));
        }
        for (i, term) in order.into_iter().enumerate() {
            let (qualifier, field, direction, nulls) = match term {
                OrderTerm::Field {
                    field,
                    direction,
                    nulls,
                } => (None, field, direction, nulls),
                OrderTerm::Related {
                    agg_alias,
                    field,
                    direction,
                    nulls,
                } => (Some(agg_alias), field, direction, nulls),
            };
            let alias = format!("{agg_alias}_{}_{}", field.name, i + 1);
            extra.push((
                qualifier,
                SelectField {
                    field: field.clone(),
                    cast: None,
                    aggregate: None,
                    aggregate_cast: None,
                    alias: Some(alias.clone()),
                },
            ));
            spread_order.push(OrderTerm::Field {
                field: TypedField::unknown(&alias, Vec::new()),
                direction,
                nulls,
            });
        }
    } else {
        node.order = order;
    }
    for child in &mut node.children {
        add_to_many_order_selects(child)?;
    }
    Ok(())
}
