//! What the I/O thread and the main thread hand each other: a job (the parsed request, its
//! access-log data, where to answer), its exactly-once state, and the reply (whole, or a head
//! with chunks to follow).

use crate::api::ApiRequest;
use crate::response::Response;
use bytes::Bytes;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::oneshot;

/// One job for the main thread: a parsed request (or the answer already decided for one that
/// could not be parsed, which the main thread only logs and counts), what the access log and
/// the statistics need to know of it, and where to send its response.
pub struct Job {
    /// This worker's number for the request (from 1), which names it when its client hangs up.
    pub id: u64,
    /// Whether the main thread took the request, or the I/O thread gave up on it first.
    pub state: Arc<JobState>,
    pub request: Result<ApiRequest, Response>,
    /// Shared: a request taken back to be relayed, and queued here again, sends it twice.
    pub meta: Arc<RequestMeta>,
    pub reply: oneshot::Sender<Reply>,
}

/// A handed-over request is taken by the main thread or given up by the I/O thread (its
/// client left, or no worker took it in time), whichever comes first, exactly once.
#[derive(Default)]
pub struct JobState(std::sync::atomic::AtomicU8);

const QUEUED: u8 = 0;
const STARTED: u8 = 1;
const GIVEN_UP: u8 = 2;
const TAKEN_BACK: u8 = 3;

impl JobState {
    /// Main thread: whether it may serve the request (it was not given up).
    pub fn start(&self) -> bool {
        self.0
            .compare_exchange(QUEUED, STARTED, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    }

    /// I/O thread: whether the request was given up before the main thread took it.
    pub(super) fn give_up(&self) -> bool {
        self.0
            .compare_exchange(QUEUED, GIVEN_UP, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    }

    /// I/O thread: whether the request was taken back, to be relayed to a sibling, before the
    /// main thread took it.
    pub(super) fn take_back(&self) -> bool {
        self.0
            .compare_exchange(QUEUED, TAKEN_BACK, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    }

    /// Whether neither thread has decided on it yet.
    pub fn queued(&self) -> bool {
        self.0.load(Ordering::SeqCst) == QUEUED
    }

    /// Main thread, for a request it may not start: whether it was taken back (to be served
    /// elsewhere, nothing to report) rather than given up.
    pub fn taken_back(&self) -> bool {
        self.0.load(Ordering::SeqCst) == TAKEN_BACK
    }
}

/// The main thread's answer: a whole response, or its head with the body to follow in chunks.
pub struct Reply {
    pub response: Response,
    pub stream: Option<Chunks>,
}

/// A streamed body's chunks as the main thread produces them.
pub type Chunks = tokio::sync::mpsc::Receiver<Chunk>;

/// A streamed body ends well only with `End`: if the channel closes without it (an error
/// after the first byte, a panic), the connection is cut before the chunked terminator, which
/// every HTTP client reports as a failed response, never as a short success.
pub enum Chunk {
    Data(Bytes),
    End,
}

impl From<Response> for Reply {
    fn from(response: Response) -> Reply {
        Reply {
            response,
            stream: None,
        }
    }
}

/// A request as the access log shows it, and when it arrived.
pub struct RequestMeta {
    pub method: String,
    /// Path and query string as sent.
    pub target: String,
    pub version: &'static str,
    pub peer: Option<std::net::IpAddr>,
    pub referer: Option<String>,
    pub user_agent: Option<String>,
    pub received: std::time::Instant,
    /// When it was first queued for a main thread, µs since the epoch (a relayed request keeps
    /// its time): lines are served in this order, across workers too.
    pub queued_us: i64,
    /// Reading and parsing the request on this thread.
    pub parse: Duration,
}
