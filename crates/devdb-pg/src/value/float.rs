//! float4/float8 text I/O as PostgreSQL 15 does it: the shortest digits that round-trip, in
//! fixed notation for decimal exponents in [-4, 15) (float4: [-4, 6)), else `d.ddde+XX`.

use crate::{PgError, PgType, SqlState};

/// How SQLite holds a float NaN (it reads a REAL NaN as NULL): TEXT, which it orders above
/// every number, as PostgreSQL orders NaN, and which equals itself.
pub const NAN: &str = "NaN";

/// Parses PostgreSQL's float input, including `NaN`, `Infinity` and `-Infinity`.
pub fn parse(text: &str) -> Option<f64> {
    let t = text.trim();
    match t.to_ascii_lowercase().as_str() {
        "nan" => Some(f64::NAN),
        "infinity" | "+infinity" | "inf" | "+inf" => Some(f64::INFINITY),
        "-infinity" | "-inf" => Some(f64::NEG_INFINITY),
        _ => t.parse().ok(),
    }
}

/// 22003 when finite input overflows or underflows `ty` (float4 or float8), as float8in and
/// float4in refuse `1e400` and `1e-400`; returns the value rounded to `ty`.
pub fn check_range(text: &str, v: f64, ty: PgType) -> Result<f64, PgError> {
    let narrowed = if ty == PgType::Float4 {
        f64::from(v as f32)
    } else {
        v
    };
    let mantissa = text.split(['e', 'E']).next().unwrap_or("");
    let nonzero = mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b));
    let spelled_infinite = text.to_ascii_lowercase().contains("inf");
    if (narrowed.is_infinite() && !spelled_infinite) || (narrowed == 0.0 && nonzero) {
        return Err(PgError::new(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            format!("\"{}\" is out of range for type {ty}", text.trim()),
        ));
    }
    Ok(narrowed)
}

pub fn format_float8(v: f64) -> String {
    if let Some(special) = special(v) {
        return special.to_owned();
    }
    layout(&format!("{v:e}"), 15)
}

pub fn format_float4(v: f32) -> String {
    if let Some(special) = special(v.into()) {
        return special.to_owned();
    }
    layout(&format!("{v:e}"), 6)
}

fn special(v: f64) -> Option<&'static str> {
    if v.is_nan() {
        Some("NaN")
    } else if v == f64::INFINITY {
        Some("Infinity")
    } else if v == f64::NEG_INFINITY {
        Some("-Infinity")
    } else {
        None
    }
}

/// Turns Rust's shortest scientific form (`-1.25e-5`) into PostgreSQL's layout.
fn layout(sci: &str, fixed_below: i32) -> String {
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let mut out = String::from(sign);
    if (-4..fixed_below).contains(&exp) {
        if exp < 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
            out.push_str(&digits);
        } else {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                out.push_str(&digits);
                out.extend(std::iter::repeat_n('0', int_len - digits.len()));
            } else {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            }
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push_str(&format!(
            "e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.abs()
        ));
    }
    out
}
