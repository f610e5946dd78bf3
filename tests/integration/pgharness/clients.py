"""Clients for tests: psycopg 3 connections, psql runs, and result comparison.

Job: give every integration test one way to talk to a server (iris-pgwire or the oracle),
and one way to say "these two servers answered the same".

Invariants:
- `capture()` records what PostgreSQL's protocol says, not what a driver makes of it:
  column names, type OIDs, values as the text the server sent, command tags, SQLSTATEs.
- psql always runs with -X (no ~/.psqlrc) and an environment cleared of PG* variables,
  so that nothing outside the test changes its output.

Used by: tests in tests/integration (through conftest.py fixtures) and tests/wire/run.py.
"""

import os
import select
import subprocess
from dataclasses import dataclass, field

import psycopg
from psycopg import pq

PSQL = os.environ.get("PGHARNESS_PSQL") or (
    "/usr/lib/postgresql/15/bin/psql" if os.path.exists("/usr/lib/postgresql/15/bin/psql")
    else "psql")


# ---------------------------------------------------------------------------------------
# psycopg

def connect(server, dbname=None, autocommit=True, unix=False, **kwargs):
    """A psycopg 3 connection to `server` (TCP by default), autocommit unless told."""
    dsn = server.unix_dsn(dbname) if unix else server.dsn(dbname)
    return psycopg.connect(dsn, autocommit=autocommit, **kwargs)


@dataclass
class Result:
    """What one statement answered, as on the wire (values are the server's text)."""
    columns: list = field(default_factory=list)     # column names
    types: list = field(default_factory=list)       # type OIDs
    rows: list = field(default_factory=list)        # tuples of str/None
    tag: str = None                                 # command tag, e.g. "SELECT 2"
    sqlstate: str = None                            # set on error
    message: str = None                             # primary error message
    typmods: list = field(default_factory=list)     # type modifiers (varchar(10): 14, numeric(6,2): 393222)

    def __repr__(self):
        if self.sqlstate:
            return f"<error {self.sqlstate}: {self.message}>"
        return f"<{self.tag} columns={self.columns} types={self.types} rows={self.rows}>"


def _result(res):
    r = Result()
    if res.status == pq.ExecStatus.FATAL_ERROR:
        r.sqlstate = (res.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode()
        r.message = (res.error_field(pq.DiagnosticField.MESSAGE_PRIMARY) or b"").decode()
        return r
    r.tag = (res.command_status or b"").decode() or None
    r.columns = [res.fname(i).decode() for i in range(res.nfields)]
    r.types = [res.ftype(i) for i in range(res.nfields)]
    r.typmods = [res.fmod(i) for i in range(res.nfields)]
    for row in range(res.ntuples):
        r.rows.append(tuple(
            None if res.get_value(row, c) is None else res.get_value(row, c).decode()
            for c in range(res.nfields)))
    return r


def capture(conn, sql, params=None):
    """Run `sql` and return a list of Result, one per statement (a simple Query may hold
    several; an error ends the list).  With `params`, runs one statement through the
    extended protocol with text parameters."""
    pgconn = conn.pgconn
    if params is None:
        pgconn.send_query(sql.encode())
    else:
        vals = [None if p is None else str(p).encode() for p in params]
        pgconn.send_query_params(sql.encode(), vals)
    out = []
    while True:
        res = _get_result(pgconn)
        if res is None:
            break
        out.append(_result(res))
    return out


def _get_result(pgconn):
    while True:
        pgconn.consume_input()
        if not pgconn.is_busy():
            return pgconn.get_result()
        select.select([pgconn.socket], [], [], 30)


def query(conn, sql, params=None):
    """The last Result of `sql` (convenient for one statement)."""
    results = capture(conn, sql, params)
    return results[-1] if results else None


# ---------------------------------------------------------------------------------------
# psql

@dataclass
class PsqlRun:
    returncode: int
    stdout: str
    stderr: str


def psql_run(server, sql=None, *args, dbname=None, input=None, flags=("-X",), check=False,
             timeout=60):
    """Run psql against `server` with `flags` and extra `args`; `sql` goes to -c."""
    cmd = [PSQL, *flags, "-h", server.host, "-p", str(server.port), "-U", server.user,
           "-d", dbname or server.dbname, *args]
    if sql is not None:
        cmd += ["-c", sql]
    env = server.env()
    env.pop("PGDATABASE", None)
    env.update(PGCLIENTENCODING="UTF8", LC_ALL="C.UTF-8", PAGER="cat", PSQL_PAGER="cat")
    r = subprocess.run(cmd, input=input, capture_output=True, text=True, env=env,
                       timeout=timeout)
    run = PsqlRun(r.returncode, r.stdout, r.stderr)
    if check and r.returncode != 0:
        raise AssertionError(f"psql failed ({r.returncode}): {' '.join(cmd)}\n"
                             f"stdout:\n{r.stdout}\nstderr:\n{r.stderr}")
    return run


def psql(server, sql, *args, dbname=None, input=None):
    """`psql -X -A -t -v ON_ERROR_STOP=1 -c sql`: unaligned rows only; raises on error."""
    return psql_run(server, sql, "-v", "ON_ERROR_STOP=1", *args, dbname=dbname, input=input,
                    flags=("-X", "-A", "-t"), check=True).stdout


def psql_exact(server, sql=None, *args, dbname=None, input=None):
    """psql with its default (aligned) output, headers and row counts included, and
    stderr kept apart: for comparing the exact output of two servers."""
    return psql_run(server, sql, *args, dbname=dbname, input=input, flags=("-X",))


# ---------------------------------------------------------------------------------------
# comparison

def diff_results(expected, actual, compare_types=True, ordered=True):
    """Differences between two lists of Result (oracle first), as readable lines."""
    out = []
    if len(expected) != len(actual):
        out.append(f"{len(expected)} results expected, {len(actual)} received")
    for i, (e, a) in enumerate(zip(expected, actual)):
        p = f"statement {i + 1}"
        if e.sqlstate or a.sqlstate:
            if e.sqlstate != a.sqlstate:
                out.append(f"{p}: SQLSTATE {e.sqlstate} expected, got {a.sqlstate} "
                           f"({a.message or a.tag})")
            continue
        if e.tag != a.tag:
            out.append(f"{p}: tag {e.tag!r} expected, got {a.tag!r}")
        if e.columns != a.columns:
            out.append(f"{p}: columns {e.columns} expected, got {a.columns}")
        if compare_types and e.types != a.types:
            out.append(f"{p}: type OIDs {e.types} expected, got {a.types}")
        elif compare_types and e.typmods != a.typmods:
            out.append(f"{p}: typmods {e.typmods} expected, got {a.typmods}")
        er, ar = (e.rows, a.rows) if ordered else (sorted(e.rows, key=repr),
                                                   sorted(a.rows, key=repr))
        if er != ar:
            out.append(f"{p}: rows differ\n  expected: {er}\n  got:      {ar}")
    return out


def assert_same(sql, oracle_conn, server_conn, params=None, **opts):
    """Run `sql` on both connections; fail with the differences if they answer differently."""
    expected = capture(oracle_conn, sql, params)
    actual = capture(server_conn, sql, params)
    diffs = diff_results(expected, actual, **opts)
    if diffs:
        raise AssertionError(f"{sql!r}: server differs from PostgreSQL:\n  " +
                             "\n  ".join(diffs))
    return actual
