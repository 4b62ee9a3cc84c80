//! The one map from SQLite's errors to PostgreSQL's.

use devdb_pg::{ErrorFields, PgError, SqlState};
use devdb_sql::Catalog;
use devdb_sql::catalog::ConstraintKind;
use rusqlite::Connection;
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
        // What SQLite's prepare refuses in SQL devdb wrote (an index on a volatile function).
        rusqlite::Error::SqlInputError { error, msg, .. } => from_code(error, &msg, interrupted),
        other => PgError::internal(other.to_string()),
    }
}

fn from_code(code: ffi::Error, message: &str, interrupted: Option<Cause>) -> PgError {
    match code.extended_code {
        ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
            unique_violation(message, None)
        }
        ffi::SQLITE_CONSTRAINT_NOTNULL => not_null_violation(message),
        ffi::SQLITE_CONSTRAINT_FOREIGNKEY => PgError::new(
            SqlState::FOREIGN_KEY_VIOLATION,
            "insert or update on table violates foreign key constraint",
        ),
        ffi::SQLITE_CONSTRAINT_CHECK => check_violation(message, None),
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

/// Like [`to_pg`] for an error of a client's statement: constraint errors name the constraint
/// (found in the catalog, or among the SQLite indexes of `conn`) as PostgreSQL does.
pub(crate) fn statement_error(
    err: rusqlite::Error,
    interrupted: Option<Cause>,
    catalog: &Catalog,
    conn: &Connection,
) -> PgError {
    if let rusqlite::Error::SqliteFailure(code, Some(message)) = &err {
        match code.extended_code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                return unique_violation(message, Some((catalog, conn)));
            }
            ffi::SQLITE_CONSTRAINT_CHECK => return check_violation(message, Some(catalog)),
            _ => {}
        }
    }
    to_pg(err, interrupted)
}

/// 23505 from `UNIQUE constraint failed: t.a, t.b` or `... failed: index 'name'`.
fn unique_violation(message: &str, names: Option<(&Catalog, &Connection)>) -> PgError {
    let failed = message
        .strip_prefix("UNIQUE constraint failed: ")
        .unwrap_or(message);
    let (table, columns, constraint) = match failed
        .strip_prefix("index '")
        .and_then(|rest| rest.strip_suffix('\''))
    {
        Some(index) => (None, Vec::new(), Some(index.to_owned())),
        None => {
            // Each item is `table.column`; a table of another schema is `schema.table`.
            let mut table = None;
            let columns: Vec<String> = failed
                .split(", ")
                .map(|item| match item.rsplit_once('.') {
                    Some((t, c)) => {
                        table = Some(t.to_owned());
                        c.to_owned()
                    }
                    None => item.to_owned(),
                })
                .collect();
            let constraint = match (&table, names) {
                (Some(table), Some((catalog, conn))) => {
                    unique_constraint_name(catalog, conn, table, &columns)
                }
                _ => None,
            };
            (table, columns, constraint)
        }
    };
    let (schema, table) = match &table {
        Some(key) => {
            let (schema, name) = devdb_sql::catalog::split(key);
            (Some(schema.to_owned()), Some(name.to_owned()))
        }
        None => (None, None),
    };
    let constraint = constraint.map(|c| devdb_sql::catalog::split(&c).1.to_owned());
    let message = match &constraint {
        Some(name) => format!("duplicate key value violates unique constraint \"{name}\""),
        None => "duplicate key value violates unique constraint".to_owned(),
    };
    let mut err = PgError::new(SqlState::UNIQUE_VIOLATION, message);
    if !columns.is_empty() {
        err = err.with_detail(format!("Key ({}) already exists.", columns.join(", ")));
    }
    err.with_fields(ErrorFields {
        schema,
        table,
        constraint,
        ..ErrorFields::default()
    })
}

/// The primary key or unique constraint of `table` on exactly `columns`, else a unique index
/// on them (CREATE UNIQUE INDEX), as SQLite lists its indexes.
fn unique_constraint_name(
    catalog: &Catalog,
    conn: &Connection,
    table: &str,
    columns: &[String],
) -> Option<String> {
    let declared = catalog.constraints_of(table).find(|c| {
        matches!(c.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique)
            && c.columns == columns
    });
    if let Some(c) = declared {
        return Some(c.name.clone());
    }
    let indexes: Vec<String> = conn
        .prepare("SELECT name FROM pragma_index_list(?1) WHERE \"unique\" = 1")
        .and_then(|mut st| {
            st.query_map([table], |row| row.get(0))?
                .collect::<Result<_, _>>()
        })
        .ok()?;
    indexes.into_iter().find(|index| {
        conn.prepare("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")
            .and_then(|mut st| {
                st.query_map([index], |row| row.get::<_, Option<String>>(0))?
                    .collect::<Result<Vec<_>, _>>()
            })
            .is_ok_and(|names| {
                names.len() == columns.len()
                    && names
                        .iter()
                        .zip(columns)
                        .all(|(n, c)| n.as_deref() == Some(c))
            })
    })
}

/// 23502 from `NOT NULL constraint failed: t.c`.
fn not_null_violation(message: &str) -> PgError {
    let target = message
        .strip_prefix("NOT NULL constraint failed: ")
        .unwrap_or(message);
    let (table, column) = target.rsplit_once('.').unwrap_or(("", target));
    let (schema, table) = devdb_sql::catalog::split(table);
    PgError::not_null_violation(schema, table, column)
}

/// 23514 from `CHECK constraint failed: name` (devdb names every CHECK it declares).
fn check_violation(message: &str, catalog: Option<&Catalog>) -> PgError {
    let name = message
        .strip_prefix("CHECK constraint failed: ")
        .unwrap_or(message);
    let table = catalog.and_then(|c| {
        c.constraints
            .iter()
            .find(|k| k.kind == ConstraintKind::Check && k.name == name)
            .map(|k| k.table.clone())
    });
    // A domain's CHECK guards each column of the domain under the domain constraint's name.
    let domain = match (&table, catalog) {
        (None, Some(c)) => c
            .domains
            .iter()
            .find(|d| d.check.as_ref().is_some_and(|(n, _)| n == name)),
        _ => None,
    };
    if let Some(d) = domain {
        return PgError::new(
            SqlState::CHECK_VIOLATION,
            format!(
                "value for domain {} violates check constraint \"{name}\"",
                devdb_sql::catalog::split(&d.name).1
            ),
        )
        .with_fields(ErrorFields {
            schema: Some(d.schema.clone()),
            constraint: Some(name.to_owned()),
            ..ErrorFields::default()
        });
    }
    let message = match &table {
        Some(t) => format!(
            "new row for relation \"{}\" violates check constraint \"{name}\"",
            devdb_sql::catalog::split(t).1
        ),
        None => format!("new row violates check constraint \"{name}\""),
    };
    PgError::new(SqlState::CHECK_VIOLATION, message).with_fields(ErrorFields {
        table: table.map(|t| devdb_sql::catalog::split(&t).1.to_owned()),
        constraint: Some(name.to_owned()),
        ..ErrorFields::default()
    })
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
    if message.contains("ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint") {
        return PgError::new(
            SqlState::INVALID_COLUMN_REFERENCE,
            "there is no unique or exclusion constraint matching the ON CONFLICT specification",
        );
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
    // SQLite's deterministic functions are the ones PostgreSQL marks IMMUTABLE.
    if let Some(place) = message.strip_prefix("non-deterministic functions prohibited in ") {
        let part = match place {
            p if p.starts_with("index expressions") => "index expression",
            p if p.starts_with("partial index WHERE") => "index predicate",
            _ => return PgError::internal(message),
        };
        return PgError::new(
            SqlState::INVALID_OBJECT_DEFINITION,
            format!("functions in {part} must be marked IMMUTABLE"),
        );
    }
    PgError::internal(message)
}
