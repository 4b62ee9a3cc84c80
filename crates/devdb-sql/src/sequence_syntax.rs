//! CREATE SEQUENCE and ALTER SEQUENCE as PostgreSQL reads them. PostgreSQL takes the options in
//! any order (`START 1000 INCREMENT 10`); sqlparser takes them only in the order of its docs and
//! does not parse ALTER SEQUENCE at all, so both are parsed here with sqlparser's own building
//! blocks into its `SequenceOptions`. ALTER SEQUENCE ... RENAME TO is read here too.

use sqlparser::ast::{DataType, Expr, Ident, ObjectName, SequenceOptions, Statement};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token, TokenWithSpan, Whitespace};

/// `ALTER SEQUENCE [IF EXISTS] name options` or `ALTER SEQUENCE [IF EXISTS] name RENAME TO new`.
#[derive(Clone, Debug, PartialEq)]
pub struct AlterSequence {
    pub if_exists: bool,
    pub name: ObjectName,
    /// `RENAME TO new`, which comes alone.
    pub rename: Option<ObjectName>,
    pub data_type: Option<DataType>,
    pub options: Vec<SequenceOptions>,
    /// `RESTART` (None: from the start value) or `RESTART [WITH] n`.
    pub restart: Option<Option<Expr>>,
    pub owned_by: Option<ObjectName>,
}

/// Parses `CREATE [TEMP] SEQUENCE ...` from `parser`, which stands at CREATE.
pub(crate) fn parse_create(parser: &mut Parser<'_>) -> Result<Statement, ParserError> {
    parser.expect_keyword(Keyword::CREATE)?;
    let temporary = parser
        .parse_one_of_keywords(&[Keyword::TEMP, Keyword::TEMPORARY])
        .is_some();
    parser.expect_keyword(Keyword::SEQUENCE)?;
    let if_not_exists = parser.parse_keywords(&[Keyword::IF, Keyword::NOT, Keyword::EXISTS]);
    let name = parser.parse_object_name(false)?;
    let options = options(parser, false)?;
    Ok(Statement::CreateSequence {
        temporary,
        if_not_exists,
        name,
        data_type: options.data_type,
        sequence_options: options.options,
        owned_by: options.owned_by,
    })
}

/// Parses `ALTER SEQUENCE ...` from `parser`, which stands at ALTER.
pub(crate) fn parse_alter(parser: &mut Parser<'_>) -> Result<AlterSequence, ParserError> {
    parser.expect_keywords(&[Keyword::ALTER, Keyword::SEQUENCE])?;
    let if_exists = parser.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
    let name = parser.parse_object_name(false)?;
    if parser.parse_keywords(&[Keyword::RENAME, Keyword::TO]) {
        return Ok(AlterSequence {
            if_exists,
            name,
            rename: Some(parser.parse_object_name(false)?),
            data_type: None,
            options: Vec::new(),
            restart: None,
            owned_by: None,
        });
    }
    let options = options(parser, true)?;
    if options.options.is_empty()
        && options.restart.is_none()
        && options.data_type.is_none()
        && options.owned_by.is_none()
    {
        return parser.expected("a sequence option", parser.peek_token());
    }
    Ok(AlterSequence {
        if_exists,
        name,
        rename: None,
        data_type: options.data_type,
        options: options.options,
        restart: options.restart,
        owned_by: options.owned_by,
    })
}

struct Options {
    data_type: Option<DataType>,
    options: Vec<SequenceOptions>,
    restart: Option<Option<Expr>>,
    owned_by: Option<ObjectName>,
}

/// The options of CREATE SEQUENCE (and with `alter`, RESTART), in any order.
fn options(parser: &mut Parser<'_>, alter: bool) -> Result<Options, ParserError> {
    let mut out = Options {
        data_type: None,
        options: Vec::new(),
        restart: None,
        owned_by: None,
    };
    loop {
        if parser.parse_keyword(Keyword::AS) {
            out.data_type = Some(parser.parse_data_type()?);
        } else if parser.parse_keyword(Keyword::INCREMENT) {
            let by = parser.parse_keyword(Keyword::BY);
            out.options
                .push(SequenceOptions::IncrementBy(parser.parse_number()?, by));
        } else if parser.parse_keyword(Keyword::MINVALUE) {
            out.options
                .push(SequenceOptions::MinValue(Some(parser.parse_number()?)));
        } else if parser.parse_keywords(&[Keyword::NO, Keyword::MINVALUE]) {
            out.options.push(SequenceOptions::MinValue(None));
        } else if parser.parse_keyword(Keyword::MAXVALUE) {
            out.options
                .push(SequenceOptions::MaxValue(Some(parser.parse_number()?)));
        } else if parser.parse_keywords(&[Keyword::NO, Keyword::MAXVALUE]) {
            out.options.push(SequenceOptions::MaxValue(None));
        } else if parser.parse_keyword(Keyword::START) {
            let with = parser.parse_keyword(Keyword::WITH);
            out.options
                .push(SequenceOptions::StartWith(parser.parse_number()?, with));
        } else if parser.parse_keyword(Keyword::CACHE) {
            out.options
                .push(SequenceOptions::Cache(parser.parse_number()?));
        } else if parser.parse_keywords(&[Keyword::NO, Keyword::CYCLE]) {
            out.options.push(SequenceOptions::Cycle(true));
        } else if parser.parse_keyword(Keyword::CYCLE) {
            out.options.push(SequenceOptions::Cycle(false));
        } else if parser.parse_keywords(&[Keyword::OWNED, Keyword::BY]) {
            out.owned_by = Some(if parser.parse_keyword(Keyword::NONE) {
                ObjectName::from(vec![Ident::new("NONE")])
            } else {
                parser.parse_object_name(false)?
            });
        } else if alter && parser.parse_keyword(Keyword::RESTART) {
            out.restart = Some(
                if parser.parse_keyword(Keyword::WITH) || number_follows(parser) {
                    Some(parser.parse_number()?)
                } else {
                    None
                },
            );
        } else {
            return Ok(out);
        }
    }
}

fn number_follows(parser: &Parser<'_>) -> bool {
    use sqlparser::tokenizer::Token;
    matches!(
        parser.peek_token().token,
        Token::Number(..) | Token::Minus | Token::Plus
    )
}

/// The tokens of a CREATE/ALTER TABLE with each identity column's options `(...)` put in the
/// order sqlparser reads them (INCREMENT, MINVALUE, MAXVALUE, START, CACHE, CYCLE), or None
/// when they already are. PostgreSQL takes them in any order, and SQLAlchemy and Alembic
/// write `INCREMENT BY 1 START WITH 1 MINVALUE 1 ...`.
pub(crate) fn identity_options_in_order(tokens: &[TokenWithSpan]) -> Option<Vec<TokenWithSpan>> {
    let mut out = tokens.to_vec();
    let mut changed = false;
    let mut i = 0;
    while i < out.len() {
        let open = (i + 1..out.len()).find(significant_in(&out));
        let at_options = crate::parse::is_word(&out[i], "identity")
            && open.is_some_and(|o| out[o].token == Token::LParen);
        let (true, Some(open)) = (at_options, open) else {
            i += 1;
            continue;
        };
        let close = matching_paren(&out, open)?;
        let clauses = option_clauses(&out[open + 1..close])?;
        let mut sorted = clauses.clone();
        sorted.sort_by_key(|(rank, _)| *rank);
        if sorted != clauses {
            let mut inner = Vec::new();
            for (_, clause) in sorted {
                inner.extend(clause);
                inner.push(TokenWithSpan::wrap(Token::Whitespace(Whitespace::Space)));
            }
            out.splice(open + 1..close, inner);
            changed = true;
        }
        i = open + 1;
    }
    changed.then_some(out)
}

fn significant_in(tokens: &[TokenWithSpan]) -> impl Fn(&usize) -> bool + '_ {
    |i| !matches!(tokens[*i].token, Token::Whitespace(_))
}

/// The index of the `)` that closes the `(` at `open`.
fn matching_paren(tokens: &[TokenWithSpan], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Identity options split into clauses, each with its place in sqlparser's order; None for a
/// word that starts no option sqlparser reads there (left for its error).
fn option_clauses(tokens: &[TokenWithSpan]) -> Option<Vec<(u8, Vec<TokenWithSpan>)>> {
    let mut clauses: Vec<(u8, Vec<TokenWithSpan>)> = Vec::new();
    let mut after_no = false;
    for t in tokens {
        if matches!(t.token, Token::Whitespace(_)) {
            continue;
        }
        let rank = match &t.token {
            Token::Word(w) if w.quote_style.is_none() => match w.keyword {
                Keyword::INCREMENT => Some(0),
                Keyword::MINVALUE => Some(1),
                Keyword::MAXVALUE => Some(2),
                Keyword::START => Some(3),
                Keyword::CACHE => Some(4),
                Keyword::CYCLE => Some(5),
                Keyword::NO => Some(u8::MAX),
                Keyword::BY | Keyword::WITH => None,
                _ => return None,
            },
            _ => None,
        };
        match (rank, clauses.last_mut()) {
            // NO MINVALUE, NO MAXVALUE, NO CYCLE: the clause NO started takes the next word's rank.
            (Some(rank), Some((last, clause))) if after_no => {
                *last = rank;
                clause.push(t.clone());
                after_no = false;
            }
            (Some(rank), _) => {
                after_no = rank == u8::MAX;
                clauses.push((rank, vec![t.clone()]));
            }
            (None, Some((_, clause))) => clause.push(t.clone()),
            (None, None) => return None,
        }
    }
    Some(clauses)
}
