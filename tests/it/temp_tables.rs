//! Temporary tables across connections, compared with PostgreSQL: private to their session,
//! shadowing a permanent table of the same name, gone when the connection closes or is
//! terminated. Then what only devdb needs: a session that ends while another holds the write
//! lock, and a server killed with temporary tables in its file.

use std::future::Future;
use std::time::{Duration, Instant};

use tokio_postgres::{Client, SimpleQueryMessage};

use crate::harness::{DevDb, Postgres};

/// A statement's outcome as one line: its rows (values joined by `|`) or its SQLSTATE.
async fn step(client: &Client, sql: &str) -> String {
    match client.simple_query(sql).await {
        Ok(messages) => {
            let rows: Vec<String> = messages
                .iter()
                .filter_map(|m| match m {
                    SimpleQueryMessage::Row(row) => Some(
                        (0..row.len())
                            .map(|i| row.get(i).unwrap_or("NULL"))
                            .collect::<Vec<_>>()
                            .join("|"),
                    ),
                    _ => None,
                })
                .collect();
            format!("{sql} -> [{}]", rows.join(", "))
        }
        Err(e) => format!("{sql} -> error {}", e.code().map_or("closed", |c| c.code())),
    }
}

/// [`step`] repeated until it answers `want`, for cleanup that happens after a disconnect
/// (PostgreSQL's backend and devdb's session both wind down after the socket closes).
async fn eventually(client: &Client, sql: &str, want: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let got = step(client, sql).await;
        if got == format!("{sql} -> [{want}]") || Instant::now() > deadline {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn two_sessions<F, Fut>(connect: F) -> Vec<String>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Client>,
{
    let mut out = Vec::new();
    let a = connect().await;
    let b = connect().await;
    for sql in [
        "create table items (v text)",
        "insert into items values ('permanent')",
        "create temp table items (v text primary key)",
        "insert into items values ('temporary of a')",
        "create index items_v on items (v)",
        "select v from items",
    ] {
        out.push(step(&a, sql).await);
    }
    // b sees the permanent table, never a's.
    for sql in [
        "select v from items",
        "create temp table scratch (id int)",
        "insert into scratch values (1)",
        "select count(*) from scratch",
        "select count(*) from pg_class where relname = 'items'",
        "select table_type from information_schema.tables where table_name = 'items'",
    ] {
        out.push(step(&b, sql).await);
    }
    // Naming a's temporary schema does not reach its tables either.
    let a_schema: String = a
        .query_one(
            "select nspname::text from pg_namespace where oid = pg_my_temp_schema()",
            &[],
        )
        .await
        .expect("temporary schema")
        .get(0);
    let other = format!("select * from {a_schema}.items");
    let refused = step(&b, &other).await;
    out.push(refused.replace(&a_schema, "<temporary schema of a>"));
    out.push(step(&a, "select * from scratch").await);
    out.push(step(&a, "insert into scratch values (2)").await);
    let b_pid: i32 = b
        .query_one("select pg_backend_pid()", &[])
        .await
        .expect("pid")
        .get(0);
    // a disconnects: its temporary table goes, the permanent one stays.
    drop(a);
    let c = connect().await;
    out.push(
        eventually(
            &c,
            "select count(*) from pg_class where relname = 'items'",
            "1",
        )
        .await,
    );
    out.push(
        eventually(
            &c,
            "select count(*) from pg_class where relname = 'items_v'",
            "0",
        )
        .await,
    );
    out.push(step(&c, "select v from items").await);
    // b is terminated: its temporary table goes too.
    let terminate = format!("select pg_terminate_backend({b_pid})");
    let terminated = step(&c, &terminate).await;
    out.push(terminated.replace(&b_pid.to_string(), "<pid of b>"));
    out.push(
        eventually(
            &c,
            "select count(*) from pg_class where relname = 'scratch'",
            "0",
        )
        .await,
    );
    out.push(step(&c, "select * from scratch").await);
    out
}

#[tokio::test]
async fn temp_tables_are_private_shadow_and_vanish_with_their_session_like_postgres() {
    let Some(pg) = Postgres::start() else { return };
    let database = pg.fresh_database("temps").await;
    let expected = two_sessions(|| pg.connect_to(&database)).await;
    let devdb = DevDb::start(&[]);
    let actual = two_sessions(|| devdb.connect()).await;
    assert_eq!(actual, expected);
}

#[tokio::test]
async fn temp_schema_of_a_session_that_ends_while_another_writes_goes_at_that_commit() {
    let devdb = DevDb::start(&[]);
    let writer = devdb.connect().await;
    writer
        .batch_execute("create table log (id int); begin; insert into log values (1)")
        .await
        .expect("open a writing transaction");
    let temp = devdb.connect().await;
    temp.batch_execute("set lock_timeout = '5s'")
        .await
        .expect("set");
    // Creating a temporary table waits for the write lock, so let the writer go first.
    let creating = tokio::spawn(async move {
        temp.batch_execute("create temp table t (id int)")
            .await
            .map(|()| temp)
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    writer.batch_execute("commit").await.expect("commit");
    let temp = creating.await.expect("task").expect("create temp table");
    writer
        .batch_execute("begin; insert into log values (2)")
        .await
        .expect("write again");
    drop(temp);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let observer = devdb.connect().await;
    let during = step(
        &observer,
        "select count(*) from pg_class where relname = 't'",
    )
    .await;
    writer.batch_execute("commit").await.expect("commit");
    let after = eventually(
        &observer,
        "select count(*) from pg_class where relname = 't'",
        "0",
    )
    .await;
    assert_eq!(
        (during.as_str(), after.as_str()),
        (
            "select count(*) from pg_class where relname = 't' -> [1]",
            "select count(*) from pg_class where relname = 't' -> [0]"
        )
    );
}

#[tokio::test]
async fn temp_tables_left_by_a_killed_server_are_gone_after_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().to_string_lossy().into_owned();
    let mut devdb = DevDb::start(&["--data-dir", &data_dir]);
    let client = devdb.connect().await;
    client
        .batch_execute(
            "create table kept (id int); create temp table gone (id serial, v text); \
             insert into gone (v) values ('x')",
        )
        .await
        .expect("create");
    devdb.kill();
    let devdb = DevDb::start(&["--data-dir", &data_dir]);
    let client = devdb.connect().await;
    let sql = "select relname, relpersistence from pg_class where relname in ('kept', 'gone', 'gone_id_seq') order by 1";
    assert_eq!(step(&client, sql).await, format!("{sql} -> [kept|p]"));
    let sql = "select count(*) from pg_namespace where nspname like 'pg_temp%'";
    assert_eq!(step(&client, sql).await, format!("{sql} -> [0]"));
}
