//! PostgreSQL's `interval`: months, days and microseconds kept apart (a month is not a fixed
//! number of days, nor a day a fixed number of hours across a DST change), with PostgreSQL's
//! input syntaxes, its default output style (`IntervalStyle = postgres`), binary form,
//! comparison and arithmetic.
//!
//! devdb stores an interval in SQLite as its text output (`1 day 02:30:00`), which is also valid
//! input; the `pg_interval` collation ([`cmp_text`]) makes SQLite compare, sort, group and index
//! such texts by their span, so `'1 day' = '24 hours'` as in PostgreSQL.

use std::cmp::Ordering;
use std::fmt;

use bytes::{BufMut, BytesMut};

use crate::{PgError, SqlState};

/// The SQLite collation that orders stored intervals by span: [`cmp_text`].
pub const COLLATION: &str = "pg_interval";

pub const USECS_PER_SEC: i64 = 1_000_000;
pub const USECS_PER_MINUTE: i64 = 60 * USECS_PER_SEC;
pub const USECS_PER_HOUR: i64 = 60 * USECS_PER_MINUTE;
pub const USECS_PER_DAY: i64 = 24 * USECS_PER_HOUR;
/// PostgreSQL's DAYS_PER_MONTH, used wherever a month must become days.
pub const DAYS_PER_MONTH: i64 = 30;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Interval {
    pub months: i32,
    pub days: i32,
    pub micros: i64,
}

/// The fields of an interval type modifier (`interval day`, `interval hour to second`), as a
/// bit set of [`Field`]s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
}

pub fn out_of_range() -> PgError {
    PgError::new(
        SqlState::DATETIME_VALUE_OUT_OF_RANGE,
        "interval out of range",
    )
}

fn invalid(text: &str) -> PgError {
    PgError::new(
        SqlState::INVALID_DATETIME_FORMAT,
        format!("invalid input syntax for type interval: \"{text}\""),
    )
}

fn field_overflow(text: &str) -> PgError {
    PgError::new(
        SqlState::INTERVAL_FIELD_OVERFLOW,
        format!("interval field value out of range: \"{text}\""),
    )
}

/// Units of the verbose input syntax (and of date_trunc and extract).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Microsecond,
    Millisecond,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
    Decade,
    Century,
    Millennium,
}

/// The unit a word names, in PostgreSQL's spellings (`hours`, `hr`, `mons`, ...).
pub fn unit(word: &str) -> Option<Unit> {
    use Unit::*;
    Some(match word {
        "us" | "usec" | "usecs" | "useconds" | "microsecon" | "microsecond" | "microseconds" => {
            Microsecond
        }
        "ms" | "msec" | "msecs" | "mseconds" | "millisecon" | "millisecond" | "milliseconds" => {
            Millisecond
        }
        "s" | "sec" | "secs" | "second" | "seconds" => Second,
        "m" | "min" | "mins" | "minute" | "minutes" => Minute,
        "h" | "hr" | "hrs" | "hour" | "hours" => Hour,
        "d" | "day" | "days" => Day,
        "w" | "week" | "weeks" => Week,
        "mon" | "mons" | "month" | "months" => Month,
        "y" | "yr" | "yrs" | "year" | "years" => Year,
        "dec" | "decs" | "decade" | "decades" => Decade,
        "c" | "cent" | "century" | "centuries" => Century,
        "mil" | "mils" | "millennium" | "millennia" => Millennium,
        _ => return None,
    })
}

/// Interval parts while parsing: wide enough that overflow is found at the end.
#[derive(Default)]
struct Parts {
    months: f64,
    days: f64,
    micros: f64,
}

impl Parts {
    /// Adds `val` (integral part) and `frac` (fractional part, same sign) of `unit`, letting
    /// fractions cascade down as PostgreSQL does (1.5 months = 1 month 15 days).
    fn add(&mut self, unit: Unit, val: f64, frac: f64) {
        use Unit::*;
        let years = |p: &mut Parts, per: f64| {
            p.months += val * 12.0 * per + (frac * 12.0 * per).round_ties_even();
        };
        let days = |p: &mut Parts, v: f64, f: f64| {
            p.days += v;
            p.micros += (f * USECS_PER_DAY as f64).round_ties_even();
        };
        match unit {
            Microsecond => self.micros += (val + frac).round_ties_even(),
            Millisecond => self.micros += ((val + frac) * 1000.0).round_ties_even(),
            Second => self.micros += val * 1e6 + (frac * 1e6).round_ties_even(),
            Minute => self.micros += (val + frac) * USECS_PER_MINUTE as f64,
            Hour => self.micros += (val + frac) * USECS_PER_HOUR as f64,
            Day => days(self, val, frac),
            Week => {
                let f = frac * 7.0;
                days(self, val * 7.0 + f.trunc(), f.fract());
            }
            Month => {
                self.months += val;
                let f = frac * DAYS_PER_MONTH as f64;
                days(self, f.trunc(), f.fract());
            }
            Year => years(self, 1.0),
            Decade => years(self, 10.0),
            Century => years(self, 100.0),
            Millennium => years(self, 1000.0),
        }
    }

    fn finish(self, text: &str) -> Result<Interval, PgError> {
        let fits = |v: f64, max: f64| v.is_finite() && v.abs() <= max;
        if !fits(self.months, i32::MAX as f64)
            || !fits(self.days, i32::MAX as f64)
            || !fits(self.micros, 9.2e18)
        {
            return Err(field_overflow(text));
        }
        Ok(Interval {
            months: self.months as i32,
            days: self.days as i32,
            micros: self.micros.round_ties_even() as i64,
        })
    }
}

/// A signed decimal number split into its integral and fractional parts, both signed.
fn number(s: &str) -> Option<(f64, f64)> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let int: f64 = if int.is_empty() {
        0.0
    } else {
        int.parse().ok()?
    };
    let frac: f64 = if frac.is_empty() {
        0.0
    } else {
        format!("0.{frac}").parse().ok()?
    };
    Some(if neg { (-int, -frac) } else { (int, frac) })
}

/// `[+-]h:m[:s[.f]]`, hours unbounded: microseconds.
fn time_of(s: &str) -> Option<f64> {
    let (neg, rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let mut parts = rest.split(':');
    let h = parts.next()?;
    let m = parts.next()?;
    let sec = parts.next().unwrap_or("0");
    if parts.next().is_some() || !h.bytes().all(|b| b.is_ascii_digit()) || h.is_empty() {
        return None;
    }
    if m.is_empty() || !m.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let m: u32 = m.parse().ok().filter(|m| *m < 60)?;
    let (s, f) = number(sec)?;
    if !(0.0..60.0).contains(&s) || sec.starts_with(['+', '-']) {
        return None;
    }
    let h: f64 = h.parse().ok()?;
    let us = (h * 3600.0 + f64::from(m) * 60.0 + s) * 1e6 + (f * 1e6).round_ties_even();
    Some(if neg { -us } else { us })
}

/// `[+-]y-m`, the SQL standard's year-month literal.
fn year_month(s: &str) -> Option<f64> {
    let (neg, rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (y, m) = rest.split_once('-')?;
    let (y, m): (u32, u32) = (y.parse().ok()?, m.parse().ok()?);
    let months = f64::from(y) * 12.0 + f64::from(m);
    Some(if neg { -months } else { months })
}

/// Splits `1day` into `1` and `day`, as PostgreSQL's lexer reads them.
fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for word in s.split_whitespace() {
        let alpha = word.find(|c: char| c.is_ascii_alphabetic());
        match alpha {
            Some(i) if i > 0 && !word[..i].contains(':') => {
                out.push(&word[..i]);
                out.push(&word[i..]);
            }
            _ => out.push(word),
        }
    }
    out
}

impl Interval {
    pub const ZERO: Interval = Interval {
        months: 0,
        days: 0,
        micros: 0,
    };

    /// Parses interval input: the verbose syntax (`1 year 2 mons -3 days 04:05:06 ago`), SQL
    /// standard forms (`1-2`, `3 4:05:06`) and ISO 8601 (`P1Y2M3DT4H5M6S`). A bare number is in
    /// units of `bare` (seconds unless the type names a field).
    pub fn parse_in(text: &str, bare: Field) -> Result<Interval, PgError> {
        let lower = text.trim().to_ascii_lowercase();
        if let Some(iso) = lower.strip_prefix('p') {
            return iso8601(iso, text);
        }
        let body = lower.strip_prefix('@').unwrap_or(&lower);
        let toks = tokens(body);
        let (toks, ago) = match toks.split_last() {
            Some((&"ago", rest)) => (rest, true),
            _ => (&toks[..], false),
        };
        if toks.is_empty() {
            return Err(invalid(text));
        }
        let mut parts = Parts::default();
        let mut seen = 0u32;
        let mut mark = |bit: u32| {
            let dup = seen & bit != 0;
            seen |= bit;
            if dup { Err(invalid(text)) } else { Ok(()) }
        };
        let mut i = 0;
        while i < toks.len() {
            let tok = toks[i];
            i += 1;
            if tok.contains(':') {
                mark(1 << 12)?;
                parts.micros += time_of(tok).ok_or_else(|| invalid(text))?;
                continue;
            }
            if let Some(months) = year_month(tok) {
                mark(1 << 13)?;
                parts.months += months;
                continue;
            }
            let (val, frac) = number(tok).ok_or_else(|| invalid(text))?;
            let next_unit = toks.get(i).and_then(|w| unit(w));
            let u = match next_unit {
                Some(u) => {
                    i += 1;
                    u
                }
                // `3 4:05:06`: a number before a time counts days.
                None if toks.get(i).is_some_and(|t| t.contains(':')) => Unit::Day,
                None if i < toks.len() => return Err(invalid(text)),
                None => match bare {
                    Field::Year => Unit::Year,
                    Field::Month => Unit::Month,
                    Field::Day => Unit::Day,
                    Field::Hour => Unit::Hour,
                    Field::Minute => Unit::Minute,
                    Field::Second => Unit::Second,
                },
            };
            mark(1 << (u as u32))?;
            parts.add(u, val, frac);
        }
        let iv = parts.finish(text)?;
        Ok(if ago { iv.checked_neg()? } else { iv })
    }

    pub fn parse(text: &str) -> Result<Interval, PgError> {
        Interval::parse_in(text, Field::Second)
    }

    /// Drops what lies below `last`, as a typmod like `interval day` or `hour to minute` does.
    pub fn truncate_to(self, last: Field) -> Interval {
        let keep_time = |unit: i64| self.micros / unit * unit;
        match last {
            Field::Year => Interval {
                months: self.months / 12 * 12,
                ..Interval::ZERO
            },
            Field::Month => Interval {
                months: self.months,
                ..Interval::ZERO
            },
            Field::Day => Interval { micros: 0, ..self },
            Field::Hour => Interval {
                micros: keep_time(USECS_PER_HOUR),
                ..self
            },
            Field::Minute => Interval {
                micros: keep_time(USECS_PER_MINUTE),
                ..self
            },
            Field::Second => self,
        }
    }

    /// The span PostgreSQL compares and hashes by: 30-day months and 24-hour days.
    pub fn span(self) -> i128 {
        (i128::from(self.months) * DAYS_PER_MONTH as i128 + i128::from(self.days))
            * i128::from(USECS_PER_DAY)
            + i128::from(self.micros)
    }

    pub fn checked_neg(self) -> Result<Interval, PgError> {
        Ok(Interval {
            months: self.months.checked_neg().ok_or_else(out_of_range)?,
            days: self.days.checked_neg().ok_or_else(out_of_range)?,
            micros: self.micros.checked_neg().ok_or_else(out_of_range)?,
        })
    }

    pub fn checked_add(self, o: Interval) -> Result<Interval, PgError> {
        Ok(Interval {
            months: self.months.checked_add(o.months).ok_or_else(out_of_range)?,
            days: self.days.checked_add(o.days).ok_or_else(out_of_range)?,
            micros: self.micros.checked_add(o.micros).ok_or_else(out_of_range)?,
        })
    }

    pub fn checked_sub(self, o: Interval) -> Result<Interval, PgError> {
        self.checked_add(o.checked_neg()?)
    }

    /// interval * factor, cascading fractional months and days down as interval_mul does.
    pub fn times(self, factor: f64) -> Result<Interval, PgError> {
        self.scale(|x| x * factor)
    }

    /// interval / factor (interval_div).
    pub fn divided_by(self, factor: f64) -> Result<Interval, PgError> {
        if factor == 0.0 {
            return Err(PgError::new(SqlState::DIVISION_BY_ZERO, "division by zero"));
        }
        self.scale(|x| x / factor)
    }

    fn scale(self, f: impl Fn(f64) -> f64) -> Result<Interval, PgError> {
        let round = |x: f64| (x * 1e6).round_ties_even() / 1e6;
        let months = f(f64::from(self.months));
        let days = f(f64::from(self.days));
        if !months.is_finite() || months.abs() > i32::MAX as f64 || days.abs() > i32::MAX as f64 {
            return Err(out_of_range());
        }
        let (m, mut d) = (months as i32, days as i32);
        let month_days = round((months - f64::from(m)) * DAYS_PER_MONTH as f64);
        let mut sec = round((days - f64::from(d) + month_days - month_days.trunc()) * 86400.0);
        if sec.abs() >= 86400.0 {
            let whole = (sec / 86400.0).trunc();
            d = d.checked_add(whole as i32).ok_or_else(out_of_range)?;
            sec -= whole * 86400.0;
        }
        d = d.checked_add(month_days as i32).ok_or_else(out_of_range)?;
        let micros = (f(self.micros as f64) + sec * 1e6).round_ties_even();
        if !micros.is_finite() || micros.abs() >= 9.223_372_036_854_775e18 {
            return Err(out_of_range());
        }
        Ok(Interval {
            months: m,
            days: d,
            micros: micros as i64,
        })
    }

    /// justify_hours: whole days out of the time part, signs made to agree.
    pub fn justify_hours(self) -> Result<Interval, PgError> {
        let mut days = i64::from(self.days) + self.micros / USECS_PER_DAY;
        let mut micros = self.micros % USECS_PER_DAY;
        let below = micros.signum();
        agree(&mut days, &mut micros, below, USECS_PER_DAY);
        Interval::of(self.months.into(), days, micros)
    }

    /// justify_days: whole 30-day months out of the days, signs made to agree.
    pub fn justify_days(self) -> Result<Interval, PgError> {
        let mut months = i64::from(self.months) + i64::from(self.days) / DAYS_PER_MONTH;
        let mut days = i64::from(self.days) % DAYS_PER_MONTH;
        let below = days.signum();
        agree(&mut months, &mut days, below, DAYS_PER_MONTH);
        Interval::of(months, days, self.micros)
    }

    /// justify_interval: both, with every part's sign made to agree.
    pub fn justify_interval(self) -> Result<Interval, PgError> {
        let mut micros = self.micros;
        let mut days = i64::from(self.days) + micros / USECS_PER_DAY;
        micros %= USECS_PER_DAY;
        let mut months = i64::from(self.months) + days / DAYS_PER_MONTH;
        days %= DAYS_PER_MONTH;
        let below = if days != 0 {
            days.signum()
        } else {
            micros.signum()
        };
        agree(&mut months, &mut days, below, DAYS_PER_MONTH);
        let below = micros.signum();
        agree(&mut days, &mut micros, below, USECS_PER_DAY);
        Interval::of(months, days, micros)
    }

    fn of(months: i64, days: i64, micros: i64) -> Result<Interval, PgError> {
        Ok(Interval {
            months: i32::try_from(months).map_err(|_| out_of_range())?,
            days: i32::try_from(days).map_err(|_| out_of_range())?,
            micros,
        })
    }

    pub fn to_binary(self, out: &mut BytesMut) {
        out.put_i64(self.micros);
        out.put_i32(self.days);
        out.put_i32(self.months);
    }

    pub fn from_binary(raw: &[u8]) -> Option<Interval> {
        let raw: &[u8; 16] = raw.try_into().ok()?;
        let (micros, rest) = raw.split_at(8);
        let (days, months) = rest.split_at(4);
        Some(Interval {
            micros: i64::from_be_bytes(micros.try_into().ok()?),
            days: i32::from_be_bytes(days.try_into().ok()?),
            months: i32::from_be_bytes(months.try_into().ok()?),
        })
    }
}

/// Borrows one `unit` from `high` into `low` when the sign of what lies below (`below`)
/// disagrees with `high`'s, as PostgreSQL's justify functions do.
fn agree(high: &mut i64, low: &mut i64, below: i64, unit: i64) {
    if *high > 0 && below < 0 {
        *low += unit;
        *high -= 1;
    } else if *high < 0 && below > 0 {
        *low -= unit;
        *high += 1;
    }
}

/// ISO 8601 durations after the `P`: designators (`1Y2M3DT4H5M6.5S`, `2W`) or the alternative
/// format (`0001-02-03T04:05:06`).
fn iso8601(iso: &str, text: &str) -> Result<Interval, PgError> {
    let bad = || invalid(text);
    let mut parts = Parts::default();
    let (date, time) = match iso.split_once('t') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return Err(bad()),
        None => (iso, None),
    };
    if date.is_empty() && time.is_none() {
        return Err(bad());
    }
    if date.contains('-') && date.starts_with(|c: char| c.is_ascii_digit()) {
        let mut f = date.split('-');
        let mut next = || f.next().map_or(Some(0.0), |v| v.parse::<f64>().ok());
        let (y, m, d) = (
            next().ok_or_else(bad)?,
            next().ok_or_else(bad)?,
            next().ok_or_else(bad)?,
        );
        parts.months += y * 12.0 + m;
        parts.days += d;
    } else {
        designators(date, false, &mut parts).ok_or_else(bad)?;
    }
    if let Some(time) = time {
        if time.contains(':') {
            parts.micros += time_of(time).ok_or_else(bad)?;
        } else {
            designators(time, true, &mut parts).ok_or_else(bad)?;
        }
    }
    parts.finish(text)
}

/// `1Y2M3D` (a date part) or `4H5M6S` (a time part) into `parts`.
fn designators(mut rest: &str, time: bool, parts: &mut Parts) -> Option<()> {
    while !rest.is_empty() {
        let end = rest.find(|c: char| c.is_ascii_alphabetic())?;
        let (val, frac) = number(&rest[..end])?;
        let u = match (rest.as_bytes()[end], time) {
            (b'y', false) => Unit::Year,
            (b'm', false) => Unit::Month,
            (b'w', false) => Unit::Week,
            (b'd', false) => Unit::Day,
            (b'h', true) => Unit::Hour,
            (b'm', true) => Unit::Minute,
            (b's', true) => Unit::Second,
            _ => return None,
        };
        parts.add(u, val, frac);
        rest = &rest[end + 1..];
    }
    Some(())
}

impl fmt::Display for Interval {
    /// PostgreSQL's `postgres` IntervalStyle: `1 year 2 mons -3 days +04:05:06.5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let years = self.months / 12;
        let mons = self.months % 12;
        let mut out = String::new();
        let mut is_zero = true;
        let mut is_before = false;
        for (value, unit) in [
            (i64::from(years), "year"),
            (i64::from(mons), "mon"),
            (i64::from(self.days), "day"),
        ] {
            if value == 0 {
                continue;
            }
            let plus = if is_before && value > 0 { "+" } else { "" };
            let s = if value != 1 { "s" } else { "" };
            let space = if is_zero { "" } else { " " };
            out.push_str(&format!("{space}{plus}{value} {unit}{s}"));
            is_before = value < 0;
            is_zero = false;
        }
        if is_zero || self.micros != 0 {
            let t = self.micros;
            let sign = if t < 0 {
                "-"
            } else if is_before {
                "+"
            } else {
                ""
            };
            let a = t.unsigned_abs();
            let us = USECS_PER_SEC as u64;
            let (h, m, s, frac) = (a / (3600 * us), a / (60 * us) % 60, a / us % 60, a % us);
            let space = if is_zero { "" } else { " " };
            out.push_str(&format!("{space}{sign}{h:02}:{m:02}:{s:02}"));
            if frac != 0 {
                let digits = format!(".{frac:06}");
                out.push_str(digits.trim_end_matches('0'));
            }
        }
        f.write_str(&out)
    }
}

/// The `pg_interval` collation: stored intervals ordered by span.
pub fn cmp_text(a: &str, b: &str) -> Ordering {
    match (Interval::parse(a), Interval::parse(b)) {
        (Ok(x), Ok(y)) => x.span().cmp(&y.span()),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

#[cfg(test)]
mod tests;
