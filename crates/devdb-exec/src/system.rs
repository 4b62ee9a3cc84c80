//! The system catalogs on every SQLite connection: PostgreSQL's built-in catalog rows, loaded
//! once per process into an in-memory SQLite database attached read-only as `devdb_sys`, and
//! the TEMP views of `devdb_sql::system` over them and the database's own catalog tables,
//! created on a connection only when a statement first reads them: most connections (pgbench,
//! an app's queries, a test's fresh database) never do, and creating them costs milliseconds.
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

/// Attaches the built-in rows on `conn`. Cheap, and it does not wait for them: the shared
/// in-memory database exists from the first attachment and the rows appear in it when [`load`]
/// commits, which every reader of the views awaits in [`ensure_views`]. (ATTACH cannot run
/// inside a transaction, so it is done when the connection opens.)
pub(crate) fn attach(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute(&format!("ATTACH DATABASE ?1 AS {SCHEMA}"), [URI_READ_ONLY])?;
    Ok(())
}

/// Starts loading the built-in rows in the background, so that the first catalog query (a
/// driver's type lookup right after connecting) seldom waits for them and start-up never does.
pub(crate) fn warm() {
    std::thread::spawn(|| KEEPER.get_or_init(load));
}

/// Creates the catalog views on `conn` unless it has them: run before each statement that reads
/// them. The check is repeated because views created inside a transaction that rolls back are
/// gone again. `query_only` is lifted for the reader, whose TEMP schema is its own.
pub(crate) fn ensure_views(conn: &Connection, query_only: bool) -> rusqlite::Result<()> {
    if let Err(e) = KEEPER.get_or_init(load) {
        return Err(rusqlite::Error::ModuleError(format!(
            "loading the built-in catalog: {e}"
        )));
    }
    let present = conn
        .prepare_cached("SELECT 1 FROM temp.sqlite_master WHERE name = ?1")?
        .exists([devdb_sql::system::PRESENCE_VIEW])?;
    if present {
        return Ok(());
    }
    if query_only {
        conn.pragma_update(None, "query_only", "OFF")?;
    }
    let created = create_views(conn);
    if query_only {
        conn.pragma_update(None, "query_only", "ON")?;
    }
    created
}

/// All the views or none: a failure part-way must not leave a half catalog behind.
fn create_views(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("SAVEPOINT devdb_catalog_views")?;
    for sql in devdb_sql::system::setup_sql() {
        if let Err(e) = conn.execute_batch(&sql) {
            let _ =
                conn.execute_batch("ROLLBACK TO devdb_catalog_views; RELEASE devdb_catalog_views");
            return Err(e);
        }
    }
    conn.execute_batch("RELEASE devdb_catalog_views")
}
