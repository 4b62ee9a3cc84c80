//! devdb-sql translates PostgreSQL SQL into SQLite SQL, carrying PostgreSQL's types.
//!
//! One parse with sqlparser's PostgreSQL dialect, one typed rewrite pass over the AST, one print.
//! [`translate_statement`] is a pure function of the statement, the [`Catalog`] as it stands, the
//! session's [`SearchPath`] and the parameter types the client named; it does no I/O and never touches SQLite. The executor runs
//! what it returns and registers the scalar functions of [`runtime`] on every SQLite connection.
//!
//! Invariants: no regex or string surgery on SQL text; anything not handled is
//! `feature_not_supported` naming the construct, never a silently different answer; no input
//! panics (a property test feeds mutated SQL), and deep input is 54001, not a stack overflow.
//! Values in the emitted SQL are in devdb's stored form (see `devdb_pg::types::Storage`):
//! literals are decoded at translate time into the type their context asks for.
//!
//! Where to start reading: [`parse`] (tokens, statements, 42601 positions), then `rewrite`
//! (one `Translator`, a file per feature area: `query`, `dml`, `ddl`, `expr`, `operators`,
//! `casts`, `functions`, `session`, `scope`, `lateral`, `window`, `distinct`, `json_sets`),
//! `make` (AST constructors), [`catalog`] (devdb's
//! own catalog tables) and [`runtime`] (the `pg_*` functions the emitted SQL calls).

pub mod access_methods;
pub mod catalog;
mod copy_syntax;
pub mod cursor;
pub mod database;
mod do_block;
pub mod domain_syntax;
pub mod drop_type_syntax;
pub mod error_position;
pub mod literals;
mod make;
pub mod matview_syntax;
mod parse;
mod prepare_syntax;
pub mod query_plan;
pub mod rename_syntax;
mod rewrite;
pub mod runtime;
pub mod script;
pub mod search_path;
pub mod sequence_syntax;
pub mod set_constraints_syntax;
pub mod system;
mod trigger_body;
mod types;

use devdb_pg::{PgError, PgType};

pub use catalog::Catalog;
pub use parse::Parsed;
pub use rewrite::check_sequence_bounds;
pub use search_path::SearchPath;

/// Lets translations on the calling thread use up to `bytes` of stack before a statement is
/// "nested too deeply" (54001): for threads started with a large stack, where ORMs' nested
/// queries (drizzle's LATERAL levels) need more than the 1 MiB any thread can give.
pub fn set_stack_budget(bytes: usize) {
    rewrite::expr::STACK_BUDGET.with(|b| b.set(bytes));
}

/// One PostgreSQL statement, ready for the executor.
#[derive(Clone, Debug, PartialEq)]
pub struct Translated {
    pub kind: Kind,
    /// SQLite statements to run in order; the last one is the statement proper: its rows are the
    /// result (when `columns` is not empty) and its change count goes into the command tag.
    pub sqlite: Vec<String>,
    /// The type of each parameter `$n` (index n-1). The SQLite text refers to `$n` as `?n`.
    pub params: Vec<PgType>,
    /// Parameters of an enum, an enum array or a domain, as (index into `params`, the type's
    /// OID): described to the client with that OID, as PostgreSQL does (drivers then send an
    /// enum's labels, a domain's base type value), bound as `params` says (text or text[], the
    /// domain's base type).
    pub described_params: Vec<(usize, devdb_pg::Oid)>,
    /// The result columns (empty for statements that return no rows).
    pub columns: Vec<Column>,
    /// True when the statement writes: DML, DDL, nextval, FOR UPDATE (which the executor runs on
    /// its writer).
    pub writes: bool,
    /// SELECT ... FOR UPDATE/SHARE: rows the statement reads stay locked until the transaction
    /// ends, which devdb gives by having the transaction write alone.
    pub locks_rows: bool,
    /// True when the statement changes the catalog, so the executor must reload it afterwards.
    pub changes_catalog: bool,
    /// Temporary tables to fill, in order, before `sqlite` runs (the parts of a WITH that holds
    /// a data-modifying statement); the executor drops them when the statement ends.
    pub captures: Vec<Capture>,
    /// NOTICEs the statement sends when it succeeds (what DROP ... CASCADE dropped).
    pub notices: Vec<PgError>,
    /// For INSERT, UPDATE and DELETE: their rows recomputed, to name the failing row or key of
    /// a constraint violation as PostgreSQL does.
    pub row_probe: Option<RowProbe>,
    /// True when the SQLite text reads the system catalog views, which the executor creates on
    /// a connection only when a statement first needs them (see [`system::reads_views`]).
    pub reads_catalog: bool,
    /// CREATE TEMP TABLE ... ON COMMIT DELETE ROWS or DROP: what the session's transactions do
    /// to the table when they commit.
    pub temp_on_commit: Option<TempOnCommit>,
    /// A statement that is only `SELECT pg_sleep(x)`: the SQLite query giving the seconds it
    /// sleeps, so the executor can wait them out without holding the database. `sqlite` still
    /// sleeps where it stands, for whoever runs it otherwise (a cursor, COPY).
    pub sleep: Option<String>,
}

/// A temporary table's ON COMMIT action (PRESERVE ROWS, the default, needs none).
#[derive(Clone, Debug, PartialEq)]
pub struct TempOnCommit {
    /// The table's key.
    pub table: String,
    pub action: OnCommitAction,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnCommitAction {
    DeleteRows,
    Drop,
}

/// What `temp`'s ON COMMIT action runs in the transaction, before it commits; None once the
/// table is gone.
pub fn on_commit(temp: &TempOnCommit, catalog: &Catalog) -> Result<Option<Translated>, PgError> {
    rewrite::on_commit(temp, catalog)
}

/// DROP SCHEMA ... CASCADE of a session's temporary schema (`pg_temp_<pid>`), for the end of
/// the session and the start of the server; None when it does not exist.
pub fn drop_temp_schema(schema: &str, catalog: &Catalog) -> Result<Option<Translated>, PgError> {
    rewrite::drop_temp_schema(schema, catalog)
}

impl Translated {
    /// A statement the executor answers without running SQLite: no rows, no parameters.
    pub fn nothing(kind: Kind) -> Translated {
        Translated {
            kind,
            sqlite: Vec::new(),
            params: Vec::new(),
            described_params: Vec::new(),
            columns: Vec::new(),
            writes: false,
            locks_rows: false,
            changes_catalog: false,
            captures: Vec::new(),
            notices: Vec::new(),
            row_probe: None,
            reads_catalog: false,
            temp_on_commit: None,
            sleep: None,
        }
    }
}

/// Rows the executor stores in a temporary table for the statement to read by its name.
#[derive(Clone, Debug, PartialEq)]
pub struct Capture {
    /// The temporary table, created with these untyped columns (values keep their stored form).
    pub table: String,
    pub columns: Vec<String>,
    /// SQLite statements to run in order; the last one's rows fill the table (it yields none
    /// when `columns` is empty: a data-modifying statement without RETURNING).
    pub sqlite: Vec<String>,
}

/// A query (over the statement's own parameters, without side effects) that yields the rows an
/// INSERT or UPDATE writes to `table`, or a DELETE removes from it, in the order it writes them.
/// Each row holds the rowid of the row it replaces (UPDATE, DELETE: `replaces`), a value per
/// column of the table in order (NULL where `known` says the statement's value cannot be
/// recomputed without a side effect), then the outcome of each CHECK constraint named in
/// `checks` on that row.
#[derive(Clone, Debug, PartialEq)]
pub struct RowProbe {
    pub table: String,
    pub sql: String,
    pub replaces: bool,
    pub known: Vec<bool>,
    pub checks: Vec<String>,
}

/// A result column as RowDescription describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub name: String,
    pub ty: PgType,
    /// The type modifier (varchar(n): n + 4), -1 when none.
    pub typmod: i32,
    /// The enum's OID when `ty` is [`PgType::AnyEnum`] or [`PgType::AnyEnumArray`].
    pub enum_oid: Option<devdb_pg::Oid>,
}

impl Column {
    /// The OID RowDescription gives the column.
    pub fn type_oid(&self) -> devdb_pg::Oid {
        self.ty.oid_with_enum(self.enum_oid)
    }
}

/// What a statement is, for the executor's transaction handling and the CommandComplete tag.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// SELECT, VALUES, TABLE, SHOW-like queries: tag `SELECT n`.
    Select,
    /// Tag `INSERT 0 n`.
    Insert,
    /// Tag `UPDATE n`.
    Update,
    /// Tag `DELETE n`.
    Delete,
    /// DDL and utility statements that run SQL and answer with a fixed tag (`CREATE TABLE`,
    /// `DROP TABLE`, `TRUNCATE TABLE`, `VACUUM`, ...). `sqlite` may be empty (accepted no-ops).
    Command(&'static str),
    /// BEGIN or START TRANSACTION, with the command tag it answers with.
    Begin(TransactionMode, &'static str),
    /// COMMIT or END.
    Commit,
    /// ROLLBACK or ABORT.
    Rollback,
    Savepoint(String),
    Release(String),
    RollbackTo(String),
    /// `SET [SESSION|LOCAL] name = value`; `value` None means DEFAULT.
    Set {
        name: String,
        value: Option<String>,
        local: bool,
    },
    /// `SET TRANSACTION ...` inside a transaction block.
    SetTransaction(TransactionMode),
    /// `SET CONSTRAINTS ... IMMEDIATE | DEFERRED`, with the foreign keys declared INITIALLY
    /// DEFERRED and the deferrable unique and primary keys that it names, as (table key,
    /// name). SQLite checks those foreign keys only at commit, and those keys not at all, so
    /// while they are immediate the executor checks them itself: at once, then after each
    /// statement that writes, until DEFERRED or the end of the transaction (and the keys at
    /// commit while deferred).
    SetConstraints {
        immediate: bool,
        keys: Vec<(String, String)>,
    },
    /// `SHOW name` (lower-cased); `SHOW ALL` is `name == "all"`.
    Show(String),
    /// `RESET name`, or every setting when None (`RESET ALL`).
    Reset(Option<String>),
    /// An empty query string (only comments or semicolons): EmptyQueryResponse.
    Empty,
    /// A command on a whole database, run by the executor (see [`database`]).
    Database(database::DatabaseCommand),
    /// `LISTEN channel`: effective when the transaction commits.
    Listen(String),
    /// `UNLISTEN channel`, or `UNLISTEN *` (None): effective when the transaction commits.
    Unlisten(Option<String>),
    /// `NOTIFY channel [, 'payload']`: delivered to the channel's listeners at commit.
    Notify {
        channel: String,
        payload: String,
    },
    /// `COPY table [(columns)] FROM STDIN`: `sqlite` inserts one row whose parameters (of
    /// [`CopyFrom::types`]) are the columns' values; the executor runs it for every row the
    /// client streams. The statement itself takes no parameters.
    CopyFrom(CopyFrom),
    /// `COPY table|(query) TO STDOUT`: `sqlite` and `columns` are the query whose rows are
    /// written out in this format.
    CopyTo(devdb_pg::copy::CopyFormat),
    /// `DECLARE name CURSOR FOR query`: `sqlite` is the query, whose rows the cursor holds.
    Declare(Cursor),
    /// `FETCH` or `MOVE`: the rows come from the session's cursor, and so do the columns.
    Fetch(cursor::Fetch),
    /// `CLOSE name`, or `CLOSE ALL` (None).
    Close(Option<String>),
    /// `DO $$ BEGIN IF <condition> THEN <statement>; END IF; END $$`: the executor runs the
    /// condition, then the statement when it is true.
    GuardedDo(Box<GuardedDo>),
    /// `PREPARE name [(types)] AS statement`: the session keeps the statement under its name,
    /// beside the extended protocol's named statements (one namespace, as in PostgreSQL).
    Prepare(Box<Prepare>),
    /// `EXECUTE name [(arguments)]`: runs one of the session's prepared statements.
    Execute(Box<Execute>),
    /// `DEALLOCATE [PREPARE] name`, or `DEALLOCATE ALL` (None).
    Deallocate(Option<String>),
}

/// What PREPARE prepares.
#[derive(Clone, Debug, PartialEq)]
pub struct Prepare {
    pub name: String,
    /// The query string the PREPARE came in (what pg_prepared_statements shows).
    pub text: String,
    /// The statement as parsed, and the declared parameter types: what it is translated from
    /// again when the catalog changes.
    pub source: Parsed,
    pub hints: Vec<Option<PgType>>,
    /// The statement, translated with the declared parameter types (the others inferred, as
    /// Parse infers them).
    pub statement: Translated,
}

/// What EXECUTE runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Execute {
    pub name: String,
    /// The arguments as written: [`execute_arguments`] translates them against the prepared
    /// statement's parameter types when it runs.
    pub arguments: Vec<sqlparser::ast::Expr>,
    /// The prepared statement as the executor found it when it looked the name up (None from
    /// the translator): EXECUTE describes its columns and answers with its command tag.
    pub statement: Option<std::sync::Arc<Translated>>,
}

/// A DO block's condition and the statement it guards.
#[derive(Clone, Debug, PartialEq)]
pub struct GuardedDo {
    /// `SELECT <condition>`: one boolean.
    pub condition: Translated,
    /// The statement (tagged DO), or the error translating it gave: PostgreSQL only meets it
    /// when the condition holds (`CREATE TYPE` of a type that exists, under `IF NOT EXISTS`).
    pub then: Result<Translated, PgError>,
}

/// What DECLARE asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct Cursor {
    pub name: String,
    /// The query's columns (DECLARE itself returns no rows).
    pub columns: Vec<Column>,
    /// `SCROLL` (true), `NO SCROLL` (false), or neither.
    pub scroll: Option<bool>,
    /// `WITH HOLD`: the cursor outlives the transaction that commits it.
    pub hold: bool,
    /// `BINARY`: rows in binary format unless the client asked otherwise.
    pub binary: bool,
}

/// What `COPY ... FROM STDIN` reads.
#[derive(Clone, Debug, PartialEq)]
pub struct CopyFrom {
    pub table: String,
    pub format: devdb_pg::copy::CopyFormat,
    /// The columns each input row fills, in order, and their types.
    pub columns: Vec<String>,
    pub types: Vec<PgType>,
}

/// What BEGIN / START TRANSACTION / SET TRANSACTION asked for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TransactionMode {
    pub isolation: Option<Isolation>,
    pub read_only: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isolation {
    ReadUncommitted,
    ReadCommitted,
    RepeatableRead,
    Serializable,
}

/// Translates one query string (possibly several statements separated by `;`) on the default
/// search path.
///
/// `param_types[i]` is the type the client gave `$i+1` in Parse, or None where it left the
/// type unspecified (OID 0); unspecified types are inferred from context, else text.
pub fn translate(
    sql: &str,
    catalog: &Catalog,
    param_types: &[Option<PgType>],
) -> Result<Vec<Translated>, PgError> {
    let statements = parse::statements(sql)?;
    if statements.is_empty() {
        return Ok(vec![Translated::nothing(Kind::Empty)]);
    }
    statements
        .into_iter()
        .map(|s| rewrite::statement(s, catalog, &SearchPath::default(), param_types))
        .collect()
}

/// Splits and parses a query string; an empty list means it held no statement. The executor
/// caches the result by text and translates each statement when it is about to run, so a
/// statement sees the catalog changes of the ones before it.
pub fn parse(sql: &str) -> Result<Vec<Parsed>, PgError> {
    match database::command(sql) {
        Some(command) => Ok(vec![Parsed::Database(command?)]),
        None => parse::statements(sql),
    }
}

/// Translates one parsed statement against the catalog as it stands, resolving unqualified
/// names on the session's search path.
pub fn translate_statement(
    statement: &Parsed,
    catalog: &Catalog,
    path: &SearchPath,
    param_types: &[Option<PgType>],
) -> Result<Translated, PgError> {
    rewrite::statement(statement.clone(), catalog, path, param_types)
}

/// The query that evaluates EXECUTE's arguments, one column each, converted to the prepared
/// statement's parameter types as an assignment converts them.
pub fn execute_arguments(
    arguments: &[sqlparser::ast::Expr],
    types: &[PgType],
    catalog: &Catalog,
    path: &SearchPath,
) -> Result<Translated, PgError> {
    rewrite::execute_arguments(arguments, types, catalog, path)
}

#[cfg(test)]
mod tests;
