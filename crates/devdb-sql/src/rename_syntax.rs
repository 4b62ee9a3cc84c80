//! `ALTER INDEX IF EXISTS i RENAME TO j` and `ALTER [MATERIALIZED] VIEW [IF EXISTS] v RENAME TO
//! w`, which sqlparser cannot parse (it reads ALTER INDEX only without IF EXISTS, and no ALTER
//! VIEW that PostgreSQL has).

use sqlparser::ast::ObjectName;
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};

#[derive(Clone, Debug, PartialEq)]
pub struct AlterRename {
    pub kind: Renamed,
    pub if_exists: bool,
    pub name: ObjectName,
    pub new_name: ObjectName,
}

/// What the ALTER names.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Renamed {
    Index,
    View,
    MaterializedView,
}

/// Parses `ALTER { INDEX | [MATERIALIZED] VIEW } [IF EXISTS] name RENAME TO new_name` from `parser`, which
/// stands at ALTER.
pub(crate) fn parse(parser: &mut Parser<'_>) -> Result<AlterRename, ParserError> {
    parser.expect_keyword_is(Keyword::ALTER)?;
    let kind = if parser.parse_keyword(Keyword::INDEX) {
        Renamed::Index
    } else if parser.parse_keyword(Keyword::MATERIALIZED) {
        parser.expect_keyword_is(Keyword::VIEW)?;
        Renamed::MaterializedView
    } else {
        parser.expect_keyword_is(Keyword::VIEW)?;
        Renamed::View
    };
    let if_exists = parser.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
    let name = parser.parse_object_name(false)?;
    parser.expect_keywords(&[Keyword::RENAME, Keyword::TO])?;
    let new_name = parser.parse_object_name(false)?;
    Ok(AlterRename {
        kind,
        if_exists,
        name,
        new_name,
    })
}
