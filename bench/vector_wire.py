#!/usr/bin/python3
"""vector_wire.py — pgvector's workload against iris-pgwire through the wire (psycopg 3).

For each set (bench/vector.md; generate with bench/vector_data.sh), on a fresh server:
  - load the base vectors (binary COPY-free path: prepared INSERTs, binary vectors);
  - CREATE INDEX ... USING hnsw (embedding vector_l2_ops) WITH (m = 16, ef_construction = 64),
    timed as the client sees it (build on all cores + first persisted copy);
  - index memory and persisted size (pgwire_vector_index_stats);
  - for hnsw.ef_search in 10, 20, 40, 64, 100, 200: recall@10 against exact ground truth and
    queries/s with 1 and 2 clients (each a process with its own connection; prepared
    statement, binary vector parameter, `SELECT id ... ORDER BY embedding <-> $1 LIMIT 10`);
  - exact search queries/s, 1 client: before CREATE INDEX (no index: the table scanned from
    SQLite into the engine's exact top-k) and with the index under SET enable_indexscan = off
    (the same top-k over the index's in-memory vectors, two threads).
Beside ours: the same figures in-process at the same moment (bench/vector_inproc.c: the
vector layer alone, no server), and the reference figures (hnswlib 0.6.2, in-process,
/work/shared/bench-data/README.md and issue 9).  Timings are medians of --runs passes.

    bench/vector_data.sh && make bench && bench/vector_wire.py --sets A B
"""

import argparse
import array
import multiprocessing
import os
import statistics
import struct
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import psycopg  # noqa: E402
from psycopg.adapt import Dumper  # noqa: E402
from psycopg.pq import Format  # noqa: E402

from pgharness.servers import PgwireServer  # noqa: E402

VECTOR_OID = 16388
EF_LIST = (10, 20, 40, 64, 100, 200)
QUERY = "SELECT id FROM items ORDER BY embedding <-> %s LIMIT 10"

# hnswlib 0.6.2 on this machine type, m 16, ef_construction 64 (shared/bench-data/README.md)
REFERENCE = {
    "A": {"build2": 5.1, "ef": {40: (0.950, 10300), 64: (0.972, 7600), 100: (0.985, 5000), 200: (0.996, 3500)},
          "exact": "290-400 (1 thread, in-process)"},
    "B": {"build2": 16.7, "ef": {40: (0.939, 3600), 64: (0.964, 2800), 100: (0.982, 2100), 200: (0.994, 1400)},
          "exact": "52-62 (1 thread, in-process)"},
}
TARGETS_A = "build < 10 s, recall@10 >= 0.95 at ef 40, >= 1500 q/s (1 client), exact >= 300 q/s"


class Vec:
    """A vector already in pgvector's binary form (int16 dim, int16 0, float4 big-endian)."""

    __slots__ = ("data",)

    def __init__(self, data):
        self.data = data


class VecBinaryDumper(Dumper):
    format = Format.BINARY
    oid = VECTOR_OID

    def dump(self, obj):
        return obj.data


def read_fvecs(path):
    """Rows of an .fvecs file as pgvector binary values."""
    with open(path, "rb") as f:
        raw = f.read()
    (dim,) = struct.unpack_from("<i", raw, 0)
    row = 4 + 4 * dim
    head = struct.pack(">HH", dim, 0)
    out = []
    for off in range(0, len(raw), row):
        a = array.array("f")
        a.frombytes(raw[off + 4:off + row])
        if sys.byteorder == "little":
            a.byteswap()
        out.append(head + a.tobytes())
    return dim, out


def read_gt(path):
    with open(path, "rb") as f:
        raw = f.read()
    out = []
    off = 0
    while off < len(raw):
        (k,) = struct.unpack_from("<i", raw, off)
        out.append(struct.unpack_from("<%di" % k, raw, off + 4))
        off += 4 + 4 * k
    return out


def connect(server):
    conn = psycopg.connect(server.dsn(), autocommit=True)
    conn.adapters.register_dumper(Vec, VecBinaryDumper)
    return conn


def run_queries(server, queries, ef, exact, results, slot, barrier):
    """One client: the queries in order; returns (seconds, ids per query) through results."""
    conn = connect(server)
    with conn.cursor() as cur:
        cur.execute("SET hnsw.ef_search = %d" % ef)
        cur.execute("SET enable_indexscan = %s" % ("off" if exact else "on"))
        for q in queries[:20]:                       # warm-up: prepare, caches
            cur.execute(QUERY, (Vec(q),), prepare=True)
            cur.fetchall()
        if barrier is not None:
            barrier.wait()
        ids = []
        t0 = time.perf_counter()
        for q in queries:
            cur.execute(QUERY, (Vec(q),), prepare=True)
            ids.append([r[0] for r in cur.fetchall()])
        dt = time.perf_counter() - t0
    conn.close()
    results[slot] = (dt, ids)


def measure(server, queries, ef, clients, exact=False):
    """Queries/s over all clients and the ids of every query (in query order)."""
    if clients == 1:
        res = {}
        run_queries(server, queries, ef, exact, res, 0, None)
        dt, ids = res[0]
        return len(queries) / dt, ids
    mgr = multiprocessing.Manager()
    res = mgr.dict()
    barrier = multiprocessing.Barrier(clients)
    parts = [queries[i::clients] for i in range(clients)]
    procs = [multiprocessing.Process(target=run_queries, args=(server, parts[i], ef, exact, res, i, barrier))
             for i in range(clients)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    wall = max(res[i][0] for i in range(clients))
    ids = [None] * len(queries)
    for i in range(clients):
        for j, got in enumerate(res[i][1]):
            ids[i + j * clients] = got
    return len(queries) / wall, ids


def recall(ids, truth, k=10):
    hits = sum(len(set(got[:k]) & set(t[:k])) for got, t in zip(ids, truth))
    return hits / (k * len(ids))


def ensure_gt(data_dir, set_name):
    gt = os.path.join(data_dir, "%s_gt.ivecs" % set_name)
    if not os.path.exists(gt):
        tool = os.path.join(ROOT, "build", "bench", "vector_gt")
        subprocess.run(["make", "-C", ROOT, "--no-print-directory", "build/bench/vector_gt"], check=True,
                       stdout=subprocess.DEVNULL)
        print("computing exact ground truth into %s ..." % gt, flush=True)
        subprocess.run([tool, os.path.join(data_dir, "%s_base.fvecs" % set_name),
                        os.path.join(data_dir, "%s_query.fvecs" % set_name), gt], check=True)
    return read_gt(gt)


def inproc_now(data_dir, set_name, exact_queries):
    """The same figures in-process at this moment (bench/vector_inproc.c): build seconds,
    queries/s per ef_search, exact queries/s, recall@10 per ef_search of that build."""
    subprocess.run(["make", "-C", ROOT, "--no-print-directory", "build/bench/vector_inproc"], check=True,
                   stdout=subprocess.DEVNULL)
    out = subprocess.run([os.path.join(ROOT, "build", "bench", "vector_inproc"),
                          os.path.join(data_dir, "%s_base.fvecs" % set_name),
                          os.path.join(data_dir, "%s_query.fvecs" % set_name), str(exact_queries),
                          os.path.join(data_dir, "%s_gt.ivecs" % set_name)],
                         check=True, capture_output=True, text=True).stdout.split()
    vals = [float(v) for v in out]
    n = len(EF_LIST)
    return {"build": vals[0], "ef": dict(zip(EF_LIST, vals[1:1 + n])), "exact": vals[1 + n],
            "recall": dict(zip(EF_LIST, vals[2 + n:2 + 2 * n]))}


def bench_set(binary, data_dir, set_name, runs, exact_queries):
    dim, base = read_fvecs(os.path.join(data_dir, "%s_base.fvecs" % set_name))
    _, queries = read_fvecs(os.path.join(data_dir, "%s_query.fvecs" % set_name))
    truth = ensure_gt(data_dir, set_name)
    ref = REFERENCE.get(set_name)
    server = PgwireServer(binary)
    server.start()
    try:
        conn = connect(server)
        cur = conn.cursor()
        cur.execute("CREATE EXTENSION IF NOT EXISTS vector")
        cur.execute("CREATE TABLE items (id integer PRIMARY KEY, embedding vector(%d))" % dim)
        t0 = time.perf_counter()
        with conn.transaction():
            cur.executemany("INSERT INTO items (id, embedding) VALUES (%s, %s)",
                            [(i, Vec(v)) for i, v in enumerate(base)])
        load = time.perf_counter() - t0
        print("\n== set %s through the wire: %d x %d, %d queries; load %.1f s (%.0f rows/s, prepared "
              "INSERTs, binary vectors)" % (set_name, len(base), dim, len(queries), load, len(base) / load))
        # Exact search without any index: the table scanned from SQLite, distances by the
        # vectorised kernels, a bounded top-k heap (one thread).
        scan = []
        scan_ids = None
        for _ in range(runs):
            qps, scan_ids = measure(server, queries[:exact_queries], 40, 1)
            scan.append(qps)
        builds = []
        for r in range(runs):
            if r:
                cur.execute("DROP INDEX items_embedding_idx")
            t0 = time.perf_counter()
            cur.execute("CREATE INDEX items_embedding_idx ON items USING hnsw (embedding vector_l2_ops) "
                        "WITH (m = 16, ef_construction = 64)")
            builds.append(time.perf_counter() - t0)
        cur.execute("SELECT pgwire_vector_index_stats('items_embedding_idx'::regclass)")
        stats = cur.fetchone()[0]
        now = inproc_now(data_dir, set_name, exact_queries)
        print("%-42s %12s %14s %22s" % ("figure", "iris-pgwire", "in-process now", "reference"))
        print("%-42s %11.2fs %13.2fs %22s" % ("CREATE INDEX, 2 cores (client's view)", statistics.median(builds),
                                             now["build"], "%.1fs (hnswlib, 2 thr)" % ref["build2"] if ref else "-"))
        print("%-36s %11.1fM   (persisted copy %.1fM; %s kernels)" % (
            "index memory", stats["memory_bytes"] / 1e6, stats["persisted_bytes"] / 1e6, stats["kernels"]))
        print("%-8s %8s %12s %13s %20s %22s" % ("ef", "recall", "q/s 1 client", "q/s 2 clients",
                                                "in-process recall/q/s", "hnswlib recall / q/s"))
        for ef in EF_LIST:
            q1 = []
            q2 = []
            rec = None
            for _ in range(runs):
                qps, ids = measure(server, queries, ef, 1)
                q1.append(qps)
                rec = recall(ids, truth)
                qps2, ids2 = measure(server, queries, ef, 2)
                q2.append(qps2)
            r = ref["ef"].get(ef) if ref else None
            print("%-8d %8.3f %12.0f %13.0f %20s %22s" % (
                ef, rec, statistics.median(q1), statistics.median(q2),
                "%.3f / %.0f" % (now["recall"][ef], now["ef"][ef]), "%.3f / %d" % r if r else "-"))
        ex = []
        ex_ids = None
        for _ in range(runs):
            qps, ex_ids = measure(server, queries[:exact_queries], 40, 1, exact=True)
            ex.append(qps)
        print("%-42s %12.1f %14.1f %22s" % ("exact top-10 q/s, no index (table scan)", statistics.median(scan),
                                             now["exact"], ref["exact"] if ref else "-"))
        print("%-42s %12.1f %14s %22s" % ("exact, enable_indexscan=off (index vectors)", statistics.median(ex),
                                          "", ""))
        print("%-42s %12.3f %.3f" % ("exact search recall@10 (check: scan, index)",
                                     recall(scan_ids, truth[:exact_queries]), recall(ex_ids, truth[:exact_queries])))
        print("(in-process now: bench/vector_inproc.c, one thread for queries and the exact scan, at this moment)")
        conn.close()
    finally:
        server.stop()
        server.cleanup()


def _spin(n):
    x = 0
    for i in range(n):
        x += i * i
    return x


def two_core_capacity(n=3_000_000):
    """How much of a second core the machine lends right now: a CPU-bound loop timed alone
    and in two processes at once (100 % = two free cores, 50 % = one)."""
    t0 = time.perf_counter()
    _spin(n)
    one = time.perf_counter() - t0
    procs = [multiprocessing.Process(target=_spin, args=(n,)) for _ in range(2)]
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    two = time.perf_counter() - t0
    return min(1.0, one / two)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", nargs="+", default=["A"], help="A, B (C works too, slowly)")
    ap.add_argument("--runs", type=int, default=1, help="passes per figure (median)")
    ap.add_argument("--exact-queries", type=int, default=100, help="queries timed for the exact search")
    ap.add_argument("--bin", default=os.environ.get("PGWIRE_BIN", os.path.join(ROOT, "build", "iris-pgwire")))
    ap.add_argument("--data", default=os.path.join(ROOT, "bench", "data"))
    args = ap.parse_args()
    multiprocessing.set_start_method("fork")
    print("iris-pgwire vector benchmark through the wire; targets on set A: " + TARGETS_A)
    for s in args.sets:
        print("machine: two-core capacity now %.0f%% (a CPU-bound loop in 2 processes; 100%% = two free "
              "cores, 50%% = one)" % (100 * two_core_capacity()))
        bench_set(args.bin, args.data, s, args.runs, args.exact_queries)
        print("machine: two-core capacity after the set %.0f%%" % (100 * two_core_capacity()))


if __name__ == "__main__":
    main()
