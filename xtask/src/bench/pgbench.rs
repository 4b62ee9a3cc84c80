//! pgbench as the client for the throughput rows: its arguments and reading its report.

use std::path::Path;
use std::process::Command;

/// PostgreSQL's built-in scripts the bench uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Script {
    /// `-S`: one primary-key select on pgbench_accounts.
    SelectOnly,
    /// The default TPC-B-like script: three updates, a select and an insert in a transaction.
    TpcbLike,
    /// A script file the caller passes with `-f`.
    File,
}

/// One pgbench run's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    pub script: Script,
    /// `-M simple | extended | prepared`.
    pub mode: &'static str,
    pub clients: u32,
    /// `-C`: a new connection for every transaction.
    pub connect_each: bool,
}

impl Run {
    /// `-j 2` from two clients on: one thread per core of the 2-core machine the issue measures.
    pub fn threads(self) -> u32 {
        if self.clients > 1 { 2 } else { 1 }
    }

    /// The arguments after the connection options: `-n -T secs -M mode -c N -j N [-S] [-C]`.
    pub fn args(self, seconds: u32) -> Vec<String> {
        let mut args = vec![
            "-n".to_owned(),
            "-T".to_owned(),
            seconds.to_string(),
            "-M".to_owned(),
            self.mode.to_owned(),
            "-c".to_owned(),
            self.clients.to_string(),
            "-j".to_owned(),
            self.threads().to_string(),
        ];
        if self.script == Script::SelectOnly {
            args.push("-S".to_owned());
        }
        if self.connect_each {
            args.push("-C".to_owned());
        }
        args
    }
}

/// `pgbench -h 127.0.0.1 -p PORT -U postgres ARGS DATABASE`.
pub fn command(pgbench: &Path, port: u16, database: &str, args: &[String]) -> Command {
    let mut command = Command::new(pgbench);
    command
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-U", "postgres"])
        .args(args)
        .arg(database)
        // A user's PG* settings must not redirect or reshape the run.
        .env_remove("PGHOST")
        .env_remove("PGPORT")
        .env_remove("PGUSER")
        .env_remove("PGDATABASE")
        .env_remove("PGOPTIONS");
    command
}

/// The tps figure of a pgbench report (`tps = 12345.678901 (without initial connection
/// time)`; with `-C` it is `(including reconnection times)`, i.e. sessions per second).
/// A failed run gives its first error line instead.
pub fn parse_tps(stdout: &str, stderr: &str, success: bool) -> Result<f64, String> {
    let error_line = || {
        stderr
            .lines()
            .chain(stdout.lines())
            .find(|l| l.contains("error") || l.contains("ERROR") || l.contains("FATAL"))
            .map(|l| l.trim().trim_start_matches("pgbench: ").to_owned())
    };
    if !success {
        return Err(error_line().unwrap_or_else(|| {
            format!(
                "pgbench failed: {}",
                stderr.lines().last().unwrap_or("no output")
            )
        }));
    }
    let tps = stdout
        .lines()
        .find_map(|line| line.trim().strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|number| number.parse::<f64>().ok());
    match tps {
        Some(tps) => Ok(tps),
        None => Err(error_line().unwrap_or_else(|| "no tps line in pgbench's output".to_owned())),
    }
}
