//! Where in the query text an error points (ErrorResponse's position, psql's `LINE 1:` and
//! caret), for the errors PostgreSQL places while it analyses a statement: an unknown column,
//! relation, type or function, and a literal its type does not accept.
//!
//! The translator works on parsed statements without their source locations, so the place is
//! found afterwards from the error's own words: the name or literal it quotes is looked up
//! among the query's tokens. Only a name or literal that occurs once gets a position; where it
//! occurs more than once the error keeps none rather than point at the wrong one.

use devdb_pg::{PgError, SqlState};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

/// `err` with the position of what it is about in `sql`, when that is found once there.
pub fn locate(sql: &str, mut err: PgError) -> PgError {
    if err.position.is_some() {
        return err;
    }
    let Some(target) = target(&err) else {
        return err;
    };
    let Ok(tokens) = Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize_with_location() else {
        return err;
    };
    let tokens: Vec<TokenWithSpan> = tokens
        .into_iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .collect();
    let mut found = (0..tokens.len()).filter(|&i| target.matches(&tokens, i));
    if let (Some(i), None) = (found.next(), found.next()) {
        let start = tokens[i].span.start;
        err.position = crate::parse::position(sql, start.line, start.column);
    }
    err
}

/// What an error is about, as it appears in the query.
enum Target {
    /// A name, possibly qualified (`a.b`), followed by `(` for a function.
    Name { parts: Vec<String>, call: bool },
    /// A column that may be written with or without its relation (`a.b` or `b`).
    Column { relation: String, name: String },
    /// A string literal with this text.
    Literal(String),
}

impl Target {
    /// Whether the tokens starting at `tokens[at]` spell it.
    fn matches(&self, tokens: &[TokenWithSpan], at: usize) -> bool {
        let rest = &tokens[at..];
        match self {
            Target::Column { relation, name } => {
                let qualified = Target::Name {
                    parts: vec![relation.clone(), name.clone()],
                    call: false,
                };
                let after_period = at > 0 && tokens[at - 1].token == Token::Period;
                qualified.matches(tokens, at) || (!after_period && names(&rest[0].token, name))
            }
            Target::Literal(text) => {
                matches!(&rest[0].token, Token::SingleQuotedString(s) if s == text)
            }
            Target::Name { parts, call } => {
                let mut rest = rest.iter().map(|t| &t.token);
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 && rest.next() != Some(&Token::Period) {
                        return false;
                    }
                    if !rest.next().is_some_and(|t| names(t, part)) {
                        return false;
                    }
                }
                !call || rest.next() == Some(&Token::LParen)
            }
        }
    }
}

/// Whether token `t` is an identifier that PostgreSQL reads as `name`.
fn names(t: &Token, name: &str) -> bool {
    match t {
        Token::Word(w) if w.quote_style.is_none() => w.value.to_lowercase() == name,
        Token::Word(w) => w.value == name,
        _ => false,
    }
}

/// The name or literal `err`'s message quotes, for the errors PostgreSQL places.
fn target(err: &PgError) -> Option<Target> {
    let m = err.message.as_str();
    let quoted = |prefix: &str, suffix: &str| {
        m.strip_prefix(prefix)?
            .strip_suffix(suffix)
            .map(|s| s.trim_matches('"').to_owned())
    };
    let name = |text: String, call: bool| Target::Name {
        parts: text.split('.').map(str::to_owned).collect(),
        call,
    };
    match err.code {
        SqlState::UNDEFINED_COLUMN => {
            // `column "x" does not exist`, `column t.x does not exist`
            let text = quoted("column ", " does not exist")?;
            (!text.contains(' ')).then(|| name(text, false))
        }
        SqlState::GROUPING_ERROR => {
            let text = quoted(
                "column ",
                " must appear in the GROUP BY clause or be used in an aggregate function",
            )?;
            let (relation, name) = text.split_once('.')?;
            Some(Target::Column {
                relation: relation.to_owned(),
                name: name.to_owned(),
            })
        }
        SqlState::UNDEFINED_TABLE => quoted("relation ", " does not exist").map(|t| name(t, false)),
        SqlState::UNDEFINED_OBJECT => quoted("type ", " does not exist").map(|t| name(t, false)),
        SqlState::UNDEFINED_FUNCTION => {
            let signature = m
                .strip_prefix("function ")?
                .strip_suffix(" does not exist")?;
            let (function, _) = signature.split_once('(')?;
            Some(name(function.to_owned(), true))
        }
        SqlState::INVALID_TEXT_REPRESENTATION
        | SqlState::INVALID_DATETIME_FORMAT
        | SqlState::DATETIME_FIELD_OVERFLOW
        | SqlState::NUMERIC_VALUE_OUT_OF_RANGE => {
            // `invalid input syntax for type integer: "abc"`, `value "x" is out of range ...`
            let start = m.find('"')?;
            let end = m.rfind('"')?;
            (end > start).then(|| Target::Literal(m[start + 1..end].to_owned()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn position(sql: &str, err: PgError) -> Option<u32> {
        locate(sql, err).position
    }

    #[test]
    fn names_and_literals_are_placed_where_they_occur_once() {
        let column = || PgError::undefined_column("nosuch");
        assert_eq!(position("select nosuch from t", column()), Some(8));
        assert_eq!(position("select \"nosuch\" from t", column()), Some(8));
        assert_eq!(position("select NoSuch from t", column()), Some(8));
        assert_eq!(position("select nosuch, nosuch from t", column()), None);
        let table = PgError::undefined_table("nowhere");
        assert_eq!(position("select 1 from\n  nowhere", table), Some(17));
        let function = PgError::undefined_function("f(integer)");
        assert_eq!(position("select f + f(1) from t", function), Some(12));
        let literal = PgError::new(
            SqlState::INVALID_TEXT_REPRESENTATION,
            "invalid input syntax for type integer: \"abc\"",
        );
        assert_eq!(position("select 'abc'::int", literal), Some(8));
        let grouping = || {
            PgError::new(
                SqlState::GROUPING_ERROR,
                "column \"a.id\" must appear in the GROUP BY clause or be used in an aggregate function",
            )
        };
        assert_eq!(position("select id from a group by v", grouping()), Some(8));
        assert_eq!(
            position("select a.id from a group by v", grouping()),
            Some(8)
        );
        assert_eq!(
            position("select b.id, a.id from a, b group by v", grouping()),
            Some(14)
        );
    }

    #[test]
    fn other_errors_and_placed_ones_are_left_alone() {
        let placed = PgError::syntax_error("syntax error at or near \"x\"", Some(3));
        assert_eq!(position("select x x x", placed), Some(3));
        let division = PgError::new(SqlState::DIVISION_BY_ZERO, "division by zero");
        assert_eq!(position("select 1/0", division), None);
    }
}
