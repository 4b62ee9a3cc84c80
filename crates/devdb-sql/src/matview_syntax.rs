//! The materialized view statements as PostgreSQL reads them: sqlparser parses CREATE
//! MATERIALIZED VIEW without its trailing `WITH [NO] DATA`, and not REFRESH at all, so those
//! parts are read here with sqlparser's own building blocks.

use sqlparser::ast::{CreateView, ObjectName, Statement};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};

/// `CREATE MATERIALIZED VIEW [IF NOT EXISTS] name [(columns)] AS query [WITH [NO] DATA]`.
#[derive(Clone, Debug, PartialEq)]
pub struct CreateMaterializedView {
    pub view: CreateView,
    /// False for WITH NO DATA: the view exists but holds no rows until REFRESH.
    pub with_data: bool,
}

/// `REFRESH MATERIALIZED VIEW [CONCURRENTLY] name [WITH [NO] DATA]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Refresh {
    pub name: ObjectName,
    pub concurrently: bool,
    pub with_data: bool,
}

/// Parses `CREATE MATERIALIZED VIEW ...` from `parser`, which stands at CREATE.
pub(crate) fn parse_create(parser: &mut Parser<'_>) -> Result<CreateMaterializedView, ParserError> {
    let at = parser.peek_token();
    let Statement::CreateView(view) = parser.parse_statement()? else {
        return parser.expected("CREATE MATERIALIZED VIEW", at);
    };
    Ok(CreateMaterializedView {
        view,
        with_data: with_data(parser)?,
    })
}

/// Parses `REFRESH MATERIALIZED VIEW ...` from `parser`, which stands at REFRESH.
pub(crate) fn parse_refresh(parser: &mut Parser<'_>) -> Result<Refresh, ParserError> {
    parser.expect_keywords(&[Keyword::REFRESH, Keyword::MATERIALIZED, Keyword::VIEW])?;
    let concurrently = parser.parse_keyword(Keyword::CONCURRENTLY);
    let name = parser.parse_object_name(false)?;
    Ok(Refresh {
        name,
        concurrently,
        with_data: with_data(parser)?,
    })
}

/// An optional `WITH [NO] DATA`: true unless NO.
fn with_data(parser: &mut Parser<'_>) -> Result<bool, ParserError> {
    if !parser.parse_keyword(Keyword::WITH) {
        return Ok(true);
    }
    let no = parser.parse_keyword(Keyword::NO);
    parser.expect_keyword_is(Keyword::DATA)?;
    Ok(!no)
}
