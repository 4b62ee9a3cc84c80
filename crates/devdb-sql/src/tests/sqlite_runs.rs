//! Behaviour checked on SQLite: what translated statements compute.

use devdb_pg::Value;

use super::sqlite::Db;

fn ints(rows: &[Vec<Value>]) -> Vec<i64> {
    rows.iter()
        .map(|r| match r.first() {
            Some(Value::Int(i)) => *i,
            other => panic!("not an int: {other:?}"),
        })
        .collect()
}

fn pgbench_init(db: &mut Db) {
    for sql in [
        "drop table if exists pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers",
        "create table pgbench_history(tid int,bid int,aid    int,delta int,mtime timestamp,filler char(22))",
        "create table pgbench_tellers(tid int not null,bid int,tbalance int,filler char(84)) with (fillfactor=100)",
        "create table pgbench_accounts(aid    int not null,bid int,abalance int,filler char(84)) with (fillfactor=100)",
        "create table pgbench_branches(bid int not null,bbalance int,filler char(88)) with (fillfactor=100)",
        "truncate table pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers",
        "insert into pgbench_branches(bid,bbalance) select bid, 0 from generate_series(1, 1) as bid",
        "insert into pgbench_tellers(tid,bid,tbalance) select tid, (tid - 1) / 10 + 1, 0 from generate_series(1, 10) as tid",
        "insert into pgbench_accounts(aid,bid,abalance,filler) select aid, (aid - 1) / 100000 + 1, 0, '' from generate_series(1, 1000) as aid",
        "vacuum analyze pgbench_branches",
        "vacuum analyze pgbench_tellers",
        "vacuum analyze pgbench_accounts",
        "vacuum analyze pgbench_history",
        "alter table pgbench_branches add primary key (bid)",
        "alter table pgbench_tellers add primary key (tid)",
        "alter table pgbench_accounts add primary key (aid)",
    ] {
        db.ok(sql);
    }
}

#[test]
fn pgbench_init_and_transaction() {
    let mut db = Db::new();
    pgbench_init(&mut db);
    assert_eq!(
        ints(&db.rows("select count(*) from pgbench_accounts")),
        vec![1000]
    );
    assert_eq!(
        ints(&db.rows("select count(*) from pgbench_tellers")),
        vec![10]
    );
    assert_eq!(
        db.rows("select length(filler), filler from pgbench_accounts where aid = 7"),
        vec![vec![Value::Int(0), Value::Text(" ".repeat(84))]]
    );
    db.ok("BEGIN; UPDATE pgbench_accounts SET abalance = abalance + -1234 WHERE aid = 5; END;");
    assert_eq!(
        ints(&db.rows("SELECT abalance FROM pgbench_accounts WHERE aid = 5;")),
        vec![-1234]
    );
    db.ok("INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (3, 1, 5, -1234, CURRENT_TIMESTAMP);");
    assert_eq!(
        db.rows("select mtime from pgbench_history"),
        vec![vec![Value::Int(757_382_400_000_000)]]
    );
    // Extended protocol: parameters bound as their stored form.
    db.run_with(
        "UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2",
        &[Value::Int(5), Value::Int(3)],
    )
    .expect("update");
    assert_eq!(
        ints(&db.rows("select tbalance from pgbench_tellers where tid = 3")),
        vec![5]
    );
    // The primary key added later is enforced.
    let dup = db.run("insert into pgbench_branches (bid, bbalance) values (1, 0)");
    assert!(dup.is_err_and(|e| e.contains("UNIQUE")));
    db.ok("insert into pgbench_history (tid) values (null)");
    let err = db
        .run("alter table pgbench_history add primary key (tid)")
        .expect_err("a NULL tid");
    assert!(err.contains("23502"), "{err}");
}

#[test]
fn arithmetic_errors() {
    let mut db = Db::new();
    for (sql, code) in [
        ("select 1 / 0", "22012"),
        ("select 1 % 0", "22012"),
        ("select 1.5::float8 / 0", "22012"),
        ("select 2147483647 + 1", "22003"),
        ("select 9223372036854775807 + 1", "22003"),
        ("select (-2147483648) * -1", "22003"),
        ("select 'abc'::text::int", "22P02"),
        ("select 40000::int4::int2", "22003"),
        ("select 1 limit -1", "2201W"),
        ("select * from generate_series(1, 3, 0)", "22023"),
    ] {
        let err = db.run(sql).expect_err(sql);
        assert!(err.contains(code), "{sql}: {err}");
    }
}

#[test]
fn values_computed_like_postgres() {
    let mut db = Db::new();
    let one = |db: &mut Db, sql: &str| {
        db.rows(sql)
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().next())
            .unwrap_or(Value::Null)
    };
    assert_eq!(one(&mut db, "select 7 / 2"), Value::Int(3));
    assert_eq!(one(&mut db, "select -7 / 2"), Value::Int(-3));
    assert_eq!(one(&mut db, "select -7 % 3"), Value::Int(-1));
    assert_eq!(
        one(&mut db, "select 7.0 / 2"),
        Value::Text("3.5000000000000000".into())
    );
    assert_eq!(one(&mut db, "select 7::float8 / 2"), Value::Float(3.5));
    assert_eq!(one(&mut db, "select 'abc' like 'A%'"), Value::Int(0));
    assert_eq!(one(&mut db, "select 'abc' ilike 'A%'"), Value::Int(1));
    assert_eq!(one(&mut db, "select 'a_c' like 'a\\_c'"), Value::Int(1));
    assert_eq!(one(&mut db, "select 'abc' like 'a\\_c'"), Value::Int(0));
    assert_eq!(
        one(&mut db, "select 'x' || true || 1.5::float8"),
        Value::Text("xtrue1.5".into())
    );
    assert_eq!(one(&mut db, "select 2.5::float8::int"), Value::Int(2));
    assert_eq!(one(&mut db, "select 3.5::float8::int"), Value::Int(4));
    assert_eq!(
        one(&mut db, "select '2024-01-02 10:00'::timestamp::date::text"),
        Value::Text("2024-01-02".into())
    );
    assert_eq!(one(&mut db, "select greatest(1, null, 3)"), Value::Int(3));
    assert_eq!(
        one(&mut db, "select upper('straße')"),
        Value::Text("STRASSE".into())
    );
    assert_eq!(
        one(&mut db, "select substr('hello', 0, 3)"),
        Value::Text("he".into())
    );
    assert_eq!(
        one(&mut db, "select 'ab'::char(4) || '|'"),
        Value::Text("ab|".into())
    );
    assert_eq!(
        ints(&db.rows("select x from generate_series(10, 1, -3) as g(x)")),
        vec![10, 7, 4, 1]
    );
    assert_eq!(
        ints(&db.rows("select * from generate_series(1, 10, 4)")),
        vec![1, 5, 9]
    );
    assert_eq!(
        ints(&db.rows("select a from (values (1), (2)) as v(a) order by a desc")),
        vec![2, 1]
    );
}

#[test]
fn nulls_sort_like_postgres() {
    let mut db = Db::new();
    db.ok("create table n (v int)");
    db.ok("insert into n values (2), (null), (1)");
    let order = |db: &mut Db, sql: &str| {
        db.rows(sql)
            .into_iter()
            .map(|r| r.into_iter().next().unwrap_or(Value::Null))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        order(&mut db, "select v from n order by v"),
        vec![Value::Int(1), Value::Int(2), Value::Null]
    );
    assert_eq!(
        order(&mut db, "select v from n order by v desc"),
        vec![Value::Null, Value::Int(2), Value::Int(1)]
    );
    assert_eq!(
        order(&mut db, "select v from n order by v nulls first"),
        vec![Value::Null, Value::Int(1), Value::Int(2)]
    );
}

#[test]
fn serial_defaults_and_returning() {
    let mut db = Db::new();
    db.ok("create table items (id serial primary key, name varchar(5) not null, at timestamptz default now(), ok boolean default true)");
    assert_eq!(
        db.rows("insert into items (name) values ('a'), ('b') returning id, ok"),
        vec![
            vec![Value::Int(1), Value::Int(1)],
            vec![Value::Int(2), Value::Int(1)]
        ]
    );
    let err = db
        .run("insert into items default values returning id")
        .expect_err("name is NOT NULL");
    assert!(err.contains("23502"), "{err}");
    let err = db
        .run("insert into items (name) values ('toolong')")
        .expect_err("too long");
    assert!(err.contains("22001"), "{err}");
    let err = db
        .run("insert into items (id, name) values (null, 'x')")
        .expect_err("null pk");
    assert!(err.contains("23502"), "{err}");
    db.ok("update items set name = 'zz' where id = 1");
    assert_eq!(
        db.rows("select name, at from items where id = 1"),
        vec![vec![
            Value::Text("zz".into()),
            Value::Int(757_382_400_000_000)
        ]]
    );
    db.ok("drop table items");
    assert!(db.catalog.tables.is_empty());
    assert!(
        db.run("select count(*) from pgbench_nothing")
            .is_err_and(|e| e.contains("42P01"))
    );
}

#[test]
fn upserts() {
    let mut db = Db::new();
    db.ok("create table kv (k text primary key, v int not null default 0, hits int default 1)");
    db.ok("insert into kv (k, v) values ('a', 1) on conflict do nothing");
    db.ok("insert into kv (k, v) values ('a', 2) on conflict do nothing");
    db.ok("insert into kv (k, v) values ('a', 5) on conflict (k) do update set v = kv.v + excluded.v, hits = kv.hits + 1");
    // FIXME: sqlparser cannot parse INSERT ... SELECT without WHERE followed by ON CONFLICT.
    db.ok("insert into kv (k, v) select 'b', 7 where true on conflict (k) do update set v = excluded.v");
    assert_eq!(
        db.rows("select k, v, hits from kv order by k"),
        vec![
            vec![Value::Text("a".into()), Value::Int(6), Value::Int(2)],
            vec![Value::Text("b".into()), Value::Int(7), Value::Int(1)],
        ]
    );
    let err = db
        .run("insert into kv (k, v) values ('a', 1) on conflict (k) do update set v = null")
        .expect_err("not null");
    assert!(err.contains("23502"), "{err}");
}

#[test]
fn alter_table_forms() {
    let mut db = Db::new();
    db.ok("create table a (x int)");
    db.ok("insert into a values (1), (2)");
    db.ok("alter table a add column y int not null default 7, add column z serial");
    assert_eq!(
        db.rows("select x, y, z from a order by x"),
        vec![
            vec![Value::Int(1), Value::Int(7), Value::Int(1)],
            vec![Value::Int(2), Value::Int(7), Value::Int(2)],
        ]
    );
    let err = db
        .run("alter table a add column w text not null")
        .expect_err("existing rows are NULL");
    assert!(err.contains("23502"), "{err}");
    db.ok("alter table a rename column y to yy");
    db.ok("alter table a rename to b");
    db.ok("insert into b (x) values (3)");
    assert_eq!(
        db.rows("select yy, z from b where x = 3"),
        vec![vec![Value::Int(7), Value::Int(3)]]
    );
    db.ok("alter table b alter column yy set default 9");
    db.ok("alter table b drop column x");
    db.ok("insert into b default values");
    assert_eq!(
        db.rows("select yy from b order by z desc limit 1"),
        vec![vec![Value::Int(9)]]
    );
    let err = db
        .run("insert into b (yy) values (null)")
        .expect_err("NOT NULL");
    assert!(err.contains("23502"), "{err}");
    assert!(
        db.run("select x from b")
            .is_err_and(|e| e.contains("42703"))
    );
}

#[test]
fn select_list_series_keeps_input_order() {
    // PostgreSQL reads each input row, then its series; a small series joined to a larger
    // table (or one with an index) must not become SQLite's outer loop.
    let mut db = Db::new();
    db.ok("create table w (id int primary key, k int)");
    db.ok("create index w_k on w (k)");
    db.ok("insert into w (id, k) select g, 1000 - g from generate_series(1, 500) as g");
    for filter in ["", " where k > 990", " where id between 100 and 120"] {
        let input = ints(&db.rows(&format!("select id from w{filter}")));
        let expected: Vec<i64> = input
            .iter()
            .flat_map(|i| (1..=3).map(move |s| i * 10 + s))
            .collect();
        let rows = db.rows(&format!(
            "select id * 10 + generate_series(1, 3) from w{filter}"
        ));
        assert_eq!(ints(&rows), expected, "{filter}");
    }
}
