//! Registers the SQL functions translated statements call on a SQLite connection: every pure
//! function of `devdb_sql::runtime`, plus the ones that need the engine's state (clock of the
//! transaction, sequences, settings, cancellation).

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use devdb_pg::value::numeric;
use devdb_pg::{PgError, SqlState, Value};
use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value as SqlValue, ValueRef};

use crate::SessionId;
use crate::advisory::{AdvisoryLocks, Key, Request};
use crate::backends::Backends;
use crate::interrupt::{Cause, Interrupts};
use crate::sequences::Sequences;
use crate::settings::Settings;
use crate::stored::to_sqlite;

/// Engine state the functions read, set by the engine before each statement.
pub(crate) struct FunctionState {
    pub current: Mutex<Current>,
    pub sequences: Mutex<Sequences>,
    pub interrupts: Arc<Interrupts>,
    pub database: Arc<str>,
    /// The server's databases and sessions, for pg_database, pg_stat_activity and
    /// pg_terminate_backend.
    pub registry: std::sync::Weak<crate::Databases>,
    /// The PostgreSQL error a function raised: SQLite keeps only its text, so the engine takes
    /// the full error (SQLSTATE, detail) from here when the statement fails.
    pub raised: Mutex<Option<PgError>>,
    pub advisory: Mutex<AdvisoryLocks>,
    pub xids: Mutex<Xids>,
    /// The writing transactions' row changes, recorded by the writer's pre-update hook.
    pub changes: Mutex<crate::engine::changes::Changes>,
    /// [`change_mark`] of the writer's latest row change, which an upsert's RETURNING reads
    /// (`xmax`) to tell the row ON CONFLICT updated from one it inserted.
    pub last_change: std::sync::atomic::AtomicU64,
}

/// A row change of `table` (SQLite's name) as one number: its name hashed (FNV-1a), and
/// whether it was an UPDATE.
pub(crate) fn change_mark(table: &[u8], updated: bool) -> u64 {
    let hash = table.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    });
    (hash << 1) | u64::from(updated)
}

/// txid_current(): one number per transaction that asks, increasing, as PostgreSQL assigns
/// transaction ids; a transaction is known by its session and start time.
#[derive(Default)]
pub(crate) struct Xids {
    next: i64,
    assigned: std::collections::HashMap<SessionId, (i64, i64)>,
}

impl Xids {
    fn current(&mut self, session: SessionId, transaction_start: i64) -> i64 {
        match self.assigned.get(&session) {
            Some((start, xid)) if *start == transaction_start => *xid,
            _ => {
                // PostgreSQL's first normal transaction id is 3.
                self.next = self.next.max(2) + 1;
                self.assigned
                    .insert(session, (transaction_start, self.next));
                self.next
            }
        }
    }

    pub fn forget_session(&mut self, session: SessionId) {
        self.assigned.remove(&session);
    }
}

/// When the server started, as pg_postmaster_start_time() reports it: the first database
/// opened.
static STARTED: std::sync::OnceLock<i64> = std::sync::OnceLock::new();

/// The statement running now.
#[derive(Default)]
pub(crate) struct Current {
    pub session: Option<SessionId>,
    /// pg_notify calls of this statement (channel, payload), queued on its transaction if it
    /// succeeds.
    pub notifications: Vec<(String, String)>,
    pub user: String,
    pub settings: Option<Arc<Mutex<Settings>>>,
    /// Microseconds since 2000-01-01.
    pub transaction_start: i64,
    pub statement_start: i64,
    /// The session's named prepared statements as JSON rows, for pg_prepared_statements (set
    /// before each statement that reads the catalog).
    pub prepared_statements: String,
}

/// Microseconds since 2000-01-01 00:00 UTC, PostgreSQL's timestamp unit.
pub(crate) fn now_micros() -> i64 {
    const PG_EPOCH_UNIX_MICROS: i64 = 946_684_800_000_000;
    let since_unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    since_unix.as_micros() as i64 - PG_EPOCH_UNIX_MICROS
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere on the database thread must not make every later statement fail.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub(crate) fn register(conn: &Connection, state: &Arc<FunctionState>) -> rusqlite::Result<()> {
    for f in devdb_sql::runtime::FUNCTIONS {
        let mut flags = FunctionFlags::SQLITE_UTF8;
        if f.deterministic {
            flags |= FunctionFlags::SQLITE_DETERMINISTIC;
        }
        let call = f.call;
        let s = state.clone();
        conn.create_scalar_function(f.name, f.n_args, flags, move |ctx| {
            let args = arguments(ctx);
            call(&args).map(to_sqlite).map_err(|e| s.raise(e))
        })?;
    }
    for a in devdb_sql::runtime::AGGREGATES {
        let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
        let collect = Collect {
            finish: a.finish,
            state: state.clone(),
        };
        // Window-capable, so OVER works on them as on SQLite's own aggregates.
        conn.create_window_function(a.name, a.n_args, flags, collect)?;
    }
    // Numerics are stored as text; this collation compares them by value.
    conn.create_collation(numeric::COLLATION, numeric::cmp_text)?;
    // citext values are stored as written; this collation compares them without case.
    conn.create_collation(
        devdb_pg::value::citext::COLLATION,
        devdb_pg::value::citext::cmp_text,
    )?;
    // jsonb is stored as its text; this collation compares it as PostgreSQL's jsonb does.
    conn.create_collation(
        devdb_pg::value::json::COLLATION,
        devdb_pg::value::json::cmp_jsonb_text,
    )?;
    // Intervals are stored as their text; this collation compares them by span.
    conn.create_collation(
        devdb_pg::value::interval::COLLATION,
        devdb_pg::value::interval::cmp_text,
    )?;
    crate::query_plan::register(conn)?;
    let volatile = FunctionFlags::SQLITE_UTF8;
    let started = *STARTED.get_or_init(now_micros);
    conn.create_scalar_function("devdb_postmaster_start_time", 0, volatile, move |_| {
        Ok(started)
    })?;
    // (request, key) for a bigint key, (request, key1, key2) for two integers.
    for n_args in [2, 3] {
        let s = state.clone();
        conn.create_scalar_function("devdb_advisory", n_args, volatile, move |ctx| {
            let request: String = ctx.get(0)?;
            let request = Request::parse(&request)
                .ok_or_else(|| s.raise(PgError::internal("unknown advisory lock request")))?;
            let first: Option<i64> = ctx.get(1)?;
            let key = match (first, ctx.len()) {
                (Some(k), 2) => Key::One(k),
                (Some(a), _) => match ctx.get::<Option<i64>>(2)? {
                    Some(b) => Key::Two(a as i32, b as i32),
                    None => return Ok(SqlValue::Null),
                },
                (None, _) => return Ok(SqlValue::Null),
            };
            let session = session(&s)?;
            let answer = lock(&s.advisory)
                .request(session, key, request)
                .map_err(|e| s.raise(e))?;
            // void is an empty value, not NULL.
            Ok(answer.map_or(SqlValue::Text(String::new()), |b| {
                SqlValue::Integer(b as i64)
            }))
        })?;
    }
    let s = state.clone();
    conn.create_scalar_function("devdb_advisory_unlock_all", 0, volatile, move |_| {
        let session = session(&s)?;
        lock(&s.advisory).release_all(session);
        Ok(SqlValue::Text(String::new()))
    })?;
    let s = state.clone();
    conn.create_scalar_function("devdb_upsert_updated", 1, volatile, move |ctx| {
        let table: String = ctx.get(0)?;
        let updated = change_mark(table.as_bytes(), true);
        Ok(s.last_change.load(std::sync::atomic::Ordering::Relaxed) == updated)
    })?;
    let s = state.clone();
    conn.create_scalar_function("devdb_txid_current", 0, volatile, move |_| {
        let session = session(&s)?;
        let start = lock(&s.current).transaction_start;
        Ok(lock(&s.xids).current(session, start))
    })?;
    let s = state.clone();
    conn.create_scalar_function("devdb_set_config", 3, volatile, move |ctx| {
        let name: String = ctx.get(0)?;
        let value: Option<String> = ctx.get(1)?;
        let local = ctx.get::<Option<i64>>(2)?.unwrap_or(0) != 0;
        let settings = lock(&s.current).settings.clone();
        let settings = settings.ok_or_else(|| s.raise(PgError::internal("no session")))?;
        let mut settings = lock(&settings);
        // Every statement runs in a transaction, so its end keeps or restores the value.
        settings
            .set(&name, Some(value.as_deref().unwrap_or("")), local, true)
            .map_err(|e| s.raise(e))?;
        let value = settings.get(&name).map_err(|e| s.raise(e))?.to_owned();
        Ok(value)
    })?;
    // Stable within a statement, but not deterministic across statements.
    let s = state.clone();
    conn.create_scalar_function("devdb_now", 0, volatile, move |_| {
        Ok(lock(&s.current).transaction_start)
    })?;
    let s = state.clone();
    conn.create_scalar_function("devdb_statement_timestamp", 0, volatile, move |_| {
        Ok(lock(&s.current).statement_start)
    })?;
    conn.create_scalar_function("devdb_clock", 0, volatile, |_| Ok(now_micros()))?;
    let s = state.clone();
    conn.create_scalar_function("devdb_backend_pid", 0, volatile, move |_| {
        // A session's id is its backend PID.
        Ok(session(&s)?.0 as i64)
    })?;
    let s = state.clone();
    conn.create_scalar_function("devdb_current_database", 0, volatile, move |_| {
        Ok(s.database.to_string())
    })?;
    let s = state.clone();
    conn.create_scalar_function("devdb_current_user", 0, volatile, move |_| {
        Ok(lock(&s.current).user.clone())
    })?;
    // current_setting(name [, missing_ok]): strict; missing_ok makes an unknown name NULL.
    for arity in [1, 2] {
        let s = state.clone();
        conn.create_scalar_function("devdb_setting", arity, volatile, move |ctx| {
            let name: Option<String> = ctx.get(0)?;
            let missing_ok: Option<bool> = match arity {
                2 => ctx.get(1)?,
                _ => Some(false),
            };
            let (Some(name), Some(missing_ok)) = (name, missing_ok) else {
                return Ok(None);
            };
            let settings = lock(&s.current).settings.clone();
            let settings = settings.ok_or_else(|| s.raise(PgError::internal("no session")))?;
            let value = lock(&settings).get(&name).map(str::to_owned);
            match value {
                Ok(value) => Ok(Some(value)),
                Err(e) if missing_ok && e.code == SqlState::UNDEFINED_OBJECT => Ok(None),
                Err(e) => Err(s.raise(e)),
            }
        })?;
    }
    let s = state.clone();
    conn.create_scalar_function("devdb_notify", 2, volatile, move |ctx| {
        let channel: Option<String> = ctx.get(0)?;
        let payload: Option<String> = ctx.get(1)?;
        let mut check = crate::notify::Pending::default();
        let channel = channel.unwrap_or_default();
        let payload = payload.unwrap_or_default();
        check
            .notify(channel.clone(), payload.clone())
            .map_err(|e| s.raise(e))?;
        lock(&s.current).notifications.push((channel, payload));
        Ok(SqlValue::Null)
    })?;
    let s = state.clone();
    conn.create_scalar_function("devdb_pg_sleep", 1, volatile, move |ctx| {
        // Strict, as in PostgreSQL: NULL in, NULL out; otherwise void, whose text is empty.
        let Some(seconds) = ctx.get::<Option<f64>>(0)? else {
            return Ok(SqlValue::Null);
        };
        sleep(&s.interrupts, sleep_duration(seconds)).map_err(|e| s.raise(e))?;
        Ok(SqlValue::Text(String::new()))
    })?;
    // (key) or, for a name known only now, (name, schema, ...): the search path's schemas.
    let s = state.clone();
    conn.create_scalar_function("devdb_nextval", -1, volatile, move |ctx| {
        let session = session(&s)?;
        let mut sequences = lock(&s.sequences);
        sequence_key(ctx, 1, &sequences)
            .and_then(|name| sequences.nextval(session, &name))
            .map_err(|e| s.raise(e))
    })?;
    let s = state.clone();
    conn.create_scalar_function("devdb_currval", -1, volatile, move |ctx| {
        let session = session(&s)?;
        let sequences = lock(&s.sequences);
        sequence_key(ctx, 1, &sequences)
            .and_then(|name| sequences.currval(session, &name))
            .map_err(|e| s.raise(e))
    })?;
    // devdb_sequence_last_value(key), devdb_sequence_is_called(key): a sequence's state in
    // memory, ahead of its row until the transaction that moved it commits; NULL for one the
    // in-memory set does not have.
    for (name, is_called) in [
        ("devdb_sequence_last_value", false),
        ("devdb_sequence_is_called", true),
    ] {
        let s = state.clone();
        conn.create_scalar_function(name, 1, volatile, move |ctx| {
            let sequences = lock(&s.sequences);
            let key = sequence_key(ctx, 1, &sequences).map_err(|e| s.raise(e))?;
            let state = sequences.state(&key);
            Ok(state.map(|(last_value, called)| match is_called {
                true => i64::from(called),
                false => last_value,
            }))
        })?;
    }
    let s = state.clone();
    // devdb_sequence_renamed(old, new): ALTER SEQUENCE ... RENAME TO sets the sequence's row's
    // name to this, so its in-memory value and currval follow it to the new name.
    conn.create_scalar_function("devdb_sequence_renamed", 2, volatile, move |ctx| {
        let old = ctx.get::<String>(0)?;
        let new = ctx.get::<String>(1)?;
        lock(&s.sequences).copy(&old, &new);
        Ok(new)
    })?;
    let s = state.clone();
    conn.create_scalar_function("devdb_databases", 0, volatile, move |_| {
        Ok(s.registry
            .upgrade()
            .map_or_else(|| "[]".to_owned(), |r| r.json()))
    })?;
    let s = state.clone();
    conn.create_scalar_function("devdb_backends", 0, volatile, move |_| {
        Ok(s.registry
            .upgrade()
            .map_or_else(|| "[]".to_owned(), |r| r.backends().json()))
    })?;
    // inet_client_addr/port and inet_server_addr/port: this session's two ends.
    for (name, server, port) in [
        ("devdb_inet_client_addr", false, false),
        ("devdb_inet_client_port", false, true),
        ("devdb_inet_server_addr", true, false),
        ("devdb_inet_server_port", true, true),
    ] {
        let s = state.clone();
        conn.create_scalar_function(name, 0, volatile, move |_| {
            let id = session(&s)?;
            let (client, local) = s
                .registry
                .upgrade()
                .map_or((None, None), |r| r.backends().addresses(id));
            let end = if server { local } else { client };
            Ok(end.map(|a| match port {
                true => rusqlite::types::Value::Integer(a.port().into()),
                false => rusqlite::types::Value::Text(a.ip().to_string()),
            }))
        })?;
    }
    for (name, act) in [
        (
            "devdb_terminate_backend",
            Backends::terminate as fn(&Backends, i64) -> bool,
        ),
        ("devdb_cancel_backend", Backends::cancel),
    ] {
        let s = state.clone();
        conn.create_scalar_function(name, 1, volatile, move |ctx| {
            let pid: Option<i64> = ctx.get(0)?;
            Ok(pid.map(|pid| s.registry.upgrade().is_some_and(|r| act(r.backends(), pid))))
        })?;
    }
    let s = state.clone();
    conn.create_scalar_function("devdb_prepared_statements", 0, volatile, move |_| {
        let rows = lock(&s.current).prepared_statements.clone();
        Ok(if rows.is_empty() {
            "[]".to_owned()
        } else {
            rows
        })
    })?;
    let s = state.clone();
    conn.create_scalar_function("devdb_settings", 0, volatile, move |_| {
        let settings = lock(&s.current).settings.clone();
        let settings = settings.ok_or_else(|| s.raise(PgError::internal("no session")))?;
        let settings = lock(&settings);
        let rows: Vec<String> = settings
            .all()
            .into_iter()
            .filter_map(|(name, value)| {
                let key = name.to_ascii_lowercase();
                let reset = settings.reset_value(&key).unwrap_or_default();
                settings_row(&key, name, value, reset)
            })
            .collect();
        Ok(format!("[{}]", rows.join(",")))
    })?;
    let s = state.clone();
    // devdb_sequence_altered(name, increment, min, max, start, cycle, restart): ALTER SEQUENCE
    // runs it on the sequence's row after writing the new parameters there; restart is NULL
    // when not asked for.
    conn.create_scalar_function("devdb_sequence_altered", 7, volatile, move |ctx| {
        let name = ctx.get::<String>(0)?;
        let params = crate::sequences::Altered {
            increment: ctx.get(1)?,
            min: ctx.get(2)?,
            max: ctx.get(3)?,
            start: ctx.get(4)?,
            cycle: ctx.get::<i64>(5)? != 0,
        };
        let restart = ctx.get::<Option<i64>>(6)?;
        lock(&s.sequences)
            .alter(&name, params, restart)
            .map_err(|e| s.raise(e))
    })?;
    let s = state.clone();
    // devdb_setval(name, value, is_called, search path...)
    conn.create_scalar_function("devdb_setval", -1, volatile, move |ctx| {
        // setval is strict: a NULL name (pg_get_serial_sequence of a column without one) or
        // value gives NULL.
        let (Some(_), Some(value)) = (ctx.get::<Option<String>>(0)?, ctx.get::<Option<i64>>(1)?)
        else {
            return Ok(None);
        };
        let is_called = ctx.get::<i64>(2)? != 0;
        let session = session(&s)?;
        let mut sequences = lock(&s.sequences);
        sequence_key(ctx, 3, &sequences)
            .and_then(|name| sequences.setval(session, &name, value, is_called))
            .map(Some)
            .map_err(|e| s.raise(e))
    })?;
    Ok(())
}

fn session(state: &FunctionState) -> rusqlite::Result<SessionId> {
    lock(&state.current)
        .session
        .ok_or_else(|| state.raise(PgError::internal("no session")))
}

impl FunctionState {
    /// Keeps `err` for the engine and hands SQLite an error that stops the statement.
    fn raise(&self, err: PgError) -> rusqlite::Error {
        let text = err.message.clone();
        *lock(&self.raised) = Some(err);
        rusqlite::Error::UserFunctionError(text.into())
    }
}

/// A runtime aggregate: gathers each row's arguments, then calls its `finish`.
struct Collect {
    finish: fn(Vec<Vec<Value>>) -> Result<Value, PgError>,
    state: Arc<FunctionState>,
}

impl rusqlite::functions::Aggregate<Vec<Vec<Value>>, SqlValue> for Collect {
    fn init(&self, _: &mut Context<'_>) -> rusqlite::Result<Vec<Vec<Value>>> {
        Ok(Vec::new())
    }

    fn step(&self, ctx: &mut Context<'_>, rows: &mut Vec<Vec<Value>>) -> rusqlite::Result<()> {
        rows.push(arguments(ctx));
        Ok(())
    }

    fn finalize(
        &self,
        _: &mut Context<'_>,
        rows: Option<Vec<Vec<Value>>>,
    ) -> rusqlite::Result<SqlValue> {
        (self.finish)(rows.unwrap_or_default())
            .map(to_sqlite)
            .map_err(|e| self.state.raise(e))
    }
}

/// Under OVER: the result for the current frame, whose rows SQLite adds and removes in order.
impl rusqlite::functions::WindowAggregate<Vec<Vec<Value>>, SqlValue> for Collect {
    fn value(&self, rows: Option<&mut Vec<Vec<Value>>>) -> rusqlite::Result<SqlValue> {
        (self.finish)(rows.map(|r| r.clone()).unwrap_or_default())
            .map(to_sqlite)
            .map_err(|e| self.state.raise(e))
    }

    fn inverse(&self, _: &mut Context<'_>, rows: &mut Vec<Vec<Value>>) -> rusqlite::Result<()> {
        if !rows.is_empty() {
            rows.remove(0);
        }
        Ok(())
    }
}

/// How long pg_sleep(`seconds`) waits: nothing for a negative or NaN number.
pub(crate) fn sleep_duration(seconds: f64) -> Duration {
    match seconds > 0.0 {
        true => Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX),
        false => Duration::ZERO,
    }
}

/// pg_sleep: sleeps in small steps so a cancel or statement_timeout stops it promptly.
fn sleep(interrupts: &Interrupts, total: Duration) -> Result<(), PgError> {
    let start = std::time::Instant::now();
    while start.elapsed() < total {
        match interrupts.check() {
            Some(Cause::Cancel) => return Err(PgError::query_canceled()),
            Some(Cause::Timeout) => return Err(PgError::statement_timeout()),
            None => {}
        }
        std::thread::sleep((total - start.elapsed()).min(Duration::from_millis(5)));
    }
    Ok(())
}

fn arguments(ctx: &Context<'_>) -> Vec<Value> {
    (0..ctx.len())
        .map(|i| match ctx.get_raw(i) {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(v) => Value::Int(v),
            ValueRef::Real(v) => Value::Float(v),
            ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        })
        .collect()
}

/// The sequence a nextval/currval call means: its first argument, a key, when it is the only
/// one; else the first key the name has on the search path given after it that exists.
/// A relation the translator resolved from a regclass constant, as a sequence: PostgreSQL checks
/// only when the call runs that it is one (42809).
fn resolved_sequence(key: String, sequences: &Sequences) -> Result<String, PgError> {
    if sequences.exists(&key) {
        return Ok(key);
    }
    let (_, relname) = devdb_sql::catalog::split(&key);
    Err(PgError::new(
        SqlState::WRONG_OBJECT_TYPE,
        format!("\"{relname}\" is not a sequence"),
    ))
}

/// The sequence a call's first argument names: a key the translator resolved, or (the search
/// path given from argument `path` on) a name looked up on that path.
fn sequence_key(ctx: &Context<'_>, path: usize, sequences: &Sequences) -> Result<String, PgError> {
    let text = |i: usize| {
        ctx.get::<String>(i)
            .map_err(|e| PgError::internal(format!("sequence argument: {e}")))
    };
    let name = text(0)?;
    if ctx.len() <= path {
        return resolved_sequence(name, sequences);
    }
    let search = (path..ctx.len()).map(text).collect::<Result<Vec<_>, _>>()?;
    let candidates = devdb_sql::search_path::sequence_candidates(&name, &search)?;
    Ok(candidates
        .into_iter()
        .find(|key| sequences.exists(key))
        .unwrap_or(name))
}

/// One pg_settings row as JSON: PostgreSQL's parameters and the session's custom ones
/// (`myapp.x`); devdb's hidden ones (is_superuser, session_authorization) are not listed, as in
/// PostgreSQL.
fn settings_row(key: &str, name: &str, value: &str, reset: &str) -> Option<String> {
    use devdb_pg::value::json::escape;
    let text = |v: Option<&str>| v.map_or_else(|| "null".to_owned(), escape);
    let row = match crate::parameters::all().get(key) {
        Some(p) => format!(
            "{{\"name\":{},\"setting\":{},\"unit\":{},\"category\":{},\"short_desc\":{},\
             \"extra_desc\":{},\"context\":{},\"vartype\":{},\"source\":{},\"min_val\":{},\
             \"max_val\":{},\"enumvals\":{},\"boot_val\":{},\"reset_val\":{}}}",
            escape(name),
            escape(&p.setting(value)),
            text(p.unit.as_deref()),
            escape(&p.category),
            escape(&p.short_desc),
            text(p.extra_desc.as_deref()),
            escape(&p.context),
            escape(&p.vartype),
            escape(if value == p.show {
                "default"
            } else {
                "session"
            }),
            text(p.min_val.as_deref()),
            text(p.max_val.as_deref()),
            text(p.enumvals.as_deref()),
            text(p.boot_val.as_deref()),
            escape(&p.setting(reset)),
        ),
        None if key.contains('.') => format!(
            "{{\"name\":{},\"setting\":{},\"category\":\"Customized Options\",\
             \"short_desc\":\"\",\"context\":\"user\",\"vartype\":\"string\",\
             \"source\":\"session\",\"reset_val\":{}}}",
            escape(name),
            escape(value),
            escape(reset),
        ),
        None => return None,
    };
    Some(row)
}
