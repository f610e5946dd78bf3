#!/usr/bin/python3
"""pgbench select-only against iris-pgwire and PostgreSQL 15, in the same run.

    bench/pgbench_select.py                       # build/iris-pgwire, defaults below
    bench/pgbench_select.py --runs 5 --seconds 10 --clients 1,8 --modes simple,extended,prepared
    bench/pgbench_select.py --bin build/iris-pgwire --scale 1 --jobs 2

What it does:
- starts a private PostgreSQL 15 (initdb in a temporary directory, 127.0.0.1 and a private
  socket, as the tests' pg_oracle fixture) and iris-pgwire (fresh data directory), both
  stopped by their own PID at the end;
- creates pgbench's four tables on both with plain SQL (CREATE TABLE + multi-row INSERT,
  `scale` x 100 000 accounts), so that nothing depends on COPY;
- runs pgbench's built-in select-only script (`pgbench -S -n`) for every protocol mode and
  client count, `runs` times each, alternating the two servers run by run so that a slow
  moment of the machine hits both alike;
- prints the median TPS of each server, the ratio iris-pgwire / PostgreSQL, and the median
  server CPU time per transaction (PostgreSQL: the postmaster and the backends it reaped;
  iris-pgwire: its process), which varies less than TPS on a shared machine.

Nothing here asserts a figure: it measures.  The ratio that matters for issue 4 is
`-M prepared` with 8 clients (>= 1.0 means at least PostgreSQL's throughput).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

from pgharness import servers  # noqa: E402

PGBENCH = "/usr/bin/pgbench"
PSQL = "/usr/bin/psql"


def psql(server, sql):
    r = subprocess.run([PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-"], input=sql, text=True,
                       capture_output=True, env=server.env())
    if r.returncode != 0:
        raise SystemExit(f"psql on {server.name} failed:\n{r.stderr}")


def load_tables(server, scale):
    """pgbench's schema and data (pgbench -i), written as plain SQL."""
    sql = ["drop table if exists pgbench_accounts, pgbench_branches, pgbench_tellers, pgbench_history;",
           "create table pgbench_branches (bid int primary key, bbalance int, filler char(88));",
           "create table pgbench_tellers (tid int primary key, bid int, tbalance int, filler char(84));",
           "create table pgbench_accounts (aid int primary key, bid int, abalance int, filler char(84));",
           "create table pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22));",
           "begin;"]
    sql.append("insert into pgbench_branches values " +
               ",".join(f"({b}, 0, '')" for b in range(1, scale + 1)) + ";")
    sql.append("insert into pgbench_tellers values " +
               ",".join(f"({t}, {(t - 1) // 10 + 1}, 0, '')" for t in range(1, 10 * scale + 1)) + ";")
    accounts = 100000 * scale
    for start in range(1, accounts + 1, 5000):
        end = min(start + 5000, accounts + 1)
        sql.append("insert into pgbench_accounts values " +
                   ",".join(f"({a}, {(a - 1) // 100000 + 1}, 0, '')" for a in range(start, end)) + ";")
    sql.append("commit;")
    psql(server, "\n".join(sql))
    if server.name == "oracle":
        psql(server, "vacuum analyze;")


def cpu_ticks(server):
    """CPU time of the server so far, in clock ticks: iris-pgwire's process, or PostgreSQL's
    postmaster with the backends it has reaped (pgbench's connections end with each run)."""
    pid = server.pid
    if server.name == "oracle":
        with open(os.path.join(server.data_dir, "postmaster.pid")) as f:
            pid = int(f.readline())
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15])   # utime stime cutime cstime


def pgbench(server, mode, clients, jobs, seconds):
    """(TPS, server CPU microseconds per transaction) of one run."""
    cmd = [PGBENCH, "-n", "-S", "-M", mode, "-c", str(clients), "-j", str(jobs), "-T", str(seconds)]
    before = cpu_ticks(server)
    r = subprocess.run(cmd, capture_output=True, text=True, env=server.env())
    time.sleep(0.2)   # let the postmaster reap the backends
    ticks = cpu_ticks(server) - before
    tps = txns = None
    for line in r.stdout.splitlines():
        if line.startswith("tps =") and "without initial connection time" in line:
            tps = float(line.split()[2])
        if line.startswith("number of transactions actually processed:"):
            txns = int(line.split(":")[1].split("/")[0])
    if r.returncode != 0 or tps is None or not txns:
        raise SystemExit(f"pgbench against {server.name} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}\n"
                         f"--- server log ---\n{server.log_tail()}")
    return tps, ticks * 1e6 / os.sysconf("SC_CLK_TCK") / txns


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.environ.get("PGWIRE_BIN", os.path.join(ROOT, "build", "iris-pgwire")))
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--seconds", type=int, default=10, help="duration of one pgbench run")
    ap.add_argument("--runs", type=int, default=3, help="runs per server and case (median)")
    ap.add_argument("--clients", default="1,8")
    ap.add_argument("--modes", default="simple,extended,prepared")
    ap.add_argument("--jobs", type=int, default=0,
                    help="pgbench threads (-j); default: one per client, as pgbench's documentation runs it")
    ap.add_argument("--pgwire-setting", action="append", default=[], metavar="NAME=VALUE",
                    help="extra -c setting for iris-pgwire (repeatable)")
    args = ap.parse_args()
    if not os.access(args.bin, os.X_OK):
        raise SystemExit(f"{args.bin} is not executable: run `make` first")

    pg_settings = {"shared_buffers": "128MB", "max_connections": "100"}
    pgwire_settings = dict(s.split("=", 1) for s in args.pgwire_setting)
    oracle = servers.PgOracle(extra_settings=pg_settings)
    pgwire = servers.PgwireServer(os.path.abspath(args.bin), extra_settings=pgwire_settings)
    started = []
    try:
        for server in (oracle, pgwire):
            server.start()
            started.append(server)
            load_tables(server, args.scale)
        modes = args.modes.split(",")
        clients = [int(c) for c in args.clients.split(",")]
        results = {}
        print(f"pgbench -n -S, scale {args.scale}, {args.seconds} s per run, median of {args.runs} runs, "
              f"{os.cpu_count()} CPUs", flush=True)
        for mode in modes:
            for c in clients:
                jobs = args.jobs or c
                samples = {"oracle": [], "pgwire": []}
                cpu = {"oracle": [], "pgwire": []}
                for run in range(args.runs):
                    order = (oracle, pgwire) if run % 2 == 0 else (pgwire, oracle)
                    for server in order:
                        tps, us = pgbench(server, mode, c, min(jobs, c), args.seconds)
                        samples[server.name].append(tps)
                        cpu[server.name].append(us)
                pg = statistics.median(samples["oracle"])
                ours = statistics.median(samples["pgwire"])
                pg_cpu = statistics.median(cpu["oracle"])
                our_cpu = statistics.median(cpu["pgwire"])
                results[(mode, c)] = (pg, ours, pg_cpu, our_cpu)
                print(f"  -M {mode:<8} -c {c:<2} -j {min(jobs, c):<2}  PostgreSQL {pg:>9.0f}  "
                      f"iris-pgwire {ours:>9.0f}  ratio {ours / pg:5.2f}   CPU us/txn {pg_cpu:5.1f} / {our_cpu:5.1f}   "
                      f"(runs: pg {', '.join(f'{t:.0f}' for t in samples['oracle'])}; "
                      f"ours {', '.join(f'{t:.0f}' for t in samples['pgwire'])})", flush=True)
        print()
        print("| mode | clients | PostgreSQL 15 TPS | iris-pgwire TPS | ratio | server CPU µs/txn (PostgreSQL / iris-pgwire) |")
        print("|---|---:|---:|---:|---:|---:|")
        for (mode, c), (pg, ours, pg_cpu, our_cpu) in results.items():
            print(f"| {mode} | {c} | {pg:.0f} | {ours:.0f} | {ours / pg:.2f} | {pg_cpu:.1f} / {our_cpu:.1f} |")
    finally:
        for server in started:
            server.cleanup()
        for server in (oracle, pgwire):
            if server not in started:
                server.cleanup()


if __name__ == "__main__":
    main()
