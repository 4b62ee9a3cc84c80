//! A CHECK constraint's expression as PostgreSQL's deparser prints it (pg_get_constraintdef):
//! literals with the type the operator gave them (`''::text`, `(0)::numeric`), a varchar column
//! cast to text where text's operator or function applies (`length((note)::text)`), IN lists as `= ANY (ARRAY[...])`, BETWEEN as
//! two comparisons, LIKE as `~~`, and parentheses as the pretty and the plain form place them.
//! Expressions outside these forms print as written.

use devdb_pg::value::json::Json;
use devdb_pg::{Oid, PgError, PgType, Value};
use sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, UnaryOperator,
    Value as SqlValue,
};

use super::functions::{format_type_name, quote_ident};
use crate::rewrite::fold;

/// A deparsed expression, printed by [`Node::print`].
pub(crate) enum Node {
    /// A column, a constant or a function call: never parenthesized.
    Atom(String),
    Cast(Box<Node>, String),
    Op(Box<Node>, &'static str, Box<Node>),
    /// AND or OR of two or more operands.
    Bool(&'static str, Vec<Node>),
    Not(Box<Node>),
    IsNull(Box<Node>, bool),
    /// `x op ANY (array)`, `x op ALL (array)`.
    Quantified(Box<Node>, &'static str, &'static str, Box<Node>),
    /// A function call: its arguments print as top-level expressions.
    Call(String, Vec<Node>),
}

impl Node {
    /// PostgreSQL's plain form parenthesizes every operator; the pretty form only operators
    /// under operators, and AND/OR under the other one.
    pub(crate) fn print(&self, pretty: bool, parent: Option<&Node>) -> String {
        let needs = match (pretty, parent) {
            (_, _) if matches!(self, Node::Call(..)) => false,
            (false, _) => true,
            (true, None) => false,
            (true, Some(Node::Bool(outer, _))) => match self {
                Node::Bool(inner, _) => inner != outer,
                _ => false,
            },
            (true, Some(Node::Not(_))) => !matches!(self, Node::Atom(_)),
            (true, Some(Node::Cast(..))) => !matches!(self, Node::Atom(_) | Node::Cast(..)),
            (true, Some(Node::Call(..))) => false,
            (true, Some(_)) => true,
        };
        let wrap = |s: String| if needs { format!("({s})") } else { s };
        match self {
            Node::Atom(s) => s.clone(),
            Node::Cast(inner, ty) => {
                let inner = match (pretty, inner.as_ref()) {
                    (false, _) => format!("({})", inner.print(pretty, None)),
                    (true, _) => inner.print(pretty, Some(self)),
                };
                format!("{inner}::{ty}")
            }
            Node::Op(l, op, r) => wrap(format!(
                "{} {op} {}",
                l.print(pretty, Some(self)),
                r.print(pretty, Some(self))
            )),
            Node::Bool(op, items) => wrap(
                items
                    .iter()
                    .map(|i| i.print(pretty, Some(self)))
                    .collect::<Vec<_>>()
                    .join(&format!(" {op} ")),
            ),
            Node::Not(inner) => wrap(format!("NOT {}", inner.print(pretty, Some(self)))),
            Node::IsNull(inner, negated) => wrap(format!(
                "{} IS {}NULL",
                inner.print(pretty, Some(self)),
                if *negated { "NOT " } else { "" }
            )),
            Node::Quantified(l, op, which, array) => wrap(format!(
                "{} {op} {which} ({})",
                l.print(pretty, Some(self)),
                array.print(pretty, None)
            )),
            Node::Call(name, args) => {
                let args: Vec<String> = args.iter().map(|a| a.print(pretty, None)).collect();
                format!("{name}({})", args.join(", "))
            }
        }
    }
}

/// What an expression's type is while deparsing: a known type, or a literal still untyped.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Typed(PgType),
    /// A quoted string: takes the type of what it is compared with.
    String,
}

/// A deparsed operand: its node (before the operator coerces it) and its kind; `literal` keeps
/// a constant's text, which coercion prints anew.
pub(crate) struct Operand {
    pub node: Node,
    pub kind: Kind,
    literal: Option<Literal>,
}

#[derive(Clone)]
enum Literal {
    Str(String),
    /// A number as written, with its sign.
    Number(String),
}

/// pg_check_display(expression, columns, pretty, domain): the CHECK's expression as
/// pg_get_constraintdef prints it; `columns` is a JSON object of the table's column names and
/// type OIDs, or for a domain's CHECK (`domain` 1) the one column `value`, printed VALUE. Outside the forms deparsed here, the expression as written (parenthesized in the
/// plain form).
pub(crate) fn pg_check_display(args: &[Value]) -> Result<Value, PgError> {
    let (Some(Value::Text(text)), Some(Value::Text(columns))) = (args.first(), args.get(1)) else {
        return Ok(Value::Null);
    };
    let pretty = matches!(args.get(2), Some(Value::Int(1)));
    let relations = [(None, column_types(columns))];
    let deparser = Deparser {
        relations: &relations,
        value_keyword: matches!(args.get(3), Some(Value::Int(1))),
    };
    let shown = crate::parse::expression(text)
        .and_then(|e| deparser.bool_expr(&e))
        .map(|node| node.print(pretty, None));
    Ok(Value::Text(shown.unwrap_or_else(|| match pretty {
        true => text.clone(),
        false => format!("({text})"),
    })))
}

/// pg_generated_display(expression, columns, type oid, typmod, pretty): a generation expression
/// as pg_get_expr prints it, `columns` as for [`pg_check_display`]. PostgreSQL assigns the
/// value to the column's type (and typmod) with an implicit coercion, under which the pretty
/// form keeps an operator's parentheses. Outside the forms deparsed here, as written.
pub(crate) fn pg_generated_display(args: &[Value]) -> Result<Value, PgError> {
    let (Some(Value::Text(text)), Some(Value::Text(columns))) = (args.first(), args.get(1)) else {
        return Ok(Value::Null);
    };
    let column_ty = match args.get(2) {
        Some(Value::Int(oid)) => u32::try_from(*oid)
            .ok()
            .and_then(|o| PgType::from_oid(Oid(o))),
        _ => None,
    };
    let coerced_typmod = matches!(args.get(3), Some(Value::Int(t)) if *t >= 0);
    let pretty = matches!(args.get(4), Some(Value::Int(1)));
    let relations = [(None, column_types(columns))];
    let deparser = Deparser {
        relations: &relations,
        value_keyword: false,
    };
    let parsed = crate::parse::expression(text);
    // A call prints without parentheses of its own (PostgreSQL's `round(n, 1)`).
    let call = matches!(parsed, Some(Expr::Function(_)));
    let shown = parsed.and_then(|e| deparser.operand(&e)).and_then(|op| {
        let Kind::Typed(ty) = op.kind else {
            return None;
        };
        let shown = op.node.print(pretty, None);
        let coerced = Some(ty) != column_ty || coerced_typmod;
        let simple = matches!(op.node, Node::Atom(_) | Node::Call(..) | Node::Cast(..));
        Some(match pretty && coerced && !simple {
            true => format!("({shown})"),
            false => shown,
        })
    });
    Ok(Value::Text(shown.unwrap_or_else(|| match pretty || call {
        true => text.clone(),
        false => format!("({text})"),
    })))
}

/// A JSON object of column names and type OIDs as (name, type) pairs; columns of types
/// PostgreSQL does not build in (enums) are left out.
pub(super) fn column_types(json: &str) -> Vec<(String, PgType)> {
    Json::parse(json, false)
        .map(column_types_of)
        .unwrap_or_default()
}

/// [`column_types`] of a parsed JSON object.
pub(super) fn column_types_of(json: Json) -> Vec<(String, PgType)> {
    match json {
        Json::Object(members) => members
            .into_iter()
            .filter_map(|(name, oid)| match oid {
                Json::Number(n) => Some((name, PgType::from_oid(Oid(n.parse().ok()?))?)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A relation an expression may name columns of: the name its columns are printed with in a
/// view (`users`, an alias), none in a CHECK; and its columns with their types.
pub(crate) type Scope = (Option<String>, Vec<(String, PgType)>);

pub(crate) struct Deparser<'a> {
    pub relations: &'a [Scope],
    /// In a domain's CHECK, the column `value` is the keyword VALUE.
    pub value_keyword: bool,
}

impl Deparser<'_> {
    /// A column as printed: `name`, or `relation.name` in a view.
    pub(super) fn column(&self, qualifier: Option<&str>, name: &str) -> Node {
        Node::Atom(match qualifier {
            Some(q) => format!("{}.{}", quote_ident(q), quote_ident(name)),
            None if self.value_keyword && name == "value" => "VALUE".to_owned(),
            None => quote_ident(name),
        })
    }

    /// The column `name` of the relation printed as `qualifier` (of the only relation that
    /// has one so named when None), with its type.
    fn find_column(&self, qualifier: Option<&str>, name: &str) -> Option<Operand> {
        let mut found = self.relations.iter().filter_map(|(q, columns)| {
            if qualifier.is_some() && q.as_deref() != qualifier {
                return None;
            }
            let ty = columns.iter().find(|(n, _)| n == name)?.1;
            Some((q.as_deref(), ty))
        });
        let (q, ty) = found.next()?;
        if found.next().is_some() {
            return None;
        }
        Some(Operand {
            node: self.column(q, name),
            kind: Kind::Typed(ty),
            literal: None,
        })
    }

    /// An expression whose value is a boolean (the whole CHECK, an AND's operand).
    pub(crate) fn bool_expr(&self, e: &Expr) -> Option<Node> {
        let op = self.operand(e)?;
        (op.kind == Kind::Typed(PgType::Bool)).then_some(op.node)
    }

    pub(crate) fn operand(&self, e: &Expr) -> Option<Operand> {
        let typed = |node: Node, ty: PgType| Operand {
            node,
            kind: Kind::Typed(ty),
            literal: None,
        };
        match e {
            Expr::Nested(inner) => self.operand(inner),
            Expr::Identifier(id) => self.find_column(None, &fold(id)),
            Expr::CompoundIdentifier(parts) => match parts.as_slice() {
                [relation, column] => self.find_column(Some(&fold(relation)), &fold(column)),
                _ => None,
            },
            Expr::Value(v) => match &v.value {
                SqlValue::SingleQuotedString(s) => Some(Operand {
                    node: Node::Atom(format!("'{}'", s.replace('\'', "''"))),
                    kind: Kind::String,
                    literal: Some(Literal::Str(s.clone())),
                }),
                SqlValue::Number(n, _) => number(n.clone()),
                SqlValue::Boolean(b) => Some(typed(Node::Atom(b.to_string()), PgType::Bool)),
                _ => None,
            },
            Expr::UnaryOp {
                op: UnaryOperator::Minus,
                expr,
            } => match expr.as_ref() {
                Expr::Value(v) => match &v.value {
                    SqlValue::Number(n, _) => number(format!("-{n}")),
                    _ => None,
                },
                _ => None,
            },
            Expr::UnaryOp {
                op: UnaryOperator::Not,
                expr,
            } => Some(typed(
                Node::Not(Box::new(self.bool_expr(expr)?)),
                PgType::Bool,
            )),
            Expr::BinaryOp { left, op, right } => self.binary(left, op, right),
            Expr::Like {
                negated,
                any: false,
                expr,
                pattern,
                escape_char: None,
            }
            | Expr::ILike {
                negated,
                any: false,
                expr,
                pattern,
                escape_char: None,
            } => {
                let op = match (matches!(e, Expr::ILike { .. }), *negated) {
                    (false, false) => "~~",
                    (false, true) => "!~~",
                    (true, false) => "~~*",
                    (true, true) => "!~~*",
                };
                self.compare(self.operand(expr)?, op, self.operand(pattern)?)
            }
            Expr::IsNull(inner) | Expr::IsNotNull(inner) => {
                let operand = self.operand(inner)?;
                if operand.literal.is_some() {
                    return None;
                }
                let negated = matches!(e, Expr::IsNotNull(_));
                Some(typed(
                    Node::IsNull(Box::new(operand.node), negated),
                    PgType::Bool,
                ))
            }
            Expr::Between {
                expr,
                negated: false,
                low,
                high,
            } => {
                let low = self.compare(self.operand(expr)?, ">=", self.operand(low)?)?;
                let high = self.compare(self.operand(expr)?, "<=", self.operand(high)?)?;
                Some(typed(
                    Node::Bool("AND", vec![low.node, high.node]),
                    PgType::Bool,
                ))
            }
            Expr::InList {
                expr,
                list,
                negated,
            } => self.in_list(expr, list, *negated),
            Expr::Function(f) => {
                let name = f.name.to_string().to_lowercase();
                if let Some(aggregate) = self.aggregate(&name, &f.args) {
                    return Some(aggregate);
                }
                let (ty, parameter): (PgType, fn(PgType) -> Option<PgType>) = match name.as_str() {
                    // character has its own length functions; other strings are text.
                    "length" | "char_length" | "character_length" | "octet_length" => {
                        (PgType::Int4, |t| match t {
                            PgType::Bpchar | PgType::Text | PgType::Bytea => Some(t),
                            t => string_as_text(t),
                        })
                    }
                    "lower" | "upper" | "btrim" => (PgType::Text, string_as_text),
                    "now" => (PgType::Timestamptz, |_| None),
                    _ => return None,
                };
                let args = match &f.args {
                    FunctionArguments::List(list) if list.clauses.is_empty() => &list.args,
                    FunctionArguments::None if name == "now" => &Vec::new(),
                    _ => return None,
                };
                let mut shown = Vec::new();
                for arg in args {
                    let FunctionArg::Unnamed(FunctionArgExpr::Expr(arg)) = arg else {
                        return None;
                    };
                    let arg = self.operand(arg)?;
                    // Literal arguments would take the function's parameter types.
                    if arg.literal.is_some() {
                        return None;
                    }
                    let Kind::Typed(arg_ty) = arg.kind else {
                        return None;
                    };
                    // A varchar argument is cast to the text the function takes.
                    shown.push(coerce(arg, parameter(arg_ty)?)?);
                }
                Some(typed(Node::Call(name, shown), ty))
            }
            _ => None,
        }
    }

    /// `count(*)`, and count, min, max, sum and avg of a column (a view's aggregates).
    fn aggregate(&self, name: &str, args: &FunctionArguments) -> Option<Operand> {
        let FunctionArguments::List(list) = args else {
            return None;
        };
        if !list.clauses.is_empty() || list.duplicate_treatment.is_some() {
            return None;
        }
        let (node, ty) = match (name, list.args.as_slice()) {
            ("count", [FunctionArg::Unnamed(FunctionArgExpr::Wildcard)]) => {
                (Node::Atom("count(*)".to_owned()), PgType::Int8)
            }
            (
                "count" | "min" | "max" | "sum" | "avg",
                [
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(
                        arg @ (Expr::Identifier(_) | Expr::CompoundIdentifier(_)),
                    )),
                ],
            ) => {
                let arg = self.operand(arg)?;
                let Kind::Typed(arg_ty) = arg.kind else {
                    return None;
                };
                let ty = match (name, arg_ty) {
                    ("count", _) => PgType::Int8,
                    ("sum", PgType::Int2 | PgType::Int4) => PgType::Int8,
                    ("sum", PgType::Int8) | ("avg", PgType::Int2 | PgType::Int4 | PgType::Int8) => {
                        PgType::Numeric
                    }
                    ("avg", PgType::Float4) => PgType::Float8,
                    _ => arg_ty,
                };
                (
                    Node::Atom(format!("{name}({})", arg.node.print(true, None))),
                    ty,
                )
            }
            _ => return None,
        };
        Some(Operand {
            node,
            kind: Kind::Typed(ty),
            literal: None,
        })
    }

    fn binary(&self, left: &Expr, op: &BinaryOperator, right: &Expr) -> Option<Operand> {
        let op = match op {
            BinaryOperator::And | BinaryOperator::Or => {
                let word = if *op == BinaryOperator::And {
                    "AND"
                } else {
                    "OR"
                };
                let mut items = Vec::new();
                for side in [left, right] {
                    match self.bool_expr(side)? {
                        // PostgreSQL flattens a chain of one operator.
                        Node::Bool(inner, more) if inner == word => items.extend(more),
                        other => items.push(other),
                    }
                }
                return Some(Operand {
                    node: Node::Bool(word, items),
                    kind: Kind::Typed(PgType::Bool),
                    literal: None,
                });
            }
            BinaryOperator::Eq => "=",
            BinaryOperator::NotEq => "<>",
            BinaryOperator::Lt => "<",
            BinaryOperator::LtEq => "<=",
            BinaryOperator::Gt => ">",
            BinaryOperator::GtEq => ">=",
            BinaryOperator::PGRegexMatch => "~",
            BinaryOperator::PGRegexIMatch => "~*",
            BinaryOperator::PGRegexNotMatch => "!~",
            BinaryOperator::PGRegexNotIMatch => "!~*",
            BinaryOperator::Plus => "+",
            BinaryOperator::Minus => "-",
            BinaryOperator::Multiply => "*",
            BinaryOperator::StringConcat => {
                return concat(self.operand(left)?, self.operand(right)?);
            }
            _ => return None,
        };
        self.compare(self.operand(left)?, op, self.operand(right)?)
    }

    /// `l op r` with both sides coerced to the type of the operator PostgreSQL picks.
    fn compare(&self, l: Operand, op: &'static str, r: Operand) -> Option<Operand> {
        let arithmetic = matches!(op, "+" | "-" | "*");
        let (l_ty, r_ty) = match (l.kind, r.kind) {
            // character has its own LIKE and regex operators, with a text pattern.
            (Kind::Typed(PgType::Bpchar), Kind::String) if op.contains('~') => {
                (PgType::Bpchar, PgType::Text)
            }
            (Kind::String, Kind::String) => return None,
            (Kind::String, Kind::Typed(t)) => (operator_type(t, op)?, operator_type(t, op)?),
            (Kind::Typed(t), Kind::String) => (operator_type(t, op)?, operator_type(t, op)?),
            (Kind::Typed(a), Kind::Typed(b)) => common(a, b, op)?,
        };
        let result = match arithmetic {
            true if l_ty == r_ty => l_ty,
            true => return None,
            false => PgType::Bool,
        };
        let node = Node::Op(Box::new(coerce(l, l_ty)?), op, Box::new(coerce(r, r_ty)?));
        Some(Operand {
            node,
            kind: Kind::Typed(result),
            literal: None,
        })
    }

    /// `x IN (a, b)` as `x = ANY (ARRAY[a, b])`, `NOT IN` as `<> ALL`.
    fn in_list(&self, expr: &Expr, list: &[Expr], negated: bool) -> Option<Operand> {
        let left = self.operand(expr)?;
        let Kind::Typed(ty) = left.kind else {
            return None;
        };
        let elements = list
            .iter()
            .map(|e| self.operand(e))
            .collect::<Option<Vec<_>>>()?;
        // The elements take the column's type; an array of varchar compares as text[].
        let compared = operator_type(ty, "=")?;
        let mut shown = Vec::new();
        for element in elements {
            let (_, element_ty) = match element.kind {
                Kind::String => (ty, ty),
                Kind::Typed(t) => common(ty, t, "=")?,
            };
            let element_ty = if element_ty == compared {
                ty
            } else {
                element_ty
            };
            shown.push(coerce(element, element_ty)?.print(true, None));
        }
        let array = Node::Atom(format!("ARRAY[{}]", shown.join(", ")));
        let array = match compared == ty {
            true => array,
            false => Node::Cast(Box::new(array), format!("{}[]", type_name(compared))),
        };
        let (op, which) = if negated { ("<>", "ALL") } else { ("=", "ANY") };
        Some(Operand {
            node: Node::Quantified(
                Box::new(coerce(left, compared)?),
                op,
                which,
                Box::new(array),
            ),
            kind: Kind::Typed(PgType::Bool),
            literal: None,
        })
    }
}

/// A string type as the text a text function or operator takes it; None for other types.
fn string_as_text(ty: PgType) -> Option<PgType> {
    matches!(
        ty,
        PgType::Text | PgType::Varchar | PgType::Bpchar | PgType::Name
    )
    .then_some(PgType::Text)
}

/// `l || r` as PostgreSQL resolves it: text concatenation, strings cast to text; with a
/// number, a boolean or a date/time value on one side, that side as it is (anytextcat).
fn concat(l: Operand, r: Operand) -> Option<Operand> {
    let side = |kind: Kind| match kind {
        Kind::String => Some((true, PgType::Text)),
        Kind::Typed(t) => match string_as_text(t) {
            Some(text) => Some((true, text)),
            None if t.is_numeric()
                || matches!(
                    t,
                    PgType::Bool
                        | PgType::Date
                        | PgType::Timestamp
                        | PgType::Timestamptz
                        | PgType::Uuid
                ) =>
            {
                Some((false, t))
            }
            None => None,
        },
    };
    let ((l_string, l_ty), (r_string, r_ty)) = (side(l.kind)?, side(r.kind)?);
    if !(l_string || r_string) || (l.kind == Kind::String && r.kind == Kind::String) {
        return None;
    }
    Some(Operand {
        node: Node::Op(Box::new(coerce(l, l_ty)?), "||", Box::new(coerce(r, r_ty)?)),
        kind: Kind::Typed(PgType::Text),
        literal: None,
    })
}

/// A number as PostgreSQL types it: int4, int8 or numeric.
fn number(text: String) -> Option<Operand> {
    let ty = if text.parse::<i32>().is_ok() {
        PgType::Int4
    } else if text.parse::<i64>().is_ok() {
        PgType::Int8
    } else if text.parse::<f64>().is_ok() {
        PgType::Numeric
    } else {
        return None;
    };
    Some(Operand {
        node: Node::Atom(text.clone()),
        kind: Kind::Typed(ty),
        literal: Some(Literal::Number(text)),
    })
}

/// The type an operator takes `ty` as: varchar and the like compare as text.
fn operator_type(ty: PgType, op: &str) -> Option<PgType> {
    match ty {
        PgType::Varchar | PgType::Name => Some(PgType::Text),
        PgType::Bpchar if op.contains('~') => Some(PgType::Text),
        PgType::Bool | PgType::Json | PgType::Bytea => None,
        other => Some(other),
    }
}

/// The operand types of the operator PostgreSQL picks for `a op b`.
fn common(a: PgType, b: PgType, op: &str) -> Option<(PgType, PgType)> {
    let int = |t: PgType| matches!(t, PgType::Int2 | PgType::Int4 | PgType::Int8);
    let (a, b) = (operator_type(a, op)?, operator_type(b, op)?);
    if a == b {
        return Some((a, b));
    }
    match (a, b) {
        // The integer operators take mixed widths.
        (x, y) if int(x) && int(y) => Some((x, y)),
        (x, PgType::Numeric) if int(x) => Some((PgType::Numeric, PgType::Numeric)),
        (PgType::Numeric, y) if int(y) => Some((PgType::Numeric, PgType::Numeric)),
        (x, PgType::Float8) if int(x) => Some((PgType::Float8, PgType::Float8)),
        (PgType::Float8, y) if int(y) => Some((PgType::Float8, PgType::Float8)),
        _ => None,
    }
}

/// An operand as the operator takes it: a literal typed (`'x'::text`, `(0)::numeric`,
/// `'-1'::integer`), a column of another type cast (`(code)::text`).
pub(super) fn coerce(operand: Operand, to: PgType) -> Option<Node> {
    let Operand {
        node,
        kind,
        literal,
    } = operand;
    match (literal, kind) {
        (Some(Literal::Str(s)), _) => {
            let text = match to {
                t if t.is_text() => s,
                t => {
                    let stored = devdb_pg::value::decode_text(t, &s).ok()?;
                    let mut out = bytes::BytesMut::new();
                    devdb_pg::value::encode_text(t, stored.as_datum(), &mut out);
                    String::from_utf8(out.to_vec()).ok()?
                }
            };
            Some(Node::Atom(format!(
                "'{}'::{}",
                text.replace('\'', "''"),
                type_name(to)
            )))
        }
        (Some(Literal::Number(n)), Kind::Typed(from)) => {
            if n.starts_with('-') {
                return Some(Node::Atom(format!("'{n}'::{}", type_name(to))));
            }
            match from == to {
                true => Some(Node::Atom(n)),
                false => Some(Node::Cast(Box::new(Node::Atom(n)), type_name(to))),
            }
        }
        (_, Kind::Typed(from)) if from == to => Some(node),
        // Integers of other widths meet in PostgreSQL's cross-type operators.
        (_, Kind::Typed(from))
            if matches!(from, PgType::Int2 | PgType::Int4 | PgType::Int8)
                && matches!(to, PgType::Int2 | PgType::Int4 | PgType::Int8) =>
        {
            Some(node)
        }
        (_, Kind::Typed(_)) => Some(Node::Cast(Box::new(node), type_name(to))),
        (_, Kind::String) => None,
    }
}

/// A type as a cast names it: format_type without a typmod.
fn type_name(ty: PgType) -> String {
    match ty {
        PgType::Bpchar => "bpchar".to_owned(),
        other => format_type_name(other),
    }
}
