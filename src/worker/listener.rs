//! The listening sockets (the API's, and the admin server's when `admin_server_port` is set),
//! bound once in the postmaster by `_PG_init` and inherited by every worker through fork. No fd
//! passing, no SO_REUSEPORT: one accept queue each, read by the workers' I/O threads.

// FFI edge: the listening sockets' fds, inherited through fork.
#![allow(unsafe_code)]

use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::os::fd::{FromRawFd, IntoRawFd, RawFd};
use std::sync::atomic::{AtomicI32, Ordering};

static LISTENER_FD: AtomicI32 = AtomicI32::new(-1);
static ADMIN_FD: AtomicI32 = AtomicI32::new(-1);

/// Which socket.
#[derive(Clone, Copy)]
pub enum Socket {
    Api,
    Admin,
}

impl Socket {
    fn fd(self) -> &'static AtomicI32 {
        match self {
            Socket::Api => &LISTENER_FD,
            Socket::Admin => &ADMIN_FD,
        }
    }
}

/// PostgREST's special host names: `*`/`!4` any IPv4, `*6`/`!6` any IPv6.
fn resolve(host: &str, port: u16) -> std::io::Result<Vec<SocketAddr>> {
    let host = match host {
        "*" | "!4" | "*4" => "0.0.0.0",
        "!6" | "*6" => "::",
        h => h,
    };
    Ok((host, port).to_socket_addrs()?.collect())
}

/// Binds and remembers the socket; returns the address actually bound (port 0 → a free port).
pub fn bind(socket: Socket, host: &str, port: u16) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(resolve(host, port)?.as_slice())?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    socket.fd().store(listener.into_raw_fd(), Ordering::SeqCst);
    Ok(addr)
}

/// The socket inherited from the postmaster, if it bound one. Each worker takes it once.
pub fn take_inherited(socket: Socket) -> Option<TcpListener> {
    let fd: RawFd = socket.fd().swap(-1, Ordering::SeqCst);
    // SAFETY: the fd was created by `bind` in the postmaster and is owned by no one else in this
    // process; swapping it out guarantees a single owner.
    (fd >= 0).then(|| unsafe { TcpListener::from_raw_fd(fd) })
}
