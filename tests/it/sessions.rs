//! A session's life beyond single statements: a client that hangs up mid-statement,
//! parameters a simple Query cannot have, and errors raised while rows are produced.

use std::time::Duration;

use tokio_postgres::error::SqlState;

use crate::harness::{DevDb, Postgres, compare, within};

/// Waits until `other` is the server's only session, as pg_stat_activity lists them.
async fn until_alone(other: &tokio_postgres::Client, what: &str) {
    within(Duration::from_secs(2), what, async {
        loop {
            let row = other
                .query_one("select count(*) from pg_stat_activity", &[])
                .await
                .expect("pg_stat_activity");
            if row.get::<_, i64>(0) == 1 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
}

/// A client that hangs up while its statement runs stops it, as a cancel would: the database
/// is not kept busy for nobody, and its other sessions are answered at once.
#[tokio::test]
async fn a_client_that_hangs_up_stops_its_running_statement() {
    let db = DevDb::start(&[]);
    let other = db.connect().await;
    for sql in [
        "select pg_sleep(60)",
        // Keeps the database's thread busy inside SQLite.
        "with recursive r(i) as (select 1 union all select i + 1 from r) select count(*) from r",
    ] {
        let mut conn = db.raw().await;
        conn.send_query(sql);
        conn.write_out().await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        drop(conn);
        within(Duration::from_secs(2), sql, other.simple_query("select 1"))
            .await
            .expect("select 1 beside a hung-up statement");
        until_alone(&other, sql).await;
    }
}

/// A client that hangs up while sleeping in a transaction that writes releases the write lock
/// at once: the next writer does not wait for the sleep.
#[tokio::test]
async fn a_client_that_hangs_up_in_a_writing_transaction_releases_the_write_lock() {
    let db = DevDb::start(&[]);
    let other = db.connect().await;
    let mut conn = db.raw().await;
    conn.send_query(
        "begin; create table held (x int); insert into held values (1); select pg_sleep(60)",
    );
    conn.write_out().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(conn);
    within(
        Duration::from_secs(2),
        "a writer after the hang-up",
        other.batch_execute("create table next_writer (x int); insert into next_writer values (1)"),
    )
    .await
    .expect("the next writer");
    let tables = other
        .query_one("select count(*) from pg_class where relname = 'held'", &[])
        .await
        .expect("pg_class");
    assert_eq!(
        tables.get::<_, i64>(0),
        0,
        "the hung-up transaction rolled back"
    );
}

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
