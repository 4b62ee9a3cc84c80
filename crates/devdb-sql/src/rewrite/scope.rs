//! Name resolution: which FROM item a column reference means, at which query level.

use devdb_pg::{PgError, SqlState};

use super::Translator;
use crate::types::Ty;

/// A FROM item as the query sees it: its name (alias or table name) and its columns.
#[derive(Clone, Debug)]
pub struct Rel {
    pub name: String,
    pub columns: Vec<(String, Ty)>,
}

/// The FROM items of one query level.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    pub rels: Vec<Rel>,
}

impl Translator<'_> {
    /// The type of `qualifier.name` or `name`, searching the innermost query level first.
    pub fn resolve_column(&self, qualifier: Option<&str>, name: &str) -> Result<Ty, PgError> {
        for scope in self.scopes.iter().rev() {
            match qualifier {
                Some(q) => {
                    if let Some(rel) = scope.rels.iter().rev().find(|r| r.name == q) {
                        return rel
                            .columns
                            .iter()
                            .find(|(c, _)| c == name)
                            .map(|(_, ty)| *ty)
                            .ok_or_else(|| PgError::undefined_column(&format!("{q}.{name}")));
                    }
                }
                None => {
                    let mut found = scope.rels.iter().flat_map(|r| r.columns.iter()).filter(|(c, _)| c == name);
                    if let Some((_, ty)) = found.next() {
                        if found.next().is_some() {
                            return Err(PgError::new(
                                SqlState::AMBIGUOUS_COLUMN,
                                format!("column reference \"{name}\" is ambiguous"),
                            ));
                        }
                        return Ok(*ty);
                    }
                }
            }
        }
        match qualifier {
            Some(q) => Err(PgError::new(
                SqlState::UNDEFINED_TABLE,
                format!("missing FROM-clause entry for table \"{q}\""),
            )),
            None => Err(PgError::undefined_column(name)),
        }
    }

    /// The relation `name` in the innermost scope that has it (for `t.*`).
    pub fn find_rel(&self, name: &str) -> Option<&Rel> {
        self.scopes.iter().rev().find_map(|s| s.rels.iter().rev().find(|r| r.name == name))
    }

    /// A CTE visible from here.
    pub fn find_cte(&self, name: &str) -> Option<&Rel> {
        self.ctes.iter().rev().find_map(|level| level.iter().rev().find(|r| r.name == name))
    }

    pub fn current_scope(&mut self) -> &mut Scope {
        if self.scopes.is_empty() {
            self.scopes.push(Scope::default());
        }
        let last = self.scopes.len() - 1;
        &mut self.scopes[last]
    }
}
