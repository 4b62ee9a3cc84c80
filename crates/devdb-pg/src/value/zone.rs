//! The session's TimeZone: how timestamptz values (UTC instants) are read and shown.
//!
//! Zones come from the IANA database bundled into the binary (jiff), so they work the same on
//! a fresh machine. The executor sets the zone of the session whose statement runs on this
//! thread ([`set_session_zone`]) before each statement and each Bind; text I/O and the casts
//! of timestamptz read it from there.

use std::cell::RefCell;

use jiff::Timestamp;
use jiff::tz::Offset;
pub use jiff::tz::TimeZone;

use crate::value::interval::{Interval, USECS_PER_SEC};
use crate::{PgError, SqlState};

/// Microseconds from 1970-01-01 to 2000-01-01.
const UNIX_TO_PG_US: i64 = 946_684_800_000_000;

thread_local! {
    /// The zone of the session running on this thread, with the setting it came from.
    static SESSION: RefCell<(String, TimeZone)> = RefCell::new(("UTC".to_owned(), TimeZone::UTC));
}

/// Makes `setting` (a validated TimeZone value) the zone of what runs next on this thread.
pub fn set_session_zone(setting: &str) {
    SESSION.with(|s| {
        let mut s = s.borrow_mut();
        if s.0 != setting {
            let zone = resolve(setting, true).map_or(TimeZone::UTC, |(zone, _)| zone);
            *s = (setting.to_owned(), zone);
        }
    });
}

/// The zone of the session running on this thread.
pub fn session_zone() -> TimeZone {
    SESSION.with(|s| s.borrow().1.clone())
}

/// Checks a TimeZone setting and returns its value as SHOW gives it: an IANA name in its
/// canonical spelling, a number of hours east of UTC (`SET TIME ZONE 5`, shown `<+05>-05`), or
/// a POSIX offset (`+05:30`, hours *west* of UTC as POSIX has it).
pub fn zone_setting(value: &str) -> Result<String, PgError> {
    resolve(value, true).map(|(_, shown)| shown).ok_or_else(|| {
        PgError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("invalid value for parameter \"TimeZone\": \"{value}\""),
        )
    })
}

/// The zone `AT TIME ZONE` names: a name or a POSIX offset (`'+05'` is 5 hours *west*, unlike
/// the TimeZone setting, which takes a bare number as hours east).
pub fn lookup(value: &str) -> Result<TimeZone, PgError> {
    resolve(value, false).map(|(zone, _)| zone).ok_or_else(|| {
        PgError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("time zone \"{value}\" not recognized"),
        )
    })
}

/// The setting `SET TIME ZONE INTERVAL '...'` makes: a fixed offset east of UTC, shown as
/// `<+05:30>-05:30`. PostgreSQL takes only hours, minutes and seconds from the interval.
pub fn interval_zone_setting(offset: Interval) -> Result<String, PgError> {
    let unit = match offset {
        Interval {
            months: 0, days: 0, ..
        } => None,
        Interval { months: 0, .. } => Some("days"),
        _ => Some("months"),
    };
    let secs = offset.micros / USECS_PER_SEC;
    let fixed = i32::try_from(secs).ok().and_then(fixed_offset);
    match (unit, fixed) {
        (None, Some((_, shown))) => Ok(shown),
        (unit, _) => {
            let e = PgError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                format!("invalid value for parameter \"TimeZone\": \"INTERVAL '{offset}'\""),
            );
            Err(match unit {
                Some(unit) => {
                    e.with_detail(format!("Cannot specify {unit} in time zone interval."))
                }
                None => e,
            })
        }
    }
}

/// The fixed zone `secs` east of UTC, with the POSIX spelling SHOW gives it (`<+05>-05`).
fn fixed_offset(secs: i32) -> Option<(TimeZone, String)> {
    let east = format_offset(i64::from(secs), false);
    // POSIX counts west, so the sign flips: zero is `-00`, as PostgreSQL writes it.
    let west = match secs {
        0 => "-00".to_owned(),
        _ => format_offset(-i64::from(secs), false),
    };
    let zone = TimeZone::fixed(Offset::from_seconds(secs).ok()?);
    Some((zone, format!("<{east}>{west}")))
}

/// A POSIX offset `[+-]HH[:MM[:SS]]` in seconds *west* of UTC, as POSIX counts.
fn posix_offset(text: &str) -> Option<i32> {
    let rest = text.strip_prefix(['+', '-']).unwrap_or(text);
    let mut fields = rest.split(':');
    let h: i32 = fields.next()?.parse().ok()?;
    let m: i32 = fields.next().map_or(Some(0), |m| m.parse().ok())?;
    let s: i32 = fields.next().map_or(Some(0), |s| s.parse().ok())?;
    if fields.next().is_some() || h > 24 || !(0..60).contains(&m) || !(0..60).contains(&s) {
        return None;
    }
    let west = (h * 60 + m) * 60 + s;
    Some(if text.starts_with('-') { -west } else { west })
}

fn resolve(value: &str, numeric_hours: bool) -> Option<(TimeZone, String)> {
    let v = value.trim();
    if let Some(hours) = v.parse::<f64>().ok().filter(|_| numeric_hours) {
        let secs = (hours * 3600.0).round();
        if !secs.is_finite() || secs.abs() >= 15.0 * 3600.0 {
            return None;
        }
        return fixed_offset(secs as i32);
    }
    if v.starts_with(['+', '-']) {
        let west = posix_offset(v).filter(|w| w.abs() < 16 * 3600)?;
        return Some((
            TimeZone::fixed(Offset::from_seconds(-west).ok()?),
            v.to_owned(),
        ));
    }
    if let Ok(zone) = TimeZone::get(v) {
        let shown = zone.iana_name().unwrap_or(v).to_owned();
        return Some((zone, shown));
    }
    if let Ok(zone) = TimeZone::posix(v) {
        return Some((zone, v.to_owned()));
    }
    // `<+05:30>-05:30`, as SHOW prints an offset zone: POSIX abbreviations cannot hold the
    // colons jiff's POSIX parser would need, so the offset after the name is read here.
    let (_, offset) = v.strip_prefix('<')?.split_once('>')?;
    let west = posix_offset(offset)?;
    Some((
        TimeZone::fixed(Offset::from_seconds(-west).ok()?),
        v.to_owned(),
    ))
}

/// A named zone written inside a timestamp (`2024-07-01 10:00 Europe/Paris`).
pub fn named_zone(name: &str) -> Option<TimeZone> {
    TimeZone::get(name).ok()
}

/// The instant `us` (microseconds since 2000-01-01), if jiff's range (years -9999..9999) has it.
fn instant(us: i64) -> Option<Timestamp> {
    Timestamp::from_microsecond(us.checked_add(UNIX_TO_PG_US)?).ok()
}

/// The instant `us`, clamped into jiff's range (zones have no transitions out there).
fn timestamp(us: i64) -> Timestamp {
    instant(us).unwrap_or(if us < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

/// Seconds east of UTC that `zone` keeps at the instant `us` (microseconds since 2000-01-01 UTC).
pub fn offset_at(zone: &TimeZone, us: i64) -> i64 {
    i64::from(zone.to_offset(timestamp(us)).seconds())
}

/// The zone's abbreviation at the instant `us` (`EST`, `CEST`, `+03`), as to_char's TZ shows it.
pub fn abbreviation_at(zone: &TimeZone, us: i64) -> String {
    zone.to_offset_info(timestamp(us)).abbreviation().to_owned()
}

/// The wall-clock time in `zone` at the instant `us`; infinities stay infinite.
pub fn to_local(zone: &TimeZone, us: i64) -> i64 {
    if matches!(us, i64::MAX | i64::MIN) {
        return us;
    }
    us.saturating_add(offset_at(zone, us) * 1_000_000)
}

/// The instant at which `zone` shows the wall-clock time `local`. A time skipped by a
/// spring-forward transition, or shown twice by a fall-back one, is read as the later of its
/// two readings, as PostgreSQL reads it.
pub fn to_utc(zone: &TimeZone, local: i64) -> i64 {
    if matches!(local, i64::MAX | i64::MIN) {
        return local;
    }
    let later = instant(local).and_then(|t| {
        let civil = TimeZone::UTC.to_datetime(t);
        zone.to_ambiguous_timestamp(civil).later().ok()
    });
    match later {
        Some(t) => t.as_microsecond() - UNIX_TO_PG_US,
        None => local - offset_at(zone, local) * 1_000_000,
    }
}

/// `+HH`, `+HH:MM` or `+HH:MM:SS`, as timestamptz output spells offsets; `full` always gives
/// the minutes, as JSON's ISO 8601 form does.
pub fn format_offset(secs: i64, full: bool) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.abs();
    let (h, m, s) = (a / 3600, a / 60 % 60, a % 60);
    match (m, s) {
        (_, s) if s != 0 => format!("{sign}{h:02}:{m:02}:{s:02}"),
        (0, _) if !full => format!("{sign}{h:02}"),
        _ => format!("{sign}{h:02}:{m:02}"),
    }
}

#[cfg(test)]
mod tests;
