//! The system catalogs on every SQLite connection: PostgreSQL's built-in catalog rows, attached
//! read-only as `devdb_sys`, and the TEMP views of `devdb_sql::system` over them and the
//! database's own catalog tables, created on a connection only when a statement first reads
//! them: most connections (pgbench, an app's queries, a test's fresh database) never do, and
//! creating them costs milliseconds.
//!
//! The built-in rows are a SQLite database image made when devdb is built (`build.rs`) and kept in
//! the binary. The first connection to open copies it, in one step of SQLite's backup (about a
//! millisecond; parsing and inserting the rows at start-up cost tens), into an in-memory
//! database in SQLite's `memdb` VFS, where a `/name` is shared by the process's connections;
//! each connection attaches that read-only. Read-only, it takes no write lock: BEGIN IMMEDIATE
//! locks every attached database that is writable, so a writable shared attachment would make
//! the write transactions of different databases exclude each other.

use std::sync::{Mutex, OnceLock};

use devdb_sql::system::builtin::SCHEMA;
use rusqlite::Connection;
use rusqlite::backup::{Backup, StepResult};

/// The built-in catalog's database image.
static IMAGE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/builtin_catalog.sqlite"));

/// The in-memory database, as the keeper writes it and as every connection reads it.
const URI: &str = "file:/devdb_sys?vfs=memdb";
const URI_READ_ONLY: &str = "file:/devdb_sys?vfs=memdb&mode=ro";

/// Keeps the in-memory database alive (it lives while one connection to it is open).
static KEEPER: OnceLock<Result<Mutex<Connection>, String>> = OnceLock::new();

/// Copies the image into the shared in-memory database.
fn load() -> Result<Mutex<Connection>, String> {
    let mut image = Connection::open_in_memory().map_err(|e| e.to_string())?;
    image
        .deserialize_bytes("main", IMAGE)
        .map_err(|e| e.to_string())?;
    let mut keeper = Connection::open_in_memory().map_err(|e| e.to_string())?;
    keeper
        .execute(&format!("ATTACH DATABASE ?1 AS {SCHEMA}"), [URI])
        .map_err(|e| e.to_string())?;
    let backup =
        Backup::new_with_names(&image, "main", &mut keeper, SCHEMA).map_err(|e| e.to_string())?;
    // Nobody else has the shared database attached yet (`attach` waits for this), so one step
    // copies everything.
    if backup.step(-1).map_err(|e| e.to_string())? != StepResult::Done {
        return Err("copying the built-in catalog did not finish".into());
    }
    drop(backup);
    Ok(Mutex::new(keeper))
}

/// Attaches the built-in rows on `conn`, once they are in the shared database: a connection that
/// attached it earlier would hold a read lock on it through its transactions that the copy
/// would have to wait out. (ATTACH cannot run inside a transaction, so it is done when the
/// connection opens.)
pub(crate) fn attach(conn: &Connection) -> rusqlite::Result<()> {
    if let Err(e) = KEEPER.get_or_init(load) {
        return Err(rusqlite::Error::ModuleError(format!(
            "loading the built-in catalog: {e}"
        )));
    }
    conn.execute(&format!("ATTACH DATABASE ?1 AS {SCHEMA}"), [URI_READ_ONLY])?;
    Ok(())
}

/// Creates the catalog views on `conn` unless it has them: run before each statement that reads
/// them. The check is repeated because views created inside a transaction that rolls back are
/// gone again. `query_only` is lifted for the reader, whose TEMP schema is its own.
pub(crate) fn ensure_views(conn: &Connection, query_only: bool) -> rusqlite::Result<()> {
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
