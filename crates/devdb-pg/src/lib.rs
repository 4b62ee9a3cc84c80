//! PostgreSQL's vocabulary, shared by every devdb crate: SQLSTATE codes, the one error type that
//! reaches a client ([`PgError`]), the type catalog of built-in types ([`PgType`]) and the
//! conversions between PostgreSQL's text and binary value formats and devdb's stored values
//! ([`Value`], [`Datum`]).
//!
//! Invariant: this crate does no I/O and knows nothing of SQLite or sockets; it sits at the bottom
//! of the crate graph. Start reading at [`PgError`] and [`PgType`].

pub mod copy;
mod error;
mod sqlstate;
mod sqlstate_codes;
pub mod types;
pub mod value;

pub use error::{ErrorFields, PgError, Severity};
pub use sqlstate::SqlState;
pub use types::{Format, Oid, PgType};
pub use value::{Datum, Value};
