//! PostgreSQL's tsquery: a tree of lexemes (with weight masks and prefix marks) under `!`,
//! `&`, `|` and the phrase operator `<N>`. Stored, like tsvector, as its canonical text
//! output, which PostgreSQL's own output function makes unique per tree; binary I/O walks the
//! tree in PostgreSQL's order (each operator, then its right operand, then its left).

use bytes::{BufMut, BytesMut};

use super::tsvector::{MAX_LEXEME, MAX_POS, Reader, read_word, write_quoted};
use crate::{PgError, SqlState};

/// A lexeme of a query: `weight` is a mask of the weights it matches (bit 3 A ... bit 0 D,
/// 0 for any), `prefix` is `:*`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operand {
    pub word: String,
    pub weight: u8,
    pub prefix: bool,
}

/// A query node. `Stop` is a stop word's place while to_tsquery and friends build a query;
/// [`clean_stopwords`] removes it before anything else sees the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    Operand(Operand),
    Stop,
    Not(Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Phrase(Box<Node>, Box<Node>, u16),
}

/// A tsquery; None is the empty query (a query of stop words only).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TsQuery {
    pub root: Option<Node>,
}

/// Query trees deeper than this are refused rather than risking the stack.
const MAX_DEPTH: usize = 1000;

pub fn syntax_error(text: &str) -> PgError {
    PgError::new(
        SqlState::SYNTAX_ERROR,
        format!("syntax error in tsquery: \"{text}\""),
    )
}

fn too_deep() -> PgError {
    PgError::new(
        SqlState::STATEMENT_TOO_COMPLEX,
        "stack depth limit exceeded",
    )
}

/// A token of tsquery's standard syntax.
#[derive(Clone, Debug, PartialEq)]
enum Token {
    Operand(Operand),
    Not,
    And,
    Or,
    Phrase(u16),
    Open,
    Close,
}

fn tokenize(text: &str) -> Result<Vec<Token>, PgError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            c if c.is_whitespace() => i += 1,
            '!' => {
                tokens.push(Token::Not);
                i += 1;
            }
            '&' => {
                tokens.push(Token::And);
                i += 1;
            }
            '|' => {
                tokens.push(Token::Or);
                i += 1;
            }
            '(' => {
                tokens.push(Token::Open);
                i += 1;
            }
            ')' => {
                tokens.push(Token::Close);
                i += 1;
            }
            '<' => {
                let close = chars
                    .get(i..)
                    .and_then(|rest| rest.iter().position(|c| *c == '>'))
                    .ok_or_else(|| syntax_error(text))?;
                let inner: String = chars
                    .get(i + 1..i + close)
                    .unwrap_or_default()
                    .iter()
                    .collect();
                let distance = if inner == "-" {
                    1
                } else {
                    let trimmed = inner.trim();
                    if trimmed.is_empty()
                        || !trimmed
                            .strip_prefix('-')
                            .unwrap_or(trimmed)
                            .bytes()
                            .all(|b| b.is_ascii_digit())
                    {
                        return Err(syntax_error(text));
                    }
                    match trimmed.parse::<i64>() {
                        Ok(n) if (0..=MAX_POS as i64 + 1).contains(&n) => n as u16,
                        _ => {
                            return Err(PgError::new(
                                SqlState::PROGRAM_LIMIT_EXCEEDED,
                                format!(
                                    "distance in phrase operator must be an integer value between zero and {} inclusive",
                                    MAX_POS + 1
                                ),
                            ));
                        }
                    }
                };
                tokens.push(Token::Phrase(distance));
                i += close + 1;
            }
            ':' => return Err(syntax_error(text)),
            _ => {
                let (word, next) = read_word(&chars, i, true).ok_or_else(|| syntax_error(text))?;
                if word.len() > MAX_LEXEME {
                    return Err(PgError::new(
                        SqlState::PROGRAM_LIMIT_EXCEEDED,
                        "word is too long in tsquery",
                    ));
                }
                i = next;
                let mut operand = Operand {
                    word,
                    weight: 0,
                    prefix: false,
                };
                if chars.get(i) == Some(&':') {
                    i += 1;
                    while let Some(&c) = chars.get(i) {
                        match c {
                            '*' => operand.prefix = true,
                            c => match super::tsvector::weight_of(c) {
                                Some(w) => operand.weight |= 1 << w,
                                None => break,
                            },
                        }
                        i += 1;
                    }
                }
                tokens.push(Token::Operand(operand));
            }
        }
    }
    Ok(tokens)
}

/// Builds a tree from tokens: `!` binds tightest, then `<N>`, `&`, `|`; all left-associative.
struct Builder<'a, F> {
    tokens: &'a [Token],
    i: usize,
    text: &'a str,
    operand: F,
}

impl<F: FnMut(Operand) -> Result<Node, PgError>> Builder<'_, F> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.i)
    }

    fn or(&mut self, depth: usize) -> Result<Node, PgError> {
        let mut left = self.and(depth)?;
        while self.peek() == Some(&Token::Or) {
            self.i += 1;
            let right = self.and(depth)?;
            left = Node::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self, depth: usize) -> Result<Node, PgError> {
        let mut left = self.phrase(depth)?;
        while self.peek() == Some(&Token::And) {
            self.i += 1;
            let right = self.phrase(depth)?;
            left = Node::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn phrase(&mut self, depth: usize) -> Result<Node, PgError> {
        let mut left = self.unary(depth)?;
        while let Some(Token::Phrase(d)) = self.peek() {
            let d = *d;
            self.i += 1;
            let right = self.unary(depth)?;
            left = Node::Phrase(Box::new(left), Box::new(right), d);
        }
        Ok(left)
    }

    fn unary(&mut self, depth: usize) -> Result<Node, PgError> {
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        let token = self.peek().cloned();
        self.i += 1;
        match token {
            Some(Token::Not) => Ok(Node::Not(Box::new(self.unary(depth + 1)?))),
            Some(Token::Open) => {
                let inner = self.or(depth + 1)?;
                if self.peek() != Some(&Token::Close) {
                    return Err(syntax_error(self.text));
                }
                self.i += 1;
                Ok(inner)
            }
            Some(Token::Operand(o)) => (self.operand)(o),
            _ => Err(syntax_error(self.text)),
        }
    }
}

impl TsQuery {
    /// tsquery's text input.
    pub fn parse(text: &str) -> Result<TsQuery, PgError> {
        Self::parse_with(text, |o| Ok(Node::Operand(o)))
    }

    /// tsquery's syntax with each operand turned into a subtree by `operand` (to_tsquery runs
    /// it through a text search configuration); stop words are cleaned out afterwards.
    pub fn parse_with(
        text: &str,
        operand: impl FnMut(Operand) -> Result<Node, PgError>,
    ) -> Result<TsQuery, PgError> {
        let tokens = tokenize(text)?;
        if tokens.is_empty() {
            return Ok(TsQuery { root: None });
        }
        let mut b = Builder {
            tokens: &tokens,
            i: 0,
            text,
            operand,
        };
        let root = b.or(0)?;
        if b.i != tokens.len() {
            return Err(syntax_error(text));
        }
        Ok(TsQuery::cleaned(root))
    }

    /// The query with its stop-word placeholders removed.
    pub fn cleaned(root: Node) -> TsQuery {
        TsQuery {
            root: clean_stopwords(root),
        }
    }

    /// tsquery's binary form (tsquerysend).
    pub fn to_binary(&self, out: &mut BytesMut) {
        let mut items = Vec::new();
        if let Some(root) = &self.root {
            polish(root, &mut items);
        }
        out.put_i32(items.len() as i32);
        for item in items {
            match item {
                Node::Operand(o) => {
                    out.put_u8(1);
                    out.put_u8(o.weight);
                    out.put_u8(o.prefix as u8);
                    out.put_slice(o.word.as_bytes());
                    out.put_u8(0);
                }
                Node::Not(_) => out.put_slice(&[2, 1]),
                Node::And(..) => out.put_slice(&[2, 2]),
                Node::Or(..) => out.put_slice(&[2, 3]),
                Node::Phrase(_, _, d) => {
                    out.put_slice(&[2, 4]);
                    out.put_u16(*d);
                }
                Node::Stop => {}
            }
        }
    }

    /// tsquery's binary input (tsqueryrecv).
    pub fn from_binary(raw: &[u8]) -> Result<TsQuery, PgError> {
        let bad = || PgError::invalid_binary("tsquery");
        let mut r = Reader(raw);
        let n = r.i32().ok_or_else(bad)?;
        if n < 0 {
            return Err(bad());
        }
        if n == 0 {
            return if r.0.is_empty() {
                Ok(TsQuery { root: None })
            } else {
                Err(bad())
            };
        }
        let mut count = 0;
        let root = read_polish(&mut r, &mut count, n, 0).ok_or_else(bad)?;
        if count != n || !r.0.is_empty() {
            return Err(bad());
        }
        Ok(TsQuery { root: Some(root) })
    }

    /// The number of nodes (numnode).
    pub fn node_count(&self) -> usize {
        fn count(n: &Node) -> usize {
            match n {
                Node::Operand(_) | Node::Stop => 1,
                Node::Not(a) => 1 + count(a),
                Node::And(a, b) | Node::Or(a, b) | Node::Phrase(a, b, _) => 1 + count(a) + count(b),
            }
        }
        self.root.as_ref().map_or(0, count)
    }

    /// Every operand in PostgreSQL's stored order (each operator, then its right operand,
    /// then its left), which decides ties where PostgreSQL sorts operands.
    pub fn stored_operands(&self) -> Vec<&Operand> {
        let mut items = Vec::new();
        if let Some(root) = &self.root {
            polish(root, &mut items);
        }
        items
            .into_iter()
            .filter_map(|n| match n {
                Node::Operand(o) => Some(o),
                _ => None,
            })
            .collect()
    }

    /// Every operand, in the tree's left-to-right order.
    pub fn operands(&self) -> Vec<&Operand> {
        fn walk<'a>(n: &'a Node, out: &mut Vec<&'a Operand>) {
            match n {
                Node::Operand(o) => out.push(o),
                Node::Stop => {}
                Node::Not(a) => walk(a, out),
                Node::And(a, b) | Node::Or(a, b) | Node::Phrase(a, b, _) => {
                    walk(a, out);
                    walk(b, out);
                }
            }
        }
        let mut out = Vec::new();
        if let Some(root) = &self.root {
            walk(root, &mut out);
        }
        out
    }
}

fn polish<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
    out.push(node);
    match node {
        Node::Not(a) => polish(a, out),
        Node::And(l, r) | Node::Or(l, r) | Node::Phrase(l, r, _) => {
            polish(r, out);
            polish(l, out);
        }
        Node::Operand(_) | Node::Stop => {}
    }
}

fn read_polish(r: &mut Reader<'_>, count: &mut i32, n: i32, depth: usize) -> Option<Node> {
    if *count >= n || depth > MAX_DEPTH {
        return None;
    }
    *count += 1;
    match r.u8()? {
        1 => {
            let weight = r.u8()?;
            let prefix = r.u8()?;
            let word = r.cstr()?;
            if weight > 15 || prefix > 1 || word.len() > MAX_LEXEME {
                return None;
            }
            Some(Node::Operand(Operand {
                word,
                weight,
                prefix: prefix == 1,
            }))
        }
        2 => {
            let op = r.u8()?;
            let distance = if op == 4 { Some(r.u16()?) } else { None };
            if op == 1 {
                return Some(Node::Not(Box::new(read_polish(r, count, n, depth + 1)?)));
            }
            let right = Box::new(read_polish(r, count, n, depth + 1)?);
            let left = Box::new(read_polish(r, count, n, depth + 1)?);
            match (op, distance) {
                (2, _) => Some(Node::And(left, right)),
                (3, _) => Some(Node::Or(left, right)),
                (4, Some(d)) if d <= MAX_POS + 1 => Some(Node::Phrase(left, right, d)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Removes stop-word placeholders as PostgreSQL's clean_stopword_intree does, carrying the
/// positions they held into the distance of the phrase operators around them.
pub fn clean_stopwords(root: Node) -> Option<Node> {
    clean(root).0
}

/// The cleaned node and the positions to add at its left and right edges.
fn clean(node: Node) -> (Option<Node>, u32, u32) {
    match node {
        Node::Operand(_) => (Some(node), 0, 0),
        Node::Stop => (None, 0, 0),
        Node::Not(a) => {
            let (a, l, r) = clean(*a);
            (a.map(|a| Node::Not(Box::new(a))), l, r)
        }
        Node::And(a, b) => clean_binary(*a, *b, None, Node::And),
        Node::Or(a, b) => clean_binary(*a, *b, None, Node::Or),
        Node::Phrase(a, b, d) => clean_binary(*a, *b, Some(d), |a, b| Node::Phrase(a, b, d)),
    }
}

fn clean_binary(
    left: Node,
    right: Node,
    phrase: Option<u16>,
    make: impl FnOnce(Box<Node>, Box<Node>) -> Node,
) -> (Option<Node>, u32, u32) {
    let (l, lladd, lradd) = clean(left);
    let (r, rladd, rradd) = clean(right);
    let distance = phrase.map_or(0, u32::from);
    match (l, r) {
        (None, None) => {
            let add = if phrase.is_some() {
                lladd + distance + rladd
            } else {
                lladd.max(rladd)
            };
            (None, add, add)
        }
        (None, Some(r)) => {
            if phrase.is_some() {
                (Some(r), lladd + distance + rladd, rradd)
            } else {
                (Some(r), rladd, rradd)
            }
        }
        (Some(l), None) => {
            if phrase.is_some() {
                (Some(l), lladd, lradd + distance + rradd)
            } else {
                (Some(l), lladd, lradd)
            }
        }
        (Some(l), Some(r)) => match phrase {
            Some(d) => {
                let d = (u32::from(d) + lradd + rladd).min(u32::from(MAX_POS) + 1) as u16;
                (
                    Some(Node::Phrase(Box::new(l), Box::new(r), d)),
                    lladd,
                    rradd,
                )
            }
            None => (Some(make(Box::new(l), Box::new(r))), 0, 0),
        },
    }
}

fn priority(node: &Node) -> u8 {
    match node {
        Node::Not(_) => 4,
        Node::Phrase(..) => 3,
        Node::And(..) => 2,
        Node::Or(..) => 1,
        Node::Operand(_) | Node::Stop => 5,
    }
}

/// PostgreSQL's infix output: parentheses only where priorities need them, and around a
/// phrase operator on the right of another.
fn infix(node: &Node, parent: u8, right_of_phrase: bool, out: &mut String) {
    match node {
        Node::Operand(o) => {
            write_quoted(&o.word, out);
            if o.weight != 0 || o.prefix {
                out.push(':');
                if o.prefix {
                    out.push('*');
                }
                for (bit, letter) in [(3, 'A'), (2, 'B'), (1, 'C'), (0, 'D')] {
                    if o.weight & (1 << bit) != 0 {
                        out.push(letter);
                    }
                }
            }
        }
        Node::Stop => {}
        Node::Not(a) => {
            let p = priority(node);
            if p < parent {
                out.push_str("( ");
            }
            out.push('!');
            infix(a, p, false, out);
            if p < parent {
                out.push_str(" )");
            }
        }
        Node::And(l, r) | Node::Or(l, r) | Node::Phrase(l, r, _) => {
            let p = priority(node);
            let is_phrase = matches!(node, Node::Phrase(..));
            let paren = p < parent || (is_phrase && right_of_phrase);
            if paren {
                out.push_str("( ");
            }
            infix(l, p, false, out);
            match node {
                Node::Or(..) => out.push_str(" | "),
                Node::And(..) => out.push_str(" & "),
                Node::Phrase(_, _, 1) => out.push_str(" <-> "),
                Node::Phrase(_, _, d) => out.push_str(&format!(" <{d}> ")),
                _ => {}
            }
            infix(r, p, is_phrase, out);
            if paren {
                out.push_str(" )");
            }
        }
    }
}

impl std::fmt::Display for TsQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = String::new();
        if let Some(root) = &self.root {
            infix(root, 0, false, &mut out);
        }
        f.write_str(&out)
    }
}

/// Displays one node as a query of its own.
pub fn node_text(node: &Node) -> String {
    let mut out = String::new();
    infix(node, 0, false, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(text: &str) -> String {
        TsQuery::parse(text).expect("valid tsquery").to_string()
    }

    #[test]
    fn prints_as_postgresql() {
        assert_eq!(
            canon("a:*ab & !(b | c) <-> d <2> e"),
            "'a':*AB & !( 'b' | 'c' ) <-> 'd' <2> 'e'"
        );
        assert_eq!(canon("a & b"), "'a' & 'b'");
        assert_eq!(canon("a <-> (b <-> c)"), "'a' <-> ( 'b' <-> 'c' )");
        assert_eq!(canon("(a | b) & c"), "( 'a' | 'b' ) & 'c'");
        assert_eq!(canon(""), "");
        assert!(TsQuery::parse("''").is_err());
        assert!(TsQuery::parse("a &").is_err());
        assert!(TsQuery::parse("(a").is_err());
        assert!(TsQuery::parse("a b").is_err());
    }

    #[test]
    fn binary_is_postgresqls_order() {
        let q = TsQuery::parse("a & !b <-> c").expect("valid");
        let mut out = BytesMut::new();
        q.to_binary(&mut out);
        let expected: &[u8] = &[
            0, 0, 0, 6, 2, 2, 2, 4, 0, 1, 1, 0, 0, b'c', 0, 2, 1, 1, 0, 0, b'b', 0, 1, 0, 0, b'a',
            0,
        ];
        assert_eq!(&out[..], expected);
        assert_eq!(TsQuery::from_binary(&out).expect("valid"), q);
        for n in 0..out.len() {
            assert!(TsQuery::from_binary(out.get(..n).unwrap_or_default()).is_err());
        }
    }

    #[test]
    fn stop_words_widen_phrases() {
        let op = |w: &str| {
            Box::new(Node::Operand(Operand {
                word: w.to_owned(),
                weight: 0,
                prefix: false,
            }))
        };
        let tree = Node::Phrase(
            Box::new(Node::Phrase(op("fat"), Box::new(Node::Stop), 1)),
            op("cat"),
            1,
        );
        assert_eq!(TsQuery::cleaned(tree).to_string(), "'fat' <2> 'cat'");
    }
}
