//! Query-string grammar (`query.pest`) → typed AST. No string splitting by hand: every value
//! that reaches the planner went through a pest rule.

use crate::error::Error;
use pest::Parser;
use pest::iterators::Pair;

#[derive(pest_derive::Parser)]
#[grammar = "api/query.pest"]
struct QueryParser;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectItem {
    Star,
    Column(String),
}

/// `select=` value → items. An empty value selects no column, as in PostgREST.
pub fn parse_select(value: &str) -> Result<Vec<SelectItem>, Error> {
    if value.trim().is_empty() {
        return Ok(Vec::new());
    }
    let pairs = QueryParser::parse(Rule::select, value)
        .map_err(|e| parse_error(&format!("failed to parse select parameter ({value})"), e))?;
    let mut items = Vec::new();
    for pair in pairs.flatten() {
        match pair.as_rule() {
            Rule::star => items.push(SelectItem::Star),
            Rule::bare_name => items.push(SelectItem::Column(pair.as_str().trim().to_string())),
            Rule::quoted_name => items.push(SelectItem::Column(quoted(pair))),
            _ => {}
        }
    }
    Ok(items)
}

/// `limit=` / `offset=` value → integer, PGRST100 when it is not one.
pub fn parse_integer(param: &str, value: &str) -> Result<i64, Error> {
    QueryParser::parse(Rule::integer, value.trim())
        .map_err(|e| parse_error(&format!("failed to parse {param} parameter ({value})"), e))?;
    value.trim().parse::<i64>().map_err(|_| {
        Error::query_param(
            format!("\"failed to parse {param} parameter ({value})\" (line 1, column 1)"),
            "number out of range",
        )
    })
}

fn quoted(pair: Pair<Rule>) -> String {
    pair.into_inner()
        .next()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default()
}

/// Renders a pest error the way PostgREST renders Parsec's: the message says what failed and
/// where, the details say what was found and what was expected.
fn parse_error(what: &str, e: pest::error::Error<Rule>) -> Error {
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
    Error::query_param(format!("\"{what}\" (line {line}, column {col})"), details)
}

fn describe(rule: &Rule) -> &'static str {
    match rule {
        Rule::star | Rule::bare_name | Rule::ident_part | Rule::quoted_name => {
            "field name (* or [a..z0..9_$])"
        }
        Rule::quoted_inner => "closing quote",
        Rule::integer => "digit",
        Rule::EOI => "\",\" or end of input",
        _ => "valid syntax",
    }
}

#[cfg(test)]
mod unit {
    use super::*;
    use SelectItem::*;

    #[test]
    fn select_lists() {
        for (input, expected) in [
            ("*", vec![Star]),
            ("id,name", vec![Column("id".into()), Column("name".into())]),
            (
                " id , name ",
                vec![Column("id".into()), Column("name".into())],
            ),
            ("\"a,b\",c", vec![Column("a,b".into()), Column("c".into())]),
            ("first-name", vec![Column("first-name".into())]),
            (
                "prénom,$x,_y",
                vec![
                    Column("prénom".into()),
                    Column("$x".into()),
                    Column("_y".into()),
                ],
            ),
            ("*,id", vec![Star, Column("id".into())]),
            ("", vec![]),
        ] {
            assert_eq!(parse_select(input).unwrap(), expected, "{input}");
        }
    }

    #[test]
    fn select_errors_name_the_position() {
        let Error::Api {
            code,
            message,
            details,
            ..
        } = parse_select("id,,name").unwrap_err()
        else {
            panic!("expected an API error")
        };
        assert_eq!(code, "PGRST100");
        assert_eq!(
            message,
            "\"failed to parse select parameter (id,,name)\" (line 1, column 4)"
        );
        assert_eq!(
            details.as_deref(),
            Some("unexpected \",\" expecting field name (* or [a..z0..9_$])")
        );
    }

    #[test]
    fn integers() {
        assert_eq!(parse_integer("limit", "10").unwrap(), 10);
        assert_eq!(parse_integer("limit", "-1").unwrap(), -1);
        assert!(parse_integer("limit", "ten").is_err());
        assert!(parse_integer("offset", "1.5").is_err());
        assert!(parse_integer("offset", "99999999999999999999").is_err());
    }

    #[test]
    fn arbitrary_input_never_panics() {
        // A cheap deterministic fuzz: every 1..3-char string over a hostile alphabet.
        let alphabet: Vec<char> = "a*,\"() .-:>\\'$_é\u{0}".chars().collect();
        let mut inputs = vec![String::new()];
        for _ in 0..3 {
            let mut next = Vec::new();
            for s in &inputs {
                for c in &alphabet {
                    next.push(format!("{s}{c}"));
                }
            }
            inputs.extend(next.clone());
            inputs = inputs
                .into_iter()
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
        }
        for s in &inputs {
            let _ = parse_select(s);
            let _ = parse_integer("limit", s);
        }
    }
}
