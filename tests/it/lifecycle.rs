//! A connection's and the server's life: cancel, statement_timeout, garbage on the wire,
//! SIGTERM with a transaction open, `--run`, and password authentication.
//!
//! Where PostgreSQL behaves the same, the scenario also runs against the oracle
//! (`*_on_postgres`), which checks the expectation itself.

use std::io::Read as _;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use postgres_protocol::message::backend::Message;
use postgres_protocol::message::frontend;
use tokio_postgres::{Client, NoTls};

use crate::harness::devdb::devdb_bin;
use crate::harness::postgres::pg_tool;
use crate::harness::{DevDb, Postgres, RawConn, within};

fn code(e: &tokio_postgres::Error) -> String {
    match e.code() {
        Some(code) => code.code().to_owned(),
        None => format!("<no SQLSTATE: {e:?}>"),
    }
}

/// A raw connection after startup, with its BackendKeyData (pid, secret key).
async fn startup_with_key(
    host: &str,
    port: u16,
    user: &str,
    database: &str,
) -> (RawConn, i32, i32) {
    let mut conn = RawConn::connect(host, port).await;
    conn.send_startup(&[("user", user), ("database", database)]);
    let messages = within(
        Duration::from_secs(5),
        "startup",
        conn.authenticate(user, None),
    )
    .await;
    let key = messages.iter().find_map(|m| match m {
        Message::BackendKeyData(k) => Some((k.process_id(), k.secret_key())),
        _ => None,
    });
    let rendered = conn.render(&messages);
    let (pid, secret) = key.unwrap_or_else(|| panic!("no BackendKeyData: {rendered:#?}"));
    assert_eq!(rendered.last().map(String::as_str), Some("ReadyForQuery I"));
    conn.hide_error_messages(true);
    (conn, pid, secret)
}

/// Sends a CancelRequest on a new connection; the server closes it without a reply.
async fn send_cancel(host: &str, port: u16, pid: i32, secret: i32) {
    let mut conn = RawConn::connect(host, port).await;
    let mut buf = BytesMut::new();
    frontend::cancel_request(pid, secret, &mut buf);
    conn.send_raw(&buf);
    let reply = within(
        Duration::from_secs(5),
        "cancel connection",
        conn.read_to_end(),
    )
    .await;
    assert!(
        reply.is_empty(),
        "a CancelRequest gets no reply, got {:?}",
        conn.render(&reply)
    );
}

// ---- cancel ----

/// `select pg_sleep(10)` is cancelled through tokio-postgres's cancel token: 57014 within a
/// second, and the connection goes on.
async fn cancel_request_interrupts_pg_sleep(client: Client) {
    let client = Arc::new(client);
    let token = client.cancel_token();
    let running = {
        let client = Arc::clone(&client);
        tokio::spawn(async move { client.simple_query("select pg_sleep(10)").await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!running.is_finished(), "pg_sleep(10) ended early");
    let cancelled_at = Instant::now();
    token
        .cancel_query(NoTls)
        .await
        .expect("sending the CancelRequest");
    let result = within(Duration::from_secs(1), "the cancelled pg_sleep", running)
        .await
        .expect("task");
    let e = result.expect_err("a cancelled pg_sleep(10) must fail");
    assert_eq!(code(&e), "57014", "{e:?}");
    assert!(cancelled_at.elapsed() < Duration::from_secs(1));
    let row = within(
        Duration::from_secs(2),
        "query after cancel",
        client.query_one("select $1::int4 + 1", &[&41i32]),
    )
    .await
    .expect("the connection must stay usable after a cancel");
    assert_eq!(row.get::<_, i32>(0), 42);
}

#[tokio::test]
async fn cancel_request_interrupts_pg_sleep_with_57014() {
    let db = DevDb::start(&[]);
    cancel_request_interrupts_pg_sleep(db.connect().await).await;
}

#[tokio::test]
async fn cancel_request_interrupts_pg_sleep_with_57014_on_postgres() {
    let Some(pg) = Postgres::start() else { return };
    cancel_request_interrupts_pg_sleep(pg.connect().await).await;
}

/// On the raw protocol: a CancelRequest with the wrong secret key is ignored; the right one
/// cancels.
async fn cancel_request_needs_the_secret_key(host: &str, port: u16, user: &str, database: &str) {
    let (mut conn, pid, secret) = startup_with_key(host, port, user, database).await;
    conn.send_query("select pg_sleep(0.6)");
    conn.write_out().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    send_cancel(host, port, pid, secret.wrapping_add(1)).await;
    let answer = within(
        Duration::from_secs(5),
        "pg_sleep(0.6)",
        conn.read_until_ready_rendered(),
    )
    .await;
    assert_eq!(
        answer.get(answer.len().saturating_sub(2)..),
        Some(
            &[
                "CommandComplete SELECT 1".to_owned(),
                "ReadyForQuery I".to_owned()
            ][..]
        ),
        "a wrong secret key must not cancel: {answer:#?}"
    );

    conn.send_query("select pg_sleep(10)");
    conn.write_out().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    send_cancel(host, port, pid, secret).await;
    let mut answer = within(
        Duration::from_secs(1),
        "cancelled pg_sleep(10)",
        conn.read_until_ready_rendered(),
    )
    .await;
    // PostgreSQL describes the row before it starts running the statement; that is optional.
    answer.retain(|m| !m.starts_with("RowDescription"));
    assert_eq!(answer, ["Error 57014", "ReadyForQuery I"]);
}

#[tokio::test]
async fn cancel_request_with_wrong_secret_key_is_ignored() {
    let db = DevDb::start(&[]);
    cancel_request_needs_the_secret_key(db.host(), db.port(), db.user(), "postgres").await;
}

#[tokio::test]
async fn cancel_request_with_wrong_secret_key_is_ignored_on_postgres() {
    let Some(pg) = Postgres::start() else { return };
    cancel_request_needs_the_secret_key(pg.host(), pg.port(), "postgres", "postgres").await;
}

// ---- statement_timeout ----

async fn statement_timeout_interrupts_pg_sleep(client: Client) {
    client
        .batch_execute("set statement_timeout = 200")
        .await
        .expect("set statement_timeout");
    let started = Instant::now();
    let result = within(
        Duration::from_secs(3),
        "pg_sleep(5) with statement_timeout 200",
        client.simple_query("select pg_sleep(5)"),
    )
    .await;
    let e = result.expect_err("statement_timeout must interrupt pg_sleep(5)");
    assert_eq!(code(&e), "57014", "{e:?}");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(150) && took < Duration::from_secs(2),
        "statement_timeout 200 ms fired after {took:?}"
    );
    // The session goes on; with the timeout off a short sleep completes.
    client
        .batch_execute("set statement_timeout = 0; select pg_sleep(0.3)")
        .await
        .expect("pg_sleep(0.3) with statement_timeout off");
}

#[tokio::test]
async fn statement_timeout_interrupts_pg_sleep_with_57014() {
    let db = DevDb::start(&[]);
    statement_timeout_interrupts_pg_sleep(db.connect().await).await;
}

#[tokio::test]
async fn statement_timeout_interrupts_pg_sleep_with_57014_on_postgres() {
    let Some(pg) = Postgres::start() else { return };
    statement_timeout_interrupts_pg_sleep(pg.connect().await).await;
}

// ---- garbage on the wire ----

/// Everything the server sends on `conn` until it closes, within 5 s, rendered.
async fn read_until_closed(conn: &mut RawConn) -> Vec<String> {
    let mut out = Vec::new();
    loop {
        match conn.read_message_within(Duration::from_secs(5)).await {
            Ok(Some(m)) => out.push(conn.render(&[m]).concat()),
            Ok(None) => return out,
            Err(waited) => {
                panic!("the server neither answered nor closed within {waited:?}; got {out:?}")
            }
        }
    }
}

/// The server still serves: the bystander's session and a new one both answer.
async fn assert_still_serving(db: &DevDb, bystander: &Client) {
    let row = within(
        Duration::from_secs(2),
        "bystander",
        bystander.query_one("select $1::int4", &[&5i32]),
    )
    .await
    .unwrap_or_else(|e| panic!("the bystander lost its session: {e:?}\n{}", db.stderr()));
    assert_eq!(row.get::<_, i32>(0), 5);
    let fresh = db.connect().await;
    let row = fresh
        .query_one("select 6::int4", &[])
        .await
        .expect("new session");
    assert_eq!(row.get::<_, i32>(0), 6);
    assert!(!db.stderr().contains("panicked"), "{}", db.stderr());
}

#[tokio::test]
async fn garbage_after_startup_is_fatal_08p01_for_that_connection_only() {
    let db = DevDb::start(&[]);
    let bystander = db.connect().await;
    let cases: &[(&str, &[u8])] = &[
        ("unknown message type", b"\xff\x00\x00\x00\x08garb"),
        ("Query with a 2 GiB length", b"Q\x7f\xff\xff\xf0select 1"),
        ("Sync with a 1 MiB length", b"S\x00\x10\x00\x00"),
        ("length below 4", b"Q\x00\x00\x00\x02"),
        ("NUL tag, huge length", b"\x00\x01\x02\x03\x04\x05\x06\x07"),
    ];
    for (what, bytes) in cases {
        let mut conn = db.raw().await;
        conn.hide_error_messages(true);
        conn.send_raw(bytes);
        assert_eq!(
            read_until_closed(&mut conn).await,
            ["Fatal 08P01"],
            "{what}"
        );
        assert_still_serving(&db, &bystander).await;
    }
}

#[tokio::test]
async fn random_bytes_after_startup_never_stop_the_server() {
    let db = DevDb::start(&[]);
    let bystander = db.connect().await;
    // xorshift64*, fixed seed: the same bytes on every run.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    for _ in 0..30 {
        let mut conn = db.raw().await;
        let len = 1 + (next() % 96) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| (next() >> 56) as u8).collect();
        conn.send_raw(&bytes);
        // Whatever the server makes of them (an error, a close, waiting for more bytes), it
        // answers with well-formed messages; then the client goes away.
        let _ = conn.read_message_within(Duration::from_millis(100)).await;
        drop(conn);
    }
    assert_still_serving(&db, &bystander).await;
}

#[tokio::test]
async fn garbage_instead_of_a_startup_packet_does_not_stop_the_server() {
    let db = DevDb::start(&[]);
    let bystander = db.connect().await;
    // A half-sent startup packet held open all along blocks nobody.
    let mut stalled = RawConn::connect(db.host(), db.port()).await;
    stalled.send_raw(&[0, 0, 0, 100, 0, 3, 0, 0, b'u', b's']);
    stalled.write_out().await;

    let cases: &[(&str, &[u8])] = &[
        ("an HTTP request", b"GET / HTTP/1.1\r\nHost: devdb\r\n\r\n"),
        (
            "an unknown request code",
            &[0, 0, 0, 8, 0x12, 0x34, 0x56, 0x78],
        ),
        ("length below 8", &[0, 0, 0, 3]),
        (
            "protocol 3.0 with an unterminated parameter",
            &[0, 0, 0, 13, 0, 3, 0, 0, b'u', b's', b'e', b'r', b'x'],
        ),
        ("protocol 9.9", &[0, 0, 0, 9, 0, 9, 0, 9, 0]),
        (
            "random bytes",
            &[0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04, 0xff],
        ),
        ("nothing at all", &[]),
    ];
    for (what, bytes) in cases {
        let mut conn = RawConn::connect(db.host(), db.port()).await;
        conn.hide_error_messages(true);
        if bytes.is_empty() {
            drop(conn);
        } else {
            conn.send_raw(bytes);
            // The server answers with a FATAL error or just hangs up; either way it closes.
            let got = read_until_closed(&mut conn).await;
            assert!(
                got.iter().all(|m| m.starts_with("Fatal ")),
                "{what}: {got:?}"
            );
        }
        assert_still_serving(&db, &bystander).await;
    }
    drop(stalled);
}

// ---- SIGTERM ----

#[tokio::test]
async fn sigterm_while_idle_in_transaction_rolls_back_and_exits_0() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().to_string_lossy().into_owned();
    let mut db = DevDb::start(&["--data-dir", &data_dir]);
    let (mut conn, _, _) = startup_with_key(db.host(), db.port(), db.user(), "postgres").await;
    for sql in [
        "create table st (id int)",
        "insert into st values (1)",
        "begin",
        "insert into st values (2)",
    ] {
        let answer = within(Duration::from_secs(2), sql, conn.query(sql)).await;
        assert!(
            answer.iter().all(|m| !m.starts_with("Error")),
            "{sql}: {answer:?}"
        );
    }

    let started = Instant::now();
    let status = db.stop();
    let took = started.elapsed();
    assert!(
        status.success(),
        "exit status after SIGTERM: {status}\n{}",
        db.stderr()
    );
    assert!(
        took < Duration::from_secs(3),
        "SIGTERM took {took:?} to stop the server"
    );
    // The idle client's connection was closed (a FATAL error first is fine).
    let rest = read_until_closed(&mut conn).await;
    assert!(rest.iter().all(|m| m.starts_with("Fatal ")), "{rest:?}");

    let db = DevDb::start(&["--data-dir", &data_dir]);
    let client = db.connect().await;
    let ids: Vec<i32> = client
        .query("select id from st order by id", &[])
        .await
        .expect("reading st after restart")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        ids,
        [1],
        "the committed row stays, the uncommitted one is gone"
    );
}

/// The engine keeps a read snapshot open between commits; shutting down must not wait for it.
#[tokio::test]
async fn sigterm_after_reads_stops_at_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().to_string_lossy().into_owned();
    let mut db = DevDb::start(&["--data-dir", &data_dir]);
    let client = db.connect().await;
    client
        .batch_execute("create table reads (id int); insert into reads values (1)")
        .await
        .expect("setup");
    let one: i32 = client
        .query_one("select id from reads", &[])
        .await
        .expect("read")
        .get(0);
    assert_eq!(one, 1);
    let started = Instant::now();
    let status = db.stop();
    let took = started.elapsed();
    assert!(status.success(), "exit status after SIGTERM: {status}");
    assert!(
        took < Duration::from_secs(2),
        "SIGTERM took {took:?} to stop the server"
    );
}

// ---- --run ----

/// Runs `devdb serve --port 0 ARGS` to completion (killed and failed after 20 s); returns
/// its exit status, stdout and stderr.
fn run_devdb(args: &[&str]) -> (ExitStatus, String, String) {
    let mut child = Command::new(devdb_bin())
        .args(["serve", "--port", "0"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawning devdb: {e}"));
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as Box<_>));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as Box<_>));
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("devdb serve {args:?} did not exit within 20 s");
            }
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    (status, stdout, stderr)
}

#[test]
fn run_command_exit_status_becomes_devdbs_exit_status() {
    let (status, stdout, stderr) = run_devdb(&["--run", "exit 3"]);
    assert_eq!(status.code(), Some(3), "{status}\n{stdout}\n{stderr}");
    let (status, stdout, stderr) = run_devdb(&["--run", "test -n \"$DATABASE_URL\""]);
    assert_eq!(status.code(), Some(0), "{status}\n{stdout}\n{stderr}");
}

#[test]
fn run_command_connects_with_psql_through_database_url() {
    let Some(psql) = pg_tool("psql") else { return };
    let command = format!(
        "'{}' \"$DATABASE_URL\" -X -At -c 'select 40 + 2'",
        psql.display()
    );
    let (status, stdout, stderr) = run_devdb(&["--run", &command]);
    assert_eq!(status.code(), Some(0), "{status}\n{stdout}\n{stderr}");
    assert!(
        stdout.lines().any(|l| l == "42"),
        "psql's output: {stdout:?}\n{stderr}"
    );
    // A failing psql fails devdb with psql's status.
    let failing = format!(
        "'{}' \"$DATABASE_URL\" -X -v ON_ERROR_STOP=1 -c 'select * from no_such_table'",
        psql.display()
    );
    let (status, stdout, stderr) = run_devdb(&["--run", &failing]);
    assert_eq!(status.code(), Some(1), "{status}\n{stdout}\n{stderr}");
}

// ---- password ----

#[tokio::test]
async fn password_wrong_gets_28p01_right_one_connects() {
    let db = DevDb::start(&["--password", "secret"]);
    let mut wrong = db.config();
    wrong.password("wrong");
    let refused = within(
        Duration::from_secs(5),
        "wrong password",
        wrong.connect(NoTls),
    )
    .await;
    let e = match refused {
        Ok(_) => panic!("a wrong password must be refused"),
        Err(e) => e,
    };
    assert_eq!(code(&e), "28P01", "{e:?}");

    // The harness's config carries the right password; tokio-postgres does SCRAM-SHA-256.
    let client = db.connect().await;
    let row = client
        .query_one("select $1::text", &[&"in"])
        .await
        .expect("query after SCRAM");
    assert_eq!(row.get::<_, String>(0), "in");

    // The raw client sees the SASL offer and the refusal as FATAL 28P01.
    let mut raw = RawConn::connect(db.host(), db.port()).await;
    raw.hide_error_messages(true);
    raw.send_startup(&[("user", db.user()), ("database", "postgres")]);
    let messages = within(
        Duration::from_secs(5),
        "raw wrong password",
        raw.authenticate(db.user(), Some("nope")),
    )
    .await;
    assert_eq!(raw.render(&messages), ["Fatal 28P01"]);
}
