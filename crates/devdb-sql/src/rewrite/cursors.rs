//! DECLARE ... CURSOR and CLOSE. The executor holds each cursor's rows for its session; FETCH
//! and MOVE are read in `crate::cursor`.

use devdb_pg::PgError;
use sqlparser::ast::{CloseCursor, Declare, DeclareType};

use super::{Output, Translator, fold};
use crate::{Cursor, Kind};

impl Translator<'_> {
    /// `DECLARE name [BINARY] [INSENSITIVE] [[NO] SCROLL] CURSOR [WITH[OUT] HOLD] FOR query`.
    pub fn declare(&mut self, stmts: Vec<Declare>) -> Result<Output, PgError> {
        let [declare] = <[Declare; 1]>::try_from(stmts)
            .map_err(|_| PgError::feature_not_supported("DECLARE of several names"))?;
        let Declare {
            names,
            data_type: None,
            assignment: None,
            declare_type: Some(DeclareType::Cursor),
            binary,
            sensitive,
            scroll,
            hold,
            for_query: Some(query),
        } = declare
        else {
            return Err(PgError::feature_not_supported("this DECLARE form"));
        };
        if sensitive == Some(false) {
            return Err(PgError::feature_not_supported("ASENSITIVE cursors"));
        }
        let [name] = names.as_slice() else {
            return Err(PgError::feature_not_supported("DECLARE of several names"));
        };
        let select = self.select_statement(*query)?;
        let mut out = Output::new(Kind::Declare(Cursor {
            name: fold(name),
            columns: select.columns,
            scroll,
            hold: hold == Some(true),
            binary: binary == Some(true),
        }));
        out.sqlite = select.sqlite;
        out.writes = select.writes;
        Ok(out)
    }

    pub fn close(&mut self, cursor: CloseCursor) -> Output {
        Output::new(Kind::Close(match cursor {
            CloseCursor::All => None,
            CloseCursor::Specific { name } => Some(fold(&name)),
        }))
    }
}
