//! The one map from SQLite's errors to PostgreSQL's.

use devdb_pg::{ErrorFields, PgError, SqlState};
use devdb_sql::Catalog;
use devdb_sql::KeyProbe;
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
    inserted: Option<Inserted<'_>>,
) -> PgError {
    if let rusqlite::Error::SqliteFailure(code, Some(message)) = &err {
        match code.extended_code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                let err = unique_violation(message, Some((catalog, conn)));
                return match inserted.and_then(|i| duplicate_key(&err, catalog, conn, i)) {
                    Some(detail) => err.with_detail(detail),
                    None => err,
                };
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => {
                if let Some(err) = inserted.and_then(|i| missing_referenced_key(catalog, conn, i)) {
                    return err;
                }
            }
            ffi::SQLITE_CONSTRAINT_CHECK => return check_violation(message, Some(catalog)),
            _ => {}
        }
    }
    to_pg(err, interrupted)
}

/// What an INSERT gave: its [`KeyProbe`] and the probe's rows.
pub(crate) type Inserted<'a> = (&'a KeyProbe, Vec<Vec<rusqlite::types::Value>>);

/// True for the violations whose report names the inserted key: unique, primary and foreign
/// keys.
pub(crate) fn names_inserted_key(err: &rusqlite::Error) -> bool {
    matches!(err, rusqlite::Error::SqliteFailure(code, _)
        if matches!(code.extended_code, ffi::SQLITE_CONSTRAINT_UNIQUE
            | ffi::SQLITE_CONSTRAINT_PRIMARYKEY | ffi::SQLITE_CONSTRAINT_FOREIGNKEY))
}

/// `SELECT 1 FROM table WHERE c1 = ?1 AND ... LIMIT 1`: whether a row has this key.
fn key_exists(
    conn: &Connection,
    table: &str,
    columns: &[String],
    key: &[rusqlite::types::Value],
) -> bool {
    let quote = |name: &str| format!("\"{}\"", name.replace('"', "\"\""));
    let condition: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{} = ?{}", quote(c), i + 1))
        .collect();
    let sql = format!(
        "SELECT 1 FROM {} WHERE {} LIMIT 1",
        quote(table),
        condition.join(" AND ")
    );
    conn.query_row(&sql, rusqlite::params_from_iter(key.iter()), |_| Ok(()))
        .is_ok()
}

/// A key as PostgreSQL prints it in a DETAIL: `(a, b)=(1, x)`.
fn key_text(
    table: &devdb_sql::catalog::Table,
    columns: &[String],
    key: &[rusqlite::types::Value],
) -> String {
    let texts: Vec<String> = columns
        .iter()
        .zip(key)
        .map(|(c, v)| {
            let ty = table.column(c).map_or(devdb_pg::PgType::Text, |c| c.ty);
            let mut out = bytes::BytesMut::new();
            let datum = crate::engine::stored(Some(rusqlite::types::ValueRef::from(v)));
            devdb_pg::value::encode_text(ty, datum, &mut out);
            String::from_utf8_lossy(&out).into_owned()
        })
        .collect();
    format!("({})=({})", columns.join(", "), texts.join(", "))
}

/// The values of `columns` in each probed row, None when the INSERT did not give them all.
fn keys_of(
    probe: &KeyProbe,
    rows: &[Vec<rusqlite::types::Value>],
    columns: &[String],
) -> Option<Vec<Vec<rusqlite::types::Value>>> {
    let places: Vec<usize> = columns
        .iter()
        .map(|c| probe.columns.iter().position(|p| p == c))
        .collect::<Option<_>>()?;
    rows.iter()
        .map(|row| places.iter().map(|&p| row.get(p).cloned()).collect())
        .collect()
}

/// 23503 for an INSERT whose foreign key names no row of the referenced table, as PostgreSQL
/// reports it: the first inserted row (in order) whose key is missing.
fn missing_referenced_key(
    catalog: &Catalog,
    conn: &Connection,
    (probe, rows): Inserted<'_>,
) -> Option<PgError> {
    let table = catalog.table(&probe.table)?;
    let fks: Vec<_> = catalog
        .constraints_of(&probe.table)
        .filter(|c| c.kind == ConstraintKind::ForeignKey && !c.initially_deferred)
        .filter_map(|c| Some((c, keys_of(probe, &rows, &c.columns)?)))
        .collect();
    for i in 0..rows.len() {
        for (fk, keys) in &fks {
            let key = keys.get(i)?;
            let referenced = fk.ref_table.as_deref()?;
            if key.contains(&rusqlite::types::Value::Null)
                || key_exists(conn, referenced, &fk.ref_columns, key)
            {
                continue;
            }
            let (schema, plain) = devdb_sql::catalog::split(&probe.table);
            return Some(
                PgError::new(
                    SqlState::FOREIGN_KEY_VIOLATION,
                    format!(
                        "insert or update on table \"{plain}\" violates foreign key constraint \"{}\"",
                        fk.name
                    ),
                )
                .with_detail(format!(
                    "Key {} is not present in table \"{}\".",
                    key_text(table, &fk.columns, key),
                    devdb_sql::catalog::split(referenced).1
                ))
                .with_fields(ErrorFields {
                    schema: Some(schema.to_owned()),
                    table: Some(plain.to_owned()),
                    constraint: Some(fk.name.clone()),
                    ..ErrorFields::default()
                }),
            );
        }
    }
    None
}

/// PostgreSQL's `Key (a, b)=(1, x) already exists.` for a unique violation of an INSERT: the
/// first inserted row whose key a row of the table (the statement's own rows were rolled back
/// with it) or an earlier inserted row already has. None when the INSERT's values for the key
/// are not all known.
fn duplicate_key(
    err: &PgError,
    catalog: &Catalog,
    conn: &Connection,
    (probe, rows): Inserted<'_>,
) -> Option<String> {
    let fields = err.fields.as_deref()?;
    let table_key = devdb_sql::catalog::key(fields.schema.as_deref()?, fields.table.as_deref()?);
    if table_key != probe.table {
        return None;
    }
    let constraint = fields.constraint.as_deref()?;
    let table = catalog.table(&table_key)?;
    let columns: Vec<String> = catalog
        .constraints_of(&table_key)
        .find(|c| c.name == constraint)
        .map(|c| c.columns.clone())
        .or_else(|| {
            catalog
                .indexes
                .iter()
                .find(|i| {
                    devdb_sql::catalog::split(&i.name).1 == constraint && i.table == table_key
                })
                .and_then(|i| index_columns(conn, &i.name))
        })?;
    let mut seen: Vec<&Vec<rusqlite::types::Value>> = Vec::new();
    let keys = keys_of(probe, &rows, &columns)?;
    for key in &keys {
        if key.contains(&rusqlite::types::Value::Null) {
            continue;
        }
        if seen.contains(&key) || key_exists(conn, &table_key, &columns, key) {
            return Some(format!(
                "Key {} already exists.",
                key_text(table, &columns, key)
            ));
        }
        seen.push(key);
    }
    None
}

/// The columns of a SQLite index, in order.
fn index_columns(conn: &Connection, index: &str) -> Option<Vec<String>> {
    conn.prepare("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")
        .and_then(|mut st| {
            st.query_map([index], |row| row.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()
        })
        .ok()
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
    indexes
        .into_iter()
        .find(|index| index_columns(conn, index).is_some_and(|names| names == columns))
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
