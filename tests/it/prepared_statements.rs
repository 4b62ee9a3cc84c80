//! SQL's PREPARE and the extended protocol's named statements share one namespace per session,
//! as in PostgreSQL: a statement prepared by SQL can be bound by name and described, and one
//! named by Parse can be run by EXECUTE, listed by pg_prepared_statements and dropped by
//! DEALLOCATE. Each script runs on devdb and on PostgreSQL 15 and the transcripts must match.

use tokio_postgres::types::Type;
use tokio_postgres::{Client, Row};

use crate::harness::{DevDb, Postgres, RawConn};

/// Rows as `name:type=value` text, for the types these scripts return.
fn render(rows: &[Row]) -> Vec<String> {
    rows.iter()
        .map(|row| {
            let cells: Vec<String> = row
                .columns()
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let value = match *c.type_() {
                        Type::INT4 => format!("{:?}", row.get::<_, Option<i32>>(i)),
                        Type::INT8 => format!("{:?}", row.get::<_, Option<i64>>(i)),
                        Type::BOOL => format!("{:?}", row.get::<_, Option<bool>>(i)),
                        Type::TEXT => format!("{:?}", row.get::<_, Option<String>>(i)),
                        ref other => format!("<{other}>"),
                    };
                    format!("{}:{}={value}", c.name(), c.type_())
                })
                .collect();
            cells.join(" ")
        })
        .collect()
}

/// One query through tokio-postgres (Parse, Describe, Bind, Execute), rendered; an error by
/// its SQLSTATE.
async fn query(client: &Client, sql: &str) -> String {
    match client.query(sql, &[]).await {
        Ok(rows) => format!("{sql} -> {:?}", render(&rows)),
        Err(e) => format!("{sql} -> error {:?}", e.code().map(|c| c.code())),
    }
}

async fn shared_namespace_through_tokio_postgres(client: &Client) -> Vec<String> {
    client
        .batch_execute(
            "CREATE TABLE pets (id int PRIMARY KEY, name text);
             INSERT INTO pets VALUES (1, 'rex'), (2, 'tom');
             PREPARE by_id (int) AS SELECT id, name FROM pets WHERE id = $1",
        )
        .await
        .expect("setup");
    let mut out = Vec::new();
    // EXECUTE through the extended protocol: described with the prepared statement's columns.
    out.push(query(client, "EXECUTE by_id(2)").await);
    out.push(query(client, "EXECUTE by_id('1')").await);
    out.push(query(client, "EXECUTE by_id").await);
    // A statement tokio-postgres prepares is a named protocol-level statement, listed beside
    // the PREPAREd one (the listing's own statement is there too; unnamed ones never are).
    let text = "SELECT name FROM pets WHERE id = $1";
    let named = client.prepare(text).await.expect("prepare");
    out.push(
        query(
            client,
            // tokio-postgres numbers its statements process-wide: only PREPARE's names compare.
            "SELECT CASE WHEN from_sql THEN name END AS sql_name, statement, from_sql, \
               cardinality(parameter_types) AS n_params \
             FROM pg_prepared_statements ORDER BY from_sql DESC, statement",
        )
        .await,
    );
    let listed = client
        .query_one(
            "SELECT name FROM pg_prepared_statements WHERE statement = $1",
            &[&text],
        )
        .await
        .expect("the protocol statement is listed");
    let name: String = listed.get(0);
    // EXECUTE runs it by its protocol name, with SQL arguments.
    let executed = query(client, &format!("EXECUTE {name}(1)")).await;
    out.push(executed.replace(&name, "<protocol name>"));
    // DEALLOCATE drops it: binding it fails.
    client
        .batch_execute(&format!("DEALLOCATE {name}"))
        .await
        .expect("deallocate");
    out.push(match client.query(&named, &[&2i32]).await {
        Ok(rows) => format!("still there: {:?}", render(&rows)),
        Err(e) => format!("after DEALLOCATE: error {:?}", e.code().map(|c| c.code())),
    });
    // A PREPARE inside a rolled-back transaction stays.
    client
        .batch_execute("BEGIN; PREPARE in_tx AS SELECT 'kept' AS k; ROLLBACK")
        .await
        .expect("rollback");
    out.push(query(client, "EXECUTE in_tx").await);
    out.push(query(client, "DEALLOCATE ALL").await);
    out.push(query(client, "EXECUTE by_id(1)").await);
    out
}

#[tokio::test]
async fn sql_and_protocol_prepared_statements_share_names_like_postgres() {
    let Some(pg) = Postgres::start() else { return };
    let database = pg.fresh_database("prepared").await;
    let oracle = pg.connect_to(&database).await;
    let expected = shared_namespace_through_tokio_postgres(&oracle).await;
    assert!(
        expected
            .iter()
            .any(|l| l.contains("after DEALLOCATE: error Some(\"26000\")")),
        "DEALLOCATE drops a protocol-level statement: {expected:#?}"
    );
    let db = DevDb::start(&[]);
    let client = db.connect().await;
    let actual = shared_namespace_through_tokio_postgres(&client).await;
    assert_eq!(actual, expected);
}

async fn shared_namespace_on_the_wire(conn: &mut RawConn) -> Vec<String> {
    let mut out = Vec::new();
    for sql in [
        "CREATE TABLE t (a int, b text)",
        "INSERT INTO t VALUES (1, 'one'), (2, 'two')",
        "PREPARE by_a (int) AS SELECT b FROM t WHERE a = $1",
        "PREPARE add AS INSERT INTO t VALUES ($1, $2)",
        "PREPARE every_a AS SELECT a FROM t ORDER BY a",
    ] {
        out.extend(conn.query(sql).await);
    }
    // A statement PREPAREd by SQL, described and bound by name.
    conn.send_describe_statement("by_a");
    conn.send_bind("", "by_a", &[Some("2")]);
    conn.send_execute("", 0);
    conn.send_describe_statement("add");
    conn.send_bind("", "add", &[Some("3"), Some("three")]);
    conn.send_execute("", 0);
    conn.send_sync();
    out.extend(conn.read_until_ready_rendered().await);
    // Wrong parameter count at Bind: the protocol's own error.
    conn.send_bind("", "by_a", &[]);
    conn.send_sync();
    out.extend(conn.read_until_ready_rendered().await);
    // EXECUTE through Parse: described as the statement it runs.
    conn.send_parse("", "EXECUTE by_a(3)", &[]);
    conn.send_describe_statement("");
    conn.send_bind("", "", &[]);
    conn.send_describe_portal("");
    conn.send_execute("", 0);
    conn.send_sync();
    out.extend(conn.read_until_ready_rendered().await);
    // EXECUTE's rows a few at a time: the tag of the last Execute counts its own.
    conn.send_parse("", "EXECUTE every_a", &[]);
    conn.send_bind("", "", &[]);
    conn.send_execute("", 2);
    conn.send_execute("", 0);
    conn.send_sync();
    out.extend(conn.read_until_ready_rendered().await);
    // Parse under a name PREPARE took; Close drops it; PREPARE under a name Parse gave.
    conn.send_parse("by_a", "SELECT 1", &[]);
    conn.send_sync();
    out.extend(conn.read_until_ready_rendered().await);
    conn.send_close_statement("by_a");
    conn.send_parse("wire", "SELECT $1::int + 1 AS n", &[]);
    conn.send_sync();
    out.extend(conn.read_until_ready_rendered().await);
    for sql in [
        "EXECUTE by_a(1)",
        "PREPARE wire AS SELECT 2",
        "EXECUTE wire(41)",
        "SELECT name, statement, from_sql FROM pg_prepared_statements ORDER BY name",
        "DEALLOCATE wire",
        "EXECUTE wire(41)",
    ] {
        out.push(format!("> {sql}"));
        out.extend(conn.query(sql).await);
    }
    out.retain(|m| !m.starts_with("ParameterStatus") && !m.starts_with("Notice"));
    out
}

#[tokio::test]
async fn sql_prepared_statements_on_the_wire_like_postgres() {
    let Some(pg) = Postgres::start() else { return };
    let database = pg.fresh_database("prepared_wire").await;
    let mut oracle = RawConn::startup(pg.host(), pg.port(), "postgres", &database, None).await;
    oracle.hide_error_messages(true);
    let expected = shared_namespace_on_the_wire(&mut oracle).await;
    let db = DevDb::start(&[]);
    let mut conn = db.raw().await;
    conn.hide_error_messages(true);
    let actual = shared_namespace_on_the_wire(&mut conn).await;
    assert_eq!(actual, expected);
}
