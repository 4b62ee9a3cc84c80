//! Answers inside a transaction block leave through a sender thread.
//!
//! On loopback, `send` does the receiving side's TCP work and wakes the client: a third of a
//! database thread's time under pgbench's TPC-B-like load, where that thread is the bottleneck
//! (writing transactions queue for the rows they update) and the second core has room. Handing
//! those answers to a low-priority thread beside it lets the database thread go on to the next
//! session's statement. Autocommit traffic answers directly: there the clients already fill the
//! machine, and a hand-over costs more than it saves (measured in docs/performance.md).
//!
//! A session's bytes stay in order: it hands an answer over only when nothing of its own is
//! still queued or being sent, and otherwise waits for the sender ([`Outbox::drain`]) before it
//! writes itself. The sender writes through its own duplicate of the socket's descriptor, so a
//! session that ends meanwhile can never have its descriptor number reused under the sender.

use std::collections::VecDeque;
use std::net::TcpStream as StdTcpStream;
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::Thread;
use std::time::{Duration, Instant};

use rustix::io::Errno;
use rustix::net::SendFlags;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::Notify;

/// Answers larger than this are written by the session: they take long enough to send that
/// their client is unlikely to be waiting on the next one, and may not fit the socket buffer.
pub(crate) const HAND_OVER_MAX: usize = 4096;

/// How long the sender keeps looking for work after its last answer before it sleeps: a
/// sleeping thread takes tens of microseconds to wake on a virtual machine.
const SPIN: Duration = Duration::from_micros(100);

/// The sender's share of one session's socket.
pub(crate) struct Outbox {
    socket: StdTcpStream,
    state: Mutex<State>,
    /// Fired when the sender gave bytes back (the socket was full) or failed, and when a session
    /// that waits in [`Outbox::drain`] may go on.
    returned: Notify,
    sender: Arc<Sender>,
}

#[derive(Default)]
struct State {
    /// Bytes to send, in order: handed over and not yet taken, or given back.
    bytes: Vec<u8>,
    /// The sender is writing bytes it took.
    in_flight: bool,
    /// The session waits for the sender to finish.
    waiting: bool,
    /// Sending failed: the client is gone.
    failed: bool,
}

impl Outbox {
    /// An outbox for `stream`, on the sender of the database thread this runs on; None when
    /// the descriptor cannot be duplicated or the sender cannot start (the session then writes
    /// everything itself).
    pub(crate) fn new(stream: &TcpStream) -> Option<Arc<Outbox>> {
        let socket = StdTcpStream::from(stream.as_fd().try_clone_to_owned().ok()?);
        Some(Arc::new(Outbox {
            socket,
            state: Mutex::default(),
            returned: Notify::new(),
            sender: Sender::of_this_thread()?,
        }))
    }

    /// Queues `answer` for the sender; false when the session must write it itself because
    /// earlier bytes are still on their way.
    pub(crate) fn hand_over(self: &Arc<Outbox>, answer: &[u8]) -> bool {
        {
            let mut state = self.lock();
            if state.in_flight || state.failed || !state.bytes.is_empty() {
                return false;
            }
            state.bytes.extend_from_slice(answer);
        }
        self.sender.push(self.clone());
        true
    }

    /// Waits until the sender has nothing of this session's, writing what it gave back.
    pub(crate) async fn drain(&self, stream: &mut TcpStream) -> std::io::Result<()> {
        loop {
            let returned = self.returned.notified();
            let bytes = {
                let mut state = self.lock();
                if state.failed {
                    return Err(std::io::ErrorKind::BrokenPipe.into());
                }
                if state.in_flight {
                    state.waiting = true;
                    None
                } else {
                    Some(std::mem::take(&mut state.bytes))
                }
            };
            match bytes {
                None => returned.await,
                Some(bytes) if bytes.is_empty() => return Ok(()),
                Some(bytes) => stream.write_all(&bytes).await?,
            }
        }
    }

    /// A future that completes when the sender gives bytes back or fails.
    pub(crate) async fn returned(&self) {
        self.returned.notified().await
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// On the sender: writes what is queued, without blocking.
    fn send(&self) {
        let bytes = {
            let mut state = self.lock();
            if state.bytes.is_empty() {
                return;
            }
            state.in_flight = true;
            std::mem::take(&mut state.bytes)
        };
        let mut sent = 0;
        let mut failed = false;
        while sent < bytes.len() {
            match rustix::net::send(
                &self.socket,
                &bytes[sent..],
                SendFlags::NOSIGNAL | SendFlags::DONTWAIT,
            ) {
                // Nothing taken: the session's own write reports what is wrong.
                Ok(0) | Err(Errno::AGAIN) => break,
                Ok(n) => sent += n,
                Err(Errno::INTR) => {}
                Err(_) => {
                    failed = true;
                    break;
                }
            }
        }
        let notify = {
            let mut state = self.lock();
            state.in_flight = false;
            state.failed |= failed;
            if sent < bytes.len() && !failed {
                // The session queues nothing while bytes are in flight: these come first.
                state.bytes = bytes[sent..].to_vec();
            } else if state.bytes.is_empty() {
                // Keeps the allocation for the next answer.
                let mut bytes = bytes;
                bytes.clear();
                state.bytes = bytes;
            }
            let notify = state.waiting || failed || !state.bytes.is_empty();
            state.waiting = false;
            notify
        };
        if notify {
            self.returned.notify_one();
        }
    }
}

/// One database thread's sender: a queue of outboxes with answers, and the thread that sends
/// them. It ends when the database thread does.
struct Sender {
    queue: Mutex<VecDeque<Arc<Outbox>>>,
    sleeping: AtomicBool,
    stop: AtomicBool,
    thread: Thread,
}

thread_local! {
    /// The sender of the database thread this runs on, started at its first hand-over.
    static SENDER: std::cell::RefCell<Option<Stopper>> = const { std::cell::RefCell::new(None) };
}

/// Stops the sender when its database thread ends.
struct Stopper(Arc<Sender>);

impl Drop for Stopper {
    fn drop(&mut self) {
        self.0.stop.store(true, Ordering::SeqCst);
        self.0.thread.unpark();
    }
}

impl Sender {
    fn of_this_thread() -> Option<Arc<Sender>> {
        SENDER
            .try_with(|cell| {
                let mut cell = cell.borrow_mut();
                if let Some(Stopper(sender)) = cell.as_ref() {
                    return Some(sender.clone());
                }
                let sender = Sender::spawn()?;
                *cell = Some(Stopper(sender.clone()));
                Some(sender)
            })
            .ok()
            .flatten()
    }

    fn spawn() -> Option<Arc<Sender>> {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name("sender".into())
            .spawn(move || {
                // Below the clients it answers: a client thread that wants the core runs first.
                let _ = rustix::process::setpriority_process(None, 19);
                let sender = Arc::new(Sender {
                    queue: Mutex::default(),
                    sleeping: AtomicBool::new(false),
                    stop: AtomicBool::new(false),
                    thread: std::thread::current(),
                });
                let _ = tx.send(sender.clone());
                sender.run();
            })
            .ok()?;
        rx.recv().ok()
    }

    fn queue(&self) -> MutexGuard<'_, VecDeque<Arc<Outbox>>> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn push(&self, outbox: Arc<Outbox>) {
        self.queue().push_back(outbox);
        if self.sleeping.load(Ordering::SeqCst) {
            self.thread.unpark();
        }
    }

    fn pop(&self) -> Option<Arc<Outbox>> {
        self.queue().pop_front()
    }

    fn run(&self) {
        let mut last = Instant::now();
        loop {
            if let Some(outbox) = self.pop() {
                outbox.send();
                last = Instant::now();
                continue;
            }
            if self.stop.load(Ordering::SeqCst) {
                return;
            }
            if last.elapsed() < SPIN {
                std::thread::yield_now();
                continue;
            }
            self.sleeping.store(true, Ordering::SeqCst);
            if self.queue().is_empty() && !self.stop.load(Ordering::SeqCst) {
                std::thread::park();
            }
            self.sleeping.store(false, Ordering::SeqCst);
            last = Instant::now();
        }
    }
}
