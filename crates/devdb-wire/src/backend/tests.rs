//! Every writer's output read back by postgres-protocol's client-side parser, the way drivers
//! built on it (tokio-postgres) will read devdb.

use bytes::{Bytes, BytesMut};
use devdb_pg::value::{Datum, encode};
use devdb_pg::{Format, Oid, PgError, PgType, Severity, SqlState};
use fallible_iterator::FallibleIterator;
use postgres_protocol::message::backend::Message;

use super::*;

/// Parses every message in `out`, failing on any error or leftover byte.
fn parse_all(mut out: BytesMut) -> Vec<Message> {
    let mut messages = Vec::new();
    while !out.is_empty() {
        match Message::parse(&mut out) {
            Ok(Some(message)) => messages.push(message),
            Ok(None) => panic!("incomplete frame left: {out:?}"),
            Err(err) => panic!("postgres-protocol refused our frame: {err}"),
        }
    }
    messages
}

/// Parses exactly one message.
fn parse_one(out: BytesMut) -> Message {
    let mut messages = parse_all(out);
    assert_eq!(messages.len(), 1, "expected one message");
    messages.pop().expect("one message")
}

fn written(write: impl FnOnce(&mut BytesMut)) -> BytesMut {
    let mut out = BytesMut::new();
    write(&mut out);
    out
}

fn error_fields(fields: postgres_protocol::message::backend::ErrorFields<'_>) -> Vec<(u8, String)> {
    fields
        .map(|field| {
            let value = String::from_utf8(field.value_bytes().to_vec()).expect("utf8");
            Ok((field.type_(), value))
        })
        .collect()
        .expect("error fields")
}

#[test]
fn authentication_requests_parse() {
    assert!(matches!(
        parse_one(written(authentication_ok)),
        Message::AuthenticationOk
    ));
    assert!(matches!(
        parse_one(written(authentication_cleartext_password)),
        Message::AuthenticationCleartextPassword
    ));
    let Message::AuthenticationMd5Password(body) = parse_one(written(|out| {
        authentication_md5_password(out, [1, 2, 3, 4])
    })) else {
        panic!("expected AuthenticationMD5Password");
    };
    assert_eq!(body.salt(), [1, 2, 3, 4]);
    let Message::AuthenticationSasl(body) = parse_one(written(|out| {
        authentication_sasl(out, &["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"])
    })) else {
        panic!("expected AuthenticationSASL");
    };
    let mechanisms: Vec<&str> = body.mechanisms().collect().expect("mechanisms");
    assert_eq!(mechanisms, ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"]);
    let Message::AuthenticationSaslContinue(body) = parse_one(written(|out| {
        authentication_sasl_continue(out, b"r=abc,s=c2FsdA==,i=4096")
    })) else {
        panic!("expected AuthenticationSASLContinue");
    };
    assert_eq!(body.data(), b"r=abc,s=c2FsdA==,i=4096");
    let Message::AuthenticationSaslFinal(body) =
        parse_one(written(|out| authentication_sasl_final(out, b"v=proof")))
    else {
        panic!("expected AuthenticationSASLFinal");
    };
    assert_eq!(body.data(), b"v=proof");
}

#[test]
fn session_start_messages_parse() {
    let Message::ParameterStatus(body) = parse_one(written(|out| {
        parameter_status(out, "server_version", "15.0")
    })) else {
        panic!("expected ParameterStatus");
    };
    assert_eq!(body.name().expect("name"), "server_version");
    assert_eq!(body.value().expect("value"), "15.0");
    let Message::BackendKeyData(body) = parse_one(written(|out| backend_key_data(out, 77, -5)))
    else {
        panic!("expected BackendKeyData");
    };
    assert_eq!((body.process_id(), body.secret_key()), (77, -5));
    for status in [b'I', b'T', b'E'] {
        let Message::ReadyForQuery(body) = parse_one(written(|out| ready_for_query(out, status)))
        else {
            panic!("expected ReadyForQuery");
        };
        assert_eq!(body.status(), status);
    }
}

#[test]
fn bodiless_messages_parse_as_themselves() {
    assert!(matches!(
        parse_one(written(parse_complete)),
        Message::ParseComplete
    ));
    assert!(matches!(
        parse_one(written(bind_complete)),
        Message::BindComplete
    ));
    assert!(matches!(
        parse_one(written(close_complete)),
        Message::CloseComplete
    ));
    assert!(matches!(parse_one(written(no_data)), Message::NoData));
    assert!(matches!(
        parse_one(written(portal_suspended)),
        Message::PortalSuspended
    ));
    assert!(matches!(
        parse_one(written(empty_query_response)),
        Message::EmptyQueryResponse
    ));
    // And they are exactly tag + length 4, as PostgreSQL sends them.
    assert_eq!(&written(no_data)[..], b"n\0\0\0\x04");
}

#[test]
fn command_complete_and_parameter_description_parse() {
    let Message::CommandComplete(body) =
        parse_one(written(|out| command_complete(out, "INSERT 0 3")))
    else {
        panic!("expected CommandComplete");
    };
    assert_eq!(body.tag().expect("tag"), "INSERT 0 3");
    let Message::ParameterDescription(body) = parse_one(written(|out| {
        parameter_description(out, &[Oid(23), Oid(25), Oid(4_000_000_000)])
    })) else {
        panic!("expected ParameterDescription");
    };
    let types: Vec<u32> = body.parameters().collect().expect("parameters");
    assert_eq!(types, [23, 25, 4_000_000_000]);
    let Message::ParameterDescription(body) =
        parse_one(written(|out| parameter_description(out, &[])))
    else {
        panic!("expected ParameterDescription");
    };
    assert_eq!(body.parameters().count().expect("count"), 0);
}

#[test]
fn row_description_parses_with_every_attribute() {
    let fields = [
        FieldDescription {
            name: "id",
            table_oid: 16384,
            column_id: 1,
            type_oid: PgType::Int4.oid(),
            type_len: 4,
            type_modifier: -1,
            format: Format::Binary,
        },
        FieldDescription {
            name: "näme",
            table_oid: 0,
            column_id: 0,
            type_oid: PgType::Varchar.oid(),
            type_len: -1,
            type_modifier: 14,
            format: Format::Text,
        },
    ];
    let Message::RowDescription(body) = parse_one(written(|out| row_description(out, &fields)))
    else {
        panic!("expected RowDescription");
    };
    let parsed: Vec<(String, u32, i16, u32, i16, i32, i16)> = body
        .fields()
        .map(|f| {
            Ok((
                f.name().to_owned(),
                f.table_oid(),
                f.column_id(),
                f.type_oid(),
                f.type_size(),
                f.type_modifier(),
                f.format(),
            ))
        })
        .collect()
        .expect("fields");
    assert_eq!(
        parsed,
        [
            ("id".to_owned(), 16384, 1, 23, 4, -1, 1),
            ("näme".to_owned(), 0, 0, 1043, -1, 14, 0),
        ]
    );
}

/// The values of a DataRow as postgres-protocol sees them.
fn row_values(message: Message) -> Vec<Option<Vec<u8>>> {
    let Message::DataRow(body) = message else {
        panic!("expected DataRow");
    };
    let buffer = body.buffer();
    body.ranges()
        .map(|range| Ok(range.map(|range| buffer.get(range).expect("in range").to_vec())))
        .collect()
        .expect("ranges")
}

#[test]
fn data_row_values_are_written_in_place() {
    let mut out = BytesMut::new();
    let start = data_row_begin(&mut out, 4);
    data_row_value(&mut out, |out| {
        encode(PgType::Int4, Datum::Int(42), Format::Text, out)
    })
    .expect("int4 text");
    data_row_null(&mut out);
    data_row_value(&mut out, |out| {
        encode(PgType::Int4, Datum::Int(7), Format::Binary, out)
    })
    .expect("int4 binary");
    // An empty string is a zero-length value, not NULL.
    data_row_value::<PgError>(&mut out, |_| Ok(())).expect("empty");
    data_row_end(&mut out, start).expect("row fits");
    assert_eq!(
        row_values(parse_one(out)),
        [
            Some(b"42".to_vec()),
            None,
            Some(vec![0, 0, 0, 7]),
            Some(vec![])
        ]
    );
}

#[test]
fn rows_follow_each_other_after_other_messages() {
    let mut out = BytesMut::new();
    command_complete(&mut out, "BEGIN");
    for i in 0..3 {
        let start = data_row_begin(&mut out, 1);
        data_row_value(&mut out, |out| {
            encode(PgType::Int8, Datum::Int(i), Format::Text, out)
        })
        .expect("int8");
        data_row_end(&mut out, start).expect("row fits");
    }
    ready_for_query(&mut out, b'I');
    let mut messages = parse_all(out).into_iter();
    assert!(matches!(messages.next(), Some(Message::CommandComplete(_))));
    for i in 0..3 {
        let row = messages.next().expect("a row");
        assert_eq!(row_values(row), [Some(i.to_string().into_bytes())]);
    }
    assert!(matches!(messages.next(), Some(Message::ReadyForQuery(_))));
    assert!(messages.next().is_none());
}

#[test]
fn a_failed_value_leaves_the_buffer_as_before_it() {
    let mut out = BytesMut::new();
    bind_complete(&mut out);
    let start = data_row_begin(&mut out, 2);
    data_row_value::<PgError>(&mut out, |out| {
        out.extend_from_slice(b"ok");
        Ok(())
    })
    .expect("first value");
    let before = out.clone();
    let err = data_row_value(&mut out, |out| {
        out.extend_from_slice(b"half-written");
        Err(PgError::internal("encoding failed"))
    })
    .expect_err("the closure failed");
    assert_eq!(err.code, SqlState::INTERNAL_ERROR);
    assert_eq!(out, before);
    // The caller abandons the row and reports the error instead.
    out.truncate(start);
    error_response(&mut out, &err);
    let messages = parse_all(out);
    assert!(matches!(
        messages.as_slice(),
        [Message::BindComplete, Message::ErrorResponse(_)]
    ));
}

#[test]
fn error_response_carries_present_fields_in_postgresql_order() {
    let minimal = PgError::undefined_table("nope");
    let Message::ErrorResponse(body) = parse_one(written(|out| error_response(out, &minimal)))
    else {
        panic!("expected ErrorResponse");
    };
    assert_eq!(
        error_fields(body.fields()),
        [
            (b'S', "ERROR".to_owned()),
            (b'V', "ERROR".to_owned()),
            (b'C', "42P01".to_owned()),
            (b'M', "relation \"nope\" does not exist".to_owned()),
        ]
    );

    let full = PgError::syntax_error("syntax error at or near \"FORM\"", Some(10))
        .with_detail("a detail")
        .with_hint("a hint");
    let Message::ErrorResponse(body) = parse_one(written(|out| error_response(out, &full))) else {
        panic!("expected ErrorResponse");
    };
    assert_eq!(
        error_fields(body.fields()),
        [
            (b'S', "ERROR".to_owned()),
            (b'V', "ERROR".to_owned()),
            (b'C', "42601".to_owned()),
            (b'M', "syntax error at or near \"FORM\"".to_owned()),
            (b'D', "a detail".to_owned()),
            (b'H', "a hint".to_owned()),
            (b'P', "10".to_owned()),
        ]
    );

    let fatal = PgError::protocol_violation("invalid message length");
    let Message::ErrorResponse(body) = parse_one(written(|out| error_response(out, &fatal))) else {
        panic!("expected ErrorResponse");
    };
    let fields = error_fields(body.fields());
    assert_eq!(fields.first(), Some(&(b'S', "FATAL".to_owned())));
    assert_eq!(fields.get(2), Some(&(b'C', "08P01".to_owned())));
}

#[test]
fn notice_response_uses_the_notice_severity() {
    let mut notice = PgError::new(SqlState::WARNING, "there is no transaction in progress");
    notice.severity = Severity::Warning;
    let Message::NoticeResponse(body) = parse_one(written(|out| notice_response(out, &notice)))
    else {
        panic!("expected NoticeResponse");
    };
    assert_eq!(
        error_fields(body.fields()),
        [
            (b'S', "WARNING".to_owned()),
            (b'V', "WARNING".to_owned()),
            (b'C', "01000".to_owned()),
            (b'M', "there is no transaction in progress".to_owned()),
        ]
    );
}

#[test]
fn a_nul_in_client_text_cannot_break_framing() {
    // A text-format bind parameter may hold a NUL, and error messages quote input.
    let err = PgError::invalid_text("integer", "1\0Z\0\0\0\x05I");
    let mut out = written(|out| error_response(out, &err));
    command_complete(&mut out, "SELECT\x001");
    parameter_status(&mut out, "a\0b", "c\0d");
    let messages = parse_all(out);
    let [
        Message::ErrorResponse(error),
        Message::CommandComplete(complete),
        Message::ParameterStatus(status),
    ] = messages.as_slice()
    else {
        panic!("expected exactly ErrorResponse, CommandComplete, ParameterStatus");
    };
    let fields = error_fields(error.fields());
    assert_eq!(
        fields.get(3),
        Some(&(
            b'M',
            "invalid input syntax for type integer: \"1".to_owned()
        ))
    );
    assert_eq!(complete.tag().expect("tag"), "SELECT");
    assert_eq!(status.name().expect("name"), "a");
    assert_eq!(status.value().expect("value"), "c");
}

#[test]
fn negotiate_protocol_version_bytes() {
    // postgres-protocol cannot parse 'v', so check the bytes PostgreSQL would send.
    let out = written(|out| negotiate_protocol_version(out, 0, &["_pq_.a", "_pq_.b"]));
    let mut expected = vec![b'v'];
    expected.extend_from_slice(&(4 + 4 + 4 + 7 + 7_i32).to_be_bytes());
    expected.extend_from_slice(&0_i32.to_be_bytes());
    expected.extend_from_slice(&2_i32.to_be_bytes());
    expected.extend_from_slice(b"_pq_.a\0_pq_.b\0");
    assert_eq!(&out[..], &expected[..]);
}

#[test]
fn frame_patches_the_length_of_any_message() {
    // NotificationResponse, which devdb has no writer for, through the general helper.
    let mut out = BytesMut::from(&b"already buffered"[..]);
    frame(&mut out, b'A', |out| {
        out.extend_from_slice(&42_i32.to_be_bytes());
        out.extend_from_slice(b"channel\0payload\0");
    });
    let mut out = out.split_off(b"already buffered".len());
    let Ok(Some(Message::NotificationResponse(body))) = Message::parse(&mut out) else {
        panic!("expected NotificationResponse");
    };
    assert!(out.is_empty());
    assert_eq!(body.process_id(), 42);
    assert_eq!(body.channel().expect("channel"), "channel");
    assert_eq!(body.message().expect("message"), "payload");
    let copy = written(|out| frame(out, b'd', |out| out.extend_from_slice(b"raw")));
    let Message::CopyData(body) = parse_one(copy) else {
        panic!("expected CopyData");
    };
    assert_eq!(body.into_bytes(), Bytes::from_static(b"raw"));
}
