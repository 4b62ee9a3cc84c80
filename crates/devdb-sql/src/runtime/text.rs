//! Text functions with PostgreSQL's semantics: case-sensitive LIKE with a backslash escape,
//! Unicode-aware case mapping, character-based substrings.

use devdb_pg::{PgError, SqlState, Value};

use super::{arg, as_int, as_text};

/// Results larger than this are refused, as PostgreSQL refuses values over 1 GB.
const MAX_LEN: usize = 1 << 30;

fn too_large() -> PgError {
    PgError::new(
        SqlState::PROGRAM_LIMIT_EXCEEDED,
        "requested length too large",
    )
}

enum Token {
    Char(char),
    One,
    Any,
}

fn tokens(pattern: &str, escape: Option<char>) -> Result<Vec<Token>, PgError> {
    let mut out = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        out.push(match c {
            c if Some(c) == escape => match chars.next() {
                Some(next) => Token::Char(next),
                None => {
                    return Err(PgError::new(
                        SqlState::INVALID_ESCAPE_SEQUENCE,
                        "LIKE pattern must not end with escape character",
                    ));
                }
            },
            '%' => Token::Any,
            '_' => Token::One,
            c => Token::Char(c),
        });
    }
    Ok(out)
}

/// Wildcard matching with backtracking to the last `%` (linear in practice).
fn matches(text: &[char], pattern: &[Token]) -> bool {
    let (mut t, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(Token::Any) => {
                star = Some((p, t));
                p += 1;
            }
            Some(Token::One) => {
                t += 1;
                p += 1;
            }
            Some(Token::Char(c)) if text.get(t) == Some(c) => {
                t += 1;
                p += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern.iter().skip(p).all(|tok| matches!(tok, Token::Any))
}

/// The escape argument of LIKE and SIMILAR TO (the third): backslash when absent, none when
/// empty; None when it is NULL.
pub fn escape_arg(args: &[Value]) -> Result<Option<Option<char>>, PgError> {
    let Some(v) = args.get(2) else {
        return Ok(Some(Some('\\')));
    };
    let Some(e) = as_text(v)? else {
        return Ok(None);
    };
    let mut chars = e.chars();
    match (chars.next(), chars.next()) {
        (None, _) => Ok(Some(None)),
        (Some(c), None) => Ok(Some(Some(c))),
        _ => Err(
            PgError::new(SqlState::INVALID_ESCAPE_SEQUENCE, "invalid escape string")
                .with_hint("Escape string must be empty or one character."),
        ),
    }
}

fn like_impl(args: &[Value], fold: bool) -> Result<Value, PgError> {
    let (Some(text), Some(pattern)) = (as_text(arg(args, 0))?, as_text(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    let Some(escape) = escape_arg(args)? else {
        return Ok(Value::Null);
    };
    let (text, pattern) = if fold {
        (text.to_lowercase(), pattern.to_lowercase())
    } else {
        (text.to_owned(), pattern.to_owned())
    };
    let text: Vec<char> = text.chars().collect();
    Ok(Value::Int(matches(&text, &tokens(&pattern, escape)?) as i64))
}

pub fn like(args: &[Value]) -> Result<Value, PgError> {
    like_impl(args, false)
}

pub fn ilike(args: &[Value]) -> Result<Value, PgError> {
    like_impl(args, true)
}

pub fn lower(args: &[Value]) -> Result<Value, PgError> {
    Ok(as_text(arg(args, 0))?
        .map(|s| Value::Text(s.to_lowercase()))
        .unwrap_or(Value::Null))
}

pub fn upper(args: &[Value]) -> Result<Value, PgError> {
    Ok(as_text(arg(args, 0))?
        .map(|s| Value::Text(s.to_uppercase()))
        .unwrap_or(Value::Null))
}

pub fn octet_length(args: &[Value]) -> Result<Value, PgError> {
    Ok(as_text(arg(args, 0))?
        .map(|s| Value::Int(s.len() as i64))
        .unwrap_or(Value::Null))
}

/// substr(text, from [, count]) counts characters from 1; positions before 1 still use up
/// the count, and a negative count is an error.
/// substr(text or bytea, from[, count]): characters of text, bytes of bytea.
pub fn substr(args: &[Value]) -> Result<Value, PgError> {
    let source = arg(args, 0);
    if matches!(source, Value::Null) {
        return Ok(Value::Null);
    }
    let Some(from) = as_int(arg(args, 1))? else {
        return Ok(Value::Null);
    };
    let end = match args.get(2) {
        None => i64::MAX,
        Some(v) => match as_int(v)? {
            None => return Ok(Value::Null),
            Some(n) if n < 0 => {
                return Err(PgError::new(
                    SqlState::SUBSTRING_ERROR,
                    "negative substring length not allowed",
                ));
            }
            Some(n) => from.saturating_add(n),
        },
    };
    let start = from.max(1);
    let kept = |i: usize| {
        let pos = i as i64 + 1;
        pos >= start && pos < end
    };
    Ok(match source {
        Value::Blob(b) => Value::Blob(
            b.iter()
                .enumerate()
                .filter(|(i, _)| kept(*i))
                .map(|(_, b)| *b)
                .collect(),
        ),
        other => Value::Text(
            as_text(other)?
                .unwrap_or_default()
                .chars()
                .enumerate()
                .filter(|(i, _)| kept(*i))
                .map(|(_, c)| c)
                .collect(),
        ),
    })
}

pub fn left(args: &[Value]) -> Result<Value, PgError> {
    let (Some(s), Some(n)) = (as_text(arg(args, 0))?, as_int(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    let len = s.chars().count() as i64;
    let take = if n >= 0 {
        n.min(len)
    } else {
        len.saturating_add(n).max(0)
    };
    Ok(Value::Text(s.chars().take(take as usize).collect()))
}

pub fn right(args: &[Value]) -> Result<Value, PgError> {
    let (Some(s), Some(n)) = (as_text(arg(args, 0))?, as_int(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    let len = s.chars().count() as i64;
    let skip = if n >= 0 {
        len.saturating_sub(n).max(0)
    } else {
        n.saturating_neg().min(len)
    };
    Ok(Value::Text(s.chars().skip(skip as usize).collect()))
}

pub fn repeat(args: &[Value]) -> Result<Value, PgError> {
    let (Some(s), Some(n)) = (as_text(arg(args, 0))?, as_int(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    let n = usize::try_from(n).unwrap_or(0);
    if s.len().saturating_mul(n) > MAX_LEN {
        return Err(too_large());
    }
    Ok(Value::Text(s.repeat(n)))
}

/// bit_length(text) and bit_length(bytea).
pub fn bit_length(args: &[Value]) -> Result<Value, PgError> {
    Ok(match super::as_bytes(arg(args, 0))? {
        Some(b) => Value::Int(b.len() as i64 * 8),
        None => Value::Null,
    })
}
