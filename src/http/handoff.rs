//! Handing a request to an idle sibling. A keep-alive connection stays with the worker that
//! accepted it, so a request arriving on it while that worker's main thread is busy (or has
//! others queued) would wait behind them although siblings sit idle. Instead its I/O thread
//! relays it, unchanged, over a Unix socket to an idle sibling's I/O thread and relays the
//! answer back (streamed bodies included); the client's connection does not move.
//!
//! A sibling seen idle may have taken work of its own by the time the relay arrives: then it
//! refuses at once (`RELAY_HEADER: busy`, before queueing anything), and the request, whose body
//! was read whole first, goes to another idle sibling or, failing that, waits here as before.
//! A relayed request is never relayed again.
//!
//! Each worker listens on `pg_stat_tmp/budgetbee.worker.<n>.sock` in the data directory (every
//! backend's working directory, mode 0700, so only the server's OS user can connect; in
//! pg_stat_tmp, whose contents pg_basebackup skips, so standbys made from it do not copy them).

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;

/// Who sent a relayed request; set by the relaying worker, trusted only on the Unix socket and
/// removed before the request is parsed (it never reaches `request.headers`).
pub const PEER_HEADER: &str = "budgetbee-relayed-for";

/// On a relayed answer: `busy`, the sibling could not serve it at once and did not take it.
const RELAY_HEADER: &str = "budgetbee-relay";

/// How many idle siblings a request is offered to before it waits for its own worker.
const ATTEMPTS: usize = 3;

pub fn socket_path(index: i32) -> String {
    format!("pg_stat_tmp/budgetbee.worker.{index}.sock")
}

/// This worker's Unix listener; a stale file from a worker that died is replaced.
pub fn bind(index: i32) -> std::io::Result<tokio::net::UnixListener> {
    let path = socket_path(index);
    let _ = std::fs::create_dir_all("pg_stat_tmp");
    let _ = std::fs::remove_file(&path);
    tokio::net::UnixListener::bind(path)
}

/// `budgetbee.server_hand_off`.
pub fn enabled() -> bool {
    crate::config::HAND_OFF.load(std::sync::atomic::Ordering::Relaxed)
}

/// The sibling's refusal of a relayed request it cannot serve at once.
pub fn busy() -> hyper::Response<Full<Bytes>> {
    let mut r = hyper::Response::new(Full::new(Bytes::new()));
    *r.status_mut() = hyper::StatusCode::SERVICE_UNAVAILABLE;
    r.headers_mut().insert(
        RELAY_HEADER,
        hyper::header::HeaderValue::from_static("busy"),
    );
    r
}

/// Aborts the relay's connection task when dropped: a client that hangs up drops its
/// request's future or body, which closes the Unix connection, which the sibling sees as its
/// client hanging up (and cancels the query).
pub struct Relay(tokio::task::JoinHandle<()>);

impl Drop for Relay {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The request as read: what is relayed, as often as it takes.
pub struct Relayable<'a> {
    pub parts: &'a hyper::http::request::Parts,
    pub body: &'a Bytes,
    pub peer: std::net::IpAddr,
}

impl Relayable<'_> {
    fn request(&self) -> hyper::Request<Full<Bytes>> {
        let mut req = hyper::Request::new(Full::new(self.body.clone()));
        *req.method_mut() = self.parts.method.clone();
        *req.uri_mut() = self.parts.uri.clone();
        *req.headers_mut() = self.parts.headers.clone();
        if let Ok(v) = hyper::header::HeaderValue::from_str(&self.peer.to_string()) {
            req.headers_mut().insert(PEER_HEADER, v);
        }
        req
    }
}

/// Offers the request to idle siblings (`next_idle` names one each time, or none) until one
/// takes it; its answer, with the body still streaming in, or `None` when none took it.
pub async fn offer(
    req: Relayable<'_>,
    mut next_idle: impl FnMut() -> Option<i32>,
) -> Option<(hyper::Response<Incoming>, Relay)> {
    for _ in 0..ATTEMPTS {
        let sibling = next_idle()?;
        let Some((mut sender, relay)) = connect(sibling).await else {
            continue;
        };
        match sender.send_request(req.request()).await {
            Ok(answer) if answer.headers().contains_key(RELAY_HEADER) => continue,
            Ok(answer) => return Some((answer, relay)),
            Err(_) => continue,
        }
    }
    None
}

async fn connect(
    index: i32,
) -> Option<(hyper::client::conn::http1::SendRequest<Full<Bytes>>, Relay)> {
    let stream = tokio::net::UnixStream::connect(socket_path(index))
        .await
        .ok()?;
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .ok()?;
    let task = tokio::spawn(async move {
        let _ = conn.await;
    });
    Some((sender, Relay(task)))
}

/// A relayed answer's body frames, errors made I/O errors as the server's body wants them.
pub fn poll_relayed(
    body: std::pin::Pin<&mut Incoming>,
    cx: &mut std::task::Context<'_>,
) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, std::io::Error>>> {
    hyper::body::Body::poll_frame(body, cx)
        .map(|frame| frame.map(|r| r.map_err(std::io::Error::other)))
}
