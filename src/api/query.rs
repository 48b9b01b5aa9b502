//! Query-string grammar (`query.pest`) → typed AST. No string splitting by hand: every value
//! that reaches the planner went through a pest rule, except the two commonest shapes, a plain
//! column name as a key and `eq.`-style comparisons, which are read directly because the
//! grammar costs more than the rest of parsing a by-id read; a test holds them to the grammar.

mod failure;
mod filter;
mod keys;
mod names;
mod order;
mod select;

pub use filter::{is_argument, parse_filter, parse_logic};
pub use keys::{parse_columns, parse_dotted, parse_tree_path};
pub use order::parse_order;
pub use select::parse_select;

#[derive(pest_derive::Parser)]
#[grammar = "api/query.pest"]
struct QueryParser;

/// `->` returns json, `->>` text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrow {
    Json,
    Text,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonKey {
    Key(String),
    Index(i64),
}

/// A column, possibly followed by a JSON path: `data->a->>b`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub path: Vec<(Arrow, JsonKey)>,
}

impl Field {
    pub fn named(name: &str) -> Field {
        Field {
            name: name.to_string(),
            path: Vec::new(),
        }
    }

    /// The output name PostgREST gives a selected field: the last JSON key, else the column.
    pub fn output_name(&self) -> String {
        match self.path.last() {
            Some((_, JsonKey::Key(k))) => k.clone(),
            Some((_, JsonKey::Index(_))) => self
                .path
                .iter()
                .rev()
                .find_map(|(_, k)| match k {
                    JsonKey::Key(k) => Some(k.clone()),
                    JsonKey::Index(_) => None,
                })
                .unwrap_or_else(|| self.name.clone()),
            None => self.name.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    Sum,
    Avg,
    Max,
    Min,
    Count,
}

/// `!inner` / `!left` on an embedded resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinType {
    Inner,
    Left,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectItem {
    Star,
    /// A column (or `*` for `count()`), with its alias, cast, aggregate and the aggregate's cast.
    Field {
        field: Field,
        alias: Option<String>,
        cast: Option<String>,
        aggregate: Option<Aggregate>,
        aggregate_cast: Option<String>,
    },
    Embed(Embed),
}

/// `alias:rel!hint!inner(...)` or `...rel(...)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embed {
    pub name: String,
    pub alias: Option<String>,
    pub hint: Option<String>,
    pub join: Option<JoinType>,
    pub spread: bool,
    pub select: Vec<SelectItem>,
}

impl SelectItem {
    #[cfg(test)]
    pub fn column(name: &str) -> SelectItem {
        SelectItem::Field {
            field: Field::named(name),
            alias: None,
            cast: None,
            aggregate: None,
            aggregate_cast: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    Any,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsValue {
    Null,
    NotNull,
    True,
    False,
    Unknown,
}

/// The operators taking one value, as the grammar names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    Eq,
    Gt,
    Gte,
    Lt,
    Lte,
    Neq,
    Like,
    ILike,
    Match,
    IMatch,
    IsDistinct,
    Contains,
    Contained,
    Overlap,
    StrictlyLeft,
    StrictlyRight,
    NotExtendsRight,
    NotExtendsLeft,
    Adjacent,
}

impl Operator {
    fn from_name(name: &str) -> Operator {
        match name {
            "eq" => Operator::Eq,
            "gt" => Operator::Gt,
            "gte" => Operator::Gte,
            "lt" => Operator::Lt,
            "lte" => Operator::Lte,
            "neq" => Operator::Neq,
            "like" => Operator::Like,
            "ilike" => Operator::ILike,
            "match" => Operator::Match,
            "imatch" => Operator::IMatch,
            "isdistinct" => Operator::IsDistinct,
            "cs" => Operator::Contains,
            "cd" => Operator::Contained,
            "ov" => Operator::Overlap,
            "sl" => Operator::StrictlyLeft,
            "sr" => Operator::StrictlyRight,
            "nxr" => Operator::NotExtendsRight,
            "nxl" => Operator::NotExtendsLeft,
            // The grammar admits no other name.
            _ => Operator::Adjacent,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FtsOperator {
    /// `fts`: to_tsquery
    Fts,
    /// `plfts`: plainto_tsquery
    Plain,
    /// `phfts`: phraseto_tsquery
    Phrase,
    /// `wfts`: websearch_to_tsquery
    Websearch,
}

impl FtsOperator {
    fn from_name(name: &str) -> FtsOperator {
        match name {
            "fts" => FtsOperator::Fts,
            "plfts" => FtsOperator::Plain,
            "phfts" => FtsOperator::Phrase,
            _ => FtsOperator::Websearch,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    /// eq, gt, like, ... with an optional (any)/(all) modifier, and the operators without one.
    Compare {
        op: Operator,
        quantifier: Option<Quantifier>,
        value: String,
    },
    In(Vec<String>),
    Is(IsValue),
    Fts {
        op: FtsOperator,
        language: Option<String>,
        value: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub field: Field,
    pub negated: bool,
    pub operation: Operation,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogicTree {
    Expr {
        negated: bool,
        or: bool,
        children: Vec<LogicTree>,
    },
    Filter(Filter),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Asc,
    Desc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nulls {
    First,
    Last,
}

/// What an `order` term sorts by: a column of the node, or a column of an embedded to-one
/// resource (`order=clients(name)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderTarget {
    Field(Field),
    Related { relation: String, field: Field },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderTerm {
    pub target: OrderTarget,
    pub direction: Option<Direction>,
    pub nulls: Option<Nulls>,
}

#[cfg(test)]
mod unit;
