//! Builds PostgreSQL's built-in catalog rows (`devdb-builtins`) into a SQLite database
//! image at compile time, which every connection attaches without copying (`src/system.rs`):
//! parsing and inserting the 13,000 rows at start-up cost tens of milliseconds of every start.

use std::path::PathBuf;

use devdb_builtins::{BUILTINS, SCHEMA};
use rusqlite::{Connection, params_from_iter};

#[path = "src/stored.rs"]
mod stored;

fn main() {
    let conn = Connection::open_in_memory().expect("opening an in-memory database");
    conn.execute(&format!("ATTACH DATABASE ':memory:' AS {SCHEMA}"), [])
        .expect("attaching the image's database");
    let tx = conn.unchecked_transaction().expect("beginning");
    for table in BUILTINS {
        tx.execute_batch(&table.create_sql())
            .unwrap_or_else(|e| panic!("creating {}: {e}", table.name));
        let mut insert = tx
            .prepare(&table.insert_sql())
            .expect("preparing the insert");
        let rows = table
            .rows()
            .unwrap_or_else(|e| panic!("reading {}: {}", table.name, e.message));
        for row in rows {
            insert
                .execute(params_from_iter(row.into_iter().map(stored::to_sqlite)))
                .unwrap_or_else(|e| panic!("inserting into {}: {e}", table.name));
        }
    }
    tx.commit().expect("committing");
    let image = conn
        .serialize(SCHEMA)
        .expect("serializing the built-in catalog");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set by cargo"));
    std::fs::write(out.join("builtin_catalog.sqlite"), &*image).expect("writing the image");
}
