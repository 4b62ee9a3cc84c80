//! The PostgreSQL catalog devdb keeps inside each SQLite database file, in tables of its own,
//! so declared types, defaults and sequences survive restarts.
//!
//! DDL translated by this crate writes these tables in the same SQLite transaction as the
//! SQLite DDL itself, so a rolled-back CREATE TABLE leaves no trace. The executor runs
//! [`BOOTSTRAP_SQL`] when it opens a database and rebuilds a [`Catalog`] with [`LOAD_SQL`] and
//! [`Catalog::load`] whenever a statement reports `changes_catalog`.

use devdb_pg::{Oid, PgError, PgType, Value};

use crate::access_methods::AccessMethod;
use crate::types::Ty;

/// The schema whose objects keys name without a prefix (see [`key`]), first on the default search path.
pub const DEFAULT_SCHEMA: &str = "public";

/// pg_namespace.oid of `public`, as in every PostgreSQL cluster.
pub const PUBLIC_SCHEMA_OID: u32 = 2200;

/// A relation's, index's or type's key: its name in `public`, `schema.name` in any other
/// schema. The key is also the object's SQLite name, so objects of different schemas never
/// collide in the one SQLite namespace; catalog rows keep schema and name apart.
/// A [`key`]'s schema and plain name. Names are never dotted (the translator refuses a `.`
/// in a schema or object name), so the first `.` separates them.
pub fn split(key: &str) -> (&str, &str) {
    key.split_once('.').unwrap_or((DEFAULT_SCHEMA, key))
}

pub fn key(schema: &str, name: &str) -> String {
    if schema == DEFAULT_SCHEMA {
        name.to_owned()
    } else {
        format!("{schema}.{name}")
    }
}

/// The catalog tables.
pub(crate) const TABLES: &str = "__devdb_tables";
pub(crate) const COLUMNS: &str = "__devdb_columns";
pub(crate) const INDEXES: &str = "__devdb_indexes";
pub(crate) const SEQUENCES: &str = "__devdb_sequences";
pub(crate) const SEQUENCE_OWNERS: &str = "__devdb_sequence_owners";
pub(crate) const CONSTRAINTS: &str = "__devdb_constraints";
pub(crate) const INDEX_DEFS: &str = "__devdb_index_defs";
pub(crate) const INDEX_KEYS: &str = "__devdb_index_keys";
pub(crate) const SCHEMAS: &str = "__devdb_schemas";
pub(crate) const IDENTITY_COLUMNS: &str = "__devdb_identity_columns";
pub(crate) const COMMENTS: &str = "__devdb_comments";
pub(crate) const VIEWS: &str = "__devdb_views";
pub(crate) const VIEW_COLUMNS: &str = "__devdb_view_columns";
pub(crate) const MATVIEWS: &str = "__devdb_matviews";
pub(crate) const TYPES: &str = "__devdb_types";
pub(crate) const ENUM_LABELS: &str = "__devdb_enum_labels";
pub(crate) const DOMAINS: &str = "__devdb_domains";
pub(crate) const DOMAIN_COLUMNS: &str = "__devdb_domain_columns";
pub(crate) const FUNCTIONS: &str = "__devdb_functions";
pub(crate) const TRIGGERS: &str = "__devdb_triggers";
pub(crate) const SQL_FUNCTIONS: &str = "__devdb_sql_functions";
pub(crate) const GENERATED_COLUMNS: &str = "__devdb_generated_columns";

/// The first OID devdb hands out to an object it creates (PostgreSQL's FirstNormalObjectId).
pub const FIRST_OBJECT_ID: u32 = 16384;

/// SQLite statements that create devdb's catalog tables in a new database file; idempotent.
///
/// `__devdb_sequences` has a fixed shape: the executor implements nextval/currval/setval on it.
/// `pk_position` is the 1-based place of a column in its table's primary key, NULL when the
/// column is not part of it.
///
/// `__devdb_index_keys` keeps, for each index CREATE INDEX made, its key list and WHERE
/// predicate as pg_get_indexdef prints them (`lower(email)`, `(deleted_at IS NULL)`) and
/// whether a key is an expression (pg_index.indexprs); the SQLite index holds their translation.
/// Since INCLUDE and per-key catalog rows, also the keys and predicate as the pretty form prints
/// them, the INCLUDE columns (quoted, comma-separated; the SQLite index leaves them out) and
/// `columns`, one JSON object per index column: its pg_attribute name, its texts, indoption
/// bits, operator class and an expression's type (NULL in rows older devdbs wrote), and the
/// access method (NULL: btree) and storage parameters as pg_get_indexdef prints them.
///
/// `__devdb_schemas` lists the schemas CREATE SCHEMA made (pg_namespace: oid, nspname); `public`
/// (oid 2200) is implicit, never a row, so opening a database never writes.
/// Every other catalog row names its schema in a `schema` column and its object by its plain
/// name; in memory ([`Catalog`]) and in SQLite, objects outside `public` go by their [`key`].
///
/// `__devdb_identity_columns` marks identity columns (pg_attribute.attidentity: `kind` 'a' for
/// GENERATED ALWAYS, 'd' for BY DEFAULT); their sequence is `<table>_<column>_seq`, owned by
/// the column in `__devdb_sequence_owners`, and their default calls nextval on it.
/// `__devdb_sequences.name` and `__devdb_sequence_owners.name` are sequence keys.
///
/// `__devdb_comments` holds COMMENT ON descriptions (pg_description): `kind` is `table`,
/// `column`, `index`, `sequence`, `type` or `schema`; `schema` and `name` name the object
/// (a schema's own name is in `schema`, with `name` empty); `column_name` is empty except for
/// columns. The translator writes it and never reads it.
///
/// `__devdb_acl` holds the access privileges GRANT and REVOKE gave an object (pg_class.relacl,
/// pg_attribute.attacl, pg_namespace.nspacl, pg_proc.proacl), in the stored form of
/// `system/acl.rs`: `kind` is `relation` (`object` its key), `column` (`object` its table's
/// key, `column_name` the column), `schema` (its name) or `function` (its OID). An object
/// without a row has acldefault's privileges. Triggers keep the rows with their objects when a
/// table, view, sequence, column or schema is renamed or dropped.
///
/// Views: `__devdb_views` has one row per view (its schema and plain name, its query as
/// PostgreSQL SQL in `definition`, and `depends_on`, a JSON list of the keys of the tables
/// and views it reads); `__devdb_view_columns` its output columns like `__devdb_columns`.
/// In SQLite a view is the view named by its key.
/// A materialized view is a view with a row in `__devdb_matviews` (`populated` false after
/// WITH NO DATA); in SQLite it is the table named by its key, which holds its rows.
///
/// User-defined types: `__devdb_types` has one row per enum (pg_type with typtype 'e': its OID,
/// namespace, name and the OID of its array type `_name`); `__devdb_enum_labels` has one row
/// per label, as pg_enum (`oid`, `type_oid` = enumtypid, `sort_order` = enumsortorder,
/// `label` = enumlabel). A column of an enum type stores the enum's OID in `type_oid` and its
/// values as their labels.
///
/// Domains: `__devdb_domains` has one row per domain (its OID, name, base type and typmod, NOT
/// NULL, DEFAULT as PostgreSQL SQL, and its CHECK's name and expression over VALUE);
/// `__devdb_domain_columns` names the domain of each column declared with one (the column
/// itself has the base type in `__devdb_columns`, with the domain's NOT NULL and DEFAULT merged
/// in) and whether the column declared NOT NULL and DEFAULT itself. A domain's array type
/// `_name` has the OID after the domain's.
///
/// Trigger functions: `__devdb_functions` has one row per CREATE FUNCTION ... RETURNS trigger
/// (its OID, schema, name and PL/pgSQL body as written, which `trigger_body` reads, and the
/// attributes pg_proc shows: volatility and parallel safety as provolatile and proparallel
/// spell them, STRICT and SECURITY DEFINER);
/// `__devdb_triggers` one row per CREATE TRIGGER (BEFORE ... FOR EACH ROW): its OID, table,
/// name, the function's key, the events it fires on and whether it is enabled. The translator applies them to each
/// INSERT and UPDATE of the table, so they need no SQLite object and survive table rebuilds.
///
/// SQL functions: `__devdb_sql_functions` has one row per CREATE FUNCTION ... LANGUAGE sql whose
/// body is one expression: its OID, schema, name, argument names (a JSON list, "" where
/// unnamed) and types (a JSON list of PostgreSQL type names), the argument type OIDs
/// (pg_proc.proargtypes, space separated), its return type's name and OID, the body's
/// expression as PostgreSQL SQL, the attributes trigger functions have, and the body's text as
/// written (`source`, pg_proc.prosrc: empty for a `RETURN expression` body, which PostgreSQL
/// keeps as a parse tree; NULL for functions an older devdb created). Calls are inlined.
///
/// `__devdb_generated_columns` marks stored generated columns (pg_attribute.attgenerated 's')
/// with their expression as PostgreSQL SQL; the SQLite column is a STORED generated column
/// computing its translation.
pub const BOOTSTRAP_SQL: &str = "\
CREATE TABLE IF NOT EXISTS __devdb_tables (schema TEXT NOT NULL DEFAULT 'public', name TEXT NOT NULL, PRIMARY KEY (schema, name));
CREATE TABLE IF NOT EXISTS __devdb_columns (schema TEXT NOT NULL DEFAULT 'public', table_name TEXT NOT NULL, name TEXT NOT NULL, position INTEGER NOT NULL, type_oid INTEGER NOT NULL, typmod INTEGER NOT NULL DEFAULT -1, not_null INTEGER NOT NULL DEFAULT 0, default_expr TEXT, pk_position INTEGER, PRIMARY KEY (schema, table_name, name));
CREATE TABLE IF NOT EXISTS __devdb_indexes (schema TEXT NOT NULL DEFAULT 'public', name TEXT NOT NULL, table_name TEXT NOT NULL, is_unique INTEGER NOT NULL DEFAULT 0, is_primary INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (schema, name));
CREATE TABLE IF NOT EXISTS __devdb_sequences (name TEXT PRIMARY KEY, last_value INTEGER NOT NULL, increment_by INTEGER NOT NULL DEFAULT 1, min_value INTEGER NOT NULL DEFAULT 1, max_value INTEGER NOT NULL DEFAULT 9223372036854775807, start_value INTEGER NOT NULL DEFAULT 1, is_called INTEGER NOT NULL DEFAULT 0, cycle INTEGER NOT NULL DEFAULT 0, type_oid INTEGER);
CREATE TABLE IF NOT EXISTS __devdb_sequence_owners (name TEXT PRIMARY KEY, schema TEXT NOT NULL DEFAULT 'public', table_name TEXT NOT NULL, column_name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS __devdb_constraints (schema TEXT NOT NULL DEFAULT 'public', table_name TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, columns TEXT NOT NULL, ref_table TEXT, ref_columns TEXT, on_delete TEXT, on_update TEXT, is_deferrable INTEGER NOT NULL DEFAULT 0, is_deferred INTEGER NOT NULL DEFAULT 0, check_expr TEXT, validated INTEGER NOT NULL DEFAULT 1, match_full INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (schema, table_name, name));
CREATE TABLE IF NOT EXISTS __devdb_index_defs (schema TEXT NOT NULL DEFAULT 'public', name TEXT NOT NULL, sql TEXT NOT NULL, PRIMARY KEY (schema, name));
CREATE TABLE IF NOT EXISTS __devdb_index_keys (schema TEXT NOT NULL DEFAULT 'public', name TEXT NOT NULL, keys TEXT NOT NULL, predicate TEXT, expressions INTEGER NOT NULL DEFAULT 0, pretty_keys TEXT, pretty_predicate TEXT, include TEXT, columns TEXT, method TEXT, options TEXT, PRIMARY KEY (schema, name));
CREATE TABLE IF NOT EXISTS __devdb_schemas (oid INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS __devdb_identity_columns (schema TEXT NOT NULL DEFAULT 'public', table_name TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (schema, table_name, name));
CREATE TABLE IF NOT EXISTS __devdb_comments (kind TEXT NOT NULL, schema TEXT NOT NULL, name TEXT NOT NULL, column_name TEXT NOT NULL DEFAULT '', description TEXT NOT NULL, PRIMARY KEY (kind, schema, name, column_name));
CREATE TABLE IF NOT EXISTS __devdb_views (schema TEXT NOT NULL DEFAULT 'public', name TEXT NOT NULL, definition TEXT NOT NULL, depends_on TEXT NOT NULL, PRIMARY KEY (schema, name));
CREATE TABLE IF NOT EXISTS __devdb_matviews (schema TEXT NOT NULL DEFAULT 'public', name TEXT NOT NULL, populated INTEGER NOT NULL, PRIMARY KEY (schema, name));
CREATE TABLE IF NOT EXISTS __devdb_view_columns (schema TEXT NOT NULL DEFAULT 'public', view_name TEXT NOT NULL, name TEXT NOT NULL, position INTEGER NOT NULL, type_oid INTEGER NOT NULL, typmod INTEGER NOT NULL DEFAULT -1, PRIMARY KEY (schema, view_name, name));
CREATE TABLE IF NOT EXISTS __devdb_types (oid INTEGER PRIMARY KEY, schema TEXT NOT NULL DEFAULT 'public', name TEXT NOT NULL, array_oid INTEGER NOT NULL, UNIQUE (schema, name));
CREATE TABLE IF NOT EXISTS __devdb_enum_labels (oid INTEGER PRIMARY KEY, type_oid INTEGER NOT NULL, sort_order REAL NOT NULL, label TEXT NOT NULL, UNIQUE (type_oid, label));
CREATE TABLE IF NOT EXISTS __devdb_domains (oid INTEGER PRIMARY KEY, schema TEXT NOT NULL DEFAULT 'public', name TEXT NOT NULL, base_oid INTEGER NOT NULL, typmod INTEGER NOT NULL DEFAULT -1, not_null INTEGER NOT NULL DEFAULT 0, default_expr TEXT, check_name TEXT, check_expr TEXT, UNIQUE (schema, name));
CREATE TABLE IF NOT EXISTS __devdb_extensions (name TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS __devdb_domain_columns (schema TEXT NOT NULL DEFAULT 'public', table_name TEXT NOT NULL, name TEXT NOT NULL, domain_oid INTEGER NOT NULL, own_not_null INTEGER NOT NULL DEFAULT 0, own_default INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (schema, table_name, name));
CREATE TABLE IF NOT EXISTS __devdb_functions (oid INTEGER PRIMARY KEY, schema TEXT NOT NULL DEFAULT 'public', name TEXT NOT NULL, body TEXT NOT NULL, volatility TEXT NOT NULL DEFAULT 'v', parallel TEXT NOT NULL DEFAULT 'u', strict INTEGER NOT NULL DEFAULT 0, security_definer INTEGER NOT NULL DEFAULT 0, UNIQUE (schema, name));
CREATE TABLE IF NOT EXISTS __devdb_triggers (oid INTEGER PRIMARY KEY, schema TEXT NOT NULL DEFAULT 'public', table_name TEXT NOT NULL, name TEXT NOT NULL, function TEXT NOT NULL, on_insert INTEGER NOT NULL, on_update INTEGER NOT NULL, enabled INTEGER NOT NULL DEFAULT 1, UNIQUE (schema, table_name, name));
CREATE TABLE IF NOT EXISTS __devdb_sql_functions (oid INTEGER PRIMARY KEY, schema TEXT NOT NULL DEFAULT 'public', name TEXT NOT NULL, arg_names TEXT NOT NULL, arg_types TEXT NOT NULL, arg_oids TEXT NOT NULL, return_type TEXT NOT NULL, return_oid INTEGER NOT NULL, body TEXT NOT NULL, volatility TEXT NOT NULL DEFAULT 'v', parallel TEXT NOT NULL DEFAULT 'u', strict INTEGER NOT NULL DEFAULT 0, security_definer INTEGER NOT NULL DEFAULT 0, source TEXT, UNIQUE (schema, name));
CREATE TABLE IF NOT EXISTS __devdb_generated_columns (schema TEXT NOT NULL DEFAULT 'public', table_name TEXT NOT NULL, name TEXT NOT NULL, expr TEXT NOT NULL, PRIMARY KEY (schema, table_name, name));
CREATE TABLE IF NOT EXISTS __devdb_acl (kind TEXT NOT NULL, object TEXT NOT NULL, column_name TEXT NOT NULL DEFAULT '', acl TEXT NOT NULL, PRIMARY KEY (kind, object, column_name));
CREATE TRIGGER IF NOT EXISTS __devdb_acl_table_dropped AFTER DELETE ON __devdb_tables BEGIN DELETE FROM __devdb_acl WHERE kind IN ('relation', 'column') AND object = iif(old.schema = 'public', old.name, old.schema || '.' || old.name); END;
CREATE TRIGGER IF NOT EXISTS __devdb_acl_table_renamed AFTER UPDATE OF schema, name ON __devdb_tables BEGIN UPDATE __devdb_acl SET object = iif(new.schema = 'public', new.name, new.schema || '.' || new.name) WHERE kind = 'relation' AND object = iif(old.schema = 'public', old.name, old.schema || '.' || old.name); END;
CREATE TRIGGER IF NOT EXISTS __devdb_acl_view_dropped AFTER DELETE ON __devdb_views BEGIN DELETE FROM __devdb_acl WHERE kind IN ('relation', 'column') AND object = iif(old.schema = 'public', old.name, old.schema || '.' || old.name); END;
CREATE TRIGGER IF NOT EXISTS __devdb_acl_view_renamed AFTER UPDATE OF schema, name ON __devdb_views BEGIN UPDATE __devdb_acl SET object = iif(new.schema = 'public', new.name, new.schema || '.' || new.name) WHERE kind IN ('relation', 'column') AND object = iif(old.schema = 'public', old.name, old.schema || '.' || old.name); END;
CREATE TRIGGER IF NOT EXISTS __devdb_acl_column_dropped AFTER DELETE ON __devdb_columns BEGIN DELETE FROM __devdb_acl WHERE kind = 'column' AND object = iif(old.schema = 'public', old.table_name, old.schema || '.' || old.table_name) AND column_name = old.name; END;
CREATE TRIGGER IF NOT EXISTS __devdb_acl_column_renamed AFTER UPDATE OF schema, table_name, name ON __devdb_columns BEGIN UPDATE __devdb_acl SET object = iif(new.schema = 'public', new.table_name, new.schema || '.' || new.table_name), column_name = new.name WHERE kind = 'column' AND object = iif(old.schema = 'public', old.table_name, old.schema || '.' || old.table_name) AND column_name = old.name; END;
CREATE TRIGGER IF NOT EXISTS __devdb_acl_sequence_dropped AFTER DELETE ON __devdb_sequences BEGIN DELETE FROM __devdb_acl WHERE kind IN ('relation', 'column') AND object = old.name; END;
CREATE TRIGGER IF NOT EXISTS __devdb_acl_sequence_renamed AFTER UPDATE OF name ON __devdb_sequences BEGIN UPDATE __devdb_acl SET object = new.name WHERE kind IN ('relation', 'column') AND object = old.name; END;
CREATE TRIGGER IF NOT EXISTS __devdb_acl_schema_dropped AFTER DELETE ON __devdb_schemas BEGIN DELETE FROM __devdb_acl WHERE kind = 'schema' AND object = old.name; END;
CREATE TRIGGER IF NOT EXISTS __devdb_acl_function_dropped AFTER DELETE ON __devdb_functions BEGIN DELETE FROM __devdb_acl WHERE kind = 'function' AND object = CAST(old.oid AS TEXT); END;
CREATE TRIGGER IF NOT EXISTS __devdb_acl_sql_function_dropped AFTER DELETE ON __devdb_sql_functions BEGIN DELETE FROM __devdb_acl WHERE kind = 'function' AND object = CAST(old.oid AS TEXT); END;
";

/// The queries whose rows [`Catalog::load`] reads, in this order.
pub const LOAD_SQL: &[&str] = &[
    "SELECT schema, name FROM __devdb_tables ORDER BY schema, name",
    "SELECT schema, table_name, name, position, type_oid, typmod, not_null, default_expr, pk_position \
     FROM __devdb_columns ORDER BY schema, table_name, position",
    "SELECT schema, name, table_name, is_unique, is_primary FROM __devdb_indexes ORDER BY schema, name",
    "SELECT name FROM __devdb_sequences ORDER BY name",
    "SELECT schema, table_name, name, kind, columns, ref_table, ref_columns, on_delete, on_update, is_deferrable, is_deferred, check_expr, validated, match_full \
     FROM __devdb_constraints ORDER BY schema, table_name, rowid",
    "SELECT schema, name, sql FROM __devdb_index_defs ORDER BY schema, name",
    "SELECT oid, schema, name, array_oid FROM __devdb_types ORDER BY oid",
    "SELECT oid, type_oid, sort_order, label FROM __devdb_enum_labels ORDER BY type_oid, sort_order",
    "SELECT oid, name FROM __devdb_schemas ORDER BY oid",
    "SELECT schema, table_name, name, kind FROM __devdb_identity_columns",
    "SELECT v.schema, v.name, v.definition, v.depends_on, m.populated FROM __devdb_views v \
     LEFT JOIN __devdb_matviews m ON m.schema = v.schema AND m.name = v.name \
     ORDER BY v.rowid",
    "SELECT schema, view_name, name, position, type_oid, typmod FROM __devdb_view_columns \
     ORDER BY schema, view_name, position",
    "SELECT schema, name, keys, predicate, expressions, include, method FROM __devdb_index_keys",
    "SELECT oid, schema, name, base_oid, typmod, not_null, default_expr, check_name, check_expr \
     FROM __devdb_domains ORDER BY oid",
    "SELECT schema, table_name, name, domain_oid FROM __devdb_domain_columns",
    "SELECT oid, schema, name, body FROM __devdb_functions ORDER BY oid",
    "SELECT oid, schema, table_name, name, function, on_insert, on_update, enabled FROM __devdb_triggers \
     ORDER BY schema, table_name, name",
    "SELECT oid, schema, name, arg_names, arg_types, return_type, body, strict \
     FROM __devdb_sql_functions ORDER BY oid",
    "SELECT schema, table_name, name, expr FROM __devdb_generated_columns",
    "SELECT name FROM __devdb_extensions ORDER BY name",
];

/// The catalog as it stands in one database at one moment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Catalog {
    pub tables: Vec<Table>,
    pub indexes: Vec<Index>,
    pub sequences: Vec<String>,
    /// Named table constraints: keys, foreign keys and checks, in creation order per table.
    pub constraints: Vec<Constraint>,
    /// Enum types, by OID.
    pub enums: Vec<EnumType>,
    /// Schemas (pg_namespace), `public` included.
    pub schemas: Vec<Schema>,
    pub views: Vec<View>,
    pub domains: Vec<Domain>,
    pub functions: Vec<Function>,
    /// Triggers, by table and then name (the order PostgreSQL fires them in).
    pub triggers: Vec<Trigger>,
    pub sql_functions: Vec<SqlFunction>,
    /// The extensions CREATE EXTENSION recorded (citext, btree_gist).
    pub extensions: Vec<String>,
}

/// A function whose body is one SQL expression (`CREATE FUNCTION f(a int) RETURNS int
/// LANGUAGE sql AS 'SELECT a + 1'`); calls are inlined.
#[derive(Clone, Debug, PartialEq)]
pub struct SqlFunction {
    pub oid: Oid,
    pub schema: String,
    /// The function's [`key`].
    pub name: String,
    /// Each argument's name ("" when unnamed) and type, as PostgreSQL SQL.
    pub args: Vec<(String, String)>,
    /// The return type as PostgreSQL SQL.
    pub returns: String,
    /// The body's expression as PostgreSQL SQL.
    pub body: String,
    /// STRICT: NULL, without evaluating the body, when an argument is NULL.
    pub strict: bool,
}

/// A trigger function (`CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql`).
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    pub oid: Oid,
    pub schema: String,
    /// The function's [`key`].
    pub name: String,
    /// The PL/pgSQL body as written.
    pub body: String,
}

/// A BEFORE ... FOR EACH ROW trigger.
#[derive(Clone, Debug, PartialEq)]
pub struct Trigger {
    pub oid: Oid,
    /// The table's [`key`].
    pub table: String,
    pub name: String,
    /// The function's [`key`].
    pub function: String,
    pub on_insert: bool,
    pub on_update: bool,
    /// False after ALTER TABLE ... DISABLE TRIGGER.
    pub enabled: bool,
}

/// A domain (`CREATE DOMAIN email AS text CHECK (VALUE ~ '@')`): its columns have its base type.
#[derive(Clone, Debug, PartialEq)]
pub struct Domain {
    pub oid: Oid,
    pub schema: String,
    /// The domain's [`key`].
    pub name: String,
    pub base: PgType,
    pub typmod: i32,
    pub not_null: bool,
    /// DEFAULT as PostgreSQL SQL text.
    pub default: Option<String>,
    /// The CHECK's name and its expression over VALUE, as PostgreSQL SQL text.
    pub check: Option<(String, String)>,
}

/// A view: its key, its query as PostgreSQL SQL, what it reads, and its output columns.
#[derive(Clone, Debug, PartialEq)]
pub struct View {
    pub schema: String,
    pub name: String,
    pub definition: String,
    /// Keys of the tables and views the query reads.
    pub depends_on: Vec<String>,
    /// Output columns (only name, position, type and typmod are meaningful).
    pub columns: Vec<Column>,
    /// For a materialized view, whether it holds its query's rows (false after WITH NO DATA).
    pub materialized: Option<bool>,
}

impl View {
    /// What PostgreSQL calls it in messages: `view` or `materialized view`.
    pub fn kind(&self) -> &'static str {
        match self.materialized {
            Some(_) => "materialized view",
            None => "view",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    pub oid: Oid,
    pub name: String,
}

/// An enum type (`CREATE TYPE mood AS ENUM ('sad', 'ok')`).
#[derive(Clone, Debug, PartialEq)]
pub struct EnumType {
    pub oid: Oid,
    /// The OID of its array type, `_mood`.
    pub array_oid: Oid,
    pub schema: String,
    /// The type's [`key`].
    pub name: String,
    /// Labels in sort order.
    pub labels: Vec<EnumLabel>,
}

/// One value of an enum, as a pg_enum row.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumLabel {
    pub oid: Oid,
    /// pg_enum.enumsortorder: declaration order, with values added BEFORE/AFTER in between.
    pub sort_order: f64,
    pub label: String,
}

impl EnumType {
    /// The 0-based place of a label in sort order.
    pub fn position(&self, label: &str) -> Option<usize> {
        self.labels.iter().position(|l| l.label == label)
    }
}

/// What kind of constraint a [`Constraint`] is (pg_constraint.contype).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstraintKind {
    PrimaryKey,
    Unique,
    ForeignKey,
    Check,
    /// EXCLUDE: `check` holds its definition as pg_get_constraintdef prints it.
    Exclusion,
}

impl ConstraintKind {
    fn code(self) -> &'static str {
        match self {
            ConstraintKind::PrimaryKey => "p",
            ConstraintKind::Unique => "u",
            ConstraintKind::ForeignKey => "f",
            ConstraintKind::Check => "c",
            ConstraintKind::Exclusion => "x",
        }
    }

    fn from_code(code: &str) -> Option<ConstraintKind> {
        Some(match code {
            "p" => ConstraintKind::PrimaryKey,
            "u" => ConstraintKind::Unique,
            "f" => ConstraintKind::ForeignKey,
            "c" => ConstraintKind::Check,
            "x" => ConstraintKind::Exclusion,
            _ => return None,
        })
    }
}

/// A table constraint as PostgreSQL names it (`posts_user_id_fkey`, `items_qty_check`), kept
/// so errors and later DDL (a table rebuild, DROP CONSTRAINT) can find it.
#[derive(Clone, Debug, PartialEq)]
pub struct Constraint {
    pub schema: String,
    /// The table's [`key`]; the constraint's own name is plain.
    pub table: String,
    pub name: String,
    pub kind: ConstraintKind,
    /// The constrained columns (for a check: the columns it mentions).
    pub columns: Vec<String>,
    /// Foreign keys: the referenced table and columns, and the actions as SQL spells them
    /// (`CASCADE`, `SET NULL`, ...), None for NO ACTION.
    pub ref_table: Option<String>,
    pub ref_columns: Vec<String>,
    pub on_delete: Option<String>,
    pub on_update: Option<String>,
    pub deferrable: bool,
    pub initially_deferred: bool,
    /// Checks: the expression as PostgreSQL SQL text.
    pub check: Option<String>,
    /// False for a foreign key or check added NOT VALID and not validated since
    /// (pg_constraint.convalidated).
    pub validated: bool,
    /// A foreign key declared MATCH FULL (pg_constraint.confmatchtype `f`).
    pub match_full: bool,
}

impl Constraint {
    /// A constraint of `kind` named `name` on `table` (its key) over `columns`, validated,
    /// with nothing else set.
    pub fn new(table: &str, name: String, kind: ConstraintKind, columns: &[String]) -> Constraint {
        Constraint {
            schema: split(table).0.into(),
            table: table.into(),
            name,
            kind,
            columns: columns.to_vec(),
            ref_table: None,
            ref_columns: Vec::new(),
            on_delete: None,
            on_update: None,
            deferrable: false,
            initially_deferred: false,
            check: None,
            validated: true,
            match_full: false,
        }
    }

    /// The catalog row that records this constraint.
    pub(crate) fn insert_row(&self) -> sqlparser::ast::Statement {
        use crate::make;
        let opt = |s: &Option<String>| s.as_deref().map(make::string).unwrap_or_else(make::null);
        let mut names = vec![
            "schema",
            "table_name",
            "name",
            "kind",
            "columns",
            "ref_table",
            "ref_columns",
            "on_delete",
            "on_update",
            "is_deferrable",
            "is_deferred",
            "check_expr",
            "validated",
        ];
        let mut values = vec![
            make::string(&self.schema),
            make::string(split(&self.table).1),
            make::string(&self.name),
            make::string(self.kind.code()),
            make::string(&name_list(&self.columns)),
            opt(&self.ref_table),
            if self.kind == ConstraintKind::ForeignKey {
                make::string(&name_list(&self.ref_columns))
            } else {
                make::null()
            },
            opt(&self.on_delete),
            opt(&self.on_update),
            make::int(self.deferrable as i64),
            make::int(self.initially_deferred as i64),
            opt(&self.check),
            make::int(self.validated.into()),
        ];
        // Written only when set, so the rows of everything else stay as they were.
        if self.match_full {
            names.push("match_full");
            values.push(make::int(1));
        }
        make::insert_rows(CONSTRAINTS, &names, vec![values])
    }
}

/// A list of names as a JSON array, as the catalog stores it.
pub(crate) fn name_list(names: &[String]) -> String {
    let items: Vec<String> = names
        .iter()
        .map(|n| devdb_pg::value::json::escape(n))
        .collect();
    format!("[{}]", items.join(","))
}

pub(crate) fn parse_name_list(text: &str) -> Result<Vec<String>, PgError> {
    match devdb_pg::value::json::Json::parse(text, false) {
        Ok(devdb_pg::value::json::Json::Array(items)) => items
            .into_iter()
            .map(|i| match i {
                devdb_pg::value::json::Json::String(s) => Ok(s),
                other => Err(corrupt(&format!("name list item {other:?}"))),
            })
            .collect(),
        _ => Err(corrupt(&format!("name list {text}"))),
    }
}

/// A table and its columns in declaration order.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub schema: String,
    /// The table's [`key`] (its SQLite name).
    pub name: String,
    pub columns: Vec<Column>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub name: String,
    /// 1-based, as pg_attribute.attnum.
    pub position: i32,
    pub ty: PgType,
    /// The enum's OID when `ty` is [`PgType::AnyEnum`] or [`PgType::AnyEnumArray`].
    pub enum_oid: Option<Oid>,
    /// varchar(n): n + 4; numeric(p,s): ((p << 16) | s) + 4; -1 when none.
    pub typmod: i32,
    pub not_null: bool,
    /// The DEFAULT expression as PostgreSQL SQL text.
    pub default: Option<String>,
    /// 1-based place in the primary key.
    pub pk_position: Option<i32>,
    /// GENERATED ... AS IDENTITY.
    pub identity: Option<Identity>,
    /// The OID of the domain the column was declared with (it has the domain's base type).
    pub domain: Option<Oid>,
    /// GENERATED ALWAYS AS (expression) STORED: the expression as PostgreSQL SQL text.
    pub generated: Option<String>,
}

/// How an identity column was declared (pg_attribute.attidentity).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Identity {
    Always,
    ByDefault,
}

impl Identity {
    pub fn code(self) -> &'static str {
        match self {
            Identity::Always => "a",
            Identity::ByDefault => "d",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Index {
    pub schema: String,
    /// The index's and its table's [`key`]s.
    pub name: String,
    pub table: String,
    pub unique: bool,
    pub primary: bool,
    /// The SQLite statement that creates it, kept so a table rebuild can recreate it; None
    /// for indexes created before devdb recorded them.
    pub definition: Option<String>,
    /// The keys as PostgreSQL prints them, for indexes CREATE INDEX made.
    pub keys: Option<String>,
    /// A partial index's WHERE predicate as PostgreSQL prints it.
    pub predicate: Option<String>,
    /// True when a key is an expression rather than a column.
    pub expressions: bool,
    /// The INCLUDE columns as pg_get_indexdef prints them (`b, c`).
    pub include: Option<String>,
    /// USING: btree for constraints' indexes and indexes made before devdb kept it.
    pub method: AccessMethod,
}

impl Column {
    pub(crate) fn ty(&self) -> Ty {
        Ty {
            enum_oid: self.enum_oid,
            ..Ty::with_typmod(self.ty, self.typmod)
        }
    }

    /// The OID the catalog records for the column's type (the enum's own for an enum).
    pub fn type_oid(&self) -> Oid {
        self.ty.oid_with_enum(self.enum_oid)
    }
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The primary key's columns in key order.
    pub fn primary_key(&self) -> Vec<&Column> {
        let mut key: Vec<&Column> = self
            .columns
            .iter()
            .filter(|c| c.pk_position.is_some())
            .collect();
        key.sort_by_key(|c| c.pk_position);
        key
    }
}

impl Catalog {
    /// Finds a table by its [`key`].
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    pub fn view(&self, name: &str) -> Option<&View> {
        self.views.iter().find(|v| v.name == name)
    }

    pub fn schema(&self, name: &str) -> Option<&Schema> {
        self.schemas.iter().find(|s| s.name == name)
    }

    /// The constraints of a table, in creation order.
    pub fn constraints_of<'a>(
        &'a self,
        table: &'a str,
    ) -> impl Iterator<Item = &'a Constraint> + 'a {
        self.constraints.iter().filter(move |c| c.table == table)
    }

    /// Foreign keys of other tables (or this one) that reference `table`.
    pub fn references_to<'a>(
        &'a self,
        table: &'a str,
    ) -> impl Iterator<Item = &'a Constraint> + 'a {
        self.constraints.iter().filter(move |c| {
            c.kind == ConstraintKind::ForeignKey && c.ref_table.as_deref() == Some(table)
        })
    }

    /// A column's type from the OID its catalog row records: a built-in type or an enum.
    fn column_type(&self, oid: Oid) -> Result<(PgType, Option<Oid>), PgError> {
        if let Some(e) = self.enum_by_array_oid(oid) {
            return Ok((PgType::AnyEnumArray, Some(e.oid)));
        }
        match self.enum_by_oid(oid) {
            Some(e) => Ok((PgType::AnyEnum, Some(e.oid))),
            None => PgType::from_oid(oid)
                .map(|ty| (ty, None))
                .ok_or_else(|| corrupt(&format!("unknown type oid {}", oid.0))),
        }
    }

    /// Finds an enum type by its [`key`].
    pub fn enum_type(&self, name: &str) -> Option<&EnumType> {
        self.enums.iter().find(|e| e.name == name)
    }

    /// Finds a domain by its [`key`].
    pub fn domain(&self, name: &str) -> Option<&Domain> {
        self.domains.iter().find(|d| d.name == name)
    }

    pub fn domain_by_oid(&self, oid: Oid) -> Option<&Domain> {
        self.domains.iter().find(|d| d.oid == oid)
    }

    pub fn enum_by_oid(&self, oid: Oid) -> Option<&EnumType> {
        self.enums.iter().find(|e| e.oid == oid)
    }

    /// Finds an enum type by the OID of its array type.
    pub fn enum_by_array_oid(&self, oid: Oid) -> Option<&EnumType> {
        self.enums.iter().find(|e| e.array_oid == oid)
    }

    /// The next free OID for a new object: above every OID devdb has handed out.
    pub fn next_oid(&self) -> u32 {
        self.enums
            .iter()
            .flat_map(|e| {
                [e.oid.0, e.array_oid.0]
                    .into_iter()
                    .chain(e.labels.iter().map(|l| l.oid.0))
            })
            .chain(self.schemas.iter().map(|s| s.oid.0))
            .chain(self.domains.iter().map(|d| d.oid.0 + 1))
            .chain(self.functions.iter().map(|f| f.oid.0))
            .chain(self.triggers.iter().map(|t| t.oid.0))
            .chain(self.sql_functions.iter().map(|f| f.oid.0))
            .max()
            .map_or(FIRST_OBJECT_ID, |m| (m + 1).max(FIRST_OBJECT_ID))
    }

    pub fn sql_function(&self, name: &str) -> Option<&SqlFunction> {
        self.sql_functions.iter().find(|f| f.name == name)
    }

    pub fn function(&self, name: &str) -> Option<&Function> {
        self.functions.iter().find(|f| f.name == name)
    }

    /// The column `name` of table `table` (a key), which a per-column catalog row marks.
    fn column_mut(&mut self, table: &str, name: &str) -> Option<&mut Column> {
        self.tables
            .iter_mut()
            .find(|t| t.name == table)?
            .columns
            .iter_mut()
            .find(|c| c.name == name)
    }

    pub fn index(&self, name: &str) -> Option<&Index> {
        self.indexes.iter().find(|i| i.name == name)
    }

    /// Rebuilds the catalog from the rows of each [`LOAD_SQL`] query (`results[i]` for query i).
    pub fn load(results: Vec<Vec<Vec<Value>>>) -> Result<Catalog, PgError> {
        let mut sets = results.into_iter();
        let mut next = || sets.next().unwrap_or_default();
        let (table_rows, column_rows, index_rows, sequence_rows) = (next(), next(), next(), next());
        let (constraint_rows, index_def_rows) = (next(), next());
        let (type_rows, label_rows, schema_rows) = (next(), next(), next());
        let identity_rows = next();
        let (view_rows, view_column_rows) = (next(), next());
        let index_key_rows = next();
        let (domain_rows, domain_column_rows) = (next(), next());
        let (function_rows, trigger_rows, sql_function_rows) = (next(), next(), next());
        let generated_rows = next();
        let extension_rows = next();
        let mut catalog = Catalog::default();
        for row in extension_rows {
            catalog.extensions.push(Row::new(row).text()?);
        }
        catalog.schemas.push(Schema {
            oid: Oid(PUBLIC_SCHEMA_OID),
            name: DEFAULT_SCHEMA.to_owned(),
        });
        for row in schema_rows {
            let mut r = Row::new(row);
            catalog.schemas.push(Schema {
                oid: r.oid()?,
                name: r.text()?,
            });
        }
        for row in type_rows {
            let mut r = Row::new(row);
            let oid = r.oid()?;
            let schema = r.text()?;
            catalog.enums.push(EnumType {
                oid,
                name: key(&schema, &r.text()?),
                schema,
                array_oid: r.oid()?,
                labels: Vec::new(),
            });
        }
        for row in label_rows {
            let mut r = Row::new(row);
            let oid = r.oid()?;
            let type_oid = r.oid()?;
            let sort_order = r.real()?;
            let label = r.text()?;
            catalog
                .enums
                .iter_mut()
                .find(|e| e.oid == type_oid)
                .ok_or_else(|| corrupt(&format!("label {label} of missing enum {type_oid:?}")))?
                .labels
                .push(EnumLabel {
                    oid,
                    sort_order,
                    label,
                });
        }
        for row in table_rows {
            let mut r = Row::new(row);
            let schema = r.text()?;
            catalog.tables.push(Table {
                name: key(&schema, &r.text()?),
                schema,
                columns: Vec::new(),
            });
        }
        for row in column_rows {
            let mut r = Row::new(row);
            let table = {
                let schema = r.text()?;
                key(&schema, &r.text()?)
            };
            let name = r.text()?;
            let position = r.int()? as i32;
            let (ty, enum_oid) = catalog.column_type(r.oid()?)?;
            let column = Column {
                name,
                position,
                ty,
                enum_oid,
                typmod: r.int()? as i32,
                not_null: r.int()? != 0,
                default: r.opt_text()?,
                pk_position: r.opt_int()?.map(|p| p as i32),
                identity: None,
                domain: None,
                generated: None,
            };
            let owner = catalog
                .tables
                .iter_mut()
                .find(|t| t.name == table)
                .ok_or_else(|| {
                    corrupt(&format!("column {} of missing table {table}", column.name))
                })?;
            owner.columns.push(column);
        }
        for row in index_rows {
            let mut r = Row::new(row);
            let schema = r.text()?;
            catalog.indexes.push(Index {
                name: key(&schema, &r.text()?),
                table: key(&schema, &r.text()?),
                schema,
                unique: r.int()? != 0,
                primary: r.int()? != 0,
                definition: None,
                keys: None,
                predicate: None,
                expressions: false,
                include: None,
                method: AccessMethod::Btree,
            });
        }
        for row in index_key_rows {
            let mut r = Row::new(row);
            let name = key(&r.text()?, &r.text()?);
            let (keys, predicate, expressions) = (r.text()?, r.opt_text()?, r.int()? != 0);
            let include = r.opt_text()?;
            let method = match r.opt_text()? {
                Some(name) => AccessMethod::named(&name)?,
                None => AccessMethod::Btree,
            };
            if let Some(index) = catalog.indexes.iter_mut().find(|i| i.name == name) {
                index.keys = Some(keys);
                index.predicate = predicate;
                index.expressions = expressions;
                index.include = include;
                index.method = method;
            }
        }
        for row in index_def_rows {
            let mut r = Row::new(row);
            let (schema, name, sql) = (r.text()?, r.text()?, r.text()?);
            let name = key(&schema, &name);
            if let Some(index) = catalog.indexes.iter_mut().find(|i| i.name == name) {
                index.definition = Some(sql);
            }
        }
        for row in constraint_rows {
            let mut r = Row::new(row);
            let schema = r.text()?;
            let table = key(&schema, &r.text()?);
            let name = r.text()?;
            let kind = r.text()?;
            let kind = ConstraintKind::from_code(&kind)
                .ok_or_else(|| corrupt(&format!("constraint kind {kind}")))?;
            let columns = parse_name_list(&r.text()?)?;
            let ref_table = r.opt_text()?;
            let ref_columns = match r.opt_text()? {
                Some(t) => parse_name_list(&t)?,
                None => Vec::new(),
            };
            catalog.constraints.push(Constraint {
                schema,
                table,
                name,
                kind,
                columns,
                ref_table,
                ref_columns,
                on_delete: r.opt_text()?,
                on_update: r.opt_text()?,
                deferrable: r.int()? != 0,
                initially_deferred: r.int()? != 0,
                check: r.opt_text()?,
                validated: r.int()? != 0,
                match_full: r.int()? != 0,
            });
        }
        for row in view_rows {
            let mut r = Row::new(row);
            let schema = r.text()?;
            catalog.views.push(View {
                name: key(&schema, &r.text()?),
                schema,
                definition: r.text()?,
                depends_on: parse_name_list(&r.text()?)?,
                columns: Vec::new(),
                materialized: r.opt_int()?.map(|populated| populated != 0),
            });
        }
        for row in view_column_rows {
            let mut r = Row::new(row);
            let view = {
                let schema = r.text()?;
                key(&schema, &r.text()?)
            };
            let name = r.text()?;
            let position = r.int()? as i32;
            let (ty, enum_oid) = catalog.column_type(r.oid()?)?;
            let column = Column {
                name,
                position,
                ty,
                enum_oid,
                typmod: r.int()? as i32,
                not_null: false,
                default: None,
                pk_position: None,
                identity: None,
                domain: None,
                generated: None,
            };
            catalog
                .views
                .iter_mut()
                .find(|v| v.name == view)
                .ok_or_else(|| corrupt(&format!("column of missing view {view}")))?
                .columns
                .push(column);
        }
        for row in identity_rows {
            let mut r = Row::new(row);
            let table = {
                let schema = r.text()?;
                key(&schema, &r.text()?)
            };
            let (name, kind) = (r.text()?, r.text()?);
            let identity = match kind.as_str() {
                "a" => Identity::Always,
                "d" => Identity::ByDefault,
                other => return Err(corrupt(&format!("identity kind {other}"))),
            };
            if let Some(c) = catalog.column_mut(&table, &name) {
                c.identity = Some(identity);
            }
        }
        for row in generated_rows {
            let mut r = Row::new(row);
            let (table, name) = (key(&r.text()?, &r.text()?), r.text()?);
            let expr = r.text()?;
            if let Some(c) = catalog.column_mut(&table, &name) {
                c.generated = Some(expr);
            }
        }
        for row in sequence_rows {
            catalog.sequences.push(Row::new(row).text()?);
        }
        for row in domain_rows {
            let mut r = Row::new(row);
            let oid = r.oid()?;
            let schema = r.text()?;
            let name = key(&schema, &r.text()?);
            let base = r.oid()?;
            let base = PgType::from_oid(base)
                .ok_or_else(|| corrupt(&format!("domain base type oid {}", base.0)))?;
            let (typmod, not_null, default) = (r.int()? as i32, r.int()? != 0, r.opt_text()?);
            let check = r.opt_text()?.zip(r.opt_text()?);
            catalog.domains.push(Domain {
                oid,
                schema,
                name,
                base,
                typmod,
                not_null,
                default,
                check,
            });
        }
        for row in domain_column_rows {
            let mut r = Row::new(row);
            let table = {
                let schema = r.text()?;
                key(&schema, &r.text()?)
            };
            let (name, domain) = (r.text()?, r.oid()?);
            if let Some(c) = catalog.column_mut(&table, &name) {
                c.domain = Some(domain);
            }
        }
        for row in function_rows {
            let mut r = Row::new(row);
            let oid = r.oid()?;
            let schema = r.text()?;
            catalog.functions.push(Function {
                oid,
                name: key(&schema, &r.text()?),
                schema,
                body: r.text()?,
            });
        }
        for row in trigger_rows {
            let mut r = Row::new(row);
            let oid = r.oid()?;
            let table = {
                let schema = r.text()?;
                key(&schema, &r.text()?)
            };
            catalog.triggers.push(Trigger {
                oid,
                table,
                name: r.text()?,
                function: r.text()?,
                on_insert: r.int()? != 0,
                on_update: r.int()? != 0,
                enabled: r.int()? != 0,
            });
        }
        for row in sql_function_rows {
            let mut r = Row::new(row);
            let oid = r.oid()?;
            let schema = r.text()?;
            let name = key(&schema, &r.text()?);
            let names = parse_name_list(&r.text()?)?;
            let types = parse_name_list(&r.text()?)?;
            catalog.sql_functions.push(SqlFunction {
                oid,
                schema,
                name,
                args: names.into_iter().zip(types).collect(),
                returns: r.text()?,
                body: r.text()?,
                strict: r.int()? != 0,
            });
        }
        Ok(catalog)
    }
}

fn corrupt(what: &str) -> PgError {
    PgError::internal(format!("devdb catalog is inconsistent: {what}"))
}

/// Reads one catalog row column by column.
struct Row(std::vec::IntoIter<Value>);

impl Row {
    fn new(values: Vec<Value>) -> Row {
        Row(values.into_iter())
    }

    fn opt_text(&mut self) -> Result<Option<String>, PgError> {
        match self.0.next() {
            Some(Value::Text(s)) => Ok(Some(s)),
            Some(Value::Null) => Ok(None),
            other => Err(corrupt(&format!("expected text, found {other:?}"))),
        }
    }

    fn text(&mut self) -> Result<String, PgError> {
        self.opt_text()?.ok_or_else(|| corrupt("unexpected NULL"))
    }

    fn opt_int(&mut self) -> Result<Option<i64>, PgError> {
        match self.0.next() {
            Some(Value::Int(i)) => Ok(Some(i)),
            Some(Value::Null) => Ok(None),
            other => Err(corrupt(&format!("expected integer, found {other:?}"))),
        }
    }

    fn int(&mut self) -> Result<i64, PgError> {
        self.opt_int()?.ok_or_else(|| corrupt("unexpected NULL"))
    }

    fn oid(&mut self) -> Result<Oid, PgError> {
        let i = self.int()?;
        u32::try_from(i)
            .map(Oid)
            .map_err(|_| corrupt(&format!("oid {i}")))
    }

    fn real(&mut self) -> Result<f64, PgError> {
        match self.0.next() {
            Some(Value::Float(f)) => Ok(f),
            Some(Value::Int(i)) => Ok(i as f64),
            other => Err(corrupt(&format!("expected real, found {other:?}"))),
        }
    }
}
