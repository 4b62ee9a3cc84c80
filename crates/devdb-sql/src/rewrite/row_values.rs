//! Row-value comparisons (`(a, b) > (1, 'x')`, keyset pagination's form; `(a, b) IN ((1, 'x'),
//! (2, 'y'))`; `(a, b) IS [NOT] DISTINCT FROM (c, d)`) written as the comparisons of their
//! members that PostgreSQL's row comparison means, so each pair is typed and coerced like any
//! comparison: `<` is `a1 < b1 OR (a1 = b1 AND a2 < b2)`, decided by the first unequal pair
//! and NULL when a NULL pair comes first, which is exactly how the expansion's AND and OR
//! treat NULL.

use devdb_pg::PgError;
use sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, UnaryOperator,
};

use crate::make;

/// The expansion of `e` when it compares row values; None for any other expression.
pub(super) fn expand(e: &Expr) -> Result<Option<Expr>, PgError> {
    Ok(Some(match e {
        Expr::BinaryOp { left, op, right } => {
            let (Some(l), Some(r)) = (members(left), members(right)) else {
                return Ok(None);
            };
            same_length(&l, &r)?;
            match op {
                BinaryOperator::Eq => all(&l, &r, BinaryOperator::Eq),
                BinaryOperator::NotEq => any(&l, &r, BinaryOperator::NotEq),
                BinaryOperator::Lt | BinaryOperator::LtEq => {
                    ordered(&l, &r, BinaryOperator::Lt, op)
                }
                BinaryOperator::Gt | BinaryOperator::GtEq => {
                    ordered(&l, &r, BinaryOperator::Gt, op)
                }
                _ => return Ok(None),
            }
        }
        Expr::InList {
            expr,
            list,
            negated,
        } => {
            let Some(l) = members(expr) else {
                return Ok(None);
            };
            let mut alternatives = Vec::with_capacity(list.len());
            for item in list {
                let Some(r) = members(item) else {
                    return Ok(None);
                };
                same_length(&l, &r)?;
                alternatives.push(all(&l, &r, BinaryOperator::Eq));
            }
            let Some(either) = alternatives.into_iter().reduce(or) else {
                return Ok(None);
            };
            negate_if(*negated, either)
        }
        Expr::IsDistinctFrom(left, right) | Expr::IsNotDistinctFrom(left, right) => {
            let (Some(l), Some(r)) = (members(left), members(right)) else {
                return Ok(None);
            };
            same_length(&l, &r)?;
            let distinct = l
                .iter()
                .zip(&r)
                .map(|(a, b)| Expr::IsDistinctFrom(Box::new(a.clone()), Box::new(b.clone())))
                .reduce(or)
                .unwrap_or_else(|| make::value(sqlparser::ast::Value::Boolean(false)));
            negate_if(matches!(e, Expr::IsNotDistinctFrom(..)), distinct)
        }
        _ => return Ok(None),
    }))
}

/// True when `e` compares row values (its expansion is [`expand`]'s).
pub(super) fn compares_rows(e: &Expr) -> bool {
    matches!(e, Expr::BinaryOp { left, right, .. } if members(left).is_some() && members(right).is_some())
}

/// The members of a row value of two or more: `(a, b)` or `ROW(a, b)`.
pub(super) fn members(e: &Expr) -> Option<Vec<Expr>> {
    match e {
        Expr::Tuple(items) if items.len() > 1 => Some(items.clone()),
        Expr::Nested(inner) => members(inner),
        Expr::Function(f) if f.name.to_string().eq_ignore_ascii_case("row") => {
            let FunctionArguments::List(list) = &f.args else {
                return None;
            };
            let items: Option<Vec<Expr>> = list
                .args
                .iter()
                .map(|arg| match arg {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e.clone()),
                    _ => None,
                })
                .collect();
            items.filter(|items| items.len() > 1)
        }
        _ => None,
    }
}

fn same_length(l: &[Expr], r: &[Expr]) -> Result<(), PgError> {
    match l.len() == r.len() {
        true => Ok(()),
        false => Err(PgError::syntax_error(
            "unequal number of entries in row expressions",
            None,
        )),
    }
}

fn compare(a: &Expr, op: BinaryOperator, b: &Expr) -> Expr {
    make::nested(make::binary(a.clone(), op, b.clone()))
}

fn or(a: Expr, b: Expr) -> Expr {
    make::nested(make::binary(a, BinaryOperator::Or, b))
}

/// Every pair compared with `op`, joined by AND.
fn all(l: &[Expr], r: &[Expr], op: BinaryOperator) -> Expr {
    let joined = l
        .iter()
        .zip(r)
        .map(|(a, b)| compare(a, op.clone(), b))
        .reduce(make::and)
        .unwrap_or_else(make::null);
    make::nested(joined)
}

/// Some pair compared with `op`, joined by OR.
fn any(l: &[Expr], r: &[Expr], op: BinaryOperator) -> Expr {
    l.iter()
        .zip(r)
        .map(|(a, b)| compare(a, op.clone(), b))
        .reduce(or)
        .unwrap_or_else(make::null)
}

/// `<`, `<=`, `>` or `>=` (`last`) of rows: the first pair decides by `strict`, an equal pair
/// passes to the next, and the last pair is compared with `last` itself.
fn ordered(l: &[Expr], r: &[Expr], strict: BinaryOperator, last: &BinaryOperator) -> Expr {
    let n = l.len() - 1;
    let mut out = compare(&l[n], last.clone(), &r[n]);
    for i in (0..n).rev() {
        let equal_then = make::nested(make::and(compare(&l[i], BinaryOperator::Eq, &r[i]), out));
        out = or(compare(&l[i], strict.clone(), &r[i]), equal_then);
    }
    out
}

fn negate_if(negated: bool, e: Expr) -> Expr {
    match negated {
        true => make::nested(Expr::UnaryOp {
            op: UnaryOperator::Not,
            expr: Box::new(e),
        }),
        false => e,
    }
}
