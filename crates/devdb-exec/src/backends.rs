//! Every live session of the server, across databases: what pg_stat_activity lists and what
//! pg_terminate_backend and pg_cancel_backend act on. Sessions register when they join a
//! database (`Membership`) and leave with it; each engine updates its sessions' activity as
//! their batches start and end.

use foldhash::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;

use devdb_pg::value::json::escape_into;
use tokio_util::sync::CancellationToken;

use crate::functions::{lock, now_micros};
use crate::{CancelHandle, SessionId, TransactionStatus};

#[derive(Default)]
pub struct Backends {
    sessions: Mutex<HashMap<SessionId, Backend>>,
}

/// What a new session tells the registry about itself.
pub struct BackendStart {
    pub user: String,
    pub application_name: String,
    pub client: Option<SocketAddr>,
    /// The server's address the client connected to (inet_server_addr).
    pub server: Option<SocketAddr>,
    pub cancel: CancelHandle,
    /// Cancelled to end this session alone with 57P01.
    pub terminate: CancellationToken,
}

struct Backend {
    datid: u32,
    datname: String,
    start: BackendStart,
    /// Microseconds since 2000-01-01, as pg_stat_activity's timestamps.
    backend_start: i64,
    state: &'static str,
    query: String,
    query_start: Option<i64>,
    xact_start: Option<i64>,
    state_change: i64,
}

impl Backends {
    pub(crate) fn register(&self, id: SessionId, datid: u32, datname: &str, start: BackendStart) {
        let now = now_micros();
        lock(&self.sessions).insert(
            id,
            Backend {
                datid,
                datname: datname.to_owned(),
                start,
                backend_start: now,
                state: "idle",
                query: String::new(),
                query_start: None,
                xact_start: None,
                state_change: now,
            },
        );
    }

    pub(crate) fn unregister(&self, id: SessionId) {
        lock(&self.sessions).remove(&id);
    }

    /// A session's batch started running `query`; `xact_start` is its transaction's start.
    pub(crate) fn active(&self, id: SessionId, query: &str, xact_start: i64) {
        if let Some(b) = lock(&self.sessions).get_mut(&id) {
            let now = now_micros();
            b.state = "active";
            query.clone_into(&mut b.query);
            b.query_start = Some(now);
            b.xact_start = Some(xact_start);
            b.state_change = now;
        }
    }

    /// A session's batch ended, leaving it in `status`.
    pub(crate) fn idle(&self, id: SessionId, status: TransactionStatus) {
        if let Some(b) = lock(&self.sessions).get_mut(&id) {
            b.state = match status {
                TransactionStatus::Idle => "idle",
                TransactionStatus::InTransaction => "idle in transaction",
                TransactionStatus::Failed => "idle in transaction (aborted)",
            };
            if status == TransactionStatus::Idle {
                b.xact_start = None;
            }
            b.state_change = now_micros();
        }
    }

    /// Ends session `pid` (57P01 at its next read); false when there is no such session.
    pub(crate) fn terminate(&self, pid: i64) -> bool {
        let sessions = lock(&self.sessions);
        let found = u64::try_from(pid)
            .ok()
            .and_then(|p| sessions.get(&SessionId(p)));
        if let Some(b) = found {
            b.start.terminate.cancel();
        }
        found.is_some()
    }

    /// Session `id`'s two ends: the client's address and the server's it connected to.
    pub(crate) fn addresses(&self, id: SessionId) -> (Option<SocketAddr>, Option<SocketAddr>) {
        lock(&self.sessions)
            .get(&id)
            .map_or((None, None), |b| (b.start.client, b.start.server))
    }

    /// Cancels the running statement of session `pid`; false when there is no such session.
    pub(crate) fn cancel(&self, pid: i64) -> bool {
        let sessions = lock(&self.sessions);
        let found = u64::try_from(pid)
            .ok()
            .and_then(|p| sessions.get(&SessionId(p)));
        if let Some(b) = found
            && b.state == "active"
        {
            b.start.cancel.cancel();
        }
        found.is_some()
    }

    /// pg_stat_activity's rows as a JSON array, for the catalog view.
    pub(crate) fn json(&self) -> String {
        let sessions = lock(&self.sessions);
        let mut ids: Vec<&SessionId> = sessions.keys().collect();
        ids.sort();
        let mut out = String::from("[");
        for (i, id) in ids.into_iter().enumerate() {
            let Some(b) = sessions.get(id) else { continue };
            if i > 0 {
                out.push(',');
            }
            out.push('{');
            let mut field = |name: &str, value: Option<String>, text: bool| {
                if !out.ends_with('{') {
                    out.push(',');
                }
                escape_into(name, &mut out);
                out.push(':');
                match value {
                    None => out.push_str("null"),
                    Some(v) if text => escape_into(&v, &mut out),
                    Some(v) => out.push_str(&v),
                }
            };
            field("pid", Some(id.0.to_string()), false);
            field("datid", Some(b.datid.to_string()), false);
            field("datname", Some(b.datname.clone()), true);
            field("usename", Some(b.start.user.clone()), true);
            field(
                "application_name",
                Some(b.start.application_name.clone()),
                true,
            );
            field(
                "client_addr",
                b.start.client.map(|a| a.ip().to_string()),
                true,
            );
            field(
                "client_port",
                Some(b.start.client.map_or(-1, |a| a.port().into()).to_string()),
                false,
            );
            field("backend_start", Some(b.backend_start.to_string()), false);
            field("xact_start", b.xact_start.map(|t| t.to_string()), false);
            field("query_start", b.query_start.map(|t| t.to_string()), false);
            field("state_change", Some(b.state_change.to_string()), false);
            let waiting = b.state == "idle" || b.state.starts_with("idle in");
            field(
                "wait_event_type",
                waiting.then(|| "Client".to_owned()),
                true,
            );
            field("wait_event", waiting.then(|| "ClientRead".to_owned()), true);
            field("state", Some(b.state.to_owned()), true);
            field("query", Some(b.query.clone()), true);
            out.push('}');
        }
        out.push(']');
        out
    }
}
