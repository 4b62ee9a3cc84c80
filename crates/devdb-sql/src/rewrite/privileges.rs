//! GRANT and REVOKE of privileges on tables, views, sequences, their columns, schemas and
//! functions. devdb's one role is a superuser, as PostgreSQL's bootstrap user is, so no
//! privilege ever stops it; what a GRANT or REVOKE records is what the catalogs show
//! (relacl, attacl, nspacl, proacl: psql's `\dp`, pg_dump's GRANT statements), kept in
//! `__devdb_acl` and changed at run time by `pg_acl_edit` (system/acl.rs), where the
//! connected user, whom grantees may name, is known. Role membership (GRANT role TO role),
//! databases, types and ALTER DEFAULT PRIVILEGES are 0A000.

use devdb_pg::{PgError, Severity, SqlState};
use sqlparser::ast::{
    Action, BinaryOperator, DataType, Grant, GrantObjects, Grantee, GranteeName, GranteesType,
    Ident, ObjectName, Privileges, Revoke, Statement,
};

use super::{Output, Translator, fold};
use crate::Kind;
use crate::catalog;
use crate::make;
use crate::system::acl::{self, Rights};

/// What GRANT ... ON names, which decides the privileges it may grant.
#[derive(Clone, Copy, PartialEq)]
enum On {
    Table,
    Sequence,
    Schema,
    Function,
}

impl On {
    /// Every privilege GRANT ... ON this accepts, and its word in 0LP01's message.
    fn accepts(self) -> (&'static str, &'static str) {
        match self {
            On::Table => ("arwdDxtU", "relation"),
            On::Sequence => ("rwU", "sequence"),
            On::Schema => ("UC", "schema"),
            On::Function => ("X", "function"),
        }
    }
}

/// One object whose list changes: its `__devdb_acl` kind and object, acldefault's letter for
/// it, and its owner (the grantor of what is granted on it).
struct Object {
    kind: &'static str,
    object: String,
    /// acldefault's object type: `r` relation, `s` sequence, `n` schema, `f` function.
    default: &'static str,
    owner: u32,
    /// For a relation: its plain name, for messages, and its columns' names.
    relation: Option<(String, Vec<String>)>,
}

/// The privileges a GRANT or REVOKE names: all of the object's, or these (with the columns
/// a privilege is limited to, if any).
enum Wanted {
    All,
    These(Vec<(Rights, &'static str, Option<Vec<String>>)>),
}

impl Translator<'_> {
    pub(super) fn grant(&mut self, grant: Grant) -> Result<Output, PgError> {
        if grant.as_grantor.is_some() || grant.granted_by.is_some() {
            return Err(PgError::feature_not_supported("GRANT ... GRANTED BY"));
        }
        self.change_privileges(
            true,
            grant.with_grant_option,
            &grant.privileges,
            grant.objects.as_ref(),
            &grant.grantees,
        )
    }

    pub(super) fn revoke(&mut self, revoke: Revoke) -> Result<Output, PgError> {
        if revoke.granted_by.is_some() {
            return Err(PgError::feature_not_supported("REVOKE ... GRANTED BY"));
        }
        self.change_privileges(
            false,
            revoke.grant_option_for,
            &revoke.privileges,
            revoke.objects.as_ref(),
            &revoke.grantees,
        )
    }

    fn change_privileges(
        &mut self,
        is_grant: bool,
        grant_option: bool,
        privileges: &Privileges,
        objects: Option<&GrantObjects>,
        grantees: &[Grantee],
    ) -> Result<Output, PgError> {
        let tag = if is_grant { "GRANT" } else { "REVOKE" };
        let Some(objects) = objects else {
            return Err(PgError::feature_not_supported(format!(
                "{tag} of role membership (devdb has one role)"
            )));
        };
        let (on, targets) = self.grant_objects(objects)?;
        let wanted = wanted(privileges, on)?;
        let grantees = grantee_args(grantees)?;
        if is_grant && grant_option && grantees.iter().any(|g| g == "''") {
            return Err(PgError::new(
                SqlState::INVALID_GRANT_OPERATION,
                "grant options can only be granted to roles",
            ));
        }
        let mut sqlite = Vec::new();
        for target in &targets {
            self.object_changes(
                is_grant,
                grant_option,
                on,
                &wanted,
                target,
                &grantees,
                &mut sqlite,
            )?;
        }
        let mut out = Output::new(Kind::Command(tag));
        out.sqlite = sqlite;
        out.writes = true;
        out.changes_catalog = true;
        Ok(out)
    }

    /// The statements that change one object's list and its columns'.
    #[allow(clippy::too_many_arguments)]
    fn object_changes(
        &mut self,
        is_grant: bool,
        grant_option: bool,
        on: On,
        wanted: &Wanted,
        target: &Object,
        grantees: &[String],
        sqlite: &mut Vec<String>,
    ) -> Result<(), PgError> {
        let all = Rights::parse(acl::default_rights(target.default).map_or("", |d| d.1))
            .unwrap_or_default();
        let (mut rights, columns) = match wanted {
            Wanted::All => (all, Vec::new()),
            Wanted::These(list) => {
                let mut rights = Rights::default();
                let mut columns = Vec::new();
                for (right, name, cols) in list {
                    match cols {
                        None => rights = rights.or(*right),
                        Some(cols) => columns.push((*right, *name, cols)),
                    }
                }
                (rights, columns)
            }
        };
        if on == On::Table {
            let name = target.relation.as_ref().map_or("", |r| r.0.as_str());
            if target.default == "s" {
                if rights.first_outside(all).is_some() {
                    self.notices.push(PgError {
                        severity: Severity::Warning,
                        ..PgError::new(
                            SqlState::INVALID_GRANT_OPERATION,
                            format!(
                                "sequence \"{name}\" only supports USAGE, SELECT, and UPDATE privileges"
                            ),
                        )
                    });
                    rights = rights.and(all);
                }
            } else if let Some(bad) = rights.first_outside(all) {
                return Err(invalid_privilege(bad, "table"));
            }
        }
        let edit = |old: &str, default: &str, rights: Rights| {
            format!(
                "pg_acl_edit({old}, {}, {}, {}, {}, {}, devdb_current_user(), {})",
                literal(default),
                target.owner,
                i32::from(is_grant),
                i32::from(grant_option),
                literal(&rights.letters()),
                grantees.join(", ")
            )
        };
        let current = |column: &str| {
            format!(
                "(SELECT acl FROM __devdb_acl WHERE kind = {} AND object = {} AND column_name = {})",
                literal(target.kind),
                literal(&target.object),
                literal(column)
            )
        };
        let upsert = |kind: &str, column: &str, acl: String| {
            format!(
                "INSERT OR REPLACE INTO __devdb_acl (kind, object, column_name, acl) VALUES ({}, {}, {}, {acl})",
                literal(kind),
                literal(&target.object),
                literal(column)
            )
        };
        let column_rights = Rights::parse("arwx").unwrap_or_default();
        // Only column privileges leave the object's own list alone.
        if !rights.is_empty() || columns.is_empty() {
            let default = match (target.kind, target.object.as_str()) {
                ("schema", catalog::DEFAULT_SCHEMA) => acl::public_schema_default(),
                _ => acl::stored_default(target.default),
            };
            sqlite.push(upsert(
                target.kind,
                "",
                edit(&current(""), &default, rights),
            ));
            // REVOKE on a table takes those privileges from its columns too.
            let swept = rights.and(column_rights);
            if !is_grant && target.kind == "relation" && !swept.is_empty() {
                sqlite.push(format!(
                    "UPDATE __devdb_acl SET acl = {} WHERE kind = 'column' AND object = {}",
                    edit("acl", "{}", swept),
                    literal(&target.object)
                ));
            }
        }
        for (right, name, cols) in columns {
            let Some((relation, known)) = &target.relation else {
                return Err(PgError::new(
                    SqlState::INVALID_GRANT_OPERATION,
                    "column privileges are only valid for relations",
                ));
            };
            if target.default == "s" {
                // PostgreSQL accepts SELECT, but devdb's pg_attribute has no sequence columns
                // to show it on.
                return Err(PgError::feature_not_supported(
                    "column privileges on a sequence",
                ));
            }
            if right.first_outside(column_rights).is_some() {
                return Err(invalid_privilege(name, "column"));
            }
            for column in cols {
                if !known.contains(column) {
                    return Err(PgError::new(
                        SqlState::UNDEFINED_COLUMN,
                        format!("column \"{column}\" of relation \"{relation}\" does not exist"),
                    ));
                }
                let old = format!(
                    "(SELECT acl FROM __devdb_acl WHERE kind = 'column' AND object = {} AND column_name = {})",
                    literal(&target.object),
                    literal(column)
                );
                sqlite.push(upsert("column", column, edit(&old, "{}", right)));
            }
        }
        if target.kind == "relation" {
            // A column whose list is left empty has none (attacl NULL), as in PostgreSQL.
            sqlite.push(format!(
                "DELETE FROM __devdb_acl WHERE kind = 'column' AND object = {} AND acl = '{{}}'",
                literal(&target.object)
            ));
        }
        Ok(())
    }

    /// What GRANT ... ON names, each object it changes.
    fn grant_objects(&self, objects: &GrantObjects) -> Result<(On, Vec<Object>), PgError> {
        Ok(match objects {
            GrantObjects::Tables(names) | GrantObjects::Views(names) => (
                On::Table,
                names
                    .iter()
                    .map(|n| self.relation_object(n, On::Table))
                    .collect::<Result<_, _>>()?,
            ),
            GrantObjects::Sequences(names) => (
                On::Sequence,
                names
                    .iter()
                    .map(|n| self.relation_object(n, On::Sequence))
                    .collect::<Result<_, _>>()?,
            ),
            GrantObjects::AllTablesInSchema { schemas } => {
                let mut out = Vec::new();
                for schema in schemas {
                    let schema = self.schema_named(schema)?;
                    let tables = self.catalog.tables.iter().filter(|t| t.schema == schema);
                    for table in tables {
                        out.push(self.relation_by_key(&table.name, On::Table));
                    }
                    for view in self.catalog.views.iter().filter(|v| v.schema == schema) {
                        out.push(self.relation_by_key(&view.name, On::Table));
                    }
                }
                (On::Table, out)
            }
            GrantObjects::AllSequencesInSchema { schemas } => {
                let mut out = Vec::new();
                for schema in schemas {
                    let schema = self.schema_named(schema)?;
                    for key in &self.catalog.sequences {
                        if catalog::split(key).0 == schema {
                            out.push(self.relation_by_key(key, On::Sequence));
                        }
                    }
                }
                (On::Sequence, out)
            }
            GrantObjects::Schemas(names) => (
                On::Schema,
                names
                    .iter()
                    .map(|n| {
                        let name = self.schema_named(n)?;
                        Ok(Object {
                            kind: "schema",
                            owner: if name == catalog::DEFAULT_SCHEMA {
                                acl::DATABASE_OWNER
                            } else {
                                acl::OWNER
                            },
                            object: name,
                            default: "n",
                            relation: None,
                        })
                    })
                    .collect::<Result<_, PgError>>()?,
            ),
            GrantObjects::Function { name, arg_types }
            | GrantObjects::Procedure { name, arg_types } => {
                (On::Function, vec![self.function_object(name, arg_types)?])
            }
            GrantObjects::AllFunctionsInSchema { schemas } => {
                let mut out = Vec::new();
                for schema in schemas {
                    let schema = self.schema_named(schema)?;
                    let oids = self
                        .catalog
                        .functions
                        .iter()
                        .filter(|f| f.schema == schema)
                        .map(|f| f.oid)
                        .chain(
                            self.catalog
                                .sql_functions
                                .iter()
                                .filter(|f| f.schema == schema)
                                .map(|f| f.oid),
                        );
                    out.extend(oids.map(|oid| function(oid.0)));
                }
                (On::Function, out)
            }
            other => {
                return Err(PgError::feature_not_supported(format!(
                    "privileges on {other}"
                )));
            }
        })
    }

    fn relation_object(&self, name: &ObjectName, on: On) -> Result<Object, PgError> {
        let key = self.relation_key(name)?;
        let is_sequence = self.catalog.sequences.contains(&key);
        let exists =
            is_sequence || self.catalog.table(&key).is_some() || self.catalog.view(&key).is_some();
        if !exists {
            return Err(PgError::undefined_table(&name.to_string()));
        }
        if on == On::Sequence && !is_sequence {
            return Err(PgError::new(
                SqlState::WRONG_OBJECT_TYPE,
                format!("\"{}\" is not a sequence", catalog::split(&key).1),
            ));
        }
        Ok(self.relation_by_key(&key, on))
    }

    /// A relation that exists, by its key.
    fn relation_by_key(&self, key: &str, on: On) -> Object {
        let is_sequence = on == On::Sequence || self.catalog.sequences.iter().any(|s| s == key);
        let columns = match (self.catalog.table(key), self.catalog.view(key)) {
            (Some(table), _) => table.columns.iter().map(|c| c.name.clone()).collect(),
            (None, Some(view)) => view.columns.iter().map(|c| c.name.clone()).collect(),
            // A sequence's columns, as reading it as a relation shows them.
            (None, None) => ["last_value", "log_cnt", "is_called"]
                .map(str::to_owned)
                .to_vec(),
        };
        Object {
            kind: "relation",
            object: key.to_owned(),
            default: if is_sequence { "s" } else { "r" },
            owner: acl::OWNER,
            relation: Some((catalog::split(key).1.to_owned(), columns)),
        }
    }

    fn function_object(&self, name: &ObjectName, args: &[DataType]) -> Result<Object, PgError> {
        let plain = super::triggers::plain_name(name, "function")?;
        let signature = || -> Result<String, PgError> {
            let types = args
                .iter()
                .map(|a| Ok(self.type_display(self.data_type(a)?.ty)))
                .collect::<Result<Vec<_>, PgError>>()?;
            Ok(format!("{plain}({})", types.join(", ")))
        };
        let oid = self
            .catalog
            .function(&plain)
            .map(|f| f.oid)
            .or_else(|| self.catalog.sql_function(&plain).map(|f| f.oid))
            .ok_or_else(|| match signature() {
                Ok(signature) => PgError::new(
                    SqlState::UNDEFINED_FUNCTION,
                    format!("function {signature} does not exist"),
                ),
                Err(err) => err,
            })?;
        Ok(function(oid.0))
    }

    /// The name of a schema that exists; 3F000 otherwise.
    fn schema_named(&self, name: &ObjectName) -> Result<String, PgError> {
        let name = match name.0.as_slice() {
            [part] => part.as_ident().map(fold),
            _ => None,
        }
        .unwrap_or_else(|| name.to_string());
        match self.catalog.schema(&name) {
            Some(_) => Ok(name),
            None => Err(PgError::new(
                SqlState::INVALID_SCHEMA_NAME,
                format!("schema \"{name}\" does not exist"),
            )),
        }
    }
}

fn function(oid: u32) -> Object {
    Object {
        kind: "function",
        object: oid.to_string(),
        default: "f",
        owner: acl::OWNER,
        relation: None,
    }
}

/// The privileges named, each checked against what GRANT ... ON `on` accepts (0LP01).
fn wanted(privileges: &Privileges, on: On) -> Result<Wanted, PgError> {
    let actions = match privileges {
        Privileges::All { .. } => return Ok(Wanted::All),
        Privileges::Actions(actions) => actions,
    };
    let (accepts, word) = on.accepts();
    let accepts = Rights::parse(accepts).unwrap_or_default();
    let mut out = Vec::new();
    for action in actions {
        let (letter, name, columns) = match action {
            Action::Insert { columns } => ("a", "INSERT", columns.as_ref()),
            Action::Select { columns } => ("r", "SELECT", columns.as_ref()),
            Action::Update { columns } => ("w", "UPDATE", columns.as_ref()),
            Action::Delete => ("d", "DELETE", None),
            Action::Truncate => ("D", "TRUNCATE", None),
            Action::References { columns } => ("x", "REFERENCES", columns.as_ref()),
            Action::Trigger => ("t", "TRIGGER", None),
            Action::Execute { obj_type: None } => ("X", "EXECUTE", None),
            Action::Usage => ("U", "USAGE", None),
            Action::Create { obj_type: None } => ("C", "CREATE", None),
            Action::Temporary => ("T", "TEMP", None),
            Action::Connect => ("c", "CONNECT", None),
            other => {
                return Err(PgError::syntax_error(
                    format!("unrecognized privilege type \"{other}\""),
                    None,
                ));
            }
        };
        let right = Rights::parse(letter).unwrap_or_default();
        if right.first_outside(accepts).is_some() {
            return Err(invalid_privilege(name, word));
        }
        let columns = columns.filter(|c| !c.is_empty());
        if columns.is_some() && on != On::Table {
            return Err(PgError::new(
                SqlState::INVALID_GRANT_OPERATION,
                "column privileges are only valid for relations",
            ));
        }
        out.push((right, name, columns.map(|c| c.iter().map(fold).collect())));
    }
    Ok(Wanted::These(out))
}

/// Each grantee as an argument of pg_acl_edit: '' for PUBLIC, the connected user's name for
/// CURRENT_USER and its synonyms, else the role's name.
fn grantee_args(grantees: &[Grantee]) -> Result<Vec<String>, PgError> {
    grantees
        .iter()
        .map(|g| match (&g.grantee_type, &g.name) {
            (GranteesType::Public, _) => Ok("''".to_owned()),
            (
                GranteesType::None | GranteesType::Role | GranteesType::User | GranteesType::Group,
                Some(GranteeName::ObjectName(name)),
            ) => match name.0.as_slice() {
                [part] => match part.as_ident() {
                    Some(ident) => Ok(role_arg(ident)),
                    None => Err(PgError::syntax_error(format!("role name {name}"), None)),
                },
                _ => Err(PgError::syntax_error(format!("role name {name}"), None)),
            },
            _ => Err(PgError::feature_not_supported(format!("grantee {g}"))),
        })
        .collect()
}

fn role_arg(ident: &Ident) -> String {
    let name = fold(ident);
    let special = ident.quote_style.is_none()
        && matches!(
            name.as_str(),
            "current_user" | "session_user" | "current_role"
        );
    match (special, name.as_str()) {
        (true, _) => "devdb_current_user()".to_owned(),
        (false, "public") => "''".to_owned(),
        (false, _) => literal(&name),
    }
}

fn invalid_privilege(name: &str, word: &str) -> PgError {
    PgError::new(
        SqlState::INVALID_GRANT_OPERATION,
        format!("invalid privilege type {name} for {word}"),
    )
}

/// `s` as a SQLite string literal.
fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Statements around CREATE OR REPLACE VIEW's drop of the old view, which keep the view's
/// privileges (and its columns') as PostgreSQL keeps them: before, the rows are set aside
/// where the drop's trigger leaves them alone; after, they are put back.
pub(super) fn kept_through_replace(key: &str) -> (Statement, Statement) {
    let relation_or_column = make::binary(
        make::eq(make::column("kind"), make::string("relation")),
        BinaryOperator::Or,
        make::eq(make::column("kind"), make::string("column")),
    );
    let set_aside = make::update(
        "__devdb_acl",
        vec![(
            "kind",
            make::binary(
                make::string(KEPT),
                BinaryOperator::StringConcat,
                make::column("kind"),
            ),
        )],
        Some(make::and(
            make::eq(make::column("object"), make::string(key)),
            make::nested(relation_or_column),
        )),
    );
    let put_back = make::update(
        "__devdb_acl",
        vec![(
            "kind",
            make::call(
                "substr",
                vec![make::column("kind"), make::int(KEPT.len() as i64 + 1)],
            ),
        )],
        Some(make::and(
            make::eq(make::column("object"), make::string(key)),
            make::eq(
                make::call(
                    "substr",
                    vec![
                        make::column("kind"),
                        make::int(1),
                        make::int(KEPT.len() as i64),
                    ],
                ),
                make::string(KEPT),
            ),
        )),
    );
    (set_aside, put_back)
}

/// What `kept_through_replace` prefixes to the kinds it sets aside.
const KEPT: &str = "kept ";

/// Moves a SQL function's privileges to the OID CREATE OR REPLACE gives it, before the old
/// row's deletion would drop them.
pub(super) fn function_replaced(old: u32, new: u32) -> Statement {
    make::update(
        "__devdb_acl",
        vec![("object", make::string(&new.to_string()))],
        Some(make::and(
            make::eq(make::column("kind"), make::string("function")),
            make::eq(make::column("object"), make::string(&old.to_string())),
        )),
    )
}
