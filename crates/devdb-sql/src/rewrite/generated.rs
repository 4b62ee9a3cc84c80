//! Stored generated columns (`GENERATED ALWAYS AS (expr) STORED`).
//!
//! The SQLite column is a STORED generated column computing the expression's translation
//! (with the assignment to the column's type), so every INSERT, UPDATE, upsert and table copy
//! computes it and RETURNING, indexes and constraints see the value. SQLite refuses
//! non-deterministic functions there, which `exec::sqlite_error` reports as PostgreSQL's 42P17
//! for a volatile function. The PostgreSQL text is kept in `__devdb_generated_columns`, which
//! the catalogs read (attgenerated 's', pg_attrdef, information_schema).

use devdb_pg::{PgError, SqlState};
use sqlparser::ast::{
    ColumnOption, ColumnOptionDef, Expr, GeneratedAs, GeneratedExpressionMode, Statement,
};

use super::Translator;
use super::dml::parse_default;
use crate::catalog::{self, Column, Table};
use crate::make;

/// The `__devdb_generated_columns` row of a generated column of `table` (a key).
pub fn generated_row(table: &str, column: &str, expr: &str) -> Statement {
    let (schema, table) = catalog::split(table);
    make::insert_rows(
        catalog::GENERATED_COLUMNS,
        &["schema", "table_name", "name", "expr"],
        vec![vec![
            make::string(schema),
            make::string(table),
            make::string(column),
            make::string(expr),
        ]],
    )
}

/// The expression of PostgreSQL's `GENERATED ALWAYS AS (expr) STORED`, None for any other option.
pub fn stored_generation(option: &ColumnOption) -> Option<&Expr> {
    match option {
        ColumnOption::Generated {
            generated_as: GeneratedAs::ExpStored,
            sequence_options: None,
            generation_expr: Some(e),
            generation_expr_mode: Some(GeneratedExpressionMode::Stored),
            generated_keyword: true,
        } => Some(e),
        _ => None,
    }
}

/// 42601 for a column that declares a generation expression with a default or an identity.
pub fn generated_and(what: &str, column: &str, table: &str) -> PgError {
    PgError::syntax_error(
        format!(
            "both {what} and generation expression specified for column \"{column}\" of table \"{}\"",
            catalog::split(table).1
        ),
        None,
    )
}

/// The generated columns of `table` whose expression reads `column`, in table order.
pub fn generated_readers<'t>(table: &'t Table, column: &str) -> Vec<&'t Column> {
    table
        .columns
        .iter()
        .filter(|c| {
            c.generated.as_deref().is_some_and(|text| {
                parse_default(text, &c.name).is_ok_and(|e| {
                    let mut reads = false;
                    let _ = sqlparser::ast::visit_expressions(&e, |e| {
                        let name = match e {
                            Expr::Identifier(id) => Some(id),
                            Expr::CompoundIdentifier(parts) => parts.last(),
                            _ => None,
                        };
                        reads |= name.is_some_and(|id| super::fold(id) == column);
                        std::ops::ControlFlow::<()>::Continue(())
                    });
                    reads
                })
            })
        })
        .collect()
}

/// The generated columns of `table` that read `old`, each with its expression reading `new`
/// instead (SQLite renames it in its own column).
pub fn renamed_readers(table: &Table, old: &str, new: &str) -> Vec<(String, String)> {
    generated_readers(table, old)
        .into_iter()
        .filter_map(|c| {
            let mut e = parse_default(c.generated.as_deref()?, &c.name).ok()?;
            super::constraints::rename_identifier(&mut e, old, new);
            Some((c.name.clone(), make::sql_text(&e)))
        })
        .collect()
}

/// Functions PostgreSQL marks STABLE in every form (they read the session's locale or
/// settings), which devdb's runtime computes deterministically, so SQLite would take them.
const STABLE_FUNCTIONS: &[&str] = &[
    "concat",
    "concat_ws",
    "format",
    "to_char",
    "to_date",
    "to_number",
];

/// True when the expression calls one of [`STABLE_FUNCTIONS`].
fn calls_stable_function(e: &Expr) -> bool {
    let mut found = false;
    let _ = sqlparser::ast::visit_expressions(e, |e| {
        if let Expr::Function(f) = e
            && let Some(name) = f.name.0.last().and_then(|part| part.as_ident())
        {
            found |= STABLE_FUNCTIONS.contains(&super::fold(name).as_str());
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    found
}

/// 428C9 when a statement writes an explicit value into a generated column.
pub fn check_generated_write(col: &Column, update: bool) -> Result<(), PgError> {
    if col.generated.is_none() {
        return Ok(());
    }
    let message = match update {
        true => format!("column \"{}\" can only be updated to DEFAULT", col.name),
        false => format!(
            "cannot insert a non-DEFAULT value into column \"{}\"",
            col.name
        ),
    };
    Err(PgError::new(SqlState::GENERATED_ALWAYS, message)
        .with_detail(format!("Column \"{}\" is a generated column.", col.name)))
}

impl Translator<'_> {
    /// The SQLite option of a generated column of `table`: its expression translated over the
    /// table's columns and assigned to the column's type. A generated column it reads is 42P17,
    /// as in PostgreSQL.
    pub(super) fn sqlite_generated(
        &mut self,
        table: &str,
        columns: &[Column],
        col: &Column,
    ) -> Result<Option<ColumnOptionDef>, PgError> {
        let Some(text) = &col.generated else {
            return Ok(None);
        };
        let parsed = parse_default(text, &col.name)?;
        if calls_stable_function(&parsed) {
            return Err(PgError::new(
                SqlState::INVALID_OBJECT_DEFINITION,
                "generation expression is not immutable",
            ));
        }
        // The value is not assigned by a statement: no NOT NULL rewrite names a target.
        let target = self.target.take();
        let translated = self.in_table_scope(table, columns, |t| {
            let (e, from) = t.expr(parsed)?;
            t.assign(e, from, col)
        });
        self.target = target;
        let (expr, mentioned) = translated?;
        if let Some(other) = mentioned.iter().find(|m| {
            columns
                .iter()
                .any(|c| c.name == **m && c.generated.is_some())
        }) {
            return Err(PgError::new(
                SqlState::INVALID_OBJECT_DEFINITION,
                format!("cannot use generated column \"{other}\" in column generation expression"),
            )
            .with_detail("A generated column cannot reference another generated column."));
        }
        Ok(Some(ColumnOptionDef {
            name: None,
            option: ColumnOption::Generated {
                generated_as: GeneratedAs::ExpStored,
                sequence_options: None,
                generation_expr: Some(expr),
                generation_expr_mode: Some(GeneratedExpressionMode::Stored),
                generated_keyword: true,
            },
        }))
    }

    /// The columns DROP COLUMN drops: with CASCADE each one's generated readers first (with
    /// PostgreSQL's notice), without it 2BP01 when a generated column reads one.
    pub(super) fn with_generated_readers(
        &mut self,
        table: &Table,
        names: Vec<String>,
        cascade: bool,
    ) -> Result<Vec<String>, PgError> {
        let plain = catalog::split(&table.name).1;
        let mut out: Vec<String> = Vec::new();
        for name in names {
            let readers: Vec<String> = generated_readers(table, &name)
                .into_iter()
                .filter(|c| c.name != name && !out.contains(&c.name))
                .map(|c| c.name.clone())
                .collect();
            if !cascade && let Some(first) = readers.first() {
                return Err(super::ddl::dependent_objects(
                    &format!("column {name} of table {plain}"),
                    format!(
                        "column {first} of table {plain} depends on column {name} of table {plain}"
                    ),
                ));
            }
            for reader in readers {
                self.notices.push(PgError::notice(format!(
                    "drop cascades to column {reader} of table {plain}"
                )));
                out.push(reader);
            }
            out.push(name);
        }
        Ok(out)
    }
}
