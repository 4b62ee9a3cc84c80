//! The PL/pgSQL bodies of the trigger functions migrations add for `updated_at` columns:
//! `BEGIN`, assignments to `NEW.column` (`=` or `:=`), optionally inside
//! `IF ... THEN ... [ELSIF ... THEN ...] [ELSE ...] END IF`, then `RETURN NEW; END`.
//! Expressions may read `NEW.column`, `OLD.column` and `TG_OP`. Anything else is 0A000 naming
//! what is not supported, when the function is created.

use devdb_pg::PgError;
use sqlparser::ast::{Expr, visit_expressions};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

/// One statement of a trigger function's body.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// `NEW.column := value`
    Assign { column: String, value: Expr },
    /// `IF condition THEN then ELSE otherwise END IF` (ELSIF nests in `otherwise`).
    If {
        condition: Expr,
        then: Vec<Step>,
        otherwise: Vec<Step>,
    },
}

fn unsupported(what: &str) -> PgError {
    PgError::feature_not_supported(format!(
        "{what} in a trigger function (devdb runs bodies of NEW.column := expression \
         assignments, IF ... THEN ... END IF around them, and RETURN NEW)"
    ))
}

fn is_word(t: &Token, word: &str) -> bool {
    matches!(t, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
}

/// Parses a trigger function's body into its steps.
pub fn parse(body: &str) -> Result<Vec<Step>, PgError> {
    let dialect = PostgreSqlDialect {};
    let tokens: Vec<TokenWithSpan> = Tokenizer::new(&dialect, body)
        .tokenize_with_location()
        .map_err(|e| PgError::syntax_error(e.message, None))?
        .into_iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_) | Token::EOF))
        .collect();
    let mut p = Body { tokens, pos: 0 };
    match p.peek() {
        Some(t) if is_word(t, "begin") => p.pos += 1,
        Some(t) if is_word(t, "declare") => return Err(unsupported("DECLARE")),
        _ => return Err(unsupported("a body that does not start with BEGIN")),
    }
    let steps = p.steps(&["return"])?;
    if !(p.word("return") && p.word("new") && p.eat(&Token::SemiColon)) {
        return Err(unsupported("a body that does not end in RETURN NEW"));
    }
    if !p.word("end") {
        return Err(unsupported("statements after RETURN NEW"));
    }
    p.eat(&Token::SemiColon);
    if p.peek().is_some() {
        return Err(unsupported("text after END"));
    }
    Ok(steps)
}

struct Body {
    tokens: Vec<TokenWithSpan>,
    pos: usize,
}

impl Body {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|t| &t.token)
    }

    fn eat(&mut self, token: &Token) -> bool {
        let found = self.peek() == Some(token);
        self.pos += found as usize;
        found
    }

    fn word(&mut self, word: &str) -> bool {
        let found = self.peek().is_some_and(|t| is_word(t, word));
        self.pos += found as usize;
        found
    }

    /// Statements up to (not including) one of the `stop` words.
    fn steps(&mut self, stop: &[&str]) -> Result<Vec<Step>, PgError> {
        let mut out = Vec::new();
        loop {
            let Some(t) = self.peek().cloned() else {
                return Err(unsupported("a body without RETURN NEW"));
            };
            if stop.iter().any(|w| is_word(&t, w)) {
                return Ok(out);
            }
            if self.word("if") {
                out.push(self.if_rest(true)?);
            } else if self.word("new") {
                out.push(self.assignment()?);
            } else {
                return Err(unsupported(&format!("the statement starting with {t}")));
            }
        }
    }

    /// After `IF` (`closes`, which ends at `END IF;`) or `ELSIF` (whose IF's END IF closes it):
    /// the condition and the branches.
    fn if_rest(&mut self, closes: bool) -> Result<Step, PgError> {
        let condition = self.expr_until(|t| is_word(t, "then"))?;
        self.pos += 1;
        let then = self.steps(&["elsif", "elseif", "else", "end", "return"])?;
        let otherwise = if self.word("elsif") || self.word("elseif") {
            vec![self.if_rest(false)?]
        } else if self.word("else") {
            self.steps(&["end", "return"])?
        } else {
            Vec::new()
        };
        if closes && !(self.word("end") && self.word("if") && self.eat(&Token::SemiColon)) {
            return Err(unsupported("RETURN inside IF"));
        }
        Ok(Step::If {
            condition,
            then,
            otherwise,
        })
    }

    /// After `NEW`: `.column = expression;` or `:=`.
    fn assignment(&mut self) -> Result<Step, PgError> {
        let column = match (self.eat(&Token::Period), self.peek()) {
            (true, Some(Token::Word(w))) => match w.quote_style {
                Some(_) => w.value.clone(),
                None => w.value.to_lowercase(),
            },
            _ => return Err(unsupported("an assignment to anything but NEW.column")),
        };
        self.pos += 1;
        if !(self.eat(&Token::Eq) || self.eat(&Token::Assignment)) {
            return Err(unsupported("an assignment to anything but NEW.column"));
        }
        let value = self.expr_until(|t| *t == Token::SemiColon)?;
        self.pos += 1;
        Ok(Step::Assign { column, value })
    }

    /// The expression up to a token `end` matches outside parentheses and CASE.
    fn expr_until(&mut self, end: impl Fn(&Token) -> bool) -> Result<Expr, PgError> {
        let start = self.pos;
        let mut depth = 0i32;
        loop {
            let Some(t) = self.peek() else {
                return Err(PgError::syntax_error(
                    "syntax error at end of trigger function body",
                    None,
                ));
            };
            if depth == 0 && end(t) {
                break;
            }
            match t {
                Token::LParen => depth += 1,
                Token::RParen => depth -= 1,
                t if is_word(t, "case") => depth += 1,
                t if is_word(t, "end") && depth > 0 => depth -= 1,
                _ => {}
            }
            self.pos += 1;
        }
        let tokens = self
            .tokens
            .get(start..self.pos)
            .unwrap_or_default()
            .to_vec();
        let dialect = PostgreSqlDialect {};
        let mut parser = Parser::new(&dialect).with_tokens_with_locations(tokens);
        let e = parser
            .parse_expr()
            .map_err(|e| PgError::syntax_error(e.to_string(), None))?;
        if parser.peek_token().token != Token::EOF {
            return Err(PgError::syntax_error(
                format!("syntax error at or near \"{}\"", parser.peek_token().token),
                None,
            ));
        }
        check_names(&e)?;
        Ok(e)
    }
}

/// Refuses names other than NEW.column, OLD.column and TG_OP: PL/pgSQL variables and the
/// other TG_ variables are not supported.
fn check_names(e: &Expr) -> Result<(), PgError> {
    let mut bad = None;
    let _ = visit_expressions(e, |e| {
        match e {
            Expr::Identifier(id)
                if id.quote_style.is_none() && id.value.eq_ignore_ascii_case("tg_op") => {}
            Expr::Identifier(id) => bad = Some(id.value.clone()),
            Expr::CompoundIdentifier(ids) => match ids.as_slice() {
                [record, _]
                    if record.quote_style.is_none()
                        && (record.value.eq_ignore_ascii_case("new")
                            || record.value.eq_ignore_ascii_case("old")) => {}
                _ => bad = Some(e.to_string()),
            },
            Expr::Subquery(_) | Expr::Exists { .. } | Expr::InSubquery { .. } => {
                bad = Some("a subquery".to_owned())
            }
            _ => {}
        }
        match bad {
            Some(_) => std::ops::ControlFlow::Break(()),
            None => std::ops::ControlFlow::Continue(()),
        }
    });
    match bad {
        Some(name) => Err(unsupported(&format!(
            "{name} (only NEW.column, OLD.column and TG_OP are read)"
        ))),
        None => Ok(()),
    }
}
