//! CREATE SEQUENCE, DROP SEQUENCE, and the sequences behind identity columns.
//!
//! A sequence is a row of `__devdb_sequences` named by its key (`catalog::key`); the executor
//! keeps its value (nextval/currval/setval). Identity columns are serial columns whose kind
//! (ALWAYS or BY DEFAULT) is recorded in `__devdb_identity_columns`.

use devdb_pg::{PgError, PgType, SqlState};
use sqlparser::ast::{
    DataType, Expr, ObjectName, SequenceOptions, Statement, UnaryOperator, Value,
};

use super::ddl::{catalog_output, dependent_objects};
use super::{Output, Translator, already_exists_skipping, does_not_exist_skipping};
use crate::catalog::{self, Column, Identity};
use crate::sequence_syntax::AlterSequence;
use crate::{Kind, make};

/// A sequence's parameters, as CREATE SEQUENCE and identity options give them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SequenceSpec {
    pub increment: i64,
    pub min: i64,
    pub max: i64,
    pub start: i64,
    /// Past its last value, nextval starts again at the other end.
    pub cycle: bool,
}

fn invalid(message: String) -> PgError {
    PgError::new(SqlState::INVALID_PARAMETER_VALUE, message)
}

/// An integer option value (`5`, `-5`).
fn option_int(e: &Expr) -> Result<i64, PgError> {
    let bad = || PgError::syntax_error(format!("syntax error at or near \"{e}\""), None);
    match e {
        Expr::Value(v) => match &v.value {
            Value::Number(n, _) => n.parse().map_err(|_| bad()),
            _ => Err(bad()),
        },
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => option_int(expr)?.checked_neg().ok_or_else(bad),
        _ => Err(bad()),
    }
}

/// PostgreSQL's cross-checks of a sequence's bounds and of the values it starts or restarts at
/// (`("START value", 1)`), as CREATE and ALTER SEQUENCE make them.
pub fn check_bounds(min: i64, max: i64, values: &[(&str, i64)]) -> Result<(), PgError> {
    if min >= max {
        return Err(invalid(format!(
            "MINVALUE ({min}) must be less than MAXVALUE ({max})"
        )));
    }
    for &(what, value) in values {
        if value < min {
            return Err(invalid(format!(
                "{what} ({value}) cannot be less than MINVALUE ({min})"
            )));
        }
        if value > max {
            return Err(invalid(format!(
                "{what} ({value}) cannot be greater than MAXVALUE ({max})"
            )));
        }
    }
    Ok(())
}

/// The updates of ALTER SEQUENCE to the sequence whose key `key` gives: the options `set`,
/// then the executor's check and taking of them (it keeps the current value), restarting at
/// `restart` when given.
pub(super) fn altered_sequence(
    key: Expr,
    set: Vec<(&str, Expr)>,
    restart: Option<Expr>,
) -> Vec<Statement> {
    let is_key = || Some(make::eq(make::column("name"), key.clone()));
    let mut sqlite = Vec::new();
    if set.is_empty() && restart.is_none() {
        return sqlite;
    }
    let restarts = restart.is_some();
    if !set.is_empty() {
        sqlite.push(make::update(catalog::SEQUENCES, set, is_key()));
    }
    let altered = make::call(
        "devdb_sequence_altered",
        [
            "name",
            "increment_by",
            "min_value",
            "max_value",
            "start_value",
            "cycle",
        ]
        .into_iter()
        .map(make::column)
        .chain([restart.unwrap_or_else(make::null)])
        .collect(),
    );
    let mut values = vec![("last_value", altered)];
    if restarts {
        values.push(("is_called", make::int(0)));
    }
    sqlite.push(make::update(catalog::SEQUENCES, values, is_key()));
    sqlite
}

/// The type of the `__devdb_sequences` row being updated, as pg_sequence shows it: the
/// declared one, else its owning column's, else bigint.
fn sequence_type() -> Expr {
    let column = make::subquery(make::select(
        vec![make::select_item(
            make::qualified_column("c", "type_oid"),
            None,
        )],
        vec![
            make::table(catalog::SEQUENCE_OWNERS, Some(make::alias("o", &[]))),
            make::table(catalog::COLUMNS, Some(make::alias("c", &[]))),
        ],
        Some(
            [
                ("schema", "schema"),
                ("table_name", "table_name"),
                ("column_name", "name"),
            ]
            .into_iter()
            .map(|(o, c)| {
                make::eq(
                    make::qualified_column("o", o),
                    make::qualified_column("c", c),
                )
            })
            .chain([make::eq(
                make::qualified_column("o", "name"),
                make::qualified_column(catalog::SEQUENCES, "name"),
            )])
            .reduce(make::and)
            .unwrap_or_else(make::null),
        ),
    ));
    make::call(
        "coalesce",
        vec![
            make::column("type_oid"),
            column,
            make::int(PgType::Int8.oid().0.into()),
        ],
    )
}

/// NO MINVALUE / NO MAXVALUE: the default bound `column` for a sequence of type `ty` (an OID)
/// counting by `increment`, as PostgreSQL's init_params sets it.
fn default_bound(column: &str, increment: &Expr, ty: &Expr) -> Expr {
    let ascending = Expr::BinaryOp {
        left: Box::new(increment.clone()),
        op: sqlparser::ast::BinaryOperator::Gt,
        right: Box::new(make::int(0)),
    };
    let limit = |pick: fn((i64, i64)) -> i64| {
        make::case(
            ty.clone(),
            [PgType::Int2, PgType::Int4, PgType::Int8]
                .into_iter()
                .map(|t| (make::int(t.oid().0.into()), make::int(pick(type_range(t)))))
                .collect(),
        )
    };
    match column {
        "max_value" => make::if_else(ascending, limit(|(_, hi)| hi), make::int(-1)),
        _ => make::if_else(ascending, make::int(1), limit(|(lo, _)| lo)),
    }
}

/// The values integer type `ty` holds.
pub fn type_range(ty: PgType) -> (i64, i64) {
    match ty {
        PgType::Int2 => (i16::MIN.into(), i16::MAX.into()),
        PgType::Int4 => (i32::MIN.into(), i32::MAX.into()),
        _ => (i64::MIN, i64::MAX),
    }
}

/// 22023 unless `min` and `max` fit integer type `ty`, as CREATE and ALTER SEQUENCE check.
pub fn check_type_range(ty: PgType, min: i64, max: i64) -> Result<(), PgError> {
    let (type_min, type_max) = type_range(ty);
    for (what, value) in [("MINVALUE", min), ("MAXVALUE", max)] {
        if value < type_min || value > type_max {
            return Err(invalid(format!(
                "{what} ({value}) is out of range for sequence data type {ty}"
            )));
        }
    }
    Ok(())
}

impl SequenceSpec {
    /// PostgreSQL's defaults and checks (DefineSequence) for a sequence of integer type `ty`.
    pub fn new(options: &[SequenceOptions], ty: PgType) -> Result<SequenceSpec, PgError> {
        let (type_min, type_max) = type_range(ty);
        let (mut increment, mut min, mut max, mut start) = (1, None, None, None);
        let mut cycle = false;
        for option in options {
            match option {
                SequenceOptions::IncrementBy(e, _) => increment = option_int(e)?,
                SequenceOptions::MinValue(e) => min = e.as_ref().map(option_int).transpose()?,
                SequenceOptions::MaxValue(e) => max = e.as_ref().map(option_int).transpose()?,
                SequenceOptions::StartWith(e, _) => start = Some(option_int(e)?),
                // Every nextval is a single step here; a cache changes nothing visible.
                SequenceOptions::Cache(e) => {
                    if option_int(e)? < 1 {
                        return Err(invalid(format!("CACHE ({e}) must be greater than zero")));
                    }
                }
                // sqlparser's flag is true for NO CYCLE.
                SequenceOptions::Cycle(no) => cycle = !no,
            }
        }
        if increment == 0 {
            return Err(invalid("INCREMENT must not be zero".into()));
        }
        let min = min.unwrap_or(if increment > 0 { 1 } else { type_min });
        let max = max.unwrap_or(if increment > 0 { type_max } else { -1 });
        check_type_range(ty, min, max)?;
        let start = start.unwrap_or(if increment > 0 { min } else { max });
        check_bounds(min, max, &[("START value", start)])?;
        Ok(SequenceSpec {
            increment,
            min,
            max,
            start,
            cycle,
        })
    }

    /// The `__devdb_sequences` row of a new sequence named by its key.
    /// The `__devdb_sequences` row of a new sequence named by its key; `declared`, the type
    /// it keeps (CREATE SEQUENCE ... AS, a serial's), or None for an identity's, which follows
    /// its column's.
    pub fn insert_row(&self, key: &str, declared: Option<PgType>) -> Statement {
        make::insert_rows(
            catalog::SEQUENCES,
            &[
                "name",
                "last_value",
                "increment_by",
                "min_value",
                "max_value",
                "start_value",
                "is_called",
                "cycle",
                "type_oid",
            ],
            vec![vec![
                make::string(key),
                make::int(self.start),
                make::int(self.increment),
                make::int(self.min),
                make::int(self.max),
                make::int(self.start),
                make::int(0),
                make::int(self.cycle.into()),
                declared.map_or_else(make::null, |t| make::int(t.oid().0.into())),
            ]],
        )
    }
}

/// The `__devdb_sequence_owners` row that makes sequence `seq` belong to a column of `table`
/// (a key): dropped with its table.
pub fn owner_row(seq: &str, table: &str, column: &str) -> Statement {
    let (schema, table) = catalog::split(table);
    make::insert_rows(
        catalog::SEQUENCE_OWNERS,
        &["name", "schema", "table_name", "column_name"],
        vec![vec![
            make::string(seq),
            make::string(schema),
            make::string(table),
            make::string(column),
        ]],
    )
}

/// The `__devdb_identity_columns` row of an identity column of table `table` (a key).
pub fn identity_row(table: &str, column: &str, identity: Identity) -> Statement {
    let (schema, table) = catalog::split(table);
    make::insert_rows(
        catalog::IDENTITY_COLUMNS,
        &["schema", "table_name", "name", "kind"],
        vec![vec![
            make::string(schema),
            make::string(table),
            make::string(column),
            make::string(identity.code()),
        ]],
    )
}

impl Translator<'_> {
    /// 428C9 when a statement writes an explicit value into a GENERATED ALWAYS column.
    pub fn check_identity_write(&self, col: &Column, update: bool) -> Result<(), PgError> {
        super::generated::check_generated_write(col, update)?;
        if col.identity != Some(Identity::Always) || (self.overriding_system && !update) {
            return Ok(());
        }
        let message = if update {
            format!("column \"{}\" can only be updated to DEFAULT", col.name)
        } else {
            format!(
                "cannot insert a non-DEFAULT value into column \"{}\"",
                col.name
            )
        };
        let err = PgError::new(SqlState::GENERATED_ALWAYS, message).with_detail(format!(
            "Column \"{}\" is an identity column defined as GENERATED ALWAYS.",
            col.name
        ));
        Err(if update {
            err
        } else {
            err.with_hint("Use OVERRIDING SYSTEM VALUE to override.")
        })
    }

    pub fn create_sequence(
        &mut self,
        if_not_exists: bool,
        name: &ObjectName,
        data_type: Option<&DataType>,
        options: &[SequenceOptions],
        owned_by: Option<&ObjectName>,
    ) -> Result<Output, PgError> {
        let key = self.creation_key(name)?;
        if self.names_relation(&key) {
            if if_not_exists {
                self.notices.push(already_exists_skipping(&key));
                return Ok(Output::new(Kind::Command("CREATE SEQUENCE")));
            }
            return Err(PgError::new(
                SqlState::DUPLICATE_TABLE,
                format!("relation \"{}\" already exists", catalog::split(&key).1),
            ));
        }
        let ty = match data_type {
            None => PgType::Int8,
            Some(dt) => {
                let ty = self.data_type(dt)?.ty.ty;
                if !matches!(ty, PgType::Int2 | PgType::Int4 | PgType::Int8) {
                    return Err(invalid(
                        "sequence type must be smallint, integer, or bigint".into(),
                    ));
                }
                ty
            }
        };
        let spec = SequenceSpec::new(options, ty)?;
        let mut sqlite = vec![spec.insert_row(&key, data_type.map(|_| ty))];
        let none = owned_by.is_some_and(|o| o.to_string().eq_ignore_ascii_case("none"));
        if let Some(owner) = owned_by.filter(|_| !none) {
            sqlite.push(self.owned_by_row(&key, owner)?);
        }
        Ok(catalog_output("CREATE SEQUENCE", sqlite))
    }

    /// OWNED BY table.column: the sequence is dropped with its table.
    fn owned_by_row(&self, key: &str, owner: &ObjectName) -> Result<Statement, PgError> {
        let Some((column, table)) = owner.0.split_last().filter(|(_, t)| !t.is_empty()) else {
            return Err(invalid("invalid OWNED BY option".into())
                .with_hint("Specify OWNED BY table.column or OWNED BY NONE."));
        };
        let table = self.lookup_table(&ObjectName(table.to_vec()))?;
        let column = match column {
            sqlparser::ast::ObjectNamePart::Identifier(id) => super::fold(id),
            other => return Err(PgError::feature_not_supported(format!("OWNED BY {other}"))),
        };
        if table.column(&column).is_none() {
            return Err(PgError::undefined_column(&column));
        }
        Ok(owner_row(key, &table.name, &column))
    }

    /// ALTER SEQUENCE: the options given replace the sequence's own; RESTART sets its value
    /// through the executor's setval, which keeps sequences in memory.
    pub fn alter_sequence(&mut self, alter: AlterSequence) -> Result<Output, PgError> {
        let AlterSequence {
            if_exists,
            name,
            rename,
            data_type,
            options,
            restart,
            owned_by,
        } = alter;
        let key = self.table_name(&name)?;
        if !self.catalog.sequences.contains(&key) {
            if if_exists {
                self.notices
                    .push(does_not_exist_skipping("relation", &name));
                return Ok(Output::new(Kind::Command("ALTER SEQUENCE")));
            }
            return Err(PgError::undefined_table(catalog::split(&key).1));
        }
        if let Some(new_name) = rename {
            return self.rename_sequence(&key, &new_name);
        }
        let mut set: Vec<(&str, Expr)> = Vec::new();
        let mut unbounded = Vec::new();
        for option in &options {
            match option {
                SequenceOptions::MinValue(None) => unbounded.push("min_value"),
                SequenceOptions::MaxValue(None) => unbounded.push("max_value"),
                SequenceOptions::IncrementBy(e, _) => {
                    let n = option_int(e)?;
                    if n == 0 {
                        return Err(invalid("INCREMENT must not be zero".into()));
                    }
                    set.push(("increment_by", make::int(n)));
                }
                SequenceOptions::MinValue(Some(e)) => {
                    set.push(("min_value", make::int(option_int(e)?)))
                }
                SequenceOptions::MaxValue(Some(e)) => {
                    set.push(("max_value", make::int(option_int(e)?)))
                }
                SequenceOptions::StartWith(e, _) => {
                    set.push(("start_value", make::int(option_int(e)?)))
                }
                SequenceOptions::Cache(e) if option_int(e)? >= 1 => {}
                // sqlparser's flag is true for NO CYCLE.
                SequenceOptions::Cycle(no) => set.push(("cycle", make::int((!no).into()))),
                other => {
                    return Err(PgError::feature_not_supported(format!(
                        "ALTER SEQUENCE ... {other}"
                    )));
                }
            }
        }
        if !unbounded.is_empty() {
            let ty = match &data_type {
                Some(dt) => make::int(self.data_type(dt)?.ty.ty.oid().0.into()),
                None => sequence_type(),
            };
            let increment = set
                .iter()
                .find(|(c, _)| *c == "increment_by")
                .map_or_else(|| make::column("increment_by"), |(_, e)| e.clone());
            for column in unbounded {
                set.push((column, default_bound(column, &increment, &ty)));
            }
        }
        if let Some(dt) = &data_type {
            self.alter_sequence_type(dt, &mut set)?;
        }
        let is_key = || Some(make::eq(make::column("name"), make::string(&key)));
        let restart_value = match &restart {
            Some(Some(e)) => Some(make::int(option_int(e)?)),
            Some(None) => Some(make::column("start_value")),
            None => None,
        };
        let mut sqlite = altered_sequence(make::string(&key), set, restart_value);
        if let Some(owner) = owned_by {
            sqlite.push(make::delete(catalog::SEQUENCE_OWNERS, is_key()));
            if !owner.to_string().eq_ignore_ascii_case("none") {
                sqlite.push(self.owned_by_row(&key, &owner)?);
            }
        }
        Ok(catalog_output("ALTER SEQUENCE", sqlite))
    }

    /// ALTER SEQUENCE ... AS type, as PostgreSQL's init_params: a bound that was the old
    /// type's own limit becomes the new type's (unless this ALTER sets it), and the bounds must
    /// fit the new type (22023). The old type is the declared one, else the one whose limit
    /// the bound is (a serial's sequence keeps its column's first type's).
    pub(super) fn alter_sequence_type(
        &mut self,
        dt: &DataType,
        set: &mut Vec<(&'static str, Expr)>,
    ) -> Result<(), PgError> {
        let ty = self.data_type(dt)?.ty.ty;
        if !matches!(ty, PgType::Int2 | PgType::Int4 | PgType::Int8) {
            return Err(invalid(
                "sequence type must be smallint, integer, or bigint".into(),
            ));
        }
        let (new_min, new_max) = type_range(ty);
        let bound = |column: &'static str, new_limit: i64, set: &[(&str, Expr)]| {
            if let Some((_, given)) = set.iter().find(|(c, _)| *c == column) {
                return given.clone();
            }
            let limits: Vec<(PgType, i64)> = [PgType::Int2, PgType::Int4, PgType::Int8]
                .into_iter()
                .map(|t| {
                    let (lo, hi) = type_range(t);
                    (t, if column == "max_value" { hi } else { lo })
                })
                .collect();
            // The old type's limit for this bound.
            let declared_limit = make::case(
                make::column("type_oid"),
                limits
                    .iter()
                    .map(|(t, limit)| (make::int(t.oid().0.into()), make::int(*limit)))
                    .collect(),
            );
            let was_limit = Expr::InList {
                expr: Box::new(make::column(column)),
                list: limits.iter().map(|(_, l)| make::int(*l)).collect(),
                negated: false,
            };
            let is_old_limit = make::if_else(
                Expr::IsNull(Box::new(make::column("type_oid"))),
                was_limit,
                make::eq(make::column(column), declared_limit),
            );
            make::if_else(is_old_limit, make::int(new_limit), make::column(column))
        };
        let min = bound("min_value", new_min, set);
        let max = bound("max_value", new_max, set);
        let checked_type = make::call(
            "pg_sequence_type_fits",
            vec![make::int(ty.oid().0.into()), min.clone(), max.clone()],
        );
        set.retain(|(c, _)| !matches!(*c, "min_value" | "max_value"));
        set.extend([
            ("min_value", min),
            ("max_value", max),
            ("type_oid", checked_type),
        ]);
        Ok(())
    }

    /// Renames sequence `key` within its schema, as ALTER SEQUENCE/TABLE ... RENAME TO does:
    /// its row and owner row, the column defaults that call nextval on it (PostgreSQL's
    /// refer to it by OID, so they follow), and the executor's in-memory value and the
    /// sessions' currval, which `devdb_sequence_renamed` carries over to the new name.
    pub fn rename_sequence(&mut self, key: &str, new_name: &ObjectName) -> Result<Output, PgError> {
        let (schema, _) = catalog::split(key);
        let new = catalog::key(schema, &super::rename_target(new_name)?);
        if self.names_relation(&new) {
            return Err(super::views::duplicate_relation(&new));
        }
        let is_old = || Some(make::eq(make::column("name"), make::string(key)));
        let mut sqlite = vec![
            make::update(
                catalog::SEQUENCES,
                vec![(
                    "name",
                    make::call(
                        "devdb_sequence_renamed",
                        vec![make::column("name"), make::string(&new)],
                    ),
                )],
                is_old(),
            ),
            make::update(
                catalog::SEQUENCE_OWNERS,
                vec![("name", make::string(&new))],
                is_old(),
            ),
        ];
        for table in &self.catalog.tables {
            for column in &table.columns {
                let Some(default) = column.default.as_deref() else {
                    continue;
                };
                if let Some(renamed) = self.default_renamed(default, key, &new) {
                    sqlite.push(make::update(
                        catalog::COLUMNS,
                        vec![("default_expr", make::string(&renamed))],
                        super::ddl::column_where(&table.name, &column.name),
                    ));
                }
            }
        }
        Ok(catalog_output("ALTER SEQUENCE", sqlite))
    }

    /// Column default `text` with the sequence `old` its nextval/currval/setval calls name
    /// renamed to `new`, or None when it names no such sequence.
    fn default_renamed(&self, text: &str, old: &str, new: &str) -> Option<String> {
        let mut expr = crate::parse::expression(text)?;
        let mut changed = false;
        let _ = sqlparser::ast::visit_expressions_mut(&mut expr, |e| {
            let Expr::Function(f) = e else {
                return std::ops::ControlFlow::<()>::Continue(());
            };
            let is_sequence_function = matches!(
                f.name.to_string().to_ascii_lowercase().as_str(),
                "nextval" | "currval" | "setval"
            );
            let sqlparser::ast::FunctionArguments::List(list) = &mut f.args else {
                return std::ops::ControlFlow::Continue(());
            };
            let first = match list.args.first_mut() {
                Some(sqlparser::ast::FunctionArg::Unnamed(
                    sqlparser::ast::FunctionArgExpr::Expr(first),
                )) if is_sequence_function => first,
                _ => return std::ops::ControlFlow::Continue(()),
            };
            let literal = match first {
                Expr::Cast { expr, .. } => expr.as_mut(),
                other => other,
            };
            let names_old = super::expr::string_literal(literal)
                .is_some_and(|s| self.regclass_key(&s).is_ok_and(|k| k == old));
            if names_old {
                *literal = make::string(&super::functions::regclass_text(new));
                changed = true;
            }
            std::ops::ControlFlow::Continue(())
        });
        changed.then(|| make::sql_text(&expr))
    }

    pub fn drop_sequences(
        &mut self,
        names: &[ObjectName],
        if_exists: bool,
        cascade: bool,
    ) -> Result<Output, PgError> {
        let mut sqlite = Vec::new();
        for name in names {
            let Some(key) = self.drop_key(name, if_exists)? else {
                continue;
            };
            if !self.catalog.sequences.contains(&key) {
                if if_exists {
                    self.notices.push(does_not_exist_skipping("sequence", name));
                    continue;
                }
                return Err(PgError::new(
                    SqlState::UNDEFINED_TABLE,
                    format!("sequence \"{}\" does not exist", catalog::split(&key).1),
                ));
            }
            // A column default that calls nextval on it depends on it.
            let text = super::functions::regclass_text(&key);
            let user = self.catalog.tables.iter().find_map(|t| {
                t.columns
                    .iter()
                    .find(|c| c.default.as_deref() == Some(&format!("nextval('{text}')")))
                    .map(|c| (t, c))
            });
            if let Some((table, column)) = user {
                if cascade {
                    return Err(PgError::feature_not_supported(
                        "DROP SEQUENCE ... CASCADE of a sequence a column default uses",
                    ));
                }
                return Err(dependent_objects(
                    &format!("sequence {}", catalog::split(&key).1),
                    format!(
                        "default value for column {} of table {} depends on sequence {}",
                        column.name,
                        table.name,
                        catalog::split(&key).1
                    ),
                ));
            }
            for catalog_table in [catalog::SEQUENCES, catalog::SEQUENCE_OWNERS] {
                sqlite.push(make::delete(
                    catalog_table,
                    Some(make::eq(make::column("name"), make::string(&key))),
                ));
            }
        }
        Ok(catalog_output("DROP SEQUENCE", sqlite))
    }
}
