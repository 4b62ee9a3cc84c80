//! The client half of `cargo xtask bench`: the workloads pgbench cannot express.
//!
//! Each subcommand runs one measurement against one server and prints its result as
//! `key=value` lines on stdout, which xtask parses (`bench::client` there). A server that
//! rejects a statement is a result, not a crash: the command prints `error=<server message>`
//! and exits 0, so the benchmark can report "unsupported: ..." for that target and go on.
//! Harness failures (bad arguments, a child that cannot be spawned) exit non-zero.
//!
//! Start reading at [`Command`]; each variant has its own module.

mod databases;
mod first_query;
mod hold;
mod orm;
mod storm;
mod types;

use std::time::Duration;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "bench-client", about = "Workloads for cargo xtask bench")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// N concurrent sessions, each connect, `select 1`, disconnect; prints elapsed_ms, errors.
    Storm {
        #[arg(long)]
        url: String,
        #[arg(long, default_value_t = 1000)]
        sessions: usize,
        /// Per-session deadline; a session that misses it counts as an error.
        #[arg(long, default_value_t = 60_000)]
        timeout_ms: u64,
    },
    /// Opens N connections, runs `select 1` on each, prints `ready`, then holds them until
    /// stdin closes (xtask measures the server's memory meanwhile).
    Hold {
        #[arg(long)]
        url: String,
        #[arg(long, default_value_t = 1000)]
        connections: usize,
    },
    /// Spawns a command that starts a server, then times until a `select 1` is answered.
    /// Without --url the server's URL is read from a `DATABASE_URL=` line on its stdout
    /// (devdb); with --url the command is expected to return while the server keeps running
    /// (pg_ctl start without -w) and the URL is polled.
    FirstQuery {
        #[arg(long)]
        url: Option<String>,
        /// Give up after this long.
        #[arg(long, default_value_t = 60_000)]
        timeout_ms: u64,
        /// After the answer, print `child_pid=` and `ready`, keep the spawned server running
        /// until stdin closes, then stop it with SIGTERM.
        #[arg(long)]
        hold: bool,
        #[arg(last = true, required = true)]
        command: Vec<String>,
    },
    /// The ORM-shaped workload: clients issuing insert-returning, a point select by uuid, an
    /// upsert and a 3-table join with json aggregation per request; prints requests_per_sec.
    Orm {
        #[arg(long)]
        url: String,
        #[arg(long, default_value_t = 8)]
        clients: usize,
        #[arg(long, default_value_t = 5.0)]
        seconds: f64,
    },
    /// Runs statements in order on one database (simple protocol), then disconnects and waits
    /// for the session to end; prints statements=N or error=.
    Exec {
        #[arg(long)]
        url: String,
        /// The database to connect to (replaces the URL's).
        #[arg(long, default_value = "postgres")]
        database: String,
        /// A statement; repeat for more.
        #[arg(long = "sql", required = true)]
        statements: Vec<String>,
    },
    /// From a session on `postgres`, once nobody else is connected to TEMPLATE: N times
    /// `create database PREFIX_i template TEMPLATE` then `drop database PREFIX_i`, each
    /// timed; prints create_ms=a,b,.. and drop_ms=a,b,..
    Template {
        #[arg(long)]
        url: String,
        #[arg(long)]
        template: String,
        #[arg(long, default_value = "bench_copy")]
        prefix: String,
        #[arg(long, default_value_t = 5)]
        repeat: usize,
    },
    /// N clients at once, each creating PREFIX_i from TEMPLATE, using it (insert, select,
    /// update, join; the template must have the seeded users/posts tables), disconnecting and
    /// dropping it; prints elapsed_ms, errors.
    Parallel {
        #[arg(long)]
        url: String,
        #[arg(long)]
        template: String,
        #[arg(long, default_value = "bench_par")]
        prefix: String,
        #[arg(long, default_value_t = 32)]
        clients: usize,
        /// Per-client deadline; a client that misses it counts as an error.
        #[arg(long, default_value_t = 60_000)]
        timeout_ms: u64,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    // Two workers: the machine this runs on has two cores, shared with the server under test.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Storm {
                url,
                sessions,
                timeout_ms,
            } => storm::run(&url, sessions, Duration::from_millis(timeout_ms)).await,
            Command::Hold { url, connections } => hold::run(&url, connections).await,
            Command::FirstQuery {
                url,
                timeout_ms,
                hold,
                command,
            } => {
                first_query::run(
                    url.as_deref(),
                    Duration::from_millis(timeout_ms),
                    hold,
                    &command,
                )
                .await
            }
            Command::Orm {
                url,
                clients,
                seconds,
            } => orm::run(&url, clients, Duration::from_secs_f64(seconds)).await,
            Command::Exec {
                url,
                database,
                statements,
            } => databases::exec(&url, &database, &statements).await,
            Command::Template {
                url,
                template,
                prefix,
                repeat,
            } => databases::template(&url, &template, &prefix, repeat).await,
            Command::Parallel {
                url,
                template,
                prefix,
                clients,
                timeout_ms,
            } => {
                databases::parallel(
                    &url,
                    &template,
                    &prefix,
                    clients,
                    Duration::from_millis(timeout_ms),
                )
                .await
            }
        }
    })
}

/// Prints one result line; values never contain newlines, so xtask can split on them.
fn report(key: &str, value: impl std::fmt::Display) {
    let value = value.to_string().replace(['\n', '\r'], " ");
    println!("{key}={value}");
}

/// Connects with tokio-postgres and drives the connection on its own task; the task ends when
/// the client is dropped (Terminate is sent) or the server closes the socket.
async fn connect(
    url: &str,
) -> Result<(tokio_postgres::Client, tokio::task::JoinHandle<()>), tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    let task = tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok((client, task))
}

/// Blocks (off the runtime's workers) until stdin reaches end-of-file: xtask's "release" signal.
async fn wait_for_stdin_eof() {
    let _ = tokio::task::spawn_blocking(|| {
        let mut sink = Vec::new();
        let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink);
    })
    .await;
}

/// A server error with its SQLSTATE and message, or the client error's text.
fn describe(error: &tokio_postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => {
            let mut text = error.to_string();
            let mut source = std::error::Error::source(error);
            while let Some(cause) = source {
                text.push_str(": ");
                text.push_str(&cause.to_string());
                source = cause.source();
            }
            text
        }
    }
}
