//! The boundary between sessions and a database's engine. A [`Handle`] (thread-safe) moves a
//! session onto the database's thread; there the session's task uses a [`Local`] to run its
//! batches on the engine directly, with no channel or thread hop.

use std::cell::RefCell;
use std::future::Future;
use std::os::fd::AsFd;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use devdb_pg::PgError;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::{Notify, mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use crate::Notification;
use crate::engine::Engine;
use crate::functions::lock;
use crate::idle_poll::IdlePoll;
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

/// What the engine is asked to do, on the database's thread.
pub(crate) enum Job {
    Open {
        session: SessionId,
        info: SessionInfo,
        notifications: UnboundedSender<Notification>,
    },
    Batch {
        session: SessionId,
        ops: Vec<Op>,
        sink: Box<dyn Sink>,
        reply: oneshot::Sender<Reply>,
    },
    /// The session is gone: roll back and forget it.
    Close { session: SessionId },
}

/// What a batch left behind, for the session task.
pub struct Reply {
    pub sink: Box<dyn Sink>,
    pub status: TransactionStatus,
    /// A transaction, explicit or implicit, is still open (idle-in-transaction rules apply).
    pub in_transaction: bool,
    /// A FATAL error was sent: close the connection.
    pub close: bool,
    /// A COPY FROM STDIN waits for the client's data: CopyData up to CopyDone or CopyFail,
    /// then [`Op::CopyDone`] or [`Op::CopyFail`].
    pub copy_in: bool,
    /// The session's idle_in_transaction_session_timeout now (None: off).
    pub idle_in_transaction_timeout: Option<Duration>,
    /// The session's idle_session_timeout now (None: off).
    pub idle_session_timeout: Option<Duration>,
}

/// A session's work, started on its database's thread with that thread's [`Local`].
pub type SessionTask = Box<dyn FnOnce(Local) -> Pin<Box<dyn Future<Output = ()>>> + Send>;

/// Messages to a database's thread.
pub(crate) enum Command {
    Adopt(SessionTask),
    /// Move everything committed from the WAL into the database file, so the file alone is a
    /// copy of the database; answers whether the WAL is empty now.
    Checkpoint(std::sync::mpsc::SyncSender<bool>),
    /// The last session left: stop after the linger unless another one has come meanwhile
    /// (`Databases::retire`).
    Retire,
    Shutdown,
}

/// A cheap, cloneable, thread-safe way to one database's thread.
#[derive(Clone)]
pub struct Handle {
    pub(crate) commands: mpsc::UnboundedSender<Command>,
    pub(crate) interrupts: Arc<Interrupts>,
    /// Wakes the thread's timer to look at parked batches again (cancels).
    pub(crate) wake: Arc<Notify>,
    pub(crate) name: Arc<str>,
    /// The settings' server-wide defaults, shared with the engine's sessions.
    pub(crate) defaults: crate::settings::Defaults,
    pub(crate) thread: Arc<Mutex<Option<std::thread::JoinHandle<()>>>>,
    /// Tells this database thread from the ones before and after it.
    pub(crate) serial: u64,
    /// Cancelled to end every session of the database (DROP DATABASE ... WITH (FORCE)).
    pub(crate) terminate: CancellationToken,
    /// Interrupted after each command, which an idle poll would not see.
    pub(crate) idle_poll: Option<Arc<IdlePoll>>,
}

impl Handle {
    /// The database this handle runs on.
    pub fn database(&self) -> &str {
        &self.name
    }

    /// What a session of this database starts with (ParameterStatus values, idle timeouts).
    pub fn session_start(&self, info: &SessionInfo) -> SessionStart {
        SessionStart::new(&self.defaults, info)
    }

    /// How to cancel `session`'s batches from any thread.
    pub fn cancel_handle(&self, session: SessionId) -> CancelHandle {
        CancelHandle {
            session,
            interrupts: self.interrupts.clone(),
            wake: self.wake.clone(),
        }
    }

    /// Moves a session onto the database's thread, where it runs beside the engine: its batches
    /// then cost no thread hop.
    pub fn adopt(&self, task: SessionTask) -> Result<(), PgError> {
        self.send(Command::Adopt(task)).map_err(|_| engine_gone())
    }

    fn send(&self, command: Command) -> Result<(), ()> {
        self.commands.send(command).map_err(|_| ())?;
        if let Some(poll) = &self.idle_poll {
            poll.interrupt();
        }
        Ok(())
    }

    /// Checkpoints the database so its file alone holds everything committed; false when that
    /// could not be done (the caller then copies through SQLite instead). Blocks briefly.
    pub(crate) fn checkpoint(&self) -> bool {
        let (reply, answer) = std::sync::mpsc::sync_channel(1);
        if self.send(Command::Checkpoint(reply)).is_err() {
            return false;
        }
        answer
            .recv_timeout(std::time::Duration::from_secs(5))
            .unwrap_or(false)
    }

    /// Fired when every session of this database must end with 57P01.
    pub fn terminated(&self) -> CancellationToken {
        self.terminate.clone()
    }

    /// Ends every session of this database (57P01), as DROP DATABASE ... WITH (FORCE) does.
    pub fn terminate_sessions(&self) {
        self.terminate.cancel();
    }

    /// Tells the thread its last session left (see [`Command::Retire`]).
    pub(crate) fn retire(&self) {
        let _ = self.send(Command::Retire);
    }

    /// Stops the database's thread: its sessions are told the server is shutting down, open
    /// transactions roll back, and the file is checkpointed. Blocks until that is done.
    pub fn shutdown(&self) {
        let _ = self.send(Command::Shutdown);
        self.join();
    }

    /// Waits for the stopped thread to end; callers meanwhile wait for the first one.
    pub(crate) fn join(&self) {
        let mut thread = lock(&self.thread);
        if let Some(thread) = thread.take() {
            let _ = thread.join();
        }
    }

    /// Whether both handles are of the same thread.
    pub(crate) fn is(&self, other: &Handle) -> bool {
        self.serial == other.serial
    }
}

/// The engine as seen from its own thread: only session tasks running there hold one.
#[derive(Clone)]
pub struct Local {
    pub(crate) engine: Rc<RefCell<Engine>>,
    pub(crate) wake: Arc<Notify>,
    pub(crate) idle_poll: Option<Arc<IdlePoll>>,
}

impl Local {
    /// Registers a session before its first batch; notifications for it (LISTEN) arrive
    /// through `notifications` while it is idle.
    pub fn open(
        &self,
        session: SessionId,
        info: SessionInfo,
        notifications: UnboundedSender<Notification>,
    ) {
        self.engine.borrow_mut().handle(Job::Open {
            session,
            info,
            notifications,
        });
    }

    /// Lets the thread poll a session's socket when it has nothing to run (`idle_poll`).
    pub fn watch(&self, socket: impl AsFd) {
        if let Some(poll) = &self.idle_poll {
            poll.watch(socket);
        }
    }

    /// Runs one batch exclusively. It runs at once unless it must wait for another session's
    /// writer or a row, in which case this waits until the engine resumes or fails it.
    pub async fn run(
        &self,
        session: SessionId,
        ops: Vec<Op>,
        sink: Box<dyn Sink>,
    ) -> Result<Reply, PgError> {
        // While sessions wait for rows, a batch of a session holding none of them lets the
        // batches that are ready run first: the holders' among them end the waits sooner.
        if self.engine.borrow().others_go_first(session) {
            tokio::task::yield_now().await;
        }
        let (reply, answer) = oneshot::channel();
        let parked = {
            let mut engine = self.engine.borrow_mut();
            engine.handle(Job::Batch {
                session,
                ops,
                sink,
                reply,
            });
            engine.resume_parked();
            engine.has_parked()
        };
        if parked {
            // The timer must learn of a new lock-wait deadline or the end of a sleep.
            self.wake.notify_one();
        }
        answer.await.map_err(|_| engine_gone())
    }

    /// Ends a session: its open transaction is rolled back and its locks released at once.
    pub fn close(&self, session: SessionId) {
        let parked = {
            let mut engine = self.engine.borrow_mut();
            engine.handle(Job::Close { session });
            engine.resume_parked();
            engine.has_parked()
        };
        if parked {
            // A batch resumed here may sleep or wait again: the timer must learn when.
            self.wake.notify_one();
        }
    }
}

fn engine_gone() -> PgError {
    PgError::admin_shutdown()
}
