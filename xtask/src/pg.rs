//! Finding PostgreSQL 15's programs.

use std::path::PathBuf;

/// PostgreSQL's binaries: `PG_BIN` if set, else Debian's install location.
pub fn bin(name: &str) -> PathBuf {
    bin_dir().join(name)
}

/// The directory [`bin`] looks in; client suites get it as `PG_BIN`.
pub fn bin_dir() -> PathBuf {
    std::env::var_os("PG_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/postgresql/15/bin"))
}
