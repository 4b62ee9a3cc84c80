//! PREPARE, EXECUTE and DEALLOCATE: what the translator makes of them (the executor runs them;
//! tests/slt/queries/prepare.slt compares the whole with PostgreSQL).

use devdb_pg::PgType;
use expect_test::expect;

use super::{catalog, error, translate_one};
use crate::{Kind, SearchPath, execute_arguments};

#[test]
fn prepare_translates_its_statement_with_the_declared_types() {
    let t =
        translate_one("PREPARE q (int8) AS SELECT id, name FROM t WHERE big = $1 AND name = $2");
    // PREPARE itself takes no parameters and returns no rows.
    assert!(t.params.is_empty() && t.columns.is_empty());
    let Kind::Prepare(p) = t.kind else {
        panic!("not a PREPARE: {:?}", t.kind)
    };
    assert_eq!(p.name, "q");
    assert_eq!(p.hints, vec![Some(PgType::Int8)]);
    assert_eq!(p.statement.params, vec![PgType::Int8, PgType::Text]);
    let columns: Vec<_> = p
        .statement
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(columns, ["id", "name"]);
    assert_eq!(
        p.text,
        "PREPARE q (int8) AS SELECT id, name FROM t WHERE big = $1 AND name = $2"
    );
}

#[test]
fn execute_and_deallocate_name_their_statement() {
    let Kind::Execute(e) = translate_one("EXECUTE \"Q\" (1, 'a')").kind else {
        panic!("not an EXECUTE")
    };
    assert_eq!((e.name.as_str(), e.arguments.len()), ("Q", 2));
    assert_eq!(
        translate_one("DEALLOCATE PREPARE Q").kind,
        Kind::Deallocate(Some("q".into()))
    );
    assert_eq!(translate_one("DEALLOCATE ALL").kind, Kind::Deallocate(None));
    assert_eq!(
        translate_one("DEALLOCATE \"ALL\"").kind,
        Kind::Deallocate(Some("ALL".into()))
    );
}

#[test]
fn shapes_postgresql_refuses() {
    expect![[r#"42601 syntax error at or near "CREATE""#]]
        .assert_eq(&error("PREPARE p AS CREATE TABLE x (a int)"));
    expect![[r#"42601 syntax error at or near ")""#]].assert_eq(&error("EXECUTE p()"));
    expect![[r#"42601 syntax error at or near "1""#]].assert_eq(&error("EXECUTE p 1"));
    expect![[r#"42601 syntax error at or near "USING""#]].assert_eq(&error("EXECUTE p(1) USING 2"));
    expect![[r#"0A000 CREATE TABLE ... AS EXECUTE is not supported by devdb"#]]
        .assert_eq(&error("CREATE TABLE x AS EXECUTE p (1)"));
    expect![[r#"42704 type "nosuchtype" does not exist"#]]
        .assert_eq(&error("PREPARE p (nosuchtype) AS SELECT $1"));
}

fn arguments(args: &str, types: &[PgType]) -> String {
    let Kind::Execute(e) = translate_one(&format!("EXECUTE p ({args})")).kind else {
        panic!("not an EXECUTE")
    };
    match execute_arguments(&e.arguments, types, &catalog(), &SearchPath::default()) {
        Ok(t) => t.sqlite.join(";"),
        Err(e) => format!("{} {}", e.code, e.message),
    }
}

#[test]
fn arguments_are_assigned_to_the_parameter_types() {
    use PgType::*;
    expect!["SELECT 42, pg_cast('2.5', 1700, 701, -1, 0)"]
        .assert_eq(&arguments("'42', 2.5", &[Int4, Float8]));
    expect![[r#"SELECT pg_int4_add(1, 1)"#]].assert_eq(&arguments("1 + 1", &[Int4]));
    expect![[r#"22P02 invalid input syntax for type integer: "x""#]]
        .assert_eq(&arguments("'x'", &[Int4]));
    expect![[r#"42804 parameter $1 of type text cannot be coerced to the expected type integer"#]]
        .assert_eq(&arguments("'1'::text", &[Int4]));
    expect![[r#"0A000 cannot use subquery in EXECUTE parameter"#]]
        .assert_eq(&arguments("(SELECT 1)", &[Int4]));
    expect![[r#"42803 aggregate functions are not allowed in EXECUTE parameters"#]]
        .assert_eq(&arguments("max(1)", &[Int4]));
    expect![[r#"42P02 there is no parameter $1"#]].assert_eq(&arguments("$1", &[Int4]));
}
