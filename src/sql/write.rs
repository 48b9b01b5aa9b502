//! PostgREST's write statement (`Statements.prepareWrite`): the INSERT / UPDATE / DELETE in a
//! CTE `pgrst_source` returning the changed rows, and one result row with the count, the
//! inserted count (upserts), the body (when the client wants a representation), the
//! `response.*` settings and the primary key of the first row (for `Location`).
//!
//! The body is one bind parameter, expanded in SQL with `json_to_recordset` typed by the
//! column types of the schema cache, as PostgREST does.

use super::read::{body_from, conditions, select_item};
use super::{Statement, qualified, quote_ident};
use crate::api::{Filter, LogicTree, MediaType, SelectItem};
use crate::schema::Relation;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// ON CONFLICT DO UPDATE: `resolution=merge-duplicates` (and PUT).
    Merge,
    /// ON CONFLICT DO NOTHING: `resolution=ignore-duplicates`.
    Ignore,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Insert {
        conflict: Option<(Conflict, Vec<String>)>,
    },
    Update,
    Delete,
}

pub struct WritePlan<'a> {
    pub relation: &'a Relation,
    pub kind: Kind,
    /// The columns the body sets (already checked against the relation).
    pub keys: &'a [String],
    /// `Prefer: missing=default`: absent keys take the column default, per row.
    pub missing_default: bool,
    pub filters: &'a [Filter],
    pub logic: &'a [LogicTree],
    /// `Some` when the client wants the changed rows back (`return=representation`).
    pub representation: Option<(&'a [SelectItem], MediaType)>,
}

/// Columns of the result row: page_total, inserted, body, response_headers, response_status,
/// first row's primary key as JSON.
pub fn write(plan: &WritePlan) -> Statement {
    let mut s = Statement::default();
    let rel = plan.relation;
    let table = qualified(&rel.schema, &rel.name);
    let payload = s.bind(String::new()); // $1: the body, filled in by the caller
    let typed: Vec<String> = plan
        .keys
        .iter()
        .map(|k| {
            let ty = rel
                .column(k)
                .map_or("text".to_string(), |c| c.type_name.clone());
            format!("{} {ty}", quote_ident(k))
        })
        .collect();
    let cols: Vec<String> = plan.keys.iter().map(|k| quote_ident(k)).collect();
    let body_cols: Vec<String> = cols.iter().map(|c| format!("pgrst_body.{c}")).collect();
    let json_data = if plan.missing_default {
        // Defaults first, then the row: a key present in the row (even as null) wins.
        let defaults: Vec<String> = plan
            .keys
            .iter()
            .filter_map(|k| {
                rel.column(k)
                    .and_then(|c| c.default.as_ref().map(|d| (k, d)))
            })
            .map(|(k, d)| format!("{}, {d}", super::literal(k)))
            .collect();
        format!(
            "(SELECT coalesce(json_agg(jsonb_build_object({}) || e), '[]') \
             FROM jsonb_array_elements({payload}::jsonb) e)",
            defaults.join(", ")
        )
    } else {
        format!("{payload}::json")
    };
    // Tables tell a fresh row (xmax = 0) from one an upsert updated; views have no xmax, and
    // there every row an INSERT returns is new.
    let inserted = match (&plan.kind, rel.kind) {
        (Kind::Insert { .. }, 'r' | 'p') => format!("({table}.xmax = 0)"),
        (Kind::Insert { .. }, _) => "true".to_string(),
        _ => "false".to_string(),
    };
    let returning = format!("RETURNING {table}.*, {inserted} AS pgrst_inserted");
    let mutation = match &plan.kind {
        Kind::Insert { conflict } => {
            let source = if cols.is_empty() {
                // `{}` or `[{}, {}]`: one row of defaults per object.
                format!("SELECT FROM json_array_elements({json_data}) pgrst_body")
            } else {
                format!(
                    "SELECT {} FROM (SELECT {json_data} AS json_data) pgrst_payload, \
                     LATERAL (SELECT {} FROM json_to_recordset(pgrst_payload.json_data) AS _({})) pgrst_body",
                    body_cols.join(", "),
                    cols.join(", "),
                    typed.join(", ")
                )
            };
            let on_conflict = match conflict {
                None => String::new(),
                Some((how, target)) => {
                    let target: Vec<String> = target.iter().map(|c| quote_ident(c)).collect();
                    let action = match how {
                        Conflict::Ignore => "DO NOTHING".to_string(),
                        Conflict::Merge if cols.is_empty() => "DO NOTHING".to_string(),
                        Conflict::Merge => format!(
                            "DO UPDATE SET {}",
                            cols.iter()
                                .map(|c| format!("{c} = EXCLUDED.{c}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    format!(" ON CONFLICT ({}) {action}", target.join(", "))
                }
            };
            let target = if cols.is_empty() {
                String::new()
            } else {
                format!("({})", cols.join(", "))
            };
            format!("INSERT INTO {table}{target} {source}{on_conflict} {returning}")
        }
        Kind::Update => {
            let where_ = conditions(&mut s, rel, &table, plan.filters, plan.logic);
            if cols.is_empty() {
                // Nothing to set: PostgREST answers as if no row matched.
                format!("SELECT {table}.*, false AS pgrst_inserted FROM {table} WHERE false")
            } else {
                format!(
                    "UPDATE {table} SET {} FROM (SELECT {json_data} AS json_data) pgrst_payload, \
                     LATERAL (SELECT {} FROM json_to_recordset(pgrst_payload.json_data) AS _({}) LIMIT 1) pgrst_body\
                     {where_} {returning}",
                    cols.iter()
                        .zip(&body_cols)
                        .map(|(c, b)| format!("{c} = {b}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    cols.join(", "),
                    typed.join(", ")
                )
            }
        }
        Kind::Delete => {
            let where_ = conditions(&mut s, rel, &table, plan.filters, plan.logic);
            format!("DELETE FROM {table}{where_} {returning}")
        }
    };
    let representation = match plan.representation {
        Some((select, media)) => {
            let items: Vec<String> = select
                .iter()
                .map(|item| match item {
                    // Only the relation's own columns: pgrst_source also carries
                    // pgrst_inserted.
                    SelectItem::Star => rel
                        .columns
                        .iter()
                        .map(|c| format!("pgrst_source.{}", quote_ident(&c.name)))
                        .collect::<Vec<_>>()
                        .join(", "),
                    item => select_item(&mut s, rel, "pgrst_source", item),
                })
                .filter(|i| !i.is_empty())
                .collect();
            let rows = format!("(SELECT {} FROM pgrst_source)", items.join(", "));
            format!(
                "(SELECT {} FROM {rows} _postgrest_t)",
                body_from(media, &rows)
            )
        }
        None => "''::text".to_string(),
    };
    let pk = if rel.primary_key.is_empty() {
        "null::text".to_string()
    } else {
        let pairs: Vec<String> = rel
            .primary_key
            .iter()
            .map(|k| format!("{}, pgrst_source.{}", super::literal(k), quote_ident(k)))
            .collect();
        format!(
            "(SELECT json_build_object({})::text FROM pgrst_source LIMIT 1)",
            pairs.join(", ")
        )
    };
    s.text = format!(
        "WITH pgrst_source AS ({mutation}) \
         SELECT (SELECT pg_catalog.count(*) FROM pgrst_source) AS page_total, \
         (SELECT pg_catalog.count(*) FROM pgrst_source WHERE pgrst_inserted) AS inserted, \
         {representation} AS body, \
         nullif(current_setting('response.headers', true), '') AS response_headers, \
         nullif(current_setting('response.status', true), '') AS response_status, \
         {pk} AS location"
    );
    s
}
