//! Lifting integer literals out of simple-protocol statements, so statements that differ only in
//! such numbers (`... WHERE aid = 12345`, as pgbench and hand-written clients send them) share
//! one parse, one translation and one SQLite prepared statement.
//!
//! Only what cannot change meaning is lifted: integer literals (that fit int8) right after an
//! arithmetic or comparison operator, in one SELECT, INSERT, UPDATE, DELETE or WITH statement.
//! Such a literal is a constant of type int4 (int8 when it does not fit), which is exactly what
//! a parameter of that declared type is. Literals after `(` or `,` stay (they may be ORDER BY
//! positions or function arguments the translator reads), and so does everything else.
//! Nothing is lifted from a statement with GROUP BY or DISTINCT: a select-list expression must
//! match its GROUP BY key (or a DISTINCT query's ORDER BY key) as written, and `x + $1` does not
//! match `x + $2`.

use devdb_pg::{PgType, Value};

mod scan;

use scan::{Scanner, Token};

/// A statement with its integer literals replaced by `$1..$n`.
#[derive(Clone, Debug, PartialEq)]
pub struct Lifted {
    pub sql: String,
    /// The type of each parameter, as the literal's own type.
    pub types: Vec<Option<PgType>>,
    pub values: Vec<Value>,
}

/// Lifts `sql`'s eligible integer literals, or None when there is nothing to lift.
///
/// This runs on every simple Query before any cache can answer, so it scans the text with
/// [`scan`]'s small lexer instead of a full tokenizer that allocates each token.
pub fn lift(sql: &str) -> Option<Lifted> {
    let mut tokens = Scanner::new(sql);
    let first = tokens.next()?;
    let word = match first.token {
        Token::Word => sql.get(first.start..first.end)?,
        _ => return None,
    };
    if !["select", "insert", "update", "delete", "with"]
        .iter()
        .any(|w| w.eq_ignore_ascii_case(word))
    {
        return None;
    }
    let mut out = String::new();
    let mut copied = 0;
    let mut types = Vec::new();
    let mut values = Vec::new();
    let mut previous = first.token;
    let mut ended = false;
    for token in tokens {
        match token.token {
            // One statement only: parameters are numbered across the whole text.
            Token::Semicolon => ended = true,
            _ if ended => return None,
            // The client's own `$n` would collide with the lifted ones (and must fail 42P02).
            Token::Unliftable => return None,
            Token::Word
                if sql.get(token.start..token.end).is_some_and(|w| {
                    w.eq_ignore_ascii_case("group") || w.eq_ignore_ascii_case("distinct")
                }) =>
            {
                return None;
            }
            Token::Integer if previous == Token::Operator => {
                let value = sql.get(token.start..token.end)?.parse::<i64>();
                // `-2147483648` is one int4 constant: its digits alone would be an int8.
                let negated_int4_min =
                    value == Ok(1 << 31) && sql.get(..token.start)?.trim_end().ends_with('-');
                if let (Ok(value), false) = (value, negated_int4_min) {
                    if out.is_empty() {
                        out.reserve(sql.len() + 8);
                    }
                    out.push_str(sql.get(copied..token.start)?);
                    values.push(Value::Int(value));
                    types.push(Some(if i32::try_from(value).is_ok() {
                        PgType::Int4
                    } else {
                        PgType::Int8
                    }));
                    out.push('$');
                    out.push_str(&values.len().to_string());
                    copied = token.end;
                }
            }
            _ => {}
        }
        previous = token.token;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_whose_expressions_must_match_keep_their_literals() {
        assert_eq!(lift("select id + 1, count(*) from t group by id + 1"), None);
        assert_eq!(lift("select distinct id * 2 from t order by id * 2"), None);
        assert!(lift("select id + 1 from t where id > 5").is_some());
    }

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
    fn the_negated_int4_minimum_stays_one_constant() {
        let l = lift("select x from t where x > -2147483648 and y = 2147483648").expect("lifted");
        assert_eq!(l.sql, "select x from t where x > -2147483648 and y = $1");
        assert_eq!(l.types, vec![Some(PgType::Int8)]);
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
            "select x from t where x = 6e-2",
            "select x from t where x = 5.",
            "select x from t where d ? 'k' and x = 1",
            "select x from t where x = 1 and s = 'unterminated",
            "select x from t where x = 1 /* unterminated",
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
        let l =
            lift("select /* a = 1 /* b = 2 */ c = 3 */ $t$ = 4 $t$, E'\\' = 5' from t where y=-6")
                .expect("lifted");
        assert_eq!(
            l.sql,
            "select /* a = 1 /* b = 2 */ c = 3 */ $t$ = 4 $t$, E'\\' = 5' from t where y=-$1"
        );
        assert_eq!(l.values, vec![Value::Int(6)]);
    }

    #[test]
    fn large_literals_are_int8_and_huge_ones_stay() {
        let l = lift("select x from t where x = 3000000000").expect("lifted");
        assert_eq!(l.types, vec![Some(PgType::Int8)]);
        assert_eq!(lift("select x from t where x = 99999999999999999999"), None);
    }
}
