//! A session's life beyond single statements: parameters a simple Query cannot have, and
//! errors raised while rows are produced.

use tokio_postgres::error::SqlState;

use crate::harness::{DevDb, Postgres, compare};

#[tokio::test]
async fn parameters_in_a_simple_query_are_42p02_like_postgres() {
    compare(&[
        "select $1",
        "select $2",
        "select $1 + 5",
        "create table params (x int)",
        "select x from params where x = 2 and x = $1",
        "insert into params values ($1)",
        "begin",
        "select $1",
        "rollback",
    ])
    .await;
}

#[tokio::test]
async fn errors_while_producing_rows_like_postgres() {
    compare(&[
        "select 1/0",
        "create table divisors (x int)",
        "insert into divisors values (1), (0)",
        "select 1/x from divisors",
        "select x::text::int from divisors where 1/x > 0",
    ])
    .await;
}

/// An error raised before the first row: PostgreSQL sends the RowDescription first when the
/// error comes from running the statement (not from planning it), devdb sends the error alone
/// (docs/compat.md). A client sees the same thing: the error, and no rows.
async fn error_before_the_first_row(client: tokio_postgres::Client) {
    client
        .batch_execute("create table divisors (x int); insert into divisors values (1), (0)")
        .await
        .expect("setup");
    for sql in [
        "select 1/x from divisors order by x",
        "select 10/x from divisors order by x desc",
    ] {
        let e = client
            .simple_query(sql)
            .await
            .expect_err("division by zero");
        assert_eq!(e.code(), Some(&SqlState::DIVISION_BY_ZERO), "{sql}");
    }
}

#[tokio::test]
async fn an_error_before_the_first_row_reaches_clients_as_an_error() {
    let db = DevDb::start(&[]);
    error_before_the_first_row(db.connect().await).await;
}

#[tokio::test]
async fn an_error_before_the_first_row_reaches_clients_as_an_error_on_postgres() {
    let Some(pg) = Postgres::start() else { return };
    let database = pg.fresh_database("rows").await;
    error_before_the_first_row(pg.connect_to(&database).await).await;
}
