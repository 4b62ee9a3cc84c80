//! Result column names and types, and parameter types, as PostgreSQL 15 reports them.

use devdb_pg::PgType;

use super::{columns, params, translate_typed};

#[test]
fn column_names_and_types() {
    assert_eq!(
        columns("select 1, 2147483648, 99999999999999999999, 1.5, 'a', true, null"),
        "?column? int4, ?column? int8, ?column? numeric, ?column? numeric, ?column? text, ?column? bool, ?column? text"
    );
    assert_eq!(
        columns("select id, name, price, t.ts from t"),
        "id int4, name varchar, price numeric, ts timestamptz"
    );
    assert_eq!(
        columns(
            "select count(*), count(name), sum(small), sum(id), sum(big), sum(ratio), avg(id), avg(ratio), min(name), max(ts) from t"
        ),
        "count int8, count int8, sum int8, sum int8, sum numeric, sum float8, avg numeric, avg float8, min varchar, max timestamptz"
    );
    assert_eq!(
        columns("select id + 1, big * 2, small + small, id / 2.0, ratio - id, -small from t"),
        "?column? int4, ?column? int8, ?column? int2, ?column? numeric, ?column? float8, ?column? int2"
    );
    assert_eq!(
        columns(
            "select id = 1, name like 'a%', id in (1, 2), exists (select 1), not flag, name || 'x' from t"
        ),
        "?column? bool, ?column? bool, ?column? bool, exists bool, ?column? bool, ?column? text"
    );
    assert_eq!(
        columns(
            "select case when flag then 1 else 2.5 end, coalesce(small, big), nullif(name, 'x'), greatest(id, 2) from t"
        ),
        "case numeric, coalesce int8, nullif varchar, greatest int4"
    );
    assert_eq!(
        columns("select id::text, '1'::int8, cast(1 as numeric(5,2)), 'x'::varchar(3) as v from t"),
        "id text, int8 int8, numeric numeric, v varchar"
    );
    assert_eq!(
        columns(
            "select now(), current_timestamp, current_date, version(), current_user, current_database()"
        ),
        "now timestamptz, current_timestamp timestamptz, current_date date, version text, current_user name, current_database name"
    );
    assert_eq!(
        columns("select (select max(big) from t), (select name from t limit 1)"),
        "max int8, name varchar"
    );
    assert_eq!(
        columns("select * from generate_series(1, 3)"),
        "generate_series int4"
    );
    assert_eq!(
        columns("select bid from generate_series(1::int8, 10) as bid"),
        "bid int8"
    );
    assert_eq!(columns("select * from u"), "id int4, t_id int4, note text");
    assert_eq!(
        columns("values (1, 'a'), (2, null)"),
        "column1 int4, column2 text"
    );
    assert_eq!(columns("select 1 as a union select 2.5"), "a numeric");
    assert_eq!(
        columns("insert into u (id) values (1) returning *, id + 1 as next"),
        "id int4, t_id int4, note text, next int4"
    );
    assert_eq!(
        columns("select nextval('t_id_seq'), pg_sleep(0)"),
        "nextval int8, pg_sleep void"
    );
    assert_eq!(
        columns("select true::int, 'x'::text::int8, id::int8 from t"),
        "int4 int4, int8 int8, id int8"
    );
}

#[test]
fn typmods_are_kept() {
    let t = translate_typed("select name, price, 'ab'::char(5) from t", &[]);
    let typmods: Vec<i32> = t.columns.iter().map(|c| c.typmod).collect();
    assert_eq!(typmods, vec![14, ((10 << 16) | 2) + 4, 9]);
}

#[test]
fn parameter_types_are_inferred() {
    assert_eq!(
        params("select * from t where id = $1 and name = $2"),
        // varchar compares as text in PostgreSQL.
        "int4, text"
    );
    assert_eq!(params("select $1::int8, $2"), "int8, text");
    assert_eq!(
        params("update t set big = big + $1, ts = $2 where day = $3"),
        "int8, timestamptz, date"
    );
    assert_eq!(
        params("insert into t (name, flag, price) values ($1, $2, $3)"),
        "varchar, bool, numeric"
    );
    assert_eq!(params("select id from u limit $1 offset $2"), "int8, int8");
    assert_eq!(params("select pg_sleep($1)"), "float8");
    assert_eq!(
        params("select * from t where $1 = id and $3 > 2"),
        "int4, text, int4"
    );
    assert_eq!(params("select * from generate_series(1, $1)"), "int4");
}

#[test]
fn operator_resolution_types_parameters_as_postgres() {
    // PostgreSQL 15's parameter_types for the same PREPAREs.
    assert_eq!(params("select now() - $1"), "timestamptz");
    assert_eq!(params("select now() + $1"), "interval");
    assert_eq!(params("select interval '1 day' / $1"), "float8");
    assert_eq!(params("select time '01:00' * $1"), "float8");
    assert_eq!(params("select $1 * interval '1 day'"), "float8");
    assert_eq!(params("select current_date - $1"), "date");
    assert_eq!(
        params("select * from generate_series(1.5, 3, $1)"),
        "numeric"
    );
    assert_eq!(params("select * from generate_series(1, 3, $1)"), "int4");
    assert_eq!(
        params("select * from generate_series(1, $1, 0.5)"),
        "numeric"
    );
}

#[test]
fn client_parameter_types_win() {
    let t = translate_typed("select * from t where id = $1", &[Some(PgType::Int8)]);
    assert_eq!(t.params, vec![PgType::Int8]);
    let t = translate_typed("select 1", &[Some(PgType::Text), None]);
    assert_eq!(t.params, vec![PgType::Text, PgType::Text]);
}

#[test]
fn writes_and_catalog_flags() {
    let flags = |sql: &str| {
        let t = translate_typed(sql, &[]);
        (t.writes, t.changes_catalog)
    };
    assert_eq!(flags("select 1"), (false, false));
    assert_eq!(flags("select nextval('t_id_seq')"), (true, false));
    assert_eq!(flags("select * from t for update"), (true, false));
    assert_eq!(flags("delete from u"), (true, false));
    assert_eq!(flags("drop table u"), (true, true));
    assert_eq!(flags("truncate u"), (true, false));
}

#[test]
fn json_result_types() {
    assert_eq!(
        columns(
            "select json_build_object('a', 1), jsonb_build_object('a', 1), to_jsonb(1), json_agg(id), \
             jsonb_agg(name), '{\"a\": 1}'::jsonb -> 'a', '{\"a\": 1}'::jsonb ->> 'a', '{\"a\": 1}'::json -> 'a', \
             '{\"a\": 1}'::jsonb @> '{}', jsonb_array_length('[]') from t"
        ),
        "json_build_object json, jsonb_build_object jsonb, to_jsonb jsonb, json_agg json, jsonb_agg jsonb, ?column? jsonb, ?column? text, ?column? json, ?column? bool, jsonb_array_length int4"
    );
}
