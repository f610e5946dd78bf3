"""psycopg2 (python3-psycopg2) against PostgreSQL 15 and iris-pgwire.

psycopg2 speaks only the simple query protocol: it writes parameters into the SQL text as
literals, so this exercises literal parsing of every type, multi-statement strings (its
stand-in for a pipeline: an error in the middle stops the rest), named (server-side)
cursors as DECLARE/FETCH, executemany row counts and transactions.
"""

import psycopg2
import psycopg2.errors
import psycopg2.extras
import pytest

import scenario


@pytest.fixture
def conn(target):
    c = psycopg2.connect(target.dsn())
    psycopg2.extras.register_uuid(conn_or_curs=c)
    yield c
    c.close()


def _value(sqltype, v):
    if v is not None and sqltype in ("json", "jsonb"):
        return psycopg2.extras.Json(v)
    return v


def _got(sqltype, v):
    # psycopg2 returns bytea as memoryview, and arrays of types it does not know as strings
    if isinstance(v, memoryview):
        return bytes(v)
    if isinstance(v, list):
        return [bytes(x) if isinstance(x, memoryview) else x for x in v]
    return v


SKIP_TYPES = {
    # psycopg2 has no typecaster for these array types and returns their text; compared
    # as text below instead.
    "uuid[]", "timestamptz[]",
}
# psycopg2 writes a list as ARRAY[...]; ARRAY[] of bytea is test_array_of_bytea's case.
COLUMNS = [c for c in scenario.COLUMNS if c[1] != "bytea[]"]


def test_typed_round_trip(conn):
    cur = conn.cursor()
    cur.execute("drop table if exists drv_psycopg2_t")
    cur.execute(scenario.create_table_sql("drv_psycopg2_t"))
    names = [c[0] for c in COLUMNS]
    placeholders = ", ".join(["%s"] * (len(names) + 1))
    values = [_value(t, v) for _, t, v in COLUMNS]
    cur.execute(f"insert into drv_psycopg2_t (id, {', '.join(names)}) values ({placeholders})", [1] + values)
    cur.execute(f"insert into drv_psycopg2_t (id, {', '.join(names)}) values ({placeholders})",
                [2] + [None] * len(names))
    cur.execute("insert into drv_psycopg2_t (id, t, by) values (%s, %s, %s)",
                [3, scenario.BIG_TEXT, psycopg2.Binary(scenario.ZERO_BYTES)])
    assert cur.rowcount == 1
    cur.execute(f"select {', '.join(names)} from drv_psycopg2_t where id = %s", [1])
    row = cur.fetchone()
    for (name, sqltype, sent), got in zip(COLUMNS, row):
        if sqltype in SKIP_TYPES:
            continue
        assert _got(sqltype, got) == scenario.expected(name, sent), f"{name} {sqltype}: {got!r}"
    cur.execute("select au::text, atz::text from drv_psycopg2_t where id = 1")
    assert cur.fetchone() == ("{00000000-0000-0000-0000-000000000001}", '{"2000-01-01 00:00:00+00"}')
    cur.execute(f"select {', '.join(names)} from drv_psycopg2_t where id = %s", [2])
    assert list(cur.fetchone()) == [None] * len(names)
    cur.execute("select t, by from drv_psycopg2_t where id = %s", [3])
    t, by = cur.fetchone()
    assert t == scenario.BIG_TEXT and bytes(by) == scenario.ZERO_BYTES
    cur.execute("drop table drv_psycopg2_t")
    conn.commit()


def test_array_of_bytea(conn, target):
    cur = conn.cursor()
    try:
        cur.execute("select %s::bytea[]", [[psycopg2.Binary(b"\x00\x01"), None]])
    except psycopg2.Error as e:
        if target.name == "pgwire":
            pytest.xfail(f"ARRAY[...] of bytea: the SQLite emitter builds arrays with json_array(), which "
                         f"cannot hold a BLOB (array functions are issue 3's): {e}")
        raise
    got = cur.fetchone()[0]
    assert [None if x is None else bytes(x) for x in got] == [b"\x00\x01", None]


def test_dml_row_counts_and_multi_statement_error(conn):
    cur = conn.cursor()
    cur.execute("drop table if exists drv_psycopg2_dml; create table drv_psycopg2_dml (id int primary key, v text)")
    conn.commit()
    cur.executemany("insert into drv_psycopg2_dml values (%s, %s)", [(i, f"v{i}") for i in range(1, 6)])
    assert cur.rowcount == 5
    cur.execute("update drv_psycopg2_dml set v = %s where id > %s", ["big", 2])
    assert cur.rowcount == 3
    cur.execute("delete from drv_psycopg2_dml where v = %s", ["big"])
    assert cur.rowcount == 3
    conn.commit()
    # several statements in one Query: the failing one ends the string and its transaction
    with pytest.raises(psycopg2.errors.UniqueViolation):
        cur.execute("insert into drv_psycopg2_dml values (10, 'a'); insert into drv_psycopg2_dml values (1, 'dup');"
                    " insert into drv_psycopg2_dml values (11, 'never')")
    conn.rollback()
    cur.execute("select count(*) from drv_psycopg2_dml")
    assert cur.fetchone() == (2,)
    cur.execute("drop table drv_psycopg2_dml")
    conn.commit()


def test_named_cursor_pages(conn):
    cur = conn.cursor(name="drv_psycopg2_pages")
    cur.itersize = 1000
    cur.execute("with recursive r(i) as (select 1 union all select i + 1 from r where i < %s) select i from r",
                [scenario.PAGE_ROWS])
    n = total = 0
    while True:
        page = cur.fetchmany(1000)
        if not page:
            break
        n += len(page)
        total += sum(r[0] for r in page)
    cur.close()
    conn.commit()
    assert n == scenario.PAGE_ROWS and total == scenario.PAGE_ROWS * (scenario.PAGE_ROWS + 1) // 2


def test_transactions(conn):
    cur = conn.cursor()
    cur.execute("drop table if exists drv_psycopg2_txn; create table drv_psycopg2_txn (id int)")
    conn.commit()
    cur.execute("insert into drv_psycopg2_txn values (1)")
    conn.rollback()
    cur.execute("insert into drv_psycopg2_txn values (2)")
    cur.execute("savepoint s1")
    cur.execute("insert into drv_psycopg2_txn values (3)")
    cur.execute("rollback to savepoint s1")
    conn.commit()
    cur.execute("select id from drv_psycopg2_txn order by id")
    assert cur.fetchall() == [(2,)]
    with pytest.raises(psycopg2.errors.UndefinedTable):
        cur.execute("select * from no_such_table_drv2")
    with pytest.raises(psycopg2.errors.InFailedSqlTransaction):
        cur.execute("select 1")
    conn.rollback()
    conn.autocommit = True
    cur.execute("drop table drv_psycopg2_txn")
