use super::*;

/// 2024-07-01 10:00 as microseconds since 2000-01-01.
const JULY_1_10H: i64 = 773_056_800_000_000;
const HOUR: i64 = 3_600_000_000;

#[test]
fn settings_resolve_like_postgres() {
    assert_eq!(zone_setting("europe/paris"), Ok("Europe/Paris".to_owned()));
    assert_eq!(zone_setting("UTC"), Ok("UTC".to_owned()));
    assert_eq!(zone_setting("5"), Ok("<+05>-05".to_owned()));
    assert_eq!(zone_setting("-3.5"), Ok("<-03:30>+03:30".to_owned()));
    assert_eq!(zone_setting("+05:30"), Ok("+05:30".to_owned()));
    // SHOW's spelling of an offset zone is a setting too, colons and all.
    let shown =
        zone_setting("<+05:30>-05:30").map(|s| offset_at(&resolve(&s, true).expect("zone").0, 0));
    assert_eq!(shown, Ok(19_800));
    let half_hour = Interval {
        micros: 1_800_000_000,
        ..Interval::ZERO
    };
    assert_eq!(
        interval_zone_setting(half_hour),
        Ok("<+00:30>-00:30".to_owned())
    );
    assert_eq!(
        interval_zone_setting(Interval::ZERO),
        Ok("<+00>-00".to_owned())
    );
    let day = Interval {
        days: 1,
        ..Interval::ZERO
    };
    let e = interval_zone_setting(day).expect_err("days");
    assert_eq!(
        e.detail.as_deref(),
        Some("Cannot specify days in time zone interval.")
    );
    let e = zone_setting("Foo/Bar").expect_err("unknown zone");
    assert_eq!(e.code, SqlState::INVALID_PARAMETER_VALUE);
    let e = lookup("Foo").expect_err("unknown zone");
    assert_eq!(e.message, "time zone \"Foo\" not recognized");
    // AT TIME ZONE reads '+05' as POSIX (west), the setting as hours east.
    assert_eq!(lookup("+05").map(|z| offset_at(&z, 0)), Ok(-18_000));
}

#[test]
fn offsets_follow_the_zone_rules() {
    let paris = named_zone("Europe/Paris").expect("zone");
    assert_eq!(offset_at(&paris, JULY_1_10H), 7200);
    assert_eq!(to_local(&paris, JULY_1_10H), JULY_1_10H + 2 * HOUR);
    assert_eq!(to_utc(&paris, JULY_1_10H + 2 * HOUR), JULY_1_10H);
    // POSIX "+05:30" is 5h30 west of UTC.
    set_session_zone("+05:30");
    assert_eq!(offset_at(&session_zone(), 0), -19_800);
    set_session_zone("UTC");
    assert_eq!(offset_at(&session_zone(), 0), 0);
    assert_eq!(to_local(&paris, i64::MAX), i64::MAX);
}

#[test]
fn skipped_and_repeated_times_read_as_the_later() {
    let paris = named_zone("Europe/Paris").expect("zone");
    // 2024-03-31 02:30 does not exist in Paris: PostgreSQL reads 03:30+02 (01:30 UTC).
    let gap_local = parse_local("2024-03-31 02:30");
    assert_eq!(to_utc(&paris, gap_local), parse_local("2024-03-31 01:30"));
    // 2024-10-27 02:30 happens twice: PostgreSQL reads the second, +01 (01:30 UTC).
    let fold_local = parse_local("2024-10-27 02:30");
    assert_eq!(to_utc(&paris, fold_local), parse_local("2024-10-27 01:30"));
}

fn parse_local(text: &str) -> i64 {
    crate::value::datetime::input::parse(crate::PgType::Timestamp, text).expect(text)
}

#[test]
fn offsets_print_like_postgres() {
    assert_eq!(format_offset(0, false), "+00");
    assert_eq!(format_offset(19_800, false), "+05:30");
    assert_eq!(format_offset(-9_000, false), "-02:30");
    assert_eq!(format_offset(19_270, false), "+05:21:10");
    assert_eq!(format_offset(3_600, true), "+01:00");
}
