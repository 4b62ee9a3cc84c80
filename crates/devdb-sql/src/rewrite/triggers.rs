//! Trigger functions and BEFORE ... FOR EACH ROW triggers, as migrations add them for
//! `updated_at` columns. CREATE FUNCTION keeps the PL/pgSQL body in `__devdb_functions` after
//! checking it has the shape `trigger_body` reads; CREATE TRIGGER keeps a row in
//! `__devdb_triggers`. No SQLite trigger runs them: SQLite's triggers cannot change the row
//! being written, and values they write afterwards are missing from RETURNING. Instead each
//! INSERT and UPDATE of the table is rewritten before translation so that it writes what the
//! trigger functions leave in NEW: `UPDATE t SET v = 'b'` under `NEW.updated_at := now()`
//! becomes `UPDATE t SET v = 'b', updated_at = now()`, an IF becomes a CASE, and `NEW.col`
//! reads the value the statement gives the column.

use devdb_pg::{PgError, SqlState};
use sqlparser::ast::{
    Assignment, AssignmentTarget, CreateFunction, CreateFunctionBody, CreateTrigger, DataType,
    DropFunction, DropTrigger, Expr, FunctionBehavior, FunctionCalledOnNull, FunctionParallel,
    FunctionReturnType, FunctionSecurity, Ident, Insert, ObjectName, OnConflict, OnConflictAction,
    OnInsert, SetExpr, TableFactor, TriggerEvent, TriggerObject, TriggerObjectKind, TriggerPeriod,
    Update, Value, visit_expressions, visit_expressions_mut,
};

use super::ddl::{catalog_output, where_eq};
use super::dml::is_default_keyword;
use super::{Output, Translator, fold};
use crate::catalog::{self, Table};
use crate::make;
use crate::trigger_body::{self, Step};

/// What CREATE FUNCTION says of a function beside its signature and body, as pg_proc keeps
/// it (provolatile, proparallel, proisstrict, prosecdef), stored in the function's catalog row
/// for pg_proc and pg_get_functiondef.
pub struct Attributes {
    volatility: &'static str,
    parallel: &'static str,
    pub strict: bool,
    security_definer: bool,
}

impl Attributes {
    /// The catalog columns that hold them, in the order of [`Attributes::values`].
    pub const COLUMNS: [&'static str; 4] = ["volatility", "parallel", "strict", "security_definer"];

    fn of(
        behavior: Option<FunctionBehavior>,
        called_on_null: Option<FunctionCalledOnNull>,
        parallel: Option<FunctionParallel>,
        security: Option<FunctionSecurity>,
    ) -> Attributes {
        Attributes {
            volatility: match behavior {
                Some(FunctionBehavior::Immutable) => "i",
                Some(FunctionBehavior::Stable) => "s",
                Some(FunctionBehavior::Volatile) | None => "v",
            },
            parallel: match parallel {
                Some(FunctionParallel::Safe) => "s",
                Some(FunctionParallel::Restricted) => "r",
                Some(FunctionParallel::Unsafe) | None => "u",
            },
            strict: matches!(
                called_on_null,
                Some(FunctionCalledOnNull::Strict | FunctionCalledOnNull::ReturnsNullOnNullInput)
            ),
            security_definer: matches!(security, Some(FunctionSecurity::Definer)),
        }
    }

    pub fn values(&self) -> Vec<Expr> {
        vec![
            make::string(self.volatility),
            make::string(self.parallel),
            make::int(self.strict.into()),
            make::int(self.security_definer.into()),
        ]
    }
}

/// Functions whose call gives another value each time: a trigger must not read NEW.column
/// where the column's value is such a call, which devdb would write it into twice.
const VOLATILE: &[&str] = &[
    "nextval",
    "random",
    "gen_random_uuid",
    "uuid_generate_v4",
    "clock_timestamp",
    "setval",
];

fn is_volatile(e: &Expr) -> bool {
    visit_expressions(e, |e| match e {
        Expr::Function(f)
            if f.name
                .0
                .last()
                .and_then(|p| p.as_ident())
                .is_some_and(|id| VOLATILE.contains(&fold(id).as_str())) =>
        {
            std::ops::ControlFlow::Break(())
        }
        _ => std::ops::ControlFlow::Continue(()),
    })
    .is_break()
}

/// The one-part name of a function or trigger, folded. devdb's functions live in `public`, so
/// `public.f` (pg_dump's spelling) names `f`.
pub(super) fn plain_name(name: &ObjectName, what: &str) -> Result<String, PgError> {
    let plain = |part: &sqlparser::ast::ObjectNamePart| {
        part.as_ident()
            .map(fold)
            .ok_or_else(|| PgError::feature_not_supported(format!("{what} name {name}")))
    };
    match name.0.as_slice() {
        [part] => plain(part),
        [schema, part] if plain(schema)? == catalog::DEFAULT_SCHEMA => plain(part),
        _ => Err(PgError::feature_not_supported(format!(
            "schema-qualified {what} name {name}"
        ))),
    }
}

/// 42723 for CREATE FUNCTION of a name taken (devdb's functions are not overloaded).
pub(super) fn duplicate_function(name: &str) -> PgError {
    PgError::new(
        SqlState::DUPLICATE_FUNCTION,
        format!("function \"{name}\" already exists with same argument types"),
    )
}

fn undefined_function(name: &str) -> PgError {
    PgError::new(
        SqlState::UNDEFINED_FUNCTION,
        format!("function {name}() does not exist"),
    )
}

/// NEW's columns as the statement and the trigger functions so far leave them; None for a
/// column whose value is a volatile call, which the functions must not read.
type Row = Vec<(String, Option<Expr>)>;

/// The type an assignment to `NEW.column` converts to, by name (None for arrays, whose
/// element types devdb names only through the column).
fn type_key(catalog: &catalog::Catalog, c: &catalog::Column) -> Option<String> {
    match c.enum_oid {
        Some(oid) => catalog.enum_by_oid(oid).map(|e| e.name.clone()),
        None if c.ty.element().is_some() => None,
        None => Some(c.ty.name().to_owned()),
    }
}

/// What the trigger functions of one statement read besides NEW.
struct Firing<'a> {
    op: &'static str,
    /// Each column's type name, for PL/pgSQL's conversion of an assigned value.
    types: Vec<(String, Option<String>)>,
    /// OLD.column: the row before an UPDATE (`t.column`), NULL for an INSERT.
    old_of: &'a dyn Fn(&str) -> Expr,
}

impl Firing<'_> {
    /// `e` with NEW.x, OLD.x and TG_OP replaced by what they are for this row.
    fn substitute(&self, mut e: Expr, new: &Row) -> Result<Expr, PgError> {
        let mut failure = None;
        let _ = visit_expressions_mut(&mut e, |e| {
            let replacement = match e {
                Expr::Identifier(id) if id.value.eq_ignore_ascii_case("tg_op") => {
                    Some(Ok(make::string(self.op)))
                }
                Expr::CompoundIdentifier(ids) => match ids.as_slice() {
                    [record, column] if record.value.eq_ignore_ascii_case("new") => {
                        let column = fold(column);
                        Some(match new.iter().find(|(c, _)| *c == column) {
                            Some((_, Some(v))) => Ok(make::nested(v.clone())),
                            Some((_, None)) => Err(PgError::feature_not_supported(format!(
                                "a trigger function reading NEW.{column} where the statement \
                                 gives {column} a volatile value"
                            ))),
                            None => Err(no_field("new", &column)),
                        })
                    }
                    [record, column] if record.value.eq_ignore_ascii_case("old") => {
                        let column = fold(column);
                        Some(match new.iter().any(|(c, _)| *c == column) {
                            true => Ok((self.old_of)(&column)),
                            false => Err(no_field("old", &column)),
                        })
                    }
                    _ => None,
                },
                _ => None,
            };
            match replacement {
                Some(Ok(r)) => *e = r,
                Some(Err(err)) => {
                    failure = Some(err);
                    return std::ops::ControlFlow::Break(());
                }
                None => {}
            }
            std::ops::ControlFlow::Continue(())
        });
        match failure {
            Some(err) => Err(err),
            None => Ok(e),
        }
    }

    /// Runs each trigger's steps over `new`: the columns they assign, with their values.
    fn fire(&self, steps: &[Vec<Step>], mut new: Row) -> Result<Vec<(String, Expr)>, PgError> {
        let mut touched = Vec::new();
        for s in steps {
            self.run(s, &mut new, &mut touched)?;
        }
        touched
            .into_iter()
            .map(|column| {
                let value = new
                    .iter()
                    .find(|(c, _)| *c == column)
                    .and_then(|(_, v)| v.clone())
                    .ok_or_else(|| no_field("new", &column))?;
                Ok((column, value))
            })
            .collect()
    }

    /// Runs `steps` over `new`, noting each column they assign in `touched`.
    fn run(&self, steps: &[Step], new: &mut Row, touched: &mut Vec<String>) -> Result<(), PgError> {
        for step in steps {
            match step {
                Step::Assign { column, value } => {
                    let v = self.substitute(value.clone(), new)?;
                    let v = match self.types.iter().find(|(c, _)| c == column) {
                        Some((_, Some(ty))) => make::cast_to(v, ty),
                        _ => v,
                    };
                    let slot = new
                        .iter_mut()
                        .find(|(c, _)| c == column)
                        .ok_or_else(|| no_field("new", column))?;
                    slot.1 = Some(v);
                    if !touched.contains(column) {
                        touched.push(column.clone());
                    }
                }
                Step::If {
                    condition,
                    then,
                    otherwise,
                } => {
                    let condition = self.substitute(condition.clone(), new)?;
                    let (mut a, mut b) = (new.clone(), new.clone());
                    self.run(then, &mut a, touched)?;
                    self.run(otherwise, &mut b, touched)?;
                    for ((slot, (_, x)), (_, y)) in new.iter_mut().zip(a).zip(b) {
                        if x == y {
                            slot.1 = x;
                            continue;
                        }
                        let (Some(x), Some(y)) = (x, y) else {
                            return Err(PgError::feature_not_supported(format!(
                                "an IF in a trigger function that keeps NEW.{} where the \
                                 statement gives it a volatile value",
                                slot.0
                            )));
                        };
                        slot.1 = Some(make::if_else(condition.clone(), x, y));
                    }
                }
            }
        }
        Ok(())
    }
}

fn no_field(record: &str, column: &str) -> PgError {
    PgError::new(
        SqlState::UNDEFINED_COLUMN,
        format!("record \"{record}\" has no field \"{column}\""),
    )
}

impl Translator<'_> {
    fn column_types(&self, table: &Table) -> Vec<(String, Option<String>)> {
        table
            .columns
            .iter()
            .map(|c| (c.name.clone(), type_key(self.catalog, c)))
            .collect()
    }

    /// The parsed bodies of the triggers on `table` that fire on INSERT or UPDATE, in name order.
    fn trigger_steps(&self, table: &str, update: bool) -> Result<Vec<Vec<Step>>, PgError> {
        self.catalog
            .triggers
            .iter()
            .filter(|t| t.table == table && t.enabled)
            .filter(|t| if update { t.on_update } else { t.on_insert })
            .map(|t| {
                let f = self
                    .catalog
                    .function(&t.function)
                    .ok_or_else(|| undefined_function(&t.function))?;
                trigger_body::parse(&f.body)
            })
            .collect()
    }

    /// Runs the UPDATE triggers over SET assignments: each column a trigger assigns is set to
    /// what the functions leave in NEW. `column_of` is `t.column` for the row being updated.
    fn fire_on_assignments(
        &self,
        table: &Table,
        assignments: &mut Vec<Assignment>,
        column_of: &dyn Fn(&str) -> Expr,
    ) -> Result<(), PgError> {
        let steps = self.trigger_steps(&table.name, true)?;
        if steps.is_empty() {
            return Ok(());
        }
        let target = |a: &Assignment| match &a.target {
            AssignmentTarget::ColumnName(n) => n.0.last().and_then(|p| p.as_ident()).map(fold),
            AssignmentTarget::Tuple(_) => None,
        };
        if assignments.iter().any(|a| target(a).is_none()) {
            return Err(PgError::feature_not_supported(
                "SET (a, b) = ... on a table with a BEFORE UPDATE trigger",
            ));
        }
        let new: Row = table
            .columns
            .iter()
            .map(|c| {
                let given = assignments
                    .iter()
                    .find(|a| target(a).as_deref() == Some(c.name.as_str()));
                let value = match given {
                    Some(a) if is_volatile(&a.value) || is_default_keyword(&a.value) => None,
                    Some(a) => Some(a.value.clone()),
                    None => Some(column_of(&c.name)),
                };
                (c.name.clone(), value)
            })
            .collect();
        let firing = Firing {
            types: self.column_types(table),
            op: "UPDATE",
            old_of: column_of,
        };
        for (column, value) in firing.fire(&steps, new)? {
            match assignments
                .iter_mut()
                .find(|a| target(a).as_deref() == Some(column.as_str()))
            {
                Some(a) => a.value = value,
                None => assignments.push(Assignment {
                    target: AssignmentTarget::ColumnName(make::name(&column)),
                    value,
                }),
            }
        }
        Ok(())
    }

    /// UPDATE of a table with BEFORE UPDATE triggers: their assignments join the SET list.
    pub fn fire_update_triggers(&self, upd: &mut Update) -> Result<(), PgError> {
        let TableFactor::Table { name, alias, .. } = &upd.table.relation else {
            return Ok(());
        };
        let Ok(table) = self.lookup_table(name) else {
            return Ok(());
        };
        let qualifier: Vec<Ident> = match alias {
            Some(a) => vec![a.name.clone()],
            None => name
                .0
                .iter()
                .filter_map(|p| p.as_ident().cloned())
                .collect(),
        };
        let column_of = |c: &str| {
            let mut ids = qualifier.clone();
            ids.push(make::ident(c));
            Expr::CompoundIdentifier(ids)
        };
        self.fire_on_assignments(table, &mut upd.assignments, &column_of)
    }

    /// INSERT into a table with BEFORE INSERT triggers: each row of its VALUES gets what the
    /// functions leave in NEW; an ON CONFLICT DO UPDATE runs the UPDATE triggers.
    pub fn fire_insert_triggers(&self, ins: &mut Insert) -> Result<(), PgError> {
        let sqlparser::ast::TableObject::TableName(name) = &ins.table else {
            return Ok(());
        };
        let Ok(table) = self.lookup_table(name) else {
            return Ok(());
        };
        if let Some(OnInsert::OnConflict(OnConflict {
            action: OnConflictAction::DoUpdate(update),
            ..
        })) = &mut ins.on
        {
            let qualifier = match &ins.table_alias {
                Some(a) => vec![a.alias.clone()],
                None => name
                    .0
                    .iter()
                    .filter_map(|p| p.as_ident().cloned())
                    .collect(),
            };
            let column_of = |c: &str| {
                let mut ids: Vec<Ident> = qualifier.clone();
                ids.push(make::ident(c));
                Expr::CompoundIdentifier(ids)
            };
            self.fire_on_assignments(table, &mut update.assignments, &column_of)?;
        }
        let steps = self.trigger_steps(&table.name, false)?;
        if steps.is_empty() {
            return Ok(());
        }
        let mut columns: Vec<String> = ins
            .columns
            .iter()
            .map(|c| {
                c.0.last()
                    .and_then(|p| p.as_ident())
                    .map(fold)
                    .unwrap_or_default()
            })
            .collect();
        // DEFAULT VALUES is one row that gives no column.
        let default_values = ins.source.is_none();
        let source = ins
            .source
            .get_or_insert_with(|| Box::new(make::query(make::values(vec![Vec::new()]))));
        let rows = match source.body.as_mut() {
            SetExpr::Values(values) => &mut values.rows,
            _ => {
                return Err(PgError::feature_not_supported(
                    "INSERT ... SELECT into a table with a BEFORE INSERT trigger",
                ));
            }
        };
        if columns.is_empty() {
            let width = rows.first().map_or(0, |r| r.content.len());
            columns = table
                .columns
                .iter()
                .take(width)
                .map(|c| c.name.clone())
                .collect();
        }
        let old_of = |_: &str| make::null();
        let firing = Firing {
            types: self.column_types(table),
            op: "INSERT",
            old_of: &old_of,
        };
        let mut added: Vec<String> = Vec::new();
        for row in rows.iter_mut().map(|r| &mut r.content) {
            let mut new: Row = Vec::with_capacity(table.columns.len());
            for c in &table.columns {
                let given = columns
                    .iter()
                    .position(|n| *n == c.name)
                    .and_then(|i| row.get(i))
                    .filter(|e| !is_default_keyword(e));
                let value = match given {
                    Some(e) => Some(e.clone()),
                    None => match &c.default {
                        Some(text) => Some(super::dml::parse_default(text, &c.name)?),
                        None => Some(make::null()),
                    },
                };
                new.push((c.name.clone(), value.filter(|v| !is_volatile(v))));
            }
            for (column, value) in firing.fire(&steps, new)? {
                match columns.iter().position(|n| *n == column) {
                    Some(i) => {
                        if let Some(slot) = row.get_mut(i) {
                            *slot = value;
                        }
                    }
                    None => {
                        if !added.contains(&column) {
                            added.push(column.clone());
                        }
                        let i = columns.len()
                            + added.iter().position(|a| *a == column).unwrap_or_default();
                        while row.len() < i {
                            row.push(Expr::Identifier(Ident::new("DEFAULT")));
                        }
                        row.insert(i, value);
                    }
                }
            }
        }
        // Rows that left an added column out take its default.
        let width = columns.len() + added.len();
        for row in rows.iter_mut().map(|r| &mut r.content) {
            while row.len() < width {
                row.push(Expr::Identifier(Ident::new("DEFAULT")));
            }
        }
        columns.extend(added);
        if default_values && columns.is_empty() {
            ins.source = None;
        }
        ins.columns = columns.iter().map(|c| make::name(c)).collect();
        Ok(())
    }

    pub fn create_function(&mut self, f: CreateFunction) -> Result<Output, PgError> {
        let CreateFunction {
            or_alter: false,
            or_replace,
            temporary: false,
            if_not_exists: false,
            name,
            args,
            return_type,
            function_body,
            behavior,
            called_on_null,
            parallel,
            security,
            set_params,
            using: None,
            language,
            determinism_specifier: None,
            options: None,
            remote_connection: None,
        } = f
        else {
            return Err(PgError::feature_not_supported("this CREATE FUNCTION form"));
        };
        let attributes = Attributes::of(behavior, called_on_null, parallel, security);
        // A `RETURN expression` body is SQL's own: LANGUAGE sql goes without saying.
        let sql = match language.as_ref() {
            Some(language) => fold(language) == "sql",
            None => matches!(function_body, Some(CreateFunctionBody::Return(_))),
        };
        if sql && set_params.is_empty() {
            return self.create_sql_function(
                or_replace,
                &name,
                args,
                return_type,
                function_body,
                &attributes,
            );
        }
        let returns_trigger = matches!(
            &return_type,
            Some(FunctionReturnType::DataType(DataType::Trigger))
        ) || matches!(&return_type, Some(FunctionReturnType::DataType(DataType::Custom(n, m)))
            if m.is_empty() && n.to_string().eq_ignore_ascii_case("trigger"));
        if !returns_trigger {
            return Err(PgError::feature_not_supported(
                "CREATE FUNCTION other than RETURNS trigger LANGUAGE plpgsql or LANGUAGE sql",
            ));
        }
        if args.as_ref().is_some_and(|a| !a.is_empty()) {
            return Err(PgError::new(
                SqlState::INVALID_FUNCTION_DEFINITION,
                "trigger functions cannot have declared arguments",
            ));
        }
        if !set_params.is_empty() {
            return Err(PgError::feature_not_supported("SET in CREATE FUNCTION"));
        }
        match language.as_ref().map(fold).as_deref() {
            Some("plpgsql") => {}
            Some(other) => {
                return Err(PgError::feature_not_supported(format!(
                    "trigger functions in language {other}"
                )));
            }
            None => {
                return Err(PgError::new(
                    SqlState::INVALID_FUNCTION_DEFINITION,
                    "no language specified",
                ));
            }
        }
        let body = match function_body {
            Some(
                CreateFunctionBody::AsBeforeOptions { body, .. }
                | CreateFunctionBody::AsAfterOptions(body),
            ) => match body {
                Expr::Value(v) => match v.value {
                    Value::DollarQuotedString(d) => d.value,
                    Value::SingleQuotedString(s) => s,
                    _ => return Err(PgError::feature_not_supported("this function body")),
                },
                _ => return Err(PgError::feature_not_supported("this function body")),
            },
            _ => {
                return Err(PgError::new(
                    SqlState::INVALID_FUNCTION_DEFINITION,
                    "no function body specified",
                ));
            }
        };
        trigger_body::parse(&body)?;
        let plain = plain_name(&name, "function")?;
        let (schema, _) = catalog::split(&plain);
        let mut sqlite = Vec::new();
        match self.catalog.function(&plain) {
            _ if self.catalog.sql_function(&plain).is_some() => {
                return Err(duplicate_function(&plain));
            }
            Some(_) if !or_replace => return Err(duplicate_function(&plain)),
            Some(existing) => sqlite.push(make::update(
                catalog::FUNCTIONS,
                std::iter::once(("body", make::string(&body)))
                    .chain(Attributes::COLUMNS.into_iter().zip(attributes.values()))
                    .collect(),
                where_eq(&[("oid", make::int(existing.oid.0.into()))]),
            )),
            None => sqlite.push(make::insert_rows(
                catalog::FUNCTIONS,
                &[
                    ["oid", "schema", "name", "body"].as_slice(),
                    &Attributes::COLUMNS,
                ]
                .concat(),
                vec![
                    [
                        make::int(self.catalog.next_oid().into()),
                        make::string(schema),
                        make::string(&plain),
                        make::string(&body),
                    ]
                    .into_iter()
                    .chain(attributes.values())
                    .collect(),
                ],
            )),
        }
        Ok(catalog_output("CREATE FUNCTION", sqlite))
    }

    pub fn create_trigger(&mut self, t: CreateTrigger) -> Result<Output, PgError> {
        let CreateTrigger {
            or_alter: false,
            temporary: false,
            or_replace,
            is_constraint: false,
            name,
            period,
            period_before_table: _,
            events,
            table_name,
            referenced_table_name: None,
            referencing,
            trigger_object,
            condition: None,
            exec_body: Some(exec_body),
            statements_as: false,
            statements: None,
            characteristics: None,
        } = t
        else {
            return Err(PgError::feature_not_supported(
                "CREATE TRIGGER other than BEFORE INSERT/UPDATE FOR EACH ROW EXECUTE FUNCTION f()",
            ));
        };
        if period != Some(TriggerPeriod::Before) {
            return Err(PgError::feature_not_supported(
                "triggers other than BEFORE (AFTER, INSTEAD OF)",
            ));
        }
        if !matches!(
            trigger_object,
            Some(
                TriggerObjectKind::ForEach(TriggerObject::Row)
                    | TriggerObjectKind::For(TriggerObject::Row)
            )
        ) {
            return Err(PgError::feature_not_supported(
                "FOR EACH STATEMENT triggers",
            ));
        }
        if !referencing.is_empty() {
            return Err(PgError::feature_not_supported(
                "REFERENCING in CREATE TRIGGER",
            ));
        }
        let (mut on_insert, mut on_update) = (false, false);
        for e in &events {
            match e {
                TriggerEvent::Insert => on_insert = true,
                TriggerEvent::Update(columns) if columns.is_empty() => on_update = true,
                TriggerEvent::Update(_) => {
                    return Err(PgError::feature_not_supported(
                        "BEFORE UPDATE OF columns triggers",
                    ));
                }
                other => {
                    return Err(PgError::feature_not_supported(format!("{other} triggers")));
                }
            }
        }
        if exec_body
            .func_desc
            .args
            .as_ref()
            .is_some_and(|a| !a.is_empty())
        {
            return Err(PgError::feature_not_supported(
                "arguments to a trigger function",
            ));
        }
        let function = plain_name(&exec_body.func_desc.name, "function")?;
        if self.catalog.function(&function).is_none() {
            return Err(undefined_function(&function));
        }
        let table = self.lookup_table(&table_name)?.name.clone();
        let trigger = plain_name(&name, "trigger")?;
        let (schema, plain_table) = catalog::split(&table);
        let mut sqlite = Vec::new();
        if let Some(existing) = self
            .catalog
            .triggers
            .iter()
            .find(|t| t.table == table && t.name == trigger)
        {
            if !or_replace {
                return Err(PgError::new(
                    SqlState::DUPLICATE_OBJECT,
                    format!("trigger \"{trigger}\" for relation \"{plain_table}\" already exists"),
                ));
            }
            sqlite.push(make::delete(
                catalog::TRIGGERS,
                where_eq(&[("oid", make::int(existing.oid.0.into()))]),
            ));
        }
        sqlite.push(make::insert_rows(
            catalog::TRIGGERS,
            &[
                "oid",
                "schema",
                "table_name",
                "name",
                "function",
                "on_insert",
                "on_update",
            ],
            vec![vec![
                make::int(self.catalog.next_oid().into()),
                make::string(schema),
                make::string(plain_table),
                make::string(&trigger),
                make::string(&function),
                make::int(on_insert.into()),
                make::int(on_update.into()),
            ]],
        ));
        Ok(catalog_output("CREATE TRIGGER", sqlite))
    }

    pub fn drop_trigger(&mut self, d: DropTrigger) -> Result<Output, PgError> {
        let DropTrigger {
            if_exists,
            trigger_name,
            table_name: Some(table_name),
            option: _,
        } = d
        else {
            return Err(PgError::syntax_error("DROP TRIGGER needs ON table", None));
        };
        let trigger = plain_name(&trigger_name, "trigger")?;
        let table = match self.lookup_table(&table_name) {
            Ok(t) => t.name.clone(),
            Err(_) if if_exists => {
                self.notices
                    .push(super::does_not_exist_skipping("relation", &table_name));
                return Ok(catalog_output("DROP TRIGGER", Vec::new()));
            }
            Err(e) => return Err(e),
        };
        let found = self
            .catalog
            .triggers
            .iter()
            .find(|t| t.table == table && t.name == trigger);
        let sqlite = match found {
            Some(t) => vec![make::delete(
                catalog::TRIGGERS,
                where_eq(&[("oid", make::int(t.oid.0.into()))]),
            )],
            None if if_exists => {
                self.notices.push(PgError::notice(format!(
                    "trigger \"{trigger}\" for relation \"{}\" does not exist, skipping",
                    catalog::split(&table).1
                )));
                Vec::new()
            }
            None => {
                return Err(PgError::new(
                    SqlState::UNDEFINED_OBJECT,
                    format!(
                        "trigger \"{trigger}\" for table \"{}\" does not exist",
                        catalog::split(&table).1
                    ),
                ));
            }
        };
        Ok(catalog_output("DROP TRIGGER", sqlite))
    }

    pub fn drop_function(&mut self, d: DropFunction) -> Result<Output, PgError> {
        let DropFunction {
            if_exists,
            func_desc,
            drop_behavior,
        } = d;
        let cascade = matches!(drop_behavior, Some(sqlparser::ast::DropBehavior::Cascade));
        let mut sqlite = Vec::new();
        for desc in func_desc {
            let name = plain_name(&desc.name, "function")?;
            let arity = desc.args.as_ref().map(Vec::len);
            if let Some(f) = self.catalog.sql_function(&name)
                && arity.is_none_or(|n| n == f.args.len())
            {
                sqlite.push(make::delete(
                    catalog::SQL_FUNCTIONS,
                    where_eq(&[("oid", make::int(f.oid.0.into()))]),
                ));
                continue;
            }
            let f = self
                .catalog
                .function(&name)
                .filter(|_| arity.unwrap_or(0) == 0);
            let Some(f) = f else {
                if if_exists {
                    self.notices.push(PgError::notice(format!(
                        "function {name}() does not exist, skipping"
                    )));
                    continue;
                }
                return Err(undefined_function(&name));
            };
            let users: Vec<_> = self
                .catalog
                .triggers
                .iter()
                .filter(|t| t.function == name)
                .collect();
            if !users.is_empty() && !cascade {
                let detail = users
                    .iter()
                    .map(|t| {
                        format!(
                            "trigger {} on table {} depends on function {name}()",
                            t.name,
                            catalog::split(&t.table).1
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                return Err(super::ddl::dependent_objects(
                    &format!("function {name}()"),
                    detail,
                ));
            }
            for t in &users {
                self.notices.push(PgError::notice(format!(
                    "drop cascades to trigger {} on table {}",
                    t.name,
                    catalog::split(&t.table).1
                )));
            }
            sqlite.push(make::delete(
                catalog::TRIGGERS,
                where_eq(&[("function", make::string(&name))]),
            ));
            sqlite.push(make::delete(
                catalog::FUNCTIONS,
                where_eq(&[("oid", make::int(f.oid.0.into()))]),
            ));
        }
        Ok(catalog_output("DROP FUNCTION", sqlite))
    }
}

impl Translator<'_> {
    /// ALTER TABLE ... ENABLE/DISABLE TRIGGER name, USER (every trigger CREATE TRIGGER made on
    /// the table) or ALL (those and the foreign keys' checks, which devdb cannot switch off
    /// inside SQLite's transaction: 0A000 on a table a foreign key involves).
    pub(super) fn switch_triggers(
        &self,
        table: &Table,
        name: &Ident,
        enable: bool,
    ) -> Result<sqlparser::ast::Statement, PgError> {
        let plain = catalog::split(&table.name).1;
        let which = match (name.quote_style, name.value.to_ascii_lowercase().as_str()) {
            (None, "user") => None,
            (None, "all") => {
                let has_foreign_keys = self
                    .catalog
                    .constraints_of(&table.name)
                    .any(|c| c.kind == crate::catalog::ConstraintKind::ForeignKey)
                    || self.catalog.references_to(&table.name).next().is_some();
                if has_foreign_keys {
                    return Err(PgError::feature_not_supported(format!(
                        "{} TRIGGER ALL on \"{plain}\", which a foreign key involves (devdb \
                         cannot switch foreign key checks off)",
                        if enable { "ENABLE" } else { "DISABLE" }
                    )));
                }
                None
            }
            _ => {
                let trigger = fold(name);
                if !self
                    .catalog
                    .triggers
                    .iter()
                    .any(|t| t.table == table.name && t.name == trigger)
                {
                    return Err(PgError::new(
                        SqlState::UNDEFINED_OBJECT,
                        format!("trigger \"{trigger}\" for table \"{plain}\" does not exist"),
                    ));
                }
                Some(trigger)
            }
        };
        let mut filter = vec![
            ("schema", make::string(&table.schema)),
            ("table_name", make::string(plain)),
        ];
        if let Some(trigger) = &which {
            filter.push(("name", make::string(trigger)));
        }
        Ok(make::update(
            catalog::TRIGGERS,
            vec![("enabled", make::int(enable.into()))],
            where_eq(&filter),
        ))
    }
}
