//! Range types (int4range, int8range, numrange, daterange, tsrange, tstzrange): PostgreSQL's
//! text and binary forms, its canonical form for the discrete ones, the stored form, and the
//! bound arithmetic the range operators are made of (rangetypes.c).
//!
//! The stored form is an order-preserving byte string, so SQLite's memcmp of two stored ranges
//! is PostgreSQL's range order and `=`, ORDER BY, UNIQUE and indexes need no help: empty first,
//! then by lower bound (unbounded first; on equal values inclusive before exclusive), then by
//! upper bound (on equal values exclusive before inclusive; unbounded last).
//! An element is its integer big-endian with the sign bit flipped (ints, dates, timestamps, as
//! they are stored), or for numeric a key that orders by value followed by its text.

use std::cmp::Ordering;

use bytes::BytesMut;
use postgres_protocol::types as pgt;

use super::numeric::Numeric;
use super::{Datum, Value, decode_binary, decode_text, encode_binary, encode_text};
use crate::{PgError, PgType, SqlState};

/// One end of a non-empty range: a value (None when unbounded) and whether it is included.
#[derive(Clone, Debug, PartialEq)]
pub struct Bound {
    pub value: Option<Value>,
    pub inclusive: bool,
}

impl Bound {
    pub const UNBOUNDED: Bound = Bound {
        value: None,
        inclusive: false,
    };

    pub fn new(value: Value, inclusive: bool) -> Bound {
        Bound {
            value: Some(value),
            inclusive,
        }
    }
}

/// A range value, canonical for its type.
#[derive(Clone, Debug, PartialEq)]
pub enum Range {
    Empty,
    Span { lower: Bound, upper: Bound },
}

const EMPTY: u8 = 0x00;
const SPAN: u8 = 0x01;
const LOWER_UNBOUNDED: u8 = 0x00;
const FINITE: u8 = 0x01;
const UPPER_UNBOUNDED: u8 = 0x02;

fn element_of(ty: PgType) -> Result<PgType, PgError> {
    ty.range_element()
        .ok_or_else(|| PgError::internal(format!("{ty} is not a range type")))
}

fn malformed(text: &str, detail: &str) -> PgError {
    PgError::new(
        SqlState::INVALID_TEXT_REPRESENTATION,
        format!("malformed range literal: \"{text}\""),
    )
    .with_detail(detail)
}

/// Compares two element values of `element` (integers as stored, numerics by value).
pub fn cmp_values(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Text(x), Value::Text(y)) => super::numeric::cmp_text(x, y),
        (Value::Float(x), Value::Float(y)) => x.total_cmp(y),
        _ => Ordering::Equal,
    }
}

/// A bound with the side it is on, as rangetypes.c's RangeBound.
#[derive(Clone, Copy)]
struct Side<'a> {
    bound: &'a Bound,
    lower: bool,
}

/// Where an unbounded end sorts: a lower one first, an upper one last.
fn outermost(lower: bool) -> Ordering {
    if lower {
        Ordering::Less
    } else {
        Ordering::Greater
    }
}

/// range_cmp_bounds: orders bounds of either side, unbounded lower first, unbounded upper last;
/// between equal values an excluded lower bound sorts after them, an excluded upper before.
fn cmp_bounds(a: Side<'_>, b: Side<'_>) -> Ordering {
    if a.bound.value.is_none() || b.bound.value.is_none() {
        return cmp_bound_values(a, b);
    }
    match cmp_bound_values(a, b) {
        Ordering::Equal => match (a.bound.inclusive, b.bound.inclusive) {
            (false, false) if a.lower == b.lower => Ordering::Equal,
            (false, _) => outermost(a.lower).reverse(),
            (true, false) => outermost(b.lower),
            (true, true) => Ordering::Equal,
        },
        other => other,
    }
}

/// range_cmp_bound_values: compares the values only, unbounded ends outermost.
fn cmp_bound_values(a: Side<'_>, b: Side<'_>) -> Ordering {
    match (&a.bound.value, &b.bound.value) {
        (None, None) if a.lower == b.lower => Ordering::Equal,
        (None, _) => outermost(a.lower),
        (_, None) => outermost(b.lower).reverse(),
        (Some(x), Some(y)) => cmp_values(x, y),
    }
}

/// make_range: checks the bounds' order and gives the canonical range of `ty` (a discrete range's
/// bounds as `[lower, upper)`), empty when nothing lies between them.
pub fn make(ty: PgType, mut lower: Bound, mut upper: Bound) -> Result<Range, PgError> {
    let element = element_of(ty)?;
    if lower.value.is_none() {
        lower.inclusive = false;
    }
    if upper.value.is_none() {
        upper.inclusive = false;
    }
    let low = Side {
        bound: &lower,
        lower: true,
    };
    let up = Side {
        bound: &upper,
        lower: false,
    };
    match cmp_bound_values(low, up) {
        Ordering::Greater => {
            return Err(PgError::new(
                SqlState::DATA_EXCEPTION,
                "range lower bound must be less than or equal to range upper bound",
            ));
        }
        Ordering::Equal
            if lower.value.is_some()
                && upper.value.is_some()
                && !(lower.inclusive && upper.inclusive) =>
        {
            return Ok(Range::Empty);
        }
        _ => {}
    }
    if !matches!(element, PgType::Int4 | PgType::Int8 | PgType::Date) {
        return Ok(Range::Span { lower, upper });
    }
    // The discrete types' canonical functions: [) bounds, one step past an excluded lower or an
    // included upper (daterange leaves infinite dates as they are).
    let finite = |v: &Value| element != PgType::Date || !is_infinite_date(v);
    if let Some(v) = lower.value.as_ref().filter(|v| finite(v))
        && !lower.inclusive
    {
        lower = Bound::new(successor(element, v)?, true);
    }
    if let Some(v) = upper.value.as_ref().filter(|v| finite(v))
        && upper.inclusive
    {
        upper = Bound::new(successor(element, v)?, false);
    }
    match (&lower.value, &upper.value) {
        (Some(l), Some(u))
            if cmp_values(l, u) == Ordering::Equal && !(lower.inclusive && upper.inclusive) =>
        {
            Ok(Range::Empty)
        }
        (Some(l), Some(u)) if cmp_values(l, u) == Ordering::Greater => Ok(Range::Empty),
        _ => Ok(Range::Span { lower, upper }),
    }
}

fn is_infinite_date(v: &Value) -> bool {
    matches!(v, Value::Int(d) if *d == i64::from(i32::MAX) || *d == i64::from(i32::MIN))
}

fn successor(element: PgType, v: &Value) -> Result<Value, PgError> {
    let Value::Int(i) = v else {
        return Ok(v.clone());
    };
    let (max, code, message) = match element {
        PgType::Int4 => (
            i64::from(i32::MAX),
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "integer out of range",
        ),
        PgType::Int8 => (
            i64::MAX,
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "bigint out of range",
        ),
        _ => (
            i64::from(i32::MAX) - 1,
            SqlState::DATETIME_VALUE_OUT_OF_RANGE,
            "date out of range",
        ),
    };
    if *i >= max {
        return Err(PgError::new(code, message));
    }
    Ok(Value::Int(i + 1))
}

/// Reads `"[)"`-style bound flags, as the three-argument range constructors take them.
pub fn parse_flags(flags: &str) -> Result<(bool, bool), PgError> {
    match flags {
        "[]" => Ok((true, true)),
        "[)" => Ok((true, false)),
        "(]" => Ok((false, true)),
        "()" => Ok((false, false)),
        _ => Err(
            PgError::new(SqlState::SYNTAX_ERROR, "invalid range bound flags")
                .with_hint("Valid values are \"[]\", \"[)\", \"(]\", and \"()\"."),
        ),
    }
}

/// Parses PostgreSQL's range input syntax (range_parse), each bound by its element's input.
pub fn parse_text(ty: PgType, text: &str) -> Result<Range, PgError> {
    let element = element_of(ty)?;
    let rest = text.trim_start_matches(is_space);
    if rest
        .as_bytes()
        .get(..5)
        .is_some_and(|b| b.eq_ignore_ascii_case(b"empty"))
    {
        if !rest[5..].trim_start_matches(is_space).is_empty() {
            return Err(malformed(text, "Junk after \"empty\" key word."));
        }
        return Ok(Range::Empty);
    }
    let mut chars = rest.chars().peekable();
    let lower_inclusive = match chars.next() {
        Some('[') => true,
        Some('(') => false,
        _ => return Err(malformed(text, "Missing left parenthesis or bracket.")),
    };
    let lower = parse_bound(text, &mut chars)?;
    if chars.next() != Some(',') {
        return Err(malformed(text, "Missing comma after lower bound."));
    }
    let upper = parse_bound(text, &mut chars)?;
    let upper_inclusive = match chars.next() {
        Some(']') => true,
        Some(')') => false,
        _ => return Err(malformed(text, "Too many commas.")),
    };
    if chars.any(|c| !is_space(c)) {
        return Err(malformed(text, "Junk after right parenthesis or bracket."));
    }
    let bound = |t: Option<String>, inclusive| -> Result<Bound, PgError> {
        Ok(match t {
            None => Bound::UNBOUNDED,
            Some(t) => Bound::new(decode_text(element, &t)?, inclusive),
        })
    };
    make(
        ty,
        bound(lower, lower_inclusive)?,
        bound(upper, upper_inclusive)?,
    )
}

fn is_space(c: char) -> bool {
    c.is_ascii_whitespace() || c == '\u{b}'
}

/// range_parse_bound: a bound's text (quotes and backslashes undone), None when it is empty.
fn parse_bound(
    text: &str,
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
) -> Result<Option<String>, PgError> {
    let end = |c: Option<&char>| matches!(c, Some(',' | ')' | ']'));
    if end(chars.peek()) {
        return Ok(None);
    }
    let mut out = String::new();
    let mut quoted = false;
    while quoted || !end(chars.peek()) {
        match chars.next() {
            None => return Err(malformed(text, "Unexpected end of input.")),
            Some('\\') => match chars.next() {
                Some(c) => out.push(c),
                None => return Err(malformed(text, "Unexpected end of input.")),
            },
            Some('"') if !quoted => quoted = true,
            Some('"') if chars.peek() == Some(&'"') => {
                chars.next();
                out.push('"');
            }
            Some('"') => quoted = false,
            Some(c) => out.push(c),
        }
    }
    Ok(Some(out))
}

/// PostgreSQL's text output (range_out): bounds quoted where the syntax needs it.
pub fn format_text(ty: PgType, range: &Range) -> String {
    let Ok(element) = element_of(ty) else {
        return String::new();
    };
    let Range::Span { lower, upper } = range else {
        return "empty".to_owned();
    };
    let mut out = String::new();
    out.push(if lower.inclusive { '[' } else { '(' });
    let push = |out: &mut String, bound: &Bound| {
        if let Some(v) = &bound.value {
            let mut buf = BytesMut::new();
            encode_text(element, v.as_datum(), &mut buf);
            escape_bound(out, &String::from_utf8_lossy(&buf));
        }
    };
    push(&mut out, lower);
    out.push(',');
    push(&mut out, upper);
    out.push(if upper.inclusive { ']' } else { ')' });
    out
}

fn escape_bound(out: &mut String, value: &str) {
    let quote = value.is_empty()
        || value
            .chars()
            .any(|c| matches!(c, '"' | '\\' | '(' | ')' | '[' | ']' | ',') || is_space(c));
    if quote {
        out.push('"');
    }
    for c in value.chars() {
        if matches!(c, '"' | '\\') {
            out.push(c);
        }
        out.push(c);
    }
    if quote {
        out.push('"');
    }
}

/// The stored form of `range`.
pub fn store(range: &Range) -> Vec<u8> {
    let Range::Span { lower, upper } = range else {
        return vec![EMPTY];
    };
    let mut out = vec![SPAN];
    match &lower.value {
        None => out.push(LOWER_UNBOUNDED),
        Some(v) => {
            out.push(FINITE);
            store_element(v, &mut out);
            out.push(!lower.inclusive as u8);
        }
    }
    match &upper.value {
        None => out.push(UPPER_UNBOUNDED),
        Some(v) => {
            out.push(FINITE);
            store_element(v, &mut out);
            out.push(upper.inclusive as u8);
        }
    }
    out
}

fn store_element(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Text(numeric) => {
            numeric_key(numeric, out);
            out.extend_from_slice(numeric.as_bytes());
            out.push(0);
        }
        Value::Int(i) => out.extend_from_slice(&((*i as u64) ^ (1 << 63)).to_be_bytes()),
        _ => out.extend_from_slice(&[0x80, 0, 0, 0, 0, 0, 0, 0]),
    }
}

/// A byte string that orders numerics by value: a class byte (-Infinity, negative, zero,
/// positive, Infinity, NaN), then for a finite value its decimal exponent and significant
/// digits, complemented when negative so that larger magnitudes sort first.
fn numeric_key(text: &str, out: &mut Vec<u8>) {
    let canonical = Numeric::parse(text)
        .map(|n| n.to_string())
        .unwrap_or_default();
    let (negative, magnitude) = match canonical.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, canonical.as_str()),
    };
    let class = match (negative, magnitude) {
        (true, "Infinity") => 0,
        (false, "Infinity") => 4,
        (_, "NaN") => 5,
        _ => {
            let (int_part, frac_part) = magnitude.split_once('.').unwrap_or((magnitude, ""));
            let int_part = int_part.trim_start_matches('0');
            let digits = format!("{int_part}{frac_part}");
            let significant = digits.trim_start_matches('0');
            if significant.is_empty() {
                out.push(2);
                return;
            }
            // value = 0.<significant> x 10^exponent
            let leading_zeros = (digits.len() - significant.len()) as i32;
            let exponent = int_part.len() as i32 - leading_zeros;
            let mut key = ((exponent as u32) ^ (1 << 31)).to_be_bytes().to_vec();
            key.extend_from_slice(significant.trim_end_matches('0').as_bytes());
            key.push(0);
            if negative {
                out.push(1);
                out.extend(key.iter().map(|b| !b));
            } else {
                out.push(3);
                out.extend_from_slice(&key);
            }
            return;
        }
    };
    out.push(class);
}

/// Reads a stored range of type `ty`.
pub fn load(ty: PgType, stored: &[u8]) -> Result<Range, PgError> {
    let element = element_of(ty)?;
    let mut cursor = Cursor { rest: stored, ty };
    if cursor.byte()? == EMPTY {
        return Ok(Range::Empty);
    }
    let lower = match cursor.byte()? {
        LOWER_UNBOUNDED => Bound::UNBOUNDED,
        _ => {
            let v = cursor.element(element)?;
            Bound::new(v, cursor.byte()? == 0)
        }
    };
    let upper = match cursor.byte()? {
        UPPER_UNBOUNDED => Bound::UNBOUNDED,
        _ => {
            let v = cursor.element(element)?;
            Bound::new(v, cursor.byte()? == 1)
        }
    };
    Ok(Range::Span { lower, upper })
}

/// Reads a stored range front to back.
struct Cursor<'a> {
    rest: &'a [u8],
    ty: PgType,
}

impl<'a> Cursor<'a> {
    fn corrupt(&self) -> PgError {
        PgError::internal(format!("corrupt stored {}", self.ty))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], PgError> {
        if self.rest.len() < n {
            return Err(self.corrupt());
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, PgError> {
        Ok(self.take(1)?[0])
    }

    fn element(&mut self, element: PgType) -> Result<Value, PgError> {
        if element != PgType::Numeric {
            let bytes: [u8; 8] = self.take(8)?.try_into().map_err(|_| self.corrupt())?;
            return Ok(Value::Int((u64::from_be_bytes(bytes) ^ (1 << 63)) as i64));
        }
        // Past the key (a finite value's exponent, then digits up to their end byte), the text.
        let class = self.byte()?;
        if matches!(class, 1 | 3) {
            let end = if class == 1 { 0xFF } else { 0x00 };
            self.take(4)?;
            while self.byte()? != end {}
        }
        let len = self
            .rest
            .iter()
            .position(|&b| b == 0)
            .ok_or_else(|| self.corrupt())?;
        let text = self.take(len)?;
        self.take(1)?;
        std::str::from_utf8(text)
            .map(|t| Value::Text(t.to_owned()))
            .map_err(|_| self.corrupt())
    }
}

/// PostgreSQL's binary output (range_send).
pub fn to_binary(ty: PgType, range: &Range, out: &mut BytesMut) -> Result<(), PgError> {
    let element = element_of(ty)?;
    let Range::Span { lower, upper } = range else {
        pgt::empty_range_to_sql(out);
        return Ok(());
    };
    // Each bound's element bytes first, so that the writer's closures cannot fail.
    let encoded = |b: &Bound| -> Result<Option<(BytesMut, bool)>, PgError> {
        let Some(v) = &b.value else {
            return Ok(None);
        };
        let mut buf = BytesMut::new();
        encode_binary(element, v.as_datum(), &mut buf)?;
        Ok(Some((buf, b.inclusive)))
    };
    let write = |bound: Option<(BytesMut, bool)>, buf: &mut BytesMut| {
        Ok(match bound {
            None => pgt::RangeBound::Unbounded,
            Some((bytes, inclusive)) => {
                buf.extend_from_slice(&bytes);
                match inclusive {
                    true => pgt::RangeBound::Inclusive(postgres_protocol::IsNull::No),
                    false => pgt::RangeBound::Exclusive(postgres_protocol::IsNull::No),
                }
            }
        })
    };
    let (lower, upper) = (encoded(lower)?, encoded(upper)?);
    pgt::range_to_sql(|buf| write(lower, buf), |buf| write(upper, buf), out)
        .map_err(|e| PgError::internal(e.to_string()))
}

/// Reads PostgreSQL's binary form (range_recv), canonicalized as input is.
pub fn from_binary(ty: PgType, raw: &[u8]) -> Result<Range, PgError> {
    let element = element_of(ty)?;
    let bad = || PgError::invalid_binary(&ty.to_string());
    let (lower, upper) = match pgt::range_from_sql(raw).map_err(|_| bad())? {
        pgt::Range::Empty => return Ok(Range::Empty),
        pgt::Range::Nonempty(lower, upper) => (lower, upper),
    };
    let bound = |b: pgt::RangeBound<Option<&[u8]>>| -> Result<Bound, PgError> {
        Ok(match b {
            pgt::RangeBound::Unbounded => Bound::UNBOUNDED,
            pgt::RangeBound::Inclusive(Some(v)) => Bound::new(decode_binary(element, v)?, true),
            pgt::RangeBound::Exclusive(Some(v)) => Bound::new(decode_binary(element, v)?, false),
            _ => return Err(bad()),
        })
    };
    make(ty, bound(lower)?, bound(upper)?)
}

/// The stored range in `datum` (a BLOB), as text output for `ty`.
pub fn text_of_stored(ty: PgType, datum: Datum<'_>) -> Option<String> {
    match datum {
        Datum::Blob(stored) => load(ty, stored).ok().map(|r| format_text(ty, &r)),
        _ => None,
    }
}

/// A non-empty range's two bounds, each with its side.
fn sides(r: &Range) -> Option<[Side<'_>; 2]> {
    match r {
        Range::Span { lower, upper } => Some([
            Side {
                bound: lower,
                lower: true,
            },
            Side {
                bound: upper,
                lower: false,
            },
        ]),
        Range::Empty => None,
    }
}

/// Both ranges' bounds, when neither is empty.
fn spans<'a>(a: &'a Range, b: &'a Range) -> Option<[Side<'a>; 4]> {
    let ([l1, u1], [l2, u2]) = (sides(a)?, sides(b)?);
    Some([l1, u1, l2, u2])
}

/// `range @> element`.
pub fn contains_element(r: &Range, v: &Value) -> bool {
    let Range::Span { lower, upper } = r else {
        return false;
    };
    let below = lower
        .value
        .as_ref()
        .is_some_and(|l| match cmp_values(l, v) {
            Ordering::Greater => true,
            Ordering::Equal => !lower.inclusive,
            Ordering::Less => false,
        });
    let above = upper
        .value
        .as_ref()
        .is_some_and(|u| match cmp_values(u, v) {
            Ordering::Less => true,
            Ordering::Equal => !upper.inclusive,
            Ordering::Greater => false,
        });
    !below && !above
}

/// `a @> b`.
pub fn contains(a: &Range, b: &Range) -> bool {
    if *b == Range::Empty {
        return true;
    }
    let Some([l1, u1, l2, u2]) = spans(a, b) else {
        return false;
    };
    cmp_bounds(l1, l2) != Ordering::Greater && cmp_bounds(u1, u2) != Ordering::Less
}

/// `a && b`.
pub fn overlaps(a: &Range, b: &Range) -> bool {
    let Some([l1, u1, l2, u2]) = spans(a, b) else {
        return false;
    };
    (cmp_bounds(l1, l2) != Ordering::Less && cmp_bounds(l1, u2) != Ordering::Greater)
        || (cmp_bounds(l2, l1) != Ordering::Less && cmp_bounds(l2, u1) != Ordering::Greater)
}

/// `a << b`: a ends before b starts.
pub fn before(a: &Range, b: &Range) -> bool {
    spans(a, b).is_some_and(|[_, u1, l2, _]| cmp_bounds(u1, l2) == Ordering::Less)
}

/// `a &< b`: a does not extend to the right of b.
pub fn over_left(a: &Range, b: &Range) -> bool {
    spans(a, b).is_some_and(|[_, u1, _, u2]| cmp_bounds(u1, u2) != Ordering::Greater)
}

/// `a &> b`: a does not extend to the left of b.
pub fn over_right(a: &Range, b: &Range) -> bool {
    spans(a, b).is_some_and(|[l1, _, l2, _]| cmp_bounds(l1, l2) != Ordering::Less)
}

/// `a -|- b`: the ranges touch without overlapping.
pub fn adjacent(ty: PgType, a: &Range, b: &Range) -> bool {
    let Some([l1, u1, l2, u2]) = spans(a, b) else {
        return false;
    };
    bounds_adjacent(ty, u1, l2) || bounds_adjacent(ty, u2, l1)
}

/// Whether upper bound `upper` and lower bound `lower` leave no value between them.
fn bounds_adjacent(ty: PgType, upper: Side<'_>, lower: Side<'_>) -> bool {
    match cmp_bound_values(upper, lower) {
        Ordering::Less => {
            let discrete = matches!(
                ty,
                PgType::Int4Range | PgType::Int8Range | PgType::DateRange
            );
            if !discrete {
                return false;
            }
            let between = make(
                ty,
                Bound {
                    inclusive: !upper.bound.inclusive,
                    ..upper.bound.clone()
                },
                Bound {
                    inclusive: !lower.bound.inclusive,
                    ..lower.bound.clone()
                },
            );
            matches!(between, Ok(Range::Empty))
        }
        Ordering::Equal => upper.bound.inclusive != lower.bound.inclusive,
        Ordering::Greater => false,
    }
}

/// `a + b`; with `strict`, 22000 when the ranges neither overlap nor touch (range_merge is not).
pub fn union(ty: PgType, a: &Range, b: &Range, strict: bool) -> Result<Range, PgError> {
    let Some([l1, u1, l2, u2]) = spans(a, b) else {
        return Ok(if *a == Range::Empty { b } else { a }.clone());
    };
    if strict && !overlaps(a, b) && !adjacent(ty, a, b) {
        return Err(PgError::new(
            SqlState::DATA_EXCEPTION,
            "result of range union would not be contiguous",
        ));
    }
    let lower = std::cmp::min_by(l1, l2, |x, y| cmp_bounds(*x, *y));
    let upper = std::cmp::max_by(u1, u2, |x, y| cmp_bounds(*x, *y));
    make(ty, lower.bound.clone(), upper.bound.clone())
}

/// `a * b`.
pub fn intersection(ty: PgType, a: &Range, b: &Range) -> Result<Range, PgError> {
    let Some([l1, u1, l2, u2]) = spans(a, b) else {
        return Ok(Range::Empty);
    };
    if !overlaps(a, b) {
        return Ok(Range::Empty);
    }
    let lower = std::cmp::max_by(l1, l2, |x, y| cmp_bounds(*x, *y));
    let upper = std::cmp::min_by(u1, u2, |x, y| cmp_bounds(*x, *y));
    make(ty, lower.bound.clone(), upper.bound.clone())
}

/// `a - b`; 22000 when b lies strictly inside a.
pub fn difference(ty: PgType, a: &Range, b: &Range) -> Result<Range, PgError> {
    let Some([l1, u1, l2, u2]) = spans(a, b) else {
        return Ok(a.clone());
    };
    let (l1l2, l1u2) = (cmp_bounds(l1, l2), cmp_bounds(l1, u2));
    let (u1l2, u1u2) = (cmp_bounds(u1, l2), cmp_bounds(u1, u2));
    use Ordering::{Greater, Less};
    if l1l2 == Less && u1u2 == Greater {
        return Err(PgError::new(
            SqlState::DATA_EXCEPTION,
            "result of range difference would not be contiguous",
        ));
    }
    if l1u2 == Greater || u1l2 == Less {
        return Ok(a.clone());
    }
    if l1l2 != Less && u1u2 != Greater {
        return Ok(Range::Empty);
    }
    if l1l2 != Greater && u1l2 != Less && u1u2 != Greater {
        let upper = Bound {
            inclusive: !l2.bound.inclusive,
            ..l2.bound.clone()
        };
        return make(ty, l1.bound.clone(), upper);
    }
    let lower = Bound {
        inclusive: !u2.bound.inclusive,
        ..u2.bound.clone()
    };
    make(ty, lower, u1.bound.clone())
}

#[cfg(test)]
mod tests;
