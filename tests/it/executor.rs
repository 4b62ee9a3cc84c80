//! The serial executor's observable semantics (issue 2, "The serial executor" 1-7), end to end:
//! the real binary on port 0, real TCP, tokio-postgres (binary results) and the raw-wire client.
//!
//! Timeouts are given to the server in milliseconds so that waits, reaping and lock timeouts
//! happen within a second. Every wait in a test is bounded, so a hang fails instead of stalling
//! the run. "Promptly" means well under the configured lock timeout: a waiter that is only freed
//! by its own timeout, or by a slow poll, fails the test.

use std::sync::Arc;
use std::time::{Duration, Instant};

use postgres_protocol::message::backend::Message;
use tokio::task::JoinHandle;
use tokio_postgres::{Client, NoTls};

use crate::harness::rawwire::error_fields;
use crate::harness::{DevDb, RawConn, within};

/// How long an answer that must not wait for anyone may take (generous: 2 shared cores).
const PROMPT: Duration = Duration::from_secs(2);

/// A tokio-postgres client with this application_name; its connection task runs on the
/// current runtime.
async fn connect_as(db: &DevDb, application_name: &str) -> Client {
    let mut config = db.config();
    config.application_name(application_name);
    let connected = within(PROMPT, "connecting", config.connect(NoTls)).await;
    let (client, connection) = connected.unwrap_or_else(|e| {
        panic!(
            "connecting as {application_name}: {e:?}\n--- devdb stderr ---\n{}",
            db.stderr()
        )
    });
    tokio::spawn(async move {
        let _ = connection.await;
    });
    client
}

/// A raw connection after startup with this application_name, and its backend pid (from
/// BackendKeyData).
async fn raw_as(db: &DevDb, application_name: &str) -> (RawConn, i32) {
    let mut conn = RawConn::connect(db.host(), db.port()).await;
    conn.send_startup(&[
        ("user", db.user()),
        ("database", "postgres"),
        ("application_name", application_name),
    ]);
    let messages = conn.authenticate(db.user(), None).await;
    let pid = messages.iter().find_map(|m| match m {
        Message::BackendKeyData(key) => Some(key.process_id()),
        _ => None,
    });
    let rendered = conn.render(&messages);
    assert_eq!(
        rendered.last().map(String::as_str),
        Some("ReadyForQuery I"),
        "startup: {rendered:#?}"
    );
    let pid = pid.unwrap_or_else(|| panic!("no BackendKeyData in {rendered:#?}"));
    (conn, pid)
}

/// One simple query on a raw connection, answered within [`PROMPT`].
async fn raw_query(conn: &mut RawConn, sql: &str) -> Vec<String> {
    within(PROMPT, sql, conn.query(sql)).await
}

/// The SQLSTATE of a tokio-postgres error, or a description of why it has none.
fn code(e: &tokio_postgres::Error) -> String {
    match e.code() {
        Some(code) => code.code().to_owned(),
        None => format!("<no SQLSTATE: {e:?}>"),
    }
}

/// Message, detail and hint of a server error, for searching.
fn full_text(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!(
            "{} | detail: {} | hint: {}",
            db.message(),
            db.detail().unwrap_or(""),
            db.hint().unwrap_or("")
        ),
        None => format!("{e:?}"),
    }
}

/// `select id from TABLE order by id`, binary results, within [`PROMPT`].
async fn ids(client: &Client, table: &str) -> Vec<i32> {
    let sql = format!("select id from {table} order by id");
    let rows = within(PROMPT, &sql, client.query(sql.as_str(), &[]))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e:?}"));
    rows.iter().map(|r| r.get::<_, i32>(0)).collect()
}

async fn exec(client: &Client, sql: &str) {
    within(PROMPT, sql, client.batch_execute(sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e:?}"));
}

/// Runs `sql` on `client` in a task, returning when it finished and with what result.
fn spawn_execute(
    client: Arc<Client>,
    sql: &'static str,
) -> JoinHandle<(Instant, Result<u64, tokio_postgres::Error>)> {
    tokio::spawn(async move {
        let result = client.execute(sql, &[]).await;
        (Instant::now(), result)
    })
}

/// Awaits a spawned statement for at most `limit`.
async fn finish<T>(handle: JoinHandle<T>, limit: Duration, what: &str) -> T {
    within(limit, what, handle)
        .await
        .unwrap_or_else(|e| panic!("{what}: task failed: {e}"))
}

// ---- 1. Reads never wait and never see uncommitted writes ----

#[tokio::test]
async fn read_does_not_wait_for_an_open_write_transaction_nor_see_its_rows() {
    // With the default 10 s lock timeout, a read that waited would miss PROMPT by far.
    let db = DevDb::start(&[]);
    let writer = connect_as(&db, "writer").await;
    let reader = connect_as(&db, "reader").await;
    exec(
        &writer,
        "create table r1 (id int, v text); insert into r1 values (1, 'committed')",
    )
    .await;
    exec(&writer, "begin").await;
    exec(&writer, "insert into r1 values (2, 'uncommitted')").await;
    exec(&writer, "update r1 set v = 'changed' where id = 1").await;

    assert_eq!(ids(&reader, "r1").await, [1]);
    let row = within(
        PROMPT,
        "parameterised read",
        reader.query_one("select v from r1 where id = $1", &[&1i32]),
    )
    .await
    .expect("read with a parameter");
    assert_eq!(row.get::<_, String>(0), "committed");
    // A read on the raw protocol too (simple query, text results).
    let mut raw = db.raw().await;
    assert_eq!(
        raw_query(&mut raw, "select count(*) as n from r1").await,
        [
            "RowDescription[n:int8]",
            "DataRow[1]",
            "CommandComplete SELECT 1",
            "ReadyForQuery I"
        ]
    );

    exec(&writer, "commit").await;
    assert_eq!(ids(&reader, "r1").await, [1, 2]);
    let row = reader
        .query_one("select v from r1 where id = $1", &[&1i32])
        .await
        .expect("read after commit");
    assert_eq!(row.get::<_, String>(0), "changed");
}

/// Reads run on the writer connection while no transaction's changes are loaded there (its
/// page cache stays warm): they must still see only committed rows, whoever has changes set
/// aside, and a write must find the writer usable after such reads.
#[tokio::test]
async fn reads_between_shared_writers_see_only_committed_rows() {
    let db = DevDb::start(&[]);
    let a = connect_as(&db, "a").await;
    let b = connect_as(&db, "b").await;
    let reader = connect_as(&db, "reader").await;
    exec(
        &a,
        "create table r2 (id int, v text); insert into r2 values (1, 'committed')",
    )
    .await;
    async fn value(client: &Client) -> String {
        let row = within(
            PROMPT,
            "read",
            client.query_one("select v from r2 where id = 1", &[]),
        )
        .await
        .expect("read");
        row.get::<_, String>(0)
    }
    exec(&a, "begin").await;
    exec(&a, "update r2 set v = 'a1' where id = 1").await;
    // b's autocommit insert sets a's change aside and commits: nobody's changes are loaded.
    exec(&b, "insert into r2 values (2, 'b')").await;
    assert_eq!(ids(&reader, "r2").await, [1, 2]);
    assert_eq!(value(&reader).await, "committed");
    // a takes the writer back after those reads, changes its row again and sees its own work.
    exec(&a, "update r2 set v = v || '+a2' where id = 1").await;
    assert_eq!(value(&a).await, "a1+a2");
    assert_eq!(value(&reader).await, "committed");
    exec(&b, "insert into r2 values (3, 'b')").await;
    assert_eq!(ids(&reader, "r2").await, [1, 2, 3]);
    assert_eq!(ids(&a, "r2").await, [1, 2, 3]);
    exec(&a, "commit").await;
    assert_eq!(value(&reader).await, "a1+a2");
    assert_eq!(value(&b).await, "a1+a2");
}

#[tokio::test]
async fn read_only_transaction_does_not_block_a_writer() {
    let db = DevDb::start(&[]);
    let reader = connect_as(&db, "reader").await;
    let writer = connect_as(&db, "writer").await;
    exec(
        &writer,
        "create table r2 (id int); insert into r2 values (1)",
    )
    .await;

    exec(&reader, "begin").await;
    assert_eq!(ids(&reader, "r2").await, [1]);
    // The reader's transaction stays open while the writer writes, in autocommit and in an
    // explicit transaction.
    exec(&writer, "insert into r2 values (2)").await;
    exec(&writer, "begin; update r2 set id = 3 where id = 2; commit").await;
    assert_eq!(ids(&writer, "r2").await, [1, 3]);
    exec(&reader, "commit").await;
    assert_eq!(ids(&reader, "r2").await, [1, 3]);
}

// ---- 2. A writer of a row another transaction changed waits, and proceeds the moment that
// transaction ends ----

#[derive(Clone, Copy, Debug)]
enum Release {
    Commit,
    Rollback,
    Disconnect,
}

/// A holder updates a row in an open transaction; a second connection's UPDATE of that row
/// waits (still pending after half a second, lock timeout 10 s), then completes promptly after
/// `release`, on the row as the holder left it.
async fn waiting_writer_proceeds_on(release: Release) {
    let db = DevDb::start(&["--lock-timeout", "10000"]);
    let holder = connect_as(&db, "holder").await;
    let waiter = Arc::new(connect_as(&db, "waiter").await);
    exec(&holder, "create table w (id int); insert into w values (0)").await;
    exec(&holder, "begin; update w set id = 1 where id = 0").await;

    let pending = spawn_execute(Arc::clone(&waiter), "update w set id = id + 10");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !pending.is_finished(),
        "the second writer must wait for the transaction that changed its row"
    );

    let released_at = Instant::now();
    match release {
        Release::Commit => exec(&holder, "commit").await,
        Release::Rollback => exec(&holder, "rollback").await,
        Release::Disconnect => drop(holder),
    }
    let (done_at, result) = finish(pending, Duration::from_secs(5), "the waiting UPDATE").await;
    let updated = result.unwrap_or_else(|e| panic!("the waiting UPDATE failed: {e:?}"));
    assert_eq!(updated, 1);
    let waited = done_at.saturating_duration_since(released_at);
    assert!(
        waited < PROMPT,
        "the waiter took {waited:?} after the {release:?} to proceed"
    );

    let expected: &[i32] = match release {
        Release::Commit => &[11],
        Release::Rollback | Release::Disconnect => &[10],
    };
    assert_eq!(ids(&waiter, "w").await, expected);
}

#[tokio::test]
async fn waiting_writer_proceeds_when_holder_commits() {
    waiting_writer_proceeds_on(Release::Commit).await;
}

#[tokio::test]
async fn waiting_writer_proceeds_when_holder_rolls_back() {
    waiting_writer_proceeds_on(Release::Rollback).await;
}

#[tokio::test]
async fn waiting_writer_proceeds_when_holder_disconnects() {
    waiting_writer_proceeds_on(Release::Disconnect).await;
}

/// A transaction that changes 10,000 rows while no other transaction has changes stops
/// logging them and writes alone from then on (devdb only: PostgreSQL would let the other
/// session's insert through): its rows all commit, and the other session's write proceeds
/// promptly after the commit.
#[tokio::test]
async fn large_transaction_alone_keeps_the_writer_until_it_ends() {
    let db = DevDb::start(&["--lock-timeout", "10000"]);
    let big = connect_as(&db, "big").await;
    let other = Arc::new(connect_as(&db, "other").await);
    exec(
        &big,
        "create table big (id int); create table small (id int)",
    )
    .await;
    exec(
        &big,
        "begin; insert into big select g from generate_series(1, 20000) g",
    )
    .await;

    let pending = spawn_execute(Arc::clone(&other), "insert into small values (1)");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !pending.is_finished(),
        "a write beside the large transaction waits for it"
    );
    exec(&big, "update big set id = -id where id <= 10; commit").await;
    let (_, result) = finish(pending, Duration::from_secs(5), "the waiting INSERT").await;
    assert_eq!(result.expect("the waiting INSERT"), 1);
    let counts = within(
        PROMPT,
        "counting",
        other.query_one(
            "select count(*), count(*) filter (where id < 0), sum(id) from big",
            &[],
        ),
    )
    .await
    .expect("count");
    assert_eq!(counts.get::<_, i64>(0), 20_000);
    assert_eq!(counts.get::<_, i64>(1), 10);
    assert_eq!(ids(&other, "small").await, [1]);
}

#[tokio::test]
async fn lock_timeout_gives_55p03_naming_the_idle_holder() {
    let db = DevDb::start(&["--lock-timeout", "300"]);
    let (mut holder, holder_pid) = raw_as(&db, "blocker-app").await;
    raw_query(
        &mut holder,
        "create table lt (id int); insert into lt values (0)",
    )
    .await;
    assert_eq!(
        raw_query(&mut holder, "begin").await,
        ["CommandComplete BEGIN", "ReadyForQuery T"]
    );
    assert_eq!(
        raw_query(&mut holder, "update lt set id = 1 where id = 0").await,
        ["CommandComplete UPDATE 1", "ReadyForQuery T"]
    );

    let waiter = connect_as(&db, "waiter").await;
    let started = Instant::now();
    let result = within(
        Duration::from_secs(5),
        "a write past lock_timeout",
        waiter.execute("update lt set id = 2", &[]),
    )
    .await;
    let waited = started.elapsed();
    let e = match result {
        Ok(n) => panic!("the write must fail with 55P03 while another holds the row, got Ok({n})"),
        Err(e) => e,
    };
    assert_eq!(code(&e), "55P03", "{e:?}");
    assert!(
        waited >= Duration::from_millis(250),
        "55P03 must come after lock_timeout (300 ms), came after {waited:?}"
    );
    let text = full_text(&e);
    assert!(
        text.contains(&holder_pid.to_string()),
        "the error must name the holder's pid {holder_pid}: {text}"
    );
    assert!(
        text.contains("blocker-app"),
        "the error must name the holder's application_name: {text}"
    );
    assert!(
        text.contains("idle in transaction"),
        "the error must say the holder is idle in transaction: {text}"
    );

    // The holder is unharmed and, once it commits, the waiter writes.
    assert_eq!(
        raw_query(&mut holder, "commit").await,
        ["CommandComplete COMMIT", "ReadyForQuery I"]
    );
    exec(&waiter, "update lt set id = 2").await;
    assert_eq!(ids(&waiter, "lt").await, [2]);
}

/// lock_timeout bounds each wait, not the batch: a Query whose two statements each wait less
/// than lock_timeout for a different transaction's row succeeds, however long it waited in all.
#[tokio::test]
async fn each_wait_of_a_query_gets_its_own_lock_timeout() {
    let db = DevDb::start(&["--lock-timeout", "700"]);
    let first = connect_as(&db, "first").await;
    let second = connect_as(&db, "second").await;
    let waiter = Arc::new(connect_as(&db, "waiter").await);
    exec(
        &first,
        "create table lw (id int, v int); insert into lw values (1, 0), (2, 0)",
    )
    .await;
    exec(&first, "begin; update lw set v = 1 where id = 1").await;
    exec(&second, "begin; update lw set v = 2 where id = 2").await;
    let pending = {
        let waiter = Arc::clone(&waiter);
        tokio::spawn(async move {
            waiter
                .batch_execute(
                    "update lw set v = v + 10 where id = 1; update lw set v = v + 20 where id = 2",
                )
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(450)).await;
    exec(&first, "commit").await;
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert!(
        !pending.is_finished(),
        "the second statement waits for its row"
    );
    exec(&second, "commit").await;
    finish(pending, Duration::from_secs(5), "the waiting Query")
        .await
        .unwrap_or_else(|e| panic!("each wait was shorter than lock_timeout: {e:?}"));
    let rows = waiter
        .query("select v from lw order by id", &[])
        .await
        .expect("select");
    let values: Vec<i32> = rows.iter().map(|r| r.get(0)).collect();
    assert_eq!(values, [11, 22]);
}

#[tokio::test]
async fn set_lock_timeout_applies_to_that_session_only() {
    let db = DevDb::start(&["--lock-timeout", "10000"]);
    let holder = connect_as(&db, "holder").await;
    let impatient = connect_as(&db, "impatient").await;
    let patient = Arc::new(connect_as(&db, "patient").await);
    exec(
        &holder,
        "create table slt (id int); insert into slt values (0)",
    )
    .await;
    exec(&holder, "begin; update slt set id = 1 where id = 0").await;

    exec(&impatient, "set lock_timeout = '200ms'").await;
    let shown = impatient
        .simple_query("show lock_timeout")
        .await
        .expect("show lock_timeout");
    let value = shown.iter().find_map(|m| match m {
        tokio_postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_owned),
        _ => None,
    });
    assert_eq!(value.as_deref(), Some("200ms"));

    let patient_write = spawn_execute(Arc::clone(&patient), "update slt set id = id + 10");
    let started = Instant::now();
    let result = within(
        Duration::from_secs(5),
        "a write with lock_timeout 200ms",
        impatient.execute("update slt set id = 2", &[]),
    )
    .await;
    let e = result.expect_err("the write must time out after 200 ms");
    assert_eq!(code(&e), "55P03", "{e:?}");
    assert!(
        started.elapsed() < PROMPT,
        "SET lock_timeout = '200ms' must apply, the error came after {:?}",
        started.elapsed()
    );

    // The other session keeps the server's 10 s default and is still waiting.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !patient_write.is_finished(),
        "a session without SET lock_timeout must keep waiting"
    );
    exec(&holder, "commit").await;
    let (_, result) = finish(patient_write, Duration::from_secs(5), "the patient write").await;
    assert_eq!(result.expect("the patient write"), 1);
    assert_eq!(ids(&holder, "slt").await, [11]);
}

// ---- 3. A connection that dies mid-transaction is rolled back at once ----

#[tokio::test]
async fn connection_dropped_mid_transaction_is_rolled_back_at_once() {
    let db = DevDb::start(&["--lock-timeout", "10000"]);
    let (mut dying, _) = raw_as(&db, "dying").await;
    raw_query(
        &mut dying,
        "create table dd (id int); insert into dd values (0)",
    )
    .await;
    raw_query(&mut dying, "begin").await;
    assert_eq!(
        raw_query(&mut dying, "insert into dd values (1), (2)").await,
        ["CommandComplete INSERT 0 2", "ReadyForQuery T"]
    );
    assert_eq!(
        raw_query(&mut dying, "update dd set id = 5 where id = 0").await,
        ["CommandComplete UPDATE 1", "ReadyForQuery T"]
    );

    let other = Arc::new(connect_as(&db, "other").await);
    let pending = spawn_execute(Arc::clone(&other), "update dd set id = id + 10");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!pending.is_finished(), "the write must wait for the row");

    // The socket goes away without a Terminate message, as when a client process dies.
    let died_at = Instant::now();
    drop(dying);
    let (done_at, result) = finish(pending, Duration::from_secs(5), "the waiting UPDATE").await;
    assert_eq!(result.expect("the waiting UPDATE"), 1);
    let waited = done_at.saturating_duration_since(died_at);
    assert!(
        waited < PROMPT,
        "the writer waited {waited:?} after the holder's socket closed"
    );
    assert_eq!(
        ids(&other, "dd").await,
        [10],
        "uncommitted changes must be gone"
    );
}

#[tokio::test]
async fn killed_client_process_mid_transaction_is_rolled_back_at_once() {
    let Some(psql) = crate::harness::postgres::pg_tool("psql") else {
        return;
    };
    let db = DevDb::start(&["--lock-timeout", "10000"]);
    let other = Arc::new(connect_as(&db, "other").await);
    exec(
        &other,
        "create table kc (id int); insert into kc values (1)",
    )
    .await;

    // psql reads its script from a pipe we keep open, so it sits idle in the transaction.
    let mut child = tokio::process::Command::new(&psql)
        .args([db.url(), "-X", "-At", "-v", "ON_ERROR_STOP=1"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawning psql");
    let mut stdin = child.stdin.take().expect("psql stdin");
    let stdout = child.stdout.take().expect("psql stdout");
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
    stdin
        .write_all(b"begin;\nupdate kc set id = 2 where id = 1;\nselect 'in transaction';\n")
        .await
        .expect("writing to psql");
    stdin.flush().await.expect("flushing psql's stdin");
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    within(Duration::from_secs(10), "psql's update", async {
        loop {
            match lines.next_line().await {
                Ok(Some(line)) if line == "in transaction" => break,
                Ok(Some(_)) => {}
                other => panic!("psql ended before the update: {other:?}"),
            }
        }
    })
    .await;

    let pending = spawn_execute(Arc::clone(&other), "update kc set id = id + 10");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !pending.is_finished(),
        "the write must wait for the row psql changed"
    );

    let killed_at = Instant::now();
    child.start_kill().expect("SIGKILL psql");
    let _ = within(Duration::from_secs(5), "psql to die", child.wait()).await;
    let (done_at, result) = finish(pending, Duration::from_secs(5), "the waiting UPDATE").await;
    assert_eq!(result.expect("the waiting UPDATE"), 1);
    let waited = done_at.saturating_duration_since(killed_at);
    assert!(
        waited < PROMPT,
        "the writer waited {waited:?} after psql was killed"
    );
    drop(stdin);
    assert_eq!(ids(&other, "kc").await, [11]);
}

// ---- 4. Stalled pipelines block nobody; idle transactions are reaped ----

#[tokio::test]
async fn client_stalled_mid_pipeline_blocks_nobody() {
    let db = DevDb::start(&["--lock-timeout", "10000"]);
    let (mut staller, _) = raw_as(&db, "staller").await;
    raw_query(&mut staller, "create table sp (id int)").await;

    // Parse + Bind + Execute of a write, then nothing: no Sync, no Flush.
    staller.send_parse("", "insert into sp values ($1)", &[]);
    staller.send_bind("", "", &[Some("1")]);
    staller.send_execute("", 0);
    staller.write_out().await;
    // A second client stalls inside a message: its header promises 100 bytes, 10 arrive.
    let (mut half, _) = raw_as(&db, "half-message").await;
    half.send_raw(&[b'Q', 0, 0, 0, 104]);
    half.send_raw(b"select 1 ");
    half.write_out().await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    let other = connect_as(&db, "other").await;
    assert_eq!(ids(&other, "sp").await, Vec::<i32>::new());
    exec(&other, "insert into sp values (2)").await;
    exec(&other, "begin; update sp set id = 20 where id = 2; commit").await;
    let mut raw = db.raw().await;
    assert_eq!(
        raw_query(&mut raw, "insert into sp values (3)").await,
        ["CommandComplete INSERT 0 1", "ReadyForQuery I"]
    );
    assert_eq!(ids(&other, "sp").await, [3, 20]);

    // The staller finishes its batch and gets every answer.
    staller.send_sync();
    assert_eq!(
        within(
            PROMPT,
            "the stalled batch",
            staller.read_until_ready_rendered()
        )
        .await,
        [
            "ParseComplete",
            "BindComplete",
            "CommandComplete INSERT 0 1",
            "ReadyForQuery I"
        ]
    );
    assert_eq!(ids(&other, "sp").await, [1, 3, 20]);
}

/// Reads from a connection the server should close with one FATAL error; returns its
/// SQLSTATE and the time it arrived.
async fn expect_fatal(conn: &mut RawConn, limit: Duration) -> (String, Instant) {
    let message = conn
        .read_message_within(limit)
        .await
        .unwrap_or_else(|waited| panic!("no FATAL error within {waited:?}"));
    let at = Instant::now();
    let fields = match message {
        Some(Message::ErrorResponse(body)) => error_fields(body.fields()),
        Some(other) => panic!(
            "expected a FATAL ErrorResponse, got {:?}",
            conn.render(&[other])
        ),
        None => panic!("the connection was closed without an ErrorResponse"),
    };
    assert_eq!(fields.severity, "FATAL", "{fields:?}");
    let next = conn.read_message_within(PROMPT).await;
    assert!(
        matches!(next, Ok(None)),
        "the connection must be closed after the FATAL error, got {:?}",
        next.map(|m| m.map(|m| conn.render(&[m])))
    );
    (fields.code, at)
}

#[tokio::test]
async fn idle_in_transaction_session_gets_25p03_and_is_rolled_back() {
    let db = DevDb::start(&[
        "--idle-in-transaction-timeout",
        "400",
        "--lock-timeout",
        "10000",
    ]);
    let (mut idle, _) = raw_as(&db, "idle").await;
    raw_query(&mut idle, "create table it (id int)").await;
    raw_query(&mut idle, "begin").await;
    assert_eq!(
        raw_query(&mut idle, "insert into it values (1)").await,
        ["CommandComplete INSERT 0 1", "ReadyForQuery T"]
    );
    let idle_from = Instant::now();
    let other = connect_as(&db, "other").await;

    let (code, at) = expect_fatal(&mut idle, Duration::from_secs(5)).await;
    assert_eq!(code, "25P03");
    let idled = at.saturating_duration_since(idle_from);
    assert!(
        idled >= Duration::from_millis(350),
        "reaped after {idled:?}, before the 400 ms timeout"
    );
    assert_eq!(ids(&other, "it").await, Vec::<i32>::new());
    exec(&other, "insert into it values (2)").await;
    assert_eq!(ids(&other, "it").await, [2]);
}

#[tokio::test]
async fn set_idle_in_transaction_session_timeout_applies_to_that_session() {
    // Off by default here, so only the session that sets it is reaped.
    let db = DevDb::start(&["--idle-in-transaction-timeout", "0"]);
    let (mut short, _) = raw_as(&db, "short").await;
    let (mut patient, _) = raw_as(&db, "patient").await;
    raw_query(&mut short, "create table sit (id int)").await;
    raw_query(&mut short, "set idle_in_transaction_session_timeout = 300").await;
    raw_query(&mut short, "begin").await;
    raw_query(&mut short, "insert into sit values (1)").await;
    assert_eq!(
        raw_query(&mut patient, "begin").await,
        ["CommandComplete BEGIN", "ReadyForQuery T"]
    );
    raw_query(&mut patient, "select count(*) from sit").await;

    let (code, _) = expect_fatal(&mut short, Duration::from_secs(5)).await;
    assert_eq!(code, "25P03");
    // The patient session has been idle in its transaction just as long and is still served.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        raw_query(&mut patient, "commit").await,
        ["CommandComplete COMMIT", "ReadyForQuery I"]
    );
    let mut rows = raw_query(&mut patient, "select count(*) as n from sit").await;
    rows.retain(|m| m.starts_with("DataRow"));
    assert_eq!(rows, ["DataRow[0]"]);
}

#[tokio::test]
async fn client_waiting_for_its_parked_write_is_not_reaped_as_idle() {
    let db = DevDb::start(&[
        "--idle-in-transaction-timeout",
        "400",
        "--lock-timeout",
        "10000",
    ]);
    let holder = connect_as(&db, "holder").await;
    // The holder opts out of reaping so that it keeps its row for three idle timeouts.
    exec(&holder, "set idle_in_transaction_session_timeout = 0").await;
    exec(
        &holder,
        "create table pw (id int); insert into pw values (0)",
    )
    .await;
    exec(&holder, "begin; update pw set id = 1 where id = 0").await;

    let (mut waiter, _) = raw_as(&db, "waiter").await;
    raw_query(&mut waiter, "begin").await;
    waiter.send_query("update pw set id = id + 10");
    // The server owes the waiter an answer the whole time: no result yet, and no FATAL.
    match waiter
        .read_message_within(Duration::from_millis(1200))
        .await
    {
        Err(_) => {}
        Ok(m) => panic!(
            "the parked write must neither finish nor be reaped while the row is held, got {:?}",
            m.map(|m| waiter.render(&[m]))
        ),
    }
    exec(&holder, "commit").await;
    assert_eq!(
        within(
            PROMPT,
            "the parked write",
            waiter.read_until_ready_rendered()
        )
        .await,
        ["CommandComplete UPDATE 1", "ReadyForQuery T"]
    );
    assert_eq!(
        raw_query(&mut waiter, "commit").await,
        ["CommandComplete COMMIT", "ReadyForQuery I"]
    );
    assert_eq!(ids(&holder, "pw").await, [11]);
}

// ---- 5. Idle sessions outside a transaction ----

#[tokio::test]
async fn idle_session_outside_transaction_is_never_reaped_by_default() {
    let db = DevDb::start(&["--idle-in-transaction-timeout", "300"]);
    let client = connect_as(&db, "pooled").await;
    let (mut raw, _) = raw_as(&db, "raw").await;
    // Three idle-in-transaction timeouts with nothing to say either way.
    match raw.read_message_within(Duration::from_millis(900)).await {
        Err(_) => {}
        Ok(m) => panic!(
            "an idle session must hear nothing, got {:?}",
            m.map(|m| raw.render(&[m]))
        ),
    }
    let row = within(
        PROMPT,
        "query after idling",
        client.query_one("select $1::int4", &[&7i32]),
    )
    .await
    .expect("the pooled connection must still work");
    assert_eq!(row.get::<_, i32>(0), 7);
    let mut rows = raw_query(&mut raw, "select 1 as one").await;
    rows.retain(|m| m.starts_with("DataRow"));
    assert_eq!(rows, ["DataRow[1]"]);
}

#[tokio::test]
async fn idle_session_timeout_closes_idle_sessions_with_57p05() {
    let db = DevDb::start(&["--idle-session-timeout", "300"]);
    // One session idle since its startup, one idle after a query; both must go.
    // Each session's idle time counts from its own last answer (the machine may be slow to
    // set up the next one).
    let (mut fresh, _) = raw_as(&db, "fresh").await;
    let fresh_idle = Instant::now();
    let (mut used, _) = raw_as(&db, "used").await;
    raw_query(&mut used, "select 1").await;
    let used_idle = Instant::now();
    let (mut in_transaction, _) = raw_as(&db, "in-transaction").await;
    raw_query(&mut in_transaction, "begin").await;

    let (fresh_end, used_end) = tokio::join!(
        fatal_or_silence(&mut fresh, Duration::from_secs(3)),
        fatal_or_silence(&mut used, Duration::from_secs(3)),
    );
    let idle_for = |end: &Option<(String, Instant)>, since: Instant| {
        end.as_ref()
            .map(|(c, at)| (c.clone(), at.saturating_duration_since(since)))
    };
    let (fresh_end, used_end) = (
        idle_for(&fresh_end, fresh_idle),
        idle_for(&used_end, used_idle),
    );
    let early = |end: &Option<(String, Duration)>| {
        end.as_ref()
            .is_some_and(|(_, idle)| *idle < Duration::from_millis(250))
    };
    assert!(
        fresh_end.as_ref().map(|(c, _)| c.as_str()) == Some("57P05")
            && used_end.as_ref().map(|(c, _)| c.as_str()) == Some("57P05")
            && !early(&fresh_end)
            && !early(&used_end),
        "both idle sessions must get FATAL 57P05 after 300 ms; idle since startup: {fresh_end:?}, \
         idle after a query: {used_end:?} (None = still open after 3 s)",
    );
    // idle_session_timeout does not apply inside a transaction (as in PostgreSQL).
    assert_eq!(
        raw_query(&mut in_transaction, "commit").await,
        ["CommandComplete COMMIT", "ReadyForQuery I"]
    );
}

/// Like [`expect_fatal`], but `None` when the server stays silent for `limit`.
async fn fatal_or_silence(conn: &mut RawConn, limit: Duration) -> Option<(String, Instant)> {
    match conn.read_message_within(limit).await {
        Err(_) => None,
        Ok(Some(Message::ErrorResponse(body))) => {
            let at = Instant::now();
            let fields = error_fields(body.fields());
            assert_eq!(fields.severity, "FATAL", "{fields:?}");
            let next = conn.read_message_within(PROMPT).await;
            assert!(
                matches!(next, Ok(None)),
                "the connection must be closed after the FATAL error"
            );
            Some((fields.code, at))
        }
        Ok(other) => panic!(
            "expected a FATAL ErrorResponse or nothing, got {:?}",
            other.map(|m| conn.render(&[m]))
        ),
    }
}

// ---- 6. max_connections ----

#[tokio::test]
async fn connection_past_max_connections_gets_53300_error_not_a_reset() {
    let db = DevDb::start(&["--max-connections", "5"]);
    let mut clients = Vec::new();
    for i in 0..5 {
        let client = connect_as(&db, &format!("c{i}")).await;
        exec(&client, "select 1").await;
        clients.push(client);
    }

    // Every refused attempt is an ErrorResponse, never a bare reset (tried repeatedly: a
    // server that closes before reading the startup packet loses the race now and then).
    for attempt in 0..10 {
        let refused = within(PROMPT, "a refused connection", db.try_connect()).await;
        let e = match refused {
            Ok(_) => panic!("attempt {attempt}: connection 6 of 5 was accepted"),
            Err(e) => e,
        };
        assert_eq!(code(&e), "53300", "attempt {attempt}: {e:?}");
        let message = e.as_db_error().map(|d| d.message().to_owned());
        assert_eq!(message.as_deref(), Some("sorry, too many clients already"));
        assert_eq!(
            e.as_db_error().map(|d| d.severity().to_owned()).as_deref(),
            Some("FATAL")
        );
    }
    // The same on the raw protocol: FATAL 53300, then the server closes.
    let mut raw = RawConn::connect(db.host(), db.port()).await;
    raw.send_startup(&[("user", db.user()), ("database", "postgres")]);
    let messages = within(PROMPT, "refused startup", raw.authenticate(db.user(), None)).await;
    assert_eq!(
        raw.render(&messages),
        ["Fatal 53300 sorry, too many clients already"]
    );
    assert!(matches!(raw.read_message_within(PROMPT).await, Ok(None)));

    // One leaves; a new one gets in (the server notices the close asynchronously).
    drop(clients.pop());
    let deadline = Instant::now() + Duration::from_secs(3);
    let client = loop {
        match db.try_connect().await {
            Ok(client) => break client,
            Err(e) if Instant::now() < deadline => {
                assert_eq!(code(&e), "53300", "{e:?}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("no free slot 3 s after a client left: {e:?}"),
        }
    };
    exec(&client, "select 1").await;
    // The others were never disturbed.
    for c in &clients {
        exec(c, "select 1").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundreds_of_connections_under_a_low_open_file_limit() {
    // A laptop's usual soft limit is 1024 descriptors and each connection holds a few; devdb
    // raises the soft limit to the hard one at start, as servers do.
    const CONNECTIONS: usize = 300;
    let mut command = std::process::Command::new("prlimit");
    command
        .arg("--nofile=256:")
        .arg("--")
        .arg(crate::harness::devdb::devdb_bin())
        .args(["serve", "--port", "0"]);
    let db = DevDb::spawn(command, None, Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("devdb under prlimit: {e}"));
    let mut clients = Vec::new();
    for i in 0..CONNECTIONS {
        let client = within(PROMPT, "connecting", db.try_connect())
            .await
            .unwrap_or_else(|e| panic!("connection {i}: {e:?}\n{}", db.stderr()));
        // Inside a transaction block, so the answers take the sender's path too.
        exec(&client, "begin").await;
        exec(&client, "select 1").await;
        clients.push(client);
    }
    for client in &clients {
        exec(client, "commit").await;
    }
}

// ---- 7. A storm of short sessions ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storm_of_1000_connect_query_disconnect_sessions_has_no_errors() {
    const SESSIONS: i32 = 1000;
    const CONCURRENT: usize = 200;
    let db = Arc::new(DevDb::start(&[]));
    let limit = Arc::new(tokio::sync::Semaphore::new(CONCURRENT));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..SESSIONS {
        let db = Arc::clone(&db);
        let limit = Arc::clone(&limit);
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await.expect("semaphore");
            let client = db
                .try_connect()
                .await
                .map_err(|e| format!("session {i}: connect: {e:?}"))?;
            let row = client
                .query_one("select $1::int4 + 1", &[&i])
                .await
                .map_err(|e| format!("session {i}: query: {e:?}"))?;
            let got: i32 = row.get(0);
            if got != i + 1 {
                return Err(format!("session {i}: got {got}"));
            }
            Ok(())
        });
    }
    let errors = within(Duration::from_secs(60), "the storm", async {
        let mut errors = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok(Ok(())) => {}
                Ok(Err(e)) => errors.push(e),
                Err(e) => errors.push(format!("task: {e}")),
            }
        }
        errors
    })
    .await;
    assert!(
        errors.is_empty(),
        "{} of {SESSIONS} sessions failed; first ones:\n{}\n--- devdb stderr (tail) ---\n{}",
        errors.len(),
        errors
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n"),
        tail(&db.stderr(), 2000)
    );
    // And the server still serves.
    let client = db.connect().await;
    exec(&client, "select 1").await;
}

fn tail(text: &str, max: usize) -> &str {
    let start = text.len().saturating_sub(max);
    let start = (start..text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    &text[start..]
}
