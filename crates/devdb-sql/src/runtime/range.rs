//! The range types' functions and operators over stored ranges (`devdb_pg::value::range`).

use devdb_pg::value::range::{self, Bound, Range};
use devdb_pg::{Oid, PgError, PgType, SqlState, Value};

use super::{arg, as_int, as_text};

fn range_type(v: &Value) -> Result<PgType, PgError> {
    as_int(v)?
        .and_then(|o| u32::try_from(o).ok())
        .and_then(|o| PgType::from_oid(Oid(o)))
        .filter(|t| t.range_element().is_some())
        .ok_or_else(|| PgError::internal(format!("not a range type oid: {v:?}")))
}

fn load(ty: PgType, v: &Value) -> Result<Option<Range>, PgError> {
    match v {
        Value::Null => Ok(None),
        Value::Blob(stored) => range::load(ty, stored).map(Some),
        other => Err(PgError::internal(format!(
            "expected a range, found {other:?}"
        ))),
    }
}

fn stored(r: Range) -> Value {
    Value::Blob(range::store(&r))
}

/// An element in its stored form for the range's comparisons (a numeric kept as an integer by
/// an older devdb becomes its text).
fn element(ty: PgType, v: &Value) -> Value {
    match (ty.range_element(), v) {
        (Some(PgType::Numeric), Value::Int(i)) => Value::Text(i.to_string()),
        _ => v.clone(),
    }
}

/// `pg_range(range_oid, lower, upper, flags)`: the constructors `int4range(1, 5, '[]')`; a NULL
/// bound is unbounded.
pub fn make(args: &[Value]) -> Result<Value, PgError> {
    let ty = range_type(arg(args, 0))?;
    let Some(flags) = as_text(arg(args, 3))? else {
        return Err(PgError::new(
            SqlState::DATA_EXCEPTION,
            "range constructor flags argument must not be null",
        ));
    };
    let (lower_inclusive, upper_inclusive) = range::parse_flags(flags)?;
    let bound = |v: &Value, inclusive| match v {
        Value::Null => Bound::UNBOUNDED,
        v => Bound::new(element(ty, v), inclusive),
    };
    range::make(
        ty,
        bound(arg(args, 1), lower_inclusive),
        bound(arg(args, 2), upper_inclusive),
    )
    .map(stored)
}

/// `pg_range_op(op, range_oid, a, b)`: a range operator; `b` is an element for `contains_elem`.
pub fn op(args: &[Value]) -> Result<Value, PgError> {
    let name = as_text(arg(args, 0))?.unwrap_or_default();
    let ty = range_type(arg(args, 1))?;
    let Some(a) = load(ty, arg(args, 2))? else {
        return Ok(Value::Null);
    };
    if arg(args, 3) == &Value::Null {
        return Ok(Value::Null);
    }
    if name == "contains_elem" {
        let v = element(ty, arg(args, 3));
        return Ok(Value::Int(range::contains_element(&a, &v) as i64));
    }
    let Some(b) = load(ty, arg(args, 3))? else {
        return Ok(Value::Null);
    };
    let truth = |t: bool| Ok(Value::Int(t as i64));
    match name {
        "contains" => truth(range::contains(&a, &b)),
        "overlaps" => truth(range::overlaps(&a, &b)),
        "before" => truth(range::before(&a, &b)),
        "after" => truth(range::before(&b, &a)),
        "over_left" => truth(range::over_left(&a, &b)),
        "over_right" => truth(range::over_right(&a, &b)),
        "adjacent" => truth(range::adjacent(ty, &a, &b)),
        "union" => range::union(ty, &a, &b, true).map(stored),
        "merge" => range::union(ty, &a, &b, false).map(stored),
        "intersect" => range::intersection(ty, &a, &b).map(stored),
        "minus" => range::difference(ty, &a, &b).map(stored),
        other => Err(PgError::internal(format!("unknown range operator {other}"))),
    }
}

/// `pg_range_part(part, range_oid, r)`: lower, upper, isempty, lower_inc, upper_inc,
/// lower_inf, upper_inf.
pub fn part(args: &[Value]) -> Result<Value, PgError> {
    let name = as_text(arg(args, 0))?.unwrap_or_default();
    let ty = range_type(arg(args, 1))?;
    let Some(r) = load(ty, arg(args, 2))? else {
        return Ok(Value::Null);
    };
    let truth = |t: bool| Ok(Value::Int(t as i64));
    let Range::Span { lower, upper } = r else {
        return match name {
            "lower" | "upper" => Ok(Value::Null),
            "isempty" => truth(true),
            _ => truth(false),
        };
    };
    match name {
        "lower" => Ok(lower.value.unwrap_or(Value::Null)),
        "upper" => Ok(upper.value.unwrap_or(Value::Null)),
        "isempty" => truth(false),
        "lower_inc" => truth(lower.inclusive),
        "upper_inc" => truth(upper.inclusive),
        "lower_inf" => truth(lower.value.is_none()),
        "upper_inf" => truth(upper.value.is_none()),
        other => Err(PgError::internal(format!("unknown range function {other}"))),
    }
}
