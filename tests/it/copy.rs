//! COPY FROM STDIN and COPY TO STDOUT with the clients that use them: psql (`\copy` and inline
//! data), tokio-postgres (copy_in / copy_out over the extended protocol) and pgbench's
//! client-side data generation; each compared with PostgreSQL.

use std::path::Path;

use bytes::Bytes;
use futures_util::{SinkExt, TryStreamExt};

use crate::harness::postgres::pg_tool;
use crate::harness::tools::{psql, run};
use crate::harness::{DevDb, Postgres};

/// A psql script exercising COPY in text and CSV, from files and inline, its errors, and COPY
/// inside a transaction that rolls back; the same output from devdb and PostgreSQL.
#[tokio::test]
async fn psql_copy_matches_postgres() {
    let Some(psql_bin) = pg_tool("psql") else {
        return;
    };
    let Some(pg) = Postgres::start() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let tsv = dir.path().join("rows.tsv");
    let csv = dir.path().join("rows.csv");
    std::fs::write(&tsv, "1\tone\n2\t\\N\n3\ttab\\there\n").expect("tsv");
    std::fs::write(
        &csv,
        "id,name\n4,\"a, b\"\n5,\n6,\"\"\"quoted\"\"\nline\"\n",
    )
    .expect("csv");
    let script = dir.path().join("copy.sql");
    std::fs::write(
        &script,
        format!(
            "create table ct (id int primary key, name text, extra int default 7);\n\
             \\copy ct (id, name) from '{tsv}'\n\
             \\copy ct (id, name) from '{csv}' with (format csv, header)\n\
             select * from ct order by id;\n\
             copy ct to stdout;\n\
             copy (select id, name from ct where id > 2 order by id) to stdout with (format csv, header);\n\
             copy ct (name, id) from stdin;\n\
             eight\t8\n\
             \\.\n\
             select count(*), sum(extra) from ct;\n\
             \\copy ct from '{tsv}'\n\
             begin;\n\
             copy ct (id, name) from stdin with (format csv);\n\
             9,nine\n\
             \\.\n\
             select count(*) from ct;\n\
             rollback;\n\
             select count(*) from ct;\n\
             copy ct (id, nope) from stdin;\n\
             copy ct (id) from stdin;\n\
             x\n\
             \\.\n\
             copy ct from stdin with (format text, quote '\"');\n\
             select 'still serving';\n",
            tsv = tsv.display(),
            csv = csv.display()
        ),
    )
    .expect("script");
    same_psql_output(&psql_bin, pg, "copy", &script).await;
}

/// Runs the psql script on devdb and on a fresh PostgreSQL database, going on after errors,
/// and asserts both print the same; the script ends with `select 'still serving'`.
async fn same_psql_output(psql_bin: &Path, pg: &Postgres, prefix: &str, script: &Path) {
    let script = script.to_string_lossy().into_owned();
    let args = ["-v", "ON_ERROR_STOP=0", "-f", &script];
    let db = DevDb::start(&[]);
    let on_devdb = psql(psql_bin, &db.url_with_password(), &args).await;
    let database = pg.fresh_database(prefix).await;
    let on_postgres = psql(psql_bin, &pg.url_for(&database), &args).await;
    assert!(
        on_postgres.stdout.contains("still serving"),
        "{on_postgres:?}"
    );
    assert_eq!(on_devdb.stdout, on_postgres.stdout);
    assert_eq!(on_devdb.stderr, on_postgres.stderr);
}

/// COPY leaves generated columns out of its default column list both ways and refuses them in
/// a given one; the rows it loads compute them.
#[tokio::test]
async fn psql_copy_of_generated_columns_matches_postgres() {
    let Some(psql_bin) = pg_tool("psql") else {
        return;
    };
    let Some(pg) = Postgres::start() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("copy.sql");
    std::fs::write(
        &script,
        "create table g (id int, price numeric(6,2), doubled numeric(8,2) \
           generated always as (price * 2) stored, note text);\n\
         copy g from stdin;\n\
         1\t2.50\tone\n\
         2\t\\N\ttwo\n\
         \\.\n\
         copy g (note, id, price) from stdin with (format csv);\n\
         three,3,1.25\n\
         \\.\n\
         select * from g order by id;\n\
         copy g to stdout;\n\
         copy (select * from g order by id) to stdout with (format csv);\n\
         copy g (id, doubled) to stdout;\n\
         copy g (id, doubled) from stdin;\n\
         select 'still serving';\n",
    )
    .expect("script");
    same_psql_output(&psql_bin, pg, "copy_generated", &script).await;
}

/// tokio-postgres streams COPY data through the extended protocol (Bind, Execute, Sync, then
/// CopyData... CopyDone, Sync); dropping the sink unfinished sends CopyFail.
async fn copy_with_tokio_postgres(client: &tokio_postgres::Client) -> Vec<String> {
    client
        .batch_execute("create table tc (id int8 primary key, note text, at date)")
        .await
        .expect("create");
    let mut sink = Box::pin(
        client
            .copy_in("copy tc (id, note, at) from stdin")
            .await
            .expect("copy in"),
    );
    for chunk in [
        "1\tfirst\t2024-01-31\n2\t\\N\t",
        "\\N\n3\tthird\\\\\t2000-02-29\n",
    ] {
        sink.send(Bytes::from(chunk)).await.expect("send");
    }
    let copied = sink.as_mut().finish().await.expect("finish");

    // An abandoned COPY inserts nothing and leaves the connection usable.
    let mut abandoned = Box::pin(
        client
            .copy_in("copy tc (id, note) from stdin")
            .await
            .expect("copy in"),
    );
    abandoned
        .send(Bytes::from_static(b"4\tlost\n"))
        .await
        .expect("send");
    drop(abandoned);

    let mut bad = Box::pin(
        client
            .copy_in("copy tc (id, note) from stdin")
            .await
            .expect("copy in"),
    );
    bad.send(Bytes::from_static(b"5\tfine\nnot-a-number\tx\n"))
        .await
        .expect("send");
    let bad_error = bad.as_mut().finish().await.expect_err("22P02");

    let stream = client
        .copy_out("copy (select * from tc order by id) to stdout with (format csv, header)")
        .await
        .expect("copy out");
    let chunks: Vec<Bytes> = stream.try_collect().await.expect("copy out rows");
    let count: i64 = client
        .query_one("select count(*) from tc", &[])
        .await
        .expect("count")
        .get(0);
    vec![
        format!("copied {copied}"),
        format!(
            "bad: {:?} {}",
            bad_error.code().map(|c| c.code()),
            bad_error
                .as_db_error()
                .map(|e| e.message().to_owned())
                .unwrap_or_default()
        ),
        format!(
            "out: {:?}",
            chunks
                .iter()
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
        ),
        format!("count {count}"),
    ]
}

#[tokio::test]
async fn tokio_postgres_copy_in_and_out_match_postgres() {
    let Some(pg) = Postgres::start() else { return };
    let db = DevDb::start(&[]);
    let on_devdb = copy_with_tokio_postgres(&db.connect().await).await;
    let database = pg.fresh_database("copytp").await;
    let on_postgres = copy_with_tokio_postgres(&pg.connect_to(&database).await).await;
    assert_eq!(on_postgres[0], "copied 3");
    assert_eq!(on_devdb, on_postgres);
}

/// pgbench's default initialization generates its data client-side with COPY.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pgbench_default_init_loads_with_copy() {
    let Some(pgbench) = pg_tool("pgbench") else {
        return;
    };
    let db = DevDb::start(&[]);
    let url = db.url_with_password();
    run(
        &pgbench,
        &["-i", "-s", "1", &url],
        std::time::Duration::from_secs(120),
    )
    .await
    .assert_success("pgbench -i");
    let client = db.connect().await;
    let row = client
        .query_one(
            "select (select count(*) from pgbench_accounts), (select count(*) from pgbench_branches), (select sum(bid) from pgbench_accounts)",
            &[],
        )
        .await
        .expect("counts");
    let counts: (i64, i64) = (row.get(0), row.get(1));
    assert_eq!(counts, (100_000, 1));
}

/// A COPY FROM STDIN that must wait for the writer (another transaction writes alone: it made
/// a savepoint) fails with 55P03 after lock_timeout, inserts nothing, and leaves its connection
/// usable; once the other transaction ends, the same COPY goes through.
#[tokio::test]
async fn copy_waiting_for_the_writer_times_out_with_55p03() {
    let db = DevDb::start(&["--lock-timeout", "300"]);
    let holder = db.connect().await;
    let copier = db.connect().await;
    holder
        .batch_execute("create table cw (id int)")
        .await
        .expect("create");
    holder
        .batch_execute("begin; savepoint s; insert into cw values (1)")
        .await
        .expect("holder");
    let copy = async {
        let mut sink = Box::pin(copier.copy_in("copy cw from stdin").await?);
        sink.send(Bytes::from("2\n3\n")).await?;
        sink.as_mut().finish().await
    };
    let started = std::time::Instant::now();
    let result = crate::harness::within(std::time::Duration::from_secs(5), "the COPY", copy).await;
    let err = result.expect_err("the COPY must time out");
    assert_eq!(
        err.as_db_error().map(|e| e.code().code()),
        Some("55P03"),
        "{err:?}"
    );
    assert!(started.elapsed() >= std::time::Duration::from_millis(250));
    holder.batch_execute("commit").await.expect("commit");
    let mut sink = Box::pin(copier.copy_in("copy cw from stdin").await.expect("copy"));
    sink.send(Bytes::from("2\n3\n")).await.expect("send");
    assert_eq!(sink.as_mut().finish().await.expect("finish"), 2);
    let rows = copier
        .query("select id from cw order by id", &[])
        .await
        .expect("select");
    let ids: Vec<i32> = rows.iter().map(|r| r.get(0)).collect();
    assert_eq!(ids, [1, 2, 3]);
}

/// Binary COPY (asyncpg's copy_records_to_table, tokio-postgres' binary_copy): the bytes
/// PostgreSQL writes for a table of many types go back into each server with
/// `COPY ... FROM STDIN (FORMAT binary)`, and each server's `COPY ... TO STDOUT (FORMAT binary)`
/// must give those bytes back; a malformed stream fails with PostgreSQL's 22P04.
async fn binary_copy(client: &tokio_postgres::Client, data: Option<&[u8]>) -> Vec<String> {
    client
        .batch_execute(
            "create table tb (id int8, n numeric, t text, d date, ts timestamptz, b bool, \
             f float8, j jsonb, a int4[], r int4range, u uuid, i interval, by bytea);
             insert into tb values (1, 12.50, 'a\tb', '2024-02-29', '2024-01-01 10:00+00', \
             true, 1.5, '{\"k\": [1, null]}', '{1,NULL,3}', '[1,5)', \
             'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '1 day 02:00', '\\x00ff'), \
             (2, null, null, null, null, null, null, null, null, null, null, null, null)",
        )
        .await
        .expect("create");
    let original = binary_out(client).await;
    client.batch_execute("truncate tb").await.expect("truncate");
    let mut sink = Box::pin(
        client
            .copy_in("copy tb from stdin (format binary)")
            .await
            .expect("copy in"),
    );
    sink.send(Bytes::from(data.unwrap_or(&original).to_vec()))
        .await
        .expect("send");
    let copied = sink.as_mut().finish().await.expect("finish");
    let again = binary_out(client).await;
    let mut bad = Box::pin(
        client
            .copy_in("copy tb (id) from stdin (format binary)")
            .await
            .expect("copy in"),
    );
    bad.send(Bytes::from_static(
        b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0\0\x02",
    ))
    .await
    .expect("send");
    let bad_error = bad.as_mut().finish().await.expect_err("22P04");
    let option_error = client
        .batch_execute("copy tb to stdout (format binary, delimiter ',')")
        .await
        .expect_err("42601");
    vec![
        format!("copied {copied}"),
        format!("round trip {}", again == data.unwrap_or(&original)),
        format!("bytes {:?}", again),
        format!("bad {:?}", bad_error.code().map(|c| c.code())),
        format!(
            "bad message {}",
            bad_error
                .as_db_error()
                .map(|e| e.message().to_owned())
                .unwrap_or_default()
        ),
        format!("option {:?}", option_error.code().map(|c| c.code())),
    ]
}

/// `tb`'s rows in binary COPY format.
async fn binary_out(client: &tokio_postgres::Client) -> Vec<u8> {
    let stream = client
        .copy_out("copy (select * from tb order by id) to stdout (format binary)")
        .await
        .expect("copy out");
    let chunks: Vec<Bytes> = stream.try_collect().await.expect("copy out rows");
    chunks.concat()
}

#[tokio::test]
async fn binary_copy_in_and_out_match_postgres_byte_for_byte() {
    let Some(pg) = Postgres::start() else { return };
    let database = pg.fresh_database("copybin").await;
    let oracle = pg.connect_to(&database).await;
    let on_postgres = binary_copy(&oracle, None).await;
    // PostgreSQL's own bytes, fed to devdb.
    let bytes = binary_out(&oracle).await;
    let db = DevDb::start(&[]);
    let on_devdb = binary_copy(&db.connect().await, Some(&bytes)).await;
    assert_eq!(on_postgres[0], "copied 2");
    assert_eq!(on_devdb, on_postgres);
}
