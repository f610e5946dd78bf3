"""Drivers' type loading runs against iris-pgwire and answers as PostgreSQL 15's catalog does.

- asyncpg (python3-asyncpg): its introspection queries (INTRO_LOOKUP_TYPES for PostgreSQL
  13+ and older, TYPE_BY_NAME, TYPE_BY_OID) over every built-in type, run through asyncpg
  itself (extended protocol, binary results); prepared statements over every table of the
  test schema describe the same columns; a type it does not know (vector) is introspected.
- pgx (golang-github-jackc-pgx-v4-dev): tests/integration/catalog/pgx/main.go sends the
  queries pgx v5's LoadType sends (regtype, kind, array element, composite fields, enum,
  range, multirange, domain base) and pgx v4 applications' lookups, over pgx.
- Npgsql: its type, composite and enum loading queries (tests/integration/catalog/npgsql_*.sql,
  as Npgsql 7/8 builds them) return the same rows.
- psycopg 3: TypeInfo / RangeInfo / CompositeInfo.fetch.
"""

import asyncio
import glob
import os
import shutil
import subprocess

import pytest

from pgharness import catalogdb, clients

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="module")
def dbs(pg_oracle, pgwire_server):
    catalogdb.create(pg_oracle)
    catalogdb.create(pgwire_server)
    yield pg_oracle, pgwire_server
    catalogdb.drop(pg_oracle)
    catalogdb.drop(pgwire_server)


def builtin_type_oids(oracle):
    with clients.connect(oracle, dbname=catalogdb.DBNAME) as conn:
        return [r[0] for r in conn.execute("select oid::int from pg_type where typnamespace = 11 "
                                           "and typtype in ('b', 'd', 'e', 'r', 'm', 'p') order by oid")]


# ---------------------------------------------------------------------------------------
# asyncpg

asyncpg = None


def _asyncpg():
    global asyncpg
    asyncpg = pytest.importorskip("asyncpg")
    from asyncpg import introspection
    return introspection


def _run(coro):
    return asyncio.run(coro)


async def _connect(server):
    return await asyncpg.connect(host=server.host, port=server.port, user=server.user, database=catalogdb.DBNAME)


def test_asyncpg_introspection_queries(dbs):
    introspection = _asyncpg()
    oracle, pgwire = dbs
    oids = builtin_type_oids(oracle)
    assert len(oids) > 300

    async def run(server):
        conn = await _connect(server)
        try:
            out = {}
            for name in ("INTRO_LOOKUP_TYPES", "INTRO_LOOKUP_TYPES_13"):
                rows = await conn.fetch(getattr(introspection, name), oids)
                out[name] = sorted(tuple(r) for r in rows)
            out["by_name"] = [tuple(r) for r in await conn.fetch(introspection.TYPE_BY_NAME, "int4", "pg_catalog")]
            out["by_name_missing"] = [tuple(r) for r in await conn.fetch(introspection.TYPE_BY_NAME, "nosuch",
                                                                         "public")]
            out["by_oid"] = [tuple(r) for r in await conn.fetch(introspection.TYPE_BY_OID, 1009)]
            return out
        finally:
            await conn.close()

    expected = _run(run(oracle))
    actual = _run(run(pgwire))
    assert len(expected["INTRO_LOOKUP_TYPES"]) >= len(oids)
    for key in expected:
        assert actual[key] == expected[key], key


def test_asyncpg_prepared_statements_describe_the_same(dbs):
    _asyncpg()
    oracle, pgwire = dbs

    async def run(server):
        conn = await _connect(server)
        try:
            out = {}
            for table in ("customers", "orders", "items", "order_items", "other_types", "big_orders",
                          "customer_totals", "sales.regions", "sales.targets"):
                stmt = await conn.prepare(f"select * from {table}")
                out[table] = [(a.name, a.type.oid, a.type.name, a.type.kind, a.type.schema)
                              for a in stmt.get_attributes()]
            return out
        finally:
            await conn.close()

    assert _run(run(pgwire)) == _run(run(oracle))


def test_asyncpg_introspects_a_type_it_does_not_know(dbs):
    """vector is not built into asyncpg: fetching one makes it look the type up."""
    _asyncpg()
    _, pgwire = dbs

    async def run():
        conn = await _connect(pgwire)
        try:
            stmt = await conn.prepare("select '[1,2,3]'::vector as v")
            attr = stmt.get_attributes()[0]
            return (attr.type.name, attr.type.kind, attr.type.schema), await stmt.fetchval()
        finally:
            await conn.close()

    assert _run(run()) == (("vector", "scalar", "public"), "[1,2,3]")


# ---------------------------------------------------------------------------------------
# pgx

PGX_TYPES = ["int4", "_int4", "text[]", "numeric", "character varying", "int4range", "int4multirange",
             "daterange", "jsonb", "information_schema.sql_identifier", "sql_identifier", "pg_class",
             "_pg_class", "pg_class[]", "pg_namespace", "nosuchtype", "public.nosuchtype"]


@pytest.fixture(scope="module")
def pgx_types(tmp_path_factory):
    gopath = "/usr/share/gocode"
    if not shutil.which("go") or not os.path.isdir(os.path.join(gopath, "src/github.com/jackc/pgx/v4")):
        pytest.skip("go or golang-github-jackc-pgx-v4-dev missing (scripts/install-deps.sh)")
    out = tmp_path_factory.mktemp("pgx")
    env = dict(os.environ, GOPATH=gopath, GO111MODULE="off", GOCACHE=str(out / "cache"), GOFLAGS="")
    binary = str(out / "pgx_types")
    subprocess.run(["go", "build", "-o", binary, os.path.join(HERE, "catalog", "pgx", "main.go")],
                   check=True, capture_output=True, env=env, timeout=600)
    return binary


def _pgx(binary, server, *names):
    dsn = f"postgres://{server.user}@{server.host}:{server.port}/{catalogdb.DBNAME}?sslmode=disable"
    r = subprocess.run([binary, dsn, *names], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout.splitlines()


def test_pgx_load_type_queries(dbs, pgx_types):
    oracle, pgwire = dbs
    expected = _pgx(pgx_types, oracle, *PGX_TYPES)
    assert any(line.startswith("pg_class fields: [relname 19]") for line in expected)
    assert _pgx(pgx_types, pgwire, *PGX_TYPES) == expected


def test_pgx_loads_vector(dbs, pgx_types):
    _, pgwire = dbs
    out = _pgx(pgx_types, pgwire, "vector", "_vector")
    assert "vector kind: [b 0]" in out
    assert "_vector element: [vector]" in out
    assert "vector by name: [vector vector]" in out


# ---------------------------------------------------------------------------------------
# Npgsql, psycopg

@pytest.mark.parametrize("path", sorted(glob.glob(os.path.join(HERE, "catalog", "npgsql_*.sql"))),
                         ids=os.path.basename)
def test_npgsql_type_loading_queries(dbs, path):
    oracle, pgwire = dbs
    with open(path) as f:
        sql = f.read()
    with clients.connect(oracle, dbname=catalogdb.DBNAME) as o, clients.connect(pgwire, dbname=catalogdb.DBNAME) as p:
        expected = clients.capture(o, sql)
        actual = clients.capture(p, sql)
        if os.path.basename(path) == "npgsql_types.sql":
            assert len(expected[-1].rows) > 150
            # vector is built in here (an extension's type in PostgreSQL): listed in public
            extra = [r for r in actual[-1].rows if r[2] in ("vector", "_vector")]
            assert [(r[0], r[2], r[3]) for r in extra] == [("public", "vector", "b"), ("public", "_vector", "a")]
            actual[-1].rows = [r for r in actual[-1].rows if r not in extra]
            actual[-1].tag = f"SELECT {len(actual[-1].rows)}"
        diffs = clients.diff_results(expected, actual, ordered=False)
        assert not diffs, "\n".join(diffs)


def test_psycopg_type_info(dbs):
    from psycopg.types import TypeInfo
    from psycopg.types.composite import CompositeInfo
    from psycopg.types.range import RangeInfo
    oracle, pgwire = dbs

    def fetch(server):
        with clients.connect(server, dbname=catalogdb.DBNAME) as conn:
            out = [repr(TypeInfo.fetch(conn, name)) for name in ("int4", "character varying", "text[]", "nosuch")]
            out.append(repr(RangeInfo.fetch(conn, "int4range")))
            info = CompositeInfo.fetch(conn, "pg_namespace")
            out.append((repr(info), info.field_names, info.field_types))
            return out

    assert fetch(pgwire) == fetch(oracle)
