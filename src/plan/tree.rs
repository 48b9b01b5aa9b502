//! The read tree: one node per resource (the requested table and each embedded one), every
//! name resolved against the schema cache, every alias decided. `sql` formats it as is.

use crate::api::{Aggregate, Arrow, Direction, JoinType, JsonKey, Nulls, Operation, Range};
use crate::schema::QualifiedName;

/// A column reference (or `*`) as the SQL needs it: its JSON path, and whether the column has
/// to go through `to_jsonb` for that path (json and jsonb columns take arrows directly).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedField {
    pub name: String,
    pub path: Vec<(Arrow, JsonKey)>,
    pub to_json: bool,
    /// A column the schema cache knows whose type is not tsvector (nor a domain over it):
    /// full-text filters search `to_tsvector([lang,] col)`. A tsvector, or a name the cache
    /// does not know (a computed field), is searched as is, as PostgREST's cfToTsVector.
    pub to_tsvector: bool,
    /// `count()` over a spread: the row itself.
    pub full_row: bool,
    /// A data representation's function (PostgREST's cfTransform): on a selected field, what
    /// formats the column's domain as json; on a filtered field, what parses the filter's
    /// text value into the column's domain.
    pub transform: Option<QualifiedName>,
}

impl TypedField {
    /// A name the schema cache does not know (a computed field, or a column of an alias).
    pub fn unknown(name: &str, path: Vec<(Arrow, JsonKey)>) -> TypedField {
        TypedField {
            name: name.to_string(),
            to_json: !path.is_empty(),
            path,
            to_tsvector: false,
            full_row: false,
            transform: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectField {
    pub field: TypedField,
    pub cast: Option<String>,
    pub aggregate: Option<Aggregate>,
    pub aggregate_cast: Option<String>,
    pub alias: Option<String>,
}

impl SelectField {
    /// The key this field has in the output (PostgreSQL names an unaliased column after it).
    pub fn output_name(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.field.name)
    }
}

/// A `WHERE` condition: PostgREST's logic tree over filters, plus the null-embed filter
/// (`rel=is.null`) that tests an embedded resource's join result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    Filter {
        field: TypedField,
        negated: bool,
        operation: Operation,
    },
    /// `"<agg alias>" IS [NOT] DISTINCT FROM NULL`; `not_null` for `rel=not.is.null`.
    NullEmbed { not_null: bool, agg_alias: String },
    Tree {
        negated: bool,
        or: bool,
        children: Vec<Condition>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderTerm {
    Field {
        field: TypedField,
        direction: Option<Direction>,
        nulls: Option<Nulls>,
    },
    /// A column of an embedded to-one resource, through its join alias.
    Related {
        agg_alias: String,
        field: TypedField,
        direction: Option<Direction>,
        nulls: Option<Nulls>,
    },
}

/// `left = right` between the embedded resource and its parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinCondition {
    pub left: (QualifiedName, String),
    pub right: (QualifiedName, String),
}

/// What a node reads from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Relation(QualifiedName),
    /// The rows a write returned or a function call produced (`pgrst_source`), named after
    /// the written table or the function's result.
    Produced,
    /// A computed relationship: `function(parent::table)`.
    Computed {
        function: QualifiedName,
        argument: QualifiedName,
        argument_type: QualifiedName,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spread {
    ToOne,
    /// v13's to-many spread: each spread column becomes an array, ordered by `order`, which
    /// reads the extra (aliased) columns selected below.
    ToMany {
        extra: Vec<(Option<String>, SelectField)>,
        order: Vec<OrderTerm>,
    },
}

/// How a node hangs from its parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embedding {
    /// The name used in `select` (a table, a constraint, a column or a function).
    pub name: String,
    pub alias: Option<String>,
    pub hint: Option<String>,
    pub join: Option<JoinType>,
    pub spread: Option<Spread>,
    /// `<parent table>_<name or alias>_<depth>`: the lateral join's alias.
    pub agg_alias: String,
    pub to_one: bool,
    /// A many-to-many relationship reads its junction table beside the target.
    pub junction: Option<QualifiedName>,
    pub conditions: Vec<JoinCondition>,
    /// The parent's columns the join needs (a write's RETURNING must include them).
    pub parent_columns: Vec<String>,
    /// Set once the relationship is found.
    pub resolved: bool,
}

impl Embedding {
    /// The name clients use for it: the alias, else the select name.
    pub fn label(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.name)
    }

    /// PostgREST's target matching (v13): by name or by alias.
    pub fn answers_to(&self, target: &str) -> bool {
        self.name == target || self.alias.as_deref() == Some(target)
    }
}

/// What a parent selects of an embedded child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelSelect {
    /// `row_to_json(alias.*)::jsonb AS name` (to-one) or the aggregated array (to-many);
    /// nothing at all when the child selects nothing (an embed used only to filter).
    Json {
        name: String,
        agg_alias: String,
        to_one: bool,
        empty: bool,
    },
    /// The child's columns lifted into the parent.
    Spread {
        agg_alias: String,
        fields: Vec<SpreadField>,
    },
}

impl RelSelect {
    pub fn agg_alias(&self) -> &str {
        match self {
            RelSelect::Json { agg_alias, .. } | RelSelect::Spread { agg_alias, .. } => agg_alias,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpreadField {
    pub name: String,
    pub aggregate: Option<Aggregate>,
    pub aggregate_cast: Option<String>,
    pub alias: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadNode {
    pub source: Source,
    /// The relation the node's columns belong to (the written table for a write's result).
    pub relation: QualifiedName,
    /// `FROM ... AS alias`: `<table>_<depth>` for an embedded table.
    pub alias: Option<String>,
    pub select: Vec<SelectField>,
    pub conditions: Vec<Condition>,
    pub order: Vec<OrderTerm>,
    pub range: Range,
    pub depth: usize,
    /// `None` for the requested resource itself.
    pub embedding: Option<Embedding>,
    pub rel_selects: Vec<RelSelect>,
    pub children: Vec<ReadNode>,
}

impl ReadNode {
    /// What the node's columns are qualified with in SQL.
    pub fn qualifier(&self) -> QualifiedName {
        match (&self.source, &self.alias) {
            (_, Some(alias)) => QualifiedName::new("", alias),
            (Source::Computed { function, .. }, None) => QualifiedName::new("", &function.name),
            (Source::Relation(q), None) => q.clone(),
            (Source::Produced, None) => QualifiedName::new("", &self.relation.name),
        }
    }

    /// Visits this node and every node below it, depth first.
    pub fn walk(&self, f: &mut impl FnMut(&ReadNode)) {
        f(self);
        for child in &self.children {
            child.walk(f);
        }
    }

    pub fn has_aggregates(&self) -> bool {
        self.select.iter().any(|s| s.aggregate.is_some())
    }
}
