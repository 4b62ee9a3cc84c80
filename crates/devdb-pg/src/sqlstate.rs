use std::fmt;

/// A five-character SQLSTATE, such as `42P01`. The constants (`SqlState::UNDEFINED_TABLE`, ...)
/// are generated from PostgreSQL's own list by `cargo xtask codegen`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SqlState(pub(crate) &'static str);

impl SqlState {
    /// The code as sent in an ErrorResponse's `C` field.
    pub fn code(self) -> &'static str {
        self.0
    }
}

impl fmt::Debug for SqlState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Display for SqlState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}
