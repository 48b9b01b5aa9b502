//! One node's SELECT (its fields, lateral joins, WHERE, GROUP BY, ORDER BY, LIMIT/OFFSET) and
//! PostgREST's count query over the same rows; the FROM and join conditions both share.

use super::embed::{join, rel_select};
use super::fields::{group_by, order_term, select_field};
use super::filter::{condition, tree};
use crate::plan::{Condition, JoinCondition, JoinType, QualifiedName, ReadNode, Source, Spread};
use crate::sql::{Statement, qualified, quote_ident, rows, where_};

/// One node: `SELECT … FROM … <lateral joins> WHERE … GROUP BY … ORDER BY … LIMIT … OFFSET …`.
pub(in crate::sql) fn node_query(s: &mut Statement, node: &ReadNode) -> String {
    let q = name(&node.qualifier());
    let mut items: Vec<String> = if node.select.is_empty() && node.children.is_empty() {
        // Nothing selected reads every column (PostgREST's defSelect): `select=` gives whole
        // rows, and an empty embed still reads its rows (its parent ignores them).
        vec![format!("{q}.*")]
    } else {
        node.select.iter().map(|f| select_field(s, &q, f)).collect()
    };
    if let Some(Spread::ToMany { extra, .. }) =
        node.embedding.as_ref().and_then(|e| e.spread.as_ref())
    {
        for (qualifier, f) in extra {
            let q = qualifier
                .as_ref()
                .map_or_else(|| q.clone(), |a| quote_ident(a));
            items.push(select_field(s, &q, f));
        }
    }
    for r in &node.rel_selects {
        items.extend(rel_select(r));
    }
    let mut sql = format!("SELECT {} FROM {}", items.join(", "), from(node));
    for r in &node.rel_selects {
        if let Some(child) = node.children.iter().find(|c| {
            c.embedding
                .as_ref()
                .is_some_and(|e| e.agg_alias == r.agg_alias())
        }) {
            sql.push_str(&join(s, r, child));
        }
    }
    let conditions = node
        .conditions
        .iter()
        .map(|c| condition(s, &q, c))
        .collect();
    sql.push_str(&where_clause(conditions, node));
    sql.push_str(&group_by(&q, node));
    if !node.order.is_empty() {
        let terms: Vec<String> = node.order.iter().map(|t| order_term(s, &q, t)).collect();
        sql.push_str(&format!(" ORDER BY {}", terms.join(", ")));
    }
    if let Some(limit) = node.range.limit() {
        sql.push_str(&format!(" LIMIT {}", rows(limit)));
    }
    if node.range.first > 0 {
        let offset = s.bind(node.range.first.to_string());
        sql.push_str(&format!(" OFFSET {offset}::bigint"));
    }
    sql
}

/// PostgREST's count query (`readPlanToCountQuery`): the node's rows by its filters only, an
/// `!inner` embed as `EXISTS`, a null-embed filter as `[NOT] EXISTS`.
pub(in crate::sql) fn count_query(s: &mut Statement, node: &ReadNode) -> String {
    let q = name(&node.qualifier());
    let mut conditions: Vec<String> = node
        .conditions
        .iter()
        .map(|c| count_condition(s, &q, c, node))
        .collect();
    for child in &node.children {
        if child.embedding.as_ref().and_then(|e| e.join) == Some(JoinType::Inner) {
            conditions.push(format!("EXISTS ({} )", count_query(s, child)));
        }
    }
    format!(
        "SELECT 1 FROM {}{}",
        from(node),
        where_clause(conditions, node)
    )
}

/// ` WHERE <conditions> AND <join conditions>`, or nothing.
fn where_clause(mut conditions: Vec<String>, node: &ReadNode) -> String {
    conditions.extend(
        node.embedding
            .iter()
            .flat_map(|e| &e.conditions)
            .map(join_condition),
    );
    where_(&conditions)
}

fn count_condition(s: &mut Statement, q: &str, c: &Condition, node: &ReadNode) -> String {
    match c {
        Condition::NullEmbed {
            not_null,
            agg_alias,
        } => node
            .children
            .iter()
            .find(|ch| {
                ch.embedding
                    .as_ref()
                    .is_some_and(|e| e.agg_alias == *agg_alias)
            })
            .map(|child| {
                let not = if *not_null { "" } else { "NOT " };
                format!("{not}EXISTS ({})", count_query(s, child))
            })
            .unwrap_or_default(),
        Condition::Tree {
            negated,
            or,
            children,
        } => {
            let inner: Vec<String> = children
                .iter()
                .map(|c| count_condition(s, q, c, node))
                .collect();
            tree(*negated, *or, inner)
        }
        filter => condition(s, q, filter),
    }
}

/// ` FROM <relation or computed call> [AS alias] [, junction]`.
fn from(node: &ReadNode) -> String {
    let mut f = match &node.source {
        Source::Relation(r) => name(r),
        Source::Produced => quote_ident("pgrst_source"),
        // The argument is cast to the table type: a write's `pgrst_source` or an overloaded
        // function would otherwise not resolve.
        Source::Computed {
            function,
            argument,
            argument_type,
        } => format!(
            "{}({}::{})",
            name(function),
            quote_ident(&argument.name),
            name(argument_type)
        ),
    };
    if let Some(alias) = &node.alias {
        f.push_str(&format!(" AS {}", quote_ident(alias)));
    }
    if let Some(j) = node.embedding.as_ref().and_then(|e| e.junction.as_ref()) {
        f.push_str(&format!(", {}", name(j)));
    }
    f
}

/// `"schema"."name"`, or `"name"` for an alias.
fn name(q: &QualifiedName) -> String {
    if q.schema.is_empty() {
        quote_ident(&q.name)
    } else {
        qualified(&q.schema, &q.name)
    }
}

fn join_condition(c: &JoinCondition) -> String {
    format!(
        "{}.{} = {}.{}",
        name(&c.left.0),
        quote_ident(&c.left.1),
        name(&c.right.0),
        quote_ident(&c.right.1)
    )
}
