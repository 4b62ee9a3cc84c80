//! The one map from SQLite's errors to PostgreSQL's.

use devdb_pg::{ErrorFields, PgError, PgType, SqlState, Value};
use devdb_sql::Catalog;
use devdb_sql::RowProbe;
use devdb_sql::catalog::ConstraintKind;
use devdb_sql::catalog::{Column, Table};
use rusqlite::Connection;
use rusqlite::ffi;
use rusqlite::types::Value as SqlValue;

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
        // Float columns of tables made by a devdb before NaN support are STRICT REALs.
        ffi::SQLITE_CONSTRAINT_DATATYPE if message.contains("TEXT value in REAL column") => {
            PgError::feature_not_supported(format!(
                "NaN in a float column of a table created by an older devdb ({})",
                message.rsplit(' ').next().unwrap_or(message)
            ))
        }
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
/// (found in the catalog, or among the SQLite indexes of `conn`) and, from the statement's
/// [`RowProbe`], the failing row or key, as PostgreSQL does.
pub(crate) fn statement_error(
    err: rusqlite::Error,
    raised: Option<PgError>,
    interrupted: Option<Cause>,
    catalog: &Catalog,
    conn: &Connection,
    probed: Option<&Probed<'_>>,
) -> PgError {
    if let Some(raised) = raised {
        return match raised.code {
            SqlState::NOT_NULL_VIOLATION => with_failing_row(raised, catalog, probed),
            _ => raised,
        };
    }
    let rusqlite::Error::SqliteFailure(code, Some(message)) = &err else {
        return to_pg(err, interrupted);
    };
    let found = |find: &dyn Fn(&Probed<'_>) -> Option<PgError>| probed.and_then(find);
    let named = match code.extended_code {
        ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
            let err = unique_violation(message, Some((catalog, conn)));
            Some(
                match probed.and_then(|p| duplicate_key(&err, catalog, conn, p)) {
                    Some(detail) => err.with_detail(detail),
                    None => err,
                },
            )
        }
        ffi::SQLITE_CONSTRAINT_FOREIGNKEY => found(&|p| {
            missing_referenced_key(catalog, conn, p).or_else(|| still_referenced(catalog, conn, p))
        }),
        ffi::SQLITE_CONSTRAINT_NOTNULL => Some(with_failing_row(
            not_null_violation(message),
            catalog,
            probed,
        )),
        ffi::SQLITE_CONSTRAINT_CHECK => Some(with_failing_row(
            check_violation(message, Some(catalog)),
            catalog,
            probed,
        )),
        // ON DELETE/UPDATE RESTRICT fails through SQLite's trigger machinery.
        _ if message.contains("FOREIGN KEY constraint failed") => {
            found(&|p| still_referenced(catalog, conn, p))
        }
        _ => None,
    };
    named.unwrap_or_else(|| to_pg(err, interrupted))
}

/// What a statement's [`RowProbe`] gave: the probe, its rows, and whether the statement
/// deletes them (else it writes them).
pub(crate) struct Probed<'a> {
    pub probe: &'a RowProbe,
    pub rows: Vec<Vec<SqlValue>>,
    pub deleting: bool,
}

/// One row of a probe: the rowid it replaces, its values (one per column of the table) and
/// the outcome of each CHECK.
struct ProbeRow<'r> {
    rowid: Option<&'r SqlValue>,
    values: &'r [SqlValue],
    checks: &'r [SqlValue],
}

impl Probed<'_> {
    fn rows(&self) -> impl Iterator<Item = ProbeRow<'_>> {
        let skip = usize::from(self.probe.replaces);
        let width = self.probe.known.len();
        self.rows.iter().map(move |row| ProbeRow {
            rowid: row.first().filter(|_| skip == 1),
            values: row.get(skip..skip + width).unwrap_or_default(),
            checks: row.get(skip + width..).unwrap_or_default(),
        })
    }

    /// The places of `columns` in the probe's rows, None unless all are known.
    fn places(&self, table: &Table, columns: &[String]) -> Option<Vec<usize>> {
        columns
            .iter()
            .map(|c| {
                let place = table.columns.iter().position(|t| t.name == *c)?;
                self.probe.known.get(place)?.then_some(place)
            })
            .collect()
    }
}

/// True for the violations whose report names the failing row or key (`raised`: the error
/// a runtime function raised, which SQLite reports as a function error).
pub(crate) fn names_a_row(err: &rusqlite::Error, raised: Option<&PgError>) -> bool {
    match (err, raised) {
        (_, Some(raised)) => raised.code == SqlState::NOT_NULL_VIOLATION,
        (rusqlite::Error::SqliteFailure(code, _), None) => {
            code.code == ffi::ErrorCode::ConstraintViolation
        }
        _ => false,
    }
}

/// A SQLite identifier in double quotes.
pub(crate) fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The rowids of the rows of `table` whose `columns` hold `key`.
fn key_holders(conn: &Connection, table: &str, columns: &[String], key: &[SqlValue]) -> Vec<i64> {
    let condition: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{} = ?{}", quoted(c), i + 1))
        .collect();
    let sql = format!(
        "SELECT rowid FROM {} WHERE {}",
        quoted(table),
        condition.join(" AND ")
    );
    conn.prepare(&sql)
        .and_then(|mut st| {
            st.query_map(rusqlite::params_from_iter(key.iter()), |row| row.get(0))?
                .collect()
        })
        .unwrap_or_default()
}

/// A value as PostgreSQL prints it in a DETAIL, in the text form of `ty`.
/// A stored value of `column` (text when unknown) as PostgreSQL prints it: char(n) padded.
fn value_text(column: Option<&Column>, value: &SqlValue) -> String {
    let mut out = bytes::BytesMut::new();
    let datum = crate::engine::stored(Some(rusqlite::types::ValueRef::from(value)));
    let ty = column.map_or(PgType::Text, |c| c.ty);
    devdb_pg::value::encode_text(ty, datum, &mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    match column {
        Some(c) if ty == PgType::Bpchar => {
            match devdb_sql::runtime::apply_typmod(Value::Text(text.clone()), ty, c.typmod, true) {
                Ok(Value::Text(padded)) => padded,
                _ => text,
            }
        }
        _ => text,
    }
}

/// A key as PostgreSQL prints it in a DETAIL: `(a, b)=(1, x)`.
fn key_text(table: &Table, columns: &[String], key: &[SqlValue]) -> String {
    let texts: Vec<String> = columns
        .iter()
        .zip(key)
        .map(|(c, v)| value_text(table.column(c), v))
        .collect();
    format!("({})=({})", columns.join(", "), texts.join(", "))
}

/// `Failing row contains (1, null, x).` for a 23502 or 23514 of the probed table: the first
/// probed row that breaks the constraint, each value cut to 64 bytes as PostgreSQL does.
fn with_failing_row(err: PgError, catalog: &Catalog, probed: Option<&Probed<'_>>) -> PgError {
    let row = (|| {
        let probed = probed?;
        let fields = err.fields.as_deref()?;
        let table_key =
            devdb_sql::catalog::key(fields.schema.as_deref()?, fields.table.as_deref()?);
        if table_key != probed.probe.table || !probed.probe.known.iter().all(|k| *k) {
            return None;
        }
        let table = catalog.table(&table_key)?;
        let breaks: Box<dyn Fn(&ProbeRow<'_>) -> bool> = if err.code == SqlState::NOT_NULL_VIOLATION
        {
            let place = probed.places(table, std::slice::from_ref(fields.column.as_ref()?))?[0];
            Box::new(move |row| row.values.get(place) == Some(&SqlValue::Null))
        } else {
            let constraint = fields.constraint.as_deref()?;
            let place = probed.probe.checks.iter().position(|c| c == constraint)?;
            Box::new(move |row| row.checks.get(place) == Some(&SqlValue::Integer(0)))
        };
        let row = probed.rows().find(|row| breaks(row))?;
        let texts: Vec<String> = table
            .columns
            .iter()
            .zip(row.values)
            .map(|(c, v)| match v {
                SqlValue::Null => "null".to_owned(),
                v => clipped(value_text(Some(c), v)),
            })
            .collect();
        Some(format!("Failing row contains ({}).", texts.join(", ")))
    })();
    match row {
        Some(detail) => err.with_detail(detail),
        None => err,
    }
}

/// A value cut to PostgreSQL's 64 bytes for a row in a DETAIL, at a character boundary.
fn clipped(mut text: String) -> String {
    const MAX: usize = 64;
    if text.len() > MAX {
        let mut end = MAX;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push_str("...");
    }
    text
}

/// The values of `places` in a probed row.
fn key_at(row: &ProbeRow<'_>, places: &[usize]) -> Option<Vec<SqlValue>> {
    places.iter().map(|&p| row.values.get(p).cloned()).collect()
}

/// 23503 for an INSERT or UPDATE whose foreign key names no row of the referenced table, as
/// PostgreSQL reports it: the first written row (in order) whose key is missing.
fn missing_referenced_key(
    catalog: &Catalog,
    conn: &Connection,
    probed: &Probed<'_>,
) -> Option<PgError> {
    if probed.deleting {
        return None;
    }
    let table_key = &probed.probe.table;
    let table = catalog.table(table_key)?;
    let fks: Vec<_> = catalog
        .constraints_of(table_key)
        .filter(|c| c.kind == ConstraintKind::ForeignKey && !c.initially_deferred)
        .filter_map(|c| Some((c, probed.places(table, &c.columns)?)))
        .collect();
    for row in probed.rows() {
        for (fk, places) in &fks {
            let key = key_at(&row, places)?;
            let referenced = fk.ref_table.as_deref()?;
            if key.contains(&SqlValue::Null)
                || !key_holders(conn, referenced, &fk.ref_columns, &key).is_empty()
            {
                continue;
            }
            return Some(missing_key(table, fk, &key));
        }
    }
    None
}

/// 23503 for the first row (in rowid order) of the foreign keys `fks` (table key, name) whose
/// key names no referenced row: what a deferred key's check finds at SET CONSTRAINTS
/// IMMEDIATE or at commit, reported as PostgreSQL reports the inserted or updated row.
pub(crate) fn dangling_reference(
    catalog: &Catalog,
    conn: &Connection,
    fks: &[(String, String)],
) -> Option<PgError> {
    for (table_key, name) in fks {
        let Some(fk) = catalog
            .constraints_of(table_key)
            .find(|c| c.name == *name && c.kind == ConstraintKind::ForeignKey)
        else {
            continue;
        };
        let (Some(table), Some(referenced)) = (catalog.table(table_key), fk.ref_table.as_deref())
        else {
            continue;
        };
        let own = |c: &String| format!("{}.{}", quoted(table_key), quoted(c));
        let present: Vec<String> = fk
            .columns
            .iter()
            .map(|c| format!("{} IS NOT NULL", own(c)))
            .collect();
        let matches: Vec<String> = fk
            .columns
            .iter()
            .zip(&fk.ref_columns)
            .map(|(c, r)| format!("{}.{} = {}", quoted(referenced), quoted(r), own(c)))
            .collect();
        let sql = format!(
            "SELECT {} FROM {} WHERE {} AND NOT EXISTS (SELECT 1 FROM {} WHERE {}) \
             ORDER BY {}.rowid LIMIT 1",
            fk.columns.iter().map(own).collect::<Vec<_>>().join(", "),
            quoted(table_key),
            present.join(" AND "),
            quoted(referenced),
            matches.join(" AND "),
            quoted(table_key),
        );
        if let Some(key) = first_row(conn, &sql, fk.columns.len()) {
            return Some(missing_key(table, fk, &key));
        }
    }
    None
}

/// 23505 for the first key (in rowid order) that two rows share, of the deferrable unique and
/// primary keys `keys` (table key, name): SQLite indexes those without uniqueness, so what a
/// unique index would refuse at once is found here, after a statement or at commit.
pub(crate) fn repeated_key(
    catalog: &Catalog,
    conn: &Connection,
    keys: &[(String, String)],
) -> Option<PgError> {
    for (table_key, name) in keys {
        let Some(key) = catalog.constraints_of(table_key).find(|c| {
            c.name == *name && matches!(c.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique)
        }) else {
            continue;
        };
        let Some(table) = catalog.table(table_key) else {
            continue;
        };
        let columns: Vec<String> = key.columns.iter().map(|c| quoted(c)).collect();
        let same: Vec<String> = columns
            .iter()
            .map(|c| format!("o.{c} = {}.{c}", quoted(table_key)))
            .collect();
        let sql = format!(
            "SELECT {} FROM {} WHERE EXISTS (SELECT 1 FROM {} o WHERE {} AND o.rowid < {}.rowid) \
             ORDER BY {}.rowid LIMIT 1",
            columns.join(", "),
            quoted(table_key),
            quoted(table_key),
            same.join(" AND "),
            quoted(table_key),
            quoted(table_key),
        );
        if let Some(found) = first_row(conn, &sql, columns.len()) {
            let (schema, plain) = devdb_sql::catalog::split(table_key);
            return Some(
                PgError::new(
                    SqlState::UNIQUE_VIOLATION,
                    format!(
                        "duplicate key value violates unique constraint \"{}\"",
                        key.name
                    ),
                )
                .with_detail(format!(
                    "Key {} already exists.",
                    key_text(table, &key.columns, &found)
                ))
                .with_fields(ErrorFields {
                    schema: Some(schema.to_owned()),
                    table: Some(plain.to_owned()),
                    constraint: Some(key.name.clone()),
                    ..ErrorFields::default()
                }),
            );
        }
    }
    None
}

/// The `width` values of the first row `sql` answers, None for no row.
fn first_row(conn: &Connection, sql: &str, width: usize) -> Option<Vec<SqlValue>> {
    conn.query_row(sql, [], |row| {
        (0..width)
            .map(|i| row.get::<_, SqlValue>(i))
            .collect::<rusqlite::Result<Vec<_>>>()
    })
    .ok()
}

/// 23503 for a row of `table` whose foreign key `fk` holds `key`, which no row has.
fn missing_key(table: &Table, fk: &devdb_sql::catalog::Constraint, key: &[SqlValue]) -> PgError {
    let (schema, plain) = devdb_sql::catalog::split(&fk.table);
    let referenced = fk.ref_table.as_deref().unwrap_or_default();
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
    })
}

/// 23503 for a DELETE or UPDATE that takes away a key another table's rows still reference
/// (a NO ACTION or RESTRICT foreign key), as PostgreSQL reports it: the first such row.
fn still_referenced(catalog: &Catalog, conn: &Connection, probed: &Probed<'_>) -> Option<PgError> {
    let table_key = &probed.probe.table;
    let table = catalog.table(table_key)?;
    let fks: Vec<_> = catalog
        .constraints
        .iter()
        .filter(|c| {
            let action = if probed.deleting {
                &c.on_delete
            } else {
                &c.on_update
            };
            c.kind == ConstraintKind::ForeignKey
                && !c.initially_deferred
                && c.ref_table.as_ref() == Some(table_key)
                && matches!(action.as_deref(), None | Some("RESTRICT" | "NO ACTION"))
        })
        .filter_map(|c| Some((c, probed.places(table, &c.ref_columns)?)))
        .collect();
    for row in probed.rows() {
        let Some(SqlValue::Integer(rowid)) = row.rowid else {
            return None;
        };
        for (fk, places) in &fks {
            let old = old_values(conn, table_key, &fk.ref_columns, *rowid)?;
            if old.contains(&SqlValue::Null)
                || (!probed.deleting && key_at(&row, places)? == old)
                || key_holders(conn, &fk.table, &fk.columns, &old).is_empty()
            {
                continue;
            }
            let (schema, referencing) = devdb_sql::catalog::split(&fk.table);
            return Some(
                PgError::new(
                    SqlState::FOREIGN_KEY_VIOLATION,
                    format!(
                        "update or delete on table \"{}\" violates foreign key constraint \"{}\" on table \"{referencing}\"",
                        devdb_sql::catalog::split(table_key).1,
                        fk.name
                    ),
                )
                .with_detail(format!(
                    "Key {} is still referenced from table \"{referencing}\".",
                    key_text(table, &fk.ref_columns, &old),
                ))
                .with_fields(ErrorFields {
                    schema: Some(schema.to_owned()),
                    table: Some(referencing.to_owned()),
                    constraint: Some(fk.name.clone()),
                    ..ErrorFields::default()
                }),
            );
        }
    }
    None
}

/// The values of `columns` in the row `rowid` of `table` as it stands.
fn old_values(
    conn: &Connection,
    table: &str,
    columns: &[String],
    rowid: i64,
) -> Option<Vec<SqlValue>> {
    let list: Vec<String> = columns.iter().map(|c| quoted(c)).collect();
    let sql = format!(
        "SELECT {} FROM {} WHERE rowid = ?1",
        list.join(", "),
        quoted(table)
    );
    conn.query_row(&sql, [rowid], |row| {
        (0..columns.len()).map(|i| row.get(i)).collect()
    })
    .ok()
}

/// PostgreSQL's `Key (a, b)=(1, x) already exists.` for a unique violation: the first written
/// row whose key a row of the table holds (one the statement has not replaced yet: its own
/// rows were rolled back with it) or an earlier written row took. None when the statement's
/// values for the key are not all known.
fn duplicate_key(
    err: &PgError,
    catalog: &Catalog,
    conn: &Connection,
    probed: &Probed<'_>,
) -> Option<String> {
    let fields = err.fields.as_deref()?;
    let table_key = devdb_sql::catalog::key(fields.schema.as_deref()?, fields.table.as_deref()?);
    if table_key != probed.probe.table || probed.deleting {
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
    let places = probed.places(table, &columns)?;
    let mut seen: Vec<Vec<SqlValue>> = Vec::new();
    let mut replaced: Vec<i64> = Vec::new();
    for row in probed.rows() {
        if let Some(SqlValue::Integer(rowid)) = row.rowid {
            replaced.push(*rowid);
        }
        let key = key_at(&row, &places)?;
        if key.contains(&SqlValue::Null) {
            continue;
        }
        let held = || {
            key_holders(conn, &table_key, &columns, &key)
                .iter()
                .any(|r| !replaced.contains(r))
        };
        if seen.contains(&key) || held() {
            return Some(format!(
                "Key {} already exists.",
                key_text(table, &columns, &key)
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
        schema: table
            .as_ref()
            .map(|t| devdb_sql::catalog::split(t).0.to_owned()),
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
        if place.starts_with("generated columns") {
            return PgError::new(
                SqlState::INVALID_OBJECT_DEFINITION,
                "generation expression is not immutable",
            );
        }
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
    if message.starts_with("subqueries prohibited in generated columns") {
        return PgError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            "cannot use subquery in column generation expression",
        );
    }
    PgError::internal(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_in_an_old_real_column_is_unsupported() {
        let conn = Connection::open_in_memory().expect("open");
        conn.execute_batch("CREATE TABLE t (v REAL) STRICT")
            .expect("create");
        let err = conn
            .execute("INSERT INTO t VALUES ('NaN')", [])
            .expect_err("a REAL column holds no text");
        let pg = to_pg(err, None);
        assert_eq!(pg.code, SqlState::FEATURE_NOT_SUPPORTED);
        assert!(pg.message.contains("(t.v)"), "{}", pg.message);
    }
}
