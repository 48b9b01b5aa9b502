//! The select list: the tree built from `select` (each embed a child node), fields resolved
//! against the schema cache, then, over the whole tree, `*` expanded where it must be named
//! column by column and the names PostgREST gives fields.

use super::Root;
use crate::api::{self, Range, SelectItem};
use crate::plan::tree::*;
use crate::schema::{JSON_OID, QualifiedName, SchemaCache, TEXT_OID};

pub(super) fn init(
    cache: &SchemaCache,
    select: &[SelectItem],
    name: &QualifiedName,
    root: Root,
) -> ReadNode {
    let (source, alias) = match root {
        Root::Relation => (Source::Relation(name.clone()), None),
        // PostgREST reads a write's or a call's result as `pgrst_source AS <name>`.
        Root::WriteResult | Root::CallResult => (Source::Produced, Some(name.name.clone())),
    };
    let mut node = ReadNode {
        source,
        relation: name.clone(),
        alias,
        select: Vec::new(),
        conditions: Vec::new(),
        order: Vec::new(),
        range: Range::ALL,
        depth: 0,
        embedding: None,
        rel_selects: Vec::new(),
        children: Vec::new(),
    };
    fill(cache, &mut node, select);
    node
}

/// A node's select fields and children. Fields are resolved against the name the node has so
/// far (for an embed, its select name in the request's schema), as PostgREST resolves them
/// before it looks for relationships.
fn fill(cache: &SchemaCache, node: &mut ReadNode, select: &[SelectItem]) {
    for item in select {
        match item {
            SelectItem::Star => node.select.push(SelectField {
                field: TypedField::unknown("*", Vec::new()),
                cast: None,
                aggregate: None,
                aggregate_cast: None,
                alias: None,
            }),
            SelectItem::Field {
                field,
                alias,
                cast,
                aggregate,
                aggregate_cast,
            } => node.select.push(SelectField {
                field: resolve_output(cache, &node.relation, field),
                cast: cast.clone(),
                aggregate: *aggregate,
                aggregate_cast: aggregate_cast.clone(),
                alias: alias.clone(),
            }),
            SelectItem::Embed(e) => {
                let name = QualifiedName::new(&node.relation.schema, &e.name);
                let mut child = ReadNode {
                    source: Source::Relation(name.clone()),
                    relation: name,
                    alias: None,
                    select: Vec::new(),
                    conditions: Vec::new(),
                    order: Vec::new(),
                    range: Range::ALL,
                    depth: node.depth + 1,
                    embedding: Some(Embedding {
                        name: e.name.clone(),
                        alias: if e.spread { None } else { e.alias.clone() },
                        hint: e.hint.clone(),
                        join: e.join,
                        spread: e.spread.then_some(Spread::ToOne),
                        agg_alias: String::new(),
                        to_one: false,
                        junction: None,
                        conditions: Vec::new(),
                        parent_columns: Vec::new(),
                        resolved: false,
                    }),
                    rel_selects: Vec::new(),
                    children: Vec::new(),
                };
                fill(cache, &mut child, &e.select);
                node.children.push(child);
            }
        }
    }
}

/// A field of `relation`: json and jsonb columns take JSON paths directly, anything else
/// (unknown names included) through `to_jsonb`.
pub(super) fn resolve(
    cache: &SchemaCache,
    relation: &QualifiedName,
    field: &api::Field,
) -> TypedField {
    let column = cache
        .relations
        .get(&(relation.schema.clone(), relation.name.clone()))
        .and_then(|r| r.column(&field.name));
    TypedField {
        name: field.name.clone(),
        path: field.path.clone(),
        to_json: column.is_none_or(|c| !c.is_json()),
        to_tsvector: column.is_some_and(|c| c.data_type != "tsvector"),
        full_row: false,
        transform: None,
    }
}

/// The type of a column of `relation`, if the schema cache knows it.
fn column_type(cache: &SchemaCache, relation: &QualifiedName, name: &str) -> Option<u32> {
    cache
        .relations
        .get(&(relation.schema.clone(), relation.name.clone()))
        .and_then(|r| r.column(name))
        .map(|c| c.type_oid)
}

/// A selected field: a column whose domain has a representation as json is written through it
/// (PostgREST's resolveOutputField).
fn resolve_output(cache: &SchemaCache, relation: &QualifiedName, field: &api::Field) -> TypedField {
    TypedField {
        transform: column_type(cache, relation, &field.name)
            .and_then(|t| cache.representation(t, JSON_OID))
            .cloned(),
        ..resolve(cache, relation, field)
    }
}

/// A filtered field: a filter value is read into the column's domain through its
/// representation from text, if it has one (PostgREST's resolveQueryInputField).
pub(in crate::plan) fn resolve_input(
    cache: &SchemaCache,
    relation: &QualifiedName,
    field: &api::Field,
) -> TypedField {
    TypedField {
        transform: column_type(cache, relation, &field.name)
            .and_then(|t| cache.representation(TEXT_OID, t))
            .cloned(),
        ..resolve(cache, relation, field)
    }
}

/// `*` becomes the table's columns where an aggregate (in the node or above it) or a to-many
/// spread needs named columns to group by, or where a column has a data representation to be
/// written through (PostgREST's expandStarsForDataRepresentations); `count()` in a spread
/// counts whole rows.
pub(super) fn expand_stars(node: &mut ReadNode, cache: &SchemaCache, above: bool) {
    let to_many_spread = matches!(
        node.embedding.as_ref().and_then(|e| e.spread.as_ref()),
        Some(Spread::ToMany { .. })
    );
    let has_agg = above || node.has_aggregates() || to_many_spread;
    let spread = node.embedding.as_ref().is_some_and(|e| e.spread.is_some());
    let star = |s: &SelectField| s.field.name == "*" && s.field.path.is_empty();
    let expandable = node.select.iter().any(|s| star(s) && s.aggregate.is_none());
    let relation = cache
        .relations
        .get(&(node.relation.schema.clone(), node.relation.name.clone()));
    let represented = relation.is_some_and(|r| {
        r.columns
            .iter()
            .any(|c| cache.representation(c.type_oid, JSON_OID).is_some())
    });
    if (has_agg || represented) && expandable {
        let columns: Vec<String> = relation
            .map(|r| r.columns.iter().map(|c| c.name.clone()).collect())
            .unwrap_or_default();
        let relation = node.relation.clone();
        node.select = std::mem::take(&mut node.select)
            .into_iter()
            .flat_map(|s| {
                if star(&s) && s.aggregate.is_none() {
                    columns
                        .iter()
                        .map(|c| SelectField {
                            field: resolve_output(cache, &relation, &api::Field::named(c)),
                            ..s.clone()
                        })
                        .collect()
                } else {
                    vec![s]
                }
            })
            .collect();
    }
    if spread {
        for s in node
            .select
            .iter_mut()
            .filter(|s| s.field.name == "*" && s.aggregate == Some(api::Aggregate::Count))
        {
            s.field.full_row = true;
        }
    }
    for child in &mut node.children {
        expand_stars(child, cache, has_agg);
    }
}

/// Names PostgREST gives fields: the last key of a JSON path, and the aggregate's name for an
/// aggregate inside a spread (the parent selects it by that name).
pub(super) fn add_aliases(node: &mut ReadNode) {
    let spread = node.embedding.as_ref().is_some_and(|e| e.spread.is_some());
    for s in &mut node.select {
        if s.alias.is_some() {
            continue;
        }
        if let Some(agg) = s.aggregate {
            if spread {
                s.alias = Some(aggregate_name(agg).to_string());
            }
        } else if !s.field.path.is_empty() {
            let api_field = api::Field {
                name: s.field.name.clone(),
                path: s.field.path.clone(),
            };
            s.alias = Some(api_field.output_name());
        } else if s.field.transform.is_some() && s.cast.is_none() {
            // A formatted column keeps its name (PostgREST's addDataRepresentationAliases);
            // with a cast on top it is named as Postgres names the cast expression.
            s.alias = Some(s.field.name.clone());
        }
    }
    for child in &mut node.children {
        add_aliases(child);
    }
}

pub fn aggregate_name(agg: api::Aggregate) -> &'static str {
    match agg {
        api::Aggregate::Sum => "sum",
        api::Aggregate::Avg => "avg",
        api::Aggregate::Max => "max",
        api::Aggregate::Min => "min",
        api::Aggregate::Count => "count",
    }
}
