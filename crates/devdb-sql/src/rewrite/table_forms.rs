//! CREATE TABLE forms that take their columns from elsewhere: `AS query` (the query's result
//! columns, filled with its rows) and `(LIKE table [INCLUDING DEFAULTS])` (the table's columns
//! with their NOT NULL, and their defaults when asked). Each becomes a plain CREATE TABLE with
//! written-out column definitions.

use devdb_pg::{PgError, PgType};
use sqlparser::ast::{
    CharacterLength, ColumnDef, ColumnOption, ColumnOptionDef, CreateTable, CreateTableLike,
    CreateTableLikeDefaults, CreateTableLikeKind, DataType, ExactNumberInfo, ObjectName,
};

use super::{Output, Translator};
use crate::types::Ty;
use crate::{Kind, make};

impl Translator<'_> {
    /// CREATE TABLE ... AS query, or with a LIKE clause.
    pub(super) fn create_table_from(&mut self, mut ct: CreateTable) -> Result<Output, PgError> {
        if let Some(like) = ct.like.take() {
            let (CreateTableLikeKind::Parenthesized(like) | CreateTableLikeKind::Plain(like)) =
                like;
            let mut columns = self.like_columns(&like)?;
            columns.append(&mut ct.columns);
            ct.columns = columns;
            return self.create_table(ct);
        }
        let Some(query) = ct.query.take() else {
            return self.create_table(ct);
        };
        if !ct.columns.is_empty() {
            return Err(PgError::feature_not_supported(
                "CREATE TABLE with a column list AS query",
            ));
        }
        let (query, cols) = self.query(*query)?;
        ct.columns = cols
            .iter()
            .map(|(name, ty)| column_def(name, self.declared(*ty), Vec::new()))
            .collect();
        let table = self.creation_key(&ct.name)?;
        let created = ct.if_not_exists && self.catalog.table(&table).is_some();
        let mut out = self.create_table(ct)?;
        if created {
            out.kind = Kind::Command("CREATE TABLE AS");
            return Ok(out);
        }
        let names: Vec<&str> = cols.iter().map(|(n, _)| n.as_str()).collect();
        // Last, so that the tag counts the rows it stored: `SELECT n` as PostgreSQL answers.
        let query = super::bpchar::stored_rows(query, &cols);
        out.sqlite
            .push(make::insert(&table, &names, Some(query), None).to_string());
        out.kind = Kind::Select;
        Ok(out)
    }

    /// The column definitions `LIKE table` copies.
    fn like_columns(&mut self, like: &CreateTableLike) -> Result<Vec<ColumnDef>, PgError> {
        let defaults = like.defaults == Some(CreateTableLikeDefaults::Including);
        let source = self.lookup_table(&like.name)?.clone();
        source
            .columns
            .iter()
            .map(|c| {
                let mut options = Vec::new();
                if c.not_null {
                    options.push(ColumnOption::NotNull);
                }
                if let Some(text) = c.default.as_deref().filter(|_| defaults) {
                    let e = crate::parse::expression(text).ok_or_else(|| {
                        PgError::internal(format!("bad default for column {}", c.name))
                    })?;
                    options.push(ColumnOption::Default(e));
                }
                let ty = Ty {
                    ty: c.ty,
                    typmod: c.typmod,
                    enum_oid: c.enum_oid,
                };
                Ok(column_def(&c.name, self.declared(ty), options))
            })
            .collect()
    }

    /// A type as CREATE TABLE would declare it, typmod included.
    fn declared(&self, ty: Ty) -> DataType {
        let custom = |name: &str| DataType::Custom(make::name(name), Vec::new());
        let length = |typmod: i32| {
            Some(CharacterLength::IntegerLength {
                length: (typmod - 4) as u64,
                unit: None,
            })
        };
        match ty.ty {
            PgType::AnyEnum => match ty.enum_oid.and_then(|oid| self.catalog.enum_by_oid(oid)) {
                Some(e) => DataType::Custom(
                    ObjectName::from(vec![
                        make::ident(&e.schema),
                        make::ident(crate::catalog::split(&e.name).1),
                    ]),
                    Vec::new(),
                ),
                None => custom("text"),
            },
            // An untyped literal's column is text, as in PostgreSQL.
            PgType::Unknown => DataType::Text,
            PgType::Varchar if ty.typmod >= 4 => DataType::Varchar(length(ty.typmod)),
            PgType::Bpchar if ty.typmod >= 4 => DataType::Char(length(ty.typmod)),
            PgType::Numeric if ty.typmod >= 4 => {
                let packed = ty.typmod - 4;
                // The scale is an 11-bit two's complement number below the precision.
                let scale = ((packed & 0x7ff) ^ 0x400) - 0x400;
                DataType::Numeric(ExactNumberInfo::PrecisionAndScale(
                    (packed >> 16) as u64,
                    scale.into(),
                ))
            }
            other => custom(other.name()),
        }
    }
}

fn column_def(name: &str, data_type: DataType, options: Vec<ColumnOption>) -> ColumnDef {
    ColumnDef {
        name: make::ident(name),
        data_type,
        options: options
            .into_iter()
            .map(|option| ColumnOptionDef { name: None, option })
            .collect(),
    }
}
