//! The codec against postgres-protocol's frontend writers (the client side devdb must understand),
//! plus hand-built malformed frames and a stable property test over random and mutated input.

use bytes::{BufMut, Bytes, BytesMut};
use devdb_pg::{Format, Oid, PgError, SqlState};
use postgres_protocol::IsNull;
use postgres_protocol::message::frontend;

use super::*;

fn assert_violation(err: &PgError, message_part: &str) {
    assert_eq!(err.code, SqlState::PROTOCOL_VIOLATION, "{err:?}");
    assert!(err.is_fatal(), "{err:?}");
    assert!(
        err.message.contains(message_part),
        "expected {message_part:?} in {err:?}"
    );
}

fn one_message(mut buf: BytesMut) -> FrontendMessage {
    let message = read_message(&mut buf)
        .expect("valid frame")
        .expect("complete frame");
    assert!(buf.is_empty(), "frame not fully consumed: {buf:?}");
    message
}

fn message_err(bytes: &[u8]) -> PgError {
    read_message(&mut BytesMut::from(bytes)).expect_err("malformed frame")
}

fn startup_err(bytes: &[u8]) -> PgError {
    read_startup(&mut BytesMut::from(bytes)).expect_err("malformed packet")
}

/// A tagged frame with a correct length around `body`.
fn tagged(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend_from_slice(&(body.len() as i32 + 4).to_be_bytes());
    out.extend_from_slice(body);
    out
}

/// An untagged startup-family packet with a correct length around `body`.
fn untagged(body: &[u8]) -> Vec<u8> {
    let mut out = (body.len() as i32 + 4).to_be_bytes().to_vec();
    out.extend_from_slice(body);
    out
}

fn bind_frame(formats: &[i16], values: &[Option<&[u8]>], result_formats: &[i16]) -> BytesMut {
    let mut buf = BytesMut::new();
    let written = frontend::bind(
        "portal",
        "stmt",
        formats.iter().copied(),
        values.iter().copied(),
        |value, buf| match value {
            None => Ok(IsNull::Yes),
            Some(bytes) => {
                buf.put_slice(bytes);
                Ok(IsNull::No)
            }
        },
        result_formats.iter().copied(),
        &mut buf,
    );
    assert!(written.is_ok(), "bind writer failed");
    buf
}

/// Every message type as postgres-protocol writes it, with what read_message must return.
fn valid_messages() -> Vec<(BytesMut, FrontendMessage)> {
    let mut cases = Vec::new();
    let mut add = |write: &dyn Fn(&mut BytesMut), expected: FrontendMessage| {
        let mut buf = BytesMut::new();
        write(&mut buf);
        cases.push((buf, expected));
    };
    add(
        &|buf| frontend::query("SELECT 1; SELECT 'é'", buf).expect("query"),
        FrontendMessage::Query {
            sql: "SELECT 1; SELECT 'é'".into(),
        },
    );
    add(
        &|buf| frontend::query("", buf).expect("query"),
        FrontendMessage::Query { sql: String::new() },
    );
    add(
        &|buf| frontend::parse("s1", "SELECT $1, $2", [23, 0], buf).expect("parse"),
        FrontendMessage::Parse {
            name: "s1".into(),
            sql: "SELECT $1, $2".into(),
            param_types: vec![Oid(23), Oid(0)],
        },
    );
    add(
        &|buf| frontend::parse("", "SELECT 1", [], buf).expect("parse"),
        FrontendMessage::Parse {
            name: String::new(),
            sql: "SELECT 1".into(),
            param_types: vec![],
        },
    );
    add(
        // An OID above i32::MAX must survive as unsigned.
        &|buf| frontend::parse("", "SELECT $1", [4_000_000_000], buf).expect("parse"),
        FrontendMessage::Parse {
            name: String::new(),
            sql: "SELECT $1".into(),
            param_types: vec![Oid(4_000_000_000)],
        },
    );
    add(
        &|buf| *buf = bind_frame(&[], &[Some(b"42"), None, Some(b"")], &[]),
        FrontendMessage::Bind {
            portal: "portal".into(),
            statement: "stmt".into(),
            param_formats: vec![Format::Text; 3],
            params: vec![Some(Bytes::from_static(b"42")), None, Some(Bytes::new())],
            result_formats: vec![],
        },
    );
    add(
        &|buf| *buf = bind_frame(&[1], &[Some(&[0, 0, 0, 7]), Some(&[1])], &[1]),
        FrontendMessage::Bind {
            portal: "portal".into(),
            statement: "stmt".into(),
            param_formats: vec![Format::Binary; 2],
            params: vec![
                Some(Bytes::from_static(&[0, 0, 0, 7])),
                Some(Bytes::from_static(&[1])),
            ],
            result_formats: vec![Format::Binary],
        },
    );
    add(
        &|buf| *buf = bind_frame(&[0, 1], &[Some(b"x"), None], &[0, 1, 0]),
        FrontendMessage::Bind {
            portal: "portal".into(),
            statement: "stmt".into(),
            param_formats: vec![Format::Text, Format::Binary],
            params: vec![Some(Bytes::from_static(b"x")), None],
            result_formats: vec![Format::Text, Format::Binary, Format::Text],
        },
    );
    add(
        &|buf| frontend::describe(b'S', "s1", buf).expect("describe"),
        FrontendMessage::Describe {
            target: Target::Statement,
            name: "s1".into(),
        },
    );
    add(
        &|buf| frontend::describe(b'P', "", buf).expect("describe"),
        FrontendMessage::Describe {
            target: Target::Portal,
            name: String::new(),
        },
    );
    add(
        &|buf| frontend::execute("p1", 100, buf).expect("execute"),
        FrontendMessage::Execute {
            portal: "p1".into(),
            max_rows: 100,
        },
    );
    add(
        &|buf| frontend::close(b'S', "s1", buf).expect("close"),
        FrontendMessage::Close {
            target: Target::Statement,
            name: "s1".into(),
        },
    );
    add(
        &|buf| frontend::close(b'P', "p1", buf).expect("close"),
        FrontendMessage::Close {
            target: Target::Portal,
            name: "p1".into(),
        },
    );
    add(&|buf| frontend::sync(buf), FrontendMessage::Sync);
    add(&|buf| frontend::flush(buf), FrontendMessage::Flush);
    add(&|buf| frontend::terminate(buf), FrontendMessage::Terminate);
    add(
        &|buf| frontend::password_message(b"secret", buf).expect("password"),
        FrontendMessage::Password {
            data: Bytes::from_static(b"secret\0"),
        },
    );
    add(
        &|buf| frontend::sasl_initial_response("SCRAM-SHA-256", b"n,,n=,r=abc", buf).expect("sasl"),
        FrontendMessage::Password {
            data: Bytes::from_static(b"SCRAM-SHA-256\0\0\0\0\x0bn,,n=,r=abc"),
        },
    );
    add(
        &|buf| frontend::sasl_response(b"c=biws,r=abc,p=xyz", buf).expect("sasl"),
        FrontendMessage::Password {
            data: Bytes::from_static(b"c=biws,r=abc,p=xyz"),
        },
    );
    add(
        &|buf| {
            frontend::CopyData::new(&b"1\tone\n"[..])
                .expect("copy data")
                .write(buf)
        },
        FrontendMessage::CopyData {
            data: Bytes::from_static(b"1\tone\n"),
        },
    );
    add(&|buf| frontend::copy_done(buf), FrontendMessage::CopyDone);
    add(
        &|buf| frontend::copy_fail("client gave up", buf).expect("copy fail"),
        FrontendMessage::CopyFail {
            message: "client gave up".into(),
        },
    );
    cases
}

fn valid_startups() -> Vec<(BytesMut, StartupPacket)> {
    let mut cases = Vec::new();
    let mut buf = BytesMut::new();
    frontend::startup_message(
        [
            ("user", "alice"),
            ("database", "db"),
            ("application_name", ""),
        ],
        &mut buf,
    )
    .expect("startup");
    cases.push((
        buf,
        StartupPacket::Startup {
            version: PROTOCOL_VERSION_3_0,
            params: vec![
                ("user".into(), "alice".into()),
                ("database".into(), "db".into()),
                ("application_name".into(), String::new()),
            ],
        },
    ));
    let mut buf = BytesMut::new();
    frontend::ssl_request(&mut buf);
    cases.push((buf, StartupPacket::SslRequest));
    let mut buf = BytesMut::new();
    frontend::cancel_request(1234, -99, &mut buf);
    cases.push((
        buf,
        StartupPacket::Cancel {
            pid: 1234,
            secret: -99,
        },
    ));
    cases.push((
        BytesMut::from(&untagged(&GSSENC_REQUEST_CODE.to_be_bytes())[..]),
        StartupPacket::GssEncRequest,
    ));
    cases
}

#[test]
fn postgres_protocol_frontend_messages_round_trip() {
    for (buf, expected) in valid_messages() {
        assert_eq!(one_message(buf), expected);
    }
}

#[test]
fn postgres_protocol_startup_packets_round_trip() {
    for (mut buf, expected) in valid_startups() {
        let packet = read_startup(&mut buf).expect("valid").expect("complete");
        assert_eq!(packet, expected);
        assert!(buf.is_empty());
    }
}

#[test]
fn every_strict_prefix_is_incomplete_and_consumes_nothing() {
    for (buf, _) in valid_messages() {
        for n in 0..buf.len() {
            let mut prefix = BytesMut::from(&buf[..n]);
            assert_eq!(read_message(&mut prefix), Ok(None), "prefix {n} of {buf:?}");
            assert_eq!(&prefix[..], &buf[..n]);
        }
    }
    for (buf, _) in valid_startups() {
        for n in 0..buf.len() {
            let mut prefix = BytesMut::from(&buf[..n]);
            assert_eq!(read_startup(&mut prefix), Ok(None), "prefix {n} of {buf:?}");
            assert_eq!(&prefix[..], &buf[..n]);
        }
    }
}

#[test]
fn frames_in_one_buffer_come_out_in_order() {
    let messages = valid_messages();
    let mut buf = BytesMut::new();
    frontend::startup_message([("user", "u")], &mut buf).expect("startup");
    for (frame, _) in &messages {
        buf.extend_from_slice(frame);
    }
    // Half of the next frame is already here too.
    buf.extend_from_slice(b"Q\0\0");
    assert!(matches!(
        read_startup(&mut buf),
        Ok(Some(StartupPacket::Startup { .. }))
    ));
    for (_, expected) in messages {
        assert_eq!(read_message(&mut buf), Ok(Some(expected)));
    }
    assert_eq!(read_message(&mut buf), Ok(None));
    assert_eq!(&buf[..], b"Q\0\0");
}

#[test]
fn oversized_declared_length_is_refused_from_the_header_alone() {
    // Large-message types: 1 GiB - 1 is allowed (still incomplete), one more is not.
    let mut at_limit = BytesMut::from(&b"Q"[..]);
    at_limit.put_i32(LARGE_MESSAGE_LIMIT as i32);
    assert_eq!(read_message(&mut at_limit), Ok(None));
    for tag in [b'Q', b'P', b'B', b'd'] {
        let mut header = vec![tag];
        header.extend_from_slice(&(LARGE_MESSAGE_LIMIT as i32 + 1).to_be_bytes());
        assert_violation(&message_err(&header), "invalid message length");
    }
    // Everything else is capped at 10000, length word included.
    for tag in [b'D', b'E', b'C', b'S', b'H', b'X', b'p', b'c', b'f'] {
        let mut header = vec![tag];
        header.extend_from_slice(&10001_i32.to_be_bytes());
        assert_violation(&message_err(&header), "invalid message length");
        let mut header = vec![tag];
        header.extend_from_slice(&10000_i32.to_be_bytes());
        assert_eq!(read_message(&mut BytesMut::from(&header[..])), Ok(None));
    }
    // A message of exactly 10000 bytes is read.
    let mut copy_fail = vec![b'x'; 10000 - 4 - 1];
    copy_fail.push(0);
    assert!(matches!(
        read_message(&mut BytesMut::from(&tagged(b'f', &copy_fail)[..])),
        Ok(Some(FrontendMessage::CopyFail { .. }))
    ));
    // Negative and below-4 lengths.
    for len in [-1_i32, i32::MIN, 0, 3] {
        let mut header = vec![b'S'];
        header.extend_from_slice(&len.to_be_bytes());
        assert_violation(&message_err(&header), "invalid message length");
    }
}

#[test]
fn startup_length_is_checked_from_the_length_word_alone() {
    for len in [0_i32, 4, 7, -8, 10005, i32::MAX] {
        assert_violation(
            &startup_err(&len.to_be_bytes()),
            "invalid length of startup packet",
        );
    }
    // PostgreSQL caps the body after the length word at 10000, so 10004 is allowed.
    let mut body = PROTOCOL_VERSION_3_0.to_be_bytes().to_vec();
    body.extend_from_slice(b"user\0");
    body.resize(10000 - 2, b'a');
    body.extend_from_slice(b"\0\0");
    let packet = untagged(&body);
    assert_eq!(packet.len(), 10004);
    let Ok(Some(StartupPacket::Startup { params, .. })) =
        read_startup(&mut BytesMut::from(&packet[..]))
    else {
        panic!("a 10004-byte startup packet is within PostgreSQL's limit");
    };
    assert_eq!(params.len(), 1);
}

#[test]
fn unknown_tags_are_refused_from_their_first_byte() {
    // 'Z' is ReadyForQuery, a backend message; 0 and 255 are nothing.
    for tag in [b'Z', b'T', 0, 255] {
        assert_violation(
            &message_err(&[tag]),
            &format!("invalid frontend message type {tag}"),
        );
    }
    assert_violation(&message_err(&tagged(b'F', &[])), "FunctionCall");
}

#[test]
fn truncated_bodies_and_trailing_bytes_are_violations() {
    let cases: &[(&[u8], u8, &str)] = &[
        (b"SELECT 1", b'Q', "invalid string in message"),
        (b"SELECT 1\0\0", b'Q', "invalid message format"),
        (b"\0", b'S', "invalid message format"),
        (b"\0", b'X', "invalid message format"),
        (b"p1\0\0\0", b'E', "insufficient data left in message"),
        (b"p1\0\0\0\0\0\0", b'E', "invalid message format"),
        (b"Xs1\0", b'D', "invalid DESCRIBE message subtype 88"),
        (b"", b'D', "insufficient data left in message"),
        (b"Ss1", b'C', "invalid string in message"),
        (b"Qs1\0", b'C', "invalid CLOSE message subtype 81"),
        // Parse declaring 3 parameter types but carrying 1.
        (b"\0SELECT 1\0\0\x03\0\0\0\x17", b'P', "insufficient data"),
        (b"\0SELECT 1\0\0\x00\0", b'P', "invalid message format"),
        (b"oops\0extra\0", b'f', "invalid message format"),
    ];
    for (body, tag, message) in cases {
        assert_violation(&message_err(&tagged(*tag, body)), message);
    }
}

#[test]
fn bind_rejects_bad_counts_codes_and_lengths() {
    // Two format codes for three parameters.
    assert_violation(
        &message_err(&bind_frame(&[0, 1], &[None, None, None], &[])),
        "bind message has 2 parameter formats but 3 parameters",
    );
    // Format code 2 in either list.
    assert_violation(
        &message_err(&bind_frame(&[2], &[None], &[])),
        "unsupported format code: 2",
    );
    assert_violation(
        &message_err(&bind_frame(&[], &[None], &[0, -1])),
        "unsupported format code: -1",
    );
    // A parameter length of -2 (only -1, NULL, may be negative), and one past the body.
    let mut body = b"\0\0\0\0\0\x01".to_vec();
    body.extend_from_slice(&(-2_i32).to_be_bytes());
    body.extend_from_slice(b"\0\0");
    assert_violation(&message_err(&tagged(b'B', &body)), "insufficient data");
    let mut body = b"\0\0\0\0\0\x01".to_vec();
    body.extend_from_slice(&100_i32.to_be_bytes());
    body.extend_from_slice(b"abc\0\0");
    assert_violation(&message_err(&tagged(b'B', &body)), "insufficient data");
    // A count of 65535 parameters with none present fails cleanly (the count is unsigned).
    assert_violation(
        &message_err(&tagged(b'B', b"\0\0\0\0\xff\xff")),
        "insufficient data",
    );
}

#[test]
fn bind_params_share_the_frame_allocation() {
    let mut buf = bind_frame(&[], &[Some(b"hello")], &[]);
    let frame_start = buf.as_ptr() as usize;
    let frame_end = frame_start + buf.len();
    let Ok(Some(FrontendMessage::Bind { params, .. })) = read_message(&mut buf) else {
        panic!("valid bind");
    };
    let Some(Some(param)) = params.first() else {
        panic!("one non-NULL param");
    };
    let at = param.as_ptr() as usize;
    assert!((frame_start..frame_end).contains(&at), "param was copied");
}

#[test]
fn resolve_formats_expands_zero_one_or_n_codes() {
    use Format::{Binary, Text};
    assert_eq!(resolve_formats(&[], 2), Ok(vec![Text, Text]));
    assert_eq!(resolve_formats(&[Binary], 3), Ok(vec![Binary; 3]));
    assert_eq!(resolve_formats(&[Binary], 0), Ok(vec![]));
    assert_eq!(resolve_formats(&[Text, Binary], 2), Ok(vec![Text, Binary]));
    assert_violation(
        &resolve_formats(&[Text, Binary], 3).expect_err("mismatch"),
        "bind message has 2 result formats but query has 3 columns",
    );
}

#[test]
fn invalid_utf8_is_a_protocol_violation() {
    let err = message_err(&tagged(b'Q', b"SELECT '\xff'\0"));
    assert_violation(&err, "invalid byte sequence for encoding \"UTF8\": 0xff");
    let mut body = PROTOCOL_VERSION_3_0.to_be_bytes().to_vec();
    body.extend_from_slice(b"user\0\xc3\x28\0\0");
    assert_violation(&startup_err(&untagged(&body)), "0xc3");
}

#[test]
fn startup_layout_errors() {
    let layout = "invalid startup packet layout: expected terminator as last byte";
    for params in [
        &b""[..],                   // no terminator at all
        b"user\0alice\0",           // no final empty name
        b"user\0",                  // a name without a value
        b"user\0alice",             // an unterminated value
        b"user\0alice\0\0trailing", // bytes after the terminator
        b"\0\0",                    // two terminators
    ] {
        let mut body = PROTOCOL_VERSION_3_0.to_be_bytes().to_vec();
        body.extend_from_slice(params);
        assert_violation(&startup_err(&untagged(&body)), layout);
    }
    // An SSLRequest, GSSENCRequest or CancelRequest of the wrong size.
    let mut body = SSL_REQUEST_CODE.to_be_bytes().to_vec();
    body.push(0);
    assert_violation(&startup_err(&untagged(&body)), "invalid message format");
    let mut body = GSSENC_REQUEST_CODE.to_be_bytes().to_vec();
    body.push(0);
    assert_violation(&startup_err(&untagged(&body)), "invalid message format");
    let mut body = CANCEL_REQUEST_CODE.to_be_bytes().to_vec();
    body.extend_from_slice(&[0; 4]);
    assert_violation(&startup_err(&untagged(&body)), "insufficient data");
    body.extend_from_slice(&[0; 5]);
    assert_violation(&startup_err(&untagged(&body)), "invalid message format");
}

#[test]
fn startup_returns_other_versions_for_the_caller_to_judge() {
    // 3.2 with a protocol option: params are read, the caller negotiates.
    let mut body = ((3 << 16) | 2_i32).to_be_bytes().to_vec();
    body.extend_from_slice(b"user\0u\0_pq_.compression\0on\0\0");
    assert_eq!(
        read_startup(&mut BytesMut::from(&untagged(&body)[..])),
        Ok(Some(StartupPacket::Startup {
            version: (3 << 16) | 2,
            params: vec![
                ("user".into(), "u".into()),
                ("_pq_.compression".into(), "on".into()),
            ],
        }))
    );
    // 2.0 lays its body out differently: the packet is consumed, params are not interpreted.
    let mut body = (2_i32 << 16).to_be_bytes().to_vec();
    body.extend_from_slice(&[7; 64]);
    let mut buf = BytesMut::from(&untagged(&body)[..]);
    assert_eq!(
        read_startup(&mut buf),
        Ok(Some(StartupPacket::Startup {
            version: 2 << 16,
            params: vec![],
        }))
    );
    assert!(buf.is_empty());
    // 1234.5681 is no request devdb knows: an unknown version too.
    let code: i32 = (1234 << 16) | 5681;
    assert_eq!(
        read_startup(&mut BytesMut::from(&untagged(&code.to_be_bytes())[..])),
        Ok(Some(StartupPacket::Startup {
            version: code,
            params: vec![],
        }))
    );
}

#[test]
fn password_bodies_decode() {
    let mut buf = BytesMut::new();
    frontend::password_message(b"md5abc", &mut buf).expect("password");
    let FrontendMessage::Password { data } = one_message(buf) else {
        panic!("a password message");
    };
    assert_eq!(parse_password(data), Ok("md5abc".to_owned()));
    assert_violation(
        &parse_password(Bytes::from_static(b"a\0b\0")).expect_err("two strings"),
        "invalid password packet size",
    );
    assert_violation(
        &parse_password(Bytes::from_static(b"abc")).expect_err("unterminated"),
        "invalid string in message",
    );

    let mut buf = BytesMut::new();
    frontend::sasl_initial_response("SCRAM-SHA-256", b"n,,n=,r=nonce", &mut buf).expect("sasl");
    let FrontendMessage::Password { data } = one_message(buf) else {
        panic!("a SASLInitialResponse");
    };
    assert_eq!(
        parse_sasl_initial_response(data),
        Ok(SaslInitialResponse {
            mechanism: "SCRAM-SHA-256".into(),
            data: Some(Bytes::from_static(b"n,,n=,r=nonce")),
        })
    );
    assert_eq!(
        parse_sasl_initial_response(Bytes::from_static(b"SCRAM-SHA-256\0\xff\xff\xff\xff")),
        Ok(SaslInitialResponse {
            mechanism: "SCRAM-SHA-256".into(),
            data: None,
        })
    );
    assert_violation(
        &parse_sasl_initial_response(Bytes::from_static(b"SCRAM-SHA-256\0\0\0\0\x09short"))
            .expect_err("short"),
        "insufficient data",
    );
}

/// xorshift64: a deterministic PRNG, so the property test is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn byte(&mut self) -> u8 {
        self.next() as u8
    }
}

/// Corrupts a valid frame: flipped, replaced, inserted or removed bytes, a random length word,
/// truncation or a random tail.
fn mutate(rng: &mut Rng, frame: &[u8]) -> Vec<u8> {
    let mut bytes = frame.to_vec();
    for _ in 0..=rng.below(3) {
        let at = rng.below(bytes.len());
        match rng.below(7) {
            0 => {
                if let Some(b) = bytes.get_mut(at) {
                    *b ^= 1 << rng.below(8);
                }
            }
            1 => {
                if let Some(b) = bytes.get_mut(at) {
                    *b = rng.byte();
                }
            }
            2 => bytes.insert(at, rng.byte()),
            3 => {
                if at < bytes.len() {
                    bytes.remove(at);
                }
            }
            4 => bytes.truncate(at),
            5 => {
                // A random length word, where tagged or untagged frames keep theirs.
                let start = rng.below(2);
                let len = match rng.below(3) {
                    0 => rng.next() as u32,
                    1 => rng.below(16) as u32,
                    _ => (bytes.len() + rng.below(8)).saturating_sub(4) as u32,
                };
                if let Some(slot) = bytes.get_mut(start..start + 4) {
                    slot.copy_from_slice(&len.to_be_bytes());
                }
            }
            _ => bytes.extend((0..rng.below(12)).map(|_| rng.byte())),
        }
    }
    bytes
}

/// Feeds `input` to `read` until it stops, checking the contract of every call: `Ok(None)`
/// consumes nothing, `Ok(Some)` consumes something, and every error is a FATAL 08P01.
fn drain<T>(input: &[u8], read: fn(&mut BytesMut) -> Result<Option<T>, PgError>) {
    let mut buf = BytesMut::from(input);
    loop {
        let before = buf.len();
        match read(&mut buf) {
            Ok(Some(_)) => assert!(buf.len() < before, "Ok(Some) consumed nothing: {input:?}"),
            Ok(None) => {
                assert_eq!(buf.len(), before, "Ok(None) consumed bytes: {input:?}");
                return;
            }
            Err(err) => {
                assert_eq!(err.code, SqlState::PROTOCOL_VIOLATION, "{input:?}: {err:?}");
                assert!(err.is_fatal(), "{input:?}: {err:?}");
                return;
            }
        }
    }
}

#[test]
fn random_and_mutated_input_never_panics() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let messages: Vec<Vec<u8>> = valid_messages()
        .into_iter()
        .map(|(buf, _)| buf.to_vec())
        .collect();
    let startups: Vec<Vec<u8>> = valid_startups()
        .into_iter()
        .map(|(buf, _)| buf.to_vec())
        .collect();
    for _ in 0..5000 {
        let random: Vec<u8> = (0..rng.below(64)).map(|_| rng.byte()).collect();
        drain(&random, read_message);
        drain(&random, read_startup);

        // A random valid tag in front of random bytes exercises the body decoders.
        let tag = b"QPBDECSHXpdcf"[rng.below(13)];
        let body: Vec<u8> = (0..rng.below(40)).map(|_| rng.below(4) as u8).collect();
        drain(&tagged(tag, &body), read_message);

        let frame = &messages[rng.below(messages.len())];
        let mut stream = mutate(&mut rng, frame);
        stream.extend_from_slice(&messages[rng.below(messages.len())]);
        drain(&stream, read_message);

        let packet = &startups[rng.below(startups.len())];
        drain(&mutate(&mut rng, packet), read_startup);
    }
}
