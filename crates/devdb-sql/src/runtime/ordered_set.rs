//! The ordered-set aggregates percentile_cont, percentile_disc and mode. The executor hands
//! each its rows in the WITHIN GROUP order; the fraction (a direct argument, the same for the
//! whole group) rides along in every row.

use devdb_pg::value::array::{load, store};
use devdb_pg::value::format_float8;
use devdb_pg::{Oid, PgError, PgType, SqlState, Value};

use super::{arg, as_float, as_int};

/// The non-NULL sorted values, and the direct argument of the first row.
fn sorted(rows: &[Vec<Value>]) -> (Vec<&Value>, &Value) {
    let direct = rows.first().map_or(&Value::Null, |r| arg(r, 1));
    let values = rows
        .iter()
        .map(|r| arg(r, 0))
        .filter(|v| !matches!(v, Value::Null))
        .collect();
    (values, direct)
}

fn checked(fraction: f64) -> Result<f64, PgError> {
    if !(0.0..=1.0).contains(&fraction) {
        return Err(PgError::new(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            format!(
                "percentile value {} is not between 0 and 1",
                format_float8(fraction)
            ),
        ));
    }
    Ok(fraction)
}

/// The fractions of a direct argument: one float8, or (`many`) a float8[] (NULL items stay).
fn fractions(direct: &Value, many: bool) -> Result<Option<Vec<Option<f64>>>, PgError> {
    if !many {
        return Ok(as_float(direct)?.map(|f| vec![Some(f)]));
    }
    let Value::Blob(stored) = direct else {
        return Ok(None);
    };
    load(PgType::Float8, stored)?
        .iter()
        .map(as_float)
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// `lo + (hi - lo) * t` between the two values around `fraction`, as percentile_cont.
fn interpolated(values: &[f64], fraction: f64) -> f64 {
    let at = fraction * (values.len() - 1) as f64;
    let (first, second) = (at.floor(), at.ceil());
    let lo = values[first as usize];
    if first == second {
        return lo;
    }
    let hi = values[second as usize];
    lo + (hi - lo) * (at - first)
}

/// The first value at or past `fraction` of the rows, as percentile_disc.
fn discrete<'v>(values: &[&'v Value], fraction: f64) -> &'v Value {
    let row = (fraction * values.len() as f64).ceil() as usize;
    values[row.clamp(1, values.len()) - 1]
}

/// The value `pick` finds at each fraction of the direct argument, one value or (`many`) an
/// array of `element`; NULL without rows or fractions, a NULL fraction's item NULL.
fn at_fractions(
    direct: &Value,
    many: bool,
    element: Option<PgType>,
    no_rows: bool,
    pick: impl Fn(f64) -> Value,
) -> Result<Value, PgError> {
    let Some(fractions) = fractions(direct, many)? else {
        return Ok(Value::Null);
    };
    if no_rows {
        return Ok(Value::Null);
    }
    let results = fractions
        .into_iter()
        .map(|f| match f {
            Some(f) => checked(f).map(&pick),
            None => Ok(Value::Null),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(match (many, element) {
        (true, Some(element)) => Value::Blob(store(element, &results)),
        _ => results.into_iter().next().unwrap_or(Value::Null),
    })
}

/// percentile_cont(fraction or fractions) WITHIN GROUP (ORDER BY float8).
pub fn percentile_cont(rows: Vec<Vec<Value>>, many: bool) -> Result<Value, PgError> {
    let (values, direct) = sorted(&rows);
    let values = values
        .into_iter()
        .map(|v| as_float(v).map(|f| f.unwrap_or(f64::NAN)))
        .collect::<Result<Vec<_>, _>>()?;
    at_fractions(direct, many, Some(PgType::Float8), values.is_empty(), |f| {
        Value::Float(interpolated(&values, f))
    })
}

/// percentile_disc(fraction or fractions) WITHIN GROUP (ORDER BY any); the third argument of
/// the array form is the element type's OID.
pub fn percentile_disc(rows: Vec<Vec<Value>>, many: bool) -> Result<Value, PgError> {
    let element = rows
        .first()
        .and_then(|r| as_int(arg(r, 2)).ok().flatten())
        .and_then(|o| u32::try_from(o).ok())
        .and_then(|o| PgType::from_oid(Oid(o)));
    let (values, direct) = sorted(&rows);
    at_fractions(direct, many, element, values.is_empty(), |f| {
        discrete(&values, f).clone()
    })
}

/// mode() WITHIN GROUP (ORDER BY any): the most frequent value, the first in the order among
/// equally frequent ones.
pub fn mode(rows: Vec<Vec<Value>>) -> Result<Value, PgError> {
    let (values, _) = sorted(&rows);
    let mut best: Option<(&Value, usize)> = None;
    let mut run: Option<(&Value, usize)> = None;
    for v in values {
        run = match run {
            Some((current, n)) if current == v => Some((current, n + 1)),
            _ => Some((v, 1)),
        };
        if let Some((value, n)) = run
            && best.is_none_or(|(_, most)| n > most)
        {
            best = Some((value, n));
        }
    }
    Ok(best.map_or(Value::Null, |(v, _)| v.clone()))
}
