//! `OPTIONS` → the methods a resource takes (PostgREST's `RelInfoPlan`, `RoutineInfoPlan` and
//! `SchemaInfoPlan`). Decided from the schema cache alone: privileges are not consulted, as in
//! PostgREST, so the answer is the same for every role.

use super::call;
use crate::api::{ApiRequest, InfoTarget, Invoke};
use crate::config::{Config, OpenApiMode};
use crate::error::Error;
use crate::schema::{SchemaCache, Volatility};

/// The methods of an `Allow` header, in PostgREST's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Options,
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::Options => "OPTIONS",
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

#[derive(Debug, Clone)]
pub struct InfoPlan {
    pub schema: String,
    pub allow: Vec<Method>,
}

pub fn plan(
    req: &ApiRequest,
    cache: &SchemaCache,
    schema: &str,
    target: InfoTarget,
    cfg: &Config,
) -> Result<InfoPlan, Error> {
    use Method::*;
    let allow = match target {
        // PostgREST refuses the root itself when its metadata is off, whatever the method.
        InfoTarget::Root if cfg.openapi_mode == OpenApiMode::Disabled => {
            return Err(Error::openapi_disabled());
        }
        InfoTarget::Root => vec![Options, Get, Head],
        InfoTarget::Relation => {
            let r = cache.relation(schema, &req.resource)?;
            let mut allow = vec![Options, Get, Head];
            if r.insertable {
                allow.push(Post);
            }
            // PUT upserts by primary key, so it needs one.
            if r.insertable && r.updatable && !r.primary_key.is_empty() {
                allow.push(Put);
            }
            if r.updatable {
                allow.push(Patch);
            }
            if r.deletable {
                allow.push(Delete);
            }
            allow
        }
        // PostgREST plans the call as a GET would (so an unknown function or arguments that
        // fit no overload answer as a GET does), then looks at its volatility: only POST may
        // run a VOLATILE function in a read-write transaction.
        InfoTarget::Routine => {
            let call = call::plan(req, cache, schema, Invoke::Head, cfg)?;
            if call.routine.volatility == Volatility::Volatile {
                vec![Options, Post]
            } else {
                vec![Options, Get, Head, Post]
            }
        }
    };
    Ok(InfoPlan {
        schema: schema.to_string(),
        allow,
    })
}
