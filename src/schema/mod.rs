//! The schema cache: what the exposed schemas contain (relations, columns, keys, foreign keys,
//! functions), loaded per worker and kept in step with the catalog.
//!
//! PostgREST reloads on NOTIFY and flushes its pool; inside the server we can do better. Every
//! DDL statement ends in catalog invalidation messages that each backend receives at its next
//! transaction start; a relcache/syscache callback marks the cache stale and the next request
//! reloads it before planning. So a table created in psql is visible to the very next request,
//! with no NOTIFY, no event trigger and no restart. A reload that fails keeps the old cache.

mod load;
mod notify;

use crate::error::Error;
use pgrx::pg_sys;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

pub use load::load;
pub use notify::{broadcast_reload, install as install_notify_hook};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    /// `format_type` of the column: what a cast to the column type is written as.
    pub type_name: String,
    pub type_oid: u32,
    pub nullable: bool,
    pub default: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    pub name: String,
    pub columns: Vec<String>,
    pub ref_schema: String,
    pub ref_table: String,
    pub ref_columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    pub schema: String,
    pub name: String,
    /// pg_class.relkind: r, v, m, f or p.
    pub kind: char,
    pub columns: Vec<Column>,
    pub primary_key: Vec<String>,
    pub foreign_keys: Vec<ForeignKey>,
}

impl Relation {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    pub schema: String,
    pub name: String,
    pub arguments: String,
    pub return_type: String,
    pub returns_set: bool,
    pub volatility: char,
}

#[derive(Debug, Default)]
pub struct SchemaCache {
    /// The schemas this cache was loaded for (the exposed ones, in order).
    pub schemas: Vec<String>,
    pub relations: HashMap<(String, String), Relation>,
    pub functions: Vec<Function>,
    /// Bumped on every load; the statement cache is keyed to it.
    pub generation: u64,
}

impl SchemaCache {
    pub fn relation(&self, schema: &str, name: &str) -> Result<&Relation, Error> {
        self.relations
            .get(&(schema.to_string(), name.to_string()))
            .ok_or_else(|| Error::table_not_found(schema, name, self.table_hint(schema, name)))
    }

    /// PostgREST's "Perhaps you meant the table ..." : the closest name in the same schema,
    /// if it is similar enough.
    fn table_hint(&self, schema: &str, name: &str) -> Option<String> {
        let candidates = self
            .relations
            .keys()
            .filter(|(s, _)| s == schema)
            .map(|(_, n)| n.as_str());
        closest(name, candidates, 0.75)
            .map(|t| format!("Perhaps you meant the table '{schema}.{t}'"))
    }
}

/// Similarity in [0, 1] from the edit distance (case-insensitive), as fuzzy-set libraries
/// score their candidates; the best one at or above `min` wins, ties to the first name in
/// sorted order so hints are stable.
pub fn closest<'a>(
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
    min: f64,
) -> Option<&'a str> {
    let mut sorted: Vec<&str> = candidates.collect();
    sorted.sort();
    let target: Vec<char> = name.to_lowercase().chars().collect();
    let mut best: Option<(&str, f64)> = None;
    for c in sorted {
        let cand: Vec<char> = c.to_lowercase().chars().collect();
        let longest = target.len().max(cand.len()).max(1) as f64;
        let score = 1.0 - levenshtein(&target, &cand) as f64 / longest;
        if score >= min && best.is_none_or(|(_, b)| score > b) {
            best = Some((c, score));
        }
    }
    best.map(|(c, _)| c)
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

// ---------------------------------------------------------------------------------------------
// Staleness. Callbacks run on the main thread while Postgres processes invalidation messages;
// they only set a flag (no allocation, no catalog access: that is not allowed there).

static STALE: AtomicBool = AtomicBool::new(true);
static GENERATION: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static CACHE: RefCell<Option<Rc<SchemaCache>>> = const { RefCell::new(None) };
}

unsafe extern "C-unwind" fn on_relcache(_arg: pg_sys::Datum, _relid: pg_sys::Oid) {
    STALE.store(true, Ordering::Relaxed);
}

unsafe extern "C-unwind" fn on_syscache(_arg: pg_sys::Datum, _cache: i32, _hash: u32) {
    STALE.store(true, Ordering::Relaxed);
}

/// Subscribes this backend to catalog invalidations. Once per worker, before serving.
pub fn watch_catalog() {
    unsafe {
        pg_sys::CacheRegisterRelcacheCallback(Some(on_relcache), pg_sys::Datum::from(0));
        for cache in [
            pg_sys::SysCacheIdentifier::PROCOID,
            pg_sys::SysCacheIdentifier::NAMESPACEOID,
            pg_sys::SysCacheIdentifier::TYPEOID,
        ] {
            pg_sys::CacheRegisterSyscacheCallback(
                cache as i32,
                Some(on_syscache),
                pg_sys::Datum::from(0),
            );
        }
    }
}

/// Marks the cache stale (configuration changed, or an explicit reload).
pub fn mark_stale() {
    STALE.store(true, Ordering::Relaxed);
}

/// The current cache for `schemas`, reloaded first if the catalog changed. Call inside a
/// transaction (invalidations are processed at its start). `reload` runs the loader in a
/// subtransaction so a failure leaves the request's transaction usable; on failure the
/// previous cache keeps serving, and only a worker that never loaded one answers 503.
pub fn current(
    schemas: &[String],
    log_reloads: bool,
    reload: impl FnOnce(&[String]) -> Result<SchemaCache, Error>,
) -> Result<Rc<SchemaCache>, Error> {
    let existing = CACHE.with(|c| c.borrow().clone());
    let config_changed = existing.as_ref().is_some_and(|c| c.schemas != schemas);
    if !STALE.swap(false, Ordering::Relaxed) && !config_changed {
        if let Some(c) = existing {
            return Ok(c);
        }
    }
    let started = std::time::Instant::now();
    match reload(schemas) {
        Ok(mut fresh) => {
            fresh.generation = GENERATION.fetch_add(1, Ordering::Relaxed) + 1;
            if log_reloads {
                pgrx::log!(
                    "budgetbee: schema cache loaded: {} relations, {} functions in {:.1} ms",
                    fresh.relations.len(),
                    fresh.functions.len(),
                    started.elapsed().as_secs_f64() * 1000.0
                );
            }
            let fresh = Rc::new(fresh);
            CACHE.with(|c| *c.borrow_mut() = Some(fresh.clone()));
            Ok(fresh)
        }
        Err(e) => {
            pgrx::warning!(
                "budgetbee: schema cache reload failed, serving the previous one: {e:?}"
            );
            // Try again on the next request.
            STALE.store(true, Ordering::Relaxed);
            existing.ok_or_else(Error::no_schema_cache)
        }
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn hints_pick_a_close_name_only() {
        let names = ["transactions", "categories", "subscriptions"];
        assert_eq!(
            closest("transaction", names.iter().copied(), 0.75),
            Some("transactions")
        );
        assert_eq!(
            closest("Categorie", names.iter().copied(), 0.75),
            Some("categories")
        );
        assert_eq!(closest("users", names.iter().copied(), 0.75), None);
    }
}
