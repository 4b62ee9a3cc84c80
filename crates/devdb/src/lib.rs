//! devdb: a PostgreSQL-compatible development database in one binary.
//!
//! `devdb serve` binds a TCP port, opens the databases (SQLite files in `--data-dir` or a temp
//! directory), prints `DATABASE_URL=...` once a client could complete a startup handshake, and
//! serves PostgreSQL clients until SIGINT/SIGTERM or until its `--run` command exits.
//!
//! This crate is the thin top: command-line arguments ([`cli`]), logging, the server's wiring
//! ([`server`]) and signals. The protocol lives in devdb-wire, the executor in devdb-exec, the
//! translation in devdb-sql.

pub mod cli;
mod init;
pub mod server;
