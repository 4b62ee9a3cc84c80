//! pg_dump against devdb: the same schema and rows created on devdb and on PostgreSQL dump to
//! the same script, and devdb's dump restores into PostgreSQL as the original database.

use std::path::Path;
use std::time::Duration;

use crate::harness::postgres::pg_tool;
use crate::harness::tools::{psql, run};
use crate::harness::{DevDb, Postgres};

/// What apps' migrations make: identity and serial keys, foreign keys, checks, unique and
/// plain indexes, defaults, arrays, json, comments, a sequence and rows.
const SCHEMA: &str = "
create table authors (id bigint generated always as identity primary key, name text not null unique, email varchar(200), active boolean not null default true);
create table posts (id serial primary key, author_id bigint not null references authors(id) on delete cascade, title text not null check (length(title) > 0), tags text[] not null default '{}', meta jsonb, score numeric(10, 2) default 0, published date);
create index posts_author_idx on posts (author_id);
create index posts_published_idx on posts (published desc) where published is not null;
create sequence invoice_numbers start 1000 increment 10;
comment on table posts is 'what authors write';
comment on column posts.title is 'shown in lists';
insert into authors (name, email) values ('ann', 'ann@example.com'), ('bob', null);
insert into posts (author_id, title, tags, meta, score, published) values (1, 'first', '{a,b}', '{\"k\": 1}', 4.5, '2024-01-02'), (2, 'tab\there', '{}', null, null, null);
select nextval('invoice_numbers');
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

#[tokio::test]
async fn pg_dump_of_devdb_matches_postgres_and_restores_into_it() {
    let (Some(psql_bin), Some(pg_dump_bin)) = (pg_tool("psql"), pg_tool("pg_dump")) else {
        return;
    };
    let Some(pg) = Postgres::start() else { return };
    let db = DevDb::start(&[]);
    psql(&psql_bin, &db.url_with_password(), &["-q", "-c", SCHEMA])
        .await
        .assert_success("schema on devdb");
    let original = pg.fresh_database("dump_original").await;
    psql(&psql_bin, &pg.url_for(&original), &["-q", "-c", SCHEMA])
        .await
        .assert_success("schema on PostgreSQL");

    let from_devdb = pg_dump(&pg_dump_bin, &db.url_with_password()).await;
    let from_postgres = pg_dump(&pg_dump_bin, &pg.url_for(&original)).await;
    assert_eq!(normalized(&from_devdb), normalized(&from_postgres));

    // The dump restores into PostgreSQL, to a database PostgreSQL dumps as it dumps the original.
    let restored = pg.fresh_database("dump_restored").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("devdb.sql");
    std::fs::write(&script, &from_devdb).expect("dump file");
    let script = script.to_string_lossy().into_owned();
    psql(&psql_bin, &pg.url_for(&restored), &["-q", "-f", &script])
        .await
        .assert_success("restoring devdb's dump into PostgreSQL");
    let again = pg_dump(&pg_dump_bin, &pg.url_for(&restored)).await;
    assert_eq!(normalized(&again), normalized(&from_postgres));
}
