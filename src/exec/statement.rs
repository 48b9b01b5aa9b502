//! Prepared statements, reused per worker.
//!
//! A statement's text depends only on the request's shape (values are parameters), so each
//! distinct text is prepared once and kept (bounded, oldest evicted). Parameter types are
//! inferred by Postgres from the statement, as for PostgREST's unknown-typed parameters: the
//! text is first analysed with variable parameter types, then prepared for keeps with the
//! types found. Values are converted with each type's input function, so `id=eq.abc` fails
//! with Postgres's own 22P02 message. Plans are dropped whenever the schema cache reloads.

// FFI edge: SPI prepared statements.
#![allow(unsafe_code)]

use crate::error::Error;
use pgrx::pg_sys;
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::ffi::{CStr, CString, c_char, c_int, c_void};

/// Most statements kept per worker.
const CAPACITY: usize = 256;

struct Prepared {
    plan: pg_sys::SPIPlanPtr,
    /// (input function, I/O parameter) per parameter.
    inputs: Vec<(pg_sys::Oid, pg_sys::Oid)>,
}

#[derive(Default)]
struct Cache {
    generation: u64,
    plans: HashMap<String, Prepared>,
    order: VecDeque<String>,
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

/// One result row as text (NULL → None), in column order.
pub type Row = Vec<Option<String>>;

/// What a statement returned: its column names and rows.
#[derive(Debug, Default)]
pub struct Rows {
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    /// The first row's `body` column in its type's binary form, as PostgREST receives the
    /// body (a bytea stays raw bytes, a jsonb keeps its version byte); text and json are their
    /// text either way.
    pub body: Option<Vec<u8>>,
}

/// `set_config(name, value, true)` without a statement: what its SQL function does
/// (`set_config_by_name`), in the current transaction. Errors (an unknown role, a bad value)
/// are raised as the function raises them, and caught like any statement's.
pub fn set_local(name: &str, value: &str) -> Result<(), Error> {
    let name = CString::new(name).map_err(|_| Error::invalid_text_value())?;
    let value = CString::new(value).map_err(|_| Error::invalid_text_value())?;
    // SAFETY: main thread, inside the request's transaction; both strings outlive the call,
    // which copies them.
    unsafe {
        let context = if pg_sys::superuser() {
            pg_sys::GucContext::PGC_SUSET
        } else {
            pg_sys::GucContext::PGC_USERSET
        };
        pg_sys::set_config_option(
            name.as_ptr(),
            value.as_ptr(),
            context,
            pg_sys::GucSource::PGC_S_SESSION,
            pg_sys::GucAction::GUC_ACTION_LOCAL,
            true,
            0,
            false,
        );
    }
    Ok(())
}

/// Which snapshot a statement reads: a fresh one, as every statement PostgREST sends in a
/// READ COMMITTED transaction, or the one already active, so that the statements of a streamed
/// read (its count, then its cursor) see the same rows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Snapshot {
    Fresh,
    Active,
}

/// A statement planned and its parameters converted, ready to run or open as a cursor.
struct Bound {
    plan: pg_sys::SPIPlanPtr,
    datums: Vec<pg_sys::Datum>,
    nulls: Vec<c_char>,
    /// Planned for this execution only: freed once run.
    owned: bool,
}

impl Bound {
    /// `generation` is the schema cache's: a new one drops every kept plan first. With `keep`
    /// false the statement is planned for this execution only (db_prepared_statements = off).
    fn new(text: &str, params: &[String], generation: u64, keep: bool) -> Result<Bound, Error> {
        let values: Vec<CString> = params
            .iter()
            .map(|p| CString::new(p.as_str()).map_err(|_| Error::invalid_text_value()))
            .collect::<Result<_, _>>()?;
        let (plan, inputs) = if keep {
            prepared(text, generation)?
        } else {
            let ctext = CString::new(text).map_err(|_| Error::internal("NUL in statement text"))?;
            // SAFETY: main thread, inside the request's SPI connection (callers hold it).
            unsafe { prepare(&ctext, false)? }
        };
        // SAFETY: `plan`'s parameter count matches `inputs`; the CStrings outlive the input
        // calls, whose results are fresh datums.
        let datums: Vec<pg_sys::Datum> = values
            .iter()
            .zip(&inputs)
            .map(|(v, (input, ioparam))| unsafe {
                pg_sys::OidInputFunctionCall(*input, v.as_ptr() as *mut c_char, *ioparam, -1)
            })
            .collect();
        let nulls = vec![b' ' as c_char; datums.len()];
        Ok(Bound {
            plan,
            datums,
            nulls,
            owned: !keep,
        })
    }
}

impl Drop for Bound {
    fn drop(&mut self) {
        if self.owned {
            // SAFETY: a plan prepared for this statement alone, used no more.
            unsafe { pg_sys::SPI_freeplan(self.plan) };
        }
    }
}

/// Runs `text` with `params` inside the current SPI connection and returns the rows as text.
pub fn execute(
    text: &str,
    params: &[String],
    generation: u64,
    keep: bool,
    snapshot: Snapshot,
) -> Result<Rows, Error> {
    let mut bound = Bound::new(text, params, generation, keep)?;
    // SAFETY: `bound.plan` is a live SPI plan with its parameters; SPI is connected.
    unsafe {
        let timer = StatementTimer::arm();
        let rc = pg_sys::SPI_execute_plan(
            bound.plan,
            bound.datums.as_mut_ptr(),
            bound.nulls.as_ptr(),
            snapshot == Snapshot::Active,
            0,
        );
        timer.completed();
        if rc < 0 {
            return Err(Error::internal(format!("SPI_execute_plan returned {rc}")));
        }
        Ok(rows())
    }
}

/// An open cursor over a statement's rows, on the active snapshot, fetched in batches after
/// the SPI connection that opened it has ended (a portal lives until its transaction ends).
#[derive(Debug)]
pub struct Cursor {
    name: CString,
}

/// Opens `text` as a cursor on the active snapshot, inside the current SPI connection.
pub fn open(text: &str, params: &[String], generation: u64, keep: bool) -> Result<Cursor, Error> {
    let mut bound = Bound::new(text, params, generation, keep)?;
    // SAFETY: a live SPI plan with its parameters; SPI is connected. The portal copies an
    // unsaved plan, so dropping `bound` afterwards is fine; its name is copied out.
    unsafe {
        let portal = pg_sys::SPI_cursor_open(
            std::ptr::null(),
            bound.plan,
            bound.datums.as_mut_ptr(),
            bound.nulls.as_ptr(),
            true,
        );
        if portal.is_null() {
            return Err(Error::internal("SPI_cursor_open returned no portal"));
        }
        Ok(Cursor {
            name: CStr::from_ptr((*portal).name).to_owned(),
        })
    }
}

impl Cursor {
    /// Fetches up to `batch` rows and hands each one's first column, as text, to `each`.
    /// Returns how many rows came: fewer than `batch` means the cursor is exhausted (and
    /// closed). Connects to SPI for the batch, so what it allocated is freed with it.
    pub fn fetch(&mut self, batch: i64, mut each: impl FnMut(&[u8])) -> Result<usize, Error> {
        pgrx::spi::Spi::connect(|_client| {
            // SAFETY: main thread, SPI connected; the portal was opened in this transaction
            // (a missing one is reported, not dereferenced); each value is freed after use.
            unsafe {
                let portal = pg_sys::SPI_cursor_find(self.name.as_ptr());
                if portal.is_null() {
                    return Err(Error::internal("the stream's cursor is gone"));
                }
                let timer = StatementTimer::arm();
                pg_sys::SPI_cursor_fetch(portal, true, batch as std::ffi::c_long);
                timer.completed();
                let table = pg_sys::SPI_tuptable;
                let n = pg_sys::SPI_processed as usize;
                if !table.is_null() {
                    let desc = (*table).tupdesc;
                    for i in 0..n {
                        let v = pg_sys::SPI_getvalue(*(*table).vals.add(i), desc, 1);
                        if !v.is_null() {
                            each(CStr::from_ptr(v).to_bytes());
                            pg_sys::pfree(v as *mut c_void);
                        }
                    }
                    pg_sys::SPI_freetuptable(table);
                }
                if (n as i64) < batch {
                    pg_sys::SPI_cursor_close(portal);
                }
                Ok(n)
            }
        })
    }
}

fn prepared(
    text: &str,
    generation: u64,
) -> Result<(pg_sys::SPIPlanPtr, Vec<(pg_sys::Oid, pg_sys::Oid)>), Error> {
    let hit = CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.generation != generation {
            for (_, p) in c.plans.drain() {
                // SAFETY: a kept plan of this cache, freed once as it leaves it.
                unsafe { pg_sys::SPI_freeplan(p.plan) };
            }
            c.order.clear();
            c.generation = generation;
        }
        c.plans.get(text).map(|p| (p.plan, p.inputs.clone()))
    });
    if let Some(hit) = hit {
        return Ok(hit);
    }
    let ctext = CString::new(text).map_err(|_| Error::internal("NUL in statement text"))?;
    // SAFETY: main thread, inside the request's SPI connection.
    let (plan, inputs) = unsafe { prepare(&ctext, true)? };
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.order.len() >= CAPACITY
            && let Some(old) = c.order.pop_front()
            && let Some(p) = c.plans.remove(&old)
        {
            // SAFETY: the evicted plan leaves the cache here and is never used again.
            unsafe { pg_sys::SPI_freeplan(p.plan) };
        }
        c.order.push_back(text.to_string());
        c.plans.insert(
            text.to_string(),
            Prepared {
                plan,
                inputs: inputs.clone(),
            },
        );
    });
    Ok((plan, inputs))
}

/// `statement_timeout` for one statement, armed as PostgreSQL arms it for each statement a
/// client sends (a background worker's SPI statements get no timer otherwise). It reads the
/// setting as the request left it, so a function's hoisted `SET statement_timeout` and a role's
/// or database's default apply. Disarmed when dropped, also when the statement raised.
struct StatementTimer {
    armed: bool,
}

impl StatementTimer {
    fn arm() -> StatementTimer {
        // SAFETY: main thread; StatementTimeout is the GUC's variable, and the timeout module
        // was initialised by the worker's start (InitPostgres registers STATEMENT_TIMEOUT).
        unsafe {
            let ms = pg_sys::StatementTimeout;
            if ms > 0 {
                enable_timeout_after(STATEMENT_TIMEOUT, ms);
            }
            StatementTimer { armed: ms > 0 }
        }
    }

    /// The statement finished: a timeout that fired just as it did cancels nothing, as
    /// PostgreSQL drops a cancel that arrives between statements.
    fn completed(self) {
        // SAFETY: main thread; reads and clears the flags the timeout handler sets.
        unsafe {
            if self.armed && get_timeout_indicator(STATEMENT_TIMEOUT, true) {
                pg_sys::QueryCancelPending = 0;
            }
        }
    }
}

impl Drop for StatementTimer {
    fn drop(&mut self) {
        if self.armed {
            // SAFETY: main thread; disarming a timeout is always allowed.
            unsafe { disable_timeout(STATEMENT_TIMEOUT, false) };
        }
    }
}

/// utils/timeout.h's `STATEMENT_TIMEOUT` (fourth of `TimeoutId`, PostgreSQL 15 to 17).
const STATEMENT_TIMEOUT: c_int = 3;

unsafe extern "C-unwind" {
    // utils/timeout.h, not in pgrx's bindings.
    fn enable_timeout_after(id: c_int, delay_ms: c_int);
    fn disable_timeout(id: c_int, keep_indicator: bool);
    fn get_timeout_indicator(id: c_int, reset_indicator: bool) -> bool;
}

/// Where `setup_parse_variable_parameters` keeps the types it infers during analysis.
#[repr(C)]
struct VariableParams {
    types: *mut pg_sys::Oid,
    count: c_int,
}

unsafe extern "C-unwind" {
    // parser/parse_param.h (PG15+), not in pgrx's bindings.
    fn setup_parse_variable_parameters(
        pstate: *mut pg_sys::ParseState,
        param_types: *mut *mut pg_sys::Oid,
        num_params: *mut c_int,
    );
}

unsafe extern "C-unwind" fn variable_params_hook(
    pstate: *mut pg_sys::ParseState,
    arg: *mut c_void,
) {
    let vp = arg as *mut VariableParams;
    // SAFETY: `arg` is the VariableParams that `prepare` passed along with this hook, alive for
    // the whole SPI_prepare_params call.
    unsafe { setup_parse_variable_parameters(pstate, &mut (*vp).types, &mut (*vp).count) };
}

/// # Safety
/// Main thread, with SPI connected.
unsafe fn prepare(
    text: &CStr,
    keep: bool,
) -> Result<(pg_sys::SPIPlanPtr, Vec<(pg_sys::Oid, pg_sys::Oid)>), Error> {
    // SAFETY: the caller's contract; every pointer below is checked or comes from SPI.
    unsafe {
        // 1. Analyse with variable parameter types to learn what each $n must be.
        let mut vp = VariableParams {
            types: std::ptr::null_mut(),
            count: 0,
        };
        let probe = pg_sys::SPI_prepare_params(
            text.as_ptr(),
            Some(variable_params_hook),
            &mut vp as *mut VariableParams as *mut c_void,
            0,
        );
        if probe.is_null() {
            return Err(Error::internal(format!(
                "SPI_prepare_params failed: {}",
                *std::ptr::addr_of!(pg_sys::SPI_result)
            )));
        }
        // The hook's array holds what analysis inferred (SPI itself records no types for a
        // plan prepared with a parser hook).
        let n = vp.count;
        let mut types: Vec<pg_sys::Oid> = (0..n as usize)
            .map(|i| {
                let t = *vp.types.add(i);
                // A parameter nothing constrains stays text, as an untyped literal would.
                if t == pg_sys::UNKNOWNOID || t == pg_sys::InvalidOid {
                    pg_sys::TEXTOID
                } else {
                    t
                }
            })
            .collect();
        pg_sys::SPI_freeplan(probe);
        // 2. Prepare for keeps with those types fixed: revalidation after DDL re-analyses with
        //    the same types and never needs the probe's hook again. Parallel plans allowed, as
        //    for PostgREST's statements (a protocol-level Parse plans with PARALLEL_OK;
        //    SPI_prepare does not): a count over a million rows takes half the time. A cursor
        //    fetched in batches runs such a plan without workers.
        let plan = pg_sys::SPI_prepare_cursor(
            text.as_ptr(),
            n,
            types.as_mut_ptr(),
            pg_sys::CURSOR_OPT_PARALLEL_OK as i32,
        );
        if plan.is_null() {
            return Err(Error::internal(format!(
                "SPI_prepare failed: {}",
                *std::ptr::addr_of!(pg_sys::SPI_result)
            )));
        }
        if keep {
            pg_sys::SPI_keepplan(plan);
        }
        let inputs = types
            .iter()
            .map(|t| {
                let mut input = pg_sys::InvalidOid;
                let mut ioparam = pg_sys::InvalidOid;
                pg_sys::getTypeInputInfo(*t, &mut input, &mut ioparam);
                (input, ioparam)
            })
            .collect();
        Ok((plan, inputs))
    }
}

/// The rows SPI just returned, rendered with each column's output function (the body also in
/// binary).
/// # Safety
/// Right after an SPI execution, on the main thread.
unsafe fn rows() -> Rows {
    // SAFETY: SPI_tuptable and SPI_processed describe the rows just returned; each value and
    // name is copied into Rust and its palloc'd copy freed once.
    unsafe {
        let table = pg_sys::SPI_tuptable;
        if table.is_null() {
            return Rows::default();
        }
        let n = pg_sys::SPI_processed as usize;
        let desc = (*table).tupdesc;
        let natts = (*desc).natts;
        let columns: Vec<String> = (1..=natts)
            .map(|col| {
                let name = pg_sys::SPI_fname(desc, col);
                if name.is_null() {
                    String::new()
                } else {
                    let s = CStr::from_ptr(name).to_string_lossy().into_owned();
                    pg_sys::pfree(name as *mut c_void);
                    s
                }
            })
            .collect();
        let body_column = columns.iter().position(|c: &String| c == "body");
        let mut body = None;
        if let (Some(col), true) = (body_column, n > 0) {
            let tuple = *(*table).vals;
            let mut is_null = false;
            let datum = pg_sys::SPI_getbinval(tuple, desc, col as c_int + 1, &mut is_null);
            if !is_null {
                let type_oid = pg_sys::SPI_gettypeid(desc, col as c_int + 1);
                let mut send = pg_sys::InvalidOid;
                let mut varlena = false;
                pg_sys::getTypeBinaryOutputInfo(type_oid, &mut send, &mut varlena);
                // A send function returns a fresh, untoasted bytea.
                let sent = pg_sys::OidSendFunctionCall(send, datum);
                body = Some(pgrx::varlena::varlena_to_byte_slice(sent).to_vec());
                pg_sys::pfree(sent as *mut c_void);
            }
        }
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let tuple = *(*table).vals.add(i);
            let row = (1..=natts)
                .map(|col| {
                    // The first row's body was taken in binary above.
                    if i == 0 && body_column == Some(col as usize - 1) {
                        return None;
                    }
                    let v = pg_sys::SPI_getvalue(tuple, desc, col);
                    if v.is_null() {
                        None
                    } else {
                        let s = CStr::from_ptr(v).to_string_lossy().into_owned();
                        pg_sys::pfree(v as *mut c_void);
                        Some(s)
                    }
                })
                .collect();
            out.push(row);
        }
        pg_sys::SPI_freetuptable(table);
        Rows {
            columns,
            rows: out,
            body,
        }
    }
}
