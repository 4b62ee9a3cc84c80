//! PREPARE, EXECUTE and DEALLOCATE: SQL's way to the session's prepared statements, which the
//! executor keeps with the extended protocol's named statements.

use std::ops::ControlFlow;

use devdb_pg::{PgError, PgType, SqlState};
use sqlparser::ast::{DataType, Expr, Ident, ObjectName, ObjectNamePart};

use super::expr::Ctx;
use super::{Output, Translator, fold};
use crate::catalog::Catalog;
use crate::parse::Parsed;
use crate::search_path::SearchPath;
use crate::types::Ty;
use crate::{Column, Execute, Kind, Prepare, Translated, make};

/// `PREPARE name [(types)] AS statement`: the statement translated with the declared types.
pub(super) fn prepare(
    t: Translator<'_>,
    path: &SearchPath,
    name: &Ident,
    data_types: &[DataType],
    inner: Parsed,
    text: String,
) -> Result<Translated, PgError> {
    let mut hints = Vec::with_capacity(data_types.len());
    // Parameters of an enum or domain type: their number and type.
    let mut converted = Vec::new();
    // Domain parameters, described with the domain's OID.
    let mut domains = Vec::new();
    for (n, dt) in (1..).zip(data_types) {
        let declared = t.data_type(dt)?;
        if declared.serial {
            return Err(crate::types::undefined_type(&dt.to_string().to_lowercase()));
        }
        if declared.ty.enum_oid.is_some() {
            // Left to the cast, which binds an enum's label as text (an enum array's as
            // text[]) and describes the parameter as the enum (the enum array).
            hints.push(None);
            converted.push((n, dt.clone()));
        } else {
            if let Some(domain) = t.domain_named(dt)? {
                // A value of the base type, which the statement casts to the domain.
                domains.push((n - 1, domain.oid));
                converted.push((n, dt.clone()));
            }
            hints.push(Some(declared.ty.ty));
        }
    }
    let inner = if converted.is_empty() {
        inner
    } else {
        let Parsed::Statement(mut statement) = inner else {
            return Err(PgError::feature_not_supported(
                "PREPARE of this statement with a parameter of an enum or domain type",
            ));
        };
        cast_parameters(&mut statement, &converted);
        Parsed::Statement(statement)
    };
    let mut statement = super::statement(inner.clone(), t.catalog, path, &hints)?;
    for (index, oid) in domains {
        if !statement.described_params.iter().any(|(i, _)| *i == index) {
            statement.described_params.push((index, oid));
        }
    }
    Ok(Translated::nothing(Kind::Prepare(Box::new(Prepare {
        name: fold(name),
        text,
        source: inner,
        hints,
        statement,
    }))))
}

/// Puts each use of parameter `$n` in `converted` in a cast to its declared type: an enum's or
/// a domain's value is passed as text or as the base type, and the cast gives the statement
/// the declared type and PostgreSQL's checks (22P02 for no such label, 23514 for a domain's
/// CHECK).
fn cast_parameters(statement: &mut sqlparser::ast::Statement, converted: &[(usize, DataType)]) {
    let _ = sqlparser::ast::visit_expressions_mut(statement, |e| {
        if let Expr::Value(v) = e
            && let sqlparser::ast::Value::Placeholder(p) = &v.value
            && let Some((_, dt)) = p
                .strip_prefix('$')
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|n| converted.iter().find(|(m, _)| *m == n))
        {
            *e = make::cast(e.clone(), dt.clone());
        }
        ControlFlow::<()>::Continue(())
    });
}

/// `EXECUTE name [(arguments)]`.
pub(super) fn execute(name: &ObjectName, arguments: Vec<Expr>) -> Result<Output, PgError> {
    let [ObjectNamePart::Identifier(name)] = name.0.as_slice() else {
        return Err(PgError::syntax_error(
            format!("syntax error at or near \"{name}\""),
            None,
        ));
    };
    Ok(Output::new(Kind::Execute(Box::new(Execute {
        name: fold(name),
        arguments,
        statement: None,
    }))))
}

/// `DEALLOCATE [PREPARE] name | ALL`.
pub(super) fn deallocate(name: &Ident) -> Output {
    let all = name.quote_style.is_none() && name.value.eq_ignore_ascii_case("all");
    Output::new(Kind::Deallocate((!all).then(|| fold(name))))
}

/// `SELECT argument, ...`, each converted to its parameter's type as PostgreSQL's EXECUTE
/// converts it (an assignment), or PostgreSQL's error.
pub(crate) fn execute_arguments(
    arguments: &[Expr],
    types: &[PgType],
    catalog: &Catalog,
    path: &SearchPath,
) -> Result<Translated, PgError> {
    check_arguments(arguments)?;
    let mut t = Translator::new(catalog, path, &[]);
    let mut items = Vec::with_capacity(arguments.len());
    let mut columns = Vec::with_capacity(arguments.len());
    for (i, (argument, ty)) in arguments.iter().zip(types).enumerate() {
        let (e, from) = t.expr(argument.clone())?;
        let to = Ty::of(*ty);
        if !from.is_unknown() && !super::casts::allowed(from.ty, to.ty, Ctx::Assignment) {
            return Err(PgError::new(
                SqlState::DATATYPE_MISMATCH,
                format!(
                    "parameter ${} of type {} cannot be coerced to the expected type {}",
                    i + 1,
                    t.type_display(from),
                    t.type_display(to)
                ),
            )
            .with_hint("You will need to rewrite or cast the expression."));
        }
        items.push(make::select_item(
            t.coerce(e, from, to, Ctx::Assignment)?,
            None,
        ));
        columns.push(Column {
            name: format!("${}", i + 1),
            ty: *ty,
            typmod: -1,
            enum_oid: None,
        });
    }
    let select = make::select(items, Vec::new(), None);
    let query = make::query(sqlparser::ast::SetExpr::Select(Box::new(select)));
    let mut out = Output::new(Kind::Select);
    out.sqlite = vec![query.to_string()];
    out.columns = columns;
    Ok(super::finish(t, out))
}

/// What PostgreSQL refuses in EXECUTE's arguments: subqueries, aggregates and window
/// functions, and parameters (EXECUTE has none).
fn check_arguments(arguments: &[Expr]) -> Result<(), PgError> {
    let mut refused = None;
    let _ = sqlparser::ast::visit_expressions(&arguments.to_vec(), |e| {
        refused = match e {
            Expr::Subquery(_) | Expr::Exists { .. } | Expr::InSubquery { .. } => {
                Some(PgError::new(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "cannot use subquery in EXECUTE parameter",
                ))
            }
            Expr::Function(f) if f.over.is_some() => Some(PgError::new(
                SqlState::WINDOWING_ERROR,
                "window functions are not allowed in EXECUTE parameters",
            )),
            Expr::Function(f) if super::window::is_aggregate(&f.name) => Some(PgError::new(
                SqlState::GROUPING_ERROR,
                "aggregate functions are not allowed in EXECUTE parameters",
            )),
            Expr::Value(v) => match &v.value {
                sqlparser::ast::Value::Placeholder(p) => Some(PgError::undefined_parameter(
                    p.trim_start_matches('$').parse().unwrap_or(1),
                )),
                _ => None,
            },
            _ => None,
        };
        match refused {
            Some(_) => ControlFlow::Break(()),
            None => ControlFlow::Continue(()),
        }
    });
    refused.map_or(Ok(()), Err)
}
