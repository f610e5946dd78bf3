"""Crash safety of the HNSW index: kill -9 while inserts (and rolled-back inserts, updates,
deletes) run, restart, and the index and the table must agree: every acknowledged row is
found through the index, nothing rolled back is, and the index holds exactly the table's
vectors.  Also a clean restart: the index comes back from its persisted copy, not rebuilt.
"""

import os
import random
import sqlite3
import struct
import threading
import time

import psycopg
from psycopg.adapt import Dumper
from psycopg.pq import Format

from pgharness import clients

DIM = 8


class Vec(list):
    pass


class VecBinaryDumper(Dumper):
    format = Format.BINARY
    oid = 16388

    def dump(self, obj):
        return struct.pack(">HH%df" % len(obj), len(obj), 0, *obj)


def vector_of(i):
    rnd = random.Random(i)
    return [struct.unpack("f", struct.pack("f", rnd.uniform(-1, 1)))[0] for _ in range(DIM)]


def connect(server):
    conn = clients.connect(server)
    conn.adapters.register_dumper(Vec, VecBinaryDumper)
    return conn


def nearest(conn, v):
    return [r[0] for r in conn.execute("SELECT id FROM crash_items ORDER BY v <-> %s LIMIT 1", (Vec(v),),
                                       prepare=True)]


def stats(conn):
    return conn.execute("SELECT pgwire_vector_index_stats('crash_items_v_idx'::regclass)").fetchone()[0]


def writer(server, acked, rolled_back, stop):
    """Autocommit inserts (acknowledged ids recorded after the server's reply), every tenth a
    rolled-back transaction, every 25th an update of an earlier row, every 40th a delete."""
    try:
        conn = connect(server)
        i = 1000
        while not stop.is_set():
            i += 1
            if i % 10 == 0:
                with conn.transaction(force_rollback=True):
                    conn.execute("INSERT INTO crash_items VALUES (%s, %s)", (i, Vec(vector_of(i))))
                rolled_back.append(i)
                continue
            conn.execute("INSERT INTO crash_items VALUES (%s, %s)", (i, Vec(vector_of(i))))
            acked[i] = vector_of(i)
            if i % 25 == 0:
                j = random.Random(i).choice(list(acked))
                w = vector_of(j + 100000)
                conn.execute("UPDATE crash_items SET v = %s WHERE id = %s", (Vec(w), j))
                acked[j] = w
            if i % 40 == 0:
                j = random.Random(-i).choice(list(acked))
                conn.execute("DELETE FROM crash_items WHERE id = %s", (j,))
                del acked[j]
    except psycopg.Error:
        pass   # the server was killed under us


def check_agreement(server, acked, rolled_back):
    conn = connect(server)
    try:
        table = {r[0] for r in conn.execute("SELECT id FROM crash_items")}
        # Acknowledged rows survived (one unacknowledged commit may exist too).
        assert set(acked) <= table
        assert len(table - set(acked)) <= 2
        # The index came back from its persisted copy plus the log (no rebuild), and holds
        # exactly the table's rows ...
        s = stats(conn)
        assert s["rebuilt_at_load"] is False
        assert s["live_rows"] == len(table)
        plan = conn.execute("EXPLAIN SELECT id FROM crash_items ORDER BY v <-> %s LIMIT 1",
                            (Vec(vector_of(1)),)).fetchall()
        assert "Index Scan using crash_items_v_idx" in plan[1][0]
        # ... with their current vectors: each row is its own nearest neighbour.
        sample = random.Random(5).sample(sorted(acked), min(300, len(acked)))
        conn.execute("SET hnsw.ef_search = 100")
        missed = [i for i in sample if nearest(conn, acked[i]) != [i]]
        assert not missed, f"{len(missed)} of {len(sample)} rows not found through the index: {missed[:10]}"
        # Rolled-back rows are nowhere.
        for i in rolled_back[:100]:
            assert i not in table
            assert nearest(conn, vector_of(i)) != [i]
    finally:
        conn.close()


def test_kill9_during_writes_then_index_and_table_agree(pgwire_server_fn):
    server = pgwire_server_fn
    conn = connect(server)
    conn.execute(f"CREATE TABLE crash_items (id int PRIMARY KEY, v vector({DIM}))")
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO crash_items VALUES (%s, %s)", [(i, Vec(vector_of(i))) for i in range(1000)])
    conn.execute("CREATE INDEX crash_items_v_idx ON crash_items USING hnsw (v vector_l2_ops)")
    conn.close()
    acked = {i: vector_of(i) for i in range(1000)}
    rolled_back = []
    for round_ in range(2):
        stop = threading.Event()
        t = threading.Thread(target=writer, args=(server, acked, rolled_back, stop))
        t.start()
        time.sleep(1.5)
        server.kill9()
        stop.set()
        t.join(timeout=30)
        assert not t.is_alive()
        server.start()
        check_agreement(server, acked, rolled_back)
    assert len(acked) > 1000 and rolled_back


def test_clean_restart_loads_the_persisted_index(pgwire_server_fn):
    server = pgwire_server_fn
    conn = connect(server)
    conn.execute(f"CREATE TABLE crash_items (id int PRIMARY KEY, v vector({DIM}))")
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO crash_items VALUES (%s, %s)", [(i, Vec(vector_of(i))) for i in range(500)])
    conn.execute("CREATE INDEX crash_items_v_idx ON crash_items USING hnsw (v vector_l2_ops)")
    with conn.cursor() as cur:   # changes after the first persisted copy
        cur.executemany("INSERT INTO crash_items VALUES (%s, %s)", [(i, Vec(vector_of(i))) for i in range(500, 600)])
    conn.execute("DELETE FROM crash_items WHERE id < 50")
    before = stats(conn)
    conn.close()
    server.restart()
    conn = connect(server)
    after = stats(conn)
    assert after["rebuilt_at_load"] is False
    assert after["live_rows"] == before["live_rows"] == 550
    assert after["unpersisted_changes"] == 0
    assert nearest(conn, vector_of(555)) == [555]
    assert nearest(conn, vector_of(10)) != [10]
    conn.close()


def test_kill9_before_the_first_persisted_copy_rebuilds(pgwire_server_fn):
    server = pgwire_server_fn
    conn = connect(server)
    conn.execute(f"CREATE TABLE crash_items (id int PRIMARY KEY, v vector({DIM}))")
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO crash_items VALUES (%s, %s)", [(i, Vec(vector_of(i))) for i in range(300)])
    conn.execute("CREATE INDEX crash_items_v_idx ON crash_items USING hnsw (v vector_l2_ops)")
    # Throw the persisted copy away behind the server's back, as if the crash came first.
    conn.execute("SELECT pgwire_vector_index_checkpoint()")
    conn.close()
    server.kill9()
    db = sqlite3.connect(os.path.join(server.data_dir, "databases", "postgres.db"))
    db.execute("DELETE FROM _pgwire_hnsw_store")
    db.commit()
    db.close()
    server.start()
    conn = connect(server)
    s = stats(conn)
    assert s["rebuilt_at_load"] is True and s["live_rows"] == 300
    assert nearest(conn, vector_of(123)) == [123]
    conn.close()
