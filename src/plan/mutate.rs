//! POST, PATCH, PUT and DELETE → the write to run and how its result is read back: the columns
//! the body sets (typed from the schema cache), the conflict target of an upsert, PUT's rules,
//! the rows a write's filters select, `missing=default`, how the transaction ends.

use super::tree::{Condition, ReadNode};
use super::{Explain, MediaType, read};
use crate::api::payload::Payload;
use crate::api::prefer::{Missing, Resolution, Return, TxEnd as TxPreference};
use crate::api::{Action, ApiRequest, Count, Operation, Operator};
use crate::config::{Config, TxEnd};
use crate::error::Error;
use crate::schema::{QualifiedName, Relation, SchemaCache};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// ON CONFLICT DO UPDATE: `resolution=merge-duplicates` (and PUT).
    Merge,
    /// ON CONFLICT DO NOTHING: `resolution=ignore-duplicates`.
    Ignore,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    Insert {
        conflict: Option<(Conflict, Vec<String>)>,
    },
    Update,
    Delete,
}

/// A column the body sets, with the type `json_to_recordset` reads it as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyColumn {
    pub name: String,
    pub type_name: String,
    /// Its default expression, merged into each row with `missing=default`.
    pub default: Option<String>,
}

/// How the transaction ends, and what to echo of the client's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxOutcome {
    pub rollback: bool,
    pub applied: Option<TxPreference>,
}

#[derive(Debug, Clone)]
pub struct MutatePlan {
    /// The exposed schema the request writes to (its profile).
    pub schema: String,
    pub action: Action,
    pub mutation: Mutation,
    pub target: QualifiedName,
    /// Tables tell fresh rows (`xmax = 0`) from updated ones; views do not.
    pub is_table: bool,
    /// Every column of the target, in order: the shape of the rows the write returns.
    pub table_columns: Vec<String>,
    pub columns: Vec<BodyColumn>,
    pub missing_default: bool,
    /// Which rows an UPDATE or DELETE changes.
    pub conditions: Vec<Condition>,
    /// The body: a JSON array of rows, bound as one parameter.
    pub payload: String,
    pub returning: Return,
    /// How the changed rows are read back for `return=representation`.
    pub read: ReadNode,
    pub media: MediaType,
    /// `application/vnd.pgrst.plan`: answer the write's EXPLAIN (and never keep the write).
    pub explain: Option<Explain>,
    pub primary_key: Vec<String>,
    pub count: bool,
    pub tx: TxOutcome,
    /// `max-affected=` under `handling=strict` (PATCH and DELETE).
    pub max_affected: Option<i64>,
    /// `resolution=` only counts where there is a key to conflict on.
    pub resolution_applies: bool,
    /// `Prefer: timezone=`, when the database knows the zone.
    pub timezone: Option<String>,
}

pub fn plan(
    req: &ApiRequest,
    cache: &SchemaCache,
    relation: &Relation,
    cfg: &Config,
) -> Result<MutatePlan, Error> {
    let prefer = &req.prefer;
    // Accept is negotiated for every write: the singular type demands exactly one affected
    // row even when no body is returned.
    let target = QualifiedName::new(&relation.schema, &relation.name);
    let (media, explain) = super::represent(req, cache, cfg, &target)?;
    let read = read::tree_for(req, cache, &target, read::Root::WriteResult, cfg)?;
    let payload = match &req.payload {
        Some(p) => Some(p.clone()?),
        None => None,
    };
    let keys: Vec<String> = payload.as_ref().map_or_else(Vec::new, |p| p.keys.clone());
    if let Some(missing) = keys.iter().find(|k| relation.column(k).is_none()) {
        return Err(Error::column_not_found(&relation.name, missing));
    }
    let mutation = match req.action {
        Action::Insert => Mutation::Insert {
            conflict: conflict(req, relation),
        },
        Action::Put => {
            check_put(req, relation, payload.as_ref())?;
            Mutation::Insert {
                conflict: Some((Conflict::Merge, relation.primary_key.clone())),
            }
        }
        Action::Update => Mutation::Update,
        Action::Delete => Mutation::Delete,
        Action::Read { .. } | Action::Call(_) | Action::Inspect { .. } | Action::Info(_) => {
            unreachable!("reads, calls, the root and OPTIONS have their plans")
        }
    };
    let conditions = req
        .query
        .filters
        .iter()
        .filter(|(path, _)| path.is_empty())
        .map(|(_, f)| Condition::Filter {
            field: read::resolve(cache, &target, &f.field),
            negated: f.negated,
            operation: f.operation.clone(),
        })
        .chain(
            req.query
                .logic
                .iter()
                .filter(|(path, _)| path.is_empty())
                .map(|(_, t)| read::logic(cache, &target, t)),
        )
        .collect();
    Ok(MutatePlan {
        schema: relation.schema.clone(),
        action: req.action,
        mutation,
        is_table: matches!(relation.kind, 'r' | 'p'),
        table_columns: relation.columns.iter().map(|c| c.name.clone()).collect(),
        columns: keys
            .iter()
            .map(|k| {
                let c = relation.column(k);
                BodyColumn {
                    name: k.clone(),
                    type_name: c.map_or("text".to_string(), |c| c.type_name.clone()),
                    default: c.and_then(|c| c.default.clone()),
                }
            })
            .collect(),
        missing_default: prefer.missing == Some(Missing::Default),
        conditions,
        payload: payload.map_or_else(|| "[]".to_string(), |p| p.rows.to_string()),
        returning: prefer.return_.unwrap_or(Return::Minimal),
        read,
        media,
        explain,
        primary_key: relation.primary_key.clone(),
        count: matches!(prefer.count, Some(Count::Exact) | Some(Count::Estimated)),
        tx: tx_outcome(cfg.db_tx_end, prefer.tx),
        max_affected: prefer
            .max_affected()
            .filter(|_| matches!(req.action, Action::Update | Action::Delete)),
        resolution_applies: matches!(req.action, Action::Insert)
            && (!relation.primary_key.is_empty() || req.on_conflict.is_some()),
        timezone: super::timezone(req, cache),
        target,
    })
}

/// `Prefer: resolution=` → ON CONFLICT on `on_conflict=` or the primary key. Without either,
/// PostgREST inserts plainly.
fn conflict(req: &ApiRequest, relation: &Relation) -> Option<(Conflict, Vec<String>)> {
    let how = match req.prefer.resolution? {
        Resolution::MergeDuplicates => Conflict::Merge,
        Resolution::IgnoreDuplicates => Conflict::Ignore,
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
    for (path, f) in &req.query.filters {
        match &f.operation {
            Operation::Compare {
                op: Operator::Eq,
                quantifier: None,
                value,
            } if path.is_empty() && !f.negated && f.field.path.is_empty() => {
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

/// `db_tx_end` with `Prefer: tx=`: the preference counts only under `-allow-override`.
pub(super) fn tx_outcome(end: TxEnd, preferred: Option<TxPreference>) -> TxOutcome {
    match (end.overridable(), preferred) {
        (true, Some(p)) => TxOutcome {
            rollback: p == TxPreference::Rollback,
            applied: Some(p),
        },
        _ => TxOutcome {
            rollback: end.rolls_back(),
            applied: None,
        },
    }
}
