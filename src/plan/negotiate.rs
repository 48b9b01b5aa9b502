//! Content negotiation: the client's `Accept` list → the representation the answer takes.
//! Names and `Content-Type` values are PostgREST's own, parameters included.

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

/// The first of `accepted` (best first) a read or write can produce; none accepted: JSON.
pub fn negotiate(accepted: &[String]) -> Result<MediaType, Error> {
    if accepted.is_empty() {
        return Ok(MediaType::Json);
    }
    for mt in accepted {
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
        &accepted.iter().map(|m| mime_name(m)).collect::<Vec<_>>(),
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
        _ => base.into(),
    }
}

#[cfg(test)]
mod unit {
    use super::*;
    use crate::api::media::accepted;

    fn negotiate_header(h: Option<&str>) -> Result<MediaType, Error> {
        negotiate(&accepted(h))
    }

    #[test]
    fn negotiation() {
        assert_eq!(negotiate_header(None).unwrap(), MediaType::Json);
        assert_eq!(negotiate_header(Some("*/*")).unwrap(), MediaType::Json);
        assert_eq!(
            negotiate_header(Some("application/vnd.pgrst.object+json")).unwrap(),
            MediaType::Singular { stripped: false }
        );
        assert_eq!(
            negotiate_header(Some("application/vnd.pgrst.object+json;nulls=stripped")).unwrap(),
            MediaType::Singular { stripped: true }
        );
        assert_eq!(
            negotiate_header(Some("text/html, text/csv;q=0.5")).unwrap(),
            MediaType::Csv
        );
        assert_eq!(
            negotiate_header(Some("*/*;q=0.1, text/csv")).unwrap(),
            MediaType::Csv
        );
        let e = negotiate_header(Some("text/html, application/xml")).unwrap_err();
        assert_eq!(e.code(), "PGRST107");
    }
}
