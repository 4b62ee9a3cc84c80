//! POSIX regular expressions as PostgreSQL writes them (`~`, `~*`, `SIMILAR TO`, the regexp_
//! functions), on the `regex` crate. Its syntax covers what applications write (classes,
//! `[[:alpha:]]`, `\d`, anchors, alternation, bounds); back-references and lookaround are
//! refused by the pattern compiler with 2201B.

use std::cell::RefCell;
use std::collections::HashMap;

use devdb_pg::value::array::store;
use devdb_pg::{PgError, PgType, SqlState, Value};
use regex::{Regex, RegexBuilder};

use super::{arg, as_text};

/// Compiled patterns per thread; statements reuse one pattern across rows.
const CACHE_SIZE: usize = 64;

thread_local! {
    static CACHE: RefCell<HashMap<(String, bool), Regex>> = RefCell::new(HashMap::new());
}

fn compile(pattern: &str, icase: bool) -> Result<Regex, PgError> {
    let key = (pattern.to_owned(), icase);
    if let Some(re) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return Ok(re);
    }
    let re = RegexBuilder::new(pattern)
        .case_insensitive(icase)
        .build()
        .map_err(|e| {
            PgError::new(
                SqlState::INVALID_REGULAR_EXPRESSION,
                format!("invalid regular expression: {e}"),
            )
        })?;
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_SIZE {
            c.clear();
        }
        c.insert(key, re.clone());
    });
    Ok(re)
}

/// `pg_regex_match(text, pattern, icase)`: `~` and `~*`.
pub fn regex_match(args: &[Value]) -> Result<Value, PgError> {
    let (Some(text), Some(pattern)) = (as_text(arg(args, 0))?, as_text(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    let icase = matches!(arg(args, 2), Value::Int(1));
    Ok(Value::Int(compile(pattern, icase)?.is_match(text) as i64))
}

/// `pg_similar(text, pattern[, escape])`: SQL's SIMILAR TO, as PostgreSQL's similar_to_escape
/// turns it into an anchored regular expression.
pub fn similar(args: &[Value]) -> Result<Value, PgError> {
    let (Some(text), Some(pattern)) = (as_text(arg(args, 0))?, as_text(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    let Some(escape) = super::text::escape_arg(args)? else {
        return Ok(Value::Null);
    };
    let re = similar_to_regex(pattern, escape)?;
    Ok(Value::Int(compile(&re, false)?.is_match(text) as i64))
}

fn similar_to_regex(pattern: &str, escape: Option<char>) -> Result<String, PgError> {
    let mut out = String::from("^(?:");
    let mut chars = pattern.chars();
    let mut in_brackets = false;
    while let Some(c) = chars.next() {
        if Some(c) == escape {
            match chars.next() {
                Some(next) => push_literal(&mut out, next),
                None => {
                    return Err(PgError::new(
                        SqlState::INVALID_ESCAPE_SEQUENCE,
                        "invalid escape string",
                    ));
                }
            }
            continue;
        }
        if in_brackets {
            if c == ']' {
                in_brackets = false;
            }
            out.push(c);
            continue;
        }
        match c {
            '%' => out.push_str(".*"),
            '_' => out.push('.'),
            '[' => {
                in_brackets = true;
                out.push(c);
            }
            '|' | '*' | '+' | '?' | '{' | '}' | '(' | ')' => out.push(c),
            other => push_literal(&mut out, other),
        }
    }
    out.push_str(")$");
    Ok(out)
}

fn push_literal(out: &mut String, c: char) {
    out.push_str(&regex::escape(c.encode_utf8(&mut [0; 4])));
}

/// The flags of the regexp_ functions; None when they are NULL.
struct Flags {
    global: bool,
    icase: bool,
}

fn flags(v: Option<&Value>) -> Result<Option<Flags>, PgError> {
    let flags = match v {
        None => "",
        Some(v) => match as_text(v)? {
            None => return Ok(None),
            Some(f) => f,
        },
    };
    let mut out = Flags {
        global: false,
        icase: false,
    };
    for f in flags.chars() {
        match f {
            'g' => out.global = true,
            'i' => out.icase = true,
            'c' => out.icase = false,
            other => {
                return Err(PgError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    format!("invalid regular expression option: \"{other}\""),
                ));
            }
        }
    }
    Ok(Some(out))
}

/// One match as PostgreSQL's text[]: its parenthesized groups (NULL where one took no part),
/// or the whole match when the pattern has none; in the stored array form.
fn match_array(caps: &regex::Captures<'_>) -> Vec<u8> {
    let text =
        |m: Option<regex::Match<'_>>| m.map_or(Value::Null, |m| Value::Text(m.as_str().to_owned()));
    let items: Vec<Value> = match caps.len() {
        1 => vec![text(caps.get(0))],
        n => (1..n).map(|i| text(caps.get(i))).collect(),
    };
    store(PgType::Text, &items)
}

/// `pg_regexp_match(source, pattern[, flags])`: the first match's text[], NULL for none.
pub fn regexp_match(args: &[Value]) -> Result<Value, PgError> {
    let (Some(source), Some(pattern)) = (as_text(arg(args, 0))?, as_text(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    let Some(Flags { global, icase }) = flags(args.get(2))? else {
        return Ok(Value::Null);
    };
    if global {
        return Err(PgError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            "regexp_match() does not support the \"global\" option",
        )
        .with_hint("Use the regexp_matches function instead."));
    }
    Ok(compile(pattern, icase)?
        .captures(source)
        .map_or(Value::Null, |caps| Value::Blob(match_array(&caps))))
}

/// `pg_regexp_matches(source, pattern[, flags])`: the text[] of the first match, or of every
/// match with flag `g`, as a JSON array of their stored forms in hex (read by json_each).
pub fn regexp_matches(args: &[Value]) -> Result<Value, PgError> {
    let (Some(source), Some(pattern)) = (as_text(arg(args, 0))?, as_text(arg(args, 1))?) else {
        return Ok(Value::Text("[]".to_owned()));
    };
    let Some(Flags { global, icase }) = flags(args.get(2))? else {
        return Ok(Value::Text("[]".to_owned()));
    };
    let re = compile(pattern, icase)?;
    let hex = |caps: regex::Captures<'_>| {
        let hex: String = match_array(&caps)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("\"{hex}\"")
    };
    let matches: Vec<String> = match global {
        true => re.captures_iter(source).map(hex).collect(),
        false => re.captures(source).map(hex).into_iter().collect(),
    };
    Ok(Value::Text(format!("[{}]", matches.join(","))))
}

/// `pg_regexp_replace(source, pattern, replacement[, flags])`: the first match, or every
/// match with flag `g`; `i` ignores case; `\1`..`\9` and `\&` in the replacement.
pub fn regexp_replace(args: &[Value]) -> Result<Value, PgError> {
    let (Some(source), Some(pattern), Some(replacement)) = (
        as_text(arg(args, 0))?,
        as_text(arg(args, 1))?,
        as_text(arg(args, 2))?,
    ) else {
        return Ok(Value::Null);
    };
    let Some(Flags { global, icase }) = flags(args.get(3))? else {
        return Ok(Value::Null);
    };
    let re = compile(pattern, icase)?;
    let replacement = rust_replacement(replacement);
    let out = if global {
        re.replace_all(source, replacement.as_str())
    } else {
        re.replace(source, replacement.as_str())
    };
    Ok(Value::Text(out.into_owned()))
}

/// PostgreSQL's `\1` and `\&` as the regex crate's `${1}` and `${0}`; a `$` is literal.
fn rust_replacement(pg: &str) -> String {
    let mut out = String::with_capacity(pg.len());
    let mut chars = pg.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(d @ '1'..='9') => out.push_str(&format!("${{{d}}}")),
                Some('&') => out.push_str("${0}"),
                Some('$') => out.push_str("$$"),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            '$' => out.push_str("$$"),
            other => out.push(other),
        }
    }
    out
}

/// The flags of regexp_count, regexp_instr, regexp_substr, regexp_like and regexp_split_*,
/// which refuse `g`; None when NULL.
fn single_flags(v: Option<&Value>, function: &str) -> Result<Option<bool>, PgError> {
    let Some(Flags { global, icase }) = flags(v)? else {
        return Ok(None);
    };
    if global {
        return Err(PgError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("{function}() does not support the \"global\" option"),
        ));
    }
    Ok(Some(icase))
}

/// A positive integer parameter (`start`, `n`, `endoption`, `subexpr`), 22023 otherwise;
/// `default` when the call leaves it out, None when it is NULL.
fn counted(
    args: &[Value],
    i: usize,
    name: &str,
    default: i64,
    least: i64,
) -> Result<Option<i64>, PgError> {
    let Some(v) = args.get(i) else {
        return Ok(Some(default));
    };
    match super::as_int(v)? {
        Some(n) if n < least => Err(PgError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("invalid value for parameter \"{name}\": {n}"),
        )),
        other => Ok(other),
    }
}

/// The byte offset of the 1-based character `start` (the end when past it).
fn char_offset(source: &str, start: i64) -> usize {
    let skip = usize::try_from(start - 1).unwrap_or(usize::MAX);
    source
        .char_indices()
        .nth(skip)
        .map_or(source.len(), |(i, _)| i)
}

/// The 1-based character position of byte offset `at`.
fn char_position(source: &str, at: usize) -> i64 {
    source.get(..at).map_or(0, |s| s.chars().count() as i64) + 1
}

/// Matches of `pattern` in `source` from byte offset `from`, as PostgreSQL finds them: after
/// an empty match the search goes on one character further.
fn matches_from<'s>(re: &Regex, source: &'s str, from: usize) -> Vec<regex::Captures<'s>> {
    let mut out = Vec::new();
    let mut at = from;
    while at <= source.len() {
        let Some(caps) = re.captures_at(source, at) else {
            break;
        };
        let Some(whole) = caps.get(0) else {
            break;
        };
        at = if whole.is_empty() {
            whole.end()
                + source[whole.end()..]
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8)
        } else {
            whole.end()
        };
        out.push(caps);
    }
    out
}

/// The common arguments of regexp_count, regexp_instr and regexp_substr: source, pattern,
/// start, then the flags at `flags_at`. None when one is NULL.
fn search<'a>(
    args: &'a [Value],
    flags_at: usize,
    function: &str,
) -> Result<Option<(&'a str, Regex, usize)>, PgError> {
    let start = counted(args, 2, "start", 1, 1)?;
    let (Some(source), Some(pattern), Some(start)) =
        (as_text(arg(args, 0))?, as_text(arg(args, 1))?, start)
    else {
        return Ok(None);
    };
    let Some(icase) = single_flags(args.get(flags_at), function)? else {
        return Ok(None);
    };
    Ok(Some((
        source,
        compile(pattern, icase)?,
        char_offset(source, start),
    )))
}

/// `regexp_count(source, pattern[, start[, flags]])`.
pub fn regexp_count(args: &[Value]) -> Result<Value, PgError> {
    Ok(match search(args, 3, "regexp_count")? {
        Some((source, re, from)) => Value::Int(matches_from(&re, source, from).len() as i64),
        None => Value::Null,
    })
}

/// `regexp_instr(source, pattern[, start[, n[, endoption[, flags[, subexpr]]]]])`: where the
/// n-th match (or its group `subexpr`) starts, or ends with endoption 1; 0 for none.
pub fn regexp_instr(args: &[Value]) -> Result<Value, PgError> {
    let (n, end, group) = (
        counted(args, 3, "n", 1, 1)?,
        counted(args, 4, "endoption", 0, 0)?,
        counted(args, 6, "subexpr", 0, 0)?,
    );
    if end.is_some_and(|e| e > 1) {
        return Err(PgError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!(
                "invalid value for parameter \"endoption\": {}",
                end.unwrap_or(0)
            ),
        ));
    }
    let (Some((source, re, from)), Some(n), Some(end), Some(group)) =
        (search(args, 5, "regexp_instr")?, n, end, group)
    else {
        return Ok(Value::Null);
    };
    let found = nth_group(&re, source, from, n, group).map_or(0, |m| {
        char_position(source, if end == 1 { m.end() } else { m.start() })
    });
    Ok(Value::Int(found))
}

/// `regexp_substr(source, pattern[, start[, n[, flags[, subexpr]]]])`: the n-th match's text
/// (or its group's), NULL for none.
pub fn regexp_substr(args: &[Value]) -> Result<Value, PgError> {
    let (n, group) = (
        counted(args, 3, "n", 1, 1)?,
        counted(args, 5, "subexpr", 0, 0)?,
    );
    let (Some((source, re, from)), Some(n), Some(group)) =
        (search(args, 4, "regexp_substr")?, n, group)
    else {
        return Ok(Value::Null);
    };
    Ok(nth_group(&re, source, from, n, group)
        .map_or(Value::Null, |m| Value::Text(m.as_str().to_owned())))
}

/// Group `group` (0: the whole match) of the n-th match; None past the last match or group.
fn nth_group<'s>(
    re: &Regex,
    source: &'s str,
    from: usize,
    n: i64,
    group: i64,
) -> Option<regex::Match<'s>> {
    let n = usize::try_from(n - 1).ok()?;
    let group = usize::try_from(group).ok()?;
    matches_from(re, source, from).get(n)?.get(group)
}

/// `substring(source from pattern)`: the first match, or what its first parenthesized
/// subexpression matched when the pattern has one (NULL when that took no part).
pub fn substring(args: &[Value]) -> Result<Value, PgError> {
    let (Some(source), Some(pattern)) = (as_text(arg(args, 0))?, as_text(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    let re = compile(pattern, false)?;
    let group = usize::from(re.captures_len() > 1);
    Ok(re
        .captures(source)
        .and_then(|c| c.get(group))
        .map_or(Value::Null, |m| Value::Text(m.as_str().to_owned())))
}

/// `regexp_like(source, pattern[, flags])`.
pub fn regexp_like(args: &[Value]) -> Result<Value, PgError> {
    let (Some(source), Some(pattern)) = (as_text(arg(args, 0))?, as_text(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    let Some(icase) = single_flags(args.get(2), "regexp_like")? else {
        return Ok(Value::Null);
    };
    Ok(Value::Int(compile(pattern, icase)?.is_match(source) as i64))
}

/// `regexp_split_to_array(source, pattern[, flags])`: the text between matches, where empty
/// matches at either end of the source or right after a split do not split.
pub fn regexp_split_to_array(args: &[Value]) -> Result<Value, PgError> {
    let (Some(source), Some(pattern)) = (as_text(arg(args, 0))?, as_text(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    let Some(icase) = single_flags(args.get(2), "regexp_split_to_array")? else {
        return Ok(Value::Null);
    };
    let re = compile(pattern, icase)?;
    let mut parts = Vec::new();
    let mut last = 0;
    for caps in matches_from(&re, source, 0) {
        let Some(m) = caps.get(0) else { continue };
        // An empty match at the end, or one that ends where the last split did, is no split.
        if m.start() >= source.len() || m.end() <= last {
            continue;
        }
        parts.push(Value::Text(source[last..m.start()].to_owned()));
        last = m.end();
    }
    parts.push(Value::Text(source[last..].to_owned()));
    Ok(Value::Blob(store(PgType::Text, &parts)))
}
