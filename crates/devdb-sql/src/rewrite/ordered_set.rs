//! Ordered-set aggregates: `percentile_cont(f) WITHIN GROUP (ORDER BY x)`,
//! `percentile_disc(f) WITHIN GROUP (ORDER BY x)` (f a float8 or a float8[] of fractions) and
//! `mode() WITHIN GROUP (ORDER BY x)`, as runtime aggregates called with the WITHIN GROUP
//! order, the fractions passed along in every row.

use devdb_pg::{PgError, PgType};
use sqlparser::ast::{Expr, OrderByExpr};

use super::Translator;
use super::arrays::{array_of, oid, undetermined};
use super::expr::Ctx;
use super::functions::undefined_with;
use crate::make;
use crate::types::Ty;

const FLOAT8: Ty = Ty::of(PgType::Float8);

impl Translator<'_> {
    pub(super) fn ordered_set_aggregate(
        &mut self,
        name: &str,
        direct: Vec<Expr>,
        within: Vec<OrderByExpr>,
    ) -> Result<(Expr, Ty), PgError> {
        let [sort] = <[OrderByExpr; 1]>::try_from(within).map_err(|w| {
            PgError::undefined_function(&format!("{name} with {} sort keys", w.len()))
        })?;
        match (name, direct.len()) {
            ("percentile_cont" | "percentile_disc", 1) | ("mode", 0) => {}
            ("rank" | "dense_rank" | "percent_rank" | "cume_dist", _) => {
                return Err(PgError::feature_not_supported(
                    "hypothetical-set aggregates",
                ));
            }
            _ => return Err(super::functions::undefined(name, direct.len() + 1)),
        }
        self.inside_aggregate(|t| {
            let (value, ty) = t.expr(sort.expr.clone())?;
            if ty.is_unknown() {
                return Err(undetermined());
            }
            let order = t.aggregate_order(vec![sort])?;
            let Some(fraction) = direct.into_iter().next() else {
                let call = make::aggregate("pg_mode", vec![value], false, order);
                return Ok((call, Ty { typmod: -1, ..ty }));
            };
            let (fraction, ft) = t.expr(fraction)?;
            let many = ft.ty.element().is_some();
            let fraction_ty = match many {
                true => Ty::of(PgType::Float8Array),
                false => FLOAT8,
            };
            let fraction = t.coerce(fraction, ft, fraction_ty, Ctx::Implicit)?;
            if name == "percentile_cont" {
                if !ty.ty.is_numeric() {
                    return Err(undefined_with(name, &[ft, ty]));
                }
                let value = t.coerce(value, ty, FLOAT8, Ctx::Implicit)?;
                let (runtime, result) = match many {
                    true => ("pg_percentile_cont_multi", Ty::of(PgType::Float8Array)),
                    false => ("pg_percentile_cont", FLOAT8),
                };
                let call = make::aggregate(runtime, vec![value, fraction], false, order);
                return Ok((call, result));
            }
            let element = Ty { typmod: -1, ..ty };
            Ok(match many {
                true => (
                    make::aggregate(
                        "pg_percentile_disc_multi",
                        vec![value, fraction, oid(ty.ty)],
                        false,
                        order,
                    ),
                    array_of(element)?,
                ),
                false => (
                    make::aggregate("pg_percentile_disc", vec![value, fraction], false, order),
                    element,
                ),
            })
        })
    }
}
