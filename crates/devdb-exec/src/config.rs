//! What an engine needs to know from the command line.

use std::path::PathBuf;
use std::time::Duration;

/// Server-wide settings every database's engine shares. Durations of zero mean "off".
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// Directory holding one SQLite file per database.
    pub data_dir: PathBuf,
    /// True when `data_dir` is a temporary directory: commits skip fsync, since nothing survives
    /// the process anyway.
    pub ephemeral: bool,
    /// Default lock_timeout for sessions (SET-able).
    pub lock_timeout: Duration,
    /// Default idle_in_transaction_session_timeout (SET-able).
    pub idle_in_transaction_timeout: Duration,
    /// Default idle_session_timeout (SET-able).
    pub idle_session_timeout: Duration,
}

impl EngineConfig {
    /// Settings for tests and embedding: ephemeral, PostgreSQL-like defaults.
    pub fn new(data_dir: PathBuf) -> Self {
        EngineConfig {
            data_dir,
            ephemeral: true,
            lock_timeout: Duration::from_secs(10),
            idle_in_transaction_timeout: Duration::from_secs(60),
            idle_session_timeout: Duration::ZERO,
        }
    }
}
