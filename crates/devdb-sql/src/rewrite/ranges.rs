//! Range types: the constructors (`int4range(1, 5, '[]')`), the functions over a range
//! (lower, upper, isempty, ...) and the range operators, as calls of `runtime::range` over the
//! stored form (`devdb_pg::value::range`). `=`, `<` and ORDER BY need nothing: the stored form
//! orders as PostgreSQL orders ranges.

use devdb_pg::{PgError, PgType};
use sqlparser::ast::{BinaryOperator, Expr};

use super::Translator;
use super::datetime::Handled;
use super::expr::{BOOL, Ctx, operator_error};
use super::functions::undefined_with;
use crate::make;
use crate::types::Ty;

/// The range type a constructor function builds.
fn constructor(name: &str) -> Option<PgType> {
    PgType::from_sql_name(name)
        .map(|(ty, _)| ty)
        .filter(|ty| ty.range_element().is_some())
}

fn type_oid(ty: PgType) -> Expr {
    make::int(ty.oid().0.into())
}

/// True for the operators that have a range form: `@>`, `<@`, `&&`, `<<`, `>>`, `&<`, `&>`,
/// `-|-` (a custom operator to sqlparser), and `+`, `*`, `-` with a range on the left.
pub fn is_range_operator(op: &BinaryOperator) -> bool {
    use BinaryOperator as B;
    matches!(
        op,
        B::AtArrow
            | B::ArrowAt
            | B::PGOverlap
            | B::PGBitwiseShiftLeft
            | B::PGBitwiseShiftRight
            | B::Plus
            | B::Multiply
            | B::Minus
            | B::AndLt
            | B::AndGt
    ) || matches!(op, B::Custom(s) if s == "-|-")
}

impl Translator<'_> {
    /// A call of a range constructor or of a function over ranges; the arguments back when
    /// `name` is neither.
    pub fn range_function(
        &mut self,
        name: &str,
        typed: Vec<(Expr, Ty)>,
    ) -> Result<Handled<Vec<(Expr, Ty)>>, PgError> {
        if let Some(ty) = constructor(name) {
            return self.range_constructor(name, ty, typed).map(Ok);
        }
        let types: Vec<Ty> = typed.iter().map(|(_, t)| *t).collect();
        let part = matches!(
            name,
            "lower" | "upper" | "isempty" | "lower_inc" | "upper_inc" | "lower_inf" | "upper_inf"
        );
        match (types.as_slice(), part) {
            ([t], true) if t.ty.range_element().is_some() => {
                let [(r, _)] = <[(Expr, Ty); 1]>::try_from(typed)
                    .map_err(|_| PgError::internal("one argument"))?;
                let result = match name {
                    "lower" | "upper" => Ty::of(t.ty.range_element().unwrap_or(t.ty)),
                    _ => BOOL,
                };
                let call = make::call("pg_range_part", vec![make::string(name), type_oid(t.ty), r]);
                Ok(Ok((call, result)))
            }
            ([a, b], false) if a.ty.range_element().is_some() || b.ty.range_element().is_some() => {
                let Some(op) = named_operator(name) else {
                    return Ok(Err(typed));
                };
                let mut typed = typed.into_iter();
                let (Some(l), Some(r)) = (typed.next(), typed.next()) else {
                    return Err(PgError::internal("two arguments"));
                };
                let wrong = || undefined_with(name, &[*a, *b]);
                let (call, ty) = match op {
                    "contains_elem" | "elem_contained" => {
                        let ((range, rt), (e, et)) = if op == "contains_elem" {
                            (l, r)
                        } else {
                            (r, l)
                        };
                        if rt.ty.range_element().is_none() {
                            return Err(wrong());
                        }
                        let element = Ty::of(rt.ty.range_element().unwrap_or(rt.ty));
                        if !et.is_unknown()
                            && !super::casts::allowed(et.ty, element.ty, Ctx::Implicit)
                        {
                            return Err(wrong());
                        }
                        let e = self.coerce(e, et, element, Ctx::Implicit)?;
                        (range_op_call("contains_elem", rt.ty, range, e), BOOL)
                    }
                    _ => {
                        let ty = same_range(*a, *b).ok_or_else(wrong)?;
                        let l = self.coerce(l.0, l.1, ty, Ctx::Implicit)?;
                        let r = self.coerce(r.0, r.1, ty, Ctx::Implicit)?;
                        match op {
                            "contained" => (range_op_call("contains", ty.ty, r, l), BOOL),
                            "union" | "merge" | "intersect" | "minus" => {
                                (range_op_call(op, ty.ty, l, r), ty)
                            }
                            _ => (range_op_call(op, ty.ty, l, r), BOOL),
                        }
                    }
                };
                Ok(Ok((call, ty)))
            }
            _ => Ok(Err(typed)),
        }
    }

    /// `int4range(lower, upper [, flags])`: NULL bounds are unbounded, flags default to `[)`.
    fn range_constructor(
        &mut self,
        name: &str,
        ty: PgType,
        typed: Vec<(Expr, Ty)>,
    ) -> Result<(Expr, Ty), PgError> {
        let types: Vec<Ty> = typed.iter().map(|(_, t)| *t).collect();
        let element = Ty::of(ty.range_element().unwrap_or(ty));
        let text = Ty::of(PgType::Text);
        let wanted: &[Ty] = match typed.len() {
            2 => &[element, element],
            3 => &[element, element, text],
            _ => return Err(undefined_with(name, &types)),
        };
        let mut args = vec![type_oid(ty)];
        for ((e, from), to) in typed.into_iter().zip(wanted) {
            if !from.is_unknown() && !super::casts::allowed(from.ty, to.ty, Ctx::Implicit) {
                return Err(undefined_with(name, &types));
            }
            args.push(self.coerce(e, from, *to, Ctx::Implicit)?);
        }
        if args.len() == 3 {
            args.push(make::string("[)"));
        }
        Ok((make::call("pg_range", args), Ty::of(ty)))
    }

    /// A binary operator with a range operand; None when neither operand makes it one.
    pub fn range_operator(
        &mut self,
        (l, lt): (Expr, Ty),
        op: &BinaryOperator,
        right: Expr,
    ) -> Result<(Expr, Ty), PgError> {
        use BinaryOperator as B;
        let (r, rt) = self.expr(right)?;
        let symbol = op.to_string();
        let is_range = |t: &Ty| t.ty.range_element().is_some();
        // element <@ range: the element converts to the range's element type.
        if *op == B::ArrowAt && !is_range(&lt) {
            if !is_range(&rt) {
                return Err(if lt.is_unknown() || rt.is_unknown() {
                    PgError::ambiguous_operator(&format!("{} <@ {}", lt.ty, rt.ty))
                } else {
                    operator_error(lt, &symbol, rt)
                });
            }
            let element = Ty::of(rt.ty.range_element().unwrap_or(rt.ty));
            let l = self.element_operand(l, lt, element, rt, &symbol)?;
            return Ok((range_op_call("contains_elem", rt.ty, r, l), BOOL));
        }
        // range @> element, where the right operand is not a range (an unknown literal is one).
        if *op == B::AtArrow && !is_range(&rt) && !rt.is_unknown() {
            let element = Ty::of(lt.ty.range_element().unwrap_or(lt.ty));
            let r = self.element_operand(r, rt, element, lt, &symbol)?;
            return Ok((range_op_call("contains_elem", lt.ty, l, r), BOOL));
        }
        let ty = same_range(lt, rt).ok_or_else(|| operator_error(lt, &symbol, rt))?;
        let l = self.coerce(l, lt, ty, Ctx::Implicit)?;
        let r = self.coerce(r, rt, ty, Ctx::Implicit)?;
        let name = match op {
            B::AtArrow => "contains",
            B::ArrowAt => return Ok((range_op_call("contains", ty.ty, r, l), BOOL)),
            B::PGOverlap => "overlaps",
            B::PGBitwiseShiftLeft => "before",
            B::PGBitwiseShiftRight => "after",
            B::Plus => "union",
            B::Multiply => "intersect",
            B::Minus => "minus",
            B::AndLt => "over_left",
            B::AndGt => "over_right",
            B::Custom(s) if s == "-|-" => "adjacent",
            _ => return Err(operator_error(lt, &symbol, rt)),
        };
        let result = match name {
            "union" | "intersect" | "minus" => ty,
            _ => BOOL,
        };
        Ok((range_op_call(name, ty.ty, l, r), result))
    }

    /// The element operand of `@>` or `<@`, converted to the range's element type.
    fn element_operand(
        &mut self,
        e: Expr,
        from: Ty,
        element: Ty,
        range: Ty,
        symbol: &str,
    ) -> Result<Expr, PgError> {
        if !from.is_unknown() && !super::casts::allowed(from.ty, element.ty, Ctx::Implicit) {
            return Err(operator_error(from, symbol, range));
        }
        self.coerce(e, from, element, Ctx::Implicit)
    }
}

/// The range type two operands share (an unknown literal takes the other's type).
fn same_range(lt: Ty, rt: Ty) -> Option<Ty> {
    let ty = if lt.is_unknown() { rt } else { lt };
    let fits = |t: Ty| t.is_unknown() || t.ty == ty.ty;
    (ty.ty.range_element().is_some() && fits(lt) && fits(rt)).then_some(Ty::of(ty.ty))
}

/// The operation of a function PostgreSQL has beside each range operator (`range_adjacent` is
/// `-|-`), as `pg_range_op` names it.
fn named_operator(name: &str) -> Option<&'static str> {
    Some(match name {
        "range_contains" => "contains",
        "range_contained_by" => "contained",
        "range_contains_elem" => "contains_elem",
        "elem_contained_by_range" => "elem_contained",
        "range_overlaps" => "overlaps",
        "range_before" => "before",
        "range_after" => "after",
        "range_overleft" => "over_left",
        "range_overright" => "over_right",
        "range_adjacent" => "adjacent",
        "range_union" => "union",
        "range_merge" => "merge",
        "range_intersect" => "intersect",
        "range_minus" => "minus",
        _ => return None,
    })
}

/// `pg_range_op(name, range_oid, a, b)`.
fn range_op_call(name: &str, ty: PgType, a: Expr, b: Expr) -> Expr {
    make::call("pg_range_op", vec![make::string(name), type_oid(ty), a, b])
}
