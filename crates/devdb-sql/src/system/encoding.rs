//! PostgreSQL's character set encodings by number and name, for pg_encoding_to_char and
//! pg_char_to_encoding (psql's `\l`, `\dc`, `\dO`). devdb's databases are all UTF8; the other
//! encodings are only names that catalogs (pg_conversion) mention.

use devdb_pg::{PgError, SqlState, Value};

/// The encoding of every devdb database.
pub const UTF8: &str = "UTF8";

/// The encodings in the order of their numbers (PostgreSQL's `pg_enc`).
const NAMES: [&str; 42] = [
    "SQL_ASCII",
    "EUC_JP",
    "EUC_CN",
    "EUC_KR",
    "EUC_TW",
    "EUC_JIS_2004",
    UTF8,
    "MULE_INTERNAL",
    "LATIN1",
    "LATIN2",
    "LATIN3",
    "LATIN4",
    "LATIN5",
    "LATIN6",
    "LATIN7",
    "LATIN8",
    "LATIN9",
    "LATIN10",
    "WIN1256",
    "WIN1258",
    "WIN866",
    "WIN874",
    "KOI8R",
    "WIN1251",
    "WIN1252",
    "ISO_8859_5",
    "ISO_8859_6",
    "ISO_8859_7",
    "ISO_8859_8",
    "WIN1250",
    "WIN1253",
    "WIN1254",
    "WIN1255",
    "WIN1257",
    "KOI8U",
    "SJIS",
    "BIG5",
    "GBK",
    "UHC",
    "GB18030",
    "JOHAB",
    "SHIFT_JIS_2004",
];

/// The other names pg_char_to_encoding accepts (PostgreSQL's `pg_encname_tbl`), cleaned as
/// [`clean`] cleans them, with the encoding each names.
const ALIASES: [(&str, &str); 29] = [
    ("abc", "WIN1258"),
    ("alt", "WIN866"),
    ("iso88591", "LATIN1"),
    ("iso885910", "LATIN6"),
    ("iso885913", "LATIN7"),
    ("iso885914", "LATIN8"),
    ("iso885915", "LATIN9"),
    ("iso885916", "LATIN10"),
    ("iso88592", "LATIN2"),
    ("iso88593", "LATIN3"),
    ("iso88594", "LATIN4"),
    ("iso88599", "LATIN5"),
    ("koi8", "KOI8R"),
    ("mskanji", "SJIS"),
    ("shiftjis", "SJIS"),
    ("tcvn", "WIN1258"),
    ("tcvn5712", "WIN1258"),
    ("unicode", UTF8),
    ("vscii", "WIN1258"),
    ("win", "WIN1251"),
    ("win932", "SJIS"),
    ("win936", "GBK"),
    ("win949", "UHC"),
    ("win950", "BIG5"),
    ("windows932", "SJIS"),
    ("windows936", "GBK"),
    ("windows949", "UHC"),
    ("windows950", "BIG5"),
    ("windows866", "WIN866"),
];

/// A name as PostgreSQL compares encoding names: letters and digits only, in lower case.
fn clean(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The number of the encoding `name` names, -1 for none.
fn number(name: &str) -> i64 {
    let name = clean(name);
    // `windows1250` is `win1250`, as for every Windows code page.
    let name = match name.strip_prefix("windows") {
        Some(page) if NAMES.iter().any(|n| clean(n) == format!("win{page}")) => {
            format!("win{page}")
        }
        _ => name,
    };
    let canonical = ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map_or(name.as_str(), |(_, encoding)| encoding);
    NAMES
        .iter()
        .position(|n| clean(n) == clean(canonical))
        .map_or(-1, |i| i as i64)
}

/// pg_encoding_to_char(number): the encoding's name, '' for a number that names none.
pub(crate) fn pg_encoding_to_char(args: &[Value]) -> Result<Value, PgError> {
    Ok(match args.first() {
        Some(Value::Int(n)) => Value::Text(
            usize::try_from(*n)
                .ok()
                .and_then(|i| NAMES.get(i))
                .map_or("", |n| *n)
                .to_owned(),
        ),
        _ => Value::Null,
    })
}

/// pg_char_to_encoding(name): the encoding's number, -1 for a name that names none.
pub(crate) fn pg_char_to_encoding(args: &[Value]) -> Result<Value, PgError> {
    Ok(match args.first() {
        Some(Value::Text(name)) => Value::Int(number(name)),
        _ => Value::Null,
    })
}

/// convert_to(text, encoding): the text's bytes in `encoding`; devdb's text is UTF8, so only
/// UTF8 (and SQL_ASCII, which takes the bytes as they are) converts.
pub(crate) fn pg_convert_to(args: &[Value]) -> Result<Value, PgError> {
    let (Some(Value::Text(text)), Some(Value::Text(name))) = (args.first(), args.get(1)) else {
        return Ok(Value::Null);
    };
    bytes_encoding(name, "destination")?;
    Ok(Value::Blob(text.as_bytes().to_vec()))
}

/// convert_from(bytea, encoding): the bytes read as text in `encoding`, which must then be
/// valid UTF8 (22021 otherwise, as PostgreSQL's check of a UTF8 database's text).
pub(crate) fn pg_convert_from(args: &[Value]) -> Result<Value, PgError> {
    let (Some(Value::Blob(bytes)), Some(Value::Text(name))) = (args.first(), args.get(1)) else {
        return Ok(Value::Null);
    };
    bytes_encoding(name, "source")?;
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.contains('\0') => Ok(Value::Text(text.to_owned())),
        _ => {
            let at = std::str::from_utf8(bytes)
                .map_or_else(|e| e.valid_up_to(), |t| t.find('\0').unwrap_or(0));
            // The bytes of the character as its first byte announces it, as PostgreSQL
            // reports them.
            let length = match bytes.get(at).copied().unwrap_or(0) {
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                0xf0..=0xf7 => 4,
                _ => 1,
            };
            let shown: Vec<String> = bytes[at..]
                .iter()
                .take(length)
                .map(|b| format!("0x{b:02x}"))
                .collect();
            Err(PgError::new(
                SqlState::CHARACTER_NOT_IN_REPERTOIRE,
                format!(
                    "invalid byte sequence for encoding \"UTF8\": {}",
                    shown.join(" ")
                ),
            ))
        }
    }
}

/// Checks that convert_to/convert_from can use the encoding `name`: 22023 for a name that is
/// no encoding, 0A000 for one other than UTF8 and SQL_ASCII.
fn bytes_encoding(name: &str, role: &str) -> Result<(), PgError> {
    match usize::try_from(number(name))
        .ok()
        .and_then(|i| NAMES.get(i))
    {
        Some(&UTF8) | Some(&"SQL_ASCII") => Ok(()),
        Some(other) => Err(PgError::feature_not_supported(format!(
            "conversions to and from {other} (devdb's text is UTF8)"
        ))),
        None => Err(PgError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("invalid {role} encoding name \"{name}\""),
        )),
    }
}
