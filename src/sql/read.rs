//! PostgREST's read statement (`Statements.prepareRead`): the query in a CTE `pgrst_source`,
//! an optional count CTE, and one result row with the total, the page size and the body
//! already serialised by Postgres.

use super::{Statement, qualified, quote_ident};
use crate::api::query::{Arrow, JsonKey, Quantifier};
use crate::api::{Count, Field, Filter, IsValue, LogicTree, MediaType, Operation, SelectItem};
use crate::plan::ReadPlan;
use crate::schema::Relation;

/// Columns of the result row: total (NULL unless counted), page size, body.
pub fn read(plan: &ReadPlan) -> Statement {
    let mut s = Statement::default();
    let table = qualified(&plan.relation.schema, &plan.relation.name);
    let select = plan
        .select
        .iter()
        .map(|item| select_item(&mut s, plan.relation, &table, item))
        .collect::<Vec<_>>()
        .join(", ");
    let where_ = where_clause(&mut s, plan, &table);
    let mut source = format!("SELECT {select} FROM {table}{where_}");
    if !plan.order.is_empty() {
        let terms: Vec<String> = plan
            .order
            .iter()
            .map(|t| {
                let mut term = field_expr(&mut s, plan.relation, &table, &t.field);
                match t.descending {
                    Some(true) => term.push_str(" DESC"),
                    Some(false) => term.push_str(" ASC"),
                    None => {}
                }
                match t.nulls_first {
                    Some(true) => term.push_str(" NULLS FIRST"),
                    Some(false) => term.push_str(" NULLS LAST"),
                    None => {}
                }
                term
            })
            .collect();
        source.push_str(&format!(" ORDER BY {}", terms.join(", ")));
    }
    if let Some(limit) = plan.range.limit() {
        source.push_str(&format!(" LIMIT {}::bigint", s.bind(limit.to_string())));
    }
    if plan.range.first > 0 {
        let offset = s.bind(plan.range.first.to_string());
        source.push_str(&format!(" OFFSET {offset}::bigint"));
    }
    let (count_cte, total) = match plan.count {
        Some(Count::Exact) | Some(Count::Estimated) => {
            let mut count = format!("SELECT 1 FROM {table}{where_}");
            if let (Some(Count::Estimated), Some(max)) = (plan.count, plan.max_rows) {
                count.push_str(&format!(" LIMIT {}::bigint", s.bind((max + 1).to_string())));
            }
            (
                format!(", pgrst_source_count AS ({count})"),
                "(SELECT pg_catalog.count(*) FROM pgrst_source_count)",
            )
        }
        _ => (String::new(), "null::bigint"),
    };
    let body = if plan.head {
        "''::text".to_string()
    } else {
        body(plan.media)
    };
    s.text = format!(
        "WITH pgrst_source AS ({source}){count_cte} \
         SELECT {total} AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, \
         {body} AS body, \
         nullif(current_setting('response.headers', true), '') AS response_headers, \
         nullif(current_setting('response.status', true), '') AS response_status \
         FROM (SELECT * FROM pgrst_source) _postgrest_t"
    );
    s
}

/// `count=planned` (and `estimated` past db-max-rows): the planner's row estimate for the
/// filtered relation, read from `EXPLAIN (FORMAT JSON)`.
pub fn count_plan(plan: &ReadPlan) -> Statement {
    let mut s = Statement::default();
    let table = qualified(&plan.relation.schema, &plan.relation.name);
    let where_ = where_clause(&mut s, plan, &table);
    s.text = format!("EXPLAIN (FORMAT JSON) SELECT 1 FROM {table}{where_}");
    s
}

/// The body handlers of PostgREST (`SqlFragment.handlerF`).
/// `header_source` is the row source whose first row names the CSV columns.
pub(super) fn body_from(media: MediaType, header_source: &str) -> String {
    match media {
        // A header line from the first row's keys, then each row's record text without its
        // parentheses: PostgreSQL's quoting, not RFC 4180, as PostgREST renders CSV.
        MediaType::Csv => format!(
            "(SELECT coalesce(string_agg(a.k, ','), '') FROM (\
             SELECT pg_catalog.json_object_keys(r)::text AS k FROM (\
             SELECT pg_catalog.row_to_json(hh) AS r FROM {header_source} AS hh LIMIT 1) s) a)\
             || '\n' || \
             coalesce(string_agg(substring(_postgrest_t::text, 2, length(_postgrest_t::text) - 2), '\n'), '')"
        ),
        other => body(other),
    }
}

pub(super) fn body(media: MediaType) -> String {
    match media {
        MediaType::Json => "coalesce(json_agg(_postgrest_t), '[]')::text".into(),
        MediaType::JsonStripped => {
            "coalesce(json_strip_nulls(json_agg(_postgrest_t)), '[]')::text".into()
        }
        MediaType::Singular { stripped: false } => {
            "coalesce((json_agg(_postgrest_t)->0)::text, 'null')".into()
        }
        MediaType::Singular { stripped: true } => {
            "coalesce(json_strip_nulls(json_agg(_postgrest_t)->0)::text, 'null')".into()
        }
        MediaType::Csv => body_from(media, "pgrst_source"),
    }
}

pub(super) fn select_item(
    s: &mut Statement,
    rel: &Relation,
    table: &str,
    item: &SelectItem,
) -> String {
    match item {
        SelectItem::Star => format!("{table}.*"),
        SelectItem::Field { field, alias, cast } => {
            let mut expr = field_expr(s, rel, table, field);
            if let Some(cast) = cast {
                // Type names are restricted by the grammar to letters, digits, `_`, `$` and
                // spaces, and cannot be quoted (`int` is not a type name, `integer` is).
                expr = format!("CAST({expr} AS {cast})");
            }
            let named = alias.is_some() || cast.is_some() || !field.path.is_empty();
            if named {
                let name = alias.clone().unwrap_or_else(|| field.output_name());
                format!("{expr} AS {}", quote_ident(&name))
            } else {
                expr
            }
        }
    }
}

/// A column, or a JSON path into it. Arrows apply to json/jsonb directly; any other type is
/// turned into jsonb first, as PostgREST does for composites and arrays.
fn field_expr(s: &mut Statement, rel: &Relation, table: &str, field: &Field) -> String {
    let mut expr = format!("{table}.{}", quote_ident(&field.name));
    if field.path.is_empty() {
        return expr;
    }
    let is_json = rel
        .column(&field.name)
        .is_some_and(|c| c.type_name == "json" || c.type_name == "jsonb");
    if !is_json {
        expr = format!("to_jsonb({expr})");
    }
    for (arrow, key) in &field.path {
        let op = match arrow {
            Arrow::Json => "->",
            Arrow::Text => "->>",
        };
        let operand = match key {
            // Untyped, like PostgREST's literal: Postgres picks the text-key operator.
            JsonKey::Key(k) => s.bind(k.clone()),
            JsonKey::Index(i) => format!("{}::integer", s.bind(i.to_string())),
        };
        expr = format!("{expr}{op}{operand}");
    }
    expr
}

fn where_clause(s: &mut Statement, plan: &ReadPlan, table: &str) -> String {
    conditions(s, plan.relation, table, plan.filters, plan.logic)
}

/// ` WHERE <filters AND logic trees>`, or nothing.
pub(super) fn conditions(
    s: &mut Statement,
    rel: &Relation,
    table: &str,
    filters: &[Filter],
    trees: &[LogicTree],
) -> String {
    let mut conditions: Vec<String> = filters.iter().map(|f| filter(s, rel, table, f)).collect();
    conditions.extend(trees.iter().map(|t| logic(s, rel, table, t)));
    if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    }
}

fn logic(s: &mut Statement, rel: &Relation, table: &str, tree: &LogicTree) -> String {
    match tree {
        LogicTree::Filter(f) => filter(s, rel, table, f),
        LogicTree::Expr {
            negated,
            or,
            children,
        } => {
            let joiner = if *or { " OR " } else { " AND " };
            let inner: Vec<String> = children.iter().map(|c| logic(s, rel, table, c)).collect();
            let expr = format!("({})", inner.join(joiner));
            if *negated {
                format!("NOT {expr}")
            } else {
                expr
            }
        }
    }
}

fn filter(s: &mut Statement, rel: &Relation, table: &str, f: &Filter) -> String {
    let column = field_expr(s, rel, table, &f.field);
    let expr = match &f.operation {
        Operation::Compare {
            op,
            quantifier,
            value,
        } => {
            let sql_op = match op.as_str() {
                "eq" => "=",
                "gt" => ">",
                "gte" => ">=",
                "lt" => "<",
                "lte" => "<=",
                "neq" => "<>",
                "like" => "LIKE",
                "ilike" => "ILIKE",
                "match" => "~",
                "imatch" => "~*",
                "isdistinct" => "IS DISTINCT FROM",
                "cs" => "@>",
                "cd" => "<@",
                "ov" => "&&",
                "sl" => "<<",
                "sr" => ">>",
                "nxr" => "&<",
                "nxl" => "&>",
                _ => "-|-", // adj: the grammar admits no other operator
            };
            let value = if op == "like" || op == "ilike" {
                value.replace('*', "%")
            } else {
                value.clone()
            };
            let p = s.bind(value);
            match quantifier {
                None => format!("{column} {sql_op} {p}"),
                Some(Quantifier::Any) => format!("{column} {sql_op} ANY ({p})"),
                Some(Quantifier::All) => format!("{column} {sql_op} ALL ({p})"),
            }
        }
        Operation::In(items) => {
            let p = s.bind(array_literal(items));
            format!("{column} = ANY ({p})")
        }
        Operation::Is(v) => {
            let kw = match v {
                IsValue::Null => "NULL",
                IsValue::NotNull => "NOT NULL",
                IsValue::True => "TRUE",
                IsValue::False => "FALSE",
                IsValue::Unknown => "UNKNOWN",
            };
            format!("{column} IS {kw}")
        }
        Operation::Fts {
            op,
            language,
            value,
        } => {
            let function = match op.as_str() {
                "fts" => "to_tsquery",
                "plfts" => "plainto_tsquery",
                "phfts" => "phraseto_tsquery",
                _ => "websearch_to_tsquery",
            };
            let is_tsvector = f.field.path.is_empty()
                && rel
                    .column(&f.field.name)
                    .is_some_and(|c| c.type_name == "tsvector");
            let lang = language
                .as_ref()
                .map(|l| format!("{}::regconfig, ", s.bind(l.clone())));
            let lang = lang.unwrap_or_default();
            let document = if is_tsvector {
                column
            } else {
                format!("to_tsvector({lang}{column})")
            };
            let v = s.bind(value.clone());
            format!("{document} @@ {function}({lang}{v})")
        }
    };
    if f.negated {
        format!("NOT ({expr})")
    } else {
        expr
    }
}

/// `in.(a,"b,c")` → the PostgreSQL array literal `{"a","b,c"}`, bound as one parameter so the
/// statement text does not depend on the list's length.
fn array_literal(items: &[String]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|i| format!("\"{}\"", i.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    format!("{{{}}}", quoted.join(","))
}

#[cfg(test)]
mod unit {
    use super::*;
    use crate::api::query::{parse_field, parse_filter, parse_logic, parse_order, parse_select};
    use crate::api::{OrderTerm, Range};
    use crate::schema::Column;

    fn rel() -> Relation {
        let col = |name: &str, ty: &str| Column {
            name: name.into(),
            type_name: ty.into(),
            type_oid: 0,
            nullable: true,
            default: None,
        };
        Relation {
            schema: "public".into(),
            name: "t".into(),
            kind: 'r',
            columns: vec![
                col("id", "integer"),
                col("data", "jsonb"),
                col("doc", "tsvector"),
                col("body", "text"),
            ],
            primary_key: vec!["id".into()],
            foreign_keys: vec![],
        }
    }

    fn plan<'a>(
        rel: &'a Relation,
        select: &'a [SelectItem],
        filters: &'a [Filter],
        logic: &'a [LogicTree],
        order: &'a [OrderTerm],
    ) -> ReadPlan<'a> {
        ReadPlan {
            relation: rel,
            select,
            filters,
            logic,
            order,
            range: Range {
                first: 10,
                last: Some(14),
            },
            head: false,
            media: MediaType::Json,
            count: None,
            max_rows: None,
        }
    }

    fn filter(key: &str, value: &str) -> Filter {
        parse_filter(parse_field(key).unwrap(), value).unwrap()
    }

    #[test]
    fn values_never_reach_the_text() {
        let r = rel();
        let select = parse_select("id,x:data->a->>\"b\",body::text").unwrap();
        let filters = vec![
            filter("id", "eq.1'; DROP TABLE t;--"),
            filter("body", "like.*$1*"),
            filter("id", "in.(1,\"2,3\",\"a\\\"b\")"),
            filter("doc", "fts(english).kitten"),
            filter("body", "not.wfts.dog"),
            filter("data->>k", "is.null"),
        ];
        let logic = vec![parse_logic(true, true, "(id.gt.5,and(id.lt.9,body.neq.x))").unwrap()];
        let order = parse_order("data->k.desc.nullslast,id").unwrap();
        let s = read(&plan(&r, &select, &filters, &logic, &order));
        for v in ["DROP", "$1*", "kitten", "dog", "english", "\"2,3\""] {
            assert!(!s.text.contains(v), "{v} in {}", s.text);
        }
        assert!(s.params.contains(&"1'; DROP TABLE t;--".to_string()));
        assert!(s.params.contains(&"%$1%".to_string()));
        assert!(s.params.contains(&"{\"1\",\"2,3\",\"a\\\"b\"}".to_string()));
        assert!(s.text.contains("\"public\".\"t\".\"doc\" @@ to_tsquery($"));
        assert!(
            s.text
                .contains("NOT (to_tsvector(\"public\".\"t\".\"body\") @@ websearch_to_tsquery($")
        );
        assert!(s.text.contains("NOT (\"public\".\"t\".\"id\" > $"));
        assert!(
            s.text
                .contains(" DESC NULLS LAST, \"public\".\"t\".\"id\" LIMIT $")
        );
        assert!(
            s.text
                .contains("CAST(\"public\".\"t\".\"body\" AS text) AS \"body\"")
        );
        assert!(
            s.text
                .contains("\"public\".\"t\".\"data\"->$1->>$2 AS \"x\"")
        );
        assert_eq!(
            &s.params[s.params.len() - 2..],
            &["5".to_string(), "10".to_string()]
        );
    }

    #[test]
    fn json_paths_wrap_non_json_columns() {
        let r = rel();
        let select = parse_select("id->0").unwrap();
        let s = read(&plan(&r, &select, &[], &[], &[]));
        assert!(
            s.text
                .contains("to_jsonb(\"public\".\"t\".\"id\")->$1::integer AS \"id\"")
        );
    }

    #[test]
    fn counts_share_the_filters() {
        let r = rel();
        let filters = vec![filter("id", "gt.1")];
        let mut p = plan(&r, &[], &filters, &[], &[]);
        p.count = Some(Count::Exact);
        let s = read(&p);
        assert!(s.text.contains(
            "pgrst_source_count AS (SELECT 1 FROM \"public\".\"t\" WHERE \"public\".\"t\".\"id\" > $1)"
        ));
        let e = count_plan(&p);
        assert_eq!(
            e.text,
            "EXPLAIN (FORMAT JSON) SELECT 1 FROM \"public\".\"t\" WHERE \"public\".\"t\".\"id\" > $1"
        );
    }
}
