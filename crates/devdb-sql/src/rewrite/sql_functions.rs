//! CREATE FUNCTION ... LANGUAGE sql whose body is one expression (`AS 'SELECT a + b'` or
//! `RETURN a + b`), kept in `__devdb_sql_functions`. A call is inlined: the body with each
//! argument (by name or `$n`) replaced by the call's argument cast to its declared type, the
//! whole cast to the return type, then translated like any expression. The body is translated
//! once when the function is created, so its errors come then, as in PostgreSQL.

use devdb_pg::PgError;
use sqlparser::ast::{
    BinaryOperator, CreateFunctionBody, DataType, Expr, FunctionReturnType, ObjectName,
    OperateFunctionArg, SelectItem, SetExpr, Statement, Value, visit_expressions_mut,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::ddl::{catalog_output, where_eq};
use super::triggers::Attributes;
use super::{Output, Translator, fold};
use crate::catalog::{self, SqlFunction};
use crate::make;

fn unsupported() -> PgError {
    PgError::feature_not_supported(
        "SQL function bodies other than one expression (SELECT expression or RETURN expression)",
    )
}

fn parse_type(text: &str) -> Result<DataType, PgError> {
    Parser::new(&PostgreSqlDialect {})
        .try_with_sql(text)
        .and_then(|mut p| p.parse_data_type())
        .map_err(|e| PgError::internal(format!("bad type {text} in the catalog: {e}")))
}

/// The expression of a body `SELECT expression` (nothing else: no FROM, WHERE, ...).
fn select_expression(text: &str) -> Result<Expr, PgError> {
    let statements = Parser::parse_sql(&PostgreSqlDialect {}, text)
        .map_err(|e| PgError::syntax_error(e.to_string(), None))?;
    let [Statement::Query(query)] = statements.as_slice() else {
        return Err(unsupported());
    };
    let SetExpr::Select(select) = query.body.as_ref() else {
        return Err(unsupported());
    };
    let [item] = select.projection.as_slice() else {
        return Err(unsupported());
    };
    let e = match item {
        SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => e.clone(),
        _ => return Err(unsupported()),
    };
    // The query must be exactly `SELECT e`.
    let bare = make::query(SetExpr::Select(Box::new(make::select(
        vec![SelectItem::UnnamedExpr(e.clone())],
        Vec::new(),
        None,
    ))));
    let mut plain = (**query).clone();
    if let SetExpr::Select(s) = plain.body.as_mut() {
        s.projection = vec![SelectItem::UnnamedExpr(e.clone())];
    }
    if plain != bare {
        return Err(unsupported());
    }
    Ok(e)
}

/// `body` with its arguments replaced by `values` (already cast to the arguments' types).
fn inline(mut body: Expr, names: &[String], values: &[Expr]) -> Expr {
    let _ = visit_expressions_mut(&mut body, |e| {
        let index = match e {
            Expr::Identifier(id) => {
                let name = fold(id);
                names.iter().position(|n| !n.is_empty() && *n == name)
            }
            Expr::Value(v) => match &v.value {
                Value::Placeholder(p) => p
                    .strip_prefix('$')
                    .and_then(|n| n.parse::<usize>().ok())
                    .and_then(|n| n.checked_sub(1)),
                _ => None,
            },
            _ => None,
        };
        if let Some(v) = index.and_then(|i| values.get(i)) {
            *e = make::nested(v.clone());
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    body
}

impl Translator<'_> {
    /// A call of a SQL function, inlined and translated; None when `name` is not one.
    pub fn sql_function_call(
        &mut self,
        name: &str,
        args: &[Expr],
    ) -> Result<Option<(Expr, crate::types::Ty)>, PgError> {
        let Some(f) = self.catalog.sql_function(name).cloned() else {
            return Ok(None);
        };
        if f.args.len() != args.len() {
            return Err(super::functions::undefined(name, args.len()));
        }
        let (e, _) = expand(&f, args)?;
        self.expr(e).map(Some)
    }

    pub fn create_sql_function(
        &mut self,
        or_replace: bool,
        name: &ObjectName,
        args: Option<Vec<OperateFunctionArg>>,
        return_type: Option<FunctionReturnType>,
        body: Option<CreateFunctionBody>,
        attributes: &Attributes,
    ) -> Result<Output, PgError> {
        let Some(FunctionReturnType::DataType(returns)) = return_type else {
            return Err(PgError::feature_not_supported(
                "SQL functions returning SETOF or TABLE, or without RETURNS",
            ));
        };
        let mut arg_names = Vec::new();
        let mut arg_types = Vec::new();
        let mut arg_oids = Vec::new();
        for a in args.unwrap_or_default() {
            let OperateFunctionArg {
                mode,
                name,
                data_type,
                default_expr: None,
            } = a
            else {
                return Err(PgError::feature_not_supported("argument defaults"));
            };
            if !matches!(mode, None | Some(sqlparser::ast::ArgMode::In)) {
                return Err(PgError::feature_not_supported("OUT and INOUT arguments"));
            }
            arg_oids.push(self.data_type(&data_type)?.ty.ty.oid().0.to_string());
            arg_names.push(name.as_ref().map(fold).unwrap_or_default());
            arg_types.push(data_type.to_string());
        }
        let return_oid = self.data_type(&returns)?.ty.ty.oid().0;
        // The expression, and the body's text as written (prosrc): empty for `RETURN e`.
        let (body, source) = match body {
            Some(CreateFunctionBody::Return(e)) => (e, String::new()),
            Some(
                CreateFunctionBody::AsBeforeOptions { body: text, .. }
                | CreateFunctionBody::AsAfterOptions(text),
            ) => match text {
                Expr::Value(v) => match v.value {
                    Value::DollarQuotedString(d) => (select_expression(&d.value)?, d.value),
                    Value::SingleQuotedString(s) => (select_expression(&s)?, s),
                    _ => return Err(unsupported()),
                },
                _ => return Err(unsupported()),
            },
            _ => return Err(unsupported()),
        };
        let plain = super::triggers::plain_name(name, "function")?;
        let f = SqlFunction {
            oid: devdb_pg::Oid(self.catalog.next_oid()),
            schema: catalog::DEFAULT_SCHEMA.to_owned(),
            name: plain.clone(),
            args: arg_names
                .iter()
                .cloned()
                .zip(arg_types.iter().cloned())
                .collect(),
            returns: returns.to_string(),
            body: body.to_string(),
            strict: attributes.strict,
        };
        // PostgreSQL checks the body when the function is created: translate a call of it.
        let probes: Vec<Expr> = f.args.iter().map(|_| make::null()).collect();
        let (probe, _) = expand(&f, &probes)?;
        let scopes = std::mem::take(&mut self.scopes);
        let checked = self.expr(probe);
        self.scopes = scopes;
        checked?;
        if self.catalog.function(&plain).is_some()
            || (self.catalog.sql_function(&plain).is_some() && !or_replace)
        {
            return Err(super::triggers::duplicate_function(&plain));
        }
        let mut sqlite = Vec::new();
        if let Some(existing) = self.catalog.sql_function(&plain) {
            if existing.args.len() != f.args.len() {
                return Err(PgError::feature_not_supported(
                    "overloaded functions (one function per name)",
                ));
            }
            sqlite.push(super::privileges::function_replaced(
                existing.oid.0,
                f.oid.0,
            ));
            sqlite.push(make::delete(
                catalog::SQL_FUNCTIONS,
                where_eq(&[("oid", make::int(existing.oid.0.into()))]),
            ));
        }
        sqlite.push(make::insert_rows(
            catalog::SQL_FUNCTIONS,
            &[
                "oid",
                "schema",
                "name",
                "arg_names",
                "arg_types",
                "arg_oids",
                "return_type",
                "return_oid",
                "body",
                "source",
            ]
            .into_iter()
            .chain(Attributes::COLUMNS)
            .collect::<Vec<_>>(),
            vec![
                [
                    make::int(f.oid.0.into()),
                    make::string(&f.schema),
                    make::string(&plain),
                    make::string(&catalog::name_list(&arg_names)),
                    make::string(&catalog::name_list(&arg_types)),
                    make::string(&arg_oids.join(" ")),
                    make::string(&f.returns),
                    make::int(return_oid.into()),
                    make::string(&f.body),
                    make::string(&source),
                ]
                .into_iter()
                .chain(attributes.values())
                .collect(),
            ],
        ));
        Ok(catalog_output("CREATE FUNCTION", sqlite))
    }
}

/// `CAST(body(args cast to their types) AS return type)`, and the return type.
fn expand(f: &SqlFunction, args: &[Expr]) -> Result<(Expr, DataType), PgError> {
    let body = Parser::new(&PostgreSqlDialect {})
        .try_with_sql(&f.body)
        .and_then(|mut p| p.parse_expr())
        .map_err(|e| PgError::internal(format!("bad body of function {}: {e}", f.name)))?;
    let mut values = Vec::with_capacity(args.len());
    for (a, (_, ty)) in args.iter().zip(&f.args) {
        values.push(make::cast(a.clone(), parse_type(ty)?));
    }
    let names: Vec<String> = f.args.iter().map(|(n, _)| n.clone()).collect();
    let returns = parse_type(&f.returns)?;
    let mut inlined = make::nested(inline(body, &names, &values));
    // A STRICT function's value is NULL when an argument is.
    if let Some(any_null) = values
        .iter()
        .map(|v| Expr::IsNull(Box::new(make::nested(v.clone()))))
        .reduce(|l, r| make::binary(l, BinaryOperator::Or, r))
        .filter(|_| f.strict)
    {
        inlined = make::if_else(any_null, make::null(), inlined);
    }
    Ok((make::cast(inlined, returns.clone()), returns))
}
