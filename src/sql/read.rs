//! A read tree as SQL, shaped as PostgREST's `QueryBuilder.readPlanToQuery`: one SELECT per
//! node, each embedded resource a `LEFT|INNER JOIN LATERAL ( … ) AS "<agg alias>"` whose
//! result the parent selects as `row_to_json(…)::jsonb` (to-one), a `json_agg` array (to-many)
//! or lifted columns (spread). The statement wraps the root in PostgREST's result row.

mod embed;
mod fields;
mod filter;
mod node;

use super::Statement;
use crate::plan::{Count, MediaType, ReadPlan};

pub(super) use filter::{array_literal, condition};
pub(super) use node::{count_query, node_query};

/// `WITH pgrst_source AS (<read>) [, pgrst_source_count AS (<count>)] SELECT <result row>`.
pub fn read(plan: &ReadPlan) -> Statement {
    let mut s = Statement::default();
    let source = node_query(&mut s, &plan.tree);
    let (count_cte, total) = match plan.count {
        Some(Count::Exact) | Some(Count::Estimated) => {
            let mut count = count_query(&mut s, &plan.tree);
            if let (Some(Count::Estimated), Some(max)) = (plan.count, plan.max_rows) {
                count.push_str(&format!(" LIMIT {}", super::rows(max + 1)));
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
    let peek = plan
        .stream_after
        .map_or_else(String::new, |n| format!(" LIMIT {}", super::rows(n + 1)));
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
        assert!(s.text.contains(
            " DESC NULLS LAST, \"public\".\"transactions\".\"id\" LIMIT 5::bigint OFFSET $"
        ));
        assert_eq!(s.params.last(), Some(&"10".to_string()));
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
