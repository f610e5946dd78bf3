"""COPY through real clients, each compared with PostgreSQL 15 where the client's output is
observable: psql's \\copy (files in and out, csv with header), psycopg2's copy_expert /
copy_from / copy_to, asyncpg's copy_records_to_table (binary) and copy_from_query, JDBC's
CopyManager (copyIn/copyOut and the CopyIn API with cancelCopy), node-postgres with
pg-copy-streams (npm packages installed into tests/integration/node on first use).
"""

import asyncio
import io
import json
import os
import shutil
import subprocess

import pytest

from pgharness import clients

HERE = os.path.dirname(os.path.abspath(__file__))

ROWS = [
    (1, "plain", 1.5),
    (2, "tab\there", -2.25),
    (3, "new\nline, \"quoted\"", 0.0),
    (4, "back\\slash", 1e20),
    (5, "", None),
    (6, None, 3.0),
    (7, "unicode ✓ 日本", 7.125),
]
DDL = "create table copy_cli (id int primary key, name text, score float8)"


def fresh_table(server):
    with clients.connect(server) as conn:
        conn.execute("drop table if exists copy_cli")
        conn.execute(DDL)


def table_rows(server):
    with clients.connect(server) as conn:
        return conn.execute("select id, name, score from copy_cli order by id").fetchall()


def csv_of_rows():
    out = io.StringIO()
    out.write("id,name,score\n")
    for i, name, score in ROWS:
        def q(v):
            if v is None:
                return ""
            s = str(v)
            if any(c in s for c in ',"\n\r') or s == "":
                return '"' + s.replace('"', '""') + '"'
            return s
        out.write(f"{i},{q(name)},{q(score)}\n")
    return out.getvalue()


# ---------------------------------------------------------------- psql \copy

def test_psql_backslash_copy_files_in_and_out(pgwire_server, pg_oracle, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(csv_of_rows())
    outputs = {}
    for server in (pg_oracle, pgwire_server):
        fresh_table(server)
        d = tmp_path / server.name
        d.mkdir()
        script = (f"\\copy copy_cli from '{src}' with (format csv, header)\n"
                  f"\\copy copy_cli to '{d}/out.csv' csv header\n"
                  f"\\copy (select id, name from copy_cli where id > 2 order by id) to '{d}/out.txt'\n"
                  f"\\copy copy_cli (id, name) to stdout with delimiter '|' null 'NULL'\n")
        r = clients.psql_run(server, None, "-v", "ON_ERROR_STOP=1", input=script, check=True)
        outputs[server.name] = (r.stdout, (d / "out.csv").read_bytes(), (d / "out.txt").read_bytes())
    assert outputs["pgwire"] == outputs["oracle"]
    assert "COPY 7" in outputs["pgwire"][0]
    assert table_rows(pgwire_server) == table_rows(pg_oracle)


def test_psql_copy_from_stdin_in_a_script(pgwire_server, pg_oracle):
    script = ("copy copy_cli from stdin;\n"
              "1\tone\t1\n2\t\\N\t\\N\n\\.\n"
              "select count(*) from copy_cli;\n")
    results = []
    for server in (pg_oracle, pgwire_server):
        fresh_table(server)
        results.append(clients.psql_run(server, None, "-v", "ON_ERROR_STOP=1", input=script, check=True).stdout)
    assert results[1] == results[0]


# ---------------------------------------------------------------- psycopg2

def test_psycopg2_copy_expert_copy_from_copy_to(pgwire_server, pg_oracle):
    psycopg2 = pytest.importorskip("psycopg2")
    outputs = []
    for server in (pg_oracle, pgwire_server):
        fresh_table(server)
        conn = psycopg2.connect(server.dsn())
        try:
            cur = conn.cursor()
            cur.copy_expert("COPY copy_cli FROM STDIN WITH (FORMAT csv, HEADER)", io.StringIO(csv_of_rows()))
            loaded = cur.rowcount
            cur.execute("delete from copy_cli where id > 5")
            cur.copy_from(io.StringIO("8\tfrom copy_from\t8\n9\tNULL\t9\n"), "copy_cli", sep="\t", null="NULL")
            conn.commit()
            out1, out2 = io.StringIO(), io.StringIO()
            cur.copy_expert("COPY (SELECT * FROM copy_cli ORDER BY id) TO STDOUT WITH CSV HEADER FORCE QUOTE *", out1)
            cur.copy_to(out2, "copy_cli", sep="|", null="<null>", columns=("name", "id"))
            outputs.append((loaded, out1.getvalue(), sorted(out2.getvalue().splitlines())))
        finally:
            conn.close()
    assert outputs[1] == outputs[0]
    assert outputs[1][0] == 7


def test_psycopg2_error_mid_copy_rolls_back(pgwire_server):
    psycopg2 = pytest.importorskip("psycopg2")
    fresh_table(pgwire_server)
    conn = psycopg2.connect(pgwire_server.dsn())
    try:
        cur = conn.cursor()
        with pytest.raises(psycopg2.errors.InvalidTextRepresentation) as e:
            cur.copy_expert("COPY copy_cli FROM STDIN", io.StringIO("1\ta\t1\n2\tb\tnot-a-float\n"))
        assert e.value.diag.context == 'COPY copy_cli, line 2, column score: "not-a-float"'
        conn.rollback()
    finally:
        conn.close()
    assert table_rows(pgwire_server) == []


# ---------------------------------------------------------------- asyncpg

async def _asyncpg_copy(server):
    asyncpg = pytest.importorskip("asyncpg")
    conn = await asyncpg.connect(host=server.host, port=server.port, user=server.user, database=server.dbname)
    try:
        await conn.execute("drop table if exists copy_cli")
        await conn.execute(DDL)
        status = await conn.copy_records_to_table("copy_cli", records=ROWS, columns=["id", "name", "score"])
        more = await conn.copy_to_table("copy_cli", source=io.BytesIO(b"10,ten,10\n"), format="csv")
        buf = io.BytesIO()
        out = await conn.copy_from_query("select id, name, score from copy_cli order by id", output=buf,
                                         format="csv", header=True)
        buf2 = io.BytesIO()
        out2 = await conn.copy_from_table("copy_cli", output=buf2, columns=["id", "name"])
        rows = await conn.fetch("select id, name, score from copy_cli order by id")
        return status, more, out, buf.getvalue(), out2, sorted(buf2.getvalue().splitlines()), \
            [tuple(r) for r in rows]
    finally:
        await conn.close()


def test_asyncpg_copy_records_binary_and_copy_out(pgwire_server, pg_oracle):
    theirs = asyncio.run(_asyncpg_copy(pg_oracle))
    ours = asyncio.run(_asyncpg_copy(pgwire_server))
    assert ours == theirs
    assert ours[0] == "COPY 7"


# ---------------------------------------------------------------- JDBC CopyManager

JAVA_PROGRAM = r"""
import java.io.*;
import java.sql.*;
import org.postgresql.PGConnection;
import org.postgresql.copy.*;

public class CopyJdbc {
    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection(args[0], "postgres", "")) {
            try (Statement s = c.createStatement()) {
                s.execute("drop table if exists copy_cli");
                s.execute("create table copy_cli (id int primary key, name text, score float8)");
            }
            CopyManager cm = ((PGConnection) c).getCopyAPI();
            long n = cm.copyIn("COPY copy_cli FROM STDIN WITH (FORMAT csv)",
                               new StringReader("1,one,1.5\n2,\"t,wo\",\n3,,3\n"));
            System.out.println("in " + n);
            CopyIn ci = cm.copyIn("COPY copy_cli (id, name) FROM STDIN");
            byte[] part1 = "4\tfo".getBytes("UTF-8"), part2 = "ur\n5\tfive\n".getBytes("UTF-8");
            ci.writeToCopy(part1, 0, part1.length);
            ci.writeToCopy(part2, 0, part2.length);
            System.out.println("copyin api " + ci.endCopy());
            CopyIn bad = cm.copyIn("COPY copy_cli (id, name) FROM STDIN");
            byte[] row = "6\tsix\n".getBytes("UTF-8");
            bad.writeToCopy(row, 0, row.length);
            try { bad.cancelCopy(); } catch (SQLException e) { System.out.println("cancel " + e.getSQLState()); }
            try {
                cm.copyIn("COPY copy_cli FROM STDIN", new StringReader("7\tx\tnot-a-number\n"));
            } catch (SQLException e) { System.out.println("error " + e.getSQLState()); }
            StringWriter w = new StringWriter();
            long out = cm.copyOut("COPY (SELECT * FROM copy_cli ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER)", w);
            System.out.println("out " + out);
            System.out.print(w.toString());
            ByteArrayOutputStream bin = new ByteArrayOutputStream();
            cm.copyOut("COPY (SELECT id FROM copy_cli ORDER BY id) TO STDOUT (FORMAT binary)", bin);
            System.out.println("binary bytes " + bin.size());
        }
    }
}
"""


def test_jdbc_copy_manager(pgwire_server, pg_oracle, tmp_path):
    jar = "/usr/share/java/postgresql.jar"
    if not (shutil.which("javac") and os.path.exists(jar)):
        pytest.skip("javac or libpostgresql-jdbc-java missing (scripts/install-deps.sh)")
    src = tmp_path / "CopyJdbc.java"
    src.write_text(JAVA_PROGRAM)
    subprocess.run(["javac", "-cp", jar, "-d", str(tmp_path), str(src)], check=True, capture_output=True)
    outputs = []
    for server in (pg_oracle, pgwire_server):
        url = f"jdbc:postgresql://127.0.0.1:{server.port}/postgres"
        r = subprocess.run(["java", "-cp", f"{tmp_path}:{jar}", "CopyJdbc", url], capture_output=True, text=True,
                           timeout=120)
        assert r.returncode == 0, r.stderr
        outputs.append(r.stdout)
    assert outputs[1] == outputs[0]
    # cancelCopy sends CopyFail (the row of that COPY is not loaded); the bad row fails.
    assert outputs[1].startswith("in 3\ncopyin api 2\nerror 22P02\nout 5\n")
    assert "\n6," not in outputs[1]


# ---------------------------------------------------------------- node pg-copy-streams



def node_modules():
    """pg and pg-copy-streams from npm, installed once into tests/integration/node."""
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip("node/npm missing")
    d = os.path.join(HERE, "node")
    if not os.path.isdir(os.path.join(d, "node_modules", "pg-copy-streams")):
        r = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=d, capture_output=True,
                           text=True, timeout=300)
        if r.returncode != 0:
            pytest.fail(f"npm install failed in {d}:\n{r.stderr}")
    return d


def test_node_pg_copy_streams(pgwire_server, pg_oracle, tmp_path):
    d = node_modules()
    prog = os.path.join(d, "copy_streams.js")
    outputs = []
    for server in (pg_oracle, pgwire_server):
        r = subprocess.run(["node", prog, str(server.port)], capture_output=True, text=True, timeout=120, cwd=d)
        assert r.returncode == 0, r.stderr
        outputs.append(r.stdout)
    assert outputs[1] == outputs[0]
    assert outputs[1].startswith("from 3\nto 3\n")
    assert outputs[1].endswith("error 22P02\n")
