//! SET CONSTRAINTS: the constraints it names, looked up as PostgreSQL looks them up, and for
//! IMMEDIATE the deferrable foreign keys the executor checks at once.
//!
//! SQLite checks a foreign key either at the end of each statement or at commit, as declared,
//! and cannot switch one over inside a transaction: for IMMEDIATE the executor checks the
//! deferred keys itself, now (what Django's `check_constraints` relies on) and after each later
//! statement that writes, and DEFERRED is exact only for keys declared INITIALLY DEFERRED
//! (0A000 otherwise). A deferrable unique or primary key has no unique SQLite index: the
//! executor checks it after each statement while it is immediate and at commit, so both
//! IMMEDIATE and DEFERRED apply to it.

use devdb_pg::{PgError, SqlState};
use sqlparser::ast::ObjectName;

use super::{Output, Translator, fold, name_parts};
use crate::Kind;
use crate::catalog::{self, Constraint, ConstraintKind};
use crate::set_constraints_syntax::SetConstraints;

impl Translator<'_> {
    pub(super) fn set_constraints(&mut self, set: SetConstraints) -> Result<Output, PgError> {
        let chosen: Vec<&Constraint> = match &set.names {
            None => self
                .catalog
                .constraints
                .iter()
                .filter(|c| c.deferrable)
                .collect(),
            Some(names) => {
                let mut chosen = Vec::new();
                for name in names {
                    chosen.extend(self.constraints_named(name)?);
                }
                chosen
            }
        };
        if !set.immediate {
            if let Some(c) = chosen.iter().find(|c| !c.deferrable) {
                return Err(PgError::new(
                    SqlState::WRONG_OBJECT_TYPE,
                    format!("constraint \"{}\" is not deferrable", c.name),
                ));
            }
            if let Some(c) = chosen
                .iter()
                .find(|c| !c.initially_deferred && c.kind == ConstraintKind::ForeignKey)
            {
                return Err(PgError::feature_not_supported(format!(
                    "SET CONSTRAINTS ... DEFERRED on constraint \"{}\", declared INITIALLY IMMEDIATE",
                    c.name
                )));
            }
        }
        // Deferred foreign keys, and deferrable unique and primary keys whichever way they
        // start: the executor checks those itself.
        let keys = chosen
            .into_iter()
            .filter(|c| match c.kind {
                ConstraintKind::ForeignKey => c.initially_deferred,
                ConstraintKind::PrimaryKey | ConstraintKind::Unique => c.deferrable,
                _ => false,
            })
            .map(|c| (c.table.clone(), c.name.clone()))
            .collect();
        Ok(Output::new(Kind::SetConstraints {
            immediate: set.immediate,
            keys,
        }))
    }

    /// The constraints a SET CONSTRAINTS name means: those of that name in its schema, or in
    /// the first schema of the search path that has one (42704 when none has).
    fn constraints_named(&self, name: &ObjectName) -> Result<Vec<&Constraint>, PgError> {
        let parts = name_parts(name)?;
        let schemas = match parts.as_slice() {
            [_] => self.path.search.clone(),
            [schema, one] => vec![
                catalog::split(&self.qualified_key(schema, one)?)
                    .0
                    .to_owned(),
            ],
            _ => {
                return Err(PgError::feature_not_supported(format!(
                    "qualified name {name}"
                )));
            }
        };
        let plain = parts.last().map(|p| fold(p)).unwrap_or_default();
        schemas
            .iter()
            .map(|schema| {
                self.catalog
                    .constraints
                    .iter()
                    .filter(|c| c.schema == *schema && c.name == plain)
                    .collect::<Vec<_>>()
            })
            .find(|found| !found.is_empty())
            .ok_or_else(|| {
                PgError::new(
                    SqlState::UNDEFINED_OBJECT,
                    format!("constraint \"{plain}\" does not exist"),
                )
            })
    }
}
