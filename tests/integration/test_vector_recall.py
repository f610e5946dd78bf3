"""The HNSW index against exact search, on generated data, through the wire.

Data: clustered random vectors from a fixed seed (small enough for a fast suite; the full
benchmark sets are bench/'s business).  The exact answers are computed here in Python, so
the engine's exact path is checked too, not only compared with itself.
"""

import math
import random
import struct

import pytest
from psycopg.adapt import Dumper
from psycopg.pq import Format

from pgharness import clients

N, DIM, QUERIES, K = 2000, 24, 40, 10


class Vec(list):
    pass


class VecBinaryDumper(Dumper):
    format = Format.BINARY
    oid = 16388

    def dump(self, obj):
        return struct.pack(">HH%df" % len(obj), len(obj), 0, *obj)


def clustered(seed, n, dim, centres=20):
    rnd = random.Random(seed)
    cs = [[rnd.gauss(0, 1) for _ in range(dim)] for _ in range(centres)]
    out = []
    for _ in range(n):
        c = cs[rnd.randrange(centres)]
        out.append([x + rnd.gauss(0, 0.35) for x in c])
    return out


def f32(v):
    return [struct.unpack("f", struct.pack("f", x))[0] for x in v]


def distance(metric, a, b):
    if metric == "l2":
        return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b)))
    if metric == "ip":
        return -sum(x * y for x, y in zip(a, b))
    if metric == "cosine":
        na = math.sqrt(sum(x * x for x in a))
        nb = math.sqrt(sum(x * x for x in b))
        return 1 - sum(x * y for x, y in zip(a, b)) / (na * nb)
    return sum(abs(x - y) for x, y in zip(a, b))


OPS = {"l2": ("<->", "vector_l2_ops"), "ip": ("<#>", "vector_ip_ops"),
       "cosine": ("<=>", "vector_cosine_ops"), "l1": ("<+>", "vector_l1_ops")}


@pytest.fixture(scope="module")
def data():
    base = [f32(v) for v in clustered(7, N, DIM)]
    queries = [f32(v) for v in clustered(8, QUERIES, DIM)]
    return base, queries


@pytest.fixture
def conn(pgwire_server, data):
    c = clients.connect(pgwire_server)
    c.adapters.register_dumper(Vec, VecBinaryDumper)
    base, _ = data
    c.execute("DROP TABLE IF EXISTS vr_items")
    c.execute(f"CREATE TABLE vr_items (id int PRIMARY KEY, grp int, embedding vector({DIM}))")
    with c.cursor() as cur:
        cur.executemany("INSERT INTO vr_items VALUES (%s, %s, %s)", [(i, i % 10, Vec(v)) for i, v in enumerate(base)])
    yield c
    c.execute("DROP TABLE IF EXISTS vr_items")
    c.close()


def exact(base, q, metric, k=K, keep=lambda i: True):
    scored = sorted((distance(metric, q, v), i) for i, v in enumerate(base) if keep(i))
    return [i for _, i in scored[:k]]


def search(conn, q, op, where="", k=K):
    return [r[0] for r in conn.execute(
        f"SELECT id FROM vr_items {where} ORDER BY embedding {op} %s LIMIT {k}", (Vec(q),), prepare=True)]


def recall(got, want):
    return sum(len(set(g) & set(w)) for g, w in zip(got, want)) / sum(len(w) for w in want)


# Recall floors at ef_search 10 / 40 / 200.  The level seed comes from the index OID, so the
# floors must hold for any build: they sit below the minimum of 100 in-process builds of this
# data with different seeds (2 threads as CREATE INDEX; minimum / mean):
#   l2      0.630 / 0.706   0.920 / 0.942   0.975 / 0.997
#   ip      0.438 / 0.521   0.720 / 0.792   0.895 / 0.906
#   cosine  0.550 / 0.651   0.880 / 0.922   0.995 / 0.997
#   l1      0.627 / 0.714   0.915 / 0.936   0.993 / 0.997
# Inner product is the weak one: a graph built on it leaves some rows that no other row
# links to (0.93 even at ef_search = N), a property of HNSW under a non-metric distance.
FLOORS = {"l2": (0.55, 0.87, 0.95), "ip": (0.35, 0.65, 0.85), "cosine": (0.45, 0.83, 0.95),
          "l1": (0.55, 0.87, 0.95)}


@pytest.mark.parametrize("metric", ["l2", "ip", "cosine", "l1"])
def test_index_recall_against_exact(conn, data, metric):
    base, queries = data
    op, opclass = OPS[metric]
    truth = [exact(base, q, metric) for q in queries]
    # Without an index the engine's exact top-k must be exact.
    no_index = [search(conn, q, op) for q in queries]
    assert recall(no_index, truth) >= 0.99     # ties in float32 may swap the last rank
    conn.execute(f"CREATE INDEX vr_idx ON vr_items USING hnsw (embedding {opclass}) WITH (m = 16, ef_construction = 64)")
    assert "Index Scan using vr_idx" in conn.execute(
        f"EXPLAIN SELECT id FROM vr_items ORDER BY embedding {op} %s LIMIT 10", (Vec(queries[0]),)).fetchall()[1][0]
    for ef, floor in zip((10, 40, 200), FLOORS[metric]):
        conn.execute(f"SET hnsw.ef_search = {ef}")
        got = [search(conn, q, op) for q in queries]
        assert all(len(g) == K for g in got)
        assert recall(got, truth) >= floor, (metric, ef)
    conn.execute("RESET hnsw.ef_search")
    # enable_indexscan = off: exact again, from the index's vectors
    conn.execute("SET enable_indexscan = off")
    assert recall([search(conn, q, op) for q in queries], truth) >= 0.99
    conn.execute("RESET enable_indexscan")


def test_filtered_recall(conn, data):
    base, queries = data
    conn.execute("CREATE INDEX vr_idx ON vr_items USING hnsw (embedding vector_l2_ops)")
    truth = [exact(base, q, "l2", keep=lambda i: i % 10 == 3) for q in queries]
    got = [search(conn, q, "<->", "WHERE grp = 3") for q in queries]
    assert all(len(g) == K for g in got)
    assert all(i % 10 == 3 for g in got for i in g)
    assert recall(got, truth) >= 0.9
    # very selective: 2 rows match, both come back
    got = search(conn, queries[0], "<->", "WHERE id IN (5, 1777)")
    assert sorted(got) == [5, 1777]


def test_recall_after_deletes_and_updates(conn, data):
    base, queries = data
    conn.execute("CREATE INDEX vr_idx ON vr_items USING hnsw (embedding vector_l2_ops)")
    conn.execute("DELETE FROM vr_items WHERE id % 3 = 0")
    moved = {i: f32([x + 3.0 for x in base[i]]) for i in range(1, N, 7) if i % 3}
    with conn.cursor() as cur:
        cur.executemany("UPDATE vr_items SET embedding = %s WHERE id = %s", [(Vec(v), i) for i, v in moved.items()])
    current = {i: moved.get(i, v) for i, v in enumerate(base) if i % 3}
    ids = sorted(current)
    vectors = [current[i] for i in ids]
    truth = [[ids[j] for j in exact(vectors, q, "l2")] for q in queries]
    got = [search(conn, q, "<->") for q in queries]
    assert recall(got, truth) >= 0.9
    stats = conn.execute("SELECT pgwire_vector_index_stats('vr_idx'::regclass)").fetchone()[0]
    assert stats["live_rows"] == len(ids)
    conn.execute("SELECT pgwire_vector_index_vacuum('vr_idx'::regclass)")
    assert recall([search(conn, q, "<->") for q in queries], truth) >= 0.9


def test_bulk_insert_after_create_index_uses_the_index(conn, data):
    base, queries = data
    conn.execute("CREATE INDEX vr_idx ON vr_items USING hnsw (embedding vector_l2_ops)")
    extra = [f32(v) for v in clustered(9, 1500, DIM)]
    with conn.transaction():
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO vr_items VALUES (%s, 0, %s)", [(N + i, Vec(v)) for i, v in enumerate(extra)])
    stats = conn.execute("SELECT pgwire_vector_index_stats('vr_idx'::regclass)").fetchone()[0]
    assert stats["live_rows"] == N + len(extra)
    allv = base + extra
    truth = [exact(allv, q, "l2") for q in queries]
    conn.execute("SET hnsw.ef_search = 100")
    assert recall([search(conn, q, "<->") for q in queries], truth) >= 0.9
    conn.execute("RESET hnsw.ef_search")
