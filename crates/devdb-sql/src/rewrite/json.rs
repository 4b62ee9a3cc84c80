//! json and jsonb: constructors, aggregates and operators, as calls of the `pg_json*`
//! runtime functions (see `runtime::json`). Values given to a constructor are rendered to JSON
//! text by their SQL type (`pg_json_elem(value, oid)`); untyped literals count as text, as
//! PostgreSQL resolves unknown arguments of its variadic "any" functions.

use devdb_pg::{PgError, PgType, SqlState};
use sqlparser::ast::{
    BinaryOperator, DuplicateTreatment, Expr, Function, FunctionArg, FunctionArgExpr,
    FunctionArgumentClause, FunctionArguments, OrderByExpr,
};

use super::Translator;
use super::expr::{Ctx, operator_error};
use crate::make;
use crate::types::Ty;

const TEXT: Ty = Ty::of(PgType::Text);
const JSON: Ty = Ty::of(PgType::Json);
const JSONB: Ty = Ty::of(PgType::Jsonb);

fn is_json(ty: Ty) -> bool {
    matches!(ty.ty, PgType::Json | PgType::Jsonb)
}

impl Translator<'_> {
    /// The JSON text of a translated value (`null` for NULL), for constructors.
    fn json_elem(&mut self, typed: (Expr, Ty)) -> Result<Expr, PgError> {
        let (e, oid) = self.json_value(typed)?;
        Ok(make::call("pg_json_elem", vec![e, oid]))
    }

    /// A value for a JSON runtime function, and its type's OID: untyped literals as text.
    fn json_value(&mut self, (e, ty): (Expr, Ty)) -> Result<(Expr, Expr), PgError> {
        let (e, ty) = if ty.is_unknown() {
            (self.coerce(e, ty, TEXT, Ctx::Implicit)?, TEXT)
        } else {
            (e, ty)
        };
        Ok((e, make::int(ty.ty.oid().0.into())))
    }

    /// A FROM item named where a value goes (`row_to_json(t)`, `json_agg(t)`), or a row
    /// constructor there, as JSON text: an object of its columns, `{"a":1,"b":"x"}` as
    /// PostgreSQL spells a row (normalized for jsonb). None when `e` is neither (a column of
    /// the item's name wins, as in PostgreSQL).
    fn whole_row(&mut self, e: &Expr, jsonb: bool) -> Result<Option<Expr>, PgError> {
        if let Some(fields) = row_constructor(e)? {
            return self.anonymous_row(fields, jsonb).map(Some);
        }
        let Expr::Identifier(id) = e else {
            return Ok(None);
        };
        let name = super::fold(id);
        if self.resolve_column(None, &name).is_ok() {
            return Ok(None);
        }
        let Some(rel) = self.find_rel(&name).cloned() else {
            return Ok(None);
        };
        let mut out = vec![make::int(if jsonb { 1 } else { 2 })];
        for (column, _) in &rel.columns {
            let typed = self.column_expr(Some(&rel.name), column)?;
            out.push(make::string(column));
            out.push(self.json_elem(typed)?);
        }
        Ok(Some(make::call("pg_json_object", out)))
    }

    /// `ROW(a, b)` as JSON text: PostgreSQL names an anonymous record's fields f1, f2, ...
    fn anonymous_row(&mut self, fields: Vec<Expr>, jsonb: bool) -> Result<Expr, PgError> {
        let mut out = vec![make::int(if jsonb { 1 } else { 2 })];
        for (i, field) in fields.into_iter().enumerate() {
            let typed = self.expr(field)?;
            out.push(make::string(&format!("f{}", i + 1)));
            out.push(self.json_elem(typed)?);
        }
        Ok(make::call("pg_json_object", out))
    }

    /// Translates one argument inside an aggregate, keeping the grouping check informed.
    pub fn aggregate_arg(&mut self, e: Expr) -> Result<(Expr, Ty), PgError> {
        self.inside_aggregate(|t| t.expr(e))
    }

    /// Runs `f` as the translation of an aggregate's argument; a window aggregate's own
    /// arguments (`Grouping::window_arguments`) are read outside any aggregate.
    pub(super) fn inside_aggregate<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, PgError>,
    ) -> Result<T, PgError> {
        let counted = match self.grouping() {
            Some(g) if g.window_arguments => {
                g.window_arguments = false;
                false
            }
            Some(g) => {
                g.in_aggregate += 1;
                g.saw_aggregate = true;
                true
            }
            None => false,
        };
        let r = f(self);
        if let Some(g) = self.grouping().filter(|_| counted) {
            g.in_aggregate = g.in_aggregate.saturating_sub(1);
        }
        r
    }

    /// `json_agg(DISTINCT x [ORDER BY x])`: the runtime aggregate over each value's JSON text,
    /// sorted by the value as PostgreSQL's DISTINCT sorts (json itself has no equality).
    fn json_agg_distinct(&mut self, arg: Expr, order: Vec<OrderByExpr>) -> Result<Expr, PgError> {
        if self
            .inside_aggregate(|t| t.whole_row(&arg, false))?
            .is_some()
        {
            return Err(PgError::feature_not_supported(
                "json_agg(DISTINCT) of whole rows",
            ));
        }
        let order = super::functions::distinct_order(std::slice::from_ref(&arg), order)?;
        let typed = self.aggregate_arg(arg)?;
        if typed.1.ty == PgType::Json {
            return Err(PgError::new(
                SqlState::UNDEFINED_FUNCTION,
                "could not identify an equality operator for type json",
            ));
        }
        // PostgreSQL starts each array after the first on a line of its own.
        let runtime = match typed.1.element() {
            Some(_) => "pg_json_agg_distinct_lines",
            None => "pg_json_agg_distinct",
        };
        let ty = typed.1;
        // SQL NULL stays NULL (strict to_json), apart from a JSON null; equal numerics,
        // intervals and citexts are one value, whatever their text.
        let (e, oid) = self.json_value(typed)?;
        let elem = make::call("pg_to_json", vec![e, oid, make::int(0)]);
        let elem = super::expr::comparable(elem, ty);
        let order = self.aggregate_order(order)?;
        Ok(make::aggregate(runtime, vec![elem], true, order))
    }

    /// The ORDER BY inside an aggregate call, with PostgreSQL's NULL placement and order.
    pub fn aggregate_order(
        &mut self,
        order: Vec<OrderByExpr>,
    ) -> Result<Vec<OrderByExpr>, PgError> {
        let mut out = Vec::with_capacity(order.len());
        for mut o in order {
            super::query::nulls_like_postgres(&mut o)?;
            let taken = std::mem::replace(&mut o.expr, make::null());
            // Sorted as ORDER BY sorts: numerics by value, enums in declaration order, ...
            let (e, ty) = self.aggregate_arg(taken)?;
            o.expr = self.sort_key(e, Some(ty))?;
            out.push(o);
        }
        Ok(out)
    }

    /// json and jsonb functions; None when `name` is not one.
    pub fn json_function(
        &mut self,
        name: &str,
        args: Vec<Expr>,
        distinct: bool,
        order: Vec<OrderByExpr>,
    ) -> Result<Option<(Expr, Ty)>, PgError> {
        let jsonb = name.starts_with("jsonb") || name == "to_jsonb";
        let result_ty = if jsonb { JSONB } else { JSON };
        let flag = make::int(jsonb as i64);
        let is_aggregate = matches!(
            name,
            "json_agg" | "jsonb_agg" | "json_object_agg" | "jsonb_object_agg"
        );
        if !is_aggregate
            && (distinct || !order.is_empty())
            && matches!(
                name,
                "json_build_object"
                    | "jsonb_build_object"
                    | "json_build_array"
                    | "jsonb_build_array"
                    | "to_json"
                    | "to_jsonb"
            )
        {
            return Err(PgError::syntax_error(
                format!("DISTINCT or ORDER BY specified, but {name} is not an aggregate function"),
                None,
            ));
        }
        let n = args.len();
        Ok(Some(match name {
            "json_build_object" | "jsonb_build_object" => {
                // An odd count fails when the call runs (pg_json_object), as in PostgreSQL.
                let mut out = vec![flag];
                for (i, a) in args.into_iter().enumerate() {
                    let typed = self.expr(a)?;
                    out.push(if i % 2 == 0 {
                        self.text_output(typed.0, typed.1)?
                    } else {
                        self.json_elem(typed)?
                    });
                }
                (make::call("pg_json_object", out), result_ty)
            }
            "json_build_array" | "jsonb_build_array" => {
                let mut out = vec![flag];
                for a in args {
                    let typed = self.expr(a)?;
                    out.push(self.json_elem(typed)?);
                }
                (make::call("pg_json_array", out), result_ty)
            }
            "to_json" | "to_jsonb" | "row_to_json" if n == 1 => {
                let arg = args.into_iter().next().unwrap_or_else(make::null);
                if let Some(row) = self.whole_row(&arg, jsonb)? {
                    return Ok(Some((row, result_ty)));
                }
                if name == "row_to_json" {
                    // devdb has no other record values: whatever else it is, it is not one.
                    let (_, ty) = self.expr(arg)?;
                    return Err(super::functions::undefined_with(name, &[ty]));
                }
                let (e, ty) = self.expr(arg)?;
                if ty.is_unknown() {
                    return Err(PgError::new(
                        SqlState::INDETERMINATE_DATATYPE,
                        "could not determine polymorphic type because input has type unknown",
                    ));
                }
                (
                    make::call("pg_to_json", vec![e, make::int(ty.ty.oid().0.into()), flag]),
                    result_ty,
                )
            }
            "json_agg" | "jsonb_agg" if n == 1 && distinct => {
                let arg = args.into_iter().next().unwrap_or_else(make::null);
                let e = self.json_agg_distinct(arg, order)?;
                match jsonb {
                    true => (make::call("pg_jsonb_norm", vec![e]), result_ty),
                    false => (e, result_ty),
                }
            }
            "json_agg" | "jsonb_agg" if n == 1 => {
                let arg = args.into_iter().next().unwrap_or_else(make::null);
                // PostgreSQL starts each row or array after the first on a line of its own.
                let (elem, structured) =
                    match self.inside_aggregate(|t| t.whole_row(&arg, false))? {
                        Some(row) => (row, true),
                        None => {
                            let typed = self.aggregate_arg(arg)?;
                            let structured = typed.1.element().is_some();
                            (self.json_elem(typed)?, structured)
                        }
                    };
                // SQLite puts each row's own separator before its value; a null stays inline.
                let separator = match structured {
                    true => make::call(
                        "iif",
                        vec![
                            make::eq(elem.clone(), make::string("null")),
                            make::string(", "),
                            make::string(", \n "),
                        ],
                    ),
                    false => make::string(", "),
                };
                let order = self.aggregate_order(order)?;
                let agg = group_concat(vec![elem, separator], order);
                let built = wrap("[", agg, "]");
                let e = if jsonb {
                    make::call("pg_jsonb_norm", vec![built])
                } else {
                    built
                };
                (e, result_ty)
            }
            "json_object_agg" | "jsonb_object_agg" if n == 2 => {
                let mut it = args.into_iter();
                let key = self.aggregate_arg(it.next().unwrap_or_else(make::null))?;
                let value = self.aggregate_arg(it.next().unwrap_or_else(make::null))?;
                let key = self.text_output(key.0, key.1)?;
                let key = make::call(
                    "pg_json_elem",
                    vec![key, make::int(PgType::Text.oid().0.into())],
                );
                let value = self.json_elem(value)?;
                let order = self.aggregate_order(order)?;
                let pair = make::binary(
                    make::binary(key, BinaryOperator::StringConcat, make::string(" : ")),
                    BinaryOperator::StringConcat,
                    value,
                );
                let agg = group_concat(vec![pair, make::string(", ")], order);
                let built = wrap("{ ", agg, " }");
                let e = if jsonb {
                    make::call("pg_jsonb_norm", vec![built])
                } else {
                    built
                };
                (e, result_ty)
            }
            "json_array_length" | "jsonb_array_length" if n == 1 => {
                let a = self.json_arg(args, result_ty)?;
                (make::call("pg_json_array_length", a), Ty::of(PgType::Int4))
            }
            "json_typeof" | "jsonb_typeof" if n == 1 => {
                let a = self.json_arg(args, result_ty)?;
                (make::call("pg_json_typeof", a), TEXT)
            }
            "jsonb_strip_nulls" if n == 1 => {
                let a = self.json_arg(args, JSONB)?;
                (make::call("pg_jsonb_strip_nulls", a), JSONB)
            }
            "jsonb_set" | "jsonb_insert" if n == 3 || n == 4 => {
                let mut it = args.into_iter();
                let doc =
                    self.expr_as(it.next().unwrap_or_else(make::null), JSONB, Ctx::Implicit)?;
                let path = self.text_array_arg(it.next().unwrap_or_else(make::null))?;
                let new =
                    self.expr_as(it.next().unwrap_or_else(make::null), JSONB, Ctx::Implicit)?;
                // jsonb_set's create_missing defaults to true, jsonb_insert's insert_after to false.
                let last = match it.next() {
                    Some(e) => self.expr_as(e, Ty::of(PgType::Bool), Ctx::Implicit)?,
                    None => make::int((name == "jsonb_set") as i64),
                };
                let func = format!("pg_{name}");
                (make::call(&func, vec![doc, path, new, last]), JSONB)
            }
            "jsonb_pretty" if n == 1 => {
                let a = self.json_arg(args, JSONB)?;
                (make::call("pg_jsonb_pretty", a), TEXT)
            }
            "json_object_keys"
            | "jsonb_object_keys"
            | "json_array_elements"
            | "jsonb_array_elements"
            | "json_array_elements_text"
            | "jsonb_array_elements_text"
                if n == 1 =>
            {
                self.select_list_json_set(name, args, result_ty)?
            }
            "json_each" | "jsonb_each" | "json_each_text" | "jsonb_each_text" => {
                return Err(PgError::feature_not_supported(format!(
                    "{name} in a select list (a record per row); call it in FROM"
                )));
            }
            _ => return Ok(None),
        }))
    }

    /// json(b)_object_keys and json(b)_array_elements(_text) in a select list: a join with
    /// the document's members (see `select_list_set`), whose value the call stands for.
    fn select_list_json_set(
        &mut self,
        name: &str,
        args: Vec<Expr>,
        doc_ty: Ty,
    ) -> Result<(Expr, Ty), PgError> {
        self.check_select_list_set()?;
        let doc = self.json_arg(args, doc_ty)?;
        let (mode, ty) = match name {
            "json_object_keys" | "jsonb_object_keys" => (2, TEXT),
            "json_array_elements" | "jsonb_array_elements" => (0, doc_ty),
            _ => (1, TEXT),
        };
        let mut items = doc;
        items.extend([make::int(mode), make::string(name)]);
        let value = self.select_list_set(make::call("pg_json_items", items), "value")?;
        Ok((value, ty))
    }

    fn json_arg(&mut self, args: Vec<Expr>, ty: Ty) -> Result<Vec<Expr>, PgError> {
        args.into_iter()
            .map(|a| self.expr_as(a, ty, Ctx::Implicit))
            .collect()
    }

    /// A text[] operand, as the `{a,b}` text the `pg_json*` path functions read.
    fn text_array_arg(&mut self, e: Expr) -> Result<Expr, PgError> {
        let text_array = Ty::of(PgType::TextArray);
        let e = self.expr_as(e, text_array, Ctx::Implicit)?;
        self.coerce(e, text_array, TEXT, Ctx::Explicit)
    }

    /// The json/jsonb operators; None when neither operand is json or jsonb.
    pub fn json_operator(
        &mut self,
        (l, lt): (Expr, Ty),
        op: &BinaryOperator,
        right: Expr,
    ) -> Result<Option<(Expr, Ty)>, PgError> {
        use BinaryOperator as B;
        let symbol = op.to_string();
        match op {
            B::Arrow | B::LongArrow | B::HashArrow | B::HashLongArrow => {
                if !is_json(lt) {
                    let (_, rt) = self.expr(right)?;
                    return Err(operator_error(lt, &symbol, rt));
                }
                let as_text = matches!(op, B::LongArrow | B::HashLongArrow);
                let flag = make::int((lt.ty == PgType::Jsonb) as i64);
                let (func, key) = if matches!(op, B::Arrow | B::LongArrow) {
                    let (r, rt) = self.expr(right)?;
                    let key = if rt.ty.is_integer() {
                        self.coerce(r, rt, Ty::of(PgType::Int4), Ctx::Implicit)?
                    } else if rt.ty.is_text() {
                        self.coerce(r, rt, TEXT, Ctx::Implicit)?
                    } else {
                        return Err(operator_error(lt, &symbol, rt));
                    };
                    ("pg_json_get", key)
                } else {
                    ("pg_json_path", self.text_array_arg(right)?)
                };
                let ty = if as_text { TEXT } else { Ty::of(lt.ty) };
                Ok(Some((
                    make::call(func, vec![l, flag, key, make::int(as_text as i64)]),
                    ty,
                )))
            }
            B::AtArrow | B::ArrowAt => {
                if lt.ty != PgType::Jsonb && !lt.is_unknown() {
                    return Ok(None);
                }
                let (r, rt) = self.expr(right)?;
                if rt.ty != PgType::Jsonb && !rt.is_unknown() {
                    return Err(operator_error(lt, &symbol, rt));
                }
                let l = self.coerce(l, lt, JSONB, Ctx::Implicit)?;
                let r = self.coerce(r, rt, JSONB, Ctx::Implicit)?;
                let args = if *op == B::AtArrow {
                    vec![l, r]
                } else {
                    vec![r, l]
                };
                Ok(Some((
                    make::call("pg_jsonb_contains", args),
                    super::expr::BOOL,
                )))
            }
            B::Question | B::QuestionPipe | B::QuestionAnd => {
                if lt.ty != PgType::Jsonb {
                    let (_, rt) = self.expr(right)?;
                    return Err(operator_error(lt, &symbol, rt));
                }
                let (mode, keys) = if *op == B::Question {
                    (0, self.expr_as(right, TEXT, Ctx::Implicit)?)
                } else {
                    (
                        if *op == B::QuestionPipe { 1 } else { 2 },
                        self.text_array_arg(right)?,
                    )
                };
                Ok(Some((
                    make::call("pg_jsonb_exists", vec![l, make::int(mode), keys]),
                    super::expr::BOOL,
                )))
            }
            B::HashMinus => {
                if lt.ty != PgType::Jsonb {
                    let (_, rt) = self.expr(right)?;
                    return Err(operator_error(lt, &symbol, rt));
                }
                let path = self.text_array_arg(right)?;
                Ok(Some((
                    make::call("pg_jsonb_delete_path", vec![l, path]),
                    JSONB,
                )))
            }
            B::StringConcat | B::Minus if lt.ty == PgType::Jsonb => {
                let (r, rt) = self.expr(right)?;
                if *op == B::StringConcat {
                    if rt.ty != PgType::Jsonb && !rt.is_unknown() {
                        return Err(operator_error(lt, &symbol, rt));
                    }
                    let r = self.coerce(r, rt, JSONB, Ctx::Implicit)?;
                    return Ok(Some((make::call("pg_jsonb_concat", vec![l, r]), JSONB)));
                }
                if rt.ty == PgType::TextArray {
                    let keys = self.coerce(r, rt, TEXT, Ctx::Explicit)?;
                    return Ok(Some((
                        make::call("pg_jsonb_delete_keys", vec![l, keys]),
                        JSONB,
                    )));
                }
                let key = if rt.ty.is_integer() {
                    r
                } else if rt.ty.is_text() {
                    self.coerce(r, rt, TEXT, Ctx::Implicit)?
                } else {
                    return Err(operator_error(lt, &symbol, rt));
                };
                Ok(Some((make::call("pg_jsonb_delete", vec![l, key]), JSONB)))
            }
            _ => Ok(None),
        }
    }
}

/// `group_concat(args ORDER BY ...)`.
fn group_concat(args: Vec<Expr>, order: Vec<OrderByExpr>) -> Expr {
    let mut call = make::call("group_concat", args);
    if let Expr::Function(Function {
        args: FunctionArguments::List(list),
        ..
    }) = &mut call
    {
        list.duplicate_treatment = None::<DuplicateTreatment>;
        if !order.is_empty() {
            list.clauses = vec![FunctionArgumentClause::OrderBy(order)];
        }
    }
    call
}

/// `'open' || e || 'close'`: NULL (no rows) stays NULL.
fn wrap(open: &str, e: Expr, close: &str) -> Expr {
    make::nested(make::binary(
        make::binary(make::string(open), BinaryOperator::StringConcat, e),
        BinaryOperator::StringConcat,
        make::string(close),
    ))
}

/// The fields of a row constructor, `ROW(a, b)` or `(a, b)`; None for any other expression.
fn row_constructor(e: &Expr) -> Result<Option<Vec<Expr>>, PgError> {
    match e {
        Expr::Tuple(items) => Ok(Some(items.clone())),
        Expr::Function(f) if f.name.to_string().eq_ignore_ascii_case("row") => match &f.args {
            FunctionArguments::List(list) if list.clauses.is_empty() => list
                .args
                .iter()
                .map(|a| match a {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Ok(e.clone()),
                    other => Err(PgError::feature_not_supported(format!("ROW field {other}"))),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            FunctionArguments::None => Ok(Some(Vec::new())),
            _ => Err(PgError::feature_not_supported(format!(
                "row constructor {e}"
            ))),
        },
        _ => Ok(None),
    }
}
