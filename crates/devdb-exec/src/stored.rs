//! How a stored value goes into SQLite: devdb's `Value` is already in the stored form (see
//! `devdb_pg::value`), so this only picks SQLite's storage class. Also part of the build script.

use devdb_pg::Value;
use rusqlite::types::Value as SqlValue;

/// The SQLite value for a stored `value`. NaN is stored as text: SQLite turns a NaN real into
/// NULL.
pub fn to_sqlite(value: Value) -> SqlValue {
    match value {
        Value::Null => SqlValue::Null,
        Value::Int(v) => SqlValue::Integer(v),
        Value::Float(v) if v.is_nan() => SqlValue::Text(devdb_pg::value::FLOAT_NAN.to_owned()),
        Value::Float(v) => SqlValue::Real(v),
        Value::Text(v) => SqlValue::Text(v),
        Value::Blob(v) => SqlValue::Blob(v),
    }
}
