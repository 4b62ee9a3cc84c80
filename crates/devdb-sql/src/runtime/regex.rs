//! Regular-expression matching for `~` and friends. PostgreSQL's advanced regular expressions
//! and the regex crate's syntax agree on the common ground (classes, anchors, groups,
//! alternation, quantifiers); patterns outside it are reported, not guessed at.

use std::cell::RefCell;
use std::collections::HashMap;

use devdb_pg::{PgError, SqlState, Value};
use regex::{Regex, RegexBuilder};

thread_local! {
    /// Compiled patterns: a catalog query matches every row against the same one.
    static CACHE: RefCell<HashMap<(String, bool), Regex>> = RefCell::new(HashMap::new());
}

/// The most patterns kept compiled per thread.
const CACHE_LIMIT: usize = 256;

/// pg_regex_match(text, pattern, case_insensitive).
pub fn regex_match(args: &[Value]) -> Result<Value, PgError> {
    let (Some(Value::Text(text)), Some(Value::Text(pattern))) = (args.first(), args.get(1)) else {
        return Ok(Value::Null);
    };
    let insensitive = matches!(args.get(2), Some(Value::Int(1)));
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        let key = (pattern.clone(), insensitive);
        if !cache.contains_key(&key) {
            let regex = RegexBuilder::new(pattern)
                .case_insensitive(insensitive)
                .build()
                .map_err(|e| {
                    PgError::new(
                        SqlState::INVALID_REGULAR_EXPRESSION,
                        format!("invalid regular expression: {e}"),
                    )
                })?;
            if cache.len() >= CACHE_LIMIT {
                cache.clear();
            }
            cache.insert(key.clone(), regex);
        }
        let matched = cache.get(&key).is_some_and(|r| r.is_match(text));
        Ok(Value::Int(matched as i64))
    })
}
