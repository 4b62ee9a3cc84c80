//! to_char of numbers (int2/int4/int8, numeric, float4/float8) with PostgreSQL's numeric
//! template patterns: 9, 0, `.`/D, `,`/G, FM, S, MI, PL, SG, PR, L, TH and literal text. The
//! number is first written as text rounded to the template's decimals, then laid out digit by
//! digit as formatting.c's NUM_processor lays it out (sign placement, blank or zero padding,
//! FM's trimming, `#` for a number too wide), in the C locale (`.`, `,`, a blank currency).

use devdb_pg::value::numeric::Rounding;
use devdb_pg::{PgError, SqlState, Value};

use super::numeric::numeric;
use super::{arg, as_float, as_text};

/// One element of a numeric template.
#[derive(Clone, Debug, PartialEq)]
enum Node {
    Nine,
    Zero,
    Point,
    Comma,
    Group,
    Currency,
    Minus,
    Plus,
    SignBoth,
    Ordinal {
        upper: bool,
    },
    Roman {
        upper: bool,
    },
    /// Patterns that only set flags (FM, S, PR) keep their place for nothing.
    Flag,
    Literal(String),
}

/// Where an `S` puts the sign.
#[derive(Clone, Copy, PartialEq)]
enum LSign {
    None,
    Pre,
    Post,
}

/// The template's description (NUMDesc).
#[derive(Clone)]
struct Desc {
    pre: usize,
    post: usize,
    /// 1-based position among the integer digits of the first `0`, 0 for none.
    zero_start: usize,
    zero_end: usize,
    zero: bool,
    decimal: bool,
    fill: bool,
    bracket: bool,
    minus: bool,
    plus: bool,
    lsign: LSign,
    pre_lsign_num: usize,
    roman: bool,
}

fn syntax(message: &str) -> PgError {
    PgError::new(SqlState::SYNTAX_ERROR, message)
}

/// The keywords, longest first so that `SG` wins over `S`.
const KEYWORDS: &[&str] = &[
    "EEEE", "eeee", "FM", "fm", "MI", "mi", "PL", "pl", "PR", "pr", "RN", "rn", "SG", "sg", "SP",
    "sp", "TH", "th", "9", "0", ".", ",", "B", "b", "D", "d", "G", "g", "L", "l", "S", "s", "V",
    "v",
];

fn parse(template: &str) -> Result<(Vec<Node>, Desc), PgError> {
    let mut d = Desc {
        pre: 0,
        post: 0,
        zero_start: 0,
        zero_end: 0,
        zero: false,
        decimal: false,
        fill: false,
        bracket: false,
        minus: false,
        plus: false,
        lsign: LSign::None,
        pre_lsign_num: 0,
        roman: false,
    };
    let mut nodes = Vec::new();
    let mut rest = template;
    while !rest.is_empty() {
        if let Some(k) = KEYWORDS.iter().find(|k| rest.starts_with(**k)) {
            rest = &rest[k.len()..];
            nodes.push(keyword(k, &mut d)?);
            continue;
        }
        let (text, after) = super::formatting::literal(rest);
        nodes.push(Node::Literal(text));
        rest = after;
    }
    Ok((nodes, d))
}

/// One keyword's node, and what it sets in the description (NUMDesc_prepare).
fn keyword(k: &str, d: &mut Desc) -> Result<Node, PgError> {
    let lsign = d.lsign != LSign::None;
    Ok(match k.to_ascii_uppercase().as_str() {
        "9" => {
            if d.bracket {
                return Err(syntax("\"9\" must be ahead of \"PR\""));
            }
            match d.decimal {
                true => d.post += 1,
                false => d.pre += 1,
            }
            Node::Nine
        }
        "0" => {
            if d.bracket {
                return Err(syntax("\"0\" must be ahead of \"PR\""));
            }
            if !d.zero && !d.decimal {
                d.zero = true;
                d.zero_start = d.pre + 1;
            }
            match d.decimal {
                true => d.post += 1,
                false => d.pre += 1,
            }
            d.zero_end = d.pre + d.post;
            Node::Zero
        }
        "." | "D" => {
            if d.decimal {
                return Err(syntax("multiple decimal points"));
            }
            d.decimal = true;
            Node::Point
        }
        "," => Node::Comma,
        "G" => Node::Group,
        "L" => Node::Currency,
        "FM" => {
            d.fill = true;
            Node::Flag
        }
        "S" => {
            if lsign {
                return Err(syntax("cannot use \"S\" twice"));
            }
            if d.plus || d.minus || d.bracket {
                return Err(syntax(
                    "cannot use \"S\" and \"PL\"/\"MI\"/\"SG\"/\"PR\" together",
                ));
            }
            match d.decimal {
                false => {
                    d.lsign = LSign::Pre;
                    d.pre_lsign_num = d.pre;
                }
                true => d.lsign = LSign::Post,
            }
            Node::Flag
        }
        "MI" | "PL" | "SG" => {
            if lsign {
                return Err(syntax(&format!("cannot use \"S\" and \"{k}\" together")));
            }
            match k.to_ascii_uppercase().as_str() {
                "MI" => {
                    d.minus = true;
                    Node::Minus
                }
                "PL" => {
                    d.plus = true;
                    Node::Plus
                }
                _ => {
                    d.minus = true;
                    d.plus = true;
                    Node::SignBoth
                }
            }
        }
        "PR" => {
            if lsign || d.plus || d.minus {
                return Err(syntax(
                    "cannot use \"PR\" and \"S\"/\"PL\"/\"MI\"/\"SG\" together",
                ));
            }
            d.bracket = true;
            Node::Flag
        }
        "TH" => Node::Ordinal { upper: k == "TH" },
        "RN" => {
            d.roman = true;
            Node::Roman { upper: k == "RN" }
        }
        "SP" | "B" => Node::Flag,
        _ => {
            return Err(PgError::feature_not_supported(format!(
                "to_char template pattern \"{k}\""
            )));
        }
    })
}

/// The number as the text the template lays out (without its sign), the sign, and how many
/// leading digit positions stay blank; `#`s where the integer part does not fit.
fn prepared(digits: String, d: &Desc) -> (Vec<u8>, u8, usize) {
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(rest) => (b'-', rest.to_owned()),
        None => (b'+', digits),
    };
    let pre_len = digits.find('.').unwrap_or(digits.len());
    if pre_len > d.pre {
        let mut hashes = vec![b'#'; d.pre + d.post + 1];
        hashes[d.pre] = b'.';
        return (hashes, sign, 0);
    }
    (digits.into_bytes(), sign, d.pre - pre_len)
}

/// The layout of one number (NUM_processor for to_char).
struct Layout<'a> {
    d: Desc,
    number: &'a [u8],
    at: usize,
    last_relevant: Option<usize>,
    sign: u8,
    sign_wrote: bool,
    num_in: bool,
    num_curr: usize,
    num_count: usize,
    out_pre_spaces: usize,
    out: Vec<u8>,
}

impl Layout<'_> {
    fn current(&self) -> u8 {
        self.number.get(self.at).copied().unwrap_or(0)
    }

    fn last_relevant_is_point(&self) -> bool {
        self.last_relevant
            .is_some_and(|i| self.number.get(i) == Some(&b'.'))
    }

    /// "0.1" in "9.9" is " .1": the leading zero of a fraction stays blank.
    fn predecimal_space(&self) -> bool {
        !self.d.zero && self.at == 0 && self.number.first() == Some(&b'0') && self.d.post != 0
    }

    /// A digit, zero or decimal point position (NUM_numpart_to_char).
    fn digit_position(&mut self, node: &Node) {
        if self.d.roman {
            return;
        }
        let zero_here = self.d.zero && self.d.zero_start <= self.num_curr;
        if !self.sign_wrote
            && (self.num_curr >= self.out_pre_spaces
                || (self.d.zero && self.d.zero_start == self.num_curr))
            && (!self.predecimal_space() || self.last_relevant_is_point())
        {
            if self.d.lsign != LSign::None {
                // S after the digits writes its sign at the end.
                if self.d.lsign == LSign::Pre {
                    self.out.push(self.sign);
                    self.sign_wrote = true;
                }
            } else if self.d.bracket {
                self.out.push(if self.sign == b'+' { b' ' } else { b'<' });
                self.sign_wrote = true;
            } else if self.sign == b'+' {
                if !self.d.fill {
                    self.out.push(b' ');
                }
                self.sign_wrote = true;
            } else if self.sign == b'-' {
                self.out.push(b'-');
                self.sign_wrote = true;
            }
        }
        if self.num_curr < self.out_pre_spaces && !zero_here {
            if !self.d.fill {
                self.out.push(b' ');
            }
        } else if self.num_curr < self.out_pre_spaces {
            self.out.push(b'0');
            self.num_in = true;
        } else {
            if self.current() == b'.' {
                if !self.last_relevant_is_point() || self.d.fill {
                    self.out.push(b'.');
                }
            } else if self.last_relevant.is_some_and(|l| self.at > l) && *node != Node::Zero {
                // FM drops trailing zeros of the fraction.
            } else if self.predecimal_space() {
                if !self.d.fill {
                    self.out.push(b' ');
                } else if self.last_relevant_is_point() {
                    self.out.push(b'0');
                }
            } else {
                // Past the number's end this writes NUL, which ends PostgreSQL's C string.
                self.out.push(self.current());
                self.num_in = true;
            }
            if self.at < self.number.len() {
                self.at += 1;
            }
        }
        let mut end =
            self.num_count + usize::from(self.out_pre_spaces > 0) + usize::from(self.d.decimal);
        if self.last_relevant == Some(self.at) {
            end = self.num_curr;
        }
        if self.num_curr + 1 == end {
            if self.sign_wrote && self.d.bracket {
                self.out.push(if self.sign == b'+' { b' ' } else { b'>' });
            } else if self.d.lsign == LSign::Post {
                self.out.push(self.sign);
            }
        }
        self.num_curr += 1;
    }
}

/// The rightmost significant fractional digit, or the point when the fraction is all zeros.
fn last_relevant_decimal(number: &[u8]) -> Option<usize> {
    let point = number.iter().position(|&b| b == b'.')?;
    let last = (point + 1..number.len()).rev().find(|&i| number[i] != b'0');
    Some(last.unwrap_or(point))
}

fn layout(nodes: &[Node], mut d: Desc, number: &[u8], sign: u8, out_pre_spaces: usize) -> String {
    d.zero_start = d.zero_start.saturating_sub(1);
    let sign_wrote;
    if d.plus || d.minus {
        // PL alone still needs the sign before the digits; MI and SG write it themselves.
        sign_wrote = !d.plus || d.minus;
    } else {
        if sign != b'-' && d.fill {
            d.bracket = false;
        }
        sign_wrote = sign == b'+' && d.fill && d.lsign == LSign::None;
        if d.lsign == LSign::Pre && d.pre == d.pre_lsign_num {
            d.lsign = LSign::Post;
        }
    }
    let mut num_count = (d.post + d.pre).saturating_sub(1);
    let mut last_relevant = None;
    if d.fill && d.decimal {
        last_relevant = last_relevant_decimal(number);
        // Digits a `0` asks for are kept.
        if let Some(l) = last_relevant
            && d.zero_end > out_pre_spaces
        {
            let last_zero = (number.len() - 1).min(d.zero_end - out_pre_spaces);
            last_relevant = Some(l.max(last_zero));
        }
    }
    if !sign_wrote && out_pre_spaces == 0 {
        num_count += 1;
    }
    let mut p = Layout {
        d,
        number,
        at: 0,
        last_relevant,
        sign,
        sign_wrote,
        num_in: false,
        num_curr: 0,
        num_count,
        out_pre_spaces,
        out: Vec::new(),
    };
    for node in nodes {
        match node {
            Node::Nine | Node::Zero | Node::Point => p.digit_position(node),
            Node::Comma | Node::Group => match (p.num_in, p.d.fill) {
                (true, _) => p.out.push(b','),
                (false, false) => p.out.push(b' '),
                (false, true) => {}
            },
            Node::Currency => p.out.push(b' '),
            Node::Minus => match (p.sign, p.d.fill) {
                (b'-', _) => p.out.push(b'-'),
                (_, false) => p.out.push(b' '),
                _ => {}
            },
            Node::Plus => match (p.sign, p.d.fill) {
                (b'+', _) => p.out.push(b'+'),
                (_, false) => p.out.push(b' '),
                _ => {}
            },
            Node::SignBoth => p.out.push(p.sign),
            Node::Ordinal { upper } => {
                if p.sign != b'-' && !p.d.decimal && p.number.first() != Some(&b'#') {
                    p.out.extend_from_slice(suffix(p.number, *upper).as_bytes());
                }
            }
            Node::Roman { upper } => {
                let roman = match p.sign {
                    b'-' => "#".repeat(15),
                    _ => roman(number),
                };
                let roman = match upper {
                    true => roman,
                    false => roman.to_lowercase(),
                };
                match p.d.fill {
                    true => p.out.extend_from_slice(roman.as_bytes()),
                    false => p.out.extend_from_slice(format!("{roman:>15}").as_bytes()),
                }
            }
            Node::Flag => {}
            Node::Literal(s) => p.out.extend_from_slice(s.as_bytes()),
        }
    }
    let end = p.out.iter().position(|&b| b == 0).unwrap_or(p.out.len());
    String::from_utf8_lossy(&p.out[..end]).into_owned()
}

/// Roman numerals of the number (already rounded to an integer); 15 `#` outside 1..3999.
fn roman(number: &[u8]) -> String {
    let n = std::str::from_utf8(number)
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|n| (1..=3999).contains(n));
    let Some(mut n) = n else {
        return "#".repeat(15);
    };
    let mut out = String::new();
    for (value, letters) in [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ] {
        while n >= value {
            out.push_str(letters);
            n -= value;
        }
    }
    out
}

/// The English ordinal suffix of the number's integer digits (decided by the last two).
fn suffix(number: &[u8], upper: bool) -> &'static str {
    let digits: Vec<u8> = number
        .iter()
        .copied()
        .take_while(u8::is_ascii_digit)
        .collect();
    let last_two = digits[digits.len().saturating_sub(2)..]
        .iter()
        .fold(0, |n, d| n * 10 + i64::from(d - b'0'));
    super::formatting::ordinal(last_two, upper)
}

/// float8's significant digits, to which to_char limits a float's decimals (DBL_DIG).
const FLOAT8_DIGITS: usize = 15;

/// `pg_number_to_char(value, template, is_float)`: to_char of an integer or numeric (stored
/// numeric text or integer) or, with is_float, of a float.
pub fn to_char(args: &[Value]) -> Result<Value, PgError> {
    let Some(template) = as_text(arg(args, 1))? else {
        return Ok(Value::Null);
    };
    let is_float = matches!(arg(args, 2), Value::Int(1));
    let (nodes, mut d) = parse(template)?;
    if d.roman {
        // RN lays out the value rounded to an integer and nothing else of the number.
        d = Desc {
            fill: d.fill,
            roman: true,
            ..parse("")?.1
        };
    }
    let text = if is_float {
        let Some(f) = as_float(arg(args, 0))? else {
            return Ok(Value::Null);
        };
        let pre_len = format!("{:.0}", f.abs()).len();
        d.post = d.post.min(FLOAT8_DIGITS.saturating_sub(pre_len));
        format!("{:.*}", d.post, f)
    } else {
        let Some(n) = numeric(arg(args, 0))? else {
            return Ok(Value::Null);
        };
        let places = i64::try_from(d.post).unwrap_or(i64::MAX);
        n.round_to(places, Rounding::HalfAway).to_string()
    };
    let (number, sign, out_pre_spaces) = match d.roman {
        true => match text.strip_prefix('-') {
            Some(digits) => (digits.as_bytes().to_vec(), b'-', 0),
            None => (text.into_bytes(), b'+', 0),
        },
        false => prepared(text, &d),
    };
    Ok(Value::Text(layout(
        &nodes,
        d,
        &number,
        sign,
        out_pre_spaces,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use devdb_pg::value::Numeric;

    fn fmt(n: &str, template: &str) -> String {
        let v = Value::Text(Numeric::parse(n).map(|n| n.to_string()).unwrap_or_default());
        match to_char(&[v, Value::Text(template.into()), Value::Int(0)]) {
            Ok(Value::Text(s)) => s,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn digits_signs_and_fill_mode_as_postgresql_lays_them_out() {
        assert_eq!(fmt("3.14159", "999.99"), "   3.14");
        assert_eq!(fmt("0.5", "9.99"), "  .50");
        assert_eq!(fmt("0", "9."), " 0");
        assert_eq!(fmt("42", "000"), " 042");
        assert_eq!(fmt("-12.5", "999PR"), " <13>");
        assert_eq!(fmt("0", "FM999.99"), "0.");
        assert_eq!(fmt("1234567.891", "FM9,999,999.00"), "1,234,567.89");
        assert_eq!(fmt("-1234.5", "999.99"), "-###.##");
    }
}
