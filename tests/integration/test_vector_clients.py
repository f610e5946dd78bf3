"""Real clients sending and receiving vectors: psycopg 3 (text and binary, by OID, as the
pgvector Python package registers it) and node-postgres with the `pgvector` npm package
(text and binary parameters; node-postgres itself cannot read binary results).

node-postgres lives in tests/integration/node_vector/ (package.json there; installed by
scripts/install-deps.sh, or here with npm when node_modules is missing).
"""

import json
import os
import shutil
import struct
import subprocess

import psycopg
import pytest
from psycopg.adapt import Dumper, Loader
from psycopg.pq import Format

from pgharness import clients

VECTOR_OID = 16388
NODE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node_vector")


class Vector(list):
    pass


class VectorTextDumper(Dumper):
    oid = VECTOR_OID

    def dump(self, obj):
        return ("[" + ",".join(repr(float(x)) for x in obj) + "]").encode()


class VectorBinaryDumper(Dumper):
    format = Format.BINARY
    oid = VECTOR_OID

    def dump(self, obj):
        return struct.pack(">HH%df" % len(obj), len(obj), 0, *obj)


class VectorTextLoader(Loader):
    def load(self, data):
        return Vector(float(x) for x in bytes(data).decode()[1:-1].split(","))


class VectorBinaryLoader(Loader):
    format = Format.BINARY

    def load(self, data):
        data = bytes(data)
        dim, unused = struct.unpack_from(">HH", data)
        assert unused == 0
        return Vector(struct.unpack_from(">%df" % dim, data, 4))


@pytest.fixture
def vconn(pgwire_server):
    conn = clients.connect(pgwire_server)
    conn.adapters.register_loader(VECTOR_OID, VectorTextLoader)
    conn.adapters.register_loader(VECTOR_OID, VectorBinaryLoader)
    conn.execute("DROP TABLE IF EXISTS vc_items")
    conn.execute("CREATE TABLE vc_items (id bigserial PRIMARY KEY, embedding vector(3))")
    yield conn
    conn.execute("DROP TABLE IF EXISTS vc_items")
    conn.close()


@pytest.mark.parametrize("dumper", [VectorTextDumper, VectorBinaryDumper])
@pytest.mark.parametrize("binary_results", [False, True])
def test_psycopg_round_trip(vconn, dumper, binary_results):
    vconn.adapters.register_dumper(Vector, dumper)
    vectors = [Vector([1, 2, 3]), Vector([0.5, -1.25, 3e-7]), Vector([1e30, -2.5e-30, 0])]
    with vconn.cursor() as cur:
        cur.executemany("INSERT INTO vc_items (embedding) VALUES (%s)", [(v,) for v in vectors])
        cur.execute("SELECT embedding FROM vc_items ORDER BY id", binary=binary_results)
        got = [r[0] for r in cur.fetchall()]

    def f32(v):
        return [struct.unpack("f", struct.pack("f", x))[0] for x in v]

    # text output is float4's shortest form: equal once read back as float4
    assert [f32(v) for v in got] == [f32(v) for v in vectors]
    # The server describes the column as vector, by OID, in both formats.
    with vconn.cursor() as cur:
        cur.execute("SELECT embedding FROM vc_items LIMIT 1", binary=binary_results)
        assert cur.description[0].type_code == VECTOR_OID


@pytest.mark.parametrize("dumper", [VectorTextDumper, VectorBinaryDumper])
def test_psycopg_nearest_neighbours_with_a_prepared_query(vconn, dumper):
    vconn.adapters.register_dumper(Vector, dumper)
    with vconn.cursor() as cur:
        cur.executemany("INSERT INTO vc_items (embedding) VALUES (%s)",
                        [(Vector([i, i % 7, 1]),) for i in range(200)])
    # nearly a line: built on one thread, so that the answer is exact (see test_vector_sql's grid)
    vconn.execute("SET max_parallel_maintenance_workers = 0")
    vconn.execute("CREATE INDEX ON vc_items USING hnsw (embedding vector_l2_ops)")
    for binary in (False, True):
        for _ in range(3):   # prepared after the first executions
            with vconn.cursor(binary=binary) as cur:
                cur.execute("SELECT id, embedding, embedding <-> %s AS d FROM vc_items ORDER BY embedding <-> %s "
                            "LIMIT 3", (Vector([10, 3, 1]), Vector([10, 3, 1])), prepare=True)
                rows = cur.fetchall()
                assert [r[0] for r in rows] == [11, 10, 12] or [r[0] for r in rows] == [11, 12, 10]
                assert rows[0][1] == [10, 3, 1] and rows[0][2] == 0


def test_psycopg_binary_errors(vconn):
    # wrong dimension count, sent in binary: pgvector's message
    vconn.adapters.register_dumper(Vector, VectorBinaryDumper)
    with pytest.raises(psycopg.Error) as e:
        vconn.execute("INSERT INTO vc_items (embedding) VALUES (%s)", (Vector([1, 2]),))
    assert e.value.sqlstate == "22000"
    assert e.value.diag.message_primary == "expected 3 dimensions, not 2"
    # NaN in binary input is refused as in text
    with pytest.raises(psycopg.Error) as e:
        vconn.execute("INSERT INTO vc_items (embedding) VALUES (%s)", (Vector([1, float("nan"), 3]),))
    assert (e.value.sqlstate, e.value.diag.message_primary) == ("22000", "NaN not allowed in vector")


def copy_binary(rows):
    """PostgreSQL's binary COPY stream of (int8 id, vector) rows, built by hand."""
    out = bytearray(b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0))
    for rid, vec in rows:
        out += struct.pack(">h", 2) + struct.pack(">iq", 8, rid)
        if vec is None:
            out += struct.pack(">i", -1)
        else:
            body = struct.pack(">HH%df" % len(vec), len(vec), 0, *vec)
            out += struct.pack(">i", len(body)) + body
    return bytes(out + struct.pack(">h", -1))


def test_copy_text_and_binary_into_an_indexed_table(vconn):
    # pgvector's README: bulk loading with COPY ... FORMAT BINARY; the index follows.
    vconn.execute("CREATE INDEX vc_items_idx ON vc_items USING hnsw (embedding vector_l2_ops)")
    with vconn.cursor() as cur:
        with cur.copy("COPY vc_items (id, embedding) FROM STDIN") as cp:
            cp.write(b"1\t[1,0,0]\n2\t[2,0,0]\n3\t\\N\n")
        with cur.copy("COPY vc_items (id, embedding) FROM STDIN WITH (FORMAT BINARY)") as cp:
            cp.write(copy_binary([(10, [1.5, 0, 0]), (11, [-4, 0.25, 1e-3]), (12, None)]))
    ids = [r[0] for r in vconn.execute("SELECT id FROM vc_items ORDER BY embedding <-> '[1.4,0,0]' LIMIT 10")]
    assert ids == [10, 1, 2, 11]          # through the index: the NULL rows are not in it
    stats = vconn.execute("SELECT pgwire_vector_index_stats('vc_items_idx'::regclass)").fetchone()[0]
    assert stats["live_rows"] == 4
    # the dimension is checked on COPY as on INSERT
    with pytest.raises(psycopg.Error) as e:
        with vconn.cursor() as cur:
            with cur.copy("COPY vc_items (id, embedding) FROM STDIN WITH (FORMAT BINARY)") as cp:
                cp.write(copy_binary([(20, [1, 2])]))
    assert (e.value.sqlstate, e.value.diag.message_primary) == ("22000", "expected 3 dimensions, not 2")
    # COPY TO, both formats
    with vconn.cursor() as cur:
        with cur.copy("COPY (SELECT id, embedding FROM vc_items WHERE id IN (1, 11, 12) ORDER BY id) TO STDOUT") as cp:
            text = b"".join(bytes(b) for b in cp)
        assert text == b"1\t[1,0,0]\n11\t[-4,0.25,0.001]\n12\t\\N\n"
        with cur.copy("COPY (SELECT id, embedding FROM vc_items WHERE id IN (10, 12) ORDER BY id) TO STDOUT "
                      "WITH (FORMAT BINARY)") as cp:
            data = b"".join(bytes(b) for b in cp)
        assert data == copy_binary([(10, [1.5, 0, 0]), (12, None)])


# ---------------------------------------------------------------------------------------
# node-postgres

NODE_SCRIPT = r"""
const pg = require('pg');
const pgvector = require('pgvector/pg');
(async () => {
  const client = new pg.Client({host: process.env.PGHOST, port: +process.env.PGPORT,
                                user: 'postgres', database: 'postgres'});
  await client.connect();
  try {
    await pgvector.registerTypes(client);          // looks the OID up in pg_type
  } catch (e) {
    if (e.code !== '42P01') throw e;               // no pg_catalog yet (the catalog's issue):
    const { fromSql } = require('pgvector');       // the same parser, by pgvector's stable OID
    client.setTypeParser(16388, 'text', (v) => fromSql(v));
  }
  await client.query('DROP TABLE IF EXISTS vn_items');
  await client.query('CREATE TABLE vn_items (id bigserial PRIMARY KEY, embedding vector(3))');
  // text: pgvector.toSql; binary: a Buffer in pgvector's binary format, typed by OID
  await client.query('INSERT INTO vn_items (embedding) VALUES ($1), ($2)',
                     [pgvector.toSql([1, 1, 1]), pgvector.toSql([2, 2, 2])]);
  const buf = Buffer.alloc(4 + 4 * 3);
  buf.writeUInt16BE(3, 0); buf.writeUInt16BE(0, 2);
  [1, 1, 2].forEach((x, i) => buf.writeFloatBE(x, 4 + 4 * i));
  await client.query('INSERT INTO vn_items (embedding) VALUES ($1::vector)', [buf]);
  await client.query('CREATE INDEX ON vn_items USING hnsw (embedding vector_l2_ops)');
  const res = await client.query('SELECT id, embedding FROM vn_items ORDER BY embedding <-> $1 LIMIT 5',
                                 [pgvector.toSql([1, 1, 1])]);
  // node-postgres cannot read binary results (its protocol parser decodes every field as
  // UTF-8): the rows come back as text, the one sent as a binary Buffer among them.
  const all = await client.query('SELECT embedding FROM vn_items ORDER BY id');
  console.log(JSON.stringify({rows: res.rows.map(r => [Number(r.id), r.embedding]),
                              all: all.rows.map(r => r.embedding)}));
  await client.query('DROP TABLE vn_items');
  await client.end();
})().catch(e => { console.error(e); process.exit(1); });
"""


def node_ready():
    if not shutil.which("node"):
        return "node is not installed"
    if not os.path.isdir(os.path.join(NODE_DIR, "node_modules", "pgvector")):
        if not shutil.which("npm"):
            return "npm is not installed"
        r = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=NODE_DIR,
                           capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            return "npm install failed: " + r.stderr[-500:]
    return None


def test_node_postgres_with_pgvector(pgwire_server):
    why = node_ready()
    if why:
        pytest.skip(why)
    env = dict(pgwire_server.env())
    r = subprocess.run(["node", "-e", NODE_SCRIPT], cwd=NODE_DIR, env={**os.environ, **env},
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["rows"][0] == [1, [1, 1, 1]]
    assert [row[0] for row in out["rows"]] == [1, 3, 2]
    assert out["all"] == [[1, 1, 1], [2, 2, 2], [1, 1, 2]]
