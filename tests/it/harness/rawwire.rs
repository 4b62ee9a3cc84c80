//! A raw-wire PostgreSQL client for protocol tests: every frontend message is sent as the test
//! says, every backend message is shown as it arrives.
//!
//! Writers come from `postgres_protocol::message::frontend`, parsing from
//! `postgres_protocol::message::backend::Message::parse`. `send_*` methods only buffer; every
//! read first writes out what is buffered, so several messages leave in one write (pipelining).
//! [`Renderer`] turns backend messages into short strings for assertions, e.g. `ParseComplete`,
//! `DataRow[1,"x",NULL]`, `Error 08P01 message`, `ReadyForQuery I`.

use std::time::Duration;

use bytes::{BufMut, BytesMut};
use fallible_iterator::FallibleIterator;
use postgres_protocol::authentication::md5_hash;
use postgres_protocol::authentication::sasl::{ChannelBinding, SCRAM_SHA_256, ScramSha256};
use postgres_protocol::message::backend::{Message, RowDescriptionBody};
use postgres_protocol::message::frontend;
use postgres_protocol::{IsNull, Oid};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long a read waits for the server before the test fails (a hang is a bug, not a wait).
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// One TCP connection speaking the protocol by hand.
pub struct RawConn {
    stream: TcpStream,
    read_buf: BytesMut,
    write_buf: BytesMut,
    renderer: Renderer,
}

impl RawConn {
    /// Opens a TCP connection and sends nothing.
    pub async fn connect(host: &str, port: u16) -> RawConn {
        let stream = TcpStream::connect((host, port))
            .await
            .unwrap_or_else(|e| panic!("connecting to {host}:{port}: {e}"));
        let _ = stream.set_nodelay(true);
        RawConn {
            stream,
            read_buf: BytesMut::with_capacity(8192),
            write_buf: BytesMut::new(),
            renderer: Renderer::default(),
        }
    }

    /// Connects and completes startup (trust, cleartext, md5 or SCRAM-SHA-256) up to the first
    /// ReadyForQuery; panics with the rendered messages if the server refuses.
    pub async fn startup(
        host: &str,
        port: u16,
        user: &str,
        database: &str,
        password: Option<&str>,
    ) -> RawConn {
        let mut conn = RawConn::connect(host, port).await;
        conn.send_startup(&[("user", user), ("database", database)]);
        let messages = conn.authenticate(user, password).await;
        let rendered = conn.render(&messages);
        assert!(
            rendered
                .last()
                .is_some_and(|m| m.starts_with("ReadyForQuery")),
            "startup as {user} failed: {rendered:#?}"
        );
        conn
    }

    /// Answers authentication requests until ReadyForQuery or an error; returns the messages
    /// after the authentication exchange (AuthenticationOk, ParameterStatus, ..., ReadyForQuery).
    pub async fn authenticate(&mut self, user: &str, password: Option<&str>) -> Vec<Message> {
        let mut scram: Option<ScramSha256> = None;
        let mut out = Vec::new();
        loop {
            let Some(message) = self.read_message().await else {
                return out;
            };
            let pw = || {
                password
                    .unwrap_or_else(|| panic!("server asked for a password but none was given"))
                    .as_bytes()
            };
            match message {
                Message::AuthenticationCleartextPassword => {
                    frontend::password_message(pw(), &mut self.write_buf).expect("password");
                }
                Message::AuthenticationMd5Password(body) => {
                    let hash = md5_hash(user.as_bytes(), pw(), body.salt());
                    frontend::password_message(hash.as_bytes(), &mut self.write_buf)
                        .expect("password");
                }
                Message::AuthenticationSasl(_) => {
                    let s = ScramSha256::new(pw(), ChannelBinding::unsupported());
                    frontend::sasl_initial_response(
                        SCRAM_SHA_256,
                        s.message(),
                        &mut self.write_buf,
                    )
                    .expect("sasl");
                    scram = Some(s);
                }
                Message::AuthenticationSaslContinue(body) => {
                    let s = scram.as_mut().expect("SASLContinue before SASL");
                    s.update(body.data()).expect("SCRAM server-first message");
                    frontend::sasl_response(s.message(), &mut self.write_buf).expect("sasl");
                }
                Message::AuthenticationSaslFinal(body) => {
                    let mut s = scram.take().expect("SASLFinal before SASL");
                    s.finish(body.data()).expect("SCRAM server signature");
                }
                m @ (Message::ReadyForQuery(_) | Message::ErrorResponse(_)) => {
                    out.push(m);
                    return out;
                }
                m => out.push(m),
            }
        }
    }

    // ---- frontend messages (buffered) ----

    /// StartupMessage, protocol 3.0, with these parameters.
    pub fn send_startup(&mut self, params: &[(&str, &str)]) {
        frontend::startup_message(params.iter().copied(), &mut self.write_buf).expect("startup");
    }

    /// Query (simple protocol).
    pub fn send_query(&mut self, sql: &str) {
        frontend::query(sql, &mut self.write_buf).expect("query");
    }

    /// Parse with explicit parameter type OIDs (0 = let the server infer).
    pub fn send_parse(&mut self, statement: &str, sql: &str, param_types: &[Oid]) {
        frontend::parse(
            statement,
            sql,
            param_types.iter().copied(),
            &mut self.write_buf,
        )
        .expect("parse");
    }

    /// Bind with text-format parameters (None = NULL) and text-format results.
    pub fn send_bind(&mut self, portal: &str, statement: &str, params: &[Option<&str>]) {
        let params: Vec<Option<&[u8]>> = params.iter().map(|p| p.map(str::as_bytes)).collect();
        self.send_bind_formats(portal, statement, &[], &params, &[]);
    }

    /// Bind with explicit parameter formats, raw parameter bytes and result formats.
    pub fn send_bind_formats(
        &mut self,
        portal: &str,
        statement: &str,
        param_formats: &[i16],
        params: &[Option<&[u8]>],
        result_formats: &[i16],
    ) {
        let r = frontend::bind(
            portal,
            statement,
            param_formats.iter().copied(),
            params.iter().copied(),
            |value, buf| match value {
                Some(bytes) => {
                    buf.put_slice(bytes);
                    Ok(IsNull::No)
                }
                None => Ok(IsNull::Yes),
            },
            result_formats.iter().copied(),
            &mut self.write_buf,
        );
        assert!(r.is_ok(), "encoding Bind failed");
    }

    /// Describe a prepared statement (`S`).
    pub fn send_describe_statement(&mut self, statement: &str) {
        frontend::describe(b'S', statement, &mut self.write_buf).expect("describe");
    }

    /// Describe a portal (`P`).
    pub fn send_describe_portal(&mut self, portal: &str) {
        frontend::describe(b'P', portal, &mut self.write_buf).expect("describe");
    }

    /// Execute a portal; `max_rows` 0 = all rows.
    pub fn send_execute(&mut self, portal: &str, max_rows: i32) {
        frontend::execute(portal, max_rows, &mut self.write_buf).expect("execute");
    }

    pub fn send_close_statement(&mut self, statement: &str) {
        frontend::close(b'S', statement, &mut self.write_buf).expect("close");
    }

    pub fn send_close_portal(&mut self, portal: &str) {
        frontend::close(b'P', portal, &mut self.write_buf).expect("close");
    }

    pub fn send_sync(&mut self) {
        frontend::sync(&mut self.write_buf);
    }

    /// The protocol's Flush message (not a socket flush: every read writes out pending bytes).
    pub fn send_flush(&mut self) {
        frontend::flush(&mut self.write_buf);
    }

    pub fn send_terminate(&mut self) {
        frontend::terminate(&mut self.write_buf);
    }

    /// Arbitrary bytes, for malformed-message tests.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.write_buf.put_slice(bytes);
    }

    /// Parse + Bind + Execute + Sync of one statement with text parameters (unnamed).
    pub fn send_extended(&mut self, sql: &str, params: &[Option<&str>]) {
        self.send_parse("", sql, &[]);
        self.send_bind("", "", params);
        self.send_describe_portal("");
        self.send_execute("", 0);
        self.send_sync();
    }

    /// Writes out everything buffered by `send_*`.
    pub async fn write_out(&mut self) {
        if self.write_buf.is_empty() {
            return;
        }
        let bytes = self.write_buf.split();
        self.stream
            .write_all(&bytes)
            .await
            .unwrap_or_else(|e| panic!("writing {} bytes: {e}", bytes.len()));
    }

    // ---- backend messages ----

    /// The next message, or None at end of stream; panics after [`READ_TIMEOUT`].
    pub async fn read_message(&mut self) -> Option<Message> {
        match self.read_message_within(READ_TIMEOUT).await {
            Ok(m) => m,
            Err(waited) => panic!("no message from the server within {waited:?}"),
        }
    }

    /// The next message, None at end of stream (or a reset connection), `Err` on timeout.
    pub async fn read_message_within(
        &mut self,
        timeout: Duration,
    ) -> Result<Option<Message>, Duration> {
        self.write_out().await;
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            match Message::parse(&mut self.read_buf) {
                Ok(Some(message)) => return Ok(Some(message)),
                Ok(None) => {}
                Err(e) => panic!(
                    "unparsable backend message: {e}; buffer {:?}",
                    self.read_buf
                ),
            }
            let read = tokio::time::timeout_at(deadline, self.stream.read_buf(&mut self.read_buf));
            match read.await {
                Err(_) => return Err(timeout),
                Ok(Ok(0)) | Ok(Err(_)) => {
                    assert!(
                        self.read_buf.is_empty(),
                        "connection closed inside a message: {:?}",
                        self.read_buf
                    );
                    return Ok(None);
                }
                Ok(Ok(_)) => {}
            }
        }
    }

    /// Messages up to and including ReadyForQuery; panics if the stream ends first.
    pub async fn read_until_ready(&mut self) -> Vec<Message> {
        let mut out = Vec::new();
        loop {
            match self.read_message().await {
                Some(m) => {
                    let done = matches!(m, Message::ReadyForQuery(_));
                    out.push(m);
                    if done {
                        return out;
                    }
                }
                None => {
                    let rendered = self.render(&out);
                    panic!("connection closed before ReadyForQuery; got {rendered:#?}");
                }
            }
        }
    }

    /// Messages until the server closes the connection (after a FATAL error, say).
    pub async fn read_to_end(&mut self) -> Vec<Message> {
        let mut out = Vec::new();
        while let Some(m) = self.read_message().await {
            out.push(m);
        }
        out
    }

    /// [`RawConn::read_until_ready`], rendered.
    pub async fn read_until_ready_rendered(&mut self) -> Vec<String> {
        let messages = self.read_until_ready().await;
        self.render(&messages)
    }

    /// [`RawConn::read_to_end`], rendered.
    pub async fn read_to_end_rendered(&mut self) -> Vec<String> {
        let messages = self.read_to_end().await;
        self.render(&messages)
    }

    /// One simple-protocol Query, answered and rendered (up to ReadyForQuery).
    pub async fn query(&mut self, sql: &str) -> Vec<String> {
        self.send_query(sql);
        self.read_until_ready_rendered().await
    }

    /// Show errors as `Error CODE` only (messages differ between servers), or with messages.
    pub fn hide_error_messages(&mut self, hide: bool) {
        self.renderer.hide_error_messages = hide;
    }

    /// Renders with this connection's memory of the last RowDescription.
    pub fn render(&mut self, messages: &[Message]) -> Vec<String> {
        messages.iter().map(|m| self.renderer.render(m)).collect()
    }

    /// Like [`RawConn::render`], dropping ParameterStatus and BackendKeyData (their values vary).
    pub fn render_stable(&mut self, messages: &[Message]) -> Vec<String> {
        messages
            .iter()
            .filter(|m| !matches!(m, Message::ParameterStatus(_) | Message::BackendKeyData(_)))
            .map(|m| self.renderer.render(m))
            .collect()
    }
}

/// Turns backend messages into one-line strings. DataRow values are shown bare when the last
/// RowDescription says the column is a number or boolean in text format, quoted otherwise.
#[derive(Default)]
pub struct Renderer {
    /// (type OID, format) per column of the last RowDescription.
    columns: Vec<(Oid, i16)>,
    /// When true, errors show only their SQLSTATE (for comparing with PostgreSQL).
    pub hide_error_messages: bool,
}

impl Renderer {
    pub fn render(&mut self, message: &Message) -> String {
        match message {
            Message::AuthenticationOk => "AuthenticationOk".into(),
            Message::AuthenticationCleartextPassword => "AuthenticationCleartextPassword".into(),
            Message::AuthenticationMd5Password(_) => "AuthenticationMd5Password".into(),
            Message::AuthenticationSasl(body) => {
                let mechanisms: Vec<String> = body
                    .mechanisms()
                    .map(|m| Ok(m.to_owned()))
                    .collect()
                    .unwrap_or_default();
                format!("AuthenticationSasl[{}]", mechanisms.join(","))
            }
            Message::AuthenticationSaslContinue(_) => "AuthenticationSaslContinue".into(),
            Message::AuthenticationSaslFinal(_) => "AuthenticationSaslFinal".into(),
            Message::BackendKeyData(_) => "BackendKeyData".into(),
            Message::BindComplete => "BindComplete".into(),
            Message::CloseComplete => "CloseComplete".into(),
            Message::CommandComplete(body) => {
                format!(
                    "CommandComplete {}",
                    body.tag().unwrap_or("<non-UTF-8 tag>")
                )
            }
            Message::CopyData(body) => format!("CopyData {}", quote(body.data())),
            Message::CopyDone => "CopyDone".into(),
            Message::CopyInResponse(_) => "CopyInResponse".into(),
            Message::CopyOutResponse(_) => "CopyOutResponse".into(),
            Message::DataRow(body) => {
                let buf = body.buffer();
                let values: Vec<String> = body
                    .ranges()
                    .enumerate()
                    .map(|(i, range)| {
                        Ok(match range {
                            None => "NULL".to_owned(),
                            Some(r) => {
                                let bytes = buf.get(r).unwrap_or_default();
                                match self.columns.get(i) {
                                    Some((_, 1)) => format!("\\x{}", hex(bytes)),
                                    Some((oid, _)) if is_bare(*oid) => {
                                        String::from_utf8_lossy(bytes).into_owned()
                                    }
                                    _ => quote(bytes),
                                }
                            }
                        })
                    })
                    .collect()
                    .unwrap_or_else(|e| vec![format!("<malformed DataRow: {e}>")]);
                format!("DataRow[{}]", values.join(","))
            }
            Message::EmptyQueryResponse => "EmptyQueryResponse".into(),
            Message::ErrorResponse(body) => {
                let f = error_fields(body.fields());
                let kind = if matches!(f.severity.as_str(), "FATAL" | "PANIC") {
                    "Fatal"
                } else {
                    "Error"
                };
                if self.hide_error_messages {
                    format!("{kind} {}", f.code)
                } else {
                    format!("{kind} {} {}", f.code, f.message)
                }
            }
            Message::NoData => "NoData".into(),
            Message::NoticeResponse(body) => {
                let f = error_fields(body.fields());
                format!("Notice {} {}", f.code, f.message)
            }
            Message::NotificationResponse(body) => format!(
                "NotificationResponse {} {}",
                body.channel().unwrap_or("?"),
                body.message().unwrap_or("?")
            ),
            Message::ParameterDescription(body) => {
                let types: Vec<String> = body
                    .parameters()
                    .map(|oid| Ok(type_name(oid)))
                    .collect()
                    .unwrap_or_default();
                format!("ParameterDescription[{}]", types.join(","))
            }
            Message::ParameterStatus(body) => format!(
                "ParameterStatus {}={}",
                body.name().unwrap_or("?"),
                body.value().unwrap_or("?")
            ),
            Message::ParseComplete => "ParseComplete".into(),
            Message::PortalSuspended => "PortalSuspended".into(),
            Message::ReadyForQuery(body) => format!("ReadyForQuery {}", char::from(body.status())),
            Message::RowDescription(body) => {
                let (columns, rendered) = describe(body);
                self.columns = columns;
                format!("RowDescription[{}]", rendered.join(","))
            }
            _ => "<unknown message>".into(),
        }
    }
}

/// Renders messages with a fresh [`Renderer`].
pub fn render(messages: &[Message]) -> Vec<String> {
    let mut r = Renderer::default();
    messages.iter().map(|m| r.render(m)).collect()
}

fn describe(body: &RowDescriptionBody) -> (Vec<(Oid, i16)>, Vec<String>) {
    let mut columns = Vec::new();
    let mut rendered = Vec::new();
    let mut fields = body.fields();
    while let Ok(Some(f)) = fields.next() {
        columns.push((f.type_oid(), f.format()));
        let binary = if f.format() == 1 { ":binary" } else { "" };
        rendered.push(format!("{}:{}{binary}", f.name(), type_name(f.type_oid())));
    }
    (columns, rendered)
}

/// The fields a test looks at in an ErrorResponse or NoticeResponse.
#[derive(Debug, Default, Clone)]
pub struct ErrorFields {
    pub severity: String,
    pub code: String,
    pub message: String,
    pub detail: Option<String>,
    pub hint: Option<String>,
    pub position: Option<String>,
}

/// Reads the fields of an ErrorResponse or NoticeResponse body.
pub fn error_fields(
    mut fields: postgres_protocol::message::backend::ErrorFields<'_>,
) -> ErrorFields {
    let mut out = ErrorFields::default();
    while let Ok(Some(f)) = fields.next() {
        let value = String::from_utf8_lossy(f.value_bytes()).into_owned();
        match f.type_() {
            b'V' => out.severity = value,
            b'S' if out.severity.is_empty() => out.severity = value,
            b'C' => out.code = value,
            b'M' => out.message = value,
            b'D' => out.detail = Some(value),
            b'H' => out.hint = Some(value),
            b'P' => out.position = Some(value),
            _ => {}
        }
    }
    out
}

/// Types whose text form is shown without quotes.
fn is_bare(oid: Oid) -> bool {
    matches!(oid, 16 | 20 | 21 | 23 | 26 | 700 | 701 | 1700)
}

/// PostgreSQL's name for common type OIDs, the number otherwise.
pub fn type_name(oid: Oid) -> String {
    let name = match oid {
        16 => "bool",
        17 => "bytea",
        18 => "char",
        19 => "name",
        20 => "int8",
        21 => "int2",
        23 => "int4",
        25 => "text",
        26 => "oid",
        114 => "json",
        700 => "float4",
        701 => "float8",
        705 => "unknown",
        1000 => "bool[]",
        1005 => "int2[]",
        1007 => "int4[]",
        1009 => "text[]",
        1016 => "int8[]",
        1042 => "bpchar",
        1043 => "varchar",
        1082 => "date",
        1083 => "time",
        1114 => "timestamp",
        1184 => "timestamptz",
        1186 => "interval",
        1700 => "numeric",
        2205 => "regclass",
        2278 => "void",
        2950 => "uuid",
        3802 => "jsonb",
        // Enums and other user-defined types: OIDs differ between servers by design.
        n if n >= 16384 => "user-defined",
        _ => return oid.to_string(),
    };
    name.to_owned()
}

/// A Rust-style quoted string (valid UTF-8) or `\x..` hex (anything else).
fn quote(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => format!("{s:?}"),
        Err(_) => format!("\\x{}", hex(bytes)),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
