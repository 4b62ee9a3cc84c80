//! CREATE INDEX, DROP INDEX and ALTER INDEX ... RENAME.
//!
//! An index is a SQLite index of the same key: columns stay columns, expression keys
//! (`lower(email)`, `(payload->>'kind')`) and a partial index's WHERE predicate are translated
//! like any expression over the table, so a unique expression or partial index enforces
//! uniqueness exactly where PostgreSQL's does. The key list and predicate are also kept as
//! pg_get_indexdef prints them (`__devdb_index_keys`).

use devdb_pg::{PgError, PgType, SqlState};
use sqlparser::ast::{
    AlterIndexOperation, BinaryOperator, CreateIndex, Expr, FunctionArg, FunctionArgExpr,
    FunctionArguments, IndexColumn, IndexType, ObjectName, ObjectType, OrderByExpr, OrderByOptions,
    OrderBySort, Statement, UnaryOperator, Value,
};

use super::constraints::choose_name;
use super::ddl::{catalog_output, duplicate_table, index_def_row, index_row, where_eq};
use super::expr::string_literal;
use super::{Output, Translator, fold};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use crate::access_methods::{AccessMethod, TypeClass};
use crate::catalog::{self, Column, Constraint, ConstraintKind, Index, Table};
use crate::make;
use crate::system::check_display::{Deparser, Kind as Deparsed, Scope};
use crate::system::functions::quote_ident;
use crate::types::Ty;

/// One key of an index being created.
struct Key {
    /// The SQLite key: a column or the translated expression, with its sort direction.
    sqlite: IndexColumn,
    /// The key as pg_get_indexdef prints it.
    text: String,
    /// The column name, or the name PostgreSQL's ChooseIndexColumnNames gives an expression.
    name_part: String,
    expression: bool,
    /// What the catalogs show of it (`__devdb_index_keys.columns`).
    shown: Shown,
}

/// An index column as the catalogs show it: pg_get_indexdef's texts, pg_index's option bits
/// and operator class, the expression's type for pg_attribute.
struct Shown {
    /// The column, or the expression as pg_get_indexdef prints a key alone (a function call
    /// bare, anything else in parentheses), plain and pretty.
    plain: String,
    pretty: String,
    /// What follows the key in the whole definition: operator class, DESC, NULLS FIRST/LAST.
    suffix: String,
    /// pg_index.indoption: 1 DESC, 2 NULLS FIRST.
    option: i64,
    /// The operator class: the one the key names, else the type's default for the method.
    opclass: String,
    /// An expression key: its plain text (pg_index.indexprs) and type.
    expression: Option<(String, Ty)>,
    /// The table column a column key reads.
    column: Option<String>,
}

impl Translator<'_> {
    pub fn create_index(&mut self, ci: CreateIndex) -> Result<Output, PgError> {
        let table = match self.matview_table(&ci.table_name) {
            Some(matview) => matview,
            None => self.lookup_table(&ci.table_name)?.clone(),
        };
        Ok(match self.index_statements(&table, ci)? {
            Some(statements) => catalog_output("CREATE INDEX", statements),
            None => Output::new(crate::Kind::Command("CREATE INDEX")),
        })
    }

    /// The statements of CREATE INDEX on `table` as it is given (a table an EXCLUDE constraint
    /// is made on may not be in the catalog yet); None for IF NOT EXISTS over an existing one.
    pub(super) fn index_statements(
        &mut self,
        table: &Table,
        ci: CreateIndex,
    ) -> Result<Option<Vec<Statement>>, PgError> {
        let CreateIndex {
            name,
            table_name: _,
            using,
            columns,
            unique,
            concurrently: _,
            r#async: false,
            if_not_exists,
            include,
            nulls_distinct: None,
            with,
            predicate,
            index_options,
            alter_options,
        } = ci
        else {
            return Err(PgError::feature_not_supported("this CREATE INDEX option"));
        };
        if !(index_options.is_empty() && alter_options.is_empty()) {
            return Err(PgError::feature_not_supported("this CREATE INDEX option"));
        }
        let method = match &using {
            None => AccessMethod::Btree,
            Some(IndexType::Custom(name)) => AccessMethod::named(&name.value)?,
            Some(other) => AccessMethod::named(&other.to_string())?,
        };
        method.check_index(unique, !include.is_empty(), columns.len())?;
        let parameters = with
            .iter()
            .map(storage_parameter)
            .collect::<Result<Vec<_>, _>>()?;
        let parameters = method.storage_parameters(&parameters)?;
        let keys = columns
            .iter()
            .map(|ic| self.index_key(table, ic, method))
            .collect::<Result<Vec<_>, _>>()?;
        for key in &columns {
            no_subquery(&key.column.expr, "index expression")?;
        }
        let include = include_columns(table, &include)?;
        let predicate = predicate
            .map(|p| {
                no_subquery(&p, "index predicate")?;
                let (sqlite, _) =
                    self.in_table_scope(&table.name, &table.columns, |t| t.condition(p.clone()))?;
                Ok::<_, PgError>((sqlite, deparse_predicate(&p, &table.columns)))
            })
            .transpose()?;
        let index = match &name {
            // An index lives in its table's schema.
            Some(n) => catalog::key(&table.schema, catalog::split(&self.table_name(n)?).1),
            None => {
                // PostgreSQL's ChooseRelationName: numbered while the name is taken.
                let parts: Vec<String> = keys
                    .iter()
                    .map(|k| k.name_part.clone())
                    .chain(include.iter().cloned())
                    .collect();
                let taken: Vec<String> = self
                    .catalog
                    .indexes
                    .iter()
                    .map(|i| i.name.clone())
                    .chain(self.catalog.tables.iter().map(|t| t.name.clone()))
                    .map(|k| catalog::split(&k).1.to_owned())
                    .collect();
                catalog::key(
                    &table.schema,
                    &choose_name(&table.name, &parts, "idx", &taken),
                )
            }
        };
        if self.catalog.index(&index).is_some() || self.catalog.table(&index).is_some() {
            if if_not_exists {
                self.notices.push(super::already_exists_skipping(&index));
                return Ok(None);
            }
            return Err(duplicate_table(&index));
        }
        let stmt = sqlite_index(
            &index,
            &table.name,
            unique,
            &keys,
            predicate.as_ref().map(|(sqlite, _)| sqlite.clone()),
        );
        let (schema, plain) = catalog::split(&index);
        let (predicate_text, predicate_pretty) = match &predicate {
            Some((_, (text, pretty))) => (make::string(text), make::string(pretty)),
            None => (make::null(), make::null()),
        };
        let mut record = vec![
            ("schema", make::string(schema)),
            ("name", make::string(plain)),
            ("predicate", predicate_text),
            ("pretty_predicate", predicate_pretty),
            ("method", make::string(method.name())),
            (
                "options",
                match parameters.is_empty() {
                    true => make::null(),
                    false => make::string(&parameters),
                },
            ),
        ];
        record.extend(key_records(&keys, &include));
        let (names, values): (Vec<&str>, Vec<Expr>) = record.into_iter().unzip();
        let keys_row = make::insert_rows(catalog::INDEX_KEYS, &names, vec![values]);
        Ok(Some(vec![
            stmt.clone(),
            index_row(&index, &table.name, unique, false),
            index_def_row(&index, &stmt),
            keys_row,
        ]))
    }

    /// The SQLite statement for an index CREATE INDEX made, translated again from its keys
    /// and predicate against the table as it now stands (ALTER COLUMN TYPE changed a column
    /// they read).
    pub(super) fn reindex(&mut self, table: &Table, index: &Index) -> Result<Statement, PgError> {
        let bad = |e: sqlparser::parser::ParserError| {
            PgError::internal(format!("bad index record {}: {e}", index.name))
        };
        let Some(keys) = &index.keys else {
            return Err(PgError::feature_not_supported(format!(
                "ALTER COLUMN TYPE of a column index {} uses",
                index.name
            )));
        };
        let columns = Parser::new(&PostgreSqlDialect {})
            .try_with_sql(keys)
            .and_then(|mut p| p.parse_comma_separated(Parser::parse_create_index_expr))
            .map_err(bad)?;
        let keys = columns
            .iter()
            .map(|ic| self.index_key(table, ic, index.method))
            .collect::<Result<Vec<_>, _>>()?;
        let predicate = match &index.predicate {
            Some(text) => {
                let parsed = Parser::new(&PostgreSqlDialect {})
                    .try_with_sql(text)
                    .and_then(|mut p| p.parse_expr())
                    .map_err(bad)?;
                let (sqlite, _) =
                    self.in_table_scope(&table.name, &table.columns, |t| t.condition(parsed))?;
                Some(sqlite)
            }
            None => None,
        };
        Ok(sqlite_index(
            &index.name,
            &table.name,
            index.unique,
            &keys,
            predicate,
        ))
    }

    /// One key of CREATE INDEX: a column of the table or an expression over its columns.
    fn index_key(
        &mut self,
        table: &Table,
        ic: &IndexColumn,
        method: AccessMethod,
    ) -> Result<Key, PgError> {
        check_key_form(ic)?;
        let expr = &ic.column.expr;
        let (option, order) = key_order(ic);
        // SQLite takes no NULLS FIRST/LAST in an index; the order of NULLs within the index
        // changes nothing it finds. Nor does it know operator classes, which only decide which
        // operators PostgreSQL can answer from the index.
        let key = |sqlite: Expr,
                   name_part: String,
                   texts: [String; 2],
                   expression: Option<(String, Ty)>,
                   column: Option<String>,
                   (ty, type_name): (Ty, String)|
         -> Result<Key, PgError> {
            let named = ic.operator_class.as_ref().map(|n| n.to_string());
            let class = TypeClass::new(ty.ty, ty.ty.oid_with_enum(ty.enum_oid))
                .with_btree_gist(self.catalog.extensions.iter().any(|e| e == "btree_gist"));
            let (opclass, default) = method.operator_class(named.as_deref(), class, &type_name)?;
            let options = &ic.column.options;
            method.check_order(options.sort.is_some(), options.nulls_first.is_some())?;
            let suffix = match default {
                true => order,
                false => format!(" {opclass}{order}"),
            };
            let [plain, pretty] = texts;
            let shown = Shown {
                plain,
                pretty,
                suffix,
                option,
                opclass: opclass.to_owned(),
                expression,
                column,
            };
            Ok(Key {
                text: format!("{}{}", shown.plain, shown.suffix),
                sqlite: IndexColumn {
                    column: OrderByExpr {
                        expr: sqlite,
                        options: OrderByOptions {
                            sort: ic.column.options.sort.clone(),
                            nulls_first: None,
                        },
                        with_fill: None,
                    },
                    operator_class: None,
                },
                name_part,
                expression: shown.expression.is_some(),
                shown,
            })
        };
        if let Expr::Identifier(id) = expr {
            let name = fold(id);
            if table.column(&name).is_none() {
                return Err(PgError::undefined_column(&name)
                    .with_detail(format!("in table \"{}\"", table.name)));
            }
            let texts = [quote_ident(&name), quote_ident(&name)];
            let ty = table.column(&name).map_or(Ty::UNKNOWN, Column::ty);
            let column = Some(name.clone());
            let ty = (ty, self.type_display(ty));
            return key(make::column(&name), name, texts, None, column, ty);
        }
        let ((sqlite, ty), _) =
            self.in_table_scope(&table.name, &table.columns, |t| t.expr(expr.clone()))?;
        let name_part =
            match unnested(expr) {
                Expr::Function(f) => {
                    fold(f.name.0.last().and_then(|p| p.as_ident()).ok_or_else(|| {
                        PgError::feature_not_supported(format!("index key {expr}"))
                    })?)
                }
                _ => "expr".to_owned(),
            };
        let (plain, pretty, function) = deparse_key(expr, &table.columns);
        let wrap = |s: &str| match function {
            true => s.to_owned(),
            false => format!("({s})"),
        };
        let texts = [wrap(&plain), wrap(&pretty)];
        let typed = (ty, self.type_display(ty));
        key(sqlite, name_part, texts, Some((plain, ty)), None, typed)
    }

    /// DROP COLUMN: the indexes that read the column go with it, and so do the unique
    /// constraints they back, as in PostgreSQL (SQLite refuses to drop an indexed column).
    pub(super) fn drop_indexes_reading(
        &self,
        table: &str,
        column: &str,
        constraints: &mut Vec<Constraint>,
    ) -> Vec<Statement> {
        let mut out = Vec::new();
        for index in self.catalog.indexes.iter().filter(|i| {
            i.table == table
                && [i.definition.as_deref(), i.include.as_deref()]
                    .into_iter()
                    .flatten()
                    .any(|d| super::alter_column::mentions(d, column))
        }) {
            out.push(make::drop(
                ObjectType::Index,
                std::slice::from_ref(&index.name),
                false,
            ));
            out.extend(forget_index(&index.name));
            let plain = catalog::split(&index.name).1;
            if let Some(pos) = constraints.iter().position(|c| c.name == plain) {
                constraints.remove(pos);
                out.push(make::delete(
                    catalog::CONSTRAINTS,
                    where_eq(&[
                        ("schema", make::string(catalog::split(table).0)),
                        ("table_name", make::string(catalog::split(table).1)),
                        ("name", make::string(plain)),
                    ]),
                ));
            }
        }
        out
    }

    /// The catalog updates that keep the records of `table`'s indexes true once its column
    /// `old` is `new` (SQLite renames it in the indexes themselves); `table` has the new name.
    pub(super) fn rename_in_index_records(
        &mut self,
        table: &Table,
        old: &str,
        new: &str,
    ) -> Result<Vec<Statement>, PgError> {
        let mut out = Vec::new();
        let indexes: Vec<Index> = self
            .catalog
            .indexes
            .iter()
            .filter(|i| i.table == table.name)
            .cloned()
            .collect();
        for index in &indexes {
            let bad = |e: sqlparser::parser::ParserError| {
                PgError::internal(format!("bad index record {}: {e}", index.name))
            };
            let (schema, plain) = catalog::split(&index.name);
            let by_name = || {
                where_eq(&[
                    ("schema", make::string(schema)),
                    ("name", make::string(plain)),
                ])
            };
            if let Some(sql) = &index.definition {
                let mut parsed = Parser::parse_sql(&PostgreSqlDialect {}, sql).map_err(bad)?;
                rename_column(&mut parsed, |id| id.value == old, new);
                if let Some(stmt) = parsed.first() {
                    out.push(make::update(
                        catalog::INDEX_DEFS,
                        vec![("sql", make::string(&stmt.to_string()))],
                        by_name(),
                    ));
                }
            }
            out.extend(self.index_keys_update(table, index, Some((old, new)))?);
        }
        Ok(out)
    }

    /// The update of the `__devdb_index_keys` row of an index CREATE INDEX made: its keys,
    /// INCLUDE columns and predicate read back from the row (with column `old` renamed `new`)
    /// and described again against `table` as it now stands (renamed or retyped columns).
    pub(super) fn index_keys_update(
        &mut self,
        table: &Table,
        index: &Index,
        rename: Option<(&str, &str)>,
    ) -> Result<Option<Statement>, PgError> {
        let Some(keys) = &index.keys else {
            return Ok(None);
        };
        let bad = |e: sqlparser::parser::ParserError| {
            PgError::internal(format!("bad index record {}: {e}", index.name))
        };
        // Without a rename, `old` is empty and matches no column.
        let (old, new) = rename.unwrap_or_default();
        let is_old = |id: &sqlparser::ast::Ident| !old.is_empty() && fold(id) == old;
        let mut columns = Parser::new(&PostgreSqlDialect {})
            .try_with_sql(keys)
            .and_then(|mut p| p.parse_comma_separated(Parser::parse_create_index_expr))
            .map_err(bad)?;
        rename_column(&mut columns, is_old, new);
        let keys = columns
            .iter()
            .map(|ic| self.index_key(table, ic, index.method))
            .collect::<Result<Vec<_>, _>>()?;
        let include: Vec<String> = match &index.include {
            Some(list) => Parser::new(&PostgreSqlDialect {})
                .try_with_sql(list)
                .and_then(|mut p| p.parse_comma_separated(Parser::parse_identifier))
                .map_err(bad)?
                .iter()
                .map(|id| match is_old(id) {
                    true => new.to_owned(),
                    false => fold(id),
                })
                .collect(),
            None => Vec::new(),
        };
        let mut record = match &index.predicate {
            Some(text) => {
                let mut parsed = Parser::new(&PostgreSqlDialect {})
                    .try_with_sql(text)
                    .and_then(|mut p| p.parse_expr())
                    .map_err(bad)?;
                rename_column(&mut parsed, is_old, new);
                let (text, pretty) = deparse_predicate(&parsed, &table.columns);
                vec![
                    ("predicate", make::string(&text)),
                    ("pretty_predicate", make::string(&pretty)),
                ]
            }
            None => Vec::new(),
        };
        record.extend(key_records(&keys, &include));
        let (schema, plain) = catalog::split(&index.name);
        Ok(Some(make::update(
            catalog::INDEX_KEYS,
            record,
            where_eq(&[
                ("schema", make::string(schema)),
                ("name", make::string(plain)),
            ]),
        )))
    }

    /// DROP INDEX [IF EXISTS] name, ...: an index that backs a constraint stays (2BP01).
    pub fn drop_indexes(
        &mut self,
        names: &[ObjectName],
        if_exists: bool,
    ) -> Result<Output, PgError> {
        let mut sqlite = Vec::new();
        for n in names {
            let Some(name) = self.drop_key(n, if_exists)? else {
                continue;
            };
            let Some(index) = self.catalog.index(&name) else {
                if if_exists {
                    self.notices
                        .push(super::does_not_exist_skipping("index", n));
                    continue;
                }
                return Err(PgError::new(
                    SqlState::UNDEFINED_OBJECT,
                    format!("index \"{name}\" does not exist"),
                ));
            };
            let plain = catalog::split(&name).1;
            if index.primary
                || self.catalog.constraints_of(&index.table).any(|c| {
                    c.name == plain
                        && matches!(c.kind, ConstraintKind::Unique | ConstraintKind::PrimaryKey)
                })
            {
                return Err(PgError::new(
                    SqlState::DEPENDENT_OBJECTS_STILL_EXIST,
                    format!(
                        "cannot drop index {name} because constraint {plain} on table {} requires it",
                        index.table
                    ),
                )
                .with_hint(format!(
                    "You can drop constraint {plain} on table {} instead.",
                    index.table
                )));
            }
            sqlite.push(make::drop(
                ObjectType::Index,
                std::slice::from_ref(&name),
                false,
            ));
            sqlite.extend(forget_index(&name));
        }
        Ok(catalog_output("DROP INDEX", sqlite))
    }

    /// ALTER INDEX name RENAME TO new: SQLite cannot rename an index, so it is created again
    /// from its record under the new name; the constraint it backs is renamed with it.
    /// The statements that point the index records of relation `old` (a table or a
    /// materialized view) at `new`, its new key in the same schema: the table each index is
    /// on, and the recorded CREATE INDEX statements, which name it.
    pub(super) fn index_records_renamed(&self, old: &str, new: &str) -> Vec<Statement> {
        let (schema, old_plain) = catalog::split(old);
        let schema = || ("schema", make::string(schema));
        let mut sqlite = vec![make::update(
            catalog::INDEXES,
            vec![("table_name", make::string(catalog::split(new).1))],
            where_eq(&[schema(), ("table_name", make::string(old_plain))]),
        )];
        for index in self.catalog.indexes.iter().filter(|i| i.table == old) {
            let Some(sql) = &index.definition else {
                continue;
            };
            let Ok(mut parsed) = Parser::parse_sql(&PostgreSqlDialect {}, sql) else {
                continue;
            };
            if let Some(Statement::CreateIndex(ci)) = parsed.first_mut() {
                ci.table_name = make::name(new);
                sqlite.push(make::update(
                    catalog::INDEX_DEFS,
                    vec![("sql", make::string(&parsed[0].to_string()))],
                    where_eq(&[
                        schema(),
                        ("name", make::string(catalog::split(&index.name).1)),
                    ]),
                ));
            }
        }
        sqlite
    }

    /// ALTER TABLE t RENAME CONSTRAINT old TO new of a primary key or unique constraint, which
    /// renames its index too (as ALTER INDEX renames the constraint); None for a check or
    /// foreign key, which ALTER TABLE renames. 42704 for a constraint the table lacks, 42710 for
    /// a name another of its constraints has.
    pub(super) fn rename_key_constraint(
        &mut self,
        table: &ObjectName,
        old: &str,
        new: &str,
    ) -> Result<Option<Output>, PgError> {
        let table = self.lookup_table(table)?.clone();
        let plain = catalog::split(&table.name).1;
        let mut constraints = self.catalog.constraints_of(&table.name);
        let Some(c) = constraints.find(|c| c.name == old).cloned() else {
            return Err(PgError::new(
                SqlState::UNDEFINED_OBJECT,
                format!("constraint \"{old}\" for table \"{plain}\" does not exist"),
            ));
        };
        if self
            .catalog
            .constraints_of(&table.name)
            .any(|c| c.name == new)
        {
            return Err(PgError::new(
                SqlState::DUPLICATE_OBJECT,
                format!("constraint \"{new}\" for relation \"{plain}\" already exists"),
            ));
        }
        match c.kind {
            ConstraintKind::ForeignKey | ConstraintKind::Check => Ok(None),
            ConstraintKind::Exclusion => Err(PgError::feature_not_supported(
                "RENAME CONSTRAINT of an exclusion constraint",
            )),
            ConstraintKind::Unique | ConstraintKind::PrimaryKey => {
                let index = ObjectName::from(vec![
                    sqlparser::ast::Ident::with_quote('"', table.schema.as_str()),
                    sqlparser::ast::Ident::with_quote('"', old),
                ]);
                let renamed = AlterIndexOperation::RenameIndex {
                    index_name: ObjectName::from(vec![sqlparser::ast::Ident::with_quote('"', new)]),
                };
                let mut out = self.alter_index(&index, renamed)?;
                out.kind = crate::Kind::Command("ALTER TABLE");
                Ok(Some(out))
            }
        }
    }

    pub fn alter_index(
        &mut self,
        name: &ObjectName,
        operation: AlterIndexOperation,
    ) -> Result<Output, PgError> {
        let AlterIndexOperation::RenameIndex { index_name } = operation;
        let old = self.table_name(name)?;
        let Some(index) = self.catalog.index(&old).cloned() else {
            // ALTER INDEX renames any relation, as PostgreSQL's RENAME does.
            if self.catalog.table(&old).is_some()
                || self.catalog.view(&old).is_some()
                || self.catalog.sequences.contains(&old)
            {
                let mut out = self.rename_relation(&old, &index_name)?;
                out.kind = crate::Kind::Command("ALTER INDEX");
                return Ok(out);
            }
            return Err(PgError::undefined_table(&old));
        };
        let (schema, old_plain) = catalog::split(&old);
        let new_plain = super::rename_target(&index_name)?;
        let new = catalog::key(schema, &new_plain);
        if self.names_relation(&new) {
            return Err(super::views::duplicate_relation(&new));
        }
        let Some(sql) = &index.definition else {
            return Err(PgError::feature_not_supported(format!(
                "renaming index {old}, which predates devdb's index records"
            )));
        };
        let mut parsed =
            sqlparser::parser::Parser::parse_sql(&sqlparser::dialect::PostgreSqlDialect {}, sql)
                .map_err(|e| PgError::internal(format!("bad index record {old}: {e}")))?;
        let Some(Statement::CreateIndex(ci)) = parsed.first_mut() else {
            return Err(PgError::internal(format!("bad index record {old}")));
        };
        ci.name = Some(make::name(&new));
        let create = Statement::CreateIndex(ci.clone());
        let renamed = || vec![("name", make::string(&new_plain))];
        let by_name = || {
            where_eq(&[
                ("schema", make::string(schema)),
                ("name", make::string(old_plain)),
            ])
        };
        let mut sqlite = vec![
            make::drop(ObjectType::Index, std::slice::from_ref(&old), false),
            create.clone(),
            make::update(catalog::INDEXES, renamed(), by_name()),
            make::update(
                catalog::INDEX_DEFS,
                vec![
                    ("name", make::string(&new_plain)),
                    ("sql", make::string(&create.to_string())),
                ],
                by_name(),
            ),
            make::update(catalog::INDEX_KEYS, renamed(), by_name()),
        ];
        if self
            .catalog
            .constraints_of(&index.table)
            .any(|c| c.name == old_plain)
        {
            sqlite.push(make::update(
                catalog::CONSTRAINTS,
                renamed(),
                where_eq(&[
                    ("schema", make::string(schema)),
                    ("table_name", make::string(catalog::split(&index.table).1)),
                    ("name", make::string(old_plain)),
                ]),
            ));
        }
        Ok(catalog_output("ALTER INDEX", sqlite))
    }
}

/// One `name = value` of CREATE INDEX ... WITH, the value as PostgreSQL keeps it: a name
/// folded, a number or string as written, no value `true`.
fn storage_parameter(e: &Expr) -> Result<(String, String), PgError> {
    let unsupported = || PgError::feature_not_supported(format!("storage parameter {e}"));
    let (name, value) = match e {
        Expr::Identifier(name) => return Ok((fold(name), "true".to_owned())),
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Eq,
            right,
        } => match left.as_ref() {
            Expr::Identifier(name) => (fold(name), right.as_ref()),
            _ => return Err(unsupported()),
        },
        _ => return Err(unsupported()),
    };
    let value = super::option_text(value).ok_or_else(unsupported)?;
    Ok((name, value))
}

/// 0A000 for key forms devdb does not take: an order USING an operator, WITH FILL.
fn check_key_form(ic: &IndexColumn) -> Result<(), PgError> {
    match &ic.column {
        OrderByExpr {
            options:
                OrderByOptions {
                    sort: Some(OrderBySort::Using(_)),
                    ..
                },
            ..
        } => Err(PgError::feature_not_supported("index key ordered USING")),
        OrderByExpr {
            with_fill: Some(_), ..
        } => Err(PgError::feature_not_supported(format!("index key {ic}"))),
        _ => Ok(()),
    }
}

/// The INCLUDE columns of CREATE INDEX, which must be columns of the table.
fn include_columns(
    table: &Table,
    include: &[sqlparser::ast::Ident],
) -> Result<Vec<String>, PgError> {
    include
        .iter()
        .map(|id| {
            let name = fold(id);
            match table.column(&name) {
                Some(_) => Ok(name),
                None => Err(PgError::undefined_column(&name)),
            }
        })
        .collect()
}

/// The `__devdb_index_keys` columns that describe an index's keys and INCLUDE columns: the
/// key lists plain and pretty, the INCLUDE list, whether a key is an expression, and `columns`,
/// a JSON array with one object per index column (pg_index, pg_attribute and
/// pg_get_indexdef read it).
fn key_records(keys: &[Key], include: &[String]) -> Vec<(&'static str, Expr)> {
    use devdb_pg::value::json::Json;
    let text = |s: &str| Json::String(s.to_owned());
    let number = |n: i64| Json::Number(n.to_string());
    // PostgreSQL's ChooseIndexColumnNames: each name numbered while an earlier one has it.
    let mut taken: Vec<String> = Vec::new();
    let mut attname = |base: &str| {
        let mut name = base.to_owned();
        let mut n = 0;
        while taken.contains(&name) {
            n += 1;
            name = format!("{base}{n}");
        }
        taken.push(name.clone());
        name
    };
    let mut columns = Vec::new();
    for key in keys {
        let shown = &key.shown;
        let mut members = vec![
            ("name".to_owned(), text(&attname(&key.name_part))),
            ("plain".to_owned(), text(&shown.plain)),
            ("pretty".to_owned(), text(&shown.pretty)),
            ("option".to_owned(), number(shown.option)),
        ];
        if let Some(column) = &shown.column {
            members.push(("column".to_owned(), text(column)));
        }
        members.push(("opclass".to_owned(), text(&shown.opclass)));
        if let Some((expr, ty)) = &shown.expression {
            members.push(("expr".to_owned(), text(expr)));
            let oid = ty.ty.oid_with_enum(ty.enum_oid);
            members.push(("type".to_owned(), number(i64::from(oid.0))));
            members.push(("typmod".to_owned(), number(i64::from(ty.typmod))));
        }
        columns.push(Json::Object(members));
    }
    for column in include {
        columns.push(Json::Object(vec![
            ("name".to_owned(), text(&attname(column))),
            ("plain".to_owned(), text(&quote_ident(column))),
            ("pretty".to_owned(), text(&quote_ident(column))),
            ("column".to_owned(), text(column)),
            ("include".to_owned(), Json::Bool(true)),
        ]));
    }
    let joined = |f: &dyn Fn(&Key) -> String| keys.iter().map(f).collect::<Vec<_>>().join(", ");
    let include_list = match include.is_empty() {
        true => make::null(),
        false => make::string(
            &include
                .iter()
                .map(|c| quote_ident(c))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    };
    vec![
        ("keys", make::string(&joined(&|k| k.text.clone()))),
        (
            "pretty_keys",
            make::string(&joined(&|k| {
                format!("{}{}", k.shown.pretty, k.shown.suffix)
            })),
        ),
        ("include", include_list),
        (
            "expressions",
            make::int(keys.iter().any(|k| k.expression) as i64),
        ),
        (
            "columns",
            make::string(&Json::Array(columns).to_jsonb_text()),
        ),
    ]
}

/// A key's pg_index.indoption bits (1 DESC, 2 NULLS FIRST) and its order as pg_get_indexdef
/// prints it: only what differs from the default (NULLS LAST ascending, FIRST descending).
fn key_order(ic: &IndexColumn) -> (i64, String) {
    let desc = matches!(ic.column.options.sort, Some(OrderBySort::Desc));
    let nulls_first = ic.column.options.nulls_first.unwrap_or(desc);
    let order = match (desc, nulls_first) {
        (false, true) => " NULLS FIRST",
        (false, false) => "",
        (true, false) => " DESC NULLS LAST",
        (true, true) => " DESC",
    };
    (
        i64::from(desc) | (i64::from(nulls_first) << 1),
        order.to_owned(),
    )
}

/// The deparser of check constraints, over the table's columns of built-in types.
fn deparser_columns(columns: &[Column]) -> [Scope; 1] {
    let typed = columns
        .iter()
        .filter(|c| !matches!(c.ty, PgType::AnyEnum | PgType::AnyEnumArray))
        .map(|c| (c.name.clone(), c.ty))
        .collect();
    [(None, typed)]
}

/// An expression key deparsed plain and pretty, and whether it is a function call (which
/// pg_get_indexdef prints without parentheses of its own). Forms the deparser does not know
/// print as [`expr_text`] has them, without their outer parentheses when pretty.
fn deparse_key(e: &Expr, columns: &[Column]) -> (String, String, bool) {
    let relations = deparser_columns(columns);
    let deparser = Deparser {
        relations: &relations,
        value_keyword: false,
    };
    let bare = &without_text_casts(unnested(e), columns);
    if let Some(op) = deparser.operand(bare)
        && op.kind != Deparsed::String
    {
        let function = matches!(op.node, crate::system::check_display::Node::Call(..));
        return (
            op.node.print(false, None),
            op.node.print(true, None),
            function,
        );
    }
    let plain = expr_text(bare, columns);
    let function = matches!(bare, Expr::Function(_));
    (plain.clone(), pretty_fallback(bare, plain), function)
}

/// A partial index's predicate deparsed plain and pretty.
fn deparse_predicate(e: &Expr, columns: &[Column]) -> (String, String) {
    let relations = deparser_columns(columns);
    let deparser = Deparser {
        relations: &relations,
        value_keyword: false,
    };
    let e = &without_text_casts(e, columns);
    match deparser.bool_expr(e) {
        Some(node) => (node.print(false, None), node.print(true, None)),
        None => {
            let plain = expr_text(e, columns);
            (plain.clone(), pretty_fallback(unnested(e), plain))
        }
    }
}

/// `e` without the casts of varchar columns to text that [`expr_text`] and the deparser print
/// (`lower((email)::text)`), so that a key read back from its record deparses as written.
fn without_text_casts(e: &Expr, columns: &[Column]) -> Expr {
    let mut e = e.clone();
    let _ = sqlparser::ast::visit_expressions_mut(&mut e, |node| {
        if let Expr::Cast {
            kind: sqlparser::ast::CastKind::DoubleColon,
            expr,
            data_type: sqlparser::ast::DataType::Text,
            format: None,
        } = node
            && let Expr::Identifier(id) = unnested(expr)
            && column_type(id, columns) == Some(PgType::Varchar)
        {
            *node = Expr::Identifier(id.clone());
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    e
}

/// The pretty form of what [`expr_text`] printed: the same without the parentheses it puts
/// around a whole operator or test, which the pretty form leaves off at the top.
fn pretty_fallback(e: &Expr, plain: String) -> String {
    let wrapped = matches!(
        e,
        Expr::BinaryOp { .. }
            | Expr::IsNull(_)
            | Expr::IsNotNull(_)
            | Expr::UnaryOp {
                op: UnaryOperator::Not,
                ..
            }
    );
    match plain.strip_prefix('(').and_then(|p| p.strip_suffix(')')) {
        Some(inner) if wrapped => inner.to_owned(),
        _ => plain,
    }
}

/// An index key without the parentheses around an expression key.
fn unnested(e: &Expr) -> &Expr {
    match e {
        Expr::Nested(inner) => unnested(inner),
        other => other,
    }
}

/// Renames a column wherever `is_old` recognizes it in `node`.
fn rename_column<T: sqlparser::ast::VisitMut>(
    node: &mut T,
    is_old: impl Fn(&sqlparser::ast::Ident) -> bool,
    new: &str,
) {
    let _ = sqlparser::ast::visit_expressions_mut(node, |e| {
        if let Expr::Identifier(id) = e
            && is_old(id)
        {
            *id = make::ident(new);
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
}

/// SQLite's CREATE INDEX for translated keys and predicate.
fn sqlite_index(
    index: &str,
    table: &str,
    unique: bool,
    keys: &[Key],
    predicate: Option<Expr>,
) -> Statement {
    let mut stmt = make::create_index(index, table, &[], unique, false);
    if let Statement::CreateIndex(ci) = &mut stmt {
        ci.columns = keys.iter().map(|k| k.sqlite.clone()).collect();
        ci.predicate = predicate;
    }
    stmt
}

/// 0A000 for a subquery in an index key or predicate, which PostgreSQL refuses.
fn no_subquery(e: &Expr, part: &str) -> Result<(), PgError> {
    let found = sqlparser::ast::visit_expressions(e, |e| match e {
        Expr::Subquery(_) | Expr::Exists { .. } | Expr::InSubquery { .. } => {
            std::ops::ControlFlow::Break(())
        }
        _ => std::ops::ControlFlow::Continue(()),
    });
    match found {
        std::ops::ControlFlow::Break(()) => Err(PgError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            format!("cannot use subquery in {part}"),
        )),
        std::ops::ControlFlow::Continue(()) => Ok(()),
    }
}

/// Deletes an index's catalog rows.
pub(super) fn forget_index(index: &str) -> Vec<Statement> {
    let (schema, plain) = catalog::split(index);
    [catalog::INDEX_DEFS, catalog::INDEX_KEYS, catalog::INDEXES]
        .into_iter()
        .map(|t| {
            make::delete(
                t,
                where_eq(&[
                    ("schema", make::string(schema)),
                    ("name", make::string(plain)),
                ]),
            )
        })
        .collect()
}

/// An index expression or predicate as PostgreSQL's pg_get_indexdef prints it: operators and
/// tests parenthesized, string constants with their type. Forms beyond the ones indexes use
/// are printed as written.
fn expr_text(e: &Expr, columns: &[Column]) -> String {
    let text_of = |e: &Expr| expr_text(e, columns);
    match e {
        Expr::Identifier(id) => quote_ident(&fold(id)),
        Expr::Nested(inner) => text_of(inner),
        Expr::IsNull(inner) => format!("({} IS NULL)", text_of(inner)),
        Expr::IsNotNull(inner) => format!("({} IS NOT NULL)", text_of(inner)),
        Expr::UnaryOp {
            op: UnaryOperator::Not,
            expr,
        } => format!("(NOT {})", text_of(expr)),
        Expr::BinaryOp { left, op, right } => {
            // A string constant takes the type of what it meets: text for json's arrows and
            // text columns.
            let typed = |side: &Expr, other: &Expr| match string_literal(side) {
                Some(s) if literal_is_text(op, other, columns) => {
                    format!("'{}'::text", s.replace('\'', "''"))
                }
                _ => text_operand(side, columns),
            };
            format!("({} {op} {})", typed(left, right), typed(right, left))
        }
        Expr::Function(f) => {
            // A text search function's configuration constant is a regconfig.
            let configured = matches!(
                f.name.to_string().to_lowercase().as_str(),
                "to_tsvector"
                    | "to_tsquery"
                    | "plainto_tsquery"
                    | "phraseto_tsquery"
                    | "websearch_to_tsquery"
            ) && matches!(&f.args, FunctionArguments::List(list) if list.args.len() == 2);
            let args = match &f.args {
                FunctionArguments::List(list) => list
                    .args
                    .iter()
                    .enumerate()
                    .map(|(i, a)| match a {
                        FunctionArg::Unnamed(FunctionArgExpr::Expr(e))
                            if i == 0 && configured && string_literal(e).is_some() =>
                        {
                            let name = string_literal(e).unwrap_or_default();
                            format!("'{}'::regconfig", name.replace('\'', "''"))
                        }
                        FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => text_operand(e, columns),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                FunctionArguments::None => return f.name.to_string().to_lowercase(),
                other => other.to_string(),
            };
            // The SQL-standard forms ruleutils prints in capitals.
            let name = f.name.to_string().to_lowercase();
            let name = match name.as_str() {
                "coalesce" | "greatest" | "least" | "nullif" => name.to_uppercase(),
                _ => name,
            };
            format!("{name}({args})")
        }
        // What this function printed before (`'x'::text`, `(email)::text`), read back after a
        // column rename.
        Expr::Cast {
            kind: sqlparser::ast::CastKind::DoubleColon,
            expr,
            data_type,
            format: None,
        } => {
            let inner = match expr.as_ref() {
                Expr::Nested(e) => format!("({})", text_of(e)),
                e => match string_literal(e) {
                    Some(s) => format!("'{}'", s.replace('\'', "''")),
                    None => text_of(e),
                },
            };
            format!("{inner}::{}", data_type.to_string().to_lowercase())
        }
        Expr::Value(v) => match &v.value {
            Value::Boolean(b) => b.to_string(),
            _ => match string_literal(e) {
                Some(s) => format!("'{}'::text", s.replace('\'', "''")),
                None => e.to_string(),
            },
        },
        other => other.to_string(),
    }
}

/// An operand or function argument: a varchar column reaches text operators and functions
/// through its implicit cast, which PostgreSQL prints (`lower((email)::text)`).
fn text_operand(e: &Expr, columns: &[Column]) -> String {
    match e {
        Expr::Identifier(id) if column_type(id, columns) == Some(PgType::Varchar) => {
            format!("({})::text", quote_ident(&fold(id)))
        }
        other => expr_text(other, columns),
    }
}

fn column_type(id: &sqlparser::ast::Ident, columns: &[Column]) -> Option<PgType> {
    let name = fold(id);
    columns.iter().find(|c| c.name == name).map(|c| c.ty)
}

/// True when a string constant beside `other` under `op` is text in PostgreSQL.
fn literal_is_text(op: &BinaryOperator, other: &Expr, columns: &[Column]) -> bool {
    matches!(op, BinaryOperator::Arrow | BinaryOperator::LongArrow)
        || matches!(other, Expr::Identifier(id)
            if matches!(column_type(id, columns), Some(PgType::Text | PgType::Varchar)))
}
