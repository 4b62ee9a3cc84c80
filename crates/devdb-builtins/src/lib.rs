//! PostgreSQL 15's built-in catalog rows, kept apart from the translator so that `devdb-exec`'s
//! build script can turn them into a database image without building the translator.
//!
//! The rows of PostgreSQL's catalogs that exist in every database before any DDL: built-in types,
//! functions, operators, casts, system tables and views, descriptions, access methods, operator
//! classes and families, collations, conversions, text search configurations, dictionaries,
//! parsers and templates, languages, schemas, predefined roles and extensions.
//!
//! The files in `data/` are PostgreSQL 15's own rows, dumped from a fresh `initdb` cluster
//! (`\copy (SELECT <the columns below> FROM pg_type ORDER BY oid) TO 'pg_type.tsv'`, regproc
//! columns as `::oid`), never typed by hand. pg_opclass is dumped `ORDER BY ctid`, the order
//! a scan of PostgreSQL's table reads, which an aggregate without ORDER BY over it (psql's
//! `\dAf`) lists in. devdb's build turns them into a SQLite database image (`devdb-exec`'s build script),
//! which
//! every connection attaches read-only as [`SCHEMA`].

use std::borrow::Cow;

use devdb_pg::types::Storage;
use devdb_pg::{PgError, PgType, Value};

/// A relation's columns with their PostgreSQL types, in order.
pub type Columns = &'static [(&'static str, PgType)];

/// The SQLite schema name the built-in rows are attached under.
pub const SCHEMA: &str = "devdb_sys";

/// A built-in catalog table: its columns and PostgreSQL's rows in COPY text format.
pub struct Builtin {
    pub name: &'static str,
    pub columns: Columns,
    data: &'static str,
}

/// Columns from `name: PgType variant` pairs.
#[macro_export]
macro_rules! cols {
    ($($name:ident: $ty:ident),* $(,)?) => {
        &[$((stringify!($name), devdb_pg::PgType::$ty)),*]
    };
}

pub const PG_TYPE: Columns = cols!(
    oid: Oid, typname: Name, typnamespace: Oid, typowner: Oid, typlen: Int2, typbyval: Bool,
    typtype: Char, typcategory: Char, typispreferred: Bool, typisdefined: Bool, typdelim: Char,
    typrelid: Oid, typsubscript: Regproc, typelem: Oid, typarray: Oid, typinput: Regproc,
    typoutput: Regproc, typreceive: Regproc, typsend: Regproc, typmodin: Regproc,
    typmodout: Regproc, typanalyze: Regproc, typalign: Char, typstorage: Char, typnotnull: Bool,
    typbasetype: Oid, typtypmod: Int4, typndims: Int4, typcollation: Oid,
    typdefaultbin: PgNodeTree, typdefault: Text, typacl: AclitemArray,
);
pub const PG_PROC: Columns = cols!(
    oid: Oid, proname: Name, pronamespace: Oid, proowner: Oid, prolang: Oid, prokind: Char,
    prosecdef: Bool, proisstrict: Bool, proretset: Bool, provolatile: Char, proparallel: Char,
    pronargs: Int2, prorettype: Oid, proargtypes: Oidvector, prosrc: Text,
    proacl: AclitemArray, procost: Float4, prorows: Float4, provariadic: Oid, prosupport: Regproc,
    proleakproof: Bool, pronargdefaults: Int2, probin: Text, proconfig: TextArray,
    protrftypes: OidArray,
);
pub const PG_AMOP: Columns = cols!(
    oid: Oid, amopfamily: Oid, amoplefttype: Oid, amoprighttype: Oid, amopstrategy: Int2,
    amoppurpose: Char, amopopr: Oid, amopmethod: Oid, amopsortfamily: Oid,
);
pub const PG_AMPROC: Columns = cols!(
    oid: Oid, amprocfamily: Oid, amproclefttype: Oid, amprocrighttype: Oid, amprocnum: Int2,
    amproc: Regproc,
);
pub const PG_RANGE: Columns = cols!(
    rngtypid: Oid, rngsubtype: Oid, rngmultitypid: Oid, rngcollation: Oid, rngsubopc: Oid,
    rngcanonical: Regproc, rngsubdiff: Regproc,
);
pub const PG_AM: Columns = cols!(oid: Oid, amname: Name, amhandler: Regproc, amtype: Char);
pub const PG_COLLATION: Columns = cols!(
    oid: Oid, collname: Name, collnamespace: Oid, collowner: Oid, collprovider: Char,
    collisdeterministic: Bool, collencoding: Int4, collcollate: Text, collctype: Text,
    colliculocale: Text, collversion: Text,
);
/// pg_class; the built-in rows are the tables and views of pg_catalog and information_schema.
pub const PG_CLASS: Columns = cols!(
    oid: Oid, relname: Name, relnamespace: Oid, reltype: Oid, reloftype: Oid,
    relowner: Oid, relam: Oid, relfilenode: Oid, reltablespace: Oid, relpages: Int4,
    reltuples: Float4, relallvisible: Int4, reltoastrelid: Oid, relhasindex: Bool,
    relisshared: Bool, relpersistence: Char, relkind: Char, relnatts: Int2,
    relchecks: Int2, relhasrules: Bool, relhastriggers: Bool, relhassubclass: Bool,
    relrowsecurity: Bool, relforcerowsecurity: Bool, relispopulated: Bool,
    relreplident: Char, relispartition: Bool, relrewrite: Oid, relfrozenxid: Xid,
    relminmxid: Xid, relacl: AclitemArray, reloptions: TextArray, relpartbound: PgNodeTree,
);
pub const PG_DESCRIPTION: Columns =
    cols!(objoid: Oid, classoid: Oid, objsubid: Int4, description: Text);
pub const PG_NAMESPACE: Columns = cols!(oid: Oid, nspname: Name, nspowner: Oid);
/// The predefined roles (pg_monitor, ...); the superuser row is the connected user's.
pub const PREDEFINED_ROLES: Columns = cols!(
    oid: Oid, rolname: Name, rolsuper: Bool, rolinherit: Bool, rolcreaterole: Bool,
    rolcreatedb: Bool, rolcanlogin: Bool, rolreplication: Bool, rolconnlimit: Int4,
    rolbypassrls: Bool,
);
pub const PG_OPCLASS: Columns = cols!(
    oid: Oid, opcmethod: Oid, opcname: Name, opcnamespace: Oid, opcowner: Oid, opcfamily: Oid,
    opcintype: Oid, opcdefault: Bool, opckeytype: Oid,
);
pub const PG_OPFAMILY: Columns =
    cols!(oid: Oid, opfmethod: Oid, opfname: Name, opfnamespace: Oid, opfowner: Oid);
pub const PG_OPERATOR: Columns = cols!(
    oid: Oid, oprname: Name, oprnamespace: Oid, oprowner: Oid, oprkind: Char, oprcanmerge: Bool,
    oprcanhash: Bool, oprleft: Oid, oprright: Oid, oprresult: Oid, oprcom: Oid, oprnegate: Oid,
    oprcode: Regproc, oprrest: Regproc, oprjoin: Regproc,
);
pub const PG_CAST: Columns = cols!(
    oid: Oid, castsource: Oid, casttarget: Oid, castfunc: Oid, castcontext: Char,
    castmethod: Char,
);
pub const PG_LANGUAGE: Columns = cols!(
    oid: Oid, lanname: Name, lanowner: Oid, lanispl: Bool, lanpltrusted: Bool,
    lanplcallfoid: Oid, laninline: Oid, lanvalidator: Oid, lanacl: AclitemArray,
);
pub const PG_CONVERSION: Columns = cols!(
    oid: Oid, conname: Name, connamespace: Oid, conowner: Oid, conforencoding: Int4,
    contoencoding: Int4, conproc: Regproc, condefault: Bool,
);
pub const PG_TS_CONFIG: Columns =
    cols!(oid: Oid, cfgname: Name, cfgnamespace: Oid, cfgowner: Oid, cfgparser: Oid);
pub const PG_TS_DICT: Columns = cols!(
    oid: Oid, dictname: Name, dictnamespace: Oid, dictowner: Oid, dicttemplate: Oid,
    dictinitoption: Text,
);
pub const PG_TS_PARSER: Columns = cols!(
    oid: Oid, prsname: Name, prsnamespace: Oid, prsstart: Regproc, prstoken: Regproc,
    prsend: Regproc, prsheadline: Regproc, prslextype: Regproc,
);
pub const PG_TS_TEMPLATE: Columns = cols!(
    oid: Oid, tmplname: Name, tmplnamespace: Oid, tmplinit: Regproc, tmpllexize: Regproc,
);
pub const PG_INIT_PRIVS: Columns = cols!(
    objoid: Oid, classoid: Oid, objsubid: Int4, privtype: Char, initprivs: AclitemArray,
);
pub const PG_EXTENSION: Columns = cols!(
    oid: Oid, extname: Name, extowner: Oid, extnamespace: Oid, extrelocatable: Bool,
    extversion: Text,
);

const fn builtin(name: &'static str, columns: Columns, data: &'static str) -> Builtin {
    Builtin {
        name,
        columns,
        data,
    }
}

/// Every built-in table.
pub static BUILTINS: &[Builtin] = &[
    builtin("pg_type", PG_TYPE, include_str!("data/pg_type.tsv")),
    builtin("pg_proc", PG_PROC, include_str!("data/pg_proc.tsv")),
    builtin("pg_class", PG_CLASS, include_str!("data/pg_class.tsv")),
    builtin(
        "pg_description",
        PG_DESCRIPTION,
        include_str!("data/pg_description.tsv"),
    ),
    builtin("pg_range", PG_RANGE, include_str!("data/pg_range.tsv")),
    builtin("pg_am", PG_AM, include_str!("data/pg_am.tsv")),
    builtin(
        "pg_collation",
        PG_COLLATION,
        include_str!("data/pg_collation.tsv"),
    ),
    builtin(
        "pg_opclass",
        PG_OPCLASS,
        include_str!("data/pg_opclass.tsv"),
    ),
    builtin(
        "pg_opfamily",
        PG_OPFAMILY,
        include_str!("data/pg_opfamily.tsv"),
    ),
    builtin(
        "pg_operator",
        PG_OPERATOR,
        include_str!("data/pg_operator.tsv"),
    ),
    builtin("pg_amop", PG_AMOP, include_str!("data/pg_amop.tsv")),
    builtin("pg_amproc", PG_AMPROC, include_str!("data/pg_amproc.tsv")),
    builtin("pg_cast", PG_CAST, include_str!("data/pg_cast.tsv")),
    builtin(
        "pg_language",
        PG_LANGUAGE,
        include_str!("data/pg_language.tsv"),
    ),
    builtin(
        "pg_conversion",
        PG_CONVERSION,
        include_str!("data/pg_conversion.tsv"),
    ),
    builtin(
        "pg_ts_config",
        PG_TS_CONFIG,
        include_str!("data/pg_ts_config.tsv"),
    ),
    builtin(
        "pg_ts_dict",
        PG_TS_DICT,
        include_str!("data/pg_ts_dict.tsv"),
    ),
    builtin(
        "pg_ts_parser",
        PG_TS_PARSER,
        include_str!("data/pg_ts_parser.tsv"),
    ),
    builtin(
        "pg_ts_template",
        PG_TS_TEMPLATE,
        include_str!("data/pg_ts_template.tsv"),
    ),
    builtin(
        "pg_namespace",
        PG_NAMESPACE,
        include_str!("data/pg_namespace.tsv"),
    ),
    builtin(
        "predefined_roles",
        PREDEFINED_ROLES,
        include_str!("data/pg_authid.tsv"),
    ),
    builtin(
        "pg_extension",
        PG_EXTENSION,
        include_str!("data/pg_extension.tsv"),
    ),
    builtin(
        "pg_init_privs",
        PG_INIT_PRIVS,
        include_str!("data/pg_init_privs.tsv"),
    ),
];

/// PostgreSQL 15's run-time parameters as pg_settings lists them in a fresh cluster: the value
/// in base units and as SHOW prints it, then pg_settings' own columns (`enumvals` in array text
/// form). Not a table of the image: the executor keeps each session's values.
pub static SETTINGS: Builtin = builtin(
    "pg_settings",
    cols!(
        name: Text, setting: Text, show: Text, unit: Text, category: Text, short_desc: Text,
        extra_desc: Text, context: Text, vartype: Text, min_val: Text, max_val: Text,
        enumvals: Text, boot_val: Text,
    ),
    include_str!("data/pg_settings.tsv"),
);

/// The built-in table `name`.
pub fn table(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

impl Builtin {
    /// The rows as they are written in the file: COPY text lines.
    pub fn lines(&self) -> impl Iterator<Item = &'static str> {
        self.data.lines().filter(|l| !l.is_empty())
    }

    /// The SQLite statement that creates this table under [`SCHEMA`].
    pub fn create_sql(&self) -> String {
        let columns: Vec<String> = self
            .columns
            .iter()
            .map(|(name, ty)| format!("{name} {}", sqlite_type(*ty)))
            .collect();
        format!(
            "CREATE TABLE {SCHEMA}.{} ({})",
            self.name,
            columns.join(", ")
        )
    }

    /// Each row's fields as text, unescaped (None for NULL).
    pub fn text_rows(&self) -> impl Iterator<Item = Vec<Option<Cow<'static, str>>>> {
        self.lines().map(|line| {
            line.split('\t')
                .map(|field| (field != "\\N").then(|| unescape(field)))
                .collect()
        })
    }

    /// The INSERT statement with one `?` per column.
    pub fn insert_sql(&self) -> String {
        let marks = vec!["?"; self.columns.len()].join(", ");
        format!("INSERT INTO {SCHEMA}.{} VALUES ({marks})", self.name)
    }

    /// The rows in devdb's stored form.
    pub fn rows(&self) -> Result<Vec<Vec<Value>>, PgError> {
        self.lines()
            .map(|line| {
                let fields: Vec<&str> = line.split('\t').collect();
                if fields.len() != self.columns.len() {
                    return Err(PgError::internal(format!(
                        "built-in {} row has {} fields: {line}",
                        self.name,
                        fields.len()
                    )));
                }
                fields
                    .iter()
                    .zip(self.columns)
                    .map(|(field, (_, ty))| match *field {
                        "\\N" => Ok(Value::Null),
                        text => devdb_pg::value::decode_text(*ty, &unescape(text)),
                    })
                    .collect()
            })
            .collect()
    }
}

/// (OID, name, namespace OID) of each built-in pg_class row, as written in its file.
pub fn relations() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    first_fields("pg_class").filter_map(|f| Some((*f.first()?, *f.get(1)?, *f.get(2)?)))
}

/// (OID, name) of each built-in schema, as written in its file.
pub fn namespaces() -> impl Iterator<Item = (&'static str, &'static str)> {
    first_fields("pg_namespace").filter_map(|f| Some((*f.first()?, *f.get(1)?)))
}

/// The first three fields of each row of a built-in table (names and OIDs need no
/// unescaping).
fn first_fields(table: &str) -> impl Iterator<Item = Vec<&'static str>> {
    self::table(table)
        .into_iter()
        .flat_map(Builtin::lines)
        .map(|l| l.splitn(4, '\t').take(3).collect())
}

/// Undoes COPY's text-format escapes.
fn unescape(field: &str) -> Cow<'_, str> {
    if !field.contains('\\') {
        return Cow::Borrowed(field);
    }
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    Cow::Owned(out)
}

/// The SQLite column type for a PostgreSQL type's stored form.
pub fn sqlite_type(ty: PgType) -> &'static str {
    match ty.storage() {
        Storage::Integer => "INTEGER",
        Storage::Real => "REAL",
        Storage::Text => "TEXT",
        Storage::Blob => "BLOB",
    }
}

#[cfg(test)]
mod tests;
