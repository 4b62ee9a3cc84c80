//! stddev, stddev_samp, stddev_pop, variance, var_samp and var_pop. Over floats as
//! float8_accum computes them (Youngs-Cramer, a float8 result); over integers and numerics
//! exactly, as numeric_stddev_internal does (a numeric result with its scales).

use devdb_pg::value::Numeric;
use devdb_pg::{PgError, SqlState, Value};

use super::numeric::{numerics, stored, total};
use super::{arg, as_float};

/// What to compute.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Statistic {
    /// stddev and stddev_samp.
    StddevSamp,
    StddevPop,
    /// variance and var_samp.
    VarSamp,
    VarPop,
}

impl Statistic {
    /// Over a sample (n - 1), not the population (n).
    fn sample(self) -> bool {
        matches!(self, Statistic::StddevSamp | Statistic::VarSamp)
    }

    /// The square root of the variance.
    fn root(self) -> bool {
        matches!(self, Statistic::StddevSamp | Statistic::StddevPop)
    }
}

/// Over float4 or float8 values.
pub fn float8(rows: Vec<Vec<Value>>, stat: Statistic) -> Result<Value, PgError> {
    let (mut n, mut sx, mut sxx) = (0.0_f64, 0.0_f64, 0.0_f64);
    for row in &rows {
        let Some(x) = as_float(arg(row, 0))? else {
            continue;
        };
        let (n_before, sx_before) = (n, sx);
        n += 1.0;
        sx += x;
        if n_before > 0.0 {
            let tmp = x * n - sx;
            sxx += tmp * tmp / (n * n_before);
            // Only finite inputs that overflow are an error; an infinite input makes NaN.
            if sx.is_infinite() || sxx.is_infinite() {
                if !sx_before.is_infinite() && !x.is_infinite() {
                    return Err(PgError::new(
                        SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
                        "value out of range: overflow",
                    ));
                }
                sxx = f64::NAN;
            }
        } else if !x.is_finite() {
            // A lone NaN or infinity must not read as variance zero.
            sxx = f64::NAN;
        }
    }
    let divisor = if stat.sample() { n - 1.0 } else { n };
    if divisor <= 0.0 {
        return Ok(Value::Null);
    }
    let variance = sxx / divisor;
    Ok(Value::Float(if stat.root() {
        variance.sqrt()
    } else {
        variance
    }))
}

/// Over integers or numerics: `(n * sum(x^2) - sum(x)^2) / (n * (n - 1))` (or `n * n`),
/// divided with numeric division's scale, its square root taken at that scale.
pub fn numeric(rows: Vec<Vec<Value>>, stat: Statistic) -> Result<Value, PgError> {
    let values = numerics(rows)?;
    if values.len() <= usize::from(stat.sample()) {
        return Ok(Value::Null);
    }
    if values.iter().any(|v| !v.is_finite()) {
        return Ok(stored(&Numeric::NaN));
    }
    let n = Numeric::from_i64(values.len() as i64);
    let squares = values
        .iter()
        .map(|x| x.mul(x))
        .collect::<Result<Vec<_>, _>>()?;
    let (Some(sum), Some(sum_of_squares)) = (total(&values)?, total(&squares)?) else {
        return Ok(Value::Null);
    };
    let numerator = n.mul(&sum_of_squares)?.sub(&sum.mul(&sum)?)?;
    // Never below zero, whatever the inputs' scales.
    if numerator <= Numeric::zero() {
        return Ok(stored(&Numeric::zero()));
    }
    let others = if stat.sample() {
        n.sub(&Numeric::from_i64(1))?
    } else {
        n.clone()
    };
    let variance = numerator.div(&n.mul(&others)?)?;
    if stat.root() {
        return variance.sqrt_at(variance.scale()).map(|r| stored(&r));
    }
    Ok(stored(&variance))
}
