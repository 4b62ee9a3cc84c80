//! Commands on whole databases, run by the engine of the database the requesting session is
//! connected to: CREATE / DROP / ALTER DATABASE through the registry, and devdb's snapshot and
//! restore.

use std::sync::Arc;
use std::time::Duration;

use devdb_pg::{Datum, Format, PgError, SqlState};
use devdb_sql::database::DatabaseCommand;
use rusqlite::{Connection, OpenFlags};

use super::statement::resolve_formats;
use super::{Engine, Stop, load_catalog, query_rows};
use crate::functions::lock;
use crate::session::Session;
use crate::sqlite_error;
use crate::{SessionId, Sink};

impl Engine {
    pub(super) fn database_command(
        &mut self,
        id: SessionId,
        session: &mut Session,
        command: &DatabaseCommand,
        formats: &[Format],
        send_description: bool,
        sink: &mut dyn Sink,
    ) -> Result<(), Stop> {
        let registry = self
            .registry
            .upgrade()
            .ok_or_else(PgError::admin_shutdown)?;
        let current = self.functions.database.clone();
        let in_block = session.transaction.block;
        let outside_block = |what: &str| -> Result<(), PgError> {
            match in_block {
                true => Err(PgError::active_sql_transaction(what)),
                false => Ok(()),
            }
        };
        match command {
            DatabaseCommand::Create {
                name,
                template,
                is_template,
                allow_connections,
            } => {
                outside_block("CREATE DATABASE")?;
                registry.create(name, template.as_deref(), *is_template, *allow_connections)?;
            }
            DatabaseCommand::Drop {
                name,
                if_exists,
                force,
            } => {
                outside_block("DROP DATABASE")?;
                if let Some(notice) = registry.drop_database(name, *if_exists, *force, &current)? {
                    sink.notice(&notice);
                }
            }
            DatabaseCommand::Rename { from, to } => {
                outside_block("ALTER DATABASE")?;
                registry.rename(from, to, &current)?;
            }
            DatabaseCommand::Snapshot { name } => {
                // The copy reads the file: commits still in the writer's open SQLite
                // transaction are committed to it first.
                if session.transaction.writing && !session.transaction.pinned {
                    self.shelve(id, session);
                }
                self.settle()?;
                registry.snapshot(&current, name)?;
            }
            DatabaseCommand::Restore { name } => {
                outside_block("devdb_restore")?;
                if **name == *current {
                    return Err(PgError::new(
                        SqlState::OBJECT_IN_USE,
                        "a database cannot be restored from itself",
                    )
                    .into());
                }
                let source = registry.file_of(name)?;
                self.restore(id, name, &source)?;
            }
        }
        let columns = &devdb_sql::database::translated(command.clone()).columns;
        if !columns.is_empty() {
            // devdb's functions return void: one row with an empty value.
            let formats = resolve_formats(formats, columns.len());
            if send_description {
                sink.row_description(columns, &formats);
            }
            sink.data_row(&[Datum::Text("")], columns, &formats)?;
        }
        sink.command_complete(command.tag());
        Ok(())
    }

    /// Replaces this database's contents with a copy of the file `source`, in place: every
    /// other session's open transaction is rolled back (it learns why at its next statement)
    /// and everyone sees the restored data, sequences included, from the next statement on.
    fn restore(
        &mut self,
        id: SessionId,
        name: &str,
        source: &std::path::Path,
    ) -> Result<(), PgError> {
        let reason = format!(
            "the transaction was rolled back because session {} restored the database from \"{name}\" (devdb_restore)",
            id.0
        );
        let holder = self.lock_holder;
        // The restored contents replace the commits that wait to settle too.
        lock(&self.functions.changes).settled();
        for (other, state) in self.sessions.iter_mut() {
            let tx = &mut state.transaction;
            if tx.block {
                tx.failed = true;
                tx.aborted_by = Some(reason.clone());
            } else if tx.implicit {
                tx.implicit = false;
            }
            tx.writing = false;
            tx.pinned = false;
            tx.materialized = 0;
            state.portals.clear();
            if holder == Some(*other) {
                let _ = self.writer.execute_batch("ROLLBACK");
            }
        }
        if let Some(holder) = holder {
            self.release_lock(holder);
        }
        self.close_shared();
        // Nobody's row changes apply to the restored contents (the restoring session is
        // outside a transaction block).
        *lock(&self.functions.changes) = Default::default();
        self.release_reader_snapshot();
        let copy = |writer: &mut Connection| -> rusqlite::Result<()> {
            let from = Connection::open_with_flags(
                source,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            let backup = rusqlite::backup::Backup::new(&from, writer)?;
            backup.run_to_completion(i32::MAX, Duration::ZERO, None)
        };
        copy(&mut self.writer).map_err(|e| sqlite_error::to_pg(e, None))?;
        self.committed = Arc::new(load_catalog(&self.reader)?);
        self.pending = None;
        self.generation += 1;
        let rows = query_rows(&self.reader, crate::sequences::LOAD_SQL)?;
        lock(&self.functions.sequences).replace(rows);
        Ok(())
    }
}
