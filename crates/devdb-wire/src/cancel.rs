//! CancelRequest: a new connection names a session by (pid, secret) and asks to stop whatever it
//! is running. The registry maps each live session's pid to what is needed to do that.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use devdb_exec::CancelHandle;

struct Entry {
    secret: i32,
    handle: CancelHandle,
    /// A batch of this session is queued or running; cancels for idle sessions are ignored,
    /// as in PostgreSQL.
    busy: Arc<AtomicBool>,
}

#[derive(Default)]
pub(crate) struct Cancels {
    sessions: Mutex<HashMap<i32, Entry>>,
}

impl Cancels {
    pub fn register(&self, pid: i32, secret: i32, handle: CancelHandle, busy: Arc<AtomicBool>) {
        self.lock().insert(
            pid,
            Entry {
                secret,
                handle,
                busy,
            },
        );
    }

    pub fn unregister(&self, pid: i32) {
        self.lock().remove(&pid);
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

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i32, Entry>> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }
}
