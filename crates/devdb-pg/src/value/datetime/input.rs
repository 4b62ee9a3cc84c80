//! Date and time input as PostgreSQL reads it (DateStyle ISO, MDY): ISO 8601 with a blank or
//! `T`, `YYYYMMDD`, month names (`Feb 29 2024`, `29 February 2024`, `1999-Jan-08`), `M/D/Y`,
//! two-digit years, AM/PM, BC, zones (`Z`, `+05:30`, `UTC`, `Europe/Paris`) and the special
//! words (`epoch`, `infinity`, `now`, `today`, `tomorrow`, `yesterday`, `allballs`).
//! Bad syntax is 22007, a field out of range 22008, as in PostgreSQL.

use std::cell::Cell;

use jiff::tz::TimeZone;

use super::{PG_EPOCH_DAYS, USECS_PER_DAY, check_timestamp, days_from_civil, days_in_month};
use crate::value::zone;
use crate::{PgError, PgType, SqlState};

thread_local! {
    /// The transaction's start (now()) for the statement running on this thread, which `now`,
    /// `today`, `tomorrow` and `yesterday` read.
    static NOW: Cell<i64> = const { Cell::new(0) };
}

/// Makes `us` (microseconds since 2000-01-01 UTC) what `now` means on this thread; the executor
/// sets it before each statement, as it sets the session's zone.
pub fn set_now(us: i64) {
    NOW.with(|n| n.set(us));
}

/// True for input whose value depends on when it is read (`now`, `today`, ...), which a
/// translation must not fold into a constant.
pub fn is_relative(text: &str) -> bool {
    matches!(
        text.trim().to_ascii_lowercase().as_str(),
        "now" | "today" | "tomorrow" | "yesterday"
    )
}

fn syntax(ty: PgType, text: &str) -> PgError {
    let name = match ty {
        PgType::Time => "time",
        PgType::Timestamp => "timestamp",
        PgType::Timestamptz => "timestamp with time zone",
        _ => "date",
    };
    PgError::new(
        SqlState::INVALID_DATETIME_FORMAT,
        format!("invalid input syntax for type {name}: \"{text}\""),
    )
}

fn range(text: &str) -> PgError {
    PgError::new(
        SqlState::DATETIME_FIELD_OVERFLOW,
        format!("date/time field value out of range: \"{text}\""),
    )
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const WEEKDAYS: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];

fn month(word: &str) -> Option<i64> {
    if word.len() < 3 {
        return None;
    }
    let i = MONTHS
        .iter()
        .position(|m| m.starts_with(word) || (word == "sept" && *m == "september"))?;
    Some(i as i64 + 1)
}

fn weekday(word: &str) -> bool {
    word.len() >= 3
        && WEEKDAYS
            .iter()
            .any(|d| d.starts_with(word) || word == "tues" || word == "thur" || word == "thurs")
}

/// What the fields of the input said.
#[derive(Default)]
struct Fields {
    year: Option<(i64, usize)>,
    month: Option<i64>,
    day: Option<i64>,
    time: Option<i64>,
    /// Seconds east of UTC, or a named zone.
    offset: Option<i64>,
    named: Option<TimeZone>,
    pm: Option<bool>,
    bc: bool,
    numbers: Vec<(i64, usize)>,
}

/// `h:m[:s[.f]]` in microseconds; None for bad syntax, Some(Err) for a field out of range.
fn time_of(s: &str) -> Option<Result<i64, ()>> {
    let mut parts = s.split(':');
    let h = parts.next()?;
    let m = parts.next()?;
    let sec = parts.next().unwrap_or("0");
    if parts.next().is_some() {
        return None;
    }
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
    if !digits(h) || !digits(m) || !digits(whole) || !(frac.is_empty() || digits(frac)) {
        return None;
    }
    let (h, m, s): (i64, i64, i64) = (h.parse().ok()?, m.parse().ok()?, whole.parse().ok()?);
    let frac_us = if frac.is_empty() {
        0
    } else {
        (format!("0.{frac}").parse::<f64>().ok()? * 1e6).round_ties_even() as i64
    };
    let us = ((h * 60 + m) * 60 + s) * 1_000_000 + frac_us;
    let ok = m < 60 && s <= 60 && (h < 24 || us == 24 * 3_600_000_000);
    Some(if ok { Ok(us) } else { Err(()) })
}

/// `+05`, `-0530`, `+05:30`, `-05:30:15`: seconds east of UTC.
fn offset_of(s: &str) -> Option<i64> {
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let body = &s[1..];
    let digits = |t: &str| !t.is_empty() && t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit());
    let (h, m, sec) = if body.contains(':') {
        let mut p = body.split(':');
        let (h, m, sec) = (p.next()?, p.next().unwrap_or("0"), p.next().unwrap_or("0"));
        if !digits(h) || !digits(m) || !digits(sec) {
            return None;
        }
        (
            h.parse::<i64>().ok()?,
            m.parse::<i64>().ok()?,
            sec.parse::<i64>().ok()?,
        )
    } else {
        match body.len() {
            1 | 2 => (body.parse().ok()?, 0, 0),
            4 => (body[..2].parse().ok()?, body[2..].parse().ok()?, 0),
            _ => return None,
        }
    };
    if h > 15 || m >= 60 || sec >= 60 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60 + sec))
}

/// Splits `10:00:00+02`, `10:00z` into the time and its zone.
fn split_time_zone(tok: &str) -> (&str, Option<&str>) {
    if let Some(t) = tok.strip_suffix('z') {
        return (t, Some("z"));
    }
    match tok.find(['+', '-']) {
        Some(i) if i > 0 => (&tok[..i], Some(&tok[i..])),
        _ => (tok, None),
    }
}

/// Parses `text` as a value of `ty` (date, time, timestamp, timestamptz) in devdb's stored
/// units: days, microseconds since midnight, local or UTC microseconds since 2000-01-01.
pub fn parse(ty: PgType, text: &str) -> Result<i64, PgError> {
    let bad = || syntax(ty, text);
    let lower = text.trim().to_ascii_lowercase();
    let now = NOW.with(Cell::get);
    let session = zone::session_zone;
    let local_today = || zone::to_local(&session(), now).div_euclid(USECS_PER_DAY);
    let midnight = |days: i64| {
        let local = days * USECS_PER_DAY;
        match ty {
            PgType::Timestamptz => zone::to_utc(&session(), local),
            _ => local,
        }
    };
    let special = match (lower.as_str(), ty) {
        ("infinity" | "+infinity", PgType::Date) => Some(i32::MAX.into()),
        ("-infinity", PgType::Date) => Some(i32::MIN.into()),
        ("infinity" | "+infinity", PgType::Timestamp | PgType::Timestamptz) => Some(i64::MAX),
        ("-infinity", PgType::Timestamp | PgType::Timestamptz) => Some(i64::MIN),
        ("epoch", PgType::Date) => Some(-PG_EPOCH_DAYS),
        ("epoch", PgType::Time) | ("allballs", PgType::Time) => Some(0),
        ("epoch", _) => Some(-PG_EPOCH_DAYS * USECS_PER_DAY),
        ("now", PgType::Timestamptz) => Some(now),
        ("now", PgType::Timestamp) => Some(zone::to_local(&session(), now)),
        ("now", PgType::Time) => Some(zone::to_local(&session(), now).rem_euclid(USECS_PER_DAY)),
        ("now" | "today", PgType::Date) => Some(local_today()),
        ("tomorrow", PgType::Date) => Some(local_today() + 1),
        ("yesterday", PgType::Date) => Some(local_today() - 1),
        ("today", PgType::Timestamp | PgType::Timestamptz) => Some(midnight(local_today())),
        ("tomorrow", PgType::Timestamp | PgType::Timestamptz) => Some(midnight(local_today() + 1)),
        ("yesterday", PgType::Timestamp | PgType::Timestamptz) => Some(midnight(local_today() - 1)),
        _ => None,
    };
    if let Some(v) = special {
        return Ok(v);
    }
    let original = text.trim();
    let mut f = Fields::default();
    // Tokens: blanks and commas separate; an ISO `T` between a date and a time does too.
    let mut tokens: Vec<(String, String)> = Vec::new();
    for orig in original.split([' ', ',', '\t', '\n']) {
        let word = orig.to_ascii_lowercase();
        if word.is_empty() {
            continue;
        }
        match word.find('t') {
            Some(i)
                if i > 0
                    && word.as_bytes()[i - 1].is_ascii_digit()
                    && word.as_bytes().get(i + 1).is_some_and(u8::is_ascii_digit) =>
            {
                tokens.push((word[..i].to_owned(), orig[..i].to_owned()));
                tokens.push((word[i + 1..].to_owned(), orig[i + 1..].to_owned()));
            }
            _ => tokens.push((word, orig.to_owned())),
        }
    }
    if tokens.is_empty() {
        return Err(bad());
    }
    for (tok, orig) in &tokens {
        let tok = tok.as_str();
        if tok.contains(':') && !tok.starts_with(['+', '-']) {
            let tok = match (tok.strip_suffix("am"), tok.strip_suffix("pm")) {
                (Some(t), _) => {
                    f.pm = Some(false);
                    t
                }
                (_, Some(t)) => {
                    f.pm = Some(true);
                    t
                }
                _ => tok,
            };
            let (time, zone) = split_time_zone(tok);
            if f.time.is_some() {
                return Err(bad());
            }
            f.time = Some(time_of(time).ok_or_else(bad)?.map_err(|()| range(text))?);
            if let Some(z) = zone {
                f.offset = Some(if z == "z" {
                    0
                } else {
                    offset_of(z).ok_or_else(bad)?
                });
            }
        } else if tok.starts_with(['+', '-']) && (f.time.is_some() || f.day.is_some()) {
            f.offset = Some(offset_of(tok).ok_or_else(bad)?);
        } else if tok.starts_with(|c: char| c.is_ascii_alphabetic())
            && tok.contains('/')
            && tok.split('/').next().and_then(month).is_none()
        {
            // A zone name (`Europe/Paris`); an unknown one is 22023.
            f.named = Some(zone::lookup(orig)?);
        } else if tok.contains(['-', '/', '.'])
            && tok.starts_with(|c: char| c.is_ascii_alphanumeric())
        {
            if f.day.is_some() {
                return Err(bad());
            }
            date_string(tok, &mut f).ok_or_else(bad)?;
        } else if tok.bytes().all(|b| b.is_ascii_digit()) {
            match tok.len() {
                // `20240701 120000`: HHMMSS after a date.
                6 if f.day.is_some() && f.time.is_none() => {
                    let t = |r: std::ops::Range<usize>| tok[r].parse::<i64>().map_err(|_| bad());
                    let (h, m, sec) = (t(0..2)?, t(2..4)?, t(4..6)?);
                    if h > 23 || m > 59 || sec > 59 {
                        return Err(range(text));
                    }
                    f.time = Some(((h * 60 + m) * 60 + sec) * 1_000_000);
                }
                8 if f.day.is_none() && f.month.is_none() => {
                    f.year = Some((tok[..4].parse().map_err(|_| bad())?, 4));
                    f.month = Some(tok[4..6].parse().map_err(|_| bad())?);
                    f.day = Some(tok[6..].parse().map_err(|_| bad())?);
                }
                _ => f.numbers.push((tok.parse().map_err(|_| bad())?, tok.len())),
            }
        } else if let Some(m) = month(tok) {
            if f.month.is_some() {
                return Err(bad());
            }
            f.month = Some(m);
        } else {
            match tok {
                "am" | "a.m." => f.pm = Some(false),
                "pm" | "p.m." => f.pm = Some(true),
                "bc" | "b.c." => f.bc = true,
                "ad" | "a.d." | "t" => {}
                "z" | "zulu" | "utc" | "gmt" | "ut" => f.offset = Some(0),
                w if weekday(w) => {}
                _ => {
                    let named = zone::named_zone(orig).ok_or_else(bad)?;
                    f.named = Some(named);
                }
            }
        }
    }
    // Loose numbers fill the day and the year around a month name.
    for (n, len) in std::mem::take(&mut f.numbers) {
        if f.day.is_none() && len <= 2 && f.month.is_some() {
            f.day = Some(n);
        } else if f.year.is_none() {
            f.year = Some((n, len));
        } else {
            return Err(bad());
        }
    }
    let time = f.time.unwrap_or(0);
    let time = match f.pm {
        None => time,
        Some(pm) => {
            let hour = time / 3_600_000_000;
            if !(1..=12).contains(&hour) {
                return Err(range(text));
            }
            let rest = time % 3_600_000_000;
            let hour = match (pm, hour) {
                (false, 12) => 0,
                (true, 12) => 12,
                (true, h) => h + 12,
                (false, h) => h,
            };
            hour * 3_600_000_000 + rest
        }
    };
    if ty == PgType::Time {
        if f.time.is_none() {
            return Err(bad());
        }
        return Ok(time);
    }
    let (Some((year, ylen)), Some(m), Some(d)) = (f.year, f.month, f.day) else {
        return Err(bad());
    };
    // Two-digit years are the nearest to 2020, as PostgreSQL reads them.
    let year = if ylen <= 2 && !f.bc {
        if year < 70 { year + 2000 } else { year + 1900 }
    } else {
        year
    };
    if year == 0 && !f.bc {
        return Err(range(text));
    }
    let year = if f.bc { 1 - year } else { year };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        // A month or day no month has: perhaps written in another field order.
        return Err(range(text).with_hint("Perhaps you need a different \"datestyle\" setting."));
    }
    if d > days_in_month(year, m) {
        return Err(range(text));
    }
    let days = days_from_civil(year, m, d) - PG_EPOCH_DAYS;
    if ty == PgType::Date {
        return Ok(days);
    }
    let out_of_range = || {
        PgError::new(
            SqlState::DATETIME_VALUE_OUT_OF_RANGE,
            format!("timestamp out of range: \"{text}\""),
        )
    };
    let local = days
        .checked_mul(USECS_PER_DAY)
        .and_then(|d| d.checked_add(time))
        .ok_or_else(out_of_range)?;
    let value = match (ty, f.offset, f.named) {
        (PgType::Timestamptz, Some(secs), _) => local - secs * 1_000_000,
        (PgType::Timestamptz, None, Some(z)) => zone::to_utc(&z, local),
        (PgType::Timestamptz, None, None) => zone::to_utc(&session(), local),
        _ => local,
    };
    check_timestamp(value).map_err(|_| out_of_range())
}

/// `2024-02-29`, `1999-jan-08`, `jan-08-1999`, `08-jan-1999`, `1/8/1999`, `2024.01.05`.
fn date_string(tok: &str, f: &mut Fields) -> Option<()> {
    let parts: Vec<&str> = tok.split(['-', '/', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let num = |s: &str| -> Option<(i64, usize)> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| Some((s.parse().ok()?, s.len())))?
    };
    let (y, m, d) = match (month(a), month(b)) {
        (Some(m), _) => (num(c)?, m, num(b)?.0),
        (_, Some(m)) if a.len() > 2 => (num(a)?, m, num(c)?.0),
        (_, Some(m)) => (num(c)?, m, num(a)?.0),
        _ if a.len() > 2 => (num(a)?, num(b)?.0, num(c)?.0),
        // DateStyle MDY: month, day, year.
        _ => (num(c)?, num(a)?.0, num(b)?.0),
    };
    f.year = Some(y);
    f.month = Some(m);
    f.day = Some(d);
    Some(())
}
