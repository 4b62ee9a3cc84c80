//! The boundary between async sessions and an engine thread: a [`Handle`] sends [`Job`]s over a
//! channel, and each batch's answer comes back on a oneshot.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use devdb_pg::PgError;
use tokio::sync::oneshot;

use crate::interrupt::Interrupts;
use crate::{CancelHandle, Op, SessionStart, Sink, TransactionStatus};

/// A session's id, unique across the server; also its backend PID.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(pub u64);

/// Who a session is, from its startup packet.
#[derive(Clone, Debug)]
pub struct SessionInfo {
    pub user: String,
    pub application_name: String,
    /// Startup-packet parameters that are settings (DateStyle, TimeZone, search_path, ...).
    pub options: Vec<(String, String)>,
}

pub(crate) enum Job {
    Open {
        session: SessionId,
        info: SessionInfo,
    },
    Batch {
        session: SessionId,
        ops: Vec<Op>,
        sink: Box<dyn Sink>,
        reply: oneshot::Sender<Reply>,
    },
    /// The session is gone: roll back and forget it.
    Close {
        session: SessionId,
    },
    /// Something outside changed (a cancel): re-check parked batches.
    Wake,
    Shutdown,
}

/// What a batch left behind, for the session task.
pub struct Reply {
    pub sink: Box<dyn Sink>,
    pub status: TransactionStatus,
    /// A transaction, explicit or implicit, is still open (idle-in-transaction rules apply).
    pub in_transaction: bool,
    /// A FATAL error was sent: close the connection.
    pub close: bool,
    /// The session's idle_in_transaction_session_timeout now (None: off).
    pub idle_in_transaction_timeout: Option<Duration>,
    /// The session's idle_session_timeout now (None: off).
    pub idle_session_timeout: Option<Duration>,
}

/// A cheap, cloneable way to one database's engine thread.
#[derive(Clone)]
pub struct Handle {
    pub(crate) jobs: mpsc::Sender<Job>,
    pub(crate) interrupts: Arc<Interrupts>,
    pub(crate) name: Arc<str>,
    pub(crate) config: Arc<crate::EngineConfig>,
}

impl Handle {
    /// The database this handle runs on.
    pub fn database(&self) -> &str {
        &self.name
    }

    /// Registers a session before its first batch; returns what the session starts with and
    /// how to cancel its batches.
    pub fn open(
        &self,
        session: SessionId,
        info: SessionInfo,
    ) -> Result<(SessionStart, CancelHandle), PgError> {
        let start = SessionStart::new(&self.config, &info);
        self.send(Job::Open { session, info })?;
        let cancel = CancelHandle {
            session,
            interrupts: self.interrupts.clone(),
            wake: self.jobs.clone(),
        };
        Ok((start, cancel))
    }

    /// Runs one batch exclusively and returns when its answers are all in `sink`.
    pub async fn run(
        &self,
        session: SessionId,
        ops: Vec<Op>,
        sink: Box<dyn Sink>,
    ) -> Result<Reply, PgError> {
        let (reply, answer) = oneshot::channel();
        self.send(Job::Batch {
            session,
            ops,
            sink,
            reply,
        })?;
        answer.await.map_err(|_| engine_gone())
    }

    /// Ends a session: its open transaction is rolled back and its locks released at once.
    pub fn close(&self, session: SessionId) {
        let _ = self.jobs.send(Job::Close { session });
    }

    /// Stops the engine thread after the jobs already queued.
    pub fn shutdown(&self) {
        let _ = self.jobs.send(Job::Shutdown);
    }

    fn send(&self, job: Job) -> Result<(), PgError> {
        self.jobs.send(job).map_err(|_| engine_gone())
    }
}

fn engine_gone() -> PgError {
    PgError::admin_shutdown()
}
