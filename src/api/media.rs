//! Content negotiation: the `Accept` header → the representation a read produces. Names and
//! `Content-Type` values are PostgREST's own, parameters included.

use crate::error::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    /// `application/json` and `*/*`: a JSON array.
    Json,
    /// `application/vnd.pgrst.array+json;nulls=stripped`.
    JsonStripped,
    /// `application/vnd.pgrst.object+json`, nulls stripped or not: exactly one row.
    Singular {
        stripped: bool,
    },
    Csv,
}

impl MediaType {
    pub fn content_type(self) -> &'static str {
        match self {
            MediaType::Json => "application/json; charset=utf-8",
            MediaType::JsonStripped => {
                "application/vnd.pgrst.array+json;nulls=stripped; charset=utf-8"
            }
            MediaType::Singular { stripped: false } => {
                "application/vnd.pgrst.object+json; charset=utf-8"
            }
            MediaType::Singular { stripped: true } => {
                "application/vnd.pgrst.object+json;nulls=stripped; charset=utf-8"
            }
            MediaType::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// What a read can produce, for the given `Accept` header (absent: JSON).
pub fn negotiate_read(accept: Option<&str>) -> Result<MediaType, Error> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Ok(MediaType::Json);
    };
    let wanted = parse_accept(accept);
    for mt in &wanted {
        // Media types are case-insensitive (RFC 9110).
        let mt = mt.to_ascii_lowercase();
        let mut parts = mt.split(';');
        let base = parts.next().unwrap_or("");
        let rest: Vec<&str> = parts.collect();
        let stripped = rest == ["nulls=stripped"];
        let found = match base {
            "application/json" | "*/*" => Some(MediaType::Json),
            "application/vnd.pgrst.array+json" | "application/vnd.pgrst.array" => {
                Some(if stripped {
                    MediaType::JsonStripped
                } else {
                    MediaType::Json
                })
            }
            "application/vnd.pgrst.object+json" | "application/vnd.pgrst.object" => {
                Some(MediaType::Singular { stripped })
            }
            "text/csv" => Some(MediaType::Csv),
            _ => None,
        };
        if let Some(found) = found {
            return Ok(found);
        }
    }
    Err(Error::media_type(
        &wanted.iter().map(|m| mime_name(m)).collect::<Vec<_>>(),
    ))
}

/// How PostgREST names an accepted type in PGRST107: its canonical form where it has one.
fn mime_name(mt: &str) -> String {
    let base = mt.split(';').next().unwrap_or("");
    match base {
        "application/vnd.pgrst.array+json" | "application/vnd.pgrst.array" => {
            if mt.ends_with(";nulls=stripped") {
                "application/vnd.pgrst.array+json;nulls=stripped".into()
            } else {
                "application/json".into()
            }
        }
        "application/json"
        | "application/geo+json"
        | "text/csv"
        | "text/plain"
        | "text/xml"
        | "application/openapi+json"
        | "application/x-www-form-urlencoded"
        | "application/octet-stream"
        | "*/*" => base.into(),
        _ => base.into(),
    }
}

/// `Accept` → media types, best first: by quality, then more specific first, then in the
/// order sent. `;q=` is dropped, other parameters are kept.
fn parse_accept(accept: &str) -> Vec<String> {
    let mut items: Vec<(String, f32, usize)> = accept
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| {
            let (mt, q) = match item.find(";q=") {
                Some(i) => {
                    let q = item[i + 3..]
                        .split(';')
                        .next()
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .unwrap_or(1.0);
                    (item[..i].trim().to_string(), q)
                }
                None => (item.to_string(), 1.0),
            };
            let stars = mt.matches('*').count();
            (mt, q, stars)
        })
        .collect();
    items.sort_by(|a, b| {
        b.1.partial_cmp(&a.1)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.2.cmp(&b.2))
    });
    items.into_iter().map(|(mt, _, _)| mt).collect()
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn negotiation() {
        assert_eq!(negotiate_read(None).unwrap(), MediaType::Json);
        assert_eq!(negotiate_read(Some("*/*")).unwrap(), MediaType::Json);
        assert_eq!(
            negotiate_read(Some("application/vnd.pgrst.object+json")).unwrap(),
            MediaType::Singular { stripped: false }
        );
        assert_eq!(
            negotiate_read(Some("application/vnd.pgrst.object+json;nulls=stripped")).unwrap(),
            MediaType::Singular { stripped: true }
        );
        assert_eq!(
            negotiate_read(Some("text/html, text/csv;q=0.5")).unwrap(),
            MediaType::Csv
        );
        assert_eq!(
            negotiate_read(Some("*/*;q=0.1, text/csv")).unwrap(),
            MediaType::Csv
        );
        let e = negotiate_read(Some("text/html, application/xml")).unwrap_err();
        assert_eq!(e.code(), "PGRST107");
    }
}
