//! Where a batch's answers go: the wire crate implements [`Sink`] by writing backend messages.

use devdb_pg::{Datum, Format, Oid, PgError};
use devdb_sql::Column;

/// The transaction status ReadyForQuery reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransactionStatus {
    /// `I`: not in a transaction block.
    Idle,
    /// `T`: in a transaction block.
    InTransaction,
    /// `E`: in a failed transaction block; statements are rejected until ROLLBACK.
    Failed,
}

impl TransactionStatus {
    /// The status byte of ReadyForQuery.
    pub fn byte(self) -> u8 {
        match self {
            TransactionStatus::Idle => b'I',
            TransactionStatus::InTransaction => b'T',
            TransactionStatus::Failed => b'E',
        }
    }
}

/// Receives a batch's answers in protocol order. Implemented by the wire crate's encoder, which
/// turns each call into backend message bytes; the engine never sees bytes. `Any` lets the
/// owner take its concrete sink back out of a [`crate::Reply`].
pub trait Sink: Send + std::any::Any {
    fn parse_complete(&mut self);
    fn bind_complete(&mut self);
    fn close_complete(&mut self);
    fn no_data(&mut self);
    fn portal_suspended(&mut self);
    fn empty_query(&mut self);
    fn parameter_description(&mut self, oids: &[Oid]);
    /// `formats` has one entry per column.
    fn row_description(&mut self, columns: &[Column], formats: &[Format]);
    /// One row; on error nothing of the row may remain in the output.
    fn data_row(
        &mut self,
        row: &[Datum<'_>],
        columns: &[Column],
        formats: &[Format],
    ) -> Result<(), PgError>;
    fn command_complete(&mut self, tag: &str);
    fn error(&mut self, err: &PgError);
    fn notice(&mut self, notice: &PgError);
    fn parameter_status(&mut self, name: &str, value: &str);
    fn ready_for_query(&mut self, status: TransactionStatus);
    /// COPY FROM STDIN begins: the client sends `columns` fields per row, in text or
    /// (`binary`) binary form.
    fn copy_in_response(&mut self, columns: usize, binary: bool);
    /// COPY TO STDOUT begins: CopyData messages follow, one per row.
    fn copy_out_response(&mut self, columns: usize, binary: bool);
    fn copy_data(&mut self, data: &[u8]);
    fn copy_done(&mut self);
    /// NotificationResponse: a NOTIFY on a channel the session listens on.
    fn notification(&mut self, note: &crate::Notification);
}

/// The part of an answer the engine's own sinks keep (COPY's rows, a cursor's rows, the first
/// error of an `--init` script); [`Kept`] drops the protocol messages around it.
pub(crate) trait Keep: Send + 'static {
    fn data_row(&mut self, _row: &[Datum<'_>], _columns: &[Column]) -> Result<(), PgError> {
        Ok(())
    }
    fn notice(&mut self, _notice: &PgError) {}
    fn error(&mut self, _err: &PgError) {}
}

/// A [`Sink`] that hands its [`Keep`] the rows, notices and errors, and drops the rest.
pub(crate) struct Kept<K>(pub K);

impl<K: Keep> Sink for Kept<K> {
    fn data_row(
        &mut self,
        row: &[Datum<'_>],
        columns: &[Column],
        _: &[Format],
    ) -> Result<(), PgError> {
        self.0.data_row(row, columns)
    }
    fn notice(&mut self, notice: &PgError) {
        self.0.notice(notice);
    }
    fn error(&mut self, err: &PgError) {
        self.0.error(err);
    }
    fn command_complete(&mut self, _: &str) {}
    fn parse_complete(&mut self) {}
    fn bind_complete(&mut self) {}
    fn close_complete(&mut self) {}
    fn no_data(&mut self) {}
    fn portal_suspended(&mut self) {}
    fn empty_query(&mut self) {}
    fn parameter_description(&mut self, _: &[Oid]) {}
    fn row_description(&mut self, _: &[Column], _: &[Format]) {}
    fn parameter_status(&mut self, _: &str, _: &str) {}
    fn ready_for_query(&mut self, _: TransactionStatus) {}
    fn copy_in_response(&mut self, _: usize, _: bool) {}
    fn copy_out_response(&mut self, _: usize, _: bool) {}
    fn copy_data(&mut self, _: &[u8]) {}
    fn copy_done(&mut self) {}
    fn notification(&mut self, _: &crate::Notification) {}
}
