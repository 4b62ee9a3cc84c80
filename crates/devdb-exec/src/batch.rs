//! The vocabulary of a batch: what a session asks the engine to do, in the order it asked.
//! These mirror the PostgreSQL frontend messages that reach the engine (the wire crate maps its
//! own `FrontendMessage` onto them), without their byte layout.

use bytes::Bytes;
use devdb_pg::{Format, Oid};

/// Whether Describe or Close names a prepared statement or a portal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Statement,
    Portal,
}

/// One step of a batch.
#[derive(Clone, Debug)]
pub enum Op {
    /// Simple Query: every statement of `sql`, then ReadyForQuery.
    Query {
        sql: String,
    },
    Parse {
        name: String,
        sql: String,
        param_types: Vec<Oid>,
    },
    Bind {
        portal: String,
        statement: String,
        /// One format per parameter, already resolved by the wire crate.
        param_formats: Vec<Format>,
        params: Vec<Option<Bytes>>,
        /// As sent: empty (all text), one (applies to all) or one per column.
        result_formats: Vec<Format>,
    },
    Describe {
        target: Target,
        name: String,
    },
    Execute {
        portal: String,
        max_rows: u32,
    },
    Close {
        target: Target,
        name: String,
    },
    /// Ends an extended-protocol batch: closes the implicit transaction, answers ReadyForQuery.
    Sync,
    /// Ends a batch without ending the implicit transaction.
    Flush,
    /// All the data the client sent for the COPY FROM STDIN in progress (CopyData..., CopyDone).
    CopyDone {
        data: Bytes,
    },
    /// The client abandoned the COPY FROM STDIN in progress (CopyFail).
    CopyFail {
        message: String,
    },
}

impl Op {
    /// True for the messages that end an error-skip in extended protocol.
    pub(crate) fn is_sync(&self) -> bool {
        matches!(self, Op::Sync)
    }
}
