"""pgbench, unmodified, against the server (issue 8): initialisation (its DDL with fillfactor,
COPY ... FREEZE, VACUUM, ALTER TABLE ... ADD PRIMARY KEY, and --foreign-keys, twice so that
its DROP TABLE of tables referencing each other runs too), then the TPC-B-like and
select-only scripts with several clients.  After the concurrent run the four tables must
agree (the sums of the three balances are equal, and moved by exactly the sum of the
deltas pgbench logged in pgbench_history, which it truncates before each run) and pgbench
must report no failed transaction.  Small scale and counts keep this quick; bench/ has figures.
"""

import re
import shutil
import subprocess

import pytest

from pgharness import clients


def pgbench(server, *args, timeout=300):
    if not shutil.which("pgbench"):
        pytest.skip("pgbench missing (postgresql-client)")
    r = subprocess.run(["pgbench", *args], env=server.env(), capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"pgbench {' '.join(args)} failed:\n{r.stdout}\n{r.stderr}"
    return r.stdout + r.stderr


def balances(server):
    with clients.connect(server) as conn:
        return conn.execute(
            "select (select sum(abalance) from pgbench_accounts), (select sum(bbalance) from pgbench_branches), "
            "(select sum(tbalance) from pgbench_tellers), (select coalesce(sum(delta), 0) from pgbench_history), "
            "(select count(*) from pgbench_history), (select count(*) from pgbench_accounts)").fetchone()


def test_pgbench_initialises_and_runs(pgwire_server_fn):
    server = pgwire_server_fn
    out = pgbench(server, "-i", "-s", "1")
    assert "done in" in out
    assert balances(server)[5] == 100000
    for _ in range(2):
        out = pgbench(server, "-i", "-s", "1", "--foreign-keys")
        assert "creating foreign keys" in out
    # Data again into the existing tables: its TRUNCATE of four tables referencing each other.
    pgbench(server, "-i", "-I", "g", "-s", "1")
    out = pgbench(server, "-c", "4", "-j", "2", "-t", "60")
    assert re.search(r"number of failed transactions: 0 ", out), out
    assert "number of transactions actually processed: 240/240" in out
    a, b, t, h, n, _ = balances(server)
    assert n == 240
    assert a == b == t == h
    out = pgbench(server, "-S", "-c", "4", "-j", "2", "-t", "200")
    assert "number of transactions actually processed: 800/800" in out
    before = a
    out = pgbench(server, "-M", "prepared", "-c", "2", "-t", "50")
    assert re.search(r"number of failed transactions: 0 ", out), out
    a, b, t, h, n, _ = balances(server)
    assert n == 100
    assert a == b == t == before + h
