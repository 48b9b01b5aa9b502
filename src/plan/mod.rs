//! ApiRequest + schema cache → Plan: every schema-dependent decision is made here, as in
//! PostgREST's `Plan.hs`. A read is a tree of resolved nodes (`tree`), built in small passes
//! (`read`, `relate`); a write is the mutation plus the read of its result (`mutate`); the
//! representation is negotiated (`negotiate`). `sql` formats a plan without looking anything up.

mod call;
mod info;
mod inspect;
mod mutate;
mod negotiate;
mod read;
mod relate;
mod tree;

#[cfg(test)]
pub mod fixture;

pub use crate::api::prefer::Return;
pub use crate::api::{
    Aggregate, Arrow, Count, Direction, FtsOperator, IsValue, JoinType, JsonKey, Nulls, Operation,
    Operator, Quantifier,
};
pub use crate::schema::QualifiedName;
pub use call::{ArgValue, Arguments, CallPlan};
pub use info::InfoPlan;
pub use inspect::{InspectPlan, OpenApiVersion, TableDoc};
pub use mutate::{Conflict, MutatePlan, Mutation, Returned, TxOutcome};
pub use negotiate::{Custom, Explain, MediaType};
pub use read::aggregate_name;
pub use tree::*;

use crate::api::{Action, ApiRequest, SelectItem};
use crate::config::Config;
use crate::error::Error;
use crate::schema::SchemaCache;

// One plan per request, built and dropped once: no point boxing the larger variant.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Plan {
    Read(ReadPlan),
    Mutate(MutatePlan),
    Call(CallPlan),
    Inspect(InspectPlan),
    Info(InfoPlan),
}

#[derive(Debug, Clone)]
pub struct ReadPlan {
    /// The exposed schema the request reads (its profile).
    pub schema: String,
    pub tree: ReadNode,
    pub media: MediaType,
    /// `application/vnd.pgrst.plan`: answer the statement's EXPLAIN.
    pub explain: Option<Explain>,
    pub count: Option<Count>,
    /// `db-max-rows`: the threshold of `count=estimated`.
    pub max_rows: Option<i64>,
    /// HEAD: run the query but skip serialising the body.
    pub head: bool,
    /// A read ends as the client chose too (`Prefer: tx`, under `-allow-override`).
    pub tx: TxOutcome,
    /// `Prefer: timezone=`, when the database knows the zone.
    pub timezone: Option<String>,
    /// Past this many rows the body is streamed from a cursor instead of built whole
    /// (`server_stream_rows`); `None` when this answer never streams.
    pub stream_after: Option<i64>,
}

impl Plan {
    /// Whether the plan may write: a mutation, or a POST call of a VOLATILE function. The rest
    /// runs read-only (PostgREST's `BEGIN READ ONLY`), and is all a hot standby serves.
    pub fn writes(&self) -> bool {
        match self {
            Plan::Mutate(_) => true,
            Plan::Call(p) => !p.read_only,
            Plan::Read(_) | Plan::Inspect(_) | Plan::Info(_) => false,
        }
    }

    /// The exposed schema the request works in.
    pub fn schema(&self) -> &str {
        match self {
            Plan::Read(p) => &p.schema,
            Plan::Mutate(p) => &p.schema,
            Plan::Call(p) => &p.schema,
            Plan::Inspect(p) => &p.schema,
            Plan::Info(p) => &p.schema,
        }
    }

    /// `application/vnd.pgrst.plan`: the answer is the statement's EXPLAIN.
    pub fn explain(&self) -> Option<&Explain> {
        match self {
            Plan::Read(p) => p.explain.as_ref(),
            Plan::Mutate(p) => p.explain.as_ref(),
            Plan::Call(p) => p.explain.as_ref(),
            Plan::Inspect(_) | Plan::Info(_) => None,
        }
    }

    /// The time zone the transaction uses (`Prefer: timezone=`).
    pub fn timezone(&self) -> Option<&str> {
        match self {
            Plan::Read(p) => p.timezone.as_deref(),
            Plan::Mutate(p) => p.timezone.as_deref(),
            Plan::Call(p) => p.timezone.as_deref(),
            Plan::Inspect(_) | Plan::Info(_) => None,
        }
    }

    /// The isolation level the transaction must begin at, when not the default.
    pub fn isolation(&self) -> Option<crate::schema::Isolation> {
        match self {
            Plan::Call(p) => p.isolation,
            Plan::Read(_) | Plan::Mutate(_) | Plan::Inspect(_) | Plan::Info(_) => None,
        }
    }
}

/// Plans a request, in PostgREST's order of checks: preferences under `handling=strict`, the
/// schema profile, the relation, then the read or write itself. A call checks its
/// preferences once the function and the read are planned, as PostgREST's `callReadPlan`.
pub fn plan(req: &ApiRequest, cache: &SchemaCache, cfg: &Config) -> Result<Plan, Error> {
    match req.action {
        Action::Call(invoke) => {
            let schema = profile(req, cfg)?;
            return call::plan(req, cache, &schema, invoke, cfg).map(Plan::Call);
        }
        Action::Inspect { head, v3 } => {
            let schema = profile(req, cfg)?;
            let version = if v3 {
                OpenApiVersion::OpenApi31
            } else {
                OpenApiVersion::Swagger2
            };
            return inspect::plan(req, cache, &schema, version, head, cfg).map(Plan::Inspect);
        }
        Action::Info(target) => {
            let schema = profile(req, cfg)?;
            return info::plan(req, cache, &schema, target, cfg).map(Plan::Info);
        }
        _ => {}
    }
    preferences(req, cache)?;
    let schema = profile(req, cfg)?;
    let relation = cache.relation(&schema, &req.resource)?;
    match req.action {
        Action::Read { head } => {
            let name = QualifiedName::new(&relation.schema, &relation.name);
            let tree = read::tree_for(req, cache, &name, read::Root::Relation, cfg)?;
            // PostgREST negotiates once the plan stands: an unknown table or a bad embed is
            // reported whatever the Accept header says.
            let (media, explain) = represent(req, cache, cfg, &name)?;
            let stream_after = stream_after(
                streamable(&media, explain.as_ref(), req.prefer.count, head),
                &tree,
                cfg,
            );
            Ok(Plan::Read(ReadPlan {
                schema,
                tree,
                media,
                explain,
                count: req.prefer.count,
                max_rows: cfg.db_max_rows,
                head,
                tx: mutate::tx_outcome(cfg.db_tx_end, req.prefer.tx),
                timezone: timezone(req, cache),
                stream_after,
            }))
        }
        Action::Insert | Action::Update | Action::Put | Action::Delete => {
            mutate::plan(req, cache, relation, cfg).map(Plan::Mutate)
        }
        Action::Call(_) | Action::Inspect { .. } | Action::Info(_) => {
            unreachable!("planned above")
        }
    }
}

/// Which reads may stream: a JSON array whose rows are known one by one, and whose
/// `Content-Range` follows from a count taken before the first byte (none, or an exact one).
/// A singular object must first know there is one row, a planned count is an estimate, CSV and
/// handlers aggregate in SQL, HEAD and EXPLAIN have no rows to send.
fn streamable(
    media: &MediaType,
    explain: Option<&Explain>,
    count: Option<Count>,
    head: bool,
) -> bool {
    *media == MediaType::Json
        && explain.is_none()
        && !head
        && matches!(count, None | Some(Count::Exact))
}

/// `server_stream_rows` for an answer that may stream and whose range lets it pass that many
/// rows; `None` otherwise.
fn stream_after(streamable: bool, tree: &ReadNode, cfg: &Config) -> Option<i64> {
    streamable
        .then_some(i64::from(cfg.server_stream_rows))
        .filter(|&n| n > 0 && tree.range.last.is_none_or(|l| l - tree.range.first >= n))
}

/// `handling=strict` refuses preferences it does not know (PGRST122), a time zone the
/// database does not know among them.
fn preferences(req: &ApiRequest, cache: &SchemaCache) -> Result<(), Error> {
    let invalid = req.prefer.invalid_given(timezone(req, cache).is_some());
    if req.prefer.strict() && !invalid.is_empty() {
        return Err(Error::invalid_preferences(&invalid));
    }
    Ok(())
}

/// `Prefer: timezone=`, if `pg_timezone_names` has it (as PostgREST, the name exactly).
fn timezone(req: &ApiRequest, cache: &SchemaCache) -> Option<String> {
    req.prefer
        .timezone
        .clone()
        .filter(|tz| cache.timezones.contains(tz))
}

/// The representation of rows of `rows_of`: how the body is made, or the plan of the
/// statement making it.
fn represent(
    req: &ApiRequest,
    cache: &SchemaCache,
    cfg: &Config,
    rows_of: &QualifiedName,
) -> Result<(MediaType, Option<Explain>), Error> {
    negotiate::negotiate(
        &req.accept,
        &negotiate::Offer {
            handlers: &cache.media_handlers,
            rows_of,
            default_select: req.query.select == [SelectItem::Star],
            plan_enabled: cfg.db_plan_enabled,
        },
    )
}

/// The schema a request reads or writes: `Accept-Profile` / `Content-Profile` when given (it
/// must be exposed), else the first exposed schema.
fn profile(req: &ApiRequest, cfg: &Config) -> Result<String, Error> {
    match &req.profile {
        Some(p) if !cfg.db_schemas.iter().any(|s| s == p) => {
            Err(Error::unacceptable_schema(p, &cfg.db_schemas))
        }
        Some(p) => Ok(p.clone()),
        None => Ok(cfg.default_schema().to_string()),
    }
}
