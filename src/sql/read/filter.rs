//! WHERE conditions: filters with their operators, logic trees, null-embed tests, and the
//! array literal an `in` list is bound as.

use super::fields::field;
use crate::plan::{Condition, FtsOperator, IsValue, Operation, Operator, Quantifier, TypedField};
use crate::sql::{Statement, qualified, quote_ident};

pub(super) fn tree(negated: bool, or: bool, inner: Vec<String>) -> String {
    let joiner = if or { " OR " } else { " AND " };
    let expr = format!("({})", inner.join(joiner));
    if negated { format!("NOT {expr}") } else { expr }
}

/// A `WHERE` condition over the columns of `q`.
pub(in crate::sql) fn condition(s: &mut Statement, q: &str, c: &Condition) -> String {
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
pub(in crate::sql) fn array_literal(items: &[String]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|i| format!("\"{}\"", i.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    format!("{{{}}}", quoted.join(","))
}
