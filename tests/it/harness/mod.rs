//! What every test uses: the devdb server ([`DevDb`]), the PostgreSQL oracle ([`Postgres`]),
//! a raw-wire client ([`rawwire::RawConn`]), the differential helper ([`compare()`]) and
//! runners for PostgreSQL's own clients ([`tools`]).

pub mod compare;
pub mod devdb;
pub mod postgres;
pub mod rawwire;
pub mod tools;

pub use compare::{compare, compare_error_hints, compare_extended, compare_parameter_types};
pub use devdb::DevDb;
pub use postgres::Postgres;
pub use rawwire::RawConn;

#[cfg(test)]
mod selftest;

/// Awaits `future`, failing the test if it takes longer than `limit`.
pub async fn within<F: std::future::Future>(
    limit: std::time::Duration,
    what: &str,
    future: F,
) -> F::Output {
    match tokio::time::timeout(limit, future).await {
        Ok(out) => out,
        Err(_) => panic!("{what}: no answer within {limit:?}"),
    }
}
