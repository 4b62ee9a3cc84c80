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
    /// Connections to a missing database create it from this template (opt-in).
    pub auto_create: Option<AutoCreate>,
    /// How long a database's thread stays up after its last session left, for the next one
    /// (a test's connection pool, a client reconnecting per query) to find it open.
    pub linger: Duration,
    /// How long a database thread with nothing to run polls its sessions' sockets before it
    /// sleeps (`idle_poll`); zero sleeps at once.
    pub idle_poll: Duration,
}

/// `--auto-create-from TEMPLATE [--auto-create-pattern GLOB]`.
#[derive(Clone, Debug)]
pub struct AutoCreate {
    pub template: String,
    /// Only names matching this glob (`*`, `?`) are created; None: any name.
    pub pattern: Option<String>,
}

impl AutoCreate {
    pub fn matches(&self, name: &str) -> bool {
        self.pattern
            .as_deref()
            .is_none_or(|p| glob(p.as_bytes(), name.as_bytes()))
    }
}

/// Shell-style matching of `*` (any run) and `?` (any one byte).
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    match (pattern.split_first(), text.split_first()) {
        (None, None) => true,
        (Some((b'*', rest)), _) => {
            glob(rest, text) || text.split_first().is_some_and(|(_, t)| glob(pattern, t))
        }
        (Some((b'?', rest)), Some((_, t))) => glob(rest, t),
        (Some((p, rest)), Some((c, t))) if p == c => glob(rest, t),
        _ => false,
    }
}

/// The default [`EngineConfig::linger`].
pub const LINGER: Duration = Duration::from_secs(2);

impl EngineConfig {
    /// Settings for tests and embedding: ephemeral, PostgreSQL-like defaults.
    pub fn new(data_dir: PathBuf) -> Self {
        EngineConfig {
            data_dir,
            ephemeral: true,
            lock_timeout: Duration::from_secs(10),
            idle_in_transaction_timeout: Duration::from_secs(60),
            idle_session_timeout: Duration::ZERO,
            auto_create: None,
            linger: LINGER,
            idle_poll: Duration::ZERO,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_create_patterns_are_globs() {
        let auto = |pattern: Option<&str>| AutoCreate {
            template: "t".into(),
            pattern: pattern.map(str::to_owned),
        };
        assert!(auto(None).matches("anything"));
        assert!(auto(Some("test_*")).matches("test_3"));
        assert!(auto(Some("test_*")).matches("test_"));
        assert!(!auto(Some("test_*")).matches("prod"));
        assert!(auto(Some("app_?")).matches("app_1"));
        assert!(!auto(Some("app_?")).matches("app_12"));
    }
}
