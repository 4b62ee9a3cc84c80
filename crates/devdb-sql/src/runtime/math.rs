//! ceil, floor, trunc, power, sqrt, exp, ln, log and sign of integers and floats with PostgreSQL's results and
//! errors (numerics have their own in `runtime::numeric`).

use devdb_pg::{PgError, SqlState, Value};

use super::{arg, as_float, as_int};

fn rounded(args: &[Value], f: fn(f64) -> f64) -> Result<Value, PgError> {
    Ok(match arg(args, 0) {
        Value::Int(i) => Value::Int(*i),
        v => match as_float(v)? {
            Some(x) => Value::Float(f(x)),
            None => Value::Null,
        },
    })
}

pub fn ceil(args: &[Value]) -> Result<Value, PgError> {
    rounded(args, f64::ceil)
}

pub fn floor(args: &[Value]) -> Result<Value, PgError> {
    rounded(args, f64::floor)
}

/// trunc(x[, scale]): toward zero at `scale` digits after the point (before it when negative).
pub fn trunc(args: &[Value]) -> Result<Value, PgError> {
    let scale = match args.get(1) {
        None => 0,
        Some(v) => match as_int(v)? {
            Some(s) => s.clamp(-400, 400) as i32,
            None => return Ok(Value::Null),
        },
    };
    match arg(args, 0) {
        Value::Int(i) if scale >= 0 => Ok(Value::Int(*i)),
        v => match as_float(v)? {
            None => Ok(Value::Null),
            Some(x) => {
                let factor = 10f64.powi(scale);
                let t = (x * factor).trunc() / factor;
                // A float stays a float (trunc(-0.5) is -0).
                let int = matches!(v, Value::Int(_));
                Ok(
                    if int && t.fract() == 0.0 && t.abs() < 9.2e18 && scale <= 0 {
                        Value::Int(t as i64)
                    } else {
                        Value::Float(t)
                    },
                )
            }
        },
    }
}

fn invalid_power(message: &str) -> PgError {
    PgError::new(SqlState::INVALID_ARGUMENT_FOR_POWER_FUNCTION, message)
}

pub fn power(args: &[Value]) -> Result<Value, PgError> {
    let (Some(x), Some(y)) = (as_float(arg(args, 0))?, as_float(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    if x == 0.0 && y < 0.0 {
        return Err(invalid_power(
            "zero raised to a negative power is undefined",
        ));
    }
    if x < 0.0 && y.is_finite() && y.fract() != 0.0 {
        return Err(invalid_power(
            "a negative number raised to a non-integer power yields a complex result",
        ));
    }
    let r = x.powf(y);
    let finite = x.is_finite() && y.is_finite();
    if r.is_infinite() && finite {
        return Err(PgError::new(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "value out of range: overflow",
        ));
    }
    if r == 0.0 && x != 0.0 && finite {
        return Err(PgError::new(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "value out of range: underflow",
        ));
    }
    Ok(Value::Float(r))
}

pub fn sqrt(args: &[Value]) -> Result<Value, PgError> {
    let Some(x) = as_float(arg(args, 0))? else {
        return Ok(Value::Null);
    };
    if x < 0.0 {
        return Err(invalid_power(
            "cannot take square root of a negative number",
        ));
    }
    Ok(Value::Float(x.sqrt()))
}

fn float_arg(args: &[Value], f: impl Fn(f64) -> Result<f64, PgError>) -> Result<Value, PgError> {
    match as_float(arg(args, 0))? {
        Some(x) => f(x).map(Value::Float),
        None => Ok(Value::Null),
    }
}

fn out_of_range(what: &str) -> PgError {
    PgError::new(
        SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
        format!("value out of range: {what}"),
    )
}

/// exp(double precision) as dexp: NaN stays, exp(-Infinity) is 0, 22003 when a finite
/// argument overflows or underflows.
pub fn exp(args: &[Value]) -> Result<Value, PgError> {
    float_arg(args, |x| {
        if x.is_nan() || x == f64::INFINITY {
            return Ok(x);
        }
        if x == f64::NEG_INFINITY {
            return Ok(0.0);
        }
        match x.exp() {
            r if r.is_infinite() => Err(out_of_range("overflow")),
            0.0 => Err(out_of_range("underflow")),
            r => Ok(r),
        }
    })
}

/// 2201E for the logarithm of zero or of a negative number, as dlog1 and dlog10.
fn log_arg(x: f64) -> Result<f64, PgError> {
    if x == 0.0 {
        return Err(PgError::new(
            SqlState::INVALID_ARGUMENT_FOR_LOG,
            "cannot take logarithm of zero",
        ));
    }
    if x < 0.0 {
        return Err(PgError::new(
            SqlState::INVALID_ARGUMENT_FOR_LOG,
            "cannot take logarithm of a negative number",
        ));
    }
    Ok(x)
}

pub fn ln(args: &[Value]) -> Result<Value, PgError> {
    float_arg(args, |x| log_arg(x).map(f64::ln))
}

/// log(double precision) and log10: the base-10 logarithm.
pub fn log10(args: &[Value]) -> Result<Value, PgError> {
    float_arg(args, |x| log_arg(x).map(f64::log10))
}

/// sign(double precision): -1, 0 or 1 (0 for NaN and -0, as dsign).
pub fn sign(args: &[Value]) -> Result<Value, PgError> {
    float_arg(args, |x| {
        Ok(match x {
            x if x > 0.0 => 1.0,
            x if x < 0.0 => -1.0,
            _ => 0.0,
        })
    })
}
