//! PREPARE, EXECUTE and DEALLOCATE over the session's prepared statements, the same ones the
//! extended protocol's Parse names (one namespace, as in PostgreSQL): they belong to the
//! session, outlive its transactions and are listed by pg_prepared_statements.

use std::sync::Arc;

use devdb_pg::{PgError, SqlState};
use devdb_sql::{Execute, Kind, Prepare, Translated};

use super::cursors::Rows;
use super::statement::{Delivery, search_path};
use super::{Engine, Stop};
use crate::functions::now_micros;
use crate::session::{Prepared, Session};
use crate::{SessionId, Sink};

impl Engine {
    pub(super) fn prepare(
        &mut self,
        id: SessionId,
        session: &mut Session,
        prepare: &Prepare,
        sink: &mut dyn Sink,
    ) -> Result<(), Stop> {
        if session.statements.contains_key(&prepare.name) {
            return Err(PgError::duplicate_prepared_statement(&prepare.name).into());
        }
        let path = search_path(id, session, &self.catalog_for(id));
        session.statements.insert(
            prepare.name.clone(),
            Prepared {
                sql: prepare.text.clone(),
                param_hints: prepare.hints.clone(),
                statement: Some(Arc::new(prepare.statement.clone())),
                generation: self.generation,
                path,
                source: Some(prepare.source.clone()),
                prepared_at: now_micros(),
            },
        );
        sink.command_complete("PREPARE");
        Ok(())
    }

    /// EXECUTE: its arguments evaluated and converted to the parameter types, then the
    /// statement run with them, answering with its rows and command tag.
    pub(super) fn execute_prepared(
        &mut self,
        id: SessionId,
        session: &mut Session,
        execute: &Execute,
        delivery: Delivery<'_>,
        sink: &mut dyn Sink,
    ) -> Result<(), Stop> {
        let name = named(&execute.name)?;
        self.refresh_statement(id, session, name)?;
        let Some(statement) = session
            .statements
            .get(name)
            .and_then(|p| p.statement.clone())
        else {
            sink.empty_query();
            return Ok(());
        };
        if matches!(statement.kind, Kind::Execute(_)) {
            return Err(PgError::feature_not_supported("EXECUTE of a prepared EXECUTE").into());
        }
        // Described when the name was looked up, by a Parse of this EXECUTE.
        if execute
            .statement
            .as_ref()
            .is_some_and(|described| described.columns != statement.columns)
        {
            return Err(
                PgError::feature_not_supported("cached plan must not change result type").into(),
            );
        }
        let expected = statement.params.len();
        // PostgreSQL neither counts nor evaluates the arguments of a statement without
        // parameters.
        if expected > 0 && execute.arguments.len() != expected {
            return Err(PgError::new(
                SqlState::SYNTAX_ERROR,
                format!("wrong number of parameters for prepared statement \"{name}\""),
            )
            .with_detail(format!(
                "Expected {expected} parameters but got {}.",
                execute.arguments.len()
            ))
            .into());
        }
        let values = match expected {
            0 => Vec::new(),
            _ => self.arguments(id, session, execute, &statement, sink)?,
        };
        let delivery = Delivery {
            params: &values,
            ..delivery
        };
        self.run_statement(id, session, &statement, delivery, sink)
    }

    /// The values of EXECUTE's arguments, as the parameters of `statement`.
    fn arguments(
        &mut self,
        id: SessionId,
        session: &mut Session,
        execute: &Execute,
        statement: &Translated,
        sink: &mut dyn Sink,
    ) -> Result<Vec<devdb_pg::Value>, Stop> {
        let catalog = self.catalog_for(id);
        let path = search_path(id, session, &catalog);
        let mut query =
            devdb_sql::execute_arguments(&execute.arguments, &statement.params, &catalog, &path)?;
        // A statement that writes takes the writer before its arguments run, so that it never
        // waits for it (and runs them again) after they did.
        query.writes |= statement.writes;
        let Rows(rows) = self.run_kept(id, session, &query, &[], Rows::default(), sink)?;
        Ok(rows.into_iter().next().unwrap_or_default())
    }
}

/// The EXECUTE's own translation with the columns of the statement it runs, looked up now:
/// what Describe answers (26000 when there is no such statement).
pub(super) fn describe_execute(
    session: &Session,
    t: &Translated,
    execute: &Execute,
) -> Result<Arc<Translated>, PgError> {
    let name = named(&execute.name)?;
    let prepared = session
        .statements
        .get(name)
        .ok_or_else(|| PgError::undefined_prepared_statement(name))?;
    let statement = prepared.statement.clone();
    let columns = statement
        .as_ref()
        .map(|s| super::protocol::result_columns(session, s).into_owned())
        .unwrap_or_default();
    Ok(Arc::new(Translated {
        kind: Kind::Execute(Box::new(Execute {
            statement,
            ..execute.clone()
        })),
        columns,
        ..t.clone()
    }))
}

/// `DEALLOCATE name`, or every named statement for `DEALLOCATE ALL`.
pub(super) fn deallocate(
    session: &mut Session,
    name: Option<&str>,
    sink: &mut dyn Sink,
) -> Result<(), Stop> {
    match name {
        None => {
            session.statements.retain(|name, _| name.is_empty());
            sink.command_complete("DEALLOCATE ALL");
        }
        Some(name) => {
            session
                .statements
                .remove(named(name)?)
                .ok_or_else(|| PgError::undefined_prepared_statement(name))?;
            sink.command_complete("DEALLOCATE");
        }
    }
    Ok(())
}

/// A name SQL can give a statement: the unnamed one is the extended protocol's alone.
fn named(name: &str) -> Result<&str, PgError> {
    match name {
        "" => Err(PgError::undefined_prepared_statement(name)),
        name => Ok(name),
    }
}

/// The session's named statements as JSON rows, for pg_prepared_statements.
pub(super) fn listing(session: &Session) -> String {
    let json = devdb_pg::value::json::escape;
    let rows: Vec<String> = session
        .statements
        .iter()
        .filter(|(name, _)| !name.is_empty())
        .map(|(name, prepared)| {
            let types: Vec<String> = prepared.statement.as_ref().map_or(Vec::new(), |t| {
                let oids = super::protocol::param_oids(t);
                oids.iter().map(|oid| oid.0.to_string()).collect()
            });
            format!(
                "{{\"name\":{},\"statement\":{},\"prepare_time\":{},\"parameter_types\":{},\"from_sql\":{}}}",
                json(name),
                json(&prepared.sql),
                prepared.prepared_at,
                json(&format!("{{{}}}", types.join(","))),
                u8::from(prepared.source.is_some()),
            )
        })
        .collect();
    format!("[{}]", rows.join(","))
}
