"""COPY through the ODBC backend (the path IRIS takes): rows go one INSERT per row with the
parameters typed for the driver (no multi-row VALUES), and COPY TO converts the engine's
values to the COPY's column types.  Run on psqlODBC in front of a real PostgreSQL and on the
SQLite ODBC driver, as tests/integration/test_odbc_backends.py does.
"""

import os
import shutil
import tempfile

import psycopg
import pytest

from pgharness import clients
from test_odbc_backends import DRIVERS, driver_installed, odbc_pgwire, start_engine_pg


@pytest.fixture(scope="module", params=list(DRIVERS))
def odbc_copy_server(request, pgwire_bin):
    kind = request.param
    if not driver_installed(DRIVERS[kind]):
        pytest.skip(f"ODBC driver {DRIVERS[kind]} not installed (scripts/install-deps.sh)")
    engine = start_engine_pg() if kind == "psqlodbc" else None
    tmp = tempfile.mkdtemp(prefix="pgwire-odbc-copy-")
    server = odbc_pgwire(pgwire_bin, kind, engine, os.path.join(tmp, "engine.db"))
    yield server
    server.cleanup()
    if engine:
        engine.cleanup()
    shutil.rmtree(tmp, ignore_errors=True)


def test_copy_in_and_out_through_odbc(odbc_copy_server):
    with clients.connect(odbc_copy_server) as conn:
        conn.execute("drop table if exists odbc_copy")
        conn.execute("create table odbc_copy (id integer primary key, name varchar(20), score double precision, "
                     "d date)")
        data = "1\tone\t1.5\t2024-02-29\n2\t\\N\t-2.25\t\\N\n3\ttab\\there\t0\t1999-12-31\n"
        with conn.cursor() as cur:
            with cur.copy("copy odbc_copy from stdin") as cp:
                cp.write(data.encode())
            assert cur.rowcount == 3
            with cur.copy("copy (select id, name, score, d from odbc_copy order by id) to stdout") as cp:
                out = b"".join(bytes(b) for b in cp)
        assert out.decode() == data.replace("\t0\t", "\t0\t")
        with pytest.raises(psycopg.errors.InvalidTextRepresentation):
            with conn.cursor().copy("copy odbc_copy from stdin") as cp:
                cp.write(b"4\tfour\t4\t2024-01-01\nx\ty\t1\t2024-01-01\n")
        assert conn.execute("select count(*) from odbc_copy").fetchone()[0] == 3
        conn.execute("drop table odbc_copy")
