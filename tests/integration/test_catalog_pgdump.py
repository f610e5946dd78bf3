"""pg_dump --schema-only (Debian's pg_dump 15) runs against iris-pgwire and finds the same
objects as in PostgreSQL 15 for the test schema, with the same definitions: its session
settings (synchronize_seqscans ...), acldefault(), name subscripts, pg_options_to_table(),
pg_init_privs (no GRANTs for PostgreSQL's own catalogs), definitions qualified under its
search_path '', views ordered after their tables through pg_rewrite and pg_depend.

Known difference (docs/catalog.md): `vector` is listed as pgvector's extension, installed in
public, so the dump creates it (the oracle has no pgvector).
"""
import re
import subprocess

import pytest

from pgharness import catalogdb


@pytest.fixture(scope="module")
def dumps(pg_oracle, pgwire_server):
    out = []
    for server in (pg_oracle, pgwire_server):
        catalogdb.create(server)
        run = subprocess.run(["pg_dump", "--schema-only", "-d", server.dsn(dbname=catalogdb.DBNAME)],
                             capture_output=True, text=True, timeout=120, env=server.env())
        out.append(run)
    yield out
    catalogdb.drop(pg_oracle)
    catalogdb.drop(pgwire_server)


def entries(dump):
    """{'Name: x; Type: T; Schema: s; Owner: o': its SQL} from pg_dump's plain output, without
    the SET lines and psql meta-commands that fall between entries wherever the order puts them."""
    parts = re.split(r"\n--\n-- (Name: [^\n]*)\n--\n", dump)
    keep = lambda line: not line.startswith(("SET ", "\\"))
    return {parts[i]: "\n".join(filter(keep, parts[i + 1].split("\n--\n")[0].splitlines())).strip()
            for i in range(1, len(parts) - 1, 2)}


def test_pg_dump_runs(dumps):
    oracle, pgwire = dumps
    assert oracle.returncode == 0, oracle.stderr
    assert pgwire.returncode == 0, pgwire.stderr
    assert "CREATE TABLE public.orders" in pgwire.stdout


def test_the_same_objects_with_the_same_definitions(dumps):
    expected, actual = (entries(d.stdout) for d in dumps)
    assert len(expected) > 40
    extension = {"Name: vector; Type: EXTENSION; Schema: -; Owner: -":
                 "CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public;",
                 "Name: EXTENSION vector; Type: COMMENT; Schema: -; Owner: ":
                 "COMMENT ON EXTENSION vector IS 'vector data type and ivfflat and hnsw access methods';"}
    assert {k: actual.pop(k, None) for k in extension} == extension
    assert list(actual) == list(expected)   # the same order: views after their tables
    assert not [k for k in actual if "Type: ACL" in k]
    for name, sql in expected.items():
        assert actual[name] == sql, name
