//! Table constraints: foreign keys and CHECK constraints, named as PostgreSQL names them and
//! kept in devdb's catalog; SQLite enforces them natively from the CREATE TABLE devdb writes.
//!
//! SQLite cannot add a constraint to an existing table, so ALTER TABLE ... ADD CONSTRAINT
//! rebuilds the table (and every table that references it, so that no DROP TABLE ever fires a
//! foreign key action): new copies are created under temporary names, filled parents first,
//! the old tables dropped children first, the copies renamed (SQLite rewrites the references
//! as it renames) and the indexes recreated from their recorded definitions.

use devdb_pg::{PgError, PgType, SqlState};
use sqlparser::ast::helpers::stmt_create_table::CreateTableBuilder;
use sqlparser::ast::{
    AlterTableOperation, CheckConstraint, ColumnOption, ColumnOptionDef, ConstraintCharacteristics,
    DeferrableInitial, Expr, ForeignKeyConstraint, Ident, ReferentialAction, Statement,
    TableConstraint,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::{Rel, Scope, Translator, fold};
use crate::catalog::{Column, Constraint, ConstraintKind};
use crate::make;
use crate::types::Ty;

/// PostgreSQL's ChooseConstraintName: `<table>_<columns>_<suffix>`, numbered when taken.
pub fn choose_name(table: &str, columns: &[String], suffix: &str, taken: &[String]) -> String {
    let table = crate::catalog::split(table).1;
    let base = if columns.is_empty() {
        format!("{table}_{suffix}")
    } else {
        format!("{table}_{}_{suffix}", columns.join("_"))
    };
    if !taken.contains(&base) {
        return base;
    }
    let stem = base.trim_end_matches(suffix).to_owned();
    (1..)
        .map(|i| format!("{stem}{suffix}{i}"))
        .find(|n| !taken.contains(n))
        .unwrap_or(base)
}

fn action_name(a: &Option<ReferentialAction>) -> Result<Option<String>, PgError> {
    Ok(match a {
        None | Some(ReferentialAction::NoAction) => None,
        Some(other) => Some(other.to_string()),
    })
}

fn sqlite_action(a: &Option<String>) -> Option<ReferentialAction> {
    Some(match a.as_deref()? {
        "CASCADE" => ReferentialAction::Cascade,
        "SET NULL" => ReferentialAction::SetNull,
        "SET DEFAULT" => ReferentialAction::SetDefault,
        // SQLite reports a RESTRICT violation as a trigger error, not as a foreign key
        // violation; NO ACTION checks the same thing at the end of the statement, which is
        // where a non-deferred PostgreSQL constraint is checked too.
        "RESTRICT" => return None,
        _ => return None,
    })
}

/// Whether a constraint is DEFERRABLE and INITIALLY DEFERRED, as declared.
#[derive(Clone, Copy, Debug)]
pub(super) struct Deferral {
    deferrable: bool,
    initially_deferred: bool,
}

impl Deferral {
    /// `c` as declared with these characteristics.
    pub(super) fn apply(self, c: Constraint) -> Constraint {
        Constraint {
            deferrable: self.deferrable,
            initially_deferred: self.initially_deferred,
            ..c
        }
    }
}

pub(super) fn deferral(c: &Option<ConstraintCharacteristics>) -> Result<Deferral, PgError> {
    let (deferrable, initially_deferred) = match c {
        None => (false, false),
        Some(ConstraintCharacteristics {
            deferrable,
            initially,
            enforced,
        }) => {
            if *enforced == Some(false) {
                return Err(PgError::feature_not_supported("NOT ENFORCED constraints"));
            }
            let deferred = *initially == Some(DeferrableInitial::Deferred);
            if deferred && *deferrable == Some(false) {
                return Err(PgError::syntax_error(
                    "constraint declared INITIALLY DEFERRED must be DEFERRABLE",
                    None,
                ));
            }
            (deferrable.unwrap_or(deferred), deferred)
        }
    };
    Ok(Deferral {
        deferrable,
        initially_deferred,
    })
}

/// The key columns a table being created or altered has: its primary key and unique keys.
pub struct Keys<'a> {
    pub table: &'a str,
    pub columns: &'a [Column],
    pub keys: Vec<Vec<String>>,
}

impl Translator<'_> {
    /// A FOREIGN KEY (or column REFERENCES) as a catalog constraint, checked as PostgreSQL
    /// checks it: the referenced table and columns exist and carry a unique key, the column
    /// counts match and the types compare.
    pub fn foreign_key(
        &self,
        own: &Keys<'_>,
        name: Option<String>,
        columns: Vec<String>,
        fk: &ForeignKeyConstraint,
        taken: &[String],
    ) -> Result<Constraint, PgError> {
        let ForeignKeyConstraint {
            name: _,
            index_name: None,
            columns: _,
            foreign_table,
            referred_columns,
            on_delete,
            on_update,
            match_kind,
            characteristics,
        } = fk
        else {
            return Err(PgError::feature_not_supported("this FOREIGN KEY form"));
        };
        // MATCH FULL differs from SIMPLE only for keys of several columns, one of them NULL.
        let match_full = match match_kind {
            None | Some(sqlparser::ast::ConstraintReferenceMatchKind::Simple) => false,
            Some(sqlparser::ast::ConstraintReferenceMatchKind::Full) if columns.len() == 1 => true,
            Some(kind) => {
                return Err(PgError::feature_not_supported(match columns.len() {
                    1 => format!("{kind}"),
                    _ => format!("{kind} on a key of several columns"),
                }));
            }
        };
        let parent = self.table_name(foreign_table)?;
        let (parent_columns, parent_keys): (Vec<Column>, Vec<Vec<String>>) = if parent == own.table
        {
            (own.columns.to_vec(), own.keys.clone())
        } else {
            let t = self
                .catalog
                .table(&parent)
                .ok_or_else(|| PgError::undefined_table(&parent))?;
            let mut keys: Vec<Vec<String>> = self
                .catalog
                .constraints_of(&parent)
                .filter(|c| matches!(c.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique))
                .map(|c| c.columns.clone())
                .collect();
            let pk: Vec<String> = t.primary_key().iter().map(|c| c.name.clone()).collect();
            if !pk.is_empty() && !keys.contains(&pk) {
                keys.insert(0, pk);
            }
            (t.columns.clone(), keys)
        };
        let referred: Vec<String> = if referred_columns.is_empty() {
            let pk: Vec<String> = {
                let mut key: Vec<&Column> = parent_columns
                    .iter()
                    .filter(|c| c.pk_position.is_some())
                    .collect();
                key.sort_by_key(|c| c.pk_position);
                key.iter().map(|c| c.name.clone()).collect()
            };
            if pk.is_empty() {
                return Err(PgError::new(
                    SqlState::UNDEFINED_OBJECT,
                    format!("there is no primary key for referenced table \"{parent}\""),
                ));
            }
            pk
        } else {
            referred_columns.iter().map(fold).collect()
        };
        if referred.len() != columns.len() {
            return Err(PgError::new(
                SqlState::INVALID_FOREIGN_KEY,
                "number of referencing and referenced columns for foreign key disagree",
            ));
        }
        let mut sorted_ref = referred.clone();
        sorted_ref.sort();
        let is_key = parent_keys.iter().any(|k| {
            let mut k = k.clone();
            k.sort();
            k == sorted_ref
        });
        for (local, remote) in columns.iter().zip(&referred) {
            let l = own
                .columns
                .iter()
                .find(|c| c.name == *local)
                .ok_or_else(|| {
                    PgError::undefined_column(local).with_detail(format!(
                        "column \"{local}\" referenced in foreign key constraint does not exist"
                    ))
                })?;
            let r = parent_columns
                .iter()
                .find(|c| c.name == *remote)
                .ok_or_else(|| {
                    PgError::undefined_column(remote).with_detail(format!(
                        "column \"{remote}\" referenced in foreign key constraint does not exist"
                    ))
                })?;
            if !comparable(l.ty, r.ty) {
                return Err(PgError::new(
                    SqlState::DATATYPE_MISMATCH,
                    format!(
                        "foreign key constraint cannot be implemented: key columns \"{local}\" and \"{remote}\" are of incompatible types: {} and {}",
                        l.ty, r.ty
                    ),
                ));
            }
        }
        if !is_key {
            return Err(PgError::new(
                SqlState::INVALID_FOREIGN_KEY,
                format!(
                    "there is no unique constraint matching given keys for referenced table \"{parent}\""
                ),
            ));
        }
        let Deferral {
            deferrable,
            initially_deferred,
        } = deferral(characteristics)?;
        let on_delete = action_name(on_delete)?;
        let on_update = action_name(on_update)?;
        let name = name.unwrap_or_else(|| choose_name(own.table, &columns, "fkey", taken));
        Ok(Constraint {
            schema: crate::catalog::split(own.table).0.into(),
            table: own.table.into(),
            name,
            kind: ConstraintKind::ForeignKey,
            columns,
            ref_table: Some(parent),
            ref_columns: referred,
            on_delete,
            on_update,
            deferrable,
            initially_deferred,
            check: None,
            validated: true,
            match_full,
        })
    }

    /// A CHECK constraint: translated now (so a bad expression fails the DDL) and kept as
    /// PostgreSQL text; named after the one column it mentions, else `<table>_check`.
    pub fn check_constraint(
        &mut self,
        table: &str,
        columns: &[Column],
        name: Option<String>,
        check: &CheckConstraint,
        taken: &[String],
    ) -> Result<Constraint, PgError> {
        let CheckConstraint {
            name: _,
            expr,
            no_inherit: _,
            enforced,
        } = check;
        if *enforced == Some(false) {
            return Err(PgError::feature_not_supported("NOT ENFORCED constraints"));
        }
        let (_, mentioned) = self.check_expr(table, columns, expr)?;
        let name = name.unwrap_or_else(|| {
            let cols = if mentioned.len() == 1 {
                mentioned.clone()
            } else {
                Vec::new()
            };
            choose_name(table, &cols, "check", taken)
        });
        Ok(Constraint {
            check: Some(make::sql_text(expr)),
            ..Constraint::new(table, name, ConstraintKind::Check, &mentioned)
        })
    }

    /// Translates a check expression over the table's columns; returns it with the distinct
    /// columns it mentions, in order of first mention.
    pub(super) fn check_expr(
        &mut self,
        table: &str,
        columns: &[Column],
        expr: &Expr,
    ) -> Result<(Expr, Vec<String>), PgError> {
        self.in_table_scope(table, columns, |t| t.condition(expr.clone()))
    }

    /// Runs `translate` with the table's columns as the only names in scope, as for the
    /// expressions of DDL (checks, index keys and predicates, USING); returns its result with
    /// the distinct columns it mentions, in order of first mention. DDL takes no parameters.
    pub(super) fn in_table_scope<T>(
        &mut self,
        table: &str,
        columns: &[Column],
        translate: impl FnOnce(&mut Self) -> Result<T, PgError>,
    ) -> Result<(T, Vec<String>), PgError> {
        if !self.params.is_empty() {
            return Err(PgError::feature_not_supported("parameters in DDL"));
        }
        let saved = std::mem::take(&mut self.scopes);
        let mut scope = Scope::of(vec![Rel {
            name: table.into(),
            columns: columns.iter().map(|c| (c.name.clone(), c.ty())).collect(),
            // The table's stored values: char(n) reads pad them.
            table: Some(table.into()),
            view: None,
        }]);
        scope.grouping.collecting = true;
        self.scopes.push(scope);
        let result = translate(self);
        let bare = self
            .scopes
            .pop()
            .map(|s| s.grouping.bare)
            .unwrap_or_default();
        self.scopes = saved;
        let translated = result?;
        if !self.params.is_empty() {
            return Err(PgError::new(
                SqlState::UNDEFINED_PARAMETER,
                "there is no parameter $1",
            ));
        }
        let mut mentioned: Vec<String> = Vec::new();
        for (_, col) in bare {
            if !mentioned.contains(&col) {
                mentioned.push(col);
            }
        }
        Ok((translated, mentioned))
    }

    /// SQLite's CREATE TABLE for a table with these columns and constraints.
    pub fn sqlite_table(
        &mut self,
        name: &str,
        columns: &[Column],
        constraints: &[Constraint],
    ) -> Result<Statement, PgError> {
        let set_default_columns: Vec<&String> = constraints
            .iter()
            .filter(|c| {
                c.kind == ConstraintKind::ForeignKey
                    && [&c.on_delete, &c.on_update]
                        .iter()
                        .any(|a| a.as_deref() == Some("SET DEFAULT"))
            })
            .flat_map(|c| &c.columns)
            .collect();
        let mut defs = Vec::with_capacity(columns.len());
        for c in columns {
            let mut options = Vec::new();
            if c.not_null {
                options.push(ColumnOptionDef {
                    name: None,
                    option: ColumnOption::NotNull,
                });
            }
            // ON DELETE SET DEFAULT is SQLite's to run, so it needs the default as a constant.
            if set_default_columns.contains(&&c.name) && c.default.is_some() {
                let mut plain = c.clone();
                plain.not_null = false;
                let value = self.default_value(&plain)?;
                if !matches!(value, Expr::Value(_)) {
                    return Err(PgError::feature_not_supported(
                        "ON DELETE/UPDATE SET DEFAULT with a non-constant default",
                    ));
                }
                options.push(ColumnOptionDef {
                    name: None,
                    option: ColumnOption::Default(value),
                });
            }
            options.extend(self.sqlite_generated(name, columns, c)?);
            defs.push(super::ddl::storage_column(&c.name, c.ty, options));
        }
        let mut table_constraints = Vec::new();
        for c in columns {
            if let Some((check_name, expr)) = self.domain_check(c)? {
                let (expr, _) = self.check_expr(name, columns, &expr)?;
                table_constraints.push(TableConstraint::Check(CheckConstraint {
                    name: Some(make::ident(&check_name)),
                    expr: Box::new(expr),
                    no_inherit: false,
                    enforced: None,
                }));
            }
        }
        for c in constraints {
            match c.kind {
                ConstraintKind::ForeignKey => {
                    let characteristics =
                        c.initially_deferred.then_some(ConstraintCharacteristics {
                            deferrable: Some(true),
                            initially: Some(DeferrableInitial::Deferred),
                            enforced: None,
                        });
                    table_constraints.push(TableConstraint::ForeignKey(ForeignKeyConstraint {
                        name: Some(make::ident(&c.name)),
                        index_name: None,
                        columns: c.columns.iter().map(|n| make::ident(n)).collect(),
                        foreign_table: make::name(c.ref_table.as_deref().unwrap_or_default()),
                        referred_columns: c.ref_columns.iter().map(|n| make::ident(n)).collect(),
                        on_delete: sqlite_action(&c.on_delete),
                        on_update: sqlite_action(&c.on_update),
                        match_kind: None,
                        characteristics,
                    }));
                }
                ConstraintKind::Check => {
                    let text = c.check.as_deref().unwrap_or("true");
                    let parsed = Parser::new(&PostgreSqlDialect {})
                        .try_with_sql(text)
                        .and_then(|mut p| p.parse_expr())
                        .map_err(|e| {
                            PgError::internal(format!("bad check constraint {}: {e}", c.name))
                        })?;
                    let (expr, _) = self.check_expr(name, columns, &parsed)?;
                    table_constraints.push(TableConstraint::Check(CheckConstraint {
                        name: Some(make::ident(&c.name)),
                        expr: Box::new(expr),
                        no_inherit: false,
                        enforced: None,
                    }));
                }
                // Keys are SQLite indexes, exclusions triggers (`exclusion.rs`).
                ConstraintKind::PrimaryKey | ConstraintKind::Unique | ConstraintKind::Exclusion => {
                }
            }
        }
        Ok(Statement::CreateTable(
            CreateTableBuilder::new(make::name(name))
                .columns(defs)
                .constraints(table_constraints)
                .strict(true)
                .build(),
        ))
    }
}

/// True when PostgreSQL has an equality operator between the two key types.
pub(super) fn comparable(a: PgType, b: PgType) -> bool {
    a == b
        || (a.is_numeric() && b.is_numeric())
        || (a.is_text() && b.is_text())
        || crate::types::common_type(Ty::of(a), Ty::of(b)).is_some()
}

/// The constraint names a column option or table constraint gives, folded.
pub fn given_name(def_name: &Option<Ident>, inner: &Option<Ident>) -> Option<String> {
    def_name.as_ref().or(inner.as_ref()).map(fold)
}

/// ALTER TABLE's operations with each `ADD COLUMN ... REFERENCES` (Django's AddField of a
/// ForeignKey) split as PostgreSQL runs it: the column, then its foreign key as an ADD
/// CONSTRAINT. `ADD COLUMN IF NOT EXISTS` keeps its REFERENCES, which ADD COLUMN refuses.
pub(super) fn column_references_apart(ops: Vec<AlterTableOperation>) -> Vec<AlterTableOperation> {
    let mut out = Vec::with_capacity(ops.len());
    for op in ops {
        let AlterTableOperation::AddColumn {
            column_keyword,
            if_not_exists: false,
            mut column_def,
            column_position,
        } = op
        else {
            out.push(op);
            continue;
        };
        let mut fks = Vec::new();
        let column = column_def.name.clone();
        column_def.options.retain(|def| match &def.option {
            ColumnOption::ForeignKey(fk) => {
                let mut fk = fk.clone();
                fk.name = def.name.clone().or(fk.name);
                fk.columns = vec![column.clone()];
                fks.push(fk);
                false
            }
            _ => true,
        });
        out.push(AlterTableOperation::AddColumn {
            column_keyword,
            if_not_exists: false,
            column_def,
            column_position,
        });
        out.extend(
            fks.into_iter()
                .map(|fk| AlterTableOperation::AddConstraint {
                    constraint: TableConstraint::ForeignKey(fk),
                    not_valid: false,
                }),
        );
    }
    out
}

impl Translator<'_> {
    /// What renaming column `old` of `table` (`table` already renamed) to `new` changes in the
    /// constraint records: the table's own constraints (`constraints`, updated in place: their
    /// columns, a check's expression, an exclusion's definition and triggers) and the foreign
    /// keys of any table that reference the column. SQLite renames it in its own CHECKs and
    /// REFERENCES clauses.
    pub(super) fn rename_in_constraints(
        &self,
        table: &crate::catalog::Table,
        constraints: &mut [Constraint],
        old: &str,
        new: &str,
    ) -> Result<Vec<Statement>, PgError> {
        let rename = |names: &mut Vec<String>| {
            let mut changed = false;
            for n in names.iter_mut().filter(|n| *n == old) {
                *n = new.to_owned();
                changed = true;
            }
            changed
        };
        let mut out = Vec::new();
        for c in constraints.iter_mut() {
            let before = c.clone();
            match c.kind {
                ConstraintKind::Exclusion if c.columns.iter().any(|n| n == old) => {
                    *c = super::exclusion::renamed(c, old, new)?;
                    out.extend(super::exclusion::drop_exclusion_triggers(c)?);
                    out.extend(super::exclusion::exclusion_triggers(table, c)?);
                }
                ConstraintKind::Check if c.columns.iter().any(|n| n == old) => {
                    rename(&mut c.columns);
                    let text = c.check.as_deref().unwrap_or("true");
                    let mut expr = Parser::new(&PostgreSqlDialect {})
                        .try_with_sql(text)
                        .and_then(|mut p| p.parse_expr())
                        .map_err(|e| {
                            PgError::internal(format!("bad check constraint {}: {e}", c.name))
                        })?;
                    rename_identifier(&mut expr, old, new);
                    c.check = Some(make::sql_text(&expr));
                }
                _ => {
                    rename(&mut c.columns);
                    if c.ref_table.as_deref() == Some(table.name.as_str()) {
                        rename(&mut c.ref_columns);
                    }
                }
            }
            if *c != before {
                out.push(record_update(c));
            }
        }
        for fk in self.catalog.references_to(&table.name) {
            if fk.table == table.name || !fk.ref_columns.iter().any(|n| n == old) {
                continue;
            }
            let mut fk = fk.clone();
            rename(&mut fk.ref_columns);
            out.push(record_update(&fk));
        }
        Ok(out)
    }
}

/// Renames column `old` to `new` wherever the expression names it (also as `t.old`).
pub(super) fn rename_identifier(expr: &mut Expr, old: &str, new: &str) {
    let _ = sqlparser::ast::visit_expressions_mut(expr, |e| {
        let id = match e {
            Expr::Identifier(id) => Some(id),
            Expr::CompoundIdentifier(parts) => parts.last_mut(),
            _ => None,
        };
        if let Some(id) = id.filter(|id| fold(id) == old) {
            *id = make::ident(new);
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
}

/// `UPDATE __devdb_constraints SET columns, ref_columns, check_expr` of constraint `c`.
fn record_update(c: &Constraint) -> Statement {
    let (schema, table) = crate::catalog::split(&c.table);
    let ref_columns = match c.kind {
        ConstraintKind::ForeignKey => make::string(&crate::catalog::name_list(&c.ref_columns)),
        _ => make::null(),
    };
    make::update(
        crate::catalog::CONSTRAINTS,
        vec![
            (
                "columns",
                make::string(&crate::catalog::name_list(&c.columns)),
            ),
            ("ref_columns", ref_columns),
            (
                "check_expr",
                c.check
                    .as_deref()
                    .map(make::string)
                    .unwrap_or_else(make::null),
            ),
        ],
        super::ddl::where_eq(&[
            ("schema", make::string(schema)),
            ("table_name", make::string(table)),
            ("name", make::string(&c.name)),
        ]),
    )
}
