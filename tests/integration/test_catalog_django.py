"""Django's reflection (Debian's python3-django 3.2, psycopg2) returns the same from
iris-pgwire as from PostgreSQL 15 for the test schema: the models `inspectdb` writes and
what its introspection API says of every table and view (columns with types, sizes,
nullability and defaults, constraints and indexes with their columns and orders, foreign
keys, sequences, primary keys).  Django's index query reads
unnest(indkey, indoption) WITH ORDINALITY: several arrays side by side in FROM.

Dictionaries are compared sorted: Django's constraint query has no ORDER BY, and
PostgreSQL returns pg_constraint's rows in its heap order, which no client may rely on.
"""
import json
import os
import subprocess

import pytest

from pgharness import catalogdb

pytest.importorskip("django")
pytest.importorskip("psycopg2")

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "catalog", "django_introspect.py")


@pytest.fixture(scope="module")
def dbs(pg_oracle, pgwire_server):
    catalogdb.create(pg_oracle)
    catalogdb.create(pgwire_server)
    yield pg_oracle, pgwire_server
    catalogdb.drop(pg_oracle)
    catalogdb.drop(pgwire_server)


def introspect(server):
    run = subprocess.run(["/usr/bin/python3", SCRIPT, server.host, str(server.port), catalogdb.DBNAME],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"django on {server.name}:\n{run.stderr}"
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def introspected(dbs):
    oracle, pgwire = dbs
    return introspect(oracle), introspect(pgwire)


def test_inspectdb_writes_the_same_models(introspected):
    expected, actual = introspected
    assert "class Orders(models.Model)" in expected["inspectdb"]
    assert "Unable to inspect" not in expected["inspectdb"]
    assert actual["inspectdb"] == expected["inspectdb"]


def test_introspection_of_every_table(introspected):
    expected, actual = introspected
    assert sorted(actual["tables"]) == sorted(expected["tables"])
    for name, table in expected["tables"].items():
        assert actual["tables"][name] == table, name


def test_indexes_with_orders_and_expressions(introspected):
    expected, actual = introspected
    indexes = {k: v for k, v in actual["tables"]["orders"]["constraints"].items() if v["index"] == "True"}
    assert indexes["orders_multi"]["orders"] == "['ASC', 'DESC']"
    assert indexes == {k: v for k, v in expected["tables"]["orders"]["constraints"].items() if v["index"] == "True"}
