//! The typed rewrite pass: walks one parsed statement, resolves names against the [`Catalog`],
//! infers PostgreSQL types bottom-up (untyped literals and parameters take the type their
//! context asks for, as in PostgreSQL), and rewrites each PostgreSQL-only form into SQLite's in
//! place. The files of this module are feature areas; all of them are methods of one
//! [`Translator`], so one traversal does everything.

mod alter_column;
mod arrays;
mod bpchar;
mod casts;
mod comments;
mod constraints;
mod copy;
mod cursors;
mod data_modifying;
mod datetime;
mod ddl;
mod distinct;
mod dml;
mod domains;
mod enums;
mod exclusion;
mod explain;
pub(crate) mod expr;
mod functions;
mod generated;
mod grouping_sets;
mod indexes;
mod json;
mod json_sets;
mod lateral;
mod lock_table;
mod matviews;
mod operators;
mod ordered_set;
mod owners;
mod prepare;
mod privileges;
mod query;
mod ranges;
mod regex;
mod row_probe;
mod row_values;
mod schemas;
mod scope;
mod sequences;
mod session;
mod set_constraints;
mod signatures;
mod sleep;
mod sql_functions;
mod system;
mod table_forms;
mod temp_tables;
mod text_search;
mod triggers;
mod validation;
mod view_renames;
mod views;
mod window;

use devdb_pg::{PgError, PgType, SqlState};
use sqlparser::ast::{DiscardObject, Ident, ObjectName, ObjectNamePart, Statement};

use crate::catalog::{self, Catalog, DEFAULT_SCHEMA, Table};
use crate::parse::Parsed;
use crate::search_path::{Resolved, SearchPath};
use crate::{Column, Kind, Translated};

pub(crate) use arrays::array_type;
pub(crate) use prepare::execute_arguments;
pub(crate) use scope::{Rel, Scope};
pub use sequences::check_bounds as check_sequence_bounds;
pub(crate) use sequences::check_type_range as check_sequence_type;
pub(crate) use temp_tables::{drop_temp_schema, on_commit};

/// An option's argument as PostgreSQL's grammar keeps it (SET values, storage parameters): a
/// name folded, a number (negative too) or a string as written, TRUE and FALSE as words. None
/// for any other expression.
pub(crate) fn option_text(e: &sqlparser::ast::Expr) -> Option<String> {
    use sqlparser::ast::{Expr, UnaryOperator, Value};
    let literal = |v: &Value| match v {
        Value::SingleQuotedString(s) | Value::EscapedStringLiteral(s) => Some(s.clone()),
        Value::Number(n, _) => Some(n.clone()),
        Value::Boolean(b) => Some(b.to_string()),
        _ => None,
    };
    match e {
        Expr::Identifier(id) => Some(fold(id)),
        Expr::Value(v) => literal(&v.value),
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => match expr.as_ref() {
            Expr::Value(v) if matches!(v.value, Value::Number(..)) => {
                literal(&v.value).map(|n| format!("-{n}"))
            }
            _ => None,
        },
        _ => None,
    }
}

/// Case-folds an identifier as PostgreSQL does: unquoted names are lower-cased.
pub fn fold(ident: &Ident) -> String {
    match ident.quote_style {
        Some(_) => ident.value.clone(),
        None => ident.value.to_lowercase(),
    }
}

/// The state of one statement's translation.
pub(crate) struct Translator<'a> {
    pub catalog: &'a Catalog,
    /// The session's search_path against this catalog.
    pub path: Resolved,
    /// `$n` types so far: the client's, or inferred; None while still unknown.
    pub params: Vec<Option<PgType>>,
    /// Parameters inferred as an enum, an enum array or a domain: (index, the type's OID); see
    /// `Translated::described_params`.
    pub described_params: Vec<(usize, devdb_pg::Oid)>,
    /// True once anything writes (nextval, setval, FOR UPDATE).
    pub writes: bool,
    /// SELECT ... FOR UPDATE/SHARE somewhere in the statement.
    pub locks_rows: bool,
    /// Name scopes of the enclosing queries, innermost last.
    pub scopes: Vec<Scope>,
    /// CTEs visible at each query level, innermost last.
    pub ctes: Vec<Vec<Rel>>,
    /// The table INSERT or UPDATE writes, for NOT NULL checks.
    pub target: Option<String>,
    /// Keys of the tables and views FROM items read (what a view depends on).
    pub read_relations: Vec<String>,
    /// Keys of the sequences the statement creates (a serial's), which its defaults name.
    pub creating: Vec<String>,
    /// Views the statement drops (DROP SCHEMA ... CASCADE drops them before the tables).
    pub dropping_views: Vec<String>,
    /// Tables DROP TABLE ... CASCADE drops: table rebuilds leave out foreign keys to them.
    pub dropping_tables: Vec<String>,
    /// NOTICEs for the client when the statement succeeds.
    pub notices: Vec<PgError>,
    /// The WHERE of `ON CONFLICT (cols) WHERE predicate`, for the INSERT being translated.
    pub conflict_predicate: Option<sqlparser::ast::Expr>,
    /// INSERT ... OVERRIDING SYSTEM VALUE: GENERATED ALWAYS columns take explicit values.
    pub overriding_system: bool,
    /// The next SELECT's select list keeps untyped literals and parameters unknown for its
    /// consumer to type: INSERT ... SELECT assigns them the target columns' types, a set
    /// operation the other branches' (PostgreSQL's resolve_unknowns = false there).
    pub keep_unknowns: bool,
    /// An address near the top of the stack when translation began (see `check_stack`).
    pub stack_base: usize,
    /// Tables read from a copy taken before a data-modifying WITH changed them: (key, copy).
    pub copies: Vec<(String, String)>,
    /// Data-modifying WITH queries without RETURNING, which nothing may read.
    pub without_returning: Vec<String>,
}

/// What a statement handler produces; the parameters are added at the end.
pub(crate) struct Output {
    pub kind: Kind,
    pub sqlite: Vec<String>,
    pub columns: Vec<Column>,
    pub writes: bool,
    pub changes_catalog: bool,
    pub captures: Vec<crate::Capture>,
    pub row_probe: Option<crate::RowProbe>,
    pub temp_on_commit: Option<crate::TempOnCommit>,
    pub sleep: Option<String>,
}

impl Output {
    pub fn new(kind: Kind) -> Output {
        Output {
            kind,
            sqlite: Vec::new(),
            columns: Vec::new(),
            writes: false,
            changes_catalog: false,
            captures: Vec::new(),
            row_probe: None,
            temp_on_commit: None,
            sleep: None,
        }
    }
}

/// Translates one parsed statement.
pub(crate) fn statement(
    parsed: Parsed,
    catalog: &Catalog,
    path: &SearchPath,
    param_types: &[Option<PgType>],
) -> Result<Translated, PgError> {
    let mut t = Translator::new(catalog, path, param_types);
    let out = match parsed {
        Parsed::Vacuum { analyze, tables } => t.vacuum(analyze, &tables)?,
        Parsed::Checkpoint => Output::new(Kind::Command("CHECKPOINT")),
        Parsed::Fetch(fetch) => Output::new(Kind::Fetch(fetch)),
        Parsed::AlterSequence(alter) => t.alter_sequence(*alter)?,
        Parsed::CreateDomain(domain) => t.create_domain(*domain)?,
        Parsed::CreateMaterializedView(view) => t.create_materialized_view(*view)?,
        Parsed::Refresh(refresh) => t.refresh(*refresh)?,
        Parsed::DropType(drop) => t.drop_types(&drop.names, drop.if_exists, drop.cascade, &[])?,
        Parsed::SetConstraints(set) => t.set_constraints(set)?,
        Parsed::TypeOwner {
            domain,
            name,
            owner,
        } => t.type_owner(domain, &name, &owner)?,
        Parsed::AlterRename(rename) => t.alter_rename(*rename)?,
        Parsed::Database(command) => return Ok(crate::database::translated(command)),
        Parsed::Statement(stmt) if matches!(*stmt, Statement::Explain { .. }) => {
            return explain::explain(*stmt, catalog, path, param_types);
        }
        Parsed::Statement(stmt) => t.statement(*stmt)?,
        Parsed::Prepare {
            name,
            data_types,
            statement: inner,
            text,
        } => return prepare::prepare(t, path, &name, &data_types, *inner, text),
        Parsed::InsertConflictWhere { insert, predicate } => {
            t.conflict_predicate = Some(*predicate);
            t.statement(*insert)?
        }
        Parsed::InsertOverridingSystemValue(stmt) => {
            t.overriding_system = true;
            t.statement(*stmt)?
        }
        Parsed::Do(block) => {
            // The block's one statement; an error its EXCEPTION clause names does nothing.
            let inner = statement(*block.statement.clone(), catalog, path, param_types);
            let inner = match inner {
                Err(e) if block.catches(&e) => Ok(Translated::nothing(Kind::Command("DO"))),
                Err(e) => Err(e),
                Ok(t) if !t.columns.is_empty() => Err(PgError::new(
                    SqlState::SYNTAX_ERROR,
                    "query has no destination for result data",
                )),
                Ok(t) => Ok(Translated {
                    kind: Kind::Command("DO"),
                    ..t
                }),
            };
            let Some(guard) = block.guard else {
                return inner;
            };
            let condition = statement(*guard, catalog, path, param_types)?;
            if condition.columns.len() != 1
                || condition
                    .columns
                    .first()
                    .is_some_and(|c| c.ty != PgType::Bool)
            {
                return Err(PgError::feature_not_supported(
                    "IF in a DO block with a condition that is not one boolean",
                ));
            }
            let (writes, changes_catalog) = inner
                .as_ref()
                .map_or((false, false), |t| (t.writes, t.changes_catalog));
            let condition = Translated {
                kind: Kind::Select,
                writes: condition.writes || writes,
                ..condition
            };
            return Ok(Translated {
                writes,
                changes_catalog,
                ..Translated::nothing(Kind::GuardedDo(Box::new(crate::GuardedDo {
                    condition,
                    then: inner,
                })))
            });
        }
    };
    Ok(finish(t, out))
}

/// The translation of a statement `t` translated into `out`.
fn finish(t: Translator<'_>, out: Output) -> Translated {
    let reads_catalog = out
        .sqlite
        .iter()
        .chain(out.captures.iter().flat_map(|c| &c.sqlite))
        .any(|sql| crate::system::reads_views(sql));
    Translated {
        kind: out.kind,
        sqlite: out.sqlite,
        params: t.params.iter().map(|p| p.unwrap_or(PgType::Text)).collect(),
        described_params: t.described_params,
        columns: out.columns,
        writes: out.writes || t.writes,
        locks_rows: t.locks_rows,
        changes_catalog: out.changes_catalog,
        captures: out.captures,
        notices: t.notices,
        row_probe: out.row_probe,
        reads_catalog,
        temp_on_commit: out.temp_on_commit,
        sleep: out.sleep,
    }
}

impl<'a> Translator<'a> {
    fn new(catalog: &'a Catalog, path: &SearchPath, param_types: &[Option<PgType>]) -> Self {
        Translator {
            catalog,
            path: Resolved::new(path, catalog),
            params: param_types.to_vec(),
            described_params: Vec::new(),
            writes: false,
            locks_rows: false,
            scopes: Vec::new(),
            ctes: Vec::new(),
            target: None,
            overriding_system: false,
            keep_unknowns: false,
            read_relations: Vec::new(),
            creating: Vec::new(),
            dropping_views: Vec::new(),
            copies: Vec::new(),
            without_returning: Vec::new(),
            dropping_tables: Vec::new(),
            notices: Vec::new(),
            conflict_predicate: None,
            stack_base: {
                let marker = 0u8;
                &marker as *const u8 as usize
            },
        }
    }
}

impl Translator<'_> {
    fn statement(&mut self, stmt: Statement) -> Result<Output, PgError> {
        if let Statement::Discard {
            object_type: object_type @ (DiscardObject::ALL | DiscardObject::TEMP),
        } = stmt
        {
            return self.discard_temp(object_type);
        }
        if let Some(kind) = session::kind(&stmt)? {
            return Ok(Output::new(kind));
        }
        match stmt {
            Statement::Query(q) if data_modifying::applies(&q) => self.data_modifying(*q),
            Statement::Query(q) => self.select_statement(*q),
            Statement::Declare { stmts } => self.declare(stmts),
            Statement::Close { cursor } => Ok(self.close(cursor)),
            Statement::Insert(insert) => self.insert(insert),
            Statement::Update(update) => self.update(update),
            Statement::Delete(delete) => self.delete(delete),
            Statement::CreateTable(create) => self.create_table(create),
            Statement::DropDomain(drop) => self.drop_domain(drop),
            Statement::Drop {
                object_type,
                if_exists,
                names,
                cascade,
                restrict: _,
                purge: false,
                temporary: false,
                table: None,
            } => self.drop(object_type, if_exists, names, cascade),
            Statement::CreateType {
                name,
                representation,
            } => self.create_type(name, representation),
            Statement::AlterType(alter) => self.alter_type(alter),
            Statement::CreateView(view) => self.create_view(view),
            Statement::Comment {
                object_type,
                object_name,
                comment,
                if_exists: false,
            } => self.comment(object_type, object_name, comment),
            Statement::CreateSequence {
                temporary: false,
                if_not_exists,
                name,
                data_type,
                sequence_options,
                owned_by,
            } => self.create_sequence(
                if_not_exists,
                &name,
                data_type.as_ref(),
                &sequence_options,
                owned_by.as_ref(),
            ),
            Statement::CreateSchema {
                schema_name,
                or_replace: false,
                if_not_exists,
                with: None,
                options: None,
                default_collate_spec: None,
                clone: None,
            } => self.create_schema(schema_name, if_not_exists),
            Statement::Truncate(truncate) => self.truncate(truncate),
            Statement::Lock(lock) => self.lock_table(lock),
            Statement::AlterTable(alter) => match alter.operations.as_slice() {
                [sqlparser::ast::AlterTableOperation::OwnerTo { new_owner }] => {
                    self.relation_owner(&alter.name, new_owner)
                }
                [sqlparser::ast::AlterTableOperation::RenameConstraint { old_name, new_name }] => {
                    let (old, new) = (fold(old_name), fold(new_name));
                    match self.rename_key_constraint(&alter.name, &old, &new)? {
                        Some(out) => Ok(out),
                        None => self.alter_table(alter),
                    }
                }
                _ => self.alter_table(alter),
            },
            Statement::AlterSchema(alter) => self.alter_schema(alter),
            Statement::Grant(grant) => self.grant(grant),
            Statement::Revoke(revoke) => self.revoke(revoke),
            Statement::AlterFunction(alter) => self.alter_function(alter),
            Statement::CreateIndex(index) => self.create_index(index),
            Statement::AlterIndex { name, operation } => self.alter_index(&name, operation),
            Statement::CreateExtension(ext) => self.create_extension(ext),
            Statement::CreateFunction(f) => self.create_function(f),
            Statement::CreateTrigger(t) => self.create_trigger(t),
            Statement::DropTrigger(d) => self.drop_trigger(d),
            Statement::DropFunction(d) => self.drop_function(d),
            Statement::Copy {
                source,
                to,
                target,
                options,
                legacy_options,
                values,
            } if values.is_empty() && legacy_options.is_empty() => {
                self.copy(source, to, target, options)
            }
            Statement::Execute {
                name: Some(name),
                parameters,
                has_parentheses: _,
                immediate: false,
                into,
                using,
                output: false,
                default: false,
            } if into.is_empty() && using.is_empty() => prepare::execute(&name, parameters),
            Statement::Deallocate { name, prepare: _ } => Ok(prepare::deallocate(&name)),
            Statement::Analyze(analyze) => self.analyze(analyze),
            Statement::Vacuum(v) => {
                let tables = v
                    .table_name
                    .iter()
                    .map(|n| self.table_name(n))
                    .collect::<Result<Vec<_>, _>>()?;
                self.vacuum(false, &tables)
            }
            other => Err(PgError::feature_not_supported(statement_name(&other))),
        }
    }

    /// The key (see `catalog::key`) of a possibly schema-qualified relation name (table, view,
    /// index, sequence): an unqualified one resolves in the first schema of the search path
    /// that holds a relation of that name. 3F000 for a schema that does not exist.
    pub fn table_name(&self, name: &ObjectName) -> Result<String, PgError> {
        self.lookup_key(name, Namespace::Relation)
    }

    /// The key of a relation `DROP ... IF EXISTS` names; None, with PostgreSQL's NOTICE, when
    /// its schema does not exist.
    pub fn drop_key(
        &mut self,
        name: &ObjectName,
        if_exists: bool,
    ) -> Result<Option<String>, PgError> {
        match self.table_name(name) {
            Err(e) if if_exists && e.code == SqlState::INVALID_SCHEMA_NAME => {
                self.notices
                    .push(PgError::notice(format!("{}, skipping", e.message)));
                Ok(None)
            }
            other => other.map(Some),
        }
    }

    /// The key of the relation a regclass constant names (`seq`, `"Seq"`, `app.seq`), which
    /// must exist (see [`Translator::check_regclass`]).
    pub fn regclass_key(&self, text: &str) -> Result<String, PgError> {
        self.check_regclass(text)?;
        self.table_name(&crate::parse::object_name(text)?)
    }

    /// 42P01 unless the relation a regclass constant names exists: PostgreSQL resolves the
    /// constant when it analyses the statement, before anything runs.
    pub fn check_regclass(&self, text: &str) -> Result<(), PgError> {
        let name = crate::parse::object_name(text)?;
        let parts: Vec<String> = name_parts(&name)?.into_iter().map(fold).collect();
        let missing = || PgError::undefined_table(&parts.join("."));
        // A system relation: one devdb answers, or one pg_class lists (pg_largeobject).
        let system = |schema: &str, one: &str| {
            crate::system::find(Some(schema), one).is_some()
                || crate::system::builtin_relation_oid(schema, one).is_some()
        };
        match parts.as_slice() {
            [one] if system("pg_catalog", one) => return Ok(()),
            [schema, one] if crate::system::is_system_schema(schema) => {
                return match system(schema, one) {
                    true => Ok(()),
                    false => Err(missing()),
                };
            }
            _ => {}
        }
        let key = self.table_name(&name)?;
        if self.names_relation(&key) {
            Ok(())
        } else {
            Err(missing())
        }
    }

    /// True when a table, view, index or sequence has this key.
    pub(crate) fn names_relation(&self, key: &str) -> bool {
        self.catalog.table(key).is_some()
            || self.catalog.view(key).is_some()
            || self.catalog.index(key).is_some()
            || self.catalog.sequences.iter().any(|s| s == key)
            || self.creating.iter().any(|s| s == key)
    }

    /// [`Translator::table_name`] for a type name (enums and domains).
    pub fn type_key(&self, name: &ObjectName) -> Result<String, PgError> {
        self.lookup_key(name, Namespace::Type)
    }

    /// The key a new object named `name` gets: an unqualified name goes to the first existing
    /// schema of the search path (3F000 when there is none).
    pub fn creation_key(&self, name: &ObjectName) -> Result<String, PgError> {
        match name_parts(name)?.as_slice() {
            [one] => {
                let schema = self.path.creation.as_deref().ok_or_else(|| {
                    PgError::new(
                        SqlState::INVALID_SCHEMA_NAME,
                        "no schema has been selected to create in",
                    )
                })?;
                let name = plain_name(one)?;
                match schema {
                    "pg_catalog" => Err(PgError::new(
                        SqlState::INSUFFICIENT_PRIVILEGE,
                        format!("permission denied to create \"pg_catalog.{name}\""),
                    )
                    .with_detail("System catalog modifications are currently disallowed.")),
                    "information_schema" => Err(PgError::feature_not_supported(
                        "creating objects in information_schema",
                    )),
                    _ => Ok(catalog::key(schema, &name)),
                }
            }
            [schema, one] => self.qualified_key(schema, one),
            _ => Err(PgError::feature_not_supported(format!(
                "qualified name {name}"
            ))),
        }
    }

    fn lookup_key(&self, name: &ObjectName, namespace: Namespace) -> Result<String, PgError> {
        match name_parts(name)?.as_slice() {
            [one] => Ok(self.search(&plain_name(one)?, namespace)),
            [schema, one] => self.qualified_key(schema, one),
            _ => Err(PgError::feature_not_supported(format!(
                "qualified name {name}"
            ))),
        }
    }

    /// The key of `name` in the first schema of the path that holds it; when none does, a key
    /// that names nothing (the plain name while `public` is searched, so messages name it as
    /// written).
    fn search(&self, name: &str, namespace: Namespace) -> String {
        let exists = |key: &str| match namespace {
            Namespace::Relation => self.names_relation(key),
            Namespace::Type => {
                self.catalog.enum_type(key).is_some() || self.catalog.domain(key).is_some()
            }
        };
        let mut searched_public = false;
        for schema in &self.path.search {
            let key = catalog::key(schema, name);
            if exists(&key) {
                return key;
            }
            searched_public |= schema == DEFAULT_SCHEMA;
        }
        match self.path.search.first() {
            Some(_) if searched_public => name.to_owned(),
            Some(first) => catalog::key(first, name),
            // devdb keeps no user objects in pg_catalog.
            None => catalog::key("pg_catalog", name),
        }
    }

    fn qualified_key(&self, schema: &Ident, one: &Ident) -> Result<String, PgError> {
        let schema = fold(schema);
        match schema.as_str() {
            DEFAULT_SCHEMA => plain_name(one),
            // The session's temporary schema, whether or not it exists yet.
            "pg_temp" => Ok(catalog::key(&self.path.temp, &plain_name(one)?)),
            s if s == self.path.temp => Ok(catalog::key(s, &plain_name(one)?)),
            s if s.starts_with(crate::search_path::TEMP_SCHEMA_PREFIX)
                && self.catalog.schema(s).is_some() =>
            {
                Err(PgError::new(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "cannot access temporary tables of other sessions",
                ))
            }
            s if self.catalog.schema(s).is_some() => Ok(catalog::key(s, &plain_name(one)?)),
            "pg_catalog" | "information_schema" => Err(PgError::feature_not_supported(format!(
                "system catalog {schema}.{}",
                fold(one)
            ))),
            _ => Err(PgError::new(
                SqlState::INVALID_SCHEMA_NAME,
                format!("schema \"{schema}\" does not exist"),
            )),
        }
    }

    /// [`Translator::table_name`] for a relation that must exist: PostgreSQL reports a missing
    /// schema there as a missing relation (42P01).
    pub fn relation_key(&self, name: &ObjectName) -> Result<String, PgError> {
        self.table_name(name).map_err(|e| {
            if e.code == SqlState::INVALID_SCHEMA_NAME {
                PgError::undefined_table(&name.to_string())
            } else {
                e
            }
        })
    }

    /// The catalog table a name refers to, or 42P01.
    pub fn lookup_table(&self, name: &ObjectName) -> Result<&Table, PgError> {
        let folded = self.relation_key(name)?;
        self.catalog.table(&folded).ok_or_else(|| {
            if let Some(view) = self.catalog.view(&folded) {
                if view.materialized.is_some() {
                    return PgError::new(
                        SqlState::WRONG_OBJECT_TYPE,
                        format!(
                            "cannot change materialized view \"{}\"",
                            crate::catalog::split(&view.name).1
                        ),
                    );
                }
                // PostgreSQL writes through simple views; devdb's are read-only.
                PgError::feature_not_supported(format!("this statement on view {folded}"))
            } else {
                // Named as written: the key of a name the path did not find is not.
                PgError::undefined_table(&written(name))
            }
        })
    }

    /// Registers a use of `$n` (1-based) and returns its type so far.
    pub fn param(&mut self, n: usize) -> Option<PgType> {
        if self.params.len() < n {
            self.params.resize(n, None);
        }
        self.params.get(n - 1).copied().flatten()
    }

    pub fn set_param_type(&mut self, n: usize, ty: PgType) {
        if let Some(slot) = self.params.get_mut(n.wrapping_sub(1))
            && slot.is_none()
        {
            *slot = Some(ty);
        }
    }
}

/// A name as written, folded: the key of a name the path did not find is not its name.
pub(crate) fn written(name: &ObjectName) -> String {
    let parts: Vec<String> = name_parts(name)
        .map(|parts| parts.into_iter().map(fold).collect())
        .unwrap_or_default();
    parts.join(".")
}

/// The NOTICE of `DROP <what> IF EXISTS name` for a missing relation (`what`: table, index,
/// sequence, relation for ALTER): PostgreSQL names it without its schema.
pub(crate) fn does_not_exist_skipping(what: &str, name: &ObjectName) -> PgError {
    let relname = name_parts(name)
        .ok()
        .and_then(|parts| parts.last().map(|one| fold(one)))
        .unwrap_or_default();
    PgError::notice(format!("{what} \"{relname}\" does not exist, skipping"))
}

/// The NOTICE of `DROP TYPE/DOMAIN IF EXISTS name` for a missing type, named as written.
pub(crate) fn type_does_not_exist_skipping(written: &str) -> PgError {
    PgError::notice(format!("type \"{written}\" does not exist, skipping"))
}

/// The NOTICE of `CREATE ... IF NOT EXISTS` for a relation that exists (by key).
pub(crate) fn already_exists_skipping(key: &str) -> PgError {
    PgError::skipping(
        SqlState::DUPLICATE_TABLE,
        format!(
            "relation \"{}\" already exists, skipping",
            catalog::split(key).1
        ),
    )
}

/// Relations and types are looked up separately, as in PostgreSQL (pg_class and pg_type).
#[derive(Clone, Copy)]
enum Namespace {
    Relation,
    Type,
}

pub(super) fn name_parts(name: &ObjectName) -> Result<Vec<&Ident>, PgError> {
    name.0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(id) => Ok(id),
            ObjectNamePart::Function(_) => {
                Err(PgError::feature_not_supported(format!("name {name}")))
            }
        })
        .collect()
}

/// A case-folded name part, which may not hold the dot keys use to separate schema and name
/// (see `catalog::key`).
fn plain_name(id: &Ident) -> Result<String, PgError> {
    let name = fold(id);
    if name.contains('.') {
        return Err(PgError::feature_not_supported(format!(
            "name \"{name}\" containing a dot"
        )));
    }
    Ok(name)
}

/// The plain name `RENAME TO new_name` gives a relation, which stays in its schema:
/// PostgreSQL's grammar takes one identifier there, so a qualified name is a syntax error.
pub(crate) fn rename_target(new_name: &ObjectName) -> Result<String, PgError> {
    match name_parts(new_name)?.as_slice() {
        [one] => plain_name(one),
        _ => Err(PgError::syntax_error("syntax error at or near \".\"", None)),
    }
}

fn statement_name(stmt: &Statement) -> String {
    // The statement's leading words, as PostgreSQL names commands in messages.
    let text = stmt.to_string();
    let words: Vec<&str> = text.split_whitespace().take(2).collect();
    words.join(" ")
}
