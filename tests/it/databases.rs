//! Databases: selected at startup, created from templates, dropped, renamed, kept in
//! `--data-dir`, isolated from each other, and devdb's snapshot/restore for test harnesses.

use std::time::{Duration, Instant};

use tokio_postgres::Client;

use crate::harness::{DevDb, compare};

async fn connect_to(devdb: &DevDb, database: &str) -> Result<Client, tokio_postgres::Error> {
    let mut config = devdb.config();
    config.dbname(database);
    let (client, connection) = config.connect(tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    Ok(client)
}

fn code(err: &tokio_postgres::Error) -> String {
    err.code()
        .map(|c| c.code().to_owned())
        .unwrap_or_else(|| format!("no SQLSTATE: {err}"))
}

async fn scalar(client: &Client, sql: &str) -> String {
    let rows = client
        .simple_query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.iter()
        .find_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_owned),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{sql}: no row"))
}

/// Runs `sql`, retrying while a just-closed session is still counted in the database (a client
/// closing its connection does not wait for the server to notice).
async fn retry_while_in_use(client: &Client, sql: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match client.batch_execute(sql).await {
            Ok(()) => return,
            Err(err) if code(&err) == "55006" && Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            Err(err) => panic!("{sql}: {err:?}"),
        }
    }
}

#[tokio::test]
async fn database_commands_fail_like_postgres() {
    // Names are unique per run: the oracle cluster is shared by the whole test process.
    let n = std::process::id();
    let (a, b, c) = (
        format!("dbcmd_a_{n}"),
        format!("dbcmd_b_{n}"),
        format!("dbcmd_c_{n}"),
    );
    let statements = [
        format!("create database {a}"),
        format!("create database {a}"),
        format!("create database {b} template no_such_template_{n}"),
        format!("create database {b} with template {a} encoding 'UTF8' connection limit -1"),
        format!("alter database {b} rename to {c}"),
        format!("alter database {b} rename to {c}"),
        "begin".to_owned(),
        format!("create database {b}"),
        "rollback".to_owned(),
        format!("drop database {c}"),
        format!("drop database {c}"),
        format!("drop database if exists {c}"),
        format!("drop database {a} with (force)"),
    ];
    let statements: Vec<&str> = statements.iter().map(String::as_str).collect();
    compare(&statements).await;
}

#[tokio::test]
async fn unknown_database_is_fatal_3d000() {
    let devdb = DevDb::start(&[]);
    let err = connect_to(&devdb, "no_such_db")
        .await
        .expect_err("unknown database");
    assert_eq!(code(&err), "3D000");
}

#[tokio::test]
async fn new_database_copies_template1_and_named_templates() {
    let devdb = DevDb::start(&[]);
    let template1 = connect_to(&devdb, "template1").await.expect("template1");
    template1
        .batch_execute("create table everywhere (id serial primary key, v text); insert into everywhere (v) values ('from template1')")
        .await
        .expect("seed template1");
    drop(template1);
    let admin = devdb.connect().await;
    retry_while_in_use(&admin, "create database plain").await;
    let plain = connect_to(&devdb, "plain").await.expect("connect plain");
    assert_eq!(
        scalar(&plain, "select v from everywhere").await,
        "from template1"
    );
    // Rows, indexes and sequence positions come along.
    plain
        .batch_execute("insert into everywhere (v) values ('second')")
        .await
        .expect("insert");
    assert_eq!(scalar(&plain, "select max(id) from everywhere").await, "2");
    let dup = plain
        .batch_execute("insert into everywhere (id, v) values (1, 'dup')")
        .await
        .expect_err("pk copied");
    assert_eq!(code(&dup), "23505");
    drop(plain);
    retry_while_in_use(&admin, "create database derived template plain").await;
    let derived = connect_to(&devdb, "derived")
        .await
        .expect("connect derived");
    assert_eq!(
        scalar(&derived, "select count(*) from everywhere").await,
        "2"
    );
    assert_eq!(
        scalar(&derived, "select current_database()").await,
        "derived"
    );
}

#[tokio::test]
async fn template_in_use_and_drop_in_use_are_55006_and_force_terminates() {
    let devdb = DevDb::start(&[]);
    let admin = devdb.connect().await;
    admin
        .batch_execute("create database busy")
        .await
        .expect("create");
    let user = connect_to(&devdb, "busy").await.expect("connect busy");
    let err = admin
        .batch_execute("create database copy template busy")
        .await
        .expect_err("template in use");
    assert_eq!(code(&err), "55006");
    let err = admin
        .batch_execute("drop database busy")
        .await
        .expect_err("in use");
    assert_eq!(code(&err), "55006");
    let err = admin
        .batch_execute("drop database postgres")
        .await
        .expect_err("current database");
    assert_eq!(code(&err), "55006");
    admin
        .batch_execute("drop database busy with (force)")
        .await
        .expect("force drop");
    let err = user
        .batch_execute("select 1")
        .await
        .expect_err("terminated");
    assert!(err.is_closed() || code(&err) == "57P01", "{err}");
    let err = connect_to(&devdb, "busy").await.expect_err("gone");
    assert_eq!(code(&err), "3D000");
}

#[tokio::test]
async fn a_write_transaction_in_one_database_does_not_block_another() {
    let devdb = DevDb::start(&["--lock-timeout", "300"]);
    let admin = devdb.connect().await;
    admin
        .batch_execute("create database left_db")
        .await
        .expect("create");
    admin
        .batch_execute("create database right_db")
        .await
        .expect("create");
    let left = connect_to(&devdb, "left_db").await.expect("left");
    let right = connect_to(&devdb, "right_db").await.expect("right");
    left.batch_execute("create table t (x int)")
        .await
        .expect("left table");
    right
        .batch_execute("create table t (x int)")
        .await
        .expect("right table");
    left.batch_execute("begin; insert into t values (1)")
        .await
        .expect("left holds its write lock");
    let start = Instant::now();
    right
        .batch_execute("insert into t values (2)")
        .await
        .expect("right writes at once");
    assert!(
        start.elapsed() < Duration::from_millis(250),
        "{:?}",
        start.elapsed()
    );
    left.batch_execute("commit").await.expect("commit");
}

/// The names of devdb's database threads (`db-<name>`) now.
fn database_threads(devdb: &DevDb) -> Vec<String> {
    let tasks = std::fs::read_dir(format!("/proc/{}/task", devdb.pid())).expect("/proc tasks");
    tasks
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .map(|name| name.trim().to_owned())
        .filter(|name| name.starts_with("db-"))
        .collect()
}

#[tokio::test]
async fn a_database_nobody_uses_holds_no_thread_once_its_last_session_has_gone_a_while() {
    let devdb = DevDb::start(&[]);
    let admin = devdb.connect().await;
    admin
        .batch_execute("create database lonely")
        .await
        .expect("create");
    let client = connect_to(&devdb, "lonely").await.expect("connect");
    client
        .batch_execute("create table t (x int); insert into t values (1)")
        .await
        .expect("write");
    assert!(database_threads(&devdb).contains(&"db-lonely".to_owned()));
    drop(client);
    // Sessions that come and go within the linger find the database open; each reconnect
    // writes at once, whether it meets the old thread or a new one.
    for i in 0..20 {
        let client = connect_to(&devdb, "lonely").await.expect("reconnect");
        client
            .batch_execute(&format!("insert into t values ({i})"))
            .await
            .expect("write after reconnecting");
    }
    // The linger is 2 s; the bound leaves room for a loaded machine.
    let deadline = Instant::now() + Duration::from_secs(10);
    while database_threads(&devdb).contains(&"db-lonely".to_owned()) {
        assert!(Instant::now() < deadline, "db-lonely still has a thread");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let client = connect_to(&devdb, "lonely").await.expect("connect again");
    assert_eq!(scalar(&client, "select count(*) from t").await, "21");
}

#[tokio::test]
async fn databases_survive_a_restart_with_data_dir() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().to_str().expect("utf8 path");
    {
        let devdb = DevDb::start(&["--data-dir", path]);
        let admin = devdb.connect().await;
        admin
            .batch_execute("create database kept")
            .await
            .expect("create");
        admin
            .batch_execute("create database gone")
            .await
            .expect("create");
        let kept = connect_to(&devdb, "kept").await.expect("kept");
        kept.batch_execute("create table t (v text); insert into t values ('still here')")
            .await
            .expect("seed");
        admin
            .batch_execute("drop database gone")
            .await
            .expect("drop");
        let err = admin
            .batch_execute("alter database kept rename to renamed")
            .await
            .expect_err("kept is in use");
        assert_eq!(code(&err), "55006");
        drop(kept);
        retry_while_in_use(&admin, "alter database kept rename to renamed").await;
    }
    let devdb = DevDb::start(&["--data-dir", path]);
    let renamed = connect_to(&devdb, "renamed")
        .await
        .expect("renamed survives");
    assert_eq!(scalar(&renamed, "select v from t").await, "still here");
    assert_eq!(
        code(
            &connect_to(&devdb, "gone")
                .await
                .expect_err("dropped stays dropped")
        ),
        "3D000"
    );
    assert_eq!(
        code(
            &connect_to(&devdb, "kept")
                .await
                .expect_err("old name is gone")
        ),
        "3D000"
    );
}

#[tokio::test]
async fn snapshot_copies_committed_state_while_others_write() {
    let devdb = DevDb::start(&[]);
    let main = devdb.connect().await;
    main.batch_execute("create table items (id serial primary key, v text); insert into items (v) values ('a'), ('b')")
        .await
        .expect("seed");
    // A commit that still waits for its group in the writer's SQLite transaction.
    main.batch_execute("insert into items (v) values ('c')")
        .await
        .expect("commit");
    let writer = devdb.connect().await;
    writer
        .batch_execute("begin; insert into items (v) values ('uncommitted')")
        .await
        .expect("open write");
    assert_eq!(scalar(&main, "select devdb_snapshot('seeded')").await, "");
    writer.batch_execute("commit").await.expect("commit");
    let seeded = connect_to(&devdb, "seeded")
        .await
        .expect("snapshot is a database");
    assert_eq!(
        scalar(&seeded, "select string_agg(v, ',' order by id) from items").await,
        "a,b,c"
    );
    let err = main
        .batch_execute("select devdb_snapshot('seeded')")
        .await
        .expect_err("exists");
    assert_eq!(code(&err), "42P04");
}

#[tokio::test]
async fn restore_replaces_contents_in_place_for_every_session() {
    let devdb = DevDb::start(&[]);
    let main = devdb.connect().await;
    main.batch_execute("create table items (id serial primary key, v text); insert into items (v) values ('a'), ('b')")
        .await
        .expect("seed");
    main.batch_execute("select devdb_snapshot('seeded')")
        .await
        .expect("snapshot");
    let idle = devdb.connect().await;
    let in_tx = devdb.connect().await;
    main.batch_execute("insert into items (v) values ('c'); delete from items where v = 'a'")
        .await
        .expect("test writes");
    in_tx
        .batch_execute("begin; insert into items (v) values ('in tx')")
        .await
        .expect("open tx");
    assert_eq!(scalar(&main, "select devdb_restore('seeded')").await, "");
    // Idle sessions stay connected and see the restored data; sequences went back too.
    assert_eq!(
        scalar(
            &idle,
            "select string_agg(v, ',') from (select v from items order by id) s"
        )
        .await,
        "a,b"
    );
    assert_eq!(
        scalar(&idle, "insert into items (v) values ('next') returning id").await,
        "3"
    );
    // A session inside a transaction learns why at its next statement, then ROLLBACK helps.
    let err = in_tx
        .batch_execute("select 1")
        .await
        .expect_err("rolled back");
    assert_eq!(code(&err), "25P02");
    assert!(
        err.as_db_error()
            .is_some_and(|e| e.message().contains("devdb_restore")),
        "{err:?}"
    );
    in_tx.batch_execute("rollback").await.expect("rollback");
    assert_eq!(scalar(&in_tx, "select count(*) from items").await, "3");
    let err = main
        .batch_execute("select devdb_restore('no_such_snapshot')")
        .await
        .expect_err("missing");
    assert_eq!(code(&err), "3D000");
}

#[tokio::test]
async fn abandoned_ephemeral_data_dirs_are_removed_at_start() {
    let mut child = std::process::Command::new("true")
        .spawn()
        .expect("spawn true");
    let dead_pid = child.id();
    child.wait().expect("wait");
    let abandoned = std::env::temp_dir().join(format!("devdb-abandoned-{}", std::process::id()));
    std::fs::create_dir_all(&abandoned).expect("create");
    std::fs::write(abandoned.join("devdb.pid"), dead_pid.to_string()).expect("pid file");
    let _devdb = DevDb::start(&[]);
    assert!(
        !abandoned.exists(),
        "{} should have been removed",
        abandoned.display()
    );
}

#[tokio::test]
async fn init_runs_sql_files_in_name_order_before_readiness() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("02-seed.sql"),
        "insert into users (name) values ('ann'), ('bob');\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("01-schema.sql"),
        "create table users (id serial primary key, name text not null);\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("notes.txt"), "not sql").expect("write");
    let path = dir.path().to_str().expect("utf8");
    let devdb = DevDb::start(&["--init", path]);
    let client = devdb.connect().await;
    assert_eq!(
        scalar(
            &client,
            "select string_agg(name, ',') from (select name from users order by id) s"
        )
        .await,
        "ann,bob"
    );
}

#[tokio::test]
async fn failing_init_file_stops_the_start_with_file_line_and_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("schema.sql");
    std::fs::write(
        &file,
        "create table t (x int);\n\nselect missing_column from t;\n",
    )
    .expect("write");
    let output = std::process::Command::new(crate::harness::devdb::devdb_bin())
        .args(["serve", "--port", "0", "--init"])
        .arg(&file)
        .output()
        .expect("run devdb");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        !String::from_utf8_lossy(&output.stdout).contains("DATABASE_URL="),
        "no readiness line"
    );
    assert!(
        stderr.contains("schema.sql") && stderr.contains("line 3") && stderr.contains("42703"),
        "{stderr}"
    );
}

#[tokio::test]
async fn auto_create_makes_missing_databases_matching_the_pattern_from_the_template() {
    let devdb = DevDb::start(&[
        "--auto-create-from",
        "template1",
        "--auto-create-pattern",
        "test_*",
    ]);
    let template1 = connect_to(&devdb, "template1").await.expect("template1");
    template1
        .batch_execute("create table seeded (v text); insert into seeded values ('from template')")
        .await
        .expect("seed");
    drop(template1);
    // The template must be free of sessions; wait for ours to end.
    let deadline = Instant::now() + Duration::from_secs(5);
    let worker = loop {
        match connect_to(&devdb, "test_1").await {
            Ok(client) => break client,
            Err(err) if code(&err) == "55006" && Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            Err(err) => panic!("auto-create: {err:?}"),
        }
    };
    assert_eq!(
        scalar(&worker, "select v from seeded").await,
        "from template"
    );
    assert_eq!(scalar(&worker, "select current_database()").await, "test_1");
    let err = connect_to(&devdb, "prod")
        .await
        .expect_err("pattern does not match");
    assert_eq!(code(&err), "3D000");
}

/// DROP DATABASE waits up to 5 seconds for the database's sessions to end before 55006, as
/// PostgreSQL does: a client that has just disconnected may still be ending its session.
#[tokio::test]
async fn drop_database_waits_for_sessions_that_end_within_seconds() {
    let devdb = DevDb::start(&[]);
    let admin = devdb.connect().await;
    admin
        .batch_execute("create database leaving")
        .await
        .expect("create");
    let user = connect_to(&devdb, "leaving").await.expect("connect");
    user.batch_execute("select 1").await.expect("use");
    let started = Instant::now();
    let leave = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        drop(user);
    });
    admin
        .batch_execute("drop database leaving")
        .await
        .expect("drop waits for the session to end");
    assert!(started.elapsed() >= Duration::from_millis(250));
    leave.await.expect("leave");
}
