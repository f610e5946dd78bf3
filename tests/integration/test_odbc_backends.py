"""The ODBC backend end to end, through two real ODBC drivers from Debian:

- psqlODBC (odbc-postgresql) in front of a real PostgreSQL 15 started here (dialect=postgres);
- the SQLite ODBC driver (libsqliteodbc) on a database file (dialect=sqlite, without the
  embedded engine's pgw_* functions: docs/iris.md, "SQLite through its ODBC driver").

Each scenario runs against both with psql, psycopg 3 and JDBC (pgjdbc), as the embedded
engine's scenarios do: DDL, parameters of many types, transactions and savepoints, errors
with their SQLSTATEs, results larger than one fetch block, cancel through SQLCancel,
statement_timeout, and (psqlODBC) a PostgreSQL killed under the server: the affected client
gets 08006, the server reconnects for the next statement.
"""
import datetime
import decimal
import os
import shutil
import subprocess
import tempfile
import threading
import time

import psycopg
import pytest

from pgharness import clients, servers

DRIVERS = {"psqlodbc": "PostgreSQL Unicode", "sqliteodbc": "SQLite3"}


def driver_installed(name):
    out = subprocess.run(["odbcinst", "-q", "-d"], capture_output=True, text=True)
    return out.returncode == 0 and f"[{name}]" in out.stdout


def start_engine_pg():
    if os.geteuid() == 0 and not shutil.which("runuser"):
        pytest.skip("running as root without runuser")
    pg = servers.PgOracle()
    pg.start()
    return pg


def odbc_pgwire(pgwire_bin, kind, engine_pg=None, sqlite_path=None, **extra):
    if kind == "psqlodbc":
        cs = (f"Driver={DRIVERS[kind]};Server=127.0.0.1;Port={engine_pg.port};Database=postgres;"
              f"UID=postgres")
        settings = dict(backend="odbc", dialect="postgres", odbc_connection_string=cs)
    else:
        settings = dict(backend="odbc", dialect="sqlite",
                        odbc_connection_string=f"Driver={DRIVERS[kind]};Database={sqlite_path}")
    settings.update(extra)
    server = servers.PgwireServer(pgwire_bin, extra_settings=settings)
    try:
        server.start()
    except servers.ServerError as e:
        server.cleanup()
        pytest.fail(str(e), pytrace=False)
    return server


@pytest.fixture(scope="module", params=list(DRIVERS))
def odbc_server(request, pgwire_bin):
    kind = request.param
    if not driver_installed(DRIVERS[kind]):
        pytest.skip(f"ODBC driver {DRIVERS[kind]} not installed (scripts/install-deps.sh)")
    engine = None
    tmp = tempfile.mkdtemp(prefix="pgwire-odbc-")
    if kind == "psqlodbc":
        engine = start_engine_pg()
    server = odbc_pgwire(pgwire_bin, kind, engine, os.path.join(tmp, "engine.db"))
    server.kind = kind
    server.engine = engine
    yield server
    server.cleanup()
    if engine:
        engine.cleanup()
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def conn(odbc_server):
    c = clients.connect(odbc_server)
    yield c
    c.close()


def fresh_table(conn, name, ddl):
    conn.execute(f"drop table if exists {name}")
    conn.execute(ddl)


def test_psql_session(odbc_server):
    out = clients.psql(odbc_server,
                       "drop table if exists odbc_psql; "
                       "create table odbc_psql (id integer primary key, name varchar(20) not null, qty integer); "
                       "insert into odbc_psql values (1, 'one', 10); "
                       "insert into odbc_psql values (2, 'two', null); "
                       "select id, name, qty from odbc_psql order by id; "
                       "drop table odbc_psql")
    assert [l for l in out.splitlines() if "|" in l] == ["1|one|10", "2|two|"]


def test_parameters_and_types(conn, odbc_server):
    fresh_table(conn, "odbc_types",
                "create table odbc_types (id integer primary key, t text, v varchar(30), n numeric(10,2),"
                " f double precision, b boolean, d date, ts timestamp, big bigint)")
    rows = [
        (1, "plain", "x", decimal.Decimal("12.50"), 1.25, True, datetime.date(2024, 2, 29),
         datetime.datetime(2024, 2, 29, 13, 14, 15, 123456), 9007199254740993),
        (2, "quote ' and ünïcode", "", decimal.Decimal("-0.01"), -2.5e10, False, datetime.date(1999, 12, 31),
         datetime.datetime(2000, 1, 1, 0, 0, 0), -1),
        (3, None, None, None, None, None, None, None, None),
    ]
    with conn.cursor() as cur:
        for r in rows:
            cur.execute("insert into odbc_types values (%s, %s, %s, %s, %s, %s, %s, %s, %s)", r)
            assert cur.rowcount == 1
        cur.execute("select id, t, v, n, f, b, d, ts, big from odbc_types order by id")
        got = cur.fetchall()
        assert [d.type_code for d in cur.description] == [23, 25, 1043, 1700, 701, 16, 1082, 1114, 20]
    if odbc_server.kind == "sqliteodbc":
        # The SQLite driver keeps timestamps to the millisecond (docs/iris.md, known limits).
        rows = [tuple(v.replace(microsecond=v.microsecond // 1000 * 1000) if isinstance(v, datetime.datetime) else v
                      for v in r) for r in rows]
    assert got == rows
    # $n reused and out of order, in the extended protocol with binary results.
    with conn.cursor(binary=True) as cur:
        cur.execute("select id from odbc_types where big = %(b)s or (id > %(i)s and id < %(b)s) order by id",
                    {"b": 9007199254740993, "i": 1})
        assert cur.fetchall() == [(1,), (2,), (3,)]


def test_transactions_and_savepoints(odbc_server):
    c = clients.connect(odbc_server, autocommit=False)
    try:
        c.execute("drop table if exists odbc_txn")
        c.execute("create table odbc_txn (id integer primary key, note text)")
        c.commit()
        c.execute("insert into odbc_txn values (1, 'kept')")
        c.execute("savepoint s1")
        c.execute("insert into odbc_txn values (2, 'undone')")
        c.execute("rollback to savepoint s1")
        c.execute("insert into odbc_txn values (3, 'kept too')")
        c.commit()
        c.execute("insert into odbc_txn values (4, 'rolled back')")
        c.rollback()
        assert c.execute("select id from odbc_txn order by id").fetchall() == [(1,), (3,)]
        c.rollback()
        # An error inside a block fails it until ROLLBACK, as in PostgreSQL.
        with pytest.raises(psycopg.errors.UniqueViolation):
            c.execute("insert into odbc_txn values (1, 'dup')")
        with pytest.raises(psycopg.errors.InFailedSqlTransaction):
            c.execute("select 1")
        c.rollback()
        assert c.execute("select count(*) from odbc_txn").fetchone() == (2,)
    finally:
        c.close()


def test_errors_map_to_sqlstates(conn):
    fresh_table(conn, "odbc_err", "create table odbc_err (id integer primary key, name varchar(10) not null)")
    conn.execute("insert into odbc_err values (1, 'a')")
    with pytest.raises(psycopg.errors.UniqueViolation):
        conn.execute("insert into odbc_err values (1, 'b')")
    with pytest.raises(psycopg.errors.NotNullViolation):
        conn.execute("insert into odbc_err (id) values (2)")
    with pytest.raises(psycopg.errors.UndefinedTable):
        conn.execute("select * from odbc_no_such_table")
    with pytest.raises(psycopg.errors.UndefinedColumn):
        conn.execute("select no_such_column from odbc_err")
    # Nothing matched: success with 0 rows, not an error.
    cur = conn.execute("update odbc_err set name = 'z' where id = 42")
    assert cur.rowcount == 0
    assert conn.execute("select count(*) from odbc_err").fetchone() == (1,)


def test_results_larger_than_a_block(conn, odbc_server):
    fresh_table(conn, "odbc_many", "create table odbc_many (id integer primary key, label varchar(20), x double precision)")
    with conn.cursor() as cur:
        with conn.transaction():
            cur.executemany("insert into odbc_many values (%s, %s, %s)",
                            [(i, f"row {i}", i / 7) for i in range(3000)])
        cur.execute("select id, label, x from odbc_many order by id")
        got = cur.fetchall()
    assert len(got) == 3000
    assert got[0] == (0, "row 0", 0.0) and got[2999][:2] == (2999, "row 2999")
    # The SQLite driver moves doubles through 15-digit text (docs/iris.md, known limits).
    assert got[2999][2] == pytest.approx(2999 / 7, rel=1e-14 if odbc_server.kind == "sqliteodbc" else 0)
    assert [r[0] for r in got] == list(range(3000))


def long_query(kind):
    if kind == "psqlodbc":
        return "select pg_sleep(20)"
    return ("with recursive c(x) as (select 1 union all select x + 1 from c where x < 500000000) "
            "select count(*) from c")


def test_cancel_uses_sqlcancel(conn, odbc_server):
    timer = threading.Timer(0.7, conn.cancel)
    timer.start()
    t0 = time.monotonic()
    try:
        with pytest.raises(psycopg.errors.QueryCanceled) as e:
            conn.execute(long_query(odbc_server.kind))
    finally:
        timer.cancel()
    assert time.monotonic() - t0 < 10
    assert "user request" in str(e.value)
    # The session and its engine connection are usable afterwards.
    assert conn.execute("select 1").fetchone() == (1,)


def test_statement_timeout(conn, odbc_server):
    conn.execute("set statement_timeout = 500")
    t0 = time.monotonic()
    with pytest.raises(psycopg.errors.QueryCanceled) as e:
        conn.execute(long_query(odbc_server.kind))
    assert time.monotonic() - t0 < 10
    assert "statement timeout" in str(e.value)
    conn.execute("set statement_timeout = 0")
    assert conn.execute("select 2").fetchone() == (2,)


def test_sqlite_driver_has_no_engine_functions(conn, odbc_server):
    if odbc_server.kind != "sqliteodbc":
        pytest.skip("SQLite over ODBC only")
    # lower() needs the embedded engine's pgw_lower (PostgreSQL's Unicode case mapping).
    with pytest.raises(psycopg.errors.FeatureNotSupported):
        conn.execute("select lower('ABC')")


JAVA_PROGRAM = r"""
import java.sql.*;
public class OdbcJdbc {
    public static void main(String[] a) throws Exception {
        try (Connection c = DriverManager.getConnection(a[0], "postgres", "")) {
            try (Statement s = c.createStatement()) {
                s.execute("drop table if exists odbc_jdbc");
                s.execute("create table odbc_jdbc (id integer primary key, name varchar(20), amount numeric(8,2))");
            }
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement("insert into odbc_jdbc values (?, ?, ?)")) {
                for (int i = 1; i <= 3; i++) {
                    p.setInt(1, i); p.setString(2, "n" + i); p.setBigDecimal(3, new java.math.BigDecimal(i + ".25"));
                    p.executeUpdate();
                }
            }
            c.commit();
            try (PreparedStatement p = c.prepareStatement("select id, name, amount from odbc_jdbc where id >= ? order by id")) {
                p.setInt(1, 2);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) System.out.println(r.getInt(1) + "|" + r.getString(2) + "|" + r.getBigDecimal(3));
                }
            }
            try (Statement s = c.createStatement()) { s.executeQuery("select * from odbc_no_such"); }
            catch (SQLException e) { System.out.println("sqlstate " + e.getSQLState()); c.rollback(); }
        }
    }
}
"""


def test_jdbc(odbc_server, tmp_path):
    jar = "/usr/share/java/postgresql.jar"
    if not (shutil.which("javac") and os.path.exists(jar)):
        pytest.skip("javac or libpostgresql-jdbc-java missing")
    src = tmp_path / "OdbcJdbc.java"
    src.write_text(JAVA_PROGRAM)
    subprocess.run(["javac", "-d", str(tmp_path), str(src)], check=True, capture_output=True)
    url = f"jdbc:postgresql://127.0.0.1:{odbc_server.port}/postgres"
    out = subprocess.run(["java", "-cp", f"{tmp_path}:{jar}", "OdbcJdbc", url], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["2|n2|2.25", "3|n3|3.25", "sqlstate 42P01"]


def test_lost_engine_connection_and_recovery(pgwire_bin):
    """Kill the PostgreSQL behind psqlODBC: the client's statement fails with 08006, its
    session stays; once the engine is back the next statement works (new engine connection)."""
    if not driver_installed(DRIVERS["psqlodbc"]):
        pytest.skip("psqlODBC not installed")
    engine = start_engine_pg()
    server = odbc_pgwire(pgwire_bin, "psqlodbc", engine)
    try:
        c = clients.connect(server)
        other = clients.connect(server)
        assert c.execute("select 1").fetchone() == (1,)
        engine.kill9()
        with pytest.raises(psycopg.OperationalError) as e:
            c.execute("select 2")
        assert e.value.sqlstate == "08006"
        assert not c.closed
        engine.start()
        assert c.execute("select 3").fetchone() == (3,)
        assert other.execute("select 4").fetchone() == (4,)
        assert server.running()
        c.close()
        other.close()
    finally:
        server.cleanup()
        engine.cleanup()


# ---------------------------------------------------------------------------------------
# pg_catalog and information_schema over the ODBC backend: catalog-only statements run on
# the server's embedded catalog store, built from the engine's INFORMATION_SCHEMA
# (docs/catalog.md, "ODBC engines").

CATALOG_TABLE = ("create table odbc_cat (id integer primary key, name varchar(20) not null, "
                 "amount numeric(8,2))")


@pytest.fixture
def catalog_table(odbc_server):
    c = clients.connect(odbc_server)
    fresh_table(c, "odbc_cat", CATALOG_TABLE)
    yield c
    c.execute("drop table if exists odbc_cat")
    c.close()


def test_psql_dt_lists_engine_tables(catalog_table, odbc_server):
    out = clients.psql(odbc_server, r"\dt")
    rows = [l.split("|") for l in out.splitlines()]
    assert ["public", "odbc_cat", "table"] in [r[:3] for r in rows], out


def test_psql_d_table_has_postgresql_types(catalog_table, odbc_server):
    out = clients.psql(odbc_server, r"\d odbc_cat")
    cols = [l.split("|")[:2] for l in out.splitlines() if l.count("|") >= 4]
    assert cols[:3] == [["id", "integer"], ["name", "character varying(20)"], ["amount", "numeric(8,2)"]], out


def test_information_schema_columns(catalog_table):
    rows = catalog_table.execute(
        "select column_name, data_type, is_nullable from information_schema.columns "
        "where table_schema = 'public' and table_name = 'odbc_cat' order by ordinal_position").fetchall()
    assert rows == [("id", "integer", "NO"), ("name", "character varying", "NO"), ("amount", "numeric", "YES")]


def test_catalog_with_engine_tables_is_refused_clearly(catalog_table):
    with pytest.raises(psycopg.errors.FeatureNotSupported) as e:
        catalog_table.execute("select c.relname, t.id from pg_class c, odbc_cat t")
    assert "pg_catalog and information_schema" in str(e.value)


def test_catalog_is_the_servers_not_the_engines(conn):
    # Through psqlODBC the engine is a PostgreSQL with catalogs of its own: they must not
    # answer, the server's do (its server_version, as SHOW gives it).
    shown = conn.execute("show server_version").fetchone()[0]
    assert "iris-pgwire" in shown
    assert conn.execute("select setting from pg_settings where name = 'server_version'").fetchone() == (shown,)


def test_catalog_follows_ddl_inside_a_transaction(conn):
    conn.execute("drop table if exists odbc_cat_txn")   # autocommit
    q = "select count(*) from pg_class where relname = 'odbc_cat_txn' and relkind = 'r'"
    assert conn.execute(q).fetchone() == (0,)
    conn.execute("begin")
    conn.execute("create table odbc_cat_txn (k integer)")
    assert conn.execute(q).fetchone() == (1,)
    conn.execute("rollback")
    assert conn.execute(q).fetchone() == (0,)
