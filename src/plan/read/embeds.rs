//! The passes that look at a node's embedded children once their relationships are known:
//! orders by a to-one embed's column, `rel=is.null` filters on an embed, and what each parent
//! selects of its children.

use crate::api;
use crate::error::Error;
use crate::plan::tree::*;

/// `order=rel(col)` must name an embedded to-one resource; it then sorts by its join alias.
pub(super) fn add_related_orders(node: &mut ReadNode) -> Result<(), Error> {
    for term in &mut node.order {
        let OrderTerm::Related { agg_alias, .. } = term else {
            continue;
        };
        let child = node
            .children
            .iter()
            .filter_map(|c| c.embedding.as_ref())
            .find(|e| e.label() == agg_alias.as_str())
            .ok_or_else(|| Error::not_embedded(agg_alias))?;
        if !child.to_one {
            return Err(Error::related_order_not_to_one(
                &node.relation.name,
                child.label(),
            ));
        }
        *agg_alias = child.agg_alias.clone();
    }
    for child in &mut node.children {
        add_related_orders(child)?;
    }
    Ok(())
}

/// `rel=is.null` / `rel=not.is.null` on an embedded resource test its join result. Any other
/// filter named like an embed stays a filter on a column of that name (PostgREST dropped its
/// PGRST120 for those in 11.2.1).
pub(super) fn add_null_embed_filters(node: &mut ReadNode) {
    let embeds: Vec<(String, String)> = node
        .children
        .iter()
        .filter_map(|c| c.embedding.as_ref())
        .map(|e| (e.label().to_string(), e.agg_alias.clone()))
        .collect();
    for c in &mut node.conditions {
        null_embed(c, &embeds);
    }
    for child in &mut node.children {
        add_null_embed_filters(child);
    }
}

/// `embeds`: (label, agg alias) of each child.
fn null_embed(c: &mut Condition, embeds: &[(String, String)]) {
    match c {
        Condition::Tree { children, .. } => {
            for child in children {
                null_embed(child, embeds);
            }
        }
        Condition::Filter {
            field,
            negated,
            operation: api::Operation::Is(api::IsValue::Null),
        } if field.path.is_empty() => {
            if let Some((_, agg_alias)) = embeds.iter().find(|(l, _)| *l == field.name) {
                *c = Condition::NullEmbed {
                    not_null: *negated,
                    agg_alias: agg_alias.clone(),
                };
            }
        }
        _ => {}
    }
}

/// What each parent selects of its children: the embedded JSON (skipped when the child, and
/// everything below it, selects nothing) or a spread's columns.
pub(super) fn add_rel_selects(node: &mut ReadNode) {
    for child in &mut node.children {
        add_rel_selects(child);
    }
    node.rel_selects = node.children.iter().filter_map(rel_select).collect();
}

fn rel_select(child: &ReadNode) -> Option<RelSelect> {
    let e = child.embedding.as_ref()?;
    Some(match e.spread {
        Some(_) => RelSelect::Spread {
            agg_alias: e.agg_alias.clone(),
            fields: spread_fields(child),
        },
        None => RelSelect::Json {
            name: e.label().to_string(),
            agg_alias: e.agg_alias.clone(),
            to_one: e.to_one,
            empty: selects_nothing(child),
        },
    })
}

fn selects_nothing(node: &ReadNode) -> bool {
    node.select.is_empty() && node.children.iter().all(selects_nothing)
}

/// A spread child's columns as its parent sees them: its fields by output name, then what it
/// selects of its own children.
fn spread_fields(child: &ReadNode) -> Vec<SpreadField> {
    let own = child.select.iter().map(|s| SpreadField {
        name: s.output_name().to_string(),
        aggregate: None,
        aggregate_cast: None,
        alias: None,
    });
    let below = child.rel_selects.iter().flat_map(|r| match r {
        RelSelect::Json { name, .. } => vec![SpreadField {
            name: name.clone(),
            aggregate: None,
            aggregate_cast: None,
            alias: None,
        }],
        RelSelect::Spread { fields, .. } => fields.clone(),
    });
    own.chain(below).collect()
}
