//! Reads the catalog into a [`SchemaCache`] through SPI (the queries are the `.sql` files in
//! `catalog/`), then derives relationships and views' keys in Rust.

use super::relationships::{self, Catalog, ComputedRelationship, ForeignKey, KeyKind};
use super::views::{self, Key, View};
use super::{
    Column, HandlerTarget, Isolation, MediaHandler, QualifiedName, Relation, ReturnType,
    RoleSettings, Routine, RoutineParam, SchemaCache, Volatility,
};
use crate::api::media::Media;
use crate::error::Error;
use pgrx::datum::DatumWithOid;
use pgrx::spi::{SpiClient, SpiError, SpiTupleTable};
use std::collections::{HashMap, HashSet};

const COLUMNS: &str = include_str!("catalog/columns.sql");
const PRIMARY_KEYS: &str = include_str!("catalog/primary_keys.sql");
const FUNCTIONS: &str = include_str!("catalog/functions.sql");
const FOREIGN_KEYS: &str = include_str!("catalog/foreign_keys.sql");
const PRIMARY_KEY_CONSTRAINTS: &str = include_str!("catalog/primary_key_constraints.sql");
const VIEWS: &str = include_str!("catalog/views.sql");
const COMPUTED_RELATIONSHIPS: &str = include_str!("catalog/computed_relationships.sql");
const REPRESENTATIONS: &str = include_str!("catalog/representations.sql");
const MEDIA_HANDLERS: &str = include_str!("catalog/media_handlers.sql");
const ROLE_SETTINGS: &str = include_str!("catalog/role_settings.sql");
const FINGERPRINT: &str = include_str!("catalog/fingerprint.sql");

thread_local! {
    /// `pg_timezone_names` reads the time zone files, so it is read once per worker (a new
    /// tzdata takes a restart, as for PostgREST's schema cache in practice).
    static TIMEZONES: std::cell::RefCell<Option<std::rc::Rc<HashSet<String>>>> =
        const { std::cell::RefCell::new(None) };
}

fn err(e: SpiError) -> Error {
    Error::internal(format!("loading the schema cache: {e}"))
}

fn query<'c>(
    client: &'c SpiClient<'_>,
    sql: &str,
    args: &[DatumWithOid<'_>],
) -> Result<SpiTupleTable<'c>, Error> {
    client.select(sql, None, args).map_err(err)
}

/// Loads the cache. As PostgREST's load, with an empty search_path: `format_type` and
/// `regtype` then name every type outside pg_catalog with its schema, and defaults come
/// schema-qualified. The search_path is put back afterwards (the request sets its own anyway).
pub fn load(
    client: &SpiClient<'_>,
    schemas: &[String],
    extra_search_path: &[String],
) -> Result<SchemaCache, Error> {
    let previous: String = query(
        client,
        "SELECT pg_catalog.current_setting('search_path'), pg_catalog.set_config('search_path', '', true)",
        &[],
    )?
    .first()
    .get(1)
    .map_err(err)?
    .unwrap_or_default();
    let cache = load_catalog(client, schemas, extra_search_path)?;
    query(
        client,
        "SELECT pg_catalog.set_config('search_path', $1, true)",
        &[previous.into()],
    )?;
    Ok(cache)
}

/// A summary of the catalogs the cache is read from, which VACUUM and ANALYZE leave as it is
/// (see the query): the cache is reloaded for a relation's invalidation only when it moved.
pub fn fingerprint(client: &SpiClient<'_>) -> Result<String, Error> {
    Ok(query(client, FINGERPRINT, &[])?
        .first()
        .get(1)
        .map_err(err)?
        .unwrap_or_default())
}

fn load_catalog(
    client: &SpiClient<'_>,
    schemas: &[String],
    extra_search_path: &[String],
) -> Result<SchemaCache, Error> {
    let exposed = || -> DatumWithOid<'static> { schemas.to_vec().into() };
    let mut cache = SchemaCache {
        schemas: schemas.to_vec(),
        ..Default::default()
    };
    for row in query(client, COLUMNS, &[exposed()])? {
        let text = |i: usize| -> Result<Option<String>, Error> { row.get(i).map_err(err) };
        let flag =
            |i: usize| -> Result<bool, Error> { Ok(row.get(i).map_err(err)?.unwrap_or(false)) };
        let schema = text(1)?.unwrap_or_default();
        let name = text(2)?.unwrap_or_default();
        let rel = match cache.relations.entry((schema.clone(), name.clone())) {
            std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => v.insert(Relation {
                schema,
                name,
                kind: text(3)?.and_then(|k| k.chars().next()).unwrap_or('r'),
                description: text(13)?,
                insertable: flag(14)?,
                updatable: flag(15)?,
                deletable: flag(16)?,
                ..Default::default()
            }),
        };
        if let Some(column) = text(4)? {
            rel.columns.push(Column {
                name: column,
                type_name: text(5)?.unwrap_or_default(),
                type_oid: row.get::<i64>(6).map_err(err)?.unwrap_or(0) as u32,
                nullable: row.get(7).map_err(err)?.unwrap_or(true),
                default: text(8)?,
                data_type: text(9)?.unwrap_or_default(),
                max_length: row.get(10).map_err(err)?,
                description: text(11)?,
                enum_values: row.get(12).map_err(err)?.unwrap_or_default(),
            });
        }
    }
    for row in query(client, PRIMARY_KEYS, &[exposed()])? {
        let key = (
            row.get::<String>(1).map_err(err)?.unwrap_or_default(),
            row.get::<String>(2).map_err(err)?.unwrap_or_default(),
        );
        if let (Some(rel), Some(col)) = (cache.relations.get_mut(&key), row.get(3).map_err(err)?) {
            rel.primary_key.push(col);
        }
    }
    cache.routines = routines(client, schemas)?;
    for row in query(client, REPRESENTATIONS, &[])? {
        let oid = |i: usize| -> Result<u32, Error> {
            Ok(row.get::<i64>(i).map_err(err)?.unwrap_or(0) as u32)
        };
        let function = QualifiedName {
            schema: row.get(3).map_err(err)?.unwrap_or_default(),
            name: row.get(4).map_err(err)?.unwrap_or_default(),
        };
        cache.representations.insert((oid(1)?, oid(2)?), function);
    }

    // Keys, by table oid, that views may show.
    let mut keys: Vec<Key> = Vec::new();
    let mut foreign_keys: Vec<ForeignKey> = Vec::new();
    for row in query(client, FOREIGN_KEYS, &[])? {
        let table = QualifiedName {
            schema: row.get(1).map_err(err)?.unwrap_or_default(),
            name: row.get(2).map_err(err)?.unwrap_or_default(),
        };
        let constraint: String = row.get(3).map_err(err)?.unwrap_or_default();
        let columns: Vec<String> = row.get(4).map_err(err)?.unwrap_or_default();
        let foreign_table = QualifiedName {
            schema: row.get(5).map_err(err)?.unwrap_or_default(),
            name: row.get(6).map_err(err)?.unwrap_or_default(),
        };
        let refs: Vec<String> = row.get(7).map_err(err)?.unwrap_or_default();
        let table_oid = row.get::<i64>(11).map_err(err)?.unwrap_or(0) as u32;
        let conkey: Vec<i16> = row.get(12).map_err(err)?.unwrap_or_default();
        let ftable_oid = row.get::<i64>(13).map_err(err)?.unwrap_or(0) as u32;
        let confkey: Vec<i16> = row.get(14).map_err(err)?.unwrap_or_default();
        keys.push(Key {
            table: table_oid,
            table_name: table.clone(),
            constraint: constraint.clone(),
            kind: KeyKind::Foreign,
            columns: conkey.into_iter().zip(columns.iter().cloned()).collect(),
        });
        keys.push(Key {
            table: ftable_oid,
            table_name: foreign_table.clone(),
            constraint: constraint.clone(),
            kind: KeyKind::ForeignRef,
            columns: confkey.into_iter().zip(refs.iter().cloned()).collect(),
        });
        foreign_keys.push(ForeignKey {
            table,
            foreign_table,
            constraint,
            columns: columns.into_iter().zip(refs).collect(),
            one_to_one: row.get(8).map_err(err)?.unwrap_or(false),
        });
    }
    let mut views_list: Vec<View> = Vec::new();
    let extra: DatumWithOid<'static> = extra_search_path.to_vec().into();
    for row in query(client, VIEWS, &[exposed(), extra])? {
        views_list.push(View {
            oid: row.get::<i64>(1).map_err(err)?.unwrap_or(0) as u32,
            name: QualifiedName {
                schema: row.get(2).map_err(err)?.unwrap_or_default(),
                name: row.get(3).map_err(err)?.unwrap_or_default(),
            },
            exposed: row.get(4).map_err(err)?.unwrap_or(false),
            columns: row.get(5).map_err(err)?.unwrap_or_default(),
            rule: row.get(6).map_err(err)?.unwrap_or_default(),
        });
    }
    if !views_list.is_empty() {
        for row in query(client, PRIMARY_KEY_CONSTRAINTS, &[])? {
            let table = row.get::<i64>(1).map_err(err)?.unwrap_or(0) as u32;
            let attnums: Vec<i16> = row.get(3).map_err(err)?.unwrap_or_default();
            let names: Vec<String> = row.get(4).map_err(err)?.unwrap_or_default();
            keys.push(Key {
                table,
                table_name: QualifiedName {
                    schema: row.get(5).map_err(err)?.unwrap_or_default(),
                    name: row.get(6).map_err(err)?.unwrap_or_default(),
                },
                constraint: row.get(2).map_err(err)?.unwrap_or_default(),
                kind: KeyKind::Primary,
                columns: attnums.into_iter().zip(names).collect(),
            });
        }
    }
    let key_dependencies = views::key_dependencies(&views_list, &keys);

    // A view's primary key: for each key of a table it shows whole, the first view column
    // showing each key column (PostgREST's addViewPrimaryKeys).
    for dep in key_dependencies
        .iter()
        .filter(|d| d.kind == KeyKind::Primary)
    {
        let key = (dep.view.schema.clone(), dep.view.name.clone());
        if let Some(rel) = cache.relations.get_mut(&key) {
            for (_, shown) in &dep.columns {
                if let Some(first) = shown.first()
                    && !rel.primary_key.contains(first)
                {
                    rel.primary_key.push(first.clone());
                }
            }
        }
    }

    let mut computed = Vec::new();
    for row in query(client, COMPUTED_RELATIONSHIPS, &[])? {
        let name = |i: usize, j: usize| -> Result<QualifiedName, Error> {
            Ok(QualifiedName {
                schema: row.get(i).map_err(err)?.unwrap_or_default(),
                name: row.get(j).map_err(err)?.unwrap_or_default(),
            })
        };
        computed.push(ComputedRelationship {
            function: name(1, 2)?,
            table: name(3, 4)?,
            foreign_table: name(5, 6)?,
            to_one: row.get(7).map_err(err)?.unwrap_or(false),
        });
    }

    let primary_keys: HashMap<QualifiedName, Vec<String>> = cache
        .relations
        .values()
        .map(|r| {
            (
                QualifiedName::new(&r.schema, &r.name),
                r.primary_key.clone(),
            )
        })
        .collect();
    let views: HashSet<QualifiedName> = cache
        .relations
        .values()
        .filter(|r| r.is_view())
        .map(|r| QualifiedName::new(&r.schema, &r.name))
        .chain(views_list.iter().map(|v| v.name.clone()))
        .collect();
    cache.relationships = relationships::build(&Catalog {
        foreign_keys: &foreign_keys,
        key_dependencies: &key_dependencies,
        computed: &computed,
        primary_keys: &primary_keys,
        views: &views,
        exposed: schemas,
    });
    cache.media_handlers = media_handlers(client, schemas)?;
    cache.timezones = timezones(client)?;
    cache.role_settings = role_settings(client)?;
    Ok(cache)
}

/// `catalog/role_settings.sql`, by role; `default_transaction_isolation` kept apart.
fn role_settings(client: &SpiClient<'_>) -> Result<HashMap<String, RoleSettings>, Error> {
    let mut roles: HashMap<String, RoleSettings> = HashMap::new();
    for row in query(client, ROLE_SETTINGS, &[])? {
        let text = |i: usize| -> Result<String, Error> {
            Ok(row.get::<String>(i).map_err(err)?.unwrap_or_default())
        };
        let (role, key, value) = (text(1)?, text(2)?, text(3)?);
        let entry = roles.entry(role).or_default();
        if key == "default_transaction_isolation" {
            entry.isolation = Some(Isolation::parse(&value));
        } else {
            entry.settings.push((key, value));
        }
    }
    Ok(roles)
}

/// The handlers defined in SQL (`catalog/media_handlers.sql`).
fn media_handlers(
    client: &SpiClient<'_>,
    schemas: &[String],
) -> Result<HashMap<(HandlerTarget, Media), MediaHandler>, Error> {
    let mut handlers = HashMap::new();
    for row in query(client, MEDIA_HANDLERS, &[schemas.to_vec().into()])? {
        let text = |i: usize| -> Result<String, Error> {
            Ok(row.get::<String>(i).map_err(err)?.unwrap_or_default())
        };
        let flag =
            |i: usize| -> Result<bool, Error> { Ok(row.get(i).map_err(err)?.unwrap_or(false)) };
        let target = if flag(6)? {
            HandlerTarget::AnyElement
        } else {
            HandlerTarget::Named(QualifiedName::new(&text(4)?, &text(5)?))
        };
        handlers.insert(
            (target, Media::decode(&text(7)?)),
            MediaHandler {
                function: QualifiedName::new(&text(2)?, &text(3)?),
                aggregate: flag(1)?,
                produces: Media::decode(&text(8)?),
            },
        );
    }
    Ok(handlers)
}

fn timezones(client: &SpiClient<'_>) -> Result<std::rc::Rc<HashSet<String>>, Error> {
    if let Some(known) = TIMEZONES.with(|t| t.borrow().clone()) {
        return Ok(known);
    }
    let names: HashSet<String> = query(
        client,
        "SELECT name::text FROM pg_catalog.pg_timezone_names",
        &[],
    )?
    .filter_map(|row| row.get::<String>(1).ok().flatten())
    .collect();
    let names = std::rc::Rc::new(names);
    TIMEZONES.with(|t| *t.borrow_mut() = Some(names.clone()));
    Ok(names)
}

/// The functions of the exposed schemas, overloads with fewer parameters first.
fn routines(
    client: &SpiClient<'_>,
    schemas: &[String],
) -> Result<HashMap<QualifiedName, Vec<Routine>>, Error> {
    let exposed: DatumWithOid<'static> = schemas.to_vec().into();
    let mut routines: HashMap<QualifiedName, Vec<Routine>> = HashMap::new();
    for row in query(client, FUNCTIONS, &[exposed])? {
        let text = |i: usize| -> Result<String, Error> {
            Ok(row.get(i).map_err(err)?.unwrap_or_default())
        };
        let texts = |i: usize| -> Result<Vec<String>, Error> {
            Ok(row.get(i).map_err(err)?.unwrap_or_default())
        };
        let flags = |i: usize| -> Result<Vec<bool>, Error> {
            Ok(row.get(i).map_err(err)?.unwrap_or_default())
        };
        let (names, types, cast_types) = (texts(3)?, texts(4)?, texts(5)?);
        let (required, variadic) = (flags(6)?, flags(7)?);
        let params = names
            .into_iter()
            .zip(types)
            .zip(cast_types)
            .zip(required.into_iter().zip(variadic))
            .map(
                |(((name, type_name), cast_type), (required, variadic))| RoutineParam {
                    name,
                    type_name,
                    cast_type,
                    required,
                    variadic,
                },
            )
            .collect();
        let routine = Routine {
            schema: text(1)?,
            name: text(2)?,
            params,
            returns: ReturnType {
                set: row.get(10).map_err(err)?.unwrap_or(false),
                composite: row.get(11).map_err(err)?.unwrap_or(false),
                name: QualifiedName::new(&text(8)?, &text(9)?),
            },
            volatility: match text(12)?.as_str() {
                "i" => Volatility::Immutable,
                "s" => Volatility::Stable,
                _ => Volatility::Volatile,
            },
            isolation: row
                .get::<String>(13)
                .map_err(err)?
                .map(|s| Isolation::parse(&s)),
            settings: texts(14)?.into_iter().zip(texts(15)?).collect(),
            description: row.get(16).map_err(err)?,
            oid: row.get::<i64>(17).map_err(err)?.unwrap_or(0) as u32,
        };
        routines
            .entry(QualifiedName::new(&routine.schema, &routine.name))
            .or_default()
            .push(routine);
    }
    for overloads in routines.values_mut() {
        overloads.sort_by(|a, b| a.params.len().cmp(&b.params.len()).then_with(|| a.cmp(b)));
    }
    Ok(routines)
}
