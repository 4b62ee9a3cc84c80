//! GROUP BY ROLLUP, CUBE and GROUPING SETS, which SQLite lacks: one SELECT per grouping set,
//! joined by UNION ALL. In a set's SELECT, a select-list item that is a grouping expression the
//! set leaves out is NULL, and `grouping(...)` is the set's bit mask, as PostgreSQL computes them.
//! Other uses of a left-out grouping expression fail the GROUP BY check (42803) rather than
//! answer differently.

use devdb_pg::PgError;
use sqlparser::ast::{
    Expr, FunctionArg, FunctionArgExpr, FunctionArguments, GroupByExpr, Select, SelectItem,
    SetExpr, SetOperator, SetQuantifier,
};

use crate::make;

/// True when `s` groups by ROLLUP, CUBE or GROUPING SETS.
pub fn applies(s: &Select) -> bool {
    matches!(&s.group_by, GroupByExpr::Expressions(exprs, _)
        if exprs.iter().any(|e| matches!(e, Expr::Rollup(_) | Expr::Cube(_) | Expr::GroupingSets(_))))
}

/// PostgreSQL's sets have at most this many members (4096); CUBE past 12 columns is refused.
const MAX_SETS: usize = 4096;

/// The UNION ALL of one SELECT per grouping set of `s`.
pub fn expand(s: Select) -> Result<SetExpr, PgError> {
    let GroupByExpr::Expressions(exprs, modifiers) = &s.group_by else {
        return Err(PgError::feature_not_supported("GROUP BY ALL"));
    };
    if !modifiers.is_empty() || s.distinct.is_some() || !s.named_window.is_empty() {
        return Err(PgError::feature_not_supported(
            "DISTINCT, WINDOW or GROUP BY modifiers with grouping sets",
        ));
    }
    // The cross product of each GROUP BY item's sets, in PostgreSQL's order.
    let mut sets: Vec<Vec<Expr>> = vec![Vec::new()];
    for e in exprs {
        let choices = item_sets(e)?;
        let mut next = Vec::with_capacity(sets.len() * choices.len());
        for set in &sets {
            for choice in &choices {
                let mut joined = set.clone();
                joined.extend(choice.iter().cloned());
                next.push(joined);
            }
        }
        if next.len() > MAX_SETS {
            return Err(PgError::feature_not_supported(
                "more than 4096 grouping sets",
            ));
        }
        sets = next;
    }
    let grouped: Vec<String> = sets.iter().flatten().map(|e| e.to_string()).collect();
    let mut branches = Vec::with_capacity(sets.len());
    for set in &sets {
        let in_set: Vec<String> = set.iter().map(|e| e.to_string()).collect();
        let mut branch = s.clone();
        branch.group_by = GroupByExpr::Expressions(set.clone(), Vec::new());
        branch.projection = s
            .projection
            .iter()
            .map(|item| project(item, &grouped, &in_set))
            .collect::<Result<_, _>>()?;
        branches.push(SetExpr::Select(Box::new(branch)));
    }
    let mut branches = branches.into_iter();
    let first = branches
        .next()
        .ok_or_else(|| PgError::internal("no grouping set"))?;
    Ok(branches.fold(first, |left, right| SetExpr::SetOperation {
        op: SetOperator::Union,
        set_quantifier: SetQuantifier::All,
        left: Box::new(left),
        right: Box::new(right),
    }))
}

/// The grouping sets one GROUP BY item stands for.
fn item_sets(e: &Expr) -> Result<Vec<Vec<Expr>>, PgError> {
    let plain = |list: &[Vec<Expr>]| -> Result<(), PgError> {
        match list
            .iter()
            .flatten()
            .any(|e| matches!(e, Expr::Rollup(_) | Expr::Cube(_) | Expr::GroupingSets(_)))
        {
            true => Err(PgError::feature_not_supported("nested grouping sets")),
            false => Ok(()),
        }
    };
    Ok(match e {
        Expr::Rollup(elements) => {
            plain(elements)?;
            // (a, b, c), (a, b), (a), ().
            (0..=elements.len())
                .rev()
                .map(|n| elements[..n].iter().flatten().cloned().collect())
                .collect()
        }
        Expr::Cube(elements) => {
            plain(elements)?;
            if elements.len() > 12 {
                return Err(PgError::feature_not_supported(
                    "CUBE of more than 12 elements",
                ));
            }
            // Every subset, the larger first, each in the elements' order.
            let n = elements.len();
            let mut masks: Vec<u32> = (0..(1u32 << n)).collect();
            masks.sort_by_key(|m| std::cmp::Reverse(m.count_ones()));
            masks
                .into_iter()
                .map(|m| {
                    (0..n)
                        .filter(|i| m & (1 << (n - 1 - i)) != 0)
                        .flat_map(|i| elements[i].iter().cloned())
                        .collect()
                })
                .collect()
        }
        Expr::GroupingSets(sets) => {
            plain(sets)?;
            sets.clone()
        }
        other => vec![vec![other.clone()]],
    })
}

/// A select-list item in the SELECT of one grouping set.
fn project(
    item: &SelectItem,
    grouped: &[String],
    in_set: &[String],
) -> Result<SelectItem, PgError> {
    let (expr, alias) = match item {
        SelectItem::UnnamedExpr(e) => (e, None),
        SelectItem::ExprWithAlias { expr, alias } => (expr, Some(super::fold(alias))),
        _ => {
            return Err(PgError::feature_not_supported(
                "SELECT * with grouping sets",
            ));
        }
    };
    // Every branch names the item as PostgreSQL would, so the NULL branches agree.
    let name = alias.or_else(|| super::query::figure_colname(expr));
    let text = expr.to_string();
    let value = if let Some(args) = grouping_call(expr) {
        let mut mask = 0i64;
        for arg in args {
            mask = (mask << 1) | i64::from(!in_set.contains(&arg.to_string()));
        }
        make::int(mask)
    } else if grouped.contains(&text) && !in_set.contains(&text) {
        make::null()
    } else {
        expr.clone()
    };
    Ok(make::select_item(value, name.as_deref()))
}

/// The arguments of a `grouping(...)` call.
fn grouping_call(e: &Expr) -> Option<Vec<&Expr>> {
    let Expr::Function(f) = e else {
        return None;
    };
    if !f.name.to_string().eq_ignore_ascii_case("grouping") {
        return None;
    }
    let FunctionArguments::List(list) = &f.args else {
        return None;
    };
    list.args
        .iter()
        .map(|a| match a {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
            _ => None,
        })
        .collect()
}
