"""information_schema.columns for a realistic schema (a column of a domain too): the server under test must answer with
the rows PostgreSQL 15 gives (ORACLE_URL, set by `cargo xtask test`) for the same DDL."""

import os

import psycopg

from conftest import fresh_database

SCHEMA = [
    "create domain sku_code as varchar(20) not null check (value <> '')",
    "create table customers (id bigint generated always as identity primary key, "
    "email varchar(255) not null unique, name text, created_at timestamptz not null default now(), "
    "balance numeric(12, 2) not null default 0, active boolean default true)",
    "create table orders (id serial primary key, "
    "customer_id bigint not null references customers (id) on delete cascade, "
    "placed_on date not null default current_date, total numeric(10, 2), note varchar(80), "
    "status char(1) not null default 'n', weight real, items smallint)",
    "create table order_lines (order_id int references orders (id), line int not null, "
    "sku sku_code, qty int not null check (qty > 0), price double precision, meta jsonb, "
    "uid uuid, primary key (order_id, line))",
]

COLUMNS = (
    "select table_name, column_name, ordinal_position, column_default, is_nullable, data_type, "
    "udt_name, character_maximum_length, numeric_precision, numeric_scale, datetime_precision, "
    "is_identity, identity_generation, domain_schema, domain_name from information_schema.columns "
    "where table_schema = 'public' order by table_name, ordinal_position"
)


def columns(url):
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in SCHEMA:
            conn.execute(statement)
        return conn.execute(COLUMNS).fetchall()


def test_information_schema_columns_match_postgres(database_url):
    oracle = os.environ.get("ORACLE_URL")
    assert oracle, "ORACLE_URL (PostgreSQL 15) is not set: run the suite through `cargo xtask test`"
    for oracle_url in fresh_database(oracle, "client_catalog_oracle"):
        expected = columns(oracle_url)
    assert len(expected) == 21
    assert columns(database_url) == expected
