//! The `Accept` header as a list of media types, best first. What a request can actually be
//! answered with is decided by the plan (`plan::negotiate`), once the resource is known.

/// `Accept` → media types, best first: by quality, then more specific first, then in the
/// order sent. `;q=` is dropped, other parameters are kept. Absent or blank: no preference.
pub fn accepted(accept: Option<&str>) -> Vec<String> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Vec::new();
    };
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
    }
}
