//! pg_dump against devdb: the same schema and rows created on devdb and on PostgreSQL dump to
//! the same script, and devdb's dump restores into PostgreSQL as the original database.

use std::path::Path;
use std::time::Duration;

use crate::harness::postgres::pg_tool;
use crate::harness::tools::{psql, run};
use crate::harness::{DevDb, Postgres};

/// What apps' migrations make: identity and serial keys, foreign keys (one deferrable),
/// checks, unique, partial and expression indexes, defaults, arrays, json, ranges, an enum, a
/// domain, a second schema, a view, a generated column, a trigger and its function, comments,
/// a sequence and rows.
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
create sequence invoice_numbers start 1000 increment 10;
comment on table posts is 'what authors write';
comment on column posts.title is 'shown in lists';
insert into authors (name, email, feeling) values ('ann', 'ann@example.com', 'sad'), ('bob', null, default);
insert into posts (author_id, title, tags, meta, score, published, during, words) values (1, 'first', '{a,b}', '{\"key\": \"k1\"}', 4.5, '2024-01-02', '[1,5)', 3), (2, 'tab\there', '{}', null, null, null, null, null);
insert into app.widgets values ('00000000-0000-0000-0000-000000000001', 'w1', 3);
insert into app.parts values ('00000000-0000-0000-0000-000000000001', 1);
select nextval('invoice_numbers');
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
    let run = run(pg_dump, &["--no-owner", url], Duration::from_secs(60)).await;
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
