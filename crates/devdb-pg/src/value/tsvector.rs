//! PostgreSQL's tsvector: a sorted set of distinct lexemes, each with up to 256 positions
//! (1..16383) carrying a weight A-D. devdb stores a tsvector as its canonical text output
//! (`'a':1A 'b':2`), which is unique per value, so SQLite's `=` is tsvector's equality and text
//! output is a copy; the functions parse it back when they need the structure.

use bytes::{BufMut, BytesMut};

use crate::{PgError, SqlState};

/// The largest position a lexeme may have; larger ones are clamped to it (LIMITPOS).
pub const MAX_POS: u16 = 16383;
/// The most positions one lexeme keeps (MAXNUMPOS).
pub const MAX_NUM_POS: usize = 256;
/// Lexemes must be shorter than this many bytes (MAXSTRLEN).
pub const MAX_LEXEME: usize = 2047;

/// A position with its weight: 3 is A, 2 B, 1 C, 0 D (PostgreSQL's WordEntryPos bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub pos: u16,
    pub weight: u8,
}

/// One lexeme and its positions (empty when the vector was stripped or built without them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lexeme {
    pub word: String,
    pub positions: Vec<Pos>,
}

/// A tsvector in its canonical form: lexemes sorted bytewise (shorter first on a common
/// prefix), no duplicates, positions sorted and unique.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TsVector {
    pub lexemes: Vec<Lexeme>,
}

fn syntax_error(text: &str) -> PgError {
    PgError::new(
        SqlState::SYNTAX_ERROR,
        format!("syntax error in tsvector: \"{text}\""),
    )
}

/// The weight letter of a position, or None for D (which prints as nothing).
pub fn weight_letter(weight: u8) -> Option<char> {
    match weight {
        3 => Some('A'),
        2 => Some('B'),
        1 => Some('C'),
        _ => None,
    }
}

/// The weight a letter names (`a`/`A` is 3 ... `d`/`D` is 0).
pub fn weight_of(c: char) -> Option<u8> {
    match c.to_ascii_uppercase() {
        'A' => Some(3),
        'B' => Some(2),
        'C' => Some(1),
        'D' => Some(0),
        _ => None,
    }
}

impl TsVector {
    /// Builds the canonical form from lexemes in any order, possibly repeated.
    pub fn from_lexemes(mut lexemes: Vec<Lexeme>) -> TsVector {
        lexemes.sort_by(|a, b| a.word.as_bytes().cmp(b.word.as_bytes()));
        let mut out: Vec<Lexeme> = Vec::with_capacity(lexemes.len());
        for lexeme in lexemes {
            match out.last_mut() {
                Some(last) if last.word == lexeme.word => last.positions.extend(lexeme.positions),
                _ => out.push(lexeme),
            }
        }
        for lexeme in &mut out {
            lexeme.positions = unique_positions(std::mem::take(&mut lexeme.positions));
        }
        TsVector { lexemes: out }
    }

    /// tsvector's text input.
    pub fn parse(text: &str) -> Result<TsVector, PgError> {
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        let mut lexemes = Vec::new();
        loop {
            while chars.get(i).is_some_and(|c| c.is_whitespace()) {
                i += 1;
            }
            if i >= chars.len() {
                break;
            }
            let (word, next) = read_word(&chars, i, false).ok_or_else(|| syntax_error(text))?;
            i = next;
            if word.len() > MAX_LEXEME {
                return Err(PgError::new(
                    SqlState::PROGRAM_LIMIT_EXCEEDED,
                    format!(
                        "word is too long ({} bytes, max {MAX_LEXEME} bytes)",
                        word.len()
                    ),
                ));
            }
            let mut positions = Vec::new();
            if chars.get(i) == Some(&':') {
                i += 1;
                loop {
                    let start = i;
                    while chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
                        i += 1;
                    }
                    if start == i {
                        return Err(syntax_error(text));
                    }
                    let digits: String = chars.get(start..i).unwrap_or_default().iter().collect();
                    let pos = digits.parse::<u64>().unwrap_or(u64::MAX);
                    if pos == 0 {
                        return Err(PgError::new(
                            SqlState::SYNTAX_ERROR,
                            format!("wrong position info in tsvector: \"{text}\""),
                        ));
                    }
                    let mut weight = 0;
                    if let Some(w) = chars.get(i).copied().and_then(weight_of) {
                        weight = w;
                        i += 1;
                    } else if chars.get(i) == Some(&'*') {
                        // PostgreSQL reads `*` there as weight A.
                        weight = 3;
                        i += 1;
                    }
                    positions.push(Pos {
                        pos: pos.min(MAX_POS as u64) as u16,
                        weight,
                    });
                    match chars.get(i) {
                        Some(',') => i += 1,
                        None => break,
                        Some(c) if c.is_whitespace() => break,
                        _ => return Err(syntax_error(text)),
                    }
                }
            }
            // Anything else right after a quoted word starts the next word (`'a'b`).
            lexemes.push(Lexeme { word, positions });
        }
        Ok(TsVector::from_lexemes(lexemes))
    }

    /// tsvector's binary form (tsvectorsend).
    pub fn to_binary(&self, out: &mut BytesMut) {
        out.put_i32(self.lexemes.len() as i32);
        for lexeme in &self.lexemes {
            out.put_slice(lexeme.word.as_bytes());
            out.put_u8(0);
            out.put_u16(lexeme.positions.len() as u16);
            for p in &lexeme.positions {
                out.put_u16(((p.weight as u16) << 14) | p.pos);
            }
        }
    }

    /// tsvector's binary input (tsvectorrecv).
    pub fn from_binary(raw: &[u8]) -> Result<TsVector, PgError> {
        let bad = || PgError::invalid_binary("tsvector");
        let mut r = Reader(raw);
        let n = r.i32().ok_or_else(bad)?;
        if n < 0 {
            return Err(bad());
        }
        let mut lexemes = Vec::new();
        for _ in 0..n {
            let word = r.cstr().ok_or_else(bad)?;
            if word.len() > MAX_LEXEME {
                return Err(bad());
            }
            let npos = r.u16().ok_or_else(bad)? as usize;
            if npos > MAX_NUM_POS {
                return Err(bad());
            }
            let mut positions = Vec::with_capacity(npos);
            for _ in 0..npos {
                let wep = r.u16().ok_or_else(bad)?;
                let pos = wep & 0x3fff;
                if pos == 0 {
                    return Err(bad());
                }
                positions.push(Pos {
                    pos,
                    weight: (wep >> 14) as u8,
                });
            }
            lexemes.push(Lexeme { word, positions });
        }
        if !r.0.is_empty() {
            return Err(bad());
        }
        Ok(TsVector::from_lexemes(lexemes))
    }

    /// The number of positions, counting a lexeme without positions once (cnt_length).
    pub fn count_length(&self) -> usize {
        self.lexemes.iter().map(|l| l.positions.len().max(1)).sum()
    }

    /// The index of `word`, if the vector has it.
    pub fn find(&self, word: &str) -> Option<usize> {
        self.lexemes
            .binary_search_by(|l| l.word.as_bytes().cmp(word.as_bytes()))
            .ok()
    }
}

/// Sorts positions, keeps one per number (with the highest weight seen) and at most 256.
fn unique_positions(mut positions: Vec<Pos>) -> Vec<Pos> {
    positions.sort();
    let mut out: Vec<Pos> = Vec::with_capacity(positions.len());
    for p in positions {
        match out.last_mut() {
            Some(last) if last.pos == p.pos => last.weight = last.weight.max(p.weight),
            _ => out.push(p),
        }
    }
    out.truncate(MAX_NUM_POS);
    out
}

/// Reads one lexeme as tsvector and tsquery input spell it: quoted (`'it''s'`, backslash
/// escapes) or bare up to a blank, `:` or (in a tsquery) an operator character. Returns the
/// word and the index after it; None for a syntax error.
pub fn read_word(chars: &[char], mut i: usize, in_query: bool) -> Option<(String, usize)> {
    let mut word = String::new();
    if chars.get(i) == Some(&'\'') {
        i += 1;
        loop {
            match chars.get(i)? {
                '\\' => {
                    word.push(*chars.get(i + 1)?);
                    i += 2;
                }
                '\'' if chars.get(i + 1) == Some(&'\'') => {
                    word.push('\'');
                    i += 2;
                }
                '\'' => {
                    i += 1;
                    break;
                }
                c => {
                    word.push(*c);
                    i += 1;
                }
            }
        }
        if word.is_empty() {
            return None;
        }
        return Some((word, i));
    }
    while let Some(&c) = chars.get(i) {
        // A tsvector word may start with `:`; after its first character `:` starts positions.
        if c.is_whitespace()
            || (c == ':' && (in_query || !word.is_empty()))
            || (in_query && matches!(c, '!' | '&' | '|' | '(' | ')' | '<'))
        {
            break;
        }
        if c == '\\' {
            word.push(*chars.get(i + 1)?);
            i += 2;
            continue;
        }
        word.push(c);
        i += 1;
    }
    if word.is_empty() {
        return None;
    }
    Some((word, i))
}

/// Appends a lexeme quoted as tsvector and tsquery output quote it.
pub fn write_quoted(word: &str, out: &mut String) {
    out.push('\'');
    for c in word.chars() {
        if c == '\'' || c == '\\' {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
}

impl std::fmt::Display for TsVector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = String::new();
        for (i, lexeme) in self.lexemes.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            write_quoted(&lexeme.word, &mut out);
            for (j, p) in lexeme.positions.iter().enumerate() {
                out.push(if j == 0 { ':' } else { ',' });
                out.push_str(&p.pos.to_string());
                if let Some(letter) = weight_letter(p.weight) {
                    out.push(letter);
                }
            }
        }
        f.write_str(&out)
    }
}

/// A cursor over binary input that never panics.
pub(crate) struct Reader<'a>(pub &'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    pub fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }

    pub fn u16(&mut self) -> Option<u16> {
        let b = self.take(2)?;
        Some(u16::from_be_bytes([*b.first()?, *b.get(1)?]))
    }

    pub fn i32(&mut self) -> Option<i32> {
        let b: [u8; 4] = self.take(4)?.try_into().ok()?;
        Some(i32::from_be_bytes(b))
    }

    pub fn cstr(&mut self) -> Option<String> {
        let end = self.0.iter().position(|b| *b == 0)?;
        let s = std::str::from_utf8(self.take(end)?).ok()?.to_owned();
        self.take(1)?;
        Some(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(text: &str) -> String {
        TsVector::parse(text).expect("valid tsvector").to_string()
    }

    #[test]
    fn normalises_as_postgresql() {
        assert_eq!(
            canon("b:3A,1 a:2  c\\\\d x'y b:1C"),
            "'a':2 'b':1C,3A 'c\\\\d' 'x''y'"
        );
        assert_eq!(canon(""), "");
        assert_eq!(canon("ab a abc"), "'a' 'ab' 'abc'");
        assert_eq!(canon("a:99999"), "'a':16383");
        assert_eq!(canon(":ab :"), "':' ':ab'");
        assert_eq!(canon("'<0>:'athe("), "'<0>:' 'athe('");
        assert!(TsVector::parse("a:0").is_err());
        assert!(TsVector::parse("''").is_err());
        assert!(TsVector::parse("a:").is_err());
        assert!(TsVector::parse("a:1x").is_err());
    }

    #[test]
    fn binary_round_trips() {
        let v = TsVector::parse("a:1A b").expect("valid");
        let mut out = BytesMut::new();
        v.to_binary(&mut out);
        assert_eq!(
            &out[..],
            b"\x00\x00\x00\x02a\x00\x00\x01\xc0\x01b\x00\x00\x00"
        );
        assert_eq!(TsVector::from_binary(&out).expect("valid"), v);
        for n in 0..out.len() {
            assert!(TsVector::from_binary(out.get(..n).unwrap_or_default()).is_err());
        }
    }
}
