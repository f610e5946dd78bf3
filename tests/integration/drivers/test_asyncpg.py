"""asyncpg (python3-asyncpg) against PostgreSQL 15 and iris-pgwire.

asyncpg uses the extended protocol with binary formats for every type it knows, named
statements, Execute with row limits for cursors, and pipelined executemany.  It
introspects the types it has no built-in codec for (arrays among them) through
pg_catalog.pg_type: until the catalog of issue 5 (branch `catalog`) is merged those cases
are expected failures on iris-pgwire, with the reason.
"""

import asyncio

import asyncpg
import pytest

import scenario

NEEDS_CATALOG = "asyncpg introspects this type through pg_catalog.pg_type (issue 5, branch catalog)"

# Types asyncpg decodes with built-in codecs, without asking the catalog.
SCALARS = [c for c in scenario.COLUMNS if not c[1].endswith("[]")]
ARRAYS = [c for c in scenario.COLUMNS if c[1].endswith("[]")]


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


async def connect(target):
    return await asyncpg.connect(host=target.host, port=target.port, user=target.user, database=target.dbname)


def _adapt(sqltype, v):
    # asyncpg takes and returns json/jsonb as text, and char(n) values unpadded on input
    import json
    if v is not None and sqltype in ("json", "jsonb"):
        return json.dumps(v)
    return v


def _expected(name, sqltype, v):
    import json
    if v is not None and sqltype == "json":
        return json.dumps(v)
    if v is not None and sqltype == "jsonb":
        return None   # compared after parsing (jsonb reorders and respaces)
    return scenario.expected(name, v)


async def _round_trip(target, columns, table):
    conn = await connect(target)
    try:
        await conn.execute(f"drop table if exists {table}")
        await conn.execute(scenario.create_table_sql(table))
        names = [c[0] for c in columns]
        ph = ", ".join(f"${i + 2}" for i in range(len(names)))
        status = await conn.execute(f"insert into {table} (id, {', '.join(names)}) values ($1, {ph})",
                                    1, *[_adapt(t, v) for _, t, v in columns])
        assert status == "INSERT 0 1"
        await conn.execute(f"insert into {table} (id, {', '.join(names)}) values ($1, {ph})", 2, *[None] * len(names))
        await conn.execute(f"insert into {table} (id, t, by) values ($1, $2, $3)", 3, scenario.BIG_TEXT,
                           scenario.ZERO_BYTES)
        row = await conn.fetchrow(f"select {', '.join(names)} from {table} where id = $1", 1)
        import json
        for name, sqltype, sent in columns:
            got = row[name]
            if sqltype == "jsonb":
                assert json.loads(got) == sent, name
            else:
                assert got == _expected(name, sqltype, sent), f"{name} {sqltype}: sent {sent!r}, got {got!r}"
        row = await conn.fetchrow(f"select {', '.join(names)} from {table} where id = $1", 2)
        assert list(row.values()) == [None] * len(names)
        row = await conn.fetchrow(f"select t, by from {table} where id = $1", 3)
        assert row["t"] == scenario.BIG_TEXT and row["by"] == scenario.ZERO_BYTES
        await conn.execute(f"drop table {table}")
    finally:
        await conn.close()


def test_round_trip_scalars(target):
    run(_round_trip(target, SCALARS, "drv_asyncpg_t"))


def test_round_trip_arrays(target):
    try:
        run(_round_trip(target, ARRAYS, "drv_asyncpg_arr"))
    except asyncpg.UndefinedTableError as e:
        if target.name == "pgwire" and "pg_catalog" in str(e):
            pytest.xfail(f"{NEEDS_CATALOG}: {e}")
        raise


def test_dml_pipelined_executemany_and_pages(target):
    async def go():
        conn = await connect(target)
        try:
            await conn.execute("drop table if exists drv_asyncpg_dml")
            await conn.execute("create table drv_asyncpg_dml (id int primary key, v text)")
            await conn.executemany("insert into drv_asyncpg_dml values ($1, $2)", [(i, f"v{i}") for i in range(1, 6)])
            assert await conn.execute("update drv_asyncpg_dml set v = $1 where id > $2", "big", 2) == "UPDATE 3"
            assert await conn.execute("delete from drv_asyncpg_dml where v = $1", "big") == "DELETE 3"
            # executemany is one pipelined batch: a failure in the middle leaves nothing
            with pytest.raises(asyncpg.UniqueViolationError):
                await conn.executemany("insert into drv_asyncpg_dml values ($1, $2)",
                                       [(10, "a"), (11, "b"), (1, "dup"), (12, "c")])
            assert await conn.fetchval("select count(*) from drv_asyncpg_dml") == 2
            # 10 000 rows through a cursor: Execute with a row limit, 1 000 at a time
            async with conn.transaction():
                n = total = 0
                cur = await conn.cursor("with recursive r(i) as (select 1 union all select i + 1 from r "
                                        "where i < $1) select i from r", scenario.PAGE_ROWS)
                while True:
                    page = await cur.fetch(1000)
                    if not page:
                        break
                    n += len(page)
                    total += sum(r[0] for r in page)
            assert n == scenario.PAGE_ROWS and total == scenario.PAGE_ROWS * (scenario.PAGE_ROWS + 1) // 2
            await conn.execute("drop table drv_asyncpg_dml")
        finally:
            await conn.close()
    run(go())


def test_transactions(target):
    async def go():
        conn = await connect(target)
        try:
            await conn.execute("drop table if exists drv_asyncpg_txn")
            await conn.execute("create table drv_asyncpg_txn (id int)")
            async with conn.transaction():
                await conn.execute("insert into drv_asyncpg_txn values (1)")
                try:
                    async with conn.transaction():       # savepoint
                        await conn.execute("insert into drv_asyncpg_txn values (2)")
                        await conn.execute("select 1 / (select 0)")
                except asyncpg.DivisionByZeroError:
                    pass
            with pytest.raises(asyncpg.UndefinedTableError):
                async with conn.transaction():
                    await conn.execute("insert into drv_asyncpg_txn values (3)")
                    await conn.execute("select * from no_such_table_drv_asyncpg")
            assert [r[0] for r in await conn.fetch("select id from drv_asyncpg_txn order by id")] == [1]
            # a prepared statement used many times (asyncpg names and caches it)
            stmt = await conn.prepare("select $1::int * 2")
            assert [await stmt.fetchval(i) for i in range(5)] == [0, 2, 4, 6, 8]
            await conn.execute("drop table drv_asyncpg_txn")
        finally:
            await conn.close()
    run(go())
