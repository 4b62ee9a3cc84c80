//! format() and quote_literal/quote_nullable, over the text output of their arguments.

use devdb_pg::{PgError, SqlState, Value};

use super::{arg, as_text};
use crate::system::functions::quote_ident;

/// PostgreSQL's quote_literal: single quotes doubled, and `E'...'` with doubled backslashes
/// when there are any.
fn quote_literal_text(s: &str) -> String {
    let quoted = s.replace('\'', "''");
    if s.contains('\\') {
        format!("E'{}'", quoted.replace('\\', "\\\\"))
    } else {
        format!("'{quoted}'")
    }
}

/// `pg_quote_literal(text)`: strict.
pub fn quote_literal(a: &[Value]) -> Result<Value, PgError> {
    Ok(text_of(arg(a, 0))?.map_or(Value::Null, |s| Value::Text(quote_literal_text(&s))))
}

/// `pg_quote_nullable(text)`: `NULL` for NULL.
pub fn quote_nullable(a: &[Value]) -> Result<Value, PgError> {
    Ok(Value::Text(text_of(arg(a, 0))?.map_or_else(
        || "NULL".to_owned(),
        |s| quote_literal_text(&s),
    )))
}

/// An argument's text output (integers arrive as themselves).
fn text_of(v: &Value) -> Result<Option<String>, PgError> {
    Ok(match v {
        Value::Int(i) => Some(i.to_string()),
        other => as_text(other)?.map(str::to_owned),
    })
}

fn format_error(message: &str) -> PgError {
    PgError::new(SqlState::INVALID_PARAMETER_VALUE, message)
}

/// `pg_format(template, arg...)`: `%s`, `%I`, `%L` and `%%`, with `n$` positions, the `-` flag
/// and a width; the arguments arrive as their text output.
pub fn format(a: &[Value]) -> Result<Value, PgError> {
    let Some(template) = as_text(arg(a, 0))? else {
        return Ok(Value::Null);
    };
    let args = &a[1.min(a.len())..];
    let mut out = String::new();
    let mut next = 0usize;
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            out.push('%');
            continue;
        }
        let mut digits = String::new();
        while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
            digits.push(d);
            chars.next();
        }
        let mut position = None;
        if chars.peek() == Some(&'$') && !digits.is_empty() {
            chars.next();
            let n: usize = digits
                .parse()
                .map_err(|_| format_error("argument number is out of range"))?;
            if n == 0 {
                return Err(format_error(
                    "format specifies argument 0, but arguments are numbered from 1",
                ));
            }
            position = Some(n - 1);
            digits.clear();
        }
        let left = chars.peek() == Some(&'-');
        if left {
            chars.next();
        }
        while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
            digits.push(d);
            chars.next();
        }
        let width: usize = if digits.is_empty() {
            0
        } else {
            digits.parse().unwrap_or(0)
        };
        let kind = chars
            .next()
            .ok_or_else(|| format_error("unterminated format() type specifier"))?;
        let index = position.unwrap_or(next);
        next = index + 1;
        let value = args
            .get(index)
            .ok_or_else(|| format_error("too few arguments for format()"))?;
        let value = text_of(value)?;
        let text = match kind {
            's' => value.unwrap_or_default(),
            'I' => quote_ident(&value.ok_or_else(|| {
                PgError::new(
                    SqlState::NULL_VALUE_NOT_ALLOWED,
                    "null values cannot be formatted as an SQL identifier",
                )
            })?),
            'L' => value.map_or_else(|| "NULL".to_owned(), |s| quote_literal_text(&s)),
            other => {
                return Err(format_error(&format!(
                    "unrecognized format() type specifier \"{other}\""
                ))
                .with_hint("For a single \"%\" use \"%%\"."));
            }
        };
        let pad = width.saturating_sub(text.chars().count());
        if left {
            out.push_str(&text);
            out.extend(std::iter::repeat_n(' ', pad));
        } else {
            out.extend(std::iter::repeat_n(' ', pad));
            out.push_str(&text);
        }
    }
    Ok(Value::Text(out))
}
