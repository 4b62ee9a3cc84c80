//! One connection's task: startup, then batches. Messages are gathered into a batch until Sync,
//! Flush or a simple Query, and only then sent to the engine, so a client that stalls halfway
//! through a pipeline holds nothing but its own buffer.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bytes::BytesMut;
use devdb_exec::{Local, Notification, Op, Sink};
use devdb_pg::PgError;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::OwnedSemaphorePermit;
use tokio::sync::mpsc::UnboundedReceiver;
use tracing::Instrument;

use crate::backend;
use crate::codec::{self, FrontendMessage};
use crate::encode::Encoder;
use crate::sender::{self, Outbox};
use crate::server::Shared;
use crate::startup::{self, Established, Refusal};

/// How long to wait for a client to read a final error before the socket is dropped.
const LINGER: Duration = Duration::from_millis(200);

pub(crate) async fn run(
    shared: Arc<Shared>,
    mut stream: TcpStream,
    permit: Option<OwnedSemaphorePermit>,
) {
    let mut buf = BytesMut::with_capacity(8192);
    let mut out = BytesMut::with_capacity(8192);
    let established =
        startup::handshake(&shared, &mut stream, &mut buf, &mut out, permit.is_some()).await;
    let session = match established {
        Ok(session) => session,
        Err(Refusal::Error(err)) => {
            backend::error_response(&mut out, &err);
            close_with(&mut stream, &out).await;
            return;
        }
        Err(Refusal::Silent) => return,
    };
    // The rest of the session runs on its database's thread, beside the engine.
    let (stream, watched) = match stream.into_std().and_then(|s| {
        let watched = s.try_clone()?;
        Ok((s, watched))
    }) {
        Ok(streams) => streams,
        Err(err) => {
            tracing::warn!("cannot move the connection to its database: {err}");
            return;
        }
    };
    let busy = Arc::new(AtomicBool::new(false));
    shared.cancels.register(
        session.pid,
        session.secret,
        session.cancel.clone(),
        busy.clone(),
        watched,
    );
    let registered = Registered {
        shared: shared.clone(),
        pid: session.pid,
    };
    let handle = session.handle.clone();
    // When the database is shutting down the task is dropped, and the connection with it.
    let _ = handle.adopt(Box::new(move |local| {
        Box::pin(serve_on_database_thread(
            registered, stream, buf, out, session, local, busy, permit,
        ))
    }));
}

/// A session's entry in the cancel registry, removed when the session's task ends or is
/// dropped unrun: the entry holds a descriptor of the connection, which must not outlive it.
struct Registered {
    shared: Arc<Shared>,
    pid: i32,
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.shared.cancels.unregister(self.pid);
    }
}

/// The session after startup, on its database's thread.
#[allow(clippy::too_many_arguments)]
async fn serve_on_database_thread(
    registered: Registered,
    stream: std::net::TcpStream,
    buf: BytesMut,
    out: BytesMut,
    session: Established,
    local: Local,
    busy: Arc<AtomicBool>,
    permit: Option<OwnedSemaphorePermit>,
) {
    let shared = registered.shared.clone();
    let (pid, id) = (session.pid, session.id);
    let span = tracing::info_span!("session", pid, user = %session.info.user, app = %session.info.application_name);
    async {
        let Ok(mut stream) = TcpStream::from_std(stream) else {
            return;
        };
        local.watch(&stream);
        let (notify, notifications) = tokio::sync::mpsc::unbounded_channel();
        local.open(id, session.info.clone(), notify);
        tracing::debug!("session started");
        let end = Connection {
            shared: &shared,
            terminated: session.terminate.clone(),
            stream: &mut stream,
            buf,
            session,
            local: local.clone(),
            busy,
            notifications,
            held: Vec::new(),
            outbox: None,
        }
        .serve(out)
        .await;
        tracing::debug!(?end, "session ended");
        // Rolls back whatever the session left open and releases its locks at once.
        local.close(id);
    }
    .instrument(span)
    .await;
    drop(registered);
    drop(permit);
}

#[derive(Debug)]
enum End {
    Terminate,
    ClientGone,
    Fatal,
}

struct Connection<'a> {
    shared: &'a Shared,
    /// Fired by pg_terminate_backend, or DROP DATABASE ... WITH (FORCE) on its database.
    terminated: tokio_util::sync::CancellationToken,
    stream: &'a mut TcpStream,
    buf: BytesMut,
    session: Established,
    local: Local,
    busy: Arc<AtomicBool>,
    /// NOTIFYs of other sessions on channels this one listens on.
    notifications: UnboundedReceiver<Notification>,
    /// Notifications that arrived inside a transaction: PostgreSQL delivers them after it.
    held: Vec<Notification>,
    /// Where answers inside a transaction block go out (`sender.rs`), from the first one.
    outbox: Option<Arc<Outbox>>,
}

/// The timers that apply while the session waits for its client.
struct Idle {
    in_transaction: bool,
    in_transaction_timeout: Option<Duration>,
    session_timeout: Option<Duration>,
}

impl Connection<'_> {
    async fn serve(mut self, greeting: BytesMut) -> End {
        let mut encoder = Box::new(Encoder { out: greeting });
        let mut ops: Vec<Op> = Vec::new();
        // While a COPY FROM STDIN runs: the data the client has sent so far.
        let mut copy: Option<BytesMut> = None;
        let mut idle = Idle {
            in_transaction: false,
            in_transaction_timeout: self.session.start.idle_in_transaction_timeout,
            session_timeout: self.session.start.idle_session_timeout,
        };
        loop {
            // Everything complete in the buffer runs before anything is written, so a pipelined
            // client gets all its answers in one write.
            loop {
                let message = match codec::read_message(&mut self.buf) {
                    Ok(Some(message)) => message,
                    Ok(None) => break,
                    Err(err) => return self.fatal(encoder, &err).await,
                };
                let message = match copy.as_mut() {
                    Some(data) => match copy_message(data, message) {
                        CopyStep::More => continue,
                        CopyStep::Terminate => return End::Terminate,
                        CopyStep::End(op) => {
                            copy = None;
                            ops.push(op);
                            None
                        }
                    },
                    None => Some(message),
                };
                let ends_batch = match message {
                    None => true,
                    Some(message) => match message {
                        FrontendMessage::Terminate => return End::Terminate,
                        FrontendMessage::Query { sql } => {
                            ops.push(Op::Query { sql });
                            true
                        }
                        FrontendMessage::Parse {
                            name,
                            sql,
                            param_types,
                        } => {
                            ops.push(Op::Parse {
                                name,
                                sql,
                                param_types,
                            });
                            false
                        }
                        FrontendMessage::Bind {
                            portal,
                            statement,
                            param_formats,
                            params,
                            result_formats,
                        } => {
                            let param_formats =
                                match codec::resolve_formats(&param_formats, params.len()) {
                                    Ok(f) => f,
                                    Err(err) => return self.fatal(encoder, &err).await,
                                };
                            ops.push(Op::Bind {
                                portal,
                                statement,
                                param_formats,
                                params,
                                result_formats,
                            });
                            false
                        }
                        FrontendMessage::Describe { target, name } => {
                            ops.push(Op::Describe {
                                target: target.into_exec(),
                                name,
                            });
                            false
                        }
                        FrontendMessage::Execute { portal, max_rows } => {
                            ops.push(Op::Execute {
                                portal,
                                max_rows: u32::try_from(max_rows).unwrap_or(0),
                            });
                            false
                        }
                        FrontendMessage::Close { target, name } => {
                            ops.push(Op::Close {
                                target: target.into_exec(),
                                name,
                            });
                            false
                        }
                        FrontendMessage::Sync => {
                            ops.push(Op::Sync);
                            true
                        }
                        FrontendMessage::Flush => {
                            ops.push(Op::Flush);
                            true
                        }
                        // Outside COPY these are ignored, as the protocol says.
                        FrontendMessage::CopyData { .. }
                        | FrontendMessage::CopyDone
                        | FrontendMessage::CopyFail { .. } => false,
                        FrontendMessage::Password { .. } => {
                            let err = PgError::protocol_violation(
                                "unexpected password message after authentication",
                            );
                            return self.fatal(encoder, &err).await;
                        }
                    },
                };
                if ends_batch {
                    self.busy.store(true, Ordering::Release);
                    let sink: Box<dyn Sink> = encoder;
                    let reply = self
                        .local
                        .run(self.session.id, std::mem::take(&mut ops), sink)
                        .await;
                    self.busy.store(false, Ordering::Release);
                    let reply = match reply {
                        Ok(reply) => reply,
                        Err(err) => {
                            return self.fatal(Box::default(), &err).await;
                        }
                    };
                    encoder = reclaim(reply.sink);
                    if reply.copy_in {
                        copy = Some(BytesMut::new());
                    }
                    if !reply.in_transaction {
                        for note in self.held.drain(..) {
                            encoder.notification(&note);
                        }
                    }
                    idle = Idle {
                        in_transaction: reply.in_transaction,
                        in_transaction_timeout: reply.idle_in_transaction_timeout,
                        session_timeout: reply.idle_session_timeout,
                    };
                    if reply.close {
                        self.close(&encoder.out).await;
                        return End::Fatal;
                    }
                }
            }
            if !encoder.out.is_empty() {
                if !self.hand_over(idle.in_transaction, &encoder.out)
                    && self.write(&encoder.out).await.is_err()
                {
                    return End::ClientGone;
                }
                encoder.out.clear();
            }
            let timeout = if idle.in_transaction {
                idle.in_transaction_timeout
            } else {
                idle.session_timeout
            };
            let stream = &mut *self.stream;
            let buf = &mut self.buf;
            let outbox = self.outbox.as_deref();
            let returned = async move {
                match outbox {
                    Some(outbox) => outbox.returned().await,
                    None => std::future::pending().await,
                }
            };
            let read = async move {
                match timeout {
                    Some(t) => tokio::time::timeout(t, stream.read_buf(buf)).await.ok(),
                    None => Some(stream.read_buf(buf).await),
                }
            };
            // Biased: a terminated session must not run one more query that was already waiting.
            let woke = tokio::select! {
                biased;
                () = self.shared.shutdown.cancelled() => Woke::Shutdown,
                () = self.terminated.cancelled() => Woke::Shutdown,
                Some(note) = self.notifications.recv() => Woke::Notification(note),
                () = returned => Woke::Returned,
                outcome = read => Woke::Read(outcome),
            };
            let outcome = match woke {
                Woke::Read(outcome) => outcome,
                Woke::Returned => {
                    if self.write(&[]).await.is_err() {
                        return End::ClientGone;
                    }
                    continue;
                }
                Woke::Notification(note) if idle.in_transaction => {
                    self.held.push(note);
                    continue;
                }
                Woke::Notification(note) => {
                    encoder.notification(&note);
                    continue;
                }
                Woke::Shutdown => return self.fatal(encoder, &PgError::admin_shutdown()).await,
            };
            match outcome {
                Some(Ok(0)) | Some(Err(_)) => return End::ClientGone,
                Some(Ok(_)) => {}
                None if idle.in_transaction => {
                    return self
                        .fatal(encoder, &PgError::idle_in_transaction_timeout())
                        .await;
                }
                None => return self.fatal(encoder, &PgError::idle_session_timeout()).await,
            }
        }
    }

    /// Gives `answer` to the sender when it is a small answer inside a transaction block and
    /// nothing earlier is still on its way; false when the session must write it.
    fn hand_over(&mut self, in_transaction: bool, answer: &[u8]) -> bool {
        if !in_transaction || answer.len() > sender::HAND_OVER_MAX {
            return false;
        }
        if self.outbox.is_none() {
            self.outbox = Outbox::new(self.stream);
        }
        self.outbox.as_ref().is_some_and(|o| o.hand_over(answer))
    }

    /// Writes `bytes` after whatever the sender still has of this session's.
    async fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        if let Some(outbox) = &self.outbox {
            outbox.drain(self.stream).await?;
        }
        self.stream.write_all(bytes).await
    }

    /// Sends `err` after whatever is pending and closes the connection.
    async fn fatal(mut self, mut encoder: Box<Encoder>, err: &PgError) -> End {
        tracing::debug!(code = %err.code, "closing session: {}", err.message);
        encoder.error(err);
        self.close(&encoder.out).await;
        End::Fatal
    }

    /// Sends the last bytes after whatever the sender still has, and closes.
    async fn close(&mut self, out: &[u8]) {
        if let Some(outbox) = &self.outbox {
            let _ = tokio::time::timeout(LINGER, outbox.drain(self.stream)).await;
        }
        close_with(self.stream, out).await;
    }
}

/// What ended a wait for the client.
enum Woke {
    /// Bytes arrived, the client went away, or (None) the idle timeout passed.
    Read(Option<std::io::Result<usize>>),
    Notification(Notification),
    /// The sender gave this session's bytes back: the socket was full, or sending failed.
    Returned,
    Shutdown,
}

/// What a message means while a COPY FROM STDIN collects the client's data.
enum CopyStep {
    More,
    Terminate,
    /// The data is complete or the COPY failed: run this.
    End(Op),
}

fn copy_message(data: &mut BytesMut, message: FrontendMessage) -> CopyStep {
    match message {
        FrontendMessage::CopyData { data: chunk } => {
            data.extend_from_slice(&chunk);
            CopyStep::More
        }
        FrontendMessage::CopyDone => CopyStep::End(Op::CopyDone {
            data: std::mem::take(data).freeze(),
        }),
        FrontendMessage::CopyFail { message } => CopyStep::End(Op::CopyFail { message }),
        // The protocol has the server ignore these during COPY.
        FrontendMessage::Sync | FrontendMessage::Flush => CopyStep::More,
        FrontendMessage::Terminate => CopyStep::Terminate,
        _ => CopyStep::End(Op::CopyFail {
            message: "unexpected message type during COPY from stdin".into(),
        }),
    }
}

impl crate::codec::Target {
    fn into_exec(self) -> devdb_exec::Target {
        match self {
            crate::codec::Target::Statement => devdb_exec::Target::Statement,
            crate::codec::Target::Portal => devdb_exec::Target::Portal,
        }
    }
}

/// Takes the encoder back from the engine's reply.
fn reclaim(sink: Box<dyn Sink>) -> Box<Encoder> {
    let any: Box<dyn std::any::Any> = sink;
    // Only Encoders are handed to the engine by this crate, so the default never happens.
    any.downcast::<Encoder>().unwrap_or_default()
}

/// Writes the last bytes, then closes gracefully so the client reads them before the FIN.
async fn close_with(stream: &mut TcpStream, out: &[u8]) {
    let _ = tokio::time::timeout(LINGER, async {
        let _ = stream.write_all(out).await;
        let _ = stream.shutdown().await;
        // Drain what the client still sends, so closing does not turn into a reset that could
        // destroy the error in flight.
        let mut scratch = [0u8; 1024];
        while let Ok(n) = stream.read(&mut scratch).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}
