//! The two servers under test (by the benchmark and the client suites) and the processes around
//! them: devdb started from a built binary, a throwaway PostgreSQL 15 cluster (initdb into a temp dir, free port, fsync off),
//! resident memory from `/proc`, and child processes run with a deadline.
//!
//! Only processes started here are ever signalled, always by their own pid.

use std::io::{BufRead as _, BufReader};
use std::os::unix::fs::MetadataExt as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The most connections any row opens (1000) plus room for the bench's own.
pub const MAX_CONNECTIONS: u32 = 1100;

/// A running `devdb serve --port 0`.
pub struct DevDb {
    child: Child,
    pub url: String,
    pub port: u16,
}

impl DevDb {
    /// Starts devdb and waits for its `DATABASE_URL=` line; its log goes to `log`.
    pub fn start(binary: &Path, log: &Path) -> Result<DevDb> {
        let log_file = std::fs::File::create(log)
            .with_context(|| format!("creating devdb's log {}", log.display()))?;
        let mut child = Command::new(binary)
            .args(["serve", "--port", "0", "--max-connections"])
            .arg(MAX_CONNECTIONS.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log_file)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let stdout = child.stdout.take().context("devdb's stdout")?;
        let (tx, rx) = mpsc::channel();
        // Reads the readiness line, then keeps draining so devdb never blocks on a full pipe.
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(url) = line.strip_prefix("DATABASE_URL=") {
                    let _ = tx.send(url.to_owned());
                }
            }
        });
        let url = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(url) => url,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                bail!(
                    "devdb printed no DATABASE_URL= line within 30 s (log: {})",
                    log.display()
                );
            }
        };
        let port = port_of(&url).with_context(|| format!("no port in {url}"))?;
        Ok(DevDb { child, url, port })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM (graceful: devdb removes its ephemeral data), SIGKILL after ten seconds.
    pub fn stop(mut self) -> Result<()> {
        terminate(&mut self.child)
    }
}

impl Drop for DevDb {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = terminate(&mut self.child);
        }
    }
}

/// Sends SIGTERM to a child we started, waits up to ten seconds, then kills it.
pub fn terminate(child: &mut Child) -> Result<()> {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if child.try_wait()?.is_some() {
            return Ok(());
        }
        thread::sleep(Duration::from_millis(10));
    }
    child
        .kill()
        .context("killing a child that ignored SIGTERM")?;
    child.wait()?;
    Ok(())
}

/// The port of a `postgres://user@host:PORT/db` URL.
pub fn port_of(url: &str) -> Option<u16> {
    let after_host = url.rsplit_once('@').map_or(url, |(_, rest)| rest);
    let host_port = after_host.split('/').next()?;
    host_port.rsplit_once(':')?.1.parse().ok()
}

/// A throwaway PostgreSQL 15 cluster. A watchdog shell stops it and removes its directory when
/// this process ends, however it ends (Ctrl-C and panics included).
pub struct Postgres {
    pub dir: PathBuf,
    pub data: PathBuf,
    pub port: u16,
    root: bool,
    watchdog: Option<(Child, ChildStdin)>,
}

impl Postgres {
    /// Creates the temp dir and runs initdb; returns the cluster (not started) and initdb's
    /// wall time.
    pub fn init() -> Result<(Postgres, Duration)> {
        let root = is_root();
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let dir =
            std::env::temp_dir().join(format!("devdb-xtask-pg-{}-{stamp}", std::process::id()));
        std::fs::create_dir(&dir).with_context(|| format!("creating {}", dir.display()))?;
        if root {
            // initdb refuses to run as root, so the cluster belongs to `postgres`.
            run_ok(
                Command::new("chown").arg("postgres:postgres").arg(&dir),
                "chown postgres:postgres on the cluster's temp dir",
            )?;
        }
        let data = dir.join("data");

        // The watchdog goes first, so nothing we start can outlive this process.
        let script = r#"trap '' INT TERM HUP
cat >/dev/null
if [ "$4" = root ]; then
  runuser -u postgres -- "$3" stop -D "$1" -m fast -w
else
  "$3" stop -D "$1" -m fast -w
fi >/dev/null 2>&1
rm -rf "$2""#;
        let mut watchdog = Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg("devdb-xtask-pg-watchdog")
            .arg(&data)
            .arg(&dir)
            .arg(crate::pg::bin("pg_ctl"))
            .arg(if root { "root" } else { "user" })
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group: Ctrl-C must not take it down before it has stopped
            // PostgreSQL.
            .process_group(0)
            .spawn()
            .context("starting the PostgreSQL watchdog")?;
        let stdin = watchdog.stdin.take().context("the watchdog's stdin")?;
        let mut postgres = Postgres {
            dir,
            data,
            port: 0,
            root,
            watchdog: Some((watchdog, stdin)),
        };

        let start = Instant::now();
        let mut initdb = postgres.as_postgres(&crate::pg::bin("initdb"));
        initdb
            .arg("-D")
            .arg(&postgres.data)
            .args(["-U", "postgres", "--auth=trust", "-E", "UTF8"])
            .args(["--locale=C.UTF-8", "--no-sync", "--no-instructions"]);
        run_ok(&mut initdb, "initdb")?;
        let took = start.elapsed();
        postgres.port = free_port()?;
        Ok((postgres, took))
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// The server options: loopback only, socket in our dir, no durability, room for the
    /// 1000-connection rows.
    fn options(&self) -> String {
        format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} \
             -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
             -c max_connections={MAX_CONNECTIONS}",
            self.port,
            self.dir.display()
        )
    }

    /// `pg_ctl start` as the argv a timing client runs: `--no-wait` when `wait` is false.
    pub fn start_argv(&self, wait: bool) -> Vec<String> {
        let mut argv = Vec::new();
        if self.root {
            argv.extend(["runuser", "-u", "postgres", "--"].map(str::to_owned));
        }
        argv.push(crate::pg::bin("pg_ctl").display().to_string());
        argv.push("start".to_owned());
        argv.push(if wait { "-w" } else { "--no-wait" }.to_owned());
        argv.extend(["-t", "60", "-D"].map(str::to_owned));
        argv.push(self.data.display().to_string());
        argv.push("-l".to_owned());
        argv.push(self.dir.join("postgres.log").display().to_string());
        argv.push("-o".to_owned());
        argv.push(self.options());
        argv
    }

    /// `pg_ctl start -w`.
    pub fn start(&self) -> Result<()> {
        let argv = self.start_argv(true);
        let (program, args) = argv.split_first().context("empty argv")?;
        run_ok(Command::new(program).args(args), "pg_ctl start").with_context(|| {
            let log = std::fs::read_to_string(self.dir.join("postgres.log")).unwrap_or_default();
            format!("PostgreSQL's log:\n{log}")
        })
    }

    /// `pg_ctl stop -m fast -w`, when it is running.
    pub fn stop(&self) -> Result<()> {
        if self.postmaster_pid().is_none() {
            return Ok(());
        }
        let mut stop = self.as_postgres(&crate::pg::bin("pg_ctl"));
        stop.arg("stop")
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "fast", "-w"]);
        run_ok(&mut stop, "pg_ctl stop")
    }

    /// The postmaster's pid from `postmaster.pid`, when the cluster runs.
    pub fn postmaster_pid(&self) -> Option<u32> {
        let text = std::fs::read_to_string(self.data.join("postmaster.pid")).ok()?;
        text.lines().next()?.trim().parse().ok()
    }

    /// Stops the cluster and removes its directory (the watchdog does both), and waits.
    pub fn shut_down(mut self) -> Result<()> {
        self.finish_watchdog()
    }

    fn finish_watchdog(&mut self) -> Result<()> {
        if let Some((mut child, stdin)) = self.watchdog.take() {
            drop(stdin);
            child
                .wait()
                .context("waiting for the PostgreSQL watchdog")?;
        }
        Ok(())
    }

    fn as_postgres(&self, program: &Path) -> Command {
        if self.root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self.finish_watchdog();
    }
}

/// A process's memory: resident (VmRSS, what the issue's targets use) and proportional
/// (Pss: shared pages divided among the processes mapping them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Memory {
    pub rss: u64,
    pub pss: u64,
}

impl std::ops::Add for Memory {
    type Output = Memory;
    fn add(self, other: Memory) -> Memory {
        Memory {
            rss: self.rss + other.rss,
            pss: self.pss + other.pss,
        }
    }
}

/// One process's memory, in bytes; `None` when it is gone.
pub fn memory(pid: u32) -> Option<Memory> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    Some(Memory {
        rss: kb_field(&status, "VmRSS:")?,
        pss: kb_field(&rollup, "Pss:").unwrap_or(0),
    })
}

/// A `Name:   1234 kB` line of a `/proc` file, in bytes.
pub fn kb_field(text: &str, name: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(name))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The memory of a process plus all of its direct children (PostgreSQL's postmaster and its
/// backends and helpers). In the VmRSS sum, shared memory touched by several processes
/// counts once per process; the Pss sum counts it once.
pub fn memory_with_children(pid: u32) -> Option<Memory> {
    let mut total = memory(pid)?;
    let entries = std::fs::read_dir("/proc").ok()?;
    for entry in entries.flatten() {
        let Some(child) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else {
            continue;
        };
        if parent_of(&stat) == Some(pid) {
            total = total + memory(child).unwrap_or_default();
        }
    }
    Some(total)
}

/// The ppid field of `/proc/PID/stat` (after the parenthesised command name, which may itself
/// contain spaces or parentheses).
pub fn parent_of(stat: &str) -> Option<u32> {
    let (_, rest) = stat.rsplit_once(')')?;
    rest.split_whitespace().nth(1)?.parse().ok()
}

/// A port nobody listens on right now.
pub fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("binding a probe socket")?;
    Ok(listener.local_addr()?.port())
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Runs a command to completion; a non-zero exit is an error carrying its output.
pub fn run_ok(command: &mut Command, what: &str) -> Result<()> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {what}"))?;
    if !output.status.success() {
        bail!(
            "{what} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// Runs a command with a deadline: past it the child is killed and the run is an error, so
/// a hung server cannot hang the benchmark.
pub fn output_within(command: &mut Command, timeout: Duration) -> Result<Output> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("spawning")?;
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("no result within {} s", timeout.as_secs());
        }
        thread::sleep(Duration::from_millis(10));
    };
    Ok(Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

fn drain<R: std::io::Read + Send + 'static>(pipe: Option<R>) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

/// A bench-client run that holds something open (idle connections, a started server) until
/// released: it prints `key=value` lines, then `ready`.
pub struct Held {
    child: Child,
    stdin: Option<ChildStdin>,
    pub values: Vec<(String, String)>,
}

impl Held {
    /// Spawns the command and waits (up to `timeout`) for its `ready` line.
    pub fn start(command: &mut Command, timeout: Duration) -> Result<Held> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("spawning bench-client")?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().context("bench-client's stdout")?;
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + timeout;
        let mut values = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) if line == "ready" => break,
                Ok(line) => values.extend(parse_kv(&line)),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    bail!("bench-client was not ready within {} s", timeout.as_secs());
                }
                // Exited early: an `error=` line says why.
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        Ok(Held {
            child,
            stdin,
            values,
        })
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Closes its stdin (the release signal) and waits for it to exit.
    pub fn release(mut self) -> Result<()> {
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        bail!("bench-client did not exit within 60 s of being released")
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// `key=value` lines as pairs; other lines are ignored.
pub fn parse_kv(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// A process's CPU time so far (utime + stime of `/proc/PID/stat`, all its threads), in clock
/// ticks; `None` when it is gone.
pub fn cpu_ticks(pid: u32) -> Option<u64> {
    stat_cpu_ticks(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// utime + stime (fields 14 and 15) of a `/proc/PID/stat` text.
pub fn stat_cpu_ticks(stat: &str) -> Option<u64> {
    let (_, rest) = stat.rsplit_once(')')?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3 (state), so field N is at index N - 3.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// (busy, total) CPU ticks of the whole machine.
pub type MachineTicks = (u64, u64);

/// The machine's (busy, total) CPU ticks from the `cpu` line of `/proc/stat`.
pub fn machine_ticks() -> Option<MachineTicks> {
    proc_stat_ticks(&std::fs::read_to_string("/proc/stat").ok()?)
}

/// (busy, total) of the first `cpu ` line of a `/proc/stat` text: idle and iowait are not busy.
pub fn proc_stat_ticks(text: &str) -> Option<MachineTicks> {
    let line = text.lines().find(|l| l.starts_with("cpu "))?;
    let values: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|v| v.parse().ok())
        .collect::<Option<_>>()?;
    // user nice system idle iowait irq softirq steal [guest guest_nice, already in user/nice]
    let total: u64 = values.iter().take(8).sum();
    let idle = values.get(3)? + values.get(4).copied().unwrap_or(0);
    Some((total - idle, total))
}

/// CPU use between two readings, for the log: the process's share in percent of one core
/// (100 Hz clock ticks), and how busy the whole machine was in percent of all its cores.
pub fn cpu_use(
    seconds: f64,
    process: (Option<u64>, Option<u64>),
    machine: (Option<MachineTicks>, Option<MachineTicks>),
) -> String {
    let mut parts = Vec::new();
    if let (Some(before), Some(after)) = process
        && seconds > 0.0
    {
        let percent = after.saturating_sub(before) as f64 / 100.0 / seconds * 100.0;
        parts.push(format!("server {percent:.0}% of a core"));
    }
    if let (Some((busy0, total0)), Some((busy1, total1))) = machine
        && total1 > total0
    {
        let percent = busy1.saturating_sub(busy0) as f64 / (total1 - total0) as f64 * 100.0;
        parts.push(format!("machine {percent:.0}% busy"));
    }
    parts.join(", ")
}
