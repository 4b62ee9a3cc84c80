//! A connection's first exchange: SSL/GSS refusals, CancelRequest, the StartupMessage, the
//! connection limit, authentication, and the greeting (ParameterStatus, BackendKeyData,
//! ReadyForQuery).

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use bytes::BytesMut;
use devdb_exec::{CancelHandle, Handle, SessionId, SessionInfo};
use devdb_pg::{PgError, SqlState};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::backend;
use crate::codec::{self, FrontendMessage, PROTOCOL_VERSION_3_0, StartupPacket};
use crate::scram;
use crate::server::Shared;

/// PostgreSQL's authentication_timeout is 60 s; a dev server can be stricter with silent peers.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(20);

/// A session that completed its startup.
pub(crate) struct Established {
    pub id: SessionId,
    pub pid: i32,
    pub secret: i32,
    pub handle: Handle,
    pub cancel: CancelHandle,
    pub info: SessionInfo,
    pub start: devdb_exec::SessionStart,
    /// Counts the session in its database until it ends (held for its Drop).
    #[allow(dead_code)]
    pub membership: devdb_exec::Membership,
    /// Fired to end this session with 57P01.
    pub terminate: tokio_util::sync::CancellationToken,
}

/// Why the connection ends during startup.
pub(crate) enum Refusal {
    /// Send this FATAL error, then close.
    Error(PgError),
    /// Close without a word (CancelRequest, a peer that went away).
    Silent,
}

impl From<PgError> for Refusal {
    fn from(err: PgError) -> Self {
        Refusal::Error(err)
    }
}

/// Runs the startup exchange. `admitted` is false when the connection is past
/// --max-connections: it is still read up to its StartupMessage, so the 53300 error reaches a
/// client that is listening for it instead of a reset.
pub(crate) async fn handshake(
    shared: &Shared,
    stream: &mut TcpStream,
    buf: &mut BytesMut,
    out: &mut BytesMut,
    admitted: bool,
) -> Result<Established, Refusal> {
    let params = loop {
        let packet = tokio::time::timeout(STARTUP_TIMEOUT, read_startup(stream, buf))
            .await
            .map_err(|_| Refusal::Silent)??;
        match packet {
            StartupPacket::SslRequest | StartupPacket::GssEncRequest => {
                // No TLS or GSS encryption: 'N' tells the client to go on in plain text.
                stream.write_all(b"N").await.map_err(|_| Refusal::Silent)?;
            }
            StartupPacket::Cancel { pid, secret } => {
                shared.cancels.cancel(pid, secret);
                return Err(Refusal::Silent);
            }
            StartupPacket::Startup { version, params } => {
                if version >> 16 != 3 {
                    return Err(PgError::new(
                        SqlState::FEATURE_NOT_SUPPORTED,
                        format!(
                            "unsupported frontend protocol {}.{}: server supports 3.0 to 3.0",
                            version >> 16,
                            version & 0xffff
                        ),
                    )
                    .fatal()
                    .into());
                }
                let unrecognized: Vec<&str> = params
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .filter(|k| k.starts_with("_pq_."))
                    .collect();
                if version != PROTOCOL_VERSION_3_0 || !unrecognized.is_empty() {
                    backend::negotiate_protocol_version(out, 0, &unrecognized);
                }
                break params;
            }
        }
    };
    if !admitted {
        return Err(PgError::too_many_connections().into());
    }
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let user = param("user").ok_or_else(|| {
        PgError::new(
            SqlState::INVALID_AUTHORIZATION_SPECIFICATION,
            "no PostgreSQL user name specified in startup packet",
        )
        .fatal()
    })?;
    if user != shared.config.user {
        return Err(PgError::new(
            SqlState::INVALID_AUTHORIZATION_SPECIFICATION,
            format!("role \"{user}\" does not exist"),
        )
        .fatal()
        .into());
    }
    if let Some(verifier) = &shared.verifier {
        authenticate(stream, buf, out, verifier, &user).await?;
    }
    let database = param("database")
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| user.clone());
    let (handle, mut membership) = shared.databases.connect(&database)?;
    let info = SessionInfo {
        user,
        application_name: param("application_name").unwrap_or_default(),
        options: startup_options(&params),
    };
    let pid = shared.next_pid();
    let id = SessionId(pid as u64);
    let secret = random_i32();
    let start = handle.session_start(&info);
    let cancel = handle.cancel_handle(id);
    // Ends this session alone (pg_terminate_backend) or with its database (DROP ... FORCE).
    let terminate = handle.terminated().child_token();
    membership.register_backend(
        id,
        devdb_exec::BackendStart {
            user: info.user.clone(),
            application_name: info.application_name.clone(),
            client: stream.peer_addr().ok(),
            server: stream.local_addr().ok(),
            cancel: cancel.clone(),
            terminate: terminate.clone(),
        },
    );
    backend::authentication_ok(out);
    for (name, value) in &start.parameters {
        backend::parameter_status(out, name, value);
    }
    backend::backend_key_data(out, pid, secret);
    backend::ready_for_query(out, b'I');
    Ok(Established {
        id,
        pid,
        secret,
        handle,
        cancel,
        info,
        start,
        membership,
        terminate,
    })
}

async fn read_startup(
    stream: &mut TcpStream,
    buf: &mut BytesMut,
) -> Result<StartupPacket, Refusal> {
    loop {
        if let Some(packet) = codec::read_startup(buf)? {
            return Ok(packet);
        }
        match stream.read_buf(buf).await {
            Ok(0) | Err(_) => return Err(Refusal::Silent),
            Ok(_) => {}
        }
    }
}

async fn read_message(
    stream: &mut TcpStream,
    buf: &mut BytesMut,
) -> Result<FrontendMessage, Refusal> {
    loop {
        if let Some(message) = codec::read_message(buf)? {
            return Ok(message);
        }
        match stream.read_buf(buf).await {
            Ok(0) | Err(_) => return Err(Refusal::Silent),
            Ok(_) => {}
        }
    }
}

/// SCRAM-SHA-256, as PostgreSQL does with `password_encryption = scram-sha-256`.
async fn authenticate(
    stream: &mut TcpStream,
    buf: &mut BytesMut,
    out: &mut BytesMut,
    verifier: &scram::Verifier,
    user: &str,
) -> Result<(), Refusal> {
    let failed = || {
        Refusal::Error(
            PgError::new(
                SqlState::INVALID_PASSWORD,
                format!("password authentication failed for user \"{user}\""),
            )
            .fatal(),
        )
    };
    backend::authentication_sasl(out, &["SCRAM-SHA-256"]);
    flush(stream, out).await?;
    let FrontendMessage::Password { data } = read_message(stream, buf).await? else {
        return Err(PgError::protocol_violation("expected SASL response").into());
    };
    let initial = codec::parse_sasl_initial_response(data)?;
    if initial.mechanism != "SCRAM-SHA-256" {
        return Err(PgError::protocol_violation(format!(
            "client selected an invalid SASL authentication mechanism \"{}\"",
            initial.mechanism
        ))
        .into());
    }
    let nonce = format!("{:016x}{:016x}", random_u64(), random_u64());
    let exchange = scram::server_first(
        verifier,
        initial.data.as_deref().unwrap_or_default(),
        &nonce,
    )
    .ok_or_else(failed)?;
    backend::authentication_sasl_continue(out, exchange.server_first_message());
    flush(stream, out).await?;
    let FrontendMessage::Password { data } = read_message(stream, buf).await? else {
        return Err(PgError::protocol_violation("expected SASL response").into());
    };
    let server_final = exchange.verify(verifier, &data).ok_or_else(failed)?;
    backend::authentication_sasl_final(out, server_final.as_bytes());
    Ok(())
}

async fn flush(stream: &mut TcpStream, out: &mut BytesMut) -> Result<(), Refusal> {
    stream.write_all(out).await.map_err(|_| Refusal::Silent)?;
    out.clear();
    Ok(())
}

/// Startup parameters that are settings, including `options=-c name=value ...`.
fn startup_options(params: &[(String, String)]) -> Vec<(String, String)> {
    let mut options = Vec::new();
    for (name, value) in params {
        match name.as_str() {
            "user" | "database" | "application_name" | "replication" => {}
            "options" => {
                let mut words = value.split_whitespace();
                while let Some(word) = words.next() {
                    let setting = match word {
                        "-c" => words.next(),
                        other => other
                            .strip_prefix("-c")
                            .or_else(|| other.strip_prefix("--")),
                    };
                    if let Some((k, v)) = setting.and_then(|s| s.split_once('=')) {
                        options.push((k.replace('-', "_"), v.to_owned()));
                    }
                }
            }
            _ if name.starts_with("_pq_.") => {}
            _ => options.push((name.clone(), value.clone())),
        }
    }
    options
}

/// Randomness for secrets and nonces: the standard library's randomly keyed SipHash.
fn random_u64() -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    );
    hasher.finish()
}

fn random_i32() -> i32 {
    random_u64() as i32
}
