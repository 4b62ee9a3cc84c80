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
use sqlparser::ast::{Expr, JoinConstraint, Query, SelectItem, SetExpr, TableAlias, TableFactor};

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
        let mut subquery = subquery;
        if let Some(items) = set_returning_items(&mut subquery) {
            if !on.as_ref().is_none_or(is_true) {
                return Err(PgError::feature_not_supported(
                    "a LATERAL set-returning select list with a join condition",
                ));
            }
            return self.lateral_set(items, alias, join);
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

impl Translator<'_> {
    /// `LATERAL (SELECT unnest(a), generate_subscripts(a, 1))`: the select list's set joined
    /// here as a table-valued function (which reads the items to its left), the subquery's
    /// columns standing for the expressions over it.
    fn lateral_set(
        &mut self,
        items: Vec<SelectItem>,
        alias: Option<TableAlias>,
        join: LateralJoin,
    ) -> Result<(TableFactor, JoinConstraint), PgError> {
        self.scopes.push(super::Scope::default());
        self.prepare_set_returning(&items)?;
        if let Some(g) = self.grouping() {
            g.collecting = true;
        }
        let projected = self.projection(items, true, false);
        let joins = self
            .scopes
            .pop()
            .map(|s| s.set_returning)
            .unwrap_or_default();
        let (items, cols) = projected?;
        let [set] = <[TableFactor; 1]>::try_from(joins).map_err(|_| {
            PgError::feature_not_supported(
                "several set-returning functions over different sets in a LATERAL subquery",
            )
        })?;
        let name = alias
            .as_ref()
            .map(|a| super::fold(&a.name))
            .unwrap_or_else(|| "unnamed_subquery".to_owned());
        let given: Vec<String> = alias
            .iter()
            .flat_map(|a| a.columns.iter().map(|c| super::fold(&c.name)))
            .collect();
        if given.len() > cols.len() {
            return Err(PgError::too_many_column_aliases(
                &format!("table \"{name}\""),
                cols.len(),
                given.len(),
            ));
        }
        let mut columns = Vec::with_capacity(cols.len());
        let mut substitutes = Vec::with_capacity(cols.len());
        for (i, (item, (column, ty))) in items.into_iter().zip(cols).enumerate() {
            let column = given.get(i).cloned().unwrap_or(column);
            let value = match item {
                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => e,
                _ => return Err(PgError::internal("a set-returning LATERAL item")),
            };
            substitutes.push((name.clone(), column.clone(), value));
            columns.push((column, ty));
        }
        self.push_rel(super::Rel {
            name,
            columns,
            table: None,
            view: None,
        })?;
        let scope = self.current_scope();
        scope.substitutes.extend(substitutes);
        // json_each's columns (key, value, ...) must not capture this level's references.
        scope.qualify = true;
        let constraint = match join {
            LateralJoin::Left => JoinConstraint::On(make::int(1)),
            LateralJoin::Inner => JoinConstraint::None,
        };
        Ok((set, constraint))
    }
}

/// The select list of `SELECT f(...), ...` with no other clause and a set-returning call in it,
/// taken out of `q`; None (and `q` untouched) for any other query.
fn set_returning_items(q: &mut Query) -> Option<Vec<SelectItem>> {
    if !super::query::without_clauses(q) {
        return None;
    }
    match q.body.as_mut() {
        SetExpr::Select(s)
            if s.from.is_empty()
                && s.selection.is_none()
                && s.having.is_none()
                && s.distinct.is_none()
                && matches!(&s.group_by, sqlparser::ast::GroupByExpr::Expressions(k, _) if k.is_empty())
                && super::arrays::calls_set_returning(&s.projection) =>
        {
            Some(std::mem::take(&mut s.projection))
        }
        _ => None,
    }
}

fn is_true(e: &Expr) -> bool {
    match e {
        Expr::Value(v) => v.value == sqlparser::ast::Value::Boolean(true),
        Expr::Nested(inner) => is_true(inner),
        _ => false,
    }
}
