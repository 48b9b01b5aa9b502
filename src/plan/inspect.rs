//! `GET /` → the OpenAPI description of a schema (PostgREST's `inspectPlan` and the
//! `InspectPlan` branch of its query stage): which document the client accepts, what the
//! schema holds (relations with their columns and single-column foreign keys, functions), and
//! where clients reach the API. The requesting role's privileges are checked when the plan
//! runs; the document is built from this plan by the response stage.

use crate::api::ApiRequest;
use crate::config::{Config, OpenApiMode};
use crate::error::Error;
use crate::schema::{Cardinality, QualifiedName, Relation, Relationship, Routine, SchemaCache};

/// The two documents `GET /` can answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenApiVersion {
    /// Swagger 2.0, exactly as PostgREST v13 shapes it.
    Swagger2,
    /// The same content as OpenAPI 3.1 (`Accept: application/openapi+json;version=3.1`, or
    /// `GET /openapi.json`).
    OpenApi31,
}

impl OpenApiVersion {
    pub fn content_type(self) -> &'static str {
        match self {
            OpenApiVersion::Swagger2 => "application/openapi+json; charset=utf-8",
            OpenApiVersion::OpenApi31 => "application/openapi+json;version=3.1; charset=utf-8",
        }
    }
}

/// A relation as the document shows it: its columns, and for each column that alone is a
/// foreign key, the (table, column) it references.
#[derive(Debug, Clone)]
pub struct TableDoc {
    pub relation: Relation,
    pub foreign_keys: Vec<(String, QualifiedName, String)>,
}

/// Where clients reach the API: the proxy URI, else the server's own address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub scheme: String,
    pub host: String,
    pub port: u32,
    pub base_path: String,
}

#[derive(Debug, Clone)]
pub struct InspectPlan {
    pub schema: String,
    pub version: OpenApiVersion,
    pub head: bool,
    /// Check the role's privileges when the plan runs, and describe only what it may use.
    pub follow_privileges: bool,
    /// The schema's relations and functions, by name.
    pub tables: Vec<TableDoc>,
    pub routines: Vec<Routine>,
    pub server: Server,
    pub security: bool,
}

pub fn plan(
    req: &ApiRequest,
    cache: &SchemaCache,
    schema: &str,
    requested: OpenApiVersion,
    head: bool,
    cfg: &Config,
) -> Result<InspectPlan, Error> {
    if cfg.openapi_mode == OpenApiMode::Disabled {
        return Err(Error::openapi_disabled());
    }
    let version = negotiate(&req.accept, requested)?;
    let mut tables: Vec<TableDoc> = cache
        .relations
        .values()
        .filter(|r| r.schema == schema)
        .map(|r| TableDoc {
            foreign_keys: foreign_keys(cache, r),
            relation: r.clone(),
        })
        .collect();
    tables.sort_by(|a, b| a.relation.name.cmp(&b.relation.name));
    let mut routines: Vec<Routine> = cache
        .routines
        .iter()
        .filter(|(q, _)| q.schema == schema)
        .flat_map(|(_, overloads)| overloads.iter().cloned())
        .collect();
    routines.sort();
    Ok(InspectPlan {
        schema: schema.to_string(),
        version,
        head,
        follow_privileges: cfg.openapi_mode == OpenApiMode::FollowPrivileges,
        tables,
        routines,
        server: server(cfg),
        security: cfg.openapi_security_active,
    })
}

/// PostgREST answers `/` when the client accepts the OpenAPI type, JSON or anything
/// (`Accept` absent is anything); otherwise 406. A `version=3.1` parameter on the OpenAPI
/// type asks for 3.1.
fn negotiate(accepted: &[String], requested: OpenApiVersion) -> Result<OpenApiVersion, Error> {
    if accepted.is_empty() {
        return Ok(requested);
    }
    for mt in accepted {
        let mt = mt.to_ascii_lowercase();
        let mut parts = mt.split(';').map(str::trim);
        let base = parts.next().unwrap_or("");
        let params: Vec<&str> = parts.collect();
        match base {
            "application/openapi+json" if params.contains(&"version=3.1") => {
                return Ok(OpenApiVersion::OpenApi31);
            }
            "application/openapi+json" | "application/json" | "*/*" => return Ok(requested),
            _ => {}
        }
    }
    Err(Error::media_type(accepted))
}

/// For each column that alone makes a to-one relationship from `rel` (a foreign key it holds,
/// traced through views too), the first such relationship's target; tables before views, as
/// PostgREST's `makeProperty` looks them up.
fn foreign_keys(cache: &SchemaCache, rel: &Relation) -> Vec<(String, QualifiedName, String)> {
    let origin = QualifiedName::new(&rel.schema, &rel.name);
    let mut rels: Vec<&Relationship> = cache
        .relationships_from(&origin, &rel.schema)
        .iter()
        .filter(|r| matches!(r, Relationship::ForeignKey { .. }))
        .collect();
    rels.sort_by_key(|r| match r {
        Relationship::ForeignKey {
            foreign_table_is_view,
            ..
        } => *foreign_table_is_view,
        Relationship::Computed { .. } => true,
    });
    rel.columns
        .iter()
        .filter_map(|c| {
            rels.iter().find_map(|r| {
                let Relationship::ForeignKey {
                    foreign_table,
                    cardinality,
                    ..
                } = r
                else {
                    return None;
                };
                let columns = match cardinality {
                    Cardinality::M2O { columns, .. }
                    | Cardinality::O2O {
                        columns,
                        parent: false,
                        ..
                    } => columns,
                    _ => return None,
                };
                match columns.as_slice() {
                    [(own, target)] if *own == c.name => {
                        Some((c.name.clone(), foreign_table.clone(), target.clone()))
                    }
                    _ => None,
                }
            })
        })
        .collect()
}

/// PostgREST's `proxyUri`: the proxy URI's scheme, host, port (80 or 443 by default) and path
/// ("/" when empty), else `http://<server_host>:<server_port>/`.
fn server(cfg: &Config) -> Server {
    let proxy = cfg.openapi_server_proxy_uri.as_deref().and_then(|uri| {
        let (scheme, rest) = uri.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u32>().ok()?),
            None => (authority, if scheme == "https" { 443 } else { 80 }),
        };
        if host.is_empty() {
            return None;
        }
        Some(Server {
            scheme,
            host: host.to_string(),
            port,
            base_path: if path.is_empty() {
                "/".into()
            } else {
                path.into()
            },
        })
    });
    proxy.unwrap_or_else(|| Server {
        scheme: "http".into(),
        host: cfg.server_host.clone(),
        port: u32::from(cfg.server_port),
        base_path: "/".into(),
    })
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn accept_picks_the_document() {
        let v = |accept: &[&str]| {
            negotiate(
                &accept.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                OpenApiVersion::Swagger2,
            )
        };
        assert_eq!(v(&[]).unwrap(), OpenApiVersion::Swagger2);
        assert_eq!(v(&["*/*"]).unwrap(), OpenApiVersion::Swagger2);
        assert_eq!(v(&["application/json"]).unwrap(), OpenApiVersion::Swagger2);
        assert_eq!(
            v(&["application/openapi+json"]).unwrap(),
            OpenApiVersion::Swagger2
        );
        assert_eq!(
            v(&["application/openapi+json;version=3.1"]).unwrap(),
            OpenApiVersion::OpenApi31
        );
        assert_eq!(v(&["text/csv", "*/*"]).unwrap(), OpenApiVersion::Swagger2);
        assert_eq!(v(&["text/csv"]).unwrap_err().code(), "PGRST107");
    }
}
