//! The argument check of the json set-returning functions (see `rewrite::json_sets`): SQLite's
//! json_each walks any document, PostgreSQL's functions take only an object or only an array.

use devdb_pg::{PgError, SqlState, Value};

use super::{arg, as_text};

/// `pg_json_set_arg(doc, 'object' | 'array', function)`: the document, or 22023.
pub fn set_arg(args: &[Value]) -> Result<Value, PgError> {
    let (Some(doc), Some(want), Some(function)) = (
        as_text(arg(args, 0))?,
        as_text(arg(args, 1))?,
        as_text(arg(args, 2))?,
    ) else {
        return Ok(Value::Null);
    };
    let kind = match doc.trim_start().chars().next() {
        Some('{') => "object",
        Some('[') => "array",
        _ => "scalar",
    };
    if kind != want {
        return Err(PgError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("cannot call {function} on a non-{want}"),
        ));
    }
    Ok(Value::Text(doc.to_owned()))
}
