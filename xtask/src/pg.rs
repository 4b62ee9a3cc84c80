//! Finding PostgreSQL 15's programs.

use std::path::PathBuf;

/// PostgreSQL's binaries: `PG_BIN` if set, else Debian's install location.
pub fn bin(name: &str) -> PathBuf {
    let dir = std::env::var_os("PG_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/postgresql/15/bin"));
    dir.join(name)
}
