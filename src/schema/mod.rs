//! What the database contains, as far as the API is concerned. For now a relation lookup made
//! inside the request's own transaction, so DDL is visible to the very next request; the cached
//! schema (columns, keys, relationships, functions) grows here.

use crate::error::Error;
use crate::sql;
use pgrx::spi::SpiClient;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    pub schema: String,
    pub name: String,
}

/// Finds a table, view, materialized view, foreign or partitioned table by exact name. Privileges
/// are not consulted (as in PostgREST's schema cache): a relation the role may not read is found
/// here and refused by Postgres with 42501.
pub fn find_relation(client: &SpiClient<'_>, schema: &str, name: &str) -> Result<Relation, Error> {
    let found = client
        .select(sql::FIND_RELATION, Some(1), &[schema.into(), name.into()])
        .map_err(|e| Error::internal(e.to_string()))?;
    if found.is_empty() {
        return Err(Error::table_not_found(schema, name, None));
    }
    Ok(Relation {
        schema: schema.to_string(),
        name: name.to_string(),
    })
}
