//! DDL that migrations emit, against PostgreSQL 15: enum types first.

use postgres_protocol::message::backend::Message;

use crate::harness::{DevDb, compare, compare_error_hints, compare_extended};

const MOOD: &str = "create type mood as enum ('sad', 'ok', 'happy')";

#[tokio::test]
async fn enum_types_are_created_altered_and_dropped_like_postgres() {
    compare(&[
        MOOD,
        "create type mood as enum ('x')",
        "create type dup as enum ('a', 'b', 'a')",
        "create type \"Weird Labels\" as enum ('a b', 'Ünï', '')",
        "create type empty as enum ()",
        "alter type mood add value 'ok'",
        "alter type mood add value if not exists 'ok'",
        "alter type mood add value 'meh' before 'zz'",
        "alter type mood add value 'meh' before 'ok'",
        "alter type mood add value 'ecstatic' after 'happy'",
        "alter type mood add value 'angry' before 'sad'",
        "alter type mood add value 'calm' after 'sad'",
        "alter type mood rename value 'zz' to 'q'",
        "alter type mood rename value 'ok' to 'sad'",
        "alter type nothere add value 'x'",
        "create table people (name text primary key, m mood not null default 'ok')",
        "create type people as enum ('a')",
        "drop type mood",
        "drop type if exists nothere",
        "drop type nothere",
        "drop table people",
        "drop type mood, empty",
        "select 'sad'::mood",
    ])
    .await;
}

#[tokio::test]
async fn enum_values_are_checked_and_ordered_by_declaration_like_postgres() {
    compare(&[
        MOOD,
        "alter type mood add value 'meh' before 'ok'",
        "create table people (name text, m mood)",
        "insert into people values ('a', 'x')",
        "insert into people values ('a', 'happy'), ('b', 'sad'), ('c', null), ('d', 'ok'), ('e', 'meh')",
        "insert into people values ('z', 'sad'::text)",
        "insert into people values ('y', 'ok'::text::mood)",
        "update people set m = 'nope' where name = 'a'",
        "update people set m = 'happy' where name = 'y'",
        "select * from people order by m, name",
        "select * from people order by m desc nulls last, name",
        "select name from people where m > 'meh' order by name",
        "select name from people where m between 'meh' and 'happy' order by name",
        "select name from people where m = 'ok' order by name",
        "select name from people where m in ('ok', 'sad') order by name",
        "select min(m), max(m), count(distinct m) from people",
        "select m, count(*) from people group by m order by m",
        "select m::text, m::varchar(2), 'ok'::mood > 'sad', 'x'::mood from people",
        "select m = 'ok'::text from people",
        "select 1::mood",
        "select m::int from people",
        "select 'ok'::mood",
        "select 'ok'::mood::text || '!'",
        "alter type mood rename value 'meh' to 'so-so'",
        "select name, m from people where m >= 'so-so' order by m, name",
        "alter type mood rename to feeling",
        "select 'ok'::feeling",
        "select 'ok'::mood",
        "select name, m from people order by m, name limit 2",
    ])
    .await;
}

#[tokio::test]
async fn enum_parameters_and_results_over_extended_protocol_like_postgres() {
    compare_extended(&[
        MOOD,
        "create table people (name text, m mood default 'ok')",
        "insert into people (name) values ('a')",
        "insert into people values ('b', 'happy') returning m",
        "select m, m < 'happy' from people order by m",
        "select max(m) from people",
    ])
    .await;
}

#[tokio::test]
async fn enum_ddl_rolls_back_like_postgres() {
    compare(&[
        "begin",
        MOOD,
        "rollback",
        "select 'ok'::mood",
        MOOD,
        "begin",
        "alter type mood add value 'meh'",
        "alter type mood rename value 'ok' to 'fine'",
        "rollback",
        "select 'meh'::mood",
        "select 'ok'::mood",
    ])
    .await;
}

/// The RowDescription type OID of the one column `sql` returns.
async fn column_oid(conn: &mut crate::harness::rawwire::RawConn, sql: &str) -> u32 {
    conn.send_query(sql);
    let messages = conn.read_until_ready().await;
    for m in &messages {
        if let Message::RowDescription(body) = m {
            use fallible_iterator::FallibleIterator;
            let fields: Vec<u32> = body
                .fields()
                .map(|f| Ok(f.type_oid()))
                .collect()
                .expect("fields");
            return fields[0];
        }
    }
    panic!("{sql}: no RowDescription");
}

#[tokio::test]
async fn enum_types_and_their_oids_survive_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().to_string_lossy().into_owned();
    let mut db = DevDb::start(&["--data-dir", &data_dir]);
    let mut conn = db.raw().await;
    for sql in [
        MOOD,
        "create type color as enum ('red', 'green')",
        "alter type mood add value 'meh' before 'ok'",
        "create table people (name text, m mood, c color)",
        "insert into people values ('a', 'happy', 'red'), ('b', 'meh', 'green')",
    ] {
        let answer = conn.query(sql).await;
        assert!(
            answer.iter().all(|m| !m.starts_with("Error")),
            "{sql}: {answer:?}"
        );
    }
    let mood = column_oid(&mut conn, "select m from people").await;
    let color = column_oid(&mut conn, "select c from people").await;
    assert!(
        mood >= 16384 && color >= 16384 && mood != color,
        "{mood} {color}"
    );
    drop(conn);
    db.stop();

    let db = DevDb::start(&["--data-dir", &data_dir]);
    let mut conn = db.raw().await;
    assert_eq!(column_oid(&mut conn, "select m from people").await, mood);
    assert_eq!(column_oid(&mut conn, "select 'red'::color").await, color);
    let rows = conn.query("select name, m from people order by m").await;
    assert!(
        rows.iter().any(|r| r.contains("DataRow[\"b\",\"meh\"]")),
        "{rows:?}"
    );
    let first = rows.iter().position(|r| r.contains("\"b\""));
    let second = rows.iter().position(|r| r.contains("\"a\""));
    assert!(first < second, "meh sorts before happy: {rows:?}");
    let bad = conn
        .query("insert into people values ('c', 'x', 'red')")
        .await;
    assert!(bad.iter().any(|m| m.starts_with("Error 22P02")), "{bad:?}");
}

#[tokio::test]
async fn schemas_are_created_used_and_dropped_like_postgres() {
    compare(&[
        "create schema app",
        "create schema app",
        "create schema if not exists app",
        "create schema if not exists \"Drizzle\"",
        "create schema pg_foo",
        "create schema public",
        "create table app.users (id serial primary key, email text unique not null, name text)",
        "create table users (id int primary key, note text)",
        "create table app.posts (id int primary key, user_id int references app.users (id) on delete cascade, title text)",
        "insert into app.users (email, name) values ('a@x', 'A'), ('b@x', 'B') returning id, email",
        "insert into users values (1, 'public one')",
        "insert into app.posts values (1, 1, 'p1'), (2, 2, 'p2')",
        "insert into app.posts values (3, 9, 'orphan')",
        "select * from app.users order by id",
        "select * from users",
        "select * from public.users",
        "select users.email, app.users.name from app.users order by 1",
        "select u.email, p.title from app.users u join app.posts p on p.user_id = u.id order by 1",
        "select count(*) from app.users, public.users",
        "update app.users set name = 'AA' where users.id = 1",
        "update app.users set name = name || '!' where app.users.id = 2 returning name",
        "delete from app.users where id = 2",
        "select * from app.posts order by id",
        "insert into app.users (email) values ('a@x')",
        "insert into app.users (id, email) values (7, null)",
        "create index on app.users (name)",
        "create index users_name_idx on users (note)",
        "create index users_name_idx on app.users (name)",
        "create unique index if not exists users_name_idx on app.users (name)",
        "drop index app.users_name_idx",
        "drop index users_name_idx",
        "alter table app.users add column age int not null default 0",
        "alter table app.users add constraint users_age_check check (age >= 0)",
        "update app.users set age = -1",
        "create type app.mood as enum ('sad', 'happy')",
        "alter table app.users add column m app.mood",
        "update app.users set m = 'happy'",
        "select m, 'sad'::app.mood < m from app.users",
        "select 'sad'::mood",
        "select * from nosuch.t",
        "create table nosuch.t (id int)",
        "drop schema app",
        "drop schema nosuch",
        "drop schema if exists nosuch",
        "alter table app.users rename to people",
        "select id, email from app.people",
        "create table \"Drizzle\".\"__migrations\" (id serial primary key, hash text not null, created_at bigint)",
        "insert into \"Drizzle\".\"__migrations\" (hash, created_at) values ('abc', 1)",
        "select id, hash, created_at from \"Drizzle\".\"__migrations\" order by created_at desc limit 1",
        "drop schema app cascade",
        "select * from app.people",
        "select * from users",
        "drop schema \"Drizzle\" cascade",
        "create schema app",
        "create table app.users (id int)",
        "select * from app.users",
    ])
    .await;
}

#[tokio::test]
async fn schema_ddl_rolls_back_and_search_path_public_is_accepted_like_postgres() {
    compare(&[
        "begin",
        "create schema app",
        "create table app.t (id int)",
        "rollback",
        "select * from app.t",
        "create table app.t (id int)",
        "set search_path to public",
        "set search_path to \"$user\", public",
        "select current_schema()",
    ])
    .await;
}

#[tokio::test]
async fn schemas_identities_sequences_and_views_survive_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().to_string_lossy().into_owned();
    let mut db = DevDb::start(&["--data-dir", &data_dir]);
    let mut conn = db.raw().await;
    for sql in [
        "create schema app",
        "create table app.users (id serial primary key, email text unique)",
        "create table users (id int)",
        "insert into app.users (email) values ('a@x')",
        "create table items (id int generated always as identity, v text)",
        "insert into items (v) values ('a')",
        "create sequence app.counter increment by 7 start with 3",
        "select nextval('app.counter')",
        "create view app.emails as select id, email from app.users",
        "comment on table items is 'kept'",
    ] {
        let answer = conn.query(sql).await;
        assert!(
            answer.iter().all(|m| !m.starts_with("Error")),
            "{sql}: {answer:?}"
        );
    }
    drop(conn);
    db.stop();

    let db = DevDb::start(&["--data-dir", &data_dir]);
    let mut conn = db.raw().await;
    let rows = conn
        .query("insert into app.users (email) values ('b@x') returning id")
        .await;
    assert!(rows.iter().any(|r| r.contains("DataRow[2]")), "{rows:?}");
    let dup = conn
        .query("insert into app.users (email) values ('a@x')")
        .await;
    assert!(dup.iter().any(|m| m.starts_with("Error 23505")), "{dup:?}");
    let plain = conn.query("select count(*) from users").await;
    assert!(plain.iter().any(|r| r.contains("DataRow[0]")), "{plain:?}");
    let always = conn
        .query("insert into items (id, v) values (5, 'b')")
        .await;
    assert!(
        always.iter().any(|m| m.starts_with("Error 428C9")),
        "{always:?}"
    );
    let next = conn
        .query("insert into items (v) values ('c') returning id")
        .await;
    assert!(next.iter().any(|r| r.contains("DataRow[2]")), "{next:?}");
    let counter = conn.query("select nextval('app.counter')").await;
    assert!(
        counter.iter().any(|r| r.contains("DataRow[10]")),
        "{counter:?}"
    );
    let view = conn.query("select email from app.emails order by id").await;
    assert!(
        view.iter().any(|r| r == "RowDescription[email:text]")
            && view.iter().any(|r| r == "DataRow[\"b@x\"]"),
        "{view:?}"
    );
    let again = conn.query("create schema app").await;
    assert!(
        again.iter().any(|m| m.starts_with("Error 42P06")),
        "{again:?}"
    );
}

#[tokio::test]
async fn identity_columns_like_postgres() {
    compare(&[
        "create table items (id int generated always as identity primary key, name text)",
        "create table things (id bigint generated by default as identity (increment by 10 start with 100), name text)",
        "insert into items (name) values ('a'), ('b') returning id",
        "insert into items (id, name) values (10, 'c')",
        "insert into items (id, name) overriding system value values (10, 'c') returning *",
        "insert into items (id, name) values (default, 'd') returning id",
        "insert into items (id, name) select 5, 'e'",
        "update items set id = 99 where id = 1",
        "update items set id = default where id = 1",
        "update items set name = 'A' where id = 1",
        "insert into things (name) values ('x') returning id",
        "insert into things (id, name) values (7, 'y') returning id",
        "insert into things (name) values ('z') returning id",
        "select * from items order by id",
        "select * from things order by id",
        "create table bad (id text generated always as identity)",
        "create table bad (id int default 1 generated always as identity)",
        "create table small (id smallint generated always as identity (start with 32767), v int)",
        "insert into small (v) values (1)",
        "insert into small (v) values (2)",
        "alter table items rename column id to item_id",
        "insert into items (item_id, name) values (1, 'x')",
        "insert into items (name) values ('g') returning item_id",
        "drop sequence things_id_seq",
        "drop table things",
        "create table things (id int generated always as identity)",
        "insert into things default values returning id",
        "select attname, attidentity from pg_attribute \
         where attrelid = 'items'::regclass and attnum > 0 order by attnum",
    ])
    .await;
}

#[tokio::test]
async fn sequences_are_created_used_and_dropped_like_postgres() {
    compare(&[
        "create sequence s1",
        "create sequence s1",
        "create sequence if not exists s1",
        "select nextval('s1'), nextval('s1'), currval('s1')",
        "create sequence s2 increment by 5 minvalue 0 maxvalue 20 start with 10 cache 10 no cycle",
        "select nextval('s2'), nextval('s2'), nextval('s2')",
        "create sequence s3 increment -1",
        "select nextval('s3'), nextval('s3')",
        "create sequence s4 as integer start 2147483647",
        "select nextval('s4')",
        "create sequence s5 increment 0",
        "create sequence s6 minvalue 10 maxvalue 5",
        "create sequence s7 start 0",
        "create sequence s8 as text",
        "create sequence s10 as smallint maxvalue 40000",
        "create table t (id int, name text)",
        "create sequence s9 owned by t.name",
        "create sequence s11 owned by t.nope",
        "create sequence t",
        "select nextval('s9')",
        "drop table t",
        "select nextval('s9')",
        "drop sequence s1, s2",
        "drop sequence s1",
        "drop sequence if exists s1",
        "select nextval('s1')",
        "create schema app",
        "create sequence app.seq start 5",
        "select nextval('app.seq'), currval('app.seq')",
        "create table app.t (id int generated always as identity, v text)",
        "insert into app.t (v) values ('a') returning id",
        "begin",
        "create sequence rb",
        "select nextval('rb')",
        "rollback",
        "select nextval('rb')",
    ])
    .await;
}

#[tokio::test]
async fn comments_are_accepted_like_postgres() {
    compare(&[
        "create schema app",
        "create table app.users (id int primary key, email text)",
        "create index users_email_idx on app.users (email)",
        "create sequence app.counter",
        "create type mood as enum ('sad')",
        "comment on table app.users is 'People who sign in'",
        "comment on column app.users.email is 'Where we write'",
        "comment on column app.users.nope is 'x'",
        "comment on column users.email is 'x'",
        "comment on table nope is 'x'",
        "comment on index app.users_email_idx is 'lookup'",
        "comment on sequence app.counter is 'counts'",
        "comment on type mood is 'feelings'",
        "comment on type nope is 'x'",
        "comment on schema app is 'the app'",
        "comment on schema nope is 'x'",
        "comment on table app.users is null",
        "comment on table app.users is 'again'",
        "begin",
        "comment on column app.users.id is 'key'",
        "rollback",
        "drop table app.users",
    ])
    .await;
}

#[tokio::test]
async fn do_blocks_of_migration_tools_like_postgres() {
    let create_role = "DO $$ BEGIN\n CREATE TYPE \"public\".\"role\" AS ENUM('admin', 'user');\n\
                       EXCEPTION\n WHEN duplicate_object THEN null;\nEND $$;";
    let add_fk = "DO $$ BEGIN\n ALTER TABLE \"posts\" ADD CONSTRAINT \"posts_user_id_users_id_fk\" \
                  FOREIGN KEY (\"user_id\") REFERENCES \"public\".\"users\"(\"id\") \
                  ON DELETE cascade ON UPDATE no action;\nEXCEPTION\n WHEN duplicate_object THEN null;\nEND $$;";
    compare(&[
        "create table users (id int primary key)",
        "create table posts (id int primary key, user_id int)",
        create_role,
        create_role,
        "select 'admin'::role",
        add_fk,
        add_fk,
        "insert into users values (1)",
        "insert into posts values (1, 1)",
        "delete from users",
        "select count(*) from posts",
        "do $$ begin create schema app; exception when duplicate_schema or duplicate_object then null; end $$",
        "do $$ begin create schema app; exception when duplicate_schema or duplicate_object then null; end $$",
        "do $$ begin create schema app; end $$",
        "do $$ begin create type role as enum ('x'); exception when undefined_table then null; end $$",
        "do $$ begin create type role as enum ('x'); exception when nonsense then null; end $$",
        "do language plpgsql $$ begin insert into users values (5); end $$",
        "select * from users",
        "begin",
        create_role,
        "select 1",
        "commit",
    ])
    .await;
}

#[tokio::test]
async fn views_are_created_selected_and_dropped_like_postgres() {
    compare(&[
        "create type mood as enum ('sad', 'ok')",
        "create table users (id int primary key, name varchar(20), m mood, created timestamptz)",
        "insert into users values (1, 'a', 'ok', '2024-01-01'), (2, 'b', 'sad', null)",
        "create view v_users as select id, name, m, created, id * 2 as dbl from users",
        "select * from v_users order by m",
        "select m, max(dbl) from v_users group by m order by m",
        "create view v_users as select 1",
        "create or replace view v_users as select id, name, m, created, id * 2 as dbl, 'x' as extra from users",
        "select * from v_users order by id",
        "create or replace view v_users as select id from users",
        "create or replace view v_users as select name as id, name, m, created, id * 2 as dbl, 'x' as extra from users",
        "create view v2 (uid, uname) as select id, name from users where id > 1",
        "select * from v2",
        "select uname, length(uname) from v2 join users on users.id = v2.uid",
        "create view v3 as select uid from v2",
        "drop table users",
        "drop view v2",
        "drop table v3",
        "drop view users",
        "drop view nope",
        "drop view if exists nope",
        "drop view v3, v2",
        "select * from v2",
        "create schema app",
        "create view app.totals as select count(*) as c from users",
        "select c from app.totals",
        "drop schema app",
        "drop schema app cascade",
        "drop view v_users",
        "drop table users",
        "begin",
        "create view rb as select 1 as one",
        "rollback",
        "select * from rb",
        "create view p as select $1::int",
    ])
    .await;
}

/// drizzle-kit's identity columns name their sequence in the options; devdb accepts the name
/// it gives that sequence anyway.
#[tokio::test]
async fn drizzle_kit_identity_with_sequence_name_like_postgres() {
    compare(&[
        "CREATE TABLE \"users\" (\"id\" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name \"users_id_seq\" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1), \"name\" text NOT NULL)",
        "INSERT INTO \"users\" (\"name\") VALUES ('a'), ('b') RETURNING \"id\"",
        "SELECT pg_get_serial_sequence('users', 'id')",
    ])
    .await;
}

/// The messages devdb and PostgreSQL send for each statement, notices included.
async fn transcript_with_notices(
    conn: &mut crate::harness::rawwire::RawConn,
    script: &[&str],
) -> Vec<String> {
    let mut out = Vec::new();
    for sql in script {
        out.push(format!("> {sql}"));
        out.extend(conn.query(sql).await);
    }
    out
}

/// Runs `script` on both servers: the transcripts, notices included, must be the same, and
/// hold a notice starting with `notice`.
async fn same_transcript_with_notice(pg: &crate::harness::Postgres, script: &[&str], notice: &str) {
    let expected = transcript_with_notices(&mut pg.raw().await, script).await;
    let devdb = DevDb::start(&[]);
    let actual = transcript_with_notices(&mut devdb.raw().await, script).await;
    assert_eq!(actual, expected);
    assert!(
        actual
            .iter()
            .any(|m| m.starts_with(&format!("Notice 00000 {notice}"))),
        "{actual:#?}"
    );
}

/// Every IF EXISTS / IF NOT EXISTS form that skips its work says so in PostgreSQL's NOTICE.
#[tokio::test]
async fn if_exists_forms_that_skip_send_postgres_notices() {
    let Some(pg) = crate::harness::Postgres::start() else {
        return;
    };
    let script = [
        "create table ie_t (a int, b int)",
        "alter table if exists missing add column c int",
        "alter table if exists public.missing rename to m2",
        "alter table if exists missing drop column x",
        "alter table ie_t drop column if exists zz",
        "alter table ie_t drop constraint if exists zz_check",
        "alter table ie_t add column if not exists a int",
        "alter table ie_t add column if not exists c int",
        "drop table if exists missing, public.ie_nope",
        "drop table if exists nosch.missing",
        "drop index if exists missing_idx",
        "drop view if exists missing_v",
        "drop sequence if exists missing_s",
        "drop type if exists missing_ty",
        "drop domain if exists public.missing_d",
        "drop schema if exists missing_sc",
        "drop function if exists missing_fn()",
        "drop trigger if exists missing_tr on ie_t",
        "drop trigger if exists missing_tr on missing",
        "drop materialized view if exists missing_mv",
        "alter sequence if exists missing_s restart",
        "create sequence if not exists ie_s",
        "create sequence if not exists ie_s",
        "create table if not exists ie_t (a int)",
        "create table if not exists ie_t as select 1 as a",
        "create index if not exists ie_i on ie_t (a)",
        "create index if not exists ie_i on ie_t (a)",
        "create schema if not exists public",
        "create type ie_m as enum ('a')",
        "alter type ie_m add value if not exists 'a'",
        "create materialized view if not exists ie_t as select 1 as a",
    ];
    same_transcript_with_notice(pg, &script, "relation \"missing\" does not exist, skipping").await;
}

#[tokio::test]
async fn drop_table_cascade_names_what_it_drops_in_notices_like_postgres() {
    let Some(pg) = crate::harness::Postgres::start() else {
        return;
    };
    let script = [
        "create table owners (id int primary key)",
        "create table pets (id int primary key, owner_id int references owners(id))",
        "create view owner_ids as select id from owners",
        "create table lone (id int)",
        "create view lone_ids as select id from lone",
        "drop table lone cascade",
        "drop table owners cascade",
        "drop table pets cascade",
    ];
    same_transcript_with_notice(pg, &script, "drop cascades to 2 other objects").await;
}

#[tokio::test]
async fn drop_schema_cascade_names_what_goes_with_it_like_postgres() {
    let Some(pg) = crate::harness::Postgres::start() else {
        return;
    };
    let script = [
        "create schema s1",
        "create table s1.t (a int)",
        "drop schema s1 cascade",
        "create schema s2",
        "create type s2.mood as enum ('a')",
        "create table s2.t (id serial primary key, m s2.mood)",
        "create table s2.u (t_id int references s2.t(id))",
        "create view s2.v as select * from s2.t",
        "drop schema s2 cascade",
        "create schema s3",
        "drop schema s3 cascade",
    ];
    same_transcript_with_notice(pg, &script, "drop cascades to 4 other objects").await;
}

#[tokio::test]
async fn drop_type_cascade_drops_the_columns_of_the_type_like_postgres() {
    let Some(pg) = crate::harness::Postgres::start() else {
        return;
    };
    let script = [
        "create type mood as enum ('sad', 'ok')",
        "create type size as enum ('s', 'm')",
        "create table people (id int primary key, m mood, ms mood[], name text)",
        "create table shirts (id int, s size)",
        "create index on people (m)",
        "insert into people values (1, 'ok', '{sad,ok}', 'a')",
        "insert into shirts values (1, 'm')",
        "drop type mood",
        "drop type mood cascade",
        "select * from people",
        "select column_name from information_schema.columns where table_name = 'people' order by 1",
        "drop type size cascade",
        "select * from shirts",
        "insert into people values (2, 'b')",
    ];
    same_transcript_with_notice(pg, &script, "drop cascades to 2 other objects").await;
}

/// TRUNCATE, ALTER TABLE and DROP TABLE name a view or a materialized view as PostgreSQL does:
/// 42809 with its message and detail.
#[tokio::test]
async fn views_are_not_tables_to_truncate_alter_or_drop() {
    compare(&[
        "create table mt (a int)",
        "create materialized view mv as select a from mt",
        "create view vv as select a from mt",
        "truncate mv",
        "truncate vv",
        "truncate mt, mv",
        "alter table mv add column b int",
        "alter table vv add column b int",
        "alter table mv alter column a set not null",
        "alter table mv alter column a drop not null",
        "alter table vv alter column a type text",
        "alter table mv alter column a type text",
        "alter table mv alter column a set default 1",
        "alter table mv drop column a",
        "alter table vv drop column a",
        "alter table mv add constraint c check (a > 0)",
        "alter table vv add constraint c check (a > 0)",
        "drop table mv",
        "drop table vv",
        "select count(*) from mv",
    ])
    .await;
}

/// DROP TYPE of a relation's row type is refused with the relation's kind in the message and
/// the HINT, as PostgreSQL refuses it.
#[tokio::test]
async fn drop_type_of_a_relation_hints_at_its_drop_like_postgres() {
    compare_error_hints(
        "create table row_typed (a int); \
         create view row_typed_view as select a from row_typed; \
         create materialized view row_typed_mat as select a from row_typed",
        &[
            "drop type row_typed",
            "drop type row_typed_view cascade",
            "drop type if exists row_typed_mat",
        ],
    )
    .await;
}
