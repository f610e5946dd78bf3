"""psql's describe commands print the same against iris-pgwire as against PostgreSQL 15.

The schema (tests/integration/catalog/schema.sql: every supported type, primary, unique,
foreign keys, checks, defaults, serial and identity columns, indexes of every kind, views,
comments, a second schema) is created in a database of its own on both servers; every
command's whole output (title, headers, rows, footers) is compared byte for byte.

Known differences, each tested for what it is (docs/catalog.md lists them with reasons):
- sizes in \\dt+ / \\di+ are SQLite's pages, not PostgreSQL's files: compared without them;
- \\l: no template0 on this server, and collation "C" (byte order) where the oracle was
  initialised with C.UTF-8 (code point order, the same order for UTF-8);
- \\dT: the vector type is built in (PostgreSQL has it from the pgvector extension);
- \\dL: the server has no plpgsql; \\dx lists vector (built in, shown as pgvector's extension), not plpgsql.
"""

import pytest

from pgharness import catalogdb, clients


@pytest.fixture(scope="module")
def dbs(pg_oracle, pgwire_server):
    catalogdb.create(pg_oracle)
    catalogdb.create(pgwire_server)
    yield pg_oracle, pgwire_server
    catalogdb.drop(pg_oracle)
    catalogdb.drop(pgwire_server)


SAME = [
    r"\d", r"\dt", r"\di", r"\dv", r"\ds", r"\dn", r"\du", r"\dg", r"\df", r"\dm", r"\dE", r"\dy",
    r"\dD", r"\dc", r"\do", r"\dC", r"\dd", r"\dO", r"\db", r"\dp", r"\dA", r"\dRp", r"\drds",
    r"\dt sales.*", r"\d sales.*", r"\dt *.regions", r"\di orders*", r"\dn+",
    r"\d customers", r"\d orders", r"\d items", r"\d order_items", r"\d other_types",
    r"\d sales.regions", r"\d sales.targets",
    r"\d big_orders", r"\d customer_totals", r"\d active_customers",
    r"\d+ customers", r"\d+ orders", r"\d+ items", r"\d+ order_items", r"\d+ other_types",
    r"\d+ sales.regions", r"\d+ sales.targets",
    r"\d+ big_orders", r"\d+ customer_totals", r"\d+ active_customers",
    r"\dv+",
    r"\d customers_pkey", r"\d orders_lower_code", r"\d orders_big_partial", r"\d orders_multi",
    r"\d items_sku_warehouse_key", r"\d+ orders_lower_code",
    r"\d customers_id_seq", r"\d orders_order_id_seq", r"\d items_id_seq",
    r"\d nosuchtable",
]


@pytest.mark.parametrize("command", SAME)
def test_describe_prints_the_same(dbs, command):
    oracle, pgwire = dbs
    expected = clients.psql_exact(oracle, command, dbname=catalogdb.DBNAME)
    actual = clients.psql_exact(pgwire, command, dbname=catalogdb.DBNAME)
    assert (actual.returncode, actual.stderr) == (expected.returncode, expected.stderr), command
    assert actual.stdout == expected.stdout, command


def _unaligned(server, command):
    out = clients.psql_run(server, command, dbname=catalogdb.DBNAME, flags=("-X", "-A"), check=True).stdout
    lines = out.splitlines()
    # title line, header line, rows, "(n rows)"
    return lines[0], lines[1].split("|"), [line.split("|") for line in lines[2:-1]], lines[-1]


@pytest.mark.parametrize("command", [r"\dt+", r"\di+", r"\dt+ sales.*"])
def test_sizes_are_the_engines_the_rest_the_same(dbs, command):
    oracle, pgwire = dbs
    o_title, o_head, o_rows, o_count = _unaligned(oracle, command)
    p_title, p_head, p_rows, p_count = _unaligned(pgwire, command)
    assert (p_title, p_head, p_count) == (o_title, o_head, o_count)
    size = o_head.index("Size")
    for row in p_rows:
        assert row[size].endswith("bytes") or row[size].endswith("kB"), row
    strip = lambda rows: [r[:size] + r[size + 1:] for r in rows]
    assert strip(p_rows) == strip(o_rows)


def test_database_list(dbs):
    oracle, pgwire = dbs
    _, o_head, o_rows, _ = _unaligned(oracle, r"\l")
    title, p_head, p_rows, _ = _unaligned(pgwire, r"\l")
    assert title == "List of databases"
    assert p_head == o_head
    names = [r[0] for r in p_rows]
    assert catalogdb.DBNAME in names and "postgres" in names and "template1" in names
    assert "template0" not in names          # not provided by this server
    o_by_name = {r[0]: r for r in o_rows}
    collate, ctype = o_head.index("Collate"), o_head.index("Ctype")
    for row in p_rows:
        if row[0] not in (catalogdb.DBNAME, "postgres"):
            continue
        want = list(o_by_name[row[0]])
        assert row[collate] == row[ctype] == "C"    # byte order; the oracle says C.UTF-8
        want[collate] = want[ctype] = "C"
        assert row == want


def test_data_types_add_only_vector(dbs):
    oracle, pgwire = dbs
    _, o_head, o_rows, _ = _unaligned(oracle, r"\dT")
    _, p_head, p_rows, _ = _unaligned(pgwire, r"\dT")
    assert p_head == o_head
    assert [r for r in p_rows if r[1] != "vector"] == o_rows
    assert ["public", "vector", ""] in p_rows


def test_no_plpgsql(dbs):
    oracle, pgwire = dbs
    _, o_head, o_rows, _ = _unaligned(oracle, r"\dL")
    _, p_head, p_rows, p_count = _unaligned(pgwire, r"\dL")
    assert p_head == o_head
    assert [r[0] for r in o_rows] == ["plpgsql"]
    assert p_rows == [] and p_count == "(0 rows)"


def test_extensions_are_vector_not_plpgsql(dbs):
    oracle, pgwire = dbs
    _, o_head, o_rows, _ = _unaligned(oracle, r"\dx")
    _, p_head, p_rows, _ = _unaligned(pgwire, r"\dx")
    assert p_head == o_head
    assert [r[0] for r in o_rows] == ["plpgsql"]
    assert p_rows == [["vector", "0.5.1", "public", "vector data type and ivfflat and hnsw access methods"]]


def test_describe_sees_a_table_created_in_the_same_transaction(dbs):
    """Inside a transaction that changed the schema, \\d answers from that transaction's
    catalog (temporary tables), and after ROLLBACK the table is gone again."""
    oracle, pgwire = dbs
    script = ("begin;\ncreate table txn_t (a int primary key, b text default 'x');\n\\d txn_t\n"
              "rollback;\n\\d txn_t\n")
    expected = clients.psql_exact(oracle, None, dbname=catalogdb.DBNAME, input=script)
    actual = clients.psql_exact(pgwire, None, dbname=catalogdb.DBNAME, input=script)
    assert "txn_t_pkey" in expected.stdout
    assert actual.stdout == expected.stdout
    assert actual.stderr == expected.stderr


def test_describe_follows_schema_changes(dbs):
    """Each DDL makes a new schema version; \\d on a later statement shows it."""
    oracle, pgwire = dbs
    script = ("create table evolve (a int);\n\\d evolve\nalter table evolve add column b text not null default 'z';\n"
              "create index evolve_b on evolve (b);\ncomment on column evolve.a is 'first';\n\\d+ evolve\n"
              "drop table evolve;\n\\d evolve\n")
    expected = clients.psql_exact(oracle, None, dbname=catalogdb.DBNAME, input=script)
    actual = clients.psql_exact(pgwire, None, dbname=catalogdb.DBNAME, input=script)
    assert actual.stdout == expected.stdout
    assert actual.stderr == expected.stderr
