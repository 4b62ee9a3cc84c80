//! ALTER ... OWNER TO: devdb has one role, the connected user, who owns everything. Giving an
//! object to that user changes nothing and succeeds (pg_dump's scripts end every object with
//! it); another role is 42704 when no such role exists, 0A000 for a predefined one.

use devdb_pg::{PgError, SqlState};
use sqlparser::ast::{
    AlterFunction, AlterFunctionKind, AlterFunctionOperation, AlterSchema, AlterSchemaOperation,
    ObjectName, Owner,
};

use super::{Output, Translator, fold};
use crate::Kind;
use crate::make;

impl Translator<'_> {
    /// ALTER TABLE (or VIEW, SEQUENCE, MATERIALIZED VIEW, which pg_dump also alters with ALTER
    /// TABLE) name OWNER TO owner.
    pub(super) fn relation_owner(
        &self,
        name: &ObjectName,
        owner: &Owner,
    ) -> Result<Output, PgError> {
        let key = self.relation_key(name)?;
        let exists = self.catalog.table(&key).is_some()
            || self.catalog.view(&key).is_some()
            || self.catalog.sequences.contains(&key);
        if !exists {
            return Err(PgError::undefined_table(&name.to_string()));
        }
        Ok(owner_to(owner, "ALTER TABLE"))
    }

    /// ALTER FUNCTION name [(arguments)] OWNER TO owner (devdb's functions are not overloaded:
    /// the name finds it).
    pub(super) fn alter_function(&self, alter: AlterFunction) -> Result<Output, PgError> {
        let (AlterFunctionKind::Function, AlterFunctionOperation::OwnerTo(owner)) =
            (&alter.kind, &alter.operation)
        else {
            return Err(PgError::feature_not_supported(format!("{alter}")));
        };
        let name = super::triggers::plain_name(&alter.function.name, "function")?;
        if self.catalog.function(&name).is_none() && self.catalog.sql_function(&name).is_none() {
            return Err(PgError::new(
                SqlState::UNDEFINED_FUNCTION,
                format!("function {name} does not exist"),
            ));
        }
        Ok(owner_to(owner, "ALTER FUNCTION"))
    }

    /// ALTER TYPE (an enum) or ALTER DOMAIN name OWNER TO owner.
    pub(super) fn type_owner(
        &self,
        domain: bool,
        name: &ObjectName,
        owner: &Owner,
    ) -> Result<Output, PgError> {
        let key = self.type_key(name)?;
        let exists = match domain {
            true => self.catalog.domains.iter().any(|d| d.name == key),
            false => self.catalog.enum_type(&key).is_some(),
        };
        if !exists {
            return Err(crate::types::undefined_type(&name.to_string()));
        }
        Ok(owner_to(
            owner,
            if domain { "ALTER DOMAIN" } else { "ALTER TYPE" },
        ))
    }

    pub(super) fn alter_schema(&self, alter: AlterSchema) -> Result<Output, PgError> {
        let [AlterSchemaOperation::OwnerTo { owner }] = alter.operations.as_slice() else {
            return Err(PgError::feature_not_supported(format!("{alter}")));
        };
        let name = match alter.name.0.as_slice() {
            [part] => part.as_ident().map(fold),
            _ => None,
        }
        .unwrap_or_else(|| alter.name.to_string());
        if self.catalog.schema(&name).is_none() {
            return Err(PgError::new(
                SqlState::INVALID_SCHEMA_NAME,
                format!("schema \"{name}\" does not exist"),
            ));
        }
        Ok(owner_to(owner, "ALTER SCHEMA"))
    }
}

/// The statement checks the role at run time, where the connected user is known.
fn owner_to(owner: &Owner, tag: &'static str) -> Output {
    let mut out = Output::new(Kind::Command(tag));
    if let Owner::Ident(role) = owner {
        let check = make::call(
            "pg_owner_check",
            vec![
                make::string(&fold(role)),
                make::call("devdb_current_user", vec![]),
            ],
        );
        // No row: the statement is a command.
        out.sqlite
            .push(format!("SELECT 1 WHERE {check} IS NOT NULL"));
    }
    out
}
