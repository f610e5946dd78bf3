#!/usr/bin/python3
"""COPY throughput: iris-pgwire against PostgreSQL 15, measured in the same run.

Loads N rows (int, text, float8, timestamp; default 1 000 000) with COPY FROM STDIN in
text, csv and binary, and exports them with COPY TO STDOUT in the same three formats,
against a fresh iris-pgwire and a fresh PostgreSQL 15 started here (both with their default
durability: PostgreSQL fsync=on, iris-pgwire synchronous_commit=on).  Prints rows/s for
each, the ratio server/PostgreSQL, and the server's memory: peak RSS (VmHWM) and peak
anonymous memory (RssAnon, sampled every 20 ms) during each load, so a load whose memory
grows with the row count shows.

The data is generated once in text form, loaded into PostgreSQL, and exported from it as
csv and binary, so that every format carries the same rows.  Loads stream the data in
64 KiB CopyData messages (psycopg 3); exports are read by psql into /dev/null.  Runs
alternate between the servers and the best of each counts (the machine may be shared).

    make && bench/copy_bench.py [--rows N] [--runs R] [--bin build/iris-pgwire]

Servers listen on 127.0.0.1 and private socket directories and are stopped by PID.
"""

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))

import psycopg  # noqa: E402
from pgharness.servers import PgOracle, PgwireServer  # noqa: E402

CHUNK = 65536
DDL = "create table copybench (id int, name text, score float8, created timestamp)"


def generate_text(rows):
    """Deterministic rows with a bit of everything text COPY escapes."""
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]
    out = []
    base = 1700000000
    for i in range(1, rows + 1):
        name = f"{words[i % 10]}-{i * 7919 % 100003}"
        if i % 97 == 0:
            name += "\\ttab"          # an escaped tab inside the text
        if i % 101 == 0:
            name = "\\N"              # NULL
        score = f"{(i * 0.37) % 1000:.6f}"
        t = base + i * 13
        tm = time.gmtime(t)
        ts = time.strftime("%Y-%m-%d %H:%M:%S", tm) + (f".{i % 1000:03d}" if i % 3 else "")
        out.append(f"{i}\t{name}\t{score}\t{ts}\n")
    return "".join(out).encode()


def chunks(data):
    for i in range(0, len(data), CHUNK):
        yield data[i:i + CHUNK]


class MemorySampler:
    """RssAnon of a process when a load starts and its peak while the load runs."""

    def __init__(self, pid):
        self.pid = pid
        self.peak_anon = 0
        self.start_anon = 0
        self._stop = threading.Event()
        self._thread = None

    def _read(self):
        vals = {}
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    k, _, v = line.partition(":")
                    if k in ("RssAnon", "VmHWM", "VmRSS"):
                        vals[k] = int(v.split()[0])
        except OSError:
            pass
        return vals

    def _run(self):
        while not self._stop.is_set():
            self.peak_anon = max(self.peak_anon, self._read().get("RssAnon", 0))
            time.sleep(0.02)

    def __enter__(self):
        self._stop.clear()
        self.start_anon = self.peak_anon = self._read().get("RssAnon", 0)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak_anon = max(self.peak_anon, self._read().get("RssAnon", 0))

    def hwm(self):
        return self._read().get("VmHWM", 0)


def connect(server):
    return psycopg.connect(server.dsn(), autocommit=True)


def load(server, fmt, data, sampler=None):
    """A fresh table, then the timed (and, for the server, memory-sampled) COPY FROM."""
    with connect(server) as conn:
        conn.execute("drop table if exists copybench")
        conn.execute(DDL)
        opts = {"text": "", "csv": " (format csv)", "binary": " (format binary)"}[fmt]
        with (sampler if sampler else contextlib.nullcontext()):
            t0 = time.perf_counter()
            with conn.cursor() as cur:
                with cur.copy("copy copybench from stdin" + opts) as cp:
                    for block in chunks(data):
                        cp.write(block)
                n = cur.rowcount
            elapsed = time.perf_counter() - t0
    return n, elapsed


def export(server, fmt):
    """COPY TO STDOUT read by psql (libpq, in C) into /dev/null: a Python client reading one
    CopyData per row would measure itself, not the server."""
    opts = {"text": "", "csv": " (format csv)", "binary": " (format binary)"}[fmt]
    t0 = time.perf_counter()
    r = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-o", "/dev/null",
                        "-c", "copy copybench to stdout" + opts], env=server.env(), capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(f"psql export failed: {r.stderr}")
    with connect(server) as conn:
        n = conn.execute("select count(*) from copybench").fetchone()[0]
    return n, elapsed, 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5, help="best of R runs per measurement")
    ap.add_argument("--repeat", type=int, default=5, help="the memory check loads the rows this many times")
    ap.add_argument("--bin", default=os.environ.get("PGWIRE_BIN", os.path.join(HERE, "..", "build", "iris-pgwire")))
    args = ap.parse_args()

    print(f"generating {args.rows} rows ...", flush=True)
    text = generate_text(args.rows)

    oracle = PgOracle(extra_settings={"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on",
                                      "shared_buffers": "128MB", "max_wal_size": "1GB"})
    pgwire = PgwireServer(os.path.abspath(args.bin))
    try:
        oracle.start()
        pgwire.start()
        # The same rows in every format, as PostgreSQL writes them.
        n, _ = load(oracle, "text", text)
        assert n == args.rows, (n, args.rows)
        data = {"text": text}
        for fmt in ("csv", "binary"):
            with connect(oracle) as conn, conn.cursor() as cur:
                with cur.copy(f"copy copybench to stdout (format {fmt})") as cp:
                    data[fmt] = b"".join(bytes(b) for b in cp)
        sizes = ", ".join(f"{k} {len(v) / 1e6:.1f} MB" for k, v in data.items())
        print(f"data: {sizes}", flush=True)

        # Runs alternate between the two servers (and which goes first), so that a change in
        # the machine's load during the run affects both alike; the best run counts.
        results = []
        sampler_pid = pgwire.pid
        targets = (("postgresql", oracle), ("iris-pgwire", pgwire))
        for fmt in ("text", "csv", "binary"):
            times = {"postgresql": [], "iris-pgwire": []}
            peak_anon = None
            for run in range(args.runs):
                for target, server in (targets if run % 2 == 0 else targets[::-1]):
                    if server is pgwire:
                        m = MemorySampler(sampler_pid)
                        n, t = load(server, fmt, data[fmt], m)
                        if peak_anon is None or m.peak_anon > peak_anon[1]:
                            peak_anon = (m.start_anon, m.peak_anon)
                    else:
                        n, t = load(server, fmt, data[fmt])
                    if n != args.rows:
                        raise SystemExit(f"{target} {fmt}: loaded {n} rows, expected {args.rows}")
                    times[target].append(t)
            results.append(("COPY FROM", fmt, {k: min(v) for k, v in times.items()}, peak_anon))
        for fmt in ("text", "csv", "binary"):
            times = {"postgresql": [], "iris-pgwire": []}
            for run in range(args.runs):
                for target, server in (targets if run % 2 == 0 else targets[::-1]):
                    n, t, _size = export(server, fmt)
                    if n != args.rows:
                        raise SystemExit(f"{target} export {fmt}: {n} rows, expected {args.rows}")
                    times[target].append(t)
            results.append(("COPY TO", fmt, {k: min(v) for k, v in times.items()}, None))
        hwm = MemorySampler(sampler_pid).hwm()

        # Memory with the row count: one COPY of `repeat` times the data, RssAnon sampled at
        # each fifth of the stream.  Flat means it does not grow with the rows.
        flat = []
        with connect(pgwire) as conn:
            conn.execute("drop table if exists copybench_flat")
            conn.execute(DDL.replace("copybench", "copybench_flat"))
            m = MemorySampler(sampler_pid)
            with conn.cursor() as cur:
                with cur.copy("copy copybench_flat from stdin") as cp:
                    total = args.repeat * len(text)
                    sent = 0
                    marks = [total * k // 5 for k in range(1, 6)]
                    flat.append(m._read().get("RssAnon", 0))
                    for _ in range(args.repeat):
                        for block in chunks(text):
                            cp.write(block)
                            sent += len(block)
                            if marks and sent >= marks[0]:
                                marks.pop(0)
                                flat.append(m._read().get("RssAnon", 0))
                flat_rows = cur.rowcount
            conn.execute("drop table copybench_flat")

        # The exports must carry the same bytes (same data, same formats).
        mismatches = []
        for fmt in ("text", "csv"):
            outs = []
            for server in (oracle, pgwire):
                with connect(server) as conn, conn.cursor() as cur:
                    with cur.copy(f"copy (select * from copybench order by id) to stdout (format {fmt})") as cp:
                        outs.append(b"".join(bytes(b) for b in cp))
            if outs[0] != outs[1]:
                a, b = outs[0].split(b"\n"), outs[1].split(b"\n")
                first = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
                mismatches.append(f"{fmt} (first at line {first + 1}: PostgreSQL {a[first][:80]!r}, "
                                  f"iris-pgwire {b[first][:80] if first < len(b) else b''!r})")

        print()
        print(f"{'':10} {'format':7} {'PostgreSQL 15':>16} {'iris-pgwire':>16} {'ratio':>7}  "
              f"server RssAnon at start -> peak of the load")
        for what, fmt, best, anon in results:
            pg = args.rows / best["postgresql"]
            pw = args.rows / best["iris-pgwire"]
            mem = f"{anon[0] / 1024:.1f} -> {anon[1] / 1024:.1f} MiB" if anon is not None else ""
            print(f"{what:10} {fmt:7} {pg:>12,.0f} r/s {pw:>12,.0f} r/s {pw / pg:>7.2f}  {mem}")
        print(f"\nrows: {args.rows}, best of {args.runs}; iris-pgwire VmHWM (whole run, incl. mmapped "
              f"database pages and the DROP TABLEs between runs): {hwm / 1024:.1f} MiB")
        print(f"one COPY of {flat_rows:,} rows, iris-pgwire RssAnon at 0/20/40/60/80/100 % of the stream: "
              + " ".join(f"{v / 1024:.1f}" for v in flat) + " MiB")
        if mismatches:
            print("WARNING: exports differ from PostgreSQL's:\n  " + "\n  ".join(mismatches))
        else:
            print("text and csv exports are byte-identical to PostgreSQL's")
    finally:
        pgwire.stop()
        oracle.stop()
        shutil.rmtree(pgwire.base_dir, ignore_errors=True)
        shutil.rmtree(oracle.base_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
