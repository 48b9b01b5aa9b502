//! ApiRequest → read tree, in PostgREST's passes (`Plan.readPlan`): build the tree from
//! `select`, attach filters, order, ranges and logic trees to their nodes, find each embed's
//! relationship and decide aliases, expand `*` where aggregates need it, then the passes that
//! need the whole tree (related orders, null-embed filters, what parents select of their
//! children, aggregate checks and hoisting, to-many spread ordering, `db-max-rows`). Each pass
//! is a function over the tree; errors are the first PostgREST would report.

mod aggregates;
mod attach;
mod embeds;
mod select;

use super::relate;
use super::tree::*;
use crate::api::ApiRequest;
use crate::config::Config;
use crate::error::Error;
use crate::schema::{QualifiedName, SchemaCache};
use aggregates::{add_to_many_order_selects, hoist_spread_aggregates, validate_aggregates};
use attach::{add_conditions, add_orders, add_ranges, condition, restrict_ranges};
use embeds::{add_null_embed_filters, add_rel_selects, add_related_orders};
use select::{add_aliases, expand_stars, init};

pub(super) use attach::logic;
pub use select::aggregate_name;
pub(super) use select::resolve_input;

/// Where the requested resource's rows come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    /// A read of the table or view.
    Relation,
    /// The rows a write returned; the root's own filters went to the write.
    WriteResult,
    /// The rows a function returned, read like a table's.
    CallResult,
}

impl Root {
    /// Whether the root's own filters, ranges and `db-max-rows` apply to what is read: not to
    /// a write's result (its filters chose the rows written; its answer is never paged).
    fn reads_rows(self) -> bool {
        self != Root::WriteResult
    }
}

pub struct Settings {
    pub max_rows: Option<i64>,
    pub aggregates_enabled: bool,
}

/// The read tree of a request on `relation`, with the configuration's limits.
pub fn tree_for(
    req: &ApiRequest,
    cache: &SchemaCache,
    relation: &QualifiedName,
    root: Root,
    cfg: &Config,
) -> Result<ReadNode, Error> {
    let settings = Settings {
        // db-max-rows caps reads, never what a write returns.
        max_rows: cfg.db_max_rows.filter(|_| root.reads_rows()),
        aggregates_enabled: cfg.db_aggregates_enabled,
    };
    tree(req, cache, relation, root, &settings)
}

/// The read tree of a request on `relation` (for a call, the table or type its rows are, or
/// the function itself when it returns scalars).
pub fn tree(
    req: &ApiRequest,
    cache: &SchemaCache,
    name: &QualifiedName,
    root: Root,
    settings: &Settings,
) -> Result<ReadNode, Error> {
    let schema = name.schema.as_str();
    let mut tree = init(cache, &req.query.select, name, root);
    add_conditions(&mut tree, &req.query.filters, root, |r, f| {
        condition(cache, r, f)
    })?;
    add_orders(&mut tree, cache, req)?;
    if root.reads_rows() {
        add_ranges(&mut tree, req)?;
    }
    add_conditions(&mut tree, &req.query.logic, root, |r, t| logic(cache, r, t))?;
    relate::add_relationships(&mut tree, cache, schema)?;
    expand_stars(&mut tree, cache, false);
    add_aliases(&mut tree);
    add_related_orders(&mut tree)?;
    add_null_embed_filters(&mut tree);
    add_rel_selects(&mut tree);
    validate_aggregates(&tree, settings.aggregates_enabled)?;
    hoist_spread_aggregates(&mut tree);
    add_to_many_order_selects(&mut tree)?;
    if root.reads_rows() {
        restrict_ranges(&mut tree, settings.max_rows);
    }
    Ok(tree)
}

#[cfg(test)]
mod unit {
    use super::*;
    use crate::api;
    use crate::plan::fixture::{cache, get};

    fn plan(resource: &str, query: &str, aggregates: bool) -> Result<ReadNode, Error> {
        let cache = cache();
        let req = get(resource, query);
        let relation = cache.relation("public", resource).unwrap();
        let name = QualifiedName::new(&relation.schema, &relation.name);
        tree(
            &req,
            &cache,
            &name,
            Root::Relation,
            &Settings {
                max_rows: None,
                aggregates_enabled: aggregates,
            },
        )
    }

    fn embedding(node: &ReadNode) -> &Embedding {
        node.embedding.as_ref().unwrap()
    }

    #[test]
    fn many_to_one_gets_postgrest_aliases_and_join_condition() {
        let t = plan("transactions", "select=id,category:categories(name)", false).unwrap();
        let c = &t.children[0];
        let e = embedding(c);
        assert_eq!(c.alias.as_deref(), Some("categories_1"));
        assert_eq!(e.agg_alias, "transactions_category_1");
        assert!(e.to_one);
        assert_eq!(
            e.conditions,
            vec![JoinCondition {
                left: (QualifiedName::new("", "categories_1"), "id".into()),
                right: (
                    QualifiedName::new("public", "transactions"),
                    "category_id".into()
                ),
            }]
        );
        assert_eq!(e.parent_columns, vec!["category_id".to_string()]);
        assert_eq!(
            t.rel_selects,
            vec![RelSelect::Json {
                name: "category".into(),
                agg_alias: "transactions_category_1".into(),
                to_one: true,
                empty: false,
            }]
        );
    }

    #[test]
    fn one_to_many_many_to_many_and_computed() {
        let t = plan(
            "categories",
            "select=transactions(id,tags(name),owner(*))",
            false,
        )
        .unwrap();
        let tx = &t.children[0];
        assert!(!embedding(tx).to_one);
        let tags = &tx.children[0];
        let e = embedding(tags);
        // A junction is joined implicitly: no alias, the target named in full.
        assert_eq!(tags.alias, None);
        assert_eq!(
            e.junction,
            Some(QualifiedName::new("public", "transaction_tags"))
        );
        assert_eq!(e.agg_alias, "transactions_tags_2");
        assert_eq!(e.conditions.len(), 2);
        assert_eq!(
            e.conditions[1].right.0,
            QualifiedName::new("", "transactions_1")
        );
        let owner = &tx.children[1];
        assert!(embedding(owner).to_one);
        assert_eq!(
            owner.source,
            Source::Computed {
                function: QualifiedName::new("public", "owner"),
                argument: QualifiedName::new("", "transactions_1"),
                argument_type: QualifiedName::new("public", "transactions"),
            }
        );
    }

    #[test]
    fn a_self_reference_reads_children_by_table_and_the_parent_by_column() {
        let t = plan("members", "select=members(id),parent:sponsor_id(id)", false).unwrap();
        assert!(!embedding(&t.children[0]).to_one);
        assert!(embedding(&t.children[1]).to_one);
    }

    #[test]
    fn ambiguity_lists_candidates_in_postgrest_order_and_hints_resolve_it() {
        let e = plan("transfers", "select=*,accounts(*)", false).unwrap_err();
        let Error::Api {
            status,
            code,
            details,
            hint,
            ..
        } = e
        else {
            panic!()
        };
        assert_eq!((status, code), (300, "PGRST201"));
        assert_eq!(
            details.unwrap().to_string(),
            r#"[{"cardinality":"many-to-one","embedding":"transfers with accounts","relationship":"transfers_from_account_fkey using transfers(from_account) and accounts(id)"},{"cardinality":"many-to-one","embedding":"transfers with accounts","relationship":"transfers_to_account_fkey using transfers(to_account) and accounts(id)"}]"#
        );
        assert_eq!(
            hint.as_deref(),
            Some(
                "Try changing 'accounts' to one of the following: 'accounts!transfers_from_account_fkey', 'accounts!transfers_to_account_fkey'. Find the desired relationship in the 'details' key."
            )
        );
        for hint in ["transfers_to_account_fkey", "to_account"] {
            let t = plan("transfers", &format!("select=*,accounts!{hint}(*)"), false).unwrap();
            assert_eq!(
                embedding(&t.children[0]).parent_columns,
                vec!["to_account".to_string()]
            );
        }
    }

    #[test]
    fn no_relationship_suggests_a_close_name() {
        let e = plan("transactions", "select=categorie(*)", false).unwrap_err();
        let Error::Api { code, hint, .. } = e else {
            panic!()
        };
        assert_eq!(code, "PGRST200");
        assert_eq!(
            hint.as_deref(),
            Some("Perhaps you meant 'categories' instead of 'categorie'.")
        );
    }

    #[test]
    fn parameters_must_name_an_embedded_resource() {
        for query in [
            "select=id&clients.id=eq.1",
            "select=id&clients.order=id",
            "select=id&clients.limit=1",
            "select=id&clients.or=(id.eq.1)",
            "select=id&order=clients(id)",
        ] {
            let e = plan("transactions", query, false).unwrap_err();
            assert_eq!(e.code(), "PGRST108", "{query}");
        }
    }

    #[test]
    fn related_orders_need_a_to_one_embed() {
        let t = plan(
            "transactions",
            "select=id,categories(name)&order=categories(name).desc",
            false,
        )
        .unwrap();
        assert!(matches!(
            &t.order[0],
            OrderTerm::Related { agg_alias, .. } if agg_alias == "transactions_categories_1"
        ));
        let e = plan(
            "categories",
            "select=id,transactions(id)&order=transactions(id)",
            false,
        )
        .unwrap_err();
        assert_eq!(e.code(), "PGRST118");
    }

    #[test]
    fn null_embed_filters_test_the_join() {
        let t = plan(
            "categories",
            "select=id,transactions()&transactions=not.is.null&or=(transactions.is.null,id.eq.1)",
            false,
        )
        .unwrap();
        assert!(t.conditions.iter().any(|c| matches!(
            c,
            Condition::NullEmbed { not_null: true, agg_alias } if agg_alias == "categories_transactions_1"
        )));
        let Some(Condition::Tree { children, .. }) = t
            .conditions
            .iter()
            .find(|c| matches!(c, Condition::Tree { .. }))
        else {
            panic!()
        };
        assert!(matches!(
            children[0],
            Condition::NullEmbed {
                not_null: false,
                ..
            }
        ));
        assert!(matches!(
            t.rel_selects[0],
            RelSelect::Json { empty: true, .. }
        ));
    }

    #[test]
    fn a_targeted_embed_moves_first_as_in_postgrest() {
        let t = plan(
            "transactions",
            "select=categories(name),users(name)&users.name=eq.Ann",
            false,
        )
        .unwrap();
        assert_eq!(embedding(&t.children[0]).name, "users");
    }

    #[test]
    fn aggregates_need_enabling_and_hoist_out_of_to_one_spreads() {
        assert_eq!(
            plan("transactions", "select=amount.sum()", false)
                .unwrap_err()
                .code(),
            "PGRST123"
        );
        // A to-many spread aggregates its columns into arrays.
        assert_eq!(
            plan("categories", "select=...transactions(id)", false)
                .unwrap_err()
                .code(),
            "PGRST123"
        );
        let t = plan(
            "transactions",
            "select=amount.sum(),...categories(name)",
            true,
        )
        .unwrap();
        assert_eq!(t.select[0].aggregate, Some(api::Aggregate::Sum));
        let t = plan(
            "transactions",
            "select=category_id,...categories(id.count())",
            true,
        )
        .unwrap();
        assert_eq!(t.children[0].select[0].aggregate, None);
        let RelSelect::Spread { fields, .. } = &t.rel_selects[0] else {
            panic!()
        };
        assert_eq!(fields[0].aggregate, Some(api::Aggregate::Count));
        assert_eq!(fields[0].alias.as_deref(), Some("count"));
        assert_eq!(
            plan("categories", "select=...transactions(amount.sum())", true)
                .unwrap_err()
                .code(),
            "PGRST127"
        );
    }

    #[test]
    fn to_many_spread_order_moves_into_the_spread() {
        let t = plan(
            "categories",
            "select=...transactions(id)&transactions.order=amount.desc",
            true,
        )
        .unwrap();
        let c = &t.children[0];
        assert!(c.order.is_empty());
        let Some(Spread::ToMany { extra, order }) = &embedding(c).spread else {
            panic!()
        };
        assert_eq!(
            extra[0].1.alias.as_deref(),
            Some("categories_transactions_1_amount_1")
        );
        assert_eq!(order.len(), 1);
    }

    #[test]
    fn db_max_rows_caps_every_node() {
        let cache = cache();
        let req = get("categories", "select=transactions(id)&limit=5");
        let relation = cache.relation("public", "categories").unwrap().clone();
        let settings = Settings {
            max_rows: Some(2),
            aggregates_enabled: false,
        };
        let name = QualifiedName::new(&relation.schema, &relation.name);
        let t = tree(&req, &cache, &name, Root::Relation, &settings).unwrap();
        assert_eq!(t.range.limit(), Some(2));
        assert_eq!(t.children[0].range.limit(), Some(2));
    }
}
