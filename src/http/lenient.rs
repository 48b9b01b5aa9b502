//! Lets request targets carry the characters curl users type and PostgREST accepts.
//!
//! PostgREST's documentation writes URLs like `/people?select=json_data->>blood_type` and
//! `name=in.("Hi, there","Yes")`, and curl sends them as typed. hyper (through the `http`
//! crate's URI table) refuses a raw `"`, `>`, `{` and friends with a bare 400. This reader sits
//! between the socket and hyper and percent-encodes those bytes in each request line only; the
//! query parser decodes them again, so the request means exactly what the client wrote.
//!
//! To know where each request line starts on a keep-alive connection it follows the framing:
//! headers end at an empty line, then `Content-Length` bytes of body. A chunked request body
//! cannot be followed cheaply, so after one the connection is passed through unchanged (hyper
//! then judges later request lines as usual).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

enum State {
    RequestLine,
    Headers { content_length: u64, chunked: bool },
    Body(u64),
    Passthrough,
}

pub struct LenientTarget<S> {
    inner: S,
    state: State,
    /// Rewritten bytes not yet handed to hyper (encoding can grow the input).
    pending: Vec<u8>,
    /// Whether the request line has seen its first space (the target starts after it) and its
    /// second (the target ended).
    spaces: u8,
    /// The header line being read. Kept across requests: a token makes the Authorization line
    /// ~600 bytes, and growing a fresh buffer to that for every request was 2% of a by-id
    /// read's CPU (realloc, malloc_consolidate).
    line: Vec<u8>,
}

impl<S> LenientTarget<S> {
    pub fn new(inner: S) -> Self {
        LenientTarget {
            inner,
            state: State::RequestLine,
            pending: Vec::new(),
            spaces: 0,
            line: Vec::new(),
        }
    }

    fn rewrite(&mut self, input: &[u8]) {
        let mut i = 0;
        while i < input.len() {
            // Bodies are copied in bulk: only request lines and headers are looked at byte by
            // byte, so a large POST costs a memcpy here, not a loop iteration per byte.
            match &mut self.state {
                State::Passthrough => {
                    self.pending.extend_from_slice(&input[i..]);
                    return;
                }
                State::Body(remaining) => {
                    let n = (*remaining).min((input.len() - i) as u64) as usize;
                    self.pending.extend_from_slice(&input[i..i + n]);
                    *remaining -= n as u64;
                    if *remaining == 0 {
                        self.state = State::RequestLine;
                    }
                    i += n;
                    continue;
                }
                _ => {}
            }
            let b = input[i];
            i += 1;
            match &mut self.state {
                State::Passthrough | State::Body(_) => unreachable!("handled above"),
                State::RequestLine => {
                    if b == b'\n' {
                        self.spaces = 0;
                        self.line.clear();
                        self.state = State::Headers {
                            content_length: 0,
                            chunked: false,
                        };
                        self.pending.push(b);
                    } else if b == b' ' {
                        self.spaces += 1;
                        self.pending.push(b);
                    } else if self.spaces == 1 && needs_encoding(b) {
                        self.pending
                            .extend_from_slice(format!("%{b:02X}").as_bytes());
                    } else {
                        self.pending.push(b);
                    }
                }
                State::Headers {
                    content_length,
                    chunked,
                } => {
                    if b != b'\n' {
                        // The rest of the line in bulk: headers are copied, never rewritten.
                        let end = input[i..]
                            .iter()
                            .position(|&c| c == b'\n')
                            .map_or(input.len(), |n| i + n);
                        self.pending.extend_from_slice(&input[i - 1..end]);
                        self.line.extend_from_slice(&input[i - 1..end]);
                        i = end;
                        continue;
                    }
                    self.pending.push(b);
                    // Compared in place: only two header names matter here, and this runs for
                    // every header of every request.
                    let text = self.line.trim_ascii();
                    if text.is_empty() {
                        self.state = if *chunked {
                            State::Passthrough
                        } else if *content_length > 0 {
                            State::Body(*content_length)
                        } else {
                            State::RequestLine
                        };
                    } else if let Some(v) = strip_name(text, b"content-length:") {
                        *content_length = std::str::from_utf8(v.trim_ascii())
                            .ok()
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(0);
                    } else if let Some(v) = strip_name(text, b"transfer-encoding:") {
                        *chunked = v.to_ascii_lowercase().windows(7).any(|w| w == b"chunked");
                    }
                    self.line.clear();
                }
            }
        }
    }
}

/// The value after a header name, the name compared case-insensitively.
fn strip_name<'a>(line: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    (line.len() >= name.len() && line[..name.len()].eq_ignore_ascii_case(name))
        .then(|| &line[name.len()..])
}

/// Bytes the `http` crate refuses in a request target, and non-ASCII (curl sends UTF-8 raw).
fn needs_encoding(b: u8) -> bool {
    matches!(
        b,
        b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}'
    ) || b >= 0x80
}

impl<S: AsyncRead + Unpin> AsyncRead for LenientTarget<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.pending.is_empty() {
            // Uninitialized: zeroing 8 KB for every read would cost more than the request line.
            let mut raw = [std::mem::MaybeUninit::<u8>::uninit(); 8192];
            let want = buf.remaining().min(raw.len());
            let mut raw_buf = ReadBuf::uninit(&mut raw[..want]);
            match Pin::new(&mut this.inner).poll_read(cx, &mut raw_buf) {
                Poll::Ready(Ok(())) => {
                    if raw_buf.filled().is_empty() {
                        return Poll::Ready(Ok(())); // end of stream
                    }
                    this.rewrite(raw_buf.filled());
                }
                other => return other,
            }
        }
        let n = this.pending.len().min(buf.remaining());
        buf.put_slice(&this.pending[..n]);
        this.pending.drain(..n);
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for LenientTarget<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, data)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    fn rewrite(chunks: &[&[u8]]) -> String {
        let mut r = LenientTarget::new(());
        for c in chunks {
            r.rewrite(c);
        }
        String::from_utf8(r.pending).unwrap()
    }

    #[test]
    fn encodes_only_the_target_of_each_request_line() {
        let out = rewrite(&[
            b"GET /t?select=a->>b&n=in.(\"x\",\"y\") HTTP/1.1\r\nX-H: \"q\"\r\n\r\n",
            b"POST /t?a={1} HTTP/1.1\r\nContent-Length: 5\r\n\r\n{\"a\"",
            b"}GET /u?x=> HTTP/1.1\r\n\r\n",
        ]);
        assert_eq!(
            out,
            "GET /t?select=a-%3E%3Eb&n=in.(%22x%22,%22y%22) HTTP/1.1\r\nX-H: \"q\"\r\n\r\n\
             POST /t?a=%7B1%7D HTTP/1.1\r\nContent-Length: 5\r\n\r\n{\"a\"}\
             GET /u?x=%3E HTTP/1.1\r\n\r\n"
        );
    }

    /// Reads split anywhere (inside a header line, at its newline, inside a body) give what one
    /// read gives.
    #[test]
    fn any_split_of_the_input_reads_the_same() {
        let input: &[u8] = b"GET /t?a=\"x\" HTTP/1.1\r\nAuthorization: Bearer a.b.c\r\n\
            Content-Length: 3\r\n\r\n{}\nGET /u?b=> HTTP/1.1\r\nHost: h\r\n\r\n";
        let whole = rewrite(&[input]);
        assert!(whole.ends_with("{}\nGET /u?b=%3E HTTP/1.1\r\nHost: h\r\n\r\n"));
        for at in 0..=input.len() {
            for second in at..=input.len() {
                let (a, rest) = input.split_at(at);
                let (b, c) = rest.split_at(second - at);
                assert_eq!(rewrite(&[a, b, c]), whole, "split at {at} and {second}");
            }
        }
    }

    #[test]
    fn chunked_bodies_switch_to_pass_through() {
        let out = rewrite(&[
            b"POST /t HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n>\r\n0\r\n\r\n",
            b"GET /x? HTTP/1.1\r\n\r\n",
        ]);
        assert!(out.ends_with("1\r\n>\r\n0\r\n\r\nGET /x? HTTP/1.1\r\n\r\n"));
    }
}
