//! Trigger functions for updated_at columns, as migration tools and ORMs write them, against
//! PostgreSQL 15.

use crate::harness::{compare, compare_extended};

/// The function most migrations add, spelled as they spell it.
const UPDATED_AT: &str =
    "CREATE OR REPLACE FUNCTION update_updated_at_column() RETURNS TRIGGER AS $$
BEGIN
    NEW.updated_at = NOW();
    RETURN NEW;
END;
$$ language 'plpgsql'";

const ITEMS: &str = "CREATE TABLE items (id bigserial PRIMARY KEY, name text NOT NULL, \
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP, \
    updated_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP)";

#[tokio::test]
async fn updated_at_moves_on_update_and_stays_on_insert_like_postgres() {
    let statements = [
        UPDATED_AT,
        ITEMS,
        "CREATE TRIGGER update_items_updated_at BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION update_updated_at_column()",
        // UPDATE-only: an INSERT keeps the value it gives and the default it omits.
        "INSERT INTO items (name, updated_at) VALUES ('explicit', '2001-01-01') RETURNING id, updated_at",
        "INSERT INTO items (name) VALUES ('defaulted') RETURNING id, updated_at = created_at",
        // The UPDATE moves updated_at past created_at, even when it sets updated_at itself.
        "UPDATE items SET name = 'renamed' WHERE id = 1 RETURNING id, name, updated_at > '2001-01-01'",
        "UPDATE items SET updated_at = '1990-01-01' WHERE id = 2 RETURNING id, updated_at > created_at",
        "BEGIN",
        "UPDATE items SET name = name || '!' RETURNING id, updated_at = now()",
        "COMMIT",
        "SELECT id, name, updated_at >= created_at FROM items ORDER BY id",
        "UPDATE items SET name = 'none' WHERE id = 99",
        "DROP TRIGGER update_items_updated_at ON items",
        "UPDATE items SET updated_at = '1990-01-01', name = 'untouched' WHERE id = 1 RETURNING updated_at",
        "DROP FUNCTION update_updated_at_column()",
    ];
    compare(&statements).await;
    compare_extended(&statements).await;
}

#[tokio::test]
async fn insert_triggers_see_the_row_and_refuse_what_devdb_cannot_run() {
    compare(&[
        "CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL, email_lower text, \
         updated_at timestamptz)",
        "CREATE FUNCTION users_normalize() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
         NEW.email_lower := lower(trim(NEW.email)); \
         IF TG_OP = 'INSERT' THEN NEW.updated_at := NULL; \
         ELSIF NEW.email <> OLD.email THEN NEW.updated_at := '2020-02-02'; \
         END IF; RETURN NEW; END $$",
        "CREATE TRIGGER users_normalize BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_normalize()",
        "INSERT INTO users (email, updated_at) VALUES (' A@X.io ', '2001-01-01'), ('b@x.io', DEFAULT) RETURNING *",
        "INSERT INTO users DEFAULT VALUES",
        "UPDATE users SET email = 'c@x.io' WHERE id = 2 RETURNING *",
        "UPDATE users SET email = email RETURNING id, updated_at",
        "SELECT id, email, email_lower FROM users ORDER BY id",
    ])
    .await;
}
