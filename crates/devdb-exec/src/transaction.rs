//! The state of one session's transaction, as the engine tracks it.
//!
//! A transaction that has not written runs each statement on the shared reader connection in a
//! fresh snapshot (PostgreSQL's READ COMMITTED). From its first write on it runs on the writer
//! connection, which it shares with other writing transactions or keeps to itself (see
//! `engine/sharing.rs`).

use devdb_sql::{Isolation, TransactionMode};

use crate::TransactionStatus;

#[derive(Debug, Default)]
pub(crate) struct Transaction {
    /// Inside BEGIN ... COMMIT.
    pub block: bool,
    /// Inside the implicit transaction of a multi-statement Query or an extended batch.
    pub implicit: bool,
    /// An error happened in the block: everything but ROLLBACK fails with 25P02.
    pub failed: bool,
    /// Its SQLite transaction is open on the writer (it is the engine's `lock_holder`).
    pub writing: bool,
    /// Keeps the writer to itself until it ends (see `engine/sharing.rs`): its SQLite
    /// transaction is never rolled back to let another session write.
    pub pinned: bool,
    /// Savepoints in order; the first `materialized` of them exist on the writer.
    pub savepoints: Vec<String>,
    pub materialized: usize,
    /// now() for the whole transaction, in microseconds since 2000-01-01.
    pub started_at: i64,
    pub mode: TransactionMode,
    /// Why the block failed when it was not its own statement's fault (devdb_restore by another
    /// session): the next statement reports this instead of 25P02's usual wording.
    pub aborted_by: Option<String>,
    /// LISTEN, UNLISTEN and NOTIFY waiting for the commit, and where the queue stood at each
    /// savepoint.
    pub notify: crate::notify::Pending,
    pub notify_marks: Vec<(usize, usize)>,
    /// Deferrable constraints SET CONSTRAINTS made immediate (foreign keys declared INITIALLY
    /// DEFERRED, unique and primary keys), as (table key, name): checked after each statement
    /// that writes; the unique and primary keys it made deferred, checked at commit; and what
    /// both were at each savepoint, which ROLLBACK TO restores.
    pub immediate: Vec<(String, String)>,
    pub deferred: Vec<(String, String)>,
    pub immediate_marks: Vec<ConstraintModes>,
}

/// What SET CONSTRAINTS made immediate and deferred, as a savepoint keeps it.
pub type ConstraintModes = (Vec<(String, String)>, Vec<(String, String)>);

impl Transaction {
    /// Whether the deferrable unique or primary key `key` (table key, name), declared
    /// INITIALLY DEFERRED or not, is checked at the end of each statement now.
    pub fn key_is_immediate(&self, key: &(String, String), initially_deferred: bool) -> bool {
        if self.immediate.contains(key) {
            true
        } else if self.deferred.contains(key) {
            false
        } else {
            !initially_deferred
        }
    }

    /// Whether any transaction, explicit or implicit, is open.
    pub fn is_open(&self) -> bool {
        self.block || self.implicit
    }

    /// REPEATABLE READ and SERIALIZABLE need one stable snapshot for the whole transaction;
    /// keeping the writer to itself from the first statement gives it.
    pub fn needs_snapshot(&self) -> bool {
        matches!(
            self.mode.isolation,
            Some(Isolation::RepeatableRead | Isolation::Serializable)
        )
    }

    pub fn status(&self) -> TransactionStatus {
        match (self.block, self.failed) {
            (false, _) => TransactionStatus::Idle,
            (true, false) => TransactionStatus::InTransaction,
            (true, true) => TransactionStatus::Failed,
        }
    }
}
