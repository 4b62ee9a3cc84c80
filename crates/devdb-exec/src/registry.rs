//! Every database of the server by name. Each database is one SQLite file (`<oid>.db` in the
//! data directory) with its own thread, so work in one database never waits for another's.
//! A small manifest maps names to files; it is rewritten atomically (write, fsync, rename), so
//! a crash mid-CREATE or mid-DROP leaves either the old or the new set of databases.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use devdb_pg::{PgError, Severity, SqlState};
use rusqlite::{Connection, OpenFlags};

use crate::backends::{BackendStart, Backends};
use crate::functions::lock;
use crate::{EngineConfig, Handle, SessionId, thread};

/// The databases a new data directory starts with.
pub const INITIAL_DATABASES: &[&str] = &["template1", "postgres"];

/// The manifest's file name inside the data directory.
const MANIFEST: &str = "databases.manifest";

pub struct Databases {
    config: EngineConfig,
    state: Mutex<State>,
    this: Weak<Databases>,
    /// Every live session, in any database.
    backends: Arc<Backends>,
}

#[derive(Default)]
struct State {
    entries: HashMap<String, Entry>,
    next_oid: u32,
}

struct Entry {
    oid: u32,
    /// The database's thread, started on first use.
    handle: Option<Handle>,
    /// The thread its last session's leaving stopped, until it has closed the file: a new
    /// thread opens the file only after that (`settle`), since the old one's final checkpoint
    /// takes SQLite's write lock and would fail the new one's first writes.
    stopping: Option<Handle>,
    /// Sessions connected now.
    sessions: usize,
    is_template: bool,
    allow_connections: bool,
}

/// A session's membership in a database: counted while it lives, for DROP DATABASE and
/// TEMPLATE checks.
pub struct Membership {
    databases: Arc<Databases>,
    name: String,
    /// The session, once registered for pg_stat_activity.
    session: Option<SessionId>,
}

impl Membership {
    /// Lists the session in pg_stat_activity until it ends.
    pub fn register_backend(&mut self, id: SessionId, start: BackendStart) {
        let datid = lock(&self.databases.state)
            .entries
            .get(&self.name)
            .map_or(0, |e| e.oid);
        self.databases
            .backends
            .register(id, datid, &self.name, start);
        self.session = Some(id);
    }
}

impl Drop for Membership {
    fn drop(&mut self) {
        if let Some(id) = self.session {
            self.databases.backends.unregister(id);
        }
        let mut state = lock(&self.databases.state);
        if let Some(entry) = state.entries.get_mut(&self.name) {
            entry.sessions = entry.sessions.saturating_sub(1);
            // A database nobody uses holds no thread once the linger is over (`retire`); the
            // next connection starts one again. The initial databases stay up: nearly every
            // client connects to them.
            if entry.sessions == 0
                && !INITIAL_DATABASES.contains(&self.name.as_str())
                && let Some(handle) = &entry.handle
            {
                handle.retire();
            }
        }
    }
}

impl Databases {
    /// Opens the data directory: the databases its manifest lists, or `template1` and
    /// `postgres` in a new one. Files no manifest names (a crash mid-CREATE) are removed.
    pub fn open(config: EngineConfig) -> Result<Arc<Self>, PgError> {
        let dir = &config.data_dir;
        std::fs::create_dir_all(dir).map_err(|e| io_error("creating", dir, e))?;
        let databases = Arc::new_cyclic(|this| Databases {
            config: config.clone(),
            state: Mutex::new(State::default()),
            this: this.clone(),
            backends: Arc::default(),
        });
        let listed = read_manifest(&dir.join(MANIFEST))?;
        {
            let mut state = lock(&databases.state);
            for (oid, name, is_template) in &listed {
                state.next_oid = state.next_oid.max(oid + 1);
                state
                    .entries
                    .insert(name.clone(), Entry::new(*oid, *is_template));
            }
            if state.entries.is_empty() {
                for name in INITIAL_DATABASES {
                    let oid = state.next_oid.max(1);
                    state.next_oid = oid + 1;
                    state
                        .entries
                        .insert((*name).to_owned(), Entry::new(oid, *name == "template1"));
                }
            }
            databases.write_manifest(&state)?;
            remove_strays(dir, &state)?;
        }
        // Start the initial databases now, side by side, so the first connection finds them open.
        let opening = {
            let state = lock(&databases.state);
            INITIAL_DATABASES
                .iter()
                .filter_map(|name| Some((*name, state.entries.get(*name)?.oid)))
                .map(|(name, oid)| {
                    let path = databases.path(oid);
                    let opening =
                        thread::spawn(name, path, config.clone(), databases.this.clone())?;
                    Ok((name, opening))
                })
                .collect::<Result<Vec<_>, PgError>>()?
        };
        for (name, opening) in opening {
            let handle = opening.wait()?;
            if let Some(entry) = lock(&databases.state).entries.get_mut(name) {
                entry.handle = Some(handle);
            }
        }
        Ok(databases)
    }

    /// Joins database `name` for a new session; FATAL 3D000 if it does not exist (unless
    /// `--auto-create-from` makes it on the spot).
    pub fn connect(&self, name: &str) -> Result<(Handle, Membership), PgError> {
        if let Some(auto) = &self.config.auto_create
            && auto.matches(name)
            && !lock(&self.state).entries.contains_key(name)
        {
            match self.create(name, Some(&auto.template), false, true) {
                // Another connection created it first.
                Err(err) if err.code == SqlState::DUPLICATE_DATABASE => {}
                other => other.map_err(PgError::fatal)?,
            }
        }
        let handle = self.handle(name).map_err(PgError::fatal)?;
        let mut state = lock(&self.state);
        let entry = state
            .entries
            .get_mut(name)
            .ok_or_else(|| missing(name).fatal())?;
        if !entry.allow_connections {
            return Err(PgError::new(
                SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
                format!("database \"{name}\" is not currently accepting connections"),
            )
            .fatal());
        }
        entry.sessions += 1;
        let databases = self.this.upgrade().ok_or_else(PgError::admin_shutdown)?;
        Ok((
            handle,
            Membership {
                databases,
                name: name.to_owned(),
                session: None,
            },
        ))
    }

    /// Every live session of the server.
    pub(crate) fn backends(&self) -> &Arc<Backends> {
        &self.backends
    }

    /// pg_database's rows as a JSON array (oid, name, is_template, allow_connections), by oid,
    /// with each database's size on disk (pg_database_size): its file and its write-ahead log.
    pub(crate) fn json(&self) -> String {
        let state = lock(&self.state);
        let mut entries: Vec<(&String, &Entry)> = state.entries.iter().collect();
        entries.sort_by_key(|(_, e)| e.oid);
        let rows: Vec<String> = entries
            .into_iter()
            .map(|(name, e)| {
                let file = self.path(e.oid);
                let size: u64 = [file.clone(), file.with_extension("db-wal")]
                    .iter()
                    .filter_map(|f| std::fs::metadata(f).ok())
                    .map(|m| m.len())
                    .sum();
                format!(
                    "{{\"oid\":{},\"name\":{},\"is_template\":{},\"allow_connections\":{},\
                     \"size\":{size}}}",
                    e.oid,
                    devdb_pg::value::json::escape(name),
                    e.is_template as i32,
                    e.allow_connections as i32
                )
            })
            .collect();
        format!("[{}]", rows.join(","))
    }

    /// The thread of database `name`, started if it is not running.
    fn handle(&self, name: &str) -> Result<Handle, PgError> {
        self.settle(name);
        let mut state = lock(&self.state);
        let entry = state.entries.get_mut(name).ok_or_else(|| missing(name))?;
        if let Some(handle) = &entry.handle {
            return Ok(handle.clone());
        }
        let path = self.path(entry.oid);
        let handle = thread::spawn(name, path, self.config.clone(), self.this.clone())?.wait()?;
        entry.handle = Some(handle.clone());
        Ok(handle)
    }

    /// Whether the database thread `serial`, whose last session left a linger ago, is to stop
    /// now: nobody has connected since. Its handle then moves aside until it has closed the
    /// file (`settle`).
    pub(crate) fn retire(&self, serial: u64) -> bool {
        let mut state = lock(&self.state);
        let Some(entry) = state
            .entries
            .values_mut()
            .find(|e| e.handle.as_ref().is_some_and(|h| h.serial == serial))
        else {
            // DROP DATABASE or a rename took it and stops it.
            return false;
        };
        if entry.sessions > 0 {
            return false;
        }
        entry.stopping = entry.handle.take();
        true
    }

    /// Waits until the stopping thread of database `name`, if any, has closed its file
    /// (milliseconds: it has no sessions left, only its final checkpoint).
    fn settle(&self, name: &str) {
        let stopping = lock(&self.state)
            .entries
            .get(name)
            .and_then(|entry| entry.stopping.clone());
        let Some(stopping) = stopping else {
            return;
        };
        // Concurrent callers wait in `join` until the first has joined the thread.
        stopping.join();
        if let Some(entry) = lock(&self.state).entries.get_mut(name) {
            entry.stopping.take_if(|h| h.is(&stopping));
        }
    }

    /// CREATE DATABASE `name` as a copy of `template` (default `template1`).
    pub fn create(
        &self,
        name: &str,
        template: Option<&str>,
        is_template: bool,
        allow_connections: bool,
    ) -> Result<(), PgError> {
        let template = template.unwrap_or("template1");
        self.settle(template);
        let mut state = lock(&self.state);
        if state.entries.contains_key(name) {
            return Err(already_exists(name));
        }
        let source = state.entries.get(template).ok_or_else(|| {
            PgError::new(
                SqlState::UNDEFINED_DATABASE,
                format!("template database \"{template}\" does not exist"),
            )
        })?;
        if source.sessions > 0 {
            return Err(PgError::new(
                SqlState::OBJECT_IN_USE,
                format!("source database \"{template}\" is being accessed by other users"),
            )
            .with_detail(other_sessions(source.sessions)));
        }
        let source_path = self.path(source.oid);
        // Nobody uses the template: once its thread has emptied its WAL into the file, a plain
        // file copy is the database. Otherwise copy through SQLite.
        let quiescent = source.handle.as_ref().is_none_or(Handle::checkpoint);
        let oid = state.next_oid.max(1);
        if quiescent && copy_file(&source_path, &self.path(oid), !self.config.ephemeral).is_ok() {
            return self.register(&mut state, name, oid, is_template, allow_connections);
        }
        self.add_copy(
            &mut state,
            name,
            &source_path,
            is_template,
            allow_connections,
        )
    }

    /// `devdb_snapshot(name)`: a new database `name` holding what `source` has committed now,
    /// whoever else is connected to it or writing.
    pub fn snapshot(&self, source: &str, name: &str) -> Result<(), PgError> {
        let mut state = lock(&self.state);
        if state.entries.contains_key(name) {
            return Err(already_exists(name));
        }
        let source_path = self.path(
            state
                .entries
                .get(source)
                .ok_or_else(|| missing(source))?
                .oid,
        );
        self.add_copy(&mut state, name, &source_path, false, true)
    }

    /// The file of database `name`, for `devdb_restore`; 3D000 if it does not exist.
    pub fn file_of(&self, name: &str) -> Result<PathBuf, PgError> {
        let state = lock(&self.state);
        Ok(self.path(state.entries.get(name).ok_or_else(|| missing(name))?.oid))
    }

    fn add_copy(
        &self,
        state: &mut State,
        name: &str,
        source: &Path,
        is_template: bool,
        allow_connections: bool,
    ) -> Result<(), PgError> {
        let oid = state.next_oid.max(1);
        copy_database(source, &self.path(oid), !self.config.ephemeral)?;
        self.register(state, name, oid, is_template, allow_connections)
    }

    /// Lists the database just copied to `<oid>.db` in the manifest.
    fn register(
        &self,
        state: &mut State,
        name: &str,
        oid: u32,
        is_template: bool,
        allow_connections: bool,
    ) -> Result<(), PgError> {
        state.next_oid = oid + 1;
        let mut entry = Entry::new(oid, is_template);
        entry.allow_connections = allow_connections;
        state.entries.insert(name.to_owned(), entry);
        if let Err(err) = self.write_manifest(state) {
            state.entries.remove(name);
            remove_files(&self.path(oid));
            return Err(err);
        }
        Ok(())
    }

    /// DROP DATABASE. `current` is the database the requesting session is connected to.
    /// Returns a notice for `IF EXISTS` on a missing database.
    pub fn drop_database(
        &self,
        name: &str,
        if_exists: bool,
        force: bool,
        current: &str,
    ) -> Result<Option<PgError>, PgError> {
        if name == current {
            return Err(PgError::new(
                SqlState::OBJECT_IN_USE,
                "cannot drop the currently open database",
            ));
        }
        let (handle, in_use) = {
            let state = lock(&self.state);
            let Some(entry) = state.entries.get(name) else {
                if if_exists {
                    let mut notice = PgError::new(
                        SqlState::SUCCESSFUL_COMPLETION,
                        format!("database \"{name}\" does not exist, skipping"),
                    );
                    notice.severity = Severity::Notice;
                    return Ok(Some(notice));
                }
                return Err(missing(name));
            };
            (entry.handle.clone(), entry.sessions > 0)
        };
        if let Some(handle) = &handle
            && force
        {
            handle.terminate_sessions();
        }
        // Like PostgreSQL, wait a few seconds for sessions to go before refusing: a client that
        // just disconnected may still be ending its session.
        if in_use {
            self.wait_until_unused(name)?;
        }
        let oid = {
            let mut state = lock(&self.state);
            let entry = state.entries.remove(name).ok_or_else(|| missing(name))?;
            if let Err(err) = self.write_manifest(&state) {
                state.entries.insert(name.to_owned(), entry);
                return Err(err);
            }
            entry.oid
        };
        if let Some(handle) = handle {
            handle.shutdown();
        }
        discard_files(&self.path(oid));
        Ok(None)
    }

    /// ALTER DATABASE `from` RENAME TO `to`.
    pub fn rename(&self, from: &str, to: &str, current: &str) -> Result<(), PgError> {
        if from == current {
            return Err(PgError::feature_not_supported(
                "renaming the current database",
            ));
        }
        let handle = {
            let mut state = lock(&self.state);
            // PostgreSQL looks for the database before it checks the new name.
            if !state.entries.contains_key(from) {
                return Err(missing(from));
            }
            if state.entries.contains_key(to) {
                return Err(already_exists(to));
            }
            let entry = state.entries.get_mut(from).ok_or_else(|| missing(from))?;
            if entry.sessions > 0 {
                return Err(PgError::new(
                    SqlState::OBJECT_IN_USE,
                    format!("database \"{from}\" is being accessed by other users"),
                )
                .with_detail(other_sessions(entry.sessions)));
            }
            // The thread knows the database by name (current_database()): restart it later.
            let handle = entry.handle.take();
            if let Some(entry) = state.entries.remove(from) {
                state.entries.insert(to.to_owned(), entry);
            }
            if let Err(err) = self.write_manifest(&state) {
                if let Some(entry) = state.entries.remove(to) {
                    state.entries.insert(from.to_owned(), entry);
                }
                return Err(err);
            }
            handle
        };
        if let Some(handle) = handle {
            handle.shutdown();
        }
        Ok(())
    }

    /// Stops every database's thread (open transactions roll back) and waits for them.
    pub fn shutdown(&self) {
        let handles: Vec<Handle> = lock(&self.state)
            .entries
            .values()
            .flat_map(|e| [e.handle.clone(), e.stopping.clone()])
            .flatten()
            .collect();
        for handle in handles {
            handle.shutdown();
        }
    }

    /// Waits up to 5 seconds (PostgreSQL's limit) for `name` to have no sessions; 55006 after.
    fn wait_until_unused(&self, name: &str) -> Result<(), PgError> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let sessions = lock(&self.state)
                .entries
                .get(name)
                .map_or(0, |e| e.sessions);
            if sessions == 0 {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(PgError::new(
                    SqlState::OBJECT_IN_USE,
                    format!("database \"{name}\" is being accessed by other users"),
                )
                .with_detail(other_sessions(sessions)));
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    fn path(&self, oid: u32) -> PathBuf {
        self.config.data_dir.join(format!("{oid}.db"))
    }

    /// Records the databases for the next start. Ephemeral data has no next start, so it skips
    /// the file (creating and renaming one is a good part of a fast CREATE DATABASE).
    fn write_manifest(&self, state: &State) -> Result<(), PgError> {
        if self.config.ephemeral {
            return Ok(());
        }
        let mut lines: Vec<(u32, String)> = state
            .entries
            .iter()
            .map(|(name, e)| {
                (
                    e.oid,
                    format!("{}\t{}\t{}\n", e.oid, u8::from(e.is_template), escape(name)),
                )
            })
            .collect();
        lines.sort();
        let text: String = lines.into_iter().map(|(_, line)| line).collect();
        let path = self.config.data_dir.join(MANIFEST);
        let temp = path.with_extension("tmp");
        let write = || -> std::io::Result<()> {
            std::fs::write(&temp, text.as_bytes())?;
            std::fs::File::open(&temp)?.sync_all()?;
            std::fs::rename(&temp, &path)?;
            std::fs::File::open(&self.config.data_dir)?.sync_all()
        };
        write().map_err(|e| io_error("writing", &path, e))
    }
}

impl Entry {
    fn new(oid: u32, is_template: bool) -> Self {
        Entry {
            oid,
            handle: None,
            stopping: None,
            sessions: 0,
            is_template,
            allow_connections: true,
        }
    }
}

/// Copies the committed state of the database file `source` into a new file `target`, with
/// SQLite's online backup from a connection of its own: a consistent snapshot even while the
/// source's thread writes, without its uncommitted work.
fn copy_database(source: &Path, target: &Path, durable: bool) -> Result<(), PgError> {
    let temp = target.with_extension("creating");
    remove_files(&temp);
    let copy = || -> rusqlite::Result<()> {
        let from = Connection::open_with_flags(
            source,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let mut to = Connection::open(&temp)?;
        // The copy is a fresh file nobody sees until the rename: no journal and no sync per
        // page (a durable server syncs the finished file once, below).
        to.pragma_update(None, "journal_mode", "OFF")?;
        to.pragma_update(None, "synchronous", "OFF")?;
        let backup = rusqlite::backup::Backup::new(&from, &mut to)?;
        backup.run_to_completion(i32::MAX, Duration::ZERO, None)?;
        Ok(())
    };
    copy().map_err(|e| {
        PgError::internal(format!("copying database file {}: {e}", source.display()))
    })?;
    if durable {
        std::fs::File::open(&temp)
            .and_then(|f| f.sync_all())
            .map_err(|e| io_error("syncing", &temp, e))?;
    }
    std::fs::rename(&temp, target).map_err(|e| io_error("renaming", &temp, e))?;
    Ok(())
}

/// Copies a quiescent database file (no WAL content, nobody writing) as a new database file.
fn copy_file(source: &Path, target: &Path, durable: bool) -> std::io::Result<()> {
    let mut wal = source.as_os_str().to_owned();
    wal.push("-wal");
    if std::fs::metadata(PathBuf::from(wal)).is_ok_and(|m| m.len() > 0) {
        return Err(std::io::Error::other("the WAL still holds pages"));
    }
    let temp = target.with_extension("creating");
    let mut from = std::fs::File::open(source)?;
    let mut to = std::fs::File::create(&temp)?;
    // Reserving the blocks first makes the kernel's copy (copy_file_range) about a third
    // faster on ext4; a file system without fallocate just copies.
    let len = from.metadata()?.len();
    let _ = rustix::fs::fallocate(&to, rustix::fs::FallocateFlags::empty(), 0, len);
    std::io::copy(&mut from, &mut to)?;
    if durable {
        to.sync_all()?;
    }
    std::fs::rename(&temp, target)
}

/// Moves a dropped database's files aside and deletes them in the background: unlinking a large
/// file takes milliseconds DROP DATABASE need not wait for. Leftovers (a crash) are strays the
/// next start removes.
fn discard_files(path: &Path) {
    let mut moved = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let mut from = path.as_os_str().to_owned();
        from.push(suffix);
        let mut to = from.clone();
        to.push(".dropped");
        if std::fs::rename(&from, &to).is_ok() {
            moved.push(PathBuf::from(to));
        }
    }
    std::thread::spawn(move || {
        for file in moved {
            let _ = std::fs::remove_file(file);
        }
    });
}

/// Removes a database file and its WAL companions.
fn remove_files(path: &Path) {
    let _ = std::fs::remove_file(path);
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut companion = path.as_os_str().to_owned();
        companion.push(suffix);
        let _ = std::fs::remove_file(companion);
    }
}

/// Deletes database files the manifest does not list.
fn remove_strays(dir: &Path, state: &State) -> Result<(), PgError> {
    let listed: Vec<String> = state
        .entries
        .values()
        .map(|e| format!("{}.db", e.oid))
        .collect();
    let entries = std::fs::read_dir(dir).map_err(|e| io_error("reading", dir, e))?;
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let stem = file.split(['-', '.']).next().unwrap_or_default();
        let is_database_file =
            !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_digit()) && file.contains(".db");
        let half_done = file.ends_with(".creating") || file.ends_with(".dropped");
        let listed_file = listed.iter().any(|l| file.starts_with(l.as_str()));
        if half_done || is_database_file && !listed_file {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    Ok(())
}

fn read_manifest(path: &Path) -> Result<Vec<(u32, String, bool)>, PgError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_error("reading", path, e)),
    };
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        let mut fields = line.splitn(3, '\t');
        let parsed = (|| {
            let oid = fields.next()?.parse().ok()?;
            let is_template = fields.next()? == "1";
            Some((oid, unescape(fields.next()?), is_template))
        })();
        out.push(parsed.ok_or_else(|| {
            PgError::internal(format!("corrupt manifest {}: {line:?}", path.display()))
        })?);
    }
    Ok(out)
}

/// Names may hold any character; the manifest escapes backslash, tab and newline.
fn escape(name: &str) -> String {
    name.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            (c, false) => out.push(c),
        }
    }
    out
}

fn missing(name: &str) -> PgError {
    PgError::new(
        SqlState::UNDEFINED_DATABASE,
        format!("database \"{name}\" does not exist"),
    )
}

fn already_exists(name: &str) -> PgError {
    PgError::new(
        SqlState::DUPLICATE_DATABASE,
        format!("database \"{name}\" already exists"),
    )
}

fn other_sessions(n: usize) -> String {
    if n == 1 {
        "There is 1 other session using the database.".to_owned()
    } else {
        format!("There are {n} other sessions using the database.")
    }
}

fn io_error(what: &str, path: &Path, err: std::io::Error) -> PgError {
    PgError::internal(format!("{what} {}: {err}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn databases(linger: Duration) -> (tempfile::TempDir, Arc<Databases>) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = EngineConfig::new(dir.path().to_owned());
        config.linger = linger;
        let databases = Databases::open(config).expect("open");
        databases.create("x", None, false, true).expect("create");
        (dir, databases)
    }

    /// Waits (up to 5 s) until database `name`'s thread has retired.
    fn until_retired(databases: &Databases, name: &str) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while lock(&databases.state).entries[name].handle.is_some() {
            assert!(Instant::now() < deadline, "the thread did not retire");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    #[test]
    fn a_database_keeps_its_thread_for_a_session_that_comes_within_the_linger() {
        let (_dir, databases) = databases(Duration::from_secs(60));
        let (first, membership) = databases.connect("x").expect("connect");
        drop(membership);
        let (second, _membership) = databases.connect("x").expect("reconnect");
        assert!(second.is(&first), "the same thread serves the next session");
        databases.shutdown();
    }

    #[test]
    fn a_database_nobody_uses_holds_no_thread_after_the_linger() {
        let (_dir, databases) = databases(Duration::from_millis(10));
        let (first, membership) = databases.connect("x").expect("connect");
        drop(membership);
        until_retired(&databases, "x");
        let (second, _membership) = databases.connect("x").expect("reconnect");
        assert!(!second.is(&first), "a new thread serves the next session");
        assert!(lock(&first.thread).is_none(), "the old thread was joined");
        databases.shutdown();
    }

    #[test]
    fn a_database_reopens_only_after_its_retired_thread_has_closed_the_file() {
        let (_dir, databases) = databases(Duration::from_millis(10));
        let (first, membership) = databases.connect("x").expect("connect");
        // Keeps the thread busy past its retirement, as a loaded machine may.
        first
            .adopt(Box::new(|_| {
                Box::pin(async {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    std::thread::sleep(Duration::from_millis(300));
                })
            }))
            .expect("adopt");
        drop(membership);
        until_retired(&databases, "x");
        let (second, _membership) = databases.connect("x").expect("reconnect");
        let joined = |handle: &Handle| lock(&handle.thread).is_none();
        assert!(
            joined(&first),
            "the old thread (and its final checkpoint) must be over before the new one opens"
        );
        assert!(!joined(&second));
        databases.shutdown();
    }

    #[test]
    fn manifest_names_round_trip_through_escaping() {
        for name in [
            "plain",
            "tab\there",
            "new\nline",
            "back\\slash",
            "\\t literal",
        ] {
            assert_eq!(unescape(&escape(name)), name);
        }
    }
}
