//! FETCH and MOVE on a cursor, read from their tokens: sqlparser 0.63 has no MOVE and reads
//! FETCH only with an explicit count (`FETCH FROM c`, `FETCH FORWARD FROM c` fail there).

use devdb_pg::PgError;
use sqlparser::tokenizer::{Token, TokenWithSpan};

/// `FETCH|MOVE [direction] [FROM|IN] cursor`.
#[derive(Clone, Debug, PartialEq)]
pub struct Fetch {
    pub cursor: String,
    pub direction: Direction,
    /// MOVE: position the cursor, return no rows.
    pub move_only: bool,
}

/// Where a FETCH goes, normalized: NEXT is `Forward(Some(1))`, LAST `Absolute(-1)`, a count
/// of 0 `Relative(0)` (the current row).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Direction {
    /// The next rows; None: all of them.
    Forward(Option<u64>),
    /// The prior rows, nearest first; None: all of them.
    Backward(Option<u64>),
    /// Row n (1-based; negative counts from the end).
    Absolute(i64),
    /// The row n rows away from the current one.
    Relative(i64),
}

impl Direction {
    fn count(n: i64) -> Direction {
        match n {
            0 => Direction::Relative(0),
            n if n > 0 => Direction::Forward(Some(n.unsigned_abs())),
            n => Direction::Backward(Some(n.unsigned_abs())),
        }
    }
}

/// Reads `words` (the statement's tokens without whitespace, the first being FETCH or MOVE).
pub(crate) fn parse(sql: &str, words: &[&TokenWithSpan]) -> Result<Fetch, PgError> {
    let move_only = matches!(&words.first().map(|t| &t.token),
        Some(Token::Word(w)) if w.value.eq_ignore_ascii_case("move"));
    let mut at = 1;
    let keyword = |at: usize, k: &str| {
        matches!(words.get(at).map(|t| &t.token),
            Some(Token::Word(w)) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(k))
    };
    let number = |at: &mut usize| -> Option<i64> {
        let negative = matches!(words.get(*at).map(|t| &t.token), Some(Token::Minus));
        let start = *at + usize::from(negative);
        let Some(Token::Number(n, _)) = words.get(start).map(|t| &t.token) else {
            return None;
        };
        let n: i64 = n.parse().ok()?;
        *at = start + 1;
        Some(if negative { -n } else { n })
    };
    let error_at = |at: usize| match words.get(at) {
        Some(t) => crate::parse::syntax_error_at(sql, t),
        None => crate::parse::syntax_error_at(sql, &TokenWithSpan::wrap(Token::EOF)),
    };
    let direction = if keyword(at, "next") {
        at += 1;
        Direction::Forward(Some(1))
    } else if keyword(at, "prior") {
        at += 1;
        Direction::Backward(Some(1))
    } else if keyword(at, "first") {
        at += 1;
        Direction::Absolute(1)
    } else if keyword(at, "last") {
        at += 1;
        Direction::Absolute(-1)
    } else if keyword(at, "absolute") || keyword(at, "relative") {
        let absolute = keyword(at, "absolute");
        at += 1;
        let n = number(&mut at).ok_or_else(|| error_at(at))?;
        if absolute {
            Direction::Absolute(n)
        } else {
            Direction::Relative(n)
        }
    } else if keyword(at, "all") {
        at += 1;
        Direction::Forward(None)
    } else if keyword(at, "forward") || keyword(at, "backward") {
        let forward = keyword(at, "forward");
        at += 1;
        let n = if keyword(at, "all") {
            at += 1;
            None
        } else {
            Some(number(&mut at).unwrap_or(1))
        };
        match (forward, n) {
            (true, None) => Direction::Forward(None),
            (false, None) => Direction::Backward(None),
            (true, Some(n)) => Direction::count(n),
            (false, Some(n)) => Direction::count(n.saturating_neg()),
        }
    } else {
        match number(&mut at) {
            Some(n) => Direction::count(n),
            None => Direction::Forward(Some(1)),
        }
    };
    if keyword(at, "from") || keyword(at, "in") {
        at += 1;
    }
    let cursor = match words.get(at).map(|t| &t.token) {
        Some(Token::Word(w)) => crate::parse::fold_word(w),
        _ => return Err(error_at(at)),
    };
    if words.len() > at + 1 {
        return Err(error_at(at + 1));
    }
    Ok(Fetch {
        cursor,
        direction,
        move_only,
    })
}

#[cfg(test)]
mod tests;
