//! Transaction control and session statements: they map to a [`Kind`] and run no SQLite.

use devdb_pg::PgError;
use devdb_pg::value::zone;
use sqlparser::ast::{
    ContextModifier, DiscardObject, Expr, Interval, Reset, Set, Statement, TransactionAccessMode,
    TransactionIsolationLevel, TransactionMode as AstMode, Value,
};

use super::datetime::interval_constant;
use super::expr::string_literal;
use super::fold;
use crate::{Isolation, Kind, TransactionMode};

/// The Kind of a session statement, or None when `stmt` is not one.
pub fn kind(stmt: &Statement) -> Result<Option<Kind>, PgError> {
    Ok(Some(match stmt {
        Statement::StartTransaction {
            modes,
            begin,
            transaction: _,
            modifier: None,
            statements,
            exception: None,
            has_end_keyword: false,
        } if statements.is_empty() => Kind::Begin(
            transaction_mode(modes)?,
            if *begin { "BEGIN" } else { "START TRANSACTION" },
        ),
        Statement::Commit {
            chain: false,
            end: _,
            modifier: None,
        } => Kind::Commit,
        Statement::Rollback {
            chain: false,
            savepoint: None,
        } => Kind::Rollback,
        Statement::Rollback {
            chain: false,
            savepoint: Some(name),
        } => Kind::RollbackTo(fold(name)),
        Statement::Savepoint { name } => Kind::Savepoint(fold(name)),
        Statement::LISTEN { channel } => Kind::Listen(fold(channel)),
        Statement::UNLISTEN { channel }
            if channel.value == "*" && channel.quote_style.is_none() =>
        {
            Kind::Unlisten(None)
        }
        Statement::UNLISTEN { channel } => Kind::Unlisten(Some(fold(channel))),
        Statement::NOTIFY { channel, payload } => Kind::Notify {
            channel: fold(channel),
            payload: payload.clone().unwrap_or_default(),
        },
        Statement::ReleaseSavepoint { name } => Kind::Release(fold(name)),
        Statement::Set(set) => set_kind(set)?,
        Statement::ShowVariable { variable } => {
            let name = variable.iter().map(fold).collect::<Vec<_>>().join(" ");
            // PostgreSQL's grammar spells these settings in words (SQLAlchemy asks for the
            // isolation level this way on every new connection).
            Kind::Show(match name.as_str() {
                "time zone" => "timezone".into(),
                "transaction isolation level" => "transaction_isolation".into(),
                _ => name,
            })
        }
        Statement::Reset(r) => match &r.reset {
            Reset::ALL => Kind::Reset(None),
            Reset::ConfigurationParameter(name) => Kind::Reset(Some(setting_name(name))),
            Reset::SessionAuthorization => {
                return Err(PgError::feature_not_supported(
                    "RESET SESSION AUTHORIZATION",
                ));
            }
        },
        Statement::Discard { object_type } => match object_type {
            DiscardObject::ALL => Kind::Command("DISCARD ALL"),
            // devdb keeps no plans beyond its translations, which follow the catalog.
            DiscardObject::PLANS => Kind::Command("DISCARD PLANS"),
            DiscardObject::SEQUENCES => Kind::Command("DISCARD SEQUENCES"),
            DiscardObject::TEMP => Kind::Command("DISCARD TEMP"),
        },
        _ => return Ok(None),
    }))
}

fn set_kind(set: &Set) -> Result<Kind, PgError> {
    Ok(match set {
        Set::SingleAssignment {
            scope,
            hivevar: false,
            variable,
            values,
        } => {
            let local = match scope {
                None | Some(ContextModifier::Session) => false,
                Some(ContextModifier::Local) => true,
                Some(other) => return Err(PgError::feature_not_supported(format!("SET {other}"))),
            };
            let name = setting_name(variable);
            let value = setting_value(values, name == "search_path")?;
            Kind::Set { name, value, local }
        }
        Set::SetTimeZone { local, value } => Kind::Set {
            name: "timezone".into(),
            // SET TIME ZONE LOCAL means the default, as DEFAULT does.
            value: match value {
                Expr::Identifier(id)
                    if id.quote_style.is_none() && id.value.eq_ignore_ascii_case("local") =>
                {
                    None
                }
                Expr::Interval(iv) => Some(interval_zone(iv)?),
                other => setting_value(std::slice::from_ref(other), false)?,
            },
            local: *local,
        },
        Set::SetTransaction {
            modes,
            snapshot: None,
            session: false,
        } => Kind::SetTransaction(transaction_mode(modes)?),
        Set::SetNames {
            charset_name,
            collation_name: None,
        } => Kind::Set {
            name: "client_encoding".into(),
            value: Some(charset_name.value.clone()),
            local: false,
        },
        other => return Err(PgError::feature_not_supported(format!("{other}"))),
    })
}

/// `SET TIME ZONE INTERVAL '+05:30' HOUR TO MINUTE`: a fixed offset east of UTC.
fn interval_zone(iv: &Interval) -> Result<String, PgError> {
    let Some(text) = string_literal(&iv.value) else {
        return Err(PgError::feature_not_supported(
            "SET TIME ZONE with an interval expression",
        ));
    };
    let last = iv.last_field.as_ref().or(iv.leading_field.as_ref());
    zone::interval_zone_setting(interval_constant(&text, last)?)
}

fn setting_name(name: &sqlparser::ast::ObjectName) -> String {
    name.0
        .iter()
        .map(|p| match p.as_ident() {
            Some(id) => fold(id),
            None => p.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// The value as SHOW would print it back; None for DEFAULT. The elements of a list of names
/// (`list_quote`: search_path) are quoted as identifiers where they need it, as PostgreSQL does.
fn setting_value(values: &[Expr], list_quote: bool) -> Result<Option<String>, PgError> {
    let mut parts = Vec::new();
    for v in values {
        parts.push(match v {
            Expr::Identifier(id)
                if id.quote_style.is_none() && id.value.eq_ignore_ascii_case("default") =>
            {
                if values.len() == 1 {
                    return Ok(None);
                }
                return Err(PgError::syntax_error(
                    "syntax error at or near \"DEFAULT\"",
                    None,
                ));
            }
            Expr::Value(v) if matches!(v.value, Value::Boolean(_)) => {
                if v.value == Value::Boolean(true) {
                    "on"
                } else {
                    "off"
                }
                .to_owned()
            }
            Expr::CompoundIdentifier(ids) => ids.iter().map(fold).collect::<Vec<_>>().join("."),
            other => super::option_text(other)
                .ok_or_else(|| PgError::feature_not_supported(format!("SET value {other}")))?,
        });
        if list_quote && let Some(last) = parts.last_mut() {
            *last = crate::system::functions::quote_ident(last);
        }
    }
    Ok(Some(parts.join(", ")))
}

fn transaction_mode(modes: &[AstMode]) -> Result<TransactionMode, PgError> {
    let mut out = TransactionMode::default();
    for m in modes {
        match m {
            AstMode::IsolationLevel(level) => {
                out.isolation = Some(match level {
                    TransactionIsolationLevel::ReadUncommitted => Isolation::ReadUncommitted,
                    TransactionIsolationLevel::ReadCommitted => Isolation::ReadCommitted,
                    TransactionIsolationLevel::RepeatableRead => Isolation::RepeatableRead,
                    TransactionIsolationLevel::Serializable => Isolation::Serializable,
                    other => {
                        return Err(PgError::feature_not_supported(format!(
                            "ISOLATION LEVEL {other}"
                        )));
                    }
                })
            }
            AstMode::AccessMode(TransactionAccessMode::ReadOnly) => out.read_only = Some(true),
            AstMode::AccessMode(TransactionAccessMode::ReadWrite) => out.read_only = Some(false),
        }
    }
    Ok(out)
}
