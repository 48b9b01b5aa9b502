//! One request through every stage, on the main thread: authenticate, then in one transaction
//! the schema cache, the plan, its statement in the request's context, and the response. Reads
//! top-down like PostgREST's `App.postgrestResponse`. Never fails: every error becomes a
//! PostgREST-shaped response.

use crate::api::ApiRequest;
use crate::auth::Auth;
use crate::config::{Config, LogLevel};
use crate::error::Error;
use crate::exec::{self, Context, Statements, transaction};
use crate::plan::Plan;
use crate::response::{self, Response};
use crate::schema::Isolation;
use crate::{auth, plan, schema, sql};
use pgrx::prelude::*;

pub fn handle(req: &ApiRequest, cfg: &Config) -> Response {
    let auth = match auth::authenticate(req.authorization.as_deref(), cfg) {
        Ok(auth) => auth,
        Err(e) => return response::error(&e, false),
    };
    let outcome = transaction::run(|| {
        let cache = schema::current(
            &cfg.db_schemas,
            cfg.log_level >= LogLevel::Info,
            |schemas| {
                transaction::subtransaction(|| {
                    Spi::connect(|client| schema::load(client, schemas, &cfg.db_extra_search_path))
                })
            },
        )?;
        let plan = plan::plan(req, &cache, cfg)?;
        let statements = Statements {
            generation: cache.generation,
            keep: cfg.db_prepared_statements,
        };
        match plan.isolation() {
            // This transaction has its snapshot already, so its level is set: the plan runs
            // in a new one, begun at the function's level.
            Some(level) => Ok(Step::Isolated(Box::new(plan), statements, level)),
            None => execute(req, cfg, &auth, &plan, statements).map(Step::Done),
        }
    });
    let outcome = match outcome {
        Ok(Step::Done(response)) => Ok(response),
        Ok(Step::Isolated(plan, statements, level)) => {
            transaction::run_isolated(Some(level), || execute(req, cfg, &auth, &plan, statements))
        }
        Err(e) => Err(e),
    };
    outcome.unwrap_or_else(|e: Error| response::error(&e, auth.authenticated))
}

enum Step {
    Done(Response),
    Isolated(Box<Plan>, Statements, Isolation),
}

/// The plan's statement in the request's context, and the response.
fn execute(
    req: &ApiRequest,
    cfg: &Config,
    auth: &Auth,
    plan: &Plan,
    statements: Statements,
) -> Result<Response, Error> {
    let search_path = sql::search_path(plan.schema(), &cfg.db_extra_search_path);
    let function_settings = match plan {
        Plan::Call(p) => p.settings.as_slice(),
        Plan::Read(_) | Plan::Mutate(_) => &[],
    };
    let ctx = Context {
        settings: sql::RequestContext {
            search_path: &search_path,
            role: &auth.role,
            claims_json: &auth.claims_json,
            method: &req.method,
            path: &req.path,
            headers_json: &req.headers_json,
            cookies_json: &req.cookies_json,
            function_settings,
        },
        pre_request: cfg.db_pre_request.as_deref(),
    };
    let result = exec::run(plan, &ctx, statements)?;
    // PostgREST names the schema when there is a choice, or when the client chose.
    let echo = cfg.db_schemas.len() > 1 || req.profile.is_some();
    response::respond(plan, req, result, echo.then(|| plan.schema()))
}
