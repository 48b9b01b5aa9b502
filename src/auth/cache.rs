//! Verified tokens per worker: bounded (oldest out first) and never used past the token's
//! `exp` (with the same 30 s of skew verification allows). Emptied whenever the keys change.

use super::Auth;
use std::collections::{HashMap, VecDeque};

#[derive(Default)]
pub struct TokenCache {
    entries: HashMap<String, (Auth, Option<i64>)>,
    order: VecDeque<String>,
    capacity: usize,
}

impl TokenCache {
    /// Applies `jwt_cache_max_entries` (0: off); shrinking drops everything.
    pub fn set_capacity(&mut self, capacity: i32) {
        let capacity = capacity.max(0) as usize;
        if capacity < self.capacity {
            self.clear();
        }
        self.capacity = capacity;
    }

    pub fn enabled(&self) -> bool {
        self.capacity > 0
    }

    pub fn get(&mut self, token: &str, now: i64) -> Option<Auth> {
        let (auth, exp) = self.entries.get(token)?;
        if exp.is_some_and(|exp| now - 30 > exp) {
            self.entries.remove(token);
            return None;
        }
        Some(auth.clone())
    }

    pub fn insert(&mut self, token: &str, auth: Auth, exp: Option<i64>) {
        if self.capacity == 0 {
            return;
        }
        while self.order.len() >= self.capacity {
            match self.order.pop_front() {
                Some(old) => {
                    self.entries.remove(&old);
                    crate::stats::stats()
                        .jwt_cache_evictions
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                None => break,
            }
        }
        if self
            .entries
            .insert(token.to_string(), (auth, exp))
            .is_none()
        {
            self.order.push_back(token.to_string());
        }
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.order.clear();
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    fn auth() -> Auth {
        Auth {
            role: "r".into(),
            claims_json: "{}".into(),
            authenticated: true,
        }
    }

    #[test]
    fn bounded_and_expiring() {
        let mut c = TokenCache::default();
        c.set_capacity(2);
        c.insert("a", auth(), Some(100));
        c.insert("b", auth(), None);
        c.insert("c", auth(), None);
        assert!(c.get("a", 0).is_none(), "oldest evicted");
        assert!(c.get("b", 0).is_some());
        c.insert("d", auth(), Some(100));
        assert!(c.get("d", 130).is_some());
        assert!(c.get("d", 131).is_none(), "never past exp + skew");
        c.set_capacity(0);
        assert!(c.get("b", 0).is_none(), "turning the cache off empties it");
    }
}
