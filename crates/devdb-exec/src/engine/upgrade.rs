//! Brings a database file written by an older devdb to today's storage forms, once, when its
//! thread opens it. SQLite's `user_version` records the form a file is in.

use devdb_pg::{PgError, PgType};
use devdb_sql::Catalog;
use rusqlite::Connection;

use crate::sqlite_error::{self, quoted};

/// The storage form this devdb writes. 1: char(n) values without their trailing blanks.
const STORAGE_VERSION: i64 = 1;

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
    for table in &catalog.tables {
        for column in &table.columns {
            if column.ty == PgType::Bpchar && column.typmod >= 5 {
                let (t, c) = (quoted(&table.name), quoted(&column.name));
                sql.push_str(&format!(
                    "UPDATE {t} SET {c} = rtrim({c}, ' ') WHERE substr({c}, -1) = ' ';"
                ));
            }
        }
    }
    sql.push_str(&format!("PRAGMA user_version = {STORAGE_VERSION}; COMMIT;"));
    writer.execute_batch(&sql).map_err(|e| {
        let _ = writer.execute_batch("ROLLBACK");
        to_pg(e)
    })
}
