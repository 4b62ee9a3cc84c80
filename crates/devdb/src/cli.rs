//! Command-line arguments; every flag can also come from a `DEVDB_*` environment variable.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "devdb",
    version,
    about = "A PostgreSQL-compatible development database"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve PostgreSQL clients; prints DATABASE_URL=... on stdout once ready.
    Serve(ServeArgs),
}

#[derive(Parser, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "DEVDB_HOST", default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on; 0 picks a free one (read it from the DATABASE_URL line).
    #[arg(long, env = "DEVDB_PORT", default_value_t = 5432)]
    pub port: u16,
    /// Keep databases in this directory; without it data is ephemeral and gone on exit.
    #[arg(long, env = "DEVDB_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Connections beyond this get FATAL 53300.
    #[arg(long, env = "DEVDB_MAX_CONNECTIONS", default_value_t = 1000)]
    pub max_connections: usize,
    /// Close sessions idle inside a transaction this long (25P03); 0 = off. Milliseconds or
    /// with a unit: 500ms, 60s, 1min.
    #[arg(long, env = "DEVDB_IDLE_IN_TRANSACTION_TIMEOUT", default_value = "60s", value_parser = parse_duration)]
    pub idle_in_transaction_timeout: Duration,
    /// Close sessions idle outside a transaction this long (57P05); 0 = off.
    #[arg(long, env = "DEVDB_IDLE_SESSION_TIMEOUT", default_value = "0", value_parser = parse_duration)]
    pub idle_session_timeout: Duration,
    /// How long a write waits for another session's write lock before 55P03.
    #[arg(long, env = "DEVDB_LOCK_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub lock_timeout: Duration,
    /// After answering, a database's thread with nothing else to do polls for the next request
    /// this long before it sleeps, which saves a wake-up per query; 0 = off. Units as above,
    /// plus us.
    #[arg(long, env = "DEVDB_IDLE_POLL", default_value = "100us", value_parser = parse_duration)]
    pub idle_poll: Duration,
    /// The role clients connect as.
    #[arg(long, env = "DEVDB_USER", default_value = "postgres")]
    pub user: String,
    /// Require this password (SCRAM-SHA-256); without it every connection is trusted.
    #[arg(long, env = "DEVDB_PASSWORD")]
    pub password: Option<String>,
    #[arg(long, env = "DEVDB_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// More logging (-v: debug, -vv: trace).
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Only errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Run this shell command once ready, with DATABASE_URL set; stop when it exits and exit
    /// with its status.
    #[arg(long, env = "DEVDB_RUN")]
    pub run: Option<String>,
    /// Run this .sql file, or every .sql file of this directory in name order, into the
    /// `postgres` database before announcing readiness; a failing file stops the start.
    #[arg(long, env = "DEVDB_INIT")]
    pub init: Option<PathBuf>,
    /// Connecting to a database that does not exist creates it from this template.
    #[arg(long, env = "DEVDB_AUTO_CREATE_FROM")]
    pub auto_create_from: Option<String>,
    /// With --auto-create-from: only database names matching this glob (e.g. `test_*`).
    #[arg(long, env = "DEVDB_AUTO_CREATE_PATTERN", requires = "auto_create_from")]
    pub auto_create_pattern: Option<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Parses `1500`, `1500ms`, `10s`, `1min`, `2h`, `200us`; plain numbers are milliseconds as in
/// PostgreSQL's timeout settings.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("invalid duration \"{text}\""))?;
    let micros_per_unit: u64 = match unit.trim() {
        "us" => 1,
        "" | "ms" => 1000,
        "s" => 1_000_000,
        "min" | "m" => 60_000_000,
        "h" => 3_600_000_000,
        _ => {
            return Err(format!(
                "invalid duration unit in \"{text}\" (use us, ms, s, min or h)"
            ));
        }
    };
    n.checked_mul(micros_per_unit)
        .map(Duration::from_micros)
        .ok_or_else(|| format!("duration \"{text}\" is out of range"))
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => {
            init_logging(&args);
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("starting the async runtime")?;
            let code = runtime.block_on(crate::server::serve(args))?;
            Ok(ExitCode::from(code))
        }
    }
}

fn init_logging(args: &ServeArgs) {
    let level = match (args.quiet, args.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "debug",
        (false, _) => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("DEVDB_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match args.log_format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_postgresql_units() {
        assert_eq!(parse_duration("1500"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("1min"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("200us"), Ok(Duration::from_micros(200)));
        assert!(parse_duration("ten").is_err());
    }

    #[test]
    fn durations_too_long_for_microseconds_are_errors() {
        assert!(parse_duration("18446744073709551615h").is_err());
        assert!(parse_duration("20000000000000s").is_err());
    }
}
