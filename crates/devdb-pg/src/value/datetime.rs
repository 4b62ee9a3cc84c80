//! Dates and times in PostgreSQL's internal units: days and microseconds since 2000-01-01.

use jiff::tz::TimeZone;

use super::interval::{self, Interval};
use super::zone;
use crate::{PgError, SqlState};

pub const USECS_PER_DAY: i64 = 86_400_000_000;
/// Days from 1970-01-01 to 2000-01-01.
pub const PG_EPOCH_DAYS: i64 = 10_957;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian (year, month, day) of a day number since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

pub fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// `YYYY-MM-DD`, with ` BC` for years before 1.
pub fn format_date(days: i64) -> String {
    match days {
        i64::MAX | 2_147_483_647 => return "infinity".to_owned(),
        i64::MIN | -2_147_483_648 => return "-infinity".to_owned(),
        _ => {}
    }
    let (y, m, d) = civil_from_days(days + PG_EPOCH_DAYS);
    if y <= 0 {
        format!("{:04}-{m:02}-{d:02} BC", 1 - y)
    } else {
        format!("{y:04}-{m:02}-{d:02}")
    }
}

/// `HH:MM:SS[.ffffff]`, trailing zeros of the fraction dropped.
pub fn format_time(us: i64) -> String {
    let secs = us.div_euclid(1_000_000);
    let frac = us.rem_euclid(1_000_000);
    let mut s = format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
    if frac != 0 {
        let f = format!(".{frac:06}");
        s.push_str(f.trim_end_matches('0'));
    }
    s
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff]` of microseconds since 2000-01-01.
pub fn format_timestamp(us: i64) -> String {
    match us {
        i64::MAX => return "infinity".to_owned(),
        i64::MIN => return "-infinity".to_owned(),
        _ => {}
    }
    let day = us.div_euclid(USECS_PER_DAY);
    let time = us.rem_euclid(USECS_PER_DAY);
    let date = format_date(day);
    match date.strip_suffix(" BC") {
        Some(d) => format!("{d} {} BC", format_time(time)),
        None => format!("{date} {}", format_time(time)),
    }
}

/// Parses `YYYY-MM-DD` into days since 2000-01-01.
pub fn parse_date(text: &str) -> Option<i64> {
    let t = text.trim();
    match t.to_ascii_lowercase().as_str() {
        "infinity" => return Some(i32::MAX.into()),
        "-infinity" => return Some(i32::MIN.into()),
        "epoch" => return Some(-PG_EPOCH_DAYS),
        _ => {}
    }
    let (date, bc) = match t.strip_suffix(" BC").or_else(|| t.strip_suffix(" bc")) {
        Some(d) => (d.trim(), true),
        None => (t, false),
    };
    let mut parts = date.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    let y = if bc { 1 - y } else { y };
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d) - PG_EPOCH_DAYS)
}

/// Parses `HH:MM[:SS[.fraction]]` into microseconds since midnight.
pub fn parse_time(text: &str) -> Option<i64> {
    let t = text.trim();
    let mut parts = t.splitn(3, ':');
    let h: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let (s, frac) = match parts.next() {
        Some(sec) => {
            let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
            let digits: String = frac.chars().chain(std::iter::repeat('0')).take(6).collect();
            let frac_us: i64 = if frac.is_empty() {
                0
            } else {
                digits.parse().ok()?
            };
            if !frac.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (whole.parse::<i64>().ok()?, frac_us)
        }
        None => (0, 0),
    };
    let end_of_day = h == 24 && m == 0 && s == 0 && frac == 0;
    if !((0..24).contains(&h) || end_of_day) {
        return None;
    }
    if !(0..60).contains(&m) || !(0..=60).contains(&s) {
        return None;
    }
    Some(((h * 60 + m) * 60 + s) * 1_000_000 + frac)
}

/// Parses a timestamp (`YYYY-MM-DD[ T]HH:MM[:SS[.f]][zone]`, or a date alone) into microseconds
/// since 2000-01-01. With `with_zone`, the value is an instant: an explicit zone (`Z`, `+HH`,
/// `-HH:MM`, `Europe/Paris`) or else the session's TimeZone places it in UTC; without it the
/// zone is ignored, as PostgreSQL ignores it for `timestamp`.
pub fn parse_timestamp(text: &str, with_zone: bool) -> Option<i64> {
    let t = text.trim();
    match t.to_ascii_lowercase().as_str() {
        "infinity" => return Some(i64::MAX),
        "-infinity" => return Some(i64::MIN),
        "epoch" => return Some(-PG_EPOCH_DAYS * USECS_PER_DAY),
        _ => {}
    }
    let split = t.find(['T', 't', ' ']);
    let (date_part, rest) = match split {
        Some(i) => (&t[..i], t[i + 1..].trim_start()),
        None => (t, ""),
    };
    let days = parse_date(date_part)?;
    let (time_part, zone) = split_zone(rest)?;
    let time = if time_part.is_empty() {
        0
    } else {
        parse_time(time_part)?
    };
    let local = days * USECS_PER_DAY + time;
    Some(match (with_zone, zone) {
        (false, _) => local,
        (true, Zone::Offset(secs)) => local - secs * 1_000_000,
        (true, Zone::Named(z)) => zone::to_utc(&z, local),
        (true, Zone::Session) => zone::to_utc(&zone::session_zone(), local),
    })
}

/// The zone written after a time.
enum Zone {
    /// Seconds east of UTC.
    Offset(i64),
    Named(TimeZone),
    /// None written: the session's.
    Session,
}

/// Splits `12:00:00+05:30` or `12:00 Europe/Paris` into the time and its zone.
fn split_zone(rest: &str) -> Option<(&str, Zone)> {
    let rest = rest.trim();
    if let Some(time) = rest.strip_suffix('Z').or_else(|| rest.strip_suffix('z')) {
        return Some((time.trim(), Zone::Offset(0)));
    }
    if let Some((time, name)) = rest.rsplit_once(' ')
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
    {
        return Some((time.trim(), Zone::Named(zone::named_zone(name)?)));
    }
    if let Some(time) = rest
        .strip_suffix("UTC")
        .or_else(|| rest.strip_suffix("GMT"))
    {
        return Some((time.trim(), Zone::Offset(0)));
    }
    let Some(i) = rest.rfind(['+', '-']) else {
        return Some((rest, Zone::Session));
    };
    let (time, zone) = (rest[..i].trim(), &rest[i..]);
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let zone = &zone[1..];
    let (h, m, s) = if let Some((h, rest)) = zone.split_once(':') {
        let (m, s) = rest.split_once(':').unwrap_or((rest, "0"));
        (
            h.parse::<i64>().ok()?,
            m.parse::<i64>().ok()?,
            s.parse::<i64>().ok()?,
        )
    } else {
        match zone.len() {
            1 | 2 => (zone.parse().ok()?, 0, 0),
            4 => (zone[..2].parse().ok()?, zone[2..].parse().ok()?, 0),
            _ => return None,
        }
    };
    Some((time, Zone::Offset(sign * (h * 3600 + m * 60 + s))))
}

/// A timestamptz as PostgreSQL prints it: the wall-clock time in the session's zone and that
/// zone's offset (`2024-07-01 12:00:00+02`).
pub fn format_timestamptz(us: i64) -> String {
    if matches!(us, i64::MAX | i64::MIN) {
        return format_timestamp(us);
    }
    let z = zone::session_zone();
    let offset = zone::offset_at(&z, us);
    format_timestamp(us + offset * 1_000_000) + &zone::format_offset(offset, false)
}

/// The first timestamp PostgreSQL accepts (4714-11-24 00:00:00 BC) and the first it refuses
/// (294277-01-01), in microseconds since 2000-01-01.
const MIN_TIMESTAMP: i64 = -211_813_488_000_000_000;
const END_TIMESTAMP: i64 = 9_223_371_331_200_000_000;

/// 22008 `timestamp out of range`.
pub fn timestamp_out_of_range() -> PgError {
    PgError::new(
        SqlState::DATETIME_VALUE_OUT_OF_RANGE,
        "timestamp out of range",
    )
}

/// `us` when it is a finite timestamp PostgreSQL can hold.
pub fn check_timestamp(us: i64) -> Result<i64, PgError> {
    if (MIN_TIMESTAMP..END_TIMESTAMP).contains(&us) {
        Ok(us)
    } else {
        Err(timestamp_out_of_range())
    }
}

pub fn is_finite(us: i64) -> bool {
    !matches!(us, i64::MAX | i64::MIN)
}

/// A timestamp broken into its calendar fields, as PostgreSQL's `struct pg_tm`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tm {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
    pub micros: i64,
}

impl Tm {
    /// The fields of a wall-clock timestamp (microseconds since 2000-01-01).
    pub fn of(us: i64) -> Tm {
        let (y, m, d) = civil_from_days(us.div_euclid(USECS_PER_DAY) + PG_EPOCH_DAYS);
        let t = us.rem_euclid(USECS_PER_DAY);
        Tm {
            year: y,
            month: m,
            day: d,
            hour: t / 3_600_000_000,
            minute: t / 60_000_000 % 60,
            second: t / 1_000_000 % 60,
            micros: t % 1_000_000,
        }
    }

    /// Days since 2000-01-01 of the date part.
    pub fn days(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day) - PG_EPOCH_DAYS
    }

    /// The wall-clock timestamp, checked against PostgreSQL's range.
    pub fn timestamp(&self) -> Result<i64, PgError> {
        let time = ((self.hour * 60 + self.minute) * 60 + self.second) * 1_000_000 + self.micros;
        self.days()
            .checked_mul(USECS_PER_DAY)
            .and_then(|d| d.checked_add(time))
            .ok_or_else(timestamp_out_of_range)
            .and_then(check_timestamp)
    }
}

/// timestamp + interval: months on the calendar (the day clamped to the month's end), then
/// days, then the time. With a zone (timestamptz), months and days move the wall clock there,
/// so `+ 1 day` across a DST change keeps the hour, as in PostgreSQL.
pub fn add_interval(us: i64, iv: Interval, zone: Option<&TimeZone>) -> Result<i64, PgError> {
    if !is_finite(us) {
        return Ok(us);
    }
    let mut us = us;
    if iv.months != 0 || iv.days != 0 {
        let local = zone.map_or(us, |z| zone::to_local(z, us));
        let mut tm = Tm::of(local);
        if iv.months != 0 {
            let months = tm.year * 12 + tm.month - 1 + i64::from(iv.months);
            tm.year = months.div_euclid(12);
            tm.month = months.rem_euclid(12) + 1;
            tm.day = tm.day.min(days_in_month(tm.year, tm.month));
        }
        let moved = tm
            .timestamp()?
            .checked_add(i64::from(iv.days) * USECS_PER_DAY)
            .ok_or_else(timestamp_out_of_range)?;
        us = match zone {
            Some(z) => zone::to_utc(z, check_timestamp(moved)?),
            None => moved,
        };
    }
    us.checked_add(iv.micros)
        .ok_or_else(timestamp_out_of_range)
        .and_then(check_timestamp)
}

/// timestamp - timestamp: the difference in days and time (justify_hours), never months.
pub fn difference(a: i64, b: i64) -> Result<Interval, PgError> {
    if !is_finite(a) || !is_finite(b) {
        return Err(PgError::new(
            SqlState::DATETIME_VALUE_OUT_OF_RANGE,
            "cannot subtract infinite timestamps",
        ));
    }
    let micros = a.checked_sub(b).ok_or_else(interval::out_of_range)?;
    Interval {
        months: 0,
        days: 0,
        micros,
    }
    .justify_hours()
}

/// age(a, b) of two wall-clock timestamps: years, months and days on the calendar, borrowing
/// as PostgreSQL's timestamp_age does.
pub fn age(a: i64, b: i64) -> Result<Interval, PgError> {
    if !is_finite(a) || !is_finite(b) {
        return Err(PgError::new(
            SqlState::DATETIME_VALUE_OUT_OF_RANGE,
            "interval out of range",
        ));
    }
    let (t1, t2) = (Tm::of(a), Tm::of(b));
    let mut f = [
        t1.micros - t2.micros,
        t1.second - t2.second,
        t1.minute - t2.minute,
        t1.hour - t2.hour,
        t1.day - t2.day,
        t1.month - t2.month,
        t1.year - t2.year,
    ];
    let before = a < b;
    if before {
        f.iter_mut().for_each(|x| *x = -*x);
    }
    let [us, sec, min, hour, day, mon, year] = &mut f;
    while *us < 0 {
        *us += 1_000_000;
        *sec -= 1;
    }
    while *sec < 0 {
        *sec += 60;
        *min -= 1;
    }
    while *min < 0 {
        *min += 60;
        *hour -= 1;
    }
    while *hour < 0 {
        *hour += 24;
        *day -= 1;
    }
    while *day < 0 {
        let t = if before { t1 } else { t2 };
        *day += days_in_month(t.year, t.month);
        *mon -= 1;
    }
    while *mon < 0 {
        *mon += 12;
        *year -= 1;
    }
    if before {
        f.iter_mut().for_each(|x| *x = -*x);
    }
    let [us, sec, min, hour, day, mon, year] = f;
    let months = i32::try_from(year * 12 + mon).map_err(|_| interval::out_of_range())?;
    Ok(Interval {
        months,
        days: day as i32,
        micros: ((hour * 60 + min) * 60 + sec) * 1_000_000 + us,
    })
}
