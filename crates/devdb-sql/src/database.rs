//! Commands on whole databases: CREATE DATABASE, DROP DATABASE, ALTER DATABASE ... RENAME TO,
//! and devdb's `SELECT devdb_snapshot('name')` / `SELECT devdb_restore('name')`.
//!
//! They act on the server, not on one database's tables, so the executor runs them itself
//! rather than as SQLite statements. sqlparser does not know PostgreSQL's options for them
//! (TEMPLATE, WITH (FORCE)), so they are read from tokens here.

use devdb_pg::{PgError, PgType, SqlState};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

use crate::{Column, Kind, Translated};

/// A command on a whole database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseCommand {
    /// `CREATE DATABASE name [WITH] [TEMPLATE t] [IS_TEMPLATE b] [other options accepted]`.
    Create {
        name: String,
        template: Option<String>,
        is_template: bool,
        allow_connections: bool,
    },
    /// `DROP DATABASE [IF EXISTS] name [[WITH] (FORCE)]`.
    Drop {
        name: String,
        if_exists: bool,
        force: bool,
    },
    /// `ALTER DATABASE name RENAME TO new`.
    Rename { from: String, to: String },
    /// `SELECT devdb_snapshot('name')`: a consistent copy of the current database.
    Snapshot { name: String },
    /// `SELECT devdb_restore('name')`: the current database's contents replaced by a copy of `name`.
    Restore { name: String },
}

impl DatabaseCommand {
    /// The CommandComplete tag.
    pub fn tag(&self) -> &'static str {
        match self {
            DatabaseCommand::Create { .. } => "CREATE DATABASE",
            DatabaseCommand::Drop { .. } => "DROP DATABASE",
            DatabaseCommand::Rename { .. } => "ALTER DATABASE",
            DatabaseCommand::Snapshot { .. } | DatabaseCommand::Restore { .. } => "SELECT 1",
        }
    }
}

/// The statement the executor runs for `command`: no SQLite, and for the devdb functions one
/// `void` column named after the function, as PostgreSQL describes a void function's result.
pub fn translated(command: DatabaseCommand) -> Translated {
    let columns = match &command {
        DatabaseCommand::Snapshot { .. } => vec![void_column("devdb_snapshot")],
        DatabaseCommand::Restore { .. } => vec![void_column("devdb_restore")],
        _ => Vec::new(),
    };
    Translated {
        columns,
        ..Translated::nothing(Kind::Database(command))
    }
}

fn void_column(name: &str) -> Column {
    Column {
        name: name.to_owned(),
        ty: PgType::Void,
        typmod: -1,
        enum_oid: None,
    }
}

/// Reads `sql` as a database command, or None when it is something else.
pub fn command(sql: &str) -> Option<Result<DatabaseCommand, PgError>> {
    let tokens = Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize().ok()?;
    let mut words: Vec<Token> = tokens
        .into_iter()
        .filter(|t| !matches!(t, Token::Whitespace(_) | Token::EOF))
        .collect();
    while words.last() == Some(&Token::SemiColon) {
        words.pop();
    }
    let keyword = |i: usize, k: &str| matches!(words.get(i), Some(Token::Word(w)) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(k));
    let is_command = (keyword(0, "create") || keyword(0, "drop") || keyword(0, "alter"))
        && keyword(1, "database")
        || keyword(0, "select") && (keyword(1, "devdb_snapshot") || keyword(1, "devdb_restore"));
    if !is_command {
        return None;
    }
    if words.contains(&Token::SemiColon) {
        let what = if keyword(0, "select") {
            "devdb_snapshot and devdb_restore"
        } else {
            "this command"
        };
        return Some(Err(PgError::new(
            SqlState::ACTIVE_SQL_TRANSACTION,
            format!("{what} cannot be executed within a multi-command string"),
        )));
    }
    Some(Reader { words, pos: 0 }.command())
}

struct Reader {
    words: Vec<Token>,
    pos: usize,
}

impl Reader {
    fn command(mut self) -> Result<DatabaseCommand, PgError> {
        let first = self.word()?;
        let command = match first.as_str() {
            "create" => self.create()?,
            "drop" => self.drop_database()?,
            "alter" => self.rename()?,
            _ => self.function()?,
        };
        match self.words.get(self.pos) {
            None => Ok(command),
            Some(t) => Err(syntax_error(t)),
        }
    }

    fn create(&mut self) -> Result<DatabaseCommand, PgError> {
        self.expect("database")?;
        let name = self.identifier()?;
        let (mut template, mut is_template, mut allow_connections) = (None, false, true);
        self.accept("with");
        while self.pos < self.words.len() {
            let option = self.word()?;
            let option = if option == "connection" {
                self.expect("limit")?;
                "connection limit".to_owned()
            } else {
                option
            };
            self.accept_token(&Token::Eq);
            match option.as_str() {
                "template" => template = Some(self.identifier()?),
                "is_template" => is_template = self.boolean()?,
                "allow_connections" => allow_connections = self.boolean()?,
                "encoding" => {
                    let encoding = self.value()?;
                    let normalized = encoding.to_ascii_uppercase().replace('-', "");
                    if normalized != "UTF8" && normalized != "6" && normalized != "DEFAULT" {
                        return Err(PgError::feature_not_supported(format!(
                            "encoding \"{encoding}\" (devdb databases are UTF8)"
                        )));
                    }
                }
                "owner" | "locale" | "lc_collate" | "lc_ctype" | "tablespace"
                | "connection limit" | "strategy" | "locale_provider" | "icu_locale"
                | "icu_rules" | "collation_version" | "oid" => {
                    self.value()?;
                }
                other => {
                    return Err(PgError::syntax_error(
                        format!("option \"{other}\" not recognized"),
                        None,
                    ));
                }
            }
        }
        Ok(DatabaseCommand::Create {
            name,
            template,
            is_template,
            allow_connections,
        })
    }

    fn drop_database(&mut self) -> Result<DatabaseCommand, PgError> {
        self.expect("database")?;
        let if_exists = self.accept("if");
        if if_exists {
            self.expect("exists")?;
        }
        let name = self.identifier()?;
        self.accept("with");
        let mut force = false;
        if self.accept_token(&Token::LParen) {
            loop {
                match self.word()?.as_str() {
                    "force" => force = true,
                    other => {
                        return Err(PgError::syntax_error(
                            format!("unrecognized DROP DATABASE option \"{other}\""),
                            None,
                        ));
                    }
                }
                if !self.accept_token(&Token::Comma) {
                    break;
                }
            }
            self.expect_token(&Token::RParen)?;
        }
        Ok(DatabaseCommand::Drop {
            name,
            if_exists,
            force,
        })
    }

    fn rename(&mut self) -> Result<DatabaseCommand, PgError> {
        self.expect("database")?;
        let from = self.identifier()?;
        if !self.accept("rename") {
            return Err(PgError::feature_not_supported(
                "ALTER DATABASE other than RENAME TO",
            ));
        }
        self.expect("to")?;
        let to = self.identifier()?;
        Ok(DatabaseCommand::Rename { from, to })
    }

    /// `devdb_snapshot('name')` or `devdb_restore('name')`, after SELECT.
    fn function(&mut self) -> Result<DatabaseCommand, PgError> {
        let function = self.word()?;
        self.expect_token(&Token::LParen)?;
        let name = match self.next() {
            Some(Token::SingleQuotedString(s)) => s,
            Some(t) => return Err(syntax_error(&t)),
            None => return Err(end_of_input()),
        };
        self.expect_token(&Token::RParen)?;
        Ok(match function.as_str() {
            "devdb_snapshot" => DatabaseCommand::Snapshot { name },
            _ => DatabaseCommand::Restore { name },
        })
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.words.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    /// A keyword or unquoted word, lower-cased.
    fn word(&mut self) -> Result<String, PgError> {
        match self.next() {
            Some(Token::Word(w)) if w.quote_style.is_none() => Ok(w.value.to_lowercase()),
            Some(t) => Err(syntax_error(&t)),
            None => Err(end_of_input()),
        }
    }

    /// An identifier as PostgreSQL folds it: unquoted lower-cased, quoted verbatim.
    fn identifier(&mut self) -> Result<String, PgError> {
        match self.next() {
            Some(Token::Word(w)) if w.quote_style.is_some() => Ok(w.value),
            Some(Token::Word(w)) => Ok(w.value.to_lowercase()),
            Some(t) => Err(syntax_error(&t)),
            None => Err(end_of_input()),
        }
    }

    /// An option's value: a word, a string or a number.
    fn value(&mut self) -> Result<String, PgError> {
        match self.next() {
            Some(Token::Word(w)) => Ok(w.value),
            Some(Token::SingleQuotedString(s)) => Ok(s),
            Some(Token::Number(n, _)) => Ok(n),
            Some(Token::Minus) => Ok(format!("-{}", self.value()?)),
            Some(t) => Err(syntax_error(&t)),
            None => Err(end_of_input()),
        }
    }

    fn boolean(&mut self) -> Result<bool, PgError> {
        let value = self.value()?;
        devdb_pg::value::parse_bool(&value).ok_or_else(|| {
            PgError::new(
                SqlState::SYNTAX_ERROR,
                format!("invalid boolean value \"{value}\""),
            )
        })
    }

    fn accept(&mut self, keyword: &str) -> bool {
        let found = matches!(self.words.get(self.pos), Some(Token::Word(w)) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(keyword));
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect(&mut self, keyword: &str) -> Result<(), PgError> {
        if self.accept(keyword) {
            return Ok(());
        }
        match self.words.get(self.pos) {
            Some(t) => Err(syntax_error(t)),
            None => Err(end_of_input()),
        }
    }

    fn accept_token(&mut self, token: &Token) -> bool {
        let found = self.words.get(self.pos) == Some(token);
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect_token(&mut self, token: &Token) -> Result<(), PgError> {
        if self.accept_token(token) {
            return Ok(());
        }
        match self.words.get(self.pos) {
            Some(t) => Err(syntax_error(t)),
            None => Err(end_of_input()),
        }
    }
}

fn syntax_error(token: &Token) -> PgError {
    PgError::syntax_error(format!("syntax error at or near \"{token}\""), None)
}

fn end_of_input() -> PgError {
    PgError::syntax_error("syntax error at end of input", None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(sql: &str) -> Result<DatabaseCommand, PgError> {
        command(sql).expect("a database command")
    }

    #[test]
    fn create_database_reads_postgresql_options() {
        assert_eq!(
            read(
                "CREATE DATABASE test_1 WITH TEMPLATE = seeded OWNER postgres ENCODING 'UTF8' CONNECTION LIMIT -1 IS_TEMPLATE false;"
            ),
            Ok(DatabaseCommand::Create {
                name: "test_1".into(),
                template: Some("seeded".into()),
                is_template: false,
                allow_connections: true,
            })
        );
        assert_eq!(
            read("create database \"Mixed Case\""),
            Ok(DatabaseCommand::Create {
                name: "Mixed Case".into(),
                template: None,
                is_template: false,
                allow_connections: true
            })
        );
        assert_eq!(
            read("create database x encoding 'LATIN1'").map_err(|e| e.code),
            Err(SqlState::FEATURE_NOT_SUPPORTED)
        );
    }

    #[test]
    fn drop_and_rename() {
        assert_eq!(
            read("DROP DATABASE IF EXISTS t WITH (FORCE)"),
            Ok(DatabaseCommand::Drop {
                name: "t".into(),
                if_exists: true,
                force: true
            })
        );
        assert_eq!(
            read("drop database t"),
            Ok(DatabaseCommand::Drop {
                name: "t".into(),
                if_exists: false,
                force: false
            })
        );
        assert_eq!(
            read("ALTER DATABASE a RENAME TO b"),
            Ok(DatabaseCommand::Rename {
                from: "a".into(),
                to: "b".into()
            })
        );
    }

    #[test]
    fn snapshot_and_restore_are_commands() {
        assert_eq!(
            read("select devdb_snapshot('seeded')"),
            Ok(DatabaseCommand::Snapshot {
                name: "seeded".into()
            })
        );
        assert_eq!(
            read("SELECT devdb_restore('seeded');"),
            Ok(DatabaseCommand::Restore {
                name: "seeded".into()
            })
        );
    }

    #[test]
    fn other_statements_are_not_database_commands() {
        assert_eq!(command("select 1"), None);
        assert_eq!(command("create table database (x int)"), None);
        assert!(read("create database").is_err());
        assert_eq!(
            read("create database a; select 1").map_err(|e| e.code),
            Err(SqlState::ACTIVE_SQL_TRANSACTION)
        );
    }
}
