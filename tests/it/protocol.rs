//! The wire protocol, message by message, over the raw-wire client.
//!
//! Each scenario runs twice: `::on_postgres` against real PostgreSQL 15 (which checks the
//! expectation itself, and the raw-wire client) and `::on_devdb` against devdb. Error
//! messages are hidden (`Error CODE`): only SQLSTATEs are part of the contract.

use crate::harness::{DevDb, Postgres, RawConn};

/// Runs one scenario on devdb and on the PostgreSQL oracle, as two tests.
macro_rules! on_both {
    ($scenario:ident) => {
        mod $scenario {
            use super::*;

            #[tokio::test]
            async fn on_devdb() {
                let db = DevDb::start(&[]);
                let mut conn = db.raw().await;
                conn.hide_error_messages(true);
                super::$scenario(&mut conn).await;
            }

            #[tokio::test]
            async fn on_postgres() {
                let Some(pg) = Postgres::start() else { return };
                let mut conn = pg.raw().await;
                conn.hide_error_messages(true);
                super::$scenario(&mut conn).await;
            }
        }
    };
}

on_both!(simple_query_describes_and_returns_rows);
async fn simple_query_describes_and_returns_rows(c: &mut RawConn) {
    assert_eq!(
        c.query("select 1 as a, 'x' as b, null::text as c").await,
        [
            "RowDescription[a:int4,b:text,c:text]",
            r#"DataRow[1,"x",NULL]"#,
            "CommandComplete SELECT 1",
            "ReadyForQuery I",
        ]
    );
}

on_both!(simple_query_with_two_statements_answers_both);
async fn simple_query_with_two_statements_answers_both(c: &mut RawConn) {
    assert_eq!(
        c.query("select 1 as a; select 'two' as b").await,
        [
            "RowDescription[a:int4]",
            "DataRow[1]",
            "CommandComplete SELECT 1",
            "RowDescription[b:text]",
            r#"DataRow["two"]"#,
            "CommandComplete SELECT 1",
            "ReadyForQuery I",
        ]
    );
}

on_both!(empty_query_gets_empty_query_response);
async fn empty_query_gets_empty_query_response(c: &mut RawConn) {
    assert_eq!(c.query("").await, ["EmptyQueryResponse", "ReadyForQuery I"]);
}

on_both!(extended_protocol_binds_text_parameters);
async fn extended_protocol_binds_text_parameters(c: &mut RawConn) {
    c.send_parse("s1", "select $1::int4 + 1 as n", &[0]);
    c.send_describe_statement("s1");
    c.send_bind("", "s1", &[Some("41")]);
    c.send_execute("", 0);
    c.send_sync();
    assert_eq!(
        c.read_until_ready_rendered().await,
        [
            "ParseComplete",
            "ParameterDescription[int4]",
            "RowDescription[n:int4]",
            "BindComplete",
            "DataRow[42]",
            "CommandComplete SELECT 1",
            "ReadyForQuery I",
        ]
    );
    // The named statement outlives the Sync; binding NULL yields NULL.
    c.send_bind("", "s1", &[None]);
    c.send_execute("", 0);
    c.send_close_statement("s1");
    c.send_sync();
    assert_eq!(
        c.read_until_ready_rendered().await,
        [
            "BindComplete",
            "DataRow[NULL]",
            "CommandComplete SELECT 1",
            "CloseComplete",
            "ReadyForQuery I",
        ]
    );
}

on_both!(execute_with_row_limit_suspends_the_portal);
async fn execute_with_row_limit_suspends_the_portal(c: &mut RawConn) {
    c.send_parse(
        "",
        "select x from (values (1), (2), (3)) as t(x) order by x",
        &[],
    );
    c.send_bind("p", "", &[]);
    c.send_describe_portal("p");
    c.send_execute("p", 2);
    c.send_execute("p", 0);
    c.send_sync();
    assert_eq!(
        c.read_until_ready_rendered().await,
        [
            "ParseComplete",
            "BindComplete",
            "RowDescription[x:int4]",
            "DataRow[1]",
            "DataRow[2]",
            "PortalSuspended",
            "DataRow[3]",
            "CommandComplete SELECT 1",
            "ReadyForQuery I",
        ]
    );
}

on_both!(error_in_extended_batch_skips_to_sync);
async fn error_in_extended_batch_skips_to_sync(c: &mut RawConn) {
    c.send_parse("", "selec 1", &[]);
    c.send_bind("", "", &[]);
    c.send_execute("", 0);
    c.send_sync();
    assert_eq!(
        c.read_until_ready_rendered().await,
        ["Error 42601", "ReadyForQuery I"]
    );
    // After the Sync the session is usable again.
    assert_eq!(
        c.query("select 2 as two").await,
        [
            "RowDescription[two:int4]",
            "DataRow[2]",
            "CommandComplete SELECT 1",
            "ReadyForQuery I",
        ]
    );
}

on_both!(flush_sends_pending_results_without_sync);
async fn flush_sends_pending_results_without_sync(c: &mut RawConn) {
    c.send_parse("", "select 1 as one", &[]);
    c.send_flush();
    let m = c.read_message().await.expect("a message before Sync");
    assert_eq!(c.render(&[m]), ["ParseComplete"]);
    c.send_sync();
    assert_eq!(c.read_until_ready_rendered().await, ["ReadyForQuery I"]);
}

on_both!(error_in_transaction_aborts_it_until_rollback);
async fn error_in_transaction_aborts_it_until_rollback(c: &mut RawConn) {
    assert_eq!(
        c.query("begin").await,
        ["CommandComplete BEGIN", "ReadyForQuery T"]
    );
    assert_eq!(
        c.query("select 1/0").await,
        ["Error 22012", "ReadyForQuery E"]
    );
    assert_eq!(
        c.query("select 1").await,
        ["Error 25P02", "ReadyForQuery E"]
    );
    assert_eq!(
        c.query("rollback").await,
        ["CommandComplete ROLLBACK", "ReadyForQuery I"]
    );
}

on_both!(unknown_message_type_is_a_fatal_protocol_violation);
async fn unknown_message_type_is_a_fatal_protocol_violation(c: &mut RawConn) {
    c.send_raw(&[b'z', 0, 0, 0, 4]);
    assert_eq!(c.read_to_end_rendered().await, ["Fatal 08P01"]);
}

on_both!(message_length_below_four_ends_the_connection);
async fn message_length_below_four_ends_the_connection(c: &mut RawConn) {
    c.send_raw(&[b'Q', 0, 0, 0, 3]);
    // PostgreSQL logs the violation and hangs up without a word; a FATAL 08P01 first is
    // also fine. Either way the connection ends.
    let rendered = c.read_to_end_rendered().await;
    assert!(
        rendered.is_empty() || rendered == ["Fatal 08P01"],
        "{rendered:#?}"
    );
}

on_both!(terminate_closes_the_connection);
async fn terminate_closes_the_connection(c: &mut RawConn) {
    c.send_terminate();
    assert_eq!(c.read_to_end_rendered().await, Vec::<String>::new());
}

/// The startup exchange, checked message by message (values vary, so ParameterStatus is
/// checked by name).
async fn startup_sequence(host: &str, port: u16, user: &str, database: &str) {
    let mut c = RawConn::connect(host, port).await;
    c.send_startup(&[
        ("user", user),
        ("database", database),
        ("application_name", "it"),
    ]);
    let messages = c.authenticate(user, None).await;
    let rendered = c.render(&messages);
    assert_eq!(
        rendered.first().map(String::as_str),
        Some("AuthenticationOk")
    );
    assert_eq!(rendered.last().map(String::as_str), Some("ReadyForQuery I"));
    assert_eq!(
        rendered.iter().filter(|m| *m == "BackendKeyData").count(),
        1,
        "{rendered:#?}"
    );
    for expected in [
        "ParameterStatus client_encoding=UTF8",
        "ParameterStatus server_encoding=UTF8",
        "ParameterStatus DateStyle=ISO, MDY",
        "ParameterStatus integer_datetimes=on",
        "ParameterStatus standard_conforming_strings=on",
        "ParameterStatus application_name=it",
    ] {
        assert!(
            rendered.iter().any(|m| m == expected),
            "no {expected:?} in {rendered:#?}"
        );
    }
    assert!(
        rendered
            .iter()
            .any(|m| m.starts_with("ParameterStatus server_version=15")),
        "server_version must say 15: {rendered:#?}"
    );
}

mod startup {
    use super::*;

    #[tokio::test]
    async fn on_devdb() {
        let db = DevDb::start(&[]);
        startup_sequence(db.host(), db.port(), db.user(), "postgres").await;
    }

    #[tokio::test]
    async fn on_postgres() {
        let Some(pg) = Postgres::start() else { return };
        startup_sequence(pg.host(), pg.port(), "postgres", "postgres").await;
    }
}
