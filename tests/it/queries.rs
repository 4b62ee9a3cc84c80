//! The query features apps and ORMs use beyond plain SELECT, on devdb and on PostgreSQL 15 side
//! by side (see `harness::compare`): LATERAL joins as drizzle-orm's relational queries write
//! them, window functions, DISTINCT ON, aggregate clauses, set operations, pattern matching, cursors
//! and data-modifying WITH with bound parameters.

use crate::harness::{DevDb, Postgres, compare, compare_extended};

/// Authors, their posts and the posts' comments, with a NULL score and an author without posts.
const BLOG: &[&str] = &[
    "create table users (id serial primary key, name text not null, email text)",
    "create table posts (id serial primary key, author_id int not null references users(id), \
     title text not null, score int, published boolean not null default true)",
    "create table comments (id serial primary key, post_id int not null references posts(id), \
     body text not null)",
    "insert into users (name, email) values ('alice', 'a@x.io'), ('bob', null), ('carol', 'c@x.io')",
    "insert into posts (author_id, title, score, published) values (1, 'Hello', 10, true), \
     (1, 'World', 5, false), (2, 'Bob post', 7, true), (1, 'Third', null, true), (2, 'Again', 7, true)",
    "insert into comments (post_id, body) values (1, 'nice'), (1, 'great'), (3, 'meh')",
];

fn blog<'a>(rest: &[&'a str]) -> Vec<&'a str> {
    let mut all = BLOG.to_vec();
    all.extend_from_slice(rest);
    all
}

/// drizzle-orm's `db.query.users.findMany({ with: { posts: { with: { comments: true } } } })`
/// and `db.query.posts.findMany({ with: { author: true } })`, as its pg-core dialect writes them.
const DRIZZLE_RELATIONAL: &[&str] = &[
    "select \"users\".\"id\", \"users\".\"name\", \"users_posts\".\"data\" as \"posts\" from \"users\" \
     left join lateral (select coalesce(json_agg(json_build_array(\"users_posts\".\"id\", \
     \"users_posts\".\"title\")), '[]'::json) as \"data\" from \"posts\" \"users_posts\" \
     where \"users\".\"id\" = \"users_posts\".\"author_id\") \"users_posts\" on true \
     order by \"users\".\"id\"",
    "select \"users\".\"id\", \"users_posts\".\"data\" as \"posts\" from \"users\" left join lateral \
     (select coalesce(json_agg(json_build_array(\"users_posts\".\"id\", \"users_posts\".\"title\", \
     \"users_posts_comments\".\"data\") order by \"users_posts\".\"id\" desc), '[]'::json) as \"data\" \
     from \"posts\" \"users_posts\" left join lateral (select coalesce(json_agg(json_build_array(\
     \"users_posts_comments\".\"id\", \"users_posts_comments\".\"body\")), '[]'::json) as \"data\" \
     from \"comments\" \"users_posts_comments\" where \"users_posts_comments\".\"post_id\" = \
     \"users_posts\".\"id\") \"users_posts_comments\" on true where \"users_posts\".\"author_id\" = \
     \"users\".\"id\") \"users_posts\" on true order by \"users\".\"id\"",
    "select \"posts\".\"id\", \"posts\".\"title\", \"posts_author\".\"data\" as \"author\" from \"posts\" \
     left join lateral (select json_build_array(\"posts_author\".\"id\", \"posts_author\".\"name\") \
     as \"data\" from (select * from \"users\" \"posts_author\" where \"posts_author\".\"id\" = \
     \"posts\".\"author_id\" limit 1) \"posts_author\") \"posts_author\" on true order by \"posts\".\"id\"",
];

#[tokio::test]
async fn drizzle_relational_queries_match_postgres() {
    compare(&blog(DRIZZLE_RELATIONAL)).await;
    compare_extended(&blog(DRIZZLE_RELATIONAL)).await;
}

#[tokio::test]
async fn lateral_subqueries_match_postgres() {
    compare(&blog(&[
        "select u.id, p.title from users u left join lateral \
         (select title from posts where posts.author_id = u.id order by id limit 1) p on true order by u.id",
        "select u.name, p.* from users u cross join lateral \
         (select title, score from posts where author_id = u.id order by score desc nulls last limit 1) p \
         order by 1",
        "select u.name, s.n, s.best from users u, lateral \
         (select count(*) as n, max(score) as best from posts where author_id = u.id) s order by 1",
        "select u.name, p.title from users u join lateral \
         (select title from posts where author_id = u.id order by id limit 1) p on p.title <> 'Hello' \
         order by 1",
        "select * from lateral (select 1 as one) x",
    ]))
    .await;
}

#[tokio::test]
async fn set_returning_functions_read_the_items_to_their_left() {
    compare(&blog(&[
        "select u.id, x from users u cross join lateral generate_series(1, u.id) x order by 1, 2",
        "select u.id, x from users u, generate_series(u.id, 1, -1) as x order by 1, 2",
        "select u.id, g.* from users u left join generate_series(2, u.id) g on true order by 1, 2",
        "select x, count(*) from generate_series(1, 3) x group by x order by x desc",
        "select g from generate_series(5, 1, -2) g order by g",
    ]))
    .await;
}

/// A LATERAL subquery that yields several rows per left row fails loudly (see docs/compat.md),
/// where PostgreSQL returns them all.
#[tokio::test]
async fn lateral_subquery_with_several_rows_is_refused() {
    let devdb = DevDb::start(&[]);
    let client = devdb.connect().await;
    client.batch_execute(&BLOG.join(";")).await.expect("schema");
    let err = client
        .query(
            "select u.id, p.title from users u left join lateral \
             (select title from posts where posts.author_id = u.id) p on true",
            &[],
        )
        .await
        .expect_err("several rows per left row");
    assert_eq!(err.code().map(|c| c.code()), Some("0A000"));
}

/// drizzle-orm sends `limit $1` inside its one-relation subquery; the same answer on both
/// servers with the limit as a bound parameter.
#[tokio::test]
async fn drizzle_one_relation_with_limit_parameter_matches_postgres() {
    let Some(pg) = Postgres::start() else { return };
    let database = pg.fresh_database("lateral").await;
    let oracle = pg.connect_to(&database).await;
    let devdb = DevDb::start(&[]);
    let client = devdb.connect().await;
    let sql = "select \"posts\".\"id\", \"posts_author\".\"data\"::text from \"posts\" left join lateral \
               (select json_build_array(\"posts_author\".\"id\", \"posts_author\".\"name\") as \"data\" \
               from (select * from \"users\" \"posts_author\" where \"posts_author\".\"id\" = \
               \"posts\".\"author_id\" limit $1) \"posts_author\") \"posts_author\" on true \
               order by \"posts\".\"id\" limit $2";
    let mut answers = Vec::new();
    for c in [&oracle, &client] {
        c.batch_execute(&BLOG.join(";")).await.expect("schema");
        let rows = c.query(sql, &[&1_i64, &3_i64]).await.expect("query");
        let rows: Vec<(i32, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        answers.push(rows);
    }
    assert_eq!(answers[0].len(), 3);
    assert_eq!(answers[0], answers[1]);
}

#[tokio::test]
async fn window_functions_match_postgres() {
    compare(&blog(&[
        "select id, title, row_number() over (order by id) from posts order by id",
        "select author_id, title, rank() over (partition by author_id order by score desc nulls last), \
         dense_rank() over (order by score), percent_rank() over (order by score), \
         cume_dist() over (order by score) from posts order by id",
        "select title, lag(score) over (order by id), lead(score, 1, 0) over (order by id), \
         lag(title, 2) over (order by id) from posts order by id",
        "select title, sum(score) over (partition by author_id order by id \
         rows between unbounded preceding and current row), count(*) over (), \
         max(score) over (order by id rows between 1 preceding and 1 following) from posts order by id",
        "select title, first_value(title) over w, last_value(title) over w, ntile(2) over w, \
         nth_value(title, 2) over w from posts \
         window w as (order by id rows between unbounded preceding and unbounded following) order by id",
        "select author_id, sum(score), rank() over (order by sum(score) desc) from posts \
         group by author_id order by 1",
        "select title, row_number() over (order by score nulls first, id) from posts order by id",
        "select title, json_agg(title) over (order by id) from posts order by id",
        "select title, string_agg(title, ',') over (partition by author_id order by id) from posts order by id",
        "select row_number() from posts",
        "select lower(title) over () from posts",
    ]))
    .await;
}

#[tokio::test]
async fn aggregate_filter_and_order_by_match_postgres() {
    compare(&blog(&[
        "select count(*) filter (where published), sum(score) filter (where score > 5), \
         count(score) filter (where author_id = 1) from posts",
        "select string_agg(title, ',' order by title desc) from posts",
        "select author_id, string_agg(title, '|' order by id) filter (where published), \
         json_agg(title order by title) filter (where score is not null) from posts \
         group by author_id order by 1",
        "select bool_and(published) filter (where author_id = 2), bool_or(published), every(published) \
         from posts",
        "select lower(title) filter (where true) from posts",
    ]))
    .await;
}

#[tokio::test]
async fn distinct_on_matches_postgres() {
    compare(&blog(&[
        "select distinct on (author_id) author_id, title from posts order by author_id, id desc",
        "select distinct on (author_id) title from posts order by author_id, score desc nulls last, id",
        "select distinct on (1) author_id, title from posts order by 1, title",
        "select distinct on (author_id, published) author_id, published, title from posts \
         order by author_id, published, title desc",
        "select distinct on (author_id) author_id, title from posts order by title",
        "select * from (select distinct on (author_id) author_id, score from posts \
         order by author_id, score) s order by score",
    ]))
    .await;
}

#[tokio::test]
async fn set_operations_all_match_postgres() {
    compare(&blog(&[
        "select author_id from posts intersect all select author_id from posts where published order by 1",
        "select author_id from posts except all select 1 order by author_id",
        "select id from users except all select author_id from posts order by 1",
        "select * from (select author_id, published from posts except all \
         select author_id, true from posts where score > 6) s order by 1, 2",
        "select 1 union select 2 intersect select 2 order by 1",
        "select x from (values (1), (1), (2), (null)) v(x) intersect all \
         select x from (values (1), (null), (null)) w(x) order by 1",
        "values (1, 'a'), (2, 'b') except all values (2, 'b') order by 1",
    ]))
    .await;
}

#[tokio::test]
async fn pattern_matching_matches_postgres() {
    compare(&blog(&[
        "select 'abc' ~ '^a', 'ABC' ~* 'b', 'abc' !~ 'z', 'abc' !~* 'Z', 'a1b22' ~ '\\d{2}', \
         'x' ~ '[[:alpha:]]'",
        "select title from posts where title ~* '^(hello|world)$' order by 1",
        "select name from users where email !~ '@x\\.io$' or email is null order by 1",
        "select 'abc' similar to 'a(b|c)+', 'abc' similar to 'a%', 'abc' not similar to '_b_', \
         'a.c' similar to 'a.c', 'abc' similar to 'a.c', 'a%c' similar to 'a#%c' escape '#'",
        "select 'a_c' like 'a#_c' escape '#', 'abc' like 'a#_c' escape '#', 'ABC' ilike 'a%', \
         'a\\c' like 'a\\\\c'",
        "select 'abc' ~ '('",
        "select 1 ~ 'a'",
    ]))
    .await;
}

#[tokio::test]
async fn string_functions_match_postgres() {
    compare(&blog(&[
        "select split_part('a,b,c', ',', 2), split_part('a,b,c', ',', -1), split_part('a,b,c', ',', 5), \
         split_part('abc', '', 1)",
        "select split_part('a,b', ',', 0)",
        "select initcap('hello wORLD-foo bar1baz'), lpad('5', 3, '0'), rpad('ab', 4, '*'), \
         lpad('hello', 2), rpad('x', 5) || '|', reverse('abc'), translate('12345', '143', 'ax')",
        "select md5('abc'), md5(''), md5(name) from users order by id",
        "select encode('abc'::bytea, 'hex'), encode('abc'::bytea, 'base64'), decode('616263', 'hex'), \
         decode('YWJj', 'base64'), encode('a\\\\b'::bytea, 'escape')",
        "select decode('abc', 'hex')",
        "select regexp_replace('foo bar foo', 'foo', 'X', 'g'), regexp_replace('foo bar', 'o+', 'X'), \
         regexp_replace('John Smith', '(\\w+) (\\w+)', '\\2, \\1'), regexp_replace('abc', 'B', '[\\&]', 'gi'), \
         regexp_replace('a$b', '\\$', 'd')",
        "select concat_ws('-', 'a', null, 'b', 1), concat_ws(',', 'x'), concat_ws(null, 'a')",
        "select concat_ws(', ', name, email) from users order by id",
    ]))
    .await;
}

#[tokio::test]
async fn math_functions_match_postgres() {
    compare(&[
        "select ceil(2.1), floor(-2.1), trunc(2.567, 1), trunc(-2.5), power(2, 10), sqrt(16), \
         mod(10, 3), ceiling(1.5::float8), floor(2.5::float8)",
        "select ceil(-0.5), floor(7), trunc(123.456, -1), trunc(5), mod(-7, 3), sqrt(2), \
         ceil(2.5::float8), trunc(-2.7::float8)",
        "select power(0, -1)",
        "select sqrt(-1)",
        "select mod(1, 0)",
    ])
    .await;
}

#[tokio::test]
async fn session_functions_match_postgres() {
    compare(&[
        "select hashtext('abc'), hashtext(''), hashtext('drizzle-migrations-lock'), \
         hashtext('a somewhat longer key of more than twelve bytes!'), hashtext('héllo wörld 12345')",
        "select pg_advisory_lock(1), pg_try_advisory_lock(2), pg_advisory_unlock(1), \
         pg_advisory_unlock(2), pg_advisory_unlock(3)",
        "select pg_advisory_lock(1, 2), pg_try_advisory_lock(1, 2), pg_advisory_unlock(1, 2), \
         pg_advisory_unlock(1, 2), pg_advisory_unlock(1, 2)",
        "begin",
        "select pg_advisory_xact_lock(5), pg_try_advisory_xact_lock(6)",
        "select pg_advisory_unlock(5)",
        "commit",
        "select pg_advisory_lock(hashtext('x')), pg_advisory_unlock_all()",
        "select set_config('application_name', 'x', false), current_setting('application_name')",
        "select set_config('myapp.user_id', '42', false), current_setting('myapp.user_id')",
        "begin",
        "select set_config('myapp.user_id', '7', true)",
        "commit",
        "select current_setting('myapp.user_id')",
        "select txid_current() = txid_current(), txid_current() > 0",
        "select pg_postmaster_start_time() <= now()",
    ])
    .await;
}

/// Advisory locks are real across sessions: a lock one session holds is refused to another
/// until it is unlocked, its transaction ends (xact locks) or its session ends.
#[tokio::test]
async fn advisory_locks_exclude_other_sessions() {
    let devdb = DevDb::start(&[]);
    let a = devdb.connect().await;
    let b = devdb.connect().await;
    let try_lock = "select pg_try_advisory_lock(42)";
    let got = |rows: Vec<tokio_postgres::Row>| -> bool { rows[0].get(0) };
    a.query("select pg_advisory_lock(42)", &[])
        .await
        .expect("a locks");
    assert!(!got(b.query(try_lock, &[]).await.expect("b tries")));
    // devdb cannot wait on the database thread: 55P03 at once (docs/compat.md).
    let err = b
        .query("select pg_advisory_lock(42)", &[])
        .await
        .expect_err("held by a");
    assert_eq!(err.code().map(|c| c.code()), Some("55P03"));
    a.query("select pg_advisory_unlock(42)", &[])
        .await
        .expect("a unlocks");
    assert!(got(b.query(try_lock, &[]).await.expect("b locks")));
    assert!(!got(a.query(try_lock, &[]).await.expect("a tries")));
    drop(b);
    // The session's end releases its locks; give the server a moment to see it go.
    let mut free = false;
    for _ in 0..100 {
        if got(a.query(try_lock, &[]).await.expect("a tries again")) {
            free = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(free, "the lock of a closed session was not released");

    let c = devdb.connect().await;
    a.batch_execute("begin; select pg_advisory_xact_lock(7)")
        .await
        .expect("xact lock");
    assert!(!got(c
        .query("select pg_try_advisory_lock(7)", &[])
        .await
        .expect("c tries")));
    a.batch_execute("commit").await.expect("commit");
    assert!(got(c
        .query("select pg_try_advisory_lock(7)", &[])
        .await
        .expect("c locks")));
}

#[tokio::test]
async fn json_set_returning_functions_match_postgres() {
    compare(&[
        "create table docs (id int primary key, doc jsonb, raw json)",
        "insert into docs values (1, '{\"a\": 1, \"b\": [1, 2]}', '[\"x\", 2]'), \
         (2, '{\"c\": null}', '[]'), (3, '{}', '[{\"k\":true}]')",
        "select * from jsonb_each('{\"a\":1,\"b\":\"x\",\"c\":null,\"d\":[1, 2],\"e\":true,\"f\":1.50}')",
        "select * from json_each('{\"a\":1,\"b\":\"x\",\"c\":null,\"e\":true,\"f\":1.50}')",
        "select * from jsonb_each_text('{\"a\":1,\"b\":\"x\",\"c\":null,\"d\":[1,2],\"e\":true}')",
        "select * from json_array_elements('[1,\"two\",{\"a\":3},null]')",
        "select value from jsonb_array_elements_text('[\"a\",\"b\",null,1]') order by 1",
        "select * from jsonb_object_keys('{\"a\":1,\"b\":2}') order by 1",
        "select k from json_object_keys('{\"x\":1,\"y\":2}') k order by 1",
        "select t.k, t.v from json_each_text('{\"a\":\"1\"}') as t(k, v)",
        "select d.id, e.key, e.value from docs d, jsonb_each(d.doc) e order by 1, 2",
        "select d.id, x from docs d cross join lateral json_array_elements_text(d.raw) x order by 1, 2",
        "select d.id, count(k) from docs d left join jsonb_object_keys(d.doc) k on true \
         group by d.id order by 1",
    ])
    .await;
}

/// PostgreSQL describes the result before the function fails on its argument; devdb fails
/// first. The SQLSTATE is the same.
#[tokio::test]
async fn json_set_returning_functions_refuse_the_wrong_kind_of_document() {
    let devdb = DevDb::start(&[]);
    let client = devdb.connect().await;
    for sql in [
        "select * from json_array_elements('{\"a\":1}')",
        "select * from jsonb_each('[1]')",
        "select * from jsonb_object_keys('3')",
    ] {
        let err = client.query(sql, &[]).await.expect_err(sql);
        assert_eq!(err.code().map(|c| c.code()), Some("22023"), "{sql}");
    }
}

/// drizzle's relational queries nest one LATERAL level per `with`: three levels translate
/// (the database thread gives translation the stack it needs) and match PostgreSQL.
#[tokio::test]
async fn three_nested_lateral_levels_match_postgres() {
    compare(&[
        r#"create table u (id int primary key, name text)"#,
        r#"create table p (id int primary key, author_id int, title text)"#,
        r#"create table c (id int primary key, post_id int, body text)"#,
        r#"create table l (id int primary key, comment_id int, who text)"#,
        r#"insert into u values (1,'a')"#,
        r#"insert into p values (1,1,'t')"#,
        r#"insert into c values (1,1,'b')"#,
        r#"insert into l values (1,1,'x')"#,
        r#"select "u"."id", "u"."name", "u_p"."data" as "p" from "u" left join lateral (select coalesce(json_agg(json_build_array("u_p"."id", "u_p"."title", "u_p_c"."data") order by "u_p"."id"), '[]'::json) as "data" from (select * from "p" "u_p" where "u_p"."author_id" = "u"."id") "u_p" left join lateral (select coalesce(json_agg(json_build_array("u_p_c"."id", "u_p_c"."body", "u_p_c_l"."data") order by "u_p_c"."id"), '[]'::json) as "data" from (select * from "c" "u_p_c" where "u_p_c"."post_id" = "u_p"."id") "u_p_c" left join lateral (select coalesce(json_agg(json_build_array("u_p_c_l"."id", "u_p_c_l"."who") order by "u_p_c_l"."id"), '[]'::json) as "data" from (select * from "l" "u_p_c_l" where "u_p_c_l"."comment_id" = "u_p_c"."id") "u_p_c_l") "u_p_c_l" on true) "u_p_c" on true) "u_p" on true order by "u"."id""#,
    ])
    .await;
}

/// A cursor declared with a bound parameter, fetched in binary by tokio-postgres (which asks
/// for binary results): the same rows in the same batches on both servers.
#[tokio::test]
async fn cursor_with_parameters_fetches_in_binary_as_postgres() {
    let Some(pg) = Postgres::start() else { return };
    let database = pg.fresh_database("cursor").await;
    let oracle = pg.connect_to(&database).await;
    let devdb = DevDb::start(&[]);
    let client = devdb.connect().await;
    let mut answers = Vec::new();
    for c in [&oracle, &client] {
        c.batch_execute(&BLOG.join(";")).await.expect("schema");
        c.batch_execute("begin").await.expect("begin");
        c.execute(
            "declare posts_by SCROLL cursor for select id, title, score from posts \
             where author_id = $1 order by id",
            &[&1_i32],
        )
        .await
        .expect("declare");
        let mut batches = Vec::new();
        for fetch in [
            "fetch forward 2 from posts_by",
            "fetch next from posts_by",
            "fetch prior from posts_by",
            "fetch all from posts_by",
        ] {
            let rows = c.query(fetch, &[]).await.expect(fetch);
            let rows: Vec<(i32, String, Option<i32>)> = rows
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect();
            batches.push(rows);
        }
        c.batch_execute("commit").await.expect("commit");
        answers.push(batches);
    }
    assert_eq!(answers[0][0].len(), 2);
    assert_eq!(answers[0], answers[1]);
}

/// Data-modifying WITH with bound parameters in its parts, over the extended protocol.
#[tokio::test]
async fn data_modifying_with_binds_parameters_in_every_part() {
    let Some(pg) = Postgres::start() else { return };
    let database = pg.fresh_database("dmwith").await;
    let oracle = pg.connect_to(&database).await;
    let devdb = DevDb::start(&[]);
    let client = devdb.connect().await;
    let sql = "with moved as (delete from comments where post_id = $1 returning id, body), \
               tagged as (insert into comments (post_id, body) select $2::int, body || $3 from moved \
               returning post_id, body) \
               select t.post_id, t.body, (select count(*) from comments) as before from tagged t \
               order by t.body";
    let mut answers = Vec::new();
    for c in [&oracle, &client] {
        c.batch_execute(&BLOG.join(";")).await.expect("schema");
        let rows = c.query(sql, &[&1_i32, &3_i32, &"!"]).await.expect("query");
        let rows: Vec<(i32, String, i64)> = rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        let after = c
            .query("select post_id, body from comments order by body", &[])
            .await
            .expect("after");
        let after: Vec<(i32, String)> = after.iter().map(|r| (r.get(0), r.get(1))).collect();
        answers.push((rows, after));
    }
    assert_eq!(answers[0].0.len(), 2);
    assert_eq!(answers[0], answers[1]);
}
