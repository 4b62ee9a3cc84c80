use super::*;

fn text(ty: PgType, input: &str) -> String {
    format_text(ty, &parse_text(ty, input).expect("valid range"))
}

#[test]
fn discrete_ranges_are_canonical() {
    assert_eq!(text(PgType::Int4Range, "[1,5]"), "[1,6)");
    assert_eq!(text(PgType::Int4Range, "(1,5)"), "[2,5)");
    assert_eq!(text(PgType::Int4Range, "(1,2)"), "empty");
    assert_eq!(text(PgType::Int4Range, " (,3] "), "(,4)");
    assert_eq!(text(PgType::Int8Range, "[,]"), "(,)");
    assert_eq!(
        text(PgType::DateRange, "[2024-01-01,2024-01-10]"),
        "[2024-01-01,2024-01-11)"
    );
    assert_eq!(
        text(PgType::DateRange, "(-infinity,infinity]"),
        "(-infinity,infinity]"
    );
    assert_eq!(text(PgType::Int4Range, "EMPTY"), "empty");
    assert_eq!(text(PgType::Int4Range, "[3,3)"), "empty");
}

#[test]
fn continuous_ranges_keep_their_bounds_and_quote_them() {
    assert_eq!(text(PgType::NumRange, "(1.50,2]"), "(1.50,2]");
    assert_eq!(text(PgType::NumRange, "[1.5,1.5]"), "[1.5,1.5]");
    assert_eq!(
        text(PgType::TsRange, "[\"2024-01-01 10:00\",2024-01-02)"),
        "[\"2024-01-01 10:00:00\",\"2024-01-02 00:00:00\")"
    );
}

#[test]
fn bad_input_is_refused_as_postgres_refuses_it() {
    let err = |ty, input| parse_text(ty, input).expect_err("invalid range");
    assert_eq!(
        err(PgType::Int4Range, "1,2").code,
        SqlState::INVALID_TEXT_REPRESENTATION
    );
    let e = err(PgType::Int4Range, "[1,2,3]");
    assert_eq!(e.detail.as_deref(), Some("Too many commas."));
    let e = err(PgType::Int4Range, "[2,1]");
    assert_eq!(e.code, SqlState::DATA_EXCEPTION);
    let e = err(PgType::Int4Range, "[1,2147483647]");
    assert_eq!(e.message, "integer out of range");
    assert!(parse_text(PgType::Int4Range, "[a,2)").is_err());
    // Not a char boundary at byte 5: refused, not a panic.
    assert!(parse_text(PgType::Int4Range, "abcd\u{e9}").is_err());
    assert!(parse_text(PgType::Int4Range, "empt\u{e9}").is_err());
}

#[test]
fn stored_form_orders_as_postgres_orders_ranges() {
    let ordered = [
        (
            PgType::Int4Range,
            vec![
                "empty", "(,1)", "(,5)", "[-3,0)", "[-3,)", "[0,1)", "[0,2)", "[7,)",
            ],
        ),
        (
            PgType::NumRange,
            vec![
                "empty",
                "(,0)",
                "[-10,0)",
                "[-9.5,0)",
                "[-1,1)",
                "[0,1)",
                "[0,1]",
                "(0,1)",
                "[0.01,1)",
                "[0.1,1)",
                "[0.5,1)",
                "[2,3)",
                "[10,11)",
                "[NaN,NaN]",
            ],
        ),
    ];
    for (ty, texts) in ordered {
        let stored: Vec<Vec<u8>> = texts
            .iter()
            .map(|t| store(&parse_text(ty, t).expect("valid range")))
            .collect();
        for (i, pair) in stored.windows(2).enumerate() {
            assert!(pair[0] < pair[1], "{ty}: {} < {}", texts[i], texts[i + 1]);
        }
        for (t, s) in texts.iter().zip(&stored) {
            assert_eq!(
                format_text(ty, &load(ty, s).expect("stored range")),
                text(ty, t)
            );
        }
    }
}

#[test]
fn operators_follow_rangetypes() {
    let r = |t: &str| parse_text(PgType::Int4Range, t).expect("valid range");
    let ty = PgType::Int4Range;
    assert!(contains_element(&r("[1,5)"), &Value::Int(4)));
    assert!(!contains_element(&r("[1,5)"), &Value::Int(5)));
    assert!(contains(&r("[1,10)"), &r("[2,3)")));
    assert!(contains(&r("[1,10)"), &r("empty")));
    assert!(overlaps(&r("[1,5)"), &r("[4,8)")));
    assert!(!overlaps(&r("[1,5)"), &r("[5,8)")));
    assert!(adjacent(ty, &r("[1,5)"), &r("[5,8)")));
    assert!(before(&r("[1,5)"), &r("[5,8)")));
    assert_eq!(
        union(ty, &r("[1,5)"), &r("[5,8)"), true).expect("range"),
        r("[1,8)")
    );
    assert!(union(ty, &r("[1,2)"), &r("[5,8)"), true).is_err());
    assert_eq!(
        union(ty, &r("[1,2)"), &r("[5,8)"), false).expect("range"),
        r("[1,8)")
    );
    assert_eq!(
        intersection(ty, &r("[1,5)"), &r("[3,8)")).expect("range"),
        r("[3,5)")
    );
    assert_eq!(
        difference(ty, &r("[1,5)"), &r("[3,8)")).expect("range"),
        r("[1,3)")
    );
    assert_eq!(
        difference(ty, &r("[1,5)"), &r("[0,2)")).expect("range"),
        r("[2,5)")
    );
    assert!(difference(ty, &r("[1,5)"), &r("[2,3)")).is_err());
}

#[test]
fn binary_form_round_trips() {
    for (ty, t) in [
        (PgType::Int4Range, "[1,5)"),
        (PgType::NumRange, "(,2.5]"),
        (PgType::DateRange, "empty"),
    ] {
        let range = parse_text(ty, t).expect("valid range");
        let mut out = BytesMut::new();
        to_binary(ty, &range, &mut out).expect("range");
        assert_eq!(from_binary(ty, &out).expect("range"), range);
    }
}

#[test]
fn any_text_parses_or_is_refused_without_a_panic() {
    let alphabet: Vec<char> = "[](),\" \\eEmMpPtTyY0123456789.-+:infINF\u{e9}"
        .chars()
        .collect();
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    for _ in 0..20_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let len = (state % 12) as usize;
        let text: String = (0..len)
            .map(|i| alphabet[((state >> (i * 5)) as usize + i) % alphabet.len()])
            .collect();
        for ty in [
            PgType::Int4Range,
            PgType::Int8Range,
            PgType::NumRange,
            PgType::DateRange,
            PgType::TsRange,
        ] {
            if let Ok(range) = parse_text(ty, &text) {
                let stored = store(&range);
                assert_eq!(
                    load(ty, &stored).expect("stored range"),
                    range,
                    "{ty} {text:?}"
                );
            }
        }
    }
}
