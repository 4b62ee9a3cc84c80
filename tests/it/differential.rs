//! devdb against PostgreSQL 15, statement by statement (see `harness::compare`).
//! One test per SEMANTICS.md trap, named after it; each runs on a fresh devdb and a fresh
//! oracle database.

use crate::harness::compare::{Mode, transcript};
use crate::harness::{Postgres, compare, compare_extended};

/// The transcript format itself, pinned on PostgreSQL so a harness change shows up here.
#[tokio::test]
async fn compare_transcript_format_on_postgres() {
    let Some(pg) = Postgres::start() else { return };
    let mut conn = pg.raw().await;
    let statements = [
        "create table format_t (a int, b text)",
        "insert into format_t values (1, 'x'), (2, null)",
        "select a, b from format_t order by a",
        "select nope from format_t",
    ];
    let simple = transcript(&mut conn, Mode::Simple, &statements).await;
    assert_eq!(
        simple,
        [
            "CommandComplete CREATE TABLE\nReadyForQuery I",
            "CommandComplete INSERT 0 2\nReadyForQuery I",
            "RowDescription[a:int4,b:text]\nDataRow[1,\"x\"]\nDataRow[2,NULL]\n\
             CommandComplete SELECT 2\nReadyForQuery I",
            "Error 42703\nReadyForQuery I",
        ]
    );
    let extended = transcript(&mut conn, Mode::Extended, &statements[2..]).await;
    assert_eq!(
        extended,
        [
            "ParseComplete\nBindComplete\nRowDescription[a:int4,b:text]\nDataRow[1,\"x\"]\n\
             DataRow[2,NULL]\nCommandComplete SELECT 2\nReadyForQuery I",
            "Error 42703\nReadyForQuery I",
        ]
    );
}

#[tokio::test]
async fn division_by_zero_is_an_error_like_postgres() {
    compare(&["select 1/0", "select 1 % 0", "select 1.0 / 0"]).await;
}

#[tokio::test]
async fn integer_overflow_is_an_error_like_postgres() {
    compare(&[
        "select 2147483647 + 1",
        "select 2147483647::int4 + 1",
        "select 9223372036854775807 + 1",
    ])
    .await;
}

#[tokio::test]
async fn booleans_print_as_t_and_f_like_postgres() {
    compare(&["select true, false, 1 = 1, null::bool"]).await;
}

#[tokio::test]
async fn aggregates_have_postgres_result_types() {
    compare(&[
        "create table agg (i int4, b int8)",
        "insert into agg values (1, 10), (2, 20)",
        "select count(*), sum(i), sum(b) from agg",
        "select avg(i)::float8, avg(b)::float8 from agg",
    ])
    .await;
}

#[tokio::test]
async fn avg_of_integers_prints_numeric_scale_like_postgres() {
    compare(&[
        "create table agg (i int4)",
        "insert into agg values (1), (2)",
        "select avg(i) from agg",
    ])
    .await;
}

#[tokio::test]
async fn nulls_sort_last_ascending_like_postgres() {
    compare(&[
        "create table nulls_order (x int)",
        "insert into nulls_order values (2), (null), (1)",
        "select x from nulls_order order by x",
        "select x from nulls_order order by x desc",
    ])
    .await;
}

#[tokio::test]
async fn like_is_case_sensitive_like_postgres() {
    compare(&["select 'ABC' like 'abc', 'ABC' ilike 'abc', 'a_c' like 'a\\_c'"]).await;
}

#[tokio::test]
async fn error_in_transaction_aborts_it_like_postgres() {
    compare(&[
        "create table tx_abort (x int primary key)",
        "begin",
        "insert into tx_abort values (1)",
        "insert into tx_abort values (1)",
        "select * from tx_abort",
        "rollback",
        "select count(*) from tx_abort",
    ])
    .await;
}

#[tokio::test]
async fn serial_ids_are_never_reused_like_postgres() {
    compare(&[
        "create table serial_ids (id serial primary key, v text)",
        "insert into serial_ids (v) values ('a'), ('b')",
        "delete from serial_ids where v = 'b'",
        "insert into serial_ids (v) values ('c') returning id",
        "select id, v from serial_ids order by id",
    ])
    .await;
}

#[tokio::test]
async fn missing_double_quoted_column_is_an_error_like_postgres() {
    compare(&[
        "create table dq (a int)",
        "insert into dq values (1)",
        "select \"missing_col\" from dq",
    ])
    .await;
}

#[tokio::test]
async fn extended_protocol_results_match_postgres() {
    compare_extended(&[
        "create table ext_t (a int, b text)",
        "insert into ext_t values (1, 'x'), (2, null)",
        "select a, b from ext_t order by a",
        // A division by zero found while executing (PostgreSQL folds `1/0` at Bind already,
        // see docs/compat.md).
        "select a / 0 from ext_t",
    ])
    .await;
}

/// A failed transaction accepts COMMIT, ROLLBACK and ROLLBACK TO through Parse/Bind/Execute
/// too (drivers send them that way), and nothing else.
#[tokio::test]
async fn failed_transaction_ends_through_extended_protocol_like_postgres() {
    compare_extended(&[
        "create table fails (z int)",
        "insert into fails values (0)",
        "begin",
        "select 1/z from fails",
        "select 1",
        "rollback",
        "select 1",
        "begin",
        "savepoint s",
        "select 1/z from fails",
        "rollback to savepoint s",
        "select 2",
        "commit",
        "begin",
        "select 1/z from fails",
        "commit",
    ])
    .await;
}

/// Constraint errors carry what drivers read besides the SQLSTATE: PostgreSQL's message naming
/// the constraint, and the table, column and constraint fields.
#[tokio::test]
async fn constraint_errors_name_the_constraint_like_postgres() {
    async fn errors(client: &tokio_postgres::Client) -> Vec<String> {
        client
            .batch_execute(
                "create table users (id int primary key, email text unique, \
                   handle text not null, age int check (age >= 0), org int, team int, \
                   constraint users_org_team unique (org, team)); \
                 create unique index users_lower_handle on users (handle, org); \
                 insert into users values (1, 'a@x.io', 'a', 30, 1, 1), (9, 'c@x.io', 'c', 9, 9, 9)",
            )
            .await
            .expect("setup");
        let mut out = Vec::new();
        for sql in [
            "insert into users values (1, 'b@x.io', 'b', 1, 2, 2)",
            "insert into users values (2, 'a@x.io', 'b', 1, 2, 2)",
            "insert into users values (2, 'b@x.io', 'b', 1, 1, 1)",
            "insert into users values (2, 'b@x.io', 'a', 1, 1, 3)",
            "insert into users values (2, 'b@x.io', null, 1, 2, 2)",
            "insert into users values (2, 'b@x.io', 'b', -1, 2, 2)",
            "update users set email = 'a@x.io' where id = 9",
        ] {
            let err = client.execute(sql, &[]).await.expect_err(sql);
            let db = err.as_db_error().expect("a server error");
            out.push(format!(
                "{sql}: {} {} table={:?} column={:?} constraint={:?}",
                db.code().code(),
                db.message(),
                db.table(),
                db.column(),
                db.constraint()
            ));
        }
        out
    }
    let Some(pg) = Postgres::start() else { return };
    let db = crate::harness::DevDb::start(&[]);
    let on_devdb = errors(&db.connect().await).await;
    let database = pg.fresh_database("constraints").await;
    let on_postgres = errors(&pg.connect_to(&database).await).await;
    assert_eq!(on_devdb, on_postgres);
}

/// A scalar subquery with several rows is 21000 in PostgreSQL; SQLite would take the first.
/// (Compared by outcome: PostgreSQL sends RowDescription before a run-time error, devdb not.)
#[tokio::test]
async fn scalar_subquery_with_several_rows_fails_like_postgres() {
    async fn outcomes(client: &tokio_postgres::Client) -> Vec<String> {
        client
            .batch_execute(
                "create table sub_t (id int, grp int); \
                 insert into sub_t values (1, 1), (2, 1), (3, 2)",
            )
            .await
            .expect("setup");
        let mut out = Vec::new();
        for sql in [
            "select (select id from sub_t where grp = 2)",
            "select (select id from sub_t where grp = 1)",
            "select (select id from sub_t where grp = 3)",
            "select (select id from sub_t order by id limit 1)",
            "select (select count(*) from sub_t), (select max(id) from sub_t where grp = 1)",
            "select t.id, (select s.id from sub_t s where s.id = t.id + 1) from sub_t t order by 1",
            "select id from sub_t t where id = (select min(id) from sub_t s where s.grp = t.grp) order by id",
            "select id from sub_t t where grp = (select grp from sub_t s where s.id > t.id) order by id",
        ] {
            out.push(match client.simple_query(sql).await {
                Ok(messages) => {
                    let rows: Vec<String> = messages
                        .iter()
                        .filter_map(|m| match m {
                            tokio_postgres::SimpleQueryMessage::Row(r) => Some(
                                (0..r.len())
                                    .map(|i| r.get(i).unwrap_or("NULL").to_owned())
                                    .collect::<Vec<_>>()
                                    .join("|"),
                            ),
                            _ => None,
                        })
                        .collect();
                    format!("{sql}: {rows:?}")
                }
                Err(e) => format!("{sql}: {:?}", e.code().map(|c| c.code())),
            });
        }
        out
    }
    let Some(pg) = Postgres::start() else { return };
    let db = crate::harness::DevDb::start(&[]);
    let on_devdb = outcomes(&db.connect().await).await;
    let database = pg.fresh_database("scalar").await;
    let on_postgres = outcomes(&pg.connect_to(&database).await).await;
    assert!(
        on_postgres[1].ends_with("Some(\"21000\")"),
        "{on_postgres:?}"
    );
    assert_eq!(on_devdb, on_postgres);
}

/// Errors PostgreSQL places in the query (ErrorResponse's position: psql's `LINE 1:` and
/// caret, node-postgres' `err.position`) point at the same character in devdb, over the simple
/// protocol and at Parse; a name written twice gets no position in devdb (it cannot tell
/// which one the error is about), so these write each once.
#[tokio::test]
async fn analysis_errors_point_where_postgres_points() {
    use crate::harness::DevDb;
    let Some(pg) = Postgres::start() else { return };
    let database = pg.fresh_database("positions").await;
    let oracle = pg.connect_to(&database).await;
    let devdb = DevDb::start(&[]);
    let client = devdb.connect().await;
    let setup = "create table placed (id int primary key, v text)";
    let statements = [
        "select nosuch from placed",
        "select id,\n  \"NoSuch\" from placed",
        "select p.missing from placed p",
        "select 1 from placed join nowhere on true",
        "select id from public.nowhere",
        "select no_such_function(1)",
        "select 'abc'::int",
        "select id from placed where id = 'x'",
        "insert into placed (id, v) values ('seven', 'x')",
        "select '2024-13-45'::date",
        "select 1::nosuchtype",
        "select id from placed group by v",
        "select id, count(*) from placed p",
        "select 1 / 0",
    ];
    let position = |e: tokio_postgres::Error| {
        let db = e.as_db_error().expect("a server error");
        (db.code().code().to_owned(), db.position().cloned())
    };
    let mut answers = Vec::new();
    for c in [&oracle, &client] {
        c.batch_execute(setup).await.expect("setup");
        let mut got = Vec::new();
        for sql in statements {
            let simple = c.batch_execute(sql).await.expect_err(sql);
            // PostgreSQL divides by zero when it runs the statement, not at Parse.
            let parsed = c.prepare(sql).await.err().map(position);
            got.push((sql, position(simple), parsed));
        }
        answers.push(got);
    }
    assert_eq!(
        answers[1], answers[0],
        "devdb (left) differs from PostgreSQL 15"
    );
}
