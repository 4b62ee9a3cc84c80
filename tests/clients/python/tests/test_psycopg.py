"""psycopg 3: text and binary formats, executemany, pipeline mode, COPY, server-side cursors,
transactions with savepoints, and errors with their SQLSTATE."""

from decimal import Decimal

import psycopg
import pytest
from psycopg.types.json import Jsonb

from conftest import SAMPLE_VALUES as VALUES

@pytest.fixture
def conn(database_url):
    # One connection per test, closed after it: a failed test's open transaction ends with it.
    with psycopg.connect(database_url) as c:
        yield c


SELECT = (
    "select %s::int4, %s::int8, %s::text, %s::bool, %s::float8, %s::date, %s::timestamptz, "
    "%s::bytea, %s::uuid, %s::text"
)


def test_text_format_round_trip(conn):
    row = conn.execute(SELECT, VALUES).fetchone()
    assert list(row) == VALUES


def test_binary_format_round_trip(conn):
    with conn.cursor(binary=True) as cur:
        row = cur.execute(SELECT, VALUES).fetchone()
        assert list(row) == VALUES
        assert cur.pgresult.fformat(0) == 1


def test_jsonb(conn):
    doc = {"name": "a", "tags": ["x", "y"], "n": 1}
    row = conn.execute("select %s::jsonb, (%s::jsonb)->>'name'", [Jsonb(doc), Jsonb(doc)]).fetchone()
    assert row == (doc, "a")


def test_numeric_exact(conn):
    row = conn.execute(
        "select %s::numeric + 1, 0.1::numeric + 0.2", [Decimal("12345678901234567890.125")]
    ).fetchone()
    assert row == (Decimal("12345678901234567891.125"), Decimal("0.3"))


def test_executemany(conn):
    conn.execute("create table em (id serial primary key, name text not null, qty int4 not null)")
    with conn.cursor() as cur:
        cur.executemany("insert into em (name, qty) values (%s, %s)", [(f"n{i}", i) for i in range(100)])
        cur.executemany(
            "insert into em (name, qty) values (%s, %s) returning id, qty * 2",
            [("a", 1), ("b", 2)],
            returning=True,
        )
        doubled = []
        while True:
            doubled.append(cur.fetchone()[1])
            if not cur.nextset():
                break
        assert doubled == [2, 4]
    conn.commit()
    assert conn.execute("select count(*), sum(qty) from em").fetchone() == (102, 4950 + 3)


def test_pipeline_mode(conn):
    conn.execute("create table pl (id serial primary key, v int4 not null)")
    conn.commit()
    with conn.pipeline():
        cursors = []
        for i in range(20):
            cur = conn.cursor()
            cur.execute("insert into pl (v) values (%s) returning id, v", [i])
            cursors.append(cur)
        total = conn.cursor().execute("select sum(v) from pl")
    assert [c.fetchone()[1] for c in cursors] == list(range(20))
    assert total.fetchone() == (190,)
    conn.commit()


def test_copy_from_and_to(conn):
    conn.execute("create table cp (id int4 primary key, name text, score float8)")
    with conn.cursor() as cur:
        with cur.copy("copy cp (id, name, score) from stdin") as copy:
            for i in range(50):
                copy.write_row((i, f"name {i}" if i % 7 else None, i / 2))
        assert cur.rowcount == 50
        with cur.copy("copy (select id, name from cp where id < 3 order by id) to stdout") as copy:
            rows = list(copy.rows())
        assert rows == [("0", None), ("1", "name 1"), ("2", "name 2")]
        with cur.copy("copy cp from stdin with (format csv)") as copy:
            copy.write('100,"quoted, name",1.5\n101,,2\n')
    conn.commit()
    assert conn.execute("select count(*), sum(score) from cp").fetchone() == (52, sum(i / 2 for i in range(50)) + 3.5)
    assert conn.execute("select name from cp where id = 100").fetchone() == ("quoted, name",)


def test_server_side_cursor(conn):
    conn.execute("create table ss (n int4 primary key)")
    conn.execute("insert into ss select g from generate_series(1, 1000) as g")
    with conn.transaction():
        with conn.cursor(name="big") as cur:
            cur.itersize = 100
            cur.execute("select n from ss order by n")
            assert cur.fetchmany(3) == [(1,), (2,), (3,)]
            rest = [n for (n,) in cur]
            assert len(rest) == 997 and rest[-1] == 1000


def test_transactions_and_savepoints(conn):
    conn.execute("create table tx (v text primary key)")
    conn.commit()
    with conn.transaction():
        conn.execute("insert into tx values ('outer')")
        with pytest.raises(psycopg.errors.UniqueViolation):
            with conn.transaction():
                conn.execute("insert into tx values ('inner')")
                conn.execute("insert into tx values ('outer')")
        with conn.transaction():
            conn.execute("insert into tx values ('second')")
    with pytest.raises(ZeroDivisionError):
        with conn.transaction():
            conn.execute("insert into tx values ('lost')")
            raise ZeroDivisionError
    assert conn.execute("select v from tx order by v").fetchall() == [("outer",), ("second",)]


def test_errors_carry_sqlstate(conn):
    with pytest.raises(psycopg.errors.DivisionByZero) as e:
        conn.execute("select 1/0")
    assert e.value.sqlstate == "22012"
    conn.rollback()
    with pytest.raises(psycopg.errors.UndefinedTable):
        conn.execute("select * from no_such_table")
