//! A database's thread: a single-threaded async runtime running the database's engine and the
//! tasks of every session connected to it. A session's batch runs on the engine directly from
//! its task, so a query costs no thread hop; sessions of different databases run on different
//! threads, in parallel.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use devdb_pg::PgError;
use tokio::sync::{Notify, mpsc};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::engine::Engine;
use crate::idle_poll::IdlePoll;

/// A database thread's stack: translation recurses over the AST, and ORMs nest deeply.
const STACK: usize = 16 << 20;
use crate::handle::Command;
use crate::interrupt::Interrupts;
use crate::{Databases, EngineConfig, Handle, Local};

/// How long shutdown waits for a database's sessions to end.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// A database thread that is opening its file; [`Opening::wait`] for it.
pub(crate) struct Opening {
    handle: Handle,
    opened: std::sync::mpsc::Receiver<Result<(), PgError>>,
}

impl Opening {
    /// The database's handle once its thread has opened the file.
    pub(crate) fn wait(self) -> Result<Handle, PgError> {
        self.opened
            .recv()
            .map_err(|_| PgError::internal("database thread died while opening"))??;
        Ok(self.handle)
    }
}

/// Starts the thread of the database file at `path`, which opens it while the caller goes on.
pub(crate) fn spawn(
    name: &str,
    path: PathBuf,
    config: EngineConfig,
    registry: Weak<Databases>,
) -> Result<Opening, PgError> {
    let (commands, receiver) = mpsc::unbounded_channel();
    let interrupts = Interrupts::new();
    let wake = Arc::new(Notify::new());
    let (ready, opened) = std::sync::mpsc::sync_channel(1);
    let name: Arc<str> = name.into();
    let serial = SERIAL.fetch_add(1, Ordering::Relaxed);
    let retiring = Retiring {
        registry: registry.clone(),
        serial,
        linger: config.linger,
    };
    let idle_poll = IdlePoll::new(config.idle_poll).map(Arc::new);
    let (thread_name, thread_config, thread_interrupts, thread_wake, thread_poll) = (
        name.clone(),
        config.clone(),
        interrupts.clone(),
        wake.clone(),
        idle_poll.clone(),
    );
    let thread = std::thread::Builder::new()
        .name(format!("db-{name}"))
        // Translation recurses over the AST; deep statements need room before they hit 54001.
        .stack_size(STACK)
        .spawn(move || {
            devdb_sql::set_stack_budget(STACK - (4 << 20));
            match Engine::open(
                thread_name,
                &path,
                thread_config,
                thread_interrupts,
                registry,
            ) {
                Ok(engine) => {
                    let _ = ready.send(Ok(()));
                    run(engine, receiver, thread_wake, thread_poll, retiring);
                }
                Err(err) => {
                    let _ = ready.send(Err(err));
                }
            }
        })
        .map_err(|e| PgError::internal(format!("starting the database thread: {e}")))?;
    let handle = Handle {
        commands,
        interrupts,
        wake,
        name,
        defaults: crate::settings::Settings::defaults(&config),
        thread: Arc::new(Mutex::new(Some(thread))),
        serial,
        terminate: CancellationToken::new(),
        idle_poll,
    };
    Ok(Opening { handle, opened })
}

/// Numbers the database threads (`Handle::serial`).
static SERIAL: AtomicU64 = AtomicU64::new(0);

/// How a database thread whose last session left asks the registry whether to stop.
struct Retiring {
    registry: Weak<Databases>,
    serial: u64,
    linger: Duration,
}

fn run(
    engine: Engine,
    mut commands: mpsc::UnboundedReceiver<Command>,
    wake: Arc<Notify>,
    idle_poll: Option<Arc<IdlePoll>>,
    retiring: Retiring,
) {
    let mut builder = tokio::runtime::Builder::new_current_thread();
    builder.enable_all();
    if let Some(poll) = idle_poll.clone() {
        builder.on_thread_park(move || poll.before_park());
    }
    let runtime = match builder.build() {
        Ok(runtime) => runtime,
        Err(err) => {
            tracing::error!("database thread cannot start its runtime: {err}");
            return;
        }
    };
    let local = Local {
        engine: Rc::new(RefCell::new(engine)),
        wake,
        idle_poll,
    };
    let tasks = tokio::task::LocalSet::new();
    tasks.block_on(&runtime, async {
        let timer = tokio::task::spawn_local(waits(local.clone()));
        let sessions = TaskTracker::new();
        // When the last session left, plus the linger.
        let mut retire_at: Option<tokio::time::Instant> = None;
        loop {
            let command = match retire_at {
                Some(at) => tokio::select! {
                    command = commands.recv() => command,
                    () = tokio::time::sleep_until(at) => {
                        retire_at = None;
                        match retiring.registry.upgrade() {
                            Some(registry) if registry.retire(retiring.serial) => break,
                            _ => continue,
                        }
                    }
                },
                None => commands.recv().await,
            };
            match command {
                Some(Command::Adopt(task)) => {
                    sessions.spawn_local(task(local.clone()));
                }
                Some(Command::Checkpoint(reply)) => {
                    let _ = reply.send(local.engine.borrow_mut().checkpoint());
                }
                Some(Command::Retire) => {
                    retire_at = Some(tokio::time::Instant::now() + retiring.linger);
                }
                Some(Command::Shutdown) | None => break,
            }
        }
        sessions.close();
        if tokio::time::timeout(SHUTDOWN_GRACE, sessions.wait())
            .await
            .is_err()
        {
            tracing::warn!("sessions still running after {SHUTDOWN_GRACE:?}; stopping anyway");
        }
        timer.abort();
    });
    local.engine.borrow_mut().shutdown();
}

/// Fails lock waits that passed their deadline or were canceled, resumes parked batches, and
/// ends sleeps (`SELECT pg_sleep(x)` parked) when they are over, canceled or timed out.
async fn waits(local: Local) {
    loop {
        let deadline = local.engine.borrow().next_deadline();
        match deadline {
            Some(deadline) => {
                tokio::select! {
                    () = tokio::time::sleep_until(deadline.into()) => {}
                    () = local.wake.notified() => {}
                }
            }
            None => local.wake.notified().await,
        }
        let mut engine = local.engine.borrow_mut();
        engine.expire_parked();
        engine.resume_parked();
    }
}
