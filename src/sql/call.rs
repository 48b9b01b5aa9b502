//! A function call as SQL, shaped as PostgREST's (`QueryBuilder.callPlanToQuery`,
//! `Statements.prepareCall`): the call is `pgrst_source`; the read over it, with its embeds,
//! filters and ranges, gives the result row; the count, when asked, counts the filtered rows.
//! A function returning scalars is wrapped so its value is the column `pgrst_scalar`.
//!
//! Query-string and form arguments are bound as text and cast to each parameter's type; a
//! JSON body is one parameter, read by `json_to_record` typed by the parameters; the body of a
//! function of one unnamed parameter is that parameter.

use super::read::{array_literal, count_query, node_query};
use super::{Statement, qualified, quote_ident};
use crate::plan::{ArgValue, Arguments, CallPlan, MediaType};

pub fn call(plan: &CallPlan) -> Statement {
    let mut s = Statement::default();
    let source = source(&mut s, plan);
    let (count_cte, total) = if plan.count {
        let count = count_query(&mut s, &plan.read);
        (
            format!(", pgrst_source_count AS ({count})"),
            "(SELECT pg_catalog.count(*) FROM pgrst_source_count)",
        )
    } else {
        (String::new(), "null::bigint")
    };
    let read = node_query(&mut s, &plan.read);
    let body = if plan.head {
        "''::text".to_string()
    } else {
        body(plan)
    };
    // As a read's: at most one row past the threshold, else `exec` streams instead.
    let read = match plan.stream_after {
        Some(n) => format!(
            "SELECT * FROM ({read}) _postgrest_p LIMIT {}",
            super::rows(n + 1)
        ),
        None => read,
    };
    s.text = format!(
        "WITH pgrst_source AS ({source}){count_cte} \
         SELECT {total} AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, \
         {body} AS body, {}, null::bigint AS response_inserted, null::text AS location \
         FROM ({read}) _postgrest_t",
        super::RESPONSE_SETTINGS
    );
    s
}

/// A streamed call, as a streamed read (`read::stream`): the count of the filtered rows, then
/// the rows one JSON value each; the function runs in each, on one snapshot.
pub fn stream(plan: &CallPlan) -> (Statement, Statement) {
    let mut count = Statement::default();
    let called = source(&mut count, plan);
    let counted = count_query(&mut count, &plan.read);
    count.text = format!(
        "WITH pgrst_source AS ({called}) \
         SELECT pg_catalog.count(*) AS total_result_set, {} FROM ({counted}) _postgrest_c",
        super::RESPONSE_SETTINGS
    );
    let mut rows = Statement::default();
    let called = source(&mut rows, plan);
    let read = node_query(&mut rows, &plan.read);
    rows.text = format!(
        "WITH pgrst_source AS ({called}) \
         SELECT pg_catalog.row_to_json(_postgrest_t) FROM ({read}) _postgrest_t"
    );
    (count, rows)
}

/// `SELECT … FROM <the call> pgrst_call`.
fn source(s: &mut Statement, plan: &CallPlan) -> String {
    let r = &plan.routine;
    let scalar = !r.returns.composite;
    let function = qualified(&r.schema, &r.name);
    let call = |args: String| {
        if scalar {
            format!("(SELECT {function}({args}) pgrst_scalar) pgrst_call")
        } else {
            format!("{function}({args}) pgrst_call")
        }
    };
    let from = match &plan.arguments {
        Arguments::None => call(String::new()),
        Arguments::Positional { value, type_name } => {
            let p = s.bind(value.clone());
            call(format!("{p}::{type_name}"))
        }
        Arguments::Direct(args) => {
            let args: Vec<String> = args
                .iter()
                .map(|(param, value)| {
                    let value = match value {
                        Some(ArgValue::Fixed(v)) => s.bind(v.clone()),
                        Some(ArgValue::Variadic(vs)) => s.bind(array_literal(vs)),
                        None => "NULL".to_string(),
                    };
                    let variadic = if param.variadic { "VARIADIC " } else { "" };
                    format!(
                        "{variadic}{} := {value}::{}",
                        quote_ident(&param.name),
                        param.cast_type
                    )
                })
                .collect();
            call(args.join(", "))
        }
        Arguments::Json {
            body,
            object,
            params,
        } => {
            let payload = s.bind(body.clone());
            let names: Vec<String> = params.iter().map(|p| quote_ident(&p.name)).collect();
            let typed: Vec<String> = params
                .iter()
                .map(|p| format!("{} {}", quote_ident(&p.name), p.cast_type))
                .collect();
            let args: Vec<String> = params
                .iter()
                .map(|p| {
                    let variadic = if p.variadic { "VARIADIC " } else { "" };
                    let name = quote_ident(&p.name);
                    format!("{variadic}{name} := pgrst_body.{name}")
                })
                .collect();
            let to_record = if *object {
                "json_to_record"
            } else {
                "json_to_recordset"
            };
            format!(
                "(SELECT {payload}::json AS json_data) pgrst_payload, \
                 LATERAL (SELECT {} FROM {to_record}(pgrst_payload.json_data) AS _({}) LIMIT 1) pgrst_body, \
                 LATERAL {}",
                names.join(", "),
                typed.join(", "),
                call(args.join(", "))
            )
        }
    };
    let columns = if scalar {
        "pgrst_call.pgrst_scalar".to_string()
    } else {
        match plan.returning.as_slice() {
            [] => "*".to_string(),
            [star] if star == "*" => "pgrst_call.*".to_string(),
            cols => cols
                .iter()
                .map(|c| format!("pgrst_call.{}", quote_ident(c)))
                .collect::<Vec<_>>()
                .join(", "),
        }
    };
    format!("SELECT {columns} FROM {from}")
}

/// PostgREST's `asJsonF` / `asJsonSingleF` for a call: one value or one row is the value
/// itself (`null` when there is none), a set is an array.
fn body(plan: &CallPlan) -> String {
    let r = &plan.routine;
    let value = if r.returns.composite {
        "_postgrest_t"
    } else {
        "_postgrest_t.pgrst_scalar"
    };
    let single = !r.returns.set;
    let agg = |strip: bool, first: bool| {
        let agg = format!("json_agg({value}){}", if first { "->0" } else { "" });
        let agg = if strip {
            format!("json_strip_nulls({agg})")
        } else {
            agg
        };
        let empty = if first { "'null'" } else { "'[]'" };
        format!("coalesce({agg}, {empty})")
    };
    match &plan.media {
        MediaType::Json => agg(false, single),
        MediaType::JsonStripped => agg(true, single),
        MediaType::Singular { stripped } => {
            let agg = if r.returns_scalar() {
                format!("json_agg({value})->0")
            } else {
                "json_agg(_postgrest_t)->0".to_string()
            };
            let agg = if *stripped {
                format!("json_strip_nulls({agg})")
            } else {
                agg
            };
            format!("coalesce({agg}, 'null')")
        }
        MediaType::Csv | MediaType::GeoJson => super::read::body(&plan.media, "pgrst_source"),
        MediaType::Custom(c) => super::custom_body(c, r.returns_scalar()),
    }
}
