"""JDBC DatabaseMetaData returns the same from iris-pgwire as from PostgreSQL 15.

tests/integration/jdbc/CatalogMeta.java (compiled with Debian's javac against
/usr/share/java/postgresql.jar) prints every row of getSchemas, getCatalogs, getTableTypes,
getTables, getColumns, getPrimaryKeys, getImportedKeys, getExportedKeys, getCrossReference,
getIndexInfo, getBestRowIdentifier, getTablePrivileges, getColumnPrivileges, getFunctions
and getTypeInfo for the test schema; each section must print the same lines.

getTypeInfo differs by what pg_type holds (docs/catalog.md): PostgreSQL has a row type (and
its array) for every table and view, this server has none; this server has vector built in.
"""

import os
import shutil
import subprocess

import pytest

from pgharness import catalogdb, clients

JAR = "/usr/share/java/postgresql.jar"
SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "jdbc", "CatalogMeta.java")
SECTIONS = ["schemas", "catalogs", "tabletypes", "tables", "columns", "primarykeys", "importedkeys",
            "exportedkeys", "crossreference", "indexinfo", "bestrow", "tableprivileges", "columnprivileges"]


@pytest.fixture(scope="module")
def classes(tmp_path_factory):
    if not (shutil.which("javac") and shutil.which("java") and os.path.exists(JAR)):
        pytest.skip("javac/java or libpostgresql-jdbc-java missing (scripts/install-deps.sh)")
    out = tmp_path_factory.mktemp("jdbc")
    subprocess.run(["javac", "-cp", JAR, "-d", str(out), SOURCE], check=True, capture_output=True)
    return str(out)


@pytest.fixture(scope="module")
def dbs(pg_oracle, pgwire_server):
    catalogdb.create(pg_oracle)
    catalogdb.create(pgwire_server)
    yield pg_oracle, pgwire_server
    catalogdb.drop(pg_oracle)
    catalogdb.drop(pgwire_server)


def meta(classes, server, *sections):
    url = f"jdbc:postgresql://{server.host}:{server.port}/{catalogdb.DBNAME}"
    r = subprocess.run(["java", "-cp", f"{JAR}:{classes}", "CatalogMeta", url, server.user, *sections],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


@pytest.mark.parametrize("section", SECTIONS)
def test_metadata_section(classes, dbs, section):
    oracle, pgwire = dbs
    expected = meta(classes, oracle, section)
    assert expected, f"{section}: the oracle printed nothing"
    assert meta(classes, pgwire, section) == expected


def test_functions(classes, dbs):
    oracle, pgwire = dbs
    with clients.connect(pgwire) as conn:
        if clients.query(conn, "select substr('abc', 2)").sqlstate:
            pytest.skip("getFunctions uses substr(), from the function library (issue 3)")
    assert meta(classes, pgwire, "functions") == meta(classes, oracle, "functions")


def test_type_info(classes, dbs):
    oracle, pgwire = dbs
    expected = meta(classes, oracle, "typeinfo")
    actual = meta(classes, pgwire, "typeinfo")
    name = lambda line: line.split("|")[1].split("=", 1)[1]
    relations = {"customers", "orders", "items", "order_items", "other_types", "big_orders",
                 "customer_totals", "active_customers", "regions", "targets"}
    # getTypeInfo lists only the arrays of the row types (their rows have typrelid 0)
    row_types = {"_" + r for r in relations}
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    assert sorted(name(line) for line in missing) == sorted(row_types)
    assert sorted(name(line) for line in extra) == ["_vector", "vector"]
    assert len(expected) > 300
