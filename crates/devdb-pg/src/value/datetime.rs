//! Dates and times in PostgreSQL's internal units: days and microseconds since 2000-01-01.

use jiff::tz::TimeZone;

use super::zone;

const USECS_PER_DAY: i64 = 86_400_000_000;
/// Days from 1970-01-01 to 2000-01-01.
const PG_EPOCH_DAYS: i64 = 10_957;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
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

fn days_in_month(y: i64, m: i64) -> i64 {
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
