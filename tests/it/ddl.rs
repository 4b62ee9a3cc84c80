//! DDL that migrations emit, against PostgreSQL 15: enum types first.

use postgres_protocol::message::backend::Message;

use crate::harness::{DevDb, compare, compare_extended};

const MOOD: &str = "create type mood as enum ('sad', 'ok', 'happy')";

#[tokio::test]
async fn enum_types_are_created_altered_and_dropped_like_postgres() {
    compare(&[
        MOOD,
        "create type mood as enum ('x')",
        "create type dup as enum ('a', 'b', 'a')",
        "create type \"Weird Labels\" as enum ('a b', 'Ünï', '')",
        "create type empty as enum ()",
        "alter type mood add value 'ok'",
        "alter type mood add value if not exists 'ok'",
        "alter type mood add value 'meh' before 'zz'",
        "alter type mood add value 'meh' before 'ok'",
        "alter type mood add value 'ecstatic' after 'happy'",
        "alter type mood add value 'angry' before 'sad'",
        "alter type mood add value 'calm' after 'sad'",
        "alter type mood rename value 'zz' to 'q'",
        "alter type mood rename value 'ok' to 'sad'",
        "alter type nothere add value 'x'",
        "create table people (name text primary key, m mood not null default 'ok')",
        "create type people as enum ('a')",
        "drop type mood",
        "drop type if exists nothere",
        "drop type nothere",
        "drop table people",
        "drop type mood, empty",
        "select 'sad'::mood",
    ])
    .await;
}

#[tokio::test]
async fn enum_values_are_checked_and_ordered_by_declaration_like_postgres() {
    compare(&[
        MOOD,
        "alter type mood add value 'meh' before 'ok'",
        "create table people (name text, m mood)",
        "insert into people values ('a', 'x')",
        "insert into people values ('a', 'happy'), ('b', 'sad'), ('c', null), ('d', 'ok'), ('e', 'meh')",
        "insert into people values ('z', 'sad'::text)",
        "insert into people values ('y', 'ok'::text::mood)",
        "update people set m = 'nope' where name = 'a'",
        "update people set m = 'happy' where name = 'y'",
        "select * from people order by m, name",
        "select * from people order by m desc nulls last, name",
        "select name from people where m > 'meh' order by name",
        "select name from people where m between 'meh' and 'happy' order by name",
        "select name from people where m = 'ok' order by name",
        "select name from people where m in ('ok', 'sad') order by name",
        "select min(m), max(m), count(distinct m) from people",
        "select m, count(*) from people group by m order by m",
        "select m::text, m::varchar(2), 'ok'::mood > 'sad', 'x'::mood from people",
        "select m = 'ok'::text from people",
        "select 1::mood",
        "select m::int from people",
        "select 'ok'::mood",
        "select 'ok'::mood::text || '!'",
        "alter type mood rename value 'meh' to 'so-so'",
        "select name, m from people where m >= 'so-so' order by m, name",
        "alter type mood rename to feeling",
        "select 'ok'::feeling",
        "select 'ok'::mood",
        "select name, m from people order by m, name limit 2",
    ])
    .await;
}

#[tokio::test]
async fn enum_parameters_and_results_over_extended_protocol_like_postgres() {
    compare_extended(&[
        MOOD,
        "create table people (name text, m mood default 'ok')",
        "insert into people (name) values ('a')",
        "insert into people values ('b', 'happy') returning m",
        "select m, m < 'happy' from people order by m",
        "select max(m) from people",
    ])
    .await;
}

#[tokio::test]
async fn enum_ddl_rolls_back_like_postgres() {
    compare(&[
        "begin",
        MOOD,
        "rollback",
        "select 'ok'::mood",
        MOOD,
        "begin",
        "alter type mood add value 'meh'",
        "alter type mood rename value 'ok' to 'fine'",
        "rollback",
        "select 'meh'::mood",
        "select 'ok'::mood",
    ])
    .await;
}

/// The RowDescription type OID of the one column `sql` returns.
async fn column_oid(conn: &mut crate::harness::rawwire::RawConn, sql: &str) -> u32 {
    conn.send_query(sql);
    let messages = conn.read_until_ready().await;
    for m in &messages {
        if let Message::RowDescription(body) = m {
            use fallible_iterator::FallibleIterator;
            let fields: Vec<u32> = body
                .fields()
                .map(|f| Ok(f.type_oid()))
                .collect()
                .expect("fields");
            return fields[0];
        }
    }
    panic!("{sql}: no RowDescription");
}

#[tokio::test]
async fn enum_types_and_their_oids_survive_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().to_string_lossy().into_owned();
    let mut db = DevDb::start(&["--data-dir", &data_dir]);
    let mut conn = db.raw().await;
    for sql in [
        MOOD,
        "create type color as enum ('red', 'green')",
        "alter type mood add value 'meh' before 'ok'",
        "create table people (name text, m mood, c color)",
        "insert into people values ('a', 'happy', 'red'), ('b', 'meh', 'green')",
    ] {
        let answer = conn.query(sql).await;
        assert!(
            answer.iter().all(|m| !m.starts_with("Error")),
            "{sql}: {answer:?}"
        );
    }
    let mood = column_oid(&mut conn, "select m from people").await;
    let color = column_oid(&mut conn, "select c from people").await;
    assert!(
        mood >= 16384 && color >= 16384 && mood != color,
        "{mood} {color}"
    );
    drop(conn);
    db.stop();

    let db = DevDb::start(&["--data-dir", &data_dir]);
    let mut conn = db.raw().await;
    assert_eq!(column_oid(&mut conn, "select m from people").await, mood);
    assert_eq!(column_oid(&mut conn, "select 'red'::color").await, color);
    let rows = conn.query("select name, m from people order by m").await;
    assert!(
        rows.iter().any(|r| r.contains("DataRow[\"b\",\"meh\"]")),
        "{rows:?}"
    );
    let first = rows.iter().position(|r| r.contains("\"b\""));
    let second = rows.iter().position(|r| r.contains("\"a\""));
    assert!(first < second, "meh sorts before happy: {rows:?}");
    let bad = conn
        .query("insert into people values ('c', 'x', 'red')")
        .await;
    assert!(bad.iter().any(|m| m.starts_with("Error 22P02")), "{bad:?}");
}
