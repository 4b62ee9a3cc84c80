//! Running a SQL script on a database from inside the server (`devdb serve --init`): the text
//! goes through a session of its own, exactly as a client's simple Query would.

use devdb_pg::PgError;
use tokio::sync::oneshot;

use crate::sink::{Keep, Kept};
use crate::{Handle, Op, SessionId, SessionInfo};

/// The session id scripts run as; client sessions start at 1000.
const SCRIPT_SESSION: SessionId = SessionId(1);

/// Runs `statements` one after another in one session on `handle`'s database, each as its own
/// simple Query (as `psql -f` sends them); stops at the first error and returns its index.
pub async fn run_script(
    handle: &Handle,
    user: &str,
    statements: Vec<String>,
) -> Result<(), (usize, PgError)> {
    let (done, result) = oneshot::channel();
    let info = SessionInfo {
        user: user.to_owned(),
        application_name: "devdb --init".into(),
        options: Vec::new(),
    };
    let gone = |_| (0, PgError::admin_shutdown());
    handle
        .adopt(Box::new(move |local| {
            Box::pin(async move {
                // A script listens to nobody: its notifications have no reader.
                let (notifications, _) = tokio::sync::mpsc::unbounded_channel();
                local.open(SCRIPT_SESSION, info, notifications);
                let mut outcome = Ok(());
                for (index, sql) in statements.into_iter().enumerate() {
                    let mut ops = vec![Op::Query { sql }];
                    let error = loop {
                        let sink = Box::new(Kept(FirstError::default()));
                        match local.run(SCRIPT_SESSION, ops, sink).await {
                            // A script has no data stream to give COPY FROM STDIN.
                            Ok(reply) if reply.copy_in => {
                                ops = vec![Op::CopyFail {
                                    message: "devdb --init files cannot send COPY data".into(),
                                }];
                            }
                            Ok(reply) => {
                                let any: Box<dyn std::any::Any> = reply.sink;
                                break any
                                    .downcast::<Kept<FirstError>>()
                                    .ok()
                                    .and_then(|sink| sink.0.0);
                            }
                            Err(err) => break Some(err),
                        }
                    };
                    if let Some(error) = error {
                        outcome = Err((index, error));
                        break;
                    }
                }
                local.close(SCRIPT_SESSION);
                let _ = done.send(outcome);
            })
        }))
        .map_err(|e| (0, e))?;
    result.await.map_err(gone)?
}

/// Keeps the first error of a script's output and nothing else.
#[derive(Default)]
struct FirstError(Option<PgError>);

impl Keep for FirstError {
    fn error(&mut self, err: &PgError) {
        self.0.get_or_insert_with(|| err.clone());
    }
}
