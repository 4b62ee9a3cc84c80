//! Name resolution: which FROM item a column reference means, at which query level.

use devdb_pg::{PgError, SqlState};

use sqlparser::ast::Expr;

use super::Translator;
use crate::make;
use crate::types::Ty;

/// A FROM item as the query sees it: its name (alias or table name) and its columns.
#[derive(Clone, Debug)]
pub struct Rel {
    pub name: String,
    pub columns: Vec<(String, Ty)>,
    /// The catalog table it reads, whose primary key makes grouped columns dependent.
    pub table: Option<String>,
    /// The view or materialized view it reads, by key.
    pub view: Option<String>,
}

/// The system column holding the OID of the relation a row comes from.
pub const TABLEOID: &str = "tableoid";
/// The system column an upsert's RETURNING reads to tell an inserted row (0) from an updated
/// one, `(xmax = 0) AS inserted`.
pub const XMAX: &str = "xmax";

/// The FROM items of one query level, and what its grouping check has seen.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    pub rels: Vec<Rel>,
    pub grouping: Grouping,
    /// FROM items the select list adds: `unnest(a)` there becomes a join with its elements.
    pub set_returning: Vec<sqlparser::ast::TableFactor>,
    /// Column references of this level are printed qualified, so the columns of such a join
    /// (json_each's `id`, `key`, `value`, ...) cannot make them ambiguous.
    pub qualify: bool,
    /// Columns SQLite reads through an expression rather than a column of the same name
    /// (LATERAL subqueries, set-returning functions): (relation, column, expression).
    pub substitutes: Vec<(String, String, Expr)>,
    /// Columns a JOIN ... USING (or NATURAL JOIN) merged into the same column on its left:
    /// (relation, column). Only a qualified reference reads them, and `*` lists them once.
    pub merged: Vec<(String, String)>,
    /// True when `*` would list the merged columns elsewhere than PostgreSQL (first).
    pub merged_out_of_order: bool,
    /// What an unqualified merged column reads when it is not its left column's value: the
    /// right's after a RIGHT JOIN, the non-null one of both after a FULL JOIN.
    pub merged_values: Vec<MergedValue>,
    /// FROM items whose row is one value of a base type (a function with one OUT column):
    /// (relation, column). PostgreSQL reads the item's bare name as that value.
    pub scalar_rows: Vec<(String, String)>,
}

/// The value of a JOIN ... USING column named `column` of `rel` (its left side) when read
/// unqualified, in PostgreSQL's terms (for later joins' conditions) and in SQLite's.
#[derive(Clone, Debug)]
pub struct MergedValue {
    pub rel: String,
    pub column: String,
    pub pg: Expr,
    pub sqlite: Expr,
    pub ty: Ty,
}

/// PostgreSQL rejects (42803) a column that is neither grouped nor inside an aggregate where
/// SQLite would pick a value from some row; this records what the check needs.
#[derive(Clone, Debug, Default)]
pub struct Grouping {
    /// True while translating the select list, HAVING and ORDER BY.
    pub collecting: bool,
    /// Depth of aggregate calls being translated.
    pub in_aggregate: u32,
    pub saw_aggregate: bool,
    /// The next aggregate call's arguments belong to a window aggregate (`sum(x) OVER ...`).
    pub window_arguments: bool,
    /// Column references (relation, column) outside aggregates.
    pub bare: Vec<(String, String)>,
    /// For each output column, the range of `bare` its expression recorded.
    pub item_ranges: Vec<std::ops::Range<usize>>,
    /// The translated GROUP BY expressions, as printed.
    pub keys: Vec<String>,
}

impl Rel {
    /// True when `qualifier` names this relation: its name, or for a table or view of another
    /// schema read without an alias (named by its key, `app.users`) also its plain name.
    fn answers_to(&self, qualifier: &str) -> bool {
        let read = self.table.as_deref().or(self.view.as_deref());
        self.name == qualifier
            || (read == Some(self.name.as_str())
                && crate::catalog::split(&self.name)
                    != (crate::catalog::DEFAULT_SCHEMA, &self.name)
                && crate::catalog::split(&self.name).1 == qualifier)
    }
}

impl Scope {
    pub fn of(rels: Vec<Rel>) -> Scope {
        Scope {
            rels,
            ..Scope::default()
        }
    }

    /// The type of the system column `name` of relation `rel`, when the relation has it: a
    /// catalog's tableoid, which its FROM item left in `substitutes`, or an INSERT's xmax.
    fn system_column(&self, rel: &str, name: &str) -> Option<Ty> {
        let ty = match name {
            TABLEOID => devdb_pg::PgType::Oid,
            XMAX => devdb_pg::PgType::Xid,
            _ => return None,
        };
        self.substitutes
            .iter()
            .any(|(r, c, _)| r == rel && c == name)
            .then_some(Ty::of(ty))
    }
}

impl Translator<'_> {
    /// A bare name: a column, or the value of a FROM item in `scalar_rows` named so.
    pub fn name_expr(&mut self, name: &str) -> Result<(Expr, Ty), PgError> {
        let column = self.column_expr(None, name);
        if column.is_ok() {
            return column;
        }
        let item = self.scopes.iter().rev().find_map(|s| {
            s.scalar_rows
                .iter()
                .find(|(rel, _)| rel == name)
                .map(|(rel, c)| (rel.clone(), c.clone()))
        });
        match item {
            Some((rel, c)) => self.column_expr(Some(&rel), &c),
            None => column,
        }
    }

    /// The type of `qualifier.name` or `name`, searching the innermost query level first.
    pub fn resolve_column(&self, qualifier: Option<&str>, name: &str) -> Result<Ty, PgError> {
        self.resolve(qualifier, name).map(|(_, _, ty)| ty)
    }

    /// A column reference in SQLite's terms, with its type: `qualifier.name` (or `name` when
    /// unqualified), or the expression a LATERAL item or a function in FROM stands for.
    pub fn column_expr(
        &mut self,
        qualifier: Option<&str>,
        name: &str,
    ) -> Result<(Expr, Ty), PgError> {
        let (level, rel, ty) = self.resolve(qualifier, name)?;
        // Noted for the grouping check of the query level it belongs to.
        if let Some(scope) = self.scopes.get_mut(level) {
            let g = &mut scope.grouping;
            if g.collecting && g.in_aggregate == 0 {
                g.bare.push((rel.clone(), name.to_owned()));
            }
        }
        if qualifier.is_none()
            && let Some(m) = self.merged_value(level, &rel, name)
        {
            return Ok((m.sqlite.clone(), m.ty));
        }
        let e = self.substitute(level, &rel, name).unwrap_or_else(|| {
            // Qualified by the relation's own name: SQLite knows a table of another schema read
            // as `app.users` by its key. Unqualified references are qualified where a level's
            // set-returning joins could make them ambiguous.
            // A merged USING column is qualified too: SQLite joined it ON, so it has two.
            let qualify = qualifier.is_some()
                || (!rel.is_empty()
                    && self
                        .scopes
                        .get(level)
                        .is_some_and(|s| s.qualify || s.merged.iter().any(|(_, c)| c == name)));
            match qualify {
                true => make::qualified_column(&rel, name),
                false => make::column(name),
            }
        });
        // Only a table holds stored values; what a subquery or view gives is already read.
        let stored = self
            .scopes
            .get(level)
            .is_some_and(|s| s.rels.iter().any(|r| r.name == rel && r.table.is_some()));
        Ok((
            if stored {
                super::bpchar::read(e, ty)
            } else {
                e
            },
            ty,
        ))
    }

    /// The expression standing for `rel.name` at one query level, if any.
    pub fn substitute(&self, level: usize, rel: &str, name: &str) -> Option<Expr> {
        self.scopes.get(level).and_then(|s| {
            s.substitutes
                .iter()
                .find(|(r, c, _)| r == rel && c == name)
                .map(|(_, _, e)| e.clone())
        })
    }

    /// The unqualified value of a merged USING column whose left side is `rel.name`, if it
    /// is not that column's own value.
    pub fn merged_value(&self, level: usize, rel: &str, name: &str) -> Option<&MergedValue> {
        self.scopes.get(level).and_then(|s| {
            s.merged_values
                .iter()
                .find(|m| m.rel == rel && m.column == name)
        })
    }

    /// (scope index, relation name, type) of a column reference.
    fn resolve(&self, qualifier: Option<&str>, name: &str) -> Result<(usize, String, Ty), PgError> {
        for (level, scope) in self.scopes.iter().enumerate().rev() {
            match qualifier {
                Some(q) => {
                    if let Some(rel) = scope.rels.iter().rev().find(|r| r.answers_to(q)) {
                        return rel
                            .columns
                            .iter()
                            .find(|(c, _)| c == name)
                            .map(|(_, ty)| *ty)
                            .or_else(|| scope.system_column(&rel.name, name))
                            .map(|ty| (level, rel.name.clone(), ty))
                            .ok_or_else(|| PgError::undefined_column(&format!("{q}.{name}")));
                    }
                }
                None => {
                    let mut found = scope.rels.iter().flat_map(|r| {
                        r.columns
                            .iter()
                            .filter(|(c, _)| {
                                c == name
                                    && !scope.merged.iter().any(|(mr, mc)| *mr == r.name && mc == c)
                            })
                            .map(|(_, ty)| *ty)
                            .chain(scope.system_column(&r.name, name))
                            .map(move |ty| (r, ty))
                    });
                    if let Some((rel, ty)) = found.next() {
                        if found.next().is_some() {
                            return Err(PgError::new(
                                SqlState::AMBIGUOUS_COLUMN,
                                format!("column reference \"{name}\" is ambiguous"),
                            ));
                        }
                        return Ok((level, rel.name.clone(), ty));
                    }
                }
            }
        }
        match qualifier {
            Some(q) => Err(PgError::new(
                SqlState::UNDEFINED_TABLE,
                format!("missing FROM-clause entry for table \"{q}\""),
            )),
            None => Err(PgError::undefined_column(name)),
        }
    }

    pub fn grouping(&mut self) -> Option<&mut Grouping> {
        self.scopes.last_mut().map(|s| &mut s.grouping)
    }

    /// The relation `name` in the innermost scope that has it (for `t.*`).
    pub fn find_rel(&self, name: &str) -> Option<&Rel> {
        self.scopes
            .iter()
            .rev()
            .find_map(|s| s.rels.iter().rev().find(|r| r.answers_to(name)))
    }

    /// A CTE visible from here.
    pub fn find_cte(&self, name: &str) -> Option<&Rel> {
        self.ctes
            .iter()
            .rev()
            .find_map(|level| level.iter().rev().find(|r| r.name == name))
    }

    pub fn current_scope(&mut self) -> &mut Scope {
        if self.scopes.is_empty() {
            self.scopes.push(Scope::default());
        }
        let last = self.scopes.len() - 1;
        &mut self.scopes[last]
    }
}
