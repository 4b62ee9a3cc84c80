//! One database's engine: owns its SQLite connections, its sessions' state and the writer,
//! and runs batches one at a time on the database's thread (see `thread.rs`).

pub(crate) mod changes;
mod copy;
mod cursors;
mod database;
mod do_block;
mod open;
mod prepared;
mod preupdate;
mod protocol;
mod sharing;
mod statement;
mod upgrade;

use std::collections::VecDeque;

use foldhash::{HashMap, HashMapExt};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::{Arc, Mutex, Weak};
use std::time::Instant;

use devdb_pg::{PgError, PgType, Value};
use devdb_sql::search_path::TEMP_SCHEMA_PREFIX;
use devdb_sql::{Catalog, Translated};
use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::functions::{FunctionState, lock, now_micros};
use crate::handle::Job;
use crate::interrupt::Interrupts;
use crate::session::Session;
use crate::settings::Settings;
use crate::sqlite_error;
use crate::{Databases, EngineConfig, Op, Reply, SessionId, Sink};

pub(crate) use copy::PendingCopy;
pub(crate) use cursors::OpenCursor;
use open::Role;
use sharing::Wait;
pub(crate) use statement::stored;

/// A batch being run, or parked waiting for the writer or a row (`sharing.rs`).
struct Batch {
    session: SessionId,
    ops: Vec<Op>,
    /// The next op to run.
    pos: usize,
    /// Inside a simple Query: its statements and the next one to run.
    query: Option<QueryProgress>,
    /// After an error in extended protocol: skip everything up to Sync.
    skipping: bool,
    sink: Box<dyn Sink>,
    reply: oneshot::Sender<Reply>,
    /// A FATAL error was sent.
    close: bool,
    /// When the batch parked waiting for the writer or a row, and when that wait times out.
    parked: Option<(Instant, Option<Instant>)>,
    /// What it waits for while parked.
    wait: Option<Wait>,
    /// While its statement sleeps parked: when the sleep ends, and when statement_timeout
    /// stops it.
    sleep: Option<(Instant, Option<Instant>)>,
    /// Resumed after its sleep: the sleeping statement answers instead of sleeping again.
    slept: bool,
}

/// A simple Query being run: resumable when a statement parks.
struct QueryProgress {
    statements: Arc<[devdb_sql::Parsed]>,
    next: usize,
    /// The integer literals lifted into parameters, and the text they were lifted from.
    lifted: Option<devdb_sql::literals::Lifted>,
    /// An error that ends the Query where it stands when it resumes (a failed COPY FROM).
    failure: Option<PgError>,
}

/// What running a batch's ops came to.
enum Progress {
    Finished,
    /// A statement waits for the writer or for another transaction's row.
    Parked(Wait),
    /// A statement sleeps this long, parked.
    Sleeping(std::time::Duration),
}

/// Why a statement did not complete.
enum Stop {
    Park(Wait),
    /// A statement that only sleeps: its batch parks for this long (see `statement::Nap`).
    Sleep(std::time::Duration),
    /// COPY FROM STDIN: the batch ends until the client's data is complete.
    CopyIn,
    Error(PgError),
}

impl From<PgError> for Stop {
    fn from(err: PgError) -> Self {
        Stop::Error(err)
    }
}

pub(crate) struct Engine {
    reader: Connection,
    writer: Connection,
    sessions: HashMap<SessionId, Session>,
    /// The session whose SQLite transaction is open on the writer (see `sharing.rs`).
    lock_holder: Option<SessionId>,
    parked: VecDeque<Batch>,
    /// Batches whose statement sleeps (`SELECT pg_sleep(x)`), holding nothing but what their
    /// transaction holds.
    sleeping: Vec<Batch>,
    /// The catalog as committed, and the lock holder's uncommitted version after its DDL.
    committed: Arc<Catalog>,
    pending: Option<Arc<Catalog>>,
    /// Bumped whenever the catalog any session sees may have changed.
    generation: u64,
    cache: statement::Cache,
    /// SQLite texts run before, to decide which statements SQLite should keep prepared.
    sqlite_seen: statement::Sightings,
    functions: Arc<FunctionState>,
    interrupts: Arc<Interrupts>,
    /// The server's databases, for CREATE/DROP DATABASE and devdb_snapshot/devdb_restore.
    registry: Weak<Databases>,
    /// Every session's settings start from these.
    defaults: crate::settings::Defaults,
    listeners: crate::notify::Listeners,
    /// Temporary schemas of sessions that ended, dropped once the writer is free.
    orphan_temps: Vec<String>,
    /// The CommandComplete of a simple Query's last statement, held until its implicit
    /// transaction commits (`hold_tag` set while that statement runs): PostgreSQL commits
    /// before it sends that tag, so a COMMIT failing on a deferred constraint sends only the
    /// error.
    hold_tag: bool,
    held_tag: Option<String>,
    /// Set while a statement of a multi-statement simple Query runs: those share an implicit
    /// transaction block, where LOCK TABLE is allowed as in PostgreSQL.
    in_multi_query: bool,
    /// Ephemeral databases commit sharing transactions in groups (`sharing.rs`).
    groups_commits: bool,
}

impl Engine {
    pub(crate) fn open(
        name: Arc<str>,
        path: &Path,
        config: EngineConfig,
        interrupts: Arc<Interrupts>,
        registry: Weak<Databases>,
    ) -> Result<Self, PgError> {
        let functions = Arc::new(FunctionState {
            current: Mutex::default(),
            sequences: Mutex::default(),
            interrupts: interrupts.clone(),
            database: name,
            registry: registry.clone(),
            raised: Mutex::new(None),
            advisory: Mutex::default(),
            xids: Mutex::default(),
            changes: Mutex::default(),
            last_change: Default::default(),
        });
        let open = |role| {
            open::connection(path, role, !config.ephemeral, &functions)
                .map_err(|e| PgError::internal(format!("opening {}: {e}", path.display())))
        };
        let writer = open(Role::Writer)?;
        writer
            .execute_batch(devdb_sql::catalog::BOOTSTRAP_SQL)
            .map_err(|e| sqlite_error::to_pg(e, None))?;
        upgrade::add_catalog_columns(&writer)?;
        let reader = open(Role::Reader)?;
        let committed = Arc::new(load_catalog(&reader)?);
        upgrade::upgrade(&writer, &committed)?;
        let defaults = Settings::defaults(&config);
        let mut engine = Engine {
            reader,
            writer,
            sessions: HashMap::new(),
            lock_holder: None,
            parked: VecDeque::new(),
            sleeping: Vec::new(),
            committed,
            pending: None,
            generation: 1,
            cache: statement::Cache::default(),
            sqlite_seen: Default::default(),
            functions,
            interrupts,
            registry,
            defaults,
            listeners: Default::default(),
            orphan_temps: Vec::new(),
            hold_tag: false,
            in_multi_query: false,
            held_tag: None,
            groups_commits: config.ephemeral,
        };
        engine.reload_sequences(Role::Reader)?;
        // Temporary schemas left by sessions of an earlier run (a crash, a kill).
        engine.orphan_temps = engine
            .committed
            .schemas
            .iter()
            .filter(|s| s.name.starts_with(TEMP_SCHEMA_PREFIX))
            .map(|s| s.name.clone())
            .collect();
        engine.drop_orphan_temps();
        Ok(engine)
    }

    pub(crate) fn handle(&mut self, job: Job) {
        match job {
            Job::Open {
                session,
                info,
                notifications,
            } => {
                self.listeners.open(session, notifications);
                let settings = Settings::new(
                    self.defaults.clone(),
                    &info.user,
                    &info.application_name,
                    &info.options,
                );
                let settings = Arc::new(Mutex::new(settings));
                self.sessions.insert(
                    session,
                    Session {
                        info,
                        settings,
                        statements: HashMap::new(),
                        portals: HashMap::new(),
                        cursors: HashMap::new(),
                        transaction: Default::default(),
                        idle_since: Instant::now(),
                        copy: None,
                        temp_on_commit: Vec::new(),
                        path: Default::default(),
                    },
                );
            }
            Job::Batch {
                session,
                ops,
                sink,
                reply,
            } => {
                let batch = Batch {
                    session,
                    ops,
                    pos: 0,
                    query: None,
                    skipping: false,
                    sink,
                    reply,
                    close: false,
                    parked: None,
                    wait: None,
                    sleep: None,
                    slept: false,
                };
                self.drive(batch, None);
            }
            Job::Close { session } => self.close_session(session),
        }
    }

    /// Runs `batch` from where it stands until it finishes or parks. `injected` fails the
    /// current statement with an error instead of running it (a lock wait that timed out).
    fn drive(&mut self, mut batch: Batch, injected: Option<PgError>) {
        let Some(mut session) = self.sessions.remove(&batch.session) else {
            // The session closed while its batch waited: nobody is listening.
            return;
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            self.run_ops(&mut batch, &mut session, injected)
        }));
        let progress = match outcome {
            Ok(progress) => progress,
            Err(panic) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                tracing::error!(session = batch.session.0, "panic in batch: {what}");
                let err = PgError::internal(format!("devdb bug: {what}"));
                batch.sink.error(&err);
                self.abort_transaction(batch.session, &mut session);
                batch.sink.ready_for_query(session.transaction.status());
                Progress::Finished
            }
        };
        match progress {
            Progress::Parked(wait) => {
                if self.deadlocks(batch.session, wait) {
                    self.sessions.insert(batch.session, session);
                    let holder = lock(&self.functions.changes).row_holder(batch.session);
                    let err = sharing::deadlock_error(batch.session, wait, holder);
                    return self.drive(batch, Some(err));
                }
                batch.wait = Some(wait);
                if batch.parked.is_none() {
                    let timeout = lock(&session.settings).duration("lock_timeout");
                    let now = Instant::now();
                    batch.parked = Some((now, timeout.map(|t| now + t)));
                }
                self.sessions.insert(batch.session, session);
                self.parked.push_back(batch);
            }
            Progress::Sleeping(duration) => {
                let now = Instant::now();
                let far = |d| now.checked_add(d).unwrap_or(now + FOREVER);
                let timeout = lock(&session.settings).duration("statement_timeout");
                batch.sleep = Some((far(duration), timeout.map(far)));
                self.sessions.insert(batch.session, session);
                self.sleeping.push(batch);
            }
            Progress::Finished => {
                self.interrupts.batch_done(batch.session);
                session.idle_since = Instant::now();
                if let Some(registry) = self.registry.upgrade() {
                    registry
                        .backends()
                        .idle(batch.session, session.transaction.status());
                }
                let settings = lock(&session.settings);
                let reply = Reply {
                    sink: batch.sink,
                    status: session.transaction.status(),
                    in_transaction: session.transaction.is_open(),
                    close: batch.close,
                    copy_in: session.copy.is_some(),
                    idle_in_transaction_timeout: settings
                        .duration("idle_in_transaction_session_timeout"),
                    idle_session_timeout: settings.duration("idle_session_timeout"),
                };
                drop(settings);
                self.sessions.insert(batch.session, session);
                // The session may have gone meanwhile; then nobody needs the answer.
                let _ = batch.reply.send(reply);
            }
        }
    }

    /// Fails parked batches whose lock wait timed out or was canceled; resumes sleeping
    /// batches whose sleep is over, and fails those canceled or past their statement_timeout.
    pub(crate) fn expire_parked(&mut self) {
        let now = Instant::now();
        let mut i = 0;
        while let Some(batch) = self.sleeping.get(i) {
            let (until, deadline) = batch.sleep.unwrap_or((now, None));
            let outcome = if self.interrupts.is_canceled(batch.session) {
                Some(Some(PgError::query_canceled()))
            } else if deadline.is_some_and(|d| d <= now && d <= until) {
                Some(Some(PgError::statement_timeout()))
            } else if until <= now {
                Some(None)
            } else {
                None
            };
            let Some(injected) = outcome else {
                i += 1;
                continue;
            };
            let mut batch = self.sleeping.swap_remove(i);
            batch.sleep = None;
            batch.slept = injected.is_none();
            self.drive(batch, injected);
        }
        let mut i = 0;
        while i < self.parked.len() {
            let Some(batch) = self.parked.get(i) else {
                break;
            };
            let timed_out = batch
                .parked
                .and_then(|(_, deadline)| deadline)
                .is_some_and(|d| d <= now);
            let canceled = self.interrupts.is_canceled(batch.session);
            if !(timed_out || canceled) {
                i += 1;
                continue;
            }
            let Some(batch) = self.parked.remove(i) else {
                break;
            };
            let err = if canceled {
                PgError::query_canceled()
            } else {
                let waited = batch
                    .parked
                    .map(|(since, _)| since.elapsed())
                    .unwrap_or_default();
                self.lock_timeout_error(batch.session, waited, batch.wait)
            };
            self.drive(batch, Some(err));
        }
    }

    /// Runs parked batches whose wait is over, oldest first (after dropping the temporary
    /// schemas of ended sessions). A batch that runs may free others, so the scan starts over
    /// after each; it ends when none can run.
    pub(crate) fn resume_parked(&mut self) {
        self.drop_orphan_temps();
        // Each run either finishes a batch or parks it on something that cannot be over yet;
        // the bound only guards against a wait that says it is over and then parks again.
        let mut runs = 2 * self.parked.len() + 2;
        while runs > 0 {
            let Some(i) = self.parked.iter().position(|b| self.may_resume(b)) else {
                return;
            };
            let Some(mut batch) = self.parked.remove(i) else {
                return;
            };
            runs -= 1;
            // Its next wait, if any, gets a lock_timeout of its own, as each lock wait does in
            // PostgreSQL.
            batch.parked = None;
            self.drive(batch, None);
        }
    }

    pub(crate) fn has_parked(&self) -> bool {
        !self.parked.is_empty() || !self.sleeping.is_empty()
    }

    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        let lock_waits = self
            .parked
            .iter()
            .filter_map(|b| b.parked.and_then(|(_, d)| d));
        let sleeps = self.sleeping.iter().filter_map(|b| {
            let (until, deadline) = b.sleep?;
            Some(deadline.map_or(until, |d| d.min(until)))
        });
        lock_waits.chain(sleeps).min()
    }

    /// 55P03 naming whom the statement waited for, so a stuck test says which connection to
    /// look at.
    fn lock_timeout_error(
        &self,
        id: SessionId,
        waited: std::time::Duration,
        wait: Option<Wait>,
    ) -> PgError {
        let (holder, what) = match wait {
            Some(Wait::Row) => (
                lock(&self.functions.changes).row_holder(id),
                "changed a row this statement changes",
            ),
            Some(Wait::Alone) => (
                self.lock_holder
                    .or_else(|| lock(&self.functions.changes).others(id).next()),
                "has a writing transaction open (this one must write alone)",
            ),
            _ => (self.lock_holder, "keeps the database's writer to itself"),
        };
        let holder = holder.and_then(|id| self.sessions.get(&id).map(|s| (id, s)));
        let detail = match holder {
            Some((id, s)) => {
                let state = if s.transaction.is_open() {
                    "idle in transaction"
                } else {
                    "active"
                };
                format!(
                    "Process {} (application_name \"{}\") {what}; {} for {:.1} s. Waited {:.1} s.",
                    id.0,
                    s.info.application_name,
                    state,
                    s.idle_since.elapsed().as_secs_f64(),
                    waited.as_secs_f64()
                )
            }
            None => format!("Waited {:.1} s for the writer.", waited.as_secs_f64()),
        };
        PgError::lock_not_available(detail).with_hint(
            "Commit or roll back the other transaction, or raise lock_timeout. DDL, savepoints, FOR UPDATE and REPEATABLE READ transactions write alone in devdb.",
        )
    }

    fn close_session(&mut self, id: SessionId) {
        self.parked.retain(|b| b.session != id);
        self.sleeping.retain(|b| b.session != id);
        self.interrupts.forget(id);
        if let Some(mut session) = self.sessions.remove(&id) {
            self.abort_transaction(id, &mut session);
        }
        let temp = statement::temp_schema(id);
        if self.committed.schema(&temp).is_some() {
            self.orphan_temps.push(temp);
            self.drop_orphan_temps();
        }
        lock(&self.functions.sequences).forget_session(id);
        self.listeners.close(id);
        lock(&self.functions.advisory).release_all(id);
        lock(&self.functions.xids).forget_session(id);
    }

    /// Rolls back whatever `session` has open and releases its lock.
    fn abort_transaction(&mut self, id: SessionId, session: &mut Session) {
        if session.transaction.writing {
            self.rollback_writer();
            self.release_lock(id);
        }
        lock(&self.functions.changes).end(id);
        lock(&session.settings).end_transaction(false);
        lock(&self.functions.advisory).end_transaction(id);
        session.transaction = Default::default();
        session.portals.clear();
    }

    /// Drops the temporary schemas in `orphan_temps`, each in a transaction of its own, when
    /// no session has the writer; they wait for the next chance otherwise.
    fn drop_orphan_temps(&mut self) {
        if self.lock_holder.is_some() || self.orphan_temps.is_empty() {
            return;
        }
        for schema in std::mem::take(&mut self.orphan_temps) {
            if let Err(e) = self.drop_temp_schema(&schema) {
                tracing::warn!("dropping temporary schema {schema}: {}", e.message);
            }
        }
    }

    fn drop_temp_schema(&mut self, schema: &str) -> Result<(), PgError> {
        let Some(t) = devdb_sql::drop_temp_schema(schema, &self.committed)? else {
            return Ok(());
        };
        self.close_shared();
        let to_pg = |e| sqlite_error::to_pg(e, None);
        self.writer
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(to_pg)?;
        let run = t
            .sqlite
            .iter()
            .try_for_each(|sql| self.writer.execute_batch(sql))
            .and_then(|()| {
                // Readers must move to the new snapshot.
                self.release_reader_snapshot();
                self.writer.execute_batch("COMMIT")
            });
        if let Err(e) = run {
            let _ = self.writer.execute_batch("ROLLBACK");
            return Err(to_pg(e));
        }
        self.committed = Arc::new(load_catalog(&self.writer)?);
        self.generation += 1;
        self.reload_sequences(Role::Writer)
    }

    fn release_lock(&mut self, id: SessionId) {
        if self.lock_holder == Some(id) {
            self.lock_holder = None;
            if self.pending.take().is_some() {
                self.generation += 1;
            }
        }
    }

    /// Moves every committed page from the WAL into the database file and empties the WAL;
    /// true when that completed. Only possible while no session has the writer.
    pub(crate) fn checkpoint(&mut self) -> bool {
        if self.lock_holder.is_some() {
            return false;
        }
        self.close_shared();
        self.release_reader_snapshot();
        // (busy, pages in the WAL, pages checkpointed): done when not busy and all moved.
        self.writer
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, i64>(2)?,
                ))
            })
            .is_ok_and(|(busy, log, moved)| busy == 0 && log == moved)
    }

    pub(crate) fn shutdown(&mut self) {
        let ids: Vec<SessionId> = self.sessions.keys().copied().collect();
        for id in ids {
            self.close_session(id);
        }
        self.close_shared();
        // The reader's pinned snapshot would make the checkpoint wait out the busy timeout.
        self.release_reader_snapshot();
        let _ = self.writer.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
    }

    /// See `Changes::others_go_first`.
    pub(crate) fn others_go_first(&self, id: SessionId) -> bool {
        lock(&self.functions.changes).others_go_first(id)
    }

    /// The catalog `session` sees: its own uncommitted DDL if it holds the lock.
    fn catalog_for(&self, id: SessionId) -> Arc<Catalog> {
        match (&self.pending, self.lock_holder) {
            (Some(pending), Some(holder)) if holder == id => pending.clone(),
            _ => self.committed.clone(),
        }
    }

    fn connection(&self, role: Role) -> &Connection {
        match role {
            Role::Reader => &self.reader,
            Role::Writer => &self.writer,
        }
    }

    /// Keeps one read transaction open on the reader between commits: statements of sessions
    /// that need no writer then share the latest committed snapshot without taking and
    /// dropping SQLite's WAL read lock (file-lock system calls) for every statement.
    fn pin_reader_snapshot(&self) -> Result<(), PgError> {
        if self.reader.is_autocommit() {
            control(&self.reader, "BEGIN").map_err(|e| sqlite_error::to_pg(e, None))?;
        }
        Ok(())
    }

    /// Ends the reader's snapshot; the next read starts a fresh one. Called before every commit.
    fn release_reader_snapshot(&self) {
        if !self.reader.is_autocommit() {
            let _ = control(&self.reader, "COMMIT");
        }
    }

    fn reload_sequences(&mut self, role: Role) -> Result<(), PgError> {
        let rows = query_rows(self.connection(role), crate::sequences::LOAD_SQL)?;
        lock(&self.functions.sequences).reload(rows);
        Ok(())
    }

    /// Marks the statement about to run for SQLite functions and the interrupt check.
    fn begin_statement(&self, id: SessionId, session: &Session) {
        let timeout = lock(&session.settings).duration("statement_timeout");
        let mut current = lock(&self.functions.current);
        current.session = Some(id);
        current.user.clone_from(&session.info.user);
        current.settings = Some(session.settings.clone());
        sync_zone(session);
        current.transaction_start = session.transaction.started_at;
        current.statement_start = now_micros();
        current.notifications.clear();
        drop(current);
        self.interrupts.start(id, timeout);
    }
}

/// Makes the session's TimeZone the one text I/O and casts use on this thread, and its
/// transaction's start what `now` and `today` read.
pub(crate) fn sync_zone(session: &Session) {
    devdb_pg::value::datetime::input::set_now(session.transaction.started_at);
    devdb_pg::value::zone::set_session_zone(lock(&session.settings).timezone());
}

/// Loads the catalog through `conn` (the reader for the committed one, the writer for a lock
/// holder's uncommitted one).
fn load_catalog(conn: &Connection) -> Result<Catalog, PgError> {
    let mut results = Vec::with_capacity(devdb_sql::catalog::LOAD_SQL.len());
    for sql in devdb_sql::catalog::LOAD_SQL {
        results.push(query_rows(conn, sql)?);
    }
    Catalog::load(results)
}

/// Runs a transaction control statement (BEGIN, COMMIT, ROLLBACK, savepoints), kept prepared:
/// the hot path runs several per transaction.
fn control(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.raw_execute().map(drop)
}

/// Every row of a query on devdb's own tables, as stored values.
fn query_rows(conn: &Connection, sql: &str) -> Result<Vec<Vec<Value>>, PgError> {
    let to_pg = |e| sqlite_error::to_pg(e, None);
    let mut stmt = conn.prepare_cached(sql).map_err(to_pg)?;
    let n = stmt.column_count();
    let mut rows = stmt.query([]).map_err(to_pg)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(to_pg)? {
        out.push(
            (0..n)
                .map(|i| statement::stored(row.get_ref(i).ok()).to_value())
                .collect(),
        );
    }
    Ok(out)
}

/// The parameter types a Parse message named, None where it left them to the server.
fn param_hints(oids: &[devdb_pg::Oid]) -> Vec<Option<PgType>> {
    oids.iter().map(|oid| PgType::from_oid(*oid)).collect()
}

/// Where a sleep too long for the clock ends: never, for any purpose.
const FOREVER: std::time::Duration = std::time::Duration::from_secs(100 * 365 * 86_400);

/// Translations the engine keeps per statement text.
type Translation = Arc<Translated>;
