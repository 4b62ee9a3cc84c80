//! Lifting integer literals out of simple-protocol statements, so statements that differ only in
//! such numbers (`... WHERE aid = 12345`, as pgbench and hand-written clients send them) share
//! one parse, one translation and one SQLite prepared statement.
//!
//! Only what cannot change meaning is lifted: integer literals (that fit int8) right after an
//! arithmetic or comparison operator, in one SELECT, INSERT, UPDATE, DELETE or WITH statement.
//! Such a literal is a constant of type int4 (int8 when it does not fit), which is exactly what
//! a parameter of that declared type is. Literals after `(` or `,` stay (they may be ORDER BY
//! positions or function arguments the translator reads), and so does everything else.

use devdb_pg::{PgType, Value};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

/// A statement with its integer literals replaced by `$1..$n`.
#[derive(Clone, Debug, PartialEq)]
pub struct Lifted {
    pub sql: String,
    /// The type of each parameter, as the literal's own type.
    pub types: Vec<Option<PgType>>,
    pub values: Vec<Value>,
}

/// Lifts `sql`'s eligible integer literals, or None when there is nothing to lift.
pub fn lift(sql: &str) -> Option<Lifted> {
    let tokens = Tokenizer::new(&PostgreSqlDialect {}, sql)
        .tokenize_with_location()
        .ok()?;
    let first_word = tokens.iter().find_map(|t| match &t.token {
        Token::Whitespace(_) => None,
        Token::Word(w) => Some(w.value.to_ascii_lowercase()),
        _ => Some(String::new()),
    })?;
    if !matches!(
        first_word.as_str(),
        "select" | "insert" | "update" | "delete" | "with"
    ) {
        return None;
    }
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(sql.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    // Byte offset of a 1-based line and character column.
    let offset = |line: u64, column: u64| -> Option<usize> {
        let start = *line_starts.get(usize::try_from(line).ok()?.checked_sub(1)?)?;
        let column = usize::try_from(column).ok()?.checked_sub(1)?;
        match sql.get(start..)?.char_indices().nth(column) {
            Some((i, _)) => Some(start + i),
            None => Some(sql.len()),
        }
    };
    let mut out = String::with_capacity(sql.len());
    let mut copied = 0;
    let mut types = Vec::new();
    let mut values = Vec::new();
    let mut previous: Option<&Token> = None;
    let mut ended = false;
    for token in &tokens {
        match &token.token {
            // One statement only: parameters are numbered across the whole text.
            Token::SemiColon => ended = true,
            Token::Whitespace(_) | Token::EOF => {}
            _ if ended => return None,
            // The client's own `$n` would collide with the lifted ones (and must fail 42P02).
            Token::Placeholder(_) => return None,
            _ => {}
        }
        if let Token::Number(digits, false) = &token.token
            && previous.is_some_and(is_operator)
            && digits.bytes().all(|b| b.is_ascii_digit())
            && let Ok(value) = digits.parse::<i64>()
        {
            let start = offset(token.span.start.line, token.span.start.column)?;
            let end = start + digits.len();
            if sql.get(start..end) != Some(digits.as_str()) {
                return None;
            }
            out.push_str(sql.get(copied..start)?);
            values.push(Value::Int(value));
            types.push(Some(if i32::try_from(value).is_ok() {
                PgType::Int4
            } else {
                PgType::Int8
            }));
            out.push_str(&format!("${}", values.len()));
            copied = end;
        }
        if !matches!(token.token, Token::Whitespace(_)) {
            previous = Some(&token.token);
        }
    }
    if values.is_empty() {
        return None;
    }
    out.push_str(sql.get(copied..)?);
    Some(Lifted {
        sql: out,
        types,
        values,
    })
}

fn is_operator(token: &Token) -> bool {
    matches!(
        token,
        Token::Eq
            | Token::DoubleEq
            | Token::Neq
            | Token::Lt
            | Token::Gt
            | Token::LtEq
            | Token::GtEq
            | Token::Plus
            | Token::Minus
            | Token::Mul
            | Token::Div
            | Token::Mod
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pgbench_statements_share_one_text() {
        let a = lift("SELECT abalance FROM pgbench_accounts WHERE aid = 12345;").expect("lifted");
        let b = lift("SELECT abalance FROM pgbench_accounts WHERE aid = 99;").expect("lifted");
        assert_eq!(a.sql, b.sql);
        assert_eq!(
            a.sql,
            "SELECT abalance FROM pgbench_accounts WHERE aid = $1;"
        );
        assert_eq!(a.values, vec![Value::Int(12345)]);
        assert_eq!(a.types, vec![Some(PgType::Int4)]);
        let u = lift("UPDATE pgbench_accounts SET abalance = abalance + -4506 WHERE aid = 3")
            .expect("lifted");
        assert_eq!(
            u.sql,
            "UPDATE pgbench_accounts SET abalance = abalance + -$1 WHERE aid = $2"
        );
        assert_eq!(u.values, vec![Value::Int(4506), Value::Int(3)]);
    }

    #[test]
    fn literals_whose_meaning_depends_on_their_place_stay() {
        for sql in [
            "select a from t order by 1, 2",
            "select a, count(*) from t group by 1",
            "select * from t limit 10 offset 5",
            "select round(x, 2) from t",
            "insert into t values (1, 2)",
            "select x from t where x = 1.5",
            "select x from t where s = '5'",
            "set statement_timeout = 5",
            "select 1; select x from t where x = 2",
            "create table t (x int default 5)",
            "select $1 + 5",
            "select x from t where x = 2 and y = $1",
        ] {
            assert_eq!(lift(sql), None, "{sql}");
        }
    }

    #[test]
    fn the_rest_of_the_text_is_kept_byte_for_byte() {
        let l = lift("select 'it''s', E'a\\n', $$x$$ -- note\nfrom t where \"Id\" = 7")
            .expect("lifted");
        assert_eq!(
            l.sql,
            "select 'it''s', E'a\\n', $$x$$ -- note\nfrom t where \"Id\" = $1"
        );
        let l = lift("select 'é' from t where x >= 12").expect("lifted");
        assert_eq!(l.sql, "select 'é' from t where x >= $1");
    }

    #[test]
    fn large_literals_are_int8_and_huge_ones_stay() {
        let l = lift("select x from t where x = 3000000000").expect("lifted");
        assert_eq!(l.types, vec![Some(PgType::Int8)]);
        assert_eq!(lift("select x from t where x = 99999999999999999999"), None);
    }
}
