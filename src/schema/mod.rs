//! The schema cache: what the exposed schemas contain (relations, columns, keys, foreign keys,
//! functions), loaded per worker and kept in step with the catalog.
//!
//! PostgREST reloads on NOTIFY and flushes its pool; inside the server we can do better. Every
//! DDL statement ends in catalog invalidation messages that each backend receives at its next
//! transaction start; a relcache/syscache callback marks the cache stale and the next request
//! reloads it before planning. So a table created in psql is visible to the very next request,
//! with no NOTIFY, no event trigger and no restart. A reload that fails keeps the old cache.

pub mod fuzzy;
mod load;
mod notify;
pub(crate) mod relationships;
mod views;

use crate::api::media::Media;
use crate::error::Error;
use pgrx::pg_sys;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

pub use load::{fingerprint, load};
pub use notify::{broadcast_reload, install as install_notify_hook};
pub use relationships::{Cardinality, Relationship};

/// `schema.name`. Ordered as PostgREST orders identifiers (schema, then name), which decides
/// the order of candidates in an ambiguous embedding's error.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QualifiedName {
    pub schema: String,
    pub name: String,
}

impl QualifiedName {
    pub fn new(schema: &str, name: &str) -> QualifiedName {
        QualifiedName {
            schema: schema.to_string(),
            name: name.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Column {
    pub name: String,
    /// `format_type` of the column: what a cast to the column type is written as.
    pub type_name: String,
    pub type_oid: u32,
    pub nullable: bool,
    pub default: Option<String>,
    /// PostgREST's `data_type`: a pg_catalog type without its modifier (`character varying`),
    /// a domain over one as that type; what the OpenAPI document calls the column's format.
    pub data_type: String,
    pub max_length: Option<i32>,
    pub description: Option<String>,
    /// An enum's labels, in order.
    pub enum_values: Vec<String>,
}

impl Column {
    /// json and jsonb take JSON paths directly; any other type goes through `to_jsonb` first.
    pub fn is_json(&self) -> bool {
        self.type_name == "json" || self.type_name == "jsonb"
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Relation {
    pub schema: String,
    pub name: String,
    /// pg_class.relkind: r, v, m, f or p.
    pub kind: char,
    pub columns: Vec<Column>,
    /// A table's primary key; a view's is inferred from the table columns it shows.
    pub primary_key: Vec<String>,
    pub description: Option<String>,
    /// Whether it takes INSERT, UPDATE and DELETE (a view only when auto-updatable or given
    /// INSTEAD OF triggers or rules).
    pub insertable: bool,
    pub updatable: bool,
    pub deletable: bool,
}

impl Relation {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn is_view(&self) -> bool {
        matches!(self.kind, 'v' | 'm')
    }
}

/// An input parameter of a function.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RoutineParam {
    /// Empty for an unnamed parameter.
    pub name: String,
    /// As `regtype` shows it: `integer`, `text[]`, `public.mood`.
    pub type_name: String,
    /// What a query-string or form argument is cast to: `character` and `bit` widen to their
    /// varying forms, which take a value of any length.
    pub cast_type: String,
    /// It has no default, so a call must give it.
    pub required: bool,
    pub variadic: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Volatility {
    Immutable,
    Stable,
    Volatile,
}

/// The isolation level a function's `SET default_transaction_isolation` asks for (anything
/// else reads as READ COMMITTED, as in PostgREST).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Isolation {
    ReadCommitted,
    RepeatableRead,
    Serializable,
}

impl Isolation {
    pub fn parse(s: &str) -> Isolation {
        match s.trim() {
            "serializable" => Isolation::Serializable,
            "repeatable read" => Isolation::RepeatableRead,
            _ => Isolation::ReadCommitted,
        }
    }
}

/// What a function returns: a set or one value; a row (a table's, a type's, or the record its
/// OUT or TABLE parameters make) or a scalar; and the type's name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReturnType {
    pub set: bool,
    pub composite: bool,
    pub name: QualifiedName,
}

/// A function callable through `/rpc` (PostgREST's `Routine`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Routine {
    pub schema: String,
    pub name: String,
    pub params: Vec<RoutineParam>,
    pub returns: ReturnType,
    pub volatility: Volatility,
    pub isolation: Option<Isolation>,
    /// Its other `SET` clauses, values lower-cased.
    pub settings: Vec<(String, String)>,
    pub description: Option<String>,
    pub oid: u32,
}

impl Routine {
    pub fn returns_set(&self) -> bool {
        self.returns.set
    }

    /// One value that is not a row (void included).
    pub fn returns_scalar(&self) -> bool {
        !self.returns.set && !self.returns.composite
    }

    pub fn returns_void(&self) -> bool {
        self.returns_scalar() && self.returns.name == QualifiedName::new("pg_catalog", "void")
    }

    /// The relation a row result reads as (its relationships make it embeddable).
    pub fn table_name(&self) -> Option<&str> {
        self.returns
            .composite
            .then_some(self.returns.name.name.as_str())
    }
}

/// What a media type handler is written for (PostgREST's `RelIdentifier`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HandlerTarget {
    /// An aggregate of `anyelement`: rows of any relation or function.
    AnyElement,
    /// One relation's rows (an aggregate of its row type), or one function's result (a
    /// function returning the domain).
    Named(QualifiedName),
}

/// A media type handler defined in SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaHandler {
    /// The aggregate, or the domain a function's result is cast to.
    pub function: QualifiedName,
    pub aggregate: bool,
    /// The media type the answer is sent as (`*/*` answers application/octet-stream).
    pub produces: Media,
}

#[derive(Debug, Default)]
pub struct SchemaCache {
    /// The schemas this cache was loaded for (the exposed ones, in order).
    pub schemas: Vec<String>,
    pub relations: HashMap<(String, String), Relation>,
    /// Every relationship, by the table it starts from and the schema of the table it reaches
    /// (PostgREST's key: an embed only reaches tables of the request's schema).
    pub relationships: HashMap<(QualifiedName, String), Vec<Relationship>>,
    /// Functions by name; overloads with fewer parameters first (PostgREST's order, which
    /// its errors list them in).
    pub routines: HashMap<QualifiedName, Vec<Routine>>,
    /// Data representations: the cast function from one type to another, by (source oid,
    /// target oid), where one side is a domain and the other json or text.
    pub representations: HashMap<(u32, u32), QualifiedName>,
    /// Media type handlers by what they handle and the media type they answer to.
    pub media_handlers: HashMap<(HandlerTarget, Media), MediaHandler>,
    /// `pg_timezone_names`: what `Prefer: timezone=` may name.
    pub timezones: std::rc::Rc<HashSet<String>>,
    /// `ALTER ROLE … SET` of each role the authenticator can become (PostgREST's impersonated
    /// role settings), applied to the requests that run as it.
    pub role_settings: HashMap<String, RoleSettings>,
    /// Bumped on every load; the statement cache is keyed to it.
    pub generation: u64,
    /// What `load::fingerprint` gave just before the load (`None`: it failed, so it matches
    /// nothing).
    pub fingerprint: Option<String>,
}

/// A role's settings: set in each of its requests' transactions, before the role itself (so
/// a `GRANT SET ON PARAMETER` to the authenticator is what counts, as in PostgREST), and its
/// `default_transaction_isolation` as the transaction's level.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleSettings {
    pub settings: Vec<(String, String)>,
    pub isolation: Option<Isolation>,
}

/// `pg_catalog.json` and `pg_catalog.text`, the other side of every data representation.
pub const JSON_OID: u32 = 114;
pub const TEXT_OID: u32 = 25;

impl SchemaCache {
    pub fn relation(&self, schema: &str, name: &str) -> Result<&Relation, Error> {
        self.relations
            .get(&(schema.to_string(), name.to_string()))
            .ok_or_else(|| Error::table_not_found(schema, name, self.table_hint(schema, name)))
    }

    /// The function a data representation maps `source` values to `target` with, if any.
    pub fn representation(&self, source: u32, target: u32) -> Option<&QualifiedName> {
        self.representations.get(&(source, target))
    }

    /// The relationships from `origin` to tables of `schema`, in PostgREST's order.
    pub fn relationships_from(&self, origin: &QualifiedName, schema: &str) -> &[Relationship] {
        self.relationships
            .get(&(origin.clone(), schema.to_string()))
            .map_or(&[][..], Vec::as_slice)
    }

    /// PostgREST's "Perhaps you meant the table ..." : the closest name in the same schema,
    /// if it is similar enough.
    fn table_hint(&self, schema: &str, name: &str) -> Option<String> {
        let candidates = self
            .relations
            .keys()
            .filter(|(s, _)| s == schema)
            .map(|(_, n)| n.as_str());
        fuzzy::best(name, candidates).map(|t| format!("Perhaps you meant the table '{schema}.{t}'"))
    }
}

// ---------------------------------------------------------------------------------------------
// Staleness. Callbacks run on the main thread while Postgres processes invalidation messages;
// they only set a flag (no allocation, no catalog access: that is not allowed there).

static STALE: AtomicBool = AtomicBool::new(true);

/// A relation's invalidation arrived: DDL, or only VACUUM or ANALYZE updating its statistics.
/// The cache is reloaded if the catalog's fingerprint moved.
static SUSPECT: AtomicBool = AtomicBool::new(false);

/// Bumped by `budgetbee.reload_schema()` on a hot standby, where the relcache broadcast it
/// sends on a primary cannot be sent (it would be WAL); workers reload when it moves.
#[allow(unsafe_code)] // FFI edge: a shared-memory counter.
// SAFETY: initialised once by pg_shmem_init! in `_PG_init`, before any worker starts.
pub static SCHEMA_RELOADS: pgrx::PgAtomic<AtomicU64> =
    unsafe { pgrx::PgAtomic::new(c"budgetbee_schema_reloads") };
/// The value of SCHEMA_RELOADS this worker's cache follows.
static RELOADS_SEEN: AtomicU64 = AtomicU64::new(0);
static GENERATION: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static CACHE: RefCell<Option<Rc<SchemaCache>>> = const { RefCell::new(None) };
}

#[allow(unsafe_code)] // FFI edge: invalidation callbacks.
unsafe extern "C-unwind" fn on_relcache(_arg: pg_sys::Datum, relid: pg_sys::Oid) {
    // Every relation at once: NOTIFY pgrst (`notify`), or a reset after the invalidation
    // queue overflowed. Reload without asking.
    if relid == pg_sys::InvalidOid {
        STALE.store(true, Ordering::Relaxed);
    } else {
        SUSPECT.store(true, Ordering::Relaxed);
    }
}

#[allow(unsafe_code)] // FFI edge: invalidation callbacks.
unsafe extern "C-unwind" fn on_syscache(_arg: pg_sys::Datum, _cache: i32, _hash: u32) {
    STALE.store(true, Ordering::Relaxed);
}

/// Subscribes this backend to catalog invalidations. Once per worker, before serving.
#[allow(unsafe_code)] // FFI edge: registers the callbacks above.
pub fn watch_catalog() {
    // SAFETY: the worker's main thread, once; the callbacks are plain functions that only set
    // an atomic flag.
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

/// The generation of the cache this worker holds (0: none loaded yet).
pub fn loaded_generation() -> u64 {
    CACHE.with(|c| c.borrow().as_ref().map_or(0, |c| c.generation))
}

/// Marks the cache stale (configuration changed, or an explicit reload).
pub fn mark_stale() {
    STALE.store(true, Ordering::Relaxed);
}

/// The current cache for `schemas`, reloaded first if the catalog changed. Call inside a
/// transaction (invalidations are processed at its start). After a relation's invalidation,
/// `fingerprint` (`load::fingerprint`, taken before every load too) tells whether anything the
/// cache holds changed. `reload` runs the loader in a subtransaction so a failure leaves the
/// request's transaction usable; on failure the previous cache keeps serving, and only a
/// worker that never loaded one answers 503.
pub fn current(
    schemas: &[String],
    log_reloads: bool,
    fingerprint: impl FnOnce() -> Result<String, Error>,
    reload: impl FnOnce(&[String]) -> Result<SchemaCache, Error>,
) -> Result<Rc<SchemaCache>, Error> {
    let existing = CACHE.with(|c| c.borrow().clone());
    let config_changed = existing.as_ref().is_some_and(|c| c.schemas != schemas);
    let asked = SCHEMA_RELOADS.get().load(Ordering::Relaxed);
    let asked_again = RELOADS_SEEN.swap(asked, Ordering::Relaxed) != asked;
    let forced = STALE.swap(false, Ordering::Relaxed) || config_changed || asked_again;
    let suspect = SUSPECT.swap(false, Ordering::Relaxed);
    if !forced
        && !suspect
        && let Some(c) = existing.as_ref()
    {
        return Ok(c.clone());
    }
    // Taken before any load: a change committed while the cache is read makes the next check
    // reload again, never keeps a cache older than its fingerprint.
    let now = match fingerprint() {
        Ok(now) => Some(now),
        // A cancel stops the request, not the check: the next request looks again.
        Err(e @ Error::Pg { .. }) if e.code() == "57014" => {
            let again = if forced { &STALE } else { &SUSPECT };
            again.store(true, Ordering::Relaxed);
            return Err(e);
        }
        // Cannot tell: reload, and the next invalidation reloads again.
        Err(_) => None,
    };
    if !forced
        && let Some(c) = existing.as_ref()
        && now.is_some()
        && now == c.fingerprint
    {
        // VACUUM or ANALYZE: the autovacuum of any table, catalogs included, would otherwise
        // reload every worker's cache and drop its prepared statements.
        return Ok(c.clone());
    }
    let started = std::time::Instant::now();
    let counters = crate::stats::stats();
    match reload(schemas) {
        Ok(mut fresh) => {
            counters.schema_loads_ok.fetch_add(1, Ordering::Relaxed);
            counters
                .schema_load_us
                .store(started.elapsed().as_micros() as u64, Ordering::Relaxed);
            fresh.generation = GENERATION.fetch_add(1, Ordering::Relaxed) + 1;
            fresh.fingerprint = now;
            if log_reloads {
                pgrx::log!(
                    "budgetbee: schema cache loaded: {} relations, {} functions in {:.1} ms",
                    fresh.relations.len(),
                    fresh.routines.values().map(Vec::len).sum::<usize>(),
                    started.elapsed().as_secs_f64() * 1000.0
                );
            }
            let fresh = Rc::new(fresh);
            CACHE.with(|c| *c.borrow_mut() = Some(fresh.clone()));
            Ok(fresh)
        }
        // A cancel (the client hung up, pg_cancel_backend) stops the request, not the load:
        // the next request loads again.
        Err(e @ Error::Pg { .. }) if e.code() == "57014" => {
            STALE.store(true, Ordering::Relaxed);
            Err(e)
        }
        Err(e) => {
            counters.schema_loads_failed.fetch_add(1, Ordering::Relaxed);
            pgrx::warning!(
                "budgetbee: schema cache reload failed, serving the previous one: {e:?}"
            );
            // Try again on the next request.
            STALE.store(true, Ordering::Relaxed);
            existing.ok_or_else(Error::no_schema_cache)
        }
    }
}
