//! Pipelining and interleaving: many connections' extended-protocol traffic at once, batches
//! split between Parse and Bind, same-named statements on different connections, several
//! batches in one write, suspended portals, skip-to-Sync after an error, trailing semicolons.
//!
//! Each scenario runs twice: `::on_devdb` against devdb and `::on_postgres` against the
//! PostgreSQL 15 oracle (one fresh database per scenario), which checks the expectation itself.
//! Errors show only their SQLSTATE.

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinSet;
use tokio_postgres::Client;
use tokio_postgres::types::{ToSql, Type};

use crate::harness::{DevDb, Postgres, RawConn, within};

/// The server a scenario runs against.
enum Target {
    DevDb(DevDb),
    Postgres {
        pg: &'static Postgres,
        database: String,
    },
}

impl Target {
    /// A raw connection after startup; errors render as `Error CODE`.
    async fn raw(&self) -> RawConn {
        let mut conn = match self {
            Target::DevDb(db) => db.raw().await,
            Target::Postgres { pg, database } => {
                RawConn::startup(pg.host(), pg.port(), "postgres", database, None).await
            }
        };
        conn.hide_error_messages(true);
        conn
    }

    /// A tokio-postgres client (binary results for parameterised queries).
    async fn connect(&self) -> Client {
        match self {
            Target::DevDb(db) => db.connect().await,
            Target::Postgres { pg, database } => pg.connect_to(database).await,
        }
    }
}

/// Runs one scenario on devdb and on the PostgreSQL oracle, as two tests.
macro_rules! on_both {
    ($scenario:ident) => {
        mod $scenario {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_devdb() {
                let target = Target::DevDb(DevDb::start(&[]));
                within(LIMIT, stringify!($scenario), super::$scenario(&target)).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                let Some(pg) = Postgres::start() else { return };
                let database = pg.fresh_database("pipeline").await;
                let target = Target::Postgres { pg, database };
                within(LIMIT, stringify!($scenario), super::$scenario(&target)).await;
            }
        }
    };
}

/// The bound on one whole scenario.
const LIMIT: Duration = Duration::from_secs(30);

/// The next `n` messages, rendered (for batches that end in Flush, not ReadyForQuery).
async fn read_n(conn: &mut RawConn, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    for _ in 0..n {
        match conn.read_message().await {
            Some(m) => out.push(conn.render(&[m]).concat()),
            None => panic!("connection closed after {out:?}"),
        }
    }
    out
}

/// Waits for every task, re-raising the first panic (with its message) in the test.
async fn join_all(mut tasks: JoinSet<()>) {
    while let Some(joined) = tasks.join_next().await {
        if let Err(e) = joined {
            if e.is_panic() {
                std::panic::resume_unwind(e.into_panic());
            }
            panic!("task failed: {e}");
        }
    }
}

const ONE_PARAM: &str = "SELECT $1::int AS a";
const FIVE_PARAMS: &str =
    "SELECT $1::int AS a, $2::int AS b, $3::int AS c, $4::int AS d, $5::int AS e";

on_both!(six_connections_alternate_one_and_five_parameter_unnamed_statements);
async fn six_connections_alternate_one_and_five_parameter_unnamed_statements(t: &Target) {
    const ROUNDS: usize = 60;
    let mut tasks = JoinSet::new();
    for c in 0..6usize {
        let mut conn = t.raw().await;
        tasks.spawn(async move {
            let mut round = 0;
            // Batches leave 1, 2 or 3 at a time in one write, so pipelines of different
            // lengths and shapes overlap with the other connections' traffic.
            let mut chunk = 1 + c % 3;
            while round < ROUNDS {
                let rounds: Vec<usize> = (round..ROUNDS.min(round + chunk)).collect();
                let mut expected = Vec::new();
                for &r in &rounds {
                    let base = (c * 10_000 + r * 10) as i64;
                    if (c + r) % 2 == 0 {
                        let p = base.to_string();
                        conn.send_extended(ONE_PARAM, &[Some(&p)]);
                        expected.push((
                            ONE_PARAM,
                            "RowDescription[a:int4]",
                            format!("DataRow[{base}]"),
                        ));
                    } else {
                        let values: Vec<String> = (0..5).map(|k| (base + k).to_string()).collect();
                        let params: Vec<Option<&str>> =
                            values.iter().map(|v| Some(v.as_str())).collect();
                        conn.send_extended(FIVE_PARAMS, &params);
                        expected.push((
                            FIVE_PARAMS,
                            "RowDescription[a:int4,b:int4,c:int4,d:int4,e:int4]",
                            format!("DataRow[{}]", values.join(",")),
                        ));
                    }
                }
                for (sql, description, row) in expected {
                    let got = conn.read_until_ready_rendered().await;
                    assert_eq!(
                        got,
                        [
                            "ParseComplete",
                            "BindComplete",
                            description,
                            row.as_str(),
                            "CommandComplete SELECT 1",
                            "ReadyForQuery I"
                        ],
                        "connection {c}, {sql}"
                    );
                }
                round += rounds.len();
                chunk = chunk % 3 + 1;
            }
        });
    }
    join_all(tasks).await;
}

on_both!(six_tokio_postgres_clients_pipeline_unnamed_statements_in_binary);
async fn six_tokio_postgres_clients_pipeline_unnamed_statements_in_binary(t: &Target) {
    const ROUNDS: i32 = 30;
    let mut tasks = JoinSet::new();
    for c in 0..6i32 {
        let client = Arc::new(t.connect().await);
        tasks.spawn(async move {
            for r in 0..ROUNDS {
                let base = c * 10_000 + r * 10;
                let values: Vec<i32> = (0..5).map(|k| base + k).collect();
                // Both futures are polled together, so tokio-postgres pipelines them on the
                // connection: two unnamed Parse/Bind/Execute/Sync batches back to back.
                let one_params: [(&(dyn ToSql + Sync), Type); 1] = [(&base, Type::INT4)];
                let five_params: Vec<(&(dyn ToSql + Sync), Type)> = values
                    .iter()
                    .map(|v| (v as &(dyn ToSql + Sync), Type::INT4))
                    .collect();
                let one = client.query_typed(ONE_PARAM, &one_params);
                let five = client.query_typed(FIVE_PARAMS, &five_params);
                let (one, five) = tokio::join!(one, five);
                let one = one.unwrap_or_else(|e| panic!("client {c} round {r}, one: {e:?}"));
                let five = five.unwrap_or_else(|e| panic!("client {c} round {r}, five: {e:?}"));
                assert_eq!(one.len(), 1);
                assert_eq!(one[0].get::<_, i32>(0), base);
                assert_eq!(five.len(), 1);
                let got: Vec<i32> = (0..5).map(|i| five[0].get::<_, i32>(i)).collect();
                assert_eq!(got, values, "client {c} round {r}");
            }
        });
    }
    join_all(tasks).await;
}

on_both!(writes_split_between_parse_and_bind_across_connections);
async fn writes_split_between_parse_and_bind_across_connections(t: &Target) {
    const CONNECTIONS: usize = 6;
    const ROUNDS: usize = 10;
    let mut setup = t.raw().await;
    assert_eq!(
        setup
            .query("create table split (conn int, round int, x int)")
            .await,
        ["CommandComplete CREATE TABLE", "ReadyForQuery I"]
    );

    let barrier = Arc::new(tokio::sync::Barrier::new(CONNECTIONS));
    let mut tasks = JoinSet::new();
    for c in 0..CONNECTIONS {
        let mut conn = t.raw().await;
        let barrier = Arc::clone(&barrier);
        tasks.spawn(async move {
            for r in 0..ROUNDS {
                // postgres.js: Parse + Describe + Flush, wait for the answers, then Bind +
                // Execute + Sync a round trip later. Statements with 3 and 2 parameters
                // alternate, so a Bind meeting another connection's statement would fail.
                let three = (c + r) % 2 == 0;
                let (sql, description) = if three {
                    (
                        "insert into split (conn, round, x) values ($1, $2, $3)",
                        "ParameterDescription[int4,int4,int4]",
                    )
                } else {
                    (
                        "insert into split (conn, round, x) values ($1, $2, -1)",
                        "ParameterDescription[int4,int4]",
                    )
                };
                conn.send_parse("", sql, &[]);
                conn.send_describe_statement("");
                conn.send_flush();
                assert_eq!(
                    read_n(&mut conn, 3).await,
                    ["ParseComplete", description, "NoData"],
                    "connection {c} round {r}"
                );
                // Every connection has parsed its unnamed statement before any binds.
                barrier.wait().await;
                let (cs, rs, xs) = (c.to_string(), r.to_string(), (c * 100 + r).to_string());
                if three {
                    conn.send_bind("", "", &[Some(&cs), Some(&rs), Some(&xs)]);
                } else {
                    conn.send_bind("", "", &[Some(&cs), Some(&rs)]);
                }
                conn.send_execute("", 0);
                conn.send_sync();
                assert_eq!(
                    conn.read_until_ready_rendered().await,
                    [
                        "BindComplete",
                        "CommandComplete INSERT 0 1",
                        "ReadyForQuery I"
                    ],
                    "connection {c} round {r}"
                );
                barrier.wait().await;
            }
        });
    }
    join_all(tasks).await;

    let mut expected = vec!["RowDescription[conn:int4,round:int4,x:int4]".to_owned()];
    for c in 0..CONNECTIONS {
        for r in 0..ROUNDS {
            let x = if (c + r) % 2 == 0 {
                (c * 100 + r) as i64
            } else {
                -1
            };
            expected.push(format!("DataRow[{c},{r},{x}]"));
        }
    }
    expected.push(format!("CommandComplete SELECT {}", CONNECTIONS * ROUNDS));
    expected.push("ReadyForQuery I".to_owned());
    assert_eq!(
        setup
            .query("select conn, round, x from split order by conn, round")
            .await,
        expected
    );
}

on_both!(two_connections_prepare_the_same_statement_name);
async fn two_connections_prepare_the_same_statement_name(t: &Target) {
    let mut a = t.raw().await;
    let mut b = t.raw().await;
    a.send_parse("P_0", "select $1::int + 1 as n", &[]);
    a.send_describe_statement("P_0");
    a.send_sync();
    b.send_parse("P_0", "select $1::text || '!' as s, $2::int8 * 2 as m", &[]);
    b.send_describe_statement("P_0");
    b.send_sync();
    a.write_out().await;
    b.write_out().await;
    assert_eq!(
        a.read_until_ready_rendered().await,
        [
            "ParseComplete",
            "ParameterDescription[int4]",
            "RowDescription[n:int4]",
            "ReadyForQuery I"
        ]
    );
    assert_eq!(
        b.read_until_ready_rendered().await,
        [
            "ParseComplete",
            "ParameterDescription[text,int8]",
            "RowDescription[s:text,m:int8]",
            "ReadyForQuery I"
        ]
    );

    // Reused many times without DEALLOCATE, each connection always gets its own statement.
    for i in 0..10 {
        let n = i.to_string();
        a.send_bind("", "P_0", &[Some(&n)]);
        a.send_describe_portal("");
        a.send_execute("", 0);
        a.send_sync();
        b.send_bind("", "P_0", &[Some(&n), Some(&n)]);
        b.send_describe_portal("");
        b.send_execute("", 0);
        b.send_sync();
        a.write_out().await;
        b.write_out().await;
        assert_eq!(
            a.read_until_ready_rendered().await,
            [
                "BindComplete".to_owned(),
                "RowDescription[n:int4]".to_owned(),
                format!("DataRow[{}]", i + 1),
                "CommandComplete SELECT 1".to_owned(),
                "ReadyForQuery I".to_owned()
            ]
        );
        assert_eq!(
            b.read_until_ready_rendered().await,
            [
                "BindComplete".to_owned(),
                "RowDescription[s:text,m:int8]".to_owned(),
                format!("DataRow[\"{i}!\",{}]", i * 2),
                "CommandComplete SELECT 1".to_owned(),
                "ReadyForQuery I".to_owned()
            ]
        );
    }

    // Within one connection the name is taken (42P05) until closed; the other connection is
    // unaffected by both the error and the Close.
    a.send_parse("P_0", "select 2", &[]);
    a.send_sync();
    assert_eq!(
        a.read_until_ready_rendered().await,
        ["Error 42P05", "ReadyForQuery I"]
    );
    a.send_close_statement("P_0");
    a.send_bind("", "P_0", &[Some("1")]);
    a.send_sync();
    assert_eq!(
        a.read_until_ready_rendered().await,
        ["CloseComplete", "Error 26000", "ReadyForQuery I"]
    );
    b.send_bind("", "P_0", &[Some("x"), Some("5")]);
    b.send_execute("", 0);
    b.send_sync();
    assert_eq!(
        b.read_until_ready_rendered().await,
        [
            "BindComplete",
            "DataRow[\"x!\",10]",
            "CommandComplete SELECT 1",
            "ReadyForQuery I"
        ]
    );
    a.send_parse("P_0", "select $1::int * 10 as n", &[]);
    a.send_bind("", "P_0", &[Some("4")]);
    a.send_describe_portal("");
    a.send_execute("", 0);
    a.send_sync();
    assert_eq!(
        a.read_until_ready_rendered().await,
        [
            "ParseComplete",
            "BindComplete",
            "RowDescription[n:int4]",
            "DataRow[40]",
            "CommandComplete SELECT 1",
            "ReadyForQuery I"
        ]
    );

    // tokio-postgres prepares named statements on two connections at once; binary results.
    let (x, y) = (t.connect().await, t.connect().await);
    let sql = "select $1::int8 * 3 as n";
    let (px, py) = tokio::join!(x.prepare(sql), y.prepare(sql));
    let (px, py) = (px.expect("prepare on x"), py.expect("prepare on y"));
    for i in 0..10i64 {
        let j = i + 100;
        let (ix, iy): ([&(dyn ToSql + Sync); 1], [&(dyn ToSql + Sync); 1]) = ([&i], [&j]);
        let (rx, ry) = tokio::join!(x.query_one(&px, &ix), y.query_one(&py, &iy));
        assert_eq!(rx.expect("query on x").get::<_, i64>(0), i * 3);
        assert_eq!(ry.expect("query on y").get::<_, i64>(0), (i + 100) * 3);
    }
}

on_both!(pipelined_batches_in_one_write_are_answered_in_order);
async fn pipelined_batches_in_one_write_are_answered_in_order(t: &Target) {
    let mut c = t.raw().await;
    c.send_query("create table pl (id int)");
    c.send_query("insert into pl values (1), (2)");
    c.send_extended("insert into pl values ($1)", &[Some("3")]);
    c.send_query("select count(*) as n from pl");
    c.send_extended("select id from pl where id > $1 order by id", &[Some("1")]);
    c.send_query("begin");
    c.send_extended("insert into pl values ($1)", &[Some("4")]);
    c.send_query("rollback");
    c.send_query("select count(*) as n from pl");
    c.send_query("select 'last' as tag");
    // Everything above leaves in one write when the first read flushes the buffer.
    let expected: [&[&str]; 10] = [
        &["CommandComplete CREATE TABLE", "ReadyForQuery I"],
        &["CommandComplete INSERT 0 2", "ReadyForQuery I"],
        &[
            "ParseComplete",
            "BindComplete",
            "NoData",
            "CommandComplete INSERT 0 1",
            "ReadyForQuery I",
        ],
        &[
            "RowDescription[n:int8]",
            "DataRow[3]",
            "CommandComplete SELECT 1",
            "ReadyForQuery I",
        ],
        &[
            "ParseComplete",
            "BindComplete",
            "RowDescription[id:int4]",
            "DataRow[2]",
            "DataRow[3]",
            "CommandComplete SELECT 2",
            "ReadyForQuery I",
        ],
        &["CommandComplete BEGIN", "ReadyForQuery T"],
        &[
            "ParseComplete",
            "BindComplete",
            "NoData",
            "CommandComplete INSERT 0 1",
            "ReadyForQuery T",
        ],
        &["CommandComplete ROLLBACK", "ReadyForQuery I"],
        &[
            "RowDescription[n:int8]",
            "DataRow[3]",
            "CommandComplete SELECT 1",
            "ReadyForQuery I",
        ],
        &[
            "RowDescription[tag:text]",
            "DataRow[\"last\"]",
            "CommandComplete SELECT 1",
            "ReadyForQuery I",
        ],
    ];
    for (i, want) in expected.iter().enumerate() {
        assert_eq!(c.read_until_ready_rendered().await, *want, "batch {i}");
    }
}

on_both!(execute_with_row_limit_suspends_and_resumes_across_flush_and_sync);
async fn execute_with_row_limit_suspends_and_resumes_across_flush_and_sync(t: &Target) {
    let mut c = t.raw().await;
    c.query("create table rl (id int)").await;
    c.query("insert into rl values (1), (2), (3), (4), (5)")
        .await;

    // A suspended portal survives a Flush (the end of a batch).
    c.send_parse("", "select id from rl order by id", &[]);
    c.send_bind("c", "", &[]);
    c.send_describe_portal("c");
    c.send_execute("c", 2);
    c.send_flush();
    assert_eq!(
        read_n(&mut c, 6).await,
        [
            "ParseComplete",
            "BindComplete",
            "RowDescription[id:int4]",
            "DataRow[1]",
            "DataRow[2]",
            "PortalSuspended"
        ]
    );
    c.send_execute("c", 2);
    c.send_execute("c", 0);
    c.send_sync();
    assert_eq!(
        c.read_until_ready_rendered().await,
        [
            "DataRow[3]",
            "DataRow[4]",
            "PortalSuspended",
            "DataRow[5]",
            "CommandComplete SELECT 1",
            "ReadyForQuery I"
        ]
    );

    // Inside a transaction a named portal survives Sync, until the transaction ends.
    assert_eq!(
        c.query("begin").await,
        ["CommandComplete BEGIN", "ReadyForQuery T"]
    );
    c.send_parse("s", "select id from rl where id >= $1 order by id", &[]);
    c.send_bind("cur", "s", &[Some("2")]);
    c.send_execute("cur", 3);
    c.send_sync();
    assert_eq!(
        c.read_until_ready_rendered().await,
        [
            "ParseComplete",
            "BindComplete",
            "DataRow[2]",
            "DataRow[3]",
            "DataRow[4]",
            "PortalSuspended",
            "ReadyForQuery T"
        ]
    );
    c.send_execute("cur", 0);
    c.send_sync();
    assert_eq!(
        c.read_until_ready_rendered().await,
        ["DataRow[5]", "CommandComplete SELECT 1", "ReadyForQuery T"]
    );
    assert_eq!(
        c.query("commit").await,
        ["CommandComplete COMMIT", "ReadyForQuery I"]
    );
    c.send_execute("cur", 0);
    c.send_sync();
    assert_eq!(
        c.read_until_ready_rendered().await,
        ["Error 34000", "ReadyForQuery I"]
    );
}

on_both!(error_in_extended_batch_skips_to_sync_and_rolls_back_the_batch);
async fn error_in_extended_batch_skips_to_sync_and_rolls_back_the_batch(t: &Target) {
    let mut c = t.raw().await;
    c.query("create table es (id int)").await;
    // The batch up to Sync is one implicit transaction: the first insert is undone, the
    // statements after the error are skipped without a word.
    c.send_parse("", "insert into es values (1)", &[]);
    c.send_bind("", "", &[]);
    c.send_execute("", 0);
    c.send_parse("", "selec 2", &[]);
    c.send_bind("", "", &[]);
    c.send_execute("", 0);
    c.send_parse("", "insert into es values (3)", &[]);
    c.send_bind("", "", &[]);
    c.send_execute("", 0);
    c.send_sync();
    // A second Sync gets its own ReadyForQuery and nothing else.
    c.send_sync();
    assert_eq!(
        c.read_until_ready_rendered().await,
        [
            "ParseComplete",
            "BindComplete",
            "CommandComplete INSERT 0 1",
            "Error 42601",
            "ReadyForQuery I"
        ]
    );
    assert_eq!(c.read_until_ready_rendered().await, ["ReadyForQuery I"]);
    assert_eq!(
        c.query("select count(*) as n from es").await,
        [
            "RowDescription[n:int8]",
            "DataRow[0]",
            "CommandComplete SELECT 1",
            "ReadyForQuery I"
        ]
    );

    // An error at Bind (a parameter that is not an integer) skips the Execute.
    c.send_parse("", "select $1::int as n", &[]);
    c.send_bind("", "", &[Some("not a number")]);
    c.send_execute("", 0);
    c.send_sync();
    assert_eq!(
        c.read_until_ready_rendered().await,
        ["ParseComplete", "Error 22P02", "ReadyForQuery I"]
    );
    c.send_extended("insert into es values ($1)", &[Some("4")]);
    assert_eq!(
        c.read_until_ready_rendered().await,
        [
            "ParseComplete",
            "BindComplete",
            "NoData",
            "CommandComplete INSERT 0 1",
            "ReadyForQuery I"
        ]
    );
    assert_eq!(
        c.query("select id from es").await,
        [
            "RowDescription[id:int4]",
            "DataRow[4]",
            "CommandComplete SELECT 1",
            "ReadyForQuery I"
        ]
    );
}

on_both!(statements_with_trailing_semicolons_inside_parse);
async fn statements_with_trailing_semicolons_inside_parse(t: &Target) {
    let mut c = t.raw().await;
    c.query("create table ts (id int)").await;
    c.send_extended("select 1 as one;", &[]);
    assert_eq!(
        c.read_until_ready_rendered().await,
        [
            "ParseComplete",
            "BindComplete",
            "RowDescription[one:int4]",
            "DataRow[1]",
            "CommandComplete SELECT 1",
            "ReadyForQuery I"
        ]
    );
    c.send_extended("select $1::int as n ;  \n", &[Some("5")]);
    assert_eq!(
        c.read_until_ready_rendered().await,
        [
            "ParseComplete",
            "BindComplete",
            "RowDescription[n:int4]",
            "DataRow[5]",
            "CommandComplete SELECT 1",
            "ReadyForQuery I"
        ]
    );
    c.send_parse("ins", "insert into ts values ($1);", &[]);
    c.send_bind("", "ins", &[Some("7")]);
    c.send_execute("", 0);
    c.send_bind("", "ins", &[Some("8")]);
    c.send_execute("", 0);
    c.send_sync();
    assert_eq!(
        c.read_until_ready_rendered().await,
        [
            "ParseComplete",
            "BindComplete",
            "CommandComplete INSERT 0 1",
            "BindComplete",
            "CommandComplete INSERT 0 1",
            "ReadyForQuery I"
        ]
    );
    // Two statements are not one statement with a semicolon.
    c.send_parse("", "select 1; select 2", &[]);
    c.send_sync();
    assert_eq!(
        c.read_until_ready_rendered().await,
        ["Error 42601", "ReadyForQuery I"]
    );

    // tokio-postgres (binary results) with semicolons.
    let client = t.connect().await;
    let row = client
        .query_one("select $1::int4 + 1 as n;", &[&1i32])
        .await
        .expect("query with a trailing semicolon");
    assert_eq!(row.get::<_, i32>(0), 2);
    let insert = client
        .prepare("insert into ts values ($1);")
        .await
        .expect("prepare with a trailing semicolon");
    assert_eq!(client.execute(&insert, &[&9i32]).await.expect("insert"), 1);
    let ids: Vec<i32> = client
        .query("select id from ts order by id;", &[])
        .await
        .expect("select")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(ids, [7, 8, 9]);
}

on_both!(answers_in_a_transaction_keep_their_order_while_the_client_does_not_read);
async fn answers_in_a_transaction_keep_their_order_while_the_client_does_not_read(t: &Target) {
    // Each query is its own batch with a small answer inside a transaction block, which devdb
    // hands to its sender thread; every tenth answer is large, which the session writes itself.
    // The client reads nothing until the end, so the socket fills, and the sender must give
    // the rest of an answer back to the session, which sends it before anything later.
    const QUERIES: usize = 1200;
    let size = |n: usize| if n % 10 == 9 { 20_000 } else { 4000 };
    let mut c = t.raw().await;
    c.send_query("begin");
    for n in 0..QUERIES {
        c.send_query(&format!(
            "select repeat(chr(65 + {n} % 26), {}) as s, {n} as n",
            size(n)
        ));
        c.write_out().await;
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    c.send_query("commit");
    assert_eq!(
        c.read_until_ready_rendered().await,
        ["CommandComplete BEGIN", "ReadyForQuery T"]
    );
    for n in 0..QUERIES {
        let letter = char::from(b'A' + (n % 26) as u8);
        let row = format!("DataRow[\"{}\",{n}]", letter.to_string().repeat(size(n)));
        assert_eq!(
            c.read_until_ready_rendered().await,
            [
                "RowDescription[s:text,n:int4]",
                row.as_str(),
                "CommandComplete SELECT 1",
                "ReadyForQuery T"
            ],
            "query {n}"
        );
    }
    assert_eq!(
        c.read_until_ready_rendered().await,
        ["CommandComplete COMMIT", "ReadyForQuery I"]
    );
}
