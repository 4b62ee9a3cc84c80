//! The connection storm: many sessions arriving at once, each doing the least a test does
//! (connect, one query, disconnect). Measures the time until all are served.

use std::time::{Duration, Instant};

use anyhow::Result;
use tokio::task::JoinSet;

pub async fn run(url: &str, sessions: usize, timeout: Duration) -> Result<()> {
    let start = Instant::now();
    let mut set = JoinSet::new();
    for _ in 0..sessions {
        let url = url.to_owned();
        set.spawn(async move {
            match tokio::time::timeout(timeout, session(&url)).await {
                Ok(result) => result,
                Err(_) => Err(format!("no answer within {} ms", timeout.as_millis())),
            }
        });
    }
    let mut errors = 0usize;
    let mut first_error = None;
    while let Some(joined) = set.join_next().await {
        let outcome = joined.unwrap_or_else(|e| Err(format!("session task failed: {e}")));
        if let Err(e) = outcome {
            errors += 1;
            first_error.get_or_insert(e);
        }
    }
    let elapsed = start.elapsed();
    crate::report(
        "elapsed_ms",
        format!("{:.3}", elapsed.as_secs_f64() * 1000.0),
    );
    crate::report("errors", errors);
    if let Some(e) = first_error {
        crate::report("first_error", e);
    }
    Ok(())
}

/// One session: connect, `select 1`, disconnect and wait until the socket is closed.
async fn session(url: &str) -> Result<(), String> {
    let (client, task) = crate::connect(url)
        .await
        .map_err(|e| format!("connect: {}", crate::describe(&e)))?;
    client
        .simple_query("select 1")
        .await
        .map_err(|e| format!("select 1: {}", crate::describe(&e)))?;
    drop(client);
    let _ = task.await;
    Ok(())
}
