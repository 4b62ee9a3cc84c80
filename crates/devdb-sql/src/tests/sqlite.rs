//! End to end on a real SQLite: translated SQL runs against an in-memory database with the
//! runtime functions registered (and small stand-ins for the executor's `devdb_*` functions),
//! so the rewrites are checked for what they compute, not only for how they look.

use devdb_pg::{PgError, Value};
use rusqlite::functions::FunctionFlags;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, Error, ToSql};

use crate::catalog::{BOOTSTRAP_SQL, Catalog, LOAD_SQL};
use crate::runtime::FUNCTIONS;
use crate::translate;

fn to_value(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(f) => Value::Float(f),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

fn to_sql(v: &Value) -> rusqlite::types::Value {
    match v {
        Value::Null => rusqlite::types::Value::Null,
        Value::Int(i) => rusqlite::types::Value::Integer(*i),
        Value::Float(f) => rusqlite::types::Value::Real(*f),
        Value::Text(s) => rusqlite::types::Value::Text(s.clone()),
        Value::Blob(b) => rusqlite::types::Value::Blob(b.clone()),
    }
}

/// A database as the executor would set it up.
pub struct Db {
    conn: Connection,
    pub catalog: Catalog,
}

impl Db {
    pub fn new() -> Db {
        let conn = Connection::open_in_memory().expect("open");
        rusqlite::vtab::series::load_module(&conn).expect("series");
        conn.execute_batch(BOOTSTRAP_SQL).expect("bootstrap");
        use devdb_pg::value::numeric;
        conn.create_collation(numeric::COLLATION, numeric::cmp_text)
            .expect("collation");
        use devdb_pg::value::json;
        conn.create_collation(json::COLLATION, json::cmp_jsonb_text)
            .expect("collation");
        for f in FUNCTIONS {
            let call = f.call;
            conn.create_scalar_function(
                f.name,
                f.n_args,
                FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
                move |ctx| {
                    let args: Vec<Value> =
                        (0..ctx.len()).map(|i| to_value(ctx.get_raw(i))).collect();
                    call(&args)
                        .map(|v| to_sql(&v))
                        .map_err(|e| Error::UserFunctionError(Box::new(e)))
                },
            )
            .expect("register");
        }
        let fixed = |name: &str, v: i64| {
            conn.create_scalar_function(name, 0, FunctionFlags::SQLITE_UTF8, move |_| Ok(v))
                .expect("register");
        };
        // 2024-01-01 00:00:00 UTC.
        fixed("devdb_now", 757_382_400_000_000);
        // Sequences live outside the transaction in PostgreSQL; a counter per name suffices here.
        let counters = std::sync::Mutex::new(std::collections::HashMap::<String, i64>::new());
        conn.create_scalar_function("devdb_nextval", 1, FunctionFlags::SQLITE_UTF8, move |ctx| {
            let name: String = ctx.get(0)?;
            let mut counters = counters.lock().map_err(|_| Error::InvalidQuery)?;
            let next = counters.entry(name).or_insert(0);
            *next += 1;
            Ok(*next)
        })
        .expect("register");
        Db {
            conn,
            catalog: Catalog::default(),
        }
    }

    /// Runs `sql` (one statement) and returns the rows of its result.
    pub fn run(&mut self, sql: &str) -> Result<Vec<Vec<Value>>, String> {
        self.run_with(sql, &[])
    }

    pub fn run_with(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Vec<Value>>, String> {
        let mut rows = Vec::new();
        let all =
            translate(sql, &self.catalog, &[]).map_err(|e| format!("{} {}", e.code, e.message))?;
        for t in all {
            for (i, stmt) in t.sqlite.iter().enumerate() {
                let last = i + 1 == t.sqlite.len();
                let mut prepared = self
                    .conn
                    .prepare(stmt)
                    .map_err(|e| format!("prepare {stmt}: {e}"))?;
                let bound: Vec<rusqlite::types::Value> = params.iter().map(to_sql).collect();
                let refs: Vec<&dyn ToSql> = bound.iter().map(|v| v as &dyn ToSql).collect();
                let mut result = prepared.query(refs.as_slice()).map_err(pg_error)?;
                while let Some(row) = result.next().map_err(pg_error)? {
                    if last && !t.columns.is_empty() {
                        rows.push(
                            (0..t.columns.len())
                                .map(|c| row.get_ref(c).map(to_value).unwrap_or(Value::Null))
                                .collect(),
                        );
                    }
                }
            }
            if t.changes_catalog {
                let results = LOAD_SQL
                    .iter()
                    .map(|q| {
                        let mut s = self.conn.prepare(q).expect("load");
                        let n = s.column_count();
                        s.query_map([], |r| {
                            Ok((0..n)
                                .map(|c| to_value(r.get_ref(c).expect("col")))
                                .collect::<Vec<_>>())
                        })
                        .expect("load")
                        .collect::<Result<Vec<_>, _>>()
                        .expect("load")
                    })
                    .collect();
                self.catalog = Catalog::load(results).map_err(|e| e.message)?;
            }
        }
        Ok(rows)
    }

    pub fn ok(&mut self, sql: &str) {
        if let Err(e) = self.run(sql) {
            panic!("{sql}: {e}");
        }
    }

    pub fn rows(&mut self, sql: &str) -> Vec<Vec<Value>> {
        self.run(sql).unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Rows of a SQLite query run as is (for devdb's own catalog tables).
    pub fn raw(&self, sql: &str) -> Vec<Vec<Value>> {
        let mut s = self
            .conn
            .prepare(sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        let n = s.column_count();
        s.query_map([], |r| {
            Ok((0..n)
                .map(|c| r.get_ref(c).map(to_value).unwrap_or(Value::Null))
                .collect())
        })
        .and_then(|rows| rows.collect())
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }
}

fn pg_error(e: Error) -> String {
    if let Error::SqliteFailure(_, Some(msg)) = &e {
        return msg.clone();
    }
    if let Error::UserFunctionError(inner) = &e
        && let Some(pg) = inner.downcast_ref::<PgError>()
    {
        return format!("{} {}", pg.code, pg.message);
    }
    e.to_string()
}
