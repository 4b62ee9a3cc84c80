//! The ops of a batch: simple Query, and the extended protocol's Parse, Bind, Describe,
//! Execute, Close and Sync over the session's own statements and portals.

use devdb_pg::{Format, Oid, PgError, SqlState, value};
use devdb_sql::Kind;

use super::statement::{Delivery, Nap, RowLimit, resolve_formats, resume_portal, show_columns};
use super::{Batch, Engine, Progress, QueryProgress, Stop, param_hints};
use crate::session::{Portal, PortalState, Prepared, Session};
use crate::{Op, SessionId, Sink, Target};

impl Engine {
    /// Shows a statement that starts as the session's activity in pg_stat_activity.
    fn note_activity(&self, id: SessionId, session: &Session, op: &Op) {
        let text = match op {
            Op::Query { sql } => sql.as_str(),
            Op::Bind { statement, .. } => match session.statements.get(statement) {
                Some(prepared) => prepared.sql.as_str(),
                None => return,
            },
            _ => return,
        };
        if let Some(registry) = self.registry.upgrade() {
            let started = if session.transaction.is_open() {
                session.transaction.started_at
            } else {
                crate::functions::now_micros()
            };
            registry.backends().active(id, text, started);
        }
    }

    pub(super) fn run_ops(
        &mut self,
        batch: &mut Batch,
        session: &mut Session,
        mut injected: Option<PgError>,
    ) -> Progress {
        let id = batch.session;
        // The first op run answers the statement its batch slept for.
        let mut nap = match std::mem::take(&mut batch.slept) {
            true => Nap::Done,
            false => Nap::Park,
        };
        while let Some(op) = batch.ops.get(batch.pos) {
            // Nobody waits for the answers of a client that hung up.
            if batch.close || self.interrupts.is_gone(id) {
                break;
            }
            if batch.skipping && !op.is_sync() {
                batch.pos += 1;
                continue;
            }
            self.note_activity(id, session, op);
            // Bind decodes parameters, Execute encodes rows: both in the session's zone.
            super::sync_zone(session);
            let sink = batch.sink.as_mut();
            let nap = std::mem::replace(&mut nap, Nap::Park);
            let result = match op {
                Op::Query { sql } => {
                    let injected = injected.take();
                    self.simple_query(id, session, sql, &mut batch.query, injected, nap, sink)
                }
                Op::Parse {
                    name,
                    sql,
                    param_types,
                } => self.parse(id, session, name, sql, param_types, sink),
                Op::Bind {
                    portal,
                    statement,
                    param_formats,
                    params,
                    result_formats,
                } => self.bind(
                    id,
                    session,
                    portal,
                    statement,
                    param_formats,
                    params,
                    result_formats,
                    sink,
                ),
                Op::Describe { target, name } => describe(session, *target, name, sink),
                Op::Execute { portal, max_rows } => match injected.take() {
                    Some(err) => Err(Stop::Error(err)),
                    None => self.execute(id, session, portal, *max_rows, nap, sink),
                },
                Op::Close { target, name } => {
                    match target {
                        Target::Statement => session.statements.remove(name).map(|_| ()),
                        Target::Portal => session.portals.remove(name).map(|_| ()),
                    };
                    sink.close_complete();
                    Ok(())
                }
                Op::Sync => {
                    batch.skipping = false;
                    self.end_implicit(id, session, sink);
                    sink.ready_for_query(session.transaction.status());
                    Ok(())
                }
                Op::Flush => Ok(()),
                Op::CopyDone { data } => {
                    // A wait for the writer that timed out or was canceled fails the COPY.
                    if let (Some(err), Some(pending)) = (injected.take(), session.copy.as_mut()) {
                        pending.failed.get_or_insert(err);
                    }
                    let data = data.clone();
                    self.copy_in_finish(id, session, batch, Ok(&data))
                }
                Op::CopyFail { message } => {
                    let message = message.clone();
                    self.copy_in_finish(id, session, batch, Err(&message))
                }
            };
            match result {
                Ok(()) => batch.pos += 1,
                Err(Stop::Park(wait)) => return Progress::Parked(wait),
                Err(Stop::Sleep(duration)) => return Progress::Sleeping(duration),
                Err(Stop::CopyIn) => {
                    self.copy_in_suspend(batch, session);
                    return Progress::Finished;
                }
                Err(Stop::Error(err)) => {
                    let sink = batch.sink.as_mut();
                    sink.error(&err);
                    self.statement_failed(id, session, sink);
                    batch.close |= err.is_fatal();
                    batch.skipping = true;
                    batch.pos += 1;
                }
            }
        }
        Progress::Finished
    }

    /// Ends an implicit transaction at Sync or the end of a simple Query: commit, or roll back
    /// if it failed. False when the commit failed (its error sent).
    fn end_implicit(&mut self, id: SessionId, session: &mut Session, sink: &mut dyn Sink) -> bool {
        let tx = &session.transaction;
        if tx.implicit
            && !tx.block
            && let Err(err) = self.finish_transaction(id, session, true, sink)
        {
            sink.error(&err);
            return false;
        }
        true
    }

    /// A simple Query: every statement in one implicit transaction (unless the text opens its
    /// own), a RowDescription before each result, ReadyForQuery at the end. Errors end it.
    #[allow(clippy::too_many_arguments)]
    fn simple_query(
        &mut self,
        id: SessionId,
        session: &mut Session,
        sql: &str,
        progress: &mut Option<QueryProgress>,
        injected: Option<PgError>,
        mut nap: Nap,
        sink: &mut dyn Sink,
    ) -> Result<(), Stop> {
        if progress.is_none() {
            // A simple Query replaces the unnamed statement and portal.
            session.statements.remove("");
            session.portals.remove("");
            // Statements that differ only in integer literals share one translation.
            let lifted = devdb_sql::literals::lift(sql);
            let text = lifted.as_ref().map_or(sql, |l| l.sql.as_str());
            match self.cache.parse(text) {
                Ok(statements) if statements.is_empty() => {
                    sink.empty_query();
                    sink.ready_for_query(session.transaction.status());
                    return Ok(());
                }
                Ok(statements) => {
                    *progress = Some(QueryProgress {
                        statements,
                        next: 0,
                        lifted,
                        failure: None,
                    });
                }
                Err(err) => {
                    sink.error(&err);
                    if session.transaction.block {
                        session.transaction.failed = true;
                    }
                    sink.ready_for_query(session.transaction.status());
                    return Ok(());
                }
            }
        }
        let mut failure = injected.or_else(|| progress.as_mut().and_then(|q| q.failure.take()));
        while let Some(query) = progress.as_mut() {
            if query.next >= query.statements.len() || failure.is_some() {
                break;
            }
            if self.interrupts.is_gone(id) {
                failure = Some(PgError::query_canceled());
                break;
            }
            let (text, hints, params) = match &query.lifted {
                Some(l) => (l.sql.as_str(), l.types.as_slice(), l.values.as_slice()),
                None => (sql, &[][..], &[][..]),
            };
            let result = self
                .translation(id, session, text, &query.statements, query.next, hints)
                .map_err(Stop::Error)
                .and_then(|t| {
                    if t.params.len() > params.len() {
                        return Err(no_parameter(&query.statements, query.next).into());
                    }
                    // The statements of a multi-statement Query share one transaction block.
                    if query.statements.len() > 1 && t.kind == Kind::Command("DISCARD ALL") {
                        return Err(PgError::active_sql_transaction("DISCARD ALL").into());
                    }
                    let delivery = Delivery {
                        params,
                        formats: &[],
                        describe: true,
                        limit: None,
                        nap: std::mem::replace(&mut nap, Nap::Park),
                    };
                    self.hold_tag = query.next + 1 == query.statements.len();
                    self.in_multi_query = query.statements.len() > 1;
                    let ran = self.run_statement(id, session, &t, delivery, sink);
                    self.hold_tag = false;
                    self.in_multi_query = false;
                    ran
                });
            match result {
                Ok(()) => query.next += 1,
                Err(stop @ (Stop::Park(_) | Stop::Sleep(_) | Stop::CopyIn)) => return Err(stop),
                Err(Stop::Error(err)) => {
                    failure = Some(devdb_sql::error_position::locate(sql, err))
                }
            }
        }
        *progress = None;
        let held = self.held_tag.take();
        if let Some(err) = failure {
            sink.error(&err);
            self.statement_failed(id, session, sink);
        } else if self.end_implicit(id, session, sink)
            && let Some(tag) = held
        {
            sink.command_complete(&tag);
        }
        sink.ready_for_query(session.transaction.status());
        Ok(())
    }

    fn parse(
        &mut self,
        id: SessionId,
        session: &mut Session,
        name: &str,
        sql: &str,
        param_types: &[devdb_pg::Oid],
        sink: &mut dyn Sink,
    ) -> Result<(), Stop> {
        if !name.is_empty() && session.statements.contains_key(name) {
            return Err(PgError::duplicate_prepared_statement(name).into());
        }
        let hints = param_hints(param_types);
        let failed = session.transaction.failed;
        let statements = self.cache.parse(sql).map_err(|e| match failed {
            true => PgError::in_failed_transaction(),
            false => e,
        })?;
        let statement = match statements.len() {
            0 => None,
            1 => match self.translation(id, session, sql, &statements, 0, &hints) {
                Ok(t) => Some(t),
                Err(_) if failed => return Err(PgError::in_failed_transaction().into()),
                Err(e) => return Err(devdb_sql::error_position::locate(sql, e).into()),
            },
            _ => {
                return Err(PgError::syntax_error(
                    "cannot insert multiple commands into a prepared statement",
                    None,
                )
                .into());
            }
        };
        // A failed transaction accepts only what ends it, as PostgreSQL does.
        if failed
            && !statement
                .as_ref()
                .is_some_and(|t| ends_transaction(&t.kind))
        {
            return Err(PgError::in_failed_transaction().into());
        }
        session.statements.insert(
            name.to_owned(),
            Prepared {
                sql: sql.to_owned(),
                param_hints: hints,
                statement,
                generation: self.generation,
                path: super::statement::search_path(id, session, &self.catalog_for(id)),
                source: None,
                prepared_at: crate::functions::now_micros(),
            },
        );
        sink.parse_complete();
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn bind(
        &mut self,
        id: SessionId,
        session: &mut Session,
        portal: &str,
        statement: &str,
        param_formats: &[Format],
        params: &[Option<bytes::Bytes>],
        result_formats: &[Format],
        sink: &mut dyn Sink,
    ) -> Result<(), Stop> {
        self.refresh_statement(id, session, statement)?;
        let prepared = session
            .statements
            .get(statement)
            .ok_or_else(|| PgError::internal("statement vanished"))?;
        if session.transaction.failed
            && !prepared
                .statement
                .as_ref()
                .is_some_and(|t| ends_transaction(&t.kind))
        {
            return Err(PgError::in_failed_transaction().into());
        }
        let expected = prepared.statement.as_ref().map_or(0, |t| t.params.len());
        if params.len() != expected {
            return Err(PgError::new(
                SqlState::PROTOCOL_VIOLATION,
                format!(
                    "bind message supplies {} parameters, but prepared statement \"{statement}\" requires {expected}",
                    params.len()
                ),
            )
            .into());
        }
        let mut values = Vec::with_capacity(params.len());
        if let Some(t) = &prepared.statement {
            let catalog = self.catalog_for(id);
            for (i, (raw, ty)) in params.iter().zip(&t.params).enumerate() {
                let format = param_formats.get(i).copied().unwrap_or_default();
                // An enum array parameter arrives with its enum's OID in the array header.
                let enum_element = t
                    .described_params
                    .iter()
                    .find(|(j, _)| *j == i)
                    .and_then(|(_, oid)| catalog.enum_by_array_oid(*oid));
                values.push(match (raw, enum_element) {
                    (None, _) => devdb_pg::Value::Null,
                    (Some(raw), Some(e)) => value::decode_array_of(*ty, e.oid, raw, format)?,
                    (Some(raw), None) => value::decode(*ty, raw, format)?,
                });
            }
        }
        let columns = prepared
            .statement
            .as_ref()
            .map_or(0, |t| result_columns(session, t).len());
        if !matches!(result_formats.len(), 0 | 1) && result_formats.len() != columns {
            return Err(PgError::protocol_violation(format!(
                "bind message has {} result formats but query has {columns} columns",
                result_formats.len()
            ))
            .into());
        }
        if !portal.is_empty() && session.portals.contains_key(portal) {
            return Err(PgError::new(
                SqlState::DUPLICATE_CURSOR,
                format!("portal \"{portal}\" already exists"),
            )
            .into());
        }
        let new = Portal {
            statement: prepared.statement.clone(),
            params: values,
            formats: resolve_formats(result_formats, columns),
            state: PortalState::Ready,
        };
        session.portals.insert(portal.to_owned(), new);
        sink.bind_complete();
        Ok(())
    }

    /// Finds prepared statement `name` (26000 when there is none) and, when the catalog or the
    /// search path changed since it was translated, translates it again, as PostgreSQL
    /// re-plans.
    pub(super) fn refresh_statement(
        &mut self,
        id: SessionId,
        session: &mut Session,
        name: &str,
    ) -> Result<(), Stop> {
        let generation = self.generation;
        let catalog = self.catalog_for(id);
        let path = super::statement::search_path(id, session, &catalog);
        let prepared = session
            .statements
            .get(name)
            .ok_or_else(|| PgError::undefined_prepared_statement(name))?;
        let same_path =
            std::sync::Arc::ptr_eq(&prepared.path, &path) || prepared.path.translates_like(&path);
        let stale = prepared.generation != generation || !same_path;
        let Some(old) = prepared.statement.clone().filter(|_| stale) else {
            return Ok(());
        };
        let hints = prepared.param_hints.clone();
        let fresh = match &prepared.source {
            Some(source) => std::sync::Arc::new(devdb_sql::translate_statement(
                source, &catalog, &path, &hints,
            )?),
            None => {
                let sql = prepared.sql.clone();
                let statements = self.cache.parse(&sql)?;
                self.translation(id, session, &sql, &statements, 0, &hints)?
            }
        };
        if fresh.params != old.params || fresh.columns != old.columns {
            return Err(
                PgError::feature_not_supported("cached plan must not change result type").into(),
            );
        }
        let prepared = session
            .statements
            .get_mut(name)
            .ok_or_else(|| PgError::internal("statement vanished"))?;
        prepared.statement = Some(fresh);
        prepared.generation = generation;
        prepared.path = path;
        Ok(())
    }

    fn execute(
        &mut self,
        id: SessionId,
        session: &mut Session,
        portal_name: &str,
        max_rows: u32,
        nap: Nap,
        sink: &mut dyn Sink,
    ) -> Result<(), Stop> {
        let mut portal = session.portals.remove(portal_name).ok_or_else(|| {
            PgError::new(
                SqlState::INVALID_CURSOR_NAME,
                format!("portal \"{portal_name}\" does not exist"),
            )
        })?;
        let result = match portal.statement.clone() {
            None => {
                sink.empty_query();
                Ok(())
            }
            Some(t) => match portal.state {
                PortalState::Ready => {
                    let limit = RowLimit {
                        max_rows,
                        state: &mut portal.state,
                    };
                    let delivery = Delivery {
                        params: &portal.params,
                        formats: &portal.formats,
                        describe: false,
                        limit: Some(limit),
                        nap,
                    };
                    self.run_statement(id, session, &t, delivery, sink)
                }
                _ if session.transaction.failed => Err(PgError::in_failed_transaction().into()),
                _ => resume_portal(&t, &mut portal.state, &portal.formats, max_rows, sink)
                    .map_err(Stop::Error),
            },
        };
        // Transaction control inside the statement may have cleared the session's portals;
        // a portal that ran stays (executing it again returns nothing more).
        if session.transaction.is_open() || matches!(result, Err(Stop::Park(_) | Stop::Sleep(_))) {
            session.portals.insert(portal_name.to_owned(), portal);
        }
        result
    }
}

/// 42P02 for a simple-protocol statement that names a parameter: it has none to give.
fn no_parameter(statements: &[devdb_sql::Parsed], index: usize) -> PgError {
    let n = statements
        .get(index)
        .and_then(devdb_sql::Parsed::first_parameter)
        .unwrap_or(1);
    PgError::undefined_parameter(n)
}

/// COMMIT, ROLLBACK and ROLLBACK TO: what a failed transaction still accepts.
fn ends_transaction(kind: &Kind) -> bool {
    matches!(kind, Kind::Commit | Kind::Rollback | Kind::RollbackTo(_))
}

/// The columns a statement returns, SHOW's and FETCH's included.
pub(super) fn result_columns<'a>(
    session: &'a Session,
    t: &'a devdb_sql::Translated,
) -> std::borrow::Cow<'a, [devdb_sql::Column]> {
    match &t.kind {
        Kind::Show(name) => show_columns(name).into(),
        Kind::Fetch(fetch) => super::cursors::fetch_columns(session, fetch).into(),
        Kind::CopyFrom(_) | Kind::CopyTo(_) => (&[][..]).into(),
        _ => t.columns.as_slice().into(),
    }
}

/// The OIDs ParameterDescription gives a statement's parameters (an enum's or a domain's own).
pub(super) fn param_oids(t: &devdb_sql::Translated) -> Vec<Oid> {
    let mut oids: Vec<Oid> = t.params.iter().map(|p| p.oid()).collect();
    for (i, oid) in &t.described_params {
        if let Some(slot) = oids.get_mut(*i) {
            *slot = *oid;
        }
    }
    oids
}

fn describe(
    session: &Session,
    target: Target,
    name: &str,
    sink: &mut dyn Sink,
) -> Result<(), Stop> {
    match target {
        Target::Statement => {
            let prepared = session
                .statements
                .get(name)
                .ok_or_else(|| PgError::undefined_prepared_statement(name))?;
            let Some(t) = &prepared.statement else {
                sink.parameter_description(&[]);
                sink.no_data();
                return Ok(());
            };
            sink.parameter_description(&param_oids(t));
            let columns = result_columns(session, t);
            if columns.is_empty() {
                sink.no_data();
            } else {
                sink.row_description(&columns, &vec![Format::Text; columns.len()]);
            }
        }
        Target::Portal => {
            // A cursor is a portal too (psycopg describes its named cursors so).
            if !session.portals.contains_key(name)
                && let Some(cursor) = session.cursors.get(name)
            {
                sink.row_description(&cursor.spec.columns, &cursor.formats(&[]));
                return Ok(());
            }
            let portal = session.portals.get(name).ok_or_else(|| {
                PgError::new(
                    SqlState::INVALID_CURSOR_NAME,
                    format!("portal \"{name}\" does not exist"),
                )
            })?;
            match &portal.statement {
                Some(t) if !result_columns(session, t).is_empty() => {
                    sink.row_description(&result_columns(session, t), &portal.formats)
                }
                _ => sink.no_data(),
            }
        }
    }
    Ok(())
}
