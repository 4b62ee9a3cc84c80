//! Arrays: the ARRAY[...] and ARRAY(subquery) constructors, subscripts and slices,
//! `op ANY/ALL (array)`, the array operators and functions, array_agg, and unnest (in FROM,
//! and in a select list as a join with the array's elements), as
//! calls of the `pg_array_*` runtime functions (see `runtime::array`). Arrays are stored in
//! the order-preserving form of `devdb_pg::value::array`, so `=`, `<` and ORDER BY need nothing.

use devdb_pg::{PgError, PgType, SqlState};
use sqlparser::ast::{
    AccessExpr, BinaryOperator, Expr, FunctionArg, FunctionArgExpr, Join, JoinConstraint,
    JoinOperator, OrderByExpr, Query, SelectItem, SetExpr, Subscript, TableAlias, TableFactor,
    TableWithJoins,
};

use std::ops::ControlFlow;

use sqlparser::ast::{Visit, Visitor, visit_expressions};

use super::expr::{BOOL, Ctx, operator_error};
use super::{Rel, Translator, fold};
use crate::make;
use crate::runtime::EMPTY_ARRAY;
use crate::types::{Declared, Ty, common_type};

/// The alias of the join that expands the `i`th set of a select list's set-returning calls.
fn set_alias(i: usize) -> String {
    match i {
        0 => "__devdb_unnest".to_owned(),
        i => format!("__devdb_unnest{}", i + 1),
    }
}

/// True for the elements of an array as a select list's set reads them (pg_array_json), which
/// other arrays' elements can be zipped with by position.
fn is_array_elements(elements: &Expr) -> bool {
    matches!(elements, Expr::Function(f) if f.name.to_string() == "pg_array_json")
}

/// True for a select list's join over an array's elements or a series, which other such
/// joins can be zipped with by position.
fn zips(join: &TableFactor) -> bool {
    is_series(join)
        || matches!(join, TableFactor::Table { args: Some(args), .. }
        if matches!(args.args.first(), Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(e)))
            if is_array_elements(e)))
}

/// True for a select list's join over SQLite's generate_series (`select_list_series`).
fn is_series(join: &TableFactor) -> bool {
    matches!(join, TableFactor::Table { name, .. }
        if name.0.last().and_then(|p| p.as_ident()).is_some_and(|i| i.value == "generate_series"))
}

/// The arguments of a select list's set join (`json_each(elements)`, `generate_series(...)`).
fn join_args(join: &TableFactor) -> Result<Vec<Expr>, PgError> {
    let missing = || PgError::internal("a select list's set without its arguments");
    let TableFactor::Table {
        args: Some(args), ..
    } = join
    else {
        return Err(missing());
    };
    args.args
        .iter()
        .map(|a| match a {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Ok(e.clone()),
            _ => Err(missing()),
        })
        .collect()
}

/// The alias of a select list's set join.
fn join_alias(join: &TableFactor) -> Option<String> {
    match join {
        TableFactor::Table {
            alias: Some(alias), ..
        } => Some(alias.name.value.clone()),
        _ => None,
    }
}

fn outside_select_list() -> PgError {
    PgError::feature_not_supported("set-returning functions outside the select list")
}

fn different_sets() -> PgError {
    PgError::feature_not_supported(
        "several set-returning functions over different sets in one select list",
    )
}

const INT4: Ty = Ty::of(PgType::Int4);
const TEXT: Ty = Ty::of(PgType::Text);

/// `t[]` for a declared element type, keeping the element's typmod (`varchar(5)[]` checks
/// each element); `t[][]` is `t[]`, as PostgreSQL ignores dimensions.
pub fn array_type(element: Declared) -> Result<Declared, PgError> {
    if element.serial {
        return Err(PgError::feature_not_supported("array of serial"));
    }
    if element.ty.ty.element().is_some() {
        return Ok(element);
    }
    let ty =
        element.ty.ty.array().ok_or_else(|| {
            PgError::feature_not_supported(format!("arrays of {}", element.ty.ty))
        })?;
    Ok(Declared {
        ty: Ty {
            ty,
            typmod: element.ty.typmod,
            enum_oid: element.ty.enum_oid,
        },
        serial: false,
    })
}

pub(super) fn oid(element: PgType) -> Expr {
    make::int(element.oid().0.into())
}

fn one_dimension() -> PgError {
    PgError::feature_not_supported("multidimensional arrays")
}

/// The array type of values of `ty`.
pub(super) fn array_of(ty: Ty) -> Result<Ty, PgError> {
    if ty.ty.element().is_some() {
        return Err(one_dimension());
    }
    ty.ty
        .array()
        .map(|array| Ty {
            enum_oid: ty.enum_oid,
            ..Ty::of(array)
        })
        .ok_or_else(|| PgError::feature_not_supported(format!("arrays of {}", ty.ty)))
}

/// 42804 for a polymorphic argument whose type is only `unknown`.
pub(super) fn undetermined() -> PgError {
    PgError::new(
        SqlState::DATATYPE_MISMATCH,
        "could not determine polymorphic type because input has type unknown",
    )
}

/// `ARRAY[]::t[]`: an empty constructor typed by its cast; None for any other cast.
pub fn empty_array_cast(e: &Expr, to: Ty) -> Option<(Expr, Ty)> {
    match e {
        Expr::Array(a) if a.elem.is_empty() && to.ty.element().is_some() => {
            Some((make::blob(EMPTY_ARRAY), Ty::of(to.ty)))
        }
        _ => None,
    }
}

/// An element as json_each's `value` gives it back: bytea travels through JSON as hex.
fn element_value(element: PgType, value: Expr) -> Expr {
    if element.storage() == devdb_pg::types::Storage::Blob {
        make::call("unhex", vec![value])
    } else {
        value
    }
}

impl Translator<'_> {
    /// ARRAY[...], subscripts and slices, `op ANY/ALL (...)`.
    pub fn array_expr(&mut self, e: Expr) -> Result<(Expr, Ty), PgError> {
        match e {
            Expr::Array(array) => self.array_constructor(array.elem),
            Expr::CompoundFieldAccess { root, access_chain } => self.subscript(*root, access_chain),
            Expr::AnyOp {
                left,
                compare_op,
                right,
                is_some: _,
            } => self.quantified(*left, compare_op, *right, false),
            Expr::AllOp {
                left,
                compare_op,
                right,
            } => self.quantified(*left, compare_op, *right, true),
            other => Err(PgError::feature_not_supported(format!(
                "expression {other}"
            ))),
        }
    }

    fn array_constructor(&mut self, elems: Vec<Expr>) -> Result<(Expr, Ty), PgError> {
        if elems.is_empty() {
            return Err(PgError::new(
                SqlState::INDETERMINATE_DATATYPE,
                "cannot determine type of empty array",
            )
            .with_hint("Explicitly cast to the desired type, for example ARRAY[]::integer[]."));
        }
        let (exprs, ty) = self.common(elems, "ARRAY")?;
        let array = array_of(ty)?;
        let mut args = vec![oid(ty.ty)];
        args.extend(exprs);
        Ok((make::call("pg_array_make", args), array))
    }

    /// A translated array argument of function `name` and its element type.
    fn array_operand(&mut self, e: Expr, name: &str) -> Result<(Expr, Ty, PgType), PgError> {
        let (e, ty) = self.expr(e)?;
        self.array_operand_typed(e, ty, name)
    }

    /// [`Self::array_operand`] for an operand already translated.
    fn array_operand_typed(
        &mut self,
        e: Expr,
        ty: Ty,
        name: &str,
    ) -> Result<(Expr, Ty, PgType), PgError> {
        let (e, ty) = self.vector_as_array(e, ty)?;
        match ty.ty.element() {
            Some(element) => Ok((e, ty, element)),
            None if ty.is_unknown() => Err(undetermined()),
            None => Err(PgError::undefined_function(&format!("{name}({})", ty.ty))),
        }
    }

    /// An int2vector or oidvector as the array it converts to; anything else unchanged.
    fn vector_as_array(&mut self, e: Expr, ty: Ty) -> Result<(Expr, Ty), PgError> {
        match vector_array(ty.ty) {
            Some(as_array) => Ok((self.coerce(e, ty, as_array, Ctx::Implicit)?, as_array)),
            None => Ok((e, ty)),
        }
    }

    fn subscript(&mut self, root: Expr, chain: Vec<AccessExpr>) -> Result<(Expr, Ty), PgError> {
        // `t.col[1]` arrives as `t` with the access chain `.col`, `[1]`: the column comes first.
        let (root, chain) = match (root, chain.split_first()) {
            (Expr::Identifier(table), Some((AccessExpr::Dot(Expr::Identifier(column)), rest))) => (
                Expr::CompoundIdentifier(vec![table, column.clone()]),
                rest.to_vec(),
            ),
            (root, _) => (root, chain),
        };
        let (array, ty) = self.expr(root)?;
        if ty.ty == PgType::Name {
            return self.name_subscript(array, chain);
        }
        // int2vector and oidvector subscripts start at 0; their array form's at 1.
        let first = if vector_array(ty.ty).is_some() { 0 } else { 1 };
        let (array, ty) = self.vector_as_array(array, ty)?;
        let Some(element) = ty.ty.element() else {
            return Err(PgError::new(
                SqlState::DATATYPE_MISMATCH,
                format!(
                    "cannot subscript type {} because it does not support subscripting",
                    ty.ty
                ),
            ));
        };
        let Ok([AccessExpr::Subscript(subscript)]) = <[AccessExpr; 1]>::try_from(chain) else {
            return Err(PgError::feature_not_supported(
                "subscripts of multidimensional arrays",
            ));
        };
        match subscript {
            Subscript::Index { index } => {
                let mut i = self.expr_as(index, INT4, Ctx::Assignment)?;
                if first == 0 {
                    i = make::binary(i, BinaryOperator::Plus, make::int(1));
                }
                Ok((
                    make::call("pg_array_subscript", vec![array, oid(element), i]),
                    Ty {
                        enum_oid: ty.enum_oid,
                        ..Ty::of(element)
                    },
                ))
            }
            Subscript::Slice { .. } if first == 0 => Err(PgError::feature_not_supported(
                "slices of int2vector and oidvector",
            )),
            Subscript::Slice {
                lower_bound,
                upper_bound,
                stride: None,
            } => {
                // An omitted bound is the array's own, which clamping gives.
                let lower = match lower_bound {
                    Some(e) => self.expr_as(e, INT4, Ctx::Assignment)?,
                    None => make::int(1),
                };
                let upper = match upper_bound {
                    Some(e) => self.expr_as(e, INT4, Ctx::Assignment)?,
                    None => make::int(i32::MAX.into()),
                };
                Ok((
                    make::call("pg_array_slice", vec![array, oid(element), lower, upper]),
                    Ty::of(ty.ty),
                ))
            }
            Subscript::Slice { .. } => Err(PgError::feature_not_supported("array slice strides")),
        }
    }

    /// `name[i]`: a name is an array of NAMEDATALEN (64) "char"s from 0, padded with NULs
    /// (which print as ''); pg_dump tests `typname[0] = '_'` for array types.
    fn name_subscript(
        &mut self,
        name: Expr,
        chain: Vec<AccessExpr>,
    ) -> Result<(Expr, Ty), PgError> {
        let Ok([AccessExpr::Subscript(Subscript::Index { index })]) =
            <[AccessExpr; 1]>::try_from(chain)
        else {
            return Err(PgError::feature_not_supported("slices of a name"));
        };
        let i = self.expr_as(index, INT4, Ctx::Assignment)?;
        let inside = Expr::Between {
            expr: Box::new(i.clone()),
            negated: false,
            low: Box::new(make::int(0)),
            high: Box::new(make::int(63)),
        };
        let one = make::call(
            "substr",
            vec![
                name,
                make::binary(i, BinaryOperator::Plus, make::int(1)),
                make::int(1),
            ],
        );
        Ok((
            make::if_else(inside, one, make::null()),
            Ty::of(PgType::Char),
        ))
    }

    /// `x op ANY (array)`, `x op ALL (array)`, and their subquery forms `= ANY` (IN) and
    /// `<> ALL` (NOT IN). An untyped side takes its type from the other, so `id = ANY($1)`
    /// describes $1 as an array of id's type.
    fn quantified(
        &mut self,
        left: Expr,
        op: BinaryOperator,
        right: Expr,
        all: bool,
    ) -> Result<(Expr, Ty), PgError> {
        let symbol = op.to_string();
        if !matches!(symbol.as_str(), "=" | "<>" | "<" | "<=" | ">" | ">=") {
            return Err(PgError::feature_not_supported(format!(
                "{symbol} {}",
                if all { "ALL" } else { "ANY" }
            )));
        }
        if let Expr::Subquery(subquery) = right {
            let negated = match (&op, all) {
                (BinaryOperator::Eq, false) => false,
                (BinaryOperator::NotEq, true) => true,
                _ => {
                    return Err(PgError::feature_not_supported(format!(
                        "{symbol} {} (subquery)",
                        if all { "ALL" } else { "ANY" }
                    )));
                }
            };
            return self.expr(Expr::InSubquery {
                expr: Box::new(left),
                subquery,
                negated,
            });
        }
        let (l, lt) = self.expr(left)?;
        let (r, rt) = self.expr(right)?;
        let (r, rt) = self.vector_as_array(r, rt)?;
        let element = match (rt.element(), lt.is_unknown()) {
            (Some(e), true) => e,
            (Some(e), false) => common_type(lt, e).ok_or_else(|| operator_error(lt, &symbol, e))?,
            (None, _) if rt.is_unknown() => {
                if lt.is_unknown() {
                    TEXT
                } else {
                    Ty {
                        enum_oid: lt.enum_oid,
                        ..Ty::of(lt.ty)
                    }
                }
            }
            (None, _) => {
                return Err(PgError::new(
                    SqlState::WRONG_OBJECT_TYPE,
                    "op ANY/ALL (array) requires array on right side",
                ));
            }
        };
        let array = array_of(element)?;
        let l = self.coerce(l, lt, element, Ctx::Implicit)?;
        let r = self.coerce(r, rt, array, Ctx::Implicit)?;
        let membership = matches!(
            (&op, all),
            (BinaryOperator::Eq, false) | (BinaryOperator::NotEq, true)
        );
        let storage = element.ty.storage();
        if membership
            && matches!(
                storage,
                devdb_pg::types::Storage::Integer | devdb_pg::types::Storage::Text
            )
        {
            // `x IN (elements)` lets SQLite use an index on x; a NULL array answers NULL, as
            // comparing with one NULL element does.
            let json = make::call(
                "coalesce",
                vec![
                    make::call("pg_array_json", vec![r, oid(element.ty)]),
                    make::string("[null]"),
                ],
            );
            let elements = make::select(
                vec![make::select_item(make::column("value"), None)],
                vec![make::table_function("json_each", vec![json])],
                None,
            );
            return Ok((
                Expr::InSubquery {
                    // A numeric, interval, citext or jsonb is compared through its collation,
                    // which SQLite's IN takes from the left operand.
                    expr: Box::new(super::expr::comparable(l, element)),
                    subquery: Box::new(make::query(SetExpr::Select(Box::new(elements)))),
                    negated: all,
                },
                BOOL,
            ));
        }
        Ok((
            make::call(
                "pg_array_any",
                vec![
                    l,
                    r,
                    oid(element.ty),
                    make::string(&symbol),
                    make::int(all.into()),
                ],
            ),
            BOOL,
        ))
    }

    /// `@>`, `<@`, `&&` and `||` with an array on the left.
    pub fn array_operator(
        &mut self,
        left: (Expr, Ty),
        op: BinaryOperator,
        right: Expr,
    ) -> Result<(Expr, Ty), PgError> {
        let right = self.expr(right)?;
        if op == BinaryOperator::StringConcat {
            return self.array_concat(left, right);
        }
        let ((l, r), ty) = self.same_arrays(left, right, &op.to_string())?;
        let element = ty.ty.element().ok_or_else(one_dimension)?;
        let (a, b, func) = match op {
            BinaryOperator::AtArrow => (l, r, "pg_array_contains"),
            BinaryOperator::ArrowAt => (r, l, "pg_array_contains"),
            _ => (l, r, "pg_array_overlap"),
        };
        Ok((make::call(func, vec![a, b, oid(element)]), BOOL))
    }

    /// Two array operands converted to their common array type.
    fn same_arrays(
        &mut self,
        (l, lt): (Expr, Ty),
        (r, rt): (Expr, Ty),
        op: &str,
    ) -> Result<((Expr, Expr), Ty), PgError> {
        let ty = common_type(lt, rt)
            .filter(|t| t.ty.element().is_some())
            .ok_or_else(|| operator_error(lt, op, rt))?;
        let ty = Ty { typmod: -1, ..ty };
        Ok((
            (
                self.coerce(l, lt, ty, Ctx::Implicit)?,
                self.coerce(r, rt, ty, Ctx::Implicit)?,
            ),
            ty,
        ))
    }

    /// `||` with an array on either side: array || array, array || element, element || array.
    pub fn array_concat(
        &mut self,
        (l, lt): (Expr, Ty),
        (r, rt): (Expr, Ty),
    ) -> Result<(Expr, Ty), PgError> {
        let single = |element: Ty, e: Expr| make::call("pg_array_make", vec![oid(element.ty), e]);
        let (l, r, ty) = match (lt.ty.element(), rt.ty.element()) {
            (Some(e), None) if !rt.is_unknown() => {
                let element =
                    common_type(Ty::of(e), rt).ok_or_else(|| operator_error(lt, "||", rt))?;
                let ty = array_of(element)?;
                let l = self.coerce(l, lt, ty, Ctx::Implicit)?;
                let r = self.coerce(r, rt, element, Ctx::Implicit)?;
                (l, single(element, r), ty)
            }
            (None, Some(e)) if !lt.is_unknown() => {
                let element =
                    common_type(lt, Ty::of(e)).ok_or_else(|| operator_error(lt, "||", rt))?;
                let ty = array_of(element)?;
                let l = self.coerce(l, lt, element, Ctx::Implicit)?;
                let r = self.coerce(r, rt, ty, Ctx::Implicit)?;
                (single(element, l), r, ty)
            }
            (None, None) => return Err(operator_error(lt, "||", rt)),
            _ => {
                // Two arrays, or an array and an untyped value read as an array.
                let ((l, r), ty) = self.same_arrays((l, lt), (r, rt), "||")?;
                (l, r, ty)
            }
        };
        Ok((make::call("pg_array_cat", vec![l, r]), ty))
    }

    /// Array functions and array_agg; None when `name` is not one.
    pub fn array_function(
        &mut self,
        name: &str,
        args: Vec<Expr>,
        distinct: bool,
        order: Vec<OrderByExpr>,
    ) -> Result<Option<(Expr, Ty)>, PgError> {
        if name == "array_agg" {
            return self.array_agg(args, distinct, order).map(Some);
        }
        if distinct || !order.is_empty() {
            return Ok(None);
        }
        let n = args.len();
        let mut args = args.into_iter();
        let mut next = || args.next().unwrap_or_else(make::null);
        Ok(Some(match (name, n) {
            ("array_length" | "array_lower" | "array_upper", 2) => {
                let (a, _, element) = self.array_operand(next(), name)?;
                let dim = self.expr_as(next(), INT4, Ctx::Implicit)?;
                let which = match name {
                    "array_length" => 0,
                    "array_lower" => 1,
                    _ => 2,
                };
                (
                    make::call(
                        "pg_array_bound",
                        vec![a, oid(element), dim, make::int(which)],
                    ),
                    INT4,
                )
            }
            ("array_ndims" | "array_dims", 1) => {
                // devdb's arrays have one dimension; an empty one has none (NULL).
                let (a, _, element) = self.array_operand(next(), name)?;
                let n = make::call("pg_cardinality", vec![a, oid(element)]);
                let empty = make::eq(n.clone(), make::int(0));
                let value = match name {
                    "array_ndims" => make::int(1),
                    _ => make::binary(
                        make::binary(make::string("[1:"), BinaryOperator::StringConcat, n),
                        BinaryOperator::StringConcat,
                        make::string("]"),
                    ),
                };
                let ty = if name == "array_ndims" { INT4 } else { TEXT };
                (make::call("iif", vec![empty, make::null(), value]), ty)
            }
            ("array_replace", 3) => {
                let (a, at) = self.expr(next())?;
                let from = self.expr(next())?;
                let to = self.expr(next())?;
                let ty = match at.element() {
                    Some(element) => [from.1, to.1]
                        .into_iter()
                        .try_fold(element, common_type)
                        .ok_or_else(|| {
                            PgError::undefined_function(&format!(
                                "array_replace({}, {}, {})",
                                at.ty, from.1.ty, to.1.ty
                            ))
                        })?,
                    None => {
                        return Err(super::functions::undefined_with(name, &[at, from.1, to.1]));
                    }
                };
                let array = array_of(ty)?;
                let a = self.coerce(a, at, array, Ctx::Implicit)?;
                let from = self.coerce(from.0, from.1, ty, Ctx::Implicit)?;
                let to = self.coerce(to.0, to.1, ty, Ctx::Implicit)?;
                let call = make::call("pg_array_replace", vec![a, from, to, oid(ty.ty)]);
                (call, array)
            }
            ("trim_array", 2) => {
                let (a, ty, element) = self.array_operand(next(), name)?;
                let n = self.expr_as(next(), INT4, Ctx::Implicit)?;
                (make::call("pg_trim_array", vec![a, n, oid(element)]), ty)
            }
            ("array_fill", 2) => {
                let (value, vt) = self.expr(next())?;
                if vt.is_unknown() {
                    return Err(undetermined());
                }
                let ty = array_of(Ty::of(vt.ty))?;
                let dims = self.expr_as(next(), Ty::of(PgType::Int4Array), Ctx::Implicit)?;
                (
                    make::call("pg_array_fill", vec![value, dims, oid(vt.ty)]),
                    ty,
                )
            }
            ("cardinality", 1) => {
                let (a, _, element) = self.array_operand(next(), name)?;
                (make::call("pg_cardinality", vec![a, oid(element)]), INT4)
            }
            ("array_append", 2) => {
                let a = self.expr(next())?;
                let e = self.expr(next())?;
                self.element_call(a, e, "array_append")?
            }
            ("array_prepend", 2) => {
                let e = self.expr(next())?;
                let a = self.expr(next())?;
                self.element_call(a, e, "array_prepend")?
            }
            ("array_cat", 2) => {
                let l = self.expr(next())?;
                let r = self.expr(next())?;
                let ((l, r), ty) = self.same_arrays(l, r, "array_cat")?;
                (make::call("pg_array_cat", vec![l, r]), ty)
            }
            ("array_remove" | "array_position" | "array_positions", 2) => {
                let a = self.expr(next())?;
                let e = self.expr(next())?;
                self.element_call(a, e, name)?
            }
            ("array_to_string", 2 | 3) => {
                let (a, _, element) = self.array_operand(next(), name)?;
                let delimiter = self.expr_as(next(), TEXT, Ctx::Implicit)?;
                let null_text = self.expr_as(next(), TEXT, Ctx::Implicit)?;
                (
                    make::call(
                        "pg_array_to_string",
                        vec![a, oid(element), delimiter, null_text],
                    ),
                    TEXT,
                )
            }
            ("string_to_array", 2 | 3) => {
                let text = self.expr_as(next(), TEXT, Ctx::Implicit)?;
                let delimiter = self.expr_as(next(), TEXT, Ctx::Implicit)?;
                let null_text = self.expr_as(next(), TEXT, Ctx::Implicit)?;
                (
                    make::call("pg_string_to_array", vec![text, delimiter, null_text]),
                    Ty::of(PgType::TextArray),
                )
            }
            ("unnest", 1) => self.select_list_unnest(next())?,
            ("string_to_table" | "regexp_split_to_table", 2 | 3) => {
                let args = (0..n).map(|_| next()).collect();
                self.select_list_unnest(split_array(name, args))?
            }
            ("generate_subscripts", 2) => {
                // The subscripts of dimension 1 (devdb's arrays have one): each element's
                // position, from 0 for int2vector and oidvector, else from 1.
                self.check_select_list_set()?;
                let arg = next();
                let dimension = self.expr_as(next(), INT4, Ctx::Implicit)?;
                let (e, ty) = self.expr(arg)?;
                let first = if vector_array(ty.ty).is_some() { 0 } else { 1 };
                let (a, _, element) = self.array_operand_typed(e, ty, name)?;
                let json = make::call("pg_array_json", vec![a, oid(element)]);
                // Dimension 1 spelled as such shares its join with an unnest of the same array.
                // So does a dimension given as a parameter (SQLAlchemy's reflection) after such
                // an unnest: the two advance together, and another dimension's subscripts are
                // NULL beside the elements, as PostgreSQL pads the shorter set.
                let subscript = |key| make::binary(key, BinaryOperator::Plus, make::int(first));
                if dimension == make::int(1) {
                    let key = self.select_list_set(json, "key")?;
                    (subscript(key), INT4)
                } else if self.has_select_list_set(&json) {
                    let key = self.select_list_set(json, "key")?;
                    let one = make::eq(dimension, make::int(1));
                    (
                        make::call("iif", vec![one, subscript(key), make::null()]),
                        INT4,
                    )
                } else {
                    let one = make::eq(dimension, make::int(1));
                    let elements = make::call("iif", vec![one, json, make::string("[]")]);
                    let key = self.select_list_set(elements, "key")?;
                    (subscript(key), INT4)
                }
            }
            ("array_to_json", 1) => {
                let (a, ty, _) = self.array_operand(next(), name)?;
                let to_json = vec![a, make::int(ty.ty.oid().0.into()), make::int(0)];
                (make::call("pg_to_json", to_json), Ty::of(PgType::Json))
            }
            _ => return Ok(None),
        }))
    }

    /// True when the query level already joins the elements of the JSON array `elements` for
    /// a set-returning call of its select list.
    fn has_select_list_set(&self, elements: &Expr) -> bool {
        self.scopes.last().is_some_and(|s| {
            (0..s.set_returning.len()).any(|i| {
                let join =
                    make::table_function_as("json_each", vec![elements.clone()], &set_alias(i));
                s.set_returning.contains(&join)
            })
        })
    }

    /// `unnest(a)` in a select list: a join with the elements of `a` (json_each, which may
    /// refer to the FROM items before it), whose value the call stands for.
    fn select_list_unnest(&mut self, arg: Expr) -> Result<(Expr, Ty), PgError> {
        self.check_select_list_set()?;
        let (a, _, element) = self.array_operand(arg, "unnest")?;
        let value =
            self.select_list_set(make::call("pg_array_json", vec![a, oid(element)]), "value")?;
        Ok((element_value(element, value), Ty::of(element)))
    }

    /// Refuses a set-returning call where devdb cannot expand its rows.
    pub(super) fn check_select_list_set(&mut self) -> Result<(), PgError> {
        let refuse = |why: &str| Err(PgError::feature_not_supported(why.to_owned()));
        match self.grouping() {
            Some(g) if g.in_aggregate > 0 => {
                refuse("set-returning functions inside aggregate calls")
            }
            Some(g) if g.collecting => Ok(()),
            _ => refuse("set-returning functions outside the select list"),
        }
    }

    /// A set-returning call in a select list as a join with the elements of the JSON array
    /// `elements` (json_each): the expression for json_each's `column` (`value`, or `key`, the
    /// 0-based position). Calls over the same set share its join; the elements of different
    /// arrays (`unnest(indkey), unnest(indclass)`, as SQLAlchemy reflects indexes) get a join
    /// each, zipped by position in `take_set_returning`.
    pub(super) fn select_list_set(
        &mut self,
        elements: Expr,
        column: &str,
    ) -> Result<Expr, PgError> {
        let zippable = is_array_elements(&elements);
        let set = |i: usize| {
            let alias = set_alias(i);
            (
                make::table_function_as("json_each", vec![elements.clone()], &alias),
                alias,
            )
        };
        let Some(scope) = self.scopes.last_mut() else {
            return Err(outside_select_list());
        };
        let sets = &scope.set_returning;
        let alias = match (0..sets.len())
            .map(set)
            .find(|(join, _)| sets.contains(join))
        {
            Some((_, alias)) => alias,
            None if sets.is_empty() || (zippable && sets.iter().all(zips)) => {
                let (join, alias) = set(sets.len());
                scope.set_returning.push(join);
                alias
            }
            None => return Err(different_sets()),
        };
        Ok(make::qualified_column(&alias, column))
    }

    /// The alias the next series of this query level's select list is joined as.
    pub(super) fn next_series_alias(&self) -> String {
        let n = self.scopes.last().map_or(0, |s| s.set_returning.len());
        match n {
            0 => "__devdb_series".to_owned(),
            n => format!("__devdb_series{}", n + 1),
        }
    }

    /// Joins the series of a select list's generate_series call to the query level, and
    /// returns the alias its value is read through. Calls of the same series share one join,
    /// so they advance together as in PostgreSQL; other series and arrays' elements are
    /// zipped by position in `take_set_returning`; other sets are refused.
    pub(super) fn select_list_join(&mut self, join: TableFactor) -> Result<String, PgError> {
        let Some(scope) = self.scopes.last_mut() else {
            return Err(outside_select_list());
        };
        let args = join_args(&join)?;
        let same = scope
            .set_returning
            .iter()
            .find(|j| is_series(j) && join_args(j).is_ok_and(|a| a == args));
        if let Some(alias) = same.and_then(join_alias) {
            return Ok(alias);
        }
        if !scope.set_returning.iter().all(zips) {
            return Err(different_sets());
        }
        let alias = join_alias(&join).unwrap_or_default();
        scope.set_returning.push(join);
        Ok(alias)
    }

    /// Before a query level is translated: a select list that calls a set-returning function
    /// gets its column references qualified (see `Scope::qualify`), and one whose call devdb
    /// would expand in the wrong place is refused.
    pub fn prepare_set_returning(&mut self, projection: &Vec<SelectItem>) -> Result<(), PgError> {
        let calls = calls_set_returning(projection);
        if calls {
            set_returning_placement(projection)?;
        }
        if let Some(scope) = self.scopes.last_mut() {
            scope.qualify = calls;
        }
        Ok(())
    }

    /// The select list's set-returning joins, refused where PostgreSQL would expand rows after
    /// grouping. Output columns get their names as aliases, so ORDER BY `name` means them and
    /// not a column of the join.
    pub fn take_set_returning(
        &mut self,
        grouped: bool,
        items: &mut [SelectItem],
        cols: &[(String, Ty)],
    ) -> Result<Vec<TableWithJoins>, PgError> {
        let Some(scope) = self.scopes.last_mut() else {
            return Ok(Vec::new());
        };
        let joins = std::mem::take(&mut scope.set_returning);
        if !joins.is_empty() && (grouped || scope.grouping.saw_aggregate) {
            return Err(PgError::feature_not_supported(
                "set-returning functions in a grouped select list",
            ));
        }
        if scope.qualify {
            for (item, (name, _)) in items.iter_mut().zip(cols) {
                if let SelectItem::UnnamedExpr(e) = item {
                    let expr = std::mem::replace(e, make::null());
                    *item = make::select_item(expr, Some(name));
                }
            }
        }
        if joins.len() < 2 {
            return Ok(joins
                .into_iter()
                .map(|relation| TableWithJoins {
                    relation,
                    joins: Vec::new(),
                })
                .collect());
        }
        // Arrays' elements and series in lockstep, as PostgreSQL runs a select list's
        // set-returning calls: as many rows as the longest, the others' values (and
        // positions) NULL past their end.
        let positions = "__devdb_positions";
        let mut lengths = Vec::with_capacity(joins.len());
        let mut zipped = Vec::with_capacity(joins.len());
        for join in joins {
            let args = join_args(&join)?;
            let alias = join_alias(&join).unwrap_or_default();
            let column = |c: &str| make::qualified_column(&alias, c);
            let (length, position) = if is_series(&join) {
                // SQLite's series always steps up from its start (`series`), so a row's
                // position is how many steps it is from there.
                let count = make::select(
                    vec![make::select_item(
                        make::call("count", vec![make::int(1)]),
                        None,
                    )],
                    vec![make::table_function("generate_series", args)],
                    None,
                );
                let steps = make::binary(
                    make::nested(make::binary(
                        column("value"),
                        BinaryOperator::Minus,
                        column("start"),
                    )),
                    BinaryOperator::Divide,
                    column("step"),
                );
                (make::subquery(count), steps)
            } else {
                let elements = args.into_iter().next().unwrap_or_else(make::null);
                let length = make::call("json_array_length", vec![elements]);
                (length, column("key"))
            };
            lengths.push(make::call("coalesce", vec![length, make::int(0)]));
            let on = make::eq(position, make::qualified_column(positions, "value"));
            zipped.push(Join {
                relation: join,
                global: false,
                join_operator: JoinOperator::LeftOuter(JoinConstraint::On(on)),
            });
        }
        let last = make::binary(
            make::call("max", lengths),
            BinaryOperator::Minus,
            make::int(1),
        );
        Ok(vec![TableWithJoins {
            relation: make::table_function_as(
                "generate_series",
                vec![make::int(0), last],
                positions,
            ),
            joins: zipped,
        }])
    }

    /// array_append, array_prepend, array_remove and array_position: an array and a value of
    /// its element type, either of which may be untyped.
    fn element_call(
        &mut self,
        (a, at): (Expr, Ty),
        (e, et): (Expr, Ty),
        name: &str,
    ) -> Result<(Expr, Ty), PgError> {
        let element = match at.element() {
            Some(element) => common_type(element, et).ok_or_else(|| {
                PgError::undefined_function(&format!("{name}({}, {})", at.ty, et.ty))
            })?,
            None if at.is_unknown() && !et.is_unknown() => Ty::of(et.ty),
            None if at.is_unknown() => return Err(undetermined()),
            None => {
                return Err(PgError::undefined_function(&format!(
                    "{name}({}, {})",
                    at.ty, et.ty
                )));
            }
        };
        let ty = array_of(element)?;
        let a = self.coerce(a, at, ty, Ctx::Implicit)?;
        let e = self.coerce(e, et, element, Ctx::Implicit)?;
        let single = || make::call("pg_array_make", vec![oid(element.ty), e.clone()]);
        Ok(match name {
            "array_append" => (make::call("pg_array_cat", vec![a, single()]), ty),
            "array_prepend" => (make::call("pg_array_cat", vec![single(), a]), ty),
            "array_remove" => (
                make::call("pg_array_remove", vec![a, e, oid(element.ty)]),
                ty,
            ),
            "array_positions" => (
                make::call("pg_array_positions", vec![a, e, oid(element.ty)]),
                Ty::of(PgType::Int4Array),
            ),
            _ => (
                make::call("pg_array_position", vec![a, e, oid(element.ty)]),
                INT4,
            ),
        })
    }

    /// `array_agg([DISTINCT] x [ORDER BY ...])` over the runtime aggregate pg_array_agg.
    fn array_agg(
        &mut self,
        args: Vec<Expr>,
        distinct: bool,
        order: Vec<OrderByExpr>,
    ) -> Result<(Expr, Ty), PgError> {
        let [arg] = <[Expr; 1]>::try_from(args).map_err(|args| {
            PgError::undefined_function(&format!("array_agg with {} arguments", args.len()))
        })?;
        let order = match distinct {
            true => super::functions::distinct_order(std::slice::from_ref(&arg), order)?,
            false => order,
        };
        let (e, ty) = self.aggregate_arg(arg)?;
        if ty.is_unknown() {
            return Err(undetermined());
        }
        let array = array_of(Ty::of(ty.ty))?;
        let order = self.aggregate_order(order)?;
        let e = match distinct {
            true => super::expr::comparable(e, ty),
            false => e,
        };
        let call = make::aggregate("pg_array_agg", vec![e], distinct, order);
        Ok((make::call("pg_array_pack", vec![call, oid(ty.ty)]), array))
    }

    /// `ARRAY(subquery)`: the subquery's one column gathered in its row order, `{}` for no rows.
    pub fn array_subquery(&mut self, q: Query) -> Result<(Expr, Ty), PgError> {
        let (q, cols) = self.query(q)?;
        let [(name, ty)] = cols.as_slice() else {
            return Err(PgError::syntax_error(
                "subquery must return only one column",
                None,
            ));
        };
        let element = if ty.is_unknown() { TEXT } else { Ty::of(ty.ty) };
        let array = array_of(element)?;
        let agg = make::call(
            "pg_array_pack",
            vec![
                make::call("pg_array_agg", vec![make::column(name)]),
                oid(element.ty),
            ],
        );
        let inner = make::select(
            vec![make::select_item(agg, None)],
            vec![make::derived(q, make::alias("__devdb_array", &[]))],
            None,
        );
        let gathered = Expr::Subquery(Box::new(make::query(SetExpr::Select(Box::new(inner)))));
        Ok((
            make::call("coalesce", vec![gathered, make::blob(EMPTY_ARRAY)]),
            array,
        ))
    }

    /// `unnest(array, ...) [WITH ORDINALITY] [AS alias[(columns)]]` in FROM, as a table-valued
    /// function that stays in FROM, so it may read the items to its left (functions in FROM
    /// are LATERAL). One array reads SQLite's json_each (`key` is the 0-based position);
    /// several are zipped by position over generate_series, the shorter ones padded with NULLs.
    /// Its columns are the expressions they stand for (`Scope::substitutes`).
    pub fn unnest(
        &mut self,
        args: Vec<Expr>,
        with_ordinality: bool,
        alias: Option<TableAlias>,
    ) -> Result<TableFactor, PgError> {
        if args.is_empty() {
            return Err(PgError::undefined_function("unnest()"));
        }
        let mut arrays = Vec::with_capacity(args.len());
        for arg in args {
            let (a, _, element) = self.array_operand(arg, "unnest")?;
            arrays.push((a, element));
        }
        let alias_name = alias
            .as_ref()
            .map(|a| fold(&a.name))
            .unwrap_or_else(|| "unnest".to_owned());
        let given: Vec<String> = alias
            .as_ref()
            .map(|a| a.columns.iter().map(|c| fold(&c.name)).collect())
            .unwrap_or_default();
        if given.len() > arrays.len() + usize::from(with_ordinality) {
            return Err(PgError::syntax_error(
                "too many column aliases specified for function unnest",
                None,
            ));
        }
        // PostgreSQL names every column of a multi-array unnest `unnest`; a FROM item's columns
        // must differ here, so the later ones are numbered (docs/compat.md).
        let default_name = |i: usize| match (i, arrays.len()) {
            (0, 1) => alias_name.clone(),
            (i, n) if i == n => "ordinality".to_owned(),
            (0, _) => "unnest".to_owned(),
            (i, _) => format!("unnest_{}", i + 1),
        };
        let name = |i: usize| given.get(i).cloned().unwrap_or_else(|| default_name(i));
        let own = |column: &str| make::qualified_column(&alias_name, column);
        let mut columns = Vec::new();
        let mut substitutes = Vec::new();
        let (mut source, position) = if let [(a, element)] = arrays.as_slice() {
            let json = make::call("pg_array_json", vec![a.clone(), oid(*element)]);
            substitutes.push(element_value(*element, own("value")));
            columns.push((name(0), Ty::of(*element)));
            let position = make::binary(own("key"), BinaryOperator::Plus, make::int(1));
            (make::table_function("json_each", vec![json]), position)
        } else {
            let mut lengths = Vec::with_capacity(arrays.len());
            for (i, (a, element)) in arrays.iter().enumerate() {
                substitutes.push(make::call(
                    "pg_array_subscript",
                    vec![a.clone(), oid(*element), own("value")],
                ));
                columns.push((name(i), Ty::of(*element)));
                let n = make::call("pg_cardinality", vec![a.clone(), oid(*element)]);
                lengths.push(make::call("coalesce", vec![n, make::int(0)]));
            }
            let series = make::table_function(
                "generate_series",
                vec![make::int(1), make::call("max", lengths)],
            );
            (series, own("value"))
        };
        if with_ordinality {
            let n = arrays.len();
            substitutes.push(position);
            columns.push((name(n), Ty::of(PgType::Int8)));
        }
        if let TableFactor::Table { alias, .. } = &mut source {
            *alias = Some(make::alias(&alias_name, &[]));
        }
        let named: Vec<(String, String, Expr)> = columns
            .iter()
            .zip(substitutes)
            .map(|((column, _), e)| (alias_name.clone(), column.clone(), e))
            .collect();
        self.push_rel(Rel {
            name: alias_name.clone(),
            columns,
            table: None,
            view: None,
        })?;
        // json_each's own columns (id, key, value, ...) must not capture bare references.
        let scope = self.current_scope();
        scope.substitutes.extend(named);
        scope.qualify = true;
        Ok(source)
    }
}

/// `pg_array_agg([DISTINCT] e [ORDER BY ...])`.
/// The array `a` of `from` elements as an array of `to`, each element converted by `convert`
/// (given the element's value, it returns the converted value, or its argument back when it
/// has no conversion). NULL stays NULL and the elements keep their order.
pub fn map_elements(
    a: Expr,
    from: PgType,
    to: PgType,
    convert: impl FnOnce(Expr) -> Result<Result<Expr, Expr>, PgError>,
) -> Result<Result<Expr, Expr>, PgError> {
    const ELEMENTS: &str = "__devdb_elements";
    let value = element_value(from, make::qualified_column(ELEMENTS, "value"));
    let converted = match convert(value)? {
        Ok(converted) => converted,
        Err(_) => return Ok(Err(a)),
    };
    let order = vec![make::order_by(make::qualified_column(ELEMENTS, "key"))];
    let packed = make::call(
        "pg_array_pack",
        vec![
            make::aggregate("pg_array_agg", vec![converted], false, order),
            oid(to),
        ],
    );
    let json = make::call("pg_array_json", vec![a.clone(), oid(from)]);
    let gathered = make::subquery(make::select(
        vec![make::select_item(packed, None)],
        vec![make::table_function_as("json_each", vec![json], ELEMENTS)],
        None,
    ));
    Ok(Ok(make::call(
        "iif",
        vec![
            Expr::IsNull(Box::new(a)),
            make::null(),
            make::call("coalesce", vec![gathered, make::blob(EMPTY_ARRAY)]),
        ],
    )))
}

/// The array type an int2vector or oidvector converts to (implicitly, as in PostgreSQL).
pub(super) fn vector_array(ty: PgType) -> Option<Ty> {
    match ty {
        PgType::Int2vector => Some(Ty::of(PgType::Int2Array)),
        PgType::Oidvector => Some(Ty::of(PgType::OidArray)),
        _ => None,
    }
}

/// True when a select list calls a set-returning function devdb expands there.
pub(super) fn calls_set_returning(projection: &Vec<SelectItem>) -> bool {
    visit_expressions(projection, |e| {
        if is_set_returning(e) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .is_break()
}

/// A call of a set-returning function devdb expands in a select list.
fn is_set_returning(e: &Expr) -> bool {
    matches!(e, Expr::Function(f)
    if matches!(
        f.name.0.last().and_then(|p| p.as_ident()).map(fold).as_deref(),
        Some(
            "unnest"
                | "generate_series"
                | "generate_subscripts"
                | "pg_partition_ancestors"
                | "json_object_keys"
                | "jsonb_object_keys"
                | "json_array_elements"
                | "jsonb_array_elements"
                | "json_array_elements_text"
                | "jsonb_array_elements_text"
                | "regexp_matches"
                | "string_to_table"
                | "regexp_split_to_table"
        )
    ))
}

/// Refuses a select list whose set-returning call (at its own query level, not in a subquery)
/// sits inside CASE or COALESCE, which PostgreSQL refuses too, or beside a window function,
/// which PostgreSQL computes before expanding the set and devdb's join would compute after.
fn set_returning_placement(projection: &Vec<SelectItem>) -> Result<(), PgError> {
    #[derive(Default)]
    struct Placement {
        subqueries: usize,
        conditionals: Vec<&'static str>,
        set_returning: bool,
        window: bool,
    }
    fn conditional(e: &Expr) -> Option<&'static str> {
        match e {
            Expr::Case { .. } => Some("CASE"),
            Expr::Function(f)
                if f.name
                    .0
                    .last()
                    .and_then(|p| p.as_ident())
                    .map(fold)
                    .as_deref()
                    == Some("coalesce") =>
            {
                Some("COALESCE")
            }
            _ => None,
        }
    }
    impl Visitor for Placement {
        type Break = &'static str;
        fn pre_visit_query(&mut self, _: &Query) -> ControlFlow<Self::Break> {
            self.subqueries += 1;
            ControlFlow::Continue(())
        }
        fn post_visit_query(&mut self, _: &Query) -> ControlFlow<Self::Break> {
            self.subqueries -= 1;
            ControlFlow::Continue(())
        }
        fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<Self::Break> {
            if self.subqueries > 0 {
                return ControlFlow::Continue(());
            }
            if let Some(kind) = conditional(e) {
                self.conditionals.push(kind);
            } else if is_set_returning(e) {
                if let Some(kind) = self.conditionals.last() {
                    return ControlFlow::Break(kind);
                }
                self.set_returning = true;
            } else if matches!(e, Expr::Function(f) if f.over.is_some()) {
                self.window = true;
            }
            ControlFlow::Continue(())
        }
        fn post_visit_expr(&mut self, e: &Expr) -> ControlFlow<Self::Break> {
            if self.subqueries == 0 && conditional(e).is_some() {
                self.conditionals.pop();
            }
            ControlFlow::Continue(())
        }
    }
    let mut placement = Placement::default();
    if let ControlFlow::Break(kind) = projection.visit(&mut placement) {
        return Err(PgError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            format!("set-returning functions are not allowed in {kind}"),
        )
        .with_hint(
            "You might be able to move the set-returning function into a LATERAL FROM item.",
        ));
    }
    if placement.set_returning && placement.window {
        return Err(PgError::feature_not_supported(
            "set-returning functions beside window functions",
        ));
    }
    Ok(())
}

/// string_to_table and regexp_split_to_table are the unnest of string_to_array and
/// regexp_split_to_array.
pub(super) fn split_array(table_function: &str, args: Vec<Expr>) -> Expr {
    let array_function = match table_function {
        "string_to_table" => "string_to_array",
        _ => "regexp_split_to_array",
    };
    make::call(array_function, args)
}
