//! Expressions: typing bottom-up and rewriting to SQLite's spelling.
//!
//! Every method takes an owned [`Expr`] and returns its SQLite form with its PostgreSQL type.
//! Untyped string literals, NULL and parameters without a type come back as `unknown` in a form
//! [`Translator::coerce`] can still resolve, as PostgreSQL resolves them from context.

use std::borrow::Cow;

use devdb_pg::{PgError, PgType, SqlState};
use sqlparser::ast::{CaseWhen, Expr, SetExpr, UnaryOperator, Value};

use super::{Translator, fold};
use crate::make;
use crate::types::{Ty, common_type};

pub const BOOL: Ty = Ty::of(PgType::Bool);

thread_local! {
    /// Stack bytes one translation may use on this thread: 1 MiB (any thread has 2), or what
    /// the thread's owner granted with [`crate::set_stack_budget`].
    pub(crate) static STACK_BUDGET: std::cell::Cell<usize> = const { std::cell::Cell::new(1 << 20) };
}

/// Where a value goes, which decides the casts PostgreSQL applies without being asked.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ctx {
    /// Operators, comparisons, function arguments: only widening casts.
    Implicit,
    /// INSERT and UPDATE SET: assignment casts (narrowing numbers, anything to text).
    Assignment,
    /// `CAST(x AS t)` and `x::t`.
    Explicit,
}

/// The text of a string literal of any spelling.
pub fn string_literal(e: &Expr) -> Option<Cow<'_, str>> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s)
            | Value::EscapedStringLiteral(s)
            | Value::UnicodeStringLiteral(s) => Some(Cow::Borrowed(s)),
            Value::DollarQuotedString(d) => Some(Cow::Borrowed(&d.value)),
            // `make::string`'s token for text holding `''` or `\'`, every quote doubled.
            Value::Placeholder(p) => {
                let quoted = p.strip_prefix('\'')?.strip_suffix('\'')?;
                Some(Cow::Owned(quoted.replace("''", "'")))
            }
            _ => None,
        },
        _ => None,
    }
}

/// The parameter number of a translated `?n`.
pub fn placeholder_index(e: &Expr) -> Option<usize> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::Placeholder(p) => p.strip_prefix('?')?.parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

pub fn is_null(e: &Expr) -> bool {
    matches!(e, Expr::Value(v) if v.value == Value::Null)
}

impl Translator<'_> {
    pub fn expr(&mut self, e: Expr) -> Result<(Expr, Ty), PgError> {
        let mark = match self.grouping() {
            Some(g) if g.collecting && !g.keys.is_empty() => Some(g.bare.len()),
            _ => None,
        };
        let result = self.expr_node(e)?;
        // An expression that is itself a GROUP BY key is grouped, whatever columns it uses.
        if let Some(mark) = mark {
            let printed = result.0.to_string();
            if let Some(g) = self.grouping()
                && g.keys.contains(&printed)
            {
                g.bare.truncate(mark);
            }
        }
        Ok(result)
    }

    fn expr_node(&mut self, e: Expr) -> Result<(Expr, Ty), PgError> {
        self.check_stack()?;
        if let Some(expanded) = super::row_values::expand(&e)? {
            return self.expr_node(expanded);
        }
        // Each family of expressions has its own function, which keeps the stack frame of this
        // recursion small (debug builds give every temporary of a large match its own slot).
        match e {
            Expr::BinaryOp { .. } => self.binary_chain(e),
            Expr::UnaryOp { op, expr } => self.unary_op(op, *expr),
            Expr::Function(f) => self.function(f),
            Expr::Identifier(_)
            | Expr::CompoundIdentifier(_)
            | Expr::Value(_)
            | Expr::Nested(_)
            | Expr::TypedString(_)
            | Expr::Cast { .. } => self.expr_simple(e),
            Expr::IsNull(_)
            | Expr::IsNotNull(_)
            | Expr::IsTrue(_)
            | Expr::IsNotTrue(_)
            | Expr::IsFalse(_)
            | Expr::IsNotFalse(_)
            | Expr::IsUnknown(_)
            | Expr::IsNotUnknown(_)
            | Expr::IsDistinctFrom(..)
            | Expr::IsNotDistinctFrom(..) => self.expr_predicate(e),
            Expr::InList { .. }
            | Expr::InSubquery { .. }
            | Expr::Between { .. }
            | Expr::Like { .. }
            | Expr::ILike { .. }
            | Expr::SimilarTo { .. } => self.expr_membership(e),
            Expr::Case { .. } | Expr::Exists { .. } | Expr::Subquery(_) => self.expr_compound(e),
            Expr::Array(_)
            | Expr::CompoundFieldAccess { .. }
            | Expr::AnyOp { .. }
            | Expr::AllOp { .. } => self.array_expr(e),
            Expr::Substring { .. }
            | Expr::Trim { .. }
            | Expr::Position { .. }
            | Expr::Ceil { .. }
            | Expr::Floor { .. }
            | Expr::AtTimeZone { .. }
            | Expr::Overlay { .. } => self.expr_special(e),
            Expr::Collate { expr, collation } => self.collate(*expr, &collation),
            Expr::Interval(iv) => self.interval_literal(iv),
            Expr::Extract {
                field,
                syntax: _,
                expr,
            } => self.extract(&field, *expr),
            other => Err(PgError::feature_not_supported(format!(
                "expression {other}"
            ))),
        }
    }

    /// The stack is a budget: PostgreSQL answers 54001 past max_stack_depth, and so does devdb
    /// past [`STACK_BUDGET`] bytes used by this translation.
    pub fn check_stack(&self) -> Result<(), PgError> {
        let marker = 0u8;
        let here = &marker as *const u8 as usize;
        if self.stack_base.abs_diff(here) > STACK_BUDGET.with(std::cell::Cell::get) {
            return Err(super::operators::too_complex());
        }
        Ok(())
    }

    fn expr_simple(&mut self, e: Expr) -> Result<(Expr, Ty), PgError> {
        Ok(match e {
            Expr::Identifier(id) => self.name_expr(&fold(&id))?,
            Expr::CompoundIdentifier(ids) => self.compound_identifier(&ids)?,
            Expr::Value(v) => self.value(v.value)?,
            Expr::Nested(inner) => {
                let (e, ty) = self.expr(*inner)?;
                // `('5')` is still an untyped literal (or NULL, or a parameter), which a cast or
                // an operator must see as such; it needs no parentheses.
                if ty.is_unknown() {
                    (e, ty)
                } else {
                    (make::nested(e), ty)
                }
            }
            Expr::TypedString(ts) => {
                let to = self.data_type(&ts.data_type)?.ty;
                let (e, from) = self.value(ts.value.value)?;
                (self.coerce(e, from, to, Ctx::Explicit)?, to)
            }
            Expr::Cast {
                kind: _,
                expr,
                data_type,
                format: None,
            } => self.cast_expr(*expr, &data_type)?,
            other => {
                return Err(PgError::feature_not_supported(format!(
                    "expression {other}"
                )));
            }
        })
    }

    fn expr_predicate(&mut self, e: Expr) -> Result<(Expr, Ty), PgError> {
        Ok(match e {
            Expr::IsNull(x) => (Expr::IsNull(Box::new(self.expr(*x)?.0)), BOOL),
            Expr::IsNotNull(x) => (Expr::IsNotNull(Box::new(self.expr(*x)?.0)), BOOL),
            Expr::IsTrue(x) => (Expr::IsTrue(Box::new(self.condition(*x)?)), BOOL),
            Expr::IsNotTrue(x) => (Expr::IsNotTrue(Box::new(self.condition(*x)?)), BOOL),
            Expr::IsFalse(x) => (Expr::IsFalse(Box::new(self.condition(*x)?)), BOOL),
            Expr::IsNotFalse(x) => (Expr::IsNotFalse(Box::new(self.condition(*x)?)), BOOL),
            Expr::IsUnknown(x) => (Expr::IsNull(Box::new(self.condition(*x)?)), BOOL),
            Expr::IsNotUnknown(x) => (Expr::IsNotNull(Box::new(self.condition(*x)?)), BOOL),
            Expr::IsDistinctFrom(a, b) => {
                let (a, b) = self.comparable_pair(*a, *b, "IS DISTINCT FROM")?;
                (Expr::IsDistinctFrom(Box::new(a), Box::new(b)), BOOL)
            }
            Expr::IsNotDistinctFrom(a, b) => {
                let (a, b) = self.comparable_pair(*a, *b, "IS NOT DISTINCT FROM")?;
                (Expr::IsNotDistinctFrom(Box::new(a), Box::new(b)), BOOL)
            }
            other => {
                return Err(PgError::feature_not_supported(format!(
                    "expression {other}"
                )));
            }
        })
    }

    fn expr_membership(&mut self, e: Expr) -> Result<(Expr, Ty), PgError> {
        Ok(match e {
            Expr::InList {
                expr,
                list,
                negated,
            } => {
                let mut all = vec![*expr];
                all.extend(list);
                let (all, ty) = self.compared(all, "IN")?;
                let mut all = all.into_iter().map(|e| comparable(e, ty));
                let expr = all.next().unwrap_or_else(make::null);
                (
                    Expr::InList {
                        expr: Box::new(expr),
                        list: all.collect(),
                        negated,
                    },
                    BOOL,
                )
            }
            Expr::InSubquery {
                expr,
                subquery,
                negated,
            } => {
                let (q, cols) = self.subquery(*subquery)?;
                if let Some(members) = super::row_values::members(&expr) {
                    return self.row_in_subquery(members, q, &cols, negated);
                }
                let [col] = cols.as_slice() else {
                    return Err(PgError::syntax_error("subquery has too many columns", None));
                };
                let (e, ty) = self.expr(*expr)?;
                let to = common_type(ty, *col).ok_or_else(|| operator_error(ty, "=", *col))?;
                let e = comparable(self.coerce(e, ty, to, Ctx::Implicit)?, to);
                let q = match to.ty {
                    PgType::Bpchar => super::bpchar::compared_column(q),
                    _ => q,
                };
                (
                    Expr::InSubquery {
                        expr: Box::new(e),
                        subquery: Box::new(q),
                        negated,
                    },
                    BOOL,
                )
            }
            Expr::Between {
                expr,
                negated,
                low,
                high,
            } if crate::parse::symmetric_low(&low).is_some() => {
                // PostgreSQL's own reading: (x BETWEEN a AND b) OR (x BETWEEN b AND a).
                let low = crate::parse::symmetric_low(&low)
                    .cloned()
                    .ok_or_else(|| PgError::internal("BETWEEN SYMMETRIC"))?;
                let between = |low: &Expr, high: &Expr| {
                    make::nested(Expr::Between {
                        expr: expr.clone(),
                        negated: false,
                        low: Box::new(low.clone()),
                        high: Box::new(high.clone()),
                    })
                };
                let either = make::binary(
                    between(&low, &high),
                    sqlparser::ast::BinaryOperator::Or,
                    between(&high, &low),
                );
                let e = match negated {
                    false => either,
                    true => Expr::UnaryOp {
                        op: UnaryOperator::Not,
                        expr: Box::new(make::nested(either)),
                    },
                };
                self.expr(e)?
            }
            Expr::Between {
                expr,
                negated,
                low,
                high,
            } => {
                let (all, ty) = self.compared(vec![*expr, *low, *high], "BETWEEN")?;
                let all: Vec<Expr> = all
                    .into_iter()
                    .map(|e| match ty.ty {
                        PgType::AnyEnum => self.enum_ordinal(e, ty),
                        _ => Ok(comparable(e, ty)),
                    })
                    .collect::<Result<_, _>>()?;
                let [e, l, h]: [Expr; 3] = all
                    .try_into()
                    .map_err(|_| PgError::internal("BETWEEN arity"))?;
                (
                    Expr::Between {
                        expr: Box::new(e),
                        negated,
                        low: Box::new(l),
                        high: Box::new(h),
                    },
                    BOOL,
                )
            }
            Expr::Like {
                negated,
                any: false,
                expr,
                pattern,
                escape_char,
            } => self.like("pg_like", negated, *expr, *pattern, escape_char.map(|e| *e))?,
            Expr::ILike {
                negated,
                any: false,
                expr,
                pattern,
                escape_char,
            } => self.like(
                "pg_ilike",
                negated,
                *expr,
                *pattern,
                escape_char.map(|e| *e),
            )?,
            Expr::Like {
                negated,
                any: true,
                expr,
                pattern,
                escape_char: None,
            } => self.like_any(*expr, *pattern, if negated { "!~~" } else { "~~" })?,
            Expr::ILike {
                negated,
                any: true,
                expr,
                pattern,
                escape_char: None,
            } => self.like_any(*expr, *pattern, if negated { "!~~*" } else { "~~*" })?,
            Expr::SimilarTo {
                negated,
                expr,
                pattern,
                escape_char,
            } => self.like(
                "pg_similar",
                negated,
                *expr,
                *pattern,
                escape_char.map(|e| *e),
            )?,
            other => {
                return Err(PgError::feature_not_supported(format!(
                    "expression {other}"
                )));
            }
        })
    }

    fn expr_compound(&mut self, e: Expr) -> Result<(Expr, Ty), PgError> {
        Ok(match e {
            Expr::Case {
                case_token,
                end_token,
                operand,
                conditions,
                else_result,
            } => self.case(
                case_token,
                end_token,
                operand.map(|o| *o),
                conditions,
                else_result.map(|e| *e),
            )?,
            Expr::Exists { subquery, negated } => {
                let (mut q, _) = self.subquery(*subquery)?;
                // `EXISTS (SELECT FROM ...)`: SQLite needs a column to select.
                if let SetExpr::Select(s) = q.body.as_mut()
                    && s.projection.is_empty()
                {
                    s.projection.push(make::select_item(make::int(1), None));
                }
                (
                    Expr::Exists {
                        subquery: Box::new(q),
                        negated,
                    },
                    BOOL,
                )
            }
            Expr::Subquery(q) => {
                let one_row = yields_one_row(&q);
                let (q, cols) = self.subquery(*q)?;
                let [col] = cols.as_slice() else {
                    return Err(PgError::syntax_error(
                        "subquery must return only one column",
                        None,
                    ));
                };
                match one_row {
                    true => (Expr::Subquery(Box::new(q)), *col),
                    false => (single_row(q), *col),
                }
            }
            other => {
                return Err(PgError::feature_not_supported(format!(
                    "expression {other}"
                )));
            }
        })
    }

    /// `ts AT TIME ZONE zone`: a timestamptz becomes a timestamp (the wall-clock time there),
    /// a timestamp a timestamptz (read as wall-clock time there).
    pub(super) fn at_time_zone(&mut self, ts: Expr, zone: Expr) -> Result<(Expr, Ty), PgError> {
        let (e, ty) = self.expr(ts)?;
        let text = Ty::of(PgType::Text);
        let zone = self.expr_as(zone, text, Ctx::Implicit)?;
        let (e, from_instant, result) = match ty.ty {
            PgType::Timestamp => (e, 0, PgType::Timestamptz),
            PgType::Timestamptz | PgType::Unknown | PgType::Date => {
                let tz = Ty::of(PgType::Timestamptz);
                (self.coerce(e, ty, tz, Ctx::Implicit)?, 1, PgType::Timestamp)
            }
            _ => {
                return Err(PgError::undefined_function(&format!(
                    "timezone(unknown, {})",
                    ty.ty
                )));
            }
        };
        let call = make::call("pg_at_time_zone", vec![e, zone, make::int(from_instant)]);
        Ok((call, Ty::of(result)))
    }

    fn expr_special(&mut self, e: Expr) -> Result<(Expr, Ty), PgError> {
        Ok(match e {
            Expr::Substring {
                expr,
                substring_from,
                substring_for,
                special: _,
                shorthand: _,
            } => {
                let mut args = vec![
                    *expr,
                    substring_from.map(|e| *e).unwrap_or_else(|| make::int(1)),
                ];
                args.extend(substring_for.map(|e| *e));
                self.call_builtin("substring", args)?
            }
            Expr::Trim {
                trim_where,
                trim_what,
                expr,
                trim_characters: None,
            } => self.trim(trim_where, trim_what.map(|e| *e), *expr)?,
            Expr::Position { expr, r#in } => self.call_builtin("strpos", vec![*r#in, *expr])?,
            Expr::Ceil {
                expr,
                field:
                    sqlparser::ast::CeilFloorKind::DateTimeField(
                        sqlparser::ast::DateTimeField::NoDateTime,
                    ),
            } => self.call_builtin("ceil", vec![*expr])?,
            Expr::Floor {
                expr,
                field:
                    sqlparser::ast::CeilFloorKind::DateTimeField(
                        sqlparser::ast::DateTimeField::NoDateTime,
                    ),
            } => self.call_builtin("floor", vec![*expr])?,
            Expr::AtTimeZone {
                timestamp,
                time_zone,
            } => self.at_time_zone(*timestamp, *time_zone)?,
            Expr::Overlay {
                expr,
                overlay_what,
                overlay_from,
                overlay_for,
            } => self.overlay(*expr, *overlay_what, *overlay_from, overlay_for.map(|e| *e))?,
            other => {
                return Err(PgError::feature_not_supported(format!(
                    "expression {other}"
                )));
            }
        })
    }

    fn compound_identifier(
        &mut self,
        ids: &[sqlparser::ast::Ident],
    ) -> Result<(Expr, Ty), PgError> {
        let names: Vec<String> = ids.iter().map(fold).collect();
        let (rel, col) = match names.as_slice() {
            [rel, col] => (rel.clone(), col.as_str()),
            // `pg_catalog.pg_class.relname` (SQLAlchemy's reflection): a catalog relation is
            // in scope under its plain name.
            [schema, rel, col] if crate::system::find(Some(schema), rel).is_some() => {
                (rel.clone(), col.as_str())
            }
            [schema, rel, col] => (crate::catalog::key(schema, rel), col.as_str()),
            _ => {
                return Err(PgError::feature_not_supported(format!(
                    "column reference {}",
                    names.join(".")
                )));
            }
        };
        self.column_expr(Some(&rel), col)
    }

    /// A literal or parameter.
    pub fn value(&mut self, v: Value) -> Result<(Expr, Ty), PgError> {
        Ok(match v {
            Value::Number(n, _) => number(&n)?,
            Value::SingleQuotedString(s)
            | Value::EscapedStringLiteral(s)
            | Value::UnicodeStringLiteral(s) => (make::string(&s), Ty::UNKNOWN),
            Value::DollarQuotedString(d) => (make::string(&d.value), Ty::UNKNOWN),
            Value::Boolean(b) => (make::int(b as i64), BOOL),
            Value::Null => (make::null(), Ty::UNKNOWN),
            Value::Placeholder(p) => {
                let n: usize = p
                    .strip_prefix('$')
                    .and_then(|n| n.parse().ok())
                    .filter(|n| (1..=65535).contains(n))
                    .ok_or_else(|| {
                        PgError::syntax_error(format!("syntax error at or near \"{p}\""), None)
                    })?;
                let ty = self.param(n).map(Ty::of).unwrap_or(Ty::UNKNOWN);
                (make::placeholder(n), ty)
            }
            other => return Err(PgError::feature_not_supported(format!("literal {other}"))),
        })
    }

    /// A WHERE/HAVING/ON condition or boolean operand: must be boolean.
    pub fn condition(&mut self, e: Expr) -> Result<Expr, PgError> {
        let typed = self.expr(e)?;
        self.typed_condition(typed)
    }

    /// A translated operand that must be boolean.
    pub fn typed_condition(&mut self, (e, ty): (Expr, Ty)) -> Result<Expr, PgError> {
        if ty.ty != PgType::Bool && !ty.is_unknown() {
            return Err(PgError::new(
                SqlState::DATATYPE_MISMATCH,
                format!("argument of WHERE must be type boolean, not type {}", ty.ty),
            ));
        }
        self.coerce(e, ty, BOOL, Ctx::Implicit)
    }

    /// Translates `e` and converts it to `to`.
    pub fn expr_as(&mut self, e: Expr, to: Ty, ctx: Ctx) -> Result<Expr, PgError> {
        let (e, from) = self.expr(e)?;
        self.coerce(e, from, to, ctx)
    }

    /// Translates `e`; an unknown result becomes text, as PostgreSQL resolves output columns.
    pub fn expr_resolved(&mut self, e: Expr) -> Result<(Expr, Ty), PgError> {
        let (e, ty) = self.expr(e)?;
        if ty.is_unknown() {
            let text = Ty::of(PgType::Text);
            return Ok((self.coerce(e, ty, text, Ctx::Implicit)?, text));
        }
        Ok((e, ty))
    }

    /// Translates values that must share one type (IN lists, CASE branches, COALESCE ...).
    pub fn common(&mut self, exprs: Vec<Expr>, what: &str) -> Result<(Vec<Expr>, Ty), PgError> {
        self.common_by(exprs, what, common_type)
    }

    /// [`Self::common`] for values compared with one another (IN, BETWEEN, CASE x WHEN), which
    /// PostgreSQL reads as comparisons: they meet as [`comparison_type`] says.
    fn compared(&mut self, exprs: Vec<Expr>, what: &str) -> Result<(Vec<Expr>, Ty), PgError> {
        self.common_by(exprs, what, comparison_type)
    }

    fn common_by(
        &mut self,
        exprs: Vec<Expr>,
        what: &str,
        meet: fn(Ty, Ty) -> Option<Ty>,
    ) -> Result<(Vec<Expr>, Ty), PgError> {
        let mut typed = Vec::with_capacity(exprs.len());
        let mut common = Ty::UNKNOWN;
        for e in exprs {
            let (e, ty) = self.expr(e)?;
            common = meet(common, ty).ok_or_else(|| {
                PgError::new(
                    SqlState::DATATYPE_MISMATCH,
                    format!("{what} types {} and {} cannot be matched", common.ty, ty.ty),
                )
            })?;
            typed.push((e, ty));
        }
        if common.is_unknown() {
            common = Ty::of(PgType::Text);
        }
        let common = Ty {
            typmod: -1,
            ..common
        };
        let out = typed
            .into_iter()
            .map(|(e, ty)| self.coerce(e, ty, common, Ctx::Implicit))
            .collect::<Result<_, _>>()?;
        Ok((out, common))
    }

    fn comparable_pair(&mut self, a: Expr, b: Expr, op: &str) -> Result<(Expr, Expr), PgError> {
        let a = self.expr(a)?;
        self.comparison(a, b, op)
    }

    /// Comparison operands: both converted to their common type.
    pub fn comparison(
        &mut self,
        (a, at): (Expr, Ty),
        b: Expr,
        op: &str,
    ) -> Result<(Expr, Expr), PgError> {
        let (b, bt) = self.expr(b)?;
        // xid has `=` and `<>` with int4 (xideqint4), as `(xmax = 0)` compares them.
        let xid_and_int = |x: Ty, y: Ty| {
            x.ty == PgType::Xid && (matches!(y.ty, PgType::Int4 | PgType::Xid) || y.is_unknown())
        };
        if (xid_and_int(at, bt) || xid_and_int(bt, at)) && matches!(op, "=" | "<>" | "!=") {
            let int4 = Ty::of(PgType::Int4);
            let a = if at.is_unknown() {
                self.coerce(a, at, int4, Ctx::Implicit)?
            } else {
                a
            };
            let b = if bt.is_unknown() {
                self.coerce(b, bt, int4, Ctx::Implicit)?
            } else {
                b
            };
            return Ok((a, b));
        }
        let to = match comparison_type(at, bt) {
            // varchar has no operators of its own: PostgreSQL compares it as text (so
            // `name = $1` describes $1 as text).
            Some(t) if t.is_unknown() || t.ty == PgType::Varchar => Ty::of(PgType::Text),
            Some(t) => Ty { typmod: -1, ..t },
            None => {
                return Err(operator_error_named(
                    &self.type_display(at),
                    op,
                    &self.type_display(bt),
                ));
            }
        };
        let (mut a, mut b) = (
            self.coerce(a, at, to, Ctx::Implicit)?,
            self.coerce(b, bt, to, Ctx::Implicit)?,
        );
        if let Some(element) = to.ty.element()
            && devdb_pg::value::text_order(element).is_some()
            && !op.starts_with("IS")
        {
            // Arrays of numerics (intervals, ...) compare element by element by value, which
            // their stored bytes do not: `pg_array_cmp(a, b) op 0`.
            let oid = make::int(element.oid().0.into());
            return Ok((make::call("pg_array_cmp", vec![a, b, oid]), make::int(0)));
        }
        if to.ty == PgType::AnyEnum && op != "=" && op != "<>" {
            a = self.enum_ordinal(a, to)?;
            b = self.enum_ordinal(b, to)?;
        }
        Ok((comparable(a, to), comparable(b, to)))
    }

    /// `(a, b) IN (SELECT x, y ...)`: SQLite's own row-value IN, each member converted to its
    /// column's common type and compared as that type compares.
    fn row_in_subquery(
        &mut self,
        members: Vec<Expr>,
        q: sqlparser::ast::Query,
        cols: &[Ty],
        negated: bool,
    ) -> Result<(Expr, Ty), PgError> {
        if members.len() != cols.len() {
            let message = match members.len() < cols.len() {
                true => "subquery has too many columns",
                false => "subquery has too few columns",
            };
            return Err(PgError::syntax_error(message, None));
        }
        let mut row = Vec::with_capacity(members.len());
        for (member, col) in members.into_iter().zip(cols) {
            let (e, ty) = self.expr(member)?;
            let to = common_type(ty, *col).ok_or_else(|| operator_error(ty, "=", *col))?;
            if to.ty == PgType::Bpchar {
                return Err(PgError::feature_not_supported(
                    "a character(n) member of a row compared with IN (subquery)",
                ));
            }
            row.push(comparable(self.coerce(e, ty, to, Ctx::Implicit)?, to));
        }
        let e = Expr::InSubquery {
            expr: Box::new(Expr::Tuple(row)),
            subquery: Box::new(q),
            negated,
        };
        Ok((e, BOOL))
    }

    fn like(
        &mut self,
        func: &str,
        negated: bool,
        e: Expr,
        pattern: Expr,
        escape: Option<Expr>,
    ) -> Result<(Expr, Ty), PgError> {
        let text = Ty::of(PgType::Text);
        let (e, ty) = self.expr(e)?;
        // citext's LIKE ignores case (its ~~ lower-cases both sides).
        let func = match func {
            "pg_like" if ty.ty == PgType::Citext => "pg_ilike",
            other => other,
        };
        if !ty.ty.is_text() {
            let op = match func {
                "pg_like" => "~~",
                "pg_ilike" => "~~*",
                _ => "~",
            };
            return Err(operator_error(ty, op, text));
        }
        let mut args = vec![
            self.coerce(e, ty, text, Ctx::Implicit)?,
            self.expr_as(pattern, text, Ctx::Implicit)?,
        ];
        if let Some(esc) = escape {
            args.push(self.expr_as(esc, text, Ctx::Implicit)?);
        }
        let call = make::call(func, args);
        let out = if negated {
            Expr::UnaryOp {
                op: UnaryOperator::Not,
                expr: Box::new(call),
            }
        } else {
            call
        };
        Ok((out, BOOL))
    }

    /// `x [NOT] [I]LIKE ANY (array)`: whether x matches (or fails) any of the patterns.
    fn like_any(&mut self, e: Expr, patterns: Expr, op: &str) -> Result<(Expr, Ty), PgError> {
        let text = Ty::of(PgType::Text);
        let patterns = match patterns {
            Expr::Nested(inner) if !matches!(*inner, Expr::Subquery(_)) => *inner,
            other => {
                return Err(PgError::feature_not_supported(format!("{op} ANY {other}")));
            }
        };
        let (e, ty) = self.expr(e)?;
        if !(ty.ty.is_text() || ty.is_unknown()) {
            return Err(operator_error(ty, op, text));
        }
        // citext's LIKE ignores case.
        let op = match op {
            "~~" | "!~~" if ty.ty == PgType::Citext => &format!("{op}*"),
            other => other,
        };
        let args = vec![
            self.coerce(e, ty, text, Ctx::Implicit)?,
            self.expr_as(patterns, Ty::of(PgType::TextArray), Ctx::Implicit)?,
            make::int(PgType::Text.oid().0.into()),
            make::string(op),
            make::int(0),
        ];
        Ok((make::call("pg_array_any", args), BOOL))
    }

    fn case(
        &mut self,
        case_token: sqlparser::ast::helpers::attached_token::AttachedToken,
        end_token: sqlparser::ast::helpers::attached_token::AttachedToken,
        operand: Option<Expr>,
        conditions: Vec<CaseWhen>,
        else_result: Option<Expr>,
    ) -> Result<(Expr, Ty), PgError> {
        let (operand, whens, thens) = match operand {
            Some(op) => {
                // CASE x WHEN v: every v is compared with x, so all share one type.
                let mut values = vec![op];
                let mut thens = Vec::with_capacity(conditions.len());
                for c in conditions {
                    values.push(c.condition);
                    thens.push(c.result);
                }
                let mut values = self.compared(values, "CASE/WHEN")?.0.into_iter();
                let op = values.next().unwrap_or_else(make::null);
                (Some(Box::new(op)), values.collect::<Vec<_>>(), thens)
            }
            None => {
                let mut whens = Vec::with_capacity(conditions.len());
                let mut thens = Vec::with_capacity(conditions.len());
                for c in conditions {
                    whens.push(self.condition(c.condition)?);
                    thens.push(c.result);
                }
                (None, whens, thens)
            }
        };
        let ((thens, else_result), ty) = self.case_results(thens, else_result)?;
        let conditions = whens
            .into_iter()
            .zip(thens)
            .map(|(condition, result)| CaseWhen { condition, result })
            .collect();
        Ok((
            Expr::Case {
                case_token,
                end_token,
                operand,
                conditions,
                else_result: else_result.map(Box::new),
            },
            ty,
        ))
    }

    #[allow(clippy::type_complexity)]
    fn case_results(
        &mut self,
        results: Vec<Expr>,
        else_result: Option<Expr>,
    ) -> Result<((Vec<Expr>, Option<Expr>), Ty), PgError> {
        let n = results.len();
        let mut all = results;
        let has_else = else_result.is_some();
        all.extend(else_result);
        let (mut all, ty) = self.common(all, "CASE")?;
        let else_result = if has_else { all.pop() } else { None };
        all.truncate(n);
        Ok(((all, else_result), ty))
    }
}

/// The type two compared values meet in: their common type, or interval for a time and an
/// interval (time has no common type with interval but converts to it implicitly, so
/// PostgreSQL's operator resolution picks interval's comparisons for both).
fn comparison_type(a: Ty, b: Ty) -> Option<Ty> {
    let time_and_interval = |x: Ty, y: Ty| x.ty == PgType::Time && y.ty == PgType::Interval;
    common_type(a, b).or_else(|| {
        (time_and_interval(a, b) || time_and_interval(b, a)).then_some(Ty::of(PgType::Interval))
    })
}

/// An operand as SQLite must compare it: char(n) values without their trailing blanks, as
/// PostgreSQL's bpchar operators do; numerics (stored as text) by value, through the
/// `pg_numeric` collation; intervals by span, through `pg_interval`; citext without case,
/// through `pg_citext`.
pub fn comparable(e: Expr, ty: Ty) -> Expr {
    match ty.ty {
        _ if is_null(&e) => e,
        PgType::Bpchar => super::bpchar::compared(e),
        PgType::Numeric => make::collate(e, devdb_pg::value::numeric::COLLATION),
        PgType::Interval => make::collate(e, devdb_pg::value::interval::COLLATION),
        PgType::Citext => make::collate(e, devdb_pg::value::citext::COLLATION),
        PgType::Jsonb => make::collate(e, devdb_pg::value::json::COLLATION),
        _ => e,
    }
}

/// The collation of devdb's through which SQLite compares values of `ty` (see [`comparable`]).
pub fn collation(ty: PgType) -> Option<&'static str> {
    match ty {
        PgType::Numeric => Some(devdb_pg::value::numeric::COLLATION),
        PgType::Interval => Some(devdb_pg::value::interval::COLLATION),
        PgType::Citext => Some(devdb_pg::value::citext::COLLATION),
        PgType::Jsonb => Some(devdb_pg::value::json::COLLATION),
        _ => None,
    }
}

/// True for the types SQLite compares through a collation of devdb's (see [`comparable`]).
pub fn collated(ty: PgType) -> bool {
    collation(ty).is_some()
}

/// A numeric literal: int4 when it fits, then int8, else numeric (PostgreSQL's rule).
fn number(text: &str) -> Result<(Expr, Ty), PgError> {
    if let Ok(i) = text.parse::<i64>() {
        let ty = if i32::try_from(i).is_ok() {
            PgType::Int4
        } else {
            PgType::Int8
        };
        return Ok((make::int(i), Ty::of(ty)));
    }
    let v = devdb_pg::value::decode_text(PgType::Numeric, text)?;
    Ok((super::casts::literal(&v)?, Ty::of(PgType::Numeric)))
}

/// 42883 for an operator with no implementation for these types.
pub fn operator_error(left: Ty, op: &str, right: Ty) -> PgError {
    operator_error_named(&left.ty.to_string(), op, &right.ty.to_string())
}

/// [`operator_error`] for types named by the caller (enums by their own names).
pub fn operator_error_named(left: &str, op: &str, right: &str) -> PgError {
    PgError::new(SqlState::UNDEFINED_FUNCTION, format!("operator does not exist: {left} {op} {right}"))
        .with_hint("No operator matches the given name and argument types. You might need to add explicit type casts.")
}

/// 42883 for a prefix operator `op` that takes no `operand` (`- time`, `+ text`).
pub fn prefix_operator_error(op: &str, operand: Ty) -> PgError {
    PgError::new(SqlState::UNDEFINED_FUNCTION, format!("operator does not exist: {op} {}", operand.ty))
        .with_hint("No operator matches the given name and argument type. You might need to add an explicit type cast.")
}

/// True when a scalar subquery cannot give more than one row: `LIMIT 1`, or one aggregate
/// and no GROUP BY (the common `(select count(*) ...)`).
fn yields_one_row(q: &sqlparser::ast::Query) -> bool {
    use sqlparser::ast::{GroupByExpr, LimitClause, SelectItem, SetExpr};
    let limit_one = matches!(
        &q.limit_clause,
        Some(LimitClause::LimitOffset { limit: Some(Expr::Value(v)), .. })
            if v.value == sqlparser::ast::Value::Number("1".into(), false)
    );
    let aggregate = match q.body.as_ref() {
        SetExpr::Select(s) => {
            matches!(&s.group_by, GroupByExpr::Expressions(keys, _) if keys.is_empty())
                && s.having.is_none()
                && matches!(s.projection.as_slice(),
                    [SelectItem::UnnamedExpr(Expr::Function(f)) | SelectItem::ExprWithAlias { expr: Expr::Function(f), .. }]
                        if f.over.is_none() && super::window::is_aggregate(&f.name))
        }
        _ => false,
    };
    limit_one || aggregate
}

/// `pg_scalar_row((select count(*) from (select 1 from (q) limit 2)), (q))`: the subquery's
/// value, or 21000 when it has several rows, where SQLite would take the first.
fn single_row(q: sqlparser::ast::Query) -> Expr {
    use sqlparser::ast::SetExpr;
    let rows = make::select(
        vec![make::select_item(make::int(1), None)],
        vec![make::derived(q.clone(), make::alias("devdb_rows", &[]))],
        None,
    );
    let mut two = make::query(SetExpr::Select(Box::new(rows)));
    two.limit_clause = Some(sqlparser::ast::LimitClause::LimitOffset {
        limit: Some(make::int(2)),
        offset: None,
        limit_by: Vec::new(),
    });
    let count = make::select(
        vec![make::select_item(make::count_star(), None)],
        vec![make::derived(two, make::alias("devdb_two", &[]))],
        None,
    );
    let count = Expr::Subquery(Box::new(make::query(SetExpr::Select(Box::new(count)))));
    make::call("pg_scalar_row", vec![count, Expr::Subquery(Box::new(q))])
}
