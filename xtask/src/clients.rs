//! The real-client suites under `tests/clients/`: each runs against a throwaway PostgreSQL 15
//! first and then against devdb (the freshly built binary on port 0), with the same assertions.
//!
//! Every test of a suite must pass on both servers, except the ones listed in
//! `tests/clients/known-failures.txt` for a server, each with the devdb feature it lacks. A
//! listed test that fails is reported as a known failure (never as a pass); a listed test that
//! passes fails the run ("remove from known failures"), so the list stays true as features land.
//!
//! Every run also gets `ORACLE_URL` (the PostgreSQL cluster) for tests that compare the
//! server's answers with PostgreSQL's directly (catalog rows).
//!
//! The suites report one line per test into a results file (`CLIENT_RESULTS` for pytest's
//! conftest, a node:test reporter for node): `pass|fail|skip <TAB> test <TAB> detail`. Their full
//! output goes to `target/clients/<suite>-<server>.log`. Installs (npm ci, a Python virtualenv)
//! live under `target/clients/` and are redone only when the lockfile or requirements change.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::servers::{self, DevDb, Postgres};

/// The longest one suite may run against one server.
const SUITE_TIMEOUT: Duration = Duration::from_secs(240);

/// The servers each suite runs against, in order: PostgreSQL first, since every test must pass
/// there.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Server {
    Postgres,
    DevDb,
}

impl Server {
    const ALL: [Server; 2] = [Server::Postgres, Server::DevDb];

    /// The name used in known-failures.txt and in log file names.
    fn name(self) -> &'static str {
        match self {
            Server::Postgres => "postgres",
            Server::DevDb => "devdb",
        }
    }
}

/// A client suite: a directory of tests/clients and how to install and run it.
#[derive(Clone, Copy)]
pub enum Suite {
    Node,
    Python,
}

impl Suite {
    pub fn name(self) -> &'static str {
        match self {
            Suite::Node => "node",
            Suite::Python => "python",
        }
    }
}

/// How one test ended on one server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Pass,
    Fail(String),
    Skip(String),
}

/// What a result means once the known failures are applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    KnownFailure(String),
    /// Everything below fails the run.
    Fail(String),
    UnexpectedPass,
    Skipped(String),
    DidNotRun,
}

impl Verdict {
    pub fn is_ok(&self) -> bool {
        matches!(self, Verdict::Pass | Verdict::KnownFailure(_))
    }

    fn cell(&self) -> String {
        match self {
            Verdict::Pass => "pass".into(),
            Verdict::KnownFailure(feature) => format!("known failure: {feature}"),
            Verdict::Fail(detail) => format!("FAIL: {detail}"),
            Verdict::UnexpectedPass => "PASSES: remove from known failures".into(),
            Verdict::Skipped(why) => format!("SKIPPED (not a pass): {why}"),
            Verdict::DidNotRun => "DID NOT RUN".into(),
        }
    }
}

/// The known failures: (server, test) -> the missing feature.
#[derive(Default, Debug)]
pub struct KnownFailures(BTreeMap<(String, String), String>);

impl KnownFailures {
    /// Parses `server | suite/test | missing feature` lines; `#` starts a comment line.
    pub fn parse(text: &str) -> Result<KnownFailures> {
        let mut known = BTreeMap::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.splitn(3, " | ").map(str::trim).collect();
            let [server, test, feature] = fields[..] else {
                bail!(
                    "known-failures.txt line {}: expected `server | suite/test | missing feature`",
                    number + 1
                );
            };
            if !Server::ALL.iter().any(|s| s.name() == server) {
                bail!(
                    "known-failures.txt line {}: unknown server {server:?}",
                    number + 1
                );
            }
            if feature.is_empty() {
                bail!(
                    "known-failures.txt line {}: name the missing feature",
                    number + 1
                );
            }
            let key = (server.to_owned(), test.to_owned());
            if known.insert(key, feature.to_owned()).is_some() {
                bail!(
                    "known-failures.txt line {}: {test} listed twice for {server}",
                    number + 1
                );
            }
        }
        Ok(KnownFailures(known))
    }

    fn get(&self, server: Server, test: &str) -> Option<&String> {
        self.0.get(&(server.name().to_owned(), test.to_owned()))
    }

    /// The tests listed for `server` under `suite/`.
    fn listed(&self, server: Server, suite: Suite) -> impl Iterator<Item = &str> {
        let prefix = format!("{}/", suite.name());
        self.0
            .keys()
            .filter(move |(s, t)| s == server.name() && t.starts_with(&prefix))
            .map(|(_, t)| t.as_str())
    }
}

/// Applies the known failures to one server's results for one suite. `expected` is every test
/// seen on any server, so a test missing from this server's results did not run.
pub fn judge(
    suite: Suite,
    server: Server,
    results: Option<&BTreeMap<String, Status>>,
    expected: &BTreeSet<String>,
    known: &KnownFailures,
) -> BTreeMap<String, Verdict> {
    let mut verdicts = BTreeMap::new();
    let names = expected
        .iter()
        .map(String::as_str)
        .chain(known.listed(server, suite));
    for test in names {
        let listed = known.get(server, test);
        let status = results.and_then(|r| r.get(test));
        let verdict = match (status, listed) {
            (Some(Status::Pass), None) => Verdict::Pass,
            (Some(Status::Pass), Some(_)) => Verdict::UnexpectedPass,
            (Some(Status::Fail(_)), Some(feature)) => Verdict::KnownFailure(feature.clone()),
            (Some(Status::Fail(detail)), None) => Verdict::Fail(detail.clone()),
            (Some(Status::Skip(why)), _) => Verdict::Skipped(why.clone()),
            (None, _) => Verdict::DidNotRun,
        };
        verdicts.insert(test.to_owned(), verdict);
    }
    verdicts
}

/// Parses a results file: `pass|fail|skip <TAB> test <TAB> detail` per line, the test name
/// prefixed with `suite/`.
pub fn parse_results(suite: Suite, text: &str) -> Result<BTreeMap<String, Status>> {
    let mut results = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let mut fields = line.splitn(3, '\t');
        let (Some(status), Some(test)) = (fields.next(), fields.next()) else {
            bail!("malformed result line {line:?}");
        };
        let detail = fields.next().unwrap_or("").trim().to_owned();
        let status = match status {
            "pass" => Status::Pass,
            "fail" => Status::Fail(detail),
            "skip" => Status::Skip(detail),
            other => bail!("unknown result {other:?} in {line:?}"),
        };
        results.insert(format!("{}/{}", suite.name(), test.trim()), status);
    }
    Ok(results)
}

/// Runs the suites and keeps every verdict for the summary table.
pub struct Clients {
    root: PathBuf,
    work: PathBuf,
    devdb_bin: Option<PathBuf>,
    postgres: Option<Postgres>,
    /// (test, server) -> verdict, for the table.
    verdicts: BTreeMap<String, BTreeMap<Server, Verdict>>,
}

impl Clients {
    pub fn new(root: &Path) -> Clients {
        Clients {
            root: root.to_path_buf(),
            work: crate::test::target_dir(root).join("clients"),
            devdb_bin: None,
            postgres: None,
            verdicts: BTreeMap::new(),
        }
    }

    fn dir(&self, suite: Suite) -> PathBuf {
        self.root.join("tests").join("clients").join(suite.name())
    }

    /// Installs and runs one suite on both servers; the error says what failed.
    pub fn run(&mut self, suite: Suite) -> Result<()> {
        std::fs::create_dir_all(&self.work)
            .with_context(|| format!("creating {}", self.work.display()))?;
        let known_path = self.root.join("tests/clients/known-failures.txt");
        let known = match std::fs::read_to_string(&known_path) {
            Ok(text) => KnownFailures::parse(&text)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => KnownFailures::default(),
            Err(e) => return Err(e).context(format!("reading {}", known_path.display())),
        };
        let runner = match suite {
            Suite::Node => self.install_node()?,
            Suite::Python => self.install_python()?,
        };

        let mut results = BTreeMap::new();
        let mut problems = Vec::new();
        for server in Server::ALL {
            match self.run_on(suite, &runner, server) {
                Ok(r) => {
                    results.insert(server, r);
                }
                Err(e) => problems.push(format!("{} on {}: {e:#}", suite.name(), server.name())),
            }
        }
        let expected: BTreeSet<String> = results.values().flat_map(|r| r.keys().cloned()).collect();
        if expected.is_empty() {
            problems.push(format!("{}: no test reported a result", suite.name()));
        }
        let mut failed = 0;
        for server in Server::ALL {
            for (test, verdict) in judge(suite, server, results.get(&server), &expected, &known) {
                if !verdict.is_ok() {
                    failed += 1;
                }
                self.verdicts
                    .entry(test)
                    .or_default()
                    .insert(server, verdict);
            }
        }
        if failed > 0 {
            problems.push(format!(
                "{failed} result(s) neither pass nor a listed known failure (see the table)"
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            bail!("{}", problems.join("; "))
        }
    }

    /// Runs the suite against one server (started here) and reads its results file.
    fn run_on(
        &mut self,
        suite: Suite,
        runner: &Runner,
        server: Server,
    ) -> Result<BTreeMap<String, Status>> {
        let base = format!("{}-{}", suite.name(), server.name());
        let results = self.work.join(format!("{base}.results"));
        let log = self.work.join(format!("{base}.log"));
        let _ = std::fs::remove_file(&results);
        let oracle = self.postgres()?.url();
        let devdb;
        let url = match server {
            Server::Postgres => oracle.clone(),
            Server::DevDb => {
                let bin = self.devdb_bin()?;
                devdb = DevDb::start(&bin, &self.work.join(format!("{base}.devdb.log")))?;
                devdb.url.clone()
            }
        };
        let mut command = runner.command(&results);
        command
            .current_dir(self.dir(suite))
            .env("DATABASE_URL", &url)
            .env("ORACLE_URL", &oracle)
            .env("CLIENT_RESULTS", &results);
        println!(
            "    {} on {} ({url}), log: {}",
            suite.name(),
            server.name(),
            log.display()
        );
        let output = servers::output_within(&mut command, SUITE_TIMEOUT);
        let text = match &output {
            Ok(o) => format!(
                "{}\n--- stderr ---\n{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
            Err(e) => format!("{e:#}"),
        };
        std::fs::write(&log, text).with_context(|| format!("writing {}", log.display()))?;
        output.with_context(|| format!("running the suite (log: {})", log.display()))?;
        let text = std::fs::read_to_string(&results)
            .with_context(|| format!("the suite wrote no results file (log: {})", log.display()))?;
        parse_results(suite, &text)
    }

    fn devdb_bin(&mut self) -> Result<PathBuf> {
        if self.devdb_bin.is_none() {
            self.devdb_bin = Some(crate::test::build_devdb(&self.root)?);
        }
        self.devdb_bin.clone().context("no devdb binary")
    }

    /// The PostgreSQL cluster, started on first use and shared by the suites.
    fn postgres(&mut self) -> Result<&Postgres> {
        if self.postgres.is_none() {
            let postgres = crate::pg::bin("postgres");
            if !postgres.is_file() {
                bail!(
                    "{} not found (install postgresql-15 or set PG_BIN): the client suites \
                     must pass on PostgreSQL 15",
                    postgres.display()
                );
            }
            let (cluster, _) = Postgres::init()?;
            cluster.start()?;
            self.postgres = Some(cluster);
        }
        self.postgres.as_ref().context("no PostgreSQL cluster")
    }

    /// `npm ci` with the committed lockfile into tests/clients/node/node_modules, its cache
    /// under target/clients; skipped when node_modules was installed from this very lockfile.
    fn install_node(&self) -> Result<Runner> {
        let dir = self.dir(Suite::Node);
        let lock = std::fs::read(dir.join("package-lock.json"))
            .context("tests/clients/node/package-lock.json (commit it: npm ci installs from it)")?;
        let stamp = self.work.join("node-installed-lock.json");
        let current =
            dir.join("node_modules").is_dir() && std::fs::read(&stamp).ok() == Some(lock.clone());
        if current {
            println!("    npm packages up to date (package-lock.json unchanged)");
        } else {
            let _ = std::fs::remove_file(&stamp);
            let mut npm = Command::new("npm");
            npm.args(["ci", "--no-audit", "--no-fund", "--cache"])
                .arg(self.work.join("npm-cache"))
                .current_dir(&dir);
            run_checked(&mut npm, "npm ci")?;
            std::fs::write(&stamp, &lock)?;
        }
        Ok(Runner::Node)
    }

    /// The requirements in a virtualenv under target/clients; where `python3 -m venv` is
    /// unavailable (Debian without python3-venv), `pip install --target` and PYTHONPATH.
    /// Redone only when requirements.txt changes.
    fn install_python(&self) -> Result<Runner> {
        let dir = self.dir(Suite::Python);
        let requirements = dir.join("requirements.txt");
        let wanted =
            std::fs::read(&requirements).context("tests/clients/python/requirements.txt")?;
        let stamp = self.work.join("python-installed-requirements.txt");
        let venv = self.work.join("python-venv");
        let site = self.work.join("python-site");
        let venv_python = venv.join("bin").join("python");
        let runner = if venv_python.is_file() {
            Runner::Python {
                python: venv_python.clone(),
                path: None,
            }
        } else if site.is_dir() {
            Runner::Python {
                python: "python3".into(),
                path: Some(site.clone()),
            }
        } else {
            let _ = std::fs::remove_file(&stamp);
            let made = Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .status()
                .is_ok_and(|s| s.success());
            if made {
                Runner::Python {
                    python: venv_python.clone(),
                    path: None,
                }
            } else {
                println!(
                    "    python3 -m venv is unavailable; installing with pip --target instead"
                );
                let _ = std::fs::remove_dir_all(&venv);
                Runner::Python {
                    python: "python3".into(),
                    path: Some(site.clone()),
                }
            }
        };
        if std::fs::read(&stamp).ok() == Some(wanted.clone()) {
            println!("    Python packages up to date (requirements.txt unchanged)");
            return Ok(runner);
        }
        let Runner::Python { python, path } = &runner else {
            bail!("not a Python runner");
        };
        let mut pip = Command::new(python);
        pip.args(["-m", "pip", "install", "-q", "--disable-pip-version-check"]);
        if let Some(site) = path {
            pip.arg("--upgrade").arg("--target").arg(site);
        }
        pip.arg("-r").arg(&requirements);
        run_checked(
            &mut pip,
            "pip install -r tests/clients/python/requirements.txt",
        )
        .context("no pip? on Debian: apt-get install python3-venv")?;
        std::fs::write(&stamp, &wanted)?;
        Ok(runner)
    }

    /// The table of every client test: PostgreSQL's result and devdb's.
    pub fn print_table(&self) {
        if self.verdicts.is_empty() {
            return;
        }
        let rows: Vec<[String; 4]> = self
            .verdicts
            .iter()
            .map(|(test, by_server)| {
                let (client, name) = test.split_once(": ").unwrap_or((test, ""));
                let cell = |s: Server| {
                    by_server
                        .get(&s)
                        .map_or_else(|| "DID NOT RUN".into(), Verdict::cell)
                };
                [
                    client.to_owned(),
                    name.to_owned(),
                    cell(Server::Postgres),
                    cell(Server::DevDb),
                ]
            })
            .collect();
        let header = ["client", "test", "PostgreSQL 15", "devdb"].map(str::to_owned);
        let mut widths = header.clone().map(|h| h.chars().count());
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count().min(70));
            }
        }
        println!("\n==> client suites");
        for row in std::iter::once(&header).chain(&rows) {
            let cells: Vec<String> = row
                .iter()
                .zip(widths)
                .map(|(cell, w)| format!("{cell:<w$}"))
                .collect();
            println!("  {}", cells.join("  ").trim_end());
        }
        let count = |f: fn(&Verdict) -> bool| {
            self.verdicts
                .values()
                .flat_map(|v| v.values())
                .filter(|v| f(v))
                .count()
        };
        println!(
            "  client tests: {} pass, {} known failures, {} other results",
            count(|v| *v == Verdict::Pass),
            count(|v| matches!(v, Verdict::KnownFailure(_))),
            count(|v| !v.is_ok()),
        );
    }
}

/// How to run an installed suite.
enum Runner {
    /// node:test with a reporter writing the results file, the spec reporter for the log.
    Node,
    /// pytest; `path` is the `pip --target` directory when there is no virtualenv.
    Python {
        python: PathBuf,
        path: Option<PathBuf>,
    },
}

impl Runner {
    fn command(&self, results: &Path) -> Command {
        match self {
            Runner::Node => {
                let mut node = Command::new("node");
                node.args([
                    "--test",
                    "--test-timeout=60000",
                    "--test-force-exit",
                    "--test-reporter=spec",
                    "--test-reporter-destination=stdout",
                    "--test-reporter=./lib/reporter.js",
                ])
                .arg(format!("--test-reporter-destination={}", results.display()))
                .arg("test/");
                node
            }
            Runner::Python { python, path } => {
                let mut pytest = Command::new(python);
                pytest.args(["-m", "pytest", "-q", "-p", "no:cacheprovider"]);
                if let Some(path) = path {
                    pytest.env("PYTHONPATH", path);
                }
                pytest
            }
        }
    }
}

/// Runs an install command with its output shown; a failure is an error.
fn run_checked(command: &mut Command, what: &str) -> Result<()> {
    let status = command
        .status()
        .with_context(|| format!("running {what}"))?;
    if !status.success() {
        bail!("{what} exited with {status}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn results(pairs: &[(&str, Status)]) -> BTreeMap<String, Status> {
        pairs
            .iter()
            .map(|(t, s)| ((*t).to_owned(), s.clone()))
            .collect()
    }

    #[test]
    fn known_failures_parse_and_reject_bad_lines() {
        let known =
            KnownFailures::parse("# comment\n\ndevdb | node/pg: arrays | arrays (int4[])\n")
                .expect("parses");
        assert_eq!(
            known.get(Server::DevDb, "node/pg: arrays"),
            Some(&"arrays (int4[])".to_owned())
        );
        assert_eq!(known.get(Server::Postgres, "node/pg: arrays"), None);
        assert!(KnownFailures::parse("devdb | node/pg: arrays\n").is_err());
        assert!(KnownFailures::parse("mysql | node/pg: arrays | x\n").is_err());
        assert!(KnownFailures::parse("devdb | t | x\ndevdb | t | y\n").is_err());
    }

    #[test]
    fn verdicts_keep_the_list_true() {
        let known = KnownFailures::parse(
            "devdb | node/a: listed fails | feature A\n\
             devdb | node/a: listed passes | feature B\n\
             devdb | node/a: listed missing | feature C\n",
        )
        .expect("parses");
        let got = results(&[
            ("node/a: plain pass", Status::Pass),
            ("node/a: plain fail", Status::Fail("boom".into())),
            ("node/a: listed fails", Status::Fail("0A000".into())),
            ("node/a: listed passes", Status::Pass),
            ("node/a: skipped", Status::Skip("why".into())),
        ]);
        let mut expected: BTreeSet<String> = got.keys().cloned().collect();
        expected.insert("node/a: ran only on postgres".into());
        let verdicts = judge(Suite::Node, Server::DevDb, Some(&got), &expected, &known);
        let v = |t: &str| verdicts.get(t).cloned();
        assert_eq!(v("node/a: plain pass"), Some(Verdict::Pass));
        assert_eq!(v("node/a: plain fail"), Some(Verdict::Fail("boom".into())));
        assert_eq!(
            v("node/a: listed fails"),
            Some(Verdict::KnownFailure("feature A".into()))
        );
        assert_eq!(v("node/a: listed passes"), Some(Verdict::UnexpectedPass));
        assert_eq!(v("node/a: listed missing"), Some(Verdict::DidNotRun));
        assert_eq!(v("node/a: skipped"), Some(Verdict::Skipped("why".into())));
        assert_eq!(v("node/a: ran only on postgres"), Some(Verdict::DidNotRun));
        let ok: Vec<&String> = verdicts
            .iter()
            .filter(|(_, v)| v.is_ok())
            .map(|(t, _)| t)
            .collect();
        assert_eq!(ok, ["node/a: listed fails", "node/a: plain pass"]);
        // Nothing listed for PostgreSQL: a failure there is a failure.
        let on_postgres = judge(Suite::Node, Server::Postgres, Some(&got), &expected, &known);
        assert_eq!(
            on_postgres.get("node/a: listed fails"),
            Some(&Verdict::Fail("0A000".into()))
        );
    }

    #[test]
    fn results_file_lines() {
        let parsed = parse_results(
            Suite::Python,
            "pass\tpsycopg: test_a\t\nfail\tpsycopg: test_b\t0A000 COPY is not supported\n",
        )
        .expect("parses");
        assert_eq!(parsed.get("python/psycopg: test_a"), Some(&Status::Pass));
        assert_eq!(
            parsed.get("python/psycopg: test_b"),
            Some(&Status::Fail("0A000 COPY is not supported".into()))
        );
        assert!(parse_results(Suite::Python, "maybe\tx\t\n").is_err());
    }
}
