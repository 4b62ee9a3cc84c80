//! `COPY ... FROM STDIN` and `COPY ... TO STDOUT`: the statement becomes an INSERT of one row
//! (run by the executor for every row the client streams) or the query whose rows are written
//! out; the format options become a [`CopyFormat`].

use devdb_pg::copy::CopyFormat;
use devdb_pg::{PgError, SqlState};
use sqlparser::ast::{CopyOption, CopySource, CopyTarget, Ident, ObjectName};

use super::{Output, Translator, fold};
use crate::{CopyFrom, Kind, make};

impl Translator<'_> {
    pub fn copy(
        &mut self,
        source: CopySource,
        to: bool,
        target: CopyTarget,
        options: Vec<CopyOption>,
    ) -> Result<Output, PgError> {
        match (&target, to) {
            (CopyTarget::Stdin, false) | (CopyTarget::Stdout, true) => {}
            _ => {
                return Err(PgError::feature_not_supported(
                    "COPY to or from a file or program (use STDIN or STDOUT, as psql's \\copy does)",
                ));
            }
        }
        let format = copy_format(options)?;
        if to {
            let query = match source {
                CopySource::Query(query) => *query,
                CopySource::Table {
                    table_name,
                    columns,
                } => self.copy_table_query(&table_name, &columns)?,
            };
            let mut out = self.select_statement(query)?;
            out.kind = Kind::CopyTo(format);
            return Ok(out);
        }
        let CopySource::Table {
            table_name,
            columns,
        } = source
        else {
            return Err(PgError::syntax_error(
                "COPY FROM needs a table, not a query",
                None,
            ));
        };
        let table = self.lookup_table(&table_name)?;
        let names = self.copy_columns(&table_name, &columns)?;
        let name = table.name.clone();
        let placeholders = (1..=names.len()).map(make::parameter).collect();
        let columns: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut insert = make::insert_rows(&name, &columns, vec![placeholders]);
        if let sqlparser::ast::Statement::Insert(insert) = &mut insert {
            insert.table = sqlparser::ast::TableObject::TableName(qualified_name(&name));
        }
        // COPY writes the values it is given into identity columns, GENERATED ALWAYS too.
        let overriding = std::mem::replace(&mut self.overriding_system, true);
        let out = self.statement(insert);
        self.overriding_system = overriding;
        let mut out = out?;
        let types = std::mem::take(&mut self.params)
            .into_iter()
            .map(|t| t.unwrap_or(devdb_pg::PgType::Text))
            .collect();
        out.kind = Kind::CopyFrom(CopyFrom {
            table: name,
            format,
            columns: names,
            types,
        });
        Ok(out)
    }

    /// `SELECT columns FROM table` for `COPY table TO STDOUT`.
    fn copy_table_query(
        &self,
        table_name: &ObjectName,
        columns: &[Ident],
    ) -> Result<sqlparser::ast::Query, PgError> {
        let table = self.lookup_table(table_name)?.name.clone();
        let items = self
            .copy_columns(table_name, columns)?
            .iter()
            .map(|c| make::select_item(make::column(c), None))
            .collect();
        let mut from = make::table(&table, None);
        if let sqlparser::ast::TableFactor::Table { name, .. } = &mut from {
            *name = qualified_name(&table);
        }
        let select = make::select(items, vec![from], None);
        Ok(make::query(sqlparser::ast::SetExpr::Select(Box::new(
            select,
        ))))
    }

    /// The columns COPY names, or all of the table's in order; 42703 for an unknown one.
    /// Generated columns are left out of the default list and refused in a given one (42P10),
    /// as PostgreSQL 15 does both ways.
    fn copy_columns(
        &self,
        table_name: &ObjectName,
        columns: &[Ident],
    ) -> Result<Vec<String>, PgError> {
        let table = self.lookup_table(table_name)?;
        if columns.is_empty() {
            return Ok(table
                .columns
                .iter()
                .filter(|c| c.generated.is_none())
                .map(|c| c.name.clone())
                .collect());
        }
        columns
            .iter()
            .map(|ident| {
                let name = fold(ident);
                match table.columns.iter().find(|c| c.name == name) {
                    Some(c) if c.generated.is_some() => Err(PgError::new(
                        SqlState::INVALID_COLUMN_REFERENCE,
                        format!("column \"{name}\" is a generated column"),
                    )
                    .with_detail("Generated columns cannot be used in COPY.")),
                    Some(_) => Ok(name),
                    None => Err(PgError::undefined_column_of(&name, &table.name)),
                }
            })
            .collect()
    }
}

/// The format options (the parser turns the old `CSV HEADER` style into these too).
fn copy_format(options: Vec<CopyOption>) -> Result<CopyFormat, PgError> {
    let named = |name: &str| {
        options
            .iter()
            .any(|o| matches!(o, CopyOption::Format(f) if f.value.eq_ignore_ascii_case(name)))
    };
    let mut format = if named("csv") {
        CopyFormat::csv()
    } else if named("binary") {
        CopyFormat::binary()
    } else {
        CopyFormat::text()
    };
    let not_binary = |what: &str| {
        if format.binary {
            return Err(PgError::syntax_error(
                format!("cannot specify {what} in BINARY mode"),
                None,
            ));
        }
        Ok(())
    };
    let csv_only = |what: &str| {
        PgError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            format!("COPY {what} available only in CSV mode"),
        )
    };
    let mut quote = None;
    let mut escape = None;
    for option in options {
        match option {
            CopyOption::Format(f) => match f.value.to_lowercase().as_str() {
                "text" | "csv" | "binary" => {}
                other => {
                    return Err(PgError::new(
                        SqlState::INVALID_PARAMETER_VALUE,
                        format!("COPY format \"{other}\" not recognized"),
                    ));
                }
            },
            CopyOption::Delimiter(c) => {
                not_binary("DELIMITER")?;
                format.delimiter = c
            }
            CopyOption::Null(s) => {
                not_binary("NULL")?;
                format.null = s
            }
            CopyOption::Header(h) => {
                not_binary("HEADER")?;
                format.header = h
            }
            CopyOption::Quote(c) => quote = Some(c),
            CopyOption::Escape(c) => escape = Some(c),
            CopyOption::Freeze(_) | CopyOption::Encoding(_) => {}
            other => {
                return Err(PgError::feature_not_supported(format!(
                    "COPY option {other}"
                )));
            }
        }
    }
    if !format.csv {
        if quote.is_some() {
            return Err(csv_only("quote"));
        }
        if escape.is_some() {
            return Err(csv_only("escape"));
        }
    }
    if let Some(q) = quote {
        format.quote = q;
        format.escape = q;
    }
    if let Some(e) = escape {
        format.escape = e;
    }
    format.validate()?;
    Ok(format)
}

/// A table's name with its schema: the statement COPY becomes is resolved again, where the
/// search path may not reach the table (pg_dump and its scripts empty it and name every table
/// with its schema).
fn qualified_name(key: &str) -> ObjectName {
    let (schema, name) = crate::catalog::split(key);
    ObjectName::from(vec![make::ident(schema), make::ident(name)])
}
