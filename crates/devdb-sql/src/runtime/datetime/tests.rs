use devdb_pg::Value;

use super::*;

fn ts(text: &str) -> Value {
    devdb_pg::value::decode_text(PgType::Timestamp, text).unwrap_or(Value::Null)
}

fn text(v: Result<Value, PgError>, ty: PgType) -> String {
    match v {
        Ok(v) => super::super::cast::text_of(&v, ty).unwrap_or_default(),
        Err(e) => e.code.to_string(),
    }
}

fn iv(t: &str) -> Value {
    Value::Text(t.to_owned())
}

#[test]
fn timestamp_plus_months_clamps_the_day() {
    let r = ts_add(&[ts("2024-01-31"), iv("1 mon"), Value::Int(0), Value::Int(1)]);
    assert_eq!(text(r, PgType::Timestamp), "2024-02-29 00:00:00");
    let r = ts_add(&[
        ts("2024-03-01"),
        iv("1 day 02:00:00"),
        Value::Int(0),
        Value::Int(-1),
    ]);
    assert_eq!(text(r, PgType::Timestamp), "2024-02-28 22:00:00");
}

#[test]
fn timestamp_difference_and_age() {
    let r = ts_diff(&[ts("2024-03-01"), ts("2024-02-28 12:00")]);
    assert_eq!(text(r, PgType::Interval), "1 day 12:00:00");
    let r = age(&[ts("2024-01-01"), ts("2023-06-15"), Value::Int(0)]);
    assert_eq!(text(r, PgType::Interval), "6 mons 16 days");
    let r = age(&[ts("2023-06-15"), ts("2024-01-01"), Value::Int(0)]);
    assert_eq!(text(r, PgType::Interval), "-6 mons -16 days");
}

fn extract_text(field: &str, v: Value, ty: PgType) -> String {
    let r = extract(&[iv(field), v, Value::Int(ty.oid().0.into()), Value::Int(0)]);
    text(r, PgType::Numeric)
}

#[test]
fn extract_fields_and_scales() {
    let t = ts("2024-01-01 01:02:03.5");
    assert_eq!(
        extract_text("second", t.clone(), PgType::Timestamp),
        "3.500000"
    );
    assert_eq!(
        extract_text("milliseconds", t.clone(), PgType::Timestamp),
        "3500.000"
    );
    assert_eq!(
        extract_text("epoch", t.clone(), PgType::Timestamp),
        "1704070923.500000"
    );
    assert_eq!(extract_text("dow", t.clone(), PgType::Timestamp), "1");
    assert_eq!(extract_text("isodow", t.clone(), PgType::Timestamp), "1");
    assert_eq!(extract_text("week", t.clone(), PgType::Timestamp), "1");
    assert_eq!(extract_text("quarter", t.clone(), PgType::Timestamp), "1");
    assert_eq!(extract_text("nonsense", t, PgType::Timestamp), "22023");
    assert_eq!(
        extract_text("epoch", Value::Int(8766), PgType::Date),
        "1704067200"
    );
    assert_eq!(
        extract_text("hour", Value::Int(8766), PgType::Date),
        "0A000"
    );
    assert_eq!(
        extract_text("epoch", iv("1 day"), PgType::Interval),
        "86400.000000"
    );
}

#[test]
fn date_trunc_fields() {
    let t = ts("2024-05-16 13:14:15.5");
    let trunc = |field: &str| {
        let r = date_trunc(&[
            iv(field),
            t.clone(),
            Value::Int(PgType::Timestamp.oid().0.into()),
            Value::Null,
        ]);
        text(r, PgType::Timestamp)
    };
    assert_eq!(trunc("month"), "2024-05-01 00:00:00");
    assert_eq!(trunc("week"), "2024-05-13 00:00:00");
    assert_eq!(trunc("quarter"), "2024-04-01 00:00:00");
    assert_eq!(trunc("hour"), "2024-05-16 13:00:00");
    assert_eq!(trunc("century"), "2001-01-01 00:00:00");
}

#[test]
fn to_char_patterns() {
    let t = ts("2024-03-05 14:07:09.123456");
    let fmt = |f: &str| {
        let r = super::super::formatting::to_char(&[
            t.clone(),
            Value::Int(PgType::Timestamp.oid().0.into()),
            iv(f),
        ]);
        text(r, PgType::Text)
    };
    assert_eq!(fmt("YYYY-MM-DD HH24:MI:SS.MS"), "2024-03-05 14:07:09.123");
    assert_eq!(fmt("Mon DD, YYYY"), "Mar 05, 2024");
    assert_eq!(fmt("FMMonth FMDDth"), "March 5th");
    assert_eq!(fmt("Month|Day|Dy"), "March    |Tuesday  |Tue");
    assert_eq!(fmt("HH12:MI AM US"), "02:07 PM 123456");
    assert_eq!(fmt("\"Q\"Q \"W\"IW"), "Q1 W10");
}

#[test]
fn to_timestamp_reads_templates() {
    let read = |s: &str, f: &str, date: bool| {
        let r = super::super::formatting::to_timestamp(&[iv(s), iv(f), Value::Int(date.into())]);
        text(
            r,
            if date {
                PgType::Date
            } else {
                PgType::Timestamptz
            },
        )
    };
    assert_eq!(read("06/05/2024", "DD/MM/YYYY", true), "2024-05-06");
    assert_eq!(
        read("2024-05-06 07:08:09", "YYYY-MM-DD HH24:MI:SS", false),
        "2024-05-06 07:08:09+00"
    );
    assert_eq!(
        read("5 Mar 2024 3pm", "DD Mon YYYY HHam", false),
        "2024-03-05 15:00:00+00"
    );
    assert_eq!(read("2024-13-01", "YYYY-MM-DD", true), "22008");
}

#[test]
fn make_functions() {
    let r = make_date(&[Value::Int(2024), Value::Int(2), Value::Int(30)]);
    assert_eq!(text(r, PgType::Date), "22008");
    let args = [2024, 5, 6, 7, 8].map(Value::Int);
    let mut args = args.to_vec();
    args.extend([Value::Float(9.5), Value::Int(0), Value::Null]);
    assert_eq!(
        text(make_timestamp(&args), PgType::Timestamp),
        "2024-05-06 07:08:09.5"
    );
    let mut args = [0, 0, 0, 3, 0, 0].map(Value::Int).to_vec();
    args.push(Value::Float(0.0));
    assert_eq!(text(make_interval(&args), PgType::Interval), "3 days");
}
