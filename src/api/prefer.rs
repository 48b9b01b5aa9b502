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
        self.applied(resolution_applies, missing, true, max_affected, tx)
    }

    /// `Preference-Applied` for a read: count and handling.
    pub fn applied_to_read(&self) -> Option<String> {
        self.applied(false, false, false, false, None)
    }

    /// PostgREST's `prefAppliedHeader`: the preferences each action honours, in its order.
    fn applied(
        &self,
        resolution: bool,
        missing: bool,
        return_: bool,
        max_affected: bool,
        tx: Option<&str>,
    ) -> Option<String> {
        let resolution = self.resolution.as_ref().filter(|_| resolution);
        let missing = self.missing.as_ref().filter(|_| missing);
        let return_ = self.return_representation.as_ref().filter(|_| return_);
        let handling = self.strict.map(|s| if s { "strict" } else { "lenient" });
        let max_affected = self
            .max_affected
            .filter(|_| max_affected && self.strict == Some(true));
        let applied: Vec<String> = [
            resolution.map(|r| format!("resolution={r}")),
            missing.map(|m| format!("missing={m}")),
            return_.map(|r| format!("return={r}")),
            self.count.map(|c| format!("count={}", c.as_str())),
            tx.map(|t| format!("tx={t}")),
            handling.map(|h| format!("handling={h}")),
            max_affected.map(|n| format!("max-affected={n}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!applied.is_empty()).then(|| applied.join(", "))
    }
}

impl Count {
    pub fn as_str(self) -> &'static str {
        match self {
            Count::Exact => "exact",
            Count::Planned => "planned",
            Count::Estimated => "estimated",
        }
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
