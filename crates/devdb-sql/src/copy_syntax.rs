//! `COPY` as PostgreSQL writes it. sqlparser knows COPY but not PostgreSQL's generic option
//! syntax (`WITH (FREEZE ON, HEADER true)`, what pgbench and psql send), so the statement is
//! parsed here with sqlparser's own building blocks into sqlparser's `Statement::Copy`.

use sqlparser::ast::{CopyOption, CopySource, CopyTarget, Ident, Statement};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{IsOptional, Parser, ParserError};
use sqlparser::tokenizer::Token;

/// Parses `COPY ...` from `parser`, which stands at the COPY keyword.
pub(crate) fn parse(parser: &mut Parser<'_>) -> Result<Statement, ParserError> {
    parser.expect_keyword(Keyword::COPY)?;
    let source = if parser.consume_token(&Token::LParen) {
        let query = parser.parse_query()?;
        parser.expect_token(&Token::RParen)?;
        CopySource::Query(query)
    } else {
        let table_name = parser.parse_object_name(false)?;
        let columns = parser.parse_parenthesized_column_list(IsOptional::Optional, false)?;
        CopySource::Table {
            table_name,
            columns,
        }
    };
    let to = match parser.parse_one_of_keywords(&[Keyword::FROM, Keyword::TO]) {
        Some(Keyword::TO) => true,
        Some(_) => false,
        None => return parser.expected("FROM or TO", parser.peek_token()),
    };
    let target = if parser.parse_keyword(Keyword::STDIN) {
        CopyTarget::Stdin
    } else if parser.parse_keyword(Keyword::STDOUT) {
        CopyTarget::Stdout
    } else if parser.parse_keyword(Keyword::PROGRAM) {
        CopyTarget::Program {
            command: parser.parse_literal_string()?,
        }
    } else {
        CopyTarget::File {
            filename: parser.parse_literal_string()?,
        }
    };
    let with = parser.parse_keyword(Keyword::WITH);
    let mut options = Vec::new();
    if parser.consume_token(&Token::LParen) {
        loop {
            options.push(option(parser)?);
            if !parser.consume_token(&Token::Comma) {
                break;
            }
        }
        parser.expect_token(&Token::RParen)?;
    } else if with && parser.peek_token().token == Token::EOF {
        return parser.expected("(", parser.peek_token());
    }
    while let Some(option) = legacy_option(parser)? {
        options.push(option);
    }
    Ok(Statement::Copy {
        source,
        to,
        target,
        options,
        legacy_options: Vec::new(),
        values: Vec::new(),
    })
}

/// One option of the pre-9.0 syntax (`CSV HEADER`, `DELIMITER AS ','`, ...), as its modern
/// equivalent; None at the end of the statement.
fn legacy_option(parser: &mut Parser<'_>) -> Result<Option<CopyOption>, ParserError> {
    let token = parser.next_token();
    let word = match &token.token {
        Token::EOF => return Ok(None),
        Token::Word(w) if w.quote_style.is_none() => w.value.to_lowercase(),
        _ => return parser.expected("a COPY option", token),
    };
    let string = |parser: &mut Parser<'_>| -> Result<String, ParserError> {
        let _ = parser.parse_keyword(Keyword::AS);
        parser.parse_literal_string()
    };
    let option = match word.as_str() {
        "binary" => CopyOption::Format(Ident::new("binary")),
        "csv" => CopyOption::Format(Ident::new("csv")),
        "header" => CopyOption::Header(true),
        "delimiter" => CopyOption::Delimiter(one_char("delimiter", &string(parser)?)?),
        "quote" => CopyOption::Quote(one_char("quote", &string(parser)?)?),
        "escape" => CopyOption::Escape(one_char("escape", &string(parser)?)?),
        "null" => CopyOption::Null(string(parser)?),
        "encoding" => CopyOption::Encoding(string(parser)?),
        "force" => {
            let name = match parser.parse_one_of_keywords(&[Keyword::QUOTE, Keyword::NOT]) {
                Some(Keyword::QUOTE) => "force_quote",
                Some(_) => {
                    parser.expect_keyword(Keyword::NULL)?;
                    "force_not_null"
                }
                None if parser.parse_keyword(Keyword::NULL) => "force_null",
                None => return parser.expected("QUOTE, NOT NULL or NULL", parser.peek_token()),
            };
            let columns = if parser.consume_token(&Token::Mul) {
                Vec::new()
            } else {
                parser.parse_comma_separated(|p| p.parse_identifier())?
            };
            column_option(name, columns)?
        }
        _ => return parser.expected("a COPY option", token),
    };
    Ok(Some(option))
}

/// One `name [value]` of the parenthesized option list.
fn option(parser: &mut Parser<'_>) -> Result<CopyOption, ParserError> {
    let name = parser.parse_identifier()?.value.to_lowercase();
    let value = match parser.peek_token().token {
        Token::Comma | Token::RParen => None,
        Token::LParen => {
            let columns = parser.parse_parenthesized_column_list(IsOptional::Mandatory, false)?;
            return column_option(&name, columns);
        }
        Token::Mul => {
            parser.next_token();
            return column_option(&name, Vec::new());
        }
        _ => Some(argument(parser)?),
    };
    let text = || value.clone().unwrap_or_default();
    let single_char = |what: &str| one_char(what, &text());
    Ok(match name.as_str() {
        "format" => CopyOption::Format(Ident::new(text())),
        "freeze" => CopyOption::Freeze(boolean(&name, value.as_deref())?),
        "header" => CopyOption::Header(boolean(&name, value.as_deref())?),
        "delimiter" => CopyOption::Delimiter(single_char("delimiter")?),
        "quote" => CopyOption::Quote(single_char("quote")?),
        "escape" => CopyOption::Escape(single_char("escape")?),
        "null" => CopyOption::Null(text()),
        "encoding" => CopyOption::Encoding(text()),
        _ => {
            return Err(ParserError::ParserError(format!(
                "option \"{name}\" not recognized"
            )));
        }
    })
}

fn one_char(what: &str, text: &str) -> Result<char, ParserError> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(ParserError::ParserError(format!(
            "COPY {what} must be a single one-byte character"
        ))),
    }
}

fn column_option(name: &str, columns: Vec<Ident>) -> Result<CopyOption, ParserError> {
    match name {
        "force_quote" => Ok(CopyOption::ForceQuote(columns)),
        "force_not_null" => Ok(CopyOption::ForceNotNull(columns)),
        "force_null" => Ok(CopyOption::ForceNull(columns)),
        _ => Err(ParserError::ParserError(format!(
            "argument to option \"{name}\" must be a list of column names"
        ))),
    }
}

/// An option's argument: a word, a string or a number, as text.
fn argument(parser: &mut Parser<'_>) -> Result<String, ParserError> {
    let token = parser.next_token();
    match token.token {
        Token::Word(w) => Ok(w.value),
        Token::SingleQuotedString(s) | Token::EscapedStringLiteral(s) => Ok(s),
        Token::Number(n, _) => Ok(n),
        _ => parser.expected("an option value", token),
    }
}

/// PostgreSQL's boolean option values; no value means true.
fn boolean(name: &str, value: Option<&str>) -> Result<bool, ParserError> {
    let Some(value) = value else { return Ok(true) };
    match value.to_lowercase().as_str() {
        "true" | "on" | "1" | "yes" => Ok(true),
        "false" | "off" | "0" | "no" => Ok(false),
        _ => Err(ParserError::ParserError(format!(
            "{name} requires a Boolean value"
        ))),
    }
}
