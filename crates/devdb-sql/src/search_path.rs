//! The session's search_path, as PostgreSQL's namespace.c reads it: where unqualified names of
//! relations and types resolve, and where CREATE without a schema puts the object.
//!
//! The executor builds a [`SearchPath`] from the setting for each statement; it is part of
//! what a cached translation was made for ([`SearchPath::translates_like`]), so `$user` is
//! kept only when that schema exists, and translations of sessions without a temporary schema
//! are shared.

use crate::catalog::{Catalog, DEFAULT_SCHEMA};
use devdb_pg::PgError;

/// The prefix of a session's temporary schema, `pg_temp_<backend pid>` as PostgreSQL names it.
pub const TEMP_SCHEMA_PREFIX: &str = "pg_temp_";

/// The schemas search_path names, in order, and the session's temporary schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchPath {
    /// The setting's entries, unquoted; `$user` already replaced by the user's schema, or left
    /// out when there is none; schemas that do not exist stay (a later CREATE SCHEMA makes them
    /// count).
    pub entries: Vec<String>,
    /// The session's temporary schema (`pg_temp_<pid>`), whether or not it exists yet.
    pub temp: String,
    /// True when the catalog holds the temporary schema.
    pub temp_exists: bool,
}

impl Default for SearchPath {
    /// PostgreSQL's default, `"$user", public`, for a user without a schema of their own.
    fn default() -> SearchPath {
        SearchPath {
            entries: vec![DEFAULT_SCHEMA.to_owned()],
            temp: format!("{TEMP_SCHEMA_PREFIX}0"),
            temp_exists: false,
        }
    }
}

impl SearchPath {
    /// The path a search_path setting names for `user`, whose temporary schema is `temp`.
    pub fn new(setting: &str, user: &str, temp: String, catalog: &Catalog) -> SearchPath {
        let entries: Vec<String> = split_identifiers(setting)
            .into_iter()
            .filter_map(|e| match e.as_str() {
                "$user" => catalog.schema(user).map(|_| user.to_owned()),
                _ => Some(e),
            })
            .collect();
        SearchPath {
            entries,
            temp_exists: catalog.schema(&temp).is_some(),
            temp,
        }
    }

    /// True when a translation made under `other` is right under this path too. The temporary
    /// schema's name matters only once it exists: before that, only statements that change the
    /// catalog (never reused) can name it.
    pub fn translates_like(&self, other: &SearchPath) -> bool {
        self.entries == other.entries
            && self.temp_exists == other.temp_exists
            && (!self.temp_exists || self.temp == other.temp)
    }
}

/// The path resolved against one catalog: the schemas searched and the one CREATE uses.
#[derive(Debug)]
pub(crate) struct Resolved {
    /// Schemas searched for user relations and types, in order (the temporary schema first
    /// unless the path places it).
    pub search: Vec<String>,
    /// Where CREATE without a schema puts an object; None: 3F000.
    pub creation: Option<String>,
    /// current_schemas(false): the existing schemas the path names.
    pub explicit: Vec<String>,
    /// current_schemas(true): with pg_catalog and the temporary schema where they are implied.
    pub implicit: Vec<String>,
    /// The session's temporary schema (`pg_temp` names it) and whether it exists.
    pub temp: String,
    pub temp_exists: bool,
}

impl Resolved {
    pub fn new(path: &SearchPath, catalog: &Catalog) -> Resolved {
        let temp = path.temp.as_str();
        let temp_exists = path.temp_exists && catalog.schema(temp).is_some();
        let mut explicit: Vec<String> = Vec::new();
        let mut creation = None;
        for entry in &path.entries {
            let schema = match entry.as_str() {
                "pg_temp" if temp_exists => temp,
                "pg_temp" => {
                    // Made when something is first created in it.
                    if explicit.is_empty() && creation.is_none() {
                        creation = Some(temp.to_owned());
                    }
                    continue;
                }
                // public always exists (DROP SCHEMA public is refused).
                "pg_catalog" | "information_schema" | DEFAULT_SCHEMA => entry,
                s if catalog.schema(s).is_some() => s,
                _ => continue,
            };
            if !explicit.iter().any(|e| e == schema) {
                explicit.push(schema.to_owned());
            }
        }
        let creation = creation.or_else(|| explicit.first().cloned());
        let mut implicit = explicit.clone();
        if !implicit.iter().any(|s| s == "pg_catalog") {
            implicit.insert(0, "pg_catalog".to_owned());
        }
        if temp_exists && !implicit.iter().any(|s| s == temp) {
            implicit.insert(0, temp.to_owned());
        }
        let search = implicit
            .iter()
            .filter(|s| *s != "pg_catalog" && *s != "information_schema")
            .cloned()
            .collect();
        Resolved {
            search,
            creation,
            explicit,
            implicit,
            temp: temp.to_owned(),
            temp_exists,
        }
    }
}

impl Resolved {
    /// The path on which names written as keys (`seq`, `app.seq`, see `catalog::key`) read as
    /// those keys: only `public` is searched; the temporary schema stays this session's.
    pub fn for_keys(&self) -> Resolved {
        let public = vec![DEFAULT_SCHEMA.to_owned()];
        Resolved {
            search: public.clone(),
            creation: Some(DEFAULT_SCHEMA.to_owned()),
            explicit: public.clone(),
            implicit: public,
            temp: self.temp.clone(),
            temp_exists: self.temp_exists,
        }
    }
}

/// PostgreSQL's SplitIdentifierString: comma-separated names, double-quoted ones kept as
/// written (`""` is a quote), others lower-cased.
pub fn split_identifiers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut name = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                    } else {
                        break;
                    }
                }
                name.push(c);
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' || c.is_whitespace() {
                    break;
                }
                name.extend(c.to_lowercase());
                chars.next();
            }
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if !name.is_empty() {
            out.push(name);
        }
        if chars.next().is_none() {
            return out;
        }
    }
}

#[cfg(test)]
mod tests;

/// The keys a sequence name known only when the statement runs (`nextval(name_column)`) may
/// mean, in search order: its schema's when qualified, else one per schema of `search`.
pub fn sequence_candidates(text: &str, search: &[String]) -> Result<Vec<String>, PgError> {
    let name = crate::parse::object_name(text)?;
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|p| p.as_ident().map(crate::rewrite::fold))
        .collect::<Option<_>>()
        .ok_or_else(|| PgError::feature_not_supported(format!("sequence name {name}")))?;
    Ok(match parts.as_slice() {
        [one] => search
            .iter()
            .map(|schema| crate::catalog::key(schema, one))
            .collect(),
        [schema, one] => vec![crate::catalog::key(schema, one)],
        _ => {
            return Err(PgError::feature_not_supported(format!(
                "sequence name {name}"
            )));
        }
    })
}
