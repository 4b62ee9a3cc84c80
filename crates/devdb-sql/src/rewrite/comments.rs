//! COMMENT ON: descriptions kept in `__devdb_comments` (for pg_description and
//! obj_description/col_description), after checking the object exists as PostgreSQL does.

use devdb_pg::{PgError, SqlState};
use sqlparser::ast::{CommentObject, ObjectName};

use super::ddl::catalog_output;
use super::{Output, Translator, fold};
use crate::catalog;
use crate::make;

impl Translator<'_> {
    pub fn comment(
        &mut self,
        object_type: CommentObject,
        object_name: ObjectName,
        comment: Option<String>,
    ) -> Result<Output, PgError> {
        // (kind, key, column) of the described object.
        let (kind, key, column) = match object_type {
            CommentObject::Table => ("table", self.lookup_table(&object_name)?.name.clone(), ""),
            CommentObject::Column => {
                let Some((column, table)) =
                    object_name.0.split_last().filter(|(_, t)| !t.is_empty())
                else {
                    return Err(PgError::syntax_error("column name must be qualified", None));
                };
                let table = self.lookup_table(&ObjectName(table.to_vec()))?;
                let column = match column.as_ident() {
                    Some(id) => fold(id),
                    None => {
                        return Err(PgError::feature_not_supported(format!(
                            "COMMENT ON COLUMN {object_name}"
                        )));
                    }
                };
                if table.column(&column).is_none() {
                    return Err(PgError::undefined_column_of(
                        &column,
                        catalog::split(&table.name).1,
                    ));
                }
                return self.describe("column", &table.name.clone(), &column, comment);
            }
            CommentObject::Index => {
                let key = self.relation_key(&object_name)?;
                if self.catalog.index(&key).is_none() {
                    return Err(PgError::undefined_table(&object_name.to_string()));
                }
                ("index", key, "")
            }
            CommentObject::Sequence => {
                let key = self.relation_key(&object_name)?;
                if !self.catalog.sequences.contains(&key) {
                    return Err(PgError::undefined_table(&object_name.to_string()));
                }
                ("sequence", key, "")
            }
            CommentObject::Type => {
                let key = self.type_key(&object_name)?;
                if self.catalog.enum_type(&key).is_none() {
                    return Err(crate::types::undefined_type(&object_name.to_string()));
                }
                ("type", key, "")
            }
            CommentObject::Schema => {
                let name = object_name.to_string();
                let name = match object_name.0.as_slice() {
                    [part] => part.as_ident().map(fold).unwrap_or(name),
                    _ => name,
                };
                if self.catalog.schema(&name).is_none() {
                    return Err(PgError::new(
                        SqlState::INVALID_SCHEMA_NAME,
                        format!("schema \"{name}\" does not exist"),
                    ));
                }
                // A schema's key is `schema.` nothing: keep its name in the schema column.
                return self.describe_in("schema", &name, "", "", comment);
            }
            CommentObject::Extension => {
                let name = match object_name.0.as_slice() {
                    [part] => part.as_ident().map(fold),
                    _ => None,
                };
                let Some(name) = name
                    .filter(|n| n == "plpgsql" || self.catalog.extensions.iter().any(|e| e == n))
                else {
                    return Err(PgError::new(
                        SqlState::UNDEFINED_OBJECT,
                        format!("extension \"{object_name}\" does not exist"),
                    ));
                };
                return self.describe_in("extension", "", &name, "", comment);
            }
            other => {
                return Err(PgError::feature_not_supported(format!(
                    "COMMENT ON {other}"
                )));
            }
        };
        self.describe(kind, &key, column, comment)
    }

    fn describe(
        &self,
        kind: &str,
        key: &str,
        column: &str,
        comment: Option<String>,
    ) -> Result<Output, PgError> {
        let (schema, name) = catalog::split(key);
        self.describe_in(kind, schema, name, column, comment)
    }

    /// Replaces the description of one object (none when `comment` is NULL).
    fn describe_in(
        &self,
        kind: &str,
        schema: &str,
        name: &str,
        column: &str,
        comment: Option<String>,
    ) -> Result<Output, PgError> {
        let mut sqlite = vec![make::delete(
            catalog::COMMENTS,
            [
                ("kind", kind),
                ("schema", schema),
                ("name", name),
                ("column_name", column),
            ]
            .into_iter()
            .map(|(c, v)| make::eq(make::column(c), make::string(v)))
            .reduce(make::and),
        )];
        if let Some(text) = comment {
            sqlite.push(make::insert_rows(
                catalog::COMMENTS,
                &["kind", "schema", "name", "column_name", "description"],
                vec![vec![
                    make::string(kind),
                    make::string(schema),
                    make::string(name),
                    make::string(column),
                    make::string(&text),
                ]],
            ));
        }
        Ok(catalog_output("COMMENT", sqlite))
    }
}
