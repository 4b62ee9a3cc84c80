//! Starting the real `devdb serve` binary and talking to it.
//!
//! Each [`DevDb`] is one server process on a free port; dropping it stops the process
//! (SIGTERM, then SIGKILL), so a failing test never leaves a server behind.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long `devdb serve` may take to print its `DATABASE_URL=` line.
const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a stopped server may take to exit after SIGTERM before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(5);

/// A running `devdb serve --port 0 ...`, stopped on drop.
pub struct DevDb {
    child: Option<Child>,
    url: String,
    host: String,
    port: u16,
    user: String,
    password: Option<String>,
    stderr: Arc<Mutex<String>>,
    stdout: Arc<Mutex<String>>,
}

impl DevDb {
    /// Starts `devdb serve --port 0` plus `args` and waits for its `DATABASE_URL=` line.
    ///
    /// Panics (with the server's stdout and stderr) if the binary cannot be built or started,
    /// exits, or stays silent for 10 seconds.
    pub fn start(args: &[&str]) -> DevDb {
        let mut command = Command::new(devdb_bin());
        command.args(["serve", "--port", "0"]).args(args);
        let password = args
            .iter()
            .position(|a| *a == "--password")
            .and_then(|i| args.get(i + 1))
            .map(|p| (*p).to_owned())
            .or_else(|| {
                args.iter()
                    .find_map(|a| a.strip_prefix("--password="))
                    .map(str::to_owned)
            });
        DevDb::spawn(command, password, READY_TIMEOUT)
            .unwrap_or_else(|e| panic!("devdb serve --port 0 {args:?}: {e}"))
    }

    /// Spawns any command that behaves like `devdb serve` (prints `DATABASE_URL=...` on stdout
    /// when ready) and waits up to `timeout` for that line. The error carries the command's
    /// stdout and stderr. [`DevDb::start`] is this with the real binary; the harness's own
    /// tests use it with stand-ins.
    pub fn spawn(
        mut command: Command,
        password: Option<String>,
        timeout: Duration,
    ) -> Result<DevDb, String> {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let program = command.get_program().to_string_lossy().into_owned();
        let mut child = command
            .spawn()
            .map_err(|e| format!("spawning {program}: {e}"))?;

        let stderr = Arc::new(Mutex::new(String::new()));
        let stdout = Arc::new(Mutex::new(String::new()));
        if let Some(pipe) = child.stderr.take() {
            drain_into(pipe, Arc::clone(&stderr), None);
        }
        let (line_tx, line_rx) = mpsc::channel();
        if let Some(pipe) = child.stdout.take() {
            drain_into(pipe, Arc::clone(&stdout), Some(line_tx));
        }

        let deadline = Instant::now() + timeout;
        let url = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match line_rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(url) = line.trim_end().strip_prefix("DATABASE_URL=") {
                        break url.to_owned();
                    }
                }
                Err(e) => {
                    let reason = match e {
                        mpsc::RecvTimeoutError::Timeout => {
                            format!("no DATABASE_URL= line within {timeout:?}")
                        }
                        mpsc::RecvTimeoutError::Disconnected => {
                            "stdout closed before a DATABASE_URL= line".to_owned()
                        }
                    };
                    let status = terminate(&mut child);
                    // Give the drain threads a moment to collect the last output.
                    std::thread::sleep(Duration::from_millis(50));
                    return Err(format!(
                        "{reason} (then {status})\n--- stdout ---\n{}\n--- stderr ---\n{}",
                        lock(&stdout),
                        lock(&stderr),
                    ));
                }
            }
        };

        let Some((user, host, port)) = parse_url(&url) else {
            terminate(&mut child);
            return Err(format!("unparsable DATABASE_URL: {url:?}"));
        };
        Ok(DevDb {
            child: Some(child),
            url,
            host,
            port,
            user,
            password,
            stderr,
            stdout,
        })
    }

    /// The URL exactly as printed after `DATABASE_URL=`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The URL with the password (if `--password` was given), for clients such as psql.
    pub fn url_with_password(&self) -> String {
        match &self.password {
            Some(p) => self.url.replacen(
                &format!("//{}@", self.user),
                &format!("//{}:{p}@", self.user),
                1,
            ),
            None => self.url.clone(),
        }
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn user(&self) -> &str {
        &self.user
    }

    /// Everything the server wrote to stderr so far (its logs).
    pub fn stderr(&self) -> String {
        lock(&self.stderr).clone()
    }

    /// Everything the server wrote to stdout so far, the `DATABASE_URL=` line included.
    pub fn stdout(&self) -> String {
        lock(&self.stdout).clone()
    }

    /// The server's process id, for signal tests.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map(Child::id).unwrap_or_default()
    }

    /// tokio-postgres settings for this server (user, password, host, port, dbname).
    pub fn config(&self) -> tokio_postgres::Config {
        let mut config: tokio_postgres::Config = self
            .url
            .parse()
            .unwrap_or_else(|e| panic!("tokio-postgres rejects {:?}: {e}", self.url));
        if let Some(p) = &self.password {
            config.password(p);
        }
        config
    }

    /// A connected client; its connection task runs on the current tokio runtime.
    pub async fn connect(&self) -> tokio_postgres::Client {
        match self.try_connect().await {
            Ok(client) => client,
            Err(e) => panic!(
                "connecting to {}: {e:?}\n--- devdb stderr ---\n{}",
                self.url,
                self.stderr()
            ),
        }
    }

    /// Like [`DevDb::connect`], but returns the error, for tests of refused connections.
    pub async fn try_connect(&self) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
        let (client, connection) = self.config().connect(tokio_postgres::NoTls).await?;
        tokio::spawn(async move {
            // The error (if any) reaches the client as a closed connection.
            let _ = connection.await;
        });
        Ok(client)
    }

    /// A raw-wire connection that has completed startup as this server's user.
    pub async fn raw(&self) -> super::rawwire::RawConn {
        super::rawwire::RawConn::startup(
            &self.host,
            self.port,
            &self.user,
            "postgres",
            self.password.as_deref(),
        )
        .await
    }

    /// SIGKILL and wait, for tests that check no shutdown and need not wait for a graceful one.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Sends SIGTERM and waits for the exit (SIGKILL after 5 s); returns the exit status.
    pub fn stop(&mut self) -> ExitStatus {
        let Some(mut child) = self.child.take() else {
            panic!("DevDb::stop called twice");
        };
        terminate(&mut child)
    }
}

impl Drop for DevDb {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            terminate(&mut child);
        }
    }
}

/// SIGTERM, wait up to [`STOP_TIMEOUT`], then SIGKILL. Only ever signals our own child.
fn terminate(child: &mut Child) -> ExitStatus {
    if let Ok(Some(status)) = child.try_wait() {
        return status;
    }
    // The workspace forbids unsafe code, so the signal goes through kill(1).
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .stderr(Stdio::null())
        .status();
    let deadline = Instant::now() + STOP_TIMEOUT;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return status;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    child
        .wait()
        .unwrap_or_else(|e| panic!("waiting for devdb: {e}"))
}

/// Copies a pipe into `sink` line by line on a thread, forwarding lines to `lines` if given.
fn drain_into(
    pipe: impl Read + Send + 'static,
    sink: Arc<Mutex<String>>,
    lines: Option<mpsc::Sender<String>>,
) {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(pipe);
        let mut line = String::new();
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    lock(&sink).push_str(&line);
                    if let Some(tx) = &lines {
                        let _ = tx.send(line.clone());
                    }
                }
            }
        }
    });
}

fn lock(m: &Mutex<String>) -> std::sync::MutexGuard<'_, String> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Splits `postgres://USER[:PW]@HOST:PORT/DB` into (user, host, port); IPv6 hosts in brackets.
pub fn parse_url(url: &str) -> Option<(String, String, u16)> {
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))?;
    let (userinfo, rest) = rest.split_once('@')?;
    let user = userinfo.split(':').next()?.to_owned();
    let authority = rest.split('/').next()?;
    let (host, port) = authority.rsplit_once(':')?;
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    Some((user, host, port.parse().ok()?))
}

/// The devdb binary: `DEVDB_BIN` if set, else built once per test process with
/// `cargo build -p devdb --bin devdb` into the same target directory as this test binary.
pub fn devdb_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("DEVDB_BIN") {
            return PathBuf::from(bin);
        }
        let root = workspace_root();
        let target = target_dir(&root);
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let output = Command::new(&cargo)
            .args(["build", "-q", "-p", "devdb", "--bin", "devdb"])
            .current_dir(&root)
            .env("CARGO_TARGET_DIR", &target)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("running {cargo:?} build: {e}"));
        assert!(
            output.status.success(),
            "cargo build -p devdb failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        target.join("debug").join("devdb")
    })
}

/// The workspace root: the parent of this crate's directory.
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// The target directory this test binary was built in (`<target>/debug/deps/it-HASH`), which
/// is where cargo put everything else; else `CARGO_TARGET_DIR`; else `<root>/target`.
fn target_dir(root: &Path) -> PathBuf {
    let from_exe = std::env::current_exe().ok().and_then(|exe| {
        let deps = exe.parent()?;
        let profile = deps.parent()?;
        (deps.file_name()? == "deps").then(|| profile.parent().map(Path::to_path_buf))?
    });
    from_exe
        .or_else(|| std::env::var_os("CARGO_TARGET_DIR").map(|dir| root.join(dir)))
        .unwrap_or_else(|| root.join("target"))
}

#[cfg(test)]
mod tests {
    use super::parse_url;

    #[test]
    fn parse_url_splits_user_host_port() {
        assert_eq!(
            parse_url("postgres://postgres@127.0.0.1:5432/postgres"),
            Some(("postgres".into(), "127.0.0.1".into(), 5432))
        );
        assert_eq!(
            parse_url("postgres://u:pw@[::1]:6543/db"),
            Some(("u".into(), "::1".into(), 6543))
        );
        assert_eq!(parse_url("mysql://x@y:1/z"), None);
        assert_eq!(parse_url("postgres://x@y/z"), None);
    }
}
