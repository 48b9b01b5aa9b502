//! Plan → SQL text + bind parameters. The only place dynamic SQL is written, and it only
//! formats what the plan decided (no schema lookups). Values are always bind parameters;
//! identifiers always go through `quote_ident`.
//!
//! Parameters are sent as text and typed by Postgres from their context (`exec::statement`
//! prepares with variable parameter types), exactly like PostgREST's unknown-typed parameters:
//! `id=eq.5` compares an integer column with an integer, `tags=cs.{a}` a text[] with a text[].

mod call;
mod inspect;
mod mutate;
mod read;

pub use call::{call, stream as call_stream};
pub use inspect::inspect;
pub use mutate::mutate;
pub use read::{count_plan, read, stream};

use crate::api::media::{PlanFormat, PlanOption};
use crate::plan::{Custom, Explain, QualifiedName};
use crate::schema::HandlerTarget;

/// Every main statement returns one row with the same named columns (PostgREST's result set):
/// `total_result_set`, `page_total`, `body`, `response_headers`, `response_status`,
/// `response_inserted`, `location`. These two read what SQL set during the request.
const RESPONSE_SETTINGS: &str = "nullif(current_setting('response.headers', true), '') AS response_headers, \
     nullif(current_setting('response.status', true), '') AS response_status";

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Statement {
    pub text: String,
    pub params: Vec<String>,
}

impl Statement {
    /// Adds a parameter and returns its placeholder (`$n`).
    fn bind(&mut self, value: impl Into<String>) -> String {
        self.params.push(value.into());
        format!("${}", self.params.len())
    }
}

/// A row count the plan computed (a page size, a bound from the configuration) written into
/// the text, where PostgREST binds it: an `i64` prints as a number and nothing else, and page
/// sizes are few, so the kept statements stay few. The planner sees the number: a statement
/// with no other parameter is planned once and its plan kept, where `LIMIT $n` makes Postgres
/// plan every request again or keep a plan made for an unknown page size (a tenth of the
/// rows). Offsets stay parameters: every page has its own.
fn rows(n: i64) -> String {
    format!("{n}::bigint")
}

/// The one identifier-quoting function: `a"b` → `"a""b"`.
pub fn quote_ident(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// A name from the schema cache as a string literal (JSON keys named after columns). Never
/// used for values: those are parameters.
fn literal(name: &str) -> String {
    format!("'{}'", name.replace('\'', "''"))
}

/// ` WHERE a AND b`, or nothing.
fn where_(conditions: &[String]) -> String {
    if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    }
}

fn qualified(schema: &str, name: &str) -> String {
    format!("{}.{}", quote_ident(schema), quote_ident(name))
}

pub const SESSION_PRIVILEGE: &str = "SELECT CASE WHEN rolsuper THEN 'a superuser' \
     WHEN rolbypassrls THEN 'a role with BYPASSRLS' END \
     FROM pg_catalog.pg_roles WHERE rolname = session_user";

/// Per-request context, as PostgREST sets it: every value transaction-local, in one statement.
pub struct RequestContext<'a> {
    pub search_path: &'a str,
    /// The role's own settings (`ALTER ROLE … SET`).
    pub role_settings: &'a [(String, String)],
    pub role: &'a str,
    pub claims_json: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub headers_json: &'a str,
    pub cookies_json: &'a str,
    /// `Prefer: timezone=`.
    pub timezone: Option<&'a str>,
    /// A called function's settings PostgREST hoists into the transaction.
    pub function_settings: &'a [(String, String)],
}

/// The request's settings in PostgREST's order, each set transaction-local
/// (`set_config(name, value, true)`): the role's own settings after search_path and before the
/// role, so they are set as the authenticator; every later one is set as the role, as in
/// PostgREST's single `SELECT set_config(…), …`.
pub fn request_settings<'a>(ctx: &'a RequestContext<'a>) -> Vec<(&'a str, &'a str)> {
    let mut settings = vec![("search_path", ctx.search_path)];
    settings.extend(
        ctx.role_settings
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str())),
    );
    settings.extend([
        ("role", ctx.role),
        ("request.jwt.claims", ctx.claims_json),
        ("request.method", ctx.method),
        ("request.path", ctx.path),
        ("request.headers", ctx.headers_json),
        ("request.cookies", ctx.cookies_json),
    ]);
    settings.extend(ctx.timezone.map(|tz| ("timezone", tz)));
    settings.extend(
        ctx.function_settings
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str())),
    );
    settings
}

/// `db-pre-request`: `SELECT "schema"."function"()`. The name comes from the configuration;
/// it is split at the first dot and each part quoted.
pub fn pre_request(function: &str) -> Statement {
    let name = match function.split_once('.') {
        Some((schema, name)) => qualified(schema.trim(), name.trim()),
        None => quote_ident(function.trim()),
    };
    Statement {
        text: format!("SELECT {name}()"),
        params: Vec::new(),
    }
}

/// `application/vnd.pgrst.plan`: the statement under `EXPLAIN` with the options asked for, in
/// PostgREST's order; its parameters stay parameters.
pub fn explain(stmt: Statement, explain: &Explain) -> Statement {
    let format = match explain.format {
        PlanFormat::Text => "FORMAT TEXT",
        PlanFormat::Json => "FORMAT JSON",
    };
    let options = std::iter::once(format).chain(explain.options.iter().map(|o| match o {
        PlanOption::Analyze => "ANALYZE",
        PlanOption::Verbose => "VERBOSE",
        PlanOption::Settings => "SETTINGS",
        PlanOption::Buffers => "BUFFERS",
        PlanOption::Wal => "WAL",
    }));
    Statement {
        text: format!(
            "EXPLAIN ({}) {}",
            options.collect::<Vec<_>>().join(", "),
            stmt.text
        ),
        params: stmt.params,
    }
}

/// A media type handler defined in SQL over the rows `_postgrest_t`: an aggregate of them
/// (cast to the relation it was written for), or a function's one value cast to the domain.
/// With `scalar`, the rows are a function's values (`pgrst_scalar`).
fn custom_body(c: &Custom, scalar: bool) -> String {
    let arg = match (&c.target, scalar) {
        (_, true) => "_postgrest_t.pgrst_scalar".to_string(),
        (HandlerTarget::AnyElement, false) => "_postgrest_t".to_string(),
        (HandlerTarget::Named(t), false) => format!("_postgrest_t::{}", name(t)),
    };
    if c.aggregate {
        format!("{}({arg})", name(&c.function))
    } else {
        // One value: aggregated so that the count beside it stays a plain aggregate query.
        format!(
            "(pg_catalog.array_agg(CAST({arg} AS {})))[1]",
            name(&c.function)
        )
    }
}

fn name(q: &QualifiedName) -> String {
    qualified(&q.schema, &q.name)
}

pub fn set_constraints_immediate() -> Statement {
    Statement {
        text: "SET CONSTRAINTS ALL IMMEDIATE".into(),
        params: Vec::new(),
    }
}

/// `search_path` for a request: the exposed schema, then the extra schemas.
pub fn search_path(schema: &str, extra: &[String]) -> String {
    std::iter::once(schema)
        .chain(extra.iter().map(String::as_str))
        .map(quote_ident)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn identifiers_are_quoted_once_and_escaped() {
        assert_eq!(quote_ident("a"), "\"a\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_ident("x; DROP TABLE y--"), "\"x; DROP TABLE y--\"");
    }

    #[test]
    fn context_settings_in_postgrests_order() {
        let path = search_path("public", &["public".into()]);
        let function_settings = [("statement_timeout".to_string(), "7s".to_string())];
        let role_settings = [("work_mem".to_string(), "8mb".to_string())];
        let ctx = RequestContext {
            search_path: &path,
            role_settings: &role_settings,
            role: "anon'; --",
            claims_json: "{}",
            method: "GET",
            path: "/t",
            headers_json: "{}",
            cookies_json: "{}",
            timezone: Some("UTC"),
            function_settings: &function_settings,
        };
        let settings = request_settings(&ctx);
        let names: Vec<&str> = settings.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "search_path",
                "work_mem",
                "role",
                "request.jwt.claims",
                "request.method",
                "request.path",
                "request.headers",
                "request.cookies",
                "timezone",
                "statement_timeout"
            ]
        );
        assert_eq!(settings[0].1, "\"public\", \"public\"");
        assert_eq!(settings[1].1, "8mb");
        assert_eq!(settings[2].1, "anon'; --");
        assert_eq!(settings[9].1, "7s");
    }
}
