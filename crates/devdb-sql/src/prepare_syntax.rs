//! The shapes of PREPARE and EXECUTE, read from their tokens: sqlparser parses any statement
//! after PREPARE's AS (PostgreSQL only the ones it can plan, and devdb's own forms of INSERT
//! with them) and other dialects' forms of EXECUTE.

use devdb_pg::PgError;
use sqlparser::ast::{DataType, Ident};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::parse::{Parsed, is_word, parser_error, statement, syntax_error_at};

/// What a PREPARE may prepare: a query or INSERT, UPDATE, DELETE (PostgreSQL's PreparableStmt).
const PREPARABLE: &[&str] = &[
    "select", "values", "with", "table", "insert", "update", "delete", "merge",
];

/// `PREPARE name [(type, ...)] AS statement`: its header here, the statement as any other.
pub(crate) fn prepare(
    sql: &str,
    dialect: &PostgreSqlDialect,
    tokens: Vec<TokenWithSpan>,
) -> Result<Parsed, PgError> {
    let words: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_) | Token::EOF))
        .collect();
    // The AS after the name and its type list, outside their parentheses.
    let mut depth = 0i32;
    let as_at = words.iter().skip(2).copied().find(|&i| {
        match tokens[i].token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            _ => {}
        }
        depth == 0 && is_word(&tokens[i], "as")
    });
    let header_end = as_at.map_or(tokens.len(), |i| i + 1);
    let header = tokens.get(..header_end).unwrap_or_default().to_vec();
    let mut parser = Parser::new(dialect).with_tokens_with_locations(header);
    let (name, data_types) = header_parts(&mut parser).map_err(|e| parser_error(sql, e))?;
    let next = parser.peek_token();
    if next.token != Token::EOF {
        return Err(syntax_error_at(sql, &next));
    }
    let rest = tokens.get(header_end..).unwrap_or_default().to_vec();
    let first = rest
        .iter()
        .find(|t| !matches!(t.token, Token::Whitespace(_)))
        .cloned()
        .unwrap_or_else(|| TokenWithSpan::wrap(Token::EOF));
    let preparable = first.token == Token::LParen || PREPARABLE.iter().any(|w| is_word(&first, w));
    if !preparable {
        return Err(syntax_error_at(sql, &first));
    }
    Ok(Parsed::Prepare {
        name,
        data_types,
        statement: Box::new(statement(sql, dialect, rest)?),
        text: sql.to_owned(),
    })
}

fn header_parts(parser: &mut Parser<'_>) -> Result<(Ident, Vec<DataType>), ParserError> {
    parser.expect_keyword_is(Keyword::PREPARE)?;
    let name = parser.parse_identifier()?;
    let mut data_types = Vec::new();
    if parser.consume_token(&Token::LParen) {
        data_types = parser.parse_comma_separated(Parser::parse_data_type)?;
        parser.expect_token(&Token::RParen)?;
    }
    parser.expect_keyword_is(Keyword::AS)?;
    Ok((name, data_types))
}

/// Checks `EXECUTE name [(argument, ...)]` has PostgreSQL's shape: a name, then nothing or a
/// non-empty parenthesized list that ends the statement. sqlparser reads the rest.
pub(crate) fn check_execute(sql: &str, words: &[&TokenWithSpan]) -> Result<(), PgError> {
    let end = |n: usize| {
        words
            .get(n)
            .map_or_else(|| TokenWithSpan::wrap(Token::EOF), |t| (*t).clone())
    };
    if !matches!(words.get(1).map(|t| &t.token), Some(Token::Word(_))) {
        return Err(syntax_error_at(sql, &end(1)));
    }
    match words.get(2).map(|t| &t.token) {
        None => return Ok(()),
        Some(Token::LParen) => {}
        Some(_) => return Err(syntax_error_at(sql, &end(2))),
    }
    if matches!(words.get(3).map(|t| &t.token), Some(Token::RParen)) {
        return Err(syntax_error_at(sql, &end(3)));
    }
    let mut depth = 0i32;
    for (n, t) in words.iter().enumerate().skip(2) {
        match t.token {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            return match words.get(n + 1) {
                Some(after) => Err(syntax_error_at(sql, after)),
                None => Ok(()),
            };
        }
    }
    Err(syntax_error_at(sql, &end(words.len())))
}

/// True for `CREATE ... AS EXECUTE ...`, which sqlparser cannot parse.
pub(crate) fn creates_from_execute(words: &[&TokenWithSpan]) -> bool {
    is_word_at(words, 0, "create")
        && (1..words.len())
            .any(|n| is_word_at(words, n, "as") && is_word_at(words, n + 1, "execute"))
}

fn is_word_at(words: &[&TokenWithSpan], n: usize, word: &str) -> bool {
    words.get(n).is_some_and(|t| is_word(t, word))
}
