//! The json and jsonb set-returning functions in FROM: json(b)_each(_text),
//! json(b)_array_elements(_text) and json(b)_object_keys, over SQLite's json_each.
//!
//! Like generate_series, SQLite's table-valued function stays in FROM (where it may read the
//! items to its left) and the PostgreSQL columns are expressions over its columns: `value` as
//! JSON text is the document's subtree at `fullkey` (`json -> fullkey`, numbers as written),
//! normalized for jsonb; the `_text` forms give strings unquoted and JSON null as NULL.

use devdb_pg::{PgError, PgType};
use sqlparser::ast::{Expr, FunctionArg, FunctionArgExpr, TableAlias, TableFactor};

use super::expr::Ctx;
use super::{Rel, Translator, fold};
use crate::make;
use crate::types::Ty;

/// What a json set-returning function yields.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Shape {
    /// key, value
    Each { text: bool },
    /// value
    Elements { text: bool },
    /// one text column named after the function (or its alias)
    Keys,
}

/// The shape of json set-returning function `name`, and whether it is the jsonb one; None
/// when `name` is not one.
pub(super) fn shape(name: &str) -> Option<(Shape, bool)> {
    let jsonb = name.starts_with("jsonb_");
    let rest = name.strip_prefix(if jsonb { "jsonb_" } else { "json_" })?;
    let shape = match rest {
        "each" => Shape::Each { text: false },
        "each_text" => Shape::Each { text: true },
        "array_elements" => Shape::Elements { text: false },
        "array_elements_text" => Shape::Elements { text: true },
        "object_keys" => Shape::Keys,
        _ => return None,
    };
    Some((shape, jsonb))
}

impl Translator<'_> {
    /// A json set-returning function in FROM, of the [`shape`] its name has.
    pub(super) fn json_set_function(
        &mut self,
        (shape, jsonb): (Shape, bool),
        name: &str,
        args: Vec<FunctionArg>,
        alias: Option<TableAlias>,
    ) -> Result<TableFactor, PgError> {
        let doc_ty = Ty::of(if jsonb { PgType::Jsonb } else { PgType::Json });
        let [FunctionArg::Unnamed(FunctionArgExpr::Expr(doc))] = <[FunctionArg; 1]>::try_from(args)
            .map_err(|a| super::functions::undefined(name, a.len()))?
        else {
            return Err(PgError::feature_not_supported(format!(
                "arguments of {name}"
            )));
        };
        let doc = self.expr_as(doc, doc_ty, Ctx::Implicit)?;
        let want = if shape == Shape::Keys || matches!(shape, Shape::Each { .. }) {
            "object"
        } else {
            "array"
        };
        let doc = make::call(
            "pg_json_set_arg",
            vec![doc, make::string(want), make::string(name)],
        );
        let rel = alias
            .as_ref()
            .map(|a| fold(&a.name))
            .unwrap_or_else(|| name.to_owned());
        let col = |c: &str| make::qualified_column(&rel, c);
        let as_json = {
            let subtree = make::binary(
                col("json"),
                sqlparser::ast::BinaryOperator::Arrow,
                col("fullkey"),
            );
            if jsonb {
                make::call("pg_jsonb_norm", vec![subtree])
            } else {
                subtree
            }
        };
        let as_text = Expr::Case {
            case_token: sqlparser::ast::helpers::attached_token::AttachedToken::empty(),
            end_token: sqlparser::ast::helpers::attached_token::AttachedToken::empty(),
            operand: Some(Box::new(col("type"))),
            conditions: vec![
                sqlparser::ast::CaseWhen {
                    condition: make::string("null"),
                    result: make::null(),
                },
                sqlparser::ast::CaseWhen {
                    condition: make::string("text"),
                    result: col("value"),
                },
            ],
            else_result: Some(Box::new(as_json.clone())),
        };
        let text = Ty::of(PgType::Text);
        let value = |t: bool| {
            if t {
                (as_text.clone(), text)
            } else {
                (as_json.clone(), doc_ty)
            }
        };
        let mut columns: Vec<(String, Ty, Expr)> = match shape {
            Shape::Each { text: t } => {
                let (e, ty) = value(t);
                vec![("key".into(), text, col("key")), ("value".into(), ty, e)]
            }
            // The elements' column is the OUT parameter `value`; object_keys has none, so its
            // one column takes the alias's name, as PostgreSQL names it.
            Shape::Elements { text: t } => {
                let (e, ty) = value(t);
                vec![("value".to_owned(), ty, e)]
            }
            Shape::Keys => vec![(rel.clone(), text, col("key"))],
        };
        if let Some(a) = &alias {
            if a.columns.len() > columns.len() {
                return Err(PgError::syntax_error(
                    format!("too many column aliases specified for function {name}"),
                    None,
                ));
            }
            for (slot, c) in columns.iter_mut().zip(&a.columns) {
                slot.0 = fold(&c.name);
            }
        }
        self.push_rel(Rel {
            name: rel.clone(),
            columns: columns.iter().map(|(n, t, _)| (n.clone(), *t)).collect(),
            table: None,
            view: None,
        })?;
        let scope = self.current_scope();
        if let Shape::Elements { .. } = shape {
            scope.scalar_rows.push((rel.clone(), "value".to_owned()));
        }
        for (n, _, e) in columns {
            scope.substitutes.push((rel.clone(), n, e));
        }
        // json_each's own columns (id, key, value, ...) must not capture bare references.
        scope.qualify = true;
        Ok(make::table_function_as("json_each", vec![doc], &rel))
    }
}
