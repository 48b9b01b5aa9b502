//! Runs a plan inside the request's transaction, on the worker's main thread: the request
//! context, the pre-request function, the plan's one statement (and the planner's estimate for
//! a planned count), then the checks PostgREST makes before committing (a singular answer is
//! one row, `max-affected`) and the transaction ending a write asked for. Returns the
//! statement's named result row; the body bytes come from Postgres and are not re-parsed.

pub mod statement;
pub mod transaction;

pub use statement::Cursor;
use statement::Snapshot;

use crate::api::Action;
use crate::error::Error;
use crate::plan::{
    CallPlan, Count, Explain, InspectPlan, MediaType, MutatePlan, Plan, ReadPlan, TxOutcome,
};
use crate::sql::{self, Statement};
use pgrx::prelude::*;

/// The one row every main statement returns, by column name (PostgREST's result set).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResultRow {
    /// The total the client asked to count, when it did.
    pub total: Option<i64>,
    /// Rows in the answer (reads) or rows written (writes).
    pub page_total: i64,
    /// As its type sends it (see `statement::Rows::body`); a plan's text for an EXPLAIN.
    pub body: Vec<u8>,
    /// `response.headers` / `response.status` as SQL left them.
    pub response_headers: Option<String>,
    pub response_status: Option<String>,
    /// Rows an upsert or PUT inserted (it may only update).
    pub inserted: i64,
    /// The first written row's primary key, as `[name, value]` pairs in the row's order.
    pub location: Option<String>,
    /// `GET /`: what the role may see of the schema, as a JSON object.
    pub inspected: Option<String>,
}

impl ResultRow {
    fn decode(rows: statement::Rows) -> ResultRow {
        let body = rows.body.unwrap_or_default();
        let row = rows.rows.into_iter().next().unwrap_or_default();
        let column = |name: &str| {
            rows.columns
                .iter()
                .position(|c| c == name)
                .and_then(|i| row.get(i).cloned().flatten())
        };
        let number = |name: &str| column(name).and_then(|t| t.parse::<i64>().ok());
        ResultRow {
            total: number("total_result_set"),
            page_total: number("page_total").unwrap_or(0),
            body,
            response_headers: column("response_headers"),
            response_status: column("response_status"),
            inserted: number("response_inserted").unwrap_or(0),
            location: column("location"),
            inspected: column("inspected"),
        }
    }
}

/// Who the request runs as and what it may read about itself (`request.*` settings), and the
/// function to call before its statement.
pub struct Context<'a> {
    pub settings: sql::RequestContext<'a>,
    pub pre_request: Option<&'a str>,
}

/// Keyed plans are dropped when the schema cache reloads (`generation`); `keep` is
/// `db_prepared_statements`; with `log`, each statement's text is kept for the access log
/// (`log_query`).
#[derive(Clone, Copy)]
pub struct Statements {
    pub generation: u64,
    pub keep: bool,
    pub log: bool,
}

thread_local! {
    static LOGGED: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The statements run since the last call, on one line each (`log_query`).
pub fn take_logged() -> Vec<String> {
    LOGGED.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

impl Statements {
    fn run(self, stmt: &Statement) -> Result<statement::Rows, Error> {
        self.run_on(stmt, Snapshot::Fresh)
    }

    fn run_on(self, stmt: &Statement, snapshot: Snapshot) -> Result<statement::Rows, Error> {
        self.logged(stmt);
        statement::execute(
            &stmt.text,
            &stmt.params,
            self.generation,
            self.keep,
            snapshot,
        )
    }

    fn open(self, stmt: &Statement) -> Result<Cursor, Error> {
        self.logged(stmt);
        statement::open(&stmt.text, &stmt.params, self.generation, self.keep)
    }

    fn logged(self, stmt: &Statement) {
        if self.log {
            let one_line = stmt.text.split_whitespace().collect::<Vec<_>>().join(" ");
            LOGGED.with(|l| l.borrow_mut().push(one_line));
        }
    }
}

/// What a plan's statement gave: its result row, and for a streamed read the cursor its rows
/// are still to be fetched from (the body is then empty, the row's counts final).
pub struct Executed {
    pub row: ResultRow,
    pub stream: Option<Cursor>,
}

impl From<ResultRow> for Executed {
    fn from(row: ResultRow) -> Executed {
        Executed { row, stream: None }
    }
}

/// Runs `plan` in the current transaction.
pub fn run(plan: &Plan, ctx: &Context, st: Statements) -> Result<Executed, Error> {
    if let Plan::Info(_) = plan {
        // OPTIONS answers from the schema cache: nothing runs, not even the request context.
        return Ok(ResultRow::default().into());
    }
    if !plan.writes() {
        // GET and HEAD (and calls of functions that are not VOLATILE) run read-only, as
        // PostgREST's BEGIN READ ONLY: a view or function that writes fails with 25006 (405).
        transaction::read_only();
    }
    Spi::connect(|_client| {
        context(ctx, st)?;
        match plan {
            Plan::Read(p) => read(p, st),
            Plan::Mutate(p) => mutate(p, st).map(Executed::from),
            Plan::Call(p) => call(p, st),
            Plan::Inspect(p) => inspect(p, st).map(Executed::from),
            Plan::Info(_) => Ok(ResultRow::default().into()),
        }
    })
}

/// The request's settings (role, claims, request.*) and the pre-request function. The settings
/// are set directly, as `set_config` does, not through a statement: PostgREST needs a round
/// trip for them, a worker inside the backend does not (no parse, plan or executor per request).
fn context(ctx: &Context, st: Statements) -> Result<(), Error> {
    for (name, value) in sql::request_settings(&ctx.settings) {
        statement::set_local(name, value)?;
    }
    if let Some(function) = ctx.pre_request {
        st.run(&sql::pre_request(function))?;
    }
    Ok(())
}

fn read(plan: &ReadPlan, st: Statements) -> Result<Executed, Error> {
    if let Some(explain) = &plan.explain {
        return explained(sql::read(plan), explain, st).map(Executed::from);
    }
    let mut row = ResultRow::decode(st.run(&sql::read(plan))?);
    if plan.stream_after.is_some_and(|n| row.page_total > n) {
        let stream = Stream {
            statements: sql::stream(plan),
            range: plan.tree.range,
            counted: plan.count.is_some(),
            tx: plan.tx,
        };
        return streamed(stream, st);
    }
    match plan.count {
        Some(Count::Planned) => row.total = Some(planned_rows(plan, st)?),
        // PostgREST: exact up to db-max-rows, the planner's estimate beyond (and always the
        // estimate when there is no db-max-rows, since any count exceeds "no limit").
        Some(Count::Estimated) if plan.max_rows.is_none_or(|m| row.total.unwrap_or(0) > m) => {
            row.total = Some(row.total.unwrap_or(0).max(planned_rows(plan, st)?))
        }
        _ => {}
    }
    singular(&plan.media, row.page_total)?;
    end(plan.tx, st)?;
    Ok(row.into())
}

/// What a streamed answer needs: its count and rows statements, the page asked for, whether
/// the client asked for the total, and how its transaction ends.
struct Stream {
    statements: (Statement, Statement),
    range: crate::api::Range,
    counted: bool,
    tx: TxOutcome,
}

/// An answer too large to build whole (a read's, or a call's rows): its count first (which
/// fixes the page, hence the headers), then a cursor over its rows on the same snapshot.
fn streamed(stream: Stream, st: Statements) -> Result<Executed, Error> {
    let (count, rows) = stream.statements;
    let mut row = ResultRow::decode(st.run_on(&count, Snapshot::Active)?);
    let total = row.total.unwrap_or(0);
    let range = stream.range;
    let last = range.last.map_or(total - 1, |l| l.min(total - 1));
    row.page_total = (last - range.first + 1).max(0);
    if !stream.counted {
        row.total = None;
    }
    let cursor = st.open(&rows)?;
    end(stream.tx, st)?;
    Ok(Executed {
        row,
        stream: Some(cursor),
    })
}

fn mutate(plan: &MutatePlan, st: Statements) -> Result<ResultRow, Error> {
    if let Some(explain) = &plan.explain {
        return explained(sql::mutate(plan), explain, st);
    }
    let row = ResultRow::decode(st.run(&sql::mutate(plan))?);
    if plan.action == Action::Put && row.page_total != 1 {
        // PostgREST's failPut: the statement wrote only the body rows carrying the URL's key,
        // and anything but exactly one is refused (and rolled back).
        return Err(Error::put_pk_mismatch());
    }
    finish(row, plan.max_affected, &plan.media, plan.tx, st)
}

fn call(plan: &CallPlan, st: Statements) -> Result<Executed, Error> {
    if let Some(explain) = &plan.explain {
        return explained(sql::call(plan), explain, st).map(Executed::from);
    }
    let row = ResultRow::decode(st.run(&sql::call(plan))?);
    if plan.stream_after.is_some_and(|n| row.page_total > n) {
        let stream = Stream {
            statements: sql::call_stream(plan),
            range: plan.read.range,
            counted: plan.count,
            tx: plan.tx,
        };
        return streamed(stream, st);
    }
    finish(row, plan.max_affected, &plan.media, plan.tx, st).map(Executed::from)
}

/// The statement's EXPLAIN, one line of text per row (FORMAT JSON gives one), each ending in
/// a newline as PostgREST joins them. Nothing the statement did is kept, whatever the
/// transaction would otherwise end with: `analyze` runs it.
fn explained(stmt: sql::Statement, explain: &Explain, st: Statements) -> Result<ResultRow, Error> {
    let rows = st.run(&sql::explain(stmt, explain))?;
    let mut body = String::new();
    for row in rows.rows {
        body.push_str(row.into_iter().next().flatten().as_deref().unwrap_or(""));
        body.push('\n');
    }
    transaction::rollback_at_end();
    Ok(ResultRow {
        body: body.into_bytes(),
        ..ResultRow::default()
    })
}

fn inspect(plan: &InspectPlan, st: Statements) -> Result<ResultRow, Error> {
    Ok(ResultRow::decode(st.run(&sql::inspect(plan))?))
}

/// PostgREST's checks after a write or a call, then the transaction end the request chose.
fn finish(
    row: ResultRow,
    max_affected: Option<i64>,
    media: &MediaType,
    tx: TxOutcome,
    st: Statements,
) -> Result<ResultRow, Error> {
    if let Some(max) = max_affected
        && row.page_total > max
    {
        // An error: the transaction is rolled back, nothing changes.
        return Err(Error::max_affected(row.page_total));
    }
    singular(media, row.page_total)?;
    end(tx, st)?;
    Ok(row)
}

/// The transaction ending the request chose (PostgREST's `optionalRollback`).
fn end(tx: TxOutcome, st: Statements) -> Result<(), Error> {
    if tx.rollback {
        // As PostgREST: deferred constraints are checked before the rollback, so a write that
        // could never commit still reports its violation.
        st.run(&sql::set_constraints_immediate())?;
        transaction::rollback_at_end();
    }
    Ok(())
}

/// The singular media type wants exactly one row; anything else rolls the request back.
fn singular(media: &MediaType, rows: i64) -> Result<(), Error> {
    match media {
        MediaType::Singular { .. } if rows != 1 => Err(Error::singularity(rows)),
        _ => Ok(()),
    }
}

/// The planner's estimate of the filtered relation's rows ("Plan Rows" of the top node).
fn planned_rows(plan: &ReadPlan, st: Statements) -> Result<i64, Error> {
    let rows = st.run(&sql::count_plan(plan))?;
    let json = rows
        .rows
        .first()
        .and_then(|r| r.first().cloned().flatten())
        .unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(&json)
        .map_err(|e| Error::internal(format!("reading EXPLAIN output: {e}")))?;
    Ok(v[0]["Plan"]["Plan Rows"].as_f64().unwrap_or(0.0) as i64)
}

/// What makes the worker's own login role privileged: "a superuser" or "a role with
/// BYPASSRLS" (either would let a request escape row-level security), or `None`.
pub fn session_privilege() -> Option<String> {
    transaction::run(|| {
        Spi::get_one::<String>(sql::SESSION_PRIVILEGE).map_err(|e| Error::internal(e.to_string()))
    })
    .ok()
    .flatten()
}
