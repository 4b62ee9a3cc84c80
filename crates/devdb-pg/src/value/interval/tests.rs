use super::*;

fn show(text: &str) -> String {
    Interval::parse(text).map_or_else(|e| e.code.to_string(), |iv| iv.to_string())
}

#[test]
fn output_is_postgres_style() {
    assert_eq!(show("1 day 2 hours"), "1 day 02:00:00");
    assert_eq!(show("90 minutes"), "01:30:00");
    assert_eq!(show("1 year 2 months"), "1 year 2 mons");
    assert_eq!(show("-1 day"), "-1 days");
    assert_eq!(show("-1 mon"), "-1 mons");
    assert_eq!(show("0"), "00:00:00");
    assert_eq!(show("1.5 hours"), "01:30:00");
    assert_eq!(show("1 week"), "7 days");
    assert_eq!(show("-1 day +1 hour"), "-1 days +01:00:00");
    assert_eq!(show("1 day -1 hour"), "1 day -01:00:00");
    assert_eq!(show("27 hours"), "27:00:00");
    assert_eq!(show("1.5 months"), "1 mon 15 days");
    assert_eq!(show("1.5 years"), "1 year 6 mons");
    assert_eq!(show("0.5 sec"), "00:00:00.5");
    assert_eq!(show("1 day ago"), "-1 days");
    assert_eq!(show("@ 1 hour"), "01:00:00");
    assert_eq!(show("10"), "00:00:10");
    assert_eq!(show("1-2"), "1 year 2 mons");
    assert_eq!(show("3 4:05:06"), "3 days 04:05:06");
    assert_eq!(show("1day"), "1 day");
}

#[test]
fn iso_8601() {
    assert_eq!(show("P1DT2H"), "1 day 02:00:00");
    assert_eq!(show("P1Y2M3DT4H5M6.5S"), "1 year 2 mons 3 days 04:05:06.5");
    assert_eq!(show("PT1.5H"), "01:30:00");
    assert_eq!(show("P2W"), "14 days");
    assert_eq!(
        show("P0001-02-03T04:05:06"),
        "1 year 2 mons 3 days 04:05:06"
    );
}

#[test]
fn bad_input_is_22007() {
    for text in ["a while", "", "1 fortnight", "1 day 2 days", "P"] {
        assert_eq!(show(text), "22007", "{text}");
    }
}

#[test]
fn output_parses_back() {
    for text in [
        "-1 days +01:00:00",
        "1 year 2 mons -3 days -04:05:06.25",
        "00:00:00",
    ] {
        assert_eq!(show(text), text);
    }
}

#[test]
fn comparison_is_by_span() {
    assert_eq!(cmp_text("1 day", "24:00:00"), Ordering::Equal);
    assert_eq!(cmp_text("1 mon", "30 days"), Ordering::Equal);
    assert_eq!(cmp_text("1 mon", "31 days"), Ordering::Less);
}

#[test]
fn arithmetic_cascades_like_postgres() {
    let iv = |t: &str| Interval::parse(t).unwrap_or_default();
    assert_eq!(
        iv("1 hour").divided_by(2.0).map(|i| i.to_string()).ok(),
        Some("00:30:00".into())
    );
    assert_eq!(
        iv("1 mon").times(1.5).map(|i| i.to_string()).ok(),
        Some("1 mon 15 days".into())
    );
    assert_eq!(
        iv("1 day").times(3.0).map(|i| i.to_string()).ok(),
        Some("3 days".into())
    );
    assert_eq!(
        iv("27 hours").justify_hours().map(|i| i.to_string()).ok(),
        Some("1 day 03:00:00".into())
    );
    assert_eq!(
        iv("35 days").justify_days().map(|i| i.to_string()).ok(),
        Some("1 mon 5 days".into())
    );
    assert_eq!(
        iv("1 mon -1 hour")
            .justify_interval()
            .map(|i| i.to_string())
            .ok(),
        Some("29 days 23:00:00".into())
    );
    assert_eq!(
        iv("1 day")
            .divided_by(0.0)
            .map_err(|e| e.code.to_string())
            .err(),
        Some("22012".into())
    );
}

#[test]
fn binary_round_trip() {
    let iv = Interval {
        months: -14,
        days: 3,
        micros: 5_000_001,
    };
    let mut out = BytesMut::new();
    iv.to_binary(&mut out);
    assert_eq!(Interval::from_binary(&out), Some(iv));
}
