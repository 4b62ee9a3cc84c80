//! A throwaway PostgreSQL 15 to compare devdb against (the oracle), and PostgreSQL's programs.
//!
//! One oracle per test process, started on first use and shared; tests isolate themselves
//! with [`Postgres::fresh_database`] or distinct table names. When PostgreSQL 15 is missing the
//! oracle is `None` and the test prints a loud `SKIPPED:` line, unless `CI` is set, where its
//! absence is a failure.
//!
//! Statics are never dropped, so the cluster is stopped by a watchdog process: it waits for
//! end-of-file on a pipe whose write end only this process holds, then runs
//! `pg_ctl stop -m immediate` on our data directory and removes it. That happens however the
//! test process ends, a panic or SIGKILL included.

use std::os::unix::fs::MetadataExt as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

/// The running oracle cluster.
pub struct Postgres {
    port: u16,
    dir: PathBuf,
    /// Held open for the life of the process; its closing tells the watchdog to stop PostgreSQL.
    _watchdog: Mutex<ChildStdin>,
}

impl Postgres {
    /// The shared oracle, started on first call. `None` (after printing `SKIPPED: ...` naming
    /// the current test) when PostgreSQL 15 is not installed and `CI` is not set.
    pub fn start() -> Option<&'static Postgres> {
        static ORACLE: OnceLock<Option<Postgres>> = OnceLock::new();
        let oracle = ORACLE
            .get_or_init(|| pg_installed().then(Postgres::boot))
            .as_ref();
        if oracle.is_none() {
            skip("PostgreSQL 15 not found");
        }
        oracle
    }

    pub fn host(&self) -> &str {
        "127.0.0.1"
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The data directory's parent (holds `data/`, the log and the Unix socket).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> String {
        self.url_for("postgres")
    }

    /// The URL of one database on the oracle.
    pub fn url_for(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// A client on the `postgres` database.
    pub async fn connect(&self) -> tokio_postgres::Client {
        self.connect_to("postgres").await
    }

    /// A client on one database; its connection task runs on the current runtime.
    pub async fn connect_to(&self, database: &str) -> tokio_postgres::Client {
        let url = self.url_for(database);
        let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .unwrap_or_else(|e| panic!("connecting to the oracle at {url}: {e}"));
        tokio::spawn(async move {
            let _ = connection.await;
        });
        client
    }

    /// A raw-wire connection, after startup, to a fresh database.
    pub async fn raw(&self) -> super::rawwire::RawConn {
        let database = self.fresh_database("raw").await;
        super::rawwire::RawConn::startup(self.host(), self.port, "postgres", &database, None).await
    }

    /// Creates an empty database (from template0) and returns its name, for tests that want
    /// a clean slate without coordinating table names.
    pub async fn fresh_database(&self, prefix: &str) -> String {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "{prefix}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let client = self.connect().await;
        client
            .batch_execute(&format!("create database \"{name}\" template template0"))
            .await
            .unwrap_or_else(|e| panic!("creating database {name} on the oracle: {e}"));
        name
    }

    /// initdb, start on a free port, wait until it accepts connections. Panics on failure:
    /// PostgreSQL is installed, so a failure here is a broken environment, not a skip.
    fn boot() -> Postgres {
        let root = is_root();
        let dir = tempfile::Builder::new()
            .prefix("devdb-oracle-")
            .tempdir()
            .unwrap_or_else(|e| panic!("creating the oracle's temp dir: {e}"))
            .keep();
        if root {
            run(
                Command::new("chown").arg("postgres:postgres").arg(&dir),
                "chown",
            );
        }
        let data = dir.join("data");

        // The watchdog goes first, so nothing we start can outlive this process.
        let script = r#"trap '' INT TERM HUP
cat >/dev/null
if [ "$4" = root ]; then
  runuser -u postgres -- "$3" stop -D "$1" -m immediate -w
else
  "$3" stop -D "$1" -m immediate -w
fi >/dev/null 2>&1
rm -rf "$2""#;
        let watchdog = Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg("devdb-oracle-watchdog")
            .arg(&data)
            .arg(&dir)
            .arg(pg_bin("pg_ctl"))
            .arg(if root { "root" } else { "user" })
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group: Ctrl-C or a test runner killing our group must not
            // take the watchdog down with us before it has stopped PostgreSQL.
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("starting the oracle's watchdog: {e}"))
            .stdin
            .take()
            .unwrap_or_else(|| panic!("the watchdog has no stdin"));

        run(
            as_postgres(root, &pg_bin("initdb"))
                .arg("-D")
                .arg(&data)
                .args(["-U", "postgres", "--auth=trust", "-E", "UTF8"])
                .args(["--locale=C.UTF-8", "--no-sync", "--no-instructions"]),
            "initdb",
        );

        let log = dir.join("postgres.log");
        let mut last_error = String::new();
        for _attempt in 0..5 {
            let port = free_port();
            let options = format!(
                "-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} \
                 -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
                 -c max_connections=200",
                dir.display()
            );
            let output = as_postgres(root, &pg_bin("pg_ctl"))
                .arg("start")
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(&log)
                .args(["-w", "-t", "60", "-o", &options])
                .stdin(Stdio::null())
                .output()
                .unwrap_or_else(|e| panic!("running pg_ctl start: {e}"));
            if output.status.success() {
                return Postgres {
                    port,
                    dir,
                    _watchdog: Mutex::new(watchdog),
                };
            }
            // Most likely someone took the port between our probe and the bind: try another.
            last_error = format!(
                "{}{}\n--- {} ---\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr),
                log.display(),
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        panic!("the PostgreSQL oracle did not start:\n{last_error}");
    }
}

/// PostgreSQL's programs: `PG_BIN` if set, else Debian's `/usr/lib/postgresql/15/bin`
/// (the same rule as `xtask::pg::bin`).
pub fn pg_bin(name: &str) -> PathBuf {
    let dir = std::env::var_os("PG_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/postgresql/15/bin"));
    dir.join(name)
}

/// A PostgreSQL client program (psql, pgbench), or `None` after printing `SKIPPED: ...`;
/// missing under `CI` is a failure.
pub fn pg_tool(name: &str) -> Option<PathBuf> {
    let path = pg_bin(name);
    if path.is_file() {
        return Some(path);
    }
    skip(&format!("{name} not found at {}", path.display()));
    None
}

/// True when the server programs are installed.
fn pg_installed() -> bool {
    pg_bin("postgres").is_file() && pg_bin("initdb").is_file() && pg_bin("pg_ctl").is_file()
}

/// Prints the loud skip line, or panics under `CI`, where every test must really run.
pub fn skip(reason: &str) {
    let test = std::thread::current()
        .name()
        .unwrap_or("<unnamed test>")
        .to_owned();
    let hint = "install postgresql-15 or set PG_BIN";
    assert!(
        std::env::var_os("CI").is_none(),
        "{test}: {reason} ({hint}); CI is set, so this is a failure, not a skip"
    );
    // Straight to the stderr handle: libtest captures eprintln! and hides it for passing tests.
    let line = format!("SKIPPED: {reason} ({hint}): {test} did not run\n");
    let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
}

/// Root cannot run initdb or postgres, so as root they run as the `postgres` user.
fn as_postgres(root: bool, program: &Path) -> Command {
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

/// Whether this process runs as root (the owner of /proc/self is our effective uid).
fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap_or_else(|e| panic!("binding a probe socket: {e}"));
    listener
        .local_addr()
        .unwrap_or_else(|e| panic!("probe socket address: {e}"))
        .port()
}

fn run(command: &mut Command, what: &str) {
    let output = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("running {what}: {e}"));
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
