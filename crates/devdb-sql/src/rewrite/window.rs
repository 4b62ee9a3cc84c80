//! Window functions (`OVER`, `WINDOW w AS (...)`) and aggregate `FILTER (WHERE ...)`.
//!
//! SQLite has both with PostgreSQL's meaning, so the work is typing: the window-only functions
//! get PostgreSQL's result types, aggregates are translated as such and the clause is attached
//! to the SQLite aggregate call they become (json_agg is a group_concat inside a wrapper), and
//! ORDER BY inside a window sorts NULLs as PostgreSQL does.

use devdb_pg::{PgError, PgType, SqlState};
use sqlparser::ast::{
    Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments, NamedWindowDefinition,
    NamedWindowExpr, ObjectNamePart, WindowFrame, WindowFrameBound, WindowFrameUnits, WindowSpec,
    WindowType,
};

use super::expr::Ctx;
use super::functions::undefined;
use super::query::nulls_like_postgres;
use super::{Translator, fold};
use crate::types::Ty;

/// Aggregates that take FILTER and OVER: the PostgreSQL names devdb translates to a SQLite
/// aggregate call.
const AGGREGATES: &[&str] = &[
    "array_agg",
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "bool_and",
    "bool_or",
    "every",
    "string_agg",
    "json_agg",
    "jsonb_agg",
    "json_object_agg",
    "jsonb_object_agg",
    "stddev",
    "stddev_samp",
    "stddev_pop",
    "variance",
    "var_samp",
    "var_pop",
    "bit_and",
    "bit_or",
    "bit_xor",
    "corr",
    "covar_pop",
    "covar_samp",
    "regr_count",
    "regr_sxx",
    "regr_syy",
    "regr_sxy",
    "regr_avgx",
    "regr_avgy",
    "regr_r2",
    "regr_slope",
    "regr_intercept",
    "percentile_cont",
    "percentile_disc",
    "mode",
];

/// True for a call of one of [`AGGREGATES`] (one row per group).
pub(super) fn is_aggregate(name: &sqlparser::ast::ObjectName) -> bool {
    match name.0.last() {
        Some(ObjectNamePart::Identifier(id)) => {
            let name = fold(id);
            AGGREGATES.contains(&name.as_str())
        }
        _ => false,
    }
}

/// The SQLite aggregates those become.
const SQLITE_AGGREGATES: &[&str] = &["count", "sum", "avg", "min", "max", "group_concat"];

impl Translator<'_> {
    /// A call with OVER or FILTER.
    pub fn window_or_filtered(&mut self, mut f: Function) -> Result<(Expr, Ty), PgError> {
        let over = f.over.take();
        let filter = f.filter.take();
        let name = match f.name.0.last() {
            Some(ObjectNamePart::Identifier(id)) => fold(id),
            _ => return Err(PgError::undefined_function(&format!("{}()", f.name))),
        };
        if over.is_some() && !f.within_group.is_empty() {
            return Err(PgError::feature_not_supported(format!(
                "OVER for ordered-set aggregate {name}"
            )));
        }
        let window_only = over.is_some() && filter.is_none() && is_window_only(&name);
        if !window_only && !AGGREGATES.contains(&name.as_str()) {
            let clause = if over.is_some() { "OVER" } else { "FILTER" };
            return Err(PgError::new(
                SqlState::WRONG_OBJECT_TYPE,
                format!("{clause} specified, but {name} is not an aggregate function"),
            ));
        }
        let saw_aggregate = self.grouping().map(|g| g.saw_aggregate);
        let (mut e, ty) = if window_only {
            self.window_function(&name, f.args)?
        } else if over.is_some() {
            // A window aggregate reads the rows of the grouped result: in a grouped query its
            // arguments must be grouped like any column outside an aggregate (42803).
            if let Some(g) = self.grouping() {
                g.window_arguments = true;
            }
            let translated = self.function(f);
            if let Some(g) = self.grouping() {
                g.window_arguments = false;
            }
            translated?
        } else {
            self.function(f)?
        };
        let filter = match filter {
            // Evaluated per input row, like the aggregate's argument.
            Some(c) if over.is_none() => {
                Some(Box::new(self.inside_aggregate(|t| t.condition(*c))?))
            }
            Some(c) => Some(Box::new(self.condition(*c)?)),
            None => None,
        };
        let over = match over {
            Some(w) => {
                // A window aggregate does not group the query.
                if let (Some(saw), Some(g)) = (saw_aggregate, self.grouping()) {
                    g.saw_aggregate = saw;
                }
                Some(self.window_type(w)?)
            }
            None => None,
        };
        if !attach(&mut e, &filter, &over) {
            return Err(PgError::feature_not_supported(format!(
                "FILTER or OVER on {name}"
            )));
        }
        Ok((e, ty))
    }

    /// row_number(), rank(), lag(x), ...: the functions that exist only with OVER.
    fn window_function(
        &mut self,
        name: &str,
        args: FunctionArguments,
    ) -> Result<(Expr, Ty), PgError> {
        let exprs = super::functions::positional_args(args, "window function argument")?;
        let int4 = Ty::of(PgType::Int4);
        let n = exprs.len();
        let mut it = exprs.into_iter();
        let (args, ty) = match (name, n) {
            ("row_number" | "rank" | "dense_rank", 0) => (Vec::new(), Ty::of(PgType::Int8)),
            ("percent_rank" | "cume_dist", 0) => (Vec::new(), Ty::of(PgType::Float8)),
            ("ntile", 1) => (self.window_args(it, &[int4])?, int4),
            ("lag" | "lead", 3) => {
                // lag(anycompatible, int, anycompatible): the value and the default share
                // one type, without the column's typmod.
                let value = it.next().unwrap_or_else(crate::make::null);
                let offset = it.next().unwrap_or_else(crate::make::null);
                let default = it.next().unwrap_or_else(crate::make::null);
                let typed = vec![self.expr(value)?, self.expr(default)?];
                let (mut shared, ty) = self.unify(typed, name)?;
                let default = shared.pop().unwrap_or_else(crate::make::null);
                let value = shared.pop().unwrap_or_else(crate::make::null);
                let offset = self.expr_as(offset, int4, Ctx::Implicit)?;
                (vec![value, offset, default], ty)
            }
            ("first_value" | "last_value", 1) | ("lag" | "lead" | "nth_value", 1..=2) => {
                let (value, ty) = self.expr(it.next().unwrap_or_else(crate::make::null))?;
                let ty = if ty.is_unknown() {
                    Ty::of(PgType::Text)
                } else {
                    ty
                };
                let mut args = vec![self.coerce(value, ty, ty, Ctx::Implicit)?];
                let rest: &[Ty] = match (name, n) {
                    ("nth_value", 2) | ("lag" | "lead", 2) => &[int4],
                    ("lag" | "lead" | "first_value" | "last_value", 1) => &[],
                    _ => return Err(undefined(name, n)),
                };
                args.extend(self.window_args(it, rest)?);
                (args, ty)
            }
            _ => return Err(undefined(name, n)),
        };
        Ok((crate::make::call(name, args), ty))
    }

    fn window_args(
        &mut self,
        args: impl Iterator<Item = Expr>,
        types: &[Ty],
    ) -> Result<Vec<Expr>, PgError> {
        args.zip(types)
            .map(|(a, t)| self.expr_as(a, *t, Ctx::Implicit))
            .collect()
    }

    fn window_type(&mut self, w: WindowType) -> Result<WindowType, PgError> {
        Ok(match w {
            WindowType::WindowSpec(spec) => WindowType::WindowSpec(self.window_spec(spec)?),
            WindowType::NamedWindow(name) => WindowType::NamedWindow(name),
        })
    }

    fn window_spec(&mut self, spec: WindowSpec) -> Result<WindowSpec, PgError> {
        let WindowSpec {
            window_name,
            partition_by,
            order_by,
            window_frame,
        } = spec;
        let partition_by = partition_by
            .into_iter()
            .map(|e| self.expr(e).map(|(e, _)| e))
            .collect::<Result<_, _>>()?;
        // A RANGE frame with an offset has SQLite add the offset to the sort key, which must
        // then be a number: a numeric (stored as text) sorts as a REAL there.
        let range_offsets = window_frame.as_ref().is_some_and(|f| {
            f.units == WindowFrameUnits::Range
                && std::iter::once(&f.start_bound)
                    .chain(&f.end_bound)
                    .any(|b| {
                        matches!(
                            b,
                            WindowFrameBound::Preceding(Some(_))
                                | WindowFrameBound::Following(Some(_))
                        )
                    })
        });
        let mut order = Vec::with_capacity(order_by.len());
        // The type of a RANGE frame's sort key that takes interval offsets.
        let mut datetime_key = None;
        for mut o in order_by {
            nulls_like_postgres(&mut o)?;
            let (e, ty) = self.expr(o.expr)?;
            o.expr = match ty.ty {
                PgType::Numeric if range_offsets => {
                    crate::make::cast(e, sqlparser::ast::DataType::Real)
                }
                // Stored as integer days or microseconds, to which SQLite adds the offset.
                PgType::Date | PgType::Timestamp | PgType::Timestamptz if range_offsets => {
                    datetime_key = Some(ty.ty);
                    e
                }
                _ => self.sort_key(e, Some(ty))?,
            };
            order.push(o);
        }
        let window_frame = match window_frame {
            Some(WindowFrame {
                units,
                start_bound,
                end_bound,
            }) => {
                let key = datetime_key.filter(|_| units == WindowFrameUnits::Range);
                Some(WindowFrame {
                    units,
                    start_bound: self.frame_bound(start_bound, key)?,
                    end_bound: end_bound.map(|b| self.frame_bound(b, key)).transpose()?,
                })
            }
            None => None,
        };
        Ok(WindowSpec {
            window_name,
            partition_by,
            order_by: order,
            window_frame,
        })
    }

    /// A frame bound; `datetime_key`, a RANGE frame's date or timestamp sort key, takes an
    /// interval offset.
    fn frame_bound(
        &mut self,
        b: WindowFrameBound,
        datetime_key: Option<PgType>,
    ) -> Result<WindowFrameBound, PgError> {
        let offset = |t: &mut Self, e: Option<Box<Expr>>| -> Result<Option<Box<Expr>>, PgError> {
            match e {
                Some(e) if datetime_key.is_some() => {
                    let (e, ty) = t.expr(*e)?;
                    let interval = Ty::of(PgType::Interval);
                    if !(ty.ty == PgType::Interval || ty.is_unknown()) {
                        return Err(PgError::feature_not_supported(format!(
                            "RANGE with offset PRECEDING/FOLLOWING for column type {} and \
                             offset type {}",
                            datetime_key.map_or(ty.ty, |k| k),
                            ty.ty
                        )));
                    }
                    let e = t.coerce(e, ty, interval, Ctx::Implicit)?;
                    Ok(Some(Box::new(datetime_offset(&e, datetime_key)?)))
                }
                Some(e) => {
                    let (e, ty) = t.expr(*e)?;
                    if !(ty.ty.is_numeric() || ty.is_unknown()) {
                        return Err(PgError::feature_not_supported(format!(
                            "window frame offsets of type {}",
                            ty.ty
                        )));
                    }
                    Ok(Some(Box::new(e)))
                }
                None => Ok(None),
            }
        };
        Ok(match b {
            WindowFrameBound::CurrentRow => WindowFrameBound::CurrentRow,
            WindowFrameBound::Preceding(e) => WindowFrameBound::Preceding(offset(self, e)?),
            WindowFrameBound::Following(e) => WindowFrameBound::Following(offset(self, e)?),
        })
    }

    /// `WINDOW w AS (...)`, kept as SQLite's own WINDOW clause.
    pub fn named_windows(
        &mut self,
        defs: Vec<NamedWindowDefinition>,
    ) -> Result<Vec<NamedWindowDefinition>, PgError> {
        defs.into_iter()
            .map(|NamedWindowDefinition(name, expr)| {
                let expr = match expr {
                    NamedWindowExpr::WindowSpec(spec) => {
                        NamedWindowExpr::WindowSpec(self.window_spec(spec)?)
                    }
                    NamedWindowExpr::NamedWindow(other) => NamedWindowExpr::NamedWindow(other),
                };
                Ok(NamedWindowDefinition(name, expr))
            })
            .collect()
    }
}

pub fn is_window_only(name: &str) -> bool {
    matches!(
        name,
        "row_number"
            | "rank"
            | "dense_rank"
            | "percent_rank"
            | "cume_dist"
            | "ntile"
            | "lag"
            | "lead"
            | "first_value"
            | "last_value"
            | "nth_value"
    )
}

/// Puts FILTER and OVER on the first SQLite aggregate call in `e` (or on `e` itself for a
/// window-only function); false when there is none.
fn attach(e: &mut Expr, filter: &Option<Box<Expr>>, over: &Option<WindowType>) -> bool {
    match e {
        Expr::Function(f) => {
            let name = f.name.to_string().to_lowercase();
            // devdb's runtime aggregates are window-capable too (numeric and float sums, ...).
            let is_aggregate = SQLITE_AGGREGATES.contains(&name.as_str())
                || crate::runtime::AGGREGATES.iter().any(|a| a.name == name);
            if is_aggregate || (filter.is_none() && is_window_only(&name)) {
                f.filter.clone_from(filter);
                f.over.clone_from(over);
                return true;
            }
            match &mut f.args {
                FunctionArguments::List(list) => list.args.iter_mut().any(|a| match a {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => attach(e, filter, over),
                    _ => false,
                }),
                _ => false,
            }
        }
        Expr::Nested(inner) => attach(inner, filter, over),
        Expr::BinaryOp { left, right, .. } => {
            attach(left, filter, over) || attach(right, filter, over)
        }
        _ => false,
    }
}

/// A constant interval offset of a RANGE frame over a date or timestamp key, in the key's
/// stored unit (days or microseconds). A month has no fixed length, so months are 0A000; a
/// day is 24 hours (for timestamptz, PostgreSQL's day follows the session's zone across a
/// daylight-saving change).
fn datetime_offset(e: &Expr, key: Option<PgType>) -> Result<Expr, PgError> {
    use devdb_pg::value::interval::{Interval, USECS_PER_DAY};
    let text = super::expr::string_literal(e).ok_or_else(|| {
        PgError::feature_not_supported("a RANGE frame offset that is not a constant interval")
    })?;
    let iv = Interval::parse(&text)?;
    if iv.months != 0 {
        return Err(PgError::feature_not_supported(
            "RANGE frame offsets of months over dates and timestamps",
        ));
    }
    let micros = i64::from(iv.days) * USECS_PER_DAY + iv.micros;
    if micros < 0 {
        return Err(PgError::new(
            SqlState::INVALID_PRECEDING_OR_FOLLOWING_SIZE,
            "invalid preceding or following size in window function",
        ));
    }
    Ok(match key {
        Some(PgType::Date) => crate::make::float(micros as f64 / USECS_PER_DAY as f64),
        _ => crate::make::int(micros),
    })
}
