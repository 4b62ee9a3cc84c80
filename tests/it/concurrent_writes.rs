//! Writing transactions of several sessions at once, compared with PostgreSQL 15 (READ
//! COMMITTED, row locks).
//!
//! Each test is a script of [`Step`]s over sessions `A`, `B`, `C` (one connection each), run on
//! devdb and on a fresh database of the oracle at the same time; the two transcripts must be
//! equal. A [`Step::Run`] sends one simple Query; if it is not answered within
//! [`BLOCKS_AFTER`], the transcript says `blocks` and the script goes on with other sessions. The
//! blocked statement's answer is recorded where the script says [`Step::Wait`] for its session,
//! so the transcript does not depend on timing beyond "answered within 300 ms or not". A
//! transcript shows rows, command tags, SQLSTATEs (messages are shown in failure reports but
//! not compared) and the transaction status after each statement.
//!
//! On the oracle every test database has `deadlock_timeout = 100ms`, so PostgreSQL finds a
//! deadlock well within [`BLOCKS_AFTER`], and `lock_timeout = 10s`, devdb's default, so no
//! backend waits forever if a script goes wrong.
//!
//! With `CONCURRENT_WRITES_ORACLE_TWICE=1` the scripts run twice on the oracle instead, to check
//! that they are deterministic on PostgreSQL itself.
//!
//! Where devdb deliberately differs (docs/compat.md: transactions that do DDL, use savepoints,
//! lock rows with FOR UPDATE/SHARE or run REPEATABLE READ wait for all other writers, and make
//! them wait), [`compare_with_delays`] states the difference: the named steps block on devdb
//! until the named wait and do not block on PostgreSQL; everything else must be equal. Where
//! devdb fails a conflicting insert later than PostgreSQL (a duplicate key, a child of a
//! deleted parent), [`compare_outcomes`] compares only which errors each session got and the
//! final contents.

use std::time::Duration;

use futures_util::future::join_all;
use postgres_protocol::message::backend::Message;

use crate::harness::compare::is_compared;
use crate::harness::rawwire::Renderer;
use crate::harness::{DevDb, Postgres, RawConn, within};

const A: usize = 0;
const B: usize = 1;
const C: usize = 2;

/// A statement not answered within this long is recorded as blocked.
const BLOCKS_AFTER: Duration = Duration::from_millis(300);

/// How long a [`Step::Wait`] waits for a blocked statement before recording that it still waits.
const WAIT_LIMIT: Duration = Duration::from_secs(3);

/// One step of a multi-session script.
#[derive(Clone, Copy, Debug)]
enum Step {
    /// The session sends this SQL as one Query; blocked unless answered within [`BLOCKS_AFTER`].
    Run(usize, &'static str),
    /// Like `Run` for statements that take long by themselves (setup, thousands of rows):
    /// blocked only if not answered within [`WAIT_LIMIT`], so a loaded machine cannot make
    /// them look blocked.
    Slow(usize, &'static str),
    /// Like `Run` over the extended protocol: Parse, Bind, Describe, Execute, Sync.
    Ext(usize, &'static str),
    /// Waits for the session's blocked statement and records its answer here.
    Wait(usize),
    /// The session's client says Terminate and closes its connection.
    Quit(usize),
}

use Step::{Ext, Quit, Run, Slow, Wait};

/// One transcript line group: what is compared (errors by SQLSTATE) and what a failure shows
/// (errors with their messages).
#[derive(Clone, Debug)]
struct Entry {
    compared: String,
    shown: String,
}

/// Entries are equal when their compared forms are: error messages may differ.
impl PartialEq for Entry {
    fn eq(&self, other: &Entry) -> bool {
        self.compared == other.compared
    }
}

impl Entry {
    fn note(text: &str) -> Entry {
        Entry {
            compared: text.to_owned(),
            shown: text.to_owned(),
        }
    }
}

/// One connection of a script and the statement it is still waiting for, if any.
struct Session {
    conn: RawConn,
    shown: Renderer,
    compared: Renderer,
    /// Messages of a sent statement not yet answered up to ReadyForQuery.
    pending: Option<Vec<Message>>,
    closed: bool,
}

impl Session {
    fn new(conn: RawConn) -> Session {
        let mut compared = Renderer::default();
        compared.hide_error_messages = true;
        Session {
            conn,
            shown: Renderer::default(),
            compared,
            pending: None,
            closed: false,
        }
    }

    /// Reads the pending statement's answer for up to `limit`: the rendered answer once it
    /// reached ReadyForQuery (or the connection closed), `None` while it still waits.
    async fn advance(&mut self, limit: Duration) -> Option<Entry> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.conn.read_message_within(left).await {
                Err(_) => return None,
                Ok(None) => {
                    self.closed = true;
                    let mut entry = self.render();
                    entry.compared.push_str("\nconnection closed");
                    entry.shown.push_str("\nconnection closed");
                    return Some(entry);
                }
                Ok(Some(message)) => {
                    let done = matches!(message, Message::ReadyForQuery(_));
                    self.pending.get_or_insert_with(Vec::new).push(message);
                    if done {
                        return Some(self.render());
                    }
                }
            }
        }
    }

    /// Waits up to [`WAIT_LIMIT`] for the pending statement's answer.
    async fn finish(&mut self) -> Entry {
        let answer = self.advance(WAIT_LIMIT).await;
        answer.unwrap_or_else(|| Entry::note(&format!("still blocked after {WAIT_LIMIT:?}")))
    }

    /// Renders and clears the pending messages, leaving out the ones that vary by server.
    fn render(&mut self) -> Entry {
        let messages = self.pending.take().unwrap_or_default();
        let kept: Vec<&Message> = messages.iter().filter(|m| is_compared(m)).collect();
        let lines = |renderer: &mut Renderer| -> String {
            let lines: Vec<String> = kept.iter().map(|m| renderer.render(m)).collect();
            lines.join("\n")
        };
        Entry {
            compared: lines(&mut self.compared),
            shown: lines(&mut self.shown),
        }
    }
}

/// Runs `script` over `conns` and returns one labelled entry per step, then one per statement
/// still unanswered at the end.
async fn transcript(conns: Vec<RawConn>, script: &[Step]) -> Vec<(String, Entry)> {
    let mut sessions: Vec<Session> = conns.into_iter().map(Session::new).collect();
    let mut out = Vec::new();
    for step in script {
        match *step {
            Run(s, sql) | Slow(s, sql) | Ext(s, sql) => {
                let limit = if matches!(step, Slow(..)) {
                    WAIT_LIMIT
                } else {
                    BLOCKS_AFTER
                };
                let session = &mut sessions[s];
                let entry = if session.closed {
                    Entry::note("not sent: the connection is closed")
                } else if session.pending.is_some() {
                    Entry::note("not sent: still waiting for its previous statement")
                } else {
                    if matches!(step, Ext(..)) {
                        session.conn.send_extended(sql, &[]);
                    } else {
                        session.conn.send_query(sql);
                    }
                    session.pending = Some(Vec::new());
                    session
                        .advance(limit)
                        .await
                        .unwrap_or_else(|| Entry::note("blocks"))
                };
                // Whitespace collapsed so the report shows one line per statement.
                let sql = sql.split_whitespace().collect::<Vec<_>>().join(" ");
                out.push((format!("{}> {sql}", name(s)), entry));
            }
            Wait(s) => {
                let session = &mut sessions[s];
                let entry = if session.pending.is_none() {
                    Entry::note("nothing pending")
                } else {
                    session.finish().await
                };
                out.push((format!("{} waits", name(s)), entry));
            }
            Quit(s) => {
                let session = &mut sessions[s];
                session.conn.send_terminate();
                session.conn.write_out().await;
                session.closed = true;
                out.push((format!("{} quits", name(s)), Entry::note("closed")));
            }
        }
    }
    for (s, session) in sessions.iter_mut().enumerate() {
        if session.pending.is_some() {
            let entry = session.finish().await;
            out.push((format!("{} at the end of the script", name(s)), entry));
        }
    }
    out
}

fn name(session: usize) -> char {
    char::from(b'A' + u8::try_from(session).unwrap_or(25))
}

/// Set, this variable puts a second oracle database where devdb would be: a check that the
/// scripts themselves are deterministic on PostgreSQL. The known-difference test
/// `exclusive_transactions_wait_for_all_writers_on_devdb_only` then fails by design.
const ORACLE_TWICE: &str = "CONCURRENT_WRITES_ORACLE_TWICE";

/// `count` connections to a fresh database of the oracle, configured as the module docs say.
async fn oracle_sessions(pg: &Postgres, count: usize) -> Vec<RawConn> {
    let database = pg.fresh_database("conc").await;
    pg.connect()
        .await
        .batch_execute(&format!(
            "alter database \"{database}\" set deadlock_timeout = '100ms';
             alter database \"{database}\" set lock_timeout = '10s'"
        ))
        .await
        .unwrap_or_else(|e| panic!("configuring {database} on the oracle: {e}"));
    let mut sessions = Vec::new();
    for _ in 0..count {
        sessions.push(RawConn::startup(pg.host(), pg.port(), "postgres", &database, None).await);
    }
    sessions
}

/// Runs `script` on devdb and the oracle at once; `None` when the oracle is missing.
async fn both(script: &[Step]) -> Option<(Vec<(String, Entry)>, Vec<(String, Entry)>, DevDb)> {
    let pg = Postgres::start()?;
    let sessions = 1 + script
        .iter()
        .map(|step| match step {
            Run(s, _) | Slow(s, _) | Ext(s, _) | Wait(s) | Quit(s) => *s,
        })
        .max()
        .unwrap_or(0);

    let oracle = oracle_sessions(pg, sessions).await;
    let devdb = DevDb::start(&[]);
    let ours = if std::env::var_os(ORACLE_TWICE).is_some() {
        oracle_sessions(pg, sessions).await
    } else {
        let mut ours = Vec::new();
        for _ in 0..sessions {
            ours.push(devdb.raw().await);
        }
        ours
    };

    // Bounded anyway by the per-step limits; this catches a runner bug, not a server.
    let limit = Duration::from_secs(60);
    let (expected, actual) = within(limit, "the script", async {
        tokio::join!(transcript(oracle, script), transcript(ours, script))
    })
    .await;
    Some((expected, actual, devdb))
}

/// Runs `script` on devdb and PostgreSQL and asserts equal transcripts.
async fn compare_sessions(script: &[Step]) {
    compare_with_delays(script, &[]).await;
}

/// Like [`compare_sessions`], with known differences: each `(step, wait)` pair names a step
/// (index into `script`) that does not block on PostgreSQL and must block on devdb until the
/// `wait` step (a [`Step::Wait`] of the same session, which finds nothing pending on
/// PostgreSQL).
async fn compare_with_delays(script: &[Step], delays: &[(usize, usize)]) {
    let Some((pg, actual, devdb)) = both(script).await else {
        return;
    };
    // PostgreSQL's transcript, with the known delays applied.
    let mut expected = pg.clone();
    for &(step, wait) in delays {
        assert!(
            matches!((script[step], script[wait]), (Run(s, _) | Ext(s, _), Wait(w)) if s == w && step < wait),
            "delay ({step}, {wait}) must name a Run and a later Wait of the same session"
        );
        assert_eq!(
            pg[wait].1,
            Entry::note("nothing pending"),
            "the known difference is gone: step {step} ({:?}) blocks on PostgreSQL too\n{}",
            script[step],
            report(&pg, &actual, &pg)
        );
        expected[wait].1 = pg[step].1.clone();
        expected[step].1 = Entry::note("blocks");
    }
    if expected != actual {
        let what = if delays.is_empty() {
            "devdb differs from PostgreSQL 15"
        } else {
            "devdb differs from PostgreSQL 15 beyond the known delays"
        };
        panic!(
            "{what}\n{}--- devdb stderr ---\n{}",
            report(&expected, &actual, &pg),
            devdb.stderr()
        );
    }
}

/// Runs `script` on devdb and PostgreSQL and compares only its outcome (see [`outcome`]),
/// for the known differences where devdb fails a statement later than PostgreSQL does.
async fn compare_outcomes(script: &[Step]) {
    let Some((pg, actual, devdb)) = both(script).await else {
        return;
    };
    let (expected, got) = (outcome(&pg), outcome(&actual));
    if expected != got {
        panic!(
            "the outcome on devdb differs from PostgreSQL 15\n\
             PostgreSQL: {expected:#?}\ndevdb: {got:#?}\n{}--- devdb stderr ---\n{}",
            report(&pg, &actual, &pg),
            devdb.stderr()
        );
    }
}

/// What a script ended with: per session, the errors it got (SQLSTATE) and the statements it
/// could not run, in order; then the last step's answer.
fn outcome(transcript: &[(String, Entry)]) -> Vec<String> {
    let mut out = Vec::new();
    for session in ['A', 'B', 'C'] {
        let failures: Vec<&str> = transcript
            .iter()
            .filter(|(label, _)| label.starts_with(session))
            .flat_map(|(_, entry)| entry.compared.lines())
            .filter(|line| {
                [
                    "Error ",
                    "Fatal ",
                    "not sent",
                    "still blocked",
                    "connection closed",
                ]
                .iter()
                .any(|prefix| line.starts_with(prefix))
            })
            .collect();
        out.push(format!("{session}: {failures:?}"));
    }
    if let Some((label, entry)) = transcript.last() {
        out.push(format!("{label}\n{}", entry.compared));
    }
    out
}

/// Both transcripts side by side, `!!` marking the steps that differ. `pg` is PostgreSQL's
/// own transcript, shown under a step whose expectation was adjusted for a known delay.
fn report(
    expected: &[(String, Entry)],
    actual: &[(String, Entry)],
    pg: &[(String, Entry)],
) -> String {
    const WIDTH: usize = 56;
    let mut out = format!("   {:WIDTH$} | devdb\n", "expected (PostgreSQL 15)");
    for i in 0..expected.len().max(actual.len()) {
        let (e, a) = (expected.get(i), actual.get(i));
        let same = e == a;
        let label = e.or(a).map_or("", |(label, _)| label.as_str());
        out.push_str(&format!("{} {label}\n", if same { "  " } else { "!!" }));
        let shown = |entry: Option<&(String, Entry)>| -> Vec<String> {
            entry.map_or(vec!["<no such step>".to_owned()], |(_, entry)| {
                entry.shown.lines().map(str::to_owned).collect()
            })
        };
        let (left, right) = (shown(e), shown(a));
        for j in 0..left.len().max(right.len()) {
            let l = left.get(j).map_or("", String::as_str);
            let r = right.get(j).map_or("", String::as_str);
            out.push_str(&format!("     {l:WIDTH$} | {r}\n"));
        }
        if let (Some((_, e)), Some((_, p))) = (e, pg.get(i))
            && e != p
        {
            out.push_str(&format!(
                "     (known difference: PostgreSQL itself answered {:?})\n",
                p.shown
            ));
        }
    }
    out
}

/// The setup of most scripts.
const TWO_ROWS: &str = "create table t (id int primary key, v int not null);
    insert into t values (1, 0), (2, 0)";

const THREE_ROWS: &str = "create table t (id int primary key, v int not null);
    insert into t values (1, 0), (2, 0), (3, 0)";

/// Two transactions meet: A runs `first`, then B runs `second` (which may wait for A), A
/// ends with `end`, B's answer is awaited, B commits and C shows the table `t`.
fn round(first: &'static str, second: &'static str, end: &'static str) -> [Step; 8] {
    [
        Run(A, "begin"),
        Run(B, "begin"),
        Run(A, first),
        Run(B, second),
        Run(A, end),
        Wait(B),
        Run(B, "commit"),
        Run(C, "select id, v from t order by id"),
    ]
}

/// Two transactions update different rows: neither waits, each sees its own change and not
/// the other's until that commits, and a third session sees neither until then.
#[tokio::test]
async fn updates_of_different_rows_do_not_wait() {
    compare_sessions(&[
        Slow(A, THREE_ROWS),
        Run(A, "begin"),
        Run(B, "begin"),
        Run(A, "update t set v = 10 where id = 1"),
        Run(B, "update t set v = 20 where id = 2"),
        Run(B, "delete from t where id = 3"),
        Run(A, "select id, v from t order by id"),
        Run(B, "select id, v from t order by id"),
        Run(C, "select id, v from t order by id"),
        Run(A, "commit"),
        Run(B, "select id, v from t order by id"),
        Run(C, "select id, v from t order by id"),
        Run(B, "commit"),
        Run(C, "select id, v from t order by id"),
    ])
    .await;
}

/// Transactions sharing the writer write a table with a stored generated column: each one's
/// rows are written back from its log without the computed column, which SQLite computes again.
#[tokio::test]
async fn interleaved_writes_of_a_table_with_a_generated_column() {
    compare_sessions(&[
        Slow(
            A,
            "create table g (id int primary key, v int not null, \
               twice int generated always as (v * 2) stored);
             insert into g (id, v) values (1, 1), (2, 2), (3, 3)",
        ),
        Run(A, "begin"),
        Run(B, "begin"),
        Run(A, "update g set v = 10 where id = 1"),
        Run(B, "insert into g (id, v) values (4, 4)"),
        Run(A, "insert into g values (5, 5) returning twice"),
        Run(B, "update g set v = v + 1 where id = 2 returning twice"),
        Run(A, "select id, v, twice from g order by id"),
        Run(B, "select id, v, twice from g order by id"),
        Run(A, "commit"),
        Run(B, "delete from g where id = 3"),
        Run(B, "commit"),
        Run(C, "select id, v, twice from g order by id"),
    ])
    .await;
}

/// The second update of a row waits for the first transaction and then applies to the
/// committed value: `v + 1` twice gives 2.
#[tokio::test]
async fn update_of_the_same_row_waits_and_applies_to_the_committed_value() {
    compare_sessions(&[
        Slow(A, TWO_ROWS),
        Run(A, "begin"),
        Run(B, "begin"),
        Run(A, "update t set v = v + 1 where id = 1"),
        Run(B, "update t set v = v + 1 where id = 1"),
        Run(C, "select id, v from t order by id"),
        Run(A, "select id, v from t order by id"),
        Run(A, "commit"),
        Wait(B),
        Run(B, "select id, v from t order by id"),
        Run(C, "select id, v from t order by id"),
        Run(B, "commit"),
        Run(C, "select id, v from t order by id"),
    ])
    .await;
}

/// When the first transaction rolls back, the waiting update applies to the original value.
#[tokio::test]
async fn update_of_the_same_row_after_a_rollback_applies_to_the_original_value() {
    let same = "update t set v = v + 1 where id = 1";
    compare_sessions(&[&[Slow(A, TWO_ROWS)][..], &round(same, same, "rollback")].concat()).await;
}

/// PostgreSQL re-checks the WHERE clause on the committed row: after the first transaction
/// set `v = 10`, the waiting `... where v = 1` updates nothing. A row that matches only after
/// the other transaction's change is not updated and not waited for (the statement's snapshot
/// decides which rows it looks at). An update of every row waits for the one row held and then
/// updates them all.
///
/// Not covered, on purpose: with several rows, PostgreSQL re-checks only the rows it waited
/// for (t = (1, 1), (2, 2); A: `update t set v = v + 1`; B: `update t set v = v * 10 where
/// v = 2` waits for row 2 and then updates 0 rows, although row 1 now has v = 2), while
/// re-running the whole statement after the wait would update row 1.
#[tokio::test]
async fn waiting_update_rechecks_its_where_clause() {
    let setup = Slow(
        A,
        "create table t (id int primary key, v int not null);
         insert into t values (1, 1), (2, 2)",
    );
    compare_sessions(
        &[
            &[setup][..],
            &round(
                "update t set v = 10 where v = 1",
                "update t set v = 20 where v = 1",
                "commit",
            ),
            &round(
                "update t set v = 3 where id = 2",
                "update t set v = v * 100 where id = 2 and v > 2",
                "commit",
            ),
            &round(
                "update t set v = v + 1 where id = 1",
                "update t set v = v * 2",
                "commit",
            ),
        ]
        .concat(),
    )
    .await;
}

/// An update waiting for a deleted row updates nothing once the delete commits; a delete
/// waiting for an updated row deletes it; an update waiting for a row whose key another
/// transaction changed updates nothing.
#[tokio::test]
async fn delete_and_update_of_the_same_row_wait_for_each_other() {
    compare_sessions(
        &[
            &[Slow(A, THREE_ROWS)][..],
            &round(
                "delete from t where id = 1",
                "update t set v = 5 where id = 1",
                "commit",
            ),
            &round(
                "update t set v = 7 where id = 2",
                "delete from t where id = 2 returning id, v",
                "commit",
            ),
            // The row's key changes under the waiting update: it no longer matches.
            &round(
                "update t set id = 30 where id = 3",
                "update t set v = 9 where id = 3",
                "commit",
            ),
        ]
        .concat(),
    )
    .await;
}

/// INSERT ... ON CONFLICT DO UPDATE of a row another transaction updated waits for it and
/// then updates the committed row. (DO NOTHING is in
/// `conflicting_inserts_fail_the_later_transaction`.)
#[tokio::test]
async fn upsert_of_a_row_another_transaction_updated() {
    compare_sessions(
        &[
            &[Slow(A, TWO_ROWS)][..],
            &round(
                "update t set v = 5 where id = 1",
                "insert into t values (1, 100) on conflict (id) do update set v = t.v + excluded.v
                 returning id, v",
                "commit",
            ),
        ]
        .concat(),
    )
    .await;
}

/// Inserts into one table (with a serial key, and without any key) from two transactions
/// proceed together; the serial values are distinct and every row is there after both commit.
#[tokio::test]
async fn concurrent_inserts_do_not_wait() {
    compare_sessions(&[
        Slow(
            A,
            "create table s (id serial primary key, note text not null);
             create table n (note text)",
        ),
        Run(A, "begin"),
        Run(B, "begin"),
        Run(A, "insert into s (note) values ('a1') returning id, note"),
        Run(B, "insert into s (note) values ('b1') returning id, note"),
        Run(A, "insert into n values ('a')"),
        Run(B, "insert into n values ('b')"),
        Run(A, "insert into s (note) values ('a2') returning id, note"),
        Run(C, "insert into s (note) values ('c1') returning id, note"),
        Run(C, "select count(*) from s"),
        Run(A, "select id, note from s order by id"),
        Run(B, "select id, note from s order by id"),
        Run(A, "commit"),
        Run(B, "commit"),
        Run(C, "select id, note from s order by id"),
        Run(C, "select note from n order by note"),
    ])
    .await;
}

/// RETURNING in concurrent transactions, including a waiting UPDATE ... RETURNING, which
/// returns the row as it updated it after the wait.
#[tokio::test]
async fn returning_in_concurrent_transactions() {
    compare_sessions(&[
        Slow(A, TWO_ROWS),
        Run(A, "begin"),
        Run(B, "begin"),
        Run(A, "insert into t values (10, 1) returning id, v"),
        Run(B, "insert into t values (11, 2) returning *"),
        Run(A, "update t set v = v + 5 where id = 1 returning id, v"),
        Run(B, "update t set v = v + 7 where id = 2 returning id, v"),
        Run(B, "update t set v = v * 2 where id = 1 returning id, v"),
        Run(A, "commit"),
        Wait(B),
        Run(B, "commit"),
        Run(C, "select id, v from t order by id"),
    ])
    .await;
}

/// A waits for B's row while B waits for A's: the one closing the cycle (B, on PostgreSQL
/// after the 100 ms deadlock_timeout of the oracle's test databases) gets 40P01, its
/// transaction is aborted, and A goes on.
#[tokio::test]
async fn deadlock_is_detected_and_the_other_transaction_goes_on() {
    compare_sessions(&[
        Slow(A, TWO_ROWS),
        Run(A, "begin"),
        Run(B, "begin"),
        Run(A, "update t set v = v + 1 where id = 1"),
        Run(B, "update t set v = v + 10 where id = 2"),
        Run(A, "update t set v = v + 1 where id = 2"),
        Run(B, "update t set v = v + 10 where id = 1"),
        Wait(A),
        Run(B, "select 1"),
        Run(B, "rollback"),
        Run(A, "commit"),
        Run(C, "select id, v from t order by id"),
    ])
    .await;
}

/// A wait for a row is bounded by the session's lock_timeout (55P03, aborting the
/// transaction); a statement on a row nobody holds does not wait at all.
#[tokio::test]
async fn row_lock_wait_is_bounded_by_lock_timeout() {
    compare_sessions(&[
        Slow(A, TWO_ROWS),
        Run(A, "begin"),
        Run(A, "update t set v = 1 where id = 1"),
        Run(B, "set lock_timeout = '100ms'"),
        Run(B, "begin"),
        Run(B, "update t set v = 2 where id = 2"),
        Run(B, "update t set v = 2 where id = 1"),
        Run(B, "rollback"),
        Run(B, "update t set v = 3 where id = 1"),
        Run(A, "commit"),
        Run(B, "update t set v = 3 where id = 1"),
        Run(C, "select id, v from t order by id"),
    ])
    .await;
}

/// Autocommit statements of a third session beside two open transactions: inserts and
/// changes of rows nobody holds go through at once; an update of a held row waits for the
/// holder's commit.
#[tokio::test]
async fn autocommit_statements_beside_open_transactions() {
    compare_sessions(&[
        Slow(
            A,
            "create table t (id int primary key, v int not null);
             insert into t values (1, 0), (2, 0), (3, 0), (4, 0)",
        ),
        Run(A, "begin"),
        Run(B, "begin"),
        Run(A, "update t set v = 1 where id = 1"),
        Run(B, "update t set v = 2 where id = 2"),
        Run(C, "insert into t values (5, 5)"),
        Run(C, "update t set v = 30 where id = 3"),
        Run(C, "delete from t where id = 4"),
        Run(C, "select id, v from t order by id"),
        Run(C, "update t set v = 100 where id = 1"),
        Run(B, "commit"),
        Run(A, "select id, v from t order by id"),
        Run(A, "commit"),
        Wait(C),
        Run(C, "select id, v from t order by id"),
    ])
    .await;
}

/// A READ COMMITTED reader in a transaction sees each other transaction's commit at its next
/// statement, and never what is uncommitted.
#[tokio::test]
async fn read_committed_reader_sees_each_commit_at_its_next_statement() {
    compare_sessions(&[
        Slow(A, TWO_ROWS),
        Run(C, "begin isolation level read committed"),
        Run(C, "select id, v from t order by id"),
        Run(A, "begin"),
        Run(A, "update t set v = 1 where id = 1"),
        Run(C, "select id, v from t order by id"),
        Run(B, "begin"),
        Run(B, "update t set v = 2 where id = 2"),
        Run(B, "insert into t values (3, 3)"),
        Run(A, "commit"),
        Run(C, "select id, v from t order by id"),
        Run(B, "commit"),
        Run(C, "select id, v from t order by id"),
        Run(C, "commit"),
    ])
    .await;
}

/// Ephemeral databases commit sharing transactions in groups: a commit first goes into the
/// writer's open SQLite transaction. A reader that reads while another transaction's changes
/// are loaded there (so on the reader connection) sees it all the same.
#[tokio::test]
async fn a_commit_in_an_unsettled_group_is_seen_from_the_reader() {
    compare_sessions(&[
        Slow(A, TWO_ROWS),
        Run(A, "update t set v = 1 where id = 1"),
        Run(B, "begin"),
        Run(B, "update t set v = 2 where id = 2"),
        Run(C, "select id, v from t order by id"),
        Run(A, "insert into t values (3, 3)"),
        Run(B, "select id, v from t order by id"),
        Run(C, "select id, v from t order by id"),
        Run(B, "commit"),
        Run(C, "select id, v from t order by id"),
    ])
    .await;
}

/// An interrupted write (statement_timeout) makes SQLite roll back the writer's whole
/// transaction, with the commits waiting in it for their group: they are written again, rows
/// inserted, updated and deleted, and sequence positions.
#[tokio::test]
async fn commits_in_an_unsettled_group_survive_an_interrupted_write() {
    compare_sessions(&[
        Slow(
            A,
            "create table s (id serial primary key, v int not null); insert into s (v) values (0)",
        ),
        Run(A, "update s set v = 1 where id = 1"),
        Run(A, "insert into s (v) values (2), (3)"),
        Run(A, "delete from s where v = 3"),
        Run(B, "set statement_timeout = '200ms'"),
        Slow(
            B,
            "update s set v = 9 where id = 1 and (select count(*) from generate_series(1, 2000000000)) > 0",
        ),
        Run(C, "select id, v from s order by id"),
        Run(C, "insert into s (v) values (4) returning id"),
        Run(B, "update s set v = 5 where id = 1"),
        Run(C, "select id, v from s order by id"),
    ])
    .await;
}

/// Tables and a statement of pgbench's TPC-B-like transaction (pgbench 15's built-in script,
/// with fixed ids and deltas).
const PGBENCH_TABLES: &str = "
    create table pgbench_branches (bid int primary key, bbalance int not null, filler char(88));
    create table pgbench_tellers (tid int primary key, bid int not null, tbalance int not null,
        filler char(84));
    create table pgbench_accounts (aid int primary key, bid int not null, abalance int not null,
        filler char(84));
    create table pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp,
        filler char(22));
    insert into pgbench_branches (bid, bbalance) values (1, 0);
    insert into pgbench_tellers (tid, bid, tbalance) values (1, 1, 0), (2, 1, 0), (3, 1, 0);
    insert into pgbench_accounts (aid, bid, abalance) select g, 1, 0 from generate_series(1, 100) g";

/// pgbench's TPC-B-like transaction from three sessions interleaved statement by statement,
/// one branch row, so every transaction waits for the previous one at the branch update; in
/// the second round two sessions also update the same account. The balances agree at the end.
///
/// No row ever has two waiters: when the holder ends, PostgreSQL lets them race for the new
/// row version (each re-locks it after its wait), so their order is not deterministic there.
#[tokio::test]
async fn pgbench_tpcb_like_transactions_interleaved() {
    compare_sessions(&[
        Slow(A, PGBENCH_TABLES),
        // Round 1: different accounts and tellers, one branch.
        Run(A, "begin"),
        Run(B, "begin"),
        Run(C, "begin"),
        Run(
            A,
            "update pgbench_accounts set abalance = abalance + 5 where aid = 1",
        ),
        Run(
            B,
            "update pgbench_accounts set abalance = abalance + -3 where aid = 2",
        ),
        Run(
            C,
            "update pgbench_accounts set abalance = abalance + 7 where aid = 3",
        ),
        Run(A, "select abalance from pgbench_accounts where aid = 1"),
        Run(B, "select abalance from pgbench_accounts where aid = 2"),
        Run(C, "select abalance from pgbench_accounts where aid = 3"),
        Run(
            A,
            "update pgbench_tellers set tbalance = tbalance + 5 where tid = 1",
        ),
        Run(
            B,
            "update pgbench_tellers set tbalance = tbalance + -3 where tid = 2",
        ),
        Run(
            C,
            "update pgbench_tellers set tbalance = tbalance + 7 where tid = 3",
        ),
        Run(
            A,
            "update pgbench_branches set bbalance = bbalance + 5 where bid = 1",
        ),
        Run(
            B,
            "update pgbench_branches set bbalance = bbalance + -3 where bid = 1",
        ),
        Run(A, HISTORY_A1),
        Run(A, "end"),
        Wait(B),
        // Only now: a second waiter for the row would race the first on PostgreSQL.
        Run(
            C,
            "update pgbench_branches set bbalance = bbalance + 7 where bid = 1",
        ),
        Run(B, HISTORY_B1),
        Run(B, "end"),
        Wait(C),
        Run(C, HISTORY_C1),
        Run(C, "end"),
        // Round 2: A and B update the same account; C waits for A at the branch.
        Run(A, "begin"),
        Run(B, "begin"),
        Run(C, "begin"),
        Run(
            A,
            "update pgbench_accounts set abalance = abalance + 11 where aid = 2",
        ),
        Run(
            B,
            "update pgbench_accounts set abalance = abalance + 13 where aid = 2",
        ),
        Run(
            C,
            "update pgbench_accounts set abalance = abalance + -20 where aid = 50",
        ),
        Run(A, "select abalance from pgbench_accounts where aid = 2"),
        Run(C, "select abalance from pgbench_accounts where aid = 50"),
        Run(
            A,
            "update pgbench_tellers set tbalance = tbalance + 11 where tid = 2",
        ),
        Run(
            C,
            "update pgbench_tellers set tbalance = tbalance + -20 where tid = 3",
        ),
        Run(
            A,
            "update pgbench_branches set bbalance = bbalance + 11 where bid = 1",
        ),
        Run(
            C,
            "update pgbench_branches set bbalance = bbalance + -20 where bid = 1",
        ),
        Run(A, HISTORY_A2),
        Run(A, "end"),
        Wait(B),
        Wait(C),
        Run(B, "select abalance from pgbench_accounts where aid = 2"),
        Run(
            B,
            "update pgbench_tellers set tbalance = tbalance + 13 where tid = 1",
        ),
        Run(
            B,
            "update pgbench_branches set bbalance = bbalance + 13 where bid = 1",
        ),
        Run(C, HISTORY_C2),
        Run(C, "end"),
        Wait(B),
        Run(B, HISTORY_B2),
        Run(B, "end"),
        Run(
            A,
            "select (select sum(abalance) from pgbench_accounts) as accounts,
                    (select sum(tbalance) from pgbench_tellers) as tellers,
                    (select sum(bbalance) from pgbench_branches) as branches,
                    (select sum(delta) from pgbench_history) as history,
                    (select count(*) from pgbench_history) as transactions",
        ),
        Run(
            A,
            "select (select sum(abalance) from pgbench_accounts)
                    = all (array[(select sum(tbalance) from pgbench_tellers),
                                 (select sum(bbalance) from pgbench_branches),
                                 (select sum(delta) from pgbench_history)]) as balanced",
        ),
        Run(
            A,
            "select aid, abalance from pgbench_accounts where abalance <> 0 order by aid",
        ),
    ])
    .await;
}

const HISTORY_A1: &str = "insert into pgbench_history (tid, bid, aid, delta, mtime) \
                          values (1, 1, 1, 5, current_timestamp)";
const HISTORY_B1: &str = "insert into pgbench_history (tid, bid, aid, delta, mtime) \
                          values (2, 1, 2, -3, current_timestamp)";
const HISTORY_C1: &str = "insert into pgbench_history (tid, bid, aid, delta, mtime) \
                          values (3, 1, 3, 7, current_timestamp)";
const HISTORY_A2: &str = "insert into pgbench_history (tid, bid, aid, delta, mtime) \
                          values (2, 1, 2, 11, current_timestamp)";
const HISTORY_B2: &str = "insert into pgbench_history (tid, bid, aid, delta, mtime) \
                          values (1, 1, 2, 13, current_timestamp)";
const HISTORY_C2: &str = "insert into pgbench_history (tid, bid, aid, delta, mtime) \
                          values (3, 1, 50, -20, current_timestamp)";

/// Known difference (docs/compat.md): a transaction that does DDL, uses a savepoint, locks
/// rows with FOR UPDATE or FOR SHARE, or runs REPEATABLE READ or SERIALIZABLE waits on devdb
/// for every other writing transaction and then makes every other writer wait, even for rows
/// and tables it never touches; PostgreSQL waits for neither. The script is run on both; the two marked steps must
/// block on devdb and not on PostgreSQL, and everything else must be equal.
#[tokio::test]
async fn exclusive_transactions_wait_for_all_writers_on_devdb_only() {
    let scripts: Vec<Vec<Step>> = [
        ("begin", "create table u (id int)"),
        ("begin", "savepoint s; update t set v = 2 where id = 2"),
        ("begin", "select id, v from t where id = 2 for update"),
        ("begin", "select id, v from t where id = 2 for share"),
        (
            "begin isolation level repeatable read",
            "update t set v = 2 where id = 2",
        ),
        (
            "begin isolation level serializable",
            "update t set v = 2 where id = 2",
        ),
    ]
    .into_iter()
    .map(|(begin, exclusive)| {
        vec![
            Slow(A, THREE_ROWS),
            Run(A, "begin"),
            Run(A, "update t set v = 1 where id = 1"),
            Run(B, begin),
            // 4: blocks on devdb until A commits.
            Run(B, exclusive),
            Run(A, "commit"),
            // 6
            Wait(B),
            // 7: blocks on devdb until B commits.
            Run(C, "update t set v = 3 where id = 3"),
            Run(B, "commit"),
            // 9
            Wait(C),
            Run(C, "select id, v from t order by id"),
        ]
    })
    .collect();
    // Independent servers and databases: the cases run at once to save time.
    join_all(
        scripts
            .iter()
            .map(|script| compare_with_delays(script, &[(4, 6), (7, 9)])),
    )
    .await;
}

/// Known difference (docs/compat.md): two transactions inserting the same key, or one
/// deleting a parent row while another inserts a child of it. PostgreSQL makes the second
/// wait for the first and then fails it (23505, 23503) or lets it go on if the first rolled
/// back; devdb lets both go on and fails the one that commits later, at its next statement or
/// COMMIT. Likewise INSERT ... ON CONFLICT DO NOTHING against a row another transaction
/// updated waits on PostgreSQL only. Compared: which errors each session got (by SQLSTATE, in order) and the final
/// contents, so no duplicate key and no orphan survives on either.
#[tokio::test]
async fn conflicting_inserts_fail_the_later_transaction() {
    const TABLES: &str = "create table p (id int primary key, note text);
        create table c (id int primary key, pid int references p);
        insert into p values (2, 'parent')";
    const CONTENTS: &str =
        "select 'p' as t, id from p union all select 'c', id from c order by 1, 2";
    let mut scripts: Vec<Vec<Step>> = Vec::new();
    for first_ends in ["commit", "rollback"] {
        for second in [
            "insert into p values (1, 'b')",
            "insert into c values (10, 2)",
        ] {
            scripts.push(vec![
                Slow(A, TABLES),
                Run(A, "begin"),
                Run(B, "begin"),
                Run(A, "insert into p values (1, 'a')"),
                Run(A, "delete from p where id = 2"),
                Run(B, second),
                Run(A, first_ends),
                Wait(B),
                Run(B, "commit"),
                Run(C, CONTENTS),
            ]);
        }
        // A child inserted first, then its parent deleted by another transaction.
        scripts.push(vec![
            Slow(A, TABLES),
            Run(A, "begin"),
            Run(B, "begin"),
            Run(A, "insert into c values (10, 2)"),
            Run(B, "delete from p where id = 2"),
            Run(A, first_ends),
            Wait(B),
            Run(B, "commit"),
            Run(C, CONTENTS),
        ]);
    }
    // ON CONFLICT DO NOTHING on a row another transaction updated: PostgreSQL waits for it,
    // devdb does not (the statement changes no row); both insert nothing.
    scripts.push(
        [
            &[Slow(A, TWO_ROWS)][..],
            &round(
                "update t set v = 6 where id = 2",
                "insert into t values (2, 0) on conflict do nothing",
                "commit",
            ),
        ]
        .concat(),
    );
    // Independent servers and databases: the cases run at once to save time.
    join_all(scripts.iter().map(|script| compare_outcomes(script))).await;
}

/// The same difference for an EXCLUDE constraint: two transactions booking overlapping spans
/// of one room. PostgreSQL makes the second wait and fails it once the first commits; devdb
/// fails it at its COMMIT. Either way one booking survives, and both when the first rolls back.
#[tokio::test]
async fn overlapping_bookings_fail_the_later_transaction() {
    const TABLES: &str = "create extension if not exists btree_gist;
        create table booking (room int, during int4range, exclude using gist (room with =, during with &&))";
    const CONTENTS: &str = "select room, during::text from booking order by during";
    let scripts: Vec<Vec<Step>> = ["commit", "rollback"]
        .into_iter()
        .map(|first_ends| {
            vec![
                Slow(A, TABLES),
                Run(A, "begin"),
                Run(B, "begin"),
                Run(A, "insert into booking values (1, '[1,5)')"),
                Run(B, "insert into booking values (1, '[3,8)'), (2, '[3,8)')"),
                Run(A, first_ends),
                Wait(B),
                Run(B, "commit"),
                Run(C, CONTENTS),
            ]
        })
        .collect();
    join_all(scripts.iter().map(|script| compare_outcomes(script))).await;
}

/// Statements that wait over the extended protocol (as pgbench -M extended or prepared and
/// most drivers send them) and a multi-statement Query whose second statement waits: the
/// whole implicit transaction of the Query ends only after the wait.
#[tokio::test]
async fn waiting_statements_over_extended_protocol_and_in_multi_statement_queries() {
    compare_sessions(&[
        Slow(A, THREE_ROWS),
        Ext(A, "begin"),
        Ext(A, "update t set v = v + 1 where id = 1"),
        Ext(B, "begin"),
        Ext(B, "update t set v = v + 1 where id = 2 returning id, v"),
        Ext(B, "update t set v = v + 1 where id = 1 returning id, v"),
        Ext(C, "select id, v from t order by id"),
        Run(
            C,
            "update t set v = v + 100 where id = 3; update t set v = v + 100 where id = 2",
        ),
        Ext(A, "commit"),
        Wait(B),
        Ext(B, "select id, v from t order by id"),
        Ext(B, "commit"),
        Wait(C),
        Ext(C, "select id, v from t order by id"),
    ])
    .await;
}

/// Foreign keys beside each other: a child inserted for one parent does not hold up an
/// update of that parent's other columns, nor the deletion of an unreferenced parent, nor
/// another child.
#[tokio::test]
async fn foreign_key_references_do_not_hold_up_unrelated_writes() {
    compare_sessions(&[
        Slow(
            A,
            "create table p (id int primary key, note text);
             create table c (id int primary key, pid int references p);
             insert into p values (1, 'one'), (2, 'two'), (3, 'three')",
        ),
        Run(A, "begin"),
        Run(B, "begin"),
        Run(A, "insert into c values (10, 1)"),
        Run(B, "update p set note = 'uno' where id = 1"),
        Run(B, "delete from p where id = 3"),
        Run(B, "insert into c values (20, 2)"),
        Run(C, "insert into c values (30, 1)"),
        Run(A, "commit"),
        Run(B, "commit"),
        Run(
            C,
            "select p.id, p.note, c.id from p left join c on c.pid = p.id order by 1, 3",
        ),
    ])
    .await;
}

/// A client that goes away ends its transaction: the rows it held are free at once for the
/// session waiting for them, and its changes are gone.
#[tokio::test]
async fn holder_that_disconnects_releases_its_rows() {
    compare_sessions(&[
        Slow(A, TWO_ROWS),
        Run(A, "begin"),
        Run(A, "update t set v = 1 where id = 1"),
        Run(A, "insert into t values (3, 3)"),
        Run(B, "update t set v = v + 10 where id = 1"),
        Quit(A),
        Wait(B),
        Run(C, "select id, v from t order by id"),
    ])
    .await;
}

/// An error inside a transaction block aborts it, and PostgreSQL releases its row locks at
/// once, before the ROLLBACK: the session waiting for a row the failed transaction updated
/// goes on and sees the original value.
#[tokio::test]
async fn failed_statement_releases_the_row_locks_of_its_transaction() {
    compare_sessions(&[
        Slow(A, TWO_ROWS),
        Run(A, "begin"),
        Run(A, "update t set v = v + 1 where id = 1"),
        Run(B, "begin"),
        Run(B, "update t set v = v + 10 where id = 1"),
        Run(A, "insert into t values (2, 0)"),
        Wait(B),
        Run(A, "select 1"),
        Run(B, "select id, v from t order by id"),
        Run(A, "rollback"),
        Run(B, "commit"),
        Run(C, "select id, v from t order by id"),
    ])
    .await;
}

/// A transaction that updated 5,000 rows and stays open does not hold up an update of
/// another row of the same table.
#[tokio::test]
async fn large_open_transaction_does_not_hold_up_other_rows() {
    compare_sessions(&[
        Slow(
            A,
            "create table big (id int primary key, v int not null);
             insert into big select g, 0 from generate_series(1, 5001) g",
        ),
        Run(A, "begin"),
        Slow(A, "update big set v = v + 1 where id <= 5000"),
        Run(B, "begin"),
        Run(B, "update big set v = 7 where id = 5001"),
        Run(B, "commit"),
        Run(C, "select count(*), sum(v) from big"),
        Run(A, "select count(*), sum(v) from big"),
        Run(A, "commit"),
        Run(C, "select count(*), sum(v) from big"),
    ])
    .await;
}

/// A transaction whose changes are taken off the writer whenever another session writes
/// (devdb writes them back at its next statement) keeps them all: a changed primary key, a
/// row deleted and inserted again, a row inserted and deleted, cascaded deletes, and rows of a
/// table without a key interleaved with another transaction's committed inserts.
#[tokio::test]
async fn a_transaction_interleaved_with_others_keeps_its_own_changes() {
    compare_sessions(&[
        Slow(
            A,
            "create table k (id integer primary key, v text);
             create table p (id bigint primary key);
             create table ch (p bigint references p on delete cascade, n int);
             create table loose (n int, note text);
             insert into k values (1, 'one'), (2, 'two'), (3, 'three');
             insert into p values (1), (2);
             insert into ch values (1, 10), (1, 11), (2, 20);
             insert into loose values (1, 'committed')",
        ),
        Run(A, "begin"),
        Run(A, "update k set id = 100 where id = 1"),
        Run(B, "insert into loose values (2, 'b')"),
        Run(A, "delete from k where id = 2"),
        Run(B, "insert into loose values (3, 'b')"),
        Run(A, "insert into k values (2, 'two again')"),
        Run(A, "insert into loose values (10, 'a'), (11, 'a')"),
        Run(B, "insert into loose values (4, 'b')"),
        Run(A, "insert into k values (50, 'fleeting')"),
        Run(B, "update k set v = 'three by b' where id = 3"),
        Run(A, "delete from k where id = 50"),
        Run(A, "delete from p where id = 1"),
        Run(B, "insert into loose values (5, 'b')"),
        Run(A, "update loose set note = note || '!' where note = 'a'"),
        Run(B, "insert into ch values (2, 21)"),
        Run(A, "select * from k order by id"),
        Run(A, "select * from ch order by p, n"),
        Run(A, "select * from loose order by n"),
        Run(A, "commit"),
        Run(C, "select * from k order by id"),
        Run(C, "select * from p order by id"),
        Run(C, "select * from ch order by p, n"),
        Run(C, "select * from loose order by n"),
    ])
    .await;
}

/// nextval beside open writing transactions, in autocommit and inside transactions, neither
/// waits (sequences are not transactional) and hands out distinct values.
#[tokio::test]
async fn nextval_beside_open_transactions_does_not_wait() {
    compare_sessions(&[
        Slow(
            A,
            "create table t (id int primary key, v int);
             insert into t values (1, 1), (2, 2);
             create sequence sq",
        ),
        Run(A, "begin"),
        Run(A, "update t set v = 10 where id = 1"),
        Run(B, "select nextval('sq')"),
        Run(B, "begin"),
        Run(B, "select nextval('sq'), currval('sq')"),
        Run(B, "update t set v = 20 where id = 2"),
        Run(A, "select nextval('sq')"),
        Run(B, "commit"),
        Run(A, "rollback"),
        Run(C, "select nextval('sq')"),
        Run(C, "select * from t order by id"),
    ])
    .await;
}

/// A rolled-back ALTER SEQUENCE puts the sequence's value back; another session's nextval
/// waits for the ALTER's transaction meanwhile (for its lock in PostgreSQL, for the writer in
/// devdb), so no value is given twice. The waiter is answered before C draws: which of two
/// ready sessions draws first is a race in either server.
#[tokio::test]
async fn nextval_waits_for_an_open_alter_sequence_and_sees_its_rollback() {
    compare_sessions(&[
        Slow(A, "create sequence sq"),
        Run(A, "select nextval('sq')"),
        Run(A, "begin"),
        Run(A, "alter sequence sq restart with 100"),
        Run(B, "select nextval('sq')"),
        Run(A, "select nextval('sq')"),
        Run(A, "rollback"),
        Wait(B),
        Run(C, "select nextval('sq')"),
        Run(A, "begin"),
        Run(A, "alter sequence sq increment by 10"),
        Run(B, "select nextval('sq')"),
        Run(A, "commit"),
        Wait(B),
        Run(C, "select nextval('sq')"),
    ])
    .await;
}

/// Group commit under interrupted writes: four sessions move units between accounts in
/// transactions and log each commit, while a fifth keeps running writes that statement_timeout
/// interrupts (SQLite then rolls back the writer's whole transaction, commits waiting for their
/// group included). Every commit a client was told of is there at the end, and the units add
/// up. Bounded to about two seconds of load.
#[tokio::test]
async fn every_reported_commit_survives_interrupted_writes_beside_it() {
    let devdb = DevDb::start(&[]);
    let setup = devdb.connect().await;
    setup
        .batch_execute(
            "create table acct (id int primary key, units int not null);
             insert into acct select g, 100 from generate_series(1, 10) g;
             create table hist (id serial primary key, session int not null)",
        )
        .await
        .expect("setup");
    let until = std::time::Instant::now() + Duration::from_millis(1500);
    let mut writers = Vec::new();
    for session in 0..4i32 {
        let client = devdb.connect().await;
        writers.push(tokio::spawn(async move {
            let mut committed = 0u64;
            let mut i = session;
            while std::time::Instant::now() < until {
                i += 1;
                let (from, to) = (i % 10 + 1, (i * 7 + 3) % 10 + 1);
                let sql = format!(
                    "begin;
                     update acct set units = units - 1 where id = {from};
                     update acct set units = units + 1 where id = {to};
                     insert into hist (session) values ({session});
                     commit"
                );
                match client.batch_execute(&sql).await {
                    Ok(()) => committed += 1,
                    // A deadlock or a lock timeout: the transaction is gone, nothing counted.
                    Err(_) => client.batch_execute("rollback").await.expect("rollback"),
                }
            }
            committed
        }));
    }
    let interrupter = devdb.connect().await;
    interrupter
        .batch_execute("set statement_timeout = '2ms'")
        .await
        .expect("timeout");
    let mut interrupted = 0;
    while std::time::Instant::now() < until {
        let slow = "update acct set units = units where id = 10 \
                    and (select count(*) from generate_series(1, 10000000)) > 0";
        if let Err(e) = interrupter.batch_execute(slow).await {
            assert_eq!(e.code().map(|c| c.code()), Some("57014"), "{e}");
            interrupted += 1;
        }
    }
    let mut committed = 0;
    for w in writers {
        committed += w.await.expect("writer");
    }
    assert!(interrupted > 0, "no write was interrupted");
    assert!(committed > 0, "nothing committed");
    let row = setup
        .query_one(
            "select (select count(*) from hist), (select sum(units) from acct)::int8",
            &[],
        )
        .await
        .expect("check");
    let (logged, units): (i64, i64) = (row.get(0), row.get(1));
    assert_eq!(
        logged as u64, committed,
        "commits reported to clients and logged"
    );
    assert_eq!(units, 1000, "units moved, none made or lost");
}

/// LOCK TABLE in a mode that conflicts with writes keeps other sessions' writes out until the
/// transaction ends (pg_dump's ACCESS SHARE takes nothing: writes go on beside it); reads go on.
#[tokio::test]
async fn lock_table_in_share_mode_keeps_writers_out_until_it_ends() {
    compare_sessions(&[
        Slow(A, TWO_ROWS),
        Run(A, "begin"),
        Run(A, "lock table t in access share mode"),
        Run(B, "update t set v = 5 where id = 1"),
        Run(A, "lock table t in share mode"),
        Run(B, "update t set v = 6 where id = 2"),
        Run(C, "select id, v from t order by id"),
        Run(A, "commit"),
        Run(B, "select id, v from t order by id"),
    ])
    .await;
}

/// A multi-statement simple Query is an implicit transaction block, where PostgreSQL allows
/// LOCK TABLE (25P01 only for a Query of its own); the lock ends with the Query.
#[tokio::test]
async fn lock_table_in_a_multi_statement_query_runs_in_its_implicit_block() {
    crate::harness::compare(&[
        "create table locked (id int primary key, v text)",
        "lock table locked in exclusive mode; insert into locked values (1, 'a')",
        "lock table locked",
        "insert into locked values (2, 'b'); lock table locked; select count(*) from locked",
        "select id, v from locked order by id",
    ])
    .await;
}
