//! PostgreSQL's own clients against devdb: psql and pgbench.
//!
//! Each helper is also run against the PostgreSQL oracle (`*_on_postgres`), which checks the
//! helper and its expectations; missing programs are skipped loudly (a failure under `CI`).

use std::path::Path;

use crate::harness::postgres::pg_tool;
use crate::harness::tools::{pgbench_init, pgbench_run, psql};
use crate::harness::{DevDb, Postgres};

/// psql's one-shot command and a script file, in unaligned tuples-only output.
async fn psql_session(psql_bin: &Path, url: &str) {
    let run = psql(
        psql_bin,
        url,
        &["-At", "-c", "select 1 as one, 'psql' as who"],
    )
    .await;
    run.assert_success("psql -c");
    assert_eq!(run.stdout, "1|psql\n");

    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("script.sql");
    std::fs::write(
        &script,
        "create table psql_script (id int primary key, name text);\n\
         insert into psql_script values (1, 'one'), (2, 'two');\n\
         update psql_script set name = 'TWO' where id = 2;\n\
         select id, name from psql_script order by id;\n\
         drop table psql_script;\n",
    )
    .expect("writing the script");
    let script = script.to_string_lossy().into_owned();
    let run = psql(psql_bin, url, &["-At", "-f", &script]).await;
    run.assert_success("psql -f");
    assert_eq!(
        run.stdout,
        "CREATE TABLE\nINSERT 0 2\nUPDATE 1\n1|one\n2|TWO\nDROP TABLE\n"
    );

    // ON_ERROR_STOP makes a failing statement fail psql, with the SQLSTATE's message shown.
    let run = psql(psql_bin, url, &["-c", "select * from no_such_table"]).await;
    assert!(!run.success, "psql should fail: {run:?}");
    assert!(run.stderr.contains("no_such_table"), "{run:?}");
}

#[tokio::test]
async fn psql_command_and_script() {
    let Some(bin) = pg_tool("psql") else { return };
    let db = DevDb::start(&[]);
    psql_session(&bin, &db.url_with_password()).await;
}

#[tokio::test]
async fn psql_command_and_script_on_postgres() {
    let Some(bin) = pg_tool("psql") else { return };
    let Some(pg) = Postgres::start() else { return };
    let database = pg.fresh_database("psql").await;
    psql_session(&bin, &pg.url_for(&database)).await;
}

/// `pgbench -i`, then one bounded run; asserts no failed transactions and some processed.
async fn pgbench_session(url: &str, mode: &str, select_only: bool, seconds: u32) {
    let Some(bin) = pg_tool("pgbench") else {
        return;
    };
    pgbench_init(&bin, url).await.assert_success("pgbench -i");
    let (report, run) = pgbench_run(&bin, url, mode, select_only, seconds).await;
    assert_eq!(report.failed, 0, "failed transactions:\n{}", run.stdout);
    assert!(report.processed > 0, "no transactions:\n{}", run.stdout);
}

/// One pgbench run per protocol mode, each on its own devdb.
macro_rules! pgbench_tests {
    ($($name:ident: $mode:literal, $select_only:literal;)*) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let db = DevDb::start(&[]);
            pgbench_session(&db.url_with_password(), $mode, $select_only, 3).await;
        }
    )*};
}

pgbench_tests! {
    pgbench_select_only_simple: "simple", true;
    pgbench_select_only_extended: "extended", true;
    pgbench_select_only_prepared: "prepared", true;
    pgbench_tpcb_like_simple: "simple", false;
    pgbench_tpcb_like_extended: "extended", false;
    pgbench_tpcb_like_prepared: "prepared", false;
}

#[tokio::test]
async fn pgbench_tpcb_like_on_postgres() {
    let Some(pg) = Postgres::start() else { return };
    let database = pg.fresh_database("pgbench").await;
    pgbench_session(&pg.url_for(&database), "prepared", false, 1).await;
}
