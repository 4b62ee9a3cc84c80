//! The built-in PostgreSQL types devdb knows, with their OIDs, names and sizes as pg_type has them.

use std::fmt;

/// A PostgreSQL object id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Oid(pub u32);

/// A value's wire format, as Bind and RowDescription number them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Text,
    Binary,
}

impl Format {
    /// Reads a format code; anything but 0 or 1 is a protocol violation upstream.
    pub fn from_code(code: i16) -> Option<Format> {
        match code {
            0 => Some(Format::Text),
            1 => Some(Format::Binary),
            _ => None,
        }
    }

    pub fn code(self) -> i16 {
        match self {
            Format::Text => 0,
            Format::Binary => 1,
        }
    }
}

/// How a value of a type is kept in SQLite. Chosen so that SQLite's own comparison and
/// arithmetic give PostgreSQL's answers wherever devdb lets SQLite do the work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Storage {
    /// INTEGER: ints, oids, bool (0/1), date (days since 2000-01-01), time (microseconds since
    /// midnight), timestamp and timestamptz (microseconds since 2000-01-01 00:00 UTC), as
    /// PostgreSQL itself keeps them.
    Integer,
    /// REAL: float4, float8.
    Real,
    /// TEXT: text-like types, uuid, json, jsonb, interval, and numeric as its text output
    /// (compared by value through the `pg_numeric` collation).
    Text,
    /// BLOB: bytea, arrays in the order-preserving form of `value::array` and ranges in that of
    /// `value::range`.
    Blob,
}

macro_rules! pg_types {
    ($($variant:ident = $oid:literal, $name:literal, $len:literal, $array:literal, $storage:ident;)*) => {
        /// A built-in PostgreSQL scalar type.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum PgType {
            $($variant,)*
        }

        impl PgType {
            /// Every type devdb knows, for catalog listings and lookups.
            pub const ALL: &'static [PgType] = &[$(PgType::$variant,)*];

            /// pg_type.oid.
            pub fn oid(self) -> Oid {
                match self { $(PgType::$variant => Oid($oid),)* }
            }

            /// pg_type.typname, as format_type would print it for the short name.
            pub fn name(self) -> &'static str {
                match self { $(PgType::$variant => $name,)* }
            }

            /// pg_type.typlen: the fixed size in bytes, or -1 for variable length.
            pub fn typlen(self) -> i16 {
                match self { $(PgType::$variant => $len,)* }
            }

            /// The OID of the array type whose elements are this type (pg_type.typarray).
            pub fn array_oid(self) -> Oid {
                match self { $(PgType::$variant => Oid($array),)* }
            }

            /// How values of this type are kept in SQLite.
            pub fn storage(self) -> Storage {
                match self { $(PgType::$variant => Storage::$storage,)* }
            }

            /// The type whose array type has this OID (the first listed, as pg_type's typelem).
            #[allow(unreachable_patterns)]
            fn with_array_oid(oid: Oid) -> Option<PgType> {
                match oid.0 { 0 => None, $($array => Some(PgType::$variant),)* _ => None }
            }

            /// The type with this OID, if devdb knows it.
            pub fn from_oid(oid: Oid) -> Option<PgType> {
                match oid.0 { $($oid => Some(PgType::$variant),)* _ => None }
            }
        }
    };
}

pg_types! {
    Bool = 16, "bool", 1, 1000, Integer;
    Bytea = 17, "bytea", -1, 1001, Blob;
    Char = 18, "char", 1, 1002, Text;
    Name = 19, "name", 64, 1003, Text;
    Int8 = 20, "int8", 8, 1016, Integer;
    Int2 = 21, "int2", 2, 1005, Integer;
    Int2vector = 22, "int2vector", -1, 1006, Text;
    Regproc = 24, "regproc", 4, 1008, Integer;
    Int4 = 23, "int4", 4, 1007, Integer;
    Text = 25, "text", -1, 1009, Text;
    Oid = 26, "oid", 4, 1028, Integer;
    Xid = 28, "xid", 4, 1011, Integer;
    Oidvector = 30, "oidvector", -1, 1013, Text;
    PgNodeTree = 194, "pg_node_tree", -1, 0, Text;
    Json = 114, "json", -1, 199, Text;
    Float4 = 700, "float4", 4, 1021, Real;
    Float8 = 701, "float8", 8, 1022, Real;
    Unknown = 705, "unknown", -2, 0, Text;
    Bpchar = 1042, "bpchar", -1, 1014, Text;
    Varchar = 1043, "varchar", -1, 1015, Text;
    Date = 1082, "date", 4, 1182, Integer;
    Time = 1083, "time", 8, 1183, Integer;
    Timestamp = 1114, "timestamp", 8, 1115, Integer;
    Timestamptz = 1184, "timestamptz", 8, 1185, Integer;
    Interval = 1186, "interval", 16, 1187, Text;
    Numeric = 1700, "numeric", -1, 1231, Text;
    Regclass = 2205, "regclass", 4, 2210, Integer;
    Regtype = 2206, "regtype", 4, 2211, Integer;
    Uuid = 2950, "uuid", 16, 2951, Text;
    Void = 2278, "void", 4, 0, Text;
    Jsonb = 3802, "jsonb", -1, 3807, Text;
    Regnamespace = 4089, "regnamespace", 4, 4090, Integer;
    // A function and an operator with their argument types (`int4pl(integer,integer)`).
    Regprocedure = 2202, "regprocedure", 4, 2207, Integer;
    Regoperator = 2204, "regoperator", 4, 2209, Integer;
    // A full transaction id (pg_current_xact_id), a 64-bit count.
    Xid8 = 5069, "xid8", 8, 271, Integer;
    // A host address (inet_server_addr), kept as its text form.
    Inet = 869, "inet", -1, 1041, Text;
    // Access privileges (pg_database.datacl), kept as their text form.
    Aclitem = 1033, "aclitem", 12, 1034, Text;
    // The citext extension's type, case-insensitive text, stored as written (compared through
    // the `pg_citext` collation). PostgreSQL gives it an OID when the extension is created;
    // devdb's is fixed, in a range no other object takes.
    Citext = 100663297, "citext", -1, 100663298, Text;
    // Every enum type: its values are stored as their labels; the enum's own OID travels
    // beside this variant (devdb-sql's `Ty`), as each enum is a row of devdb's catalog.
    AnyEnum = 3500, "anyenum", 4, 0, Text;
    // Every enum array type: labels in the stored form of value::array, like text[]; the
    // enum's OID travels beside it as for AnyEnum. (2277 is anyarray, the pseudo-type.)
    AnyEnumArray = 2277, "anyarray", -1, 0, Blob;
    // One-dimensional arrays of the types above, kept in the canonical form of value::array.
    BoolArray = 1000, "_bool", -1, 0, Blob;
    CharArray = 1002, "_char", -1, 0, Blob;
    ByteaArray = 1001, "_bytea", -1, 0, Blob;
    NameArray = 1003, "_name", -1, 0, Blob;
    Int2Array = 1005, "_int2", -1, 0, Blob;
    Int4Array = 1007, "_int4", -1, 0, Blob;
    TextArray = 1009, "_text", -1, 0, Blob;
    BpcharArray = 1014, "_bpchar", -1, 0, Blob;
    VarcharArray = 1015, "_varchar", -1, 0, Blob;
    Int8Array = 1016, "_int8", -1, 0, Blob;
    Float4Array = 1021, "_float4", -1, 0, Blob;
    Float8Array = 1022, "_float8", -1, 0, Blob;
    OidArray = 1028, "_oid", -1, 0, Blob;
    TimestampArray = 1115, "_timestamp", -1, 0, Blob;
    DateArray = 1182, "_date", -1, 0, Blob;
    TimeArray = 1183, "_time", -1, 0, Blob;
    TimestamptzArray = 1185, "_timestamptz", -1, 0, Blob;
    IntervalArray = 1187, "_interval", -1, 0, Blob;
    JsonArray = 199, "_json", -1, 0, Blob;
    NumericArray = 1231, "_numeric", -1, 0, Blob;
    UuidArray = 2951, "_uuid", -1, 0, Blob;
    JsonbArray = 3807, "_jsonb", -1, 0, Blob;
    AclitemArray = 1034, "_aclitem", -1, 0, Blob;
    RegclassArray = 2210, "_regclass", -1, 0, Blob;
    RegtypeArray = 2211, "_regtype", -1, 0, Blob;
    CitextArray = 100663298, "_citext", -1, 0, Blob;
    // Full-text search: a tsvector and a tsquery are stored as their canonical text output
    // (value::tsvector, value::tsquery); a regconfig as the configuration's name.
    Tsvector = 3614, "tsvector", -1, 3643, Text;
    Tsquery = 3615, "tsquery", -1, 3645, Text;
    Regconfig = 3734, "regconfig", 4, 3735, Text;
    TsvectorArray = 3643, "_tsvector", -1, 0, Blob;
    TsqueryArray = 3645, "_tsquery", -1, 0, Blob;
    // Range types, in the order-preserving stored form of value::range.
    Int4Range = 3904, "int4range", -1, 3905, Blob;
    NumRange = 3906, "numrange", -1, 3907, Blob;
    TsRange = 3908, "tsrange", -1, 3909, Blob;
    TstzRange = 3910, "tstzrange", -1, 3911, Blob;
    DateRange = 3912, "daterange", -1, 3913, Blob;
    Int8Range = 3926, "int8range", -1, 3927, Blob;
    Int4RangeArray = 3905, "_int4range", -1, 0, Blob;
    NumRangeArray = 3907, "_numrange", -1, 0, Blob;
    TsRangeArray = 3909, "_tsrange", -1, 0, Blob;
    TstzRangeArray = 3911, "_tstzrange", -1, 0, Blob;
    DateRangeArray = 3913, "_daterange", -1, 0, Blob;
    Int8RangeArray = 3927, "_int8range", -1, 0, Blob;
}

impl PgType {
    /// Resolves a type name as SQL spells it (`integer`, `int4`, `character varying`,
    /// `timestamp with time zone`, ...), lower-cased, to the type and whether it was a serial
    /// pseudo-type (`serial` is `int4` plus a sequence default).
    pub fn from_sql_name(name: &str) -> Option<(PgType, bool)> {
        let ty = match name {
            "bool" | "boolean" => PgType::Bool,
            "bytea" => PgType::Bytea,
            "name" => PgType::Name,
            "int8" | "bigint" => PgType::Int8,
            "int2" | "smallint" => PgType::Int2,
            "int4" | "int" | "integer" => PgType::Int4,
            "text" => PgType::Text,
            "citext" => PgType::Citext,
            "oid" => PgType::Oid,
            "xid" => PgType::Xid,
            "int2vector" => PgType::Int2vector,
            "oidvector" => PgType::Oidvector,
            "regproc" => PgType::Regproc,
            "regclass" => PgType::Regclass,
            "regtype" => PgType::Regtype,
            "regnamespace" => PgType::Regnamespace,
            "regprocedure" => PgType::Regprocedure,
            "regoperator" => PgType::Regoperator,
            "aclitem" => PgType::Aclitem,
            "pg_node_tree" => PgType::PgNodeTree,
            "json" => PgType::Json,
            "float4" | "real" => PgType::Float4,
            "float8" | "double precision" | "float" => PgType::Float8,
            "bpchar" | "char" | "character" => PgType::Bpchar,
            "varchar" | "character varying" => PgType::Varchar,
            "date" => PgType::Date,
            "time" | "time without time zone" => PgType::Time,
            "timestamp" | "timestamp without time zone" => PgType::Timestamp,
            "timestamptz" | "timestamp with time zone" => PgType::Timestamptz,
            "interval" => PgType::Interval,
            "numeric" | "decimal" => PgType::Numeric,
            "uuid" => PgType::Uuid,
            "jsonb" => PgType::Jsonb,
            "void" => PgType::Void,
            "int4range" => PgType::Int4Range,
            "int8range" => PgType::Int8Range,
            "numrange" => PgType::NumRange,
            "daterange" => PgType::DateRange,
            "tsrange" => PgType::TsRange,
            "tstzrange" => PgType::TstzRange,
            "unknown" => PgType::Unknown,
            "tsvector" => PgType::Tsvector,
            "tsquery" => PgType::Tsquery,
            "regconfig" => PgType::Regconfig,
            "serial" | "serial4" => return Some((PgType::Int4, true)),
            "bigserial" | "serial8" => return Some((PgType::Int8, true)),
            "smallserial" | "serial2" => return Some((PgType::Int2, true)),
            // `_int4`: an array type by its pg_type name.
            _ if name.starts_with('_') => PgType::ALL
                .iter()
                .copied()
                .find(|t| t.name() == name && t.element().is_some())?,
            _ => return None,
        };
        Some((ty, false))
    }

    /// The element type of an array type; None for scalars.
    pub fn element(self) -> Option<PgType> {
        if self == PgType::AnyEnumArray {
            return Some(PgType::AnyEnum);
        }
        PgType::with_array_oid(self.oid())
    }

    /// The array type whose elements are this type, if devdb has it.
    pub fn array(self) -> Option<PgType> {
        if self == PgType::AnyEnum {
            return Some(PgType::AnyEnumArray);
        }
        match self.array_oid() {
            Oid(0) => None,
            oid => PgType::from_oid(oid),
        }
    }

    /// The OID of a value of this type: `enum_oid` names the enum of AnyEnum and AnyEnumArray,
    /// whose array type has the next OID (devdb hands an enum's two OIDs out together).
    pub fn oid_with_enum(self, enum_oid: Option<Oid>) -> Oid {
        match (self, enum_oid) {
            (PgType::AnyEnumArray, Some(Oid(oid))) => Oid(oid + 1),
            (_, Some(oid)) => oid,
            (ty, None) => ty.oid(),
        }
    }

    /// The element type of a range type; None for every other type.
    pub fn range_element(self) -> Option<PgType> {
        Some(match self {
            PgType::Int4Range => PgType::Int4,
            PgType::Int8Range => PgType::Int8,
            PgType::NumRange => PgType::Numeric,
            PgType::DateRange => PgType::Date,
            PgType::TsRange => PgType::Timestamp,
            PgType::TstzRange => PgType::Timestamptz,
            _ => return None,
        })
    }

    /// The range type over this element type, if PostgreSQL has one built in.
    pub fn range_of(self) -> Option<PgType> {
        [
            PgType::Int4Range,
            PgType::Int8Range,
            PgType::NumRange,
            PgType::DateRange,
            PgType::TsRange,
            PgType::TstzRange,
        ]
        .into_iter()
        .find(|r| r.range_element() == Some(self))
    }

    /// True for int2, int4, int8 (and oid, which behaves as an unsigned int4).
    pub fn is_integer(self) -> bool {
        matches!(
            self,
            PgType::Int2 | PgType::Int4 | PgType::Int8 | PgType::Oid
        )
    }

    /// True for the OID alias types (regclass, regtype, regproc, regprocedure, regoperator,
    /// regnamespace): an oid that prints as the name of the object it identifies.
    pub fn is_oid_alias(self) -> bool {
        matches!(
            self,
            PgType::Regclass
                | PgType::Regtype
                | PgType::Regproc
                | PgType::Regprocedure
                | PgType::Regoperator
                | PgType::Regnamespace
        )
    }

    /// True for the types arithmetic operators accept.
    pub fn is_numeric(self) -> bool {
        self.is_integer() || matches!(self, PgType::Float4 | PgType::Float8 | PgType::Numeric)
    }

    /// True for text, varchar, bpchar, name, "char", citext and unknown literals.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            PgType::Text
                | PgType::Citext
                | PgType::Varchar
                | PgType::Bpchar
                | PgType::Name
                | PgType::Char
                | PgType::Unknown
        )
    }
}

impl fmt::Display for PgType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // format_type()'s spelling, which PostgreSQL uses in error messages.
        let name = match self {
            PgType::Bool => "boolean",
            PgType::Int2 => "smallint",
            PgType::Int4 => "integer",
            PgType::Int8 => "bigint",
            PgType::Float4 => "real",
            PgType::Float8 => "double precision",
            PgType::Varchar => "character varying",
            PgType::Bpchar => "character",
            PgType::Time => "time without time zone",
            PgType::Timestamp => "timestamp without time zone",
            PgType::Timestamptz => "timestamp with time zone",
            PgType::Char => "\"char\"",
            PgType::AnyEnumArray => "anyarray",
            other => match other.element() {
                Some(element) => return write!(f, "{element}[]"),
                None => other.name(),
            },
        };
        f.write_str(name)
    }
}

#[cfg(test)]
mod tests {
    use super::PgType;

    #[test]
    fn element_and_array_are_inverse() {
        for &t in PgType::ALL {
            if let Some(array) = t.array() {
                assert_eq!(array.element(), Some(t), "{t:?}");
            }
            if t.array_oid().0 == 0 && t != PgType::AnyEnum {
                assert_eq!(t.array(), None, "{t:?}");
            }
        }
        assert_eq!(PgType::Int4.element(), None);
        assert_eq!(PgType::Int4Array.element(), Some(PgType::Int4));
    }
}
