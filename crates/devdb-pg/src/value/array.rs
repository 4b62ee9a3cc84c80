//! One-dimensional arrays: the stored form, PostgreSQL's text form (`{a,"b c",NULL}`) and its
//! binary form.
//!
//! The stored form is an order-preserving byte string: SQLite compares BLOBs with memcmp, so
//! equality, ORDER BY and UNIQUE on an array column give PostgreSQL's element-wise answers
//! (shorter arrays first on a common prefix, NULL elements after every value).
//! Each element is a tag byte ([`VALUE`] or [`NULL`]) and, for a value, its payload by the
//! element type's [`Storage`]: integers big-endian with the sign bit flipped, floats in the
//! usual sortable bit pattern, text and bytes with 0x00 escaped and a 0x00 0x01 terminator.
//! [`END`] closes the array, so `{}` is one byte.

use bytes::BytesMut;
use fallible_iterator::FallibleIterator;
use postgres_protocol::IsNull;
use postgres_protocol::types as pgt;

use crate::types::Storage;
use crate::{Oid, PgError, PgType, SqlState, Value};

const END: u8 = 0x00;
const VALUE: u8 = 0x01;
const NULL: u8 = 0x02;

/// The stored form of `items`, elements of type `element`.
pub fn store(element: PgType, items: &[Value]) -> Vec<u8> {
    let mut out = Vec::with_capacity(items.len() * 9 + 1);
    for item in items {
        if *item == Value::Null {
            out.push(NULL);
            continue;
        }
        out.push(VALUE);
        match element.storage() {
            Storage::Integer => {
                let i = match item {
                    Value::Int(i) => *i,
                    Value::Float(f) => *f as i64,
                    _ => 0,
                };
                out.extend_from_slice(&((i as u64) ^ (1 << 63)).to_be_bytes());
            }
            Storage::Real => {
                let f = match item {
                    Value::Int(i) => *i as f64,
                    Value::Float(f) => *f,
                    Value::Text(t) if t == super::FLOAT_NAN => f64::NAN,
                    _ => 0.0,
                };
                // -0 equals 0 in PostgreSQL, so both get one encoding; so do all NaNs, which
                // sort above +Infinity.
                let bits = match f {
                    0.0 => 0,
                    f if f.is_nan() => f64::NAN.to_bits(),
                    f => f.to_bits(),
                };
                let sortable = if bits >> 63 == 1 {
                    !bits
                } else {
                    bits | (1 << 63)
                };
                out.extend_from_slice(&sortable.to_be_bytes());
            }
            Storage::Text | Storage::Blob => {
                let text;
                let bytes: &[u8] = match item {
                    Value::Text(s) => s.as_bytes(),
                    Value::Blob(b) => b,
                    Value::Int(i) => {
                        text = i.to_string();
                        text.as_bytes()
                    }
                    Value::Float(f) => {
                        text = f.to_string();
                        text.as_bytes()
                    }
                    Value::Null => &[],
                };
                for &b in bytes {
                    out.push(b);
                    if b == 0 {
                        out.push(0xff);
                    }
                }
                out.extend_from_slice(&[0x00, 0x01]);
            }
        }
    }
    out.push(END);
    out
}

/// The elements of a stored array.
pub fn load(element: PgType, stored: &[u8]) -> Result<Vec<Value>, PgError> {
    let mut items = Vec::new();
    let mut rest = stored;
    while let Some(raw) = next_element(element, &mut rest)? {
        items.push(decode_element(element, raw)?);
    }
    Ok(items)
}

/// The `index`th (0-based) element of a stored array, None past its end; the elements before
/// it are skipped without being decoded.
pub fn nth(element: PgType, stored: &[u8], index: usize) -> Result<Option<Value>, PgError> {
    let mut rest = stored;
    for _ in 0..index {
        if next_element(element, &mut rest)?.is_none() {
            return Ok(None);
        }
    }
    next_element(element, &mut rest)?
        .map(|raw| decode_element(element, raw))
        .transpose()
}

/// The number of elements of a stored array.
pub fn len(element: PgType, stored: &[u8]) -> Result<usize, PgError> {
    let mut rest = stored;
    let mut n = 0;
    while next_element(element, &mut rest)?.is_some() {
        n += 1;
    }
    Ok(n)
}

fn corrupt(element: PgType) -> PgError {
    PgError::internal(format!("corrupt stored {element}[] value"))
}

/// Splits the next element (its tag and payload) off `rest`; None at the end marker.
fn next_element<'a>(element: PgType, rest: &mut &'a [u8]) -> Result<Option<&'a [u8]>, PgError> {
    let input: &'a [u8] = rest;
    let size = match input {
        [END] => return Ok(None),
        [NULL, ..] => 1,
        [VALUE, payload @ ..] => match element.storage() {
            Storage::Integer | Storage::Real if payload.len() >= 8 => 9,
            Storage::Text | Storage::Blob => {
                // The payload ends at the first 0x00 not followed by 0xff (escaped NUL).
                let mut i = 0;
                loop {
                    match (payload.get(i), payload.get(i + 1)) {
                        (Some(0), Some(0x01)) => break 1 + i + 2,
                        (Some(0), Some(0xff)) => i += 2,
                        (Some(0), _) | (None, _) => return Err(corrupt(element)),
                        (Some(_), _) => i += 1,
                    }
                }
            }
            _ => return Err(corrupt(element)),
        },
        _ => return Err(corrupt(element)),
    };
    let (raw, tail) = input.split_at(size);
    *rest = tail;
    Ok(Some(raw))
}

/// One element as [`next_element`] split it off.
fn decode_element(element: PgType, raw: &[u8]) -> Result<Value, PgError> {
    let Some((&VALUE, payload)) = raw.split_first() else {
        return Ok(Value::Null);
    };
    Ok(match element.storage() {
        Storage::Integer | Storage::Real => {
            let word = payload.first_chunk::<8>().ok_or_else(|| corrupt(element))?;
            let bits = u64::from_be_bytes(*word);
            if element.storage() == Storage::Integer {
                Value::Int((bits ^ (1 << 63)) as i64)
            } else if bits >> 63 == 1 {
                Value::Float(f64::from_bits(bits & !(1 << 63)))
            } else {
                Value::Float(f64::from_bits(!bits))
            }
        }
        Storage::Text | Storage::Blob => {
            let body = payload
                .get(..payload.len().saturating_sub(2))
                .unwrap_or_default();
            let mut bytes = Vec::with_capacity(body.len());
            let mut i = 0;
            while let Some(&b) = body.get(i) {
                bytes.push(b);
                // An escaped NUL is 0x00 0xff.
                i += if b == 0 { 2 } else { 1 };
            }
            if element.storage() == Storage::Blob {
                Value::Blob(bytes)
            } else {
                Value::Text(String::from_utf8(bytes).map_err(|_| corrupt(element))?)
            }
        }
    })
}

/// PostgreSQL's text output: `{1,2}`, `{"a b",NULL,""}`.
pub fn format_text(element: PgType, items: &[Value]) -> String {
    let mut out = String::from("{");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if *item == Value::Null {
            out.push_str("NULL");
            continue;
        }
        let mut text = BytesMut::new();
        super::encode_text(element, item.as_datum(), &mut text);
        let text = String::from_utf8_lossy(&text);
        let quote = text.is_empty()
            || text.eq_ignore_ascii_case("null")
            || text
                .chars()
                .any(|c| matches!(c, '{' | '}' | ',' | '"' | '\\') || is_array_space(c));
        if quote {
            out.push('"');
            for c in text.chars() {
                if matches!(c, '"' | '\\') {
                    out.push('\\');
                }
                out.push(c);
            }
            out.push('"');
        } else {
            out.push_str(&text);
        }
    }
    out.push('}');
    out
}

/// The whitespace array_in skips around elements (array_isspace).
fn is_array_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

/// Parses PostgreSQL's array input syntax; each element goes through the element type's input.
pub fn parse_text(element: PgType, input: &str) -> Result<Vec<Value>, PgError> {
    let malformed = |detail: &str| PgError::malformed_array(input, detail);
    let mut chars = input.chars().peekable();
    while chars.next_if(|c| is_array_space(*c)).is_some() {}
    match chars.next() {
        Some('{') => {}
        Some('[') => {
            return Err(PgError::feature_not_supported(
                "array dimension decorations",
            ));
        }
        _ => {
            return Err(malformed(
                "Array value must start with \"{\" or dimension information.",
            ));
        }
    }
    let mut items = Vec::new();
    while chars.next_if(|c| is_array_space(*c)).is_some() {}
    if chars.next_if_eq(&'}').is_none() {
        loop {
            let mut item = String::new();
            // Length of `item` up to its last quoted, escaped or non-blank character.
            let mut kept = 0;
            let mut quoted = false;
            let mut literal = false;
            let end = loop {
                let Some(c) = chars.next() else {
                    return Err(malformed("Unexpected end of input."));
                };
                match c {
                    '\\' => {
                        let Some(next) = chars.next() else {
                            return Err(malformed("Unexpected end of input."));
                        };
                        item.push(next);
                        kept = item.len();
                        literal = true;
                    }
                    '"' => {
                        quoted = !quoted;
                        literal = true;
                        kept = item.len();
                    }
                    _ if quoted => {
                        item.push(c);
                        kept = item.len();
                    }
                    '{' if item.is_empty() && !literal => {
                        return Err(PgError::feature_not_supported("multidimensional arrays"));
                    }
                    '{' => return Err(malformed("Unexpected \"{\" character.")),
                    ',' | '}' => break c,
                    _ if is_array_space(c) => {
                        if !item.is_empty() || literal {
                            item.push(c);
                        }
                    }
                    _ => {
                        item.push(c);
                        kept = item.len();
                    }
                }
            };
            item.truncate(kept);
            if item.is_empty() && !literal {
                return Err(malformed(&format!("Unexpected \"{end}\" character.")));
            }
            items.push(if !literal && item.eq_ignore_ascii_case("null") {
                Value::Null
            } else {
                super::decode_text(element, &item)?
            });
            if end == '}' {
                break;
            }
        }
    }
    if chars.any(|c| !is_array_space(c)) {
        return Err(malformed("Junk after closing right brace."));
    }
    Ok(items)
}

/// PostgreSQL's binary array format: no dimension for `{}`, else one with lower bound 1.
pub fn to_binary(element: PgType, items: &[Value], out: &mut BytesMut) -> Result<(), PgError> {
    to_binary_of(element, element.oid(), items, out)
}

/// [`to_binary`] with the element OID the header names (an enum's own, for enum arrays).
pub fn to_binary_of(
    element: PgType,
    element_oid: Oid,
    items: &[Value],
    out: &mut BytesMut,
) -> Result<(), PgError> {
    let len = i32::try_from(items.len()).map_err(|_| {
        PgError::new(
            SqlState::PROGRAM_LIMIT_EXCEEDED,
            "array size exceeds the maximum allowed",
        )
    })?;
    let dimension = (len > 0).then_some(pgt::ArrayDimension {
        len,
        lower_bound: 1,
    });
    let mut failed = None;
    let written = pgt::array_to_sql(
        dimension,
        element_oid.0,
        items,
        |item, buf| {
            if *item == Value::Null {
                return Ok(IsNull::Yes);
            }
            if let Err(e) = super::encode_binary(element, item.as_datum(), buf) {
                failed = Some(e);
            }
            Ok(IsNull::No)
        },
        out,
    );
    if let Some(e) = failed {
        return Err(e);
    }
    written.map_err(|e| PgError::internal(format!("array output: {e}")))
}

/// Reads PostgreSQL's binary array format, checking the element type.
pub fn from_binary(element: PgType, raw: &[u8]) -> Result<Vec<Value>, PgError> {
    from_binary_of(element, element.oid(), raw)
}

/// [`from_binary`] of an array whose header must name `element_oid` (an enum's own, for enum
/// arrays).
pub fn from_binary_of(
    element: PgType,
    element_oid: Oid,
    raw: &[u8],
) -> Result<Vec<Value>, PgError> {
    let bad = |_| PgError::invalid_binary(&format!("{element}[]"));
    let array = pgt::array_from_sql(raw).map_err(bad)?;
    if array.dimensions().count().map_err(bad)? > 1 {
        return Err(PgError::feature_not_supported("multidimensional arrays"));
    }
    if array.element_type() != element_oid.0 {
        return Err(PgError::new(
            SqlState::DATATYPE_MISMATCH,
            format!(
                "binary data has array element type {} instead of expected {}",
                array.element_type(),
                element_oid.0
            ),
        ));
    }
    let mut values = array.values();
    let mut items = Vec::new();
    while let Some(item) = values.next().map_err(bad)? {
        items.push(match item {
            None => Value::Null,
            Some(bytes) => super::decode_binary(element, bytes)?,
        });
    }
    Ok(items)
}

#[cfg(test)]
mod tests;
