//! Backend messages out: small writers that append one PostgreSQL v3 message each to the
//! connection's output `BytesMut`, in postgres-protocol's style (which has only the client half).
//!
//! A session appends everything a batch produces to one buffer and flushes it once. Rows are
//! written without per-row allocation: [`data_row_begin`], then per column [`data_row_null`] or
//! [`data_row_value`] (whose closure encodes straight into the buffer), then [`data_row_end`].
//!
//! Invariants:
//! - Every writer leaves a well-formed frame: the length word is patched after the body is
//!   written ([`frame`]), and strings are written as cstrings cut at their first NUL, so text
//!   that came from a client (a bind parameter quoted in an error message, say) cannot break the
//!   framing.
//! - Only DataRow's size is decided by data; it is the one writer that checks the protocol's
//!   2 GiB limit and fails (54000) instead of sending a wrong length. Other messages are built by
//!   devdb from short strings.
//!
//! Start reading at [`frame`].

#[cfg(test)]
mod tests;

use bytes::{BufMut, BytesMut};
use devdb_pg::{Format, Oid, PgError, SqlState};

/// Writes one tagged message: the tag, a length placeholder, the body `f` appends, then the real
/// length (which counts itself but not the tag).
///
/// For messages devdb builds from bounded strings; a body over 2 GiB cannot be framed and its
/// length is clamped, so data-sized messages must use the checked DataRow writers instead.
pub fn frame(out: &mut BytesMut, tag: u8, f: impl FnOnce(&mut BytesMut)) {
    out.put_u8(tag);
    let at = out.len();
    out.put_i32(0);
    f(out);
    let len = i32::try_from(out.len() - at).unwrap_or(i32::MAX);
    patch_i32(out, at, len);
}

/// Overwrites the 4 bytes at `at`, which a writer here reserved itself.
fn patch_i32(out: &mut BytesMut, at: usize, value: i32) {
    if let Some(slot) = out.get_mut(at..at + 4) {
        slot.copy_from_slice(&value.to_be_bytes());
    }
}

/// Appends `s` as a cstring. PostgreSQL strings cannot contain NUL, so anything after one is cut
/// off rather than allowed to end the field early and shift every later field.
fn put_cstr(out: &mut BytesMut, s: &str) {
    let bytes = s.as_bytes();
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    out.put_slice(bytes.get(..end).unwrap_or_default());
    out.put_u8(0);
}

/// A count as the protocol's 16-bit field; devdb never has more than 1664 columns (PostgreSQL's
/// limit) or 65535 parameters, so the clamp is never hit.
fn count_u16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

fn authentication(out: &mut BytesMut, code: i32, f: impl FnOnce(&mut BytesMut)) {
    frame(out, b'R', |out| {
        out.put_i32(code);
        f(out);
    });
}

/// AuthenticationOk: the client is in; ParameterStatus, BackendKeyData and ReadyForQuery follow.
pub fn authentication_ok(out: &mut BytesMut) {
    authentication(out, 0, |_| {});
}

/// AuthenticationCleartextPassword: ask for the password in plain text (`--auth password`).
pub fn authentication_cleartext_password(out: &mut BytesMut) {
    authentication(out, 3, |_| {});
}

/// AuthenticationMD5Password: ask for `md5(md5(password + user) + salt)`.
pub fn authentication_md5_password(out: &mut BytesMut, salt: [u8; 4]) {
    authentication(out, 5, |out| out.put_slice(&salt));
}

/// AuthenticationSASL: offer SCRAM mechanisms, most preferred first.
pub fn authentication_sasl(out: &mut BytesMut, mechanisms: &[&str]) {
    authentication(out, 10, |out| {
        for mechanism in mechanisms {
            put_cstr(out, mechanism);
        }
        out.put_u8(0);
    });
}

/// AuthenticationSASLContinue: the server-first-message of SCRAM.
pub fn authentication_sasl_continue(out: &mut BytesMut, data: &[u8]) {
    authentication(out, 11, |out| out.put_slice(data));
}

/// AuthenticationSASLFinal: the server-final-message, proving the server knew the verifier.
pub fn authentication_sasl_final(out: &mut BytesMut, data: &[u8]) {
    authentication(out, 12, |out| out.put_slice(data));
}

/// ParameterStatus: a run-time setting the client tracks (`server_version`, `TimeZone`, ...).
pub fn parameter_status(out: &mut BytesMut, name: &str, value: &str) {
    frame(out, b'S', |out| {
        put_cstr(out, name);
        put_cstr(out, value);
    });
}

/// BackendKeyData: the pair a client quotes in a CancelRequest for this session.
pub fn backend_key_data(out: &mut BytesMut, pid: i32, secret: i32) {
    frame(out, b'K', |out| {
        out.put_i32(pid);
        out.put_i32(secret);
    });
}

/// ReadyForQuery with the transaction status: `b'I'` idle, `b'T'` in a transaction, `b'E'` in a
/// failed transaction.
pub fn ready_for_query(out: &mut BytesMut, status: u8) {
    frame(out, b'Z', |out| out.put_u8(status));
}

/// ParseComplete: answer to Parse.
pub fn parse_complete(out: &mut BytesMut) {
    frame(out, b'1', |_| {});
}

/// BindComplete: answer to Bind.
pub fn bind_complete(out: &mut BytesMut) {
    frame(out, b'2', |_| {});
}

/// CloseComplete: answer to Close, also for a name that did not exist.
pub fn close_complete(out: &mut BytesMut) {
    frame(out, b'3', |_| {});
}

/// NoData: Describe of a statement or portal that returns no rows.
pub fn no_data(out: &mut BytesMut) {
    frame(out, b'n', |_| {});
}

/// PortalSuspended: Execute stopped at its row limit; the portal can be executed again.
pub fn portal_suspended(out: &mut BytesMut) {
    frame(out, b's', |_| {});
}

/// EmptyQueryResponse: the query string held no statement.
pub fn empty_query_response(out: &mut BytesMut) {
    frame(out, b'I', |_| {});
}

/// CopyInResponse / CopyOutResponse (`tag` 'G' / 'H'): a COPY of `columns` columns begins,
/// in text or (`binary`) binary format.
fn copy_response(out: &mut BytesMut, tag: u8, columns: usize, binary: bool) {
    let columns = i16::try_from(columns).unwrap_or(i16::MAX);
    let format = i16::from(binary);
    frame(out, tag, |out| {
        out.put_i8(format as i8);
        out.put_i16(columns);
        for _ in 0..columns {
            out.put_i16(format);
        }
    });
}

/// CopyInResponse: the client should now send CopyData messages, then CopyDone or CopyFail.
pub fn copy_in_response(out: &mut BytesMut, columns: usize, binary: bool) {
    copy_response(out, b'G', columns, binary);
}

/// CopyOutResponse: CopyData messages follow, then CopyDone.
pub fn copy_out_response(out: &mut BytesMut, columns: usize, binary: bool) {
    copy_response(out, b'H', columns, binary);
}

/// CopyData: a piece of COPY's data stream (devdb sends one row per message).
pub fn copy_data(out: &mut BytesMut, data: &[u8]) {
    frame(out, b'd', |out| out.put_slice(data));
}

/// CopyDone: the end of COPY TO's data.
pub fn copy_done(out: &mut BytesMut) {
    frame(out, b'c', |_| {});
}

/// NotificationResponse: a NOTIFY from backend `pid` on a channel this session listens on.
pub fn notification_response(out: &mut BytesMut, pid: i32, channel: &str, payload: &str) {
    frame(out, b'A', |out| {
        out.put_i32(pid);
        put_cstr(out, channel);
        put_cstr(out, payload);
    });
}

/// CommandComplete with its tag (`SELECT 3`, `INSERT 0 1`, `BEGIN`, ...).
pub fn command_complete(out: &mut BytesMut, tag: &str) {
    frame(out, b'C', |out| put_cstr(out, tag));
}

/// ParameterDescription: the types of a prepared statement's parameters.
pub fn parameter_description(out: &mut BytesMut, types: &[Oid]) {
    frame(out, b't', |out| {
        out.put_u16(count_u16(types.len()));
        for ty in types {
            out.put_u32(ty.0);
        }
    });
}

/// One column of a RowDescription, as PostgreSQL's pg_attribute and pg_type describe it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldDescription<'a> {
    /// The column label.
    pub name: &'a str,
    /// The table the column comes from, or 0 for an expression.
    pub table_oid: u32,
    /// The column's attribute number in that table, or 0.
    pub column_id: i16,
    pub type_oid: Oid,
    /// pg_type.typlen: a fixed size, or -1 for variable length.
    pub type_len: i16,
    /// pg_attribute.atttypmod, such as varchar's length + 4; -1 when there is none.
    pub type_modifier: i32,
    /// The format the DataRow values will use; always text in a Describe of a statement.
    pub format: Format,
}

/// RowDescription: the shape of the rows that follow (or would follow, after Describe).
pub fn row_description(out: &mut BytesMut, fields: &[FieldDescription<'_>]) {
    frame(out, b'T', |out| {
        out.put_u16(count_u16(fields.len()));
        for field in fields {
            put_cstr(out, field.name);
            out.put_u32(field.table_oid);
            out.put_i16(field.column_id);
            out.put_u32(field.type_oid.0);
            out.put_i16(field.type_len);
            out.put_i32(field.type_modifier);
            out.put_i16(field.format.code());
        }
    });
}

/// Starts a DataRow of `ncols` values and returns its start offset for [`data_row_end`].
pub fn data_row_begin(out: &mut BytesMut, ncols: i16) -> usize {
    let start = out.len();
    out.put_u8(b'D');
    out.put_i32(0);
    out.put_i16(ncols);
    start
}

/// Appends a NULL column to the current DataRow.
pub fn data_row_null(out: &mut BytesMut) {
    out.put_i32(-1);
}

/// Appends one non-NULL column: `f` writes the value's bytes directly into `out` (for instance
/// with `devdb_pg::value::encode`), then its length prefix is patched in.
///
/// On error, from `f` or for a value over 2 GiB (54000), `out` is left as before this column;
/// the caller abandons the row with `out.truncate(start)` and sends the error instead.
pub fn data_row_value<E: From<PgError>>(
    out: &mut BytesMut,
    f: impl FnOnce(&mut BytesMut) -> Result<(), E>,
) -> Result<(), E> {
    let at = out.len();
    out.put_i32(0);
    if let Err(err) = f(out) {
        out.truncate(at);
        return Err(err);
    }
    let len = out.len() - at - 4;
    let Ok(len) = i32::try_from(len) else {
        out.truncate(at);
        return Err(too_big("a value", len).into());
    };
    patch_i32(out, at, len);
    Ok(())
}

/// Ends the DataRow begun at `start` by patching its length.
///
/// A row over 2 GiB cannot be framed: it is removed from `out` and the error (54000) returned.
pub fn data_row_end(out: &mut BytesMut, start: usize) -> Result<(), PgError> {
    let len = out.len().saturating_sub(start + 1);
    let Ok(len) = i32::try_from(len) else {
        out.truncate(start);
        return Err(too_big("a row", len));
    };
    patch_i32(out, start + 1, len);
    Ok(())
}

/// PostgreSQL fails a too-large output buffer with "out of memory" and 54000 too.
fn too_big(what: &str, len: usize) -> PgError {
    PgError::new(SqlState::PROGRAM_LIMIT_EXCEEDED, "out of memory").with_detail(format!(
        "Cannot send {what} of {len} bytes: the protocol's limit is 2 GiB."
    ))
}

/// ErrorResponse: the error, with its severity, SQLSTATE, message and the optional fields set.
pub fn error_response(out: &mut BytesMut, err: &PgError) {
    frame(out, b'E', |out| error_fields(out, err));
}

/// NoticeResponse: the same fields as ErrorResponse, for a NOTICE or WARNING that does not stop
/// the statement.
pub fn notice_response(out: &mut BytesMut, err: &PgError) {
    frame(out, b'N', |out| error_fields(out, err));
}

/// The fields PostgreSQL sends, in its order: `S` (localized severity; devdb does not localize)
/// and `V` (never localized) carry the same word, then `C`, `M`, and `D`, `H`, `P` when present.
fn error_fields(out: &mut BytesMut, err: &PgError) {
    let mut field = |code: u8, value: &str| {
        out.put_u8(code);
        put_cstr(out, value);
    };
    field(b'S', err.severity.as_str());
    field(b'V', err.severity.as_str());
    field(b'C', err.code.code());
    field(b'M', &err.message);
    if let Some(detail) = &err.detail {
        field(b'D', detail);
    }
    if let Some(hint) = &err.hint {
        field(b'H', hint);
    }
    if let Some(position) = err.position {
        field(b'P', &position.to_string());
    }
    if let Some(fields) = &err.fields {
        for (code, value) in [
            (b'W', &fields.context),
            (b's', &fields.schema),
            (b't', &fields.table),
            (b'c', &fields.column),
            (b'n', &fields.constraint),
        ] {
            if let Some(value) = value {
                field(code, value);
            }
        }
    }
    out.put_u8(0);
}

/// NegotiateProtocolVersion: the answer to a StartupMessage asking for 3.x with x above what
/// devdb speaks (`newest_minor`, 0), or naming `_pq_.` options it does not know.
pub fn negotiate_protocol_version(out: &mut BytesMut, newest_minor: i32, unrecognized: &[&str]) {
    frame(out, b'v', |out| {
        out.put_i32(newest_minor);
        out.put_i32(i32::try_from(unrecognized.len()).unwrap_or(i32::MAX));
        for option in unrecognized {
            put_cstr(out, option);
        }
    });
}
