//! `DROP TYPE [IF EXISTS] name [, ...] [CASCADE | RESTRICT]`, whose names are type names
//! (`int4[]`, `character varying`), which sqlparser cannot parse there (it reads object names).

use sqlparser::ast::DataType;
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};

#[derive(Clone, Debug, PartialEq)]
pub struct DropType {
    pub if_exists: bool,
    pub names: Vec<DataType>,
    pub cascade: bool,
}

/// Parses `DROP TYPE ...` from `parser`, which stands at DROP.
pub(crate) fn parse(parser: &mut Parser<'_>) -> Result<DropType, ParserError> {
    parser.expect_keywords(&[Keyword::DROP, Keyword::TYPE])?;
    let if_exists = parser.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
    let names = parser.parse_comma_separated(|p| p.parse_data_type())?;
    let cascade = matches!(
        parser.parse_one_of_keywords(&[Keyword::CASCADE, Keyword::RESTRICT]),
        Some(Keyword::CASCADE)
    );
    Ok(DropType {
        if_exists,
        names,
        cascade,
    })
}
