//! JSON as PostgreSQL reads and prints it.
//!
//! `json` values are stored as the client wrote them, after checking they parse (json_in);
//! `jsonb` values are stored in jsonb's output form ([`Json::to_jsonb_text`]): object keys
//! ordered by length then bytewise, the last of duplicate keys kept, `{"a": 1, "b": [1, 2]}`
//! spacing, numbers in numeric's spelling (`1e2` is `100`, `1.50` stays `1.50`), strings with
//! only the escapes PostgreSQL's escape_json writes. Stored jsonb therefore compares equal as
//! text exactly when PostgreSQL's jsonb equality holds (numbers aside: `1.0` and `1` differ).

use crate::{PgError, SqlState};

/// A parsed JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// A number as written (json) or in numeric's spelling (after [`Json::normalize`]).
    Number(String),
    String(String),
    Array(Vec<Json>),
    /// Members in order; after [`Json::normalize`], sorted and without duplicate keys.
    Object(Vec<(String, Json)>),
}

/// Nesting deeper than this is 54001, so parsing never exhausts the stack.
const MAX_DEPTH: usize = 400;

/// 22P02 for text that is not JSON.
pub fn invalid_json(text: &str, detail: impl Into<String>) -> PgError {
    let _ = text;
    PgError::new(
        SqlState::INVALID_TEXT_REPRESENTATION,
        "invalid input syntax for type json",
    )
    .with_detail(detail)
}

/// A JSON container split one level deep: each member's text exactly as written.
#[derive(Clone, Debug, PartialEq)]
pub enum Shallow<'a> {
    Array(Vec<&'a str>),
    Object(Vec<(String, &'a str)>),
    Scalar(Json),
}

impl Json {
    /// Parses JSON text as json_in does; `jsonb` additionally refuses `\u0000` (22P05).
    pub fn parse(text: &str, jsonb: bool) -> Result<Json, PgError> {
        let mut p = Parser::new(text, jsonb);
        p.ws();
        let v = p.value()?;
        p.ws();
        if p.pos < p.bytes.len() {
            return Err(p.unexpected());
        }
        Ok(v)
    }

    /// Parses text known to be valid JSON (a stored json or jsonb value) into normalized jsonb.
    pub fn parse_jsonb(text: &str) -> Result<Json, PgError> {
        let mut v = Json::parse(text, true)?;
        v.normalize();
        Ok(v)
    }

    /// jsonb's canonical form: numbers in numeric's spelling, object keys ordered by length
    /// then bytewise, the last of duplicate keys kept.
    pub fn normalize(&mut self) {
        match self {
            Json::Number(n) => *n = normalize_number(n),
            Json::Array(items) => items.iter_mut().for_each(Json::normalize),
            Json::Object(members) => {
                for (_, v) in members.iter_mut() {
                    v.normalize();
                }
                // Stable sort, then keep the last of each run of equal keys.
                members.sort_by(|(a, _), (b, _)| key_order(a, b));
                let mut out: Vec<(String, Json)> = Vec::with_capacity(members.len());
                for (k, v) in members.drain(..) {
                    match out.last_mut() {
                        Some((last, slot)) if *last == k => *slot = v,
                        _ => out.push((k, v)),
                    }
                }
                *members = out;
            }
            Json::Null | Json::Bool(_) | Json::String(_) => {}
        }
    }

    /// jsonb's text output.
    pub fn to_jsonb_text(&self) -> String {
        let mut out = String::new();
        self.write_jsonb(&mut out);
        out
    }

    fn write_jsonb(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(n),
            Json::String(s) => escape_into(s, out),
            Json::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    v.write_jsonb(out);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    escape_into(k, out);
                    out.push_str(": ");
                    v.write_jsonb(out);
                }
                out.push('}');
            }
        }
    }

    /// jsonb_typeof / json_typeof.
    pub fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "boolean",
            Json::Number(_) => "number",
            Json::String(_) => "string",
            Json::Array(_) => "array",
            Json::Object(_) => "object",
        }
    }

    /// The member `key` of an object (the last one, as jsonb keeps).
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Element `i` of an array; negative counts from the end.
    pub fn index(&self, i: i64) -> Option<&Json> {
        match self {
            Json::Array(items) => {
                let len = items.len() as i64;
                let i = if i < 0 { len + i } else { i };
                usize::try_from(i).ok().and_then(|i| items.get(i))
            }
            _ => None,
        }
    }

    /// The `->>` text of a value: strings unquoted, null as SQL NULL, the rest as jsonb text.
    pub fn to_text(&self) -> Option<String> {
        match self {
            Json::Null => None,
            Json::String(s) => Some(s.clone()),
            other => Some(other.to_jsonb_text()),
        }
    }

    /// jsonb containment (`@>`): every part of `other` is in `self`.
    pub fn contains(&self, other: &Json) -> bool {
        match (self, other) {
            (Json::Object(a), Json::Object(b)) => b.iter().all(|(k, bv)| {
                a.iter()
                    .find(|(ak, _)| ak == k)
                    .is_some_and(|(_, av)| match (av, bv) {
                        (Json::Array(_) | Json::Object(_), _) => av.contains(bv),
                        _ => av == bv,
                    })
            }),
            (Json::Array(a), Json::Array(b)) => b.iter().all(|bv| match bv {
                Json::Array(_) | Json::Object(_) => a.iter().any(|av| {
                    std::mem::discriminant(av) == std::mem::discriminant(bv) && av.contains(bv)
                }),
                scalar => a.iter().any(|av| av == scalar),
            }),
            // A top-level array contains a bare scalar it has as an element.
            (
                Json::Array(a),
                scalar @ (Json::Null | Json::Bool(_) | Json::Number(_) | Json::String(_)),
            ) => a.iter().any(|av| av == scalar),
            (a, b) => a == b,
        }
    }
}

/// jsonb's key order: shorter keys first, then bytewise.
pub fn key_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.as_bytes().cmp(b.as_bytes()))
}

/// Splits a json value one level deep, keeping each member's text as written (json's `->`).
pub fn parse_shallow(text: &str) -> Result<Shallow<'_>, PgError> {
    let mut p = Parser::new(text, false);
    p.ws();
    let shallow = match p.peek() {
        Some(b'[') => {
            p.pos += 1;
            let mut items = Vec::new();
            p.ws();
            if p.peek() == Some(b']') {
                p.pos += 1;
            } else {
                loop {
                    p.ws();
                    let start = p.pos;
                    p.value()?;
                    items.push(text.get(start..p.pos).unwrap_or_default());
                    p.ws();
                    match p.next() {
                        Some(b',') => {}
                        Some(b']') => break,
                        _ => return Err(p.unexpected_at(p.pos.saturating_sub(1))),
                    }
                }
            }
            Shallow::Array(items)
        }
        Some(b'{') => {
            p.pos += 1;
            let mut members = Vec::new();
            p.ws();
            if p.peek() == Some(b'}') {
                p.pos += 1;
            } else {
                loop {
                    p.ws();
                    if p.peek() != Some(b'"') {
                        return Err(p.unexpected());
                    }
                    let key = p.string()?;
                    p.ws();
                    if p.next() != Some(b':') {
                        return Err(p.unexpected_at(p.pos.saturating_sub(1)));
                    }
                    p.ws();
                    let start = p.pos;
                    p.value()?;
                    members.push((key, text.get(start..p.pos).unwrap_or_default()));
                    p.ws();
                    match p.next() {
                        Some(b',') => {}
                        Some(b'}') => break,
                        _ => return Err(p.unexpected_at(p.pos.saturating_sub(1))),
                    }
                }
            }
            Shallow::Object(members)
        }
        _ => Shallow::Scalar(p.value()?),
    };
    p.ws();
    if p.pos < p.bytes.len() {
        return Err(p.unexpected());
    }
    Ok(shallow)
}

/// Appends `s` as a JSON string literal with PostgreSQL's escapes.
pub fn escape_into(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `s` as a JSON string literal.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    escape_into(s, &mut out);
    out
}

/// A JSON number in numeric's output spelling: exponent applied, scale kept
/// (`1.50` -> `1.50`, `1e2` -> `100`, `1.5e-1` -> `0.15`, `-0` -> `0`).
pub fn normalize_number(n: &str) -> String {
    let (negative, rest) = match n.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, n),
    };
    let (mantissa, exp) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], rest[i + 1..].parse::<i64>().unwrap_or(0)),
        None => (rest, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // JSON's grammar already rules out leading zeros: without sign or exponent it is canonical.
    if !negative && !rest.contains(['e', 'E']) {
        return rest.to_owned();
    }
    let exp = exp.clamp(-100_000, 100_000);
    let scale = (frac_part.len() as i64 - exp).max(0) as usize;
    let digits: String = format!("{int_part}{frac_part}");
    // The decimal point sits after `point` digits of `digits`.
    let point = int_part.len() as i64 + exp;
    let mut int_digits = String::new();
    let mut frac_digits = String::new();
    if point <= 0 {
        frac_digits.push_str(&"0".repeat((-point) as usize));
        frac_digits.push_str(&digits);
    } else if point as usize >= digits.len() {
        int_digits.push_str(&digits);
        int_digits.push_str(&"0".repeat(point as usize - digits.len()));
    } else {
        int_digits.push_str(&digits[..point as usize]);
        frac_digits.push_str(&digits[point as usize..]);
    }
    frac_digits.truncate(scale);
    while frac_digits.len() < scale {
        frac_digits.push('0');
    }
    let int_digits = int_digits.trim_start_matches('0');
    let int_digits = if int_digits.is_empty() {
        "0"
    } else {
        int_digits
    };
    let zero = int_digits == "0" && frac_digits.bytes().all(|b| b == b'0');
    let mut out = String::new();
    if negative && !zero {
        out.push('-');
    }
    out.push_str(int_digits);
    if scale > 0 {
        out.push('.');
        out.push_str(&frac_digits);
    }
    out
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    jsonb: bool,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, jsonb: bool) -> Parser<'a> {
        Parser {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            depth: 0,
            jsonb,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek();
        self.pos += 1;
        b
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn unexpected(&self) -> PgError {
        self.unexpected_at(self.pos)
    }

    fn unexpected_at(&self, at: usize) -> PgError {
        if at >= self.bytes.len() {
            return invalid_json(self.text, "The input string ended unexpectedly.");
        }
        // The token PostgreSQL names: a run of word characters, or one character.
        let rest = self.text.get(at..).unwrap_or_default();
        let len = rest
            .char_indices()
            .find(|(_, c)| !c.is_alphanumeric() && *c != '_')
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        let token = if len == 0 {
            rest.chars().next().map(String::from).unwrap_or_default()
        } else {
            rest[..len].to_owned()
        };
        invalid_json(self.text, format!("Token \"{token}\" is invalid."))
    }

    fn value(&mut self) -> Result<Json, PgError> {
        match self.peek() {
            Some(b'{') => self.nested(Parser::object),
            Some(b'[') => self.nested(Parser::array),
            Some(b'"') => Ok(Json::String(self.string()?)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.word("true", Json::Bool(true)),
            Some(b'f') => self.word("false", Json::Bool(false)),
            Some(b'n') => self.word("null", Json::Null),
            _ => Err(self.unexpected()),
        }
    }

    fn nested(&mut self, f: fn(&mut Parser<'a>) -> Result<Json, PgError>) -> Result<Json, PgError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(PgError::new(
                SqlState::STATEMENT_TOO_COMPLEX,
                "stack depth limit exceeded",
            ));
        }
        let v = f(self);
        self.depth -= 1;
        v
    }

    fn word(&mut self, word: &str, v: Json) -> Result<Json, PgError> {
        let end = self.pos + word.len();
        let follows_word = self
            .bytes
            .get(end)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
        if self.bytes.get(self.pos..end) == Some(word.as_bytes()) && !follows_word {
            self.pos = end;
            Ok(v)
        } else {
            Err(self.unexpected())
        }
    }

    fn object(&mut self) -> Result<Json, PgError> {
        self.pos += 1;
        let mut members = Vec::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Json::Object(members));
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(self.unexpected());
            }
            let key = self.string()?;
            self.ws();
            if self.peek() != Some(b':') {
                return Err(self.unexpected());
            }
            self.pos += 1;
            self.ws();
            let v = self.value()?;
            members.push((key, v));
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Json::Object(members));
                }
                _ => return Err(self.unexpected()),
            }
        }
    }

    fn array(&mut self) -> Result<Json, PgError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Json::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value()?);
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.unexpected()),
            }
        }
    }

    fn number(&mut self) -> Result<Json, PgError> {
        let start = self.pos;
        let digits = |p: &mut Parser<'_>| {
            let from = p.pos;
            while matches!(p.peek(), Some(b'0'..=b'9')) {
                p.pos += 1;
            }
            p.pos > from
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let ok = match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                true
            }
            Some(b'1'..=b'9') => digits(self),
            _ => false,
        };
        let mut ok = ok;
        if ok && self.peek() == Some(b'.') {
            self.pos += 1;
            ok = digits(self);
        }
        if ok && matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            ok = digits(self);
        }
        // `01`, `1.`, `1e`, `1x`: PostgreSQL names the whole run as an invalid token.
        if !ok
            || matches!(self.peek(), Some(b) if b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        {
            return Err(self.unexpected_at(start));
        }
        Ok(Json::Number(self.text[start..self.pos].to_owned()))
    }

    fn string(&mut self) -> Result<String, PgError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = self.text.get(self.pos..).unwrap_or_default();
            let Some(c) = rest.chars().next() else {
                return Err(invalid_json(
                    self.text,
                    "The input string ended unexpectedly.",
                ));
            };
            self.pos += c.len_utf8();
            match c {
                '"' => return Ok(out),
                '\\' => {
                    let Some(e) = self.next() else {
                        return Err(invalid_json(
                            self.text,
                            "The input string ended unexpectedly.",
                        ));
                    };
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let c = self.unicode_escape()?;
                            out.push(c);
                        }
                        _ => {
                            let seq = self
                                .text
                                .get(self.pos - 2..)
                                .and_then(|s| {
                                    s.get(..s.char_indices().nth(2).map_or(s.len(), |(i, _)| i))
                                })
                                .unwrap_or("\\");
                            return Err(invalid_json(
                                self.text,
                                format!("Escape sequence \"{seq}\" is invalid."),
                            ));
                        }
                    }
                }
                c if (c as u32) < 0x20 => {
                    return Err(invalid_json(
                        self.text,
                        format!("Character with value 0x{:02x} must be escaped.", c as u32),
                    ));
                }
                c => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, PgError> {
        let digits = self.bytes.get(self.pos..self.pos + 4);
        let value = digits
            .filter(|d| d.iter().all(u8::is_ascii_hexdigit))
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| u32::from_str_radix(d, 16).ok());
        match value {
            Some(v) => {
                self.pos += 4;
                Ok(v)
            }
            None => Err(invalid_json(
                self.text,
                "\"\\u\" must be followed by four hexadecimal digits.",
            )),
        }
    }

    fn unicode_escape(&mut self) -> Result<char, PgError> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            let low = if self.bytes.get(self.pos..self.pos + 2) == Some(b"\\u") {
                self.pos += 2;
                self.hex4()?
            } else {
                0
            };
            if !(0xDC00..0xE000).contains(&low) {
                return Err(invalid_json(
                    self.text,
                    "Unicode low surrogate must follow a high surrogate.",
                ));
            }
            0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00..0xE000).contains(&first) {
            return Err(invalid_json(
                self.text,
                "Unicode low surrogate must follow a high surrogate.",
            ));
        } else {
            first
        };
        if code == 0 && self.jsonb {
            return Err(PgError::new(
                SqlState::UNTRANSLATABLE_CHARACTER,
                "unsupported Unicode escape sequence",
            )
            .with_detail("\\u0000 cannot be converted to text."));
        }
        Ok(char::from_u32(code).unwrap_or('\u{fffd}'))
    }
}

/// The SQLite collation that orders stored jsonb values as PostgreSQL's jsonb operators do:
/// [`cmp_jsonb_text`], registered by the executor, named by the translator on jsonb
/// comparisons, ORDER BY, DISTINCT and GROUP BY.
pub const COLLATION: &str = "pg_jsonb";

/// PostgreSQL's jsonb order (compareJsonbContainers): object > array > boolean > number >
/// string > null; more pairs or elements sort later; then member by member (object members in
/// jsonb's key order). A top-level scalar is a one-element pseudo array, so `[]` sorts before
/// `null`. Texts that are not JSON (never written by devdb) sort last, bytewise.
pub fn cmp_jsonb_text(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (Json::parse_jsonb(a), Json::parse_jsonb(b)) {
        (Ok(x), Ok(y)) => cmp_top(&x, &y),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

fn is_scalar(v: &Json) -> bool {
    !matches!(v, Json::Array(_) | Json::Object(_))
}

/// Top-level values: a scalar compares as a pseudo array of itself.
fn cmp_top(a: &Json, b: &Json) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let elements = |v: &Json| match v {
        Json::Array(items) => items.len(),
        _ => 1,
    };
    match (a, b) {
        (Json::Object(_), _) | (_, Json::Object(_)) => cmp_value(a, b),
        _ if is_scalar(a) == is_scalar(b) => cmp_value(a, b),
        // A pseudo array against a real one: by element count, then the scalar first.
        _ => match elements(a).cmp(&elements(b)) {
            Ordering::Equal if is_scalar(a) => Ordering::Less,
            Ordering::Equal => Ordering::Greater,
            unequal => unequal,
        },
    }
}

fn rank(v: &Json) -> u8 {
    match v {
        Json::Null => 0,
        Json::String(_) => 1,
        Json::Number(_) => 2,
        Json::Bool(_) => 3,
        Json::Array(_) => 4,
        Json::Object(_) => 5,
    }
}

fn cmp_value(a: &Json, b: &Json) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Json::Null, Json::Null) => Ordering::Equal,
        (Json::String(x), Json::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Json::Number(x), Json::Number(y)) => {
            match (
                crate::value::Numeric::parse(x),
                crate::value::Numeric::parse(y),
            ) {
                (Ok(x), Ok(y)) => x.cmp(&y),
                _ => x.cmp(y),
            }
        }
        (Json::Bool(x), Json::Bool(y)) => x.cmp(y),
        (Json::Array(x), Json::Array(y)) => x.len().cmp(&y.len()).then_with(|| {
            x.iter()
                .zip(y)
                .map(|(p, q)| cmp_value(p, q))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        }),
        (Json::Object(x), Json::Object(y)) => x.len().cmp(&y.len()).then_with(|| {
            x.iter()
                .zip(y)
                .map(|((kp, vp), (kq, vq))| {
                    kp.as_bytes()
                        .cmp(kq.as_bytes())
                        .then_with(|| cmp_value(vp, vq))
                })
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        }),
        _ => rank(a).cmp(&rank(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jsonb(text: &str) -> String {
        Json::parse_jsonb(text)
            .map(|j| j.to_jsonb_text())
            .unwrap_or_else(|e| format!("error {:?}", e.code))
    }

    #[test]
    fn jsonb_output_is_normalized() {
        assert_eq!(
            jsonb(r#"{"b":1,"a":[1,2,{"cc":true,"c":null}]}"#),
            r#"{"a": [1, 2, {"c": null, "cc": true}], "b": 1}"#
        );
        assert_eq!(
            jsonb(r#"{"aa":1,"b":2,"a":3,"a":4}"#),
            r#"{"a": 4, "b": 2, "aa": 1}"#
        );
        assert_eq!(jsonb(r#" "x\u00e9\/\n" "#), "\"xé/\\n\"");
        assert_eq!(jsonb("[]"), "[]");
        assert_eq!(jsonb("{}"), "{}");
        assert_eq!(jsonb(r#""\ud83d\ude00""#), "\"😀\"");
    }

    #[test]
    fn numbers_take_numeric_spelling() {
        for (input, output) in [
            ("1", "1"),
            ("-1", "-1"),
            ("1.50", "1.50"),
            ("1e2", "100"),
            ("1E+2", "100"),
            ("1.5e1", "15"),
            ("1.25e1", "12.5"),
            ("1.5e-1", "0.15"),
            ("-0", "0"),
            ("-0.0", "0.0"),
            ("0.001", "0.001"),
            ("12e-5", "0.00012"),
            ("0", "0"),
        ] {
            assert_eq!(normalize_number(input), output, "{input}");
        }
    }

    #[test]
    fn bad_json_is_22p02() {
        for bad in [
            "",
            "{",
            "[1,]",
            "01",
            "1.",
            ".5",
            "+1",
            "tru",
            "nul",
            "{\"a\" 1}",
            "\"a\nb\"",
            "\"\\x\"",
            "[1] 2",
            "{'a': 1}",
            "\"\\ud800\"",
        ] {
            let err = Json::parse(bad, false).expect_err(bad);
            assert_eq!(err.code, SqlState::INVALID_TEXT_REPRESENTATION, "{bad}");
        }
        assert_eq!(
            Json::parse("\"\\u0000\"", true).map_err(|e| e.code),
            Err(SqlState::UNTRANSLATABLE_CHARACTER)
        );
        assert!(Json::parse("\"\\u0000\"", false).is_ok());
        let deep = "[".repeat(10_000);
        assert_eq!(
            Json::parse(&deep, false).map_err(|e| e.code),
            Err(SqlState::STATEMENT_TOO_COMPLEX)
        );
    }

    #[test]
    fn shallow_split_keeps_text_as_written() {
        assert_eq!(
            parse_shallow(r#"{"a" : {"b" :1}, "c":[1, 2 ]}"#).expect("valid json"),
            Shallow::Object(vec![("a".into(), r#"{"b" :1}"#), ("c".into(), "[1, 2 ]")])
        );
        assert_eq!(
            parse_shallow(" [1 ,\"x\"] ").expect("valid json"),
            Shallow::Array(vec!["1", "\"x\""])
        );
        assert_eq!(
            parse_shallow("3").expect("valid json"),
            Shallow::Scalar(Json::Number("3".into()))
        );
    }

    #[test]
    fn containment() {
        let j = |t: &str| Json::parse_jsonb(t).expect("valid json");
        assert!(j(r#"{"a": 1, "b": {"c": [1, 2]}}"#).contains(&j(r#"{"b": {"c": [2]}}"#)));
        assert!(!j(r#"{"a": 1}"#).contains(&j(r#"{"a": 2}"#)));
        assert!(j("[1, 2, [3]]").contains(&j("[[3], 1]")));
        assert!(j(r#"["a", "b"]"#).contains(&j(r#""a""#)));
        assert!(!j("[[1, 2]]").contains(&j("[1]")));
    }
}
