//! Fetching a JWKS from `jwks_url` (Better Auth's `/api/auth/jwks`): a plain HTTP/1.1 GET with
//! short timeouts, run on the worker's main thread when a refresh is due. Budget Bee's issuer
//! sits beside the database on a private network, so `http://` is what is served; `https://`
//! is refused with a clear message rather than half-supported.

use super::keys::KeySet;
use crate::threads::Wake;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, TryRecvError, channel};
use std::time::Duration;

/// A worker's fetching thread: the main thread asks, the thread does the network I/O, the
/// main thread picks the answer up when it next looks (or waits a bounded time for it when a
/// request depends on it). A slow or hanging issuer never stalls request processing.
pub struct Fetcher {
    requests: Sender<String>,
    results: Receiver<Result<KeySet, String>>,
    in_flight: bool,
}

impl Fetcher {
    /// `waker` is notified after each fetch so the main thread applies it without delay.
    pub fn spawn(waker: Option<Arc<Wake>>) -> std::io::Result<Fetcher> {
        let (requests, inbox) = channel::<String>();
        let (outbox, results) = channel();
        crate::threads::spawn_without_signals("budgetbee-jwks", move || {
            for url in inbox {
                if outbox.send(fetch(&url)).is_err() {
                    break;
                }
                if let Some(w) = &waker {
                    w.notify();
                }
            }
        })?;
        Ok(Fetcher {
            requests,
            results,
            in_flight: false,
        })
    }

    /// Starts a fetch unless one is already running.
    pub fn start(&mut self, url: &str) {
        if !self.in_flight && self.requests.send(url.to_string()).is_ok() {
            self.in_flight = true;
        }
    }

    /// A finished fetch, if any, waiting at most `wait`.
    pub fn poll(&mut self, wait: Duration) -> Option<Result<KeySet, String>> {
        if !self.in_flight {
            return None;
        }
        let got = if wait.is_zero() {
            match self.results.try_recv() {
                Ok(r) => Some(r),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => Some(Err("the JWKS thread stopped".into())),
            }
        } else {
            match self.results.recv_timeout(wait) {
                Ok(r) => Some(r),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => Some(Err("the JWKS thread stopped".into())),
            }
        };
        if got.is_some() {
            self.in_flight = false;
        }
        got
    }
}

const TIMEOUT: Duration = Duration::from_secs(2);
const MAX_BODY: usize = 1 << 20;

pub fn fetch(url: &str) -> Result<KeySet, String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("only http:// JWKS URLs are supported, got {url}"))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let addr_text = if authority.contains(':') {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    let addr = addr_text
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {authority}: {e}"))?
        .next()
        .ok_or_else(|| format!("cannot resolve {authority}"))?;
    let mut stream =
        TcpStream::connect_timeout(&addr, TIMEOUT).map_err(|e| format!("connect {url}: {e}"))?;
    stream.set_read_timeout(Some(TIMEOUT)).ok();
    stream.set_write_timeout(Some(TIMEOUT)).ok();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\nAccept: application/json\r\nConnection: close\r\nUser-Agent: budgetbee\r\n\r\n"
    )
    .map_err(|e| format!("request {url}: {e}"))?;
    let mut raw = Vec::new();
    stream
        .take(MAX_BODY as u64 + 16 * 1024)
        .read_to_end(&mut raw)
        .map_err(|e| format!("read {url}: {e}"))?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("{url}: malformed HTTP response"))?;
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut body = raw[split + 4..].to_vec();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .unwrap_or(0);
    if status != 200 {
        return Err(format!("{url} answered {status}"));
    }
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    if chunked {
        body = dechunk(&body).ok_or_else(|| format!("{url}: malformed chunked body"))?;
    }
    let text = String::from_utf8(body).map_err(|_| format!("{url}: body is not UTF-8"))?;
    KeySet::from_json(&text).map_err(|e| format!("{url}: {e}"))
}

fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&body[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size + 2..)?;
    }
}

#[cfg(test)]
mod unit {
    #[test]
    fn chunked_bodies() {
        assert_eq!(
            super::dechunk(b"4\r\n{\"ke\r\n3\r\nys\"\r\n0\r\n\r\n").unwrap(),
            b"{\"keys\"".to_vec()
        );
        assert!(super::fetch("https://example.com/jwks").is_err());
    }
}
