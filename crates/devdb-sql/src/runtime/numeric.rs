//! numeric operators, functions and aggregates over stored numerics (their text; integers
//! where an int was passed straight in), exact, with PostgreSQL's scales and errors.

use devdb_pg::value::numeric::Rounding;
use devdb_pg::value::{Numeric, numeric_of};
use devdb_pg::{PgError, SqlState, Value};

use std::cmp::Ordering;

use super::arith::pick;
use super::{arg, as_int};

/// The numeric in a stored value; None for NULL.
pub fn numeric(v: &Value) -> Result<Option<Numeric>, PgError> {
    match v {
        Value::Null => Ok(None),
        other => numeric_of(other.as_datum()).map(Some),
    }
}

/// A numeric as devdb stores it.
pub fn stored(n: &Numeric) -> Value {
    Value::Text(n.to_string())
}

fn binary(
    args: &[Value],
    op: fn(&Numeric, &Numeric) -> Result<Numeric, PgError>,
) -> Result<Value, PgError> {
    let (Some(a), Some(b)) = (numeric(arg(args, 0))?, numeric(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    op(&a, &b).map(|r| stored(&r))
}

fn unary(args: &[Value], op: fn(&Numeric) -> Result<Numeric, PgError>) -> Result<Value, PgError> {
    match numeric(arg(args, 0))? {
        None => Ok(Value::Null),
        Some(a) => op(&a).map(|r| stored(&r)),
    }
}

pub fn add(a: &[Value]) -> Result<Value, PgError> {
    binary(a, Numeric::add)
}
pub fn sub(a: &[Value]) -> Result<Value, PgError> {
    binary(a, Numeric::sub)
}
pub fn mul(a: &[Value]) -> Result<Value, PgError> {
    binary(a, Numeric::mul)
}
pub fn div(a: &[Value]) -> Result<Value, PgError> {
    binary(a, Numeric::div)
}
pub fn rem(a: &[Value]) -> Result<Value, PgError> {
    binary(a, Numeric::rem)
}
pub fn abs(a: &[Value]) -> Result<Value, PgError> {
    unary(a, |n| Ok(n.abs()))
}
pub fn sign(a: &[Value]) -> Result<Value, PgError> {
    unary(a, |n| Ok(n.signum()))
}
pub fn power(a: &[Value]) -> Result<Value, PgError> {
    binary(a, Numeric::power)
}
pub fn sqrt(a: &[Value]) -> Result<Value, PgError> {
    unary(a, Numeric::sqrt)
}
pub fn exp(a: &[Value]) -> Result<Value, PgError> {
    unary(a, Numeric::exp)
}
pub fn ln(a: &[Value]) -> Result<Value, PgError> {
    unary(a, Numeric::ln)
}
/// log(base, x).
pub fn log(a: &[Value]) -> Result<Value, PgError> {
    binary(a, Numeric::log)
}
pub fn ceil(a: &[Value]) -> Result<Value, PgError> {
    unary(a, |n| Ok(n.round_to(0, Rounding::Ceil)))
}
pub fn floor(a: &[Value]) -> Result<Value, PgError> {
    unary(a, |n| Ok(n.round_to(0, Rounding::Floor)))
}

/// `f(x)` rounds to an integer, `f(x, places)` to that many decimal places.
fn round_with(args: &[Value], mode: Rounding) -> Result<Value, PgError> {
    let places = match args.get(1) {
        None => Some(0),
        Some(p) => as_int(p)?,
    };
    let (Some(n), Some(places)) = (numeric(arg(args, 0))?, places) else {
        return Ok(Value::Null);
    };
    Ok(stored(&n.round_to(places, mode)))
}

/// round(numeric, int): half away from zero.
pub fn round(a: &[Value]) -> Result<Value, PgError> {
    round_with(a, Rounding::HalfAway)
}
/// trunc(numeric, int).
pub fn trunc(a: &[Value]) -> Result<Value, PgError> {
    round_with(a, Rounding::Trunc)
}

/// Orders two stored numerics by value.
fn by_value(a: &Value, b: &Value) -> Ordering {
    match (numeric(a), numeric(b)) {
        (Ok(Some(x)), Ok(Some(y))) => x.cmp(&y),
        _ => Ordering::Equal,
    }
}

/// GREATEST of numerics, by value.
pub fn greatest(a: &[Value]) -> Result<Value, PgError> {
    pick(a, Ordering::Greater, by_value)
}
/// LEAST of numerics, by value.
pub fn least(a: &[Value]) -> Result<Value, PgError> {
    pick(a, Ordering::Less, by_value)
}

/// The numerics (or int8s) of the rows an aggregate collected, NULLs skipped.
pub(super) fn numerics(rows: Vec<Vec<Value>>) -> Result<Vec<Numeric>, PgError> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        if let Some(n) = numeric(row.first().unwrap_or(&Value::Null))? {
            out.push(n);
        }
    }
    Ok(out)
}

pub(super) fn total(values: &[Numeric]) -> Result<Option<Numeric>, PgError> {
    let mut values = values.iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    values
        .try_fold(first.clone(), |sum, n| sum.add(n))
        .map(Some)
}

/// sum() over numerics or int8s: exact, NULL over no rows.
pub fn sum(rows: Vec<Vec<Value>>) -> Result<Value, PgError> {
    Ok(total(&numerics(rows)?)?
        .as_ref()
        .map(stored)
        .unwrap_or(Value::Null))
}

/// avg() over numerics or integers: the exact sum divided by the count with numeric
/// division's scale.
pub fn avg(rows: Vec<Vec<Value>>) -> Result<Value, PgError> {
    let values = numerics(rows)?;
    match total(&values)? {
        None => Ok(Value::Null),
        Some(sum) => {
            let count = Numeric::from_i64(values.len() as i64);
            sum.div(&count).map(|r| stored(&r))
        }
    }
}

/// `pg_numeric_series_stop(start, stop, step)`: the last k of generate_series(numeric, numeric,
/// numeric), whose values are start + k * step, or -1 when it is empty (or an argument is
/// NULL); PostgreSQL's errors for NaN, infinite and zero arguments.
pub fn series_stop(a: &[Value]) -> Result<Value, PgError> {
    let (Some(start), Some(stop), Some(step)) = (
        numeric(arg(a, 0))?,
        numeric(arg(a, 1))?,
        numeric(arg(a, 2))?,
    ) else {
        return Ok(Value::Int(-1));
    };
    for (n, what) in [
        (&start, "start value"),
        (&stop, "stop value"),
        (&step, "step size"),
    ] {
        if n.is_nan() {
            return Err(series_argument(format!("{what} cannot be NaN")));
        }
        if !n.is_finite() {
            return Err(series_argument(format!("{what} cannot be infinity")));
        }
    }
    let zero = Numeric::zero();
    if step == zero {
        return Err(series_argument("step size cannot equal zero".into()));
    }
    let forward = step > zero;
    let past = |k: &Numeric| -> Result<bool, PgError> {
        let value = start.add(&k.mul(&step)?)?;
        Ok(if forward { value > stop } else { value < stop })
    };
    // The quotient is rounded: step it to the exact last k.
    let one = Numeric::from_i64(1);
    let mut k = stop.sub(&start)?.div(&step)?.round_to(0, Rounding::Floor);
    while k >= zero && past(&k)? {
        k = k.sub(&one)?;
    }
    while !past(&k.add(&one)?)? {
        k = k.add(&one)?;
    }
    if k < zero {
        return Ok(Value::Int(-1));
    }
    Ok(Value::Int(
        k.to_int("bigint", 0, i64::MAX).unwrap_or(i64::MAX),
    ))
}

/// `pg_numeric_series_nth(start, step, k)`: the k-th value, which PostgreSQL reaches by adding
/// the step k times (so its scale is the larger of theirs after the start itself).
pub fn series_nth(a: &[Value]) -> Result<Value, PgError> {
    let (Some(start), Some(step), Some(k)) =
        (numeric(arg(a, 0))?, numeric(arg(a, 1))?, as_int(arg(a, 2))?)
    else {
        return Ok(Value::Null);
    };
    if k == 0 {
        return Ok(stored(&start));
    }
    Ok(stored(&start.add(&Numeric::from_i64(k).mul(&step)?)?))
}

fn series_argument(message: String) -> PgError {
    PgError::new(SqlState::INVALID_PARAMETER_VALUE, message)
}

/// div(numeric, numeric): the truncated quotient.
pub fn div_trunc(a: &[Value]) -> Result<Value, PgError> {
    binary(a, Numeric::div_trunc)
}

pub fn gcd(a: &[Value]) -> Result<Value, PgError> {
    binary(a, |x, y| Ok(x.gcd(y)))
}

pub fn lcm(a: &[Value]) -> Result<Value, PgError> {
    binary(a, Numeric::lcm)
}

/// factorial(bigint).
pub fn factorial(a: &[Value]) -> Result<Value, PgError> {
    match as_int(arg(a, 0))? {
        Some(n) => Numeric::factorial(n).map(|r| stored(&r)),
        None => Ok(Value::Null),
    }
}

/// scale(numeric): the display scale; NULL for NaN and the infinities.
pub fn scale(a: &[Value]) -> Result<Value, PgError> {
    Ok(match numeric(arg(a, 0))? {
        Some(n) if n.is_finite() => Value::Int(n.scale().into()),
        _ => Value::Null,
    })
}

pub fn min_scale(a: &[Value]) -> Result<Value, PgError> {
    Ok(match numeric(arg(a, 0))?.and_then(|n| n.min_scale()) {
        Some(s) => Value::Int(s.into()),
        None => Value::Null,
    })
}

pub fn trim_scale(a: &[Value]) -> Result<Value, PgError> {
    unary(a, |n| Ok(n.trim_scale()))
}

/// width_bucket(numeric, numeric, numeric, int4), exactly (see `math::width_bucket`).
pub fn width_bucket(a: &[Value]) -> Result<Value, PgError> {
    let count = super::math::bucket_count(arg(a, 3))?;
    let (Some(operand), Some(low), Some(high), Some(count)) = (
        numeric(arg(a, 0))?,
        numeric(arg(a, 1))?,
        numeric(arg(a, 2))?,
        count,
    ) else {
        return Ok(Value::Null);
    };
    let error = |m: &str| PgError::new(SqlState::INVALID_ARGUMENT_FOR_WIDTH_BUCKET_FUNCTION, m);
    if operand.is_nan() || low.is_nan() || high.is_nan() {
        return Err(error("operand, lower bound, and upper bound cannot be NaN"));
    }
    if !low.is_finite() || !high.is_finite() {
        return Err(error("lower and upper bounds must be finite"));
    }
    let (offset, width) = match low.cmp(&high) {
        Ordering::Less if operand < low => return Ok(Value::Int(0)),
        Ordering::Less if operand >= high => return super::math::bucket_past_end(count),
        Ordering::Less => (operand.sub(&low)?, high.sub(&low)?),
        Ordering::Greater if operand > low => return Ok(Value::Int(0)),
        Ordering::Greater if operand <= high => return super::math::bucket_past_end(count),
        Ordering::Greater => (low.sub(&operand)?, low.sub(&high)?),
        Ordering::Equal => return Err(error("lower bound cannot equal upper bound")),
    };
    let bucket = offset
        .mul(&Numeric::from_i64(count))?
        .div_trunc(&width)?
        .to_int("integer", 0, i64::MAX)?;
    Ok(Value::Int(bucket.saturating_add(1)))
}
