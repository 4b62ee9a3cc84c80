//! The one map from SQLite's errors to PostgreSQL's.

use devdb_pg::{PgError, SqlState};
use rusqlite::ffi;

use crate::interrupt::Cause;

/// Converts a rusqlite error into the error PostgreSQL would report for the same fault.
/// `interrupted` says why SQLite was interrupted, if it was.
pub(crate) fn to_pg(err: rusqlite::Error, interrupted: Option<Cause>) -> PgError {
    match err {
        rusqlite::Error::UserFunctionError(inner) => match inner.downcast::<PgError>() {
            Ok(pg) => *pg,
            Err(other) => PgError::internal(other.to_string()),
        },
        rusqlite::Error::SqliteFailure(code, message) => {
            let message = message.unwrap_or_else(|| code.to_string());
            from_code(code, &message, interrupted)
        }
        other => PgError::internal(other.to_string()),
    }
}

fn from_code(code: ffi::Error, message: &str, interrupted: Option<Cause>) -> PgError {
    match code.extended_code {
        ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
            let columns = message
                .strip_prefix("UNIQUE constraint failed: ")
                .unwrap_or(message);
            PgError::new(
                SqlState::UNIQUE_VIOLATION,
                "duplicate key value violates unique constraint",
            )
            .with_detail(format!("Key ({columns}) already exists."))
        }
        ffi::SQLITE_CONSTRAINT_NOTNULL => {
            let target = message
                .strip_prefix("NOT NULL constraint failed: ")
                .unwrap_or(message);
            let (table, column) = target.rsplit_once('.').unwrap_or(("", target));
            PgError::new(
                SqlState::NOT_NULL_VIOLATION,
                format!(
                    "null value in column \"{column}\" of relation \"{table}\" violates not-null constraint"
                ),
            )
        }
        ffi::SQLITE_CONSTRAINT_FOREIGNKEY => PgError::new(
            SqlState::FOREIGN_KEY_VIOLATION,
            "insert or update on table violates foreign key constraint",
        ),
        ffi::SQLITE_CONSTRAINT_CHECK => PgError::new(
            SqlState::CHECK_VIOLATION,
            format!("new row violates check constraint: {message}"),
        ),
        _ => match code.code {
            ffi::ErrorCode::OperationInterrupted => match interrupted {
                Some(Cause::Timeout) => PgError::statement_timeout(),
                _ => PgError::query_canceled(),
            },
            ffi::ErrorCode::ReadOnly => PgError::new(
                SqlState::READ_ONLY_SQL_TRANSACTION,
                "cannot execute this statement in a read-only transaction",
            ),
            ffi::ErrorCode::DiskFull => PgError::new(SqlState::DISK_FULL, message),
            ffi::ErrorCode::OutOfMemory => PgError::new(SqlState::OUT_OF_MEMORY, message),
            _ => classify_message(message),
        },
    }
}

/// SQLite's generic errors carry the fault only in their text.
fn classify_message(message: &str) -> PgError {
    if message.contains("FOREIGN KEY constraint failed") {
        // ON DELETE/UPDATE RESTRICT fails through SQLite's trigger machinery, not as a plain
        // foreign-key constraint code.
        return PgError::new(
            SqlState::FOREIGN_KEY_VIOLATION,
            "update or delete violates foreign key constraint",
        );
    }
    if let Some(name) = message.strip_prefix("no such table: ") {
        return PgError::undefined_table(name.rsplit('.').next().unwrap_or(name));
    }
    if let Some(name) = message.strip_prefix("no such column: ") {
        return PgError::undefined_column(name);
    }
    if let Some(name) = message.strip_prefix("no such function: ") {
        return PgError::undefined_function(name);
    }
    if message.contains("already exists") {
        return PgError::new(
            SqlState::DUPLICATE_TABLE,
            message.replace("table ", "relation "),
        );
    }
    if message.contains("syntax error") {
        return PgError::syntax_error(message, None);
    }
    PgError::internal(message)
}
