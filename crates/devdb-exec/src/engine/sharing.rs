//! How sessions share the writer connection.
//!
//! A READ COMMITTED transaction that only inserts, updates, deletes and reads rows (nextval
//! included) does not keep the writer: its SQLite transaction stays open there between its statements only until another
//! session needs the writer, which rolls it back; the transaction's row changes, recorded as
//! they happen (`changes.rs`), are written again when it next runs. Rows it updated or deleted
//! stay locked to it, so such transactions run side by side as in PostgreSQL, and a statement
//! touching another's row waits for that transaction to end (parked on [`Wait::Row`]).
//!
//! A transaction that does anything the row log cannot carry (DDL, savepoints, FOR UPDATE,
//! REPEATABLE READ or SERIALIZABLE, other commands) keeps the writer to itself until it ends:
//! it waits until every other writing transaction has ended ([`Wait::Alone`]), and others wait
//! for it ([`Wait::Writer`]).

use std::collections::HashSet;

use devdb_pg::{PgError, SqlState};
use devdb_sql::{Kind, Translated};

use super::open::Role;
use super::{Batch, Engine, Stop, control};
use crate::functions::lock;
use crate::session::Session;
use crate::{SessionId, sqlite_error};

/// What a parked statement waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Wait {
    /// The writer, which another transaction keeps to itself.
    Writer,
    /// The writer to itself: every other writing transaction has ended.
    Alone,
    /// A row another transaction changed, which the statement changes: until that transaction
    /// (or the next one to take the row) ends.
    Row,
}

/// The savepoint of the writer's transaction that the loaded sharing session's changes are in.
/// Sessions that share the writer have no savepoints of their own to confuse it with.
const SAVEPOINT_SHARED: &str = "SAVEPOINT \"devdb shared\"";
const ROLLBACK_SHARED: &str = "ROLLBACK TO \"devdb shared\"";

impl Engine {
    /// Picks the connection for a statement of `id`, taking the writer if it must write or
    /// read its own changes.
    pub(super) fn acquire(
        &mut self,
        id: SessionId,
        session: &mut Session,
        t: &Translated,
    ) -> Result<Role, Stop> {
        let keeps = must_keep_writer(session, t);
        let tx = &session.transaction;
        if !tx.writing
            && !t.writes
            && !tx.needs_snapshot()
            && !lock(&self.functions.changes).has_log(id)
        {
            return Ok(Role::Reader);
        }
        if t.writes && tx.mode.read_only == Some(true) {
            return Err(PgError::new(
                SqlState::READ_ONLY_SQL_TRANSACTION,
                "cannot execute statement in a read-only transaction",
            )
            .into());
        }
        self.writer_for(id, session, keeps)?;
        Ok(Role::Writer)
    }

    /// Gives `id`'s transaction the writer, and (`keeps`) to itself until it ends; parks it
    /// when it must wait.
    pub(super) fn writer_for(
        &mut self,
        id: SessionId,
        session: &mut Session,
        keeps: bool,
    ) -> Result<(), Stop> {
        let tx = &session.transaction;
        if tx.writing && (tx.pinned || !keeps) {
            if !tx.pinned && self.may_keep_large(id) {
                session.transaction.pinned = true;
            }
            return Ok(());
        }
        let started = tx.writing || lock(&self.functions.changes).has_log(id);
        if let Some(wait) = self.must_wait(id, keeps, started) {
            if session.transaction.writing {
                self.shelve(id, session);
            }
            return Err(Stop::Park(wait));
        }
        if !session.transaction.writing {
            self.take_writer(id, session)?;
        }
        if keeps {
            session.transaction.pinned = true;
        }
        Ok(())
    }

    /// Why `id` cannot have the writer now: another transaction keeps it, or (`keeps`) other
    /// transactions still hold rows, or (`started`: it has not written yet) a transaction
    /// waiting to keep the writer comes first.
    fn must_wait(&self, id: SessionId, keeps: bool, started: bool) -> Option<Wait> {
        let kept_by_other = self.lock_holder.is_some_and(|holder| {
            holder != id
                && self
                    .sessions
                    .get(&holder)
                    .is_some_and(|s| s.transaction.pinned)
        });
        if keeps {
            let others = lock(&self.functions.changes).others(id).next().is_some();
            return (kept_by_other || others).then_some(Wait::Alone);
        }
        let alone_waiter = !started
            && self
                .parked
                .iter()
                .any(|b| b.session != id && b.wait == Some(Wait::Alone));
        (kept_by_other || alone_waiter).then_some(Wait::Writer)
    }

    /// Whether a parked batch's wait is over (it may then run, or wait for something else).
    pub(super) fn may_resume(&self, batch: &Batch) -> bool {
        match batch.wait {
            None => true,
            Some(Wait::Row) => lock(&self.functions.changes)
                .row_holder(batch.session)
                .is_none(),
            Some(Wait::Writer) => self.must_wait(batch.session, false, false).is_none(),
            Some(Wait::Alone) => self.must_wait(batch.session, true, true).is_none(),
        }
    }

    /// Opens `id`'s SQLite transaction on the writer and writes the transaction's earlier
    /// changes again. A change that no longer applies (another transaction committed the same
    /// key meanwhile) fails the statement, and the transaction with it.
    ///
    /// The writer's SQLite transaction holds the loaded session's changes inside savepoint
    /// [`SAVEPOINT_SHARED`]: handing the writer from one sharing session to the next rolls back to it,
    /// which keeps SQLite's write lock and the cached pages, where a ROLLBACK and BEGIN would
    /// drop and take file locks and read the pages again.
    fn take_writer(&mut self, id: SessionId, session: &mut Session) -> Result<(), PgError> {
        let to_pg = |e| sqlite_error::to_pg(e, None);
        if let Some(holder) = self.lock_holder.filter(|&h| h != id) {
            // A holder always has its session: a session that ends rolls back first.
            if let Some(mut other) = self.sessions.remove(&holder) {
                self.shelve(holder, &mut other);
                self.sessions.insert(holder, other);
            }
        }
        // Otherwise the shared transaction is still open, with nobody's changes in it.
        if self.writer.is_autocommit() {
            control(&self.writer, "BEGIN IMMEDIATE").map_err(to_pg)?;
            control(&self.writer, SAVEPOINT_SHARED).map_err(to_pg)?;
        }
        let replayed = lock(&self.functions.changes).replay(&self.writer, id, self.generation);
        if let Err(e) = replayed {
            // A function's error (an EXCLUDE constraint's trigger) keeps its own SQLSTATE.
            let raised = lock(&self.functions.raised).take();
            let _ = control(&self.writer, "ROLLBACK");
            lock(&self.functions.changes).end(id);
            return Err(raised.unwrap_or_else(|| to_pg(e)));
        }
        let tx = &mut session.transaction;
        for name in &tx.savepoints {
            self.on_writer("SAVEPOINT", name)?;
        }
        tx.materialized = tx.savepoints.len();
        tx.writing = true;
        self.lock_holder = Some(id);
        Ok(())
    }

    /// Takes `id`'s changes off the writer (a transaction that shares it), which its row log
    /// can write again. The shared transaction stays open for the next session.
    pub(super) fn shelve(&mut self, id: SessionId, session: &mut Session) {
        if !self.writer.is_autocommit() && control(&self.writer, ROLLBACK_SHARED).is_err() {
            let _ = control(&self.writer, "ROLLBACK");
        }
        session.transaction.writing = false;
        session.transaction.materialized = 0;
        self.release_lock(id);
    }

    /// Opens the shared transaction, with nobody's changes in it, for a read on the writer:
    /// the reads between two commits then share one snapshot instead of taking and dropping
    /// SQLite's WAL read lock (file-lock system calls) each, as on the reader
    /// (`pin_reader_snapshot`). A write later takes SQLite's write lock inside it.
    pub(super) fn open_shared_for_reads(&self) -> Result<(), PgError> {
        if self.writer.is_autocommit() {
            let to_pg = |e| sqlite_error::to_pg(e, None);
            control(&self.writer, "BEGIN").map_err(to_pg)?;
            control(&self.writer, SAVEPOINT_SHARED).map_err(to_pg)?;
        }
        Ok(())
    }

    /// Ends the shared transaction the writer keeps open between sessions (`shelve`) when no
    /// session's changes are in it, for work that needs the writer idle (checkpoints, restore,
    /// dropping temporary schemas).
    pub(super) fn close_shared(&self) {
        if self.lock_holder.is_none() && !self.writer.is_autocommit() {
            let _ = control(&self.writer, "ROLLBACK");
        }
    }

    /// A loaded transaction with a large row log keeps the writer when nobody else writes.
    fn may_keep_large(&self, id: SessionId) -> bool {
        let changes = lock(&self.functions.changes);
        changes.log_len(id) >= super::changes::LARGE_LOG && changes.others(id).next().is_none()
    }

    /// After a statement of `id` touched a row another transaction holds: takes the
    /// statement back and parks it until that row is free.
    pub(super) fn conflicted(&mut self, id: SessionId, session: &mut Session) -> Stop {
        {
            let mut changes = lock(&self.functions.changes);
            changes.wait_for_conflict(id);
            changes.undo(id);
        }
        self.shelve(id, session);
        Stop::Park(Wait::Row)
    }

    /// Whether parking `id` on `wait` closes a cycle of sessions waiting for each other.
    pub(super) fn deadlocks(&self, id: SessionId, wait: Wait) -> bool {
        let mut seen = HashSet::new();
        let mut next = self.blockers(id, wait);
        while let Some(s) = next.pop() {
            if s == id {
                return true;
            }
            if !seen.insert(s) {
                continue;
            }
            if let Some(w) = self
                .parked
                .iter()
                .find(|b| b.session == s)
                .and_then(|b| b.wait)
            {
                next.extend(self.blockers(s, w));
            }
        }
        false
    }

    /// The sessions `id` waits for while parked on `wait`.
    fn blockers(&self, id: SessionId, wait: Wait) -> Vec<SessionId> {
        if wait == Wait::Row {
            return lock(&self.functions.changes)
                .row_holder(id)
                .into_iter()
                .collect();
        }
        let mut out: Vec<SessionId> = self.lock_holder.filter(|&h| h != id).into_iter().collect();
        match wait {
            Wait::Row => {}
            Wait::Writer => out.extend(
                self.parked
                    .iter()
                    .filter(|b| b.session != id && b.wait == Some(Wait::Alone))
                    .map(|b| b.session),
            ),
            Wait::Alone => out.extend(lock(&self.functions.changes).others(id)),
        }
        out
    }
}

/// Whether statement `t` makes its transaction keep the writer to itself until it ends.
fn must_keep_writer(session: &Session, t: &Translated) -> bool {
    let tx = &session.transaction;
    if tx.pinned {
        return true;
    }
    // What a row log carries: row changes, and sequences (saved at every commit).
    let logged = match t.kind {
        Kind::Insert | Kind::Update | Kind::Delete | Kind::CopyFrom(_) => true,
        Kind::Select => !t.locks_rows,
        _ => false,
    };
    tx.needs_snapshot() || !tx.savepoints.is_empty() || t.changes_catalog || (t.writes && !logged)
}

/// 40P01 for the statement of `id` whose wait would close a cycle.
pub(super) fn deadlock_error(id: SessionId, wait: Wait, holder: Option<SessionId>) -> PgError {
    let detail = match (wait, holder) {
        (Wait::Row, Some(owner)) => format!(
            "Process {} waits for a row that process {} changed; process {} waits for process {}.",
            id.0, owner.0, owner.0, id.0
        ),
        _ => format!(
            "Process {} waits for the other writing transactions to end, and one of them waits for process {}.",
            id.0, id.0
        ),
    };
    PgError::new(SqlState::T_R_DEADLOCK_DETECTED, "deadlock detected")
        .with_detail(detail)
        .with_hint("See server log for query details.")
}
