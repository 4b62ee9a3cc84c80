//! The translator: any text parses and translates to SQLite SQL or a PgError, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(sql) = std::str::from_utf8(data) else { return };
    let catalog = devdb_sql::Catalog::default();
    if let Ok(statements) = devdb_sql::parse(sql) {
        for statement in &statements {
            let _ = devdb_sql::translate_statement(statement, &catalog, &Default::default(), &[]);
        }
    }
    let _ = devdb_sql::literals::lift(sql);
});
