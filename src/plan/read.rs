//! ApiRequest → read tree, in PostgREST's passes (`Plan.readPlan`): build the tree from
//! `select`, attach filters, order, ranges and logic trees to their nodes, find each embed's
//! relationship and decide aliases, expand `*` where aggregates need it, then the passes that
//! need the whole tree (related orders, null-embed filters, what parents select of their
//! children, aggregate checks and hoisting, to-many spread ordering, `db-max-rows`). Each pass
//! is a function over the tree; errors are the first PostgREST would report.

use super::relate;
use super::tree::*;
use crate::api::{self, ApiRequest, EmbedPath, LogicTree, Range, SelectItem};
use crate::config::Config;
use crate::error::Error;
use crate::schema::{JSON_OID, QualifiedName, SchemaCache, TEXT_OID};

/// Where the requested resource's rows come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    /// A read of the table or view.
    Relation,
    /// The rows a write returned; the root's own filters went to the write.
    WriteResult,
    /// The rows a function returned, read like a table's.
    CallResult,
}

impl Root {
    /// Whether the root's own filters, ranges and `db-max-rows` apply to what is read: not to
    /// a write's result (its filters chose the rows written; its answer is never paged).
    fn reads_rows(self) -> bool {
        self != Root::WriteResult
    }
}

pub struct Settings {
    pub max_rows: Option<i64>,
    pub aggregates_enabled: bool,
}

/// The read tree of a request on `relation`, with the configuration's limits.
pub fn tree_for(
    req: &ApiRequest,
    cache: &SchemaCache,
    relation: &QualifiedName,
    root: Root,
    cfg: &Config,
) -> Result<ReadNode, Error> {
    let settings = Settings {
        // db-max-rows caps reads, never what a write returns.
        max_rows: cfg.db_max_rows.filter(|_| root.reads_rows()),
        aggregates_enabled: cfg.db_aggregates_enabled,
    };
    tree(req, cache, relation, root, &settings)
}

/// The read tree of a request on `relation` (for a call, the table or type its rows are, or
/// the function itself when it returns scalars).
pub fn tree(
    req: &ApiRequest,
    cache: &SchemaCache,
    name: &QualifiedName,
    root: Root,
    settings: &Settings,
) -> Result<ReadNode, Error> {
    let schema = name.schema.as_str();
    let mut tree = init(cache, &req.query.select, name, root);
    add_conditions(&mut tree, &req.query.filters, root, |r, f| {
        condition(cache, r, f)
    })?;
    add_orders(&mut tree, cache, req)?;
    if root.reads_rows() {
        add_ranges(&mut tree, req)?;
    }
    add_conditions(&mut tree, &req.query.logic, root, |r, t| logic(cache, r, t))?;
    relate::add_relationships(&mut tree, cache, schema)?;
    expand_stars(&mut tree, cache, false);
    add_aliases(&mut tree);
    add_related_orders(&mut tree)?;
    add_null_embed_filters(&mut tree);
    add_rel_selects(&mut tree);
    validate_aggregates(&tree, settings.aggregates_enabled)?;
    hoist_spread_aggregates(&mut tree);
    add_to_many_order_selects(&mut tree)?;
    if root.reads_rows() {
        restrict_ranges(&mut tree, settings.max_rows);
    }
    Ok(tree)
}

// ---------------------------------------------------------------------------------------------
// Building the tree

fn init(cache: &SchemaCache, select: &[SelectItem], name: &QualifiedName, root: Root) -> ReadNode {
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
pub(super) fn resolve_input(
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

fn condition(cache: &SchemaCache, relation: &QualifiedName, f: &api::Filter) -> Condition {
    Condition::Filter {
        field: resolve_input(cache, relation, &f.field),
        negated: f.negated,
        operation: f.operation.clone(),
    }
}

pub(super) fn logic(cache: &SchemaCache, relation: &QualifiedName, tree: &LogicTree) -> Condition {
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
fn add_conditions<T>(
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

fn add_orders(tree: &mut ReadNode, cache: &SchemaCache, req: &ApiRequest) -> Result<(), Error> {
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

fn add_ranges(tree: &mut ReadNode, req: &ApiRequest) -> Result<(), Error> {
    tree.range = req.query.range;
    for (path, range) in req.query.embed_ranges.iter().rev() {
        node_at(tree, path)?.range = *range;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Passes over the whole tree

/// `*` becomes the table's columns where an aggregate (in the node or above it) or a to-many
/// spread needs named columns to group by, or where a column has a data representation to be
/// written through (PostgREST's expandStarsForDataRepresentations); `count()` in a spread
/// counts whole rows.
fn expand_stars(node: &mut ReadNode, cache: &SchemaCache, above: bool) {
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
fn add_aliases(node: &mut ReadNode) {
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

/// `order=rel(col)` must name an embedded to-one resource; it then sorts by its join alias.
fn add_related_orders(node: &mut ReadNode) -> Result<(), Error> {
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
fn add_null_embed_filters(node: &mut ReadNode) {
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
fn add_rel_selects(node: &mut ReadNode) {
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

/// With aggregates disabled, neither aggregate functions nor to-many spreads (which aggregate
/// each column into an array) are allowed (SpreadQueriesSpec).
fn validate_aggregates(node: &ReadNode, enabled: bool) -> Result<(), Error> {
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

fn hoist_spread_aggregates(tree: &mut ReadNode) {
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
fn add_to_many_order_selects(node: &mut ReadNode) -> Result<(), Error> {
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

/// `db-max-rows` caps every node (a `limit=0` stays zero).
fn restrict_ranges(node: &mut ReadNode, max_rows: Option<i64>) {
    if node.range.limit() != Some(0) {
        node.range = node.range.restrict(max_rows);
    }
    for child in &mut node.children {
        restrict_ranges(child, max_rows);
    }
}

#[cfg(test)]
mod unit {
    use super::*;
    use crate::plan::fixture::{cache, get};

    fn plan(resource: &str, query: &str, aggregates: bool) -> Result<ReadNode, Error> {
        let cache = cache();
        let req = get(resource, query);
        let relation = cache.relation("public", resource).unwrap();
        let name = QualifiedName::new(&relation.schema, &relation.name);
        tree(
            &req,
            &cache,
            &name,
            Root::Relation,
            &Settings {
                max_rows: None,
                aggregates_enabled: aggregates,
            },
        )
    }

    fn embedding(node: &ReadNode) -> &Embedding {
        node.embedding.as_ref().unwrap()
    }

    #[test]
    fn many_to_one_gets_postgrest_aliases_and_join_condition() {
        let t = plan("transactions", "select=id,category:categories(name)", false).unwrap();
        let c = &t.children[0];
        let e = embedding(c);
        assert_eq!(c.alias.as_deref(), Some("categories_1"));
        assert_eq!(e.agg_alias, "transactions_category_1");
        assert!(e.to_one);
        assert_eq!(
            e.conditions,
            vec![JoinCondition {
                left: (QualifiedName::new("", "categories_1"), "id".into()),
                right: (
                    QualifiedName::new("public", "transactions"),
                    "category_id".into()
                ),
            }]
        );
        assert_eq!(e.parent_columns, vec!["category_id".to_string()]);
        assert_eq!(
            t.rel_selects,
            vec![RelSelect::Json {
                name: "category".into(),
                agg_alias: "transactions_category_1".into(),
                to_one: true,
                empty: false,
            }]
        );
    }

    #[test]
    fn one_to_many_many_to_many_and_computed() {
        let t = plan(
            "categories",
            "select=transactions(id,tags(name),owner(*))",
            false,
        )
        .unwrap();
        let tx = &t.children[0];
        assert!(!embedding(tx).to_one);
        let tags = &tx.children[0];
        let e = embedding(tags);
        // A junction is joined implicitly: no alias, the target named in full.
        assert_eq!(tags.alias, None);
        assert_eq!(
            e.junction,
            Some(QualifiedName::new("public", "transaction_tags"))
        );
        assert_eq!(e.agg_alias, "transactions_tags_2");
        assert_eq!(e.conditions.len(), 2);
        assert_eq!(
            e.conditions[1].right.0,
            QualifiedName::new("", "transactions_1")
        );
        let owner = &tx.children[1];
        assert!(embedding(owner).to_one);
        assert_eq!(
            owner.source,
            Source::Computed {
                function: QualifiedName::new("public", "owner"),
                argument: QualifiedName::new("", "transactions_1"),
                argument_type: QualifiedName::new("public", "transactions"),
            }
        );
    }

    #[test]
    fn a_self_reference_reads_children_by_table_and_the_parent_by_column() {
        let t = plan("members", "select=members(id),parent:sponsor_id(id)", false).unwrap();
        assert!(!embedding(&t.children[0]).to_one);
        assert!(embedding(&t.children[1]).to_one);
    }

    #[test]
    fn ambiguity_lists_candidates_in_postgrest_order_and_hints_resolve_it() {
        let e = plan("transfers", "select=*,accounts(*)", false).unwrap_err();
        let Error::Api {
            status,
            code,
            details,
            hint,
            ..
        } = e
        else {
            panic!()
        };
        assert_eq!((status, code), (300, "PGRST201"));
        assert_eq!(
            details.unwrap().to_string(),
            r#"[{"cardinality":"many-to-one","embedding":"transfers with accounts","relationship":"transfers_from_account_fkey using transfers(from_account) and accounts(id)"},{"cardinality":"many-to-one","embedding":"transfers with accounts","relationship":"transfers_to_account_fkey using transfers(to_account) and accounts(id)"}]"#
        );
        assert_eq!(
            hint.as_deref(),
            Some(
                "Try changing 'accounts' to one of the following: 'accounts!transfers_from_account_fkey', 'accounts!transfers_to_account_fkey'. Find the desired relationship in the 'details' key."
            )
        );
        for hint in ["transfers_to_account_fkey", "to_account"] {
            let t = plan("transfers", &format!("select=*,accounts!{hint}(*)"), false).unwrap();
            assert_eq!(
                embedding(&t.children[0]).parent_columns,
                vec!["to_account".to_string()]
            );
        }
    }

    #[test]
    fn no_relationship_suggests_a_close_name() {
        let e = plan("transactions", "select=categorie(*)", false).unwrap_err();
        let Error::Api { code, hint, .. } = e else {
            panic!()
        };
        assert_eq!(code, "PGRST200");
        assert_eq!(
            hint.as_deref(),
            Some("Perhaps you meant 'categories' instead of 'categorie'.")
        );
    }

    #[test]
    fn parameters_must_name_an_embedded_resource() {
        for query in [
            "select=id&clients.id=eq.1",
            "select=id&clients.order=id",
            "select=id&clients.limit=1",
            "select=id&clients.or=(id.eq.1)",
            "select=id&order=clients(id)",
        ] {
            let e = plan("transactions", query, false).unwrap_err();
            assert_eq!(e.code(), "PGRST108", "{query}");
        }
    }

    #[test]
    fn related_orders_need_a_to_one_embed() {
        let t = plan(
            "transactions",
            "select=id,categories(name)&order=categories(name).desc",
            false,
        )
        .unwrap();
        assert!(matches!(
            &t.order[0],
            OrderTerm::Related { agg_alias, .. } if agg_alias == "transactions_categories_1"
        ));
        let e = plan(
            "categories",
            "select=id,transactions(id)&order=transactions(id)",
            false,
        )
        .unwrap_err();
        assert_eq!(e.code(), "PGRST118");
    }

    #[test]
    fn null_embed_filters_test_the_join() {
        let t = plan(
            "categories",
            "select=id,transactions()&transactions=not.is.null&or=(transactions.is.null,id.eq.1)",
            false,
        )
        .unwrap();
        assert!(t.conditions.iter().any(|c| matches!(
            c,
            Condition::NullEmbed { not_null: true, agg_alias } if agg_alias == "categories_transactions_1"
        )));
        let Some(Condition::Tree { children, .. }) = t
            .conditions
            .iter()
            .find(|c| matches!(c, Condition::Tree { .. }))
        else {
            panic!()
        };
        assert!(matches!(
            children[0],
            Condition::NullEmbed {
                not_null: false,
                ..
            }
        ));
        assert!(matches!(
            t.rel_selects[0],
            RelSelect::Json { empty: true, .. }
        ));
    }

    #[test]
    fn a_targeted_embed_moves_first_as_in_postgrest() {
        let t = plan(
            "transactions",
            "select=categories(name),users(name)&users.name=eq.Ann",
            false,
        )
        .unwrap();
        assert_eq!(embedding(&t.children[0]).name, "users");
    }

    #[test]
    fn aggregates_need_enabling_and_hoist_out_of_to_one_spreads() {
        assert_eq!(
            plan("transactions", "select=amount.sum()", false)
                .unwrap_err()
                .code(),
            "PGRST123"
        );
        // A to-many spread aggregates its columns into arrays.
        assert_eq!(
            plan("categories", "select=...transactions(id)", false)
                .unwrap_err()
                .code(),
            "PGRST123"
        );
        let t = plan(
            "transactions",
            "select=amount.sum(),...categories(name)",
            true,
        )
        .unwrap();
        assert_eq!(t.select[0].aggregate, Some(api::Aggregate::Sum));
        let t = plan(
            "transactions",
            "select=category_id,...categories(id.count())",
            true,
        )
        .unwrap();
        assert_eq!(t.children[0].select[0].aggregate, None);
        let RelSelect::Spread { fields, .. } = &t.rel_selects[0] else {
            panic!()
        };
        assert_eq!(fields[0].aggregate, Some(api::Aggregate::Count));
        assert_eq!(fields[0].alias.as_deref(), Some("count"));
        assert_eq!(
            plan("categories", "select=...transactions(amount.sum())", true)
                .unwrap_err()
                .code(),
            "PGRST127"
        );
    }

    #[test]
    fn to_many_spread_order_moves_into_the_spread() {
        let t = plan(
            "categories",
            "select=...transactions(id)&transactions.order=amount.desc",
            true,
        )
        .unwrap();
        let c = &t.children[0];
        assert!(c.order.is_empty());
        let Some(Spread::ToMany { extra, order }) = &embedding(c).spread else {
            panic!()
        };
        assert_eq!(
            extra[0].1.alias.as_deref(),
            Some("categories_transactions_1_amount_1")
        );
        assert_eq!(order.len(), 1);
    }

    #[test]
    fn db_max_rows_caps_every_node() {
        let cache = cache();
        let req = get("categories", "select=transactions(id)&limit=5");
        let relation = cache.relation("public", "categories").unwrap().clone();
        let settings = Settings {
            max_rows: Some(2),
            aggregates_enabled: false,
        };
        let name = QualifiedName::new(&relation.schema, &relation.name);
        let t = tree(&req, &cache, &name, Root::Relation, &settings).unwrap();
        assert_eq!(t.range.limit(), Some(2));
        assert_eq!(t.children[0].range.limit(), Some(2));
    }
}
