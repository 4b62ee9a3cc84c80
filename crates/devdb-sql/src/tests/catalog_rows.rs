//! The rows DDL leaves in devdb's catalog tables: the contract pg_catalog views read.

use devdb_pg::Value;

use super::sqlite::Db;

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

#[test]
fn enum_types_and_labels_are_rows_like_pg_type_and_pg_enum() {
    let mut db = Db::new();
    db.ok("create type mood as enum ('sad', 'ok')");
    db.ok("alter type mood add value 'meh' before 'ok'");
    db.ok("create table people (m mood)");
    assert_eq!(
        db.raw("SELECT oid, schema, name, array_oid FROM __devdb_types"),
        [vec![
            Value::Int(16384),
            text("public"),
            text("mood"),
            Value::Int(16385)
        ]]
    );
    assert_eq!(
        db.raw(
            "SELECT oid, type_oid, sort_order, label FROM __devdb_enum_labels ORDER BY sort_order"
        ),
        [
            vec![
                Value::Int(16386),
                Value::Int(16384),
                Value::Float(1.0),
                text("sad")
            ],
            vec![
                Value::Int(16388),
                Value::Int(16384),
                Value::Float(1.5),
                text("meh")
            ],
            vec![
                Value::Int(16387),
                Value::Int(16384),
                Value::Float(2.0),
                text("ok")
            ],
        ]
    );
    assert_eq!(
        db.raw("SELECT type_oid FROM __devdb_columns WHERE table_name = 'people'"),
        [vec![Value::Int(16384)]]
    );
}

#[test]
fn objects_of_other_schemas_keep_schema_and_plain_name_apart() {
    let mut db = Db::new();
    db.ok("create schema app");
    db.ok("create table app.users (id int generated always as identity primary key)");
    db.ok("create type app.mood as enum ('a')");
    assert_eq!(
        db.raw("SELECT oid, name FROM __devdb_schemas ORDER BY oid"),
        [vec![Value::Int(16384), text("app")]]
    );
    assert_eq!(
        db.raw("SELECT schema, name FROM __devdb_tables"),
        [vec![text("app"), text("users")]]
    );
    assert_eq!(
        db.raw("SELECT schema, name, table_name FROM __devdb_indexes"),
        [vec![text("app"), text("users_pkey"), text("users")]]
    );
    assert_eq!(
        db.raw("SELECT schema, table_name, name FROM __devdb_constraints"),
        [vec![text("app"), text("users"), text("users_pkey")]]
    );
    assert_eq!(
        db.raw("SELECT schema, table_name, name, kind FROM __devdb_identity_columns"),
        [vec![text("app"), text("users"), text("id"), text("a")]]
    );
    assert_eq!(
        db.raw("SELECT name, schema, table_name, column_name FROM __devdb_sequence_owners"),
        [vec![
            text("app.users_id_seq"),
            text("app"),
            text("users"),
            text("id")
        ]]
    );
    assert_eq!(
        db.raw("SELECT schema, name FROM __devdb_types"),
        [vec![text("app"), text("mood")]]
    );
    // In SQLite the table is `app.users`.
    assert_eq!(
        db.raw("SELECT count(*) FROM \"app.users\""),
        [vec![Value::Int(0)]]
    );
}

#[test]
fn comments_are_rows_by_kind_and_object() {
    let mut db = Db::new();
    db.ok("create table t (c int)");
    db.ok("comment on table t is 'a table'");
    db.ok("comment on column t.c is 'a column'");
    db.ok("comment on column t.c is 'replaced'");
    assert_eq!(
        db.raw("SELECT kind, schema, name, column_name, description FROM __devdb_comments ORDER BY kind"),
        [
            vec![text("column"), text("public"), text("t"), text("c"), text("replaced")],
            vec![text("table"), text("public"), text("t"), text(""), text("a table")],
        ]
    );
    db.ok("comment on table t is null");
    db.ok("drop table t");
    assert!(db.raw("SELECT * FROM __devdb_comments").is_empty());
}
