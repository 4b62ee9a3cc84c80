//! DDL: each statement becomes the SQLite DDL plus the writes to devdb's catalog tables, run
//! in one SQLite transaction, so DDL is transactional.
//!
//! Primary keys and UNIQUE constraints are SQLite unique indexes (`<table>_pkey`,
//! `<table>_<column>_key`), never SQLite PRIMARY KEYs: an `INTEGER PRIMARY KEY` would turn an
//! inserted NULL into a fresh rowid, and ALTER TABLE ... ADD PRIMARY KEY must work the same way.

use devdb_pg::{PgError, PgType, SqlState};
use sqlparser::ast::helpers::stmt_create_table::CreateTableBuilder;
use sqlparser::ast::{
    AlterTable, AlterTableOperation, Analyze, CheckConstraint, ColumnDef, ColumnOption,
    ColumnOptionDef, CreateTable, CreateTableOptions, DataType, DropBehavior, Expr,
    ForeignKeyConstraint, GeneratedAs, IndexColumn, ObjectName, ObjectType, SqlOption, Statement,
    TableConstraint, Truncate,
};

use super::constraints::{
    Deferral, Keys, choose_name, column_references_apart, deferral, given_name,
};
use super::functions::regclass_text;
use super::generated::{generated_and, generated_row, renamed_readers, stored_generation};
use super::sequences::{SequenceSpec, identity_row, owner_row};
use super::{Output, Translator, already_exists_skipping, does_not_exist_skipping, fold};
use crate::catalog::{self, Column, Constraint, ConstraintKind, Identity, Table};
use crate::{Kind, make};
use devdb_pg::types::Storage;

pub(super) fn catalog_output(tag: &'static str, sqlite: Vec<Statement>) -> Output {
    let mut out = Output::new(Kind::Command(tag));
    out.sqlite = sqlite.iter().map(|s| s.to_string()).collect();
    out.writes = true;
    out.changes_catalog = true;
    out
}

pub(super) fn where_eq(pairs: &[(&str, Expr)]) -> Option<Expr> {
    pairs
        .iter()
        .cloned()
        .map(|(c, v)| make::eq(make::column(c), v))
        .reduce(make::and)
}

/// 2BP01 for DROP without CASCADE of an object others depend on; `what` is `table t`.
pub(super) fn dependent_objects(what: &str, detail: String) -> PgError {
    PgError::new(
        SqlState::DEPENDENT_OBJECTS_STILL_EXIST,
        format!("cannot drop {what} because other objects depend on it"),
    )
    .with_detail(detail)
    .with_hint("Use DROP ... CASCADE to drop the dependent objects too.")
}

/// 42704 for a constraint the table does not have.
fn undefined_constraint(name: &str, table: &str) -> PgError {
    PgError::new(
        SqlState::UNDEFINED_OBJECT,
        format!("constraint \"{name}\" of relation \"{table}\" does not exist"),
    )
}

pub(super) fn duplicate_table(name: &str) -> PgError {
    PgError::new(
        SqlState::DUPLICATE_TABLE,
        format!("relation \"{name}\" already exists"),
    )
}

/// The column names of an index or key, which must be plain columns of `table`.
fn key_columns(table: &str, cols: &[Column], key: &[IndexColumn]) -> Result<Vec<String>, PgError> {
    key.iter()
        .map(|ic| match &ic.column.expr {
            Expr::Identifier(id) => {
                let name = fold(id);
                if cols.iter().any(|c| c.name == name) {
                    Ok(name)
                } else {
                    Err(PgError::undefined_column(&name)
                        .with_detail(format!("in table \"{table}\"")))
                }
            }
            other => Err(PgError::feature_not_supported(format!(
                "index on expression {other}"
            ))),
        })
        .collect()
}

impl Translator<'_> {
    pub fn create_table(&mut self, mut ct: CreateTable) -> Result<Output, PgError> {
        // UNLOGGED only spares PostgreSQL's WAL (and crash safety); devdb has none to spare.
        ct.unlogged = false;
        if self.is_temp_table(&ct)? {
            return self.create_temp_table(ct);
        }
        if ct.query.is_some() || ct.like.is_some() {
            return self.create_table_from(ct);
        }
        let expected = CreateTableBuilder::new(ct.name.clone())
            .if_not_exists(ct.if_not_exists)
            .columns(ct.columns.clone())
            .constraints(ct.constraints.clone())
            .table_options(ct.table_options.clone())
            .build();
        if expected != ct {
            return Err(PgError::feature_not_supported("this CREATE TABLE option"));
        }
        match &ct.table_options {
            CreateTableOptions::None => {}
            // Storage parameters (fillfactor, autovacuum_*) tune PostgreSQL's heap; nothing to do.
            CreateTableOptions::With(options)
                if options
                    .iter()
                    .all(|o| matches!(o, SqlOption::KeyValue { .. })) => {}
            other => {
                return Err(PgError::feature_not_supported(format!(
                    "table options {other}"
                )));
            }
        }
        let name = self.creation_key(&ct.name)?;
        if self.catalog.table(&name).is_some() || self.catalog.index(&name).is_some() {
            if ct.if_not_exists {
                self.notices.push(already_exists_skipping(&name));
                return Ok(Output::new(Kind::Command("CREATE TABLE")));
            }
            return Err(duplicate_table(&name));
        }
        let mut columns: Vec<Column> = Vec::with_capacity(ct.columns.len());
        let mut serials = Vec::new();
        let mut identities = Vec::new();
        let mut domain_rows = Vec::new();
        // Each key: its given name, its columns and whether it is deferrable and deferred.
        let mut pk: Option<(Option<String>, Vec<String>, Deferral)> = None;
        let mut uniques: Vec<(Option<String>, Vec<String>, Deferral)> = Vec::new();
        // Foreign keys and checks wait until every column is known.
        let mut fks: Vec<(Option<String>, Vec<String>, ForeignKeyConstraint)> = Vec::new();
        let mut checks: Vec<(Option<String>, CheckConstraint)> = Vec::new();
        for (
            i,
            ColumnDef {
                name: col_ident,
                data_type,
                options,
            },
        ) in ct.columns.iter().enumerate()
        {
            let col_name = fold(col_ident);
            if columns.iter().any(|c| c.name == col_name) {
                return Err(PgError::new(
                    SqlState::DUPLICATE_COLUMN,
                    format!("column \"{col_name}\" specified more than once"),
                ));
            }
            case_distinct(columns.iter().map(|c| c.name.as_str()), &col_name)?;
            let declared = self.data_type(data_type)?;
            let mut col = Column {
                name: col_name.clone(),
                position: i as i32 + 1,
                ty: declared.ty.ty,
                enum_oid: declared.ty.enum_oid,
                typmod: declared.ty.typmod,
                not_null: false,
                default: None,
                pk_position: None,
                identity: None,
                domain: None,
                generated: None,
            };
            if declared.serial {
                let seq = format!("{name}_{col_name}_seq");
                col.default = Some(format!("nextval('{}')", regclass_text(&seq)));
                col.not_null = true;
                serials.push((seq, col_name.clone(), col.ty));
            }
            for ColumnOptionDef {
                name: option_name,
                option,
            } in options
            {
                match option {
                    ColumnOption::Null => {}
                    ColumnOption::NotNull => col.not_null = true,
                    ColumnOption::Generated {
                        generated_as: generated @ (GeneratedAs::Always | GeneratedAs::ByDefault),
                        sequence_options,
                        generation_expr: None,
                        generation_expr_mode: None,
                        generated_keyword: true,
                    } => {
                        if !matches!(col.ty, PgType::Int2 | PgType::Int4 | PgType::Int8) {
                            return Err(PgError::new(
                                SqlState::INVALID_PARAMETER_VALUE,
                                "identity column type must be smallint, integer, or bigint",
                            ));
                        }
                        if col.generated.is_some() {
                            return Err(generated_and("identity", &col_name, &name));
                        }
                        if declared.serial || col.default.is_some() {
                            return Err(PgError::syntax_error(
                                format!(
                                    "both default and identity specified for column \"{col_name}\" of table \"{}\"",
                                    catalog::split(&name).1
                                ),
                                None,
                            ));
                        }
                        let identity = match generated {
                            GeneratedAs::Always => Identity::Always,
                            _ => Identity::ByDefault,
                        };
                        let spec = SequenceSpec::new(
                            sequence_options.as_deref().unwrap_or_default(),
                            col.ty,
                        )?;
                        let seq = format!("{name}_{col_name}_seq");
                        col.default = Some(format!("nextval('{}')", regclass_text(&seq)));
                        col.not_null = true;
                        col.identity = Some(identity);
                        identities.push((seq, col_name.clone(), spec, identity));
                    }
                    o if let Some(e) = stored_generation(o) => {
                        if col.identity.is_some() {
                            return Err(generated_and("identity", &col_name, &name));
                        }
                        if col.default.is_some() {
                            return Err(generated_and("default", &col_name, &name));
                        }
                        col.generated = Some(make::sql_text(e));
                    }
                    ColumnOption::Default(e) => {
                        if col.generated.is_some() {
                            return Err(generated_and("default", &col_name, &name));
                        }
                        if col.identity.is_some() {
                            return Err(PgError::syntax_error(
                                format!(
                                    "both default and identity specified for column \"{col_name}\" of table \"{}\"",
                                    catalog::split(&name).1
                                ),
                                None,
                            ));
                        }
                        if declared.serial {
                            return Err(PgError::syntax_error(
                                format!(
                                    "multiple default values specified for column \"{col_name}\" of table \"{name}\""
                                ),
                                None,
                            ));
                        }
                        col.default = Some(make::sql_text(e));
                    }
                    ColumnOption::PrimaryKey(k) => {
                        let given = given_name(option_name, &k.name);
                        let deferral = deferral(&k.characteristics)?;
                        if pk
                            .replace((given, vec![col_name.clone()], deferral))
                            .is_some()
                        {
                            return Err(multiple_pk(&name));
                        }
                    }
                    ColumnOption::Unique(u) => uniques.push((
                        nulls_distinct(&u.nulls_distinct)
                            .map(|()| given_name(option_name, &u.name))?,
                        vec![col_name.clone()],
                        deferral(&u.characteristics)?,
                    )),
                    ColumnOption::ForeignKey(fk) => fks.push((
                        given_name(option_name, &fk.name),
                        vec![col_name.clone()],
                        fk.clone(),
                    )),
                    ColumnOption::Check(c) => {
                        let mut c = c.clone();
                        c.name = option_name.clone().or(c.name);
                        checks.push((Some(col_name.clone()), c));
                    }
                    other => {
                        return Err(PgError::feature_not_supported(format!(
                            "column constraint {other}"
                        )));
                    }
                }
            }
            domain_rows.extend(self.apply_domain(&name, &mut col, data_type)?);
            columns.push(col);
        }
        let mut excludes = Vec::new();
        for constraint in &ct.constraints {
            match constraint {
                TableConstraint::PrimaryKey(k) => {
                    no_include(&k.include)?;
                    let cols = key_columns(&name, &columns, &k.columns)?;
                    let deferral = deferral(&k.characteristics)?;
                    if pk
                        .replace((k.name.as_ref().map(fold), cols, deferral))
                        .is_some()
                    {
                        return Err(multiple_pk(&name));
                    }
                }
                TableConstraint::Unique(u) => {
                    no_include(&u.include)?;
                    nulls_distinct(&u.nulls_distinct)?;
                    uniques.push((
                        u.name.as_ref().map(fold),
                        key_columns(&name, &columns, &u.columns)?,
                        deferral(&u.characteristics)?,
                    ))
                }
                TableConstraint::ForeignKey(fk) => {
                    let cols: Vec<String> = fk.columns.iter().map(fold).collect();
                    fks.push((fk.name.as_ref().map(fold), cols, fk.clone()));
                }
                TableConstraint::Check(c) => checks.push((None, c.clone())),
                TableConstraint::Exclude(ex) => excludes.push(ex.clone()),
                other => {
                    return Err(PgError::feature_not_supported(format!(
                        "table constraint {other}"
                    )));
                }
            }
        }
        for (pos, key_col) in pk.iter().flat_map(|(_, k, _)| k).enumerate() {
            if let Some(c) = columns.iter_mut().find(|c| c.name == *key_col) {
                c.not_null = true;
                c.pk_position = Some(pos as i32 + 1);
            }
        }
        // Check that each default translates now, not at the first INSERT.
        self.creating
            .extend(serials.iter().map(|(seq, _, _)| seq.clone()));
        self.creating
            .extend(identities.iter().map(|(seq, ..)| seq.clone()));
        for c in &columns {
            if c.default.is_some() {
                self.default_value(c)?;
            }
        }
        let mut constraints: Vec<Constraint> = Vec::new();
        let mut taken: Vec<String> = Vec::new();
        let (schema_name, plain_name) = catalog::split(&name);
        if let Some((given, key, deferral)) = &pk {
            let cname = given
                .clone()
                .unwrap_or_else(|| format!("{plain_name}_pkey"));
            taken.push(cname.clone());
            let c = Constraint::new(&name, cname, ConstraintKind::PrimaryKey, key);
            constraints.push(deferral.apply(c));
        }
        for (given, cols, deferral) in &uniques {
            let cname = given
                .clone()
                .unwrap_or_else(|| choose_name(&name, cols, "key", &taken));
            taken.push(cname.clone());
            let c = Constraint::new(&name, cname, ConstraintKind::Unique, cols);
            constraints.push(deferral.apply(c));
        }
        let keys = Keys {
            table: &name,
            columns: &columns,
            keys: constraints.iter().map(|c| c.columns.clone()).collect(),
        };
        let mut more = Vec::new();
        for (given, cols, fk) in &fks {
            let c = self.foreign_key(&keys, given.clone(), cols.clone(), fk, &taken)?;
            taken.push(c.name.clone());
            more.push(c);
        }
        // A CHECK is named after the one column it mentions, wherever it is written.
        for (_, check) in &checks {
            let given = check.name.as_ref().map(fold);
            let c = self.check_constraint(&name, &columns, given, check, &taken)?;
            taken.push(c.name.clone());
            more.push(c);
        }
        constraints.extend(more);
        let created_table = Table {
            schema: schema_name.to_owned(),
            name: name.clone(),
            columns: columns.clone(),
        };
        let mut exclusions = Vec::new();
        for ex in &excludes {
            let (c, statements) = self.exclusion_constraint(&created_table, ex, &taken)?;
            taken.push(c.name.clone());
            exclusions.extend(statements);
            constraints.push(c);
        }
        for c in &constraints {
            if constraints.iter().filter(|o| o.name == c.name).count() > 1 {
                return Err(PgError::new(
                    SqlState::DUPLICATE_OBJECT,
                    format!(
                        "constraint \"{}\" for relation \"{name}\" already exists",
                        c.name
                    ),
                ));
            }
        }
        let mut sqlite = vec![self.sqlite_table(&name, &columns, &constraints)?];
        // Each key's index: (key, columns, primary, the SQLite index), unique unless the
        // key is deferrable, which the executor checks itself (`duplicate_key`).
        let mut indexes = Vec::new();
        for c in &constraints {
            let primary = match c.kind {
                ConstraintKind::PrimaryKey => true,
                ConstraintKind::Unique => false,
                _ => continue,
            };
            let index = catalog::key(schema_name, &c.name);
            let create = make::create_index(&index, &name, &c.columns, !c.deferrable, false);
            indexes.push((index, primary, create));
        }
        for (index, _, create) in &indexes {
            if self.catalog.index(index).is_some() || self.catalog.table(index).is_some() {
                return Err(duplicate_table(index));
            }
            sqlite.push(create.clone());
        }
        sqlite.extend(exclusions);
        let schema = || make::string(schema_name);
        sqlite.push(make::insert_rows(
            catalog::TABLES,
            &["schema", "name"],
            vec![vec![schema(), make::string(plain_name)]],
        ));
        let rows = columns
            .iter()
            .map(|c| {
                vec![
                    schema(),
                    make::string(plain_name),
                    make::string(&c.name),
                    make::int(c.position.into()),
                    make::int(c.type_oid().0.into()),
                    make::int(c.typmod.into()),
                    make::int(c.not_null as i64),
                    c.default
                        .as_deref()
                        .map(make::string)
                        .unwrap_or_else(make::null),
                    c.pk_position
                        .map(|p| make::int(p.into()))
                        .unwrap_or_else(make::null),
                ]
            })
            .collect();
        sqlite.push(make::insert_rows(
            catalog::COLUMNS,
            &[
                "schema",
                "table_name",
                "name",
                "position",
                "type_oid",
                "typmod",
                "not_null",
                "default_expr",
                "pk_position",
            ],
            rows,
        ));
        for (index, primary, create) in &indexes {
            sqlite.push(index_row(index, &name, true, *primary));
            sqlite.push(index_def_row(index, create));
        }
        for c in &constraints {
            sqlite.push(c.insert_row());
        }
        for (seq, col, ty) in &serials {
            sqlite.push(SequenceSpec::new(&[], *ty)?.insert_row(seq, Some(*ty)));
            sqlite.push(owner_row(seq, &name, col));
        }
        for (seq, col, spec, identity) in &identities {
            sqlite.push(spec.insert_row(seq, None));
            sqlite.push(owner_row(seq, &name, col));
            sqlite.push(identity_row(&name, col, *identity));
        }
        for c in &columns {
            if let Some(expr) = &c.generated {
                sqlite.push(generated_row(&name, &c.name, expr));
            }
        }
        sqlite.extend(domain_rows);
        Ok(catalog_output("CREATE TABLE", sqlite))
    }

    pub fn drop(
        &mut self,
        object_type: ObjectType,
        if_exists: bool,
        names: Vec<ObjectName>,
        cascade: bool,
    ) -> Result<Output, PgError> {
        match object_type {
            ObjectType::Table => {
                let mut dropped = Vec::new();
                for n in &names {
                    let Some(name) = self.drop_key(n, if_exists)? else {
                        continue;
                    };
                    if let (None, Some(view)) =
                        (self.catalog.table(&name), self.catalog.view(&name))
                    {
                        return Err(super::views::wrong_kind(&name, "table", Some(view.kind())));
                    }
                    if self.catalog.table(&name).is_none() {
                        if if_exists {
                            self.notices.push(does_not_exist_skipping("table", n));
                            continue;
                        }
                        return Err(PgError::undefined_table(&name));
                    }
                    if !dropped.contains(&name) {
                        dropped.push(name);
                    }
                }
                let dependents = match cascade {
                    true => self.drop_dependents(&dropped)?,
                    false => Vec::new(),
                };
                if !cascade && let Some((_, on)) = self.dependents_of(&dropped).first() {
                    let detail: Vec<String> = self
                        .dependents_of(&dropped)
                        .iter()
                        .map(|(object, on)| format!("{object} depends on {on}"))
                        .collect();
                    return Err(dependent_objects(on, detail.join("\n")));
                }
                // Children go first, so dropping a parent never fires a foreign key action.
                let mut sqlite = Vec::new();
                for name in self.children_first(dropped) {
                    sqlite.extend(drop_table_statements(&name));
                }
                let mut out = catalog_output("DROP TABLE", sqlite);
                out.sqlite.splice(0..0, dependents);
                Ok(out)
            }
            ObjectType::Index => self.drop_indexes(&names, if_exists),
            ObjectType::Schema => self.drop_schemas(&names, if_exists, cascade),
            ObjectType::Sequence => self.drop_sequences(&names, if_exists, cascade),
            ObjectType::View => self.drop_views(&names, if_exists, cascade, false),
            ObjectType::MaterializedView => self.drop_views(&names, if_exists, cascade, true),
            other => Err(PgError::feature_not_supported(format!("DROP {other}"))),
        }
    }

    pub fn truncate(&mut self, t: Truncate) -> Result<Output, PgError> {
        let Truncate {
            table_names,
            partitions: None,
            table: _,
            if_exists: false,
            identity,
            cascade,
            on_cluster: None,
        } = t
        else {
            return Err(PgError::feature_not_supported("this TRUNCATE form"));
        };
        let restart = matches!(
            identity,
            Some(sqlparser::ast::TruncateIdentityOption::Restart)
        );
        let mut tables = Vec::new();
        for target in &table_names {
            if let Some(view) = self.catalog.view(&self.relation_key(&target.name)?) {
                return Err(super::views::not_a_table(view));
            }
            let table = self.lookup_table(&target.name)?.name.clone();
            if !tables.contains(&table) {
                tables.push(table);
            }
        }
        // Tables that reference a truncated one are truncated with it (CASCADE) or stop it.
        let mut i = 0;
        while let Some(table) = tables.get(i).cloned() {
            i += 1;
            let referencing: Vec<String> = self
                .catalog
                .references_to(&table)
                .filter(|fk| !tables.contains(&fk.table))
                .map(|fk| fk.table.clone())
                .collect();
            for child in referencing {
                if !matches!(cascade, Some(sqlparser::ast::CascadeOption::Cascade)) {
                    return Err(PgError::feature_not_supported(
                        "cannot truncate a table referenced in a foreign key constraint",
                    )
                    .with_detail(format!("Table \"{child}\" references \"{table}\"."))
                    .with_hint(format!(
                        "Truncate table \"{child}\" at the same time, or use TRUNCATE ... CASCADE."
                    )));
                }
                if !tables.contains(&child) {
                    tables.push(child);
                }
            }
        }
        let mut sqlite = Vec::new();
        for table in self.children_first(tables) {
            sqlite.push(make::delete(&table, None));
            if restart {
                // Through setval, so the executor's in-memory value restarts too.
                let restarted = make::call(
                    "devdb_setval",
                    vec![
                        make::column("name"),
                        make::column("start_value"),
                        make::int(0),
                    ],
                );
                sqlite.push(make::update(
                    catalog::SEQUENCES,
                    vec![("last_value", restarted), ("is_called", make::int(0))],
                    Some(owned_sequences(&table)),
                ));
            }
        }
        let mut out = Output::new(Kind::Command("TRUNCATE TABLE"));
        out.sqlite = sqlite.iter().map(|s| s.to_string()).collect();
        out.writes = true;
        Ok(out)
    }

    pub fn alter_table(&mut self, alter: AlterTable) -> Result<Output, PgError> {
        let AlterTable {
            name,
            if_exists,
            only: _,
            operations,
            location: None,
            on_cluster: None,
            table_type: None,
            end_token: _,
        } = alter
        else {
            return Err(PgError::feature_not_supported("this ALTER TABLE form"));
        };
        // A qualified new name fails as a syntax error does, before any lookup.
        for op in &operations {
            if let AlterTableOperation::RenameTable {
                table_name: sqlparser::ast::RenameTableNameKind::To(new_name),
            } = op
            {
                super::rename_target(new_name)?;
            }
        }
        let folded = self.table_name(&name)?;
        let Some(mut table) = self.catalog.table(&folded).cloned() else {
            let rename = match operations.as_slice() {
                [
                    AlterTableOperation::RenameTable {
                        table_name: sqlparser::ast::RenameTableNameKind::To(new_name),
                    },
                ] => Some(new_name),
                _ => None,
            };
            // PostgreSQL lets ALTER TABLE rename a view, an index or a sequence too.
            if let Some(new_name) = rename
                && (self.catalog.view(&folded).is_some()
                    || self.catalog.index(&folded).is_some()
                    || self.catalog.sequences.contains(&folded))
            {
                let mut out = self.rename_relation(&folded, new_name)?;
                out.kind = Kind::Command("ALTER TABLE");
                return Ok(out);
            }
            if let Some(view) = self.catalog.view(&folded) {
                return Err(super::views::alter_view_error(view, &operations));
            }
            if if_exists {
                self.notices
                    .push(does_not_exist_skipping("relation", &name));
                return Ok(Output::new(Kind::Command("ALTER TABLE")));
            }
            return Err(PgError::undefined_table(&folded));
        };
        let mut sqlite = Vec::new();
        let mut constraints: Vec<Constraint> =
            self.catalog.constraints_of(&table.name).cloned().collect();
        let mut rebuild = false;
        // Indexes this statement creates, which a rebuild must create again.
        let mut created: Vec<Statement> = Vec::new();
        // Columns whose values a rebuild converts (ALTER COLUMN TYPE), with the conversion.
        let mut conversions: Vec<(String, Expr)> = Vec::new();
        for op in column_references_apart(operations) {
            match op {
                AlterTableOperation::AddColumn {
                    column_keyword: _,
                    if_not_exists,
                    column_def,
                    column_position: None,
                } => {
                    let name = fold(&column_def.name);
                    if table.column(&name).is_some() {
                        if if_not_exists {
                            self.notices.push(PgError::skipping(
                                SqlState::DUPLICATE_COLUMN,
                                format!(
                                    "column \"{name}\" of relation \"{}\" already exists, skipping",
                                    catalog::split(&table.name).1
                                ),
                            ));
                            continue;
                        }
                        return Err(PgError::new(
                            SqlState::DUPLICATE_COLUMN,
                            format!(
                                "column \"{name}\" of relation \"{}\" already exists",
                                table.name
                            ),
                        ));
                    }
                    case_distinct(table.columns.iter().map(|c| c.name.as_str()), &name)?;
                    sqlite.extend(self.add_column(&mut table, &column_def)?);
                    rebuild |= table.columns.last().is_some_and(|c| c.generated.is_some());
                }
                AlterTableOperation::DropColumn {
                    has_column_keyword: _,
                    column_names,
                    if_exists,
                    drop_behavior,
                } => {
                    let cascade = matches!(drop_behavior, Some(DropBehavior::Cascade));
                    let names = self.with_generated_readers(
                        &table,
                        column_names.iter().map(fold).collect(),
                        cascade,
                    )?;
                    for name in names {
                        if table.column(&name).is_none() {
                            if if_exists {
                                self.notices.push(PgError::notice(format!(
                                    "column \"{name}\" of relation \"{}\" does not exist, skipping",
                                    catalog::split(&table.name).1
                                )));
                                continue;
                            }
                            return Err(PgError::undefined_column(&name)
                                .with_detail(format!("in table \"{}\"", table.name)));
                        }
                        if let Some(fk) = self
                            .catalog
                            .references_to(&table.name)
                            .find(|fk| fk.ref_columns.contains(&name))
                        {
                            if cascade {
                                return Err(PgError::feature_not_supported(
                                    "DROP COLUMN ... CASCADE of a column another table's foreign key references",
                                ));
                            }
                            return Err(depended_on(
                                &format!(
                                    "column {name} of table {}",
                                    catalog::split(&table.name).1
                                ),
                                std::slice::from_ref(fk),
                                &format!(
                                    "column {name} of table {}",
                                    catalog::split(&table.name).1
                                ),
                            ));
                        }
                        // The primary key goes with any of its columns, as in PostgreSQL: its
                        // index reads the column (`drop_indexes_reading` below).
                        if let Some(key) = constraints.iter().find(|c| {
                            c.kind == ConstraintKind::PrimaryKey && c.columns.contains(&name)
                        }) {
                            sqlite.extend(not_key_columns(&mut table, &key.columns));
                        }
                        // The table's own constraints on the column go with it, as in
                        // PostgreSQL; SQLite cannot drop a column its CHECKs or REFERENCES
                        // name, so then the table is rebuilt without it.
                        let (dropped, kept): (Vec<Constraint>, Vec<Constraint>) =
                            std::mem::take(&mut constraints).into_iter().partition(|c| {
                                matches!(
                                    c.kind,
                                    ConstraintKind::Check
                                        | ConstraintKind::ForeignKey
                                        | ConstraintKind::Exclusion
                                ) && c.columns.contains(&name)
                            });
                        constraints = kept;
                        let mut rebuilt = false;
                        for c in &dropped {
                            if c.kind == ConstraintKind::Exclusion {
                                sqlite.extend(super::exclusion::drop_exclusion_triggers(c)?);
                            } else {
                                rebuilt = true;
                            }
                            sqlite.push(make::delete(
                                catalog::CONSTRAINTS,
                                table_where(&table.name).map(|w| {
                                    make::and(
                                        w,
                                        make::eq(make::column("name"), make::string(&c.name)),
                                    )
                                }),
                            ));
                        }
                        sqlite.extend(self.drop_indexes_reading(
                            &table.name,
                            &name,
                            &mut constraints,
                        ));
                        rebuild |= rebuilt;
                        if !rebuild {
                            sqlite.push(Statement::AlterTable(sqlite_alter(
                                &table.name,
                                AlterTableOperation::DropColumn {
                                    has_column_keyword: true,
                                    column_names: vec![make::ident(&name)],
                                    if_exists: false,
                                    drop_behavior: None,
                                },
                            )));
                        }
                        for catalog_table in [
                            catalog::COLUMNS,
                            catalog::IDENTITY_COLUMNS,
                            catalog::DOMAIN_COLUMNS,
                            catalog::GENERATED_COLUMNS,
                        ] {
                            sqlite.push(make::delete(
                                catalog_table,
                                column_where(&table.name, &name),
                            ));
                        }
                        table.columns.retain(|c| c.name != name);
                    }
                }
                AlterTableOperation::RenameColumn {
                    old_column_name,
                    new_column_name,
                } => {
                    let (old, new) = (fold(&old_column_name), fold(&new_column_name));
                    if table.column(&old).is_none() {
                        return Err(PgError::undefined_column(&old));
                    }
                    if table.column(&new).is_some() {
                        return Err(PgError::new(
                            SqlState::DUPLICATE_COLUMN,
                            format!(
                                "column \"{new}\" of relation \"{}\" already exists",
                                table.name
                            ),
                        ));
                    }
                    let others = table.columns.iter().map(|c| c.name.as_str());
                    case_distinct(others.filter(|c| *c != old), &new)?;
                    sqlite.push(Statement::AlterTable(sqlite_alter(
                        &table.name,
                        AlterTableOperation::RenameColumn {
                            old_column_name: make::ident(&old),
                            new_column_name: make::ident(&new),
                        },
                    )));
                    for catalog_table in [
                        catalog::COLUMNS,
                        catalog::IDENTITY_COLUMNS,
                        catalog::DOMAIN_COLUMNS,
                        catalog::GENERATED_COLUMNS,
                    ] {
                        sqlite.push(make::update(
                            catalog_table,
                            vec![("name", make::string(&new))],
                            column_where(&table.name, &old),
                        ));
                    }
                    let (schema, plain) = catalog::split(&table.name);
                    sqlite.push(make::update(
                        catalog::SEQUENCE_OWNERS,
                        vec![("column_name", make::string(&new))],
                        where_eq(&[
                            ("schema", make::string(schema)),
                            ("table_name", make::string(plain)),
                            ("column_name", make::string(&old)),
                        ]),
                    ));
                    for (reader, expr) in renamed_readers(&table, &old, &new) {
                        sqlite.push(make::update(
                            catalog::GENERATED_COLUMNS,
                            vec![("expr", make::string(&expr))],
                            column_where(&table.name, &reader),
                        ));
                        if let Some(c) = table.columns.iter_mut().find(|c| c.name == reader) {
                            c.generated = Some(expr);
                        }
                    }
                    if let Some(c) = table.columns.iter_mut().find(|c| c.name == old) {
                        c.name = new.clone();
                    }
                    sqlite.extend(self.rename_in_index_records(&table, &old, &new)?);
                    sqlite.extend(self.rename_column_in_views(&table.name, &old, &new)?);
                    sqlite.extend(self.rename_in_constraints(
                        &table,
                        &mut constraints,
                        &old,
                        &new,
                    )?);
                }
                AlterTableOperation::RenameTable {
                    table_name: sqlparser::ast::RenameTableNameKind::To(new_name),
                } => {
                    // The table stays in its schema under its new plain name.
                    let (schema_name, old_plain) = catalog::split(&table.name);
                    let new = catalog::key(schema_name, &super::rename_target(&new_name)?);
                    if self.names_relation(&new) {
                        return Err(super::views::duplicate_relation(&new));
                    }
                    sqlite.extend(sqlite_rename(&table.name, &new));
                    let old = make::string(old_plain);
                    let new_plain = make::string(catalog::split(&new).1);
                    let schema = || ("schema", make::string(schema_name));
                    sqlite.push(make::update(
                        catalog::TABLES,
                        vec![("name", new_plain.clone())],
                        where_eq(&[schema(), ("name", old.clone())]),
                    ));
                    for t in [
                        catalog::COLUMNS,
                        catalog::IDENTITY_COLUMNS,
                        catalog::DOMAIN_COLUMNS,
                        catalog::GENERATED_COLUMNS,
                        catalog::SEQUENCE_OWNERS,
                        catalog::CONSTRAINTS,
                        catalog::TRIGGERS,
                    ] {
                        sqlite.push(make::update(
                            t,
                            vec![("table_name", new_plain.clone())],
                            where_eq(&[schema(), ("table_name", old.clone())]),
                        ));
                    }
                    sqlite.push(make::update(
                        catalog::CONSTRAINTS,
                        vec![("ref_table", make::string(&new))],
                        where_eq(&[("ref_table", make::string(&table.name))]),
                    ));
                    for c in &mut constraints {
                        c.table = new.clone();
                        if c.ref_table.as_deref() == Some(table.name.as_str()) {
                            c.ref_table = Some(new.clone());
                        }
                    }
                    sqlite.extend(self.retarget_readers(&table.name, &new)?);
                    sqlite.extend(self.index_records_renamed(&table.name, &new));
                    table.name = new;
                }
                AlterTableOperation::AlterColumn { column_name, op } => {
                    let name = fold(&column_name);
                    let Some(col) = table.column(&name).cloned() else {
                        return Err(PgError::undefined_column(&name)
                            .with_detail(format!("in table \"{}\"", table.name)));
                    };
                    let altered = self.alter_column(&mut table, &col, op)?;
                    sqlite.extend(altered.sqlite);
                    rebuild |= altered.rebuild;
                    conversions.extend(altered.conversion);
                }
                AlterTableOperation::AddConstraint {
                    constraint:
                        constraint @ (TableConstraint::PrimaryKey(_) | TableConstraint::Unique(_)),
                    not_valid: true,
                } => {
                    let kind = match constraint {
                        TableConstraint::PrimaryKey(_) => "PRIMARY KEY",
                        _ => "UNIQUE",
                    };
                    return Err(PgError::new(
                        SqlState::FEATURE_NOT_SUPPORTED,
                        format!("{kind} constraints cannot be marked NOT VALID"),
                    ));
                }
                AlterTableOperation::AddConstraint {
                    constraint: TableConstraint::PrimaryKey(k),
                    not_valid: false,
                } => {
                    if !table.primary_key().is_empty() {
                        return Err(multiple_pk(&table.name));
                    }
                    no_include(&k.include)?;
                    let cols = key_columns(&table.name, &table.columns, &k.columns)?;
                    let cname = k
                        .name
                        .as_ref()
                        .map(fold)
                        .unwrap_or_else(|| format!("{}_pkey", catalog::split(&table.name).1));
                    let index = catalog::key(&table.schema, &cname);
                    self.check_new_relation(&index, &constraints, &table.name, true)?;
                    let c = Constraint::new(&table.name, cname, ConstraintKind::PrimaryKey, &cols);
                    let c = deferral(&k.characteristics)?.apply(c);
                    let create =
                        make::create_index(&index, &table.name, &cols, !c.deferrable, false);
                    sqlite.extend(add_primary_key(&table, &index, &cols, &create));
                    sqlite.push(c.insert_row());
                    created.push(create);
                    constraints.push(c);
                    for (pos, col) in cols.iter().enumerate() {
                        if let Some(c) = table.columns.iter_mut().find(|c| c.name == *col) {
                            c.not_null = true;
                            c.pk_position = Some(pos as i32 + 1);
                        }
                    }
                }
                AlterTableOperation::AddConstraint {
                    constraint: TableConstraint::Unique(u),
                    not_valid: false,
                } => {
                    no_include(&u.include)?;
                    nulls_distinct(&u.nulls_distinct)?;
                    let cols = key_columns(&table.name, &table.columns, &u.columns)?;
                    let taken: Vec<String> = constraints.iter().map(|c| c.name.clone()).collect();
                    let cname = u
                        .name
                        .as_ref()
                        .map(fold)
                        .unwrap_or_else(|| choose_name(&table.name, &cols, "key", &taken));
                    let index = catalog::key(&table.schema, &cname);
                    self.check_new_relation(&index, &constraints, &table.name, true)?;
                    let c = Constraint::new(&table.name, cname, ConstraintKind::Unique, &cols);
                    let c = deferral(&u.characteristics)?.apply(c);
                    let create =
                        make::create_index(&index, &table.name, &cols, !c.deferrable, false);
                    sqlite.push(create.clone());
                    sqlite.push(index_row(&index, &table.name, true, false));
                    sqlite.push(index_def_row(&index, &create));
                    sqlite.push(c.insert_row());
                    created.push(create);
                    constraints.push(c);
                }
                AlterTableOperation::AddConstraint {
                    constraint: TableConstraint::ForeignKey(fk),
                    not_valid,
                } => {
                    let taken: Vec<String> = constraints.iter().map(|c| c.name.clone()).collect();
                    let keys = Keys {
                        table: &table.name,
                        columns: &table.columns,
                        keys: constraints
                            .iter()
                            .filter(|c| {
                                matches!(
                                    c.kind,
                                    ConstraintKind::PrimaryKey | ConstraintKind::Unique
                                )
                            })
                            .map(|c| c.columns.clone())
                            .collect(),
                    };
                    let cols: Vec<String> = fk.columns.iter().map(fold).collect();
                    let mut c =
                        self.foreign_key(&keys, fk.name.as_ref().map(fold), cols, &fk, &taken)?;
                    self.check_new_relation(&c.name, &constraints, &table.name, false)?;
                    c.validated = !not_valid;
                    sqlite.push(self.foreign_key_rows(&table, &c)?);
                    sqlite.push(c.insert_row());
                    constraints.push(c);
                    rebuild = true;
                }
                AlterTableOperation::AddConstraint {
                    constraint: TableConstraint::Check(check),
                    not_valid,
                } => {
                    let taken: Vec<String> = constraints.iter().map(|c| c.name.clone()).collect();
                    let mut c = self.check_constraint(
                        &table.name,
                        &table.columns,
                        check.name.as_ref().map(fold),
                        &check,
                        &taken,
                    )?;
                    self.check_new_relation(&c.name, &constraints, &table.name, false)?;
                    c.validated = !not_valid;
                    let (holds, _) = self.check_expr(&table.name, &table.columns, &check.expr)?;
                    sqlite.push(super::validation::check_rows(&table.name, &c, holds));
                    sqlite.push(c.insert_row());
                    constraints.push(c);
                    rebuild = true;
                }
                AlterTableOperation::AddConstraint {
                    constraint: TableConstraint::Exclude(ex),
                    not_valid,
                } => {
                    if not_valid {
                        return Err(PgError::feature_not_supported(
                            "EXCLUDE constraints cannot be marked NOT VALID",
                        ));
                    }
                    let taken: Vec<String> = constraints.iter().map(|c| c.name.clone()).collect();
                    let (c, statements) = self.exclusion_constraint(&table, &ex, &taken)?;
                    let index = catalog::key(&table.schema, &c.name);
                    self.check_new_relation(&index, &constraints, &table.name, true)?;
                    // The rows already there are checked before the triggers exist.
                    sqlite.push(super::exclusion::exclusion_rows(&table, &c)?);
                    created.extend(statements.first().cloned());
                    sqlite.extend(statements);
                    sqlite.push(c.insert_row());
                    constraints.push(c);
                }
                AlterTableOperation::ValidateConstraint { name } => {
                    let cname = fold(&name);
                    let Some(c) = constraints.iter_mut().find(|c| c.name == cname) else {
                        return Err(undefined_constraint(&cname, &table.name));
                    };
                    if !matches!(c.kind, ConstraintKind::ForeignKey | ConstraintKind::Check) {
                        return Err(PgError::new(
                            SqlState::WRONG_OBJECT_TYPE,
                            format!(
                                "constraint \"{cname}\" of relation \"{}\" is not a foreign key or check constraint",
                                catalog::split(&table.name).1
                            ),
                        ));
                    }
                    // The rows it was added over were checked then (see validation.rs), and
                    // SQLite has enforced it on every write since: only the mark is left.
                    c.validated = true;
                    sqlite.push(make::update(
                        catalog::CONSTRAINTS,
                        vec![("validated", make::int(1))],
                        table_where(&table.name).map(|w| {
                            make::and(w, make::eq(make::column("name"), make::string(&cname)))
                        }),
                    ));
                }
                AlterTableOperation::DisableTrigger { name } => {
                    sqlite.push(self.switch_triggers(&table, &name, false)?);
                }
                AlterTableOperation::EnableTrigger { name } => {
                    sqlite.push(self.switch_triggers(&table, &name, true)?);
                }
                // A check or foreign key (`rename_constraint` takes the others): SQLite
                // knows it by name in the table's definition, which is rebuilt.
                AlterTableOperation::RenameConstraint { old_name, new_name } => {
                    let (old, new) = (fold(&old_name), fold(&new_name));
                    let Some(c) = constraints.iter_mut().find(|c| c.name == old) else {
                        return Err(undefined_constraint(&old, &table.name));
                    };
                    c.name = new.clone();
                    sqlite.push(make::update(
                        catalog::CONSTRAINTS,
                        vec![("name", make::string(&new))],
                        table_where(&table.name).map(|w| {
                            make::and(w, make::eq(make::column("name"), make::string(&old)))
                        }),
                    ));
                    rebuild = true;
                }
                AlterTableOperation::DropConstraint {
                    if_exists,
                    name,
                    drop_behavior,
                } => {
                    let cname = fold(&name);
                    let Some(pos) = constraints.iter().position(|c| c.name == cname) else {
                        if if_exists {
                            self.notices.push(PgError::notice(format!(
                                "constraint \"{cname}\" of relation \"{}\" does not exist, skipping",
                                catalog::split(&table.name).1
                            )));
                            continue;
                        }
                        return Err(undefined_constraint(&cname, &table.name));
                    };
                    let c = constraints.remove(pos);
                    let cascade = matches!(drop_behavior, Some(DropBehavior::Cascade));
                    match c.kind {
                        ConstraintKind::ForeignKey | ConstraintKind::Check => rebuild = true,
                        ConstraintKind::Unique | ConstraintKind::PrimaryKey => {
                            self.drop_key_constraint(
                                &mut table,
                                &c,
                                cascade,
                                &mut sqlite,
                                &mut created,
                            )?;
                        }
                        ConstraintKind::Exclusion => {
                            sqlite.extend(super::exclusion::drop_exclusion_triggers(&c)?);
                            let index = catalog::key(&table.schema, &cname);
                            sqlite.push(make::drop(
                                ObjectType::Index,
                                std::slice::from_ref(&index),
                                false,
                            ));
                            sqlite.extend(super::indexes::forget_index(&index));
                        }
                    }
                    sqlite.push(delete_constraint_row(&table.name, &cname));
                }
                other => {
                    return Err(PgError::feature_not_supported(format!(
                        "ALTER TABLE {other}"
                    )));
                }
            }
        }
        if !conversions.is_empty() {
            let converted: Vec<String> = conversions.iter().map(|(c, _)| c.clone()).collect();
            for (create, records) in self.reindex_converted(&table, &converted)? {
                sqlite.extend(records);
                created.push(create);
            }
        }
        if rebuild {
            sqlite.extend(self.rebuild(&table, &constraints, &created, &conversions)?);
        }
        Ok(catalog_output("ALTER TABLE", sqlite))
    }

    /// The objects that depend on the tables being dropped, each with what it depends on, as
    /// PostgreSQL names them: other tables' foreign keys, then the views reading the tables
    /// (and the views reading those).
    fn dependents_of(&self, dropped: &[String]) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = dropped
            .iter()
            .flat_map(|t| self.catalog.references_to(t))
            .filter(|fk| !dropped.contains(&fk.table))
            .map(|fk| {
                (
                    format!(
                        "constraint {} on table {}",
                        fk.name,
                        catalog::split(&fk.table).1
                    ),
                    format!(
                        "table {}",
                        catalog::split(fk.ref_table.as_deref().unwrap_or_default()).1
                    ),
                )
            })
            .collect();
        let readers = self.views_reading(dropped, true);
        for (i, v) in readers.iter().enumerate() {
            let Some(view) = self.catalog.view(v) else {
                continue;
            };
            let on = view.depends_on.iter().find_map(|d| {
                if dropped.contains(d) {
                    Some(format!("table {}", catalog::split(d).1))
                } else if readers[..i].contains(d) {
                    let kind = self.catalog.view(d).map_or("view", catalog::View::kind);
                    Some(format!("{kind} {}", catalog::split(d).1))
                } else {
                    None
                }
            });
            if let Some(on) = on {
                out.push((format!("{} {}", view.kind(), catalog::split(v).1), on));
            }
        }
        out
    }

    /// What DROP TABLE ... CASCADE drops besides the tables: the views that read them (and
    /// the views reading those), and the foreign keys of other tables that reference them,
    /// each such table rebuilt without its key.
    fn drop_dependents(&mut self, dropped: &[String]) -> Result<Vec<String>, PgError> {
        let readers = self.views_reading(dropped, true);
        let cascaded: Vec<String> = self
            .dependents_of(dropped)
            .into_iter()
            .map(|(object, _)| format!("drop cascades to {object}"))
            .collect();
        self.cascade_notice(&cascaded);
        let mut sqlite = Vec::new();
        if !readers.is_empty() {
            sqlite.extend(self.drop_view_keys(readers, true)?.sqlite);
        }
        // Rebuilding the tables that referenced the dropped ones must not bring them back,
        // nor their foreign keys to them.
        self.dropping_tables.extend(dropped.iter().cloned());
        let mut children: Vec<String> = Vec::new();
        for fk in dropped.iter().flat_map(|t| self.catalog.references_to(t)) {
            if !dropped.contains(&fk.table) && !children.contains(&fk.table) {
                children.push(fk.table.clone());
            }
        }
        for child in children {
            let table = self
                .catalog
                .table(&child)
                .cloned()
                .ok_or_else(|| PgError::undefined_table(&child))?;
            let (gone, kept): (Vec<Constraint>, Vec<Constraint>) =
                self.catalog.constraints_of(&child).cloned().partition(|c| {
                    c.kind == ConstraintKind::ForeignKey
                        && c.ref_table.as_ref().is_some_and(|r| dropped.contains(r))
                });
            for c in &gone {
                sqlite.push(
                    make::delete(
                        catalog::CONSTRAINTS,
                        table_where(&child).map(|w| {
                            make::and(w, make::eq(make::column("name"), make::string(&c.name)))
                        }),
                    )
                    .to_string(),
                );
            }
            let rebuilt = self.rebuild(&table, &kept, &[], &[])?;
            sqlite.extend(rebuilt.iter().map(|s| s.to_string()));
        }
        Ok(sqlite)
    }

    /// Drops unique or primary key constraint `key` of `table`: its index, and for a primary
    /// key its columns' key positions (they stay NOT NULL, as in PostgreSQL). A foreign key
    /// that uses the key depends on it (2BP01; with CASCADE not built).
    fn drop_key_constraint(
        &mut self,
        table: &mut Table,
        key: &Constraint,
        cascade: bool,
        sqlite: &mut Vec<Statement>,
        created: &mut Vec<Statement>,
    ) -> Result<(), PgError> {
        let mut columns = key.columns.clone();
        columns.sort();
        let users: Vec<Constraint> = self
            .catalog
            .references_to(&table.name)
            .filter(|fk| {
                let mut used = fk.ref_columns.clone();
                used.sort();
                used == columns
            })
            .cloned()
            .collect();
        if cascade {
            sqlite.extend(self.drop_foreign_keys(&users)?);
        } else if !users.is_empty() {
            return Err(depended_on(
                &format!(
                    "constraint {} on table {}",
                    key.name,
                    catalog::split(&table.name).1
                ),
                &users,
                &format!("index {}", key.name),
            ));
        }
        let index = catalog::key(&table.schema, &key.name);
        sqlite.push(make::drop(
            ObjectType::Index,
            std::slice::from_ref(&index),
            false,
        ));
        sqlite.extend(super::indexes::forget_index(&index));
        let created_name = make::name(&index).to_string();
        created.retain(|s| {
            !matches!(s, Statement::CreateIndex(ci)
                if ci.name.as_ref().is_some_and(|n| n.to_string() == created_name))
        });
        if key.kind == ConstraintKind::PrimaryKey {
            sqlite.extend(not_key_columns(table, &key.columns));
        }
        Ok(())
    }

    /// PostgreSQL's NOTICE of what a DROP ... CASCADE drops besides its object: one line
    /// (`drop cascades to ...`), or their count with each in the DETAIL.
    pub(super) fn cascade_notice(&mut self, cascaded: &[String]) {
        match cascaded {
            [] => {}
            [one] => self.notices.push(PgError::notice(one)),
            many => self.notices.push(
                PgError::notice(format!("drop cascades to {} other objects", many.len()))
                    .with_detail(many.join("\n")),
            ),
        }
    }

    /// DROP CONSTRAINT ... CASCADE of a key: the foreign keys of other tables that use it go
    /// too (PostgreSQL's NOTICE names them), each such table rebuilt without them.
    fn drop_foreign_keys(&mut self, fks: &[Constraint]) -> Result<Vec<Statement>, PgError> {
        let cascaded: Vec<String> = fks
            .iter()
            .map(|fk| {
                format!(
                    "drop cascades to constraint {} on table {}",
                    fk.name,
                    catalog::split(&fk.table).1
                )
            })
            .collect();
        self.cascade_notice(&cascaded);
        let mut sqlite = Vec::new();
        let mut children: Vec<&str> = fks.iter().map(|fk| fk.table.as_str()).collect();
        children.sort_unstable();
        children.dedup();
        for child in children {
            if fks.iter().any(|fk| fk.ref_table.as_deref() == Some(child)) {
                return Err(PgError::feature_not_supported(
                    "DROP CONSTRAINT ... CASCADE of a key its own table's foreign key uses",
                ));
            }
            let table = self
                .catalog
                .table(child)
                .cloned()
                .ok_or_else(|| PgError::undefined_table(child))?;
            let kept: Vec<Constraint> = self
                .catalog
                .constraints_of(child)
                .filter(|c| !fks.contains(c))
                .cloned()
                .collect();
            for fk in fks.iter().filter(|fk| fk.table == child) {
                sqlite.push(delete_constraint_row(child, &fk.name));
            }
            sqlite.extend(self.rebuild(&table, &kept, &[], &[])?);
        }
        Ok(sqlite)
    }

    /// 42710 when a constraint of the table, or 42P07 when a relation, already has this name.
    /// For a constraint that makes an index (`indexed`: UNIQUE, PRIMARY KEY) the relation comes
    /// first, a unique constraint's index included, as PostgreSQL creates the index first.
    fn check_new_relation(
        &self,
        name: &str,
        constraints: &[Constraint],
        table: &str,
        indexed: bool,
    ) -> Result<(), PgError> {
        let relation = self.catalog.index(name).is_some()
            || self.catalog.table(name).is_some()
            || (indexed
                && constraints.iter().any(|c| {
                    c.name == name
                        && matches!(c.kind, ConstraintKind::Unique | ConstraintKind::PrimaryKey)
                }));
        if indexed && relation {
            return Err(duplicate_table(name));
        }
        if constraints.iter().any(|c| c.name == name) {
            return Err(PgError::new(
                SqlState::DUPLICATE_OBJECT,
                format!("constraint \"{name}\" for relation \"{table}\" already exists"),
            ));
        }
        if relation {
            return Err(duplicate_table(name));
        }
        Ok(())
    }

    /// Rebuilds `table` with `constraints`, and every table that references it (directly or
    /// not) unchanged, as the module docs of `constraints` describe.
    fn rebuild(
        &mut self,
        table: &Table,
        constraints: &[Constraint],
        created: &[Statement],
        conversions: &[(String, Expr)],
    ) -> Result<Vec<Statement>, PgError> {
        let mut set = vec![table.name.clone()];
        let mut i = 0;
        while let Some(t) = set.get(i).cloned() {
            i += 1;
            for fk in self.catalog.references_to(&t) {
                if !set.contains(&fk.table) {
                    set.push(fk.table.clone());
                }
            }
        }
        let children_first = self.children_first(set.clone());
        // A cycle of references has no safe order.
        for (k, t) in children_first.iter().enumerate() {
            if children_first[k + 1..].iter().any(|later| {
                self.catalog
                    .references_to(t)
                    .any(|fk| fk.table == *later && fk.table != *t)
            }) {
                return Err(PgError::feature_not_supported(
                    "ALTER TABLE ADD/DROP CONSTRAINT on tables whose foreign keys form a cycle",
                ));
            }
        }
        let temp = |t: &str| format!("__devdb_rebuild_{t}");
        let mut out = Vec::new();
        // SQLite checks every view as it renames a table: the views reading the rebuilt
        // tables go first and come back last.
        let views = self.views_reading(&set, false);
        for v in views.iter().rev() {
            out.push(make::drop(ObjectType::View, std::slice::from_ref(v), false));
        }
        let mut indexes = Vec::new();
        let mut temp_indexes = Vec::new();
        // The triggers of exclusion constraints go with the old tables; made anew last.
        let mut triggers = Vec::new();
        for t in children_first.iter().rev() {
            let (columns, mut cons) = if *t == table.name {
                (table.columns.clone(), constraints.to_vec())
            } else {
                let other = self
                    .catalog
                    .table(t)
                    .ok_or_else(|| PgError::undefined_table(t))?;
                (
                    other.columns.clone(),
                    self.catalog
                        .constraints_of(t)
                        .filter(|c| {
                            c.ref_table
                                .as_ref()
                                .is_none_or(|r| !self.dropping_tables.contains(r))
                        })
                        .cloned()
                        .collect::<Vec<_>>(),
                )
            };
            for c in &mut cons {
                if let Some(parent) = &c.ref_table
                    && set.contains(parent)
                {
                    c.ref_table = Some(temp(parent));
                }
            }
            let rebuilt = Table {
                schema: catalog::split(t).0.to_owned(),
                name: t.clone(),
                columns: columns.clone(),
            };
            for c in cons.iter().filter(|c| c.kind == ConstraintKind::Exclusion) {
                triggers.extend(super::exclusion::exclusion_triggers(&rebuilt, c)?);
            }
            out.push(self.sqlite_table(&temp(t), &columns, &cons)?);
            // The copy's unique keys exist before any child copy is filled (SQLite needs them
            // to check references); they get their real names after the swap.
            let mut own_indexes = Vec::new();
            // An index this statement creates again (translated anew) replaces its record.
            let recreated = |name: &str| {
                *t == table.name
                    && created.iter().any(|s| {
                        matches!(s, Statement::CreateIndex(ci)
                            if ci.name.as_ref().is_some_and(|n| *n == make::name(name)))
                    })
            };
            for index in self
                .catalog
                .indexes
                .iter()
                .filter(|i| i.table == *t && !recreated(&i.name))
            {
                let Some(sql) = &index.definition else {
                    return Err(PgError::feature_not_supported(format!(
                        "rebuilding table {t}, whose index {} predates devdb's index records",
                        index.name
                    )));
                };
                let parsed = sqlparser::parser::Parser::parse_sql(
                    &sqlparser::dialect::PostgreSqlDialect {},
                    sql,
                )
                .map_err(|e| PgError::internal(format!("bad index record {}: {e}", index.name)))?;
                own_indexes.extend(parsed);
            }
            if *t == table.name {
                own_indexes.extend(created.iter().cloned());
            }
            for stmt in &own_indexes {
                if let Statement::CreateIndex(ci) = stmt
                    && ci.unique
                    && let Some(name) = &ci.name
                {
                    let temp_name = temp(&name.to_string().replace('"', ""));
                    let mut ci = ci.clone();
                    ci.name = Some(make::name(&temp_name));
                    ci.table_name = make::name(&temp(t));
                    out.push(Statement::CreateIndex(ci));
                    temp_indexes.push(temp_name);
                }
            }
            indexes.extend(own_indexes);
            // The copy computes its generated columns itself.
            let names: Vec<&str> = columns
                .iter()
                .filter(|c| c.generated.is_none())
                .map(|c| c.name.as_str())
                .collect();
            let copy = make::select(
                names
                    .iter()
                    .map(|n| {
                        let value = conversions
                            .iter()
                            .find(|(c, _)| *t == table.name && c == n)
                            .map_or_else(|| make::column(n), |(_, e)| e.clone());
                        make::select_item(value, None)
                    })
                    .collect(),
                vec![make::table(t, None)],
                None,
            );
            out.push(make::insert(
                &temp(t),
                &names,
                Some(make::query(sqlparser::ast::SetExpr::Select(Box::new(copy)))),
                None,
            ));
        }
        for t in &children_first {
            out.push(make::drop(
                ObjectType::Table,
                std::slice::from_ref(t),
                false,
            ));
        }
        for t in children_first.iter().rev() {
            out.push(Statement::AlterTable(sqlite_alter(
                &temp(t),
                AlterTableOperation::RenameTable {
                    table_name: sqlparser::ast::RenameTableNameKind::To(make::name(t)),
                },
            )));
        }
        for index in &temp_indexes {
            out.push(make::drop(
                ObjectType::Index,
                std::slice::from_ref(index),
                false,
            ));
        }
        out.extend(indexes);
        out.extend(triggers);
        for v in &views {
            out.push(self.sqlite_view(v)?);
        }
        Ok(out)
    }

    /// ADD COLUMN: SQLite adds it empty; existing rows then get the default evaluated per row
    /// (nextval gives each its own value, as in PostgreSQL), and NOT NULL is checked after.
    fn add_column(
        &mut self,
        table: &mut Table,
        def: &ColumnDef,
    ) -> Result<Vec<Statement>, PgError> {
        let name = fold(&def.name);
        let declared = self.data_type(&def.data_type)?;
        let mut col = Column {
            name: name.clone(),
            position: table.columns.iter().map(|c| c.position).max().unwrap_or(0) + 1,
            ty: declared.ty.ty,
            enum_oid: declared.ty.enum_oid,
            typmod: declared.ty.typmod,
            not_null: false,
            default: None,
            pk_position: None,
            identity: None,
            domain: None,
            generated: None,
        };
        let mut out = Vec::new();
        if declared.serial {
            let seq = format!("{}_{name}_seq", table.name);
            col.default = Some(format!("nextval('{}')", regclass_text(&seq)));
            col.not_null = true;
            self.creating.push(seq.clone());
            out.push(SequenceSpec::new(&[], col.ty)?.insert_row(&seq, Some(col.ty)));
            out.push(owner_row(&seq, &table.name, &name));
        }
        let mut unique = false;
        for ColumnOptionDef { name: _, option } in &def.options {
            match option {
                ColumnOption::Null => {}
                ColumnOption::NotNull => col.not_null = true,
                ColumnOption::Default(e) if !declared.serial => {
                    if col.generated.is_some() {
                        return Err(generated_and("default", &name, &table.name));
                    }
                    col.default = Some(make::sql_text(e))
                }
                o if let Some(e) = stored_generation(o) => {
                    if col.default.is_some() {
                        return Err(generated_and("default", &name, &table.name));
                    }
                    col.generated = Some(make::sql_text(e));
                }
                ColumnOption::Unique(u) if u.characteristics.is_none() => {
                    nulls_distinct(&u.nulls_distinct)?;
                    unique = true;
                }
                other => {
                    return Err(PgError::feature_not_supported(format!(
                        "column constraint {other} in ADD COLUMN"
                    )));
                }
            }
        }
        let domain_row = self.apply_domain(&table.name, &mut col, &def.data_type)?;
        if self.domain_check(&col)?.is_some() {
            return Err(PgError::feature_not_supported(
                "ADD COLUMN of a domain with a CHECK",
            ));
        }
        out.extend(domain_row);
        // SQLite cannot add a STORED column: the caller rebuilds the table, which computes it.
        if let Some(expr) = &col.generated {
            if unique {
                return Err(PgError::feature_not_supported(
                    "ADD COLUMN of a generated column with UNIQUE",
                ));
            }
            out.push(generated_row(&table.name, &name, expr));
        } else {
            let sqlite_def = storage_column(&name, col.ty, Vec::new());
            out.insert(
                0,
                Statement::AlterTable(sqlite_alter(
                    &table.name,
                    AlterTableOperation::AddColumn {
                        column_keyword: true,
                        if_not_exists: false,
                        column_def: sqlite_def,
                        column_position: None,
                    },
                )),
            );
        }
        if col.default.is_some() {
            self.target = Some(table.name.clone());
            let value = {
                let mut plain = col.clone();
                plain.not_null = false;
                self.default_value(&plain)?
            };
            out.push(make::update(
                &table.name,
                vec![(name.as_str(), value)],
                None,
            ));
        }
        out.push(make::insert_rows(
            catalog::COLUMNS,
            &[
                "schema",
                "table_name",
                "name",
                "position",
                "type_oid",
                "typmod",
                "not_null",
                "default_expr",
                "pk_position",
            ],
            vec![vec![
                make::string(&table.schema),
                make::string(catalog::split(&table.name).1),
                make::string(&name),
                make::int(col.position.into()),
                make::int(col.type_oid().0.into()),
                make::int(col.typmod.into()),
                // A rebuild computes a generated column, under its NOT NULL.
                make::int((col.generated.is_some() && col.not_null) as i64),
                col.default
                    .as_deref()
                    .map(make::string)
                    .unwrap_or_else(make::null),
                make::null(),
            ]],
        ));
        if col.not_null && col.generated.is_none() {
            out.push(set_not_null(&table.name, &name, Vec::new()));
        }
        if unique {
            let index = format!("{}_{name}_key", table.name);
            // (A key: `schema.table_column_key` outside public.)
            out.push(make::create_index(
                &index,
                &table.name,
                std::slice::from_ref(&name),
                true,
                false,
            ));
            out.push(index_row(&index, &table.name, true, false));
        }
        table.columns.push(col);
        Ok(out)
    }

    /// ALTER COLUMN ADD GENERATED ... AS IDENTITY: the column gets a sequence of its own, as
    /// CREATE TABLE gives an identity column.
    pub(super) fn add_identity(
        &mut self,
        table: &mut Table,
        col: &Column,
        identity: Identity,
        options: Vec<sqlparser::ast::SequenceOptions>,
    ) -> Result<Vec<Statement>, PgError> {
        let plain = catalog::split(&table.name).1;
        let prerequisite = |what: &str| {
            PgError::new(
                SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
                format!("column \"{}\" of relation \"{plain}\" {what}", col.name),
            )
        };
        if !matches!(col.ty, PgType::Int2 | PgType::Int4 | PgType::Int8) {
            return Err(PgError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                "identity column type must be smallint, integer, or bigint",
            ));
        }
        if !col.not_null {
            return Err(prerequisite(
                "must be declared NOT NULL before identity can be added",
            ));
        }
        if col.identity.is_some() {
            return Err(prerequisite("is already an identity column"));
        }
        if col.default.is_some() {
            return Err(prerequisite("already has a default value"));
        }
        let spec = SequenceSpec::new(&options, col.ty)?;
        let seq = format!("{}_{}_seq", table.name, col.name);
        if self.catalog.table(&seq).is_some() || self.catalog.sequences.contains(&seq) {
            return Err(duplicate_table(catalog::split(&seq).1));
        }
        let default = format!("nextval('{}')", regclass_text(&seq));
        let out = vec![
            spec.insert_row(&seq, None),
            owner_row(&seq, &table.name, &col.name),
            identity_row(&table.name, &col.name, identity),
            make::update(
                catalog::COLUMNS,
                vec![("default_expr", make::string(&default))],
                column_where(&table.name, &col.name),
            ),
        ];
        if let Some(c) = table.columns.iter_mut().find(|c| c.name == col.name) {
            c.default = Some(default);
            c.identity = Some(identity);
        }
        Ok(out)
    }

    /// CREATE EXTENSION for the extensions devdb has built in (pgcrypto's functions,
    /// uuid-ossp's uuid_generate_v4, plpgsql, citext's type, btree_gist's operator classes);
    /// nothing to install.
    pub fn create_extension(
        &mut self,
        ext: sqlparser::ast::CreateExtension,
    ) -> Result<Output, PgError> {
        let name = fold(&ext.name);
        match name.as_str() {
            "plpgsql" => Ok(Output::new(Kind::Command("CREATE EXTENSION"))),
            // citext's type is built in (PgType::Citext); the extension's row lists it in
            // pg_extension and pg_type. btree_gist's operator classes are built in too
            // (`access_methods`); its row makes GiST take the scalar types. pgcrypto's row
            // makes its functions exist (`runtime/pgcrypto.rs`); uuid-ossp's uuid_generate_v4
            // is always there, its row lists it.
            "citext" | "btree_gist" | "pgcrypto" | "uuid-ossp" => {
                let mut stmt = make::insert_rows(
                    "__devdb_extensions",
                    &["name"],
                    vec![vec![make::string(&name)]],
                );
                if let Statement::Insert(i) = &mut stmt {
                    i.on = Some(sqlparser::ast::OnInsert::OnConflict(
                        sqlparser::ast::OnConflict {
                            conflict_target: None,
                            action: sqlparser::ast::OnConflictAction::DoNothing,
                        },
                    ));
                }
                let mut out = Output::new(Kind::Command("CREATE EXTENSION"));
                out.sqlite.push(stmt.to_string());
                out.writes = true;
                out.changes_catalog = true;
                Ok(out)
            }
            other => Err(PgError::feature_not_supported(format!(
                "extension \"{other}\""
            ))),
        }
    }

    pub fn analyze(&mut self, a: Analyze) -> Result<Output, PgError> {
        if let Some(name) = &a.table_name {
            self.lookup_table(name)?;
        }
        Ok(Output::new(Kind::Command("ANALYZE")))
    }

    /// VACUUM [ANALYZE]: PostgreSQL housekeeping with nothing to do here; named tables must exist.
    pub fn vacuum(&mut self, _analyze: bool, tables: &[String]) -> Result<Output, PgError> {
        for t in tables {
            if self.catalog.table(t).is_none() {
                return Err(PgError::undefined_table(t));
            }
        }
        Ok(Output::new(Kind::Command("VACUUM")))
    }
}

/// `ALTER TABLE "t" <op>` for SQLite.
/// SQLite's ALTER TABLE ... RENAME TO of table `old` to `new`. SQLite's names ignore letter
/// case, so a rename that changes only case (`t` to `"T"`) goes through a name of its own.
pub(super) fn sqlite_rename(old: &str, new: &str) -> Vec<Statement> {
    let rename = |from: &str, to: &str| {
        Statement::AlterTable(sqlite_alter(
            from,
            AlterTableOperation::RenameTable {
                table_name: sqlparser::ast::RenameTableNameKind::To(make::name(to)),
            },
        ))
    };
    if old.eq_ignore_ascii_case(new) {
        let between = format!("{new}__devdb_renaming");
        vec![rename(old, &between), rename(&between, new)]
    } else {
        vec![rename(old, new)]
    }
}

fn sqlite_alter(table: &str, op: AlterTableOperation) -> AlterTable {
    make::alter_table(make::name(table), vec![op])
}

pub(super) fn column_where(table: &str, column: &str) -> Option<Expr> {
    let (schema, table) = catalog::split(table);
    where_eq(&[
        ("schema", make::string(schema)),
        ("table_name", make::string(table)),
        ("name", make::string(column)),
    ])
}

/// `UPDATE __devdb_columns SET not_null = pg_check_no_nulls(...)`: fails with 23502 when the
/// column already holds NULLs, as SET NOT NULL and ADD PRIMARY KEY do in PostgreSQL.
pub(super) fn set_not_null(table: &str, column: &str, extra: Vec<(&str, Expr)>) -> Statement {
    let nulls = make::select(
        vec![make::select_item(make::count_star(), None)],
        vec![make::table(table, None)],
        Some(Expr::IsNull(Box::new(make::column(column)))),
    );
    let count = Expr::Subquery(Box::new(make::query(sqlparser::ast::SetExpr::Select(
        Box::new(nulls),
    ))));
    let mut set = vec![(
        "not_null",
        make::call(
            "pg_check_no_nulls",
            vec![count, make::string(column), make::string(table)],
        ),
    )];
    set.extend(extra);
    make::update(catalog::COLUMNS, set, column_where(table, column))
}

fn multiple_pk(table: &str) -> PgError {
    PgError::new(
        SqlState::INVALID_TABLE_DEFINITION,
        format!("multiple primary keys for table \"{table}\" are not allowed"),
    )
}

/// Records the SQLite statement that creates an index, for table rebuilds.
pub(super) fn index_def_row(index: &str, create: &Statement) -> Statement {
    let (schema, index) = catalog::split(index);
    make::insert_rows(
        catalog::INDEX_DEFS,
        &["schema", "name", "sql"],
        vec![vec![
            make::string(schema),
            make::string(index),
            make::string(&create.to_string()),
        ]],
    )
}

/// 0A000 for INCLUDE columns in a PRIMARY KEY or UNIQUE constraint, which devdb's constraint
/// records do not keep (CREATE INDEX ... INCLUDE has them).
fn no_include(include: &[sqlparser::ast::Ident]) -> Result<(), PgError> {
    match include.is_empty() {
        true => Ok(()),
        false => Err(PgError::feature_not_supported(
            "INCLUDE in a PRIMARY KEY or UNIQUE constraint",
        )),
    }
}

/// UNIQUE NULLS NOT DISTINCT would need keys that treat NULLs as equal, which SQLite's
/// unique indexes do not: refused rather than enforced as NULLS DISTINCT.
fn nulls_distinct(option: &sqlparser::ast::NullsDistinctOption) -> Result<(), PgError> {
    match option {
        sqlparser::ast::NullsDistinctOption::NotDistinct => {
            Err(PgError::feature_not_supported("UNIQUE NULLS NOT DISTINCT"))
        }
        _ => Ok(()),
    }
}

pub(super) fn index_row(index: &str, table: &str, unique: bool, primary: bool) -> Statement {
    let (schema, index) = catalog::split(index);
    make::insert_rows(
        catalog::INDEXES,
        &["schema", "name", "table_name", "is_unique", "is_primary"],
        vec![vec![
            make::string(schema),
            make::string(index),
            make::string(catalog::split(table).1),
            make::int(unique as i64),
            make::int(primary as i64),
        ]],
    )
}

/// `name IN (SELECT name FROM __devdb_indexes WHERE table_name = 't')`.
fn indexes_of(table: &str) -> Expr {
    // Index names are plain: the same name may exist in another schema.
    make::and(
        make::eq(
            make::column("schema"),
            make::string(catalog::split(table).0),
        ),
        names_listed_for(catalog::INDEXES, table),
    )
}

/// `name IN (SELECT name FROM __devdb_sequence_owners WHERE table_name = 't')`.
fn owned_sequences(table: &str) -> Expr {
    names_listed_for(catalog::SEQUENCE_OWNERS, table)
}

/// `name IN (SELECT name FROM <catalog_table> WHERE schema = 's' AND table_name = 't')`.
fn names_listed_for(catalog_table: &str, table: &str) -> Expr {
    let names = make::select(
        vec![make::select_item(make::column("name"), None)],
        vec![make::table(catalog_table, None)],
        table_where(table),
    );
    Expr::InSubquery {
        expr: Box::new(make::column("name")),
        subquery: Box::new(make::query(sqlparser::ast::SetExpr::Select(Box::new(
            names,
        )))),
        negated: false,
    }
}

/// A primary key or unique constraint's catalog record.
impl Translator<'_> {
    /// Orders tables so that each comes before the tables it references (cycles keep their
    /// given order), for DROP and TRUNCATE.
    fn children_first(&self, mut tables: Vec<String>) -> Vec<String> {
        let mut ordered = Vec::with_capacity(tables.len());
        while !tables.is_empty() {
            let free = tables.iter().position(|t| {
                !self
                    .catalog
                    .references_to(t)
                    .any(|fk| fk.table != *t && tables.contains(&fk.table))
            });
            ordered.push(tables.remove(free.unwrap_or(0)));
        }
        ordered
    }
}

/// `schema = 's' AND table_name = 't'` for the catalog rows of a table's parts.
fn table_where(table: &str) -> Option<Expr> {
    let (schema, table) = catalog::split(table);
    where_eq(&[
        ("schema", make::string(schema)),
        ("table_name", make::string(table)),
    ])
}

/// 0A000 when column `name` differs from one of `existing` only in letter case: PostgreSQL
/// keeps both, but SQLite's column names ignore ASCII case and would refuse the second.
fn case_distinct<'a>(
    mut existing: impl Iterator<Item = &'a str>,
    name: &str,
) -> Result<(), PgError> {
    match existing.find(|c| c.eq_ignore_ascii_case(name)) {
        Some(other) => Err(PgError::feature_not_supported(format!(
            "a column named \"{name}\" beside \"{other}\" (names differing only in letter case)"
        ))),
        None => Ok(()),
    }
}

pub(super) fn drop_table_statements(table: &str) -> Vec<Statement> {
    let in_table = || table_where(table);
    vec![
        make::drop(ObjectType::Table, &[table.to_owned()], false),
        make::delete(catalog::SEQUENCES, Some(owned_sequences(table))),
        make::delete(catalog::SEQUENCE_OWNERS, in_table()),
        make::delete(catalog::INDEX_DEFS, Some(indexes_of(table))),
        make::delete(catalog::INDEX_KEYS, Some(indexes_of(table))),
        make::delete(catalog::INDEXES, in_table()),
        make::delete(catalog::CONSTRAINTS, in_table()),
        make::delete(catalog::COLUMNS, in_table()),
        make::delete(catalog::IDENTITY_COLUMNS, in_table()),
        make::delete(catalog::DOMAIN_COLUMNS, in_table()),
        make::delete(catalog::GENERATED_COLUMNS, in_table()),
        make::delete(catalog::TRIGGERS, in_table()),
        make::delete(catalog::TABLES, {
            let (schema, table) = catalog::split(table);
            where_eq(&[
                ("schema", make::string(schema)),
                ("name", make::string(table)),
            ])
        }),
        // The table's and its columns' descriptions.
        make::delete(catalog::COMMENTS, {
            let (schema, table) = catalog::split(table);
            where_eq(&[
                ("schema", make::string(schema)),
                ("name", make::string(table)),
            ])
        }),
    ]
}

/// SQLite cannot add a primary key in place: a unique index `<table>_pkey`, and NOT NULL kept
/// in the catalog (checked against existing rows now, enforced by INSERT/UPDATE rewrites).
fn add_primary_key(
    table: &Table,
    index: &str,
    cols: &[String],
    create: &Statement,
) -> Vec<Statement> {
    let mut out = vec![
        create.clone(),
        index_row(index, &table.name, true, true),
        index_def_row(index, create),
    ];
    for (pos, col) in cols.iter().enumerate() {
        out.push(set_not_null(
            &table.name,
            col,
            vec![("pk_position", make::int(pos as i64 + 1))],
        ));
    }
    out
}

/// A SQLite column for a PostgreSQL one: its storage class as the column type, so SQLite's
/// affinity never converts a value and STRICT rejects a value of the wrong class; numerics
/// also get the collation that compares them by value, for indexes, UNIQUE and ORDER BY.
pub(super) fn storage_column(
    name: &str,
    ty: PgType,
    mut options: Vec<ColumnOptionDef>,
) -> ColumnDef {
    let data_type = match ty.storage() {
        Storage::Integer => DataType::Integer(None),
        // A float is a REAL, but NaN, which SQLite cannot hold, is the TEXT 'NaN': an ANY
        // column keeps both (and keeps -0, which a REAL column stores as 0).
        Storage::Real => {
            DataType::Custom(ObjectName::from(vec![make::bare_ident("ANY")]), Vec::new())
        }
        Storage::Text => DataType::Text,
        Storage::Blob => DataType::Blob(None),
    };
    let collation = match ty {
        PgType::Numeric => Some(devdb_pg::value::numeric::COLLATION),
        PgType::Interval => Some(devdb_pg::value::interval::COLLATION),
        PgType::Citext => Some(devdb_pg::value::citext::COLLATION),
        PgType::Jsonb => Some(devdb_pg::value::json::COLLATION),
        _ => None,
    };
    if let Some(collation) = collation {
        options.push(ColumnOptionDef {
            name: None,
            option: ColumnOption::Collation(make::name(collation)),
        });
    }
    ColumnDef {
        name: make::ident(name),
        data_type,
        options,
    }
}

/// Deletes the catalog row of constraint `name` of `table`.
fn delete_constraint_row(table: &str, name: &str) -> Statement {
    make::delete(
        catalog::CONSTRAINTS,
        table_where(table)
            .map(|w| make::and(w, make::eq(make::column("name"), make::string(name)))),
    )
}

/// 2BP01 for dropping `what`, which foreign key `fk` depends on through `through`.
fn depended_on(what: &str, fks: &[Constraint], through: &str) -> PgError {
    let lines: Vec<String> = fks
        .iter()
        .map(|fk| {
            format!(
                "constraint {} on table {} depends on {through}",
                fk.name,
                catalog::split(&fk.table).1
            )
        })
        .collect();
    PgError::new(
        SqlState::DEPENDENT_OBJECTS_STILL_EXIST,
        format!("cannot drop {what} because other objects depend on it"),
    )
    .with_detail(lines.join("\n"))
    .with_hint("Use DROP ... CASCADE to drop the dependent objects too.")
}

/// `columns` of `table` are no longer primary key columns (they stay NOT NULL).
fn not_key_columns(table: &mut Table, columns: &[String]) -> Vec<Statement> {
    let mut out = Vec::new();
    for column in table
        .columns
        .iter_mut()
        .filter(|c| columns.contains(&c.name))
    {
        column.pk_position = None;
        out.push(make::update(
            catalog::COLUMNS,
            vec![("pk_position", make::null())],
            column_where(&table.name, &column.name),
        ));
    }
    out
}
