//! Errors carry PostgreSQL's SQLSTATE and wording; unsupported forms are 0A000, never a
//! different answer.

use super::{catalog, error};
use crate::translate;

#[test]
fn sqlstates() {
    for (sql, expected) in [
        (
            "select * from nope",
            "42P01 relation \"nope\" does not exist",
        ),
        ("select nope from t", "42703 column \"nope\" does not exist"),
        (
            "select x.id from t",
            "42P01 missing FROM-clause entry for table \"x\"",
        ),
        (
            "select id from t, u",
            "42702 column reference \"id\" is ambiguous",
        ),
        (
            "select foo(1)",
            "42883 function foo(integer) does not exist",
        ),
        (
            "select name + 1 from t",
            "42883 operator does not exist: character varying + integer",
        ),
        (
            "select * from t where body = 1",
            "42883 operator does not exist: text = integer",
        ),
        (
            "select 'abc'::int",
            "22P02 invalid input syntax for type integer: \"abc\"",
        ),
        (
            "select '2024-13-45'::date",
            "22008 date/time field value out of range: \"2024-13-45\"",
        ),
        (
            "select 99999::int2 + 'x'",
            "22P02 invalid input syntax for type smallint: \"x\"",
        ),
        (
            "insert into u (id) values ('x')",
            "22P02 invalid input syntax for type integer: \"x\"",
        ),
        (
            "insert into u (id) values (1, 2)",
            "42601 INSERT has more expressions than target columns",
        ),
        (
            "insert into u (nope) values (1)",
            "42703 column \"nope\" of relation \"u\" does not exist",
        ),
        (
            "insert into u (id) select ts from t",
            "42804 column \"id\" is of type integer but expression is of type timestamp with time zone",
        ),
        (
            "insert into t (flag) values (1)",
            "42804 column \"flag\" is of type boolean but expression is of type integer",
        ),
        (
            "select 1::bool::date",
            "42846 cannot cast type boolean to date",
        ),
        (
            "select 1 union select 'a', 2",
            "42601 each UNION query must have the same number of columns",
        ),
        (
            "select 1 order by 2",
            "42P10 ORDER BY position 2 is not in select list",
        ),
        (
            "create table t (a int)",
            "42P07 relation \"t\" already exists",
        ),
        (
            "create table z (a int, a text)",
            "42701 column \"a\" specified more than once",
        ),
        (
            "create table z (a nosuchtype)",
            "42704 type \"nosuchtype\" does not exist",
        ),
        ("drop table nope", "42P01 relation \"nope\" does not exist"),
        ("select 'ab'::varchar(1)", "no error"),
        ("select $0", "42601 syntax error at or near \"$0\""),
    ] {
        let got = error(sql);
        if expected == "no error" {
            assert!(got.starts_with("no error"), "{sql}: {got}");
        } else {
            assert_eq!(got, expected, "{sql}");
        }
    }
}

#[test]
fn ungrouped_columns_are_42803() {
    for sql in [
        "select name, count(*) from t group by name",
        "select name as n, count(*) from t group by n",
        "select name, count(*) from t group by 1",
        "select lower(name), count(*) from t group by lower(name)",
        "select id, name from t group by id",
        "select t.*, count(u.id) from t join u on u.t_id = t.id group by t.id",
        "select count(*) from t having max(id) > 1",
        "select max(id) + 1 from t",
        "select name from t group by name order by name",
        "select note, (select count(*) from t where t.id = u.t_id) from u group by note, t_id",
    ] {
        let got = error(sql);
        assert!(got.starts_with("no error"), "{sql}: {got}");
    }
    for (sql, column) in [
        ("select name, count(*) from t", "t.name"),
        ("select id, note from u group by id", "u.note"),
        ("select * from u group by id", "u.t_id"),
        ("select id from t having count(*) > 1", "t.id"),
        (
            "select note, count(*) from u group by lower(note)",
            "u.note",
        ),
        ("select name from t group by id + 1", "t.name"),
        (
            "select u.note from t join u on true group by t.id",
            "u.note",
        ),
        ("select count(*) from u order by note", "u.note"),
    ] {
        let expected = format!(
            "42803 column \"{column}\" must appear in the GROUP BY clause or be used in an aggregate function"
        );
        assert_eq!(error(sql), expected, "{sql}");
    }
}

#[test]
fn unsupported_is_0a000() {
    for sql in [
        "select * from (t natural full join u) j",
        "select count(unnest(array[1]))",
        "copy t to '/tmp/file'",
    ] {
        let got = error(sql);
        assert!(
            got.starts_with("0A000") || got.starts_with("42883"),
            "{sql}: {got}"
        );
    }
}

/// SQLite's column names ignore ASCII case: two that differ only in it are 0A000 naming both,
/// never SQLite's "duplicate column name" (XX000).
#[test]
fn column_names_differing_only_in_case() {
    for (sql, columns) in [
        (
            "create table c (expression text, \"Expression\" text)",
            "\"Expression\" beside \"expression\"",
        ),
        (
            "alter table t add column \"ID\" int",
            "\"ID\" beside \"id\"",
        ),
        (
            "alter table t rename column name to \"ID\"",
            "\"ID\" beside \"id\"",
        ),
    ] {
        let got = error(sql);
        assert_eq!(
            got,
            format!(
                "0A000 a column named {columns} (names differing only in letter case) is not \
                 supported by devdb"
            ),
            "{sql}"
        );
    }
}

#[test]
fn set_returning_calls_devdb_cannot_expand() {
    for (sql, message) in [
        (
            "select id from t where generate_series(1, 2) > 1",
            "set-returning functions outside the select list",
        ),
        (
            "select generate_series(1, 2), regexp_matches('ab', '[ab]', 'g')",
            "several set-returning functions over different sets in one select list",
        ),
        (
            "select regexp_matches('ab', '[ab]', 'g'), generate_series(1, 2)",
            "several set-returning functions over different sets in one select list",
        ),
        (
            "select count(*), generate_series(1, 2)",
            "set-returning functions in a grouped select list",
        ),
        (
            "select id, generate_series(1, 2) from t group by id",
            "set-returning functions in a grouped select list",
        ),
        (
            "select sum(generate_series(1, 2))",
            "set-returning functions inside aggregate calls",
        ),
        (
            "select case when id > 1 then generate_series(1, 2) end from t",
            "set-returning functions are not allowed in CASE",
        ),
        (
            "select coalesce(unnest(array[1]), 0)",
            "set-returning functions are not allowed in COALESCE",
        ),
        (
            "select generate_series(1, 3), row_number() over ()",
            "set-returning functions beside window functions",
        ),
    ] {
        let got = error(sql);
        assert!(
            got.starts_with("0A000") && got.contains(message),
            "{sql}: {got}"
        );
    }
}

#[test]
fn syntax_errors_have_positions() {
    let err = translate("select * fromm t", &catalog(), &[]).expect_err("syntax");
    assert_eq!(
        (
            err.code.to_string().as_str(),
            err.message.as_str(),
            err.position
        ),
        ("42601", "syntax error at or near \"t\"", Some(16))
    );
    let err = translate("select 1;\nselect (", &catalog(), &[]).expect_err("syntax");
    assert_eq!(
        (err.message.as_str(), err.position),
        ("syntax error at end of input", Some(19))
    );
    let err = translate("select 'abc", &catalog(), &[]).expect_err("syntax");
    assert_eq!(
        (err.message.as_str(), err.position),
        ("unterminated quoted string", Some(8))
    );
    let err = translate("checkpoint now", &catalog(), &[]).expect_err("syntax");
    assert_eq!(err.position, Some(12));
}
