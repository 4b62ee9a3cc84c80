//! `pg_cast(value, from_oid, to_oid, typmod, explicit)`: conversions between stored forms,
//! and the typmod rules of char(n), varchar(n) and numeric(p,s).

use bytes::BytesMut;
use devdb_pg::value::datetime::USECS_PER_DAY;
use devdb_pg::value::{Numeric, decode_text, encode_text, zone};
use devdb_pg::{Oid, PgError, PgType, SqlState, Value};

use super::numeric::{numeric, stored};
use super::{arg, as_float, as_int};

pub(super) fn type_arg(v: &Value) -> Result<PgType, PgError> {
    as_int(v)?
        .and_then(|o| u32::try_from(o).ok())
        .and_then(|o| PgType::from_oid(Oid(o)))
        .ok_or_else(|| PgError::internal(format!("pg_cast: bad type oid {v:?}")))
}

pub fn pg_cast(args: &[Value]) -> Result<Value, PgError> {
    let from = type_arg(arg(args, 1))?;
    let to = type_arg(arg(args, 2))?;
    let typmod = as_int(arg(args, 3))?.unwrap_or(-1) as i32;
    let explicit = as_int(arg(args, 4))?.unwrap_or(0) != 0;
    let v = convert(arg(args, 0).clone(), from, to)?;
    apply_typmod(v, to, typmod, explicit)
}

/// `pg_bpchar_pad(value, typmod)`: a char(n) column's stored value (kept without its trailing
/// blanks) as PostgreSQL holds it, blank-padded to n characters.
pub fn bpchar_pad(args: &[Value]) -> Result<Value, PgError> {
    let typmod = as_int(arg(args, 1))?.unwrap_or(-1) as i32;
    apply_typmod(arg(args, 0).clone(), PgType::Bpchar, typmod, true)
}

/// `pg_enum_in(value, enum_name, label...)`: the value when it is one of the labels, else
/// PostgreSQL's 22P02; text cast to an enum at run time (parameters, `text::mood`).
pub fn enum_in(args: &[Value]) -> Result<Value, PgError> {
    let (value, name, labels) = match args {
        [Value::Null, ..] => return Ok(Value::Null),
        [Value::Text(value), Value::Text(name), labels @ ..] => (value, name, labels),
        [other, Value::Text(name), ..] => {
            let text = text_of(other, PgType::Text)?;
            return Err(PgError::invalid_enum_label(name, &text));
        }
        _ => return Err(PgError::internal("pg_enum_in: bad arguments")),
    };
    if labels
        .iter()
        .any(|l| matches!(l, Value::Text(l) if l == value))
    {
        Ok(Value::Text(value.clone()))
    } else {
        Err(PgError::invalid_enum_label(name, value))
    }
}

/// `pg_enum_array_in(text[], enum_name, label...)`: the array when each element is one of the
/// labels, else PostgreSQL's 22P02 for the first that is not; text[] cast to an enum array.
pub fn enum_array_in(args: &[Value]) -> Result<Value, PgError> {
    let (stored, name, labels) = match args {
        [Value::Null, ..] => return Ok(Value::Null),
        [Value::Blob(stored), Value::Text(name), labels @ ..] => (stored, name, labels),
        _ => return Err(PgError::internal("pg_enum_array_in: bad arguments")),
    };
    for item in devdb_pg::value::array::load(PgType::Text, stored)? {
        if let Value::Text(label) = &item
            && !labels
                .iter()
                .any(|l| matches!(l, Value::Text(l) if l == label))
        {
            return Err(PgError::invalid_enum_label(name, label));
        }
    }
    Ok(Value::Blob(stored.clone()))
}

fn string_type(ty: PgType) -> bool {
    matches!(
        ty,
        PgType::Text | PgType::Varchar | PgType::Bpchar | PgType::Name | PgType::Unknown
    )
}

/// PostgreSQL's text output of a stored value.
pub fn text_of(v: &Value, ty: PgType) -> Result<String, PgError> {
    let mut out = BytesMut::new();
    encode_text(ty, v.as_datum(), &mut out);
    String::from_utf8(out.to_vec()).map_err(|_| PgError::internal("non-UTF-8 text output"))
}

fn int_range(to: PgType, v: i64) -> Result<Value, PgError> {
    let (fits, what) = match to {
        PgType::Int2 => (i16::try_from(v).is_ok(), "smallint"),
        PgType::Int4 => (i32::try_from(v).is_ok(), "integer"),
        PgType::Oid => (u32::try_from(v).is_ok(), "OID"),
        _ => (true, "bigint"),
    };
    if fits {
        Ok(Value::Int(v))
    } else {
        Err(PgError::new(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            format!("{what} out of range"),
        ))
    }
}

fn convert(v: Value, from: PgType, to: PgType) -> Result<Value, PgError> {
    if v == Value::Null || from == to {
        return Ok(v);
    }
    if let (Some(f), Some(t)) = (from.element(), to.element()) {
        return super::array::convert_elements(v, f, t, |x| convert(x, f, t));
    }
    if let (PgType::Int2vector | PgType::Oidvector, Some(element)) = (from, to.element()) {
        // int2vector and oidvector print as space-separated numbers.
        let Value::Text(s) = &v else {
            return Err(PgError::internal(format!("pg_cast: {from} value {v:?}")));
        };
        let items = s
            .split_whitespace()
            .map(|n| decode_text(element, n))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Value::Blob(devdb_pg::value::array::store(element, &items)));
    }
    if from == PgType::Json && to == PgType::Jsonb {
        let Value::Text(s) = &v else {
            return Err(PgError::internal(format!("pg_cast: json value {v:?}")));
        };
        return decode_text(to, s);
    }
    if string_type(from) {
        let Value::Text(s) = &v else {
            return Err(PgError::internal(format!("pg_cast: {from} value {v:?}")));
        };
        if string_type(to) {
            // char(n) -> text drops the padding; other string types keep the value.
            return Ok(if from == PgType::Bpchar {
                Value::Text(s.trim_end_matches(' ').to_owned())
            } else {
                v
            });
        }
        return decode_text(to, s);
    }
    if string_type(to) {
        // bool's cast to text spells the words out, unlike its output function.
        if from == PgType::Bool {
            return Ok(Value::Text(
                if as_int(&v)? == Some(0) {
                    "false"
                } else {
                    "true"
                }
                .to_owned(),
            ));
        }
        return Ok(Value::Text(text_of(&v, from)?));
    }
    let numeric_type = |t: PgType| {
        t.is_integer() || matches!(t, PgType::Numeric | PgType::Float4 | PgType::Float8)
    };
    if numeric_type(from) && numeric_type(to) {
        if to == PgType::Numeric {
            return Ok(match v {
                Value::Int(i) => stored(&Numeric::from_i64(i)),
                Value::Float(f) => {
                    // float8_numeric and float4_numeric go through %.15g and %.6g.
                    let digits = if from == PgType::Float4 { 6 } else { 15 };
                    stored(&Numeric::from_float(f, digits))
                }
                other => other,
            });
        }
        if from == PgType::Numeric {
            return from_numeric(&v, to);
        }
        return match to {
            PgType::Int2 | PgType::Int4 | PgType::Int8 | PgType::Oid => match v {
                Value::Int(i) => int_range(to, i),
                Value::Float(_) | Value::Text(_) => {
                    // float -> int rounds half to even (rint); NaN is out of range.
                    let r = as_float(&v)?.unwrap_or(f64::NAN).round_ties_even();
                    if !r.is_finite() || r.abs() >= 9.223_372_036_854_776e18 {
                        return int_range(to, i64::MAX).and(Err(PgError::new(
                            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
                            format!(
                                "{} out of range",
                                if to == PgType::Int8 {
                                    "bigint"
                                } else {
                                    "integer"
                                }
                            ),
                        )));
                    }
                    int_range(to, r as i64)
                }
                other => Err(PgError::internal(format!("pg_cast: number {other:?}"))),
            },
            PgType::Float4 => as_float(&v)?
                .map(|f| super::arith::to_float4(f).map(Value::Float))
                .unwrap_or(Ok(Value::Null)),
            PgType::Float8 => Ok(as_float(&v)?.map(Value::Float).unwrap_or(Value::Null)),
            _ => Ok(v),
        };
    }
    match (from, to) {
        (PgType::Bool, PgType::Int4) => Ok(v),
        (PgType::Int4, PgType::Bool) => Ok(Value::Int((as_int(&v)? != Some(0)) as i64)),
        (PgType::Date, PgType::Timestamp | PgType::Timestamptz) => {
            let d = as_int(&v)?.unwrap_or(0);
            let local = d.checked_mul(USECS_PER_DAY).ok_or_else(|| {
                PgError::new(
                    SqlState::DATETIME_FIELD_OVERFLOW,
                    "date out of range for timestamp",
                )
            })?;
            Ok(Value::Int(if to == PgType::Timestamptz {
                zone::to_utc(&zone::session_zone(), local)
            } else {
                local
            }))
        }
        // A timestamptz is an instant: its date, time and timestamp are the session zone's.
        (PgType::Timestamp | PgType::Timestamptz, PgType::Date | PgType::Time) => {
            let us = as_int(&v)?.unwrap_or(0);
            let local = if from == PgType::Timestamptz {
                zone::to_local(&zone::session_zone(), us)
            } else {
                us
            };
            Ok(Value::Int(if to == PgType::Date {
                local.div_euclid(USECS_PER_DAY)
            } else {
                local.rem_euclid(USECS_PER_DAY)
            }))
        }
        // The time of day the interval's time part reaches; its days and months drop.
        (PgType::Interval, PgType::Time) => Ok(super::datetime::interval_of(&v)?
            .map_or(Value::Null, |iv| {
                Value::Int(iv.micros.rem_euclid(USECS_PER_DAY))
            })),
        (PgType::Timestamp, PgType::Timestamptz) => Ok(Value::Int(zone::to_utc(
            &zone::session_zone(),
            as_int(&v)?.unwrap_or(0),
        ))),
        (PgType::Timestamptz, PgType::Timestamp) => Ok(Value::Int(zone::to_local(
            &zone::session_zone(),
            as_int(&v)?.unwrap_or(0),
        ))),
        (PgType::Json | PgType::Jsonb, PgType::Json | PgType::Jsonb) => Ok(v),
        _ => decode_text(to, &text_of(&v, from)?),
    }
}

/// `pg_at_time_zone(value, zone, from_instant)`: a timestamptz (`from_instant`) as the
/// wall-clock time in `zone`, or a timestamp read as wall-clock time in `zone`.
pub fn at_time_zone(args: &[Value]) -> Result<Value, PgError> {
    let (Some(us), Some(name)) = (as_int(arg(args, 0))?, super::as_text(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    let zone = zone::lookup(name)?;
    Ok(Value::Int(if as_int(arg(args, 2))? == Some(1) {
        zone::to_local(&zone, us)
    } else {
        zone::to_utc(&zone, us)
    }))
}

/// numeric to an integer (rounded half away from zero) or a float, with PostgreSQL's errors.
fn from_numeric(v: &Value, to: PgType) -> Result<Value, PgError> {
    let Some(n) = numeric(v)? else {
        return Ok(Value::Null);
    };
    let int = |name: &str, min: i64, max: i64| n.to_int(name, min, max).map(Value::Int);
    match to {
        PgType::Int2 => int("smallint", i16::MIN.into(), i16::MAX.into()),
        PgType::Int4 => int("integer", i32::MIN.into(), i32::MAX.into()),
        PgType::Oid => int("OID", 0, u32::MAX.into()),
        PgType::Float4 | PgType::Float8 => {
            let f = n.to_f64();
            let (f, name) = if to == PgType::Float4 {
                (f64::from(f as f32), "real")
            } else {
                (f, "double precision")
            };
            let finite = matches!(n, Numeric::Finite { .. });
            if finite && (f.is_infinite() || (f == 0.0 && n != Numeric::zero())) {
                return Err(PgError::new(
                    SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
                    format!("\"{n}\" is out of range for type {name}"),
                ));
            }
            Ok(Value::Float(f))
        }
        _ => int("bigint", i64::MIN, i64::MAX),
    }
}

/// Rounds microseconds to `precision` fractional digits, half away from zero, as PostgreSQL's
/// AdjustTimestampForTypmod does; infinities stay.
fn round_fraction(us: i64, precision: i32) -> i64 {
    if !(0..6).contains(&precision) || matches!(us, i64::MAX | i64::MIN) {
        return us;
    }
    let scale = 10i64.pow(6 - precision as u32);
    let round = |t: i64| t.saturating_add(scale / 2) / scale * scale;
    if us >= 0 { round(us) } else { -round(-us) }
}

/// Enforces a type modifier on a stored value: char(n)/varchar(n) length, numeric(p,s).
/// Explicit casts truncate strings; assignments fail unless only spaces are cut, as in
/// PostgreSQL.
pub fn apply_typmod(v: Value, ty: PgType, typmod: i32, explicit: bool) -> Result<Value, PgError> {
    if let (PgType::Timestamp | PgType::Timestamptz | PgType::Time, Value::Int(us)) = (ty, &v) {
        return Ok(Value::Int(round_fraction(*us, typmod)));
    }
    // Every real typmod is at least 4 (VARHDRSZ); anything less means none.
    if typmod < 4 {
        return Ok(v);
    }
    if let Some(element) = ty.element() {
        return super::array::convert_elements(v, element, element, |x| {
            apply_typmod(x, element, typmod, explicit)
        });
    }
    match (ty, v) {
        (PgType::Bpchar | PgType::Varchar, Value::Text(s)) => {
            let n = usize::try_from(typmod - 4).unwrap_or(0);
            let len = s.chars().count();
            let mut s = if len > n {
                let cut: String = s.chars().take(n).collect();
                let rest_blank = s.chars().skip(n).all(|c| c == ' ');
                if !explicit && !rest_blank {
                    let name = if ty == PgType::Bpchar {
                        "character"
                    } else {
                        "character varying"
                    };
                    return Err(PgError::new(
                        SqlState::STRING_DATA_RIGHT_TRUNCATION,
                        format!("value too long for type {name}({n})"),
                    ));
                }
                cut
            } else {
                s
            };
            if ty == PgType::Bpchar {
                let have = s.chars().count();
                s.extend(std::iter::repeat_n(' ', n.saturating_sub(have)));
            }
            Ok(Value::Text(s))
        }
        (PgType::Numeric, v) if v != Value::Null => {
            let packed = typmod - 4;
            let precision = (packed >> 16) & 0xffff;
            // The scale is an 11-bit two's complement number (PostgreSQL 15 allows -1000..1000).
            let scale = ((packed & 0x7ff) ^ 0x400) - 0x400;
            let n = numeric(&v)?.unwrap_or_else(Numeric::zero);
            Ok(stored(&n.apply_typmod(precision, scale)?))
        }
        (_, v) => Ok(v),
    }
}
