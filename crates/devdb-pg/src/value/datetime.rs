//! Dates and times in PostgreSQL's internal units: days and microseconds since 2000-01-01.

pub mod input;

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
