//! LOCK TABLE: the relations it names must be tables or views, and a mode that conflicts with
//! writes makes the transaction keep the writer to itself until it ends.
//!
//! ACCESS SHARE, ROW SHARE and ROW EXCLUSIVE conflict only with the stronger modes (and DDL),
//! which in devdb keep the writer: they take nothing (pg_dump locks every table it dumps in
//! ACCESS SHARE). SHARE UPDATE EXCLUSIVE and stronger keep other sessions' writes out as
//! PostgreSQL does, and more: two SHARE lockers take turns. Reads of others go on in the
//! committed snapshot, where ACCESS EXCLUSIVE would also stop them in PostgreSQL.

use devdb_pg::{PgError, SqlState};
use sqlparser::ast::{Lock, LockTableMode};

use super::{Output, Translator};
use crate::Kind;

impl Translator<'_> {
    pub(super) fn lock_table(&mut self, lock: Lock) -> Result<Output, PgError> {
        for target in &lock.tables {
            let key = self.relation_key(&target.name)?;
            if self.catalog.sequences.contains(&key) {
                return Err(PgError::new(
                    SqlState::WRONG_OBJECT_TYPE,
                    format!("cannot lock relation \"{}\"", crate::catalog::split(&key).1),
                )
                .with_detail("This operation is not supported for sequences."));
            }
            if self.catalog.view(&key).is_none() {
                self.lookup_table(&target.name)?;
            }
        }
        let keeps_writers_out = !matches!(
            lock.lock_mode,
            Some(
                LockTableMode::AccessShare | LockTableMode::RowShare | LockTableMode::RowExclusive
            )
        );
        if keeps_writers_out && lock.nowait {
            return Err(PgError::feature_not_supported(
                "LOCK TABLE ... NOWAIT in a mode that conflicts with writes",
            ));
        }
        let mut out = Output::new(Kind::Command("LOCK TABLE"));
        out.writes = keeps_writers_out;
        Ok(out)
    }
}
