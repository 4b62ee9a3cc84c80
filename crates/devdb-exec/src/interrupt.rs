//! Stopping a running statement from outside the database thread: CancelRequest,
//! statement_timeout and a client that hung up all end in SQLite's progress handler returning
//! true.

use foldhash::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::SessionId;

/// Shared between an database thread, its SQLite progress handlers and cancel requests.
#[derive(Debug)]
pub(crate) struct Interrupts {
    /// The session whose statement is running now (0: none).
    running: AtomicU64,
    /// The session a CancelRequest asked to stop (0: none). Cleared when its batch ends.
    cancel: AtomicU64,
    /// Microseconds since `epoch` after which the running statement times out (0: none).
    deadline: AtomicU64,
    epoch: Instant,
    /// Sessions whose client hung up while they were busy: what they run stops, what they
    /// queued is dropped. Kept until the session is closed.
    gone: Mutex<HashSet<SessionId>>,
    /// `gone` is not empty: spares the progress handler a lock.
    any_gone: AtomicBool,
}

/// Why a statement was interrupted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cause {
    Cancel,
    Timeout,
}

impl Interrupts {
    pub fn new() -> Arc<Self> {
        Arc::new(Interrupts {
            running: AtomicU64::new(0),
            cancel: AtomicU64::new(0),
            deadline: AtomicU64::new(0),
            epoch: Instant::now(),
            gone: Mutex::default(),
            any_gone: AtomicBool::new(false),
        })
    }

    /// Marks `session` as running a statement that may run for `timeout` (None: unlimited).
    pub fn start(&self, session: SessionId, timeout: Option<std::time::Duration>) {
        let deadline = timeout.map_or(0, |t| (self.epoch.elapsed() + t).as_micros().max(1) as u64);
        self.deadline.store(deadline, Ordering::Relaxed);
        self.running.store(session.0, Ordering::Release);
    }

    pub fn stop(&self) {
        self.running.store(0, Ordering::Release);
        self.deadline.store(0, Ordering::Relaxed);
    }

    /// Forgets a cancel aimed at `session` once its batch has ended.
    pub fn batch_done(&self, session: SessionId) {
        let _ = self
            .cancel
            .compare_exchange(session.0, 0, Ordering::AcqRel, Ordering::Relaxed);
    }

    /// Whether `session`'s batch must stop: a cancel aimed at it, or its client hung up.
    pub fn is_canceled(&self, session: SessionId) -> bool {
        (session.0 != 0 && self.cancel.load(Ordering::Acquire) == session.0)
            || self.is_gone(session)
    }

    /// Whether `session`'s client hung up: nothing more of its work runs.
    pub fn is_gone(&self, session: SessionId) -> bool {
        self.any_gone.load(Ordering::Acquire) && self.gone_sessions().contains(&session)
    }

    /// Forgets a session that was closed.
    pub fn forget(&self, session: SessionId) {
        if !self.any_gone.load(Ordering::Acquire) {
            return;
        }
        let mut gone = self.gone_sessions();
        gone.remove(&session);
        self.any_gone.store(!gone.is_empty(), Ordering::Release);
    }

    fn gone_sessions(&self) -> std::sync::MutexGuard<'_, HashSet<SessionId>> {
        crate::functions::lock(&self.gone)
    }

    /// Whether the running statement must stop now, and why.
    pub fn check(&self) -> Option<Cause> {
        let running = self.running.load(Ordering::Acquire);
        if running == 0 {
            return None;
        }
        if self.is_canceled(SessionId(running)) {
            return Some(Cause::Cancel);
        }
        let deadline = self.deadline.load(Ordering::Relaxed);
        if deadline != 0 && self.epoch.elapsed().as_micros() as u64 >= deadline {
            return Some(Cause::Timeout);
        }
        None
    }
}

/// What the wire crate keeps per session to honour a CancelRequest for it.
#[derive(Clone, Debug)]
pub struct CancelHandle {
    pub(crate) session: SessionId,
    pub(crate) interrupts: Arc<Interrupts>,
    pub(crate) wake: Arc<tokio::sync::Notify>,
}

impl CancelHandle {
    /// Asks the engine to stop this session's running or queued batch with 57014. The caller
    /// only calls this while the session has a batch in flight, as PostgreSQL ignores cancels
    /// for idle sessions.
    pub fn cancel(&self) {
        self.interrupts
            .cancel
            .store(self.session.0, Ordering::Release);
        // A parked batch is not running SQL: wake the timer to fail it.
        self.wake.notify_one();
    }

    /// The client hung up while this session was busy: stops its running or parked statement
    /// (as a cancel does) and drops the rest of its work, so the database is not kept busy for
    /// nobody.
    pub fn hang_up(&self) {
        let mut gone = self.interrupts.gone_sessions();
        gone.insert(self.session);
        self.interrupts.any_gone.store(true, Ordering::Release);
        drop(gone);
        self.wake.notify_one();
    }

    /// The session has ended: forgets a hang-up noticed too late to matter.
    pub fn session_ended(&self) {
        self.interrupts.forget(self.session);
    }
}
