//! The few token classes literal lifting needs, read as PostgreSQL's lexer reads them (scan.l):
//! strings, quoted identifiers, dollar quotes and comments are skipped whole, and operators are
//! split where PostgreSQL splits them, so a digit run is an integer token only where
//! PostgreSQL would read one.

/// What a token is, as far as lifting cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Token {
    /// A keyword or unquoted identifier.
    Word,
    /// Digits only, not part of a decimal, an exponent or an identifier.
    Integer,
    /// One of the arithmetic and comparison operators an integer may follow.
    Operator,
    Semicolon,
    /// What stops lifting altogether: a `$n` parameter, `?`, or an unterminated quote or comment.
    Unliftable,
    /// Anything else: strings, other operators, punctuation, decimals.
    Other,
}

/// A token and its byte range in the text.
#[derive(Clone, Copy, Debug)]
pub(super) struct Spanned {
    pub token: Token,
    pub start: usize,
    pub end: usize,
}

/// The tokens of a text, whitespace and comments left out.
pub(super) struct Scanner<'a> {
    text: &'a [u8],
    at: usize,
}

/// PostgreSQL's operator characters.
fn is_operator_char(b: u8) -> bool {
    b"+-*/<>=~!@#%^&|`?".contains(&b)
}

/// Characters of an unquoted identifier after its first (non-ASCII bytes included).
fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

impl<'a> Scanner<'a> {
    pub fn new(text: &'a str) -> Scanner<'a> {
        Scanner {
            text: text.as_bytes(),
            at: 0,
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.text.get(self.at + ahead).copied()
    }

    /// Skips whitespace and comments; false on an unterminated block comment.
    fn skip_blanks(&mut self) -> bool {
        loop {
            match (self.peek(0), self.peek(1)) {
                (Some(b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c'), _) => self.at += 1,
                (Some(b'-'), Some(b'-')) => {
                    while self.peek(0).is_some_and(|b| b != b'\n') {
                        self.at += 1;
                    }
                }
                (Some(b'/'), Some(b'*')) => {
                    // Block comments nest in PostgreSQL.
                    let mut depth = 0usize;
                    loop {
                        match (self.peek(0), self.peek(1)) {
                            (None, _) => return false,
                            (Some(b'/'), Some(b'*')) => {
                                depth += 1;
                                self.at += 2;
                            }
                            (Some(b'*'), Some(b'/')) => {
                                depth -= 1;
                                self.at += 2;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => self.at += 1,
                        }
                    }
                }
                _ => return true,
            }
        }
    }

    /// Skips a quoted string or identifier from its opening `quote`; `backslashes` for E''
    /// strings. False when it does not end.
    fn skip_quoted(&mut self, quote: u8, backslashes: bool) -> bool {
        self.at += 1;
        loop {
            match self.peek(0) {
                None => return false,
                Some(b'\\') if backslashes => self.at += 2,
                Some(b) if b == quote => {
                    self.at += 1;
                    // A doubled quote is one quote character inside.
                    if self.peek(0) != Some(quote) {
                        return true;
                    }
                    self.at += 1;
                }
                Some(_) => self.at += 1,
            }
        }
    }

    /// At `$`: a parameter (`$1`), a dollar-quoted string (`$$...$$`, `$tag$...$tag$`).
    fn dollar(&mut self) -> Token {
        let start = self.at;
        if self.peek(1).is_some_and(|b| b.is_ascii_digit()) {
            return Token::Unliftable;
        }
        let mut end = start + 1;
        while self
            .text
            .get(end)
            .is_some_and(|&b| b != b'$' && is_ident_char(b))
        {
            end += 1;
        }
        if self.text.get(end) != Some(&b'$')
            || (end > start + 1
                && !self
                    .text
                    .get(start + 1)
                    .copied()
                    .is_some_and(is_ident_start))
        {
            return Token::Unliftable;
        }
        let Some(tag) = self.text.get(start..=end) else {
            return Token::Unliftable;
        };
        let body = end + 1;
        match self
            .text
            .get(body..)
            .and_then(|rest| rest.windows(tag.len()).position(|w| w == tag))
        {
            Some(close) => {
                self.at = body + close + tag.len();
                Token::Other
            }
            None => Token::Unliftable,
        }
    }

    /// An operator run, cut as PostgreSQL cuts it: before `--` or `/*`, and without trailing
    /// `+`/`-` unless it holds one of `~!@#%^&|`?` (those are read again as operators of their
    /// own, so `=-5` is `=`, `-`, `5`).
    fn operator(&mut self) -> Token {
        let start = self.at;
        let mut end = start;
        while let Some(&b) = self.text.get(end) {
            let next = self.text.get(end + 1).copied();
            if !is_operator_char(b)
                || (end > start && matches!((b, next), (b'-', Some(b'-')) | (b'/', Some(b'*'))))
            {
                break;
            }
            end += 1;
        }
        let run = self.text.get(start..end).unwrap_or_default();
        if run.contains(&b'?') {
            return Token::Unliftable;
        }
        if !run.iter().any(|b| b"~!@#%^&|`".contains(b)) {
            while end > start + 1 && matches!(self.text.get(end - 1), Some(b'+' | b'-')) {
                end -= 1;
            }
        }
        self.at = end;
        match self.text.get(start..end).unwrap_or_default() {
            b"=" | b"==" | b"!=" | b"<>" | b"<" | b">" | b"<=" | b">=" | b"+" | b"-" | b"*"
            | b"/" | b"%" => Token::Operator,
            _ => Token::Other,
        }
    }

    /// A number: an integer when it is digits alone (no fraction, exponent or letters).
    fn number(&mut self) -> Token {
        let digits = |s: &mut Self| {
            while s.peek(0).is_some_and(|b| b.is_ascii_digit()) {
                s.at += 1;
            }
        };
        digits(self);
        let mut integer = true;
        if self.peek(0) == Some(b'.') && self.peek(1) != Some(b'.') {
            self.at += 1;
            digits(self);
            integer = false;
        }
        if matches!(self.peek(0), Some(b'e' | b'E')) {
            let sign = usize::from(matches!(self.peek(1), Some(b'+' | b'-')));
            if self.peek(1 + sign).is_some_and(|b| b.is_ascii_digit()) {
                self.at += 1 + sign;
                digits(self);
                integer = false;
            }
        }
        // Letters run into the number: not a literal to lift.
        while self
            .peek(0)
            .is_some_and(|b| b != b'$' && (b == b'.' || is_ident_char(b)))
        {
            self.at += 1;
            integer = false;
        }
        match self.peek(0) {
            // PostgreSQL would read a `$` here as the start of a parameter or dollar quote.
            Some(b'$') => Token::Unliftable,
            _ if integer => Token::Integer,
            _ => Token::Other,
        }
    }

    /// A word, or a string with a prefix (`E'..'`, `B'..'`, `X'..'`, `N'..'`, `U&'..'`).
    fn word(&mut self) -> Token {
        let start = self.at;
        let prefix = self.peek(0).map(|b| b.to_ascii_lowercase());
        match (prefix, self.peek(1), self.peek(2)) {
            (Some(b'e'), Some(b'\''), _) => {
                self.at += 1;
                return self.quoted(b'\'', true);
            }
            (Some(b'b' | b'x' | b'n'), Some(b'\''), _) => {
                self.at += 1;
                return self.quoted(b'\'', false);
            }
            (Some(b'u'), Some(b'&'), Some(quote @ (b'\'' | b'"'))) => {
                self.at += 2;
                return self.quoted(quote, false);
            }
            _ => {}
        }
        self.at = start + 1;
        while self.peek(0).is_some_and(is_ident_char) {
            self.at += 1;
        }
        Token::Word
    }

    fn quoted(&mut self, quote: u8, backslashes: bool) -> Token {
        if self.skip_quoted(quote, backslashes) {
            Token::Other
        } else {
            Token::Unliftable
        }
    }
}

impl Iterator for Scanner<'_> {
    type Item = Spanned;

    fn next(&mut self) -> Option<Spanned> {
        if !self.skip_blanks() {
            let start = self.at;
            self.at = self.text.len();
            return Some(Spanned {
                token: Token::Unliftable,
                start,
                end: self.at,
            });
        }
        let start = self.at;
        let b = self.peek(0)?;
        let token = match b {
            b';' => {
                self.at += 1;
                Token::Semicolon
            }
            b'\'' => self.quoted(b'\'', false),
            b'"' => self.quoted(b'"', false),
            b'$' => self.dollar(),
            b'0'..=b'9' => self.number(),
            b'.' if self.peek(1).is_some_and(|b| b.is_ascii_digit()) => {
                self.at += 1;
                self.number();
                Token::Other
            }
            _ if is_operator_char(b) => self.operator(),
            _ if is_ident_start(b) => self.word(),
            _ => {
                self.at += 1;
                Token::Other
            }
        };
        if token == Token::Unliftable {
            // Nothing after this matters: lifting stops.
            self.at = self.text.len();
        }
        Some(Spanned {
            token,
            start,
            end: self.at,
        })
    }
}
