//! devdb-wire
