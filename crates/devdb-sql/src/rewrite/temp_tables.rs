//! Temporary tables: CREATE TEMP TABLE puts a real table in the session's own schema,
//! `pg_temp_<pid>` (made by its first temporary table), which the search path searches first
//! for that session alone. The executor drops the schema when the session ends and runs the
//! ON COMMIT actions at the end of each transaction (see [`TempOnCommit`]).

use devdb_pg::{PgError, SqlState};
use sqlparser::ast::{CreateTable, DiscardObject, ObjectName, ObjectType, OnCommit};

use super::schemas::qualified;
use super::{Output, Translator, name_parts};
use crate::catalog::{self, Catalog};
use crate::search_path::SearchPath;
use crate::{Kind, OnCommitAction, Parsed, TempOnCommit, Translated, make};

impl Translator<'_> {
    /// True when `ct` makes a temporary table: TEMP, a `pg_temp.` name, or a plain name while
    /// the search path creates in `pg_temp`. ON COMMIT is refused on any other table.
    pub fn is_temp_table(&self, ct: &CreateTable) -> Result<bool, PgError> {
        let temp = ct.temporary
            || match name_parts(&ct.name)?.as_slice() {
                [_] => self.path.creation.as_deref() == Some(self.path.temp.as_str()),
                [schema, _] => super::fold(schema) == "pg_temp",
                _ => false,
            };
        if !temp && ct.on_commit.is_some() {
            return Err(PgError::new(
                SqlState::INVALID_TABLE_DEFINITION,
                "ON COMMIT can only be used on temporary tables",
            ));
        }
        Ok(temp)
    }

    /// CREATE TEMP TABLE in any form: the table proper in the temporary schema, made first
    /// when it does not exist yet.
    pub fn create_temp_table(&mut self, mut ct: CreateTable) -> Result<Output, PgError> {
        let plain = catalog::split(&self.creation_key(&ct.name)?).1.to_owned();
        if let [schema, _] = name_parts(&ct.name)?.as_slice()
            && super::fold(schema) != "pg_temp"
            && super::fold(schema) != self.path.temp
        {
            return Err(PgError::new(
                SqlState::INVALID_TABLE_DEFINITION,
                "cannot create temporary relation in non-temporary schema",
            ));
        }
        let on_commit = match ct.on_commit.take() {
            None | Some(OnCommit::PreserveRows) => None,
            Some(OnCommit::DeleteRows) => Some(OnCommitAction::DeleteRows),
            Some(OnCommit::Drop) => Some(OnCommitAction::Drop),
        };
        ct.temporary = false;
        ct.name = ObjectName::from(vec![make::ident(&self.path.temp), make::ident(&plain)]);
        let mut out = self.create_table(ct)?;
        if !self.path.temp_exists && !out.sqlite.is_empty() {
            let row = make::insert_rows(
                catalog::SCHEMAS,
                &["oid", "name"],
                vec![vec![
                    make::int(self.catalog.next_oid().into()),
                    make::string(&self.path.temp),
                ]],
            );
            out.sqlite.insert(0, row.to_string());
        }
        let key = catalog::key(&self.path.temp, &plain);
        out.temp_on_commit = on_commit.map(|action| TempOnCommit { table: key, action });
        Ok(out)
    }
}

impl Translator<'_> {
    /// Where a view whose query was just translated goes: a view reading temporary relations
    /// is temporary itself (with PostgreSQL's NOTICE), and 42P16 in a schema named for it.
    pub fn temp_view_key(&mut self, key: String, name: &ObjectName) -> Result<String, PgError> {
        let temp = self.path.temp.as_str();
        let (schema, plain) = catalog::split(&key);
        if schema == temp
            || !self
                .read_relations
                .iter()
                .any(|r| catalog::split(r).0 == temp)
        {
            return Ok(key);
        }
        if name_parts(name)?.len() > 1 {
            return Err(PgError::new(
                SqlState::INVALID_TABLE_DEFINITION,
                "cannot create temporary relation in non-temporary schema",
            ));
        }
        self.notices.push(PgError::notice(format!(
            "view \"{plain}\" will be a temporary view"
        )));
        Ok(catalog::key(temp, plain))
    }

    /// DISCARD TEMP, and DISCARD ALL (which also discards the rest of the session's state):
    /// the session's temporary schema goes with everything in it.
    pub fn discard_temp(&mut self, object_type: DiscardObject) -> Result<Output, PgError> {
        let tag = match object_type {
            DiscardObject::ALL => "DISCARD ALL",
            _ => "DISCARD TEMP",
        };
        let mut out = Output::new(Kind::Command(tag));
        if self.path.temp_exists
            && let Some(dropped) = drop_temp_schema(&self.path.temp, self.catalog)?
        {
            out.sqlite = dropped.sqlite;
            out.writes = true;
            out.changes_catalog = true;
        }
        Ok(out)
    }
}

/// What a temporary table's ON COMMIT action runs before its session's transaction commits;
/// None when the table is gone (dropped, or its CREATE rolled back).
pub(crate) fn on_commit(
    temp: &TempOnCommit,
    catalog: &Catalog,
) -> Result<Option<Translated>, PgError> {
    let schema = catalog::split(&temp.table).0;
    if catalog.table(&temp.table).is_none() {
        return Ok(None);
    }
    match temp.action {
        OnCommitAction::DeleteRows => {
            let mut t = Translated::nothing(Kind::Command("DELETE"));
            t.sqlite = vec![make::delete(&temp.table, None).to_string()];
            t.writes = true;
            Ok(Some(t))
        }
        OnCommitAction::Drop => {
            drop_statement(ObjectType::Table, &qualified(&temp.table), schema, catalog)
        }
    }
}

/// DROP SCHEMA `schema` CASCADE: a temporary schema and everything in it, when its session
/// ends or the server starts; None when there is no such schema.
pub(crate) fn drop_temp_schema(
    schema: &str,
    catalog: &Catalog,
) -> Result<Option<Translated>, PgError> {
    if catalog.schema(schema).is_none() {
        return Ok(None);
    }
    let name = ObjectName::from(vec![make::ident(schema)]);
    drop_statement(ObjectType::Schema, &name, schema, catalog)
}

/// DROP ... CASCADE of an object of the temporary schema `temp`, as its session would run it.
fn drop_statement(
    object_type: ObjectType,
    name: &ObjectName,
    temp: &str,
    catalog: &Catalog,
) -> Result<Option<Translated>, PgError> {
    let statement = sqlparser::ast::Statement::Drop {
        object_type,
        if_exists: false,
        names: vec![name.clone()],
        cascade: true,
        restrict: false,
        purge: false,
        temporary: false,
        table: None,
    };
    let path = SearchPath {
        temp: temp.to_owned(),
        temp_exists: true,
        ..SearchPath::default()
    };
    let parsed = Parsed::Statement(Box::new(statement));
    super::statement(parsed, catalog, &path, &[]).map(Some)
}
