//! EXCLUDE constraints (`EXCLUDE USING gist (room WITH =, during WITH &&)`): no two rows may
//! have every element's operator true between them. The constraint's index is one CREATE INDEX
//! would make (so pg_indexes and psql's `\d` list it); SQLite triggers before each INSERT and
//! each UPDATE of its columns look for a row the new one conflicts with and fail through
//! `pg_exclusion_violation` with PostgreSQL's 23P01 and its DETAIL.

use devdb_pg::{PgError, SqlState};
use sqlparser::ast::{ExcludeConstraint, ExcludeConstraintOperator, Expr, IndexType, Statement};
use sqlparser::dialect::SQLiteDialect;
use sqlparser::parser::Parser;

use super::constraints::choose_name;
use super::expr::comparable;
use super::{Translator, fold};
use crate::catalog::{self, Column, Constraint, ConstraintKind, Table};
use crate::make;
use crate::system::functions::quote_ident;
use crate::types::Ty;

/// What an element's operator asks of two rows' values.
#[derive(Clone, Copy, PartialEq)]
enum Op {
    Equal,
    Overlaps,
}

impl Op {
    fn symbol(self) -> &'static str {
        match self {
            Op::Equal => "=",
            Op::Overlaps => "&&",
        }
    }
}

impl Translator<'_> {
    /// The constraint `ex` on `table` (named as given, or as PostgreSQL names it among
    /// `taken`), and the statements that make its index and its triggers.
    pub(super) fn exclusion_constraint(
        &mut self,
        table: &Table,
        ex: &ExcludeConstraint,
        taken: &[String],
    ) -> Result<(Constraint, Vec<Statement>), PgError> {
        if !ex.include.is_empty() || ex.where_clause.is_some() || ex.characteristics.is_some() {
            return Err(PgError::feature_not_supported(
                "EXCLUDE constraints with INCLUDE, WHERE or DEFERRABLE",
            ));
        }
        let method = ex
            .index_method
            .as_ref()
            .map(fold)
            .unwrap_or_else(|| "btree".to_owned());
        let mut elements = Vec::new();
        for element in &ex.elements {
            let Expr::Identifier(id) = &element.column.column.expr else {
                return Err(PgError::feature_not_supported(
                    "EXCLUDE constraints over expressions",
                ));
            };
            let name = fold(id);
            let column = table.column(&name).ok_or_else(|| {
                PgError::new(
                    SqlState::UNDEFINED_COLUMN,
                    format!("column \"{name}\" named in key does not exist"),
                )
            })?;
            let op = match &element.operator {
                ExcludeConstraintOperator::Token(t) if t == "=" => Op::Equal,
                ExcludeConstraintOperator::Token(t) if t == "&&" => Op::Overlaps,
                other => {
                    return Err(PgError::feature_not_supported(format!(
                        "EXCLUDE with operator {other}"
                    )));
                }
            };
            if op == Op::Overlaps && column.ty.range_element().is_none() {
                let ty = Ty::of(column.ty);
                return Err(super::expr::operator_error(ty, "&&", ty));
            }
            elements.push((name, op));
        }
        let columns: Vec<String> = elements.iter().map(|(c, _)| c.clone()).collect();
        let name = ex
            .name
            .as_ref()
            .map(fold)
            .unwrap_or_else(|| choose_name(&table.name, &columns, "excl", taken));
        let constraint = Constraint {
            check: Some(definition(&method, &elements)),
            ..Constraint::new(
                &table.name,
                name.clone(),
                ConstraintKind::Exclusion,
                &columns,
            )
        };
        let Statement::CreateIndex(mut index) =
            make::create_index(&name, &table.name, &columns, false, false)
        else {
            return Err(PgError::internal("CREATE INDEX expected"));
        };
        index.using = Some(IndexType::Custom(make::ident(&method)));
        index.columns = ex.elements.iter().map(|e| e.column.clone()).collect();
        let mut out = self.index_statements(table, index)?.unwrap_or_default();
        out.extend(exclusion_triggers(table, &constraint)?);
        Ok((constraint, out))
    }
}

/// The definition pg_get_constraintdef prints: `EXCLUDE USING gist (room WITH =, ...)`.
fn definition(method: &str, elements: &[(String, Op)]) -> String {
    let shown: Vec<String> = elements
        .iter()
        .map(|(c, op)| format!("{} WITH {}", quote_ident(c), op.symbol()))
        .collect();
    format!("EXCLUDE USING {method} ({})", shown.join(", "))
}

/// The index method and the elements of a recorded exclusion constraint: each column and its
/// operator.
fn recorded(c: &Constraint) -> Result<(String, Vec<(String, Op)>), PgError> {
    let def = c.check.as_deref().unwrap_or_default();
    let parsed = Parser::new(&sqlparser::dialect::PostgreSqlDialect {})
        .try_with_sql(def)
        .and_then(|mut p| p.parse_optional_table_constraint())
        .map_err(|e| PgError::internal(format!("bad exclusion constraint {}: {e}", c.name)))?;
    let Some(sqlparser::ast::TableConstraint::Exclude(ex)) = parsed else {
        return Err(PgError::internal(format!(
            "bad exclusion constraint {}",
            c.name
        )));
    };
    let method = ex.index_method.as_ref().map(fold).unwrap_or_default();
    let elements = ex
        .elements
        .iter()
        .zip(&c.columns)
        .map(|(e, column)| {
            let op = match &e.operator {
                ExcludeConstraintOperator::Token(t) if t == "&&" => Op::Overlaps,
                _ => Op::Equal,
            };
            (column.clone(), op)
        })
        .collect();
    Ok((method, elements))
}

fn elements(c: &Constraint) -> Result<Vec<(String, Op)>, PgError> {
    Ok(recorded(c)?.1)
}

/// Exclusion constraint `c` with its column `old` named `new` (columns and definition).
pub(super) fn renamed(c: &Constraint, old: &str, new: &str) -> Result<Constraint, PgError> {
    let (method, mut elements) = recorded(c)?;
    for (column, _) in &mut elements {
        if column == old {
            *column = new.to_owned();
        }
    }
    Ok(Constraint {
        columns: elements.iter().map(|(c, _)| c.clone()).collect(),
        check: Some(definition(&method, &elements)),
        ..c.clone()
    })
}

/// The names of the triggers that enforce `c`: by its index's name, which no rename of the
/// table changes and no other relation of the schema has.
fn trigger_names(c: &Constraint) -> [String; 2] {
    let base = format!("__devdb_excl_{}", catalog::key(&c.schema, &c.name));
    [format!("{base}_insert"), format!("{base}_update")]
}

/// The SQLite triggers that enforce exclusion constraint `c` on `table`.
pub(super) fn exclusion_triggers(table: &Table, c: &Constraint) -> Result<Vec<Statement>, PgError> {
    let elements = elements(c)?;
    let [insert, update] = trigger_names(c);
    let of: Vec<String> = elements
        .iter()
        .map(|(col, _)| make::ident(col).to_string())
        .collect();
    let on = make::name(&table.name).to_string();
    let call = violation_call(table, c, &elements, "NEW", "o", true)?;
    let conflict = conflict_condition(table, &elements, "o", "NEW")?;
    let sql = [
        format!(
            "CREATE TRIGGER {} BEFORE INSERT ON {on} BEGIN SELECT {call} FROM {on} AS o WHERE {conflict} LIMIT 1; END",
            make::ident(&insert)
        ),
        format!(
            "CREATE TRIGGER {} BEFORE UPDATE OF {} ON {on} BEGIN SELECT {call} FROM {on} AS o WHERE o.rowid <> OLD.rowid AND {conflict} LIMIT 1; END",
            make::ident(&update),
            of.join(", ")
        ),
    ];
    sql.iter()
        .map(|s| {
            Parser::parse_sql(&SQLiteDialect {}, s)
                .ok()
                .and_then(|mut v| v.pop())
                .ok_or_else(|| PgError::internal(format!("bad exclusion trigger for {}", c.name)))
        })
        .collect()
}

/// `SELECT 1 FROM t AS n JOIN t AS o ...`: 23P01 at the first pair of rows already in `table`
/// that breaks `c`, as ALTER TABLE ADD CONSTRAINT checks them.
pub(super) fn exclusion_rows(table: &Table, c: &Constraint) -> Result<Statement, PgError> {
    let elements = elements(c)?;
    let call = violation_call(table, c, &elements, "n", "o", false)?;
    let conflict = conflict_condition(table, &elements, "o", "n")?;
    let on = make::name(&table.name).to_string();
    let sql = format!(
        "SELECT {call} FROM {on} AS n JOIN {on} AS o ON o.rowid < n.rowid AND {conflict} LIMIT 1"
    );
    Parser::parse_sql(&SQLiteDialect {}, &sql)
        .ok()
        .and_then(|mut v| v.pop())
        .ok_or_else(|| PgError::internal(format!("bad exclusion check for {}", c.name)))
}

/// The statements that drop the triggers of exclusion constraint `c`.
pub(super) fn drop_exclusion_triggers(c: &Constraint) -> Result<Vec<Statement>, PgError> {
    trigger_names(c)
        .iter()
        .map(|t| {
            let sql = format!("DROP TRIGGER IF EXISTS {}", make::ident(t));
            Parser::parse_sql(&SQLiteDialect {}, &sql)
                .ok()
                .and_then(|mut v| v.pop())
                .ok_or_else(|| PgError::internal(format!("bad trigger name {t}")))
        })
        .collect()
}

fn column_of<'a>(table: &'a Table, name: &str) -> Result<&'a Column, PgError> {
    table
        .column(name)
        .ok_or_else(|| PgError::undefined_column(name))
}

/// Whether the row `old` conflicts with the row `new` on every element.
fn conflict_condition(
    table: &Table,
    elements: &[(String, Op)],
    old: &str,
    new: &str,
) -> Result<String, PgError> {
    let mut tests = Vec::new();
    for (name, op) in elements {
        let ty = Ty::of(column_of(table, name)?.ty);
        let side = |row: &str| make::qualified_column(row, name);
        let test = match op {
            Op::Equal => make::eq(comparable(side(old), ty), comparable(side(new), ty)),
            Op::Overlaps => make::call(
                "pg_range_op",
                vec![
                    make::string("overlaps"),
                    make::int(ty.ty.oid().0.into()),
                    side(old),
                    side(new),
                ],
            ),
        };
        tests.push(test.to_string());
    }
    Ok(tests.join(" AND "))
}

/// `pg_exclusion_violation(name, existing, columns, types, new values..., old values...)`.
fn violation_call(
    table: &Table,
    c: &Constraint,
    elements: &[(String, Op)],
    new: &str,
    old: &str,
    existing: bool,
) -> Result<String, PgError> {
    let columns: Vec<String> = elements.iter().map(|(n, _)| n.clone()).collect();
    let types = elements
        .iter()
        .map(|(n, _)| Ok(column_of(table, n)?.ty.oid().0.to_string()))
        .collect::<Result<Vec<_>, PgError>>()?;
    let mut args = vec![
        make::string(&c.name),
        make::int(existing as i64),
        make::string(&catalog::name_list(&columns)),
        make::string(&format!("[{}]", types.join(","))),
    ];
    for row in [new, old] {
        args.extend(columns.iter().map(|n| make::qualified_column(row, n)));
    }
    Ok(make::call("pg_exclusion_violation", args).to_string())
}
