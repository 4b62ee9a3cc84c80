//! Arithmetic with PostgreSQL's errors: integer overflow (22003) and division by zero (22012).

use std::cmp::Ordering;

use devdb_pg::{PgError, SqlState, Value};

use super::{arg, as_float, as_int};

fn out_of_range(what: &str) -> PgError {
    PgError::new(
        SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
        format!("{what} out of range"),
    )
}

fn division_by_zero() -> PgError {
    PgError::new(SqlState::DIVISION_BY_ZERO, "division by zero")
}

/// Applies `op` to two integers and checks the result fits `bits`.
fn int_op(args: &[Value], bits: u32, op: fn(i64, i64) -> Option<i64>) -> Result<Value, PgError> {
    let (Some(a), Some(b)) = (as_int(arg(args, 0))?, as_int(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    let what = match bits {
        16 => "smallint",
        32 => "integer",
        _ => "bigint",
    };
    let r = op(a, b).ok_or_else(|| out_of_range(what))?;
    let fits = match bits {
        16 => i16::try_from(r).is_ok(),
        32 => i32::try_from(r).is_ok(),
        _ => true,
    };
    if fits {
        Ok(Value::Int(r))
    } else {
        Err(out_of_range(what))
    }
}

fn int_div(args: &[Value], bits: u32) -> Result<Value, PgError> {
    if as_int(arg(args, 1))? == Some(0) && as_int(arg(args, 0))?.is_some() {
        return Err(division_by_zero());
    }
    int_op(args, bits, i64::checked_div)
}

fn int_mod(args: &[Value], bits: u32) -> Result<Value, PgError> {
    if as_int(arg(args, 1))? == Some(0) && as_int(arg(args, 0))?.is_some() {
        return Err(division_by_zero());
    }
    // MIN % -1 is 0 in PostgreSQL, not an overflow.
    int_op(args, bits, |a, b| Some(a.checked_rem(b).unwrap_or(0)))
}

pub fn int2_add(a: &[Value]) -> Result<Value, PgError> {
    int_op(a, 16, i64::checked_add)
}
pub fn int2_sub(a: &[Value]) -> Result<Value, PgError> {
    int_op(a, 16, i64::checked_sub)
}
pub fn int2_mul(a: &[Value]) -> Result<Value, PgError> {
    int_op(a, 16, i64::checked_mul)
}
pub fn int2_div(a: &[Value]) -> Result<Value, PgError> {
    int_div(a, 16)
}
pub fn int2_mod(a: &[Value]) -> Result<Value, PgError> {
    int_mod(a, 16)
}
pub fn int4_add(a: &[Value]) -> Result<Value, PgError> {
    int_op(a, 32, i64::checked_add)
}
pub fn int4_sub(a: &[Value]) -> Result<Value, PgError> {
    int_op(a, 32, i64::checked_sub)
}
pub fn int4_mul(a: &[Value]) -> Result<Value, PgError> {
    int_op(a, 32, i64::checked_mul)
}
pub fn int4_div(a: &[Value]) -> Result<Value, PgError> {
    int_div(a, 32)
}
pub fn int4_mod(a: &[Value]) -> Result<Value, PgError> {
    int_mod(a, 32)
}
pub fn int8_add(a: &[Value]) -> Result<Value, PgError> {
    int_op(a, 64, i64::checked_add)
}
pub fn int8_sub(a: &[Value]) -> Result<Value, PgError> {
    int_op(a, 64, i64::checked_sub)
}
pub fn int8_mul(a: &[Value]) -> Result<Value, PgError> {
    int_op(a, 64, i64::checked_mul)
}
pub fn int8_div(a: &[Value]) -> Result<Value, PgError> {
    int_div(a, 64)
}
pub fn int8_mod(a: &[Value]) -> Result<Value, PgError> {
    int_mod(a, 64)
}

fn gcd_i128(a: i64, b: i64) -> i128 {
    let (mut a, mut b) = (i128::from(a).abs(), i128::from(b).abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// gcd(): non-negative, so gcd(MIN, 0) does not fit (22003).
fn gcd(a: i64, b: i64) -> Option<i64> {
    i64::try_from(gcd_i128(a, b)).ok()
}

/// lcm(): non-negative, 0 when either is 0.
fn lcm(a: i64, b: i64) -> Option<i64> {
    if a == 0 || b == 0 {
        return Some(0);
    }
    i64::try_from((i128::from(a) / gcd_i128(a, b) * i128::from(b)).abs()).ok()
}

pub fn int4_gcd(a: &[Value]) -> Result<Value, PgError> {
    int_op(a, 32, gcd)
}
pub fn int4_lcm(a: &[Value]) -> Result<Value, PgError> {
    int_op(a, 32, lcm)
}
pub fn int8_gcd(a: &[Value]) -> Result<Value, PgError> {
    int_op(a, 64, gcd)
}
pub fn int8_lcm(a: &[Value]) -> Result<Value, PgError> {
    int_op(a, 64, lcm)
}

/// to_hex(int4) and to_hex(int8): a negative value in two's complement of its width.
fn hex(args: &[Value], bits: u32) -> Result<Value, PgError> {
    Ok(match as_int(arg(args, 0))? {
        Some(i) if bits == 32 => Value::Text(format!("{:x}", i as i32)),
        Some(i) => Value::Text(format!("{i:x}")),
        None => Value::Null,
    })
}
pub fn int4_to_hex(a: &[Value]) -> Result<Value, PgError> {
    hex(a, 32)
}
pub fn int8_to_hex(a: &[Value]) -> Result<Value, PgError> {
    hex(a, 64)
}

/// bit_and, bit_or and bit_xor over integers: NULL over no (non-null) rows.
fn bits(rows: Vec<Vec<Value>>, op: fn(i64, i64) -> i64) -> Result<Value, PgError> {
    let mut acc = None;
    for row in &rows {
        if let Some(x) = as_int(arg(row, 0))? {
            acc = Some(acc.map_or(x, |a| op(a, x)));
        }
    }
    Ok(acc.map_or(Value::Null, Value::Int))
}
pub fn bit_and(rows: Vec<Vec<Value>>) -> Result<Value, PgError> {
    bits(rows, |a, b| a & b)
}
pub fn bit_or(rows: Vec<Vec<Value>>) -> Result<Value, PgError> {
    bits(rows, |a, b| a | b)
}
pub fn bit_xor(rows: Vec<Vec<Value>>) -> Result<Value, PgError> {
    bits(rows, |a, b| a ^ b)
}

/// Float arithmetic as float8pl/mi/mul/div: 22003 when finite operands overflow to an
/// infinity, or (`underflows`) when nonzero ones give zero.
fn float_op(
    args: &[Value],
    op: fn(f64, f64) -> f64,
    underflows: fn(f64, f64) -> bool,
) -> Result<Value, PgError> {
    let (Some(a), Some(b)) = (as_float(arg(args, 0))?, as_float(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    checked_float(op(a, b), a, b, underflows).map(Value::Float)
}

fn checked_float(r: f64, a: f64, b: f64, underflows: fn(f64, f64) -> bool) -> Result<f64, PgError> {
    if r.is_infinite() && a.is_finite() && b.is_finite() {
        return Err(PgError::new(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "value out of range: overflow",
        ));
    }
    if r == 0.0 && underflows(a, b) {
        return Err(PgError::new(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "value out of range: underflow",
        ));
    }
    Ok(r)
}

/// A float8 as a float4 (float84), with its overflow and underflow errors.
pub(crate) fn to_float4(f: f64) -> Result<f64, PgError> {
    checked_float(f64::from(f as f32), f, 1.0, |f, _| f != 0.0)
}

/// Float4 arithmetic as float4pl/mi/mul/div: done in single precision.
fn float4_op(
    args: &[Value],
    op: fn(f32, f32) -> f32,
    underflows: fn(f64, f64) -> bool,
) -> Result<Value, PgError> {
    let (Some(a), Some(b)) = (as_float(arg(args, 0))?, as_float(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    let r = f64::from(op(a as f32, b as f32));
    checked_float(r, a, b, underflows).map(Value::Float)
}

fn never(_: f64, _: f64) -> bool {
    false
}
fn nonzero(a: f64, b: f64) -> bool {
    a != 0.0 && b != 0.0
}
fn finite_divisor(a: f64, b: f64) -> bool {
    a != 0.0 && !b.is_infinite()
}

pub fn float8_add(a: &[Value]) -> Result<Value, PgError> {
    float_op(a, |x, y| x + y, never)
}
pub fn float8_sub(a: &[Value]) -> Result<Value, PgError> {
    float_op(a, |x, y| x - y, never)
}
pub fn float8_mul(a: &[Value]) -> Result<Value, PgError> {
    float_op(a, |x, y| x * y, nonzero)
}
pub fn float8_div(a: &[Value]) -> Result<Value, PgError> {
    zero_divisor(a)?;
    float_op(a, |x, y| x / y, finite_divisor)
}
pub fn float4_add(a: &[Value]) -> Result<Value, PgError> {
    float4_op(a, |x, y| x + y, never)
}
pub fn float4_sub(a: &[Value]) -> Result<Value, PgError> {
    float4_op(a, |x, y| x - y, never)
}
pub fn float4_mul(a: &[Value]) -> Result<Value, PgError> {
    float4_op(a, |x, y| x * y, nonzero)
}
pub fn float4_div(a: &[Value]) -> Result<Value, PgError> {
    zero_divisor(a)?;
    float4_op(a, |x, y| x / y, finite_divisor)
}

/// 22012 for a float division by zero, unless the dividend is NULL or NaN (NaN / 0 is NaN).
fn zero_divisor(a: &[Value]) -> Result<(), PgError> {
    let dividend = as_float(arg(a, 0))?;
    if as_float(arg(a, 1))? == Some(0.0) && dividend.is_some_and(|x| !x.is_nan()) {
        return Err(division_by_zero());
    }
    Ok(())
}

/// sum() of floats as float8pl (float4pl for real) adds them: NaN and the infinities as
/// PostgreSQL, 22003 when finite values overflow.
pub fn float8_sum(rows: Vec<Vec<Value>>) -> Result<Value, PgError> {
    float_total(&rows, float8_add)
}
pub fn float4_sum(rows: Vec<Vec<Value>>) -> Result<Value, PgError> {
    float_total(&rows, float4_add)
}

/// avg() of floats: their float8 sum over their count.
pub fn float8_avg(rows: Vec<Vec<Value>>) -> Result<Value, PgError> {
    let count = rows.iter().filter(|r| arg(r, 0) != &Value::Null).count();
    match float_total(&rows, float8_add)? {
        Value::Null => Ok(Value::Null),
        sum => float8_div(&[sum, Value::Float(count as f64)]),
    }
}

fn float_total(
    rows: &[Vec<Value>],
    add: fn(&[Value]) -> Result<Value, PgError>,
) -> Result<Value, PgError> {
    let mut total = Value::Null;
    for row in rows {
        match (arg(row, 0), &total) {
            (Value::Null, _) => {}
            (v, Value::Null) => total = Value::Float(as_float(v)?.unwrap_or(f64::NAN)),
            (v, t) => total = add(&[t.clone(), v.clone()])?,
        }
    }
    Ok(total)
}

pub fn date_add(a: &[Value]) -> Result<Value, PgError> {
    let (Some(d), Some(n)) = (as_int(arg(a, 0))?, as_int(arg(a, 1))?) else {
        return Ok(Value::Null);
    };
    d.checked_add(n)
        .map(Value::Int)
        .ok_or_else(|| out_of_range("date"))
}

pub fn date_sub(a: &[Value]) -> Result<Value, PgError> {
    let (Some(d), Some(n)) = (as_int(arg(a, 0))?, as_int(arg(a, 1))?) else {
        return Ok(Value::Null);
    };
    d.checked_sub(n)
        .map(Value::Int)
        .ok_or_else(|| out_of_range("date"))
}

pub fn abs(a: &[Value]) -> Result<Value, PgError> {
    match arg(a, 0) {
        Value::Int(i) => i
            .checked_abs()
            .map(Value::Int)
            .ok_or_else(|| out_of_range("bigint")),
        Value::Null => Ok(Value::Null),
        other => Ok(Value::Float(as_float(other)?.unwrap_or(f64::NAN).abs())),
    }
}

/// round(double precision) rounds half to even, as the C library's rint().
pub fn round_float8(a: &[Value]) -> Result<Value, PgError> {
    Ok(as_float(arg(a, 0))?
        .map(|f| Value::Float(f.round_ties_even()))
        .unwrap_or(Value::Null))
}

/// Orders stored values of one type: numbers numerically, text and bytes bytewise.
pub fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            let (x, y) = (
                as_float(a).ok().flatten().unwrap_or(0.0),
                as_float(b).ok().flatten().unwrap_or(0.0),
            );
            x.total_cmp(&y)
        }
        (Value::Text(x), Value::Text(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Blob(x), Value::Blob(y)) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)),
    }
}

fn rank(v: &Value) -> u8 {
    match v {
        Value::Null => 0,
        Value::Int(_) | Value::Float(_) => 1,
        Value::Text(_) => 2,
        Value::Blob(_) => 3,
    }
}

/// GREATEST/LEAST ignore NULLs, unlike SQLite's multi-argument max()/min().
pub(super) fn pick(
    args: &[Value],
    want: Ordering,
    compare: impl Fn(&Value, &Value) -> Ordering,
) -> Result<Value, PgError> {
    let mut best: Option<&Value> = None;
    for v in args.iter().filter(|v| **v != Value::Null) {
        if best.is_none_or(|b| compare(v, b) == want) {
            best = Some(v);
        }
    }
    Ok(best.cloned().unwrap_or(Value::Null))
}

pub fn greatest(a: &[Value]) -> Result<Value, PgError> {
    pick(a, Ordering::Greater, compare)
}
pub fn least(a: &[Value]) -> Result<Value, PgError> {
    pick(a, Ordering::Less, compare)
}

/// `pg_greatest_of(type_oid, v...)`: GREATEST of a type stored as text that its bytes do not
/// order (interval by span, citext without case, jsonb as jsonb's btree).
pub fn greatest_of(a: &[Value]) -> Result<Value, PgError> {
    pick_of(a, Ordering::Greater)
}
/// `pg_least_of(type_oid, v...)`: LEAST likewise.
pub fn least_of(a: &[Value]) -> Result<Value, PgError> {
    pick_of(a, Ordering::Less)
}

fn pick_of(a: &[Value], want: Ordering) -> Result<Value, PgError> {
    let order = devdb_pg::value::text_order(super::cast::type_arg(arg(a, 0))?);
    pick(a.get(1..).unwrap_or_default(), want, |x, y| {
        match (order, x, y) {
            (Some(order), Value::Text(x), Value::Text(y)) => order(x, y),
            _ => compare(x, y),
        }
    })
}
