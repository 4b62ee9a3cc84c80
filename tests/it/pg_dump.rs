//! pg_dump against devdb: the same schema and rows created on devdb and on PostgreSQL dump to
//! the same script, and devdb's dump restores into PostgreSQL as the original database.

use std::path::Path;
use std::time::Duration;

use crate::harness::postgres::pg_tool;
use crate::harness::tools::{psql, run};
use crate::harness::{DevDb, Postgres};

/// What apps' migrations make: identity and serial keys, foreign keys (one deferrable),
/// checks (one NOT VALID), unique (one deferrable), partial and expression indexes, an
/// exclusion constraint, defaults of many types, arrays, json, ranges, an enum, a domain, the
/// citext and btree_gist extensions, a second schema, a view, a generated column, a trigger and
/// its function, SQL functions, comments, a sequence and rows.
const SCHEMA: &str = "
create type mood as enum ('happy', 'sad');
create domain positive_int as int check (value > 0);
create schema app;
create table authors (id bigint generated always as identity primary key, name text not null unique, email varchar(200), active boolean not null default true, feeling mood default 'happy');
create table posts (id serial primary key, author_id bigint not null references authors(id) on delete cascade, title text not null check (length(title) > 0), tags text[] not null default '{}', meta jsonb, score numeric(10, 2) default 0, published date, during int4range, words positive_int, title_length int generated always as (length(title)) stored);
create index posts_author_idx on posts (author_id);
create index posts_published_idx on posts (published desc) where published is not null;
create unique index posts_meta_key on posts ((meta->>'key'));
create table app.widgets (id uuid primary key, sku text not null, qty int not null default 0, unique (sku, qty));
create table app.parts (widget_id uuid references app.widgets(id) deferrable initially deferred, n int, primary key (widget_id, n));
create view app.widget_parts as select w.sku, p.n from app.widgets w join app.parts p on p.widget_id = w.id;
create function touch() returns trigger language plpgsql as $$ begin new.published := current_date; return new; end $$;
create trigger posts_touch before update on posts for each row execute function touch();
create extension citext;
create extension btree_gist;
create table users (id int primary key, email citext unique, nick varchar(20));
create index users_nick_idx on users (lower(nick));
create table bookings (id int primary key, room int, during tstzrange, exclude using gist (room with =, during with &&));
create function add_one(x int) returns int language sql immutable return x + 1;
create function twice(x int) returns int language sql as $$ select x * 2 $$;
create table pairs (a int, b int, constraint pairs_ab unique (a, b) deferrable initially deferred);
alter table pairs add constraint pairs_a_positive check (a > 0) not valid;
create table typed (c char(3) default 'ab', ts timestamp(3) default '2024-01-01 00:00:00', iv interval default '1 day', bt bytea default '\\x00', js json default '{}');
insert into users values (1, 'A@x.com', 'Nick');
create sequence invoice_numbers start 1000 increment 10;
comment on table posts is 'what authors write';
comment on column posts.title is 'shown in lists';
insert into authors (name, email, feeling) values ('ann', 'ann@example.com', 'sad'), ('bob', null, default);
insert into posts (author_id, title, tags, meta, score, published, during, words) values (1, 'first', '{a,b}', '{\"key\": \"k1\"}', 4.5, '2024-01-02', '[1,5)', 3), (2, 'tab\there', '{}', null, null, null, null, null);
insert into app.widgets values ('00000000-0000-0000-0000-000000000001', 'w1', 3);
insert into app.parts values ('00000000-0000-0000-0000-000000000001', 1);
select nextval('invoice_numbers');
grant select on posts to public;
grant select, insert (title) on posts to pg_read_all_data;
grant usage on schema app to public;
grant select on all tables in schema app to public;
grant usage, select on sequence invoice_numbers to pg_monitor with grant option;
grant execute on function add_one(int) to pg_monitor;
revoke execute on function twice(int) from public;
revoke all on typed from current_user;
grant usage on schema public to pg_monitor;
";

/// What devdb prints in another shape than PostgreSQL: a view its deparser does not know
/// (GROUP BY, function calls) keeps its text, with its relations named with their schema.
const AS_WRITTEN: &str = "
create table events (id bigserial primary key, at timestamptz not null, kind text);
create materialized view event_days as select date_trunc('day', at) as day, count(*) as n from events group by 1;
create view kinds as with k as (select distinct kind from events) select kind from k where kind is not null;
insert into events (at, kind) values ('2024-01-01 10:00+00', 'a'), ('2024-01-02 11:00+00', null);
";

/// pg_dump's script without what names the server or the run (`\\restrict` keys, the version).
fn normalized(dump: &str) -> String {
    dump.lines()
        .filter(|l| {
            !l.starts_with("\\restrict")
                && !l.starts_with("\\unrestrict")
                && !l.starts_with("-- Dumped from database version")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

async fn pg_dump(pg_dump: &Path, url: &str) -> String {
    pg_dump_with(pg_dump, url, &[]).await
}

async fn pg_dump_with(pg_dump: &Path, url: &str, options: &[&str]) -> String {
    let mut args = vec!["--no-owner"];
    args.extend_from_slice(options);
    args.push(url);
    let run = run(pg_dump, &args, Duration::from_secs(60)).await;
    run.assert_success("pg_dump");
    run.stdout
}

/// Runs `schema` on devdb and on a fresh PostgreSQL database, restores devdb's dump into
/// another fresh PostgreSQL database and asserts PostgreSQL dumps it as it dumps its own;
/// returns both dumps (devdb's, PostgreSQL's).
async fn dump_and_restore(schema: &str, prefix: &str) -> Option<(String, String)> {
    let (Some(psql_bin), Some(pg_dump_bin)) = (pg_tool("psql"), pg_tool("pg_dump")) else {
        return None;
    };
    let pg = Postgres::start()?;
    let db = DevDb::start(&[]);
    psql(&psql_bin, &db.url_with_password(), &["-q", "-c", schema])
        .await
        .assert_success("schema on devdb");
    let original = pg.fresh_database(&format!("{prefix}_original")).await;
    psql(&psql_bin, &pg.url_for(&original), &["-q", "-c", schema])
        .await
        .assert_success("schema on PostgreSQL");
    let from_devdb = pg_dump(&pg_dump_bin, &db.url_with_password()).await;
    let from_postgres = pg_dump(&pg_dump_bin, &pg.url_for(&original)).await;

    let restored = pg.fresh_database(&format!("{prefix}_restored")).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("devdb.sql");
    std::fs::write(&script, &from_devdb).expect("dump file");
    let script = script.to_string_lossy().into_owned();
    psql(&psql_bin, &pg.url_for(&restored), &["-q", "-f", &script])
        .await
        .assert_success("restoring devdb's dump into PostgreSQL");
    let again = pg_dump(&pg_dump_bin, &pg.url_for(&restored)).await;
    assert_eq!(normalized(&again), normalized(&from_postgres));
    Some((from_devdb, from_postgres))
}

#[tokio::test]
async fn pg_dump_of_devdb_matches_postgres_and_restores_into_it() {
    let Some((from_devdb, from_postgres)) = dump_and_restore(SCHEMA, "dump").await else {
        return;
    };
    assert_eq!(normalized(&from_devdb), normalized(&from_postgres));
}

#[tokio::test]
async fn views_pg_dump_prints_as_written_restore_into_postgres() {
    let Some((from_devdb, _)) = dump_and_restore(AS_WRITTEN, "dump_as_written").await else {
        return;
    };
    assert!(
        from_devdb.contains("FROM public.events GROUP BY 1"),
        "{from_devdb}"
    );
}

/// pg_dump's other formats and selections: INSERT statements instead of COPY, one table, one
/// schema, a table left out, and the custom format pg_restore reads.
#[tokio::test]
async fn pg_dump_options_match_postgres() {
    let (Some(psql_bin), Some(pg_dump_bin), Some(pg_restore_bin)) =
        (pg_tool("psql"), pg_tool("pg_dump"), pg_tool("pg_restore"))
    else {
        return;
    };
    let Some(pg) = Postgres::start() else { return };
    let db = DevDb::start(&[]);
    psql(&psql_bin, &db.url_with_password(), &["-q", "-c", SCHEMA])
        .await
        .assert_success("schema on devdb");
    let original = pg.fresh_database("dump_options").await;
    psql(&psql_bin, &pg.url_for(&original), &["-q", "-c", SCHEMA])
        .await
        .assert_success("schema on PostgreSQL");
    let devdb_url = db.url_with_password();
    let pg_url = pg.url_for(&original);
    for options in [
        &["--inserts"][..],
        &["--column-inserts", "--data-only", "-t", "posts"],
        &["-t", "public.authors", "-t", "app.*"],
        &["-n", "app"],
        &["-T", "posts", "--schema-only"],
    ] {
        let from_devdb = pg_dump_with(&pg_dump_bin, &devdb_url, options).await;
        let from_postgres = pg_dump_with(&pg_dump_bin, &pg_url, options).await;
        assert_eq!(
            normalized(&from_devdb),
            normalized(&from_postgres),
            "{options:?}"
        );
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut scripts = Vec::new();
    for (name, url) in [("devdb", &devdb_url), ("postgres", &pg_url)] {
        let archive = dir
            .path()
            .join(format!("{name}.dump"))
            .to_string_lossy()
            .into_owned();
        pg_dump_with(&pg_dump_bin, url, &["-Fc", "-f", &archive]).await;
        let restored = run(
            &pg_restore_bin,
            &["-f", "-", &archive],
            Duration::from_secs(60),
        )
        .await;
        restored.assert_success("pg_restore");
        scripts.push(normalized(&restored.stdout));
    }
    assert_eq!(scripts[0], scripts[1]);
}

/// The other way: PostgreSQL's dump of the schema restores into devdb, owners (all the
/// connected user's) and privileges included, with the same rows, sequence positions and
/// GRANT and REVOKE statements.
#[tokio::test]
async fn a_postgresql_dump_restores_into_devdb() {
    let (Some(psql_bin), Some(pg_dump_bin)) = (pg_tool("psql"), pg_tool("pg_dump")) else {
        return;
    };
    let Some(pg) = Postgres::start() else { return };
    let original = pg.fresh_database("dump_to_devdb").await;
    psql(&psql_bin, &pg.url_for(&original), &["-q", "-c", SCHEMA])
        .await
        .assert_success("schema on PostgreSQL");
    let url = pg.url_for(&original);
    let dump = run(&pg_dump_bin, &[&url], Duration::from_secs(60)).await;
    let dump = dump.assert_success("pg_dump").stdout.clone();
    assert!(dump.contains("OWNER TO"), "{dump}");
    assert!(dump.contains("GRANT SELECT"), "{dump}");
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("postgres.sql");
    std::fs::write(&script, &dump).expect("dump file");
    let script = script.to_string_lossy().into_owned();
    let db = DevDb::start(&[]);
    psql(&psql_bin, &db.url_with_password(), &["-q", "-f", &script])
        .await
        .assert_success("restoring PostgreSQL's dump into devdb");
    let data = ["--data-only"];
    let from_devdb = pg_dump_with(&pg_dump_bin, &db.url_with_password(), &data).await;
    let from_postgres = pg_dump_with(&pg_dump_bin, &pg.url_for(&original), &data).await;
    assert_eq!(normalized(&from_devdb), normalized(&from_postgres));
    let privileges = |dump: &str| -> Vec<String> {
        dump.lines()
            .filter(|l| l.starts_with("GRANT ") || l.starts_with("REVOKE "))
            .map(str::to_owned)
            .collect()
    };
    let redumped = pg_dump(&pg_dump_bin, &db.url_with_password()).await;
    assert_eq!(privileges(&redumped), privileges(&dump));
    assert_eq!(privileges(&dump).len(), 12, "{dump}");
}
