use bytes::BytesMut;

use super::*;

fn text(ty: PgType, datum: Datum<'_>) -> String {
    let mut out = BytesMut::new();
    encode_text(ty, datum, &mut out);
    String::from_utf8(out.to_vec()).expect("utf8")
}

#[test]
fn floats_print_like_postgresql() {
    for (v, want) in [
        (1.5, "1.5"),
        (0.1, "0.1"),
        (1e20, "1e+20"),
        (1e15, "1e+15"),
        (123456789012345.0, "123456789012345"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        (-0.0, "-0"),
        (f64::NAN, "NaN"),
        (f64::NEG_INFINITY, "-Infinity"),
        (1.0 / 3.0, "0.3333333333333333"),
    ] {
        assert_eq!(format_float8(v), want, "{v}");
    }
    assert_eq!(format_float4(1.1), "1.1");
    assert_eq!(format_float4(1e6), "1e+06");
}

#[test]
fn timestamps_round_trip_through_text() {
    let parse = |ty, text| datetime::input::parse(ty, text).map_err(|e| e.code.to_string());
    let us = parse(PgType::Timestamp, "2024-02-29 13:14:15.5").expect("parses");
    assert_eq!(format_timestamp(us), "2024-02-29 13:14:15.5");
    for text in [
        "2000-01-01 00:00:00+00",
        "2000-01-01T01:00:00+01:00",
        "2000-01-01T00:00:00.000Z",
        "Jan 1 2000 00:00 UTC",
        "20000101 00:00:00 +00",
        "1999-12-31 07:00:00 PM -05:00",
    ] {
        assert_eq!(parse(PgType::Timestamptz, text), Ok(0), "{text}");
    }
    for (text, days) in [
        ("Feb 29 2024", 8825),
        ("20240229", 8825),
        ("2024-2-29", 8825),
        ("29 February 2024", 8825),
        ("2/29/2024", 8825),
        ("2024-Feb-29", 8825),
        ("2/29/24", 8825),
    ] {
        assert_eq!(parse(PgType::Date, text), Ok(days), "{text}");
    }
    assert_eq!(parse(PgType::Date, "2023-02-29"), Err("22008".into()));
    assert_eq!(parse(PgType::Date, "2024-13-01"), Err("22008".into()));
    assert_eq!(parse(PgType::Date, "yesterday-ish"), Err("22007".into()));
    assert_eq!(
        parse(PgType::Timestamp, "2024-01-01 25:00:00"),
        Err("22008".into())
    );
    assert_eq!(parse(PgType::Time, "24:00:00"), Ok(86_400_000_000));
    assert_eq!(
        text(PgType::Timestamptz, Datum::Int(0)),
        "2000-01-01 00:00:00+00"
    );
    assert_eq!(text(PgType::Date, Datum::Int(-1)), "1999-12-31");
}

#[test]
fn bools_accept_postgresql_spellings() {
    for (input, want) in [
        ("t", true),
        ("TRUE", true),
        ("yes", true),
        ("on", true),
        ("0", false),
        ("of", false),
        ("n", false),
    ] {
        assert_eq!(parse_bool(input), Some(want), "{input}");
    }
    assert_eq!(parse_bool("o"), None);
}

#[test]
fn numeric_values_travel_as_their_text() {
    let text_in = decode_text(PgType::Numeric, " 1.50 ").expect("parses");
    assert_eq!(text_in, Value::Text("1.50".into()));
    let mut out = BytesMut::new();
    encode_binary(PgType::Numeric, text_in.as_datum(), &mut out).expect("encodes");
    assert_eq!(decode_binary(PgType::Numeric, &out), Ok(text_in));
    assert_eq!(text(PgType::Numeric, Datum::Int(7)), "7");
}

#[test]
fn int_ranges_are_checked() {
    assert!(decode_text(PgType::Int4, "2147483648").is_err());
    assert_eq!(decode_text(PgType::Int2, " 42 "), Ok(Value::Int(42)));
    let err = decode_text(PgType::Int4, "abc").expect_err("rejects");
    assert_eq!(err.code, SqlState::INVALID_TEXT_REPRESENTATION);
}

#[test]
fn bytea_and_uuid_spellings() {
    assert_eq!(
        decode_text(PgType::Bytea, "\\x0aff"),
        Ok(Value::Blob(vec![10, 255]))
    );
    assert_eq!(text(PgType::Bytea, Datum::Blob(&[10, 255])), "\\x0aff");
    assert_eq!(
        decode_text(PgType::Uuid, "{A0EEBC99-9C0B4EF8-BB6D6BB9-BD380A11}"),
        Ok(Value::Text("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11".into()))
    );
}

#[test]
fn float_input_out_of_range_is_22003() {
    for (ty, text) in [
        (PgType::Float8, "1e400"),
        (PgType::Float8, "-1e-400"),
        (PgType::Float4, "1e40"),
    ] {
        let e = decode_text(ty, text).expect_err(text);
        assert_eq!(e.code, SqlState::NUMERIC_VALUE_OUT_OF_RANGE, "{text}");
    }
    assert_eq!(
        decode_text(PgType::Float8, "-inf"),
        Ok(Value::Float(f64::NEG_INFINITY))
    );
    assert_eq!(decode_text(PgType::Float8, "0e-400"), Ok(Value::Float(0.0)));
}

#[test]
fn bad_bytea_hex_is_22023() {
    for text in ["\\x01zz", "\\x012"] {
        let e = decode_text(PgType::Bytea, text).expect_err(text);
        assert_eq!(e.code, SqlState::INVALID_PARAMETER_VALUE, "{text}");
    }
    assert_eq!(
        decode_text(PgType::Bytea, "\\x01 FF"),
        Ok(Value::Blob(vec![1, 255]))
    );
}
