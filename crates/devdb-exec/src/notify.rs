//! LISTEN / NOTIFY within one database: who listens on which channel, and delivery at commit.
//!
//! A transaction's NOTIFYs (and pg_notify calls) and its LISTEN/UNLISTENs wait in its
//! [`Pending`] until it commits, as in PostgreSQL; a rollback drops them. Each session hands the
//! engine a sender when it opens; notifications for other sessions go through it (their task
//! writes them while idle, or after their own transaction ends), a session's own come back in
//! its answer to the COMMIT, before ReadyForQuery.

use std::collections::{BTreeSet, HashMap};

use devdb_pg::{PgError, SqlState};
use tokio::sync::mpsc::UnboundedSender;

use crate::SessionId;

/// PostgreSQL's limit on a payload (NOTIFY_PAYLOAD_MAX_LENGTH - 1).
const MAX_PAYLOAD: usize = 7999;

/// One asynchronous notification, as NotificationResponse carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    /// The backend PID of the session that sent it.
    pub pid: i32,
    pub channel: String,
    pub payload: String,
}

/// What a transaction will do to listening and notifying when it commits.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    /// Channel and payload, in order, without duplicates (PostgreSQL folds them).
    notifications: Vec<(String, String)>,
    listens: Vec<Change>,
}

#[derive(Debug)]
enum Change {
    Listen(String),
    Unlisten(Option<String>),
}

impl Pending {
    pub fn notify(&mut self, channel: String, payload: String) -> Result<(), PgError> {
        if channel.is_empty() {
            return Err(PgError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                "channel name cannot be empty",
            ));
        }
        if payload.len() > MAX_PAYLOAD {
            return Err(PgError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                "payload string too long",
            ));
        }
        let note = (channel, payload);
        if !self.notifications.contains(&note) {
            self.notifications.push(note);
        }
        Ok(())
    }

    pub fn listen(&mut self, channel: String) {
        self.listens.push(Change::Listen(channel));
    }

    pub fn unlisten(&mut self, channel: Option<String>) {
        self.listens.push(Change::Unlisten(channel));
    }

    /// Where the queue stands, for a savepoint to go back to.
    pub fn mark(&self) -> (usize, usize) {
        (self.notifications.len(), self.listens.len())
    }

    /// ROLLBACK TO a savepoint: forgets what came after its mark.
    pub fn rollback_to(&mut self, (notifications, listens): (usize, usize)) {
        self.notifications.truncate(notifications);
        self.listens.truncate(listens);
    }

    pub fn is_empty(&self) -> bool {
        self.notifications.is_empty() && self.listens.is_empty()
    }
}

/// The database's listeners.
#[derive(Default)]
pub(crate) struct Listeners {
    channels: HashMap<String, BTreeSet<SessionId>>,
    senders: HashMap<SessionId, UnboundedSender<Notification>>,
}

impl Listeners {
    pub fn open(&mut self, session: SessionId, sender: UnboundedSender<Notification>) {
        self.senders.insert(session, sender);
    }

    /// The session ended: it listens no more.
    pub fn close(&mut self, session: SessionId) {
        self.senders.remove(&session);
        self.unlisten(session, None);
    }

    fn unlisten(&mut self, session: SessionId, channel: Option<&str>) {
        self.channels.retain(|name, sessions| {
            if channel.is_none_or(|c| c == name) {
                sessions.remove(&session);
            }
            !sessions.is_empty()
        });
    }

    /// `session` committed `pending`: its listening changes take effect, then its
    /// notifications go out. Returns those addressed to `session` itself, for its own answer.
    pub fn commit(&mut self, session: SessionId, pending: Pending) -> Vec<Notification> {
        for change in pending.listens {
            match change {
                Change::Listen(channel) => {
                    self.channels.entry(channel).or_default().insert(session);
                }
                Change::Unlisten(channel) => self.unlisten(session, channel.as_deref()),
            }
        }
        let mut own = Vec::new();
        let pid = i32::try_from(session.0).unwrap_or(i32::MAX);
        for (channel, payload) in pending.notifications {
            let Some(listeners) = self.channels.get(&channel) else {
                continue;
            };
            for listener in listeners {
                let note = Notification {
                    pid,
                    channel: channel.clone(),
                    payload: payload.clone(),
                };
                if *listener == session {
                    own.push(note);
                } else if let Some(sender) = self.senders.get(listener) {
                    // A listener whose task has gone is closing; it needs nothing more.
                    let _ = sender.send(note);
                }
            }
        }
        own
    }
}
