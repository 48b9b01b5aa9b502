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
pub use negotiate::{MediaType, negotiate};
pub use read::aggregate_name;
pub use tree::*;

use crate::api::{Action, ApiRequest};
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
    pub count: Option<Count>,
    /// `db-max-rows`: the threshold of `count=estimated`.
    pub max_rows: Option<i64>,
    /// HEAD: run the query but skip serialising the body.
    pub head: bool,
}

impl Plan {
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
    preferences(req)?;
    let schema = profile(req, cfg)?;
    let relation = cache.relation(&schema, &req.resource)?;
    match req.action {
        Action::Read { head } => {
            let name = QualifiedName::new(&relation.schema, &relation.name);
            let tree = read::tree_for(req, cache, &name, read::Root::Relation, cfg)?;
            // PostgREST negotiates once the plan stands: an unknown table or a bad embed is
            // reported whatever the Accept header says.
            let media = negotiate(&req.accept)?;
            Ok(Plan::Read(ReadPlan {
                schema,
                tree,
                media,
                count: req.prefer.count,
                max_rows: cfg.db_max_rows,
                head,
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

/// `handling=strict` refuses preferences it does not know (PGRST122).
fn preferences(req: &ApiRequest) -> Result<(), Error> {
    if req.prefer.strict() && !req.prefer.invalid.is_empty() {
        return Err(Error::invalid_preferences(&req.prefer.invalid));
    }
    Ok(())
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
