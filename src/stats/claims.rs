//! Announcing the requests that wait for each worker, and a sibling's claim on one of them:
//! the shared-memory half of `worker::line`'s rescue of requests stuck behind slow ones.

use super::{MAX_WORKERS, Stats, WorkerSlot};
use std::sync::atomic::Ordering;

/// A claim word: the claimant's index above, microseconds below.
const CLAIM_SHIFT: u32 = 55;
const CLAIM_US: u64 = (1 << CLAIM_SHIFT) - 1;

impl WorkerSlot {
    /// I/O thread, for a request queued at `queued_us` that still waits (it says so every few
    /// milliseconds): siblings see it again after a claim on an older one was served or came to
    /// nothing, while the main thread is still busy.
    pub fn still_waiting(&self, queued_us: i64) {
        self.oldest_waiting_us
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |t| {
                (t == 0 || t > queued_us).then_some(queued_us)
            })
            .ok();
    }

    /// The main thread's line as it sees it: its oldest request's queueing time, or none.
    pub fn set_oldest_waiting(&self, queued_us: Option<i64>) {
        self.oldest_waiting_us
            .store(queued_us.unwrap_or(0), Ordering::Relaxed);
    }

    /// Sibling `by` (1-based) asks for a request of this worker queued before `before_us`;
    /// whether the claim was placed (one at a time).
    pub fn claim(&self, by: i32, before_us: i64) -> bool {
        let word = ((by as u64 & 0x1ff) << CLAIM_SHIFT) | (before_us.max(1) as u64 & CLAIM_US);
        self.claim
            .compare_exchange(0, word, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
    }

    /// The claimant gives up its claim if no request came of it.
    pub fn unclaim(&self, by: i32) {
        self.claim
            .fetch_update(Ordering::AcqRel, Ordering::Relaxed, |w| {
                ((w >> CLAIM_SHIFT) as i32 == by).then_some(0)
            })
            .ok();
    }

    /// The request queued at `queued_us` no longer waits here (relayed, given up), or a claim
    /// on it came to nothing: forget it; requests still waiting say so again within 5 ms.
    pub fn forget_oldest(&self, queued_us: i64) {
        let _ = self.oldest_waiting_us.compare_exchange(
            queued_us,
            0,
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }

    /// I/O thread, for a waiting request queued at `queued_us`: the claimant that now gets it,
    /// if a claim covers it (the claim is consumed).
    pub fn take_claim(&self, queued_us: i64) -> Option<i32> {
        let word = self.claim.load(Ordering::Acquire);
        let by = (word >> CLAIM_SHIFT) as i32;
        let covers = word != 0 && queued_us < (word & CLAIM_US) as i64;
        (covers
            && self
                .claim
                .compare_exchange(word, 0, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok())
        .then_some(by)
    }

    /// Whether a claim covering a request queued at `queued_us` is there (not consumed).
    pub fn claimed(&self, queued_us: i64) -> bool {
        let word = self.claim.load(Ordering::Acquire);
        word != 0 && queued_us < (word & CLAIM_US) as i64
    }
}

impl Stats {
    /// The busy sibling (1-based) whose oldest waiting request was queued longest ago, before
    /// `before_us`, and on which no claim stands: where a free worker takes a request from.
    /// With that request's queueing time.
    pub fn longest_waiting_sibling(&self, mine: i32, before_us: i64) -> Option<(i32, i64)> {
        let slots = (self.pool_max.load(Ordering::Relaxed) as usize).clamp(1, MAX_WORKERS);
        (0..slots)
            .filter(|&i| i as i32 + 1 != mine)
            .filter_map(|i| {
                let w = &self.workers[i];
                let oldest = w.oldest_waiting_us.load(Ordering::Relaxed);
                (w.pid.load(Ordering::Relaxed) != 0
                    && oldest != 0
                    && oldest < before_us
                    && w.claim.load(Ordering::Relaxed) == 0)
                    .then_some((oldest, i as i32 + 1))
            })
            .min()
            .map(|(oldest, index)| (index, oldest))
    }
}

#[cfg(test)]
mod unit {
    use super::super::{Stats, now_us};
    use std::sync::atomic::Ordering;

    #[test]
    fn a_free_worker_claims_the_longest_waiting_request_of_a_sibling() {
        let s = Box::new(Stats::zeroed());
        s.pool_max.store(3, Ordering::Relaxed);
        for i in 1..=3 {
            s.worker(i).unwrap().start(100 + i);
        }
        let t = now_us();
        s.worker(2).unwrap().enqueue(t - 9_000_000);
        s.worker(3).unwrap().enqueue(t - 4_000_000);
        s.worker(3).unwrap().enqueue(t - 5_000_000);
        // Worker 1's own oldest request was queued 1 s ago: worker 2's waits longest.
        assert_eq!(
            s.longest_waiting_sibling(1, t - 1_000_000),
            Some((2, t - 9_000_000))
        );
        assert_eq!(s.longest_waiting_sibling(1, t - 9_500_000), None);
        let two = s.worker(2).unwrap();
        assert!(two.claim(1, t - 1_000_000));
        assert!(!two.claim(3, t), "one claim at a time");
        assert_eq!(
            s.longest_waiting_sibling(1, t),
            Some((3, t - 5_000_000)),
            "a claimed sibling is skipped"
        );
        // A request queued after the claim's bound is not covered; an older one is, once.
        assert!(!two.claimed(t));
        assert_eq!(two.take_claim(t), None);
        assert!(two.claimed(t - 9_000_000));
        assert_eq!(two.take_claim(t - 9_000_000), Some(1));
        assert_eq!(two.take_claim(t - 9_000_000), None);
        // Another claimant cannot withdraw a claim; its own can.
        assert!(two.claim(1, t));
        two.unclaim(3);
        assert!(two.claimed(t - 1));
        two.unclaim(1);
        assert!(!two.claimed(t - 1));
        // A claim that came to nothing is not placed again on the same request.
        let three = s.worker(3).unwrap();
        three.forget_oldest(t - 5_000_000);
        assert_eq!(s.longest_waiting_sibling(1, t), Some((2, t - 9_000_000)));
        three.enqueue(t - 100);
        assert_eq!(s.longest_waiting_sibling(2, t), Some((3, t - 100)));
        // The main thread's view replaces the I/O thread's running minimum.
        two.set_oldest_waiting(Some(t - 50));
        assert_eq!(s.longest_waiting_sibling(1, t), Some((3, t - 100)));
        // While the main thread is busy: the oldest left (relayed), and the requests still
        // waiting there say so again.
        three.enqueue(t - 3_000);
        assert_eq!(s.longest_waiting_sibling(1, t), Some((3, t - 3_000)));
        three.forget_oldest(t - 3_000);
        assert_eq!(s.longest_waiting_sibling(1, t), Some((2, t - 50)));
        three.still_waiting(t - 200);
        three.still_waiting(t - 100);
        assert_eq!(s.longest_waiting_sibling(1, t), Some((3, t - 200)));
    }
}
