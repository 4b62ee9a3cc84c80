//! The accept loop: one task per connection, the connection limit, and graceful shutdown.

use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Duration;

use devdb_exec::Databases;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::cancel::Cancels;
use crate::scram::Verifier;
use crate::session;

/// What the wire front-end needs from the command line.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    pub max_connections: usize,
    /// The one role that may connect.
    pub user: String,
    /// None: trust; Some: SCRAM-SHA-256 with this password.
    pub password: Option<String>,
}

/// State every session task shares.
pub(crate) struct Shared {
    pub config: ServerConfig,
    pub databases: Arc<Databases>,
    pub cancels: Cancels,
    pub verifier: Option<Verifier>,
    pub shutdown: CancellationToken,
    next_pid: AtomicI32,
}

impl Shared {
    /// Backend PIDs are session numbers, unique for the server's life.
    pub fn next_pid(&self) -> i32 {
        self.next_pid.fetch_add(1, Ordering::Relaxed)
    }
}

/// How long shutdown waits for sessions to finish their running batch.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Serves clients on `listener` until `shutdown` is cancelled; then stops accepting, lets
/// running batches finish, ends every session (rolling back open transactions) and stops the
/// engines.
pub async fn serve(
    listener: TcpListener,
    config: ServerConfig,
    databases: Arc<Databases>,
    shutdown: CancellationToken,
) {
    let limit = Arc::new(Semaphore::new(config.max_connections));
    let verifier = config.password.as_deref().and_then(Verifier::new);
    let shared = Arc::new(Shared {
        config,
        databases: databases.clone(),
        cancels: Cancels::default(),
        verifier,
        shutdown: shutdown.clone(),
        next_pid: AtomicI32::new(1000),
    });
    let tracker = TaskTracker::new();
    tracker.spawn(crate::cancel::watch_hang_ups(
        shared.clone(),
        shutdown.clone(),
    ));
    loop {
        let accepted = tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _peer)) => {
                let _ = stream.set_nodelay(true);
                // Past the limit the session still runs, to tell the client 53300 properly.
                let permit = limit.clone().try_acquire_owned().ok();
                tracker.spawn(session::run(shared.clone(), stream, permit));
            }
            Err(err) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tracing::warn!("accept failed: {err}");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
    drop(listener);
    tracker.close();
    if tokio::time::timeout(SHUTDOWN_GRACE, tracker.wait())
        .await
        .is_err()
    {
        tracing::warn!("sessions still running after {SHUTDOWN_GRACE:?}; stopping anyway");
    }
    // Each database's thread ends its sessions, rolls back and checkpoints; wait for them all.
    let _ = tokio::task::spawn_blocking(move || databases.shutdown()).await;
}
