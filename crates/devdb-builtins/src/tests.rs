use devdb_pg::{PgType, Value};

use super::BUILTINS;

#[test]
fn every_builtin_row_parses_into_its_columns() {
    for table in BUILTINS {
        let rows = table
            .rows()
            .unwrap_or_else(|e| panic!("{}: {e:?}", table.name));
        assert!(!rows.is_empty(), "{} has no rows", table.name);
        assert!(rows.iter().all(|r| r.len() == table.columns.len()));
    }
}

#[test]
fn builtin_pg_type_has_every_type_devdb_knows_with_its_array() {
    let pg_type = BUILTINS
        .iter()
        .find(|b| b.name == "pg_type")
        .expect("pg_type");
    let rows = pg_type.rows().expect("rows");
    // citext's rows come with CREATE EXTENSION (the pg_type view), not with the built-ins.
    let extension = [PgType::Citext, PgType::CitextArray];
    for ty in PgType::ALL.iter().filter(|t| !extension.contains(t)) {
        let row = rows
            .iter()
            .find(|r| r[0] == Value::Int(ty.oid().0.into()))
            .unwrap_or_else(|| panic!("{ty:?} missing"));
        assert_eq!(row[1], Value::Text(ty.name().to_owned()), "{ty:?}");
        assert_eq!(
            row[14],
            Value::Int(ty.array_oid().0.into()),
            "{ty:?} typarray"
        );
    }
}
