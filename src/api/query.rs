//! Query-string grammar (`query.pest`) → typed AST. No string splitting by hand: every value
//! that reaches the planner went through a pest rule.

use crate::api::parse_error::{self, Failure};
use crate::error::Error;
use pest::Parser;
use pest::iterators::Pair;

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

/// `select=` value → items. An empty value is no item (the planner reads all columns then, as
/// PostgREST does); spaces alone are not a select list.
pub fn parse_select(value: &str) -> Result<Vec<SelectItem>, Error> {
    if value.is_empty() {
        return Ok(Vec::new());
    }
    let pairs = QueryParser::parse(Rule::select, value).map_err(|e| {
        fail(
            format!("failed to parse select parameter ({value})"),
            value,
            0,
            e,
            parse_error::select,
        )
    })?;
    let top = pairs.into_iter().next().expect("a select");
    Ok(select_items(top))
}

fn select_items(pair: Pair<Rule>) -> Vec<SelectItem> {
    pair.into_inner().filter_map(select_item).collect()
}

fn select_item(p: Pair<Rule>) -> Option<SelectItem> {
    match p.as_rule() {
        Rule::star => Some(SelectItem::Star),
        Rule::embed => Some(SelectItem::Embed(embed(p))),
        Rule::column => Some(column(p)),
        _ => None,
    }
}

fn embed(pair: Pair<Rule>) -> Embed {
    let mut e = Embed {
        name: String::new(),
        alias: None,
        hint: None,
        join: None,
        spread: false,
        select: Vec::new(),
    };
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::spread => e.spread = true,
            Rule::alias => e.alias = p.into_inner().next().map(name_of),
            Rule::embed_name => e.name = p.into_inner().next().map(name_of).unwrap_or_default(),
            // With two parameters of one kind, the first one counts (PostgREST's pEmbedParams).
            Rule::join_type => {
                let join = if p.as_str() == "inner" {
                    JoinType::Inner
                } else {
                    JoinType::Left
                };
                e.join.get_or_insert(join);
            }
            Rule::hint => {
                if e.hint.is_none() {
                    e.hint = p.into_inner().next().map(name_of);
                }
            }
            _ => e.select.extend(select_item(p)),
        }
    }
    e
}

fn column(pair: Pair<Rule>) -> SelectItem {
    let mut alias = None;
    let mut field = None;
    let mut cast = None;
    let mut aggregate = None;
    let mut aggregate_cast = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::alias => alias = p.into_inner().next().map(name_of),
            Rule::field => field = Some(field_of(p)),
            Rule::cast => cast = Some(p.as_str().trim().to_string()),
            Rule::aggregate => aggregate = Some(aggregate_of(p.as_str())),
            Rule::agg_cast => aggregate_cast = Some(p.as_str().trim().to_string()),
            Rule::count_star => {
                // `count()` is PostgREST's COUNT(*): the field `*` with an aggregate.
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::alias => alias = q.into_inner().next().map(name_of),
                        Rule::agg_cast => aggregate_cast = Some(q.as_str().trim().to_string()),
                        _ => {}
                    }
                }
                field = Some(Field::named("*"));
                aggregate = Some(Aggregate::Count);
            }
            _ => {}
        }
    }
    SelectItem::Field {
        field: field.expect("the grammar guarantees a field"),
        alias,
        cast,
        aggregate,
        aggregate_cast,
    }
}

fn aggregate_of(text: &str) -> Aggregate {
    match text.trim_end_matches("()") {
        "sum" => Aggregate::Sum,
        "avg" => Aggregate::Avg,
        "max" => Aggregate::Max,
        "min" => Aggregate::Min,
        _ => Aggregate::Count,
    }
}

/// A filter's key (`col`, `data->>k`, `rel.col`, `a.b.col`) → the embedded resources it goes
/// through, and the field.
pub fn parse_tree_path(key: &str) -> Result<(Vec<String>, Field), Error> {
    let pair = QueryParser::parse(Rule::tree_path, key)
        .map_err(|e| key_error(key, e))?
        .next()
        .expect("a tree path");
    let mut path = Vec::new();
    let mut field = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::embed_step => path.push(p.into_inner().next().map(name_of).unwrap_or_default()),
            Rule::field => field = Some(field_of(p)),
            _ => {}
        }
    }
    Ok((path, field.expect("the grammar guarantees a field")))
}

/// A key made of dotted names (`a.b.order`, `rel.not.or`): the names, unquoted.
pub fn parse_dotted(key: &str) -> Result<Vec<String>, Error> {
    let pair = QueryParser::parse(Rule::dotted_names, key)
        .map_err(|e| key_error(key, e))?
        .next()
        .expect("dotted names");
    Ok(pair
        .into_inner()
        .filter(|p| matches!(p.as_rule(), Rule::bare_name | Rule::quoted_value))
        .map(name_of)
        .collect())
}

/// `columns=` / `on_conflict=` value → the names, unquoted. Unlike a select list it cannot be
/// empty: `columns=` is PostgREST's PGRST100.
pub fn parse_columns(param: &str, value: &str) -> Result<Vec<String>, Error> {
    let pair = QueryParser::parse(Rule::column_list, value)
        .map_err(|e| {
            parse_error(
                &format!("failed to parse {param} parameter ({value})"),
                0,
                e,
            )
        })?
        .next()
        .expect("a column list");
    Ok(pair
        .into_inner()
        .filter(|p| matches!(p.as_rule(), Rule::bare_name | Rule::quoted_value))
        .map(name_of)
        .collect())
}

/// A key that stops being a column path: worded as PostgREST words a filter key that does.
fn key_error(key: &str, e: pest::error::Error<Rule>) -> Error {
    let col = match e.line_col {
        pest::error::LineColLocation::Pos((_, c))
        | pest::error::LineColLocation::Span((_, c), _) => c,
    };
    match key.chars().nth(col.saturating_sub(1)) {
        Some(c) if col > 1 => Error::query_param(
            format!("\"failed to parse filter ({key})\" (line 1, column {col})"),
            format!("unexpected \"{c}\" expecting \"->>\", \"->\" or end of input"),
        ),
        _ => parse_error(&format!("failed to parse filter ({key})"), 0, e),
    }
}

/// A filter's value (`not.eq.5`, `in.(1,2)`, `fts(english).cat`) → operation.
pub fn parse_filter(field: Field, value: &str) -> Result<Filter, Error> {
    let pair = QueryParser::parse(Rule::filter, value)
        .map_err(|e| {
            fail(
                format!("failed to parse filter ({value})"),
                value,
                0,
                e,
                parse_error::filter,
            )
        })?
        .next()
        .expect("a filter");
    let mut negated = false;
    let mut operation = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::negation => negated = true,
            Rule::EOI => {}
            _ => operation = Some(operation_of(p)),
        }
    }
    Ok(Filter {
        field,
        negated,
        operation: operation.expect("the grammar guarantees an operation"),
    })
}

/// On a function, whether a query parameter's value is an argument rather than a filter.
/// PostgREST tries the filter grammar first and takes the value as an argument only when it
/// fails without consuming input: `5` and `eq` are arguments, `eq.5` a filter, and `not.`,
/// `in.` and `is.` commit to a filter (`is.x` is an error, not an argument).
pub fn is_argument(value: &str) -> bool {
    let commits = ["not.", "in.", "is.", "isdistinct."];
    !commits.iter().any(|p| value.starts_with(p)) && parse_filter(Field::named(""), value).is_err()
}

/// `or=(...)` / `not.and=(...)`: the key gives the operator, the value the operands.
pub fn parse_logic(negated: bool, or: bool, value: &str) -> Result<LogicTree, Error> {
    let pairs = QueryParser::parse(Rule::logic, value).map_err(|e| {
        // PostgREST parses the key and the value together (`or(a.eq.1)`), so its columns
        // count the key.
        let key_len = if negated { 4 } else { 0 } + if or { 2 } else { 3 };
        fail(
            format!("failed to parse logic tree ({value})"),
            value,
            key_len,
            e,
            parse_error::logic,
        )
    })?;
    let children = pairs
        .flatten()
        .next()
        .map(|top| logic_children(top))
        .unwrap_or_default();
    Ok(LogicTree::Expr {
        negated,
        or,
        children,
    })
}

fn logic_children(top: Pair<Rule>) -> Vec<LogicTree> {
    top.into_inner()
        .filter_map(|p| match p.as_rule() {
            Rule::logic_expr => Some(logic_expr(p)),
            Rule::logic_filter => Some(LogicTree::Filter(logic_filter(p))),
            _ => None,
        })
        .collect()
}

fn logic_expr(pair: Pair<Rule>) -> LogicTree {
    let mut negated = false;
    let mut or = false;
    let mut children = Vec::new();
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::negation => negated = true,
            Rule::logic_name => or = p.as_str() == "or",
            Rule::logic_expr => children.push(logic_expr(p)),
            Rule::logic_filter => children.push(LogicTree::Filter(logic_filter(p))),
            _ => {}
        }
    }
    LogicTree::Expr {
        negated,
        or,
        children,
    }
}

fn logic_filter(pair: Pair<Rule>) -> Filter {
    let mut field = None;
    let mut negated = false;
    let mut operation = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::field => field = Some(field_of(p)),
            Rule::negation => negated = true,
            _ => operation = Some(operation_of(p)),
        }
    }
    Filter {
        field: field.expect("a field"),
        negated,
        operation: operation.expect("an operation"),
    }
}

fn operation_of(pair: Pair<Rule>) -> Operation {
    let rule = pair.as_rule();
    let mut name = String::new();
    let mut quantifier = None;
    let mut language = None;
    let mut value = String::new();
    let mut items = Vec::new();
    let mut is = IsValue::Null;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::quant_name | Rule::simple_name | Rule::fts_name => name = p.as_str().into(),
            Rule::quantifier => {
                quantifier = Some(if p.as_str() == "any" {
                    Quantifier::Any
                } else {
                    Quantifier::All
                })
            }
            Rule::language => language = Some(p.as_str().trim().to_string()),
            Rule::value | Rule::logic_bare | Rule::pg_array => value = p.as_str().to_string(),
            Rule::quoted_value => value = unquote(p),
            Rule::list => {
                for item in p.into_inner() {
                    match item.as_rule() {
                        Rule::quoted_value => items.push(unquote(item)),
                        // Spaces inside an element are its own: `in.(a, b)` has " b".
                        _ => items.push(item.as_str().to_string()),
                    }
                }
                // `in.()` (or `in.(  )`) is one empty element: PostgREST's empty list.
                if items.len() == 1 && items[0].is_empty() {
                    items.clear();
                }
            }
            Rule::is_value => {
                is = match p.as_str().to_ascii_lowercase().as_str() {
                    "null" => IsValue::Null,
                    "not_null" => IsValue::NotNull,
                    "true" => IsValue::True,
                    "false" => IsValue::False,
                    _ => IsValue::Unknown,
                }
            }
            _ => {}
        }
    }
    match rule {
        Rule::in_op => Operation::In(items),
        Rule::is_op => Operation::Is(is),
        Rule::fts_op | Rule::logic_fts => Operation::Fts {
            op: FtsOperator::from_name(&name),
            language,
            value,
        },
        _ => Operation::Compare {
            op: Operator::from_name(&name),
            quantifier,
            value,
        },
    }
}

/// `order=` value → terms.
pub fn parse_order(value: &str) -> Result<Vec<OrderTerm>, Error> {
    let pairs = QueryParser::parse(Rule::order, value).map_err(|e| {
        fail(
            format!("failed to parse order ({value})"),
            value,
            0,
            e,
            parse_error::order,
        )
    })?;
    let mut terms = Vec::new();
    for term in pairs.flatten().filter(|p| p.as_rule() == Rule::order_term) {
        let mut t = OrderTerm {
            target: OrderTarget::Field(Field::named("")),
            direction: None,
            nulls: None,
        };
        for p in term.into_inner() {
            match p.as_rule() {
                Rule::field => t.target = OrderTarget::Field(field_of(p)),
                Rule::order_relation => {
                    let mut inner = p.into_inner();
                    let relation = inner.next().map(name_of).unwrap_or_default();
                    let field = inner.next().map(field_of).unwrap_or(Field::named(""));
                    t.target = OrderTarget::Related { relation, field };
                }
                Rule::direction => {
                    t.direction = Some(if p.as_str() == "desc" {
                        Direction::Desc
                    } else {
                        Direction::Asc
                    })
                }
                Rule::nulls => {
                    t.nulls = Some(if p.as_str() == "nullsfirst" {
                        Nulls::First
                    } else {
                        Nulls::Last
                    })
                }
                _ => {}
            }
        }
        terms.push(t);
    }
    Ok(terms)
}

fn field_of(pair: Pair<Rule>) -> Field {
    let mut inner = pair.into_inner();
    let name = inner.next().map(name_of).unwrap_or_default();
    let mut path = Vec::new();
    if let Some(json_path) = inner.next() {
        for op in json_path.into_inner() {
            let mut parts = op.into_inner();
            let arrow = match parts.next().map(|a| a.as_str()) {
                Some("->>") => Arrow::Text,
                _ => Arrow::Json,
            };
            let key = match parts.next() {
                Some(k) if k.as_rule() == Rule::json_index => k
                    .as_str()
                    .parse::<i64>()
                    .map(JsonKey::Index)
                    .unwrap_or_else(|_| JsonKey::Key(k.as_str().to_string())),
                Some(k) => JsonKey::Key(k.into_inner().next().map(json_key).unwrap_or_default()),
                None => JsonKey::Key(String::new()),
            };
            path.push((arrow, key));
        }
    }
    Field { name, path }
}

/// A JSON key: quoted, or its dash-separated parts each without surrounding spaces.
fn json_key(pair: Pair<Rule>) -> String {
    match pair.as_rule() {
        Rule::quoted_value => unquote(pair),
        _ => pair
            .into_inner()
            .map(|part| part.as_str().trim().to_string())
            .collect::<Vec<_>>()
            .join("-"),
    }
}

/// A bare or quoted name → its text (bare names lose surrounding spaces, as in PostgREST).
fn name_of(pair: Pair<Rule>) -> String {
    match pair.as_rule() {
        Rule::quoted_value => unquote(pair),
        _ => pair.as_str().trim().to_string(),
    }
}

/// `"a\"b"` → `a"b`: a backslash keeps the next character literally.
fn unquote(pair: Pair<Rule>) -> String {
    let inner = pair.into_inner().next().map(|p| p.as_str()).unwrap_or("");
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A parse failure worded as PostgREST words it: `refine` knows the common cases exactly, the
/// generic rendering of pest's error is the fallback.
fn fail(
    what: String,
    text: &str,
    offset: usize,
    e: pest::error::Error<Rule>,
    refine: fn(&Failure, Error) -> Error,
) -> Error {
    let pos = match e.line_col {
        pest::error::LineColLocation::Pos((_, c))
        | pest::error::LineColLocation::Span((_, c), _) => c - 1,
    };
    let fallback = parse_error(&what, offset, e);
    refine(
        &Failure {
            what,
            text,
            pos,
            offset,
        },
        fallback,
    )
}

/// Renders a pest error the way PostgREST renders Parsec's: the message says what failed and
/// where, the details say what was found and what was expected.
fn parse_error(what: &str, offset: usize, e: pest::error::Error<Rule>) -> Error {
    let (line, col) = match e.line_col {
        pest::error::LineColLocation::Pos(p) | pest::error::LineColLocation::Span(p, _) => p,
    };
    let found = e.line().chars().nth(col.saturating_sub(1));
    let unexpected = match found {
        Some(c) => format!("unexpected \"{c}\""),
        None => "unexpected end of input".to_string(),
    };
    let expected: Vec<&str> = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            let mut v: Vec<&str> = positives.iter().map(describe).collect();
            v.sort();
            v.dedup();
            v
        }
        pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let details = if expected.is_empty() {
        unexpected
    } else {
        format!("{unexpected} expecting {}", expected.join(", "))
    };
    Error::query_param(
        format!("\"{what}\" (line {line}, column {})", col + offset),
        details,
    )
}

fn describe(rule: &Rule) -> &'static str {
    match rule {
        Rule::star
        | Rule::bare_name
        | Rule::ident_part
        | Rule::quoted_value
        | Rule::field
        | Rule::column
        | Rule::embed
        | Rule::embed_name
        | Rule::spread
        | Rule::hint
        | Rule::join_type
        | Rule::alias
        | Rule::count_star
        | Rule::order_relation
        | Rule::column_list => "field name (* or [a..z0..9_$])",
        Rule::quoted_inner | Rule::escaped => "closing quote",
        Rule::cast | Rule::agg_cast => "cast type",
        Rule::aggregate => "aggregate function",
        Rule::arrow | Rule::json_op | Rule::json_path => "\"->>\" or \"->\"",
        Rule::json_index | Rule::json_key => "json path key or index",
        Rule::json_key_name | Rule::json_key_part => {
            "any non reserved character different from: .,>()"
        }
        Rule::negation
        | Rule::in_op
        | Rule::is_op
        | Rule::fts_op
        | Rule::fts_name
        | Rule::quant_op
        | Rule::quant_name
        | Rule::simple_op
        | Rule::simple_name
        | Rule::logic_fts
        | Rule::logic_quant
        | Rule::logic_simple => {
            "operator (eq, gt, lt, gte, lte, neq, like, ilike, match, imatch, in, is, isdistinct, cs, cd, ov, sl, sr, nxr, nxl, adj, fts, plfts, phfts, wfts)"
        }
        Rule::is_value => "null or trilean value (unknown, true, false)",
        Rule::quantifier => "\"any\" or \"all\"",
        Rule::language => "language",
        Rule::list => "\"(\"",
        Rule::logic_expr | Rule::logic_name | Rule::logic_filter => "logic operator or filter",
        Rule::direction | Rule::nulls => "asc, desc, nullsfirst or nullslast",
        Rule::order_term => "order term",
        Rule::EOI => "\",\" or end of input",
        _ => "valid syntax",
    }
}

#[cfg(test)]
mod unit;
