//! EXPLAIN: devdb prints SQLite's plan in PostgreSQL's text shape (and JSON format). The plans of the two
//! engines differ below the top, so this compares what they share: the result's shape and
//! command tag, the top nodes of plans both engines make the same way, and the errors.

use crate::harness::compare::{Mode, transcript};
use crate::harness::{DevDb, Postgres, RawConn};

const SETUP: &[&str] = &[
    "create table accounts (id int primary key, email text, org int)",
    "create index accounts_org on accounts (org)",
];

/// Statements whose first plan lines both servers print alike (COSTS OFF: devdb prints no
/// costs), and how many lines to compare.
const SHARED_TOPS: &[(&str, usize)] = &[
    (
        "explain (costs off) select * from accounts where email = 'x'",
        1,
    ),
    ("explain (costs off) select * from accounts where id = 1", 1),
    (
        "explain (costs off) update accounts set email = 'y' where id = 2",
        2,
    ),
    (
        "explain (costs off) delete from accounts where email = 'z'",
        2,
    ),
    ("explain (costs off, verbose false, buffers) select 1", 1),
    // FORMAT JSON: one json row, the whole document alike where devdb knows every field.
    ("explain (costs off, format json) select * from accounts", 1),
    (
        "explain (format json, costs off) insert into accounts values (1, 'a', 2)",
        1,
    ),
    ("explain (costs off, format 'json') select 1", 1),
];

/// Statements both servers refuse with the same SQLSTATE.
const ERRORS: &[&str] = &[
    "explain (foo) select 1",
    "explain (timing) select 1",
    "explain (wal true) select 1",
    "explain (format foo) select 1",
    "explain select * from missing",
];

/// The transcript of one statement without its plan rows past the first `keep`; of a failed
/// one only the error (PostgreSQL checks EXPLAIN's options when it runs, devdb at Parse).
fn shape(transcript: &str, keep: usize) -> Vec<String> {
    let mut kept = 0;
    let failed = transcript.contains("Error ");
    transcript
        .lines()
        .filter(|line| !failed || line.starts_with("Error "))
        .filter(|line| {
            if !line.starts_with("DataRow") {
                return true;
            }
            kept += 1;
            kept <= keep
        })
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn explain_has_postgresql_shape_tops_and_errors() {
    let Some(pg) = Postgres::start() else { return };
    let database = pg.fresh_database("explain").await;
    let mut oracle = RawConn::startup(pg.host(), pg.port(), "postgres", &database, None).await;
    let devdb = DevDb::start(&[]);
    let mut ours = devdb.raw().await;
    for conn in [&mut oracle, &mut ours] {
        transcript(conn, Mode::Simple, SETUP).await;
    }
    let statements: Vec<&str> = SHARED_TOPS
        .iter()
        .map(|(sql, _)| *sql)
        .chain(ERRORS.iter().copied())
        .collect();
    let keep: Vec<usize> = SHARED_TOPS
        .iter()
        .map(|(_, n)| *n)
        .chain(ERRORS.iter().map(|_| usize::MAX))
        .collect();
    for mode in [Mode::Simple, Mode::Extended] {
        let expected = transcript(&mut oracle, mode, &statements).await;
        let actual = transcript(&mut ours, mode, &statements).await;
        assert_eq!(expected.len(), actual.len(), "{mode:?}");
        for (i, statement) in statements.iter().enumerate() {
            assert_eq!(
                shape(&expected[i], keep[i]),
                shape(&actual[i], keep[i]),
                "{mode:?}: {statement}"
            );
        }
    }
    // Over the extended protocol with a parameter, as drivers send it; the index keeps its name.
    let client = devdb.connect().await;
    let rows = client
        .query("explain select * from accounts where org = $1", &[&7i32])
        .await
        .expect("explain with a parameter");
    let plan: Vec<String> = rows.iter().map(|r| r.get("QUERY PLAN")).collect();
    assert_eq!(
        plan.first().map(String::as_str),
        Some("Index Scan using accounts_org on accounts")
    );
}
