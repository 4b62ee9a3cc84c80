//! COPY: `TO STDOUT` runs its query and writes the rows as CopyData; `FROM STDIN` ends the batch
//! with CopyInResponse, and the rows run when the client's data is complete (`Op::CopyDone`),
//! so a client that stalls mid-COPY holds nothing of the engine.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use devdb_pg::copy::{self, CopyFormat};
use devdb_pg::{Datum, PgError, SqlState, Value, value};
use devdb_sql::{Column, CopyFrom, Translated};

use super::statement::{Delivery, Nap};
use super::{Batch, Engine, QueryProgress, Stop};
use crate::session::Session;
use crate::sink::{Keep, Kept};
use crate::{Op, SessionId, Sink};

/// A `COPY ... FROM STDIN` waiting for the client's data.
pub(crate) struct PendingCopy {
    statement: Arc<Translated>,
    /// The simple Query the COPY belongs to, resumed after it.
    query: Option<(String, QueryProgress)>,
    /// Set when the client sent something other than copy messages meanwhile, or when the
    /// COPY's wait for the writer timed out or was canceled.
    pub(super) failed: Option<PgError>,
}

impl Engine {
    /// `COPY ... TO STDOUT`: the query's rows as CopyData, then `COPY n`.
    pub(super) fn copy_out(
        &mut self,
        id: SessionId,
        session: &mut Session,
        t: &Translated,
        format: &CopyFormat,
        params: &[Value],
        sink: &mut dyn Sink,
    ) -> Result<(), Stop> {
        let out = self.run_kept(id, session, t, params, CopySink::new(format), sink)?;
        sink.copy_out_response(t.columns.len(), format.binary);
        if format.header {
            let mut header = BytesMut::new();
            let names = t.columns.iter().map(|c| Some(c.name.as_str()));
            copy::write_row(&mut header, names, format);
            sink.copy_data(&header);
        }
        let mut start = 0;
        for &end in &out.row_ends {
            sink.copy_data(&out.data[start..end]);
            start = end;
        }
        if format.binary {
            // The header goes with the first row, the trailer on its own, as PostgreSQL sends.
            let mut last = BytesMut::new();
            if out.row_ends.is_empty() {
                last.extend_from_slice(copy::BINARY_HEADER);
            }
            last.extend_from_slice(copy::BINARY_TRAILER);
            sink.copy_data(&last);
        }
        sink.copy_done();
        sink.command_complete(&format!("COPY {}", out.row_ends.len()));
        Ok(())
    }

    /// `COPY ... FROM STDIN` starts: the client is asked for its data and the batch ends.
    pub(super) fn copy_in_start(
        &mut self,
        session: &mut Session,
        t: &Translated,
        spec: &CopyFrom,
        sink: &mut dyn Sink,
    ) -> Result<(), Stop> {
        if session.transaction.mode.read_only == Some(true) {
            return Err(PgError::new(
                SqlState::READ_ONLY_SQL_TRANSACTION,
                "cannot execute COPY FROM in a read-only transaction",
            )
            .into());
        }
        sink.copy_in_response(spec.columns.len(), spec.format.binary);
        session.copy = Some(PendingCopy {
            statement: Arc::new(t.clone()),
            query: None,
            failed: None,
        });
        Err(Stop::CopyIn)
    }

    /// The batch that started a COPY FROM ends: the simple Query it came from is kept to be
    /// resumed, and whatever the client sent after the COPY is dropped as PostgreSQL does
    /// (Sync and Flush are ignored during COPY; anything else fails it).
    pub(super) fn copy_in_suspend(&mut self, batch: &mut Batch, session: &mut Session) {
        let Some(pending) = session.copy.as_mut() else {
            return;
        };
        if let (Some(Op::Query { sql }), Some(progress)) =
            (batch.ops.get(batch.pos), batch.query.take())
        {
            pending.query = Some((sql.clone(), progress));
        }
        let rest = batch.ops.drain(batch.pos + 1..);
        if rest
            .into_iter()
            .any(|op| !matches!(op, Op::Sync | Op::Flush))
        {
            pending.failed = Some(PgError::protocol_violation(
                "unexpected message type during COPY from stdin",
            ));
        }
        batch.pos = batch.ops.len();
    }

    /// The client's COPY data is complete (`data`), or it gave up (`Err(message)`): inserts the
    /// rows, then resumes the simple Query the COPY was part of (which reports an error and
    /// ends), or fails the extended-protocol batch.
    pub(super) fn copy_in_finish(
        &mut self,
        id: SessionId,
        session: &mut Session,
        batch: &mut Batch,
        data: Result<&Bytes, &str>,
    ) -> Result<(), Stop> {
        let Some(pending) = session.copy.take() else {
            // Copy messages outside COPY are ignored, as the protocol says.
            return Ok(());
        };
        let outcome = match (&pending.failed, data) {
            (Some(err), _) => Err(err.clone()),
            (None, Err(message)) => Err(PgError::new(
                SqlState::QUERY_CANCELED,
                format!("COPY from stdin failed: {message}"),
            )),
            (None, Ok(data)) => match self.copy_rows(id, session, &pending.statement, data) {
                Err(Stop::Park(wait)) => {
                    // Nothing was inserted yet: the whole COPY runs when the writer is free.
                    session.copy = Some(pending);
                    return Err(Stop::Park(wait));
                }
                Err(Stop::CopyIn) => Err(PgError::internal("COPY inside COPY")),
                Err(Stop::Sleep(_)) => Err(PgError::internal("COPY parked to sleep")),
                Err(Stop::Error(err)) => Err(err),
                Ok(rows) => Ok(rows),
            },
        };
        if let Ok(rows) = &outcome {
            batch.sink.command_complete(&format!("COPY {rows}"));
        }
        let Some((sql, mut progress)) = pending.query else {
            return outcome.map(|_| ()).map_err(Stop::Error);
        };
        match outcome {
            Ok(_) => progress.next += 1,
            Err(err) => progress.failure = Some(err),
        }
        batch.ops.insert(batch.pos + 1, Op::Query { sql });
        batch.query = Some(progress);
        Ok(())
    }

    /// Inserts every row of `data`; the number inserted.
    fn copy_rows(
        &mut self,
        id: SessionId,
        session: &mut Session,
        t: &Translated,
        data: &Bytes,
    ) -> Result<usize, Stop> {
        let devdb_sql::Kind::CopyFrom(spec) = &t.kind else {
            return Err(PgError::internal("not a COPY FROM").into());
        };
        let context = |line: usize| format!("COPY {}, line {line}", spec.table);
        let at = |e: PgError| {
            let at = format!("COPY {}, {}", spec.table, e.context().unwrap_or(""));
            e.with_context(at)
        };
        // Parsed whole first (a malformed stream fails before any row runs), then each row
        // decoded and inserted in turn, so the first bad row is the one reported.
        let rows = if spec.format.binary {
            Rows::Binary(copy::parse_binary(data, spec.columns.len()).map_err(at)?)
        } else {
            Rows::Text(copy::parse(data, &spec.format, &spec.columns).map_err(at)?)
        };
        let count = rows.len();
        let mut answers = Kept(CopySink::new(&spec.format));
        let mut params = Vec::with_capacity(spec.types.len());
        for i in 0..count {
            let line = rows.decode(i, spec, &context, &mut params)?;
            let delivery = Delivery {
                params: &params,
                formats: &[],
                describe: false,
                limit: None,
                nap: Nap::InPlace,
            };
            self.run_sql(id, session, t, delivery, &mut answers)
                .map_err(|stop| match stop {
                    Stop::Error(e) => Stop::Error(e.with_context(context(line))),
                    other => other,
                })?;
        }
        Ok(count)
    }
}

/// The rows of COPY FROM's data as its format splits them.
enum Rows<'a> {
    Text(Vec<copy::Row>),
    Binary(Vec<Vec<Option<&'a [u8]>>>),
}

impl Rows<'_> {
    fn len(&self) -> usize {
        match self {
            Rows::Text(rows) => rows.len(),
            Rows::Binary(rows) => rows.len(),
        }
    }

    /// Row `i`'s fields decoded into `params` (NULL as NULL), PostgreSQL's context on an error;
    /// the row's line number.
    fn decode(
        &self,
        i: usize,
        spec: &CopyFrom,
        context: &dyn Fn(usize) -> String,
        params: &mut Vec<Value>,
    ) -> Result<usize, PgError> {
        params.clear();
        let columns = spec.types.iter().zip(&spec.columns);
        match self {
            Rows::Text(rows) => {
                let Some(row) = rows.get(i) else {
                    return Ok(i + 1);
                };
                for (field, (ty, column)) in row.fields.iter().zip(columns) {
                    params.push(match field {
                        None => Value::Null,
                        Some(text) => value::decode_text(*ty, text).map_err(|e| {
                            e.with_context(format!(
                                "{}, column {column}: \"{text}\"",
                                context(row.line)
                            ))
                        })?,
                    });
                }
                Ok(row.line)
            }
            Rows::Binary(rows) => {
                let fields = rows.get(i).map_or(&[][..], Vec::as_slice);
                for (field, (ty, column)) in fields.iter().zip(columns) {
                    params.push(match field {
                        None => Value::Null,
                        Some(bytes) => value::decode_binary(*ty, bytes).map_err(|e| {
                            e.with_context(format!("{}, column {column}", context(i + 1)))
                        })?,
                    });
                }
                Ok(i + 1)
            }
        }
    }
}

/// Collects what a statement run by COPY produces: its rows in the copy format (one CopyData
/// per row, as PostgreSQL sends); the per-row answers of COPY FROM's INSERTs are dropped.
struct CopySink {
    format: CopyFormat,
    data: BytesMut,
    /// Where each row ends in `data`: one CopyData message per row, as PostgreSQL sends.
    row_ends: Vec<usize>,
}

impl CopySink {
    fn new(format: &CopyFormat) -> CopySink {
        CopySink {
            format: format.clone(),
            data: BytesMut::new(),
            row_ends: Vec::new(),
        }
    }
}

impl Keep for CopySink {
    fn data_row(&mut self, row: &[Datum<'_>], columns: &[Column]) -> Result<(), PgError> {
        if self.format.binary {
            if self.row_ends.is_empty() {
                self.data.extend_from_slice(copy::BINARY_HEADER);
            }
            let mut values = BytesMut::new();
            let mut ends = Vec::with_capacity(row.len());
            for (datum, column) in row.iter().zip(columns) {
                if !matches!(datum, Datum::Null) {
                    value::encode_column(
                        column.ty,
                        column.enum_oid,
                        *datum,
                        devdb_pg::Format::Binary,
                        &mut values,
                    )?;
                }
                ends.push((!matches!(datum, Datum::Null)).then_some(values.len()));
            }
            let mut start = 0;
            let fields: Vec<Option<&[u8]>> = ends
                .iter()
                .map(|end| {
                    end.map(|end| {
                        let field = &values[start..end];
                        start = end;
                        field
                    })
                })
                .collect();
            copy::write_binary_row(&mut self.data, &fields);
            self.row_ends.push(self.data.len());
            return Ok(());
        }
        let mut texts = BytesMut::new();
        let mut ends = Vec::with_capacity(row.len());
        for (datum, column) in row.iter().zip(columns) {
            let null = matches!(datum, Datum::Null);
            value::encode_text(column.ty, *datum, &mut texts);
            ends.push((!null).then_some(texts.len()));
        }
        let mut start = 0;
        let fields = ends.iter().map(|end| {
            end.and_then(|end| {
                let field = std::str::from_utf8(&texts[start..end]).ok();
                start = end;
                field
            })
        });
        copy::write_row(&mut self.data, fields, &self.format);
        self.row_ends.push(self.data.len());
        Ok(())
    }
}
