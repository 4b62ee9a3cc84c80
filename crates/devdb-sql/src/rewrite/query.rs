//! SELECT, VALUES, set operations, CTEs, FROM items and ORDER BY / LIMIT.

use devdb_pg::{PgError, PgType, SqlState};
use sqlparser::ast::{
    Distinct, Expr, FunctionArg, FunctionArgExpr, GroupByExpr, JoinConstraint, JoinOperator,
    LimitClause, ObjectName, ObjectNamePart, Offset, OffsetRows, OrderBy, OrderByKind, Query,
    Select, SelectFlavor, SelectItem, SelectItemQualifiedWildcardKind, SetExpr, SetOperator,
    SetQuantifier, TableAlias, TableFactor, TableFunctionArgs, TableWithJoins, Value,
    WildcardAdditionalOptions,
};

use super::expr::{Ctx, comparable};
use super::lateral::LateralJoin;
use super::scope::{MergedValue, TABLEOID};
use super::{Output, Rel, Scope, Translator, fold};
use crate::types::{Ty, common_type};
use crate::{Column, Kind, make};

/// An output column of a query.
pub type OutCol = (String, Ty);

impl Translator<'_> {
    pub fn select_statement(&mut self, q: Query) -> Result<Output, PgError> {
        let (q, cols) = self.query(q)?;
        let q = super::system::print_oid_aliases(q, &cols, self.visible("relnamespace"))?;
        let mut out = Output::new(Kind::Select);
        out.sleep = super::sleep::seconds(&q).map(|s| s.to_string());
        out.sqlite.push(q.to_string());
        out.columns = columns(&cols);
        Ok(out)
    }

    /// A nested query (subquery expression): its own FROM scope, outer scopes visible.
    pub fn subquery(&mut self, q: Query) -> Result<(Query, Vec<Ty>), PgError> {
        let (q, cols) = self.query(q)?;
        Ok((q, cols.into_iter().map(|(_, t)| t).collect()))
    }

    pub fn query(&mut self, q: Query) -> Result<(Query, Vec<OutCol>), PgError> {
        self.check_stack()?;
        let Query {
            with,
            body,
            order_by,
            limit_clause,
            fetch,
            locks,
            for_clause: None,
            settings: None,
            format_clause: None,
            pipe_operators,
        } = q
        else {
            return Err(PgError::feature_not_supported("this query clause"));
        };
        if !pipe_operators.is_empty() {
            return Err(PgError::feature_not_supported("pipe operators"));
        }
        self.ctes.push(Vec::new());
        let result = self.query_body(with, *body, order_by, limit_clause, fetch, locks);
        self.ctes.pop();
        result
    }

    fn query_body(
        &mut self,
        with: Option<sqlparser::ast::With>,
        body: SetExpr,
        order_by: Option<OrderBy>,
        limit_clause: Option<LimitClause>,
        fetch: Option<sqlparser::ast::Fetch>,
        locks: Vec<sqlparser::ast::LockClause>,
    ) -> Result<(Query, Vec<OutCol>), PgError> {
        let with = match with {
            Some(mut w) => {
                let mut ctes = Vec::with_capacity(w.cte_tables.len());
                for cte in std::mem::take(&mut w.cte_tables) {
                    ctes.push(self.cte(cte, w.recursive)?);
                }
                w.cte_tables = ctes;
                Some(w)
            }
            None => None,
        };
        let body = match body {
            SetExpr::Select(s) if super::grouping_sets::applies(&s) => {
                super::grouping_sets::expand(*s)?
            }
            // SQLite's VALUES takes no ORDER BY or LIMIT; PostgreSQL's reads as a SELECT
            // from the list, whose columns are column1, column2, ... in both.
            values @ SetExpr::Values(_)
                if order_by.is_some() || limit_clause.is_some() || fetch.is_some() =>
            {
                select_all_from(values)
            }
            other => other,
        };
        let ties = fetch.as_ref().filter(|f| f.with_ties && !f.percent);
        if ties.is_some() && order_by.is_none() {
            return Err(PgError::syntax_error(
                "WITH TIES cannot be specified without ORDER BY clause",
                None,
            ));
        }
        let (body, cols, order_by, fetch) = match body {
            SetExpr::Select(s) => {
                let (s, cols, order_by) = self.select(*s, order_by)?;
                match (ties, order_by) {
                    (Some(f), Some(order_by)) => {
                        let rows = self.rows_with_ties(f.quantity.clone(), &limit_clause)?;
                        let (s, order_by) = super::distinct::with_ties(s, &cols, order_by, rows)?;
                        (SetExpr::Select(Box::new(s)), cols, order_by, None)
                    }
                    (_, order_by) => (SetExpr::Select(Box::new(s)), cols, order_by, fetch),
                }
            }
            _ if ties.is_some() => {
                return Err(PgError::feature_not_supported(
                    "FETCH FIRST ... WITH TIES of a set operation",
                ));
            }
            other => {
                let (body, cols) = self.set_expr(other)?;
                // ORDER BY of a set operation sees only its output columns.
                self.scopes.push(Scope::of(vec![Rel {
                    name: String::new(),
                    columns: cols.clone(),
                    table: None,
                    view: None,
                }]));
                let order_by = self.order_by(order_by, &cols);
                self.scopes.pop();
                (body, cols, order_by?, fetch)
            }
        };
        let limit_clause = self.limit(limit_clause, fetch)?;
        if !locks.is_empty() {
            // The executor gives FOR UPDATE/SHARE its meaning by letting the transaction write
            // alone.
            self.writes = true;
            self.locks_rows = true;
        }
        let mut q = make::query(body);
        q.with = with;
        q.order_by = order_by;
        q.limit_clause = limit_clause;
        Ok((q, cols))
    }

    pub(super) fn cte(
        &mut self,
        mut cte: sqlparser::ast::Cte,
        recursive: bool,
    ) -> Result<sqlparser::ast::Cte, PgError> {
        if cte.materialized.is_some() || cte.from.is_some() {
            return Err(PgError::feature_not_supported("MATERIALIZED CTEs"));
        }
        let name = fold(&cte.alias.name);
        let renames: Vec<String> = cte.alias.columns.iter().map(|c| fold(&c.name)).collect();
        let query = std::mem::replace(&mut *cte.query, make::query(make::values(Vec::new())));
        let (query, cols) = match (recursive, *query.body) {
            (
                true,
                SetExpr::SetOperation {
                    left,
                    op: op @ SetOperator::Union,
                    set_quantifier,
                    right,
                },
            ) => {
                // The non-recursive term fixes the column types before the recursive term runs.
                let (left, left_cols) = self.set_expr(*left)?;
                let cols = rename(left_cols, &renames, &name)?;
                self.register_cte(&name, cols.clone());
                let (right, right_cols) = self.set_expr(*right)?;
                if right_cols.len() != cols.len() {
                    return Err(set_arity_error(&op));
                }
                if query.with.is_some()
                    || query.order_by.is_some()
                    || query.limit_clause.is_some()
                    || query.fetch.is_some()
                {
                    return Err(PgError::feature_not_supported(
                        "ORDER BY, LIMIT or WITH inside a recursive query",
                    ));
                }
                let set_quantifier = match set_quantifier {
                    SetQuantifier::All => SetQuantifier::All,
                    _ => SetQuantifier::None,
                };
                let body = SetExpr::SetOperation {
                    left: Box::new(compound_member(left)),
                    op,
                    set_quantifier,
                    right: Box::new(compound_member(right)),
                };
                let q = Query {
                    body: Box::new(body),
                    ..query
                };
                (q, cols)
            }
            (_, body) => {
                let (q, cols) = self.query(Query {
                    body: Box::new(body),
                    ..query
                })?;
                (q, rename(cols, &renames, &name)?)
            }
        };
        self.register_cte(&name, cols.clone());
        cte.alias = make::alias(
            &name,
            &cols.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
        );
        cte.alias.explicit = false;
        *cte.query = query;
        Ok(cte)
    }

    pub(super) fn register_cte(&mut self, name: &str, cols: Vec<OutCol>) {
        if let Some(level) = self.ctes.last_mut() {
            level.retain(|r| r.name != name);
            level.push(Rel {
                name: name.to_owned(),
                columns: cols,
                table: None,
                view: None,
            });
        }
    }

    fn set_expr(&mut self, body: SetExpr) -> Result<(SetExpr, Vec<OutCol>), PgError> {
        self.check_stack()?;
        match body {
            SetExpr::Select(s) => {
                let (s, cols, _) = self.select(*s, None)?;
                Ok((SetExpr::Select(Box::new(s)), cols))
            }
            SetExpr::Query(q) => {
                let (q, cols) = self.query(*q)?;
                Ok((SetExpr::Query(Box::new(q)), cols))
            }
            SetExpr::SetOperation { .. } => {
                // Left-deep chains of any length: walk the spine with a loop.
                let mut spine = Vec::new();
                let mut leftmost = body;
                while let SetExpr::SetOperation {
                    left,
                    op,
                    set_quantifier,
                    right,
                } = leftmost
                {
                    spine.push((op, set_quantifier, *right));
                    leftmost = *left;
                }
                if spine.len() >= 500 {
                    // SQLite allows 500 terms in a compound SELECT (SQLITE_MAX_COMPOUND_SELECT).
                    return Err(super::operators::too_complex());
                }
                let mut acc = self.set_member(leftmost)?;
                while let Some((op, quantifier, right)) = spine.pop() {
                    self.check_stack()?;
                    acc = self.set_operation(acc, op, quantifier, right)?;
                }
                Ok(acc)
            }
            SetExpr::Values(values) => {
                let width = values.rows.first().map(|r| r.content.len()).unwrap_or(0);
                if values.rows.iter().any(|r| r.content.len() != width) {
                    return Err(PgError::syntax_error(
                        "VALUES lists must all be the same length",
                        None,
                    ));
                }
                let mut typed: Vec<Vec<(Expr, Ty)>> = Vec::with_capacity(values.rows.len());
                for row in values.rows {
                    typed.push(
                        row.content
                            .into_iter()
                            .map(|e| self.expr(e))
                            .collect::<Result<_, _>>()?,
                    );
                }
                let mut types = vec![Ty::UNKNOWN; width];
                for row in &typed {
                    for (slot, (_, ty)) in types.iter_mut().zip(row) {
                        *slot = common_type(*slot, *ty).ok_or_else(|| {
                            PgError::new(
                                SqlState::DATATYPE_MISMATCH,
                                format!("VALUES types {} and {} cannot be matched", slot.ty, ty.ty),
                            )
                        })?;
                    }
                }
                let types: Vec<Ty> = types
                    .into_iter()
                    .map(|t| {
                        if t.is_unknown() {
                            Ty::of(PgType::Text)
                        } else {
                            t
                        }
                    })
                    .collect();
                let mut rows = Vec::with_capacity(typed.len());
                for row in typed {
                    let row = row
                        .into_iter()
                        .zip(&types)
                        .map(|((e, from), to)| self.coerce(e, from, *to, Ctx::Implicit))
                        .collect::<Result<Vec<_>, _>>()?;
                    rows.push(row);
                }
                let cols = types
                    .into_iter()
                    .enumerate()
                    .map(|(i, t)| (format!("column{}", i + 1), t))
                    .collect();
                Ok((make::values(rows), cols))
            }
            SetExpr::Insert(_) | SetExpr::Update(_) | SetExpr::Delete(_) => Err(PgError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                "WITH clause containing a data-modifying statement must be at the top level",
            )),
            other => Err(PgError::feature_not_supported(format!("query {other}"))),
        }
    }

    /// A branch of a set operation: a plain SELECT leaves its untyped outputs to the
    /// operation (`SELECT $1 UNION SELECT 2` makes $1 an integer); DISTINCT resolves them.
    fn set_member(&mut self, body: SetExpr) -> Result<(SetExpr, Vec<OutCol>), PgError> {
        self.keep_unknowns = matches!(&body, SetExpr::Select(s) if s.distinct.is_none());
        let member = self.set_expr(body);
        self.keep_unknowns = false;
        // SQLite's compound SELECT takes no ORDER BY or LIMIT after a VALUES member.
        member.map(|(body, cols)| match body {
            values @ SetExpr::Values(_) => (select_all_from(values), cols),
            other => (other, cols),
        })
    }

    fn set_operation(
        &mut self,
        (left, lcols): (SetExpr, Vec<OutCol>),
        op: SetOperator,
        set_quantifier: SetQuantifier,
        right: SetExpr,
    ) -> Result<(SetExpr, Vec<OutCol>), PgError> {
        let (quantifier, numbered) = match (&op, set_quantifier) {
            (_, SetQuantifier::None | SetQuantifier::Distinct) => (SetQuantifier::None, false),
            (SetOperator::Union, SetQuantifier::All) => (SetQuantifier::All, false),
            (SetOperator::Intersect | SetOperator::Except, SetQuantifier::All) => {
                (SetQuantifier::None, true)
            }
            (op, q) => return Err(PgError::feature_not_supported(format!("{op} {q}"))),
        };
        if matches!(op, SetOperator::Minus) {
            return Err(PgError::feature_not_supported("MINUS"));
        }
        let (right, rcols) = self.set_member(right)?;
        if lcols.len() != rcols.len() {
            return Err(set_arity_error(&op));
        }
        let mut cols = Vec::with_capacity(lcols.len());
        for ((name, lt), (_, rt)) in lcols.iter().zip(&rcols) {
            let ty = common_type(*lt, *rt).ok_or_else(|| {
                PgError::new(
                    SqlState::DATATYPE_MISMATCH,
                    format!("{op} types {} and {} cannot be matched", lt.ty, rt.ty),
                )
            })?;
            let ty = if ty.is_unknown() {
                Ty::of(PgType::Text)
            } else {
                ty
            };
            cols.push((name.clone(), if *lt == *rt { ty } else { Ty::of(ty.ty) }));
        }
        let left = self.coerce_outputs(left, &lcols, &cols)?;
        let right = self.coerce_outputs(right, &rcols, &cols)?;
        if numbered {
            return Ok((all_rows_operation(left, op, right, &cols), cols));
        }
        // Rows compared for duplicates compare as their types' equality does.
        let compared = quantifier != SetQuantifier::All;
        let member = |body| {
            let body = compound_member(body);
            if compared {
                collate_member(body, &cols)
            } else {
                body
            }
        };
        // A compound on the left is fine: SQLite evaluates compounds left to right.
        let left = if matches!(left, SetExpr::SetOperation { .. }) {
            left
        } else {
            member(left)
        };
        let right = member(right);
        Ok((
            SetExpr::SetOperation {
                left: Box::new(left),
                op,
                set_quantifier: quantifier,
                right: Box::new(right),
            },
            cols,
        ))
    }

    /// Converts a set-operation branch's outputs to the operation's column types.
    fn coerce_outputs(
        &mut self,
        body: SetExpr,
        from: &[OutCol],
        to: &[OutCol],
    ) -> Result<SetExpr, PgError> {
        if from
            .iter()
            .zip(to)
            .all(|((_, f), (_, t))| f.ty == t.ty || f.is_unknown() && t.ty == PgType::Text)
        {
            return Ok(body);
        }
        match body {
            SetExpr::Select(mut s) => {
                for (item, ((_, f), (_, t))) in s.projection.iter_mut().zip(from.iter().zip(to)) {
                    let (SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. }) =
                        item
                    else {
                        continue;
                    };
                    let taken = std::mem::replace(e, make::null());
                    *e = self.coerce(taken, *f, *t, Ctx::Implicit)?;
                }
                Ok(SetExpr::Select(s))
            }
            other => {
                if from.iter().zip(to).all(|((_, f), (_, t))| {
                    crate::types::common_type(*f, *t) == Some(*t)
                        && !f.is_unknown()
                        && same_numeric(f.ty, t.ty)
                }) {
                    Ok(other)
                } else {
                    Err(PgError::feature_not_supported(
                        "set operations mixing these column types",
                    ))
                }
            }
        }
    }

    /// One SELECT; `order_by` is the enclosing query's, which may use this SELECT's FROM items.
    fn select(
        &mut self,
        s: Select,
        order_by: Option<OrderBy>,
    ) -> Result<(Select, Vec<OutCol>, Option<OrderBy>), PgError> {
        let Select {
            select_token,
            optimizer_hints,
            distinct,
            select_modifiers: None,
            top: None,
            top_before_distinct: _,
            projection,
            exclude: None,
            into: None,
            from,
            lateral_views,
            prewhere: None,
            selection,
            connect_by,
            group_by,
            cluster_by,
            distribute_by,
            sort_by,
            having,
            named_window,
            qualify: None,
            window_before_qualify: _,
            value_table_mode: None,
            flavor: SelectFlavor::Standard,
        } = s
        else {
            return Err(PgError::feature_not_supported("this SELECT clause"));
        };
        if !(optimizer_hints.is_empty()
            && lateral_views.is_empty()
            && connect_by.is_empty()
            && cluster_by.is_empty()
            && distribute_by.is_empty()
            && sort_by.is_empty())
        {
            return Err(PgError::feature_not_supported("this SELECT clause"));
        }
        self.scopes.push(Scope::default());
        let result = self.select_in_scope(
            select_token,
            distinct,
            projection,
            from,
            selection,
            group_by,
            having,
            named_window,
            order_by,
        );
        self.scopes.pop();
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn select_in_scope(
        &mut self,
        select_token: sqlparser::ast::helpers::attached_token::AttachedToken,
        distinct: Option<Distinct>,
        projection: Vec<SelectItem>,
        from: Vec<TableWithJoins>,
        selection: Option<Expr>,
        group_by: GroupByExpr,
        having: Option<Expr>,
        named_window: Vec<sqlparser::ast::NamedWindowDefinition>,
        order_by: Option<OrderBy>,
    ) -> Result<(Select, Vec<OutCol>, Option<OrderBy>), PgError> {
        // Taken first, so that the subqueries of this SELECT resolve their own unknowns.
        let unknowns = std::mem::take(&mut self.keep_unknowns);
        self.prepare_set_returning(&projection)?;
        let mut new_from: Vec<TableWithJoins> = Vec::with_capacity(from.len());
        for twj in from {
            match new_from.last_mut() {
                Some(left)
                    if matches!(twj.relation, TableFactor::Derived { lateral: true, .. }) =>
                {
                    self.lateral_after_comma(left, twj)?;
                }
                _ => new_from.push(self.table_with_joins(twj)?),
            }
        }
        let selection = selection.map(|e| self.condition(e)).transpose()?;
        let named_window = self.named_windows(named_window)?;
        let nested = self.scopes.len() > 1;
        let GroupByExpr::Expressions(keys, modifiers) = group_by else {
            return Err(PgError::feature_not_supported("GROUP BY ALL"));
        };
        if !modifiers.is_empty() {
            return Err(PgError::feature_not_supported(
                "ROLLUP, CUBE and GROUPING SETS",
            ));
        }
        let grouped_query = !keys.is_empty();
        // GROUP BY is analysed first so the select list can be checked against it. A key
        // that names an output column (by name or position) groups that column whole.
        let output_names: Vec<String> = projection
            .iter()
            .filter_map(|item| match item {
                SelectItem::UnnamedExpr(e) => figure_colname(e),
                SelectItem::ExprWithAlias { alias, .. } => Some(fold(alias)),
                _ => None,
            })
            .collect();
        let mut group_exprs = Vec::with_capacity(keys.len());
        let mut output_keys = Vec::new();
        let mut grouped_columns = Vec::new();
        for mut key in keys {
            // `GROUP BY (expr)` (how PostgreSQL deparses a view's expression keys) is `expr`.
            while let Expr::Nested(inner) = key {
                key = *inner;
            }
            if let Expr::Identifier(id) = &key {
                let name = fold(id);
                if self.resolve_column(None, &name).is_err() && output_names.contains(&name) {
                    output_keys.push(OutputKey::Name(name.clone()));
                    group_exprs.push(make::column(&name));
                    continue;
                }
            }
            if let Some(n) = ordinal(&key) {
                output_keys.push(OutputKey::Position(n));
                group_exprs.push(key);
                continue;
            }
            // A column reference groups its column, even when it reads an expression (a
            // merged FULL JOIN ... USING column).
            let column_ref = matches!(key, Expr::Identifier(_) | Expr::CompoundIdentifier(_));
            self.set_collecting(true);
            let translated = self.expr(key);
            self.set_collecting(false);
            let (e, ty) = translated?;
            if let Some(g) = self.grouping() {
                let seen = std::mem::take(&mut g.bare);
                if column_ref || matches!(e, Expr::Identifier(_) | Expr::CompoundIdentifier(_)) {
                    grouped_columns.extend(seen);
                }
                g.keys.push(e.to_string());
            }
            // Numerics group by value (1.0 with 1.00), intervals by span ('1 day' with
            // '24 hours'), jsonb by value, citext without case, as PostgreSQL's equality has it.
            group_exprs.push(if super::expr::collated(ty.ty) {
                comparable(e, ty)
            } else {
                e
            });
        }
        self.set_collecting(true);
        let projected = self.projection(projection, nested, unknowns);
        let rest = projected.and_then(|(items, cols)| {
            let having = having.map(|e| self.condition(e)).transpose()?;
            let order_by = self.order_by(order_by, &cols)?;
            // DISTINCT ON keys follow ORDER BY's rules (output names, positions).
            let on = match &distinct {
                Some(Distinct::On(keys)) => {
                    self.order_by(Some(super::distinct::keys(keys)), &cols)?
                }
                _ => None,
            };
            Ok((items, cols, having, order_by, on))
        });
        self.set_collecting(false);
        let (mut items, cols, having, order_by, on) = rest?;
        // SELECT DISTINCT, and GROUP BY an output column, compare as the type's equality does.
        if matches!(distinct, Some(Distinct::Distinct)) {
            collate_items(&mut items, &cols, |_| true);
        } else if !output_keys.is_empty() {
            collate_items(&mut items, &cols, |(i, (name, _))| {
                output_keys.iter().any(|key| match key {
                    OutputKey::Position(n) => usize::try_from(*n) == Ok(i + 1),
                    OutputKey::Name(key) => key == name,
                })
            });
        }
        let unnested = self.take_set_returning(grouped_query, &mut items, &cols)?;
        self.check_grouping(grouped_query, &output_keys, &grouped_columns, &cols)?;
        let group_by = GroupByExpr::Expressions(group_exprs, Vec::new());
        let mut select = make::select(items, Vec::new(), selection);
        select.select_token = select_token;
        select.distinct = distinct;
        select.from = new_from;
        select.from.extend(unnested);
        select.group_by = group_by;
        select.having = having;
        select.named_window = named_window;
        if let Some(on) = on {
            select.distinct = None;
            let (select, order_by) = super::distinct::distinct_on(select, &cols, on, order_by)?;
            return Ok((select, cols, order_by));
        }
        Ok((select, cols, order_by))
    }

    /// A select list (or RETURNING list): `*` expanded from the scope, each column named as
    /// PostgreSQL names it; `alias_all` names computed columns in SQLite too (subqueries).
    /// The select list; `unknowns` keeps untyped literals unknown instead of text.
    pub fn projection(
        &mut self,
        projection: Vec<SelectItem>,
        nested: bool,
        unknowns: bool,
    ) -> Result<(Vec<SelectItem>, Vec<OutCol>), PgError> {
        let output = |t: &mut Self, e: Expr| {
            if unknowns {
                t.expr(e)
            } else {
                t.expr_resolved(e)
            }
        };
        let mut items = Vec::with_capacity(projection.len());
        let mut cols = Vec::with_capacity(projection.len());
        for item in projection {
            match item {
                SelectItem::UnnamedExpr(e) => {
                    let name = figure_colname(&e).unwrap_or_else(|| "?column?".to_owned());
                    let column_ref = matches!(e, Expr::Identifier(_) | Expr::CompoundIdentifier(_));
                    let start = self.bare_len();
                    let (e, ty) = output(self, e)?;
                    // A column SQLite knows under the same name; a substituted one is not, and
                    // is named so that ORDER BY can refer to it.
                    let plain = match &e {
                        Expr::Identifier(id) => id.value == name,
                        Expr::CompoundIdentifier(ids) => {
                            ids.last().is_some_and(|i| i.value == name)
                        }
                        _ => false,
                    };
                    self.item_range(start);
                    items.push(make::select_item(
                        e,
                        ((nested || column_ref) && !plain).then_some(name.as_str()),
                    ));
                    cols.push((name, ty));
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    let name = fold(&alias);
                    let start = self.bare_len();
                    let (e, ty) = output(self, expr)?;
                    self.item_range(start);
                    items.push(make::select_item(e, Some(&name)));
                    cols.push((name, ty));
                }
                SelectItem::Wildcard(opts) => {
                    check_wildcard_options(&opts)?;
                    let scope = self.scopes.last().cloned().unwrap_or_default();
                    if scope.rels.is_empty() {
                        return Err(PgError::syntax_error(
                            "SELECT * with no tables specified is not valid",
                            None,
                        ));
                    }
                    if scope.merged_out_of_order {
                        return Err(PgError::feature_not_supported(
                            "SELECT * over JOIN ... USING columns that are not the leading columns of the first table",
                        ));
                    }
                    for rel in &scope.rels {
                        let mut rel = rel.clone();
                        rel.columns.retain(|(c, _)| {
                            !scope.merged.contains(&(rel.name.clone(), c.clone()))
                        });
                        self.expand(&rel, true, &mut items, &mut cols);
                    }
                }
                SelectItem::QualifiedWildcard(
                    SelectItemQualifiedWildcardKind::ObjectName(name),
                    opts,
                ) => {
                    check_wildcard_options(&opts)?;
                    // `t.*` names a FROM item by its alias or table name, `s.t.*` by its key.
                    let rel_name = match name.0.as_slice() {
                        [ObjectNamePart::Identifier(one)] => fold(one),
                        _ => self.table_name(&name)?,
                    };
                    let rel = self.find_rel(&rel_name).cloned().ok_or_else(|| {
                        PgError::new(
                            SqlState::UNDEFINED_TABLE,
                            format!("missing FROM-clause entry for table \"{rel_name}\""),
                        )
                    })?;
                    self.expand(&rel, false, &mut items, &mut cols);
                }
                other => {
                    return Err(PgError::feature_not_supported(format!(
                        "select item {other}"
                    )));
                }
            }
        }
        Ok((items, cols))
    }

    /// `rel.*`, each column noted for the grouping check like a written column reference;
    /// `unqualified` for a plain `*`, which reads merged USING columns as their join keeps them.
    fn expand(
        &mut self,
        rel: &Rel,
        unqualified: bool,
        items: &mut Vec<SelectItem>,
        cols: &mut Vec<OutCol>,
    ) {
        let level = self.scopes.len().saturating_sub(1);
        for (name, ty) in &rel.columns {
            let merged = unqualified
                .then(|| self.merged_value(level, &rel.name, name))
                .flatten()
                .map(|m| (m.sqlite.clone(), m.ty));
            let ty = merged.as_ref().map_or(*ty, |(_, ty)| *ty);
            // A merged value was translated from its columns, so it is read already.
            let stored = rel.table.is_some() && merged.is_none();
            let substitute = merged
                .map(|(e, _)| e)
                .or_else(|| self.substitute(level, &rel.name, name));
            let e = match &substitute {
                Some(e) => e.clone(),
                None if rel.name.is_empty() => make::column(name),
                None => make::qualified_column(&rel.name, name),
            };
            let start = self.bare_len();
            if let Some(g) = self.grouping()
                && g.collecting
            {
                g.bare.push((rel.name.clone(), name.clone()));
            }
            self.item_range(start);
            // A table's char(n) columns are read padded, and so named in SQLite too.
            let read = match stored {
                true => super::bpchar::read(e.clone(), ty),
                false => e.clone(),
            };
            let renamed = substitute.is_some() || read != e;
            items.push(make::select_item(read, renamed.then_some(name.as_str())));
            cols.push((name.clone(), ty));
        }
    }

    fn bare_len(&mut self) -> usize {
        self.grouping().map(|g| g.bare.len()).unwrap_or(0)
    }

    fn item_range(&mut self, start: usize) {
        if let Some(g) = self.grouping()
            && g.collecting
        {
            let end = g.bare.len();
            g.item_ranges.push(start..end);
        }
    }

    fn set_collecting(&mut self, on: bool) {
        if let Some(g) = self.grouping() {
            g.collecting = on;
        }
    }

    /// 42803 for a column used outside an aggregate in a grouped query and not grouped:
    /// SQLite would answer with a value from an arbitrary row of the group.
    fn check_grouping(
        &mut self,
        grouped_query: bool,
        output_keys: &[OutputKey],
        grouped_columns: &[(String, String)],
        cols: &[OutCol],
    ) -> Result<(), PgError> {
        let Some(scope) = self.scopes.last() else {
            return Ok(());
        };
        let g = &scope.grouping;
        if !grouped_query && !g.saw_aggregate {
            return Ok(());
        }
        let mut exempt: Vec<std::ops::Range<usize>> = Vec::new();
        for key in output_keys {
            let index = match key {
                OutputKey::Name(name) => cols.iter().position(|(n, _)| n == name),
                OutputKey::Position(n) => {
                    check_position(*n, cols.len(), "GROUP BY")?;
                    usize::try_from(*n - 1).ok()
                }
            };
            if let Some(range) = index.and_then(|i| g.item_ranges.get(i)) {
                exempt.push(range.clone());
            }
        }
        for (i, (rel, col)) in g.bare.iter().enumerate() {
            if exempt.iter().any(|r| r.contains(&i))
                || grouped_columns.iter().any(|(r, c)| r == rel && c == col)
            {
                continue;
            }
            // Grouping by a table's whole primary key makes its other columns dependent.
            let key_grouped = scope
                .rels
                .iter()
                .find(|r| r.name == *rel)
                .and_then(|r| r.table.as_deref())
                .and_then(|t| self.catalog.table(t))
                .map(|t| t.primary_key())
                .is_some_and(|pk| {
                    !pk.is_empty()
                        && pk.iter().all(|c| {
                            grouped_columns
                                .iter()
                                .any(|(r, gc)| r == rel && *gc == c.name)
                        })
                });
            if key_grouped {
                continue;
            }
            return Err(PgError::new(
                SqlState::GROUPING_ERROR,
                format!(
                    "column \"{rel}.{col}\" must appear in the GROUP BY clause or be used in an aggregate function"
                ),
            ));
        }
        Ok(())
    }

    fn order_by(
        &mut self,
        order_by: Option<OrderBy>,
        cols: &[OutCol],
    ) -> Result<Option<OrderBy>, PgError> {
        let Some(mut order_by) = order_by else {
            return Ok(None);
        };
        if order_by.interpolate.is_some() {
            return Err(PgError::feature_not_supported("INTERPOLATE"));
        }
        let OrderByKind::Expressions(exprs) = &mut order_by.kind else {
            return Err(PgError::feature_not_supported("ORDER BY ALL"));
        };
        for o in exprs.iter_mut() {
            nulls_like_postgres(o)?;
            let taken = std::mem::replace(&mut o.expr, make::null());
            o.expr = match taken {
                Expr::Identifier(id)
                    if let Some(i) = cols.iter().position(|(c, _)| *c == fold(&id)) =>
                {
                    let (name, ty) = &cols[i];
                    if cols.iter().filter(|(c, _)| c == name).count() > 1 {
                        return Err(PgError::new(
                            SqlState::AMBIGUOUS_COLUMN,
                            format!("ORDER BY \"{name}\" is ambiguous"),
                        ));
                    }
                    match ty.ty {
                        PgType::AnyEnum => self.sort_key(make::column(name), Some(*ty))?,
                        // By position: SQLite resolves a bare name that is no alias against
                        // the FROM clause, where two tables may both have it.
                        _ => self.sort_key(make::int(i as i64 + 1), Some(*ty))?,
                    }
                }
                e => match ordinal(&e) {
                    Some(n) => {
                        check_position(n, cols.len(), "ORDER BY")?;
                        // An enum sorts by its place; a uniquely named output column lets
                        // SQLite's ORDER BY refer to it by name.
                        match usize::try_from(n - 1).ok().and_then(|i| cols.get(i)) {
                            Some((name, ty))
                                if ty.ty == PgType::AnyEnum
                                    && cols.iter().filter(|(c, _)| c == name).count() == 1 =>
                            {
                                self.sort_key(make::column(name), Some(*ty))?
                            }
                            // SQLite resolves an ordinal under COLLATE, and sorts by it.
                            Some((_, ty)) if super::expr::collated(ty.ty) => comparable(e, *ty),
                            _ => e,
                        }
                    }
                    None => {
                        let (e, ty) = self.expr(e)?;
                        self.sort_key(e, Some(ty))?
                    }
                },
            };
        }
        Ok(Some(order_by))
    }

    /// What ORDER BY sorts on: the value, its place in its enum's declaration order, or a
    /// numeric by value and an interval by span (their collations).
    pub(super) fn sort_key(&self, e: Expr, ty: Option<Ty>) -> Result<Expr, PgError> {
        match ty {
            Some(ty) if ty.ty == PgType::AnyEnum => self.enum_ordinal(e, ty),
            Some(ty) if super::expr::collated(ty.ty) => Ok(comparable(e, ty)),
            _ => Ok(e),
        }
    }

    fn limit(
        &mut self,
        limit: Option<LimitClause>,
        fetch: Option<sqlparser::ast::Fetch>,
    ) -> Result<Option<LimitClause>, PgError> {
        let int8 = Ty::of(PgType::Int8);
        let (mut limit, offset) = match limit {
            None => (None, None),
            Some(LimitClause::LimitOffset {
                limit,
                offset,
                limit_by,
            }) if limit_by.is_empty() => (limit, offset),
            Some(_) => return Err(PgError::feature_not_supported("LIMIT offset, count")),
        };
        if let Some(f) = fetch {
            if f.percent || limit.is_some() {
                return Err(PgError::feature_not_supported(
                    "FETCH FIRST ... PERCENT, or with LIMIT",
                ));
            }
            limit = Some(f.quantity.unwrap_or_else(|| make::int(1)));
        }
        let limit = match limit {
            Some(e) if crate::rewrite::expr::is_null(&e) => None,
            Some(e) => Some(self.row_count(e, int8, "pg_check_limit")?),
            None => None,
        };
        let offset = match offset {
            Some(Offset { value, rows: _ }) => Some(Offset {
                value: self.row_count(value, int8, "pg_check_offset")?,
                rows: OffsetRows::None,
            }),
            None => None,
        };
        if limit.is_none() && offset.is_none() {
            return Ok(None);
        }
        // SQLite needs a LIMIT before OFFSET; -1 means none.
        let limit = Some(limit.unwrap_or_else(|| make::int(-1)));
        Ok(Some(LimitClause::LimitOffset {
            limit,
            offset,
            limit_by: Vec::new(),
        }))
    }

    /// How many leading rows FETCH FIRST n ROWS WITH TIES keeps with their peers: the OFFSET
    /// (which the outer query then skips) plus n.
    fn rows_with_ties(
        &mut self,
        quantity: Option<Expr>,
        limit: &Option<LimitClause>,
    ) -> Result<Expr, PgError> {
        let int8 = Ty::of(PgType::Int8);
        let n = quantity.unwrap_or_else(|| make::int(1));
        let n = self.row_count(n, int8, "pg_check_limit")?;
        Ok(match limit {
            Some(LimitClause::LimitOffset {
                offset: Some(offset),
                ..
            }) => {
                let offset = self.row_count(offset.value.clone(), int8, "pg_check_offset")?;
                make::call("pg_int8_add", vec![offset, n])
            }
            _ => n,
        })
    }

    /// LIMIT/OFFSET values: int8, and negative counts are errors in PostgreSQL.
    fn row_count(&mut self, e: Expr, int8: Ty, check: &str) -> Result<Expr, PgError> {
        let e = self.expr_as(e, int8, Ctx::Implicit)?;
        if let Expr::Value(v) = &e
            && let Value::Number(n, _) = &v.value
            && n.parse::<i64>().is_ok_and(|n| n >= 0)
        {
            return Ok(e);
        }
        Ok(make::call(check, vec![e]))
    }

    pub fn table_with_joins(&mut self, twj: TableWithJoins) -> Result<TableWithJoins, PgError> {
        let relation = self.relation_item(twj.relation)?;
        let joins = self.joins(twj.joins)?;
        Ok(TableWithJoins { relation, joins })
    }

    /// `, LATERAL (...) x ...` after other FROM items: a cross join onto the items before it,
    /// which is the same rows and lets the subquery read them.
    fn lateral_after_comma(
        &mut self,
        left: &mut TableWithJoins,
        twj: TableWithJoins,
    ) -> Result<(), PgError> {
        let mut joins = vec![sqlparser::ast::Join {
            relation: twj.relation,
            global: false,
            join_operator: JoinOperator::CrossJoin(JoinConstraint::None),
        }];
        joins.extend(twj.joins);
        let joins = self.joins(joins)?;
        left.joins.extend(joins);
        Ok(())
    }

    fn joins(
        &mut self,
        list: Vec<sqlparser::ast::Join>,
    ) -> Result<Vec<sqlparser::ast::Join>, PgError> {
        let mut joins = Vec::with_capacity(list.len());
        for join in list {
            if join.global {
                return Err(PgError::feature_not_supported("GLOBAL JOIN"));
            }
            if let TableFactor::Derived {
                lateral: true,
                subquery,
                alias,
                sample: None,
            } = join.relation
            {
                let (kind, constraint) = match join.join_operator {
                    JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => (LateralJoin::Left, c),
                    JoinOperator::Join(c) | JoinOperator::Inner(c) | JoinOperator::CrossJoin(c) => {
                        (LateralJoin::Inner, c)
                    }
                    other => {
                        return Err(PgError::feature_not_supported(format!(
                            "LATERAL in join {other:?}"
                        )));
                    }
                };
                let (relation, constraint) =
                    self.lateral_subquery(*subquery, alias, kind, constraint)?;
                joins.push(sqlparser::ast::Join {
                    relation,
                    global: false,
                    join_operator: JoinOperator::Join(constraint),
                });
                continue;
            }
            let relation = self.relation_item(join.relation)?;
            let join_operator = match join.join_operator {
                JoinOperator::Join(c) => JoinOperator::Join(self.join_constraint(c, Merge::Left)?),
                JoinOperator::Inner(c) => {
                    JoinOperator::Inner(self.join_constraint(c, Merge::Left)?)
                }
                JoinOperator::Left(c) => JoinOperator::Left(self.join_constraint(c, Merge::Left)?),
                JoinOperator::LeftOuter(c) => {
                    JoinOperator::LeftOuter(self.join_constraint(c, Merge::Left)?)
                }
                JoinOperator::Right(c) => {
                    JoinOperator::Right(self.join_constraint(c, Merge::Right)?)
                }
                JoinOperator::RightOuter(c) => {
                    JoinOperator::RightOuter(self.join_constraint(c, Merge::Right)?)
                }
                JoinOperator::FullOuter(c) => {
                    JoinOperator::FullOuter(self.join_constraint(c, Merge::Full)?)
                }
                JoinOperator::CrossJoin(JoinConstraint::None) => {
                    JoinOperator::CrossJoin(JoinConstraint::None)
                }
                other => return Err(PgError::feature_not_supported(format!("join {other:?}"))),
            };
            joins.push(sqlparser::ast::Join {
                relation,
                global: false,
                join_operator,
            });
        }
        Ok(joins)
    }

    /// The join's condition; `merge` says which value its USING columns keep.
    fn join_constraint(
        &mut self,
        c: JoinConstraint,
        merge: Merge,
    ) -> Result<JoinConstraint, PgError> {
        match c {
            JoinConstraint::On(e) => Ok(JoinConstraint::On(self.condition(e)?)),
            JoinConstraint::None => Ok(JoinConstraint::None),
            JoinConstraint::Using(names) => {
                let columns = names
                    .iter()
                    .map(|n| n.0.last().and_then(|p| p.as_ident()).map(fold))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| PgError::feature_not_supported("a qualified USING column"))?;
                self.using(columns, merge)
            }
            JoinConstraint::Natural => {
                let scope = self.current_scope();
                let Some((right, left)) = scope.rels.split_last() else {
                    return Err(PgError::internal("NATURAL JOIN without a right side"));
                };
                let common: Vec<String> = right
                    .columns
                    .iter()
                    .map(|(c, _)| c.clone())
                    .filter(|c| {
                        left.iter().any(|r| {
                            r.columns.iter().any(|(lc, _)| lc == c)
                                && !scope.merged.contains(&(r.name.clone(), c.clone()))
                        })
                    })
                    .collect();
                if common.is_empty() {
                    return Ok(JoinConstraint::None);
                }
                self.using(common, merge)
            }
        }
    }

    /// `JOIN right USING (columns)`: `left.c = right.c` for each column, the left side being
    /// the one FROM item before it that has the column (or the value an earlier RIGHT or FULL
    /// join merged into it); right's columns are then merged away, and an unqualified `c`
    /// reads the value `merge` keeps.
    fn using(&mut self, columns: Vec<String>, merge: Merge) -> Result<JoinConstraint, PgError> {
        let scope = self.current_scope();
        let Some((right, left)) = scope.rels.split_last() else {
            return Err(PgError::internal("JOIN ... USING without a right side"));
        };
        let missing = |side: &str, c: &str| {
            PgError::new(
                SqlState::UNDEFINED_COLUMN,
                format!("column \"{c}\" specified in USING clause does not exist in {side} table"),
            )
        };
        let mut condition: Option<Expr> = None;
        let mut merged = Vec::with_capacity(columns.len());
        let mut leading = true;
        for (i, c) in columns.iter().enumerate() {
            if !right.columns.iter().any(|(rc, _)| rc == c) {
                return Err(missing("right", c));
            }
            let mut lefts = left.iter().enumerate().filter(|(_, r)| {
                r.columns.iter().any(|(lc, _)| lc == c)
                    && !scope.merged.contains(&(r.name.clone(), c.clone()))
            });
            let (position, left_rel) = lefts.next().ok_or_else(|| missing("left", c))?;
            if lefts.next().is_some() {
                return Err(PgError::new(
                    SqlState::AMBIGUOUS_COLUMN,
                    format!("common column name \"{c}\" appears more than once in left table"),
                ));
            }
            leading &= position == 0 && left_rel.columns.get(i).is_some_and(|(lc, _)| lc == c);
            let side =
                |rel: &Rel| Expr::CompoundIdentifier(vec![make::ident(&rel.name), make::ident(c)]);
            let type_of = |rel: &Rel| rel.columns.iter().find(|(n, _)| n == c).map(|(_, t)| *t);
            let (left_value, left_ty) = match scope
                .merged_values
                .iter()
                .find(|m| m.rel == left_rel.name && m.column == *c)
            {
                Some(m) => (m.pg.clone(), Some(m.ty)),
                None => (side(left_rel), type_of(left_rel)),
            };
            let eq = make::eq(left_value.clone(), side(right));
            condition = Some(match condition {
                None => eq,
                Some(acc) => make::and(acc, eq),
            });
            // The merged column has the type both sides meet in (int4 and int8 give int8).
            let ty = left_ty
                .zip(type_of(right))
                .and_then(|(l, r)| common_type(l, r))
                .or(left_ty);
            let value = match merge {
                Merge::Left if ty == left_ty => None,
                Merge::Left => Some(left_value),
                Merge::Right => Some(side(right)),
                Merge::Full => Some(make::call("coalesce", vec![left_value, side(right)])),
            };
            let value = value.map(|v| (v, ty));
            merged.push((left_rel.name.clone(), right.name.clone(), c.clone(), value));
        }
        scope.merged_out_of_order |= !leading;
        for (left, right, c, value) in merged {
            if let Some((pg, common)) = value {
                let (sqlite, ty) = self.expr(pg.clone())?;
                let ty = common.unwrap_or(ty);
                let scope = self.current_scope();
                scope
                    .merged_values
                    .retain(|m| !(m.rel == left && m.column == c));
                scope.merged_values.push(MergedValue {
                    rel: left,
                    column: c.clone(),
                    pg,
                    sqlite,
                    ty,
                });
            }
            self.current_scope().merged.push((right, c));
        }
        let condition = condition.ok_or_else(|| PgError::syntax_error("USING ()", None))?;
        Ok(JoinConstraint::On(self.condition(condition)?))
    }

    pub fn push_rel(&mut self, rel: Rel) -> Result<(), PgError> {
        let scope = self.current_scope();
        if !rel.name.is_empty() && scope.rels.iter().any(|r| r.name == rel.name) {
            return Err(PgError::new(
                SqlState::DUPLICATE_ALIAS,
                format!("table name \"{}\" specified more than once", rel.name),
            ));
        }
        scope.rels.push(rel);
        Ok(())
    }

    /// A sequence read as a relation (`SELECT last_value, is_called FROM seq`, as pg_dump
    /// does): its one row, from the executor's in-memory state where it has the sequence.
    /// `log_cnt`, the values PostgreSQL has logged ahead, is always 0.
    fn sequence_relation(
        &mut self,
        key: &str,
        alias: Option<&TableAlias>,
    ) -> Result<TableFactor, PgError> {
        let columns = vec![
            ("last_value".to_owned(), Ty::of(PgType::Int8)),
            ("log_cnt".to_owned(), Ty::of(PgType::Int8)),
            ("is_called".to_owned(), Ty::of(PgType::Bool)),
        ];
        let (rel_name, columns) = apply_alias(key, columns, alias)?;
        let state = |function: &str, column: &str| {
            make::call(
                "coalesce",
                vec![
                    make::call(function, vec![make::column("name")]),
                    make::column(column),
                ],
            )
        };
        let values = [
            state("devdb_sequence_last_value", "last_value"),
            make::int(0),
            state("devdb_sequence_is_called", "is_called"),
        ];
        let items = values
            .into_iter()
            .zip(&columns)
            .map(|(value, (name, _))| make::select_item(value, Some(name)))
            .collect();
        self.push_rel(Rel {
            name: rel_name.clone(),
            columns,
            table: None,
            view: None,
        })?;
        let row = make::select(
            items,
            vec![make::table(crate::catalog::SEQUENCES, None)],
            Some(make::eq(make::column("name"), make::string(key))),
        );
        Ok(make::derived(
            make::query(SetExpr::Select(Box::new(row))),
            make::alias(&rel_name, &[]),
        ))
    }

    fn relation_item(&mut self, factor: TableFactor) -> Result<TableFactor, PgError> {
        self.check_stack()?;
        match factor {
            TableFactor::Table {
                name,
                alias,
                args: None,
                with_hints,
                version: None,
                with_ordinality: false,
                partitions,
                json_path: None,
                sample: None,
                index_hints,
            } if with_hints.is_empty() && partitions.is_empty() && index_hints.is_empty() => {
                let system = self.system_relation(&name)?;
                let (table, stored) = match system {
                    // A catalog view is always aliased: the client names it `pg_class`.
                    Some(rel) => (rel.name.to_owned(), rel.view()),
                    None => {
                        // A CTE hides relations of its name; `without_returning` lists CTEs.
                        let table = match name.0.as_slice() {
                            [ObjectNamePart::Identifier(one)]
                                if self.find_cte(&fold(one)).is_some()
                                    || self.without_returning.contains(&fold(one)) =>
                            {
                                fold(one)
                            }
                            _ => self.relation_key(&name)?,
                        };
                        (table.clone(), table)
                    }
                };
                let is_cte =
                    system.is_none() && name.0.len() == 1 && self.find_cte(&table).is_some();
                if system.is_none()
                    && !is_cte
                    && self.catalog.table(&table).is_none()
                    && self.catalog.view(&table).is_none()
                    && self.catalog.sequences.contains(&table)
                {
                    return self.sequence_relation(&table, alias.as_ref());
                }
                if system.is_none() && name.0.len() == 1 && self.without_returning.contains(&table)
                {
                    return Err(PgError::new(
                        SqlState::FEATURE_NOT_SUPPORTED,
                        format!("WITH query \"{table}\" does not have a RETURNING clause"),
                    ));
                }
                // A user view (CREATE VIEW), when no table has the name.
                let view = (system.is_none() && !is_cte && self.catalog.table(&table).is_none())
                    .then(|| self.catalog.view(&table))
                    .flatten();
                let columns: Vec<OutCol> = match (system, self.find_cte(&table), view) {
                    (Some(rel), _, _) => super::system::columns(rel),
                    (None, Some(cte), _) if name.0.len() == 1 => cte.columns.clone(),
                    (_, _, Some(view)) => view
                        .columns
                        .iter()
                        .map(|c| (c.name.clone(), c.ty()))
                        .collect(),
                    _ => self
                        .lookup_table(&name)?
                        .columns
                        .iter()
                        .map(|c| (c.name.clone(), c.ty()))
                        .collect(),
                };
                if let Some(v) = view
                    && v.materialized == Some(false)
                {
                    return Err(PgError::new(
                        SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
                        format!(
                            "materialized view \"{}\" has not been populated",
                            crate::catalog::split(&v.name).1
                        ),
                    )
                    .with_hint("Use the REFRESH MATERIALIZED VIEW command."));
                }
                let is_view = view.is_some();
                if system.is_none() && !is_cte {
                    self.read_relations.push(table.clone());
                }
                // A table an earlier part of a data-modifying WITH changed: its copy from before.
                let copy = (system.is_none() && !is_cte && !is_view)
                    .then(|| self.copies.iter().find(|(key, _)| *key == table))
                    .flatten()
                    .map(|(_, copy)| copy.clone());
                let stored = copy.clone().unwrap_or(stored);
                let original: Vec<String> = columns.iter().map(|(n, _)| n.clone()).collect();
                let (rel_name, columns) = apply_alias(&table, columns, alias.as_ref())?;
                let renamed: Vec<String> = columns.iter().map(|(n, _)| n.clone()).collect();
                self.push_rel(Rel {
                    name: rel_name.clone(),
                    columns,
                    table: (!is_cte && !is_view && system.is_none()).then(|| table.clone()),
                    view: is_view.then(|| table.clone()),
                })?;
                // A catalog's rows carry its OID in the system column tableoid (psql's \dd and
                // \dL match pg_description.classoid with it).
                if let Some(oid) = system.and_then(crate::system::table_oid) {
                    self.current_scope().substitutes.push((
                        rel_name.clone(),
                        TABLEOID.to_owned(),
                        make::int(oid),
                    ));
                }
                if renamed == original {
                    let aliased = alias.is_some() || system.is_some() || copy.is_some();
                    return Ok(make::table(
                        &stored,
                        aliased.then(|| make::alias(&rel_name, &[])),
                    ));
                }
                // Renamed columns: select them under their new names.
                let items = original
                    .iter()
                    .zip(&renamed)
                    .map(|(o, r)| make::select_item(make::column(o), Some(r)))
                    .collect();
                let inner = make::select(items, vec![make::table(&stored, None)], None);
                Ok(make::derived(
                    make::query(SetExpr::Select(Box::new(inner))),
                    make::alias(&rel_name, &[]),
                ))
            }
            TableFactor::Table {
                name,
                alias,
                args:
                    Some(TableFunctionArgs {
                        args,
                        settings: None,
                    }),
                with_hints,
                version: None,
                with_ordinality,
                partitions,
                json_path: None,
                sample: None,
                index_hints,
            } if with_hints.is_empty() && partitions.is_empty() && index_hints.is_empty() => {
                self.function_item(&name, args, with_ordinality, alias)
            }
            TableFactor::UNNEST {
                alias,
                array_exprs,
                with_offset: false,
                with_offset_alias: None,
                with_ordinality,
            } => self.unnest(array_exprs, with_ordinality, alias),
            TableFactor::Derived {
                lateral: _,
                subquery,
                alias,
                sample: None,
            } => {
                // A LATERAL subquery first in its FROM list has nothing to its left to read.
                let (q, rel) = self.derived_query(*subquery, alias)?;
                let name = rel.name.clone();
                self.push_rel(rel)?;
                Ok(make::derived(q, make::alias(&name, &[])))
            }
            TableFactor::NestedJoin {
                table_with_joins,
                alias: None,
            } => Ok(TableFactor::NestedJoin {
                table_with_joins: Box::new(self.table_with_joins(*table_with_joins)?),
                alias: None,
            }),
            TableFactor::Function {
                lateral: true,
                name,
                args,
                with_ordinality,
                alias,
            } => self.function_item(&name, args, with_ordinality, alias),
            other => Err(PgError::feature_not_supported(format!("FROM item {other}"))),
        }
    }

    /// A subquery in FROM, translated, with its output columns renamed by its alias.
    pub fn derived_query(
        &mut self,
        subquery: Query,
        alias: Option<TableAlias>,
    ) -> Result<(Query, Rel), PgError> {
        let Some(alias) = alias else {
            return Err(PgError::syntax_error(
                "subquery in FROM must have an alias",
                None,
            ));
        };
        let (mut q, cols) = self.query(subquery)?;
        let original: Vec<String> = cols.iter().map(|(n, _)| n.clone()).collect();
        let (rel_name, cols) = apply_alias(&fold(&alias.name), cols, Some(&alias))?;
        let names: Vec<String> = cols.iter().map(|(n, _)| n.clone()).collect();
        if names != original {
            // SQLite has no column list on a derived table: rename inside it.
            q = rename_outputs(q, &names);
        }
        let rel = Rel {
            name: rel_name,
            columns: cols,
            table: None,
            view: None,
        };
        Ok((q, rel))
    }

    /// A function call in FROM, plain or `pg_catalog.`-qualified.
    fn function_item(
        &mut self,
        name: &ObjectName,
        args: Vec<FunctionArg>,
        with_ordinality: bool,
        alias: Option<TableAlias>,
    ) -> Result<TableFactor, PgError> {
        let fname = super::functions::function_name(name)?;
        match fname.as_str() {
            "unnest" => {
                let exprs = positional_args(args, &fname)?;
                return self.unnest(exprs, with_ordinality, alias);
            }
            "string_to_table" | "regexp_split_to_table" => {
                let exprs = positional_args(args, &fname)?;
                // The column is named after the function, as PostgreSQL names it.
                let alias = alias.or_else(|| Some(make::alias(&fname, &[])));
                let array = super::arrays::split_array(&fname, exprs);
                return self.unnest(vec![array], with_ordinality, alias);
            }
            "pg_partition_ancestors" => {
                return self.partition_ancestors_item(with_ordinality, alias);
            }
            "generate_series" => return self.generate_series(args, with_ordinality, alias),
            _ if with_ordinality => {
                return Err(PgError::feature_not_supported(format!(
                    "{fname} WITH ORDINALITY"
                )));
            }
            "regexp_matches" => return self.regexp_matches_item(args, alias),
            "pg_options_to_table" => return self.options_to_table_item(args, alias),
            _ => {}
        }
        if let Some(kind) = super::json_sets::to_record(&fname) {
            return self.json_to_records(kind, &fname, args, alias);
        }
        match super::json_sets::shape(&fname) {
            Some(shape) => self.json_set_function(shape, &fname, args, alias),
            None => self.scalar_function_item(name, &fname, args, alias),
        }
    }

    /// Any other function in FROM (`SELECT * FROM current_schema()`, as TypeORM asks): the
    /// rows of `SELECT f(args)`, one column named after the function, or after the alias.
    fn scalar_function_item(
        &mut self,
        name: &ObjectName,
        fname: &str,
        args: Vec<FunctionArg>,
        alias: Option<TableAlias>,
    ) -> Result<TableFactor, PgError> {
        let alias = alias.unwrap_or_else(|| make::alias(fname, &[]));
        let column = fold(&alias.name);
        let call = make::call_args(name.clone(), args);
        let select = make::select(vec![make::select_item(call, Some(&column))], vec![], None);
        let query = make::query(SetExpr::Select(Box::new(select)));
        let (q, rel) = self.derived_query(query, Some(alias))?;
        let rel_name = rel.name.clone();
        self.push_rel(rel)?;
        Ok(make::derived(q, make::alias(&rel_name, &[])))
    }

    /// `generate_series(start, stop[, step]) [AS alias[(column)]]` over SQLite's table-valued
    /// function of the same name, whose column is `value`.
    fn generate_series(
        &mut self,
        args: Vec<FunctionArg>,
        with_ordinality: bool,
        alias: Option<TableAlias>,
    ) -> Result<TableFactor, PgError> {
        let mut exprs = Vec::with_capacity(3);
        for a in args {
            match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => exprs.push(e),
                other => {
                    return Err(PgError::feature_not_supported(format!(
                        "generate_series argument {other}"
                    )));
                }
            }
        }
        let alias_name = alias
            .as_ref()
            .map(|a| fold(&a.name))
            .unwrap_or_else(|| "generate_series".to_owned());
        let (series_args, value, ty) = self.series(exprs, &alias_name)?;
        let named = alias.as_ref().map_or(&[][..], |a| a.columns.as_slice());
        let available = 1 + usize::from(with_ordinality);
        if named.len() > available {
            return Err(PgError::new(
                SqlState::INVALID_COLUMN_REFERENCE,
                format!(
                    "table \"{alias_name}\" has {available} columns available but {} columns specified",
                    named.len()
                ),
            ));
        }
        let column = named
            .first()
            .map_or_else(|| alias_name.clone(), |c| fold(&c.name));
        // SQLite's table-valued function stays in FROM, where its arguments may read the items
        // to its left (functions in FROM are LATERAL in PostgreSQL); its column is `value`.
        let series = make::table_function_as("generate_series", series_args, &alias_name);
        let mut columns = vec![(column, ty, value)];
        if with_ordinality {
            // Each SQLite series counts from its `start` by its `step`.
            let own = |c: &str| make::qualified_column(&alias_name, c);
            let offset = make::binary(
                own("value"),
                sqlparser::ast::BinaryOperator::Minus,
                own("start"),
            );
            let steps = make::binary(
                make::nested(offset),
                sqlparser::ast::BinaryOperator::Divide,
                own("step"),
            );
            columns.push((
                named
                    .get(1)
                    .map_or_else(|| "ordinality".to_owned(), |c| fold(&c.name)),
                Ty::of(PgType::Int8),
                make::nested(make::binary(
                    steps,
                    sqlparser::ast::BinaryOperator::Plus,
                    make::int(1),
                )),
            ));
        }
        self.substituted_rel(&alias_name, columns)?;
        Ok(series)
    }

    /// Puts relation `rel` of a function in FROM in scope with PostgreSQL's `columns`, each
    /// the expression over the SQLite function's own columns it stands for.
    pub(super) fn substituted_rel(
        &mut self,
        rel: &str,
        columns: Vec<(String, Ty, Expr)>,
    ) -> Result<&mut super::scope::Scope, PgError> {
        self.push_rel(Rel {
            name: rel.to_owned(),
            columns: columns.iter().map(|(n, t, _)| (n.clone(), *t)).collect(),
            table: None,
            view: None,
        })?;
        let scope = self.current_scope();
        for (n, _, e) in columns {
            scope.substitutes.push((rel.to_owned(), n, e));
        }
        Ok(scope)
    }

    /// `generate_series(start, stop[, step])` in a select list: a join with the series (as in
    /// FROM), whose value the call stands for.
    pub(super) fn select_list_series(&mut self, args: Vec<Expr>) -> Result<(Expr, Ty), PgError> {
        self.check_select_list_set()?;
        let name = self.next_series_alias();
        let (series_args, value, ty) = self.series(args, &name)?;
        let joined = self.select_list_join(make::table_function_as(
            "generate_series",
            series_args,
            &name,
        ))?;
        // A series already joined: its value is read through that join.
        let value = if joined == name {
            value
        } else {
            requalified(value, &name, &joined)
        };
        Ok((value, ty))
    }

    /// A generate_series call over SQLite's series read as `alias_name`: the arguments of
    /// SQLite's `generate_series`, the expression each row's value is, and its type.
    fn series(
        &mut self,
        mut exprs: Vec<Expr>,
        alias_name: &str,
    ) -> Result<(Vec<Expr>, Expr, Ty), PgError> {
        if !(2..=3).contains(&exprs.len()) {
            return Err(PgError::undefined_function(&format!(
                "generate_series({})",
                vec!["integer"; exprs.len()].join(", ")
            )));
        }
        let step = if exprs.len() == 3 { exprs.pop() } else { None };
        let step = step.map(|s| self.expr(s)).transpose()?;
        let numeric = Ty::of(PgType::Numeric);
        // A numeric step makes it generate_series(numeric, numeric, numeric), whatever the
        // bounds (`generate_series(1, '3.5', 0.5)`).
        let (bounds, bounds_ty) = if step.as_ref().is_some_and(|(_, t)| t.ty == PgType::Numeric) {
            let mut bounds = Vec::with_capacity(2);
            for e in exprs {
                let (e, ty) = self.expr(e)?;
                if !ty.is_unknown() && !super::casts::allowed(ty.ty, PgType::Numeric, Ctx::Implicit)
                {
                    return Err(PgError::undefined_function(&format!(
                        "generate_series({}, numeric, numeric)",
                        ty.ty
                    )));
                }
                bounds.push(self.coerce(e, ty, numeric, Ctx::Implicit)?);
            }
            (bounds, numeric)
        } else {
            self.common(exprs, "generate_series")?
        };
        let series_value = make::qualified_column(alias_name, "value");
        let datetime = matches!(
            bounds_ty.ty,
            PgType::Date | PgType::Timestamp | PgType::Timestamptz
        ) || step.as_ref().is_some_and(|(_, t)| t.ty == PgType::Interval);
        if datetime {
            self.timestamp_series(bounds, bounds_ty, step, series_value)
        } else if bounds_ty.ty == PgType::Numeric {
            self.numeric_series(bounds, bounds_ty, step, series_value)
        } else {
            self.integer_series(bounds, bounds_ty, step, series_value)
        }
    }

    /// The start and stop of a series, as `ty`.
    fn series_bounds(
        &mut self,
        bounds: Vec<Expr>,
        from: Ty,
        ty: Ty,
    ) -> Result<(Expr, Expr), PgError> {
        let mut args = bounds.into_iter();
        let start = args.next().unwrap_or_else(make::null);
        let stop = args.next().unwrap_or_else(make::null);
        Ok((
            self.coerce(start, from, ty, Ctx::Implicit)?,
            self.coerce(stop, from, ty, Ctx::Implicit)?,
        ))
    }

    /// generate_series over integers: SQLite's series, or k = 0..=count with start + k * step
    /// where its own would run a negative or computed step from the wrong end.
    fn integer_series(
        &mut self,
        bounds: Vec<Expr>,
        bounds_ty: Ty,
        step: Option<(Expr, Ty)>,
        series_value: Expr,
    ) -> Result<(Vec<Expr>, Expr, Ty), PgError> {
        let ty = match &step {
            Some((_, st)) => crate::types::common_type(bounds_ty, *st).ok_or_else(|| {
                PgError::undefined_function(&format!(
                    "generate_series({}, {}, {})",
                    bounds_ty.ty, bounds_ty.ty, st.ty
                ))
            })?,
            None => bounds_ty,
        };
        let ty = match ty.ty {
            PgType::Int2 | PgType::Int4 => Ty::of(PgType::Int4),
            PgType::Int8 => ty,
            PgType::Text | PgType::Unknown => {
                return Err(PgError::ambiguous_function(
                    "generate_series(unknown, unknown)",
                ));
            }
            other => {
                let args = vec![other.to_string(); 2 + usize::from(step.is_some())];
                return Err(PgError::undefined_function(&format!(
                    "generate_series({})",
                    args.join(", ")
                )));
            }
        };
        let (start, stop) = self.series_bounds(bounds, bounds_ty, ty)?;
        let step = step
            .map(|(e, t)| self.coerce(e, t, ty, Ctx::Implicit))
            .transpose()?;
        let positive_literal = |e: &Expr| matches!(e, Expr::Value(v) if matches!(&v.value, Value::Number(n, _) if n.parse::<i64>().is_ok_and(|n| n > 0)));
        // SQLite's series runs a negative step from the wrong end, so anything but a positive
        // constant step counts k = 0..=(stop - start) / step and yields start + k * step.
        Ok(match step {
            None => (vec![start, stop, make::int(1)], series_value, ty),
            Some(step) if positive_literal(&step) => (vec![start, stop, step], series_value, ty),
            Some(step) => {
                let count = make::call("pg_series_stop", vec![start.clone(), stop, step.clone()]);
                // Nested: it stands for a column inside any expression (`'n' || x`).
                let value = make::nested(make::binary(
                    make::nested(start),
                    sqlparser::ast::BinaryOperator::Plus,
                    make::binary(
                        series_value,
                        sqlparser::ast::BinaryOperator::Multiply,
                        make::nested(step),
                    ),
                ));
                (vec![make::int(0), count, make::int(1)], value, ty)
            }
        })
    }

    /// generate_series over numerics: k = 0..=count over SQLite's series, each value the
    /// start plus k exact steps.
    fn numeric_series(
        &mut self,
        bounds: Vec<Expr>,
        bounds_ty: Ty,
        step: Option<(Expr, Ty)>,
        series_value: Expr,
    ) -> Result<(Vec<Expr>, Expr, Ty), PgError> {
        let ty = Ty::of(PgType::Numeric);
        let (start, stop) = self.series_bounds(bounds, bounds_ty, ty)?;
        let step = match step {
            Some((e, t)) => self.coerce(e, t, ty, Ctx::Implicit)?,
            None => make::int(1),
        };
        let count = make::call(
            "pg_numeric_series_stop",
            vec![start.clone(), stop, step.clone()],
        );
        let value = make::call("pg_numeric_series_nth", vec![start, step, series_value]);
        Ok((vec![make::int(0), count, make::int(1)], value, ty))
    }

    /// generate_series over timestamps with an interval step: k = 0..=count over SQLite's
    /// series, each value the start with k steps added as PostgreSQL adds them, one by one.
    fn timestamp_series(
        &mut self,
        bounds: Vec<Expr>,
        bounds_ty: Ty,
        step: Option<(Expr, Ty)>,
        series_value: Expr,
    ) -> Result<(Vec<Expr>, Expr, Ty), PgError> {
        let ty = match bounds_ty.ty {
            PgType::Timestamp => Ty::of(PgType::Timestamp),
            _ => Ty::of(PgType::Timestamptz),
        };
        let Some((step, step_ty)) = step else {
            return Err(PgError::undefined_function(&format!(
                "generate_series({ty}, {ty})",
                ty = bounds_ty.ty
            )));
        };
        let step = self.coerce(step, step_ty, Ty::of(PgType::Interval), Ctx::Implicit)?;
        let (start, stop) = self.series_bounds(bounds, bounds_ty, ty)?;
        let zone = make::int((ty.ty == PgType::Timestamptz).into());
        let count = make::call(
            "pg_ts_series_stop",
            vec![start.clone(), stop, step.clone(), zone.clone()],
        );
        let value = make::call("pg_ts_series_nth", vec![start, step, series_value, zone]);
        Ok((vec![make::int(0), count, make::int(1)], value, ty))
    }
}

/// Spells out PostgreSQL's NULL placement in one ORDER BY term: NULLs sort as larger than any
/// value there, as smaller in SQLite.
pub fn nulls_like_postgres(o: &mut sqlparser::ast::OrderByExpr) -> Result<(), PgError> {
    if o.with_fill.is_some() {
        return Err(PgError::feature_not_supported("WITH FILL"));
    }
    let desc = match &o.options.sort {
        None | Some(sqlparser::ast::OrderBySort::Asc) => false,
        Some(sqlparser::ast::OrderBySort::Desc) => true,
        Some(_) => return Err(PgError::feature_not_supported("ORDER BY ... USING")),
    };
    o.options.nulls_first = Some(o.options.nulls_first.unwrap_or(desc));
    Ok(())
}

/// A GROUP BY key that refers to an output column.
enum OutputKey {
    Name(String),
    Position(i64),
}

/// `e` with the columns qualified by relation `from` qualified by `to` instead.
fn requalified(mut e: Expr, from: &str, to: &str) -> Expr {
    let _ = sqlparser::ast::visit_expressions_mut(&mut e, |e| {
        if let Expr::CompoundIdentifier(parts) = e
            && let [relation, _] = parts.as_mut_slice()
            && relation.value == from
        {
            *relation = make::ident(to);
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    e
}

/// Gives a translated query's output columns new names, as SQLite takes them: from the
/// leftmost SELECT of a compound, or from a wrapping SELECT for VALUES.
pub(super) fn rename_outputs(mut q: Query, names: &[String]) -> Query {
    fn leftmost(body: &mut SetExpr) -> Option<&mut Select> {
        match body {
            SetExpr::Select(s) => Some(s),
            SetExpr::SetOperation { left, .. } => leftmost(left),
            SetExpr::Query(q) => leftmost(&mut q.body),
            _ => None,
        }
    }
    if let Some(select) = leftmost(&mut q.body) {
        for (item, name) in select.projection.iter_mut().zip(names) {
            let expr = match std::mem::replace(item, SelectItem::UnnamedExpr(make::null())) {
                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => e,
                other => {
                    *item = other;
                    continue;
                }
            };
            *item = make::select_item(expr, Some(name));
        }
        return q;
    }
    let items = names
        .iter()
        .enumerate()
        .map(|(i, n)| make::select_item(make::column(&format!("column{}", i + 1)), Some(n)))
        .collect();
    let inner = make::select(
        items,
        vec![make::derived(q, make::alias("__devdb_values", &[]))],
        None,
    );
    make::query(SetExpr::Select(Box::new(inner)))
}

/// True for a query with none of the clauses around its body (WITH, ORDER BY, LIMIT, FETCH,
/// FOR UPDATE).
pub(super) fn without_clauses(q: &Query) -> bool {
    q.with.is_none()
        && q.order_by.is_none()
        && q.limit_clause.is_none()
        && q.fetch.is_none()
        && q.locks.is_empty()
}

/// Applies `AS alias(c1, c2)`: the relation's name and its (partly) renamed columns.
fn apply_alias(
    default: &str,
    mut cols: Vec<OutCol>,
    alias: Option<&TableAlias>,
) -> Result<(String, Vec<OutCol>), PgError> {
    let Some(alias) = alias else {
        return Ok((default.to_owned(), cols));
    };
    if alias.columns.len() > cols.len() {
        return Err(PgError::too_many_column_aliases(
            &format!("table \"{}\"", fold(&alias.name)),
            cols.len(),
            alias.columns.len(),
        ));
    }
    for (slot, c) in cols.iter_mut().zip(&alias.columns) {
        if c.data_type.is_some() {
            return Err(PgError::feature_not_supported(
                "column definitions in an alias",
            ));
        }
        slot.0 = fold(&c.name);
    }
    Ok((fold(&alias.name), cols))
}

pub(super) fn rename(
    cols: Vec<OutCol>,
    names: &[String],
    cte: &str,
) -> Result<Vec<OutCol>, PgError> {
    if names.len() > cols.len() {
        return Err(PgError::too_many_column_aliases(
            &format!("WITH query \"{cte}\""),
            cols.len(),
            names.len(),
        ));
    }
    Ok(cols
        .into_iter()
        .enumerate()
        .map(|(i, (n, t))| (names.get(i).cloned().unwrap_or(n), t))
        .collect())
}

fn check_wildcard_options(opts: &WildcardAdditionalOptions) -> Result<(), PgError> {
    let WildcardAdditionalOptions {
        wildcard_token: _,
        opt_ilike,
        opt_exclude,
        opt_except,
        opt_replace,
        opt_rename,
        opt_alias,
    } = opts;
    if opt_ilike.is_some()
        || opt_exclude.is_some()
        || opt_except.is_some()
        || opt_replace.is_some()
        || opt_rename.is_some()
        || opt_alias.is_some()
    {
        return Err(PgError::feature_not_supported("wildcard options"));
    }
    Ok(())
}

/// INTERSECT ALL and EXCEPT ALL, which SQLite lacks: numbering the copies of each row on both
/// sides (`row_number() OVER (PARTITION BY every column)`) makes them distinct rows, so the
/// distinct operation keeps min(m, n) copies, or max(m - n, 0); the numbers are then dropped.
fn all_rows_operation(left: SetExpr, op: SetOperator, right: SetExpr, cols: &[OutCol]) -> SetExpr {
    let names: Vec<String> = (1..=cols.len()).map(|i| format!("__devdb_c{i}")).collect();
    let numbered = |side: SetExpr, alias: &str| {
        let renamed = rename_outputs(make::query(side), &names);
        let mut items: Vec<SelectItem> = names
            .iter()
            .map(|n| make::select_item(make::column(n), None))
            .collect();
        let row_number =
            make::row_number(names.iter().map(|n| make::column(n)).collect(), Vec::new());
        items.push(make::select_item(row_number, Some("__devdb_copy")));
        let select = make::select(
            items,
            vec![make::derived(renamed, make::alias(alias, &[]))],
            None,
        );
        SetExpr::Select(Box::new(select))
    };
    let operation = SetExpr::SetOperation {
        left: Box::new(numbered(left, "__devdb_left")),
        op,
        set_quantifier: SetQuantifier::None,
        right: Box::new(numbered(right, "__devdb_right")),
    };
    let outer_names: Vec<String> = cols.iter().map(|(n, _)| n.clone()).collect();
    let outer = make::select_renamed(
        &names,
        &outer_names,
        make::query(operation),
        "__devdb_all",
        None,
    );
    SetExpr::Select(Box::new(outer))
}

/// A set operation's SELECT with its outputs compared as their types' equality does (SQLite
/// takes a compound's collations from its members' columns).
fn collate_member(body: SetExpr, cols: &[OutCol]) -> SetExpr {
    match body {
        SetExpr::Select(mut s) => {
            collate_items(&mut s.projection, cols, |_| true);
            SetExpr::Select(s)
        }
        other => other,
    }
}

/// Gives the select-list items that `chosen` picks (by position and output column) the
/// collation of their type, so that SQLite's DISTINCT, GROUP BY and set operations compare
/// numerics by value, intervals by span, jsonb by value and citext without case. A bare column
/// keeps its name, which an enclosing query may refer to.
fn collate_items(
    items: &mut [SelectItem],
    cols: &[OutCol],
    chosen: impl Fn((usize, &OutCol)) -> bool,
) {
    for (i, (item, col)) in items.iter_mut().zip(cols).enumerate() {
        if !super::expr::collated(col.1.ty) || !chosen((i, col)) {
            continue;
        }
        let taken = std::mem::replace(item, SelectItem::UnnamedExpr(make::null()));
        *item = match taken {
            SelectItem::UnnamedExpr(e) => match column_name(&e) {
                Some(name) => SelectItem::ExprWithAlias {
                    expr: comparable(e, col.1),
                    alias: make::ident(&name),
                },
                None => SelectItem::UnnamedExpr(comparable(e, col.1)),
            },
            SelectItem::ExprWithAlias { expr, alias } => SelectItem::ExprWithAlias {
                expr: comparable(expr, col.1),
                alias,
            },
            other => other,
        };
    }
}

/// The name SQLite gives a bare column reference's output.
fn column_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Identifier(id) => Some(id.value.clone()),
        Expr::CompoundIdentifier(parts) => parts.last().map(|id| id.value.clone()),
        _ => None,
    }
}

/// A compound-select member as SQLite accepts it: no parentheses, no nested compound on the
/// right (SQLite evaluates compounds left to right; PostgreSQL binds INTERSECT tighter).
fn compound_member(body: SetExpr) -> SetExpr {
    match body {
        SetExpr::Query(q)
            if q.with.is_none()
                && q.order_by.is_none()
                && q.limit_clause.is_none()
                && q.fetch.is_none() =>
        {
            compound_member(*q.body)
        }
        SetExpr::Select(_) | SetExpr::Values(_) => body,
        other => {
            let q = match other {
                SetExpr::Query(q) => *q,
                other => make::query(other),
            };
            let star = SelectItem::Wildcard(WildcardAdditionalOptions::default());
            let inner = make::select(
                vec![star],
                vec![make::derived(q, make::alias("__devdb_compound", &[]))],
                None,
            );
            SetExpr::Select(Box::new(inner))
        }
    }
}

fn same_numeric(a: PgType, b: PgType) -> bool {
    a == b || (a.is_numeric() && b.is_numeric())
}

fn set_arity_error(op: &SetOperator) -> PgError {
    PgError::syntax_error(
        format!("each {op} query must have the same number of columns"),
        None,
    )
}

pub fn ordinal(e: &Expr) -> Option<i64> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::Number(n, _) => n.parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

fn check_position(n: i64, len: usize, clause: &str) -> Result<(), PgError> {
    if n < 1 || n as usize > len {
        return Err(PgError::new(
            SqlState::INVALID_COLUMN_REFERENCE,
            format!("{clause} position {n} is not in select list"),
        ));
    }
    Ok(())
}

/// The result columns as RowDescription lists them.
pub fn columns(cols: &[OutCol]) -> Vec<Column> {
    cols.iter()
        .map(|(name, ty)| Column {
            name: name.clone(),
            ty: ty.ty,
            typmod: ty.typmod,
            enum_oid: ty.enum_oid,
        })
        .collect()
}

/// PostgreSQL's FigureColname: the name of an unaliased output column.
pub fn figure_colname(e: &Expr) -> Option<String> {
    colname(e).map(|(name, _)| name)
}

/// The name and its strength: a cast replaces a weak (1) name by its type's, not a strong (2).
fn colname(e: &Expr) -> Option<(String, u8)> {
    let strong = |s: String| Some((s, 2));
    let weak = |s: &str| Some((s.to_owned(), 1));
    let type_name = |dt: &sqlparser::ast::DataType| {
        use sqlparser::ast::{ArrayElemTypeDef, DataType};
        // `x::int[]` is named after the element type, as written before the brackets.
        let dt = match dt {
            DataType::Array(
                ArrayElemTypeDef::SquareBracket(element, _)
                | ArrayElemTypeDef::Qualified(element, _),
            ) => element.as_ref(),
            other => other,
        };
        match dt {
            // A user-defined type (an enum) is named as written.
            DataType::Custom(name, _) if crate::types::from_data_type(dt).is_err() => {
                match name.0.last() {
                    Some(sqlparser::ast::ObjectNamePart::Identifier(id)) => Some((fold(id), 1)),
                    _ => None,
                }
            }
            _ => crate::types::from_data_type(dt)
                .ok()
                .map(|d| (d.ty.ty.name().to_owned(), 1)),
        }
    };
    match e {
        Expr::Identifier(id) => strong(fold(id)),
        Expr::CompoundIdentifier(ids) => ids.last().map(|id| (fold(id), 2)),
        Expr::Function(f) => f
            .name
            .0
            .last()
            .and_then(|p| p.as_ident())
            .map(|id| (fold(id), 2)),
        Expr::Nested(inner) => colname(inner),
        Expr::Cast {
            expr, data_type, ..
        } => match colname(expr) {
            Some((name, 2)) => Some((name, 2)),
            _ => type_name(data_type),
        },
        Expr::TypedString(ts) => type_name(&ts.data_type),
        Expr::Case { .. } => weak("case"),
        Expr::Array(_) => strong("array".into()),
        Expr::CompoundFieldAccess { root, .. } => colname(root),
        Expr::Exists { negated: false, .. } => strong("exists".into()),
        Expr::Substring {
            shorthand: true, ..
        } => strong("substr".into()),
        Expr::Substring { .. } => strong("substring".into()),
        Expr::Trim { .. } => strong("btrim".into()),
        Expr::Position { .. } => strong("position".into()),
        Expr::Ceil { .. } => strong("ceil".into()),
        Expr::Overlay { .. } => strong("overlay".into()),
        Expr::Floor { .. } => strong("floor".into()),
        Expr::AtTimeZone { .. } => strong("timezone".into()),
        Expr::Interval(_) => Some(("interval".into(), 1)),
        Expr::Extract { .. } => strong("extract".into()),
        Expr::BinaryOp {
            op: sqlparser::ast::BinaryOperator::Overlaps,
            ..
        } => strong("overlaps".into()),
        Expr::Subquery(q) => match q.body.as_ref() {
            SetExpr::Select(s) => match s.projection.first() {
                Some(SelectItem::ExprWithAlias { alias, .. }) => strong(fold(alias)),
                Some(SelectItem::UnnamedExpr(e)) => colname(e),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// Which value a JOIN ... USING column keeps, as PostgreSQL merges it: the left side's for
/// inner and left joins, the right's for right joins, the non-null one for full joins.
#[derive(Clone, Copy)]
enum Merge {
    Left,
    Right,
    Full,
}

/// The arguments of a call in FROM that takes positional expressions only.
fn positional_args(args: Vec<FunctionArg>, function: &str) -> Result<Vec<Expr>, PgError> {
    let what = format!("{function} argument");
    args.into_iter()
        .map(|a| super::functions::positional_arg(a, &what))
        .collect()
}

/// `SELECT column1, ... FROM (VALUES ...) AS "*VALUES*"`, PostgreSQL's name for the list; the
/// columns are named so that a set operation can rename them (`rename_outputs`).
fn select_all_from(values: SetExpr) -> SetExpr {
    let width = match &values {
        SetExpr::Values(v) => v.rows.first().map_or(0, |r| r.content.len()),
        _ => 0,
    };
    let columns = (1..=width)
        .map(|i| make::select_item(make::column(&format!("column{i}")), None))
        .collect();
    let list = make::derived(make::query(values), make::alias("*VALUES*", &[]));
    SetExpr::Select(Box::new(make::select(columns, vec![list], None)))
}
