//! How char(n) values are stored: without their trailing blanks, padded again wherever a
//! column is read. PostgreSQL's char(n) semantics ignore trailing blanks (comparison, length,
//! casts to text), so the unpadded form is canonical for UNIQUE indexes and foreign keys, and
//! a table of blank-padded columns (pgbench's `filler char(84)`) is a fraction of the file:
//! CREATE DATABASE copies that file.

use devdb_pg::PgType;
use sqlparser::ast::{Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Query, SetExpr};

use super::expr::string_literal;
use crate::make;
use crate::types::Ty;

/// The runtime function that pads a stored value.
const PAD: &str = "pg_bpchar_pad";

/// True for char(n) with a length; `bpchar` without one keeps its value as written.
fn padded(ty: Ty) -> bool {
    ty.ty == PgType::Bpchar && ty.typmod >= 5
}

/// A column reference `e` of type `ty` as its value reads: char(n) padded to n characters.
pub fn read(e: Expr, ty: Ty) -> Expr {
    if padded(ty) {
        make::call(PAD, vec![e, make::int(ty.typmod.into())])
    } else {
        e
    }
}

/// The value `e`, already of the column's type `ty`, as the column stores it.
pub fn store(e: Expr, ty: Ty) -> Expr {
    if !padded(ty) {
        return e;
    }
    match string_literal(&e) {
        Some(text) => make::string(text.trim_end_matches(' ')),
        None => make::call("rtrim", vec![e, make::string(" ")]),
    }
}

/// The rows of `query`, whose columns are `columns`, as a table of those columns stores them:
/// for CREATE TABLE AS, whose rows do not go through an assignment.
pub fn stored_rows(query: Query, columns: &[(String, Ty)]) -> Query {
    if !columns.iter().any(|(_, ty)| padded(*ty)) {
        return query;
    }
    const ROWS: &str = "__devdb_rows";
    let items = columns
        .iter()
        .map(|(name, ty)| make::select_item(store(make::column(name), *ty), Some(name)))
        .collect();
    let names: Vec<String> = columns.iter().map(|(name, _)| name.clone()).collect();
    let outer = make::select(items, vec![make::table(ROWS, None)], None);
    make::with_cte(
        make::query(SetExpr::Select(Box::new(outer))),
        ROWS,
        &names,
        query,
    )
}

/// The one-column `query` of `x IN (query)` yielding its char values as they compare.
pub fn compared_column(query: Query) -> Query {
    const VALUES: &str = "__devdb_in";
    let item = make::select_item(compared(make::column("v")), None);
    let outer = make::select(vec![item], vec![make::table(VALUES, None)], None);
    make::with_cte(
        make::query(SetExpr::Select(Box::new(outer))),
        VALUES,
        &["v".to_owned()],
        query,
    )
}

/// A char operand as PostgreSQL compares it, without trailing blanks: a column read is its
/// stored value as is (so SQLite can use an index on it), anything else is trimmed.
pub fn compared(e: Expr) -> Expr {
    match stored_column(&e) {
        Some(column) => column.clone(),
        None => make::call("rtrim", vec![e]),
    }
}

/// The column under a [`read`] of it.
fn stored_column(e: &Expr) -> Option<&Expr> {
    let Expr::Function(f) = e else { return None };
    if f.name.to_string() != PAD {
        return None;
    }
    match &f.args {
        FunctionArguments::List(list) => match list.args.first() {
            Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(column))) => Some(column),
            _ => None,
        },
        _ => None,
    }
}
