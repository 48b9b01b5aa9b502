//! pest's failures → PGRST100 errors, worded and positioned as PostgREST words Parsec's.

use super::Rule;
use crate::api::parse_error::Failure;
use crate::error::Error;

/// A parse failure worded as PostgREST words it: `refine` knows the common cases exactly, the
/// generic rendering of pest's error is the fallback.
pub(super) fn fail(
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
pub(super) fn parse_error(what: &str, offset: usize, e: pest::error::Error<Rule>) -> Error {
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
