//! pgcrypto's functions, for a database that ran CREATE EXTENSION pgcrypto: digest, hmac,
//! gen_random_bytes, and crypt and gen_salt with the Blowfish (bcrypt) algorithm, which is what
//! apps store passwords with. The other crypt algorithms (md5, des, xdes) and the PGP and raw
//! encryption functions are not built.

use base64::Engine as _;
use devdb_pg::{PgError, SqlState, Value};
use hmac::{Hmac, KeyInit, Mac};

use super::{arg, as_bytes, as_text};

fn no_such_hash(name: &str) -> PgError {
    PgError::new(
        SqlState::INVALID_PARAMETER_VALUE,
        format!("Cannot use \"{name}\": No such hash algorithm"),
    )
}

/// The digest of `data` with the algorithm pgcrypto names `name`.
fn hashed(name: &str, data: &[u8]) -> Result<Vec<u8>, PgError> {
    use sha2::Digest as _;
    Ok(match name.to_ascii_lowercase().as_str() {
        "md5" => md5::Md5::digest(data).to_vec(),
        "sha1" => sha1::Sha1::digest(data).to_vec(),
        "sha224" => sha2::Sha224::digest(data).to_vec(),
        "sha256" => sha2::Sha256::digest(data).to_vec(),
        "sha384" => sha2::Sha384::digest(data).to_vec(),
        "sha512" => sha2::Sha512::digest(data).to_vec(),
        _ => return Err(no_such_hash(name)),
    })
}

fn mac<M: Mac + KeyInit>(key: &[u8], data: &[u8]) -> Result<Vec<u8>, PgError> {
    let mut mac = <M as KeyInit>::new_from_slice(key)
        .map_err(|e| PgError::internal(format!("hmac key: {e}")))?;
    mac.update(data);
    Ok(mac.finalize().into_bytes().to_vec())
}

/// digest(data, type): bytea.
pub fn digest(args: &[Value]) -> Result<Value, PgError> {
    let (Some(data), Some(name)) = (as_bytes(arg(args, 0))?, as_text(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    Ok(Value::Blob(hashed(name, data)?))
}

/// hmac(data, key, type): bytea.
pub fn hmac(args: &[Value]) -> Result<Value, PgError> {
    let (Some(data), Some(key), Some(name)) = (
        as_bytes(arg(args, 0))?,
        as_bytes(arg(args, 1))?,
        as_text(arg(args, 2))?,
    ) else {
        return Ok(Value::Null);
    };
    let out = match name.to_ascii_lowercase().as_str() {
        "md5" => mac::<Hmac<md5::Md5>>(key, data)?,
        "sha1" => mac::<Hmac<sha1::Sha1>>(key, data)?,
        "sha224" => mac::<Hmac<sha2::Sha224>>(key, data)?,
        "sha256" => mac::<Hmac<sha2::Sha256>>(key, data)?,
        "sha384" => mac::<Hmac<sha2::Sha384>>(key, data)?,
        "sha512" => mac::<Hmac<sha2::Sha512>>(key, data)?,
        _ => return Err(no_such_hash(name)),
    };
    Ok(Value::Blob(out))
}

fn random_bytes(n: usize) -> Result<Vec<u8>, PgError> {
    let mut out = vec![0u8; n];
    getrandom::fill(&mut out).map_err(|e| PgError::internal(format!("random bytes: {e}")))?;
    Ok(out)
}

/// gen_random_bytes(count): `count` (1 to 1024) cryptographically random bytes.
pub fn gen_random_bytes(args: &[Value]) -> Result<Value, PgError> {
    let Some(count) = super::as_int(arg(args, 0))? else {
        return Ok(Value::Null);
    };
    match usize::try_from(count) {
        Ok(n @ 1..=1024) => Ok(Value::Blob(random_bytes(n)?)),
        _ => Err(PgError::new(
            SqlState::EXTERNAL_ROUTINE_INVOCATION_EXCEPTION,
            "Length not in range",
        )),
    }
}

/// The alphabet bcrypt writes its salt and hash in.
fn bcrypt_base64() -> base64::engine::GeneralPurpose {
    base64::engine::GeneralPurpose::new(
        &base64::alphabet::BCRYPT,
        base64::engine::GeneralPurposeConfig::new()
            .with_encode_padding(false)
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireNone),
    )
}

/// gen_salt(type [, iter_count]): a new salt for crypt. `bf` (Blowfish, 4 to 31 rounds, 6 by
/// default) is built; md5, des and xdes are 0A000.
pub fn gen_salt(args: &[Value]) -> Result<Value, PgError> {
    let Some(kind) = as_text(arg(args, 0))? else {
        return Ok(Value::Null);
    };
    let rounds = match args.get(1) {
        Some(v) => match super::as_int(v)? {
            Some(n) => n,
            None => return Ok(Value::Null),
        },
        None => 6,
    };
    match kind.to_ascii_lowercase().as_str() {
        "bf" => {}
        "md5" | "des" | "xdes" => {
            return Err(PgError::feature_not_supported(format!(
                "gen_salt('{kind}') (devdb's crypt has the bf algorithm)"
            )));
        }
        _ => {
            return Err(PgError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                "gen_salt: Unknown salt algorithm",
            ));
        }
    }
    if !(4..=31).contains(&rounds) {
        return Err(PgError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            "gen_salt: Incorrect number of rounds",
        ));
    }
    let salt = bcrypt_base64().encode(random_bytes(16)?);
    Ok(Value::Text(format!("$2a${rounds:02}${salt}")))
}

/// crypt(password, salt): the password hashed with the salt's algorithm and parameters; a
/// stored hash is its own salt, so `crypt(given, stored) = stored` checks a password.
pub fn crypt(args: &[Value]) -> Result<Value, PgError> {
    let (Some(password), Some(salt)) = (as_bytes(arg(args, 0))?, as_text(arg(args, 1))?) else {
        return Ok(Value::Null);
    };
    let invalid = || PgError::new(SqlState::INVALID_PARAMETER_VALUE, "invalid salt");
    // pgcrypto picks the algorithm by the salt's prefix, DES for anything it does not know.
    let Some(rest) = salt.strip_prefix("$2a$") else {
        let algorithm = match salt {
            s if s.starts_with("$2x$") => "bf with the $2x$ prefix",
            s if s.starts_with("$1$") => "md5",
            s if s.starts_with('_') => "xdes",
            s if s.len() >= 2 => "des",
            _ => return Err(invalid()),
        };
        return Err(PgError::feature_not_supported(format!(
            "crypt with the {algorithm} algorithm (devdb's crypt has bf, salts starting $2a$)"
        )));
    };
    let (cost, rest) = rest.split_once('$').ok_or_else(invalid)?;
    let cost: u32 = cost.parse().map_err(|_| invalid())?;
    let salt_text = rest.get(..22).ok_or_else(invalid)?;
    let salt: [u8; 16] = bcrypt_base64()
        .decode(salt_text)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(invalid)?;
    let hashed = bcrypt::hash_with_salt(password, cost, salt).map_err(|_| invalid())?;
    Ok(Value::Text(
        hashed.format_for_version(bcrypt::Version::TwoA),
    ))
}
