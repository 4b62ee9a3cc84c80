//! Running a SQL script on a database from inside the server (`devdb serve --init`): the text
//! goes through a session of its own, exactly as a client's simple Query would.

use devdb_pg::{Datum, Format, PgError, PgType};
use tokio::sync::oneshot;

use crate::{Column, Handle, Op, SessionId, SessionInfo, Sink, TransactionStatus};

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
                        let sink = Box::new(FirstError::default());
                        match local.run(SCRIPT_SESSION, ops, sink).await {
                            // A script has no data stream to give COPY FROM STDIN.
                            Ok(reply) if reply.copy_in => {
                                ops = vec![Op::CopyFail {
                                    message: "devdb --init files cannot send COPY data".into(),
                                }];
                            }
                            Ok(reply) => {
                                let any: Box<dyn std::any::Any> = reply.sink;
                                break any.downcast::<FirstError>().ok().and_then(|sink| sink.0);
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

impl Sink for FirstError {
    fn parse_complete(&mut self) {}
    fn bind_complete(&mut self) {}
    fn close_complete(&mut self) {}
    fn no_data(&mut self) {}
    fn portal_suspended(&mut self) {}
    fn empty_query(&mut self) {}
    fn parameter_description(&mut self, _: &[PgType]) {}
    fn row_description(&mut self, _: &[Column], _: &[Format]) {}
    fn data_row(&mut self, _: &[Datum<'_>], _: &[Column], _: &[Format]) -> Result<(), PgError> {
        Ok(())
    }
    fn command_complete(&mut self, _: &str) {}
    fn error(&mut self, err: &PgError) {
        self.0.get_or_insert_with(|| err.clone());
    }
    fn notice(&mut self, _: &PgError) {}
    fn parameter_status(&mut self, _: &str, _: &str) {}
    fn ready_for_query(&mut self, _: TransactionStatus) {}
    fn copy_in_response(&mut self, _: usize) {}
    fn copy_out_response(&mut self, _: usize) {}
    fn copy_data(&mut self, _: &[u8]) {}
    fn copy_done(&mut self) {}
    fn notification(&mut self, _: &crate::Notification) {}
}
