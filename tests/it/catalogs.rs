//! The system catalogs: pg_catalog and information_schema queries as drivers, ORMs and psql
//! send them, compared with PostgreSQL 15 on the same schema. Queries name objects by name,
//! never by OID, because user OIDs differ between the two servers.

use tokio_postgres::Client;

use crate::harness::postgres::pg_tool;
use crate::harness::tools::psql;
use crate::harness::{DevDb, Postgres, compare, compare_extended};

/// A realistic schema: serial and bigserial keys, a unique column, defaults, numeric and
/// varchar modifiers, a foreign key with an action, a check and a two-column index.
const SCHEMA: &[&str] = &[
    "create table users (id serial primary key, email varchar(100) not null unique, \
     name text, score numeric(10,2), active boolean not null, created_at timestamptz)",
    "create table posts (id bigserial primary key, \
     user_id int not null references users(id) on delete cascade, \
     title text check (length(title) > 0), body text, published date)",
    "create index posts_title_idx on posts (title, user_id)",
];

fn with_schema<'a>(queries: &[&'a str]) -> Vec<&'a str> {
    SCHEMA.iter().chain(queries).copied().collect()
}

/// postgres.js's fetch_types query, sent on every new connection with default options.
const POSTGRES_JS_ARRAY_TYPES: &str = "select b.oid, b.typarray from pg_catalog.pg_type a \
     left join pg_catalog.pg_type b on b.oid = a.typelem where a.typcategory = 'A' \
     group by b.oid, b.typarray order by b.oid";

#[tokio::test]
async fn postgres_js_array_type_query_matches_postgres() {
    compare(&[POSTGRES_JS_ARRAY_TYPES]).await;
    compare_extended(&[POSTGRES_JS_ARRAY_TYPES]).await;
}

/// tokio-postgres's and asyncpg's lookups of a type they do not know.
#[tokio::test]
async fn driver_type_lookups_match_postgres() {
    compare(&[
        "SELECT t.typname, t.typtype, t.typelem, r.rngsubtype, t.typbasetype, n.nspname, \
         t.typrelid FROM pg_catalog.pg_type t \
         LEFT OUTER JOIN pg_catalog.pg_range r ON r.rngtypid = t.oid \
         INNER JOIN pg_catalog.pg_namespace n ON t.typnamespace = n.oid \
         WHERE t.oid in (16, 1007, 3904, 2950, 1043) ORDER BY t.oid",
        "SELECT enumlabel FROM pg_catalog.pg_enum WHERE enumtypid = 1007 ORDER BY enumsortorder",
        "select oid, typname, typlen, typbyval, typtype, typcategory, typdelim, typelem, \
         typarray, typbasetype, typnamespace, typrelid, typalign, typstorage, typcollation \
         from pg_type where typnamespace = 11 and typtype = 'b' order by oid",
        "select count(*), count(distinct typarray) from pg_catalog.pg_type",
    ])
    .await;
}

#[tokio::test]
async fn pg_class_and_pg_attribute_describe_user_tables() {
    compare(&with_schema(&[
        "select c.relname, c.relkind, c.relnatts, c.relhasindex, c.relchecks, \
         c.relhastriggers, c.relpersistence, n.nspname, pg_get_userbyid(c.relowner) is not null \
         from pg_class c join pg_namespace n on n.oid = c.relnamespace \
         where n.nspname = 'public' order by c.relname",
        "select a.attname, a.attnum, format_type(a.atttypid, a.atttypmod), a.attnotnull, \
         a.atthasdef, a.attlen, a.attbyval, a.attalign, a.attstorage, a.attcollation, \
         a.attidentity, a.attisdropped, a.atttypid::regtype \
         from pg_attribute a where a.attrelid = 'public.users'::regclass and a.attnum > 0 \
         order by a.attnum",
        "select c.relname, a.attname, a.attnum from pg_attribute a \
         join pg_class c on c.oid = a.attrelid where c.relkind = 'i' \
         and c.relnamespace = 'public'::regnamespace order by 1, 3",
    ]))
    .await;
}

#[tokio::test]
async fn constraints_and_indexes_read_back_as_postgres_prints_them() {
    compare(&with_schema(&[
        "select conname, contype, condeferrable, condeferred, convalidated, \
         conrelid::regclass, confrelid::regclass, confupdtype, confdeltype, confmatchtype, \
         conindid::regclass, pg_get_constraintdef(oid) \
         from pg_constraint where connamespace = 2200 order by conname",
        "select indexrelid::regclass, indrelid::regclass, indnatts, indisunique, indisprimary, \
         indkey, indclass, indcollation, indoption, pg_get_indexdef(indexrelid) \
         from pg_index where indrelid in ('users'::regclass, 'posts'::regclass) order by 1::text",
        "select * from pg_indexes where schemaname = 'public' order by indexname",
        "select schemaname, tablename, hasindexes, hasrules, hastriggers, rowsecurity \
         from pg_tables where schemaname = 'public' order by tablename",
        "select pg_get_serial_sequence('users', 'id'), pg_get_serial_sequence('posts', 'id')",
        "select c.relname, s.seqtypid::regtype, s.seqstart, s.seqincrement, s.seqmax, s.seqmin, \
         s.seqcache, s.seqcycle from pg_sequence s join pg_class c on c.oid = s.seqrelid \
         order by 1",
    ]))
    .await;
}

#[tokio::test]
async fn oid_alias_casts_match_postgres() {
    compare(&with_schema(&[
        "select 'users'::regclass, 'integer'::regtype, 'character varying'::regtype::oid, \
         'text[]'::regtype, 'users'::regclass::oid = 'public.users'::regclass::oid",
        "select 'nope'::regclass",
        "select 'nope'::regtype",
        "select 1043::regtype, 0::regclass, 'users'::regclass::text",
        "select format_type(1043, 104), format_type(1700, 655366), format_type(1007, -1), \
         format_type(23, null), format_type(3904, -1)",
    ]))
    .await;
}

#[tokio::test]
async fn catalog_functions_answer_as_for_a_superuser() {
    compare(&with_schema(&[
        "select pg_table_is_visible('users'::regclass), pg_type_is_visible(23), \
         has_table_privilege('users', 'select'), has_schema_privilege('public', 'usage'), \
         obj_description('users'::regclass, 'pg_class'), col_description('users'::regclass, 1), \
         pg_encoding_to_char(6)",
        "select nspname, nspowner = 10 from pg_namespace order by oid",
        "select amname, amtype from pg_am order by oid",
        "select extname, extversion from pg_extension",
        "select count(*) from pg_inherits",
        "select count(*) from pg_description where objoid = 'users'::regclass",
        "select rolname, rolsuper, rolcanlogin from pg_roles where rolname like 'pg\\_%' \
         order by rolname",
        "select datname, datistemplate, datallowconn, pg_encoding_to_char(encoding) \
         from pg_database where datname in ('postgres', 'template1') order by datname",
    ]))
    .await;
}

async fn connect_to(devdb: &DevDb, database: &str) -> Client {
    let mut config = devdb.config();
    config.dbname(database).application_name(database);
    let (client, connection) = config
        .connect(tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("connecting to {database}: {e}"));
    tokio::spawn(connection);
    client
}

async fn backend_pid(client: &Client) -> i32 {
    let row = client
        .query_one("select pg_backend_pid()", &[])
        .await
        .expect("pid");
    row.get(0)
}

#[tokio::test]
async fn pg_stat_activity_lists_the_sessions_of_every_database() {
    let devdb = DevDb::start(&[]);
    let admin = connect_to(&devdb, "postgres").await;
    admin
        .batch_execute("create database other")
        .await
        .expect("create");
    let other = connect_to(&devdb, "other").await;
    other
        .batch_execute("begin; select 1")
        .await
        .expect("open a transaction");
    let (admin_pid, other_pid) = (backend_pid(&admin).await, backend_pid(&other).await);
    let activity = "select pid::text || ' ' || datname || ' ' || usename || ' ' || \
                    application_name || ' ' || state || ' ' || (xact_start is not null)::text \
                    || ' ' || (client_addr is not null)::text || ' ' || backend_type || ': ' \
                    || query from pg_stat_activity order by pid";
    let rows = admin.query(activity, &[]).await.expect("pg_stat_activity");
    let seen: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    let user = devdb.user();
    assert_eq!(
        seen,
        [
            format!(
                "{admin_pid} postgres {user} postgres active true true client backend: {activity}"
            ),
            format!(
                "{other_pid} other {user} other idle in transaction true true client backend: \
                 select pg_backend_pid()"
            ),
        ]
    );
    let dbs = admin
        .query("select datname::text from pg_database order by oid", &[])
        .await
        .expect("pg_database");
    let names: Vec<String> = dbs.iter().map(|r| r.get(0)).collect();
    assert_eq!(names, ["template1", "postgres", "other"]);
}

/// A session in `postgres` and one in a new database `name`, with the second's pid: sessions
/// of one database take turns, so the one acted on is in a database of its own.
async fn admin_and_victim(devdb: &DevDb, name: &str) -> (Client, Client, i32) {
    let admin = connect_to(devdb, "postgres").await;
    admin
        .batch_execute(&format!("create database {name}"))
        .await
        .expect("create");
    let victim = connect_to(devdb, name).await;
    let pid = backend_pid(&victim).await;
    (admin, victim, pid)
}

#[tokio::test]
async fn pg_terminate_backend_ends_a_session_of_another_database() {
    let devdb = DevDb::start(&[]);
    let (admin, victim, pid) = admin_and_victim(&devdb, "victim").await;
    let row = admin
        .query_one("select pg_terminate_backend($1)", &[&pid])
        .await
        .expect("terminate");
    assert!(row.get::<_, bool>(0));
    let err = victim
        .batch_execute("select 1")
        .await
        .expect_err("terminated");
    assert!(
        err.is_closed() || err.code().map(|c| c.code()) == Some("57P01"),
        "{err}"
    );
    let row = admin
        .query_one(
            "select pg_terminate_backend(999999), pg_cancel_backend(999999)",
            &[],
        )
        .await
        .expect("unknown pid");
    assert!(!row.get::<_, bool>(0));
    assert!(!row.get::<_, bool>(1));
    // The ended session leaves pg_stat_activity as soon as its task has wound down.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let row = admin
            .query_one(
                "select count(*) from pg_stat_activity where datname = 'victim'",
                &[],
            )
            .await
            .expect("count");
        if row.get::<_, i64>(0) == 0 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "victim still listed");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// tokio-postgres looks up unknown type OIDs with these queries, with parameters.
#[tokio::test]
async fn tokio_postgres_type_lookup_queries_run_with_parameters() {
    let devdb = DevDb::start(&[]);
    let client = devdb.connect().await;
    let row = client
        .query_one(
            "SELECT t.typname, t.typtype, t.typelem, r.rngsubtype, t.typbasetype, n.nspname, \
             t.typrelid FROM pg_catalog.pg_type t \
             LEFT OUTER JOIN pg_catalog.pg_range r ON r.rngtypid = t.oid \
             INNER JOIN pg_catalog.pg_namespace n ON t.typnamespace = n.oid WHERE t.oid = $1",
            &[&tokio_postgres::types::Oid::from(1007u32)],
        )
        .await
        .expect("typeinfo");
    assert_eq!(row.get::<_, String>(0), "_int4");
    assert_eq!(row.get::<_, i8>(1), b'b' as i8);
    assert_eq!(row.get::<_, u32>(2), 23);
    assert_eq!(row.get::<_, Option<u32>>(3), None);
    assert_eq!(row.get::<_, String>(5), "pg_catalog");
    let rows = client
        .query(
            "SELECT enumlabel FROM pg_catalog.pg_enum WHERE enumtypid = $1 ORDER BY enumsortorder",
            &[&tokio_postgres::types::Oid::from(1007u32)],
        )
        .await
        .expect("enum labels");
    assert!(rows.is_empty());
}

/// psql's meta-commands print the same on devdb as on PostgreSQL for the same schema: listings,
/// databases, roles, and `\d` of tables, indexes, sequences, views and materialized views with
/// every catalog query psql 15 sends for them (the owner, which is the connected user on devdb,
/// is normalized).
#[tokio::test]
async fn psql_meta_commands_match_postgres() {
    let Some(psql_bin) = pg_tool("psql") else {
        return;
    };
    let Some(pg) = Postgres::start() else {
        return;
    };
    let database = pg.fresh_database("psql_meta").await;
    let devdb = DevDb::start(&[]);
    let servers = [
        (pg.url_for(&database), "postgres".to_owned()),
        (devdb.url_with_password(), devdb.user().to_owned()),
    ];
    let mut outputs = Vec::new();
    for (url, owner) in &servers {
        let extra = [
            "create schema app",
            "create type mood as enum ('sad', 'ok')",
            "create table app.people (id serial primary key, m mood, t text default 'hi', \
             n numeric(5,1) default 1.5)",
            // An identity key, a foreign key, a unique constraint, a default and a check.
            "create table tagged (id int generated always as identity primary key, \
             user_id int references users(id), label varchar(20) not null default 'x', \
             unique (user_id, label), constraint id_positive check (id > 0))",
            "create sequence counter increment 2 start 5",
            "create view active_users as select id, email from users where active",
            "create materialized view user_emails as select id, email from users",
            "create unique index user_emails_id on user_emails (id)",
            "comment on column tagged.label is 'what the user calls it'",
            "alter table tagged add column attrs jsonb",
            "create index tagged_attrs on tagged using gin (attrs jsonb_path_ops) \
             with (fastupdate = off)",
            // Functions for \df and \sf: SQL ones with a string body (one holding the
            // `$function$` delimiter) and a `RETURN` body with attributes, a trigger function.
            "create function add_one(a integer) returns integer language sql as 'select a + 1'",
            "create function shout(integer) returns text stable language sql \
             as $$ select 'it''s $function$ ' || $1 $$",
            "create function bump(a int, b text) returns int immutable strict parallel safe \
             security definer return a + 1",
            "create function touch() returns trigger language plpgsql \
             as $$ begin new.label := 'x'; return new; end $$",
        ];
        for statement in SCHEMA.iter().chain(&extra) {
            psql(&psql_bin, url, &["-c", statement])
                .await
                .assert_success(statement);
        }
        let mut printed = String::new();
        for command in [
            r"\dt",
            r"\di",
            r"\ds",
            r"\dn",
            r"\dT",
            r"\dv",
            r"\dt public.*",
            r"\dt app.*",
            // The databases both servers have (devdb has no template0).
            r"\l postgres",
            r"\l template1",
            r"\du",
            r"\df",
            r"\dx",
            r"\dn+",
            r"\d",
            r"\d users",
            r"\d+ users",
            r"\d posts",
            r"\d tagged",
            r"\d+ tagged",
            r"\d app.people",
            r"\d users_pkey",
            r"\d posts_title_idx",
            r"\d tagged_user_id_label_key",
            r"\d users_id_seq",
            r"\d tagged_id_seq",
            r"\d counter",
            r"\d active_users",
            r"\dm",
            r"\d user_emails",
            r"\d user_emails_id",
            r"\dT+",
            r"\d+ active_users",
            r"\d+ user_emails",
            r"\db",
            // Built-in casts, operators, languages, access methods and operator classes.
            r"\dC",
            r"\do",
            r"\dL",
            r"\dA",
            r"\dAc",
            r"\dAf",
            r"\dAo",
            r"\dAp",
            r"\dL+",
            // Catalogs of objects nobody created here: empty on both.
            r"\dd",
            r"\dy",
            r"\des",
            r"\dew",
            r"\det",
            r"\deu",
            r"\des+",
            r"\dew+",
            r"\det+",
            r"\deu+",
            r"\dX",
            r"\ddp",
            // No grants beyond the owner's: empty access privileges.
            r"\dp",
            r"\z",
            r"\df+",
            r"\sf add_one",
            r"\sf add_one(int)",
            r"\sf+ shout",
            r"\sf bump",
            r"\sf+ touch",
            // Conversions (the built-in ones name their encodings), collations, text search
            // objects, and catalogs nobody filled.
            r"\dc",
            r"\dc pg_catalog.*",
            r"\dO",
            r"\dF",
            r"\dFd",
            r"\dFp",
            r"\dFt",
            r"\drds",
            r"\dRs",
            r"\dl",
        ] {
            let run = psql(&psql_bin, url, &["-c", command]).await;
            run.assert_success(command);
            printed.push_str(&format!(
                "{command}\n{}",
                run.stdout.replace(owner, "OWNER")
            ));
        }
        // The `+` listings print sizes, which are SQLite's pages on devdb: all else must match.
        for command in [r"\dt+", r"\di+", r"\dm+", r"\l+ postgres"] {
            let run = psql(&psql_bin, url, &["-A", "-c", command]).await;
            run.assert_success(command);
            printed.push_str(&format!(
                "{command}\n{}",
                mask_column(&run.stdout.replace(owner, "OWNER"), "Size")
            ));
        }
        outputs.push(printed);
    }
    assert_eq!(
        outputs[1], outputs[0],
        "devdb (left) and PostgreSQL (right)"
    );
}

/// regprocedure and regoperator: functions and operators with their argument types, in and out.
#[tokio::test]
async fn regprocedure_and_regoperator_match_postgres() {
    compare(&[
        "create function add_one(a integer) returns integer language sql as 'select a + 1'",
        "select 'int4pl'::regproc::regprocedure, 'sum(int4)'::regprocedure::oid, \
         'add_one(int)'::regprocedure, 'add_one(integer)'::regprocedure::text, \
         0::regprocedure, 2204::regoperator, '+(int4,int4)'::regoperator::oid, \
         '-(NONE,int4)'::regoperator::oid, '~(none, integer)'::regoperator::text",
        "select oid::regprocedure::text from pg_proc where proname = 'abs' order by oid",
        "select oid::regoperator::text from pg_operator where oprname = '@' order by oid",
        "select 'add_one(text)'::regprocedure",
        "select '+(text,text)'::regoperator",
        "select 'add_one'::regprocedure",
    ])
    .await;
}

/// pg_options_to_table: an options array (srvoptions, reloptions, ...) as name/value rows.
#[tokio::test]
async fn options_to_table_matches_postgres() {
    compare(&[
        "select * from pg_options_to_table(array['a=1', 'b', 'c=x=y', 'd='])",
        "select o.k, o.v from pg_options_to_table('{fillfactor=70}') as o(k, v)",
        "select option_name from pg_options_to_table(null::text[])",
    ])
    .await;
}

/// Encodings by number and by name, aliases and spellings PostgreSQL accepts included.
#[tokio::test]
async fn encoding_names_and_numbers_match_postgres() {
    compare(&[
        "select i, pg_encoding_to_char(i) from generate_series(-1, 43) i order by i",
        "select n, pg_char_to_encoding(n) from unnest(array['utf8', 'UTF-8', 'Unicode', \
         'latin1', 'ISO-8859-5', 'iso88599', 'windows1252', 'Win1250', 'shift_jis_2004', \
         'mskanji', 'win949', 'koi8', 'alt', 'tcvn5712', 'sql_ascii', 'windows', 'latin11', \
         '']) n order by n",
        "select getdatabaseencoding(), pg_char_to_encoding(getdatabaseencoding())",
    ])
    .await;
}

/// Runs `setup` then each psql meta-command on a fresh PostgreSQL database and on devdb, and
/// asserts both print the same (the owner's name masked); without psql or PostgreSQL the
/// harness reports a skip.
async fn psql_meta_commands_match(prefix: &str, setup: &[&str], commands: &[&str]) {
    let Some(psql_bin) = pg_tool("psql") else {
        return;
    };
    let Some(pg) = Postgres::start() else {
        return;
    };
    let database = pg.fresh_database(prefix).await;
    let devdb = DevDb::start(&[]);
    let mut outputs = Vec::new();
    for (url, owner) in [
        (pg.url_for(&database), "postgres"),
        (devdb.url_with_password(), devdb.user()),
    ] {
        for statement in setup {
            psql(&psql_bin, &url, &["-c", statement])
                .await
                .assert_success(statement);
        }
        let mut printed = String::new();
        for command in commands {
            let run = psql(&psql_bin, &url, &["-c", command]).await;
            run.assert_success(command);
            printed.push_str(&format!(
                "{command}\n{}",
                run.stdout.replace(owner, "OWNER")
            ));
        }
        outputs.push(printed);
    }
    assert_eq!(
        outputs[1], outputs[0],
        "devdb (left) and PostgreSQL (right)"
    );
}

/// Domains, with a NOT NULL, a DEFAULT and CHECKs, and columns of them.
const DOMAINS: &[&str] = &[
    "create domain email as text not null default 'a@b' check (value ~ '@')",
    "create domain posint as int check (value > 0)",
    "create domain code as varchar(5)",
    "create table dt (id serial primary key, e email, p posint not null, c code default 'x', \
     e2 email default 'z@z')",
];

/// psql's \dD, \dT and \d list domains, and a column of one by the domain's name.
#[tokio::test]
async fn psql_lists_domains_as_postgres() {
    psql_meta_commands_match(
        "psql_domains",
        DOMAINS,
        &[r"\dD", r"\dD public.*", r"\dT", r"\d dt", r"\d+ dt"],
    )
    .await;
}

/// psql's \d prints a stored generated column's expression in its Default column.
#[tokio::test]
async fn psql_describes_generated_columns_as_postgres() {
    psql_meta_commands_match(
        "psql_generated",
        &[
            "create table priced (id int primary key, price numeric(6,2), qty int, \
             doubled numeric(8,2) generated always as (price * 2) stored, \
             total numeric generated always as (price * qty) stored, name varchar(10), \
             shout text generated always as (upper(name) || '!') stored not null)",
        ],
        &[r"\d priced", r"\d+ priced"],
    )
    .await;
}

/// Domains in pg_type (typtype 'd', with an array type), their CHECKs in pg_constraint, columns
/// of a domain in pg_attribute, pg_attrdef and information_schema, as drivers read them; a
/// query's columns are described with the base type.
#[tokio::test]
async fn domains_appear_in_the_catalogs() {
    let queries = [
        "select typname, typtype, typbasetype::regtype, typtypmod, typnotnull, typdefault, \
         typcategory, typlen, typbyval, typalign, typstorage, typinput, typoutput, typreceive, \
         typsend, typcollation, typelem::regtype, typndims, typmodin, typanalyze, \
         typarray::regtype, typdelim, typrelid from pg_type \
         where typnamespace = 'public'::regnamespace and typname not in ('dt', '_dt') \
         order by typname",
        "select t.typname, t.typtype, t.typelem, r.rngsubtype, t.typbasetype::regtype, \
         n.nspname, t.typrelid from pg_catalog.pg_type t \
         left outer join pg_catalog.pg_range r on r.rngtypid = t.oid \
         inner join pg_catalog.pg_namespace n on t.typnamespace = n.oid \
         where t.oid = 'posint'::regtype",
        "select conname, contype, contypid::regtype, conrelid, pg_get_constraintdef(oid), \
         pg_get_constraintdef(oid, true), conbin is not null, convalidated from pg_constraint \
         where contypid <> 0 and connamespace = 'public'::regnamespace order by conname",
        "select attname, format_type(atttypid, atttypmod), attnotnull, atthasdef \
         from pg_attribute where attrelid = 'dt'::regclass and attnum > 0 order by attnum",
        "select a.attname, pg_get_expr(d.adbin, d.adrelid) from pg_attrdef d \
         join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum \
         where d.adrelid = 'dt'::regclass order by a.attnum",
        "select column_name, column_default, is_nullable, data_type, character_maximum_length, \
         character_octet_length, numeric_precision, domain_catalog is not null, domain_schema, \
         domain_name, udt_schema, udt_name from information_schema.columns \
         where table_name = 'dt' order by ordinal_position",
        "select constraint_name, check_clause from information_schema.check_constraints \
         where constraint_schema = 'public' and constraint_name not like '%not_null' order by 1",
        "select 'email'::regtype, format_type('email'::regtype, -1), \
         format_type((select typarray from pg_type where typname = 'code'), -1), \
         pg_type_is_visible('email'::regtype)",
        "insert into dt (p) values (1) returning *",
        "select e, p, c from dt",
    ];
    compare(&DOMAINS.iter().chain(&queries).copied().collect::<Vec<_>>()).await;
    compare_extended(&DOMAINS.iter().chain(&queries).copied().collect::<Vec<_>>()).await;
}

/// The parameters of statements over columns of a domain as tokio-postgres prepares them: an
/// assigned one is of the domain (the driver looks it up in pg_type), a compared one of its
/// base type; with the names, kinds and rows each server gives.
async fn domain_parameters(client: &Client) -> Vec<String> {
    client
        .batch_execute(&DOMAINS.join(";"))
        .await
        .expect("domains");
    let mut seen = Vec::new();
    for query in [
        "insert into dt (p, e, c) values ($1, $2, $3)",
        "update dt set p = $1, e = $2 where p = $3",
        "select e, p from dt where p = $1",
    ] {
        let statement = client.prepare(query).await.expect(query);
        let types: Vec<String> = statement
            .params()
            .iter()
            .map(|t| format!("{} {:?}", t.name(), t.kind()))
            .collect();
        seen.push(format!("{query}: {}", types.join(", ")));
    }
    client
        .execute(
            "insert into dt (p, e, c) values ($1::int, $2::text, $3::varchar)",
            &[&5i32, &"a@b.c", &"abc"],
        )
        .await
        .expect("insert");
    let row = client
        .query_one("select e, p, c from dt where p = $1", &[&5i32])
        .await
        .expect("select");
    seen.push(format!(
        "{:?}",
        (
            row.get::<_, String>(0),
            row.get::<_, i32>(1),
            row.get::<_, String>(2)
        )
    ));
    seen
}

#[tokio::test]
async fn domain_parameters_are_described_as_postgres_describes_them() {
    let Some(pg) = Postgres::start() else {
        return;
    };
    let database = pg.fresh_database("domain_params").await;
    let expected = domain_parameters(&pg.connect_to(&database).await).await;
    let devdb = DevDb::start(&[]);
    assert_eq!(domain_parameters(&devdb.connect().await).await, expected);
}

/// psql's unaligned output (`-A`) with the values of column `name` replaced by `*`.
fn mask_column(unaligned: &str, name: &str) -> String {
    let mut header: Option<(usize, usize)> = None;
    let mut out = Vec::new();
    for line in unaligned.lines() {
        let mut row: Vec<&str> = line.split('|').collect();
        match header {
            None => {
                header = row
                    .iter()
                    .position(|h| *h == name)
                    .map(|at| (at, row.len()))
            }
            Some((at, fields)) if row.len() == fields => row[at] = "*",
            Some(_) => {}
        }
        out.push(row.join("|"));
    }
    out.join("\n")
}

/// What ORMs and migration tools read to diff a schema.
#[tokio::test]
async fn information_schema_matches_postgres() {
    compare(&with_schema(&[
        "create table defaults (a int default -1, b varchar(10) default 'x', c char(3) default 'ab', \
         d boolean default true, e numeric default 1.50, f date default '2020-01-02', \
         g timestamptz default now(), h bigint default 7, i text default 'x')",
        // Every column but the catalog (database) names, which differ between the servers.
        "select table_schema, table_name, column_name, ordinal_position, column_default, \
         is_nullable, data_type, character_maximum_length, character_octet_length, \
         numeric_precision, numeric_precision_radix, numeric_scale, datetime_precision, \
         interval_type, interval_precision, character_set_catalog, character_set_schema, \
         character_set_name, collation_catalog, collation_schema, collation_name, \
         domain_catalog, domain_schema, domain_name, udt_catalog is not null, udt_schema, \
         udt_name, scope_catalog, scope_schema, scope_name, maximum_cardinality, \
         dtd_identifier, is_self_referencing, is_identity, identity_generation, identity_start, \
         identity_increment, identity_maximum, identity_minimum, identity_cycle, is_generated, \
         generation_expression, is_updatable from information_schema.columns \
         where table_schema = 'public' order by table_name, ordinal_position",
        "select table_schema, table_name, table_type, self_referencing_column_name, \
         reference_generation, user_defined_type_catalog, user_defined_type_schema, \
         user_defined_type_name, is_insertable_into, is_typed, commit_action \
         from information_schema.tables where table_schema = 'public' order by table_name",
        "select catalog_name is not null, schema_name, schema_owner from information_schema.schemata \
         order by schema_name",
        "select constraint_schema, constraint_name, table_name, constraint_type, is_deferrable, \
         initially_deferred, enforced, nulls_distinct from information_schema.table_constraints \
         where table_schema = 'public' and constraint_name not like '%not_null' \
         order by table_name, constraint_name",
        "select count(*) from information_schema.table_constraints \
         where table_schema = 'public' and constraint_type = 'CHECK'",
        "select constraint_name, table_name, column_name, ordinal_position, \
         position_in_unique_constraint from information_schema.key_column_usage \
         where table_schema = 'public' order by constraint_name, ordinal_position",
        "select table_name, column_name, constraint_name \
         from information_schema.constraint_column_usage where table_schema = 'public' \
         order by constraint_name, column_name",
        "select constraint_name, unique_constraint_name, match_option, update_rule, delete_rule \
         from information_schema.referential_constraints order by constraint_name",
        "select constraint_name, check_clause from information_schema.check_constraints \
         where constraint_schema = 'public' and constraint_name not like '%not_null' \
         order by constraint_name",
        "select sequence_schema, sequence_name, data_type, numeric_precision, \
         numeric_precision_radix, numeric_scale, start_value, minimum_value, maximum_value, \
         increment, cycle_option from information_schema.sequences order by sequence_name",
        "select count(*) from information_schema.views where table_schema = 'public'",
        "select count(*) from information_schema.routines where routine_schema = 'public'",
        "select a.attname, pg_get_expr(d.adbin, d.adrelid) from pg_attrdef d \
         join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum \
         where d.adrelid = 'defaults'::regclass order by a.attnum",
    ]))
    .await;
}

/// Schemas and enums as the catalogs list them, and as drivers look enum types up.
#[tokio::test]
async fn schemas_and_enums_appear_in_the_catalogs() {
    compare(&[
        "create schema app",
        "create type mood as enum ('sad', 'ok', 'happy')",
        "create table app.people (id serial primary key, m mood not null, ms text)",
        "select t.typname, t.typtype, t.typcategory, t.typlen, t.typbyval, t.typalign, \
         t.typstorage, t.typinput, t.typoutput, t.typreceive, t.typsend, t.typsubscript, \
         t.typanalyze, t.typdelim, t.typrelid, t.typbasetype, n.nspname, \
         (select e.typname from pg_type e where e.oid = t.typelem), \
         (select a.typname from pg_type a where a.oid = t.typarray) \
         from pg_type t join pg_namespace n on n.oid = t.typnamespace \
         where t.typname in ('mood', '_mood') order by 1",
        "select enumlabel, enumsortorder from pg_enum where enumtypid = 'mood'::regtype \
         order by enumsortorder",
        "select 'mood'::regtype, 'mood[]'::regtype, 'mood'::regtype::oid = \
         (select oid from pg_type where typname = 'mood')",
        "select nspname, nspowner = 10 from pg_namespace where nspname in ('app', 'public') \
         order by 1",
        "select c.relname, c.relkind, n.nspname from pg_class c \
         join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'app' order by 1",
        "select a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull \
         from pg_attribute a where a.attrelid = 'app.people'::regclass and a.attnum > 0 \
         order by a.attnum",
        "select column_name, data_type, udt_schema, udt_name, column_default \
         from information_schema.columns where table_schema = 'app' order by ordinal_position",
        "select pg_get_serial_sequence('app.people', 'id')",
        "select schema_name from information_schema.schemata order by 1",
    ])
    .await;
}

/// pg_sequences, drizzle-kit's first introspection query.
#[tokio::test]
async fn pg_sequences_match_postgres() {
    compare(&[
        "create table seq_t (id serial primary key, big bigserial, small smallserial)",
        "create sequence seq_s increment 2 start 5",
        "select nextval('seq_s'), nextval('seq_s')",
        "select schemaname, sequencename, sequenceowner = current_user, data_type, start_value, \
         min_value, max_value, increment_by, cycle, cache_size, last_value \
         from pg_sequences order by sequencename",
    ])
    .await;
}

/// Identity columns in information_schema.columns: no default, is_identity, generation.
#[tokio::test]
async fn identity_columns_in_information_schema_match_postgres() {
    compare(&[
        "create table ident_t (a int generated always as identity, b bigint generated by default as identity, c serial)",
        "select column_name, column_default, is_identity, identity_generation \
         from information_schema.columns where table_name = 'ident_t' order by ordinal_position",
    ])
    .await;
}

/// A schema as drizzle-kit pushes it: an enum with a default, an identity key, serial keys, a
/// composite primary key, foreign keys with actions, a jsonb default, unique and plain indexes.
const DRIZZLE_SCHEMA: &[&str] = &[
    "create type role as enum ('reader', 'author')",
    "create table users (id integer primary key generated always as identity \
     (sequence name users_id_seq increment by 1 minvalue 1 maxvalue 2147483647 start with 1 \
     cache 1), email text not null, role role default 'reader' not null)",
    "create table posts (id serial primary key not null, author_id integer not null, \
     meta jsonb default '{}'::jsonb)",
    "create table tags (id serial primary key not null, name text not null, \
     constraint tags_name_unique unique (name))",
    "create table post_tags (post_id integer not null, tag_id integer not null, \
     constraint post_tags_pk primary key (tag_id, post_id))",
    "alter table posts add constraint posts_author_fk foreign key (author_id) \
     references public.users(id) on delete cascade on update no action",
    "alter table post_tags add constraint post_tags_post_fk foreign key (post_id) \
     references public.posts(id) on delete cascade",
    "create index posts_author_idx on posts using btree (author_id)",
    "create unique index users_email_key on users using btree (email)",
];

/// drizzle-kit's introspection queries (push and pull), as it sends them, ordered.
#[tokio::test]
async fn drizzle_kit_introspection_queries_match_postgres() {
    let queries = [
        // Columns: serial detection through pg_attrdef, identity details, enum defaults.
        "select a.attrelid::regclass::text as table_name, a.attname as column_name, \
         case when a.atttypid = any ('{int,int8,int2}'::regtype[]) and exists ( \
           select from pg_attrdef ad where ad.adrelid = a.attrelid and ad.adnum = a.attnum \
           and pg_get_expr(ad.adbin, ad.adrelid) = 'nextval(''' \
             || pg_get_serial_sequence(a.attrelid::regclass::text, a.attname)::regclass \
             || '''::regclass)') \
         then case a.atttypid when 'int'::regtype then 'serial' when 'int8'::regtype \
           then 'bigserial' when 'int2'::regtype then 'smallserial' end \
         else format_type(a.atttypid, a.atttypmod) end as data_type, \
         pg_get_serial_sequence('\"public\".\"' || cls.relname || '\"', a.attname)::regclass \
           as seq_name, \
         c.column_default, c.data_type as additional_dt, c.udt_name as enum_name, \
         c.is_identity, c.identity_generation, c.identity_start, c.identity_increment, \
         c.identity_maximum, c.identity_minimum, c.identity_cycle, enum_ns.nspname as type_schema \
         from pg_attribute a join pg_class cls on cls.oid = a.attrelid \
         join pg_namespace ns on ns.oid = cls.relnamespace \
         left join information_schema.columns c on c.column_name = a.attname \
           and c.table_schema = ns.nspname and c.table_name = cls.relname \
         left join pg_type enum_t on enum_t.oid = a.atttypid \
         left join pg_namespace enum_ns on enum_ns.oid = enum_t.typnamespace \
         where a.attnum > 0 and not a.attisdropped and cls.relkind in ('r', 'v', 'm') \
           and ns.nspname = 'public' order by cls.relname, a.attnum",
        // Key columns of constraints, through JOIN ... USING.
        "select c.column_name, c.data_type, constraint_type, constraint_name, constraint_schema \
         from information_schema.table_constraints tc \
         join information_schema.constraint_column_usage as ccu \
           using (constraint_schema, constraint_name) \
         join information_schema.columns as c on c.table_schema = tc.constraint_schema \
           and tc.table_name = c.table_name and ccu.column_name = c.column_name \
         where constraint_schema = 'public' order by 4, 1",
        // Foreign keys through conkey and confkey.
        "select con.contype, nsp.nspname, con.conname, rel.relname, att.attname, \
         frel.relname, fatt.attname, con.confupdtype, con.confdeltype \
         from pg_catalog.pg_constraint con \
         join pg_catalog.pg_class rel on rel.oid = con.conrelid \
         join pg_catalog.pg_namespace nsp on nsp.oid = con.connamespace \
         left join pg_catalog.pg_attribute att on att.attnum = any (con.conkey) \
           and att.attrelid = con.conrelid \
         left join pg_catalog.pg_class frel on frel.oid = con.confrelid \
         left join pg_catalog.pg_attribute fatt on fatt.attnum = any (con.confkey) \
           and fatt.attrelid = con.confrelid \
         where nsp.nspname = 'public' order by con.conname, att.attname",
        "select conname, conkey, confkey from pg_constraint where connamespace = 2200 \
         order by conname",
        // Index columns: a LATERAL set over int2vector, its subscripts from 0, = ANY (oidvector).
        "select distinct on (t.relname, ic.relname, k.i) t.relname as table_name, \
         ic.relname as indexname, k.i as index_order, i.indisunique as is_unique, \
         am.amname as method, ic.reloptions as with, \
         coalesce(a.attname, pg_get_indexdef(i.indexrelid, k.i, false)) as column_name, \
         case when pg_get_expr(i.indexprs, i.indrelid) is not null then 1 else 0 end \
           as is_expression, \
         i.indoption[k.i-1] & 1 = 1 as descending, i.indoption[k.i-1] & 2 = 2 as nulls_first, \
         pg_get_expr(i.indpred, i.indrelid) as where, opc.opcname \
         from pg_class t left join pg_index i on t.oid = i.indrelid \
         left join pg_class ic on ic.oid = i.indexrelid \
         cross join lateral (select unnest(i.indkey), generate_subscripts(i.indkey, 1) + 1) \
           as k(attnum, i) \
         left join pg_attribute as a on i.indrelid = a.attrelid and k.attnum = a.attnum \
         join pg_namespace c on c.oid = t.relnamespace \
         left join pg_am as am on ic.relam = am.oid \
         join pg_opclass opc on opc.oid = any(i.indclass) \
         where c.nspname = 'public' order by t.relname, ic.relname, k.i",
        "select idx.indexrelname, idx.relname, schemaname, \
         case when con.conname is not null then 1 else 0 end as generated_by_constraint \
         from pg_stat_user_indexes idx left join pg_constraint con on con.conindid = idx.indexrelid \
         where schemaname = 'public' order by 1",
        "select conname from pg_constraint join pg_class on (pg_class.oid = conrelid) \
         where contype = 'p' and connamespace = 'public'::text::regnamespace \
         and pg_class.relname = 'post_tags'",
        "select schemaname, tablename, policyname from pg_policies",
        "select relname from pg_class where oid = 'public.posts'::text::regclass",
        "select unnest(array[5, 6]), generate_subscripts(array[5, 6], 1)",
        "select 6 & 3, 6 | 3, 6::int2 & 3",
    ];
    compare(
        &DRIZZLE_SCHEMA
            .iter()
            .chain(&queries)
            .copied()
            .collect::<Vec<_>>(),
    )
    .await;
}

/// JOIN ... USING: its columns must be on both sides, and an unqualified one is not ambiguous.
#[tokio::test]
async fn join_using_matches_postgres() {
    compare(&[
        "create table a (x int, y int)",
        "create table b (x int, z int)",
        "select a.y, b.z from a join b using (y)",
        "select a.y, b.z from a join b using (z)",
        "insert into a values (1, 2)",
        "insert into b values (1, 3), (2, 4)",
        "select x, y, z from a join b using (x)",
        "select x, y, z from a left join b using (x) order by x",
    ])
    .await;
}

/// `$1::regnamespace` and `$1::regclass` take the name the client sends, as drizzle-kit does.
#[tokio::test]
async fn oid_alias_parameters_take_names() {
    let devdb = DevDb::start(&[]);
    let client = devdb.connect().await;
    client
        .batch_execute("create table named (id int primary key)")
        .await
        .expect("schema");
    let row = client
        .query_one(
            "select $1::regnamespace::oid, $2::regclass::text",
            &[&"public", &"named"],
        )
        .await
        .expect("lookup");
    assert_eq!(row.get::<_, u32>(0), 2200);
    assert_eq!(row.get::<_, String>(1), "named");
    let err = client
        .query_one("select $1::regclass", &[&"missing"])
        .await
        .expect_err("missing relation");
    assert_eq!(
        err.code(),
        Some(&tokio_postgres::error::SqlState::UNDEFINED_TABLE)
    );
}

/// Descriptions: PostgreSQL's own (built-in objects) and COMMENT ON's, as obj_description and
/// col_description read them.
#[tokio::test]
async fn descriptions_match_postgres() {
    compare(&[
        "create table described (id int primary key, note text)",
        "create type shade as enum ('light', 'dark')",
        "comment on table described is 'a described table'",
        "comment on column described.note is 'free text'",
        "comment on type shade is 'how dark'",
        "comment on schema public is 'the usual place'",
        "select obj_description('described'::regclass, 'pg_class'), \
         obj_description('described'::regclass), col_description('described'::regclass, 2), \
         col_description('described'::regclass, 1)",
        "select obj_description('shade'::regtype, 'pg_type'), \
         obj_description('public'::regnamespace, 'pg_namespace')",
        "select obj_description(oid, 'pg_extension') from pg_extension",
        "select obj_description('int4'::regtype, 'pg_type'), \
         obj_description('pg_catalog'::regnamespace, 'pg_namespace')",
        "select d.description from pg_description d join pg_class c on c.oid = d.objoid \
         where c.relname = 'described' order by d.objsubid",
    ])
    .await;
}

/// pg_size_pretty's units and rounding, and the schemas' access privileges.
#[tokio::test]
async fn size_pretty_and_schema_privileges_match_postgres() {
    compare(&[
        "select pg_size_pretty(0::bigint), pg_size_pretty(10239::bigint), \
         pg_size_pretty(10240::bigint), pg_size_pretty(123456789::bigint), \
         pg_size_pretty(-5000000::bigint), pg_size_pretty(9223372036854775807), \
         pg_size_pretty(-10240::int8), pg_size_pretty(1125899906842624), pg_size_pretty(null::int8)",
        "create schema mine",
        "select nspname, array_to_string(nspacl, ',') from pg_namespace \
         where nspname in ('public', 'mine') order by 1",
    ])
    .await;
}

/// The catalog views appear on a connection when a statement first reads them, which may be
/// inside a transaction: one that rolls back takes them along, and the next read makes them again.
#[tokio::test]
async fn catalog_reads_work_after_a_rollback_that_took_the_views() {
    compare(&[
        "begin",
        "create table gone (id int)",
        "select relname from pg_class where relname = 'gone'",
        "rollback",
        "select count(*) from pg_class where relname = 'gone'",
        "begin",
        "create table kept (id int)",
        "select table_name from information_schema.tables where table_name = 'kept'",
        "rollback",
        "select count(*) from information_schema.tables where table_name in ('gone', 'kept')",
        "select typname from pg_type where oid = 'int4'::regtype",
    ])
    .await;
}

/// Relation and database sizes: SQLite's pages are not PostgreSQL's, so the numbers differ, but
/// what holds between them (a table with rows has a size, the total is the table and its
/// indexes, a view has none) is compared.
#[tokio::test]
async fn relation_and_database_sizes_match_postgres_in_shape() {
    compare(&with_schema(&[
        "create view active_users as select id, email from users where active",
        // Empty: a table has no page, a btree index its metapage.
        "select pg_relation_size('users'), pg_relation_size('users_pkey'), \
         pg_indexes_size('users'), pg_relation_size('active_users')",
        "insert into users (email, active) select 'u' || g || '@x.io', true \
         from generate_series(1, 2000) g",
        "select c.relname, pg_relation_size(c.oid) > 0, pg_table_size(c.oid) > 0, \
         pg_total_relation_size(c.oid) = pg_table_size(c.oid) + pg_indexes_size(c.oid), \
         pg_indexes_size(c.oid) > 0, pg_relation_size(c.oid, 'main') = pg_relation_size(c.oid) \
         from pg_class c where c.relname in ('users', 'users_pkey', 'users_email_key', \
         'active_users') order by 1",
        "select pg_relation_size('users') > 0, pg_total_relation_size('users') > \
         pg_relation_size('users'), pg_size_pretty(pg_relation_size('active_users'))",
        "select pg_database_size(current_database()) > 0, \
         pg_database_size(current_database()) = pg_database_size(oid) \
         from pg_database where datname = current_database()",
        "select pg_database_size(123456789::oid), pg_relation_size(0)",
        "select datname, shobj_description(oid, 'pg_database') from pg_database \
         where datname in ('postgres', 'template1') order by 1",
    ]))
    .await;
}

/// Sizes grow with the data: a table, its indexes and the database.
#[tokio::test]
async fn relation_sizes_grow_with_data() {
    let devdb = DevDb::start(&[]);
    let client = devdb.connect().await;
    client
        .batch_execute(SCHEMA.join(";").as_str())
        .await
        .expect("schema");
    let sizes = "select pg_relation_size('users'), pg_indexes_size('users'), \
                 pg_total_relation_size('users'), pg_database_size(current_database())";
    let read = |row: tokio_postgres::Row| -> [i64; 4] { [0, 1, 2, 3].map(|i| row.get(i)) };
    let before = read(client.query_one(sizes, &[]).await.expect("sizes"));
    client
        .batch_execute(
            "insert into users (email, name, active) select 'user' || g || '@example.com', \
             repeat('n', 200), true from generate_series(1, 5000) g",
        )
        .await
        .expect("rows");
    let after = read(client.query_one(sizes, &[]).await.expect("sizes"));
    for (i, what) in ["table", "indexes", "total", "database"].iter().enumerate() {
        assert!(
            after[i] > before[i] && after[i] > 0,
            "{what}: {} before, {} after",
            before[i],
            after[i]
        );
    }
    assert_eq!(after[2], after[0] + after[1], "total = table + indexes");
    // PostgreSQL sends the row description before this error, which compare() would see.
    let err = client
        .query_one("select pg_database_size('no_such_database')", &[])
        .await
        .expect_err("missing database");
    assert_eq!(
        err.code(),
        Some(&tokio_postgres::error::SqlState::INVALID_CATALOG_NAME)
    );
}

/// CHECK constraints as PostgreSQL's deparser prints them (pg_get_constraintdef, plain and
/// pretty, and information_schema.check_constraints): typed literals, varchar compared as
/// text, IN as `= ANY (ARRAY[...])`, BETWEEN as two comparisons, LIKE as `~~`; and their names,
/// taken from the one column a check mentions.
#[tokio::test]
async fn check_constraints_print_as_postgres_deparses_them() {
    compare(&[
        "create table ck (a int check (a > 0), b bigint check (b >= 0 and b < 100), \
         c numeric(10,2) check (c >= 0), d numeric check (d > 1.5), \
         e text check (e in ('x', 'y')), f varchar(10) check (f in ('x', 'y')), \
         g varchar(10) check (g <> ''), h text check (length(h) <= 20), \
         i int check (i between 1 and 10), j text check (j is not null or a is null), \
         k float8 check (k > 0), l smallint check (l > -1), m text check (m ~ '^[a-z]+$'), \
         n text check (n like 'a%'), o date check (o > '2020-1-1'), p boolean check (not p), \
         q int check (q not in (1, 2, 3)), r text check (char_length(r) > 2 and r <> upper(r)), \
         s int check (s + 1 > a * 2), t int check (t > 1.5), u char(2) check (u <> 'zz'), \
         v timestamptz check (v > now()), w int check (w > 0 and (w < 10 or w > 20)), \
         x text check (x ilike '%@%' and x not like '% %'), y int check (1 > 0))",
        "select conname, pg_get_constraintdef(oid), pg_get_constraintdef(oid, true) \
         from pg_constraint where conrelid = 'ck'::regclass order by conname",
        "select constraint_name, check_clause from information_schema.check_constraints \
         where constraint_schema = 'public' and constraint_name like 'ck%' order by 1",
    ])
    .await;
}

/// A Rust enum mapped to a PostgreSQL enum, as tokio-postgres users write it: the driver looks
/// the type up in pg_type and its labels in pg_enum (with parameters), then reads values and
/// arrays of it, and sends one as a parameter (which needs the enum's OID in
/// ParameterDescription).
#[derive(Debug, PartialEq)]
enum Shade {
    Light,
    Dark,
}

impl<'a> tokio_postgres::types::FromSql<'a> for Shade {
    fn from_sql(
        _: &tokio_postgres::types::Type,
        raw: &'a [u8],
    ) -> Result<Shade, Box<dyn std::error::Error + Sync + Send>> {
        match raw {
            b"light" => Ok(Shade::Light),
            b"dark" => Ok(Shade::Dark),
            other => Err(format!("unknown label {other:?}").into()),
        }
    }

    /// The type tokio-postgres found: `public.shade`, an enum with exactly these labels.
    fn accepts(ty: &tokio_postgres::types::Type) -> bool {
        ty.name() == "shade"
            && ty.schema() == "public"
            && matches!(ty.kind(), tokio_postgres::types::Kind::Enum(labels) if labels == &["light", "dark"])
    }
}

impl tokio_postgres::types::ToSql for Shade {
    fn to_sql(
        &self,
        _: &tokio_postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> Result<tokio_postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        out.extend_from_slice(match self {
            Shade::Light => b"light",
            Shade::Dark => b"dark",
        });
        Ok(tokio_postgres::types::IsNull::No)
    }

    fn accepts(ty: &tokio_postgres::types::Type) -> bool {
        <Shade as tokio_postgres::types::FromSql>::accepts(ty)
    }

    tokio_postgres::types::to_sql_checked!();
}

async fn custom_enum_values(
    client: &Client,
) -> (Shade, Vec<Shade>, Vec<Option<Shade>>, i64, Vec<i32>) {
    client
        .batch_execute(
            "create type shade as enum ('light', 'dark'); \
             create table paints (id int primary key, shade shade not null, history shade[]); \
             insert into paints values (1, 'dark', '{light,dark}')",
        )
        .await
        .expect("schema");
    let row = client
        .query_one("select shade, history, array[null, shade] from paints", &[])
        .await
        .expect("select");
    client
        .execute(
            "insert into paints (id, shade) values (2, $1)",
            &[&Shade::Light],
        )
        .await
        .expect("insert an enum parameter");
    let light: i64 = client
        .query_one(
            "select count(*) from paints where shade = $1",
            &[&Shade::Light],
        )
        .await
        .expect("compare with an enum parameter")
        .get(0);
    // Enum array parameters: assigned to a column, compared with one and used with ANY.
    client
        .execute(
            "insert into paints (id, shade, history) values (3, 'light', $1)",
            &[&vec![Shade::Dark, Shade::Light]],
        )
        .await
        .expect("insert an enum array parameter");
    let ids = client
        .query(
            "select id from paints where history = $1 or shade = any($2) order by id",
            &[&vec![Shade::Dark, Shade::Light], &vec![Shade::Dark]],
        )
        .await
        .expect("compare with enum array parameters")
        .iter()
        .map(|r| r.get(0))
        .collect();
    (row.get(0), row.get(1), row.get(2), light, ids)
}

#[tokio::test]
async fn tokio_postgres_reads_custom_enum_types() {
    let expected = (
        Shade::Dark,
        vec![Shade::Light, Shade::Dark],
        vec![None, Some(Shade::Dark)],
        1,
        vec![1, 3],
    );
    if let Some(pg) = Postgres::start() {
        let database = pg.fresh_database("custom_enum").await;
        let oracle = custom_enum_values(&pg.connect_to(&database).await).await;
        assert_eq!(oracle, expected, "PostgreSQL");
    }
    let devdb = DevDb::start(&[]);
    assert_eq!(custom_enum_values(&devdb.connect().await).await, expected);
}

/// View definitions as pg_get_viewdef prints them (pg_views, pg_matviews,
/// information_schema.views, psql's `\d+`): qualified columns, `AS` where an output is renamed,
/// typed literals, PostgreSQL's indentation.
#[tokio::test]
async fn view_definitions_print_as_postgres_deparses_them() {
    compare(&with_schema(&[
        "create view v_active as select id, email from users where active",
        "create view v_shapes as select id, email as mail, score * 2 as dbl, 'x' as lit, 1 as one \
         from users where active and score > 0 order by email desc limit 5",
        "create view v_counts (a, b) as select name, count(*) from users u group by name \
         having count(*) > 1",
        "create view v_all as select * from users",
        "create view v_nested as select id from v_active where email like '%@x.io'",
        "create materialized view m_titles as select title, max(published) as latest \
         from posts group by title",
        // Joins, with and without aliases, an aggregate over a join, a table read twice.
        "create view v_join as select u.id, p.title from users u join posts p on p.user_id = u.id",
        "create view v_left as select users.email, count(posts.id) as n from users \
         left join posts on posts.user_id = users.id where users.active group by users.email \
         order by users.email",
        "create view v_twice as select u.name, p.title, p2.body from users u \
         inner join posts p on p.user_id = u.id left outer join posts p2 on p2.id = p.id",
        "create view v_bare as select email, title from users u join posts p on user_id = u.id",
        "select viewname, definition from pg_views where schemaname = 'public' order by 1",
        "select matviewname, definition from pg_matviews order by 1",
        // is_updatable is left out: devdb's views are read-only (docs/compat.md).
        "select table_name, view_definition, check_option \
         from information_schema.views where table_schema = 'public' order by 1",
        "select pg_get_viewdef('v_shapes'), pg_get_viewdef('v_counts'::regclass, true), \
         pg_get_viewdef('v_all'::regclass::oid, false)",
        "select viewname, pg_get_viewdef(viewname::regclass, true) from pg_views \
         where viewname in ('v_join', 'v_left', 'v_twice', 'v_bare') order by 1",
    ]))
    .await;
}

/// The catalogs the other tests do not read: collations, roles as pg_user and pg_authid see
/// them, functions, settings, and int2vector bounds.
#[tokio::test]
async fn remaining_catalogs_match_postgres() {
    compare(&with_schema(&[
        "select collname, collprovider, collisdeterministic, collencoding from pg_collation \
         where collname in ('C', 'POSIX', 'default') order by 1",
        "select usename = current_user, usesuper, usecreatedb, userepl, passwd from pg_user",
        "select rolname = current_user, rolsuper, rolcanlogin, rolcreatedb from pg_authid \
         where oid = 10",
        "select proname, pronargs, prorettype, proretset from pg_proc \
         where oid in ('now'::regproc, 'pg_backend_pid'::regproc::oid) order by 1",
        "select 'length'::regproc",
        "select count(*) > 2000 from pg_proc",
        "select name, setting from pg_settings \
         where name in ('DateStyle', 'client_encoding', 'standard_conforming_strings') order by 1",
        "select array_length(indkey, 1), array_upper(indkey, 1) - array_lower(indkey, 1) + 1 \
         from pg_index where indexrelid = 'posts_title_idx'::regclass",
    ]))
    .await;
}

/// pg_cancel_backend cancels the statement another session is running (57014), and that
/// session goes on; pg_stat_activity shows it active meanwhile.
#[tokio::test]
async fn pg_cancel_backend_cancels_a_running_statement() {
    let devdb = DevDb::start(&[]);
    let (admin, victim, pid) = admin_and_victim(&devdb, "sleepy").await;
    let sleeping = tokio::spawn(async move {
        let outcome = victim.batch_execute("select pg_sleep(30)").await;
        (victim, outcome)
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let row = admin
            .query_one(
                "select count(*) from pg_stat_activity where pid = $1 and state = 'active' \
                 and query like 'select pg_sleep%' and state_change is not null",
                &[&pid],
            )
            .await
            .expect("activity");
        if row.get::<_, i64>(0) == 1 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "victim never active");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let row = admin
        .query_one("select pg_cancel_backend($1)", &[&pid])
        .await
        .expect("cancel");
    assert!(row.get::<_, bool>(0));
    let (victim, outcome) = tokio::time::timeout(std::time::Duration::from_secs(10), sleeping)
        .await
        .expect("canceled in time")
        .expect("task");
    let err = outcome.expect_err("canceled");
    assert_eq!(
        err.code(),
        Some(&tokio_postgres::error::SqlState::QUERY_CANCELED)
    );
    let row = victim.query_one("select 1", &[]).await.expect("goes on");
    assert_eq!(row.get::<_, i32>(0), 1);
}
