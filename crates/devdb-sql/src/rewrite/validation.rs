//! What ALTER TABLE checks on the rows a table already holds before it adds a CHECK or a
//! foreign key: a query that fails at the first offending row with PostgreSQL's error, naming
//! the constraint, the relation and (for a foreign key) the missing key. Without it the table
//! rebuild would fail with SQLite's anonymous constraint error. A constraint added NOT VALID
//! over rows that break it is 0A000: the rebuilt table could not hold them.

use devdb_pg::PgError;
use sqlparser::ast::{BinaryOperator, Expr, SetExpr, Statement, UnaryOperator};

use super::Translator;
use super::expr::comparable;
use crate::catalog::{self, Constraint, Table};
use crate::make;
use crate::types::Ty;

/// The name rows of the altered table go by, so a self-referencing key can tell them apart.
const ROW: &str = "__devdb_row";

/// `SELECT 1 FROM table WHERE pg_check_violation(NOT (holds), ...)`: 23514 at the first row
/// the new CHECK rejects.
pub fn check_rows(table: &str, check: &Constraint, holds: Expr) -> Statement {
    let (schema, name) = catalog::split(table);
    let violated = Expr::UnaryOp {
        op: UnaryOperator::Not,
        expr: Box::new(make::nested(holds)),
    };
    let args = vec![
        violated,
        make::string(&check.name),
        make::string(schema),
        make::string(name),
    ];
    rows_where(
        make::table(table, None),
        violation_call("pg_check_violation", check, args),
    )
}

/// The call that fails at a row breaking `constraint`: `function`'s error, or 0A000 for a
/// constraint added NOT VALID, which PostgreSQL would keep over such rows and SQLite cannot
/// (its rebuilt table enforces every constraint on the rows copied in).
fn violation_call(function: &str, constraint: &Constraint, mut args: Vec<Expr>) -> Expr {
    if constraint.validated {
        return make::call(function, args);
    }
    args.truncate(4);
    make::call("pg_not_valid_violation", args)
}

impl Translator<'_> {
    /// `SELECT 1 FROM table WHERE pg_foreign_key_violation(<key set and missing>, ...)`: 23503
    /// at the first row whose key the referenced table does not hold (MATCH SIMPLE: a key with
    /// a NULL is not checked).
    pub(super) fn foreign_key_rows(
        &mut self,
        table: &Table,
        fk: &Constraint,
    ) -> Result<Statement, PgError> {
        let parent = fk
            .ref_table
            .as_deref()
            .ok_or_else(|| PgError::internal("a foreign key without its table"))?;
        let type_of = |t: Option<&Table>, column: &str| {
            t.and_then(|t| t.column(column))
                .map_or(Ty::of(devdb_pg::PgType::Text), |c| c.ty())
        };
        let parent_table = self.catalog.table(parent).cloned();
        let mut key_set = Vec::new();
        let mut matches = Vec::new();
        let mut texts = vec![make::string(", ")];
        for (column, referenced) in fk.columns.iter().zip(&fk.ref_columns) {
            let ty = type_of(Some(table), column);
            let own = make::qualified_column(ROW, column);
            key_set.push(Expr::IsNotNull(Box::new(own.clone())));
            let theirs = make::qualified_column(parent, referenced);
            matches.push(make::binary(
                comparable(theirs, type_of(parent_table.as_ref(), referenced)),
                BinaryOperator::Eq,
                comparable(own.clone(), ty),
            ));
            texts.push(self.output_any(super::bpchar::read(own, ty), ty)?);
        }
        let found = make::select(
            vec![make::select_item(make::int(1), None)],
            vec![make::table(parent, None)],
            matches.into_iter().reduce(make::and),
        );
        let missing = Expr::Exists {
            subquery: Box::new(make::query(SetExpr::Select(Box::new(found)))),
            negated: true,
        };
        let violated = key_set
            .into_iter()
            .chain([missing])
            .reduce(make::and)
            .ok_or_else(|| PgError::internal("a foreign key without columns"))?;
        let (schema, name) = catalog::split(&table.name);
        let args = vec![
            violated,
            make::string(&fk.name),
            make::string(schema),
            make::string(name),
            make::string(&fk.columns.join(", ")),
            make::call("concat_ws", texts),
            make::string(catalog::split(parent).1),
        ];
        let test = violation_call("pg_foreign_key_violation", fk, args);
        Ok(rows_where(
            make::table(&table.name, Some(make::alias(ROW, &[]))),
            test,
        ))
    }
}

/// `SELECT 1 FROM from WHERE test`, which returns no row unless `test` fails.
fn rows_where(from: sqlparser::ast::TableFactor, test: Expr) -> Statement {
    let select = make::select(
        vec![make::select_item(make::int(1), None)],
        vec![from],
        Some(test),
    );
    Statement::Query(Box::new(make::query(SetExpr::Select(Box::new(select)))))
}
