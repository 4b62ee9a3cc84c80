//! `devdb_query_plan(sql, top, json, parameters...)`: EXPLAIN's rows. Asks SQLite for its plan
//! of the translated statement on the connection the EXPLAIN runs on and prints it as
//! PostgreSQL would (`devdb_sql::query_plan`): a JSON array of lines, or with `json` 1 of the
//! one plan document. The parameters only let Bind find
//! the EXPLAINed statement's parameters; a plan needs no values.
//!
//! The function needs the connection that calls it, which rusqlite hands out only through an
//! unsafe call.
#![allow(unsafe_code)]

use devdb_pg::value::json::Json;
use devdb_sql::query_plan::{self, PlanRow};
use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;

pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function("devdb_query_plan", -1, FunctionFlags::SQLITE_UTF8, |ctx| {
        let sql: String = ctx.get(0)?;
        let top: Option<String> = ctx.get(1)?;
        let json = ctx.get::<i64>(2)? != 0;
        // SAFETY: the handle is used only within this call, on the thread running the
        // statement that calls it, and is not kept; preparing and stepping another statement
        // on the same connection from a function is allowed by SQLite.
        let conn = unsafe { ctx.get_connection()? };
        let mut plan = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
        // Unbound: the statement's parameters are NULL, which changes no plan.
        let mut raw = plan.raw_query();
        let mut rows = Vec::new();
        while let Some(r) = raw.next()? {
            rows.push(PlanRow {
                id: r.get(0)?,
                parent: r.get(1)?,
                detail: r.get(3)?,
            });
        }
        let lines = if json {
            vec![query_plan::json(&rows, top.as_deref())]
        } else {
            query_plan::lines(&rows, top.as_deref())
        };
        Ok(Json::Array(lines.into_iter().map(Json::String).collect()).to_jsonb_text())
    })
}
