//! Runs PostgreSQL's client programs (psql, pgbench) against a URL with a time limit, and
//! reads pgbench's report.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

/// What a client program did.
#[derive(Debug)]
pub struct Run {
    pub success: bool,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Panics with the program's output unless it exited 0.
    pub fn assert_success(&self, what: &str) -> &Run {
        assert!(
            self.success,
            "{what} failed (exit {:?})\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }
}

/// Runs `program args...` with stdin closed; kills it and panics after `limit`.
pub async fn run(program: &Path, args: &[&str], limit: Duration) -> Run {
    let mut command = tokio::process::Command::new(program);
    command
        .args(args)
        .env("PGCONNECT_TIMEOUT", "10")
        .env_remove("PGPASSWORD")
        .env_remove("PGSERVICE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = command
        .spawn()
        .unwrap_or_else(|e| panic!("spawning {}: {e}", program.display()));
    let output = tokio::time::timeout(limit, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("{} {args:?} ran longer than {limit:?}", program.display()))
        .unwrap_or_else(|e| panic!("waiting for {}: {e}", program.display()));
    Run {
        success: output.status.success(),
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `psql URL -X -v ON_ERROR_STOP=1 ARGS...` (no psqlrc, errors stop a script).
pub async fn psql(psql: &Path, url: &str, args: &[&str]) -> Run {
    let mut all = vec![url, "-X", "-v", "ON_ERROR_STOP=1"];
    all.extend_from_slice(args);
    run(psql, &all, Duration::from_secs(30)).await
}

/// The numbers a pgbench run reports.
#[derive(Debug, PartialEq, Eq)]
pub struct PgbenchReport {
    pub processed: u64,
    pub failed: u64,
}

/// Reads `number of transactions actually processed: N` and
/// `number of failed transactions: N (x%)` from pgbench's stdout.
pub fn parse_pgbench(stdout: &str) -> Option<PgbenchReport> {
    let number_after = |prefix: &str| -> Option<u64> {
        let line = stdout.lines().find_map(|l| l.trim().strip_prefix(prefix))?;
        let digits: String = line
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    };
    Some(PgbenchReport {
        processed: number_after("number of transactions actually processed:")?,
        failed: number_after("number of failed transactions:")?,
    })
}

/// `pgbench -i -I dtGvp -s 1 URL`: drop, create tables, generate data server-side, vacuum,
/// primary keys.
pub async fn pgbench_init(pgbench: &Path, url: &str) -> Run {
    run(
        pgbench,
        &["-i", "-I", "dtGvp", "-s", "1", url],
        Duration::from_secs(120),
    )
    .await
}

/// One bounded pgbench run: `-n -T seconds -c 4 -j 2 -M mode` plus `-S` when `select_only`;
/// asserts it exited 0 and returns its report.
pub async fn pgbench_run(
    pgbench: &Path,
    url: &str,
    mode: &str,
    select_only: bool,
    seconds: u32,
) -> (PgbenchReport, Run) {
    let secs = seconds.to_string();
    let mut args = vec!["-n", "-T", &secs, "-c", "4", "-j", "2", "-M", mode];
    if select_only {
        args.push("-S");
    }
    args.push(url);
    let limit = Duration::from_secs(u64::from(seconds) + 60);
    let run = run(pgbench, &args, limit).await;
    run.assert_success(&format!("pgbench {args:?}"));
    let report = parse_pgbench(&run.stdout).unwrap_or_else(|| {
        panic!(
            "pgbench {args:?} printed no report:\n{}\n{}",
            run.stdout, run.stderr
        )
    });
    (report, run)
}

#[cfg(test)]
mod tests {
    use super::{PgbenchReport, parse_pgbench};

    #[test]
    fn parse_pgbench_reads_processed_and_failed() {
        let out = "transaction type: <builtin: select only>\n\
                   number of transactions actually processed: 12345\n\
                   number of failed transactions: 0 (0.000%)\n\
                   tps = 4113.2 (without initial connection time)\n";
        assert_eq!(
            parse_pgbench(out),
            Some(PgbenchReport {
                processed: 12345,
                failed: 0
            })
        );
        assert_eq!(parse_pgbench("pgbench: error: connection refused"), None);
    }
}
