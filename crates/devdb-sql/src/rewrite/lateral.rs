//! LATERAL subqueries: FROM items that read the items to their left.
//!
//! SQLite's subqueries in FROM cannot read their siblings, but its scalar subqueries can. So a
//! LATERAL subquery becomes, wherever one of its columns is used, a scalar subquery that reads
//! that column from it, and its place in FROM is held by a one-row table. A subquery that gives
//! more than one row for a row on its left fails with 0A000 when it runs (`pg_lateral_row`):
//! one row per left row, or none, is what ORMs' LATERAL joins produce (drizzle-orm's relational
//! queries aggregate with json_agg or take `limit 1`). An inner join keeps a left row only when
//! the subquery has a row for it (`EXISTS`).
//! Functions in FROM are LATERAL without being asked; SQLite's table-valued functions read the
//! items to their left as they are (see `generate_series`).

use devdb_pg::PgError;
use sqlparser::ast::{Expr, JoinConstraint, Query, SetExpr, TableAlias, TableFactor};

use super::Translator;
use crate::make;

/// How a LATERAL subquery is joined.
pub enum LateralJoin {
    /// `LEFT JOIN LATERAL (...) ON true`: the columns are NULL when it has no row.
    Left,
    /// `[INNER] JOIN LATERAL (...) ON ...`, `CROSS JOIN LATERAL (...)`, `, LATERAL (...)`.
    Inner,
}

impl Translator<'_> {
    /// Translates `LATERAL (subquery) alias` joined as `join` with `constraint`, registering
    /// its columns as scalar subqueries; returns the one-row FROM item and its constraint.
    pub fn lateral_subquery(
        &mut self,
        subquery: Query,
        alias: Option<TableAlias>,
        join: LateralJoin,
        constraint: JoinConstraint,
    ) -> Result<(TableFactor, JoinConstraint), PgError> {
        let on = match constraint {
            JoinConstraint::On(e) => Some(e),
            JoinConstraint::None => None,
            JoinConstraint::Using(_) | JoinConstraint::Natural => {
                return Err(PgError::feature_not_supported(
                    "LATERAL joined with USING or NATURAL",
                ));
            }
        };
        if matches!(join, LateralJoin::Left) && !on.as_ref().is_some_and(is_true) {
            return Err(PgError::feature_not_supported(
                "LEFT JOIN LATERAL with a condition other than ON true",
            ));
        }
        let (q, rel) = self.derived_query(subquery, alias)?;
        let name = rel.name.clone();
        let from = || make::derived(q.clone(), make::alias(&name, &[]));
        let substitutes: Vec<(String, String, Expr)> = rel
            .columns
            .iter()
            .map(|(column, _)| {
                // count(*) > 1 fails; otherwise max() is the one row's value, or NULL.
                let value = make::call(
                    "pg_lateral_row",
                    vec![
                        make::count_star(),
                        make::call("max", vec![make::qualified_column(&name, column)]),
                    ],
                );
                let select = make::select(vec![make::select_item(value, None)], vec![from()], None);
                let e = Expr::Subquery(Box::new(make::query(SetExpr::Select(Box::new(select)))));
                (name.clone(), column.clone(), e)
            })
            .collect();
        self.push_rel(rel)?;
        self.current_scope().substitutes.extend(substitutes);
        let constraint = match join {
            LateralJoin::Left => JoinConstraint::On(make::int(1)),
            LateralJoin::Inner => {
                let select = make::select(
                    vec![make::select_item(make::int(1), None)],
                    vec![from()],
                    None,
                );
                let exists = Expr::Exists {
                    subquery: Box::new(make::query(SetExpr::Select(Box::new(select)))),
                    negated: false,
                };
                let condition = match on {
                    Some(e) => make::and(exists, self.condition(e)?),
                    None => exists,
                };
                JoinConstraint::On(condition)
            }
        };
        let one_row = make::select(vec![make::select_item(make::int(1), None)], vec![], None);
        let placeholder = make::derived(
            make::query(SetExpr::Select(Box::new(one_row))),
            make::alias(&name, &[]),
        );
        Ok((placeholder, constraint))
    }
}

fn is_true(e: &Expr) -> bool {
    match e {
        Expr::Value(v) => v.value == sqlparser::ast::Value::Boolean(true),
        Expr::Nested(inner) => is_true(inner),
        _ => false,
    }
}
