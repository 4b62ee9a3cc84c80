//! Process start to first answered query: what a test suite waits for before its first test.
//!
//! The clock starts just before the command is spawned and stops when `select 1` has been
//! answered on a fresh connection. For devdb the command is `devdb serve --port 0` and the URL
//! comes from its readiness line; for PostgreSQL it is `pg_ctl start` without `-w` (which
//! returns at once) and the URL is polled every millisecond, so pg_ctl's own 100 ms polling
//! interval does not count against it.

use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const POLL_INTERVAL: Duration = Duration::from_millis(1);

pub async fn run(url: Option<&str>, timeout: Duration, hold: bool, argv: &[String]) -> Result<()> {
    let (program, args) = argv.split_first().context("no command to start")?;
    let start = Instant::now();
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(if url.is_some() {
            Stdio::null()
        } else {
            Stdio::piped()
        })
        .kill_on_drop(false);
    let mut child = command
        .spawn()
        .with_context(|| format!("spawning {program}"))?;

    let url = match url {
        Some(url) => url.to_owned(),
        None => {
            let stdout = child.stdout.take().context("child stdout")?;
            let mut lines = BufReader::new(stdout).lines();
            let line = tokio::time::timeout(timeout, async {
                while let Some(line) = lines.next_line().await? {
                    if let Some(url) = line.strip_prefix("DATABASE_URL=") {
                        return Ok(Some(url.to_owned()));
                    }
                }
                Ok::<_, std::io::Error>(None)
            })
            .await;
            let url = match line {
                Ok(Ok(Some(url))) => url,
                Ok(Ok(None)) => bail!("{program} exited without printing DATABASE_URL="),
                Ok(Err(e)) => return Err(e).context("reading the server's stdout"),
                Err(_) => bail!("no DATABASE_URL= line within {} ms", timeout.as_millis()),
            };
            // Keep draining, so a later write by the server never blocks on a full pipe.
            tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
            url
        }
    };

    loop {
        let Err(last_error) = first_answer(&url).await else {
            break;
        };
        if start.elapsed() > timeout {
            crate::report(
                "error",
                format!("no answer within {} ms: {last_error}", timeout.as_millis()),
            );
            stop(&mut child).await;
            return Ok(());
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
    let elapsed = start.elapsed();
    crate::report("ms", format!("{:.3}", elapsed.as_secs_f64() * 1000.0));

    if hold {
        if let Some(pid) = child.id() {
            crate::report("child_pid", pid);
        }
        println!("ready");
        crate::wait_for_stdin_eof().await;
        stop(&mut child).await;
    } else {
        // pg_ctl without -w exits by itself right after launching the postmaster.
        let _ = child.wait().await;
    }
    Ok(())
}

async fn first_answer(url: &str) -> Result<(), String> {
    let (client, task) = crate::connect(url).await.map_err(|e| crate::describe(&e))?;
    client
        .simple_query("select 1")
        .await
        .map_err(|e| crate::describe(&e))?;
    drop(client);
    let _ = task.await;
    Ok(())
}

/// SIGTERM (devdb's graceful stop, which also removes its ephemeral data directory), then
/// SIGKILL if it has not exited within ten seconds.
async fn stop(child: &mut tokio::process::Child) {
    if let Some(pid) = child.id() {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(pid.to_string())
            .status()
            .await;
    }
    if tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .is_err()
    {
        let _ = child.kill().await;
    }
}
