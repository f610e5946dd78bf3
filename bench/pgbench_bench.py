#!/usr/bin/python3
"""pgbench, unmodified, against iris-pgwire and PostgreSQL 15 in the same run.

Starts a fresh iris-pgwire and a fresh PostgreSQL 15, both with their default durability
(PostgreSQL fsync=on and synchronous_commit=on, iris-pgwire synchronous_commit=on), then on
each: `pgbench -i -s SCALE` (its own timing line), `pgbench -c 8 -j 2 -T SECONDS`
(TPC-B-like) and `pgbench -S -c 8 -j 2 -T SECONDS`; prints tps, failed transactions and the
ratio server/PostgreSQL, and checks that the TPC-B run left the balances consistent.

    make && bench/pgbench_bench.py [--scale 10] [--seconds 30] [--bin build/iris-pgwire]
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))

import psycopg  # noqa: E402
from pgharness.servers import PgOracle, PgwireServer  # noqa: E402


def pgbench(server, *args):
    r = subprocess.run(["pgbench", *args], env=server.env(), capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"pgbench {' '.join(args)} failed on {server.name}:\n{r.stdout}\n{r.stderr}")
    return r.stdout + r.stderr


def field(out, pattern):
    m = re.search(pattern, out)
    return m.group(1) if m else "?"


def consistent(server):
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        a, b, t = conn.execute("select (select sum(abalance) from pgbench_accounts), "
                               "(select sum(bbalance) from pgbench_branches), "
                               "(select sum(tbalance) from pgbench_tellers)").fetchone()
    return a == b == t


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, default=10)
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--bin", default=os.environ.get("PGWIRE_BIN", os.path.join(HERE, "..", "build", "iris-pgwire")))
    args = ap.parse_args()
    oracle = PgOracle(extra_settings={"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on",
                                      "shared_buffers": "128MB", "max_wal_size": "1GB"})
    pgwire = PgwireServer(os.path.abspath(args.bin))
    rows = []
    try:
        oracle.start()
        pgwire.start()
        for name, server in (("PostgreSQL 15", oracle), ("iris-pgwire", pgwire)):
            init = pgbench(server, "-i", "-s", str(args.scale))
            tpcb = pgbench(server, "-c", "8", "-j", "2", "-T", str(args.seconds))
            ok = consistent(server)
            sel = pgbench(server, "-S", "-c", "8", "-j", "2", "-T", str(args.seconds))
            rows.append((name, field(init, r"(done in [^\n]*)"),
                         float(field(tpcb, r"tps = ([0-9.]+)")), field(tpcb, r"failed transactions: (\d+)"),
                         float(field(sel, r"tps = ([0-9.]+)")), field(sel, r"failed transactions: (\d+)"), ok))
    finally:
        pgwire.stop()
        oracle.stop()
        shutil.rmtree(pgwire.base_dir, ignore_errors=True)
        shutil.rmtree(oracle.base_dir, ignore_errors=True)
    print(f"pgbench -i -s {args.scale}:")
    for r in rows:
        print(f"  {r[0]:14} {r[1]}")
    print(f"\n{'':14} {'TPC-B tps':>10} {'failed':>7} {'-S tps':>10} {'failed':>7}  balances consistent")
    for r in rows:
        print(f"{r[0]:14} {r[2]:>10.0f} {r[3]:>7} {r[4]:>10.0f} {r[5]:>7}  {r[6]}")
    pg, pw = rows
    print(f"{'ratio':14} {pw[2] / pg[2]:>10.2f} {'':>7} {pw[4] / pg[4]:>10.2f}")


if __name__ == "__main__":
    main()
