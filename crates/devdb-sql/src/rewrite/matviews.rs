//! CREATE MATERIALIZED VIEW and REFRESH MATERIALIZED VIEW. A materialized view has the catalog
//! rows of a view (`views.rs`: its definition, columns and what it reads), a row in
//! `__devdb_matviews` saying whether it holds rows, and in SQLite a table named by its key that
//! holds the query's rows as of its last refresh. Selecting from it reads that table.

use devdb_pg::{PgError, SqlState};
use sqlparser::ast::{CreateTableOptions, CreateView, ObjectName};

use super::ddl::catalog_output;
use super::views::{Defined, view_columns, view_rows, wrong_kind};
use super::{Output, Translator};
use crate::catalog::{self, Table, View};
use crate::matview_syntax::{CreateMaterializedView, Refresh};
use crate::{Kind, make};

impl Translator<'_> {
    pub fn create_materialized_view(
        &mut self,
        create: CreateMaterializedView,
    ) -> Result<Output, PgError> {
        let CreateMaterializedView { view, with_data } = create;
        let CreateView {
            or_alter: false,
            or_replace: false,
            materialized: true,
            secure: false,
            name,
            name_before_not_exists: _,
            columns,
            query,
            options: CreateTableOptions::None,
            cluster_by,
            comment: None,
            with_no_schema_binding: false,
            if_not_exists,
            temporary: false,
            copy_grants: false,
            to: None,
            params: None,
        } = view
        else {
            return Err(PgError::feature_not_supported(
                "this CREATE MATERIALIZED VIEW form",
            ));
        };
        if !cluster_by.is_empty() || columns.iter().any(|c| c.data_type.is_some()) {
            return Err(PgError::feature_not_supported(
                "this CREATE MATERIALIZED VIEW form",
            ));
        }
        let key = self.creation_key(&name)?;
        let plain = catalog::split(&key).1;
        if self.catalog.view(&key).is_some()
            || self.catalog.table(&key).is_some()
            || self.catalog.index(&key).is_some()
            || self.catalog.sequences.contains(&key)
        {
            if if_not_exists {
                self.notices.push(super::already_exists_skipping(&key));
                return Ok(Output::new(Kind::Command("CREATE MATERIALIZED VIEW")));
            }
            return Err(PgError::new(
                SqlState::DUPLICATE_TABLE,
                format!("relation \"{plain}\" already exists"),
            ));
        }
        let Defined {
            definition,
            query,
            columns: cols,
            depends_on,
        } = self.define_view(&columns, *query)?;
        if depends_on
            .iter()
            .any(|r| catalog::split(r).0 == self.path.temp)
        {
            return Err(PgError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                "materialized views must not use temporary tables or views",
            ));
        }
        let mut sqlite = view_rows(&key, &definition, &depends_on, &cols);
        sqlite.push(populated(&key, with_data, true));
        sqlite.push(self.sqlite_table(&key, &view_columns(&cols), &[])?);
        let mut out = catalog_output("CREATE MATERIALIZED VIEW", sqlite);
        if with_data {
            let names: Vec<&str> = cols.iter().map(|(n, _)| n.as_str()).collect();
            // Last, so that the tag counts the rows it stored: `SELECT n` as PostgreSQL answers.
            out.sqlite
                .push(make::insert(&key, &names, Some(query), None).to_string());
            out.kind = Kind::Select;
        }
        Ok(out)
    }

    /// REFRESH replaces the rows with the query's (or none, WITH NO DATA). devdb has one
    /// writer per database, so CONCURRENTLY refreshes the same way once PostgreSQL's
    /// conditions for it hold.
    pub fn refresh(&mut self, refresh: Refresh) -> Result<Output, PgError> {
        let Refresh {
            name,
            concurrently,
            with_data,
        } = refresh;
        let key = self.relation_key(&name)?;
        let view: View = match (self.catalog.view(&key), self.catalog.table(&key)) {
            (Some(v), _) if v.materialized.is_some() => v.clone(),
            (Some(_), _) => return Err(wrong_kind(&key, "table or materialized view", None)),
            (None, Some(_)) => {
                return Err(PgError::new(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    format!("\"{}\" is not a materialized view", catalog::split(&key).1),
                ));
            }
            (None, None) => return Err(PgError::undefined_table(&key)),
        };
        if concurrently {
            if !with_data {
                return Err(PgError::new(
                    SqlState::SYNTAX_ERROR,
                    "CONCURRENTLY and WITH NO DATA options cannot be used together",
                ));
            }
            if view.materialized == Some(false) {
                return Err(PgError::new(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "CONCURRENTLY cannot be used when the materialized view is not populated",
                ));
            }
            if !self
                .catalog
                .indexes
                .iter()
                .any(|i| i.table == key && i.unique && i.predicate.is_none())
            {
                return Err(PgError::new(
                    SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
                    format!(
                        "cannot refresh materialized view \"{}.{}\" concurrently",
                        view.schema,
                        catalog::split(&key).1
                    ),
                )
                .with_hint(
                    "Create a unique index with no WHERE clause on one or more columns of the \
                     materialized view.",
                ));
            }
        }
        let mut sqlite = vec![make::delete(&key, None), populated(&key, with_data, false)];
        if with_data {
            let query = self.view_query(&key)?;
            let names: Vec<&str> = view.columns.iter().map(|c| c.name.as_str()).collect();
            sqlite.push(make::insert(&key, &names, Some(query), None));
        }
        Ok(catalog_output("REFRESH MATERIALIZED VIEW", sqlite))
    }
}

impl Translator<'_> {
    /// A materialized view as the table that holds its rows (CREATE INDEX takes one), or None
    /// when `name` is no materialized view.
    pub(super) fn matview_table(&self, name: &ObjectName) -> Option<Table> {
        let key = self.table_name(name).ok()?;
        let view = self
            .catalog
            .view(&key)
            .filter(|v| v.materialized.is_some())?;
        Some(Table {
            schema: view.schema.clone(),
            name: key,
            columns: view.columns.clone(),
        })
    }
}

/// The `__devdb_matviews` row of `key`: inserted for a new materialized view, else updated.
fn populated(key: &str, with_data: bool, new: bool) -> sqlparser::ast::Statement {
    let (schema, plain) = catalog::split(key);
    let value = make::int(with_data.into());
    if new {
        return make::insert_rows(
            catalog::MATVIEWS,
            &["schema", "name", "populated"],
            vec![vec![make::string(schema), make::string(plain), value]],
        );
    }
    make::update(
        catalog::MATVIEWS,
        vec![("populated", value)],
        Some(make::and(
            make::eq(make::column("schema"), make::string(schema)),
            make::eq(make::column("name"), make::string(plain)),
        )),
    )
}
