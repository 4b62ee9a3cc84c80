//! ceil, floor, trunc, power, sqrt, cbrt, exp, ln, log, sign, the trigonometric and
//! hyperbolic functions and width_bucket of integers and floats with PostgreSQL's results and
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

/// 22003 "input is out of range", the trigonometric functions' error.
fn input_out_of_range() -> PgError {
    PgError::new(
        SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
        "input is out of range",
    )
}

/// Radians per degree, as float.c's RADIANS_PER_DEGREE (degrees() divides by it).
const RADIANS_PER_DEGREE: f64 = 0.017_453_292_519_943_295;

pub fn cbrt(args: &[Value]) -> Result<Value, PgError> {
    float_arg(args, |x| Ok(x.cbrt()))
}

pub fn degrees(args: &[Value]) -> Result<Value, PgError> {
    float_arg(args, |x| Ok(x / RADIANS_PER_DEGREE))
}

pub fn radians(args: &[Value]) -> Result<Value, PgError> {
    float_arg(args, |x| Ok(x * RADIANS_PER_DEGREE))
}

/// A trigonometric function of an angle: NaN stays NaN, an infinite angle is 22003.
fn of_angle(args: &[Value], f: fn(f64) -> f64) -> Result<Value, PgError> {
    float_arg(args, |x| {
        if x.is_nan() {
            return Ok(x);
        }
        if x.is_infinite() {
            return Err(input_out_of_range());
        }
        Ok(f(x))
    })
}

pub fn sin(args: &[Value]) -> Result<Value, PgError> {
    of_angle(args, f64::sin)
}

pub fn cos(args: &[Value]) -> Result<Value, PgError> {
    of_angle(args, f64::cos)
}

pub fn tan(args: &[Value]) -> Result<Value, PgError> {
    of_angle(args, f64::tan)
}

/// cot(0) is Infinity, as dcot.
pub fn cot(args: &[Value]) -> Result<Value, PgError> {
    of_angle(args, |x| 1.0 / x.tan())
}

/// An inverse function defined on [-1, 1] (asin, acos) or another `domain`; outside it 22003.
fn within(args: &[Value], domain: fn(f64) -> bool, f: fn(f64) -> f64) -> Result<Value, PgError> {
    float_arg(args, |x| {
        if x.is_nan() {
            return Ok(x);
        }
        if !domain(x) {
            return Err(input_out_of_range());
        }
        Ok(f(x))
    })
}

fn unit(x: f64) -> bool {
    (-1.0..=1.0).contains(&x)
}

pub fn asin(args: &[Value]) -> Result<Value, PgError> {
    within(args, unit, f64::asin)
}

pub fn acos(args: &[Value]) -> Result<Value, PgError> {
    within(args, unit, f64::acos)
}

pub fn atan(args: &[Value]) -> Result<Value, PgError> {
    float_arg(args, |x| Ok(x.atan()))
}

pub fn atan2(args: &[Value]) -> Result<Value, PgError> {
    let (Some(y), Some(x)) = (as_float(arg(args, 0))?, as_float(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    Ok(Value::Float(y.atan2(x)))
}

pub fn sinh(args: &[Value]) -> Result<Value, PgError> {
    float_arg(args, |x| Ok(x.sinh()))
}

pub fn cosh(args: &[Value]) -> Result<Value, PgError> {
    float_arg(args, |x| Ok(x.cosh()))
}

pub fn tanh(args: &[Value]) -> Result<Value, PgError> {
    float_arg(args, |x| Ok(x.tanh()))
}

pub fn asinh(args: &[Value]) -> Result<Value, PgError> {
    float_arg(args, |x| Ok(x.asinh()))
}

pub fn acosh(args: &[Value]) -> Result<Value, PgError> {
    within(args, |x| x >= 1.0, f64::acosh)
}

pub fn atanh(args: &[Value]) -> Result<Value, PgError> {
    within(args, unit, f64::atanh)
}

pub(super) fn width_bucket_error(message: &str) -> PgError {
    PgError::new(
        SqlState::INVALID_ARGUMENT_FOR_WIDTH_BUCKET_FUNCTION,
        message,
    )
}

/// The checks both width_bucket variants make of `count`, in PostgreSQL's order.
pub(super) fn bucket_count(v: &Value) -> Result<Option<i64>, PgError> {
    let count = as_int(v)?;
    if count.is_some_and(|c| c <= 0) {
        return Err(width_bucket_error("count must be greater than zero"));
    }
    Ok(count)
}

/// 0 below the range, count + 1 at or past its end (22003 when that overflows int4).
pub(super) fn bucket_past_end(count: i64) -> Result<Value, PgError> {
    match i32::try_from(count.saturating_add(1)) {
        Ok(b) => Ok(Value::Int(b.into())),
        Err(_) => Err(PgError::new(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "integer out of range",
        )),
    }
}

/// width_bucket(float8, float8, float8, int4): the bucket of `operand` among `count` equal
/// buckets from `low` to `high` (a descending range when `high < low`).
pub fn width_bucket(args: &[Value]) -> Result<Value, PgError> {
    let count = bucket_count(arg(args, 3))?;
    let (Some(operand), Some(low), Some(high), Some(count)) = (
        as_float(arg(args, 0))?,
        as_float(arg(args, 1))?,
        as_float(arg(args, 2))?,
        count,
    ) else {
        return Ok(Value::Null);
    };
    if operand.is_nan() || low.is_nan() || high.is_nan() {
        return Err(width_bucket_error(
            "operand, lower bound, and upper bound cannot be NaN",
        ));
    }
    if low.is_infinite() || high.is_infinite() {
        return Err(width_bucket_error("lower and upper bounds must be finite"));
    }
    let n = count as f64;
    let bucket = if low < high {
        if operand < low {
            return Ok(Value::Int(0));
        }
        if operand >= high {
            return bucket_past_end(count);
        }
        n * (operand - low) / (high - low)
    } else if low > high {
        if operand > low {
            return Ok(Value::Int(0));
        }
        if operand <= high {
            return bucket_past_end(count);
        }
        n * (low - operand) / (low - high)
    } else {
        return Err(width_bucket_error("lower bound cannot equal upper bound"));
    };
    // A quotient rounded up to count is still the last bucket.
    Ok(Value::Int((bucket as i64).min(count - 1) + 1))
}

pub fn pi(_: &[Value]) -> Result<Value, PgError> {
    Ok(Value::Float(std::f64::consts::PI))
}

/// The degree-based functions (sind, cosd, tand, cotd, asind, acosd, atand, atan2d), exact at
/// the angles and values people check (`sind(30)` is 0.5), as float.c computes them: the angle
/// reduced to the first quadrant, then sine and cosine scaled by their values at 30 and 60
/// degrees.
mod degrees {
    use super::RADIANS_PER_DEGREE;

    fn sin_0_to_30(x: f64) -> f64 {
        let sin_30 = (30.0 * RADIANS_PER_DEGREE).sin();
        ((x * RADIANS_PER_DEGREE).sin() / sin_30) / 2.0
    }

    fn cos_0_to_60(x: f64) -> f64 {
        let one_minus_cos_60 = 1.0 - (60.0 * RADIANS_PER_DEGREE).cos();
        1.0 - ((1.0 - (x * RADIANS_PER_DEGREE).cos()) / one_minus_cos_60) / 2.0
    }

    /// The sine of an angle in [0, 90].
    fn sin_q1(x: f64) -> f64 {
        if x <= 30.0 {
            sin_0_to_30(x)
        } else {
            cos_0_to_60(90.0 - x)
        }
    }

    /// The cosine of an angle in [0, 90].
    fn cos_q1(x: f64) -> f64 {
        if x <= 60.0 {
            cos_0_to_60(x)
        } else {
            sin_0_to_30(90.0 - x)
        }
    }

    /// An angle as one in [0, 180] and the sign an odd function (sine, tangent) takes there.
    fn half_turn(x: f64) -> (f64, f64) {
        let (mut x, mut sign) = (x % 360.0, 1.0);
        if x < 0.0 {
            x = -x;
            sign = -sign;
        }
        if x > 180.0 {
            x = 360.0 - x;
            sign = -sign;
        }
        (x, sign)
    }

    pub fn sind(x: f64) -> f64 {
        let (x, sign) = half_turn(x);
        let x = if x > 90.0 { 180.0 - x } else { x };
        sign * sin_q1(x)
    }

    pub fn cosd(x: f64) -> f64 {
        let mut sign = 1.0;
        let mut x = (x % 360.0).abs();
        if x > 180.0 {
            x = 360.0 - x;
        }
        if x > 90.0 {
            x = 180.0 - x;
            sign = -sign;
        }
        sign * cos_q1(x)
    }

    /// tand and (`cotangent`) cotd; never -0.
    pub fn tand(x: f64, cotangent: bool) -> f64 {
        let (mut x, mut sign) = half_turn(x);
        if x > 90.0 {
            x = 180.0 - x;
            sign = -sign;
        }
        let r = match cotangent {
            false => sign * ((sin_q1(x) / cos_q1(x)) / (sin_q1(45.0) / cos_q1(45.0))),
            true => sign * ((cos_q1(x) / sin_q1(x)) / (cos_q1(45.0) / sin_q1(45.0))),
        };
        if r == 0.0 { 0.0 } else { r }
    }

    /// The arcsine, in degrees, of a value in [0, 1].
    fn asin_q1(x: f64) -> f64 {
        if x <= 0.5 {
            (x.asin() / 0.5_f64.asin()) * 30.0
        } else {
            90.0 - (x.acos() / 0.5_f64.acos()) * 60.0
        }
    }

    /// The arccosine, in degrees, of a value in [0, 1].
    fn acos_q1(x: f64) -> f64 {
        if x <= 0.5 {
            90.0 - (x.asin() / 0.5_f64.asin()) * 30.0
        } else {
            (x.acos() / 0.5_f64.acos()) * 60.0
        }
    }

    pub fn asind(x: f64) -> f64 {
        if x >= 0.0 { asin_q1(x) } else { -asin_q1(-x) }
    }

    pub fn acosd(x: f64) -> f64 {
        if x >= 0.0 {
            acos_q1(x)
        } else {
            90.0 + asin_q1(-x)
        }
    }

    pub fn atand(x: f64) -> f64 {
        (x.atan() / 1.0_f64.atan()) * 45.0
    }

    pub fn atan2d(y: f64, x: f64) -> f64 {
        (y.atan2(x) / 1.0_f64.atan()) * 45.0
    }
}

pub fn sind(args: &[Value]) -> Result<Value, PgError> {
    of_angle(args, degrees::sind)
}

pub fn cosd(args: &[Value]) -> Result<Value, PgError> {
    of_angle(args, degrees::cosd)
}

pub fn tand(args: &[Value]) -> Result<Value, PgError> {
    of_angle(args, |x| degrees::tand(x, false))
}

pub fn cotd(args: &[Value]) -> Result<Value, PgError> {
    of_angle(args, |x| degrees::tand(x, true))
}

pub fn asind(args: &[Value]) -> Result<Value, PgError> {
    within(args, unit, degrees::asind)
}

pub fn acosd(args: &[Value]) -> Result<Value, PgError> {
    within(args, unit, degrees::acosd)
}

pub fn atand(args: &[Value]) -> Result<Value, PgError> {
    float_arg(args, |x| Ok(degrees::atand(x)))
}

pub fn atan2d(args: &[Value]) -> Result<Value, PgError> {
    let (Some(y), Some(x)) = (as_float(arg(args, 0))?, as_float(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    Ok(Value::Float(degrees::atan2d(y, x)))
}
