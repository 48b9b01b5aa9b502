//! The way back to the client from the main thread: a whole response once the request is done,
//! or, for a streamed read, its head first and then its body in chunks while the request's
//! transaction is still open. The chunks go through a bounded channel, so a client reading
//! slower than Postgres produces holds the query back instead of filling the worker's memory.

// FFI edge: waiting on the worker's latch while the client catches up.
#![allow(unsafe_code)]

use super::request::Timings;
use crate::error::Error;
use crate::http::{Chunk, Reply};
use crate::response::Response;
use bytes::Bytes;
use pgrx::pg_sys;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::{mpsc, oneshot};

/// Chunks in flight between the main thread and the socket.
const CHANNEL_CHUNKS: usize = 4;

/// How long a client may read nothing of a streamed body before the query is given up.
const STALL_LIMIT: Duration = Duration::from_secs(30);

type Sender = mpsc::Sender<Chunk>;

pub struct Outlet {
    reply: Option<oneshot::Sender<Reply>>,
    chunks: Option<Sender>,
    /// `server_timing_enabled`, and the I/O thread's parse time to report in it.
    server_timing: Option<Duration>,
}

impl Outlet {
    pub fn new(reply: oneshot::Sender<Reply>, server_timing: Option<Duration>) -> Outlet {
        Outlet {
            reply: Some(reply),
            chunks: None,
            server_timing,
        }
    }

    /// Whether a streamed response's head has gone out.
    pub fn streaming(&self) -> bool {
        self.chunks.is_some()
    }

    fn decorate(&self, response: &mut Response, timings: &Timings) {
        if let Some(parse) = self.server_timing {
            let timings = Timings {
                parse: Some(parse),
                ..*timings
            };
            response
                .headers
                .push(("Server-Timing".into(), timings.header()));
        }
    }

    /// Sends a whole response (nothing is streamed). The client may have gone away; nothing to
    /// do then.
    pub fn finish(&mut self, mut response: Response, timings: &Timings) {
        self.decorate(&mut response, timings);
        if let Some(reply) = self.reply.take() {
            let _ = reply.send(response.into());
        }
    }

    /// Sends a streamed response's head; its body follows through `send`.
    pub fn begin(&mut self, mut head: Response, timings: &Timings) -> Result<(), Error> {
        self.decorate(&mut head, timings);
        let (tx, rx) = mpsc::channel(CHANNEL_CHUNKS);
        let reply = self.reply.take().ok_or_else(client_gone)?;
        reply
            .send(Reply {
                response: head,
                stream: Some(rx),
            })
            .map_err(|_| client_gone())?;
        self.chunks = Some(tx);
        Ok(())
    }

    /// One chunk of the body, waiting while the channel is full. A client that hung up, or
    /// read nothing for STALL_LIMIT, is an error: the caller's transaction is rolled back and
    /// the query stops. Interrupts (a cancel, shutdown) are served while waiting.
    pub fn send(&mut self, bytes: Vec<u8>) -> Result<(), Error> {
        self.push(Chunk::Data(Bytes::from(bytes)))
    }

    /// The body is complete.
    pub fn end(&mut self) -> Result<(), Error> {
        self.push(Chunk::End)?;
        self.chunks = None;
        Ok(())
    }

    fn push(&mut self, mut item: Chunk) -> Result<(), Error> {
        let tx = self.chunks.as_ref().ok_or_else(client_gone)?;
        let waiting_since = Instant::now();
        loop {
            match tx.try_send(item) {
                Ok(()) => return Ok(()),
                Err(TrySendError::Closed(_)) => return Err(client_gone()),
                Err(TrySendError::Full(back)) => item = back,
            }
            if waiting_since.elapsed() > STALL_LIMIT {
                return Err(Error::internal(format!(
                    "the client read nothing of the streamed body for {} s",
                    STALL_LIMIT.as_secs()
                )));
            }
            // SAFETY: the worker's own latch, on the main thread; the short timeout is the
            // poll interval (the I/O thread does not set the latch when it drains a chunk).
            unsafe {
                pg_sys::WaitLatch(
                    pg_sys::MyLatch,
                    (pg_sys::WL_LATCH_SET | pg_sys::WL_TIMEOUT | pg_sys::WL_EXIT_ON_PM_DEATH)
                        as i32,
                    1,
                    pg_sys::PG_WAIT_EXTENSION,
                );
                pg_sys::ResetLatch(pg_sys::MyLatch);
            }
            pgrx::check_for_interrupts!();
        }
    }

    /// Ends a streamed response as failed: closing the channel without `End` makes the I/O
    /// thread cut the connection before the chunked terminator.
    pub fn fail(&mut self) {
        self.chunks = None;
    }
}

fn client_gone() -> Error {
    Error::internal("the client closed the connection during a streamed response")
}
