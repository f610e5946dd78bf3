#!/usr/bin/python3
"""vector_vs_hnswlib.py — our HNSW and hnswlib 0.6.2 (Debian's python3-hnswlib, the version of
the reference figures in /work/shared/bench-data/README.md) in-process, in the same minutes.

The shared machines lend their second core unevenly (two-core capacity 40-100 % within a
quarter of an hour), so quiet-machine reference figures cannot be compared with a run taken
under load.  This script alternates the two libraries on the same data (m 16,
ef_construction 64, builds on 2 threads, queries on one thread, recall@10 against the exact
ground truth) and prints each round's figures and the median ratio of queries/s at equal
recall: ours interpolated along ef_search at hnswlib's recall, as bench/vector_hnsw.c does.

hnswlib is driven as its own benchmarks drive it: one knn_query call with all 1 000 queries
and num_threads=1, so no per-query Python overhead is counted.  Ours is
build/bench/vector_inproc (the vector layer alone, one query thread).

    apt-get install python3-hnswlib && make bench && bench/vector_vs_hnswlib.py --set A --rounds 3
"""

import argparse
import os
import statistics
import struct
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EF_LIST = (10, 20, 40, 64, 100, 200)


def read_fvecs(path):
    raw = np.fromfile(path, dtype=np.int32)
    dim = int(raw[0])
    return raw.reshape(-1, dim + 1)[:, 1:].copy().view(np.float32)


def read_ivecs(path):
    raw = np.fromfile(path, dtype=np.int32)
    k = int(raw[0])
    return raw.reshape(-1, k + 1)[:, 1:]


def recall(labels, truth, k=10):
    hits = sum(len(set(a[:k]) & set(b[:k])) for a, b in zip(labels.tolist(), truth.tolist()))
    return hits / (k * len(truth))


def hnswlib_round(base, queries, truth):
    import hnswlib
    idx = hnswlib.Index(space="l2", dim=base.shape[1])
    t0 = time.perf_counter()
    idx.init_index(max_elements=len(base), M=16, ef_construction=64, random_seed=100)
    idx.add_items(base, np.arange(len(base)), num_threads=2)
    build = time.perf_counter() - t0
    out = {}
    for ef in EF_LIST:
        idx.set_ef(ef)
        idx.knn_query(queries[:50], k=10, num_threads=1)          # warm-up
        t0 = time.perf_counter()
        labels, _ = idx.knn_query(queries, k=10, num_threads=1)
        dt = time.perf_counter() - t0
        out[ef] = (recall(labels, truth), len(queries) / dt)
    return build, out


def ours_round(base_path, query_path, gt_path):
    tool = os.path.join(ROOT, "build", "bench", "vector_inproc")
    vals = [float(v) for v in subprocess.run([tool, base_path, query_path, "20", gt_path], check=True,
                                             capture_output=True, text=True).stdout.split()]
    n = len(EF_LIST)
    qps = dict(zip(EF_LIST, vals[1:1 + n]))
    rec = dict(zip(EF_LIST, vals[2 + n:2 + 2 * n]))
    return vals[0], {ef: (rec[ef], qps[ef]) for ef in EF_LIST}


def qps_at_recall(points, target):
    """Queries/s at `target` recall, interpolated between the ef_search points around it."""
    pts = [points[ef] for ef in EF_LIST]
    if target <= pts[0][0]:
        return pts[0][1]
    for (r0, q0), (r1, q1) in zip(pts, pts[1:]):
        if r0 <= target <= r1:
            return q0 if r1 == r0 else q0 + (q1 - q0) * (target - r0) / (r1 - r0)
    return None


def capacity(n=3_000_000):
    import multiprocessing

    def spin():
        x = 0
        for i in range(n):
            x += i * i
    t0 = time.perf_counter()
    spin()
    one = time.perf_counter() - t0
    ps = [multiprocessing.Process(target=spin) for _ in range(2)]
    t0 = time.perf_counter()
    for p in ps:
        p.start()
    for p in ps:
        p.join()
    return min(1.0, one / (time.perf_counter() - t0))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", default="A")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--data", default=os.path.join(ROOT, "bench", "data"))
    a = ap.parse_args()
    base_path = os.path.join(a.data, "%s_base.fvecs" % a.set)
    query_path = os.path.join(a.data, "%s_query.fvecs" % a.set)
    gt_path = os.path.join(a.data, "%s_gt.ivecs" % a.set)
    if not os.path.exists(gt_path):
        sys.exit("missing %s: run bench/vector_wire.py or build/bench/vector_hnsw once" % gt_path)
    base, queries, truth = read_fvecs(base_path), read_fvecs(query_path), read_ivecs(gt_path)
    subprocess.run(["make", "-C", ROOT, "--no-print-directory", "build/bench/vector_inproc"], check=True,
                   stdout=subprocess.DEVNULL)
    print("set %s: %d x %d, %d queries, m 16, ef_construction 64; two-core capacity now %.0f%%"
          % (a.set, base.shape[0], base.shape[1], len(queries), 100 * capacity()))
    ratios = {40: [], "equal": []}
    for rnd in range(a.rounds):
        hb, h = hnswlib_round(base, queries, truth)
        ob, o = ours_round(base_path, query_path, gt_path)
        print("\nround %d        build 2 thr   " % (rnd + 1) + "  ".join("ef %-14d" % ef for ef in EF_LIST))
        print("hnswlib 0.6.2  %9.2fs   " % hb + "  ".join("%.3f / %-6.0f" % h[ef] for ef in EF_LIST))
        print("ours           %9.2fs   " % ob + "  ".join("%.3f / %-6.0f" % o[ef] for ef in EF_LIST))
        ours_at = qps_at_recall(o, h[40][0])
        if ours_at:
            ratios["equal"].append(ours_at / h[40][1])
            print("at hnswlib's ef-40 recall %.3f: ours %.0f q/s, hnswlib %.0f q/s, ratio %.2f"
                  % (h[40][0], ours_at, h[40][1], ours_at / h[40][1]))
        ratios[40].append(o[40][1] / h[40][1])
    print("\nmedian ratio of queries/s, ours / hnswlib: at equal recall (hnswlib's ef 40) %.2f; at ef 40 %.2f"
          % (statistics.median(ratios["equal"]) if ratios["equal"] else float("nan"), statistics.median(ratios[40])))
    print("two-core capacity after: %.0f%%" % (100 * capacity()))


if __name__ == "__main__":
    main()
