//! A write as SQL, shaped as PostgREST's (`QueryBuilder.mutatePlanToQuery`,
//! `Statements.prepareWrite`): `pgrst_source` is the INSERT / UPDATE / DELETE itself, whose
//! RETURNING gives only what the answer reads (`RETURNING 1` when none is asked for, so a role
//! may write columns it cannot select); one result row then counts the rows of the
//! representation read over it (or of the changed rows when none is asked for) and carries the
//! inserted count (upserts and PUT), the body, the `response.*` settings and the first row's
//! primary key (`Location`).
//!
//! The body is one bind parameter, expanded in SQL with `json_to_recordset` typed by the
//! column types of the schema cache, as PostgREST does.

use super::read::{body, condition, node_query};
use super::{Statement, literal, qualified, quote_ident};
use crate::api::Action;
use crate::plan::{Conflict, MutatePlan, Mutation, Return, Returned};

/// PostgREST's count of the rows an upsert inserts (`SqlFragment.addConfigPgrstInserted`): the
/// INSERT's source rows add one each, the ON CONFLICT DO UPDATE takes one back per updated row.
/// The comparisons make it a condition that always holds.
const COUNT_INSERTED: &str = "set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) + 1)::text, true) <> '0'";
const UNCOUNT_UPDATED: &str = "set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) - 1)::text, true) <> '-1'";

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
    // What the body's columns are read as: a represented domain through its parser, keeping
    // the column's name (PostgREST's pgFmtCoerceNamed).
    let parsed: Vec<String> = plan
        .columns
        .iter()
        .zip(&cols)
        .map(|(c, q)| match &c.parse {
            Some(f) => format!("{}({q}) AS {q}", qualified(&f.schema, &f.name)),
            None => q.clone(),
        })
        .collect();
    let body_cols: Vec<String> = cols.iter().map(|c| format!("pgrst_body.{c}")).collect();
    let json_data = if plan.missing_default {
        // Defaults first, then the row: a key present in the row (even as null) wins. Each
        // element builds its own defaults, so a sequence's nextval is taken once per row.
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
    let returning = match &plan.returned {
        Returned::Count => "RETURNING 1".to_string(),
        Returned::Row => format!("RETURNING {table}.*"),
        Returned::Columns(columns) => format!(
            "RETURNING {}",
            columns
                .iter()
                .map(|c| format!("{table}.{}", quote_ident(c)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let where_ = |s: &mut Statement, qualifier: &str, extra: Option<&str>| {
        let conditions: Vec<String> = plan
            .conditions
            .iter()
            .map(|c| condition(s, qualifier, c))
            .chain(extra.map(str::to_string))
            .collect();
        super::where_(&conditions)
    };
    let mutation = match &plan.mutation {
        Mutation::Insert { conflict } => {
            // PUT writes only the body rows whose key is the URL's.
            let filter = if plan.action == Action::Put {
                where_(
                    &mut s,
                    &quote_ident("pgrst_body"),
                    plan.counts_inserted.then_some(COUNT_INSERTED),
                )
            } else {
                super::where_(
                    &plan
                        .counts_inserted
                        .then(|| COUNT_INSERTED.to_string())
                        .into_iter()
                        .collect::<Vec<_>>(),
                )
            };
            let source = if cols.is_empty() {
                // `{}` or `[{}, {}]`: one row of defaults per object. A row with no columns
                // at all, so a PUT's key filter names a column that does not exist (rather
                // than a function of the element, as it would for the element itself).
                format!(
                    "SELECT FROM (SELECT {json_data} AS json_data) pgrst_payload, \
                     LATERAL (SELECT FROM json_array_elements(pgrst_payload.json_data) _) pgrst_body{filter}"
                )
            } else {
                format!(
                    "SELECT {} FROM (SELECT {json_data} AS json_data) pgrst_payload, \
                     LATERAL (SELECT {} FROM json_to_recordset(pgrst_payload.json_data) AS _({})) pgrst_body{filter}",
                    body_cols.join(", "),
                    parsed.join(", "),
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
                            "DO UPDATE SET {}{}",
                            cols.iter()
                                .map(|c| format!("{c} = EXCLUDED.{c}"))
                                .collect::<Vec<_>>()
                                .join(", "),
                            if plan.counts_inserted {
                                format!(" WHERE {UNCOUNT_UPDATED}")
                            } else {
                                String::new()
                            }
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
            if cols.is_empty() {
                // Nothing to set: PostgREST answers as if no row matched, reading what the
                // answer would (no column at all without one).
                let name = quote_ident(&plan.target.name);
                let columns = match &plan.returned {
                    Returned::Count => "NULL".to_string(),
                    Returned::Row => format!("{name}.*"),
                    Returned::Columns(columns) => columns
                        .iter()
                        .map(|c| format!("{name}.{}", quote_ident(c)))
                        .collect::<Vec<_>>()
                        .join(", "),
                };
                format!("SELECT {columns} FROM {table} WHERE false")
            } else {
                let where_ = where_(&mut s, &table, None);
                format!(
                    "UPDATE {table} SET {} FROM (SELECT {json_data} AS json_data) pgrst_payload, \
                     LATERAL (SELECT {} FROM json_to_recordset(pgrst_payload.json_data) AS _({}) LIMIT 1) pgrst_body\
                     {where_} {returning}",
                    cols.iter()
                        .zip(&body_cols)
                        .map(|(c, b)| format!("{c} = {b}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    parsed.join(", "),
                    typed.join(", ")
                )
            }
        }
        Mutation::Delete => {
            let where_ = where_(&mut s, &table, None);
            format!("DELETE FROM {table}{where_} {returning}")
        }
    };
    // The rows PostgREST counts and serialises: the representation, else the changed rows. A
    // CSV header names the columns of `pgrst_source`, as PostgREST's does.
    let (rows, body) = if plan.returning == Return::Representation {
        let read = format!("({})", node_query(&mut s, &plan.read));
        (read, body(&plan.media, "pgrst_source"))
    } else {
        (
            "(SELECT * FROM pgrst_source)".to_string(),
            "''::text".to_string(),
        )
    };
    let inserted = if plan.counts_inserted {
        "nullif(current_setting('pgrst.inserted', true), '')::bigint"
    } else {
        "null::bigint"
    };
    // `Location`: the first row's key columns in the order the row has them, as
    // `[name, value as text or null]` pairs (PostgREST's `locationF` over `json_each_text`).
    let location = if plan.action == Action::Insert
        && plan.returning == Return::HeadersOnly
        && !plan.primary_key.is_empty()
    {
        let keys: Vec<String> = plan.primary_key.iter().map(|k| literal(k)).collect();
        format!(
            "(SELECT json_agg(json_build_array(j.key, j.value))::text \
             FROM (SELECT row_to_json(_) AS r FROM pgrst_source AS _ LIMIT 1) d \
             CROSS JOIN json_each_text(d.r) AS j WHERE j.key IN ({}))",
            keys.join(", ")
        )
    } else {
        "null::text".to_string()
    };
    s.text = format!(
        "WITH pgrst_source AS ({mutation}) \
         SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, \
         {location} AS location, {body} AS body, {}, {inserted} AS response_inserted \
         FROM {rows} _postgrest_t",
        super::RESPONSE_SETTINGS
    );
    s
}
