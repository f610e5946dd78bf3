"""COPY (issue 8), compared with PostgreSQL 15: the same statements and data on both, the
same bytes out, the same rows in, the same errors (SQLSTATE, message, CONTEXT, position).

Covers: option parsing and its errors, text and csv edge cases byte for byte, every
format's round trip through the types with NULLs, empty strings, quotes, tabs, newlines,
backslashes and unicode, arbitrary chunking of CopyData, errors in the middle of the data
with nothing loaded, CopyFail, defaults and serials for omitted columns, constraints,
transactions and savepoints, COPY (query) TO, quoted and qualified names, server-side files
(refused unless copy_server_files is on).  Clients beyond psycopg: test_copy_clients.py.
"""

import os
import random

import psycopg
import pytest

from pgharness import clients


# ---------------------------------------------------------------- helpers

def run_copy_in(conn, sql, data, chunk=None):
    """COPY FROM STDIN with `data` (bytes or str), sent whole or in chunks of `chunk` bytes
    (an int, or a list of sizes cycled).  Returns ("OK", rowcount) or the error's fields."""
    if isinstance(data, str):
        data = data.encode()
    cur = conn.cursor()
    try:
        with cur.copy(sql) as cp:
            if chunk is None:
                if data:
                    cp.write(data)
            else:
                sizes = chunk if isinstance(chunk, list) else [chunk]
                i = k = 0
                while i < len(data):
                    n = sizes[k % len(sizes)]
                    cp.write(data[i:i + n])
                    i += n
                    k += 1
        return ("OK", cur.rowcount)
    except psycopg.Error as e:
        return error_fields(e)


def error_fields(e):
    d = e.diag
    return (d.sqlstate, d.message_primary, d.context, d.message_hint, d.statement_position)


def run_copy_out(conn, sql):
    cur = conn.cursor()
    try:
        with cur.copy(sql) as cp:
            data = b"".join(bytes(b) for b in cp)
        return ("OK", cur.rowcount, data)
    except psycopg.Error as e:
        return error_fields(e)


def rows_of(conn, sql):
    """Values as the server's text (psycopg's text loaders for everything)."""
    cur = conn.cursor()
    cur.execute(sql)
    return [tuple(None if v is None else str(v) for v in r) for r in cur.fetchall()]


def both(oracle_conn, pgwire_conn, *statements):
    for conn in (oracle_conn, pgwire_conn):
        for s in statements:
            conn.execute(s)


# ---------------------------------------------------------------- options and their errors

OPTION_CASES = [
    "copy copy_opt from stdin (format xml)",
    "copy copy_opt from stdin (format csv, format csv)",
    "copy copy_opt from stdin (delimiter 'ab')",
    "copy copy_opt from stdin (delimiter E'\\n')",
    "copy copy_opt from stdin (delimiter '\\')",
    "copy copy_opt from stdin (delimiter 'x')",
    "copy copy_opt from stdin (delimiter '.')",
    "copy copy_opt from stdin (null E'a\\rb')",
    "copy copy_opt from stdin (quote '\"')",
    "copy copy_opt from stdin (format csv, quote 'ab')",
    "copy copy_opt from stdin (format csv, quote ',')",
    "copy copy_opt from stdin (escape '\"')",
    "copy copy_opt from stdin (format csv, escape 'ab')",
    "copy copy_opt from stdin (force_quote (a))",
    "copy copy_opt from stdin (format csv, force_quote (a))",
    "copy copy_opt from stdin (format csv, force_quote *)",
    "copy copy_opt to stdout (format csv, force_not_null (a))",
    "copy copy_opt to stdout (force_not_null (a))",
    "copy copy_opt to stdout (format csv, force_null (a))",
    "copy copy_opt from stdin (format csv, force_null (zz))",
    "copy copy_opt (a) from stdin (format csv, force_null (b))",
    "copy copy_opt from stdin (format csv, force_not_null (c), force_not_null (b))",
    "copy copy_opt from stdin (format csv, force_not_null *)",
    "copy copy_opt from stdin (format csv, force_not_null 'a')",
    "copy copy_opt from stdin (format binary, delimiter ',')",
    "copy copy_opt from stdin (format binary, null 'x')",
    "copy copy_opt from stdin (format binary, header)",
    "copy copy_opt to stdout (header match)",
    "copy copy_opt from stdin (header 2)",
    "copy copy_opt from stdin (header 'maybe')",
    "copy copy_opt from stdin (foo 1)",
    "copy copy_opt from stdin (freeze 'maybe')",
    "copy copy_opt from stdin (encoding 'nope')",
    "copy copy_opt from stdin (delimiter ',', null 'a,b')",
    "copy copy_opt from stdin (format csv, null 'a\"b')",
    "copy copy_opt from stdin (null)",
    "copy copy_opt from stdin (delimiter)",
    "copy copy_opt (a, zz) from stdin",
    "copy copy_opt (a, a) from stdin",
    "copy copy_nosuch from stdin",
    "copy copy_opt_v to stdout",
    "copy (insert into copy_opt values (1)) to stdout",
    "copy (select 1) to stdout (force_quote *)",
    "copy copy_opt from stdin where a > 1 (format csv)",
    "copy copy_opt from stdin with csv header quote as '''' escape as '\\' force not null b",
    "copy copy_opt to stdout with csv force quote *",
]


@pytest.fixture
def option_tables(oracle_conn, pgwire_conn):
    both(oracle_conn, pgwire_conn,
         "drop view if exists copy_opt_v", "drop table if exists copy_opt",
         "create table copy_opt (a int, b text, c int default 7)",
         "create view copy_opt_v as select 1 as x")
    yield
    both(oracle_conn, pgwire_conn, "drop view copy_opt_v", "drop table copy_opt")


@pytest.mark.parametrize("sql", OPTION_CASES)
def test_options_and_their_errors_match_postgresql(sql, option_tables, oracle_conn, pgwire_conn):
    if " to stdout" in sql:
        theirs, ours = run_copy_out(oracle_conn, sql), run_copy_out(pgwire_conn, sql)
    else:
        theirs, ours = run_copy_in(oracle_conn, sql, b""), run_copy_in(pgwire_conn, sql, b"")
    assert ours == theirs


def test_old_option_syntax_as_psql_sends_it(option_tables, oracle_conn, pgwire_conn):
    data = "a,b,c\n1,\"x, y\",2\n3,,\n"
    for sql in ("copy copy_opt from stdin csv header", "copy copy_opt from stdin with delimiter ',' csv header"):
        assert run_copy_in(pgwire_conn, sql, data) == run_copy_in(oracle_conn, sql, data)
    sql = "select a, b, c from copy_opt order by a, b"
    assert rows_of(pgwire_conn, sql) == rows_of(oracle_conn, sql)
    out = "copy copy_opt to stdout with csv header delimiter '|' null 'NULL' force quote b"
    assert run_copy_out(pgwire_conn, out) == run_copy_out(oracle_conn, out)


def test_non_utf8_encoding_is_refused_plainly(option_tables, pgwire_conn):
    # A deliberate difference (docs/copy.md): the server converts only UTF8.
    r = run_copy_in(pgwire_conn, "copy copy_opt from stdin (encoding 'latin1')", b"")
    assert r[0] == "0A000"
    assert run_copy_in(pgwire_conn, "copy copy_opt from stdin (encoding 'UTF-8')", b"1\tx\t2\n") == ("OK", 1)


# ---------------------------------------------------------------- text and csv edge cases

EDGE_VALUES = [
    None, "", " ", "plain", "with,comma", 'with "quotes"', "with 'single'", "tab\there",
    "new\nline", "cr\rreturn", "crlf\r\nend", "back\\slash", "\\N", "\\.", "NULL", "-",
    "unicode: héllo wörld ✓ 日本語 🎉", "trailing space ", "\x01ctrl\x7f", ",", '"', "\\",
]


@pytest.fixture
def edge_table(oracle_conn, pgwire_conn):
    both(oracle_conn, pgwire_conn, "drop table if exists copy_edge",
         "create table copy_edge (id int, v text)")
    for conn in (oracle_conn, pgwire_conn):
        with conn.cursor() as cur:
            for i, v in enumerate(EDGE_VALUES):
                cur.execute("insert into copy_edge values (%s, %s)", (i, v))
    yield
    both(oracle_conn, pgwire_conn, "drop table copy_edge")


@pytest.mark.parametrize("options", [
    "", "(format text)", "(format csv)", "(format csv, header)", "(format text, header true)",
    "(delimiter '|')", "(format csv, delimiter ';', null 'NULL')", "(null '')",
    "(format csv, quote '''', escape '\\')", "(format csv, force_quote *)",
    "(format csv, force_quote (v))", "(format csv, quote '|', delimiter E'\\t')",
    "(format csv, escape '#')", "(delimiter E'\\x01')",
])
def test_edge_values_out_byte_for_byte_and_back(options, edge_table, oracle_conn, pgwire_conn):
    out = f"copy (select id, v from copy_edge order by id) to stdout {options}"
    theirs = run_copy_out(oracle_conn, out)
    ours = run_copy_out(pgwire_conn, out)
    assert ours == theirs
    assert theirs[0] == "OK"
    # PostgreSQL's bytes loaded into both give the same rows.
    both(oracle_conn, pgwire_conn, "truncate copy_edge")
    sql = f"copy copy_edge from stdin {options}"
    assert run_copy_in(pgwire_conn, sql, theirs[2]) == run_copy_in(oracle_conn, sql, theirs[2])
    check = "select id, v from copy_edge order by id"
    assert rows_of(pgwire_conn, check) == rows_of(oracle_conn, check)


def test_single_column_end_marker_value_is_quoted_in_csv(oracle_conn, pgwire_conn):
    both(oracle_conn, pgwire_conn, "drop table if exists copy_one", "create table copy_one (v text)",
         "insert into copy_one values ('\\.'), ('x'), (null), ('')")
    for opts in ("(format csv)", "(format csv, header)", "(format text)"):
        sql = f"copy copy_one to stdout {opts}"
        assert run_copy_out(pgwire_conn, sql) == run_copy_out(oracle_conn, sql)
    both(oracle_conn, pgwire_conn, "drop table copy_one")


TEXT_INPUTS = [
    # escapes, octal, hex, NULL marker, escaped delimiter and newline
    "1\ta\\bb\\fc\\nd\\re\\tf\\vg\n2\t\\101\\x41\\x4a\\101z\n3\t\\N\n4\tx\\\ty\n5\tsplit\\\nline\n",
    "1\tcr line\r\n2\ttwo\r\n",                    # CRLF
    "1\tcr\r2\tonly\r",                             # CR
    "1\tone\n2\ttwo\r\n",                           # mixed: error
    "1\tone\r\n2\ttwo\n",                           # mixed the other way: error
    "1\tone\n\\.\n2\tignored after the marker\n",   # end marker
    "1\tone\n2\tab\\.\n3\tnot loaded\n",            # end marker after data on a line
    "1\tone\n\\.x\n",                               # corrupt marker
    "1\tno newline at the end",
    "1\ttrailing backslash at the end\\",
    "1\tx\t3\n",                                    # extra data
    "1\n",                                          # missing data
    "x\tq\n",                                       # bad integer
    "1\tq\\377\n",                                  # escape makes invalid UTF-8
    "1\tq\\0\n",                                    # escape makes NUL
    "1\t\\xfg\n",                                   # \x with one hex digit
    "",                                             # nothing
    "\n",                                           # an empty line
    "1\t" + "é" * 80 + "\t" + "x" * 30 + "\n",      # long line in the context (cut at a character)
]


@pytest.mark.parametrize("data", TEXT_INPUTS)
def test_text_input_matches_postgresql(data, oracle_conn, pgwire_conn):
    both(oracle_conn, pgwire_conn, "drop table if exists copy_txt", "create table copy_txt (id int, v text)")
    sql = "copy copy_txt from stdin"
    assert run_copy_in(pgwire_conn, sql, data) == run_copy_in(oracle_conn, sql, data)
    check = "select id, v from copy_txt order by id"
    assert rows_of(pgwire_conn, check) == rows_of(oracle_conn, check)
    both(oracle_conn, pgwire_conn, "drop table copy_txt")


def test_invalid_utf8_is_refused_with_the_line(oracle_conn, pgwire_conn):
    both(oracle_conn, pgwire_conn, "drop table if exists copy_txt", "create table copy_txt (id int, v text)")
    for data in (b"1\tok\n2\tbad\xff\n", b"1\t\xc3\x28\n", b"1\ta\x00b\n", b"1\t\xe2\x82\n"):
        sql = "copy copy_txt from stdin"
        assert run_copy_in(pgwire_conn, sql, data) == run_copy_in(oracle_conn, sql, data), data
    both(oracle_conn, pgwire_conn, "drop table copy_txt")


CSV_INPUTS = [
    ('1,"a ""quoted"" word"\n2,"multi\nline"\n3,"x,y"\n4,""\n5,\n', ""),
    ('1,"unterminated\n2,x\n', ""),
    ('1,"ab\nc"\n2,"x\ny",z\n', ""),                   # error on line 3 (embedded newline counted)
    ("1,plain\r\n2,crlf\r\n", ""),
    ("1,a\n\\.\n2,b\n", ""),                         # end marker alone on a line
    ("1,a\n\\.x\n2,b\n", ""),                        # not a marker in csv: data
    ('1,"\\."\n', ""),
    ("id,v\n1,a\n", "header"),
    ("id,v\n1,a\n", "header match"),
    ("v,id\n1,a\n", "header match"),
    ("id\n1,a\n", "header match"),
    ('1,"x""y"\n', "quote '\"', escape '\"'"),
    ("1,'it''s'\n", "quote ''''"),
    ("1,'a\\'b'\n", "quote '''', escape '\\'"),
    ("1;NULL\n2;\n", "delimiter ';', null 'NULL'"),
    ('1,""\n2,\n', "force_not_null (v)"),
    ('1,""\n2,\n', "force_null (v)"),
    ('1,""\n2,\n', "force_null (v), force_not_null (v)"),
    ("1,a,b\n", ""),
    ("1\n", ""),
    ("1,a\r2,b\r", ""),
    ("1,a\n2,b\r\n", ""),
]


@pytest.mark.parametrize("data,opts", CSV_INPUTS)
def test_csv_input_matches_postgresql(data, opts, oracle_conn, pgwire_conn):
    both(oracle_conn, pgwire_conn, "drop table if exists copy_csv", "create table copy_csv (id int, v text)")
    sql = "copy copy_csv from stdin (format csv" + (", " + opts if opts else "") + ")"
    assert run_copy_in(pgwire_conn, sql, data) == run_copy_in(oracle_conn, sql, data)
    check = "select id, v from copy_csv order by id"
    assert rows_of(pgwire_conn, check) == rows_of(oracle_conn, check)
    both(oracle_conn, pgwire_conn, "drop table copy_csv")


# ---------------------------------------------------------------- chunking

def test_any_chunking_gives_the_same_rows(oracle_conn, pgwire_conn):
    rnd = random.Random(8)
    lines = []
    for i in range(300):
        v = rnd.choice(EDGE_VALUES[1:]).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n") \
            .replace("\r", "\\r")
        lines.append(f"{i}\t{v}\n")
    text = "".join(lines).encode()
    csv = run_copy_out(oracle_conn, "copy (select 1 as id, 'a,\"b\"\nc' as v "
                                    "from generate_series(1, 200)) to stdout (format csv)")[2]
    both(oracle_conn, pgwire_conn, "drop table if exists copy_chunk", "create table copy_chunk (id int, v text)")
    run_copy_in(oracle_conn, "copy copy_chunk from stdin", text)
    run_copy_in(oracle_conn, "copy copy_chunk from stdin (format csv)", csv)
    expected = rows_of(oracle_conn, "select id, v from copy_chunk order by id, v")
    for chunk in (1, 2, 3, 7, 64, 4096, [1, 100, 5, 9000, 2]):
        pgwire_conn.execute("truncate copy_chunk")
        assert run_copy_in(pgwire_conn, "copy copy_chunk from stdin", text, chunk) == ("OK", 300)
        assert run_copy_in(pgwire_conn, "copy copy_chunk from stdin (format csv)", csv, chunk) == ("OK", 200)
        assert rows_of(pgwire_conn, "select id, v from copy_chunk order by id, v") == expected, chunk
    both(oracle_conn, pgwire_conn, "drop table copy_chunk")


def test_binary_in_any_chunking(oracle_conn, pgwire_conn):
    both(oracle_conn, pgwire_conn, "drop table if exists copy_bin", "create table copy_bin (id int, v text, f float8)")
    oracle_conn.execute("insert into copy_bin select i, repeat('x', i % 50) || i, i / 3.0 "
                        "from generate_series(1, 500) i")
    oracle_conn.execute("insert into copy_bin values (null, null, null), (0, '', 0)")
    data = run_copy_out(oracle_conn, "copy copy_bin to stdout (format binary)")[2]
    expected = rows_of(oracle_conn, "select id, v, f from copy_bin order by id nulls first, v")
    for chunk in (1, 5, 19, 1000, None):
        pgwire_conn.execute("truncate copy_bin")
        assert run_copy_in(pgwire_conn, "copy copy_bin from stdin (format binary)", data, chunk) == ("OK", 502)
        assert rows_of(pgwire_conn, "select id, v, f from copy_bin order by id nulls first, v") == expected
    both(oracle_conn, pgwire_conn, "drop table copy_bin")


BINARY_ERRORS = [
    b"",
    b"PGCOPY\n\xff\r\n\x00",
    b"NOTCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00",
    b"PGCOPY\n\xff\r\n\x00\x00\x01\x00\x00\x00\x00\x00\x00",
    b"PGCOPY\n\xff\r\n\x00\x00\x02\x00\x00\x00\x00\x00\x00",
    b"PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x05ab",
    b"PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x01",
    b"PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\xff\xff\xff\xfe",
    b"PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\xff\xff\xff\xff\x00\x00\x00\x02ab\xff\xffx",
    b"PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00",
    b"PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff",
]


@pytest.mark.parametrize("data", BINARY_ERRORS)
def test_binary_header_and_framing_match_postgresql(data, oracle_conn, pgwire_conn):
    both(oracle_conn, pgwire_conn, "drop table if exists copy_bin", "create table copy_bin (id int, v text)")
    sql = "copy copy_bin from stdin (format binary)"
    assert run_copy_in(pgwire_conn, sql, data) == run_copy_in(oracle_conn, sql, data)
    both(oracle_conn, pgwire_conn, "drop table copy_bin")


# ---------------------------------------------------------------- types round trip

# (type, values as SQL literals).  Every format, both directions, NULL in each.
TYPE_CASES = [
    ("int2", ["0", "'-32768'", "32767"]),
    ("int4", ["0", "'-2147483648'", "2147483647"]),
    ("int8", ["0", "'-9223372036854775808'", "9223372036854775807"]),
    ("bool", ["true", "false"]),
    ("text", ["''", "'a\tb\nc\\d\"e''f'", "'日本語 🎉'"]),
    ("varchar(5)", ["''", "'abc'", "'ab\"c'"]),
    ("char(4)", ["'a'", "'abcd'"]),
    ("bytea", ["'\\x'", "'\\x00ff10'", "'abc'"]),
    ("float8", ["0", "1.5", "-2.25", "1e300", "'Infinity'", "'-Infinity'", "'NaN'"]),
    ("float4", ["0", "1.5", "-2.25", "'NaN'", "'-Infinity'"]),
    ("numeric", ["0", "1.50", "-123456789.000001", "'NaN'"]),
    ("date", ["'2024-02-29'", "'1999-12-31'"]),
    ("timestamp", ["'2024-02-29 12:34:56'", "'2000-01-01 00:00:00.5'"]),
    ("timestamptz", ["'2024-02-29 12:34:56+00'"]),
    ("time", ["'12:34:56'", "'00:00:00.000001'"]),
    ("interval", ["'1 day 2 hours'", "'-3 mons'"]),
    ("uuid", ["'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"]),
    ("json", ["'{\"a\": [1, \"x\\ty\"]}'"]),
    ("jsonb", ["'{\"b\": 1, \"a\": \"é\"}'"]),
    ("int4[]", ["'{1,2,NULL}'", "'{}'"]),
    ("text[]", ["'{a,\"b c\",\"d,e\",NULL}'"]),
]


@pytest.mark.parametrize("fmt", ["text", "csv", "binary"])
@pytest.mark.parametrize("typ,values", TYPE_CASES, ids=[t for t, _ in TYPE_CASES])
def test_types_round_trip_every_format(typ, values, fmt, oracle_conn, pgwire_conn):
    """PostgreSQL's COPY TO bytes load into the server to the same values, and the server's
    COPY TO gives PostgreSQL's bytes back."""
    both(oracle_conn, pgwire_conn, "drop table if exists copy_types",
         f"create table copy_types (id int, v {typ})")
    literals = ", ".join(f"({i}, {v}::{typ})" for i, v in enumerate(values)) + f", ({len(values)}, null)"
    oracle_conn.execute(f"insert into copy_types values {literals}")
    out = f"copy (select id, v from copy_types order by id) to stdout (format {fmt})"
    theirs = run_copy_out(oracle_conn, out)
    assert theirs[0] == "OK"
    loaded = run_copy_in(pgwire_conn, f"copy copy_types from stdin (format {fmt})", theirs[2])
    assert loaded == ("OK", len(values) + 1)
    ours = run_copy_out(pgwire_conn, out)
    assert ours == theirs
    both(oracle_conn, pgwire_conn, "drop table copy_types")


def test_float_nan_round_trips(oracle_conn, pgwire_conn):
    both(oracle_conn, pgwire_conn, "drop table if exists copy_nan", "create table copy_nan (f float8)")
    data = b"NaN\n"
    assert run_copy_in(pgwire_conn, "copy copy_nan from stdin", data) == ("OK", 1)
    assert run_copy_out(pgwire_conn, "copy copy_nan to stdout")[2] == data
    both(oracle_conn, pgwire_conn, "drop table copy_nan")


# ---------------------------------------------------------------- semantics

def test_defaults_serials_and_constraints(oracle_conn, pgwire_conn):
    both(oracle_conn, pgwire_conn, "drop table if exists copy_sem",
         "create table copy_sem (id serial primary key, name text not null, qty int default 42, "
         "note varchar(4), constraint copy_sem_qty_check check (qty >= 0))")
    cases = [
        ("copy copy_sem (name) from stdin", "a\nb\nc\n"),
        ("copy copy_sem (name, qty) from stdin", "d\t1\ne\t\\N\n"),
        ("copy copy_sem (name, qty) from stdin", "f\t-1\n"),
        ("copy copy_sem (name) from stdin", "g\n\\N\n"),
        ("copy copy_sem (id, name) from stdin", "1\tdup\n"),
        ("copy copy_sem (qty) from stdin", "5\n"),
        ("copy copy_sem (name, note) from stdin", "i\tabcd\n"),
    ]
    for sql, data in cases:
        assert run_copy_in(pgwire_conn, sql, data) == run_copy_in(oracle_conn, sql, data), sql
    # Serial values: PostgreSQL's sequences do not roll back, so failed COPYs used some;
    # the engine's do (docs/copy.md).  Same rows, in the same order, with increasing ids.
    check = "select name, qty, note from copy_sem order by id"
    assert rows_of(pgwire_conn, check) == rows_of(oracle_conn, check)
    ids = [int(r[0]) for r in rows_of(pgwire_conn, "select id from copy_sem order by id")]
    assert ids == sorted(set(ids)) and ids[:5] == [1, 2, 3, 4, 5]
    both(oracle_conn, pgwire_conn, "drop table copy_sem")


def test_too_long_value_fails_in_its_column(oracle_conn, pgwire_conn):
    both(oracle_conn, pgwire_conn, "drop table if exists copy_len", "create table copy_len (id int, note varchar(4))")
    sql, data = "copy copy_len from stdin", "1\tabcd\n2\ttoolong\n"
    assert run_copy_in(pgwire_conn, sql, data) == run_copy_in(oracle_conn, sql, data)
    both(oracle_conn, pgwire_conn, "drop table copy_len")


def test_error_in_the_middle_of_many_rows_loads_nothing(oracle_conn, pgwire_conn):
    both(oracle_conn, pgwire_conn, "drop table if exists copy_mid",
         "create table copy_mid (id int primary key, v text check (v <> 'bad'))")
    good = "".join(f"{i}\tv{i}\n" for i in range(1, 1000))
    cases = [
        good + "1000\tbad\n" + "1001\tx\n",
        good + "500\tdup\n",
        good[:5000] + "oops\tx\n" + good[5000:],
        "".join(f"{i}\tv\n" for i in range(1, 130)) + "64\tdup\n",
    ]
    for data in cases:
        for chunk in (None, 333):
            theirs = run_copy_in(oracle_conn, "copy copy_mid from stdin", data, chunk)
            ours = run_copy_in(pgwire_conn, "copy copy_mid from stdin", data, chunk)
            assert ours == theirs
            assert theirs[0] != "OK"
            assert rows_of(pgwire_conn, "select count(*) from copy_mid") == [("0",)]
    both(oracle_conn, pgwire_conn, "drop table copy_mid")


class Abort(Exception):
    pass


def test_copy_fail_loads_nothing(target_conn):
    target_conn.execute("drop table if exists copy_fail")
    target_conn.execute("create table copy_fail (id int, v text)")
    cur = target_conn.cursor()
    # psycopg sends CopyFail when the block raises.
    with pytest.raises(psycopg.errors.QueryCanceled) as e:
        with cur.copy("copy copy_fail from stdin") as cp:
            cp.write(b"1\tone\n2\ttw")
            raise Abort("client gave up")
    assert "COPY from stdin failed" in e.value.diag.message_primary
    assert e.value.diag.context == "COPY copy_fail, line 2"
    assert target_conn.execute("select count(*) from copy_fail").fetchone()[0] == 0
    target_conn.execute("drop table copy_fail")


def test_copy_in_a_transaction_block_and_savepoints(oracle_conn, pgwire_conn):
    both(oracle_conn, pgwire_conn, "drop table if exists copy_txn", "create table copy_txn (id int)")
    for conn in (oracle_conn, pgwire_conn):
        conn.autocommit = False
        run_copy_in(conn, "copy copy_txn from stdin", "1\n2\n")
        conn.execute("savepoint s")
        r = run_copy_in(conn, "copy copy_txn from stdin", "3\nx\n")
        assert r[0] == "22P02"
        with pytest.raises(psycopg.errors.InFailedSqlTransaction):
            conn.execute("select 1")
        conn.execute("rollback to savepoint s")
        run_copy_in(conn, "copy copy_txn from stdin", "4\n")
        conn.commit()
        conn.autocommit = True
    check = "select id from copy_txn order by id"
    assert rows_of(pgwire_conn, check) == rows_of(oracle_conn, check) == [("1",), ("2",), ("4",)]
    # A COPY that fails inside a block fails the block: nothing of it is kept.
    for conn in (oracle_conn, pgwire_conn):
        conn.autocommit = False
        run_copy_in(conn, "copy copy_txn from stdin", "5\n")
        assert run_copy_in(conn, "copy copy_txn from stdin", "6\nbad\n")[0] == "22P02"
        conn.rollback()
        conn.autocommit = True
    assert rows_of(pgwire_conn, check) == rows_of(oracle_conn, check)
    both(oracle_conn, pgwire_conn, "drop table copy_txn")


def test_read_only_transaction_refuses_copy_from(oracle_conn, pgwire_conn):
    both(oracle_conn, pgwire_conn, "drop table if exists copy_ro", "create table copy_ro (id int)")
    results = []
    for conn in (oracle_conn, pgwire_conn):
        conn.autocommit = False
        conn.execute("set transaction read only")
        results.append(run_copy_in(conn, "copy copy_ro from stdin", "1\n"))
        conn.rollback()
        conn.autocommit = True
    assert results[0] == results[1]
    assert results[0][0] == "25006"
    both(oracle_conn, pgwire_conn, "drop table copy_ro")


def test_copy_to_query_qualified_and_quoted_names(oracle_conn, pgwire_conn):
    both(oracle_conn, pgwire_conn, "drop table if exists \"Copy Mixed\"",
         "create table \"Copy Mixed\" (\"Id\" int, \"the value\" text)",
         "insert into \"Copy Mixed\" values (2, 'b'), (1, 'a'), (3, null)")
    for sql in ('copy public."Copy Mixed" to stdout',
                'copy "Copy Mixed" ("the value", "Id") to stdout (format csv, header)',
                'copy (select "Id" * 10 as x, upper("the value") from "Copy Mixed" order by 1 desc) to stdout',
                'copy (values (1, \'a\'), (2, null)) to stdout (format csv, header, force_quote *)',
                'copy (select 1 where false) to stdout (format csv, header)',
                'copy (update "Copy Mixed" set "Id" = "Id" + 1 where "Id" = 1 returning "Id") to stdout'):
        assert run_copy_out(pgwire_conn, sql) == run_copy_out(oracle_conn, sql), sql
    sql = 'copy public."Copy Mixed" ("Id", "the value") from stdin (format csv)'
    assert run_copy_in(pgwire_conn, sql, '9,"z"\n') == run_copy_in(oracle_conn, sql, '9,"z"\n')
    check = 'select "Id", "the value" from "Copy Mixed" order by 1'
    assert rows_of(pgwire_conn, check) == rows_of(oracle_conn, check)
    both(oracle_conn, pgwire_conn, 'drop table "Copy Mixed"')


def test_copy_to_error_after_copy_out_response(oracle_conn, pgwire_conn):
    both(oracle_conn, pgwire_conn, "drop table if exists copy_err", "create table copy_err (id int)",
         "insert into copy_err values (2), (1), (0)")
    sql = "copy (select 10 / id from copy_err order by id desc) to stdout"
    assert run_copy_out(pgwire_conn, sql) == run_copy_out(oracle_conn, sql)
    both(oracle_conn, pgwire_conn, "drop table copy_err")


def test_server_side_files_are_refused_by_default(pgwire_conn, oracle_conn):
    pgwire_conn.execute("drop table if exists copy_file")
    pgwire_conn.execute("create table copy_file (id int)")
    for sql in ("copy copy_file from '/tmp/nope'", "copy copy_file to '/tmp/nope'",
                "copy copy_file from program 'ls'"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege) as e:
            pgwire_conn.execute(sql)
        assert "COPY" in e.value.diag.message_primary
        assert "psql's \\copy" in e.value.diag.message_hint
    pgwire_conn.execute("drop table copy_file")


def test_server_side_files_when_enabled(make_pgwire, tmp_path):
    server = make_pgwire(copy_server_files="on")
    path = str(tmp_path / "data.csv")
    with clients.connect(server) as conn:
        conn.execute("create table copy_file (id int, v text)")
        conn.execute("insert into copy_file values (1, 'a,b'), (2, null)")
        conn.execute(f"copy copy_file to '{path}' (format csv, header)")
        assert open(path, "rb").read() == b'id,v\n1,"a,b"\n2,\n'
        conn.execute("truncate copy_file")
        cur = conn.execute(f"copy copy_file from '{path}' (format csv, header)")
        assert cur.statusmessage == "COPY 2"
        assert conn.execute("select count(*) from copy_file").fetchone()[0] == 2
        with pytest.raises(psycopg.errors.UndefinedFile) as e:
            conn.execute(f"copy copy_file from '{path}.missing'")
        assert "could not open file" in e.value.diag.message_primary
        with pytest.raises(psycopg.errors.InvalidName):
            conn.execute("copy copy_file to 'relative.csv'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("copy copy_file to program 'cat'")


# ---------------------------------------------------------------- memory

def _rss_anon_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    return 0


def test_one_huge_copydata_is_streamed_not_buffered(make_pgwire):
    """One CopyData message of 24 MB: the server feeds it to the parser as it arrives, so
    its anonymous memory grows by the engine's page cache (2 MiB here) and a few buffers,
    not by the message."""
    import threading
    from pgharness import wire
    server = make_pgwire(sqlite_cache_size=2048)
    with clients.connect(server) as conn:
        conn.execute("create table copy_big (id int, v text)")
    row = b"%d\t" + b"x" * 90 + b"\n"
    body = b"".join(row % i for i in range(250000))
    c = wire.Connection.tcp(server.host, server.port, timeout=30)
    c.send(wire.startup({"user": server.user, "database": server.dbname}))
    while c.read_message(10).name != "ReadyForQuery":
        pass
    c.send(wire.query("copy copy_big from stdin"))
    assert c.read_message(10).name == "CopyInResponse"
    before = _rss_anon_kib(server.pid)
    peak = [before]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _rss_anon_kib(server.pid))
            done.wait(0.01)

    t = threading.Thread(target=sample)
    t.start()
    c.send(b"d" + (len(body) + 4).to_bytes(4, "big"))   # the length counts itself
    for i in range(0, len(body), 1 << 20):
        c.send(body[i:i + (1 << 20)])
    c.send(wire.copy_done())
    m = c.read_message(60)
    done.set()
    t.join()
    assert m.name == "CommandComplete" and m["tag"] == "COPY 250000", m
    c.close()
    grown = peak[0] - before
    assert len(body) > 24 * 1000 * 1000
    assert grown < 10 * 1024, f"RssAnon grew by {grown} KiB for a {len(body)} byte CopyData"
