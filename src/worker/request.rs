//! One request through every stage, on the main thread: authenticate, then in one transaction
//! the schema cache, the plan, its statement in the request's context, and the response. Reads
//! top-down like PostgREST's `App.postgrestResponse`, each stage timed for `Server-Timing`.
//! Never fails: every error becomes a PostgREST-shaped response.

use super::outlet::Outlet;
use crate::api::ApiRequest;
use crate::auth::Auth;
use crate::config::{Config, LogLevel};
use crate::error::Error;
use crate::exec::{self, Context, Executed, Statements, transaction};
use crate::plan::Plan;
use crate::response::{self, Response};
use crate::schema::Isolation;
use crate::{auth, exposure, plan, schema, sql};
use pgrx::prelude::*;
use std::time::{Duration, Instant};

/// How long each stage took, as PostgREST's `Server-Timing` names them (parse is the I/O
/// thread's). A stage the request never reached is absent.
#[derive(Debug, Default, Clone, Copy)]
pub struct Timings {
    pub parse: Option<Duration>,
    pub jwt: Option<Duration>,
    pub plan: Option<Duration>,
    pub transaction: Option<Duration>,
    pub response: Option<Duration>,
}

impl Timings {
    /// `jwt;dur=0.1, parse;dur=0.2, …` in milliseconds with one decimal, PostgREST's format.
    pub fn header(&self) -> String {
        [
            ("jwt", self.jwt),
            ("parse", self.parse),
            ("plan", self.plan),
            ("transaction", self.transaction),
            ("response", self.response),
        ]
        .iter()
        .filter_map(|(name, d)| d.map(|d| format!("{name};dur={:.1}", d.as_secs_f64() * 1000.0)))
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// What serving a request gave: the response, the role it ran as (for the access log), and
/// the stages' times.
pub struct Served {
    pub response: Response,
    pub role: Option<String>,
    pub timings: Timings,
}

pub fn handle(req: &ApiRequest, cfg: &Config, out: &mut Outlet) -> Served {
    let mut timings = Timings::default();
    let started = Instant::now();
    let auth = auth::authenticate(req.authorization.as_deref(), cfg);
    timings.jwt = Some(started.elapsed());
    let auth = match auth {
        Ok(auth) => auth,
        Err(e) => {
            return Served {
                response: response::error(&e, false),
                role: None,
                timings,
            };
        }
    };
    let in_transaction = Instant::now();
    let outcome = transaction::run(|| {
        super::cancel::if_abandoned();
        let cache = load_schema(cfg)?;
        let planning = Instant::now();
        let plan = plan::plan(req, &cache, cfg);
        timings.plan = Some(planning.elapsed());
        let plan = plan?;
        if plan.writes() && transaction::in_recovery() {
            // Nothing has run: the transaction only read the schema cache.
            return Err(Error::standby_write(
                &req.method,
                &req.path,
                cfg.primary_url.as_deref(),
            ));
        }
        let statements = Statements {
            generation: cache.generation,
            keep: cfg.db_prepared_statements,
            log: cfg.log_query,
        };
        // Borrowed from the cache: most roles have no settings, and a request copies none.
        let role = cache.role_settings.get(&auth.role);
        let role_settings = role.map_or(&[][..], |r| r.settings.as_slice());
        // A function's level, else the role's (PostgREST's order).
        match plan.isolation().or(role.and_then(|r| r.isolation)) {
            // This transaction has its snapshot already, so its level is set: the plan runs
            // in a new one, begun at that level.
            Some(level) => Ok(Step::Isolated(
                Box::new(plan),
                statements,
                level,
                role_settings.to_vec(),
            )),
            None => {
                let caller = Caller {
                    auth: &auth,
                    role_settings,
                };
                execute(req, cfg, caller, &plan, statements, &mut timings, out).map(Step::Done)
            }
        }
    });
    let outcome = match outcome {
        Ok(Step::Done(response)) => Ok(response),
        Ok(Step::Isolated(plan, statements, level, role_settings)) => {
            transaction::run_isolated(Some(level), || {
                super::cancel::if_abandoned();
                let caller = Caller {
                    auth: &auth,
                    role_settings: &role_settings,
                };
                execute(req, cfg, caller, &plan, statements, &mut timings, out)
            })
        }
        Err(e) => Err(e),
    };
    let elapsed = in_transaction.elapsed();
    timings.transaction = Some(
        elapsed
            .saturating_sub(timings.plan.unwrap_or_default())
            .saturating_sub(timings.response.unwrap_or_default()),
    );
    if out.streaming() {
        // The body's end goes out once the transaction committed; an error after the first
        // byte can only cut the response short, and is logged here.
        match &outcome {
            Ok(_) => {
                if let Err(e) = out.end() {
                    pgrx::warning!("budgetbee: {} {}: {e:?}", req.method, req.path);
                }
            }
            Err(e) => {
                out.fail();
                pgrx::warning!(
                    "budgetbee: {} {}: the streamed response failed after its first byte, \
                     its transaction was rolled back: {e:?}",
                    req.method,
                    req.path
                );
            }
        }
    }
    Served {
        response: outcome.unwrap_or_else(|e: Error| {
            let mut r = response::error(&e, auth.authenticated);
            if e.code() == crate::error::STANDBY_WRITE
                && let Some(primary) = &cfg.primary_url
            {
                // The same request at the primary, for clients that follow it.
                let location = format!("{}{}", primary.trim_end_matches('/'), req.canonical);
                r.headers.push(("Location".to_string(), location));
            }
            r
        }),
        role: Some(auth.role),
        timings,
    }
}

/// Loads the schema cache at worker start and after a configuration reload, so that no request
/// waits for it, and so that `/ready` can tell a worker that could not load one.
pub fn warm_up(cfg: &Config) {
    if let Err(e) = transaction::run(|| load_schema(cfg).map(|_| ())) {
        pgrx::warning!("budgetbee: could not load the schema cache: {e:?}");
    }
}

fn load_schema(cfg: &Config) -> Result<std::rc::Rc<schema::SchemaCache>, Error> {
    schema::current(
        &cfg.db_schemas,
        cfg.log_level >= LogLevel::Info,
        || transaction::subtransaction(|| Spi::connect(|client| schema::fingerprint(client))),
        |schemas| {
            let cache = transaction::subtransaction(|| {
                Spi::connect(|client| schema::load(client, schemas, &cfg.db_extra_search_path))
            })?;
            // A failed check must not cost the cache: it only adds warnings.
            if let Err(e) =
                transaction::subtransaction(|| Spi::connect(|client| exposure::warn(client, cfg)))
            {
                pgrx::warning!("budgetbee: could not check what the API exposes: {e:?}");
            }
            Ok(cache)
        },
    )
}

enum Step {
    Done(Response),
    Isolated(Box<Plan>, Statements, Isolation, Vec<(String, String)>),
}

/// Who the request runs as: the role and claims, and the role's own settings.
#[derive(Clone, Copy)]
struct Caller<'a> {
    auth: &'a Auth,
    role_settings: &'a [(String, String)],
}

/// The plan's statement in the request's context, and the response.
fn execute(
    req: &ApiRequest,
    cfg: &Config,
    Caller {
        auth,
        role_settings,
    }: Caller,
    plan: &Plan,
    statements: Statements,
    timings: &mut Timings,
    out: &mut Outlet,
) -> Result<Response, Error> {
    let search_path = sql::search_path(plan.schema(), &cfg.db_extra_search_path);
    let function_settings = match plan {
        Plan::Call(p) => p.settings.as_slice(),
        Plan::Read(_) | Plan::Mutate(_) | Plan::Inspect(_) | Plan::Info(_) => &[],
    };
    let ctx = Context {
        settings: sql::RequestContext {
            search_path: &search_path,
            role_settings,
            role: &auth.role,
            claims_json: &auth.claims_json,
            method: &req.method,
            path: &req.path,
            headers_json: &req.headers_json,
            cookies_json: &req.cookies_json,
            timezone: plan.timezone(),
            function_settings,
        },
        pre_request: cfg.db_pre_request.as_deref(),
    };
    let Executed { row, stream } = exec::run(plan, &ctx, statements)?;
    if cfg.server_group_commit && stream.is_none() {
        // A streamed body ends after the commit, so its commit keeps its flush.
        transaction::defer_flush();
    }
    let responding = Instant::now();
    // PostgREST names the schema when there is a choice, or when the client chose.
    let echo = cfg.db_schemas.len() > 1 || req.profile.is_some();
    let response = response::respond(plan, req, row, echo.then(|| plan.schema()));
    timings.response = Some(responding.elapsed());
    match stream {
        Some(cursor) => {
            let head = response?;
            out.begin(head.clone(), timings)?;
            stream_rows(cursor, out)?;
            Ok(head)
        }
        None => response,
    }
}

/// Rows fetched, and sent as one chunk, per round of a streamed read: small enough that a
/// client gone away is noticed soon, large enough that chunks are not tiny.
const FETCH_ROWS: i64 = 256;

/// A streamed read's body: its rows joined as `json_agg` joins them, so that it is byte for
/// byte the body built whole, sent a batch of rows at a time as the cursor yields them.
fn stream_rows(mut cursor: exec::Cursor, out: &mut Outlet) -> Result<(), Error> {
    let array = response::JSON_ARRAY;
    let mut chunk = array.open.to_vec();
    let mut first = true;
    loop {
        let fetched = cursor.fetch(FETCH_ROWS, |row| {
            if !first {
                chunk.extend_from_slice(array.separator);
            }
            first = false;
            chunk.extend_from_slice(row);
        })?;
        let done = (fetched as i64) < FETCH_ROWS;
        if done {
            chunk.extend_from_slice(array.close);
        }
        let capacity = chunk.capacity();
        out.send(std::mem::replace(&mut chunk, Vec::with_capacity(capacity)))?;
        if done {
            return Ok(());
        }
    }
}
