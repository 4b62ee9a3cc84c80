//! CREATE SCHEMA and DROP SCHEMA. A schema is a row of `__devdb_schemas`; its tables,
//! indexes and types go by their keys (`schema.name`, see `catalog::key`) in SQLite.

use devdb_pg::{PgError, PgType, SqlState};
use sqlparser::ast::{DataType, Expr, ObjectName, ObjectNamePart, ObjectType, SchemaName};

use super::ddl::{catalog_output, dependent_objects};
use super::{Output, Translator, fold};
use crate::catalog::{self, DEFAULT_SCHEMA};
use crate::{Kind, make};

fn undefined_schema(name: &str) -> PgError {
    PgError::new(
        SqlState::INVALID_SCHEMA_NAME,
        format!("schema \"{name}\" does not exist"),
    )
}

/// The one case-folded name of a schema, which may not be qualified.
fn schema_name(name: &ObjectName) -> Result<String, PgError> {
    match name.0.as_slice() {
        [ObjectNamePart::Identifier(id)] => {
            let name = fold(id);
            if name.contains('.') {
                return Err(PgError::feature_not_supported(format!(
                    "schema name \"{name}\" containing a dot"
                )));
            }
            Ok(name)
        }
        _ => Err(PgError::syntax_error(
            format!("improper qualified name (too many dotted names): {name}"),
            None,
        )),
    }
}

/// `schema.name` as a qualified name, for the DROP statements CASCADE runs.
pub(super) fn qualified(key: &str) -> ObjectName {
    let (schema, name) = catalog::split(key);
    ObjectName::from(vec![make::ident(schema), make::ident(name)])
}

impl Translator<'_> {
    pub fn create_schema(
        &mut self,
        name: SchemaName,
        if_not_exists: bool,
    ) -> Result<Output, PgError> {
        let name = match name {
            SchemaName::Simple(n) | SchemaName::NamedAuthorization(n, _) => schema_name(&n)?,
            SchemaName::UnnamedAuthorization(_) => {
                return Err(PgError::feature_not_supported(
                    "CREATE SCHEMA AUTHORIZATION without a name",
                ));
            }
        };
        if self.catalog.schema(&name).is_some()
            || name == "pg_catalog"
            || name == "information_schema"
        {
            if if_not_exists {
                self.notices.push(PgError::skipping(
                    SqlState::DUPLICATE_SCHEMA,
                    format!("schema \"{name}\" already exists, skipping"),
                ));
                return Ok(Output::new(Kind::Command("CREATE SCHEMA")));
            }
            return Err(PgError::new(
                SqlState::DUPLICATE_SCHEMA,
                format!("schema \"{name}\" already exists"),
            ));
        }
        if name.starts_with("pg_") {
            return Err(PgError::new(
                SqlState::RESERVED_NAME,
                format!("unacceptable schema name \"{name}\""),
            )
            .with_detail("The prefix \"pg_\" is reserved for system schemas."));
        }
        let row = make::insert_rows(
            catalog::SCHEMAS,
            &["oid", "name"],
            vec![vec![
                make::int(self.catalog.next_oid().into()),
                make::string(&name),
            ]],
        );
        Ok(catalog_output("CREATE SCHEMA", vec![row]))
    }

    /// DROP SCHEMA: RESTRICT refuses a schema with objects in it (2BP01); CASCADE drops its
    /// tables and types as DROP TABLE/TYPE ... CASCADE would.
    pub fn drop_schemas(
        &mut self,
        names: &[ObjectName],
        if_exists: bool,
        cascade: bool,
    ) -> Result<Output, PgError> {
        let mut schemas = Vec::new();
        for n in names {
            let name = schema_name(n)?;
            if self.catalog.schema(&name).is_none() {
                if if_exists {
                    self.notices.push(PgError::notice(format!(
                        "schema \"{name}\" does not exist, skipping"
                    )));
                    continue;
                }
                return Err(undefined_schema(&name));
            }
            if name == DEFAULT_SCHEMA {
                return Err(PgError::feature_not_supported("DROP SCHEMA public"));
            }
            schemas.push(name);
        }
        let in_schemas = |schema: &str| schemas.iter().any(|s| s == schema);
        let table_keys: Vec<String> = self
            .catalog
            .tables
            .iter()
            .filter(|t| in_schemas(&t.schema))
            .map(|t| t.name.clone())
            .collect();
        let type_keys: Vec<String> = self
            .catalog
            .enums
            .iter()
            .filter(|e| in_schemas(&e.schema))
            .map(|e| e.name.clone())
            .collect();
        let view_keys: Vec<String> = self
            .catalog
            .views
            .iter()
            .filter(|v| in_schemas(&v.schema))
            .map(|v| v.name.clone())
            .collect();
        let tables: Vec<ObjectName> = table_keys.iter().map(|k| qualified(k)).collect();
        let types: Vec<DataType> = type_keys
            .iter()
            .map(|k| DataType::Custom(qualified(k), vec![]))
            .collect();
        if !cascade
            && let Some(first) = table_keys
                .first()
                .or(view_keys.first())
                .or(type_keys.first())
        {
            let schema = &schemas[0];
            let kind = if !table_keys.is_empty() {
                "table"
            } else if let Some(view) = view_keys.first().and_then(|k| self.catalog.view(k)) {
                view.kind()
            } else {
                "type"
            };
            return Err(dependent_objects(
                &format!("schema {schema}"),
                format!("{kind} {first} depends on schema {schema}"),
            ));
        }
        // One NOTICE names what goes with the schemas, as PostgreSQL's does (the drops below
        // would each name only their own cascades).
        let dropped: Vec<String> = type_keys
            .iter()
            .map(|k| format!("drop cascades to type {}", dotted(k)))
            .chain(
                table_keys
                    .iter()
                    .map(|k| format!("drop cascades to table {}", dotted(k))),
            )
            .chain(view_keys.iter().filter_map(|k| {
                let kind = self.catalog.view(k)?.kind();
                Some(format!("drop cascades to {kind} {}", dotted(k)))
            }))
            .collect();
        let notices_before = self.notices.len();
        let mut sqlite = Vec::new();
        if !view_keys.is_empty() {
            sqlite.extend(self.drop_view_keys(view_keys.clone(), true)?.sqlite);
        }
        if !tables.is_empty() {
            sqlite.extend(self.drop(ObjectType::Table, false, tables, true)?.sqlite);
        }
        if !types.is_empty() {
            sqlite.extend(self.drop_types(&types, false, true, &table_keys)?.sqlite);
        }
        self.notices.truncate(notices_before);
        self.cascade_notice(&dropped);
        let mut out = catalog_output(
            "DROP SCHEMA",
            schemas
                .iter()
                .map(|s| {
                    make::delete(
                        catalog::SCHEMAS,
                        Some(make::eq(make::column("name"), make::string(s))),
                    )
                })
                .collect(),
        );
        sqlite.append(&mut out.sqlite);
        out.sqlite = sqlite;
        Ok(out)
    }
}

/// pg_namespace.oid of pg_catalog.
const PG_CATALOG_OID: u32 = 11;

impl Translator<'_> {
    /// current_schema(): the first existing schema the search path names, NULL when none.
    pub fn current_schema(&self) -> Expr {
        self.path
            .explicit
            .first()
            .map_or_else(make::null, |s| make::string(s))
    }

    /// current_schemas(implicit): the path's existing schemas, with pg_catalog and the
    /// temporary schema where the path implies them when `implicit` is true.
    pub fn current_schemas(&self, implicit: Expr) -> Expr {
        let array = |schemas: &[String]| {
            let mut items = vec![make::int(PgType::Name.oid().0.into())];
            items.extend(schemas.iter().map(|s| make::string(s)));
            make::call("pg_array_make", items)
        };
        make::case(
            implicit,
            vec![
                (make::int(1), array(&self.path.implicit)),
                (make::int(0), array(&self.path.explicit)),
            ],
        )
    }

    /// `column IN (...)`: the namespace OIDs on the search path (pg_table_is_visible).
    pub fn visible(&self, column: &str) -> Expr {
        let oids = self.path.implicit.iter().filter_map(|s| match s.as_str() {
            "pg_catalog" => Some(PG_CATALOG_OID),
            s => self.catalog.schema(s).map(|s| s.oid.0),
        });
        Expr::InList {
            expr: Box::new(make::column(column)),
            list: oids.map(|oid| make::int(oid.into())).collect(),
            negated: false,
        }
    }

    /// Whether the search path reaches `public`: catalog functions print what is there without
    /// its schema then, and with it otherwise (pg_dump empties the path).
    pub fn public_visible(&self) -> bool {
        self.path.implicit.iter().any(|s| s == "public")
    }

    /// pg_my_temp_schema(): the OID of the session's temporary schema, 0 when it has none.
    pub fn temp_schema_oid(&self) -> u32 {
        match self.path.temp_exists {
            true => self.catalog.schema(&self.path.temp).map_or(0, |s| s.oid.0),
            false => 0,
        }
    }
}

/// `schema.name` of a catalog key, as NOTICEs name objects.
fn dotted(key: &str) -> String {
    let (schema, name) = catalog::split(key);
    format!("{schema}.{name}")
}
