//! EXCLUDE constraints' error (`rewrite/exclusion.rs` makes the triggers that call it).

use devdb_pg::{Oid, PgError, PgType, SqlState, Value};

/// `pg_exclusion_violation(constraint, existing, columns, types, new values..., old values...)`:
/// 23P01 for two rows that conflict on an EXCLUDE constraint, as a trigger (`existing`: the
/// new row against a row in the table) or ALTER TABLE ADD CONSTRAINT (two rows already there)
/// finds them.
pub fn violation(args: &[Value]) -> Result<Value, PgError> {
    let text = |i: usize| match args.get(i) {
        Some(Value::Text(t)) => t.as_str(),
        _ => "",
    };
    let name = text(0);
    let existing = matches!(args.get(1), Some(Value::Int(1)));
    let columns = crate::catalog::parse_name_list(text(2))?;
    let types: Vec<PgType> = text(3)
        .trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .filter_map(|t| t.parse().ok())
        .map(|oid| PgType::from_oid(Oid(oid)).unwrap_or(PgType::Text))
        .collect();
    let n = columns.len();
    let key = |offset: usize| {
        let values: Vec<String> = (0..n)
            .map(|i| {
                let v = args.get(4 + offset + i).unwrap_or(&Value::Null);
                if *v == Value::Null {
                    return "null".to_owned();
                }
                let mut out = bytes::BytesMut::new();
                let ty = types.get(i).copied().unwrap_or(PgType::Text);
                devdb_pg::value::encode_text(ty, v.as_datum(), &mut out);
                String::from_utf8_lossy(&out).into_owned()
            })
            .collect();
        format!("({})=({})", columns.join(", "), values.join(", "))
    };
    let (message, against) = match existing {
        true => (
            format!("conflicting key value violates exclusion constraint \"{name}\""),
            "existing key",
        ),
        false => (
            format!("could not create exclusion constraint \"{name}\""),
            "key",
        ),
    };
    Err(
        PgError::new(SqlState::EXCLUSION_VIOLATION, message).with_detail(format!(
            "Key {} conflicts with {against} {}.",
            key(0),
            key(n)
        )),
    )
}
