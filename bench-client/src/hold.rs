//! Idle connections held open, so xtask can read the server's resident memory with them.

use anyhow::Result;
use tokio::task::JoinSet;

/// Connections opened at once: enough to be quick, few enough not to be a second storm.
const OPENING_AT_ONCE: usize = 50;

pub async fn run(url: &str, connections: usize) -> Result<()> {
    let mut clients = Vec::with_capacity(connections);
    let mut errors = 0usize;
    let mut first_error = None;
    let mut remaining = connections;
    while remaining > 0 {
        let wave = remaining.min(OPENING_AT_ONCE);
        remaining -= wave;
        let mut set = JoinSet::new();
        for _ in 0..wave {
            let url = url.to_owned();
            set.spawn(async move {
                let (client, task) = crate::connect(&url).await?;
                // A query makes sure the session is fully set up, not just accepted.
                client.simple_query("select 1").await?;
                Ok::<_, tokio_postgres::Error>((client, task))
            });
        }
        while let Some(joined) = set.join_next().await {
            match joined {
                Ok(Ok(pair)) => clients.push(pair),
                Ok(Err(e)) => {
                    errors += 1;
                    first_error.get_or_insert_with(|| crate::describe(&e));
                }
                Err(e) => {
                    errors += 1;
                    first_error.get_or_insert_with(|| format!("task failed: {e}"));
                }
            }
        }
    }
    crate::report("opened", clients.len());
    crate::report("errors", errors);
    if let Some(e) = first_error {
        crate::report("first_error", e);
    }
    println!("ready");
    crate::wait_for_stdin_eof().await;
    for (client, task) in clients {
        drop(client);
        let _ = task.await;
    }
    Ok(())
}
