//! End-to-end tests: the real devdb binary driven by real clients.
//!
//! One test binary (`it`), one module per area. `harness` starts devdb (`DevDb`), a throwaway
//! PostgreSQL 15 oracle (`Postgres`), speaks raw protocol (`RawConn`) and compares the two
//! (`compare`). Tests whose names end in `_on_postgres` check the harness and each
//! expectation against real PostgreSQL; the same expectations then hold devdb to them.

// The harness is an API for all test modules; not every helper has a caller yet.
#[allow(dead_code)]
mod harness;

mod arrays;
mod binary;
mod catalogs;
mod clients;
mod concurrent_writes;
mod copy;
mod corpus;
mod databases;
mod ddl;
mod differential;
mod executor;
mod explain;
mod lifecycle;
mod notify;
mod orm;
mod pg_dump;
mod pipeline;
mod prepared_statements;
mod protocol;
mod queries;
mod sessions;
mod smoke;
mod storage;
mod temp_tables;
mod triggers;
mod types;
