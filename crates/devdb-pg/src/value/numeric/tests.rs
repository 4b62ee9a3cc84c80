use bytes::BytesMut;

use super::*;

fn n(text: &str) -> Numeric {
    Numeric::parse(text).expect(text)
}

fn show(r: Result<Numeric, PgError>) -> String {
    match r {
        Ok(v) => v.to_string(),
        Err(e) => format!("{} {}", e.code, e.message),
    }
}

#[test]
fn text_input_keeps_the_scale_written() {
    for (input, want) in [
        ("1.50", "1.50"),
        ("  -0.00 ", "0.00"),
        ("1e3", "1000"),
        ("1.5e-3", "0.0015"),
        ("+.5", "0.5"),
        ("5.", "5"),
        ("000123.4500", "123.4500"),
        ("nan", "NaN"),
        ("-inf", "-Infinity"),
        ("+Infinity", "Infinity"),
    ] {
        assert_eq!(n(input).to_string(), want, "{input}");
    }
    for bad in ["", ".", "1e", "1.2.3", "abc", "1 2", "e5", "1e1001", "--1"] {
        let e = Numeric::parse(bad).expect_err(bad);
        assert_eq!(e.code, SqlState::INVALID_TEXT_REPRESENTATION, "{bad}");
    }
}

#[test]
fn arithmetic_follows_postgres_scale_rules() {
    assert_eq!(show(n("1.10").add(&n("2.205"))), "3.305");
    assert_eq!(show(n("1.10").sub(&n("1.1"))), "0.00");
    assert_eq!(show(n("1.10").mul(&n("2.5"))), "2.750");
    assert_eq!(show(n("1.0").div(&n("3"))), "0.33333333333333333333");
    assert_eq!(show(n("3").div(&n("2"))), "1.5000000000000000");
    assert_eq!(show(n("2").div(&n("3"))), "0.66666666666666666667");
    assert_eq!(show(n("10000").div(&n("3"))), "3333.3333333333333333");
    assert_eq!(show(n("1").div(&n("0.0003"))), "3333.3333333333333333");
    assert_eq!(show(n("-7.5").rem(&n("2"))), "-1.5");
    assert_eq!(show(n("7").rem(&n("0"))), "22012 division by zero");
    assert_eq!(show(n("1").div(&n("0.00"))), "22012 division by zero");
    assert_eq!(show(n("NaN").div(&n("0"))), "NaN");
    assert_eq!(show(n("Infinity").add(&n("-Infinity"))), "NaN");
    assert_eq!(show(n("Infinity").mul(&n("0"))), "NaN");
    assert_eq!(show(n("-Infinity").mul(&n("-2"))), "Infinity");
    assert_eq!(show(n("5").div(&n("Infinity"))), "0");
}

#[test]
fn sums_of_cents_never_drift() {
    let mut sum = Numeric::zero();
    for _ in 0..1000 {
        sum = sum.add(&n("0.10")).expect("add");
    }
    assert_eq!(sum.to_string(), "100.00");
}

#[test]
fn rounding_is_half_away_from_zero() {
    let r = |v: &str, places: i64, mode| n(v).round_to(places, mode).to_string();
    assert_eq!(r("2.5", 0, Rounding::HalfAway), "3");
    assert_eq!(r("-2.5", 0, Rounding::HalfAway), "-3");
    assert_eq!(r("1.2345", 2, Rounding::HalfAway), "1.23");
    assert_eq!(r("1.5", 3, Rounding::HalfAway), "1.500");
    assert_eq!(r("1250", -2, Rounding::HalfAway), "1300");
    assert_eq!(r("-1.7", 0, Rounding::Trunc), "-1");
    assert_eq!(r("-1.2", 0, Rounding::Floor), "-2");
    assert_eq!(r("1.2", 0, Rounding::Ceil), "2");
    assert_eq!(show(n("2").sqrt()), "1.414213562373095");
    assert_eq!(show(n("16").sqrt()), "4.000000000000000");
    assert_eq!(show(n("-1").sqrt()).get(..5), Some("2201F"));
}

#[test]
fn typmod_rounds_and_checks_precision() {
    assert_eq!(show(n("1.235").apply_typmod(5, 2)), "1.24");
    assert_eq!(show(n("1").apply_typmod(5, 2)), "1.00");
    assert_eq!(
        show(n("999.995").apply_typmod(5, 2)),
        "22003 numeric field overflow"
    );
    assert_eq!(show(n("NaN").apply_typmod(5, 2)), "NaN");
    assert_eq!(show(n("0.5").apply_typmod(2, 2)), "0.50");
}

#[test]
fn conversions_round_like_postgres() {
    assert_eq!(
        n("2.5").to_int("integer", i32::MIN.into(), i32::MAX.into()),
        Ok(3)
    );
    assert_eq!(
        n("-2.5").to_int("integer", i32::MIN.into(), i32::MAX.into()),
        Ok(-3)
    );
    let e = n("3e9")
        .to_int("integer", i32::MIN.into(), i32::MAX.into())
        .expect_err("overflow");
    assert_eq!(e.message, "integer out of range");
    let e = n("NaN")
        .to_int("bigint", i64::MIN, i64::MAX)
        .expect_err("nan");
    assert_eq!(e.code, SqlState::FEATURE_NOT_SUPPORTED);
    assert_eq!(Numeric::from_float(0.1, 15).to_string(), "0.1");
    assert_eq!(
        Numeric::from_float(1e20, 15).to_string(),
        "100000000000000000000"
    );
    assert_eq!(
        Numeric::from_float(1.0 / 3.0, 15).to_string(),
        "0.333333333333333"
    );
    assert_eq!(Numeric::from_float(1.1f32 as f64, 6).to_string(), "1.1");
    assert_eq!(n("0.1").to_f64(), 0.1);
}

#[test]
fn order_is_by_value_with_nan_last() {
    assert_eq!(cmp_text("1.5", "1.50"), Ordering::Equal);
    assert_eq!(cmp_text("9", "10"), Ordering::Less);
    assert_eq!(cmp_text("-10", "-9.99"), Ordering::Less);
    assert_eq!(cmp_text("Infinity", "NaN"), Ordering::Less);
    assert_eq!(cmp_text("-Infinity", "-1e100"), Ordering::Less);
    assert_eq!(cmp_text("NaN", "NaN"), Ordering::Equal);
}

#[test]
fn binary_round_trips_and_matches_postgres_layout() {
    let bin = |v: &str| {
        let mut out = BytesMut::new();
        n(v).to_binary(&mut out);
        out.to_vec()
    };
    // 12345.678: digits 1, 2345, 6780; weight 1; dscale 3.
    assert_eq!(
        bin("12345.678"),
        [0, 3, 0, 1, 0, 0, 0, 3, 0, 1, 0x09, 0x29, 0x1A, 0x7C]
    );
    assert_eq!(bin("0"), [0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(bin("0.00"), [0, 0, 0, 0, 0, 0, 0, 2]);
    assert_eq!(bin("-0.0001"), [0, 1, 0xFF, 0xFF, 0x40, 0, 0, 4, 0, 1]);
    assert_eq!(bin("10000"), [0, 1, 0, 1, 0, 0, 0, 0, 0, 1]);
    assert_eq!(bin("NaN"), [0, 0, 0, 0, 0xC0, 0, 0, 0]);
    assert_eq!(bin("-Infinity"), [0, 0, 0, 0, 0xF0, 0, 0, 0x20]);
    assert_eq!(bin("1e-20"), [0, 1, 0xFF, 0xFB, 0, 0, 0, 0x14, 0, 1]);
    assert_eq!(bin("1e40"), [0, 1, 0, 0x0A, 0, 0, 0, 0, 0, 1]);
    for v in [
        "0",
        "1.50",
        "-123456789.000123",
        "0.00001",
        "1e40",
        "NaN",
        "Infinity",
        "99990000",
    ] {
        assert_eq!(
            Numeric::from_binary(&bin(v)).map(|x| x.to_string()),
            Some(n(v).to_string()),
            "{v}"
        );
    }
    assert_eq!(Numeric::from_binary(&[0, 1, 0, 0]), None);
    assert_eq!(
        Numeric::from_binary(&[0, 1, 0, 0, 0, 0, 0, 0, 0x27, 0x10]),
        None
    );
}

#[test]
fn logarithms_and_exponentials_have_postgres_digits() {
    let show = |r: Result<Numeric, PgError>| {
        r.map(|x| x.to_string())
            .unwrap_or_else(|e| e.code.0.to_owned())
    };
    assert_eq!(show(n("2").ln()), "0.6931471805599453");
    assert_eq!(show(n("1.0").exp()), "2.7182818284590452");
    assert_eq!(
        show(Numeric::log(&n("10"), &n("1000"))),
        "3.0000000000000000"
    );
    assert_eq!(show(n("2").power(&n("0.5"))), "1.4142135623730950");
    assert_eq!(show(n("0").ln()), "2201E");
    assert_eq!(show(n("-8").power(&n("0.5"))), "2201F");
}
