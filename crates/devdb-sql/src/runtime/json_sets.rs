//! The json set-returning functions' support (see `rewrite::json_sets`): SQLite's json_each
//! walks any document, PostgreSQL's functions take only an object or only an array, and fail
//! with their own words otherwise; in a select list they read the members `items` lists.

use devdb_pg::value::json::{self, Json, Shallow};
use devdb_pg::{PgError, SqlState, Value};

use super::{arg, as_int, as_text};

/// `pg_json_set_arg(doc, 'object' | 'array', function)`: the document, or 22023.
pub fn set_arg(args: &[Value]) -> Result<Value, PgError> {
    let (Some(doc), Some(want), Some(function)) = (
        as_text(arg(args, 0))?,
        as_text(arg(args, 1))?,
        as_text(arg(args, 2))?,
    ) else {
        return Ok(Value::Null);
    };
    if kind_of(doc) != want {
        return Err(wrong_shape(function, kind_of(doc)));
    }
    Ok(Value::Text(doc.to_owned()))
}

/// PostgreSQL's 22023 for a json set-returning function given the wrong kind of document
/// (`kind`: "object", "array" or "scalar"); each function words it its own way.
fn wrong_shape(function: &str, kind: &str) -> PgError {
    let message = match (function, kind) {
        ("json_object_keys" | "jsonb_object_keys", "array") => {
            format!("cannot call {function} on an array")
        }
        ("json_object_keys" | "jsonb_object_keys", _) => {
            format!("cannot call {function} on a scalar")
        }
        ("jsonb_array_elements" | "jsonb_array_elements_text", "scalar") => {
            "cannot extract elements from a scalar".into()
        }
        ("jsonb_array_elements" | "jsonb_array_elements_text", _) => {
            "cannot extract elements from an object".into()
        }
        ("json_array_elements" | "json_array_elements_text", "scalar") => {
            format!("cannot call {function} on a scalar")
        }
        ("json_array_elements" | "json_array_elements_text", _) => {
            format!("cannot call {function} on a non-array")
        }
        ("json_each" | "json_each_text", "array") => {
            "cannot deconstruct an array as an object".into()
        }
        ("json_each" | "json_each_text", _) => "cannot deconstruct a scalar".into(),
        ("json_to_recordset", "object") => format!("cannot call {function} on an object"),
        ("json_to_recordset", _) => format!("cannot call {function} on a scalar"),
        ("jsonb_to_recordset", _) => format!("cannot call {function} on a non-array"),
        _ => format!("cannot call {function} on a non-object"),
    };
    PgError::new(SqlState::INVALID_PARAMETER_VALUE, message)
}

/// `pg_json_record(doc, function)`: an object json(b)_to_record or a row of
/// json(b)_to_recordset reads, returned as it is; 22023 for anything else, worded as
/// PostgreSQL words it.
pub fn record(args: &[Value]) -> Result<Value, PgError> {
    let (Some(doc), Some(function)) = (as_text(arg(args, 0))?, as_text(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    match kind_of(doc) {
        "object" => Ok(Value::Text(doc.to_owned())),
        kind => Err(PgError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            match function.ends_with("recordset") {
                true => format!("argument of {function} must be an array of objects"),
                false if kind == "array" => "cannot call populate_composite on an array".into(),
                false => "cannot call populate_composite on a scalar".into(),
            },
        )),
    }
}

fn kind_of(doc: &str) -> &'static str {
    match doc.trim_start().chars().next() {
        Some('{') => "object",
        Some('[') => "array",
        _ => "scalar",
    }
}

/// `pg_json_items(doc, mode, function)`: for a set-returning call in a select list, the
/// members of a document as a JSON array of strings for SQLite's json_each to turn into
/// rows: mode 0 the array's elements as JSON text, 1 as `->>` text (JSON null as null),
/// 2 the object's keys. Each string holds the member's own text, so no number is reformatted.
pub fn items(args: &[Value]) -> Result<Value, PgError> {
    let (Some(doc), Some(function)) = (as_text(arg(args, 0))?, as_text(arg(args, 2))?) else {
        return Ok(Value::Null);
    };
    let mode = as_int(arg(args, 1))?.unwrap_or(0);
    let out = match (json::parse_shallow(doc)?, mode) {
        (Shallow::Array(items), 0 | 1) => items
            .into_iter()
            .map(|v| match mode {
                0 => Ok(Json::String(v.to_owned())),
                _ => Ok(match super::json::as_sql_text(v)? {
                    Value::Text(t) => Json::String(t),
                    _ => Json::Null,
                }),
            })
            .collect::<Result<_, PgError>>()?,
        (Shallow::Object(members), 2) => {
            members.into_iter().map(|(k, _)| Json::String(k)).collect()
        }
        _ => return Err(wrong_shape(function, kind_of(doc))),
    };
    Ok(Value::Text(Json::Array(out).to_jsonb_text()))
}

/// `pg_json_array_field(field)`: a record column of an array type from its member's JSON
/// text, as populate_record reads it: a JSON array's elements become the array's (strings
/// unquoted, null as NULL, others as written), a string is the array's text input (`"{1,2}"`).
pub fn array_field(args: &[Value]) -> Result<Value, PgError> {
    let Some(field) = as_text(arg(args, 0))? else {
        return Ok(Value::Null);
    };
    let Shallow::Array(items) = json::parse_shallow(field)? else {
        return super::json::as_sql_text(field);
    };
    let items = items
        .into_iter()
        .map(|item| match item.trim_start().starts_with('[') {
            true => Err(PgError::feature_not_supported("multidimensional arrays")),
            false => super::json::as_sql_text(item),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Value::Text(devdb_pg::value::array::format_text(
        devdb_pg::PgType::Text,
        &items,
    )))
}
