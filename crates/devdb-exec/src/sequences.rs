//! Sequences: nextval/currval/setval. Values live in memory (a sequence never goes back, even
//! when the transaction that advanced it rolls back, as in PostgreSQL) and are written to the
//! `__devdb_sequences` table by every writing statement that advanced them, so they survive
//! restarts with `--data-dir`.

use std::collections::HashMap;

use devdb_pg::{PgError, SqlState, Value};

use crate::SessionId;

#[derive(Clone, Debug)]
struct Sequence {
    last_value: i64,
    increment: i64,
    min: i64,
    max: i64,
    /// Past `max` (or `min`, descending) nextval starts again at the other end.
    cycle: bool,
    is_called: bool,
    /// Advanced since the table last heard of it.
    dirty: bool,
}

/// A sequence's parameters as ALTER SEQUENCE leaves them.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Altered {
    pub increment: i64,
    pub min: i64,
    pub max: i64,
    pub start: i64,
    pub cycle: bool,
}

#[derive(Debug, Default)]
pub(crate) struct Sequences {
    by_name: HashMap<String, Sequence>,
    /// currval is per session: the last value each session got from each sequence.
    currvals: HashMap<(SessionId, String), i64>,
    /// Values of the sequences the writing transaction altered, as they were before: a
    /// rollback brings them back, as PostgreSQL's new relfilenode goes with it. DDL writes
    /// alone and nextval and setval need the writer, so no other session draws from them
    /// meanwhile (in PostgreSQL it waits for the ALTER's lock) and no value is given twice.
    before_alter: HashMap<String, (i64, bool)>,
}

/// Reads every row of the sequences table.
pub(crate) const LOAD_SQL: &str = "SELECT name, last_value, increment_by, min_value, max_value, is_called, cycle \
     FROM __devdb_sequences";

impl Sequences {
    /// Brings the in-memory set in line with the table's rows: new sequences appear, dropped
    /// ones go, known ones keep their in-memory value (which is never behind the table) and
    /// take the table's parameters (ALTER SEQUENCE changed them).
    pub fn reload(&mut self, rows: Vec<Vec<Value>>) {
        let mut fresh = HashMap::with_capacity(rows.len());
        for row in rows {
            let int = |i: usize| match row.get(i) {
                Some(Value::Int(v)) => *v,
                _ => 0,
            };
            let Some(Value::Text(name)) = row.first() else {
                continue;
            };
            let loaded = Sequence {
                last_value: int(1),
                increment: int(2),
                min: int(3),
                max: int(4),
                is_called: int(5) != 0,
                cycle: int(6) != 0,
                dirty: false,
            };
            let seq = match self.by_name.remove(name) {
                Some(known) => Sequence {
                    last_value: known.last_value,
                    is_called: known.is_called,
                    dirty: known.dirty,
                    ..loaded
                },
                None => loaded,
            };
            fresh.insert(name.clone(), seq);
        }
        self.by_name = fresh;
    }

    /// The writing transaction ended: a rollback puts back the values of the sequences it
    /// altered (their parameters come back with the next [`Sequences::reload`]).
    pub fn end_transaction(&mut self, committed: bool) {
        for (name, (last_value, is_called)) in self.before_alter.drain() {
            if let Some(seq) = self.by_name.get_mut(&name).filter(|_| !committed) {
                seq.last_value = last_value;
                seq.is_called = is_called;
                seq.dirty = true;
            }
        }
    }

    /// Forgets every in-memory value and takes the table's (devdb_restore: sequences go back too).
    pub fn replace(&mut self, rows: Vec<Vec<Value>>) {
        self.by_name.clear();
        self.currvals.clear();
        self.reload(rows);
    }

    pub fn nextval(&mut self, session: SessionId, name: &str) -> Result<i64, PgError> {
        let seq = self
            .by_name
            .get_mut(name)
            .ok_or_else(|| PgError::undefined_table(name))?;
        let next = if seq.is_called {
            seq.last_value
                .checked_add(seq.increment)
                .filter(|v| (seq.min..=seq.max).contains(v))
        } else {
            Some(seq.last_value)
        };
        let ascending = seq.increment > 0;
        let next = match next {
            Some(next) => next,
            None if seq.cycle => match ascending {
                true => seq.min,
                false => seq.max,
            },
            None => {
                let (end, bound) = match ascending {
                    true => ("maximum", seq.max),
                    false => ("minimum", seq.min),
                };
                return Err(PgError::new(
                    SqlState::SEQUENCE_GENERATOR_LIMIT_EXCEEDED,
                    format!("nextval: reached {end} value of sequence \"{name}\" ({bound})"),
                ));
            }
        };
        seq.last_value = next;
        seq.is_called = true;
        seq.dirty = true;
        self.currvals.insert((session, name.to_owned()), next);
        Ok(next)
    }

    /// The sequence's row as `SELECT * FROM seq` shows it: (last_value, is_called). None for
    /// a sequence this session's catalog does not have (another's uncommitted DROP).
    pub fn state(&self, key: &str) -> Option<(i64, bool)> {
        self.by_name.get(key).map(|s| (s.last_value, s.is_called))
    }

    pub fn exists(&self, key: &str) -> bool {
        self.by_name.contains_key(key)
    }

    pub fn currval(&self, session: SessionId, name: &str) -> Result<i64, PgError> {
        if !self.by_name.contains_key(name) {
            return Err(PgError::undefined_table(name));
        }
        self.currvals
            .get(&(session, name.to_owned()))
            .copied()
            .ok_or_else(|| {
                PgError::new(
                    SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
                    format!("currval of sequence \"{name}\" is not yet defined in this session"),
                )
            })
    }

    pub fn setval(
        &mut self,
        session: SessionId,
        name: &str,
        value: i64,
        is_called: bool,
    ) -> Result<i64, PgError> {
        let seq = self
            .by_name
            .get_mut(name)
            .ok_or_else(|| PgError::undefined_table(name))?;
        if !(seq.min..=seq.max).contains(&value) {
            return Err(PgError::new(
                SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
                format!(
                    "setval: value {value} is out of bounds for sequence \"{name}\" ({}..{})",
                    seq.min, seq.max
                ),
            ));
        }
        seq.last_value = value;
        seq.is_called = is_called;
        seq.dirty = true;
        if is_called {
            self.currvals.insert((session, name.to_owned()), value);
        }
        Ok(value)
    }

    /// ALTER SEQUENCE: takes the sequence's new parameters after PostgreSQL's checks
    /// (init_params), the current value (or RESTART's) included, and restarts it when asked.
    /// Returns the value the sequence's row keeps.
    pub fn alter(
        &mut self,
        name: &str,
        params: Altered,
        restart: Option<i64>,
    ) -> Result<i64, PgError> {
        let seq = self
            .by_name
            .get_mut(name)
            .ok_or_else(|| PgError::undefined_table(name))?;
        let Altered {
            increment,
            min,
            max,
            start,
            cycle,
        } = params;
        let current = restart.unwrap_or(seq.last_value);
        devdb_sql::check_sequence_bounds(
            min,
            max,
            &[("START value", start), ("RESTART value", current)],
        )?;
        self.before_alter
            .entry(name.to_owned())
            .or_insert((seq.last_value, seq.is_called));
        seq.increment = increment;
        seq.min = min;
        seq.max = max;
        seq.cycle = cycle;
        if let Some(value) = restart {
            seq.last_value = value;
            seq.is_called = false;
            seq.dirty = true;
        }
        Ok(seq.last_value)
    }

    /// The sequences advanced since the last call, as (name, last_value, is_called).
    /// Marks every sequence to be saved at the next commit (its saved value was rolled back).
    pub fn touch_all(&mut self) {
        for seq in self.by_name.values_mut() {
            seq.dirty = true;
        }
    }

    pub fn take_dirty(&mut self) -> Vec<(String, i64, bool)> {
        self.by_name
            .iter_mut()
            .filter(|(_, s)| s.dirty)
            .map(|(name, s)| {
                s.dirty = false;
                (name.clone(), s.last_value, s.is_called)
            })
            .collect()
    }

    /// Gives sequence `new` the value of `old` and each session's currval of it (ALTER SEQUENCE
    /// ... RENAME TO). `old` stays until the table's rows are next loaded, so the statement
    /// rolling back leaves it as it was.
    pub fn copy(&mut self, old: &str, new: &str) {
        let Some(seq) = self.by_name.get(old).cloned() else {
            return;
        };
        self.by_name.insert(new.to_owned(), seq);
        let currvals: Vec<(SessionId, i64)> = self
            .currvals
            .iter()
            .filter(|((_, name), _)| name == old)
            .map(|((session, _), value)| (*session, *value))
            .collect();
        for (session, value) in currvals {
            self.currvals.insert((session, new.to_owned()), value);
        }
    }

    pub fn forget_session(&mut self, session: SessionId) {
        self.currvals.retain(|(s, _), _| *s != session);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, last: i64, is_called: bool) -> Vec<Value> {
        vec![
            Value::Text(name.into()),
            Value::Int(last),
            Value::Int(1),
            Value::Int(1),
            Value::Int(i64::MAX),
            Value::Int(is_called.into()),
            Value::Int(0),
        ]
    }

    #[test]
    fn nextval_starts_at_start_and_never_goes_back_on_reload() {
        let mut seqs = Sequences::default();
        seqs.reload(vec![row("t_id_seq", 1, false)]);
        let s = SessionId(1);
        assert_eq!(seqs.nextval(s, "t_id_seq"), Ok(1));
        assert_eq!(seqs.nextval(s, "t_id_seq"), Ok(2));
        // A rolled-back transaction reloads the table's older value; memory keeps its own.
        seqs.reload(vec![row("t_id_seq", 1, false)]);
        assert_eq!(seqs.nextval(s, "t_id_seq"), Ok(3));
        assert_eq!(seqs.take_dirty(), vec![("t_id_seq".to_owned(), 3, true)]);
        assert!(seqs.take_dirty().is_empty());
    }

    #[test]
    fn currval_is_per_session() {
        let mut seqs = Sequences::default();
        seqs.reload(vec![row("s", 1, false)]);
        let err = seqs
            .currval(SessionId(1), "s")
            .expect_err("not yet defined");
        assert_eq!(err.code, SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE);
        seqs.nextval(SessionId(1), "s").expect("nextval");
        assert_eq!(seqs.currval(SessionId(1), "s"), Ok(1));
        assert!(seqs.currval(SessionId(2), "s").is_err());
        assert_eq!(seqs.setval(SessionId(2), "s", 10, true), Ok(10));
        assert_eq!(seqs.nextval(SessionId(1), "s"), Ok(11));
    }

    #[test]
    fn unknown_sequences_are_undefined_tables() {
        let mut seqs = Sequences::default();
        let err = seqs.nextval(SessionId(1), "nope").expect_err("missing");
        assert_eq!(err.code, SqlState::UNDEFINED_TABLE);
    }
}
