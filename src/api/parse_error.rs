//! PGRST100 messages worded and positioned as PostgREST's Parsec parser words them.
//!
//! pest reports where a rule failed; Parsec reports where the input stopped matching, after
//! consuming the longest prefix of a keyword, with its own phrasing of what was expected.
//! Clients and tests compare these strings, so the common failures are rendered exactly:
//! a bad operator, a bad `is` value, a bad order option, a bad logic-tree item, a bad JSON
//! index or cast. Anything else keeps pest's position with the closest wording.

use crate::error::Error;

/// Where a failure happened, as a 0-based character index into the parsed text.
pub struct Failure<'a> {
    /// The text PostgREST quotes in the message, e.g. `failed to parse filter (xx.1)`.
    pub what: String,
    /// The text that was parsed.
    pub text: &'a str,
    /// pest's failing position.
    pub pos: usize,
    /// Characters PostgREST counts before `text` (a logic tree's `or`/`and` key).
    pub offset: usize,
}

impl Failure<'_> {
    fn error(&self, pos: usize, details: String) -> Error {
        Error::query_param(
            format!(
                "\"{}\" (line 1, column {})",
                self.what,
                pos + self.offset + 1
            ),
            details,
        )
    }

    fn chars(&self) -> Vec<char> {
        self.text.chars().collect()
    }
}

const OPERATORS: &[&str] = &[
    "eq",
    "gte",
    "gt",
    "lte",
    "lt",
    "neq",
    "like",
    "ilike",
    "match",
    "imatch",
    "in",
    "is",
    "isdistinct",
    "fts",
    "plfts",
    "phfts",
    "wfts",
    "cs",
    "cd",
    "ov",
    "sl",
    "sr",
    "nxr",
    "nxl",
    "adj",
];

/// Parsec's `unexpected "c"` for a character a parser did not accept.
fn unexpected(c: Option<&char>) -> String {
    match c {
        Some(c) => format!("unexpected \"{c}\""),
        None => "unexpected end of input".into(),
    }
}

/// The longest prefix of `text[at..]` that some keyword starts with (case-insensitive when
/// asked): Parsec consumes that much before failing.
fn matched_prefix(chars: &[char], at: usize, keywords: &[&str], ci: bool) -> usize {
    keywords
        .iter()
        .map(|k| {
            k.chars()
                .zip(chars[at.min(chars.len())..].iter())
                .take_while(|(a, b)| {
                    if ci {
                        a.eq_ignore_ascii_case(b)
                    } else {
                        a == *b
                    }
                })
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// `col=value` where `value` failed: a bad operator or a bad `is` value.
pub fn filter(f: &Failure, fallback: Error) -> Error {
    let chars = f.chars();
    let start = if f.text.starts_with("not.") { 4 } else { 0 };
    let rest: String = chars[start..].iter().collect();
    if let Some(v) = rest.strip_prefix("is.") {
        let values = ["null", "not_null", "true", "false", "unknown"];
        if !values.iter().any(|k| v.eq_ignore_ascii_case(k)) {
            let at = start + 3 + matched_prefix(&chars, start + 3, &values, true);
            return f.error(
                at,
                format!(
                    "{} expecting isVal: (null, not_null, true, false, unknown)",
                    unexpected(chars.get(at))
                ),
            );
        }
    }
    if f.pos == start {
        let mut keywords: Vec<&str> = OPERATORS.to_vec();
        if start == 0 {
            keywords.push("not");
        }
        let at = start + matched_prefix(&chars, start, &keywords, false);
        let expecting = if start == 0 {
            "\"not\" or operator (eq, gt, ...)"
        } else {
            "operator (eq, gt, ...)"
        };
        return f.error(
            start,
            format!("{} expecting {expecting}", unexpected(chars.get(at))),
        );
    }
    fallback
}

/// `order=` failures: a misspelled option, or characters after a complete term.
pub fn order(f: &Failure, fallback: Error) -> Error {
    let chars = f.chars();
    let p = f.pos.min(chars.len());
    let term_start = chars[..p]
        .iter()
        .rposition(|c| *c == ',')
        .map_or(0, |i| i + 1);
    let term: String = chars[term_start..p].iter().collect();
    let options: Vec<&str> = term.split('.').skip(1).collect();
    let has_nulls = options
        .iter()
        .any(|o| *o == "nullsfirst" || *o == "nullslast");
    if p > 0 && chars[p - 1] == '.' {
        // At an option word.
        let keywords: &[&str] = if options.len() <= 1 {
            &["asc", "desc", "nullsfirst", "nullslast"]
        } else {
            &["nullsfirst", "nullslast"]
        };
        let at = p + matched_prefix(&chars, p, keywords, false);
        let list: Vec<String> = keywords.iter().map(|k| format!("\"{k}\"")).collect();
        return f.error(
            p,
            format!("{} expecting {}", unexpected(chars.get(at)), or_list(&list)),
        );
    }
    if let Some(c) = chars.get(p)
        && c.is_alphanumeric()
        && !options.is_empty()
    {
        let expecting = if has_nulls {
            "\",\" or end of input"
        } else {
            "delimiter (.), \",\" or end of input"
        };
        return f.error(p, format!("unexpected '{c}' expecting {expecting}"));
    }
    fallback
}

/// Logic-tree failures. Parsec commits to an `and`/`or`/`not.` item once it has read the
/// keyword, so the error is about what follows it.
pub fn logic(f: &Failure, fallback: Error) -> Error {
    let chars = f.chars();
    let p = f.pos.min(chars.len());
    let mut item_start = chars[..p]
        .iter()
        .rposition(|c| *c == ',' || *c == '(')
        .map_or(0, |i| i + 1);
    // Spaces before an item belong to the separator.
    while item_start < p && matches!(chars[item_start], ' ' | '\t') {
        item_start += 1;
    }
    let item: String = chars[item_start..].iter().collect();
    if chars.get(p) == Some(&')') && item_start == p {
        return f.error(
            p,
            "unexpected \")\" expecting field name (* or [a..z0..9_$]), negation operator (not) or logic operator (and, or)".into(),
        );
    }
    if let Some(rest) = item.strip_prefix("not.")
        && !(rest.starts_with("and(") || rest.starts_with("or("))
    {
        let at = item_start + 4;
        let stop = at + matched_prefix(&chars, at, &["and", "or"], false);
        return f.error(
            at,
            format!(
                "{} expecting logic operator (and, or)",
                unexpected(chars.get(stop))
            ),
        );
    }
    for op in ["and", "or"] {
        let Some(rest) = item.strip_prefix(op) else {
            continue;
        };
        let after = rest.trim_start_matches([' ', '\t']);
        if !after.starts_with('(') {
            // Spaces may come before the parenthesis; the error is at what follows them.
            let at = item_start + item.chars().count() - after.chars().count();
            return f.error(at, format!("{} expecting \"(\"", unexpected(chars.get(at))));
        }
    }
    fallback
}

/// `select=` failures in a JSON index or a cast.
pub fn select(f: &Failure, fallback: Error) -> Error {
    let chars = f.chars();
    let p = f.pos.min(chars.len());
    let before: String = chars[..p].iter().collect();
    let after_arrow = before.ends_with("->") || before.ends_with("->>");
    if after_arrow && chars.get(p) == Some(&'-') {
        let digits = chars[p + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        let at = p + 1 + digits;
        if digits == 0 {
            return f.error(at, format!("{} expecting digit", unexpected(chars.get(at))));
        }
        let shown = chars
            .get(at)
            .map_or("end of input".to_string(), |c| format!("'{c}'"));
        return f.error(
            at,
            format!(
                "unexpected {shown} expecting digit, \"->\", \"::\", \".\", \",\" or end of input"
            ),
        );
    }
    // After an arrow comes an index or a key, and a key cannot start with a delimiter
    // (JsonOperatorSpec "fails when there is a reserved special character in the key's name").
    if after_arrow && chars.get(p).is_none_or(|c| "(:.,>)".contains(*c)) {
        return f.error(
            p,
            format!(
                "{} expecting \"-\", digit or any non reserved character different from: .,>()",
                unexpected(chars.get(p))
            ),
        );
    }
    if p >= 2 && chars[p - 2] == ':' && chars[p - 1] == ':' {
        return f.error(
            p,
            format!("{} expecting letter or digit", unexpected(chars.get(p))),
        );
    }
    fallback
}

/// Parsec's list: `a, b or c`.
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    fn details(e: Error) -> (String, String) {
        match e {
            Error::Api {
                message, details, ..
            } => (
                message,
                details
                    .and_then(|d| d.as_str().map(str::to_string))
                    .unwrap_or_default(),
            ),
            _ => panic!(),
        }
    }

    fn failure(text: &str, pos: usize) -> Failure<'_> {
        Failure {
            what: format!("failed to parse order ({text})"),
            text,
            pos,
            offset: 0,
        }
    }

    #[test]
    fn order_words_report_the_longest_match() {
        let fallback = || Error::internal("fallback");
        let (m, d) = details(order(&failure("id.ac", 3), fallback()));
        assert_eq!(m, "\"failed to parse order (id.ac)\" (line 1, column 4)");
        assert_eq!(
            d,
            "unexpected \"c\" expecting \"asc\", \"desc\", \"nullsfirst\" or \"nullslast\""
        );
        let (_, d) = details(order(&failure("id.descc", 7), fallback()));
        assert_eq!(
            d,
            "unexpected 'c' expecting delimiter (.), \",\" or end of input"
        );
    }
}
