//! json and jsonb functions and operators. Values arrive in their stored form (json as
//! written, jsonb normalized); a value's SQL type travels as an OID argument where the
//! rendering depends on it.

use devdb_pg::value::json::{self, Json, Shallow};
use devdb_pg::{Oid, PgError, PgType, SqlState, Value};

use super::{arg, as_int, as_text};

fn type_arg(v: &Value) -> Result<PgType, PgError> {
    as_int(v)?
        .and_then(|o| u32::try_from(o).ok())
        .and_then(|o| PgType::from_oid(Oid(o)))
        .ok_or_else(|| PgError::internal(format!("json: bad type oid {v:?}")))
}

fn flag(v: &Value) -> Result<bool, PgError> {
    Ok(as_int(v)?.unwrap_or(0) != 0)
}

fn text(s: String) -> Value {
    Value::Text(s)
}

/// `pg_json_elem(value, oid)`: the value as JSON text, SQL NULL as `null` (for building).
pub fn elem(args: &[Value]) -> Result<Value, PgError> {
    let ty = type_arg(arg(args, 1))?;
    Ok(text(devdb_pg::value::to_json(ty, arg(args, 0).as_datum())))
}

/// `pg_to_json(value, oid, jsonb)`: to_json / to_jsonb (strict).
pub fn to_json(args: &[Value]) -> Result<Value, PgError> {
    if *arg(args, 0) == Value::Null {
        return Ok(Value::Null);
    }
    let ty = type_arg(arg(args, 1))?;
    let rendered = devdb_pg::value::to_json(ty, arg(args, 0).as_datum());
    if flag(arg(args, 2))? {
        return Ok(text(Json::parse_jsonb(&rendered)?.to_jsonb_text()));
    }
    Ok(text(rendered))
}

/// `pg_jsonb_norm(text)`: jsonb's form of JSON text built by other functions.
pub fn norm(args: &[Value]) -> Result<Value, PgError> {
    match as_text(arg(args, 0))? {
        None => Ok(Value::Null),
        Some(t) => Ok(text(Json::parse_jsonb(t)?.to_jsonb_text())),
    }
}

/// `pg_json_object(mode, key1, value1, ...)`, values already JSON text: mode 0 spells
/// json_build_object's `{"a" : 1, "b" : 2}`, 1 normalizes for jsonb, 2 spells a row as
/// row_to_json does, `{"a":1,"b":2}`.
pub fn build_object(args: &[Value]) -> Result<Value, PgError> {
    let mode = as_int(arg(args, 0))?.unwrap_or(0);
    let jsonb = mode == 1;
    let (comma, colon) = if mode == 2 { (",", ":") } else { (", ", " : ") };
    let pairs = args.get(1..).unwrap_or_default();
    if pairs.len() % 2 != 0 {
        return Err(PgError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            "argument list must have even number of elements",
        )
        .with_hint(
            "The arguments of json_build_object() must consist of alternating keys and values.",
        ));
    }
    let mut out = String::from("{");
    for (i, pair) in pairs.chunks(2).enumerate() {
        let key = match pair.first() {
            Some(Value::Text(k)) => k.clone(),
            Some(Value::Int(k)) => k.to_string(),
            Some(Value::Float(f)) => devdb_pg::value::format_float8(*f),
            _ => {
                return Err(PgError::new(
                    SqlState::NULL_VALUE_NOT_ALLOWED,
                    format!("argument {} cannot be null", 2 * i + 1),
                )
                .with_hint("Object keys should be text."));
            }
        };
        if i > 0 {
            out.push_str(comma);
        }
        json::escape_into(&key, &mut out);
        out.push_str(colon);
        match pair.get(1) {
            Some(Value::Text(v)) => out.push_str(v),
            _ => out.push_str("null"),
        }
    }
    out.push('}');
    finish(out, jsonb)
}

/// `pg_json_array(jsonb, value1, ...)`, values already JSON text.
pub fn build_array(args: &[Value]) -> Result<Value, PgError> {
    let jsonb = flag(arg(args, 0))?;
    let items: Vec<&str> = args
        .get(1..)
        .unwrap_or_default()
        .iter()
        .map(|v| match v {
            Value::Text(t) => t.as_str(),
            _ => "null",
        })
        .collect();
    finish(format!("[{}]", items.join(", ")), jsonb)
}

fn finish(built: String, jsonb: bool) -> Result<Value, PgError> {
    if jsonb {
        Ok(text(Json::parse_jsonb(&built)?.to_jsonb_text()))
    } else {
        Ok(text(built))
    }
}

/// One step of `->`: by key (text) or index (integer), in a json (as written) or jsonb value.
fn step(doc: &str, key: &Value, jsonb: bool) -> Result<Option<String>, PgError> {
    if jsonb {
        let j = Json::parse(doc, true)?;
        let found = match key {
            Value::Int(i) => j.index(*i),
            Value::Text(k) => j.get(k),
            _ => None,
        };
        return Ok(found.map(Json::to_jsonb_text));
    }
    Ok(match (json::parse_shallow(doc)?, key) {
        (Shallow::Object(members), Value::Text(k)) => members
            .iter()
            .rev()
            .find(|(mk, _)| mk == k)
            .map(|(_, v)| (*v).to_owned()),
        (Shallow::Array(items), Value::Int(i)) => {
            let len = items.len() as i64;
            let i = if *i < 0 { len + i } else { *i };
            usize::try_from(i)
                .ok()
                .and_then(|i| items.get(i))
                .map(|v| (*v).to_owned())
        }
        _ => None,
    })
}

/// The `->>` text of a JSON value's text: strings unquoted, null as SQL NULL.
pub(super) fn as_sql_text(value: &str) -> Result<Value, PgError> {
    Ok(match Json::parse(value, false)? {
        Json::Null => Value::Null,
        Json::String(s) => text(s),
        _ => text(value.to_owned()),
    })
}

/// `pg_json_get(doc, jsonb, key, as_text)`: `->` and `->>`.
pub fn get(args: &[Value]) -> Result<Value, PgError> {
    let (Some(doc), key) = (as_text(arg(args, 0))?, arg(args, 2)) else {
        return Ok(Value::Null);
    };
    let jsonb = flag(arg(args, 1))?;
    match step(doc, key, jsonb)? {
        None => Ok(Value::Null),
        Some(v) if flag(arg(args, 3))? => as_sql_text(&v),
        Some(v) => Ok(text(v)),
    }
}

/// Reads a text[] in its text form (`{a,b}` or `{"a b",1}`) into its elements.
pub(super) fn parse_text_array(t: &str) -> Result<Vec<Option<String>>, PgError> {
    let items = devdb_pg::value::array::parse_text(PgType::Text, t)?;
    Ok(items
        .into_iter()
        .map(|v| match v {
            Value::Text(s) => Some(s),
            _ => None,
        })
        .collect())
}

/// `pg_json_path(doc, jsonb, path, as_text)`: `#>` and `#>>`.
pub fn path(args: &[Value]) -> Result<Value, PgError> {
    let (Some(doc), Some(path)) = (as_text(arg(args, 0))?, as_text(arg(args, 2))?) else {
        return Ok(Value::Null);
    };
    let jsonb = flag(arg(args, 1))?;
    let mut current = doc.to_owned();
    for key in parse_text_array(path)? {
        let Some(key) = key else {
            return Ok(Value::Null);
        };
        // A path element is an object key, or an array index when the value is an array.
        let is_array = matches!(json::parse_shallow(&current)?, Shallow::Array(_));
        let k = match key.trim().parse::<i64>() {
            Ok(i) if is_array => Value::Int(i),
            _ if is_array => return Ok(Value::Null),
            _ => Value::Text(key),
        };
        match step(&current, &k, jsonb)? {
            Some(next) => current = next,
            None => return Ok(Value::Null),
        }
    }
    if flag(arg(args, 3))? {
        as_sql_text(&current)
    } else {
        Ok(text(current))
    }
}

fn jsonb_arg(args: &[Value], i: usize) -> Result<Option<Json>, PgError> {
    as_text(arg(args, i))?.map(Json::parse_jsonb).transpose()
}

fn boolean(b: bool) -> Value {
    Value::Int(b as i64)
}

/// `pg_jsonb_contains(a, b)`: `a @> b`.
pub fn contains(args: &[Value]) -> Result<Value, PgError> {
    match (jsonb_arg(args, 0)?, jsonb_arg(args, 1)?) {
        (Some(a), Some(b)) => Ok(boolean(a.contains(&b))),
        _ => Ok(Value::Null),
    }
}

/// `pg_jsonb_exists(doc, mode, keys)`: `?` (mode 0, one key), `?|` (1, any), `?&` (2, all).
pub fn exists(args: &[Value]) -> Result<Value, PgError> {
    let (Some(doc), Some(keys)) = (jsonb_arg(args, 0)?, as_text(arg(args, 2))?) else {
        return Ok(Value::Null);
    };
    let mode = as_int(arg(args, 1))?.unwrap_or(0);
    let has = |k: &str| match &doc {
        Json::Object(m) => m.iter().any(|(mk, _)| mk == k),
        Json::Array(items) => items.iter().any(|i| matches!(i, Json::String(s) if s == k)),
        Json::String(s) => s == k,
        _ => false,
    };
    if mode == 0 {
        return Ok(boolean(has(keys)));
    }
    let list: Vec<String> = parse_text_array(keys)?.into_iter().flatten().collect();
    Ok(boolean(if mode == 1 {
        list.iter().any(|k| has(k))
    } else {
        list.iter().all(|k| has(k))
    }))
}

/// `pg_jsonb_concat(a, b)`: `||`.
pub fn concat(args: &[Value]) -> Result<Value, PgError> {
    let (Some(a), Some(b)) = (jsonb_arg(args, 0)?, jsonb_arg(args, 1)?) else {
        return Ok(Value::Null);
    };
    let mut out = match (a, b) {
        (Json::Object(mut x), Json::Object(y)) => {
            x.extend(y);
            Json::Object(x)
        }
        (Json::Array(mut x), Json::Array(y)) => {
            x.extend(y);
            Json::Array(x)
        }
        (Json::Array(mut x), y) => {
            x.push(y);
            Json::Array(x)
        }
        (x, Json::Array(y)) => {
            let mut items = vec![x];
            items.extend(y);
            Json::Array(items)
        }
        (x, y) => Json::Array(vec![x, y]),
    };
    out.normalize();
    Ok(text(out.to_jsonb_text()))
}

/// `pg_jsonb_delete(doc, key)`: `-` with a text key or an integer index.
pub fn delete(args: &[Value]) -> Result<Value, PgError> {
    let Some(doc) = jsonb_arg(args, 0)? else {
        return Ok(Value::Null);
    };
    let out = match (doc, arg(args, 1)) {
        (_, Value::Null) => return Ok(Value::Null),
        (Json::Object(m), Value::Text(k)) => {
            Json::Object(m.into_iter().filter(|(mk, _)| mk != k).collect())
        }
        (Json::Array(items), Value::Text(k)) => Json::Array(
            items
                .into_iter()
                .filter(|i| !matches!(i, Json::String(s) if s == k))
                .collect(),
        ),
        (Json::Array(mut items), Value::Int(i)) => {
            let len = items.len() as i64;
            let i = if *i < 0 { len + i } else { *i };
            if let Ok(i) = usize::try_from(i)
                && i < items.len()
            {
                items.remove(i);
            }
            Json::Array(items)
        }
        (Json::Object(_), Value::Int(_)) => {
            return Err(PgError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                "cannot delete from object using integer index",
            ));
        }
        _ => {
            return Err(PgError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                "cannot delete from scalar",
            ));
        }
    };
    Ok(text(out.to_jsonb_text()))
}

/// `pg_json_typeof(doc)`.
pub fn typeof_(args: &[Value]) -> Result<Value, PgError> {
    match as_text(arg(args, 0))? {
        None => Ok(Value::Null),
        Some(t) => Ok(text(Json::parse(t, false)?.type_name().to_owned())),
    }
}

/// `pg_json_array_length(doc)`.
pub fn array_length(args: &[Value]) -> Result<Value, PgError> {
    match as_text(arg(args, 0))? {
        None => Ok(Value::Null),
        Some(t) => match json::parse_shallow(t)? {
            Shallow::Array(items) => Ok(Value::Int(items.len() as i64)),
            Shallow::Object(_) => Err(PgError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                "cannot get array length of a non-array",
            )),
            Shallow::Scalar(_) => Err(PgError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                "cannot get array length of a scalar",
            )),
        },
    }
}

/// `pg_jsonb_strip_nulls(doc)`.
pub fn strip_nulls(args: &[Value]) -> Result<Value, PgError> {
    fn strip(j: Json) -> Json {
        match j {
            Json::Object(m) => Json::Object(
                m.into_iter()
                    .filter(|(_, v)| *v != Json::Null)
                    .map(|(k, v)| (k, strip(v)))
                    .collect(),
            ),
            Json::Array(items) => Json::Array(items.into_iter().map(strip).collect()),
            other => other,
        }
    }
    match jsonb_arg(args, 0)? {
        None => Ok(Value::Null),
        Some(j) => Ok(text(strip(j).to_jsonb_text())),
    }
}

/// json_agg(DISTINCT ...): the collected JSON texts (distinct and sorted by SQLite) as an
/// array; `separator` comes before each later element but a null.
fn agg_distinct(rows: Vec<Vec<Value>>, separator: &str) -> Result<Value, PgError> {
    if rows.is_empty() {
        return Ok(Value::Null);
    }
    let mut out = String::from("[");
    for (i, row) in rows.iter().enumerate() {
        let elem = as_text(arg(row, 0))?.unwrap_or("null");
        match (i, elem) {
            (0, _) => {}
            (_, "null") => out.push_str(", "),
            _ => out.push_str(separator),
        }
        out.push_str(elem);
    }
    out.push(']');
    Ok(Value::Text(out))
}

pub fn agg_distinct_inline(rows: Vec<Vec<Value>>) -> Result<Value, PgError> {
    agg_distinct(rows, ", ")
}

pub fn agg_distinct_lines(rows: Vec<Vec<Value>>) -> Result<Value, PgError> {
    agg_distinct(rows, ", \n ")
}
