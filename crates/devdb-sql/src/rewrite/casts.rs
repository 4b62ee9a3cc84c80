//! Casts and coercions: which conversions PostgreSQL allows in each context, folding of
//! literals into their stored form at translate time, and `pg_cast` calls where the stored
//! form changes at run time.

use devdb_pg::{PgError, PgType, SqlState, Value};
use sqlparser::ast::{DataType, Expr};

use super::Translator;
use super::expr::{Ctx, is_null, placeholder_index, string_literal};
use crate::make;
use crate::runtime::apply_typmod;
use crate::types::Ty;

/// The literal expression for a stored value.
pub fn literal(v: &Value) -> Result<Expr, PgError> {
    Ok(match v {
        Value::Null => make::null(),
        Value::Int(i) => make::int(*i),
        Value::Float(f) if f.is_nan() => make::string(devdb_pg::value::FLOAT_NAN),
        Value::Float(f) => make::float(*f),
        Value::Text(s) => make::string(s),
        Value::Blob(b) => make::blob(b),
    })
}

fn rank(ty: PgType) -> Option<u8> {
    Some(match ty {
        PgType::Int2 => 0,
        PgType::Int4 => 1,
        PgType::Int8 => 2,
        PgType::Numeric => 3,
        PgType::Float4 => 4,
        PgType::Float8 => 5,
        _ => return None,
    })
}

fn datetime_rank(ty: PgType) -> Option<u8> {
    Some(match ty {
        PgType::Date => 0,
        PgType::Timestamp => 1,
        PgType::Timestamptz => 2,
        _ => return None,
    })
}

/// oid, the OID alias types and the integers, which convert among themselves freely.
fn oid_like(ty: PgType) -> bool {
    ty.is_integer() || ty.is_oid_alias()
}

fn string_type(ty: PgType) -> bool {
    matches!(
        ty,
        PgType::Text
            | PgType::Varchar
            | PgType::Bpchar
            | PgType::Name
            | PgType::Char
            | PgType::PgNodeTree
    )
}

/// True when PostgreSQL would convert `from` to `to` in this context.
pub fn allowed(from: PgType, to: PgType, ctx: Ctx) -> bool {
    if from == to {
        return true;
    }
    if let (Some(f), Some(t)) = (from.element(), to.element()) {
        return allowed(f, t, ctx);
    }
    let implicit = match (rank(from), rank(to)) {
        (Some(f), Some(t)) => f <= t,
        _ => {
            (string_type(from) && to == PgType::Text)
                || (from == PgType::Citext && matches!(to, PgType::Text | PgType::Varchar))
                || (oid_like(from) && oid_like(to))
                || (string_type(from) && string_type(to) && from != PgType::Bpchar)
                || matches!((datetime_rank(from), datetime_rank(to)), (Some(f), Some(t)) if f <= t)
                || matches!(
                    (from, to),
                    (PgType::Int2vector, PgType::Int2Array)
                        | (PgType::Oidvector, PgType::OidArray)
                        | (PgType::Time, PgType::Interval)
                )
        }
    };
    if implicit || ctx == Ctx::Implicit {
        return implicit;
    }
    let assignment = (rank(from).is_some() && rank(to).is_some())
        || string_type(to)
        || (to == PgType::Citext && string_type(from))
        || (datetime_rank(from).is_some() && datetime_rank(to).is_some())
        || (matches!(
            from,
            PgType::Timestamp | PgType::Timestamptz | PgType::Interval
        ) && to == PgType::Time)
        || matches!(
            (from, to),
            (PgType::Json, PgType::Jsonb) | (PgType::Jsonb, PgType::Json)
        );
    if assignment || ctx == Ctx::Assignment {
        return assignment;
    }
    string_type(from)
        || from == PgType::Citext
        || matches!(
            (from, to),
            (PgType::Bool, PgType::Int4) | (PgType::Int4, PgType::Bool)
        )
}

/// True when the stored value of `from` is already a valid stored value of `to`.
fn same_storage(from: PgType, to: PgType) -> bool {
    if let (Some(f), Some(t)) = (from.element(), to.element()) {
        return f.storage() == t.storage() && same_storage(f, t);
    }
    match (rank(from), rank(to)) {
        // numeric is stored as text, every other number as an integer or a real.
        (Some(f), Some(t)) => {
            f <= t
                && !(from == PgType::Float8 && to == PgType::Float4)
                && (from == PgType::Numeric) == (to == PgType::Numeric)
        }
        _ => {
            (string_type(from) && from != PgType::Bpchar && string_type(to))
                || (from == PgType::Citext && string_type(to) && to != PgType::Bpchar)
                || (string_type(from) && from != PgType::Bpchar && to == PgType::Citext)
                || (oid_like(from) && oid_like(to))
                || matches!(
                    (from, to),
                    (PgType::Bool, PgType::Int4)
                        | (PgType::Uuid | PgType::Json, PgType::Text | PgType::Varchar)
                        | (PgType::Jsonb, PgType::Json | PgType::Text | PgType::Varchar)
                        | (
                            PgType::Tsvector | PgType::Tsquery | PgType::Regconfig,
                            PgType::Text | PgType::Varchar
                        )
                )
        }
    }
}

impl Translator<'_> {
    pub fn cast_expr(&mut self, e: Expr, dt: &DataType) -> Result<(Expr, Ty), PgError> {
        let declared = self.data_type(dt)?;
        if declared.serial {
            return Err(crate::types::undefined_type(&dt.to_string().to_lowercase()));
        }
        if let Some(domain) = self.domain_named(dt)?
            && (domain.not_null || domain.check.is_some())
        {
            let domain = domain.clone();
            return self.domain_cast(e, &domain, declared.ty);
        }
        if let Some(empty) = super::arrays::empty_array_cast(&e, declared.ty) {
            return Ok(empty);
        }
        let (e, from) = self.expr(e)?;
        Ok((
            self.coerce(e, from, declared.ty, Ctx::Explicit)?,
            declared.ty,
        ))
    }

    /// `e::d` for a domain `d` with NOT NULL or a CHECK: the value of the base type `base`,
    /// or the error PostgreSQL's cast raises (23502, 23514). The CHECK reads VALUE as `e`
    /// cast to the base type, so `e` is evaluated again there.
    fn domain_cast(
        &mut self,
        e: Expr,
        domain: &crate::catalog::Domain,
        base: Ty,
    ) -> Result<(Expr, Ty), PgError> {
        let (value, from) = self.expr(e.clone())?;
        let value = self.coerce(value, from, base, Ctx::Explicit)?;
        let (schema, plain) = crate::catalog::split(&domain.name);
        let violation = |constraint: &str| {
            make::call(
                "pg_domain_violation",
                vec![
                    make::string(constraint),
                    make::string(schema),
                    make::string(plain),
                ],
            )
        };
        let mut out = value.clone();
        if let Some((name, check)) = &domain.check {
            let mut holds = crate::parse::expression(check)
                .ok_or_else(|| PgError::internal(format!("bad check of domain {}", domain.name)))?;
            let base_type = crate::parse::data_type(&self.type_display(base))?;
            let as_base = make::nested(make::cast(e, base_type));
            let _ = sqlparser::ast::visit_expressions_mut(&mut holds, |x| {
                if let Expr::Identifier(id) = x
                    && id.quote_style.is_none()
                    && id.value.eq_ignore_ascii_case("value")
                {
                    *x = as_base.clone();
                }
                std::ops::ControlFlow::<()>::Continue(())
            });
            let holds = self.expr_as(holds, super::expr::BOOL, Ctx::Implicit)?;
            // A CHECK that is NULL passes, as in a table.
            let broken = Expr::UnaryOp {
                op: sqlparser::ast::UnaryOperator::Not,
                expr: Box::new(make::nested(holds)),
            };
            out = make::call("iif", vec![broken, violation(name), out]);
        }
        if domain.not_null {
            let missing = Expr::IsNull(Box::new(value));
            out = make::call("iif", vec![missing, violation(""), out]);
        }
        Ok((out, base))
    }

    /// Converts `e` of type `from` to `to` as PostgreSQL would in `ctx`, or fails as it would.
    pub fn coerce(&mut self, e: Expr, from: Ty, to: Ty, ctx: Ctx) -> Result<Expr, PgError> {
        if to.is_unknown() {
            return Ok(e);
        }
        let e = match self.oid_alias_coercion(e, from, to, ctx)? {
            Ok(done) => return Ok(done),
            Err(e) => e,
        };
        let enums = [PgType::AnyEnum, PgType::AnyEnumArray];
        if enums.contains(&from.ty) || enums.contains(&to.ty) {
            return self.coerce_enum(e, from, to, ctx);
        }
        if from.is_unknown() {
            // A timestamptz literal depends on the session's TimeZone, which a cached
            // translation must not bake in: it is read when the statement runs (so are the
            // datetime ranges, whose bounds may also be `now` or `today`). Its syntax is
            // checked now, as PostgreSQL reads every literal before running anything.
            let zoned = matches!(
                to.ty,
                PgType::Timestamptz | PgType::TstzRange | PgType::TsRange | PgType::DateRange
            );
            if zoned && let Some(text) = string_literal(&e) {
                devdb_pg::value::decode_text(to.ty, &text)?;
                return Ok(pg_cast(e, PgType::Text, to, ctx));
            }
            // So does `now`, `today` and friends: read when the statement runs.
            let datetime = matches!(to.ty, PgType::Date | PgType::Time | PgType::Timestamp);
            if datetime
                && string_literal(&e)
                    .is_some_and(|t| devdb_pg::value::datetime::input::is_relative(&t))
            {
                return Ok(pg_cast(e, PgType::Text, to, ctx));
            }
            if let Some(text) = string_literal(&e) {
                let v = devdb_pg::value::decode_text(to.ty, &text)?;
                let v = apply_typmod(v, to.ty, to.typmod, ctx == Ctx::Explicit)?;
                return literal(&v);
            }
            if let Some(n) = placeholder_index(&e) {
                self.set_param_type(n, to.ty);
                let actual = Ty::of(self.param(n).unwrap_or(to.ty));
                if actual.ty != to.ty {
                    return self.coerce(e, actual, to, ctx);
                }
                return Ok(self.typmod_check(e, actual, to, ctx));
            }
            return Ok(e);
        }
        if from.ty == to.ty && (to.typmod < 0 || from.typmod == to.typmod) {
            return Ok(e);
        }
        if !allowed(from.ty, to.ty, ctx) {
            let code = if ctx == Ctx::Explicit {
                SqlState::CANNOT_COERCE
            } else {
                SqlState::DATATYPE_MISMATCH
            };
            return Err(PgError::new(
                code,
                format!("cannot cast type {} to {}", from.ty, to.ty),
            ));
        }
        if is_null(&e) {
            return Ok(e);
        }
        if same_storage(from.ty, to.ty) {
            // A citext column's collation would follow its value into text comparisons.
            let e = if from.ty == PgType::Citext && to.ty != PgType::Citext {
                make::collate(e, "BINARY")
            } else {
                e
            };
            return Ok(self.typmod_check(e, from, to, ctx));
        }
        Ok(pg_cast(e, from.ty, to, ctx))
    }

    /// Wraps `e` in a length/precision check when `to` has a typmod `from` does not satisfy.
    fn typmod_check(&self, e: Expr, from: Ty, to: Ty, ctx: Ctx) -> Expr {
        if to.typmod < 0 || from == to {
            return e;
        }
        pg_cast(e, from.ty, to, ctx)
    }
}

/// `pg_cast(value, from_oid, to_oid, typmod, explicit)`.
pub(super) fn pg_cast(e: Expr, from: PgType, to: Ty, ctx: Ctx) -> Expr {
    make::call(
        "pg_cast",
        vec![
            e,
            make::int(from.oid().0.into()),
            make::int(to.ty.oid().0.into()),
            make::int(to.typmod.into()),
            make::int((ctx == Ctx::Explicit) as i64),
        ],
    )
}
