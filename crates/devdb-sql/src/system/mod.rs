//! PostgreSQL's system catalogs (pg_catalog, information_schema) as devdb answers them.
//!
//! Each relation is a SQLite TEMP view that the executor creates on a connection before the
//! first statement that reads one ([`setup_sql`], [`reads_views`]): it reads devdb's own catalog tables (`__devdb_*`, see `catalog`), so it is
//! never stale after DDL, the built-in rows PostgreSQL ships ([`builtin`], attached under
//! [`builtin::SCHEMA`]), and for live server state the executor's `devdb_*` functions.
//! The translator resolves a catalog name to [`Relation`] (as PostgreSQL's search path would)
//! and reads its view with the PostgreSQL column types declared here, so RowDescription
//! carries PostgreSQL's type OIDs.

pub use devdb_builtins as builtin;
pub(crate) mod acl;
pub(crate) mod check_display;
pub(crate) mod encoding;
pub(crate) mod functions;
mod information_schema;
mod pg_catalog;
pub(crate) mod view_display;

use std::collections::HashMap;
use std::sync::LazyLock;

pub use devdb_builtins::Columns;

/// A system relation.
pub struct Relation {
    pub schema: &'static str,
    pub name: &'static str,
    pub columns: Columns,
    /// Extra view columns after the declared ones, read only by translated function calls
    /// (pg_get_indexdef, pg_get_constraintdef): clients never see them.
    pub hidden: &'static [&'static str],
    /// The SELECT whose rows the view holds, in column order; empty for a relation without rows.
    body: &'static str,
}

impl Relation {
    const fn new(
        schema: &'static str,
        name: &'static str,
        columns: Columns,
        body: &'static str,
    ) -> Relation {
        Relation {
            schema,
            name,
            columns,
            hidden: &[],
            body,
        }
    }

    /// A relation that never has rows: catalogs of objects devdb does not have.
    pub(crate) const fn empty(
        schema: &'static str,
        name: &'static str,
        columns: Columns,
    ) -> Relation {
        Relation::new(schema, name, columns, "")
    }

    /// The SQLite view that holds it: `__pg_class`, `__information_schema_tables`.
    pub fn view(&self) -> String {
        match self.schema {
            "pg_catalog" => format!("__{}", self.name),
            schema => format!("__{schema}_{}", self.name),
        }
    }

    fn create_sql(&self) -> String {
        let names: Vec<&str> = self
            .columns
            .iter()
            .map(|(n, _)| *n)
            .chain(self.hidden.iter().copied())
            .collect();
        let body = match self.body {
            "" => format!("SELECT {} WHERE 0", vec!["NULL"; names.len()].join(", ")),
            body => body.to_owned(),
        };
        format!(
            "CREATE TEMP VIEW IF NOT EXISTS {}({}) AS {body}",
            self.view(),
            names.join(", "),
        )
    }
}

/// The system relation a name means: `schema` as written (already case-folded), or None for
/// an unqualified name, which finds pg_catalog's relations first as PostgreSQL's search path
/// does (information_schema is not on the path).
pub fn find(schema: Option<&str>, name: &str) -> Option<&'static Relation> {
    let schema = schema.unwrap_or("pg_catalog");
    pg_catalog::RELATIONS
        .iter()
        .chain(information_schema::RELATIONS)
        .find(|r| r.schema == schema && r.name == name)
}

/// The OID PostgreSQL gives a system relation (pg_class 1259, ...): what its rows' system
/// column `tableoid` holds. None for one PostgreSQL does not have in pg_class.
pub fn table_oid(rel: &Relation) -> Option<i64> {
    builtin_relation_oid(rel.schema, rel.name)
}

/// The OID of the table or view `schema.name` of pg_catalog or information_schema, from the
/// built-in pg_class rows (which list some devdb has no [`Relation`] for: pg_largeobject, ...).
pub fn builtin_relation_oid(schema: &str, name: &str) -> Option<i64> {
    static OIDS: LazyLock<HashMap<(String, String), i64>> = LazyLock::new(|| {
        let namespaces: HashMap<&str, &str> = builtin::namespaces().collect();
        builtin::relations()
            .filter_map(|(oid, name, namespace)| {
                let schema = namespaces.get(namespace)?;
                Some((((*schema).to_owned(), name.to_owned()), oid.parse().ok()?))
            })
            .collect()
    });
    OIDS.get(&(schema.to_owned(), name.to_owned())).copied()
}

/// True for the schemas whose relations are all system relations.
pub fn is_system_schema(schema: &str) -> bool {
    schema == "pg_catalog" || schema == "information_schema"
}

/// A view [`setup_sql`] creates: its presence on a connection means all of them are there.
pub const PRESENCE_VIEW: &str = "__pg_class";

/// True when SQLite text reads the catalog views. Every view and helper view is named `__pg_*`
/// or `__information_schema_*`, so no statement that reads one escapes this test; a false
/// positive (a string literal spelling such a name) only creates the views a little early.
pub fn reads_views(sqlite: &str) -> bool {
    sqlite.contains("__pg_") || sqlite.contains("__information_schema_")
}

/// The SQLite statements that create the views, in order; a connection runs them before its
/// first statement that [`reads_views`].
pub fn setup_sql() -> Vec<String> {
    let helpers = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let mut all = helpers(pg_catalog::HELPERS);
    all.extend(pg_catalog::RELATIONS.iter().map(Relation::create_sql));
    all.extend(helpers(information_schema::HELPERS));
    all.extend(
        information_schema::RELATIONS
            .iter()
            .map(Relation::create_sql),
    );
    all
}

#[cfg(test)]
mod tests;
