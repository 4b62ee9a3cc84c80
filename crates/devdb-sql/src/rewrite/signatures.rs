//! Built-ins with fixed signatures: every argument coerces implicitly to a declared type and
//! the result type is fixed, so each PostgreSQL overload is one row of [`SIGNATURES`], tried
//! resolved among them as PostgreSQL resolves overloads.

use devdb_pg::{PgError, PgType};
use sqlparser::ast::Expr;

use super::Translator;
use super::casts::allowed;
use super::datetime::Handled;
use super::expr::Ctx;
use crate::make;
use crate::types::Ty;

struct Signature {
    name: &'static str,
    args: &'static [PgType],
    /// The runtime function the call becomes.
    runtime: &'static str,
    result: PgType,
}

const fn sig(
    name: &'static str,
    args: &'static [PgType],
    runtime: &'static str,
    result: PgType,
) -> Signature {
    Signature {
        name,
        args,
        runtime,
        result,
    }
}

use PgType::{
    Bool as B, Float8 as F8, Int4 as I4, Int8 as I8, Numeric as N, Text as T, TextArray as TA,
};

static SIGNATURES: &[Signature] = &[
    sig("pi", &[], "pg_pi", F8),
    sig("cbrt", &[F8], "pg_cbrt", F8),
    sig("degrees", &[F8], "pg_degrees", F8),
    sig("radians", &[F8], "pg_radians", F8),
    sig("sin", &[F8], "pg_sin", F8),
    sig("cos", &[F8], "pg_cos", F8),
    sig("tan", &[F8], "pg_tan", F8),
    sig("cot", &[F8], "pg_cot", F8),
    sig("asin", &[F8], "pg_asin", F8),
    sig("acos", &[F8], "pg_acos", F8),
    sig("atan", &[F8], "pg_atan", F8),
    sig("atan2", &[F8, F8], "pg_atan2", F8),
    sig("sind", &[F8], "pg_sind", F8),
    sig("cosd", &[F8], "pg_cosd", F8),
    sig("tand", &[F8], "pg_tand", F8),
    sig("cotd", &[F8], "pg_cotd", F8),
    sig("asind", &[F8], "pg_asind", F8),
    sig("acosd", &[F8], "pg_acosd", F8),
    sig("atand", &[F8], "pg_atand", F8),
    sig("atan2d", &[F8, F8], "pg_atan2d", F8),
    sig("sinh", &[F8], "pg_sinh", F8),
    sig("cosh", &[F8], "pg_cosh", F8),
    sig("tanh", &[F8], "pg_tanh", F8),
    sig("asinh", &[F8], "pg_asinh", F8),
    sig("acosh", &[F8], "pg_acosh", F8),
    sig("atanh", &[F8], "pg_atanh", F8),
    sig("div", &[N, N], "pg_numeric_div_trunc", N),
    sig("gcd", &[I4, I4], "pg_int4_gcd", I4),
    sig("gcd", &[I8, I8], "pg_int8_gcd", I8),
    sig("gcd", &[N, N], "pg_numeric_gcd", N),
    sig("lcm", &[I4, I4], "pg_int4_lcm", I4),
    sig("lcm", &[I8, I8], "pg_int8_lcm", I8),
    sig("lcm", &[N, N], "pg_numeric_lcm", N),
    sig("factorial", &[I8], "pg_factorial", N),
    sig("scale", &[N], "pg_numeric_scale", I4),
    sig("min_scale", &[N], "pg_numeric_min_scale", I4),
    sig("trim_scale", &[N], "pg_numeric_trim_scale", N),
    sig(
        "width_bucket",
        &[N, N, N, I4],
        "pg_numeric_width_bucket",
        I4,
    ),
    sig(
        "width_bucket",
        &[F8, F8, F8, I4],
        "pg_float8_width_bucket",
        I4,
    ),
    sig("to_hex", &[I4], "pg_int4_to_hex", T),
    sig("to_hex", &[I8], "pg_int8_to_hex", T),
    sig("chr", &[I4], "pg_chr", T),
    sig("ascii", &[T], "pg_ascii", I4),
    sig("bit_length", &[T], "pg_bit_length", I4),
    sig("bit_length", &[PgType::Bytea], "pg_bit_length", I4),
    sig("starts_with", &[T, T], "pg_starts_with", B),
    sig("get_byte", &[PgType::Bytea, I4], "pg_get_byte", I4),
    sig(
        "set_byte",
        &[PgType::Bytea, I4, I4],
        "pg_set_byte",
        PgType::Bytea,
    ),
    sig("regexp_like", &[T, T], "pg_regexp_like", B),
    sig("regexp_like", &[T, T, T], "pg_regexp_like", B),
    sig("regexp_count", &[T, T], "pg_regexp_count", I4),
    sig("regexp_count", &[T, T, I4], "pg_regexp_count", I4),
    sig("regexp_count", &[T, T, I4, T], "pg_regexp_count", I4),
    sig("regexp_instr", &[T, T], "pg_regexp_instr", I4),
    sig("regexp_instr", &[T, T, I4], "pg_regexp_instr", I4),
    sig("regexp_instr", &[T, T, I4, I4], "pg_regexp_instr", I4),
    sig("regexp_instr", &[T, T, I4, I4, I4], "pg_regexp_instr", I4),
    sig(
        "regexp_instr",
        &[T, T, I4, I4, I4, T],
        "pg_regexp_instr",
        I4,
    ),
    sig(
        "regexp_instr",
        &[T, T, I4, I4, I4, T, I4],
        "pg_regexp_instr",
        I4,
    ),
    sig("regexp_substr", &[T, T], "pg_regexp_substr", T),
    sig("regexp_substr", &[T, T, I4], "pg_regexp_substr", T),
    sig("regexp_substr", &[T, T, I4, I4], "pg_regexp_substr", T),
    sig("regexp_substr", &[T, T, I4, I4, T], "pg_regexp_substr", T),
    sig(
        "regexp_substr",
        &[T, T, I4, I4, T, I4],
        "pg_regexp_substr",
        T,
    ),
    sig(
        "regexp_split_to_array",
        &[T, T],
        "pg_regexp_split_to_array",
        TA,
    ),
    sig(
        "regexp_split_to_array",
        &[T, T, T],
        "pg_regexp_split_to_array",
        TA,
    ),
];

impl Translator<'_> {
    /// A call of a built-in in [`SIGNATURES`]; the arguments back when none of its overloads
    /// takes them, 42725 when several do and none is better.
    pub fn signature_function(
        &mut self,
        name: &str,
        typed: Vec<(Expr, Ty)>,
    ) -> Result<Handled<Vec<(Expr, Ty)>>, PgError> {
        let types: Vec<Ty> = typed.iter().map(|(_, t)| *t).collect();
        let candidates: Vec<&Signature> = SIGNATURES
            .iter()
            .filter(|s| {
                s.name == name
                    && s.args.len() == types.len()
                    && s.args
                        .iter()
                        .zip(&types)
                        .all(|(to, from)| from.is_unknown() || allowed(from.ty, *to, Ctx::Implicit))
            })
            .collect();
        if candidates.is_empty() {
            return Ok(Err(typed));
        }
        let found = best_candidate(candidates, &types)
            .ok_or_else(|| PgError::ambiguous_function(&signature_text(name, &types)))?;
        let args = typed
            .into_iter()
            .zip(found.args)
            .map(|((e, from), to)| self.coerce(e, from, Ty::of(*to), Ctx::Implicit))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Ok((make::call(found.runtime, args), Ty::of(found.result))))
    }
}

/// PostgreSQL's func_select_candidate, for the types in [`SIGNATURES`]: the most exact
/// matches, then the most preferred types where a conversion is needed, then text for unknown
/// literals; None when that leaves more than one.
fn best_candidate<'s>(mut candidates: Vec<&'s Signature>, types: &[Ty]) -> Option<&'s Signature> {
    let exact = |s: &Signature| {
        s.args
            .iter()
            .zip(types)
            .filter(|(to, from)| !from.is_unknown() && from.ty == **to)
            .count()
    };
    let preferred = |s: &Signature| {
        s.args
            .iter()
            .zip(types)
            .filter(|(to, from)| from.ty != **to && matches!(to, PgType::Float8 | PgType::Text))
            .count()
    };
    keep_most(&mut candidates, exact);
    keep_most(&mut candidates, preferred);
    for (i, t) in types.iter().enumerate() {
        let text_at = |s: &&Signature| s.args[i].is_text();
        if t.is_unknown() && candidates.iter().any(text_at) {
            candidates.retain(text_at);
        }
    }
    match candidates.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

fn keep_most(candidates: &mut Vec<&Signature>, score: impl Fn(&Signature) -> usize) {
    let best = candidates.iter().map(|s| score(s)).max().unwrap_or(0);
    candidates.retain(|s| score(s) == best);
}

fn signature_text(name: &str, types: &[Ty]) -> String {
    let args: Vec<String> = types.iter().map(|t| t.ty.to_string()).collect();
    format!("{name}({})", args.join(", "))
}
