"""pgvector through SQL: the type, its operators and functions, the HNSW index, EXPLAIN.

Expected values are pgvector's documented outputs (its test/expected/*.out files: input,
cast, functions, hnsw_vector, hnsw_options), since the PostgreSQL oracle has no pgvector.
Each test uses its own table names on the session's server.
"""

import os
import sqlite3
import threading

import psycopg
import pytest

from pgharness import clients


def rows(conn, sql, params=None):
    r = clients.query(conn, sql, params)
    assert r.sqlstate is None, f"{sql}: {r}"
    return r.rows


def one(conn, sql, params=None):
    got = rows(conn, sql, params)
    assert len(got) == 1 and len(got[0]) == 1, got
    return got[0][0]


def error(conn, sql, params=None):
    r = clients.query(conn, sql, params)
    assert r.sqlstate, f"{sql} should fail: {r}"
    return r.sqlstate, r.message


def run(conn, *statements):
    for s in statements:
        r = clients.query(conn, s)
        assert r.sqlstate is None, f"{s}: {r}"


# ---------------------------------------------------------------------------------------
# the type

def test_create_extension_is_accepted(pgwire_conn):
    run(pgwire_conn, "CREATE EXTENSION IF NOT EXISTS vector", "CREATE EXTENSION IF NOT EXISTS vector")


@pytest.mark.parametrize("literal, text", [
    ("[1,2,3]", "[1,2,3]"),
    ("[-1,-2,-3]", "[-1,-2,-3]"),
    ("[1.,2.,3.]", "[1,2,3]"),
    (" [ 1,  2 ,    3  ] ", "[1,2,3]"),
    ("[1.23456]", "[1.23456]"),
    ("[1.5e38,-1.5e38]", "[1.5e+38,-1.5e+38]"),
    ("[1.5e-38,-1.5e-38]", "[1.5e-38,-1.5e-38]"),
])
def test_text_input_and_output(pgwire_conn, literal, text):
    assert one(pgwire_conn, f"SELECT '{literal}'::vector") == text


@pytest.mark.parametrize("literal, sqlstate, message", [
    ("[NaN,1]", "22000", "NaN not allowed in vector"),
    ("[Infinity,1]", "22000", "infinite value not allowed in vector"),
    ("[-Infinity,1]", "22000", "infinite value not allowed in vector"),
    ("[4e38,1]", "22003", '"4e38" is out of range for type vector'),
    ("[]", "22000", "vector must have at least 1 dimension"),
    ("[hello,1]", "22P02", 'invalid input syntax for type vector: "[hello,1]"'),
])
def test_text_input_errors(pgwire_conn, literal, sqlstate, message):
    assert error(pgwire_conn, f"SELECT '{literal}'::vector") == (sqlstate, message)


def test_dimensions_are_checked_on_write(pgwire_conn):
    run(pgwire_conn, "DROP TABLE IF EXISTS vs_dims", "CREATE TABLE vs_dims (id int, v vector(3))",
        "INSERT INTO vs_dims VALUES (1, '[1,2,3]')")
    assert error(pgwire_conn, "INSERT INTO vs_dims VALUES (2, '[1,2]')") == ("22000", "expected 3 dimensions, not 2")
    # a parameter (extended protocol, text format) and an expression
    assert error(pgwire_conn, "INSERT INTO vs_dims VALUES (3, $1::vector)", ["[1,2,3,4]"]) == \
        ("22000", "expected 3 dimensions, not 4")
    assert error(pgwire_conn, "UPDATE vs_dims SET v = v || '[4]'") == ("22000", "expected 3 dimensions, not 4")
    assert error(pgwire_conn, "INSERT INTO vs_dims VALUES (4, '[1,NaN,3]')") == ("22000", "NaN not allowed in vector")
    assert rows(pgwire_conn, "SELECT id, v FROM vs_dims") == [("1", "[1,2,3]")]
    assert error(pgwire_conn, "CREATE TABLE vs_dims0 (v vector(0))")[0] == "22023"
    assert error(pgwire_conn, "CREATE TABLE vs_dims1 (v vector(16001))")[0] == "22023"
    assert error(pgwire_conn, "SELECT '[1,2,3]'::vector(2)") == ("22000", "expected 2 dimensions, not 3")


def test_storage_is_a_compact_float32_blob(pgwire_server_fn):
    # The server holds its database files with an exclusive lock (unix-excl): the file is
    # read once the server has stopped.
    with clients.connect(pgwire_server_fn) as conn:
        run(conn, "CREATE TABLE vs_storage (v vector(3))", "INSERT INTO vs_storage VALUES ('[1,2,3.5]')")
    pgwire_server_fn.stop()
    path = os.path.join(pgwire_server_fn.data_dir, "databases", "postgres.db")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        kind, raw = db.execute('SELECT typeof(v), v FROM "vs_storage"').fetchone()
    finally:
        db.close()
    assert kind == "blob"
    assert raw == bytes.fromhex("0000803f" "00000040" "00006040")   # little-endian float32


# ---------------------------------------------------------------------------------------
# operators and functions (pgvector's functions.out)

@pytest.mark.parametrize("expr, value", [
    ("'[1,2,3]'::vector + '[4,5,6]'", "[5,7,9]"),
    ("'[1,2,3]'::vector - '[4,5,6]'", "[-3,-3,-3]"),
    ("'[1,2,3]'::vector * '[4,5,6]'", "[4,10,18]"),
    ("'[1,2]'::vector || '[3]'", "[1,2,3]"),
    ("vector_dims('[1,2,3]')", "3"),
    ("vector_norm('[3,4]')", "5"),
    ("vector_norm('[0,1]')", "1"),
    ("vector_norm('[1,1]')", "1.4142135623730951"),
    ("l2_distance('[0,0]', '[3,4]')", "5"),
    ("l2_distance('[0,0]', '[0,1]')", "1"),
    ("'[0,0]'::vector <-> '[3,4]'", "5"),
    ("inner_product('[1,2]', '[3,4]')", "11"),
    ("'[1,2]'::vector <#> '[3,4]'", "-11"),
    ("cosine_distance('[1,2]', '[2,4]')", "0"),
    ("cosine_distance('[1,2]', '[0,0]')", "NaN"),
    ("cosine_distance('[1,2]', '[0,0]') + 1", "NaN"),          # arithmetic keeps NaN (main's float NaN)
    ("('[0,0]'::vector <=> '[1,1]') * 2", "NaN"),
    ("cosine_distance('[1,1]', '[1,1]')", "0"),
    ("cosine_distance('[1,1]', '[-1,-1]')", "2"),
    ("cosine_distance('[1,1]', '[1.1,1.1]')", "0"),
    ("cosine_distance('[1,1]', '[-1.1,-1.1]')", "2"),
    ("'[1,1]'::vector <=> '[-1,-1]'", "2"),
    ("l1_distance('[0,0]', '[3,4]')", "7"),
    ("l1_distance('[0,0]', '[0,1]')", "1"),
    ("'[0,0]'::vector <+> '[3,4]'", "7"),
    ("l2_normalize('[3,4]')", "[0.6,0.8]"),
    ("l2_normalize('[0,0]')", "[0,0]"),
    ("subvector('[1,2,3,4,5]'::vector, 2, 3)", "[2,3,4]"),
    ("'[1,2,3]'::vector = '[1,2,3]'", "t"),
    ("'[1,2,3]'::vector < '[1,2,4]'", "t"),
    ("'[1,2]'::vector < '[1,2,3]'", "t"),
])
def test_functions_and_operators(pgwire_conn, expr, value):
    assert one(pgwire_conn, f"SELECT {expr}") == value


@pytest.mark.parametrize("expr, sqlstate, message", [
    ("'[3e38]'::vector + '[3e38]'", "22003", "value out of range: overflow"),
    ("'[-3e38]'::vector - '[3e38]'", "22003", "value out of range: overflow"),
    ("'[1e37]'::vector * '[1e37]'", "22003", "value out of range: overflow"),
    ("'[1e-37]'::vector * '[1e-37]'", "22003", "value out of range: underflow"),
    ("l2_distance('[1,2]', '[3]')", "22000", "different vector dimensions 2 and 1"),
    ("inner_product('[1,2]', '[3]')", "22000", "different vector dimensions 2 and 1"),
    ("cosine_distance('[1,2]', '[3]')", "22000", "different vector dimensions 2 and 1"),
    ("l1_distance('[1,2]', '[3]')", "22000", "different vector dimensions 2 and 1"),
    ("'[1,2]'::vector <-> '[3]'", "22000", "different vector dimensions 2 and 1"),
])
def test_function_errors(pgwire_conn, expr, sqlstate, message):
    assert error(pgwire_conn, f"SELECT {expr}") == (sqlstate, message)


def test_null_in_null_out(pgwire_conn):
    assert rows(pgwire_conn, "SELECT NULL::vector <-> '[1,2]', vector_dims(NULL::vector), "
                             "l2_normalize(NULL::vector), '[1]'::vector + NULL") == [(None, None, None, None)]


def test_aggregates(pgwire_conn):
    run(pgwire_conn, "DROP TABLE IF EXISTS vs_agg", "CREATE TABLE vs_agg (g int, v vector)",
        "INSERT INTO vs_agg VALUES (1, '[1,2,3]'), (1, '[3,5,7]'), (1, NULL), (2, '[3e38]'), (2, '[3e38]'), "
        "(3, '[1,2]'), (3, '[3]'), (4, NULL)")
    assert rows(pgwire_conn, "SELECT avg(v), sum(v) FROM vs_agg WHERE g = 1") == [("[2,3.5,5]", "[4,7,10]")]
    assert rows(pgwire_conn, "SELECT avg(v), sum(v) FROM vs_agg WHERE g = 4") == [(None, None)]
    assert rows(pgwire_conn, "SELECT avg(v) FROM vs_agg WHERE g = 2") == [("[3e+38]",)]
    assert error(pgwire_conn, "SELECT sum(v) FROM vs_agg WHERE g = 2") == ("22003", "value out of range: overflow")
    assert error(pgwire_conn, "SELECT avg(v) FROM vs_agg WHERE g = 3") == ("22000", "expected 2 dimensions, not 1")
    assert error(pgwire_conn, "SELECT sum(v) FROM vs_agg WHERE g = 3") == ("22000", "different vector dimensions 2 and 1")
    assert rows(pgwire_conn, "SELECT g, avg(v) FROM vs_agg WHERE g IN (1, 4) GROUP BY g ORDER BY g") == \
        [("1", "[2,3.5,5]"), ("4", None)]


@pytest.mark.parametrize("sql, expected", [
    # pgvector's functions.out, over vector[] unnested as pgvector's own tests write them
    ("SELECT avg(v) FROM unnest(ARRAY['[1,2,3]'::vector, '[3,5,7]']) v", "[2,3.5,5]"),
    ("SELECT avg(v) FROM unnest(ARRAY['[1,2,3]'::vector, '[3,5,7]', NULL]) v", "[2,3.5,5]"),
    ("SELECT avg(v) FROM unnest(ARRAY['[1,2,3]'::vector, '[1,2]']) v", ("22000", "expected 3 dimensions, not 2")),
    ("SELECT avg(v) FROM unnest(ARRAY[]::vector[]) v", None),
    ("SELECT avg(v) FROM unnest(ARRAY['[3e38]'::vector, '[3e38]']) v", "[3e+38]"),
    ("SELECT sum(v) FROM unnest(ARRAY['[1,2,3]'::vector, '[3,5,7]', NULL]) v", "[4,7,10]"),
    ("SELECT sum(v) FROM unnest(ARRAY['[1,2,3]'::vector, '[1,2]']) v", ("22000", "different vector dimensions 3 and 2")),
    ("SELECT sum(v) FROM unnest(ARRAY['[3e38]'::vector, '[3e38]']) v", ("22003", "value out of range: overflow")),
    ("SELECT sum(v) FROM unnest(ARRAY[]::vector[]) v", None),
    ("SELECT ARRAY['[1,2,3]'::vector, '[3,5,7]']", '{"[1,2,3]","[3,5,7]"}'),
])
def test_aggregates_over_unnested_vector_arrays(pgwire_conn, sql, expected):
    if isinstance(expected, tuple):
        assert error(pgwire_conn, sql) == expected
    else:
        assert one(pgwire_conn, sql) == expected


# ---------------------------------------------------------------------------------------
# casts (pgvector's cast.out)

@pytest.mark.parametrize("expr, column, value", [
    ("ARRAY[1,2,3]::vector", "array", "[1,2,3]"),
    ("ARRAY[1.0,2.0,3.0]::vector", "array", "[1,2,3]"),
    ("ARRAY[1,2,3]::float4[]::vector", "array", "[1,2,3]"),
    ("ARRAY[1,2,3]::float8[]::vector", "array", "[1,2,3]"),
    ("ARRAY[1,2,3]::numeric[]::vector", "array", "[1,2,3]"),
    ("'[1,2,3]'::vector::real[]", "float4", "{1,2,3}"),
    ("'{1,2,3}'::real[]::vector", "vector", "[1,2,3]"),
    ("'{1,2,3}'::real[]::vector(3)", "vector", "[1,2,3]"),
    ("'{1,2,3}'::double precision[]::vector", "vector", "[1,2,3]"),
    ("'{1e-46,-1e-46}'::double precision[]::vector", "vector", "[0,-0]"),
    ("'[1.5,2]'::vector::float8[]", "float8", "{1.5,2}"),
])
def test_casts(pgwire_conn, expr, column, value):
    r = clients.query(pgwire_conn, f"SELECT {expr}")
    assert r.sqlstate is None, r
    assert (r.columns, r.rows) == ([column], [(value,)])


@pytest.mark.parametrize("expr, sqlstate, message", [
    ("'{1,2,3}'::real[]::vector(2)", "22000", "expected 2 dimensions, not 3"),
    ("'{NULL}'::real[]::vector", "22004", "array must not contain nulls"),
    ("'{NaN}'::real[]::vector", "22000", "NaN not allowed in vector"),
    ("'{Infinity}'::real[]::vector", "22000", "infinite value not allowed in vector"),
    ("'{-Infinity}'::real[]::vector", "22000", "infinite value not allowed in vector"),
    ("'{}'::real[]::vector", "22000", "vector must have at least 1 dimension"),
    ("'{4e38,-4e38}'::double precision[]::vector", "22000", "infinite value not allowed in vector"),
])
def test_cast_errors(pgwire_conn, expr, sqlstate, message):
    assert error(pgwire_conn, f"SELECT {expr}") == (sqlstate, message)


def test_real_array_casts_to_vector_on_assignment(pgwire_conn):
    run(pgwire_conn, "DROP TABLE IF EXISTS vs_assign", "CREATE TABLE vs_assign (v vector(2))",
        "INSERT INTO vs_assign VALUES (ARRAY[1.5, 2]::real[])")
    assert rows(pgwire_conn, "SELECT v, v::real[] FROM vs_assign") == [("[1.5,2]", "{1.5,2}")]


# ---------------------------------------------------------------------------------------
# the index (pgvector's hnsw_vector.out, hnsw_options.out)

FOUR = "('[0,0,0]'), ('[1,2,3]'), ('[1,1,1]'), (NULL)"


@pytest.mark.parametrize("opclass, op, expected, null_count, zero_count", [
    ("vector_l2_ops", "<->", ["[1,2,3]", "[1,2,4]", "[1,1,1]", "[0,0,0]"], 4, None),
    ("vector_ip_ops", "<#>", ["[1,2,4]", "[1,2,3]", "[1,1,1]", "[0,0,0]"], 4, None),
    ("vector_cosine_ops", "<=>", ["[1,1,1]", "[1,2,3]", "[1,2,4]"], 3, 3),
    ("vector_l1_ops", "<+>", ["[1,2,3]", "[1,2,4]", "[1,1,1]", "[0,0,0]"], 4, None),
])
def test_hnsw_documented_examples(pgwire_conn, opclass, op, expected, null_count, zero_count):
    t = "vs_hnsw_" + opclass
    run(pgwire_conn, "SET enable_seqscan = off", f"DROP TABLE IF EXISTS {t}", f"CREATE TABLE {t} (val vector(3))",
        f"INSERT INTO {t} (val) VALUES {FOUR}", f"CREATE INDEX ON {t} USING hnsw (val {opclass})",
        f"INSERT INTO {t} (val) VALUES ('[1,2,4]')")
    try:
        assert [r[0] for r in rows(pgwire_conn, f"SELECT * FROM {t} ORDER BY val {op} '[3,3,3]'")] == expected
        assert [r[0] for r in rows(pgwire_conn, f"SELECT * FROM {t} ORDER BY val {op} '[3,3,3]' LIMIT 2")] == \
            expected[:2]
        assert one(pgwire_conn, f"SELECT COUNT(*) FROM (SELECT * FROM {t} ORDER BY val {op} "
                                "(SELECT NULL::vector)) t2") == str(null_count)
        if zero_count is not None:
            assert one(pgwire_conn, f"SELECT COUNT(*) FROM (SELECT * FROM {t} ORDER BY val {op} '[0,0,0]') t2") == \
                str(zero_count)
        assert one(pgwire_conn, f"SELECT COUNT(*) FROM {t}") == "5"
        run(pgwire_conn, f"TRUNCATE {t}")
        assert rows(pgwire_conn, f"SELECT * FROM {t} ORDER BY val {op} '[3,3,3]'") == []
    finally:
        run(pgwire_conn, "RESET enable_seqscan", f"DROP TABLE {t}")


def test_without_index_the_exact_order_includes_null_rows_last(pgwire_conn):
    run(pgwire_conn, "DROP TABLE IF EXISTS vs_noindex", "CREATE TABLE vs_noindex (val vector(3))",
        f"INSERT INTO vs_noindex (val) VALUES {FOUR}, ('[1,2,4]')")
    assert [r[0] for r in rows(pgwire_conn, "SELECT * FROM vs_noindex ORDER BY val <-> '[3,3,3]' LIMIT 10")] == \
        ["[1,2,3]", "[1,2,4]", "[1,1,1]", "[0,0,0]", None]


@pytest.mark.parametrize("options, sqlstate, message, detail", [
    ("m = 1", "22023", 'value 1 out of bounds for option "m"', 'Valid values are between "2" and "100".'),
    ("m = 101", "22023", 'value 101 out of bounds for option "m"', 'Valid values are between "2" and "100".'),
    ("ef_construction = 3", "22023", 'value 3 out of bounds for option "ef_construction"',
     'Valid values are between "4" and "1000".'),
    ("ef_construction = 1001", "22023", 'value 1001 out of bounds for option "ef_construction"',
     'Valid values are between "4" and "1000".'),
    ("m = 16, ef_construction = 31", "22023", "ef_construction must be greater than or equal to 2 * m", None),
    ("lists = 3", "22023", 'unrecognized parameter "lists"', None),
])
def test_hnsw_options(pgwire_conn, options, sqlstate, message, detail):
    run(pgwire_conn, "DROP TABLE IF EXISTS vs_opts", "CREATE TABLE vs_opts (val vector(3))")
    with pytest.raises(psycopg.Error) as e:
        pgwire_conn.execute(f"CREATE INDEX ON vs_opts USING hnsw (val vector_l2_ops) WITH ({options})")
    assert (e.value.sqlstate, e.value.diag.message_primary, e.value.diag.message_detail) == \
        (sqlstate, message, detail)
    run(pgwire_conn, "CREATE INDEX ON vs_opts USING hnsw (val vector_l2_ops) WITH (m = 16, ef_construction = 32)")


@pytest.mark.parametrize("ddl, sqlstate, message", [
    ("CREATE INDEX ON vs_bad USING hnsw (n)", "42704",
     'data type integer has no default operator class for access method "hnsw"'),
    # pgvector: vector_l2_ops is the default operator class of ivfflat, not of hnsw
    ("CREATE INDEX ON vs_bad USING hnsw (v)", "42704",
     'data type vector has no default operator class for access method "hnsw"'),
    ("CREATE INDEX ON vs_bad USING hnsw (n vector_l2_ops)", "42804",
     'operator class "vector_l2_ops" does not accept data type integer'),
    ("CREATE INDEX ON vs_bad USING hnsw (v vector_foo_ops)", "42704",
     'operator class "vector_foo_ops" does not exist for access method "hnsw"'),
    ("CREATE INDEX ON vs_bad USING ivfflat (v vector_l1_ops)", "42704",
     'operator class "vector_l1_ops" does not exist for access method "ivfflat"'),
    ("CREATE INDEX ON vs_bad USING hnsw (u vector_l2_ops)", "XX000", "column does not have dimensions"),
    ("CREATE INDEX ON vs_bad USING hnsw (v, v)", "0A000", 'access method "hnsw" does not support multicolumn indexes'),
    ("CREATE UNIQUE INDEX ON vs_bad USING hnsw (v)", "0A000", 'access method "hnsw" does not support unique indexes'),
])
def test_index_definition_errors(pgwire_conn, ddl, sqlstate, message):
    run(pgwire_conn, "DROP TABLE IF EXISTS vs_bad", "CREATE TABLE vs_bad (n int, v vector(3), u vector)")
    assert error(pgwire_conn, ddl) == (sqlstate, message)


def test_pgvector_readme_build_settings_are_accepted(pgwire_conn):
    run(pgwire_conn, "SET maintenance_work_mem = '8GB'", "SET max_parallel_maintenance_workers = 0",
        "DROP TABLE IF EXISTS vs_build", "CREATE TABLE vs_build (v vector(2))",
        "INSERT INTO vs_build VALUES ('[1,0]'), ('[2,0]'), ('[3,0]')",
        "CREATE INDEX ON vs_build USING hnsw (v vector_l2_ops)",
        "RESET max_parallel_maintenance_workers", "RESET maintenance_work_mem")
    assert rows(pgwire_conn, "SELECT v FROM vs_build ORDER BY v <-> '[2.1,0]' LIMIT 1") == [("[2,0]",)]


def test_pgvector_readme_set_storage_plain(pgwire_conn):
    # pgvector's README: "ALTER TABLE items ALTER COLUMN embedding SET STORAGE PLAIN" keeps
    # vectors inline; the table and its index stay as they were.
    run(pgwire_conn, "DROP TABLE IF EXISTS vs_storage", "CREATE TABLE vs_storage (id int, embedding vector(2))",
        "INSERT INTO vs_storage VALUES (1, '[1,0]'), (2, '[2,0]')",
        "CREATE INDEX ON vs_storage USING hnsw (embedding vector_l2_ops)",
        "ALTER TABLE vs_storage ALTER COLUMN embedding SET STORAGE PLAIN",
        "ALTER TABLE vs_storage ALTER embedding SET STORAGE EXTERNAL")
    assert rows(pgwire_conn, "SELECT id FROM vs_storage ORDER BY embedding <-> '[1.9,0]' LIMIT 1") == [("2",)]
    assert error(pgwire_conn, "ALTER TABLE vs_storage ALTER COLUMN embedding SET STORAGE compressed") == \
        ("22023", 'invalid storage type "compressed"')


@pytest.mark.parametrize("sql", [
    "ALTER TABLE st_diff ALTER COLUMN t SET STORAGE PLAIN",
    "ALTER TABLE st_diff ALTER COLUMN t SET STORAGE main",
    "ALTER TABLE st_diff ALTER COLUMN n SET STORAGE PLAIN",
    "ALTER TABLE st_diff ALTER COLUMN n SET STORAGE EXTENDED",
    "ALTER TABLE st_diff ALTER COLUMN nosuch SET STORAGE PLAIN",
    "ALTER TABLE st_diff ALTER COLUMN t SET STORAGE nosuch",
])
def test_set_storage_answers_as_postgresql(oracle_conn, pgwire_conn, sql):
    for conn in (oracle_conn, pgwire_conn):
        run(conn, "DROP TABLE IF EXISTS st_diff", "CREATE TABLE st_diff (n int, t text)")
    clients.assert_same(sql, oracle_conn, pgwire_conn)
    clients.assert_same("SELECT * FROM st_diff", oracle_conn, pgwire_conn)


def test_builds_use_max_parallel_maintenance_workers_plus_one_threads(pgwire_conn):
    # CREATE INDEX, REINDEX and VACUUM's rebuild all build on the session's
    # max_parallel_maintenance_workers + 1 threads, at most every CPU (pgvector: workers + leader)
    cpus = os.sysconf("SC_NPROCESSORS_ONLN")

    def threads():
        return pgwire_conn.execute("SELECT pgwire_vector_index_stats('vs_thr_idx'::regclass)").fetchone()[0][
            "build_threads"]
    run(pgwire_conn, "DROP TABLE IF EXISTS vs_thr", "CREATE TABLE vs_thr (id int, v vector(2))",
        "INSERT INTO vs_thr SELECT i, ARRAY[i, 0]::real[] FROM generate_series(1, 50) i",
        "SET max_parallel_maintenance_workers = 0",
        "CREATE INDEX vs_thr_idx ON vs_thr USING hnsw (v vector_l2_ops)")
    assert threads() == 1
    run(pgwire_conn, "RESET max_parallel_maintenance_workers", "REINDEX INDEX vs_thr_idx")
    assert threads() == min(3, cpus)
    run(pgwire_conn, "SET max_parallel_maintenance_workers = 0", "REINDEX INDEX vs_thr_idx")
    assert threads() == 1
    run(pgwire_conn, "RESET max_parallel_maintenance_workers", "DELETE FROM vs_thr WHERE id <= 10", "VACUUM vs_thr")
    assert threads() == min(3, cpus)
    run(pgwire_conn, "SET max_parallel_maintenance_workers = 0", "DELETE FROM vs_thr WHERE id <= 20")
    assert int(one(pgwire_conn, "SELECT pgwire_vector_index_vacuum('vs_thr_idx'::regclass)")) == 1
    assert threads() == 1
    assert ids(pgwire_conn, "SELECT id FROM vs_thr ORDER BY v <-> '[0,0]' LIMIT 2") == [21, 22]


def test_settings(pgwire_conn):
    assert one(pgwire_conn, "SHOW hnsw.ef_search") == "40"
    assert error(pgwire_conn, "SET hnsw.ef_search = 0") == \
        ("22023", '0 is outside the valid range for parameter "hnsw.ef_search" (1 .. 1000)')
    assert error(pgwire_conn, "SET hnsw.ef_search = 1001") == \
        ("22023", '1001 is outside the valid range for parameter "hnsw.ef_search" (1 .. 1000)')
    assert one(pgwire_conn, "SHOW hnsw.iterative_scan") == "off"
    assert error(pgwire_conn, "SET hnsw.iterative_scan = on") == \
        ("22023", 'invalid value for parameter "hnsw.iterative_scan": "on"')
    run(pgwire_conn, "BEGIN", "SET LOCAL hnsw.ef_search = 100")
    assert one(pgwire_conn, "SHOW hnsw.ef_search") == "100"
    run(pgwire_conn, "COMMIT")
    assert one(pgwire_conn, "SHOW hnsw.ef_search") == "40"


def test_ivfflat_is_served_by_hnsw_with_a_notice(pgwire_conn):
    run(pgwire_conn, "DROP TABLE IF EXISTS vs_ivf", "CREATE TABLE vs_ivf (id int, v vector(3))",
        "INSERT INTO vs_ivf VALUES (1, '[1,1,1]'), (2, '[2,2,2]'), (3, '[3,3,3]')")
    notices = []
    pgwire_conn.add_notice_handler(lambda d: notices.append(d.message_primary))
    run(pgwire_conn, "CREATE INDEX vs_ivf_idx ON vs_ivf USING ivfflat (v vector_cosine_ops) WITH (lists = 100)")
    assert any("ivfflat" in n and "HNSW" in n for n in notices), notices
    plan = [r[0] for r in rows(pgwire_conn, "EXPLAIN SELECT id FROM vs_ivf ORDER BY v <=> '[1,2,3]' LIMIT 2")]
    assert "Index Scan using vs_ivf_idx on vs_ivf" in plan[1]
    assert rows(pgwire_conn, "SELECT id FROM vs_ivf ORDER BY v <=> '[3,3,3]', id LIMIT 3") == [("1",), ("2",), ("3",)]


def test_explain_says_whether_the_index_is_used(pgwire_conn):
    run(pgwire_conn, "DROP TABLE IF EXISTS vs_explain", "CREATE TABLE vs_explain (id int, c int, v vector(3))",
        "INSERT INTO vs_explain VALUES (1, 1, '[1,1,1]')")
    q = "EXPLAIN SELECT id FROM vs_explain ORDER BY v <-> '[1,2,3]' LIMIT 5"
    assert [r[0] for r in rows(pgwire_conn, q)] == [
        "Limit",
        "  ->  Seq Scan on vs_explain (exact top-k: vectorised distances, bounded heap, no sort)",
        "        Order By: (v <-> '[1,2,3]'::vector)"]
    run(pgwire_conn, "CREATE INDEX vs_explain_l2 ON vs_explain USING hnsw (v vector_l2_ops)")
    assert [r[0] for r in rows(pgwire_conn, q)] == [
        "Limit", "  ->  Index Scan using vs_explain_l2 on vs_explain", "        Order By: (v <-> '[1,2,3]'::vector)"]
    # another distance than the index's: exact
    plan = [r[0] for r in rows(pgwire_conn, "EXPLAIN SELECT id FROM vs_explain ORDER BY v <#> '[1,2,3]' LIMIT 5")]
    assert plan[1].startswith("  ->  Seq Scan on vs_explain")
    plan = [r[0] for r in rows(pgwire_conn, "EXPLAIN SELECT id FROM vs_explain WHERE c = 1 "
                                            "ORDER BY v <-> '[1,2,3]' LIMIT 5")]
    assert plan[1] == "  ->  Index Scan using vs_explain_l2 on vs_explain" and plan[3].startswith("        Filter:")
    run(pgwire_conn, "SET enable_indexscan = off")
    try:
        plan = [r[0] for r in rows(pgwire_conn, q)]
        assert plan[1].startswith("  ->  Seq Scan on vs_explain (exact top-k over the in-memory vectors")
    finally:
        run(pgwire_conn, "RESET enable_indexscan")
    # a parameter, as drivers send it
    plan = [r[0] for r in rows(pgwire_conn, "EXPLAIN SELECT id FROM vs_explain ORDER BY v <-> $1::vector LIMIT 5",
                               ["[1,2,3]"])]
    assert plan[2] == "        Order By: (v <-> $1)"


def test_memory_is_reported(pgwire_conn):
    run(pgwire_conn, "DROP TABLE IF EXISTS vs_mem", "CREATE TABLE vs_mem (v vector(4))")
    with pgwire_conn.cursor() as cur:
        cur.executemany("INSERT INTO vs_mem VALUES (%s::real[])", [([i, i + 1, i + 2, i + 3],) for i in range(100)])
    run(pgwire_conn, "CREATE INDEX vs_mem_idx ON vs_mem USING hnsw (v vector_l2_ops)")
    assert int(one(pgwire_conn, "SELECT pgwire_vector_index_memory('vs_mem_idx'::regclass)")) > 100 * 16
    stats = pgwire_conn.execute("SELECT pgwire_vector_index_stats('vs_mem_idx'::regclass)").fetchone()[0]
    assert stats["live_rows"] == 100 and stats["dimensions"] == 4 and stats["metric"] == "l2"
    assert stats["m"] == 16 and stats["ef_construction"] == 64
    assert one(pgwire_conn, "SELECT pgwire_vector_index_memory('vs_mem'::regclass)") is None


# ---------------------------------------------------------------------------------------
# filtered search, maintenance, transactions

@pytest.fixture
def grid(pgwire_conn):
    """vs_grid: 400 rows on a line (id i at [i, 0]), category i % 40, an HNSW index.

    The index is built, and rebuilt by VACUUM and REINDEX, on one thread (the connection
    keeps max_parallel_maintenance_workers = 0), so that its graph is a chain and the tests
    can expect exact answers.  On a line every node keeps at most two neighbours (the heuristic drops
    the rest), and a build on two threads inserting neighbours at the same moment, each
    blind to the other, leaves gaps: about one build in 1 000 then misses one of the 5
    nearest at ef_search 40 (e.g. [200, 201, 199, 202, 203] for [200.2, 0]), whatever the
    insertion order.  Real embeddings keep up to 2m diverse neighbours and are not affected
    that way; the recall tests measure them."""
    run(pgwire_conn, "DROP TABLE IF EXISTS vs_grid",
        "CREATE TABLE vs_grid (id int PRIMARY KEY, cat int, v vector(2))")
    with pgwire_conn.cursor() as cur:
        cur.executemany("INSERT INTO vs_grid VALUES (%s, %s, %s::vector)",
                        [(i, i % 40, f"[{i},0]") for i in range(1, 401)])
    run(pgwire_conn, "SET max_parallel_maintenance_workers = 0",
        "CREATE INDEX vs_grid_idx ON vs_grid USING hnsw (v vector_l2_ops)")
    yield pgwire_conn
    run(pgwire_conn, "DROP TABLE IF EXISTS vs_grid")


def ids(conn, sql, params=None):
    return [int(r[0]) for r in rows(conn, sql, params)]


def test_filtered_search_returns_k_rows_when_k_match(grid):
    # 10 rows of category 7 in 400: the search keeps going until 5 of them are found
    assert ids(grid, "SELECT id FROM vs_grid WHERE cat = 7 ORDER BY v <-> '[0,0]' LIMIT 5") == [7, 47, 87, 127, 167]
    assert ids(grid, "SELECT id FROM vs_grid WHERE cat = 7 ORDER BY v <-> '[400,0]' LIMIT 20") == \
        [367, 327, 287, 247, 207, 167, 127, 87, 47, 7]
    assert ids(grid, "SELECT id FROM vs_grid WHERE cat = $1 AND id > $2 ORDER BY v <-> $3::vector LIMIT 3",
               ["7", "100", "[0,0]"]) == [127, 167, 207]
    assert ids(grid, "SELECT id FROM vs_grid WHERE cat = 99 ORDER BY v <-> '[0,0]' LIMIT 5") == []
    assert ids(grid, "SELECT id FROM vs_grid ORDER BY v <-> '[200.2,0]' LIMIT 3 OFFSET 2") == [199, 202, 198]


def test_nearest_to_a_row_of_the_table(grid):
    # pgvector's README: the nearest neighbours of a row
    assert ids(grid, "SELECT id FROM vs_grid WHERE id != 100 ORDER BY v <-> "
                     "(SELECT v FROM vs_grid WHERE id = 100) LIMIT 4") == [99, 101, 98, 102]


def test_distance_in_the_select_list(grid):
    assert rows(grid, "SELECT id, v <-> '[10.5,0]' AS distance FROM vs_grid ORDER BY v <-> '[10.5,0]' LIMIT 2") == \
        [("10", "0.5"), ("11", "0.5")]


def test_index_follows_insert_update_delete(grid):
    run(grid, "INSERT INTO vs_grid VALUES (1000, 0, '[-5,0]')")
    assert ids(grid, "SELECT id FROM vs_grid ORDER BY v <-> '[-4,0]' LIMIT 1") == [1000]
    run(grid, "UPDATE vs_grid SET v = '[900,0]' WHERE id = 1000")
    assert ids(grid, "SELECT id FROM vs_grid ORDER BY v <-> '[-4,0]' LIMIT 1") == [1]
    assert ids(grid, "SELECT id FROM vs_grid ORDER BY v <-> '[901,0]' LIMIT 1") == [1000]
    run(grid, "UPDATE vs_grid SET id = 2000 WHERE id = 1000")          # the row id changes
    assert ids(grid, "SELECT id FROM vs_grid ORDER BY v <-> '[901,0]' LIMIT 1") == [2000]
    run(grid, "DELETE FROM vs_grid WHERE id = 2000")
    assert ids(grid, "SELECT id FROM vs_grid ORDER BY v <-> '[901,0]' LIMIT 1") == [400]
    run(grid, "UPDATE vs_grid SET v = NULL WHERE id = 400")
    assert ids(grid, "SELECT id FROM vs_grid ORDER BY v <-> '[901,0]' LIMIT 1") == [399]
    stats = grid.execute("SELECT pgwire_vector_index_stats('vs_grid_idx'::regclass)").fetchone()[0]
    assert stats["live_rows"] == 399


def test_rolled_back_changes_are_never_returned(grid, pgwire_server):
    other = clients.connect(pgwire_server)
    try:
        run(grid, "BEGIN", "INSERT INTO vs_grid VALUES (1001, 0, '[-7,0]')", "DELETE FROM vs_grid WHERE id = 1")
        # the transaction sees its own changes through the index path ...
        assert ids(grid, "SELECT id FROM vs_grid ORDER BY v <-> '[-6,0]' LIMIT 2") == [1001, 2]
        # ... another session does not
        assert ids(other, "SELECT id FROM vs_grid ORDER BY v <-> '[-6,0]' LIMIT 2") == [1, 2]
        run(grid, "ROLLBACK")
        assert ids(grid, "SELECT id FROM vs_grid ORDER BY v <-> '[-6,0]' LIMIT 2") == [1, 2]
        assert ids(other, "SELECT id FROM vs_grid ORDER BY v <-> '[-6,0]' LIMIT 2") == [1, 2]
        # savepoints
        run(grid, "BEGIN", "INSERT INTO vs_grid VALUES (1002, 0, '[-8,0]')", "SAVEPOINT s",
            "INSERT INTO vs_grid VALUES (1003, 0, '[-9,0]')", "ROLLBACK TO SAVEPOINT s", "COMMIT")
        assert ids(other, "SELECT id FROM vs_grid ORDER BY v <-> '[-9,0]' LIMIT 2") == [1002, 1]
        # a failed statement inside a transaction
        run(grid, "BEGIN")
        assert error(grid, "INSERT INTO vs_grid VALUES (1004, 0, '[-10,0]'), (1, 0, '[-11,0]')")[0] == "23505"
        run(grid, "ROLLBACK")
        assert ids(other, "SELECT id FROM vs_grid ORDER BY v <-> '[-11,0]' LIMIT 1") == [1002]
    finally:
        other.close()


def test_searches_during_a_bulk_apply_see_their_snapshot(pgwire_server):
    """A commit of many rows is applied to the index while searches go on (they answer from
    the table instead of waiting for the index): each search sees the table as before the
    commit or as after it, and once the commit is acknowledged, as after it."""
    setup = clients.connect(pgwire_server)
    writer_conn = clients.connect(pgwire_server)
    reader = clients.connect(pgwire_server)
    try:
        run(setup, "DROP TABLE IF EXISTS vs_bulk", "CREATE TABLE vs_bulk (id int PRIMARY KEY, cat int, v vector(4))",
            "INSERT INTO vs_bulk SELECT g, 1, ('[' || g || ',0,0,0]')::vector FROM generate_series(1, 10) g",
            "INSERT INTO vs_bulk SELECT g, 0, ('[' || (1000 + g % 997) || ',' || (g % 1013) || ',' || (g % 7) || ','"
            " || (g % 11) || ']')::vector FROM generate_series(11, 2000) g",
            "CREATE INDEX vs_bulk_idx ON vs_bulk USING hnsw (v vector_l2_ops)")
        before = list(range(1, 11))
        after = list(range(100001, 100011))
        done = threading.Event()
        failure = []

        def write():
            try:
                run(writer_conn, "BEGIN",
                    "INSERT INTO vs_bulk SELECT g, 0, ('[' || (2000 + g % 991) || ',' || (g % 1009) || ',' || (g % 5)"
                    " || ',' || (g % 13) || ']')::vector FROM generate_series(2001, 40000) g",
                    "INSERT INTO vs_bulk SELECT 100000 + g, 1, ('[' || (g / 100.0) || ',0,0,0]')::vector "
                    "FROM generate_series(1, 10) g",
                    "COMMIT")
            except BaseException as e:     # reported by the main thread
                failure.append(e)
            done.set()

        t = threading.Thread(target=write)
        t.start()
        while not done.is_set():
            for where in ("", "WHERE cat = 1"):
                got = ids(reader, f"SELECT id FROM vs_bulk {where} ORDER BY v <-> '[0,0,0,0]' LIMIT 10")
                assert got in (before, after), got
        t.join()
        assert not failure, failure
        for where in ("", "WHERE cat = 1"):
            assert ids(reader, f"SELECT id FROM vs_bulk {where} ORDER BY v <-> '[0,0,0,0]' LIMIT 10") == after
        assert one(reader, "SELECT count(*) FROM vs_bulk") == "40010"
        stats = reader.execute("SELECT pgwire_vector_index_stats('vs_bulk_idx'::regclass)").fetchone()[0]
        assert stats["live_rows"] == 40010
    finally:
        run(setup, "DROP TABLE IF EXISTS vs_bulk")
        for c in (setup, writer_conn, reader):
            c.close()


def test_a_statement_prepared_before_create_index_uses_the_index(pgwire_server):
    """PostgreSQL re-plans a prepared statement after CREATE/DROP INDEX.  Which plan ran shows
    in the answer: the index holds no NULL vector, the exact order puts it last."""
    conn = clients.connect(pgwire_server)
    other = clients.connect(pgwire_server)
    try:
        run(conn, "DROP TABLE IF EXISTS vs_prep", "CREATE TABLE vs_prep (id int, v vector(2))",
            "INSERT INTO vs_prep VALUES (1, '[1,0]'), (2, '[2,0]'), (3, NULL)")
        q = "SELECT id FROM vs_prep ORDER BY v <-> %s::vector LIMIT 5"

        def search():
            return [int(r[0]) for r in conn.execute(q, ("[0,0]",), prepare=True).fetchall()]

        assert search() == [1, 2, 3]
        run(other, "CREATE INDEX vs_prep_idx ON vs_prep USING hnsw (v vector_l2_ops)")
        assert search() == [1, 2]
        run(other, "DROP INDEX vs_prep_idx")
        assert search() == [1, 2, 3]
        run(other, "CREATE INDEX vs_prep_ip ON vs_prep USING hnsw (v vector_ip_ops)")
        assert search() == [1, 2, 3]               # another distance: still exact
        run(other, "CREATE INDEX vs_prep_l2 ON vs_prep USING hnsw (v vector_l2_ops)")
        assert search() == [1, 2]
        run(conn, "SET enable_indexscan = off")
        assert search() == [1, 2, 3]
    finally:
        run(other, "DROP TABLE IF EXISTS vs_prep")
        conn.close()
        other.close()


def test_index_created_and_dropped_inside_transactions(pgwire_conn):
    run(pgwire_conn, "DROP TABLE IF EXISTS vs_txn", "CREATE TABLE vs_txn (id int, v vector(2))",
        "INSERT INTO vs_txn VALUES (1, '[1,0]'), (2, '[2,0]'), (3, '[3,0]')")
    q = "SELECT id FROM vs_txn ORDER BY v <-> '[2.85,0]' LIMIT 2"
    run(pgwire_conn, "BEGIN", "CREATE INDEX vs_txn_idx ON vs_txn USING hnsw (v vector_l2_ops)",
        "INSERT INTO vs_txn VALUES (4, '[2.8,0]')")
    assert ids(pgwire_conn, q) == [4, 3]
    run(pgwire_conn, "ROLLBACK")
    assert "Seq Scan" in rows(pgwire_conn, "EXPLAIN " + q)[1][0]
    assert ids(pgwire_conn, q) == [3, 2]
    run(pgwire_conn, "CREATE INDEX vs_txn_idx ON vs_txn USING hnsw (v vector_l2_ops)")
    assert "Index Scan" in rows(pgwire_conn, "EXPLAIN " + q)[1][0]
    run(pgwire_conn, "BEGIN", "DROP INDEX vs_txn_idx", "ROLLBACK")
    assert ids(pgwire_conn, q) == [3, 2]
    run(pgwire_conn, "DROP INDEX vs_txn_idx")
    assert ids(pgwire_conn, q) == [3, 2]


def test_table_rewrite_keeps_the_index(grid):
    run(grid, "ALTER TABLE vs_grid ADD CONSTRAINT vs_grid_cat CHECK (cat >= 0)")
    assert "Index Scan" in rows(grid, "EXPLAIN SELECT id FROM vs_grid ORDER BY v <-> '[3,0]' LIMIT 1")[1][0]
    assert ids(grid, "SELECT id FROM vs_grid ORDER BY v <-> '[3.1,0]' LIMIT 2") == [3, 4]
    run(grid, "INSERT INTO vs_grid VALUES (500, 1, '[3.2,0]')")
    assert ids(grid, "SELECT id FROM vs_grid ORDER BY v <-> '[3.1,0]' LIMIT 2") == [3, 500]


def test_vacuum_and_checkpoint_functions(grid):
    run(grid, "DELETE FROM vs_grid WHERE id <= 300")
    assert int(one(grid, "SELECT pgwire_vector_index_vacuum('vs_grid_idx'::regclass)")) == 1
    stats = grid.execute("SELECT pgwire_vector_index_stats('vs_grid_idx'::regclass)").fetchone()[0]
    assert stats["live_rows"] == 100 and stats["deleted_rows"] == 0 and stats["unpersisted_changes"] == 0
    assert ids(grid, "SELECT id FROM vs_grid ORDER BY v <-> '[0,0]' LIMIT 2") == [301, 302]
    assert int(one(grid, "SELECT pgwire_vector_index_checkpoint()")) >= 1


def test_vacuum_reindex_checkpoint_statements(grid):
    run(grid, "DELETE FROM vs_grid WHERE id <= 200")
    stats = grid.execute("SELECT pgwire_vector_index_stats('vs_grid_idx'::regclass)").fetchone()[0]
    assert stats["deleted_rows"] == 200
    assert clients.query(grid, "VACUUM vs_grid").tag == "VACUUM"
    stats = grid.execute("SELECT pgwire_vector_index_stats('vs_grid_idx'::regclass)").fetchone()[0]
    assert (stats["live_rows"], stats["deleted_rows"]) == (200, 0)
    run(grid, "UPDATE vs_grid SET v = '[250.5,0]' WHERE id = 300")
    assert clients.query(grid, "REINDEX INDEX vs_grid_idx").tag == "REINDEX"
    stats = grid.execute("SELECT pgwire_vector_index_stats('vs_grid_idx'::regclass)").fetchone()[0]
    assert (stats["live_rows"], stats["deleted_rows"]) == (200, 0)
    assert ids(grid, "SELECT id FROM vs_grid ORDER BY v <-> '[250.4,0]' LIMIT 2") == [300, 250]
    run(grid, "INSERT INTO vs_grid VALUES (2000, 0, '[0,0]')")
    assert clients.query(grid, "CHECKPOINT").tag == "CHECKPOINT"
    stats = grid.execute("SELECT pgwire_vector_index_stats('vs_grid_idx'::regclass)").fetchone()[0]
    assert stats["unpersisted_changes"] == 0
    assert clients.query(grid, "VACUUM").tag == "VACUUM"
    assert clients.query(grid, "REINDEX TABLE vs_grid").tag == "REINDEX"
    assert ids(grid, "SELECT id FROM vs_grid ORDER BY v <-> '[1,0]' LIMIT 1") == [2000]
