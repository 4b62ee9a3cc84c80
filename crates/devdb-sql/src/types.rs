//! PostgreSQL's type rules as the translator needs them: type names to [`PgType`] with their
//! typmod, and the promotion and common-type rules for operators, CASE, UNION and friends.

use devdb_pg::{Oid, PgError, PgType, SqlState};
use sqlparser::ast::{
    ArrayElemTypeDef, CharacterLength, DataType, ExactNumberInfo, ObjectName, ObjectNamePart,
    TimezoneInfo,
};

/// A PostgreSQL type with its modifier, as an expression or column has it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ty {
    pub ty: PgType,
    pub typmod: i32,
    /// Which enum, when `ty` is [`PgType::AnyEnum`] or [`PgType::AnyEnumArray`].
    pub enum_oid: Option<Oid>,
}

impl Ty {
    pub const fn of(ty: PgType) -> Ty {
        Ty::with_typmod(ty, -1)
    }

    pub const fn with_typmod(ty: PgType, typmod: i32) -> Ty {
        Ty {
            ty,
            typmod,
            enum_oid: None,
        }
    }

    pub const fn enumeration(oid: Oid) -> Ty {
        Ty {
            ty: PgType::AnyEnum,
            typmod: -1,
            enum_oid: Some(oid),
        }
    }

    /// An untyped string literal, NULL or parameter: takes its type from context.
    pub const UNKNOWN: Ty = Ty::of(PgType::Unknown);

    /// The element type of an array type (an enum array's elements are its enum).
    pub fn element(self) -> Option<Ty> {
        self.ty.element().map(|ty| Ty {
            ty,
            typmod: -1,
            enum_oid: self.enum_oid,
        })
    }

    pub fn is_unknown(self) -> bool {
        self.ty == PgType::Unknown
    }
}

/// A declared type: the type, and whether it was serial/bigserial/smallserial.
pub struct Declared {
    pub ty: Ty,
    pub serial: bool,
}

/// Resolves a type as written in CREATE TABLE or a cast.
pub fn from_data_type(dt: &DataType) -> Result<Declared, PgError> {
    use PgType as P;
    let plain = |ty| {
        Ok(Declared {
            ty: Ty::of(ty),
            serial: false,
        })
    };
    let chars = |ty, len: &Option<CharacterLength>, default: Option<u64>| {
        let n = match len {
            Some(CharacterLength::IntegerLength { length, unit: None }) => Some(*length),
            None => default,
            Some(_) => return Err(unsupported_type(dt)),
        };
        let typmod = match n {
            Some(0) => {
                return Err(PgError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    format!("length for type {} must be at least 1", P::name(ty)),
                ));
            }
            Some(n) => i32::try_from(n)
                .ok()
                .and_then(|n| n.checked_add(4))
                .ok_or_else(|| {
                    PgError::new(
                        SqlState::INVALID_PARAMETER_VALUE,
                        format!("length for type {} cannot exceed 10485760", P::name(ty)),
                    )
                })?,
            None => -1,
        };
        Ok(Declared {
            ty: Ty::with_typmod(ty, typmod),
            serial: false,
        })
    };
    match dt {
        DataType::Int(None) | DataType::Integer(None) | DataType::Int4(None) => plain(P::Int4),
        DataType::BigInt(None) | DataType::Int8(None) => plain(P::Int8),
        DataType::SmallInt(None) | DataType::Int2(None) => plain(P::Int2),
        DataType::Text => plain(P::Text),
        DataType::Varchar(len) | DataType::CharacterVarying(len) | DataType::CharVarying(len) => {
            chars(P::Varchar, len, None)
        }
        DataType::Char(len) | DataType::Character(len) => chars(P::Bpchar, len, Some(1)),
        DataType::Bool | DataType::Boolean => plain(P::Bool),
        DataType::Numeric(info) | DataType::Decimal(info) | DataType::Dec(info) => {
            let typmod = match *info {
                ExactNumberInfo::None => -1,
                ExactNumberInfo::Precision(p) => numeric_typmod(p, 0)?,
                ExactNumberInfo::PrecisionAndScale(p, s) => numeric_typmod(p, s)?,
            };
            Ok(Declared {
                ty: Ty::with_typmod(P::Numeric, typmod),
                serial: false,
            })
        }
        DataType::Real | DataType::Float4 => plain(P::Float4),
        DataType::DoublePrecision | DataType::Float8 => plain(P::Float8),
        DataType::Float(ExactNumberInfo::None) => plain(P::Float8),
        DataType::Float(ExactNumberInfo::Precision(p)) if (1..=24).contains(p) => plain(P::Float4),
        DataType::Float(ExactNumberInfo::Precision(p)) if (25..=53).contains(p) => plain(P::Float8),
        DataType::Timestamp(None, TimezoneInfo::None | TimezoneInfo::WithoutTimeZone) => {
            plain(P::Timestamp)
        }
        DataType::Timestamp(None, TimezoneInfo::WithTimeZone | TimezoneInfo::Tz) => {
            plain(P::Timestamptz)
        }
        DataType::Time(None, TimezoneInfo::None | TimezoneInfo::WithoutTimeZone) => plain(P::Time),
        // timestamp(p), timestamptz(p), time(p): p fractional digits kept (at most 6).
        DataType::Timestamp(Some(p), tz) | DataType::Time(Some(p), tz) => {
            let ty = match (dt, tz) {
                (DataType::Time(..), TimezoneInfo::None | TimezoneInfo::WithoutTimeZone) => P::Time,
                (DataType::Timestamp(..), TimezoneInfo::None | TimezoneInfo::WithoutTimeZone) => {
                    P::Timestamp
                }
                (DataType::Timestamp(..), TimezoneInfo::WithTimeZone | TimezoneInfo::Tz) => {
                    P::Timestamptz
                }
                _ => return Err(unsupported_type(dt)),
            };
            Ok(Declared {
                ty: Ty::with_typmod(ty, (*p).min(6) as i32),
                serial: false,
            })
        }
        DataType::Date => plain(P::Date),
        DataType::Uuid => plain(P::Uuid),
        DataType::JSON => plain(P::Json),
        DataType::JSONB => plain(P::Jsonb),
        DataType::TsVector => plain(P::Tsvector),
        DataType::TsQuery => plain(P::Tsquery),
        DataType::Bytea => plain(P::Bytea),
        DataType::Interval {
            fields: None,
            precision: None,
        } => plain(P::Interval),
        DataType::Regclass => plain(P::Regclass),
        DataType::Array(
            ArrayElemTypeDef::SquareBracket(element, _) | ArrayElemTypeDef::Qualified(element, _),
        ) => crate::rewrite::array_type(from_data_type(element)?),
        DataType::Custom(name, modifiers) if modifiers.is_empty() => {
            let name = custom_name(name).ok_or_else(|| unsupported_type(dt))?;
            // Only a quoted "char" gets here (a bare char is DataType::Char): the 1-byte type.
            if name == "char" {
                return plain(P::Char);
            }
            let (ty, serial) = PgType::from_sql_name(&name).ok_or_else(|| undefined_type(&name))?;
            Ok(Declared {
                ty: Ty::of(ty),
                serial,
            })
        }
        _ => Err(unsupported_type(dt)),
    }
}

/// `serial`, `pg_catalog.int4`: the case-folded last part, when any qualifier is pg_catalog.
fn custom_name(name: &ObjectName) -> Option<String> {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(id) => Some(crate::rewrite::fold(id)),
            ObjectNamePart::Function(_) => None,
        })
        .collect::<Option<_>>()?;
    match parts.as_slice() {
        [one] => Some(one.clone()),
        [schema, one] if schema == "pg_catalog" => Some(one.clone()),
        _ => None,
    }
}

/// numeric(p,s)'s typmod: PostgreSQL 15 packs the scale (-1000..1000, may exceed p) as an
/// 11-bit two's complement number below the precision.
fn numeric_typmod(precision: u64, scale: i64) -> Result<i32, PgError> {
    if !(1..=1000).contains(&precision) {
        return Err(PgError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("NUMERIC precision {precision} must be between 1 and 1000"),
        ));
    }
    if !(-1000..=1000).contains(&scale) {
        return Err(PgError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("NUMERIC scale {scale} must be between -1000 and 1000"),
        ));
    }
    Ok((((precision as i32) << 16) | (scale as i32 & 0x7ff)) + 4)
}

fn unsupported_type(dt: &DataType) -> PgError {
    PgError::feature_not_supported(format!("type {dt}"))
}

pub fn undefined_type(name: &str) -> PgError {
    PgError::new(
        SqlState::UNDEFINED_OBJECT,
        format!("type \"{name}\" does not exist"),
    )
}

/// The place of a numeric type in PostgreSQL's implicit-cast chain
/// int2 -> int4 -> int8 -> numeric -> float4 -> float8.
fn numeric_rank(ty: PgType) -> Option<u8> {
    Some(match ty {
        PgType::Int2 => 0,
        PgType::Int4 => 1,
        PgType::Int8 | PgType::Oid => 2,
        PgType::Numeric => 3,
        PgType::Float4 => 4,
        PgType::Float8 => 5,
        _ => return None,
    })
}

/// The result type of `+ - * / %` on two numeric types.
pub fn arithmetic_result(left: PgType, right: PgType) -> Option<PgType> {
    let (l, r) = (numeric_rank(left)?, numeric_rank(right)?);
    // int2 op int2 stays int2; float4 op numeric is float8 in PostgreSQL.
    let ty = if l >= r { left } else { right };
    Some(match ty {
        PgType::Oid => PgType::Int8,
        PgType::Float4 if left != right => PgType::Float8,
        other => other,
    })
}

/// The common type of values that meet in CASE, COALESCE, UNION, IN and comparisons, by
/// PostgreSQL's select_common_type; None when they cannot be matched.
pub fn common_type(a: Ty, b: Ty) -> Option<Ty> {
    if a.is_unknown() {
        return Some(b);
    }
    if b.is_unknown() || a == b {
        return Some(a);
    }
    if a.ty == b.ty {
        return (a.enum_oid == b.enum_oid).then_some(Ty { typmod: -1, ..a });
    }
    // regclass = oid, indrelid = 16384: the OID alias types meet as oid.
    let oid_family = |t: PgType| t == PgType::Oid || t.is_oid_alias();
    if (oid_family(a.ty) || oid_family(b.ty))
        && (oid_family(a.ty) || a.ty.is_integer())
        && (oid_family(b.ty) || b.ty.is_integer())
    {
        return Some(Ty::of(PgType::Oid));
    }
    if let (Some(x), Some(y)) = (numeric_rank(a.ty), numeric_rank(b.ty)) {
        return Some(Ty::of(if x >= y { a.ty } else { b.ty }));
    }
    if a.ty.is_text() && b.ty.is_text() {
        // name first stays name: text and varchar convert to it implicitly, as it does to them.
        if a.ty == PgType::Name {
            return Some(Ty::of(PgType::Name));
        }
        return Some(Ty::of(PgType::Text));
    }
    let datetime = |t: PgType| match t {
        PgType::Date => Some(0),
        PgType::Timestamp => Some(1),
        PgType::Timestamptz => Some(2),
        _ => None,
    };
    if let (Some(x), Some(y)) = (datetime(a.ty), datetime(b.ty)) {
        return Some(Ty::of(if x >= y { a.ty } else { b.ty }));
    }
    None
}
