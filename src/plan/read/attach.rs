//! The request's filters, logic trees, orders and ranges, attached to the nodes their embed
//! paths name; `db-max-rows` capping every node's range.

use super::Root;
use super::select::{resolve, resolve_input};
use crate::api::{self, ApiRequest, EmbedPath, LogicTree};
use crate::error::Error;
use crate::plan::tree::*;
use crate::schema::{QualifiedName, SchemaCache};

/// The node an embed path names (`a.b` → child `a`, its child `b`), matched by name or alias.
/// As PostgREST's `updateNode`, each child on the way moves to the front of its siblings (which
/// shows in the order of embedded keys); passes visit their parameters last to first, as its
/// `foldr` does.
fn node_at<'t>(tree: &'t mut ReadNode, path: &EmbedPath) -> Result<&'t mut ReadNode, Error> {
    let mut node = tree;
    for step in path {
        let i = node
            .children
            .iter()
            .position(|c| c.embedding.as_ref().is_some_and(|e| e.answers_to(step)))
            .ok_or_else(|| Error::not_embedded(step))?;
        let child = node.children.remove(i);
        node.children.insert(0, child);
        node = &mut node.children[0];
    }
    Ok(node)
}

pub(super) fn condition(
    cache: &SchemaCache,
    relation: &QualifiedName,
    f: &api::Filter,
) -> Condition {
    Condition::Filter {
        field: resolve_input(cache, relation, &f.field),
        negated: f.negated,
        operation: f.operation.clone(),
    }
}

pub(in crate::plan) fn logic(
    cache: &SchemaCache,
    relation: &QualifiedName,
    tree: &LogicTree,
) -> Condition {
    match tree {
        LogicTree::Filter(f) => condition(cache, relation, f),
        LogicTree::Expr {
            negated,
            or,
            children,
        } => Condition::Tree {
            negated: *negated,
            or: *or,
            children: children.iter().map(|c| logic(cache, relation, c)).collect(),
        },
    }
}

/// A write's own filters select the rows it changes; only embedded ones shape its result.
fn applies(root: Root, path: &EmbedPath) -> bool {
    root.reads_rows() || !path.is_empty()
}

/// Each condition goes to the node its path names, first among that node's conditions (as
/// PostgREST prepends them). Filters and logic trees are attached alike.
pub(super) fn add_conditions<T>(
    tree: &mut ReadNode,
    items: &[(EmbedPath, T)],
    root: Root,
    resolve: impl Fn(&QualifiedName, &T) -> Condition,
) -> Result<(), Error> {
    for (path, item) in items.iter().rev().filter(|(p, _)| applies(root, p)) {
        let node = node_at(tree, path)?;
        let c = resolve(&node.relation, item);
        node.conditions.insert(0, c);
    }
    Ok(())
}

pub(super) fn add_orders(
    tree: &mut ReadNode,
    cache: &SchemaCache,
    req: &ApiRequest,
) -> Result<(), Error> {
    for (path, terms) in req.query.order.iter().rev() {
        let node = node_at(tree, path)?;
        node.order = terms
            .iter()
            .map(|t| match &t.target {
                api::OrderTarget::Field(f) => OrderTerm::Field {
                    field: resolve(cache, &node.relation, f),
                    direction: t.direction,
                    nulls: t.nulls,
                },
                // The relation becomes its join alias in add_related_orders.
                api::OrderTarget::Related { relation, field } => OrderTerm::Related {
                    agg_alias: relation.clone(),
                    field: TypedField {
                        to_json: false,
                        ..TypedField::unknown(&field.name, field.path.clone())
                    },
                    direction: t.direction,
                    nulls: t.nulls,
                },
            })
            .collect();
    }
    Ok(())
}

pub(super) fn add_ranges(tree: &mut ReadNode, req: &ApiRequest) -> Result<(), Error> {
    tree.range = req.query.range;
    for (path, range) in req.query.embed_ranges.iter().rev() {
        node_at(tree, path)?.range = *range;
    }
    Ok(())
}

/// `db-max-rows` caps every node (a `limit=0` stays zero).
pub(super) fn restrict_ranges(node: &mut ReadNode, max_rows: Option<i64>) {
    if node.range.limit() != Some(0) {
        node.range = node.range.restrict(max_rows);
    }
    for child in &mut node.children {
        restrict_ranges(child, max_rows);
    }
}
