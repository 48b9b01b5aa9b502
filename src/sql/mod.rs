//! Plan → SQL text + bind parameters. The only place SQL is written. Values are always bind
//! parameters; identifiers always go through `quote_ident`.

use crate::api::SelectItem;
use crate::plan::ReadPlan;

/// A bind parameter, typed so Postgres does not have to guess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    Text(String),
    Int8(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub text: String,
    pub params: Vec<Param>,
}

impl Statement {
    fn new() -> Statement {
        Statement {
            text: String::new(),
            params: Vec::new(),
        }
    }

    /// Adds a parameter and returns its placeholder (`$n`).
    fn bind(&mut self, p: Param) -> String {
        self.params.push(p);
        format!("${}", self.params.len())
    }
}

/// The one identifier-quoting function: `a"b` → `"a""b"`.
pub fn quote_ident(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

fn qualified(schema: &str, name: &str) -> String {
    format!("{}.{}", quote_ident(schema), quote_ident(name))
}

pub const FIND_RELATION: &str = "SELECT 1 FROM pg_catalog.pg_class c \
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
     WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r','v','m','f','p')";

pub const SESSION_IS_SUPERUSER: &str =
    "SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = session_user";

/// Per-request context, as PostgREST sets it: every value transaction-local, in one statement.
pub struct RequestContext<'a> {
    pub search_path: String,
    pub role: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub headers_json: &'a str,
    pub cookies_json: &'a str,
}

pub fn request_context(ctx: &RequestContext) -> Statement {
    let mut s = Statement::new();
    let settings = [
        ("search_path", ctx.search_path.as_str()),
        ("role", ctx.role),
        ("request.method", ctx.method),
        ("request.path", ctx.path),
        ("request.headers", ctx.headers_json),
        ("request.cookies", ctx.cookies_json),
    ];
    let calls: Vec<String> = settings
        .iter()
        .map(|(name, value)| {
            let n = s.bind(Param::Text(name.to_string()));
            let v = s.bind(Param::Text(value.to_string()));
            format!("pg_catalog.set_config({n}, {v}, true)")
        })
        .collect();
    s.text = format!("SELECT {}", calls.join(", "));
    s
}

/// `search_path` for a request: the exposed schema, then the extra schemas.
pub fn search_path(schema: &str, extra: &[String]) -> String {
    std::iter::once(schema)
        .chain(extra.iter().map(String::as_str))
        .map(quote_ident)
        .collect::<Vec<_>>()
        .join(", ")
}

/// PostgREST's read statement: the query in a CTE, one result row with the page size and the
/// body already serialised by Postgres (`json_agg`, `[]` when empty; nothing for HEAD).
pub fn read(plan: &ReadPlan) -> Statement {
    let mut s = Statement::new();
    let table = qualified(&plan.relation.schema, &plan.relation.name);
    let columns: Vec<String> = plan
        .select
        .iter()
        .map(|item| match item {
            SelectItem::Star => format!("{table}.*"),
            SelectItem::Column(c) => format!("{table}.{}", quote_ident(c)),
        })
        .collect();
    let mut source = format!("SELECT {} FROM {table}", columns.join(", "));
    if let Some(limit) = plan.limit {
        source.push_str(&format!(" LIMIT {}", s.bind(Param::Int8(limit))));
    }
    if plan.offset > 0 {
        source.push_str(&format!(" OFFSET {}", s.bind(Param::Int8(plan.offset))));
    }
    let body = if plan.head {
        "''::text"
    } else {
        "coalesce(json_agg(_postgrest_t), '[]')::text"
    };
    s.text = format!(
        "WITH pgrst_source AS ({source}) \
         SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, \
         {body} AS body \
         FROM (SELECT * FROM pgrst_source) _postgrest_t"
    );
    s
}

#[cfg(test)]
mod unit {
    use super::*;
    use crate::schema::Relation;

    fn plan(select: Vec<SelectItem>, limit: Option<i64>, offset: i64) -> ReadPlan {
        ReadPlan {
            relation: Relation {
                schema: "public".into(),
                name: "tx".into(),
            },
            select,
            limit,
            offset,
            head: false,
        }
    }

    #[test]
    fn identifiers_are_quoted_once_and_escaped() {
        assert_eq!(quote_ident("a"), "\"a\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_ident("x; DROP TABLE y--"), "\"x; DROP TABLE y--\"");
    }

    #[test]
    fn read_binds_limit_and_offset() {
        let s = read(&plan(vec![SelectItem::Column("id".into())], Some(5), 10));
        assert!(s.text.starts_with(
            "WITH pgrst_source AS (SELECT \"public\".\"tx\".\"id\" FROM \"public\".\"tx\" LIMIT $1 OFFSET $2)"
        ));
        assert_eq!(s.params, vec![Param::Int8(5), Param::Int8(10)]);
    }

    #[test]
    fn context_values_are_parameters() {
        let s = request_context(&RequestContext {
            search_path: search_path("public", &["public".into()]),
            role: "anon'; --",
            method: "GET",
            path: "/t",
            headers_json: "{}",
            cookies_json: "{}",
        });
        assert!(!s.text.contains("anon"));
        assert_eq!(s.params.len(), 12);
        assert_eq!(s.params[3], Param::Text("anon'; --".into()));
        assert_eq!(s.params[1], Param::Text("\"public\", \"public\"".into()));
    }
}
