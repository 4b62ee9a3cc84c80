//! to_char, to_timestamp and to_date with PostgreSQL's template patterns (YYYY, MM, DD, HH24,
//! MI, SS, MS, US, Mon, Month, Dy, Day, AM, TZ, ...), the FM and TH modifiers, quoted literals.

use devdb_pg::value::datetime::{self, PG_EPOCH_DAYS, Tm};
use devdb_pg::value::zone;
use devdb_pg::{Oid, PgError, PgType, SqlState, Value};

use super::datetime::local_fields;
use super::{arg, as_int, as_text};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Template patterns, longest first so that `HH24` wins over `HH` and `MONTH` over `MON`.
const PATTERNS: &[&str] = &[
    "Y,YYY", "HH24", "HH12", "SSSS", "YYYY", "IYYY", "MONTH", "Month", "month", "A.M.", "a.m.",
    "P.M.", "p.m.", "B.C.", "b.c.", "A.D.", "a.d.", "IDDD", "YYY", "IYY", "MON", "Mon", "mon",
    "DAY", "Day", "day", "DDD", "TZH", "TZM", "HH", "MI", "SS", "MS", "US", "AM", "am", "PM", "pm",
    "BC", "bc", "AD", "ad", "YY", "IY", "MM", "DY", "Dy", "dy", "DD", "ID", "WW", "IW", "CC", "RM",
    "rm", "TZ", "tz", "OF", "Y", "I", "D", "W", "J", "Q",
];

/// One piece of a template.
enum Piece<'a> {
    Pattern {
        name: &'a str,
        fill: bool,
        th: Option<bool>,
    },
    Literal(String),
}

fn parse_template(fmt: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = fmt;
    while !rest.is_empty() {
        let mut fill = false;
        let mut r = rest;
        if let Some(after) = r.strip_prefix("FM").or_else(|| r.strip_prefix("fm")) {
            fill = true;
            r = after;
        }
        if let Some(after) = r.strip_prefix("FX").or_else(|| r.strip_prefix("fx")) {
            rest = after;
            continue;
        }
        if let Some(name) = PATTERNS.iter().find(|p| r.starts_with(**p)) {
            r = &r[name.len()..];
            let th = if let Some(after) = r.strip_prefix("TH") {
                r = after;
                Some(true)
            } else if let Some(after) = r.strip_prefix("th") {
                r = after;
                Some(false)
            } else {
                None
            };
            out.push(Piece::Pattern { name, fill, th });
            rest = r;
            continue;
        }
        let (text, after) = literal(rest);
        out.push(Piece::Literal(text));
        rest = after;
    }
    out
}

/// The literal text at the start of a template that is no pattern: a double-quoted string
/// (backslash escapes inside), a backslash-escaped character, or one character; and the rest.
pub(super) fn literal(template: &str) -> (String, &str) {
    let mut chars = template.chars();
    let text = match chars.next().unwrap_or_default() {
        '"' => {
            let mut text = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => text.extend(chars.next()),
                    c => text.push(c),
                }
            }
            text
        }
        '\\' => chars.next().map_or("\\".into(), String::from),
        c => c.to_string(),
    };
    (text, chars.as_str())
}

pub(super) fn ordinal(n: i64, upper: bool) -> &'static str {
    let s = match (n % 100, n % 10) {
        (11..=13, _) => "th",
        (_, 1) => "st",
        (_, 2) => "nd",
        (_, 3) => "rd",
        _ => "th",
    };
    match (upper, s) {
        (false, s) => s,
        (true, "st") => "ST",
        (true, "nd") => "ND",
        (true, "rd") => "RD",
        (true, _) => "TH",
    }
}

/// A name in the case the pattern is written in: `Month`, `MONTH` or `month`.
fn cased(name: &str, pattern: &str, width: usize, fill: bool) -> String {
    let s = if pattern.chars().all(|c| c.is_ascii_uppercase()) {
        name.to_uppercase()
    } else if pattern.starts_with(|c: char| c.is_ascii_lowercase()) {
        name.to_lowercase()
    } else {
        name.to_owned()
    };
    if fill { s } else { format!("{s:<width$}") }
}

const ROMAN: [&str; 12] = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
];

/// What a template is rendered from: a point in time, or an interval's fields.
struct Fields<'z> {
    tm: Tm,
    /// The year as templates print it (1 BC is 1 for a date, an interval's year as is).
    year: i64,
    /// Days since 2000-01-01 (for a date), or the interval's approximate span in days.
    days: i64,
    doy: i64,
    interval: bool,
    offset: i64,
    zone_abbrev: &'z dyn Fn() -> String,
}

/// `pg_to_char(value, type_oid, template)` for timestamps, timestamptz and dates.
pub fn to_char(a: &[Value]) -> Result<Value, PgError> {
    let (Some(x), Some(fmt)) = (as_int(arg(a, 0))?, as_text(arg(a, 2))?) else {
        return Ok(Value::Null);
    };
    let ty = as_int(arg(a, 1))?
        .and_then(|o| u32::try_from(o).ok())
        .and_then(|o| PgType::from_oid(Oid(o)))
        .ok_or_else(|| PgError::internal("to_char: bad type"))?;
    if !datetime::is_finite(x)
        || (ty == PgType::Date && matches!(x, 2_147_483_647 | -2_147_483_648))
    {
        return Ok(Value::Null);
    }
    let (tm, offset) = local_fields(x, ty);
    let days = tm.days();
    let year = if tm.year > 0 { tm.year } else { 1 - tm.year };
    let doy = days - (datetime::days_from_civil(tm.year, 1, 1) - PG_EPOCH_DAYS) + 1;
    let zone_abbrev = || {
        if ty != PgType::Timestamptz {
            return String::new();
        }
        zone::abbreviation_at(&zone::session_zone(), x)
    };
    let fields = Fields {
        tm,
        year,
        days,
        doy,
        interval: false,
        offset,
        zone_abbrev: &zone_abbrev,
    };
    render(&fields, fmt).map(Value::Text)
}

/// `pg_interval_to_char(interval, template)`: the interval's years, months, days, hours (past
/// 24 too), minutes, seconds and fractions; patterns tied to calendar dates are 22007.
pub fn interval_to_char(a: &[Value]) -> Result<Value, PgError> {
    let (Some(iv), Some(fmt)) = (
        super::datetime::interval_of(arg(a, 0))?,
        as_text(arg(a, 1))?,
    ) else {
        return Ok(Value::Null);
    };
    let (months, days) = (i64::from(iv.months), i64::from(iv.days));
    let tm = Tm {
        year: months / 12,
        month: months % 12,
        day: days,
        hour: iv.micros / 3_600_000_000,
        minute: iv.micros / 60_000_000 % 60,
        second: iv.micros / 1_000_000 % 60,
        micros: iv.micros % 1_000_000,
    };
    let fields = Fields {
        year: tm.year,
        days,
        // PostgreSQL's approximation of the span in days.
        doy: months * 30 + days,
        tm,
        interval: true,
        offset: 0,
        zone_abbrev: &String::new,
    };
    render(&fields, fmt).map(Value::Text)
}

fn not_for_interval() -> PgError {
    PgError::new(
        SqlState::INVALID_DATETIME_FORMAT,
        "invalid format specification for an interval value",
    )
    .with_hint("Intervals are not tied to specific calendar dates.")
}

fn render(f: &Fields<'_>, fmt: &str) -> Result<String, PgError> {
    let Fields {
        tm,
        year,
        days,
        doy,
        offset,
        ..
    } = *f;
    let dow = (days + PG_EPOCH_DAYS + 4).rem_euclid(7);
    let isodow = if dow == 0 { 7 } else { dow };
    let (iso_year, iso_week) = {
        let thursday = days + 4 - isodow;
        let (y, _, _) = datetime::civil_from_days(thursday + PG_EPOCH_DAYS);
        let jan1 = datetime::days_from_civil(y, 1, 1) - PG_EPOCH_DAYS;
        (y, (thursday - jan1) / 7 + 1)
    };
    let zone_abbrev = f.zone_abbrev;
    let mut out = String::new();
    for piece in parse_template(fmt) {
        let (name, fill, th) = match piece {
            Piece::Literal(s) => {
                out.push_str(&s);
                continue;
            }
            Piece::Pattern { name, fill, th } => (name, fill, th),
        };
        if f.interval && !for_interval(name) {
            return Err(not_for_interval());
        }
        // A negative field (an interval's) takes one more place, for its sign.
        let num = |n: i64, width: usize| {
            if fill {
                n.to_string()
            } else {
                let width = if n < 0 { width + 1 } else { width };
                format!("{n:0width$}")
            }
        };
        let pm = tm.hour % 24 >= 12;
        let (text, n) = match name {
            "HH24" => (num(tm.hour, 2), tm.hour),
            "HH" | "HH12" => {
                let h = if tm.hour % 12 == 0 { 12 } else { tm.hour % 12 };
                (num(h, 2), h)
            }
            "MI" => (num(tm.minute, 2), tm.minute),
            "SS" => (num(tm.second, 2), tm.second),
            "MS" => (num(tm.micros / 1000, 3), tm.micros / 1000),
            "US" => (num(tm.micros, 6), tm.micros),
            "SSSS" => {
                let s = tm.hour * 3600 + tm.minute * 60 + tm.second;
                (s.to_string(), s)
            }
            "AM" | "PM" => ((if pm { "PM" } else { "AM" }).into(), 0),
            "am" | "pm" => ((if pm { "pm" } else { "am" }).into(), 0),
            "A.M." | "P.M." => ((if pm { "P.M." } else { "A.M." }).into(), 0),
            "a.m." | "p.m." => ((if pm { "p.m." } else { "a.m." }).into(), 0),
            "YYYY" => (num(year, 4), year),
            "Y,YYY" => (format!("{},{:03}", year / 1000, year % 1000), year),
            "YYY" => (num(year % 1000, 3), year % 1000),
            "YY" => (num(year % 100, 2), year % 100),
            "Y" => (num(year % 10, 1), year % 10),
            "IYYY" => (num(iso_year, 4), iso_year),
            "IYY" => (num(iso_year % 1000, 3), iso_year % 1000),
            "IY" => (num(iso_year % 100, 2), iso_year % 100),
            "I" => (num(iso_year % 10, 1), iso_year % 10),
            "BC" | "AD" => ((if tm.year > 0 { "AD" } else { "BC" }).into(), 0),
            "bc" | "ad" => ((if tm.year > 0 { "ad" } else { "bc" }).into(), 0),
            "B.C." | "A.D." => ((if tm.year > 0 { "A.D." } else { "B.C." }).into(), 0),
            "b.c." | "a.d." => ((if tm.year > 0 { "a.d." } else { "b.c." }).into(), 0),
            "MONTH" | "Month" | "month" => {
                (cased(MONTHS[(tm.month - 1) as usize], name, 9, fill), 0)
            }
            "MON" | "Mon" | "mon" => (
                cased(&MONTHS[(tm.month - 1) as usize][..3], name, 3, true),
                0,
            ),
            "MM" => (num(tm.month, 2), tm.month),
            "DAY" | "Day" | "day" => (cased(DAYS[dow as usize], name, 9, fill), 0),
            "DY" | "Dy" | "dy" => (cased(&DAYS[dow as usize][..3], name, 3, true), 0),
            "DDD" => (num(doy, 3), doy),
            "IDDD" => {
                let jan4 = datetime::days_from_civil(iso_year, 1, 4) - PG_EPOCH_DAYS;
                let isodow4 = (jan4 + PG_EPOCH_DAYS + 3).rem_euclid(7);
                let n = days - (jan4 - isodow4) + 1;
                (num(n, 3), n)
            }
            "DD" => (num(tm.day, 2), tm.day),
            "D" => (num(dow + 1, 1), dow + 1),
            "ID" => (num(isodow, 1), isodow),
            "W" => (num((tm.day - 1) / 7 + 1, 1), (tm.day - 1) / 7 + 1),
            "WW" => (num((doy - 1) / 7 + 1, 2), (doy - 1) / 7 + 1),
            "IW" => (num(iso_week, 2), iso_week),
            "CC" if f.interval => (num(tm.year / 100, 2), tm.year / 100),
            "CC" => {
                let c = if tm.year > 0 {
                    (tm.year + 99) / 100
                } else {
                    -((99 - (tm.year - 1)) / 100)
                };
                (num(c, 2), c)
            }
            "J" => {
                let j = days + PG_EPOCH_DAYS + 2_440_588;
                (j.to_string(), j)
            }
            "Q" if tm.month == 0 => (String::new(), 0),
            "Q" => (num((tm.month - 1) / 3 + 1, 1), (tm.month - 1) / 3 + 1),
            "RM" | "rm" => {
                let r = ROMAN[(tm.month - 1) as usize];
                let r = if name == "rm" {
                    r.to_lowercase()
                } else {
                    r.into()
                };
                (if fill { r } else { format!("{r:<4}") }, 0)
            }
            "TZ" => (zone_abbrev().to_uppercase(), 0),
            "tz" => (zone_abbrev().to_lowercase(), 0),
            "OF" => (zone::format_offset(offset, false), 0),
            "TZH" => {
                let sign = if offset < 0 { '-' } else { '+' };
                (format!("{sign}{:02}", offset.abs() / 3600), 0)
            }
            _ => (format!("{:02}", offset.abs() / 60 % 60), 0),
        };
        out.push_str(&text);
        if let Some(upper) = th {
            out.push_str(ordinal(n, upper));
        }
    }
    Ok(out)
}

/// The patterns an interval can fill: its fields, not a calendar's.
fn for_interval(name: &str) -> bool {
    !matches!(
        name,
        "MONTH"
            | "Month"
            | "month"
            | "MON"
            | "Mon"
            | "mon"
            | "DAY"
            | "Day"
            | "day"
            | "DY"
            | "Dy"
            | "dy"
            | "D"
            | "ID"
            | "IDDD"
            | "IW"
            | "IYYY"
            | "IYY"
            | "IY"
            | "I"
            | "J"
            | "TZ"
            | "tz"
            | "TZH"
            | "TZM"
            | "OF"
            | "RM"
            | "rm"
            | "BC"
            | "bc"
            | "AD"
            | "ad"
            | "B.C."
            | "b.c."
            | "A.D."
            | "a.d."
    )
}

fn bad_value(what: &str) -> PgError {
    PgError::new(
        SqlState::INVALID_DATETIME_FORMAT,
        format!("invalid value \"{what}\" for \"{what}\""),
    )
}

/// Reads up to `max` digits (with an optional sign) from `input`.
fn digits<'a>(input: &mut &'a str, max: usize) -> Option<&'a str> {
    let s = *input;
    let sign = usize::from(s.starts_with(['-', '+']));
    let n = s[sign..]
        .bytes()
        .take(max)
        .take_while(u8::is_ascii_digit)
        .count();
    if n == 0 {
        return None;
    }
    let (taken, rest) = s.split_at(sign + n);
    *input = rest;
    Some(taken)
}

/// A number of up to `max` digits for pattern `name`, and how many digits it had.
fn read_number(input: &mut &str, max: usize, name: &str) -> Result<(i64, usize), PgError> {
    let before = *input;
    let d = digits(input, max).ok_or_else(|| {
        if before.is_empty() {
            short()
        } else {
            let shown: String = before.chars().take(max).collect();
            PgError::new(
                SqlState::INVALID_DATETIME_FORMAT,
                format!("invalid value \"{shown}\" for \"{name}\""),
            )
        }
    })?;
    let n = d.trim_start_matches(['-', '+']).len();
    Ok((d.parse().map_err(|_| bad_value(name))?, n))
}

fn short() -> PgError {
    PgError::new(
        SqlState::INVALID_DATETIME_FORMAT,
        "source string too short for format",
    )
}

/// `pg_to_timestamp(text, template, to_date)`: the text read with the template, a timestamptz
/// in the session's zone (or a date).
pub fn to_timestamp(a: &[Value]) -> Result<Value, PgError> {
    let (Some(text), Some(fmt)) = (as_text(arg(a, 0))?, as_text(arg(a, 1))?) else {
        return Ok(Value::Null);
    };
    let to_date = as_int(arg(a, 2))? == Some(1);
    let mut tm = Tm {
        year: 1,
        month: 1,
        day: 1,
        hour: 0,
        minute: 0,
        second: 0,
        micros: 0,
    };
    let mut pm: Option<bool> = None;
    let mut bc = false;
    let mut input = text;
    let pieces = parse_template(fmt);
    for (i, piece) in pieces.iter().enumerate() {
        // A number followed by another pattern has its fixed width (`YYYYMMDD`); before a
        // separator or at the end it takes every digit there is, as PostgreSQL reads it.
        let greedy = !matches!(pieces.get(i + 1), Some(Piece::Pattern { .. }));
        let width = |w: usize| if greedy && w > 1 { 9 } else { w };
        let name = match *piece {
            Piece::Literal(ref s) => {
                // A separator or blank in the template skips what stands in the input.
                if s.chars().all(|c| !c.is_alphanumeric()) {
                    input = input.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '-');
                    if input.starts_with('-') && s.contains('-') {
                        input = &input[1..];
                    }
                } else {
                    input = input.get(s.len()..).unwrap_or("");
                }
                continue;
            }
            Piece::Pattern { name, .. } => name,
        };
        input = input.trim_start();
        match name {
            "YYYY" | "IYYY" => tm.year = read_number(&mut input, width(4), name)?.0,
            "Y,YYY" => {
                let (th, _) = read_number(&mut input, 3, name)?;
                input = input.strip_prefix(',').unwrap_or(input);
                tm.year = th * 1000 + read_number(&mut input, 3, name)?.0;
            }
            "YYY" | "IYY" => {
                let (y, _) = read_number(&mut input, 3, name)?;
                tm.year = if y < 100 { y + 2000 } else { y + 1000 };
            }
            "YY" | "IY" => {
                let (y, _) = read_number(&mut input, 2, name)?;
                tm.year = if y < 70 { y + 2000 } else { y + 1900 };
            }
            "Y" | "I" => tm.year = read_number(&mut input, 1, name)?.0 + 2000,
            "MM" => tm.month = read_number(&mut input, width(2), name)?.0,
            "DD" => tm.day = read_number(&mut input, width(2), name)?.0,
            "DDD" | "IDDD" => {
                let doy = read_number(&mut input, 3, name)?.0;
                let d = datetime::days_from_civil(tm.year, 1, 1) + doy - 1;
                let (_, m, dd) = datetime::civil_from_days(d);
                (tm.month, tm.day) = (m, dd);
            }
            "HH" | "HH12" | "HH24" => tm.hour = read_number(&mut input, width(2), name)?.0,
            "MI" => tm.minute = read_number(&mut input, width(2), name)?.0,
            "SS" => tm.second = read_number(&mut input, width(2), name)?.0,
            "MS" => {
                let (v, n) = read_number(&mut input, 3, name)?;
                tm.micros += v * 10i64.pow(6 - n as u32);
            }
            "US" => {
                let (v, n) = read_number(&mut input, 6, name)?;
                tm.micros += v * 10i64.pow(6 - n as u32);
            }
            "SSSS" => {
                let s = read_number(&mut input, 5, name)?.0;
                (tm.hour, tm.minute, tm.second) = (s / 3600, s / 60 % 60, s % 60);
            }
            "J" => {
                let j = read_number(&mut input, 9, name)?.0;
                let (y, m, d) = datetime::civil_from_days(j - 2_440_588);
                (tm.year, tm.month, tm.day) = (y, m, d);
            }
            "AM" | "PM" | "am" | "pm" | "A.M." | "P.M." | "a.m." | "p.m." => {
                let lower = input.to_ascii_lowercase();
                let (is_pm, len) = if lower.starts_with("a.m.") {
                    (false, 4)
                } else if lower.starts_with("p.m.") {
                    (true, 4)
                } else if lower.starts_with("am") {
                    (false, 2)
                } else if lower.starts_with("pm") {
                    (true, 2)
                } else {
                    return Err(bad_value(name));
                };
                pm = Some(is_pm);
                input = &input[len..];
            }
            "BC" | "bc" | "AD" | "ad" | "B.C." | "b.c." | "A.D." | "a.d." => {
                let lower = input.to_ascii_lowercase();
                let len = if lower.starts_with("b.c.") || lower.starts_with("a.d.") {
                    4
                } else {
                    2
                };
                bc = lower.starts_with('b');
                input = input.get(len..).unwrap_or("");
            }
            "MONTH" | "Month" | "month" | "MON" | "Mon" | "mon" => {
                let lower = input.to_ascii_lowercase();
                let full = name.len() > 3;
                let found = MONTHS.iter().enumerate().find_map(|(i, m)| {
                    let m = m.to_ascii_lowercase();
                    let key = if full { m.as_str() } else { &m[..3] };
                    lower.starts_with(key).then_some((i, key.len()))
                });
                let (i, len) = found.ok_or_else(|| {
                    PgError::new(
                        SqlState::INVALID_DATETIME_FORMAT,
                        format!(
                            "invalid value \"{}\" for \"{name}\"",
                            input.chars().take(3).collect::<String>()
                        ),
                    )
                })?;
                tm.month = i as i64 + 1;
                input = &input[len..];
            }
            "DAY" | "Day" | "day" | "DY" | "Dy" | "dy" => {
                let len = input
                    .find(|c: char| !c.is_alphabetic())
                    .unwrap_or(input.len());
                input = &input[len..];
            }
            "D" | "ID" | "W" | "Q" | "CC" => {
                read_number(&mut input, 2, name)?;
            }
            "WW" | "IW" => {
                read_number(&mut input, 2, name)?;
            }
            other => {
                return Err(PgError::feature_not_supported(format!(
                    "template pattern \"{other}\" in to_timestamp"
                )));
            }
        }
    }
    if bc {
        tm.year = 1 - tm.year;
    }
    match pm {
        Some(_) if !(1..=12).contains(&tm.hour) => {
            return Err(PgError::new(
                SqlState::INVALID_DATETIME_FORMAT,
                format!("hour \"{}\" is invalid for the 12-hour clock", tm.hour),
            )
            .with_hint("Use the 24-hour clock, or give an hour between 1 and 12."));
        }
        Some(true) if tm.hour < 12 => tm.hour += 12,
        Some(false) if tm.hour == 12 => tm.hour = 0,
        _ => {}
    }
    let valid = (1..=12).contains(&tm.month)
        && tm.day >= 1
        && tm.day <= datetime::days_in_month(tm.year, tm.month)
        && (0..24).contains(&tm.hour)
        && (0..60).contains(&tm.minute)
        && (0..60).contains(&tm.second);
    if !valid {
        return Err(PgError::new(
            SqlState::DATETIME_FIELD_OVERFLOW,
            "date/time field value out of range",
        ));
    }
    if to_date {
        return Ok(Value::Int(tm.days()));
    }
    let local = tm.timestamp()?;
    Ok(Value::Int(zone::to_utc(&zone::session_zone(), local)))
}
