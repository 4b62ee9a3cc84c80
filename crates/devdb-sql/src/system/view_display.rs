//! A view's query as PostgreSQL's pg_get_viewdef prints it, for views over tables and views
//! joined with JOIN ... ON: each output on its own line, columns qualified by their relation,
//! an output named otherwise than its column `AS name`, joins parenthesized in the plain form,
//! and the clauses indented as PostgreSQL indents them. Other queries print as written.

use devdb_pg::value::json::Json;
use devdb_pg::{PgError, PgType, Value};
use sqlparser::ast::{
    Expr, GroupByExpr, JoinConstraint, JoinOperator, LimitClause, OrderByKind, OrderBySort, Query,
    SelectItem, SetExpr, TableFactor,
};

use super::check_display::{Deparser, Kind, Scope, coerce, column_types_of};
use super::functions::quote_ident;
use crate::catalog::parse_name_list;
use crate::rewrite::fold;

/// pg_view_display(definition, relations, outputs, pretty [, qualify]): the view's query as
/// pg_get_viewdef prints it. `relations` is a JSON object of the relations it reads, each by
/// the name it is printed as (`users`, `app.people`), with its columns and their type OIDs;
/// `outputs` the view's column names as a JSON list. With `qualify` true the relations in
/// `public` are named with their schema too.
pub(crate) fn pg_view_display(args: &[Value]) -> Result<Value, PgError> {
    let text = |i: usize| match args.get(i) {
        Some(Value::Text(s)) => Some(s.as_str()),
        _ => None,
    };
    let Some(definition) = text(0) else {
        return Ok(Value::Null);
    };
    let pretty = matches!(args.get(3), Some(Value::Int(1)));
    let qualify = matches!(args.get(4), Some(Value::Int(1)));
    let shown = match (text(1).map(|r| Json::parse(r, false)), text(2)) {
        (Some(Ok(Json::Object(relations))), Some(outputs)) => {
            let relations: Vec<(String, Vec<(String, PgType)>)> = relations
                .into_iter()
                .map(|(name, columns)| match qualify && !name.contains('.') {
                    true => (format!("public.{name}"), column_types_of(columns)),
                    false => (name, column_types_of(columns)),
                })
                .collect();
            let outputs = parse_name_list(outputs)?;
            crate::parse::query(definition).and_then(|q| {
                display(&q, &relations, &outputs, pretty).or_else(|| {
                    // Printed as written, but with the relations' schemas where asked.
                    qualify.then(|| format!(" {};", qualified(q, &relations)))
                })
            })
        }
        _ => None,
    };
    Ok(Value::Text(
        shown.unwrap_or_else(|| format!(" {definition};")),
    ))
}

/// `query` with its unqualified references to `relations` (printed names, the ones in `public`
/// qualified) named with their schema; names its WITH defines stay as they are.
fn qualified(mut query: Query, relations: &[(String, Vec<(String, PgType)>)]) -> Query {
    let ctes: Vec<String> = query
        .with
        .iter()
        .flat_map(|w| &w.cte_tables)
        .map(|cte| fold(&cte.alias.name))
        .collect();
    let _ = sqlparser::ast::visit_relations_mut(&mut query, |name| {
        let single = match name.0.as_slice() {
            [part] => part.as_ident().map(fold),
            _ => None,
        };
        if let Some(plain) = single.filter(|p| !ctes.contains(p)) {
            let printed = relations
                .iter()
                .map(|(printed, _)| printed)
                .find(|p| p.split_once('.').map(|(_, n)| n) == Some(quote_ident(&plain).as_str()));
            if let Some((schema, _)) = printed.and_then(|p| p.split_once('.')) {
                // Already quoted as it is printed.
                let schema = sqlparser::ast::Ident::new(schema);
                name.0
                    .insert(0, sqlparser::ast::ObjectNamePart::Identifier(schema));
            }
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    query
}

/// A FROM item: the relation's printed name and alias, and its scope.
fn from_item(
    factor: &TableFactor,
    relations: &[(String, Vec<(String, PgType)>)],
) -> Option<(String, Scope)> {
    let TableFactor::Table {
        name,
        alias,
        args: None,
        ..
    } = factor
    else {
        return None;
    };
    let alias = match alias {
        Some(a) if a.columns.is_empty() => Some(fold(&a.name)),
        Some(_) => return None,
        None => None,
    };
    // The relation as PostgreSQL names it: its own plain name, or the alias.
    let plain = fold(name.0.last()?.as_ident()?);
    let mut matching = relations
        .iter()
        .filter(|(printed, _)| printed.rsplit('.').next() == Some(quote_ident(&plain).as_str()));
    let (printed, columns) = matching.next()?;
    if matching.next().is_some() {
        return None;
    }
    let shown = match &alias {
        Some(a) => format!("{printed} {}", quote_ident(a)),
        None => printed.clone(),
    };
    Some((shown, (Some(alias.unwrap_or(plain)), columns.clone())))
}

fn display(
    query: &Query,
    relations: &[(String, Vec<(String, PgType)>)],
    outputs: &[String],
    pretty: bool,
) -> Option<String> {
    let Query {
        with: None,
        body,
        order_by,
        limit_clause,
        fetch: None,
        locks,
        for_clause: None,
        settings: None,
        format_clause: None,
        pipe_operators,
    } = query
    else {
        return None;
    };
    if !locks.is_empty() || !pipe_operators.is_empty() {
        return None;
    }
    let SetExpr::Select(select) = body.as_ref() else {
        return None;
    };
    if select.distinct.is_some()
        || select.top.is_some()
        || select.into.is_some()
        || !select.lateral_views.is_empty()
        || select.prewhere.is_some()
        || !select.cluster_by.is_empty()
        || !select.distribute_by.is_empty()
        || !select.sort_by.is_empty()
        || !select.named_window.is_empty()
        || select.qualify.is_some()
        || !select.connect_by.is_empty()
    {
        return None;
    }
    let [from] = select.from.as_slice() else {
        return None;
    };
    let (first, scope) = from_item(&from.relation, relations)?;
    let mut scopes = vec![scope];
    // Each join with its printed keyword, relation and ON condition.
    let mut joins = Vec::new();
    for join in &from.joins {
        let (keyword, constraint) = match &join.join_operator {
            JoinOperator::Join(c) | JoinOperator::Inner(c) => ("JOIN", c),
            JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => ("LEFT JOIN", c),
            JoinOperator::Right(c) | JoinOperator::RightOuter(c) => ("RIGHT JOIN", c),
            JoinOperator::FullOuter(c) => ("FULL JOIN", c),
            _ => return None,
        };
        let JoinConstraint::On(on) = constraint else {
            return None;
        };
        let (shown, scope) = from_item(&join.relation, relations)?;
        scopes.push(scope);
        joins.push((keyword, shown, on));
    }
    let deparser = Deparser {
        relations: &scopes,
        value_keyword: false,
    };
    // PostgreSQL's plain form parenthesizes each join and its condition.
    let mut from_clause = "(".repeat(if pretty { 0 } else { joins.len() }) + &first;
    for (keyword, shown, on) in joins {
        let on = deparser.bool_expr(on)?.print(pretty, None);
        match pretty {
            true => from_clause.push_str(&format!("\n     {keyword} {shown} ON {on}")),
            false => from_clause.push_str(&format!("\n     {keyword} {shown} ON ({on}))")),
        }
    }
    let mut items = Vec::new();
    for item in &select.projection {
        match item {
            SelectItem::Wildcard(_) => {
                for (qualifier, columns) in &scopes {
                    for (name, _) in columns {
                        items.push((
                            deparser
                                .column(qualifier.as_deref(), name)
                                .print(pretty, None),
                            Some(name.clone()),
                        ));
                    }
                }
            }
            SelectItem::UnnamedExpr(e) => items.push(target(&deparser, e, pretty)?),
            SelectItem::ExprWithAlias { expr, .. } => {
                items.push((target(&deparser, expr, pretty)?.0, None));
            }
            _ => return None,
        }
    }
    if items.len() != outputs.len() {
        return None;
    }
    let targets: Vec<String> = items
        .into_iter()
        .zip(outputs)
        .map(|((shown, natural), output)| match natural {
            Some(n) if n == *output => shown,
            _ => format!("{shown} AS {}", quote_ident(output)),
        })
        .collect();
    let mut out = format!(" SELECT {}\n   FROM {from_clause}", targets.join(",\n    "));
    if let Some(selection) = &select.selection {
        let node = deparser.bool_expr(selection)?;
        out.push_str(&format!("\n  WHERE {}", node.print(pretty, None)));
    }
    match &select.group_by {
        GroupByExpr::Expressions(exprs, modifiers) if modifiers.is_empty() => {
            if !exprs.is_empty() {
                let shown = exprs
                    .iter()
                    .map(|e| Some(deparser.operand(e)?.node.print(pretty, None)))
                    .collect::<Option<Vec<_>>>()?;
                out.push_str(&format!("\n  GROUP BY {}", shown.join(", ")));
            }
        }
        _ => return None,
    }
    if let Some(having) = &select.having {
        let node = deparser.bool_expr(having)?;
        out.push_str(&format!("\n HAVING {}", node.print(pretty, None)));
    }
    if let Some(order_by) = order_by {
        let OrderByKind::Expressions(terms) = &order_by.kind else {
            return None;
        };
        let mut shown = Vec::new();
        for term in terms {
            let mut s = deparser.operand(&term.expr)?.node.print(pretty, None);
            match (&term.options.sort, term.options.nulls_first) {
                (None | Some(OrderBySort::Asc), None) => {}
                (Some(OrderBySort::Desc), None) => s.push_str(" DESC"),
                _ => return None,
            }
            shown.push(s);
        }
        out.push_str(&format!("\n  ORDER BY {}", shown.join(", ")));
    }
    match limit_clause {
        None => {}
        Some(LimitClause::LimitOffset {
            limit: Some(limit),
            offset: None,
            limit_by,
        }) if limit_by.is_empty() => match limit {
            Expr::Value(v) => out.push_str(&format!("\n LIMIT {}", v.value)),
            _ => return None,
        },
        Some(_) => return None,
    }
    out.push(';');
    Some(out)
}

/// A select-list item as printed, with the name it gives its output when it is a column.
fn target(deparser: &Deparser<'_>, e: &Expr, pretty: bool) -> Option<(String, Option<String>)> {
    let operand = deparser.operand(e)?;
    let natural = match e {
        Expr::Identifier(id) => Some(fold(id)),
        Expr::CompoundIdentifier(parts) => parts.last().map(fold),
        _ => None,
    };
    let node = match operand.kind {
        // An untyped literal's output is text.
        Kind::String => coerce(operand, PgType::Text)?,
        Kind::Typed(_) => operand.node,
    };
    Some((node.print(pretty, None), natural))
}
