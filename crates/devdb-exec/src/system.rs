//! The system catalogs on every SQLite connection: PostgreSQL's built-in catalog rows, loaded
//! once per process into an in-memory SQLite database attached read-only as `devdb_sys`, and
//! the TEMP views of `devdb_sql::system` over them and the database's own catalog tables.
//!
//! The database lives in SQLite's `memdb` VFS (a `/name` there is shared by the process's
//! connections) rather than a shared cache: BEGIN IMMEDIATE locks every attached database that
//! is writable, so a writable shared attachment would make the write transactions of different
//! databases exclude each other. Read-only, it takes no write lock.

use std::sync::{Mutex, OnceLock};

use devdb_sql::system::builtin::{BUILTINS, SCHEMA};
use rusqlite::{Connection, params_from_iter};

use crate::functions::to_sql;

/// The in-memory database, as the keeper writes it and as every connection reads it.
const URI: &str = "file:/devdb_sys?vfs=memdb";
const URI_READ_ONLY: &str = "file:/devdb_sys?vfs=memdb&mode=ro";

/// Keeps the in-memory database alive (it lives while one connection to it is open).
static KEEPER: OnceLock<Result<Mutex<Connection>, String>> = OnceLock::new();

fn load() -> Result<Mutex<Connection>, String> {
    let conn = Connection::open_in_memory().map_err(|e| e.to_string())?;
    conn.execute("ATTACH DATABASE ?1 AS devdb_sys", [URI])
        .map_err(|e| e.to_string())?;
    let tx = conn.unchecked_transaction().map_err(|e| e.to_string())?;
    for table in BUILTINS {
        tx.execute_batch(&table.create_sql())
            .map_err(|e| format!("{}: {e}", table.name))?;
        let mut insert = tx.prepare(&table.insert_sql()).map_err(|e| e.to_string())?;
        for row in table.rows().map_err(|e| e.message)? {
            insert
                .execute(params_from_iter(row.into_iter().map(to_sql)))
                .map_err(|e| format!("{}: {e}", table.name))?;
        }
    }
    tx.commit().map_err(|e| e.to_string())?;
    Ok(Mutex::new(conn))
}

/// Attaches the built-in rows and creates the catalog views on `conn`.
pub(crate) fn attach(conn: &Connection) -> rusqlite::Result<()> {
    if let Err(e) = KEEPER.get_or_init(load) {
        return Err(rusqlite::Error::ModuleError(format!(
            "loading the built-in catalog: {e}"
        )));
    }
    conn.execute(&format!("ATTACH DATABASE ?1 AS {SCHEMA}"), [URI_READ_ONLY])?;
    for sql in devdb_sql::system::setup_sql() {
        conn.execute_batch(&sql)?;
    }
    Ok(())
}
