"""psycopg 3 (python3-psycopg) against PostgreSQL 15 and iris-pgwire: the driver scenario
(scenario.py) in text and in binary format, in pipeline mode, with a server-side cursor.

Each test runs once per target (`oracle`, `pgwire`); an expectation that fails only on
pgwire is a server bug.
"""

import psycopg
import pytest
from psycopg import sql as psql
from psycopg.types.json import Json, Jsonb

import scenario
from pgharness import clients


def _params(values):
    out = []
    for (name, sqltype, _), v in zip(scenario.COLUMNS, values):
        if v is not None and sqltype == "json":
            v = Json(v)
        elif v is not None and sqltype == "jsonb":
            v = Jsonb(v)
        out.append(v)
    return out


@pytest.fixture
def conn(target):
    c = clients.connect(target)
    yield c
    c.close()


def _table(conn, name):
    conn.execute(f"drop table if exists {name}")
    conn.execute(scenario.create_table_sql(name))
    return name


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_typed_round_trip(conn, binary):
    table = _table(conn, "drv_psycopg3_t")
    names = [c[0] for c in scenario.COLUMNS]
    values = [c[2] for c in scenario.COLUMNS]
    insert = psql.SQL("insert into {} (id, {}) values (%s, {})").format(
        psql.Identifier(table), psql.SQL(", ").join(map(psql.Identifier, names)),
        psql.SQL(", ").join(psql.Placeholder() * len(names)))
    cur = conn.cursor(binary=binary)
    cur.execute(insert, [1] + _params(values), binary=binary)
    cur.execute(insert, [2] + [None] * len(names), binary=binary)
    cur.execute(f"insert into {table} (id, t, by) values (%s, %s, %s)", [3, scenario.BIG_TEXT, scenario.ZERO_BYTES],
                binary=binary)
    assert cur.rowcount == 1

    row = cur.execute(f"select {', '.join(names)} from {table} where id = %s", [1], binary=binary).fetchone()
    for (name, sqltype, sent), got in zip(scenario.COLUMNS, row):
        assert got == scenario.expected(name, sent), f"{name} {sqltype}: sent {sent!r}, got {got!r}"
    row = cur.execute(f"select {', '.join(names)} from {table} where id = %s", [2], binary=binary).fetchone()
    assert list(row) == [None] * len(names)
    t, by = cur.execute(f"select t, by from {table} where id = %s", [3], binary=binary).fetchone()
    assert t == scenario.BIG_TEXT and bytes(by) == scenario.ZERO_BYTES
    # Values straight from parameters, typed by the driver
    got = cur.execute("select %s, %s, %s, %s", ["é€😀", None, b"\x00a\x00", 12345678901234], binary=binary).fetchone()
    assert got == ("é€😀", None, b"\x00a\x00", 12345678901234)
    conn.execute(f"drop table {table}")


def test_dml_row_counts(conn):
    table = "drv_psycopg3_dml"
    conn.execute(f"drop table if exists {table}")
    conn.execute(f"create table {table} (id int primary key, v text)")
    cur = conn.cursor()
    cur.executemany(f"insert into {table} values (%s, %s)", [(i, f"v{i}") for i in range(1, 6)])
    assert cur.rowcount == 5
    cur.execute(f"update {table} set v = %s where id > %s", ["big", 2])
    assert cur.rowcount == 3
    cur.execute(f"delete from {table} where v = %s", ["big"])
    assert cur.rowcount == 3
    cur.execute(f"insert into {table} values (%s, %s) returning id, v", [10, "r"])
    assert cur.fetchall() == [(10, "r")] and cur.rowcount == 1
    cur.execute(f"update {table} set v = v where id = %s", [999])
    assert cur.rowcount == 0
    conn.execute(f"drop table {table}")


def test_pipeline_with_error_in_the_middle(target):
    with clients.connect(target, autocommit=False) as conn:
        conn.execute("drop table if exists drv_psycopg3_pipe")
        conn.execute("create table drv_psycopg3_pipe (id int primary key)")
        conn.commit()
        with pytest.raises(psycopg.errors.UniqueViolation):
            with conn.pipeline():
                cur = conn.cursor()
                for i in range(50):
                    cur.execute("insert into drv_psycopg3_pipe values (%s)", [i])
                cur.execute("insert into drv_psycopg3_pipe values (%s)", [7])      # duplicate
                cur.execute("insert into drv_psycopg3_pipe values (%s)", [1000])   # skipped
        conn.rollback()
        assert conn.execute("select count(*) from drv_psycopg3_pipe").fetchone() == (0,)
        # a pipeline that succeeds: results stream back in order
        with conn.pipeline():
            curs = [conn.execute("insert into drv_psycopg3_pipe values (%s) returning id * 2", [i]) for i in range(20)]
        assert [c.fetchone()[0] for c in curs] == [i * 2 for i in range(20)]
        conn.commit()
        assert conn.execute("select count(*) from drv_psycopg3_pipe").fetchone() == (20,)
        conn.execute("drop table drv_psycopg3_pipe")
        conn.commit()


def test_rows_fetched_in_pages(target):
    """10 000 rows read 1 000 at a time through a server-side cursor."""
    with clients.connect(target, autocommit=False) as conn:
        cur = conn.cursor(name="drv_psycopg3_pages")
        cur.itersize = 1000
        cur.execute("with recursive r(i) as (select 1 union all select i + 1 from r where i < %s) "
                    "select i, 'row ' || i from r", [scenario.PAGE_ROWS])
        n = total = 0
        while True:
            page = cur.fetchmany(1000)
            if not page:
                break
            assert len(page) == 1000
            n += len(page)
            total += sum(r[0] for r in page)
        cur.close()
        conn.commit()
    assert n == scenario.PAGE_ROWS and total == scenario.PAGE_ROWS * (scenario.PAGE_ROWS + 1) // 2


def test_transactions(target):
    with clients.connect(target, autocommit=False) as conn:
        conn.execute("drop table if exists drv_psycopg3_txn")
        conn.execute("create table drv_psycopg3_txn (id int)")
        conn.commit()
        conn.execute("insert into drv_psycopg3_txn values (1)")
        conn.rollback()
        conn.execute("insert into drv_psycopg3_txn values (2)")
        with conn.transaction():               # a savepoint inside the open transaction
            conn.execute("insert into drv_psycopg3_txn values (3)")
        with pytest.raises(psycopg.errors.DivisionByZero):
            with conn.transaction():
                conn.execute("insert into drv_psycopg3_txn values (4)")
                conn.execute("select 1 / (select 0)")
        conn.commit()
        assert conn.execute("select id from drv_psycopg3_txn order by id").fetchall() == [(2,), (3,)]
        with pytest.raises(psycopg.errors.InFailedSqlTransaction):
            try:
                conn.execute("select * from no_such_table_drv")
            except psycopg.errors.UndefinedTable:
                conn.execute("select 1")
        conn.rollback()
        conn.execute("drop table drv_psycopg3_txn")
        conn.commit()
