//! The I/O thread's way to wake the main thread. pgrx forbids `SetLatch` off the main thread, so
//! the I/O thread writes to an eventfd that the main thread waits on with `WaitLatchOrSocket`.

use std::io;
use std::os::fd::RawFd;

pub struct Wake {
    fd: RawFd,
}

impl Wake {
    pub fn new() -> io::Result<Wake> {
        let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Wake { fd })
    }

    pub fn fd(&self) -> RawFd {
        self.fd
    }

    /// Any thread; async-signal-safe. A full counter (never in practice) still leaves it readable.
    pub fn notify(&self) {
        let one: u64 = 1;
        unsafe { libc::write(self.fd, (&one as *const u64).cast(), 8) };
    }

    /// Main thread: resets the counter so the next wait blocks until a new notify.
    pub fn drain(&self) {
        let mut n: u64 = 0;
        unsafe { libc::read(self.fd, (&mut n as *mut u64).cast(), 8) };
    }
}

impl Drop for Wake {
    fn drop(&mut self) {
        unsafe { libc::close(self.fd) };
    }
}
