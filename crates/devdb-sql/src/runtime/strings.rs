//! More of PostgreSQL's string functions: split_part, initcap, lpad/rpad, reverse, translate,
//! concat_ws, chr/ascii, starts_with, md5, encode/decode, and bytea's get_byte/set_byte and
//! `||`. Strict unless noted; lengths count characters.

use devdb_pg::value::json::Json;
use devdb_pg::{PgError, SqlState, Value};

use super::{arg, as_int, as_text};

/// Pads longer than this are refused, as PostgreSQL refuses values over 1 GB.
const MAX_CHARS: i64 = 1 << 28;

pub fn split_part(args: &[Value]) -> Result<Value, PgError> {
    let (Some(s), Some(sep), Some(n)) = (
        as_text(arg(args, 0))?,
        as_text(arg(args, 1))?,
        as_int(arg(args, 2))?,
    ) else {
        return Ok(Value::Null);
    };
    if n == 0 {
        return Err(PgError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            "field position must not be zero",
        ));
    }
    let parts: Vec<&str> = if sep.is_empty() {
        vec![s]
    } else {
        s.split(sep).collect()
    };
    let index = if n > 0 {
        usize::try_from(n - 1).ok()
    } else {
        usize::try_from(n.unsigned_abs())
            .ok()
            .and_then(|k| parts.len().checked_sub(k))
    };
    Ok(Value::Text(
        index
            .and_then(|i| parts.get(i))
            .map(|p| (*p).to_owned())
            .unwrap_or_default(),
    ))
}

/// The first letter of each run of letters and digits upper-cased, the rest lower-cased.
pub fn initcap(args: &[Value]) -> Result<Value, PgError> {
    let Some(s) = as_text(arg(args, 0))? else {
        return Ok(Value::Null);
    };
    let mut out = String::with_capacity(s.len());
    let mut in_word = false;
    for c in s.chars() {
        if in_word {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        in_word = c.is_alphanumeric();
    }
    Ok(Value::Text(out))
}

fn pad(args: &[Value], left: bool) -> Result<Value, PgError> {
    let (Some(s), Some(len)) = (as_text(arg(args, 0))?, as_int(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    let fill = match args.get(2) {
        None => " ",
        Some(v) => match as_text(v)? {
            None => return Ok(Value::Null),
            Some(f) => f,
        },
    };
    if len > MAX_CHARS {
        return Err(PgError::new(
            SqlState::PROGRAM_LIMIT_EXCEEDED,
            "requested length too large",
        ));
    }
    let len = usize::try_from(len).unwrap_or(0);
    let chars: Vec<char> = s.chars().collect();
    if chars.len() >= len || fill.is_empty() {
        return Ok(Value::Text(chars.iter().take(len).collect()));
    }
    let padding: String = fill.chars().cycle().take(len - chars.len()).collect();
    let s: String = chars.into_iter().collect();
    Ok(Value::Text(if left { padding + &s } else { s + &padding }))
}

pub fn lpad(args: &[Value]) -> Result<Value, PgError> {
    pad(args, true)
}

pub fn rpad(args: &[Value]) -> Result<Value, PgError> {
    pad(args, false)
}

pub fn reverse(args: &[Value]) -> Result<Value, PgError> {
    Ok(as_text(arg(args, 0))?
        .map(|s| Value::Text(s.chars().rev().collect()))
        .unwrap_or(Value::Null))
}

/// translate(s, from, to): each character of `from` becomes the one at its position in `to`,
/// or is removed when `to` is shorter.
pub fn translate(args: &[Value]) -> Result<Value, PgError> {
    let (Some(s), Some(from), Some(to)) = (
        as_text(arg(args, 0))?,
        as_text(arg(args, 1))?,
        as_text(arg(args, 2))?,
    ) else {
        return Ok(Value::Null);
    };
    let from: Vec<char> = from.chars().collect();
    let to: Vec<char> = to.chars().collect();
    let out = s
        .chars()
        .filter_map(|c| match from.iter().position(|f| *f == c) {
            Some(i) => to.get(i).copied(),
            None => Some(c),
        })
        .collect();
    Ok(Value::Text(out))
}

/// concat_ws(sep, values...): not strict in its values, which are skipped when NULL.
pub fn concat_ws(args: &[Value]) -> Result<Value, PgError> {
    let Some(sep) = as_text(arg(args, 0))? else {
        return Ok(Value::Null);
    };
    let mut parts = Vec::with_capacity(args.len().saturating_sub(1));
    for v in args.iter().skip(1) {
        match v {
            Value::Null => {}
            // Integers print the same in SQLite and PostgreSQL (see `text_output`).
            Value::Int(i) => parts.push(i.to_string()),
            other => parts.extend(as_text(other)?.map(str::to_owned)),
        }
    }
    Ok(Value::Text(parts.join(sep)))
}

/// sha224(bytea) .. sha512(bytea): the digest as bytea.
pub fn sha2<D: sha2::Digest>(args: &[Value]) -> Result<Value, PgError> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Blob(b) => Ok(Value::Blob(D::digest(b).to_vec())),
        other => Err(PgError::internal(format!(
            "sha2 of a non-bytea value {other:?}"
        ))),
    }
}

pub fn md5(args: &[Value]) -> Result<Value, PgError> {
    use md5::Digest as _;
    let Some(bytes) = super::as_bytes(arg(args, 0))? else {
        return Ok(Value::Null);
    };
    let digest = md5::Md5::digest(bytes);
    Ok(Value::Text(
        digest.iter().map(|b| format!("{b:02x}")).collect(),
    ))
}

fn format_name(args: &[Value]) -> Result<Option<String>, PgError> {
    Ok(as_text(arg(args, 1))?.map(str::to_lowercase))
}

fn unknown_encoding(name: &str) -> PgError {
    PgError::new(
        SqlState::INVALID_PARAMETER_VALUE,
        format!("unrecognized encoding: \"{name}\""),
    )
}

/// encode(bytea, 'hex' | 'base64' | 'escape') as text.
pub fn encode(args: &[Value]) -> Result<Value, PgError> {
    use base64::Engine as _;
    let (Value::Blob(bytes), Some(format)) = (arg(args, 0), format_name(args)?) else {
        return Ok(Value::Null);
    };
    Ok(Value::Text(match format.as_str() {
        "hex" => bytes.iter().map(|b| format!("{b:02x}")).collect(),
        // PostgreSQL wraps base64 output every 76 characters.
        "base64" => {
            let text = base64::engine::general_purpose::STANDARD.encode(bytes);
            text.as_bytes()
                .chunks(76)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join("\n")
        }
        "escape" => bytes
            .iter()
            .map(|b| match b {
                b'\\' => "\\\\".to_owned(),
                0 | 0x80..=0xff => format!("\\{b:03o}"),
                b => char::from(*b).to_string(),
            })
            .collect(),
        other => return Err(unknown_encoding(other)),
    }))
}

/// decode(text, 'hex' | 'base64') as bytea.
pub fn decode(args: &[Value]) -> Result<Value, PgError> {
    use base64::Engine as _;
    let (Some(text), Some(format)) = (as_text(arg(args, 0))?, format_name(args)?) else {
        return Ok(Value::Null);
    };
    let bytes = match format.as_str() {
        "hex" => {
            let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
            if !digits.len().is_multiple_of(2) {
                return Err(PgError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "invalid hexadecimal data: odd number of digits",
                ));
            }
            digits
                .chunks(2)
                .map(|pair| {
                    std::str::from_utf8(pair)
                        .ok()
                        .and_then(|p| u8::from_str_radix(p, 16).ok())
                        .ok_or_else(|| {
                            PgError::new(
                                SqlState::INVALID_PARAMETER_VALUE,
                                "invalid hexadecimal digit",
                            )
                        })
                })
                .collect::<Result<Vec<u8>, _>>()?
        }
        "base64" => {
            let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            base64::engine::general_purpose::STANDARD
                .decode(compact)
                .map_err(|e| {
                    PgError::new(
                        SqlState::INVALID_PARAMETER_VALUE,
                        format!("invalid base64 data: {e}"),
                    )
                })?
        }
        other => return Err(unknown_encoding(other)),
    };
    Ok(Value::Blob(bytes))
}

/// hashtext(text): PostgreSQL's hash_bytes (Bob Jenkins' lookup3, little-endian) of the UTF-8
/// bytes, as a signed int4. Migration runners key advisory locks by it.
pub fn hashtext(args: &[Value]) -> Result<Value, PgError> {
    let Some(s) = as_text(arg(args, 0))? else {
        return Ok(Value::Null);
    };
    Ok(Value::Int(i64::from(hash_bytes(s.as_bytes()) as i32)))
}

fn hash_bytes(key: &[u8]) -> u32 {
    fn mix(a: &mut u32, b: &mut u32, c: &mut u32) {
        *a = a.wrapping_sub(*c);
        *a ^= c.rotate_left(4);
        *c = c.wrapping_add(*b);
        *b = b.wrapping_sub(*a);
        *b ^= a.rotate_left(6);
        *a = a.wrapping_add(*c);
        *c = c.wrapping_sub(*b);
        *c ^= b.rotate_left(8);
        *b = b.wrapping_add(*a);
        *a = a.wrapping_sub(*c);
        *a ^= c.rotate_left(16);
        *c = c.wrapping_add(*b);
        *b = b.wrapping_sub(*a);
        *b ^= a.rotate_left(19);
        *a = a.wrapping_add(*c);
        *c = c.wrapping_sub(*b);
        *c ^= b.rotate_left(4);
        *b = b.wrapping_add(*a);
    }
    fn finish(a: &mut u32, b: &mut u32, c: &mut u32) {
        *c ^= *b;
        *c = c.wrapping_sub(b.rotate_left(14));
        *a ^= *c;
        *a = a.wrapping_sub(c.rotate_left(11));
        *b ^= *a;
        *b = b.wrapping_sub(a.rotate_left(25));
        *c ^= *b;
        *c = c.wrapping_sub(b.rotate_left(16));
        *a ^= *c;
        *a = a.wrapping_sub(c.rotate_left(4));
        *b ^= *a;
        *b = b.wrapping_sub(a.rotate_left(14));
        *c ^= *b;
        *c = c.wrapping_sub(b.rotate_left(24));
    }
    let word = |bytes: &[u8]| {
        bytes
            .iter()
            .enumerate()
            .fold(0u32, |w, (i, b)| w.wrapping_add(u32::from(*b) << (8 * i)))
    };
    let init = 0x9e37_79b9_u32
        .wrapping_add(key.len() as u32)
        .wrapping_add(3_923_095);
    let (mut a, mut b, mut c) = (init, init, init);
    let mut chunks = key.chunks_exact(12);
    for chunk in &mut chunks {
        a = a.wrapping_add(word(&chunk[0..4]));
        b = b.wrapping_add(word(&chunk[4..8]));
        c = c.wrapping_add(word(&chunk[8..12]));
        mix(&mut a, &mut b, &mut c);
    }
    let rest = chunks.remainder();
    // The lowest byte of c is reserved for the length: the tail's 9th byte and on go above it.
    a = a.wrapping_add(word(rest.get(..rest.len().min(4)).unwrap_or_default()));
    b = b.wrapping_add(word(rest.get(4..rest.len().min(8)).unwrap_or_default()));
    c = c.wrapping_add(word(rest.get(8..).unwrap_or_default()) << 8);
    finish(&mut a, &mut b, &mut c);
    c
}

/// The aggregate behind `string_agg(DISTINCT value, delimiter)`: each row is the JSON array
/// `[value, delimiter]`, already distinct and in order; rows with a NULL value are skipped, and
/// each value after the first is preceded by its own row's delimiter (NULL: none), as
/// PostgreSQL's string_agg does. NULL when no value is left.
pub fn string_agg_distinct(rows: Vec<Vec<Value>>) -> Result<Value, PgError> {
    let mut out: Option<String> = None;
    for row in rows {
        let Some(Value::Text(pair)) = row.into_iter().next() else {
            continue;
        };
        let text = |j: &Json| match j {
            Json::String(s) => Some(s.clone()),
            _ => None,
        };
        let (value, delimiter) = match Json::parse(&pair, false)? {
            Json::Array(items) if items.len() == 2 => (text(&items[0]), text(&items[1])),
            _ => return Err(PgError::internal(format!("string_agg pair {pair}"))),
        };
        let Some(value) = value else {
            continue;
        };
        match &mut out {
            None => out = Some(value),
            Some(out) => {
                out.push_str(delimiter.as_deref().unwrap_or_default());
                out.push_str(&value);
            }
        }
    }
    Ok(out.map_or(Value::Null, Value::Text))
}

/// chr(int4): the character with that code point; 54000 for 0 and what UTF-8 cannot hold.
pub fn chr(args: &[Value]) -> Result<Value, PgError> {
    let Some(code) = as_int(arg(args, 0))? else {
        return Ok(Value::Null);
    };
    let refuse = |message: String| Err(PgError::new(SqlState::PROGRAM_LIMIT_EXCEEDED, message));
    match code {
        c if c < 0 => Err(PgError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            "character number must be positive",
        )),
        0 => refuse("null character not permitted".to_owned()),
        c if c > 0x10FFFF => refuse(format!("requested character too large for encoding: {c}")),
        c => match u32::try_from(c).ok().and_then(char::from_u32) {
            Some(ch) => Ok(Value::Text(ch.to_string())),
            None => refuse(format!("requested character not valid for encoding: {c}")),
        },
    }
}

/// ascii(text): the first character's code point, 0 for ''.
pub fn ascii(args: &[Value]) -> Result<Value, PgError> {
    Ok(match as_text(arg(args, 0))? {
        Some(t) => Value::Int(t.chars().next().map_or(0, |c| u32::from(c).into())),
        None => Value::Null,
    })
}

pub fn starts_with(args: &[Value]) -> Result<Value, PgError> {
    Ok(match (as_text(arg(args, 0))?, as_text(arg(args, 1))?) {
        (Some(t), Some(prefix)) => Value::Int(t.starts_with(prefix).into()),
        _ => Value::Null,
    })
}

/// The byte index `n` of `bytes`, 2202E outside it.
fn byte_index(bytes: &[u8], n: i64) -> Result<usize, PgError> {
    usize::try_from(n)
        .ok()
        .filter(|&i| i < bytes.len())
        .ok_or_else(|| {
            PgError::new(
                SqlState::ARRAY_SUBSCRIPT_ERROR,
                format!(
                    "index {n} out of valid range, 0..{}",
                    bytes.len() as i64 - 1
                ),
            )
        })
}

/// get_byte(bytea, int4).
pub fn get_byte(args: &[Value]) -> Result<Value, PgError> {
    let (Some(bytes), Some(n)) = (super::as_bytes(arg(args, 0))?, as_int(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    Ok(Value::Int(bytes[byte_index(bytes, n)?].into()))
}

/// set_byte(bytea, int4, int4): the value's low 8 bits.
pub fn set_byte(args: &[Value]) -> Result<Value, PgError> {
    let (Some(bytes), Some(n), Some(value)) = (
        super::as_bytes(arg(args, 0))?,
        as_int(arg(args, 1))?,
        as_int(arg(args, 2))?,
    ) else {
        return Ok(Value::Null);
    };
    let mut out = bytes.to_vec();
    out[byte_index(bytes, n)?] = value as u8;
    Ok(Value::Blob(out))
}

/// `bytea || bytea` (SQLite's `||` would make text).
pub fn bytea_concat(args: &[Value]) -> Result<Value, PgError> {
    let (Some(a), Some(b)) = (
        super::as_bytes(arg(args, 0))?,
        super::as_bytes(arg(args, 1))?,
    ) else {
        return Ok(Value::Null);
    };
    Ok(Value::Blob([a, b].concat()))
}
