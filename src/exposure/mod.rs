//! What the API exposes, checked (budgetbee's own; PostgREST has no such check): per API role,
//! each table, view and function it can reach through the API and whether row-level security
//! guards it (`budgetbee.exposure()`), and a WARNING for each table an API role reaches without
//! it when the schema cache loads. API roles are the anonymous and authenticated roles and
//! every role the authenticator may switch to, since a token's role claim may name any of them.

use crate::config::Config;
use crate::error::Error;
use pgrx::spi::SpiClient;
use std::hash::{Hash, Hasher};
use std::sync::atomic::Ordering;

const EXPOSURE: &str = include_str!("exposure.sql");

/// One thing one API role can reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    pub role: String,
    /// table, view, materialized view, foreign table or function.
    pub kind: String,
    pub schema: String,
    /// A function's name carries its argument types: overloads are different things.
    pub name: String,
    /// SELECT, INSERT, UPDATE, DELETE; EXECUTE for a function.
    pub privileges: Vec<String>,
    /// Whether row-level security is enabled on it (relations only).
    pub rls: Option<bool>,
    pub guarded: bool,
    /// Why it is guarded or not.
    pub note: String,
}

impl Reach {
    /// Relations that hold rows themselves: reaching one unguarded is a hole in itself.
    fn holds_rows(&self) -> bool {
        matches!(
            self.kind.as_str(),
            "table" | "materialized view" | "foreign table"
        )
    }
}

pub fn list(client: &SpiClient<'_>, cfg: &Config) -> Result<Vec<Reach>, Error> {
    let configured: Vec<String> = [&cfg.db_anon_role, &cfg.db_authenticated_role]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let err = |e: pgrx::spi::SpiError| Error::internal(format!("listing the API's exposure: {e}"));
    let rows = client
        .select(
            EXPOSURE,
            None,
            &[
                configured.into(),
                cfg.authenticator.clone().into(),
                cfg.db_schemas.clone().into(),
            ],
        )
        .map_err(err)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let text = |i: usize| -> Result<String, Error> {
            Ok(row.get::<String>(i).map_err(err)?.unwrap_or_default())
        };
        out.push(Reach {
            role: text(1)?,
            kind: text(2)?,
            schema: text(3)?,
            name: text(4)?,
            privileges: row.get::<Vec<String>>(5).map_err(err)?.unwrap_or_default(),
            rls: row.get::<bool>(6).map_err(err)?,
            guarded: row.get::<bool>(7).map_err(err)?.unwrap_or(false),
            note: text(8)?,
        });
    }
    Ok(out)
}

/// One line per relation some API role reaches unguarded, naming the roles, what each may do
/// and why nothing guards it.
pub fn holes(reach: &[Reach]) -> Vec<String> {
    let mut lines: Vec<(String, Vec<String>)> = Vec::new();
    for r in reach.iter().filter(|r| r.holds_rows() && !r.guarded) {
        let relation = format!("{} {}.{}", r.kind, r.schema, r.name);
        let grant = format!("{} may {} ({})", r.role, r.privileges.join(", "), r.note);
        match lines.iter_mut().find(|(rel, _)| *rel == relation) {
            Some((_, grants)) => grants.push(grant),
            None => lines.push((relation, vec![grant])),
        }
    }
    lines
        .into_iter()
        .map(|(relation, grants)| {
            format!(
                "budgetbee: {relation} is reachable through the API without row-level security: {}",
                grants.join("; ")
            )
        })
        .collect()
}

/// Logs the holes as WARNINGs after a schema cache load. Every worker loads its own cache, so
/// a worker stays quiet when the holes are the very ones the last warning named: the log says
/// each once, and again when they change.
pub fn warn(client: &SpiClient<'_>, cfg: &Config) -> Result<(), Error> {
    let lines = holes(&list(client, cfg)?);
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    lines.hash(&mut hasher);
    let fingerprint = hasher.finish();
    if crate::stats::stats()
        .exposure_warned
        .swap(fingerprint, Ordering::Relaxed)
        != fingerprint
    {
        for line in &lines {
            pgrx::warning!("{line}");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reach(role: &str, kind: &str, name: &str, privileges: &[&str], guarded: bool) -> Reach {
        Reach {
            role: role.into(),
            kind: kind.into(),
            schema: "public".into(),
            name: name.into(),
            privileges: privileges.iter().map(|p| p.to_string()).collect(),
            rls: Some(guarded),
            guarded,
            note: if guarded {
                "row-level security".into()
            } else {
                "no row-level security".into()
            },
        }
    }

    #[test]
    fn one_line_per_unguarded_relation_naming_every_role() {
        let all = ["SELECT", "INSERT", "UPDATE", "DELETE"];
        let lines = holes(&[
            reach("anon", "table", "subscriptions", &["SELECT"], false),
            reach("authenticated", "table", "subscriptions", &all, false),
            reach("authenticated", "table", "transactions", &all, true),
            // A view or a function is not a hole in itself: what it reads decides.
            reach("authenticated", "view", "totals", &["SELECT"], false),
            reach("authenticated", "function", "f()", &["EXECUTE"], false),
        ]);
        assert_eq!(
            lines,
            [
                "budgetbee: table public.subscriptions is reachable through the API without \
              row-level security: anon may SELECT (no row-level security); authenticated may \
              SELECT, INSERT, UPDATE, DELETE (no row-level security)"
            ]
        );
    }
}
