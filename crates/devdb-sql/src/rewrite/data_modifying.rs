//! Data-modifying statements in WITH (`WITH d AS (DELETE ... RETURNING *) INSERT INTO archive
//! SELECT * FROM d`), which SQLite cannot run: RETURNING cannot feed a query there. Every part of
//! such a WITH becomes a [`Capture`], a statement whose rows the executor stores in a temporary
//! table named after the WITH query, in order; the statement proper then reads those tables by
//! name, and a failure anywhere fails the whole statement and its transaction.
//!
//! PostgreSQL runs every part on the snapshot the statement began with, so no part sees what
//! another one changed. Run in order, a part here would: a table that a part reads after an
//! earlier part changed it is therefore read from a copy taken before the first part runs.

use devdb_pg::PgError;
use sqlparser::ast::{
    Cte, FromTable, ObjectName, Query, SetExpr, Statement, TableFactor, TableObject, With,
};

use super::query::{OutCol, rename};
use super::{Output, Translator, fold};
use crate::catalog::Catalog;
use crate::types::Ty;
use crate::{Capture, make};

/// True for a query whose WITH holds a data-modifying statement, or whose body is one under a
/// WITH (`WITH v AS (SELECT ...) INSERT ...`).
pub fn applies(q: &Query) -> bool {
    is_modifying(&q.body)
        || q.with
            .as_ref()
            .is_some_and(|w| w.cte_tables.iter().any(|c| is_modifying(&c.query.body)))
}

fn is_modifying(body: &SetExpr) -> bool {
    matches!(
        body,
        SetExpr::Insert(_) | SetExpr::Update(_) | SetExpr::Delete(_)
    )
}

/// What one part of the statement reads and writes, in the order the parts run.
struct Part {
    reads: Vec<String>,
    /// The table a data-modifying part writes, and whether it reads that table's rows too
    /// (UPDATE, DELETE, INSERT ... ON CONFLICT).
    writes: Option<(String, bool)>,
}

/// The name of the copy of `key` a data-modifying WITH reads.
fn copy_name(key: &str) -> String {
    format!("__devdb_before_{key}")
}

impl Translator<'_> {
    /// Translates a query that [`applies`] into its captures and the statement proper.
    pub fn data_modifying(&mut self, q: Query) -> Result<Output, PgError> {
        let (out, parts) = self.parts(q.clone())?;
        let copies = copies(&parts, self.catalog)?;
        if copies.is_empty() {
            return Ok(out);
        }
        // Again, with the changed tables read from their copies.
        self.copies = copies.iter().map(|k| (k.clone(), copy_name(k))).collect();
        let (mut out, _) = self.parts(q)?;
        let mut captures = Vec::with_capacity(copies.len() + out.captures.len());
        for key in &copies {
            let table = self
                .catalog
                .table(key)
                .ok_or_else(|| PgError::undefined_table(key))?;
            let columns: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
            let items = columns
                .iter()
                .map(|c| make::select_item(make::column(c), None))
                .collect();
            let select = make::select(items, vec![make::table(key, None)], None);
            captures.push(Capture {
                table: copy_name(key),
                columns,
                sqlite: vec![make::query(SetExpr::Select(Box::new(select))).to_string()],
            });
        }
        captures.append(&mut out.captures);
        out.captures = captures;
        Ok(out)
    }

    fn parts(&mut self, mut q: Query) -> Result<(Output, Vec<Part>), PgError> {
        let with = q.with.take();
        let mut parts = Vec::new();
        let mut captures = Vec::new();
        self.ctes.push(Vec::new());
        let result = self
            .with_parts(with, &mut parts, &mut captures)
            .and_then(|()| {
                self.read_relations.clear();
                let (out, writes) = match *q.body {
                    SetExpr::Insert(s) | SetExpr::Update(s) | SetExpr::Delete(s) => {
                        let writes = self.written(&s)?;
                        (self.statement(s)?, Some(writes))
                    }
                    body => {
                        let main = Query {
                            body: Box::new(body),
                            ..q
                        };
                        (self.select_statement(main)?, None)
                    }
                };
                parts.push(Part {
                    reads: std::mem::take(&mut self.read_relations),
                    writes,
                });
                Ok(out)
            });
        self.ctes.pop();
        let mut out = result?;
        out.captures = captures;
        out.writes = true;
        Ok((out, parts))
    }

    fn with_parts(
        &mut self,
        with: Option<With>,
        parts: &mut Vec<Part>,
        captures: &mut Vec<Capture>,
    ) -> Result<(), PgError> {
        let Some(With {
            with_token,
            recursive,
            cte_tables,
        }) = with
        else {
            return Ok(());
        };
        for cte in cte_tables {
            let name = fold(&cte.alias.name);
            if self.catalog.table(&name).is_some() || self.catalog.view(&name).is_some() {
                // Its temporary table would hide the relation from the statement's other parts.
                return Err(PgError::feature_not_supported(format!(
                    "WITH query \"{name}\" named like a table, beside a data-modifying WITH query"
                )));
            }
            self.read_relations.clear();
            if !is_modifying(&cte.query.body) {
                let cte = self.cte(cte, recursive)?;
                let columns: Vec<String> = self
                    .find_cte(&name)
                    .map(|r| r.columns.iter().map(|(n, _)| n.clone()).collect())
                    .unwrap_or_default();
                let query = if recursive {
                    let items = columns
                        .iter()
                        .map(|c| make::select_item(make::column(c), None))
                        .collect();
                    let select = make::select(items, vec![make::table(&name, None)], None);
                    let mut q = make::query(SetExpr::Select(Box::new(select)));
                    q.with = Some(With {
                        with_token: with_token.clone(),
                        recursive,
                        cte_tables: vec![cte],
                    });
                    q
                } else {
                    *cte.query
                };
                captures.push(Capture {
                    table: name,
                    columns,
                    sqlite: vec![query.to_string()],
                });
                parts.push(Part {
                    reads: std::mem::take(&mut self.read_relations),
                    writes: None,
                });
                continue;
            }
            let Cte {
                alias,
                query,
                from: None,
                materialized: None,
                closing_paren_token: _,
            } = cte
            else {
                return Err(PgError::feature_not_supported("MATERIALIZED CTEs"));
            };
            let (SetExpr::Insert(s) | SetExpr::Update(s) | SetExpr::Delete(s)) = *query.body else {
                return Err(PgError::internal("data-modifying WITH query expected"));
            };
            let writes = self.written(&s)?;
            let out = self.statement(s)?;
            let columns: Vec<OutCol> = out
                .columns
                .iter()
                .map(|c| {
                    let ty = Ty {
                        ty: c.ty,
                        typmod: c.typmod,
                        enum_oid: c.enum_oid,
                    };
                    (c.name.clone(), ty)
                })
                .collect();
            if columns.is_empty() {
                self.without_returning.push(name.clone());
            } else {
                let renames: Vec<String> = alias.columns.iter().map(|c| fold(&c.name)).collect();
                let columns = rename(columns, &renames, &name)?;
                self.register_cte(&name, columns);
            }
            captures.push(Capture {
                table: name.clone(),
                columns: self
                    .find_cte(&name)
                    .filter(|_| !out.columns.is_empty())
                    .map(|r| r.columns.iter().map(|(n, _)| n.clone()).collect())
                    .unwrap_or_default(),
                sqlite: out.sqlite,
            });
            parts.push(Part {
                reads: std::mem::take(&mut self.read_relations),
                writes: Some(writes),
            });
        }
        Ok(())
    }

    /// The key of the table a data-modifying statement writes, and whether it reads its rows.
    fn written(&self, s: &Statement) -> Result<(String, bool), PgError> {
        let named = |factor: Option<&TableFactor>| -> Result<ObjectName, PgError> {
            match factor {
                Some(TableFactor::Table { name, .. }) => Ok(name.clone()),
                _ => Err(PgError::feature_not_supported(
                    "this data-modifying statement in WITH",
                )),
            }
        };
        let (name, reads) = match s {
            Statement::Insert(i) => match &i.table {
                TableObject::TableName(name) => (name.clone(), i.on.is_some()),
                TableObject::TableFunction(_) | TableObject::TableQuery(_) => {
                    return Err(PgError::feature_not_supported("INSERT INTO a function"));
                }
            },
            Statement::Update(u) => (named(Some(&u.table.relation))?, true),
            Statement::Delete(d) => {
                let (FromTable::WithFromKeyword(items) | FromTable::WithoutKeyword(items)) =
                    &d.from;
                (named(items.first().map(|t| &t.relation))?, true)
            }
            _ => return Err(PgError::internal("data-modifying statement expected")),
        };
        Ok((self.relation_key(&name)?, reads))
    }
}

/// The tables a part reads after an earlier part changed them, to be read from copies taken
/// before the first part runs; 0A000 where a copy cannot stand in: a part that reads what it
/// writes after an earlier part changed it, or a view (whose tables are not known here).
fn copies(parts: &[Part], catalog: &Catalog) -> Result<Vec<String>, PgError> {
    let mut changed: Vec<&str> = Vec::new();
    let mut copies: Vec<String> = Vec::new();
    for part in parts {
        if !changed.is_empty() {
            for key in &part.reads {
                if catalog.view(key).is_some() {
                    return Err(PgError::feature_not_supported(format!(
                        "view \"{key}\" read after a data-modifying WITH query"
                    )));
                }
                if changed.contains(&key.as_str()) && !copies.contains(key) {
                    copies.push(key.clone());
                }
            }
            if let Some((key, true)) = &part.writes
                && changed.contains(&key.as_str())
            {
                return Err(PgError::feature_not_supported(format!(
                    "table \"{key}\" changed by two parts of one WITH statement"
                )));
            }
        }
        if let Some((key, _)) = &part.writes {
            changed.push(key);
        }
    }
    Ok(copies)
}
