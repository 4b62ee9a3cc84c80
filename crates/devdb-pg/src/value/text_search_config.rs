//! The text search configurations devdb has (`simple` and `english`), as regconfig values
//! name them. A regconfig is stored as the configuration's name; its binary form is the OID
//! PostgreSQL 15's pg_ts_config gives it.

use crate::{PgError, SqlState};

/// A built-in text search configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Config {
    Simple,
    English,
}

impl Config {
    /// The configuration a regconfig input names: `english`, `pg_catalog.english`, `"english"`,
    /// in any case unless quoted; others are 42704 as in PostgreSQL (devdb has only these two).
    pub fn named(text: &str) -> Result<Config, PgError> {
        let ident = |s: &str| {
            let s = s.trim();
            match s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                Some(quoted) => quoted.replace("\"\"", "\""),
                None => s.to_lowercase(),
            }
        };
        let name = match text.split_once('.') {
            Some((schema, name)) if !text.trim_start().starts_with('"') => {
                if ident(schema) != "pg_catalog" {
                    return Err(undefined(text));
                }
                ident(name)
            }
            _ => ident(text),
        };
        match name.as_str() {
            "simple" => Ok(Config::Simple),
            "english" => Ok(Config::English),
            _ => Err(undefined(text)),
        }
    }

    /// The configuration with this pg_ts_config OID.
    pub fn with_oid(oid: u32) -> Result<Config, PgError> {
        match oid {
            3748 => Ok(Config::Simple),
            13164 => Ok(Config::English),
            _ => Err(PgError::new(
                SqlState::UNDEFINED_OBJECT,
                format!("text search configuration {oid} does not exist"),
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Config::Simple => "simple",
            Config::English => "english",
        }
    }

    pub fn oid(self) -> u32 {
        match self {
            Config::Simple => 3748,
            Config::English => 13164,
        }
    }
}

fn undefined(text: &str) -> PgError {
    PgError::new(
        SqlState::UNDEFINED_OBJECT,
        format!(
            "text search configuration \"{}\" does not exist",
            text.trim()
        ),
    )
}
