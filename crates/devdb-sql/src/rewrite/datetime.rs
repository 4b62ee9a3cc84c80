//! Dates, times and intervals: `INTERVAL '...'` literals, the datetime operators
//! (timestamp +/- interval, timestamp - timestamp, interval arithmetic), EXTRACT and the
//! datetime functions, as calls of the runtime functions in `runtime::datetime`.

use devdb_pg::value::interval::{Field, Interval};
use devdb_pg::{PgError, PgType};
use sqlparser::ast::{BinaryOperator, DateTimeField, Expr};

use super::Translator;
use super::expr::{Ctx, operator_error, string_literal};
use crate::make;
use crate::types::Ty;

const INTERVAL: Ty = Ty::of(PgType::Interval);
const TEXT: Ty = Ty::of(PgType::Text);
const FLOAT8: Ty = Ty::of(PgType::Float8);
const INT4: Ty = Ty::of(PgType::Int4);

/// A translated expression, or the operands given back when the construct is not this
/// module's.
pub type Handled<T> = Result<(Expr, Ty), T>;

pub(super) fn type_oid(ty: PgType) -> Expr {
    make::int(ty.oid().0.into())
}

/// The interval field a `DateTimeField` names, for `INTERVAL '1' DAY` and friends.
fn interval_field(f: &DateTimeField) -> Result<Field, PgError> {
    Ok(match f {
        DateTimeField::Year | DateTimeField::Years => Field::Year,
        DateTimeField::Month | DateTimeField::Months => Field::Month,
        DateTimeField::Day | DateTimeField::Days => Field::Day,
        DateTimeField::Hour | DateTimeField::Hours => Field::Hour,
        DateTimeField::Minute | DateTimeField::Minutes => Field::Minute,
        DateTimeField::Second | DateTimeField::Seconds => Field::Second,
        other => {
            return Err(PgError::syntax_error(
                format!("syntax error at or near \"{other}\""),
                None,
            ));
        }
    })
}

/// The interval `INTERVAL 'text' [.. last]` denotes: a bare number counts `last` units, and
/// what lies below `last` is dropped.
pub fn interval_constant(text: &str, last: Option<&DateTimeField>) -> Result<Interval, PgError> {
    let last = last.map(interval_field).transpose()?;
    let parsed = Interval::parse_in(text, last.unwrap_or(Field::Second))?;
    Ok(last.map_or(parsed, |f| parsed.truncate_to(f)))
}

/// The field name EXTRACT is given, as date_part spells it.
pub fn field_name(f: &DateTimeField) -> String {
    match f {
        DateTimeField::Custom(id) => id.value.to_lowercase(),
        DateTimeField::Week(_) => "week".into(),
        other => other.to_string().to_lowercase(),
    }
}

fn is_datetime(ty: PgType) -> bool {
    matches!(ty, PgType::Date | PgType::Timestamp | PgType::Timestamptz)
}

impl Translator<'_> {
    /// `INTERVAL '1 day'`, `INTERVAL '1' DAY`, `INTERVAL '1 day 2 hours' HOUR TO MINUTE`.
    pub fn interval_literal(
        &mut self,
        iv: sqlparser::ast::Interval,
    ) -> Result<(Expr, Ty), PgError> {
        let sqlparser::ast::Interval {
            value,
            leading_field,
            leading_precision: _,
            last_field,
            fractional_seconds_precision: _,
        } = iv;
        let last = last_field.as_ref().or(leading_field.as_ref());
        let Some(text) = string_literal(&value) else {
            let (e, ty) = self.expr(*value)?;
            if last.is_some() {
                return Err(PgError::feature_not_supported(
                    "an interval field qualifier on an expression",
                ));
            }
            return Ok((self.coerce(e, ty, INTERVAL, Ctx::Explicit)?, INTERVAL));
        };
        let parsed = interval_constant(&text, last)?;
        Ok((make::string(&parsed.to_string()), INTERVAL))
    }

    /// Datetime arithmetic; the operands back when it is none (numbers, `date +- integer`).
    pub fn datetime_arithmetic(
        &mut self,
        (l, lt): (Expr, Ty),
        op: &BinaryOperator,
        (r, rt): (Expr, Ty),
    ) -> Result<Handled<(Expr, Expr)>, PgError> {
        use BinaryOperator::{Divide, Minus, Multiply, Plus};
        use PgType as P;
        let sign = |op: &BinaryOperator| make::int(if *op == Minus { -1 } else { 1 });
        let ts_add = |ts: Expr, iv: Expr, ty: PgType, op: &BinaryOperator| {
            let zone = make::int((ty == P::Timestamptz).into());
            make::call("pg_ts_add", vec![ts, iv, zone, sign(op)])
        };
        let timestamp = Ty::of(P::Timestamp);
        // time has no * or /: it converts to interval implicitly, which has them.
        let scaled_time = |t: PgType, n: PgType| t == P::Time && n.is_numeric();
        if matches!(op, Multiply | Divide) && scaled_time(lt.ty, rt.ty)
            || *op == Multiply && scaled_time(rt.ty, lt.ty)
        {
            let left = self.time_as_interval(l, lt)?;
            let right = self.time_as_interval(r, rt)?;
            return self.datetime_arithmetic(left, op, right);
        }
        Ok(Ok(match (lt.ty, op, rt.ty) {
            (P::Date, Plus | Minus, P::Interval) => {
                let ts = self.coerce(l, lt, timestamp, Ctx::Implicit)?;
                (ts_add(ts, r, P::Timestamp, op), timestamp)
            }
            (P::Interval, Plus, P::Date) => {
                let ts = self.coerce(r, rt, timestamp, Ctx::Implicit)?;
                (ts_add(ts, l, P::Timestamp, op), timestamp)
            }
            (P::Timestamp | P::Timestamptz, Plus | Minus, P::Interval) => {
                (ts_add(l, r, lt.ty, op), Ty::of(lt.ty))
            }
            (P::Interval, Plus, P::Timestamp | P::Timestamptz) => {
                (ts_add(r, l, rt.ty, op), Ty::of(rt.ty))
            }
            (P::Timestamp | P::Timestamptz, Minus, P::Timestamp | P::Timestamptz | P::Date) => {
                let to = crate::types::common_type(lt, rt).unwrap_or(lt);
                let l = self.coerce(l, lt, to, Ctx::Implicit)?;
                let r = self.coerce(r, rt, to, Ctx::Implicit)?;
                (make::call("pg_ts_diff", vec![l, r]), INTERVAL)
            }
            (P::Date, Minus, P::Timestamp | P::Timestamptz) => {
                let l = self.coerce(l, lt, rt, Ctx::Implicit)?;
                (make::call("pg_ts_diff", vec![l, r]), INTERVAL)
            }
            (P::Date, Plus, P::Time) => (make::call("pg_date_time", vec![l, r]), timestamp),
            (P::Time, Plus, P::Date) => (make::call("pg_date_time", vec![r, l]), timestamp),
            (P::Time, Plus | Minus, P::Interval) => (
                make::call("pg_time_add", vec![l, r, sign(op)]),
                Ty::of(P::Time),
            ),
            (P::Interval, Plus, P::Time) => (
                make::call("pg_time_add", vec![r, l, sign(op)]),
                Ty::of(P::Time),
            ),
            (P::Time, Minus, P::Time) => (make::call("pg_time_diff", vec![l, r]), INTERVAL),
            // Either side converts to interval implicitly: time + interval and interval + time
            // both match.
            (P::Time, Plus, P::Time) => {
                return Err(PgError::ambiguous_operator(&format!(
                    "{} + {}",
                    lt.ty, rt.ty
                )));
            }
            (P::Interval, Plus, P::Interval) => {
                (make::call("pg_interval_add", vec![l, r]), INTERVAL)
            }
            (P::Interval, Minus, P::Interval) => {
                (make::call("pg_interval_sub", vec![l, r]), INTERVAL)
            }
            (P::Interval, Multiply | Divide, n) if n.is_numeric() => {
                let f = if *op == Multiply {
                    "pg_interval_mul"
                } else {
                    "pg_interval_div"
                };
                let r = self.coerce(r, rt, FLOAT8, Ctx::Implicit)?;
                (make::call(f, vec![l, r]), INTERVAL)
            }
            (n, Multiply, P::Interval) if n.is_numeric() => {
                let l = self.coerce(l, lt, FLOAT8, Ctx::Implicit)?;
                (make::call("pg_interval_mul", vec![r, l]), INTERVAL)
            }
            (a, _, b)
                if is_datetime(a)
                    || is_datetime(b)
                    || matches!(a, P::Interval | P::Time)
                    || matches!(b, P::Interval | P::Time) =>
            {
                // date +- integer and date - date are the caller's.
                let date_int =
                    |x: PgType, y: PgType| x == P::Date && (y.is_integer() || y == P::Date);
                if date_int(a, b) || (b == P::Date && a.is_integer()) {
                    return Ok(Err((l, r)));
                }
                return Err(operator_error(lt, &op.to_string(), rt));
            }
            _ => return Ok(Err((l, r))),
        }))
    }

    /// A time operand as the interval it converts to implicitly; any other as it is.
    pub(super) fn time_as_interval(&mut self, e: Expr, ty: Ty) -> Result<(Expr, Ty), PgError> {
        if ty.ty != PgType::Time {
            return Ok((e, ty));
        }
        Ok((self.coerce(e, ty, INTERVAL, Ctx::Implicit)?, INTERVAL))
    }

    /// `(start, end) OVERLAPS (start, end)`, each end a time or an interval after the start.
    pub fn overlaps(&mut self, left: Expr, right: Expr) -> Result<(Expr, Ty), PgError> {
        let pair = |e: Expr| match e {
            Expr::Tuple(items) if items.len() == 2 => {
                let mut it = items.into_iter();
                Ok((
                    it.next().unwrap_or_else(make::null),
                    it.next().unwrap_or_else(make::null),
                ))
            }
            other => Err(PgError::syntax_error(
                format!("syntax error at or near \"{other}\""),
                None,
            )),
        };
        let ((s1, e1), (s2, e2)) = (pair(left)?, pair(right)?);
        let operands = [s1, e1, s2, e2]
            .into_iter()
            .map(|e| self.expr(e))
            .collect::<Result<Vec<_>, _>>()?;
        // An unknown end may be a point or an interval: only operands all of one type pick.
        let types: Vec<PgType> = operands.iter().map(|(_, t)| t.ty).collect();
        let known = || types.iter().filter(|t| **t != PgType::Unknown);
        let unknown_end = matches!(
            types.as_slice(),
            [_, PgType::Unknown, ..] | [_, _, _, PgType::Unknown]
        );
        let mixed = known().any(|t| Some(t) != known().next());
        if (unknown_end && mixed) || known().next().is_none() {
            return Err(PgError::ambiguous_function(&signature(
                "pg_catalog.overlaps",
                &types,
            )));
        }
        // An unknown start is a point of the others' type.
        let point = known()
            .find(|t| **t != PgType::Interval)
            .map_or(Ty::of(PgType::Timestamptz), |t| Ty::of(*t));
        let mut typed = Vec::with_capacity(4);
        let mut operands = operands.into_iter();
        while let (Some((start, ty)), Some(end)) = (operands.next(), operands.next()) {
            let start = if ty.is_unknown() {
                (self.coerce(start, ty, point, Ctx::Implicit)?, point)
            } else {
                (start, ty)
            };
            // An interval end is the start plus the interval.
            let end = if end.1.ty == PgType::Interval {
                let (e, ty) = start.clone();
                match self.datetime_arithmetic((e, ty), &BinaryOperator::Plus, end)? {
                    Ok(done) => done,
                    Err(_) => return Err(PgError::undefined_function("overlaps")),
                }
            } else {
                end
            };
            typed.push(start);
            typed.push(end);
        }
        let mut common = Ty::UNKNOWN;
        for (_, t) in &typed {
            common = crate::types::common_type(common, *t)
                .ok_or_else(|| PgError::undefined_function("overlaps"))?;
        }
        let common = Ty::of(common.ty);
        if !matches!(
            common.ty,
            PgType::Date | PgType::Time | PgType::Timestamp | PgType::Timestamptz
        ) {
            return Err(PgError::undefined_function(&format!(
                "overlaps({0}, {0}, {0}, {0})",
                common.ty
            )));
        }
        let args = typed
            .into_iter()
            .map(|(e, t)| self.coerce(e, t, common, Ctx::Implicit))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((make::call("pg_overlaps", args), Ty::of(PgType::Bool)))
    }

    /// `EXTRACT(field FROM value)`: numeric, as in PostgreSQL 14 and later.
    pub fn extract(&mut self, field: &DateTimeField, value: Expr) -> Result<(Expr, Ty), PgError> {
        let (e, ty) = self.expr(value)?;
        let call = format!("pg_catalog.extract(unknown, {})", ty.ty);
        let (e, ty) = Self::datetime_operand(e, ty, &call)?;
        let call = make::call(
            "pg_extract",
            vec![
                make::string(&field_name(field)),
                e,
                type_oid(ty.ty),
                make::int(0),
            ],
        );
        Ok((call, Ty::of(PgType::Numeric)))
    }

    /// A date, time, timestamp, timestamptz or interval operand of the function `call` (its
    /// name and argument types, for errors); an unknown one fits several of them (42725).
    fn datetime_operand(e: Expr, ty: Ty, call: &str) -> Result<(Expr, Ty), PgError> {
        match ty.ty {
            PgType::Date
            | PgType::Time
            | PgType::Timestamp
            | PgType::Timestamptz
            | PgType::Interval => Ok((e, ty)),
            PgType::Unknown => Err(PgError::ambiguous_function(call)),
            _ => Err(PgError::undefined_function(call)),
        }
    }

    /// The datetime functions; gives the arguments back when `name` is not one of them.
    pub fn datetime_function(
        &mut self,
        name: &str,
        typed: Vec<(Expr, Ty)>,
    ) -> Result<Handled<Vec<(Expr, Ty)>>, PgError> {
        use PgType as P;
        let known = matches!(
            name,
            "date_part"
                | "date_trunc"
                | "age"
                | "justify_hours"
                | "justify_days"
                | "justify_interval"
                | "to_char"
                | "to_timestamp"
                | "to_date"
                | "make_date"
                | "make_time"
                | "make_timestamp"
                | "make_timestamptz"
                | "make_interval"
                | "date_bin"
                | "isfinite"
        );
        if !known {
            return Ok(Err(typed));
        }
        let types: Vec<PgType> = typed.iter().map(|(_, t)| t.ty).collect();
        let mut args = typed.into_iter();
        let mut next = || args.next().unwrap_or((make::null(), Ty::UNKNOWN));
        let out = match (name, types.as_slice()) {
            ("date_part", [_, _]) => {
                let field = self.arg(next(), TEXT)?;
                let (e, ty) = next();
                let (e, ty) = Self::datetime_operand(e, ty, &signature(name, &types))?;
                // date_part(text, date) is date_part(text, timestamp) in PostgreSQL.
                let (e, ty) = if ty.ty == P::Date {
                    let ts = Ty::of(P::Timestamp);
                    (self.coerce(e, ty, ts, Ctx::Implicit)?, ts)
                } else {
                    (e, ty)
                };
                let call = make::call("pg_extract", vec![field, e, type_oid(ty.ty), make::int(1)]);
                (call, FLOAT8)
            }
            ("date_trunc", [_, _] | [_, _, _]) => {
                let field = self.arg(next(), TEXT)?;
                let (e, ty) = next();
                let (e, ty) = match ty.ty {
                    P::Timestamp | P::Timestamptz | P::Interval => (e, ty),
                    // Only date_trunc(text, timestamptz, text) takes a zone.
                    P::Date | P::Unknown if types.len() == 3 || ty.ty == P::Date => {
                        let tz = Ty::of(P::Timestamptz);
                        (self.coerce(e, ty, tz, Ctx::Implicit)?, tz)
                    }
                    P::Unknown => {
                        return Err(PgError::ambiguous_function(&signature(name, &types)));
                    }
                    _ => return Err(undefined(name, &types)),
                };
                let zone = match types.len() {
                    3 if ty.ty == P::Timestamptz => self.arg(next(), TEXT)?,
                    3 => return Err(undefined(name, &types)),
                    _ => make::null(),
                };
                let call = make::call("pg_date_trunc", vec![field, e, type_oid(ty.ty), zone]);
                (call, Ty::of(ty.ty))
            }
            // An unknown fits several of their argument types (age(xid), to_char(numeric), ...).
            ("age" | "isfinite", [P::Unknown]) | ("to_char", [P::Unknown, _]) => {
                return Err(PgError::ambiguous_function(&signature(name, &types)));
            }
            ("age", [_] | [_, _]) => {
                let first = next();
                let (a, b) = if types.len() == 1 {
                    let today = self.value_function("current_date")?;
                    (today, first)
                } else {
                    (first, next())
                };
                let to = crate::types::common_type(a.1, b.1)
                    .filter(|t| {
                        matches!(t.ty, P::Timestamp | P::Timestamptz | P::Date | P::Unknown)
                    })
                    .ok_or_else(|| undefined(name, &types))?;
                let to = if matches!(to.ty, P::Date | P::Unknown) {
                    Ty::of(P::Timestamptz)
                } else {
                    to
                };
                let a = self.coerce(a.0, a.1, to, Ctx::Implicit)?;
                let b = self.coerce(b.0, b.1, to, Ctx::Implicit)?;
                let zone = make::int((to.ty == P::Timestamptz).into());
                (make::call("pg_age", vec![a, b, zone]), INTERVAL)
            }
            ("justify_hours" | "justify_days" | "justify_interval", [_]) => {
                let iv = self.arg(next(), INTERVAL)?;
                let which = name.trim_start_matches("justify_");
                (
                    make::call("pg_justify", vec![iv, make::string(which)]),
                    INTERVAL,
                )
            }
            ("to_char", [t, _]) if t.is_numeric() => {
                let (e, ty) = next();
                let float = matches!(ty.ty, P::Float4 | P::Float8);
                let e = match float {
                    true => e,
                    false => self.coerce(e, ty, Ty::of(P::Numeric), Ctx::Implicit)?,
                };
                let fmt = self.arg(next(), TEXT)?;
                let call = make::call("pg_number_to_char", vec![e, fmt, make::int(float.into())]);
                (call, TEXT)
            }
            ("to_char", [P::Interval, _]) => {
                let (e, _) = next();
                let fmt = self.arg(next(), TEXT)?;
                (make::call("pg_interval_to_char", vec![e, fmt]), TEXT)
            }
            ("to_char", [P::Timestamp | P::Timestamptz | P::Date, _]) => {
                let (e, ty) = next();
                let fmt = self.arg(next(), TEXT)?;
                (
                    make::call("pg_to_char", vec![e, type_oid(ty.ty), fmt]),
                    TEXT,
                )
            }
            ("to_timestamp", [_, _]) | ("to_date", [_, _]) => {
                let text = self.arg(next(), TEXT)?;
                let fmt = self.arg(next(), TEXT)?;
                let date = name == "to_date";
                let call = make::call("pg_to_timestamp", vec![text, fmt, make::int(date.into())]);
                (call, Ty::of(if date { P::Date } else { P::Timestamptz }))
            }
            ("to_timestamp", [_]) => {
                let secs = self.arg(next(), FLOAT8)?;
                (
                    make::call("pg_to_timestamp_epoch", vec![secs]),
                    Ty::of(P::Timestamptz),
                )
            }
            ("make_date", [_, _, _]) => {
                let args = self.args(vec![next(), next(), next()], &[INT4; 3])?;
                (make::call("pg_make_date", args), Ty::of(P::Date))
            }
            ("make_time", [_, _, _]) => {
                let args = self.args(vec![next(), next(), next()], &[INT4, INT4, FLOAT8])?;
                (make::call("pg_make_time", args), Ty::of(P::Time))
            }
            ("make_timestamp" | "make_timestamptz", [_, _, _, _, _, _] | [_, _, _, _, _, _, _]) => {
                let fields: Vec<_> = (0..6).map(|_| next()).collect();
                let tz = name == "make_timestamptz";
                let mut args = self.args(fields, &[INT4, INT4, INT4, INT4, INT4, FLOAT8])?;
                args.push(make::int(tz.into()));
                args.push(match types.len() {
                    7 if tz => self.arg(next(), TEXT)?,
                    7 => return Err(undefined(name, &types)),
                    _ => make::null(),
                });
                let ty = if tz { P::Timestamptz } else { P::Timestamp };
                (make::call("pg_make_timestamp", args), Ty::of(ty))
            }
            ("make_interval", _) if types.len() <= 7 => {
                let mut fields: Vec<_> = (0..types.len()).map(|_| next()).collect();
                fields.resize_with(7, || (make::int(0), INT4));
                let mut kinds = [INT4; 7].to_vec();
                kinds[6] = FLOAT8;
                (
                    make::call("pg_make_interval", self.args(fields, &kinds)?),
                    INTERVAL,
                )
            }
            ("date_bin", [_, _, _]) => {
                let stride = self.arg(next(), INTERVAL)?;
                let (e, ty) = next();
                let (e, ty) = match ty.ty {
                    P::Timestamp | P::Timestamptz => (e, ty),
                    _ => {
                        let tz = Ty::of(P::Timestamptz);
                        (self.coerce(e, ty, tz, Ctx::Implicit)?, tz)
                    }
                };
                let origin = self.arg(next(), ty)?;
                (make::call("pg_date_bin", vec![stride, e, origin]), ty)
            }
            ("isfinite", [P::Date | P::Timestamp | P::Timestamptz]) => {
                let (e, _) = next();
                (make::call("pg_isfinite", vec![e]), Ty::of(P::Bool))
            }
            ("isfinite", [P::Interval]) => (make::int(1), Ty::of(P::Bool)),
            _ => return Err(undefined(name, &types)),
        };
        Ok(Ok(out))
    }

    fn arg(&mut self, (e, ty): (Expr, Ty), to: Ty) -> Result<Expr, PgError> {
        self.coerce(e, ty, to, Ctx::Implicit)
    }

    fn args(&mut self, typed: Vec<(Expr, Ty)>, to: &[Ty]) -> Result<Vec<Expr>, PgError> {
        typed
            .into_iter()
            .zip(to)
            .map(|(a, t)| self.arg(a, *t))
            .collect()
    }
}

/// Places `name => value` at its parameter's position, for the functions PostgreSQL declares
/// with named parameters apps use (`make_interval(days => 3)`); skipped ones get defaults.
pub fn named_argument(
    function: &str,
    name: &sqlparser::ast::Ident,
    value: Expr,
    args: &mut Vec<Expr>,
) -> Result<(), PgError> {
    const MAKE_INTERVAL: [&str; 7] = ["years", "months", "weeks", "days", "hours", "mins", "secs"];
    let param = super::fold(name);
    let position = match function {
        "make_interval" => MAKE_INTERVAL.iter().position(|p| *p == param),
        _ => None,
    }
    .ok_or_else(|| PgError::undefined_function(&format!("{function}({param} => unknown)")))?;
    if args.len() <= position {
        args.resize_with(position + 1, || make::int(0));
    }
    args[position] = value;
    Ok(())
}

fn undefined(name: &str, types: &[PgType]) -> PgError {
    PgError::undefined_function(&signature(name, types))
}

/// `name(type, ...)`, as PostgreSQL names a call in its errors.
fn signature(name: &str, types: &[PgType]) -> String {
    let args: Vec<String> = types.iter().map(|t| t.to_string()).collect();
    format!("{name}({})", args.join(", "))
}
