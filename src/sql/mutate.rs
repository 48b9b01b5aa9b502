//! A write as SQL, shaped as PostgREST's (`QueryBuilder.mutatePlanToQuery`,
//! `Statements.prepareWrite`): the INSERT / UPDATE / DELETE returns the changed rows, which
//! `pgrst_source` shows with exactly the table's columns (embeds and computed relationships
//! read it as rows of the table); one result row then counts the rows of the representation
//! read over it (or of the changed rows when none is asked for) and carries the inserted count
//! (upserts), the body, the `response.*` settings and the first row's primary key
//! (`Location`).
//!
//! The body is one bind parameter, expanded in SQL with `json_to_recordset` typed by the
//! column types of the schema cache, as PostgREST does.

use super::read::{body, condition, node_query};
use super::{Statement, literal, qualified, quote_ident};
use crate::plan::{Conflict, MutatePlan, Mutation, Return};

pub fn mutate(plan: &MutatePlan) -> Statement {
    let mut s = Statement::default();
    let table = qualified(&plan.target.schema, &plan.target.name);
    let payload = s.bind(plan.payload.clone());
    let typed: Vec<String> = plan
        .columns
        .iter()
        .map(|c| format!("{} {}", quote_ident(&c.name), c.type_name))
        .collect();
    let cols: Vec<String> = plan.columns.iter().map(|c| quote_ident(&c.name)).collect();
    let body_cols: Vec<String> = cols.iter().map(|c| format!("pgrst_body.{c}")).collect();
    let json_data = if plan.missing_default {
        // Defaults first, then the row: a key present in the row (even as null) wins.
        let defaults: Vec<String> = plan
            .columns
            .iter()
            .filter_map(|c| {
                c.default
                    .as_ref()
                    .map(|d| format!("{}, {d}", literal(&c.name)))
            })
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
    let inserted = match (&plan.mutation, plan.is_table) {
        (Mutation::Insert { .. }, true) => format!("({table}.xmax = 0)"),
        (Mutation::Insert { .. }, false) => "true".to_string(),
        _ => "false".to_string(),
    };
    let returning = format!("RETURNING {table}.*, {inserted} AS pgrst_inserted");
    let where_ = |s: &mut Statement| {
        let conditions: Vec<String> = plan
            .conditions
            .iter()
            .map(|c| condition(s, &table, c))
            .collect();
        super::where_(&conditions)
    };
    let mutation = match &plan.mutation {
        Mutation::Insert { conflict } => {
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
        Mutation::Update => {
            let where_ = where_(&mut s);
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
        Mutation::Delete => {
            let where_ = where_(&mut s);
            format!("DELETE FROM {table}{where_} {returning}")
        }
    };
    // The rows PostgREST counts and serialises: the representation, else the changed rows.
    let (rows, body) = if plan.returning == Return::Representation {
        let read = format!("({})", node_query(&mut s, &plan.read));
        let body = body(&plan.media, &read);
        (read, body)
    } else {
        (
            "(SELECT * FROM pgrst_source)".to_string(),
            "''::text".to_string(),
        )
    };
    let columns: Vec<String> = plan.table_columns.iter().map(|c| quote_ident(c)).collect();
    let location = if plan.primary_key.is_empty() {
        "null::text".to_string()
    } else {
        let pairs: Vec<String> = plan
            .primary_key
            .iter()
            .map(|k| format!("{}, pgrst_source.{}", literal(k), quote_ident(k)))
            .collect();
        format!(
            "(SELECT json_build_object({})::text FROM pgrst_source LIMIT 1)",
            pairs.join(", ")
        )
    };
    s.text = format!(
        "WITH pgrst_mutation AS ({mutation}), \
         pgrst_source AS (SELECT {} FROM pgrst_mutation) \
         SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, \
         {location} AS location, {body} AS body, {}, \
         (SELECT pg_catalog.count(*) FROM pgrst_mutation WHERE pgrst_inserted) AS response_inserted \
         FROM {rows} _postgrest_t",
        columns.join(", "),
        super::RESPONSE_SETTINGS
    );
    s
}
