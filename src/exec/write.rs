//! POST, PATCH, PUT and DELETE: one statement inside the request's transaction, answered
//! with PostgREST's statuses and headers (`Response.hs`): 201/200 for inserts and upserts,
//! 204 (or 200 with a representation) for updates and deletes, `Location` for
//! `return=headers-only`, `Content-Range` with the affected count when asked to count.

use super::{apply_response_gucs, run, transaction};
use crate::api::payload::{self, Payload};
use crate::api::query::Operation;
use crate::api::{Action, ApiRequest, Count, Response};
use crate::auth::Auth;
use crate::config::Config;
use crate::error::Error;
use crate::schema::{Relation, SchemaCache};
use crate::sql::{self, Conflict, Kind, WritePlan};
use serde_json::Value;

pub fn write(
    cache: &SchemaCache,
    req: &ApiRequest,
    cfg: &Config,
    auth: &Auth,
    schema: &str,
) -> Result<Response, Error> {
    let relation = cache.relation(schema, &req.resource)?;
    let prefer = &req.prefer;
    let representation = prefer.return_representation.as_deref() == Some("representation");
    let headers_only = prefer.return_representation.as_deref() == Some("headers-only");
    // Accept is negotiated for every write: the singular type demands exactly one affected
    // row even when no body is returned.
    let negotiated = req.media.clone()?;
    let media = if representation {
        Some(negotiated)
    } else {
        None
    };

    let payload = match req.action {
        Action::Delete => None,
        _ => Some(payload::parse(
            req.content_type.as_deref(),
            &req.body,
            req.columns.as_deref(),
        )?),
    };
    let keys: Vec<String> = payload.as_ref().map_or_else(Vec::new, |p| p.keys.clone());
    if let Some(missing) = keys.iter().find(|k| relation.column(k).is_none()) {
        return Err(Error::column_not_found(&relation.name, missing));
    }

    let kind = match req.action {
        Action::Insert => Kind::Insert {
            conflict: conflict(req, relation),
        },
        Action::Put => {
            check_put(req, relation, payload.as_ref())?;
            Kind::Insert {
                conflict: Some((Conflict::Merge, relation.primary_key.clone())),
            }
        }
        Action::Update => Kind::Update,
        Action::Delete => Kind::Delete,
        Action::Read { .. } => unreachable!("reads are served by exec::read"),
    };
    let plan = WritePlan {
        relation,
        kind,
        keys: &keys,
        missing_default: prefer.missing.as_deref() == Some("default"),
        filters: &req.query.filters,
        logic: &req.query.logic,
        representation: media.map(|m| (req.query.select.as_slice(), m)),
    };
    let mut stmt = sql::write(&plan);
    stmt.params[0] = payload
        .as_ref()
        .map_or_else(|| "[]".to_string(), |p| p.rows.to_string());

    let generation = cache.generation;
    let keep = cfg.db_prepared_statements;
    super::context(req, cfg, auth, schema, generation, keep)?;
    let row = run(&stmt, generation, keep)?
        .into_iter()
        .next()
        .unwrap_or_default();
    let column = |i: usize| row.get(i).cloned().flatten();
    let affected: i64 = column(0).and_then(|t| t.parse().ok()).unwrap_or(0);
    let inserted: i64 = column(1).and_then(|t| t.parse().ok()).unwrap_or(0);
    let body = column(2).unwrap_or_default();

    if let (Some(true), Some(max)) = (prefer.strict, prefer.max_affected) {
        if matches!(req.action, Action::Update | Action::Delete) && affected > max {
            // An error: the transaction is rolled back, nothing changes.
            return Err(Error::max_affected(affected));
        }
    }
    if let crate::api::MediaType::Singular { .. } = negotiated {
        if affected != 1 {
            // An error: the write is rolled back.
            return Err(Error::singularity(affected));
        }
    }

    let tx = tx_end(cfg, prefer.tx.as_deref());
    if tx.rollback {
        // As PostgREST: deferred constraints are checked before the rollback, so a write that
        // could never commit still reports its violation.
        run(&sql::set_constraints_immediate(), generation, keep)?;
        transaction::rollback_at_end();
    }
    let counted = matches!(prefer.count, Some(Count::Exact) | Some(Count::Estimated));
    let total = if counted {
        affected.to_string()
    } else {
        "*".into()
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    // PostgREST honours resolution= only where there is a key to conflict on.
    let resolution_applies = matches!(req.action, Action::Insert)
        && (!relation.primary_key.is_empty() || req.on_conflict.is_some());
    let status = match req.action {
        Action::Insert => {
            // PostgREST names the new row only when exactly one was inserted.
            if headers_only && affected == 1 {
                if let Some(location) = column(5).and_then(|pk| location(&relation.name, &pk)) {
                    headers.push(("Location".into(), location));
                }
            }
            headers.push(("Content-Range".into(), format!("*/{total}")));
            let resolution_applies = !relation.primary_key.is_empty() || req.on_conflict.is_some();
            if inserted <= 0
                && resolution_applies
                && prefer.resolution.as_deref() == Some("merge-duplicates")
            {
                200
            } else {
                201
            }
        }
        Action::Update => {
            let range = if affected > 0 {
                format!("0-{}/{total}", affected - 1)
            } else {
                format!("*/{total}")
            };
            headers.push(("Content-Range".into(), range));
            if representation { 200 } else { 204 }
        }
        Action::Delete => {
            headers.push(("Content-Range".into(), format!("*/{total}")));
            if representation { 200 } else { 204 }
        }
        Action::Put => {
            if !representation {
                204
            } else if inserted > 0 {
                201
            } else {
                200
            }
        }
        Action::Read { .. } => unreachable!(),
    };
    let applied = prefer.applied_to_write(
        resolution_applies,
        matches!(req.action, Action::Insert | Action::Update),
        matches!(req.action, Action::Update | Action::Delete),
        tx.applied,
    );
    if let Some(a) = applied {
        headers.push(("Preference-Applied".into(), a));
    }
    let body = if representation {
        if let Some(m) = plan.representation.map(|(_, m)| m) {
            headers.push(("Content-Type".into(), m.content_type().to_string()));
        }
        body.into_bytes()
    } else {
        Vec::new()
    };
    let mut response = Response {
        status,
        headers,
        body,
    };
    apply_response_gucs(&mut response, column(3), column(4))?;
    Ok(response)
}

/// `Prefer: resolution=` → ON CONFLICT on `on_conflict=` or the primary key. Without either,
/// PostgREST inserts plainly.
fn conflict(req: &ApiRequest, relation: &Relation) -> Option<(Conflict, Vec<String>)> {
    let how = match req.prefer.resolution.as_deref()? {
        "merge-duplicates" => Conflict::Merge,
        _ => Conflict::Ignore,
    };
    let target = req
        .on_conflict
        .clone()
        .or_else(|| (!relation.primary_key.is_empty()).then(|| relation.primary_key.clone()))?;
    Some((how, target))
}

/// PUT's rules: the filters are exactly `pk=eq.value` for every primary-key column, no
/// limit/offset, and the body's key values equal the URL's.
fn check_put(
    req: &ApiRequest,
    relation: &Relation,
    payload: Option<&Payload>,
) -> Result<(), Error> {
    if req.has_limit_or_offset {
        return Err(Error::put_limit());
    }
    let pk = &relation.primary_key;
    let mut url_values: Vec<(String, String)> = Vec::new();
    for f in &req.query.filters {
        match &f.operation {
            Operation::Compare {
                op,
                quantifier: None,
                value,
            } if op == "eq" && !f.negated && f.field.path.is_empty() => {
                url_values.push((f.field.name.clone(), value.clone()))
            }
            _ => return Err(Error::put_filters()),
        }
    }
    let mut named: Vec<&String> = url_values.iter().map(|(k, _)| k).collect();
    named.sort();
    named.dedup();
    let mut want: Vec<&String> = pk.iter().collect();
    want.sort();
    if pk.is_empty() || !req.query.logic.is_empty() || named != want || url_values.len() != pk.len()
    {
        return Err(Error::put_filters());
    }
    let rows = payload
        .and_then(|p| p.rows.as_array())
        .cloned()
        .unwrap_or_default();
    if rows.len() != 1 {
        return Err(Error::put_pk_mismatch());
    }
    for (k, v) in &url_values {
        let body_value = match rows[0].get(k) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => return Err(Error::put_pk_mismatch()),
            Some(other) => other.to_string(),
        };
        if &body_value != v {
            return Err(Error::put_pk_mismatch());
        }
    }
    Ok(())
}

/// `Location: /table?pk=eq.value` from the first inserted row's primary key (JSON object).
fn location(table: &str, pk_json: &str) -> Option<String> {
    let v: Value = serde_json::from_str(pk_json).ok()?;
    let pairs: Vec<String> = v
        .as_object()?
        .iter()
        .map(|(k, v)| {
            let v = match v {
                Value::String(s) => s.clone(),
                Value::Null => return format!("{}=is.null", encode(k)),
                other => other.to_string(),
            };
            format!("{}={}", encode(k), encode(&format!("eq.{v}")))
        })
        .collect();
    Some(format!("/{table}?{}", pairs.join("&")))
}

/// http-types' renderSimpleQuery: everything but unreserved characters percent-encoded.
fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, &UNRESERVED).to_string()
}

const UNRESERVED: percent_encoding::AsciiSet = percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

struct TxEnd {
    rollback: bool,
    /// What to echo in Preference-Applied (only when the client may choose).
    applied: Option<&'static str>,
}

/// `db_tx_end` with `Prefer: tx=`: the preference counts only under `-allow-override`.
fn tx_end(cfg: &Config, preferred: Option<&str>) -> TxEnd {
    let (default_rollback, overridable) = match cfg.db_tx_end.as_str() {
        "rollback" => (true, false),
        "rollback-allow-override" => (true, true),
        "commit-allow-override" => (false, true),
        _ => (false, false),
    };
    match (overridable, preferred) {
        (true, Some("rollback")) => TxEnd {
            rollback: true,
            applied: Some("rollback"),
        },
        (true, Some("commit")) => TxEnd {
            rollback: false,
            applied: Some("commit"),
        },
        _ => TxEnd {
            rollback: default_rollback,
            applied: None,
        },
    }
}
