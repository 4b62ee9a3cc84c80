//! The database rows: statements run to set a database up (`exec`), CREATE DATABASE ...
//! TEMPLATE and DROP DATABASE timed from a client connected to `postgres` (`template`), and
//! many clients each creating, using and dropping their own database at once (`parallel`).

use std::time::{Duration, Instant};

use anyhow::Result;
use tokio::task::JoinSet;
use tokio_postgres::Client;

/// Connects to database `dbname` of the server at `url` (the URL's own database is replaced).
async fn connect_to(
    url: &str,
    dbname: &str,
) -> Result<(Client, tokio::task::JoinHandle<()>), String> {
    let mut config: tokio_postgres::Config = url
        .parse()
        .map_err(|e| format!("bad url {url}: {}", crate::describe(&e)))?;
    config.dbname(dbname);
    let (client, connection) = config
        .connect(tokio_postgres::NoTls)
        .await
        .map_err(|e| format!("connect to {dbname}: {}", crate::describe(&e)))?;
    let task = tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok((client, task))
}

/// Drops the client and waits until its connection has ended, so the server sees the session
/// go before the caller's next step.
async fn disconnect(client: Client, task: tokio::task::JoinHandle<()>) {
    drop(client);
    let _ = task.await;
}

async fn simple(client: &Client, sql: &str) -> Result<(), String> {
    client
        .simple_query(sql)
        .await
        .map(drop)
        .map_err(|e| format!("{sql}: {}", crate::describe(&e)))
}

/// Runs each statement in order on database `dbname` (simple protocol), then disconnects and
/// waits for the session to end. Prints `statements=N`, or `error=` for the first that failed.
pub async fn exec(url: &str, dbname: &str, statements: &[String]) -> Result<()> {
    let outcome = async {
        let (client, task) = connect_to(url, dbname).await?;
        for sql in statements {
            simple(&client, sql).await?;
        }
        disconnect(client, task).await;
        Ok::<(), String>(())
    }
    .await;
    match outcome {
        Ok(()) => crate::report("statements", statements.len()),
        Err(e) => crate::report("error", e),
    }
    Ok(())
}

/// Waits (up to `patience`) until nobody else is connected to `dbname`, as CREATE DATABASE
/// ... TEMPLATE needs. Returns a note when the server cannot say (no `pg_stat_activity`).
async fn wait_until_unused(
    client: &Client,
    dbname: &str,
    patience: Duration,
) -> Result<Option<String>, String> {
    let sql = format!(
        "select count(*) from pg_stat_activity where datname = '{}' and pid <> pg_backend_pid()",
        dbname.replace('\'', "''")
    );
    let deadline = Instant::now() + patience;
    loop {
        let count = match client.simple_query(&sql).await {
            Ok(messages) => messages.iter().find_map(|m| match m {
                tokio_postgres::SimpleQueryMessage::Row(row) => {
                    row.get(0).and_then(|v| v.parse::<i64>().ok())
                }
                _ => None,
            }),
            Err(e) => {
                // Nothing to poll: give sessions that just ended a moment, then go on.
                tokio::time::sleep(Duration::from_millis(200)).await;
                return Ok(Some(format!(
                    "could not check for sessions on {dbname}: {}",
                    crate::describe(&e)
                )));
            }
        };
        if count == Some(0) {
            return Ok(None);
        }
        if Instant::now() > deadline {
            return Err(format!(
                "{dbname} still has {} other session(s) after {} s",
                count.map_or("?".to_owned(), |c| c.to_string()),
                patience.as_secs()
            ));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `repeat` times: `create database <prefix>_<i> template <template>` (timed), then `drop
/// database <prefix>_<i>` (timed), all from one session on `postgres`. Prints the timings in
/// ms as `create_ms=a,b,c` and `drop_ms=a,b,c`, or `error=` at the first failure.
pub async fn template(url: &str, template: &str, prefix: &str, repeat: usize) -> Result<()> {
    let outcome = async {
        let (client, task) = connect_to(url, "postgres").await?;
        if let Some(note) = wait_until_unused(&client, template, Duration::from_secs(30)).await? {
            crate::report("note", note);
        }
        let (mut create, mut drop) = (Vec::new(), Vec::new());
        for i in 0..repeat {
            let name = format!("{prefix}_{i}");
            let start = Instant::now();
            simple(
                &client,
                &format!("create database {name} template {template}"),
            )
            .await?;
            create.push(ms(start.elapsed()));
            let start = Instant::now();
            simple(&client, &format!("drop database {name}")).await?;
            drop.push(ms(start.elapsed()));
        }
        disconnect(client, task).await;
        Ok::<_, String>((create, drop))
    }
    .await;
    match outcome {
        Ok((create, drop)) => {
            crate::report("create_ms", join(&create));
            crate::report("drop_ms", join(&drop));
        }
        Err(e) => crate::report("error", e),
    }
    Ok(())
}

/// `clients` tasks at once, each: connect to `postgres`, create `<prefix>_<i>` from
/// `template`, connect to it, insert and read back a few rows, disconnect, drop it.
/// Prints `elapsed_ms`, `errors` and `first_error`.
pub async fn parallel(
    url: &str,
    template: &str,
    prefix: &str,
    clients: usize,
    timeout: Duration,
) -> Result<()> {
    let start = Instant::now();
    let mut set = JoinSet::new();
    for i in 0..clients {
        let (url, template) = (url.to_owned(), template.to_owned());
        let name = format!("{prefix}_{i}");
        set.spawn(async move {
            match tokio::time::timeout(timeout, own_database(&url, &template, &name)).await {
                Ok(result) => result,
                Err(_) => Err(format!(
                    "{name}: not done within {} ms",
                    timeout.as_millis()
                )),
            }
        });
    }
    let mut errors = 0usize;
    let mut first_error = None;
    while let Some(joined) = set.join_next().await {
        let outcome = joined.unwrap_or_else(|e| Err(format!("client task failed: {e}")));
        if let Err(e) = outcome {
            errors += 1;
            first_error.get_or_insert(e);
        }
    }
    crate::report("elapsed_ms", format!("{:.3}", ms(start.elapsed())));
    crate::report("errors", errors);
    if let Some(e) = first_error {
        crate::report("first_error", e);
    }
    Ok(())
}

/// One client of [`parallel`]. The copy is dropped even when using it failed.
async fn own_database(url: &str, template: &str, name: &str) -> Result<(), String> {
    let (admin, admin_task) = connect_to(url, "postgres").await?;
    simple(
        &admin,
        &format!("create database {name} template {template}"),
    )
    .await?;
    let used = use_database(url, name).await;
    let dropped = simple(&admin, &format!("drop database {name}")).await;
    disconnect(admin, admin_task).await;
    used.map_err(|e| format!("{name}: {e}"))?;
    dropped.map_err(|e| format!("{name}: {e}"))
}

/// What a test does on its database: an insert returning the key, reads by key and by index,
/// an update, a join with an aggregate; answers checked against the seeded contents.
async fn use_database(url: &str, name: &str) -> Result<(), String> {
    let (client, task) = connect_to(url, name).await?;
    let used = statements(&client, name).await;
    disconnect(client, task).await;
    used
}

async fn statements(client: &Client, name: &str) -> Result<(), String> {
    let email = format!("{name}@example.com");
    let rows = query(
        client,
        "insert into users (email, name) values ($1, $2) returning id",
        &[&email, &name],
    )
    .await?;
    let id: i64 = rows
        .first()
        .and_then(|r| r.try_get(0).ok())
        .ok_or("insert ... returning id gave no id")?;
    let rows = query(client, "select name from users where id = $1", &[&id]).await?;
    let got: Option<String> = rows.first().and_then(|r| r.try_get(0).ok());
    if got.as_deref() != Some(name) {
        return Err(format!(
            "read back {got:?} for user {id}, expected {name:?}"
        ));
    }
    query(
        client,
        "insert into posts (user_id, title, body) values ($1, $2, $3)",
        &[&id, &"first post", &"hello"],
    )
    .await?;
    query(
        client,
        "update posts set published = true where user_id = $1",
        &[&id],
    )
    .await?;
    let rows = query(
        client,
        "select count(*) from posts p join users u on u.id = p.user_id \
         where u.email = $1 and p.published",
        &[&email],
    )
    .await?;
    let count: Option<i64> = rows.first().and_then(|r| r.try_get(0).ok());
    if count != Some(1) {
        return Err(format!(
            "join counted {count:?} published posts, expected 1"
        ));
    }
    let rows = query(client, "select count(*) from users", &[]).await?;
    let users: Option<i64> = rows.first().and_then(|r| r.try_get(0).ok());
    if users.is_none_or(|n| n < 2) {
        return Err(format!(
            "counted {users:?} users: the copy lacks the seeded rows"
        ));
    }
    Ok(())
}

async fn query(
    client: &Client,
    sql: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> Result<Vec<tokio_postgres::Row>, String> {
    client
        .query(sql, params)
        .await
        .map_err(|e| format!("{sql}: {}", crate::describe(&e)))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn join(values: &[f64]) -> String {
    values
        .iter()
        .map(|v| format!("{v:.3}"))
        .collect::<Vec<_>>()
        .join(",")
}
