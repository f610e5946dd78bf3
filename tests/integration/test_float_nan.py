"""float8/float4 NaN on the embedded SQLite engine, compared with PostgreSQL 15.

SQLite turns a NaN double into NULL (bind, function result, storage), so the server stores
a float NaN as the text 'NaN' (src/backend/sqlite_internal.h).  These tests check that a NaN
survives every way in (literals, text and binary parameters, COPY in every format, psycopg's
float('nan')) and out (text and binary results, COPY TO), and that PostgreSQL's NaN rules
hold: NaN = NaN, NaN above every number and +Infinity, NaN last in ascending order, NaN in
arithmetic, functions, casts and aggregates (sum/avg NaN, max NaN, min ignores it), windows.
Infinity (stored as a REAL) is in the same data to show that it still works.
"""

import math
import struct

import pytest

from pgharness import clients

from test_copy import run_copy_in, run_copy_out, both


ROWS = ("(1, 'NaN', 'NaN'), (2, 1.5, 1.5), (3, 'Infinity', '-Infinity'), (4, null, null), "
        "(5, -2.25, -2.25), (6, '-Infinity', 'Infinity'), (7, 'nan', 'NaN'), (8, 1e300, 0)")


@pytest.fixture
def nan_table(oracle_conn, pgwire_conn):
    both(oracle_conn, pgwire_conn, "drop table if exists fnan",
         "create table fnan (id int primary key, x float8, r real)",
         f"insert into fnan values {ROWS}")
    yield
    both(oracle_conn, pgwire_conn, "drop table if exists fnan")


def test_nan_is_stored_not_null(nan_table, oracle_conn, pgwire_conn):
    sql = "select id, x, x is null, r, r is null from fnan order by id"
    rows = clients.assert_same(sql, oracle_conn, pgwire_conn)[-1].rows
    assert rows[0] == ("1", "NaN", "f", "NaN", "f")


SELECTS = [
    # comparisons: NaN = NaN, NaN above everything
    "select 'NaN'::float8 = 'NaN'::float8, 'NaN'::float8 > 1e300, 'NaN'::float8 > 'Infinity'::float8, "
    "'NaN'::float8 <> 1, 'NaN'::real > 'Infinity'::real, 'NaN'::float8 < 1",
    "select id from fnan where x = 'NaN' order by id",
    "select id from fnan where x > 1 order by id",
    "select id from fnan where r >= 'Infinity' order by id",
    "select id from fnan where x in ('NaN', 1.5) order by id",
    "select id from fnan where x between 0 and 'NaN' order by id",
    "select id from fnan where x <> 'NaN' order by id",
    "select a.id, b.id from fnan a join fnan b on a.x = b.x order by 1, 2",
    # ordering
    "select id, x from fnan order by x, id",
    "select id, x from fnan order by x desc, id",
    "select id, r from fnan order by r nulls first, id",
    "select x, count(*) from fnan group by x order by x",
    "select distinct r from fnan order by r",
    # arithmetic and functions
    "select 'NaN'::float8 + 1, 'NaN'::float8 * 0, 'NaN'::float8 / 0, 1 - 'NaN'::float8, -'NaN'::float8",
    "select id, x + 1, x * 2, x / 2, -x, abs(x), @x, x + r from fnan order by id",
    "select id, sqrt(abs(x)), round(x), trunc(x), floor(x), ceil(x), sign(x) from fnan order by id",
    "select exp('NaN'::float8), ln('NaN'::float8), log('NaN'::float8), sin('NaN'::float8), "
    "atan2('NaN'::float8, 1), cbrt('NaN'::float8), degrees('NaN'::float8), radians('NaN'::float8)",
    "select 'NaN'::float8 ^ 0, 1 ^ 'NaN'::float8, 'NaN'::float8 ^ 2, (-1)::float8 ^ 'NaN'::float8",
    # casts
    "select id, x::text, r::text, x::real, r::float8, x::numeric, r::numeric from fnan order by id",
    "select 'NaN'::numeric::float8, 'NaN'::text::float8, 'nan'::real, 'NaN'::float4::float8",
    "select x || '', format('%s', x), to_json(x), jsonb_build_array(r) from fnan where id = 1",
    # aggregates
    "select sum(x), avg(x), min(x), max(x), count(x), sum(r), avg(r), min(r), max(r) from fnan",
    "select sum(x), avg(x), min(x), max(x) from fnan where id in (1, 2, 5)",
    "select sum(x), avg(x), min(x), max(x) from fnan where id in (2, 5)",
    "select sum(x), avg(x) from fnan where id in (2, 3, 5)",
    "select sum(x), avg(x) from fnan where id in (3, 6)",
    "select sum(x), avg(x), max(x) from fnan where id = 1",
    "select sum(distinct x), avg(distinct r) from fnan",
    "select sum(x), avg(x) from fnan where id > 100",
    "select stddev(x), variance(x), var_pop(x), stddev_pop(x) from fnan where id in (1, 2)",
    "select var_pop(x), stddev_pop(x) from fnan where id = 1",
    "select id, sum(x) over (order by id), avg(r) over (order by id rows between 1 preceding and current row), "
    "max(x) over (order by id rows between 1 preceding and current row), "
    "sum(x) over (order by id rows between 2 preceding and 1 preceding) from fnan order by id",
    "select id, rank() over (order by x), first_value(x) over (order by x desc, id) from fnan order by id",
    "select string_agg(x::text, ',' order by x, id), array_agg(r order by r, id) from fnan",
    # expressions that carry a float through the engine
    "select greatest(x, 1), least(x, 1), nullif(x, 'NaN'), coalesce(x, 0), "
    "case when x = 'NaN' then 'nan' else 'other' end from fnan where id = 1",
    "select unnest(array['NaN'::float8, 1]), (array[1, 'NaN'::float8])[2], "
    "array['NaN'::float8] = array['NaN'::float8], array_position(array[1, 'NaN'::float8], 'NaN')",
    "select f.id, l.y, l.z from fnan f, lateral (select f.x as y, f.r as z) l order by f.id",
    "select id, x from fnan union select 100, 'NaN' order by 1",
    "select x from (values (1.0::float8), ('NaN'), (null)) v(x) order by x",
    "select interval '1 day' * 'NaN'::float8",
]


@pytest.mark.parametrize("sql", SELECTS)
def test_nan_semantics(sql, nan_table, oracle_conn, pgwire_conn):
    clients.assert_same(sql, oracle_conn, pgwire_conn)


ERRORS = [
    "select x::int from fnan where id = 1",
    "select r::bigint from fnan where id = 1",
    "select x::smallint from fnan where id = 7",
    "select to_timestamp(x) from fnan where id = 1",
]


@pytest.mark.parametrize("sql", ERRORS)
def test_nan_errors(sql, nan_table, oracle_conn, pgwire_conn):
    result = clients.assert_same(sql, oracle_conn, pgwire_conn)[-1]
    assert result.sqlstate


def test_nan_in_dml(nan_table, oracle_conn, pgwire_conn):
    statements = [
        "update fnan set x = x + 1 where id in (1, 2)",
        "update fnan set r = 'NaN' where id = 2",
        "insert into fnan select id + 10, x, r from fnan where x = 'NaN'",
        "delete from fnan where r = 'NaN' and id > 10",
        "select id, x, r from fnan order by id",
    ]
    for sql in statements:
        clients.assert_same(sql, oracle_conn, pgwire_conn)


def test_unique_index_treats_nan_as_equal(oracle_conn, pgwire_conn):
    both(oracle_conn, pgwire_conn, "drop table if exists fnan_u",
         "create table fnan_u (x float8 unique)", "insert into fnan_u values ('NaN'), (1)")
    clients.assert_same("insert into fnan_u values ('NaN')", oracle_conn, pgwire_conn)
    clients.assert_same("select x from fnan_u order by x", oracle_conn, pgwire_conn)
    both(oracle_conn, pgwire_conn, "drop table fnan_u")


# ---------------------------------------------------------------- parameters and binary format

def exec_params(conn, sql, params, types, param_formats, result_format):
    res = conn.pgconn.exec_params(sql.encode(), params, types, param_formats, result_format)
    assert res.error_message == b"", res.error_message.decode()
    return [tuple(res.get_value(r, c) for c in range(res.nfields)) for r in range(res.ntuples)]


@pytest.mark.parametrize("oid,fmt", [(701, ">d"), (700, ">f")])
def test_binary_parameter_and_result(oid, fmt, oracle_conn, pgwire_conn):
    nan = struct.pack(fmt, math.nan)
    sql = f"select $1::{'float8' if oid == 701 else 'real'} as v, $1 + 1 as w, $1 is null as n"
    answers = []
    for conn in (oracle_conn, pgwire_conn):
        binary = exec_params(conn, sql, [nan], [oid], [1], 1)
        text = exec_params(conn, sql, [b"NaN"], [oid], [0], 0)
        answers.append((binary, text))
    assert answers[1] == answers[0]
    (value, plus_one, is_null), = answers[1][0]
    assert math.isnan(struct.unpack(fmt, value)[0]) and is_null == b"\x00"
    assert math.isnan(struct.unpack(">d" if len(plus_one) == 8 else ">f", plus_one)[0])


def test_binary_parameter_stored(oracle_conn, pgwire_conn):
    sql = "select id, x, r from fnan_b order by id"
    answers = []
    for conn in (oracle_conn, pgwire_conn):
        conn.execute("drop table if exists fnan_b")
        conn.execute("create table fnan_b (id int, x float8, r real)")
        exec_params(conn, "insert into fnan_b values (1, $1, $2)",
                    [struct.pack(">d", math.nan), struct.pack(">f", math.nan)], [701, 700], [1, 1], 0)
        exec_params(conn, "insert into fnan_b values (2, $1, $2)", [b"NaN", b"NaN"], [701, 700], [0, 0], 0)
        answers.append((exec_params(conn, sql, [], [], [], 0), exec_params(conn, sql, [], [], [], 1)))
        conn.execute("drop table fnan_b")
    assert answers[1] == answers[0]
    assert answers[1][0][0] == (b"1", b"NaN", b"NaN")


def test_psycopg_float_nan_parameter(oracle_conn, pgwire_conn):
    answers = []
    for conn in (oracle_conn, pgwire_conn):
        conn.execute("drop table if exists fnan_p")
        conn.execute("create table fnan_p (id int, x float8, r real)")
        conn.execute("insert into fnan_p values (%s, %s, %s)", (1, math.nan, math.nan))
        conn.execute("insert into fnan_p values (%b, %b, %b)", (2, math.nan, math.nan))
        conn.execute("insert into fnan_p values (%s, %s, %s)", (3, math.inf, -math.inf))
        rows = conn.execute("select id, x, r, x is null from fnan_p order by id").fetchall()
        binary = conn.cursor(binary=True).execute("select x, r, x * 2 from fnan_p order by id").fetchall()
        equal = conn.execute("select count(*) from fnan_p where x = %s and r = %b",
                             (math.nan, math.nan)).fetchone()
        conn.execute("drop table fnan_p")
        answers.append([repr(rows), repr(binary), equal])
    assert answers[1] == answers[0]
    assert answers[1][2] == (2,)


# ---------------------------------------------------------------- COPY

@pytest.mark.parametrize("fmt", ["text", "csv", "binary"])
def test_copy_round_trip(fmt, nan_table, oracle_conn, pgwire_conn):
    """PostgreSQL's COPY TO bytes (with NaN, infinities, NULL) load into the server, and the
    server's COPY TO gives the same bytes back."""
    out = f"copy (select id, x, r from fnan order by id) to stdout (format {fmt})"
    theirs = run_copy_out(oracle_conn, out)
    assert theirs[0] == "OK"
    both(oracle_conn, pgwire_conn, "truncate fnan")
    assert run_copy_in(pgwire_conn, f"copy fnan from stdin (format {fmt})", theirs[2]) == ("OK", 8)
    assert run_copy_in(oracle_conn, f"copy fnan from stdin (format {fmt})", theirs[2]) == ("OK", 8)
    assert run_copy_out(pgwire_conn, out) == theirs
    clients.assert_same("select id from fnan where x = 'NaN' and r = 'NaN' order by id", oracle_conn, pgwire_conn)
