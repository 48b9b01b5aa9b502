//! Reads the catalog into a [`SchemaCache`] through SPI (queries in `sql::catalog`).

use super::{Column, ForeignKey, Function, Relation, SchemaCache};
use crate::error::Error;
use crate::sql::catalog;
use pgrx::spi::{SpiClient, SpiError};

pub fn load(client: &SpiClient<'_>, schemas: &[String]) -> Result<SchemaCache, Error> {
    let err = |e: SpiError| Error::internal(format!("loading the schema cache: {e}"));
    let schemas_arg = schemas.to_vec();
    let mut cache = SchemaCache {
        schemas: schemas.to_vec(),
        ..Default::default()
    };
    for row in client
        .select(catalog::COLUMNS, None, &[schemas_arg.clone().into()])
        .map_err(err)?
    {
        let schema: String = row.get(1).map_err(err)?.unwrap_or_default();
        let name: String = row.get(2).map_err(err)?.unwrap_or_default();
        let kind: String = row.get(3).map_err(err)?.unwrap_or_default();
        let rel = cache
            .relations
            .entry((schema.clone(), name.clone()))
            .or_insert_with(|| Relation {
                schema,
                name,
                kind: kind.chars().next().unwrap_or('r'),
                columns: Vec::new(),
                primary_key: Vec::new(),
                foreign_keys: Vec::new(),
            });
        if let Some(column) = row.get::<String>(4).map_err(err)? {
            rel.columns.push(Column {
                name: column,
                type_name: row.get(5).map_err(err)?.unwrap_or_default(),
                type_oid: row.get::<i64>(6).map_err(err)?.unwrap_or(0) as u32,
                nullable: row.get(7).map_err(err)?.unwrap_or(true),
                default: row.get(8).map_err(err)?,
            });
        }
    }
    for row in client
        .select(catalog::PRIMARY_KEYS, None, &[schemas_arg.clone().into()])
        .map_err(err)?
    {
        let key = (
            row.get::<String>(1).map_err(err)?.unwrap_or_default(),
            row.get::<String>(2).map_err(err)?.unwrap_or_default(),
        );
        if let (Some(rel), Some(col)) = (cache.relations.get_mut(&key), row.get(3).map_err(err)?) {
            rel.primary_key.push(col);
        }
    }
    for row in client
        .select(catalog::VIEW_KEYS, None, &[schemas_arg.clone().into()])
        .map_err(err)?
    {
        let key = (
            row.get::<String>(1).map_err(err)?.unwrap_or_default(),
            row.get::<String>(2).map_err(err)?.unwrap_or_default(),
        );
        let col: Option<String> = row.get(3).map_err(err)?;
        if let (Some(rel), Some(col)) = (cache.relations.get_mut(&key), col) {
            // Only keys the view actually shows under their own name.
            if rel.kind == 'v' && rel.column(&col).is_some() && !rel.primary_key.contains(&col) {
                rel.primary_key.push(col);
            }
        }
    }
    for row in client
        .select(catalog::FOREIGN_KEYS, None, &[schemas_arg.clone().into()])
        .map_err(err)?
    {
        let key = (
            row.get::<String>(1).map_err(err)?.unwrap_or_default(),
            row.get::<String>(2).map_err(err)?.unwrap_or_default(),
        );
        let fk = ForeignKey {
            name: row.get(3).map_err(err)?.unwrap_or_default(),
            columns: row.get(4).map_err(err)?.unwrap_or_default(),
            ref_schema: row.get(5).map_err(err)?.unwrap_or_default(),
            ref_table: row.get(6).map_err(err)?.unwrap_or_default(),
            ref_columns: row.get(7).map_err(err)?.unwrap_or_default(),
        };
        if let Some(rel) = cache.relations.get_mut(&key) {
            rel.foreign_keys.push(fk);
        }
    }
    for row in client
        .select(catalog::FUNCTIONS, None, &[schemas_arg.into()])
        .map_err(err)?
    {
        cache.functions.push(Function {
            schema: row.get(1).map_err(err)?.unwrap_or_default(),
            name: row.get(2).map_err(err)?.unwrap_or_default(),
            arguments: row.get(3).map_err(err)?.unwrap_or_default(),
            return_type: row.get(4).map_err(err)?.unwrap_or_default(),
            returns_set: row.get(5).map_err(err)?.unwrap_or(false),
            volatility: row
                .get::<String>(6)
                .map_err(err)?
                .and_then(|v| v.chars().next())
                .unwrap_or('v'),
        });
    }
    Ok(cache)
}
