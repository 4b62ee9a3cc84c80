//! `SELECT DISTINCT ON (keys) ... ORDER BY ...` and `... ORDER BY ... FETCH FIRST n ROWS WITH
//! TIES`, which SQLite lacks: the SELECT numbers its rows in ORDER BY order, within each group
//! of equal keys (`row_number() OVER (PARTITION BY keys ORDER BY ...)`) or by rank
//! (`rank() OVER (ORDER BY ...)`), and an outer SELECT keeps the first of each group or the
//! rows ranked within n.

use devdb_pg::{PgError, SqlState};
use sqlparser::ast::{
    BinaryOperator, Expr, OrderBy, OrderByExpr, OrderByKind, Select, SelectItem, SetExpr,
};

use super::query::{OutCol, ordinal};
use crate::make;

const ROW: &str = "__devdb_row";

/// DISTINCT ON's keys as an ORDER BY list, to be translated by ORDER BY's rules.
pub fn keys(exprs: &[Expr]) -> OrderBy {
    OrderBy {
        kind: OrderByKind::Expressions(exprs.iter().map(|e| make::order_by(e.clone())).collect()),
        interpolate: None,
    }
}

/// Rewrites a translated SELECT (whose DISTINCT ON keys and ORDER BY are translated too) into
/// the numbered inner SELECT and the outer one that keeps row 1; returns the outer SELECT and
/// the ORDER BY that goes with it.
pub fn distinct_on(
    inner: Select,
    cols: &[OutCol],
    on: OrderBy,
    order_by: Option<OrderBy>,
) -> Result<(Select, Option<OrderBy>), PgError> {
    let item_exprs = item_exprs(&inner);
    let resolve = |e: &Expr| resolve(&item_exprs, cols, e);
    let on_terms = terms(Some(&on));
    let order_terms = terms(order_by.as_ref());
    if !order_terms.is_empty() {
        let matches = on_terms
            .iter()
            .zip(&order_terms)
            .all(|(k, o)| resolve(&k.expr).0.to_string() == resolve(&o.expr).0.to_string());
        if !matches {
            return Err(PgError::new(
                SqlState::INVALID_COLUMN_REFERENCE,
                "SELECT DISTINCT ON expressions must match initial ORDER BY expressions",
            ));
        }
    }
    let partition: Vec<Expr> = on_terms.iter().map(|k| resolve(&k.expr).0).collect();
    let keep_first = make::binary(make::column(ROW), BinaryOperator::Eq, make::int(1));
    numbered(
        inner,
        cols,
        order_by,
        |order| make::row_number(partition, order),
        keep_first,
    )
}

/// `... ORDER BY ... FETCH FIRST n ROWS WITH TIES` (`rows` being the OFFSET plus n, the OFFSET
/// then skipping rows of the outer SELECT): the rows ranked within `rows`, so the last kept
/// row's peers stay.
pub fn with_ties(
    inner: Select,
    cols: &[OutCol],
    order_by: OrderBy,
    rows: Expr,
) -> Result<(Select, Option<OrderBy>), PgError> {
    let within = make::binary(make::column(ROW), BinaryOperator::LtEq, rows);
    numbered(inner, cols, Some(order_by), make::rank, within)
}

/// The translated SELECT `inner` with its rows numbered by `number(ORDER BY terms)` as a
/// column, inside an outer SELECT that keeps the rows where `keep` holds and gives the columns
/// their names back; returns it with the ORDER BY that goes with it.
fn numbered(
    mut inner: Select,
    cols: &[OutCol],
    order_by: Option<OrderBy>,
    number: impl FnOnce(Vec<OrderByExpr>) -> Expr,
    keep: Expr,
) -> Result<(Select, Option<OrderBy>), PgError> {
    let item_exprs = item_exprs(&inner);
    let resolve = |e: &Expr| resolve(&item_exprs, cols, e);
    let order_terms = terms(order_by.as_ref());
    let names: Vec<String> = (1..=cols.len()).map(|i| format!("__devdb_c{i}")).collect();
    for (item, name) in inner.projection.iter_mut().zip(&names) {
        // Select items are expressions by now (`*` is expanded).
        let expr = match std::mem::replace(item, SelectItem::UnnamedExpr(make::null())) {
            SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => e,
            _ => make::null(),
        };
        *item = make::select_item(expr, Some(name));
    }
    // Terms that are not output columns travel as hidden columns of the inner SELECT.
    let mut outer_order = Vec::with_capacity(order_terms.len());
    let mut window_order = Vec::with_capacity(order_terms.len());
    for (k, term) in order_terms.into_iter().enumerate() {
        let (expr, output) = resolve(&term.expr);
        window_order.push(OrderByExpr {
            expr: expr.clone(),
            ..term.clone()
        });
        let outer_expr = match output.and_then(|i| names.get(i)) {
            Some(name) => make::column(name),
            None => {
                let hidden = format!("__devdb_o{k}");
                inner
                    .projection
                    .push(make::select_item(expr, Some(&hidden)));
                make::column(&hidden)
            }
        };
        outer_order.push(OrderByExpr {
            expr: outer_expr,
            ..term
        });
    }
    inner
        .projection
        .push(make::select_item(number(window_order), Some(ROW)));
    let outer_names: Vec<String> = cols.iter().map(|(n, _)| n.clone()).collect();
    let outer = make::select_renamed(
        &names,
        &outer_names,
        make::query(SetExpr::Select(Box::new(inner))),
        "__devdb_distinct",
        Some(keep),
    );
    let order_by = order_by.map(|mut o| {
        o.kind = OrderByKind::Expressions(outer_order);
        o
    });
    Ok((outer, order_by))
}

/// The select items' expressions (`*` is expanded by now).
fn item_exprs(select: &Select) -> Vec<Expr> {
    select
        .projection
        .iter()
        .map(|item| match item {
            SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => e.clone(),
            _ => make::null(),
        })
        .collect()
}

/// An ORDER BY term as an expression of the inner SELECT, and whether it is an output column.
fn resolve(item_exprs: &[Expr], cols: &[OutCol], e: &Expr) -> (Expr, Option<usize>) {
    // A sort key through a collation (`2 COLLATE pg_numeric`: a numeric output column) keeps
    // it, so it travels as a hidden column that carries the collation outward.
    if let Expr::Collate { expr, collation } = e {
        let (inner, _) = resolve(item_exprs, cols, expr);
        let collated = Expr::Collate {
            expr: Box::new(inner),
            collation: collation.clone(),
        };
        return (collated, None);
    }
    if let Some(n) = ordinal(e)
        && let Some(item) = usize::try_from(n - 1).ok().and_then(|i| item_exprs.get(i))
    {
        return (item.clone(), usize::try_from(n - 1).ok());
    }
    if let Expr::Identifier(id) = e
        && let Some(i) = cols.iter().position(|(c, _)| *c == id.value)
        && let Some(item) = item_exprs.get(i)
    {
        return (item.clone(), Some(i));
    }
    (e.clone(), None)
}

fn terms(o: Option<&OrderBy>) -> Vec<OrderByExpr> {
    match o.map(|o| &o.kind) {
        Some(OrderByKind::Expressions(list)) => list.clone(),
        _ => Vec::new(),
    }
}
