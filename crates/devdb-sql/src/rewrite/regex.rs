//! POSIX regular-expression matching (`~`, `~*`, `!~`, `!~*`, and psql's
//! `OPERATOR(pg_catalog.~)`), regexp_matches in FROM, and `COLLATE` with the collations devdb
//! has.

use devdb_pg::{PgError, SqlState};
use sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, FunctionArgExpr, ObjectName, TableAlias, TableFactor,
    UnaryOperator,
};

use super::expr::{BOOL, Ctx, operator_error};
use super::{Rel, Translator, fold};
use crate::make;
use crate::types::Ty;

const TEXT: Ty = Ty::of(devdb_pg::PgType::Text);

/// A regular-expression match operator.
#[derive(Clone, Copy)]
pub struct RegexOp {
    case_insensitive: bool,
    negated: bool,
    symbol: &'static str,
}

impl RegexOp {
    pub fn of(op: &BinaryOperator) -> Option<RegexOp> {
        let (case_insensitive, negated, symbol) = match op {
            BinaryOperator::PGRegexMatch => (false, false, "~"),
            BinaryOperator::PGRegexIMatch => (true, false, "~*"),
            BinaryOperator::PGRegexNotMatch => (false, true, "!~"),
            BinaryOperator::PGRegexNotIMatch => (true, true, "!~*"),
            BinaryOperator::PGCustomBinaryOperator(parts) => {
                match parts
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .as_slice()
                {
                    ["pg_catalog", "~"] => (false, false, "~"),
                    ["pg_catalog", "~*"] => (true, false, "~*"),
                    ["pg_catalog", "!~"] => (false, true, "!~"),
                    ["pg_catalog", "!~*"] => (true, true, "!~*"),
                    _ => return None,
                }
            }
            _ => return None,
        };
        Some(RegexOp {
            case_insensitive,
            negated,
            symbol,
        })
    }
}

impl Translator<'_> {
    pub fn regex_match(
        &mut self,
        (l, lt): (Expr, Ty),
        op: RegexOp,
        right: Expr,
    ) -> Result<(Expr, Ty), PgError> {
        let (r, rt) = self.expr(right)?;
        if !(lt.ty.is_text() && rt.ty.is_text()) {
            return Err(operator_error(lt, op.symbol, rt));
        }
        let l = self.coerce(l, lt, TEXT, Ctx::Implicit)?;
        let r = self.coerce(r, rt, TEXT, Ctx::Implicit)?;
        let matched = make::call(
            "pg_regex_match",
            vec![l, r, make::int(op.case_insensitive as i64)],
        );
        let e = if op.negated {
            Expr::UnaryOp {
                op: UnaryOperator::Not,
                expr: Box::new(matched),
            }
        } else {
            matched
        };
        Ok((e, BOOL))
    }

    /// `expr COLLATE name`: devdb compares text bytewise, which is the "default", "C" and
    /// "POSIX" collations of a C.UTF-8 cluster; any other collation is 0A000.
    pub fn collate(&mut self, e: Expr, collation: &ObjectName) -> Result<(Expr, Ty), PgError> {
        let name = collation.to_string().to_lowercase();
        let known = matches!(
            name.as_str(),
            "default"
                | "\"default\""
                | "pg_catalog.default"
                | "pg_catalog.\"default\""
                | "\"c\""
                | "\"posix\""
                | "pg_catalog.\"c\""
                | "pg_catalog.\"posix\""
        );
        if !known {
            return Err(PgError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                format!("collation {collation}"),
            ));
        }
        let (e, ty) = self.expr(e)?;
        if !ty.ty.is_text() {
            return Err(PgError::new(
                SqlState::DATATYPE_MISMATCH,
                format!("collations are not supported by type {}", ty.ty),
            ));
        }
        Ok((e, ty))
    }
}

impl Translator<'_> {
    /// `regexp_matches(source, pattern[, flags]) [AS alias]` in FROM: one text[] column named
    /// after the function (or its alias), over json_each of the matches' stored arrays.
    pub fn regexp_matches_item(
        &mut self,
        args: Vec<FunctionArg>,
        alias: Option<TableAlias>,
    ) -> Result<TableFactor, PgError> {
        let n = args.len();
        if !(2..=3).contains(&n) {
            return Err(super::functions::undefined("regexp_matches", n));
        }
        let mut exprs = Vec::with_capacity(n);
        for a in args {
            match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => {
                    exprs.push(self.expr_as(e, TEXT, Ctx::Implicit)?)
                }
                other => {
                    return Err(PgError::feature_not_supported(format!(
                        "regexp_matches argument {other}"
                    )));
                }
            }
        }
        let rel = alias
            .as_ref()
            .map(|a| fold(&a.name))
            .unwrap_or_else(|| "regexp_matches".to_owned());
        let column = match alias.as_ref().map(|a| a.columns.as_slice()) {
            Some([c]) => fold(&c.name),
            Some([_, _, ..]) => {
                return Err(PgError::syntax_error(
                    "too many column aliases specified for function regexp_matches",
                    None,
                ));
            }
            _ => rel.clone(),
        };
        self.push_rel(Rel {
            name: rel.clone(),
            columns: vec![(column.clone(), Ty::of(devdb_pg::PgType::TextArray))],
            table: None,
            view: None,
        })?;
        let value = make::call("unhex", vec![make::qualified_column(&rel, "value")]);
        let scope = self.current_scope();
        scope.scalar_rows.push((rel.clone(), column.clone()));
        scope.substitutes.push((rel.clone(), column, value));
        // json_each's own columns (id, key, value, ...) must not capture bare references.
        scope.qualify = true;
        Ok(make::table_function_as(
            "json_each",
            vec![make::call("pg_regexp_matches", exprs)],
            &rel,
        ))
    }
}
