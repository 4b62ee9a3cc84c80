//! Date, time and interval operators and functions over stored values: timestamps as
//! microseconds since 2000-01-01 (timestamptz in UTC, read in the session's TimeZone), dates as
//! days, times as microseconds since midnight, intervals as their text output.

use devdb_pg::value::Numeric;
use devdb_pg::value::datetime::{self, PG_EPOCH_DAYS, Tm, USECS_PER_DAY, check_timestamp};
use devdb_pg::value::interval::{self, Interval};
use devdb_pg::value::zone;
use devdb_pg::value::zone::TimeZone;
use devdb_pg::{Oid, PgError, PgType, SqlState, Value};

use super::{arg, as_float, as_int, as_text};

/// The interval in a stored value; None for NULL.
pub fn interval_of(v: &Value) -> Result<Option<Interval>, PgError> {
    match as_text(v)? {
        None => Ok(None),
        Some(s) => Interval::parse(s).map(Some),
    }
}

pub fn stored(iv: Interval) -> Value {
    Value::Text(iv.to_string())
}

/// The type named by a type-OID argument.
fn type_arg(v: &Value) -> Result<PgType, PgError> {
    as_int(v)?
        .and_then(|o| u32::try_from(o).ok())
        .and_then(|o| PgType::from_oid(Oid(o)))
        .ok_or_else(|| PgError::internal(format!("bad type oid {v:?}")))
}

/// `pg_ts_add(ts, interval, with_zone, sign)`: timestamp(tz) + or - interval.
pub fn ts_add(a: &[Value]) -> Result<Value, PgError> {
    let (Some(ts), Some(iv)) = (as_int(arg(a, 0))?, interval_of(arg(a, 1))?) else {
        return Ok(Value::Null);
    };
    let iv = if as_int(arg(a, 3))? == Some(-1) {
        iv.checked_neg()?
    } else {
        iv
    };
    let zone = (as_int(arg(a, 2))? == Some(1)).then(zone::session_zone);
    datetime::add_interval(ts, iv, zone.as_ref()).map(Value::Int)
}

/// `pg_ts_diff(a, b)`: timestamp - timestamp (or timestamptz - timestamptz).
pub fn ts_diff(a: &[Value]) -> Result<Value, PgError> {
    let (Some(x), Some(y)) = (as_int(arg(a, 0))?, as_int(arg(a, 1))?) else {
        return Ok(Value::Null);
    };
    datetime::difference(x, y).map(stored)
}

/// The k-th value of generate_series(start, ..., step): the step added k times, one by one as
/// PostgreSQL adds them (months clamp the day each time), in one go when it has no months.
fn series_nth(start: i64, step: Interval, k: i64, zone: Option<&TimeZone>) -> Result<i64, PgError> {
    if step.months == 0 {
        let days = i64::from(step.days) * k;
        let total = Interval {
            months: 0,
            days: i32::try_from(days).map_err(|_| datetime::timestamp_out_of_range())?,
            micros: step
                .micros
                .checked_mul(k)
                .ok_or_else(datetime::timestamp_out_of_range)?,
        };
        return datetime::add_interval(start, total, zone);
    }
    (0..k).try_fold(start, |ts, _| datetime::add_interval(ts, step, zone))
}

/// `pg_ts_series_stop(start, stop, step, with_zone)`: the last k of a timestamp series, or -1
/// when it is empty.
pub fn ts_series_stop(a: &[Value]) -> Result<Value, PgError> {
    let (Some(start), Some(stop), Some(step)) = (
        as_int(arg(a, 0))?,
        as_int(arg(a, 1))?,
        interval_of(arg(a, 2))?,
    ) else {
        return Ok(Value::Int(-1));
    };
    let zone = (as_int(arg(a, 3))? == Some(1)).then(zone::session_zone);
    let forward = match step.span().signum() {
        0 => {
            return Err(PgError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                "step size cannot equal zero",
            ));
        }
        s => s > 0,
    };
    let mut k = -1;
    let mut ts = start;
    while if forward { ts <= stop } else { ts >= stop } {
        k += 1;
        if !datetime::is_finite(ts) {
            break;
        }
        match datetime::add_interval(ts, step, zone.as_ref()) {
            Ok(next) => ts = next,
            Err(_) => break,
        }
    }
    Ok(Value::Int(k))
}

/// `pg_ts_series_nth(start, step, k, with_zone)`.
pub fn ts_series_nth(a: &[Value]) -> Result<Value, PgError> {
    let (Some(start), Some(step), Some(k)) = (
        as_int(arg(a, 0))?,
        interval_of(arg(a, 1))?,
        as_int(arg(a, 2))?,
    ) else {
        return Ok(Value::Null);
    };
    let zone = (as_int(arg(a, 3))? == Some(1)).then(zone::session_zone);
    series_nth(start, step, k.max(0), zone.as_ref()).map(Value::Int)
}

/// `pg_overlaps(s1, e1, s2, e2)`: SQL's OVERLAPS with PostgreSQL's NULL rules; each pair
/// may be given end first.
pub fn overlaps(a: &[Value]) -> Result<Value, PgError> {
    let ordered = |s: Option<i64>, e: Option<i64>| match (s, e) {
        (None, None) => None,
        (None, e) => Some((e, None)),
        (Some(s), Some(e)) if s > e => Some((Some(e), Some(s))),
        (s, e) => Some((s, e)),
    };
    let (Some((Some(s1), e1)), Some((Some(s2), e2))) = (
        ordered(as_int(arg(a, 0))?, as_int(arg(a, 1))?),
        ordered(as_int(arg(a, 2))?, as_int(arg(a, 3))?),
    ) else {
        return Ok(Value::Null);
    };
    let answer = |b: bool| Value::Int(b.into());
    Ok(match s1.cmp(&s2) {
        std::cmp::Ordering::Greater => match (e2, e1) {
            (None, _) => Value::Null,
            (Some(e2), _) if s1 < e2 => answer(true),
            (_, None) => Value::Null,
            _ => answer(false),
        },
        std::cmp::Ordering::Less => match (e1, e2) {
            (None, _) => Value::Null,
            (Some(e1), _) if s2 < e1 => answer(true),
            (_, None) => Value::Null,
            _ => answer(false),
        },
        std::cmp::Ordering::Equal if e1.is_none() || e2.is_none() => Value::Null,
        std::cmp::Ordering::Equal => answer(true),
    })
}

/// `pg_date_time(date, time)`: date + time, a timestamp.
pub fn date_time(a: &[Value]) -> Result<Value, PgError> {
    let (Some(d), Some(t)) = (as_int(arg(a, 0))?, as_int(arg(a, 1))?) else {
        return Ok(Value::Null);
    };
    if !datetime::is_finite(d) || matches!(d, 2_147_483_647 | -2_147_483_648) {
        return Ok(Value::Int(if d > 0 { i64::MAX } else { i64::MIN }));
    }
    d.checked_mul(USECS_PER_DAY)
        .and_then(|d| d.checked_add(t))
        .ok_or_else(datetime::timestamp_out_of_range)
        .and_then(check_timestamp)
        .map(Value::Int)
}

/// `pg_time_add(time, interval, sign)`: the time part of the interval, wrapped to one day.
pub fn time_add(a: &[Value]) -> Result<Value, PgError> {
    let (Some(t), Some(iv)) = (as_int(arg(a, 0))?, interval_of(arg(a, 1))?) else {
        return Ok(Value::Null);
    };
    let delta = if as_int(arg(a, 2))? == Some(-1) {
        -iv.micros
    } else {
        iv.micros
    };
    Ok(Value::Int(
        (i128::from(t) + i128::from(delta)).rem_euclid(i128::from(USECS_PER_DAY)) as i64,
    ))
}

/// `pg_time_diff(a, b)`: time - time, an interval of its microseconds.
pub fn time_diff(a: &[Value]) -> Result<Value, PgError> {
    let (Some(x), Some(y)) = (as_int(arg(a, 0))?, as_int(arg(a, 1))?) else {
        return Ok(Value::Null);
    };
    let micros = x.checked_sub(y).ok_or_else(interval::out_of_range)?;
    Ok(stored(Interval {
        micros,
        ..Interval::ZERO
    }))
}

fn interval_pair(
    a: &[Value],
    op: fn(Interval, Interval) -> Result<Interval, PgError>,
) -> Result<Value, PgError> {
    let (Some(x), Some(y)) = (interval_of(arg(a, 0))?, interval_of(arg(a, 1))?) else {
        return Ok(Value::Null);
    };
    op(x, y).map(stored)
}

pub fn interval_add(a: &[Value]) -> Result<Value, PgError> {
    interval_pair(a, Interval::checked_add)
}

pub fn interval_sub(a: &[Value]) -> Result<Value, PgError> {
    interval_pair(a, Interval::checked_sub)
}

fn interval_scaled(
    a: &[Value],
    op: fn(Interval, f64) -> Result<Interval, PgError>,
) -> Result<Value, PgError> {
    let (Some(x), Some(f)) = (interval_of(arg(a, 0))?, as_float(arg(a, 1))?) else {
        return Ok(Value::Null);
    };
    op(x, f).map(stored)
}

pub fn interval_mul(a: &[Value]) -> Result<Value, PgError> {
    interval_scaled(a, Interval::times)
}

pub fn interval_div(a: &[Value]) -> Result<Value, PgError> {
    interval_scaled(a, Interval::divided_by)
}

pub fn interval_neg(a: &[Value]) -> Result<Value, PgError> {
    match interval_of(arg(a, 0))? {
        None => Ok(Value::Null),
        Some(iv) => iv.checked_neg().map(stored),
    }
}

/// `pg_justify(interval, which)`: justify_hours, justify_days or justify_interval.
pub fn justify(a: &[Value]) -> Result<Value, PgError> {
    let (Some(iv), Some(which)) = (interval_of(arg(a, 0))?, as_text(arg(a, 1))?) else {
        return Ok(Value::Null);
    };
    match which {
        "hours" => iv.justify_hours(),
        "days" => iv.justify_days(),
        _ => iv.justify_interval(),
    }
    .map(stored)
}

/// `pg_age(a, b, with_zone)`: age() on the wall-clock fields (the session zone's for
/// timestamptz).
pub fn age(a: &[Value]) -> Result<Value, PgError> {
    let (Some(x), Some(y)) = (as_int(arg(a, 0))?, as_int(arg(a, 1))?) else {
        return Ok(Value::Null);
    };
    let (x, y) = if as_int(arg(a, 2))? == Some(1) {
        let z = zone::session_zone();
        (zone::to_local(&z, x), zone::to_local(&z, y))
    } else {
        (x, y)
    };
    datetime::age(x, y).map(stored)
}

/// The non-NULL intervals an aggregate collected.
fn intervals(rows: Vec<Vec<Value>>) -> Result<Vec<Interval>, PgError> {
    rows.iter()
        .filter_map(|row| interval_of(arg(row, 0)).transpose())
        .collect()
}

/// sum(interval): part by part, NULL for no rows.
pub fn interval_sum(rows: Vec<Vec<Value>>) -> Result<Value, PgError> {
    let values = intervals(rows)?;
    if values.is_empty() {
        return Ok(Value::Null);
    }
    values
        .into_iter()
        .try_fold(Interval::ZERO, Interval::checked_add)
        .map(stored)
}

/// avg(interval): the sum divided by the count, as interval / float8 divides.
pub fn interval_avg(rows: Vec<Vec<Value>>) -> Result<Value, PgError> {
    let values = intervals(rows)?;
    let n = values.len() as f64;
    if values.is_empty() {
        return Ok(Value::Null);
    }
    values
        .into_iter()
        .try_fold(Interval::ZERO, Interval::checked_add)?
        .divided_by(n)
        .map(stored)
}

/// The units extract, date_part and date_trunc name, by PostgreSQL's spellings.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Unit {
    Microseconds,
    Milliseconds,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
    Decade,
    Century,
    Millennium,
    Epoch,
    Dow,
    Isodow,
    Doy,
    Isoyear,
    Julian,
    Timezone,
    TimezoneHour,
    TimezoneMinute,
}

fn unit(name: &str) -> Option<Unit> {
    use interval::Unit as I;
    let name = name.to_ascii_lowercase();
    Some(match interval::unit(&name) {
        Some(I::Microsecond) => Unit::Microseconds,
        Some(I::Millisecond) => Unit::Milliseconds,
        Some(I::Second) => Unit::Second,
        Some(I::Minute) => Unit::Minute,
        Some(I::Hour) => Unit::Hour,
        Some(I::Day) => Unit::Day,
        Some(I::Week) => Unit::Week,
        Some(I::Month) => Unit::Month,
        Some(I::Year) => Unit::Year,
        Some(I::Decade) => Unit::Decade,
        Some(I::Century) => Unit::Century,
        Some(I::Millennium) => Unit::Millennium,
        None => match name.as_str() {
            "quarter" | "qtr" => Unit::Quarter,
            "epoch" => Unit::Epoch,
            "dow" => Unit::Dow,
            "isodow" => Unit::Isodow,
            "doy" => Unit::Doy,
            "isoyear" => Unit::Isoyear,
            "julian" | "j" => Unit::Julian,
            "timezone" => Unit::Timezone,
            "timezone_h" | "timezone_hour" => Unit::TimezoneHour,
            "timezone_m" | "timezone_minute" => Unit::TimezoneMinute,
            _ => return None,
        },
    })
}

fn unrecognized(name: &str, ty: PgType) -> PgError {
    PgError::new(
        SqlState::INVALID_PARAMETER_VALUE,
        format!("unit \"{name}\" not recognized for type {ty}"),
    )
}

fn unsupported(name: &str, ty: PgType) -> PgError {
    PgError::new(
        SqlState::FEATURE_NOT_SUPPORTED,
        format!("unit \"{name}\" not supported for type {ty}"),
    )
}

/// A number `value * 10^-scale`, as extract computes it.
type Scaled = (i128, u32);

fn scaled_text((value, scale): Scaled) -> String {
    if scale == 0 {
        return value.to_string();
    }
    let digits = format!(
        "{:0>width$}",
        value.unsigned_abs(),
        width = scale as usize + 1
    );
    let (int, frac) = digits.split_at(digits.len() - scale as usize);
    let sign = if value < 0 { "-" } else { "" };
    format!("{sign}{int}.{frac}")
}

fn scaled_float((value, scale): Scaled) -> f64 {
    value as f64 / 10f64.powi(scale as i32)
}

/// (ISO year, ISO week) of a date given as days since 2000-01-01.
fn iso_week(days: i64) -> (i64, i64) {
    let isodow = (days + PG_EPOCH_DAYS + 3).rem_euclid(7) + 1;
    // The Thursday of this week decides the ISO year.
    let thursday = days + 4 - isodow;
    let (y, _, _) = datetime::civil_from_days(thursday + PG_EPOCH_DAYS);
    let jan1 = datetime::days_from_civil(y, 1, 1) - PG_EPOCH_DAYS;
    (y, (thursday - jan1) / 7 + 1)
}

/// Fields shared by dates and timestamps.
fn date_field(u: Unit, tm: &Tm) -> Option<i128> {
    use Unit::*;
    let days = tm.days();
    let y = tm.year;
    Some(i128::from(match u {
        Day => tm.day,
        Month => tm.month,
        Quarter => (tm.month - 1) / 3 + 1,
        Year => {
            if y > 0 {
                y
            } else {
                y - 1
            }
        }
        Decade => {
            if y >= 0 {
                y / 10
            } else {
                -((8 - (y - 1)) / 10)
            }
        }
        Century => {
            if y > 0 {
                (y + 99) / 100
            } else {
                -((99 - (y - 1)) / 100)
            }
        }
        Millennium => {
            if y > 0 {
                (y + 999) / 1000
            } else {
                -((999 - (y - 1)) / 1000)
            }
        }
        Week => iso_week(days).1,
        Isoyear => {
            let iy = iso_week(days).0;
            if iy > 0 { iy } else { iy - 1 }
        }
        Dow => (days + PG_EPOCH_DAYS + 4).rem_euclid(7),
        Isodow => (days + PG_EPOCH_DAYS + 3).rem_euclid(7) + 1,
        Doy => days - (datetime::days_from_civil(y, 1, 1) - PG_EPOCH_DAYS) + 1,
        _ => return None,
    }))
}

/// Fields of the time of day (also an interval's time part).
fn time_field(u: Unit, micros: i64) -> Option<Scaled> {
    use Unit::*;
    let m = i128::from(micros);
    let in_minute = m % 60_000_000;
    Some(match u {
        Microseconds => (in_minute, 0),
        Milliseconds => (in_minute, 3),
        Second => (in_minute, 6),
        Minute => (m / 60_000_000 % 60, 0),
        Hour => (m / 3_600_000_000, 0),
        _ => return None,
    })
}

/// extract(field from value) as a scaled number.
fn extract_scaled(name: &str, v: &Value, ty: PgType) -> Result<Option<Scaled>, PgError> {
    let u = unit(name).ok_or_else(|| unrecognized(name, ty))?;
    let bad = || unsupported(name, ty);
    if ty == PgType::Interval {
        let Some(iv) = interval_of(v)? else {
            return Ok(None);
        };
        let (years, months) = (i128::from(iv.months / 12), i128::from(iv.months % 12));
        return Ok(Some(match u {
            Unit::Day => (i128::from(iv.days), 0),
            Unit::Month => (months, 0),
            Unit::Quarter => (months / 3 + 1, 0),
            Unit::Year => (years, 0),
            Unit::Decade => (years / 10, 0),
            Unit::Century => (years / 100, 0),
            Unit::Millennium => (years / 1000, 0),
            Unit::Epoch => {
                let secs = 31_557_600 * years + 2_592_000 * months + 86_400 * i128::from(iv.days);
                (secs * 1_000_000 + i128::from(iv.micros), 6)
            }
            other => {
                let (v, s) = time_field(other, iv.micros.abs()).ok_or_else(bad)?;
                (if iv.micros < 0 { -v } else { v }, s)
            }
        }));
    }
    let Some(x) = as_int(v)? else {
        return Ok(None);
    };
    match ty {
        PgType::Time => Ok(Some(match u {
            Unit::Epoch => (i128::from(x), 6),
            other => time_field(other, x).ok_or_else(bad)?,
        })),
        PgType::Date => {
            if matches!(x, 2_147_483_647 | -2_147_483_648) {
                return Err(bad());
            }
            let tm = Tm::of(x.saturating_mul(USECS_PER_DAY));
            Ok(Some(match u {
                Unit::Epoch => (i128::from(x + PG_EPOCH_DAYS) * 86_400, 0),
                Unit::Julian => (i128::from(x + PG_EPOCH_DAYS + 2_440_588), 0),
                other => (date_field(other, &tm).ok_or_else(bad)?, 0),
            }))
        }
        _ => {
            if !datetime::is_finite(x) {
                return Err(bad());
            }
            let with_zone = ty == PgType::Timestamptz;
            let offset = if with_zone {
                zone::offset_at(&zone::session_zone(), x)
            } else {
                0
            };
            let local = x.saturating_add(offset * 1_000_000);
            let tm = Tm::of(local);
            let time = local.rem_euclid(USECS_PER_DAY);
            Ok(Some(match u {
                Unit::Epoch => (
                    i128::from(x) + i128::from(PG_EPOCH_DAYS) * i128::from(USECS_PER_DAY),
                    6,
                ),
                Unit::Timezone if with_zone => (i128::from(offset), 0),
                Unit::TimezoneHour if with_zone => (i128::from(offset / 3600), 0),
                Unit::TimezoneMinute if with_zone => (i128::from(offset / 60 % 60), 0),
                Unit::Julian | Unit::Timezone | Unit::TimezoneHour | Unit::TimezoneMinute => {
                    return Err(bad());
                }
                other => match time_field(other, time) {
                    Some(s) => s,
                    None => (date_field(other, &tm).ok_or_else(bad)?, 0),
                },
            }))
        }
    }
}

/// The Julian day of a timestamp with its time as a fraction, computed as PostgreSQL does:
/// the day number plus the numeric quotient of the time by a day.
fn julian(x: i64, ty: PgType) -> Result<Numeric, PgError> {
    let local = if ty == PgType::Timestamptz {
        zone::to_local(&zone::session_zone(), x)
    } else {
        x
    };
    let day = local.div_euclid(USECS_PER_DAY) + PG_EPOCH_DAYS + 2_440_588;
    let time = Numeric::from_i64(local.rem_euclid(USECS_PER_DAY));
    let fraction = time.div(&Numeric::from_i64(USECS_PER_DAY))?;
    Numeric::from_i64(day).add(&fraction)
}

/// `pg_extract(field, value, type_oid, as_float)`: EXTRACT (numeric) or date_part (float8).
pub fn extract(a: &[Value]) -> Result<Value, PgError> {
    let Some(name) = as_text(arg(a, 0))? else {
        return Ok(Value::Null);
    };
    let ty = type_arg(arg(a, 2))?;
    if matches!(ty, PgType::Timestamp | PgType::Timestamptz) && unit(name) == Some(Unit::Julian) {
        let Some(x) = as_int(arg(a, 1))? else {
            return Ok(Value::Null);
        };
        if !datetime::is_finite(x) {
            return Err(unsupported(name, ty));
        }
        let j = julian(x, ty)?;
        return Ok(if as_int(arg(a, 3))? == Some(1) {
            Value::Float(j.to_f64())
        } else {
            Value::Text(j.to_string())
        });
    }
    let Some(s) = extract_scaled(name, arg(a, 1), ty)? else {
        return Ok(Value::Null);
    };
    Ok(if as_int(arg(a, 3))? == Some(1) {
        Value::Float(scaled_float(s))
    } else {
        Value::Text(scaled_text(s))
    })
}

/// Truncates the fields of `tm` below `u`.
fn truncate_tm(u: Unit, tm: &mut Tm) -> Option<()> {
    use Unit::*;
    let y = tm.year;
    match u {
        Millennium => {
            tm.year = if y > 0 {
                (y + 999) / 1000 * 1000 - 999
            } else {
                -((999 - (y - 1)) / 1000 * 1000 - 1)
            };
        }
        Century => {
            tm.year = if y > 0 {
                (y + 99) / 100 * 100 - 99
            } else {
                -((99 - (y - 1)) / 100 * 100 - 1)
            };
        }
        Decade => {
            tm.year = if y > 0 {
                y / 10 * 10
            } else {
                -((8 - (y - 1)) / 10 * 10) + 1
            };
        }
        _ => {}
    }
    let rank = match u {
        Millennium | Century | Decade | Year => 0,
        Quarter => 1,
        Month => 2,
        Week => 3,
        Day => 4,
        Hour => 5,
        Minute => 6,
        Second => 7,
        Milliseconds => 8,
        Microseconds => 9,
        _ => return None,
    };
    if rank <= 2 {
        tm.day = 1;
    }
    if rank == 0 {
        tm.month = 1;
    }
    if rank == 1 {
        tm.month = (tm.month - 1) / 3 * 3 + 1;
    }
    if rank == 3 {
        let days = tm.days();
        let isodow = (days + PG_EPOCH_DAYS + 3).rem_euclid(7) + 1;
        let monday = Tm::of((days - (isodow - 1)) * USECS_PER_DAY);
        (tm.year, tm.month, tm.day) = (monday.year, monday.month, monday.day);
    }
    if rank <= 4 {
        tm.hour = 0;
    }
    if rank <= 5 {
        tm.minute = 0;
    }
    if rank <= 6 {
        tm.second = 0;
    }
    if rank <= 7 {
        tm.micros = 0;
    }
    if rank == 8 {
        tm.micros = tm.micros / 1000 * 1000;
    }
    Some(())
}

/// `pg_date_trunc(field, value, type_oid, zone)`: the value truncated to the field; a
/// timestamptz in the named zone, or the session's when `zone` is NULL.
pub fn date_trunc(a: &[Value]) -> Result<Value, PgError> {
    let (Some(name), v) = (as_text(arg(a, 0))?, arg(a, 1)) else {
        return Ok(Value::Null);
    };
    let ty = type_arg(arg(a, 2))?;
    let u = unit(name).ok_or_else(|| unrecognized(name, ty))?;
    let bad = || unsupported(name, ty);
    if ty == PgType::Interval {
        let Some(iv) = interval_of(v)? else {
            return Ok(Value::Null);
        };
        let keep = |unit: i64| iv.micros / unit * unit;
        let (y, m) = (iv.months / 12, iv.months % 12);
        let months = |months| Interval {
            months,
            ..Interval::ZERO
        };
        let r = match u {
            Unit::Millennium => months(y / 1000 * 12000),
            Unit::Century => months(y / 100 * 1200),
            Unit::Decade => months(y / 10 * 120),
            Unit::Year => months(y * 12),
            Unit::Quarter => months(y * 12 + m / 3 * 3),
            Unit::Month => months(iv.months),
            Unit::Day => Interval { micros: 0, ..iv },
            Unit::Hour => Interval {
                micros: keep(interval::USECS_PER_HOUR),
                ..iv
            },
            Unit::Minute => Interval {
                micros: keep(interval::USECS_PER_MINUTE),
                ..iv
            },
            Unit::Second => Interval {
                micros: keep(interval::USECS_PER_SEC),
                ..iv
            },
            Unit::Milliseconds => Interval {
                micros: keep(1000),
                ..iv
            },
            Unit::Microseconds => iv,
            _ => return Err(bad()),
        };
        return Ok(stored(r));
    }
    let Some(x) = as_int(v)? else {
        return Ok(Value::Null);
    };
    if !datetime::is_finite(x) {
        return Ok(Value::Int(x));
    }
    let zone = if ty == PgType::Timestamptz {
        Some(match as_text(arg(a, 3))? {
            Some(name) => zone::lookup(name)?,
            None => zone::session_zone(),
        })
    } else {
        None
    };
    let local = zone.as_ref().map_or(x, |z| zone::to_local(z, x));
    let mut tm = Tm::of(local);
    truncate_tm(u, &mut tm).ok_or_else(bad)?;
    let t = tm.timestamp()?;
    Ok(Value::Int(match &zone {
        Some(z) => zone::to_utc(z, t),
        None => t,
    }))
}

/// `pg_date_bin(stride, source, origin)`: the start of the stride-wide bin holding source.
pub fn date_bin(a: &[Value]) -> Result<Value, PgError> {
    let (Some(iv), Some(ts), Some(origin)) = (
        interval_of(arg(a, 0))?,
        as_int(arg(a, 1))?,
        as_int(arg(a, 2))?,
    ) else {
        return Ok(Value::Null);
    };
    if iv.months != 0 {
        return Err(PgError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            "timestamps cannot be binned into intervals containing months or years",
        ));
    }
    let stride = i128::from(iv.days) * i128::from(USECS_PER_DAY) + i128::from(iv.micros);
    if stride <= 0 {
        return Err(PgError::new(
            SqlState::DATETIME_VALUE_OUT_OF_RANGE,
            "stride must be greater than zero",
        ));
    }
    let diff = i128::from(ts) - i128::from(origin);
    let bin = diff - diff.rem_euclid(stride);
    i64::try_from(i128::from(origin) + bin)
        .map_err(|_| datetime::timestamp_out_of_range())
        .and_then(check_timestamp)
        .map(Value::Int)
}

fn field_overflow(what: &str) -> PgError {
    PgError::new(
        SqlState::DATETIME_FIELD_OVERFLOW,
        format!("date field value out of range: {what}"),
    )
}

/// A date from year, month and day (a negative year is BC).
fn make_days(y: i64, m: i64, d: i64) -> Result<i64, PgError> {
    let year = if y < 0 { y + 1 } else { y };
    if y == 0
        || !(-300_000..=300_000).contains(&y)
        || !(1..=12).contains(&m)
        || d < 1
        || d > datetime::days_in_month(year, m)
    {
        return Err(field_overflow(&format!("{y}-{m:02}-{d:02}")));
    }
    Ok(datetime::days_from_civil(year, m, d) - PG_EPOCH_DAYS)
}

/// Microseconds since midnight from hour, minute and (fractional) seconds.
fn make_micros(h: i64, m: i64, s: f64) -> Result<i64, PgError> {
    let us = (s * 1e6).round_ties_even();
    let ok = (0..24).contains(&h) && (0..60).contains(&m) && (0.0..=60.0e6).contains(&us);
    let end = h == 24 && m == 0 && us == 0.0;
    if !(ok || end) {
        return Err(PgError::new(
            SqlState::DATETIME_FIELD_OVERFLOW,
            format!("time field value out of range: {h}:{m:02}:{s:02}"),
        ));
    }
    Ok((h * 60 + m) * 60_000_000 + us as i64)
}

fn ints<const N: usize>(a: &[Value]) -> Result<Option<[i64; N]>, PgError> {
    let mut out = [0; N];
    for (i, slot) in out.iter_mut().enumerate() {
        match as_int(arg(a, i))? {
            Some(v) => *slot = v,
            None => return Ok(None),
        }
    }
    Ok(Some(out))
}

pub fn make_date(a: &[Value]) -> Result<Value, PgError> {
    let Some([y, m, d]) = ints::<3>(a)? else {
        return Ok(Value::Null);
    };
    make_days(y, m, d).map(Value::Int)
}

pub fn make_time(a: &[Value]) -> Result<Value, PgError> {
    let (Some([h, m]), Some(s)) = (ints::<2>(a)?, as_float(arg(a, 2))?) else {
        return Ok(Value::Null);
    };
    make_micros(h, m, s).map(Value::Int)
}

/// `pg_make_timestamp(y, m, d, h, mi, s, with_zone, zone)`.
pub fn make_timestamp(a: &[Value]) -> Result<Value, PgError> {
    let (Some([y, m, d, h, mi]), Some(s)) = (ints::<5>(a)?, as_float(arg(a, 5))?) else {
        return Ok(Value::Null);
    };
    let local = make_days(y, m, d)?
        .checked_mul(USECS_PER_DAY)
        .and_then(|days| days.checked_add(make_micros(h, mi, s).ok()?))
        .ok_or_else(datetime::timestamp_out_of_range)
        .and_then(check_timestamp)?;
    if as_int(arg(a, 6))? != Some(1) {
        return Ok(Value::Int(local));
    }
    let z = match as_text(arg(a, 7))? {
        Some(name) => zone::lookup(name)?,
        None => zone::session_zone(),
    };
    Ok(Value::Int(zone::to_utc(&z, local)))
}

/// `pg_make_interval(years, months, weeks, days, hours, mins, secs)`.
pub fn make_interval(a: &[Value]) -> Result<Value, PgError> {
    let (Some([y, mo, w, d, h, mi]), Some(s)) = (ints::<6>(a)?, as_float(arg(a, 6))?) else {
        return Ok(Value::Null);
    };
    let months = y
        .checked_mul(12)
        .and_then(|m| m.checked_add(mo))
        .and_then(|m| i32::try_from(m).ok());
    let days = w
        .checked_mul(7)
        .and_then(|x| x.checked_add(d))
        .and_then(|x| i32::try_from(x).ok());
    let micros = (h as f64 * 3600.0 + mi as f64 * 60.0 + s) * 1e6;
    match (months, days) {
        (Some(months), Some(days)) if micros.is_finite() && micros.abs() < 9.2e18 => {
            Ok(stored(Interval {
                months,
                days,
                micros: micros.round_ties_even() as i64,
            }))
        }
        _ => Err(interval::out_of_range()),
    }
}

/// `pg_to_timestamp_epoch(seconds)`: to_timestamp(double precision).
pub fn to_timestamp_epoch(a: &[Value]) -> Result<Value, PgError> {
    let Some(s) = as_float(arg(a, 0))? else {
        return Ok(Value::Null);
    };
    if s.is_nan() {
        return Err(PgError::new(
            SqlState::DATETIME_VALUE_OUT_OF_RANGE,
            "timestamp cannot be NaN",
        ));
    }
    if s.is_infinite() {
        return Ok(Value::Int(if s > 0.0 { i64::MAX } else { i64::MIN }));
    }
    let us = ((s - (PG_EPOCH_DAYS * 86_400) as f64) * 1e6).round_ties_even();
    if us.abs() >= 9.2e18 {
        return Err(PgError::new(
            SqlState::DATETIME_VALUE_OUT_OF_RANGE,
            format!("timestamp out of range: \"{s}\""),
        ));
    }
    check_timestamp(us as i64).map(Value::Int)
}

/// `pg_isfinite(value)`: false for the infinities of dates and timestamps.
pub fn isfinite(a: &[Value]) -> Result<Value, PgError> {
    Ok(match as_int(arg(a, 0))? {
        None => Value::Null,
        Some(x) => Value::Int(i64::from(
            datetime::is_finite(x) && !matches!(x, 2_147_483_647 | -2_147_483_648),
        )),
    })
}

/// The wall-clock fields and zone offset of a timestamp(tz) or date, for to_char.
pub(super) fn local_fields(x: i64, ty: PgType) -> (Tm, i64) {
    match ty {
        PgType::Date => (Tm::of(x.saturating_mul(USECS_PER_DAY)), 0),
        PgType::Timestamptz => {
            let offset = zone::offset_at(&zone::session_zone(), x);
            (Tm::of(x.saturating_add(offset * 1_000_000)), offset)
        }
        _ => (Tm::of(x), 0),
    }
}

#[cfg(test)]
mod tests;
