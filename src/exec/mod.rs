//! Runs an ApiRequest on the worker's main thread: one transaction, request context, plan, SQL
//! via SPI → status, headers, body. The body bytes come from Postgres and are not re-parsed.

mod transaction;

use crate::api::{Action, ApiRequest, Response};
use crate::config::Config;
use crate::error::Error;
use crate::sql::{self, Param, Statement};
use crate::{plan, schema};
use pgrx::datum::DatumWithOid;
use pgrx::prelude::*;
use pgrx::spi::SpiClient;

/// Serves one request. Never fails: every error becomes a PostgREST-shaped response.
pub fn handle(req: &ApiRequest, cfg: &Config) -> Response {
    // Until JWTs are verified, every request runs as the anonymous role.
    let Some(role) = cfg.db_anon_role.as_deref() else {
        return Error::anonymous_disabled().to_response(false);
    };
    let authenticated = false;
    match transaction::run(|| Spi::connect(|client| read(&client, req, cfg, role))) {
        Ok(resp) => resp,
        Err(e) => e.to_response(authenticated),
    }
}

fn read(
    client: &SpiClient<'_>,
    req: &ApiRequest,
    cfg: &Config,
    role: &str,
) -> Result<Response, Error> {
    let Action::Read { head } = req.action;
    let schema = cfg.default_schema();
    let relation = schema::find_relation(client, schema, &req.resource)?;
    run(
        client,
        &sql::request_context(&sql::RequestContext {
            search_path: sql::search_path(schema, &cfg.db_extra_search_path),
            role,
            method: &req.method,
            path: &req.path,
            headers_json: &req.headers_json,
            cookies_json: &req.cookies_json,
        }),
    )?;
    let plan = plan::read(req, relation, head);
    let stmt = sql::read(&plan);
    let table = client
        .select(&*stmt.text, Some(1), &datums(&stmt))
        .map_err(spi_error)?
        .first();
    let page_total: i64 = table.get(2).map_err(spi_error)?.unwrap_or(0);
    let body: String = table.get(3).map_err(spi_error)?.unwrap_or_default();
    Ok(Response {
        status: 200,
        headers: vec![
            (
                "Content-Type",
                "application/json; charset=utf-8".to_string(),
            ),
            ("Content-Range", content_range(plan.offset, page_total)),
        ],
        body: if head { Vec::new() } else { body.into_bytes() },
    })
}

fn run(client: &SpiClient<'_>, stmt: &Statement) -> Result<(), Error> {
    client
        .select(&*stmt.text, None, &datums(stmt))
        .map_err(spi_error)?;
    Ok(())
}

fn datums(stmt: &Statement) -> Vec<DatumWithOid<'_>> {
    stmt.params
        .iter()
        .map(|p| match p {
            Param::Text(s) => s.as_str().into(),
            Param::Int8(n) => (*n).into(),
        })
        .collect()
}

fn spi_error(e: pgrx::spi::SpiError) -> Error {
    Error::internal(e.to_string())
}

/// `Content-Range: <first>-<last>/<total or *>`; `*/*` for an empty page (PostgREST's
/// `contentRangeH` without a count).
pub fn content_range(offset: i64, page_total: i64) -> String {
    if page_total > 0 {
        format!("{offset}-{}/*", offset + page_total - 1)
    } else {
        "*/*".to_string()
    }
}

/// Whether the worker's own login role is a superuser (checked once at start, to warn).
pub fn session_is_superuser() -> bool {
    transaction::run(|| Spi::get_one::<bool>(sql::SESSION_IS_SUPERUSER).map_err(spi_error))
        .ok()
        .flatten()
        .unwrap_or(false)
}
