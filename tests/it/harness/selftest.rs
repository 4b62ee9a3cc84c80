//! The harness's own tests: `DevDb` driven with stand-in servers (`sh -c`), since the real
//! one may not build yet; the stand-in that succeeds points at the PostgreSQL oracle.

use std::os::unix::process::ExitStatusExt as _;
use std::process::Command;
use std::time::{Duration, Instant};

use super::{DevDb, Postgres};

fn stand_in(script: &str) -> Command {
    let mut command = Command::new("sh");
    command.args(["-c", script]);
    command
}

#[tokio::test]
async fn devdb_harness_drives_a_stand_in_server_on_postgres() {
    let Some(pg) = Postgres::start() else { return };
    let script = format!(
        "echo 'log: starting' >&2; \
         echo 'DATABASE_URL=postgres://postgres@127.0.0.1:{}/postgres'; \
         exec sleep 60",
        pg.port()
    );
    let mut db = DevDb::spawn(stand_in(&script), None, Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (db.host(), db.port(), db.user()),
        ("127.0.0.1", pg.port(), "postgres")
    );

    let client = db.connect().await;
    let row = client.query_one("select 41 + 1", &[]).await.expect("query");
    assert_eq!(row.get::<_, i32>(0), 42);
    let mut raw = db.raw().await;
    assert_eq!(
        raw.query("select 'raw' as how").await,
        [
            "RowDescription[how:text]",
            r#"DataRow["raw"]"#,
            "CommandComplete SELECT 1",
            "ReadyForQuery I"
        ]
    );

    let deadline = Instant::now() + Duration::from_secs(2);
    while !db.stderr().contains("log: starting") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(db.stderr(), "log: starting\n");

    // stop() sends SIGTERM; `sleep` does not catch it, so it dies of it.
    let status = db.stop();
    assert_eq!(status.signal(), Some(15), "{status}");
}

#[test]
fn devdb_harness_reports_stderr_when_the_server_exits() {
    let script = "echo 'error: unexpected argument --nope' >&2; exit 2";
    let Err(e) = DevDb::spawn(stand_in(script), None, Duration::from_secs(10)) else {
        panic!("a server that exits must not count as started");
    };
    assert!(
        e.contains("stdout closed before a DATABASE_URL= line"),
        "{e}"
    );
    assert!(e.contains("error: unexpected argument --nope"), "{e}");
    assert!(e.contains("exit status: 2"), "{e}");
}

#[test]
fn devdb_harness_times_out_without_the_url_line() {
    let started = Instant::now();
    let script = "echo 'listening soon'; exec sleep 60";
    let Err(e) = DevDb::spawn(stand_in(script), None, Duration::from_millis(300)) else {
        panic!("a server without a DATABASE_URL= line must not count as started");
    };
    assert!(e.contains("no DATABASE_URL= line within 300ms"), "{e}");
    assert!(e.contains("listening soon"), "{e}");
    assert!(
        e.contains("signal: 15"),
        "the stand-in is stopped with SIGTERM: {e}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}
