//! Array functions and operators over the stored form of `devdb_pg::value::array`.
//!
//! Elements are compared by their stored encoding, which orders and equates them as
//! PostgreSQL's element operators do. Calls that need the element type take its OID.

use std::cmp::Ordering;

use devdb_pg::value::array::{len, load, nth, store};
use devdb_pg::{Oid, PgError, PgType, SqlState, Value};

use super::cast::text_of;
use super::{arg, as_int, as_text};

/// The stored form of `{}`: every element type shares it.
pub const EMPTY: &[u8] = &[0x00];

fn element_arg(v: &Value) -> Result<PgType, PgError> {
    as_int(v)?
        .and_then(|o| u32::try_from(o).ok())
        .and_then(|o| PgType::from_oid(Oid(o)))
        .ok_or_else(|| PgError::internal(format!("bad element type oid {v:?}")))
}

/// The elements of an array argument; None for NULL.
fn items(v: &Value, element: PgType) -> Result<Option<Vec<Value>>, PgError> {
    match v {
        Value::Null => Ok(None),
        Value::Blob(b) => load(element, b).map(Some),
        other => Err(PgError::internal(format!(
            "expected an array, found {other:?}"
        ))),
    }
}

/// One element's stored encoding, by which elements are compared.
fn key(element: PgType, v: &Value) -> Vec<u8> {
    store(element, std::slice::from_ref(v))
}

/// Orders two elements as PostgreSQL's element operators do: by their stored encoding, or by
/// value for the types stored as text whose bytes do not order them (numeric: `1.0` = `1`).
/// NULL sorts last and equals NULL (IS NOT DISTINCT FROM, as array_position compares).
fn compare(element: PgType, a: &Value, b: &Value) -> Ordering {
    match (a, b, devdb_pg::value::text_order(element)) {
        (Value::Null, Value::Null, _) => Ordering::Equal,
        (Value::Null, _, _) => Ordering::Greater,
        (_, Value::Null, _) => Ordering::Less,
        (a, b, Some(order)) => order(&stored_text(a), &stored_text(b)),
        (a, b, None) => key(element, a).cmp(&key(element, b)),
    }
}

/// A value of a type stored as text; a number an older devdb (or SQLite's affinity) kept.
fn stored_text(v: &Value) -> std::borrow::Cow<'_, str> {
    match v {
        Value::Text(s) => s.into(),
        Value::Int(i) => i.to_string().into(),
        Value::Float(f) => f.to_string().into(),
        Value::Blob(b) => String::from_utf8_lossy(b),
        Value::Null => "".into(),
    }
}

fn same(element: PgType, a: &Value, b: &Value) -> bool {
    compare(element, a, b) == Ordering::Equal
}

fn array(element: PgType, items: &[Value]) -> Value {
    Value::Blob(store(element, items))
}

/// `pg_array_make(element_oid, v1, v2, ...)`: ARRAY[v1, v2, ...].
pub fn make(args: &[Value]) -> Result<Value, PgError> {
    let element = element_arg(arg(args, 0))?;
    Ok(array(element, args.get(1..).unwrap_or_default()))
}

/// `pg_array_json(array, element_oid)`: the elements as a JSON array for SQLite's json_each
/// (unnest, = ANY); bytea elements as hex strings.
pub fn json(args: &[Value]) -> Result<Value, PgError> {
    let element = element_arg(arg(args, 1))?;
    let Some(items) = items(arg(args, 0), element)? else {
        return Ok(Value::Null);
    };
    let json: Vec<String> = items
        .iter()
        .map(|v| match v {
            Value::Null => "null".to_owned(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) if f.is_finite() => format!("{f:?}"),
            Value::Float(f) if f.is_nan() => "NaN".to_owned(),
            Value::Float(f) if *f > 0.0 => "9e999".to_owned(),
            Value::Float(_) => "-9e999".to_owned(),
            Value::Text(s) => devdb_pg::value::json::escape(s),
            Value::Blob(b) => format!(
                "\"{}\"",
                b.iter().map(|x| format!("{x:02x}")).collect::<String>()
            ),
        })
        .collect();
    Ok(Value::Text(format!("[{}]", json.join(","))))
}

/// `pg_array_subscript(array, element_oid, i)`: a[i], NULL out of range.
pub fn subscript(args: &[Value]) -> Result<Value, PgError> {
    let element = element_arg(arg(args, 1))?;
    let (Value::Blob(stored), Some(i)) = (arg(args, 0), as_int(arg(args, 2))?) else {
        return Ok(Value::Null);
    };
    let Ok(index) = usize::try_from(i - 1) else {
        return Ok(Value::Null);
    };
    Ok(nth(element, stored, index)?.unwrap_or(Value::Null))
}

/// `pg_array_slice(array, element_oid, lower, upper)`: a[lower:upper], bounds clamped.
pub fn slice(args: &[Value]) -> Result<Value, PgError> {
    let element = element_arg(arg(args, 1))?;
    let (Some(items), Some(lower), Some(upper)) = (
        items(arg(args, 0), element)?,
        as_int(arg(args, 2))?,
        as_int(arg(args, 3))?,
    ) else {
        return Ok(Value::Null);
    };
    let from = lower.max(1);
    let to = upper.min(items.len() as i64);
    if from > to {
        return Ok(array(element, &[]));
    }
    Ok(array(element, &items[(from - 1) as usize..to as usize]))
}

/// The length of an array argument, without decoding its elements.
fn length(v: &Value, element: PgType) -> Result<Option<i64>, PgError> {
    match v {
        Value::Blob(stored) => Ok(Some(len(element, stored)? as i64)),
        _ => Ok(None),
    }
}

/// `pg_array_bound(array, element_oid, dimension, which)`: array_length (0), array_lower (1),
/// array_upper (2); NULL for `{}` and for dimensions other than 1.
pub fn bound(args: &[Value]) -> Result<Value, PgError> {
    let element = element_arg(arg(args, 1))?;
    let (Some(n), Some(1)) = (length(arg(args, 0), element)?, as_int(arg(args, 2))?) else {
        return Ok(Value::Null);
    };
    if n == 0 {
        return Ok(Value::Null);
    }
    Ok(Value::Int(match as_int(arg(args, 3))? {
        Some(1) => 1,
        _ => n,
    }))
}

/// `pg_cardinality(array, element_oid)`.
pub fn cardinality(args: &[Value]) -> Result<Value, PgError> {
    let element = element_arg(arg(args, 1))?;
    Ok(length(arg(args, 0), element)?.map_or(Value::Null, Value::Int))
}

/// `pg_array_cat(a, b)`: `||` and array_cat; a NULL side is ignored. The stored form of a
/// concatenation is the first array without its end marker, then the second.
pub fn cat(args: &[Value]) -> Result<Value, PgError> {
    match (arg(args, 0), arg(args, 1)) {
        (Value::Blob(a), Value::Blob(b)) => {
            let mut out = a
                .get(..a.len().saturating_sub(1))
                .unwrap_or_default()
                .to_vec();
            out.extend_from_slice(b);
            Ok(Value::Blob(out))
        }
        (Value::Null, b) => Ok(b.clone()),
        (a, _) => Ok(a.clone()),
    }
}

/// `pg_array_contains(a, b, element_oid)`: a @> b; NULL elements match nothing.
pub fn contains(args: &[Value]) -> Result<Value, PgError> {
    found_in(args, true)
}

/// `pg_array_overlap(a, b, element_oid)`: a && b.
pub fn overlap(args: &[Value]) -> Result<Value, PgError> {
    found_in(args, false)
}

/// Whether all (or any) elements of b are elements of a.
fn found_in(args: &[Value], all: bool) -> Result<Value, PgError> {
    let element = element_arg(arg(args, 2))?;
    let (Some(a), Some(b)) = (items(arg(args, 0), element)?, items(arg(args, 1), element)?) else {
        return Ok(Value::Null);
    };
    let found = |v: &Value| *v != Value::Null && a.iter().any(|item| same(element, item, v));
    let answer = if all {
        b.iter().all(found)
    } else {
        b.iter().any(found)
    };
    Ok(Value::Int(answer.into()))
}

/// `pg_array_cmp(a, b, element_oid)`: -1, 0 or 1 as PostgreSQL's btree orders two arrays
/// (element by element, then the shorter first), for the element types whose stored bytes do
/// not order them (numeric: `{1.0}` = `{1}`); NULL when either is NULL.
pub fn cmp(args: &[Value]) -> Result<Value, PgError> {
    let element = element_arg(arg(args, 2))?;
    let (Some(a), Some(b)) = (items(arg(args, 0), element)?, items(arg(args, 1), element)?) else {
        return Ok(Value::Null);
    };
    let order = a
        .iter()
        .zip(&b)
        .map(|(x, y)| compare(element, x, y))
        .find(|o| o.is_ne())
        .unwrap_or_else(|| a.len().cmp(&b.len()));
    Ok(Value::Int(order as i64))
}

/// `pg_array_remove(array, value, element_oid)`: drops every element not distinct from value.
pub fn remove(args: &[Value]) -> Result<Value, PgError> {
    let element = element_arg(arg(args, 2))?;
    let Some(items) = items(arg(args, 0), element)? else {
        return Ok(Value::Null);
    };
    let target = arg(args, 1);
    let kept: Vec<Value> = items
        .into_iter()
        .filter(|v| !same(element, v, target))
        .collect();
    Ok(array(element, &kept))
}

/// `pg_array_position(array, value, element_oid)`: the first 1-based position not distinct
/// from value, or NULL.
pub fn position(args: &[Value]) -> Result<Value, PgError> {
    let element = element_arg(arg(args, 2))?;
    let Some(items) = items(arg(args, 0), element)? else {
        return Ok(Value::Null);
    };
    let target = arg(args, 1);
    Ok(items
        .iter()
        .position(|v| same(element, v, target))
        .map_or(Value::Null, |i| Value::Int(i as i64 + 1)))
}

/// `pg_array_positions(array, value, element_oid)`: every 1-based position not distinct from
/// value, as an int4[].
pub fn positions(args: &[Value]) -> Result<Value, PgError> {
    let element = element_arg(arg(args, 2))?;
    let Some(items) = items(arg(args, 0), element)? else {
        return Ok(Value::Null);
    };
    let target = arg(args, 1);
    let found: Vec<Value> = (1..)
        .zip(&items)
        .filter(|(_, v)| same(element, v, target))
        .map(|(i, _)| Value::Int(i))
        .collect();
    Ok(array(PgType::Int4, &found))
}

/// `pg_array_replace(array, from, to, element_oid)`: every element not distinct from `from`
/// becomes `to`.
pub fn replace(args: &[Value]) -> Result<Value, PgError> {
    let element = element_arg(arg(args, 3))?;
    let Some(items) = items(arg(args, 0), element)? else {
        return Ok(Value::Null);
    };
    let target = arg(args, 1);
    let replaced: Vec<Value> = items
        .into_iter()
        .map(|v| match same(element, &v, target) {
            true => arg(args, 2).clone(),
            false => v,
        })
        .collect();
    Ok(array(element, &replaced))
}

/// `pg_trim_array(array, n, element_oid)`: without its last n elements.
pub fn trim(args: &[Value]) -> Result<Value, PgError> {
    let element = element_arg(arg(args, 2))?;
    let (Some(mut items), Some(n)) = (items(arg(args, 0), element)?, as_int(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    let keep = usize::try_from(n)
        .ok()
        .and_then(|n| items.len().checked_sub(n))
        .ok_or_else(|| {
            PgError::new(
                SqlState::ARRAY_SUBSCRIPT_ERROR,
                format!(
                    "number of elements to trim must be between 0 and {}",
                    items.len()
                ),
            )
        })?;
    items.truncate(keep);
    Ok(array(element, &items))
}

/// `pg_array_fill(value, dimensions, element_oid)`: an array of copies of value, of the one
/// dimension devdb's arrays have.
pub fn fill(args: &[Value]) -> Result<Value, PgError> {
    let element = element_arg(arg(args, 2))?;
    let Some(dimensions) = items(arg(args, 1), PgType::Int4)? else {
        return Err(PgError::new(
            SqlState::NULL_VALUE_NOT_ALLOWED,
            "dimension array or low bound array cannot be null",
        ));
    };
    let n = match dimensions.as_slice() {
        [] => 0,
        [Value::Null] => {
            return Err(PgError::new(
                SqlState::NULL_VALUE_NOT_ALLOWED,
                "dimension values cannot be null",
            ));
        }
        [n] => as_int(n)?.unwrap_or(0),
        _ => return Err(PgError::feature_not_supported("multidimensional arrays")),
    };
    if n > (1 << 27) - 1 {
        return Err(PgError::new(
            SqlState::PROGRAM_LIMIT_EXCEEDED,
            "array size exceeds the maximum allowed (134217727)",
        ));
    }
    let n = usize::try_from(n).unwrap_or(0);
    Ok(array(element, &vec![arg(args, 0).clone(); n]))
}

/// `pg_array_to_string(array, element_oid, delimiter, null_text)`: NULL elements are skipped
/// unless null_text is given.
pub fn to_string(args: &[Value]) -> Result<Value, PgError> {
    let element = element_arg(arg(args, 1))?;
    let (Some(items), Some(delimiter)) = (items(arg(args, 0), element)?, as_text(arg(args, 2))?)
    else {
        return Ok(Value::Null);
    };
    let null_text = as_text(arg(args, 3))?;
    let mut parts = Vec::with_capacity(items.len());
    for v in &items {
        match v {
            Value::Null => parts.extend(null_text.map(str::to_owned)),
            v => parts.push(text_of(v, element)?),
        }
    }
    Ok(Value::Text(parts.join(delimiter)))
}

/// `pg_string_to_array(text, delimiter, null_text)`: a text[]; a NULL delimiter splits into
/// characters, an empty one gives the whole string.
pub fn string_to_array(args: &[Value]) -> Result<Value, PgError> {
    let Some(text) = as_text(arg(args, 0))? else {
        return Ok(Value::Null);
    };
    let null_text = as_text(arg(args, 2))?;
    let parts: Vec<String> = if text.is_empty() {
        Vec::new()
    } else {
        match as_text(arg(args, 1))? {
            None => text.chars().map(String::from).collect(),
            Some("") => vec![text.to_owned()],
            Some(delimiter) => text.split(delimiter).map(str::to_owned).collect(),
        }
    };
    let items: Vec<Value> = parts
        .into_iter()
        .map(|p| {
            if Some(p.as_str()) == null_text {
                Value::Null
            } else {
                Value::Text(p)
            }
        })
        .collect();
    Ok(array(PgType::Text, &items))
}

/// `pg_array_any(value, array, element_oid, operator, all)`: `value op ANY (array)` or
/// `ALL`, with SQL's three-valued logic over NULL elements; the operator is a comparison or
/// one of LIKE's (`~~`, `~~*`, `!~~`, `!~~*`).
pub fn any(args: &[Value]) -> Result<Value, PgError> {
    let element = element_arg(arg(args, 2))?;
    let Some(items) = items(arg(args, 1), element)? else {
        return Ok(Value::Null);
    };
    let all = as_int(arg(args, 4))? == Some(1);
    if items.is_empty() {
        return Ok(Value::Int(all.into()));
    }
    let value = arg(args, 0);
    let op = as_text(arg(args, 3))?.unwrap_or("=");
    let mut unknown = false;
    for item in &items {
        if *item == Value::Null || *value == Value::Null {
            unknown = true;
            continue;
        }
        let like = |insensitive: bool| {
            let pair = [value.clone(), item.clone()];
            let matched = match insensitive {
                true => super::text::ilike(&pair),
                false => super::text::like(&pair),
            };
            matched.map(|m| m == Value::Int(1))
        };
        let ord = || compare(element, value, item);
        let holds = match op {
            "~~" => like(false)?,
            "~~*" => like(true)?,
            "!~~" => !like(false)?,
            "!~~*" => !like(true)?,
            "=" => ord() == Ordering::Equal,
            "<>" => ord() != Ordering::Equal,
            "<" => ord() == Ordering::Less,
            "<=" => ord() != Ordering::Greater,
            ">" => ord() == Ordering::Greater,
            ">=" => ord() != Ordering::Less,
            other => {
                return Err(PgError::new(
                    SqlState::UNDEFINED_FUNCTION,
                    format!("operator does not exist: {other}"),
                ));
            }
        };
        if holds != all {
            return Ok(Value::Int((!all).into()));
        }
    }
    Ok(if unknown {
        Value::Null
    } else {
        Value::Int(all.into())
    })
}

/// array_agg's gathered rows: NULL over no rows, else the values in a self-describing list
/// (the aggregate takes one argument, so DISTINCT works, and cannot know the element type)
/// that [`pack`] turns into an array.
pub fn agg(rows: Vec<Vec<Value>>) -> Result<Value, PgError> {
    if rows.is_empty() {
        return Ok(Value::Null);
    }
    let mut out = Vec::new();
    for row in rows {
        match row.into_iter().next().unwrap_or(Value::Null) {
            Value::Null => out.push(b'n'),
            Value::Int(i) => {
                out.push(b'i');
                out.extend_from_slice(&i.to_be_bytes());
            }
            Value::Float(f) => {
                out.push(b'f');
                out.extend_from_slice(&f.to_be_bytes());
            }
            Value::Text(s) => gathered_bytes(&mut out, b't', s.as_bytes()),
            Value::Blob(b) => gathered_bytes(&mut out, b'b', &b),
        }
    }
    Ok(Value::Blob(out))
}

fn gathered_bytes(out: &mut Vec<u8>, tag: u8, bytes: &[u8]) {
    out.push(tag);
    out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// `pg_array_pack(gathered, element_oid)`: the array of what [`agg`] gathered.
pub fn pack(args: &[Value]) -> Result<Value, PgError> {
    let element = element_arg(arg(args, 1))?;
    let Value::Blob(gathered) = arg(args, 0) else {
        return Ok(Value::Null);
    };
    let corrupt = || PgError::internal("corrupt array_agg state");
    let mut items = Vec::new();
    let mut input = gathered.as_slice();
    while let Some((&tag, tail)) = input.split_first() {
        input = tail;
        let word = |input: &mut &[u8]| -> Result<[u8; 8], PgError> {
            let (w, tail) = input.split_first_chunk::<8>().ok_or_else(corrupt)?;
            *input = tail;
            Ok(*w)
        };
        items.push(match tag {
            b'n' => Value::Null,
            b'i' => Value::Int(i64::from_be_bytes(word(&mut input)?)),
            b'f' => Value::Float(f64::from_be_bytes(word(&mut input)?)),
            b't' | b'b' => {
                let len = usize::try_from(u64::from_be_bytes(word(&mut input)?))
                    .map_err(|_| corrupt())?;
                if input.len() < len {
                    return Err(corrupt());
                }
                let (bytes, tail) = input.split_at(len);
                input = tail;
                if tag == b't' {
                    Value::Text(String::from_utf8(bytes.to_vec()).map_err(|_| corrupt())?)
                } else {
                    Value::Blob(bytes.to_vec())
                }
            }
            _ => return Err(corrupt()),
        });
    }
    Ok(array(element, &items))
}

/// Converts each element of an array of `from` elements with `convert` (array casts).
pub fn convert_elements(
    v: Value,
    from: PgType,
    to: PgType,
    convert: impl Fn(Value) -> Result<Value, PgError>,
) -> Result<Value, PgError> {
    let Some(items) = items(&v, from)? else {
        return Ok(Value::Null);
    };
    let converted = items
        .into_iter()
        .map(convert)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(array(to, &converted))
}
