//! `SET CONSTRAINTS { ALL | name [, ...] } { DEFERRED | IMMEDIATE }`, which sqlparser cannot
//! parse (Django runs `SET CONSTRAINTS ALL IMMEDIATE` to check deferred foreign keys early).

use sqlparser::ast::ObjectName;
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

#[derive(Clone, Debug, PartialEq)]
pub struct SetConstraints {
    /// The constraints named, None for ALL.
    pub names: Option<Vec<ObjectName>>,
    pub immediate: bool,
}

/// Parses `SET CONSTRAINTS ...` from `parser`, which stands at SET.
pub(crate) fn parse(parser: &mut Parser<'_>) -> Result<SetConstraints, ParserError> {
    parser.expect_keyword_is(Keyword::SET)?;
    let word = parser.next_token();
    if !matches!(&word.token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("constraints"))
    {
        return parser.expected("CONSTRAINTS", word);
    }
    let names = if parser.parse_keyword(Keyword::ALL) {
        None
    } else {
        Some(parser.parse_comma_separated(|p| p.parse_object_name(false))?)
    };
    let immediate = matches!(
        parser.expect_one_of_keywords(&[Keyword::DEFERRED, Keyword::IMMEDIATE])?,
        Keyword::IMMEDIATE
    );
    Ok(SetConstraints { names, immediate })
}
