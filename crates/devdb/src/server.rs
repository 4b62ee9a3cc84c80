//! Wiring: databases, listener, readiness line, signals, `--run`.

use std::io::Write as _;

use anyhow::{Context, Result};
use devdb_exec::{AutoCreate, Databases, EngineConfig, LINGER};
use devdb_wire::ServerConfig;
use tokio::net::{TcpListener, TcpSocket};
use tokio_util::sync::CancellationToken;

use crate::cli::ServeArgs;

/// Raises the soft limit on open files to the hard one, as servers do: every connection holds
/// a few descriptors (its socket, and duplicates for cancel requests and the sender thread), and
/// under a laptop's usual soft limit of 1024 connections past a few hundred went unanswered.
fn raise_open_file_limit() {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    /// Linux's default ceiling (`fs.nr_open`) when the hard limit is unlimited.
    const CEILING: u64 = 1 << 20;
    let limit = getrlimit(Resource::Nofile);
    let target = limit.maximum.unwrap_or(CEILING);
    if limit.current.is_some_and(|current| current < target) {
        let raised = Rlimit {
            current: Some(target),
            maximum: limit.maximum,
        };
        if let Err(err) = setrlimit(Resource::Nofile, raised) {
            tracing::debug!("cannot raise the open file limit to {target}: {err}");
        }
    }
}

/// Runs `devdb serve` until a signal or the `--run` command ends it; returns the exit code.
pub async fn serve(args: ServeArgs) -> Result<u8> {
    raise_open_file_limit();
    // Ephemeral data lives in a temp directory removed when this guard drops.
    let (data_dir, _temp) = match &args.data_dir {
        Some(dir) => (dir.clone(), None),
        None => {
            remove_abandoned_temp_dirs();
            let temp = tempfile::Builder::new()
                .prefix(TEMP_PREFIX)
                .tempdir()
                .context("creating a temporary data directory")?;
            std::fs::write(temp.path().join(OWNER_FILE), std::process::id().to_string())
                .context("writing the temporary data directory's owner file")?;
            (temp.path().to_path_buf(), Some(temp))
        }
    };
    let engine = EngineConfig {
        data_dir: data_dir.clone(),
        ephemeral: args.data_dir.is_none(),
        lock_timeout: args.lock_timeout,
        idle_in_transaction_timeout: args.idle_in_transaction_timeout,
        idle_session_timeout: args.idle_session_timeout,
        auto_create: args.auto_create_from.clone().map(|template| AutoCreate {
            template,
            pattern: args.auto_create_pattern.clone(),
        }),
        linger: LINGER,
        idle_poll: args.idle_poll,
    };
    let databases = Databases::open(engine).map_err(|e| {
        anyhow::anyhow!("opening databases in {}: {}", data_dir.display(), e.message)
    })?;
    if let Some(path) = &args.init {
        crate::init::run(&databases, &args.user, path).await?;
    }
    let listener = listen(&args.host, args.port)
        .await
        .with_context(|| format!("binding {}:{}", args.host, args.port))?;
    let port = listener
        .local_addr()
        .context("reading the bound address")?
        .port();
    let config = ServerConfig {
        max_connections: args.max_connections,
        user: args.user.clone(),
        password: args.password.clone(),
    };
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(devdb_wire::serve(
        listener,
        config,
        databases,
        shutdown.clone(),
    ));

    let url = database_url(&args, port);
    tracing::info!(%url, data_dir = %data_dir.display(), "ready");
    // The readiness signal: the listener is bound and the databases are open.
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "DATABASE_URL={url}").context("writing to stdout")?;
        stdout.flush().context("flushing stdout")?;
    }

    let code = match &args.run {
        Some(command) => {
            let status = tokio::select! {
                status = run_command(command, &url) => status?,
                () = signal() => 0,
            };
            status
        }
        None => {
            signal().await;
            0
        }
    };
    shutdown.cancel();
    server.await.context("server task")?;
    Ok(code)
}

/// Ephemeral data directories are `devdb-*` in the system's temp directory.
const TEMP_PREFIX: &str = "devdb-";
/// Holds the PID of the devdb that owns an ephemeral data directory.
const OWNER_FILE: &str = "devdb.pid";

/// Removes ephemeral data directories whose devdb is gone (killed before it could clean up).
fn remove_abandoned_temp_dirs() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            continue;
        }
        let Ok(owner) = std::fs::read_to_string(path.join(OWNER_FILE)) else {
            continue;
        };
        let alive = owner
            .trim()
            .parse::<u32>()
            .is_ok_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists());
        if !alive {
            tracing::debug!(dir = %path.display(), "removing an abandoned data directory");
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// Binds with a deep accept backlog: an e2e suite opening hundreds of connections at once must
/// not overflow the kernel's queue (the default 128 makes the overflow retry after 1 s).
async fn listen(host: &str, port: u16) -> std::io::Result<TcpListener> {
    let mut last_error = None;
    for addr in tokio::net::lookup_host((host, port)).await? {
        let socket = if addr.is_ipv4() {
            TcpSocket::new_v4()?
        } else {
            TcpSocket::new_v6()?
        };
        socket.set_reuseaddr(true)?;
        match socket.bind(addr).and_then(|()| socket.listen(4096)) {
            Ok(listener) => return Ok(listener),
            Err(err) => last_error = Some(err),
        }
    }
    Err(last_error.unwrap_or_else(|| std::io::Error::other("no address to bind")))
}

fn database_url(args: &ServeArgs, port: u16) -> String {
    let host = if args.host.contains(':') {
        format!("[{}]", args.host)
    } else {
        args.host.clone()
    };
    match &args.password {
        Some(password) => format!(
            "postgres://{}:{}@{host}:{port}/postgres",
            encode(&args.user),
            encode(password)
        ),
        None => format!("postgres://{}@{host}:{port}/postgres", encode(&args.user)),
    }
}

/// Percent-encodes a URL userinfo part.
fn encode(part: &str) -> String {
    part.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Runs `command` through the shell with DATABASE_URL set; returns its exit status.
async fn run_command(command: &str, url: &str) -> Result<u8> {
    let status = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .env("DATABASE_URL", url)
        .status()
        .await
        .with_context(|| format!("running `{command}`"))?;
    Ok(match status.code() {
        Some(code) => u8::try_from(code).unwrap_or(1),
        // Killed by a signal: the shell convention 128 + signal number.
        None => {
            use std::os::unix::process::ExitStatusExt;
            status.signal().map_or(1, |s| (128 + s).min(255) as u8)
        }
    })
}

/// Resolves on SIGINT or SIGTERM.
async fn signal() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(term) => term,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
