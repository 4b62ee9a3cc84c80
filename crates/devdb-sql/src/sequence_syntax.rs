//! CREATE SEQUENCE and ALTER SEQUENCE as PostgreSQL reads them. PostgreSQL takes the options in
//! any order (`START 1000 INCREMENT 10`); sqlparser takes them only in the order of its docs and
//! does not parse ALTER SEQUENCE at all, so both are parsed here with sqlparser's own building
//! blocks into its `SequenceOptions`.

use sqlparser::ast::{DataType, Expr, Ident, ObjectName, SequenceOptions, Statement};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};

/// `ALTER SEQUENCE [IF EXISTS] name options`.
#[derive(Clone, Debug, PartialEq)]
pub struct AlterSequence {
    pub if_exists: bool,
    pub name: ObjectName,
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
