//! PostgREST's "Perhaps you meant …" suggestions come from Haskell's `fuzzyset` (its default
//! set): candidates sharing character grams with the query (sizes 3, then 2) are ranked by the
//! cosine similarity of their gram counts, the 50 best are rescored by normalised Levenshtein
//! distance, and those scoring at least 0.33 are kept, best first. Reproduced here so the hints
//! name the same tables.

use std::collections::HashMap;

const MIN_SCORE: f64 = 0.33;

/// Candidates matching `query`, best first, with their scores (1.0: the same name, ignoring
/// case). Ties keep the candidates' sorted order, so hints are stable.
pub fn matches<'a>(
    query: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Vec<(f64, &'a str)> {
    let mut entries: Vec<&str> = candidates.into_iter().collect();
    entries.sort();
    let mut seen = Vec::new();
    entries.retain(|e| {
        let lower = e.to_lowercase();
        let new = !seen.contains(&lower);
        seen.push(lower);
        new
    });
    let key = query.to_lowercase();
    if let Some(exact) = entries.iter().find(|e| e.to_lowercase() == key) {
        return vec![(1.0, exact)];
    }
    for size in [3, 2] {
        let q = grams(&key, size);
        let q_norm = norm(&q);
        let mut scored: Vec<(f64, &str)> = entries
            .iter()
            .filter_map(|e| {
                let g = grams(&e.to_lowercase(), size);
                let dot: usize = q.iter().map(|(k, n)| n * g.get(k).unwrap_or(&0)).sum();
                (dot > 0).then(|| (dot as f64 / (q_norm * norm(&g)), *e))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut rescored: Vec<(f64, &str)> = scored
            .into_iter()
            .take(50)
            .map(|(_, e)| (similarity(&key, &e.to_lowercase()), e))
            .collect();
        rescored.sort_by(|a, b| b.0.total_cmp(&a.0));
        rescored.retain(|(s, _)| *s >= MIN_SCORE);
        if !rescored.is_empty() {
            return rescored;
        }
    }
    Vec::new()
}

/// The best candidate (`Fuzzy.getOne`).
pub fn best<'a>(query: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    matches(query, candidates).first().map(|(_, e)| *e)
}

/// Grams of the normalised text padded with `-`: letters, digits, spaces and commas only.
fn grams(s: &str, size: usize) -> HashMap<String, usize> {
    let normalized: String = s
        .chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace() || *c == ',')
        .collect();
    let padded: Vec<char> = format!("-{normalized}-").chars().collect();
    let mut out = HashMap::new();
    if padded.len() >= size {
        for w in padded.windows(size) {
            *out.entry(w.iter().collect()).or_insert(0) += 1;
        }
    }
    out
}

fn norm(v: &HashMap<String, usize>) -> f64 {
    (v.values().map(|n| (n * n) as f64).sum::<f64>()).sqrt()
}

/// 1 - Levenshtein distance / longer length.
fn similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    1.0 - prev[b.len()] as f64 / longest as f64
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn postgrest_doctests() {
        // Error.hs noRelBetweenHint / tableNotFoundHint examples.
        assert_eq!(best("film", ["films"]), Some("films"));
        let children = ["directors", "roles", "actors"];
        let child = |q: &str| {
            matches(q, children)
                .into_iter()
                .find(|(s, _)| *s < 1.0)
                .map(|(_, e)| e)
        };
        assert_eq!(child("role"), Some("roles"));
        assert_eq!(child("actors"), None);
        assert_eq!(child("noclosealternative"), None);
    }

    #[test]
    fn hints_pick_a_close_name_only() {
        let names = ["transactions", "categories", "subscriptions"];
        assert_eq!(best("transaction", names), Some("transactions"));
        assert_eq!(best("Categorie", names), Some("categories"));
        assert_eq!(
            best("big_transaction", ["transactions", "users"]),
            Some("transactions")
        );
        assert_eq!(best("xyz", names), None);
    }
}
