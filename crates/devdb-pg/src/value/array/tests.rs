use bytes::BytesMut;
use fallible_iterator::FallibleIterator;
use postgres_protocol::IsNull;
use postgres_protocol::types as pgt;

use super::{format_text, from_binary, len, load, nth, parse_text, store, to_binary};
use crate::{PgType, SqlState, Value};

fn round_trip(element: PgType, input: &str) -> String {
    let items = parse_text(element, input).expect("parses");
    let loaded = load(element, &store(element, &items)).expect("loads");
    assert_eq!(loaded, items, "stored form round trip of {input}");
    format_text(element, &loaded)
}

#[test]
fn text_form_round_trips_with_postgres_spelling() {
    assert_eq!(
        round_trip(PgType::Int4, " { 1, 2 ,NULL, -3 } "),
        "{1,2,NULL,-3}"
    );
    assert_eq!(round_trip(PgType::Int8, "{}"), "{}");
    assert_eq!(
        round_trip(
            PgType::Text,
            r#"{"a b","",NULL,"\"q\"","null",x\,y, pad ,a"b c"d}"#
        ),
        r#"{"a b","",NULL,"\"q\"","null","x,y",pad,"ab cd"}"#
    );
    assert_eq!(
        round_trip(
            PgType::Text,
            r#"{"back\\slash",{x}}"#.replace(",{x}", "").as_str()
        ),
        r#"{"back\\slash"}"#
    );
    assert_eq!(round_trip(PgType::Bool, "{t,false,yes}"), "{t,f,t}");
    assert_eq!(
        round_trip(PgType::Float8, "{1.5,-0.25,Infinity}"),
        "{1.5,-0.25,Infinity}"
    );
    assert_eq!(
        round_trip(PgType::Bytea, r#"{"\\x00ff",\\x01}"#),
        r#"{"\\x00ff","\\x01"}"#
    );
    assert_eq!(
        round_trip(PgType::Timestamptz, "{2024-01-02 03:04:05+00}"),
        r#"{"2024-01-02 03:04:05+00"}"#
    );
}

#[test]
fn malformed_literals_are_22p02_and_nesting_is_0a000() {
    for bad in [
        "1,2", "{1,2", "{1,,2}", "{1,}", "{1}x", "{\"a}", "{a{b}", "",
    ] {
        let err = parse_text(PgType::Int4, bad).expect_err(bad);
        assert_eq!(err.code, SqlState::INVALID_TEXT_REPRESENTATION, "{bad}");
    }
    let err = parse_text(PgType::Int4, "{x}").expect_err("element input");
    assert_eq!(err.code, SqlState::INVALID_TEXT_REPRESENTATION);
    let err = parse_text(PgType::Int4, "{{1},{2}}").expect_err("nested");
    assert_eq!(err.code, SqlState::FEATURE_NOT_SUPPORTED);
}

#[test]
fn stored_form_orders_element_wise() {
    let stored = |element, text: &str| store(element, &parse_text(element, text).expect(text));
    let ints = [
        "{}",
        "{-5}",
        "{1,2}",
        "{1,2,3}",
        "{1,2,NULL}",
        "{1,3}",
        "{2}",
        "{NULL}",
    ];
    for pair in ints.windows(2) {
        assert!(
            stored(PgType::Int8, pair[0]) < stored(PgType::Int8, pair[1]),
            "{pair:?}"
        );
    }
    let floats = [
        "{-Infinity}",
        "{-1.5}",
        "{0}",
        "{0.25}",
        "{2}",
        "{Infinity}",
        "{NaN}",
    ];
    for pair in floats.windows(2) {
        assert!(
            stored(PgType::Float8, pair[0]) < stored(PgType::Float8, pair[1]),
            "{pair:?}"
        );
    }
    assert_eq!(
        stored(PgType::Float8, "{-0}"),
        stored(PgType::Float8, "{0}")
    );
    let texts = ["{\"\"}", "{a}", "{a,b}", "{ab}", "{b}"];
    for pair in texts.windows(2) {
        assert!(
            stored(PgType::Text, pair[0]) < stored(PgType::Text, pair[1]),
            "{pair:?}"
        );
    }
}

#[test]
fn binary_form_matches_postgres_protocol() {
    let items = vec![Value::Int(7), Value::Null, Value::Int(-1)];
    let mut out = BytesMut::new();
    to_binary(PgType::Int8, &items, &mut out).expect("encodes");
    let array = pgt::array_from_sql(&out).expect("postgres-protocol reads it");
    assert_eq!(array.element_type(), PgType::Int8.oid().0);
    let read: Vec<Option<i64>> = array
        .values()
        .map(|v| Ok(v.map(|b| pgt::int8_from_sql(b).expect("int8"))))
        .collect()
        .expect("values");
    assert_eq!(read, vec![Some(7), None, Some(-1)]);

    let mut sent = BytesMut::new();
    pgt::array_to_sql(
        Some(pgt::ArrayDimension {
            len: 2,
            lower_bound: 1,
        }),
        PgType::Text.oid().0,
        ["a b", "c"],
        |s, buf| {
            pgt::text_to_sql(s, buf);
            Ok(IsNull::No)
        },
        &mut sent,
    )
    .expect("writes");
    let decoded = from_binary(PgType::Text, &sent).expect("decodes");
    assert_eq!(
        decoded,
        vec![Value::Text("a b".into()), Value::Text("c".into())]
    );
    let err = from_binary(PgType::Int4, &sent).expect_err("element type checked");
    assert_eq!(err.code, SqlState::DATATYPE_MISMATCH);

    let mut empty = BytesMut::new();
    to_binary(PgType::Text, &[], &mut empty).expect("encodes");
    assert_eq!(from_binary(PgType::Text, &empty).expect("decodes"), vec![]);
}

#[test]
fn nth_and_len_skip_elements_without_decoding_them() {
    let items = parse_text(PgType::Bytea, r#"{"\\x00",NULL,"\\x0000ff"}"#).expect("parses");
    let stored = store(PgType::Bytea, &items);
    assert_eq!(len(PgType::Bytea, &stored).expect("len"), 3);
    assert_eq!(
        nth(PgType::Bytea, &stored, 1).expect("nth"),
        Some(Value::Null)
    );
    assert_eq!(
        nth(PgType::Bytea, &stored, 2).expect("nth"),
        Some(Value::Blob(vec![0, 0, 0xff]))
    );
    assert_eq!(nth(PgType::Bytea, &stored, 3).expect("nth"), None);
    assert!(
        load(PgType::Int4, &[0x01, 0x02]).is_err(),
        "truncated payload is an error"
    );
}
