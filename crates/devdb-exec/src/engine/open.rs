//! Opening a database's SQLite connections with the settings that make SQLite behave like
//! PostgreSQL where it can.

use std::path::Path;
use std::sync::Arc;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

use crate::functions::{self, FunctionState};

/// Which of the engine's two connections to open.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Runs every statement of sessions that have not written, each in a fresh snapshot.
    Reader,
    /// Runs the statements of writing transactions, one session's at a time (`sharing.rs`).
    Writer,
}

pub(crate) fn connection(
    path: &Path,
    role: Role,
    durable: bool,
    state: &Arc<FunctionState>,
) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        // The built-in catalog is attached by a `file:` URI (see `system`).
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)?;
    // "missing" must be an unknown column, never the string 'missing'.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DQS_DML, false)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DQS_DDL, false)?;
    // WAL lets the reader keep its snapshot while the writer commits; the file must exist on
    // disk for it, which is why even ephemeral databases are files in a temp directory.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // Ephemeral data needs no fsync; with --data-dir, NORMAL survives a process crash.
    conn.pragma_update(None, "synchronous", if durable { "NORMAL" } else { "OFF" })?;
    // PostgreSQL always checks foreign keys; SQLite only when asked, per connection.
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // PostgreSQL's LIKE is case-sensitive.
    conn.pragma_update(None, "case_sensitive_like", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "cache_size", "-32000")?;
    conn.set_prepared_statement_cache_capacity(512);
    rusqlite::vtab::series::load_module(&conn)?;
    functions::register(&conn, state)?;
    crate::system::attach(&conn)?;
    if role == Role::Reader {
        // A statement wrongly sent to the reader fails instead of writing outside the lock.
        conn.pragma_update(None, "query_only", "ON")?;
    }
    if role == Role::Reader {
        let interrupts = state.interrupts.clone();
        conn.progress_handler(1000, Some(move || interrupts.check().is_some()));
    } else {
        // The writer records row changes, and stops a statement early that touched a row
        // another transaction holds (`changes.rs`).
        super::preupdate::record_changes(&conn, state);
        let state = state.clone();
        conn.progress_handler(
            1000,
            Some(move || {
                state.interrupts.check().is_some()
                    || super::changes::from_callback(&state.changes)
                        .is_some_and(|changes| changes.stops_early())
            }),
        );
    }
    Ok(conn)
}
