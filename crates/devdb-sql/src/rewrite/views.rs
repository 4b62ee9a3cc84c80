//! CREATE [OR REPLACE] VIEW and DROP [MATERIALIZED] VIEW. A view is a SQLite view over the
//! translated query, named by its key; the catalog keeps its PostgreSQL definition, output
//! column types and the relations it reads, so selecting from it types columns as PostgreSQL
//! does and dropping what it reads is refused as PostgreSQL refuses it. A materialized view
//! (`matviews.rs`) has the same catalog rows, and a SQLite table in place of the view.

use devdb_pg::{PgError, SqlState};
use sqlparser::ast::{
    AlterColumnOperation, AlterIndexOperation, AlterTableOperation, CreateTableOptions, CreateView,
    Expr, Ident, ObjectName, ObjectNamePart, ObjectType, Query, RenameTableNameKind, SelectItem,
    SelectItemQualifiedWildcardKind, SetExpr, Statement, TableFactor, ViewColumnDef, VisitMut,
    VisitorMut,
};
use std::ops::ControlFlow;

use super::ddl::{catalog_output, dependent_objects};
use super::query::{OutCol, rename_outputs};
use super::{Output, Translator, fold};
use crate::catalog::{self, Column, View};
use crate::make;
use crate::rename_syntax::{AlterRename, Renamed};

/// A view's translated query, its output columns and what it reads.
pub(super) struct Defined {
    /// The query as PostgreSQL SQL, kept to translate it again.
    pub definition: String,
    pub query: Query,
    pub columns: Vec<OutCol>,
    /// Keys of the tables and views it reads.
    pub depends_on: Vec<String>,
}

fn view_where(key: &str, name_column: &str) -> Option<sqlparser::ast::Expr> {
    let (schema, name) = catalog::split(key);
    Some(make::and(
        make::eq(make::column("schema"), make::string(schema)),
        make::eq(make::column(name_column), make::string(name)),
    ))
}

/// Catalog and SQLite statements that remove view `key` (a SQLite table for a materialized
/// view).
fn drop_view_statements(key: &str, materialized: bool) -> Vec<Statement> {
    let mut out = match materialized {
        // Its table, with the table's indexes and descriptions.
        true => super::ddl::drop_table_statements(key),
        false => vec![make::drop(ObjectType::View, &[key.to_owned()], false)],
    };
    out.push(make::delete(catalog::VIEWS, view_where(key, "name")));
    out.push(make::delete(
        catalog::VIEW_COLUMNS,
        view_where(key, "view_name"),
    ));
    if materialized {
        out.push(make::delete(catalog::MATVIEWS, view_where(key, "name")));
    }
    out
}

/// The catalog rows of view `key`: its definition and its columns.
pub(super) fn view_rows(
    key: &str,
    definition: &str,
    depends_on: &[String],
    cols: &[OutCol],
) -> Vec<Statement> {
    let (schema, plain) = catalog::split(key);
    let view = make::insert_rows(
        catalog::VIEWS,
        &["schema", "name", "definition", "depends_on"],
        vec![vec![
            make::string(schema),
            make::string(plain),
            make::string(definition),
            make::string(&catalog::name_list(depends_on)),
        ]],
    );
    let rows = view_columns(cols)
        .iter()
        .map(|c| {
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
    let columns = make::insert_rows(
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
    );
    vec![view, columns]
}

/// A view's output columns as catalog columns (nullable, without defaults).
pub(super) fn view_columns(cols: &[OutCol]) -> Vec<Column> {
    cols.iter()
        .enumerate()
        .map(|(i, (n, ty))| Column {
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
            generated: None,
        })
        .collect()
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
        let Defined {
            definition,
            query: q,
            columns: cols,
            depends_on,
        } = self.define_view(&columns, *query)?;
        let key = self.temp_view_key(key, &name)?;
        let mut sqlite = Vec::new();
        // The privileges an old view had, put back after the new one is made.
        let mut kept = None;
        if let Some(old) = self.catalog.view(&key) {
            if !or_replace {
                return Err(duplicate_relation(&key));
            }
            if old.materialized.is_some() {
                return Err(wrong_kind(&key, "view", None));
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
            let (set_aside, put_back) = super::privileges::kept_through_replace(&key);
            sqlite.push(set_aside);
            sqlite.extend(drop_view_statements(&key, false));
            kept = Some(put_back);
        } else if self.catalog.table(&key).is_some()
            || self.catalog.index(&key).is_some()
            || self.catalog.sequences.contains(&key)
        {
            return Err(duplicate_relation(&key));
        }
        let names: Vec<String> = cols.iter().map(|(n, _)| n.clone()).collect();
        sqlite.push(make::create_view(&key, rename_outputs(q, &names)));
        sqlite.extend(view_rows(&key, &definition, &depends_on, &cols));
        sqlite.extend(kept);
        Ok(catalog_output("CREATE VIEW", sqlite))
    }

    /// A view's query translated, with its output columns named by `aliases` (CREATE VIEW
    /// v (a, b)) or by the query, and the relations it reads.
    pub(super) fn define_view(
        &mut self,
        aliases: &[ViewColumnDef],
        query: Query,
    ) -> Result<Defined, PgError> {
        let definition = make::sql_text(&query);
        self.read_relations.clear();
        let (q, mut cols) = self.query(query)?;
        if !self.params.is_empty() {
            return Err(PgError::new(
                SqlState::UNDEFINED_PARAMETER,
                "there is no parameter $1",
            ));
        }
        if aliases.len() > cols.len() {
            return Err(PgError::new(
                SqlState::SYNTAX_ERROR,
                "CREATE VIEW specifies more column names than columns",
            ));
        }
        for (col, alias) in cols.iter_mut().zip(aliases) {
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
        let mut depends_on = self.read_relations.clone();
        depends_on.sort();
        depends_on.dedup();
        Ok(Defined {
            definition,
            query: q,
            columns: cols,
            depends_on,
        })
    }

    /// The views that read any of `relations`, directly or through other views, in an order
    /// that creates each after the views it reads; views being dropped are left out.
    /// Without `materialized`, materialized views and what reads them are left out too: they
    /// hold their own rows, so a rebuild of what they read leaves them be.
    pub fn views_reading(&self, relations: &[String], materialized: bool) -> Vec<String> {
        let mut reading: Vec<String> = Vec::new();
        loop {
            let next = self.catalog.views.iter().find(|v| {
                !reading.contains(&v.name)
                    && !self.dropping_views.contains(&v.name)
                    && (materialized || v.materialized.is_none())
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
        Ok(make::create_view(key, self.view_query(key)?))
    }

    /// The query of view `key` translated anew from its definition, its outputs named as the
    /// view's columns.
    pub(super) fn view_query(&mut self, key: &str) -> Result<Query, PgError> {
        let view = self
            .catalog
            .view(key)
            .ok_or_else(|| PgError::undefined_table(key))?;
        let names: Vec<String> = view.columns.iter().map(|c| c.name.clone()).collect();
        let (q, cols) = self.query(parse_definition(view)?)?;
        Ok(rename_outputs(created_columns(q, &cols, &names), &names))
    }

    /// 2BP01 when a view reads `key` and is not itself being dropped.
    pub fn check_no_view_reads(&self, key: &str, dropped: &[String]) -> Result<(), PgError> {
        if let Some(v) = self
            .catalog
            .views
            .iter()
            .find(|v| v.depends_on.iter().any(|d| d == key) && !dropped.contains(&v.name))
        {
            let what = self.catalog.view(key).map_or("table", catalog::View::kind);
            let (reader, plain) = (v.kind(), catalog::split(key).1);
            return Err(dependent_objects(
                &format!("{what} {plain}"),
                format!("{reader} {} depends on {what} {plain}", v.name),
            ));
        }
        Ok(())
    }

    /// `ALTER INDEX IF EXISTS ... RENAME TO` (ALTER INDEX's rename, once the index is found)
    /// and `ALTER [MATERIALIZED] VIEW [IF EXISTS] ... RENAME TO`.
    pub fn alter_rename(&mut self, rename: AlterRename) -> Result<Output, PgError> {
        let AlterRename {
            kind,
            if_exists,
            name,
            new_name,
        } = rename;
        let tag = match kind {
            Renamed::Index => "ALTER INDEX",
            Renamed::View => "ALTER VIEW",
            Renamed::MaterializedView => "ALTER MATERIALIZED VIEW",
        };
        // A qualified new name fails as a syntax error does, before any lookup.
        super::rename_target(&new_name)?;
        let Some(key) = self.drop_key(&name, if_exists)? else {
            return Ok(Output::new(crate::Kind::Command(tag)));
        };
        if !self.names_relation(&key) {
            if !if_exists {
                return Err(PgError::undefined_table(catalog::split(&key).1));
            }
            self.notices
                .push(super::does_not_exist_skipping("relation", &name));
            return Ok(Output::new(crate::Kind::Command(tag)));
        }
        if kind == Renamed::Index {
            let index_name = new_name;
            return self.alter_index(&name, AlterIndexOperation::RenameIndex { index_name });
        }
        let materialized = kind == Renamed::MaterializedView;
        match self.catalog.view(&key) {
            Some(v) if v.materialized.is_some() == materialized => {
                let mut out = self.rename_view(&key, &new_name)?;
                out.kind = crate::Kind::Command(tag);
                Ok(out)
            }
            _ if materialized => Err(wrong_kind(&key, "materialized view", None)),
            _ => Err(wrong_kind(&key, "view", None)),
        }
    }

    /// Renames relation `key` (a table, view, materialized view, index or sequence) within its
    /// schema, as the RENAME of ALTER TABLE and ALTER INDEX does whatever the relation is.
    pub fn rename_relation(&mut self, key: &str, new_name: &ObjectName) -> Result<Output, PgError> {
        let name = super::schemas::qualified(key);
        if self.catalog.sequences.iter().any(|s| s == key) {
            return self.rename_sequence(key, new_name);
        }
        if self.catalog.view(key).is_some() {
            return self.rename_view(key, new_name);
        }
        if self.catalog.index(key).is_some() {
            let index_name = new_name.clone();
            return self.alter_index(&name, AlterIndexOperation::RenameIndex { index_name });
        }
        let rename = AlterTableOperation::RenameTable {
            table_name: RenameTableNameKind::To(new_name.clone()),
        };
        self.alter_table(make::alter_table(name, vec![rename]))
    }

    /// Renames view or materialized view `key` within its schema, and points the views that
    /// read it at the new name.
    pub fn rename_view(&mut self, key: &str, new_name: &ObjectName) -> Result<Output, PgError> {
        let (schema, old_plain) = catalog::split(key);
        let new = catalog::key(schema, &super::rename_target(new_name)?);
        if self.names_relation(&new) {
            return Err(duplicate_relation(&new));
        }
        let view = self
            .catalog
            .view(key)
            .cloned()
            .ok_or_else(|| PgError::undefined_table(key))?;
        let new_plain = catalog::split(&new).1;
        let mut sqlite = Vec::new();
        if view.materialized.is_some() {
            // SQLite's RENAME keeps the table's indexes; devdb's records of them follow.
            sqlite.extend(self.index_records_renamed(key, &new));
            sqlite.extend(super::ddl::sqlite_rename(key, &new));
            sqlite.push(rename_row(
                catalog::MATVIEWS,
                "name",
                schema,
                old_plain,
                new_plain,
            ));
        } else {
            let query = self.view_query(key)?;
            sqlite.push(make::drop(ObjectType::View, &[key.to_owned()], false));
            sqlite.push(make::create_view(&new, query));
        }
        sqlite.push(rename_row(
            catalog::VIEWS,
            "name",
            schema,
            old_plain,
            new_plain,
        ));
        sqlite.push(rename_row(
            catalog::VIEW_COLUMNS,
            "view_name",
            schema,
            old_plain,
            new_plain,
        ));
        sqlite.extend(self.retarget_readers(key, &new)?);
        Ok(catalog_output("ALTER VIEW", sqlite))
    }

    /// The statements that point the views reading relation `old` at `new`, its new name,
    /// as PostgreSQL keeps them working.
    pub(super) fn retarget_readers(
        &mut self,
        old: &str,
        new: &str,
    ) -> Result<Vec<Statement>, PgError> {
        let readers: Vec<View> = self
            .catalog
            .views
            .iter()
            .filter(|v| v.depends_on.iter().any(|d| d == old))
            .cloned()
            .collect();
        let mut out = Vec::new();
        for r in &readers {
            out.extend(self.retarget_reader(r, old, new)?);
        }
        Ok(out)
    }

    /// The statements that keep the definitions of the views reading table `table` reading
    /// its column `old` as `new` (`view_renames.rs`).
    pub(super) fn rename_column_in_views(
        &self,
        table: &str,
        old: &str,
        new: &str,
    ) -> Result<Vec<Statement>, PgError> {
        let mut out = Vec::new();
        let readers = self.catalog.views.iter();
        for view in readers.filter(|v| v.depends_on.iter().any(|d| d == table)) {
            let mut definition = parse_definition(view)?;
            if self.rename_view_column(&mut definition, table, old, new) {
                out.push(make::update(
                    catalog::VIEWS,
                    vec![("definition", make::string(&make::sql_text(&definition)))],
                    view_where(&view.name, "name"),
                ));
            }
        }
        Ok(out)
    }

    /// The statements that point view `reader` at relation `new` in place of `old`: its
    /// recorded definition and dependencies, and its SQLite view unless it is materialized.
    fn retarget_reader(
        &mut self,
        reader: &View,
        old: &str,
        new: &str,
    ) -> Result<Vec<Statement>, PgError> {
        let mut definition = parse_definition(reader)?;
        let new_plain = catalog::split(new).1;
        retarget(
            &mut definition,
            |n| self.table_name(n).is_ok_and(|k| k == old),
            |n| {
                let mut n = n.clone();
                if let Some(last) = n.0.last_mut() {
                    *last = ObjectNamePart::Identifier(sqlparser::ast::Ident::with_quote(
                        '"', new_plain,
                    ));
                }
                n
            },
            catalog::split(old).1,
        );
        let depends_on: Vec<String> = reader
            .depends_on
            .iter()
            .map(|d| if d == old { new.to_owned() } else { d.clone() })
            .collect();
        let mut out = vec![make::update(
            catalog::VIEWS,
            vec![
                ("definition", make::string(&make::sql_text(&definition))),
                ("depends_on", make::string(&catalog::name_list(&depends_on))),
            ],
            view_where(&reader.name, "name"),
        )];
        if reader.materialized.is_none() {
            // Translated against the catalog before the rename, then pointed at the new name.
            let mut query = self.view_query(&reader.name)?;
            retarget(
                &mut query,
                |n| *n == make::name(old),
                |_| make::name(new),
                old,
            );
            let name = std::slice::from_ref(&reader.name);
            out.push(make::drop(ObjectType::View, name, false));
            out.push(make::create_view(&reader.name, query));
        }
        Ok(out)
    }

    /// DROP VIEW, or DROP MATERIALIZED VIEW when `materialized`.
    pub fn drop_views(
        &mut self,
        names: &[ObjectName],
        if_exists: bool,
        cascade: bool,
        materialized: bool,
    ) -> Result<Output, PgError> {
        let what = match materialized {
            true => "materialized view",
            false => "view",
        };
        let mut keys = Vec::new();
        for n in names {
            let Some(key) = self.drop_key(n, if_exists)? else {
                continue;
            };
            let plain = catalog::split(&key).1;
            match self.catalog.view(&key) {
                Some(v) if v.materialized.is_some() == materialized => keys.push(key),
                Some(v) => return Err(wrong_kind(&key, what, Some(v.kind()))),
                None if self.catalog.table(&key).is_some() => {
                    return Err(wrong_kind(&key, what, Some("table")));
                }
                None if if_exists => self.notices.push(PgError::notice(format!(
                    "{what} \"{plain}\" does not exist, skipping"
                ))),
                None => {
                    return Err(PgError::new(
                        SqlState::UNDEFINED_TABLE,
                        format!("{what} \"{plain}\" does not exist"),
                    ));
                }
            }
        }
        let mut out = self.drop_view_keys(keys, cascade)?;
        if materialized {
            out.kind = crate::Kind::Command("DROP MATERIALIZED VIEW");
        }
        Ok(out)
    }

    /// Drops views and materialized views by key; with `cascade` the views reading them too.
    pub(super) fn drop_view_keys(
        &mut self,
        mut dropped: Vec<String>,
        cascade: bool,
    ) -> Result<Output, PgError> {
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
        // What the statement drops next (the tables of DROP SCHEMA, tables rebuilt without a
        // foreign key) must not find these views again.
        self.dropping_views.extend(dropped.iter().cloned());
        let sqlite = dropped
            .iter()
            .rev()
            .flat_map(|k| {
                let materialized = self
                    .catalog
                    .view(k)
                    .is_some_and(|v| v.materialized.is_some());
                drop_view_statements(k, materialized)
            })
            .collect();
        Ok(catalog_output("DROP VIEW", sqlite))
    }
}

/// The recorded PostgreSQL query of `view`.
fn parse_definition(view: &View) -> Result<Query, PgError> {
    sqlparser::parser::Parser::new(&sqlparser::dialect::PostgreSqlDialect {})
        .try_with_sql(&view.definition)
        .and_then(|mut p| p.parse_query())
        .map(|q| *q)
        .map_err(|e| PgError::internal(format!("bad view record {}: {e}", view.name)))
}

/// Points the FROM items of a query that `is_old` names at `new(name)`. An item without an
/// alias gets `alias`, the name it was known by, so columns qualified with it still resolve;
/// those qualified with its schema too (`s.v.a`, `s.v.*`) are qualified with the alias.
struct Retarget<'a, F, G> {
    is_old: F,
    new: G,
    alias: &'a str,
}

impl<F: Fn(&ObjectName) -> bool, G: Fn(&ObjectName) -> ObjectName> Retarget<'_, F, G> {
    /// The alias in place of `qualifier` when that is a schema-qualified name of the relation.
    fn requalify(&self, qualifier: &[Ident]) -> Option<Ident> {
        let name = ObjectName::from(qualifier.to_vec());
        (qualifier.len() > 1 && (self.is_old)(&name)).then(|| make::ident(self.alias))
    }

    fn requalify_wildcards(&self, body: &mut SetExpr) {
        match body {
            SetExpr::Select(select) => {
                for item in &mut select.projection {
                    if let SelectItem::QualifiedWildcard(
                        SelectItemQualifiedWildcardKind::ObjectName(name),
                        _,
                    ) = item
                        && let Some(parts) = name
                            .0
                            .iter()
                            .map(|p| p.as_ident().cloned())
                            .collect::<Option<Vec<Ident>>>()
                        && let Some(alias) = self.requalify(&parts)
                    {
                        *name = ObjectName::from(vec![alias]);
                    }
                }
            }
            SetExpr::SetOperation { left, right, .. } => {
                self.requalify_wildcards(left);
                self.requalify_wildcards(right);
            }
            _ => {}
        }
    }
}

impl<F: Fn(&ObjectName) -> bool, G: Fn(&ObjectName) -> ObjectName> VisitorMut
    for Retarget<'_, F, G>
{
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        self.requalify_wildcards(&mut query.body);
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<()> {
        if let TableFactor::Table { name, alias, .. } = factor
            && (self.is_old)(name)
        {
            *name = (self.new)(name);
            alias.get_or_insert_with(|| make::alias(self.alias, &[]));
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let Expr::CompoundIdentifier(parts) = expr
            && let [qualifier @ .., column] = parts.as_slice()
            && let Some(alias) = self.requalify(qualifier)
        {
            *parts = vec![alias, column.clone()];
        }
        ControlFlow::Continue(())
    }
}

fn retarget(
    query: &mut Query,
    is_old: impl Fn(&ObjectName) -> bool,
    new: impl Fn(&ObjectName) -> ObjectName,
    alias: &str,
) {
    let _ = query.visit(&mut Retarget { is_old, new, alias });
}

/// `UPDATE catalog_table SET column = new WHERE schema = .. AND column = old`.
fn rename_row(table: &str, column: &str, schema: &str, old: &str, new: &str) -> Statement {
    make::update(
        table,
        vec![(column, make::string(new))],
        Some(make::and(
            make::eq(make::column("schema"), make::string(schema)),
            make::eq(make::column(column), make::string(old)),
        )),
    )
}

/// 42809 for a DROP or REFRESH of `key` as a `wanted` that is a `found` (None: it is what was
/// wanted's other kind and PostgreSQL names no hint).
/// The translated view query `q` (output columns `cols`) with only the columns the view had
/// when it was created (`names`): PostgreSQL expands a `*` in CREATE VIEW once, so columns a
/// table gains later are no view's, while devdb keeps the definition's text and expands it
/// again. The view's names are found in order among the outputs, or, for a view whose columns
/// were renamed, the first ones are kept (added columns come last, as a `*` expands them).
fn created_columns(mut q: Query, cols: &[OutCol], names: &[String]) -> Query {
    if cols.len() <= names.len() {
        return q;
    }
    let mut keep = Vec::with_capacity(names.len());
    let mut next = names.iter().peekable();
    for (i, (name, _)) in cols.iter().enumerate() {
        if next.peek().is_some_and(|n| *n == name) {
            keep.push(i);
            next.next();
        }
    }
    if keep.len() != names.len() {
        keep = (0..names.len()).collect();
    }
    fn select_lists(body: &mut SetExpr, keep: &[usize], width: usize) {
        match body {
            SetExpr::Select(s) if s.projection.len() == width => {
                let items = std::mem::take(&mut s.projection);
                s.projection = items
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| keep.contains(i))
                    .map(|(_, item)| item)
                    .collect();
            }
            SetExpr::SetOperation { left, right, .. } => {
                select_lists(left, keep, width);
                select_lists(right, keep, width);
            }
            SetExpr::Query(inner) => select_lists(&mut inner.body, keep, width),
            _ => {}
        }
    }
    select_lists(&mut q.body, &keep, cols.len());
    q
}

pub(super) fn wrong_kind(key: &str, wanted: &str, found: Option<&str>) -> PgError {
    let error = PgError::new(
        SqlState::WRONG_OBJECT_TYPE,
        format!("\"{}\" is not a {wanted}", catalog::split(key).1),
    );
    match found {
        Some("table") => error.with_hint("Use DROP TABLE to remove a table."),
        Some("view") => error.with_hint("Use DROP VIEW to remove a view."),
        Some(_) => error.with_hint("Use DROP MATERIALIZED VIEW to remove a materialized view."),
        None => error,
    }
}

pub(super) fn duplicate_relation(key: &str) -> PgError {
    PgError::new(
        SqlState::DUPLICATE_TABLE,
        format!("relation \"{}\" already exists", catalog::split(key).1),
    )
}

/// What PostgreSQL says when TRUNCATE or DROP TABLE names a view (42809).
pub fn not_a_table(view: &View) -> PgError {
    PgError::new(
        SqlState::WRONG_OBJECT_TYPE,
        format!("\"{}\" is not a table", catalog::split(&view.name).1),
    )
}

/// ALTER TABLE on a view: the actions PostgreSQL refuses on one are 42809, as it reports them;
/// the ones it allows (RENAME, OWNER TO, a view column's DEFAULT) devdb lacks (0A000).
pub fn alter_view_error(view: &View, operations: &[AlterTableOperation]) -> PgError {
    let materialized = view.materialized.is_some();
    let refused = operations.iter().find_map(|op| {
        Some(match op {
            AlterTableOperation::AddColumn { .. } => "ADD COLUMN",
            AlterTableOperation::DropColumn { .. } => "DROP COLUMN",
            AlterTableOperation::AddConstraint { .. } => "ADD CONSTRAINT",
            AlterTableOperation::DropConstraint { .. } => "DROP CONSTRAINT",
            AlterTableOperation::AlterColumn { op, .. } => match op {
                AlterColumnOperation::SetNotNull => "ALTER COLUMN ... SET NOT NULL",
                AlterColumnOperation::DropNotNull => "ALTER COLUMN ... DROP NOT NULL",
                AlterColumnOperation::SetDataType { .. } => "ALTER COLUMN ... SET DATA TYPE",
                AlterColumnOperation::SetDefault { .. } if materialized => {
                    "ALTER COLUMN ... SET DEFAULT"
                }
                AlterColumnOperation::DropDefault if materialized => {
                    "ALTER COLUMN ... DROP DEFAULT"
                }
                _ => return None,
            },
            _ => return None,
        })
    });
    let kind = if materialized {
        "materialized views"
    } else {
        "views"
    };
    match refused {
        Some(action) => PgError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!(
                "ALTER action {action} cannot be performed on relation \"{}\"",
                catalog::split(&view.name).1
            ),
        )
        .with_detail(format!("This operation is not supported for {kind}.")),
        None => PgError::feature_not_supported(format!("ALTER TABLE on {kind}")),
    }
}
