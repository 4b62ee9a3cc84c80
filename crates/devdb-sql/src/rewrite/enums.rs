//! Enum types: CREATE TYPE ... AS ENUM, ALTER TYPE ... ADD/RENAME VALUE, DROP TYPE, and the
//! rules for enum values in expressions.
//!
//! Values are stored as their labels, so equality, grouping and text output need nothing.
//! Order is the declaration order, not the labels' order: comparisons, ORDER BY and min/max
//! compare each value's place in the catalog's label list (a CASE over the labels, written at
//! translate time; ALTER TYPE changes the catalog generation, so no stale translation survives).

use devdb_pg::{Oid, PgError, PgType, SqlState};
use sqlparser::ast::{
    AlterTableOperation, AlterType, AlterTypeAddValue, AlterTypeAddValuePosition,
    AlterTypeOperation, AlterTypeRename, AlterTypeRenameValue, ArrayElemTypeDef, DataType,
    DropBehavior, DropDomain, Expr, Ident, ObjectName, ObjectNamePart, Statement,
    UserDefinedTypeRepresentation,
};

use super::ddl::{catalog_output, dependent_objects};
use super::expr::Ctx;
use super::{Output, Translator, fold};
use crate::catalog::{self, EnumType};
use crate::make;
use crate::types::{Declared, Ty, from_data_type, undefined_type};

/// PostgreSQL's limit on a label (NAMEDATALEN - 1 bytes).
const MAX_LABEL: usize = 63;

fn duplicate_type(name: &str) -> PgError {
    PgError::new(
        SqlState::DUPLICATE_OBJECT,
        format!("type \"{name}\" already exists"),
    )
}

fn duplicate_label(label: &str) -> PgError {
    PgError::new(
        SqlState::DUPLICATE_OBJECT,
        format!("enum label \"{label}\" already exists"),
    )
}

fn missing_label(label: &str) -> PgError {
    PgError::new(
        SqlState::INVALID_PARAMETER_VALUE,
        format!("\"{label}\" is not an existing enum label"),
    )
}

fn check_label(label: &str) -> Result<(), PgError> {
    if label.len() > MAX_LABEL {
        return Err(PgError::new(
            SqlState::INVALID_NAME,
            format!("invalid enum label \"{label}\""),
        )
        .with_detail(format!("Labels must be {MAX_LABEL} bytes or less.")));
    }
    Ok(())
}

fn label_row(oid: u32, type_oid: Oid, sort_order: f64, label: &str) -> Vec<Expr> {
    vec![
        make::int(oid.into()),
        make::int(type_oid.0.into()),
        make::float(sort_order),
        make::string(label),
    ]
}

fn insert_labels(rows: Vec<Vec<Expr>>) -> Statement {
    make::insert_rows(
        catalog::ENUM_LABELS,
        &["oid", "type_oid", "sort_order", "label"],
        rows,
    )
}

impl Translator<'_> {
    /// Resolves a type as written in a column definition or a cast, enums included.
    pub fn data_type(&self, dt: &DataType) -> Result<Declared, PgError> {
        if let DataType::Array(
            ArrayElemTypeDef::SquareBracket(element, _) | ArrayElemTypeDef::Qualified(element, _),
        ) = dt
        {
            return crate::rewrite::array_type(self.data_type(element)?);
        }
        if let Some(domain) = self.domain_named(dt)? {
            return Ok(Declared {
                ty: Ty::with_typmod(domain.base, domain.typmod),
                serial: false,
            });
        }
        if let DataType::Custom(name, modifiers) = dt
            && modifiers.is_empty()
            && let Some(e) = self.enum_named(name)?
        {
            return Ok(Declared {
                ty: Ty::enumeration(e.oid),
                serial: false,
            });
        }
        // The citext extension's type is in `public`: `public.citext`, as pg_dump writes it.
        if let DataType::Custom(name, modifiers) = dt
            && let [
                ObjectNamePart::Identifier(schema),
                ObjectNamePart::Identifier(ty),
            ] = name.0.as_slice()
            && fold(schema) == "public"
            && fold(ty) == "citext"
        {
            let unqualified = ObjectName::from(vec![ty.clone()]);
            return from_data_type(&DataType::Custom(unqualified, modifiers.clone()));
        }
        from_data_type(dt)
    }

    /// The enum a (possibly `public.`-qualified) type name refers to, if any.
    fn enum_named(&self, name: &ObjectName) -> Result<Option<&EnumType>, PgError> {
        let plain = name
            .0
            .iter()
            .all(|p| matches!(p, ObjectNamePart::Identifier(_)));
        if !plain || name.0.len() > 2 {
            return Ok(None);
        }
        if let [ObjectNamePart::Identifier(schema), _] = name.0.as_slice()
            && fold(schema) == "pg_catalog"
        {
            return Ok(None);
        }
        let folded = self.type_key(name)?;
        Ok(self.catalog.enum_type(&folded))
    }

    fn lookup_enum(&self, name: &ObjectName) -> Result<&EnumType, PgError> {
        let folded = self.type_key(name)?;
        self.catalog
            .enum_type(&folded)
            .ok_or_else(|| undefined_type(&folded))
    }

    /// A type's name as PostgreSQL prints it in messages (an enum by its own name).
    pub fn type_display(&self, ty: Ty) -> String {
        match ty.enum_oid.and_then(|oid| self.catalog.enum_by_oid(oid)) {
            Some(e) if ty.ty == PgType::AnyEnumArray => format!("{}[]", e.name),
            Some(e) => e.name.clone(),
            None => ty.ty.to_string(),
        }
    }

    fn enum_of(&self, ty: Ty) -> Result<&EnumType, PgError> {
        ty.enum_oid
            .and_then(|oid| self.catalog.enum_by_oid(oid))
            .ok_or_else(|| PgError::internal("enum type missing from the catalog"))
    }

    /// `e`'s place in its enum's sort order, for comparisons, ORDER BY and min/max.
    pub fn enum_ordinal(&self, e: Expr, ty: Ty) -> Result<Expr, PgError> {
        let arms = self
            .enum_of(ty)?
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| (make::string(&l.label), make::int(i as i64)))
            .collect();
        Ok(make::case(e, arms))
    }

    /// The label at an [`Translator::enum_ordinal`] place.
    pub fn enum_from_ordinal(&self, e: Expr, ty: Ty) -> Result<Expr, PgError> {
        let arms = self
            .enum_of(ty)?
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| (make::int(i as i64), make::string(&l.label)))
            .collect();
        Ok(make::case(e, arms))
    }

    /// Conversions to and from enums: literals are checked now, text at run time; an enum
    /// becomes text by assignment or explicitly; anything else is PostgreSQL's cast error.
    pub fn coerce_enum(&mut self, e: Expr, from: Ty, to: Ty, ctx: Ctx) -> Result<Expr, PgError> {
        if from.ty == to.ty && from.enum_oid == to.enum_oid {
            return Ok(e);
        }
        if from.ty == PgType::AnyEnumArray || to.ty == PgType::AnyEnumArray {
            return self.coerce_enum_array(e, from, to, ctx);
        }
        if to.ty == PgType::AnyEnum && from.ty.is_text() {
            if let Some(text) = super::expr::string_literal(&e)
                && from.is_unknown()
            {
                let en = self.enum_of(to)?;
                if en.position(&text).is_none() {
                    return Err(PgError::invalid_enum_label(&en.name, &text));
                }
                return Ok(make::string(&text));
            }
            if let Some(n) = super::expr::placeholder_index(&e)
                && from.is_unknown()
            {
                // Bound as text, described as the enum so drivers send its labels.
                if self.param(n).is_none()
                    && let Some(oid) = to.enum_oid
                {
                    self.described_params.push((n - 1, oid));
                }
                self.set_param_type(n, PgType::Text);
            } else if ctx != Ctx::Explicit && !from.is_unknown() {
                return Err(self.cast_error(from, to, ctx));
            }
            let en = self.enum_of(to)?;
            let mut args = vec![e, make::string(&en.name)];
            args.extend(en.labels.iter().map(|l| make::string(&l.label)));
            return Ok(make::call("pg_enum_in", args));
        }
        if from.ty == PgType::AnyEnum && to.ty.is_text() && ctx != Ctx::Implicit {
            return self.coerce(e, Ty::of(PgType::Text), to, ctx);
        }
        Err(self.cast_error(from, to, ctx))
    }

    /// enum_range, enum_first and enum_last of an enum value (only its type matters): the
    /// labels as they stand, in sort order.
    pub fn enum_function(&self, name: &str, ty: Ty) -> Result<(Expr, Ty), PgError> {
        let labels: Vec<&str> = self
            .enum_of(ty)?
            .labels
            .iter()
            .map(|l| l.label.as_str())
            .collect();
        let one = |label: Option<&&str>| label.map_or_else(make::null, |l| make::string(l));
        Ok(match name {
            "enum_first" => (one(labels.first()), ty),
            "enum_last" => (one(labels.last()), ty),
            _ => {
                let items: Vec<devdb_pg::Value> = labels
                    .iter()
                    .map(|l| devdb_pg::Value::Text((*l).to_owned()))
                    .collect();
                (
                    make::blob(&devdb_pg::value::array::store(PgType::AnyEnum, &items)),
                    Ty {
                        ty: PgType::AnyEnumArray,
                        ..ty
                    },
                )
            }
        })
    }

    /// Enum arrays convert as their enum does, element by element: array literals are checked
    /// now, text arrays (and parameters) at run time; an enum array is
    /// stored like a text array, so it becomes one as it is.
    fn coerce_enum_array(&mut self, e: Expr, from: Ty, to: Ty, ctx: Ctx) -> Result<Expr, PgError> {
        let text_array = Ty::of(PgType::TextArray);
        if to.ty == PgType::AnyEnumArray
            && (from.is_unknown() || from.ty.element().is_some_and(PgType::is_text))
        {
            let en = self.enum_of(to)?;
            if let Some(text) = super::expr::string_literal(&e)
                && from.is_unknown()
            {
                let items = devdb_pg::value::array::parse_text(PgType::AnyEnum, &text)?;
                for item in &items {
                    if let devdb_pg::Value::Text(label) = item
                        && en.position(label).is_none()
                    {
                        return Err(PgError::invalid_enum_label(&en.name, label));
                    }
                }
                return Ok(make::blob(&devdb_pg::value::array::store(
                    PgType::AnyEnum,
                    &items,
                )));
            }
            let array_oid = en.array_oid;
            let mut args = vec![e, make::string(&en.name)];
            args.extend(en.labels.iter().map(|l| make::string(&l.label)));
            let e = match super::expr::placeholder_index(&args[0]) {
                Some(n) if from.is_unknown() => {
                    // Bound as text[], described as the enum's array type so drivers send
                    // its labels.
                    if self.param(n).is_none() {
                        self.described_params.push((n - 1, array_oid));
                    }
                    self.set_param_type(n, PgType::TextArray);
                    args.remove(0)
                }
                _ if ctx != Ctx::Explicit && !from.is_unknown() => {
                    return Err(self.cast_error(from, to, ctx));
                }
                _ => {
                    let e = args.remove(0);
                    self.coerce(e, from, text_array, ctx)?
                }
            };
            args.insert(0, e);
            return Ok(make::call("pg_enum_array_in", args));
        }
        if from.ty == PgType::AnyEnumArray && ctx != Ctx::Implicit {
            return self.coerce(e, text_array, to, ctx);
        }
        Err(self.cast_error(from, to, ctx))
    }

    pub fn cast_error(&self, from: Ty, to: Ty, ctx: Ctx) -> PgError {
        let code = if ctx == Ctx::Explicit {
            SqlState::CANNOT_COERCE
        } else {
            SqlState::DATATYPE_MISMATCH
        };
        PgError::new(
            code,
            format!(
                "cannot cast type {} to {}",
                self.type_display(from),
                self.type_display(to)
            ),
        )
    }

    pub fn create_type(
        &mut self,
        name: ObjectName,
        representation: Option<UserDefinedTypeRepresentation>,
    ) -> Result<Output, PgError> {
        let Some(UserDefinedTypeRepresentation::Enum { labels }) = representation else {
            return Err(PgError::feature_not_supported(
                "CREATE TYPE other than AS ENUM",
            ));
        };
        let folded = self.creation_key(&name)?;
        if self.catalog.enum_type(&folded).is_some()
            || self.catalog.table(&folded).is_some()
            || PgType::from_sql_name(&folded).is_some()
        {
            return Err(duplicate_type(&folded));
        }
        let labels: Vec<String> = labels.into_iter().map(|l: Ident| l.value).collect();
        for (i, l) in labels.iter().enumerate() {
            check_label(l)?;
            if labels[..i].contains(l) {
                return Err(PgError::new(
                    SqlState::UNIQUE_VIOLATION,
                    "duplicate key value violates unique constraint \"pg_enum_typid_label_index\"",
                )
                .with_detail(format!(
                    "Key (enumtypid, enumlabel)=({}, {l}) already exists.",
                    self.catalog.next_oid()
                )));
            }
        }
        let oid = self.catalog.next_oid();
        let type_oid = Oid(oid);
        let rows = labels
            .iter()
            .enumerate()
            .map(|(i, l)| label_row(oid + 2 + i as u32, type_oid, i as f64 + 1.0, l))
            .collect::<Vec<_>>();
        let mut sqlite = vec![make::insert_rows(
            catalog::TYPES,
            &["oid", "schema", "name", "array_oid"],
            vec![vec![
                make::int(oid.into()),
                make::string(catalog::split(&folded).0),
                make::string(catalog::split(&folded).1),
                make::int((oid + 1).into()),
            ]],
        )];
        if !rows.is_empty() {
            sqlite.push(insert_labels(rows));
        }
        Ok(catalog_output("CREATE TYPE", sqlite))
    }

    pub fn alter_type(&mut self, alter: AlterType) -> Result<Output, PgError> {
        let AlterType { name, operation } = alter;
        let en = self.lookup_enum(&name)?.clone();
        let type_key = || make::eq(make::column("oid"), make::int(en.oid.0.into()));
        let sqlite = match operation {
            AlterTypeOperation::AddValue(AlterTypeAddValue {
                if_not_exists,
                value,
                position,
            }) => {
                let label = value.value;
                check_label(&label)?;
                if en.position(&label).is_some() {
                    if if_not_exists {
                        let avoided = duplicate_label(&label);
                        self.notices.push(PgError::skipping(
                            avoided.code,
                            format!("{}, skipping", avoided.message),
                        ));
                        return Ok(Output::new(crate::Kind::Command("ALTER TYPE")));
                    }
                    return Err(duplicate_label(&label));
                }
                let orders: Vec<f64> = en.labels.iter().map(|l| l.sort_order).collect();
                let sort_order = match position {
                    None => orders.last().map_or(1.0, |o| o + 1.0),
                    Some(AlterTypeAddValuePosition::Before(n)) => {
                        let i = en
                            .position(&n.value)
                            .ok_or_else(|| missing_label(&n.value))?;
                        let prev = if i == 0 {
                            orders[i] - 1.0
                        } else {
                            orders[i - 1]
                        };
                        (prev + orders[i]) / 2.0
                    }
                    Some(AlterTypeAddValuePosition::After(n)) => {
                        let i = en
                            .position(&n.value)
                            .ok_or_else(|| missing_label(&n.value))?;
                        let next = orders.get(i + 1).copied().unwrap_or(orders[i] + 2.0);
                        (orders[i] + next) / 2.0
                    }
                };
                vec![insert_labels(vec![label_row(
                    self.catalog.next_oid(),
                    en.oid,
                    sort_order,
                    &label,
                )])]
            }
            AlterTypeOperation::RenameValue(AlterTypeRenameValue { from, to }) => {
                let (from, to) = (from.value, to.value);
                check_label(&to)?;
                if en.position(&from).is_none() {
                    return Err(missing_label(&from));
                }
                if en.position(&to).is_some() {
                    return Err(duplicate_label(&to));
                }
                let mut sqlite = vec![make::update(
                    catalog::ENUM_LABELS,
                    vec![("label", make::string(&to))],
                    Some(make::and(
                        make::eq(make::column("type_oid"), make::int(en.oid.0.into())),
                        make::eq(make::column("label"), make::string(&from)),
                    )),
                )];
                // Values are stored as labels: every column of the type follows the rename.
                for table in &self.catalog.tables {
                    for c in table.columns.iter().filter(|c| c.enum_oid == Some(en.oid)) {
                        sqlite.push(make::update(
                            &table.name,
                            vec![(&c.name, make::string(&to))],
                            Some(make::eq(make::column(&c.name), make::string(&from))),
                        ));
                    }
                }
                sqlite
            }
            AlterTypeOperation::Rename(AlterTypeRename { new_name }) => {
                // The type stays in its schema.
                let new_name = fold(&new_name);
                let new_key = catalog::key(&en.schema, &new_name);
                if self.catalog.enum_type(&new_key).is_some()
                    || self.catalog.table(&new_key).is_some()
                {
                    return Err(duplicate_type(&new_name));
                }
                vec![make::update(
                    catalog::TYPES,
                    vec![("name", make::string(&new_name))],
                    Some(type_key()),
                )]
            }
        };
        Ok(catalog_output("ALTER TYPE", sqlite))
    }

    pub fn drop_types(
        &mut self,
        names: &[DataType],
        if_exists: bool,
        cascade: bool,
        dropped_tables: &[String],
    ) -> Result<Output, PgError> {
        let mut sqlite = Vec::new();
        let mut dropped_columns = Vec::new();
        // PostgreSQL finds every type before it looks at what depends on them.
        let mut found = Vec::with_capacity(names.len());
        // Domains, which DROP TYPE drops as DROP DOMAIN does.
        let mut domains = Vec::new();
        for dt in names {
            let en = match dt {
                // pg_catalog holds only built-in types, which undroppable_type refuses.
                DataType::Custom(name, modifiers)
                    if modifiers.is_empty() && !in_pg_catalog(name) =>
                {
                    let folded = self.type_key(name)?;
                    if self.catalog.domain(&folded).is_some() {
                        domains.push(name.clone());
                        continue;
                    }
                    self.catalog.enum_type(&folded).map(|en| (folded, en))
                }
                _ => None,
            };
            match en {
                Some(en) => found.push(Ok(en)),
                None => match self.undroppable_type(dt)? {
                    Some(refused) => found.push(Err(refused)),
                    None if if_exists => self
                        .notices
                        .push(super::type_does_not_exist_skipping(&written_type(dt))),
                    None => return Err(undefined_type(&written_type(dt))),
                },
            }
        }
        // A type that cannot go at all fails the statement before any dependents are looked at.
        let found = found.into_iter().collect::<Result<Vec<_>, PgError>>()?;
        for (folded, en) in found {
            // The columns of this type (or an array of it), table by table.
            let users: Vec<(String, Vec<String>)> = self
                .catalog
                .tables
                .iter()
                .filter(|t| !dropped_tables.contains(&t.name))
                .map(|t| {
                    let columns = t.columns.iter().filter(|c| c.enum_oid == Some(en.oid));
                    (t.name.clone(), columns.map(|c| c.name.clone()).collect())
                })
                .filter(|(_, columns): &(String, Vec<String>)| !columns.is_empty())
                .collect();
            let dependents: Vec<String> = users
                .iter()
                .flat_map(|(t, columns)| {
                    let t = catalog::split(t).1;
                    columns
                        .iter()
                        .map(move |c| format!("column {c} of table {t}"))
                })
                .collect();
            if let Some(first) = dependents.first()
                && !cascade
            {
                return Err(dependent_objects(
                    &format!("type {folded}"),
                    format!("{first} depends on type {folded}"),
                ));
            }
            let cascaded: Vec<String> = dependents
                .iter()
                .map(|d| format!("drop cascades to {d}"))
                .collect();
            self.cascade_notice(&cascaded);
            // CASCADE drops those columns, as ALTER TABLE ... DROP COLUMN does.
            for (table, columns) in users {
                let (schema, plain) = catalog::split(&table);
                let drops = columns
                    .iter()
                    .map(|c| AlterTableOperation::DropColumn {
                        has_column_keyword: true,
                        column_names: vec![make::ident(c)],
                        if_exists: false,
                        drop_behavior: Some(DropBehavior::Cascade),
                    })
                    .collect();
                let name = ObjectName::from(vec![make::ident(schema), make::ident(plain)]);
                dropped_columns.extend(self.alter_table(make::alter_table(name, drops))?.sqlite);
            }
            sqlite.push(make::delete(
                catalog::ENUM_LABELS,
                Some(make::eq(
                    make::column("type_oid"),
                    make::int(en.oid.0.into()),
                )),
            ));
            sqlite.push(make::delete(
                catalog::TYPES,
                Some(make::eq(make::column("oid"), make::int(en.oid.0.into()))),
            ));
        }
        let mut out = catalog_output("DROP TYPE", sqlite);
        for name in domains {
            let drop = DropDomain {
                if_exists: false,
                name,
                drop_behavior: cascade.then_some(DropBehavior::Cascade),
            };
            out.sqlite.extend(self.drop_domain(drop)?.sqlite);
        }
        dropped_columns.append(&mut out.sqlite);
        out.sqlite = dropped_columns;
        Ok(out)
    }

    /// 2BP01 when `dt` is a built-in type, a relation's row type, which goes only with its
    /// relation (even with CASCADE), or the array type of a user type, which goes only with
    /// its element type; None when it is none of them.
    fn undroppable_type(&self, dt: &DataType) -> Result<Option<PgError>, PgError> {
        if let Ok(declared) = from_data_type(dt)
            && names_built_in_type(dt, declared.ty.ty)
        {
            return Ok(Some(PgError::new(
                SqlState::DEPENDENT_OBJECTS_STILL_EXIST,
                format!(
                    "cannot drop type {} because it is required by the database system",
                    declared.ty.ty
                ),
            )));
        }
        let DataType::Custom(name, _) = dt else {
            return self.undroppable_array(dt);
        };
        if in_pg_catalog(name) {
            return Ok(None);
        }
        if let Some(refused) = self.undroppable_array(dt)? {
            return Ok(Some(refused));
        }
        let key = self.table_name(name)?;
        let kind = match (self.catalog.view(&key), self.catalog.table(&key)) {
            (Some(view), _) => view.kind(),
            (None, Some(_)) => "table",
            (None, None) => return Ok(None),
        };
        Ok(Some(
            PgError::new(
                SqlState::DEPENDENT_OBJECTS_STILL_EXIST,
                format!("cannot drop type {key} because {kind} {key} requires it"),
            )
            .with_hint(format!("You can drop {kind} {key} instead.")),
        ))
    }

    /// 2BP01 when `dt` is the array type of a user type (`mood[]`, `_mood`), None when it
    /// names no such type.
    fn undroppable_array(&self, dt: &DataType) -> Result<Option<PgError>, PgError> {
        let element = match dt {
            DataType::Array(ArrayElemTypeDef::SquareBracket(element, _)) => element_name(element),
            // `_mood`, as pg_type names mood's array type.
            DataType::Custom(name, modifiers) if modifiers.is_empty() => {
                let mut name = name.clone();
                match name.0.last_mut() {
                    Some(ObjectNamePart::Identifier(last)) if last.value.starts_with('_') => {
                        last.value.remove(0);
                        Some(name)
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        let Some(element) = element else {
            return Ok(None);
        };
        let type_key = self.type_key(&element)?;
        let relation_key = self.table_name(&element)?;
        let key = if self.catalog.enum_type(&type_key).is_some()
            || self.catalog.domain(&type_key).is_some()
        {
            type_key
        } else if self.catalog.table(&relation_key).is_some()
            || self.catalog.view(&relation_key).is_some()
        {
            relation_key
        } else {
            return Ok(None);
        };
        Ok(Some(
            PgError::new(
                SqlState::DEPENDENT_OBJECTS_STILL_EXIST,
                format!("cannot drop type {key}[] because type {key} requires it"),
            )
            .with_hint(format!("You can drop type {key} instead.")),
        ))
    }
}

/// The user type an array type name's elements have: `mood` of `mood[]` and `mood[][]`.
fn element_name(element: &DataType) -> Option<ObjectName> {
    match element {
        DataType::Array(ArrayElemTypeDef::SquareBracket(inner, _)) => element_name(inner),
        DataType::Custom(name, modifiers) if modifiers.is_empty() => Some(name.clone()),
        _ => None,
    }
}

/// A type name as PostgreSQL's messages write it: `nosuch`, `s.nosuch[]`.
fn written_type(dt: &DataType) -> String {
    match dt {
        DataType::Array(ArrayElemTypeDef::SquareBracket(element, _)) => match element_name(element)
        {
            Some(name) => format!("{}[]", super::written(&name)),
            None => dt.to_string(),
        },
        DataType::Custom(name, _) => super::written(name),
        other => other.to_string(),
    }
}

/// Whether `name` is qualified with pg_catalog.
fn in_pg_catalog(name: &ObjectName) -> bool {
    matches!(name.0.as_slice(),
        [ObjectNamePart::Identifier(schema), _] if fold(schema) == "pg_catalog")
}

/// Whether `dt`, which resolves to the built-in type `ty`, names a row of pg_type: a name
/// written as a type name (`int4`, `_int4`, or a keyword such as `integer` unquoted) does, a
/// quoted grammar word (`"integer"`, `"serial"`) is no type's name.
fn names_built_in_type(dt: &DataType, ty: PgType) -> bool {
    match dt {
        DataType::Custom(name, _) => match name.0.last() {
            Some(ObjectNamePart::Identifier(last)) => fold(last) == ty.name(),
            _ => false,
        },
        _ => true,
    }
}
