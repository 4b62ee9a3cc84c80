//! Brings a database file written by an older devdb to today's storage forms, once, when its
//! thread opens it. SQLite's `user_version` records the form a file is in.

use devdb_pg::{PgError, PgType};
use devdb_sql::Catalog;
use rusqlite::Connection;

use crate::sqlite_error::{self, quoted};

/// The storage form this devdb writes. 1: char(n) values without their trailing blanks; 2:
/// `__devdb_domain_columns` records what a column of a domain declared itself.
const STORAGE_VERSION: i64 = 2;

/// The catalog columns added since files were first written, each with the statements that
/// add it (and the columns that came with it): `__devdb_constraints.validated`, every
/// constraint valid then; `match_full`, none MATCH FULL then; `__devdb_index_keys`' pretty
/// texts, INCLUDE list, per-column records, access method and storage parameters, absent
/// (NULL) then; the attributes of functions, the defaults (VOLATILE, PARALLEL UNSAFE, not
/// STRICT, SECURITY INVOKER) then, and a SQL function's body as written, unknown (NULL) then;
/// whether a trigger is enabled, every trigger then; whether a sequence cycles, none then; a
/// sequence's declared type, none (its column's or bigint) then.
const ADDED_COLUMNS: &[(&str, &str, &str)] = &[
    (
        "__devdb_sequences",
        "cycle",
        "ALTER TABLE __devdb_sequences ADD COLUMN cycle INTEGER NOT NULL DEFAULT 0",
    ),
    (
        "__devdb_sequences",
        "type_oid",
        "ALTER TABLE __devdb_sequences ADD COLUMN type_oid INTEGER",
    ),
    (
        "__devdb_triggers",
        "enabled",
        "ALTER TABLE __devdb_triggers ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1",
    ),
    (
        "__devdb_constraints",
        "validated",
        "ALTER TABLE __devdb_constraints ADD COLUMN validated INTEGER NOT NULL DEFAULT 1",
    ),
    (
        "__devdb_constraints",
        "match_full",
        "ALTER TABLE __devdb_constraints ADD COLUMN match_full INTEGER NOT NULL DEFAULT 0",
    ),
    (
        "__devdb_index_keys",
        "columns",
        "ALTER TABLE __devdb_index_keys ADD COLUMN pretty_keys TEXT; \
         ALTER TABLE __devdb_index_keys ADD COLUMN pretty_predicate TEXT; \
         ALTER TABLE __devdb_index_keys ADD COLUMN include TEXT; \
         ALTER TABLE __devdb_index_keys ADD COLUMN columns TEXT",
    ),
    (
        "__devdb_index_keys",
        "method",
        "ALTER TABLE __devdb_index_keys ADD COLUMN method TEXT",
    ),
    (
        "__devdb_index_keys",
        "options",
        "ALTER TABLE __devdb_index_keys ADD COLUMN options TEXT",
    ),
    (
        "__devdb_functions",
        "volatility",
        "ALTER TABLE __devdb_functions ADD COLUMN volatility TEXT NOT NULL DEFAULT 'v'; \
         ALTER TABLE __devdb_functions ADD COLUMN parallel TEXT NOT NULL DEFAULT 'u'; \
         ALTER TABLE __devdb_functions ADD COLUMN strict INTEGER NOT NULL DEFAULT 0; \
         ALTER TABLE __devdb_functions ADD COLUMN security_definer INTEGER NOT NULL DEFAULT 0",
    ),
    (
        "__devdb_sql_functions",
        "volatility",
        "ALTER TABLE __devdb_sql_functions ADD COLUMN volatility TEXT NOT NULL DEFAULT 'v'; \
         ALTER TABLE __devdb_sql_functions ADD COLUMN parallel TEXT NOT NULL DEFAULT 'u'; \
         ALTER TABLE __devdb_sql_functions ADD COLUMN strict INTEGER NOT NULL DEFAULT 0; \
         ALTER TABLE __devdb_sql_functions ADD COLUMN security_definer INTEGER NOT NULL \
           DEFAULT 0; \
         ALTER TABLE __devdb_sql_functions ADD COLUMN source TEXT",
    ),
];

/// Adds the catalog columns a file written by an older devdb lacks ([`ADDED_COLUMNS`]), before
/// its catalog is loaded (which reads them).
pub(super) fn add_catalog_columns(writer: &Connection) -> Result<(), PgError> {
    for (table, column, sql) in ADDED_COLUMNS {
        if !has_column(writer, table, column)? {
            writer
                .execute_batch(sql)
                .map_err(|e| sqlite_error::to_pg(e, None))?;
        }
    }
    Ok(())
}

/// Upgrades the file behind `writer`, whose committed catalog is `catalog`, in one transaction.
pub(super) fn upgrade(writer: &Connection, catalog: &Catalog) -> Result<(), PgError> {
    let to_pg = |e| sqlite_error::to_pg(e, None);
    let version: i64 = writer
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(to_pg)?;
    if version >= STORAGE_VERSION {
        return Ok(());
    }
    let mut sql = String::from("BEGIN IMMEDIATE;");
    // Version 0 stored char(n) blank-padded; reads pad again, so only the trailing blanks go.
    for table in catalog.tables.iter().filter(|_| version < 1) {
        for column in &table.columns {
            if column.ty == PgType::Bpchar && column.typmod >= 5 {
                let (t, c) = (quoted(&table.name), quoted(&column.name));
                sql.push_str(&format!(
                    "UPDATE {t} SET {c} = rtrim({c}, ' ') WHERE substr({c}, -1) = ' ';"
                ));
            }
        }
    }
    // Before version 2, a column of a domain had the domain's NOT NULL and DEFAULT merged into
    // its row with no record of its own: the merged ones are kept as its own, as reported then.
    if !has_column(writer, "__devdb_domain_columns", "own_not_null")? {
        sql.push_str(
            "ALTER TABLE __devdb_domain_columns \
               ADD COLUMN own_not_null INTEGER NOT NULL DEFAULT 0; \
             ALTER TABLE __devdb_domain_columns \
               ADD COLUMN own_default INTEGER NOT NULL DEFAULT 0; \
             UPDATE __devdb_domain_columns AS d \
               SET own_not_null = c.not_null, own_default = c.default_expr IS NOT NULL \
               FROM __devdb_columns c WHERE c.schema = d.schema \
                 AND c.table_name = d.table_name AND c.name = d.name;",
        );
    }
    sql.push_str(&format!("PRAGMA user_version = {STORAGE_VERSION}; COMMIT;"));
    writer.execute_batch(&sql).map_err(|e| {
        let _ = writer.execute_batch("ROLLBACK");
        to_pg(e)
    })
}

/// True when the catalog table has the column.
fn has_column(writer: &Connection, table: &str, column: &str) -> Result<bool, PgError> {
    writer
        .query_row(
            "SELECT count(*) > 0 FROM pragma_table_info(?1) WHERE name = ?2",
            [table, column],
            |row| row.get(0),
        )
        .map_err(|e| sqlite_error::to_pg(e, None))
}
