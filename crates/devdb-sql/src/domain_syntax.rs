//! CREATE DOMAIN as PostgreSQL reads it. sqlparser parses the statement without its NOT NULL
//! and NULL constraints, so it is parsed here with sqlparser's own building blocks.

use sqlparser::ast::{DataType, Expr, Ident, ObjectName};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

/// `CREATE DOMAIN name [AS] type [DEFAULT e] [[CONSTRAINT c] NOT NULL | NULL | CHECK (e)]...`.
#[derive(Clone, Debug, PartialEq)]
pub struct CreateDomain {
    pub name: ObjectName,
    pub data_type: DataType,
    pub default: Option<Expr>,
    pub not_null: bool,
    /// CHECK constraints with the names given them.
    pub checks: Vec<(Option<Ident>, Expr)>,
}

/// Parses `CREATE DOMAIN ...` from `parser`, which stands at CREATE.
pub(crate) fn parse(parser: &mut Parser<'_>) -> Result<CreateDomain, ParserError> {
    parser.expect_keywords(&[Keyword::CREATE, Keyword::DOMAIN])?;
    let name = parser.parse_object_name(false)?;
    // AS is optional.
    let _ = parser.parse_keyword(Keyword::AS);
    let data_type = parser.parse_data_type()?;
    let mut domain = CreateDomain {
        name,
        data_type,
        default: None,
        not_null: false,
        checks: Vec::new(),
    };
    loop {
        if parser.parse_keyword(Keyword::DEFAULT) {
            domain.default = Some(parser.parse_expr()?);
            continue;
        }
        let constraint = if parser.parse_keyword(Keyword::CONSTRAINT) {
            Some(parser.parse_identifier()?)
        } else {
            None
        };
        if parser.parse_keywords(&[Keyword::NOT, Keyword::NULL]) {
            domain.not_null = true;
        } else if parser.parse_keyword(Keyword::NULL) {
            domain.not_null = false;
        } else if parser.parse_keyword(Keyword::CHECK) {
            parser.expect_token(&Token::LParen)?;
            let check = parser.parse_expr()?;
            parser.expect_token(&Token::RParen)?;
            domain.checks.push((constraint, check));
        } else if constraint.is_some() {
            return parser.expected("NOT NULL, NULL or CHECK", parser.peek_token());
        } else {
            return Ok(domain);
        }
    }
}
