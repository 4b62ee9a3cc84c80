//! The engine's answers as backend message bytes: the wire crate's implementation of
//! `devdb_exec::Sink`, writing into one buffer that is flushed once per batch.

use bytes::BytesMut;
use devdb_exec::Column;
use devdb_exec::{Notification, Sink, TransactionStatus};
use devdb_pg::{Datum, Format, Oid, PgError, PgType, value};

use crate::backend::{self, FieldDescription};

/// Collects a batch's backend messages.
#[derive(Default)]
pub(crate) struct Encoder {
    pub out: BytesMut,
}

impl Sink for Encoder {
    fn parse_complete(&mut self) {
        backend::parse_complete(&mut self.out);
    }

    fn bind_complete(&mut self) {
        backend::bind_complete(&mut self.out);
    }

    fn close_complete(&mut self) {
        backend::close_complete(&mut self.out);
    }

    fn no_data(&mut self) {
        backend::no_data(&mut self.out);
    }

    fn portal_suspended(&mut self) {
        backend::portal_suspended(&mut self.out);
    }

    fn empty_query(&mut self) {
        backend::empty_query_response(&mut self.out);
    }

    fn parameter_description(&mut self, oids: &[Oid]) {
        backend::parameter_description(&mut self.out, oids);
    }

    fn row_description(&mut self, columns: &[Column], formats: &[Format]) {
        let fields: Vec<FieldDescription<'_>> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| FieldDescription {
                name: &c.name,
                table_oid: 0,
                column_id: 0,
                type_oid: c.type_oid(),
                type_len: c.ty.typlen(),
                type_modifier: c.typmod,
                format: formats.get(i).copied().unwrap_or_default(),
            })
            .collect();
        backend::row_description(&mut self.out, &fields);
    }

    fn data_row(
        &mut self,
        row: &[Datum<'_>],
        columns: &[Column],
        formats: &[Format],
    ) -> Result<(), PgError> {
        let start = backend::data_row_begin(&mut self.out, row.len() as i16);
        let result = encode_row(&mut self.out, row, columns, formats)
            .and_then(|()| backend::data_row_end(&mut self.out, start));
        if result.is_err() {
            self.out.truncate(start);
        }
        result
    }

    fn command_complete(&mut self, tag: &str) {
        backend::command_complete(&mut self.out, tag);
    }

    fn error(&mut self, err: &PgError) {
        backend::error_response(&mut self.out, err);
    }

    fn notice(&mut self, notice: &PgError) {
        backend::notice_response(&mut self.out, notice);
    }

    fn parameter_status(&mut self, name: &str, value: &str) {
        backend::parameter_status(&mut self.out, name, value);
    }

    fn ready_for_query(&mut self, status: TransactionStatus) {
        backend::ready_for_query(&mut self.out, status.byte());
    }

    fn copy_in_response(&mut self, columns: usize, binary: bool) {
        backend::copy_in_response(&mut self.out, columns, binary);
    }

    fn copy_out_response(&mut self, columns: usize, binary: bool) {
        backend::copy_out_response(&mut self.out, columns, binary);
    }

    fn copy_data(&mut self, data: &[u8]) {
        backend::copy_data(&mut self.out, data);
    }

    fn copy_done(&mut self) {
        backend::copy_done(&mut self.out);
    }

    fn notification(&mut self, note: &Notification) {
        backend::notification_response(&mut self.out, note.pid, &note.channel, &note.payload);
    }
}

fn encode_row(
    out: &mut BytesMut,
    row: &[Datum<'_>],
    columns: &[Column],
    formats: &[Format],
) -> Result<(), PgError> {
    for (i, datum) in row.iter().enumerate() {
        if let Datum::Null = datum {
            backend::data_row_null(out);
            continue;
        }
        let (ty, enum_oid) = columns
            .get(i)
            .map_or((PgType::Text, None), |c| (c.ty, c.enum_oid));
        let format = formats.get(i).copied().unwrap_or_default();
        backend::data_row_value(out, |buf| {
            value::encode_column(ty, enum_oid, *datum, format, buf)
        })?;
    }
    Ok(())
}
