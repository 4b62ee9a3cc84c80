//! The row changes of each open READ COMMITTED writing transaction, and the row locks they
//! imply: what lets several sessions' writing transactions share the one writer connection.
//!
//! A pre-update hook on the writer records every row the running statement inserts, updates
//! or deletes into its session's log (table, rowid and the row's new values). A row that was
//! committed before and that a transaction updated or deleted is locked by it until it ends;
//! a statement of another session touching that row is a conflict: the engine undoes the
//! statement and parks it until the holder ends, then runs it again on the new data, which is
//! PostgreSQL's READ COMMITTED behaviour. Rows a transaction inserted are invisible to others,
//! so they lock nothing.
//!
//! Between statements the writer holds the SQLite transaction of one session only (see
//! `sharing.rs`); when another session needs it, the first one's SQLite transaction is rolled
//! back and its log replayed when it runs again (`replay`).

use foldhash::{HashMap, HashMapExt, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

use rusqlite::Connection;
use rusqlite::types::Value;

use super::preupdate::{Columns, RowChange};
use crate::SessionId;

/// A row: its table (SQLite name) and rowid.
type RowKey = (Arc<str>, i64);

/// A transaction that changed this many rows while no other transaction had changes stops
/// recording and keeps the writer to itself (`take_outgrown`): a large import or seed must not
/// hold a copy of every row it wrote, nor be written again whenever another session writes.
pub(crate) const LARGE_LOG: usize = 10_000;

/// The row changes, from a callback SQLite makes on the database's thread: None while that
/// thread holds them itself, as it does while it writes a log back (which records nothing).
pub(crate) fn from_callback(changes: &Mutex<Changes>) -> Option<MutexGuard<'_, Changes>> {
    match changes.try_lock() {
        Ok(guard) => Some(guard),
        Err(TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
        Err(TryLockError::WouldBlock) => None,
    }
}

#[derive(Default)]
pub(crate) struct Changes {
    /// Whose statement is running on the writer and recording into its log.
    recording: Option<SessionId>,
    logs: HashMap<SessionId, Log>,
    locks: HashMap<RowKey, SessionId>,
    /// The first row of another transaction that the running statement touched.
    conflict: Option<RowKey>,
    /// The row each parked session waits for.
    waits: HashMap<SessionId, RowKey>,
    /// The session whose running statement stopped recording at [`LARGE_LOG`] rows.
    outgrown: Option<SessionId>,
    /// The running statement's changes to its log, to take back after a conflict: the log's
    /// length before it, and earlier entries it changed with their previous change.
    undo_mark: usize,
    undo: Vec<(usize, Change)>,
    tables: HashSet<Arc<str>>,
    /// The changes of transactions that committed into the writer's open SQLite transaction
    /// and wait for its SQLite commit (`Engine::settle`), in commit order. SQLite rolls that
    /// transaction back when a write is interrupted; they are written again from here.
    settling: Vec<Vec<Entry>>,
    /// Replay statements per table, for the catalog generation they were built in.
    shapes: HashMap<Arc<str>, Shape>,
    shapes_generation: u64,
}

/// One transaction's changes, in the order it first touched each row.
#[derive(Default)]
struct Log {
    entries: Vec<Entry>,
    index: HashMap<RowKey, usize>,
}

struct Entry {
    table: Arc<str>,
    rowid: i64,
    change: Change,
}

#[derive(Clone)]
enum Change {
    /// A row the transaction inserted, with its values now.
    Inserted(Vec<Value>),
    /// A committed row the transaction updated, with its values now and the columns it
    /// changed.
    Updated(Vec<Value>, Columns),
    /// A committed row the transaction deleted.
    Deleted,
    /// A row the transaction inserted and deleted again.
    Gone,
}

/// How to write a table's rows back: its columns that hold values, in table order.
struct Shape {
    /// Indexes of the stored columns among all of the table's columns.
    stored: Vec<usize>,
    /// The quoted names of all of the table's columns.
    names: Vec<String>,
    /// `main."table"`.
    table: String,
    /// `UPDATE` statements by the columns they set.
    updates: HashMap<Columns, String>,
    /// Without the rowid: a row keeps its INTEGER PRIMARY KEY, others get a fresh rowid.
    insert: String,
    delete: String,
    /// With the rowid, last.
    insert_at: String,
}

impl Changes {
    /// Whether a change of `db`.`table` now is recorded: a session's statement is recording,
    /// and the table is a user's table of the database itself.
    pub fn records(&self, db: &str, table: &str) -> bool {
        self.recording.is_some()
            && db == "main"
            && !table.starts_with("__devdb_")
            && !table.starts_with("sqlite_")
    }

    /// Records one row change of the running statement (nothing unless [`Changes::records`]).
    pub fn record(&mut self, db: &str, table: &str, change: RowChange) {
        let Some(me) = self.recording.filter(|_| self.records(db, table)) else {
            return;
        };
        let table = self.intern(table);
        match change {
            RowChange::Insert { rowid, values } => self.inserted(me, table, rowid, values),
            RowChange::Delete { rowid } => self.deleted(me, table, rowid),
            RowChange::Update {
                old,
                new,
                values,
                changed,
            } if old == new => self.updated(me, table, new, values, changed),
            RowChange::Update {
                old, new, values, ..
            } => {
                self.deleted(me, table.clone(), old);
                self.inserted(me, table, new, values);
            }
        }
    }

    fn intern(&mut self, table: &str) -> Arc<str> {
        if let Some(known) = self.tables.get(table) {
            return known.clone();
        }
        let table: Arc<str> = Arc::from(table);
        self.tables.insert(table.clone());
        table
    }

    fn inserted(&mut self, me: SessionId, table: Arc<str>, rowid: i64, values: Vec<Value>) {
        let key = (table, rowid);
        match self.existing(me, &key) {
            // A rowid the transaction freed, taken again: the committed row gets new values.
            Some(Change::Deleted) => self.set(me, &key, Change::Updated(values, Columns::ALL)),
            Some(Change::Inserted(_) | Change::Updated(..)) => {
                self.set(me, &key, Change::Inserted(values))
            }
            Some(Change::Gone) | None => self.push(me, key, Change::Inserted(values), false),
        }
    }

    fn updated(
        &mut self,
        me: SessionId,
        table: Arc<str>,
        rowid: i64,
        values: Vec<Value>,
        changed: Columns,
    ) {
        let key = (table, rowid);
        match self.existing(me, &key) {
            Some(Change::Inserted(_)) => self.set(me, &key, Change::Inserted(values)),
            Some(Change::Updated(_, before)) => {
                self.set(me, &key, Change::Updated(values, before.union(changed)))
            }
            Some(_) => self.set(me, &key, Change::Updated(values, Columns::ALL)),
            None => self.push(me, key, Change::Updated(values, changed), true),
        }
    }

    fn deleted(&mut self, me: SessionId, table: Arc<str>, rowid: i64) {
        let key = (table, rowid);
        match self.existing(me, &key) {
            Some(Change::Inserted(_)) => {
                self.set(me, &key, Change::Gone);
                if let Some(log) = self.logs.get_mut(&me) {
                    log.index.remove(&key);
                }
            }
            Some(_) => self.set(me, &key, Change::Deleted),
            None => self.push(me, key, Change::Deleted, true),
        }
    }

    fn existing(&self, me: SessionId, key: &RowKey) -> Option<Change> {
        let log = self.logs.get(&me)?;
        let &i = log.index.get(key)?;
        log.entries.get(i).map(|e| e.change.clone())
    }

    /// Changes an entry the log has, remembering the old change if the statement is to be
    /// undone.
    fn set(&mut self, me: SessionId, key: &RowKey, change: Change) {
        let Some(log) = self.logs.get_mut(&me) else {
            return;
        };
        let Some(&i) = log.index.get(key) else {
            return;
        };
        let Some(entry) = log.entries.get_mut(i) else {
            return;
        };
        let old = std::mem::replace(&mut entry.change, change);
        if i < self.undo_mark {
            self.undo.push((i, old));
        }
    }

    /// A row the log has not seen: a committed row (`locking`) is locked, or touching it is a
    /// conflict when another transaction holds it.
    fn push(&mut self, me: SessionId, key: RowKey, change: Change, locking: bool) {
        if locking {
            match self.locks.get(&key) {
                Some(&owner) if owner != me => {
                    self.conflict.get_or_insert_with(|| key.clone());
                }
                _ => {
                    self.locks.insert(key.clone(), me);
                }
            }
        }
        let log = self.logs.entry(me).or_default();
        log.index.insert(key.clone(), log.entries.len());
        log.entries.push(Entry {
            table: key.0,
            rowid: key.1,
            change,
        });
        if log.entries.len() >= LARGE_LOG && self.logs.len() == 1 && self.settling.is_empty() {
            self.recording = None;
            self.outgrown = Some(me);
        }
    }

    /// Whether `me`'s statement stopped recording because its transaction grew large while
    /// alone: it must then keep the writer to itself, its log being incomplete.
    pub fn take_outgrown(&mut self, me: SessionId) -> bool {
        self.outgrown.take_if(|&mut s| s == me).is_some()
    }

    /// Starts recording `me`'s statement, until [`Changes::stop`].
    pub fn start(&mut self, me: SessionId) {
        self.recording = Some(me);
        self.conflict = None;
        self.waits.remove(&me);
        self.undo.clear();
        self.undo_mark = self.logs.get(&me).map_or(0, |log| log.entries.len());
    }

    pub fn stop(&mut self) {
        self.recording = None;
    }

    /// Whether the running statement touched a row another transaction holds.
    pub fn conflict(&self) -> bool {
        self.conflict.is_some()
    }

    /// Whether the running statement should be interrupted for its conflict: SQLite then rolls
    /// back the writer's whole transaction, which must not hold commits waiting to settle.
    /// Otherwise the statement runs to its end and is taken back then.
    pub fn stops_early(&self) -> bool {
        self.conflict.is_some() && self.settling.is_empty()
    }

    /// Makes `me` wait for the row its statement conflicted on.
    pub fn wait_for_conflict(&mut self, me: SessionId) {
        if let Some(key) = self.conflict.take() {
            self.waits.insert(me, key);
        }
    }

    /// Who holds the row `me` waits for now: the transaction it waited for, or one that took
    /// the row when that ended. None once the row is free.
    pub fn row_holder(&self, me: SessionId) -> Option<SessionId> {
        let key = self.waits.get(&me)?;
        self.locks.get(key).copied().filter(|&owner| owner != me)
    }

    /// Whether another session waits for a row and `me` does not hold one that is waited for:
    /// `me`'s next batch should let a holder's go first, which shortens everyone's wait.
    pub fn others_go_first(&self, me: SessionId) -> bool {
        !self.waits.is_empty()
            && !self
                .waits
                .values()
                .any(|key| self.locks.get(key) == Some(&me))
    }

    /// Takes back what the running statement of `me` recorded (its SQLite effects are rolled
    /// back by the caller).
    pub fn undo(&mut self, me: SessionId) {
        let mark = self.undo_mark;
        let Some(log) = self.logs.get_mut(&me) else {
            return;
        };
        for entry in log.entries.drain(mark.min(log.entries.len())..) {
            let key = (entry.table, entry.rowid);
            log.index.remove(&key);
            unlock(&mut self.locks, &key, me);
        }
        for (i, change) in self.undo.drain(..).rev() {
            if let Some(entry) = log.entries.get_mut(i) {
                entry.change = change;
                if !matches!(entry.change, Change::Gone) {
                    log.index.insert((entry.table.clone(), entry.rowid), i);
                }
            }
        }
        self.conflict = None;
        if log.entries.is_empty() {
            self.logs.remove(&me);
        }
    }

    /// Ends `me`'s transaction, committed into the writer's open SQLite transaction: its row
    /// locks go, and its changes are kept until that transaction commits ([`Changes::settled`]).
    pub fn commit_unsettled(&mut self, me: SessionId) {
        let entries = self.finish(me);
        self.settling.push(entries);
    }

    /// How many committed transactions wait for the writer's SQLite commit.
    pub fn unsettled(&self) -> usize {
        self.settling.len()
    }

    /// The writer's SQLite transaction committed (or its contents were replaced).
    pub fn settled(&mut self) {
        self.settling.clear();
    }

    /// Writes the unsettled transactions' changes again, in commit order, after SQLite rolled
    /// back the transaction that held them. Rows they inserted keep their rowids, since later
    /// changes name them by rowid.
    pub fn replay_settling(&mut self, conn: &Connection, generation: u64) -> rusqlite::Result<()> {
        self.fresh_shapes(generation);
        let mut settling = std::mem::take(&mut self.settling);
        let result = settling
            .iter_mut()
            .try_for_each(|entries| self.write_back(conn, entries, true).0);
        // Kept whatever happened: a failed write-back is tried again from the start.
        self.settling = settling;
        result
    }

    /// Forgets `me`'s changes and releases its row locks: its transaction ended.
    pub fn end(&mut self, me: SessionId) {
        self.finish(me);
    }

    /// Ends `me`'s transaction: its waits, row locks and recording go; its log is returned.
    fn finish(&mut self, me: SessionId) -> Vec<Entry> {
        self.waits.remove(&me);
        let entries = self
            .logs
            .remove(&me)
            .map_or_else(Vec::new, |log| log.entries);
        for entry in &entries {
            unlock(&mut self.locks, &(entry.table.clone(), entry.rowid), me);
        }
        if self.recording == Some(me) {
            self.recording = None;
        }
        entries
    }

    /// Whether `me`'s transaction has changed rows.
    pub fn has_log(&self, me: SessionId) -> bool {
        self.logs.contains_key(&me)
    }

    /// How many rows `me`'s transaction has changed.
    pub fn log_len(&self, me: SessionId) -> usize {
        self.logs.get(&me).map_or(0, |log| log.entries.len())
    }

    /// The sessions with changed rows other than `me`.
    pub fn others(&self, me: SessionId) -> impl Iterator<Item = SessionId> + '_ {
        self.logs.keys().copied().filter(move |&s| s != me)
    }

    /// Writes `me`'s changes again on `conn`, in a SQLite transaction just opened on the latest
    /// committed data. Rows it inserted may get other rowids. Nothing is recorded meanwhile:
    /// the hook cannot take the changes while the caller holds them (`from_callback`).
    pub fn replay(
        &mut self,
        conn: &Connection,
        me: SessionId,
        generation: u64,
    ) -> rusqlite::Result<()> {
        self.fresh_shapes(generation);
        let Some(mut log) = self.logs.remove(&me) else {
            return Ok(());
        };
        let (result, moved) = self.write_back(conn, &mut log.entries, false);
        for (i, from, to) in moved {
            if let Some(entry) = log.entries.get(i) {
                log.index.remove(&(entry.table.clone(), from));
                log.index.insert((entry.table.clone(), to), i);
            }
        }
        self.logs.insert(me, log);
        result
    }

    /// Forgets the replay statements built for an older catalog.
    fn fresh_shapes(&mut self, generation: u64) {
        if self.shapes_generation != generation {
            self.shapes.clear();
            self.shapes_generation = generation;
        }
    }

    /// Writes `entries` on `conn`, up to the first failure. A row inserted again keeps its
    /// rowid (`keep_rowids`, committed rows) or may get a new one: the entry takes it, and it
    /// is listed as (index, old rowid, new rowid).
    fn write_back(
        &mut self,
        conn: &Connection,
        entries: &mut [Entry],
        keep_rowids: bool,
    ) -> (rusqlite::Result<()>, Vec<(usize, i64, i64)>) {
        let mut moved = Vec::new();
        for (i, entry) in entries.iter_mut().enumerate() {
            let shape = match self.shape(conn, &entry.table) {
                Ok(shape) => shape,
                Err(e) => return (Err(e), moved),
            };
            let step = match &entry.change {
                Change::Inserted(values) => {
                    let stored = shape
                        .stored
                        .iter()
                        .map(|&c| values.get(c).unwrap_or(&Value::Null));
                    let rowid = Value::Integer(entry.rowid);
                    let insert = match keep_rowids {
                        true => conn.prepare_cached(&shape.insert_at).and_then(|mut st| {
                            st.execute(rusqlite::params_from_iter(stored.chain([&rowid])))
                        }),
                        false => conn
                            .prepare_cached(&shape.insert)
                            .and_then(|mut st| st.execute(rusqlite::params_from_iter(stored))),
                    };
                    insert.map(|_| {
                        let rowid = conn.last_insert_rowid();
                        if rowid != entry.rowid {
                            moved.push((i, entry.rowid, rowid));
                            entry.rowid = rowid;
                        }
                    })
                }
                Change::Updated(_, changed) if *changed == Columns::NONE => Ok(()),
                Change::Updated(values, changed) => {
                    let rowid = Value::Integer(entry.rowid);
                    conn.prepare_cached(shape.update(*changed))
                        .and_then(|mut st| {
                            let set = shape.stored.iter().filter(|&&c| changed.contains(c));
                            let values = set.map(|&c| values.get(c).unwrap_or(&Value::Null));
                            st.execute(rusqlite::params_from_iter(values.chain([&rowid])))
                                .map(drop)
                        })
                }
                Change::Deleted => conn
                    .prepare_cached(&shape.delete)
                    .and_then(|mut st| st.execute([entry.rowid]))
                    .map(drop),
                Change::Gone => Ok(()),
            };
            if let Err(e) = step {
                return (Err(e), moved);
            }
        }
        (Ok(()), moved)
    }

    fn shape(&mut self, conn: &Connection, table: &Arc<str>) -> rusqlite::Result<&mut Shape> {
        match self.shapes.entry(table.clone()) {
            std::collections::hash_map::Entry::Occupied(known) => Ok(known.into_mut()),
            std::collections::hash_map::Entry::Vacant(new) => {
                Ok(new.insert(Shape::read(conn, table)?))
            }
        }
    }
}

/// Releases `key` if `me` holds it.
fn unlock(locks: &mut HashMap<RowKey, SessionId>, key: &RowKey, me: SessionId) {
    if locks.get(key) == Some(&me) {
        locks.remove(key);
    }
}

impl Shape {
    fn read(conn: &Connection, table: &str) -> rusqlite::Result<Shape> {
        let mut st = conn.prepare("SELECT name, hidden FROM pragma_table_xinfo(?1, 'main')")?;
        let columns: Vec<(String, i64)> = st
            .query_map([table], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let stored: Vec<usize> = columns
            .iter()
            .enumerate()
            .filter(|(_, (_, hidden))| *hidden == 0)
            .map(|(i, _)| i)
            .collect();
        let names: Vec<String> = columns
            .iter()
            .map(|(name, _)| super::statement::quote(name))
            .collect();
        let table = format!("main.{}", super::statement::quote(table));
        let stored_names: Vec<&str> = stored
            .iter()
            .filter_map(|&i| names.get(i))
            .map(String::as_str)
            .collect();
        let marks: Vec<String> = (1..=stored.len()).map(|i| format!("?{i}")).collect();
        Ok(Shape {
            insert: format!(
                "INSERT INTO {table} ({}) VALUES ({})",
                stored_names.join(", "),
                marks.join(", ")
            ),
            delete: format!("DELETE FROM {table} WHERE rowid = ?1"),
            insert_at: format!(
                "INSERT INTO {table} ({}, rowid) VALUES ({}, ?{})",
                stored_names.join(", "),
                marks.join(", "),
                stored.len() + 1
            ),
            stored,
            names,
            table,
            updates: HashMap::new(),
        })
    }

    /// `UPDATE` of the stored columns in `changed`, their values first, then the rowid.
    fn update(&mut self, changed: Columns) -> &str {
        let (names, stored, table) = (&self.names, &self.stored, &self.table);
        self.updates.entry(changed).or_insert_with(|| {
            let sets: Vec<String> = stored
                .iter()
                .filter(|&&c| changed.contains(c))
                .zip(1..)
                .map(|(&c, mark)| format!("{} = ?{mark}", names[c]))
                .collect();
            format!(
                "UPDATE {table} SET {} WHERE rowid = ?{}",
                sets.join(", "),
                sets.len() + 1
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;
    use rusqlite::types::Value;

    use super::{Changes, Columns, LARGE_LOG, RowChange};
    use crate::SessionId;

    const A: SessionId = SessionId(1);
    const B: SessionId = SessionId(2);

    fn insert(rowid: i64, v: i64) -> RowChange {
        RowChange::Insert {
            rowid,
            values: vec![Value::Integer(rowid), Value::Integer(v)],
        }
    }

    fn update(rowid: i64, v: i64) -> RowChange {
        RowChange::Update {
            old: rowid,
            new: rowid,
            changed: Columns::ALL,
            values: vec![Value::Integer(rowid), Value::Integer(v)],
        }
    }

    fn rows(conn: &Connection) -> Vec<(i64, i64)> {
        let mut st = conn
            .prepare("SELECT id, v FROM t ORDER BY id")
            .expect("prepare");
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows")
    }

    #[test]
    fn rows_a_transaction_inserted_lock_nothing_and_vanish_when_deleted() {
        let mut changes = Changes::default();
        changes.start(A);
        changes.record("main", "t", insert(5, 1));
        changes.record("main", "t", update(5, 2));
        changes.stop();
        changes.start(B);
        changes.record("main", "t", update(5, 3));
        assert!(!changes.conflict(), "another's inserted row is not locked");
        changes.stop();
        changes.start(A);
        changes.record("main", "t", RowChange::Delete { rowid: 5 });
        changes.stop();
        assert_eq!(changes.log_len(A), 1, "the entry stays, as gone");
    }

    #[test]
    fn a_committed_row_changed_by_one_transaction_conflicts_for_another_until_it_ends() {
        let mut changes = Changes::default();
        changes.start(A);
        changes.record("main", "t", update(1, 10));
        changes.stop();
        changes.start(B);
        changes.record("main", "t", update(2, 20));
        changes.record("main", "t", RowChange::Delete { rowid: 1 });
        assert!(changes.conflict());
        changes.wait_for_conflict(B);
        changes.undo(B);
        assert_eq!(changes.row_holder(B), Some(A));
        assert_eq!(
            changes.log_len(B),
            0,
            "the statement's changes are taken back"
        );
        changes.end(A);
        assert_eq!(changes.row_holder(B), None, "the row is free once A ends");
        // Row 2, which B's undone statement had locked, is free too.
        changes.start(A);
        changes.record("main", "t", update(2, 30));
        assert!(!changes.conflict());
    }

    #[test]
    fn undo_restores_entries_the_statement_changed() {
        let mut changes = Changes::default();
        changes.start(A);
        changes.record("main", "t", insert(7, 1));
        changes.stop();
        changes.start(A);
        changes.record("main", "t", RowChange::Delete { rowid: 7 });
        changes.record("main", "t", insert(8, 1));
        changes.undo(A);
        let conn = Connection::open_in_memory().expect("open");
        conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER); BEGIN")
            .expect("schema");
        changes.replay(&conn, A, 1).expect("replay");
        assert_eq!(rows(&conn), [(7, 1)]);
    }

    #[test]
    fn replay_writes_a_transaction_back_over_newer_committed_rows() {
        let conn = Connection::open_in_memory().expect("open");
        conn.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER);
             CREATE TABLE loose (id INTEGER, v INTEGER);
             INSERT INTO t VALUES (1, 1), (2, 2), (3, 3);
             INSERT INTO loose VALUES (1, 1)",
        )
        .expect("schema");
        let mut changes = Changes::default();
        changes.start(A);
        changes.record("main", "t", update(1, 10));
        changes.record("main", "t", RowChange::Delete { rowid: 2 });
        changes.record("main", "t", insert(9, 9));
        changes.record(
            "main",
            "t",
            RowChange::Update {
                old: 3,
                new: 30,
                values: vec![Value::Integer(30), Value::Integer(3)],
                changed: Columns::ALL,
            },
        );
        // The keyless table's row took rowid 2, which someone else commits too.
        changes.record("main", "loose", insert(2, 5));
        changes.stop();
        conn.execute_batch("INSERT INTO loose VALUES (2, 7); BEGIN")
            .expect("another commit");
        changes.replay(&conn, A, 1).expect("replay");
        assert_eq!(rows(&conn), [(1, 10), (9, 9), (30, 3)]);
        let loose: Vec<i64> = conn
            .prepare("SELECT v FROM loose ORDER BY v")
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        assert_eq!(loose, [1, 5, 7], "the row got a fresh rowid");
    }

    #[test]
    fn unsettled_commits_are_written_again_in_order_with_their_rowids() {
        let mut changes = Changes::default();
        changes.start(A);
        changes.record("main", "loose", insert(5, 1));
        changes.stop();
        changes.commit_unsettled(A);
        changes.start(B);
        changes.record("main", "loose", update(5, 2));
        assert!(!changes.conflict(), "a committed transaction holds no rows");
        assert!(!changes.stops_early());
        changes.stop();
        changes.commit_unsettled(B);
        assert_eq!(changes.unsettled(), 2);
        // SQLite rolled the writer's transaction back: row 5 is gone, and a fresh insert would
        // get rowid 2.
        let conn = Connection::open_in_memory().expect("open");
        conn.execute_batch(
            "CREATE TABLE loose (id INTEGER, v INTEGER); INSERT INTO loose VALUES (1, 0); BEGIN",
        )
        .expect("schema");
        changes.replay_settling(&conn, 1).expect("replay");
        let rows: Vec<(i64, i64)> = conn
            .prepare("SELECT rowid, v FROM loose ORDER BY rowid")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        assert_eq!(rows, [(1, 0), (5, 2)], "B's update found A's row");
        assert_eq!(changes.unsettled(), 2, "kept until SQLite commits them");
        changes.settled();
        assert_eq!(changes.unsettled(), 0);
    }

    #[test]
    fn replay_sets_only_the_columns_the_transaction_changed() {
        let conn = Connection::open_in_memory().expect("open");
        conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)")
            .expect("schema");
        conn.execute_batch("INSERT INTO t VALUES (1, 1), (2, 2); BEGIN")
            .expect("rows");
        let update = |rowid, id, v, changed| RowChange::Update {
            old: rowid,
            new: rowid,
            values: vec![Value::Integer(id), Value::Integer(v)],
            changed,
        };
        let mut changes = Changes::default();
        changes.start(A);
        // The log's copy of row 1's id is stale on purpose: only v may be written back.
        changes.record("main", "t", update(1, 99, 10, Columns::NONE.with(1)));
        changes.record("main", "t", update(2, 2, 2, Columns::NONE));
        changes.stop();
        changes.replay(&conn, A, 1).expect("replay");
        assert_eq!(rows(&conn), [(1, 10), (2, 2)]);
        // Two updates of one row write back what either changed.
        changes.start(A);
        changes.record("main", "t", update(2, 2, 20, Columns::NONE.with(1)));
        changes.stop();
        conn.execute_batch("ROLLBACK; BEGIN").expect("roll back");
        changes.replay(&conn, A, 1).expect("replay");
        assert_eq!(rows(&conn), [(1, 10), (2, 20)]);
    }

    #[test]
    fn column_sets_past_the_64th_column_mean_all() {
        let some = Columns::NONE.with(3);
        assert!(some.contains(3) && !some.contains(4) && !some.contains(200));
        assert_eq!(some.with(64), Columns::ALL);
        assert!(Columns::ALL.contains(200));
        assert_eq!(
            some.union(Columns::NONE.with(5)),
            Columns::NONE.with(3).with(5)
        );
    }

    #[test]
    fn a_large_transaction_stops_recording_only_while_alone() {
        let mut changes = Changes::default();
        changes.start(B);
        changes.record("main", "t", update(1, 1));
        changes.stop();
        changes.start(A);
        for rowid in 0..LARGE_LOG as i64 {
            changes.record("main", "big", insert(rowid + 100, 0));
        }
        assert!(!changes.take_outgrown(A), "B has changes: A keeps logging");
        changes.stop();
        changes.end(B);
        changes.start(A);
        changes.record("main", "big", insert(1_000_000, 0));
        assert!(changes.take_outgrown(A));
        changes.record("main", "big", insert(1_000_001, 0));
        assert_eq!(changes.log_len(A), LARGE_LOG + 1, "nothing recorded after");
    }
}
