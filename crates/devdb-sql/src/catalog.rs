//! The PostgreSQL catalog devdb keeps inside each SQLite database file, in tables of its own,
//! so declared types, defaults and sequences survive restarts.
//!
//! DDL translated by this crate writes these tables in the same SQLite transaction as the
//! SQLite DDL itself, so a rolled-back CREATE TABLE leaves no trace. The executor runs
//! [`BOOTSTRAP_SQL`] when it opens a database and rebuilds a [`Catalog`] with [`LOAD_SQL`] and
//! [`Catalog::load`] whenever a statement reports `changes_catalog`.

use devdb_pg::{Oid, PgError, PgType, Value};

use crate::types::Ty;

/// The schema every object lives in until devdb supports CREATE SCHEMA.
pub const DEFAULT_SCHEMA: &str = "public";

/// The catalog tables.
pub(crate) const TABLES: &str = "__devdb_tables";
pub(crate) const COLUMNS: &str = "__devdb_columns";
pub(crate) const INDEXES: &str = "__devdb_indexes";
pub(crate) const SEQUENCES: &str = "__devdb_sequences";
pub(crate) const SEQUENCE_OWNERS: &str = "__devdb_sequence_owners";

/// SQLite statements that create devdb's catalog tables in a new database file; idempotent.
///
/// `__devdb_sequences` has a fixed shape: the executor implements nextval/currval/setval on it.
/// `pk_position` is the 1-based place of a column in its table's primary key, NULL when the
/// column is not part of it.
pub const BOOTSTRAP_SQL: &str = "\
CREATE TABLE IF NOT EXISTS __devdb_tables (schema TEXT NOT NULL DEFAULT 'public', name TEXT NOT NULL, PRIMARY KEY (schema, name));
CREATE TABLE IF NOT EXISTS __devdb_columns (schema TEXT NOT NULL DEFAULT 'public', table_name TEXT NOT NULL, name TEXT NOT NULL, position INTEGER NOT NULL, type_oid INTEGER NOT NULL, typmod INTEGER NOT NULL DEFAULT -1, not_null INTEGER NOT NULL DEFAULT 0, default_expr TEXT, pk_position INTEGER, PRIMARY KEY (schema, table_name, name));
CREATE TABLE IF NOT EXISTS __devdb_indexes (schema TEXT NOT NULL DEFAULT 'public', name TEXT NOT NULL, table_name TEXT NOT NULL, is_unique INTEGER NOT NULL DEFAULT 0, is_primary INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (schema, name));
CREATE TABLE IF NOT EXISTS __devdb_sequences (name TEXT PRIMARY KEY, last_value INTEGER NOT NULL, increment_by INTEGER NOT NULL DEFAULT 1, min_value INTEGER NOT NULL DEFAULT 1, max_value INTEGER NOT NULL DEFAULT 9223372036854775807, start_value INTEGER NOT NULL DEFAULT 1, is_called INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS __devdb_sequence_owners (name TEXT PRIMARY KEY, schema TEXT NOT NULL DEFAULT 'public', table_name TEXT NOT NULL, column_name TEXT NOT NULL);
";

/// The queries whose rows [`Catalog::load`] reads, in this order.
pub const LOAD_SQL: &[&str] = &[
    "SELECT schema, name FROM __devdb_tables ORDER BY schema, name",
    "SELECT schema, table_name, name, position, type_oid, typmod, not_null, default_expr, pk_position \
     FROM __devdb_columns ORDER BY schema, table_name, position",
    "SELECT schema, name, table_name, is_unique, is_primary FROM __devdb_indexes ORDER BY schema, name",
    "SELECT name FROM __devdb_sequences ORDER BY name",
];

/// The catalog as it stands in one database at one moment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Catalog {
    pub tables: Vec<Table>,
    pub indexes: Vec<Index>,
    pub sequences: Vec<String>,
}

/// A table and its columns in declaration order.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub schema: String,
    pub name: String,
    pub columns: Vec<Column>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub name: String,
    /// 1-based, as pg_attribute.attnum.
    pub position: i32,
    pub ty: PgType,
    /// varchar(n): n + 4; numeric(p,s): ((p << 16) | s) + 4; -1 when none.
    pub typmod: i32,
    pub not_null: bool,
    /// The DEFAULT expression as PostgreSQL SQL text.
    pub default: Option<String>,
    /// 1-based place in the primary key.
    pub pk_position: Option<i32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Index {
    pub schema: String,
    pub name: String,
    pub table: String,
    pub unique: bool,
    pub primary: bool,
}

impl Column {
    pub(crate) fn ty(&self) -> Ty {
        Ty::with_typmod(self.ty, self.typmod)
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
    /// Finds a table in `public` by its (already case-folded) name.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables
            .iter()
            .find(|t| t.name == name && t.schema == DEFAULT_SCHEMA)
    }

    pub fn index(&self, name: &str) -> Option<&Index> {
        self.indexes
            .iter()
            .find(|i| i.name == name && i.schema == DEFAULT_SCHEMA)
    }

    /// Rebuilds the catalog from the rows of each [`LOAD_SQL`] query (`results[i]` for query i).
    pub fn load(results: Vec<Vec<Vec<Value>>>) -> Result<Catalog, PgError> {
        let mut sets = results.into_iter();
        let mut next = || sets.next().unwrap_or_default();
        let (table_rows, column_rows, index_rows, sequence_rows) = (next(), next(), next(), next());
        let mut catalog = Catalog::default();
        for row in table_rows {
            let mut r = Row::new(row);
            catalog.tables.push(Table {
                schema: r.text()?,
                name: r.text()?,
                columns: Vec::new(),
            });
        }
        for row in column_rows {
            let mut r = Row::new(row);
            let (schema, table) = (r.text()?, r.text()?);
            let name = r.text()?;
            let position = r.int()? as i32;
            let oid = r.int()?;
            let ty = u32::try_from(oid)
                .ok()
                .and_then(|o| PgType::from_oid(Oid(o)))
                .ok_or_else(|| corrupt(&format!("unknown type oid {oid}")))?;
            let column = Column {
                name,
                position,
                ty,
                typmod: r.int()? as i32,
                not_null: r.int()? != 0,
                default: r.opt_text()?,
                pk_position: r.opt_int()?.map(|p| p as i32),
            };
            let owner = catalog
                .tables
                .iter_mut()
                .find(|t| t.schema == schema && t.name == table)
                .ok_or_else(|| {
                    corrupt(&format!("column {} of missing table {table}", column.name))
                })?;
            owner.columns.push(column);
        }
        for row in index_rows {
            let mut r = Row::new(row);
            catalog.indexes.push(Index {
                schema: r.text()?,
                name: r.text()?,
                table: r.text()?,
                unique: r.int()? != 0,
                primary: r.int()? != 0,
            });
        }
        for row in sequence_rows {
            catalog.sequences.push(Row::new(row).text()?);
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
}
