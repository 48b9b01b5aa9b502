//! Which table column each view column shows. The parser records it in every target entry of
//! a view's stored query (`resorigtbl`, `resorigcol`); inside the server we read that tree
//! directly instead of pattern-matching its text. A view over a view is followed to the table.

// FFI edge: reads views' stored query trees.
#![allow(unsafe_code)]

use super::QualifiedName;
use super::relationships::{KeyDependency, KeyKind};
use pgrx::PgList;
use pgrx::pg_sys;
use std::collections::HashMap;
use std::ffi::CString;

/// A view as the loader reads it.
pub struct View {
    pub oid: u32,
    pub name: QualifiedName,
    /// In an exposed schema (views of the extra search path only relay chains).
    pub exposed: bool,
    /// Column names by attnum - 1.
    pub columns: Vec<String>,
    /// `pg_rewrite.ev_action` of its SELECT rule.
    pub rule: String,
}

/// A key of a table: its columns as (attnum, name), in key order.
pub struct Key {
    pub table: u32,
    pub table_name: QualifiedName,
    pub constraint: String,
    pub kind: KeyKind,
    pub columns: Vec<(i16, String)>,
}

/// View column number → (relation oid, column number) it shows, read from the rule's query.
fn origins(rule: &str) -> HashMap<i16, (u32, i16)> {
    let mut out = HashMap::new();
    let Ok(text) = CString::new(rule) else {
        return out;
    };
    // SAFETY: stringToNode parses a node tree Postgres itself wrote into pg_rewrite; it
    // allocates in the current memory context (the loader's transaction) and raises an ERROR,
    // caught by the loader's subtransaction, on anything it cannot read. The pointers walked
    // below are that tree's, alive until the transaction ends; each is checked for its tag.
    unsafe {
        let node = pg_sys::stringToNode(text.as_ptr()) as *mut pg_sys::Node;
        if node.is_null() || (*node).type_ != pg_sys::NodeTag::T_List {
            return out;
        }
        let queries = PgList::<pg_sys::Node>::from_pg(node as *mut pg_sys::List);
        let Some(query) = queries.get_ptr(0) else {
            return out;
        };
        if (*query).type_ != pg_sys::NodeTag::T_Query {
            return out;
        }
        let query = query as *mut pg_sys::Query;
        let targets = PgList::<pg_sys::Node>::from_pg((*query).targetList);
        for i in 0..targets.len() {
            let Some(entry) = targets.get_ptr(i) else {
                continue;
            };
            if (*entry).type_ != pg_sys::NodeTag::T_TargetEntry {
                continue;
            }
            let entry = entry as *mut pg_sys::TargetEntry;
            if !(*entry).resjunk && (*entry).resorigtbl != pg_sys::InvalidOid {
                out.insert(
                    (*entry).resno,
                    (u32::from((*entry).resorigtbl), (*entry).resorigcol),
                );
            }
        }
    }
    out
}

/// For each exposed view and each key of a table it shows entirely: which view columns show
/// each key column (PostgREST's view key dependencies).
pub fn key_dependencies(views: &[View], keys: &[Key]) -> Vec<KeyDependency> {
    let traced: HashMap<u32, HashMap<i16, (u32, i16)>> =
        views.iter().map(|v| (v.oid, origins(&v.rule))).collect();
    // Follows a column through views until it reaches a relation that is not a known view.
    let resolve = |mut at: (u32, i16)| -> (u32, i16) {
        for _ in 0..64 {
            match traced.get(&at.0).and_then(|cols| cols.get(&at.1)) {
                Some(next) => at = *next,
                None => break,
            }
        }
        at
    };
    let mut keys_of: HashMap<u32, Vec<&Key>> = HashMap::new();
    for key in keys {
        keys_of.entry(key.table).or_default().push(key);
    }
    let mut out = Vec::new();
    for view in views.iter().filter(|v| v.exposed) {
        // (table oid, table attnum) → view columns showing it, in view column order.
        let mut shown: HashMap<(u32, i16), Vec<String>> = HashMap::new();
        let mut resnos: Vec<&i16> = traced[&view.oid].keys().collect();
        resnos.sort();
        for resno in resnos {
            let origin = resolve(traced[&view.oid][resno]);
            if let Some(name) = view.columns.get((*resno - 1) as usize) {
                shown.entry(origin).or_default().push(name.clone());
            }
        }
        let mut tables: Vec<u32> = shown.keys().map(|(table, _)| *table).collect();
        tables.sort();
        tables.dedup();
        for key in tables
            .iter()
            .flat_map(|t| keys_of.get(t).into_iter().flatten())
        {
            let columns: Option<Vec<(String, Vec<String>)>> = key
                .columns
                .iter()
                .map(|(attnum, name)| {
                    shown
                        .get(&(key.table, *attnum))
                        .map(|cols| (name.clone(), cols.clone()))
                })
                .collect();
            if let Some(columns) = columns {
                out.push(KeyDependency {
                    table: key.table_name.clone(),
                    view: view.name.clone(),
                    constraint: key.constraint.clone(),
                    kind: key.kind,
                    columns,
                });
            }
        }
    }
    out
}
