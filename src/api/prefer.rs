//! The `Prefer` header (RFC 7240) as PostgREST reads it: comma-separated tokens across any
//! number of headers, the first occurrence of each preference wins, anything unknown is kept
//! so that `handling=strict` can refuse it.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Exact,
    Planned,
    Estimated,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preferences {
    pub count: Option<Count>,
    /// `Some(true)` for handling=strict, `Some(false)` for handling=lenient.
    pub strict: Option<bool>,
    pub return_representation: Option<String>,
    pub resolution: Option<String>,
    pub missing: Option<String>,
    pub max_affected: Option<i64>,
    /// `tx=commit|rollback`.
    pub tx: Option<String>,
    pub invalid: Vec<String>,
}

/// Every token PostgREST v13 recognises besides `timezone=` and `max-affected=`
/// (`params=single-object` was removed in v13).
const KNOWN: &[&str] = &[
    "resolution=merge-duplicates",
    "resolution=ignore-duplicates",
    "return=representation",
    "return=minimal",
    "return=headers-only",
    "count=exact",
    "count=planned",
    "count=estimated",
    "tx=commit",
    "tx=rollback",
    "missing=default",
    "missing=null",
    "handling=strict",
    "handling=lenient",
];

impl Preferences {
    pub fn parse<'a>(values: impl Iterator<Item = &'a str>) -> Preferences {
        let mut p = Preferences::default();
        for token in values.flat_map(|v| v.split(',')).map(str::trim) {
            if token.is_empty() {
                continue;
            }
            match token {
                "count=exact" => first(&mut p.count, Count::Exact),
                "count=planned" => first(&mut p.count, Count::Planned),
                "count=estimated" => first(&mut p.count, Count::Estimated),
                "handling=strict" => first(&mut p.strict, true),
                "handling=lenient" => first(&mut p.strict, false),
                t if t.starts_with("return=") && KNOWN.contains(&t) => {
                    first(&mut p.return_representation, t[7..].to_string())
                }
                t if t.starts_with("resolution=") && KNOWN.contains(&t) => {
                    first(&mut p.resolution, t[11..].to_string())
                }
                t if t.starts_with("missing=") && KNOWN.contains(&t) => {
                    first(&mut p.missing, t[8..].to_string())
                }
                t if t.starts_with("tx=") && KNOWN.contains(&t) => {
                    first(&mut p.tx, t[3..].to_string())
                }
                t if KNOWN.contains(&t) => {}
                t if t.starts_with("max-affected=") => {
                    if let Ok(n) = t["max-affected=".len()..].parse() {
                        first(&mut p.max_affected, n);
                    }
                }
                // Time zones are not served yet; they are reported like any unknown token.
                t => p.invalid.push(t.to_string()),
            }
        }
        p
    }

    /// `Preference-Applied` for a write, in PostgREST's order. `resolution_applies`: the
    /// table has a primary key or `on_conflict` was given; `max_affected`: DELETE and PATCH.
    pub fn applied_to_write(
        &self,
        resolution_applies: bool,
        missing: bool,
        max_affected: bool,
        tx: Option<&str>,
    ) -> Option<String> {
        let mut applied: Vec<String> = Vec::new();
        if resolution_applies {
            if let Some(r) = &self.resolution {
                applied.push(format!("resolution={r}"));
            }
        }
        if missing {
            if let Some(m) = &self.missing {
                applied.push(format!("missing={m}"));
            }
        }
        if let Some(r) = &self.return_representation {
            applied.push(format!("return={r}"));
        }
        if let Some(c) = self.count {
            applied.push(
                match c {
                    Count::Exact => "count=exact",
                    Count::Planned => "count=planned",
                    Count::Estimated => "count=estimated",
                }
                .into(),
            );
        }
        if let Some(tx) = tx {
            applied.push(format!("tx={tx}"));
        }
        match self.strict {
            Some(true) => applied.push("handling=strict".into()),
            Some(false) => applied.push("handling=lenient".into()),
            None => {}
        }
        if max_affected && self.strict == Some(true) {
            if let Some(n) = self.max_affected {
                applied.push(format!("max-affected={n}"));
            }
        }
        (!applied.is_empty()).then(|| applied.join(", "))
    }

    /// `Preference-Applied` for a read: the preferences that shaped the response, in
    /// PostgREST's order.
    pub fn applied_to_read(&self) -> Option<String> {
        let mut applied = Vec::new();
        if let Some(c) = self.count {
            applied.push(match c {
                Count::Exact => "count=exact",
                Count::Planned => "count=planned",
                Count::Estimated => "count=estimated",
            });
        }
        match self.strict {
            Some(true) => applied.push("handling=strict"),
            Some(false) => applied.push("handling=lenient"),
            None => {}
        }
        (!applied.is_empty()).then(|| applied.join(", "))
    }
}

fn first<T>(slot: &mut Option<T>, value: T) {
    if slot.is_none() {
        *slot = Some(value);
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn first_occurrence_wins_across_headers() {
        let p = Preferences::parse(
            ["count=planned, count=exact", "handling=strict ,  nope"].into_iter(),
        );
        assert_eq!(p.count, Some(Count::Planned));
        assert_eq!(p.strict, Some(true));
        assert_eq!(p.invalid, vec!["nope".to_string()]);
        assert_eq!(
            p.applied_to_read().as_deref(),
            Some("count=planned, handling=strict")
        );
    }

    #[test]
    fn known_tokens_are_not_invalid() {
        let p = Preferences::parse(
            ["return=minimal, tx=commit, max-affected=5, missing=default"].into_iter(),
        );
        assert!(p.invalid.is_empty());
        assert_eq!(p.max_affected, Some(5));
        assert_eq!(p.applied_to_read(), None);
    }
}
