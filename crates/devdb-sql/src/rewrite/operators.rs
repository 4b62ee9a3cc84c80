//! Binary and unary operators with PostgreSQL's typing: checked integer arithmetic, division
//! by zero as an error, text concatenation through each type's text output.

use devdb_pg::{PgError, PgType, SqlState};
use sqlparser::ast::{BinaryOperator, Expr, UnaryOperator, Value};

use super::Translator;
use super::expr::{BOOL, Ctx, operator_error};
use crate::make;
use crate::types::{Ty, arithmetic_result, common_type};

/// SQLite refuses expression trees deeper than 1000 (SQLITE_MAX_EXPR_DEPTH).
const MAX_CHAIN: usize = 900;

pub fn too_complex() -> PgError {
    PgError::new(
        SqlState::STATEMENT_TOO_COMPLEX,
        "stack depth limit exceeded",
    )
    .with_hint("The statement is nested too deeply for devdb.")
}

impl Translator<'_> {
    /// `a op b op c ...`: the parser builds left-deep trees for operator chains of any
    /// length, so the left spine is walked with a loop, not recursion.
    pub fn binary_chain(&mut self, e: Expr) -> Result<(Expr, Ty), PgError> {
        let e = match e {
            Expr::BinaryOp {
                left,
                op: BinaryOperator::Overlaps,
                right,
            } => return self.overlaps(*left, *right),
            other => other,
        };
        let mut spine = Vec::new();
        let mut leftmost = e;
        // A row comparison on the spine (`(a, b) < (1, 2) AND ...`) is a leaf: `expr` expands it.
        while !super::row_values::compares_rows(&leftmost) {
            match leftmost {
                Expr::BinaryOp { left, op, right } if op != BinaryOperator::Overlaps => {
                    spine.push((op, *right));
                    leftmost = *left;
                }
                other => {
                    leftmost = other;
                    break;
                }
            }
        }
        if spine.len() > MAX_CHAIN {
            return Err(too_complex());
        }
        let mut acc = self.expr(leftmost)?;
        while let Some((op, right)) = spine.pop() {
            self.check_stack()?;
            acc = self.binary_op(acc, op, right)?;
        }
        Ok(acc)
    }

    fn binary_op(
        &mut self,
        left: (Expr, Ty),
        op: BinaryOperator,
        right: Expr,
    ) -> Result<(Expr, Ty), PgError> {
        use BinaryOperator as B;
        let text_search_op = matches!(op, B::StringConcat | B::PGOverlap | B::AtArrow | B::ArrowAt)
            && super::text_search::is_text_search_type(left.1);
        if text_search_op || matches!(op, B::AtAt | B::LtDashGt) {
            return self.text_search_operator(left, &op, right);
        }
        if matches!(op, B::AtArrow | B::ArrowAt | B::PGOverlap | B::StringConcat)
            && left.1.ty.element().is_some()
        {
            return self.array_operator(left, op, right);
        }
        // `element <@ range` has the element on the left.
        let element_in_range = op == B::ArrowAt
            && !left.1.is_unknown()
            && !matches!(left.1.ty, PgType::Json | PgType::Jsonb);
        if super::ranges::is_range_operator(&op)
            && (left.1.ty.range_element().is_some() || element_in_range)
        {
            return self.range_operator(left, &op, right);
        }
        let json_op = matches!(
            op,
            B::Arrow
                | B::LongArrow
                | B::HashArrow
                | B::HashLongArrow
                | B::AtArrow
                | B::ArrowAt
                | B::Question
                | B::QuestionPipe
                | B::QuestionAnd
                | B::HashMinus
        ) || (matches!(op, B::StringConcat | B::Minus) && left.1.ty == PgType::Jsonb);
        if json_op {
            let symbol = op.to_string();
            let lt = left.1;
            return match self.json_operator(left, &op, right)? {
                Some(done) => Ok(done),
                None => Err(PgError::feature_not_supported(format!(
                    "operator {} {symbol}",
                    lt.ty
                ))),
            };
        }
        if let Some(regex) = super::regex::RegexOp::of(&op) {
            return self.regex_match(left, regex, right);
        }
        match op {
            B::And | B::Or => {
                let l = self.typed_condition(left)?;
                let r = self.condition(right)?;
                Ok((make::binary(l, op, r), BOOL))
            }
            B::Eq | B::NotEq | B::Lt | B::LtEq | B::Gt | B::GtEq => {
                let (l, r) = self.comparison(left, right, &op.to_string())?;
                Ok((make::binary(l, op, r), BOOL))
            }
            B::Plus | B::Minus | B::Multiply | B::Divide | B::Modulo => {
                self.arithmetic(left, op, right)
            }
            B::StringConcat => {
                let (l, lt) = left;
                let (r, rt) = self.expr(right)?;
                if rt.ty.element().is_some() {
                    return self.array_concat((l, lt), (r, rt));
                }
                let bytea = |t: Ty| t.ty == PgType::Bytea || t.is_unknown();
                if bytea(lt) && bytea(rt) && !(lt.is_unknown() && rt.is_unknown()) {
                    let ty = Ty::of(PgType::Bytea);
                    let l = self.coerce(l, lt, ty, Ctx::Implicit)?;
                    let r = self.coerce(r, rt, ty, Ctx::Implicit)?;
                    return Ok((make::call("pg_bytea_concat", vec![l, r]), ty));
                }
                if !(lt.ty.is_text() || rt.ty.is_text())
                    || lt.ty == PgType::Bytea
                    || rt.ty == PgType::Bytea
                {
                    return Err(operator_error(lt, "||", rt));
                }
                let l = self.text_output(l, lt)?;
                let r = self.text_output(r, rt)?;
                Ok((make::binary(l, op, r), Ty::of(PgType::Text)))
            }
            B::BitwiseAnd | B::BitwiseOr | B::PGBitwiseXor => {
                // Integers only; the wider operand's type, as PostgreSQL's int2/int4/int8 `&`.
                let (l, lt) = left;
                let (r, rt) = self.expr(right)?;
                let symbol = op.to_string();
                let ty = match (lt.is_unknown(), rt.is_unknown()) {
                    (true, false) => Ty::of(rt.ty),
                    (false, true) => Ty::of(lt.ty),
                    _ => common_type(lt, rt).ok_or_else(|| operator_error(lt, &symbol, rt))?,
                };
                if !matches!(ty.ty, PgType::Int2 | PgType::Int4 | PgType::Int8) {
                    return Err(operator_error(lt, &symbol, rt));
                }
                let l = self.coerce(l, lt, ty, Ctx::Implicit)?;
                let r = self.coerce(r, rt, ty, Ctx::Implicit)?;
                if op == B::PGBitwiseXor {
                    // SQLite has no xor: `(a | b) - (a & b)`, which cannot overflow.
                    let (l, r) = (make::nested(l), make::nested(r));
                    let or = make::nested(make::binary(l.clone(), B::BitwiseOr, r.clone()));
                    let and = make::nested(make::binary(l, B::BitwiseAnd, r));
                    return Ok((make::nested(make::binary(or, B::Minus, and)), ty));
                }
                Ok((make::binary(l, op, r), ty))
            }
            B::PGStartsWith => {
                let lt = left.1;
                let right = self.expr(right)?;
                let rt = right.1;
                match self.signature_function("starts_with", vec![left, right])? {
                    Ok(done) => Ok(done),
                    Err(_) => Err(operator_error(lt, "^@", rt)),
                }
            }
            B::PGExp => {
                let (l, lt) = left;
                let (r, rt) = self.expr(right)?;
                let number = |t: Ty| t.ty.is_numeric() || t.is_unknown();
                if !number(lt) || !number(rt) {
                    return Err(operator_error(lt, "^", rt));
                }
                // With a numeric operand, ^ is numeric's power().
                if lt.ty == PgType::Numeric || rt.ty == PgType::Numeric {
                    let numeric = Ty::of(PgType::Numeric);
                    let l = self.coerce(l, lt, numeric, Ctx::Implicit)?;
                    let r = self.coerce(r, rt, numeric, Ctx::Implicit)?;
                    return Ok((make::call("pg_numeric_power", vec![l, r]), numeric));
                }
                // Without a numeric operand, ^ is float8's power().
                let float = Ty::of(PgType::Float8);
                let l = self.coerce(l, lt, float, Ctx::Implicit)?;
                let r = self.coerce(r, rt, float, Ctx::Implicit)?;
                Ok((make::call("pg_power", vec![l, r]), float))
            }
            B::PGBitwiseShiftLeft | B::PGBitwiseShiftRight => self.shift(left, op, right),
            other => Err(PgError::feature_not_supported(format!("operator {other}"))),
        }
    }

    /// `a << n` and `a >> n`: int2, int4 and int8 shifted by an int4 count, in the left
    /// operand's type. PostgreSQL shifts as its C compiler does on x86: the count taken modulo
    /// the type's width (of int4's for int2), the bits shifted out of the type lost.
    fn shift(
        &mut self,
        (l, lt): (Expr, Ty),
        op: BinaryOperator,
        right: Expr,
    ) -> Result<(Expr, Ty), PgError> {
        use BinaryOperator as B;
        let (r, rt) = self.expr(right)?;
        let int4 = Ty::of(PgType::Int4);
        let ty = if lt.is_unknown() { int4 } else { Ty::of(lt.ty) };
        let width: i64 = match ty.ty {
            PgType::Int2 => 16,
            PgType::Int4 => 32,
            PgType::Int8 => 64,
            // PostgreSQL's "is contained by" and "contains" of network addresses.
            PgType::Inet => {
                return Err(PgError::feature_not_supported(format!(
                    "operator {} {op}",
                    lt.ty
                )));
            }
            _ => return Err(operator_error(lt, &op.to_string(), rt)),
        };
        if !(rt.is_unknown() || matches!(rt.ty, PgType::Int2 | PgType::Int4)) {
            return Err(operator_error(lt, &op.to_string(), rt));
        }
        let l = make::nested(self.coerce(l, lt, ty, Ctx::Implicit)?);
        let r = self.coerce(r, rt, int4, Ctx::Implicit)?;
        let count = make::nested(make::binary(
            make::nested(r),
            B::BitwiseAnd,
            make::int(width.max(32) - 1),
        ));
        let right_shift = op == B::PGBitwiseShiftRight;
        // SQLite's `<<` and `>>` are the same operators on 64-bit integers.
        let shifted = make::nested(make::binary(l, op, count));
        if width == 64 || right_shift {
            // SQLite shifts 64-bit integers, right shifts keeping the sign.
            return Ok((shifted, ty));
        }
        // Back into the type's width, two's complement: ((x + 2^(w-1)) & (2^w - 1)) - 2^(w-1).
        let half = make::int(1 << (width - 1));
        let offset = make::nested(make::binary(shifted, B::Plus, half.clone()));
        let low_bits = make::nested(make::binary(
            offset,
            B::BitwiseAnd,
            make::int((1 << width) - 1),
        ));
        Ok((make::nested(make::binary(low_bits, B::Minus, half)), ty))
    }

    pub fn arithmetic(
        &mut self,
        (l, lo): (Expr, Ty),
        op: BinaryOperator,
        right: Expr,
    ) -> Result<(Expr, Ty), PgError> {
        let (r, ro) = self.expr(right)?;
        let (mut lt, mut rt) = (lo, ro);
        let symbol = op.to_string();
        // An unknown operand is taken to be of the other operand's type, as PostgreSQL does.
        match (lt.is_unknown(), rt.is_unknown()) {
            (true, true) => {
                return Err(PgError::ambiguous_operator(&format!(
                    "unknown {symbol} unknown"
                )));
            }
            (true, false) => (rt, lt) = unknown_operand(rt, &op, Side::Right)?,
            (false, true) => (lt, rt) = unknown_operand(lt, &op, Side::Left)?,
            (false, false) => {}
        }
        let l = self.coerce(l, lo, lt, Ctx::Implicit)?;
        let r = self.coerce(r, ro, rt, Ctx::Implicit)?;
        let (l, r) = match self.datetime_arithmetic((l, lt), &op, (r, rt))? {
            Ok(done) => return Ok(done),
            Err(operands) => operands,
        };
        // date arithmetic: date +- int is a date, date - date an int4 count of days.
        match (lt.ty, &op, rt.ty) {
            (PgType::Date, BinaryOperator::Plus | BinaryOperator::Minus, t)
                if t.is_integer() && t != PgType::Int8 =>
            {
                let f = if op == BinaryOperator::Plus {
                    "pg_date_add"
                } else {
                    "pg_date_sub"
                };
                return Ok((make::call(f, vec![l, r]), Ty::of(PgType::Date)));
            }
            (t, BinaryOperator::Plus, PgType::Date) if t.is_integer() && t != PgType::Int8 => {
                return Ok((make::call("pg_date_add", vec![r, l]), Ty::of(PgType::Date)));
            }
            (PgType::Date, BinaryOperator::Minus, PgType::Date) => {
                return Ok((make::call("pg_int4_sub", vec![l, r]), Ty::of(PgType::Int4)));
            }
            _ => {}
        }
        let result =
            arithmetic_result(lt.ty, rt.ty).ok_or_else(|| operator_error(lt, &symbol, rt))?;
        // A numeric operand of float arithmetic becomes a float first (it is stored as text).
        let float = Ty::of(PgType::Float8);
        let as_float =
            |t: Ty| matches!(result, PgType::Float4 | PgType::Float8) && t.ty == PgType::Numeric;
        let l = if as_float(lt) {
            self.coerce(l, lt, float, Ctx::Implicit)?
        } else {
            l
        };
        let r = if as_float(rt) {
            self.coerce(r, rt, float, Ctx::Implicit)?
        } else {
            r
        };
        let name = match op {
            BinaryOperator::Plus => "add",
            BinaryOperator::Minus => "sub",
            BinaryOperator::Multiply => "mul",
            BinaryOperator::Divide => "div",
            _ => "mod",
        };
        let func = match result {
            PgType::Int2 => format!("pg_int2_{name}"),
            PgType::Int4 => format!("pg_int4_{name}"),
            PgType::Int8 => format!("pg_int8_{name}"),
            PgType::Float4 | PgType::Float8 if name == "mod" => {
                return Err(operator_error(lt, &symbol, rt));
            }
            PgType::Float4 => format!("pg_float4_{name}"),
            PgType::Float8 => format!("pg_float8_{name}"),
            _ => format!("pg_numeric_{name}"),
        };
        Ok((make::call(&func, vec![l, r]), Ty::of(result)))
    }

    pub fn unary_op(&mut self, op: UnaryOperator, operand: Expr) -> Result<(Expr, Ty), PgError> {
        match op {
            UnaryOperator::Not => Ok((
                Expr::UnaryOp {
                    op,
                    expr: Box::new(self.condition(operand)?),
                },
                BOOL,
            )),
            // Unary minus binds tighter than ^ in PostgreSQL (`-2 ^ 2` is 4); sqlparser
            // parses it as `-(2 ^ 2)`, so the minus goes back onto the leftmost operand.
            UnaryOperator::Minus
                if matches!(
                    &operand,
                    Expr::BinaryOp {
                        op: BinaryOperator::PGExp,
                        ..
                    }
                ) =>
            {
                let mut e = operand;
                let mut leftmost = &mut e;
                while let Expr::BinaryOp {
                    left,
                    op: BinaryOperator::PGExp,
                    ..
                } = leftmost
                {
                    leftmost = left.as_mut();
                }
                let inner = std::mem::replace(leftmost, make::null());
                *leftmost = Expr::UnaryOp {
                    op,
                    expr: Box::new(inner),
                };
                self.expr(e)
            }
            UnaryOperator::Minus => {
                // `-2147483648` is one int4 constant in PostgreSQL, not the negation of an int8
                // (parenthesized too: its grammar negates the constant itself).
                let mut literal = &operand;
                while let Expr::Nested(inner) = literal {
                    literal = inner;
                }
                if let Expr::Value(v) = literal
                    && let Value::Number(n, _) = &v.value
                {
                    return self.value(Value::Number(format!("-{n}"), false));
                }
                let (e, ty) = self.expr(operand)?;
                // Unary minus takes numbers and intervals: an unknown operand fits several.
                if ty.is_unknown() {
                    return Err(PgError::ambiguous_operator("- unknown"));
                }
                match ty.ty {
                    PgType::Int2 | PgType::Int4 | PgType::Int8 | PgType::Numeric => {
                        let f = format!("pg_{}_sub", ty.ty.name());
                        Ok((make::call(&f, vec![make::int(0), e]), Ty::of(ty.ty)))
                    }
                    // time has no minus of its own: it converts to interval implicitly.
                    PgType::Interval | PgType::Time => {
                        let (e, ty) = self.time_as_interval(e, ty)?;
                        Ok((make::call("pg_interval_neg", vec![e]), ty))
                    }
                    // SQLite's minus makes -0 of 0 and 0 of 'NaN'; times -1 keeps both.
                    PgType::Float4 | PgType::Float8 => Ok((
                        make::call("pg_float8_mul", vec![e, make::float(-1.0)]),
                        Ty::of(ty.ty),
                    )),
                    _ => Err(super::expr::prefix_operator_error("-", ty)),
                }
            }
            UnaryOperator::Plus => {
                let (e, ty) = self.expr(operand)?;
                // Unary plus takes numbers only: an unknown operand is float8, the preferred one.
                if ty.is_unknown() {
                    let float = Ty::of(PgType::Float8);
                    return Ok((self.coerce(e, ty, float, Ctx::Implicit)?, float));
                }
                if !ty.ty.is_numeric() {
                    return Err(super::expr::prefix_operator_error("+", ty));
                }
                Ok((e, ty))
            }
            // `|/ x` and `@ x`: sqrt() and abs().
            UnaryOperator::PGSquareRoot => self.call_builtin("sqrt", vec![operand]),
            UnaryOperator::PGAbs => self.call_builtin("abs", vec![operand]),
            UnaryOperator::PGPrefixFactorial => self.tsquery_not(operand),
            UnaryOperator::BitwiseNot => {
                let (e, ty) = self.expr(operand)?;
                if !matches!(ty.ty, PgType::Int2 | PgType::Int4 | PgType::Int8) || ty.is_unknown() {
                    return Err(super::expr::prefix_operator_error("~", ty));
                }
                let not = Expr::UnaryOp {
                    op: UnaryOperator::BitwiseNot,
                    expr: Box::new(make::nested(e)),
                };
                Ok((not, ty))
            }
            other => Err(PgError::feature_not_supported(format!("operator {other}"))),
        }
    }

    /// The value as its type's output function spells it, for concat(), concat_ws() and
    /// format(): booleans are `t` and `f` there, unlike their cast to text (`||`).
    pub fn output_text(&mut self, e: Expr, ty: Ty) -> Result<Expr, PgError> {
        if ty.ty == PgType::Bool {
            let arms = vec![
                (make::int(1), make::string("t")),
                (make::int(0), make::string("f")),
            ];
            return Ok(make::case(e, arms));
        }
        self.text_output(e, ty)
    }

    /// An argument of concat(), concat_ws() or format(), which take "any" and print it with
    /// its type's output function: char(n) keeps its padding there, unlike in a cast to text.
    pub fn output_any(&mut self, e: Expr, ty: Ty) -> Result<Expr, PgError> {
        if ty.ty == PgType::Bpchar {
            return Ok(e);
        }
        self.output_text(e, ty)
    }

    /// The value as PostgreSQL's text output would spell it, for `||` and concat().
    pub fn text_output(&mut self, e: Expr, ty: Ty) -> Result<Expr, PgError> {
        if ty.is_unknown() {
            return self.coerce(e, ty, Ty::of(PgType::Text), Ctx::Implicit);
        }
        // Text and integers already print the same in SQLite.
        if (ty.ty.is_text() && ty.ty != PgType::Bpchar)
            || ty.ty.is_integer()
            || matches!(ty.ty, PgType::Uuid | PgType::Json | PgType::Jsonb)
        {
            return Ok(e);
        }
        self.coerce(e, ty, Ty::of(PgType::Text), Ctx::Explicit)
    }
}

/// Which side of a binary operator the known operand is on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Left,
    Right,
}

/// What PostgreSQL's operator resolution makes of `op` with an unknown operand (a parameter,
/// a quoted literal) beside a `known` one: the types the known and the unknown operand take.
/// An operator taking the known type on both sides wins (`timestamptz - '...'` reads a
/// timestamptz); else the only operator left once the known operand's implicit casts are
/// tried (`timestamptz + '...'` an interval, `interval * '...'` and `time * '...'` are
/// interval * float8); `date + '...'` matches several (42725), `date * '...'` none (42883).
fn unknown_operand(known: Ty, op: &BinaryOperator, side: Side) -> Result<(Ty, Ty), PgError> {
    use BinaryOperator::{Divide, Multiply, Plus};
    use PgType as P;
    let name = known.ty.to_string();
    let (left, right) = match side {
        Side::Left => (name.as_str(), "unknown"),
        Side::Right => ("unknown", name.as_str()),
    };
    let symbol = op.to_string();
    match (known.ty, op, side) {
        (P::Timestamptz | P::Timestamp | P::Time, Plus, _) => Ok((known, Ty::of(P::Interval))),
        // time converts to interval implicitly, and has no * or / of its own.
        (P::Interval | P::Time, Multiply, _) | (P::Interval | P::Time, Divide, Side::Left) => {
            Ok((Ty::of(P::Interval), Ty::of(P::Float8)))
        }
        (P::Date, Plus, _) => Err(PgError::ambiguous_operator(&format!(
            "{left} {symbol} {right}"
        ))),
        (P::Timestamptz | P::Timestamp | P::Date | P::Time | P::Interval, Multiply | Divide, _) => {
            Err(super::expr::operator_error_named(left, &symbol, right))
        }
        _ => Ok((known, Ty::of(known.ty))),
    }
}
