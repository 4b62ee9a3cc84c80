//! SQLite's pre-update hook, through its C API.
//!
//! rusqlite wraps the hook only when its bindings are generated at build time, which needs
//! libclang; the bundled SQLite is built with the hook instead (`SQLITE_ENABLE_PREUPDATE_HOOK`
//! in `.cargo/config.toml`) and libsqlite3-sys's prebuilt bindings declare its functions. This
//! is one of the workspace's two modules with unsafe code (`query_plan` is the other).
#![allow(unsafe_code)]

use std::ffi::{CStr, c_char, c_int, c_void};
use std::sync::Arc;

use rusqlite::Connection;
use rusqlite::ffi;
use rusqlite::types::Value;

use crate::functions::FunctionState;

/// One row change, seen before SQLite makes it.
pub(crate) enum RowChange {
    Insert {
        rowid: i64,
        values: Vec<Value>,
    },
    Delete {
        rowid: i64,
    },
    /// `old` and `new` differ when the statement changes an INTEGER PRIMARY KEY.
    Update {
        old: i64,
        new: i64,
        values: Vec<Value>,
        changed: Columns,
    },
}

/// A set of a table's columns by position; a column past the 64th stands for all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Columns(u64);

impl Columns {
    pub const ALL: Columns = Columns(u64::MAX);
    pub const NONE: Columns = Columns(0);

    /// The bit of `column`; None past the 64th.
    fn bit(column: usize) -> Option<u64> {
        u32::try_from(column).ok().and_then(|c| 1u64.checked_shl(c))
    }

    pub fn with(self, column: usize) -> Columns {
        match Self::bit(column) {
            Some(bit) => Columns(self.0 | bit),
            None => Columns::ALL,
        }
    }

    pub fn union(self, other: Columns) -> Columns {
        Columns(self.0 | other.0)
    }

    pub fn contains(self, column: usize) -> bool {
        match Self::bit(column) {
            Some(bit) => self.0 & bit != 0,
            None => self == Columns::ALL,
        }
    }
}

/// Records every row change made on `conn` into `state.changes`.
///
/// The hook reads `state` through a plain pointer. It stays valid as long as the connection:
/// the connection's SQL functions own clones of the same `Arc` (`functions::register`), and
/// SQLite releases them only when it closes the connection, after which no hook runs.
pub(crate) fn record_changes(conn: &Connection, state: &Arc<FunctionState>) {
    // SAFETY: `conn.handle()` is the live connection, used on this thread only; the context
    // pointer outlives every call of the hook (see above).
    unsafe {
        ffi::sqlite3_preupdate_hook(
            conn.handle(),
            Some(hook),
            Arc::as_ptr(state).cast_mut().cast::<c_void>(),
        );
    }
}

unsafe extern "C" fn hook(
    context: *mut c_void,
    db: *mut ffi::sqlite3,
    op: c_int,
    schema: *const c_char,
    table: *const c_char,
    old: i64,
    new: i64,
) {
    // SAFETY: `context` is the `FunctionState` given in `record_changes`; SQLite passes valid
    // NUL-terminated names and calls this only while the change is being made.
    let (state, schema, table) = unsafe {
        (
            &*context.cast::<FunctionState>().cast_const(),
            CStr::from_ptr(schema),
            CStr::from_ptr(table),
        )
    };
    let (Ok(schema), Ok(table)) = (schema.to_str(), table.to_str()) else {
        return;
    };
    state.last_change.store(
        crate::functions::change_mark(table.as_bytes(), op == ffi::SQLITE_UPDATE),
        std::sync::atomic::Ordering::Relaxed,
    );
    // A panic must not unwind into SQLite.
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let Some(mut changes) = super::changes::from_callback(&state.changes) else {
            return;
        };
        // Values are copied only for the changes that are kept: a log's write-back and
        // devdb's own tables record nothing.
        if !changes.records(schema, table) {
            return;
        }
        let change = match op {
            ffi::SQLITE_INSERT => RowChange::Insert {
                rowid: new,
                values: new_values(db),
            },
            ffi::SQLITE_DELETE => RowChange::Delete { rowid: old },
            ffi::SQLITE_UPDATE => {
                let values = new_values(db);
                RowChange::Update {
                    old,
                    new,
                    changed: changed_columns(db, &values),
                    values,
                }
            }
            _ => return,
        };
        changes.record(schema, table, change);
    }));
}

/// The row's values after the change, every column in table order.
fn new_values(db: *mut ffi::sqlite3) -> Vec<Value> {
    // SAFETY: called from the hook of `db`, where the pre-update accessors are valid.
    let n = unsafe { ffi::sqlite3_preupdate_count(db) };
    (0..n)
        .map(|i| {
            let mut value = std::ptr::null_mut();
            // SAFETY: as above, for column `i` < count.
            let rc = unsafe { ffi::sqlite3_preupdate_new(db, i, &mut value) };
            if rc == ffi::SQLITE_OK && !value.is_null() {
                // SAFETY: SQLite gave a valid protected value.
                unsafe { owned(value) }
            } else {
                Value::Null
            }
        })
        .collect()
}

/// The columns whose new value differs from the old one, so that writing the row back sets
/// only those (an unchanged key column then costs no index work).
fn changed_columns(db: *mut ffi::sqlite3, new: &[Value]) -> Columns {
    new.iter()
        .enumerate()
        .fold(Columns::NONE, |changed, (i, value)| {
            let Ok(column) = c_int::try_from(i) else {
                return Columns::ALL;
            };
            let mut old = std::ptr::null_mut();
            // SAFETY: called from the hook of `db` on an UPDATE, where the old values are readable
            // for every column < count.
            let rc = unsafe { ffi::sqlite3_preupdate_old(db, column, &mut old) };
            // SAFETY: SQLite gave a valid protected value.
            if rc != ffi::SQLITE_OK || old.is_null() || !unsafe { equals(old, value) } {
                changed.with(i)
            } else {
                changed
            }
        })
}

/// Whether an SQLite value is `value`: same storage class, same contents.
///
/// # Safety
/// `sqlite` must be a valid `sqlite3_value` for the duration of the call.
unsafe fn equals(sqlite: *mut ffi::sqlite3_value, value: &Value) -> bool {
    // SAFETY: the caller's promise; text and blob pointers are valid for `bytes` bytes.
    unsafe {
        match (ffi::sqlite3_value_type(sqlite), value) {
            (ffi::SQLITE_NULL, Value::Null) => true,
            (ffi::SQLITE_INTEGER, Value::Integer(i)) => ffi::sqlite3_value_int64(sqlite) == *i,
            (ffi::SQLITE_FLOAT, Value::Real(f)) => {
                ffi::sqlite3_value_double(sqlite).to_bits() == f.to_bits()
            }
            (ffi::SQLITE_TEXT, Value::Text(text)) => {
                bytes(ffi::sqlite3_value_text(sqlite), sqlite) == text.as_bytes()
            }
            (ffi::SQLITE_BLOB, Value::Blob(blob)) => {
                bytes(ffi::sqlite3_value_blob(sqlite).cast(), sqlite) == blob.as_slice()
            }
            _ => false,
        }
    }
}

/// The bytes of a text or blob value whose data pointer SQLite just returned.
///
/// # Safety
/// `data` must be the value's text or blob pointer, read just before.
unsafe fn bytes<'v>(data: *const u8, sqlite: *mut ffi::sqlite3_value) -> &'v [u8] {
    // SAFETY: the caller's promise; SQLite's pointer is valid for `bytes` bytes.
    unsafe {
        let len = usize::try_from(ffi::sqlite3_value_bytes(sqlite)).unwrap_or(0);
        if data.is_null() || len == 0 {
            &[]
        } else {
            std::slice::from_raw_parts(data, len)
        }
    }
}

/// Copies an SQLite value.
///
/// # Safety
/// `value` must be a valid `sqlite3_value` for the duration of the call.
unsafe fn owned(value: *mut ffi::sqlite3_value) -> Value {
    // SAFETY: the caller's promise; text and blob pointers are read just before `bytes`,
    // and copied at once.
    unsafe {
        match ffi::sqlite3_value_type(value) {
            ffi::SQLITE_INTEGER => Value::Integer(ffi::sqlite3_value_int64(value)),
            ffi::SQLITE_FLOAT => Value::Real(ffi::sqlite3_value_double(value)),
            ffi::SQLITE_TEXT => {
                let text = bytes(ffi::sqlite3_value_text(value), value);
                Value::Text(String::from_utf8_lossy(text).into_owned())
            }
            ffi::SQLITE_BLOB => {
                Value::Blob(bytes(ffi::sqlite3_value_blob(value).cast(), value).to_vec())
            }
            _ => Value::Null,
        }
    }
}
