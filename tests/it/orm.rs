//! The SQL ORM-backed apps send (drizzle-orm, node-postgres, postgres.js, Prisma-style
//! schemas), on devdb and on PostgreSQL 15 side by side (see `harness::compare`): foreign keys
//! and their actions, checks, uuid defaults, json and jsonb, and the join-and-aggregate shape
//! relational query APIs emit.

use crate::harness::{compare, compare_extended};

const USERS_POSTS: &[&str] = &[
    "create table users (id serial primary key, name text not null, email text unique)",
    "create table posts (id serial primary key, user_id int not null references users(id) on delete cascade, \
     title text not null, body text)",
    "insert into users (name, email) values ('ann', 'ann@x.io'), ('bob', 'bob@x.io')",
    "insert into posts (user_id, title) values (1, 'a1'), (1, 'a2'), (2, 'b1')",
];

fn with_schema<'a>(rest: &[&'a str]) -> Vec<&'a str> {
    let mut all: Vec<&str> = USERS_POSTS.to_vec();
    all.extend_from_slice(rest);
    all
}

#[tokio::test]
async fn foreign_key_violations_are_23503() {
    compare(&with_schema(&[
        "insert into posts (user_id, title) values (99, 'orphan')",
        "update posts set user_id = 42 where id = 1",
        "select id, user_id, title from posts order by id",
    ]))
    .await;
}

#[tokio::test]
async fn on_delete_cascade_removes_children() {
    compare(&with_schema(&[
        "delete from users where id = 1",
        "select id, user_id, title from posts order by id",
    ]))
    .await;
}

#[tokio::test]
async fn foreign_key_actions_set_null_restrict_and_no_action() {
    compare(&[
        "create table parent (id int primary key, code text unique)",
        "create table child_null (id int, p int references parent on delete set null)",
        "create table child_restrict (id int, p int, constraint child_restrict_p_fk foreign key (p) references parent (id) on delete restrict on update cascade)",
        "create table child_code (id int, code text references parent (code) on update cascade on delete no action)",
        "insert into parent values (1, 'a'), (2, 'b'), (3, 'c')",
        "insert into child_null values (10, 1)",
        "insert into child_restrict values (20, 2)",
        "insert into child_code values (30, 'c')",
        "delete from parent where id = 1",
        "select * from child_null",
        "delete from parent where id = 2",
        "update parent set id = 22 where id = 2",
        "select * from child_restrict",
        "update parent set code = 'cc' where id = 3",
        "select * from child_code",
        "delete from parent where id = 3",
        "select * from parent order by id",
    ])
    .await;
}

#[tokio::test]
async fn composite_and_deferrable_foreign_keys() {
    compare(&[
        "create table acct (org int, num int, primary key (org, num))",
        "create table entry (id int primary key, org int, num int, \
         foreign key (org, num) references acct (org, num) deferrable initially deferred)",
        "begin",
        "insert into entry values (1, 7, 8)",
        "insert into acct values (7, 8)",
        "commit",
        "begin",
        "insert into entry values (2, 9, 9)",
        "commit",
        "select * from entry order by id",
        "create table bad_ref (x int references acct (num))",
        "create table bad_ref2 (x int references nowhere (id))",
        "create table bad_ref3 (x int, y int, foreign key (x, y) references acct (org))",
    ])
    .await;
}

#[tokio::test]
async fn drop_and_truncate_respect_references() {
    compare(&with_schema(&[
        "drop table users",
        "truncate users",
        "truncate users cascade",
        "select count(*) from posts",
        "drop table posts, users",
        "select count(*) from users",
    ]))
    .await;
}

#[tokio::test]
async fn check_constraints_are_23514() {
    compare(&[
        "create table items (id int primary key, qty int not null check (qty >= 0), \
         price numeric(10,2) constraint price_positive check (price > 0), \
         lo int, hi int, check (lo <= hi), unique (lo, hi))",
        "insert into items values (1, 5, 9.99, 1, 2)",
        "insert into items values (2, -1, 1, 1, 2)",
        "insert into items values (3, 1, 0, 1, 2)",
        "insert into items values (4, 1, 1, 5, 2)",
        "insert into items values (5, 1, 1, 1, 2)",
        "insert into items values (6, 1, null, null, 2)",
        "update items set qty = qty - 10 where id = 1",
        "select * from items order by id",
    ])
    .await;
}

#[tokio::test]
async fn alter_table_adds_foreign_keys_and_checks_like_drizzle_kit() {
    compare(&[
        "CREATE TABLE IF NOT EXISTS \"users\" (\"id\" serial PRIMARY KEY NOT NULL, \"email\" text NOT NULL, CONSTRAINT \"users_email_unique\" UNIQUE(\"email\"))",
        "CREATE TABLE IF NOT EXISTS \"posts\" (\"id\" serial PRIMARY KEY NOT NULL, \"author_id\" integer NOT NULL, \"title\" text)",
        "CREATE TABLE IF NOT EXISTS \"comments\" (\"id\" serial PRIMARY KEY NOT NULL, \"post_id\" integer NOT NULL, \"body\" text)",
        "CREATE INDEX IF NOT EXISTS \"posts_title_idx\" ON \"posts\" USING btree (\"title\")",
        "insert into users (email) values ('a@x.io')",
        "insert into posts (author_id, title) values (1, 't')",
        "insert into comments (post_id, body) values (1, 'c')",
        "ALTER TABLE \"comments\" ADD CONSTRAINT \"comments_post_id_posts_id_fk\" FOREIGN KEY (\"post_id\") REFERENCES \"public\".\"posts\"(\"id\") ON DELETE cascade ON UPDATE no action",
        "ALTER TABLE \"posts\" ADD CONSTRAINT \"posts_author_id_users_id_fk\" FOREIGN KEY (\"author_id\") REFERENCES \"public\".\"users\"(\"id\") ON DELETE cascade ON UPDATE no action",
        "select * from comments",
        "insert into posts (author_id, title) values (5, 'x')",
        "insert into posts (author_id, title) values (1, 't')",
        "insert into users (email) values ('a@x.io')",
        "alter table comments add constraint body_not_empty check (length(body) > 0)",
        "insert into comments (post_id, body) values (1, '')",
        "alter table comments add constraint body_short check (length(body) < 1)",
        "alter table comments drop constraint body_not_empty",
        "insert into comments (post_id, body) values (1, '')",
        "delete from users",
        "select count(*) from posts",
        "select count(*) from comments",
    ])
    .await;
}

#[tokio::test]
async fn uuid_keys_with_random_defaults() {
    compare(&[
        "create extension if not exists \"pgcrypto\"",
        "create table things (id uuid primary key default gen_random_uuid(), name text)",
        "insert into things (name) values ('a'), ('b')",
        "select count(distinct id), count(*) from things",
        "select length(id::text), substr(id::text, 15, 1) from things",
        "select name from things where id = (select id from things where name = 'b')",
    ])
    .await;
}

#[tokio::test]
async fn json_is_kept_verbatim_and_jsonb_normalized() {
    compare(&[
        "create table docs (id int primary key, j json, b jsonb)",
        r#"insert into docs values (1, '{"b":1, "a" : [1,2,{"y":null,"x":true}]}', '{"b":1, "a" : [1,2,{"yy":null,"x":true}], "b": 2}')"#,
        r#"insert into docs values (2, '[1.50, 1e2, -0, "\u00e9\n"]', '[1.50, 1e2, -0, 12e-5, "\u00e9\n", {}]')"#,
        "insert into docs values (3, '{bad', null)",
        "insert into docs values (4, null, '[1,]')",
        "insert into docs values (5, '01', null)",
        "select id, j, b from docs order by id",
        r#"select '{"z": 1, "a": {"c": 2, "b": 3}}'::jsonb, '  {"z" : 1}  '::json, 'null'::jsonb, '"x"'::jsonb"#,
        r#"select '{"a":1}'::json::jsonb, '{"b":2,"a":1}'::jsonb::text"#,
    ])
    .await;
}

#[tokio::test]
async fn jsonb_operators_like_postgres() {
    compare(&[
        "create table ev (id int primary key, data jsonb, raw json)",
        r#"insert into ev values (1, '{"user": {"name": "ann", "tags": ["a", "b"]}, "n": 1.50, "ok": true, "none": null}', '{"user" : {"name" :"ann"}, "list": [1, "two" , 3]}')"#,
        r#"insert into ev values (2, '{"user": {"name": "bob"}, "n": 2}', '[10, 20]')"#,
        "select id, data -> 'user', data ->> 'n', data -> 'user' ->> 'name', data -> 'none', data ->> 'none', data -> 'missing' from ev order by id",
        "select id, raw -> 'user', raw -> 'list' -> 1, raw ->> 'list', raw -> 0, raw ->> -1 from ev order by id",
        "select id, data #> '{user,tags}', data #>> '{user,tags,1}', data #> '{user,tags,-1}' from ev order by id",
        r#"select id from ev where data @> '{"user": {"name": "ann"}}' order by id"#,
        r#"select id, '{"n": 2}' <@ data, data ? 'ok', data ?| '{ok,zz}', data ?& '{ok,n}' from ev order by id"#,
        r#"select data || '{"n": 3, "new": [1]}', data - 'user', '[1, 2, 3]'::jsonb - 1 from ev order by id"#,
        "select jsonb_array_length(data -> 'user' -> 'tags'), jsonb_typeof(data -> 'n'), json_typeof(raw) from ev order by id",
        r#"select jsonb_set(data, '{user,name}', '"zed"'), jsonb_set(data, '{extra}', '[1]'), jsonb_strip_nulls(data) from ev where id = 1"#,
        "select data -> 'user' -> 'name' = '\"ann\"'::jsonb from ev order by id",
    ])
    .await;
}

#[tokio::test]
async fn json_builders_and_untyped_literals() {
    compare(&[
        "create table u (id int primary key, name text, born date, seen timestamptz, at timestamp, score float8, ok bool, n numeric)",
        "insert into u values (1, 'ann \"q\"', '2001-02-03', '2024-05-06 07:08:09.5+00', '2024-05-06 07:08:09', 1.5, true, 12), \
         (2, null, null, null, null, null, false, null)",
        "select json_build_object('id', id, 'name', name, 'born', born, 'seen', seen, 'at', at, 'score', score, 'ok', ok, 'n', n) from u order by id",
        "select jsonb_build_object('name', name, 'id', id, 'ok', ok, 'nested', jsonb_build_object('b', 1, 'a', 2)) from u order by id",
        "select json_build_array(id, name, 'x', null, true), jsonb_build_array(id, name, 'x', 1.25) from u order by id",
        "select json_build_object(), jsonb_build_object(), json_build_array(), json_build_object('a', json_build_object('b', 'c'))",
        "select to_json(name), to_jsonb(id), to_json(seen), to_jsonb(born), to_json(ok), to_json('x'::text) from u order by id",
    ])
    .await;
}

#[tokio::test]
async fn orm_relational_query_shape() {
    compare(&with_schema(&[
        "select u.id, u.name, json_agg(json_build_object('id', p.id, 'title', p.title) order by p.id) as posts \
         from users u left join posts p on p.user_id = u.id group by u.id order by u.id",
        "select u.id, jsonb_agg(jsonb_build_object('title', p.title, 'id', p.id) order by p.id desc) as posts \
         from users u join posts p on p.user_id = u.id group by u.id order by u.id",
        "select json_agg(p.title) from posts p where p.user_id = 99",
        "select json_object_agg(title, id order by id), jsonb_object_agg(title, user_id) from posts",
        "select coalesce(json_agg(t.title order by t.title), '[]'::json) from posts t",
        "insert into users (id, name, email) values (1, 'ann2', 'ann@x.io') \
         on conflict (id) do update set name = excluded.name returning *",
        "insert into users (id, name, email) select 3, 'cy', 'cy@x.io' where true on conflict (email) do nothing returning id",
        "insert into users (id, name, email) select id, 'again', email from users where id = 3 on conflict (id) do update set name = excluded.name returning id, name",
        "insert into posts (user_id, title) select id, 'hello' from users order by id on conflict do nothing",
        "select user_id, title from posts order by id",
    ]))
    .await;
}

#[tokio::test]
async fn orm_queries_with_parameters_over_the_extended_protocol() {
    compare_extended(&with_schema(&[
        "select u.id, u.name, json_agg(json_build_object('id', p.id, 'title', p.title) order by p.id) as posts \
         from users u left join posts p on p.user_id = u.id where u.id = 1 group by u.id",
        "create table tokens (id uuid primary key default gen_random_uuid(), meta jsonb not null default '{}')",
        "insert into tokens (id, meta) values ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"k\": 1}') returning id, meta",
        "select id, meta from tokens where id = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid",
        "update tokens set meta = meta || '{\"z\": true}' returning meta",
    ]))
    .await;
}
