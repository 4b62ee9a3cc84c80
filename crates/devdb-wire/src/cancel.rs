//! Stopping a session's work from outside it. CancelRequest: a new connection names a session
//! by (pid, secret) and asks to stop whatever it is running. Hang-ups: a client that closes its
//! connection while its session is busy would otherwise keep the database busy until the
//! statement ends, as the session task only reads its socket between batches.
//! The registry maps each live session's pid to what is needed to do both.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use devdb_exec::CancelHandle;
use rustix::event::{PollFd, PollFlags, Timespec};
use tokio_util::sync::CancellationToken;

/// How often busy sessions' sockets are looked at for a hang-up.
const HANG_UP_CHECK: Duration = Duration::from_millis(100);

/// What a hung-up socket reports: the peer closed (FIN), or the connection broke (reset).
#[cfg(any(target_os = "linux", target_os = "android"))]
const HUNG_UP: PollFlags = PollFlags::RDHUP.union(PollFlags::HUP).union(PollFlags::ERR);
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const HUNG_UP: PollFlags = PollFlags::HUP.union(PollFlags::ERR);

struct Entry {
    secret: i32,
    handle: CancelHandle,
    /// A batch of this session is queued or running; cancels for idle sessions are ignored,
    /// as in PostgreSQL.
    busy: Arc<AtomicBool>,
    /// The session's connection (a second descriptor of it), polled for a hang-up while the
    /// session is busy. Dropped with the entry, right after the session's own.
    socket: std::net::TcpStream,
}

#[derive(Default)]
pub(crate) struct Cancels {
    sessions: Mutex<HashMap<i32, Entry>>,
}

impl Cancels {
    pub fn register(
        &self,
        pid: i32,
        secret: i32,
        handle: CancelHandle,
        busy: Arc<AtomicBool>,
        socket: std::net::TcpStream,
    ) {
        self.lock().insert(
            pid,
            Entry {
                secret,
                handle,
                busy,
                socket,
            },
        );
    }

    pub fn unregister(&self, pid: i32) {
        // Under the lock a hang-up check holds: none can mark the session after this.
        if let Some(entry) = self.lock().remove(&pid) {
            entry.handle.session_ended();
        }
    }

    /// Honours a CancelRequest whose pid and secret match a busy session; anything else is
    /// silently ignored, as PostgreSQL does (a wrong secret must reveal nothing).
    pub fn cancel(&self, pid: i32, secret: i32) {
        let sessions = self.lock();
        if let Some(entry) = sessions.get(&pid)
            && entry.secret == secret
            && entry.busy.load(Ordering::Acquire)
        {
            entry.handle.cancel();
        }
    }

    /// Stops the work of busy sessions whose client hung up, as PostgreSQL's
    /// client_connection_check_interval does.
    fn check_hang_ups(&self) {
        let sessions = self.lock();
        let busy: Vec<&Entry> = sessions
            .values()
            .filter(|e| e.busy.load(Ordering::Acquire))
            .collect();
        if busy.is_empty() {
            return;
        }
        let mut fds: Vec<PollFd<'_>> = busy
            .iter()
            .map(|e| PollFd::new(&e.socket, HUNG_UP))
            .collect();
        let now = Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        if rustix::event::poll(&mut fds, Some(&now)).is_err() {
            return;
        }
        for (entry, fd) in busy.iter().zip(&fds) {
            if fd.revents().intersects(HUNG_UP) {
                entry.handle.hang_up();
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i32, Entry>> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Looks for hung-up clients of busy sessions until `shutdown`.
pub(crate) async fn watch_hang_ups(
    shared: Arc<crate::server::Shared>,
    shutdown: CancellationToken,
) {
    let mut ticks = tokio::time::interval(HANG_UP_CHECK);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = ticks.tick() => shared.cancels.check_hang_ups(),
        }
    }
}
