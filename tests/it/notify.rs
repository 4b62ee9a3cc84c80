//! LISTEN / NOTIFY between connections, compared with PostgreSQL: delivery at commit, none on
//! rollback, duplicates folded, held while the listener is inside a transaction, UNLISTEN,
//! pg_notify, and the payload limit.

use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio_postgres::{AsyncMessage, Client, Config, NoTls};

use crate::harness::{DevDb, Postgres};

/// A client whose notifications are forwarded to the returned receiver (channel, payload).
async fn listener(config: &Config) -> (Client, mpsc::UnboundedReceiver<(String, String)>) {
    let (client, mut connection) = config.connect(NoTls).await.expect("connect");
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(Ok(message)) = messages.next().await {
            if let AsyncMessage::Notification(n) = message {
                let _ = tx.send((n.channel().to_owned(), n.payload().to_owned()));
            }
        }
    });
    (client, rx)
}

/// What arrives within a short wait (a round trip on the listener first, so anything already
/// sent has been read).
async fn received(
    client: &Client,
    rx: &mut mpsc::UnboundedReceiver<(String, String)>,
) -> Vec<String> {
    client.simple_query("select 1").await.expect("ping");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut out = Vec::new();
    while let Ok((channel, payload)) = rx.try_recv() {
        out.push(format!("{channel}:{payload}"));
    }
    out
}

async fn scenario(config: Config) -> Vec<String> {
    let (a, mut a_rx) = listener(&config).await;
    let (b, mut b_rx) = listener(&config).await;
    let mut log = Vec::new();
    a.batch_execute("listen jobs; listen \"Mixed\"")
        .await
        .expect("listen");
    b.batch_execute("notify jobs, 'one'; notify jobs; select pg_notify('Mixed', 'two')")
        .await
        .expect("notify");
    log.push(format!("autocommit: {:?}", received(&a, &mut a_rx).await));

    b.batch_execute("begin; notify jobs, 'dup'; notify jobs, 'dup'; notify jobs, 'three'")
        .await
        .expect("notify in transaction");
    log.push(format!(
        "before commit: {:?}",
        received(&a, &mut a_rx).await
    ));
    b.batch_execute("commit").await.expect("commit");
    log.push(format!("after commit: {:?}", received(&a, &mut a_rx).await));

    b.batch_execute("begin; notify jobs, 'lost'; rollback")
        .await
        .expect("rollback");
    b.batch_execute(
        "begin; notify jobs, 'kept'; savepoint s; notify jobs, 'undone'; \
         rollback to savepoint s; notify jobs, 'after'; commit",
    )
    .await
    .expect("savepoint");
    log.push(format!(
        "after rollback: {:?}",
        received(&a, &mut a_rx).await
    ));

    // A listener inside a transaction gets them when it ends.
    a.batch_execute("begin").await.expect("begin");
    b.batch_execute("notify jobs, 'held'")
        .await
        .expect("notify");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut during = Vec::new();
    while let Ok((c, p)) = a_rx.try_recv() {
        during.push(format!("{c}:{p}"));
    }
    log.push(format!("inside a transaction: {during:?}"));
    a.batch_execute("commit").await.expect("commit");
    log.push(format!(
        "after its commit: {:?}",
        received(&a, &mut a_rx).await
    ));

    // Its own notifications, and LISTEN inside a rolled-back transaction never takes effect.
    b.batch_execute("begin; listen mine; rollback; listen own; notify own, 'self'")
        .await
        .expect("self");
    b.batch_execute("notify mine, 'nobody'")
        .await
        .expect("notify");
    log.push(format!("self: {:?}", received(&b, &mut b_rx).await));

    a.batch_execute("unlisten jobs").await.expect("unlisten");
    b.batch_execute("notify jobs, 'gone'; notify \"Mixed\", 'still'")
        .await
        .expect("notify");
    log.push(format!(
        "after unlisten: {:?}",
        received(&a, &mut a_rx).await
    ));
    a.batch_execute("unlisten *").await.expect("unlisten *");
    b.batch_execute("notify \"Mixed\", 'none'")
        .await
        .expect("notify");
    log.push(format!(
        "after unlisten *: {:?}",
        received(&a, &mut a_rx).await
    ));

    let long = "x".repeat(8000);
    let err = b
        .execute("select pg_notify('jobs', $1)", &[&long])
        .await
        .expect_err("payload too long");
    log.push(format!(
        "long payload: {:?} {}",
        err.code().map(|c| c.code()),
        err.as_db_error().map(|e| e.message()).unwrap_or_default()
    ));
    log
}

#[tokio::test]
async fn listen_notify_matches_postgres() {
    let Some(pg) = Postgres::start() else { return };
    let db = DevDb::start(&[]);
    let on_devdb = scenario(db.config()).await;
    let database = pg.fresh_database("notify").await;
    let on_postgres = scenario(
        pg.url_for(&database)
            .parse()
            .expect("the oracle's URL parses"),
    )
    .await;
    assert_eq!(
        on_postgres[0],
        "autocommit: [\"jobs:one\", \"jobs:\", \"Mixed:two\"]"
    );
    assert_eq!(on_devdb, on_postgres);
}
