//! The `Prefer` header (RFC 7240) as PostgREST reads it: comma-separated tokens across any
//! number of headers, the first occurrence of each preference wins, anything unknown is kept
//! so that `handling=strict` can refuse it.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Exact,
    Planned,
    Estimated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handling {
    Strict,
    Lenient,
}

/// `return=`: what a write sends back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Return {
    Minimal,
    HeadersOnly,
    Representation,
}

/// `resolution=`: how an insert treats rows whose key exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    MergeDuplicates,
    IgnoreDuplicates,
}

/// `missing=`: what a key absent from a row becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Default,
    Null,
}

/// `tx=`: how the request's transaction ends (when `db_tx_end` lets the client choose).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxEnd {
    Commit,
    Rollback,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preferences {
    pub count: Option<Count>,
    pub handling: Option<Handling>,
    pub return_: Option<Return>,
    pub resolution: Option<Resolution>,
    pub missing: Option<Missing>,
    pub max_affected: Option<i64>,
    pub tx: Option<TxEnd>,
    /// The first `timezone=`; whether the database knows it is for the plan to tell.
    pub timezone: Option<String>,
    /// Tokens PostgREST does not know, in the order sent. Every `timezone=` token is kept
    /// here too: it is invalid unless the first one names a known time zone
    /// (`invalid_given`).
    pub invalid: Vec<String>,
}

impl Preferences {
    pub fn parse<'a>(values: impl Iterator<Item = &'a str>) -> Preferences {
        let mut p = Preferences::default();
        for token in values.flat_map(|v| v.split(',')).map(str::trim) {
            match token {
                "" => {}
                "count=exact" => first(&mut p.count, Count::Exact),
                "count=planned" => first(&mut p.count, Count::Planned),
                "count=estimated" => first(&mut p.count, Count::Estimated),
                "handling=strict" => first(&mut p.handling, Handling::Strict),
                "handling=lenient" => first(&mut p.handling, Handling::Lenient),
                "return=minimal" => first(&mut p.return_, Return::Minimal),
                "return=headers-only" => first(&mut p.return_, Return::HeadersOnly),
                "return=representation" => first(&mut p.return_, Return::Representation),
                "resolution=merge-duplicates" => {
                    first(&mut p.resolution, Resolution::MergeDuplicates)
                }
                "resolution=ignore-duplicates" => {
                    first(&mut p.resolution, Resolution::IgnoreDuplicates)
                }
                "missing=default" => first(&mut p.missing, Missing::Default),
                "missing=null" => first(&mut p.missing, Missing::Null),
                "tx=commit" => first(&mut p.tx, TxEnd::Commit),
                "tx=rollback" => first(&mut p.tx, TxEnd::Rollback),
                t if t.starts_with("max-affected=") => {
                    if let Ok(n) = t["max-affected=".len()..].parse() {
                        first(&mut p.max_affected, n);
                    }
                }
                t if t.starts_with("timezone=") => {
                    first(&mut p.timezone, t["timezone=".len()..].to_string());
                    p.invalid.push(t.to_string());
                }
                t => p.invalid.push(t.to_string()),
            }
        }
        p
    }

    /// The tokens `handling=strict` refuses, once it is known whether the time zone asked for
    /// exists (PostgREST's `invalidPrefs`).
    pub fn invalid_given(&self, timezone_known: bool) -> Vec<String> {
        self.invalid
            .iter()
            .filter(|t| !(timezone_known && t.starts_with("timezone=")))
            .cloned()
            .collect()
    }

    pub fn strict(&self) -> bool {
        self.handling == Some(Handling::Strict)
    }

    /// `max-affected=` counts only with `handling=strict`.
    pub fn max_affected(&self) -> Option<i64> {
        self.max_affected.filter(|_| self.strict())
    }

    /// PostgREST's `prefAppliedHeader`: the preferences an action honours, in its order.
    pub fn applied(&self, honoured: Honoured) -> Option<String> {
        let resolution = self.resolution.filter(|_| honoured.resolution);
        let missing = self.missing.filter(|_| honoured.missing);
        let return_ = self.return_.filter(|_| honoured.return_);
        let max_affected = self.max_affected().filter(|_| honoured.max_affected);
        let applied: Vec<String> = [
            resolution.map(|r| format!("resolution={}", r.as_str())),
            missing.map(|m| format!("missing={}", m.as_str())),
            return_.map(|r| format!("return={}", r.as_str())),
            self.count.map(|c| format!("count={}", c.as_str())),
            honoured.tx.map(|t| format!("tx={}", t.as_str())),
            self.handling.map(|h| format!("handling={}", h.as_str())),
            self.timezone
                .as_ref()
                .filter(|_| honoured.timezone)
                .map(|tz| format!("timezone={tz}")),
            max_affected.map(|n| format!("max-affected={n}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!applied.is_empty()).then(|| applied.join(", "))
    }
}

/// Which preferences an action honours (and so echoes in `Preference-Applied`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Honoured {
    pub resolution: bool,
    pub missing: bool,
    pub return_: bool,
    pub max_affected: bool,
    /// The transaction ending the client chose, when it may choose.
    pub tx: Option<TxEnd>,
    /// The time zone asked for exists, so the transaction uses it.
    pub timezone: bool,
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

impl Handling {
    pub fn as_str(self) -> &'static str {
        match self {
            Handling::Strict => "strict",
            Handling::Lenient => "lenient",
        }
    }
}

impl Return {
    pub fn as_str(self) -> &'static str {
        match self {
            Return::Minimal => "minimal",
            Return::HeadersOnly => "headers-only",
            Return::Representation => "representation",
        }
    }
}

impl Resolution {
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::MergeDuplicates => "merge-duplicates",
            Resolution::IgnoreDuplicates => "ignore-duplicates",
        }
    }
}

impl Missing {
    pub fn as_str(self) -> &'static str {
        match self {
            Missing::Default => "default",
            Missing::Null => "null",
        }
    }
}

impl TxEnd {
    pub fn as_str(self) -> &'static str {
        match self {
            TxEnd::Commit => "commit",
            TxEnd::Rollback => "rollback",
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
        assert!(p.strict());
        assert_eq!(p.invalid, vec!["nope".to_string()]);
        assert_eq!(
            p.applied(Honoured::default()).as_deref(),
            Some("count=planned, handling=strict")
        );
    }

    #[test]
    fn timezone_is_invalid_until_known() {
        let p = Preferences::parse(
            ["timezone=America/Los_Angeles, handling=strict, timezone=UTC"].into_iter(),
        );
        assert_eq!(p.timezone.as_deref(), Some("America/Los_Angeles"));
        assert!(p.invalid_given(true).is_empty());
        assert_eq!(
            p.invalid_given(false),
            vec!["timezone=America/Los_Angeles", "timezone=UTC"]
        );
        let honoured = Honoured {
            timezone: true,
            ..Honoured::default()
        };
        assert_eq!(
            p.applied(honoured).as_deref(),
            Some("handling=strict, timezone=America/Los_Angeles")
        );
    }

    #[test]
    fn known_tokens_are_not_invalid() {
        let p = Preferences::parse(
            ["return=minimal, tx=commit, max-affected=5, missing=default"].into_iter(),
        );
        assert!(p.invalid.is_empty());
        assert_eq!(p.max_affected, Some(5));
        assert_eq!(p.max_affected(), None);
        assert_eq!(p.applied(Honoured::default()), None);
    }
}
