//! The `Accept` header as PostgREST reads it: a list of media types, best first, each decoded
//! into what the grammar of media types decides (PostgREST's `MediaType`). What a request can
//! actually be answered with is decided by the plan (`plan::negotiate`), once the resource and
//! its handlers are known.

/// `Accept` → media types, best first, as wai's `parseHttpAccept` orders them for PostgREST:
/// spaces removed, `;q=` and whatever follows it dropped, then by quality and by specificity
/// (parameters count for, wildcards against), ties in the order sent. Absent or blank: none.
pub fn accepted(accept: Option<&str>) -> Vec<String> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Vec::new();
    };
    let mut items: Vec<(String, f64, i64)> = accept
        .split(',')
        .map(|item| item.chars().filter(|c| *c != ' ').collect::<String>())
        .filter(|s| !s.is_empty())
        .map(|item| {
            let (mt, q) = match item.find(";q=") {
                Some(i) => {
                    let q = item[i + 3..]
                        .split(';')
                        .next()
                        .and_then(|q| q.parse::<f64>().ok())
                        .unwrap_or(1.0);
                    (item[..i].to_string(), q)
                }
                None => (item, 1.0),
            };
            let specificity = mt.matches(';').count() as i64 - mt.matches('*').count() as i64;
            (mt, q, specificity)
        })
        .collect();
    items.sort_by(|a, b| {
        b.1.partial_cmp(&a.1)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(b.2.cmp(&a.2))
    });
    items.into_iter().map(|(mt, _, _)| mt).collect()
}

/// `application/vnd.pgrst.plan+json` or `+text` (the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanFormat {
    Text,
    Json,
}

/// An `options=` value of the plan media type: the EXPLAIN options of the same names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PlanOption {
    Analyze,
    Verbose,
    Settings,
    Buffers,
    Wal,
}

impl PlanOption {
    pub const ALL: [PlanOption; 5] = [
        PlanOption::Analyze,
        PlanOption::Verbose,
        PlanOption::Settings,
        PlanOption::Buffers,
        PlanOption::Wal,
    ];

    pub fn name(self) -> &'static str {
        match self {
            PlanOption::Analyze => "analyze",
            PlanOption::Verbose => "verbose",
            PlanOption::Settings => "settings",
            PlanOption::Buffers => "buffers",
            PlanOption::Wal => "wal",
        }
    }
}

/// One accepted media type, decoded as PostgREST's `decodeMediaType` decodes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Media {
    Json,
    GeoJson,
    Csv,
    TextPlain,
    TextXml,
    OpenApi,
    UrlEncoded,
    OctetStream,
    /// `*/*`.
    Any,
    /// Any other type, without its parameters (a custom handler may produce it).
    Other(String),
    /// `application/vnd.pgrst.array+json;nulls=stripped`.
    ArrayStripped,
    /// `application/vnd.pgrst.object+json`, nulls stripped or not.
    Singular {
        stripped: bool,
    },
    /// `application/vnd.pgrst.plan`: the EXPLAIN of the statement that would produce `target`.
    Plan {
        target: Box<Media>,
        format: PlanFormat,
        /// In PostgREST's order (analyze, verbose, settings, buffers, wal), whatever was sent.
        options: Vec<PlanOption>,
    },
}

impl Media {
    /// Media types are case-insensitive (RFC 9110): the name is compared lower-cased.
    pub fn decode(mt: &str) -> Media {
        let mt = mt.to_ascii_lowercase();
        let mut parts = mt.split(';');
        let base = parts.next().unwrap_or("");
        let rest: Vec<&str> = parts.collect();
        let stripped = rest == ["nulls=stripped"];
        match base {
            "application/json" => Media::Json,
            "application/geo+json" => Media::GeoJson,
            "text/csv" => Media::Csv,
            "text/plain" => Media::TextPlain,
            "text/xml" => Media::TextXml,
            "application/openapi+json" => Media::OpenApi,
            "application/x-www-form-urlencoded" => Media::UrlEncoded,
            "application/octet-stream" => Media::OctetStream,
            "application/vnd.pgrst.plan" | "application/vnd.pgrst.plan+text" => {
                plan(PlanFormat::Text, &rest)
            }
            "application/vnd.pgrst.plan+json" => plan(PlanFormat::Json, &rest),
            "application/vnd.pgrst.object+json" | "application/vnd.pgrst.object" => {
                Media::Singular { stripped }
            }
            "application/vnd.pgrst.array+json" | "application/vnd.pgrst.array" if stripped => {
                Media::ArrayStripped
            }
            "application/vnd.pgrst.array+json" | "application/vnd.pgrst.array" => Media::Json,
            "*/*" | "" => Media::Any,
            other => Media::Other(other.to_string()),
        }
    }

    /// PostgREST's `toMime`: how the type is named in a `Content-Type` and in PGRST107.
    pub fn mime(&self) -> String {
        match self {
            Media::Json => "application/json".into(),
            Media::GeoJson => "application/geo+json".into(),
            Media::Csv => "text/csv".into(),
            Media::TextPlain => "text/plain".into(),
            Media::TextXml => "text/xml".into(),
            Media::OpenApi => "application/openapi+json".into(),
            Media::UrlEncoded => "application/x-www-form-urlencoded".into(),
            Media::OctetStream => "application/octet-stream".into(),
            Media::Any => "*/*".into(),
            Media::Other(mt) => mt.clone(),
            Media::ArrayStripped => "application/vnd.pgrst.array+json;nulls=stripped".into(),
            Media::Singular { stripped: false } => "application/vnd.pgrst.object+json".into(),
            Media::Singular { stripped: true } => {
                "application/vnd.pgrst.object+json;nulls=stripped".into()
            }
            Media::Plan {
                target,
                format,
                options,
            } => {
                let format = match format {
                    PlanFormat::Text => "text",
                    PlanFormat::Json => "json",
                };
                let mut mime = format!(
                    "application/vnd.pgrst.plan+{format}; for=\"{}\"",
                    target.mime()
                );
                if !options.is_empty() {
                    let names: Vec<&str> = options.iter().map(|o| o.name()).collect();
                    mime.push_str(&format!("; options={}", names.join("|")));
                }
                mime
            }
        }
    }

    /// PostgREST's `toContentType`: `; charset=utf-8` except for octet-stream and the types it
    /// does not know.
    pub fn content_type(&self) -> String {
        match self {
            Media::OctetStream | Media::Other(_) => self.mime(),
            _ => format!("{}; charset=utf-8", self.mime()),
        }
    }
}

/// The parameters of the plan media type: `for="<media type>"` (JSON when absent) and
/// `options=a|b`; anything else is ignored, as PostgREST ignores it.
fn plan(format: PlanFormat, params: &[&str]) -> Media {
    let target = params
        .iter()
        .find_map(|p| p.strip_prefix("for="))
        .map(|t| Media::decode(t.trim_matches('"')))
        .unwrap_or(Media::Json);
    let given: Vec<&str> = params
        .iter()
        .find_map(|p| p.strip_prefix("options="))
        .map(|o| o.split('|').collect())
        .unwrap_or_default();
    Media::Plan {
        target: Box::new(target),
        format,
        options: PlanOption::ALL
            .into_iter()
            .filter(|o| given.contains(&o.name()))
            .collect(),
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn best_first() {
        assert!(accepted(None).is_empty());
        assert!(accepted(Some("  ")).is_empty());
        assert_eq!(
            accepted(Some("text/html, text/csv;q=0.5")),
            vec!["text/html", "text/csv"]
        );
        assert_eq!(
            accepted(Some("*/*;q=0.1, text/csv")),
            vec!["text/csv", "*/*"]
        );
        assert_eq!(
            accepted(Some("*/*, application/json")),
            vec!["application/json", "*/*"]
        );
        // CustomMediaSpec "will match image/png according to q values".
        assert_eq!(
            accepted(Some(
                "text/html,application/xhtml+xml,application/xml;q=0.9,image/png,*/*;q=0.8"
            )),
            vec![
                "text/html",
                "application/xhtml+xml",
                "image/png",
                "application/xml",
                "*/*"
            ]
        );
        // Parameters make a type more specific; spaces go.
        assert_eq!(
            accepted(Some(
                "application/json, application/vnd.pgrst.plan; for=\"text/csv\""
            )),
            vec![
                "application/vnd.pgrst.plan;for=\"text/csv\"",
                "application/json"
            ]
        );
    }

    #[test]
    fn decodes_as_postgrest() {
        assert_eq!(
            Media::decode("application/vnd.pgrst.array+json"),
            Media::Json
        );
        assert_eq!(
            Media::decode("application/vnd.pgrst.array+json;nulls=stripped"),
            Media::ArrayStripped
        );
        assert_eq!(Media::decode("undefined"), Media::Other("undefined".into()));
        let plan = Media::decode(
            "application/vnd.pgrst.plan+json;for=\"text/csv\";options=wal|analyze|nope",
        );
        assert_eq!(
            plan.mime(),
            "application/vnd.pgrst.plan+json; for=\"text/csv\"; options=analyze|wal"
        );
        assert_eq!(
            Media::decode("application/vnd.pgrst.plan").content_type(),
            "application/vnd.pgrst.plan+text; for=\"application/json\"; charset=utf-8"
        );
        assert_eq!(
            Media::decode("application/vnd.pgrst.plan+text;for=\"application/vnd.pgrst.object\"")
                .mime(),
            "application/vnd.pgrst.plan+text; for=\"application/vnd.pgrst.object+json\""
        );
        assert_eq!(Media::decode("image/png").content_type(), "image/png");
        assert_eq!(
            Media::decode("text/xml").content_type(),
            "text/xml; charset=utf-8"
        );
    }
}
