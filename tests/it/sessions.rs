//! A session's life beyond single statements: sleeping beside other sessions, a client that
//! hangs up mid-statement, parameters a simple Query cannot have, and errors raised while rows
//! are produced.

use std::time::{Duration, Instant};

use tokio_postgres::error::SqlState;

use crate::harness::{DevDb, Postgres, RawConn, compare, compare_extended, within};

const SLEEPS: &[&str] = &[
    "select pg_sleep(0.2)",
    "select pg_sleep(0.1) as nap",
    "select pg_sleep_for('0.1 seconds')",
    "select pg_sleep(null)",
    "select pg_sleep(-1)",
    "select pg_sleep('x')",
    "begin",
    "select pg_sleep(0.1)",
    "commit",
];

#[tokio::test]
async fn pg_sleep_answers_like_postgres() {
    compare(SLEEPS).await;
}

#[tokio::test]
async fn pg_sleep_answers_like_postgres_extended() {
    compare_extended(SLEEPS).await;
}

/// Runs `sql` on `client`, failing the test unless it is answered within 300 ms.
async fn promptly(client: &tokio_postgres::Client, sql: &str) {
    within(Duration::from_millis(300), sql, client.batch_execute(sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// A session that sleeps holds nothing: the database's other sessions read and write
/// meanwhile, as in PostgreSQL, where sessions sleep independently.
#[tokio::test]
async fn a_sleeping_session_does_not_hold_up_the_others() {
    let db = DevDb::start(&[]);
    let other = db.connect().await;
    for (setup, sleep) in [
        ("", "select pg_sleep(1.5)"),
        ("", "select pg_sleep_for('1.5 seconds')"),
        // In a transaction that has read but not written.
        ("begin; select 1", "select pg_sleep(1.5)"),
    ] {
        let sleeper = db.connect().await;
        if !setup.is_empty() {
            sleeper.batch_execute(setup).await.expect(setup);
        }
        let started = Instant::now();
        let sleeping = tokio::spawn(async move {
            let rows = sleeper.simple_query(sleep).await;
            (sleeper, rows)
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        promptly(&other, "select 1").await;
        promptly(&other, "create table if not exists beside (x int)").await;
        promptly(&other, "insert into beside values (1)").await;
        promptly(&other, "select count(*) from beside").await;
        let (_sleeper, rows) = within(Duration::from_secs(5), sleep, sleeping)
            .await
            .expect("the sleeper's task");
        rows.unwrap_or_else(|e| panic!("{sleep}: {e}"));
        let slept = started.elapsed();
        assert!(
            slept >= Duration::from_millis(1500),
            "{sleep} slept {slept:?}"
        );
    }
}

/// A sleep with a parameter (extended protocol) parks too.
#[tokio::test]
async fn a_sleep_with_a_parameter_does_not_hold_up_the_others() {
    let db = DevDb::start(&[]);
    let other = db.connect().await;
    let sleeper = db.connect().await;
    let started = Instant::now();
    let sleeping = tokio::spawn(async move {
        sleeper
            .query("select pg_sleep($1)", &[&1.0f64])
            .await
            .map(|rows| rows.len())
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    promptly(&other, "select 1").await;
    let rows = within(Duration::from_secs(5), "pg_sleep($1)", sleeping)
        .await
        .expect("the sleeper's task")
        .expect("pg_sleep($1)");
    assert_eq!(rows, 1);
    assert!(started.elapsed() >= Duration::from_secs(1));
}

/// A session that sleeps in a transaction that has written keeps its row locks, as
/// PostgreSQL does: readers go on, a writer of the same row waits for its commit.
#[tokio::test]
async fn a_sleep_in_a_writing_transaction_keeps_its_row_locks() {
    let db = DevDb::start(&[]);
    let other = db.connect().await;
    other
        .batch_execute("create table locked (x int); insert into locked values (0)")
        .await
        .expect("create");
    let sleeper = db.connect().await;
    sleeper
        .batch_execute("begin; update locked set x = 1")
        .await
        .expect("update");
    let sleeping = tokio::spawn(async move {
        sleeper
            .batch_execute("select pg_sleep(1); commit")
            .await
            .map(|()| Instant::now())
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let rows = within(
        Duration::from_millis(300),
        "a read beside the sleeper",
        other.query_one("select sum(x) from locked", &[]),
    )
    .await
    .expect("read");
    assert_eq!(
        rows.get::<_, i64>(0),
        0,
        "the sleeper's update is not committed yet"
    );
    within(
        Duration::from_secs(5),
        "the next writer",
        other.batch_execute("update locked set x = x + 10"),
    )
    .await
    .expect("the next writer");
    let written = Instant::now();
    let committed = within(Duration::from_secs(5), "the sleeper", sleeping)
        .await
        .expect("the sleeper's task")
        .expect("the sleeper's commit");
    assert!(
        committed <= written,
        "the next writer waited for the sleeper's commit"
    );
    let rows = other
        .query_one("select sum(x) from locked", &[])
        .await
        .expect("read");
    assert_eq!(
        rows.get::<_, i64>(0),
        11,
        "the writer updated the committed row"
    );
}

/// Cancel and statement_timeout stop a parked sleep with 57014, in either protocol.
#[tokio::test]
async fn cancel_and_statement_timeout_stop_a_sleep() {
    let db = DevDb::start(&[]);
    let client = db.connect().await;
    client
        .batch_execute("set statement_timeout = 300")
        .await
        .expect("set");
    let started = Instant::now();
    let e = within(
        Duration::from_secs(2),
        "pg_sleep($1) past statement_timeout",
        client.query("select pg_sleep($1)", &[&10.0f64]),
    )
    .await
    .expect_err("statement_timeout");
    assert_eq!(e.code(), Some(&SqlState::QUERY_CANCELED));
    assert!(started.elapsed() < Duration::from_secs(1));
    client
        .batch_execute("set statement_timeout = 0")
        .await
        .expect("set");
    let token = client.cancel_token();
    let sleeping = tokio::spawn(async move {
        let result = client.query("select pg_sleep($1)", &[&10.0f64]).await;
        (client, result)
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    token
        .cancel_query(tokio_postgres::NoTls)
        .await
        .expect("cancel");
    let (client, result) = within(Duration::from_secs(1), "the canceled sleep", sleeping)
        .await
        .expect("the sleeper's task");
    let e = result.expect_err("canceled");
    assert_eq!(e.code(), Some(&SqlState::QUERY_CANCELED));
    client
        .batch_execute("select 1")
        .await
        .expect("usable after");
}

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

/// DISCARD ALL resets the session as PostgreSQL does: settings, cursors (WITH HOLD too),
/// temporary tables, advisory locks; and is refused in a transaction block or beside other
/// statements (25001).
#[tokio::test]
async fn discard_all_resets_the_session_like_postgres() {
    compare(&[
        "set statement_timeout = 1234",
        "set search_path = nowhere, public",
        "create temp table scratch (x int)",
        "begin",
        "declare held cursor with hold for select 1",
        "commit",
        "select pg_advisory_lock(7)",
        "create sequence counter",
        "select nextval('counter')",
        "begin",
        "discard all",
        "rollback",
        "select 1; discard all",
        "discard all; select 1",
        "show statement_timeout",
        "discard all",
        "show statement_timeout",
        "show search_path",
        "select * from scratch",
        "fetch held",
        "select pg_advisory_unlock(7)",
        "discard plans",
        "create temp table scratch (x int)",
        "discard temp",
        "select * from scratch",
    ])
    .await;
    compare_extended(&[
        "set statement_timeout = 1234",
        "discard all",
        "show statement_timeout",
        "begin",
        "discard all",
        "rollback",
    ])
    .await;
}

/// What DISCARD ALL (and DISCARD SEQUENCES) do to prepared statements, LISTEN and currval, on
/// the raw protocol: a statement prepared before it is gone (26000), a NOTIFY on a channel
/// listened to before it does not come back, currval is unset (55000).
async fn discard_all_forgets_statements_and_listens(conn: &mut RawConn) -> Vec<String> {
    conn.hide_error_messages(true);
    let mut out = Vec::new();
    conn.send_parse("kept", "select 1", &[]);
    conn.send_sync();
    out.extend(conn.read_until_ready_rendered().await);
    for sql in [
        "create sequence counter",
        "select nextval('counter')",
        "listen chan",
        "notify chan",
        "discard all",
        "notify chan",
        "select currval('counter')",
        "select nextval('counter')",
        "discard sequences",
        "select currval('counter')",
    ] {
        out.push(format!("> {sql}"));
        out.extend(conn.query(sql).await);
    }
    conn.send_bind("", "kept", &[]);
    conn.send_execute("", 0);
    conn.send_sync();
    out.extend(conn.read_until_ready_rendered().await);
    // PostgreSQL describes currval's row before failing (see errors_while_producing_rows).
    out.retain(|m| {
        !m.starts_with("ParameterStatus")
            && !m.starts_with("Notice")
            && m != "RowDescription[currval:int8]"
    });
    // The notifying session's pid differs between servers.
    for m in &mut out {
        if m.starts_with("Notification") {
            *m = "Notification".to_owned();
        }
    }
    out
}

#[tokio::test]
async fn discard_all_forgets_prepared_statements_and_listens_like_postgres() {
    let Some(pg) = Postgres::start() else { return };
    let database = pg.fresh_database("discard").await;
    let mut oracle = RawConn::startup(pg.host(), pg.port(), "postgres", &database, None).await;
    let expected = discard_all_forgets_statements_and_listens(&mut oracle).await;
    assert!(
        expected.iter().any(|m| m == "Notification"),
        "the oracle delivers the first NOTIFY: {expected:#?}"
    );
    let db = DevDb::start(&[]);
    let mut conn = db.raw().await;
    let actual = discard_all_forgets_statements_and_listens(&mut conn).await;
    assert_eq!(actual, expected);
}
