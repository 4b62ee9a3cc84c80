//! Full-text search: the `simple` and `english` configurations (the default parser of
//! `parser.rs`, the simple dictionary, Snowball's English stemmer with PostgreSQL's English
//! stop words), to_tsvector and the to_tsquery family, `@@` with PostgreSQL's phrase
//! semantics, ts_rank and ts_rank_cd with their formulas, and the tsvector and tsquery
//! functions and operators. Values come and go as the canonical text of
//! `devdb_pg::value::{tsvector, tsquery}`.

mod parser;
mod rank;

use std::sync::OnceLock;

use devdb_pg::value::array;
use devdb_pg::value::text_search_config::Config;
use devdb_pg::value::tsquery::{Node, Operand, TsQuery};
use devdb_pg::value::tsvector::{self, Lexeme, MAX_LEXEME, MAX_POS, Pos, TsVector};
use devdb_pg::{PgError, PgType, SqlState, Value};

use super::{arg, as_int, as_text};
use parser::TokenType;

pub use rank::{rank, rank_cd};

/// PostgreSQL's English stop words (`tsearch_data/english.stop`).
const ENGLISH_STOP: &str = include_str!("text_search/english.stop");

fn stop_words() -> &'static std::collections::HashSet<&'static str> {
    static WORDS: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| ENGLISH_STOP.lines().map(str::trim).collect())
}

fn stemmer() -> &'static rust_stemmers::Stemmer {
    static STEMMER: OnceLock<rust_stemmers::Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English))
}

fn config(v: &Value) -> Result<Option<Config>, PgError> {
    as_text(v)?.map(Config::named).transpose()
}

/// What a configuration's dictionaries make of a token: its lexeme, nothing for a stop word
/// (which still takes a position), or None for a token type the configuration skips.
fn lexize(config: Config, ty: TokenType, token: &str) -> Option<Option<String>> {
    if ty.is_skipped() {
        return None;
    }
    let lower = token.to_lowercase();
    if config == Config::English && ty.is_word() {
        if lower.is_empty() || stop_words().contains(lower.as_str()) {
            return Some(None);
        }
        return Some(Some(stemmer().stem(&lower).into_owned()));
    }
    Some(Some(lower))
}

/// The lexemes of a document with their positions, as parsetext makes them.
fn parse_text(config: Config, text: &str) -> Vec<(u32, String)> {
    let mut pos: u32 = 0;
    let mut out = Vec::new();
    for (ty, token) in parser::tokens(text) {
        if token.len() > MAX_LEXEME {
            continue;
        }
        let Some(lexeme) = lexize(config, ty, &token) else {
            continue;
        };
        pos += 1;
        if let Some(word) = lexeme {
            out.push((pos, word));
        }
    }
    out
}

fn vector(v: &Value) -> Result<Option<TsVector>, PgError> {
    as_text(v)?.map(TsVector::parse).transpose()
}

fn query(v: &Value) -> Result<Option<TsQuery>, PgError> {
    as_text(v)?.map(TsQuery::parse).transpose()
}

fn text_value(s: impl ToString) -> Value {
    Value::Text(s.to_string())
}

/// `pg_to_tsvector(config, text)`.
pub fn to_tsvector(args: &[Value]) -> Result<Value, PgError> {
    let (Some(config), Some(text)) = (config(arg(args, 0))?, as_text(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    Ok(text_value(document(config, text)))
}

fn document(config: Config, text: &str) -> TsVector {
    let lexemes = parse_text(config, text)
        .into_iter()
        .map(|(pos, word)| Lexeme {
            word,
            positions: vec![Pos {
                pos: pos.min(MAX_POS as u32) as u16,
                weight: 0,
            }],
        })
        .collect();
    TsVector::from_lexemes(lexemes)
}

/// How the words of one operand are joined: to_tsquery and phraseto_tsquery by `<->`,
/// plainto_tsquery by `&`.
#[derive(Clone, Copy, PartialEq)]
enum Join {
    Phrase,
    And,
}

/// An operand's text run through the configuration (pushval_morph): its words joined, stop
/// words between them kept as placeholders that widen phrases, a stop word alone a `Stop`.
fn morph(config: Config, operand: &Operand, join: Join) -> Node {
    let words = parse_text(config, &operand.word);
    let mut tree: Option<Node> = None;
    let mut last_pos = 0;
    let combine = |l: Node, r: Node| match join {
        Join::Phrase => Node::Phrase(Box::new(l), Box::new(r), 1),
        Join::And => Node::And(Box::new(l), Box::new(r)),
    };
    for (pos, word) in words {
        if let Some(t) = tree.take() {
            let mut t = t;
            let mut gap = last_pos + 1;
            while gap < pos {
                t = combine(t, Node::Stop);
                gap += 1;
            }
            tree = Some(combine(
                t,
                Node::Operand(Operand {
                    word,
                    weight: operand.weight,
                    prefix: operand.prefix,
                }),
            ));
        } else {
            tree = Some(Node::Operand(Operand {
                word,
                weight: operand.weight,
                prefix: operand.prefix,
            }));
        }
        last_pos = pos;
    }
    tree.unwrap_or(Node::Stop)
}

fn config_and_text(args: &[Value]) -> Result<Option<(Config, &str)>, PgError> {
    Ok(match (config(arg(args, 0))?, as_text(arg(args, 1))?) {
        (Some(c), Some(t)) => Some((c, t)),
        _ => None,
    })
}

/// `pg_to_tsquery(config, text)`.
pub fn to_tsquery(args: &[Value]) -> Result<Value, PgError> {
    let Some((config, text)) = config_and_text(args)? else {
        return Ok(Value::Null);
    };
    let q = TsQuery::parse_with(text, |o| Ok(morph(config, &o, Join::Phrase)))?;
    Ok(text_value(q))
}

fn whole(text: &str) -> Operand {
    Operand {
        word: text.to_owned(),
        weight: 0,
        prefix: false,
    }
}

/// `pg_plainto_tsquery(config, text)`.
pub fn plainto_tsquery(args: &[Value]) -> Result<Value, PgError> {
    text_query(args, Join::And)
}

/// `pg_phraseto_tsquery(config, text)`.
pub fn phraseto_tsquery(args: &[Value]) -> Result<Value, PgError> {
    text_query(args, Join::Phrase)
}

/// The whole text as one operand, its words joined by `join`.
fn text_query(args: &[Value], join: Join) -> Result<Value, PgError> {
    let Some((config, text)) = config_and_text(args)? else {
        return Ok(Value::Null);
    };
    Ok(text_value(TsQuery::cleaned(morph(
        config,
        &whole(text),
        join,
    ))))
}

/// A token of websearch_to_tsquery's syntax.
enum Web {
    Word(String),
    Not,
    Or,
}

/// `pg_websearch_to_tsquery(config, text)`: words ANDed, `"quoted phrases"`, `or`, `-word`;
/// other punctuation is ignored.
pub fn websearch_to_tsquery(args: &[Value]) -> Result<Value, PgError> {
    let Some((config, text)) = config_and_text(args)? else {
        return Ok(Value::Null);
    };
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut want_operand = true;
    while let Some(&c) = chars.get(i) {
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if want_operand {
            match c {
                '-' => {
                    tokens.push(Web::Not);
                    i += 1;
                }
                '"' => {
                    let start = i + 1;
                    let mut j = start;
                    while chars.get(j).is_some_and(|c| *c != '"') {
                        j += 1;
                    }
                    tokens.push(Web::Word(
                        chars.get(start..j).unwrap_or_default().iter().collect(),
                    ));
                    i = j + 1;
                    want_operand = false;
                }
                '!' | '&' | '|' | '(' | ')' | '<' | ':' => i += 1,
                _ => {
                    let start = i;
                    let mut j = i;
                    while chars.get(j).is_some_and(|c| {
                        !c.is_whitespace()
                            && !matches!(c, '"' | '!' | '&' | '|' | '(' | ')' | '<' | ':')
                    }) {
                        j += 1;
                    }
                    tokens.push(Web::Word(
                        chars.get(start..j).unwrap_or_default().iter().collect(),
                    ));
                    i = j;
                    want_operand = false;
                }
            }
        } else if is_or(&chars, i) {
            tokens.push(Web::Or);
            i += 2;
            want_operand = true;
        } else {
            // Anything else after an operand is an implicit AND before the next operand.
            want_operand = true;
        }
    }
    // Operators with no operand after them are dropped.
    while matches!(tokens.last(), Some(Web::Not | Web::Or)) {
        tokens.pop();
    }
    // OR of ANDs of (NOT* operand).
    let mut ors: Vec<Node> = Vec::new();
    let mut ands: Vec<Node> = Vec::new();
    let mut negations = 0;
    for token in tokens {
        match token {
            Web::Not => negations += 1,
            Web::Or => {
                if let Some(and) = fold(std::mem::take(&mut ands), |l, r| {
                    Node::And(Box::new(l), Box::new(r))
                }) {
                    ors.push(and);
                }
            }
            Web::Word(w) => {
                let mut node = morph(config, &whole(&w), Join::Phrase);
                for _ in 0..negations {
                    node = Node::Not(Box::new(node));
                }
                negations = 0;
                ands.push(node);
            }
        }
    }
    if let Some(and) = fold(ands, |l, r| Node::And(Box::new(l), Box::new(r))) {
        ors.push(and);
    }
    let q = match fold(ors, |l, r| Node::Or(Box::new(l), Box::new(r))) {
        Some(root) => TsQuery::cleaned(root),
        None => TsQuery::default(),
    };
    Ok(text_value(q))
}

fn fold(nodes: Vec<Node>, join: impl Fn(Node, Node) -> Node) -> Option<Node> {
    nodes.into_iter().reduce(join)
}

/// `or` as websearch_to_tsquery reads it: not part of a word, and followed by an operand.
fn is_or(chars: &[char], i: usize) -> bool {
    let lower = |k: usize| chars.get(k).map(|c| c.to_ascii_lowercase());
    if lower(i) != Some('o') || lower(i + 1) != Some('r') {
        return false;
    }
    match chars.get(i + 2) {
        None => false,
        Some(c) if c.is_alphanumeric() || *c == '-' || *c == '_' => false,
        Some(_) => chars
            .get(i + 3..)
            .is_some_and(|rest| rest.iter().any(|c| !c.is_whitespace())),
    }
}

/// A three-valued match, as TS_execute has it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Tri {
    No,
    Yes,
    Maybe,
}

/// The lexemes an operand matches: exactly its word, or every lexeme it is a prefix of.
pub(crate) fn entries<'a>(v: &'a TsVector, o: &Operand) -> &'a [Lexeme] {
    if o.prefix {
        let start = v
            .lexemes
            .partition_point(|l| l.word.as_bytes() < o.word.as_bytes());
        let rest = v.lexemes.get(start..).unwrap_or_default();
        let n = rest
            .iter()
            .take_while(|l| l.word.as_bytes().starts_with(o.word.as_bytes()))
            .count();
        rest.get(..n).unwrap_or_default()
    } else {
        match v.find(&o.word) {
            Some(i) => v.lexemes.get(i..=i).unwrap_or_default(),
            None => &[],
        }
    }
}

pub(crate) fn weight_ok(o: &Operand, p: &Pos) -> bool {
    o.weight == 0 || o.weight & (1 << p.weight) != 0
}

/// Where a query's operands are looked up: a tsvector for `@@`, or the operands a cover
/// holds for ts_rank_cd.
pub(crate) trait Source {
    /// Whether `o` matches, and where (sorted) when `positions` is asked for; a lexeme
    /// without positions is a `Maybe` then.
    fn operand(&self, o: &Operand, positions: bool) -> (Tri, Vec<u32>);
}

impl Source for TsVector {
    fn operand(&self, o: &Operand, positions: bool) -> (Tri, Vec<u32>) {
        if !positions {
            let found = entries(self, o)
                .iter()
                .any(|l| l.positions.is_empty() || l.positions.iter().any(|p| weight_ok(o, p)));
            return (if found { Tri::Yes } else { Tri::No }, Vec::new());
        }
        let mut result = Tri::No;
        let mut pos = Vec::new();
        for l in entries(self, o) {
            if l.positions.is_empty() {
                if result == Tri::No {
                    result = Tri::Maybe;
                }
                continue;
            }
            let before = pos.len();
            pos.extend(
                l.positions
                    .iter()
                    .filter(|p| weight_ok(o, p))
                    .map(|p| u32::from(p.pos)),
            );
            if pos.len() > before {
                result = Tri::Yes;
            }
        }
        pos.sort_unstable();
        pos.dedup();
        (result, pos)
    }
}

/// Match positions under a phrase operator (ExecPhraseData).
#[derive(Default)]
struct Positions {
    pos: Vec<u32>,
    negate: bool,
    width: u32,
}

pub(crate) fn execute(v: &dyn Source, node: &Node) -> Tri {
    match node {
        Node::Operand(o) => v.operand(o, false).0,
        Node::Stop => Tri::No,
        Node::Not(a) => match execute(v, a) {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            Tri::Maybe => Tri::Maybe,
        },
        Node::And(l, r) => {
            let lm = execute(v, l);
            if lm == Tri::No {
                return Tri::No;
            }
            match execute(v, r) {
                Tri::No => Tri::No,
                Tri::Yes => lm,
                Tri::Maybe => Tri::Maybe,
            }
        }
        Node::Or(l, r) => {
            let lm = execute(v, l);
            if lm == Tri::Yes {
                return Tri::Yes;
            }
            match execute(v, r) {
                Tri::No => lm,
                Tri::Yes => Tri::Yes,
                Tri::Maybe => Tri::Maybe,
            }
        }
        Node::Phrase(..) => {
            let mut data = Positions::default();
            match phrase(v, node, &mut data) {
                Tri::Yes => Tri::Yes,
                // Without positions a phrase cannot be confirmed: no match, as in @@.
                Tri::No | Tri::Maybe => Tri::No,
            }
        }
    }
}

const L_ONLY: u8 = 1;
const R_ONLY: u8 = 2;
const BOTH: u8 = 4;

fn output(
    data: &mut Positions,
    l: &Positions,
    r: &Positions,
    emit: u8,
    loffset: u32,
    roffset: u32,
) -> Tri {
    let (mut li, mut ri) = (0, 0);
    data.pos.clear();
    while li < l.pos.len() || ri < r.pos.len() {
        let lpos = match l.pos.get(li) {
            Some(p) => p + loffset,
            None if emit & R_ONLY == 0 => break,
            None => u32::MAX,
        };
        let rpos = match r.pos.get(ri) {
            Some(p) => p + roffset,
            None if emit & L_ONLY == 0 => break,
            None => u32::MAX,
        };
        if lpos < rpos {
            if emit & L_ONLY != 0 {
                data.pos.push(lpos);
            }
            li += 1;
        } else if lpos == rpos {
            if emit & BOTH != 0 {
                data.pos.push(rpos);
            }
            li += 1;
            ri += 1;
        } else {
            if emit & R_ONLY != 0 {
                data.pos.push(rpos);
            }
            ri += 1;
        }
    }
    if data.pos.is_empty() {
        Tri::No
    } else {
        Tri::Yes
    }
}

/// TS_phrase_execute: the positions where `node` matches (or, negated, where it does not).
fn phrase(v: &dyn Source, node: &Node, data: &mut Positions) -> Tri {
    match node {
        Node::Operand(o) => {
            let (result, pos) = v.operand(o, true);
            if result == Tri::Yes {
                data.pos = pos;
            }
            result
        }
        Node::Stop => Tri::No,
        Node::Not(a) => match phrase(v, a, data) {
            Tri::No => {
                data.negate = true;
                Tri::Yes
            }
            Tri::Yes if !data.pos.is_empty() => {
                data.negate = !data.negate;
                Tri::Yes
            }
            Tri::Yes => {
                data.negate = false;
                Tri::No
            }
            Tri::Maybe => Tri::Maybe,
        },
        Node::And(l, r) | Node::Phrase(l, r, _) => {
            let mut ld = Positions::default();
            let mut rd = Positions::default();
            let lm = phrase(v, l, &mut ld);
            if lm == Tri::No {
                return Tri::No;
            }
            let rm = phrase(v, r, &mut rd);
            if rm == Tri::No {
                return Tri::No;
            }
            if lm == Tri::Maybe || rm == Tri::Maybe {
                return Tri::Maybe;
            }
            let (loffset, roffset) = if let Node::Phrase(_, _, d) = node {
                let d = u32::from(*d);
                data.width = d + ld.width + rd.width;
                (d + rd.width, 0)
            } else {
                let max = ld.width.max(rd.width);
                data.width = max;
                (max - ld.width, max - rd.width)
            };
            match (ld.negate, rd.negate) {
                (true, true) => {
                    output(data, &ld, &rd, BOTH | L_ONLY | R_ONLY, loffset, roffset);
                    data.negate = true;
                    Tri::Yes
                }
                (true, false) => output(data, &ld, &rd, R_ONLY, loffset, roffset),
                (false, true) => output(data, &ld, &rd, L_ONLY, loffset, roffset),
                (false, false) => output(data, &ld, &rd, BOTH, loffset, roffset),
            }
        }
        Node::Or(l, r) => {
            let mut ld = Positions::default();
            let mut rd = Positions::default();
            let lm = phrase(v, l, &mut ld);
            let rm = phrase(v, r, &mut rd);
            if lm == Tri::No && rm == Tri::No {
                return Tri::No;
            }
            if lm == Tri::Maybe || rm == Tri::Maybe {
                return Tri::Maybe;
            }
            if lm == Tri::No {
                ld.width = 0;
            }
            if rm == Tri::No {
                rd.width = 0;
            }
            let max = ld.width.max(rd.width);
            let (loffset, roffset) = (max - ld.width, max - rd.width);
            data.width = max;
            match (ld.negate, rd.negate) {
                (true, true) => {
                    output(data, &ld, &rd, BOTH, loffset, roffset);
                    data.negate = true;
                    Tri::Yes
                }
                (true, false) => {
                    output(data, &ld, &rd, L_ONLY, loffset, roffset);
                    data.negate = true;
                    Tri::Yes
                }
                (false, true) => {
                    output(data, &ld, &rd, R_ONLY, loffset, roffset);
                    data.negate = true;
                    Tri::Yes
                }
                (false, false) => output(data, &ld, &rd, BOTH | L_ONLY | R_ONLY, loffset, roffset),
            }
        }
    }
}

/// True when the vector matches the query (`@@`); an empty query matches nothing.
pub fn matches(v: &TsVector, q: &TsQuery) -> bool {
    match &q.root {
        Some(root) => execute(v, root) != Tri::No,
        None => false,
    }
}

/// `pg_ts_match(tsvector, tsquery)`.
pub fn ts_match(args: &[Value]) -> Result<Value, PgError> {
    let (Some(v), Some(q)) = (vector(arg(args, 0))?, query(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    Ok(Value::Int(matches(&v, &q) as i64))
}

/// A weight letter as setweight takes it.
fn weight_arg(v: &Value) -> Result<Option<u8>, PgError> {
    let Some(text) = as_text(v)? else {
        return Ok(None);
    };
    let c = text.chars().next().unwrap_or('\0');
    tsvector::weight_of(c).map(Some).ok_or_else(|| {
        PgError::new(
            SqlState::INTERNAL_ERROR,
            format!("unrecognized weight: {}", c as u32),
        )
    })
}

/// A text[] argument's elements; a NULL element is 22004 (`what` names them in the message).
fn lexeme_array(v: &Value, what: &str) -> Result<Option<Vec<String>>, PgError> {
    let Value::Blob(stored) = v else {
        return Ok(None);
    };
    array::load(PgType::Text, stored)?
        .into_iter()
        .map(|item| match item {
            Value::Text(s) => Ok(s),
            _ => Err(PgError::new(
                SqlState::NULL_VALUE_NOT_ALLOWED,
                format!("{what} must not contain nulls"),
            )),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// `pg_setweight(tsvector, weight [, lexemes])`.
pub fn setweight(args: &[Value]) -> Result<Value, PgError> {
    let (Some(mut v), Some(weight)) = (vector(arg(args, 0))?, weight_arg(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    let only = if args.len() > 2 {
        match lexeme_array(arg(args, 2), "lexeme array")? {
            Some(words) => Some(words),
            None => return Ok(Value::Null),
        }
    } else {
        None
    };
    for lexeme in &mut v.lexemes {
        if only.as_ref().is_none_or(|w| w.contains(&lexeme.word)) {
            for p in &mut lexeme.positions {
                p.weight = weight;
            }
        }
    }
    Ok(text_value(v))
}

/// `pg_strip(tsvector)`.
pub fn strip(args: &[Value]) -> Result<Value, PgError> {
    let Some(mut v) = vector(arg(args, 0))? else {
        return Ok(Value::Null);
    };
    for lexeme in &mut v.lexemes {
        lexeme.positions.clear();
    }
    Ok(text_value(v))
}

/// `pg_tsvector_length(tsvector)`: the number of lexemes.
pub fn length(args: &[Value]) -> Result<Value, PgError> {
    Ok(match vector(arg(args, 0))? {
        Some(v) => Value::Int(v.lexemes.len() as i64),
        None => Value::Null,
    })
}

/// `pg_numnode(tsquery)`.
pub fn numnode(args: &[Value]) -> Result<Value, PgError> {
    Ok(match query(arg(args, 0))? {
        Some(q) => Value::Int(q.node_count() as i64),
        None => Value::Null,
    })
}

/// `pg_querytree(tsquery)`: the query without its NOT parts, `T` when nothing is left.
pub fn querytree(args: &[Value]) -> Result<Value, PgError> {
    let Some(q) = query(arg(args, 0))? else {
        return Ok(Value::Null);
    };
    let Some(root) = q.root else {
        return Ok(text_value(""));
    };
    Ok(text_value(match clean_not(root) {
        Some(node) => devdb_pg::value::tsquery::node_text(&node),
        None => "T".to_owned(),
    }))
}

fn clean_not(node: Node) -> Option<Node> {
    match node {
        Node::Operand(_) => Some(node),
        Node::Stop | Node::Not(_) => None,
        Node::Or(l, r) => Some(Node::Or(Box::new(clean_not(*l)?), Box::new(clean_not(*r)?))),
        Node::And(l, r) => match (clean_not(*l), clean_not(*r)) {
            (Some(l), Some(r)) => Some(Node::And(Box::new(l), Box::new(r))),
            (Some(one), None) | (None, Some(one)) => Some(one),
            (None, None) => None,
        },
        Node::Phrase(l, r, d) => match (clean_not(*l), clean_not(*r)) {
            (Some(l), Some(r)) => Some(Node::Phrase(Box::new(l), Box::new(r), d)),
            (Some(one), None) | (None, Some(one)) => Some(one),
            (None, None) => None,
        },
    }
}

/// `pg_tsvector_concat(a, b)`: b's positions move past a's largest.
pub fn tsvector_concat(args: &[Value]) -> Result<Value, PgError> {
    let (Some(a), Some(b)) = (vector(arg(args, 0))?, vector(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    let max = a
        .lexemes
        .iter()
        .filter_map(|l| l.positions.last().map(|p| p.pos))
        .max()
        .unwrap_or(0);
    let mut lexemes = a.lexemes;
    lexemes.extend(b.lexemes.into_iter().map(|mut l| {
        for p in &mut l.positions {
            p.pos = (p.pos + max).min(MAX_POS);
        }
        l
    }));
    Ok(text_value(TsVector::from_lexemes(lexemes)))
}

/// `pg_tsquery_op(op, a, b [, distance])`: `&&`, `||`, `!!` and `<->` (tsquery_phrase); an
/// empty operand leaves the other.
pub fn tsquery_op(args: &[Value]) -> Result<Value, PgError> {
    let Some(op) = as_text(arg(args, 0))? else {
        return Ok(Value::Null);
    };
    let Some(a) = query(arg(args, 1))? else {
        return Ok(Value::Null);
    };
    if op == "not" {
        return Ok(text_value(TsQuery {
            root: a.root.map(|r| Node::Not(Box::new(r))),
        }));
    }
    let Some(b) = query(arg(args, 2))? else {
        return Ok(Value::Null);
    };
    let distance = if op == "phrase" {
        match as_int(arg(args, 3))? {
            Some(d) if (0..=i64::from(MAX_POS) + 1).contains(&d) => d as u16,
            Some(_) => {
                return Err(PgError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    format!(
                        "distance in phrase operator must be an integer value between zero and {} inclusive",
                        MAX_POS + 1
                    ),
                ));
            }
            None => return Ok(Value::Null),
        }
    } else {
        0
    };
    let root = match (a.root, b.root) {
        (None, other) | (other, None) => other,
        (Some(l), Some(r)) => Some(match op {
            "and" => Node::And(Box::new(l), Box::new(r)),
            "or" => Node::Or(Box::new(l), Box::new(r)),
            _ => Node::Phrase(Box::new(l), Box::new(r), distance),
        }),
    };
    Ok(text_value(TsQuery { root }))
}

/// `pg_tsquery_contains(a, b)`: every lexeme of b is one of a (`@>`).
pub fn tsquery_contains(args: &[Value]) -> Result<Value, PgError> {
    let (Some(a), Some(b)) = (query(arg(args, 0))?, query(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    let words: Vec<&str> = a.operands().iter().map(|o| o.word.as_str()).collect();
    let all = b
        .operands()
        .iter()
        .all(|o| words.contains(&o.word.as_str()));
    Ok(Value::Int(all as i64))
}

/// `pg_tsvector_to_array(tsvector)`.
pub fn tsvector_to_array(args: &[Value]) -> Result<Value, PgError> {
    let Some(v) = vector(arg(args, 0))? else {
        return Ok(Value::Null);
    };
    let items: Vec<Value> = v.lexemes.into_iter().map(|l| Value::Text(l.word)).collect();
    Ok(Value::Blob(array::store(PgType::Text, &items)))
}

/// `pg_array_to_tsvector(text[])`.
pub fn array_to_tsvector(args: &[Value]) -> Result<Value, PgError> {
    let Some(words) = lexeme_array(arg(args, 0), "lexeme array")? else {
        return Ok(Value::Null);
    };
    if words.iter().any(String::is_empty) {
        return Err(PgError::new(
            SqlState::ZERO_LENGTH_CHARACTER_STRING,
            "lexeme array may not contain empty strings",
        ));
    }
    let lexemes = words
        .into_iter()
        .map(|word| Lexeme {
            word,
            positions: Vec::new(),
        })
        .collect();
    Ok(text_value(TsVector::from_lexemes(lexemes)))
}

/// `pg_ts_delete(tsvector, lexeme or lexemes)`: the second argument is text or text[].
pub fn ts_delete(args: &[Value]) -> Result<Value, PgError> {
    let Some(mut v) = vector(arg(args, 0))? else {
        return Ok(Value::Null);
    };
    let words = match arg(args, 1) {
        Value::Null => return Ok(Value::Null),
        Value::Text(s) => vec![s.clone()],
        // NULL elements are skipped, as tsvector_delete_arr does.
        Value::Blob(stored) => array::load(PgType::Text, stored)?
            .into_iter()
            .filter_map(|item| match item {
                Value::Text(s) => Some(s),
                _ => None,
            })
            .collect(),
        other => return Err(PgError::internal(format!("ts_delete of {other:?}"))),
    };
    v.lexemes.retain(|l| !words.contains(&l.word));
    Ok(text_value(v))
}

/// ts_rank's weights argument: four float4s {D, C, B, A}; a negative one keeps its default.
pub fn weights(v: &Value) -> Result<Option<[f32; 4]>, PgError> {
    let Value::Blob(stored) = v else {
        return Ok(None);
    };
    let items = array::load(PgType::Float4, stored)?;
    if items.len() < 4 {
        return Err(PgError::new(
            SqlState::ARRAY_SUBSCRIPT_ERROR,
            "array of weight is too short",
        ));
    }
    let mut out = rank::DEFAULT_WEIGHTS;
    for (slot, item) in out.iter_mut().zip(items) {
        let w = match item {
            Value::Float(f) => f as f32,
            Value::Int(i) => i as f32,
            _ => {
                return Err(PgError::new(
                    SqlState::NULL_VALUE_NOT_ALLOWED,
                    "array of weight must not contain nulls",
                ));
            }
        };
        if w > 1.0 {
            return Err(PgError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                "weight out of range",
            ));
        }
        if w >= 0.0 {
            *slot = w;
        }
    }
    Ok(Some(out))
}

/// `pg_ts_rank(kind, weights, tsvector, tsquery, normalization)`: kind is `rank` or `cd`,
/// weights NULL for the defaults.
pub fn ts_rank(args: &[Value]) -> Result<Value, PgError> {
    let kind = as_text(arg(args, 0))?.unwrap_or("rank");
    let weights = match arg(args, 1) {
        Value::Null => rank::DEFAULT_WEIGHTS,
        v => match weights(v)? {
            Some(w) => w,
            None => return Ok(Value::Null),
        },
    };
    let (Some(v), Some(q), Some(norm)) = (
        vector(arg(args, 2))?,
        query(arg(args, 3))?,
        as_int(arg(args, 4))?,
    ) else {
        return Ok(Value::Null);
    };
    let r = if kind == "cd" {
        rank_cd(&weights, &v, &q, norm as i32)?
    } else {
        rank(&weights, &v, &q, norm as i32)
    };
    Ok(Value::Float(f64::from(r)))
}

#[cfg(test)]
mod tests;
