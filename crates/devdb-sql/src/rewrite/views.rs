//! CREATE [OR REPLACE] VIEW and DROP VIEW. A view is a SQLite view over the translated query,
//! named by its key; the catalog keeps its PostgreSQL definition, output column types and the
//! relations it reads, so selecting from it types columns as PostgreSQL does and dropping what
//! it reads is refused as PostgreSQL refuses it.

use devdb_pg::{PgError, SqlState};
use sqlparser::ast::{CreateTableOptions, CreateView, ObjectName, ObjectType, Statement};

use super::ddl::{catalog_output, dependent_objects};
use super::query::rename_outputs;
use super::{Output, Translator, fold};
use crate::catalog::{self, Column};
use crate::make;

fn view_where(key: &str, name_column: &str) -> Option<sqlparser::ast::Expr> {
    let (schema, name) = catalog::split(key);
    Some(make::and(
        make::eq(make::column("schema"), make::string(schema)),
        make::eq(make::column(name_column), make::string(name)),
    ))
}

/// Catalog and SQLite statements that remove view `key`.
fn drop_view_statements(key: &str) -> Vec<Statement> {
    vec![
        make::drop(ObjectType::View, &[key.to_owned()], false),
        make::delete(catalog::VIEWS, view_where(key, "name")),
        make::delete(catalog::VIEW_COLUMNS, view_where(key, "view_name")),
    ]
}

impl Translator<'_> {
    pub fn create_view(&mut self, cv: CreateView) -> Result<Output, PgError> {
        let CreateView {
            or_alter: false,
            or_replace,
            materialized: false,
            secure: false,
            name,
            name_before_not_exists: _,
            columns,
            query,
            options: CreateTableOptions::None,
            cluster_by,
            comment: None,
            with_no_schema_binding: false,
            if_not_exists: false,
            temporary: false,
            copy_grants: false,
            to: None,
            params: None,
        } = cv
        else {
            return Err(PgError::feature_not_supported("this CREATE VIEW form"));
        };
        if !cluster_by.is_empty() || columns.iter().any(|c| c.data_type.is_some()) {
            return Err(PgError::feature_not_supported("this CREATE VIEW form"));
        }
        let key = self.creation_key(&name)?;
        let definition = make::sql_text(&query);
        self.read_relations.clear();
        let (q, mut cols) = self.query(*query)?;
        let key = self.temp_view_key(key, &name)?;
        if !self.params.is_empty() {
            return Err(PgError::new(
                SqlState::UNDEFINED_PARAMETER,
                "there is no parameter $1",
            ));
        }
        if columns.len() > cols.len() {
            return Err(PgError::new(
                SqlState::SYNTAX_ERROR,
                "CREATE VIEW specifies more column names than columns",
            ));
        }
        for (col, alias) in cols.iter_mut().zip(&columns) {
            col.0 = fold(&alias.name);
        }
        for (i, (n, _)) in cols.iter().enumerate() {
            if cols[..i].iter().any(|(m, _)| m == n) {
                return Err(PgError::new(
                    SqlState::DUPLICATE_COLUMN,
                    format!("column \"{n}\" specified more than once"),
                ));
            }
        }
        let mut sqlite = Vec::new();
        if let Some(old) = self.catalog.view(&key) {
            if !or_replace {
                return Err(duplicate_relation(&key));
            }
            // OR REPLACE keeps the old columns (same names and types) and may add more.
            if old.columns.len() > cols.len() {
                return Err(PgError::new(
                    SqlState::INVALID_TABLE_DEFINITION,
                    "cannot drop columns from view",
                ));
            }
            for (c, (n, ty)) in old.columns.iter().zip(&cols) {
                if c.name != *n {
                    return Err(PgError::new(
                        SqlState::INVALID_TABLE_DEFINITION,
                        format!(
                            "cannot change name of view column \"{}\" to \"{n}\"",
                            c.name
                        ),
                    ));
                }
                if c.ty()
                    != (crate::types::Ty {
                        typmod: c.typmod,
                        ..*ty
                    })
                    || c.ty != ty.ty
                {
                    return Err(PgError::new(
                        SqlState::INVALID_TABLE_DEFINITION,
                        format!(
                            "cannot change data type of view column \"{}\" from {} to {}",
                            c.name,
                            self.type_display(c.ty()),
                            self.type_display(*ty)
                        ),
                    ));
                }
            }
            sqlite.extend(drop_view_statements(&key));
        } else if self.catalog.table(&key).is_some()
            || self.catalog.index(&key).is_some()
            || self.catalog.sequences.contains(&key)
        {
            return Err(duplicate_relation(&key));
        }
        let names: Vec<String> = cols.iter().map(|(n, _)| n.clone()).collect();
        sqlite.push(make::create_view(&key, rename_outputs(q, &names)));
        let (schema, plain) = catalog::split(&key);
        let mut depends_on = std::mem::take(&mut self.read_relations);
        depends_on.sort();
        depends_on.dedup();
        sqlite.push(make::insert_rows(
            catalog::VIEWS,
            &["schema", "name", "definition", "depends_on"],
            vec![vec![
                make::string(schema),
                make::string(plain),
                make::string(&definition),
                make::string(&catalog::name_list(&depends_on)),
            ]],
        ));
        let rows = cols
            .iter()
            .enumerate()
            .map(|(i, (n, ty))| {
                let c = Column {
                    name: n.clone(),
                    position: i as i32 + 1,
                    ty: ty.ty,
                    enum_oid: ty.enum_oid,
                    typmod: ty.typmod,
                    not_null: false,
                    default: None,
                    pk_position: None,
                    identity: None,
                    domain: None,
                };
                vec![
                    make::string(schema),
                    make::string(plain),
                    make::string(&c.name),
                    make::int(c.position.into()),
                    make::int(c.type_oid().0.into()),
                    make::int(c.typmod.into()),
                ]
            })
            .collect();
        sqlite.push(make::insert_rows(
            catalog::VIEW_COLUMNS,
            &[
                "schema",
                "view_name",
                "name",
                "position",
                "type_oid",
                "typmod",
            ],
            rows,
        ));
        Ok(catalog_output("CREATE VIEW", sqlite))
    }

    /// The views that read any of `relations`, directly or through other views, in an order
    /// that creates each after the views it reads; views being dropped are left out.
    pub fn views_reading(&self, relations: &[String]) -> Vec<String> {
        let mut reading: Vec<String> = Vec::new();
        loop {
            let next = self.catalog.views.iter().find(|v| {
                !reading.contains(&v.name)
                    && !self.dropping_views.contains(&v.name)
                    && v.depends_on
                        .iter()
                        .any(|d| relations.contains(d) || reading.contains(d))
            });
            match next {
                Some(v) => reading.push(v.name.clone()),
                None => break,
            }
        }
        // Readers of readers were found after what they read, so the list is in order.
        reading
    }

    /// The SQLite CREATE VIEW for a view of the catalog, translated anew from its definition
    /// (a table rebuild drops and recreates the views that read the table).
    pub fn sqlite_view(&mut self, key: &str) -> Result<Statement, PgError> {
        let view = self
            .catalog
            .view(key)
            .ok_or_else(|| PgError::undefined_table(key))?;
        let names: Vec<String> = view.columns.iter().map(|c| c.name.clone()).collect();
        let query = sqlparser::parser::Parser::new(&sqlparser::dialect::PostgreSqlDialect {})
            .try_with_sql(&view.definition)
            .and_then(|mut p| p.parse_query())
            .map_err(|e| PgError::internal(format!("bad view record {key}: {e}")))?;
        let (q, _) = self.query(*query)?;
        Ok(make::create_view(key, rename_outputs(q, &names)))
    }

    /// 2BP01 when a view reads `key` and is not itself being dropped.
    pub fn check_no_view_reads(&self, key: &str, dropped: &[String]) -> Result<(), PgError> {
        if let Some(v) = self
            .catalog
            .views
            .iter()
            .find(|v| v.depends_on.iter().any(|d| d == key) && !dropped.contains(&v.name))
        {
            let what = if self.catalog.view(key).is_some() {
                "view"
            } else {
                "table"
            };
            return Err(dependent_objects(
                &format!("{what} {}", catalog::split(key).1),
                format!(
                    "view {} depends on {what} {}",
                    v.name,
                    catalog::split(key).1
                ),
            ));
        }
        Ok(())
    }

    pub fn drop_views(
        &mut self,
        names: &[ObjectName],
        if_exists: bool,
        cascade: bool,
    ) -> Result<Output, PgError> {
        let mut dropped = Vec::new();
        for n in names {
            let key = self.table_name(n)?;
            if self.catalog.view(&key).is_none() {
                if self.catalog.table(&key).is_some() {
                    return Err(PgError::new(
                        SqlState::WRONG_OBJECT_TYPE,
                        format!("\"{}\" is not a view", catalog::split(&key).1),
                    )
                    .with_hint("Use DROP TABLE to remove a table."));
                }
                if if_exists {
                    continue;
                }
                return Err(PgError::new(
                    SqlState::UNDEFINED_TABLE,
                    format!("view \"{}\" does not exist", catalog::split(&key).1),
                ));
            }
            dropped.push(key);
        }
        if cascade {
            // Views reading dropped views go too, readers first.
            let mut i = 0;
            while i < dropped.len() {
                let readers: Vec<String> = self
                    .catalog
                    .views
                    .iter()
                    .filter(|v| v.depends_on.contains(&dropped[i]) && !dropped.contains(&v.name))
                    .map(|v| v.name.clone())
                    .collect();
                dropped.extend(readers);
                i += 1;
            }
        }
        for key in &dropped {
            self.check_no_view_reads(key, &dropped)?;
        }
        let sqlite = dropped
            .iter()
            .rev()
            .flat_map(|k| drop_view_statements(k))
            .collect();
        Ok(catalog_output("DROP VIEW", sqlite))
    }
}

fn duplicate_relation(key: &str) -> PgError {
    PgError::new(
        SqlState::DUPLICATE_TABLE,
        format!("relation \"{}\" already exists", catalog::split(key).1),
    )
}
