//! A schema cache built by hand, for unit tests of the plan and SQL stages: Budget Bee's
//! `transactions → categories → users`, a junction `transaction_tags`, two foreign keys from
//! `transfers` to `accounts`, a self-reference, and a computed relationship.

use crate::api::ApiRequest;
use crate::schema::relationships::{self, Catalog, ComputedRelationship, ForeignKey};
use crate::schema::{Column, QualifiedName, Relation, SchemaCache};
use std::collections::{HashMap, HashSet};

fn table(name: &str, columns: &[(&str, &str)], pk: &[&str]) -> Relation {
    Relation {
        schema: "public".into(),
        name: name.into(),
        kind: 'r',
        columns: columns
            .iter()
            .map(|(n, t)| Column {
                name: (*n).into(),
                type_name: (*t).into(),
                nullable: true,
                data_type: (*t).into(),
                ..Default::default()
            })
            .collect(),
        primary_key: pk.iter().map(|c| (*c).to_string()).collect(),
        insertable: true,
        updatable: true,
        deletable: true,
        ..Default::default()
    }
}

fn fk(table: &str, foreign: &str, constraint: &str, cols: &[(&str, &str)]) -> ForeignKey {
    ForeignKey {
        table: QualifiedName::new("public", table),
        foreign_table: QualifiedName::new("public", foreign),
        constraint: constraint.into(),
        columns: cols
            .iter()
            .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
            .collect(),
        one_to_one: false,
    }
}

pub fn cache() -> SchemaCache {
    let relations = vec![
        table(
            "transactions",
            &[
                ("id", "integer"),
                ("amount", "numeric(10,2)"),
                ("category_id", "integer"),
                ("user_id", "text"),
                ("metadata", "jsonb"),
            ],
            &["id"],
        ),
        table(
            "categories",
            &[("id", "integer"), ("name", "text"), ("user_id", "text")],
            &["id"],
        ),
        table("users", &[("id", "text"), ("name", "text")], &["id"]),
        table("tags", &[("id", "integer"), ("name", "text")], &["id"]),
        table(
            "transaction_tags",
            &[("transaction_id", "integer"), ("tag_id", "integer")],
            &["transaction_id", "tag_id"],
        ),
        table("accounts", &[("id", "integer"), ("name", "text")], &["id"]),
        table(
            "transfers",
            &[
                ("id", "integer"),
                ("from_account", "integer"),
                ("to_account", "integer"),
            ],
            &["id"],
        ),
        table(
            "members",
            &[("id", "integer"), ("sponsor_id", "integer")],
            &["id"],
        ),
    ];
    let foreign_keys = vec![
        fk(
            "transactions",
            "categories",
            "transactions_category_id_fkey",
            &[("category_id", "id")],
        ),
        fk(
            "transactions",
            "users",
            "transactions_user_id_fkey",
            &[("user_id", "id")],
        ),
        fk(
            "categories",
            "users",
            "categories_user_id_fkey",
            &[("user_id", "id")],
        ),
        fk(
            "transaction_tags",
            "transactions",
            "transaction_tags_transaction_id_fkey",
            &[("transaction_id", "id")],
        ),
        fk(
            "transaction_tags",
            "tags",
            "transaction_tags_tag_id_fkey",
            &[("tag_id", "id")],
        ),
        fk(
            "transfers",
            "accounts",
            "transfers_from_account_fkey",
            &[("from_account", "id")],
        ),
        fk(
            "transfers",
            "accounts",
            "transfers_to_account_fkey",
            &[("to_account", "id")],
        ),
        fk(
            "members",
            "members",
            "members_sponsor_id_fkey",
            &[("sponsor_id", "id")],
        ),
    ];
    let computed = vec![ComputedRelationship {
        function: QualifiedName::new("public", "owner"),
        table: QualifiedName::new("public", "transactions"),
        foreign_table: QualifiedName::new("public", "users"),
        to_one: true,
    }];
    let primary_keys: HashMap<QualifiedName, Vec<String>> = relations
        .iter()
        .map(|r| {
            (
                QualifiedName::new(&r.schema, &r.name),
                r.primary_key.clone(),
            )
        })
        .collect();
    let relationships = relationships::build(&Catalog {
        foreign_keys: &foreign_keys,
        key_dependencies: &[],
        computed: &computed,
        primary_keys: &primary_keys,
        views: &HashSet::new(),
        exposed: &["public".to_string()],
    });
    SchemaCache {
        schemas: vec!["public".into()],
        relations: relations
            .into_iter()
            .map(|r| ((r.schema.clone(), r.name.clone()), r))
            .collect(),
        relationships,
        routines: Default::default(),
        representations: Default::default(),
        media_handlers: Default::default(),
        timezones: Default::default(),
        role_settings: Default::default(),
        generation: 1,
        fingerprint: None,
    }
}

/// `GET /<resource>?<query>`.
pub fn get(resource: &str, query: &str) -> ApiRequest {
    ApiRequest::parse(
        "GET",
        &format!("/{resource}"),
        Some(query),
        &[],
        bytes::Bytes::new(),
    )
    .expect("a valid request")
}

/// The read plan of `GET /<resource>?<query>` on the fixture, as JSON.
pub fn read_plan(resource: &str, query: &str, count: Option<super::Count>) -> super::ReadPlan {
    let cache = cache();
    let req = get(resource, query);
    let relation = cache.relation("public", resource).unwrap();
    let name = super::QualifiedName::new(&relation.schema, &relation.name);
    let tree = super::read::tree(
        &req,
        &cache,
        &name,
        super::read::Root::Relation,
        &super::read::Settings {
            max_rows: None,
            aggregates_enabled: true,
        },
    )
    .expect("a valid plan");
    super::ReadPlan {
        schema: "public".into(),
        tree,
        media: super::MediaType::Json,
        explain: None,
        count,
        max_rows: None,
        stream_after: None,
        head: false,
        tx: super::TxOutcome {
            rollback: false,
            applied: None,
        },
        timezone: None,
    }
}
