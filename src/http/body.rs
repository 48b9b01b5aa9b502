//! The response body hyper writes: whole, a stream of chunks from the main thread, or a
//! sibling's relayed answer; and a reply turned into hyper's response.

use super::{Chunk, Chunks, InFlight, Reply, Watch, handoff};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue};

/// A response body: whole, or chunks from the main thread. A streamed body holds its request's
/// place in the worker's load until it ends, so no other connection is accepted meanwhile.
pub(super) enum Body {
    Whole(Full<Bytes>),
    Streamed {
        chunks: Chunks,
        ended: bool,
        _in_flight: Option<InFlight>,
        watch: Option<Watch>,
    },
    /// A sibling's answer, relayed as it arrives.
    Relayed {
        body: Incoming,
        _relay: handoff::Relay,
    },
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, std::io::Error>>> {
        match self.get_mut() {
            Body::Whole(full) => std::pin::Pin::new(full)
                .poll_frame(cx)
                .map_err(|never| match never {}),
            Body::Streamed {
                chunks,
                ended,
                watch,
                ..
            } => {
                if *ended {
                    return std::task::Poll::Ready(None);
                }
                chunks.poll_recv(cx).map(|chunk| match chunk {
                    Some(Chunk::Data(bytes)) => Some(Ok(hyper::body::Frame::data(bytes))),
                    Some(Chunk::End) => {
                        *ended = true;
                        if let Some(w) = watch {
                            w.done = true;
                        }
                        None
                    }
                    None => {
                        // The main thread failed the stream itself: nothing to cancel.
                        if let Some(w) = watch {
                            w.done = true;
                        }
                        Some(Err(std::io::Error::other(
                            "the streamed response failed after its first byte",
                        )))
                    }
                })
            }
            Body::Relayed { body, .. } => handoff::poll_relayed(std::pin::Pin::new(body), cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Body::Whole(full) => full.is_end_stream(),
            Body::Streamed { ended, .. } => *ended,
            Body::Relayed { body, .. } => hyper::body::Body::is_end_stream(body),
        }
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        match self {
            Body::Whole(full) => full.size_hint(),
            Body::Streamed { .. } => hyper::body::SizeHint::default(),
            Body::Relayed { body, .. } => hyper::body::Body::size_hint(body),
        }
    }
}

pub(super) fn into_hyper(
    reply: Reply,
    head: bool,
    in_flight: Option<InFlight>,
    watch: Option<Watch>,
) -> hyper::Response<Body> {
    let r = reply.response;
    let body = match reply.stream {
        Some(chunks) if !head => Body::Streamed {
            chunks,
            ended: false,
            _in_flight: in_flight,
            watch,
        },
        _ if head => Body::Whole(Full::new(Bytes::new())),
        _ => Body::Whole(Full::new(Bytes::from(r.body))),
    };
    let mut out = hyper::Response::new(body);
    *out.status_mut() =
        hyper::StatusCode::from_u16(r.status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in r.headers {
        // from_bytes lower-cases; hyper writes names Title-Case on the wire, as warp does.
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            out.headers_mut().append(n, v);
        }
    }
    out
}
