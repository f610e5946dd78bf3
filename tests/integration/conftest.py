"""Fixtures for integration tests: the server under test, the PostgreSQL 15 oracle, clients.

    pgwire_server      session-scoped iris-pgwire ($PGWIRE_BIN), fresh data dir; skipped if unset
    pgwire_server_fn   the same, one per test (for restart/kill9/crash tests)
    make_pgwire        factory: make_pgwire(**settings) -> started server with -c settings
    pg_oracle          session-scoped real PostgreSQL 15 (trust auth, fsync=off)
    target             parametrised over both: "oracle" and "pgwire" (same object shape)
    oracle_conn, pgwire_conn, target_conn   psycopg 3 connections (autocommit), closed after

Every server object has host, port, socket_dir, socket_path, data_dir, user, dbname,
dsn(dbname=None, **params), unix_dsn(), url(), env(), log(), log_tail(), restart(),
kill9(), stop(), start(), pid and settings.  See docs/testing.md.
"""

import os
import shutil
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pgharness import clients, servers  # noqa: E402

TARGETS = ("oracle", "pgwire")


def _pgwire_bin():
    path = os.environ.get("PGWIRE_BIN")
    if not path:
        pytest.skip("PGWIRE_BIN is not set (run through `make integration`, or export "
                    "PGWIRE_BIN=/path/to/iris-pgwire)")
    path = os.path.abspath(path)
    if not os.access(path, os.X_OK):
        pytest.fail(f"PGWIRE_BIN={path} is not an executable file (run `make` first?)")
    return path


def _start(server):
    try:
        return server.start()
    except servers.ServerError as e:
        server.cleanup()
        pytest.fail(str(e), pytrace=False)


@pytest.fixture(scope="session")
def pgwire_bin():
    return _pgwire_bin()


@pytest.fixture(scope="session")
def pgwire_server(pgwire_bin):
    server = _start(servers.PgwireServer(pgwire_bin))
    yield server
    server.cleanup()


@pytest.fixture
def pgwire_server_fn(pgwire_bin):
    server = _start(servers.PgwireServer(pgwire_bin))
    yield server
    server.cleanup()


@pytest.fixture
def make_pgwire(pgwire_bin):
    made = []

    def make(**settings):
        server = _start(servers.PgwireServer(pgwire_bin, extra_settings=settings))
        made.append(server)
        return server

    yield make
    for server in made:
        server.cleanup()


@pytest.fixture(scope="session")
def pg_oracle():
    postgres = os.path.join(servers.PG_BINDIR, "postgres")
    if not os.access(postgres, os.X_OK):
        pytest.skip(f"no PostgreSQL 15 server at {postgres} (apt-get install postgresql-15)")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        pytest.skip("running as root without runuser: cannot run initdb as postgres")
    try:
        server = servers.PgOracle()
    except servers.ServerError as e:
        pytest.fail(str(e), pytrace=False)
    _start(server)
    # Record the session defaults initdb chose (TimeZone, DateStyle...), left as they are.
    with clients.connect(server) as conn:
        for name in ("server_version", "TimeZone", "DateStyle", "IntervalStyle",
                     "lc_collate", "lc_ctype", "server_encoding", "extra_float_digits"):
            server.settings[name] = conn.execute(f"show {name}").fetchone()[0]
    yield server
    server.cleanup()


@pytest.fixture(params=TARGETS)
def target(request):
    """The oracle or the server under test, one test run each."""
    return request.getfixturevalue("pg_oracle" if request.param == "oracle"
                                   else "pgwire_server")


def _conn(server):
    conn = clients.connect(server)
    yield conn
    conn.close()


@pytest.fixture
def oracle_conn(pg_oracle):
    yield from _conn(pg_oracle)


@pytest.fixture
def pgwire_conn(pgwire_server):
    yield from _conn(pgwire_server)


@pytest.fixture
def target_conn(target):
    yield from _conn(target)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On failure, attach the tail of the log of every server the test used."""
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call" and rep.failed:
        seen = set()
        for value in getattr(item, "funcargs", {}).values():
            if isinstance(value, servers.Server) and id(value) not in seen:
                seen.add(id(value))
                rep.sections.append((f"{value.name} log (tail)", value.log_tail(30)))
