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
//!
//! Group commit (ephemeral databases, whose data no crash can keep anyway): a sharing
//! transaction commits by releasing its changes into the writer's open SQLite transaction,
//! below the savepoint the next session's changes go into; every sharing session works on the
//! writer, so each sees them at once. SQLite commits the group ([`Engine::settle`]) every
//! [`GROUP_COMMITS`] commits, before another connection reads the file (the reader, a copy)
//! and before a transaction keeps the writer to itself. The group's row logs are kept until
//! then, to write it again if SQLite rolls the transaction back (an interrupted write does).

use std::collections::HashSet;

use devdb_pg::{PgError, SqlState};
use devdb_sql::catalog::ConstraintKind;
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
const RELEASE_SHARED: &str = "RELEASE \"devdb shared\"";

/// How many sharing transactions commit into the writer's SQLite transaction before SQLite
/// commits them together. Each SQLite commit writes every changed page to the WAL; a group
/// writes pages that several transactions changed (pgbench's branch and teller rows) once.
const GROUP_COMMITS: usize = 32;

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
        let keeps = keeps || (tx.writing && !tx.pinned && self.may_keep_large(id));
        if tx.writing && (tx.pinned || !keeps) {
            return Ok(());
        }
        let started = tx.writing || lock(&self.functions.changes).has_log(id);
        if let Some(wait) = self.must_wait(id, keeps, started) {
            if session.transaction.writing {
                self.shelve(id, session);
            }
            return Err(Stop::Park(wait));
        }
        if keeps && lock(&self.functions.changes).unsettled() > 0 {
            // A transaction that keeps the writer cannot be shelved, so it never shares the
            // SQLite transaction with commits that wait to settle.
            if session.transaction.writing {
                self.shelve(id, session);
            }
            self.settle()?;
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
            self.shelve_other(holder);
        }
        // Otherwise the shared transaction is still open, with nobody's changes in it.
        if self.writer.is_autocommit() {
            self.begin_shared("BEGIN IMMEDIATE")?;
        }
        let replayed = lock(&self.functions.changes).replay(&self.writer, id, self.generation);
        if let Err(e) = replayed {
            // A function's error (an EXCLUDE constraint's trigger) keeps its own SQLSTATE.
            let raised = lock(&self.functions.raised).take();
            self.rollback_writer();
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

    /// Shelves `holder`, a session of `sessions` (the caller's own is out of it while it runs);
    /// false when it is not there.
    fn shelve_other(&mut self, holder: SessionId) -> bool {
        let Some(mut other) = self.sessions.remove(&holder) else {
            return false;
        };
        self.shelve(holder, &mut other);
        self.sessions.insert(holder, other);
        true
    }

    /// Opens the shared transaction, with nobody's changes in it, for a read on the writer:
    /// the reads between two commits then share one snapshot instead of taking and dropping
    /// SQLite's WAL read lock (file-lock system calls) each, as on the reader
    /// (`pin_reader_snapshot`). A write later takes SQLite's write lock inside it.
    pub(super) fn open_shared_for_reads(&self) -> Result<(), PgError> {
        if self.writer.is_autocommit() {
            self.begin_shared("BEGIN")?;
        }
        Ok(())
    }

    /// Opens the writer's shared transaction. Commits that waited to settle in the previous
    /// one are written again: SQLite rolled it back under them (an interrupted write does).
    fn begin_shared(&self, begin: &str) -> Result<(), PgError> {
        let to_pg = |e| sqlite_error::to_pg(e, None);
        control(&self.writer, begin).map_err(to_pg)?;
        let mut changes = lock(&self.functions.changes);
        if changes.unsettled() > 0 {
            tracing::debug!(
                "SQLite rolled back {} committed transactions before they settled; writing them again",
                changes.unsettled()
            );
            let written = changes
                .replay_settling(&self.writer, self.generation)
                .map_err(to_pg);
            drop(changes);
            let written = written.and_then(|()| {
                lock(&self.functions.sequences).touch_all();
                self.save_sequences()
            });
            if let Err(e) = written {
                // Tried again from the start at the next opening.
                let _ = control(&self.writer, "ROLLBACK");
                return Err(e);
            }
        }
        control(&self.writer, SAVEPOINT_SHARED).map_err(to_pg)
    }

    /// Whether `session`'s commit joins the group: a sharing transaction of an ephemeral
    /// database without INITIALLY DEFERRED foreign keys, which SQLite checks only when its
    /// transaction commits (for a group, after this one has been told it committed).
    pub(super) fn commits_in_group(&self, session: &Session) -> bool {
        self.groups_commits
            && !session.transaction.pinned
            && !self
                .committed
                .constraints
                .iter()
                .any(|c| c.initially_deferred && c.kind == ConstraintKind::ForeignKey)
    }

    /// Commits a sharing transaction of `id`, loaded on the writer: into the writer's SQLite
    /// transaction while the group fills, with the group when it is full.
    pub(super) fn commit_shared(&mut self, id: SessionId) -> rusqlite::Result<()> {
        let group = lock(&self.functions.changes).unsettled() + 1;
        if group >= GROUP_COMMITS {
            self.release_reader_snapshot();
            control(&self.writer, "COMMIT")?;
            lock(&self.functions.changes).settled();
            return Ok(());
        }
        control(&self.writer, RELEASE_SHARED)?;
        control(&self.writer, SAVEPOINT_SHARED)?;
        lock(&self.functions.changes).commit_unsettled(id);
        Ok(())
    }

    /// Commits to SQLite the transactions that committed into the writer's open SQLite
    /// transaction, shelving the sharing session loaded there. The caller shelves its own
    /// session first if it is the one loaded.
    pub(super) fn settle(&mut self) -> Result<(), PgError> {
        if lock(&self.functions.changes).unsettled() == 0 {
            return Ok(());
        }
        if let Some(holder) = self.lock_holder
            && !self.shelve_other(holder)
        {
            return Err(PgError::internal(
                "settling commits under the caller's own changes",
            ));
        }
        if self.writer.is_autocommit() {
            self.begin_shared("BEGIN IMMEDIATE")?;
        }
        // Readers must move to the new snapshot.
        self.release_reader_snapshot();
        control(&self.writer, "COMMIT").map_err(|e| sqlite_error::to_pg(e, None))?;
        lock(&self.functions.changes).settled();
        Ok(())
    }

    /// Rolls back the loaded session's changes: to the shared savepoint while commits wait
    /// to settle below it, else the whole SQLite transaction.
    pub(super) fn rollback_writer(&self) {
        if lock(&self.functions.changes).unsettled() > 0
            && control(&self.writer, ROLLBACK_SHARED).is_ok()
        {
            return;
        }
        let _ = control(&self.writer, "ROLLBACK");
    }

    /// Ends the shared transaction the writer keeps open between sessions (`shelve`) when no
    /// session's changes are in it, for work that needs the writer idle (checkpoints, restore,
    /// dropping temporary schemas), after settling the commits in it.
    pub(super) fn close_shared(&mut self) {
        if self.lock_holder.is_some() {
            return;
        }
        if let Err(e) = self.settle() {
            tracing::warn!("committing the writer's open transaction: {}", e.message);
            return;
        }
        if !self.writer.is_autocommit() {
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
