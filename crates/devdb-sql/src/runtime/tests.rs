use devdb_pg::{PgType, Value};

use super::{FUNCTIONS, function};

fn call(name: &str, args: &[Value]) -> Result<Value, String> {
    let f = function(name).unwrap_or_else(|| panic!("no runtime function {name}"));
    if f.n_args >= 0 {
        assert_eq!(f.n_args as usize, args.len(), "{name} arity");
    }
    (f.call)(args).map_err(|e| format!("{} {}", e.code, e.message))
}

fn int(i: i64) -> Value {
    Value::Int(i)
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

#[test]
fn names_are_unique_and_prefixed() {
    for (i, f) in FUNCTIONS.iter().enumerate() {
        assert!(f.name.starts_with("pg_"), "{}", f.name);
        assert!(
            FUNCTIONS.iter().skip(i + 1).all(|g| g.name != f.name),
            "{}",
            f.name
        );
    }
}

#[test]
fn integer_arithmetic_is_checked() {
    assert_eq!(call("pg_int4_add", &[int(1), int(2)]), Ok(int(3)));
    assert_eq!(
        call("pg_int4_add", &[int(2147483647), int(1)]),
        Err("22003 integer out of range".into())
    );
    assert_eq!(
        call("pg_int2_mul", &[int(200), int(200)]),
        Err("22003 smallint out of range".into())
    );
    assert_eq!(
        call("pg_int8_add", &[int(i64::MAX), int(1)]),
        Err("22003 bigint out of range".into())
    );
    assert_eq!(
        call("pg_int8_div", &[int(i64::MIN), int(-1)]),
        Err("22003 bigint out of range".into())
    );
    assert_eq!(call("pg_int4_div", &[int(-7), int(2)]), Ok(int(-3)));
    assert_eq!(call("pg_int4_mod", &[int(-7), int(2)]), Ok(int(-1)));
    assert_eq!(call("pg_int8_mod", &[int(i64::MIN), int(-1)]), Ok(int(0)));
    assert_eq!(
        call("pg_int4_div", &[int(1), int(0)]),
        Err("22012 division by zero".into())
    );
    assert_eq!(
        call("pg_int4_mod", &[int(1), int(0)]),
        Err("22012 division by zero".into())
    );
    assert_eq!(call("pg_int4_div", &[Value::Null, int(0)]), Ok(Value::Null));
    assert_eq!(call("pg_int4_add", &[Value::Null, int(1)]), Ok(Value::Null));
}

#[test]
fn float_and_numeric_arithmetic() {
    assert_eq!(
        call("pg_float8_div", &[int(7), int(2)]),
        Ok(Value::Float(3.5))
    );
    assert_eq!(
        call("pg_float8_div", &[Value::Float(1.0), Value::Float(0.0)]),
        Err("22012 division by zero".into())
    );
    assert_eq!(
        call("pg_float8_mul", &[Value::Float(1e308), Value::Float(10.0)]),
        Err("22003 value out of range: overflow".into())
    );
    assert_eq!(
        call("pg_numeric_add", &[text("0.10"), int(2)]),
        Ok(text("2.10"))
    );
    assert_eq!(
        call("pg_numeric_add", &[int(i64::MAX), int(1)]),
        Ok(text("9223372036854775808"))
    );
    assert_eq!(
        call("pg_numeric_div", &[int(7), int(2)]),
        Ok(text("3.5000000000000000"))
    );
    assert_eq!(
        call("pg_numeric_mod", &[int(7), int(0)]),
        Err("22012 division by zero".into())
    );
    assert_eq!(
        call("pg_round_float8", &[Value::Float(2.5)]),
        Ok(Value::Float(2.0))
    );
    assert_eq!(
        call("pg_numeric_round", &[text("2.345"), int(2)]),
        Ok(text("2.35"))
    );
    assert_eq!(call("pg_numeric_round", &[text("2.5")]), Ok(text("3")));
    assert_eq!(
        call("pg_numeric_round", &[int(1250), int(-2)]),
        Ok(text("1300"))
    );
    assert_eq!(
        call("pg_numeric_trunc", &[text("-2.57"), int(1)]),
        Ok(text("-2.5"))
    );
    assert_eq!(call("pg_abs", &[int(-3)]), Ok(int(3)));
    assert_eq!(
        call("pg_greatest", &[Value::Null, int(3), Value::Float(2.5)]),
        Ok(int(3))
    );
    assert_eq!(
        call("pg_least", &[Value::Null, text("b"), text("a")]),
        Ok(text("a"))
    );
    assert_eq!(call("pg_least", &[Value::Null]), Ok(Value::Null));
    assert_eq!(call("pg_date_add", &[int(10), int(5)]), Ok(int(15)));
}

fn cast(v: Value, from: PgType, to: PgType, typmod: i32, explicit: bool) -> Result<Value, String> {
    call(
        "pg_cast",
        &[
            v,
            int(from.oid().0.into()),
            int(to.oid().0.into()),
            int(typmod.into()),
            int(explicit as i64),
        ],
    )
}

#[test]
fn casts() {
    use PgType::*;
    assert_eq!(cast(text("42"), Text, Int4, -1, true), Ok(int(42)));
    assert_eq!(
        cast(text("x"), Text, Int4, -1, true),
        Err("22P02 invalid input syntax for type integer: \"x\"".into())
    );
    assert_eq!(cast(int(42), Int4, Text, -1, true), Ok(text("42")));
    assert_eq!(cast(int(1), Bool, Text, -1, true), Ok(text("true")));
    assert_eq!(
        cast(Value::Float(1.5), Float8, Text, -1, true),
        Ok(text("1.5"))
    );
    assert_eq!(cast(Value::Float(2.5), Float8, Int4, -1, true), Ok(int(2)));
    assert_eq!(cast(text("2.5"), Numeric, Int4, -1, true), Ok(int(3)));
    assert_eq!(cast(text("-2.5"), Numeric, Int8, -1, true), Ok(int(-3)));
    assert_eq!(cast(int(3), Int4, Numeric, -1, true), Ok(text("3")));
    assert_eq!(
        cast(Value::Float(0.1), Float8, Numeric, -1, true),
        Ok(text("0.1"))
    );
    assert_eq!(
        cast(text("0.1"), Numeric, Float8, -1, true),
        Ok(Value::Float(0.1))
    );
    assert_eq!(
        cast(text("1e400"), Numeric, Float8, -1, true).map_err(|e| e[..5].to_owned()),
        Err("22003".into())
    );
    assert_eq!(
        cast(int(70000), Int4, Int2, -1, true),
        Err("22003 smallint out of range".into())
    );
    assert_eq!(
        cast(Value::Float(1e300), Float8, Int8, -1, true),
        Err("22003 bigint out of range".into())
    );
    assert_eq!(
        cast(int(1), Date, Timestamp, -1, true),
        Ok(int(86_400_000_000))
    );
    assert_eq!(cast(int(-1), Timestamptz, Date, -1, true), Ok(int(-1)));
    assert_eq!(cast(text("ab   "), Bpchar, Text, -1, true), Ok(text("ab")));
    assert_eq!(cast(int(5), Int4, Bool, -1, true), Ok(int(1)));
    assert_eq!(cast(Value::Null, Text, Int4, -1, true), Ok(Value::Null));
}

#[test]
fn typmods() {
    use PgType::*;
    assert_eq!(cast(text("ab"), Text, Bpchar, 8, false), Ok(text("ab  ")));
    assert_eq!(
        cast(text("abcdef"), Text, Varchar, 7, true),
        Ok(text("abc"))
    );
    assert_eq!(
        cast(text("abcdef"), Text, Varchar, 7, false),
        Err("22001 value too long for type character varying(3)".into())
    );
    assert_eq!(
        cast(text("abc   "), Text, Varchar, 7, false),
        Ok(text("abc"))
    );
    assert_eq!(
        cast(text("abcd"), Text, Bpchar, 7, false),
        Err("22001 value too long for type character(3)".into())
    );
    let numeric_5_2 = ((5 << 16) | 2) + 4;
    assert_eq!(
        cast(text("1.235"), Numeric, Numeric, numeric_5_2, false),
        Ok(text("1.24"))
    );
    assert_eq!(
        cast(text("-1.5"), Numeric, Numeric, numeric_5_2, false),
        Ok(text("-1.50"))
    );
    assert!(
        cast(int(1000), Int4, Numeric, numeric_5_2, false)
            .is_err_and(|e| e.starts_with("22003 numeric field overflow"))
    );
}

#[test]
fn like_is_postgres_like() {
    let like = |t: &str, p: &str| call("pg_like", &[text(t), text(p)]);
    assert_eq!(like("abc", "a%"), Ok(int(1)));
    assert_eq!(like("abc", "A%"), Ok(int(0)));
    assert_eq!(like("abc", "a_c"), Ok(int(1)));
    assert_eq!(like("a%c", "a\\%c"), Ok(int(1)));
    assert_eq!(like("abc", "a\\%c"), Ok(int(0)));
    assert_eq!(like("aXbXc", "%b%"), Ok(int(1)));
    assert_eq!(like("", "%"), Ok(int(1)));
    assert_eq!(like("ab", "a"), Ok(int(0)));
    assert_eq!(like("héllo", "h_llo"), Ok(int(1)));
    assert_eq!(
        like("abc", "ab\\"),
        Err("22025 LIKE pattern must not end with escape character".into())
    );
    assert_eq!(
        call("pg_like", &[text("a#c"), text("a##c"), text("#")]),
        Ok(int(1))
    );
    assert_eq!(
        call("pg_like", &[text("a\\c"), text("a\\c"), text("")]),
        Ok(int(1))
    );
    assert_eq!(call("pg_ilike", &[text("ABC"), text("a%")]), Ok(int(1)));
    assert_eq!(like("x", &"%".repeat(50_000)), Ok(int(1)));
}

#[test]
fn text_functions() {
    assert_eq!(call("pg_upper", &[text("straße")]), Ok(text("STRASSE")));
    assert_eq!(call("pg_lower", &[text("ÀB")]), Ok(text("àb")));
    assert_eq!(
        call("pg_substr", &[text("hello"), int(2)]),
        Ok(text("ello"))
    );
    assert_eq!(
        call("pg_substr", &[text("hello"), int(0), int(3)]),
        Ok(text("he"))
    );
    assert_eq!(
        call("pg_substr", &[text("hello"), int(-5), int(3)]),
        Ok(text(""))
    );
    assert_eq!(
        call("pg_substr", &[text("hello"), int(1), int(-1)]),
        Err("22011 negative substring length not allowed".into())
    );
    assert_eq!(call("pg_left", &[text("hello"), int(-2)]), Ok(text("hel")));
    assert_eq!(call("pg_right", &[text("hello"), int(2)]), Ok(text("lo")));
    assert_eq!(call("pg_repeat", &[text("ab"), int(3)]), Ok(text("ababab")));
    assert!(call("pg_repeat", &[text("ab"), int(i64::MAX)]).is_err_and(|e| e.starts_with("54000")));
    assert_eq!(call("pg_octet_length", &[text("é")]), Ok(int(2)));
}

#[test]
fn row_counts_and_series() {
    assert_eq!(
        call("pg_check_limit", &[int(-1)]),
        Err("2201W LIMIT must not be negative".into())
    );
    assert_eq!(call("pg_check_limit", &[Value::Null]), Ok(int(-1)));
    assert_eq!(
        call("pg_check_offset", &[int(-1)]),
        Err("2201X OFFSET must not be negative".into())
    );
    assert_eq!(
        call("pg_series_stop", &[int(10), int(1), int(-3)]),
        Ok(int(3))
    );
    assert_eq!(
        call("pg_series_stop", &[int(1), int(10), int(-3)]),
        Ok(int(-1))
    );
    assert_eq!(
        call("pg_series_stop", &[int(1), int(10), int(0)]),
        Err("22023 step size cannot equal zero".into())
    );
    assert_eq!(
        call("pg_check_no_nulls", &[int(0), text("a"), text("t")]),
        Ok(int(1))
    );
    assert_eq!(
        call("pg_check_no_nulls", &[int(2), text("a"), text("t")]),
        Err("23502 column \"a\" of relation \"t\" contains null values".into())
    );
}

#[test]
fn arbitrary_arguments_never_panic() {
    let samples = [
        Value::Null,
        int(0),
        int(-1),
        int(i64::MIN),
        int(i64::MAX),
        Value::Float(f64::NAN),
        Value::Float(-0.0),
        text(""),
        text("%\\"),
        Value::Blob(vec![0xff]),
    ];
    for f in FUNCTIONS {
        let n = if f.n_args < 0 { 3 } else { f.n_args as usize };
        for a in &samples {
            for b in &samples {
                let args: Vec<Value> = [a, b, a, b, a]
                    .iter()
                    .take(n)
                    .map(|v| (*v).clone())
                    .collect();
                let _ = (f.call)(&args);
            }
        }
    }
}

#[test]
fn jsonb_path_edits_walk_like_set_path() {
    let doc = text(r#"{"a": [1, 2, {"b": 1}], "c": 3}"#);
    let edit = |name: &str, path: &str, new: &str, flag: i64| {
        call(name, &[doc.clone(), text(path), text(new), int(flag)])
    };
    // Negative indexes count from the end; past either end adds at that end when creating.
    assert_eq!(
        edit("pg_jsonb_set", "{a,-1,b}", "9", 0),
        Ok(text(r#"{"a": [1, 2, {"b": 9}], "c": 3}"#))
    );
    assert_eq!(
        edit("pg_jsonb_set", "{a,-9}", "0", 1),
        Ok(text(r#"{"a": [0, 1, 2, {"b": 1}], "c": 3}"#))
    );
    assert_eq!(
        edit("pg_jsonb_insert", "{a,0}", "0", 1),
        Ok(text(r#"{"a": [1, 0, 2, {"b": 1}], "c": 3}"#))
    );
    assert!(edit("pg_jsonb_insert", "{c}", "0", 0).is_err_and(|e| e.starts_with("22023")));
    assert!(edit("pg_jsonb_set", "{a,x}", "0", 1).is_err_and(|e| e.starts_with("22P02")));
    assert_eq!(
        call("pg_jsonb_delete_path", &[doc.clone(), text("{a,2,b}")]),
        Ok(text(r#"{"a": [1, 2, {}], "c": 3}"#))
    );
    assert_eq!(
        call("pg_jsonb_delete_keys", &[doc, text("{a,z}")]),
        Ok(text(r#"{"c": 3}"#))
    );
}

#[test]
fn jsonb_pretty_indents_by_four_and_opens_empty_containers() {
    assert_eq!(
        call("pg_jsonb_pretty", &[text(r#"{"a": {}, "b": [1]}"#)]),
        Ok(text(
            "{\n    \"a\": {\n    },\n    \"b\": [\n        1\n    ]\n}"
        ))
    );
}

#[test]
fn numeric_series_stop_is_exact() {
    let stop = |a: &str, b: &str, step: &str| {
        call("pg_numeric_series_stop", &[text(a), text(b), text(step)])
    };
    // The quotient rounds up to 10; the tenth step would pass the stop.
    assert_eq!(stop("0", "0.99999999999999999999999999", "0.1"), Ok(int(9)));
    assert_eq!(stop("0", "1", "0.3333333333333333333333"), Ok(int(3)));
    assert_eq!(stop("3", "1", "-0.5"), Ok(int(4)));
    assert_eq!(stop("1", "2", "-0.5"), Ok(int(-1)));
    assert_eq!(stop("1", "1", "7"), Ok(int(0)));
    assert_eq!(
        call("pg_numeric_series_stop", &[Value::Null, text("1"), int(1)]),
        Ok(int(-1))
    );
    assert_eq!(
        stop("1", "2", "0.000"),
        Err("22023 step size cannot equal zero".into())
    );
    assert_eq!(
        stop("1", "NaN", "1"),
        Err("22023 stop value cannot be NaN".into())
    );
    assert_eq!(
        stop("-Infinity", "NaN", "1"),
        Err("22023 start value cannot be infinity".into())
    );
    let nth = |start: &str, step: &str, k: i64| {
        call("pg_numeric_series_nth", &[text(start), text(step), int(k)])
    };
    assert_eq!(nth("1", "0.5", 0), Ok(text("1")));
    assert_eq!(nth("1", "0.5", 2), Ok(text("2.0")));
    assert_eq!(nth("1.50", "0.75", 2), Ok(text("3.00")));
}
