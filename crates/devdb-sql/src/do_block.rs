//! `DO` blocks of the shapes migration tools emit: one statement in `BEGIN ... END`, with an
//! optional `EXCEPTION WHEN <condition> THEN NULL` that turns that error into a no-op
//! (`DO $$ BEGIN CREATE TYPE ...; EXCEPTION WHEN duplicate_object THEN null; END $$;`), or
//! guarded by one condition (`BEGIN IF NOT EXISTS (SELECT ...) THEN CREATE ...; END IF; END`).
//! The body is split into statements by tokens and each is parsed like a top-level one; any
//! other PL/pgSQL is 0A000.

use devdb_pg::{PgError, SqlState};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use crate::parse::Parsed;

/// A parsed DO block.
#[derive(Clone, Debug, PartialEq)]
pub struct DoBlock {
    pub statement: Box<Parsed>,
    /// `IF <condition> THEN`: the statement runs only when this `SELECT <condition>` is true.
    pub guard: Option<Box<Parsed>>,
    /// The SQLSTATEs the block swallows; `None` for `WHEN others`.
    pub catches: Vec<Option<SqlState>>,
}

impl DoBlock {
    /// True when the EXCEPTION clause turns `err` into a no-op.
    pub fn catches(&self, err: &PgError) -> bool {
        self.catches.iter().any(|c| match c {
            Some(code) => *code == err.code,
            None => err.code != SqlState::QUERY_CANCELED,
        })
    }
}

fn unsupported() -> PgError {
    PgError::feature_not_supported(
        "DO blocks other than BEGIN [IF <condition> THEN] <one statement>; [END IF;] [EXCEPTION WHEN ... THEN NULL;] END",
    )
}

/// The SQLSTATE of a PL/pgSQL condition name (the ones migrations use), None for `others`.
fn condition(name: &str) -> Result<Option<SqlState>, PgError> {
    Ok(Some(match name {
        "others" => return Ok(None),
        "duplicate_object" => SqlState::DUPLICATE_OBJECT,
        "duplicate_table" => SqlState::DUPLICATE_TABLE,
        "duplicate_schema" => SqlState::DUPLICATE_SCHEMA,
        "duplicate_column" => SqlState::DUPLICATE_COLUMN,
        "duplicate_function" => SqlState::DUPLICATE_FUNCTION,
        "undefined_object" => SqlState::UNDEFINED_OBJECT,
        "undefined_table" => SqlState::UNDEFINED_TABLE,
        "undefined_column" => SqlState::UNDEFINED_COLUMN,
        "invalid_schema_name" => SqlState::INVALID_SCHEMA_NAME,
        "unique_violation" => SqlState::UNIQUE_VIOLATION,
        other => {
            return Err(PgError::new(
                SqlState::UNDEFINED_OBJECT,
                format!("unrecognized exception condition \"{other}\""),
            ));
        }
    }))
}

fn is_word(t: &TokenWithSpan, word: &str) -> bool {
    matches!(&t.token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
}

/// Parses the words after `DO` (`[LANGUAGE plpgsql] 'body' [LANGUAGE plpgsql]`).
pub fn parse(words: &[&TokenWithSpan]) -> Result<DoBlock, PgError> {
    let mut body = None;
    let mut rest = words.iter().skip(1);
    while let Some(t) = rest.next() {
        match &t.token {
            Token::DollarQuotedString(s) if body.is_none() => body = Some(s.value.clone()),
            Token::SingleQuotedString(s) if body.is_none() => body = Some(s.clone()),
            _ if is_word(t, "language") => match rest.next() {
                Some(l) if is_word(l, "plpgsql") => {}
                _ => {
                    return Err(PgError::feature_not_supported(
                        "DO in languages other than plpgsql",
                    ));
                }
            },
            _ => {
                return Err(PgError::syntax_error(
                    format!("syntax error at or near \"{}\"", t.token),
                    None,
                ));
            }
        }
    }
    let body = body.ok_or_else(|| PgError::syntax_error("no inline code specified", None))?;
    block(&body)
}

fn block(body: &str) -> Result<DoBlock, PgError> {
    let dialect = PostgreSqlDialect {};
    let tokens = Tokenizer::new(&dialect, body)
        .tokenize_with_location()
        .map_err(|e| PgError::syntax_error(e.message, None))?;
    // Statements of the block, split at `;`.
    let mut chunks: Vec<Vec<TokenWithSpan>> = vec![Vec::new()];
    for t in tokens {
        match t.token {
            Token::SemiColon => chunks.push(Vec::new()),
            Token::Whitespace(_) | Token::EOF => {}
            _ => {
                if let Some(c) = chunks.last_mut() {
                    c.push(t);
                }
            }
        }
    }
    chunks.retain(|c| !c.is_empty());
    let mut chunks = chunks.into_iter();
    let mut first = chunks.next().ok_or_else(unsupported)?;
    if !first.first().is_some_and(|t| is_word(t, "begin")) {
        return Err(unsupported());
    }
    first.remove(0);
    let mut statements = vec![first];
    let mut catches = Vec::new();
    let mut ended = false;
    for chunk in chunks {
        if ended {
            return Err(unsupported());
        }
        match chunk.as_slice() {
            [end] if is_word(end, "end") => ended = true,
            [exception, when, conditions @ .., then, null]
                if is_word(exception, "exception")
                    && is_word(when, "when")
                    && is_word(then, "then")
                    && is_word(null, "null") =>
            {
                for (i, c) in conditions.iter().enumerate() {
                    match &c.token {
                        Token::Word(w) if i % 2 == 0 => {
                            catches.push(condition(&w.value.to_lowercase())?)
                        }
                        _ if i % 2 == 1 && is_word(c, "or") => {}
                        _ => return Err(unsupported()),
                    }
                }
            }
            _ if catches.is_empty() => statements.push(chunk),
            _ => return Err(unsupported()),
        }
    }
    statements.retain(|s| !s.is_empty());
    let (guard, statements) = match statements.as_slice() {
        [guarded, end_if] if matches!(end_if.as_slice(), [e, i] if is_word(e, "end") && is_word(i, "if")) =>
        {
            let (condition, statement) = split_if(guarded)?;
            (Some(condition), vec![statement])
        }
        _ => (None, statements),
    };
    let ([statement], true) = (statements.as_slice(), ended) else {
        return Err(unsupported());
    };
    if statement.first().is_some_and(|t| {
        ["if", "perform", "raise", "declare", "execute"]
            .iter()
            .any(|w| is_word(t, w))
    }) {
        return Err(unsupported());
    }
    let parsed = crate::parse::statement(body, &dialect, statement.clone())?;
    let guard = match guard {
        Some(condition) => {
            let mut select = vec![TokenWithSpan::wrap(Token::make_keyword("SELECT"))];
            select.extend(condition);
            Some(Box::new(crate::parse::statement(body, &dialect, select)?))
        }
        None => None,
    };
    Ok(DoBlock {
        statement: Box::new(parsed),
        guard,
        catches,
    })
}

/// `IF <condition> THEN <statement>` split at its first THEN, where PL/pgSQL ends the
/// condition too (a CASE inside it is a syntax error there as well).
fn split_if(tokens: &[TokenWithSpan]) -> Result<(Vec<TokenWithSpan>, Vec<TokenWithSpan>), PgError> {
    let Some((first, rest)) = tokens.split_first() else {
        return Err(unsupported());
    };
    let then = rest.iter().position(|t| is_word(t, "then"));
    match then {
        Some(i) if is_word(first, "if") && i > 0 && i + 1 < rest.len() => {
            let (condition, statement) = rest.split_at(i);
            Ok((
                condition.to_vec(),
                statement.iter().skip(1).cloned().collect(),
            ))
        }
        _ => Err(unsupported()),
    }
}
