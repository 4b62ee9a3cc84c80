//! CREATE DOMAIN and DROP DOMAIN, and columns declared with a domain.
//!
//! A domain is a row of `__devdb_domains`. A column of a domain has the domain's base type (as
//! RowDescription reports it in PostgreSQL), takes the domain's NOT NULL and, when it has none of
//! its own, its DEFAULT; the domain's CHECK becomes a SQLite CHECK on the column, under the
//! domain constraint's name, which the executor reports as PostgreSQL does
//! (`value for domain d violates check constraint "c"`).

use std::ops::ControlFlow;

use devdb_pg::{Oid, PgError, PgType, SqlState};
use sqlparser::ast::{DataType, DropBehavior, DropDomain, Expr, Statement, VisitorMut};

use super::ddl::{catalog_output, dependent_objects};
use super::{Output, Translator, fold};
use crate::catalog::{self, Column, Domain};
use crate::domain_syntax::CreateDomain;
use crate::make;

fn undefined_domain(name: &str) -> PgError {
    PgError::new(
        SqlState::UNDEFINED_OBJECT,
        format!("type \"{name}\" does not exist"),
    )
}

/// Replaces `VALUE` in a domain's CHECK with the column it guards.
struct ValueIs<'a>(&'a str);

impl VisitorMut for ValueIs<'_> {
    type Break = ();

    fn post_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
        if let Expr::Identifier(id) = e
            && id.quote_style.is_none()
            && id.value.eq_ignore_ascii_case("value")
        {
            *e = make::column(self.0);
        }
        ControlFlow::Continue(())
    }
}

impl Translator<'_> {
    /// The domain a (possibly schema-qualified) type name refers to, if any.
    pub fn domain_named(&self, dt: &DataType) -> Result<Option<&Domain>, PgError> {
        let DataType::Custom(name, modifiers) = dt else {
            return Ok(None);
        };
        if !modifiers.is_empty() || self.catalog.domains.is_empty() {
            return Ok(None);
        }
        // pg_catalog.text names a built-in type, never a domain.
        if let [schema, _] = super::name_parts(name)?.as_slice()
            && crate::system::is_system_schema(&fold(schema))
        {
            return Ok(None);
        }
        Ok(self.catalog.domain(&self.type_key(name)?))
    }

    /// A column of `table` declared with domain `dt`, after its own options: it takes the
    /// domain's NOT NULL and, when it has none, its DEFAULT. Returns the column's
    /// `__devdb_domain_columns` row, which records what the column declared itself, as
    /// pg_attribute and pg_attrdef report it.
    pub fn apply_domain(
        &self,
        table: &str,
        col: &mut Column,
        dt: &DataType,
    ) -> Result<Option<Statement>, PgError> {
        let Some(domain) = self.domain_named(dt)? else {
            return Ok(None);
        };
        let (own_not_null, own_default) = (col.not_null, col.default.is_some());
        col.domain = Some(domain.oid);
        col.not_null |= domain.not_null;
        if col.default.is_none() {
            col.default = domain.default.clone();
        }
        let (schema, table) = catalog::split(table);
        Ok(Some(make::insert_rows(
            catalog::DOMAIN_COLUMNS,
            &[
                "schema",
                "table_name",
                "name",
                "domain_oid",
                "own_not_null",
                "own_default",
            ],
            vec![vec![
                make::string(schema),
                make::string(table),
                make::string(&col.name),
                make::int(domain.oid.0.into()),
                make::int(own_not_null.into()),
                make::int(own_default.into()),
            ]],
        )))
    }

    /// The CHECK a domain puts on column `col`, as PostgreSQL SQL over that column, with the
    /// constraint's name.
    pub fn domain_check(&self, col: &Column) -> Result<Option<(String, Expr)>, PgError> {
        let Some((name, text)) = col
            .domain
            .and_then(|oid| self.catalog.domain_by_oid(oid))
            .and_then(|d| d.check.clone())
        else {
            return Ok(None);
        };
        let mut expr = crate::parse::expression(&text)
            .ok_or_else(|| PgError::internal(format!("bad domain check {name}")))?;
        let _ = sqlparser::ast::VisitMut::visit(&mut expr, &mut ValueIs(&col.name));
        Ok(Some((name, expr)))
    }

    pub fn create_domain(&mut self, domain: CreateDomain) -> Result<Output, PgError> {
        let CreateDomain {
            name,
            data_type,
            default,
            not_null,
            checks,
        } = domain;
        let key = self.creation_key(&name)?;
        let plain = catalog::split(&key).1.to_owned();
        if self.catalog.domain(&key).is_some()
            || self.catalog.enum_type(&key).is_some()
            || PgType::from_sql_name(&key).is_some()
        {
            return Err(PgError::new(
                SqlState::DUPLICATE_OBJECT,
                format!("type \"{plain}\" already exists"),
            ));
        }
        let declared = self.data_type(&data_type)?;
        if declared.serial
            || declared.ty.enum_oid.is_some()
            || self.domain_named(&data_type)?.is_some()
        {
            return Err(PgError::feature_not_supported(format!(
                "domains over {data_type}"
            )));
        }
        let check = match <[_; 1]>::try_from(checks) {
            Ok([(given, expr)]) => Some((
                given
                    .as_ref()
                    .map_or_else(|| format!("{plain}_check"), fold),
                expr,
            )),
            Err(checks) if checks.is_empty() => None,
            Err(_) => {
                return Err(PgError::feature_not_supported(
                    "domains with more than one CHECK",
                ));
            }
        };
        // Both must translate now, on a column of the base type, not at the first INSERT.
        let mut probe = Column {
            name: "value".into(),
            position: 1,
            ty: declared.ty.ty,
            enum_oid: None,
            typmod: declared.ty.typmod,
            not_null: false,
            default: default.as_ref().map(make::sql_text),
            pk_position: None,
            identity: None,
            domain: None,
            generated: None,
        };
        if probe.default.is_some() {
            self.default_value(&probe)?;
        }
        probe.default = None;
        if let Some((_, expr)) = &check {
            self.check_expr(&plain, std::slice::from_ref(&probe), expr)?;
        }
        let text = |e: Option<String>| e.as_deref().map_or_else(make::null, make::string);
        let (check_name, check_expr) = match check {
            Some((n, e)) => (Some(n), Some(make::sql_text(&e))),
            None => (None, None),
        };
        let oid = self.catalog.next_oid();
        let row = vec![
            make::int(oid.into()),
            make::string(catalog::split(&key).0),
            make::string(&plain),
            make::int(declared.ty.ty.oid().0.into()),
            make::int(declared.ty.typmod.into()),
            make::int(not_null.into()),
            text(default.as_ref().map(make::sql_text)),
            text(check_name),
            text(check_expr),
        ];
        Ok(catalog_output(
            "CREATE DOMAIN",
            vec![make::insert_rows(
                catalog::DOMAINS,
                &[
                    "oid",
                    "schema",
                    "name",
                    "base_oid",
                    "typmod",
                    "not_null",
                    "default_expr",
                    "check_name",
                    "check_expr",
                ],
                vec![row],
            )],
        ))
    }

    pub fn drop_domain(&mut self, drop: DropDomain) -> Result<Output, PgError> {
        let DropDomain {
            if_exists,
            name,
            drop_behavior,
        } = drop;
        let key = self.type_key(&name)?;
        if self.catalog.enum_type(&key).is_some() {
            return Err(PgError::new(
                SqlState::WRONG_OBJECT_TYPE,
                format!("\"{}\" is not a domain", catalog::split(&key).1),
            ));
        }
        let Some(domain) = self.catalog.domain(&key) else {
            if if_exists {
                self.notices
                    .push(super::type_does_not_exist_skipping(&super::written(&name)));
                return Ok(Output::new(crate::Kind::Command("DROP DOMAIN")));
            }
            return Err(undefined_domain(catalog::split(&key).1));
        };
        let oid: Oid = domain.oid;
        let user = self.catalog.tables.iter().find_map(|t| {
            t.columns
                .iter()
                .find(|c| c.domain == Some(oid))
                .map(|c| (t, c))
        });
        if let Some((table, column)) = user {
            if drop_behavior == Some(DropBehavior::Cascade) {
                return Err(PgError::feature_not_supported(
                    "DROP DOMAIN ... CASCADE of a domain a column uses",
                ));
            }
            let plain = catalog::split(&key).1;
            return Err(dependent_objects(
                &format!("type {plain}"),
                format!(
                    "column {} of table {} depends on type {plain}",
                    column.name,
                    catalog::split(&table.name).1
                ),
            ));
        }
        Ok(catalog_output(
            "DROP DOMAIN",
            vec![make::delete(
                catalog::DOMAINS,
                Some(make::eq(make::column("oid"), make::int(oid.0.into()))),
            )],
        ))
    }
}
