//! devdb-exec
