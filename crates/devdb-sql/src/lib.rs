//! devdb-sql
