//! Index access methods and their operator classes, as PostgreSQL 15 defines them.
//!
//! A method decides how PostgreSQL finds rows, never which rows a query returns, so devdb
//! builds every index as a SQLite index of the same keys. What the method does change is
//! what CREATE INDEX accepts (uniqueness, several keys, INCLUDE, ordering, which types have an
//! operator class) and what the catalogs show; both follow PostgreSQL's pg_am and pg_opclass.

use std::sync::OnceLock;

use devdb_pg::{Oid, PgError, PgType, SqlState};

/// The access methods PostgreSQL 15 has built in (pg_am).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AccessMethod {
    #[default]
    Btree,
    Hash,
    Gist,
    Gin,
    Spgist,
    Brin,
}

impl AccessMethod {
    /// The method named in `USING name`: 42704 for one PostgreSQL 15 does not have built in.
    pub fn named(name: &str) -> Result<AccessMethod, PgError> {
        Ok(match name.to_lowercase().as_str() {
            "btree" => AccessMethod::Btree,
            "hash" => AccessMethod::Hash,
            "gist" => AccessMethod::Gist,
            "gin" => AccessMethod::Gin,
            "spgist" => AccessMethod::Spgist,
            "brin" => AccessMethod::Brin,
            other => {
                return Err(PgError::new(
                    SqlState::UNDEFINED_OBJECT,
                    format!("access method \"{other}\" does not exist"),
                ));
            }
        })
    }

    /// pg_am.amname.
    pub fn name(self) -> &'static str {
        match self {
            AccessMethod::Btree => "btree",
            AccessMethod::Hash => "hash",
            AccessMethod::Gist => "gist",
            AccessMethod::Gin => "gin",
            AccessMethod::Spgist => "spgist",
            AccessMethod::Brin => "brin",
        }
    }

    /// pg_am.oid.
    fn oid(self) -> u32 {
        match self {
            AccessMethod::Btree => 403,
            AccessMethod::Hash => 405,
            AccessMethod::Gist => 783,
            AccessMethod::Gin => 2742,
            AccessMethod::Spgist => 4000,
            AccessMethod::Brin => 3580,
        }
    }

    /// The checks of PostgreSQL's DefineIndex on the index as a whole, in its order.
    pub fn check_index(self, unique: bool, include: bool, keys: usize) -> Result<(), PgError> {
        let refuse = |what: &str| Err(self.unsupported(what));
        if unique && self != AccessMethod::Btree {
            return refuse("unique indexes");
        }
        let can_include = matches!(
            self,
            AccessMethod::Btree | AccessMethod::Gist | AccessMethod::Spgist
        );
        if include && !can_include {
            return refuse("included columns");
        }
        let can_multicolumn = !matches!(self, AccessMethod::Hash | AccessMethod::Spgist);
        if keys > 1 && !can_multicolumn {
            return refuse("multicolumn indexes");
        }
        Ok(())
    }

    /// `WITH (name = value, ...)` checked as PostgreSQL 15's reloptions check an index's
    /// storage parameters (22023), as pg_get_indexdef prints them: `fillfactor='70'`. They tune
    /// PostgreSQL's storage only, so devdb keeps them for the catalogs and nothing else.
    pub fn storage_parameters(self, given: &[(String, String)]) -> Result<String, PgError> {
        let bad = |message: String| PgError::new(SqlState::INVALID_PARAMETER_VALUE, message);
        let mut printed = Vec::new();
        for (i, (name, value)) in given.iter().enumerate() {
            if given[..i].iter().any(|(earlier, _)| earlier == name) {
                return Err(bad(format!(
                    "parameter \"{name}\" specified more than once"
                )));
            }
            match self.parameter(name) {
                None => return Err(bad(format!("unrecognized parameter \"{name}\""))),
                Some(Parameter::Bool) if parse_bool(value).is_none() => {
                    return Err(bad(format!(
                        "invalid value for boolean option \"{name}\": {value}"
                    )));
                }
                Some(Parameter::Int(min, max)) => match value.trim().parse::<i64>() {
                    Err(_) => {
                        return Err(bad(format!(
                            "invalid value for integer option \"{name}\": {value}"
                        )));
                    }
                    Ok(n) if !(min..=max).contains(&n) => {
                        return Err(bad(format!(
                            "value {value} out of bounds for option \"{name}\""
                        ))
                        .with_detail(format!(
                            "Valid values are between \"{min}\" and \"{max}\"."
                        )));
                    }
                    Ok(_) => {}
                },
                Some(Parameter::Buffering) if !["on", "off", "auto"].contains(&value.as_str()) => {
                    return Err(
                        bad(format!("invalid value for enum option \"{name}\": {value}"))
                            .with_detail("Valid values are \"on\", \"off\", and \"auto\"."),
                    );
                }
                Some(_) => {}
            }
            // ruleutils' flatten_reloptions: a value that needs no quotes as a name goes bare.
            let shown = match crate::system::functions::quote_ident(value) == *value {
                true => value.clone(),
                false => format!("'{}'", value.replace('\'', "''")),
            };
            printed.push(format!("{name}={shown}"));
        }
        Ok(printed.join(", "))
    }

    /// The storage parameters the method has (PostgreSQL 15's reloptions.c).
    fn parameter(self, name: &str) -> Option<Parameter> {
        const FILLFACTOR: Parameter = Parameter::Int(10, 100);
        Some(match (self, name) {
            (AccessMethod::Btree, "deduplicate_items") => Parameter::Bool,
            (AccessMethod::Gist, "buffering") => Parameter::Buffering,
            (AccessMethod::Gin, "fastupdate") => Parameter::Bool,
            // MAX_KILOBYTES: INT_MAX / 1024.
            (AccessMethod::Gin, "gin_pending_list_limit") => Parameter::Int(64, 2_097_151),
            (AccessMethod::Brin, "pages_per_range") => Parameter::Int(1, 131_072),
            (AccessMethod::Brin, "autosummarize") => Parameter::Bool,
            (AccessMethod::Gin | AccessMethod::Brin, _) => return None,
            (_, "fillfactor") => FILLFACTOR,
            _ => return None,
        })
    }

    /// 0A000 for ASC/DESC or NULLS FIRST/LAST on a key of a method that keeps no order.
    pub fn check_order(self, ordered: bool, nulls: bool) -> Result<(), PgError> {
        if self == AccessMethod::Btree {
            return Ok(());
        }
        let what = match (ordered, nulls) {
            (true, _) => "ASC/DESC options",
            (false, true) => "NULLS FIRST/LAST options",
            (false, false) => return Ok(()),
        };
        Err(self.unsupported(what))
    }

    fn unsupported(self, what: &str) -> PgError {
        PgError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            format!("access method \"{}\" does not support {what}", self.name()),
        )
    }

    /// The operator class of a key of type `ty` (its OID, `shown` as messages name the type):
    /// the one named, which must exist for this method and accept the type, else the type's
    /// default. Returns the class's name and whether it is the default (pg_get_indexdef then
    /// leaves it out).
    pub fn operator_class(
        self,
        named: Option<&str>,
        ty: TypeClass,
        shown: &str,
    ) -> Result<(&'static str, bool), PgError> {
        let classes = || {
            opclasses()
                .iter()
                .filter(move |c| c.method == self.oid() && (!c.btree_gist || ty.btree_gist))
        };
        let default = classes()
            .filter(|c| c.default)
            .find(|c| ty.accepted_by(c.input))
            .map(|c| c.name);
        let Some(named) = named else {
            return default.map(|name| (name, true)).ok_or_else(|| {
                PgError::new(
                    SqlState::UNDEFINED_OBJECT,
                    format!(
                        "data type {shown} has no default operator class for access method \"{}\"",
                        self.name()
                    ),
                )
                .with_hint(
                    "You must specify an operator class for the index or define a default \
                     operator class for the data type.",
                )
            });
        };
        let named = named.to_lowercase();
        let mut candidates = classes().filter(|c| c.name == named).peekable();
        if candidates.peek().is_none() {
            return Err(PgError::new(
                SqlState::UNDEFINED_OBJECT,
                format!(
                    "operator class \"{named}\" does not exist for access method \"{}\"",
                    self.name()
                ),
            ));
        }
        match candidates.find(|c| ty.accepted_by(c.input)) {
            Some(class) => Ok((class.name, Some(class.name) == default)),
            None => Err(PgError::new(
                SqlState::DATATYPE_MISMATCH,
                format!("operator class \"{named}\" does not accept data type {shown}"),
            )),
        }
    }
}

/// The kinds of storage parameter values.
#[derive(Clone, Copy)]
enum Parameter {
    Bool,
    Int(i64, i64),
    /// GiST's buffering: on, off or auto.
    Buffering,
}

/// PostgreSQL's parse_bool: true, false, yes, no, on, off, 1, 0 and their unique prefixes.
fn parse_bool(text: &str) -> Option<bool> {
    let t = text.trim().to_lowercase();
    let prefix_of = |word: &str, min: usize| t.len() >= min && word.starts_with(t.as_str());
    match () {
        _ if prefix_of("true", 1) || prefix_of("yes", 1) || t == "on" || t == "1" => Some(true),
        _ if prefix_of("false", 1) || prefix_of("no", 1) || prefix_of("off", 2) || t == "0" => {
            Some(false)
        }
        _ => None,
    }
}

/// What operator classes a key's type can use: its own, and the ones it reaches by binary
/// coercion or as a polymorphic type (PostgreSQL's IsBinaryCoercible).
#[derive(Clone, Copy, Debug)]
pub struct TypeClass {
    oid: Oid,
    array: bool,
    range: bool,
    enumeration: bool,
    /// regclass, regtype and the other OID aliases.
    reg: bool,
    /// Whether the btree_gist extension (GiST classes for the scalar types) is installed.
    btree_gist: bool,
}

impl TypeClass {
    /// `ty` with the OID its values carry (an enum's or enum array's own).
    pub fn new(ty: PgType, oid: Oid) -> TypeClass {
        TypeClass {
            oid,
            array: ty.element().is_some(),
            range: ty.range_element().is_some(),
            enumeration: ty == PgType::AnyEnum,
            reg: ty.is_oid_alias(),
            btree_gist: false,
        }
    }

    /// This type where the btree_gist extension is (`installed`) or is not installed.
    pub fn with_btree_gist(self, installed: bool) -> TypeClass {
        TypeClass {
            btree_gist: installed,
            ..self
        }
    }

    fn accepted_by(self, input: Oid) -> bool {
        input == self.oid
            || (input == Oid(2277) && self.array)
            || (input == ANYRANGE && self.range)
            || (input == PgType::AnyEnum.oid() && self.enumeration)
            || (input == PgType::Text.oid() && self.oid == PgType::Varchar.oid())
            || (input == PgType::Inet.oid() && self.oid == Oid(650))
            || (input == PgType::Oid.oid() && self.reg)
    }
}

/// btree_gist's default GiST operator classes, for the types devdb has.
const BTREE_GIST: &[(&str, PgType)] = &[
    ("gist_int2_ops", PgType::Int2),
    ("gist_int4_ops", PgType::Int4),
    ("gist_int8_ops", PgType::Int8),
    ("gist_float4_ops", PgType::Float4),
    ("gist_float8_ops", PgType::Float8),
    ("gist_numeric_ops", PgType::Numeric),
    ("gist_text_ops", PgType::Text),
    ("gist_bpchar_ops", PgType::Bpchar),
    ("gist_bytea_ops", PgType::Bytea),
    ("gist_date_ops", PgType::Date),
    ("gist_time_ops", PgType::Time),
    ("gist_timestamp_ops", PgType::Timestamp),
    ("gist_timestamptz_ops", PgType::Timestamptz),
    ("gist_interval_ops", PgType::Interval),
    ("gist_uuid_ops", PgType::Uuid),
    ("gist_bool_ops", PgType::Bool),
    ("gist_oid_ops", PgType::Oid),
    ("gist_inet_ops", PgType::Inet),
    ("gist_enum_ops", PgType::AnyEnum),
];

/// The polymorphic type of range_ops' input (pg_type's anyrange).
const ANYRANGE: Oid = Oid(3831);

/// One row of pg_opclass, as much as devdb needs.
struct OpClass {
    method: u32,
    name: &'static str,
    input: Oid,
    default: bool,
    /// One of the btree_gist extension's classes.
    btree_gist: bool,
}

/// pg_opclass, read once from the rows devdb's catalog serves, and the classes the citext and
/// btree_gist extensions add.
fn opclasses() -> &'static [OpClass] {
    static CLASSES: OnceLock<Vec<OpClass>> = OnceLock::new();
    CLASSES.get_or_init(|| {
        let citext = |method: AccessMethod, name, default| OpClass {
            method: method.oid(),
            name,
            input: PgType::Citext.oid(),
            default,
            btree_gist: false,
        };
        let citext_classes = [
            citext(AccessMethod::Btree, "citext_ops", true),
            citext(AccessMethod::Hash, "citext_ops", true),
            citext(AccessMethod::Btree, "citext_pattern_ops", false),
        ];
        let btree_gist = BTREE_GIST.iter().map(|&(name, ty)| OpClass {
            method: AccessMethod::Gist.oid(),
            name,
            input: ty.oid(),
            default: true,
            btree_gist: true,
        });
        devdb_builtins::table("pg_opclass")
            .into_iter()
            .flat_map(devdb_builtins::Builtin::lines)
            .filter_map(|line| {
                // oid, opcmethod, opcname, opcnamespace, opcowner, opcfamily, opcintype,
                // opcdefault, opckeytype
                let fields: Vec<&'static str> = line.split('\t').collect();
                Some(OpClass {
                    method: fields.get(1)?.parse().ok()?,
                    name: fields.get(2)?,
                    input: Oid(fields.get(6)?.parse().ok()?),
                    default: *fields.get(7)? == "t",
                    btree_gist: false,
                })
            })
            .chain(citext_classes)
            .chain(btree_gist)
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(method: AccessMethod, named: Option<&str>, ty: PgType) -> Result<&str, String> {
        method
            .operator_class(named, TypeClass::new(ty, ty.oid()), &ty.to_string())
            .map(|(name, _)| name)
            .map_err(|e| format!("{} {}", e.code.code(), e.message))
    }

    #[test]
    fn defaults_follow_pg_opclass() {
        assert_eq!(
            class(AccessMethod::Gin, None, PgType::Jsonb),
            Ok("jsonb_ops")
        );
        assert_eq!(
            class(AccessMethod::Gin, None, PgType::Int4Array),
            Ok("array_ops")
        );
        assert_eq!(
            class(AccessMethod::Hash, None, PgType::Varchar),
            Ok("text_ops")
        );
        assert_eq!(
            class(AccessMethod::Btree, None, PgType::Bpchar),
            Ok("bpchar_ops")
        );
        assert_eq!(
            class(AccessMethod::Brin, None, PgType::Int8),
            Ok("int8_minmax_ops")
        );
        assert_eq!(
            class(AccessMethod::Btree, None, PgType::Regclass),
            Ok("oid_ops")
        );
        assert_eq!(
            class(AccessMethod::Hash, None, PgType::Citext),
            Ok("citext_ops")
        );
        assert_eq!(
            class(AccessMethod::Gin, None, PgType::Int4),
            Err(
                "42704 data type integer has no default operator class for access method \"gin\""
                    .into()
            )
        );
    }

    #[test]
    fn named_classes_must_exist_and_accept_the_type() {
        assert_eq!(
            class(AccessMethod::Gin, Some("jsonb_path_ops"), PgType::Jsonb),
            Ok("jsonb_path_ops")
        );
        assert_eq!(
            class(AccessMethod::Gin, Some("foo_ops"), PgType::Jsonb),
            Err("42704 operator class \"foo_ops\" does not exist for access method \"gin\"".into())
        );
        assert_eq!(
            class(AccessMethod::Gin, Some("jsonb_path_ops"), PgType::Int4Array),
            Err(
                "42804 operator class \"jsonb_path_ops\" does not accept data type integer[]"
                    .into()
            )
        );
    }
}
