//! ALTER TABLE ... ALTER COLUMN: defaults and SET NOT NULL change the catalog in place;
//! DROP NOT NULL and a new type rebuild the table, which SQLite cannot alter in place.
//!
//! ALTER COLUMN TYPE converts every value as PostgreSQL does: with the assignment cast from the
//! old type (or the USING expression, cast by assignment), failing with its errors (42804 when
//! no such cast exists, the conversion's own 22P02 or 22001 for a value that does not fit).
//! Indexes, constraints, defaults and foreign keys stay: the rebuild recreates them.

use devdb_pg::{PgError, PgType, SqlState};
use sqlparser::ast::{AlterColumnOperation, DataType, Expr, GeneratedAs, Statement};

use super::Translator;
use super::casts::allowed;
use super::ddl::{column_where, set_not_null};
use super::expr::Ctx;
use crate::catalog::{self, Column, Identity, Table};
use crate::make;
use crate::types::Ty;

/// What one ALTER COLUMN does.
pub(super) struct Altered {
    pub sqlite: Vec<Statement>,
    /// The table must be rebuilt (after the statement's other operations).
    pub rebuild: bool,
    /// The column's values change type: the SQLite expression the rebuild copies them with.
    pub conversion: Option<(String, Expr)>,
}

impl Translator<'_> {
    /// The indexes CREATE INDEX made on `table` that read a column whose type the statement
    /// changes, translated again for the new types, each with the updates of its records (its
    /// SQLite statement, its keys' types and operator classes).
    pub(super) fn reindex_converted(
        &mut self,
        table: &Table,
        converted: &[String],
    ) -> Result<Vec<(Statement, Vec<Statement>)>, PgError> {
        let affected: Vec<catalog::Index> = self
            .catalog
            .indexes
            .iter()
            .filter(|i| {
                i.table == table.name
                    && i.keys.is_some()
                    && converted
                        .iter()
                        .any(|c| i.definition.as_deref().is_none_or(|d| mentions(d, c)))
            })
            .cloned()
            .collect();
        let mut out = Vec::new();
        for index in &affected {
            let create = self.reindex(table, index)?;
            let (schema, name) = catalog::split(&index.name);
            let record = make::update(
                catalog::INDEX_DEFS,
                vec![("sql", make::string(&create.to_string()))],
                super::ddl::where_eq(&[
                    ("schema", make::string(schema)),
                    ("name", make::string(name)),
                ]),
            );
            let keys = self.index_keys_update(table, index, None)?;
            out.push((create, std::iter::once(record).chain(keys).collect()));
        }
        Ok(out)
    }

    pub(super) fn alter_column(
        &mut self,
        table: &mut Table,
        col: &Column,
        op: AlterColumnOperation,
    ) -> Result<Altered, PgError> {
        let mut altered = col.clone();
        let mut out = Altered {
            sqlite: Vec::new(),
            rebuild: false,
            conversion: None,
        };
        if col.generated.is_some()
            && matches!(
                op,
                AlterColumnOperation::SetDefault { .. } | AlterColumnOperation::DropDefault
            )
        {
            return Err(PgError::syntax_error(
                format!(
                    "column \"{}\" of relation \"{}\" is a generated column",
                    col.name,
                    catalog::split(&table.name).1
                ),
                None,
            ));
        }
        match op {
            AlterColumnOperation::SetNotNull => {
                out.sqlite
                    .push(set_not_null(&table.name, &col.name, Vec::new()));
                altered.not_null = true;
            }
            AlterColumnOperation::DropNotNull => {
                let problem = if col.pk_position.is_some() {
                    Some(format!("column \"{}\" is in a primary key", col.name))
                } else if col.identity.is_some() {
                    Some(format!(
                        "column \"{}\" of relation \"{}\" is an identity column",
                        col.name,
                        catalog::split(&table.name).1
                    ))
                } else {
                    None
                };
                if let Some(message) = problem {
                    return Err(PgError::new(SqlState::INVALID_TABLE_DEFINITION, message));
                }
                out.sqlite.push(make::update(
                    catalog::COLUMNS,
                    vec![("not_null", make::int(0))],
                    column_where(&table.name, &col.name),
                ));
                // SQLite keeps a NOT NULL declared at CREATE TABLE.
                out.rebuild = col.not_null;
                altered.not_null = false;
            }
            AlterColumnOperation::SetDefault { value } => {
                let text = make::sql_text(&value);
                altered.default = Some(text.clone());
                let mut probe = altered.clone();
                probe.not_null = false;
                self.default_value(&probe)?;
                out.sqlite.push(make::update(
                    catalog::COLUMNS,
                    vec![("default_expr", make::string(&text))],
                    column_where(&table.name, &col.name),
                ));
            }
            AlterColumnOperation::DropDefault => {
                altered.default = None;
                out.sqlite.push(make::update(
                    catalog::COLUMNS,
                    vec![("default_expr", make::null())],
                    column_where(&table.name, &col.name),
                ));
            }
            AlterColumnOperation::SetDataType {
                data_type,
                using,
                had_set: _,
            } => {
                if let Some(reader) = super::generated::generated_readers(table, &col.name)
                    .into_iter()
                    .find(|c| c.name != col.name)
                {
                    return Err(PgError::new(
                        SqlState::FEATURE_NOT_SUPPORTED,
                        "cannot alter type of a column used by a generated column",
                    )
                    .with_detail(format!(
                        "Column \"{}\" is used by generated column \"{}\".",
                        col.name, reader.name
                    )));
                }
                let (to, conversion) = self.new_column_type(table, col, &data_type, using)?;
                if col.identity.is_some()
                    && matches!(to.ty, PgType::Int2 | PgType::Int4 | PgType::Int8)
                {
                    // The identity's sequence takes the new type, as ALTER SEQUENCE ... AS.
                    let mut set = Vec::new();
                    self.alter_sequence_type(&data_type, &mut set)?;
                    let (schema, table_name) = catalog::split(&table.name);
                    let sequence = make::lookup_by(
                        catalog::SEQUENCE_OWNERS,
                        make::column("name"),
                        vec![
                            ("schema", make::string(schema)),
                            ("table_name", make::string(table_name)),
                            ("column_name", make::string(&col.name)),
                        ],
                    );
                    out.sqlite
                        .extend(super::sequences::altered_sequence(sequence, set, None));
                }
                altered.ty = to.ty;
                altered.enum_oid = to.enum_oid;
                altered.typmod = to.typmod;
                out.sqlite.push(make::update(
                    catalog::COLUMNS,
                    vec![
                        ("type_oid", make::int(altered.type_oid().0.into())),
                        ("typmod", make::int(to.typmod.into())),
                    ],
                    column_where(&table.name, &col.name),
                ));
                out.rebuild = true;
                out.conversion = Some((col.name.clone(), conversion));
            }
            AlterColumnOperation::AddGenerated {
                generated_as:
                    generated @ (Some(GeneratedAs::Always | GeneratedAs::ByDefault) | None),
                sequence_options,
            } => {
                let identity = match generated {
                    Some(GeneratedAs::Always) => Identity::Always,
                    _ => Identity::ByDefault,
                };
                // add_identity records the column's new default and identity in `table`.
                out.sqlite =
                    self.add_identity(table, col, identity, sequence_options.unwrap_or_default())?;
                return Ok(out);
            }
            other => {
                return Err(PgError::feature_not_supported(format!(
                    "ALTER COLUMN {other}"
                )));
            }
        }
        if let Some(c) = table.columns.iter_mut().find(|c| c.name == col.name) {
            *c = altered;
        }
        Ok(out)
    }

    /// ALTER COLUMN TYPE: the new type and the SQLite expression that converts a stored value
    /// of the column (over the table as it stands) into it.
    fn new_column_type(
        &mut self,
        table: &Table,
        col: &Column,
        data_type: &DataType,
        using: Option<Expr>,
    ) -> Result<(Ty, Expr), PgError> {
        let declared = self.data_type(data_type)?;
        if declared.serial {
            return Err(crate::types::undefined_type(
                &data_type.to_string().to_lowercase(),
            ));
        }
        let to = declared.ty;
        if let Some(view) = self
            .catalog
            .views
            .iter()
            .find(|v| v.depends_on.contains(&table.name) && view_may_use(v, &col.name))
        {
            return Err(PgError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                "cannot alter type of a column used by a view or rule",
            )
            .with_detail(format!(
                "rule _RETURN on view {} depends on column \"{}\"",
                catalog::split(&view.name).1,
                col.name
            )));
        }
        self.check_foreign_keys(table, col, to)?;
        let type_name = self.type_display(Ty { typmod: -1, ..to });
        let source = using
            .clone()
            .unwrap_or_else(|| Expr::Identifier(make::ident(&col.name)));
        let ((value, from), _) =
            self.in_table_scope(&table.name, &table.columns, |t| t.expr(source))?;
        let other_enum = to.enum_oid.is_some() && from.enum_oid != to.enum_oid;
        if !from.is_unknown() && (!allowed(from.ty, to.ty, Ctx::Assignment) || other_enum) {
            let name = &col.name;
            return Err(match using {
                None => PgError::new(
                    SqlState::DATATYPE_MISMATCH,
                    format!("column \"{name}\" cannot be cast automatically to type {type_name}"),
                )
                .with_hint(format!(
                    "You might need to specify \"USING {name}::{type_name}\"."
                )),
                Some(_) => PgError::new(
                    SqlState::DATATYPE_MISMATCH,
                    format!(
                        "result of USING clause for column \"{name}\" cannot be cast automatically to type {type_name}"
                    ),
                )
                .with_hint("You might need to add an explicit cast."),
            });
        }
        // The default keeps its expression, which must now convert to the new type; a
        // constant default has the old column's type, as PostgreSQL stored it.
        if let Some((_, ty)) = self.default_expr(col)? {
            let ty = if ty.is_unknown() { col.ty() } else { ty };
            if !allowed(ty.ty, to.ty, Ctx::Assignment) {
                return Err(PgError::new(
                    SqlState::DATATYPE_MISMATCH,
                    format!(
                        "default for column \"{}\" cannot be cast automatically to type {type_name}",
                        col.name
                    ),
                ));
            }
        }
        let value = self.coerce(value, from, to, Ctx::Assignment)?;
        Ok((to, super::bpchar::store(value, to)))
    }
}

impl Translator<'_> {
    /// 42804 when a foreign key on either side of `col` could no longer compare its keys once
    /// `col` has type `to`.
    fn check_foreign_keys(&self, table: &Table, col: &Column, to: Ty) -> Result<(), PgError> {
        let column_type = |t: &str, c: &str| {
            if t == table.name {
                table.column(c).map(|c| c.ty)
            } else {
                self.catalog
                    .table(t)
                    .and_then(|t| t.column(c))
                    .map(|c| c.ty)
            }
        };
        let fks = self
            .catalog
            .constraints_of(&table.name)
            .filter(|c| c.kind == catalog::ConstraintKind::ForeignKey)
            .chain(self.catalog.references_to(&table.name));
        for fk in fks {
            let parent = fk.ref_table.as_deref().unwrap_or_default();
            for (local, remote) in fk.columns.iter().zip(&fk.ref_columns) {
                let (child_ty, parent_ty) = if fk.table == table.name && *local == col.name {
                    (Some(to.ty), column_type(parent, remote))
                } else if parent == table.name && *remote == col.name {
                    (column_type(&fk.table, local), Some(to.ty))
                } else {
                    continue;
                };
                if let (Some(a), Some(b)) = (child_ty, parent_ty)
                    && !super::constraints::comparable(a, b)
                {
                    return Err(PgError::new(
                        SqlState::DATATYPE_MISMATCH,
                        format!("foreign key constraint \"{}\" cannot be implemented", fk.name),
                    )
                    .with_detail(format!(
                        "Key columns \"{local}\" and \"{remote}\" are of incompatible types: {a} and {b}."
                    )));
                }
            }
        }
        Ok(())
    }
}

/// True unless a view certainly does not read `column`: its query names no such identifier
/// and it has no output column of that name (which a `*` gives it).
fn view_may_use(view: &catalog::View, column: &str) -> bool {
    if view.columns.iter().any(|c| c.name == column) {
        return true;
    }
    let Ok(query) = sqlparser::parser::Parser::new(&sqlparser::dialect::PostgreSqlDialect {})
        .try_with_sql(&view.definition)
        .and_then(|mut p| p.parse_query())
    else {
        return true;
    };
    let named = sqlparser::ast::visit_expressions(&query, |e| match e {
        Expr::Identifier(id) if super::fold(id) == column => std::ops::ControlFlow::Break(()),
        Expr::CompoundIdentifier(ids) if ids.last().is_some_and(|id| super::fold(id) == column) => {
            std::ops::ControlFlow::Break(())
        }
        _ => std::ops::ControlFlow::Continue(()),
    });
    named.is_break()
}

/// True when the SQLite statement `sql` names the column `column` anywhere.
pub(super) fn mentions(sql: &str, column: &str) -> bool {
    let Ok(statements) =
        sqlparser::parser::Parser::parse_sql(&sqlparser::dialect::PostgreSqlDialect {}, sql)
    else {
        return true;
    };
    let found = sqlparser::ast::visit_expressions(&statements, |e| match e {
        Expr::Identifier(id) if id.value == column => std::ops::ControlFlow::Break(()),
        Expr::CompoundIdentifier(ids) if ids.last().is_some_and(|id| id.value == column) => {
            std::ops::ControlFlow::Break(())
        }
        _ => std::ops::ControlFlow::Continue(()),
    });
    found.is_break()
}
