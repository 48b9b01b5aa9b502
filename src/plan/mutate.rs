//! POST, PATCH, PUT and DELETE → the write to run and how its result is read back: the columns
//! the body sets (typed from the schema cache), the conflict target of an upsert, PUT's rules,
//! the rows a write's filters select, what its RETURNING hands on, `missing=default`, how the
//! transaction ends.

use super::tree::{Condition, ReadNode, Source};
use super::{Explain, MediaType, read};
use crate::api::prefer::{Missing, Resolution, Return, TxEnd as TxPreference};
use crate::api::{Action, ApiRequest, Count, Operation, Operator};
use crate::config::{Config, TxEnd};
use crate::error::Error;
use crate::schema::{JSON_OID, QualifiedName, Relation, SchemaCache};

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

/// What the write's RETURNING hands to the read of its result, as PostgREST's `returnings`
/// (`Plan.inferColsEmbedNeeds`): only what the answer reads, so a role may write columns it
/// cannot select and still be answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Returned {
    /// `RETURNING 1`: nothing of the rows is read (`return=minimal`, no `return=`, or nothing
    /// selected of a table without a key), they are only counted.
    Count,
    /// `RETURNING <table>.*`: `*` selected, or a computed relationship, which needs the row.
    Row,
    /// The selected fields, the columns embeds join on and the primary key, as a sorted set.
    Columns(Vec<String>),
}

/// A column the body sets, with the type `json_to_recordset` reads it as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyColumn {
    pub name: String,
    pub type_name: String,
    /// A domain's representation from json: the body's value is read as json and parsed by
    /// this function (PostgREST's withJsonParse).
    pub parse: Option<QualifiedName>,
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
    /// What RETURNING gives `pgrst_source`.
    pub returned: Returned,
    /// An upsert that may only update (`resolution=merge-duplicates`, PUT) counts the rows it
    /// inserts, as PostgREST does, in the transaction's `pgrst.inserted` setting.
    pub counts_inserted: bool,
    pub columns: Vec<BodyColumn>,
    pub missing_default: bool,
    /// Which rows an UPDATE or DELETE changes; for PUT, which body rows are written (the
    /// URL's key against each row of the body).
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
            check_put(req, relation)?;
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
            field: read::resolve_input(cache, &target, &f.field),
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
    let returning = prefer.return_.unwrap_or(Return::Minimal);
    let counts_inserted = match req.action {
        Action::Put => true,
        Action::Insert => prefer.resolution == Some(Resolution::MergeDuplicates),
        _ => false,
    };
    Ok(MutatePlan {
        schema: relation.schema.clone(),
        action: req.action,
        mutation,
        returned: if returning == Return::Minimal {
            Returned::Count
        } else {
            returned(&read, &relation.primary_key)
        },
        counts_inserted,
        columns: keys
            .iter()
            .map(|k| {
                let c = relation.column(k);
                let parse = c
                    .and_then(|c| cache.representation(JSON_OID, c.type_oid))
                    .cloned();
                BodyColumn {
                    name: k.clone(),
                    type_name: match (&parse, c) {
                        (Some(_), _) => "json".to_string(),
                        (None, Some(c)) => c.type_name.clone(),
                        (None, None) => "text".to_string(),
                    },
                    parse,
                    default: c.and_then(|c| c.default.clone()),
                }
            })
            .collect(),
        missing_default: prefer.missing == Some(Missing::Default),
        conditions,
        payload: payload.map_or_else(|| "[]".to_string(), |p| p.rows.clone()),
        returning,
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

/// PostgREST's `inferColsEmbedNeeds`: every column for `*` or a computed relationship, else
/// the selected fields, the parent columns of each embed's join and the primary key (so a
/// `Location` can be built), as a sorted set.
fn returned(read: &ReadNode, primary_key: &[String]) -> Returned {
    if read.select.iter().any(|f| f.field.name == "*")
        || read
            .children
            .iter()
            .any(|c| matches!(c.source, Source::Computed { .. }))
    {
        return Returned::Row;
    }
    let mut columns: Vec<String> = read
        .select
        .iter()
        .map(|f| f.field.name.clone())
        .chain(
            read.children
                .iter()
                .filter_map(|c| c.embedding.as_ref())
                .flat_map(|e| e.parent_columns.iter().cloned()),
        )
        .chain(primary_key.iter().cloned())
        .collect();
    columns.sort();
    columns.dedup();
    if columns.is_empty() {
        // `select=` on a table without a key: PostgREST's empty returnings, `RETURNING 1`.
        return Returned::Count;
    }
    Returned::Columns(columns)
}

/// PUT's rules: the filters are exactly `pk=eq.value` for every primary-key column, and no
/// limit/offset. Whether the body's key equals the URL's is the statement's to find out (its
/// rows are filtered by the URL's key; anything but one written row is PGRST115).
fn check_put(req: &ApiRequest, relation: &Relation) -> Result<(), Error> {
    if req.has_limit_or_offset {
        return Err(Error::put_limit());
    }
    let pk = &relation.primary_key;
    // PostgREST compares the filtered column names as sets: every key column, nothing else.
    let mut named: Vec<&String> = Vec::new();
    for (path, f) in &req.query.filters {
        match &f.operation {
            Operation::Compare {
                op: Operator::Eq,
                quantifier: None,
                ..
            } if path.is_empty() && !f.negated && f.field.path.is_empty() => {
                named.push(&f.field.name)
            }
            _ => return Err(Error::put_filters()),
        }
    }
    named.sort();
    named.dedup();
    let mut want: Vec<&String> = pk.iter().collect();
    want.sort();
    if pk.is_empty() || !req.query.logic.is_empty() || named != want {
        return Err(Error::put_filters());
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

#[cfg(test)]
mod unit {
    use super::*;
    use crate::plan::fixture::cache;

    /// What `POST /<table>?<query>` with a representation returns of the written rows.
    fn returned_for(table: &str, query: &str) -> Returned {
        let cache = cache();
        let req = ApiRequest::parse(
            "POST",
            &format!("/{table}"),
            Some(query),
            &[],
            bytes::Bytes::from_static(b"{}"),
        )
        .expect("a valid request");
        let relation = cache.relation("public", table).unwrap();
        let name = QualifiedName::new("public", table);
        let tree = read::tree(
            &req,
            &cache,
            &name,
            read::Root::WriteResult,
            &read::Settings {
                max_rows: None,
                aggregates_enabled: true,
            },
        )
        .expect("a valid plan");
        returned(&tree, &relation.primary_key)
    }

    fn columns(names: &[&str]) -> Returned {
        Returned::Columns(names.iter().map(|n| (*n).to_string()).collect())
    }

    #[test]
    fn without_select_the_whole_row() {
        assert_eq!(returned_for("transactions", ""), Returned::Row);
        assert_eq!(
            returned_for("transactions", "select=*,categories(name)"),
            Returned::Row
        );
    }

    #[test]
    fn selected_fields_join_columns_and_key_as_a_sorted_set() {
        assert_eq!(
            returned_for("transactions", "select=user_id,amount,categories(name)"),
            columns(&["amount", "category_id", "id", "user_id"])
        );
        // Aliases and casts name their column; a name the cache does not know (a computed
        // field) is returned by name.
        assert_eq!(
            returned_for("transactions", "select=a:amount::text,label,id"),
            columns(&["amount", "id", "label"])
        );
        // To-many embeds join on the parent's key, many-to-many ones through the junction.
        assert_eq!(
            returned_for("categories", "select=name,transactions(id)"),
            columns(&["id", "name"])
        );
        assert_eq!(
            returned_for("transactions", "select=amount,tags(name)"),
            columns(&["amount", "id"])
        );
    }

    #[test]
    fn a_computed_relationship_needs_the_row() {
        assert_eq!(
            returned_for("transactions", "select=amount,owner(name)"),
            Returned::Row
        );
    }

    #[test]
    fn nothing_selected_and_no_key_returns_one() {
        assert_eq!(returned_for("transactions", "select=id"), columns(&["id"]));
        let cache = cache();
        let req = ApiRequest::parse(
            "POST",
            "/tags",
            Some("select=name"),
            &[],
            bytes::Bytes::from_static(b"{}"),
        )
        .unwrap();
        let tree = read::tree(
            &req,
            &cache,
            &QualifiedName::new("public", "tags"),
            read::Root::WriteResult,
            &read::Settings {
                max_rows: None,
                aggregates_enabled: true,
            },
        )
        .unwrap();
        assert_eq!(returned(&tree, &[]), columns(&["name"]));
        let empty = ReadNode {
            select: Vec::new(),
            children: Vec::new(),
            ..tree
        };
        assert_eq!(returned(&empty, &[]), Returned::Count);
    }
}
