//! The jsonb functions that change a document at a path (jsonb_set, jsonb_insert, `#-`), the
//! key deletions (`-` text[]) and jsonb_pretty. The path walk follows PostgreSQL's setPath:
//! a path element is an object key, or an integer index into an array (negative from the
//! end); a path that leads nowhere leaves the document as it was.

use devdb_pg::value::json::{self, Json};
use devdb_pg::{PgError, SqlState, Value};

use super::{arg, as_int, as_text};

/// What to do at the end of the path.
#[derive(Clone, Copy)]
enum Edit<'a> {
    /// jsonb_set: replace, and with `create` add a missing last key or element.
    Set { new: &'a Json, create: bool },
    /// jsonb_insert: add before (or after) an element, or a missing key.
    Insert { new: &'a Json, after: bool },
    /// `#-`: remove.
    Delete,
}

impl<'a> Edit<'a> {
    /// The value a missing last key or out-of-range index adds, if any.
    fn creates(self) -> Option<&'a Json> {
        match self {
            Edit::Set { new, create: true } | Edit::Insert { new, .. } => Some(new),
            _ => None,
        }
    }
}

fn jsonb(args: &[Value], i: usize) -> Result<Option<Json>, PgError> {
    as_text(arg(args, i))?.map(Json::parse_jsonb).transpose()
}

/// A text[] path in its text form; a NULL element is 22004 where `nulls_fail`.
fn path_elements(path: &str, nulls_fail: bool) -> Result<Vec<Option<String>>, PgError> {
    let items = super::json::parse_text_array(path)?;
    if nulls_fail && let Some(i) = items.iter().position(Option::is_none) {
        return Err(PgError::new(
            SqlState::NULL_VALUE_NOT_ALLOWED,
            format!("path element at position {} is null", i + 1),
        ));
    }
    Ok(items)
}

/// The index a path element names in an array of `len` elements: None for a NULL element,
/// `Err` for one that is not an integer; below the start is `i64::MIN`, past the end `len`.
fn array_index(key: Option<&str>, position: usize, len: i64) -> Result<Option<i64>, PgError> {
    let Some(key) = key else {
        return Ok(None);
    };
    let i: i64 = key
        .trim_start()
        .parse::<i32>()
        .map_err(|_| {
            PgError::new(
                SqlState::INVALID_TEXT_REPRESENTATION,
                format!("path element at position {position} is not an integer: \"{key}\""),
            )
        })?
        .into();
    Ok(Some(match i {
        i if i < 0 && -i > len => i64::MIN,
        i if i < 0 => len + i,
        i => i.min(len),
    }))
}

/// Applies `edit` at `path` (from element `level`) inside `node`.
fn walk(node: &mut Json, path: &[Option<String>], level: usize, edit: Edit) -> Result<(), PgError> {
    let Some(key) = path.get(level) else {
        return Ok(());
    };
    let last = level + 1 == path.len();
    match node {
        Json::Object(members) => {
            let Some(key) = key else {
                return Ok(());
            };
            match members.iter().position(|(k, _)| k == key) {
                Some(i) if last => match edit {
                    Edit::Insert { .. } => {
                        return Err(PgError::new(
                            SqlState::INVALID_PARAMETER_VALUE,
                            "cannot replace existing key",
                        )
                        .with_hint("Try using the function jsonb_set to replace key value."));
                    }
                    Edit::Set { new, .. } => {
                        if let Some((_, v)) = members.get_mut(i) {
                            *v = new.clone();
                        }
                    }
                    Edit::Delete => {
                        members.remove(i);
                    }
                },
                Some(i) => {
                    if let Some((_, v)) = members.get_mut(i) {
                        walk(v, path, level + 1, edit)?;
                    }
                }
                None if last => {
                    if let Some(new) = edit.creates() {
                        members.push((key.clone(), new.clone()));
                    }
                }
                None => {}
            }
        }
        Json::Array(items) => {
            let len = items.len() as i64;
            let Some(idx) = array_index(key.as_deref(), level + 1, len)? else {
                return Ok(());
            };
            match usize::try_from(idx).ok().filter(|&i| i < items.len()) {
                Some(i) if last => match edit {
                    Edit::Set { new, .. } => items[i] = new.clone(),
                    Edit::Insert { new, after } => items.insert(i + after as usize, new.clone()),
                    Edit::Delete => {
                        items.remove(i);
                    }
                },
                Some(i) => walk(&mut items[i], path, level + 1, edit)?,
                None if last => {
                    if let Some(new) = edit.creates() {
                        if idx == i64::MIN {
                            items.insert(0, new.clone());
                        } else {
                            items.push(new.clone());
                        }
                    }
                }
                None => {}
            }
        }
        // A scalar inside the document ends the path unchanged.
        _ => {}
    }
    Ok(())
}

/// Runs one path edit: strict in its arguments, 22023 on a scalar document.
fn edit_at(
    doc: Option<Json>,
    path: Option<&str>,
    nulls_fail: bool,
    scalar_error: &str,
    edit: Edit,
) -> Result<Value, PgError> {
    let (Some(mut doc), Some(path)) = (doc, path) else {
        return Ok(Value::Null);
    };
    if !matches!(doc, Json::Object(_) | Json::Array(_)) {
        return Err(PgError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            scalar_error,
        ));
    }
    let path = path_elements(path, nulls_fail)?;
    walk(&mut doc, &path, 0, edit)?;
    doc.normalize();
    Ok(Value::Text(doc.to_jsonb_text()))
}

/// `pg_jsonb_set(doc, path, new, create_missing)`.
pub fn set(args: &[Value]) -> Result<Value, PgError> {
    put(args, false)
}

/// `pg_jsonb_insert(doc, path, new, insert_after)`.
pub fn insert(args: &[Value]) -> Result<Value, PgError> {
    put(args, true)
}

/// jsonb_set and jsonb_insert, whose fourth argument is create_missing or insert_after.
fn put(args: &[Value], insert: bool) -> Result<Value, PgError> {
    let Some(new) = jsonb(args, 2)? else {
        return Ok(Value::Null);
    };
    let flag = as_int(arg(args, 3))?.unwrap_or(0) != 0;
    let edit = match insert {
        true => Edit::Insert {
            new: &new,
            after: flag,
        },
        false => Edit::Set {
            new: &new,
            create: flag,
        },
    };
    let (doc, path) = (jsonb(args, 0)?, as_text(arg(args, 1))?);
    edit_at(doc, path, true, "cannot set path in scalar", edit)
}

/// `pg_jsonb_delete_path(doc, path)`: `#-`.
pub fn delete_path(args: &[Value]) -> Result<Value, PgError> {
    let path = as_text(arg(args, 1))?;
    edit_at(
        jsonb(args, 0)?,
        path,
        false,
        "cannot delete path in scalar",
        Edit::Delete,
    )
}

/// `pg_jsonb_delete_keys(doc, keys)`: `-` text[], each key from an object or each string
/// element from an array.
pub fn delete_keys(args: &[Value]) -> Result<Value, PgError> {
    let (Some(doc), Some(keys)) = (jsonb(args, 0)?, as_text(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    let keys: Vec<String> = path_elements(keys, false)?.into_iter().flatten().collect();
    let out = match doc {
        Json::Object(m) => Json::Object(m.into_iter().filter(|(k, _)| !keys.contains(k)).collect()),
        Json::Array(items) => Json::Array(
            items
                .into_iter()
                .filter(|i| !matches!(i, Json::String(s) if keys.contains(s)))
                .collect(),
        ),
        _ => {
            return Err(PgError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                "cannot delete from scalar",
            ));
        }
    };
    Ok(Value::Text(out.to_jsonb_text()))
}

/// `pg_jsonb_pretty(doc)`: one member per line, indented by four spaces.
pub fn pretty(args: &[Value]) -> Result<Value, PgError> {
    fn write(j: &Json, level: usize, out: &mut String) {
        let newline = |depth: usize, out: &mut String| {
            out.push('\n');
            out.push_str(&"    ".repeat(depth));
        };
        match j {
            Json::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(level + 1, out);
                    write(v, level + 1, out);
                }
                newline(level, out);
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(level + 1, out);
                    json::escape_into(k, out);
                    out.push_str(": ");
                    write(v, level + 1, out);
                }
                newline(level, out);
                out.push('}');
            }
            scalar => out.push_str(&scalar.to_jsonb_text()),
        }
    }
    let Some(doc) = jsonb(args, 0)? else {
        return Ok(Value::Null);
    };
    let mut out = String::new();
    write(&doc, 0, &mut out);
    Ok(Value::Text(out))
}
