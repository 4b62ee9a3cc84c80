//! `DO $$ BEGIN IF <condition> THEN <statement>; END IF; END $$`: the condition runs first,
//! and the statement (whose translation error, if any, PostgreSQL would only meet then) only
//! when it holds.

use devdb_pg::Value;
use devdb_sql::GuardedDo;

use super::cursors::Rows;
use super::statement::Delivery;
use super::{Engine, Stop};
use crate::session::Session;
use crate::{SessionId, Sink};

impl Engine {
    pub(super) fn guarded_do(
        &mut self,
        id: SessionId,
        session: &mut Session,
        guarded: &GuardedDo,
        delivery: Delivery<'_>,
        sink: &mut dyn Sink,
    ) -> Result<(), Stop> {
        let condition = &guarded.condition;
        let Rows(rows) = self.run_kept(
            id,
            session,
            condition,
            delivery.params,
            Rows::default(),
            sink,
        )?;
        // A boolean is SQLite's 1 or 0; NULL counts as false, as PL/pgSQL's IF takes it.
        let holds = matches!(rows.first().and_then(|r| r.first()), Some(Value::Int(1)));
        if !holds {
            sink.command_complete("DO");
            return Ok(());
        }
        match &guarded.then {
            Ok(then) => self.run_sql(id, session, then, delivery, sink),
            Err(e) => Err(e.clone().into()),
        }
    }
}
