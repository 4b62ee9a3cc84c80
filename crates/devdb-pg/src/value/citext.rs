//! The citext extension's type: text that compares case-insensitively. Values are stored as
//! written, in TEXT columns with the `pg_citext` collation, which compares them as citext_cmp
//! does: lower-cased, then bytewise (the C.UTF-8 order devdb matches).

use std::cmp::Ordering;

/// The SQLite collation that compares citext values.
pub const COLLATION: &str = "pg_citext";

/// citext's comparison: `lower(a)` against `lower(b)`.
pub fn cmp_text(a: &str, b: &str) -> Ordering {
    a.to_lowercase().cmp(&b.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_without_case() {
        assert_eq!(cmp_text("Alice", "aLICE"), Ordering::Equal);
        assert_eq!(cmp_text("É", "é"), Ordering::Equal);
        assert_eq!(cmp_text("a", "B"), Ordering::Less);
        assert_eq!(cmp_text("b", "A"), Ordering::Greater);
    }
}
