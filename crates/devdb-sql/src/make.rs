//! Constructors for the sqlparser AST nodes the translator emits (rust-analyzer's `ast::make`).
//!
//! Every identifier made here is double-quoted, so the printed SQLite text never depends on
//! keyword lists or case folding.

use sqlparser::ast::{Assignment, GroupByExpr, helpers::attached_token::AttachedToken};
use sqlparser::ast::{
    AssignmentTarget, BinaryOperator, CaseWhen, CreateIndex, Delete, Expr, FromTable, Function,
    FunctionArg, FunctionArgExpr, FunctionArgumentList, FunctionArguments, Ident, IndexColumn,
    Insert, ObjectName, ObjectType, OrderByExpr, OrderByOptions, Query, Select, SelectFlavor,
    SelectItem, SetExpr, Statement, TableAlias, TableFactor, TableObject, TableWithJoins, Update,
    Value, ValueWithSpan, Values,
};
use sqlparser::tokenizer::Span;

pub fn ident(name: &str) -> Ident {
    Ident {
        value: name.to_owned(),
        quote_style: Some('"'),
        span: Span::empty(),
    }
}

/// A name printed without quotes: SQLite functions and keywords-as-names.
pub fn bare_ident(name: &str) -> Ident {
    Ident {
        value: name.to_owned(),
        quote_style: None,
        span: Span::empty(),
    }
}

pub fn name(name: &str) -> ObjectName {
    ObjectName::from(vec![ident(name)])
}

/// `ALTER TABLE name operations`.
pub fn alter_table(
    name: ObjectName,
    operations: Vec<sqlparser::ast::AlterTableOperation>,
) -> sqlparser::ast::AlterTable {
    sqlparser::ast::AlterTable {
        name,
        if_exists: false,
        only: false,
        operations,
        location: None,
        on_cluster: None,
        table_type: None,
        end_token: AttachedToken::empty(),
    }
}

pub fn column(name: &str) -> Expr {
    Expr::Identifier(ident(name))
}

pub fn qualified_column(relation: &str, name: &str) -> Expr {
    Expr::CompoundIdentifier(vec![ident(relation), ident(name)])
}

pub fn value(value: Value) -> Expr {
    Expr::Value(ValueWithSpan {
        value,
        span: Span::empty(),
    })
}

pub fn int(i: i64) -> Expr {
    value(Value::Number(i.to_string(), false))
}

/// A REAL literal; infinities print as out-of-range literals, which SQLite reads as +-Inf.
/// NaN has no SQLite spelling (it stores NULL), so callers reject it first.
pub fn float(f: f64) -> Expr {
    let text = if f.is_infinite() {
        if f > 0.0 {
            "9e999".to_owned()
        } else {
            "-9e999".to_owned()
        }
    } else {
        let s = format!("{f:?}");
        if s.contains(['.', 'e', 'E']) {
            s
        } else {
            format!("{s}.0")
        }
    };
    value(Value::Number(text, false))
}

pub fn string(s: &str) -> Expr {
    // sqlparser prints a quote that is already doubled, or follows a backslash, as it is (it
    // cannot know whether the text was unescaped), which would end SQLite's literal early:
    // such text is printed as a token of its own with every quote doubled.
    if s.contains("''") || s.contains("\\'") {
        return value(Value::Placeholder(format!("'{}'", s.replace('\'', "''"))));
    }
    value(Value::SingleQuotedString(s.to_owned()))
}

/// A parsed node printed as PostgreSQL SQL that parses back to the same node, for the catalog
/// (defaults, checks, view definitions): string literals print through [`string`], since
/// sqlparser's own printing leaves a doubled quote inside a literal undoubled.
pub fn sql_text<T: sqlparser::ast::VisitMut + std::fmt::Display + Clone>(node: &T) -> String {
    let mut node = node.clone();
    let _ = sqlparser::ast::visit_expressions_mut(&mut node, |e| {
        if let Expr::Value(v) = e
            && let Value::SingleQuotedString(s) = &v.value
        {
            *e = string(s);
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    node.to_string()
}

pub fn blob(bytes: &[u8]) -> Expr {
    let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
    value(Value::HexStringLiteral(hex))
}

pub fn null() -> Expr {
    value(Value::Null)
}

/// `?n`: SQLite's numbered parameter, bound by the executor from `$n`.
pub fn placeholder(n: usize) -> Expr {
    value(Value::Placeholder(format!("?{n}")))
}

/// `$n`: a PostgreSQL parameter, in a statement the translator builds and then translates.
pub fn parameter(n: usize) -> Expr {
    value(Value::Placeholder(format!("${n}")))
}

pub fn nested(e: Expr) -> Expr {
    Expr::Nested(Box::new(e))
}

/// `(e) COLLATE name`: parenthesized, since COLLATE binds tighter than any operator.
pub fn collate(e: Expr, collation: &str) -> Expr {
    let e = match e {
        simple @ (Expr::Identifier(_)
        | Expr::CompoundIdentifier(_)
        | Expr::Function(_)
        | Expr::Value(_)
        | Expr::Nested(_)) => simple,
        other => nested(other),
    };
    Expr::Collate {
        expr: Box::new(e),
        collation: name(collation),
    }
}

pub fn binary(left: Expr, op: BinaryOperator, right: Expr) -> Expr {
    Expr::BinaryOp {
        left: Box::new(left),
        op,
        right: Box::new(right),
    }
}

pub fn eq(left: Expr, right: Expr) -> Expr {
    binary(left, BinaryOperator::Eq, right)
}

pub fn and(left: Expr, right: Expr) -> Expr {
    binary(left, BinaryOperator::And, right)
}

/// A call of a SQLite or devdb runtime function.
pub fn call(name: &str, args: Vec<Expr>) -> Expr {
    let args = args
        .into_iter()
        .map(|a| FunctionArg::Unnamed(FunctionArgExpr::Expr(a)))
        .collect();
    call_args(ObjectName::from(vec![bare_ident(name)]), args)
}

/// A plain call `name(args)`, the arguments as written (named ones too).
/// An aggregate call `name([DISTINCT] args ORDER BY order)`.
pub fn aggregate(name: &str, args: Vec<Expr>, distinct: bool, order: Vec<OrderByExpr>) -> Expr {
    let mut call = call(name, args);
    if let Expr::Function(Function {
        args: FunctionArguments::List(list),
        ..
    }) = &mut call
    {
        if distinct {
            list.duplicate_treatment = Some(sqlparser::ast::DuplicateTreatment::Distinct);
        }
        if !order.is_empty() {
            list.clauses = vec![sqlparser::ast::FunctionArgumentClause::OrderBy(order)];
        }
    }
    call
}

pub fn call_args(name: ObjectName, args: Vec<FunctionArg>) -> Expr {
    Expr::Function(Function {
        name,
        uses_odbc_syntax: false,
        parameters: FunctionArguments::None,
        args: FunctionArguments::List(FunctionArgumentList {
            duplicate_treatment: None,
            args,
            clauses: Vec::new(),
        }),
        within_group: Vec::new(),
        filter: None,
        null_treatment: None,
        over: None,
    })
}

/// An ORDER BY term with the default direction and NULLs placement.
pub fn order_by(expr: Expr) -> OrderByExpr {
    OrderByExpr {
        expr,
        options: OrderByOptions {
            sort: None,
            nulls_first: None,
        },
        with_fill: None,
    }
}

/// `CASE operand WHEN w THEN r ... END` (NULL when nothing matches).
pub fn case(operand: Expr, arms: Vec<(Expr, Expr)>) -> Expr {
    Expr::Case {
        case_token: AttachedToken::empty(),
        end_token: AttachedToken::empty(),
        operand: Some(Box::new(operand)),
        conditions: arms
            .into_iter()
            .map(|(condition, result)| CaseWhen { condition, result })
            .collect(),
        else_result: None,
    }
}

/// `CAST(e AS type)`.
pub fn cast(e: Expr, data_type: sqlparser::ast::DataType) -> Expr {
    Expr::Cast {
        kind: sqlparser::ast::CastKind::Cast,
        expr: Box::new(e),
        data_type,
        format: None,
    }
}

/// `CAST(e AS type)` to a type named by its [`crate::catalog::key`].
pub fn cast_to(e: Expr, type_key: &str) -> Expr {
    let (schema, plain) = crate::catalog::split(type_key);
    let parts = if type_key.contains('.') {
        vec![ident(schema), ident(plain)]
    } else {
        vec![ident(plain)]
    };
    let data_type = sqlparser::ast::DataType::Custom(ObjectName::from(parts), Vec::new());
    cast(e, data_type)
}

/// `CASE WHEN condition THEN then ELSE otherwise END`.
pub fn if_else(condition: Expr, then: Expr, otherwise: Expr) -> Expr {
    Expr::Case {
        case_token: AttachedToken::empty(),
        end_token: AttachedToken::empty(),
        operand: None,
        conditions: vec![CaseWhen {
            condition,
            result: then,
        }],
        else_result: Some(Box::new(otherwise)),
    }
}

/// `count(*)`.
pub fn count_star() -> Expr {
    let mut call = call("count", Vec::new());
    if let Expr::Function(Function {
        args: FunctionArguments::List(list),
        ..
    }) = &mut call
    {
        list.args
            .push(FunctionArg::Unnamed(FunctionArgExpr::Wildcard));
    }
    call
}

pub fn select_item(expr: Expr, alias: Option<&str>) -> SelectItem {
    match alias {
        Some(a) => SelectItem::ExprWithAlias {
            expr,
            alias: ident(a),
        },
        None => SelectItem::UnnamedExpr(expr),
    }
}

pub fn alias(name: &str, columns: &[String]) -> TableAlias {
    TableAlias {
        explicit: true,
        name: ident(name),
        columns: columns
            .iter()
            .map(|c| sqlparser::ast::TableAliasColumnDef {
                name: ident(c),
                data_type: None,
            })
            .collect(),
        at: None,
    }
}

pub fn table(name: &str, alias: Option<TableAlias>) -> TableFactor {
    TableFactor::Table {
        name: self::name(name),
        alias,
        args: None,
        with_hints: Vec::new(),
        version: None,
        with_ordinality: false,
        partitions: Vec::new(),
        json_path: None,
        sample: None,
        index_hints: Vec::new(),
    }
}

/// A table-valued function call in FROM, such as `json_each(x)`.
pub fn table_function(name: &str, args: Vec<Expr>) -> TableFactor {
    let mut factor = table(name, None);
    if let TableFactor::Table { args: slot, .. } = &mut factor {
        *slot = Some(sqlparser::ast::TableFunctionArgs {
            args: args
                .into_iter()
                .map(|a| FunctionArg::Unnamed(FunctionArgExpr::Expr(a)))
                .collect(),
            settings: None,
        });
    }
    factor
}

/// `name(args) AS alias` in FROM.
pub fn table_function_as(name: &str, args: Vec<Expr>, alias_name: &str) -> TableFactor {
    let mut factor = table_function(name, args);
    if let TableFactor::Table { alias: slot, .. } = &mut factor {
        *slot = Some(alias(alias_name, &[]));
    }
    factor
}

pub fn derived(subquery: Query, alias: TableAlias) -> TableFactor {
    TableFactor::Derived {
        lateral: false,
        subquery: Box::new(subquery),
        alias: Some(alias),
        sample: None,
    }
}

/// `SELECT items FROM from WHERE selection`.
pub fn select(items: Vec<SelectItem>, from: Vec<TableFactor>, selection: Option<Expr>) -> Select {
    Select {
        select_token: AttachedToken::empty(),
        optimizer_hints: Vec::new(),
        distinct: None,
        select_modifiers: None,
        top: None,
        top_before_distinct: false,
        projection: items,
        exclude: None,
        into: None,
        from: from
            .into_iter()
            .map(|relation| TableWithJoins {
                relation,
                joins: Vec::new(),
            })
            .collect(),
        lateral_views: Vec::new(),
        prewhere: None,
        selection,
        connect_by: Vec::new(),
        group_by: GroupByExpr::Expressions(Vec::new(), Vec::new()),
        cluster_by: Vec::new(),
        distribute_by: Vec::new(),
        sort_by: Vec::new(),
        having: None,
        named_window: Vec::new(),
        qualify: None,
        window_before_qualify: false,
        value_table_mode: None,
        flavor: SelectFlavor::Standard,
    }
}

pub fn query(body: SetExpr) -> Query {
    Query {
        with: None,
        body: Box::new(body),
        order_by: None,
        limit_clause: None,
        fetch: None,
        locks: Vec::new(),
        for_clause: None,
        settings: None,
        format_clause: None,
        pipe_operators: Vec::new(),
    }
}

/// `WITH name(columns) AS (cte) query`: `query` reading `cte`'s columns by names we choose.
pub fn with_cte(mut query: Query, name: &str, columns: &[String], cte: Query) -> Query {
    query.with = Some(sqlparser::ast::With {
        with_token: AttachedToken::empty(),
        recursive: false,
        cte_tables: vec![sqlparser::ast::Cte {
            alias: TableAlias {
                explicit: false,
                ..alias(name, columns)
            },
            query: Box::new(cte),
            from: None,
            materialized: None,
            closing_paren_token: AttachedToken::empty(),
        }],
    });
    query
}

pub fn values(rows: Vec<Vec<Expr>>) -> SetExpr {
    SetExpr::Values(Values {
        explicit_row: false,
        value_keyword: false,
        rows: rows
            .into_iter()
            .map(|content| sqlparser::ast::Parens {
                opening_token: AttachedToken::empty(),
                content,
                closing_token: AttachedToken::empty(),
            })
            .collect(),
    })
}

/// `INSERT INTO table (columns) source`.
pub fn insert(
    table: &str,
    columns: &[&str],
    source: Option<Query>,
    returning: Option<Vec<SelectItem>>,
) -> Statement {
    Statement::Insert(Insert {
        insert_token: AttachedToken::empty(),
        optimizer_hints: Vec::new(),
        or: None,
        ignore: false,
        into: true,
        table: TableObject::TableName(name(table)),
        table_alias: None,
        columns: columns.iter().map(|c| name(c)).collect(),
        overwrite: false,
        source: source.map(Box::new),
        assignments: Vec::new(),
        partitioned: None,
        after_columns: Vec::new(),
        has_table_keyword: false,
        on: None,
        returning,
        output: None,
        replace_into: false,
        priority: None,
        insert_alias: None,
        settings: None,
        format_clause: None,
        multi_table_insert_type: None,
        multi_table_into_clauses: Vec::new(),
        multi_table_when_clauses: Vec::new(),
        multi_table_else_clause: None,
    })
}

/// `INSERT INTO table (columns) VALUES (row), ...`.
pub fn insert_rows(table: &str, columns: &[&str], rows: Vec<Vec<Expr>>) -> Statement {
    insert(table, columns, Some(query(values(rows))), None)
}

/// `DELETE FROM table [WHERE selection]`.
pub fn delete(table: &str, selection: Option<Expr>) -> Statement {
    Statement::Delete(Delete {
        delete_token: AttachedToken::empty(),
        optimizer_hints: Vec::new(),
        tables: Vec::new(),
        from: FromTable::WithFromKeyword(vec![TableWithJoins {
            relation: self::table(table, None),
            joins: Vec::new(),
        }]),
        using: None,
        selection,
        returning: None,
        output: None,
        order_by: Vec::new(),
        limit: None,
    })
}

/// `UPDATE table SET column = value, ... WHERE selection`.
pub fn update(table: &str, set: Vec<(&str, Expr)>, selection: Option<Expr>) -> Statement {
    Statement::Update(Update {
        update_token: AttachedToken::empty(),
        optimizer_hints: Vec::new(),
        table: TableWithJoins {
            relation: self::table(table, None),
            joins: Vec::new(),
        },
        assignments: set
            .into_iter()
            .map(|(c, value)| Assignment {
                target: AssignmentTarget::ColumnName(name(c)),
                value,
            })
            .collect(),
        from: None,
        selection,
        returning: None,
        output: None,
        or: None,
        order_by: Vec::new(),
        limit: None,
    })
}

/// `CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON table (columns)`.
pub fn create_index(
    index: &str,
    table: &str,
    columns: &[String],
    unique: bool,
    if_not_exists: bool,
) -> Statement {
    Statement::CreateIndex(CreateIndex {
        name: Some(name(index)),
        table_name: name(table),
        using: None,
        columns: columns
            .iter()
            .map(|c| IndexColumn {
                column: order_by(column(c)),
                operator_class: None,
            })
            .collect(),
        unique,
        concurrently: false,
        r#async: false,
        if_not_exists,
        include: Vec::new(),
        nulls_distinct: None,
        with: Vec::new(),
        predicate: None,
        index_options: Vec::new(),
        alter_options: Vec::new(),
    })
}

/// `DROP object_type [IF EXISTS] names`.
/// `CREATE VIEW name AS query`.
pub fn create_view(view: &str, query: Query) -> Statement {
    Statement::CreateView(sqlparser::ast::CreateView {
        or_alter: false,
        or_replace: false,
        materialized: false,
        secure: false,
        name: name(view),
        name_before_not_exists: false,
        columns: Vec::new(),
        query: Box::new(query),
        options: sqlparser::ast::CreateTableOptions::None,
        cluster_by: Vec::new(),
        comment: None,
        with_no_schema_binding: false,
        if_not_exists: false,
        temporary: false,
        copy_grants: false,
        to: None,
        params: None,
    })
}

pub fn drop(object_type: ObjectType, names: &[String], if_exists: bool) -> Statement {
    Statement::Drop {
        object_type,
        if_exists,
        names: names.iter().map(|n| name(n)).collect(),
        cascade: false,
        restrict: false,
        purge: false,
        temporary: false,
        table: None,
    }
}

/// `(SELECT ...)` as a scalar expression.
pub fn subquery(select: Select) -> Expr {
    Expr::Subquery(Box::new(query(SetExpr::Select(Box::new(select)))))
}

/// One value read from a catalog view: `item` where `column = key`. The view is read through
/// a derived table whose only columns are `__key` and `__item`, so column names inside `key`
/// still mean the enclosing query's columns:
/// `(SELECT __item FROM (SELECT column AS __key, item AS __item FROM view) WHERE __key = key)`.
pub fn lookup(view: &str, item: Expr, column: &str, key: Expr) -> Expr {
    lookup_by(view, item, vec![(column, key)])
}

/// [`lookup`] by several columns (`__key1`, `__key2`, ...).
pub fn lookup_by(view: &str, item: Expr, keys: Vec<(&str, Expr)>) -> Expr {
    let names: Vec<String> = match keys.len() {
        1 => vec!["__key".to_owned()],
        n => (1..=n).map(|i| format!("__key{i}")).collect(),
    };
    let mut items: Vec<SelectItem> = keys
        .iter()
        .zip(&names)
        .map(|((c, _), name)| select_item(self::column(c), Some(name)))
        .collect();
    items.push(select_item(item, Some("__item")));
    let inner = select(items, vec![table(view, None)], None);
    let matches = keys
        .into_iter()
        .zip(&names)
        .map(|((_, key), name)| eq(self::column(name), key))
        .reduce(and);
    subquery(select(
        vec![select_item(self::column("__item"), None)],
        vec![derived(
            query(SetExpr::Select(Box::new(inner))),
            alias("__lookup", &[]),
        )],
        matches,
    ))
}

/// `row_number() OVER (PARTITION BY ... ORDER BY ...)`.
pub fn row_number(partition_by: Vec<Expr>, order_by: Vec<OrderByExpr>) -> Expr {
    window_call("row_number", partition_by, order_by)
}

/// `rank() OVER (ORDER BY ...)`.
pub fn rank(order_by: Vec<OrderByExpr>) -> Expr {
    window_call("rank", Vec::new(), order_by)
}

fn window_call(name: &str, partition_by: Vec<Expr>, order_by: Vec<OrderByExpr>) -> Expr {
    let mut call = call(name, vec![]);
    if let Expr::Function(f) = &mut call {
        f.over = Some(sqlparser::ast::WindowType::WindowSpec(
            sqlparser::ast::WindowSpec {
                window_name: None,
                partition_by,
                order_by,
                window_frame: None,
            },
        ));
    }
    call
}

/// `SELECT inner_1 AS outer_1, ... FROM (from) AS alias [WHERE selection]`: a wrapping SELECT
/// that gives a rewritten query's columns back their names.
pub fn select_renamed(
    inner: &[String],
    outer: &[String],
    from: Query,
    alias_name: &str,
    selection: Option<Expr>,
) -> Select {
    let items = inner
        .iter()
        .zip(outer)
        .map(|(i, o)| select_item(column(i), Some(o)))
        .collect();
    select(
        items,
        vec![derived(from, alias(alias_name, &[]))],
        selection,
    )
}
