//! How values sit in the database files: char(n) without its blank padding, and files of
//! older devdb versions brought to today's form when they open.

use std::path::{Path, PathBuf};

use crate::harness::DevDb;

/// The SQLite file of database `name` in a data directory, as its manifest lists it.
fn database_file(data_dir: &Path, name: &str) -> PathBuf {
    let manifest =
        std::fs::read_to_string(data_dir.join("databases.manifest")).expect("read the manifest");
    let oid = manifest
        .lines()
        .find_map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            (fields.get(2) == Some(&name)).then(|| fields[0].to_owned())
        })
        .unwrap_or_else(|| panic!("{name} is not in the manifest:\n{manifest}"));
    data_dir.join(format!("{oid}.db"))
}

fn serve(data_dir: &Path) -> DevDb {
    DevDb::start(&["--data-dir", &data_dir.to_string_lossy()])
}

/// Rewrites the stopped server's `postgres` database file as an older devdb left it.
fn write_old_form(data_dir: &Path, sql: &str) {
    let file =
        rusqlite::Connection::open(database_file(data_dir, "postgres")).expect("open the file");
    file.execute_batch(sql).expect("write the old form");
}

async fn run(db: &DevDb, sql: &str) {
    db.connect()
        .await
        .batch_execute(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

#[tokio::test]
async fn char_values_are_stored_without_their_padding() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut db = serve(dir.path());
    run(
        &db,
        "create table accounts (id int primary key, filler char(84));
         insert into accounts select i, '' from generate_series(1, 1000) i;
         insert into accounts values (1001, 'abc  ');",
    )
    .await;
    let client = db.connect().await;
    let row = client
        .query_one(
            "select filler, octet_length(filler) from accounts where id = 1001",
            &[],
        )
        .await
        .expect("select");
    assert_eq!(row.get::<_, String>(0), format!("abc{}", " ".repeat(81)));
    assert_eq!(row.get::<_, i32>(1), 84);
    drop(client);
    db.stop();

    let file = rusqlite::Connection::open(database_file(dir.path(), "postgres")).expect("open");
    let stored: (i64, i64) = file
        .query_row(
            "select sum(length(filler)), max(length(filler)) from accounts",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("read the file");
    assert_eq!(stored, (3, 3), "only 'abc' takes space");
}

#[tokio::test]
async fn padded_char_values_of_older_files_are_trimmed_once_when_they_open() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut db = serve(dir.path());
    run(
        &db,
        "create table codes (id int primary key, code char(5) unique);
         insert into codes values (1, 'ab'), (2, 'abcde');",
    )
    .await;
    db.stop();
    // What devdb before storage version 1 wrote: char(n) blank-padded, user_version 0.
    write_old_form(
        dir.path(),
        "update codes set code = 'ab   ' where id = 1; pragma user_version = 0;",
    );

    let mut db = serve(dir.path());
    let client = db.connect().await;
    let found = client
        .query("select id from codes where code = 'ab'", &[])
        .await
        .expect("select");
    assert_eq!(found.len(), 1, "the old padded value matches");
    let err = client
        .batch_execute("insert into codes values (3, 'ab')")
        .await
        .expect_err("'ab' is already there");
    assert_eq!(
        err.as_db_error().map(|e| e.code().code()),
        Some("23505"),
        "{err}"
    );
    drop(client);
    db.stop();

    let file = rusqlite::Connection::open(database_file(dir.path(), "postgres")).expect("open");
    let (code, version): (String, i64) = file
        .query_row(
            "select code, (select user_version from pragma_user_version) from codes where id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("read the file");
    assert_eq!((code.as_str(), version), ("ab", 2));
}

#[tokio::test]
async fn domain_columns_of_older_files_keep_their_catalog_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut db = serve(dir.path());
    run(
        &db,
        "create domain email as text not null default 'a@b' check (value ~ '@');
         create table people (id int primary key, e email, f email not null default 'x@y');",
    )
    .await;
    db.stop();
    // What devdb before storage version 2 wrote: no record of a column's own NOT NULL and
    // DEFAULT, user_version 1.
    write_old_form(
        dir.path(),
        "create table old_domain_columns (schema TEXT NOT NULL DEFAULT 'public', \
               table_name TEXT NOT NULL, name TEXT NOT NULL, domain_oid INTEGER NOT NULL, \
               PRIMARY KEY (schema, table_name, name));
             insert into old_domain_columns select schema, table_name, name, domain_oid \
               from __devdb_domain_columns;
             drop table __devdb_domain_columns;
             alter table old_domain_columns rename to __devdb_domain_columns;
             pragma user_version = 1;",
    );

    let mut db = serve(dir.path());
    let client = db.connect().await;
    let rows = client
        .query(
            "select attname, format_type(atttypid, atttypmod), attnotnull, atthasdef \
             from pg_attribute where attrelid = 'people'::regclass and attnum > 0 \
             order by attnum",
            &[],
        )
        .await
        .expect("pg_attribute");
    let seen: Vec<(String, String, bool, bool)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    let row = |name: &str, ty: &str, not_null, has_default| {
        (name.to_owned(), ty.to_owned(), not_null, has_default)
    };
    // The merged NOT NULL and DEFAULT are kept as the columns' own, as devdb reported them.
    assert_eq!(
        seen,
        [
            row("id", "integer", true, false),
            row("e", "email", true, true),
            row("f", "email", true, true),
        ]
    );
    run(&db, "create table more (e email)").await;
    drop(client);
    db.stop();
}

#[tokio::test]
async fn constraints_of_older_files_are_validated() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut db = serve(dir.path());
    run(
        &db,
        "create table parents (id int primary key);
         create table kids (id int primary key, parent int references parents, n int check (n > 0));",
    )
    .await;
    db.stop();
    // What devdb wrote before NOT VALID: no `validated` column in __devdb_constraints.
    write_old_form(
        dir.path(),
        "alter table __devdb_constraints drop column validated;",
    );

    let mut db = serve(dir.path());
    let client = db.connect().await;
    let rows = client
        .query(
            "select conname::text, convalidated from pg_constraint \
             where conrelid = 'kids'::regclass order by conname",
            &[],
        )
        .await
        .expect("pg_constraint");
    let seen: Vec<(String, bool)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(
        seen,
        [
            ("kids_n_check".to_owned(), true),
            ("kids_parent_fkey".to_owned(), true),
            ("kids_pkey".to_owned(), true),
        ]
    );
    run(
        &db,
        "alter table kids add constraint kids_small check (n < 10) not valid;
         alter table kids validate constraint kids_small;",
    )
    .await;
    drop(client);
    db.stop();
}

#[tokio::test]
async fn sequences_of_older_files_keep_counting_and_do_not_cycle() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut db = serve(dir.path());
    run(
        &db,
        "create sequence s maxvalue 3; select nextval('s');
         create table t (id serial primary key, v text); insert into t (v) values ('a');",
    )
    .await;
    db.stop();
    // What devdb wrote before CYCLE: no `cycle` column in __devdb_sequences.
    write_old_form(
        dir.path(),
        "alter table __devdb_sequences drop column cycle;",
    );

    let mut db = serve(dir.path());
    let client = db.connect().await;
    let row = client
        .query_one(
            "select nextval('s'), nextval('s'), (select cycle from pg_sequences \
             where sequencename = 's')",
            &[],
        )
        .await
        .expect("nextval");
    assert_eq!((row.get::<_, i64>(0), row.get::<_, i64>(1)), (2, 3));
    assert!(!row.get::<_, bool>(2), "an older sequence does not cycle");
    let err = client
        .query_one("select nextval('s')", &[])
        .await
        .expect_err("past MAXVALUE");
    assert_eq!(
        err.code(),
        Some(&tokio_postgres::error::SqlState::SEQUENCE_GENERATOR_LIMIT_EXCEEDED)
    );
    run(
        &db,
        "alter sequence s cycle; insert into t (v) values ('b');",
    )
    .await;
    let row = client
        .query_one("select nextval('s'), max(id) from t", &[])
        .await
        .expect("after cycle");
    assert_eq!((row.get::<_, i64>(0), row.get::<_, i32>(1)), (1, 2));
    drop(client);
    db.stop();
}

#[tokio::test]
async fn index_records_and_foreign_keys_of_older_files_still_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut db = serve(dir.path());
    run(
        &db,
        "create table parents (id int primary key);
         create table kids (id int primary key, parent int references parents, email text);
         create index kids_lower on kids (lower(email), id desc);",
    )
    .await;
    db.stop();
    // What devdb wrote before per-column index records, access methods and MATCH FULL.
    write_old_form(
        dir.path(),
        "alter table __devdb_index_keys drop column pretty_keys;
             alter table __devdb_index_keys drop column pretty_predicate;
             alter table __devdb_index_keys drop column include;
             alter table __devdb_index_keys drop column columns;
             alter table __devdb_index_keys drop column method;
             alter table __devdb_constraints drop column match_full;",
    );

    let mut db = serve(dir.path());
    let client = db.connect().await;
    run(
        &db,
        "create index kids_covering on kids (parent desc) include (email);
         create index kids_email_hash on kids using hash (email);",
    )
    .await;
    let rows = client
        .query(
            "select c.relname::text, pg_get_indexdef(i.indexrelid), i.indoption::text \
             from pg_index i join pg_class c on c.oid = i.indexrelid \
             where i.indrelid = 'kids'::regclass order by 1",
            &[],
        )
        .await
        .expect("pg_index");
    let seen: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let row = |name: &str, def: &str, option: &str| (name.into(), def.into(), option.into());
    // The older index keeps its definition; its per-column details (indoption) are unknown.
    assert_eq!(
        seen,
        [
            row(
                "kids_covering",
                "CREATE INDEX kids_covering ON public.kids USING btree (parent DESC) INCLUDE (email)",
                "3"
            ),
            row(
                "kids_email_hash",
                "CREATE INDEX kids_email_hash ON public.kids USING hash (email)",
                "0"
            ),
            row(
                "kids_lower",
                "CREATE INDEX kids_lower ON public.kids USING btree (lower(email), id DESC)",
                "0 0"
            ),
            row(
                "kids_pkey",
                "CREATE UNIQUE INDEX kids_pkey ON public.kids USING btree (id)",
                "0"
            ),
        ]
    );
    let matching: String = client
        .query_one(
            "select confmatchtype::text from pg_constraint where conrelid = 'kids'::regclass \
             and contype = 'f'",
            &[],
        )
        .await
        .expect("pg_constraint")
        .get(0);
    assert_eq!(matching, "s");
    drop(client);
    db.stop();
}

#[tokio::test]
async fn functions_of_older_files_keep_working_without_their_attributes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut db = serve(dir.path());
    run(
        &db,
        "create function add_one(a int) returns int language sql as 'select a + 1';
         create function touch() returns trigger language plpgsql \
           as $$ begin new.n := 1; return new; end $$;",
    )
    .await;
    db.stop();
    // What devdb wrote before it kept functions' attributes and SQL bodies as written.
    write_old_form(
        dir.path(),
        "alter table __devdb_functions drop column volatility;
             alter table __devdb_functions drop column parallel;
             alter table __devdb_functions drop column strict;
             alter table __devdb_functions drop column security_definer;
             alter table __devdb_sql_functions drop column volatility;
             alter table __devdb_sql_functions drop column parallel;
             alter table __devdb_sql_functions drop column strict;
             alter table __devdb_sql_functions drop column security_definer;
             alter table __devdb_sql_functions drop column source;",
    );

    let mut db = serve(dir.path());
    let client = db.connect().await;
    let rows = client
        .query(
            "select proname::text, provolatile::text, add_one(1), \
             pg_get_functiondef(oid) is null from pg_proc \
             where proname in ('add_one', 'touch') order by 1",
            &[],
        )
        .await
        .expect("pg_proc");
    let seen: Vec<(String, String, i32, bool)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    // The SQL function's text was not kept: pg_get_functiondef has nothing to print.
    assert_eq!(
        seen,
        [
            ("add_one".to_owned(), "v".to_owned(), 2, true),
            ("touch".to_owned(), "v".to_owned(), 2, false),
        ]
    );
    run(
        &db,
        "create function twice(a int) returns int immutable language sql return a * 2",
    )
    .await;
    drop(client);
    db.stop();
}
