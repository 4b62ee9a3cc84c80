//! The ORM-shaped workload: what a web app's test suite does through an ORM, one request at a
//! time per client, every statement prepared once per connection and reused (as ORMs cache
//! them).
//!
//! One request is four statements: insert a post returning its id, load a user by uuid, bump a
//! counter with an upsert, and load a user's posts and comments as one JSON array (a 3-table
//! join with `json_agg(json_build_object(..))`). Answers are checked, so a server returning
//! nonsense fails instead of looking fast.

use std::time::{Duration, Instant};

use anyhow::Result;
use tokio::task::JoinSet;
use tokio_postgres::{Client, Statement};

use crate::types::{Json, Uuid};

const USERS: usize = 100;
const POSTS_PER_USER: usize = 5;
const COMMENTS_PER_POST: usize = 2;
const COUNTER_KEYS: u64 = 50;

const INSERT_POST: &str =
    "insert into orm_posts (user_id, title, body) values ($1, $2, $3) returning id";
const USER_BY_UUID: &str = "select id, uid, name, email from orm_users where uid = $1";
const UPSERT_COUNTER: &str = "insert into orm_counters (key, hits) values ($1, 1) \
     on conflict (key) do update set hits = orm_counters.hits + 1, updated_at = now()";
const USER_FEED: &str = "select u.id, u.name, \
     json_agg(json_build_object('post_id', p.id, 'title', p.title, 'comment', c.body)) as items \
     from orm_users u join orm_posts p on p.user_id = u.id join orm_comments c on c.post_id = p.id \
     where u.id = $1 group by u.id, u.name";

pub async fn run(url: &str, clients: usize, duration: Duration) -> Result<()> {
    let uuids: Vec<Uuid> = (0..USERS)
        .map(|i| Uuid::from_random(Rng::new(i as u64 + 1).next_u128()))
        .collect();
    match setup_and_probe(url, &uuids).await {
        Ok(()) => {}
        Err(e) => {
            crate::report("error", format!("unsupported: {e}"));
            return Ok(());
        }
    }

    let deadline = Instant::now() + duration;
    let start = Instant::now();
    let mut set = JoinSet::new();
    for client_no in 0..clients {
        let url = url.to_owned();
        let uuids = uuids.clone();
        set.spawn(async move {
            let (client, _task) = crate::connect(&url)
                .await
                .map_err(|e| format!("connect: {}", crate::describe(&e)))?;
            let statements = Statements::prepare(&client).await?;
            let mut rng = Rng::new(1000 + client_no as u64);
            let mut requests = 0u64;
            while Instant::now() < deadline {
                request(&client, &statements, &uuids, &mut rng).await?;
                requests += 1;
            }
            Ok::<u64, String>(requests)
        });
    }
    let mut total = 0u64;
    let mut first_error = None;
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(Ok(n)) => total += n,
            Ok(Err(e)) => {
                first_error.get_or_insert(e);
            }
            Err(e) => {
                first_error.get_or_insert(format!("client task failed: {e}"));
            }
        }
    }
    if let Some(e) = first_error {
        crate::report("error", format!("failed during the run: {e}"));
        return Ok(());
    }
    let elapsed = start.elapsed().as_secs_f64();
    crate::report("requests", total);
    crate::report("requests_per_sec", format!("{:.1}", total as f64 / elapsed));
    Ok(())
}

/// Creates the schema and seed rows, then runs each statement once on its own, so that a
/// server lacking several features reports all of them, not just the first.
async fn setup_and_probe(url: &str, uuids: &[Uuid]) -> Result<(), String> {
    let (client, _task) = crate::connect(url)
        .await
        .map_err(|e| format!("connect: {}", crate::describe(&e)))?;
    client
        .batch_execute(&schema_sql(uuids))
        .await
        .map_err(|e| format!("schema: {}", crate::describe(&e)))?;

    let mut failures = Vec::new();
    let mut rng = Rng::new(7);
    let probes: [(&str, &str); 4] = [
        ("insert-returning", INSERT_POST),
        ("select by uuid", USER_BY_UUID),
        ("upsert", UPSERT_COUNTER),
        ("join with json_agg", USER_FEED),
    ];
    for (what, sql) in probes {
        let outcome = match client.prepare(sql).await {
            Err(e) => Err(format!("prepare: {}", crate::describe(&e))),
            Ok(statement) => match what {
                "insert-returning" => insert_post(&client, &statement, &mut rng).await,
                "select by uuid" => user_by_uuid(&client, &statement, uuids, &mut rng).await,
                "upsert" => upsert_counter(&client, &statement, &mut rng).await,
                _ => user_feed(&client, &statement, &mut rng).await,
            },
        };
        if let Err(e) = outcome {
            failures.push(format!("{what}: {e}"));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}

/// The schema an ORM would generate, minus foreign keys: devdb rejected `REFERENCES` when
/// this was written, and the row measures the four statements, not constraint checks. Both
/// servers get the same schema.
fn schema_sql(uuids: &[Uuid]) -> String {
    let mut sql = String::from(
        "drop table if exists orm_comments;
         drop table if exists orm_posts;
         drop table if exists orm_users;
         drop table if exists orm_counters;
         create table orm_users (
           id bigserial primary key,
           uid uuid not null unique,
           name text not null,
           email text not null,
           created_at timestamptz not null default now());
         create table orm_posts (
           id bigserial primary key,
           user_id bigint not null,
           title text not null,
           body text not null,
           created_at timestamptz not null default now());
         create index orm_posts_user_id on orm_posts (user_id);
         create table orm_comments (
           id bigserial primary key,
           post_id bigint not null,
           body text not null);
         create index orm_comments_post_id on orm_comments (post_id);
         create table orm_counters (
           key text primary key,
           hits bigint not null,
           updated_at timestamptz not null default now());\n",
    );
    // Fresh tables, so ids count from 1 in insertion order: user k has id k + 1.
    let users: Vec<String> = uuids
        .iter()
        .enumerate()
        .map(|(i, uid)| format!("('{uid}', 'user {i}', 'user{i}@example.com')"))
        .collect();
    sql.push_str(&format!(
        "insert into orm_users (uid, name, email) values {};\n",
        users.join(", ")
    ));
    let posts: Vec<String> = (0..USERS * POSTS_PER_USER)
        .map(|p| {
            format!(
                "({}, 'post {p}', 'body of post {p}')",
                p / POSTS_PER_USER + 1
            )
        })
        .collect();
    sql.push_str(&format!(
        "insert into orm_posts (user_id, title, body) values {};\n",
        posts.join(", ")
    ));
    let comments: Vec<String> = (0..USERS * POSTS_PER_USER * COMMENTS_PER_POST)
        .map(|c| format!("({}, 'comment {c}')", c / COMMENTS_PER_POST + 1))
        .collect();
    sql.push_str(&format!(
        "insert into orm_comments (post_id, body) values {};\n",
        comments.join(", ")
    ));
    sql
}

/// The four statements, prepared once per connection.
struct Statements {
    insert_post: Statement,
    user_by_uuid: Statement,
    upsert_counter: Statement,
    user_feed: Statement,
}

impl Statements {
    async fn prepare(client: &Client) -> Result<Statements, String> {
        let prepare = |sql: &'static str| async move {
            client
                .prepare(sql)
                .await
                .map_err(|e| format!("prepare: {}", crate::describe(&e)))
        };
        Ok(Statements {
            insert_post: prepare(INSERT_POST).await?,
            user_by_uuid: prepare(USER_BY_UUID).await?,
            upsert_counter: prepare(UPSERT_COUNTER).await?,
            user_feed: prepare(USER_FEED).await?,
        })
    }
}

async fn request(
    client: &Client,
    statements: &Statements,
    uuids: &[Uuid],
    rng: &mut Rng,
) -> Result<(), String> {
    insert_post(client, &statements.insert_post, rng).await?;
    user_by_uuid(client, &statements.user_by_uuid, uuids, rng).await?;
    upsert_counter(client, &statements.upsert_counter, rng).await?;
    user_feed(client, &statements.user_feed, rng).await
}

async fn insert_post(client: &Client, statement: &Statement, rng: &mut Rng) -> Result<(), String> {
    let user_id = rng.below(USERS as u64) as i64 + 1;
    let rows = client
        .query(statement, &[&user_id, &"a title", &"a body"])
        .await
        .map_err(|e| crate::describe(&e))?;
    let id: i64 = match rows.as_slice() {
        [row] => row.try_get(0).map_err(|e| crate::describe(&e))?,
        _ => return Err(format!("returning gave {} rows, not 1", rows.len())),
    };
    if id <= 0 {
        return Err(format!("returning gave id {id}"));
    }
    Ok(())
}

async fn user_by_uuid(
    client: &Client,
    statement: &Statement,
    uuids: &[Uuid],
    rng: &mut Rng,
) -> Result<(), String> {
    let k = rng.below(uuids.len() as u64) as usize;
    let uid = uuids.get(k).copied().unwrap_or(Uuid([0; 16]));
    let rows = client
        .query(statement, &[&uid])
        .await
        .map_err(|e| crate::describe(&e))?;
    let [row] = rows.as_slice() else {
        return Err(format!("{} rows for uuid {uid}, not 1", rows.len()));
    };
    let id: i64 = row.try_get(0).map_err(|e| crate::describe(&e))?;
    let got: Uuid = row.try_get(1).map_err(|e| crate::describe(&e))?;
    if id != k as i64 + 1 || got != uid {
        return Err(format!("uuid {uid} answered id {id} uid {got}"));
    }
    Ok(())
}

async fn upsert_counter(
    client: &Client,
    statement: &Statement,
    rng: &mut Rng,
) -> Result<(), String> {
    let key = format!("key-{}", rng.below(COUNTER_KEYS));
    let n = client
        .execute(statement, &[&key])
        .await
        .map_err(|e| crate::describe(&e))?;
    if n != 1 {
        return Err(format!("upsert affected {n} rows, not 1"));
    }
    Ok(())
}

async fn user_feed(client: &Client, statement: &Statement, rng: &mut Rng) -> Result<(), String> {
    let user_id = rng.below(USERS as u64) as i64 + 1;
    let rows = client
        .query(statement, &[&user_id])
        .await
        .map_err(|e| crate::describe(&e))?;
    let [row] = rows.as_slice() else {
        return Err(format!("{} rows for user {user_id}, not 1", rows.len()));
    };
    let items: Json = row.try_get(2).map_err(|e| crate::describe(&e))?;
    let objects = items.0.matches("\"post_id\"").count();
    if !items.0.trim_start().starts_with('[') || objects != POSTS_PER_USER * COMMENTS_PER_POST {
        return Err(format!("unexpected json_agg result: {}", items.0));
    }
    Ok(())
}

/// xorshift64*: reproducible per client, no dependency.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn next_u128(&mut self) -> u128 {
        (u128::from(self.next_u64()) << 64) | u128::from(self.next_u64())
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}
