//! From query text to statements: tokenize once, split at `;`, parse each statement with
//! sqlparser's PostgreSQL dialect, and turn sqlparser's errors into PostgreSQL's 42601 with a
//! character position.
//!
//! A few utility statements sqlparser cannot parse (VACUUM with a table, CHECKPOINT) are
//! recognised here from their tokens.

use devdb_pg::PgError;
use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Statement, Value};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer};

/// One statement of a query string.
#[derive(Clone, Debug, PartialEq)]
pub enum Parsed {
    Statement(Box<Statement>),
    /// `VACUUM [options] [tables]`, with the named tables (case-folded, may be empty).
    Vacuum {
        analyze: bool,
        tables: Vec<String>,
    },
    Checkpoint,
    /// `INSERT ... OVERRIDING SYSTEM VALUE ...`, which sqlparser cannot parse: the INSERT
    /// without those words.
    InsertOverridingSystemValue(Box<Statement>),
    /// `INSERT ... ON CONFLICT (cols) WHERE predicate DO ...`, which sqlparser cannot parse:
    /// the INSERT without the WHERE, and the predicate that picks a partial unique index.
    InsertConflictWhere {
        insert: Box<Statement>,
        predicate: Box<sqlparser::ast::Expr>,
    },
    /// `DO $$ BEGIN ... END $$` of the shape migrations use.
    Do(crate::do_block::DoBlock),
    /// A command on a whole database, run by the executor.
    Database(crate::database::DatabaseCommand),
    /// `FETCH` or `MOVE` on a cursor.
    Fetch(crate::cursor::Fetch),
    /// `ALTER SEQUENCE`, which sqlparser cannot parse.
    AlterSequence(Box<crate::sequence_syntax::AlterSequence>),
    /// `CREATE DOMAIN`, whose NOT NULL sqlparser cannot parse.
    CreateDomain(Box<crate::domain_syntax::CreateDomain>),
    /// `CREATE MATERIALIZED VIEW`, whose WITH [NO] DATA sqlparser cannot parse.
    CreateMaterializedView(Box<crate::matview_syntax::CreateMaterializedView>),
    /// `REFRESH MATERIALIZED VIEW`, which sqlparser cannot parse.
    Refresh(Box<crate::matview_syntax::Refresh>),
    /// `DROP TYPE`, whose type names (`int4[]`) sqlparser cannot parse.
    DropType(Box<crate::drop_type_syntax::DropType>),
    /// `SET CONSTRAINTS`, which sqlparser cannot parse.
    SetConstraints(crate::set_constraints_syntax::SetConstraints),
    /// `ALTER INDEX IF EXISTS ... RENAME TO` and `ALTER VIEW ... RENAME TO`, which sqlparser
    /// cannot parse.
    AlterRename(Box<crate::rename_syntax::AlterRename>),
    /// `ALTER TYPE|DOMAIN name OWNER TO role`, which sqlparser cannot parse.
    TypeOwner {
        domain: bool,
        name: sqlparser::ast::ObjectName,
        owner: sqlparser::ast::Owner,
    },
    /// `PREPARE name [(types)] AS statement` (see `prepare_syntax`), with the query string it
    /// came in, which pg_prepared_statements shows.
    Prepare {
        name: sqlparser::ast::Ident,
        data_types: Vec<sqlparser::ast::DataType>,
        statement: Box<Parsed>,
        text: String,
    },
}

impl Parsed {
    /// The number of the first `$n` parameter the statement names, in text order: the one
    /// PostgreSQL reports when a simple-protocol statement names a parameter (42P02).
    pub fn first_parameter(&self) -> Option<usize> {
        let (Parsed::Statement(statement)
        | Parsed::InsertOverridingSystemValue(statement)
        | Parsed::InsertConflictWhere {
            insert: statement, ..
        }) = self
        else {
            return None;
        };
        let mut first = None;
        let _ = sqlparser::ast::visit_expressions(statement, |e| {
            if let Expr::Value(v) = e
                && let Value::Placeholder(p) = &v.value
                && let Some(n) = p.strip_prefix('$').and_then(|n| n.parse().ok())
            {
                first = Some(n);
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        });
        first
    }
}

/// Statements nested deeper than this are refused, so neither the parser nor the rewrite
/// recursion can exhaust the stack.
const RECURSION_LIMIT: usize = 40;

/// Splits and parses `sql`; an empty list means only whitespace, comments and semicolons.
pub fn statements(sql: &str) -> Result<Vec<Parsed>, PgError> {
    let dialect = PostgreSqlDialect {};
    let tokens = Tokenizer::new(&dialect, sql)
        .tokenize_with_location()
        .map_err(|e| tokenizer_error(sql, &e.message, e.location))?;
    let mut out = Vec::new();
    let mut current: Vec<TokenWithSpan> = Vec::new();
    for token in tokens
        .into_iter()
        .chain(std::iter::once(TokenWithSpan::wrap(Token::SemiColon)))
    {
        if token.token != Token::SemiColon {
            current.push(token);
            continue;
        }
        let chunk = std::mem::take(&mut current);
        if chunk
            .iter()
            .all(|t| matches!(t.token, Token::Whitespace(_) | Token::EOF))
        {
            continue;
        }
        out.push(statement(sql, &dialect, chunk)?);
    }
    Ok(out)
}

pub(crate) fn statement(
    sql: &str,
    dialect: &PostgreSqlDialect,
    tokens: Vec<TokenWithSpan>,
) -> Result<Parsed, PgError> {
    let words: Vec<&TokenWithSpan> = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_) | Token::EOF))
        .collect();
    match words.first().map(|t| &t.token) {
        Some(Token::Word(w))
            if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("vacuum") =>
        {
            return vacuum(sql, &words);
        }
        Some(Token::Word(w))
            if w.quote_style.is_none()
                && (w.value.eq_ignore_ascii_case("fetch")
                    || w.value.eq_ignore_ascii_case("move")) =>
        {
            return crate::cursor::parse(sql, &words).map(Parsed::Fetch);
        }
        Some(Token::Word(w)) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("do") => {
            return crate::do_block::parse(&words).map(Parsed::Do);
        }
        Some(Token::Word(w))
            if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("prepare") =>
        {
            return crate::prepare_syntax::prepare(sql, dialect, tokens);
        }
        Some(Token::Word(w))
            if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("execute") =>
        {
            crate::prepare_syntax::check_execute(sql, &words)?;
        }
        Some(Token::Word(w))
            if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("checkpoint") =>
        {
            return match words.get(1) {
                None => Ok(Parsed::Checkpoint),
                Some(t) => Err(syntax_error_at(sql, t)),
            };
        }
        Some(Token::Word(w))
            if w.quote_style.is_none()
                && (w.value.eq_ignore_ascii_case("create")
                    || w.value.eq_ignore_ascii_case("alter")) =>
        {
            if crate::prepare_syntax::creates_from_execute(&words) {
                return Err(PgError::feature_not_supported("CREATE TABLE ... AS EXECUTE"));
            }
            // sqlparser cannot read it: say what is missing rather than a syntax error.
            if w.value.eq_ignore_ascii_case("alter") && drops_expression(&words) {
                return Err(PgError::feature_not_supported(
                    "ALTER COLUMN ... DROP EXPRESSION",
                ));
            }
            if let Some(tokens) = identity_sequence_name(sql, &tokens)? {
                return statement(sql, dialect, tokens);
            }
            if let Some(tokens) = crate::sequence_syntax::identity_options_in_order(&tokens) {
                return statement(sql, dialect, tokens);
            }
        }
        // `RESET TIME ZONE`, which sqlparser cannot parse, is `RESET timezone`.
        Some(Token::Word(w))
            if w.quote_style.is_none()
                && w.value.eq_ignore_ascii_case("reset")
                && words.len() == 3
                && [(1, "time"), (2, "zone")].iter().all(|(i, word)| {
                    matches!(&words[*i].token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
                }) =>
        {
            return Ok(Parsed::Statement(Box::new(Statement::Reset(
                sqlparser::ast::ResetStatement {
                    reset: sqlparser::ast::Reset::ConfigurationParameter(crate::make::name(
                        "timezone",
                    )),
                },
            ))));
        }
        Some(Token::Word(w)) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("drop") => {
            if let Some(tokens) = without_drop_index_concurrently(&tokens)? {
                return statement(sql, dialect, tokens);
            }
        }
        Some(Token::Word(w))
            if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("insert") =>
        {
            if let Some((rest, predicate)) = conflict_where(&tokens) {
                let mut parser = Parser::new(dialect)
                    .with_recursion_limit(RECURSION_LIMIT)
                    .with_tokens_with_locations(predicate);
                let predicate = parser.parse_expr().map_err(|e| parser_error(sql, e))?;
                let next = parser.peek_token();
                if next.token != Token::EOF {
                    return Err(syntax_error_at(sql, &next));
                }
                return match statement(sql, dialect, rest)? {
                    Parsed::Statement(insert) => Ok(Parsed::InsertConflictWhere {
                        insert,
                        predicate: Box::new(predicate),
                    }),
                    _ => Err(PgError::feature_not_supported(
                        "OVERRIDING SYSTEM VALUE with ON CONFLICT (...) WHERE",
                    )),
                };
            }
            if let Some(tokens) = without_overriding(sql, &tokens)? {
                return match statement(sql, dialect, tokens)? {
                    Parsed::Statement(s) => Ok(Parsed::InsertOverridingSystemValue(s)),
                    _ => Err(PgError::internal("OVERRIDING on a non-INSERT")),
                };
            }
        }
        _ => {}
    }
    let is_word = |n: usize, text: &str| {
        matches!(words.get(n).map(|t| &t.token),
            Some(Token::Word(w)) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(text))
    };
    let is_copy = is_word(0, "copy");
    let is_create_sequence = is_word(0, "create")
        && (is_word(1, "sequence")
            || ((is_word(1, "temp") || is_word(1, "temporary")) && is_word(2, "sequence")));
    let is_alter_sequence = is_word(0, "alter") && is_word(1, "sequence");
    let is_create_domain = is_word(0, "create") && is_word(1, "domain");
    let is_create_matview = is_word(0, "create") && is_word(1, "materialized");
    let is_refresh = is_word(0, "refresh");
    let is_set_constraints = is_word(0, "set") && is_word(1, "constraints");
    let is_drop_type = is_word(0, "drop") && is_word(1, "type");
    let is_alter_rename = is_word(0, "alter")
        && (is_word(1, "view")
            || (is_word(1, "materialized") && is_word(2, "view"))
            || (is_word(1, "index") && is_word(2, "if")));
    let is_type_owner = is_word(0, "alter")
        && (is_word(1, "type") || is_word(1, "domain"))
        && words.len() > 4
        && is_word(words.len() - 3, "owner")
        && is_word(words.len() - 2, "to");
    let tokens = grantee_keywords(grant_signature(tokens));
    let tokens = between_symmetric(qualified_operators(without_only(weaker_row_locks(tokens))));
    let mut parser = Parser::new(dialect)
        .with_recursion_limit(RECURSION_LIMIT)
        .with_tokens_with_locations(tokens);
    let own = if is_alter_sequence {
        Some(
            crate::sequence_syntax::parse_alter(&mut parser)
                .map(|alter| Parsed::AlterSequence(Box::new(alter))),
        )
    } else if is_create_domain {
        Some(
            crate::domain_syntax::parse(&mut parser)
                .map(|domain| Parsed::CreateDomain(Box::new(domain))),
        )
    } else if is_create_matview {
        Some(
            crate::matview_syntax::parse_create(&mut parser)
                .map(|view| Parsed::CreateMaterializedView(Box::new(view))),
        )
    } else if is_refresh {
        Some(
            crate::matview_syntax::parse_refresh(&mut parser)
                .map(|refresh| Parsed::Refresh(Box::new(refresh))),
        )
    } else if is_drop_type {
        Some(
            crate::drop_type_syntax::parse(&mut parser)
                .map(|drop| Parsed::DropType(Box::new(drop))),
        )
    } else if is_type_owner {
        Some(type_owner(&mut parser))
    } else if is_set_constraints {
        Some(crate::set_constraints_syntax::parse(&mut parser).map(Parsed::SetConstraints))
    } else if is_alter_rename {
        Some(
            crate::rename_syntax::parse(&mut parser)
                .map(|rename| Parsed::AlterRename(Box::new(rename))),
        )
    } else {
        None
    };
    if let Some(parsed) = own {
        let parsed = parsed.map_err(|e| parser_error(sql, e))?;
        let next = parser.peek_token();
        if next.token != Token::EOF {
            return Err(syntax_error_at(sql, &next));
        }
        return Ok(parsed);
    }
    let stmt = if is_copy {
        crate::copy_syntax::parse(&mut parser)
    } else if is_create_sequence {
        crate::sequence_syntax::parse_create(&mut parser)
    } else {
        parser.parse_statement()
    }
    .map_err(|e| parser_error(sql, e))?;
    let next = parser.peek_token();
    if next.token != Token::EOF {
        return Err(syntax_error_at(sql, &next));
    }
    Ok(Parsed::Statement(Box::new(stmt)))
}

/// True when an ALTER TABLE holds `ALTER [COLUMN] c DROP EXPRESSION`; a bare `DROP
/// expression` drops a column of that name.
fn drops_expression(words: &[&TokenWithSpan]) -> bool {
    let is = |t: &TokenWithSpan, word: &str| {
        matches!(&t.token, Token::Word(w)
            if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
    };
    words.windows(5).any(|run| match run {
        [a, b, _, drop, expression] if is(drop, "drop") && is(expression, "expression") => {
            is(b, "alter") || (is(a, "alter") && is(b, "column"))
        }
        _ => false,
    })
}

/// The tokens of a CREATE/ALTER TABLE without the `SEQUENCE NAME name` of an identity
/// column's options (drizzle-kit writes it; sqlparser cannot parse it), or None when there is
/// none. Only the name devdb gives that sequence anyway (`table_column_seq`) is accepted, so
/// nothing is silently named otherwise.
fn identity_sequence_name(
    sql: &str,
    tokens: &[TokenWithSpan],
) -> Result<Option<Vec<TokenWithSpan>>, PgError> {
    let word = |t: &TokenWithSpan| match &t.token {
        Token::Word(w) => Some(fold_word(w)),
        _ => None,
    };
    let is_word = |t: &TokenWithSpan, text: &str| matches!(&t.token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(text));
    let words: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_) | Token::EOF))
        .collect();
    let Some(n) = (0..words.len().saturating_sub(1)).find(|&n| {
        is_word(&tokens[words[n]], "sequence")
            && is_word(&tokens[words[n + 1]], "name")
            && words[..n].iter().any(|&i| is_word(&tokens[i], "identity"))
    }) else {
        return Ok(None);
    };
    // The table: the name after TABLE [IF NOT EXISTS] [ONLY], its last part when qualified;
    // the column: the first word after the `(` or `,` (or ADD [COLUMN], or ALTER COLUMN) that
    // starts its definition.
    let table = words
        .iter()
        .position(|&i| is_word(&tokens[i], "table"))
        .and_then(|p| {
            let first = p
                + 1
                + words[p + 1..].iter().position(|&i| {
                    !["if", "not", "exists", "only"]
                        .iter()
                        .any(|w| is_word(&tokens[i], w))
                })?;
            let mut last = first;
            while words
                .get(last + 1)
                .is_some_and(|&i| tokens[i].token == Token::Period)
            {
                last += 2;
            }
            words.get(last)
        })
        .and_then(|&i| word(&tokens[i]));
    // The column's definition starts before its IDENTITY (whose options list opens a `(` too).
    let identity = words[..n]
        .iter()
        .rposition(|&i| is_word(&tokens[i], "identity"))
        .unwrap_or(n);
    let mut depth = 0usize;
    let mut starts = Vec::new();
    for (p, &i) in words[..identity].iter().enumerate() {
        match tokens[i].token {
            Token::LParen => {
                depth += 1;
                if depth == 1 {
                    starts.push(p);
                }
            }
            Token::RParen => depth = depth.saturating_sub(1),
            Token::Comma if depth == 1 => starts.push(p),
            // Not the ADD of `ALTER COLUMN c ADD GENERATED ...` (pg_dump's form).
            _ if depth == 0
                && (is_word(&tokens[i], "column")
                    || (is_word(&tokens[i], "add")
                        && !words
                            .get(p + 1)
                            .is_some_and(|&j| is_word(&tokens[j], "generated")))) =>
            {
                starts.push(p)
            }
            _ => {}
        }
    }
    let column = starts
        .last()
        .and_then(|&p| words.get(p + 1))
        .and_then(|&i| word(&tokens[i]));
    let Some(&name_at) = words.get(n + 2) else {
        return Err(syntax_error_at(sql, &tokens[words[n + 1]]));
    };
    let mut end = n + 2;
    // A qualified name: `schema.name`.
    while words
        .get(end + 1)
        .is_some_and(|&i| tokens[i].token == Token::Period)
    {
        end += 2;
    }
    let given = words.get(end).and_then(|&i| word(&tokens[i]));
    let expected = table.zip(column).map(|(t, c)| format!("{t}_{c}_seq"));
    if given.is_none() || given != expected {
        return Err(PgError::feature_not_supported(format!(
            "SEQUENCE NAME {} for an identity column (devdb names it {})",
            word(&tokens[name_at]).unwrap_or_default(),
            expected.as_deref().unwrap_or("table_column_seq"),
        )));
    }
    let mut rest = tokens.to_vec();
    rest.drain(words[n]..=words[end]);
    Ok(Some(rest))
}

/// True when the token is the unquoted keyword `word`.
pub(crate) fn is_word(t: &TokenWithSpan, word: &str) -> bool {
    matches!(&t.token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
}

/// An INSERT's tokens without the `WHERE predicate` of `ON CONFLICT (cols) WHERE predicate DO`,
/// and the predicate's tokens; None when there is no such clause.
fn conflict_where(tokens: &[TokenWithSpan]) -> Option<(Vec<TokenWithSpan>, Vec<TokenWithSpan>)> {
    let words: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_) | Token::EOF))
        .collect();
    // Nesting depth before each word.
    let mut depth = 0i32;
    let mut depths = Vec::with_capacity(words.len());
    for &i in &words {
        depths.push(depth);
        match tokens[i].token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            _ => {}
        }
    }
    let at = |n: usize| words.get(n).map(|&i| &tokens[i]);
    let start = (0..words.len()).find(|&n| {
        depths[n] == 0
            && at(n).is_some_and(|t| is_word(t, "on"))
            && at(n + 1).is_some_and(|t| is_word(t, "conflict"))
            && at(n + 2).is_some_and(|t| t.token == Token::LParen)
    })?;
    let close = (start + 3..words.len())
        .find(|&n| depths[n] == 1 && at(n).is_some_and(|t| t.token == Token::RParen))?;
    let where_at = close + 1;
    if !at(where_at).is_some_and(|t| is_word(t, "where")) {
        return None;
    }
    let do_at = (where_at + 1..words.len())
        .find(|&n| depths[n] == 0 && at(n).is_some_and(|t| is_word(t, "do")))?;
    let (from, to) = (words[where_at], words[do_at]);
    let predicate = tokens[words[where_at + 1]..to].to_vec();
    let mut rest = tokens[..from].to_vec();
    rest.extend_from_slice(&tokens[to..]);
    Some((rest, predicate))
}

/// The tokens of an INSERT without its `OVERRIDING SYSTEM VALUE` words, or None when it has
/// none; `OVERRIDING USER VALUE` is refused.
fn without_overriding(
    sql: &str,
    tokens: &[TokenWithSpan],
) -> Result<Option<Vec<TokenWithSpan>>, PgError> {
    let words: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_) | Token::EOF))
        .collect();
    for (n, &i) in words.iter().enumerate() {
        if !is_word(&tokens[i], "overriding") {
            continue;
        }
        let (Some(&kind), Some(&value)) = (words.get(n + 1), words.get(n + 2)) else {
            return Err(syntax_error_at(sql, &tokens[i]));
        };
        if !is_word(&tokens[value], "value") {
            return Err(syntax_error_at(sql, &tokens[value]));
        }
        if is_word(&tokens[kind], "user") {
            return Err(PgError::feature_not_supported("OVERRIDING USER VALUE"));
        }
        if !is_word(&tokens[kind], "system") {
            return Err(syntax_error_at(sql, &tokens[kind]));
        }
        let mut rest = tokens.to_vec();
        rest.drain(i..=value);
        return Ok(Some(rest));
    }
    Ok(None)
}

/// The function `BETWEEN SYMMETRIC a AND b` is read into, which sqlparser cannot parse: `a`
/// becomes `__devdb_between_symmetric(a)` (see [`symmetric_low`]). `a` cannot hold a bare AND
/// (BETWEEN binds tighter), so it ends at the first AND outside parentheses.
const SYMMETRIC: &str = "__devdb_between_symmetric";

fn between_symmetric(mut tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let is_word = |t: &TokenWithSpan, word: &str| matches!(&t.token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word));
    let mut i = 0;
    while i < tokens.len() {
        let next_word =
            (i + 1..tokens.len()).find(|&j| !matches!(tokens[j].token, Token::Whitespace(_)));
        let Some(j) = next_word.filter(|_| is_word(&tokens[i], "between")) else {
            i += 1;
            continue;
        };
        if is_word(&tokens[j], "asymmetric") {
            // The default, spelled out.
            tokens.remove(j);
        } else if is_word(&tokens[j], "symmetric") {
            let mut depth = 0i32;
            let end = (j + 1..tokens.len()).find(|&k| {
                match &tokens[k].token {
                    Token::LParen | Token::LBracket => depth += 1,
                    Token::RParen | Token::RBracket => depth -= 1,
                    _ => {}
                }
                depth == 0 && is_word(&tokens[k], "and")
            });
            if let Some(end) = end {
                tokens.insert(end, TokenWithSpan::wrap(Token::RParen));
                tokens[j] = TokenWithSpan::wrap(Token::make_word(SYMMETRIC, None));
                tokens.insert(j + 1, TokenWithSpan::wrap(Token::LParen));
            }
        }
        i += 1;
    }
    tokens
}

/// `ALTER TYPE|DOMAIN name OWNER TO role`.
fn type_owner(parser: &mut Parser) -> Result<Parsed, ParserError> {
    parser.expect_keyword(Keyword::ALTER)?;
    let domain = parser.parse_keyword(Keyword::DOMAIN);
    if !domain {
        parser.expect_keyword(Keyword::TYPE)?;
    }
    let name = parser.parse_object_name(false)?;
    parser.expect_keywords(&[Keyword::OWNER, Keyword::TO])?;
    let owner = parser.parse_owner()?;
    Ok(Parsed::TypeOwner {
        domain,
        name,
        owner,
    })
}

/// `FROM ONLY t` (pg_dump's `--inserts` reads tables so), `JOIN ONLY t`, `UPDATE ONLY t` read
/// without ONLY, which sqlparser cannot parse there: without table inheritance a table has no
/// children to leave out.
fn without_only(mut tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let mut previous: Option<usize> = None;
    let mut i = 0;
    while i < tokens.len() {
        if matches!(tokens[i].token, Token::Whitespace(_)) {
            i += 1;
            continue;
        }
        let after_keyword = previous.is_some_and(|p| {
            is_word(&tokens[p], "from")
                || is_word(&tokens[p], "join")
                || is_word(&tokens[p], "update")
        });
        let next =
            (i + 1..tokens.len()).find(|&k| !matches!(tokens[k].token, Token::Whitespace(_)));
        let names_table = next.is_some_and(|k| matches!(tokens[k].token, Token::Word(_)));
        if after_keyword && is_word(&tokens[i], "only") && names_table {
            tokens.remove(i);
            continue;
        }
        previous = Some(i);
        i += 1;
    }
    tokens
}

/// `FOR NO KEY UPDATE` and `FOR KEY SHARE`, which sqlparser does not read, as `FOR UPDATE` and
/// `FOR SHARE`: devdb gives every row lock the same meaning (the transaction writes alone).
fn weaker_row_locks(mut tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let words: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect();
    let mut remove = Vec::new();
    for (k, &i) in words.iter().enumerate() {
        if !is_word(&tokens[i], "for") {
            continue;
        }
        let word = |n: usize, w: &str| words.get(k + n).is_some_and(|&j| is_word(&tokens[j], w));
        if word(1, "no") && word(2, "key") && word(3, "update") {
            remove.extend([words[k + 1], words[k + 2]]);
        } else if word(1, "key") && word(2, "share") {
            remove.push(words[k + 1]);
        }
    }
    for i in remove.into_iter().rev() {
        tokens.remove(i);
    }
    tokens
}

/// GRANT and REVOKE ... ON FUNCTION f(x integer) (pg_dump's form) without the argument
/// names and modes, which sqlparser does not read there: a name is a first word followed by
/// another that no multi-word type starts with (`double precision` stays).
fn grant_signature(mut tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    const TYPE_STARTS: &[&str] = &[
        "double",
        "character",
        "char",
        "bit",
        "timestamp",
        "time",
        "interval",
        "national",
    ];
    let words: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect();
    let starts = |w: &[usize]| {
        w.first()
            .is_some_and(|&i| is_word(&tokens[i], "grant") || is_word(&tokens[i], "revoke"))
    };
    if !starts(&words) {
        return tokens;
    }
    let Some(on) = words.windows(2).position(|w| {
        is_word(&tokens[w[0]], "on")
            && (is_word(&tokens[w[1]], "function") || is_word(&tokens[w[1]], "procedure"))
    }) else {
        return tokens;
    };
    let Some(open) = words[on..]
        .iter()
        .position(|&i| tokens[i].token == Token::LParen)
    else {
        return tokens;
    };
    let mut remove = Vec::new();
    let mut arg_start = true;
    let mut k = on + open + 1;
    while k < words.len() && tokens[words[k]].token != Token::RParen {
        let i = words[k];
        if tokens[i].token == Token::Comma {
            arg_start = true;
            k += 1;
            continue;
        }
        if arg_start {
            let is_mode = ["in", "out", "inout", "variadic"]
                .iter()
                .any(|m| is_word(&tokens[i], m));
            let next_is_word = words
                .get(k + 1)
                .is_some_and(|&n| matches!(tokens[n].token, Token::Word(_)));
            let is_type_start = TYPE_STARTS.iter().any(|t| is_word(&tokens[i], t));
            if is_mode
                || (next_is_word && !is_type_start && matches!(tokens[i].token, Token::Word(_)))
            {
                remove.push(i);
                if is_mode {
                    k += 1;
                    continue;
                }
            }
            arg_start = false;
        }
        k += 1;
    }
    for i in remove.into_iter().rev() {
        tokens.remove(i);
    }
    tokens
}

/// GRANT ... TO and REVOKE ... FROM CURRENT_USER, SESSION_USER or CURRENT_ROLE, which
/// sqlparser reads only as functions, and PUBLIC, after which it reads every later grantee as
/// PUBLIC too, as plain names: the translator reads them unquoted as the connected user and
/// PUBLIC (a quoted "current_user" stays a role's name).
fn grantee_keywords(mut tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let words: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect();
    let Some(&first) = words.first() else {
        return tokens;
    };
    if !is_word(&tokens[first], "grant") && !is_word(&tokens[first], "revoke") {
        return tokens;
    }
    let Some(at) = words
        .iter()
        .position(|&i| is_word(&tokens[i], "to") || is_word(&tokens[i], "from"))
    else {
        return tokens;
    };
    for &i in &words[at + 1..] {
        if let Token::Word(word) = &mut tokens[i].token
            && word.quote_style.is_none()
            && ["current_user", "session_user", "current_role", "public"]
                .iter()
                .any(|k| word.value.eq_ignore_ascii_case(k))
        {
            word.keyword = sqlparser::keywords::Keyword::NoKeyword;
        }
    }
    tokens
}

/// `OPERATOR(pg_catalog.=)` (how pg_dump and psql spell operators, immune to the search path)
/// read as the operator itself, which is the same operator: devdb has no user operators. The
/// regular-expression ones stay as they are, which the translator reads (and sqlparser parses)
/// everywhere; sqlparser cannot parse the others before ANY or ALL.
fn qualified_operators(mut tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let mut i = 0;
    while i < tokens.len() {
        if !is_word(&tokens[i], "operator") {
            i += 1;
            continue;
        }
        // OPERATOR ( pg_catalog . op ), whitespace aside.
        let at: Vec<usize> = (i..tokens.len())
            .filter(|&k| !matches!(tokens[k].token, Token::Whitespace(_)))
            .take(6)
            .collect();
        let shape = match at.as_slice() {
            &[_, open, schema, dot, op, close] => (tokens[open].token == Token::LParen
                && is_word(&tokens[schema], "pg_catalog")
                && tokens[dot].token == Token::Period
                && tokens[close].token == Token::RParen
                && matches!(
                    tokens[op].token,
                    Token::Eq
                        | Token::Neq
                        | Token::Lt
                        | Token::Gt
                        | Token::LtEq
                        | Token::GtEq
                        | Token::Plus
                        | Token::Minus
                        | Token::Mul
                        | Token::Div
                        | Token::Mod
                        | Token::StringConcat
                ))
            .then_some((op, close)),
            _ => None,
        };
        if let Some((op, close)) = shape {
            let op = tokens[op].clone();
            tokens.splice(i..=close, [op]);
        }
        i += 1;
    }
    tokens
}

/// The low bound of a BETWEEN that was SYMMETRIC (see [`between_symmetric`]).
pub(crate) fn symmetric_low(low: &sqlparser::ast::Expr) -> Option<&sqlparser::ast::Expr> {
    use sqlparser::ast::{Expr, FunctionArg, FunctionArgExpr, FunctionArguments};
    let Expr::Function(f) = low else {
        return None;
    };
    if f.name.to_string() != SYMMETRIC {
        return None;
    }
    match &f.args {
        FunctionArguments::List(list) => match list.args.as_slice() {
            [FunctionArg::Unnamed(FunctionArgExpr::Expr(e))] => Some(e),
            _ => None,
        },
        _ => None,
    }
}

/// The tokens of `DROP INDEX CONCURRENTLY ...` without CONCURRENTLY (sqlparser cannot parse
/// it), or None for any other DROP. devdb's DDL never blocks readers, so dropping
/// concurrently is dropping.
fn without_drop_index_concurrently(
    tokens: &[TokenWithSpan],
) -> Result<Option<Vec<TokenWithSpan>>, PgError> {
    let words: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_) | Token::EOF))
        .take(3)
        .collect();
    match words.as_slice() {
        [_, index, concurrently]
            if is_word(&tokens[*index], "index")
                && is_word(&tokens[*concurrently], "concurrently") =>
        {
            if tokens.iter().any(|t| t.token == Token::Comma) {
                return Err(PgError::new(
                    devdb_pg::SqlState::FEATURE_NOT_SUPPORTED,
                    "DROP INDEX CONCURRENTLY does not support dropping multiple objects",
                ));
            }
            let mut rest = tokens.to_vec();
            rest.remove(*concurrently);
            Ok(Some(rest))
        }
        _ => Ok(None),
    }
}

/// `VACUUM [FULL] [FREEZE] [VERBOSE] [ANALYZE] [(options)] [table [, ...]]`.
fn vacuum(sql: &str, words: &[&TokenWithSpan]) -> Result<Parsed, PgError> {
    let mut analyze = false;
    let mut tables = Vec::new();
    let mut rest = words.iter().skip(1).peekable();
    let mut in_options = false;
    let mut expect_table = true;
    while let Some(t) = rest.next() {
        match &t.token {
            Token::LParen if tables.is_empty() && !in_options => in_options = true,
            Token::RParen if in_options => in_options = false,
            _ if in_options => {
                if let Token::Word(w) = &t.token {
                    analyze |= w.value.eq_ignore_ascii_case("analyze");
                }
            }
            Token::Word(w)
                if tables.is_empty() && w.quote_style.is_none() && is_vacuum_option(&w.value) =>
            {
                analyze |= w.value.eq_ignore_ascii_case("analyze")
                    || w.value.eq_ignore_ascii_case("analyse");
            }
            Token::Word(w) if expect_table => {
                let mut name = fold_word(w);
                if name == "public" && rest.peek().map(|t| &t.token) == Some(&Token::Period) {
                    rest.next();
                    match rest.next().map(|t| &t.token) {
                        Some(Token::Word(w)) => name = fold_word(w),
                        _ => return Err(syntax_error_at(sql, t)),
                    }
                }
                // A column list after the table name belongs to ANALYZE; skip it.
                if rest.peek().map(|t| &t.token) == Some(&Token::LParen) {
                    for t in rest.by_ref() {
                        if t.token == Token::RParen {
                            break;
                        }
                    }
                }
                tables.push(name);
                expect_table = false;
            }
            Token::Comma if !expect_table => expect_table = true,
            _ => return Err(syntax_error_at(sql, t)),
        }
    }
    if in_options || (expect_table && !tables.is_empty()) {
        return Err(PgError::syntax_error(
            "syntax error at end of input",
            Some(char_len(sql) + 1),
        ));
    }
    Ok(Parsed::Vacuum { analyze, tables })
}

fn is_vacuum_option(word: &str) -> bool {
    ["full", "freeze", "verbose", "analyze", "analyse"]
        .iter()
        .any(|o| word.eq_ignore_ascii_case(o))
}

pub(crate) fn fold_word(w: &sqlparser::tokenizer::Word) -> String {
    match w.quote_style {
        Some(_) => w.value.clone(),
        None => w.value.to_lowercase(),
    }
}

fn char_len(sql: &str) -> u32 {
    u32::try_from(sql.chars().count()).unwrap_or(u32::MAX)
}

/// The 1-based character offset of a line/column location in `sql`.
pub(crate) fn position(sql: &str, line: u64, column: u64) -> Option<u32> {
    if line == 0 || column == 0 {
        return None;
    }
    let mut offset: u64 = 0;
    for (i, text) in sql.split('\n').enumerate() {
        if i as u64 + 1 == line {
            return u32::try_from(offset + column).ok();
        }
        offset += text.chars().count() as u64 + 1;
    }
    None
}

pub(crate) fn syntax_error_at(sql: &str, token: &TokenWithSpan) -> PgError {
    let start = token.span.start;
    match &token.token {
        Token::EOF => {
            PgError::syntax_error("syntax error at end of input", Some(char_len(sql) + 1))
        }
        t => PgError::syntax_error(
            format!("syntax error at or near \"{t}\""),
            position(sql, start.line, start.column),
        ),
    }
}

fn tokenizer_error(sql: &str, message: &str, at: Location) -> PgError {
    let message = if message.starts_with("Unterminated") {
        "unterminated quoted string".to_owned()
    } else {
        message.to_lowercase()
    };
    PgError::syntax_error(message, position(sql, at.line, at.column))
}

/// Maps "Expected: X, found: Y at Line: L, Column: C" to PostgreSQL's wording and position.
pub(crate) fn parser_error(sql: &str, err: ParserError) -> PgError {
    let text = match err {
        ParserError::RecursionLimitExceeded => {
            return PgError::new(
                devdb_pg::SqlState::STATEMENT_TOO_COMPLEX,
                "stack depth limit exceeded",
            );
        }
        ParserError::TokenizerError(t) | ParserError::ParserError(t) => t,
    };
    let (body, location) = match text.rfind(" at Line: ") {
        Some(i) => (&text[..i], Some(&text[i + " at Line: ".len()..])),
        None => (text.as_str(), None),
    };
    let at = location.and_then(|loc| {
        let (line, column) = loc.split_once(", Column: ")?;
        Some((
            line.trim().parse::<u64>().ok()?,
            column.trim().parse::<u64>().ok()?,
        ))
    });
    let found = body.rsplit_once("found: ").map(|(_, f)| f);
    match found {
        Some("EOF") | None if at.is_none() || found == Some("EOF") => {
            PgError::syntax_error("syntax error at end of input", Some(char_len(sql) + 1))
        }
        Some(found) => PgError::syntax_error(
            format!("syntax error at or near \"{found}\""),
            at.and_then(|(l, c)| position(sql, l, c)),
        ),
        None => PgError::syntax_error(
            format!(
                "syntax error: {}",
                body.trim_start_matches("sql parser error: ")
            ),
            at.and_then(|(l, c)| position(sql, l, c)),
        ),
    }
}

/// A type name as regtype input spells it (`integer`, `character varying`, `pg_catalog.int4`).
pub(crate) fn data_type(text: &str) -> Result<sqlparser::ast::DataType, PgError> {
    whole(text, |p| p.parse_data_type()).ok_or_else(|| {
        PgError::new(
            devdb_pg::SqlState::UNDEFINED_OBJECT,
            format!("type \"{text}\" does not exist"),
        )
    })
}

/// An object name as regclass input spells it (`users`, `public."Users"`).
pub(crate) fn object_name(text: &str) -> Result<sqlparser::ast::ObjectName, PgError> {
    whole(text, |p| p.parse_object_name(false)).ok_or_else(|| {
        PgError::new(
            devdb_pg::SqlState::INVALID_NAME,
            format!("invalid name syntax: \"{text}\""),
        )
    })
}

/// An expression as devdb's catalog stores it (a column default), or None.
pub(crate) fn expression(text: &str) -> Option<sqlparser::ast::Expr> {
    whole(text, |p| p.parse_expr())
}

/// A query as devdb's catalog stores it (a view's definition), or None.
pub(crate) fn query(text: &str) -> Option<sqlparser::ast::Query> {
    whole(text, |p| p.parse_query()).map(|q| *q)
}

/// `text` parsed by `item` as a whole, or None.
fn whole<T>(text: &str, item: impl FnOnce(&mut Parser) -> Result<T, ParserError>) -> Option<T> {
    let dialect = PostgreSqlDialect {};
    let mut parser = Parser::new(&dialect).try_with_sql(text).ok()?;
    let parsed = item(&mut parser).ok()?;
    (parser.peek_token().token == Token::EOF).then_some(parsed)
}
