"""asyncpg: the binary protocol, prepared statements, a pool of 10, enum and enum[] columns
(asyncpg looks unknown type OIDs up in pg_type), domains, transactions."""

import asyncio
from decimal import Decimal

import asyncpg
import pytest

from conftest import SAMPLE_VALUES


def run(url, body):
    """Runs `body(conn)` on a fresh connection to `url`, closed after it."""

    async def main():
        conn = await asyncpg.connect(url)
        try:
            return await body(conn)
        finally:
            await conn.close()

    return asyncio.run(asyncio.wait_for(main(), 60))


def test_binary_protocol_types(database_url):
    async def body(conn):
        row = await conn.fetchrow(
            "select $1::int4 as i, $2::int8 as big, $3::text as t, $4::bool as b, $5::float8 as f, "
            "$6::date as d, $7::timestamptz as ts, $8::bytea as bin, $9::uuid as u, $10::text as n",
            *SAMPLE_VALUES,
        )
        assert list(row.values()) == SAMPLE_VALUES

    run(database_url, body)


def test_numeric_exact(database_url):
    async def body(conn):
        value = await conn.fetchval("select $1::numeric + 1", Decimal("12345678901234567890.125"))
        assert value == Decimal("12345678901234567891.125")

    run(database_url, body)


def test_prepared_statements(database_url):
    async def body(conn):
        await conn.execute("create table items (id serial primary key, name text not null, qty int4 not null)")
        await conn.executemany("insert into items (name, qty) values ($1, $2)", [(f"i{n}", n) for n in range(10)])
        stmt = await conn.prepare("select name, qty from items where qty >= $1 order by qty limit $2")
        assert [a.name for a in stmt.get_attributes()] == ["name", "qty"]
        assert [tuple(r) for r in await stmt.fetch(8, 5)] == [("i8", 8), ("i9", 9)]
        assert [tuple(r) for r in await stmt.fetch(0, 2)] == [("i0", 0), ("i1", 1)]
        assert await stmt.fetchval(5, 1) == "i5"

    run(database_url, body)


def test_pool_of_10(database_url):
    async def main():
        pool = await asyncpg.create_pool(database_url, min_size=10, max_size=10)
        try:
            results = await asyncio.gather(
                *(pool.fetchval("select $1::int4 * 2", i) for i in range(200))
            )
            assert results == [i * 2 for i in range(200)]
            pids = await asyncio.gather(*(pool.fetchval("select pg_backend_pid()") for _ in range(10)))
            assert all(isinstance(p, int) for p in pids)
        finally:
            await pool.close()

    asyncio.run(asyncio.wait_for(main(), 60))


def test_enum_and_enum_array_columns(database_url):
    async def body(conn):
        await conn.execute("create type mood as enum ('sad', 'ok', 'happy')")
        await conn.execute("create table feelings (id serial primary key, now mood not null, history mood[])")
        await conn.execute(
            "insert into feelings (now, history) values ($1, $2)", "happy", ["sad", "ok"]
        )
        row = await conn.fetchrow("select now, history from feelings")
        assert (row["now"], row["history"]) == ("happy", ["sad", "ok"])
        assert await conn.fetchval("select count(*) from feelings where now > 'ok'") == 1
        # An enum[] parameter is described as mood[]: asyncpg sends the labels in binary.
        assert await conn.fetchval(
            "select count(*) from feelings where history = $1 and now = any($2)",
            ["sad", "ok"],
            ["ok", "happy"],
        ) == 1

    run(database_url, body)


def test_domain_columns_and_their_introspection(database_url):
    async def body(conn):
        await conn.execute("create domain email as text not null check (value ~ '@')")
        await conn.execute("create table contacts (id serial primary key, address email)")
        await conn.execute("insert into contacts (address) values ($1)", "a@b.c")
        assert await conn.fetchval("select address from contacts") == "a@b.c"
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("insert into contacts (address) values ($1)", "nope")
        # asyncpg finds the domain in pg_type (typtype 'd') and refuses a codec on it.
        with pytest.raises(asyncpg.UnsupportedClientFeatureError):
            await conn.set_type_codec(
                "email", schema="public", encoder=str, decoder=str, format="text"
            )

    run(database_url, body)


def test_transactions_and_savepoints(database_url):
    async def body(conn):
        await conn.execute("create table tx (v text primary key)")
        async with conn.transaction():
            await conn.execute("insert into tx values ('outer')")
            with pytest.raises(asyncpg.UniqueViolationError):
                async with conn.transaction():
                    await conn.execute("insert into tx values ('outer')")
        with pytest.raises(RuntimeError):
            async with conn.transaction():
                await conn.execute("insert into tx values ('lost')")
                raise RuntimeError("roll back")
        assert [r["v"] for r in await conn.fetch("select v from tx order by v")] == ["outer"]

    run(database_url, body)


def test_copy_records_to_table_in_binary(database_url):
    """copy_records_to_table streams binary COPY; copy_from_query reads one back."""

    async def body(conn):
        await conn.execute(
            "create table loads (id int8 primary key, name text, at timestamptz, price numeric, tags text[])"
        )
        records = [
            (n, f"row {n}", SAMPLE_VALUES[6], Decimal(f"{n}.25"), [f"t{n}", None])
            for n in range(1, 201)
        ] + [(0, None, None, None, None)]
        result = await conn.copy_records_to_table("loads", records=records)
        assert result == "COPY 201"
        assert await conn.fetchval("select sum(price) from loads") == sum(Decimal(f"{n}.25") for n in range(1, 201))
        assert await conn.fetchrow("select * from loads where id = 7") == (
            7, "row 7", SAMPLE_VALUES[6], Decimal("7.25"), ["t7", None]
        )

    run(database_url, body)


def test_range_columns_and_exclusion_constraints(database_url):
    """Range values through asyncpg's binary codec, and an EXCLUDE constraint's error class."""

    async def body(conn):
        await conn.execute("create extension if not exists btree_gist")
        await conn.execute(
            "create table stays (room int, during daterange, "
            "exclude using gist (room with =, during with &&))"
        )
        import datetime as dt

        stay = asyncpg.Range(dt.date(2024, 1, 1), dt.date(2024, 1, 10))
        await conn.execute("insert into stays values ($1, $2)", 1, stay)
        got = await conn.fetchval("select during from stays where during @> $1::date", dt.date(2024, 1, 5))
        assert got == stay
        assert await conn.fetchval("select int4range(1, 5, '[]')") == asyncpg.Range(1, 6)
        assert (await conn.fetchval("select 'empty'::numrange")).isempty
        with pytest.raises(asyncpg.exceptions.ExclusionViolationError):
            await conn.execute(
                "insert into stays values ($1, $2)", 1, asyncpg.Range(dt.date(2024, 1, 5), dt.date(2024, 1, 6))
            )

    run(database_url, body)
