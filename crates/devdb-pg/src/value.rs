//! Values as devdb stores them in SQLite ([`Value`], [`Datum`]) and their conversion to and from
//! PostgreSQL's text and binary wire formats, per [`PgType`].
//!
//! Storage follows [`crate::types::Storage`]: integers for ints, bools, dates and timestamps
//! (PostgreSQL's own internal units, so the binary format is a copy), reals for floats, text for
//! text-like types and blobs for bytea.

pub mod array;
pub mod citext;
pub mod datetime;
mod float;
pub mod interval;
pub mod json;
pub mod numeric;
pub mod range;
pub mod text_search_config;
pub mod tsquery;
pub mod tsvector;
pub mod zone;

use bytes::{BufMut, BytesMut};
use postgres_protocol::types as pgt;

use crate::{Format, PgError, PgType, SqlState};

pub use datetime::{format_date, format_time, format_timestamp, format_timestamptz};
pub use float::{NAN as FLOAT_NAN, format_float4, format_float8};
pub use interval::Interval;
pub use numeric::Numeric;

/// An owned stored value: a bound parameter, or a row kept for a suspended portal.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// A borrowed stored value, as read from a SQLite row without copying.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Datum<'a> {
    Null,
    Int(i64),
    Float(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

impl Value {
    pub fn as_datum(&self) -> Datum<'_> {
        match self {
            Value::Null => Datum::Null,
            Value::Int(i) => Datum::Int(*i),
            Value::Float(f) => Datum::Float(*f),
            Value::Text(s) => Datum::Text(s),
            Value::Blob(b) => Datum::Blob(b),
        }
    }
}

impl Datum<'_> {
    pub fn to_value(self) -> Value {
        match self {
            Datum::Null => Value::Null,
            Datum::Int(i) => Value::Int(i),
            Datum::Float(f) => Value::Float(f),
            Datum::Text(s) => Value::Text(s.to_owned()),
            Datum::Blob(b) => Value::Blob(b.to_vec()),
        }
    }
}

/// Appends `datum` (not NULL) of type `ty` in `format` to `out`, without the length prefix.
pub fn encode(
    ty: PgType,
    datum: Datum<'_>,
    format: Format,
    out: &mut BytesMut,
) -> Result<(), PgError> {
    match format {
        Format::Text => {
            encode_text(ty, datum, out);
            Ok(())
        }
        Format::Binary => encode_binary(ty, datum, out),
    }
}

/// A value of a column of type `ty` in `format`; `enum_oid` names the enum of an enum array,
/// whose binary form carries its element type's OID.
pub fn encode_column(
    ty: PgType,
    enum_oid: Option<crate::Oid>,
    datum: Datum<'_>,
    format: Format,
    out: &mut BytesMut,
) -> Result<(), PgError> {
    match (ty, enum_oid, format, datum) {
        (PgType::AnyEnumArray, Some(oid), Format::Binary, Datum::Blob(stored)) => {
            array::to_binary_of(
                PgType::AnyEnum,
                oid,
                &array::load(PgType::AnyEnum, stored)?,
                out,
            )
        }
        _ => encode(ty, datum, format, out),
    }
}

/// PostgreSQL's text output for a stored value.
pub fn encode_text(ty: PgType, datum: Datum<'_>, out: &mut BytesMut) {
    use std::fmt::Write as _;
    if let (Some(element), Datum::Blob(stored)) = (ty.element(), datum) {
        let text = array::load(element, stored)
            .map(|items| array::format_text(element, &items))
            .unwrap_or_default();
        out.put_slice(text.as_bytes());
        return;
    }
    if ty.range_element().is_some() {
        let text = range::text_of_stored(ty, datum).unwrap_or_default();
        out.put_slice(text.as_bytes());
        return;
    }
    let mut w = Writer(out);
    let _ = match (ty, datum) {
        (_, Datum::Null) => Ok(()),
        (PgType::Bool, Datum::Int(i)) => w.write_str(if i != 0 { "t" } else { "f" }),
        (PgType::Bool, Datum::Float(f)) => w.write_str(if f != 0.0 { "t" } else { "f" }),
        (PgType::Float4, Datum::Int(i)) => w.write_str(&format_float4(i as f32)),
        (PgType::Float4, Datum::Float(f)) => w.write_str(&format_float4(f as f32)),
        (PgType::Float8, Datum::Int(i)) => w.write_str(&format_float8(i as f64)),
        (PgType::Float8, Datum::Float(f)) => w.write_str(&format_float8(f)),
        (PgType::Numeric, Datum::Float(f)) => write!(w, "{}", Numeric::from_float(f, 15)),
        (PgType::Date, Datum::Int(days)) => w.write_str(&format_date(days)),
        (PgType::Time, Datum::Int(us)) => w.write_str(&format_time(us)),
        (PgType::Timestamp, Datum::Int(us)) => w.write_str(&format_timestamp(us)),
        (PgType::Timestamptz, Datum::Int(us)) => w.write_str(&format_timestamptz(us)),
        (PgType::Bytea, Datum::Blob(b)) => {
            w.0.put_slice(b"\\x");
            b.iter().try_for_each(|byte| write!(w, "{byte:02x}"))
        }
        (_, Datum::Int(i)) => write!(w, "{i}"),
        (_, Datum::Float(f)) => w.write_str(&format_float8(f)),
        (_, Datum::Text(s)) => w.write_str(s),
        (_, Datum::Blob(b)) => {
            w.0.put_slice(b);
            Ok(())
        }
    };
}

struct Writer<'a>(&'a mut BytesMut);

impl std::fmt::Write for Writer<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.put_slice(s.as_bytes());
        Ok(())
    }
}

/// PostgreSQL's binary output for a stored value.
pub fn encode_binary(ty: PgType, datum: Datum<'_>, out: &mut BytesMut) -> Result<(), PgError> {
    let as_int = |d: Datum<'_>| -> Result<i64, PgError> {
        match d {
            Datum::Int(i) => Ok(i),
            Datum::Float(f) => Ok(f as i64),
            Datum::Text(s) => s
                .trim()
                .parse()
                .map_err(|_| PgError::invalid_text(ty.name(), s)),
            _ => Err(PgError::invalid_binary(ty.name())),
        }
    };
    let as_float = |d: Datum<'_>| -> Result<f64, PgError> {
        match d {
            Datum::Int(i) => Ok(i as f64),
            Datum::Float(f) => Ok(f),
            Datum::Text(s) => float::parse(s).ok_or_else(|| PgError::invalid_text(ty.name(), s)),
            _ => Err(PgError::invalid_binary(ty.name())),
        }
    };
    if let (Some(element), Datum::Blob(stored)) = (ty.element(), datum) {
        return array::to_binary(element, &array::load(element, stored)?, out);
    }
    if let (Some(_), Datum::Blob(stored)) = (ty.range_element(), datum) {
        return range::to_binary(ty, &range::load(ty, stored)?, out);
    }
    match ty {
        PgType::Bool => pgt::bool_to_sql(as_int(datum)? != 0, out),
        PgType::Int2 => pgt::int2_to_sql(as_int(datum)? as i16, out),
        PgType::Int4 => pgt::int4_to_sql(as_int(datum)? as i32, out),
        ty if ty == PgType::Oid || ty == PgType::Xid || ty.is_oid_alias() => {
            pgt::oid_to_sql(as_int(datum)? as u32, out)
        }
        PgType::Char => pgt::char_to_sql(
            match datum {
                Datum::Text(s) => s.bytes().next().unwrap_or(0) as i8,
                _ => return Err(PgError::invalid_binary("\"char\"")),
            },
            out,
        ),
        PgType::Int2vector | PgType::Oidvector => {
            return Err(PgError::feature_not_supported(format!(
                "binary format for {}",
                ty.name()
            )));
        }
        PgType::Int8 | PgType::Xid8 => pgt::int8_to_sql(as_int(datum)?, out),
        PgType::Inet => {
            let Datum::Text(s) = datum else {
                return Err(PgError::invalid_binary("inet"));
            };
            let addr: std::net::IpAddr = s.parse().map_err(|_| PgError::invalid_binary("inet"))?;
            let bits = if addr.is_ipv4() { 32 } else { 128 };
            pgt::inet_to_sql(addr, bits, out);
        }
        PgType::Float4 => pgt::float4_to_sql(as_float(datum)? as f32, out),
        PgType::Float8 => pgt::float8_to_sql(as_float(datum)?, out),
        PgType::Date => pgt::date_to_sql(as_int(datum)? as i32, out),
        PgType::Time => pgt::time_to_sql(as_int(datum)?, out),
        PgType::Timestamp | PgType::Timestamptz => pgt::timestamp_to_sql(as_int(datum)?, out),
        PgType::Numeric => numeric_of(datum)?.to_binary(out),
        PgType::Uuid => {
            let Datum::Text(s) = datum else {
                return Err(PgError::invalid_binary("uuid"));
            };
            pgt::uuid_to_sql(parse_uuid(s)?, out);
        }
        PgType::Jsonb => {
            out.put_u8(1);
            encode_text(ty, datum, out);
        }
        PgType::Interval => match datum {
            Datum::Text(s) => Interval::parse(s)?.to_binary(out),
            _ => return Err(PgError::invalid_binary("interval")),
        },
        PgType::Tsvector => match datum {
            Datum::Text(s) => tsvector::TsVector::parse(s)?.to_binary(out),
            _ => return Err(PgError::invalid_binary("tsvector")),
        },
        PgType::Tsquery => match datum {
            Datum::Text(s) => tsquery::TsQuery::parse(s)?.to_binary(out),
            _ => return Err(PgError::invalid_binary("tsquery")),
        },
        PgType::Regconfig => match datum {
            Datum::Text(s) => pgt::oid_to_sql(text_search_config::Config::named(s)?.oid(), out),
            _ => return Err(PgError::invalid_binary("regconfig")),
        },
        PgType::Bytea => match datum {
            Datum::Blob(b) => out.put_slice(b),
            other => encode_text(PgType::Text, other, out),
        },
        _ => encode_text(ty, datum, out),
    }
    Ok(())
}

/// Decodes a parameter sent in `format` as a value of type `ty`, ready to bind.
pub fn decode(ty: PgType, raw: &[u8], format: Format) -> Result<Value, PgError> {
    match format {
        Format::Text => {
            let text = std::str::from_utf8(raw).map_err(|_| {
                PgError::new(
                    SqlState::CHARACTER_NOT_IN_REPERTOIRE,
                    "invalid byte sequence for encoding \"UTF8\"",
                )
            })?;
            decode_text(ty, text)
        }
        Format::Binary => decode_binary(ty, raw),
    }
}

/// [`decode`] of an array type whose binary header names `element_oid` instead of its element
/// type's: an enum array parameter, bound as text[].
pub fn decode_array_of(
    ty: PgType,
    element_oid: crate::Oid,
    raw: &[u8],
    format: Format,
) -> Result<Value, PgError> {
    match (format, ty.element()) {
        (Format::Binary, Some(element)) => Ok(Value::Blob(array::store(
            element,
            &array::from_binary_of(element, element_oid, raw)?,
        ))),
        _ => decode(ty, raw, format),
    }
}

/// Parses PostgreSQL's text input syntax for `ty` into a stored value.
pub fn decode_text(ty: PgType, text: &str) -> Result<Value, PgError> {
    let bad = || PgError::invalid_text(&ty.to_string(), text);
    if let Some(element) = ty.element() {
        return Ok(Value::Blob(array::store(
            element,
            &array::parse_text(element, text)?,
        )));
    }
    if ty.range_element().is_some() {
        return Ok(Value::Blob(range::store(&range::parse_text(ty, text)?)));
    }
    Ok(match ty {
        PgType::Bool => Value::Int(parse_bool(text).ok_or_else(bad)? as i64),
        PgType::Int2
        | PgType::Int4
        | PgType::Int8
        | PgType::Oid
        | PgType::Xid
        | PgType::Regclass
        | PgType::Regtype
        | PgType::Regproc
        | PgType::Regprocedure
        | PgType::Regoperator
        | PgType::Regnamespace => {
            let out_of_range = || {
                PgError::new(
                    SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
                    format!("value \"{text}\" is out of range for type {ty}"),
                )
            };
            let v: i64 = match text.trim().parse() {
                Ok(v) => v,
                // Digits past int8's range are out of range, not bad syntax.
                Err(_) if integer_digits(text.trim()) => return Err(out_of_range()),
                Err(_) => return Err(bad()),
            };
            check_int_range(ty, v).map_err(|_| out_of_range())?;
            Value::Int(v)
        }
        PgType::Float4 | PgType::Float8 => {
            let v = float::parse(text).ok_or_else(bad)?;
            Value::Float(float::check_range(text, v, ty)?)
        }
        PgType::Numeric => Value::Text(Numeric::parse(text)?.to_string()),
        PgType::Bytea => Value::Blob(parse_bytea(text).ok_or_else(bad)??),
        PgType::Date | PgType::Time | PgType::Timestamp | PgType::Timestamptz => {
            Value::Int(datetime::input::parse(ty, text)?)
        }
        PgType::Uuid => Value::Text(format_uuid(parse_uuid(text)?)),
        PgType::Interval => Value::Text(Interval::parse(text)?.to_string()),
        PgType::Json => {
            json::Json::parse(text, false)?;
            Value::Text(text.to_owned())
        }
        PgType::Jsonb => Value::Text(json::Json::parse_jsonb(text)?.to_jsonb_text()),
        PgType::Tsvector => Value::Text(tsvector::TsVector::parse(text)?.to_string()),
        PgType::Tsquery => Value::Text(tsquery::TsQuery::parse(text)?.to_string()),
        PgType::Regconfig => {
            Value::Text(text_search_config::Config::named(text)?.name().to_owned())
        }
        _ => Value::Text(text.to_owned()),
    })
}

/// Decodes PostgreSQL's binary format for `ty` into a stored value.
pub fn decode_binary(ty: PgType, raw: &[u8]) -> Result<Value, PgError> {
    let bad = |_| PgError::invalid_binary(&ty.to_string());
    if let Some(element) = ty.element() {
        return Ok(Value::Blob(array::store(
            element,
            &array::from_binary(element, raw)?,
        )));
    }
    if ty.range_element().is_some() {
        return Ok(Value::Blob(range::store(&range::from_binary(ty, raw)?)));
    }
    Ok(match ty {
        PgType::Bool => Value::Int(pgt::bool_from_sql(raw).map_err(bad)? as i64),
        PgType::Int2 => Value::Int(pgt::int2_from_sql(raw).map_err(bad)?.into()),
        PgType::Int4 => Value::Int(pgt::int4_from_sql(raw).map_err(bad)?.into()),
        ty if ty == PgType::Oid || ty == PgType::Xid || ty.is_oid_alias() => {
            Value::Int(pgt::oid_from_sql(raw).map_err(bad)?.into())
        }
        PgType::Char => Value::Text(utf8(&[pgt::char_from_sql(raw).map_err(bad)? as u8])?),
        PgType::Int8 | PgType::Xid8 => Value::Int(pgt::int8_from_sql(raw).map_err(bad)?),
        PgType::Float4 => Value::Float(pgt::float4_from_sql(raw).map_err(bad)?.into()),
        PgType::Float8 => Value::Float(pgt::float8_from_sql(raw).map_err(bad)?),
        PgType::Date => Value::Int(pgt::date_from_sql(raw).map_err(bad)?.into()),
        PgType::Time => Value::Int(pgt::time_from_sql(raw).map_err(bad)?),
        PgType::Timestamp | PgType::Timestamptz => {
            Value::Int(pgt::timestamp_from_sql(raw).map_err(bad)?)
        }
        PgType::Uuid => Value::Text(format_uuid(pgt::uuid_from_sql(raw).map_err(bad)?)),
        PgType::Bytea => Value::Blob(raw.to_vec()),
        PgType::Numeric => Value::Text(
            Numeric::from_binary(raw)
                .ok_or_else(|| PgError::invalid_binary("numeric"))?
                .to_string(),
        ),
        PgType::Jsonb => match raw.split_first() {
            Some((1, rest)) => decode_text(PgType::Jsonb, &utf8(rest)?)?,
            _ => return Err(PgError::invalid_binary("jsonb")),
        },
        PgType::Json => decode_text(PgType::Json, &utf8(raw)?)?,
        PgType::Interval => Value::Text(
            Interval::from_binary(raw)
                .ok_or_else(|| PgError::invalid_binary("interval"))?
                .to_string(),
        ),
        PgType::Tsvector => Value::Text(tsvector::TsVector::from_binary(raw)?.to_string()),
        PgType::Tsquery => Value::Text(tsquery::TsQuery::from_binary(raw)?.to_string()),
        PgType::Regconfig => {
            let oid = pgt::oid_from_sql(raw).map_err(bad)?;
            Value::Text(text_search_config::Config::with_oid(oid)?.name().to_owned())
        }
        _ => Value::Text(utf8(raw)?),
    })
}

/// How values of a type stored as text compare when their text's byte order is not
/// PostgreSQL's: numeric and interval by value, citext without case, jsonb as jsonb's btree.
/// The same functions back devdb's SQLite collations of those types.
pub fn text_order(ty: PgType) -> Option<fn(&str, &str) -> std::cmp::Ordering> {
    match ty {
        PgType::Numeric => Some(numeric::cmp_text),
        PgType::Interval => Some(interval::cmp_text),
        PgType::Citext => Some(citext::cmp_text),
        PgType::Jsonb => Some(json::cmp_jsonb_text),
        _ => None,
    }
}

/// A stored numeric: its text, or an integer or real kept by an older devdb.
pub fn numeric_of(datum: Datum<'_>) -> Result<Numeric, PgError> {
    match datum {
        Datum::Text(s) => Numeric::parse(s),
        Datum::Int(i) => Ok(Numeric::from_i64(i)),
        Datum::Float(f) => Ok(Numeric::from_float(f, 15)),
        _ => Err(PgError::invalid_binary("numeric")),
    }
}

fn utf8(raw: &[u8]) -> Result<String, PgError> {
    String::from_utf8(raw.to_vec()).map_err(|_| {
        PgError::new(
            SqlState::CHARACTER_NOT_IN_REPERTOIRE,
            "invalid byte sequence for encoding \"UTF8\"",
        )
    })
}

/// An optional sign and one or more ASCII digits: an integer of any size.
fn integer_digits(text: &str) -> bool {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Checks that `v` fits `ty` (int2, int4, oid); int8 always fits.
pub fn check_int_range(ty: PgType, v: i64) -> Result<i64, PgError> {
    let ok = match ty {
        PgType::Int2 => i16::try_from(v).is_ok(),
        PgType::Int4 => i32::try_from(v).is_ok(),
        ty if ty == PgType::Oid || ty == PgType::Xid || ty.is_oid_alias() => {
            (0..=u32::MAX as i64).contains(&v)
        }
        _ => true,
    };
    if ok {
        Ok(v)
    } else {
        Err(PgError::new(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            format!("{ty} out of range"),
        ))
    }
}

/// PostgreSQL's boolean input: true/false, yes/no, on/off, 1/0 and unique prefixes.
pub fn parse_bool(text: &str) -> Option<bool> {
    let t = text.trim().to_ascii_lowercase();
    let prefix_of = |word: &str| !t.is_empty() && word.starts_with(t.as_str());
    match t.as_str() {
        "1" => Some(true),
        "0" => Some(false),
        "on" => Some(true),
        "of" | "off" => Some(false),
        _ if prefix_of("true") || prefix_of("yes") => Some(true),
        _ if prefix_of("false") || prefix_of("no") => Some(false),
        _ => None,
    }
}

/// bytea's hex format after `\x`: pairs of hex digits, blanks allowed between pairs; a bad
/// digit or a lone one is 22023, as in PostgreSQL.
fn parse_hex(hex: &str) -> Result<Vec<u8>, PgError> {
    let invalid = |message: String| PgError::new(SqlState::INVALID_PARAMETER_VALUE, message);
    let mut out = Vec::with_capacity(hex.len() / 2);
    let mut chars = hex.chars().filter(|c| !c.is_ascii_whitespace());
    while let Some(high) = chars.next() {
        let digit = |c: char| {
            c.to_digit(16)
                .ok_or_else(|| invalid(format!("invalid hexadecimal digit: \"{c}\"")))
        };
        let high = digit(high)?;
        let low = chars
            .next()
            .ok_or_else(|| invalid("invalid hexadecimal data: odd number of digits".to_owned()))?;
        out.push((high * 16 + digit(low)?) as u8);
    }
    Ok(out)
}

fn parse_bytea(text: &str) -> Option<Result<Vec<u8>, PgError>> {
    if let Some(hex) = text.strip_prefix("\\x") {
        return Some(parse_hex(hex));
    }
    // The escape format: backslash escapes \\ and \ooo, everything else verbatim.
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b'\\'), Some(b'\\')) => {
                out.push(b'\\');
                i += 2;
            }
            (Some(b'\\'), _) => {
                let oct = std::str::from_utf8(bytes.get(i + 1..i + 4)?).ok()?;
                out.push(u8::from_str_radix(oct, 8).ok()?);
                i += 4;
            }
            (Some(b), _) => {
                out.push(*b);
                i += 1;
            }
            (None, _) => break,
        }
    }
    Some(Ok(out))
}

/// Parses a UUID in any of the spellings PostgreSQL accepts (hyphens optional, braces).
pub fn parse_uuid(text: &str) -> Result<[u8; 16], PgError> {
    let bad = || PgError::invalid_text("uuid", text);
    let trimmed = text.trim();
    let inner = trimmed
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(trimmed);
    let hex: Vec<u8> = inner.bytes().filter(|b| *b != b'-').collect();
    if hex.len() != 32 {
        return Err(bad());
    }
    let mut out = [0u8; 16];
    for (slot, pair) in out.iter_mut().zip(hex.chunks(2)) {
        let s = std::str::from_utf8(pair).map_err(|_| bad())?;
        *slot = u8::from_str_radix(s, 16).map_err(|_| bad())?;
    }
    Ok(out)
}

/// The canonical lower-case hyphenated spelling.
pub fn format_uuid(bytes: [u8; 16]) -> String {
    let mut s = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push_str(&format!("{b:02x}"));
    }
    s
}

#[cfg(test)]
mod tests;

/// A stored value of type `ty` as JSON text, as to_json and json_build_object render it:
/// numbers and booleans bare, json and jsonb as they are, dates and timestamps in ISO 8601
/// (`2024-01-02T03:04:05+00:00`), everything else as a JSON string of its text output.
pub fn to_json(ty: PgType, datum: Datum<'_>) -> String {
    let text = |ty: PgType, datum: Datum<'_>| {
        let mut out = BytesMut::new();
        encode_text(ty, datum, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    };
    if let (Some(element), Datum::Blob(stored)) = (ty.element(), datum) {
        let items = array::load(element, stored).unwrap_or_default();
        let json: Vec<String> = items
            .iter()
            .map(|item| to_json(element, item.as_datum()))
            .collect();
        return format!("[{}]", json.join(","));
    }
    match (ty, datum) {
        (_, Datum::Null) => "null".to_owned(),
        (PgType::Bool, d) => (if text(PgType::Bool, d) == "t" {
            "true"
        } else {
            "false"
        })
        .to_owned(),
        (PgType::Json | PgType::Jsonb, d) => text(ty, d),
        (PgType::Int2 | PgType::Int4 | PgType::Int8 | PgType::Oid, d) => text(ty, d),
        (PgType::Float4 | PgType::Float8 | PgType::Numeric, d) => {
            let t = text(ty, d);
            // NaN and the infinities are not JSON numbers.
            if t.bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'.' | b'e' | b'+'))
            {
                t
            } else {
                json::escape(&t)
            }
        }
        (PgType::Timestamp, Datum::Int(us)) => json::escape(&iso_timestamp(us)),
        (PgType::Timestamptz, Datum::Int(us)) => {
            if us == i64::MAX || us == i64::MIN {
                json::escape(&iso_timestamp(us))
            } else {
                let z = zone::session_zone();
                let offset = zone::offset_at(&z, us);
                let local = iso_timestamp(zone::to_local(&z, us));
                json::escape(&format!("{local}{}", zone::format_offset(offset, true)))
            }
        }
        (_, d) => json::escape(&text(ty, d)),
    }
}

/// `2024-01-02T03:04:05.5`, as JSON renders timestamps.
fn iso_timestamp(us: i64) -> String {
    let t = format_timestamp(us);
    match t.split_once(' ') {
        Some((date, rest)) if !matches!(us, i64::MAX | i64::MIN) => format!("{date}T{rest}"),
        _ => t,
    }
}
