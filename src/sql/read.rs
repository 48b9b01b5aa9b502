//! A read tree as SQL, shaped as PostgREST's `QueryBuilder.readPlanToQuery`: one SELECT per
//! node, each embedded resource a `LEFT|INNER JOIN LATERAL ( … ) AS "<agg alias>"` whose
//! result the parent selects as `row_to_json(…)::jsonb` (to-one), a `json_agg` array (to-many)
//! or lifted columns (spread). The statement wraps the root in PostgREST's result row.

use super::{Statement, qualified, quote_ident};
use crate::plan::{
    Aggregate, Arrow, Condition, Count, Direction, FtsOperator, IsValue, JoinCondition, JoinType,
    JsonKey, MediaType, Nulls, Operation, Operator, OrderTerm, QualifiedName, Quantifier, ReadNode,
    ReadPlan, RelSelect, SelectField, Source, Spread, SpreadField, TypedField,
};

/// `WITH pgrst_source AS (<read>) [, pgrst_source_count AS (<count>)] SELECT <result row>`.
pub fn read(plan: &ReadPlan) -> Statement {
    let mut s = Statement::default();
    let source = node_query(&mut s, &plan.tree);
    let (count_cte, total) = match plan.count {
        Some(Count::Exact) | Some(Count::Estimated) => {
            let mut count = count_query(&mut s, &plan.tree);
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
        body(&plan.media, "pgrst_source")
    };
    // A read that may stream builds at most one row past the threshold: more than that and
    // `exec` discards this answer and streams the rows instead.
    let peek = plan.stream_after.map_or_else(String::new, |n| {
        format!(" LIMIT {}::bigint", s.bind((n + 1).to_string()))
    });
    s.text = format!(
        "WITH pgrst_source AS ({source}){count_cte} \
         SELECT {total} AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, \
         {body} AS body, {}, null::bigint AS response_inserted, null::text AS location \
         FROM (SELECT * FROM pgrst_source{peek}) _postgrest_t",
        super::RESPONSE_SETTINGS
    );
    s
}

/// A streamed read as two statements run on one snapshot: the count of the rows the filters
/// select (PostgREST's count query; the page follows from it and the range, so `Content-Range`
/// is known before the first byte) with what SQL set in `response.*`, then the rows one JSON
/// value each, in the text `json_agg` would join.
pub fn stream(plan: &ReadPlan) -> (Statement, Statement) {
    let mut count = Statement::default();
    let counted = count_query(&mut count, &plan.tree);
    count.text = format!(
        "SELECT pg_catalog.count(*) AS total_result_set, {} FROM ({counted}) _postgrest_c",
        super::RESPONSE_SETTINGS
    );
    let mut rows = Statement::default();
    let source = node_query(&mut rows, &plan.tree);
    rows.text = format!("SELECT pg_catalog.row_to_json(_postgrest_t) FROM ({source}) _postgrest_t");
    (count, rows)
}

/// `count=planned` (and `estimated` past db-max-rows): the planner's row estimate for the
/// count query, read from `EXPLAIN (FORMAT JSON)`.
pub fn count_plan(plan: &ReadPlan) -> Statement {
    let mut s = Statement::default();
    let count = count_query(&mut s, &plan.tree);
    s.text = format!("EXPLAIN (FORMAT JSON) {count}");
    s
}

/// The body handlers of PostgREST (`SqlFragment.handlerF`) over `_postgrest_t`;
/// `header_source` is the row source whose first row names the CSV columns.
pub(super) fn body(media: &MediaType, header_source: &str) -> String {
    match media {
        // json, as PostgREST's (an EXPLAIN VERBOSE shows the same expressions); the body is
        // read in binary, where json is its text.
        MediaType::Json => "coalesce(json_agg(_postgrest_t), '[]')".into(),
        MediaType::JsonStripped => {
            "coalesce(json_strip_nulls(json_agg(_postgrest_t)), '[]')".into()
        }
        MediaType::Singular { stripped: false } => {
            "coalesce(json_agg(_postgrest_t)->0, 'null')".into()
        }
        MediaType::Singular { stripped: true } => {
            "coalesce(json_strip_nulls(json_agg(_postgrest_t)->0), 'null')".into()
        }
        // A header line from the first row's keys, then each row's record text without its
        // parentheses: PostgreSQL's quoting, not RFC 4180, as PostgREST renders CSV.
        MediaType::Csv => format!(
            "(SELECT coalesce(string_agg(a.k, ','), '') FROM (\
             SELECT pg_catalog.json_object_keys(r)::text AS k FROM (\
             SELECT pg_catalog.row_to_json(hh) AS r FROM {header_source} AS hh LIMIT 1) s) a)\
             || '\n' || \
             coalesce(string_agg(substring(_postgrest_t::text, 2, length(_postgrest_t::text) - 2), '\n'), '')"
        ),
        // PostGIS's function, found on the search path as PostgREST finds it.
        MediaType::GeoJson => "json_build_object('type', 'FeatureCollection', 'features', \
             coalesce(json_agg(ST_AsGeoJSON(_postgrest_t)::json), '[]'))"
            .into(),
        MediaType::Custom(c) => super::custom_body(c, false),
    }
}

/// One node: `SELECT … FROM … <lateral joins> WHERE … GROUP BY … ORDER BY … LIMIT … OFFSET …`.
pub(super) fn node_query(s: &mut Statement, node: &ReadNode) -> String {
    let q = name(&node.qualifier());
    let mut items: Vec<String> = if node.select.is_empty() && node.children.is_empty() {
        // Nothing selected reads every column (PostgREST's defSelect): `select=` gives whole
        // rows, and an empty embed still reads its rows (its parent ignores them).
        vec![format!("{q}.*")]
    } else {
        node.select.iter().map(|f| select_field(s, &q, f)).collect()
    };
    if let Some(Spread::ToMany { extra, .. }) =
        node.embedding.as_ref().and_then(|e| e.spread.as_ref())
    {
        for (qualifier, f) in extra {
            let q = qualifier
                .as_ref()
                .map_or_else(|| q.clone(), |a| quote_ident(a));
            items.push(select_field(s, &q, f));
        }
    }
    for r in &node.rel_selects {
        items.extend(rel_select(r));
    }
    let mut sql = format!("SELECT {} FROM {}", items.join(", "), from(node));
    for r in &node.rel_selects {
        if let Some(child) = node.children.iter().find(|c| {
            c.embedding
                .as_ref()
                .is_some_and(|e| e.agg_alias == r.agg_alias())
        }) {
            sql.push_str(&join(s, r, child));
        }
    }
    let conditions = node
        .conditions
        .iter()
        .map(|c| condition(s, &q, c))
        .collect();
    sql.push_str(&where_clause(conditions, node));
    sql.push_str(&group_by(&q, node));
    if !node.order.is_empty() {
        let terms: Vec<String> = node.order.iter().map(|t| order_term(s, &q, t)).collect();
        sql.push_str(&format!(" ORDER BY {}", terms.join(", ")));
    }
    if let Some(limit) = node.range.limit() {
        sql.push_str(&format!(" LIMIT {}::bigint", s.bind(limit.to_string())));
    }
    if node.range.first > 0 {
        let offset = s.bind(node.range.first.to_string());
        sql.push_str(&format!(" OFFSET {offset}::bigint"));
    }
    sql
}

/// PostgREST's count query (`readPlanToCountQuery`): the node's rows by its filters only, an
/// `!inner` embed as `EXISTS`, a null-embed filter as `[NOT] EXISTS`.
pub(super) fn count_query(s: &mut Statement, node: &ReadNode) -> String {
    let q = name(&node.qualifier());
    let mut conditions: Vec<String> = node
        .conditions
        .iter()
        .map(|c| count_condition(s, &q, c, node))
        .collect();
    for child in &node.children {
        if child.embedding.as_ref().and_then(|e| e.join) == Some(JoinType::Inner) {
            conditions.push(format!("EXISTS ({} )", count_query(s, child)));
        }
    }
    format!(
        "SELECT 1 FROM {}{}",
        from(node),
        where_clause(conditions, node)
    )
}

/// ` WHERE <conditions> AND <join conditions>`, or nothing.
fn where_clause(mut conditions: Vec<String>, node: &ReadNode) -> String {
    conditions.extend(
        node.embedding
            .iter()
            .flat_map(|e| &e.conditions)
            .map(join_condition),
    );
    super::where_(&conditions)
}

fn count_condition(s: &mut Statement, q: &str, c: &Condition, node: &ReadNode) -> String {
    match c {
        Condition::NullEmbed {
            not_null,
            agg_alias,
        } => node
            .children
            .iter()
            .find(|ch| {
                ch.embedding
                    .as_ref()
                    .is_some_and(|e| e.agg_alias == *agg_alias)
            })
            .map(|child| {
                let not = if *not_null { "" } else { "NOT " };
                format!("{not}EXISTS ({})", count_query(s, child))
            })
            .unwrap_or_default(),
        Condition::Tree {
            negated,
            or,
            children,
        } => {
            let inner: Vec<String> = children
                .iter()
                .map(|c| count_condition(s, q, c, node))
                .collect();
            tree(*negated, *or, inner)
        }
        filter => condition(s, q, filter),
    }
}

fn tree(negated: bool, or: bool, inner: Vec<String>) -> String {
    let joiner = if or { " OR " } else { " AND " };
    let expr = format!("({})", inner.join(joiner));
    if negated { format!("NOT {expr}") } else { expr }
}

/// ` FROM <relation or computed call> [AS alias] [, junction]`.
fn from(node: &ReadNode) -> String {
    let mut f = match &node.source {
        Source::Relation(r) => name(r),
        Source::Produced => quote_ident("pgrst_source"),
        // The argument is cast to the table type: a write's `pgrst_source` or an overloaded
        // function would otherwise not resolve.
        Source::Computed {
            function,
            argument,
            argument_type,
        } => format!(
            "{}({}::{})",
            name(function),
            quote_ident(&argument.name),
            name(argument_type)
        ),
    };
    if let Some(alias) = &node.alias {
        f.push_str(&format!(" AS {}", quote_ident(alias)));
    }
    if let Some(j) = node.embedding.as_ref().and_then(|e| e.junction.as_ref()) {
        f.push_str(&format!(", {}", name(j)));
    }
    f
}

/// `"schema"."name"`, or `"name"` for an alias.
fn name(q: &QualifiedName) -> String {
    if q.schema.is_empty() {
        quote_ident(&q.name)
    } else {
        qualified(&q.schema, &q.name)
    }
}

fn join_condition(c: &JoinCondition) -> String {
    format!(
        "{}.{} = {}.{}",
        name(&c.left.0),
        quote_ident(&c.left.1),
        name(&c.right.0),
        quote_ident(&c.right.1)
    )
}

/// What a parent selects of one child.
fn rel_select(r: &RelSelect) -> Vec<String> {
    match r {
        RelSelect::Json { empty: true, .. } => Vec::new(),
        RelSelect::Json {
            name,
            agg_alias,
            to_one: true,
            ..
        } => vec![format!(
            "row_to_json({}.*)::jsonb AS {}",
            quote_ident(agg_alias),
            quote_ident(name)
        )],
        RelSelect::Json {
            name, agg_alias, ..
        } => {
            let a = quote_ident(agg_alias);
            vec![format!("COALESCE( {a}.{a}, '[]') AS {}", quote_ident(name))]
        }
        RelSelect::Spread { agg_alias, fields } => fields
            .iter()
            .map(|f| {
                let column = spread_column(agg_alias, &f.name);
                let expr = aggregate(f.aggregate, f.aggregate_cast.as_deref(), column);
                with_alias(expr, f.alias.as_deref())
            })
            .collect(),
    }
}

fn spread_column(agg_alias: &str, column: &str) -> String {
    if column == "*" {
        format!("{}.*", quote_ident(agg_alias))
    } else {
        format!("{}.{}", quote_ident(agg_alias), quote_ident(column))
    }
}

/// ` LEFT|INNER JOIN LATERAL ( <child> ) AS "<agg alias>" ON <condition>`.
fn join(s: &mut Statement, r: &RelSelect, child: &ReadNode) -> String {
    let e = child.embedding.as_ref().expect("children are embeddings");
    let a = quote_ident(&e.agg_alias);
    let inner = e.join == Some(JoinType::Inner);
    let kind = if inner { "INNER" } else { "LEFT" };
    let on_rows = if inner {
        format!("{a} IS NOT NULL")
    } else {
        "TRUE".to_string()
    };
    let sub = node_query(s, child);
    let (sub, on) = match (r, &e.spread) {
        (RelSelect::Json { to_one: true, .. }, _)
        | (RelSelect::Spread { .. }, Some(Spread::ToOne)) => (sub, "TRUE".to_string()),
        (RelSelect::Spread { fields, .. }, Some(Spread::ToMany { order, .. })) => {
            let mut selects = vec![format!("json_agg({a})::jsonb AS {a}")];
            selects.extend(
                fields
                    .iter()
                    .map(|f| spread_array(s, &e.agg_alias, order, f)),
            );
            (
                format!("SELECT {} FROM ({sub} ) AS {a}", selects.join(", ")),
                on_rows,
            )
        }
        _ => (
            format!("SELECT json_agg({a})::jsonb AS {a} FROM ({sub} ) AS {a}"),
            on_rows,
        ),
    };
    format!(" {kind} JOIN LATERAL ( {sub} ) AS {a} ON {on}")
}

/// A to-many spread column: `COALESCE(json_agg("a"."col" ORDER BY …),'[]')::jsonb AS "col"`.
fn spread_array(
    s: &mut Statement,
    agg_alias: &str,
    order: &[OrderTerm],
    f: &SpreadField,
) -> String {
    let q = quote_ident(agg_alias);
    let order = if order.is_empty() {
        String::new()
    } else {
        let terms: Vec<String> = order.iter().map(|t| order_term(s, &q, t)).collect();
        format!(" ORDER BY {}", terms.join(", "))
    };
    format!(
        "COALESCE(json_agg({}{order}),'[]')::jsonb AS {}",
        spread_column(agg_alias, &f.name),
        quote_ident(f.alias.as_deref().unwrap_or(&f.name))
    )
}

/// ` GROUP BY` the non-aggregated fields, embeds and spread columns, when anything in the
/// node aggregates (PostgREST's `groupF`).
fn group_by(q: &str, node: &ReadNode) -> String {
    let spread_aggregates = node.rel_selects.iter().any(|r| match r {
        RelSelect::Spread { fields, .. } => fields.iter().any(|f| f.aggregate.is_some()),
        RelSelect::Json { .. } => false,
    });
    if !node.has_aggregates() && !spread_aggregates {
        return String::new();
    }
    let mut terms: Vec<String> = node
        .select
        .iter()
        .filter(|f| f.aggregate.is_none())
        .map(|f| match &f.alias {
            Some(alias) => quote_ident(alias),
            None => field(&mut Statement::default(), q, &f.field),
        })
        .collect();
    for r in &node.rel_selects {
        match r {
            RelSelect::Json { name, .. } => terms.push(quote_ident(name)),
            RelSelect::Spread { agg_alias, fields } => {
                let columns: Vec<String> = fields
                    .iter()
                    .filter(|f| f.aggregate.is_none())
                    .map(|f| spread_column(agg_alias, f.alias.as_deref().unwrap_or(&f.name)))
                    .collect();
                if !columns.is_empty() {
                    terms.push(columns.join(", "));
                }
            }
        }
    }
    if terms.is_empty() {
        String::new()
    } else {
        format!(" GROUP BY {}", terms.join(", "))
    }
}

fn select_field(s: &mut Statement, q: &str, f: &SelectField) -> String {
    let mut expr = field(s, q, &f.field);
    if let Some(t) = &f.field.transform {
        expr = format!("{}({expr})", qualified(&t.schema, &t.name));
    }
    if let Some(cast) = &f.cast {
        // Type names are restricted by the grammar to letters, digits, `_`, `$` and spaces,
        // and cannot be quoted (`int` is not a type name, `integer` is).
        expr = format!("CAST({expr} AS {cast})");
    }
    with_alias(
        aggregate(f.aggregate, f.aggregate_cast.as_deref(), expr),
        f.alias.as_deref(),
    )
}

fn aggregate(agg: Option<Aggregate>, cast: Option<&str>, expr: String) -> String {
    let Some(agg) = agg else { return expr };
    let name = crate::plan::aggregate_name(agg).to_ascii_uppercase();
    let expr = format!("{name}({expr})");
    match cast {
        Some(cast) => format!("CAST({expr} AS {cast})"),
        None => expr,
    }
}

fn with_alias(expr: String, alias: Option<&str>) -> String {
    match alias {
        Some(a) => format!("{expr} AS {}", quote_ident(a)),
        None => expr,
    }
}

/// A column of `q`, `*`, the row itself, or a JSON path into a column. Arrows apply to json
/// and jsonb directly; anything else goes through `to_jsonb`, as PostgREST does for composites
/// and arrays.
fn field(s: &mut Statement, q: &str, f: &TypedField) -> String {
    if f.full_row {
        return q.to_string();
    }
    let column = if f.name == "*" {
        format!("{q}.*")
    } else {
        format!("{q}.{}", quote_ident(&f.name))
    };
    if f.path.is_empty() {
        return column;
    }
    let mut expr = if f.to_json {
        format!("to_jsonb({column})")
    } else {
        column
    };
    for (arrow, key) in &f.path {
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

fn order_term(s: &mut Statement, q: &str, t: &OrderTerm) -> String {
    let (mut term, direction, nulls) = match t {
        OrderTerm::Field {
            field: f,
            direction,
            nulls,
        } => (field(s, q, f), direction, nulls),
        OrderTerm::Related {
            agg_alias,
            field: f,
            direction,
            nulls,
        } => (field(s, &quote_ident(agg_alias), f), direction, nulls),
    };
    match direction {
        Some(Direction::Desc) => term.push_str(" DESC"),
        Some(Direction::Asc) => term.push_str(" ASC"),
        None => {}
    }
    match nulls {
        Some(Nulls::First) => term.push_str(" NULLS FIRST"),
        Some(Nulls::Last) => term.push_str(" NULLS LAST"),
        None => {}
    }
    term
}

/// A `WHERE` condition over the columns of `q`.
pub(super) fn condition(s: &mut Statement, q: &str, c: &Condition) -> String {
    match c {
        Condition::NullEmbed {
            not_null,
            agg_alias,
        } => {
            let not = if *not_null { "" } else { "NOT " };
            format!("{} IS {not}DISTINCT FROM NULL", quote_ident(agg_alias))
        }
        Condition::Tree {
            negated,
            or,
            children,
        } => {
            let inner: Vec<String> = children.iter().map(|c| condition(s, q, c)).collect();
            tree(*negated, *or, inner)
        }
        Condition::Filter {
            field: f,
            negated,
            operation,
        } => {
            let expr = filter(s, q, f, operation);
            if *negated {
                format!("NOT ({expr})")
            } else {
                expr
            }
        }
    }
}

fn filter(s: &mut Statement, q: &str, f: &TypedField, operation: &Operation) -> String {
    let column = field(s, q, f);
    match operation {
        Operation::Compare {
            op,
            quantifier,
            value,
        } => {
            let value = if matches!(op, Operator::Like | Operator::ILike) {
                value.replace('*', "%")
            } else {
                value.clone()
            };
            let mut p = s.bind(value);
            // A represented domain parses the value, except for patterns and IS DISTINCT FROM
            // (PostgREST's pgFmtUnknownLiteralForField is not applied to those).
            let parsed = !matches!(op, Operator::Like | Operator::ILike | Operator::IsDistinct);
            if let (Some(t), true) = (&f.transform, parsed) {
                p = format!("{}({p})", qualified(&t.schema, &t.name));
            }
            let sql_op = operator(*op);
            match quantifier {
                None => format!("{column} {sql_op} {p}"),
                Some(Quantifier::Any) => format!("{column} {sql_op} ANY ({p})"),
                Some(Quantifier::All) => format!("{column} {sql_op} ALL ({p})"),
            }
        }
        Operation::In(items) => {
            let p = s.bind(array_literal(items));
            match &f.transform {
                // Each element parsed as text into the domain (pgFmtArrayLiteralForField).
                Some(t) => format!(
                    "{column} = ANY ((SELECT {}(unnest({p}::text[]))))",
                    qualified(&t.schema, &t.name)
                ),
                None => format!("{column} = ANY ({p})"),
            }
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
            let function = match op {
                FtsOperator::Fts => "to_tsquery",
                FtsOperator::Plain => "plainto_tsquery",
                FtsOperator::Phrase => "phraseto_tsquery",
                FtsOperator::Websearch => "websearch_to_tsquery",
            };
            let lang = language
                .as_ref()
                .map(|l| format!("{}::regconfig, ", s.bind(l.clone())))
                .unwrap_or_default();
            let document = if f.to_tsvector {
                format!("to_tsvector({lang}{column})")
            } else {
                column
            };
            let v = s.bind(value.clone());
            format!("{document} @@ {function}({lang}{v})")
        }
    }
}

fn operator(op: Operator) -> &'static str {
    match op {
        Operator::Eq => "=",
        Operator::Gt => ">",
        Operator::Gte => ">=",
        Operator::Lt => "<",
        Operator::Lte => "<=",
        Operator::Neq => "<>",
        Operator::Like => "LIKE",
        Operator::ILike => "ILIKE",
        Operator::Match => "~",
        Operator::IMatch => "~*",
        Operator::IsDistinct => "IS DISTINCT FROM",
        Operator::Contains => "@>",
        Operator::Contained => "<@",
        Operator::Overlap => "&&",
        Operator::StrictlyLeft => "<<",
        Operator::StrictlyRight => ">>",
        Operator::NotExtendsRight => "&<",
        Operator::NotExtendsLeft => "&>",
        Operator::Adjacent => "-|-",
    }
}

/// `in.(a,"b,c")` → the PostgreSQL array literal `{"a","b,c"}`, bound as one parameter so the
/// statement text does not depend on the list's length.
pub(super) fn array_literal(items: &[String]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|i| format!("\"{}\"", i.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    format!("{{{}}}", quoted.join(","))
}

#[cfg(test)]
mod unit {
    use super::*;
    use crate::plan::fixture::read_plan;

    #[test]
    fn values_never_reach_the_text() {
        let p = read_plan(
            "transactions",
            "select=id,x:metadata->a->>%22b%22,amount::text&id=eq.1%27%3B%20DROP%20TABLE%20t%3B--\
             &user_id=like.*$1*&id=in.(1,%222,3%22)&metadata->>k=is.null\
             &or=(id.gt.5,and(id.lt.9,user_id.neq.x))&order=metadata->k.desc.nullslast,id\
             &limit=5&offset=10",
            None,
        );
        let s = read(&p);
        for v in ["DROP", "$1*", "\"2,3\""] {
            assert!(!s.text.contains(v), "{v} in {}", s.text);
        }
        assert!(s.params.contains(&"1'; DROP TABLE t;--".to_string()));
        assert!(s.params.contains(&"%$1%".to_string()));
        assert!(s.params.contains(&"{\"1\",\"2,3\"}".to_string()));
        assert!(
            s.text
                .contains("\"public\".\"transactions\".\"metadata\"->$1->>$2 AS \"x\"")
        );
        assert!(
            s.text
                .contains("CAST(\"public\".\"transactions\".\"amount\" AS text)")
        );
        assert!(
            s.text
                .contains(" DESC NULLS LAST, \"public\".\"transactions\".\"id\" LIMIT $")
        );
        assert_eq!(
            &s.params[s.params.len() - 2..],
            &["5".to_string(), "10".to_string()]
        );
    }

    #[test]
    fn json_paths_wrap_non_json_columns() {
        let s = read(&read_plan("transactions", "select=id->0", None));
        assert!(
            s.text
                .contains("to_jsonb(\"public\".\"transactions\".\"id\")->$1::integer AS \"id\"")
        );
    }

    #[test]
    fn embeds_are_lateral_joins_named_as_postgrest_names_them() {
        let s = read(&read_plan(
            "transactions",
            "select=id,category:categories(name),tags(name)",
            None,
        ));
        assert!(s.text.contains(
            "SELECT \"public\".\"transactions\".\"id\", \
             row_to_json(\"transactions_category_1\".*)::jsonb AS \"category\", \
             COALESCE( \"transactions_tags_1\".\"transactions_tags_1\", '[]') AS \"tags\" \
             FROM \"public\".\"transactions\" \
             LEFT JOIN LATERAL ( SELECT \"categories_1\".\"name\" FROM \"public\".\"categories\" AS \"categories_1\" \
             WHERE \"categories_1\".\"id\" = \"public\".\"transactions\".\"category_id\" ) AS \"transactions_category_1\" ON TRUE \
             LEFT JOIN LATERAL ( SELECT json_agg(\"transactions_tags_1\")::jsonb AS \"transactions_tags_1\" FROM (\
             SELECT \"public\".\"tags\".\"name\" FROM \"public\".\"tags\", \"public\".\"transaction_tags\" \
             WHERE \"public\".\"transaction_tags\".\"tag_id\" = \"public\".\"tags\".\"id\" \
             AND \"public\".\"transaction_tags\".\"transaction_id\" = \"public\".\"transactions\".\"id\" ) \
             AS \"transactions_tags_1\" ) AS \"transactions_tags_1\" ON TRUE"
        ), "{}", s.text);
    }

    #[test]
    fn counts_check_inner_embeds_and_null_embed_filters_with_exists() {
        let p = read_plan(
            "categories",
            "select=id,transactions!inner(id),users(name)&users=is.null&transactions.amount=gt.1",
            Some(Count::Exact),
        );
        let s = read(&p);
        assert!(
            s.text.contains(
                "pgrst_source_count AS (SELECT 1 FROM \"public\".\"categories\" WHERE \
             NOT EXISTS (SELECT 1 FROM \"public\".\"users\" AS \"users_1\" \
             WHERE \"users_1\".\"id\" = \"public\".\"categories\".\"user_id\") AND \
             EXISTS (SELECT 1 FROM \"public\".\"transactions\" AS \"transactions_1\" \
             WHERE \"transactions_1\".\"amount\" > $"
            ),
            "{}",
            s.text
        );
        assert!(s.text.contains("INNER JOIN LATERAL"));
        assert!(
            s.text
                .contains("ON \"categories_transactions_1\" IS NOT NULL")
        );
        assert!(
            s.text
                .contains("\"categories_users_1\" IS NOT DISTINCT FROM NULL")
        );
        assert!(count_plan(&p).text.starts_with(
            "EXPLAIN (FORMAT JSON) SELECT 1 FROM \"public\".\"categories\" WHERE NOT EXISTS"
        ));
    }

    #[test]
    fn aggregates_group_by_the_rest() {
        let s = read(&read_plan(
            "transactions",
            "select=user_id,total:amount.sum()::text,categories(name)",
            None,
        ));
        assert!(s.text.contains(
            "SELECT \"public\".\"transactions\".\"user_id\", CAST(SUM(\"public\".\"transactions\".\"amount\") AS text) AS \"total\""
        ), "{}", s.text);
        assert!(
            s.text
                .contains(" GROUP BY \"public\".\"transactions\".\"user_id\", \"categories\"")
        );
    }
}
