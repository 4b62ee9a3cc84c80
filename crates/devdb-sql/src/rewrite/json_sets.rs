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
use super::{Translator, fold};
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
    /// The one argument of json set function `name`, as a document of type `doc_ty`.
    fn document_arg(
        &mut self,
        name: &str,
        args: Vec<FunctionArg>,
        doc_ty: Ty,
    ) -> Result<Expr, PgError> {
        let [FunctionArg::Unnamed(FunctionArgExpr::Expr(doc))] = <[FunctionArg; 1]>::try_from(args)
            .map_err(|a| super::functions::undefined(name, a.len()))?
        else {
            return Err(PgError::feature_not_supported(format!(
                "arguments of {name}"
            )));
        };
        self.expr_as(doc, doc_ty, Ctx::Implicit)
    }

    /// Puts json_each's relation `rel` in scope with PostgreSQL's `columns`, each the
    /// expression over json_each's columns it stands for.
    fn json_each_rel(
        &mut self,
        rel: &str,
        columns: Vec<(String, Ty, Expr)>,
    ) -> Result<(), PgError> {
        // json_each's own columns (id, key, value, ...) must not capture bare references.
        self.substituted_rel(rel, columns)?.qualify = true;
        Ok(())
    }

    /// A json set-returning function in FROM, of the [`shape`] its name has.
    pub(super) fn json_set_function(
        &mut self,
        (shape, jsonb): (Shape, bool),
        name: &str,
        args: Vec<FunctionArg>,
        alias: Option<TableAlias>,
    ) -> Result<TableFactor, PgError> {
        let doc_ty = Ty::of(if jsonb { PgType::Jsonb } else { PgType::Json });
        let doc = self.document_arg(name, args, doc_ty)?;
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
        self.json_each_rel(&rel, columns)?;
        if let Shape::Elements { .. } = shape {
            let scope = self.current_scope();
            scope.scalar_rows.push((rel.clone(), "value".to_owned()));
        }
        Ok(make::table_function_as("json_each", vec![doc], &rel))
    }
}

/// Whether `name` is json(b)_to_record or json(b)_to_recordset: (a set of rows, jsonb).
pub(super) fn to_record(name: &str) -> Option<(bool, bool)> {
    Some(match name {
        "json_to_record" => (false, false),
        "jsonb_to_record" => (false, true),
        "json_to_recordset" => (true, false),
        "jsonb_to_recordset" => (true, true),
        _ => return None,
    })
}

impl Translator<'_> {
    /// `json_to_recordset(doc) AS x(a int, b text)` (and json_to_record, and the jsonb ones):
    /// a row per object of the array (the one object), each declared column the object's key
    /// of that name read as its type reads text (json and jsonb columns take the subtree
    /// itself), NULL where the key is missing or JSON null. Over SQLite's json_each like the
    /// other json set functions; json_to_record reads a one-element array of the object.
    pub(super) fn json_to_records(
        &mut self,
        (set, jsonb): (bool, bool),
        name: &str,
        args: Vec<FunctionArg>,
        alias: Option<TableAlias>,
    ) -> Result<TableFactor, PgError> {
        let needs_list = || {
            PgError::syntax_error(
                "a column definition list is required for functions returning \"record\"",
                None,
            )
        };
        let alias = alias.ok_or_else(needs_list)?;
        let declared = alias
            .columns
            .iter()
            .map(|c| match &c.data_type {
                Some(dt) => Ok((fold(&c.name), self.data_type(dt)?.ty)),
                None => Err(needs_list()),
            })
            .collect::<Result<Vec<_>, PgError>>()?;
        if declared.is_empty() {
            return Err(needs_list());
        }
        let doc_ty = Ty::of(if jsonb { PgType::Jsonb } else { PgType::Json });
        let doc = self.document_arg(name, args, doc_ty)?;
        // One JSON string per row holding the object's text as written (pg_json_items), so
        // a json column keeps the document's spacing.
        let rows = match set {
            true => make::call(
                "pg_json_items",
                vec![
                    make::call(
                        "pg_json_set_arg",
                        vec![doc, make::string("array"), make::string(name)],
                    ),
                    make::int(0),
                    make::string(name),
                ],
            ),
            false => make::call(
                "json_array",
                vec![make::call("pg_json_record", vec![doc, make::string(name)])],
            ),
        };
        let rel = fold(&alias.name);
        let object = make::call(
            "pg_json_record",
            vec![make::qualified_column(&rel, "value"), make::string(name)],
        );
        let mut columns = Vec::with_capacity(declared.len());
        for (column, ty) in declared {
            let get = |as_text: bool| {
                make::call(
                    "pg_json_get",
                    vec![
                        object.clone(),
                        make::int(jsonb.into()),
                        make::string(&column),
                        make::int(as_text.into()),
                    ],
                )
            };
            let e = match ty.ty {
                // JSON null is NULL here too (->> gives it); a jsonb document's subtrees print
                // as jsonb.
                PgType::Json | PgType::Jsonb => make::if_else(
                    Expr::IsNull(Box::new(get(true))),
                    make::null(),
                    match jsonb || ty.ty == PgType::Jsonb {
                        true => make::call("pg_jsonb_norm", vec![get(false)]),
                        false => get(false),
                    },
                ),
                _ if ty.element().is_some() => {
                    let field = make::call("pg_json_array_field", vec![get(false)]);
                    self.coerce(field, Ty::of(PgType::Text), ty, Ctx::Explicit)?
                }
                _ => self.coerce(get(true), Ty::of(PgType::Text), ty, Ctx::Explicit)?,
            };
            columns.push((column, ty, e));
        }
        self.json_each_rel(&rel, columns)?;
        Ok(make::table_function_as("json_each", vec![rows], &rel))
    }
}
