//! The two-variable statistics (corr, covar_pop, covar_samp and the regr_ family) over
//! float8 pairs (y, x), accumulated as float8_regr_accum does (Youngs-Cramer), so results
//! match PostgreSQL's to the last digit.

use devdb_pg::{PgError, SqlState, Value};

use super::{arg, as_float};

/// What to compute from the sums.
#[derive(Clone, Copy)]
pub enum Regression {
    Count,
    Sxx,
    Syy,
    Sxy,
    AvgX,
    AvgY,
    CovarPop,
    CovarSamp,
    Corr,
    R2,
    Slope,
    Intercept,
}

/// N, Sx, Sxx, Sy, Syy, Sxy over the rows where neither value is NULL.
struct Sums {
    n: f64,
    sx: f64,
    sxx: f64,
    sy: f64,
    syy: f64,
    sxy: f64,
}

fn overflow() -> PgError {
    PgError::new(
        SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
        "value out of range: overflow",
    )
}

fn accumulate(rows: &[Vec<Value>]) -> Result<Sums, PgError> {
    let mut s = Sums {
        n: 0.0,
        sx: 0.0,
        sxx: 0.0,
        sy: 0.0,
        syy: 0.0,
        sxy: 0.0,
    };
    for row in rows {
        let (Some(y), Some(x)) = (as_float(arg(row, 0))?, as_float(arg(row, 1))?) else {
            continue;
        };
        let (sx_before, sy_before) = (s.sx, s.sy);
        s.n += 1.0;
        s.sx += x;
        s.sy += y;
        if s.n > 1.0 {
            let tmp_x = x * s.n - s.sx;
            let tmp_y = y * s.n - s.sy;
            let scale = 1.0 / (s.n * (s.n - 1.0));
            s.sxx += tmp_x * tmp_x * scale;
            s.syy += tmp_y * tmp_y * scale;
            s.sxy += tmp_x * tmp_y * scale;
            // Only finite inputs that overflow are an error; infinite ones make NaN.
            let finite_inputs = x.is_finite() && y.is_finite();
            if s.sx.is_infinite() || s.sxx.is_infinite() || s.sy.is_infinite() {
                if finite_inputs && !sx_before.is_infinite() && !sy_before.is_infinite() {
                    return Err(overflow());
                }
                if s.sxx.is_infinite() {
                    s.sxx = f64::NAN;
                }
                if s.syy.is_infinite() {
                    s.syy = f64::NAN;
                }
                if s.sxy.is_infinite() {
                    s.sxy = f64::NAN;
                }
            }
        } else if !x.is_finite() || !y.is_finite() {
            s.sxx = f64::NAN;
            s.syy = f64::NAN;
            s.sxy = f64::NAN;
        }
    }
    Ok(s)
}

pub fn finish(rows: Vec<Vec<Value>>, what: Regression) -> Result<Value, PgError> {
    use Regression as R;
    let s = accumulate(&rows)?;
    let least = match what {
        R::Count => 0.0,
        R::CovarSamp => 2.0,
        _ => 1.0,
    };
    if s.n < least {
        return Ok(Value::Null);
    }
    let value = match what {
        R::Count => return Ok(Value::Int(s.n as i64)),
        R::Sxx => s.sxx,
        R::Syy => s.syy,
        R::Sxy => s.sxy,
        R::AvgX => s.sx / s.n,
        R::AvgY => s.sy / s.n,
        R::CovarPop => s.sxy / s.n,
        R::CovarSamp => s.sxy / (s.n - 1.0),
        R::Corr if s.sxx == 0.0 || s.syy == 0.0 => return Ok(Value::Null),
        R::Corr => s.sxy / (s.sxx * s.syy).sqrt(),
        R::R2 if s.sxx == 0.0 => return Ok(Value::Null),
        R::R2 if s.syy == 0.0 => 1.0,
        R::R2 => (s.sxy * s.sxy) / (s.sxx * s.syy),
        R::Slope | R::Intercept if s.sxx == 0.0 => return Ok(Value::Null),
        R::Slope => s.sxy / s.sxx,
        R::Intercept => (s.sy - s.sx * s.sxy / s.sxx) / s.n,
    };
    Ok(Value::Float(value))
}
