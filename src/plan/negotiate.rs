//! Content negotiation, as PostgREST's `negotiateContent`: the first accepted media type (best
//! first) that something can produce decides how the body is made and its `Content-Type`.
//! Producers are the built-in handlers (JSON, CSV, GeoJSON), the vendor types PostgREST keeps
//! for itself (singular, stripped nulls, the execution plan), and the media type handlers
//! defined in SQL, which may override a built-in one for one relation or for all.

use crate::api::media::{Media, PlanFormat, PlanOption};
use crate::error::Error;
use crate::schema::{HandlerTarget, MediaHandler, QualifiedName};
use std::collections::HashMap;

/// How the body is made (PostgREST's `MediaHandler`).
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// `application/geo+json`: a FeatureCollection of PostGIS's `ST_AsGeoJSON` of each row.
    GeoJson,
    /// A handler defined in SQL.
    Custom(Custom),
}

/// A media type handler defined in SQL, as a plan applies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Custom {
    /// The aggregate over the rows, or the domain a function's one value is cast to.
    pub function: QualifiedName,
    pub aggregate: bool,
    /// The rows it takes: any (`anyelement`), or one relation's, to which they are cast.
    pub target: HandlerTarget,
    pub content_type: String,
}

impl MediaType {
    pub fn content_type(&self) -> &str {
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
            MediaType::GeoJson => "application/geo+json; charset=utf-8",
            MediaType::Custom(c) => &c.content_type,
        }
    }
}

/// `application/vnd.pgrst.plan`: the statement's EXPLAIN instead of its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explain {
    pub format: PlanFormat,
    pub options: Vec<PlanOption>,
    pub content_type: String,
}

/// What the resource can be answered with.
pub struct Offer<'a> {
    pub handlers: &'a HashMap<(HandlerTarget, Media), MediaHandler>,
    /// The relation the rows are (for a call: the function's table, or the function).
    pub rows_of: &'a QualifiedName,
    /// `select` is `*` alone: only then do the rows have the relation's shape, which a
    /// relation's own handler needs (PostgREST's `hasDefaultSelect`).
    pub default_select: bool,
    /// `db-plan-enabled`.
    pub plan_enabled: bool,
}

/// The first of `accepted` (best first) something produces; no `Accept` is `*/*`. Nothing:
/// PGRST107 naming every type as PostgREST names it.
pub fn negotiate(
    accepted: &[String],
    offer: &Offer,
) -> Result<(MediaType, Option<Explain>), Error> {
    let decoded: Vec<Media> = if accepted.is_empty() {
        vec![Media::Any]
    } else {
        accepted.iter().map(|mt| Media::decode(mt)).collect()
    };
    for mt in &decoded {
        let found = match mt {
            // PostgREST's own vendor types: no handler defined in SQL overrides them.
            Media::Singular { stripped } => Some(MediaType::Singular {
                stripped: *stripped,
            }),
            Media::ArrayStripped => Some(MediaType::JsonStripped),
            Media::Plan {
                target,
                format,
                options,
            } if offer.plan_enabled => {
                let handler = match target.as_ref() {
                    Media::Singular { stripped } => Some(MediaType::Singular {
                        stripped: *stripped,
                    }),
                    Media::ArrayStripped => Some(MediaType::JsonStripped),
                    other => lookup(offer, other),
                };
                if let Some(handler) = handler {
                    let explain = Explain {
                        format: *format,
                        options: options.clone(),
                        content_type: mt.content_type(),
                    };
                    return Ok((handler, Some(explain)));
                }
                None
            }
            Media::Plan { .. } => None,
            other => lookup(offer, other),
        };
        if let Some(found) = found {
            return Ok((found, None));
        }
    }
    Err(Error::media_type(
        &decoded.iter().map(Media::mime).collect::<Vec<_>>(),
    ))
}

/// A handler for `mt`: the relation's own for any type (`*/*`), the relation's own for `mt`,
/// then one for any relation (defined in SQL, else built in).
fn lookup(offer: &Offer, mt: &Media) -> Option<MediaType> {
    let own = HandlerTarget::Named(offer.rows_of.clone());
    let custom = |target: HandlerTarget, key: &Media| {
        offer
            .handlers
            .get(&(target.clone(), key.clone()))
            .map(|h| custom(h, target))
    };
    if offer.default_select
        && let Some(found) = custom(own.clone(), &Media::Any).or_else(|| custom(own, mt))
    {
        return Some(found);
    }
    custom(HandlerTarget::AnyElement, mt).or(match mt {
        Media::Any | Media::Json => Some(MediaType::Json),
        Media::Csv => Some(MediaType::Csv),
        Media::GeoJson => Some(MediaType::GeoJson),
        _ => None,
    })
}

fn custom(h: &MediaHandler, target: HandlerTarget) -> MediaType {
    MediaType::Custom(Custom {
        function: h.function.clone(),
        aggregate: h.aggregate,
        target,
        content_type: h.produces.content_type(),
    })
}

#[cfg(test)]
mod unit {
    use super::*;
    use crate::api::media::accepted;

    fn offer<'a>(
        handlers: &'a HashMap<(HandlerTarget, Media), MediaHandler>,
        rows_of: &'a QualifiedName,
    ) -> Offer<'a> {
        Offer {
            handlers,
            rows_of,
            default_select: true,
            plan_enabled: false,
        }
    }

    fn negotiate_header(h: Option<&str>) -> Result<MediaType, Error> {
        let none = HashMap::new();
        let t = QualifiedName::new("public", "t");
        negotiate(&accepted(h), &offer(&none, &t)).map(|(m, _)| m)
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
        // Disabled plans are not produced.
        let e = negotiate_header(Some("application/vnd.pgrst.plan")).unwrap_err();
        assert_eq!(e.code(), "PGRST107");
    }

    #[test]
    fn handlers_defined_in_sql() {
        let t = QualifiedName::new("public", "t");
        let mut handlers = HashMap::new();
        handlers.insert(
            (
                HandlerTarget::Named(t.clone()),
                Media::Other("application/vnd.x".into()),
            ),
            MediaHandler {
                function: QualifiedName::new("public", "x_agg"),
                aggregate: true,
                produces: Media::Other("application/vnd.x".into()),
            },
        );
        handlers.insert(
            (HandlerTarget::AnyElement, Media::Csv),
            MediaHandler {
                function: QualifiedName::new("public", "csv_agg"),
                aggregate: true,
                produces: Media::Csv,
            },
        );
        let mut o = offer(&handlers, &t);
        let (m, _) = negotiate(&accepted(Some("application/vnd.x")), &o).unwrap();
        assert_eq!(m.content_type(), "application/vnd.x");
        let (m, _) = negotiate(&accepted(Some("text/csv")), &o).unwrap();
        assert!(matches!(
            m,
            MediaType::Custom(Custom {
                target: HandlerTarget::AnyElement,
                ..
            })
        ));
        assert_eq!(m.content_type(), "text/csv; charset=utf-8");
        // A relation's own handler wants the relation's rows as they are.
        o.default_select = false;
        assert!(negotiate(&accepted(Some("application/vnd.x")), &o).is_err());
        o.plan_enabled = true;
        let (m, explain) = negotiate(
            &accepted(Some("application/vnd.pgrst.plan+json; for=\"text/csv\"")),
            &o,
        )
        .unwrap();
        assert!(matches!(m, MediaType::Custom(_)));
        assert_eq!(
            explain.unwrap().content_type,
            "application/vnd.pgrst.plan+json; for=\"text/csv\"; charset=utf-8"
        );
    }
}
