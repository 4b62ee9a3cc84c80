//! PostgreSQL's character set encodings by number and name, for pg_encoding_to_char and
//! pg_char_to_encoding (psql's `\l`, `\dc`, `\dO`). devdb's databases are all UTF8; the other
//! encodings are only names that catalogs (pg_conversion) mention.

use devdb_pg::{PgError, Value};

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
