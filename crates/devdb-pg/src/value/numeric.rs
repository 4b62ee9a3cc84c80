//! numeric I/O. Until devdb keeps exact decimals, numeric values are stored as SQLite integers
//! or reals; these functions give them PostgreSQL's text and binary spellings.

use bytes::{BufMut, BytesMut};

use crate::{PgError, Value};

/// Parses numeric input: integers stay exact, everything else becomes a real.
pub fn parse(text: &str) -> Option<Value> {
    let t = text.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Some(Value::Int(i));
    }
    if t.eq_ignore_ascii_case("nan") {
        return Some(Value::Float(f64::NAN));
    }
    let valid = !t.is_empty()
        && t.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    if !valid {
        return None;
    }
    t.parse::<f64>().ok().map(Value::Float)
}

/// A real in plain decimal notation, as numeric prints (never an exponent).
pub fn format_real(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_owned();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    format!("{v}")
}

/// Writes numeric's binary form: ndigits, weight, sign, dscale, then base-10000 digits.
pub fn to_binary(text: &str, out: &mut BytesMut) -> Result<(), PgError> {
    if text == "NaN" {
        out.put_slice(&[0, 0, 0, 0, 0xC0, 0, 0, 0]);
        return Ok(());
    }
    let bad = || PgError::invalid_text("numeric", text);
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int_part, frac_part) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if !int_part
        .bytes()
        .chain(frac_part.bytes())
        .all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let int_part = int_part.trim_start_matches('0');
    let dscale = frac_part.len();
    // Pad so both halves split into whole groups of four digits around the decimal point.
    let int_pad = (4 - int_part.len() % 4) % 4;
    let frac_pad = (4 - frac_part.len() % 4) % 4;
    let padded: String = "0".repeat(int_pad) + int_part + frac_part + &"0".repeat(frac_pad);
    let mut groups: Vec<i16> = padded
        .as_bytes()
        .chunks(4)
        .map(|c| c.iter().fold(0i16, |acc, d| acc * 10 + (d - b'0') as i16))
        .collect();
    let mut weight = ((int_pad + int_part.len()) / 4) as i16 - 1;
    while groups.first() == Some(&0) {
        groups.remove(0);
        weight -= 1;
    }
    while groups.last() == Some(&0) {
        groups.pop();
    }
    if groups.is_empty() {
        weight = 0;
    }
    out.put_i16(groups.len() as i16);
    out.put_i16(weight);
    out.put_u16(if negative && !groups.is_empty() {
        0x4000
    } else {
        0
    });
    out.put_u16(dscale as u16);
    for g in groups {
        out.put_i16(g);
    }
    Ok(())
}

/// Reads numeric's binary form into a stored value.
pub fn from_binary(raw: &[u8]) -> Option<Value> {
    let word =
        |i: usize| -> Option<i16> { Some(i16::from_be_bytes([*raw.get(i)?, *raw.get(i + 1)?])) };
    let ndigits = usize::try_from(word(0)?).ok()?;
    let weight = word(2)? as i32;
    let sign = word(4)? as u16;
    let dscale = usize::try_from(word(6)?).ok()?;
    if raw.len() != 8 + 2 * ndigits {
        return None;
    }
    if sign == 0xC000 {
        return Some(Value::Float(f64::NAN));
    }
    let mut text = String::new();
    if sign == 0x4000 {
        text.push('-');
    }
    let digit = |k: i32| -> Option<i16> {
        if k < 0 || k as usize >= ndigits {
            Some(0)
        } else {
            word(8 + 2 * k as usize)
        }
    };
    if weight < 0 {
        text.push('0');
    }
    for k in 0..=weight {
        let d = digit(k)?;
        if k == 0 {
            text.push_str(&d.to_string())
        } else {
            text.push_str(&format!("{d:04}"))
        }
    }
    if dscale > 0 {
        let mut frac = String::new();
        let mut k = weight + 1;
        while frac.len() < dscale {
            frac.push_str(&format!("{:04}", digit(k)?));
            k += 1;
        }
        frac.truncate(dscale);
        text.push('.');
        text.push_str(&frac);
    }
    parse(&text)
}
