//! INSERT, UPDATE and DELETE: target columns typed from the catalog, values converted with
//! PostgreSQL's assignment casts, omitted columns given their catalog default (SQLite table
//! defaults cannot call nextval), RETURNING typed like a select list.

use devdb_pg::{PgError, SqlState};
use sqlparser::ast::{
    AssignmentTarget, ConflictTarget, Delete, DoUpdate, Expr, FromTable, Insert, ObjectName,
    OnConflict, OnConflictAction, OnInsert, Query, SelectItem, SetExpr, TableFactor, TableObject,
    Update, UpdateTableFromKind, Values,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::casts::allowed;
use super::expr::Ctx;
use super::query::OutCol;
use super::{Output, Rel, Scope, Translator, fold};
use crate::catalog::{Column, ConstraintKind, Table};
use crate::types::Ty;
use crate::{Kind, make};

/// The column a translated `SET col = value` assigns.
fn assigned_column(a: &sqlparser::ast::Assignment) -> Option<&str> {
    match &a.target {
        AssignmentTarget::ColumnName(n) => n.0.last()?.as_ident().map(|i| i.value.as_str()),
        AssignmentTarget::Tuple(_) => None,
    }
}

/// Generated columns leave the target list of a plain VALUES where every row gives them
/// DEFAULT (SQLite computes them); an explicit value is 428C9, as is any generated target of
/// another source (left to its translation).
fn generated_defaults_apart(
    targets: &mut Vec<Column>,
    values: Option<&mut Values>,
) -> Result<(), PgError> {
    let Some(values) = values else {
        return Ok(());
    };
    // Rows of the wrong width fail in `insert_source`, as in PostgreSQL.
    if values.rows.iter().any(|r| r.content.len() != targets.len()) {
        return Ok(());
    }
    for i in (0..targets.len()).rev() {
        if targets[i].generated.is_none() {
            continue;
        }
        for row in &mut values.rows {
            if !is_default_keyword(&row.content[i]) {
                return super::generated::check_generated_write(&targets[i], false);
            }
        }
        for row in &mut values.rows {
            row.content.remove(i);
        }
        targets.remove(i);
    }
    Ok(())
}

/// A column's DEFAULT, PostgreSQL SQL text in the catalog, as an expression.
pub(super) fn parse_default(text: &str, column: &str) -> Result<Expr, PgError> {
    Parser::new(&PostgreSqlDialect {})
        .try_with_sql(text)
        .and_then(|mut p| p.parse_expr())
        .map_err(|e| PgError::internal(format!("bad default for column {column}: {e}")))
}

/// The rows of a VALUES list alone, translated row by row against the targets; any other
/// source is translated as a query.
fn plain_values(q: Box<Query>) -> Result<Values, Box<Query>> {
    if !super::query::without_clauses(&q) {
        return Err(q);
    }
    let q = *q;
    match *q.body {
        SetExpr::Values(values) => Ok(values),
        body => Err(Box::new(Query {
            body: Box::new(body),
            ..q
        })),
    }
}

/// PostgreSQL's 42601 when a source row and the target columns differ in width.
fn check_insert_width(values: usize, targets: usize) -> Result<(), PgError> {
    let message = match values.cmp(&targets) {
        std::cmp::Ordering::Greater => "INSERT has more expressions than target columns",
        std::cmp::Ordering::Less => "INSERT has more target columns than expressions",
        std::cmp::Ordering::Equal => return Ok(()),
    };
    Err(PgError::syntax_error(message, None))
}

pub(super) fn is_default_keyword(e: &Expr) -> bool {
    matches!(e, Expr::Identifier(id) if id.quote_style.is_none() && id.value.eq_ignore_ascii_case("default"))
}

impl Translator<'_> {
    pub fn insert(&mut self, mut ins: Insert) -> Result<Output, PgError> {
        self.fire_insert_triggers(&mut ins)?;
        let Insert {
            insert_token: _,
            optimizer_hints,
            or: None,
            ignore: false,
            into: _,
            table: TableObject::TableName(name),
            table_alias,
            columns,
            overwrite: false,
            source,
            assignments,
            partitioned: None,
            after_columns,
            has_table_keyword: false,
            on,
            returning,
            output: None,
            replace_into: false,
            priority: None,
            insert_alias: None,
            settings: None,
            format_clause: None,
            multi_table_insert_type: None,
            multi_table_into_clauses,
            multi_table_when_clauses,
            multi_table_else_clause: None,
        } = ins
        else {
            return Err(PgError::feature_not_supported("this INSERT form"));
        };
        if !(optimizer_hints.is_empty()
            && assignments.is_empty()
            && after_columns.is_empty()
            && multi_table_into_clauses.is_empty()
            && multi_table_when_clauses.is_empty())
        {
            return Err(PgError::feature_not_supported("this INSERT form"));
        }
        let table = self.lookup_table(&name)?.clone();
        self.target = Some(table.name.clone());
        // DEFAULT VALUES targets no column: every column gets its default.
        let mut targets = if source.is_none() {
            Vec::new()
        } else {
            self.target_columns(&table, &columns)?
        };
        // A query source is translated once, before the targets are settled: its width is
        // known only then (a second translation would see its parameters already typed).
        let (mut values, selected) = match source.map(plain_values) {
            None => (None, None),
            Some(Ok(values)) => (Some(values), None),
            Some(Err(q)) => (None, Some(self.select_source(*q)?)),
        };
        // Without a column list, the source fills the leading columns; the rest take defaults.
        if columns.is_empty() {
            let width = match (&values, &selected) {
                (Some(values), _) => values.rows.first().map(|r| r.content.len()),
                (None, Some((_, cols))) => Some(cols.len()),
                (None, None) => None,
            };
            if let Some(width) = width {
                targets.truncate(width);
            }
        }
        generated_defaults_apart(&mut targets, values.as_mut())?;
        let defaulted: Vec<&Column> = table
            .columns
            .iter()
            .filter(|c| c.default.is_some() && !targets.iter().any(|t| t.name == c.name))
            .collect();
        // Omitted NOT NULL columns without a default get NULL, so the NOT NULL check fires.
        let defaulted: Vec<&Column> = table
            .columns
            .iter()
            .filter(|c| {
                defaulted.iter().any(|d| d.name == c.name)
                    || (c.not_null
                        && c.default.is_none()
                        && c.generated.is_none()
                        && !targets.iter().any(|t| t.name == c.name))
            })
            .collect();
        let mut names: Vec<&str> = targets.iter().map(|c| c.name.as_str()).collect();
        names.extend(defaulted.iter().map(|c| c.name.as_str()));

        let mut source = match (values, selected) {
            (Some(values), _) => Some(self.values_source(values, &targets, &defaulted)?),
            (None, Some((q, cols))) => Some(self.converted_select(q, &cols, &targets, &defaulted)?),
            (None, None) if defaulted.is_empty() => None,
            (None, None) => {
                let row = defaulted
                    .iter()
                    .map(|c| self.default_value(c))
                    .collect::<Result<Vec<_>, _>>()?;
                Some(make::query(make::values(vec![row])))
            }
        };
        let row_probe = match &source {
            Some(q) => {
                let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
                self.row_probe(&table, q.clone(), &names, false, true)
            }
            None => None,
        };
        // `INSERT INTO t AS a`: RETURNING and ON CONFLICT name the table `a`. SQLite's RETURNING
        // cannot, so there its columns are read unqualified (only the target's are in scope).
        let rel_name = table_alias
            .as_ref()
            .map_or_else(|| table.name.clone(), |a| fold(&a.alias));
        let mut scope = Scope::of(vec![Rel {
            name: rel_name.clone(),
            columns: rel_columns(&table),
            table: Some(table.name.clone()),
            view: None,
        }]);
        if table_alias.is_some() {
            scope.substitutes = returned_unqualified(&rel_name, &table);
        }
        // xmax is 0 for a row the INSERT made, the transaction's id for one ON CONFLICT
        // updated (which PostgreSQL's row lock left there).
        let updated = make::call("devdb_upsert_updated", vec![make::string(&table.name)]);
        let txid = make::call("devdb_txid_current", vec![]);
        scope.substitutes.push((
            rel_name.clone(),
            super::scope::XMAX.to_owned(),
            make::call("iif", vec![updated, txid, make::int(0)]),
        ));
        self.scopes.push(scope);
        let returning = returning.map(|items| self.projection(items, false, false));
        self.scopes.pop();
        let (returning, cols) = match returning.transpose()? {
            Some((items, cols)) => (Some(items), cols),
            None => (None, Vec::new()),
        };
        let on = match on {
            None => None,
            Some(OnInsert::OnConflict(c)) => {
                // `INSERT ... SELECT ... ON CONFLICT` needs a WHERE in SQLite, or ON parses as
                // a join constraint.
                if let Some(q) = source.as_mut()
                    && let SetExpr::Select(s) = q.body.as_mut()
                    && s.selection.is_none()
                {
                    s.selection = Some(make::value(sqlparser::ast::Value::Boolean(true)));
                }
                Some(OnInsert::OnConflict(
                    self.on_conflict(c, &table, &rel_name)?,
                ))
            }
            Some(other) => return Err(PgError::feature_not_supported(format!("{other}"))),
        };
        let once = upsert_once(on.as_ref(), source.as_ref(), &names[..targets.len()]);
        let conflict_where = match self.conflict_predicate.take() {
            Some(p) => {
                self.scopes.push(Scope::of(vec![Rel {
                    name: table.name.clone(),
                    columns: rel_columns(&table),
                    table: Some(table.name.clone()),
                    view: None,
                }]));
                let p = self.condition(p);
                self.scopes.pop();
                Some(p?)
            }
            None => None,
        };
        let mut stmt = make::insert(&table.name, &names, source, returning);
        if let sqlparser::ast::Statement::Insert(i) = &mut stmt {
            i.on = on;
            i.table_alias = table_alias.map(|_| sqlparser::ast::TableAliasWithoutColumns {
                explicit: true,
                alias: make::ident(&rel_name),
            });
        }
        let mut out = Output::new(Kind::Insert);
        out.sqlite.extend(once.map(|check| check.to_string()));
        out.sqlite.push(match &conflict_where {
            None => stmt.to_string(),
            Some(predicate) => upsert_with_predicate(stmt, predicate),
        });
        out.columns = super::query::columns(&cols);
        out.writes = true;
        out.row_probe = row_probe;
        Ok(out)
    }

    /// `ON CONFLICT (cols) DO NOTHING | DO UPDATE SET ... [WHERE ...]`, which SQLite spells the
    /// same way; EXCLUDED is the row that was proposed for insertion.
    fn on_conflict(
        &mut self,
        c: OnConflict,
        table: &Table,
        rel_name: &str,
    ) -> Result<OnConflict, PgError> {
        let OnConflict {
            conflict_target,
            action,
        } = c;
        let conflict_target = match conflict_target {
            None => None,
            Some(ConflictTarget::Columns(cols)) => {
                let mut out = Vec::with_capacity(cols.len());
                for c in &cols {
                    let name = fold(c);
                    if table.column(&name).is_none() {
                        return Err(PgError::undefined_column(&name));
                    }
                    out.push(make::ident(&name));
                }
                Some(ConflictTarget::Columns(out))
            }
            Some(ConflictTarget::OnConstraint(name)) => {
                // The constraint's columns name the same unique index SQLite infers from them.
                let name = name.0.last().and_then(|p| p.as_ident()).map(fold);
                let constraint = self.catalog.constraints_of(&table.name).find(|c| {
                    Some(&c.name) == name.as_ref()
                        && matches!(c.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique)
                });
                let Some(constraint) = constraint else {
                    return Err(PgError::new(
                        SqlState::UNDEFINED_OBJECT,
                        format!(
                            "constraint \"{}\" for table \"{}\" does not exist",
                            name.unwrap_or_default(),
                            table.name
                        ),
                    ));
                };
                let columns = constraint.columns.iter().map(|c| make::ident(c)).collect();
                Some(ConflictTarget::Columns(columns))
            }
        };
        // A deferrable key checks its rows only later, so it cannot arbitrate (and its SQLite
        // index is not unique); a key on the same columns checked at once arbitrates alone.
        let target: Option<Vec<String>> = match &conflict_target {
            Some(ConflictTarget::Columns(cols)) => Some(cols.iter().map(fold).collect()),
            _ => None,
        };
        let same_columns = |key: &[String], target: &[String]| {
            key.len() == target.len() && key.iter().all(|k| target.contains(k))
        };
        let target = target.as_deref();
        let arbiters = |deferrable: bool| {
            self.catalog.constraints_of(&table.name).find(move |c| {
                c.deferrable == deferrable
                    && matches!(c.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique)
                    && target.is_none_or(|t| same_columns(&c.columns, t))
            })
        };
        if let Some(key) = arbiters(true)
            && (target.is_none() || arbiters(false).is_none())
        {
            return Err(PgError::new(
                SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
                "ON CONFLICT does not support deferrable unique constraints/exclusion constraints as arbiters",
            )
            .with_fields(devdb_pg::ErrorFields {
                schema: Some(table.schema.clone()),
                table: Some(crate::catalog::split(&table.name).1.to_owned()),
                constraint: Some(key.name.clone()),
                ..devdb_pg::ErrorFields::default()
            }));
        }
        let action = match action {
            OnConflictAction::DoNothing => OnConflictAction::DoNothing,
            OnConflictAction::DoUpdate(DoUpdate {
                assignments,
                selection,
            }) => {
                if conflict_target.is_none() {
                    return Err(PgError::syntax_error(
                        "ON CONFLICT DO UPDATE requires inference specification or constraint name",
                        None,
                    )
                    .with_hint("For example, ON CONFLICT (column_name)."));
                }
                let columns = rel_columns(table);
                self.scopes.push(Scope::of(vec![
                    Rel {
                        name: rel_name.to_owned(),
                        columns: columns.clone(),
                        table: Some(table.name.clone()),
                        view: None,
                    },
                    Rel {
                        name: "excluded".into(),
                        columns,
                        table: None,
                        view: None,
                    },
                ]));
                let result = self.assignments(table, assignments).and_then(|set| {
                    let selection = selection.map(|e| self.condition(e)).transpose()?;
                    Ok((set, selection))
                });
                self.scopes.pop();
                let (assignments, selection) = result?;
                OnConflictAction::DoUpdate(DoUpdate {
                    assignments,
                    selection,
                })
            }
        };
        Ok(OnConflict {
            conflict_target,
            action,
        })
    }

    /// `SET col = value, ...` of UPDATE and ON CONFLICT DO UPDATE.
    fn assignments(
        &mut self,
        target: &Table,
        assignments: Vec<sqlparser::ast::Assignment>,
    ) -> Result<Vec<sqlparser::ast::Assignment>, PgError> {
        let mut set = Vec::with_capacity(assignments.len());
        for a in assignments {
            let AssignmentTarget::ColumnName(col_name) = a.target else {
                return Err(PgError::feature_not_supported("multiple-column assignment"));
            };
            let col_name = match col_name.0.as_slice() {
                [part] => part.as_ident().map(fold).unwrap_or_default(),
                _ => {
                    return Err(PgError::feature_not_supported(format!(
                        "assignment to {col_name}"
                    )));
                }
            };
            let col = target
                .column(&col_name)
                .ok_or_else(|| PgError::undefined_column_of(&col_name, &target.name))?;
            let value = if is_default_keyword(&a.value) {
                // SQLite computes a generated column on every update of its row.
                if col.generated.is_some() {
                    continue;
                }
                self.default_value(col)?
            } else {
                self.check_identity_write(col, true)?;
                self.assigned(a.value, col)?
            };
            set.push(sqlparser::ast::Assignment {
                target: AssignmentTarget::ColumnName(make::name(&col_name)),
                value,
            });
        }
        // `SET g = DEFAULT` alone still updates each row (SQLite needs an assignment).
        if set.is_empty()
            && let Some(col) = target.columns.iter().find(|c| c.generated.is_none())
        {
            set.push(sqlparser::ast::Assignment {
                target: AssignmentTarget::ColumnName(make::name(&col.name)),
                value: make::column(&col.name),
            });
        }
        Ok(set)
    }

    /// The target columns: the listed ones (checked), or all in table order.
    fn target_columns(&self, table: &Table, listed: &[ObjectName]) -> Result<Vec<Column>, PgError> {
        if listed.is_empty() {
            return Ok(table.columns.clone());
        }
        let mut out: Vec<Column> = Vec::with_capacity(listed.len());
        for name in listed {
            let col_name = match name.0.as_slice() {
                [part] => part.as_ident().map(fold).unwrap_or_default(),
                _ => {
                    return Err(PgError::feature_not_supported(format!(
                        "target column {name}"
                    )));
                }
            };
            let col = table
                .column(&col_name)
                .ok_or_else(|| PgError::undefined_column_of(&col_name, &table.name))?;
            if out.iter().any(|c| c.name == col_name) {
                return Err(PgError::new(
                    SqlState::DUPLICATE_COLUMN,
                    format!("column \"{col_name}\" specified more than once"),
                ));
            }
            out.push(col.clone());
        }
        Ok(out)
    }

    /// A plain VALUES source translated: a value for each target, then each defaulted column.
    fn values_source(
        &mut self,
        values: Values,
        targets: &[Column],
        defaulted: &[&Column],
    ) -> Result<Query, PgError> {
        let mut rows = Vec::with_capacity(values.rows.len());
        for row in values.rows {
            let exprs = row.content;
            check_insert_width(exprs.len(), targets.len())?;
            let mut out = Vec::with_capacity(exprs.len() + defaulted.len());
            for (e, col) in exprs.into_iter().zip(targets) {
                out.push(if is_default_keyword(&e) {
                    self.default_value(col)?
                } else {
                    self.check_identity_write(col, false)?;
                    self.assigned(e, col)?
                });
            }
            for col in defaulted {
                out.push(self.default_value(col)?);
            }
            rows.push(out);
        }
        Ok(make::query(make::values(rows)))
    }

    /// Any other source translated as a query whose select list keeps untyped values for
    /// the assignment.
    fn select_source(&mut self, q: Query) -> Result<(Query, Vec<OutCol>), PgError> {
        self.keep_unknowns = q.with.is_none()
            && matches!(q.body.as_ref(), SetExpr::Select(s) if s.distinct.is_none());
        let translated = self.query(q);
        self.keep_unknowns = false;
        translated
    }

    /// A translated query source converted to the targets, then each defaulted column added.
    fn converted_select(
        &mut self,
        mut q: Query,
        cols: &[OutCol],
        targets: &[Column],
        defaulted: &[&Column],
    ) -> Result<Query, PgError> {
        check_insert_width(cols.len(), targets.len())?;
        let defaults = defaulted
            .iter()
            .map(|c| self.default_value(c))
            .collect::<Result<Vec<_>, _>>()?;
        match q.body.as_mut() {
            SetExpr::Select(s) if s.distinct.is_none() => {
                for (item, ((_, from), col)) in
                    s.projection.iter_mut().zip(cols.iter().zip(targets))
                {
                    let (SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. }) =
                        item
                    else {
                        return Err(PgError::internal("unexpected select item in INSERT source"));
                    };
                    self.check_identity_write(col, false)?;
                    let taken = std::mem::replace(e, make::null());
                    *e = self.assign(taken, *from, col)?;
                }
                s.projection
                    .extend(defaults.into_iter().map(|d| make::select_item(d, None)));
                Ok(q)
            }
            _ => {
                // Convert through a CTE whose columns have names we choose.
                let names: Vec<String> =
                    (1..=cols.len()).map(|i| format!("__devdb_c{i}")).collect();
                let mut items = Vec::with_capacity(cols.len() + defaults.len());
                for ((name, (_, from)), col) in names.iter().zip(cols).zip(targets) {
                    self.check_identity_write(col, false)?;
                    items.push(make::select_item(
                        self.assign(make::column(name), *from, col)?,
                        None,
                    ));
                }
                items.extend(defaults.into_iter().map(|d| make::select_item(d, None)));
                let outer = make::select(items, vec![make::table("__devdb_source", None)], None);
                Ok(make::with_cte(
                    make::query(SetExpr::Select(Box::new(outer))),
                    "__devdb_source",
                    &names,
                    q,
                ))
            }
        }
    }

    /// A value for `col`, translated outside any FROM scope, with assignment casts.
    fn assigned(&mut self, e: Expr, col: &Column) -> Result<Expr, PgError> {
        let (e, from) = self.expr(e)?;
        self.assign(e, from, col)
    }

    pub fn assign(&mut self, e: Expr, from: Ty, col: &Column) -> Result<Expr, PgError> {
        let other_enum = col.ty == devdb_pg::PgType::AnyEnum && from.enum_oid != col.enum_oid;
        if !from.is_unknown() && (!allowed(from.ty, col.ty, Ctx::Assignment) || other_enum) {
            return Err(PgError::new(
                SqlState::DATATYPE_MISMATCH,
                format!(
                    "column \"{}\" is of type {} but expression is of type {}",
                    col.name,
                    self.type_display(col.ty()),
                    self.type_display(from)
                ),
            )
            .with_hint("You will need to rewrite or cast the expression."));
        }
        // A parameter assigned to a column of a domain is of the domain, as in PostgreSQL.
        if let Some(domain) = col.domain
            && from.is_unknown()
            && let Some(n) = super::expr::placeholder_index(&e)
            && self.param(n).is_none()
        {
            self.described_params.push((n - 1, domain));
        }
        let e = self.coerce(e, from, col.ty(), Ctx::Assignment)?;
        let e = super::bpchar::store(e, col.ty());
        Ok(self.not_null_check(e, col))
    }

    /// NOT NULL kept in the catalog only (a primary key added by ALTER TABLE, which SQLite
    /// cannot declare in place) is checked by `pg_not_null` as the value is stored.
    fn not_null_check(&self, e: Expr, col: &Column) -> Expr {
        let literal = matches!(&e, Expr::Value(v) if v.value != sqlparser::ast::Value::Null);
        match &self.target {
            Some(table) if col.not_null && !literal => make::call(
                "pg_not_null",
                vec![e, make::string(&col.name), make::string(table)],
            ),
            _ => e,
        }
    }

    /// The column's DEFAULT expression translated for SQLite, or NULL.
    pub fn default_value(&mut self, col: &Column) -> Result<Expr, PgError> {
        match self.default_expr(col)? {
            None => Ok(self.not_null_check(make::null(), col)),
            Some((e, from)) => self.assign(e, from, col),
        }
    }

    /// The column's DEFAULT expression translated with its own type, before the assignment
    /// to the column; None without a default.
    pub fn default_expr(&mut self, col: &Column) -> Result<Option<(Expr, Ty)>, PgError> {
        let Some(text) = &col.default else {
            return Ok(None);
        };
        let parsed = parse_default(text, &col.name)?;
        // A default sees no columns: hide the enclosing scopes while translating it. Its names
        // are keys (`seq`, `app.seq`), so they resolve as on the default path.
        let scopes = std::mem::take(&mut self.scopes);
        let keys = self.path.for_keys();
        let path = std::mem::replace(&mut self.path, keys);
        let result = self.expr(parsed);
        self.path = path;
        self.scopes = scopes;
        result.map(Some)
    }

    pub fn update(&mut self, mut upd: Update) -> Result<Output, PgError> {
        self.fire_update_triggers(&mut upd)?;
        let Update {
            update_token: _,
            optimizer_hints,
            table,
            assignments,
            from,
            selection,
            returning,
            output: None,
            or: None,
            order_by,
            limit: None,
        } = upd
        else {
            return Err(PgError::feature_not_supported("this UPDATE form"));
        };
        if !optimizer_hints.is_empty() || !order_by.is_empty() || !table.joins.is_empty() {
            return Err(PgError::feature_not_supported("this UPDATE form"));
        }
        let (name, alias) = match table.relation {
            TableFactor::Table {
                name,
                alias,
                args: None,
                ..
            } => (name, alias),
            other => return Err(PgError::feature_not_supported(format!("UPDATE of {other}"))),
        };
        let target = self.lookup_table(&name)?.clone();
        self.target = Some(target.name.clone());
        let rel_name = alias
            .as_ref()
            .map(|a| fold(&a.name))
            .unwrap_or_else(|| target.name.clone());
        if alias.as_ref().is_some_and(|a| !a.columns.is_empty()) {
            return Err(PgError::syntax_error("syntax error at or near \"(\"", None));
        }
        self.scopes.push(Scope::of(vec![Rel {
            name: rel_name.clone(),
            columns: rel_columns(&target),
            table: Some(target.name.clone()),
            view: None,
        }]));
        let result = self.update_in_scope(
            &target,
            &rel_name,
            alias.is_some(),
            assignments,
            from,
            selection,
            returning,
        );
        self.scopes.pop();
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn update_in_scope(
        &mut self,
        target: &Table,
        rel_name: &str,
        aliased: bool,
        assignments: Vec<sqlparser::ast::Assignment>,
        from: Option<UpdateTableFromKind>,
        selection: Option<Expr>,
        returning: Option<Vec<SelectItem>>,
    ) -> Result<Output, PgError> {
        let from = match from {
            None => None,
            Some(UpdateTableFromKind::AfterSet(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for twj in items {
                    out.push(self.update_relation_item(twj)?);
                }
                Some(UpdateTableFromKind::AfterSet(out))
            }
            Some(UpdateTableFromKind::BeforeSet(_)) => {
                return Err(PgError::feature_not_supported("UPDATE ... FROM before SET"));
            }
        };
        let set = self.assignments(target, assignments)?;
        let selection = selection.map(|e| self.condition(e)).transpose()?;
        if aliased {
            let returned = returned_unqualified(rel_name, target);
            self.current_scope().substitutes.extend(returned);
        }
        let (returning, cols) = match returning {
            Some(items) => {
                let (items, cols) = self.projection(items, false, false)?;
                (Some(items), cols)
            }
            None => (None, Vec::new()),
        };
        let alias = aliased.then(|| make::alias(rel_name, &[]));
        let new_values = target
            .columns
            .iter()
            .map(|c| {
                set.iter()
                    .find(|a| assigned_column(a) == Some(c.name.as_str()))
                    .map_or_else(
                        || make::qualified_column(rel_name, &c.name),
                        |a| a.value.clone(),
                    )
            })
            .collect();
        let from_items = match &from {
            Some(UpdateTableFromKind::AfterSet(items)) => items.clone(),
            _ => Vec::new(),
        };
        let names: Vec<String> = target.columns.iter().map(|c| c.name.clone()).collect();
        let replaced = super::row_probe::replaced_rows(
            make::table(&target.name, alias.clone()),
            rel_name,
            new_values,
            from_items,
            selection.clone(),
        );
        let row_probe = self.row_probe(target, replaced, &names, true, true);
        let mut stmt = make::update(&target.name, Vec::new(), selection);
        if let sqlparser::ast::Statement::Update(u) = &mut stmt {
            u.table.relation = make::table(&target.name, alias);
            u.assignments = set;
            u.from = from;
            u.returning = returning;
        }
        let mut out = Output::new(Kind::Update);
        out.sqlite.push(stmt.to_string());
        out.columns = super::query::columns(&cols);
        out.writes = true;
        out.row_probe = row_probe;
        Ok(out)
    }

    fn update_relation_item(
        &mut self,
        twj: sqlparser::ast::TableWithJoins,
    ) -> Result<sqlparser::ast::TableWithJoins, PgError> {
        self.table_with_joins(twj)
    }

    pub fn delete(&mut self, del: Delete) -> Result<Output, PgError> {
        let Delete {
            delete_token: _,
            optimizer_hints,
            tables,
            from,
            using,
            selection,
            returning,
            output: None,
            order_by,
            limit: None,
        } = del
        else {
            return Err(PgError::feature_not_supported("this DELETE form"));
        };
        if !optimizer_hints.is_empty() || !tables.is_empty() || !order_by.is_empty() {
            return Err(PgError::feature_not_supported("this DELETE form"));
        }
        let (FromTable::WithFromKeyword(items) | FromTable::WithoutKeyword(items)) = from;
        let [twj] = <[sqlparser::ast::TableWithJoins; 1]>::try_from(items)
            .map_err(|_| PgError::feature_not_supported("DELETE from several tables"))?;
        if !twj.joins.is_empty() {
            return Err(PgError::feature_not_supported("DELETE with joins"));
        }
        let (name, alias) = match twj.relation {
            TableFactor::Table {
                name,
                alias,
                args: None,
                ..
            } => (name, alias),
            other => {
                return Err(PgError::feature_not_supported(format!(
                    "DELETE from {other}"
                )));
            }
        };
        let target = self.lookup_table(&name)?.clone();
        let rel_name = alias
            .as_ref()
            .map(|a| fold(&a.name))
            .unwrap_or_else(|| target.name.clone());
        self.scopes.push(Scope::of(vec![Rel {
            name: rel_name.clone(),
            columns: rel_columns(&target),
            table: Some(target.name.clone()),
            view: None,
        }]));
        let has_using = using.is_some();
        let selection = match using {
            None => selection.map(|e| self.condition(e)).transpose(),
            Some(using) => self.delete_using(using, selection).map(Some),
        };
        if alias.is_some() {
            let returned = returned_unqualified(&rel_name, &target);
            self.current_scope().substitutes.extend(returned);
        }
        let returning = returning
            .map(|items| self.projection(items, false, false))
            .transpose()
            .map_err(|e| match e.code {
                // SQLite's RETURNING sees the target only.
                SqlState::UNDEFINED_TABLE | SqlState::UNDEFINED_COLUMN if has_using => {
                    PgError::feature_not_supported("RETURNING columns of DELETE ... USING tables")
                }
                _ => e,
            });
        self.scopes.pop();
        let (selection, returning) = (selection?, returning?);
        let names: Vec<String> = target.columns.iter().map(|c| c.name.clone()).collect();
        let old_values = names
            .iter()
            .map(|c| make::qualified_column(&rel_name, c))
            .collect();
        let alias = alias.map(|_| make::alias(&rel_name, &[]));
        let replaced = super::row_probe::replaced_rows(
            make::table(&target.name, alias.clone()),
            &rel_name,
            old_values,
            Vec::new(),
            selection.clone(),
        );
        let row_probe = self.row_probe(&target, replaced, &names, true, false);
        let mut stmt = make::delete(&target.name, selection);
        let (returning, cols) = match returning {
            Some((items, cols)) => (Some(items), cols),
            None => (None, Vec::new()),
        };
        if let sqlparser::ast::Statement::Delete(d) = &mut stmt {
            d.from = FromTable::WithFromKeyword(vec![sqlparser::ast::TableWithJoins {
                relation: make::table(&target.name, alias),
                joins: Vec::new(),
            }]);
            d.returning = returning;
        }
        let mut out = Output::new(Kind::Delete);
        out.sqlite.push(stmt.to_string());
        out.columns = super::query::columns(&cols);
        out.writes = true;
        out.row_probe = row_probe;
        Ok(out)
    }
}

impl Translator<'_> {
    /// `DELETE FROM t USING u WHERE cond`: the rows of t for which `EXISTS (SELECT 1 FROM u
    /// WHERE cond)`, SQLite having no USING.
    fn delete_using(
        &mut self,
        using: Vec<sqlparser::ast::TableWithJoins>,
        selection: Option<Expr>,
    ) -> Result<Expr, PgError> {
        self.scopes.push(Scope::default());
        let result = using
            .into_iter()
            .map(|twj| self.table_with_joins(twj))
            .collect::<Result<Vec<_>, _>>()
            .and_then(|from| Ok((from, selection.map(|e| self.condition(e)).transpose()?)));
        self.scopes.pop();
        let (from, selection) = result?;
        let mut select = make::select(
            vec![make::select_item(make::int(1), None)],
            Vec::new(),
            selection,
        );
        select.from = from;
        Ok(Expr::Exists {
            subquery: Box::new(make::query(SetExpr::Select(Box::new(select)))),
            negated: false,
        })
    }
}

/// For `INSERT ... VALUES (..), (..) ON CONFLICT (keys) DO UPDATE`, a query that fails with
/// 21000 when two proposed rows have the same keys, as PostgreSQL does (SQLite would update the
/// row twice); it returns no rows. None where no check applies: other sources (a query could have
/// side effects if run twice), keys the statement leaves to their defaults (nextval), or a DO
/// UPDATE ... WHERE (which may leave the first row alone, and then the second may update it).
fn upsert_once(on: Option<&OnInsert>, source: Option<&Query>, targets: &[&str]) -> Option<Query> {
    let Some(OnInsert::OnConflict(OnConflict {
        conflict_target: Some(ConflictTarget::Columns(keys)),
        action: OnConflictAction::DoUpdate(DoUpdate {
            selection: None, ..
        }),
    })) = on
    else {
        return None;
    };
    let SetExpr::Values(values) = source?.body.as_ref() else {
        return None;
    };
    if values.rows.len() < 2 {
        return None;
    }
    let positions: Vec<usize> = keys
        .iter()
        .map(|k| targets.iter().position(|t| *t == k.value))
        .collect::<Option<_>>()?;
    let rows = values
        .rows
        .iter()
        .map(|row| {
            positions
                .iter()
                .map(|&i| row.content.get(i).cloned())
                .collect::<Option<Vec<Expr>>>()
        })
        .collect::<Option<Vec<_>>>()?;
    // Rows with a NULL key conflict with nothing.
    let columns: Vec<Expr> = (1..=positions.len())
        .map(|i| make::column(&format!("column{i}")))
        .collect();
    let not_null = columns
        .iter()
        .map(|c| Expr::IsNotNull(Box::new(c.clone())))
        .reduce(make::and);
    let proposed = make::derived(
        make::query(make::values(rows)),
        make::alias("proposed", &[]),
    );
    let mut select = make::select(
        vec![make::select_item(make::int(1), None)],
        vec![proposed],
        not_null,
    );
    select.group_by = sqlparser::ast::GroupByExpr::Expressions(columns, Vec::new());
    select.having = Some(make::call("pg_upsert_once", vec![make::count_star()]));
    Some(make::query(SetExpr::Select(Box::new(select))))
}

/// An aliased target's columns as SQLite's RETURNING reads them: unqualified, since it knows
/// no alias there and sees only the target's columns.
fn returned_unqualified(alias: &str, table: &Table) -> Vec<(String, String, Expr)> {
    table
        .columns
        .iter()
        .map(|c| (alias.to_owned(), c.name.clone(), make::column(&c.name)))
        .collect()
}

/// A table's columns as a FROM item sees them.
/// `INSERT ... ON CONFLICT (cols) WHERE predicate DO ... [RETURNING ...]` for SQLite, which
/// finds a partial unique index by that predicate as PostgreSQL does. sqlparser's AST has no
/// place for the predicate, so the statement is printed in its parts.
fn upsert_with_predicate(stmt: sqlparser::ast::Statement, predicate: &Expr) -> String {
    let sqlparser::ast::Statement::Insert(mut insert) = stmt else {
        return stmt.to_string();
    };
    let on = insert.on.take();
    let returning = insert.returning.take();
    let mut sql = sqlparser::ast::Statement::Insert(insert).to_string();
    if let Some(OnInsert::OnConflict(OnConflict {
        conflict_target: Some(target),
        action,
    })) = on
    {
        sql.push_str(&format!(" ON CONFLICT{target} WHERE {predicate} {action}"));
    }
    if let Some(items) = returning {
        let items: Vec<String> = items.iter().map(|i| i.to_string()).collect();
        sql.push_str(&format!(" RETURNING {}", items.join(", ")));
    }
    sql
}

pub fn rel_columns(table: &Table) -> Vec<(String, Ty)> {
    table
        .columns
        .iter()
        .map(|c| (c.name.clone(), c.ty()))
        .collect()
}
