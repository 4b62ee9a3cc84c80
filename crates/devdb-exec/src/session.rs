//! What the engine keeps per session: settings, prepared statements, portals and the state of
//! its transaction. Owned by the database thread; dies with the session.

use std::collections::VecDeque;

use foldhash::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use devdb_pg::{Format, PgType, Value};
use devdb_sql::Translated;

use crate::SessionInfo;
use crate::settings::Settings;
use crate::transaction::Transaction;

pub(crate) struct Session {
    pub info: SessionInfo,
    /// Shared with SQLite functions such as current_setting() while a statement runs.
    pub settings: Arc<Mutex<Settings>>,
    pub statements: HashMap<String, Prepared>,
    pub portals: HashMap<String, Portal>,
    /// Cursors DECLARE opened, by name.
    pub cursors: HashMap<String, crate::engine::OpenCursor>,
    pub transaction: Transaction,
    /// When the session's last batch ended: how long it has been idle.
    pub idle_since: Instant,
    /// A COPY FROM STDIN waiting for the client's data.
    pub copy: Option<crate::engine::PendingCopy>,
    /// The ON COMMIT actions of the session's temporary tables, in creation order.
    pub temp_on_commit: Vec<devdb_sql::TempOnCommit>,
    /// The search path as last resolved (`statement::search_path`).
    pub path: std::cell::RefCell<Option<ResolvedPath>>,
}

/// A search path and what it was resolved from.
pub(crate) struct ResolvedPath {
    pub setting: String,
    pub user: String,
    pub catalog: Arc<devdb_sql::Catalog>,
    pub path: Arc<devdb_sql::SearchPath>,
}

/// A prepared statement, by Parse or PREPARE: the client's text and parameter types, and its
/// translation.
pub(crate) struct Prepared {
    /// Parse's text, or the query string PREPARE came in.
    pub sql: String,
    pub param_hints: Vec<Option<PgType>>,
    /// None for an empty query string.
    pub statement: Option<Arc<Translated>>,
    /// The catalog generation and search path the translation was made against.
    pub generation: u64,
    pub path: Arc<devdb_sql::SearchPath>,
    /// PREPARE's statement as parsed, translated again from it when the catalog changes (None
    /// for Parse, whose text is parsed again).
    pub source: Option<devdb_sql::Parsed>,
    /// When it was prepared, in microseconds since 2000-01-01 (pg_prepared_statements).
    pub prepared_at: i64,
}

/// A bound statement ready to execute.
pub(crate) struct Portal {
    pub statement: Option<Arc<Translated>>,
    pub params: Vec<Value>,
    /// One format per result column.
    pub formats: Vec<Format>,
    pub state: PortalState,
}

pub(crate) enum PortalState {
    /// Not executed yet.
    Ready,
    /// Executed with a row limit: the rows not yet sent.
    Suspended(VecDeque<Vec<Value>>),
    /// Ran to completion; executing again returns no rows.
    Done,
}
