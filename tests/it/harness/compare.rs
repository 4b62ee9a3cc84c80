//! Differential testing: the same statements on devdb and on real PostgreSQL 15, with the
//! answers rendered and required to be identical.
//!
//! Each statement is sent on its own (one Query message, or one Parse/Bind/Describe/Execute/Sync
//! round in extended mode) over the raw-wire client, because tokio-postgres hides command
//! tags. The transcript shows, per statement: column names and types, rows as text, the
//! command tag, errors by SQLSTATE only (messages are free to differ), and the transaction
//! status after it. Notices and ParameterStatus messages are left out.
//!
//! Every call gets a fresh devdb and a fresh database on the shared oracle, so tests need not
//! coordinate table names.

use super::devdb::DevDb;
use super::postgres::Postgres;
use super::rawwire::{RawConn, Renderer};
use postgres_protocol::message::backend::Message;

/// Which protocol carries each statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One Query message per statement.
    Simple,
    /// Parse, Bind, Describe (portal), Execute, Sync per statement, no parameters.
    Extended,
}

/// Runs `statements` on devdb and PostgreSQL (simple protocol) and asserts identical transcripts.
pub async fn compare(statements: &[&str]) {
    compare_in(Mode::Simple, statements).await;
}

/// Prepares each of `statements` on devdb and on PostgreSQL (after `setup` on both) and
/// asserts that devdb describes the same parameter types.
pub async fn compare_parameter_types(setup: &str, statements: &[&str]) {
    let Some((oracle, ours, _devdb)) = set_up("params", setup).await else {
        return;
    };
    for sql in statements {
        let expected = oracle.prepare(sql).await.map(|s| s.params().to_vec());
        let actual = ours.prepare(sql).await.map(|s| s.params().to_vec());
        match (expected, actual) {
            (Ok(e), Ok(a)) => assert_eq!(a, e, "{sql}"),
            (e, a) => panic!("{sql}: PostgreSQL {e:?}, devdb {a:?}"),
        }
    }
}

/// The SQLSTATE, message and HINT of each statement's error after `setup`, the same on devdb
/// as on PostgreSQL (which must fail every one).
pub async fn compare_error_hints(setup: &str, statements: &[&str]) {
    let Some((oracle, ours, _devdb)) = set_up("hints", setup).await else {
        return;
    };
    let fields = |result: Result<_, tokio_postgres::Error>| {
        result.err().and_then(|e| {
            e.as_db_error().map(|db| {
                (
                    db.code().code().to_owned(),
                    db.message().to_owned(),
                    db.hint().map(str::to_owned),
                )
            })
        })
    };
    for sql in statements {
        let expected = fields(oracle.simple_query(sql).await);
        assert!(expected.is_some(), "{sql}: PostgreSQL gave no error");
        assert_eq!(fields(ours.simple_query(sql).await), expected, "{sql}");
    }
}

/// A fresh database on the oracle (named after `prefix`) and a fresh devdb, each with `setup`
/// run: the oracle's client, devdb's, and devdb itself, which stops when dropped. None without
/// PostgreSQL.
async fn set_up(
    prefix: &str,
    setup: &str,
) -> Option<(tokio_postgres::Client, tokio_postgres::Client, DevDb)> {
    let pg = Postgres::start()?;
    let database = pg.fresh_database(prefix).await;
    let oracle = pg.connect_to(&database).await;
    let devdb = DevDb::start(&[]);
    let ours = devdb.connect().await;
    for client in [&oracle, &ours] {
        client.batch_execute(setup).await.expect("setup");
    }
    Some((oracle, ours, devdb))
}

/// [`compare`] over the extended protocol.
pub async fn compare_extended(statements: &[&str]) {
    compare_in(Mode::Extended, statements).await;
}

/// Runs `statements` on devdb and PostgreSQL and asserts identical transcripts.
pub async fn compare_in(mode: Mode, statements: &[&str]) {
    let Some(pg) = Postgres::start() else {
        return;
    };
    let database = pg.fresh_database("cmp").await;
    let mut oracle = RawConn::startup(pg.host(), pg.port(), "postgres", &database, None).await;
    let expected = transcript(&mut oracle, mode, statements).await;

    let devdb = DevDb::start(&[]);
    let mut conn = devdb.raw().await;
    let actual = transcript(&mut conn, mode, statements).await;

    if expected != actual {
        let mut report = format!("devdb differs from PostgreSQL 15 ({mode:?} protocol)\n");
        for (i, statement) in statements.iter().enumerate() {
            let (e, a) = (expected.get(i), actual.get(i));
            let marker = if e == a { "  " } else { "!!" };
            report.push_str(&format!("{marker} > {statement}\n"));
            if e == a {
                report.push_str(&indent(e.map(String::as_str).unwrap_or_default(), "     "));
            } else {
                report.push_str("   PostgreSQL:\n");
                report.push_str(&indent(e.map(String::as_str).unwrap_or("<none>"), "     "));
                report.push_str("   devdb:\n");
                report.push_str(&indent(a.map(String::as_str).unwrap_or("<none>"), "     "));
            }
        }
        panic!("{report}--- devdb stderr ---\n{}", devdb.stderr());
    }
}

/// One rendered block per statement, as described in the module docs.
pub async fn transcript(conn: &mut RawConn, mode: Mode, statements: &[&str]) -> Vec<String> {
    let mut renderer = Renderer::default();
    renderer.hide_error_messages = true;
    let mut out = Vec::new();
    for statement in statements {
        match mode {
            Mode::Simple => conn.send_query(statement),
            Mode::Extended => conn.send_extended(statement, &[]),
        }
        let messages = conn.read_until_ready().await;
        let lines: Vec<String> = messages
            .iter()
            .filter(|m| is_compared(m))
            .map(|m| renderer.render(m))
            .collect();
        out.push(lines.join("\n"));
    }
    out
}

/// Whether a transcript shows this message: notices, ParameterStatus and notifications are
/// left out (their wording and timing are free to differ between servers).
pub fn is_compared(message: &Message) -> bool {
    !matches!(
        message,
        Message::NoticeResponse(_) | Message::ParameterStatus(_) | Message::NotificationResponse(_)
    )
}

fn indent(text: &str, prefix: &str) -> String {
    text.lines().map(|l| format!("{prefix}{l}\n")).collect()
}
