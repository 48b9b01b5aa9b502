//! The main thread's waiting line, oldest first, and the rule that keeps any request from
//! stalling in one line while others move: a worker about to serve its own line first takes a
//! sibling's request that has waited a quarter of `db_pool_acquisition_timeout`, and longer
//! than its own oldest.
//!
//! A keep-alive connection stays with the worker that accepted it, so each worker has a line of
//! its own. Under a load of slow requests (charts over a growing table) one line can stall for
//! seconds behind them while another moves, and a request there would time out (504 `PGRST003`)
//! although workers kept freeing up; the idle hand-off (`http::handoff`) never fires then, since
//! no worker is ever idle. So the worker claims (in shared memory) such a request and waits up to
//! `CLAIM_WAIT` for the sibling's I/O thread to relay it; it comes with its original queueing
//! time and goes to the front of this line.
//!
//! Only requests at risk move. One line for all (taking every request that waited longer than
//! one's own, as a connection pool does) makes cheap requests wait behind every slow one: each
//! client gets one answer per round of slow requests. Tried first, in the soak's mix of cheap
//! reads beside charts: by id 5 req/s instead of 66, and 56 requests still timed out (that
//! version also kept announcing requests that had left, so some claims came to nothing and
//! cost their 25 ms: the number overstates the cost, not the round).

use crate::api::Action;
use crate::http::{Job, JobState};
use crate::stats::{self, WorkerSlot};
use crate::threads::Wake;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How much longer a sibling's request must have waited than this worker's oldest before this
/// worker takes it: a relay costs both workers CPU, and below this the lines are fair enough.
const MARGIN_US: i64 = 50_000;

/// A request waiting this share of `db_pool_acquisition_timeout` is at risk of a 504.
const AT_RISK: i64 = 4;

/// How long a worker waits for a claimed request: the sibling's I/O thread looks for claims as
/// often as it looks for idle siblings (every 5 ms), then relays it.
const CLAIM_WAIT: Duration = Duration::from_millis(25);

/// A write body up to this size counts as small (`plain_write`).
const SMALL_BODY: usize = 64 * 1024;

/// Whether `job` is a write to a table or view with a small body: as short as most writes,
/// unlike a function (which may run for long) or a bulk load.
pub fn plain_write(job: &Job) -> bool {
    match &job.request {
        Ok(req) => {
            matches!(
                req.action,
                Action::Insert | Action::Update | Action::Put | Action::Delete
            ) && req
                .payload
                .as_ref()
                .is_none_or(|p| p.as_ref().map_or(true, |p| p.rows.len() <= SMALL_BODY))
        }
        Err(_) => false,
    }
}

#[derive(Default)]
pub struct Line {
    jobs: Vec<Job>,
}

impl Line {
    /// Takes in what the I/O thread has queued since; whether anything waits now.
    pub fn take_in(&mut self, queued: &mpsc::Receiver<Job>) -> bool {
        self.jobs.extend(queued.try_iter());
        !self.jobs.is_empty()
    }

    /// When the oldest request still waiting was queued.
    fn oldest_us(&self) -> Option<i64> {
        self.jobs
            .iter()
            .filter(|j| j.state.queued())
            .map(|j| j.meta.queued_us)
            .min()
    }

    /// The next job to serve: the one queued first (requests taken back or given up are
    /// passed on too, to be counted). Shows siblings what waits after it.
    pub fn next(&mut self, slot: Option<&WorkerSlot>) -> Option<Job> {
        let first = (0..self.jobs.len()).min_by_key(|&i| {
            let j = &self.jobs[i];
            (JobState::queued(&j.state), j.meta.queued_us)
        })?;
        let job = self.jobs.remove(first);
        if let Some(slot) = slot {
            slot.set_oldest_waiting(self.oldest_us());
        }
        Some(job)
    }

    /// Before serving its own oldest request: takes into this line a sibling's request that is
    /// at risk (waited AT_RISK's share of the timeout) and waited MARGIN longer, if one is.
    pub fn claim_older(
        &mut self,
        index: i32,
        queued: &mpsc::Receiver<Job>,
        wake: &Wake,
        wait: impl Fn(&Wake, Duration, &mut dyn FnMut() -> bool),
    ) {
        let Some(own) = self.oldest_us() else {
            return;
        };
        let timeout_us = crate::config::ACQUISITION_TIMEOUT_SECS
            .load(std::sync::atomic::Ordering::Relaxed) as i64
            * 1_000_000;
        let before = (own - MARGIN_US).min(stats::now_us() - timeout_us / AT_RISK);
        let stats = stats::stats();
        let Some((sibling, theirs)) = stats
            .longest_waiting_sibling(index, before)
            .and_then(|(i, theirs)| Some((stats.worker(i)?, theirs)))
        else {
            return;
        };
        if !sibling.claim(index, before) {
            return;
        }
        let until = Instant::now() + CLAIM_WAIT;
        let arrived = |line: &mut Line| {
            line.take_in(queued);
            line.oldest_us().is_some_and(|t| t < before)
        };
        loop {
            if arrived(self) {
                // Consumed by the relay; withdrawn if an older request came another way.
                sibling.unclaim(index);
                return;
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            wait(wake, left, &mut || arrived(self));
        }
        // Nothing came: the request was started, relayed elsewhere or given up since its worker
        // last looked, or cannot be relayed. Not claimed again until that worker looks again.
        sibling.unclaim(index);
        sibling.forget_oldest(theirs);
    }
}

#[cfg(test)]
mod unit {
    use super::*;
    use crate::http::RequestMeta;
    use std::sync::Arc;

    fn job(id: u64, queued_us: i64) -> Job {
        let (reply, _) = tokio::sync::oneshot::channel();
        Job {
            id,
            state: Arc::new(JobState::default()),
            request: Err(crate::response::error(
                &crate::error::Error::worker_unavailable(),
                false,
            )),
            meta: Arc::new(RequestMeta {
                method: "GET".into(),
                target: "/t".into(),
                version: "HTTP/1.1",
                peer: None,
                referer: None,
                user_agent: None,
                received: Instant::now(),
                parse: Duration::ZERO,
                queued_us,
            }),
            reply,
        }
    }

    #[test]
    fn serves_the_oldest_first_and_passes_on_what_was_decided_elsewhere() {
        let (tx, rx) = mpsc::channel();
        let mut line = Line::default();
        // Arrival order is not queueing order: a relayed request keeps its time.
        for (id, t) in [(1, 300), (2, 100), (3, 200), (4, 50)] {
            tx.send(job(id, t)).unwrap();
        }
        line.take_in(&rx);
        assert_eq!(line.oldest_us(), Some(50));
        // Request 4 no longer waits (as when taken back for a sibling, or given up): passed on
        // first, to be counted, and no longer shown to siblings.
        assert!(line.jobs[3].state.start());
        assert_eq!(line.oldest_us(), Some(100));
        let order: Vec<u64> = std::iter::from_fn(|| line.next(None))
            .map(|j| j.id)
            .collect();
        assert_eq!(order, [4, 2, 3, 1]);
        assert_eq!(line.oldest_us(), None);
    }
}
