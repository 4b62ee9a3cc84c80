//! The two column types the ORM workload needs beyond tokio-postgres's defaults, written out
//! here rather than pulling in the `uuid` and `serde_json` crates for two codecs.

use std::error::Error;
use std::fmt;

use bytes::BytesMut;
use tokio_postgres::types::{FromSql, IsNull, ToSql, Type, accepts, to_sql_checked};

/// A `uuid` value in its binary wire form (16 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uuid(pub [u8; 16]);

impl Uuid {
    /// A version-4-shaped uuid from a 128-bit random value.
    pub fn from_random(bits: u128) -> Uuid {
        let mut bytes = bits.to_be_bytes();
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        Uuid(bytes)
    }
}

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, byte) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl ToSql for Uuid {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        out.extend_from_slice(&self.0);
        Ok(IsNull::No)
    }

    accepts!(UUID);
    to_sql_checked!();
}

impl<'a> FromSql<'a> for Uuid {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Uuid, Box<dyn Error + Sync + Send>> {
        let bytes: [u8; 16] = raw
            .try_into()
            .map_err(|_| format!("a uuid is 16 bytes, got {}", raw.len()))?;
        Ok(Uuid(bytes))
    }

    accepts!(UUID);
}

/// A `json` or `jsonb` value as text, as an ORM would hand it to its JSON parser.
#[derive(Debug)]
pub struct Json(pub String);

impl<'a> FromSql<'a> for Json {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Json, Box<dyn Error + Sync + Send>> {
        // Binary jsonb starts with a version byte (1); json is the text itself.
        let text = match (ty, raw.split_first()) {
            (&Type::JSONB, Some((1, rest))) => rest,
            (&Type::JSONB, _) => return Err("unsupported jsonb version".into()),
            _ => raw,
        };
        Ok(Json(std::str::from_utf8(text)?.to_owned()))
    }

    accepts!(JSON, JSONB);
}
