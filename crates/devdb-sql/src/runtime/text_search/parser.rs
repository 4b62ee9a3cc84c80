//! PostgreSQL's default text search parser (`pg_catalog.default`, wparser_def.c), for the
//! token types apps meet: words (asciiword, word, numword), hyphenated words and their parts,
//! numbers (int, uint, float, sfloat, version), email addresses, hosts, URLs with their paths,
//! file paths; tags, entities and protocols are recognised so that they are skipped, as the
//! built-in configurations map no dictionary to them. Written from ts_debug's answers on
//! PostgreSQL 15, not from its state machine: rare shapes may split differently.

/// A token type, named as ts_token_type names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenType {
    AsciiWord,
    Word,
    NumWord,
    AsciiHWord,
    HWord,
    NumHWord,
    HWordAsciiPart,
    HWordPart,
    HWordNumPart,
    Email,
    Protocol,
    Url,
    Host,
    UrlPath,
    File,
    Int,
    UInt,
    Float,
    SFloat,
    Version,
    Tag,
    Entity,
}

impl TokenType {
    /// True for the types the english configuration stems (the others go to `simple`).
    pub fn is_word(self) -> bool {
        matches!(
            self,
            TokenType::AsciiWord
                | TokenType::Word
                | TokenType::AsciiHWord
                | TokenType::HWord
                | TokenType::HWordAsciiPart
                | TokenType::HWordPart
        )
    }

    /// True for the types no built-in configuration indexes.
    pub fn is_skipped(self) -> bool {
        matches!(
            self,
            TokenType::Protocol | TokenType::Tag | TokenType::Entity
        )
    }
}

/// The tokens of `text` other than blanks, in order.
pub fn tokens(text: &str) -> Vec<(TokenType, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match token_at(&chars, i, &mut out) {
            Some(next) if next > i => i = next,
            _ => i += 1,
        }
    }
    out
}

fn at(chars: &[char], i: usize) -> Option<char> {
    chars.get(i).copied()
}

fn is_alnum(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

fn is_digit(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_digit())
}

/// Pushes the token `chars[from..to]` and returns where it ends.
fn emit(
    out: &mut Vec<(TokenType, String)>,
    ty: TokenType,
    chars: &[char],
    from: usize,
    to: usize,
) -> usize {
    out.push((ty, text_of(chars, from, to)));
    to
}

fn text_of(chars: &[char], from: usize, to: usize) -> String {
    chars.get(from..to).unwrap_or_default().iter().collect()
}

/// Reads the token starting at `i` (pushing it and any parts), returning the index after it;
/// None when `i` starts only a blank.
fn token_at(chars: &[char], i: usize, out: &mut Vec<(TokenType, String)>) -> Option<usize> {
    let c = at(chars, i)?;
    if c == '<' {
        return tag(chars, i).map(|end| emit(out, TokenType::Tag, chars, i, end));
    }
    if c == '&' {
        return entity(chars, i).map(|end| emit(out, TokenType::Entity, chars, i, end));
    }
    // A signed number ends where its digits do (`-01T10` is `-01` and `T10`).
    if matches!(c, '-' | '+') && is_digit(at(chars, i + 1)) {
        return number(chars, i + 1).map(|(ty, end)| emit(out, ty.signed(), chars, i, end));
    }
    if c == '/' {
        return file(chars, i).map(|end| emit(out, TokenType::File, chars, i, end));
    }
    if !c.is_alphanumeric() {
        return None;
    }
    if let Some(end) = protocol(chars, i) {
        out.push((TokenType::Protocol, text_of(chars, i, end)));
        if let Some(host_end) = host(chars, end) {
            url(chars, end, host_end, out, true);
            return Some(out_end(chars, end, host_end));
        }
        return Some(end);
    }
    if let Some(end) = email(chars, i) {
        out.push((TokenType::Email, text_of(chars, i, end)));
        return Some(end);
    }
    if let Some(host_end) = host(chars, i) {
        url(chars, i, host_end, out, false);
        return Some(out_end(chars, i, host_end));
    }
    // A number with a fraction or an exponent ends there too (`3.5kg` is `3.5` and `kg`);
    // digits followed by letters are a numword.
    if c.is_ascii_digit()
        && let Some((ty, end)) = number(chars, i)
        && ty != TokenType::UInt
    {
        out.push((ty, text_of(chars, i, end)));
        return Some(end);
    }
    if let Some(end) = file(chars, i) {
        out.push((TokenType::File, text_of(chars, i, end)));
        return Some(end);
    }
    Some(word(chars, i, out))
}

/// Where a host (and the URL path after it, if any) ends.
fn out_end(chars: &[char], _start: usize, host_end: usize) -> usize {
    match url_path(chars, host_end) {
        Some(end) => end,
        None => host_end,
    }
}

/// Pushes a host, or a URL with its host and path.
fn url(
    chars: &[char],
    start: usize,
    host_end: usize,
    out: &mut Vec<(TokenType, String)>,
    _after_protocol: bool,
) {
    match url_path(chars, host_end) {
        Some(end) => {
            out.push((TokenType::Url, text_of(chars, start, end)));
            out.push((TokenType::Host, text_of(chars, start, host_end)));
            out.push((TokenType::UrlPath, text_of(chars, host_end, end)));
        }
        None => out.push((TokenType::Host, text_of(chars, start, host_end))),
    }
}

impl TokenType {
    fn signed(self) -> TokenType {
        match self {
            TokenType::UInt => TokenType::Int,
            other => other,
        }
    }
}

/// `http://`: letters, then `://`.
fn protocol(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    while at(chars, j).is_some_and(|c| c.is_ascii_alphabetic()) {
        j += 1;
    }
    (j > i
        && at(chars, j) == Some(':')
        && at(chars, j + 1) == Some('/')
        && at(chars, j + 2) == Some('/'))
    .then_some(j + 3)
}

/// A host: labels of letters, digits and inner hyphens joined by dots, at least two, the last
/// of two or more letters; an optional `:port`.
fn host(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    let mut labels = 0;
    let mut last_letters;
    loop {
        let start = j;
        while is_alnum(at(chars, j)) || (at(chars, j) == Some('-') && is_alnum(at(chars, j + 1))) {
            if j == start && at(chars, j) == Some('-') {
                break;
            }
            j += 1;
        }
        if j == start {
            return None;
        }
        labels += 1;
        let label: Vec<char> = chars.get(start..j)?.to_vec();
        last_letters = label.len() >= 2 && label.iter().all(|c| c.is_ascii_alphabetic());
        if at(chars, j) == Some('.') && is_alnum(at(chars, j + 1)) {
            j += 1;
            continue;
        }
        break;
    }
    if labels < 2 || !last_letters || matches!(at(chars, j), Some('_' | '@')) {
        return None;
    }
    if at(chars, j) == Some(':') && is_digit(at(chars, j + 1)) {
        let mut k = j + 1;
        while is_digit(at(chars, k)) {
            k += 1;
        }
        if at(chars, k) == Some('/') || !is_alnum(at(chars, k)) {
            j = k;
        }
    }
    Some(j)
}

/// A URL's path after its host: `/` and at least one of the characters RFC 3986 allows
/// (ASCII letters and digits, `-._~:/?#[]@!$&'()*+,;=%`), trailing punctuation included.
fn url_path(chars: &[char], i: usize) -> Option<usize> {
    if at(chars, i) != Some('/') {
        return None;
    }
    let mut j = i + 1;
    while at(chars, j)
        .is_some_and(|c| c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c))
    {
        j += 1;
    }
    (j > i + 1).then_some(j)
}

/// `local@host`.
fn email(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    while is_alnum(at(chars, j)) || matches!(at(chars, j), Some('.' | '_' | '-')) {
        j += 1;
    }
    if at(chars, j) != Some('@') {
        return None;
    }
    host(chars, j + 1)
}

/// digits, `digits.digits` (float), `digits.digits.digits...` (version), with an exponent
/// (sfloat); the type and where it ends.
fn number(chars: &[char], i: usize) -> Option<(TokenType, usize)> {
    let mut j = i;
    while is_digit(at(chars, j)) {
        j += 1;
    }
    if j == i {
        return None;
    }
    let mut ty = TokenType::UInt;
    let mut dots = 0;
    while at(chars, j) == Some('.') && is_digit(at(chars, j + 1)) {
        j += 1;
        while is_digit(at(chars, j)) {
            j += 1;
        }
        dots += 1;
    }
    match dots {
        0 => {}
        1 => ty = TokenType::Float,
        _ => return Some((TokenType::Version, j)),
    }
    if matches!(at(chars, j), Some('e' | 'E')) {
        let sign = usize::from(matches!(at(chars, j + 1), Some('+' | '-')));
        if is_digit(at(chars, j + 1 + sign)) {
            j += 1 + sign;
            while is_digit(at(chars, j)) {
                j += 1;
            }
            ty = TokenType::SFloat;
        }
    }
    Some((ty, j))
}

/// A file path: ASCII letters, digits, `.`, `_`, `-` and `/`, with a `/`, or a `.` between
/// alphanumerics; `-` and `_` only once a `.` or `/` came (`a/b-c`, but `a_b.c` is a word and
/// the file `b.c`).
fn file(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    let mut marked = false;
    while let Some(c) = at(chars, j) {
        // File names are ASCII (`/é` is a blank and a word).
        let next = at(chars, j + 1).is_some_and(|c| c.is_ascii_alphanumeric());
        let inner = (c == '.' || c == '/') && (next || (c == '/' && j == i));
        if (c == '_' || c == '-') && next {
            if !marked {
                return None;
            }
            j += 1;
        } else if c.is_ascii_alphanumeric() || inner {
            marked |= c == '.' || c == '/';
            j += 1;
        } else {
            break;
        }
    }
    (marked && j > i + 1).then_some(j)
}

/// `<tag ...>` or `</tag>`: a name, then words, `name=value` attributes and quoted strings
/// up to `>` or `/>`; a `,`, a bare `'` or a lone `/` means it was no tag (`<https://x.org/>`).
fn tag(chars: &[char], i: usize) -> Option<usize> {
    let name_char = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | ':' | '.');
    // `<!-- comment -->`
    if chars.get(i..i + 4) == Some(&['<', '!', '-', '-']) {
        let mut j = i + 4;
        while chars.get(j..j + 3) != Some(&['-', '-', '>']) {
            at(chars, j)?;
            j += 1;
        }
        return Some(j + 3);
    }
    let mut j = i + 1;
    let processing = at(chars, j) == Some('?');
    if matches!(at(chars, j), Some('/' | '!' | '?')) {
        j += 1;
    }
    if !at(chars, j).is_some_and(|c| c.is_ascii_alphabetic() || c == '_') {
        return None;
    }
    let quoted = |j: usize, quote: char| -> Option<usize> {
        let mut k = j + 1;
        while at(chars, k)? != quote {
            k += 1;
        }
        Some(k + 1)
    };
    loop {
        match at(chars, j)? {
            '>' => return Some(j + 1),
            '/' if at(chars, j + 1) == Some('>') => return Some(j + 2),
            '?' if processing && at(chars, j + 1) == Some('>') => return Some(j + 2),
            '"' => j = quoted(j, '"')?,
            '=' => {
                j += 1;
                match at(chars, j)? {
                    quote @ ('"' | '\'') => j = quoted(j, quote)?,
                    _ => {
                        while at(chars, j).is_some_and(|c| !c.is_whitespace() && c != '>') {
                            j += 1;
                        }
                    }
                }
            }
            c if c.is_whitespace() || name_char(c) => j += 1,
            _ => return None,
        }
    }
}

/// `&amp;`, `&#38;`.
fn entity(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i + 1;
    if at(chars, j) == Some('#') {
        j += 1;
    }
    let start = j;
    while is_alnum(at(chars, j)) {
        j += 1;
    }
    (j > start && at(chars, j) == Some(';')).then_some(j + 1)
}

/// The kind of an alphanumeric run: letters only (ASCII or not), or with digits.
fn part_kind(part: &[char]) -> (bool, bool, bool) {
    let letters = part.iter().any(|c| c.is_alphabetic());
    let digits = part.iter().any(|c| c.is_numeric());
    let ascii = part.iter().all(|c| c.is_ascii());
    (letters, digits, ascii)
}

/// A word, a hyphenated word with its parts, or a plain number.
fn word(chars: &[char], i: usize, out: &mut Vec<(TokenType, String)>) -> usize {
    let run_end = |from: usize| {
        let mut j = from;
        while is_alnum(at(chars, j)) {
            j += 1;
        }
        j
    };
    let first_end = run_end(i);
    let mut parts = vec![(i, first_end)];
    let (letters, _, _) = part_kind(chars.get(i..first_end).unwrap_or_default());
    if letters {
        let mut j = first_end;
        while at(chars, j) == Some('-') && is_alnum(at(chars, j + 1)) {
            let end = run_end(j + 1);
            let (part_letters, _, _) = part_kind(chars.get(j + 1..end).unwrap_or_default());
            if !part_letters {
                break;
            }
            parts.push((j + 1, end));
            j = end;
        }
    }
    let kinds: Vec<(bool, bool, bool)> = parts
        .iter()
        .map(|&(s, e)| part_kind(chars.get(s..e).unwrap_or_default()))
        .collect();
    let end = parts.last().map_or(first_end, |p| p.1);
    if parts.len() == 1 {
        let (letters, digits, ascii) = kinds.first().copied().unwrap_or_default();
        let ty = match (letters, digits, ascii) {
            (false, _, _) => TokenType::UInt,
            (true, true, _) => TokenType::NumWord,
            (true, false, true) => TokenType::AsciiWord,
            (true, false, false) => TokenType::Word,
        };
        out.push((ty, text_of(chars, i, end)));
        return end;
    }
    let ty = if kinds.iter().any(|k| k.1) {
        TokenType::NumHWord
    } else if kinds.iter().all(|k| k.2) {
        TokenType::AsciiHWord
    } else {
        TokenType::HWord
    };
    out.push((ty, text_of(chars, i, end)));
    for (&(s, e), &(_, digits, ascii)) in parts.iter().zip(&kinds) {
        let ty = if digits {
            TokenType::HWordNumPart
        } else if ascii {
            TokenType::HWordAsciiPart
        } else {
            TokenType::HWordPart
        };
        out.push((ty, text_of(chars, s, e)));
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;
    use TokenType as T;

    fn check(text: &str, expected: &[(TokenType, &str)]) {
        let got = tokens(text);
        let got: Vec<(TokenType, &str)> = got.iter().map(|(t, s)| (*t, s.as_str())).collect();
        assert_eq!(got, expected, "{text}");
    }

    #[test]
    fn splits_as_ts_debug() {
        check(
            "foo-bar-baz",
            &[
                (T::AsciiHWord, "foo-bar-baz"),
                (T::HWordAsciiPart, "foo"),
                (T::HWordAsciiPart, "bar"),
                (T::HWordAsciiPart, "baz"),
            ],
        );
        check("abc-123", &[(T::AsciiWord, "abc"), (T::Int, "-123")]);
        check(
            "a_b.c a/b-c ab-c.d",
            &[
                (T::AsciiWord, "a"),
                (T::File, "b.c"),
                (T::File, "a/b-c"),
                (T::AsciiHWord, "ab-c"),
                (T::HWordAsciiPart, "ab"),
                (T::HWordAsciiPart, "c"),
                (T::AsciiWord, "d"),
            ],
        );
        check(
            "<a href=\"x y\" id=2>z</a> <one word> <a b,c> <https://x.org/>",
            &[
                (T::Tag, "<a href=\"x y\" id=2>"),
                (T::AsciiWord, "z"),
                (T::Tag, "</a>"),
                (T::Tag, "<one word>"),
                (T::AsciiWord, "a"),
                (T::AsciiWord, "b"),
                (T::AsciiWord, "c"),
                (T::Protocol, "https://"),
                (T::Host, "x.org"),
            ],
        );
        check(
            "3.5kg -3abc x.com/",
            &[
                (T::Float, "3.5"),
                (T::AsciiWord, "kg"),
                (T::Int, "-3"),
                (T::AsciiWord, "abc"),
                (T::Host, "x.com"),
            ],
        );
        check("a.b", &[(T::File, "a.b")]);
        check(
            "1.5 -1.5 +3 1,000 3.14e-5 -7e3",
            &[
                (T::Float, "1.5"),
                (T::Float, "-1.5"),
                (T::Int, "+3"),
                (T::UInt, "1"),
                (T::UInt, "000"),
                (T::SFloat, "3.14e-5"),
                (T::SFloat, "-7e3"),
            ],
        );
        check(
            "https://x.org/p foo.bar/baz x/y ./a/b.txt",
            &[
                (T::Protocol, "https://"),
                (T::Url, "x.org/p"),
                (T::Host, "x.org"),
                (T::UrlPath, "/p"),
                (T::Url, "foo.bar/baz"),
                (T::Host, "foo.bar"),
                (T::UrlPath, "/baz"),
                (T::File, "x/y"),
                (T::File, "/a/b.txt"),
            ],
        );
        check(
            "john.doe@mail.example.com a@b",
            &[
                (T::Email, "john.doe@mail.example.com"),
                (T::AsciiWord, "a"),
                (T::AsciiWord, "b"),
            ],
        );
        check(
            "x_y v2.0 1st <b>bold</b> &amp; naïve über-cool",
            &[
                (T::AsciiWord, "x"),
                (T::AsciiWord, "y"),
                (T::File, "v2.0"),
                (T::NumWord, "1st"),
                (T::Tag, "<b>"),
                (T::AsciiWord, "bold"),
                (T::Tag, "</b>"),
                (T::Entity, "&amp;"),
                (T::Word, "naïve"),
                (T::HWord, "über-cool"),
                (T::HWordPart, "über"),
                (T::HWordAsciiPart, "cool"),
            ],
        );
        check(
            "example.com a.b.c 1.2.3 ab.c1 foo-12bar",
            &[
                (T::Host, "example.com"),
                (T::File, "a.b.c"),
                (T::Version, "1.2.3"),
                (T::File, "ab.c1"),
                (T::NumHWord, "foo-12bar"),
                (T::HWordAsciiPart, "foo"),
                (T::HWordNumPart, "12bar"),
            ],
        );
        check(
            "2024-01-02 -abc 1.5.x",
            &[
                (T::UInt, "2024"),
                (T::Int, "-01"),
                (T::Int, "-02"),
                (T::AsciiWord, "abc"),
                (T::Float, "1.5"),
                (T::AsciiWord, "x"),
            ],
        );
    }

    #[test]
    fn angle_brackets_around_a_url() {
        check(
            "<https://fsf.org/> x <!-- a b --> <?xml v=\"1\"?> /é",
            &[
                (T::Protocol, "https://"),
                (T::Host, "fsf.org"),
                (T::AsciiWord, "x"),
                (T::Tag, "<!-- a b -->"),
                (T::Tag, "<?xml v=\"1\"?>"),
                (T::Word, "é"),
            ],
        );
    }

    #[test]
    fn never_panics_on_odd_text() {
        for text in [
            "", "-", "<", "&", "/", "a-", "1.", "1e", "x://", "a@", "<a", "&#;", "\u{0}",
        ] {
            let _ = tokens(text);
        }
    }
}
