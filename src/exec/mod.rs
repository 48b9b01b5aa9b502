//! Runs an ApiRequest on the worker's main thread: one transaction, request context, plan, SQL
//! via SPI → status, headers, body. The body bytes come from Postgres and are not re-parsed.

pub mod statement;
mod transaction;
mod write;

use crate::api::{ApiRequest, Count, MediaType, Response};
use crate::config::Config;
use crate::error::Error;
use crate::plan;
use crate::schema::{self, SchemaCache};
use crate::sql::{self, Statement};
use pgrx::prelude::*;
use std::rc::Rc;

/// Serves one request. Never fails: every error becomes a PostgREST-shaped response.
pub fn handle(req: &ApiRequest, cfg: &Config) -> Response {
    let auth = match crate::auth::authenticate(req.authorization.as_deref(), cfg) {
        Ok(auth) => auth,
        Err(e) => return e.to_response(false),
    };
    let authenticated = auth.authenticated;
    if req.prefer.strict == Some(true) && !req.prefer.invalid.is_empty() {
        return Error::invalid_preferences(&req.prefer.invalid).to_response(authenticated);
    }
    let schema = match profile(req, cfg) {
        Ok(s) => s,
        Err(e) => return e.to_response(authenticated),
    };
    let outcome = transaction::run(|| {
        let log_reloads = cfg.log_level >= crate::config::LogLevel::Info;
        let cache = schema::current(&cfg.db_schemas, log_reloads, |schemas| {
            transaction::subtransaction(|| Spi::connect(|client| schema::load(&client, schemas)))
        })?;
        if req.action.is_read() {
            // GET and HEAD run read-only, as PostgREST's BEGIN READ ONLY: a view or function
            // that writes fails with 25006 (405).
            unsafe { pg_sys::XactReadOnly = true };
            Spi::connect(|_client| read(&cache, req, cfg, &auth, &schema))
        } else {
            Spi::connect(|_client| write::write(&cache, req, cfg, &auth, &schema))
        }
    });
    match outcome {
        Ok(mut resp) => {
            // PostgREST names the schema when there is a choice, or when the client chose.
            if cfg.db_schemas.len() > 1 || req.profile.is_some() {
                resp.headers.push(("Content-Profile".into(), schema));
            }
            resp
        }
        Err(e) => e.to_response(authenticated),
    }
}

/// The schema a request reads: `Accept-Profile` when given (it must be exposed), else the first
/// exposed schema.
fn profile(req: &ApiRequest, cfg: &Config) -> Result<String, Error> {
    match &req.profile {
        Some(p) if !cfg.db_schemas.iter().any(|s| s == p) => {
            Err(Error::unacceptable_schema(p, &cfg.db_schemas))
        }
        Some(p) => Ok(p.clone()),
        None => Ok(cfg.default_schema().to_string()),
    }
}

fn read(
    cache: &Rc<SchemaCache>,
    req: &ApiRequest,
    cfg: &Config,
    auth: &crate::auth::Auth,
    schema: &str,
) -> Result<Response, Error> {
    let relation = cache.relation(schema, &req.resource)?;
    let plan = plan::read(req, relation, cfg.db_max_rows)?;
    let generation = cache.generation;
    let keep = cfg.db_prepared_statements;
    context(req, cfg, auth, schema, generation, keep)?;
    let row = run(&sql::read(&plan), generation, keep)?
        .into_iter()
        .next()
        .unwrap_or_default();
    let column = |i: usize| row.get(i).cloned().flatten();
    let mut total = column(0).and_then(|t| t.parse::<i64>().ok());
    let page_total: i64 = column(1).and_then(|t| t.parse().ok()).unwrap_or(0);
    let body = column(2).unwrap_or_default();
    let response_headers = column(3);
    let response_status = column(4);

    match plan.count {
        Some(Count::Planned) => total = Some(planned_rows(&plan, generation, keep)?),
        // PostgREST: exact up to db-max-rows, the planner's estimate beyond (and always the
        // estimate when there is no db-max-rows, since any count exceeds "no limit").
        Some(Count::Estimated) if plan.max_rows.is_none_or(|m| total.unwrap_or(0) > m) => {
            total = Some(
                total
                    .unwrap_or(0)
                    .max(planned_rows(&plan, generation, keep)?),
            )
        }
        _ => {}
    }

    if let MediaType::Singular { .. } = plan.media {
        if page_total != 1 {
            return Err(Error::singularity(page_total));
        }
    }

    let first = plan.range.first;
    let last = first + page_total - 1;
    let content_range = (
        "Content-Range".to_string(),
        content_range(first, last, total),
    );
    let applied = req
        .prefer
        .applied_to_read()
        .map(|a| ("Preference-Applied".to_string(), a));
    let mut status = 200;
    if let Some(total) = total {
        if first > total {
            // PostgREST builds this 416 as an ordinary response: the count headers stay and
            // there is no Proxy-Status.
            let mut r = Error::range_out_of_bounds(first, total).to_response(false);
            r.headers.retain(|(name, _)| name != "Proxy-Status");
            r.headers.push(content_range);
            r.headers.extend(applied);
            return Ok(r);
        }
        if 1 + last - first < total {
            status = 206;
        }
    }
    let mut headers = vec![
        ("Content-Type".into(), plan.media.content_type().to_string()),
        content_range,
        ("Content-Location".into(), req.canonical.clone()),
    ];
    headers.extend(applied);
    let mut response = Response {
        status,
        headers,
        body: if plan.head {
            Vec::new()
        } else {
            body.into_bytes()
        },
    };
    apply_response_gucs(&mut response, response_headers, response_status)?;
    Ok(response)
}

/// The request's settings (role, claims, request.*) and the pre-request function.
fn context(
    req: &ApiRequest,
    cfg: &Config,
    auth: &crate::auth::Auth,
    schema: &str,
    generation: u64,
    keep: bool,
) -> Result<(), Error> {
    run(
        &sql::request_context(&sql::RequestContext {
            search_path: sql::search_path(schema, &cfg.db_extra_search_path),
            role: &auth.role,
            claims_json: &auth.claims_json,
            method: &req.method,
            path: &req.path,
            headers_json: &req.headers_json,
            cookies_json: &req.cookies_json,
        }),
        generation,
        keep,
    )?;
    if let Some(function) = &cfg.db_pre_request {
        run(&sql::pre_request(function), generation, keep)?;
    }
    Ok(())
}

/// `response.headers` (a JSON array of single-key objects, overriding headers of the same
/// name) and `response.status` set by SQL during the request (PGRST111 / PGRST112 if invalid).
fn apply_response_gucs(
    response: &mut Response,
    headers: Option<String>,
    status: Option<String>,
) -> Result<(), Error> {
    if let Some(h) = headers {
        let pairs: Option<Vec<(String, String)>> = serde_json::from_str::<serde_json::Value>(&h)
            .ok()
            .and_then(|v| v.as_array().cloned())
            .and_then(|items| {
                items
                    .iter()
                    .map(|item| {
                        let obj = item.as_object()?;
                        if obj.len() != 1 {
                            return None;
                        }
                        let (k, v) = obj.iter().next()?;
                        Some((k.clone(), v.as_str()?.to_string()))
                    })
                    .collect()
            });
        let pairs = pairs.ok_or_else(Error::guc_headers)?;
        for (name, _) in &pairs {
            response
                .headers
                .retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        }
        response.headers.extend(pairs);
    }
    if let Some(s) = status {
        let code = s
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|c| (100..=599).contains(c))
            .ok_or_else(Error::guc_status)?;
        response.status = code;
    }
    Ok(())
}

fn run(stmt: &Statement, generation: u64, keep: bool) -> Result<Vec<statement::Row>, Error> {
    statement::execute(&stmt.text, &stmt.params, generation, keep)
}

/// The planner's estimate of the filtered relation's rows ("Plan Rows" of the top node).
fn planned_rows(plan: &plan::ReadPlan, generation: u64, keep: bool) -> Result<i64, Error> {
    let rows = run(&sql::count_plan(plan), generation, keep)?;
    let json = rows
        .first()
        .and_then(|r| r.first().cloned().flatten())
        .unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(&json)
        .map_err(|e| Error::internal(format!("reading EXPLAIN output: {e}")))?;
    Ok(v[0]["Plan"]["Plan Rows"].as_f64().unwrap_or(0.0) as i64)
}

/// `Content-Range: <first>-<last>/<total or *>`, with `*` for the range when the page is empty
/// or the total is zero (PostgREST's `contentRangeH`).
pub fn content_range(first: i64, last: i64, total: Option<i64>) -> String {
    let range = if total != Some(0) && first <= last {
        format!("{first}-{last}")
    } else {
        "*".to_string()
    };
    let total = total.map_or("*".to_string(), |t| t.to_string());
    format!("{range}/{total}")
}

/// Whether the worker's own login role is a superuser (checked once at start, to warn).
pub fn session_is_superuser() -> bool {
    transaction::run(|| {
        Spi::get_one::<bool>(sql::SESSION_IS_SUPERUSER).map_err(|e| Error::internal(e.to_string()))
    })
    .ok()
    .flatten()
    .unwrap_or(false)
}
