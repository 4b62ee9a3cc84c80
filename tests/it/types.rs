//! Values of PostgreSQL's types exactly as PostgreSQL gives them, compared against PostgreSQL 15
//! statement by statement (`harness::compare`), in simple and extended protocol.

use crate::harness::{compare, compare_error_hints, compare_extended, compare_parameter_types};

/// Runs `statements` over both protocols.
async fn compare_both(statements: &[&str]) {
    compare(statements).await;
    compare_extended(statements).await;
}

/// Statements that fail: simple protocol only, since PostgreSQL folds constants and so fails
/// them at Bind, where devdb fails them at Execute.
async fn compare_errors(statements: &[&str]) {
    compare(statements).await;
}

#[tokio::test]
async fn numeric_arithmetic_keeps_postgres_scales() {
    compare_both(&[
        "select 1.10 + 2.205, 1.10 - 1.1, 1.10 * 2.5, 1.0 / 3, 3 / 2.0, 10 % 3.5, -1.50",
        "select 2::numeric / 3, 1 / 0.0003, 10000 / 3.0, 123456789.123 / 0.7, 1 / 7::numeric(10,4)",
        "select 99999999999999999999 * 99999999999999999999, 9223372036854775807::numeric + 1",
        "select 1.5 + 1::int2, 2::int8 * 0.5, 1.5 + 1.5::float8, 2.5 > 2.4::float4",
    ])
    .await;
    compare_errors(&["select 7.5 % 0", "select 1.0 / 0"]).await;
}

#[tokio::test]
async fn numeric_functions_round_half_away_from_zero() {
    compare_both(&[
        "select round(2.5), round(-2.5), round(1.2345, 2), round(1.5, 3), round(1250, -2), round(5)",
        "select trunc(-2.57, 1), trunc(2.9), ceil(1.2), ceiling(-1.2), floor(-1.2), floor(1.99)",
        "select abs(-1.50), sign(-2.5), sign(0.0), sqrt(2::numeric), sqrt(16.0), sqrt(1e-10::numeric)",
        "select mod(7.5, 2), mod(-7, 2.5), mod(7, 2), mod(7.0, 2::int8)",
        "select greatest(9.5, 10, null, 1.25), least(9.5, 10.00, 1.250), nullif(1.5, 1.50), nullif(2.0, 1)",
    ])
    .await;
    compare_errors(&["select sqrt(-1::numeric)"]).await;
}

#[tokio::test]
async fn numeric_specials_like_postgres() {
    compare_both(&[
        "select 'NaN'::numeric, 'Infinity'::numeric + 1, '-inf'::numeric, ' nan '::numeric",
        "select 'NaN'::numeric = 'NaN'::numeric, 'NaN'::numeric > 'Infinity'::numeric, \
         'Infinity'::numeric - 'Infinity'::numeric, 5 / 'Infinity'::numeric",
    ])
    .await;
    compare_errors(&[
        "select 'abc'::numeric",
        "select '1e'::numeric",
        "select 'NaN'::numeric::int",
        "select 'Infinity'::numeric::int8",
    ])
    .await;
}

#[tokio::test]
async fn numeric_casts_round_and_fail_like_postgres() {
    compare_both(&[
        "select 2.5::int, (-2.5)::int, 2.5::float8::int, 1.5::numeric::float8, 0.1::float8::numeric",
        "select 1e20::float8::numeric, (1.0/3)::float8::numeric, 1.1::float4::numeric, 42::numeric",
        "select 12.345::numeric(5,2), 1.5::numeric(3,0), 0.5::numeric(2,2), '1.50'::numeric::text",
        "select 1.50 || 'x', 'x' || 0.0",
        "select 0.0012345::numeric(3,5), 1.5::numeric(3,0)",
    ])
    .await;
    compare_errors(&[
        "select 999.995::numeric(5,2)",
        "select 0.012345::numeric(3,5)",
        "select 1::numeric(3,1001)",
        "select 3e9::numeric::int",
        "select 40000.4::int2",
        "select 1e400::numeric::float8",
        "select 'Infinity'::numeric(10,2)",
    ])
    .await;
}

#[tokio::test]
async fn numeric_columns_keep_declared_scale() {
    compare_both(&[
        "create table money (id int primary key, amount numeric(12,2), n numeric, q decimal(5))",
        "insert into money values (1, 1.5, 1.50, 1.5), (2, 0.105, 2, 2.4), (3, -3, 1e3, -0.5)",
        "select id, amount, n, q from money order by id",
        "insert into money values (4, 1234567890.5, 0, 0) returning amount",
        "update money set amount = amount * 3 where id = 1 returning amount",
        "update money set n = n / 3 where id = 3 returning n",
        "select sum(amount), avg(amount), min(amount), max(n), sum(q) from money",
        "select amount + n, amount * n from money order by id",
    ])
    .await;
    compare_errors(&[
        "create table money (amount numeric(12,2))",
        "insert into money values (12345678901.5)",
        "insert into money values (99999999999.995)",
    ])
    .await;
}

#[tokio::test]
async fn numeric_money_sums_never_drift() {
    compare_both(&[
        "create table cents (v numeric(12,2))",
        "insert into cents select 0.10 from generate_series(1, 1000)",
        "select sum(v), sum(v) = 100, avg(v), count(*) from cents",
        "select sum(v * 3) / 3, sum(v) - 99.9 from cents",
    ])
    .await;
}

#[tokio::test]
async fn numeric_compares_sorts_and_is_unique_by_value() {
    compare_both(&[
        "create table nums (n numeric unique)",
        "insert into nums values (10), (9.5), (-1), (100.25), ('NaN'), (0.001), ('-Infinity')",
        "select n from nums order by n",
        "select n from nums order by n desc",
        "select n from nums where n > 9 order by 1",
        "select n from nums where n = 9.500",
        "select n from nums where n in (10.0, -1.00) order by n",
        "select n from nums where n between 0 and 10 order by n",
        "select n * 2 as d from nums order by d",
        "select count(distinct n), min(n), max(n) from nums",
        "select n from nums where n > 5::int4 and n < 50::float8 order by n",
    ])
    .await;
    compare_errors(&[
        "create table nums (n numeric unique)",
        "insert into nums values (9.5)",
        "insert into nums values (9.50)",
    ])
    .await;
}

#[tokio::test]
async fn sums_and_averages_of_integers_are_numeric() {
    compare_both(&[
        "create table ints (i int4, b int8, s int2)",
        "insert into ints values (1, 9223372036854775807, 1), (2, 9223372036854775807, 2), (null, null, null)",
        "select avg(i), sum(b), avg(b), sum(i), avg(s), sum(s) from ints",
        "select avg(i) from ints where i > 5",
        "select avg(i) * 2, sum(b) / 2 from ints",
    ])
    .await;
}

#[tokio::test]
async fn timestamptz_reads_and_prints_in_the_session_time_zone() {
    compare_both(&[
        "create table events (id int primary key, at timestamptz)",
        "insert into events values (1, '2024-07-01 10:00+00'), (2, '2024-01-15 23:30:00.25Z'), \
         (3, 'infinity')",
        "set timezone = 'europe/paris'",
        "show timezone",
        "select id, at from events order by id",
        "select at::date, at::timestamp, at::time from events where id < 3 order by id",
        "select '2024-03-31 02:30'::timestamptz, '2024-10-27 02:30'::timestamptz, \
         '2024-07-01 10:00 America/New_York'::timestamptz, '2024-07-01 10:00-03:30'::timestamptz",
        "insert into events values (4, '2024-07-01 12:00')",
        "select at, at = '2024-07-01 10:00+00' from events where id = 4",
        "set time zone 'Asia/Kolkata'",
        "select at from events where id = 4",
        "select '1900-01-01 00:00'::timestamptz, '2024-07-01 10:00'::timestamp::timestamptz",
        "set time zone 'America/St_Johns'",
        "select at, at at time zone 'Asia/Tokyo', at at time zone 'utc' from events where id = 1",
        "select '2024-07-01 10:00'::timestamp at time zone 'Asia/Tokyo', \
         '2024-07-01 10:00+00'::timestamptz at time zone '+05', '2024-07-01'::date::timestamptz",
        "select to_json(at), at::text from events where id = 1",
        "select count(*) from events where at < '2024-07-01 08:00'",
        "set time zone 5",
        "show timezone",
        "select at from events where id = 1",
        "set time zone '+05:30'",
        "show timezone",
        "select at from events where id = 1",
        "begin",
        "set local timezone = 'Asia/Tokyo'",
        "select at from events where id = 1",
        "commit",
        "select at from events where id = 1",
        "set time zone local",
        "select at from events where id = 1",
    ])
    .await;
    compare_errors(&[
        "set timezone = 'Asia/Tokyo'",
        "set timezone = 'Foo/Bar'",
        "select '2024-07-01 10:00+00'::timestamptz",
    ])
    .await;
}

#[tokio::test]
async fn float_and_bytea_input_like_postgres() {
    compare_both(&[
        "select '1e-7'::float8, 'inf'::float8, '  1.5  '::float8, 3.14159265358979::float4, \
         '1e38'::float4, 123456789012345678::float8",
        "select '\\x01 ff'::bytea, 'abc\\000'::bytea, '\\x'::bytea",
    ])
    .await;
    compare_errors(&[
        "select '1e400'::float8",
        "select '1e-400'::float8",
        "select '1e40'::float4",
        "select 'abc'::float8",
        "select '\\x01zz'::bytea",
        "select '\\x012'::bytea",
    ])
    .await;
}

/// The types devdb describes for scalar `$n` from their context (a column compared or
/// assigned, a cast, a function argument, LIMIT, arithmetic), as PostgreSQL infers them.
#[tokio::test]
async fn scalar_parameter_types_are_inferred_like_postgres() {
    let setup = "create table pt (id int8 primary key, email text, n numeric(12,2), r real, \
                 at timestamptz, day date, flag bool, doc jsonb, u uuid, b bytea, name varchar(20), \
                 span interval, small int2)";
    let statements = [
        "select id from pt where email = $1",
        "select id from pt where id = $1 and n > $2 and r < $3 and at >= $4 and day <> $5",
        "select id from pt where flag = $1 or u = $2 or b = $3 or name = $4 or small = $5",
        "insert into pt (id, email, n, r, at, day, flag, doc, u, b, name, span, small) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        "update pt set email = $1, n = n + $2 where id = $3 returning id",
        "delete from pt where at < now() - $1::interval",
        "select $1::int4, $2::text, $3::numeric, $4::timestamptz, $5::bool, $6::float8",
        "select lower($1), length($2), coalesce(email, $3) from pt",
        "select id from pt order by id limit $1 offset $2",
        "select id + $1, n * $2, at + $3 from pt",
        "select at - $1, $2 + at, span * $3, $4 * span, day - $5, span + $6 from pt",
        "select id from pt where email like $1 and doc @> $2 and doc ->> $3 = $4",
        "select id from pt where id in ($1, $2, $3)",
        "select id from pt where id between $1 and $2",
        "select greatest(n, $1), nullif(email, $2) from pt",
        "insert into pt (id, email) values ($1, $2) on conflict (id) do update set email = $3",
        "select count(*) filter (where small > $1) from pt",
        "select case when id = $1 then $2 else email end from pt",
        "insert into pt select $1, $2, $3",
        "insert into pt select $1, $2 from pt where day = $3",
        "select $1 union all select 2",
        "select 1 union select $1",
        "select 1 union select 2 union select $1",
        "select $1, 'x' union all select n, email from pt",
        "select $1 intersect select id from pt except select small from pt",
        "select * from (select $1 as a union all select 2.5) s",
        "select $1 union select $2",
    ];
    compare_parameter_types(setup, &statements).await;
}

#[tokio::test]
async fn month_or_day_out_of_range_hints_at_datestyle_like_postgres() {
    compare_error_hints(
        "",
        &[
            "select '2020-13-45'::date",
            "select '2020-13-01'::date",
            "select '2020-00-10'::date",
            "select '2020-1-0'::date",
            "select '2020-01-32'::timestamp",
            "select '2020-13-01 10:00'::timestamptz",
            "select '13/45/2020'::date",
            // A day past the month's end and an hour out of range have no hint.
            "select '2020-02-30'::date",
            "select '2021-04-31 10:00'::timestamp",
            "select '25:00'::time",
            "select '2020-01-01 25:00'::timestamp",
        ],
    )
    .await;
}
