"""Where the suite connects, and the result file `cargo xtask test` reads.

`cargo xtask test` starts each server (devdb, then PostgreSQL 15) and runs pytest against it with
DATABASE_URL pointing at its `postgres` database; each test module works in a database of its own.
With CLIENT_RESULTS set, one line per test goes to that file:
`pass|fail|skip <TAB> module: test <TAB> first line of the error`.
"""

import datetime as dt
import os
import uuid
import re
from urllib.parse import urlsplit

import psycopg
import pytest

ADMIN_URL = os.environ.get("DATABASE_URL")

# Values of common types both drivers send as parameters and must read back unchanged:
# int4, int8, text, bool, float8, date, timestamptz, bytea, uuid, NULL.
SAMPLE_VALUES = [
    42,
    2**40,
    "héllo, wörld",
    True,
    2.5,
    dt.date(2024, 2, 29),
    dt.datetime(2024, 2, 29, 12, 34, 56, 789000, tzinfo=dt.timezone.utc),
    b"\x00\x01\xfe\xff",
    uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
    None,
]


@pytest.fixture(scope="module")
def database_url(request):
    """A database of the test module's own (`client_<module>`) on the server under test."""
    yield from fresh_database(ADMIN_URL, f"client_{request.module.__name__.removeprefix('test_')}")


def fresh_database(server_url: str, name: str):
    """Creates (or recreates) database `name` on the server at `server_url` and yields its URL."""
    if not server_url:
        raise RuntimeError("DATABASE_URL is not set: run the suite through `cargo xtask test`")
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"drop database if exists {name}")
        conn.execute(f"create database {name}")
    yield urlsplit(server_url)._replace(path=f"/{name}").geturl()


_outcomes: dict[str, tuple[str, str]] = {}


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:400]


def _describe(report) -> str:
    """The exception as `SQLSTATE message` when it came from the server, else its last line."""
    excinfo = getattr(report, "_devdb_exc", None)
    if excinfo is not None:
        e = excinfo
        for _ in range(5):
            state = getattr(e, "sqlstate", None)
            if isinstance(state, str) and re.fullmatch(r"[0-9A-Z]{5}", state):
                return _one_line(f"{state} {getattr(e, 'args', [e])[0] if e.args else e}")
            if e.__cause__ is None:
                break
            e = e.__cause__
        return _one_line(f"{type(excinfo).__name__}: {excinfo}")
    return _one_line(str(report.longrepr).strip().splitlines()[-1] if report.longrepr else "")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if call.excinfo is not None:
        report._devdb_exc = call.excinfo.value


def _module(nodeid: str) -> str:
    return os.path.basename(nodeid.split("::", 1)[0]).removeprefix("test_").removesuffix(".py")


def pytest_collectreport(report):
    if report.failed:
        _outcomes[f"{_module(report.nodeid)}: loads"] = ("fail", _describe(report))


def pytest_runtest_logreport(report):
    name = f"{_module(report.nodeid)}: {report.nodeid.split('::', 1)[-1]}"
    if report.failed:
        _outcomes[name] = ("fail", _describe(report))
    elif report.skipped:
        _outcomes.setdefault(name, ("skip", _one_line(str(report.longrepr))))
    elif report.when == "call":
        _outcomes.setdefault(name, ("pass", ""))


def pytest_sessionfinish(session):
    path = os.environ.get("CLIENT_RESULTS")
    if not path:
        return
    with open(path, "w", encoding="utf-8") as out:
        for name, (status, detail) in _outcomes.items():
            out.write(f"{status}\t{name}\t{detail}\n")
