//! What the threads of a worker share that is not Postgres: the eventfd through which another
//! thread wakes the main thread, the signal through which it reports a request whose client
//! hung up, and spawning a helper thread that never receives Postgres's signals. A leaf module:
//! `http`, `auth` and `worker` all use it.

// FFI edge: eventfd and signal masks through libc.
#![allow(unsafe_code)]

use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering, fence};

/// pgrx forbids `SetLatch` off the main thread, so other threads write to an eventfd that the
/// main thread waits on with `WaitLatchOrSocket`.
///
/// A request that arrives while the main thread is serving another needs no wake-up: the main
/// thread looks at its queue before it sleeps again. `asleep` tells the I/O thread which case
/// it is, which saves a write here and an `epoll_wait` and a read there per such request.
pub struct Wake {
    fd: RawFd,
    asleep: AtomicBool,
}

impl Wake {
    pub fn new() -> io::Result<Wake> {
        // SAFETY: eventfd takes no pointers; a negative result is checked below.
        let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Wake {
            fd,
            asleep: AtomicBool::new(false),
        })
    }

    pub fn fd(&self) -> RawFd {
        self.fd
    }

    /// Any thread; async-signal-safe. A full counter (never in practice) still leaves it readable.
    pub fn notify(&self) {
        let one: u64 = 1;
        // SAFETY: writes 8 bytes from a live u64 to the fd this struct owns.
        unsafe { libc::write(self.fd, (&one as *const u64).cast(), 8) };
    }

    /// After queueing work for the main thread: wakes it only if it sleeps or is about to.
    /// With the fence in `sleep_unless`, either this sees `asleep` or the main thread's last
    /// look at its queue sees the work (store, fence, load on both sides).
    pub fn nudge(&self) {
        fence(Ordering::SeqCst);
        if self.asleep.load(Ordering::Relaxed) {
            self.notify();
        }
    }

    /// Main thread: announces the sleep, then has `ready` look for work queued with `nudge`;
    /// only if there is none, `sleep`s (waiting on the eventfd among others) and drains it.
    pub fn sleep_unless(&self, ready: impl FnOnce() -> bool, sleep: impl FnOnce()) {
        self.asleep.store(true, Ordering::Relaxed);
        fence(Ordering::SeqCst);
        if !ready() {
            sleep();
            self.drain();
        }
        self.asleep.store(false, Ordering::Relaxed);
    }

    /// Main thread: resets the counter so the next wait blocks until a new notify.
    fn drain(&self) {
        let mut n: u64 = 0;
        // SAFETY: reads at most 8 bytes into a live u64 from the fd this struct owns.
        unsafe { libc::read(self.fd, (&mut n as *mut u64).cast(), 8) };
    }
}

impl Drop for Wake {
    fn drop(&mut self) {
        // SAFETY: the fd is owned by this struct and closed exactly once.
        unsafe { libc::close(self.fd) };
    }
}

/// Starts a helper thread with every signal blocked, so Postgres's signals keep reaching the
/// main thread (the design's rule for any thread in a backend).
pub fn spawn_without_signals(
    name: &str,
    f: impl FnOnce() + Send + 'static,
) -> io::Result<std::thread::JoinHandle<()>> {
    // SAFETY: plain sigset manipulation on stack values; the previous mask is restored before
    // returning, whatever spawn did.
    unsafe {
        let mut all: libc::sigset_t = std::mem::zeroed();
        let mut previous: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut all);
        libc::pthread_sigmask(libc::SIG_SETMASK, &all, &mut previous);
        let spawned = std::thread::Builder::new().name(name.into()).spawn(f);
        libc::pthread_sigmask(libc::SIG_SETMASK, &previous, std::ptr::null_mut());
        spawned
    }
}

/// The calling thread's id, for `set_batch_scheduling` from another thread.
pub fn thread_id() -> libc::pid_t {
    // SAFETY: gettid takes no arguments and cannot fail.
    unsafe { libc::gettid() }
}

/// Puts thread `tid` of this process under `SCHED_BATCH`, or back under the default policy.
/// Woken, a `SCHED_BATCH` thread no longer preempts the thread running on its CPU, and waits
/// for that thread to block or for the scheduler's tick.
///
/// For the I/O thread (`budgetbee.server_batch_scheduling`, on by default). The main thread's
/// answer wakes it, and under the default policy it then preempted the main thread at once: an
/// extra switch away from the main thread and back, before the main thread went to sleep
/// anyway. This showed up as `finish_task_switch` under the main thread's eventfd write.
/// Measured on the by-id read (2 cores, wrk, rounds alternating with the default policy):
/// context switches per request 2.5-2.9 -> 1.4-2.1, throughput +19-21% on average at c=16
/// and c=64, p99 at c=64 5.7-8.3 ms against 5.1-9.8. Unprivileged threads may switch between
/// these two policies.
pub fn set_batch_scheduling(tid: libc::pid_t, batch: bool) -> io::Result<()> {
    let param = libc::sched_param { sched_priority: 0 };
    let policy = if batch {
        libc::SCHED_BATCH
    } else {
        libc::SCHED_OTHER
    };
    // SAFETY: `tid` names a thread of this process (or fails with ESRCH); `param` is a live
    // value for the call.
    if unsafe { libc::sched_setscheduler(tid, policy, &param) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// The signal that tells the main thread a client hung up. Postgres leaves SIGUSR2 unused in a
/// background worker; the worker installs its handler (`worker::cancel`).
pub const ABANDON_SIGNAL: libc::c_int = libc::SIGUSR2;

/// The last request whose client hung up before its answer was complete (0: none yet). Read
/// by the main thread's signal handler, which cancels the request only if it is the one being
/// served, so a late report never touches the next request.
pub static ABANDONED: AtomicU64 = AtomicU64::new(0);

/// How other threads reach the main thread to report an abandoned request.
pub struct Abandon {
    main: libc::pthread_t,
}

impl Abandon {
    /// On the main thread: a handle naming it.
    pub fn for_this_thread() -> Abandon {
        // SAFETY: pthread_self has no preconditions.
        Abandon {
            main: unsafe { libc::pthread_self() },
        }
    }

    /// Any thread: request `id`'s client is gone.
    pub fn abandon(&self, id: u64) {
        ABANDONED.store(id, Ordering::SeqCst);
        // SAFETY: the main thread outlives the threads that hold this handle (the worker joins
        // or exits the process); the signal has a handler before any request is accepted.
        unsafe { libc::pthread_kill(self.main, ABANDON_SIGNAL) };
    }
}

#[cfg(test)]
mod unit {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicU32;
    use std::sync::mpsc;

    /// The I/O thread queues a job and nudges just as the main thread, having taken the one
    /// before, heads for its sleep: a nudge lost between the main thread's last look and its
    /// sleep leaves work queued with nobody awake, which the bounded sleep here reports.
    #[test]
    fn no_nudge_is_lost() {
        const JOBS: u32 = 20_000;
        let wake = Arc::new(Wake::new().unwrap());
        let taken = Arc::new(AtomicU32::new(0));
        let (tx, rx) = mpsc::channel();
        let (nudger, seen) = (wake.clone(), taken.clone());
        let sender = std::thread::spawn(move || {
            for i in 0..JOBS {
                tx.send(i).unwrap();
                nudger.nudge();
                while seen.load(Ordering::SeqCst) <= i {
                    std::hint::spin_loop();
                }
            }
        });
        let mut slept = 0;
        while taken.load(Ordering::SeqCst) < JOBS {
            let ready = || {
                let n = rx.try_iter().count() as u32;
                taken.fetch_add(n, Ordering::SeqCst);
                if n == 0 {
                    // Widens the window between the last look and the sleep, where announcing
                    // the sleep only after looking would lose the nudge.
                    std::thread::yield_now();
                }
                n > 0
            };
            wake.sleep_unless(ready, || {
                slept += 1;
                let mut fd = libc::pollfd {
                    fd: wake.fd(),
                    events: libc::POLLIN,
                    revents: 0,
                };
                // SAFETY: one live pollfd for the eventfd this Wake owns.
                let ready = unsafe { libc::poll(&mut fd, 1, 5_000) };
                assert_eq!(ready, 1, "work was queued, nobody woke the sleeper");
            });
        }
        sender.join().unwrap();
        assert!(
            slept > 0,
            "the sleeper never slept: the test proves nothing"
        );
    }
}
