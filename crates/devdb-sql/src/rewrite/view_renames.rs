//! ALTER TABLE ... RENAME COLUMN for the views that read the column. PostgreSQL's views keep
//! reading a renamed column (they are bound to it, not to its name), and keep their own output
//! names; devdb keeps each view's definition as text and translates it again (RENAME TABLE,
//! REFRESH, `pg_get_viewdef`), so the text must name the column anew. SQLite renames the
//! column in its own views itself.
//!
//! A reference is renamed when it resolves to the table's column: qualified by the table's
//! name or alias, or unqualified in a SELECT whose FROM has the table and no other relation
//! that has (or may have) a column of that name, searching outwards from subqueries as SQL
//! does. A select-list item that was the bare column gets its old name as alias.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Query, Select, SelectItem, SetExpr, TableFactor, VisitMut, VisitorMut};

use super::{Translator, fold};
use crate::make;

/// A relation of a FROM clause, as its columns are named in expressions.
struct Source {
    /// The name that qualifies its columns: its alias, or its own unqualified name.
    name: String,
    /// Whether it is the table whose column is renamed.
    target: bool,
    /// Its columns, when known (tables and views of the catalog).
    columns: Option<Vec<String>>,
}

struct Renamer<'t, 'a> {
    translator: &'t Translator<'a>,
    table: &'t str,
    old: &'t str,
    new: &'t str,
    /// The FROM relations of each enclosing query, innermost last; None for a query whose
    /// names are resolved elsewhere (a set operation's, see `rename_in_set_operation`).
    scopes: Vec<Option<Vec<Source>>>,
}

impl Translator<'_> {
    /// `definition` (a view's query) with column `old` of table `table` named `new`; whether
    /// anything changed.
    pub(super) fn rename_view_column(
        &self,
        definition: &mut Query,
        table: &str,
        old: &str,
        new: &str,
    ) -> bool {
        let before = definition.to_string();
        let mut renamer = Renamer {
            translator: self,
            table,
            old,
            new,
            scopes: Vec::new(),
        };
        let _ = definition.visit(&mut renamer);
        definition.to_string() != before
    }
}

impl Renamer<'_, '_> {
    fn sources(&self, select: &Select) -> Vec<Source> {
        let factors = select
            .from
            .iter()
            .flat_map(|t| std::iter::once(&t.relation).chain(t.joins.iter().map(|j| &j.relation)));
        factors.map(|f| self.source(f)).collect()
    }

    fn source(&self, factor: &TableFactor) -> Source {
        let alias = match factor {
            TableFactor::Table { alias, .. } | TableFactor::Derived { alias, .. } => alias.as_ref(),
            _ => None,
        };
        let mut source = Source {
            name: alias.map(|a| fold(&a.name)).unwrap_or_default(),
            target: false,
            columns: None,
        };
        if let TableFactor::Derived { subquery, .. } = factor {
            source.columns = output_names(subquery);
        }
        if let TableFactor::Table { name, .. } = factor {
            if source.name.is_empty()
                && let Some(last) = name.0.last().and_then(|p| p.as_ident())
            {
                source.name = fold(last);
            }
            let catalog = &self.translator.catalog;
            if let Ok(key) = self.translator.table_name(name) {
                source.target = key == self.table;
                source.columns = catalog
                    .table(&key)
                    .map(|t| t.columns.iter().map(|c| c.name.clone()).collect())
                    .or_else(|| {
                        let view = catalog.view(&key)?;
                        Some(view.columns.iter().map(|c| c.name.clone()).collect())
                    });
            }
        }
        source
    }

    /// Whether a reference to column `old` (qualified by `qualifier`) means the table's.
    fn means_target(&self, qualifier: Option<&str>) -> bool {
        for scope in self.scopes.iter().rev() {
            let Some(scope) = scope else {
                return false;
            };
            match qualifier {
                Some(q) => {
                    if let Some(source) = scope.iter().find(|s| s.name == q) {
                        return source.target;
                    }
                }
                None => {
                    let mut having = scope.iter().filter(|s| {
                        s.target
                            || s.columns
                                .as_ref()
                                .is_none_or(|c| c.iter().any(|n| n == self.old))
                    });
                    if let Some(first) = having.next() {
                        return first.target && having.next().is_none();
                    }
                }
            }
        }
        false
    }

    /// Whether `e` is a reference this renaming changes.
    fn renames(&self, e: &Expr) -> bool {
        match e {
            Expr::Identifier(id) => fold(id) == self.old && self.means_target(None),
            Expr::CompoundIdentifier(parts) => match parts.as_slice() {
                [.., qualifier, column] => {
                    fold(column) == self.old && self.means_target(Some(&fold(qualifier)))
                }
                _ => false,
            },
            _ => false,
        }
    }

    /// A select-list item that is the bare column keeps its output name.
    fn keep_output_names(&self, select: &mut Select) {
        for item in &mut select.projection {
            if let SelectItem::UnnamedExpr(e) = item
                && self.renames(e)
            {
                *item = SelectItem::ExprWithAlias {
                    expr: e.clone(),
                    alias: make::ident(self.old),
                };
            }
        }
    }

    /// The scope of a set operation's SELECT, which the visitor does not see as a query:
    /// renamed here with a visitor of its own.
    fn rename_in_set_operation(&mut self, body: &mut SetExpr) {
        match body {
            SetExpr::Select(select) => {
                self.scopes.push(Some(self.sources(select)));
                self.keep_output_names(select);
                let mut inner = Renamer {
                    translator: self.translator,
                    table: self.table,
                    old: self.old,
                    new: self.new,
                    scopes: std::mem::take(&mut self.scopes),
                };
                let _ = select.visit(&mut inner);
                self.scopes = inner.scopes;
                self.scopes.pop();
            }
            SetExpr::SetOperation { left, right, .. } => {
                self.rename_in_set_operation(left);
                self.rename_in_set_operation(right);
            }
            _ => {}
        }
    }
}

/// The output column names of a subquery that is one SELECT without `*`.
fn output_names(query: &Query) -> Option<Vec<String>> {
    let SetExpr::Select(select) = query.body.as_ref() else {
        return None;
    };
    select
        .projection
        .iter()
        .map(|item| match item {
            SelectItem::ExprWithAlias { alias, .. } => Some(fold(alias)),
            SelectItem::UnnamedExpr(Expr::Identifier(id)) => Some(fold(id)),
            SelectItem::UnnamedExpr(Expr::CompoundIdentifier(parts)) => parts.last().map(fold),
            // PostgreSQL names other expressions after their function or `?column?`.
            SelectItem::UnnamedExpr(_) => Some(String::new()),
            _ => None,
        })
        .collect()
}

impl VisitorMut for Renamer<'_, '_> {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        match query.body.as_mut() {
            SetExpr::Select(select) => {
                let scope = self.sources(select);
                self.scopes.push(Some(scope));
                self.keep_output_names(select);
            }
            body @ SetExpr::SetOperation { .. } => {
                self.rename_in_set_operation(body);
                self.scopes.push(None);
            }
            _ => self.scopes.push(Some(Vec::new())),
        }
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _: &mut Query) -> ControlFlow<()> {
        self.scopes.pop();
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if self.renames(expr) {
            match expr {
                Expr::Identifier(id) => *id = make::ident(self.new),
                Expr::CompoundIdentifier(parts) => {
                    if let Some(last) = parts.last_mut() {
                        *last = make::ident(self.new);
                    }
                }
                _ => {}
            }
        }
        ControlFlow::Continue(())
    }
}
