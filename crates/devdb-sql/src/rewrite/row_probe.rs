//! The row probe of INSERT, UPDATE and DELETE ([`crate::RowProbe`]): the statement's rows
//! recomputed without side effects, which the executor reads after a constraint violation to
//! name the failing row or key as PostgreSQL does (SQLite names only the constraint).

use std::ops::ControlFlow;

use devdb_pg::PgError;
use sqlparser::ast::{Expr, ObjectName, Query, SelectItem, SetExpr};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::{Rel, Scope, Translator};
use crate::catalog::{ConstraintKind, Table};
use crate::make;

/// The probe's name for the statement's rows, and for the rowid of the row each replaces.
const NEW: &str = "__devdb_new";
const ROWID: &str = "__devdb_rowid";

/// Functions whose call changes state, which a probe must not call again.
const SIDE_EFFECTS: &[&str] = &[
    "devdb_advisory",
    "devdb_advisory_unlock_all",
    "devdb_set_config",
    "devdb_notify",
    super::sleep::SLEEP,
    "devdb_nextval",
    "devdb_setval",
    "devdb_terminate_backend",
    "devdb_cancel_backend",
];

fn function_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Function(f) => f
            .name
            .0
            .last()
            .and_then(|p| p.as_ident())
            .map(|i| i.value.to_ascii_lowercase()),
        _ => None,
    }
}

fn has_side_effects<T: sqlparser::ast::Visit>(node: &T) -> bool {
    sqlparser::ast::visit_expressions(node, |e| match function_name(e) {
        Some(name) if SIDE_EFFECTS.contains(&name.as_str()) => ControlFlow::Break(()),
        _ => ControlFlow::Continue(()),
    })
    .is_break()
}

/// A value as the probe recomputes it, None when it cannot without a side effect.
/// `pg_not_null(v, ..)` is `v`: the probe shows the NULL rather than raise it. A sequence's
/// next value is its current one: the failing row is the last the statement computed, so its
/// value is the last the sequence gave.
fn probe_value(mut e: Expr) -> Option<Expr> {
    let _ = sqlparser::ast::visit_expressions_mut(&mut e, |e| {
        match function_name(e).as_deref() {
            Some("pg_not_null") => {
                if let Expr::Function(f) = e
                    && let sqlparser::ast::FunctionArguments::List(list) = &mut f.args
                    && let Some(sqlparser::ast::FunctionArg::Unnamed(
                        sqlparser::ast::FunctionArgExpr::Expr(value),
                    )) = list.args.first_mut()
                {
                    *e = std::mem::replace(value, make::null());
                }
            }
            Some("devdb_nextval") => {
                if let Expr::Function(f) = e {
                    f.name = ObjectName::from(vec![make::bare_ident("devdb_currval")]);
                }
            }
            _ => {}
        }
        ControlFlow::<()>::Continue(())
    });
    (!has_side_effects(&e)).then_some(e)
}

impl Translator<'_> {
    /// The probe of a statement whose rows `source` yields: the rowid of the row replaced
    /// (when `replaces`), then a value for each of `names` (columns of `table`; the others
    /// are NULL). With `checks`, each row also gives the outcome of the table's CHECKs.
    /// None when the source cannot run again without side effects (or a CHECK does not
    /// translate here: a probe only improves an error report, it never fails a statement).
    pub(super) fn row_probe(
        &mut self,
        table: &Table,
        mut source: Query,
        names: &[String],
        replaces: bool,
        checks: bool,
    ) -> Option<crate::RowProbe> {
        let skip = usize::from(replaces);
        let mut unknown = vec![false; names.len()];
        let mut value = |i: usize, e: &mut Expr| {
            let Some(slot) = i.checked_sub(skip).and_then(|i| unknown.get_mut(i)) else {
                return;
            };
            match probe_value(std::mem::replace(e, make::null())) {
                Some(v) => *e = v,
                None => *slot = true,
            }
        };
        match source.body.as_mut() {
            SetExpr::Values(values) => {
                for row in &mut values.rows {
                    for (i, e) in row.content.iter_mut().enumerate() {
                        value(i, e);
                    }
                }
            }
            SetExpr::Select(select) => {
                for (i, item) in select.projection.iter_mut().enumerate() {
                    if let SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } =
                        item
                    {
                        value(i, e);
                    }
                }
            }
            _ => {}
        }
        if has_side_effects(&source) {
            return None;
        }
        // Every column of the table, NULL where the statement gives none (the CHECKs read them).
        let mut items = Vec::with_capacity(table.columns.len() + 1);
        if replaces {
            items.push(make::select_item(make::column(ROWID), None));
        }
        let mut known = Vec::with_capacity(table.columns.len());
        for c in &table.columns {
            let place = names.iter().position(|n| *n == c.name);
            known.push(place.is_none_or(|p| !unknown[p]));
            let e = place.map_or_else(make::null, |_| make::column(&c.name));
            items.push(make::select_item(e, Some(&c.name)));
        }
        let mut columns: Vec<String> = Vec::with_capacity(names.len() + 1);
        if replaces {
            columns.push(ROWID.into());
        }
        columns.extend(names.iter().cloned());
        let whole = make::select(items, vec![make::table(NEW, None)], None);
        let whole = make::with_cte(
            make::query(SetExpr::Select(Box::new(whole))),
            NEW,
            &columns,
            source,
        );
        let mut items: Vec<SelectItem> = replaces
            .then(|| make::select_item(make::column(ROWID), None))
            .into_iter()
            .chain(
                table
                    .columns
                    .iter()
                    .map(|c| make::select_item(make::column(&c.name), None)),
            )
            .collect();
        let mut check_names = Vec::new();
        if checks {
            for (name, e) in self.new_row_checks(table).ok()? {
                check_names.push(name);
                items.push(make::select_item(e, None));
            }
        }
        let probe = make::select(
            items,
            vec![make::derived(whole, make::alias(NEW, &[]))],
            None,
        );
        let probe = make::query(SetExpr::Select(Box::new(probe)));
        Some(crate::RowProbe {
            table: table.name.clone(),
            sql: probe.to_string(),
            replaces,
            known,
            checks: check_names,
        })
    }

    /// Each CHECK constraint of `table` over the probe's rows, by name.
    fn new_row_checks(&mut self, table: &Table) -> Result<Vec<(String, Expr)>, PgError> {
        let checks: Vec<(String, String)> = self
            .catalog
            .constraints_of(&table.name)
            .filter(|c| c.kind == ConstraintKind::Check)
            .filter_map(|c| Some((c.name.clone(), c.check.clone()?)))
            .collect();
        let saved = std::mem::take(&mut self.scopes);
        self.scopes.push(Scope::of(vec![Rel {
            name: NEW.into(),
            columns: super::dml::rel_columns(table),
            table: None,
            view: None,
        }]));
        let result = checks
            .into_iter()
            .map(|(name, text)| {
                let parsed = Parser::new(&PostgreSqlDialect {})
                    .try_with_sql(&text)
                    .and_then(|mut p| p.parse_expr())
                    .map_err(|e| PgError::internal(format!("bad check constraint {name}: {e}")))?;
                Ok((name, self.condition(parsed)?))
            })
            .collect();
        self.scopes = saved;
        result
    }
}

/// The rows an UPDATE or DELETE touches, for [`Translator::row_probe`]: `SELECT rel.rowid,
/// values... FROM relation [, from...] WHERE selection`.
pub(super) fn replaced_rows(
    relation: sqlparser::ast::TableFactor,
    rel_name: &str,
    values: Vec<Expr>,
    from: Vec<sqlparser::ast::TableWithJoins>,
    selection: Option<Expr>,
) -> Query {
    let mut items = vec![make::select_item(
        make::qualified_column(rel_name, "rowid"),
        None,
    )];
    items.extend(values.into_iter().map(|e| make::select_item(e, None)));
    let mut select = make::select(items, vec![relation], selection);
    select.from.extend(from);
    make::query(SetExpr::Select(Box::new(select)))
}
