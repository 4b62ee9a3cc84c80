//! The server starts, announces itself, answers, and stops cleanly.

use crate::harness::DevDb;

#[tokio::test]
async fn starts_and_answers() {
    let db = DevDb::start(&[]);
    let client = db.connect().await;
    let rows = client.simple_query("select 1").await.expect("select 1");
    let values: Vec<Option<String>> = rows
        .iter()
        .filter_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(r) => Some(r.get(0).map(str::to_owned)),
            _ => None,
        })
        .collect();
    assert_eq!(values, vec![Some("1".to_owned())]);
}

#[tokio::test]
async fn database_url_line_is_the_readiness_signal() {
    // No retries, no sleep: the line means the port is already accepting.
    let db = DevDb::start(&[]);
    let client = db.try_connect().await;
    let client = client.unwrap_or_else(|e| {
        panic!(
            "connecting right after DATABASE_URL= failed: {e}\n{}",
            db.stderr()
        )
    });
    let row = client
        .query_one("select 1::int4", &[])
        .await
        .expect("query");
    assert_eq!(row.get::<_, i32>(0), 1);
}

#[tokio::test]
async fn database_url_names_user_host_and_port() {
    let db = DevDb::start(&[]);
    assert_eq!(db.host(), "127.0.0.1");
    assert_ne!(db.port(), 0, "--port 0 must print the port actually bound");
    assert_eq!(
        db.url(),
        format!("postgres://postgres@127.0.0.1:{}/postgres", db.port())
    );
    let stdout = db.stdout();
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.starts_with("DATABASE_URL="))
            .count(),
        1,
        "exactly one DATABASE_URL= line, got stdout {stdout:?}"
    );
}

#[tokio::test]
async fn sigterm_stops_the_server_with_exit_0() {
    let mut db = DevDb::start(&[]);
    let client = db.connect().await;
    client.simple_query("select 1").await.expect("select 1");
    let status = db.stop();
    assert!(
        status.success(),
        "exit status after SIGTERM: {status}\n{}",
        db.stderr()
    );
}

#[tokio::test]
async fn pg_backend_pid_is_distinct_per_session() {
    let devdb = DevDb::start(&[]);
    let (a, b) = (devdb.connect().await, devdb.connect().await);
    let pid = |c: tokio_postgres::Client| async move {
        c.query_one("select pg_backend_pid()", &[])
            .await
            .expect("pid")
            .get::<_, i32>(0)
    };
    let (pa, pb) = (pid(a).await, pid(b).await);
    assert!(pa > 0 && pb > 0, "{pa} {pb}");
    assert_ne!(pa, pb);
}
