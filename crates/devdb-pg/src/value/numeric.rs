//! PostgreSQL's exact `numeric`: an arbitrary-precision decimal with a display scale, plus NaN
//! and the infinities, with PostgreSQL's result-scale rules, rounding (half away from zero),
//! errors, text form and binary form.
//!
//! devdb stores a numeric in SQLite as its text output (`1.50`), which keeps the scale; the
//! `pg_numeric` collation ([`cmp_text`]) makes SQLite compare, sort, group and index such texts
//! by value, so `1.5 = 1.50` as in PostgreSQL.

use std::cmp::Ordering;
use std::fmt;

use bytes::{BufMut, BytesMut};
use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

use crate::{PgError, SqlState};

/// The SQLite collation that orders stored numerics by value: [`cmp_text`], registered by the
/// executor, named by the translator on numeric columns and comparisons.
pub const COLLATION: &str = "pg_numeric";

/// PostgreSQL's NUMERIC_MIN_SIG_DIGITS: division keeps at least this many significant digits.
const MIN_SIG_DIGITS: i64 = 16;
/// The most digits [`Numeric::power`] computes exactly.
pub const MAX_POWER_DIGITS: u64 = 20_000;
/// NUMERIC_MAX_DISPLAY_SCALE.
const MAX_DISPLAY_SCALE: i64 = 1000;
/// NUMERIC_MAX_RESULT_SCALE: the bound of round()'s and trunc()'s scale argument.
const MAX_RESULT_SCALE: i64 = 2000;
/// NUMERIC_DSCALE_MAX: a larger display scale does not fit numeric's header.
const MAX_DSCALE: u32 = 0x3FFF;
/// Digits before the decimal point numeric's format can hold (NUMERIC_WEIGHT_MAX + 1 base-10000
/// digits).
const MAX_INT_DIGITS: usize = 131_072;

/// A numeric value. Equality is by value, as PostgreSQL's: `1.5 == 1.50`.
#[derive(Clone, Debug)]
pub enum Numeric {
    /// `digits * 10^-scale`; `scale` is the display scale (`1.50` has scale 2).
    Finite {
        digits: BigInt,
        scale: u32,
    },
    PosInf,
    NegInf,
    NaN,
}

/// How [`Numeric::round_to`] discards digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    /// round(): half away from zero.
    HalfAway,
    /// trunc(): toward zero.
    Trunc,
    Ceil,
    Floor,
}

fn pow10(n: u32) -> BigInt {
    BigInt::from(10u8).pow(n)
}

fn overflow() -> PgError {
    PgError::new(
        SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
        "value overflows numeric format",
    )
}

fn division_by_zero() -> PgError {
    PgError::new(SqlState::DIVISION_BY_ZERO, "division by zero")
}

/// `num / den` rounded to an integer as `mode` says.
fn divide(num: &BigInt, den: &BigInt, mode: Rounding) -> BigInt {
    let (q, r) = num.div_rem(den);
    if r.is_zero() {
        return q;
    }
    let positive = (num.sign() == Sign::Minus) == (den.sign() == Sign::Minus);
    let away = match mode {
        Rounding::Trunc => false,
        Rounding::HalfAway => r.abs() * 2u8 >= den.abs(),
        Rounding::Ceil => positive,
        Rounding::Floor => !positive,
    };
    match (away, positive) {
        (false, _) => q,
        (true, true) => q + 1u8,
        (true, false) => q - 1u8,
    }
}

impl Numeric {
    pub fn zero() -> Numeric {
        Numeric::Finite {
            digits: BigInt::zero(),
            scale: 0,
        }
    }

    fn finite(digits: BigInt, scale: u32) -> Result<Numeric, PgError> {
        if scale > MAX_DSCALE {
            return Err(overflow());
        }
        let n = Numeric::Finite { digits, scale };
        if n.int_digits() > MAX_INT_DIGITS {
            return Err(overflow());
        }
        Ok(n)
    }

    /// Parses numeric's text input: `[+-]digits[.digits][e[+-]digits]`, `NaN`, `Infinity`,
    /// `inf`, with blanks around; anything else is 22P02.
    pub fn parse(text: &str) -> Result<Numeric, PgError> {
        let bad = || PgError::invalid_text("numeric", text);
        let t = text.trim_matches(|c: char| c.is_ascii_whitespace());
        let lower = t.to_ascii_lowercase();
        match lower.as_str() {
            "nan" => return Ok(Numeric::NaN),
            "infinity" | "+infinity" | "inf" | "+inf" => return Ok(Numeric::PosInf),
            "-infinity" | "-inf" => return Ok(Numeric::NegInf),
            _ => {}
        }
        let (negative, rest) = match t.as_bytes().first() {
            Some(b'-') => (true, &t[1..]),
            Some(b'+') => (false, &t[1..]),
            _ => (false, t),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(i) => {
                let e = &rest[i + 1..];
                let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad());
                }
                let exp: i64 = e.parse().unwrap_or(i64::MAX);
                if exp.abs() > MAX_DISPLAY_SCALE {
                    return Err(bad());
                }
                (&rest[..i], exp)
            }
            None => (rest, 0),
        };
        let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int_part.is_empty() && frac_part.is_empty())
            || !all_digits(int_part)
            || !all_digits(frac_part)
        {
            return Err(bad());
        }
        let mut digits: BigInt = format!("0{int_part}{frac_part}")
            .parse()
            .map_err(|_| bad())?;
        // value = digits * 10^(exponent - frac_len)
        let shift = exponent - frac_part.len() as i64;
        let scale = if shift >= 0 {
            digits *= pow10(shift as u32);
            0
        } else {
            (-shift) as u32
        };
        if negative {
            digits = -digits;
        }
        Numeric::finite(digits, scale)
    }

    pub fn from_i64(i: i64) -> Numeric {
        Numeric::Finite {
            digits: BigInt::from(i),
            scale: 0,
        }
    }

    /// A float as numeric, through its text with `significant` digits (%.*g), as
    /// float8_numeric (15 digits) and float4_numeric (6) do.
    pub fn from_float(f: f64, significant: usize) -> Numeric {
        if f.is_nan() {
            return Numeric::NaN;
        }
        if f.is_infinite() {
            return if f > 0.0 {
                Numeric::PosInf
            } else {
                Numeric::NegInf
            };
        }
        let text = format!("{:.*e}", significant.saturating_sub(1), f);
        Numeric::parse(&text)
            .map(|n| n.trimmed())
            .unwrap_or_else(|_| Numeric::zero())
    }

    /// The same value with trailing fractional zeros dropped (%g prints none).
    fn trimmed(self) -> Numeric {
        match self {
            Numeric::Finite {
                mut digits,
                mut scale,
            } => {
                let ten = BigInt::from(10u8);
                while scale > 0 && !digits.is_zero() && (&digits % &ten).is_zero() {
                    digits /= &ten;
                    scale -= 1;
                }
                if digits.is_zero() {
                    scale = 0;
                }
                Numeric::Finite { digits, scale }
            }
            other => other,
        }
    }

    /// The nearest double, as numeric_float8 gives.
    pub fn to_f64(&self) -> f64 {
        match self {
            Numeric::NaN => f64::NAN,
            Numeric::PosInf => f64::INFINITY,
            Numeric::NegInf => f64::NEG_INFINITY,
            finite => finite.to_string().parse().unwrap_or(f64::NAN),
        }
    }

    /// Rounded half away from zero to an integer in `[min, max]`, else 22003 `<type> out of
    /// range`; NaN and the infinities cannot convert (0A000), as numeric_int4 says.
    pub fn to_int(&self, type_name: &str, min: i64, max: i64) -> Result<i64, PgError> {
        let special = match self {
            Numeric::NaN => "NaN",
            Numeric::PosInf | Numeric::NegInf => "infinity",
            Numeric::Finite { .. } => "",
        };
        if !special.is_empty() {
            return Err(PgError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                format!("cannot convert {special} to {type_name}"),
            ));
        }
        let Numeric::Finite { digits, .. } = self.round_to(0, Rounding::HalfAway) else {
            return Err(PgError::internal("rounded numeric is not finite"));
        };
        digits
            .to_i64()
            .filter(|i| (min..=max).contains(i))
            .ok_or_else(|| {
                PgError::new(
                    SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
                    format!("{type_name} out of range"),
                )
            })
    }

    pub fn is_nan(&self) -> bool {
        matches!(self, Numeric::NaN)
    }

    /// The display scale (0 for the special values).
    pub fn scale(&self) -> u32 {
        match self {
            Numeric::Finite { scale, .. } => *scale,
            _ => 0,
        }
    }

    fn sign(&self) -> Ordering {
        match self {
            Numeric::Finite { digits, .. } => digits.sign().cmp(&Sign::NoSign),
            Numeric::PosInf | Numeric::NaN => Ordering::Greater,
            Numeric::NegInf => Ordering::Less,
        }
    }

    /// Count of digits before the decimal point (0 for |x| < 1).
    fn int_digits(&self) -> usize {
        match self {
            Numeric::Finite { digits, scale } if !digits.is_zero() => {
                let n = digits.magnitude().to_string().len();
                n.saturating_sub(*scale as usize)
            }
            _ => 0,
        }
    }

    /// This value with the display scale `scale` (rounding half away from zero when lower).
    fn rescaled(digits: &BigInt, from: u32, to: u32) -> BigInt {
        match to.cmp(&from) {
            Ordering::Equal => digits.clone(),
            Ordering::Greater => digits * pow10(to - from),
            Ordering::Less => divide(digits, &pow10(from - to), Rounding::HalfAway),
        }
    }

    /// Rounds to `places` decimal places (negative: to tens, hundreds, ...); the result's
    /// display scale is `max(places, 0)`, as round(numeric, int) and trunc(numeric, int) give.
    pub fn round_to(&self, places: i64, mode: Rounding) -> Numeric {
        let Numeric::Finite { digits, scale } = self else {
            return self.clone();
        };
        let places = places.clamp(-MAX_RESULT_SCALE, MAX_RESULT_SCALE);
        let scale = i64::from(*scale);
        let k = if places >= scale {
            digits * pow10((places - scale) as u32)
        } else {
            divide(digits, &pow10((scale - places) as u32), mode)
        };
        if places >= 0 {
            Numeric::Finite {
                digits: k,
                scale: places as u32,
            }
        } else {
            Numeric::Finite {
                digits: k * pow10((-places) as u32),
                scale: 0,
            }
        }
    }

    pub fn abs(&self) -> Numeric {
        match self {
            Numeric::Finite { digits, scale } => Numeric::Finite {
                digits: digits.abs(),
                scale: *scale,
            },
            Numeric::NegInf => Numeric::PosInf,
            other => other.clone(),
        }
    }

    pub fn neg(&self) -> Numeric {
        match self {
            Numeric::Finite { digits, scale } => Numeric::Finite {
                digits: -digits,
                scale: *scale,
            },
            Numeric::PosInf => Numeric::NegInf,
            Numeric::NegInf => Numeric::PosInf,
            Numeric::NaN => Numeric::NaN,
        }
    }

    /// sign(): -1, 0 or 1 with scale 0; NaN stays NaN.
    pub fn signum(&self) -> Numeric {
        match self {
            Numeric::NaN => Numeric::NaN,
            other => Numeric::from_i64(match other.sign() {
                Ordering::Less => -1,
                Ordering::Equal => 0,
                Ordering::Greater => 1,
            }),
        }
    }

    /// The digits and scale of a finite value.
    fn parts(&self) -> Option<(&BigInt, u32)> {
        match self {
            Numeric::Finite { digits, scale } => Some((digits, *scale)),
            _ => None,
        }
    }

    pub fn add(&self, other: &Numeric) -> Result<Numeric, PgError> {
        use Numeric as N;
        if let (Some((a, sa)), Some((b, sb))) = (self.parts(), other.parts()) {
            let s = sa.max(sb);
            return N::finite(N::rescaled(a, sa, s) + N::rescaled(b, sb, s), s);
        }
        Ok(match (self, other) {
            (N::NaN, _) | (_, N::NaN) => N::NaN,
            (N::PosInf, N::NegInf) | (N::NegInf, N::PosInf) => N::NaN,
            (N::PosInf | N::NegInf, _) => self.clone(),
            _ => other.clone(),
        })
    }

    pub fn sub(&self, other: &Numeric) -> Result<Numeric, PgError> {
        self.add(&other.neg())
    }

    pub fn mul(&self, other: &Numeric) -> Result<Numeric, PgError> {
        use Numeric as N;
        if let (Some((a, sa)), Some((b, sb))) = (self.parts(), other.parts()) {
            return N::finite(a * b, sa + sb);
        }
        Ok(match (self.sign(), other.sign()) {
            _ if self.is_nan() || other.is_nan() => N::NaN,
            // An infinity times zero is NaN; otherwise the signs multiply.
            (Ordering::Equal, _) | (_, Ordering::Equal) => N::NaN,
            (x, y) if x == y => N::PosInf,
            _ => N::NegInf,
        })
    }

    /// Division with PostgreSQL's result scale (select_div_scale): at least 16 significant
    /// digits, never fewer decimals than either input shows, at most 1000.
    pub fn div(&self, other: &Numeric) -> Result<Numeric, PgError> {
        use Numeric as N;
        if let (Some((a, sa)), Some((b, sb))) = (self.parts(), other.parts()) {
            if b.is_zero() {
                return Err(division_by_zero());
            }
            let (w1, d1) = self.leading_group();
            let (w2, d2) = other.leading_group();
            let mut qweight = w1 - w2;
            if d1 <= d2 {
                qweight -= 1;
            }
            let rscale = (MIN_SIG_DIGITS - qweight * 4)
                .max(i64::from(sa))
                .max(i64::from(sb))
                .clamp(0, MAX_DISPLAY_SCALE) as u32;
            let num = a * pow10(rscale + sb - sa);
            return N::finite(divide(&num, b, Rounding::HalfAway), rscale);
        }
        match (self, other) {
            (N::NaN, _) | (_, N::NaN) => Ok(N::NaN),
            (N::PosInf | N::NegInf, N::PosInf | N::NegInf) => Ok(N::NaN),
            (N::PosInf | N::NegInf, _) => match other.sign() {
                Ordering::Equal => Err(division_by_zero()),
                s if s == self.sign() => Ok(N::PosInf),
                _ => Ok(N::NegInf),
            },
            _ => Ok(N::zero()),
        }
    }

    /// The weight and value of the first non-zero base-10000 digit, as PostgreSQL's
    /// NumericVar holds them ((0, 0) for zero).
    fn leading_group(&self) -> (i64, u32) {
        let Numeric::Finite { digits, scale } = self else {
            return (0, 0);
        };
        if digits.is_zero() {
            return (0, 0);
        }
        let text = digits.magnitude().to_string();
        let exponent = text.len() as i64 - 1 - i64::from(*scale);
        let weight = exponent.div_euclid(4);
        let width = (exponent - 4 * weight + 1) as usize;
        let group: String = text
            .chars()
            .chain(std::iter::repeat('0'))
            .take(width)
            .collect();
        (weight, group.parse().unwrap_or(0))
    }

    /// `%` and mod(): the remainder of the truncated quotient, with the dividend's sign and
    /// the larger input scale.
    pub fn rem(&self, other: &Numeric) -> Result<Numeric, PgError> {
        use Numeric as N;
        if let (Some((a, sa)), Some((b, sb))) = (self.parts(), other.parts()) {
            if b.is_zero() {
                return Err(division_by_zero());
            }
            let s = sa.max(sb);
            return N::finite(N::rescaled(a, sa, s) % N::rescaled(b, sb, s), s);
        }
        match (self, other) {
            (N::NaN, _) | (_, N::NaN) => Ok(N::NaN),
            (N::PosInf | N::NegInf, _) if other.sign() == Ordering::Equal => {
                Err(division_by_zero())
            }
            (N::PosInf | N::NegInf, _) => Ok(N::NaN),
            _ => Ok(self.clone()),
        }
    }

    /// div(): the truncated quotient at scale 0, exact (an infinite quotient stays infinite).
    pub fn div_trunc(&self, other: &Numeric) -> Result<Numeric, PgError> {
        if let (Some((a, sa)), Some((b, sb))) = (self.parts(), other.parts()) {
            if b.is_zero() {
                return Err(division_by_zero());
            }
            let quotient = divide(&(a * pow10(sb)), &(b * pow10(sa)), Rounding::Trunc);
            return Numeric::finite(quotient, 0);
        }
        Ok(self.div(other)?.round_to(0, Rounding::Trunc))
    }

    /// gcd(): non-negative, at the larger input scale; NaN when either input is not finite.
    pub fn gcd(&self, other: &Numeric) -> Numeric {
        let (Some((a, sa)), Some((b, sb))) = (self.parts(), other.parts()) else {
            return Numeric::NaN;
        };
        let s = sa.max(sb);
        Numeric::Finite {
            digits: Numeric::rescaled(a, sa, s).gcd(&Numeric::rescaled(b, sb, s)),
            scale: s,
        }
    }

    /// lcm(): non-negative, at the larger input scale, 0 when either input is 0; NaN when
    /// either input is not finite.
    pub fn lcm(&self, other: &Numeric) -> Result<Numeric, PgError> {
        let (Some((a, sa)), Some((b, sb))) = (self.parts(), other.parts()) else {
            return Ok(Numeric::NaN);
        };
        let s = sa.max(sb);
        let (a, b) = (Numeric::rescaled(a, sa, s), Numeric::rescaled(b, sb, s));
        Numeric::finite(a.lcm(&b).abs(), s)
    }

    /// factorial(): 22003 below zero and past the largest numeric (32177!).
    pub fn factorial(n: i64) -> Result<Numeric, PgError> {
        if n < 0 {
            return Err(PgError::new(
                SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
                "factorial of a negative number is undefined",
            ));
        }
        if n > 32_177 {
            return Err(overflow());
        }
        let digits = (2..=n).fold(BigInt::one(), |product, k| product * k);
        Numeric::finite(digits, 0)
    }

    /// The fewest decimals that keep the value (min_scale()); None for the special values.
    pub fn min_scale(&self) -> Option<u32> {
        let Numeric::Finite { digits, scale } = self else {
            return None;
        };
        let mut digits = digits.clone();
        let mut min = *scale;
        let ten = BigInt::from(10u8);
        while min > 0 && !digits.is_zero() && (&digits % &ten).is_zero() {
            digits /= &ten;
            min -= 1;
        }
        Some(if digits.is_zero() { 0 } else { min })
    }

    /// This value without trailing fractional zeros (trim_scale()).
    pub fn trim_scale(&self) -> Numeric {
        match (self, self.min_scale()) {
            (Numeric::Finite { digits, scale }, Some(min)) => Numeric::Finite {
                digits: Numeric::rescaled(digits, *scale, min),
                scale: min,
            },
            _ => self.clone(),
        }
    }

    /// `^` and power(). For a 32-bit integral exponent as power_var_int: the exact power
    /// rounded to 16 decimals or the base's scale if larger (through logarithms when it has
    /// more than [`MAX_POWER_DIGITS`] digits; 0A000 past e^6000's size). Other exponents as
    /// power_var, infinities as POSIX pow(); 0 ^ 0 is 1, a zero base with a negative exponent
    /// 2201F, NaN ^ 0 and 1 ^ NaN 1, a result too large 22003.
    pub fn power(&self, exponent: &Numeric) -> Result<Numeric, PgError> {
        use Numeric as N;
        let one = N::from_i64(1);
        if self.is_nan() || exponent.is_nan() {
            let is_one = |n: &Numeric| n.sub(&one).is_ok_and(|d| d.sign() == Ordering::Equal);
            let fixed = (self.is_nan() && !exponent.is_nan() && exponent.sign() == Ordering::Equal)
                || (exponent.is_nan() && is_one(self));
            return Ok(if fixed { one } else { N::NaN });
        }
        let (Some((base, bscale)), Some((e, escale))) = (self.parts(), exponent.parts()) else {
            return transcendental::power_of_infinity(self, exponent);
        };
        if base.is_zero() && e.is_negative() {
            return Err(PgError::new(
                SqlState::INVALID_ARGUMENT_FOR_POWER_FUNCTION,
                "zero raised to a negative power is undefined",
            ));
        }
        let (whole, fraction) = e.div_rem(&pow10(escale));
        let Some(n) = whole
            .to_i64()
            .filter(|n| fraction.is_zero() && i32::try_from(*n).is_ok())
        else {
            return self.power_by_logarithm(exponent);
        };
        let rscale = MIN_SIG_DIGITS.max(i64::from(bscale)).min(MAX_DISPLAY_SCALE);
        if n == 0 {
            return Ok(one.round_to(rscale, Rounding::HalfAway));
        }
        if base.is_zero() {
            return Ok(N::zero().round_to(rscale, Rounding::HalfAway));
        }
        // The result's decimal weight: too large is 22003, too small rounds to zero.
        let weight = self.abs().to_f64().log10() * n as f64;
        if weight >= MAX_INT_DIGITS as f64 {
            return Err(overflow());
        }
        if weight < -(rscale as f64) - 1.0 {
            return Ok(N::zero().round_to(rscale, Rounding::HalfAway));
        }
        let digits = base.magnitude().to_string().len() as u64;
        let exact_scale = u64::from(bscale) * n.unsigned_abs();
        if digits.saturating_mul(n.unsigned_abs()) > MAX_POWER_DIGITS
            || exact_scale > u64::from(u32::MAX)
        {
            // Too many digits to compute exactly: through logarithms, rounded the same way.
            return self.power_rounded(exponent, rscale as u32);
        }
        let exact = base.pow(n.unsigned_abs() as u32);
        let power = N::Finite {
            digits: exact,
            scale: exact_scale as u32,
        };
        if n > 0 {
            let rounded = power.round_to(rscale, Rounding::HalfAway);
            let Some((d, s)) = rounded.parts() else {
                return Ok(rounded);
            };
            return N::finite(d.clone(), s);
        }
        // 1 / base^|n| rounded to the result scale.
        let (p, ps) = power
            .parts()
            .map(|(d, s)| (d.clone(), s))
            .unwrap_or_default();
        let num = pow10(rscale as u32 + ps);
        N::finite(divide(&num, &p, Rounding::HalfAway), rscale as u32)
    }

    /// sqrt() with PostgreSQL's result scale: 16 significant digits, at least the input's.
    pub fn sqrt(&self) -> Result<Numeric, PgError> {
        let negative = || {
            PgError::new(
                SqlState::INVALID_ARGUMENT_FOR_POWER_FUNCTION,
                "cannot take square root of a negative number",
            )
        };
        match self {
            Numeric::NaN | Numeric::PosInf => Ok(self.clone()),
            Numeric::NegInf => Err(negative()),
            Numeric::Finite { digits, scale } => {
                if digits.sign() == Sign::Minus {
                    return Err(negative());
                }
                let (weight, _) = self.leading_group();
                let sweight = (weight + 1) * 4 / 2 - 1;
                let rscale = (MIN_SIG_DIGITS - sweight)
                    .max(i64::from(*scale))
                    .clamp(0, MAX_DISPLAY_SCALE) as u32;
                self.sqrt_at(rscale)
            }
        }
    }

    /// The square root of a finite, non-negative value rounded to `rscale` decimals, as
    /// sqrt_var computes it (stddev's square root takes the variance's scale).
    pub fn sqrt_at(&self, rscale: u32) -> Result<Numeric, PgError> {
        let Some((digits, scale)) = self.parts().filter(|(d, _)| d.sign() != Sign::Minus) else {
            return Err(PgError::internal(
                "sqrt_at of a negative or special numeric",
            ));
        };
        // floor(sqrt(x) * 10^(rscale+1)), then round the extra digit half up.
        let want = 2 * (rscale + 1);
        let radicand = Numeric::rescaled(digits, scale, want);
        let root = radicand.sqrt();
        let rounded = divide(&root, &BigInt::from(10u8), Rounding::HalfAway);
        Numeric::finite(rounded, rscale)
    }

    /// False for NaN and the infinities.
    pub fn is_finite(&self) -> bool {
        matches!(self, Numeric::Finite { .. })
    }

    /// Applies numeric(precision, scale): rounds to the scale, then 22003 when the integer
    /// part has more than `precision - scale` digits.
    pub fn apply_typmod(&self, precision: i32, scale: i32) -> Result<Numeric, PgError> {
        let field_overflow = |detail: String| {
            PgError::new(
                SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
                "numeric field overflow",
            )
            .with_detail(detail)
        };
        match self {
            Numeric::NaN => Ok(Numeric::NaN),
            Numeric::PosInf | Numeric::NegInf => Err(field_overflow(format!(
                "A field with precision {precision}, scale {scale} cannot hold an infinite value."
            ))),
            finite => {
                let rounded = finite.round_to(i64::from(scale), Rounding::HalfAway);
                let max_digits = precision - scale;
                let limit = Numeric::Finite {
                    digits: BigInt::one(),
                    scale: 0,
                }
                .shifted(max_digits);
                if rounded.abs().cmp(&limit) != Ordering::Less {
                    let bound = if max_digits != 0 {
                        format!("10^{max_digits}")
                    } else {
                        "1".to_owned()
                    };
                    return Err(field_overflow(format!(
                        "A field with precision {precision}, scale {scale} must round to an absolute value less than {bound}."
                    )));
                }
                Ok(rounded)
            }
        }
    }

    /// This value times 10^n.
    fn shifted(&self, n: i32) -> Numeric {
        match self {
            Numeric::Finite { digits, scale } if n >= 0 => Numeric::Finite {
                digits: digits * pow10(n as u32),
                scale: *scale,
            },
            Numeric::Finite { digits, scale } => Numeric::Finite {
                digits: digits.clone(),
                scale: scale + n.unsigned_abs(),
            },
            other => other.clone(),
        }
    }

    /// Writes numeric's binary form: ndigits, weight, sign, dscale, then base-10000 digits.
    pub fn to_binary(&self, out: &mut BytesMut) {
        let sign = match self {
            Numeric::NaN => 0xC000,
            Numeric::PosInf => 0xD000,
            Numeric::NegInf => 0xF000,
            Numeric::Finite { digits, .. } if digits.sign() == Sign::Minus => 0x4000,
            Numeric::Finite { .. } => 0,
        };
        let Numeric::Finite { digits, scale } = self else {
            out.put_slice(&[0, 0, 0, 0]);
            out.put_u16(sign);
            // PostgreSQL sends the dscale bits its header shares with the flags: 32 for the
            // infinities, 0 for NaN.
            out.put_u16(if self.is_nan() { 0 } else { 0x20 });
            return;
        };
        // Align to a multiple of four decimals so the number splits into base-10000 digits.
        let padded_scale = u32::next_multiple_of(*scale, 4);
        let mut rest = digits.magnitude() * pow10(padded_scale - scale).magnitude();
        let base = num_bigint::BigUint::from(10_000u16);
        let mut groups = Vec::new();
        while !rest.is_zero() {
            let (q, r) = rest.div_rem(&base);
            groups.push(r.to_u16().unwrap_or(0));
            rest = q;
        }
        // groups is least significant first; the first has weight -(padded_scale / 4).
        let mut weight = groups.len() as i32 - 1 - (padded_scale / 4) as i32;
        let low_zeros = groups.iter().take_while(|g| **g == 0).count();
        groups.drain(..low_zeros);
        if groups.is_empty() {
            weight = 0;
        }
        out.put_i16(groups.len() as i16);
        out.put_i16(weight as i16);
        out.put_u16(sign);
        out.put_u16(*scale as u16);
        for g in groups.iter().rev() {
            out.put_u16(*g);
        }
    }

    /// Reads numeric's binary form; None when it is malformed.
    pub fn from_binary(raw: &[u8]) -> Option<Numeric> {
        let word = |i: usize| -> Option<u16> {
            Some(u16::from_be_bytes([*raw.get(i)?, *raw.get(i + 1)?]))
        };
        let ndigits = usize::from(word(0)?);
        let weight = i64::from(word(2)? as i16);
        let sign = word(4)?;
        let dscale = u32::from(word(6)?);
        if raw.len() != 8 + 2 * ndigits || ndigits > 0x7FFF {
            return None;
        }
        match sign {
            0xC000 => return Some(Numeric::NaN),
            0xD000 => return Some(Numeric::PosInf),
            0xF000 => return Some(Numeric::NegInf),
            0 | 0x4000 => {}
            _ => return None,
        }
        if dscale > MAX_DSCALE {
            return None;
        }
        let mut digits = BigInt::zero();
        for k in 0..ndigits {
            let d = word(8 + 2 * k)?;
            if d >= 10_000 {
                return None;
            }
            digits = digits * 10_000u16 + d;
        }
        // digits * 10000^(weight - ndigits + 1), then shown with dscale decimals.
        let exponent = 4 * (weight - ndigits as i64 + 1);
        let scale = i64::from(dscale);
        let digits = if exponent + scale >= 0 {
            digits * pow10(u32::try_from(exponent + scale).ok()?)
        } else {
            // More digits than dscale shows: PostgreSQL rounds them away.
            divide(
                &digits,
                &pow10(u32::try_from(-(exponent + scale)).ok()?),
                Rounding::HalfAway,
            )
        };
        let digits = if sign == 0x4000 { -digits } else { digits };
        Numeric::finite(digits, dscale).ok()
    }
}

impl Ord for Numeric {
    /// PostgreSQL's order: -Infinity < every number < Infinity < NaN, and NaN = NaN.
    fn cmp(&self, other: &Numeric) -> Ordering {
        use Numeric as N;
        let rank = |n: &Numeric| match n {
            N::NegInf => 0,
            N::Finite { .. } => 1,
            N::PosInf => 2,
            N::NaN => 3,
        };
        if let (Some((a, sa)), Some((b, sb))) = (self.parts(), other.parts()) {
            let s = sa.max(sb);
            return Numeric::rescaled(a, sa, s).cmp(&Numeric::rescaled(b, sb, s));
        }
        rank(self).cmp(&rank(other))
    }
}

impl PartialEq for Numeric {
    fn eq(&self, other: &Numeric) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Numeric {}

impl PartialOrd for Numeric {
    fn partial_cmp(&self, other: &Numeric) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Numeric {
    /// numeric_out: plain notation with exactly the display scale's decimals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (digits, scale) = match self {
            Numeric::NaN => return f.write_str("NaN"),
            Numeric::PosInf => return f.write_str("Infinity"),
            Numeric::NegInf => return f.write_str("-Infinity"),
            Numeric::Finite { digits, scale } => (digits, *scale as usize),
        };
        if digits.sign() == Sign::Minus {
            f.write_str("-")?;
        }
        let text = digits.magnitude().to_string();
        let padded = if text.len() <= scale {
            format!("{}{text}", "0".repeat(scale + 1 - text.len()))
        } else {
            text
        };
        let (int_part, frac_part) = padded.split_at(padded.len() - scale);
        f.write_str(int_part)?;
        if scale > 0 {
            f.write_str(".")?;
            f.write_str(frac_part)?;
        }
        Ok(())
    }
}

/// The `pg_numeric` collation: orders two stored numerics by value. Texts that are not
/// numerics (never written by devdb) sort after every numeric, bytewise, so the order stays total.
pub fn cmp_text(a: &str, b: &str) -> Ordering {
    match (Numeric::parse(a), Numeric::parse(b)) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

mod transcendental;

#[cfg(test)]
mod tests;
