//! Frontend messages in: the server half of PostgreSQL's wire protocol v3 that postgres-protocol
//! (a client library) does not have.
//!
//! Two framings arrive on a connection. The startup family ([`read_startup`]) is untagged,
//! `[len:i32][code:i32][body]`, and only comes first; everything after it is tagged
//! ([`read_message`]), `[tag:u8][len:i32][body]`, where `len` counts itself but not the tag.
//! Both readers work over the connection's `BytesMut` read buffer, mini-redis style, and are
//! called again after every socket read.
//!
//! Invariants:
//! - Nothing a client sends can panic here: no `unwrap`, no indexing into client bytes; every
//!   malformed frame is a [`PgError::protocol_violation`] (08P01, FATAL), after which the caller
//!   sends the error and closes the connection (the buffer's content is then unspecified).
//! - `Ok(None)` means "incomplete": nothing was consumed and the caller should read more.
//!   `Ok(Some(_))` consumed exactly one frame.
//! - Lengths are checked as soon as the header is in, before the body is buffered, against
//!   PostgreSQL 15's caps: 10000 bytes for the startup packet and for most messages, 1 GiB - 1
//!   for Query, Parse, Bind and CopyData. An unknown tag is rejected from its first byte.
//! - Each body is decoded from a [`Bytes`] of exactly its length by a [`Cursor`], so a body can
//!   neither read into the next frame nor leave bytes behind ([`Cursor::finish`]).
//! - Strings must be UTF-8 (devdb speaks UTF8 only). PostgreSQL reports bad UTF-8 in a query
//!   as 22021 and keeps the session; devdb treats it as framing garbage, 08P01, and closes it.
//!
//! Start reading at [`read_message`].

#[cfg(test)]
mod tests;

use bytes::{Buf, Bytes, BytesMut};
use devdb_pg::{Format, Oid, PgError};

/// `3.0` as the startup packet spells it: major version in the high 16 bits, minor in the low.
pub const PROTOCOL_VERSION_3_0: i32 = 3 << 16;
/// The "version" a CancelRequest sends instead of a protocol version (1234.5678).
pub const CANCEL_REQUEST_CODE: i32 = (1234 << 16) | 5678;
/// The "version" an SSLRequest sends (1234.5679).
pub const SSL_REQUEST_CODE: i32 = (1234 << 16) | 5679;
/// The "version" a GSSENCRequest sends (1234.5680).
pub const GSSENC_REQUEST_CODE: i32 = (1234 << 16) | 5680;

/// PostgreSQL's MAX_STARTUP_PACKET_LENGTH: the cap on a startup packet, not counting its length
/// word (so the declared length may be up to 10004).
pub const MAX_STARTUP_PACKET_LENGTH: usize = 10000;
/// PostgreSQL's PQ_SMALL_MESSAGE_LIMIT: the cap on the declared length of most messages.
pub const SMALL_MESSAGE_LIMIT: usize = 10000;
/// PostgreSQL's PQ_LARGE_MESSAGE_LIMIT (1 GiB - 1): the cap for Query, Parse, Bind and CopyData,
/// whose size the user's data decides.
pub const LARGE_MESSAGE_LIMIT: usize = 0x3fff_ffff;

/// The first packet of a connection, before any tagged message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StartupPacket {
    /// A StartupMessage. `version` is whatever the client sent: the caller rejects majors other
    /// than 3 and answers a 3.x minor above 0 with NegotiateProtocolVersion. `params` are the
    /// name/value pairs in the order sent (`user`, `database`, `options`, `_pq_.*`, ...); they are
    /// only parsed for major version 3, since other versions lay the body out differently.
    Startup {
        version: i32,
        params: Vec<(String, String)>,
    },
    /// The client asks for TLS; devdb answers `N` and the client goes on in plain text.
    SslRequest,
    /// The client asks for GSSAPI encryption; devdb answers `N`.
    GssEncRequest,
    /// Sent on a fresh connection to cancel the statement running in session `pid`.
    Cancel { pid: i32, secret: i32 },
}

/// Whether Describe or Close names a prepared statement (`S`) or a portal (`P`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Statement,
    Portal,
}

/// A tagged message from the client, decoded but not yet interpreted. Never shared with the
/// messages devdb sends (see `backend`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrontendMessage {
    /// `Q`: simple query protocol, one or more statements separated by `;`.
    Query { sql: String },
    /// `P`: prepare `sql` as statement `name` (empty = unnamed). `param_types` may be shorter than
    /// the statement's parameters; 0 means "infer".
    Parse {
        name: String,
        sql: String,
        param_types: Vec<Oid>,
    },
    /// `B`: bind `statement` into `portal`. `param_formats` is already resolved to one format
    /// per entry of `params` (`None` = NULL); `result_formats` is kept as sent (0, 1 or one per
    /// column) because the column count is only known to the caller: see [`resolve_formats`].
    Bind {
        portal: String,
        statement: String,
        param_formats: Vec<Format>,
        params: Vec<Option<Bytes>>,
        result_formats: Vec<Format>,
    },
    /// `D`: ask for ParameterDescription/RowDescription (statement) or RowDescription (portal).
    Describe { target: Target, name: String },
    /// `E`: run `portal`, returning at most `max_rows` rows (0 or negative = all).
    Execute { portal: String, max_rows: i32 },
    /// `C`: drop a prepared statement or portal.
    Close { target: Target, name: String },
    /// `S`: end of an extended-protocol batch; the server answers ReadyForQuery.
    Sync,
    /// `H`: send what is buffered without ending the batch.
    Flush,
    /// `X`: the client is leaving.
    Terminate,
    /// `p`: PasswordMessage, SASLInitialResponse and SASLResponse share this tag; only the
    /// authentication state knows which one it is, so the body is kept raw. Decode it with
    /// [`parse_password`] or [`parse_sasl_initial_response`] (a SASLResponse is the raw body).
    Password { data: Bytes },
    /// `d`: a chunk of COPY FROM STDIN data.
    CopyData { data: Bytes },
    /// `c`: COPY FROM STDIN is complete.
    CopyDone,
    /// `f`: the client aborts COPY FROM STDIN with this message.
    CopyFail { message: String },
}

/// Reads the startup family of packets from the front of `buf`.
///
/// Returns `Ok(None)` until the whole packet is buffered (consuming nothing), then consumes
/// exactly one packet. The declared length is checked as soon as its 4 bytes arrive.
pub fn read_startup(buf: &mut BytesMut) -> Result<Option<StartupPacket>, PgError> {
    let Some(len) = peek_i32(buf, 0) else {
        return Ok(None);
    };
    // As PostgreSQL's ProcessStartupPacket: the body after the length word must hold at least a
    // version code and at most MAX_STARTUP_PACKET_LENGTH bytes.
    let total = usize::try_from(len)
        .ok()
        .filter(|&total| (8..=MAX_STARTUP_PACKET_LENGTH + 4).contains(&total))
        .ok_or_else(|| {
            PgError::protocol_violation("invalid length of startup packet")
                .with_detail(format!("The declared length was {len}."))
        })?;
    if buf.len() < total {
        return Ok(None);
    }
    let mut body = buf.split_to(total).freeze();
    body.advance(4);
    let mut cursor = Cursor::new(body);
    let code = cursor.get_i32()?;
    let packet = match code {
        CANCEL_REQUEST_CODE => {
            let pid = cursor.get_i32()?;
            let secret = cursor.get_i32()?;
            cursor.finish()?;
            StartupPacket::Cancel { pid, secret }
        }
        SSL_REQUEST_CODE => {
            cursor.finish()?;
            StartupPacket::SslRequest
        }
        GSSENC_REQUEST_CODE => {
            cursor.finish()?;
            StartupPacket::GssEncRequest
        }
        version if version >> 16 == 3 => StartupPacket::Startup {
            version,
            params: read_startup_params(cursor)?,
        },
        version => StartupPacket::Startup {
            version,
            params: Vec::new(),
        },
    };
    Ok(Some(packet))
}

/// Name/value cstring pairs ended by an empty name, which must be the packet's last byte.
fn read_startup_params(mut cursor: Cursor) -> Result<Vec<(String, String)>, PgError> {
    let layout = |_| {
        PgError::protocol_violation(
            "invalid startup packet layout: expected terminator as last byte",
        )
    };
    let mut params = Vec::new();
    loop {
        let name = cursor.get_cstr().map_err(layout)?;
        if name.is_empty() {
            break;
        }
        let value = cursor.get_cstr().map_err(layout)?;
        params.push((utf8(name)?, utf8(value)?));
    }
    cursor.finish().map_err(layout)?;
    Ok(params)
}

/// Reads one tagged message from the front of `buf`.
///
/// Returns `Ok(None)` until the whole message is buffered (consuming nothing), then consumes
/// exactly one message. The tag is checked from its first byte and the declared length as soon
/// as the 5-byte header is in, so an oversized message is refused before it is buffered.
pub fn read_message(buf: &mut BytesMut) -> Result<Option<FrontendMessage>, PgError> {
    let Some(&tag) = buf.first() else {
        return Ok(None);
    };
    let max_len = max_message_len(tag)?;
    let Some(len) = peek_i32(buf, 1) else {
        return Ok(None);
    };
    let len = usize::try_from(len)
        .ok()
        .filter(|&len| (4..=max_len).contains(&len))
        .ok_or_else(|| {
            PgError::protocol_violation("invalid message length").with_detail(format!(
                "A message of type {} declared length {len}; the limit is {max_len}.",
                describe_tag(tag)
            ))
        })?;
    let total = len + 1;
    if buf.len() < total {
        return Ok(None);
    }
    let mut body = buf.split_to(total).freeze();
    body.advance(5);
    decode_body(tag, Cursor::new(body))
        .map(Some)
        .map_err(|err| {
            if err.detail.is_some() {
                err
            } else {
                err.with_detail(format!("In a message of type {}.", describe_tag(tag)))
            }
        })
}

/// The cap on a message's declared length, by tag, as PostgreSQL's SocketBackend sets it; an
/// unknown tag is a protocol violation.
fn max_message_len(tag: u8) -> Result<usize, PgError> {
    match tag {
        b'Q' | b'P' | b'B' | b'd' => Ok(LARGE_MESSAGE_LIMIT),
        b'D' | b'E' | b'C' | b'S' | b'H' | b'X' | b'p' | b'c' | b'f' => Ok(SMALL_MESSAGE_LIMIT),
        // PostgreSQL accepts FunctionCall; devdb does not, and says so rather than "invalid".
        b'F' => Err(PgError::protocol_violation(
            "FunctionCall (fast-path) messages are not supported by devdb",
        )),
        other => Err(PgError::protocol_violation(format!(
            "invalid frontend message type {other}"
        ))),
    }
}

/// A tag for error details: printable ones as `'Q'`, others as a number.
fn describe_tag(tag: u8) -> String {
    if tag.is_ascii_graphic() {
        format!("'{}'", char::from(tag))
    } else {
        tag.to_string()
    }
}

fn decode_body(tag: u8, mut c: Cursor) -> Result<FrontendMessage, PgError> {
    let message = match tag {
        b'Q' => FrontendMessage::Query {
            sql: c.get_string()?,
        },
        b'P' => {
            let name = c.get_string()?;
            let sql = c.get_string()?;
            let count = c.get_u16()?;
            let mut param_types = Vec::with_capacity(c.capacity_for(count, 4));
            for _ in 0..count {
                param_types.push(Oid(c.get_u32()?));
            }
            FrontendMessage::Parse {
                name,
                sql,
                param_types,
            }
        }
        b'B' => decode_bind(&mut c)?,
        b'D' => FrontendMessage::Describe {
            target: target(c.get_u8()?, "DESCRIBE")?,
            name: c.get_string()?,
        },
        b'E' => FrontendMessage::Execute {
            portal: c.get_string()?,
            max_rows: c.get_i32()?,
        },
        b'C' => FrontendMessage::Close {
            target: target(c.get_u8()?, "CLOSE")?,
            name: c.get_string()?,
        },
        b'S' => FrontendMessage::Sync,
        b'H' => FrontendMessage::Flush,
        b'X' => FrontendMessage::Terminate,
        b'p' => FrontendMessage::Password { data: c.rest() },
        b'd' => FrontendMessage::CopyData { data: c.rest() },
        b'c' => FrontendMessage::CopyDone,
        b'f' => FrontendMessage::CopyFail {
            message: c.get_string()?,
        },
        other => {
            // max_message_len already refused every other tag; kept total rather than trusted.
            return Err(PgError::protocol_violation(format!(
                "invalid frontend message type {other}"
            )));
        }
    };
    c.finish()?;
    Ok(message)
}

fn decode_bind(c: &mut Cursor) -> Result<FrontendMessage, PgError> {
    let portal = c.get_string()?;
    let statement = c.get_string()?;
    let param_codes = c.get_formats()?;
    let count = c.get_u16()?;
    let mut params = Vec::with_capacity(c.capacity_for(count, 4));
    for _ in 0..count {
        let len = c.get_i32()?;
        let value = match len {
            -1 => None,
            len => {
                let len = usize::try_from(len).map_err(|_| {
                    PgError::protocol_violation("insufficient data left in message")
                })?;
                Some(c.get_bytes(len)?)
            }
        };
        params.push(value);
    }
    let param_formats = resolve(&param_codes, params.len(), |formats, n| {
        format!("bind message has {formats} parameter formats but {n} parameters")
    })?;
    let result_formats = c.get_formats()?;
    Ok(FrontendMessage::Bind {
        portal,
        statement,
        param_formats,
        params,
        result_formats,
    })
}

fn target(subtype: u8, message: &str) -> Result<Target, PgError> {
    match subtype {
        b'S' => Ok(Target::Statement),
        b'P' => Ok(Target::Portal),
        other => Err(PgError::protocol_violation(format!(
            "invalid {message} message subtype {other}"
        ))),
    }
}

/// Expands Bind's result format codes to one per result column: none means all text, one
/// applies to every column, otherwise there must be exactly one per column (08P01).
///
/// The codec cannot do this itself because only the portal knows its column count.
pub fn resolve_formats(formats: &[Format], n: usize) -> Result<Vec<Format>, PgError> {
    resolve(formats, n, |formats, n| {
        format!("bind message has {formats} result formats but query has {n} columns")
    })
}

fn resolve(
    formats: &[Format],
    n: usize,
    mismatch: impl FnOnce(usize, usize) -> String,
) -> Result<Vec<Format>, PgError> {
    match formats {
        [] => Ok(vec![Format::Text; n]),
        [one] => Ok(vec![*one; n]),
        many if many.len() == n => Ok(many.to_vec()),
        many => Err(PgError::protocol_violation(mismatch(many.len(), n))),
    }
}

/// A SASLInitialResponse, the first `p` message of SCRAM authentication.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaslInitialResponse {
    /// The mechanism the client picked, such as `SCRAM-SHA-256`.
    pub mechanism: String,
    /// The client-first-message; `None` when the client sent length -1.
    pub data: Option<Bytes>,
}

/// Decodes a `p` body as a SASLInitialResponse: mechanism cstring, i32 length (-1 = none), data.
pub fn parse_sasl_initial_response(data: Bytes) -> Result<SaslInitialResponse, PgError> {
    let mut c = Cursor::new(data);
    let mechanism = c.get_string()?;
    let data = match c.get_i32()? {
        -1 => None,
        len => {
            let len = usize::try_from(len)
                .map_err(|_| PgError::protocol_violation("insufficient data left in message"))?;
            Some(c.get_bytes(len)?)
        }
    };
    c.finish()?;
    Ok(SaslInitialResponse { mechanism, data })
}

/// Decodes a `p` body as a PasswordMessage: one cstring filling the whole body (cleartext, or
/// `md5` followed by the hex digest).
pub fn parse_password(data: Bytes) -> Result<String, PgError> {
    let mut c = Cursor::new(data);
    let password = c.get_string()?;
    c.finish()
        .map_err(|_| PgError::protocol_violation("invalid password packet size"))?;
    Ok(password)
}

/// A big-endian i32 at `at` in `buf`, if those 4 bytes are buffered.
fn peek_i32(buf: &[u8], at: usize) -> Option<i32> {
    let bytes = buf.get(at..at.checked_add(4)?)?;
    Some(i32::from_be_bytes(bytes.try_into().ok()?))
}

fn utf8(bytes: Bytes) -> Result<String, PgError> {
    match std::str::from_utf8(&bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(err) => {
            // PostgreSQL's wording (from 22021) and its habit of showing the offending bytes.
            let bad = bytes
                .iter()
                .skip(err.valid_up_to())
                .take(err.error_len().unwrap_or(4))
                .map(|b| format!("0x{b:02x}"))
                .collect::<Vec<_>>()
                .join(" ");
            Err(PgError::protocol_violation(format!(
                "invalid byte sequence for encoding \"UTF8\": {bad}"
            )))
        }
    }
}

/// Reads the fields of one message body. Every accessor returns 08P01 instead of reading past
/// the end, so decoding code can use `?` and never index.
///
/// Public so the authentication code can decode `p` bodies with the same guarantees.
#[derive(Clone, Debug)]
pub struct Cursor {
    rest: Bytes,
}

impl Cursor {
    /// A cursor over exactly one message body.
    pub fn new(body: Bytes) -> Cursor {
        Cursor { rest: body }
    }

    /// Bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.rest.len()
    }

    pub fn get_u8(&mut self) -> Result<u8, PgError> {
        self.get_array::<1>().map(u8::from_be_bytes)
    }

    pub fn get_i16(&mut self) -> Result<i16, PgError> {
        self.get_array().map(i16::from_be_bytes)
    }

    /// Counts (formats, parameters, parameter types) are unsigned 16-bit on the wire, as
    /// PostgreSQL's `pq_getmsgint(msg, 2)` reads them, so 65535 parameters are allowed.
    pub fn get_u16(&mut self) -> Result<u16, PgError> {
        self.get_array().map(u16::from_be_bytes)
    }

    pub fn get_i32(&mut self) -> Result<i32, PgError> {
        self.get_array().map(i32::from_be_bytes)
    }

    /// OIDs are unsigned 32-bit.
    pub fn get_u32(&mut self) -> Result<u32, PgError> {
        self.get_array().map(u32::from_be_bytes)
    }

    fn get_array<const N: usize>(&mut self) -> Result<[u8; N], PgError> {
        let bytes = self.get_bytes(N)?;
        <[u8; N]>::try_from(bytes.as_ref())
            .map_err(|_| PgError::protocol_violation("insufficient data left in message"))
    }

    /// The next `n` bytes, sharing the body's allocation.
    pub fn get_bytes(&mut self, n: usize) -> Result<Bytes, PgError> {
        if n > self.rest.len() {
            return Err(PgError::protocol_violation(
                "insufficient data left in message",
            ));
        }
        Ok(self.rest.split_to(n))
    }

    /// A NUL-terminated string's bytes, without the terminator.
    pub fn get_cstr(&mut self) -> Result<Bytes, PgError> {
        let end = self
            .rest
            .iter()
            .position(|&b| b == 0)
            .ok_or_else(|| PgError::protocol_violation("invalid string in message"))?;
        let s = self.rest.split_to(end);
        self.rest.advance(1);
        Ok(s)
    }

    /// A NUL-terminated string that must be UTF-8.
    pub fn get_string(&mut self) -> Result<String, PgError> {
        self.get_cstr().and_then(utf8)
    }

    /// Everything not yet read.
    pub fn rest(&mut self) -> Bytes {
        std::mem::take(&mut self.rest)
    }

    /// Ends decoding: a well-formed body has no bytes left.
    pub fn finish(self) -> Result<(), PgError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(PgError::protocol_violation("invalid message format"))
        }
    }

    /// A u16 count followed by that many format codes, each 0 (text) or 1 (binary).
    fn get_formats(&mut self) -> Result<Vec<Format>, PgError> {
        let count = self.get_u16()?;
        let mut formats = Vec::with_capacity(self.capacity_for(count, 2));
        for _ in 0..count {
            let code = self.get_i16()?;
            // PostgreSQL reports a bad code at bind time as 22023; devdb refuses the frame.
            let format = Format::from_code(code).ok_or_else(|| {
                PgError::protocol_violation(format!("unsupported format code: {code}"))
            })?;
            formats.push(format);
        }
        Ok(formats)
    }

    /// A capacity for `count` items of at least `min_size` bytes each that the remaining bytes
    /// could actually hold, so a lying count cannot make us allocate more than the body.
    fn capacity_for(&self, count: u16, min_size: usize) -> usize {
        usize::from(count).min(self.rest.len() / min_size)
    }
}
