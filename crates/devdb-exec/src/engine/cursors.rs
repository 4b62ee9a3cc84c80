//! Cursors: DECLARE runs its query at once and the session keeps the rows, which is what a
//! PostgreSQL cursor shows too (the snapshot of DECLARE, blind to later changes); FETCH and MOVE
//! walk them in either direction, CLOSE forgets them. A cursor without HOLD ends with its
//! transaction; one WITH HOLD outlives the transaction that commits it.

use devdb_pg::{Datum, Format, PgError, SqlState, Value};
use devdb_sql::cursor::{Direction, Fetch};
use devdb_sql::{Column, Cursor, Kind, Translated};

use super::statement::{Delivery, Nap, resolve_formats};
use super::{Engine, Stop};
use crate::session::{PortalState, Session};
use crate::sink::{Keep, Kept};
use crate::{SessionId, Sink};

/// A cursor DECLARE opened.
pub(crate) struct OpenCursor {
    pub spec: Cursor,
    pub rows: Vec<Vec<Value>>,
    /// 0: before the first row; `rows.len() + 1`: after the last; else on row `position`.
    pub position: usize,
    /// Declared in the transaction still open: a rollback ends it, WITH HOLD or not.
    pub uncommitted: bool,
}

impl OpenCursor {
    /// The formats a cursor's rows go out in when the client named none.
    pub fn formats(&self, asked: &[Format]) -> Vec<Format> {
        let n = self.spec.columns.len();
        match (asked, self.spec.binary) {
            ([], true) => vec![Format::Binary; n],
            _ => resolve_formats(asked, n),
        }
    }

    /// Moves as `direction` says; the indexes of the rows passed over, in the order fetched.
    fn walk(&mut self, direction: Direction) -> Result<Vec<usize>, PgError> {
        let n = self.rows.len();
        let after = n + 1;
        let backward = match direction {
            Direction::Backward(_) => true,
            Direction::Absolute(i) => Self::target(i, n) < self.position,
            Direction::Relative(i) => i < 0,
            Direction::Forward(_) => false,
        };
        if backward && self.spec.scroll == Some(false) {
            return Err(PgError::new(
                SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
                "cursor can only scan forward",
            )
            .with_hint("Declare it with SCROLL option to enable backward scan."));
        }
        let mut out = Vec::new();
        match direction {
            Direction::Forward(count) => {
                let count = count.unwrap_or(u64::MAX);
                while (out.len() as u64) < count && self.position < after {
                    self.position += 1;
                    if self.position <= n {
                        out.push(self.position - 1);
                    }
                }
            }
            Direction::Backward(count) => {
                let count = count.unwrap_or(u64::MAX);
                while (out.len() as u64) < count && self.position > 0 {
                    self.position -= 1;
                    if self.position >= 1 {
                        out.push(self.position - 1);
                    }
                }
            }
            Direction::Absolute(i) => {
                self.position = Self::target(i, n);
                if (1..=n).contains(&self.position) {
                    out.push(self.position - 1);
                }
            }
            Direction::Relative(i) => {
                let target = i128::try_from(self.position).unwrap_or(i128::MAX) + i128::from(i);
                self.position = usize::try_from(target.clamp(0, after as i128)).unwrap_or(after);
                if (1..=n).contains(&self.position) {
                    out.push(self.position - 1);
                }
            }
        }
        Ok(out)
    }

    /// The position ABSOLUTE `i` lands on: row i, or from the end when negative.
    fn target(i: i64, n: usize) -> usize {
        let after = n + 1;
        if i >= 0 {
            usize::try_from(i).map_or(after, |i| i.min(after))
        } else {
            let back = usize::try_from(i.unsigned_abs()).unwrap_or(usize::MAX);
            after.saturating_sub(back)
        }
    }
}

impl Engine {
    pub(super) fn declare_cursor(
        &mut self,
        id: SessionId,
        session: &mut Session,
        t: &Translated,
        spec: &Cursor,
        params: &[Value],
        sink: &mut dyn Sink,
    ) -> Result<(), Stop> {
        if !session.transaction.block && !spec.hold {
            return Err(PgError::new(
                SqlState::NO_ACTIVE_SQL_TRANSACTION,
                "DECLARE CURSOR can only be used in transaction blocks",
            )
            .into());
        }
        if session.cursors.contains_key(&spec.name) {
            return Err(PgError::new(
                SqlState::DUPLICATE_CURSOR,
                format!("cursor \"{}\" already exists", spec.name),
            )
            .into());
        }
        let query = Translated {
            kind: Kind::Select,
            columns: spec.columns.clone(),
            ..t.clone()
        };
        let Rows(rows) = self.run_kept(id, session, &query, params, Rows::default(), sink)?;
        let cursor = OpenCursor {
            spec: spec.clone(),
            rows,
            position: 0,
            uncommitted: true,
        };
        session.cursors.insert(spec.name.clone(), cursor);
        sink.command_complete("DECLARE CURSOR");
        Ok(())
    }

    pub(super) fn fetch(
        &mut self,
        session: &mut Session,
        fetch: &Fetch,
        delivery: Delivery<'_>,
        sink: &mut dyn Sink,
    ) -> Result<(), Stop> {
        let cursor = session.cursors.get_mut(&fetch.cursor).ok_or_else(|| {
            PgError::new(
                SqlState::INVALID_CURSOR_NAME,
                format!("cursor \"{}\" does not exist", fetch.cursor),
            )
        })?;
        let picked = cursor.walk(fetch.direction)?;
        if let Some(limit) = delivery.limit {
            *limit.state = PortalState::Done;
        }
        if fetch.move_only {
            sink.command_complete(&format!("MOVE {}", picked.len()));
            return Ok(());
        }
        let formats = cursor.formats(delivery.formats);
        let columns = &cursor.spec.columns;
        if delivery.describe {
            sink.row_description(columns, &formats);
        }
        for &i in &picked {
            if let Some(row) = cursor.rows.get(i) {
                let datums: Vec<Datum<'_>> = row.iter().map(Value::as_datum).collect();
                sink.data_row(&datums, columns, &formats)?;
            }
        }
        sink.command_complete(&format!("FETCH {}", picked.len()));
        Ok(())
    }
}

/// `CLOSE name` or `CLOSE ALL`.
pub(super) fn close(
    session: &mut Session,
    name: Option<&str>,
    sink: &mut dyn Sink,
) -> Result<(), Stop> {
    match name {
        None => {
            session.cursors.clear();
            sink.command_complete("CLOSE CURSOR ALL");
            return Ok(());
        }
        Some(name) => {
            session.cursors.remove(name).ok_or_else(|| {
                PgError::new(
                    SqlState::INVALID_CURSOR_NAME,
                    format!("cursor \"{name}\" does not exist"),
                )
            })?;
        }
    }
    sink.command_complete("CLOSE CURSOR");
    Ok(())
}

/// At the end of a transaction: cursors without HOLD end, and so do those it declared unless it
/// committed.
pub(super) fn end_transaction(session: &mut Session, committed: bool) {
    session
        .cursors
        .retain(|_, c| c.spec.hold && (committed || !c.uncommitted));
    for cursor in session.cursors.values_mut() {
        cursor.uncommitted = false;
    }
}

/// The columns a FETCH returns: its cursor's (none for MOVE, or a cursor that does not exist).
pub(super) fn fetch_columns<'s>(session: &'s Session, fetch: &Fetch) -> &'s [Column] {
    match session.cursors.get(&fetch.cursor) {
        Some(c) if !fetch.move_only => &c.spec.columns,
        _ => &[],
    }
}

impl Engine {
    /// Runs `t` to its end with what it answers handed to `keep` (a cursor's rows, a DO block's
    /// condition, EXECUTE's arguments, COPY TO's data); its notices go to `sink`.
    pub(super) fn run_kept<K: Keep>(
        &mut self,
        id: SessionId,
        session: &mut Session,
        t: &Translated,
        params: &[Value],
        keep: K,
        sink: &mut dyn Sink,
    ) -> Result<K, Stop> {
        let mut kept = Kept(Noting {
            keep,
            notices: Vec::new(),
        });
        let delivery = Delivery {
            params,
            formats: &[],
            describe: false,
            limit: None,
            nap: Nap::InPlace,
        };
        // The rows are kept, not answered: their tag is no Query's last (see `Engine::hold_tag`).
        let hold = std::mem::replace(&mut self.hold_tag, false);
        let result = self.run_sql(id, session, t, delivery, &mut kept);
        self.hold_tag = hold;
        let Kept(Noting { keep, notices }) = kept;
        for notice in &notices {
            sink.notice(notice);
        }
        result.map(|()| keep)
    }
}

/// A [`Keep`] that also keeps the notices, to pass on to the client.
struct Noting<K> {
    keep: K,
    notices: Vec<PgError>,
}

impl<K: Keep> Keep for Noting<K> {
    fn data_row(&mut self, row: &[Datum<'_>], columns: &[Column]) -> Result<(), PgError> {
        self.keep.data_row(row, columns)
    }

    fn notice(&mut self, notice: &PgError) {
        self.notices.push(notice.clone());
    }

    fn error(&mut self, err: &PgError) {
        self.keep.error(err);
    }
}

/// Keeps the rows of a query as they come.
#[derive(Default)]
pub(super) struct Rows(pub Vec<Vec<Value>>);

impl Keep for Rows {
    fn data_row(&mut self, row: &[Datum<'_>], _: &[Column]) -> Result<(), PgError> {
        self.0.push(row.iter().map(|d| d.to_value()).collect());
        Ok(())
    }
}

#[cfg(test)]
mod tests;
