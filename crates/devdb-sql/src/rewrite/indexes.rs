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

use crate::catalog::{self, Column, Constraint, ConstraintKind, Index, Table};
use crate::make;
use crate::system::functions::quote_ident;

/// One key of an index being created.
struct Key {
    /// The SQLite key: a column or the translated expression, with its sort direction.
    sqlite: IndexColumn,
    /// The key as pg_get_indexdef prints it.
    text: String,
    /// The column name, or the name PostgreSQL's ChooseIndexColumnNames gives an expression.
    name_part: String,
    expression: bool,
}

impl Translator<'_> {
    pub fn create_index(&mut self, ci: CreateIndex) -> Result<Output, PgError> {
        let CreateIndex {
            name,
            table_name,
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
        if !(include.is_empty()
            && with.is_empty()
            && index_options.is_empty()
            && alter_options.is_empty())
        {
            return Err(PgError::feature_not_supported("this CREATE INDEX option"));
        }
        if !matches!(using, None | Some(IndexType::BTree)) {
            return Err(PgError::feature_not_supported(
                "index methods other than btree",
            ));
        }
        let table = match self.matview_table(&table_name) {
            Some(matview) => matview,
            None => self.lookup_table(&table_name)?.clone(),
        };
        let keys = columns
            .iter()
            .map(|ic| self.index_key(&table, ic))
            .collect::<Result<Vec<_>, _>>()?;
        for key in &columns {
            no_subquery(&key.column.expr, "index expression")?;
        }
        let predicate = predicate
            .map(|p| {
                no_subquery(&p, "index predicate")?;
                let (sqlite, _) =
                    self.in_table_scope(&table.name, &table.columns, |t| t.condition(p.clone()))?;
                Ok::<_, PgError>((sqlite, expr_text(&p, &table.columns)))
            })
            .transpose()?;
        let index = match &name {
            // An index lives in its table's schema.
            Some(n) => catalog::key(&table.schema, catalog::split(&self.table_name(n)?).1),
            None => {
                // PostgreSQL's ChooseRelationName: numbered while the name is taken.
                let parts: Vec<String> = keys.iter().map(|k| k.name_part.clone()).collect();
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
                return Ok(Output::new(crate::Kind::Command("CREATE INDEX")));
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
        let texts: Vec<&str> = keys.iter().map(|k| k.text.as_str()).collect();
        let (schema, plain) = catalog::split(&index);
        let keys_row = make::insert_rows(
            catalog::INDEX_KEYS,
            &["schema", "name", "keys", "predicate", "expressions"],
            vec![vec![
                make::string(schema),
                make::string(plain),
                make::string(&texts.join(", ")),
                predicate
                    .as_ref()
                    .map(|(_, text)| make::string(text))
                    .unwrap_or_else(make::null),
                make::int(keys.iter().any(|k| k.expression) as i64),
            ]],
        );
        Ok(catalog_output(
            "CREATE INDEX",
            vec![
                stmt.clone(),
                index_row(&index, &table.name, unique, false),
                index_def_row(&index, &stmt),
                keys_row,
            ],
        ))
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
            .map(|ic| self.index_key(table, ic))
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
    fn index_key(&mut self, table: &Table, ic: &IndexColumn) -> Result<Key, PgError> {
        let text = key_text(ic, &table.columns)?;
        let expr = &ic.column.expr;
        // SQLite takes no NULLS FIRST/LAST in an index; the order of NULLs within the index
        // changes nothing it finds. Nor does it know the pattern operator classes, which only
        // let LIKE use an index.
        let key = |sqlite: Expr, name_part: String, expression: bool| Key {
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
            text,
            name_part,
            expression,
        };
        if let Expr::Identifier(id) = expr {
            let name = fold(id);
            if table.column(&name).is_none() {
                return Err(PgError::undefined_column(&name)
                    .with_detail(format!("in table \"{}\"", table.name)));
            }
            return Ok(key(make::column(&name), name, false));
        }
        let ((sqlite, _), _) =
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
        Ok(key(sqlite, name_part, true))
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
                && i.definition
                    .as_deref()
                    .is_some_and(|d| super::alter_column::mentions(d, column))
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
        &self,
        table: &Table,
        old: &str,
        new: &str,
    ) -> Result<Vec<Statement>, PgError> {
        let mut out = Vec::new();
        for index in self
            .catalog
            .indexes
            .iter()
            .filter(|i| i.table == table.name)
        {
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
            let Some(keys) = &index.keys else {
                continue;
            };
            let mut columns = Parser::new(&PostgreSqlDialect {})
                .try_with_sql(keys)
                .and_then(|mut p| p.parse_comma_separated(Parser::parse_create_index_expr))
                .map_err(bad)?;
            rename_column(&mut columns, |id| fold(id) == old, new);
            let texts = columns
                .iter()
                .map(|ic| key_text(ic, &table.columns))
                .collect::<Result<Vec<_>, _>>()?;
            let predicate = match &index.predicate {
                Some(text) => {
                    let mut parsed = Parser::new(&PostgreSqlDialect {})
                        .try_with_sql(text)
                        .and_then(|mut p| p.parse_expr())
                        .map_err(bad)?;
                    rename_column(&mut parsed, |id| fold(id) == old, new);
                    make::string(&expr_text(&parsed, &table.columns))
                }
                None => make::null(),
            };
            out.push(make::update(
                catalog::INDEX_KEYS,
                vec![
                    ("keys", make::string(&texts.join(", "))),
                    ("predicate", predicate),
                ],
                by_name(),
            ));
        }
        Ok(out)
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
    pub fn alter_index(
        &mut self,
        name: &ObjectName,
        operation: AlterIndexOperation,
    ) -> Result<Output, PgError> {
        let AlterIndexOperation::RenameIndex { index_name } = operation;
        let old = self.table_name(name)?;
        let Some(index) = self.catalog.index(&old).cloned() else {
            return Err(PgError::undefined_table(&old));
        };
        let (schema, old_plain) = catalog::split(&old);
        let new_plain = catalog::split(&self.table_name(&index_name)?).1.to_owned();
        let new = catalog::key(schema, &new_plain);
        if self.catalog.index(&new).is_some() || self.catalog.table(&new).is_some() {
            return Err(duplicate_table(&new));
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

/// An index key as pg_get_indexdef prints it: the column, the function call or the
/// parenthesized expression, its operator class and its order where not the default.
fn key_text(ic: &IndexColumn, columns: &[Column]) -> Result<String, PgError> {
    let IndexColumn {
        column:
            OrderByExpr {
                expr,
                options: OrderByOptions { sort, nulls_first },
                with_fill: None,
            },
        operator_class,
    } = ic
    else {
        return Err(PgError::feature_not_supported(format!("index key {ic}")));
    };
    let opclass = match operator_class {
        None => String::new(),
        Some(name) => match name.to_string().to_lowercase().as_str() {
            c @ ("text_pattern_ops" | "varchar_pattern_ops" | "bpchar_pattern_ops") => {
                format!(" {c}")
            }
            other => {
                return Err(PgError::feature_not_supported(format!(
                    "operator class {other}"
                )));
            }
        },
    };
    let desc = match sort {
        None | Some(OrderBySort::Asc) => false,
        Some(OrderBySort::Desc) => true,
        Some(OrderBySort::Using(_)) => {
            return Err(PgError::feature_not_supported("index key ordered USING"));
        }
    };
    let order = match (desc, nulls_first) {
        (false, Some(true)) => " NULLS FIRST",
        (false, _) => "",
        (true, Some(false)) => " DESC NULLS LAST",
        (true, _) => " DESC",
    };
    let key = match expr {
        Expr::Identifier(id) => quote_ident(&fold(id)),
        other => match unnested(other) {
            bare @ Expr::Function(_) => expr_text(bare, columns),
            bare => format!("({})", expr_text(bare, columns)),
        },
    };
    Ok(format!("{key}{opclass}{order}"))
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
            let args = match &f.args {
                FunctionArguments::List(list) => list
                    .args
                    .iter()
                    .map(|a| match a {
                        FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => text_operand(e, columns),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                FunctionArguments::None => return f.name.to_string().to_lowercase(),
                other => other.to_string(),
            };
            format!("{}({args})", f.name.to_string().to_lowercase())
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
