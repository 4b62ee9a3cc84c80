use devdb_pg::Value;

use super::functions::{pg_format_type, quote_ident};
use super::{PRESENCE_VIEW, find, reads_views, setup_sql};

#[test]
fn names_resolve_as_the_search_path_does() {
    assert_eq!(
        find(None, "pg_class").map(|r| r.view()),
        Some("__pg_class".into())
    );
    assert!(find(Some("pg_catalog"), "pg_type").is_some());
    assert!(find(None, "users").is_none());
    assert!(find(Some("public"), "pg_class").is_none());
    assert_eq!(
        setup_sql().len(),
        super::pg_catalog::HELPERS.len()
            + super::pg_catalog::RELATIONS.len()
            + super::information_schema::HELPERS.len()
            + super::information_schema::RELATIONS.len()
    );
}

#[test]
fn quote_ident_quotes_what_postgres_quotes() {
    assert_eq!(quote_ident("users"), "users");
    assert_eq!(quote_ident("user"), "\"user\"");
    assert_eq!(quote_ident("Users"), "\"Users\"");
    assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    assert_eq!(quote_ident("1a"), "\"1a\"");
}

#[test]
fn format_type_spells_modifiers_and_arrays() {
    let f = |oid: i64, typmod: i64, name: Option<&str>| {
        let name = name.map_or(Value::Null, |n| Value::Text(n.into()));
        pg_format_type(&[Value::Int(oid), Value::Int(typmod), name]).expect("format_type")
    };
    let text = |s: &str| Value::Text(s.into());
    assert_eq!(f(1043, 104, None), text("character varying(100)"));
    assert_eq!(f(1700, (10 << 16 | 2) + 4, None), text("numeric(10,2)"));
    assert_eq!(f(1184, 3, None), text("timestamp(3) with time zone"));
    assert_eq!(f(1007, -1, None), text("integer[]"));
    assert_eq!(f(3904, -1, Some("int4range")), text("int4range"));
    assert_eq!(f(0, -1, None), text("-"));
}

#[test]
fn every_view_is_named_so_that_statements_reading_it_are_flagged() {
    let views: Vec<String> = setup_sql()
        .iter()
        .map(|sql| {
            let name = sql
                .strip_prefix("CREATE TEMP VIEW IF NOT EXISTS ")
                .unwrap_or_else(|| panic!("not a TEMP view: {sql}"));
            name[..name.find(['(', ' ']).expect("a name")].to_owned()
        })
        .collect();
    assert!(views.iter().all(|v| reads_views(v)), "{views:?}");
    assert!(views.iter().any(|v| v == PRESENCE_VIEW));
    assert!(!reads_views("SELECT * FROM \"users\" WHERE \"id\" = ?1"));
}
