//! Running one translated statement: transaction control, settings, and SQL on the reader or
//! the writer connection, streaming rows into the sink.

use std::collections::VecDeque;

use foldhash::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::sync::Arc;

use devdb_pg::{Datum, Format, PgError, PgType, Severity, SqlState, Value};
use devdb_sql::{Capture, Catalog, Column, Kind, Parsed, SearchPath, TransactionMode, Translated};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, Statement as SqliteStatement};

use super::{Engine, Role, Stop, Translation, load_catalog};
use crate::functions::{lock, now_micros};
use crate::session::{PortalState, Session};
use crate::sqlite_error;
use crate::stored::to_sqlite;
use crate::{SessionId, Sink};

/// Rows up to this width are gathered on the stack; wider ones in a Vec.
const INLINE_COLUMNS: usize = 32;

/// Parsed statements and their translations, by SQL text, so a repeated query costs a lookup.
/// A text is kept from its second sighting on: statements with their values inlined as
/// literals (different every time) then never churn the cache.
#[derive(Default)]
pub(crate) struct Cache {
    entries: HashMap<String, Entry>,
    seen: Sightings,
}

struct Entry {
    statements: Arc<[Parsed]>,
    /// Per statement, its latest translation.
    translations: Vec<Option<Cached>>,
}

/// A translation and what it was made for: a catalog generation, a search path and parameter
/// hints.
#[derive(Clone)]
struct Cached {
    generation: u64,
    path: Arc<SearchPath>,
    hints: Vec<Option<PgType>>,
    translation: Translation,
}

/// Enough distinct texts to hold any app's statements.
const CACHE_LIMIT: usize = 4096;

impl Cache {
    pub fn parse(&mut self, sql: &str) -> Result<Arc<[Parsed]>, PgError> {
        if let Some(entry) = self.entries.get(sql) {
            return Ok(entry.statements.clone());
        }
        let statements: Arc<[Parsed]> = devdb_sql::parse(sql)?.into();
        if self.seen.first(sql) {
            return Ok(statements);
        }
        if self.entries.len() >= CACHE_LIMIT {
            self.entries.clear();
        }
        let translations = vec![None; statements.len()];
        let entry = Entry {
            statements: statements.clone(),
            translations,
        };
        self.entries.insert(sql.to_owned(), entry);
        Ok(statements)
    }

    /// Translates `statements[index]` (parsed from `sql`), reusing the cached translation when
    /// it was made for the same catalog generation, search path and parameter hints. DDL is
    /// never reused: it may name the session's temporary schema before that exists.
    #[allow(clippy::too_many_arguments)]
    pub fn translate(
        &mut self,
        sql: &str,
        statements: &[Parsed],
        index: usize,
        generation: u64,
        catalog: &devdb_sql::Catalog,
        path: &Arc<SearchPath>,
        hints: &[Option<PgType>],
    ) -> Result<Translation, PgError> {
        let slot = self
            .entries
            .get_mut(sql)
            .and_then(|e| e.translations.get_mut(index));
        if let Some(Some(cached)) = &slot
            && cached.generation == generation
            && (Arc::ptr_eq(&cached.path, path) || cached.path.translates_like(path))
            && cached.hints.as_slice() == hints
        {
            return Ok(cached.translation.clone());
        }
        let statement = statements
            .get(index)
            .ok_or_else(|| PgError::internal("statement index out of range"))?;
        let translated = Arc::new(devdb_sql::translate_statement(
            statement, catalog, path, hints,
        )?);
        if let Some(slot) = slot
            && !translated.changes_catalog
        {
            *slot = Some(Cached {
                generation,
                path: path.clone(),
                hints: hints.to_vec(),
                translation: translated.clone(),
            });
        }
        Ok(translated)
    }
}

/// Which texts were seen before, by hash; forgets everything past a bound.
#[derive(Default)]
pub(crate) struct Sightings(HashSet<u64>);

impl Sightings {
    const LIMIT: usize = 1 << 16;

    /// True the first time `text` is seen.
    pub fn first(&mut self, text: &str) -> bool {
        let hash = self.0.hasher().hash_one(text);
        if self.0.len() >= Self::LIMIT {
            self.0.clear();
        }
        self.0.insert(hash)
    }
}

/// How one statement is run and its answer delivered.
pub(crate) struct Delivery<'a> {
    pub params: &'a [Value],
    /// Result formats as Bind sent them.
    pub formats: &'a [Format],
    /// Simple Query: a RowDescription precedes the rows. In extended protocol the client asked
    /// with Describe instead.
    pub describe: bool,
    /// Execute's row limit and where the rows beyond it wait.
    pub limit: Option<RowLimit<'a>>,
    /// What a statement that only sleeps does.
    pub nap: Nap,
}

/// How a statement that only sleeps (`Translated::sleep`) is run.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Nap {
    /// On the database's thread, as any other call of pg_sleep: the caller cannot park.
    InPlace,
    /// Its batch parks for the seconds, so the database's other sessions go on meanwhile.
    Park,
    /// Its batch was parked for the seconds: answer its row.
    Done,
}

/// Where an Execute's rows go beyond its row limit.
pub(crate) struct RowLimit<'a> {
    pub max_rows: u32,
    pub state: &'a mut PortalState,
}

impl Engine {
    /// Translates statement `index` of `sql` against the catalog `id` sees now, on the
    /// session's search path.
    pub(super) fn translation(
        &mut self,
        id: SessionId,
        session: &Session,
        sql: &str,
        statements: &[Parsed],
        index: usize,
        hints: &[Option<PgType>],
    ) -> Result<Translation, PgError> {
        let catalog = self.catalog_for(id);
        let path = search_path(id, session, &catalog);
        let generation = self.generation;
        let t = self
            .cache
            .translate(sql, statements, index, generation, &catalog, &path, hints)?;
        match &t.kind {
            Kind::Execute(execute) => super::prepared::describe_execute(session, &t, execute),
            _ => Ok(t),
        }
    }

    /// Runs one statement for `id`.
    pub(super) fn run_statement(
        &mut self,
        id: SessionId,
        session: &mut Session,
        t: &Translated,
        delivery: Delivery<'_>,
        sink: &mut dyn Sink,
    ) -> Result<(), Stop> {
        let tx = &mut session.transaction;
        if tx.failed && !matches!(t.kind, Kind::Commit | Kind::Rollback | Kind::RollbackTo(_)) {
            if let Some(reason) = tx.aborted_by.take() {
                return Err(PgError::new(SqlState::IN_FAILED_SQL_TRANSACTION, reason)
                    .with_hint("Run ROLLBACK to use this session again.")
                    .into());
            }
            return Err(PgError::in_failed_transaction().into());
        }
        if !tx.is_open() {
            tx.implicit = true;
            tx.started_at = now_micros();
        }
        match &t.kind {
            Kind::Command("DISCARD ALL") => {
                if session.transaction.block {
                    return Err(PgError::active_sql_transaction("DISCARD ALL").into());
                }
                self.discard_all(id, session, sink)?;
                // Its SQLite drops the session's temporary tables.
                self.run_sql(id, session, t, delivery, sink)
            }
            Kind::Command("LOCK TABLE") if !session.transaction.block && !self.in_multi_query => {
                Err(PgError::new(
                    SqlState::NO_ACTIVE_SQL_TRANSACTION,
                    "LOCK TABLE can only be used in transaction blocks",
                )
                .into())
            }
            Kind::Command("DISCARD SEQUENCES") => {
                lock(&self.functions.sequences).forget_session(id);
                sink.command_complete("DISCARD SEQUENCES");
                Ok(())
            }
            Kind::Select | Kind::Insert | Kind::Update | Kind::Delete | Kind::Command(_) => {
                self.run_sql(id, session, t, delivery, sink)
            }
            Kind::Listen(channel) => {
                session.transaction.notify.listen(channel.clone());
                sink.command_complete("LISTEN");
                Ok(())
            }
            Kind::Unlisten(channel) => {
                session.transaction.notify.unlisten(channel.clone());
                sink.command_complete("UNLISTEN");
                Ok(())
            }
            Kind::Notify { channel, payload } => {
                session
                    .transaction
                    .notify
                    .notify(channel.clone(), payload.clone())?;
                sink.command_complete("NOTIFY");
                Ok(())
            }
            Kind::CopyTo(format) => self.copy_out(id, session, t, format, delivery.params, sink),
            Kind::Declare(spec) => self.declare_cursor(id, session, t, spec, delivery.params, sink),
            Kind::Fetch(fetch) => self.fetch(session, fetch, delivery, sink),
            Kind::Close(name) => super::cursors::close(session, name.as_deref(), sink),
            Kind::GuardedDo(guarded) => self.guarded_do(id, session, guarded, delivery, sink),
            Kind::Prepare(prepare) => self.prepare(id, session, prepare, sink),
            Kind::Execute(execute) => self.execute_prepared(id, session, execute, delivery, sink),
            Kind::Deallocate(name) => super::prepared::deallocate(session, name.as_deref(), sink),
            Kind::CopyFrom(spec) => self.copy_in_start(session, t, spec, sink),
            Kind::Database(command) => self.database_command(
                id,
                session,
                command,
                delivery.formats,
                delivery.describe,
                sink,
            ),
            Kind::Empty => {
                sink.empty_query();
                Ok(())
            }
            Kind::Begin(mode, tag) => {
                self.begin(session, mode, tag, sink);
                Ok(())
            }
            Kind::Commit => self.commit(id, session, sink),
            Kind::Rollback => {
                self.rollback(id, session, sink);
                Ok(())
            }
            Kind::Savepoint(name) => self.savepoint(id, session, name, sink),
            Kind::Release(name) => self.release(session, name, sink),
            Kind::RollbackTo(name) => self.rollback_to(session, name, sink),
            Kind::Set { name, value, local } => {
                self.set(session, name, value.as_deref(), *local, sink)
            }
            Kind::SetTransaction(mode) => {
                if session.transaction.block {
                    merge_mode(&mut session.transaction.mode, mode);
                } else {
                    sink.notice(&warning(
                        SqlState::NO_ACTIVE_SQL_TRANSACTION,
                        "SET TRANSACTION can only be used in transaction blocks",
                    ));
                }
                sink.command_complete("SET");
                Ok(())
            }
            Kind::SetConstraints { immediate, keys } => {
                self.set_constraints(id, session, *immediate, keys, sink)
            }
            Kind::Show(name) => self.show(session, name, delivery.formats, delivery.describe, sink),
            Kind::Reset(name) => {
                let in_tx = session.transaction.is_open();
                let changed = lock(&session.settings).reset(name.as_deref(), in_tx)?;
                report(session, &changed, sink);
                sink.command_complete("RESET");
                Ok(())
            }
        }
    }

    /// What DISCARD ALL resets besides the temporary tables: the session is as new (settings,
    /// named prepared statements, portals and cursors, LISTENs, advisory locks, currval). Run
    /// again if the statement parks, which changes nothing more.
    fn discard_all(
        &mut self,
        id: SessionId,
        session: &mut Session,
        sink: &mut dyn Sink,
    ) -> Result<(), PgError> {
        session.cursors.clear();
        session.portals.clear();
        // PostgreSQL keeps the unnamed statement, which may be the one running.
        session.statements.retain(|name, _| name.is_empty());
        let in_tx = session.transaction.is_open();
        let changed = lock(&session.settings).reset(None, in_tx)?;
        report(session, &changed, sink);
        session.transaction.notify.unlisten(None);
        lock(&self.functions.advisory).release_all(id);
        lock(&self.functions.sequences).forget_session(id);
        Ok(())
    }

    pub(super) fn run_sql(
        &mut self,
        id: SessionId,
        session: &mut Session,
        t: &Translated,
        delivery: Delivery<'_>,
        sink: &mut dyn Sink,
    ) -> Result<(), Stop> {
        let role = self.acquire(id, session, t)?;
        // A read runs on the writer too while no transaction's changes are loaded there: SQLite
        // empties the reader's page cache after every commit, the writer's stays warm. Catalog
        // reads stay on the reader, whose catalog views no rollback on the writer takes away.
        let on_writer = role == Role::Writer || (self.lock_holder.is_none() && !t.reads_catalog);
        if !on_writer {
            // The reader sees only what SQLite committed.
            self.settle()?;
            self.pin_reader_snapshot()?;
        } else if role == Role::Reader {
            self.open_shared_for_reads()?;
        }
        if t.reads_catalog {
            crate::system::ensure_views(self.connection(role), role == Role::Reader)
                .map_err(|e| sqlite_error::to_pg(e, None))?;
            lock(&self.functions.current).prepared_statements = super::prepared::listing(session);
        }
        self.begin_statement(id, session);
        // A transaction that shares the writer records its row changes (`sharing.rs`); nothing
        // records otherwise, as every recording statement stops recording when it ends.
        let recording = role == Role::Writer && !session.transaction.pinned;
        if recording {
            lock(&self.functions.changes).start(id);
        }
        let conn = if on_writer {
            &self.writer
        } else {
            &self.reader
        };
        let db = Db {
            conn,
            seen: &mut self.sqlite_seen,
            changes: recording.then_some(&self.functions.changes),
            read_only: role == Role::Reader,
        };
        let params = delivery.params;
        let mut nap = None;
        let result = match (&t.sleep, delivery.nap) {
            (Some(seconds), Nap::Park) => match sleep_seconds(db, seconds, params) {
                Ok(Some(d)) if !d.is_zero() => {
                    nap = Some(d);
                    Ok(None)
                }
                Ok(seconds) => answer_sleep(t, delivery, seconds.is_none(), sink).map(Some),
                Err(e) => Err(e),
            },
            (Some(_), Nap::Done) => answer_sleep(t, delivery, false, sink).map(Some),
            _ => run_sqlite(db, t, delivery, sink),
        };
        if !t.captures.is_empty() {
            drop_captures(conn, &t.captures);
        }
        let conflict = recording && {
            let mut changes = lock(&self.functions.changes);
            changes.stop();
            if changes.take_outgrown(id) {
                session.transaction.pinned = true;
            }
            changes.conflict()
        };
        let cause = self.interrupts.check();
        self.interrupts.stop();
        let raised = lock(&self.functions.raised).take();
        let notifications = std::mem::take(&mut lock(&self.functions.current).notifications);
        if conflict {
            return Err(self.conflicted(id, session));
        }
        let tag = result.map_err(|e| match e {
            Failure::Sqlite(e) => {
                let conn = if on_writer {
                    &self.writer
                } else {
                    &self.reader
                };
                // The statement's rows, to name the failing row or key of a violation.
                let probed = t
                    .row_probe
                    .as_ref()
                    .filter(|_| sqlite_error::names_a_row(&e, raised.as_ref()))
                    .and_then(|probe| {
                        Some(sqlite_error::Probed {
                            probe,
                            rows: probe_rows(conn, &probe.sql, params)?,
                            deleting: t.kind == Kind::Delete,
                        })
                    });
                // An error of the probe itself is no one's.
                lock(&self.functions.raised).take();
                let catalog = self.catalog_for(id);
                sqlite_error::statement_error(e, raised, cause, &catalog, conn, probed.as_ref())
            }
            Failure::Pg(e) => e,
            // Handled above: the statement waits for the row's holder and runs again.
            Failure::Conflict => PgError::internal("row lock conflict"),
        })?;
        if let Some(d) = nap {
            return Err(Stop::Sleep(d));
        }
        // DDL is left out: its catalog is not loaded yet, and it is not what breaks a key.
        if role == Role::Writer && t.writes && !t.changes_catalog {
            if !session.transaction.immediate.is_empty() {
                self.check_immediate(id, session)?;
            }
            self.check_keys(id, session, true)?;
        }
        if role == Role::Writer && t.changes_catalog {
            self.pending = Some(Arc::new(load_catalog(&self.writer)?));
            self.generation += 1;
            self.reload_sequences(Role::Writer)?;
        }
        if let Some(temp) = &t.temp_on_commit {
            session.temp_on_commit.push(temp.clone());
        }
        for (channel, payload) in notifications {
            session.transaction.notify.notify(channel, payload)?;
        }
        for notice in &t.notices {
            sink.notice(notice);
        }
        if let Some(tag) = tag {
            if self.hold_tag {
                self.held_tag = Some(tag);
            } else {
                sink.command_complete(&tag);
            }
        }
        Ok(())
    }

    /// Writes advanced sequence values in the writer's transaction, before it commits: any
    /// session's, as sequences are not transactional.
    pub(super) fn save_sequences(&self) -> Result<(), PgError> {
        let dirty = lock(&self.functions.sequences).take_dirty();
        for (name, last_value, is_called) in dirty {
            self.writer
                .prepare_cached(
                    "UPDATE __devdb_sequences SET last_value = ?1, is_called = ?2 WHERE name = ?3",
                )
                .and_then(|mut st| st.execute(rusqlite::params![last_value, is_called, name]))
                .map_err(|e| sqlite_error::to_pg(e, None))?;
        }
        Ok(())
    }

    /// Runs `SAVEPOINT`, `RELEASE` or `ROLLBACK TO` for savepoint `name` on the writer.
    pub(super) fn on_writer(&self, verb: &str, name: &str) -> Result<(), PgError> {
        self.writer
            .execute_batch(&format!("{verb} {}", quote(name)))
            .map_err(|e| sqlite_error::to_pg(e, None))
    }

    fn begin(
        &mut self,
        session: &mut Session,
        mode: &TransactionMode,
        tag: &str,
        sink: &mut dyn Sink,
    ) {
        let tx = &mut session.transaction;
        if tx.block {
            sink.notice(&warning(
                SqlState::ACTIVE_SQL_TRANSACTION,
                "there is already a transaction in progress",
            ));
        } else {
            tx.block = true;
            tx.mode = mode.clone();
        }
        sink.command_complete(tag);
    }

    fn commit(
        &mut self,
        id: SessionId,
        session: &mut Session,
        sink: &mut dyn Sink,
    ) -> Result<(), Stop> {
        if !session.transaction.block {
            sink.notice(&warning(
                SqlState::NO_ACTIVE_SQL_TRANSACTION,
                "there is no transaction in progress",
            ));
            sink.command_complete("COMMIT");
            return Ok(());
        }
        if session.transaction.failed {
            self.finish_transaction(id, session, false, sink)?;
            sink.command_complete("ROLLBACK");
            return Ok(());
        }
        if lock(&self.functions.changes).has_log(id) {
            // Shelved changes are written again to be committed.
            self.writer_for(id, session, false)?;
        }
        self.finish_transaction(id, session, true, sink)?;
        sink.command_complete("COMMIT");
        Ok(())
    }

    /// SET CONSTRAINTS: IMMEDIATE checks the deferred foreign keys in `keys` now, and marks
    /// them for [`Self::check_immediate`] until DEFERRED or the end of the block. Only rows
    /// this transaction wrote can break them, so the check runs on the writer while no other
    /// transaction's rows are there.
    fn set_constraints(
        &mut self,
        id: SessionId,
        session: &mut Session,
        immediate: bool,
        keys: &[(String, String)],
        sink: &mut dyn Sink,
    ) -> Result<(), Stop> {
        if !session.transaction.block {
            sink.notice(&warning(
                SqlState::NO_ACTIVE_SQL_TRANSACTION,
                "SET CONSTRAINTS can only be used in transaction blocks",
            ));
        }
        let wrote = session.transaction.writing || lock(&self.functions.changes).has_log(id);
        if immediate && wrote && !keys.is_empty() {
            self.writer_for(id, session, true)?;
            let catalog = self.catalog_for(id);
            let broken = sqlite_error::dangling_reference(&catalog, &self.writer, keys)
                .or_else(|| sqlite_error::repeated_key(&catalog, &self.writer, keys));
            if let Some(err) = broken {
                return Err(err.into());
            }
        }
        let tx = &mut session.transaction;
        if tx.block {
            tx.immediate.retain(|k| !keys.contains(k));
            tx.deferred.retain(|k| !keys.contains(k));
            if immediate {
                tx.immediate.extend_from_slice(keys);
            } else {
                tx.deferred.extend_from_slice(keys);
            }
        }
        sink.command_complete("SET CONSTRAINTS");
        Ok(())
    }

    /// The deferred foreign keys SET CONSTRAINTS made immediate, checked at the end of a
    /// statement that wrote on the writer, as PostgreSQL checks an immediate constraint.
    fn check_immediate(&self, id: SessionId, session: &Session) -> Result<(), PgError> {
        let catalog = self.catalog_for(id);
        let keys = &session.transaction.immediate;
        sqlite_error::dangling_reference(&catalog, &self.writer, keys).map_or(Ok(()), Err)
    }

    /// The deferrable unique and primary keys, which SQLite does not check: with `immediate`
    /// those checked at the end of each statement that writes now, else the deferred ones,
    /// checked at commit. Only the writer holds rows that can break them.
    fn check_keys(&self, id: SessionId, session: &Session, immediate: bool) -> Result<(), PgError> {
        let catalog = self.catalog_for(id);
        let tx = &session.transaction;
        let keys: Vec<(String, String)> = catalog
            .constraints
            .iter()
            .filter(|c| {
                c.deferrable
                    && matches!(
                        c.kind,
                        devdb_sql::catalog::ConstraintKind::PrimaryKey
                            | devdb_sql::catalog::ConstraintKind::Unique
                    )
            })
            .filter_map(|c| {
                let key = (c.table.clone(), c.name.clone());
                (tx.key_is_immediate(&key, c.initially_deferred) == immediate).then_some(key)
            })
            .collect();
        if keys.is_empty() {
            return Ok(());
        }
        sqlite_error::repeated_key(&catalog, &self.writer, &keys).map_or(Ok(()), Err)
    }

    /// Runs the ON COMMIT actions of the session's temporary tables in its transaction, before
    /// it commits: DELETE ROWS empties a table, DROP drops it.
    fn temp_on_commit(&mut self, id: SessionId, session: &mut Session) -> Result<(), PgError> {
        let mut kept = Vec::new();
        for temp in std::mem::take(&mut session.temp_on_commit) {
            let Some(t) = devdb_sql::on_commit(&temp, &self.catalog_for(id))? else {
                continue;
            };
            for sql in &t.sqlite {
                self.writer
                    .execute_batch(sql)
                    .map_err(|e| sqlite_error::to_pg(e, None))?;
            }
            if t.changes_catalog {
                self.pending = Some(Arc::new(load_catalog(&self.writer)?));
                self.generation += 1;
                self.reload_sequences(Role::Writer)?;
            }
            if temp.action == devdb_sql::OnCommitAction::DeleteRows {
                kept.push(temp);
            }
        }
        session.temp_on_commit = kept;
        Ok(())
    }

    /// A failed COMMIT's error; a deferred foreign key's names the row and key that break it.
    fn commit_error(&self, id: SessionId, err: rusqlite::Error) -> PgError {
        let err = sqlite_error::to_pg(err, None);
        if err.code != SqlState::FOREIGN_KEY_VIOLATION {
            return err;
        }
        let catalog = self.catalog_for(id);
        let deferred: Vec<(String, String)> = catalog
            .constraints
            .iter()
            .filter(|c| c.initially_deferred)
            .map(|c| (c.table.clone(), c.name.clone()))
            .collect();
        sqlite_error::dangling_reference(&catalog, &self.writer, &deferred).unwrap_or(err)
    }

    fn rollback(&mut self, id: SessionId, session: &mut Session, sink: &mut dyn Sink) {
        if !session.transaction.block {
            sink.notice(&warning(
                SqlState::NO_ACTIVE_SQL_TRANSACTION,
                "there is no transaction in progress",
            ));
        }
        // A failed rollback leaves nothing to keep: the transaction is over either way.
        let _ = self.finish_transaction(id, session, false, sink);
        sink.command_complete("ROLLBACK");
    }

    /// Ends the session's transaction, explicit or implicit: commits or rolls back the writer,
    /// releases the lock, publishes or drops uncommitted catalog changes, restores settings.
    pub(super) fn finish_transaction(
        &mut self,
        id: SessionId,
        session: &mut Session,
        commit: bool,
        sink: &mut dyn Sink,
    ) -> Result<(), PgError> {
        let mut result = Ok(());
        if session.transaction.writing {
            if commit {
                // Deferred constraints are checked before the ON COMMIT actions, as in
                // PostgreSQL.
                result = self
                    .check_keys(id, session, false)
                    .and_then(|()| self.temp_on_commit(id, session))
                    .and_then(|()| self.save_sequences());
                if result.is_ok() {
                    result = if self.commits_in_group(session) {
                        self.commit_shared(id)
                    } else {
                        // Readers must move to the new snapshot, and an old one would hold
                        // back the checkpoint this commit may run.
                        self.release_reader_snapshot();
                        // Whatever waited to settle commits with it.
                        super::control(&self.writer, "COMMIT")
                            .inspect(|()| lock(&self.functions.changes).settled())
                    }
                    .map_err(|e| self.commit_error(id, e));
                }
                if result.is_err() && !self.writer.is_autocommit() {
                    self.rollback_writer();
                }
                if result.is_ok()
                    && let Some(pending) = self.pending.take()
                {
                    self.committed = pending;
                    self.generation += 1;
                }
            } else if session.transaction.pinned {
                self.rollback_writer();
            } else {
                self.shelve(id, session);
            }
            let committed = commit && result.is_ok();
            lock(&self.functions.sequences).end_transaction(committed);
            if !committed {
                // Sequences in memory keep their values (unless altered); the catalog goes back.
                let _ = self.reload_sequences(Role::Reader);
            }
            self.release_lock(id);
        }
        lock(&self.functions.changes).end(id);
        lock(&self.functions.advisory).end_transaction(id);
        let committed = commit && result.is_ok();
        if !committed {
            // A rolled-back CREATE TEMP TABLE leaves no action behind.
            let catalog = self.catalog_for(id);
            session
                .temp_on_commit
                .retain(|temp| catalog.table(&temp.table).is_some());
        }
        let changed = lock(&session.settings).end_transaction(committed);
        super::cursors::end_transaction(session, committed);
        report(session, &changed, sink);
        let notify = std::mem::take(&mut session.transaction.notify);
        if committed && !notify.is_empty() {
            for note in self.listeners.commit(id, notify) {
                sink.notification(&note);
            }
        }
        session.transaction = Default::default();
        session.portals.clear();
        result
    }

    /// After a statement failed: an explicit block is marked failed, an implicit transaction is
    /// rolled back at once (PostgreSQL aborts the whole implicit transaction).
    pub(super) fn statement_failed(
        &mut self,
        id: SessionId,
        session: &mut Session,
        sink: &mut dyn Sink,
    ) {
        let tx = &mut session.transaction;
        if tx.block && !tx.pinned {
            // Without savepoints nothing of it can be used again: like PostgreSQL, it lets go
            // of its rows at once, not at ROLLBACK.
            tx.failed = true;
            if tx.writing {
                self.shelve(id, session);
            }
            lock(&self.functions.changes).end(id);
        } else if tx.block {
            tx.failed = true;
            if tx.writing && self.writer.is_autocommit() {
                // SQLite rolled the whole transaction back itself (interrupts, I/O errors).
                tx.writing = false;
                tx.materialized = 0;
                self.release_lock(id);
            }
        } else if tx.implicit {
            let _ = self.finish_transaction(id, session, false, sink);
        }
    }

    fn savepoint(
        &mut self,
        id: SessionId,
        session: &mut Session,
        name: &str,
        sink: &mut dyn Sink,
    ) -> Result<(), Stop> {
        let tx = &mut session.transaction;
        if !tx.block {
            return Err(PgError::new(
                SqlState::NO_ACTIVE_SQL_TRANSACTION,
                "SAVEPOINT can only be used in transaction blocks",
            )
            .into());
        }
        if tx.writing || lock(&self.functions.changes).has_log(id) {
            // Savepoints live in the SQLite transaction, which must then stay open.
            self.writer_for(id, session, true)?;
            self.on_writer("SAVEPOINT", name)?;
            session.transaction.materialized += 1;
        }
        let tx = &mut session.transaction;
        tx.savepoints.push(name.to_owned());
        tx.notify_marks.push(tx.notify.mark());
        tx.immediate_marks
            .push((tx.immediate.clone(), tx.deferred.clone()));
        sink.command_complete("SAVEPOINT");
        Ok(())
    }

    fn release(
        &mut self,
        session: &mut Session,
        name: &str,
        sink: &mut dyn Sink,
    ) -> Result<(), Stop> {
        let tx = &mut session.transaction;
        let index = find_savepoint(tx.block, &tx.savepoints, name, "RELEASE SAVEPOINT")?;
        if index < tx.materialized {
            self.on_writer("RELEASE", name)?;
            tx.materialized = index;
        }
        tx.savepoints.truncate(index);
        tx.notify_marks.truncate(index);
        tx.immediate_marks.truncate(index);
        sink.command_complete("RELEASE");
        Ok(())
    }

    fn rollback_to(
        &mut self,
        session: &mut Session,
        name: &str,
        sink: &mut dyn Sink,
    ) -> Result<(), Stop> {
        let tx = &mut session.transaction;
        let index = find_savepoint(tx.block, &tx.savepoints, name, "ROLLBACK TO SAVEPOINT")?;
        if index < tx.materialized {
            self.on_writer("ROLLBACK TO", name)?;
            tx.materialized = index + 1;
            if self.pending.is_some() {
                self.pending = Some(Arc::new(load_catalog(&self.writer)?));
                self.generation += 1;
                self.reload_sequences(Role::Writer)?;
            }
        }
        tx.savepoints.truncate(index + 1);
        if let Some(&mark) = tx.notify_marks.get(index) {
            tx.notify.rollback_to(mark);
        }
        tx.notify_marks.truncate(index + 1);
        if let Some((immediate, deferred)) = tx.immediate_marks.get(index) {
            tx.immediate.clone_from(immediate);
            tx.deferred.clone_from(deferred);
        }
        tx.immediate_marks.truncate(index + 1);
        tx.failed = false;
        sink.command_complete("ROLLBACK");
        Ok(())
    }

    fn set(
        &mut self,
        session: &mut Session,
        name: &str,
        value: Option<&str>,
        local: bool,
        sink: &mut dyn Sink,
    ) -> Result<(), Stop> {
        if local && !session.transaction.block {
            sink.notice(&warning(
                SqlState::NO_ACTIVE_SQL_TRANSACTION,
                "SET LOCAL can only be used in transaction blocks",
            ));
            sink.command_complete("SET");
            return Ok(());
        }
        let in_tx = session.transaction.is_open();
        let reported = lock(&session.settings).set(name, value, local, in_tx)?;
        if let Some(reported) = reported {
            report(session, &[reported], sink);
        }
        sink.command_complete("SET");
        Ok(())
    }

    fn show(
        &mut self,
        session: &mut Session,
        name: &str,
        formats: &[Format],
        send_description: bool,
        sink: &mut dyn Sink,
    ) -> Result<(), Stop> {
        let settings = lock(&session.settings);
        let rows: Vec<Vec<String>> = if name == "all" {
            settings
                .all()
                .into_iter()
                .map(|(n, v)| {
                    vec![
                        n.to_owned(),
                        v.to_owned(),
                        crate::parameters::description(n),
                    ]
                })
                .collect()
        } else {
            vec![vec![settings.get(name)?.to_owned()]]
        };
        drop(settings);
        let columns = show_columns(name);
        let formats = resolve_formats(formats, columns.len());
        if send_description {
            sink.row_description(&columns, &formats);
        }
        for row in &rows {
            let datums: Vec<Datum<'_>> = row.iter().map(|s| Datum::Text(s)).collect();
            sink.data_row(&datums, &columns, &formats)?;
        }
        sink.command_complete("SHOW");
        Ok(())
    }
}

/// The session's search_path against `catalog`; its temporary schema is `pg_temp_<pid>`.
/// Resolved again only when the setting, the user or the catalog changed: every statement and
/// Bind asks for it.
pub(super) fn search_path(
    id: SessionId,
    session: &Session,
    catalog: &Arc<Catalog>,
) -> Arc<SearchPath> {
    let settings = lock(&session.settings);
    let setting = settings.get("search_path").unwrap_or_default();
    let user = &session.info.user;
    let mut resolved = session.path.borrow_mut();
    if let Some(r) = resolved.as_ref()
        && Arc::ptr_eq(&r.catalog, catalog)
        && r.setting == setting
        && r.user == *user
    {
        return r.path.clone();
    }
    let path = Arc::new(SearchPath::new(setting, user, temp_schema(id), catalog));
    *resolved = Some(crate::session::ResolvedPath {
        setting: setting.to_owned(),
        user: user.clone(),
        catalog: catalog.clone(),
        path: path.clone(),
    });
    path
}

/// The name of a session's temporary schema.
pub(crate) fn temp_schema(id: SessionId) -> String {
    format!("{}{}", devdb_sql::search_path::TEMP_SCHEMA_PREFIX, id.0)
}

/// The columns SHOW returns: the setting's name, or name/setting/description for SHOW ALL.
pub(super) fn show_columns(name: &str) -> Vec<Column> {
    let text = |n: &str| Column {
        name: n.to_owned(),
        ty: PgType::Text,
        typmod: -1,
        enum_oid: None,
    };
    if name == "all" {
        vec![text("name"), text("setting"), text("description")]
    } else {
        // The column is named as the setting is spelled (`SHOW timezone` gives `TimeZone`).
        let spelled = crate::settings::REPORTED
            .iter()
            .find(|r| r.eq_ignore_ascii_case(name))
            .map_or(name, |r| r);
        vec![text(spelled)]
    }
}

/// Result formats as Bind sent them (none, one for all, or one each), one per column.
pub(super) fn resolve_formats(formats: &[Format], n: usize) -> Vec<Format> {
    match formats {
        [] => vec![Format::Text; n],
        [one] => vec![*one; n],
        many => many.to_vec(),
    }
}

fn report(session: &Session, names: &[&str], sink: &mut dyn Sink) {
    let settings = lock(&session.settings);
    for name in names {
        if let Ok(value) = settings.get(name) {
            sink.parameter_status(name, value);
        }
    }
}

fn find_savepoint(
    block: bool,
    savepoints: &[String],
    name: &str,
    what: &str,
) -> Result<usize, PgError> {
    if !block {
        return Err(PgError::new(
            SqlState::NO_ACTIVE_SQL_TRANSACTION,
            format!("{what} can only be used in transaction blocks"),
        ));
    }
    savepoints.iter().rposition(|s| s == name).ok_or_else(|| {
        PgError::new(
            SqlState::S_E_INVALID_SPECIFICATION,
            format!("savepoint \"{name}\" does not exist"),
        )
    })
}

fn merge_mode(mode: &mut TransactionMode, change: &TransactionMode) {
    if change.isolation.is_some() {
        mode.isolation = change.isolation;
    }
    if change.read_only.is_some() {
        mode.read_only = change.read_only;
    }
}

fn warning(code: SqlState, message: &str) -> PgError {
    let mut w = PgError::new(code, message);
    w.severity = Severity::Warning;
    w
}

/// An SQL identifier for SQLite, in double quotes.
pub(super) fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

enum Failure {
    Sqlite(rusqlite::Error),
    Pg(PgError),
    /// The statement touched a row another transaction holds (`changes.rs`).
    Conflict,
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Self {
        Failure::Sqlite(e)
    }
}

impl From<PgError> for Failure {
    fn from(e: PgError) -> Self {
        Failure::Pg(e)
    }
}

/// Runs the SQLite statements of `t` on `conn`; rows go to `sink`. Returns the command tag,
/// or None when the portal was suspended at its row limit. With `delivery.describe`, a RowDescription
/// goes out before the first row (or at the end, for none): an error before any row then
/// arrives alone, as from PostgreSQL, which fails such statements before describing them.
fn run_sqlite(
    db: Db<'_>,
    t: &Translated,
    delivery: Delivery<'_>,
    sink: &mut dyn Sink,
) -> Result<Option<String>, Failure> {
    let Delivery {
        params,
        formats,
        mut describe,
        limit,
        nap: _,
    } = delivery;
    fill_captures(db.conn, db.seen, &t.captures, params)?;
    let Some((main, before)) = t.sqlite.split_last() else {
        return Ok(Some(tag(t, 0, 0)));
    };
    for sql in before {
        let mut st = prepare(db.conn, sql, db.seen, db.read_only)?;
        bind(&mut st, params)?;
        st.raw_execute()?;
    }
    let mut st = prepare(db.conn, main, db.seen, db.read_only)?;
    bind(&mut st, params)?;
    if t.columns.is_empty() {
        st.raw_execute()?;
        return Ok(Some(tag(t, 0, db.conn.changes())));
    }
    let n = t.columns.len();
    let formats = resolve_formats(formats, n);
    let max_rows = limit.as_ref().map_or(0, |l| l.max_rows as u64);
    let mut sent = 0u64;
    let mut rows = st.raw_query();
    while let Some(row) = rows.next()? {
        // SQLite makes every change of a RETURNING statement before its first row: a row lock
        // conflict is known now, before anything is sent.
        if sent == 0 && db.changes.is_some_and(|c| lock(c).conflict()) {
            return Err(Failure::Conflict);
        }
        if describe {
            sink.row_description(&t.columns, &formats);
            describe = false;
        }
        if max_rows > 0 && sent == max_rows {
            let mut rest = VecDeque::new();
            rest.push_back(owned_row(row, n));
            while let Some(row) = rows.next()? {
                rest.push_back(owned_row(row, n));
            }
            if let Some(limit) = limit {
                *limit.state = PortalState::Suspended(rest);
            }
            sink.portal_suspended();
            return Ok(None);
        }
        if n <= INLINE_COLUMNS {
            let mut buf = [Datum::Null; INLINE_COLUMNS];
            for (i, slot) in buf.iter_mut().take(n).enumerate() {
                *slot = stored(row.get_ref(i).ok());
            }
            sink.data_row(&buf[..n], &t.columns, &formats)?;
        } else {
            let buf: Vec<Datum<'_>> = (0..n).map(|i| stored(row.get_ref(i).ok())).collect();
            sink.data_row(&buf, &t.columns, &formats)?;
        }
        sent += 1;
    }
    drop(rows);
    if describe {
        sink.row_description(&t.columns, &formats);
    }
    if let Some(limit) = limit {
        *limit.state = PortalState::Done;
    }
    Ok(Some(tag(t, sent, db.conn.changes())))
}

/// The time a statement that only sleeps waits, from its `Translated::sleep` query (zero for
/// a negative or NaN number of seconds); None for NULL, as pg_sleep is strict.
fn sleep_seconds(
    db: Db<'_>,
    sql: &str,
    params: &[Value],
) -> Result<Option<std::time::Duration>, Failure> {
    let mut st = prepare(db.conn, sql, db.seen, db.read_only)?;
    bind(&mut st, params)?;
    let mut rows = st.raw_query();
    let seconds = match rows.next()?.map(|row| row.get_ref(0)).transpose()? {
        None | Some(ValueRef::Null) => return Ok(None),
        Some(ValueRef::Real(s)) => s,
        Some(ValueRef::Integer(s)) => s as f64,
        Some(_) => 0.0,
    };
    Ok(Some(crate::functions::sleep_duration(seconds)))
}

/// The one row of a statement that only sleeps, once it has slept: pg_sleep's void (NULL for
/// a NULL argument).
fn answer_sleep(
    t: &Translated,
    delivery: Delivery<'_>,
    null: bool,
    sink: &mut dyn Sink,
) -> Result<String, Failure> {
    let formats = resolve_formats(delivery.formats, t.columns.len());
    if delivery.describe {
        sink.row_description(&t.columns, &formats);
    }
    let void = if null { Datum::Null } else { Datum::Text("") };
    sink.data_row(&[void], &t.columns, &formats)?;
    if let Some(limit) = delivery.limit {
        *limit.state = PortalState::Done;
    }
    Ok(tag(t, 1, 0))
}

/// Fills the temporary tables a data-modifying WITH reads, in order: each part runs and its
/// rows are stored as they came, in untyped columns (no affinity converts them).
fn fill_captures(
    conn: &Connection,
    seen: &mut Sightings,
    captures: &[Capture],
    params: &[Value],
) -> Result<(), Failure> {
    for capture in captures {
        let table = quote(&capture.table);
        let columns: Vec<String> = capture.columns.iter().map(|c| quote(c)).collect();
        conn.execute_batch(&format!("DROP TABLE IF EXISTS temp.{table}"))?;
        if !columns.is_empty() {
            conn.execute_batch(&format!(
                "CREATE TEMP TABLE {table} ({})",
                columns.join(", ")
            ))?;
        }
        let Some((last, before)) = capture.sqlite.split_last() else {
            continue;
        };
        for sql in before {
            let mut st = prepare(conn, sql, seen, false)?;
            bind(&mut st, params)?;
            st.raw_execute()?;
        }
        let mut st = prepare(conn, last, seen, false)?;
        bind(&mut st, params)?;
        let n = columns.len();
        if n == 0 {
            st.raw_execute()?;
            continue;
        }
        let mut rows = Vec::new();
        let mut results = st.raw_query();
        while let Some(row) = results.next()? {
            rows.push(owned_row(row, n));
        }
        drop(results);
        let slots: Vec<String> = (1..=n).map(|i| format!("?{i}")).collect();
        let mut insert = conn.prepare_cached(&format!(
            "INSERT INTO temp.{table} VALUES ({})",
            slots.join(", ")
        ))?;
        for row in rows {
            for (i, value) in row.into_iter().enumerate() {
                insert.raw_bind_parameter(i + 1, to_sqlite(value))?;
            }
            insert.raw_execute()?;
        }
    }
    Ok(())
}

/// Drops the tables of [`fill_captures`] when the statement ends, however it ended.
fn drop_captures(conn: &Connection, captures: &[Capture]) {
    for capture in captures {
        // Gone already when the failure rolled the transaction back.
        let _ = conn.execute_batch(&format!(
            "DROP TABLE IF EXISTS temp.{}",
            quote(&capture.table)
        ));
    }
}

/// The connection a statement runs on, with what decides which statements it keeps prepared.
struct Db<'a> {
    conn: &'a Connection,
    seen: &'a mut Sightings,
    /// The row changes being recorded, when the statement's transaction shares the writer.
    changes: Option<&'a std::sync::Mutex<super::changes::Changes>>,
    /// A read, which must not write wherever it runs (the reader is `query_only`; a read on
    /// the writer is checked statement by statement).
    read_only: bool,
}

/// A SQLite statement from the connection's cache, or prepared for one use.
enum Prepared<'c> {
    Cached(rusqlite::CachedStatement<'c>),
    Once(SqliteStatement<'c>),
}

impl<'c> std::ops::Deref for Prepared<'c> {
    type Target = SqliteStatement<'c>;

    fn deref(&self) -> &Self::Target {
        match self {
            Prepared::Cached(st) => st,
            Prepared::Once(st) => st,
        }
    }
}

impl std::ops::DerefMut for Prepared<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match self {
            Prepared::Cached(st) => st,
            Prepared::Once(st) => st,
        }
    }
}

/// Prepares `sql`, caching it from its second use on: a text seen once (literals inlined)
/// would only evict statements worth keeping.
fn prepare<'c>(
    conn: &'c Connection,
    sql: &str,
    seen: &mut Sightings,
    read_only: bool,
) -> Result<Prepared<'c>, Failure> {
    let st = if seen.first(sql) {
        conn.prepare(sql).map(Prepared::Once)?
    } else {
        conn.prepare_cached(sql).map(Prepared::Cached)?
    };
    if read_only && !st.readonly() {
        return Err(Failure::Pg(PgError::internal(
            "a statement translated as a read writes",
        )));
    }
    Ok(st)
}

fn owned_row(row: &rusqlite::Row<'_>, n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| stored(row.get_ref(i).ok()).to_value())
        .collect()
}

/// Binds parameters by number; a statement may use fewer than the portal has.
fn bind(st: &mut SqliteStatement<'_>, params: &[Value]) -> rusqlite::Result<()> {
    let count = st.parameter_count();
    for (i, value) in params.iter().enumerate().take(count) {
        st.raw_bind_parameter(i + 1, to_sqlite(value.clone()))?;
    }
    Ok(())
}

/// The rows of a [`devdb_sql::RowProbe`] query; None when it cannot run.
fn probe_rows(
    conn: &Connection,
    sql: &str,
    params: &[Value],
) -> Option<Vec<Vec<rusqlite::types::Value>>> {
    let mut st = conn.prepare(sql).ok()?;
    bind(&mut st, params).ok()?;
    let n = st.column_count();
    let mut rows = st.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next().ok()? {
        out.push((0..n).map(|i| row.get(i)).collect::<Result<_, _>>().ok()?);
    }
    Some(out)
}

/// A SQLite value as a stored datum; invalid UTF-8 in TEXT is passed on as bytes.
pub(crate) fn stored(value: Option<ValueRef<'_>>) -> Datum<'_> {
    match value {
        None | Some(ValueRef::Null) => Datum::Null,
        Some(ValueRef::Integer(i)) => Datum::Int(i),
        Some(ValueRef::Real(f)) => Datum::Float(f),
        Some(ValueRef::Text(t)) => std::str::from_utf8(t).map_or(Datum::Blob(t), Datum::Text),
        Some(ValueRef::Blob(b)) => Datum::Blob(b),
    }
}

/// The CommandComplete tag as PostgreSQL writes it.
pub(super) fn tag(t: &Translated, rows: u64, changes: u64) -> String {
    match &t.kind {
        // CREATE TABLE AS returns no rows and counts the rows it stored.
        Kind::Select if t.columns.is_empty() => format!("SELECT {changes}"),
        Kind::Select => format!("SELECT {rows}"),
        Kind::Insert => format!("INSERT 0 {changes}"),
        Kind::Update => format!("UPDATE {changes}"),
        Kind::Delete => format!("DELETE {changes}"),
        Kind::Command(tag) => (*tag).to_owned(),
        // The statement an EXECUTE ran answers for it.
        Kind::Execute(e) => e
            .statement
            .as_ref()
            .map_or_else(String::new, |s| tag(s, rows, changes)),
        _ => String::new(),
    }
}

/// Sends the rows a suspended portal still holds, up to `max_rows` (0: all).
pub(super) fn resume_portal(
    t: &Translated,
    state: &mut PortalState,
    formats: &[Format],
    max_rows: u32,
    sink: &mut dyn Sink,
) -> Result<(), PgError> {
    let formats = resolve_formats(formats, t.columns.len());
    let PortalState::Suspended(rows) = state else {
        sink.command_complete(&tag(t, 0, 0));
        return Ok(());
    };
    let mut this_time = 0u64;
    while let Some(row) = rows.pop_front() {
        let datums: Vec<Datum<'_>> = row.iter().map(Value::as_datum).collect();
        sink.data_row(&datums, &t.columns, &formats)?;
        this_time += 1;
        if max_rows > 0 && this_time == max_rows as u64 && !rows.is_empty() {
            sink.portal_suspended();
            return Ok(());
        }
    }
    // Like PostgreSQL, the tag counts the rows of this Execute only.
    *state = PortalState::Done;
    sink.command_complete(&tag(t, this_time, this_time));
    Ok(())
}
