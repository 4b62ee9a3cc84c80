//! `ALTER INDEX IF EXISTS i RENAME TO j` and `ALTER VIEW [IF EXISTS] v RENAME TO w`, which
//! sqlparser cannot parse (it reads ALTER INDEX only without IF EXISTS, and no ALTER VIEW that
//! PostgreSQL has).

use sqlparser::ast::ObjectName;
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};

#[derive(Clone, Debug, PartialEq)]
pub struct AlterRename {
    /// ALTER VIEW, or else ALTER INDEX.
    pub view: bool,
    pub if_exists: bool,
    pub name: ObjectName,
    pub new_name: ObjectName,
}

/// Parses `ALTER { INDEX | VIEW } [IF EXISTS] name RENAME TO new_name` from `parser`, which
/// stands at ALTER.
pub(crate) fn parse(parser: &mut Parser<'_>) -> Result<AlterRename, ParserError> {
    parser.expect_keyword_is(Keyword::ALTER)?;
    let view = parser.expect_one_of_keywords(&[Keyword::INDEX, Keyword::VIEW])? == Keyword::VIEW;
    let if_exists = parser.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
    let name = parser.parse_object_name(false)?;
    parser.expect_keywords(&[Keyword::RENAME, Keyword::TO])?;
    let new_name = parser.parse_object_name(false)?;
    Ok(AlterRename {
        view,
        if_exists,
        name,
        new_name,
    })
}
