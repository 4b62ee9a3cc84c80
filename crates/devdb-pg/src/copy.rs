//! COPY's text, CSV and binary formats: splitting the bytes a client streams into `COPY ... FROM
//! STDIN` into rows of fields, and writing rows for `COPY ... TO STDOUT`, with PostgreSQL's
//! escaping, quoting and NULL rules (see the COPY reference page, "File Formats").

use bytes::{BufMut, BytesMut};

use crate::{PgError, SqlState};

/// The format options of one COPY statement, with PostgreSQL's defaults filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyFormat {
    pub csv: bool,
    /// Binary format: each field in its type's binary form (the text options do not apply).
    pub binary: bool,
    pub delimiter: char,
    /// The string that stands for NULL: `\N` in text format, the empty string in CSV.
    pub null: String,
    pub header: bool,
    pub quote: char,
    pub escape: char,
}

impl CopyFormat {
    pub fn text() -> CopyFormat {
        CopyFormat {
            csv: false,
            binary: false,
            delimiter: '\t',
            null: "\\N".into(),
            header: false,
            quote: '"',
            escape: '"',
        }
    }

    pub fn csv() -> CopyFormat {
        CopyFormat {
            csv: true,
            delimiter: ',',
            null: String::new(),
            ..CopyFormat::text()
        }
    }

    pub fn binary() -> CopyFormat {
        CopyFormat {
            binary: true,
            ..CopyFormat::text()
        }
    }

    /// PostgreSQL's checks on the options, after they are all set.
    pub fn validate(&self) -> Result<(), PgError> {
        let invalid = |m: &str| Err(PgError::new(SqlState::INVALID_PARAMETER_VALUE, m));
        if !self.delimiter.is_ascii() {
            return invalid("COPY delimiter must be a single one-byte character");
        }
        if matches!(self.delimiter, '\n' | '\r') {
            return invalid("COPY delimiter cannot be newline or carriage return");
        }
        if self.null.contains(['\n', '\r']) {
            return invalid("COPY null representation cannot use newline or carriage return");
        }
        if !self.csv && self.delimiter == '\\' {
            return invalid("COPY delimiter cannot be \"\\\"");
        }
        if self.csv && !(self.quote.is_ascii() && self.escape.is_ascii()) {
            return invalid("COPY quote must be a single one-byte character");
        }
        if self.csv && self.delimiter == self.quote {
            return invalid("COPY delimiter and quote must be different");
        }
        if self.null.contains(self.delimiter) {
            return invalid("COPY delimiter must not appear in the NULL specification");
        }
        Ok(())
    }
}

/// The rows in `data`, each with one field per name in `columns` (None for NULL). Stops at an
/// end-of-data line `\.`. Errors are PostgreSQL's 22P04 and 22021, with the line as context
/// (`line 3`; the executor puts the table in front).
pub fn parse(data: &[u8], format: &CopyFormat, columns: &[String]) -> Result<Vec<Row>, PgError> {
    let text = std::str::from_utf8(data).map_err(|e| {
        PgError::new(
            SqlState::CHARACTER_NOT_IN_REPERTOIRE,
            format!(
                "invalid byte sequence for encoding \"UTF8\": 0x{:02x}",
                data.get(e.valid_up_to()).copied().unwrap_or_default()
            ),
        )
    })?;
    let mut rows = Vec::new();
    let mut reader = Reader {
        rest: text,
        line: 0,
    };
    if format.header {
        reader.next_record(format)?;
    }
    while let Some((line, text, fields)) = reader.next_record(format)? {
        // A line with nothing on it is one empty field (which fails below unless one column).
        if fields.len() > columns.len() {
            return Err(bad_format(
                line,
                text,
                "extra data after last expected column",
            ));
        }
        if let Some(missing) = columns.get(fields.len()) {
            return Err(bad_format(
                line,
                text,
                &format!("missing data for column \"{missing}\""),
            ));
        }
        rows.push(Row { line, fields });
    }
    Ok(rows)
}

/// One input row: the line it started on (for error context) and its fields.
#[derive(Debug, PartialEq)]
pub struct Row {
    pub line: usize,
    pub fields: Vec<Option<String>>,
}

/// 22P04, with PostgreSQL's context: the line number and the line as read.
fn bad_format(line: usize, text: &str, message: &str) -> PgError {
    PgError::new(SqlState::BAD_COPY_FILE_FORMAT, message)
        .with_context(format!("line {line}: \"{text}\""))
}

/// Reads records one at a time; a CSV field may span lines.
struct Reader<'a> {
    rest: &'a str,
    /// The 1-based number of the last line read.
    line: usize,
}

impl<'a> Reader<'a> {
    /// The next record: the number of the line it starts on, that line as read, its fields.
    #[allow(clippy::type_complexity)]
    fn next_record(
        &mut self,
        format: &CopyFormat,
    ) -> Result<Option<(usize, &'a str, Vec<Option<String>>)>, PgError> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        self.line += 1;
        let start = self.line;
        let line_end = self.rest.find('\n').unwrap_or(self.rest.len());
        let first_line = self.rest[..line_end].trim_end_matches('\r');
        if first_line == "\\." {
            self.rest = "";
            return Ok(None);
        }
        let fields = if format.csv {
            self.csv_record(format, first_line)?
        } else {
            self.rest = self.rest.get(line_end + 1..).unwrap_or("");
            text_record(first_line, format, self.line)?
        };
        Ok(Some((start, first_line, fields)))
    }

    fn csv_record(
        &mut self,
        format: &CopyFormat,
        first_line: &str,
    ) -> Result<Vec<Option<String>>, PgError> {
        let mut fields = Vec::new();
        let mut chars = self.rest.char_indices().peekable();
        let mut field = String::new();
        let mut quoted = false;
        let mut in_quotes = false;
        let mut consumed = self.rest.len();
        while let Some((i, c)) = chars.next() {
            if in_quotes {
                if c == format.escape && chars.peek().is_some_and(|&(_, next)| next == format.quote)
                {
                    chars.next();
                    field.push(format.quote);
                } else if c == format.quote {
                    in_quotes = false;
                } else {
                    if c == '\n' {
                        self.line += 1;
                    }
                    field.push(c);
                }
                continue;
            }
            if c == format.quote {
                in_quotes = true;
                quoted = true;
            } else if c == format.delimiter {
                fields.push(csv_field(std::mem::take(&mut field), quoted, format));
                quoted = false;
            } else if c == '\n' {
                consumed = i + 1;
                break;
            } else if c == '\r' && chars.peek().is_none_or(|&(_, next)| next == '\n') {
                // The \r of a \r\n line end.
            } else {
                field.push(c);
            }
        }
        if in_quotes {
            return Err(bad_format(
                self.line,
                first_line,
                "unterminated CSV quoted field",
            ));
        }
        fields.push(csv_field(field, quoted, format));
        self.rest = self.rest.get(consumed..).unwrap_or("");
        Ok(fields)
    }
}

/// In CSV an unquoted field equal to the NULL string is NULL; a quoted one never is.
fn csv_field(field: String, quoted: bool, format: &CopyFormat) -> Option<String> {
    (quoted || field != format.null).then_some(field)
}

fn text_record(
    line: &str,
    format: &CopyFormat,
    number: usize,
) -> Result<Vec<Option<String>>, PgError> {
    let mut fields = Vec::new();
    let mut raw_start = 0;
    let mut field = String::new();
    let mut chars = line.char_indices().peekable();
    let finish = |raw: &str, field: String, fields: &mut Vec<Option<String>>| {
        // The NULL string is matched before de-escaping, as PostgreSQL does.
        fields.push((raw != format.null).then_some(field));
    };
    while let Some((i, c)) = chars.next() {
        if c == format.delimiter {
            finish(&line[raw_start..i], std::mem::take(&mut field), &mut fields);
            raw_start = i + c.len_utf8();
        } else if c == '\\' {
            let Some((_, e)) = chars.next() else {
                return Err(bad_format(number, line, "end-of-copy marker corrupt"));
            };
            match e {
                'b' => field.push('\u{8}'),
                'f' => field.push('\u{c}'),
                'n' => field.push('\n'),
                'r' => field.push('\r'),
                't' => field.push('\t'),
                'v' => field.push('\u{b}'),
                '0'..='7' => {
                    let mut value = e.to_digit(8).unwrap_or(0);
                    for _ in 0..2 {
                        match chars.peek().and_then(|&(_, d)| d.to_digit(8)) {
                            Some(d) => {
                                value = value * 8 + d;
                                chars.next();
                            }
                            None => break,
                        }
                    }
                    push_byte(&mut field, value, number)?;
                }
                'x' if chars.peek().is_some_and(|&(_, d)| d.is_ascii_hexdigit()) => {
                    let mut value = 0;
                    for _ in 0..2 {
                        match chars.peek().and_then(|&(_, d)| d.to_digit(16)) {
                            Some(d) => {
                                value = value * 16 + d;
                                chars.next();
                            }
                            None => break,
                        }
                    }
                    push_byte(&mut field, value, number)?;
                }
                other => field.push(other),
            }
        } else {
            field.push(c);
        }
    }
    finish(&line[raw_start..], field, &mut fields);
    Ok(fields)
}

/// An escaped byte: devdb's text is UTF-8, so only ASCII bytes can stand alone.
fn push_byte(field: &mut String, value: u32, line: usize) -> Result<(), PgError> {
    match char::from_u32(value).filter(char::is_ascii) {
        Some(c) if c != '\0' => {
            field.push(c);
            Ok(())
        }
        _ => Err(PgError::new(
            SqlState::CHARACTER_NOT_IN_REPERTOIRE,
            format!("invalid byte sequence for encoding \"UTF8\": 0x{value:02x}"),
        )
        .with_context(format!("line {line}"))),
    }
}

/// Appends one row of `COPY ... TO` output (fields in PostgreSQL's text output, None for NULL).
pub fn write_row<'a>(
    out: &mut BytesMut,
    fields: impl IntoIterator<Item = Option<&'a str>>,
    format: &CopyFormat,
) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            put_char(out, format.delimiter);
        }
        match field {
            None => out.put_slice(format.null.as_bytes()),
            Some(text) if format.csv => write_csv_field(out, text, format),
            Some(text) => write_text_field(out, text, format.delimiter),
        }
    }
    out.put_u8(b'\n');
}

fn put_char(out: &mut BytesMut, c: char) {
    let mut buf = [0u8; 4];
    out.put_slice(c.encode_utf8(&mut buf).as_bytes());
}

fn write_text_field(out: &mut BytesMut, text: &str, delimiter: char) {
    for c in text.chars() {
        let escaped = match c {
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\u{8}' => "\\b",
            '\u{c}' => "\\f",
            '\u{b}' => "\\v",
            c if c == delimiter => {
                out.put_u8(b'\\');
                put_char(out, c);
                continue;
            }
            c => {
                put_char(out, c);
                continue;
            }
        };
        out.put_slice(escaped.as_bytes());
    }
}

fn write_csv_field(out: &mut BytesMut, text: &str, format: &CopyFormat) {
    let needs_quotes = text == format.null
        || text.starts_with("\\.")
        || text
            .chars()
            .any(|c| c == format.delimiter || c == format.quote || c == '\n' || c == '\r');
    if !needs_quotes {
        out.put_slice(text.as_bytes());
        return;
    }
    put_char(out, format.quote);
    for c in text.chars() {
        if c == format.quote || c == format.escape {
            put_char(out, format.escape);
        }
        put_char(out, c);
    }
    put_char(out, format.quote);
}

/// What binary COPY data starts with: the signature, the flags (none) and the length of the
/// header extension (none).
pub const BINARY_HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

/// What ends binary COPY data: a field count of -1.
pub const BINARY_TRAILER: &[u8] = &[0xff, 0xff];

/// The rows of binary COPY data, each with one field per column (None for NULL), as
/// PostgreSQL's CopyReadBinaryTuple reads them (22P04 for anything malformed).
pub fn parse_binary(data: &[u8], columns: usize) -> Result<Vec<Vec<Option<&[u8]>>>, PgError> {
    let bad = |m: &str| PgError::new(SqlState::BAD_COPY_FILE_FORMAT, m);
    let mut rest = data;
    let mut take = |n: usize| -> Option<&[u8]> {
        let (head, tail) = (rest.get(..n)?, rest.get(n..)?);
        rest = tail;
        Some(head)
    };
    if take(11) != Some(&BINARY_HEADER[..11]) {
        return Err(bad("COPY file signature not recognized"));
    }
    let flags = take(4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| bad("invalid COPY file header (missing flags)"))?;
    if flags & (1 << 16) != 0 {
        return Err(bad("invalid COPY file header (WITH OIDS)"));
    }
    if flags >> 16 != 0 {
        return Err(bad("unrecognized critical flags in COPY file header"));
    }
    let extension = take(4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| bad("invalid COPY file header (missing length)"))?;
    take(extension as usize).ok_or_else(|| bad("invalid COPY file header (wrong length)"))?;
    let mut rows = Vec::new();
    loop {
        let line = rows.len() + 1;
        let at_line = |e: PgError| e.with_context(format!("line {line}"));
        let Some(count) = take(2).map(|b| i16::from_be_bytes([b[0], b[1]])) else {
            // The client ended the data without the trailer: PostgreSQL takes that too.
            return Ok(rows);
        };
        if count == -1 {
            if take(1).is_some() {
                return Err(at_line(bad("received copy data after EOF marker")));
            }
            return Ok(rows);
        }
        if usize::try_from(count).ok() != Some(columns) {
            return Err(at_line(bad(&format!(
                "row field count is {count}, expected {columns}"
            ))));
        }
        let mut fields = Vec::with_capacity(columns);
        for _ in 0..columns {
            let size = take(4)
                .map(|b| i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
                .ok_or_else(|| at_line(bad("unexpected EOF in COPY data")))?;
            fields.push(match size {
                -1 => None,
                n if n < 0 => return Err(at_line(bad("invalid field size"))),
                n => Some(
                    take(n as usize).ok_or_else(|| at_line(bad("unexpected EOF in COPY data")))?,
                ),
            });
        }
        rows.push(fields);
    }
}

/// Appends one row of binary `COPY ... TO` output: the field count, then each field's length
/// (-1 for NULL) and bytes.
pub fn write_binary_row(out: &mut BytesMut, fields: &[Option<&[u8]>]) {
    out.put_i16(i16::try_from(fields.len()).unwrap_or(i16::MAX));
    for field in fields {
        match field {
            None => out.put_i32(-1),
            Some(bytes) => {
                out.put_i32(i32::try_from(bytes.len()).unwrap_or(i32::MAX));
                out.put_slice(bytes);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("c{i}")).collect()
    }

    fn rows(data: &str, format: &CopyFormat, columns: usize) -> Vec<Vec<Option<String>>> {
        let rows = parse(data.as_bytes(), format, &names(columns)).expect("rows");
        rows.into_iter().map(|r| r.fields).collect()
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    #[test]
    fn text_format_fields_escapes_and_nulls() {
        let data = "1\ta\\tb\t\\N\n2\tline\\nbreak\\\\\t\\x41\\101\n\\.\nignored\n";
        assert_eq!(
            rows(data, &CopyFormat::text(), 3),
            [
                vec![some("1"), some("a\tb"), None],
                vec![some("2"), some("line\nbreak\\"), some("AA")],
            ]
        );
    }

    #[test]
    fn text_format_counts_columns_like_postgres() {
        let err = parse(b"1\t2\t3\n", &CopyFormat::text(), &names(2)).expect_err("an error");
        assert_eq!(
            (err.code, err.message.as_str()),
            (
                SqlState::BAD_COPY_FILE_FORMAT,
                "extra data after last expected column"
            )
        );
        let err = parse(b"1\n", &CopyFormat::text(), &names(2)).expect_err("an error");
        assert_eq!(err.message, "missing data for column \"c2\"");
    }

    #[test]
    fn csv_quotes_nulls_headers_and_embedded_newlines() {
        let format = CopyFormat {
            header: true,
            ..CopyFormat::csv()
        };
        let data = "id,name,note\r\n1,\"a, b\",\r\n2,\"\",\"say \"\"hi\"\"\nthere\"\n";
        let lines: Vec<usize> = parse(data.as_bytes(), &format, &names(3))
            .expect("rows")
            .iter()
            .map(|r| r.line)
            .collect();
        assert_eq!(lines, [2, 3]);
        assert_eq!(
            rows(data, &format, 3),
            [
                vec![some("1"), some("a, b"), None],
                vec![some("2"), some(""), some("say \"hi\"\nthere")],
            ]
        );
        let err = parse(b"1,\"open\n", &CopyFormat::csv(), &names(2)).expect_err("an error");
        assert_eq!(err.message, "unterminated CSV quoted field");
    }

    #[test]
    fn written_rows_read_back_the_same() {
        let fields = [
            Some("tab\there"),
            None,
            Some(""),
            Some("back\\slash\nnl"),
            Some("a,\"b\""),
        ];
        for format in [CopyFormat::text(), CopyFormat::csv()] {
            let mut out = BytesMut::new();
            write_row(&mut out, fields, &format);
            let back = rows(
                std::str::from_utf8(&out).expect("utf-8"),
                &format,
                fields.len(),
            );
            let expected: Vec<Option<String>> =
                fields.iter().map(|f| f.map(str::to_owned)).collect();
            assert_eq!(back, [expected], "{format:?}: {out:?}");
        }
    }

    #[test]
    fn text_output_matches_postgres_spelling() {
        let mut out = BytesMut::new();
        write_row(
            &mut out,
            [Some("a\tb"), None, Some("c\\d")],
            &CopyFormat::text(),
        );
        assert_eq!(&out[..], b"a\\tb\t\\N\tc\\\\d\n");
        let mut out = BytesMut::new();
        write_row(&mut out, [Some(""), None, Some("x,y")], &CopyFormat::csv());
        assert_eq!(&out[..], b"\"\",,\"x,y\"\n");
    }

    #[test]
    fn invalid_utf8_is_22021() {
        let err = parse(b"\xff\n", &CopyFormat::text(), &names(1)).expect_err("an error");
        assert_eq!(err.code, SqlState::CHARACTER_NOT_IN_REPERTOIRE);
    }
}
