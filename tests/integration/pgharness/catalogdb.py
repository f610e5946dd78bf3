"""The catalog tests' database: tests/integration/catalog/schema.sql created on a server.

Job: give the catalog tests (test_catalog_*.py) the same schema on PostgreSQL 15 and on
iris-pgwire, in a database of its own so that other tests' tables do not show in \\d.

Used by: tests/integration/test_catalog_*.py (module-scoped fixtures).
"""

import os

from . import clients

SCHEMA_SQL = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                          "catalog", "schema.sql")
DBNAME = "catalog_test"


def create(server, dbname=DBNAME):
    """(Re)create `dbname` on `server` and run schema.sql in it; returns the name."""
    with clients.connect(server) as conn:
        conn.execute(f"drop database if exists {dbname}")
        conn.execute(f"create database {dbname}")
    with open(SCHEMA_SQL) as f:
        sql = f.read()
    run = clients.psql_run(server, None, "-q", "-v", "ON_ERROR_STOP=1", dbname=dbname, input=sql)
    if run.returncode != 0:
        raise AssertionError(f"schema.sql failed on {server.name}:\n{run.stderr}")
    return dbname


def drop(server, dbname=DBNAME):
    with clients.connect(server) as conn:
        conn.execute(f"drop database if exists {dbname}")
