//! min() and max() of the types SQLite compares through a devdb collation (numeric, interval,
//! citext). Among values that compare equal (`1.5` and `1.50`, `Bob` and `bob`), PostgreSQL's
//! smaller/larger functions keep the last one read, where SQLite's min and max keep the first.

use std::borrow::Cow;
use std::cmp::Ordering;

use devdb_pg::value::{citext, interval, numeric};
use devdb_pg::{PgError, Value};

use super::arg;

/// `pg_collated_min(value, collation)`.
pub fn min(rows: Vec<Vec<Value>>) -> Result<Value, PgError> {
    extreme(rows, Ordering::Less)
}

/// `pg_collated_max(value, collation)`.
pub fn max(rows: Vec<Vec<Value>>) -> Result<Value, PgError> {
    extreme(rows, Ordering::Greater)
}

/// The value that compares `keep` against every other, the last read among equals.
fn extreme(rows: Vec<Vec<Value>>, keep: Ordering) -> Result<Value, PgError> {
    let mut best = Value::Null;
    for row in rows {
        let value = arg(&row, 0);
        if *value == Value::Null {
            continue;
        }
        let cmp = match arg(&row, 1) {
            Value::Text(c) if c == numeric::COLLATION => numeric::cmp_text,
            Value::Text(c) if c == interval::COLLATION => interval::cmp_text,
            Value::Text(c) if c == citext::COLLATION => citext::cmp_text,
            other => {
                return Err(PgError::internal(format!(
                    "no comparison for collation {other:?}"
                )));
            }
        };
        if best == Value::Null || cmp(&text(value), &text(&best)) != keep.reverse() {
            best = value.clone();
        }
    }
    Ok(best)
}

/// A stored value as the collation compares it (numerics of older tables are integers or reals).
fn text(v: &Value) -> Cow<'_, str> {
    match v {
        Value::Text(t) => Cow::Borrowed(t),
        Value::Int(i) => Cow::Owned(i.to_string()),
        Value::Float(f) => Cow::Owned(f.to_string()),
        other => Cow::Owned(format!("{other:?}")),
    }
}
