//! Pure functions the catalog views and catalog function calls need (quote_ident, the lists
//! and codes pg_get_constraintdef prints, format_type).

use devdb_pg::{Oid, PgError, PgType, SqlState, Value};
use sqlparser::ast::{
    ArrayElemTypeDef, DataType, Expr, FunctionArg, FunctionArgExpr, FunctionArguments,
    ObjectNamePart, UnaryOperator, Value as SqlValue,
};

use crate::catalog::parse_name_list;

/// The keywords quote_ident quotes: every PostgreSQL keyword that is not unreserved.
const QUOTED_KEYWORDS: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
];

/// PostgreSQL's quote_ident: double quotes unless the name is a plain lower-case identifier.
pub fn quote_ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !QUOTED_KEYWORDS.contains(&name);
    if plain {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

pub(crate) fn text_arg(args: &[Value], i: usize) -> Option<&str> {
    match args.get(i) {
        Some(Value::Text(s)) => Some(s),
        _ => None,
    }
}

/// pg_quote_ident(name).
pub(crate) fn pg_quote_ident(args: &[Value]) -> Result<Value, PgError> {
    Ok(text_arg(args, 0).map_or(Value::Null, |s| Value::Text(quote_ident(s))))
}

/// pg_owner_check(role, current user): NULL when `role` is the connected user, who owns
/// everything in devdb (ALTER ... OWNER TO); 0A000 for a predefined role, 42704 for any other.
pub(crate) fn pg_owner_check(args: &[Value]) -> Result<Value, PgError> {
    let (Some(role), Some(user)) = (text_arg(args, 0), text_arg(args, 1)) else {
        return Ok(Value::Null);
    };
    if role == user {
        return Ok(Value::Null);
    }
    if crate::system::acl::predefined_roles().any(|(_, name)| name == role) {
        return Err(PgError::feature_not_supported(format!(
            "objects owned by {role} (devdb's one role owns everything)"
        )));
    }
    Err(PgError::new(
        SqlState::UNDEFINED_OBJECT,
        format!("role \"{role}\" does not exist"),
    ))
}

/// pg_name_list(json list): `a, "B"`, as constraint definitions list columns.
pub(crate) fn pg_name_list(args: &[Value]) -> Result<Value, PgError> {
    let Some(list) = text_arg(args, 0) else {
        return Ok(Value::Null);
    };
    let names: Vec<String> = parse_name_list(list)?
        .iter()
        .map(|n| quote_ident(n))
        .collect();
    Ok(Value::Text(names.join(", ")))
}

/// pg_found(oid, kind, name [, relation]): the OID a regclass/regproc/regnamespace literal
/// resolved to (or another value found by name), or PostgreSQL's error for a missing relation,
/// function, schema, database or column of `relation`, or for a function name that several
/// functions share.
pub(crate) fn pg_found(args: &[Value]) -> Result<Value, PgError> {
    match (args.first(), text_arg(args, 1), text_arg(args, 2)) {
        (_, Some("ambiguous function"), Some(name)) => Err(PgError::new(
            SqlState::AMBIGUOUS_FUNCTION,
            format!("more than one function named \"{name}\""),
        )),
        (Some(Value::Null) | None, Some("relation"), Some(name)) => {
            Err(PgError::undefined_table(name))
        }
        (Some(Value::Null) | None, Some("column"), Some(name)) => Err(
            PgError::undefined_column_of(name, text_arg(args, 3).unwrap_or_default()),
        ),
        (Some(Value::Null) | None, Some("type"), Some(name)) => Err(PgError::new(
            SqlState::UNDEFINED_OBJECT,
            format!("type \"{name}\" does not exist"),
        )),
        (Some(Value::Null) | None, Some("schema"), Some(name)) => Err(PgError::new(
            SqlState::UNDEFINED_SCHEMA,
            format!("schema \"{name}\" does not exist"),
        )),
        (Some(Value::Null) | None, Some("database"), Some(name)) => Err(PgError::new(
            SqlState::INVALID_CATALOG_NAME,
            format!("database \"{name}\" does not exist"),
        )),
        (Some(Value::Null) | None, Some("operator"), Some(name)) => Err(PgError::new(
            SqlState::UNDEFINED_FUNCTION,
            format!("operator does not exist: {name}"),
        )),
        (Some(Value::Null) | None, _, Some(name)) => Err(PgError::new(
            SqlState::UNDEFINED_FUNCTION,
            format!("function \"{name}\" does not exist"),
        )),
        (Some(v), _, _) => Ok(v.clone()),
        (None, _, None) => Ok(Value::Null),
    }
}

/// pg_fk_action(action as SQL spells it, or NULL): pg_constraint's one-letter code.
pub(crate) fn pg_fk_action(args: &[Value]) -> Result<Value, PgError> {
    let code = match text_arg(args, 0) {
        None => "a",
        Some("CASCADE") => "c",
        Some("SET NULL") => "n",
        Some("SET DEFAULT") => "d",
        Some("RESTRICT") => "r",
        Some(_) => "a",
    };
    Ok(Value::Text(code.to_owned()))
}

/// pg_key(schema, name): the SQLite name of an object (`name` in public, `schema.name` elsewhere).
pub(crate) fn pg_key(args: &[Value]) -> Result<Value, PgError> {
    Ok(match (text_arg(args, 0), text_arg(args, 1)) {
        (Some(schema), Some(name)) => Value::Text(crate::catalog::key(schema, name)),
        _ => Value::Null,
    })
}

/// pg_key_name(key): an object's plain name.
pub(crate) fn pg_key_name(args: &[Value]) -> Result<Value, PgError> {
    Ok(text_arg(args, 0).map_or(Value::Null, |k| {
        Value::Text(crate::catalog::split(k).1.to_owned())
    }))
}

/// pg_key_schema(key): an object's schema.
pub(crate) fn pg_key_schema(args: &[Value]) -> Result<Value, PgError> {
    Ok(text_arg(args, 0).map_or(Value::Null, |k| {
        Value::Text(crate::catalog::split(k).0.to_owned())
    }))
}

/// pg_fk_rule(pg_constraint action code): information_schema's spelling of the action.
pub(crate) fn pg_fk_rule(args: &[Value]) -> Result<Value, PgError> {
    let rule = match text_arg(args, 0) {
        Some("c") => "CASCADE",
        Some("n") => "SET NULL",
        Some("d") => "SET DEFAULT",
        Some("r") => "RESTRICT",
        _ => "NO ACTION",
    };
    Ok(Value::Text(rule.to_owned()))
}

/// pg_default_display(default as stored, type oid, typmod, enum type name [, qualify]): a
/// column default as pg_get_expr prints it, for the forms defaults take: literals carry their
/// column's type (`'x'::text`, `'-1'::integer`, `'ok'::mood`), `nextval('s')` its regclass
/// cast; anything else as stored. With `qualify` true, a sequence named without its schema is
/// named with it (`public`), as PostgreSQL prints it where the search path misses the schema.
pub(crate) fn pg_default_display(args: &[Value]) -> Result<Value, PgError> {
    let Some(stored) = text_arg(args, 0) else {
        return Ok(Value::Null);
    };
    if matches!(args.get(4), Some(Value::Int(1)))
        && let Some(sequence) = default_sequence(stored).filter(|s| !s.contains('.'))
    {
        let qualified = format!(
            "nextval('public.{}'::regclass)",
            sequence.replace('\'', "''")
        );
        return Ok(Value::Text(qualified));
    }
    let ty = match args.get(1) {
        Some(Value::Int(oid)) => u32::try_from(*oid).ok().map(Oid).and_then(PgType::from_oid),
        _ => None,
    };
    let shown = match (crate::parse::expression(stored), ty, text_arg(args, 3)) {
        (Some(e), _, _) if sql_function(&e).is_some() => sql_function(&e),
        (Some(e), Some(ty), _) => default_display(e, ty),
        (Some(e), None, Some(enum_name)) => {
            literal_text(&e).map(|label| format!("'{}'::{enum_name}", label.replace('\'', "''")))
        }
        _ => None,
    };
    Ok(Value::Text(shown.unwrap_or_else(|| stored.to_owned())))
}

/// pg_default_sequence(default as stored): the sequence a `nextval('s')` default draws from,
/// as its key (`s` in `public`, `schema.s` elsewhere); NULL for any other default.
pub(crate) fn pg_default_sequence(args: &[Value]) -> Result<Value, PgError> {
    Ok(text_arg(args, 0)
        .and_then(default_sequence)
        .map_or(Value::Null, |s| {
            Value::Text(s.strip_prefix("public.").unwrap_or(&s).to_owned())
        }))
}

/// The sequence name a `nextval('s')` or `nextval('s'::regclass)` default names, as written.
fn default_sequence(stored: &str) -> Option<String> {
    let Some(Expr::Function(f)) = crate::parse::expression(stored) else {
        return None;
    };
    if !f.name.to_string().eq_ignore_ascii_case("nextval") {
        return None;
    }
    let FunctionArguments::List(list) = &f.args else {
        return None;
    };
    let name = match list.args.as_slice() {
        [FunctionArg::Unnamed(FunctionArgExpr::Expr(arg))] => match arg {
            Expr::Cast {
                expr, data_type, ..
            } if data_type.to_string().eq_ignore_ascii_case("regclass") => literal_text(expr),
            Expr::Value(_) => literal_text(arg),
            _ => None,
        },
        _ => None,
    }?;
    Some(name.to_owned())
}

/// The text of a string literal, also when cast to a type: `'x'`, `'x'::t`.
fn literal_text(e: &Expr) -> Option<&str> {
    match e {
        Expr::Value(v) => match &v.value {
            SqlValue::SingleQuotedString(s) => Some(s),
            _ => None,
        },
        Expr::Cast { expr, .. } => literal_text(expr),
        _ => None,
    }
}

fn default_display(e: Expr, ty: PgType) -> Option<String> {
    let cast_name = match ty {
        PgType::Bpchar => "bpchar".to_owned(),
        other => other.to_string(),
    };
    let quoted = |s: &str| format!("'{}'::{cast_name}", s.replace('\'', "''"));
    match e {
        // A literal cast to the column's own type shows as the literal.
        Expr::Cast {
            expr, data_type, ..
        } if crate::types::from_data_type(&data_type).is_ok_and(|d| d.ty.ty == ty) => {
            default_display(*expr, ty)
        }
        Expr::Value(v) => match v.value {
            SqlValue::SingleQuotedString(s) if ty.is_text() => Some(quoted(&s)),
            SqlValue::SingleQuotedString(s) => {
                let stored = devdb_pg::value::decode_text(ty, &s).ok()?;
                let mut out = bytes::BytesMut::new();
                devdb_pg::value::encode_text(ty, stored.as_datum(), &mut out);
                let text = String::from_utf8(out.to_vec()).ok()?;
                // Which constants ruleutils prints bare: an int4 that is not negative, a
                // numeric that reads as a float constant (`1.5`, not `0`), a boolean.
                let bare = match ty {
                    PgType::Int4 => !text.starts_with('-'),
                    PgType::Numeric => {
                        text.starts_with(|c: char| c.is_ascii_digit())
                            && text.contains(['.', 'e', 'E'])
                    }
                    _ => false,
                };
                match (ty, stored) {
                    (PgType::Bool, Value::Int(b)) => Some((b != 0).to_string()),
                    _ if bare => Some(text),
                    _ => Some(quoted(&text)),
                }
            }
            SqlValue::Number(n, _) => Some(number_display(&n)),
            SqlValue::Boolean(b) => Some(b.to_string()),
            _ => None,
        },
        Expr::Nested(inner) => default_display(*inner, ty),
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => match *expr {
            Expr::Value(v) => match v.value {
                SqlValue::Number(n, _) => Some(number_display(&format!("-{n}"))),
                _ => None,
            },
            _ => None,
        },
        Expr::Function(_) => {
            let name = default_sequence(&e.to_string())?;
            Some(format!("nextval('{}'::regclass)", name.replace('\'', "''")))
        }
        _ => None,
    }
}

/// A numeric constant as ruleutils prints it, with the type the parser gave it whatever the
/// column's (the conversion to the column's type is an implicit cast it leaves out): an int4
/// bare unless negative (`5`, `'-5'::integer`), an int8 always typed (`'5000000000'::bigint`),
/// a numeric bare when it reads as a float constant (`1.5`, `'-1.5'::numeric`).
fn number_display(n: &str) -> String {
    let digits = n.strip_prefix('-').unwrap_or(n);
    let (ty, bare) = if digits.contains(['.', 'e', 'E']) {
        ("numeric", !n.starts_with('-'))
    } else if n.parse::<i32>().is_ok() {
        ("integer", !n.starts_with('-'))
    } else if n.parse::<i64>().is_ok() {
        ("bigint", false)
    } else {
        ("numeric", false)
    };
    match bare {
        true => n.to_owned(),
        false => format!("'{n}'::{ty}"),
    }
}

/// A call as pg_get_expr prints it, for the calls defaults make: the SQL-standard functions
/// without parentheses in capitals (`CURRENT_DATE`), a call without arguments in lower case
/// (`now()`).
fn sql_function(e: &Expr) -> Option<String> {
    let Expr::Function(f) = e else {
        return None;
    };
    let name = f.name.to_string();
    match &f.args {
        FunctionArguments::None => {
            let upper = name.to_ascii_uppercase();
            [
                "CURRENT_DATE",
                "CURRENT_TIME",
                "CURRENT_TIMESTAMP",
                "LOCALTIME",
                "LOCALTIMESTAMP",
                "CURRENT_USER",
                "SESSION_USER",
                "CURRENT_ROLE",
                "CURRENT_CATALOG",
                "CURRENT_SCHEMA",
            ]
            .contains(&upper.as_str())
            .then_some(upper)
        }
        FunctionArguments::List(list)
            if list.args.is_empty()
                && list.duplicate_treatment.is_none()
                && list.clauses.is_empty()
                && f.filter.is_none()
                && f.over.is_none()
                && f.within_group.is_empty()
                && !name.contains('"') =>
        {
            Some(format!("{}()", name.to_ascii_lowercase()))
        }
        // `CURRENT_TIMESTAMP(0)`: the value functions that take a precision.
        FunctionArguments::List(list) => match list.args.as_slice() {
            [FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v)))]
                if matches!(v.value, SqlValue::Number(..)) =>
            {
                let upper = name.to_ascii_uppercase();
                ["CURRENT_TIMESTAMP", "LOCALTIME", "LOCALTIMESTAMP"]
                    .contains(&upper.as_str())
                    .then(|| format!("{upper}({})", v.value))
            }
            _ => None,
        },
        _ => None,
    }
}

/// pg_format_type(type oid, typmod, typname [, schema]): format_type's spelling. `typname` is
/// the name pg_type has for the OID (NULL when there is no such type), used for types devdb does
/// not know by heart; `schema`, when not NULL, qualifies it (a type the search path misses).
pub(crate) fn pg_format_type(args: &[Value]) -> Result<Value, PgError> {
    let oid = match args.first() {
        Some(Value::Int(o)) => *o,
        _ => return Ok(Value::Null),
    };
    let typmod = match args.get(1) {
        Some(Value::Int(t)) => *t as i32,
        _ => -1,
    };
    let shown = format_type(oid, typmod, text_arg(args, 2));
    // A user type (or citext, an extension's) outside the search path, with its schema (the
    // fourth argument).
    let shown = match (shown, text_arg(args, 3)) {
        (Some(name), Some(schema))
            if u32::try_from(oid)
                .ok()
                .and_then(|o| PgType::from_oid(Oid(o)))
                .is_none_or(|t| matches!(t, PgType::Citext | PgType::CitextArray)) =>
        {
            Some(format!("{}.{name}", quote_ident(schema)))
        }
        (shown, _) => shown,
    };
    Ok(shown.map_or(Value::Null, Value::Text))
}

/// pg_function_arguments(names, oidvector): a function's arguments as
/// pg_get_function_arguments lists them, each with its name (from the JSON list `names`, ""
/// where unnamed) before its type.
pub(crate) fn pg_function_arguments(args: &[Value]) -> Result<Value, PgError> {
    let (Some(names), Some(types)) = (text_arg(args, 0), text_arg(args, 1)) else {
        return Ok(Value::Null);
    };
    let names = parse_name_list(names)?;
    let listed: Vec<String> = types
        .split_whitespace()
        .filter_map(|oid| oid.parse::<i64>().ok())
        .filter_map(|oid| format_type(oid, -1, None))
        .zip(
            names
                .iter()
                .map(String::as_str)
                .chain(std::iter::repeat("")),
        )
        .map(|(ty, name)| match name {
            "" => ty,
            name => format!("{} {ty}", quote_ident(name)),
        })
        .collect();
    Ok(Value::Text(listed.join(", ")))
}

/// pg_function_def(schema, name, arguments, result, language, provolatile, proparallel,
/// proisstrict, prosecdef, prosrc, sql body): pg_get_functiondef's text for a function whose
/// body is `prosrc` (dollar-quoted with a delimiter the body does not hold), or a SQL-standard
/// `sql body` (`RETURN expression`) when that is not NULL. NULL when it has neither (a SQL
/// function whose text an older devdb did not keep).
pub(crate) fn pg_function_def(args: &[Value]) -> Result<Value, PgError> {
    let text = |i| text_arg(args, i).unwrap_or_default();
    let flag = |i| matches!(args.get(i), Some(Value::Int(1)));
    let body = match (text_arg(args, 10), text_arg(args, 9)) {
        (Some(sql_body), _) => sql_body.to_owned(),
        (None, Some(source)) => {
            let mut quote = "$function".to_owned();
            while source.contains(&quote) {
                quote.push('x');
            }
            quote.push('$');
            format!("AS {quote}{source}{quote}")
        }
        (None, None) => return Ok(Value::Null),
    };
    let mut options = String::new();
    options.push_str(match text(5) {
        "i" => " IMMUTABLE",
        "s" => " STABLE",
        _ => "",
    });
    options.push_str(match text(6) {
        "s" => " PARALLEL SAFE",
        "r" => " PARALLEL RESTRICTED",
        _ => "",
    });
    if flag(7) {
        options.push_str(" STRICT");
    }
    if flag(8) {
        options.push_str(" SECURITY DEFINER");
    }
    if !options.is_empty() {
        options.push('\n');
    }
    Ok(Value::Text(format!(
        "CREATE OR REPLACE FUNCTION {}.{}({})\n RETURNS {}\n LANGUAGE {}\n{options}{body}\n",
        quote_ident(text(0)),
        quote_ident(text(1)),
        text(2),
        text(3),
        quote_ident(text(4)),
    )))
}

fn format_type(oid: i64, typmod: i32, typname: Option<&str>) -> Option<String> {
    // The pseudo-type anyarray, which devdb's enum arrays share as their PgType.
    if oid == i64::from(PgType::AnyEnumArray.oid().0) {
        return Some("anyarray".to_owned());
    }
    let known = u32::try_from(oid).ok().map(Oid);
    if let Some(ty) = known.and_then(PgType::from_oid) {
        return Some(spelled(ty, typmod));
    }
    if let Some(element) = PgType::ALL
        .iter()
        .find(|t| known == Some(t.array_oid()) && t.array_oid().0 != 0)
    {
        return Some(format!("{}[]", spelled(*element, typmod)));
    }
    if let Some(spelled) = sql_spelling(oid, typmod) {
        return Some(spelled);
    }
    if let Some((_, element)) = SQL_SPELLED_ARRAYS.iter().find(|(array, _)| *array == oid) {
        return sql_spelling(*element, typmod).map(|e| format!("{e}[]"));
    }
    match typname {
        Some(name) if name.starts_with('_') => Some(format!("{}[]", quote_ident(&name[1..]))),
        Some(name) => Some(quote_ident(name)),
        None if oid == 0 => Some("-".to_owned()),
        None => Some("???".to_owned()),
    }
}

/// The built-in types without a [`PgType`] that format_type spells in SQL's words (as
/// PostgreSQL's format_type_extended does), with their modifier: bit(n), bit varying(n),
/// time(p) with time zone.
fn sql_spelling(oid: i64, typmod: i32) -> Option<String> {
    let modifier = |m: i32| match m < 0 {
        true => String::new(),
        false => format!("({m})"),
    };
    match oid {
        1560 => Some(format!("bit{}", modifier(typmod))),
        1562 => Some(format!("bit varying{}", modifier(typmod))),
        1266 => Some(format!("time{} with time zone", modifier(typmod))),
        _ => None,
    }
}

/// (array, element) OIDs of the arrays of the types [`sql_spelling`] knows.
const SQL_SPELLED_ARRAYS: [(i64, i64); 3] = [(1561, 1560), (1563, 1562), (1270, 1266)];

/// A type's format_type spelling with its modifier: `character varying(20)`,
/// `numeric(10,2)`, `timestamp(3) without time zone`.
/// A built-in type as format_type spells it without a typmod: `character varying`.
pub(super) fn format_type_name(ty: PgType) -> String {
    spelled(ty, -1)
}

fn spelled(ty: PgType, typmod: i32) -> String {
    // An array's typmod is its element's: `character varying(3)[]`.
    if let Some(element) = ty.element() {
        return format!("{}[]", spelled(element, typmod));
    }
    let name = ty.to_string();
    if typmod < 0 {
        return name;
    }
    match ty {
        PgType::Varchar | PgType::Bpchar => format!("{name}({})", typmod - 4),
        PgType::Numeric => {
            let t = typmod - 4;
            format!("{name}({},{})", (t >> 16) & 0xffff, t & 0xffff)
        }
        PgType::Timestamp | PgType::Timestamptz | PgType::Time => match name.split_once(' ') {
            Some((first, rest)) => format!("{first}({typmod}) {rest}"),
            None => format!("{name}({typmod})"),
        },
        _ => name,
    }
}

/// What regtype input names: a built-in type (its OID), or a user type (an enum) by its
/// pg_type name, `_name` for its array.
pub(crate) enum TypeKey {
    Builtin(Oid),
    Named(String),
}

/// Reads regtype input (`integer`, `character varying[]`, `pg_catalog.int4`, `mood`).
pub(crate) fn type_key(text: &str) -> Result<TypeKey, PgError> {
    let (element, array) = match crate::parse::data_type(text)? {
        DataType::Array(ArrayElemTypeDef::SquareBracket(element, _)) => (*element, true),
        other => (other, false),
    };
    if let Ok(declared) = crate::types::from_data_type(&element) {
        let ty = declared.ty.ty;
        return Ok(TypeKey::Builtin(if array {
            ty.array_oid()
        } else {
            ty.oid()
        }));
    }
    let DataType::Custom(name, _) = &element else {
        return Err(PgError::new(
            SqlState::UNDEFINED_OBJECT,
            format!("type \"{text}\" does not exist"),
        ));
    };
    let (_, name) = object_name(&name.to_string())?;
    Ok(TypeKey::Named(if array {
        format!("_{name}")
    } else {
        name
    }))
}

/// pg_regtype_oid(text): to_regtype's answer for a built-in type; NULL for a user type's name
/// (looked up in pg_type by the caller) and for input that names no type.
pub(crate) fn pg_regtype_oid(args: &[Value]) -> Result<Value, PgError> {
    Ok(match text_arg(args, 0).map(type_key) {
        Some(Ok(TypeKey::Builtin(oid))) => Value::Int(oid.0.into()),
        _ => Value::Null,
    })
}

/// pg_regtype_typname(text): the pg_type name to_regtype looks a user type up by; NULL for a
/// built-in type and for input that names no type.
pub(crate) fn pg_regtype_typname(args: &[Value]) -> Result<Value, PgError> {
    Ok(match text_arg(args, 0).map(type_key) {
        Some(Ok(TypeKey::Named(name))) => Value::Text(name),
        _ => Value::Null,
    })
}

/// A possibly qualified, possibly quoted object name as regclass input spells it.
pub(crate) fn object_name(text: &str) -> Result<(Option<String>, String), PgError> {
    object_name_in(text, None)
}

/// [`object_name`], where a name may also be qualified by `database` (`app.public.users`), the
/// current one: PostgreSQL reads such a name without its database and refuses any other.
fn object_name_in(text: &str, database: Option<&str>) -> Result<(Option<String>, String), PgError> {
    let name = crate::parse::object_name(text)?;
    let parts: Vec<String> = name
        .0
        .iter()
        .filter_map(|p| match p {
            ObjectNamePart::Identifier(id) => Some(crate::rewrite::fold(id)),
            ObjectNamePart::Function(_) => None,
        })
        .collect();
    match (parts.as_slice(), database) {
        ([one], _) => Ok((None, one.clone())),
        ([schema, one], _) => Ok((Some(schema.clone()), one.clone())),
        ([db, schema, one], Some(current)) if db == current => {
            Ok((Some(schema.clone()), one.clone()))
        }
        ([_, _, _], Some(_)) => Err(PgError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            format!("cross-database references are not implemented: {text}"),
        )),
        _ => Err(PgError::feature_not_supported(format!(
            "object name {text}"
        ))),
    }
}

/// pg_name_part(text, part, database): a qualified name's schema (part 0, NULL when
/// unqualified) or its object name (part 1), as regclass input reads it at run time in
/// `database`.
pub(crate) fn pg_name_part(args: &[Value]) -> Result<Value, PgError> {
    let Some(text) = text_arg(args, 0) else {
        return Ok(Value::Null);
    };
    let (schema, name) = object_name_in(text, text_arg(args, 2))?;
    Ok(match args.get(1) {
        Some(Value::Int(0)) => schema.map_or(Value::Null, Value::Text),
        _ => Value::Text(name),
    })
}

/// pg_size_pretty(bigint): PostgreSQL 15's spelling of a size, from bytes up to PB, each unit
/// up to 20 kB-like steps and rounded half away from zero.
pub(crate) fn pg_size_pretty(args: &[Value]) -> Result<Value, PgError> {
    let Some(Value::Int(size)) = args.first() else {
        return Ok(Value::Null);
    };
    // (name, limit, rounded, bits of the unit)
    const UNITS: [(&str, i64, bool, u32); 6] = [
        ("bytes", 10 * 1024, false, 0),
        ("kB", 20 * 1024 - 1, true, 10),
        ("MB", 20 * 1024 - 1, true, 20),
        ("GB", 20 * 1024 - 1, true, 30),
        ("TB", 20 * 1024 - 1, true, 40),
        ("PB", 20 * 1024 - 1, true, 50),
    ];
    let mut size = *size;
    for (i, (name, limit, round, bits)) in UNITS.iter().enumerate() {
        let Some((_, _, next_round, next_bits)) = UNITS.get(i + 1) else {
            return Ok(Value::Text(format!(
                "{} {name}",
                half_rounded(size, *round)
            )));
        };
        if size.unsigned_abs() < limit.unsigned_abs() {
            return Ok(Value::Text(format!(
                "{} {name}",
                half_rounded(size, *round)
            )));
        }
        // One extra bit is kept for rounding in the next unit.
        let shift = next_bits - bits - u32::from(*next_round) + u32::from(*round);
        size /= 1i64 << shift;
    }
    Ok(Value::Null)
}

fn half_rounded(size: i64, round: bool) -> i64 {
    if round {
        (size + if size < 0 { -1 } else { 1 }) / 2
    } else {
        size
    }
}
