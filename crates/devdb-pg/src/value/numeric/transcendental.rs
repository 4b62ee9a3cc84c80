//! exp, ln, log and non-integral powers of numeric, with PostgreSQL's result scales
//! (numeric_exp, numeric_ln, log_var, power_var). Each logarithm and exponential is computed
//! in fixed point with [`GUARD`] extra digits and rounded once, half away from zero, at the
//! scale PostgreSQL rounds that step to; where PostgreSQL rounds intermediate values (ln of a
//! power's base, the product with the exponent), devdb rounds them at the same scales.

use num_bigint::BigInt;
use num_traits::{Signed, Zero};

use super::{
    MAX_DISPLAY_SCALE, MIN_SIG_DIGITS, Numeric, Rounding, divide, division_by_zero, overflow, pow10,
};
use crate::{PgError, SqlState};

/// Digits computed beyond each rounding point.
const GUARD: u32 = 20;
/// log10(e) and ln(10) as PostgreSQL writes them: their last digits decide its scales.
#[allow(clippy::approx_constant)]
const LOG10_E: f64 = 0.434294481903252;
#[allow(clippy::approx_constant)]
const LN_10: f64 = 2.302585092994046;
/// NUMERIC_MAX_RESULT_SCALE.
const MAX_RESULT_SCALE: f64 = 2000.0;

fn log_error(message: &str) -> PgError {
    PgError::new(SqlState::INVALID_ARGUMENT_FOR_LOG, message)
}

fn power_error(message: &str) -> PgError {
    PgError::new(SqlState::INVALID_ARGUMENT_FOR_POWER_FUNCTION, message)
}

/// A result scale clamped as PostgreSQL clamps them: at least `floor`, 0 and at most 1000.
fn clamp_scale(scale: i64, floor: u32) -> u32 {
    scale.max(i64::from(floor)).clamp(0, MAX_DISPLAY_SCALE) as u32
}

/// `fixed / 10^(from - to)` rounded half away from zero: a fixed-point value with `from`
/// decimals as a numeric with `to`.
fn rounded(fixed: &BigInt, from: u32, to: u32) -> Result<Numeric, PgError> {
    Numeric::finite(divide(fixed, &pow10(from - to), Rounding::HalfAway), to)
}

/// A finite numeric's digits as a fixed-point value with `w` decimals (truncated).
fn fixed(digits: &BigInt, scale: u32, w: u32) -> BigInt {
    if w >= scale {
        digits * pow10(w - scale)
    } else {
        digits / pow10(scale - w)
    }
}

/// `ln(m) * 10^w` for `m = fixed / 10^w` in [1, 10]: square roots bring m below 1.1, then
/// ln(m) = 2^(k+1) * atanh((m - 1) / (m + 1)).
fn ln_mantissa(mut m: BigInt, w: u32) -> BigInt {
    let one = pow10(w);
    let limit = &one * 11u8 / 10u8;
    let mut halvings = 0u32;
    while m > limit {
        m = (m * &one).sqrt();
        halvings += 1;
    }
    let z = (&m - &one) * &one / (&m + &one);
    let z2 = &z * &z / &one;
    let (mut power, mut sum, mut n) = (z.clone(), z, 1u32);
    loop {
        power = power * &z2 / &one;
        n += 2;
        let term = &power / n;
        if term.is_zero() {
            break;
        }
        sum += term;
    }
    sum << (halvings + 1)
}

/// `ln(x) * 10^w`, within a few units, for a positive finite x.
fn ln_fixed(digits: &BigInt, scale: u32, w: u32) -> BigInt {
    // x = m * 10^k with m in [1, 10).
    let len = digits.magnitude().to_string().len() as u32;
    let k = i64::from(len) - 1 - i64::from(scale);
    let wl = w + GUARD + k.unsigned_abs().to_string().len() as u32;
    let m = fixed(digits, len - 1, wl);
    let mut total = ln_mantissa(m, wl);
    if k != 0 {
        total += ln_mantissa(pow10(wl + 1), wl) * k;
    }
    divide(&total, &pow10(wl - w), Rounding::Trunc)
}

/// `e^x * 10^w` for x >= 0: Taylor's series of x / 2^n (at most 0.01), squared n times.
fn exp_fixed(digits: &BigInt, scale: u32, halvings: u32, w: u32) -> BigInt {
    let one = pow10(w);
    let x = fixed(digits, scale, w) >> halvings;
    let (mut term, mut sum, mut n) = (one.clone(), one.clone(), 0u32);
    loop {
        n += 1;
        term = term * &x / (&one * n);
        if term.is_zero() {
            break;
        }
        sum += &term;
    }
    for _ in 0..halvings {
        sum = &sum * &sum / &one;
    }
    sum
}

impl Numeric {
    /// PostgreSQL's estimate of the decimal weight of ln(x) (estimate_ln_dweight).
    fn ln_dweight(&self) -> i64 {
        if !self.parts().is_some_and(|(d, _)| d.is_positive()) {
            return 0;
        }
        let near_one = |x: &Numeric| {
            Numeric::parse("0.9").is_ok_and(|lo| *x >= lo)
                && Numeric::parse("1.1").is_ok_and(|hi| *x <= hi)
        };
        if near_one(self) {
            let x = self
                .sub(&Numeric::from_i64(1))
                .unwrap_or_else(|_| Numeric::zero());
            if x.parts().is_some_and(|(d, _)| d.is_zero()) {
                return 0;
            }
            let (weight, first) = x.abs().leading_group();
            return weight * 4 + i64::from(first.ilog10());
        }
        let (weight, first) = self.leading_group();
        // The second base-10000 digit counts when any digit follows the first.
        let (value, dweight) = match self.second_group() {
            Some(second) => (
                f64::from(first) * 10000.0 + f64::from(second),
                weight * 4 - 4,
            ),
            None => (f64::from(first), weight * 4),
        };
        let ln = value.ln() + dweight as f64 * LN_10;
        ln.abs().log10() as i64
    }

    /// The base-10000 digit after the leading one, when this value has non-zero digits past
    /// its leading group (PostgreSQL's digits[1] of a stripped value).
    fn second_group(&self) -> Option<u32> {
        let (digits, scale) = self.parts()?;
        let text = digits.magnitude().to_string();
        let exponent = text.len() as i64 - 1 - i64::from(scale);
        let width = (exponent - 4 * exponent.div_euclid(4) + 1) as usize;
        let rest = text.get(width.min(text.len())..)?;
        if rest.bytes().all(|b| b == b'0') {
            return None;
        }
        let group: String = rest.chars().chain(std::iter::repeat('0')).take(4).collect();
        group.parse().ok()
    }

    /// ln(x) rounded to `rscale` decimals (ln_var), 2201E for zero and negatives.
    fn ln_at(&self, rscale: u32) -> Result<Numeric, PgError> {
        match self.parts() {
            Some((d, _)) if d.is_zero() => Err(log_error("cannot take logarithm of zero")),
            Some((d, s)) if d.is_positive() => {
                rounded(&ln_fixed(d, s, rscale + GUARD), rscale + GUARD, rscale)
            }
            _ => Err(log_error("cannot take logarithm of a negative number")),
        }
    }

    /// e^x rounded to `rscale` decimals (exp_var): 22003 past e^6000, zero below e^-6000.
    fn exp_at(&self, rscale: u32) -> Result<Numeric, PgError> {
        let Some((digits, scale)) = self.parts() else {
            return Err(PgError::internal("exp_at of a special numeric"));
        };
        let v = self.to_f64();
        if v.abs() >= MAX_RESULT_SCALE * 3.0 {
            if v > 0.0 {
                return Err(overflow());
            }
            return Numeric::finite(BigInt::zero(), rscale);
        }
        let dweight = (v.abs() * LOG10_E) as u32 + 1;
        let mut halvings = 0u32;
        let mut r = v.abs();
        while r > 0.01 {
            r /= 2.0;
            halvings += 1;
        }
        let magnitude = digits.abs();
        if v >= 0.0 {
            let w = rscale + dweight + halvings + GUARD;
            return rounded(&exp_fixed(&magnitude, scale, halvings, w), w, rscale);
        }
        // e^-x = 1 / e^x: e^x's relative precision is what the quotient needs.
        let w = rscale + halvings + GUARD;
        let big = exp_fixed(&magnitude, scale, halvings, w);
        let quotient = pow10(w + rscale + GUARD) / big;
        rounded(&quotient, rscale + GUARD, rscale)
    }

    /// exp() with numeric_exp's scale: 16 significant digits, at least the input's scale.
    pub fn exp(&self) -> Result<Numeric, PgError> {
        match self {
            Numeric::NaN | Numeric::PosInf => Ok(self.clone()),
            Numeric::NegInf => Ok(Numeric::zero()),
            Numeric::Finite { scale, .. } => {
                let weight = (self.to_f64() * LOG10_E).clamp(-MAX_RESULT_SCALE, MAX_RESULT_SCALE);
                let rscale = clamp_scale(MIN_SIG_DIGITS - weight as i64, *scale);
                self.exp_at(rscale)
            }
        }
    }

    /// ln() with numeric_ln's scale.
    pub fn ln(&self) -> Result<Numeric, PgError> {
        match self {
            Numeric::NaN | Numeric::PosInf => Ok(self.clone()),
            Numeric::NegInf => Err(log_error("cannot take logarithm of a negative number")),
            Numeric::Finite { scale, .. } => {
                self.ln_at(clamp_scale(MIN_SIG_DIGITS - self.ln_dweight(), *scale))
            }
        }
    }

    /// log(base, x) as numeric_log and log_var; log(x) and log10(x) are log(10, x).
    pub fn log(base: &Numeric, x: &Numeric) -> Result<Numeric, PgError> {
        use Numeric as N;
        if !base.is_finite() || !x.is_finite() {
            if base.is_nan() || x.is_nan() {
                return Ok(N::NaN);
            }
            for n in [base, x] {
                match n.sign() {
                    std::cmp::Ordering::Less => {
                        return Err(log_error("cannot take logarithm of a negative number"));
                    }
                    std::cmp::Ordering::Equal => {
                        return Err(log_error("cannot take logarithm of zero"));
                    }
                    std::cmp::Ordering::Greater => {}
                }
            }
            return Ok(match (base, x) {
                (N::PosInf, N::PosInf) => N::NaN,
                (N::PosInf, _) => N::zero(),
                _ => N::PosInf,
            });
        }
        let (base_dweight, x_dweight) = (base.ln_dweight(), x.ln_dweight());
        let result_dweight = x_dweight - base_dweight;
        let rscale = clamp_scale(MIN_SIG_DIGITS - result_dweight, base.scale().max(x.scale()));
        let scale_for =
            |dweight: i64| (i64::from(rscale) + result_dweight - dweight + 8).max(0) as u32;
        let ln_base = base.ln_at(scale_for(base_dweight))?;
        let ln_x = x.ln_at(scale_for(x_dweight))?;
        let (Some((a, sa)), Some((b, sb))) = (ln_x.parts(), ln_base.parts()) else {
            return Err(PgError::internal("log of a special numeric"));
        };
        if b.is_zero() {
            return Err(division_by_zero());
        }
        // a / b rounded to rscale: (a * 10^sb) / (b * 10^sa) scaled by 10^rscale.
        let num = a * pow10(rscale + sb);
        let den = b * pow10(sa);
        N::finite(divide(&num, &den, Rounding::HalfAway), rscale)
    }

    /// `self ^ exponent` for an integral exponent, rounded to `rscale` decimals as
    /// power_var_int rounds it, when the exact power has too many digits to compute: e^(n ln b)
    /// with ln b precise enough for every digit the result shows. The base is not zero.
    pub(super) fn power_rounded(
        &self,
        exponent: &Numeric,
        rscale: u32,
    ) -> Result<Numeric, PgError> {
        let Some((e, escale)) = exponent.parts() else {
            return Err(PgError::internal("power of a special numeric"));
        };
        let base = self.abs();
        let weight = (base.to_f64().log10() * exponent.to_f64()).max(0.0) as u32 + 1;
        // What e^6000 spans, where exp() stops too.
        if weight > 2606 {
            return Err(PgError::feature_not_supported(
                "power() of numeric this large",
            ));
        }
        let precision = rscale + weight + digit_count(e) + GUARD;
        let result = base.ln_at(precision)?.mul(exponent)?.exp_at(rscale)?;
        let odd = self.is_negative() && (e / pow10(escale)).bit(0);
        Ok(if odd { result.neg() } else { result })
    }

    fn is_negative(&self) -> bool {
        self.parts().is_some_and(|(d, _)| d.is_negative())
    }

    /// `self ^ exponent` for an exponent that is not a 32-bit integer, as power_var: through
    /// ln and exp, with its scales. The base is finite and not zero with a negative exponent.
    pub(super) fn power_by_logarithm(&self, exponent: &Numeric) -> Result<Numeric, PgError> {
        let (Some((base, bscale)), Some((e, escale))) = (self.parts(), exponent.parts()) else {
            return Err(PgError::internal("power of a special numeric"));
        };
        if base.is_zero() {
            return Numeric::finite(BigInt::zero(), MIN_SIG_DIGITS as u32);
        }
        let integral = (e % pow10(escale)).is_zero();
        let negative = base.is_negative() && {
            if !integral {
                return Err(power_error(
                    "a negative number raised to a non-integer power yields a complex result",
                ));
            }
            (e / pow10(escale)).bit(0)
        };
        let base = self.abs();
        let ln_dweight = base.ln_dweight();
        // A first, low-precision exponent * ln(base) sizes the result.
        let local = (8 - ln_dweight).max(0) as u32;
        let estimate = base
            .ln_at(local)?
            .mul(exponent)?
            .round_to(i64::from(local), Rounding::HalfAway);
        let val = estimate.to_f64();
        if val.abs() > MAX_RESULT_SCALE * 3.01 {
            if val > 0.0 {
                return Err(overflow());
            }
            return Numeric::finite(BigInt::zero(), MAX_DISPLAY_SCALE as u32);
        }
        let val = val * LOG10_E;
        let rscale = clamp_scale(MIN_SIG_DIGITS - val as i64, bscale.max(escale));
        let sig_digits = (i64::from(rscale) + val as i64).max(0);
        let local = (sig_digits - ln_dweight + 8).max(0);
        let ln_num = base
            .ln_at(local as u32)?
            .mul(exponent)?
            .round_to(local, Rounding::HalfAway);
        let result = ln_num.exp_at(rscale)?;
        Ok(if negative { result.neg() } else { result })
    }
}

/// Digits of an integer's magnitude.
fn digit_count(n: &BigInt) -> u32 {
    n.magnitude().to_string().len() as u32
}

/// `base ^ exponent` where an operand is infinite (neither is NaN), as numeric_power follows
/// POSIX pow().
pub(super) fn power_of_infinity(base: &Numeric, exponent: &Numeric) -> Result<Numeric, PgError> {
    use Numeric as N;
    use std::cmp::Ordering::{Equal, Greater, Less};
    let one = N::from_i64(1);
    let (sb, se) = (base.sign(), exponent.sign());
    let integral = exponent
        .parts()
        .is_none_or(|(d, s)| (d % pow10(s)).is_zero());
    if sb == Equal && se == Less {
        return Err(power_error("zero raised to a negative power is undefined"));
    }
    if sb == Less && !integral {
        return Err(power_error(
            "a negative number raised to a non-integer power yields a complex result",
        ));
    }
    if base.is_finite() && *base == one {
        return Ok(one);
    }
    if se == Equal {
        return Ok(one);
    }
    if sb == Equal && se == Greater {
        return Ok(N::zero());
    }
    if !exponent.is_finite() {
        let abs_gt_one = !base.is_finite() || {
            if *base == one.neg() {
                return Ok(one);
            }
            base.abs() > one
        };
        return Ok(if abs_gt_one == (se == Greater) {
            N::PosInf
        } else {
            N::zero()
        });
    }
    if *base == N::PosInf {
        return Ok(if se == Greater { N::PosInf } else { N::zero() });
    }
    // -Infinity: an odd integer exponent keeps the sign.
    if se == Less {
        return Ok(N::zero());
    }
    let odd = exponent
        .parts()
        .is_some_and(|(d, s)| (d % pow10(s)).is_zero() && (d / pow10(s)).bit(0));
    Ok(if odd { N::NegInf } else { N::PosInf })
}
